"""Area summaries as a report: the table ``geo area`` prints, and CSV, JSON, Markdown, Excel, the map's panel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from geo.areas import AreaSummary
from geo.measure import UNIT_LABELS, UNITS
from geo.overlay import OverlaySummary
from geo.report import Column, Report, Table


@dataclass(frozen=True)
class Headers:
    """Words of an area table: English for the terminal and files; the map gives its own language's."""

    name: str = "name"
    share: str = "share %"
    declared: str = "declared"
    difference: str = "diff %"
    total: str = ""  # the total row's name
    unit: Callable[[str], str] = UNIT_LABELS.__getitem__
    count: Callable[[str], str] = str  # a point layer's count, by the layer's role name
    show_ids: bool = True  # False: ids only in files (CSV, Excel), not on screen


def summary_columns(summary: AreaSummary, units: Sequence[str], words: Headers = Headers()) -> list[Column]:
    """The columns shown for a summary: names, areas in ``units``, share, declared, counts."""
    columns = [Column("id", "id", detail=not words.show_ids), Column("name", words.name)]
    columns += [Column(f"area_{u}", words.unit(u), True) for u in units]
    columns.append(Column("share_pct", words.share, True))
    if summary.declared_unit is not None:
        columns += [
            Column("declared", f"{words.declared} {words.unit(summary.declared_unit)}", True),
            Column("difference_pct", words.difference, True),
        ]
    columns += [Column(name, words.count(name), True) for name in summary.point_layers]
    return columns


def summary_table(title: str, summary: AreaSummary, units: Sequence[str], words: Headers = Headers()) -> Table:
    """One layer's areas, and their total, as a table."""
    total = {"id": "total", **summary.total, "name": words.total}
    return Table(title, summary_columns(summary, units, words), summary.rows.to_dict("records"), total)


def overlay_table(title: str, summary: OverlaySummary, unit: str) -> Table:
    """Zones by classes: each zone's area, its area in each class, uncovered and overlap, in ``unit``."""
    label = UNIT_LABELS[unit]
    # The files' field names carry the unit (area_ha, class:水田_ha), as a CSV has no title to say it.
    classes = {f"class:{c}_{unit}": c for c in summary.classes}
    area, uncovered, overlap = (f"{name}_{unit}" for name in ("area", "uncovered", "overlap"))
    columns = [Column("id", "id"), Column("name", "name"), Column(area, f"zone {label}", True)]
    columns += [Column(field, c, True) for field, c in classes.items()]
    columns += [Column(uncovered, "uncovered", True), Column(overlap, "overlap", True)]

    def row(first: dict, zone_m2: float, class_m2, uncovered_m2: float, overlap_m2: float) -> dict:
        figures = {field: a / UNITS[unit] for field, a in zip(classes, class_m2)}
        return (
            first
            | {area: zone_m2 / UNITS[unit], uncovered: uncovered_m2 / UNITS[unit]}
            | figures
            | {overlap: overlap_m2 / UNITS[unit]}
        )

    rows = [
        row({"id": i, "name": n}, z, c, u, o)
        for i, n, z, c, u, o in zip(
            summary.ids, summary.names, summary.zone_m2, summary.class_m2, summary.uncovered_m2, summary.overlap_m2
        )
    ]
    total = row(
        {"id": "total", "name": ""},
        summary.zone_m2.sum(),
        summary.class_m2.sum(axis=0),
        summary.uncovered_m2.sum(),
        summary.overlap_m2.sum(),
    )
    return Table(f"{title} by {summary.by} ({label}, {summary.method})", columns, rows, total)


def overlay_report(summaries: Sequence[tuple[str, OverlaySummary]], units: Sequence[str]) -> Report:
    """One zone-by-class table per layer and unit, and the JSON document."""
    tables = [overlay_table(path, s, unit) for path, s in summaries for unit in units]
    documents = [s.to_dict() | {"layer": str(path)} for path, s in summaries]
    return Report(tables, documents[0] if len(documents) == 1 else {"layers": documents})


def area_report(summaries: Sequence[tuple[str, AreaSummary]], units: Sequence[str]) -> Report:
    """One table per layer, and the JSON document (one layer's summary, or ``{"layers": [...]}``)."""
    tables = [summary_table(str(path), s, units) for path, s in summaries]
    documents = [s.to_dict() | {"layer": str(path)} for path, s in summaries]
    return Report(tables, documents[0] if len(documents) == 1 else {"layers": documents})
