"""Area summaries as text: the table ``geo area`` prints, and CSV, JSON, Markdown."""

from __future__ import annotations

from collections.abc import Sequence

from geo import report
from geo.areas import AreaSummary

UNIT_LABELS = {"km2": "km²", "ha": "ha", "mu": "mu (亩)", "m2": "m²"}


def _columns(summary: AreaSummary, units: Sequence[str]) -> list[tuple[str, str, bool]]:
    """(field, header, numeric) for each column shown."""
    columns = [("id", "id", False), ("name", "name", False)]
    columns += [(f"area_{u}", UNIT_LABELS[u], True) for u in units]
    columns.append(("share_pct", "share %", True))
    if "declared_area_km2" in summary.rows:
        columns += [("declared_area_km2", "declared km²", True), ("difference_pct", "diff %", True)]
    columns += [(name, name, True) for name in summary.point_layers]
    return columns


def _table_rows(summary: AreaSummary, columns: list[tuple[str, str, bool]]) -> list[list]:
    rows = [[row.get(field) for field, _, _ in columns] for row in summary.rows.to_dict("records")]
    total = {
        "id": "total",
        "name": "",
        "share_pct": 100.0 if summary.total["area_m2"] else None,
        **summary.total,
    }
    total.setdefault("difference_pct", None)
    if total.get("declared_area_km2"):
        total["difference_pct"] = (total["area_km2"] - total["declared_area_km2"]) / total["declared_area_km2"] * 100
    rows.append([total.get(field) for field, _, _ in columns])
    return rows


def render_summary(summaries: Sequence[tuple[str, AreaSummary]], fmt: str, units: Sequence[str]) -> str:
    """Render one summary per layer in the chosen format."""
    if fmt == "json":
        documents = [s.to_dict() | {"layer": str(path)} for path, s in summaries]
        return report.json_text(documents[0] if len(documents) == 1 else {"layers": documents})
    parts = []
    for path, summary in summaries:
        columns = _columns(summary, units)
        headers = [header for _, header, _ in columns]
        numeric = [n for _, _, n in columns]
        rows = _table_rows(summary, columns)
        if fmt == "csv":
            parts.append(report.csv_text([f for f, _, _ in columns], rows))
        elif fmt == "markdown":
            parts.append(f"**{path}**\n\n" + report.markdown(headers, rows, numeric))
        else:
            parts.append(f"{path}\n" + report.table(headers, rows, numeric))
    return "\n\n".join(parts)
