"""The map in a real browser: headless Chromium, network cut off."""

from __future__ import annotations

import json
import re

import pytest

from geo.inputs import load_layers
from geo.report import format_cell
from geo.webmap import webpage
from tests.browser import MAP_JS, click_on_map, settled, wait_until_still
from tests.builders import HOSTILE, build_default_map, hostile_layers

pytestmark = pytest.mark.browser

TILE_HOSTS = re.compile(r"^https://([a-z0-9-]+\.)*(tile\.openstreetmap\.org|is\.autonavi\.com|tianditu\.gov\.cn)/")


@pytest.fixture(scope="module")
def default_map(tmp_path_factory):
    return build_default_map(tmp_path_factory.mktemp("browser"))


@pytest.fixture
def page(open_map, default_map):
    return open_map(default_map)


def drawn_paths(page) -> int:
    """How many vector features Leaflet has on the map (canvas or SVG)."""
    return page.evaluate(
        f"() => {{ let n = 0; {MAP_JS}.eachLayer(l => {{ if (l instanceof L.Path) n++; }}); return n; }}"
    )


def overlay_labels(page) -> list[str]:
    return [t.strip() for t in page.locator(".leaflet-control-layers-overlays label span").all_text_contents()]


def test_page_loads_without_errors_and_makes_no_request_but_tiles(page):
    page, log = page
    settled(page)  # every tile asked for and refused: the requests are all in
    assert log.errors == []
    assert [c for c in log.console if "Failed to load resource" not in c] == []
    assert all(TILE_HOSTS.match(u) for u in log.outside), log.outside


def test_layer_control_lists_the_overlays(page):
    page, _ = page
    labels = overlay_labels(page)
    for name in [
        "核心区",
        "白沙洲工业园",
        "衡山科学城",
        "南方输变电产业园",
        "钢管深加工产业聚集区",
        "交通",
        "公园广场",
        "生物制药",
    ]:
        assert name in labels
    groups = page.locator(".leaflet-control-layers-group-name").all_text_contents()
    assert [g.strip() for g in groups] == ["园区", "核准范围（历年）", "地标", "企业", "背景"]
    bases = [t.strip() for t in page.locator(".leaflet-control-layers-base label span").all_text_contents()]
    assert "无底图" in bases


def test_unchecking_an_overlay_removes_its_features_and_checking_restores_them(page):
    page, _ = page
    before = drawn_paths(page)
    box = page.locator(".leaflet-control-layers-overlays label", has_text="军事通讯及电子信息").locator("input")
    box.uncheck()
    hidden = drawn_paths(page)
    assert hidden < before
    box.check()
    assert drawn_paths(page) == before


def test_zone_popup_shows_the_measured_area_geo_area_prints(page, run):
    page, _ = page
    figures = {f["id"]: f for f in json.loads(run("area", "--format", "json").stdout)["features"]}
    zone = figures["hengshan-science-city"]  # no points drawn over it
    from geo.layers import read_layer

    shape = read_layer("layers/zones.geojson").frame.set_index("id").loc["hengshan-science-city"].geometry
    inside = shape.representative_point()
    x, y = page.evaluate(
        f"() => {{ const p = {MAP_JS}.latLngToContainerPoint([{inside.y}, {inside.x}]); return [p.x, p.y]; }}"
    )
    click_on_map(page, x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "衡山科学城" in text
    assert f"{format_cell(zone['area_km2'])} km²" in text
    assert format_cell(zone["area_mu"]) in text


def test_statistics_panel_and_legend_are_shown(page):
    page, _ = page
    stats = page.locator(".hz-stats").inner_text()
    assert "137.35" in stats and "核心区" in stats
    legend = page.locator(".hz-legend")
    assert "能源和新能源装备制造" not in legend.inner_text()  # starts folded
    legend.locator(".hz-toggle").click()
    assert "能源和新能源装备制造" in legend.inner_text() and "交通" in legend.inner_text()
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".leaflet-control-zoom-fullscreen").count() == 1
    assert page.locator(".leaflet-control-measure").count() == 1


def test_search_by_english_name_opens_the_feature(page):
    page, _ = page
    page.locator(".hz-search input").fill("wahaha")
    result = page.locator(".hz-results button").first
    assert "娃哈哈" in result.inner_text()
    result.click()
    page.locator(".leaflet-popup-content", has_text="娃哈哈").wait_for()


def test_search_by_chinese_name_opens_a_zone(page):
    page, _ = page
    page.locator(".hz-search input").fill("白沙洲")
    page.locator(".hz-results button", has_text="白沙洲工业园").click()
    wait_until_still(page)  # past the move: the popup must still be open, and be this zone's
    popup = page.locator(".leaflet-popup-content")
    assert "白沙洲工业园" in popup.inner_text() and "64.00" in popup.inner_text()


def test_map_opens_fitted_to_the_zones(page):
    page, _ = page
    inside = page.evaluate(f"() => {{ const m = {MAP_JS}; return m.getBounds().contains([26.89, 112.57]); }}")
    assert inside


def test_hostile_names_show_as_text_and_run_nothing(open_map, tmp_path):
    paths = hostile_layers(tmp_path)
    out = tmp_path / "hostile.html"
    layers = load_layers(paths["zones"], paths["landmarks"], paths["enterprises"])
    webpage.build_map(out, layers)
    page, log = open_map(out)
    labels = overlay_labels(page)
    assert any(label.startswith(HOSTILE) for label in labels)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0
    assert HOSTILE in page.locator(".hz-stats").inner_text()
    assert HOSTILE in page.locator(".hz-legend").text_content()
    page.locator(".hz-search input").fill("onerror")
    assert page.locator(".hz-results button").count() > 0
    page.locator(".hz-results button").first.click()
    assert HOSTILE in page.locator(".leaflet-popup-content").inner_text()
    assert page.evaluate("() => window.__pwned") is None
    assert log.errors == []
