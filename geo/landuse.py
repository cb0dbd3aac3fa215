"""Land-use codes rolled up: the 三调 (third national land survey) DLBM codes, as coded (二级类),
by 一级类, or by 三大类 (农用地, 建设用地, 未利用地).

The code table ships as data (``geo/codes/sandiao.csv``: code, name, first, major), after the
三调 工作分类 (《第三次全国国土调查技术规程》 TD/T 1055-2019) and its roll-up to 三大类. Sources
disagree on two codes, placed here as the 三调 统计 tables do: 0404 其他草地 under 未利用地 and
1201 空闲地 under 建设用地. A user's own table replaces it (``--classes FILE``, the same columns);
its rows whose code is a first-level code (``06``) name the 一级类. A code ending in K (可调整,
0201K) takes its base code's classes; a value that starts with a code ("0101 水田") or is a name
(a DLMC field: "水田") is read as that code. A code in no table is kept as a class of its own and
reported, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import pandas as pd

from geo.errors import UsageError
from geo.layers import Layer
from geo.problems import NOTE, WARNING, Problem

LEVELS = {
    **{"second": "second", "first": "first", "major": "major"},
    **{"二级类": "second", "一级类": "first", "三大类": "major"},
}
COLUMNS = ("code", "name", "first", "major")
ADJUSTABLE = "K"  # 可调整: farmland uses that may be turned back to 耕地
NOT_IN_TABLE = "not in the code table"


@dataclass(frozen=True)
class ClassTable:
    """Each code's name, 一级类 code and 三大类; the 一级类 codes' names; where it was read from."""

    names: dict[str, str]
    first: dict[str, str]
    major: dict[str, str]
    source: str

    def code_of(self, value: str) -> str:
        """The code a value stands for: itself, the code it starts with ("0101 水田"), or the code
        of the name it is (a DLMC field holds names: "水田")."""
        if value in self.names:
            return value
        first_word = value.split(maxsplit=1)[0] if value.strip() else value
        if first_word in self.names or first_word.removesuffix(ADJUSTABLE) in self.names:
            return first_word
        return self._codes_by_name.get(value, value)

    @cached_property
    def _codes_by_name(self) -> dict[str, str]:
        """Each name's code, for the names that only one code has."""
        counts = pd.Series(list(self.names.values())).value_counts()
        return {name: code for code, name in self.names.items() if counts[name] == 1}

    def classes(self, code: str, level: str) -> str | None:
        """The class of one code at ``level`` ("0601 工业用地", "06 工矿用地", "建设用地"), None if unknown."""
        base = code[:-1] if code.endswith(ADJUSTABLE) and code not in self.names else code
        if base not in self.names:
            return None
        if level == "second":
            name = self.names[base] if base == code else "可调整" + self.names[base]
            return f"{code} {name}"
        if level == "first":
            first = self.first.get(base) or base[:2]
            return f"{first} {self.names[first]}" if first in self.names else first
        return self.major.get(base) or None


def level_of(level: str) -> str:
    """``second``, ``first`` or ``major`` from any of their English or Chinese names."""
    try:
        return LEVELS[level.strip()]
    except KeyError:
        raise UsageError(f"--level {level}: choose second, first or major (二级类, 一级类, 三大类)") from None


def class_table(path: str | Path | None = None) -> ClassTable:
    """The shipped 三调 table, or the user's (CSV or Excel: code, name, first, major)."""
    if path is None:
        with resources.files("geo").joinpath("codes", "sandiao.csv").open(encoding="utf-8") as shipped:
            frame = pd.read_csv(shipped, dtype=str, keep_default_na=False)
        return _table(frame, "the 三调 code table")
    from geo.io.tables import read_rows

    try:
        frame, _ = read_rows(Path(path))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot be read as a code table: {str(exc).splitlines()[0]}") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise UsageError(f"{path}: a code table needs the columns {', '.join(COLUMNS)}; it has no {', '.join(missing)}")
    return _table(frame.fillna(""), str(path))


def _table(frame: pd.DataFrame, source: str) -> ClassTable:
    cells = frame[list(COLUMNS)].astype(str).apply(lambda column: column.str.strip())
    cells = cells[cells["code"] != ""]
    return ClassTable(
        names=dict(zip(cells["code"], cells["name"])),
        first=dict(zip(cells["code"], cells["first"])),
        major=dict(zip(cells["code"], cells["major"])),
        source=source,
    )


def roll_up(layer: Layer, by: str, level: str, table: ClassTable) -> list[Problem]:
    """Replace the layer's field ``by`` by its codes' classes at ``level``; what was guessed and missed."""
    if by not in layer.frame.columns:
        return []  # the command that needs the field says it is not there, and what there is
    layer.frame[by], notes = rolled_up(layer.frame[by], level, table, str(layer.path))
    return notes


def rolled_up(values: pd.Series, level: str, table: ClassTable, path: str) -> tuple[pd.Series, list[Problem]]:
    """Each value's class at ``level``; codes in no table kept as "CODE (not in the code table)" and
    reported with how many features have them; missing values stay missing."""
    codes = values.astype(object).where(values.notna()).map(_as_code, na_action="ignore")
    distinct = pd.Series(codes.dropna().unique(), dtype=object)
    notes = [Problem(path, f"{values.name} rolled up to {_LEVEL_WORDS[level]} by {table.source}", severity=NOTE)]
    padded = {code: "0" + code for code in distinct if _lost_zero(code, table)}
    if padded:
        shown = ", ".join(f"{a} as {b}" for a, b in list(padded.items())[:5])
        notes.append(Problem(path, f"{values.name} {shown}: a leading zero lost (a numeric field?)", severity=NOTE))
    found = {code: table.classes(table.code_of(padded.get(code, code)), level) for code in distinct}
    unknown = [code for code, name in found.items() if name is None]
    found |= {code: f"{code} ({NOT_IN_TABLE})" for code in unknown}
    if unknown:
        counts = codes.value_counts()
        listed = ", ".join(f"{code} ({counts[code]} features)" for code in sorted(unknown)[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        notes.append(
            Problem(
                path,
                f"{len(unknown)} {values.name} codes are not in {table.source}: {listed}{more}; each is kept as a "
                "class of its own (--classes FILE gives a table that has them)",
                severity=WARNING,
            )
        )
    return codes.map(found, na_action="ignore"), notes


def _as_code(value: object) -> str:
    """A code as text: 601.0 (a number read from Excel) is 601."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().upper()


def _lost_zero(code: str, table: ClassTable) -> bool:
    """Whether a code is a table's code less its leading zero (601 for 0601)."""
    return code.isdigit() and len(code) in (1, 3) and code not in table.names and "0" + code in table.names


_LEVEL_WORDS = {"second": "二级类 (as coded)", "first": "一级类", "major": "三大类"}
