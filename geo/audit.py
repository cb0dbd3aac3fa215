"""Declared figures weighed against what the layers measure, each with its sources.

Each claim in ``data/claims.json`` states a figure and cites its sources
(``data/sources.json``); where the source is the article, in its own words.
Areas are measured on the ellipsoid from the polygons the claim names (the
zones, or versions of the boundary over time); distances from a zone's
centre to a landmark along the geodesic. Claims that state the same quantity
of the same thing with different values are reported as contradictions,
saying which of them the layers support. Disagreements are findings, not errors.

An area agrees when it matches to the precision it is stated in (half a unit
of its last digit: 64 km2 means 63.5 to 64.5), or to 0.01%, the precision
the schematic polygons are drawn to. The polygons are drawn to the declared
figures, so the area audit tests the sources' consistency with themselves,
not the ground. A distance is measured between the zone's centre and the
landmark, each uncertain by its accuracy_m; a stated distance, presumably by
road, may exceed the straight line by a set share.
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
from geo.sources import Source, cite

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
    sources: list[str]  # source ids
    source: str  # the sources as a reader names them
    quote: str = ""  # the source's own words, where we hold its text
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_CLAIM_KEYS = {"id", "claim", "quantity", "sources", "value"}
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
    def __init__(self, polygons: list[Layer], landmarks: Layer | None, sources: dict[str, Source]):
        self.zone_area, self.zone_centre, self.zone_accuracy = {}, {}, {}
        for layer in polygons:
            ids, geometries = layer.ids, layer.frame.geometry
            self.zone_area |= dict(zip(ids, geodesic_area_m2(geometries.to_numpy()), strict=True))
            self.zone_centre |= {zid: geometry.centroid for zid, geometry in zip(ids, geometries, strict=True)}
            self.zone_accuracy |= dict(zip(ids, _accuracy(layer), strict=True))
        self.sources = sources
        self.points = {} if landmarks is None else dict(zip(landmarks.ids, landmarks.frame.index, strict=True))
        self.point_accuracy = {} if landmarks is None else dict(zip(landmarks.frame.index, _accuracy(landmarks)))
        self.landmarks = landmarks

    def area(self, claim: dict) -> Finding:
        missing = [z for z in claim["zones"] if z not in self.zone_area]
        if missing:
            return self._unmeasurable(claim, f"no zone {', '.join(missing)} in the layer")
        unit = claim["unit"]
        measured = sum(self.zone_area[z] for z in claim["zones"]) / UNITS[unit]
        value = claim["value"]
        if claim["quantity"] == "at_most_zone":
            verdict = AGREES if value <= measured + stated_precision(value) else DISAGREES
            return self._finding(claim, value, measured, unit, verdict, f"at most the zone's {measured:,.2f} {unit}")
        tolerance = max(stated_precision(value), DRAWING_PRECISION * measured)
        verdict = AGREES if abs(measured - value) <= tolerance else DISAGREES
        return self._finding(claim, value, measured, unit, verdict, f"±{tolerance:.3g} {unit}")

    def distance(self, claim: dict) -> Finding:
        if claim["from"] not in self.zone_centre or claim["to"] not in self.points:
            return self._unmeasurable(claim, f"needs zone {claim['from']} and landmark {claim['to']}")
        start = self.zone_centre[claim["from"]]
        point = self.landmarks.frame.loc[self.points[claim["to"]]]
        end = point.geometry
        measured = float(geodesic_distance_m(start.x, start.y, end.x, end.y)) / 1000.0
        slack = (self.zone_accuracy[claim["from"]] + self.point_accuracy[point.name]) / 1000.0
        low = max(0.0, measured - slack)
        high = (measured + slack) * (1 + claim["tolerance_above_pct"] / 100)
        verdict = AGREES if low <= claim["value"] <= high else DISAGREES
        finding = self._finding(claim, claim["value"], measured, "km", verdict, f"{low:.1f}-{high:.1f} km")
        finding.note = finding.note or (f"straight line from the centre of {claim['from']} to {claim['to']}")
        return finding

    def finding(self, claim: dict, declared: str, measured: str, verdict: str, **extra) -> Finding:
        return Finding(
            id=claim["id"],
            claim=claim["claim"],
            declared=declared,
            measured=measured,
            verdict=verdict,
            sources=claim["sources"],
            source=cite(claim["sources"], self.sources),
            quote=claim.get("quote") or "",
            **{"difference_pct": None, "tolerance": "", "note": claim.get("note", ""), **extra},
        )

    def _finding(self, claim: dict, declared: float, measured: float, unit: str, verdict: str, tolerance: str):
        difference = (declared - measured) / measured * 100 if measured else None
        return self.finding(
            claim,
            _number(declared, unit),
            _number(measured, unit),
            verdict,
            difference_pct=difference,
            tolerance=tolerance,
        )

    def _unmeasurable(self, claim: dict, why: str) -> Finding:
        return self.finding(claim, str(claim["value"]), "–", RECORDED, note=why)

    def recorded(self, claim: dict) -> Finding:
        value = claim["value"]
        declared = f"{value:,} {claim.get('unit', '')}".strip() if isinstance(value, (int, float)) else str(value)
        return self.finding(claim, declared, "–", RECORDED)

    def sum(self, claim: dict) -> Finding:
        measured = float(np.sum(claim["parts"]))
        tolerance = stated_precision(claim["value"])
        verdict = AGREES if abs(measured - claim["value"]) <= tolerance else DISAGREES
        finding = self._finding(claim, claim["value"], measured, claim["unit"], verdict, f"±{tolerance:g}")
        parts = claim["parts"]
        finding.measured = f"{parts[0]:g} {' '.join(f'{p:+g}' for p in parts[1:])} = {measured:g} {claim['unit']}"
        finding.measured = finding.measured.replace("+", "+ ").replace(" -", " − ")
        return finding


def _accuracy(layer: Layer) -> np.ndarray:
    """Each feature's accuracy_m, 0 where the layer does not say (a surveyed boundary)."""
    return pd.to_numeric(layer.column("accuracy_m"), errors="coerce").fillna(0.0).to_numpy(dtype=float)


def _subject(claim: dict) -> tuple | None:
    """What a claim measures, so that two claims about the same thing can be compared."""
    if claim["quantity"] == "area":
        return ("area", tuple(sorted(claim["zones"])), claim["unit"])
    if claim["quantity"] == "distance":
        return ("distance", claim["from"], claim["to"], claim["unit"])
    return None


def _contradictions(claims: list[dict], findings: dict[str, Finding]) -> list[Finding]:
    """Claims about the same quantity of the same thing that state different values, and which
    of the two the layers support."""
    seen: dict[tuple, dict] = {}
    found = []
    for claim in claims:
        subject = _subject(claim)
        if subject is None:
            continue
        first = seen.setdefault(subject, claim)
        if first is claim or first["value"] == claim["value"]:
            continue
        a, b = findings[first["id"]], findings[claim["id"]]
        supported = [f"{c['value']:g}" for c, f in ((first, a), (claim, b)) if f.verdict == AGREES]
        gap = claim["value"] - first["value"]
        who = a.source if a.source == b.source else f"{a.source} / {b.source}"
        found.append(
            Finding(
                id=f"{first['id']}~{claim['id']}",
                claim=f"{first['claim']}: two figures",
                declared=f"{first['value']:g} and {claim['value']:g} {claim['unit']}",
                measured="the layers support " + (" and ".join(supported) if supported else "neither"),
                difference_pct=gap / first["value"] * 100,
                verdict=CONTRADICTS,
                tolerance="",
                sources=sorted(set(first["sources"]) | set(claim["sources"])),
                source=who,
                note=f"they differ by {abs(gap):g} {claim['unit']}",
            )
        )
    return found


def audit(
    claims: list[dict],
    polygons: list[Layer],
    landmarks: Layer | None = None,
    sources: dict[str, Source] | None = None,
) -> list[Finding]:
    """Every claim checked against the layers (the zones, and the boundary's versions), then the
    figures that contradict each other."""
    measurer = _Measurer(polygons, landmarks, sources or {})
    checks = {"area": measurer.area, "at_most_zone": measurer.area, "distance": measurer.distance, "sum": measurer.sum}
    findings = [checks.get(claim["quantity"], measurer.recorded)(claim) for claim in claims]
    return findings + _contradictions(claims, {f.id: f for f in findings})


CONCEPTS = {
    "managed": "托管 managed: what the zone's administrative committee manages today, in five parts",
    "approved": "核准 approved: the area of the national catalogue of development zones, in four blocks since 2024",
}


def concepts(claims: list[dict], findings: list[Finding]) -> list[dict]:
    """The two areas the zone has, side by side: the headline claim of each concept."""
    by_id = {f.id: f for f in findings}
    return [
        {
            "concept": claim["concept"],
            "declared": by_id[claim["id"]].declared,
            "measured": by_id[claim["id"]].measured,
            "source": by_id[claim["id"]].source,
            "meaning": CONCEPTS[claim["concept"]],
        }
        for claim in claims
        if claim.get("headline") and claim.get("concept") in CONCEPTS
    ]


def audit_report(findings: list[Finding], area_concepts: list[dict] = ()) -> Report:
    """The findings as a report (tolerance, quote and note in CSV and Excel too) and the two
    area concepts side by side; JSON holds both."""
    columns = [
        Column("claim", "claim"),
        Column("declared", "declared"),
        Column("measured", "measured"),
        Column("difference_pct", "diff %", True),
        Column("verdict", "verdict"),
        Column("source", "source"),
        Column("quote", "source's words", detail=True),
        Column("tolerance", "tolerance", detail=True),
        Column("note", "note", detail=True),
    ]
    rows = [f.to_dict() for f in findings]
    tables = [Table("audit", columns, rows)]
    if area_concepts:
        concept_columns = [
            Column("concept", "area"),
            Column("declared", "declared"),
            Column("measured", "measured"),
            Column("meaning", "what it is"),
            Column("source", "source", detail=True),
        ]
        tables.append(Table("two areas, both current", concept_columns, list(area_concepts)))
    return Report(tables, {"findings": rows, "concepts": list(area_concepts)})
