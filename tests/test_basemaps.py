"""Base layers in the browser: the default for China, Tianditu with a key, and GCJ-02 tiles on the right ground."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from geo import crs
from geo.layers import read_layer
from tests.browser import MAP_JS
from tests.conftest import LAYERS, build_default_map

pytestmark = pytest.mark.browser


@pytest.fixture
def page(open_map, tmp_path_factory):
    return open_map(build_default_map(tmp_path_factory.mktemp("basemaps"), tianditu_key="TESTKEY"))


def base_labels(page) -> list[str]:
    return [t.strip() for t in page.locator(".leaflet-control-layers-base label span").all_text_contents()]


def test_gaode_is_the_default_and_tianditu_is_offered_with_a_key(page):
    page, log = page
    assert base_labels(page) == ["高德地图", "高德卫星图", "天地图矢量", "天地图影像", "OpenStreetMap", "无底图"]
    checked = page.locator(".leaflet-control-layers-base input:checked + span").text_content().strip()
    assert checked == "高德地图"
    page.wait_for_timeout(200)
    assert any("is.autonavi.com" in u for u in log.outside)


def test_tianditu_is_not_offered_without_a_key(open_map, tmp_path):
    page, _ = open_map(build_default_map(tmp_path))
    assert not any("天地图" in label for label in base_labels(page))


def test_page_formula_matches_python_at_the_zone_centre(page):
    page, _ = page
    centre = read_layer(LAYERS / "zones.geojson").frame.union_all().centroid
    in_page = page.evaluate(f"() => HZ.wgs84ToGcj02({centre.x}, {centre.y})")
    lon, lat = crs.wgs84_to_gcj02(centre.x, centre.y)
    assert in_page == pytest.approx([float(lon), float(lat)], abs=1e-12)


def mercator_pixels(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    scale = 256 * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    return x, y


def test_gcj02_tiles_are_shifted_by_the_formula_at_the_centre(page):
    page, _ = page
    lat, lon, zoom = 26.86, 112.58, 15
    page.evaluate(f"() => {{ {MAP_JS}.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}")
    shift = page.evaluate(
        "() => { const p = document.querySelector('.leaflet-hzGcjTiles-pane'); "
        "return [parseFloat(p.dataset.shiftX), parseFloat(p.dataset.shiftY)]; }"
    )
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    wx, wy = mercator_pixels(lon, lat, zoom)
    gx, gy = mercator_pixels(float(glon), float(glat), zoom)
    assert shift == pytest.approx([wx - gx, wy - gy], abs=0.01)
    assert math.hypot(*shift) > 10  # about 655 m: many pixels at this zoom


def test_gcj02_tile_lands_where_its_wgs84_ground_is(page):
    """A tile's corner, a GCJ-02 position, is drawn where that ground is in WGS84 (within 2 m)."""
    page, _ = page
    lat, lon, zoom = 26.86, 112.58, 17
    page.evaluate(f"() => {{ {MAP_JS}.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}")
    page.wait_for_timeout(200)
    tile = page.evaluate(
        "() => { const map = " + MAP_JS + "; const box = map.getContainer().getBoundingClientRect();"
        " const img = [...document.querySelectorAll('.leaflet-hzGcjTiles-pane img.leaflet-tile')]"
        "   .find(i => { const r = i.getBoundingClientRect(); return r.left > box.left && r.top > box.top"
        "   && r.left < box.right && r.top < box.bottom; });"
        " const r = img.getBoundingClientRect(); return {src: img.src, x: r.left - box.left, y: r.top - box.top}; }"
    )
    x, y, z = (int(re.search(rf"[?&]{k}=(\d+)", tile["src"]).group(1)) for k in ("x", "y", "z"))
    n = 2**z
    gcj_lon = x / n * 360 - 180
    gcj_lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    wgs_lon, wgs_lat = (float(v) for v in crs.gcj02_to_wgs84(np.array(gcj_lon), np.array(gcj_lat)))
    expected = page.evaluate(
        f"() => {{ const p = {MAP_JS}.latLngToContainerPoint([{wgs_lat}, {wgs_lon}]); return [p.x, p.y]; }}"
    )
    metres_per_pixel = 156543.03 * math.cos(math.radians(lat)) / 2**zoom
    error_m = math.hypot(tile["x"] - expected[0], tile["y"] - expected[1]) * metres_per_pixel
    assert error_m < 2.0


def test_overlays_do_not_move_between_base_layers(page):
    page, _ = page
    point = (
        "() => { const m = " + MAP_JS + "; let p;"
        " m.eachLayer(l => { if (l.feature && !p) p = l.getBounds().getNorthWest(); });"
        " return m.latLngToContainerPoint(p); }"
    )
    before = page.evaluate(point)
    page.locator(".leaflet-control-layers-base label", has_text="OpenStreetMap").locator("input").check()
    assert page.evaluate(point) == before
