"""The map's runtime on its own: a page with only Leaflet, supercluster and ``static/hz.js``.

What Python writes into a page, the runtime must read back the same: columns
of point texts, popup cards (as text, never markup) and the GCJ-02 shift of
Gaode's tiles, checked against ``geo.crs`` over generated points. Its parts
that keep state are tested on a bare map of their own: the point pool that
clusters a kind's groups, the view kept in the address, and popups panned
clear of the controls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import crs
from geo.webmap import assets, frame
from geo.webmap.overlays import encode_columns
from geo.webmap.safe import script_json

pytestmark = pytest.mark.browser
BROWSER_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def runtime_page(chromium, tmp_path_factory):
    """A blank page holding Leaflet and the runtime, nothing else."""
    path = tmp_path_factory.mktemp("runtime") / "runtime.html"
    leaflet = assets.resolve(frame.ZoneMap.default_js[0][1])
    runtime = assets.static_text("hz.js")
    supercluster = assets.static_text("supercluster-8.0.1.min.js")
    leaflet_css = assets.resolve(frame.ZoneMap.default_css[0][1])
    path.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{leaflet_css}</style>'
        f"<script>{leaflet}</script><script>{supercluster}</script><script>{runtime}</script></head><body></body></html>",
        encoding="utf-8",
    )
    page = chromium.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(path.as_uri())
    yield page
    page.close()


texts = st.one_of(st.none(), st.sampled_from(["衡阳", "Hengyang", "", "a\u2028b", "</script>", "{{ 7*7 }}"]), st.text())


@BROWSER_SETTINGS
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=30))
def test_columns_decode_to_what_python_encoded(runtime_page, rows):
    frame = pd.DataFrame(rows, columns=["repeated", "other"])
    frame["distinct"] = [f"名{i}" for i in range(len(frame))]
    decoded = runtime_page.evaluate(
        f"() => {{ const c = {script_json(encode_columns(frame))};"
        f" const rows = [...Array({len(frame)}).keys()];"
        " return Object.keys(c).map(k => [k, rows.map(r => L.ColumnLayer.decode(c[k], r))]); }"
    )
    expected = {name: [None if pd.isna(v) else str(v) for v in frame[name]] for name in frame}
    assert dict(decoded) == expected


def test_card_text_is_text_not_markup(runtime_page):
    hostile = '<img src=x onerror="window.__pwned=1">{{7*7}}'
    shown = runtime_page.evaluate(
        "h => { const card = L.CardLayer.card(h, h, [[h, h], ['empty', ''], ['missing', null]]);"
        " document.body.appendChild(card);"
        " return {text: card.textContent, images: card.querySelectorAll('img').length,"
        "         rows: card.querySelectorAll('tr').length}; }",
        hostile,
    )
    assert shown == {"text": hostile * 4, "images": 0, "rows": 1}
    assert runtime_page.evaluate("() => window.__pwned") is None


china = st.tuples(st.floats(73.0, 135.0), st.floats(18.0, 53.0))


@BROWSER_SETTINGS
@given(st.lists(china, min_size=1, max_size=50))
def test_page_gcj02_equals_python_gcj02(runtime_page, points):
    lon, lat = np.array(points).T
    in_page = runtime_page.evaluate(
        "ps => ps.map(p => L.TileLayer.Gcj02.fromWgs84(p[0], p[1]))", [list(p) for p in points]
    )
    expected = np.column_stack(crs.wgs84_to_gcj02(lon, lat))
    np.testing.assert_allclose(np.array(in_page), expected, rtol=0, atol=1e-12)


@BROWSER_SETTINGS
@given(st.lists(china, min_size=1, max_size=50))
def test_page_inverse_returns_to_the_start(runtime_page, points):
    gcj = np.column_stack(crs.wgs84_to_gcj02(*np.array(points).T))
    back = runtime_page.evaluate("ps => ps.map(p => L.TileLayer.Gcj02.toWgs84(p[0], p[1]))", gcj.tolist())
    np.testing.assert_allclose(np.array(back), np.array(points), rtol=0, atol=1e-9)  # degrees: 0.1 mm


@pytest.fixture
def bare_map(runtime_page):
    """The runtime page with a new 800x600 map, drawn on canvas as the built maps are: ``window.m``."""
    runtime_page.evaluate(
        "() => { if (window.m) m.remove(); history.replaceState(null, '', location.pathname);"
        ' document.body.innerHTML = \'<div id="map" style="width:800px;height:600px"></div>\';'
        " window.m = L.map('map', {preferCanvas: true}).setView([26.9, 112.6], 12); }"
    )
    return runtime_page


# Two groups of one kind: 300 points each, around the same place.
GROUPS = (
    "(() => { const rows = n => [...Array(n).keys()], make = (n, dx, color) => L.columnLayer({"
    " x: rows(n).map(i => 112.55 + dx + (i % 20) * 0.004), y: rows(n).map(i => 26.85 + Math.floor(i / 20) * 0.004),"
    " columns: {name: rows(n).map(i => color + i)}},"
    " {cluster: true, pool: 'firms', color: color, card: {title: 'name', rows: []}});"
    " return [make(300, 0, 'red'), make(300, 0.002, 'blue')]; })()"
)
DISCS = "(() => { const d = []; m.eachLayer(l => { if (l instanceof L.Discs) d.push(l.getDiscs()); }); return d; })()"
REPRESENTED = f"{DISCS}.flat().reduce((n, d) => n + (d.count || 1), 0)"


def test_a_pool_clusters_a_kinds_groups_in_one_index(bare_map):
    bare_map.evaluate(f"() => {{ window.groups = {GROUPS}; groups.forEach(g => g.addTo(m)); }}")
    bare_map.wait_for_function(f"() => {REPRESENTED} === 600")  # indexed and drawn at the next frame
    assert bare_map.evaluate(f"() => {DISCS}.length") == 1  # one set of discs for both groups
    assert bare_map.evaluate(f"() => {DISCS}[0].some(d => d.clusterId !== undefined)")
    bare_map.evaluate("() => m.removeLayer(groups[1])")
    bare_map.wait_for_function(f"() => {REPRESENTED} === 300")
    assert bare_map.evaluate(f"() => {DISCS}[0].every(d => d.clusterId !== undefined || d.layer === groups[0])")
    bare_map.evaluate("() => groups[0].setClustered(false)")
    bare_map.wait_for_function(f"() => {DISCS}[0].length === 300")
    assert bare_map.evaluate(f"() => {DISCS}[0].every(d => d.clusterId === undefined)")


def test_a_pool_shows_the_zoom_at_which_a_point_stands_alone(bare_map):
    bare_map.evaluate(f"() => {{ window.groups = {GROUPS}; groups.forEach(g => g.addTo(m)); }}")
    bare_map.wait_for_function(f"() => {REPRESENTED} === 600")
    zoom = bare_map.evaluate("() => groups[0]._pool.zoomShowing(groups[0], 123, m.getZoom())")
    assert zoom > 12
    bare_map.evaluate(f"() => m.setView(groups[0].latLng(123), {zoom}, {{animate: false}})")
    assert bare_map.evaluate(f"() => {DISCS}[0].some(d => d.layer === groups[0] && d.row === 123)")
    bare_map.evaluate(f"() => m.setView(groups[0].latLng(123), {zoom - 1}, {{animate: false}})")
    assert not bare_map.evaluate(f"() => {DISCS}[0].some(d => d.layer === groups[0] && d.row === 123)")


def test_the_view_is_kept_in_the_address_and_restored_from_it(bare_map):
    bare_map.evaluate(
        "() => { window.bases = {plain: L.layerGroup().addTo(m), other: L.layerGroup()};"
        " window.overlays = {'core-area': L.layerGroup().addTo(m), '白沙洲': L.layerGroup().addTo(m)};"
        " L.viewHash(bases, overlays).addTo(m); m.setView([26.8612, 112.5834], 14, {animate: false});"
        " m.removeLayer(overlays['白沙洲']); }"
    )
    bare_map.wait_for_function("() => location.hash.startsWith('#map=14/')")
    assert bare_map.evaluate("() => location.hash") == "#map=14/26.86120/112.58340&base=plain&on=core-area"
    restore = "#map=10/26.50000/112.50000&base=other&on=%E7%99%BD%E6%B2%99%E6%B4%B2"  # on=白沙洲
    bare_map.evaluate(f"() => {{ location.hash = '{restore}'; }}")
    bare_map.wait_for_function("() => m.getZoom() === 10")  # restored on hashchange
    assert bare_map.evaluate(
        "() => [m.getCenter().lat, m.getCenter().lng, m.hasLayer(bases.other), m.hasLayer(bases.plain),"
        " m.hasLayer(overlays['白沙洲']), m.hasLayer(overlays['core-area'])]"
    ) == [pytest.approx(26.5), pytest.approx(112.5), True, False, True, False]


def test_a_popup_is_panned_clear_of_the_controls(bare_map):
    bare_map.evaluate(
        "() => { const Box = L.Control.extend({onAdd: () => { const d = document.createElement('div');"
        " d.style.cssText = 'width:300px;height:250px;background:#ccc'; return d; }});"
        " new Box({position: 'topleft'}).addTo(m);"
        " L.popup({autoPan: false}).setLatLng(m.containerPointToLatLng([120, 60]))"  # autoPan off, as the runtime's
        ".setContent('<div style=\"width:150px;height:80px\">x</div>').openOn(m); }"
    )
    bare_map.wait_for_function(  # the pan that clears it has run
        "() => !(m._panAnim && m._panAnim._inProgress) && m.getCenter().distanceTo([26.9, 112.6]) > 1"
    )
    frame, popup, control = bare_map.evaluate(
        "() => [document.getElementById('map'), document.querySelector('.leaflet-popup-content-wrapper'),"
        " document.querySelector('.leaflet-control')].map(e => { const r = e.getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })"
    )
    assert frame["left"] <= popup["left"] and popup["right"] <= frame["right"]
    assert frame["top"] <= popup["top"] and popup["bottom"] <= frame["bottom"]
    apart = popup["left"] >= control["right"] or popup["right"] <= control["left"] or popup["top"] >= control["bottom"]
    assert apart, (popup, control)
