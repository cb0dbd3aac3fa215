"""Point layers from tables: a firm list in CSV or Excel with longitude and latitude columns.

The coordinate columns are the user's (``--lon-field``, ``--lat-field``) or
found among the usual names (经度/纬度, lon/lat, lng, longitude/latitude, x/y).
A row whose coordinate is missing or not a number refuses the file, one line
per bad row, unless ``skip_bad_rows``, which reports each row it skips. Rows
are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io import LABEL
from geo.io.encoding import GB18030, decode_text
from geo.io.vertices import to_parcels, vertex_columns
from geo.problems import NOTE, WARNING, Problem

CSV_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
TABLE_SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES
COORDINATE_PAIRS = (
    ("经度", "纬度"),
    ("lon", "lat"),
    ("lng", "lat"),
    ("longitude", "latitude"),
    ("x", "y"),
    ("东经", "北纬"),
    ("x坐标", "y坐标"),  # a surveyor's X is the northing: swapped where the system shows it
    ("横坐标", "纵坐标"),
)
FIRST_DATA_ROW = 2  # the header is row 1
MOST_CELLS = 50_000_000  # a sheet's used range beyond this is a stray cell, not a table (it would take GBs)


def is_table(path: Path) -> bool:
    return path.suffix.lower() in TABLE_SUFFIXES


def read_table(
    path: Path,
    lon_field: str | None = None,
    lat_field: str | None = None,
    skip_bad_rows: bool = False,
    parcel_field: str | None = None,
    order_field: str | None = None,
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """The table's rows as points, or, for a surveyors' vertex list, its parcels (``geo.io.vertices``);
    no coordinate system: a table carries none."""
    name = str(path)
    try:
        frame, problems = read_rows(path)
    except (OSError, ValueError) as exc:  # a codec error is a ValueError
        return None, [Problem(name, f"cannot be read as a table: {str(exc).splitlines()[0]}")]
    frame.columns, renamed = _unique_names([str(c).strip() for c in frame.columns])
    problems += [Problem(name, message, severity=WARNING) for message in renamed]
    columns, problem = _coordinate_columns(list(frame.columns), lon_field, lat_field)
    if problem:
        return None, [*problems, Problem(name, problem)]
    lon_name, lat_name = columns
    lon, lat = _numbers(frame[lon_name]), _numbers(frame[lat_name])
    bad = ~np.isfinite(lon) | ~np.isfinite(lat)
    if (lon_field, lat_field) == (None, None):
        problems.append(
            Problem(
                name,
                f"points from columns {lon_name}/{lat_name} (detected; --lon-field, --lat-field choose others)",
                severity=NOTE,
            )
        )
    rows = np.arange(len(frame)) + FIRST_DATA_ROW
    for row in np.flatnonzero(bad):
        what = _bad_value(frame[lon_name].iloc[row], lon_name) or _bad_value(frame[lat_name].iloc[row], lat_name)
        message = (
            f"{what}; skipped (--skip-bad-rows)" if skip_bad_rows else f"{what}; fix the row or give --skip-bad-rows"
        )
        problems.append(Problem(name, message, f"row {rows[row]}", WARNING if skip_bad_rows else "error"))
    keep = ~bad
    frame = frame.loc[keep].drop(columns=[lon_name, lat_name]).reset_index(drop=True)
    points = gpd.GeoDataFrame(frame, geometry=shapely.points(lon[keep], lat[keep]))
    points[LABEL] = [f"row {r}" for r in rows[keep]]
    vertices = vertex_columns(frame, parcel_field, order_field)
    if vertices is None:
        return points, problems
    parcels, found = to_parcels(points, *vertices, name, detected=parcel_field is None)
    return parcels, problems + found


def read_rows(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """A CSV's or an Excel sheet's rows as text cells (None where empty), and how it was decoded."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        # calamine (Rust) reads a 100,000-row sheet several times faster than openpyxl;
        # its rows straight into a frame skip pandas' per-cell conversion of read_excel.
        from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

        rows_by_columns = _used_range(path)
        if rows_by_columns[0] * rows_by_columns[1] > MOST_CELLS:  # calamine would allocate every cell between
            raise ValueError(
                f"its first sheet spans {rows_by_columns[0]:,} rows by {rows_by_columns[1]:,} columns, more than a "
                "table of points holds: clear the cells beyond the table (a stray value far away?)"
            )
        try:
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=True)
        except (CalamineError, PasswordError, XmlError, ZipError) as exc:
            raise ValueError(str(exc)) from None
        if not rows:
            raise ValueError("the first sheet is empty")
        header = [str(name) for name in rows[0]]
        return pd.DataFrame(rows[1:], columns=header).replace("", None), []
    text, encoding = decode_text(path.read_bytes())
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True)
    note = []
    if encoding == GB18030:
        note.append(
            Problem(str(path), "not UTF-8: read as GB18030 (GBK), as Excel saves CSV on Chinese Windows", severity=NOTE)
        )
    return frame, note


def _used_range(path: Path) -> tuple[int, int]:
    """(rows, columns) of the first sheet's used range as the workbook records it (its <dimension>,
    read without loading a cell); (0, 0) where it records none (.xls, or a writer that omits it)."""
    if path.suffix.lower() == ".xls":
        return 0, 0
    import openpyxl

    try:
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        return sheet.max_row or 0, sheet.max_column or 0
    except Exception:  # a workbook openpyxl cannot open: calamine says why, below
        return 0, 0


def _coordinate_columns(
    columns: list[str], lon_field: str | None, lat_field: str | None
) -> tuple[tuple[str, str], str | None]:
    if lon_field or lat_field:
        missing = [f for f in (lon_field, lat_field) if f is not None and f not in columns]
        if missing or not (lon_field and lat_field):
            named = "both --lon-field and --lat-field" if not (lon_field and lat_field) else f"no column {missing[0]!r}"
            return ("", ""), f"{named}; its columns are: {', '.join(columns)}"
        return (lon_field, lat_field), None
    folded = {c.casefold(): c for c in columns}
    for lon, lat in COORDINATE_PAIRS:
        if lon in folded and lat in folded:
            return (folded[lon], folded[lat]), None
    return ("", ""), (
        "no longitude/latitude columns (经度/纬度, lon/lat, lng, longitude/latitude, x/y); "
        f"name them with --lon-field and --lat-field; its columns are: {', '.join(columns)}"
    )


def _unique_names(names: list[str]) -> tuple[list[str], list[str]]:
    """Column names made unique (a header written twice: the second read as 经度 (2)), and what was renamed."""
    seen: dict[str, int] = {}
    unique, renamed = [], []
    for number, name in enumerate(names, start=1):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            new = f"{name} ({seen[name]})"
            renamed.append(f"column {number} repeats the header {name!r}: read as {new!r}")
            name = new
        unique.append(name)
    return unique, renamed


def _numbers(column: pd.Series) -> np.ndarray:
    """A column's values as numbers; NaN where a cell holds none (text, or TRUE/FALSE, which is no coordinate)."""
    values = pd.to_numeric(column.where(~column.map(lambda v: isinstance(v, bool))), errors="coerce")
    return values.to_numpy(dtype=float)


def _bad_value(value: object, column: str) -> str | None:
    if isinstance(value, bool):
        return f"{column} is {str(value).upper()}, not a number"
    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
        return f"{column} is empty"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{column} {str(value)!r} is not a number"
    return None if np.isfinite(number) else f"{column} {value!r} is not a finite number"
