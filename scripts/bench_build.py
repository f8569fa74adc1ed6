"""Benchmark `yusuan build` on real PDFs against `pdftotext -layout` on the same files, in the same run.

Usage: .venv/bin/python scripts/bench_build.py [--corpus DIR] [--files 15] [--runs 3] [--thousand 1000]
                                               [--sample] [--slowest 10] [--skip 1,2]

DIR is a folder of real disclosures (../shared/real/corpus: one folder per city); the files are taken one per
city in turn (the first of each city, then the second…), then the PDFs of tests/fixtures/real, up to --files.
Each figure is the median of --runs runs, each run a fresh process (as a user runs it):

1. one process, one job: every file extracted and the package and database written in one Python process
   (nothing in parallel): wall and CPU seconds, seconds per stage (read, recognise, narrative, audit,
   validation, package, load), peak memory; and `pdftotext -layout` on the same files, run right after it in the
   same run: the ratio of the two is taken run by run;
2. two jobs as a corpus: `yusuan build --jobs 2` of the same files into a new folder (no cache), then the same
   command again with nothing changed (the rebuild); peak memory from /usr/bin/time -v;
3. with --thousand N: N documents made from every file of DIR repeated under other names (each copy one comment
   line longer after %%EOF, so each is another file to read; copies of one disclosure are one document in the
   package), built as `yusuan build --jobs 2` does (yusuan.build.build in a child process, which reports its
   stages): wall time, peak memory, what the main process does alone before and after the workers extract
   (hashing the sources, publishing) and how busy the two workers were while they extracted (one run: it
   takes minutes);
4. with --sample: the bundled sample built, and `yusuan --help` (as before);
5. with --slowest N: every PDF of DIR extracted alone (one process, one job), the N slowest listed with their
   pages, seconds per stage and the ratio to `pdftotext -layout` on that file: where a document's size costs more
   than its pages (work growing with the square of its rows, objects or projects) shows here first.
The load average is printed: the machine may be shared, and only ratios measured in one run compare. The
package's bytecode is compiled first, as pip does when it installs yusuan (an editable install run with
PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module from source in every run: ≈0.3 s).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YUSUAN = str(Path(sys.executable).with_name("yusuan"))
STAGES = ("read", "recognise", "narrative", "audit", "validation", "package", "load")


def pick(corpus: Path | None, count: int) -> list[Path]:
    """count files: one per city folder in turn, then the fixtures' PDFs."""
    cities = [sorted(p for p in d.rglob("*") if p.suffix.lower() == ".pdf") for d in sorted(corpus.iterdir()) if d.is_dir()] \
        if corpus else []
    chosen: list[Path] = []
    for depth in range(max((len(c) for c in cities), default=0)):
        chosen += [c[depth] for c in cities if depth < len(c)]
    chosen += sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf"))
    return chosen[:count]


def in_process(files: list[str], out: Path) -> None:
    """Child of run 1: extract every file and publish, one process, one job; figures as JSON in out."""
    start, cpu = time.perf_counter(), time.process_time()
    sys.path.insert(0, str(ROOT))
    from yusuan.build import extract, summarise
    from yusuan.errors import YusuanError
    try:
        from yusuan.progress import SECONDS
    except ImportError:  # a version of yusuan before stage timing (to compare with): no stages
        SECONDS = {}
    from yusuan.stream import publish_entries

    entries, rejected = {}, 0
    for name in files:
        try:
            item = extract(Path(name))
        except YusuanError:
            rejected += 1
            continue
        entry = summarise(item)
        entry.extracted, entry.path = item, name
        best = entries.get(entry.document_id)  # two files of one document: the one with more facts, as a build does
        if best is None or entry.counts.get("facts", 0) > best.counts.get("facts", 0):
            entries[entry.document_id] = entry
    with tempfile.TemporaryDirectory() as tmp:
        counts = publish_entries([entries[k] for k in sorted(entries)], Path(tmp) / "dp", Path(tmp) / "yusuan.db")
    out.write_text(json.dumps({
        "wall": time.perf_counter() - start, "cpu": time.process_time() - cpu, "stages": SECONDS,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "counts": counts, "rejected": rejected}))


def in_build(out: Path, folder: str, target: Path) -> None:
    """Child of run 3: `yusuan build FOLDER --jobs 2`, its seconds per stage of the main process as JSON in out."""
    sys.path.insert(0, str(ROOT))
    from yusuan.build import build
    from yusuan.progress import SECONDS

    start = time.perf_counter()
    result = build([folder], package_dir=target / "dp", database=target / "yusuan.db", workers=2, progress=False)
    out.write_text(json.dumps({"wall": time.perf_counter() - start, "stages": SECONDS,
                               "documents": (result.counts or {}).get("documents", 0)}))


def timed(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak memory (MiB, the largest process: /usr/bin/time -v) of a command."""
    time_v = Path("/usr/bin/time").exists()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run((["/usr/bin/time", "-v"] if time_v else []) + args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: some files are not budgets (refused, named), the others built
        raise SystemExit(f"{' '.join(args[:3])} … failed: {done.stderr[-800:]}")
    peak = 0.0
    for line in done.stderr.splitlines():
        if "Maximum resident set size" in line:
            peak = int(line.split()[-1]) / 1024
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak


def pdftotext(files: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of `pdftotext -layout` on every file, one after the other."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for f in files:
        subprocess.run(["pdftotext", "-layout", str(f), os.devnull], capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - start, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(values) -> float:
    return statistics.median(list(values))


def spread(values: list[float], digits: int = 2) -> str:
    return f"median {median(values):.{digits}f} (min {min(values):.{digits}f}, max {max(values):.{digits}f})"


def one_job(files: list[Path], runs: int, tmp: Path) -> None:
    ours, theirs = [], []
    for n in range(runs):
        out = tmp / f"run{n}.json"
        subprocess.run([sys.executable, __file__, "--in-process", str(out), *map(str, files)], check=True)
        ours.append(json.loads(out.read_text()))
        theirs.append(pdftotext(files))
    first = ours[0]
    print(f"1. {len(files)} files ({first['counts']['documents']} documents built, {first['rejected']} refused), "
          f"one process, one job, {runs} runs:")
    print(f"   yusuan (extract + publish): wall {spread([o['wall'] for o in ours])} s; "
          f"CPU {spread([o['cpu'] for o in ours])} s; peak {max(o['peak_mib'] for o in ours):.0f} MiB")
    print(f"   pdftotext -layout, same files: wall {spread([w for w, _ in theirs])} s; CPU {spread([c for _, c in theirs])} s")
    print(f"   ratio yusuan / pdftotext, run by run: wall {spread([o['wall'] / w for o, (w, _) in zip(ours, theirs)], 1)}; "
          f"CPU {spread([o['cpu'] / c for o, (_, c) in zip(ours, theirs)], 1)}")
    stages = {s: median(o["stages"].get(s, 0.0) for o in ours) for s in STAGES}
    rest = median(o["wall"] for o in ours) - sum(stages.values())
    print("   per stage (median wall s): " + ", ".join(f"{s} {v:.2f}" for s, v in stages.items())
          + f", other (start-up, imports, metadata, commit) {rest:.2f}")


def build_args(files: list[Path] | Path, target: Path) -> list[str]:
    sources = [str(files)] if isinstance(files, Path) else [str(f) for f in files]
    return [YUSUAN, "build", *sources, "--jobs", "2", "--package", str(target / "dp"), "--db", str(target / "yusuan.db")]


def two_jobs(files: list[Path], runs: int, tmp: Path) -> None:
    cold, again = [], []
    for n in range(runs):
        target = tmp / f"corpus{n}"
        cold.append(timed(build_args(files, target)))
        again.append(timed(build_args(files, target)))
        shutil.rmtree(target)
    print(f"2. the same {len(files)} files as a corpus, `yusuan build --jobs 2`, {runs} runs:")
    print(f"   first build: wall {spread([w for w, _, _ in cold])} s, CPU {spread([c for _, c, _ in cold])} s, "
          f"peak {max(p for _, _, p in cold):.0f} MiB (largest process)")
    print(f"   rebuild, nothing changed: wall {spread([w for w, _, _ in again], 3)} s")


def thousand(corpus: Path, count: int, tmp: Path) -> None:
    originals = sorted(p for p in corpus.rglob("*") if p.suffix.lower() == ".pdf")
    folder = tmp / "thousand"
    folder.mkdir()
    for i in range(count):
        source = originals[i % len(originals)]
        copy = i // len(originals)
        data = source.read_bytes() + (f"\n%bench copy {copy}\n".encode() if copy else b"")
        (folder / f"{i:04d}_{source.parent.name}_{source.name}").write_bytes(data)
    target, out = tmp / "thousand-build", tmp / "thousand.json"
    wall, cpu, peak = timed([sys.executable, __file__, "--in-build", str(out), str(folder), str(target)])
    figures = json.loads(out.read_text())
    rebuild = timed(build_args(folder, target))[0]
    print(f"3. {count} files ({len(originals)} real PDFs repeated under other names), `yusuan build --jobs 2`: "
          f"wall {wall:.1f} s ({wall / count:.3f} s a file), CPU {cpu:.1f} s, peak {peak:.0f} MiB (largest process); "
          f"rebuild with nothing changed {rebuild:.2f} s")
    stages = figures["stages"]
    parallel, busy = stages.get("extracting (in the workers)", 0.0), stages.get("worker busy", 0.0)
    hashing, publishing = stages.get("hashing sources", 0.0), stages.get("publishing", 0.0)
    print(f"   main process alone: hashing the sources {hashing:.1f} s, publishing {figures['documents']} documents "
          f"{publishing:.1f} s, the rest (start-up, cache, pairing) {wall - parallel - hashing - publishing:.1f} s; "
          f"extracting {parallel:.1f} s, the two workers busy {busy:.1f} s of {2 * parallel:.1f} "
          f"({100 * busy / max(2 * parallel, 1e-9):.0f}%)")


def in_documents(out: Path, folder: str) -> None:
    """Child of run 5: every PDF of folder extracted alone, its seconds per stage, as JSON in out."""
    sys.path.insert(0, str(ROOT))
    import pypdfium2

    from yusuan.build import extract
    from yusuan.errors import YusuanError
    from yusuan.progress import SECONDS

    found = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() == ".pdf"):
        SECONDS.clear()
        start = time.perf_counter()
        try:
            extract(path)
            built = True
        except YusuanError:
            built = False
        seconds = time.perf_counter() - start
        try:
            pages = len(pypdfium2.PdfDocument(str(path)))
        except pypdfium2.PdfiumError:
            pages = 0
        found.append({"path": str(path), "seconds": seconds, "pages": pages, "built": built, "stages": dict(SECONDS)})
    out.write_text(json.dumps(found, ensure_ascii=False))


def slowest(corpus: Path, count: int, tmp: Path) -> None:
    out = tmp / "documents.json"
    subprocess.run([sys.executable, __file__, "--in-documents", str(out), str(corpus)], check=True)
    found = sorted(json.loads(out.read_text()), key=lambda d: -d["seconds"])
    print(f"5. the {count} slowest of {len(found)} PDFs, each extracted alone (seconds: whole, read, recognise, "
          f"narrative; ratio to pdftotext -layout on the file):")
    for d in found[:count]:
        theirs = pdftotext([Path(d["path"])])[1]
        s = d["stages"]
        print(f"   {d['seconds']:.2f} s, {d['pages']} pages ({1000 * d['seconds'] / max(d['pages'], 1):.0f} ms a page), "
              f"read {s.get('read', 0):.2f}, recognise {s.get('recognise', 0):.2f}, narrative {s.get('narrative', 0):.2f}, "
              f"{d['seconds'] / max(theirs, 1e-3):.1f}x pdftotext{'' if d['built'] else ', refused'}: "
              f"{Path(d['path']).parent.name}/{Path(d['path']).name}")


def sample(runs: int, tmp: Path) -> None:
    builds = [timed([YUSUAN, "build", "--sample", "--package", f"{tmp}/sdp{i}", "--db", f"{tmp}/s{i}.db"]) for i in range(runs)]
    helps = [timed([YUSUAN, "--help"]) for _ in range(runs)]
    print(f"4. yusuan build (bundled sample): wall {spread([w for w, _, _ in builds])} s, "
          f"peak {max(p for _, _, p in builds):.0f} MiB; yusuan --help: wall {spread([w for w, _, _ in helps], 3)} s")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--in-process":
        return in_process(sys.argv[3:], Path(sys.argv[2]))
    if len(sys.argv) == 5 and sys.argv[1] == "--in-build":
        return in_build(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
    if len(sys.argv) == 4 and sys.argv[1] == "--in-documents":
        return in_documents(Path(sys.argv[2]), sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT.parent / "shared" / "real" / "corpus"
    parser.add_argument("--corpus", type=Path, default=default if default.is_dir() else None)
    parser.add_argument("--files", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--thousand", type=int, default=0, help="also build this many documents (e.g. 1000)")
    parser.add_argument("--sample", action="store_true", help="also the bundled sample and yusuan --help")
    parser.add_argument("--slowest", type=int, default=0, help="also every PDF of --corpus alone: the N slowest")
    parser.add_argument("--skip", default="", help="parts to leave out, e.g. 2 or 1,2")
    args = parser.parse_args()
    files = pick(args.corpus, args.files)
    skip = set(args.skip.split(","))
    # as installed (pip compiles the bytecode): else, with PYTHONDONTWRITEBYTECODE, every run compiles every module
    compileall.compile_dir(ROOT / "yusuan", quiet=1)
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"on {os.cpu_count()} cores; corpus {args.corpus}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if "1" not in skip:
            one_job(files, args.runs, tmp)
        if "2" not in skip:
            two_jobs(files, args.runs, tmp)
        if args.thousand:
            if args.corpus is None:
                raise SystemExit("--thousand needs --corpus")
            thousand(args.corpus, args.thousand, tmp)
        if args.sample:
            sample(args.runs, tmp)
        if args.slowest:
            if args.corpus is None:
                raise SystemExit("--slowest needs --corpus")
            slowest(args.corpus, args.slowest, tmp)
    print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
