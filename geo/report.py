"""Reports: rows of figures described once (``Table``) and rendered as a
terminal table, CSV, JSON, Markdown or an Excel workbook.

The terminal table aligns Chinese text: East Asian wide characters take two
columns. CSV and JSON carry full precision; the table and Markdown round.
"""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide and full-width characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def format_cell(value: Any, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{round(value, decimals) + 0.0:,.{decimals}f}"  # + 0.0: no "-0.00"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool]) -> str:
    """A plain-text table; numeric columns right-aligned."""
    cells = [[format_cell(v) for v in row] for row in rows]
    widths = [max([display_width(h), *(display_width(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w, n) for h, w, n in zip(headers, widths, numeric))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w, n) for c, w, n in zip(row, widths, numeric)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def markdown(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool]) -> str:
    def escape(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(escape(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(escape(format_cell(v)) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    return out.getvalue().rstrip("\n")


def _csv_cell(value: Any) -> Any:
    """A cell as CSV takes it: empty for a missing value; a NUL in a text written as \\x00 (Python 3.10's
    csv refuses it, and Excel would cut the text there)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value.replace("\x00", "\\x00") if isinstance(value, str) else value


def json_text(document: Any) -> str:
    """JSON with NaN written as null (JSON has no NaN)."""

    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        if hasattr(value, "item"):  # numpy scalars
            return clean(value.item())
        return value

    return json.dumps(clean(document), ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Column:
    """One column of a report: the field it shows, its header, and whether it is a number."""

    field: str
    header: str
    numeric: bool = False
    detail: bool = False  # in files (CSV, Excel) but not in the terminal table or Markdown


@dataclass
class Table:
    """Rows of figures described once, rendered to every format from this one model."""

    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None

    def records(self, columns: Sequence[Column] | None = None) -> list[list[Any]]:
        """The rows, then the total, as lists in column order."""
        rows = self.rows + ([self.total] if self.total is not None else [])
        return [[row.get(c.field) for c in columns or self.columns] for row in rows]

    def text(self, fmt: str) -> str:
        if fmt == "csv":
            return csv_text([c.field for c in self.columns], self.records())
        shown = [c for c in self.columns if not c.detail]
        headers, numeric = [c.header for c in shown], [c.numeric for c in shown]
        if fmt == "markdown":
            return f"**{self.title}**\n\n" + markdown(headers, self.records(shown), numeric)
        return f"{self.title}\n" + table(headers, self.records(shown), numeric)

    def panel(self, essential: Sequence[str] = ()) -> dict[str, Any]:
        """The table as a page shows it (display text, as in the terminal), and its CSV to download.

        ``essential`` names the columns a phone shows; the others only on wider screens.
        """
        shown = [c for c in self.columns if not c.detail]
        cells = [[format_cell(v) for v in row] for row in self.records(shown)]
        return {
            "headers": [c.header for c in shown],
            "numeric": [c.numeric for c in shown],
            "essential": [not essential or c.field in essential for c in shown],
            "rows": cells[: len(self.rows)],
            "total": cells[-1] if self.total is not None else None,
            "csv": self.text("csv"),
        }


@dataclass
class Report:
    """What a command reports: its tables, and the JSON document holding the same figures."""

    tables: list[Table]
    document: Any

    def render(self, fmt: str) -> str:
        """The report as text: table, csv, markdown or json."""
        if fmt == "json":
            return json_text(self.document)
        return "\n\n".join(t.text(fmt) for t in self.tables)

    def xlsx(self) -> bytes:
        """An Excel workbook, a sheet a table: numbers as numbers, the total row in bold."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        book.remove(book.active)
        for number, part in enumerate(self.tables, start=1):
            sheet = book.create_sheet(_sheet_title(part.title, number))
            sheet.append([c.header for c in part.columns])
            for row in part.records():
                sheet.append([_cell_value(v) for v in row])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            if part.total is not None:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _cell_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value if isinstance(value, (int, float, str)) else str(value)


def _sheet_title(title: str, number: int) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\."""
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in Path(title).name)[:28]
    return f"{number} {name}"[:31]
