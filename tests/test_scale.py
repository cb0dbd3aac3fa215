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
    assert "L.MarkerClusterGroup" in clustered and "L.MarkerClusterGroup" not in plain
    assert '"cluster":true' not in plain


def test_default_map_is_not_clustered(tmp_path):
    html = webpage.build_map(tmp_path / "m.html", load_layers()).read_text(encoding="utf-8")
    assert '"cluster":true' not in html and "L.MarkerClusterGroup" not in html


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


@pytest.mark.browser
def test_clustered_layer_in_the_browser(open_map, tmp_path, many):
    out = webpage.build_map(tmp_path / "m.html", load_layers(paths.ZONES, paths.LANDMARKS, many, paths.DISTRICTS))
    page, log = open_map(out)
    page.wait_for_function("() => document.querySelectorAll('.marker-cluster').length > 0")
    assert log.errors == []
    box = page.locator(".leaflet-control-layers-overlays label", has_text="生物制药").locator("input")
    before = page.locator(".marker-cluster").count()
    box.uncheck()
    assert page.locator(".marker-cluster").count() < before
    box.check()
    page.locator(".hz-search input").fill("合成企业7号")
    page.locator(".hz-results button", has_text="合成企业7号").first.click()
    assert "合成企业7号" in page.locator(".leaflet-popup-content").inner_text()


@pytest.mark.browser
def test_no_cluster_draws_every_point(open_map, tmp_path, many):
    out = webpage.build_map(
        tmp_path / "m.html",
        load_layers(paths.ZONES, paths.LANDMARKS, many, paths.DISTRICTS),
        compose.MapOptions(cluster_above=None),
    )
    page, log = open_map(out)
    count = page.evaluate(
        f"() => {{ let n = 0; {MAP_JS}.eachLayer(l => {{ if (l instanceof L.CircleMarker) n++; }}); return n; }}"
    )
    enterprises = len(json.loads(many.read_text(encoding="utf-8"))["features"])
    assert count >= enterprises
    assert log.errors == []
