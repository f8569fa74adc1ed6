"""The yusuan command line: thin commands over the library. Heavy libraries are imported where used."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import YusuanError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="yusuan (预算): Chinese government budget disclosures as open data.\n\n"
    "Example: yusuan build && yusuan serve",
)

Sources = Annotated[Optional[list[str]], typer.Argument(help="Files, folders or globs; the bundled sample when none.", show_default=False)]
Encoding = Annotated[Optional[str], typer.Option("--encoding", help="Text encoding of the sources (detected when not given).")]
PackageDir = Annotated[Path, typer.Option("--package", help="Folder of the data package.")]
Database = Annotated[Path, typer.Option("--db", help="SQLite database file.")]


def _paths():
    from . import paths

    return paths


def fail(message: str) -> None:
    typer.echo(f"yusuan: {message}", err=True)
    raise typer.Exit(code=1)


@app.command()
def build(
    sources: Sources = None,
    encoding: Encoding = None,
    package: PackageDir = Path("datapackage"),
    db: Database = Path("build/yusuan.db"),
    keep_personal: Annotated[bool, typer.Option("--keep-personal", help="Keep names and phone numbers of form fillers (internal use only; never publish).")] = False,
) -> None:
    """Read sources and publish the data package and the database.

    Example: yusuan build yusuan/samples/changji-sasac-2021-budget.txt
    """
    from .build import build as run
    from .paths import DATABASE, DATAPACKAGE

    package = DATAPACKAGE if package == Path("datapackage") else package
    db = DATABASE if db == Path("build/yusuan.db") else db
    result = run(sources, package, db, encoding, keep_personal)
    for line in result.duplicates:
        typer.echo(f"yusuan: {line}", err=True)
    for failure in result.failures:
        typer.echo(f"yusuan: {failure}", err=True)
    facts = len(result.rows.get("facts", []))
    typer.echo(f"built {len(result.documents)} document(s), {facts} facts -> {package}/ and {db}")
    if result.failures:
        raise typer.Exit(code=1)


@app.command()
def validate(package: PackageDir = Path("datapackage")) -> None:
    """Validate the data package with frictionless.

    Example: yusuan validate --package datapackage
    """
    from .paths import DATAPACKAGE
    from .validate import validate as run

    package = DATAPACKAGE if package == Path("datapackage") else package
    if not (package / "datapackage.json").is_file():
        fail(f"{package}: no datapackage.json (run yusuan build first)")
    problems = run(package)
    for problem in problems:
        typer.echo(problem)
    if problems:
        fail(f"{package}: not valid ({len(problems)} problem(s))")
    typer.echo(f"{package}/datapackage.json: valid")


@app.command()
def serve(
    db: Database = Path("build/yusuan.db"),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8001,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the database with Datasette (read-only, immutable).

    Example: yusuan serve --port 8001
    """
    from .paths import DATABASE
    from .serve import command

    db = DATABASE if db == Path("build/yusuan.db") else db
    if not db.is_file():
        fail(f"{db}: no database (run yusuan build first)")
    import os

    args = command(db, host, port)
    os.execvp(args[0], args)


def main() -> None:
    try:
        app()
    except YusuanError as exc:
        typer.echo(f"yusuan: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("yusuan: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a defect of ours: still one line, never a traceback
        typer.echo(f"yusuan: internal error: {type(exc).__name__}: {exc} (please report)", err=True)
        sys.exit(2)
