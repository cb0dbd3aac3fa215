"""`geo area`: geodesic areas against pyproj.Geod, in any CRS and format, in km2, ha and mu."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer

from geo.areas import summarise_areas
from geo.areas_report import area_report
from geo.layers import read_layer
from geo.measure import CGCS2000_AXES, ROUNDING_FLOOR, UNITS, geodesic_area_m2, survey_area_m2
from geo.problems import InputError
from geo.report import display_width
from tests.builders import feature, feature_collection, geo, polygon

GEOD = Geod(ellps="WGS84")


def ring_area(ring: list) -> float:
    """Independent truth: Geod's own polygon area of a ring's vertices."""
    lons, lats = zip(*ring[:-1])
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0])


def square(lon: float, lat: float, size: float, clockwise: bool = False) -> list:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return ring[::-1] if clockwise else ring


def measure_json(run, path) -> dict:
    result = run("area", path, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("lat", [0.0, 27.0, 60.0])
@pytest.mark.parametrize("size", [0.01, 1.0])
def test_area_matches_geod_at_latitudes(run, write_layer, lat, size):
    ring = square(112.0, lat, size)
    path = write_layer(feature_collection([feature(polygon([ring]), id="sq")]))
    got = measure_json(run, path)["features"][0]["area_m2"]
    assert got == pytest.approx(ring_area(ring), rel=1e-6)


def test_polygon_with_hole(run, write_layer):
    shell, hole = square(112.5, 26.8, 0.1), square(112.52, 26.82, 0.03, clockwise=True)
    path = write_layer(feature_collection([feature(polygon([shell, hole]), id="holed")]))
    got = measure_json(run, path)["features"][0]["area_m2"]
    assert got == pytest.approx(ring_area(shell) - ring_area(hole), rel=1e-6)


def test_hole_given_counter_clockwise_still_subtracts(run, write_layer):
    shell, hole = square(112.5, 26.8, 0.1), square(112.52, 26.82, 0.03)
    path = write_layer(feature_collection([feature(polygon([shell, hole]), id="holed")]))
    got = measure_json(run, path)["features"][0]["area_m2"]
    assert got == pytest.approx(ring_area(shell) - ring_area(hole), rel=1e-6)


def test_multipolygon(run, write_layer):
    a, b = square(112.5, 26.8, 0.05), square(112.7, 26.9, 0.02)
    geometry = {"type": "MultiPolygon", "coordinates": [[a], [b]]}
    path = write_layer(feature_collection([feature(geometry, id="multi")]))
    got = measure_json(run, path)["features"][0]["area_m2"]
    assert got == pytest.approx(ring_area(a) + ring_area(b), rel=1e-6)


def test_multipolygon_whose_parts_turn_opposite_ways_adds_them(run, write_layer):
    """Neither GeoJSON readers nor Shapefile writers agree on which way rings turn; a part turned
    the other way must add its area, not cancel the other's."""
    a, b = square(112.5, 26.8, 0.05), square(112.7, 26.9, 0.02, clockwise=True)
    geometry = {"type": "MultiPolygon", "coordinates": [[a], [b]]}
    path = write_layer(feature_collection([feature(geometry, id="mixed")]))
    got = measure_json(run, path)["features"][0]["area_m2"]
    assert got == pytest.approx(ring_area(a) + ring_area(b), rel=1e-6)


@pytest.mark.parametrize("span", [0.001, 0.09, 1.0, 25.0])
def test_survey_edges_are_integrated_as_a_twenty_point_rule_does(span):
    """Short edges are integrated with two Gauss-Legendre nodes, long ones with four; both must
    agree with a 20-node rule on a triangle whose slanted edge spans ``span`` degrees of latitude."""
    a, f = CGCS2000_AXES
    b2, e = (a * (1 - f)) ** 2, np.sqrt(f * (2 - f))

    def strip(lat_deg):  # area from the equator per radian of longitude, as the method defines it
        sin = np.sin(np.radians(lat_deg))
        return b2 / 2 * (sin / (1 - (e * sin) ** 2) + np.arctanh(e * sin) / e)

    lon0, lat0, width = 112.0, 20.0, span * 0.7
    x, w = np.polynomial.legendre.leggauss(20)
    t, w = (x + 1) / 2, w / 2
    slanted = (w * strip(lat0 + span * t)).sum() * np.radians(width)  # ∫F dλ from (lon0, lat0) to the far corner
    truth = abs(slanted - strip(lat0) * np.radians(width))  # less the bottom edge's; the vertical edge has none
    triangle = shapely.Polygon([(lon0, lat0), (lon0 + width, lat0), (lon0 + width, lat0 + span)])
    got = survey_area_m2(np.array([triangle]))[0]
    rounding = ROUNDING_FLOOR * 2 * strip(lat0 + span) * np.radians(width)  # of the terms' magnitudes
    assert got == pytest.approx(truth, rel=5e-9 if span > 1 else 1e-12, abs=rounding)


def test_clockwise_ring_measures_positive(run, write_layer):
    ring = square(112.5, 26.8, 0.05, clockwise=True)
    path = write_layer(feature_collection([feature(polygon([ring]), id="cw")]))
    got = measure_json(run, path)["features"][0]["area_m2"]
    assert got == pytest.approx(ring_area(ring), rel=1e-6)


def test_gauss_kruger_geopackage_is_reprojected_not_measured_in_metres_as_degrees(run, tmp_path):
    ring = square(112.55, 26.85, 0.02)
    to_gk = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)
    projected = [to_gk.transform(x, y) for x, y in ring]
    frame = gpd.GeoDataFrame({"id": ["gk"]}, geometry=[shapely.Polygon(projected)], crs="EPSG:4547")
    path = tmp_path / "gk.gpkg"
    frame.to_file(path, engine="pyogrio")
    got = measure_json(run, path)["features"][0]["area_m2"]
    assert got == pytest.approx(ring_area(ring), rel=1e-6)
    planar = frame.geometry.area.iloc[0]  # Gauss-Kruger's own planar area differs
    assert abs(planar - got) / got > 1e-5


def test_shapefile_input(run, tmp_path):
    ring = square(112.55, 26.85, 0.02)
    frame = gpd.GeoDataFrame({"id": ["shp"]}, geometry=[shapely.Polygon(ring)], crs="EPSG:4326")
    frame.to_file(tmp_path / "zones_shp.shp", engine="pyogrio")
    got = measure_json(run, tmp_path / "zones_shp.shp")["features"][0]["area_m2"]
    assert got == pytest.approx(ring_area(ring), rel=1e-6)


def test_web_mercator_would_be_26_percent_too_large():
    """Why the project never measures in EPSG:3857 (documents the error it avoids)."""
    zones = read_layer("layers/zones.geojson")
    true = summarise_areas(zones).total["area_m2"]
    mercator = zones.frame.to_crs("EPSG:3857").geometry.area.sum()
    assert 1.24 < mercator / true < 1.28


def test_unit_conversions():
    assert 1_000_000.0 / UNITS["km2"] == 1
    assert 1_000_000.0 / UNITS["ha"] == pytest.approx(100)
    assert 1_000_000.0 / UNITS["mu"] == pytest.approx(1500)
    assert UNITS["mu"] == pytest.approx(666.6667, rel=1e-6)


def test_default_zone_table(run):
    result = run("area")
    assert result.exit_code == 0
    text = result.stdout
    for name in ["核心区", "白沙洲工业园", "衡山科学城", "南方输变电产业园", "钢管深加工产业聚集区", "total"]:
        assert name in text
    assert "enterprises" in text and "landmarks" in text


def test_json_has_the_documented_shape(run):
    document = json.loads(run("area", "--format", "json").stdout)
    first = document["features"][0]
    for key in ["id", "name", "area_m2", "area_km2", "area_ha", "area_mu", "declared_area_km2", "difference_pct"]:
        assert key in first
    assert first["area_km2"] == pytest.approx(first["area_m2"] / 1e6)
    assert first["area_mu"] == pytest.approx(first["area_km2"] * 1500)
    assert document["total"]["area_m2"] == pytest.approx(sum(f["area_m2"] for f in document["features"]))
    assert sum(f["share_pct"] for f in document["features"]) == pytest.approx(100)


def test_json_matches_geod_for_shipped_zones(run):
    document = json.loads(run("area", "--format", "json").stdout)
    zones = read_layer("layers/zones.geojson").frame
    for got, geometry in zip(document["features"], zones.geometry):
        truth = sum(ring_area(list(p.exterior.coords)) for p in shapely.get_parts(geometry))
        assert got["area_m2"] == pytest.approx(truth, rel=1e-6)


def test_counts_points_inside_each_zone(run):
    document = json.loads(run("area", "--format", "json").stdout)
    by_id = {f["id"]: f for f in document["features"]}
    enterprises = read_layer("layers/enterprises.geojson").frame
    expected = int((enterprises["zone_id"] == "power-transmission-park").sum())
    assert by_id["power-transmission-park"]["enterprises"] >= expected > 0
    assert document["total"]["enterprises"] <= len(enterprises)


def test_group_by_sums_and_leaves_unknown_declared_unknown(run):
    document = json.loads(run("area", "--by", "kind", "--format", "json").stdout)
    by_id = {f["id"]: f for f in document["features"]}
    whole = json.loads(run("area", "--format", "json").stdout)
    parks = [f for f in whole["features"] if f["id"] in ("baishazhou", "power-transmission-park")]
    assert by_id["industrial park"]["area_m2"] == pytest.approx(sum(f["area_m2"] for f in parks))
    assert by_id["industrial park"]["declared_area_km2"] is None  # one park declares none


def test_group_by_unknown_field_is_a_clear_error(run):
    result = run("area", "--by", "nope")
    assert result.exit_code == 1
    assert "no property 'nope'" in result.output


@pytest.mark.parametrize("fmt", ["csv", "markdown", "table"])
def test_other_formats(run, fmt):
    result = run("area", "--format", fmt, "--units", "mu")
    assert result.exit_code == 0
    assert "核心区" in result.stdout
    assert ("mu" in result.stdout) or ("area_mu" in result.stdout)


def test_bad_units_is_a_usage_error(run):
    assert run("area", "--units", "acres").exit_code == 2


def test_table_aligns_chinese_names():
    zones = read_layer("layers/zones.geojson")
    text = area_report([("zones", summarise_areas(zones))], ["km2"]).render("table")
    lines = text.splitlines()[1:]
    header = lines[0]
    end_of_km2 = display_width(header[: header.index("km²") + 3])
    for line in lines[2:]:
        cells = line.split()
        value = next(c for c in cells if c.replace(".", "").replace(",", "").isdigit())
        assert display_width(line[: line.index(value) + len(value)]) == end_of_km2, line


def modules_after(*commands: list[str]) -> tuple[str, set[str]]:
    """Run geo commands in a fresh interpreter; its output and the heavy modules it imported."""
    code = (
        "import sys; from geo.cli import main\n"
        f"for args in {list(commands)!r}:\n"
        "    try: main(args)\n"
        "    except SystemExit: pass\n"
        "print(sorted(m for m in ('folium', 'geopandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return out, set(ast.literal_eval(out.strip().splitlines()[-1]))


def test_area_and_audit_do_not_import_folium():
    _, loaded = modules_after(["area"], ["audit"])
    assert loaded == {"geopandas"}


def test_help_does_not_import_geopandas():
    out, loaded = modules_after(["--help"])
    assert loaded == set()
    assert "validate" in out and "area" in out and "build" in out


def test_points_are_refused_rather_than_measured_as_zero(write_layer):
    path = write_layer(feature_collection([feature({"type": "Point", "coordinates": [112.6, 26.9]}, id="p")]))
    with pytest.raises(InputError, match="is a Point; areas need Polygon or MultiPolygon"):
        summarise_areas(read_layer(path))


def test_empty_layer_has_zero_total(write_layer):
    summary = summarise_areas(read_layer(write_layer(feature_collection([]))))
    assert summary.total["area_m2"] == 0 and summary.rows.empty


def test_geodesic_edges_under_a_kilometre_measure_as_geod_at_every_latitude():
    """Edges under 1 km take their geodesic midpoint from the geodesic's equations: triangles with
    such edges, every way round, from 70°S to 70°N, against pyproj.Geod."""
    rng = np.random.default_rng(4)
    shapes = []
    for lat in np.linspace(-70, 70, 29):
        for length in (50, 300, 950):
            lon, azimuth = 112 + rng.random(), rng.uniform(0, 360)
            lon1, lat1, _ = GEOD.fwd(lon, lat, azimuth, length)
            lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth + 100, length * 0.8)
            shapes.append(shapely.Polygon([(lon, lat), (lon1, lat1), (lon2, lat2)]))
    truth = [abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(s))[0]) for s in shapes]
    np.testing.assert_allclose(geodesic_area_m2(np.array(shapes)), truth, rtol=0, atol=1e-4)


def test_a_nul_in_a_text_is_written_to_csv_as_an_escape():
    """Python 3.10's csv refuses a NUL (and Excel cuts a text at one): it is written as \\x00."""
    from geo.report import csv_text

    assert csv_text(["name", "km2"], [["a\x00b", None]]) == "name,km2\na\\x00b,"


def test_the_program_ends_at_once_with_all_its_output_written(tmp_path):
    """The geo program leaves without freeing what it read (options.finish): what it printed
    through a pipe, far more than a pipe holds, arrives whole, and it exits 0; a file it wrote is
    complete."""
    cells = shapely.box(*np.array([[112.5 + 0.001 * i, 26.9, 112.501 + 0.001 * i, 26.901] for i in range(3000)]).T)
    frame = gpd.GeoDataFrame({"id": [f"p{i}" for i in range(3000)], "kind": ["a", "b", "c"] * 1000}, geometry=cells)
    frame.set_crs(4326).to_file(tmp_path / "p.gpkg")
    printed = geo(tmp_path, "area", "p.gpkg", "--format", "json")
    assert printed.returncode == 0, printed.stderr
    assert len(json.loads(printed.stdout)["features"]) == 3000
    written = geo(tmp_path, "area", "p.gpkg", "--overlay", "p.gpkg", "--by", "kind", "-o", "out.json")
    assert written.returncode == 0, written.stderr
    assert len(json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["features"]) == 3000
