"""Every file a zone office is handed, made here as its program makes it, through the installed ``geo``
run from another folder: read right (areas against pyproj.Geod of the true WGS84 geometry) or
refused in one line, never a silent zero."""

from __future__ import annotations

import json
from pathlib import Path

import ezdxf
import pytest
import shapely

from geo.io.dxf import read_dxf
from tests import builders
from tests.builders import OFFICE_ZONES, geo, geodesic_truth

TRUTH = {parcel_id: geodesic_truth(shape) for parcel_id, (_, shape) in OFFICE_ZONES.items()}
OUTLINES = {
    parcel_id: geodesic_truth(shapely.Polygon(shape.exterior)) for parcel_id, (_, shape) in OFFICE_ZONES.items()
}
NAMES = {name for name, _ in OFFICE_ZONES.values()}


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("office_files")
    for make in (
        builders.two_layer_gdb,
        builders.coordinate_txt,
        builders.cad_drawing,
        builders.vertex_list,
        builders.swapped_shapefile,
        builders.datav_geojson,
        builders.gbk_geojson,
    ):
        make(folder)
    builders.kml_with_folders(folder)
    builders.kml_with_folders(folder, kmz=True)
    return folder


def measured(folder: Path, *args: str) -> tuple[list[dict], str]:
    result = geo(folder, "area", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["features"], result.stderr


def by_name(rows: list[dict]) -> dict[str, float]:
    return {row["name"]: row["area_m2"] for row in rows}


def truth_by_name(truth: dict[str, float]) -> dict[str, float]:
    return {OFFICE_ZONES[parcel_id][0]: area for parcel_id, area in truth.items()}


@pytest.mark.parametrize("name", ["衡阳高新区.kml", "衡阳高新区.kmz"])
def test_a_kml_with_folders_measures_its_zones_and_says_what_it_read(office, name):
    rows, said = measured(office, name)
    assert by_name(rows) == pytest.approx(truth_by_name(TRUTH), rel=1e-6)
    # GDAL's LIBKML driver gives the empty top folder a layer too, its KML driver (pyogrio 0.10) does not
    assert "layers: read 园区范围 (2 Polygon)" in said and "left" in said and "重点企业 (1 Point)" in said
    assert {row["name"] for row in rows} == NAMES
    converted = geo(office, "convert", name, "-o", f"{name}.geojson", "--to", "wgs84")
    assert converted.returncode == 0, converted.stderr
    layers = {f["properties"]["layer"] for f in json.loads((office / f"{name}.geojson").read_text("utf-8"))["features"]}
    assert layers == {"衡阳高新区/园区范围", "衡阳高新区/重点企业"}  # every folder, its path kept


def test_a_kml_folder_is_named_as_qgis_names_it(office):
    rows, _ = measured(office, "衡阳高新区.kml|layername=园区范围")
    assert len(rows) == 2
    wrong = geo(office, "area", "衡阳高新区.kml|layername=企业")
    assert wrong.returncode == 1
    assert "has no layer '企业'; its layers: " in wrong.stderr  # LIBKML lists the empty top folder too
    assert "园区范围 (2 Polygon), 重点企业 (1 Point)" in wrong.stderr


def test_a_kml_of_points_only_is_no_zone_layer(office, tmp_path):
    result = geo(office, "area", "衡阳高新区.kml|layername=重点企业")
    assert result.returncode == 1 and "is a Point" in result.stderr


def test_a_geodatabase_serves_zones_and_enterprises(office):
    rows, _ = measured(office, "开发区.gdb", "--count", "开发区.gdb")
    assert by_name(rows) == pytest.approx(truth_by_name(TRUTH), rel=1e-6)
    assert [row["开发区"] for row in rows] == [1, 0]  # the firm in the first zone
    built = geo(
        office, "build", "--zones", "开发区.gdb", "--enterprises", "开发区.gdb|layername=企业", "-o", "gdb.html"
    )
    assert built.returncode == 0, built.stderr
    assert "衡阳高新科技有限公司" in (office / "gdb.html").read_text("utf-8")


def test_the_coordinate_txt_reads_as_parcels_with_holes(office):
    rows, said = measured(office, "报批坐标.txt")
    assert {row["id"]: row["area_m2"] for row in rows} == pytest.approx(TRUTH, rel=1e-6)
    assert "地块面积 read as ha" in said and "read as GB18030" in said


def test_the_coordinate_txt_round_trips(office):
    for target in ("EPSG:4526", "EPSG:4547"):
        out = f"back_{target[5:]}.txt"
        result = geo(office, "convert", "开发区.gdb", "-o", out, "--to", target)
        assert result.returncode == 0, result.stderr
        text = (office / out).read_bytes().decode("gb18030")
        assert "带号=38" in text and "\r\n" in text and ",38" in text  # eastings with the zone in front
        rows, _ = measured(office, out)
        assert {row["id"]: row["area_m2"] for row in rows} == pytest.approx(TRUTH, rel=1e-6)


def test_a_shift_the_tool_cannot_apply_is_refused(office, tmp_path):
    text = (office / "报批坐标.txt").read_bytes().replace(b"=,,,,,,", b"=1.2,3.4,5.6,0,0,0,1.000001")
    (tmp_path / "七参数.txt").write_bytes(text)
    result = geo(tmp_path, "area", "七参数.txt")
    assert result.returncode == 1 and "转换参数" in result.stderr and "apply it" in result.stderr


def test_a_cad_drawing_reads_its_closed_polylines_named_by_their_text(office):
    rows, said = measured(office, "规划.dxf")
    assert by_name(rows) == pytest.approx(truth_by_name(OUTLINES), rel=1e-6)
    assert "open lines are no zones: skipped 1 on 道路" in said
    assert "eastings prefixed 38" in said and "EPSG:4526" in said
    only, _ = measured(office, "规划.dxf|layername=规划范围")
    assert len(only) == 2


def test_a_cad_drawing_is_written_for_autocad_and_reads_back_to_the_millimetre(office):
    result = geo(office, "convert", "规划.dxf", "-o", "出图.dxf", "--to", "EPSG:4526")
    assert result.returncode == 0, result.stderr
    document = ezdxf.readfile(office / "出图.dxf")
    polylines = document.modelspace().query("LWPOLYLINE")
    assert len(polylines) == 2 and all(p.closed and p.dxf.layer == "规划" for p in polylines)
    assert {t.dxf.text for t in document.modelspace().query("TEXT")} == NAMES
    original, _ = read_dxf(office / "规划.dxf")
    back, _ = read_dxf(office / "出图.dxf")
    for a, b in zip(original.geometry, back.geometry):
        assert shapely.equals_exact(a, b, tolerance=0.001)


def test_a_vertex_list_reads_as_the_parcels_it_describes(office):
    rows, said = measured(office, "界址点.xlsx")
    assert {row["id"]: row["area_m2"] for row in rows} == pytest.approx(OUTLINES, rel=1e-6)
    assert "a vertex list: 2 parcels by 地块编号, points in 点号 order" in said
    assert "X and Y swapped" in said


def test_swapped_x_and_y_are_fixed_where_the_system_shows_it(office):
    truth = {i: builders.true_area_m2(shape) for i, (_, shape) in builders.ZONES.items()}
    rows, said = measured(office, "互换.shp", "--input-crs", "EPSG:4547")
    assert {row["id"]: row["area_m2"] for row in rows} == pytest.approx(truth, rel=1e-6)
    assert "X holds the northing" in said
    forced, _ = measured(office, "互换.shp", "--input-crs", "EPSG:4547", "--swap-xy")
    assert {row["id"]: row["area_m2"] for row in forced} == pytest.approx(truth, rel=1e-6)
    contradicted = geo(office, "area", "互换.shp", "--input-crs", "EPSG:4526")
    assert contradicted.returncode == 1 and "the numbers contradict it" in contradicted.stderr


def test_a_datav_boundary_file_is_read_as_gcj02(office):
    rows, said = measured(office, "datav_430400.json")
    assert by_name(rows) == pytest.approx(truth_by_name(TRUTH), rel=1e-5)  # GCJ-02 inverse: 0.1 mm
    assert "DataV.GeoAtlas or Gaode boundary file" in said and "read as gcj02" in said
    as_wgs84, _ = measured(office, "datav_430400.json", "--input-crs", "wgs84")
    assert by_name(as_wgs84) != pytest.approx(truth_by_name(TRUTH), rel=1e-5)


def test_a_gbk_geojson_is_read_with_a_note(office):
    rows, said = measured(office, "范围_gbk.geojson")
    assert by_name(rows) == pytest.approx(truth_by_name(TRUTH), rel=1e-6)
    assert "read as GB18030" in said
    forced = geo(office, "area", "范围_gbk.geojson", "--encoding", "utf-8")
    assert forced.returncode == 1 and "--encoding asks for (utf-8)" in forced.stderr


def test_info_tells_what_a_file_holds(office):
    result = geo(office, "info", "开发区.gdb", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(layer["layer"], layer["features"], layer["geometry"]) for layer in report["layers"]] == [
        ("开发区范围", 2, "MultiPolygon"),
        ("企业", 1, "Point"),
    ]
    assert {(f["field"], f["role"]) for f in report["fields"]} >= {("BSM", "id"), ("MC", "name"), ("QYMC", "name")}
    swapped = json.loads(geo(office, "info", "互换.shp", "--format", "json").stdout)
    assert "X and Y swapped?" in swapped["layers"][0]["system"]
    txt = json.loads(geo(office, "info", "报批坐标.txt", "--format", "json").stdout)
    assert txt["layers"][0]["system"] == "EPSG:4526, as stated" and "GB18030" in txt["layers"][0]["encoding"]


def test_no_name_field_is_said(tmp_path):
    path = tmp_path / "无名.geojson"
    shape = OFFICE_ZONES["A-02"][1]
    path.write_text(
        json.dumps(builders.feature_collection([builders.feature(shapely.geometry.mapping(shape), BH="7", YT="工业")])),
        "utf-8",
    )
    _, said = measured(tmp_path, path.name)
    assert "no name field found" in said and "its fields: YT" in said


EVERY_FILE = {  # each file, and a field to break an overlay down by
    "衡阳高新区.kml": "layer",
    "衡阳高新区.kmz": "layer",
    "开发区.gdb": "layer",
    "报批坐标.txt": "地块名称",
    "规划.dxf": "name",
    "界址点.xlsx": "地块名称",
    "datav_430400.json": "name",
    "范围_gbk.geojson": "name",
}


@pytest.mark.parametrize("name", EVERY_FILE)
def test_every_command_takes_every_file(office, tmp_path, name):
    stem = Path(name).stem
    for command in (
        ["validate", name],
        ["info", name],
        ["area", name, "--overlay", name, "--by", EVERY_FILE[name]],
        ["convert", name, "-o", str(tmp_path / f"{stem}.gpkg"), "--to", "EPSG:4526"],
        ["build", "--zones", name, "-o", str(tmp_path / f"{stem}.html")],
        ["audit", "--zones", name, "--measurable"],
    ):
        result = geo(office, *command)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
