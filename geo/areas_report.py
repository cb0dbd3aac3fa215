"""Area summaries as a report: the table ``geo area`` prints, and CSV, JSON, Markdown, Excel."""

from __future__ import annotations

from collections.abc import Sequence

from geo.areas import AreaSummary
from geo.measure import UNIT_LABELS
from geo.report import Column, Report, Table


def summary_columns(summary: AreaSummary, units: Sequence[str]) -> list[Column]:
    """The columns shown for a summary: names, areas in ``units``, share, declared, counts."""
    columns = [Column("id", "id"), Column("name", "name")]
    columns += [Column(f"area_{u}", UNIT_LABELS[u], True) for u in units]
    columns.append(Column("share_pct", "share %", True))
    if summary.declared_unit is not None:
        columns += [
            Column("declared", f"declared {UNIT_LABELS[summary.declared_unit]}", True),
            Column("difference_pct", "diff %", True),
        ]
    columns += [Column(name, name, True) for name in summary.point_layers]
    return columns


def area_report(summaries: Sequence[tuple[str, AreaSummary]], units: Sequence[str]) -> Report:
    """One table per layer, and the JSON document (one layer's summary, or ``{"layers": [...]}``)."""
    tables = [
        Table(str(path), summary_columns(s, units), s.rows.to_dict("records"), {"id": "total", "name": "", **s.total})
        for path, s in summaries
    ]
    documents = [s.to_dict() | {"layer": str(path)} for path, s in summaries]
    return Report(tables, documents[0] if len(documents) == 1 else {"layers": documents})
