"""The whole pipeline, corpus steps included, over real PDFs and damaged variants of them built as one corpus
(a small, fast run of `scripts/fuzz.py --corpus`): no internal error, every source published or named in one
line, and the document whose project names (2026年…) once broke the corpus's classifications published."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REAL, SAMPLE, read_csv

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fuzz import corpus_inputs  # noqa: E402

YUSUAN = str(Path(sys.executable).with_name("yusuan"))


def test_real_pdfs_and_damaged_variants_build_as_one_corpus(tmp_path):
    originals = tmp_path / "originals"
    originals.mkdir()
    for name in ("sh_sjj_unit_2026.pdf", "sh_putuo_zfban_dept_2025.pdf", "guangzhou_publicity_2026.pdf"):
        shutil.copy(REAL / name, originals / name)
    sources = corpus_inputs(originals, tmp_path / "src", variants=3, seed=7)
    shutil.copy(SAMPLE, tmp_path / "src" / SAMPLE.name)
    assert len(sources) >= 9  # each damage made at least once
    assert {p.name.split(".")[1].rsplit("-", 1)[0] for p in sources if p.name.count(".") > 1} == {"truncated", "flipped", "pages-dropped"}

    done = subprocess.run([YUSUAN, "build", str(tmp_path / "src"), "--no-progress"], capture_output=True, text=True,
                          timeout=900, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    documents = read_csv(tmp_path / "datapackage" / "documents.csv")
    published = {d["source_file"] for d in documents}
    lines = done.stderr.splitlines()
    # the originals are published (or a variant holding the same document is, and the original said to be it)
    for name in ("sh_sjj_unit_2026.pdf", "sh_putuo_zfban_dept_2025.pdf", "guangzhou_publicity_2026.pdf", SAMPLE.name):
        assert name in published or any(line.startswith(f"yusuan: {name}: the same document as ") for line in lines), name
    assert any(d["department_zh"].startswith("中国共产党广州市委员会宣传部") for d in documents)
    failed = [p for p in sources if any(line.startswith(f"yusuan: {p}: ") for line in lines)]
    for path in sources:  # published, named with its failure, or said to be the same document as another
        assert path.name in published or path in failed or any(line.startswith(f"yusuan: {path.name}: the same document as")
                                                               for line in lines), path
    assert done.returncode == (1 if failed else 0)

    checked = subprocess.run([YUSUAN, "check", str(tmp_path / "src")], capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert checked.returncode in (0, 1)
    assert "internal error" not in checked.stderr and "Traceback" not in checked.stderr, checked.stderr
