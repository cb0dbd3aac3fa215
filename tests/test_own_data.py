"""A planning office's own files, used from another folder through the installed ``geo``.

Every command runs in a fresh interpreter whose working folder is a temporary
one outside the checkout, as a user runs the installed tool (CI installs the
package without -e). The files are made as an office has them (``tests/builders.py``).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import shapely

from geo.layers import read_layer
from geo.reading import ReadOptions
from tests import builders
from tests.builders import geo


@pytest.fixture(scope="module")
def office_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("office")
    builders.gbk_shapefile(folder)
    builders.gbk_shapefile(folder, "无坐标", prj=False)
    builders.geopackage(folder)
    builders.firms_xlsx(folder)
    builders.firms_csv(folder, "gb18030")
    builders.firms_csv(folder, "utf-8-sig", "企业名录_bom.csv")
    return folder


def areas(result: subprocess.CompletedProcess) -> dict[str, dict]:
    assert result.returncode == 0, result.stderr
    return {row["id"]: row for row in json.loads(result.stdout)["features"]}


def test_the_example_works_from_any_folder(tmp_path):
    for command in (["area"], ["validate"], ["audit"], ["build", "-o", "map.html"]):
        result = geo(tmp_path, *command)
        assert result.returncode == 0, (command, result.stderr)
    assert "核心区" in geo(tmp_path, "area").stdout
    assert (tmp_path / "map.html").stat().st_size > 100_000


def test_gbk_shapefile_without_cpg_reads_right_and_says_so(office_folder):
    result = geo(office_folder, "area", "开发区范围.shp", "--format", "json")
    rows = areas(result)
    assert {r["name"] for r in rows.values()} == {"科创服务片区", "白沙洲工业园"}
    assert "read as GB18030" in result.stderr
    assert "name from MC" in result.stderr and "id from BSM" in result.stderr
    for zone_id, (_, shape) in builders.ZONES.items():
        assert rows[zone_id]["area_m2"] == pytest.approx(builders.true_area_m2(shape), rel=1e-7)
    # MJ holds 亩, which no field name says: the tool finds it from the areas, and says so.
    assert "MJ read as mu" in result.stderr
    assert abs(rows["001"]["difference_pct"]) < 0.001
    grouped = geo(office_folder, "area", "开发区范围.shp", "--by", "MC")
    assert "科创服务片区" in grouped.stdout and "¿" not in grouped.stdout


def test_encoding_option_and_a_wrong_cpg(office_folder, tmp_path):
    shp = builders.gbk_shapefile(tmp_path, "wrong")
    shp.with_suffix(".cpg").write_text("UTF-8")
    result = geo(tmp_path, "area", shp.name)
    assert result.returncode == 1 and "--encoding GBK" in result.stderr and "Traceback" not in result.stderr
    assert "科创服务片区" in geo(tmp_path, "area", shp.name, "--encoding", "GBK").stdout


def test_a_shapefile_without_prj_names_the_likely_systems(office_folder):
    result = geo(office_folder, "area", "无坐标.shp")
    assert result.returncode == 1
    assert "EPSG:4547" in result.stderr and "EPSG:4546" in result.stderr
    fixed = areas(geo(office_folder, "area", "无坐标.shp", "--input-crs", "EPSG:4547", "--format", "json"))
    with_prj = areas(geo(office_folder, "area", "开发区范围.shp", "--format", "json"))
    assert fixed["001"]["area_m2"] == pytest.approx(with_prj["001"]["area_m2"], rel=1e-12)


def test_geopackage_measures_as_the_shapefile(office_folder):
    gpkg = areas(geo(office_folder, "area", "开发区范围.gpkg", "--format", "json"))
    shp = areas(geo(office_folder, "area", "开发区范围.shp", "--format", "json"))
    assert gpkg["002"]["area_m2"] == pytest.approx(shp["002"]["area_m2"], rel=1e-12)


@pytest.mark.parametrize("table", ["企业名录.xlsx", "企业名录.csv", "企业名录_bom.csv"])
def test_firm_tables_in_gcj02_count_inside_the_right_zone(office_folder, table):
    # --input-crs gcj02 applies to the table only: the Shapefile keeps its own EPSG:4547.
    result = geo(office_folder, "area", "开发区范围.shp", "--count", table, "--input-crs", "gcj02", "--format", "json")
    rows = areas(result)
    stem = Path(table).stem
    assert {zone_id: row[stem] for zone_id, row in rows.items()} == builders.INSIDE
    plain = areas(geo(office_folder, "area", "开发区范围.shp", "--format", "json"))
    assert rows["001"]["area_m2"] == plain["001"]["area_m2"]  # the zones were not shifted
    assert "read in EPSG:4547 as its .prj says" in result.stderr


def test_a_table_read_as_wgs84_because_nothing_said_otherwise_says_so(office_folder):
    """A firm list states no system: read as WGS84 it would be 600 m off if picked on Gaode, so the
    guess is named with the option that corrects it; given the system, nothing more is said."""
    guessed = geo(office_folder, "area", "开发区范围.shp", "--count", "企业名录.xlsx")
    assert "企业名录.xlsx: note: a table states no coordinate system: read as WGS84" in guessed.stderr
    assert "--input-crs gcj02" in guessed.stderr
    given = geo(office_folder, "area", "开发区范围.shp", "--count", "企业名录.xlsx", "--input-crs", "gcj02")
    assert "states no coordinate system" not in given.stderr


def test_gcj02_table_lands_on_its_wgs84_position(office_folder):
    layer = read_layer(office_folder / "企业名录.xlsx", options=ReadOptions.of("gcj02"))
    lon, lat = builders.firms_wgs84()
    got = shapely.get_coordinates(layer.frame.geometry.to_numpy())
    assert np.abs(got[:, 0] - lon).max() < 2e-6 and np.abs(got[:, 1] - lat).max() < 2e-6  # rounding to 6 decimals
    assert list(layer.names) == [f[0] for f in builders.FIRMS]


def test_bad_rows_are_named_and_skipped_only_when_asked(tmp_path):
    (tmp_path / "firms.csv").write_text(
        "企业名称,经度,纬度\n甲,112.6,26.9\n乙,,26.9\n丙,112.6x,26.9\n", encoding="utf-8"
    )
    refused = geo(tmp_path, "validate", "firms.csv")
    assert refused.returncode == 1
    assert "firms.csv: row 3: 经度 is empty" in refused.stderr
    assert "firms.csv: row 4: 经度 '112.6x' is not a number" in refused.stderr
    skipped = geo(tmp_path, "validate", "firms.csv", "--skip-bad-rows")
    assert skipped.returncode == 0 and (skipped.stdout + skipped.stderr).count("skipped (--skip-bad-rows)") == 2


def test_area_workbook_and_csv_for_excel(office_folder, tmp_path):
    out = tmp_path / "面积.xlsx"
    assert geo(office_folder, "area", "开发区范围.shp", "-o", out).returncode == 0
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("id", "name", "km²", "ha", "mu (亩)")
    assert rows[1][1] == "科创服务片区" and isinstance(rows[1][2], float)
    assert rows[-1][0] == "total" and rows[-1][2] == pytest.approx(rows[1][2] + rows[2][2])
    csv_path = tmp_path / "面积.csv"
    assert geo(office_folder, "area", "开发区范围.shp", "-o", csv_path).returncode == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads Chinese only with a BOM
    assert geo(office_folder, "area", "--format", "xlsx").returncode == 2  # a workbook needs -o


def test_convert_keeps_a_survey_to_the_millimetre(office_folder, tmp_path):
    wgs = tmp_path / "wgs.geojson"
    back = tmp_path / "back.gpkg"
    assert geo(office_folder, "convert", "开发区范围.shp", "--to", "wgs84", "-o", wgs).returncode == 0
    assert geo(tmp_path, "convert", wgs, "--to", "EPSG:4547", "-o", back).returncode == 0
    import pyogrio

    original = builders.zones_frame().geometry.to_numpy()
    again = pyogrio.read_dataframe(back).geometry.to_numpy()
    assert shapely.hausdorff_distance(original, again).max() < 1e-3  # metres: every vertex within a millimetre
    assert "科创服务片区" in wgs.read_text(encoding="utf-8")


def test_convert_from_cannot_move_a_file_with_its_own_system(office_folder, tmp_path):
    out = tmp_path / "c.geojson"
    result = geo(office_folder, "convert", "开发区范围.shp", "--from", "EPSG:3857", "--to", "wgs84", "-o", out)
    assert result.returncode == 0 and "read in EPSG:4547 as its .prj says; --from EPSG:3857" in result.stderr
    lon, lat = shapely.get_coordinates(read_layer(out).frame.geometry.to_numpy()).mean(axis=0)
    assert 112.4 < lon < 112.7 and 26.7 < lat < 27.0  # Hengyang, not Africa
    forced = geo(office_folder, "convert", "开发区范围.shp", "--override-crs", "EPSG:4546", "--to", "wgs84", "-o", out)
    assert forced.returncode == 0 and "read as EPSG:4546 (--override-crs), not EPSG:4547" in forced.stderr


def test_map_of_the_users_own_files_tells_their_story(office_folder, tmp_path):
    out = tmp_path / "map.html"
    result = geo(
        office_folder, "build", "--zones", "开发区范围.shp", "--enterprises", "企业名录.xlsx", "--input-crs", "gcj02",
        "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    for text in [
        "科创服务片区",
        "衡阳高新科技有限公司",
        "蒸湘区长丰大道1号",
        "未知",
        "(MJ)",
        "<title>开发区范围</title>",
    ]:
        assert text in html, text
    assert "示意" not in html and "schematic" not in html  # never call a user's data schematic
    assert "核心区" not in html and "平湖公园" not in html  # nothing of the example mixed in


def test_named_fields_and_a_missing_one(office_folder):
    result = geo(
        office_folder, "area", "开发区范围.shp", "--name-field", "BSM", "--declared-field", "MJ", "--declared-unit",
        "ha", "--format", "json",
    )  # fmt: skip
    rows = areas(result)
    assert rows["001"]["name"] == "001" and rows["001"]["difference_pct"] < -90  # 亩 read as ha: far off, as told
    missing = geo(office_folder, "area", "开发区范围.shp", "--name-field", "名字")
    assert missing.returncode == 0 and "has no field '名字' (--name-field); name from MC instead" in missing.stderr


def test_any_geojson_root_is_a_layer(tmp_path, run):
    square = {"type": "Polygon", "coordinates": [[[112.6, 26.8], [112.61, 26.8], [112.61, 26.81], [112.6, 26.8]]]}
    (tmp_path / "feature.geojson").write_text(
        json.dumps({"type": "Feature", "properties": {"MC": "甲"}, "geometry": square})
    )
    (tmp_path / "bare.geojson").write_text(json.dumps(square))
    (tmp_path / "object_id.geojson").write_text(
        json.dumps({"type": "Feature", "id": {"a": 1}, "properties": {}, "geometry": square})
    )
    assert "甲" in run("area", tmp_path / "feature.geojson").stdout
    assert run("area", tmp_path / "bare.geojson").exit_code == 0
    refused = run("validate", tmp_path / "object_id.geojson")
    assert refused.exit_code == 1 and "'id' must be a string or a number" in refused.output


def test_validate_without_kind_reports_duplicates_and_mixed_types(tmp_path, run):
    point = {"type": "Point", "coordinates": [112.6, 26.8]}
    square = {"type": "Polygon", "coordinates": [[[112.6, 26.8], [112.61, 26.8], [112.61, 26.81], [112.6, 26.8]]]}
    features = [
        {"type": "Feature", "properties": {"BSM": "1"}, "geometry": square},
        {"type": "Feature", "properties": {"BSM": "1"}, "geometry": point},
    ]
    (tmp_path / "mixed.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = run("validate", tmp_path / "mixed.geojson")
    assert result.exit_code == 1
    assert "duplicate id '1'" in result.output and "mixes Point, Polygon features" in result.output


def test_wrongly_decoded_text_gets_a_warning(tmp_path, run):
    square = {"type": "Polygon", "coordinates": [[[112.6, 26.8], [112.61, 26.8], [112.61, 26.81], [112.6, 26.8]]]}
    mojibake = "科创服务片区".encode("gbk").decode("latin-1")
    feature = {"type": "Feature", "properties": {"MC": mojibake}, "geometry": square}
    (tmp_path / "garbled.geojson").write_text(json.dumps(feature), encoding="utf-8")
    result = run("area", tmp_path / "garbled.geojson")
    assert "look wrongly decoded" in result.stderr and "科创服务片区" in result.stderr
