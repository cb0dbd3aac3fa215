"""Builders of the tests' inputs, in one place: GeoJSON documents, maps of the shipped
layers, layers with hostile text, synthetic enterprises for the scale tests, and files
made the way a planning office has them.

The office's files: a zone boundary Shapefile in CGCS2000 Gauss-Kruger (EPSG:4547,
6-digit eastings), its attributes in GBK with no .cpg, fields BSM/MC/MJ (MJ in 亩);
the same as a GeoPackage; a firm list with 企业名称/地址/经度/纬度/行业 whose
coordinates were picked on Gaode (GCJ-02), as Excel, as a GB18030 CSV (what
Excel saves on Chinese Windows) and as a UTF-8 CSV with a BOM.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer

from geo.crs import wgs84_to_gcj02
from geo.inputs import load_layers
from geo.layers import read_layer

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "layers"

GK = "EPSG:4547"  # CGCS2000 3-degree Gauss-Kruger, central meridian 114°E, no zone prefix
M2_PER_MU = 2000 / 3
# Two parts west of Hengyang's city government, in GK metres (easting, northing).
ZONES = {
    "001": ("科创服务片区", shapely.box(356000, 2975000, 358000, 2976800)),
    "002": ("白沙洲工业园", shapely.box(359000, 2970000, 362500, 2972000)),
}
FIRMS = [  # name, address, GK easting/northing (two in the first part, one in the second), industry
    ("衡阳高新科技有限公司", "蒸湘区长丰大道1号", 356800, 2975900, "电子信息"),
    ("湖南衡阳新材料股份有限公司", "蒸湘区解放大道8号", 357300, 2976200, "新材料"),
    ("白沙洲装备制造有限公司", "雁峰区白沙洲工业园3号", 360700, 2971000, "装备制造"),
]
INSIDE = {"001": 2, "002": 1}


def true_area_m2(polygon: shapely.Polygon) -> float:
    """The polygon's area on the ellipsoid, computed here with pyproj alone: the independent truth."""
    to_wgs = Transformer.from_crs(GK, "EPSG:4326", always_xy=True)
    dense = shapely.segmentize(polygon, 10.0)  # GK straight lines, followed closely
    lon, lat = to_wgs.transform(*np.asarray(dense.exterior.coords).T)
    return abs(Geod(ellps="WGS84").polygon_area_perimeter(lon, lat)[0])


def zones_frame() -> gpd.GeoDataFrame:
    ids = list(ZONES)
    shapes = [ZONES[i][1] for i in ids]
    mu = [round(true_area_m2(s) / M2_PER_MU, 2) for s in shapes]
    return gpd.GeoDataFrame({"BSM": ids, "MC": [ZONES[i][0] for i in ids], "MJ": mu}, geometry=shapes, crs=GK)


def gbk_shapefile(folder: Path, name: str = "开发区范围", prj: bool = True) -> Path:
    """A Shapefile whose attributes are GBK, with no .cpg (the common case), with or without .prj."""
    path = folder / f"{name}.shp"
    zones_frame().to_file(path, encoding="GBK", engine="pyogrio")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    if not prj:
        path.with_suffix(".prj").unlink()
    return path


def geopackage(folder: Path) -> Path:
    path = folder / "开发区范围.gpkg"
    zones_frame().to_file(path, engine="pyogrio")
    return path


def firms_wgs84() -> tuple[np.ndarray, np.ndarray]:
    """Where the firms really are, in WGS84."""
    to_wgs = Transformer.from_crs(GK, "EPSG:4326", always_xy=True)
    return to_wgs.transform(np.array([f[2] for f in FIRMS], float), np.array([f[3] for f in FIRMS], float))


def firms_table() -> pd.DataFrame:
    """The firm list with coordinates in GCJ-02, as picked on Gaode (about 650 m off WGS84 here)."""
    lon, lat = wgs84_to_gcj02(*firms_wgs84())
    return pd.DataFrame(
        {
            "企业名称": [f[0] for f in FIRMS],
            "地址": [f[1] for f in FIRMS],
            "经度": np.round(lon, 6),
            "纬度": np.round(lat, 6),
            "行业": [f[4] for f in FIRMS],
        }
    )


def firms_xlsx(folder: Path) -> Path:
    path = folder / "企业名录.xlsx"
    firms_table().to_excel(path, index=False)
    return path


def firms_csv(folder: Path, encoding: str, name: str = "企业名录.csv") -> Path:
    """``gb18030`` as Excel saves CSV on Chinese Windows, or ``utf-8-sig`` (a BOM)."""
    path = folder / name
    firms_table().to_csv(path, index=False, encoding=encoding)
    return path


# GeoJSON documents


def feature_collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(coords: list) -> dict:
    return {"type": "Polygon", "coordinates": coords}


# The shipped layers, as maps and as hostile copies

HOSTILE = (
    '<img src=x onerror="window.__pwned=1">`${window.__pwned=2}`</script><script>window.__pwned=3</script>'
    "{{ 7*7 }}{% if true %}jinja{% endif %}"
)


def rewritten_layers(folder: Path, rewrite) -> dict[str, Path]:
    """Copies of the shipped zones, landmarks and enterprises, each feature's properties passed
    through ``rewrite(kind, index, properties)``; returns {kind: path}."""
    paths = {}
    for kind in ["zones", "landmarks", "enterprises"]:
        document = json.loads((LAYERS / f"{kind}.geojson").read_text(encoding="utf-8"))
        for i, feature in enumerate(document["features"]):
            rewrite(kind, i, feature["properties"])
        path = folder / f"{kind}.geojson"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        paths[kind] = path
    return paths


def hostile_layers(folder: Path) -> dict[str, Path]:
    """Copies of the shipped layers with hostile text in every property shown."""

    def rewrite(kind: str, i: int, props: dict) -> None:
        for key in ["name_zh", "name_en", "description_zh", "source", "category", "cluster"]:
            if key in props:
                props[key] = f"{HOSTILE}#{key}{i}" if key.startswith("name") else HOSTILE
        if kind == "zones":
            props["industries"] = [HOSTILE]
            props["established"] = HOSTILE

    return rewritten_layers(folder, rewrite)


LONG = 120  # characters in a long name: a full company name with its registered address


def long_name_layers(folder: Path) -> dict[str, Path]:
    """Copies of the shipped layers whose every name is 120 characters long (and still unique)."""

    def rewrite(kind: str, i: int, props: dict) -> None:
        props["name_zh"] = (f"{i}号" + props["name_zh"] * LONG)[:LONG]
        props["name_en"] = (f"{i} " + props["name_en"] * LONG)[:LONG]

    return rewritten_layers(folder, rewrite)


def build_default_map(folder: Path, **options) -> Path:
    """The shipped layers built into ``folder/map.html`` with ``webpage.build_map`` options."""
    from geo.webmap import compose, webpage

    return webpage.build_map(folder / "map.html", load_layers(), compose.MapOptions(**options))


def load_script(name: str):
    """Import one of data/'s derivation scripts as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "data" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# Synthetic enterprises over the zone, for the scale tests and benchmark

CLUSTERS = ["能源和新能源装备制造", "生物制药", "军事通讯及电子信息", "汽车关键零部件及特种车辆", "金属材料及新材料"]


def synthetic_enterprises(n: int, path: Path, seed: int = 7) -> None:
    """N points inside the zone's parts, with the enterprise layer's properties."""
    zones = read_layer(LAYERS / "zones.geojson").frame
    area = shapely.union_all(zones.geometry.to_numpy())
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = area.bounds
    points = np.empty((0, 2))
    while len(points) < n:
        xy = rng.uniform([minx, miny], [maxx, maxy], size=(2 * n, 2))
        points = np.vstack([points, xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]])
    points = np.round(points[:n], 6)
    zone_of = np.full(n, None, dtype=object)
    for zid, geom in zip(zones["id"], zones.geometry, strict=True):
        zone_of[shapely.contains_xy(geom, points[:, 0], points[:, 1])] = zid
    features = [
        {
            "type": "Feature",
            "properties": {
                "id": f"synthetic-{i}",
                "name_zh": f"合成企业{i}号",
                "name_en": f"Synthetic enterprise {i}",
                "cluster": CLUSTERS[i % len(CLUSTERS)],
                "zone_id": zone_of[i],
                "district_id": None,
                "source": "synthetic, for the scale benchmark",
                "accuracy_m": 0,
            },
            "geometry": {"type": "Point", "coordinates": [x, y]},
        }
        for i, (x, y) in enumerate(points.tolist())
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")


# A land-survey parcel layer (DLMC) and two zones over it, for the overlay statistics

PARCEL_CLASSES = ["0101 水田", "0201 果园", "0601 工业用地", "0702 农村宅基地"]


def parcel_grid(n: int = 30, step: float = 0.002, gaps: bool = True, overlaps: bool = True) -> gpd.GeoDataFrame:
    """An n x n grid of parcels sharing their corners exactly, some missing (gaps), and a few
    extra parcels lying across others of another class (overlaps)."""
    xs = np.round(112.55 + np.arange(n + 1) * step, 6)
    ys = np.round(26.85 + np.arange(n + 1) * step, 6)
    i, j = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n)))
    keep = ~((i * 7 + j * 3) % 11 == 0) if gaps else np.ones(len(i), bool)
    geoms = list(shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1])[keep])
    classes = [PARCEL_CLASSES[(a + 2 * b) % len(PARCEL_CLASSES)] for a, b in zip(i[keep], j[keep])]
    if overlaps:
        for k in range(5):
            x, y = xs[3 + 5 * k] + step / 2, ys[4 + 4 * k] + step / 3
            geoms.append(shapely.box(x, y, x + 1.5 * step, y + step))
            classes.append(PARCEL_CLASSES[k % 2])
            geoms.append(shapely.box(x + step / 4, y, x + step, y + step / 2))  # same class, inside the last
            classes.append(PARCEL_CLASSES[k % 2])
    return gpd.GeoDataFrame({"id": [f"p{k}" for k in range(len(geoms))], "DLMC": classes}, geometry=geoms, crs=4326)


OVERLAY_ZONES = gpd.GeoDataFrame(
    {"id": ["z1", "z2"], "name": ["一区", "二区"]},
    geometry=[
        shapely.Polygon([(112.553, 26.853), (112.581, 26.857), (112.575, 26.884), (112.556, 26.879)]),
        shapely.Polygon([(112.585, 26.852), (112.62, 26.86), (112.6, 26.9)]),  # runs past the grid: uncovered
    ],
    crs=4326,
)


def geo(folder: Path, *args: object, **env: str) -> subprocess.CompletedProcess:
    """``geo ARGS`` run from ``folder`` in a fresh interpreter, as a user runs the installed tool;
    ``env`` adds to its environment (PYTHONIOENCODING="gbk" for a Chinese Windows console)."""
    return subprocess.run(
        [sys.executable, "-m", "geo", *map(str, args)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
