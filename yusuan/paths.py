"""Where things are: always from the package's own location, never from the current directory."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
METADATA = ROOT / "metadata"
SITE = ROOT / "site"
SAMPLES = PACKAGE / "samples"
DATAPACKAGE = ROOT / "datapackage"
BUILD = ROOT / "build"
DATABASE = BUILD / "yusuan.db"


def bundled_sources() -> list[Path]:
    """The sources `yusuan build` reads when given none: the sample shipped with the project."""
    return sorted(SAMPLES.glob("*.txt"))
