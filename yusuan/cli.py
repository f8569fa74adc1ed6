"""The yusuan command line: thin commands over the library. Heavy libraries are imported where used.

Outputs are relative to the project folder: the current directory, or `yusuan --project DIR` (one option
shared by every command). A path given on the command line means what it says (relative to where the
command runs); only paths left out default to the project's datapackage/ and build/."""

from __future__ import annotations

import enum
import inspect
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .errors import YusuanError, printable

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="yusuan (预算): Chinese government budget disclosures as open data.\n\n"
    "Outputs go to ./datapackage/ and ./build/ of the current folder (or of --project DIR); its yusuan.toml\n"
    "(yusuan init writes one) says who publishes the data and where the documents are.\n\n"
    "Example: yusuan init && yusuan build && yusuan serve",
)

Sources = Annotated[Optional[list[str]], typer.Argument(help="Files, folders or globs [default: the [sources] of yusuan.toml].", show_default=False)]
Sample = Annotated[bool, typer.Option("--sample", help="Use the sample bundled with yusuan as the sources.")]
Encoding = Annotated[Optional[str], typer.Option("--encoding", help="Text encoding of the sources (detected when not given).")]
PackageDir = Annotated[Optional[Path], typer.Option("--package", help="Folder of the data package [default: PROJECT/datapackage].", show_default=False)]
Database = Annotated[Optional[Path], typer.Option("--db", help="SQLite database file [default: PROJECT/build/yusuan.db].", show_default=False)]

_project = Path(".")


def command(function):
    """A command whose one-line description in the main help is its docstring's first line, uncut."""
    summary = inspect.getdoc(function).split("\n", 1)[0]
    return app.command(short_help=summary)(function)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"yusuan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    project: Annotated[Optional[Path], typer.Option("--project", help="Project folder: its yusuan.toml is read, the outputs go there [default: the current folder].", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    global _project
    _project = project or Path(".")


def out(given: Path | None, default: Path) -> Path:
    """A path given on the command line as given; else the default inside the project folder."""
    if given is not None:
        return given
    return default if _project == Path(".") else _project / default


def package_path(given: Path | None) -> Path:
    from .paths import DATAPACKAGE

    return out(given, DATAPACKAGE)


def database_path(given: Path | None) -> Path:
    from .paths import DATABASE

    return out(given, DATABASE)


def fail(message: str) -> None:
    typer.echo(f"yusuan: {printable(message)}", err=True)
    raise typer.Exit(code=1)


def project_folder() -> Path:
    return _project


def sources_of(sources: list[str] | None, sample: bool) -> list[str]:
    """The sources given, else the bundled sample (--sample), else the [sources] of the project's yusuan.toml;
    with none of them, one line says what to do."""
    from .paths import bundled_sources
    from .project import FILE, read

    if sources and sample:
        fail("give sources or --sample, not both")
    if sample:
        return [str(p) for p in bundled_sources()]
    from .bodies import load_list

    project = read(_project)  # a project file that cannot be read is told even when sources are given
    load_list(_project)  # and so is its list of bodies, before anything is read
    if sources:
        return sources
    if project.path is None:
        where = "here" if _project == Path(".") else f"in {_project}"
        fail(f"no sources and no {FILE} {where}: give files, folders or globs (yusuan build pdfs/), "
             f"or write a {FILE} with yusuan init and list them under [sources], or use --sample for the bundled sample")
    if not project.sources:
        fail(f"{project.path}: [sources] paths is empty: list the folders or globs of the documents there, or give them on the command line")
    return project.source_paths()


@command
def init(
    force: Annotated[bool, typer.Option("--force", help="Write over an existing yusuan.toml.")] = False,
) -> None:
    """Write a commented project file, yusuan.toml, in the project folder.

    Example: yusuan init && $EDITOR yusuan.toml && yusuan build
    """
    from .project import init as run

    typer.echo(str(run(_project, force)))


@command
def build(
    sources: Sources = None,
    sample: Sample = False,
    encoding: Encoding = None,
    package: PackageDir = None,
    db: Database = None,
    keep_personal: Annotated[bool, typer.Option("--keep-personal", help="Keep names and phone numbers of form fillers (internal use only; never publish).")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", help="Documents parsed at once (default: all cores).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when nothing changed.")] = False,
    progress: Annotated[Optional[bool], typer.Option("--progress/--no-progress", help="Show a progress bar (default: on a terminal).")] = None,
) -> None:
    """Read sources and publish the data package and the database.

    Without sources, the [sources] of the project's yusuan.toml are read.

    Example: yusuan build pdfs/   (or: yusuan build --sample)
    """
    from .build import build as run

    sources = sources_of(sources, sample)
    package, db = package_path(package), database_path(db)
    result = run(sources, package, db, encoding, keep_personal, jobs, progress, force, project=_project)
    if result.unchanged:
        for failure in result.failures:  # refused last time, and again: the same files, unchanged
            typer.echo(f"yusuan: {failure}", err=True)
        failed = f", {len(result.failures)} failed" if result.failures else ""
        typer.echo(f"unchanged: {result.counts['documents']} document(s){failed}, {result.counts['facts']} facts in {package}/ and {db}")
        if result.failures:
            raise typer.Exit(code=1)
        return
    for line in result.duplicates + result.warnings:
        typer.echo(f"yusuan: {printable(line)}", err=True)  # a file name may hold a line break
    for failure in result.failures:
        typer.echo(f"yusuan: {failure}", err=True)
    counts = result.counts
    if not counts:
        fail(f"nothing built: none of the {len(result.failures)} sources could be published")
    failed = f", {len(result.failures)} failed" if result.failures else ""
    typer.echo(f"built {counts['documents']} document(s){failed}, {counts['facts']} facts, {counts['findings']} findings -> {package}/ and {db}")
    if result.failures:
        raise typer.Exit(code=1)


@command
def validate(package: PackageDir = None, db: Database = None) -> None:
    """Validate the data package with frictionless.

    Example: yusuan validate --package datapackage
    """
    from .outputs import settle
    from .validate import validate as run

    package, db = package_path(package), database_path(db)
    settle(package, db)
    if not (package / "datapackage.json").is_file():
        fail(f"{package}: no datapackage.json (run yusuan build first)")
    problems = run(package)
    for problem in problems:
        typer.echo(problem)
    if problems:
        fail(f"{package}: not valid ({len(problems)} problem(s))")
    typer.echo(f"{package}/datapackage.json: valid")


class By(str, enum.Enum):
    year = "year"
    body = "body"


@command
def split(
    by: Annotated[By, typer.Option("--by", help="Split by fiscal year or by body.")] = By.year,
    package: PackageDir = None,
    target: Annotated[Optional[Path], typer.Option("--out", help="Folder for the split packages [default: PROJECT/build/downloads/by-BY].", show_default=False)] = None,
) -> None:
    """Split the package into one package per fiscal year or per body, for download.

    Example: yusuan split --by year --out build/downloads/by-year
    """
    from .paths import BUILD
    from .split import split as run

    from .outputs import settle

    by = By(by).value
    if package is None:
        settle(package_path(None), database_path(None))
    package = package_path(package)
    for path in run(package, out(target, BUILD / "downloads" / f"by-{by}"), by):
        typer.echo(str(path))


@command
def serve(
    db: Database = None,
    package: PackageDir = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8001,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the database with Datasette (read-only, immutable).

    Example: yusuan serve --port 8001
    """
    from .outputs import settle
    from .serve import run

    db = database_path(db)
    package = package_path(package) if (package is not None or db == database_path(None)) else None
    settle(package if package is not None and (package / "datapackage.json").is_file() else None, db)
    if not db.is_file():
        fail(f"{db}: no database (run yusuan build first)")
    if package is not None and not (package / "datapackage.json").is_file():
        package = None
    run(db, host, port, package)


@command
def check(
    sources: Sources = None,
    sample: Sample = False,
    encoding: Encoding = None,
    json_path: Annotated[Optional[Path], typer.Option("--json", help="Write the findings as JSON to this file.")] = None,
    markdown_path: Annotated[Optional[Path], typer.Option("--markdown", help="Write the findings as Markdown to this file.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with status 1 when there is a finding of severity error.")] = False,
    rules: Annotated[bool, typer.Option("--rules", help="List the rules and exit.")] = False,
    annotate: Annotated[Optional[Path], typer.Option("--annotate", help="Write a copy of each PDF with its findings marked to this folder (internal, never published).")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Also show info findings (differences within rounding, variant spellings, notes).")] = False,
) -> None:
    """Audit documents for inconsistencies (tables, narrative, codes, text) without publishing anything.

    Without sources, the [sources] of the project's yusuan.toml are read.

    Example: yusuan check pdfs/ --markdown audit.md --strict   (or: yusuan check --sample)
    """
    from .check import audit
    from .check import report

    if rules:
        typer.echo(report.rules_table())
        return
    from . import bodies
    from .build import collect, expand

    sources = sources_of(sources, sample)
    with bodies.project(_project.resolve()):
        result = collect(expand(sources), encoding, log=database_path(None).parent)
    for line in result.duplicates + result.warnings:
        typer.echo(f"yusuan: {printable(line)}", err=True)  # a file name may hold a line break
    for failure in result.failures:
        typer.echo(f"yusuan: {failure}", err=True)
    if not result.documents:
        fail(f"{', '.join(sources or []) or 'sources'}: no document could be read")
    found = audit(result.rows)
    typer.echo(report.terminal(found, everything=everything, documents=result.rows.get("documents")))
    if json_path:
        report.write(json_path, report.as_json(found))
    if markdown_path:
        report.write(markdown_path, report.markdown(found, everything=everything, documents=result.rows.get("documents")))
    if annotate:
        from .check.annotate import annotate_all

        marked = found.findings if everything else [f for f in found.findings if f["severity"] != "info"]
        for path in annotate_all(expand(sources), result.rows["documents"], marked, annotate):
            typer.echo(f"annotated: {path}")
    if result.failures or (strict and found.count("error")):
        raise typer.Exit(code=1)


@command
def publish(
    package: PackageDir = None,
    db: Database = None,
    target: Annotated[Optional[Path], typer.Option("--out", help="Folder for the portal files [default: PROJECT/build/publish].", show_default=False)] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="Where the files will be served from (their download URLs; relative URLs when not given).")] = None,
    ckan_url: Annotated[Optional[str], typer.Option("--ckan-url", help="CKAN portal to push to (needs --api-key).")] = None,
    api_key: Annotated[Optional[str], typer.Option("--api-key", envvar="CKAN_API_KEY", help="CKAN API key (or CKAN_API_KEY).")] = None,
) -> None:
    """Write the portal files: data package zip, CKAN payload, DCAT-AP JSON-LD, Datasette bundle.

    Example: yusuan publish --base-url https://data.example.org/yusuan
    """
    from .outputs import settle
    from .paths import BUILD
    from .publish import publish as run

    package, db = package_path(package), database_path(db)
    settle(package, db)
    if not (package / "datapackage.json").is_file() or not db.is_file():
        fail(f"{package} or {db}: missing (run yusuan build first)")
    from .project import read

    owner_org = read(_project).ckan.get("owner_org")
    for path in run(package, db, out(target, BUILD / "publish"), base_url=base_url, ckan_url=ckan_url, api_key=api_key,
                    owner_org=owner_org, downloads=out(None, BUILD / "downloads")):
        typer.echo(str(path))
    if ckan_url and api_key:
        typer.echo(f"pushed to {ckan_url}")


def main() -> None:
    try:
        app(prog_name="yusuan")
    except YusuanError as exc:
        typer.echo(f"yusuan: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # an output that cannot be written: the folder and the cause
        from .outputs import output_error

        typer.echo(f"yusuan: {output_error(exc, Path('.'))}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("yusuan: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a defect of ours: still one line, never a traceback (that goes to the log)
        from .isolation import log_exception

        log = log_exception(database_path(None).parent, exc)
        where = f"; traceback in {log}" if log else ""
        text = " ".join(str(exc).split())
        typer.echo(f"yusuan: internal error: {type(exc).__name__}: {text} (please report{where})", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
