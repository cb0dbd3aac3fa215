"""The map's layout on a phone and a desk, with the example's names and with very long ones.

At 390x844 (a touch screen, emulated) and 1280x800: how much of the map the controls
cover, that no two overlap and none is wider than about half the map, that a search
result can be clicked and its popup lies clear of the controls, that a copied address
reopens the same view, and that axe-core (pinned, tests/assets/) finds nothing serious.
"""

from __future__ import annotations

import csv
import io

import pytest

from geo.inputs import load_layers
from geo.webmap import webpage
from geo.webmap.content import stats_table
from tests.browser import DESKTOP, MAP_JS, PHONE, PageLog, open_page, settled, wait_until_still
from tests.builders import LONG, ROOT, build_default_map, long_name_layers

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "assets" / "axe-core-4.10.3" / "axe.min.js"
DEVICES = {"phone": PHONE, "desktop": DESKTOP}
MOST_COVERED = {"phone": 0.25, "desktop": 0.30}

# Every visible control's box, relative to the map's.
CONTROL_BOXES = (
    "() => { const map = document.querySelector('.leaflet-container').getBoundingClientRect();"
    " return [...document.querySelectorAll('.leaflet-control')]"
    "  .map(c => [c.className.split(' ').filter(n => n !== 'leaflet-control').join(' '), c.getBoundingClientRect()])"
    "  .filter(([, r]) => r.width > 0 && r.height > 0)"
    "  .map(([name, r]) => ({name, left: r.left - map.left, top: r.top - map.top,"
    "                        right: r.right - map.left, bottom: r.bottom - map.top})); }"
)
MAP_SIZE = (
    "() => { const r = document.querySelector('.leaflet-container').getBoundingClientRect();"
    " return [r.width, r.height]; }"
)


@pytest.fixture(scope="module")
def maps(tmp_path_factory):
    """The default map, and the same map with every name 120 characters long."""
    folder = tmp_path_factory.mktemp("layout")
    paths = long_name_layers(folder)
    long_map = webpage.build_map(
        folder / "long.html", load_layers(paths["zones"], paths["landmarks"], paths["enterprises"])
    )
    return {"default": build_default_map(folder), "long": long_map}


@pytest.fixture
def open_on(chromium):
    pages = []

    def opener(path, device: str):
        log = PageLog()
        page = open_page(chromium, path, log, device=DEVICES[device])
        settled(page)
        pages.append(page)
        return page, log

    yield opener
    for page in pages:
        page.close()


def overlap(a: dict, b: dict) -> float:
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, width) * max(0.0, height)


def covered_share(boxes: list[dict], width: float, height: float, step: int = 2) -> float:
    """Share of the map under any control, counted on a grid of ``step`` pixels."""
    inside = 0
    for y in range(0, int(height), step):
        for x in range(0, int(width), step):
            inside += any(b["left"] <= x < b["right"] and b["top"] <= y < b["bottom"] for b in boxes)
    return inside / ((int(width) // step + (int(width) % step > 0)) * (int(height) // step + (int(height) % step > 0)))


@pytest.mark.parametrize("names", ["default", "long"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_controls_cover_little_of_the_map_and_never_each_other(open_on, maps, device, names):
    page, log = open_on(maps[names], device)
    boxes = page.evaluate(CONTROL_BOXES)
    width, height = page.evaluate(MAP_SIZE)
    assert {"hz-search", "hz-stats", "hz-legend"} <= {n for b in boxes for n in b["name"].split()}
    share = covered_share(boxes, width, height)
    assert share <= MOST_COVERED[device], f"controls cover {share:.0%} of the map"
    for i, a in enumerate(boxes):
        assert a["right"] - a["left"] <= 0.5 * width + 1, f"{a['name']} is wider than half the map"
        assert a["left"] >= 0 and a["top"] >= 0 and a["right"] <= width + 0.5 and a["bottom"] <= height + 0.5
        for b in boxes[i + 1 :]:
            assert overlap(a, b) == 0, f"{a['name']} overlaps {b['name']}"
    assert log.errors == []


@pytest.mark.parametrize("names", ["default", "long"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_search_result_can_be_clicked_and_its_popup_is_clear_of_the_controls(open_on, maps, device, names):
    page, _ = open_on(maps[names], device)
    page.locator(".hz-search input").fill("核心区" if names == "default" else "0号")
    page.locator(".hz-results button").first.click()  # Playwright fails if anything covers it
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    wait_until_still(page)  # panned clear of the controls
    box = page.evaluate(
        "() => { const map = document.querySelector('.leaflet-container').getBoundingClientRect();"
        " const r = document.querySelector('.leaflet-popup-content-wrapper').getBoundingClientRect();"
        " return {left: r.left - map.left, top: r.top - map.top,"
        "         right: r.right - map.left, bottom: r.bottom - map.top}; }"
    )
    width, height = page.evaluate(MAP_SIZE)
    assert box["left"] >= 0 and box["top"] >= 0 and box["right"] <= width and box["bottom"] <= height
    for control in page.evaluate(CONTROL_BOXES):
        if "hz-search" not in control["name"]:  # the search list empties once its click is over
            assert overlap(box, control) == 0, f"the popup lies under {control['name']}"
    if names == "long":
        assert len(page.locator(".hz-card-title").inner_text()) == LONG  # whole in the popup


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_copied_address_reopens_the_same_view(open_on, maps, device):
    page, _ = open_on(maps["default"], device)
    page.evaluate(f"() => {{ {MAP_JS}.setView([26.8612, 112.5834], 14, {{animate: false}}); }}")
    if device == "phone":
        page.locator(".leaflet-control-layers-toggle").tap()
    page.locator(".leaflet-control-layers-base label", has_text="OpenStreetMap").locator("input").check()
    page.locator(".leaflet-control-layers-overlays label", has_text="白沙洲工业园").locator("input").uncheck()
    page.wait_for_function("() => location.hash.includes('base=osm') && !location.hash.includes('baishazhou')")
    address = page.url
    assert "#map=14/26.86120/112.58340" in address and "base=osm" in address

    copy, log = open_on(address, device)
    view = copy.evaluate(f"() => {{ const m = {MAP_JS}; return [m.getZoom(), m.getCenter().lat, m.getCenter().lng]; }}")
    assert view == [14, pytest.approx(26.8612, abs=1e-4), pytest.approx(112.5834, abs=1e-4)]  # a pixel at zoom 14
    checked = copy.locator(".leaflet-control-layers-base input:checked + span").text_content().strip()
    assert checked == "OpenStreetMap"
    overlays = copy.locator(".leaflet-control-layers-overlays label")
    assert not overlays.filter(has_text="白沙洲工业园").locator("input").is_checked()
    assert overlays.filter(has_text="核心区").locator("input").is_checked()
    assert log.errors == []


@pytest.mark.parametrize("names", ["default", "long"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_axe_finds_no_serious_or_critical_violation(open_on, maps, device, names):
    page, _ = open_on(maps[names], device)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' ')).join(', ')])"
    )
    serious = [v for v in violations if v[1] in ("serious", "critical")]
    assert serious == []


def test_on_a_desk_the_layer_control_and_statistics_start_open(open_on, maps):
    page, _ = open_on(maps["default"], "desktop")
    assert page.locator(".leaflet-control-layers-expanded").count() == 1
    assert page.locator(".hz-stats table").is_visible()
    assert page.locator(".hz-stats th:visible").count() > 3


def test_on_a_phone_the_panels_start_folded_and_pinch_zoom_is_allowed(open_on, maps):
    page, _ = open_on(maps["default"], "phone")
    assert page.locator(".leaflet-control-layers-expanded").count() == 0
    assert not page.locator(".hz-stats table").is_visible()
    assert not page.locator(".hz-legend .hz-body").is_visible()
    viewport = page.locator('meta[name="viewport"]').get_attribute("content")
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.locator(".hz-stats .hz-toggle").tap()
    table = page.locator(".hz-stats table")
    assert table.is_visible()
    width, _ = page.evaluate(MAP_SIZE)
    panel = page.locator(".hz-stats").bounding_box()
    assert panel["width"] <= width  # the phone's table keeps the essential columns
    assert page.locator(".hz-stats th:visible").all_text_contents() == ["名称", "km²", "占比 %"]


def test_the_wheel_scrolls_a_long_layer_list_not_the_map(open_on, maps):
    page, _ = open_on(maps["long"], "desktop")
    control = page.locator(".leaflet-control-layers")
    assert page.evaluate(
        "() => { const c = document.querySelector('.leaflet-control-layers'); return c.scrollHeight > c.clientHeight; }"
    )
    zoom = page.evaluate(f"() => {MAP_JS}.getZoom()")
    box = control.bounding_box()
    page.evaluate(  # a wheel that reaches the map's container would zoom it
        f"() => {{ window.wheels = 0; {MAP_JS}.getContainer().addEventListener('wheel', () => window.wheels++); }}"
    )
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 300)
    page.wait_for_function("() => document.querySelector('.leaflet-control-layers').scrollTop > 0")
    assert page.evaluate("() => window.wheels") == 0
    assert page.evaluate(f"() => {MAP_JS}.getZoom()") == zoom
    assert page.evaluate("() => document.querySelector('.leaflet-control-layers').scrollTop") > 0


def test_the_statistics_download_is_the_tables_csv_with_a_bom(open_on, maps):
    page, _ = open_on(maps["default"], "desktop")
    with page.expect_download() as download:
        page.locator(".hz-download").click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    layers = load_layers()
    expected = stats_table(layers.zone_summary(), layers, "zh").text("csv")
    assert data[3:].decode("utf-8") == expected
    assert download.value.suggested_filename == "面积统计.csv"
    rows = list(csv.DictReader(io.StringIO(expected)))
    assert rows[-1]["name"] == "合计"


def test_printing_keeps_the_legend_and_scale_and_drops_the_buttons(open_on, maps):
    page, _ = open_on(maps["default"], "desktop")
    page.emulate_media(media="print")
    assert page.locator(".hz-legend .hz-body").is_visible()
    assert page.locator(".leaflet-control-scale").is_visible()
    for hidden in (".leaflet-control-zoom", ".hz-search", ".leaflet-control-layers", ".hz-download"):
        assert not page.locator(hidden).is_visible(), hidden


def test_the_keyboard_reaches_every_control_and_shows_where_it_is(open_on, maps):
    page, _ = open_on(maps["default"], "desktop")
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement; const s = getComputedStyle(e);"
                " return [e.tagName, `${e.className} ${e.type || ''}`,"
                "         e.getAttribute('aria-label') || e.textContent.trim(),"
                "         s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0]; }"
            )
        )
    names = " ".join(f"{tag}:{cls}:{name}" for tag, cls, name, _ in reached)
    for wanted in ("搜索名称", "leaflet-control-zoom-in", "hz-toggle", "图例", "radio", "checkbox"):
        assert wanted in names, wanted
    assert all(visible for tag, *_, visible in reached if tag in ("BUTTON", "A", "INPUT"))
    legend = page.locator(".hz-legend .hz-toggle")
    legend.focus()
    page.keyboard.press("Enter")
    assert page.locator(".hz-legend .hz-body").is_visible()
