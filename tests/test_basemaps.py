"""Base layers in the browser: the default for China, Tianditu with a key, and GCJ-02 tiles on the right ground."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from geo import crs
from geo.layers import read_layer
from tests.browser import MAP_JS, wait_for_tiles
from tests.builders import LAYERS, build_default_map

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
    wait_for_tiles(page)
    assert any("is.autonavi.com" in u for u in log.outside)


def test_tianditu_is_not_offered_without_a_key(open_map, tmp_path):
    page, _ = open_map(build_default_map(tmp_path))
    assert not any("天地图" in label for label in base_labels(page))


def test_page_formula_matches_python_at_the_zone_centre(page):
    page, _ = page
    centre = read_layer(LAYERS / "zones.geojson").frame.union_all().centroid
    in_page = page.evaluate(f"() => L.TileLayer.Gcj02.fromWgs84({centre.x}, {centre.y})")
    lon, lat = crs.wgs84_to_gcj02(centre.x, centre.y)
    assert in_page == pytest.approx([float(lon), float(lat)], abs=1e-12)


TILE_CORNERS = (
    "() => { const map = " + MAP_JS + "; const box = map.getContainer().getBoundingClientRect();"
    " return [...document.querySelectorAll('img.leaflet-tile')].filter(i => i.src.includes('autonavi'))"
    "  .map(i => { const r = i.getBoundingClientRect();"
    "    return {src: i.src, x: r.left - box.left, y: r.top - box.top}; })"
    "  .filter(t => t.x >= 0 && t.y >= 0 && t.x < box.width && t.y < box.height); }"
)


def tile_corner_in_gcj02(src: str) -> tuple[float, float]:
    """The north-west corner of a Web Mercator tile, in the GCJ-02 coordinates it is drawn in."""
    x, y, z = (int(re.search(rf"[?&]{k}=(\d+)", src).group(1)) for k in ("x", "y", "z"))
    n = 2**z
    return x / n * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))


@pytest.mark.parametrize("zoom", [12, 14, 17])
def test_gcj02_tiles_land_where_their_wgs84_ground_is(page, zoom):
    """Every Gaode tile in view: its corner, a GCJ-02 position, is drawn at that ground's WGS84 place."""
    page, _ = page
    lat, lon = 26.86, 112.58
    page.evaluate(f"() => {{ {MAP_JS}.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}")
    wait_for_tiles(page)
    tiles = page.evaluate(TILE_CORNERS)
    assert len(tiles) >= 4
    metres_per_pixel = 156543.03 * math.cos(math.radians(lat)) / 2**zoom
    worst = 0.0
    for tile in tiles:
        gcj_lon, gcj_lat = tile_corner_in_gcj02(tile["src"])
        wgs_lon, wgs_lat = (float(v) for v in crs.gcj02_to_wgs84(np.array(gcj_lon), np.array(gcj_lat)))
        expected = page.evaluate(
            f"() => {{ const p = {MAP_JS}.latLngToContainerPoint([{wgs_lat}, {wgs_lon}]); return [p.x, p.y]; }}"
        )
        worst = max(worst, math.hypot(tile["x"] - expected[0], tile["y"] - expected[1]))
    # Unshifted, a tile would be 655 m off: 17 px at zoom 12, 2,200 px at zoom 17.
    # Each tile is shifted by the offset at its centre; corners, and whole-pixel tile positions, add the rest.
    assert worst < 1.0  # pixel, over the whole view, at every zoom
    if zoom >= 17:
        assert worst * metres_per_pixel < 2.0


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
