"""Files made the way a planning office has them, for the tests of a user's own data.

A zone boundary Shapefile in CGCS2000 Gauss-Kruger (EPSG:4547, 6-digit
eastings), its attributes in GBK with no .cpg, fields BSM/MC/MJ (MJ in 亩);
the same as a GeoPackage; a firm list with 企业名称/地址/经度/纬度/行业 whose
coordinates were picked on Gaode (GCJ-02), as Excel, as a GB18030 CSV (what
Excel saves on Chinese Windows) and as a UTF-8 CSV with a BOM.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer

from geo.crs import wgs84_to_gcj02

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
