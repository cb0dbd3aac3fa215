"""The map's runtime on its own: a page with only Leaflet and ``static/hz.js``.

What Python writes into a page, the runtime must read back the same: columns
of point texts, popup cards (as text, never markup) and the GCJ-02 shift of
Gaode's tiles, checked against ``geo.crs`` over generated points.
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
    path.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><script>{leaflet}</script>'
        f"<script>{runtime}</script></head><body></body></html>",
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
