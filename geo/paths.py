"""Where the shipped Hengyang example is: its layers and its declared facts.

An installed copy carries them inside the package (``geo/example/``); a
checkout keeps them where they are made (``layers/``, ``data/``). Either way
they are found from any folder: the current folder is never searched.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "example"
_CHECKOUT = _PACKAGE.parent

if (_INSTALLED / "layers").is_dir():
    LAYERS, DATA = _INSTALLED / "layers", _INSTALLED / "data"
else:
    LAYERS, DATA = _CHECKOUT / "layers", _CHECKOUT / "data"

ZONES = LAYERS / "zones.geojson"
LANDMARKS = LAYERS / "landmarks.geojson"
ENTERPRISES = LAYERS / "enterprises.geojson"
DISTRICTS = LAYERS / "districts.geojson"
ZONE_HISTORY = LAYERS / "zone_history.geojson"
EXAMPLE_LAYERS = {
    "zones": ZONES,
    "landmarks": LANDMARKS,
    "enterprises": ENTERPRISES,
    "districts": DISTRICTS,
    "zone_history": ZONE_HISTORY,
}
CLAIMS = DATA / "claims.json"
SOURCES = DATA / "sources.json"
VOCABULARY = DATA / "vocabulary.json"
DEFAULT_MAP = Path("build") / "map.html"


def example_kind(path: str | Path) -> str | None:
    """The kind of a shipped example layer (``zones`` ...), or None for any other file."""
    try:
        resolved = Path(path).resolve()
    except OSError:
        return None
    return next((kind for kind, shipped in EXAMPLE_LAYERS.items() if shipped == resolved), None)


def display(path: str | Path) -> str:
    """How a layer is named in a report: the example's layers by their kind, others as given."""
    kind = example_kind(path)
    return f"example: {Path(path).name}" if kind else str(path)
