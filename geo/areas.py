"""Area summaries: each feature's geodesic area in km2, ha and mu, its share,
the declared figure beside it, and what lies inside it.

One function builds the figures that ``geo area`` prints and that the map's
statistics panel and popups show, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from geo.errors import UsageError
from geo.fields import guess_unit
from geo.io import LABEL
from geo.layers import Layer
from geo.measure import AREA_METHODS, UNIT_LABELS, UNITS
from geo.problems import NOTE, WARNING, InputError, Problem


@dataclass
class AreaSummary:
    """Per-feature (or per-group) areas and the totals, and what was guessed to get them."""

    rows: pd.DataFrame
    total: dict
    point_layers: list[str]
    declared_unit: str | None = None  # the unit of the declared figures, where the layer has them
    notes: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        features = self.rows.astype(object).where(self.rows.notna(), None).to_dict("records")
        return {"features": features, "total": self.total}


def count_inside(polygons: np.ndarray, points: np.ndarray) -> np.ndarray:
    """How many of ``points`` lie inside (or on the edge of) each polygon."""
    if len(points) == 0 or len(polygons) == 0:
        return np.zeros(len(polygons), dtype=int)
    tree = shapely.STRtree(points)
    polygon_index, _ = tree.query(polygons, predicate="intersects")
    return np.bincount(polygon_index, minlength=len(polygons))


def require_polygons(layer: Layer) -> None:
    """Raise InputError naming each feature that is not a polygon: its area would silently be 0."""
    types = layer.frame.geom_type.to_numpy()
    wrong = ~np.isin(types, ["Polygon", "MultiPolygon"])
    if wrong.any():
        raise InputError(
            Problem(str(layer.path), f"is a {t}; areas need Polygon or MultiPolygon features", str(label))
            for t, label in zip(types[wrong], layer.labels.to_numpy()[wrong], strict=True)
        )


def declared_areas(layer: Layer, area_m2: np.ndarray) -> tuple[pd.Series | None, str | None, list[Problem]]:
    """The declared areas in m2, their unit, and a note where the unit was guessed.

    The field is the user's (``--declared-field``) or a usual one (MJ, 面积,
    declared_area_km2); a unit the field's name does not tell is the one in
    which the declared figures match the measured areas best, and is reported.
    """
    field_name = layer.roles.declared
    if field_name is None:
        return None, None, []
    values, notes = _finite_figures(layer, field_name)
    unit = layer.roles.declared_unit
    if unit is None:
        guess = guess_unit(values.to_numpy(dtype=float), area_m2)
        if guess is None:
            return None, None, notes
        unit, gap = guess
        if gap > MATCHES_NO_UNIT_PCT:
            message = (
                f"{field_name} matches the measured areas in no unit of area (m², ha, 亩, km²: the median gap is "
                f"{gap:.2g}% at best): not compared; --declared-unit compares it in one"
            )
            return None, None, [*notes, Problem(str(layer.path), message, severity=WARNING)]
        notes.append(
            Problem(
                str(layer.path),
                f"{field_name} read as {UNIT_LABELS[unit]}: in that unit it matches the measured areas "
                f"(median gap {gap:.2g}%); --declared-unit chooses another",
                severity=NOTE,
            )
        )
    declared_m2 = values * UNITS[unit]
    beyond = declared_m2 > EARTH_SURFACE_M2
    if beyond.any():
        message = (
            f"{field_name} of {named_features(layer, beyond)} is more than the Earth's surface in {UNIT_LABELS[unit]}: "
            "not compared"
        )
        notes.append(Problem(str(layer.path), message, severity=WARNING))
    return declared_m2.where(~beyond), unit, notes


MATCHES_NO_UNIT_PCT = 100.0  # a unit is a match within a factor of 2; the units differ by 15 and more
EARTH_SURFACE_M2 = 5.1e14  # a declared area beyond it is a garbled figure, not an area


def _finite_figures(layer: Layer, field_name: str) -> tuple[pd.Series, list[Problem]]:
    """A declared-area field as numbers, NaN where a figure is missing; a warning naming the
    features whose figure is there but no finite number (text, 1e999, a 400-digit integer)."""
    column = layer.frame[field_name]
    try:
        values = pd.to_numeric(column, errors="coerce").astype(float)
    except (OverflowError, TypeError):  # integers beyond any float
        values = pd.to_numeric(column.map(_as_float), errors="coerce").astype(float)
    bad = column.notna() & ~np.isfinite(values)
    values = values.where(np.isfinite(values))
    if not bad.any():
        return values, []
    message = f"{field_name} of {named_features(layer, bad)} is no finite number: not compared"
    return values, [Problem(str(layer.path), message, severity=WARNING)]


def named_features(layer: Layer, which: pd.Series) -> str:
    """``3 feature(s) (z1, z7, #9)``: how many, and the first few by name."""
    names = ", ".join(layer.labels[which].astype(str).head(5)) + (" ..." if which.sum() > 5 else "")
    return f"{int(which.sum())} feature(s) ({names})"


def _as_float(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return float("nan")


def summarise_areas(
    layer: Layer,
    by: str | None = None,
    point_layers: Sequence[Layer] = (),
    method: str = "geodesic",
) -> AreaSummary:
    """Areas of a polygon layer's features (or of groups of them, with ``by``), by ``method``
    (``geodesic`` or ``survey``, see geo.measure)."""
    require_polygons(layer)
    frame = layer.frame
    area_m2 = AREA_METHODS[method](frame.geometry.to_numpy())
    rows = pd.DataFrame({"id": layer.ids, "name": layer.names, "area_m2": area_m2})
    if "name_en" in frame.columns:
        rows["name_en"] = frame["name_en"]
    declared_m2, unit, notes = declared_areas(layer, area_m2)
    if declared_m2 is not None:
        rows["declared_m2"] = declared_m2
    counted = []
    for points in point_layers:
        rows[points.name] = count_inside(frame.geometry.to_numpy(), points.frame.geometry.to_numpy())
        counted.append(points.name)
    if by is not None:
        rows = _group(rows, frame, by, counted)
    summary = _finish(rows, counted, unit)
    summary.notes = notes
    return summary


def _group(rows: pd.DataFrame, frame: pd.DataFrame, by: str, counted: list[str]) -> pd.DataFrame:
    if by not in frame.columns:
        raise UsageError(
            f"no property {by!r} to group by; the layer has: "
            + ", ".join(c for c in frame.columns if c not in ("geometry", LABEL))
        )
    keys = frame[by].astype(object).where(frame[by].notna(), "(none)").astype(str)
    groups = rows.assign(_key=keys.to_numpy()).groupby("_key", sort=True)
    grouped = groups[["area_m2", *counted]].sum()
    if "declared_m2" in rows:
        # A group's declared figure is known only when every member declares one.
        grouped["declared_m2"] = groups["declared_m2"].agg(lambda s: s.sum() if s.notna().all() else np.nan)
    grouped.index.name = None
    grouped.insert(0, "name", grouped.index)
    grouped.insert(0, "id", grouped.index)
    return grouped.reset_index(drop=True)


def _in_units(area_m2: pd.Series | float, prefix: str) -> dict:
    return {f"{prefix}_{unit}": area_m2 / UNITS[unit] for unit in ("km2", "ha", "mu")}


def _finish(rows: pd.DataFrame, counted: list[str], declared_unit: str | None) -> AreaSummary:
    total_m2 = float(np.nansum(rows["area_m2"]))
    for name, values in _in_units(rows["area_m2"], "area").items():
        rows[name] = values
    rows["share_pct"] = rows["area_m2"] / total_m2 * 100 if total_m2 else np.nan
    total = {"area_m2": total_m2, **_in_units(total_m2, "area"), "share_pct": 100.0 if total_m2 else None}
    if "declared_m2" in rows:
        declared = rows["declared_m2"]
        rows["declared_area_km2"] = declared / UNITS["km2"]
        rows["declared"] = declared / UNITS[declared_unit]
        rows["difference_pct"] = ((rows["area_m2"] - declared) / declared * 100).where(declared > 0)
        total_declared = float(declared.sum()) if declared.notna().all() else None
        total["declared_m2"] = total_declared
        total["declared_area_km2"] = None if total_declared is None else total_declared / UNITS["km2"]
        total["declared"] = None if total_declared is None else total_declared / UNITS[declared_unit]
        total["difference_pct"] = (total_m2 - total_declared) / total_declared * 100 if total_declared else None
    for name in counted:
        total[name] = int(rows[name].sum())
    return AreaSummary(rows, total, counted, declared_unit)
