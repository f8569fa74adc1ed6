"""Dump the document model the PDF reader gives for every PDF under some folders, and compare two dumps.

    python scripts/compare_pdf.py dump OUT FOLDER...   # one JSON per PDF: blocks (text, rows, page, line) or the error
    python scripts/compare_pdf.py diff OLD NEW         # which PDFs give an identical model, and the first differences

Run ``dump`` once with the reader of one branch on PYTHONPATH and once with another's to compare readers.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def _dump(out: Path, folders: list[str]) -> None:
    from yusuan.errors import YusuanError
    from yusuan.model import Paragraph
    from yusuan.read import read

    out.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.pdf")):
            name = hashlib.sha1(str(path).encode()).hexdigest()[:8] + "_" + path.stem[:40] + ".json"
            try:
                document = read(path)
                blocks = [{"p": b.text, "page": b.page, "line": b.line} if isinstance(b, Paragraph) else
                          {"t": [[c.text for c in row] for row in b.rows], "page": b.page, "line": b.line,
                           "cells": [[[c.page, c.line] for c in row] for row in b.rows]}
                          for b in document.blocks]
                result = {"path": str(path), "blocks": blocks}
            except YusuanError as exc:
                result = {"path": str(path), "error": str(exc)}
            (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=0), encoding="utf-8")
            print(name, "error" if "error" in result else len(result["blocks"]), flush=True)


def _shape(block: dict) -> dict:
    return {k: v for k, v in block.items() if k in ("p", "t")}


def _diff(old: Path, new: Path, places: bool) -> None:
    same = 0
    files = sorted(p.name for p in old.glob("*.json"))
    for name in files:
        a = json.loads((old / name).read_text(encoding="utf-8"))
        b_path = new / name
        if not b_path.exists():
            print(f"MISSING {name}")
            continue
        b = json.loads(b_path.read_text(encoding="utf-8"))
        if "error" in a or "error" in b:
            if a.get("error") == b.get("error"):
                same += 1
            else:
                print(f"DIFF {a['path']}\n  old: {a.get('error', 'ok')}\n  new: {b.get('error', 'ok')}")
            continue
        left = a["blocks"] if places else [_shape(x) for x in a["blocks"]]
        right = b["blocks"] if places else [_shape(x) for x in b["blocks"]]
        if left == right:
            same += 1
            continue
        print(f"DIFF {a['path']}: {len(left)} vs {len(right)} blocks")
        shown = 0
        import difflib
        la = [json.dumps(x, ensure_ascii=False) for x in left]
        lb = [json.dumps(x, ensure_ascii=False) for x in right]
        for line in difflib.unified_diff(la, lb, lineterm="", n=0):
            if line.startswith(("---", "+++")):
                continue
            print("  " + line[:400])
            shown += 1
            if shown > 12:
                break
    print(f"identical: {same} of {len(files)}")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "dump":
        _dump(Path(args[0]), args[1:])
    else:
        _diff(Path(args[0]), Path(args[1]), "--places" in args)
