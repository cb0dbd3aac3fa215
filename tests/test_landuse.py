"""`geo area --by DLBM --level`: 三调 land-use codes rolled up to 二级类, 一级类 and 三大类, against a
grid of coded parcels summed by hand with pyproj.Geod; a user's own code table; codes in no table
kept and reported."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod

from tests.builders import parcel_grid

GEOD = Geod(ellps="WGS84")
MISSING = "9999 (not in the code table)"
# code: (二级类, 一级类, 三大类), written out by hand from the 三调 工作分类
HAND = {
    "0101": ("0101 水田", "01 耕地", "农用地"),
    "0103": ("0103 旱地", "01 耕地", "农用地"),
    "0201K": ("0201K 可调整果园", "02 种植园用地", "农用地"),
    "0601": ("0601 工业用地", "06 工矿用地", "建设用地"),
    "0508": ("0508 物流仓储用地", "05 商业服务业用地", "建设用地"),
    "0702": ("0702 农村宅基地", "07 住宅用地", "建设用地"),
    "1001": ("1001 铁路用地", "10 交通运输用地", "建设用地"),
    "0404": ("0404 其他草地", "04 草地", "未利用地"),
    "9999": (MISSING, MISSING, MISSING),
}
LEVELS = {"second": 0, "first": 1, "major": 2}


@pytest.fixture
def coded(tmp_path):
    """A grid of parcels coded in turn with HAND's codes, and a zone that holds the whole grid."""
    grid = parcel_grid(n=12, gaps=False, overlaps=False)
    grid["DLBM"] = [list(HAND)[k % len(HAND)] for k in range(len(grid))]
    minx, miny, maxx, maxy = grid.total_bounds
    zone = gpd.GeoDataFrame(
        {"id": ["z"], "name": ["全区"]}, geometry=[shapely.box(minx - 0.001, miny - 0.001, maxx + 0.001, maxy + 0.001)]
    ).set_crs(4326)
    zone.to_file(tmp_path / "zone.geojson", driver="GeoJSON")
    grid[["DLBM", "geometry"]].to_file(tmp_path / "dltb.gpkg", driver="GPKG")
    return tmp_path, grid


def by_hand(grid: gpd.GeoDataFrame, level: str) -> dict[str, float]:
    sums: dict[str, float] = {}
    for code, cell in zip(grid["DLBM"], grid.geometry):
        name = HAND[code][LEVELS[level]]
        sums[name] = sums.get(name, 0.0) + abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(cell))[0])
    return sums


@pytest.mark.parametrize("level", ["second", "first", "major", "二级类", "一级类", "三大类"])
def test_each_level_equals_the_hand_summed_grid(run, coded, level):
    folder, grid = coded
    result = run("area", folder / "zone.geojson", "--overlay", folder / "dltb.gpkg", "--by", "DLBM", "--level", level,
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    classes = json.loads(result.stdout)["features"][0]["classes"]
    expected = by_hand(grid, {"二级类": "second", "一级类": "first", "三大类": "major"}.get(level, level))
    assert set(classes) == set(expected)
    for name, area in expected.items():
        assert classes[name]["area_m2"] == pytest.approx(area, rel=1e-9), name
    assert "9999" in result.stderr and "not in the 三调 code table" in result.stderr  # reported, not dropped


def test_a_layer_grouped_without_an_overlay_rolls_up_the_same(run, coded):
    folder, grid = coded
    result = run("area", folder / "dltb.gpkg", "--by", "DLBM", "--level", "major", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row["area_m2"] for row in json.loads(result.stdout)["features"]}
    expected = by_hand(grid, "major")
    assert rows.keys() == expected.keys()
    for name, area in expected.items():
        assert rows[name] == pytest.approx(area, rel=1e-9)


def test_a_users_table_replaces_the_shipped_one(run, coded):
    folder, _ = coded
    table = folder / "codes.csv"
    table.write_text(
        "code,name,first,major\n01,耕地,01,农用地\n0101,水田,01,农用地\n0103,旱地,01,农用地\n"
        "9999,村庄其他用地,99,建设用地\n99,其他建设,99,建设用地\n",
        encoding="gbk",  # as Excel saves a CSV on Chinese Windows
    )
    result = run("area", folder / "zone.geojson", "--overlay", folder / "dltb.gpkg", "--by", "DLBM",
                 "--level", "first", "--classes", table, "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    classes = json.loads(result.stdout)["features"][0]["classes"]
    assert {"01 耕地", "99 其他建设", "0601 (not in the code table)"} <= set(classes)
    assert "0601" in result.stderr and str(table) in result.stderr


def test_codes_that_lost_their_leading_zero_and_names_are_read_as_codes(run, tmp_path):
    grid = parcel_grid(n=4, gaps=False, overlaps=False)
    grid["DLBM"] = [601, 101, 1001, 508] * 4  # a numeric field
    grid["DLMC"] = ["工业用地", "水田", "铁路用地", "物流仓储用地"] * 4  # names
    grid.to_file(tmp_path / "dltb.shp")
    numbers = run("area", tmp_path / "dltb.shp", "--by", "DLBM", "--level", "second", "--format", "json")
    names = run("area", tmp_path / "dltb.shp", "--by", "DLMC", "--level", "second", "--format", "json")
    for result in (numbers, names):
        assert result.exit_code == 0, result.output
        rows = {row["name"] for row in json.loads(result.stdout)["features"]}
        assert rows == {"0601 工业用地", "0101 水田", "1001 铁路用地", "0508 物流仓储用地"}
    assert "601 as 0601" in numbers.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "DLBM", "--level", "third"], "choose second, first or major"),
        (["--level", "first"], "give --by FIELD"),
        (["--by", "DLBM", "--classes", "codes.csv"], "give --level too"),
        (["--by", "DLBM", "--level", "first", "--classes", "nothing.csv"], "nothing.csv"),
    ],
)
def test_wrong_roll_up_options_are_one_line(run, coded, args, message):
    folder, _ = coded
    result = run("area", folder / "dltb.gpkg", *args)
    assert result.exit_code != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 3  # click's usage lines at most


def test_a_table_without_its_columns_is_refused_naming_them(run, coded):
    folder, _ = coded
    (folder / "codes.csv").write_text("DLBM,DLMC\n0101,水田\n", encoding="utf-8")
    result = run("area", folder / "dltb.gpkg", "--by", "DLBM", "--level", "first", "--classes", folder / "codes.csv")
    assert result.exit_code == 1
    assert "needs the columns code, name, first, major" in result.stderr


def test_the_shipped_table_maps_every_second_level_code_to_a_first_level_and_a_major_class():
    from geo.landuse import class_table

    table = class_table()
    seconds = [code for code in table.names if len(code) > 2 and code != table.first[code]]
    assert len(seconds) == 59
    for code in seconds:
        assert table.first[code] in table.names, code
        assert table.major[code] in {"农用地", "建设用地", "未利用地"}, code
    assert all(table.classes(code, "major") for code in ("0404", "1201"))  # the two that sources dispute
