"""`geo audit`: the seed's figures against the layers, contradictions included."""

from __future__ import annotations

import json

import pytest
from pyproj import Geod

from geo.audit import AGREES, CONTRADICTS, DISAGREES, audit, load_claims, stated_precision
from geo.layers import read_layer
from tests.builders import LAYERS, ROOT


@pytest.fixture(scope="module")
def findings():
    findings = audit(
        load_claims(ROOT / "data" / "claims.json"),
        read_layer(LAYERS / "zones.geojson"),
        read_layer(LAYERS / "landmarks.geojson"),
    )
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


SEED = ROOT.parent / "shared" / "seed" / "000_165b5935da853f39.txt"


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed document is not at {SEED}")
def test_every_claim_quotes_the_seed_verbatim():
    text = SEED.read_text(encoding="utf-8")
    for claim in load_claims(ROOT / "data" / "claims.json"):
        for quote in claim["source"].split(" / "):
            assert quote.split(" (")[0] in text, claim["id"]


def test_stated_precision():
    assert stated_precision(64) == 0.5
    assert stated_precision(63.12) == pytest.approx(0.005)
    assert stated_precision(137.35) == pytest.approx(0.005)


def test_cli_exit_status(run):
    assert run("audit").exit_code == 0
    assert run("audit", "--strict").exit_code == 1


def test_cli_lines_carry_claim_values_verdict_and_words(run):
    result = run("audit", "--measurable")
    line = next(line for line in result.stdout.splitlines() if "2015" in line)
    for fragment in ["137.53", "137.35", "disagrees", "總面積達137.53平方公里"]:
        assert fragment in line


def test_cli_json(run):
    document = json.loads(run("audit", "--format", "json").stdout)
    ids = {f["id"] for f in document["findings"]}
    assert {"distance-airport", "area-total~area-total-2015"} <= ids
