"""Coordinate systems: GCJ-02 and BD-09 against published values, round trips, and geo convert."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod

from geo import crs
from geo.layers import read_layer
from geo.reading import ReadOptions
from tests.builders import LAYERS, feature, feature_collection

GEOD = Geod(ellps="WGS84")


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def test_beijing_railway_station_reference_pair():
    """WGS84 (116.42079, 39.90105) is GCJ-02 (116.42703, 39.90245), given to 5 decimals (about 1 m)."""
    lon, lat = crs.wgs84_to_gcj02(116.42079, 39.90105)
    assert metres(lon, lat, 116.42703, 39.90245) < 1.0


def test_city_government_control_point():
    """places.md: GCJ-02 (112.572018, 26.893368) is WGS84 (112.5668, 26.8969) to 4 decimals."""
    lon, lat = crs.gcj02_to_wgs84(112.572018, 26.893368)
    assert (float(lon), float(lat)) == pytest.approx((112.5668, 26.8969), abs=6e-5)


def test_offset_at_hengyang_is_about_655_metres():
    lon, lat = crs.wgs84_to_gcj02(112.6, 26.9)
    east = metres(112.6, 26.9, lon, 26.9)
    south = metres(112.6, 26.9, 112.6, lat)
    assert 480 < east < 560 and 350 < south < 430
    assert lat < 26.9
    assert 600 < metres(112.6, 26.9, lon, lat) < 700


@pytest.fixture(scope="module")
def hengyang_grid():
    lon, lat = np.meshgrid(np.linspace(112.4, 112.8, 41), np.linspace(26.7, 27.1, 41))
    return lon.ravel(), lat.ravel()


def test_gcj02_round_trip_within_a_centimetre(hengyang_grid):
    lon, lat = hengyang_grid
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat))
    assert metres(lon, lat, *back).max() < 0.01


def test_bd09_round_trip_within_a_centimetre(hengyang_grid):
    lon, lat = hengyang_grid
    back = crs.bd09_to_wgs84(*crs.wgs84_to_bd09(lon, lat))
    assert metres(lon, lat, *back).max() < 0.01


def test_one_step_inverse_would_be_metres_off(hengyang_grid):
    """Why the inverse iterates: the naive inverse (subtract the forward offset) is off by metres here."""
    lon, lat = hengyang_grid
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    naive = (2 * glon - crs.wgs84_to_gcj02(glon, glat)[0], 2 * glat - crs.wgs84_to_gcj02(glon, glat)[1])
    assert metres(lon, lat, *naive).max() > 0.1


def test_points_outside_china_are_unchanged():
    lon, lat = crs.wgs84_to_gcj02(np.array([2.35, -74.0]), np.array([48.85, 40.7]))
    assert lon.tolist() == [2.35, -74.0] and lat.tolist() == [48.85, 40.7]


def test_bd09_is_a_further_shift_of_gcj02():
    glon, glat = crs.wgs84_to_gcj02(112.6, 26.9)
    blon, blat = crs.wgs84_to_bd09(112.6, 26.9)
    assert 500 < metres(glon, glat, blon, blat) < 1200


@pytest.mark.parametrize("name", ["EPSG:4326", "epsg:4490", "WGS84", "gcj-02", "BD09"])
def test_system_names(name):
    assert crs.normalise_system(name) in ("wgs84", "gcj02", "bd09")


def test_unknown_system_is_rejected():
    with pytest.raises(ValueError):
        crs.normalise_system("mars")
    with pytest.raises(ValueError):
        crs.normalise_system("EPSG:999999")


def test_input_crs_gcj02_moves_points_back_onto_wgs84(write_layer):
    glon, glat = crs.wgs84_to_gcj02(112.6271, 26.8928)
    path = write_layer(
        feature_collection([feature({"type": "Point", "coordinates": [float(glon), float(glat)]}, id="s")])
    )
    point = read_layer(path, options=ReadOptions.of("gcj02")).frame.geometry.iloc[0]
    assert metres(point.x, point.y, 112.6271, 26.8928) < 0.01


def test_input_crs_for_area_and_validate(run, write_layer):
    glon, glat = crs.wgs84_to_gcj02(
        np.array([112.60, 112.62, 112.62, 112.60, 112.60]), np.array([26.85, 26.85, 26.87, 26.87, 26.85])
    )
    ring = [[float(x), float(y)] for x, y in zip(glon, glat)]
    path = write_layer(feature_collection([feature({"type": "Polygon", "coordinates": [ring]}, id="g")]))
    assert run("validate", path, "--input-crs", "gcj02").exit_code == 0
    converted = json.loads(run("area", path, "--input-crs", "gcj02", "--format", "json").stdout)
    wgs = [[112.60, 26.85], [112.62, 26.85], [112.62, 26.87], [112.60, 26.87]]
    truth = abs(GEOD.polygon_area_perimeter(*zip(*wgs))[0])
    assert converted["features"][0]["area_m2"] == pytest.approx(truth, rel=1e-5)


def test_convert_round_trip_through_gauss_kruger_and_gcj02(run, tmp_path):
    source = LAYERS / "landmarks.geojson"
    gcj, gk, back = tmp_path / "gcj.geojson", tmp_path / "gk.gpkg", tmp_path / "back.geojson"
    assert run("convert", source, "-o", gcj, "--from", "wgs84", "--to", "gcj02").exit_code == 0
    assert run("convert", gcj, "-o", gk, "--from", "gcj02", "--to", "EPSG:4547").exit_code == 0
    assert run("convert", gk, "-o", back, "--from", "EPSG:4547", "--to", "wgs84").exit_code == 0
    original, shifted, projected, returned = (gpd.read_file(p) for p in (source, gcj, gk, back))
    assert projected.crs.to_epsg() == 4547
    assert projected.geometry.x.min() > 300_000  # metres, easting with false easting 500 km
    assert metres(original.geometry.x, original.geometry.y, shifted.geometry.x, shifted.geometry.y).min() > 600
    assert metres(original.geometry.x, original.geometry.y, returned.geometry.x, returned.geometry.y).max() < 0.1
    assert list(returned["name_zh"]) == list(original["name_zh"])


def test_convert_to_kml_and_bd09(run, tmp_path):
    out = tmp_path / "zones.kml"
    assert run("convert", LAYERS / "zones.geojson", "-o", out, "--from", "wgs84", "--to", "wgs84").exit_code == 0
    assert len(gpd.read_file(out)) == 5
    bd = tmp_path / "bd.geojson"
    assert run("convert", LAYERS / "landmarks.geojson", "-o", bd, "--from", "wgs84", "--to", "bd09").exit_code == 0
    back = read_layer(bd, options=ReadOptions.of("bd09")).frame
    original = read_layer(LAYERS / "landmarks.geojson").frame
    assert metres(original.geometry.x, original.geometry.y, back.geometry.x, back.geometry.y).max() < 0.2


def test_convert_usage_errors(run, tmp_path):
    assert (
        run(
            "convert", LAYERS / "zones.geojson", "-o", tmp_path / "x.geojson", "--from", "mars", "--to", "wgs84"
        ).exit_code
        == 2
    )
    result = run("convert", LAYERS / "zones.geojson", "-o", tmp_path / "x.shp", "--from", "wgs84", "--to", "wgs84")
    assert result.exit_code == 1 and "name the output .geojson, .gpkg, .kml, .dxf or .txt" in result.output
    assert not (tmp_path / "x.shp").exists()


def test_build_with_input_crs_puts_gcj02_points_back_on_wgs84(run, tmp_path):
    gcj = tmp_path / "landmarks_gcj.geojson"
    assert run("convert", LAYERS / "landmarks.geojson", "-o", gcj, "--from", "wgs84", "--to", "gcj02").exit_code == 0
    out = tmp_path / "map.html"
    assert run("build", "--landmarks", gcj, "--input-crs", "gcj02", "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "112.6271" in html  # Hengyang station back at its WGS84 longitude
    shifted = float(crs.wgs84_to_gcj02(112.6271, 26.8928)[0])
    assert f"{shifted:.4f}" not in html


def test_kml_is_measured_like_geojson(run, tmp_path):
    kml = tmp_path / "zones.kml"
    assert run("convert", LAYERS / "zones.geojson", "-o", kml, "--from", "wgs84", "--to", "wgs84").exit_code == 0
    from_kml = json.loads(run("area", kml, "--format", "json").stdout)["total"]["area_m2"]
    from_geojson = json.loads(run("area", LAYERS / "zones.geojson", "--format", "json").stdout)["total"]["area_m2"]
    assert from_kml == pytest.approx(from_geojson, rel=1e-6)
