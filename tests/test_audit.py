"""`geo audit`: every declared figure against the layers, with its sources; contradictions included."""

from __future__ import annotations

import json

import pytest
from pyproj import Geod

from geo.audit import AGREES, CONTRADICTS, DISAGREES, RECORDED, audit, load_claims, stated_precision
from geo.layers import read_layer
from geo.sources import load_sources
from tests.builders import LAYERS, ROOT

CLAIMS = load_claims(ROOT / "data" / "claims.json")
SOURCES = load_sources(ROOT / "data" / "sources.json")


@pytest.fixture(scope="module")
def findings():
    polygons = [read_layer(LAYERS / "zones.geojson"), read_layer(LAYERS / "zone_history.geojson")]
    findings = audit(CLAIMS, polygons, read_layer(LAYERS / "landmarks.geojson"), SOURCES)
    return {f.id: f for f in findings}


def test_total_area_contradiction_is_reported(findings):
    assert findings["area-total"].verdict == AGREES
    assert findings["area-total-2015"].verdict == DISAGREES
    pair = findings["area-total~area-total-2015"]
    assert pair.verdict == CONTRADICTS
    assert "137.35" in pair.declared and "137.53" in pair.declared


def test_baishazhou_contradiction_is_reported(findings):
    assert findings["area-baishazhou"].verdict == AGREES
    assert findings["area-baishazhou-detail"].verdict == DISAGREES
    assert findings["area-baishazhou~area-baishazhou-detail"].verdict == CONTRADICTS


def test_airport_distance_disagrees_with_measured_value(findings):
    airport = findings["distance-airport"]
    assert airport.verdict == DISAGREES
    zones = read_layer(LAYERS / "zones.geojson").frame.set_index("id")
    landmarks = read_layer(LAYERS / "landmarks.geojson").frame.set_index("id")
    centre, point = zones.loc["core-area"].geometry.centroid, landmarks.loc["nanyue-airport"].geometry
    truth_km = Geod(ellps="WGS84").inv(centre.x, centre.y, point.x, point.y)[2] / 1000
    assert 18 < truth_km < 22
    assert airport.measured == f"{truth_km:,.2f} km"


def test_smart_valley_slip_disagrees(findings):
    assert findings["area-smart-valley-near-term"].verdict == DISAGREES


def test_parts_sum_to_the_first_total(findings):
    assert findings["area-parts-sum"].verdict == AGREES


ARTICLE = ROOT.parent / "shared" / "seed" / "000_165b5935da853f39.txt"  # the article's text, as we hold it


def test_every_claim_cites_sources_that_exist():
    for claim in CLAIMS:
        assert claim["sources"], claim["id"]
        assert set(claim["sources"]) <= set(SOURCES), claim["id"]


@pytest.mark.skipif(not ARTICLE.exists(), reason=f"the article's text is not at {ARTICLE}")
def test_every_quote_is_found_verbatim_in_the_article():
    text = ARTICLE.read_text(encoding="utf-8")
    quoted = [c for c in CLAIMS if c.get("quote")]
    assert len(quoted) >= 20
    for claim in quoted:
        assert "article" in claim["sources"], claim["id"]
        assert claim["quote"] in text, claim["id"]


def test_the_2024_blocks_add_up_and_each_is_drawn_to_its_published_area(findings):
    blocks = [c for c in CLAIMS if c["id"].startswith("area-approved-2024-block-")]
    assert sum(c["value"] for c in blocks) == pytest.approx(2116.96, abs=1e-9)
    for claim in [*blocks, next(c for c in CLAIMS if c["id"] == "area-approved-2024")]:
        assert findings[claim["id"]].verdict == AGREES, claim["id"]
    assert findings["area-approved-2024-sum"].verdict == AGREES
    assert findings["area-approved-before-2024"].declared == "2,060.52 ha"
    assert findings["area-moved-out-2024"].verdict == RECORDED  # no boundary before 2024 was published


def test_the_1994_site_as_planned_and_as_revised(findings):
    assert findings["area-site-1994-planned"].measured == "15.09 km2"
    assert findings["area-site-1994-revised"].measured == "11.60 km2"


def test_two_sources_on_the_airport_disagree_and_the_layers_support_one(findings):
    pair = findings["distance-airport~distance-airport-citiao"]
    assert pair.verdict == CONTRADICTS
    assert pair.measured == "the layers support 20"
    assert pair.sources == ["article", "citiao"]
    assert findings["distance-airport-citiao"].verdict == AGREES


def test_stated_precision():
    assert stated_precision(64) == 0.5
    assert stated_precision(63.12) == pytest.approx(0.005)
    assert stated_precision(137.35) == pytest.approx(0.005)


def test_cli_exit_status(run):
    assert run("audit").exit_code == 0
    assert run("audit", "--strict").exit_code == 1


def test_cli_lines_carry_claim_values_verdict_and_source(run):
    result = run("audit", "--measurable")
    line = next(line for line in result.stdout.splitlines() if "2015" in line)
    for fragment in ["137.53", "137.35", "disagrees", "百科 newton.com.tw"]:
        assert fragment in line
    assert "seed" not in result.output.lower()


def test_cli_shows_the_two_area_concepts_side_by_side(run):
    lines = run("audit").stdout.split("two areas, both current")[1].splitlines()
    managed = next(line for line in lines if line.startswith("managed "))
    approved = next(line for line in lines if line.startswith("approved "))
    assert "137.35 km2" in managed and "托管" in managed
    assert "2,116.96 ha" in approved and "核准" in approved


def test_cli_json_lists_each_figures_sources_and_verdict(run):
    document = json.loads(run("audit", "--format", "json").stdout)
    by_id = {f["id"]: f for f in document["findings"]}
    assert {"distance-airport", "area-total~area-total-2015"} <= set(by_id)
    assert by_id["area-approved-2024"]["sources"] == ["drc-2024"]
    assert by_id["area-approved-2024"]["verdict"] == "agrees"
    assert all(f["sources"] and f["verdict"] for f in document["findings"])
    assert [c["concept"] for c in document["concepts"]] == ["managed", "approved"]


def test_audit_at_a_date_measures_only_the_versions_of_that_day(run):
    document = json.loads(run("audit", "--format", "json", "--at", "1995-06-01").stdout)
    by_id = {f["id"]: f for f in document["findings"]}
    assert by_id["area-site-1994-planned"]["verdict"] == "agrees"
    assert by_id["area-approved-2024"]["verdict"] == "recorded"  # not yet approved in 1995
