"""Bad input under every command: one clear line naming file and feature, exit 1, no traceback, nothing lost.

Each case is a fixture file in tests/fixtures/bad/. Geometry and structure
problems are errors for every command; schema problems (ids, properties) are
errors where the layer's kind is known (validate --kind, build, audit); a
point or line is refused wherever areas are needed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from geo.io import geojson as geojson_module
from geo.layers import check_layer

BAD = Path(__file__).parent / "fixtures" / "bad"
EVERY = {"validate", "area", "build", "convert", "audit"}
SCHEMA = {"validate", "build", "audit"}  # commands that know the layer's role (zones hold polygons)
PROPERTIES = {"validate"}  # the example's property schema: validate --kind only; a user's layer needs a geometry

# case: (fragment of the one-line message, commands that must refuse it)
CASES = {
    "truncated": ("not valid JSON: ends too early", EVERY),
    "not_json": ("not valid JSON", EVERY),
    "empty": ("empty file", EVERY),
    "wrong_type": ("is not GeoJSON; expected a FeatureCollection", EVERY),
    "wrong_case": ("GeoJSON types are case-sensitive", EVERY),
    "feature_without_geometry": ("has no geometry", EVERY),
    "null_geometry": ("has no geometry", EVERY),
    "duplicate_ids": ("duplicate id 'z1'", PROPERTIES),
    "missing_property": ("no feature has the required property 'name_en'", PROPERTIES),
    "wrong_property_type": ("property 'declared_area_km2' must be a finite number", PROPERTIES),
    "nan_coordinate": ("is not a finite number", EVERY),
    "infinite_coordinate": ("is not a finite number", EVERY),
    "string_coordinate": ("coordinate '112.56' is a string, not a number", EVERY),
    "too_few_numbers": ("is not [longitude, latitude]", EVERY),
    "latitude_beyond_90": ("latitude 95.0 is beyond ±90", EVERY),
    "longitude_beyond_180": ("longitude 190.0 is beyond ±180", EVERY),
    "swapped_lon_lat": ("lon/lat swapped?", EVERY),
    "projected_metres": ("look projected (metres, not degrees); give --input-crs", EVERY),
    "unclosed_ring": ("outer ring is not closed", EVERY),
    "short_ring": ("a ring needs at least 4", EVERY),
    "self_intersection": ("invalid polygon: Self-intersection", EVERY),
    "bowtie": ("polygon has zero area (Self-intersection", EVERY),
    "hole_outside_shell": ("invalid polygon: Hole lies outside shell", EVERY),
    "zero_area_spike": ("polygon has zero area", EVERY),
    "point_in_zone_layer": ("is a Point", SCHEMA | {"area"}),
    "line_in_zone_layer": ("is a LineString", SCHEMA | {"area"}),
    "deep_nesting": ("nested too deeply", EVERY),
}
ACCEPTED = {
    "bom": None,
    "bare_geometry": None,  # RFC 7946: a bare geometry is valid GeoJSON, one feature
    "clockwise_shell": None,
    "outside_china": "warning: lies outside China",
    "gbk": "note: not UTF-8, as GeoJSON should be: read as GB18030 (GBK)",  # as Chinese tools save it
}


def command_line(command: str, layer: Path, out: Path, kind: bool = True) -> list:
    return {
        "validate": ["validate", *(["--kind", "zones"] if kind else []), layer],
        "area": ["area", layer],
        "build": ["build", "--zones", layer, "-o", out / "map.html"],
        "convert": ["convert", layer, "-o", out / "converted.geojson", "--from", "wgs84", "--to", "gcj02"],
        "audit": ["audit", "--zones", layer],
    }[command]


@pytest.fixture
def out(tmp_path):
    """An output folder holding a previous map that a failed build must keep."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "map.html").write_text("previous map", encoding="utf-8")
    return folder


def test_every_case_has_a_fixture():
    assert {p.stem for p in BAD.glob("*.geojson")} == set(CASES) | set(ACCEPTED)


@pytest.mark.parametrize("command", sorted(EVERY))
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(run, out, case, command):
    fragment, refused_by = CASES[case]
    layer = BAD / f"{case}.geojson"
    result = run(*command_line(command, layer, out))
    if command not in refused_by:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if fragment in line]
    assert lines, result.output
    assert all(line.startswith(f"{layer}:") for line in lines)
    assert (out / "map.html").read_text(encoding="utf-8") == "previous map"
    assert sorted(os.listdir(out)) == ["map.html"]  # no partial output, no temporary file


@pytest.mark.parametrize("command", sorted(EVERY))
@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_accepted_input(run, out, case, command):
    result = run(*command_line(command, BAD / f"{case}.geojson", out, kind=False))  # a user's layer, not the example
    assert result.exit_code == 0, result.output
    if ACCEPTED[case]:
        assert ACCEPTED[case] in result.output


def test_feature_is_named_by_id_or_index(run):
    result = run("validate", BAD / "null_geometry.geojson")
    assert f"{BAD / 'null_geometry.geojson'}: feature z1: has no geometry" in result.output
    result = run("validate", BAD / "duplicate_ids.geojson", "--kind", "zones")
    assert "feature #1: duplicate id 'z1' (also feature #0)" in result.output


def test_clockwise_shell_measures_the_same_as_counter_clockwise(run):
    cw = json.loads(run("area", BAD / "clockwise_shell.geojson", "--format", "json").stdout)
    ccw = json.loads(run("area", BAD / "bom.geojson", "--format", "json").stdout)
    assert cw["total"]["area_m2"] == pytest.approx(ccw["total"]["area_m2"], rel=1e-12)
    assert cw["total"]["area_m2"] > 1e6


@pytest.mark.parametrize("command", ["validate", "area", "build", "convert"])
def test_missing_file(run, out, command):
    result = run(*command_line(command, out / "nowhere.geojson", out))
    assert result.exit_code == 1
    assert f"{out / 'nowhere.geojson'}: no such file" in result.output


@pytest.mark.parametrize("name", ["folder.geojson", "folder"])
def test_directory(run, out, name):
    folder = out / name
    folder.mkdir()
    result = run("area", folder)
    assert result.exit_code == 1
    assert "is a directory" in result.output


def test_very_large_geojson_is_refused_before_reading(monkeypatch, out):
    monkeypatch.setattr(geojson_module, "MAX_GEOJSON_BYTES", 100)
    problems = check_layer(BAD / "bom.geojson")
    assert "MiB limit for GeoJSON; use a GeoPackage" in str(problems[0])


def test_usage_errors_exit_2(run):
    assert run("area", "--format", "xml").exit_code == 2
    assert run("build", "--lang", "fr").exit_code == 2
    assert run("nosuchcommand").exit_code == 2


def test_unexpected_errors_are_one_line_unless_debug(run, monkeypatch):
    from geo import areas

    def boom(*args, **kwargs):
        raise KeyError("simulated")

    monkeypatch.setattr(areas, "summarise_areas", boom)
    result = run("area")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("error: unexpected KeyError")
    with pytest.raises(KeyError):
        run("area", "--debug")


class TestRepair:
    def test_repair_fixes_and_reports_area_before_and_after(self, run):
        result = run("area", BAD / "self_intersection.geojson", "--repair", "--format", "json")
        assert result.exit_code == 0
        assert "warning: repaired with make_valid (Self-intersection" in result.stderr
        assert "km2 as drawn" in result.stderr and "km2 repaired" in result.stderr
        assert json.loads(result.stdout)["total"]["area_m2"] > 0

    def test_repaired_bowtie_catches_area_again(self, run):
        result = run("area", BAD / "bowtie.geojson", "--repair", "--format", "json")
        assert result.exit_code == 0
        assert "0 km2 as drawn" in result.stderr
        assert json.loads(result.stdout)["total"]["area_m2"] > 1e5

    def test_spike_cannot_be_repaired_into_an_area(self, run):
        result = run("area", BAD / "zero_area_spike.geojson", "--repair")
        assert result.exit_code == 1
        assert "make_valid leaves no area" in result.output

    def test_without_repair_nothing_is_changed_silently(self, run):
        assert run("area", BAD / "self_intersection.geojson").exit_code == 1


def test_failed_convert_keeps_the_previous_output(run, tmp_path):
    target = tmp_path / "converted.geojson"
    target.write_text("previous output", encoding="utf-8")
    result = run("convert", BAD / "nan_coordinate.geojson", "-o", target, "--from", "wgs84", "--to", "gcj02")
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "previous output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["converted.geojson"]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")  # deliberately: no .prj
def test_projected_shapefile_without_a_crs_is_named_as_such(run, tmp_path):
    """GDAL reads a Shapefile without .prj as having no CRS; metres must not pass as degrees."""
    import geopandas as gpd
    import shapely

    square = shapely.box(337650, 2956800, 340650, 2959800)
    gpd.GeoDataFrame({"id": ["m"]}, geometry=[square]).to_file(tmp_path / "metres.shp", engine="pyogrio")
    assert not (tmp_path / "metres.prj").exists()
    result = run("area", tmp_path / "metres.shp")
    assert result.exit_code == 1
    assert "look projected (metres, not degrees); give --input-crs" in result.output
    assert run("area", tmp_path / "metres.shp", "--input-crs", "EPSG:4547").exit_code == 0


def test_a_missing_folium_offline_is_one_line_with_what_to_do(run, monkeypatch, tmp_path):
    import importlib.util

    from geo.webmap import assets

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "offlinefolium" else real(name, *a)
    )
    assets._resource_table.cache_clear()
    assets._offline_copy.cache_clear()
    result = run("build", "-o", tmp_path / "map.html")
    assets._resource_table.cache_clear()
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == "error: folium-offline is not installed: pip install folium-offline, or build with --cdn"
    )
    assert not (tmp_path / "map.html").exists()


@pytest.mark.parametrize("content", ["{not json", '{"claims": [{"id": "x"}]}', "[1, 2]"])
def test_a_bad_claims_file_is_one_line(run, tmp_path, content):
    claims = tmp_path / "claims.json"
    claims.write_text(content, encoding="utf-8")
    result = run("audit", "--claims", claims)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{claims}: not a claims file")
