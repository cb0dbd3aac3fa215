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


# The other files an office receives, made as their programs make them

# Two zones in WGS84 (the truth): the first with a hole; ids and names as the files carry them.
OFFICE_ZONES = {
    "A-01": (
        "科创服务片区",
        shapely.Polygon(
            [(112.60, 26.88), (112.62, 26.88), (112.62, 26.90), (112.60, 26.90)],
            [[(112.605, 26.885), (112.61, 26.885), (112.61, 26.89), (112.605, 26.89)]],
        ),
    ),
    "A-02": ("白沙洲工业园", shapely.Polygon([(112.63, 26.88), (112.64, 26.88), (112.64, 26.89)])),
}
OFFICE_FIRM = ("衡阳高新科技有限公司", shapely.Point(112.615, 26.895))
ZONE_38 = "EPSG:4526"  # CGCS2000 3-degree Gauss-Kruger zone 38, eastings with the zone in front


def geodesic_truth(polygon: shapely.Polygon) -> float:
    """A WGS84 polygon's area with geodesic edges, by pyproj.Geod alone."""
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(shapely.orient_polygons(polygon))[0])


def _in_zone_38(polygon: shapely.Polygon) -> shapely.Polygon:
    to_gk = Transformer.from_crs("EPSG:4326", ZONE_38, always_xy=True)
    return shapely.transform(polygon, lambda c: np.column_stack(to_gk.transform(c[:, 0], c[:, 1])))


def kml_with_folders(folder: Path, kmz: bool = False) -> Path:
    """A Google Earth / 奥维 export: 园区范围 and 重点企业 folders inside a 衡阳高新区 folder."""

    def ring(coords) -> str:
        return " ".join(f"{x},{y}" for x, y in [*coords, coords[0]])

    marks = []
    for _, (name, shape) in OFFICE_ZONES.items():
        holes = "".join(
            f"<innerBoundaryIs><LinearRing><coordinates>{ring(list(h.coords)[:-1])}</coordinates></LinearRing>"
            "</innerBoundaryIs>"
            for h in shape.interiors
        )
        marks.append(
            f"<Placemark><name>{name}</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{ring(list(shape.exterior.coords)[:-1])}</coordinates></LinearRing></outerBoundaryIs>{holes}"
            "</Polygon></Placemark>"
        )
    firm, point = OFFICE_FIRM
    text = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<name>衡阳高新区</name><Folder><name>衡阳高新区</name>"
        f"<Folder><name>园区范围</name>{''.join(marks)}</Folder>"
        f"<Folder><name>重点企业</name><Placemark><name>{firm}</name><Point><coordinates>{point.x},{point.y}"
        "</coordinates></Point></Placemark></Folder></Folder></Document></kml>"
    )
    if not kmz:
        path = folder / "衡阳高新区.kml"
        path.write_text(text, encoding="utf-8")
        return path
    import zipfile

    path = folder / "衡阳高新区.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("doc.kml", text)
    return path


def two_layer_gdb(folder: Path) -> Path:
    """A File Geodatabase with 开发区范围 polygons and 企业 points, in CGCS2000."""
    path = folder / "开发区.gdb"
    zones = gpd.GeoDataFrame(
        {"BSM": list(OFFICE_ZONES), "MC": [n for n, _ in OFFICE_ZONES.values()]},
        geometry=[s for _, s in OFFICE_ZONES.values()],
        crs="EPSG:4490",
    )
    zones.to_file(path, layer="开发区范围", driver="OpenFileGDB", engine="pyogrio")
    firm, point = OFFICE_FIRM
    gpd.GeoDataFrame({"QYMC": [firm]}, geometry=[point], crs="EPSG:4490").to_file(
        path, layer="企业", driver="OpenFileGDB", engine="pyogrio"
    )
    return path


def coordinate_txt(folder: Path) -> Path:
    """The land office's TXT: zone 38, GBK, CRLF, a holed parcel (圈号 2), rings closed by J1."""
    lines = [
        "[属性描述]",
        "格式版本号=1.0",
        "数据产生单位=衡阳市自然资源和规划局",
        "数据产生日期=2024-05-01",
        "坐标系=2000国家大地坐标系",
        "几度分带=3",
        "投影类型=高斯克吕格",
        "计量单位=米",
        "带号=38",
        "精度=0.001",
        "转换参数=,,,,,,",
        "[地块坐标]",
    ]
    for parcel_id, (name, shape) in OFFICE_ZONES.items():
        projected = _in_zone_38(shape)
        points = []
        for number, ring in enumerate([projected.exterior, *projected.interiors], start=1):
            coords = list(ring.coords)
            points += [f"J{i % (len(coords) - 1) + 1},{number},{y:.4f},{x:.4f}" for i, (x, y) in enumerate(coords)]
        hectares = projected.area / 10_000
        lines.append(f"{len(points)},{hectares:.4f},{parcel_id},{name},面,,工业用地,0601,@")
        lines += points
    path = folder / "报批坐标.txt"
    path.write_bytes("\r\n".join(lines).encode("gbk") + b"\r\n")
    return path


def cad_drawing(folder: Path) -> Path:
    """A planning institute's DXF: closed polylines on 规划范围 with TEXT labels inside, a stray
    road line on 道路, eastings prefixed 38, text in GBK under $DWGCODEPAGE ANSI_936."""
    import ezdxf

    document = ezdxf.new("R2000")
    document.layers.add("规划范围")
    document.layers.add("道路")
    space = document.modelspace()
    for name, shape in OFFICE_ZONES.values():
        projected = _in_zone_38(shapely.Polygon(shape.exterior))  # the outline, as planners draw it
        space.add_lwpolyline(list(projected.exterior.coords)[:-1], close=True, dxfattribs={"layer": "规划范围"})
        where = projected.representative_point()
        space.add_text(name, height=30, dxfattribs={"layer": "规划范围", "insert": (where.x, where.y)})
    road = _in_zone_38(shapely.LineString([(112.59, 26.87), (112.65, 26.87)]))
    space.add_lwpolyline(list(road.coords), dxfattribs={"layer": "道路"})
    path = folder / "规划.dxf"
    document.saveas(path, encoding="gbk")
    path.write_bytes(path.read_bytes().replace(b"ANSI_1252", b"ANSI_936"))  # as Chinese AutoCAD writes it
    return path


def vertex_list(folder: Path) -> Path:
    """A surveyor's Excel list: one row per vertex, X the northing, Y the easting with the zone, rows shuffled."""
    rows = []
    for parcel_id, (name, shape) in OFFICE_ZONES.items():
        projected = _in_zone_38(shapely.Polygon(shape.exterior))
        for i, (x, y) in enumerate(list(projected.exterior.coords)[:-1], start=1):
            rows.append(
                {"地块编号": parcel_id, "地块名称": name, "点号": f"J{i}", "X坐标": round(y, 4), "Y坐标": round(x, 4)}
            )
    path = folder / "界址点.xlsx"
    pd.DataFrame(rows).iloc[::-1].to_excel(path, index=False)
    return path


def swapped_shapefile(folder: Path) -> Path:
    """A Shapefile in EPSG:4547 (no .prj) whose X holds the northing, as surveyors write it."""
    frame = zones_frame()
    frame.geometry = shapely.transform(frame.geometry.to_numpy(), lambda c: c[:, ::-1])
    path = folder / "互换.shp"
    frame.set_crs(None, allow_override=True).to_file(path, encoding="GBK", engine="pyogrio")
    path.with_suffix(".prj").unlink(missing_ok=True)
    return path


def datav_geojson(folder: Path) -> Path:
    """A DataV.GeoAtlas boundary file: GCJ-02 coordinates, no crs member, its usual properties."""
    features = []
    for adcode, (name, shape) in zip((430407, 430408), OFFICE_ZONES.values()):
        gcj = shapely.transform(shape, lambda c: np.column_stack(wgs84_to_gcj02(c[:, 0], c[:, 1])))
        properties = {
            "adcode": adcode,
            "name": name,
            "center": [112.6, 26.9],
            "centroid": [112.6, 26.9],
            "childrenNum": 0,
            "level": "district",
            "parent": {"adcode": 430400},
            "acroutes": [100000, 430000],
        }
        features.append({"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(gcj)})
    path = folder / "datav_430400.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    return path


def gbk_geojson(folder: Path) -> Path:
    """GeoJSON saved in GBK by a Chinese tool."""
    features = [
        feature(shapely.geometry.mapping(shape), id=parcel_id, name=name)
        for parcel_id, (name, shape) in OFFICE_ZONES.items()
    ]
    path = folder / "范围_gbk.geojson"
    path.write_bytes(json.dumps(feature_collection(features), ensure_ascii=False).encode("gbk"))
    return path
