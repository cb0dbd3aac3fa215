"""`geo validate`: one line per problem naming file and feature, exit 1; clean layers exit 0."""

from __future__ import annotations

import json

import pytest

from geo.layers import check_layer
from tests.builders import LAYERS, feature, feature_collection, polygon

SQUARE = [[[112.60, 26.85], [112.61, 26.85], [112.61, 26.86], [112.60, 26.86], [112.60, 26.85]]]


def zone(fid: str = "z1", geometry: dict | None = None, **overrides) -> dict:
    props = {
        "id": fid,
        "name_zh": "测试区",
        "name_en": "Test zone",
        "kind": "test",
        "declared_area_km2": 1.0,
        "declared_source": "test",
        "industries": ["测试"],
        "established": None,
        "geometry_source": "drawn by a test",
        "accuracy_m": 10,
    }
    props.update(overrides)
    return feature(geometry if geometry is not None else polygon(SQUARE), **props)


def test_validate_shipped_layers_exit_0(run):
    result = run("validate", *sorted(LAYERS.glob("*.geojson")))
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == 5  # zones, landmarks, enterprises, districts, zone_history


def test_validate_with_no_arguments_checks_the_shipped_layers(run):
    result = run("validate")
    assert result.exit_code == 0
    assert "zones.geojson: ok" in result.output


# (case, features or raw text, expected fragment of the message, feature named in the message)
BROKEN = [
    ("duplicate id", [zone("a"), zone("a")], "duplicate id 'a'", "#1"),
    ("missing property", [zone("a", name_en=None)], "'name_en' must be a non-empty string", "a"),
    ("wrong property type", [zone("a", accuracy_m="ten")], "'accuracy_m' must be a finite number", "a"),
    ("point in zone layer", [zone("a", {"type": "Point", "coordinates": [112.6, 26.85]})], "is a Point", "a"),
    (
        "bowtie",
        [zone("a", polygon([[[112.60, 26.85], [112.61, 26.86], [112.61, 26.85], [112.60, 26.86], [112.60, 26.85]]]))],
        "zero area (Self-intersection",
        "a",
    ),
    (
        "unclosed ring",
        [zone("a", polygon([[[112.60, 26.85], [112.61, 26.85], [112.61, 26.86], [112.60, 26.86]]]))],
        "is not closed",
        "a",
    ),
    ("null geometry", [feature(None, **zone("a")["properties"])], "has no geometry", "a"),
    (
        "latitude out of range",
        [zone("a", polygon([[[26.85, 112.60], [26.85, 112.61], [26.86, 112.61], [26.85, 112.60]]]))],
        "lon/lat swapped",
        "a",
    ),
]


@pytest.mark.parametrize(("case", "features", "expected", "where"), BROKEN, ids=[b[0] for b in BROKEN])
def test_validate_names_file_feature_and_problem(run, write_layer, case, features, expected, where):
    path = write_layer(feature_collection(features), "zones.geojson")
    result = run("validate", "--kind", "zones", path)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line]
    assert any(line.startswith(f"{path}: feature {where}: ") and expected in line for line in lines), result.output
    assert "Traceback" not in result.output


def test_kind_schema_applies_to_any_file_name_only_when_strict(write_layer):
    path = write_layer(feature_collection([zone("a", name_zh=None)]), "anything.geojson")
    assert check_layer(path) == []  # unknown kind: geometry only
    assert not any("name_zh" in p.message for p in check_layer(path, kind="zones"))  # a role: polygons
    assert any("name_zh" in p.message for p in check_layer(path, kind="zones", strict=True))


def test_warning_alone_passes(run, write_layer):
    far = polygon([[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.1], [2.0, 48.0]]])
    path = write_layer(feature_collection([zone("paris", far)]), "zones.geojson")
    result = run("validate", path)
    assert result.exit_code == 0
    assert "warning: lies outside China" in result.output


def test_every_shipped_file_is_utf8_json():
    for path in LAYERS.glob("*.geojson"):
        json.loads(path.read_bytes().decode("utf-8"))


def test_line_of_one_position_inside_a_multilinestring_is_named(write_layer):
    geometry = {"type": "MultiLineString", "coordinates": [[[112.6, 26.9], [112.61, 26.9]], [[112.6, 26.9]]]}
    path = write_layer(feature_collection([feature(geometry, id="l")]))
    problems = [str(p) for p in check_layer(path)]
    assert problems == [f"{path}: feature l: MultiLineString has a line of fewer than 2 positions"]
