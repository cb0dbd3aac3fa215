"""Scale: compact columns, clustering above a threshold, display-only simplification."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely

from geo import paths
from geo.inputs import load_layers
from geo.layers import read_layer
from geo.measure import geodesic_area_m2
from geo.webmap import compose, webpage
from geo.webmap.assets import static_text
from geo.webmap.overlays import encode_columns
from tests.browser import MAP_JS, click_on_map
from tests.builders import LAYERS, synthetic_enterprises


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """12,000 synthetic enterprises over the zone: more than the default clustering threshold per cluster."""
    path = tmp_path_factory.mktemp("scale") / "enterprises.geojson"
    synthetic_enterprises(12_000, path)
    return path


def test_columns_store_repeated_values_once_and_distinct_ones_plainly():
    frame = pd.DataFrame({"name": ["a", "b", "c"], "cluster": ["x", "x", None]})
    columns = encode_columns(frame)
    assert columns["name"] == ["a", "b", "c"]
    assert columns["cluster"] == {"v": ["x"], "i": [0, 0, -1]}


def test_texts_that_differ_only_by_a_nul_keep_their_own_values():
    frame = pd.DataFrame({"a": ["", "\x00", ""], "b": ["x", "x\x00", "x"]})
    assert encode_columns(frame) == {
        "a": {"v": ["", "\x00"], "i": [0, 1, 0]},
        "b": {"v": ["x", "x\x00"], "i": [0, 1, 0]},
    }


def test_big_layers_are_clustered_and_small_ones_not(tmp_path, many):
    layers = load_layers(paths.ZONES, paths.LANDMARKS, many, paths.DISTRICTS)
    clustered = webpage.build_map(tmp_path / "c.html", layers).read_text(encoding="utf-8")
    plain = webpage.build_map(tmp_path / "p.html", layers, compose.MapOptions(cluster_above=None)).read_text("utf-8")
    assert clustered.count('"cluster":true') == 5  # the five clusters of 2,400 points each
    library = static_text("supercluster-8.0.1.min.js")[:300]
    assert library in clustered and library not in plain  # the library, inlined where it is needed
    assert "= L.control.clusterSwitch(" in clustered and "= L.control.clusterSwitch(" not in plain
    assert '"cluster":true' not in plain


def test_default_map_is_not_clustered(tmp_path):
    html = webpage.build_map(tmp_path / "m.html", load_layers()).read_text(encoding="utf-8")
    assert '"cluster":true' not in html and static_text("supercluster-8.0.1.min.js")[:300] not in html


def test_coordinates_travel_at_six_decimals(tmp_path, many):
    html = webpage.build_map(
        tmp_path / "m.html", load_layers(paths.ZONES, paths.LANDMARKS, many, paths.DISTRICTS)
    ).read_text("utf-8")
    decimals = [len(d) for d in re.findall(r"\b11[23]\.(\d+)\b", html)]
    assert decimals and max(decimals) <= 6


def test_simplification_is_for_display_only_and_keeps_shared_edges(tmp_path):
    layers = load_layers()
    full = webpage.build_map(tmp_path / "full.html", layers).read_text(encoding="utf-8")
    simple = webpage.build_map(tmp_path / "s.html", layers, compose.MapOptions(simplify_m=200)).read_text("utf-8")
    assert len(simple) < len(full)
    table = re.compile(r"L\.control\.stats\(.*?\)\.addTo", re.DOTALL)
    assert table.search(simple).group(0) == table.search(full).group(0)  # same statistics
    drawn = compose._display_geometries(layers.zones, 200).geometry.to_numpy()
    for i in range(len(drawn)):
        for j in range(i + 1, len(drawn)):
            overlap = geodesic_area_m2(np.array([shapely.intersection(drawn[i], drawn[j])]))[0]
            assert np.nan_to_num(overlap) < 1.0
    original = read_layer(LAYERS / "zones.geojson").frame.geometry.to_numpy()
    assert shapely.get_num_coordinates(drawn).sum() < shapely.get_num_coordinates(original).sum()


def _of_discs(expression: str) -> str:
    """A JavaScript function of ``m``, the map, and ``discs``, every disc drawn, returning ``expression``."""
    return (
        "() => { const m = " + MAP_JS + ", discs = []; m.eachLayer(l => { if (l instanceof L.Discs) "
        "l.getDiscs().forEach(d => discs.push(d)); }); return " + expression + "; }"
    )


def on_discs(page, expression: str):
    """``expression`` of the map ``m`` and the ``discs`` drawn, evaluated in the page."""
    return page.evaluate(_of_discs(expression))


def until_discs(page, condition: str) -> None:
    """Wait until ``condition`` of the map ``m`` and the ``discs`` drawn holds (they are drawn at a frame)."""
    page.wait_for_function(_of_discs(condition))


DRAWN = "[discs.filter(d => d.clusterId !== undefined).length, discs.filter(d => d.clusterId === undefined).length]"
REPRESENTED = "discs.reduce((n, d) => n + (d.count || 1), 0)"  # how many points the discs drawn stand for
ON_SCREEN = "(d => { const p = m.latLngToContainerPoint(d.latlng); return [p.x, p.y]; })"  # a disc's pixel
# A disc well inside the view whose centre is on the map, not under a control.
CLEAR = (
    "(d => { const p = m.latLngToContainerPoint(d.latlng), r = m.getContainer().getBoundingClientRect(),"
    " e = document.elementFromPoint(r.left + p.x, r.top + p.y);"
    " return m.getBounds().pad(-0.2).contains(d.latlng) && !!e && !e.closest('.leaflet-control-container'); })"
)


@pytest.mark.browser
def test_clustered_layer_in_the_browser(open_map, tmp_path, many):
    out = webpage.build_map(tmp_path / "m.html", load_layers(paths.ZONES, paths.LANDMARKS, many, paths.DISTRICTS))
    page, log = open_map(out)
    clusters, points = on_discs(page, DRAWN)
    assert clusters > 0 and points < 1000  # 12,000 points drawn as clusters and a few single points
    assert log.errors == []
    box = page.locator(".leaflet-control-layers-overlays label", has_text="生物制药").locator("input")
    shown = on_discs(page, REPRESENTED)
    box.uncheck()
    until_discs(page, f"{REPRESENTED} < {shown}")  # the groups left are clustered anew at the next frame
    strays = on_discs(page, "discs.filter(d => d.layer && !m.hasLayer(d.layer)).length")  # of a group that is off
    assert strays == 0  # per-group toggles still work
    box.check()
    until_discs(page, f"{REPRESENTED} === {shown}")
    zoom = page.evaluate(f"() => {MAP_JS}.getZoom()")
    x, y = on_discs(page, ON_SCREEN + f"(discs.find(d => d.clusterId !== undefined && {CLEAR}(d)))")
    click_on_map(page, x, y)  # a cluster's click zooms in until it comes apart
    page.wait_for_function(f"() => {MAP_JS}.getZoom() > {zoom}")
    page.locator(".hz-search input").fill("合成企业7号")
    page.locator(".hz-results button", has_text="合成企业7号").first.click()
    page.locator(".leaflet-popup-content", has_text="合成企业7号").wait_for()  # after the zoom that was running
    # The point found is drawn by itself, not hidden in a cluster, once the zoom to it is drawn.
    until_discs(page, "discs.some(d => d.layer && d.layer.title(d.row) === '合成企业7号')")
    page.locator(".hz-switch input").check()  # every point instead of clusters
    every = len(json.loads(many.read_text(encoding="utf-8"))["features"])
    until_discs(page, f"discs.length >= {every} && discs.every(d => d.clusterId === undefined)")
    page.evaluate(f"() => {MAP_JS}.closePopup()")
    x, y, title = on_discs(  # a single point's disc opens its card: the topmost where discs overlap
        page,
        f"(d => {{ const p = {ON_SCREEN}(d); let top = null; m.eachLayer(l => {{ if (l instanceof L.Discs)"
        " top = top || l.discAt(m.containerPointToLayerPoint(p)); }); return [...p, top.layer.title(top.row)]; })"
        f"(discs.find(d => {CLEAR}(d)))",
    )
    click_on_map(page, x, y)
    page.locator(".leaflet-popup-content").wait_for()
    assert page.locator(".leaflet-popup-content").inner_text().startswith(title)
    assert log.errors == []


@pytest.mark.browser
def test_no_cluster_draws_every_point(open_map, tmp_path, many):
    out = webpage.build_map(
        tmp_path / "m.html",
        load_layers(paths.ZONES, paths.LANDMARKS, many, paths.DISTRICTS),
        compose.MapOptions(cluster_above=None),
    )
    page, log = open_map(out)
    count = sum(on_discs(page, DRAWN))
    enterprises = len(json.loads(many.read_text(encoding="utf-8"))["features"])
    assert count >= enterprises
    assert log.errors == []
