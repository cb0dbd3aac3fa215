"""Area summaries: each feature's geodesic area in km2, ha and mu, its share,
the declared figure beside it, and what lies inside it.

One function builds the figures that ``geo area`` prints and that the map's
statistics panel and popups show, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geo.layers import Layer
from geo.measure import UNITS, geodesic_area_m2
from geo.problems import InputError, Problem

NAME_FIELDS = ("name_zh", "name", "name_en", "NAME", "Name")


@dataclass
class AreaSummary:
    """Per-feature (or per-group) areas and the totals."""

    rows: pd.DataFrame
    total: dict
    point_layers: list[str]

    def to_dict(self) -> dict:
        features = self.rows.astype(object).where(self.rows.notna(), None).to_dict("records")
        return {"features": features, "total": self.total}


def _names(frame: pd.DataFrame, labels: pd.Series) -> pd.Series:
    for field in NAME_FIELDS:
        if field in frame.columns:
            return frame[field].where(frame[field].notna(), labels).astype(str)
    return labels.astype(str)


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


def summarise_areas(
    layer: Layer,
    by: str | None = None,
    point_layers: Sequence[Layer] = (),
) -> AreaSummary:
    """Areas of a polygon layer's features (or of groups of them, with ``by``)."""
    require_polygons(layer)
    frame = layer.frame
    area_m2 = geodesic_area_m2(frame.geometry.to_numpy())
    rows = pd.DataFrame(
        {
            "id": frame["id"].astype(str) if "id" in frame.columns else layer.labels,
            "name": _names(frame, layer.labels),
            "area_m2": area_m2,
        }
    )
    if "name_en" in frame.columns:
        rows["name_en"] = frame["name_en"]
    if "declared_area_km2" in frame.columns:
        rows["declared_area_km2"] = pd.to_numeric(frame["declared_area_km2"], errors="coerce")
    counted = []
    for points in point_layers:
        rows[points.name] = count_inside(frame.geometry.to_numpy(), points.frame.geometry.to_numpy())
        counted.append(points.name)
    if by is not None:
        rows = _group(rows, frame, by, counted)
    return _finish(rows, counted)


def _group(rows: pd.DataFrame, frame: pd.DataFrame, by: str, counted: list[str]) -> pd.DataFrame:
    if by not in frame.columns:
        raise ValueError(
            f"no property {by!r} to group by; the layer has: "
            + ", ".join(c for c in frame.columns if c not in ("geometry", "_label"))
        )
    keys = frame[by].astype(object).where(frame[by].notna(), "(none)").astype(str)
    groups = rows.assign(_key=keys.to_numpy()).groupby("_key", sort=True)
    grouped = groups[["area_m2", *counted]].sum()
    if "declared_area_km2" in rows:
        # A group's declared figure is known only when every member declares one.
        grouped["declared_area_km2"] = groups["declared_area_km2"].agg(lambda s: s.sum() if s.notna().all() else np.nan)
    grouped.index.name = None
    grouped.insert(0, "name", grouped.index)
    grouped.insert(0, "id", grouped.index)
    return grouped.reset_index(drop=True)


def _finish(rows: pd.DataFrame, counted: list[str]) -> AreaSummary:
    total_m2 = float(np.nansum(rows["area_m2"]))
    for unit in ("km2", "ha", "mu"):
        rows[f"area_{unit}"] = rows["area_m2"] / UNITS[unit]
    rows["share_pct"] = rows["area_m2"] / total_m2 * 100 if total_m2 else np.nan
    total = {"area_m2": total_m2, **{f"area_{u}": total_m2 / UNITS[u] for u in ("km2", "ha", "mu")}}
    if "declared_area_km2" in rows:
        declared = rows["declared_area_km2"]
        rows["difference_pct"] = (rows["area_km2"] - declared) / declared * 100
        total["declared_area_km2"] = float(declared.sum()) if declared.notna().all() else None
    for name in counted:
        total[name] = int(rows[name].sum())
    return AreaSummary(rows, total, counted)
