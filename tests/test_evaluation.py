"""`geo evaluate`: every indicator of the land evaluation against an independent computation
(shapely cuts, pyproj.Geod areas, a loop over the parcels), prorating across a boundary, missing
fields, the Excel tables read back, the land survey's own figures, and the map's popups."""

from __future__ import annotations

import json
from collections import defaultdict

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from tests.builders import OVERLAY_ZONES, parcel_grid
from tests.test_overlay import along_geodesics, geod_area

CODES = ["A1", "A2", "A2", "A4", "B21", "B22", "C1", "A2", "B11", "A52"]


@pytest.fixture
def coded(tmp_path):
    """A grid of evaluation parcels across the two test zones (some cut by their edges), coded in turn."""
    grid = parcel_grid(n=20, gaps=False, overlaps=False).drop(columns=["DLMC"])
    k = np.arange(len(grid))
    grid["DLDM"] = [CODES[i % len(CODES)] for i in k]
    grid["GYDM"] = np.where(grid["DLDM"].str.startswith("A"), "D21", np.where(k % 3 == 0, "D1", "E1"))
    grid["XZDM"] = np.where(k % 7 == 0, "G", None)
    grid["GXDM"] = np.where(k % 5 == 0, "H1", np.where(k % 11 == 0, "H2", None))
    grid["JZMJ"] = 1000.0 + 37 * k
    grid["JZJDMJ"] = 400.0 + 11 * k
    grid["GDZCTZZE"] = 50.0 + k
    grid["GYSSZE"] = 5.0 + k / 10
    grid["ESCYSSZE"] = 8.0 + k / 7
    grid["CZRK"] = (k % 9) * 3
    OVERLAY_ZONES.to_file(tmp_path / "zones.geojson", driver="GeoJSON")
    grid.to_file(tmp_path / "zongdi.gpkg", driver="GPKG")
    return tmp_path, grid


def independent(grid: gpd.GeoDataFrame) -> dict:
    """Each zone's indicators the plain way: each parcel cut by the zone (its geodesic edges), the
    piece measured with pyproj.Geod, attributes times the piece's share of the parcel."""
    result = {}
    for zone_id, zone in zip(OVERLAY_ZONES["id"], OVERLAY_ZONES.geometry.map(along_geodesics)):
        sums: defaultdict[str, float] = defaultdict(float)
        for _, parcel in grid.iterrows():
            piece = shapely.intersection(zone, parcel.geometry)
            if piece.is_empty:
                continue
            m2 = geod_area(piece)
            share = m2 / geod_area(parcel.geometry)
            code = parcel["DLDM"]
            on = {"all"}
            if code.startswith("A"):
                on.add("A")
                sums["A"] += m2
                if code == "A1":
                    sums["A1"] += m2
                if parcel["GXDM"] in ("H1", "H2"):
                    sums["H"] += m2
            if code == "A2":
                on.add("A2")
                sums["A2"] += m2
            if code.startswith("B"):
                sums["B"] += m2
            if code == "B21":
                sums["B21"] += m2
            if parcel["GYDM"].startswith("D"):
                sums["D"] += m2
                if parcel["XZDM"] == "G":
                    sums["G"] += m2
            for field in ("JZMJ", "JZJDMJ", "GDZCTZZE", "GYSSZE", "ESCYSSZE", "CZRK"):
                for where in on:
                    sums[f"{field}@{where}"] += parcel[field] * share
        s = sums.__getitem__
        result[zone_id] = {
            "development_rate": (s("A") + s("B21")) / (s("A") + s("B")) * 100,
            "supply_rate": s("D") / (s("A") + s("B21")) * 100,
            "built_rate": s("A") / s("D") * 100,
            "industrial_land_rate": s("A2") / s("A") * 100,
            "high_tech_land_rate": s("H") / s("A") * 100,
            "idle_rate": s("G") / s("D") * 100,
            "floor_area_ratio": s("JZMJ@A") / s("A"),
            "building_density": s("JZJDMJ@A") / s("A") * 100,
            "industrial_floor_area_ratio": s("JZMJ@A2") / s("A2"),
            "industrial_building_coverage": s("JZJDMJ@A2") / s("A2") * 100,
            "industrial_investment_intensity": s("GDZCTZZE@A2") / (s("A2") / 10_000),
            "industrial_tax_intensity": s("GYSSZE@A2") / (s("A2") / 10_000),
            "tax_intensity": s("ESCYSSZE@A") / (s("A") / 10_000),
            "population_density": s("CZRK@all") / (s("A") / 10_000),
            "_type": "工业主导型" if s("A2") / s("A") > 0.3 and s("A1") / s("A") < 0.25 else "产城融合型",
        }
    return result


def test_every_indicator_equals_the_independent_computation(run, coded):
    folder, grid = coded
    result = run("evaluate", folder / "zones.geojson", "--parcels", folder / "zongdi.gpkg", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    truth = independent(grid)
    assert len(document["zones"]) == 2
    for zone in document["zones"]:
        expected = truth[zone["id"]]
        assert set(zone["indicators"]) == set(expected) - {"_type"}
        for key, entry in zone["indicators"].items():
            assert entry["value"] == pytest.approx(expected[key], rel=1e-9), (zone["id"], key)
            assert entry["value"] == pytest.approx(entry["numerator"] / entry["denominator"] * (
                100 if entry["unit"] == "%" else 10_000 if "公顷" in entry["unit"] else 1), rel=1e-12)  # fmt: skip
            assert entry["name_zh"]
        assert zone["type"]["value"] == expected["_type"] and "not confirmed" in zone["type"]["rule"]
        assert sum(zone["land"].values()) == pytest.approx(
            sum(e for k, e in zone["indicators"]["development_rate"].items() if k == "denominator")
            + zone["land"].get("C1", 0),
            rel=1e-9,
        )  # A + B + C: the zone's coded land
    assert "parcels cross a zone's boundary" in result.stderr


def test_a_parcel_across_the_boundary_counts_its_share_of_floor_area(run, tmp_path):
    """One A2 parcel, half inside the zone: the floor area on A2 is the parcel's times its share."""
    zone = shapely.box(112.55, 26.85, 112.56, 26.86)
    parcel = shapely.box(112.555, 26.852, 112.565, 26.854)  # its western half inside
    gpd.GeoDataFrame({"id": ["z"], "name": ["区"]}, geometry=[zone], crs=4326).to_file(tmp_path / "z.geojson")
    layer = gpd.GeoDataFrame({"DLDM": ["A2"], "GYDM": ["D21"], "JZMJ": [12_000.0]}, geometry=[parcel], crs=4326)
    layer.to_file(tmp_path / "p.gpkg")
    result = run("evaluate", tmp_path / "z.geojson", "--parcels", tmp_path / "p.gpkg", "--format", "json")
    entry = json.loads(result.stdout)["zones"][0]["indicators"]["industrial_floor_area_ratio"]
    inside = geod_area(shapely.intersection(along_geodesics(zone), parcel))
    assert entry["denominator"] == pytest.approx(inside, rel=1e-9)
    assert entry["numerator"] == pytest.approx(12_000.0 * inside / geod_area(parcel), rel=1e-9)
    assert 0.45 < inside / geod_area(parcel) < 0.55
    assert "1 parcels cross" in result.stderr


def test_overlapping_parcels_are_warned_of(run, coded):
    folder, grid = coded
    twice = gpd.GeoDataFrame(pd.concat([grid, grid.iloc[[210, 211]]], ignore_index=True), crs=4326)
    twice.to_file(folder / "twice.gpkg", driver="GPKG")
    result = run("evaluate", folder / "zones.geojson", "--parcels", folder / "twice.gpkg", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "4 parcels overlap others" in result.stderr


def test_without_floor_areas_the_building_indicators_are_null_and_named(run, coded):
    folder, grid = coded
    grid.drop(columns=["JZMJ", "JZJDMJ"]).to_file(folder / "land_only.gpkg", driver="GPKG")
    result = run("evaluate", folder / "zones.geojson", "--parcels", folder / "land_only.gpkg", "--format", "json")
    assert result.exit_code == 0, result.output
    indicators = json.loads(result.stdout)["zones"][0]["indicators"]
    for key in ("floor_area_ratio", "industrial_floor_area_ratio"):
        assert indicators[key]["value"] is None and "JZMJ" in indicators[key]["note"]
    for key in ("building_density", "industrial_building_coverage"):
        assert indicators[key]["value"] is None and "JZJDMJ" in indicators[key]["note"]
    assert indicators["development_rate"]["value"] is not None and indicators["tax_intensity"]["value"] is not None
    assert "JZJDMJ, JZMJ" in result.stderr


def test_fields_of_other_names_and_case(run, coded):
    folder, grid = coded
    grid.rename(columns={"DLDM": "XZDL", "JZMJ": "jzmj"}).to_file(folder / "renamed.shp", encoding="utf-8")
    result = run("evaluate", folder / "zones.geojson", "--parcels", folder / "renamed.shp", "--field", "DLDM=XZDL",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    ours = json.loads(result.stdout)["zones"][0]["indicators"]["floor_area_ratio"]["value"]
    assert ours == pytest.approx(independent(grid)["z1"]["floor_area_ratio"], rel=1e-9)
    assert "JZMJ read from the field 'jzmj'" in result.stderr


def test_a_layer_without_dldm_is_refused_in_one_line(run, coded):
    folder, grid = coded
    grid.drop(columns=["DLDM"]).to_file(folder / "no_code.gpkg", driver="GPKG")
    result = run("evaluate", folder / "zones.geojson", "--parcels", folder / "no_code.gpkg")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": note: " not in line]
    assert len(errors) == 1 and "DLDM" in errors[0] and "--field DLDM=NAME" in errors[0]
    assert "_label" not in errors[0]


def test_the_workbook_holds_the_standard_tables_with_numbers_as_numbers(run, coded):
    from openpyxl import load_workbook

    folder, _ = coded
    out = folder / "评价.xlsx"
    result = run("evaluate", folder / "zones.geojson", "--parcels", folder / "zongdi.gpkg", "-o", out)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    indicators, land = book.worksheets[0], book.worksheets[1]
    assert [c.value for c in indicators[1]][:6] == ["指标", "数值", "单位", "计算方法", "分子", "分母"]
    assert indicators["A2"].value == "土地开发率" and isinstance(indicators["B2"].value, float)
    assert [c.value for c in land[1]] == ["代码", "名称", "面积 (公顷)", "占比 %"]
    codes = [row[0].value for row in land.iter_rows(min_row=2)]
    assert "A2" in codes and isinstance(land["C2"].value, float)
    assert land.cell(row=codes.index("A2") + 2, column=2).value == "工矿仓储用地"


def test_the_land_survey_alone_gives_its_classes_and_the_industrial_rate(run, tmp_path):
    grid = parcel_grid(n=12, gaps=False, overlaps=False).drop(columns=["DLMC"])
    survey = ["0601", "0602", "0508", "0603", "0701", "0101", "0301", "1001", "05H1", "1101"]
    grid["DLBM"] = [survey[i % len(survey)] for i in range(len(grid))]
    minx, miny, maxx, maxy = grid.total_bounds
    zone = shapely.box(minx - 0.001, miny - 0.001, maxx + 0.001, maxy + 0.001)
    gpd.GeoDataFrame({"id": ["z"], "name": ["全区"]}, geometry=[zone], crs=4326).to_file(tmp_path / "z.geojson")
    grid.to_file(tmp_path / "dltb.gpkg")
    result = run("evaluate", tmp_path / "z.geojson", "--landuse", tmp_path / "dltb.gpkg", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    zone_doc = document["zones"][0]
    areas = {code: 0.0 for code in survey}
    for code, cell in zip(grid["DLBM"], grid.geometry):
        areas[code] += geod_area(cell)
    construction = sum(areas[c] for c in ("0601", "0602", "0508", "0603", "0701", "1001", "05H1"))
    industrial = sum(areas[c] for c in ("0601", "0602", "0603", "0508"))
    rate = zone_doc["indicators"]["industrial_land_rate"]
    assert rate["value"] == pytest.approx(industrial / construction * 100, rel=1e-9)
    assert zone_doc["land"]["建设用地"] == pytest.approx(construction, rel=1e-9)
    assert zone_doc["land"]["06 工矿用地"] == pytest.approx(areas["0601"] + areas["0602"], rel=1e-9)
    assert zone_doc["land"]["00 湿地"] == pytest.approx(areas["0603"], rel=1e-9)  # 盐田 is 湿地 in 三调
    assert "floor_area_ratio" in document["needs_evaluation_layer"]
    assert "need the evaluation's parcel layer" in result.stderr


def test_the_map_shows_the_indicators_and_the_parcels_by_current_use(run, coded):
    folder, _ = coded
    out = folder / "map.html"
    result = run("build", "--zones", folder / "zones.geojson", "--evaluation", folder / "zongdi.gpkg", "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    for text in (
        "土地开发率",
        "工业用地综合容积率",
        "评价宗地（现状地类）",
        "A2 工矿仓储用地",
        "B21 已达到供地条件的土地",
    ):
        assert text in page, text


def test_evaluate_needs_one_layer_of_parcels(run, coded):
    folder, _ = coded
    result = run("evaluate", folder / "zones.geojson")
    assert result.exit_code == 2 and "--parcels LAYER" in result.stderr
