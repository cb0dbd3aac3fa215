"""Surveyors' vertex lists: a table of one row per boundary point, read as the parcels it describes.

A list holds a parcel key (地块编号, 地块名称 ...), a point number (点号, 序号 ...), the
coordinates and, for holes and further parts, a ring number (圈号); the points of a parcel
are joined in point order. Found from its columns (a key that repeats and a point number),
with a note, or named with ``--parcel-field`` and ``--order-field``.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io import LABEL
from geo.io.coordinate_txt import rings_to_polygon
from geo.problems import NOTE, Problem

PARCEL_FIELDS = ("地块编号", "DKBH", "宗地代码", "ZDDM", "地块名称", "DKMC", "宗地名称", "parcel")
ORDER_FIELDS = ("点号", "界址点号", "序号", "点序", "JZDH", "point", "order")
RING_FIELDS = ("圈号", "环号", "ring")


def vertex_columns(
    frame: pd.DataFrame, parcel_field: str | None, order_field: str | None
) -> tuple[str, str, str | None] | None:
    """(parcel key, point number, ring number or None) of a vertex list, or None for a table of points."""
    columns = list(frame.columns)
    folded = {str(c).casefold(): c for c in columns}

    def find(named: str | None, candidates: tuple[str, ...]) -> str | None:
        if named is not None:
            return named if named in columns else None
        return next((folded[c.casefold()] for c in candidates if c.casefold() in folded), None)

    parcel, order = find(parcel_field, PARCEL_FIELDS), find(order_field, ORDER_FIELDS)
    if parcel is None or order is None:
        return None
    if parcel_field is None and frame[parcel].nunique(dropna=True) == len(frame):
        return None  # every row its own key: points, not the vertices of parcels
    return parcel, order, find(None, RING_FIELDS)


def to_parcels(
    points: gpd.GeoDataFrame, parcel: str, order: str, ring: str | None, name: str, detected: bool
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """One polygon per parcel key, its points joined in point order (J1, J2 ... in number order)."""
    keys = points[parcel].astype(str)
    position = points[order].map(_point_number)
    unnumbered = np.flatnonzero(position.isna().to_numpy())
    if len(unnumbered):
        rows = ", ".join(str(points[LABEL].iloc[i]) for i in unnumbered[:5])
        return None, [Problem(name, f"{order} holds no point number in {len(unnumbered)} row(s) ({rows}): fix them")]
    rings = points[ring].map(_point_number).fillna(1).astype(int) if ring else pd.Series(1, index=points.index)
    xy = shapely.get_coordinates(points.geometry.to_numpy())
    records, geometries, problems = [], [], []
    for key, rows in pd.Series(range(len(points))).groupby(keys.to_numpy(), sort=False):
        rows = rows.to_numpy()
        by_ring: dict[int, list] = {}
        for row in rows[np.argsort(position.to_numpy()[rows], kind="stable")]:
            by_ring.setdefault(int(rings.iloc[row]), []).append(tuple(xy[row]))
        geometry, problem = rings_to_polygon(by_ring)
        if problem:
            problems.append(Problem(name, f"parcel {key!r}: {problem}"))
            continue
        first = points.iloc[rows[0]].drop(labels=[points.geometry.name, order, LABEL, *([ring] if ring else [])])
        records.append(first.to_dict())
        geometries.append(geometry)
    if problems:
        return None, problems
    frame = gpd.GeoDataFrame(records, geometry=geometries)
    frame[LABEL] = frame[parcel].astype(str).to_numpy()
    how = "detected; --parcel-field, --order-field choose others" if detected else "as named"
    rings_said = f", rings by {ring}" if ring else ""
    message = f"a vertex list: {len(frame)} parcels by {parcel}, points in {order} order{rings_said} ({how})"
    return frame, [Problem(name, message, severity=NOTE)]


def _point_number(value: object) -> float:
    """J12 -> 12: the number in a point's name, for ordering."""
    if isinstance(value, bool) or value is None:
        return np.nan
    if isinstance(value, (int, float)):
        return float(value) if np.isfinite(value) else np.nan
    found = re.findall(r"\d+(?:\.\d+)?", str(value))
    return float(found[-1]) if found else np.nan
