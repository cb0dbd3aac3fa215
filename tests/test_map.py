"""`geo build`: a self-contained, deterministic, safe map, written atomically."""

from __future__ import annotations

import colorsys
import csv
import io
import json
import os
import re

import pytest

from geo.areas import summarise_areas
from geo.inputs import load_layers
from geo.layers import read_layer
from geo.report import format_cell
from geo.webmap import assets, compose, webpage
from geo.webmap.assets import AssetError, inline_assets
from geo.webmap.cards import district_cards, zone_cards
from geo.webmap.content import POINT_COLORS, ZONE_COLORS, stats_table, vocabulary
from tests.builders import LAYERS, hostile_layers


@pytest.fixture(scope="module")
def default_html(tmp_path_factory):
    out = tmp_path_factory.mktemp("map") / "map.html"
    layers = load_layers()
    webpage.build_map(out, layers)
    return out.read_text(encoding="utf-8")


def test_build_prints_the_path_and_writes_html(run, tmp_path):
    out = tmp_path / "sub" / "map.html"
    result = run("build", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_same_input_gives_identical_bytes(run, tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    run("build", "-o", first)
    run("build", "-o", second)
    assert first.read_bytes() == second.read_bytes()


def test_page_is_self_contained(default_html):
    assert not re.search(r"<script[^>]+src=", default_html)
    assert not re.search(r"<link[^>]+href=", default_html)
    assert "L.map(" in default_html and "L.Control.GroupedLayers" in default_html
    # only what the map uses: no jQuery, Bootstrap or icon fonts
    assert "jQuery" not in default_html and "bootstrap" not in default_html.lower()


def test_cdn_option_links_instead(run, tmp_path, default_html):
    out = tmp_path / "cdn.html"
    assert run("build", "--cdn", "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>' in html
    assert len(html) < len(default_html) / 2


def test_an_asset_that_cannot_be_resolved_fails_the_build():
    with pytest.raises(AssetError, match="no offline copy"):
        inline_assets('<script src="https://example.invalid/lib.js"></script>')


def test_stylesheet_referring_to_network_files_fails(monkeypatch):
    monkeypatch.setattr(assets, "_offline_copy", lambda url: ".a{background:url(img/a.png)}")
    with pytest.raises(AssetError, match=r"img/a\.png"):
        inline_assets('<link rel="stylesheet" href="https://x.invalid/a.css"/>')


def test_statistics_come_from_the_area_code(default_html):
    summary = summarise_areas(
        read_layer(LAYERS / "zones.geojson"),
        point_layers=[read_layer(LAYERS / "landmarks.geojson"), read_layer(LAYERS / "enterprises.geojson")],
    )
    for row in summary.rows.to_dict("records"):
        assert f"{format_cell(row['area_km2'])} km²" in default_html
        assert format_cell(row["area_mu"]) in default_html


def test_english_labels(run, tmp_path):
    out = tmp_path / "en.html"
    assert run("build", "--lang", "en", "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "Zone parts" in html and "Baishazhou Industrial Park" in html
    assert "<title>Hengyang National High-tech Industrial Development Zone</title>" in html
    assert '<html lang="en">' in html and "Download CSV" in html


def test_hostile_text_never_reaches_the_page_as_markup(run, tmp_path):
    paths = hostile_layers(tmp_path)
    out = tmp_path / "hostile.html"
    result = run(
        "build",
        "--zones",
        paths["zones"],
        "--landmarks",
        paths["landmarks"],
        "--enterprises",
        paths["enterprises"],
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<img src=x" not in html
    assert "window.__pwned=3</script>" not in html
    assert "\\u0026lt;img src=x onerror" in html  # layer-control names: HTML-escaped, then JSON-escaped
    assert "{{ 7*7 }}{% if true %}jinja{% endif %}" in html  # never evaluated as a template
    assert "49{%" not in html and "49jinja" not in html


def test_failed_build_keeps_the_previous_map(run, tmp_path, write_layer):
    out = tmp_path / "map.html"
    assert run("build", "-o", out).exit_code == 0
    before = out.read_bytes()
    broken = write_layer("{not json", "zones.geojson")
    result = run("build", "--zones", broken, "-o", out)
    assert result.exit_code == 1
    assert "not valid JSON" in result.output
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["map.html", "zones.geojson"]


def test_error_while_rendering_keeps_the_previous_map_and_no_temp_file(run, tmp_path, monkeypatch):
    out = tmp_path / "map.html"
    assert run("build", "-o", out).exit_code == 0
    before = out.read_bytes()

    def explode(html: str) -> str:
        raise AssetError("simulated failure")

    monkeypatch.setattr(webpage, "inline_assets", explode)
    result = run("build", "-o", out)
    assert result.exit_code == 1
    assert "simulated failure" in result.output
    assert out.read_bytes() == before
    assert os.listdir(tmp_path) == ["map.html"]


def test_given_layers_are_the_only_layers_on_the_map(run, tmp_path):
    document = json.loads((LAYERS / "enterprises.geojson").read_text(encoding="utf-8"))
    document["features"] = document["features"][:3]
    path = tmp_path / "few.geojson"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "few.html"
    assert run("build", "--enterprises", path, "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    names = [f["properties"]["name_zh"] for f in document["features"]]
    assert all(name in html for name in names)
    assert "衡阳娃哈哈恒枫饮料公司" not in html  # the fourth and later are gone
    assert "平湖公园" not in html  # no shipped landmark is mixed into a user's map
    assert "核心区" not in html


def test_offline_copies_read_as_text_equal_folium_offlines_own():
    from offlinefolium.elements import _res

    page = webpage.render_map(compose.compose_map(load_layers()), cdn=True)
    urls = re.findall(r'<(?:script src|link rel="stylesheet" href)="(https://[^"]+)"', page)
    assert len(urls) >= 6
    for url in urls:
        assert assets.resolve(url) == _res[url]


def test_the_maps_text_as_data_cards_and_panel_carry_geo_areas_figures(run):
    """The map's content is plain data: its cards and statistics equal `geo area --format json`."""
    figures = json.loads(run("area", "--format", "json").stdout)
    layers = load_layers()
    cards = zone_cards(layers, layers.zone_summary(), "en")
    assert [c.id for c in cards] == [f["id"] for f in figures["features"]]
    for card, figure in zip(cards, figures["features"]):
        measured = dict(card.rows)["Measured area"]
        assert measured.startswith(f"{format_cell(figure['area_km2'])} km² · {format_cell(figure['area_ha'])} ha")
    panel = stats_table(layers.zone_summary(), layers, "en").panel()
    assert panel["total"][0] == "Total"
    assert panel["total"][panel["headers"].index("km²")] == format_cell(figures["total"]["area_km2"])
    assert [row[0] for row in panel["rows"]] == [c.title for c in cards]
    downloaded = list(csv.DictReader(io.StringIO(panel["csv"])))
    assert float(downloaded[-1]["area_km2"]) == pytest.approx(figures["total"]["area_km2"], rel=1e-12)


def _hue(color: str) -> tuple[float, float]:
    """Hue in degrees and saturation (HSV) of a #rrggbb colour."""
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, _, _ = colorsys.rgb_to_hls(red, green, blue)
    _, saturation, _ = colorsys.rgb_to_hsv(red, green, blue)
    return hue * 360, saturation


def test_zones_and_points_are_coloured_from_two_families():
    """Zones in blues and violets; points never there, so no dot reads as a zone's by its colour."""
    known = vocabulary()
    zones = [*known["zone_colors"].values(), *ZONE_COLORS]
    points = [v["color"] for group in ("clusters", "categories") for v in known[group].values()] + list(POINT_COLORS)
    for color in zones:
        hue, saturation = _hue(color)
        assert 190 <= hue <= 290 and saturation > 0.3, color
    for color in points:
        hue, saturation = _hue(color)
        assert not 180 <= hue <= 300 or saturation < 0.15, color


def test_zone_and_district_popups_and_the_panel_break_the_zones_down_by_district():
    layers = load_layers()
    breakdown = layers.district_breakdown()
    cards = {c.id: dict(c.rows) for c in zone_cards(layers, layers.zone_summary(), "zh")}
    baishazhou_m2 = breakdown.class_m2[breakdown.ids.index("baishazhou")]
    zhuhui = baishazhou_m2[breakdown.classes.index("district-zhuhui")]
    assert f"珠晖区 {format_cell(zhuhui / 1e6)} km²" in cards["baishazhou"]["分城区面积"]
    assert cards["baishazhou"]["出处"] == "百科 newton.com.tw"
    districts = {c.title: dict(c.rows) for c in district_cards(layers, "zh")}
    assert f"白沙洲工业园 {format_cell(zhuhui / 1e6)} km²" in districts["珠晖区"]["区内园区面积"]
    panel = stats_table(layers.zone_summary(), layers, "zh").panel()
    column = panel["headers"].index("分城区面积")
    row = next(r for r in panel["rows"] if r[0] == "白沙洲工业园")
    assert row[column].startswith("珠晖区 60%")
