"""Which of a layer's fields hold its id, its name, its declared area and its group.

Planning offices name fields by convention, not by schema: MC or 名称 for a
name, BSM or BH for an id, MJ or 面积 for an area whose unit is rarely stated,
行业 for a firm's industry. The user can name each (``--id-field``,
``--name-field``, ``--declared-field`` with ``--declared-unit``); otherwise the
usual names are looked for, and what was chosen is said in one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo import timeline
from geo.io import LABEL
from geo.measure import UNITS
from geo.problems import NOTE, WARNING, Problem

ID_FIELDS = ("id", "ID", "BSM", "BH", "编号", "标识码", "DKBH", "地块编号", "ZDDM", "宗地代码")
NAME_FIELDS = (
    "name_zh",
    "名称",
    "MC",
    "NAME",
    "name",
    "YQMC",
    "园区名称",
    "QYMC",
    "企业名称",
    "DWMC",
    "单位名称",
    "DKMC",  # 地块名称, a parcel's name in approval and planning layers
    "地块名称",
    "XMMC",  # 项目名称
    "项目名称",
    "ZDMC",  # 宗地名称
    "宗地名称",
    "name_en",
)
# Field name -> its unit where the name says it (None: guessed against the measured areas).
DECLARED_FIELDS = {
    "declared_area_km2": "km2",
    "declared_area_ha": "ha",
    "MJ": None,
    "面积": None,
    "YDMJ": None,
    "用地面积": None,
    "TBMJ": "m2",  # the land survey's parcel area, in m2
    "DKMJ": None,
    "地块面积": None,
    "ZDMJ": None,
}
GROUP_FIELDS = ("cluster", "category", "行业", "产业", "所属行业", "HY", "类别", "DLMC", "industry")


@dataclass(frozen=True)
class FieldChoice:
    """The fields the user named; None leaves each to detection."""

    id: str | None = None
    name: str | None = None
    declared: str | None = None
    declared_unit: str | None = None


@dataclass(frozen=True)
class Roles:
    """The fields that play each role in one layer (None: the layer has none)."""

    id: str | None = None
    name: str | None = None
    declared: str | None = None
    declared_unit: str | None = None  # None with a declared field: guessed from the measured areas
    group: str | None = None


def _find(columns: Sequence[str], candidates: Sequence[str]) -> str | None:
    """The first candidate among the columns, exactly, else ignoring case and spaces."""
    for name in candidates:
        if name in columns:
            return name
    folded = {str(c).strip().casefold(): c for c in columns}
    for name in candidates:
        if name.casefold() in folded:
            return folded[name.casefold()]
    return None


def find_roles(columns: Sequence[str], choice: FieldChoice, path: str) -> tuple[Roles, list[Problem]]:
    """The layer's roles: the user's fields where given and present, else the usual names.

    A named field the layer does not have is a warning (the usual names are
    looked for instead); every detected field is reported in one note.
    """
    columns = [c for c in columns if c not in ("geometry", LABEL)]
    problems: list[Problem] = []
    detected: list[str] = []

    def pick(role: str, named: str | None, candidates: Sequence[str], option: str, plain: int = 1) -> str | None:
        """The field named, else the first of ``candidates`` present; noted unless one of the first
        ``plain`` (names that say what they hold)."""
        if named is not None:
            if named in columns:
                return named
            found = _find(columns, candidates)
            instead = f"; {role} from {found} instead" if found else ""
            problems.append(Problem(path, f"has no field {named!r} ({option}){instead}", severity=WARNING))
            return found
        found = _find(columns, candidates)
        if found is not None and found not in candidates[:plain]:
            detected.append(f"{role} from {found}")
        return found

    id_field = pick("id", choice.id, ID_FIELDS, "--id-field")
    name_field = pick("name", choice.name, NAME_FIELDS, "--name-field")
    with_units = sum(1 for unit in DECLARED_FIELDS.values() if unit)  # declared_area_km2, declared_area_ha
    declared = pick("declared area", choice.declared, list(DECLARED_FIELDS), "--declared-field", with_units)
    unit = choice.declared_unit or DECLARED_FIELDS.get(declared or "")
    group = _find(columns, GROUP_FIELDS)
    others = [c for c in columns if c != id_field]  # fields that might hold a name
    if name_field is None and choice.name is None and others:
        shown = ", ".join(others[:12]) + (" ..." if len(others) > 12 else "")
        message = (
            f"no name field found ({', '.join(NAME_FIELDS[1:6])} ...): features are named by id; its fields: {shown}"
        )
        problems.append(Problem(path, message + "; --name-field chooses one", severity=NOTE))
    if detected:
        problems.append(
            Problem(
                path,
                ", ".join(detected) + " (detected; --id-field, --name-field, --declared-field choose others)",
                severity=NOTE,
            )
        )
    return Roles(id_field, name_field, declared, unit, group), problems


def guess_unit(declared: np.ndarray, measured_m2: np.ndarray) -> tuple[str, float] | None:
    """The unit in which declared areas best match the measured ones, and the median gap in %.

    An area field's unit is rarely stated (MJ may be m2, ha or mu); the
    measured areas tell them apart, since the units differ by factors of 15
    and more. None when no feature has both a positive declared and measured area.
    """
    declared = np.asarray(declared, dtype=float)
    usable = np.isfinite(declared) & (declared > 0) & np.isfinite(measured_m2) & (measured_m2 > 0)
    if not usable.any():
        return None
    log_ratio = np.log(declared[usable]) - np.log(measured_m2[usable])  # no overflow, whatever the figures
    best = None
    for unit, factor in UNITS.items():
        log_gap = np.median(np.abs(log_ratio + np.log(factor)))
        if best is None or log_gap < best[1]:
            best = (unit, log_gap)
    unit, log_gap = best
    return unit, float(np.expm1(log_gap) * 100)


def fields_to_read(fields: list[str], wanted: tuple[str, ...], path: Path) -> tuple[dict[str, str], list[Problem]]:
    """Of a layer's fields, those wanted and its version dates, each with the name it is read as;
    a field named in other case (dlmc for DLMC: a DBF's names are not case-sensitive elsewhere) is
    read, and said so; an error for each wanted one it lacks."""
    fields = [f for f in fields if f not in ("geometry", LABEL)]
    keep = {f: f for f in fields if f in wanted or f in (timeline.VALID_FROM, timeline.VALID_TO)}
    problems = []
    for name in wanted:
        if name in fields:
            continue
        same = field_named(fields, name)
        if same is not None:
            keep[same] = name
            problems.append(Problem(str(path), f"has no field {name!r}: read {same!r}", severity=NOTE))
        else:
            problems.append(Problem(str(path), f"no field {name!r}; it has: {', '.join(fields) or 'no fields'}"))
    return keep, problems


def field_named(fields: list[str], name: str) -> str | None:
    """The field called ``name``, or the only one called so in other case (a DBF's names are not
    case-sensitive elsewhere); None where there is none, or several."""
    if name in fields:
        return name
    same = [f for f in fields if f.casefold() == name.casefold()]
    return same[0] if len(same) == 1 else None
