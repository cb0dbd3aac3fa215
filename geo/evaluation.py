"""The annual land evaluation of development zones (开发区土地集约利用评价): its indicators for each
zone, from an evaluation parcel layer (each 宗地 coded with its current use DLDM, supply status
GYDM, idleness XZDM, high-tech use GXDM, and its floor areas, investment, taxes and population),
or, with less to tell, from the land survey's DLBM codes alone.

A parcel crossing a zone's boundary counts by its area inside (measured on the ellipsoid as
``geo area`` measures, cut as the overlay cuts); its floor areas, investment, taxes and population
are prorated by that share of its area. The definitions follow the indicators of
《开发区土地集约利用评价规程》 as an open implementation of the rules (2015) and a provincial
training deck give them (README: sources); each value comes with its numerator and denominator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.areas import named_features
from geo.coverage import overlapping
from geo.errors import UsageError
from geo.fields import field_named
from geo.io import LABEL
from geo.landuse import class_table, rolled_up
from geo.layers import Layer
from geo.measure import AREA_METHODS, M2_PER_HA
from geo.overlay import pieces_in_zones
from geo.problems import NOTE, WARNING, Problem
from geo.report import Column, Report, Table

CODES = ("DLDM", "GYDM", "XZDM", "GXDM")  # 现状地类, 供应状况, 闲置, 高新技术产业
ATTRIBUTES = ("JZMJ", "JZJDMJ", "GDZCTZZE", "GYSSZE", "ESCYSSZE", "CZRK")  # prorated by area
ROLES = CODES + ATTRIBUTES
LAND_NAMES = {
    "A": "已建成城镇建设用地",
    "A1": "住宅用地",
    "A2": "工矿仓储用地",
    "A31": "交通运输用地",
    "A32": "交通运输用地",
    "A4": "商服用地",
    "A51": "公园绿地",
    "A52": "其他公共服务用地",
    "A6": "其他建成用地",
    "B": "未建成城镇建设用地及其他",
    "B11": "农村工矿仓储用地",
    "B12": "其他农村建设用地",
    "B21": "已达到供地条件的土地",
    "B22": "未达到供地条件的土地",
    "C": "不可建设土地",
    "C1": "河湖及蓄滞洪区",
    "C2": "自然及生态保护区",
    "C3": "其他不可建设土地",
}


def land_label(code: str) -> str:
    """A current use as a legend or a popup names it: "A2 工矿仓储用地" (the code alone if unknown)."""
    return f"{code} {LAND_NAMES.get(code, '')}".strip()


ZONE_TYPE_RULE = (
    "工业主导型 where A2/A > 30% and A1/A < 25%, else 产城融合型: the rule of an open implementation of the "
    "evaluation (2015), not confirmed as the rules' own"
)


@dataclass(frozen=True)
class Indicator:
    """One indicator: its key, Chinese name, unit, how it is computed, and the sums it divides."""

    key: str
    name_zh: str
    unit: str
    method: str
    numerator: str
    denominator: str


INDICATORS = (
    Indicator("development_rate", "土地开发率", "%", "(A + B21) / (A + B)", "A+B21", "A+B"),
    Indicator("supply_rate", "土地供应率", "%", "D / (A + B21)", "D", "A+B21"),
    Indicator("built_rate", "土地建成率", "%", "A / D", "A", "D"),
    Indicator("industrial_land_rate", "工业用地率", "%", "A2 / A", "A2", "A"),
    Indicator("high_tech_land_rate", "高新技术产业用地率", "%", "H / A", "H", "A"),
    Indicator("idle_rate", "土地闲置率", "%", "G / D", "G", "D"),
    Indicator("floor_area_ratio", "综合容积率", "–", "JZMJ on A / A", "JZMJ@A", "A"),
    Indicator("building_density", "建筑密度", "%", "JZJDMJ on A / A", "JZJDMJ@A", "A"),
    Indicator("industrial_floor_area_ratio", "工业用地综合容积率", "–", "JZMJ on A2 / A2", "JZMJ@A2", "A2"),
    Indicator("industrial_building_coverage", "工业用地建筑系数", "%", "JZJDMJ on A2 / A2", "JZJDMJ@A2", "A2"),
    Indicator(
        "industrial_investment_intensity",
        "工业用地固定资产投入强度",
        "万元/公顷",
        "GDZCTZZE on A2 / A2",
        "GDZCTZZE@A2",
        "A2",
    ),
    Indicator("industrial_tax_intensity", "工业用地地均税收", "万元/公顷", "GYSSZE on A2 / A2", "GYSSZE@A2", "A2"),
    Indicator("tax_intensity", "综合地均税收", "万元/公顷", "ESCYSSZE on A / A", "ESCYSSZE@A", "A"),
    Indicator("population_density", "人口密度", "人/公顷", "CZRK / A", "CZRK@all", "A"),
)
SCALE = {"%": 100.0, "–": 1.0, "万元/公顷": M2_PER_HA, "人/公顷": M2_PER_HA}  # a ratio of sums to the unit
# 三调: what the land survey alone tells. 工矿仓储 = 0601 + 0602 + 0603 + 0508 (not the "06" prefix).
SURVEY_INDUSTRIAL = ("0601", "0602", "0603", "0508")
CONSTRUCTION = "建设用地"


@dataclass
class ZoneEvaluation:
    """One zone's indicators, land by code and type, as the JSON document holds them."""

    id: str
    name: str
    area_m2: float
    indicators: dict[str, dict]
    land: dict[str, float]
    zone_type: dict | None = None

    def to_dict(self) -> dict:
        document = {"id": self.id, "name": self.name, "area_m2": self.area_m2, "indicators": self.indicators}
        document["land"] = self.land
        if self.zone_type is not None:
            document["type"] = self.zone_type
        return document


@dataclass
class Evaluation:
    """Every zone's evaluation, and what was guessed or missing to get it."""

    zones: list[ZoneEvaluation]
    source: str  # "evaluation" (the parcels' codes) or "landuse" (三调 DLBM)
    notes: list[Problem] = field(default_factory=list)
    needs_evaluation_layer: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        document = {"source": self.source, "zones": [z.to_dict() for z in self.zones]}
        if self.needs_evaluation_layer:
            document["needs_evaluation_layer"] = self.needs_evaluation_layer
        return document


def role_fields(layer: Layer, given: dict[str, str]) -> tuple[dict[str, str | None], list[Problem]]:
    """Each role's field in the layer: ``given`` (--field ROLE=NAME) or the role's own name, in any
    case; None where the layer has none. DLDM is required."""
    fields = [str(c) for c in layer.frame.columns]
    unknown = sorted(set(given) - set(ROLES))
    if unknown:
        raise UsageError(f"--field {unknown[0]}=...: the roles are {', '.join(ROLES)}")
    found, notes = {}, []
    for role in ROLES:
        wanted = given.get(role, role)
        found[role] = field_named(fields, wanted)
        if found[role] is not None and found[role] != wanted:
            notes.append(Problem(str(layer.path), f"{role} read from the field {found[role]!r}", severity=NOTE))
    if found["DLDM"] is None:
        has = ", ".join(f for f in fields if f not in ("geometry", LABEL))
        raise UsageError(
            f"{layer.path}: no field {given.get('DLDM', 'DLDM')} (现状地类, A1 ... C3) to evaluate by; "
            f"name the layer's field with --field DLDM=NAME (it has: {has})"
        )
    return found, notes


def evaluate(zones: Layer, parcels: Layer, given: dict[str, str] | None = None, method: str = "geodesic") -> Evaluation:
    """The indicators of each zone from an evaluation parcel layer (see the module's definitions)."""
    fields, notes = role_fields(parcels, given or {})
    zone_of, parcel_of, piece_m2 = pieces_in_zones(zones, parcels, method)
    whole_m2 = AREA_METHODS[method](parcels.frame.geometry.to_numpy())[parcel_of]
    share = np.divide(piece_m2, whole_m2, out=np.zeros_like(piece_m2), where=whole_m2 > 0)
    crossing = np.unique(parcel_of[share < 1 - 1e-9])
    if len(crossing):
        notes.append(
            Problem(
                str(parcels.path),
                f"{len(crossing)} parcels cross a zone's boundary: each counts by its area inside, its floor "
                "areas, investment, taxes and population prorated by that share",
                severity=NOTE,
            )
        )
    involved = np.unique(parcel_of)
    first, second = overlapping(parcels.frame.geometry.to_numpy()[involved]) if len(involved) else ([], [])
    if len(first):
        notes.append(
            Problem(
                str(parcels.path),
                f"{len(np.union1d(first, second))} parcels overlap others: the area they share is counted in each "
                "(an evaluation's parcels should not overlap; geo area --overlay shows where)",
                severity=WARNING,
            )
        )
    codes = {role: _codes(parcels, fields[role])[parcel_of] for role in CODES}
    values = {}
    for role in ATTRIBUTES:
        if fields[role] is not None:
            numbers, problem = _numbers(parcels, fields[role])
            notes += problem
            values[role] = numbers[parcel_of] * share
    land = codes["DLDM"]
    built = np.char.startswith(land, "A")
    industrial = np.char.startswith(land, "A2")
    sets = {
        "A": built,
        "A1": np.char.startswith(land, "A1"),
        "A2": industrial,
        "B": np.char.startswith(land, "B"),
        "B21": land == "B21",
        "D": np.char.startswith(codes["GYDM"], "D"),
        "all": np.ones(len(land), dtype=bool),
    }
    sets["G"] = sets["D"] & (codes["XZDM"] == "G")
    sets["H"] = built & np.isin(codes["GXDM"], ["H1", "H2"])
    count = len(zones.frame)

    def area(name: str) -> np.ndarray:
        return sum(np.bincount(zone_of[sets[part]], piece_m2[sets[part]], count) for part in name.split("+"))

    def total(term: str) -> np.ndarray | None:
        if "@" not in term:
            return area(term)
        role, on = term.split("@")
        if role not in values:
            return None
        return np.bincount(zone_of[sets[on]], np.nan_to_num(values[role][sets[on]]), count)

    missing = {role for role in ATTRIBUTES if role not in values} | {r for r in CODES[1:] if fields[r] is None}
    if missing:
        notes.append(
            Problem(
                str(parcels.path),
                f"no field {', '.join(sorted(missing))}: the indicators that need them are null "
                "(--field ROLE=NAME names a field of another name)",
                severity=WARNING,
            )
        )
    zone_m2 = AREA_METHODS[method](zones.frame.geometry.to_numpy())
    sums = {term: total(term) for i in INDICATORS for term in (i.numerator, i.denominator)}  # every zone at once
    needs = {i.key: _fields_needed(i, fields) for i in INDICATORS}
    a, a1, a2 = area("A"), area("A1"), area("A2")
    land_m2 = _by_zone(zone_of, np.where(land == "", "(none)", land), piece_m2, count)
    results = []
    for z, (zone_id, name) in enumerate(zip(zones.ids, zones.names)):
        indicators = {i.key: _value(i, sums[i.numerator], sums[i.denominator], z, needs[i.key]) for i in INDICATORS}
        zone_type = None
        if a[z] > 0:
            kind = "工业主导型" if a2[z] / a[z] > 0.3 and a1[z] / a[z] < 0.25 else "产城融合型"
            zone_type = {"value": kind, "rule": ZONE_TYPE_RULE}
        results.append(ZoneEvaluation(str(zone_id), str(name), float(zone_m2[z]), indicators, land_m2[z], zone_type))
    return Evaluation(results, "evaluation", notes)


def _by_zone(zone_of: np.ndarray, classes: np.ndarray, m2: np.ndarray, count: int) -> list[dict[str, float]]:
    """Each zone's area by class: {class: m2}, for zones 0 .. count - 1."""
    sums = pd.DataFrame({"zone": zone_of, "class": classes, "m2": m2}).groupby(["zone", "class"])["m2"].sum()
    found = {zone: group.droplevel(0).to_dict() for zone, group in sums.groupby(level=0)}
    return [found.get(z, {}) for z in range(count)]


def _fields_needed(indicator: Indicator, fields: dict[str, str | None]) -> list[str]:
    """The roles an indicator needs that the layer lacks."""
    needed = {"DLDM"}
    for term in (indicator.numerator, indicator.denominator):
        if "@" in term:
            needed.add(term.split("@")[0])
        needed |= {"GYDM"} if "D" in term.split("+") or term == "G" else set()
        needed |= {"XZDM"} if term == "G" else set()
        needed |= {"GXDM"} if term == "H" else set()
    return sorted(r for r in needed if fields.get(r) is None)


def _value(indicator: Indicator, top, bottom, z: int, needs: list[str]) -> dict:
    entry = {"name_zh": indicator.name_zh, "unit": indicator.unit, "method": indicator.method}
    if needs:
        note = f"needs {', '.join(needs)}"
        return entry | {"value": None, "numerator": None, "denominator": None, "note": note, "needs": needs}
    numerator, denominator = float(top[z]), float(bottom[z])
    entry |= {"numerator": numerator, "denominator": denominator}
    if denominator == 0:
        return entry | {"value": None, "note": f"the denominator ({indicator.denominator}) is 0 in this zone"}
    return entry | {"value": numerator / denominator * SCALE[indicator.unit]}


def _codes(layer: Layer, name: str | None) -> np.ndarray:
    """A code field's values as upper-case text ("" where missing or where the layer has no field)."""
    if name is None:
        return np.full(len(layer.frame), "")
    column = layer.frame[name].astype(object)
    return column.where(column.notna(), "").map(lambda v: str(v).strip().upper()).to_numpy(dtype=str)


def _numbers(layer: Layer, name: str) -> tuple[np.ndarray, list[Problem]]:
    """An attribute as numbers, 0 where empty; a warning naming features whose value is no number."""
    column = layer.frame[name]
    numbers = pd.to_numeric(column, errors="coerce").astype(float)
    bad = column.notna() & (column.astype(str).str.strip() != "") & numbers.isna()
    problems = []
    if bad.any():
        message = f"{name} of {named_features(layer, bad)} is no number: counted as 0"
        problems.append(Problem(str(layer.path), message, severity=WARNING))
    return numbers.fillna(0.0).to_numpy(), problems


def evaluate_landuse(zones: Layer, survey: Layer, code_field: str = "DLBM", method: str = "geodesic") -> Evaluation:
    """What the land survey alone tells of each zone: its 三大类 and 一级类 areas and the current
    industrial land rate (工矿仓储 0601 + 0602 + 0603 + 0508 ÷ 建设用地)."""
    name = field_named([str(c) for c in survey.frame.columns], code_field)
    if name is None:
        raise UsageError(f"{survey.path}: no field {code_field} (三调 地类编码); name it with --field DLBM=NAME")
    table = class_table()
    zone_of, parcel_of, piece_m2 = pieces_in_zones(zones, survey, method)
    codes = survey.frame[name].astype(object)
    major, notes = rolled_up(codes.rename(code_field), "major", table, str(survey.path))
    first, _ = rolled_up(codes.rename(code_field), "first", table, str(survey.path))
    second, _ = rolled_up(codes.rename(code_field), "second", table, str(survey.path))
    industrial = second.str.split(" ").str[0].isin(SURVEY_INDUSTRIAL).to_numpy()[parcel_of]
    construction = (major == CONSTRUCTION).to_numpy()[parcel_of]
    count = len(zones.frame)
    top = np.bincount(zone_of[industrial], piece_m2[industrial], count)
    bottom = np.bincount(zone_of[construction], piece_m2[construction], count)
    zone_m2 = AREA_METHODS[method](zones.frame.geometry.to_numpy())
    indicator = Indicator(
        "industrial_land_rate", "现状工业用地率", "%", "(0601 + 0602 + 0603 + 0508) / 建设用地", "", ""
    )
    by_major = _by_zone(zone_of, major.to_numpy()[parcel_of], piece_m2, count)
    by_first = _by_zone(zone_of, first.to_numpy()[parcel_of], piece_m2, count)
    results = []
    for z, (zone_id, zone_name) in enumerate(zip(zones.ids, zones.names)):
        indicators = {indicator.key: _value(indicator, top, bottom, z, [])}
        land = by_major[z] | by_first[z]
        results.append(ZoneEvaluation(str(zone_id), str(zone_name), float(zone_m2[z]), indicators, land))
    needs = [i.key for i in INDICATORS if i.key != "industrial_land_rate"]
    notes.append(
        Problem(
            str(survey.path),
            "from the land survey alone: the 三大类 and 一级类 areas and the current industrial land rate; "
            f"{', '.join(needs)} need the evaluation's parcel layer (--parcels)",
            severity=NOTE,
        )
    )
    return Evaluation(results, "landuse", notes, needs)


def evaluation_report(found: Evaluation, path: str) -> Report:
    """The indicator table (指标, 数值, 单位, 计算方法, 分子, 分母) and the land-use status table
    (code, name, area in ha, share) of each zone, and the JSON document."""
    indicator_columns = [
        Column("name_zh", "指标"),
        Column("value", "数值", numeric=True),
        Column("unit", "单位"),
        Column("method", "计算方法"),
        Column("numerator", "分子", numeric=True),
        Column("denominator", "分母", numeric=True),
        Column("note", "说明"),
    ]
    land_columns = [
        Column("code", "代码"),
        Column("name", "名称"),
        Column("area_ha", "面积 (公顷)", numeric=True),
        Column("share_pct", "占比 %", numeric=True),
    ]
    tables = []
    for zone in found.zones:
        rows = list(zone.indicators.values())
        kind = f"，{zone.zone_type['value']}" if zone.zone_type else ""
        tables.append(Table(f"{zone.name} 评价指标（{path}{kind}）", indicator_columns, rows))
        land_rows = [
            {
                "code": code,
                "name": LAND_NAMES.get(code, "") if found.source == "evaluation" else "",
                "area_ha": m2 / M2_PER_HA,
                "share_pct": m2 / zone.area_m2 * 100 if zone.area_m2 else None,
            }
            for code, m2 in sorted(zone.land.items())
        ]
        tables.append(Table(f"{zone.name} 土地利用状况统计表", land_columns, land_rows))
    return Report(tables, found.to_dict())
