"""Mutation testing on demand: change the code one plausible way at a time and see whether a test fails.

Each mutant is made in a scratch copy of the project (the checkout is never touched) and the tests chosen for
its module run against it with a timeout; a mutant is killed when a test fails or times out. Two sorts:

* generated: small AST-located edits (comparison, arithmetic and boolean operators, numbers, True/False,
  `not`, a returned value, a raise or a call statement left out) in chosen functions of chosen modules;
* named: the hand-made changes of issue 15 (each must be caught by at least one test).

    python scripts/mutation.py --named                      # the issue's changes
    python scripts/mutation.py amounts engine split         # generated mutants of these modules
    python scripts/mutation.py --list amounts               # show the mutants, run nothing
    python scripts/mutation.py --all --jobs 2 --json build/mutation.json

It prints one line per surviving mutant and the share killed per module. Not run in CI (it takes minutes).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("yusuan", "metadata", "site", "tests", "scripts", "datapackage", "pyproject.toml", "README.md")

# module -> (file, functions mutated (None: all), tests that guard it)
MODULES: dict[str, tuple[str, tuple[str, ...] | None, tuple[str, ...]]] = {
    "amounts": ("yusuan/amounts.py", None,
                ("tests/test_amounts.py", "tests/test_units.py", "tests/test_facts.py", "tests/test_bad_input.py")),
    "normalise": ("yusuan/normalise.py", None,
                  ("tests/test_facts.py", "tests/test_units.py", "tests/test_bad_input.py", "tests/test_shanghai.py",
                   "tests/test_package.py", "tests/test_printed_codes.py")),
    "engine": ("yusuan/check/engine.py", ("compare", "amount", "decimals", "last_digit", "sum_tolerance",
                                          "same_tolerance", "in_unit", "numbers", "applies", "table_zh"),
               ("tests/test_check_rules.py", "tests/test_check_sample.py", "tests/test_check_families.py")),
    "privacy": ("yusuan/privacy.py", None, ("tests/test_privacy.py",)),
    "split": ("yusuan/split.py", None, ("tests/test_split.py",)),
    "swap": ("yusuan/build.py", ("swap", "recover"), ("tests/test_swap.py", "tests/test_crash_safety.py")),
    "validate": ("yusuan/validate.py", None, ("tests/test_validate_large.py",)),
}

# The changes of issue 15 that no test caught: (label, file, text, replacement, tests that must catch it).
NAMED = [
    ("engine.compare tolerance doubled", "yusuan/check/engine.py",
     "abs(difference) <= tolerance", "abs(difference) <= 2 * tolerance", ("tests/test_check_rules.py",)),
    ("amounts.to_yuan rounds to whole yuan", "yusuan/amounts.py",
     "return value * UNIT_FACTORS[unit]", "return (value * UNIT_FACTORS[unit]).quantize(Decimal(1))",
     ("tests/test_units.py",)),
    ("split without the document_id filter", "yusuan/split.py",
     'rows = [r for r in rows if r["document_id"] in ids]', "rows = rows", ("tests/test_split.py",)),
    ("privacy names of 2-3 characters only", "metadata/narrative/privacy.yaml",
     "[\\u4e00-\\u9fff·]{2,5}", "[\\u4e00-\\u9fff·]{2,3}", ("tests/test_privacy.py",)),
    ("build.swap copies instead of renaming", "yusuan/build.py",
     "    staging.rename(package_dir)\n", "    shutil.copytree(staging, package_dir)\n    shutil.rmtree(staging)\n",
     ("tests/test_swap.py",)),
    ("stream publishes an invalid package", "yusuan/stream.py",
     '        if problems:\n            raise YusuanError(staging / "datapackage.json", "", f"the package is not valid: {problems[0]}")\n',
     "", ("tests/test_validate_large.py",)),
    ("corpus.fingerprint ignores metadata", "yusuan/corpus.py",
     "for root in (PACKAGE, METADATA):", "for root in (PACKAGE,):", ("tests/test_cache.py",)),
    ("check --strict counts 'errors'", "yusuan/cli.py",
     'found.count("error")', 'found.count("errors")', ("tests/test_check_cli.py",)),
    ("percent_last_digits 3", "metadata/rules.yaml",
     "percent_last_digits: 1", "percent_last_digits: 3", ("tests/test_check_rules.py",)),
]


@dataclass
class Mutant:
    module: str
    file: str
    line: int
    description: str
    source: str  # the whole mutated file
    tests: tuple[str, ...]


# --- generated mutants ------------------------------------------------------------------------------------

SWAPS = {ast.Lt: ("<", "<="), ast.LtE: ("<=", "<"), ast.Gt: (">", ">="), ast.GtE: (">=", ">"),
         ast.Eq: ("==", "!="), ast.NotEq: ("!=", "=="), ast.In: ("in", "not in"), ast.NotIn: ("not in", "in"),
         ast.Is: ("is", "is not"), ast.IsNot: ("is not", "is")}
ARITHMETIC = {ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "/"), ast.Div: ("/", "*"), ast.FloorDiv: ("//", "/")}


class Source:
    """A file's text as UTF-8 bytes, addressed by AST positions (col_offset counts bytes)."""

    def __init__(self, text: str):
        self.data = text.encode("utf-8")
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def at(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    def span(self, node) -> tuple[int, int]:
        return self.at(node.lineno, node.col_offset), self.at(node.end_lineno, node.end_col_offset)

    def replace(self, start: int, end: int, new: str) -> str:
        return (self.data[:start] + new.encode("utf-8") + self.data[end:]).decode("utf-8")

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8")


def _in_gap(src: Source, start: int, end: int, old: str) -> int | None:
    """Where the operator old is in the text between two operands (outside parentheses' contents)."""
    gap = src.text(start, end)
    word = old[0].isalpha()
    found = re.search((r"(?<![\w])" + re.escape(old) + r"(?![\w])") if word else re.escape(old) + r"(?![=<>/*])", gap)
    if not found:
        return None
    return start + len(gap[:found.start()].encode("utf-8"))


def _targets(tree: ast.Module, functions: tuple[str, ...] | None):
    """The function bodies to mutate (all top-level code when functions is None)."""
    if functions is None:
        yield tree
        return
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions:
            yield node


def generate(module: str) -> list[Mutant]:
    file, functions, tests = MODULES[module]
    text = (ROOT / file).read_text(encoding="utf-8")
    src, tree = Source(text), ast.parse(text)
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    out: list[Mutant] = []
    seen: set[str] = set()

    unreachable = {n for n, line in enumerate(text.splitlines(), start=1) if "pragma: no cover" in line}

    def add(line: int, description: str, mutated: str):
        if line in unreachable or line - 1 in unreachable and "raise" in text.splitlines()[line - 1]:
            return  # declared unreachable: its mutants cannot be killed
        if mutated != text and mutated not in seen:
            try:
                ast.parse(mutated)
            except SyntaxError:
                return
            seen.add(mutated)
            out.append(Mutant(module, file, line, description, mutated, tests))

    for target in _targets(tree, functions):
        for node in ast.walk(target):
            if isinstance(node, ast.Compare):
                left = node.left
                for op, right in zip(node.ops, node.comparators):
                    if type(op) in SWAPS:
                        old, new = SWAPS[type(op)]
                        at = _in_gap(src, src.span(left)[1], src.span(right)[0], old)
                        if at is not None:
                            add(node.lineno, f"{old} -> {new}", src.replace(at, at + len(old.encode()), new))
                    left = right
            elif isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
                if any(isinstance(x, (ast.JoinedStr,)) or (isinstance(x, ast.Constant) and isinstance(x.value, str))
                       for x in (node.left, node.right)):
                    continue
                old, new = ARITHMETIC[type(node.op)]
                at = _in_gap(src, src.span(node.left)[1], src.span(node.right)[0], old)
                if at is not None:
                    add(node.lineno, f"{old} -> {new}", src.replace(at, at + len(old.encode()), new))
            elif isinstance(node, ast.BoolOp):
                old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
                for a, b in zip(node.values, node.values[1:]):
                    at = _in_gap(src, src.span(a)[1], src.span(b)[0], old)
                    if at is not None:
                        add(node.lineno, f"{old} -> {new}", src.replace(at, at + len(old), new))
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                start, end = src.span(node)
                add(node.lineno, "not removed", src.replace(start, end, "(" + src.text(*src.span(node.operand)) + ")"))
            elif isinstance(node, ast.Constant) and id(node) not in docstrings:
                start, end = src.span(node)
                if isinstance(node.value, bool):
                    add(node.lineno, f"{node.value} -> {not node.value}", src.replace(start, end, str(not node.value)))
                elif isinstance(node.value, int):
                    add(node.lineno, f"{node.value} -> {node.value + 1}", src.replace(start, end, str(node.value + 1)))
                    if node.value != 0:
                        add(node.lineno, f"{node.value} -> 0", src.replace(start, end, "0"))
                elif isinstance(node.value, str) and re.fullmatch(r"-?\d+(\.\d+)?", node.value):
                    bumped = node.value[:-1] + str((int(node.value[-1]) + 1) % 10)
                    quote = src.text(start, start + 1)
                    add(node.lineno, f"'{node.value}' -> '{bumped}'", src.replace(start, end, quote + bumped + quote))
            elif isinstance(node, ast.Return) and node.value is not None and not (
                    isinstance(node.value, ast.Constant) and node.value.value is None):
                start, end = src.span(node)
                add(node.lineno, "return None", src.replace(start, end, "return None"))
            elif isinstance(node, (ast.Raise, ast.Continue, ast.Break)) or (
                    isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
                start, end = src.span(node)
                add(node.lineno, f"statement left out: {src.text(start, end).splitlines()[0][:50]}", src.replace(start, end, "pass"))
    return out


def named() -> list[Mutant]:
    out = []
    for label, file, old, new, tests in NAMED:
        text = (ROOT / file).read_text(encoding="utf-8")
        if text.count(old) != 1:
            print(f"named mutation does not apply any more (code changed): {label} in {file}", file=sys.stderr)
            continue
        line = text[:text.index(old)].count("\n") + 1
        out.append(Mutant("named", file, line, label, text.replace(old, new), tests))
    return out


# --- running ----------------------------------------------------------------------------------------------

def scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="yusuan-mutation-"))
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"))
        elif source.exists():
            shutil.copy2(source, folder / name)
    return folder


RUNNING: set[subprocess.Popen] = set()  # the test runs under way (stopped with the script)


STOPPING: list[bool] = []


def stop(*_) -> None:
    STOPPING.append(True)
    for process in list(RUNNING):
        process.kill()
    raise SystemExit(143)


def run(mutant: Mutant, folder: Path, timeout: float) -> tuple[str, float]:
    """killed, survived or timeout (killed), with the seconds taken."""
    path = folder / mutant.file
    original = path.read_text(encoding="utf-8")
    path.write_text(mutant.source, encoding="utf-8")
    tests = [t for t in mutant.tests if (folder / t).exists()]
    env = dict(os.environ, PYTHONPATH=str(folder), PYTHONDONTWRITEBYTECODE="1")
    env.pop("YUSUAN_CACHE", None)
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                               cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    RUNNING.add(process)
    try:
        outcome = "survived" if process.wait(timeout=timeout) == 0 else "killed"
    except subprocess.TimeoutExpired:
        outcome = "timeout"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        RUNNING.discard(process)
        path.write_text(original, encoding="utf-8")
        shutil.rmtree(folder / "build", ignore_errors=True)
    return outcome, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help=f"modules of generated mutants: {', '.join(MODULES)}")
    parser.add_argument("--all", action="store_true", help="every module")
    parser.add_argument("--named", action="store_true", help="the hand-made changes of issue 15")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per mutant (a timeout counts as killed)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (each in its own copy)")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    parser.add_argument("--again", type=Path, help="the printed output of an earlier run: mutants it killed count as "
                        "killed, only the others (survivors, not yet run) are run")
    args = parser.parse_args()
    modules = list(MODULES) if args.all else args.modules
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module {unknown[0]}; one of {', '.join(MODULES)}")
    mutants = (named() if args.named else []) + [m for name in modules for m in generate(name)]
    if not mutants:
        parser.error("give modules, --all or --named")
    earlier: list[dict] = []
    if args.again:
        line = re.compile(r"^(killed|SURVIVED|timeout)\s+(\S+)\s+(\S+?):(\d+): (.*) \((\d+) s\)$")
        done = {}
        for text in args.again.read_text(encoding="utf-8").splitlines():
            found = line.match(text)
            if found and found[1] != "SURVIVED":
                done[(found[2], found[3], int(found[4]), found[5])] = found[1]
        left = []
        for m in mutants:
            outcome = done.pop((m.module, m.file, m.line, m.description), None)
            if outcome:
                earlier.append({"module": m.module, "file": m.file, "line": m.line, "mutation": m.description,
                                "outcome": outcome, "seconds": None})
            else:
                left.append(m)
        mutants = left
    if args.list:
        for m in mutants:
            print(f"{m.module:10} {m.file}:{m.line}: {m.description}")
        print(f"{len(mutants)} mutants")
        return 0
    import signal

    signal.signal(signal.SIGTERM, stop)
    folders = [scratch() for _ in range(max(1, args.jobs))]
    free = list(folders)
    results: list[dict] = []

    def one(m: Mutant) -> dict | None:
        if STOPPING:
            return None
        folder = free.pop()
        try:
            outcome, seconds = run(m, folder, args.timeout)
        finally:
            free.append(folder)
        row = {"module": m.module, "file": m.file, "line": m.line, "mutation": m.description, "outcome": outcome,
               "seconds": round(seconds, 1)}
        mark = "SURVIVED" if outcome == "survived" else outcome
        print(f"{mark:8} {m.module:10} {m.file}:{m.line}: {m.description} ({seconds:.0f} s)", flush=True)
        return row

    try:
        with ThreadPoolExecutor(max_workers=len(folders)) as pool:
            results = earlier + [r for r in pool.map(one, mutants) if r]
    except BaseException:
        STOPPING.append(True)
        for process in list(RUNNING):
            process.kill()
        raise
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    for module in dict.fromkeys(r["module"] for r in results):
        mine = [r for r in results if r["module"] == module]
        killed = sum(r["outcome"] != "survived" for r in mine)
        print(f"{module:10} {killed}/{len(mine)} killed ({100 * killed / len(mine):.0f}%)")
        for r in mine:
            if r["outcome"] == "survived":
                print(f"    survived {r['file']}:{r['line']}: {r['mutation']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
