#!/usr/bin/env python3
"""Fuzz the readers and every stage after them: seeded mutations of the bundled sample go through
yusuan.build.extract in-process; anything raised other than YusuanError is a crash.

Inputs: the sample text cut, with lines duplicated, dropped, swapped or shuffled, cells replaced by odd
amounts and codes, random unicode inserted, tabs removed, blank lines added, bytes flipped, re-encoded;
random bytes named .txt/.docx/.xlsx/.pdf; the sample written as .docx and .xlsx (tests/fixtures_make.py)
with its ZIP bytes flipped or cut, its XML parts cut or edited, members dropped; random ZIP contents.

Outcomes are counted (read fine / YusuanError / other exception), the crashing inputs are saved under
build/fuzz/ (with a .txt of the traceback), and the exit code is 1 when any other exception occurred.

    .venv/bin/python scripts/fuzz.py --count 10000 --seed 1 --jobs 2

With --corpus FOLDER, the whole pipeline runs instead, corpus steps included (classifications, audit,
validation, package, load): every PDF under FOLDER and damaged variants of each (truncated, bytes flipped,
pages dropped; --variants per PDF) are built together as one corpus (yusuan.build.build into a temporary
folder). A crash is an internal error on any document (in its one line) or a build that stops; every source
must be published or named in a failure. Exit 1 on a crash.

    .venv/bin/python scripts/fuzz.py --corpus ../shared/real/corpus --variants 3 --seed 1 --jobs 2
"""

from __future__ import annotations

import argparse
import hashlib
import io
import multiprocessing
import random
import re
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from yusuan.errors import YusuanError  # noqa: E402
from yusuan.paths import bundled_sources  # noqa: E402

SAMPLE = bundled_sources()[0]
TEXT = SAMPLE.read_text(encoding="utf-8")
ODD_CELLS = ["", "-", "—", "－", "/", "()", "（）", "(", "1e999", "1E5", "NaN", "Infinity", "-0", "0.0.1", "1,2,3",
             "１２３．４５", "9" * 400, "." + "9" * 50, "+-1", "(-1)", "（12.3）", "12.3.", ",", "，", "12，345.6",
             "٣٤٥", "²³", "½", "Ⅻ", "\u200b1\u200b", "1\u00a02", "０", "\ufeff", "<script>alert(1)</script>",
             "\t\t\t", "表一：", "合计", "单位：万元", "201", "２０１ ０１", "2010101", "x" * 1000, "\x00", "\ud7ff",
             "一二三", "1/2", "%", "50%", "1.2亿元", "万元", "NULL", "None", "　"]
RANDOM_CHARS = "\t\n\r \u3000\u00a0\ufeff\u200b\u2028\u2029\x85\x0b\x0c\x00：:（）()—-/,.，。0123456789０１２表合计万元类款项\U0001f600\ufffd"


# -- mutations of the text ----------------------------------------------------------------------------
def random_unicode(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        pick = rng.random()
        if pick < 0.5:
            out.append(rng.choice(RANDOM_CHARS))
        elif pick < 0.8:
            out.append(chr(rng.randint(0x20, 0x9FFF)))
        else:
            code = rng.randint(0, 0x10FFFF)
            out.append(chr(code) if not 0xD800 <= code <= 0xDFFF else "?")
    return "".join(out)


def mutate_text(rng: random.Random, text: str) -> str:
    if len(text) < 2 or "\t" not in text or "表" not in text:
        return text + random_unicode(rng, rng.randint(1, 20))
    lines = text.split("\n")
    kind = rng.randrange(12)
    if kind == 0:  # cut
        return text[: rng.randrange(len(text))]
    if kind == 1:  # duplicate lines
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(lines))
            lines[i:i] = lines[i: i + rng.randint(1, 30)]
    elif kind == 2:  # drop lines
        for _ in range(rng.randint(1, 30)):
            if len(lines) > 1:
                del lines[rng.randrange(len(lines))]
    elif kind == 3:  # replace cells
        cells = [i for i, line in enumerate(lines) if line.startswith("\t")] or [0]
        for _ in range(rng.randint(1, 10)):
            i = rng.choice(cells)
            lines[i] = "\t" + (rng.choice(ODD_CELLS) if rng.random() < 0.7 else random_unicode(rng, rng.randint(1, 12)))
    elif kind == 4:  # random unicode inserted
        chars = list(text)
        for _ in range(rng.randint(1, 50)):
            chars.insert(rng.randrange(len(chars) + 1), random_unicode(rng, rng.randint(1, 5)))
        return "".join(chars)
    elif kind == 5:  # tabs removed (some lines, or all)
        if rng.random() < 0.3:
            return text.replace("\t", "")
        lines = [line.lstrip("\t") if rng.random() < 0.2 else line for line in lines]
    elif kind == 6:  # swap lines
        for _ in range(rng.randint(1, 20)):
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    elif kind == 7:  # blank lines added or removed
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(lines))
            if rng.random() < 0.5:
                lines.insert(i, "")
            elif lines[i] == "":
                del lines[i]
    elif kind == 8:  # a block shuffled
        i = rng.randrange(len(lines))
        block = lines[i: i + rng.randint(2, 60)]
        rng.shuffle(block)
        lines[i: i + len(block)] = block
    elif kind == 9:  # the title of a table or a header cell changed
        marks = [i for i, line in enumerate(lines) if "表" in line or "合计" in line or "单位" in line] or [0]
        for _ in range(rng.randint(1, 5)):
            i = rng.choice(marks)
            lines[i] = random_unicode(rng, 3) + lines[i][rng.randrange(len(lines[i]) + 1):]
    elif kind == 10:  # several mutations
        for _ in range(rng.randint(2, 4)):
            text = mutate_text(rng, text)
        return text
    else:  # a cell's text made huge or tab-separated
        cells = [i for i, line in enumerate(lines) if line.startswith("\t")] or [0]
        i = rng.choice(cells)
        lines[i] = lines[i] + ("\t" + lines[i].strip()) * rng.randint(1, 5) if rng.random() < 0.5 else lines[i] * rng.randint(100, 2000)
    return "\n".join(lines)


def text_bytes(rng: random.Random) -> bytes:
    text = mutate_text(rng, TEXT)
    encoding = rng.choices(["utf-8", "gb18030", "utf-16", "utf-8-sig", "utf-16-le"], weights=[10, 2, 1, 1, 1])[0]
    data = text.encode(encoding, errors="replace" if encoding == "gb18030" else "surrogatepass")
    if rng.random() < 0.1:  # bytes flipped
        data = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    if rng.random() < 0.05:
        data = data.replace(b"\n", b"\r\n") if rng.random() < 0.5 else data.replace(b"\n", b"\r")
    return data


# -- office files -----------------------------------------------------------------------------------
_OFFICE: dict[str, bytes] = {}


def office(kind: str) -> bytes:
    if kind not in _OFFICE:
        from fixtures_make import write_docx, write_xlsx

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"sample.{kind}"
            (write_docx if kind == "docx" else write_xlsx)(path)
            _OFFICE[kind] = path.read_bytes()
    return _OFFICE[kind]


def mutate_zip(rng: random.Random, data: bytes) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:  # bytes flipped
        data = bytearray(data)
        for _ in range(rng.randint(1, 10)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == 1:  # cut
        return data[: rng.randrange(len(data))]
    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            members[info.filename] = archive.read(info)
    names = sorted(members)
    if kind == 2:  # a member dropped
        del members[rng.choice(names)]
    else:  # an XML part edited: cut, text replaced, tags dropped or duplicated
        xml_names = [n for n in names if n.endswith(".xml")]
        weights = [20 if ("document" in n or "sheet" in n or "sharedStrings" in n) else 1 for n in xml_names]
        name = rng.choices(xml_names, weights=weights)[0]
        xml = members[name].decode("utf-8", errors="replace")
        if kind == 3:
            xml = xml[: rng.randrange(len(xml))]
        elif kind == 4:
            for _ in range(rng.randint(1, 20)):
                i = rng.randrange(len(xml))
                j = xml.find("<", i)
                if j > i:
                    xml = xml[:i] + random_unicode(rng, rng.randint(0, 4)).replace("<", "").replace("&", "") + xml[j:]
        else:
            for _ in range(rng.randint(1, 10)):
                i = xml.find("<", rng.randrange(len(xml)))
                j = xml.find(">", i)
                if i < 0 or j < 0:
                    continue
                tag = xml[i: j + 1]
                xml = xml[:i] + (tag * 2 if rng.random() < 0.5 else "") + xml[j + 1:]
        members[name] = xml.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def random_zip(rng: random.Random, kind: str) -> bytes:
    out = io.BytesIO()
    names = {"docx": ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels"],
             "xlsx": ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                      "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"]}[kind]
    with zipfile.ZipFile(out, "w") as archive:
        for name in rng.sample(names, rng.randint(0, len(names))) + [random_unicode(rng, 5).replace("\x00", "") or "x"]:
            body = rng.choice([b"", b"<x/>", b"<?xml version='1.0'?><a>", rng.randbytes(rng.randint(0, 200)),
                               random_unicode(rng, 50).encode("utf-8", "surrogatepass")])
            try:
                archive.writestr(name, body)
            except (ValueError, UnicodeEncodeError):
                archive.writestr("y", body)
    return out.getvalue()


def pdf_bytes(rng: random.Random) -> bytes:
    base = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    data = bytearray(base)
    for _ in range(rng.randint(0, 10)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data) if rng.random() < 0.7 else rng.randbytes(rng.randint(1, 3000))


def make_input(seed: int, index: int) -> tuple[str, bytes]:
    """The index-th input of a run: its file suffix and its bytes (deterministic for the seed)."""
    rng = random.Random(f"{seed}:{index}")
    pick = rng.random()
    if pick < 0.62:
        return ".txt", text_bytes(rng)
    if pick < 0.66:
        return rng.choice([".txt", ".docx", ".xlsx", ".pdf"]), rng.randbytes(rng.randint(1, 4000))
    if pick < 0.78:
        return ".docx", mutate_zip(rng, office("docx"))
    if pick < 0.90:
        return ".xlsx", mutate_zip(rng, office("xlsx"))
    if pick < 0.96:
        kind = rng.choice(["docx", "xlsx"])
        return "." + kind, random_zip(rng, kind)
    return ".pdf", pdf_bytes(rng)


class Hang(BaseException):
    """The input took longer than the time allowed for one document (a BaseException, so that no reader's
    `except Exception` turns it into a YusuanError)."""


def _alarm(signum, frame):
    signal.alarm(2)  # again, should clean-up code (a `with` block's __exit__) run into the same loop
    raise Hang(f"no answer after {TIME_LIMIT} s")


TIME_LIMIT = 20  # seconds for one input: the sample takes 0.15 s; longer is a hang


def run_one(args: tuple[int, int, str]) -> tuple[int, str, str]:
    """Extract one input in this process: ('ok' | 'yusuan' | 'crash', detail); a hang is a crash."""
    from yusuan.build import extract

    seed, index, folder = args
    suffix, data = make_input(seed, index)
    path = Path(folder) / f"input-{index}{suffix}"
    path.write_bytes(data)
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT)
    try:
        extract(path)
        outcome, detail = "ok", ""
    except YusuanError as exc:
        message = str(exc)
        outcome = "yusuan"
        detail = message if "\n" not in message and message.startswith(str(path)) else f"BAD MESSAGE: {message!r}"
    except Hang:
        outcome, detail = "crash", traceback.format_exc()
    except Exception:  # noqa: BLE001 - this is what we look for
        outcome, detail = "crash", traceback.format_exc()
    finally:
        signal.alarm(0)
        path.unlink(missing_ok=True)
    return index, outcome, detail


# -- the whole pipeline over a corpus ----------------------------------------------------------------------
DAMAGES = ("truncated", "flipped", "pages-dropped")


def damaged(rng: random.Random, data: bytes, how: str) -> bytes | None:
    """A damaged copy of a PDF: cut at a random point, bytes flipped at random places, or pages dropped (pypdf;
    None when pypdf cannot read it)."""
    if how == "truncated":
        return data[: rng.randrange(max(1, len(data)))]
    if how == "flipped":
        out = bytearray(data)
        for _ in range(rng.randint(1, 50)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    try:
        from pypdf import PdfReader, PdfWriter

        reader = PdfReader(io.BytesIO(data))
        count = len(reader.pages)
        if count < 2:
            return None
        dropped = set(rng.sample(range(count), rng.randint(1, max(1, count // 2))))
        writer = PdfWriter()
        for i in range(count):
            if i not in dropped:
                writer.add_page(reader.pages[i])
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Exception:  # noqa: BLE001 - pypdf's own failures on odd files: no such variant
        return None


def corpus_inputs(folder: Path, target: Path, variants: int, seed: int) -> list[Path]:
    """Every PDF under folder copied into target (its subfolder kept), and `variants` damaged copies of each."""
    made = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() != ".pdf":
            continue
        relative = path.relative_to(folder)
        place = target / relative.parent
        place.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        (place / path.name).write_bytes(data)
        made.append(place / path.name)
        rng = random.Random(f"{seed}:{relative}")
        for n in range(variants):
            how = DAMAGES[(n + rng.randrange(len(DAMAGES))) % len(DAMAGES)]
            copy = damaged(rng, data, how)
            if copy is not None:
                name = place / f"{path.stem}.{how}-{n}.pdf"
                name.write_bytes(copy)
                made.append(name)
    return made


def fuzz_corpus(folder: Path, variants: int, seed: int, jobs: int, check: bool = True) -> int:
    """Build folder's PDFs and their damaged variants as one corpus (and audit them as `yusuan check` does);
    print what was published, what failed by cause, and every crash. 1 when anything crashed."""
    from yusuan.build import build, collect, expand

    started = time.time()
    crashes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        sources = corpus_inputs(folder, Path(tmp) / "src", variants, seed)
        print(f"fuzz corpus: {len(sources)} PDFs ({variants} damaged variants of each of the PDFs under {folder}), seed {seed}", flush=True)
        outcomes = {}
        try:
            result = build([str(Path(tmp) / "src")], package_dir=Path(tmp) / "dp", database=Path(tmp) / "build" / "yusuan.db",
                           workers=jobs, progress=False, force=True)
            outcomes["build"] = result
        except YusuanError as exc:
            crashes.append(f"build stopped: {exc}")
        except Exception:  # noqa: BLE001 - this is what we look for
            crashes.append(f"build crashed: {traceback.format_exc()}")
        if check:
            try:
                outcomes["check"] = collect(expand([str(Path(tmp) / "src")]), workers=jobs, progress=False,
                                            use_cache=False, log=Path(tmp) / "build")
            except Exception:  # noqa: BLE001
                crashes.append(f"check crashed: {traceback.format_exc()}")
        for step, result in outcomes.items():
            published = {d["source_file"] for d in result.documents}
            named = {str(f.path) for f in result.failures}
            skipped = {line.split(": ", 1)[0] for line in result.duplicates}
            causes: Counter = Counter()
            for failure in result.failures:
                text = str(failure)[len(str(failure.path)) + 2:]
                if "internal error" in text:
                    crashes.append(f"{step}: {failure}")
                causes[re.sub(r"\d+", "N", re.sub(r"'[^']*'|\([^)]*\)", "…", text))[:100]] += 1
            lost = [str(p) for p in sources if p.name not in published and str(p) not in named and not {str(p), p.name} & skipped]
            crashes += [f"{step}: {p}: neither published nor named" for p in lost]
            print(f"  {step}: published {len(published)}, failed {len(result.failures)}, duplicates {len(result.duplicates)}")
            for text, n in causes.most_common(15):
                print(f"    {n:5}  {text}")
    print(f"  {time.time() - started:.0f} s; crashes: {len(crashes)}")
    for crash in crashes:
        print(f"  CRASH: {crash}")
    return 1 if crashes else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=max(1, multiprocessing.cpu_count()))
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "fuzz")
    parser.add_argument("--corpus", type=Path, help="build every PDF under this folder and damaged variants as one corpus")
    parser.add_argument("--variants", type=int, default=3, help="damaged variants of each PDF (with --corpus)")
    parser.add_argument("--no-check", action="store_true", help="with --corpus: build only (no second pass as yusuan check)")
    options = parser.parse_args()
    if options.corpus:
        return fuzz_corpus(options.corpus, options.variants, options.seed, options.jobs, not options.no_check)
    office("docx"), office("xlsx")  # written once, before the workers fork
    started = time.time()
    counts: Counter = Counter()
    by_suffix: Counter = Counter()
    crashes: dict[str, list[int]] = {}
    bad_messages: list[str] = []
    messages: Counter = Counter()  # kinds of YusuanError message: the path, quoted text and numbers taken out
    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, multiprocessing.Pool(options.jobs) as pool:
        work = [(options.seed, i, folder) for i in range(options.count)]
        for done, (index, outcome, detail) in enumerate(pool.imap_unordered(run_one, work, chunksize=8), start=1):
            suffix, data = make_input(options.seed, index)
            counts[outcome] += 1
            by_suffix[(suffix, outcome)] += 1
            if outcome == "yusuan" and detail.startswith("BAD MESSAGE"):
                bad_messages.append(f"input {index}: {detail}")
            elif outcome == "yusuan":
                kind = detail.split(": ", 1)[1] if ": " in detail else detail
                kind = re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\)", "…", kind)
                messages[re.sub(r"\d+", "N", kind)[:110]] += 1
            if outcome == "crash":
                last = detail.strip().splitlines()[-1]
                frames = [line.strip() for line in detail.splitlines() if line.strip().startswith("File ")]
                where = ([f for f in frames if "scripts/fuzz.py" not in f] or frames)[-1]
                key = f"{last} @ {where}"
                crashes.setdefault(key, []).append(index)
                name = f"crash-{options.seed}-{index}{suffix}"
                (options.out / name).write_bytes(data)
                (options.out / f"{name}.traceback.txt").write_text(detail, encoding="utf-8")
            if done % 1000 == 0:
                print(f"  {done}/{options.count} ({time.time() - started:.0f} s) {dict(counts)}", flush=True)
    elapsed = time.time() - started
    print(f"fuzz: {options.count} inputs, seed {options.seed}, {elapsed:.0f} s")
    print(f"  read fine:       {counts['ok']}")
    print(f"  YusuanError:     {counts['yusuan']}")
    print(f"  other exception: {counts['crash']}")
    for suffix in (".txt", ".docx", ".xlsx", ".pdf"):
        print(f"  {suffix:5} ok {by_suffix[(suffix, 'ok')]:5}  YusuanError {by_suffix[(suffix, 'yusuan')]:5}  crash {by_suffix[(suffix, 'crash')]}")
    print("  most frequent YusuanError messages (path, quoted text and numbers taken out):")
    for kind, n in messages.most_common(12):
        print(f"    {n:5}  {kind}")
    for key, indexes in sorted(crashes.items(), key=lambda kv: -len(kv[1])):
        print(f"  CRASH x{len(indexes)}: {key}  (inputs {indexes[:5]}; saved in {options.out})")
    for line in bad_messages[:10]:
        print(f"  {line}")
    return 1 if crashes or bad_messages else 0


if __name__ == "__main__":
    sys.exit(main())
