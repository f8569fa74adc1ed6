"""Where things are.

What yusuan ships (metadata/, site/, the sample) is found from the package's own location, never from the
current directory: installed from the wheel they are the package data yusuan/metadata and yusuan/site; in a
clone (editable install, or PYTHONPATH) they are the repository's top-level metadata/ and site/.

What a build writes (datapackage/, build/ with the database, caches, publish and split folders) is relative
to the project folder: the current directory, or `yusuan --project DIR`.
"""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # in a clone: the repository


def _shipped(name: str) -> Path:
    inside = PACKAGE / name  # installed from the wheel
    return inside if inside.is_dir() else ROOT / name


METADATA = _shipped("metadata")
SITE = _shipped("site")
SAMPLES = PACKAGE / "samples"

# Outputs, relative to the project folder (the current directory unless --project says otherwise).
DATAPACKAGE = Path("datapackage")
BUILD = Path("build")
DATABASE = BUILD / "yusuan.db"


def bundled_sources() -> list[Path]:
    """The sources `yusuan build` reads when given none: the sample shipped with the project."""
    return sorted(SAMPLES.glob("*.txt"))
