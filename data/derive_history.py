"""Derive the layer of the zone's boundary over time from ``data/zone_history.json``.

Each version of the boundary the sources give (the 1994 site as planned and as
revised, the four blocks approved in 2024) becomes one feature with its
``valid_from``/``valid_to``, ``status``, the ids of its ``sources`` and the
published area. None was published as coordinates: each is drawn as a
rectangle of exactly its published area, centred on an estimate of where its
bounding roads lie, and its ``geometry_source`` and ``accuracy_m`` say so.
Versions with no published bounds are listed in the facts and not drawn.

    python data/derive_history.py       # rewrites layers/zone_history.geojson
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd

DATA = Path(__file__).resolve().parent
sys.path.insert(0, str(DATA))

from derive_layers import LAYERS, _rectangle, draw_part  # noqa: E402

from geo.io.geojson import write_geojson  # noqa: E402

FIELDS = ("id", "name_zh", "name_en", "status", "valid_from", "valid_to", "date_basis", "declared_area_ha", "sources")


def derive_history() -> gpd.GeoDataFrame:
    facts = json.loads((DATA / "zone_history.json").read_text(encoding="utf-8"))
    rows = []
    for version in facts["versions"]:
        draw = version["draw"]
        target_km2 = version["declared_area_ha"] / 100
        shape = draw_part({**draw, "target_km2": target_km2}, shape_of=_rectangle, grid=1e-9)
        record = {field: version[field] for field in FIELDS}
        record["geometry_source"] = (
            f"stand-in, not the published boundary: a rectangle of the published {version['declared_area_ha']} ha "
            f"centred on {draw['anchor']} ({draw['anchor_basis']}); the bounds were published as names, not "
            f"coordinates: {version['bounds']}. Drawn by data/derive_history.py."
        )
        record["accuracy_m"] = draw["accuracy_m"]
        record["geometry"] = shape
        rows.append(record)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def main() -> None:
    # Nine decimals (0.1 mm): rounded to six, a 16 km² block would be 0.04 ha off its published area.
    print(write_geojson(derive_history(), LAYERS / "zone_history.geojson", decimals=9))


if __name__ == "__main__":
    main()
