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
from tests.browser import MAP_JS
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


def on_discs(page, expression: str):
    """A JavaScript ``expression`` of ``m``, the map, and ``discs``, every disc drawn, evaluated in the page."""
    return page.evaluate(
        "() => { const m = " + MAP_JS + ", discs = []; m.eachLayer(l => { if (l instanceof L.Discs) "
        "l.getDiscs().forEach(d => discs.push(d)); }); return " + expression + "; }"
    )


DRAWN = "[discs.filter(d => d.clusterId !== undefined).length, discs.filter(d => d.clusterId === undefined).length]"
REPRESENTED = "discs.reduce((n, d) => n + (d.count || 1), 0)"  # how many points the discs drawn stand for
ON_SCREEN = "(d => { const p = m.latLngToContainerPoint(d.latlng); return [p.x, p.y]; })"  # a disc's pixel


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
    page.wait_for_timeout(200)  # the groups left are clustered anew at the next frame
    strays = on_discs(page, "discs.filter(d => d.layer && !m.hasLayer(d.layer)).length")  # of a group that is off
    assert strays == 0 and on_discs(page, REPRESENTED) < shown  # per-group toggles still work
    box.check()
    zoom = page.evaluate(f"() => {MAP_JS}.getZoom()")
    x, y = on_discs(
        page, ON_SCREEN + "(discs.find(d => d.clusterId !== undefined && m.getBounds().pad(-0.2).contains(d.latlng)))"
    )
    page.mouse.click(x, y)  # a cluster's click zooms in until it comes apart
    page.wait_for_timeout(400)
    assert page.evaluate(f"() => {MAP_JS}.getZoom()") > zoom
    page.locator(".hz-search input").fill("合成企业7号")
    page.locator(".hz-results button", has_text="合成企业7号").first.click()
    assert "合成企业7号" in page.locator(".leaflet-popup-content").inner_text()
    singles = on_discs(page, "discs.filter(d => d.layer).map(d => d.layer.title(d.row))")
    assert "合成企业7号" in singles  # the point found is drawn by itself, not hidden in a cluster
    page.locator(".hz-switch input").check()  # every point instead of clusters
    page.wait_for_timeout(300)
    clusters, points = on_discs(page, DRAWN)
    assert clusters == 0 and points >= len(json.loads(many.read_text(encoding="utf-8"))["features"])
    x, y, title = on_discs(  # a single point's disc opens its card
        page,
        f"(d => (m.closePopup(), [...{ON_SCREEN}(d), d.layer.title(d.row)]))"
        "(discs.find(d => m.getBounds().pad(-0.3).contains(d.latlng)))",
    )
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
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
