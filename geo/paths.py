"""Where the shipped layers and declared facts are.

They live beside the package in a checkout (``layers/``, ``data/``); from an
installed copy run elsewhere, the current folder's ``layers/`` and ``data/``.
"""

from __future__ import annotations

from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
ROOT = _CHECKOUT if (_CHECKOUT / "layers").is_dir() else Path.cwd()
LAYERS = ROOT / "layers"
DATA = ROOT / "data"

ZONES = LAYERS / "zones.geojson"
LANDMARKS = LAYERS / "landmarks.geojson"
ENTERPRISES = LAYERS / "enterprises.geojson"
DISTRICTS = LAYERS / "districts.geojson"
CLAIMS = DATA / "claims.json"
VOCABULARY = DATA / "vocabulary.json"
DEFAULT_MAP = Path("build") / "map.html"
