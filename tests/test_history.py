"""The zone over time: versions chosen by day, the history layer's derivation, the time slider,
and no user-facing text that calls a source "the seed" or names our notes files."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import shapely

from geo.inputs import load_layers
from geo.layers import read_layer
from geo.timeline import valid_on
from tests.builders import LAYERS, ROOT, build_default_map, load_script

HISTORY = LAYERS / "zone_history.geojson"


def versions_on(day: str) -> list[str]:
    frame = read_layer(HISTORY).frame
    return sorted(frame["id"][valid_on(frame, date.fromisoformat(day))])


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("1993-12-31", []),
        ("1994-01-01", ["site-1994-planned"]),
        ("2006-01-25", ["site-1994-planned"]),  # the day before a change: the old version
        ("2006-01-26", ["site-1994-revised"]),  # the day of a change: the new one
        ("2012-08-18", ["site-1994-revised"]),
        ("2012-08-19", []),  # approved 2060.52 ha, bounds never published: nothing drawn
        ("2024-11-04", []),
        ("2024-11-05", [f"approved-2024-block-{i}" for i in range(1, 5)]),
        ("2030-01-01", [f"approved-2024-block-{i}" for i in range(1, 5)]),  # no valid_to: still valid
    ],
)
def test_versions_valid_on_a_day_at_the_boundaries(day, expected):
    assert versions_on(day) == expected


def test_area_at_a_date_measures_that_days_versions(run):
    after = json.loads(run("area", HISTORY, "--at", "2025-01-01", "--format", "json").stdout)
    assert len(after["features"]) == 4
    assert after["total"]["area_ha"] == pytest.approx(2116.96, abs=0.005)  # as published
    site = json.loads(run("area", HISTORY, "--at", "1995-06-01", "--format", "json").stdout)
    assert [f["id"] for f in site["features"]] == ["site-1994-planned"]
    assert site["total"]["area_km2"] == pytest.approx(15.09, abs=0.005)


def test_area_without_a_date_takes_today_and_says_so(run):
    result = run("area", HISTORY)
    assert f"versions valid on {date.today().isoformat()}: 4 of 6" in result.stderr


def test_a_version_date_that_is_not_a_date_is_an_error_naming_the_feature(run, write_layer):
    document = json.loads(HISTORY.read_text(encoding="utf-8"))
    document["features"][1]["properties"]["valid_from"] = "2006-13-45"
    result = run("area", write_layer(document, "history.geojson"))
    assert result.exit_code == 1
    assert "site-1994-revised" in result.stderr and "valid_from is not a date" in result.stderr


def test_history_layer_matches_its_derivation():
    derived = load_script("derive_history").derive_history()
    shipped = read_layer(HISTORY).frame
    assert list(derived["id"]) == list(shipped["id"])
    assert list(derived["sources"]) == [list(s) for s in shipped["sources"]]
    for a, b in zip(derived.geometry, shipped.geometry):
        assert shapely.equals_exact(a, b, tolerance=1e-8)


def test_every_feature_cites_sources_the_sources_file_holds():
    known = {s["id"] for s in json.loads((ROOT / "data" / "sources.json").read_text(encoding="utf-8"))["sources"]}
    for path in sorted(LAYERS.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            cited = feature["properties"]["sources"]
            assert cited and set(cited) <= known, (path.name, feature["properties"]["id"])


OUR_WORDS = re.compile(r"\bseed\b|places\.md|history\.md|chinese-data\.md|种子", re.IGNORECASE)


def test_no_user_facing_text_says_seed_or_names_our_notes(run, tmp_path):
    texts = {"README.md": (ROOT / "README.md").read_text(encoding="utf-8")}
    texts["geo --help"] = run("--help").output
    for command in ("validate", "area", "audit", "build", "convert"):
        texts[f"geo {command} --help"] = run(command, "--help").output
    for fmt in ("table", "json"):
        texts[f"geo audit --format {fmt}"] = run("audit", "--format", fmt).output
    for path in [*LAYERS.glob("*.geojson"), *(ROOT / "data").glob("*.json"), *(ROOT / "data").glob("*.csv")]:
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    page = build_default_map(tmp_path).read_text(encoding="utf-8")
    texts["the map's data"] = "\n".join(re.findall(r"L\.(?:cardLayer|columnLayer|control\.\w+)\((.*?)\);\n", page))
    assert len(texts["the map's data"]) > 50_000  # the layers' texts, the panels' and the popups' words
    found = {where: OUR_WORDS.findall(text) for where, text in texts.items()}
    assert {where: words for where, words in found.items() if words} == {}


@pytest.mark.browser
def test_the_slider_changes_what_is_drawn(open_map, tmp_path):
    page, log = open_map(build_default_map(tmp_path))
    slider = page.locator(".hz-time input[type=range]")
    label = page.locator(".hz-time-label")

    def drawn_at(year: int) -> tuple[int, str]:
        slider.fill(str(year))
        return page.evaluate(
            "() => { let n = 0; Object.values(window).forEach(v => {"
            " if (v instanceof L.CardLayer && v._members && v._members[0].feature.properties.valid)"
            "   n = v.getLayers().length; }); return n; }"
        ), label.inner_text()

    assert drawn_at(1995) == (1, "1995 · 显示 1 个版本")
    assert drawn_at(2010)[0] == 1
    assert drawn_at(2015) == (0, "2015 · 该年无公布边界")
    assert drawn_at(2025)[0] == 4
    page.locator(".hz-time input").fill("1995")
    page.locator(".hz-search input").fill("长湖乡")
    assert "1994年规划" in page.locator(".hz-results").inner_text()
    assert log.errors == []


def test_the_example_layers_include_the_history_with_every_version():
    layers = load_layers()
    assert len(layers.history.frame) == 6
