"""The seed's declared figures weighed against what the layers measure.

Each claim in ``data/claims.json`` states a figure in the seed's own words.
Areas are measured on the ellipsoid from the zones layer; distances from the
core area's centre to a landmark along the geodesic. Claims that state the
same quantity of the same thing with different values are reported as
contradictions within the seed. Disagreements are findings, not errors.

An area agrees when it matches to the precision it is stated in (half a unit
of its last digit: 64 km2 means 63.5 to 64.5), or to 0.01%, the precision
the schematic polygons are drawn to. The zone polygons are drawn to the
seed's breakdown, so the area audit tests the seed's consistency with
itself, not the ground. A distance is measured between the core area's
centre and the landmark, each uncertain by its accuracy_m; a stated
distance, presumably by road, may exceed the straight line by a set share.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.layers import Layer
from geo.measure import UNITS, geodesic_area_m2, geodesic_distance_m
from geo.problems import InputError, Problem
from geo.report import Column, Report, Table

AGREES, DISAGREES, CONTRADICTS, RECORDED = "agrees", "disagrees", "contradicts", "recorded"
DRAWING_PRECISION = 1e-4  # relative: the schematic polygons match their target area to 0.01%


@dataclass
class Finding:
    """One line of the audit."""

    id: str
    claim: str
    declared: str
    measured: str
    difference_pct: float | None
    verdict: str
    tolerance: str
    source: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_CLAIM_KEYS = {"id", "claim", "quantity", "source", "value"}
_QUANTITY_KEYS = {
    "area": {"zones", "unit"},
    "at_most_zone": {"zones", "unit"},
    "distance": {"from", "to", "unit", "tolerance_above_pct"},
    "sum": {"parts", "unit"},
}


def load_claims(path: str | Path) -> list[dict]:
    """The claims of a claims file (``data/claims.json``), each with the keys its quantity needs."""
    try:
        claims = json.loads(Path(path).read_text(encoding="utf-8"))["claims"]
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), f"not a claims file ({type(exc).__name__}: {exc})")]) from None
    if not isinstance(claims, list):
        raise InputError([Problem(str(path), "not a claims file: 'claims' is not a list")])
    problems = []
    for number, claim in enumerate(claims, start=1):
        if not isinstance(claim, dict):
            problems.append(Problem(str(path), f"not a claims file: claim {number} is not an object"))
            continue
        missing = (_CLAIM_KEYS | _QUANTITY_KEYS.get(claim.get("quantity"), set())) - claim.keys()
        if missing:
            what = f"claim {number} ({claim.get('id', 'no id')}) lacks {', '.join(sorted(missing))}"
            problems.append(Problem(str(path), f"not a claims file: {what}"))
    if problems:
        raise InputError(problems)
    return claims


def stated_precision(value: float) -> float:
    """Half a unit of the last digit the figure is stated in (64 -> 0.5, 63.12 -> 0.005)."""
    text = repr(value)
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return 0.5 * 10.0**-decimals


def _number(value: float, unit: str) -> str:
    return f"{value:,.2f} {unit}" if unit != "mu" else f"{value:,.2f} mu"


class _Measurer:
    def __init__(self, zones: Layer, landmarks: Layer | None):
        ids = zones.ids
        self.zone_area = dict(zip(ids, geodesic_area_m2(zones.frame.geometry.to_numpy()), strict=True))
        self.zone_centre = {zid: geometry.centroid for zid, geometry in zip(ids, zones.frame.geometry, strict=True)}
        self.zone_accuracy = dict(zip(ids, _accuracy(zones), strict=True))
        self.points = {} if landmarks is None else dict(zip(landmarks.ids, landmarks.frame.index, strict=True))
        self.point_accuracy = {} if landmarks is None else dict(zip(landmarks.frame.index, _accuracy(landmarks)))
        self.landmarks = landmarks

    def area(self, claim: dict) -> Finding:
        missing = [z for z in claim["zones"] if z not in self.zone_area]
        if missing:
            return _unmeasurable(claim, f"no zone {', '.join(missing)} in the layer")
        unit = claim["unit"]
        measured = sum(self.zone_area[z] for z in claim["zones"]) / UNITS[unit]
        value = claim["value"]
        if claim["quantity"] == "at_most_zone":
            verdict = AGREES if value <= measured + stated_precision(value) else DISAGREES
            return _finding(claim, value, measured, unit, verdict, f"at most the zone's {measured:,.2f} {unit}")
        tolerance = max(stated_precision(value), DRAWING_PRECISION * measured)
        verdict = AGREES if abs(measured - value) <= tolerance else DISAGREES
        return _finding(claim, value, measured, unit, verdict, f"±{tolerance:.3g} {unit}")

    def distance(self, claim: dict) -> Finding:
        if claim["from"] not in self.zone_centre or claim["to"] not in self.points:
            return _unmeasurable(claim, f"needs zone {claim['from']} and landmark {claim['to']}")
        start = self.zone_centre[claim["from"]]
        point = self.landmarks.frame.loc[self.points[claim["to"]]]
        end = point.geometry
        measured = float(geodesic_distance_m(start.x, start.y, end.x, end.y)) / 1000.0
        slack = (self.zone_accuracy[claim["from"]] + self.point_accuracy[point.name]) / 1000.0
        low = max(0.0, measured - slack)
        high = (measured + slack) * (1 + claim["tolerance_above_pct"] / 100)
        verdict = AGREES if low <= claim["value"] <= high else DISAGREES
        finding = _finding(claim, claim["value"], measured, "km", verdict, f"{low:.1f}-{high:.1f} km")
        finding.note = finding.note or (f"straight line from the centre of {claim['from']} to {claim['to']}")
        return finding

    def sum(self, claim: dict) -> Finding:
        measured = float(np.sum(claim["parts"]))
        tolerance = stated_precision(claim["value"])
        verdict = AGREES if abs(measured - claim["value"]) <= tolerance else DISAGREES
        finding = _finding(claim, claim["value"], measured, claim["unit"], verdict, f"±{tolerance:g}")
        finding.measured = f"{' + '.join(f'{p:g}' for p in claim['parts'])} = {measured:g} {claim['unit']}"
        return finding


def _accuracy(layer: Layer) -> np.ndarray:
    """Each feature's accuracy_m, 0 where the layer does not say (a surveyed boundary)."""
    return pd.to_numeric(layer.column("accuracy_m"), errors="coerce").fillna(0.0).to_numpy(dtype=float)


def _finding(claim: dict, declared: float, measured: float, unit: str, verdict: str, tolerance: str) -> Finding:
    difference = (declared - measured) / measured * 100 if measured else None
    return Finding(
        id=claim["id"],
        claim=claim["claim"],
        declared=_number(declared, unit),
        measured=_number(measured, unit),
        difference_pct=difference,
        verdict=verdict,
        tolerance=tolerance,
        source=claim["source"],
        note=claim.get("note", ""),
    )


def _unmeasurable(claim: dict, why: str) -> Finding:
    return Finding(claim["id"], claim["claim"], str(claim["value"]), "–", None, RECORDED, "", claim["source"], why)


def _recorded(claim: dict) -> Finding:
    value = claim["value"]
    declared = f"{value:,} {claim.get('unit', '')}".strip() if isinstance(value, (int, float)) else str(value)
    return Finding(
        claim["id"], claim["claim"], declared, "–", None, RECORDED, "", claim["source"], claim.get("note", "")
    )


def _contradictions(claims: list[dict]) -> list[Finding]:
    """Claims about the same quantity of the same zones that state different values."""
    seen: dict[tuple, dict] = {}
    found = []
    for claim in claims:
        if claim["quantity"] != "area":
            continue
        key = (tuple(sorted(claim["zones"])), claim["unit"])
        first = seen.setdefault(key, claim)
        if first is claim or first["value"] == claim["value"]:
            continue
        gap = claim["value"] - first["value"]
        found.append(
            Finding(
                id=f"{first['id']}~{claim['id']}",
                claim=f"the source states {first['claim']} twice",
                declared=f"{first['value']:g} and {claim['value']:g} {claim['unit']}",
                measured="–",
                difference_pct=gap / first["value"] * 100,
                verdict=CONTRADICTS,
                tolerance="",
                source=f"{first['source']} / {claim['source']}",
                note=f"the two figures differ by {abs(gap):g} {claim['unit']}",
            )
        )
    return found


def audit(claims: list[dict], zones: Layer, landmarks: Layer | None = None) -> list[Finding]:
    """Every claim checked against the layers, then the seed's contradictions."""
    measurer = _Measurer(zones, landmarks)
    checks = {"area": measurer.area, "at_most_zone": measurer.area, "distance": measurer.distance, "sum": measurer.sum}
    findings = [checks.get(claim["quantity"], _recorded)(claim) for claim in claims]
    return findings + _contradictions(claims)


def audit_report(findings: list[Finding]) -> Report:
    """The findings as a report: a table (tolerance and note in CSV and Excel too) and JSON."""
    columns = [
        Column("claim", "claim"),
        Column("declared", "declared"),
        Column("measured", "measured"),
        Column("difference_pct", "diff %", True),
        Column("verdict", "verdict"),
        Column("source", "source's words"),
        Column("tolerance", "tolerance", detail=True),
        Column("note", "note", detail=True),
    ]
    rows = [f.to_dict() for f in findings]
    return Report([Table("audit", columns, rows)], {"findings": rows})
