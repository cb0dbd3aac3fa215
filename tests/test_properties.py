"""Property-based tests: areas of random polygons against pyproj.Geod; random text never becomes markup."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo.areas import summarise_areas
from geo.inputs import load_layers
from geo.layers import read_layer
from geo.webmap import webpage
from geo.webmap.safe import html_text, script_json
from tests.builders import LAYERS

GEOD = Geod(ellps="WGS84")


@st.composite
def star_polygons(draw):
    """A simple polygon: vertices at increasing angles around a centre, anywhere on Earth but the poles."""
    lon = draw(st.floats(-170, 170))
    lat = draw(st.floats(-75, 75))
    size = draw(st.floats(1e-4, 2.0))
    n = draw(st.integers(3, 24))
    angles = np.sort(
        np.array(draw(st.lists(st.floats(0, 2 * np.pi, exclude_max=True), min_size=n, max_size=n, unique=True)))
    )
    radii = np.array(draw(st.lists(st.floats(0.3, 1.0), min_size=n, max_size=n))) * size
    ring = np.column_stack([lon + radii * np.cos(angles), lat + radii * np.sin(angles)])
    clockwise = draw(st.booleans())
    return ring[::-1] if clockwise else ring


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(star_polygons())
def test_random_polygons_measure_as_geod(ring):
    assume(shapely.Polygon(ring).is_valid)  # nearly equal angles can make the star touch itself
    truth = abs(GEOD.polygon_area_perimeter(ring[:, 0], ring[:, 1])[0])
    # Under a square millimetre (two vertices 1e-16 degrees apart) a ring is collapsed, refused as
    # such: its area is below the rounding of the edge integrals' sum (geo.measure.ROUNDING_FLOOR).
    assume(truth > 1e-6)
    closed = np.vstack([ring, ring[:1]]).tolist()
    document = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"id": "r"}, "geometry": {"type": "Polygon", "coordinates": [closed]}}
        ],
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.geojson"
        path.write_text(json.dumps(document), encoding="utf-8")
        got = summarise_areas(read_layer(path)).total["area_m2"]
    # 1e-4 m2: pyproj.Geod's own rounding on polygons of a few m2 (there ours agrees with an
    # equal-area projection to 1e-8 m2, Geod to 2e-5 m2).
    assert abs(got - truth) <= 1e-6 * truth + 1e-4


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(TEXT)
def test_script_json_never_holds_markup_and_round_trips(text):
    encoded = script_json({"name": text})
    assert not any(ch in encoded for ch in "<>&\u2028\u2029")
    assert json.loads(encoded) == {"name": text}


@given(TEXT)
def test_html_text_holds_no_markup(text):
    assert not any(ch in html_text(text) for ch in "<>\"'")


def _baseline_tags() -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = webpage.build_map(Path(folder) / "m.html", load_layers())
        return out.read_text(encoding="utf-8").count("<")


BASELINE: list[int] = []


@settings(max_examples=12, deadline=None)
@given(name=TEXT.filter(lambda t: t.strip()), description=TEXT.filter(lambda t: t.strip()))
def test_random_text_in_any_property_never_reaches_the_page_as_markup(name, description):
    if not BASELINE:
        BASELINE.append(_baseline_tags())
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for kind in ("zones", "landmarks"):
            document = json.loads((LAYERS / f"{kind}.geojson").read_text(encoding="utf-8"))
            for feature in document["features"]:
                props = feature["properties"]
                props["name_zh"] = props["name_en"] = name + props["id"]  # names stay unique
                for key in ("description_zh", "source", "category", "established"):
                    if key in props:
                        props[key] = description
            (folder / f"{kind}.geojson").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        layers = load_layers(folder / "zones.geojson", folder / "landmarks.geojson")
        html = webpage.build_map(folder / "m.html", layers).read_text(encoding="utf-8")
    assert html.count("<") == BASELINE[0]  # not one tag more or less than with plain names
