"""Checks on a layer read into WGS84: geometry, coordinates, ids and, for a kind, its properties.

Every check is vectorised over the layer and each problem names the file and
the feature. A feature already named in an error is not reported again.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io import LABEL
from geo.io.geojson_rules import short
from geo.problems import ERROR, WARNING, Problem
from geo.schema import Kind
from geo.threads import in_slices

Labels = pd.api.extensions.ExtensionArray  # the features' labels, as the frame holds them

# China's extent with a margin; a point outside it is probably a mistake here.
_CHINA_BOX = (73.0, 18.0, 135.5, 53.6)


def in_china_box(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether each position lies in the box around China that the checks use."""
    with np.errstate(invalid="ignore"):
        return (lon >= _CHINA_BOX[0]) & (lon <= _CHINA_BOX[2]) & (lat >= _CHINA_BOX[1]) & (lat <= _CHINA_BOX[3])


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def check_frame(
    frame: gpd.GeoDataFrame,
    path: Path,
    role: Kind | None,
    reported: set[str],
    ids: pd.Series | None = None,
    unique_ids: bool = True,
) -> list[Problem]:
    """Every problem of a frame in WGS84.

    ``role`` gives the geometry types the layer may hold and, where it has
    fields, the properties it must have (the example's strict schema);
    ``ids`` are the features' ids, which must be unique (a warning where not
    ``unique_ids``).
    """
    name = str(path)
    labels = frame[LABEL].array  # read only where a feature is named: a million labels are not made into objects
    geoms = frame.geometry.to_numpy()
    problems: list[Problem] = []

    def add(rows: np.ndarray, message, severity: str = ERROR) -> None:
        for row in np.flatnonzero(rows):
            if labels[row] not in reported or severity != ERROR:
                text = message(row) if callable(message) else message
                problems.append(Problem(name, text, str(labels[row]), severity))

    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    unreported = ~frame[LABEL].isin(reported).to_numpy() if reported else True
    add(missing & unreported, "has no geometry; every feature needs one")

    types = shapely.get_type_id(geoms)
    if role is not None:
        allowed = [shapely.GeometryType[t.upper()].value for t in role.geometry_types]
        wrong = ~missing & ~np.isin(types, allowed)
        add(
            wrong,
            lambda row: (
                f"is a {geoms[row].geom_type}; a {role.name} layer holds {' or '.join(role.geometry_types)} features"
            ),
        )
    else:
        problems += _mixed_types(types[~missing], name)

    polygonal = np.isin(types, _POLYGONAL_IDS)
    invalid = polygonal & ~in_slices(shapely.is_valid, geoms)
    rows = np.flatnonzero(invalid)
    reasons = dict(zip(rows.tolist(), shapely.is_valid_reason(geoms[rows])))  # words: only for those
    # A valid polygon's coordinates are all numbers (GEOS checks each) and a point's box is the
    # point, so such a feature whose box lies in China's needs no look at its coordinates: only the
    # others are read (a box leaves out coordinates that are not numbers).
    boxes = shapely.bounds(geoms)
    boxed = (types == shapely.GeometryType.POINT) | (polygonal & ~invalid)
    looked_at = ~(boxed & in_china_box(*boxes[:, :2].T) & in_china_box(*boxes[:, 2:].T))
    problems += _coordinate_problems(geoms, labels, name, reported, np.flatnonzero(looked_at))
    zero = np.zeros(len(geoms), dtype=bool)  # a valid polygon has an area: only invalid ones may have none
    zero[invalid] = shapely.area(geoms[invalid]) == 0
    add(
        zero,
        lambda row: (
            f"polygon has zero area ({reasons[row]}): a bowtie, spike or collapsed ring "
            "would drop out of the area statistics; fix the boundary"
        ),
    )
    add(
        invalid & ~zero,
        lambda row: f"invalid polygon: {reasons[row]}; fix the boundary (or --repair applies shapely's make_valid)",
    )

    if role is not None and role.fields:
        problems += _property_problems(frame, labels, name, role)
    if ids is not None:
        problems += _duplicate_ids(ids, name, ERROR if unique_ids else WARNING)
    return problems


_TYPE_NAMES = {
    0: ("Point", "point"),
    1: ("LineString", "line"),
    2: ("LinearRing", "line"),
    3: ("Polygon", "polygon"),
    4: ("MultiPoint", "point"),
    5: ("MultiLineString", "line"),
    6: ("MultiPolygon", "polygon"),
    7: ("GeometryCollection", "collection"),
}


def _mixed_types(types: np.ndarray, name: str) -> list[Problem]:
    """A warning when a layer mixes points, lines and polygons: areas count only its polygons."""
    present = [_TYPE_NAMES[int(t)] for t in np.unique(types) if int(t) in _TYPE_NAMES]
    if len({family for _, family in present}) < 2:
        return []
    names = ", ".join(type_name for type_name, _ in present)
    return [Problem(name, f"mixes {names} features; areas count only the polygons", severity=WARNING)]


def _duplicate_ids(ids: pd.Series, name: str, severity: str) -> list[Problem]:
    duplicated = (ids.notna() & ids.duplicated(keep="first")).to_numpy()
    if not duplicated.any():
        return []
    first: dict[Any, int] = {}
    for row, value in enumerate(ids.tolist()):
        first.setdefault(value, row)
    return [
        Problem(name, f"duplicate id {ids.iloc[row]!r} (also feature #{first[ids.iloc[row]]})", f"#{row}", severity)
        for row in np.flatnonzero(duplicated)
    ]


_POLYGONAL_IDS = [shapely.GeometryType.POLYGON.value, shapely.GeometryType.MULTIPOLYGON.value]


def repair(frame: gpd.GeoDataFrame, path: Path) -> list[Problem]:
    """Fix invalid polygons in place with make_valid, keeping their polygonal parts; say so for each.
    A polygon with a coordinate that is no finite number is left as it is, for the checks to name:
    no repair can say where that vertex was."""
    from geo.measure import geodesic_area_m2

    geoms = frame.geometry.to_numpy().copy()
    polygonal = np.isin(shapely.get_type_id(geoms), _POLYGONAL_IDS)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    finite = np.ones(len(geoms), dtype=bool)
    finite[owner[~np.isfinite(coords).all(axis=1)]] = False
    invalid = np.flatnonzero(polygonal & finite & ~shapely.is_valid(geoms))
    if len(invalid) == 0:
        return []
    reasons = shapely.is_valid_reason(geoms[invalid])
    fixed = shapely.make_valid(geoms[invalid])
    parts = [
        shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")])
        for g in fixed
    ]
    before = geodesic_area_m2(geoms[invalid]) / 1e6
    after = geodesic_area_m2(np.array(parts, dtype=object)) / 1e6
    problems = []
    for row, reason, polygon, old, new in zip(invalid, reasons, parts, before, after, strict=True):
        label = str(frame[LABEL].iloc[row])
        if polygon.is_empty:
            problems.append(
                Problem(str(path), f"make_valid leaves no area ({reason}): a spike or collapsed ring?", label)
            )
            continue
        geoms[row] = polygon
        problems.append(
            Problem(
                str(path),
                f"repaired with make_valid ({reason}): area {old:.6g} km2 as drawn, {new:.6g} km2 repaired",
                label,
                WARNING,
            )
        )
    frame.geometry = geoms
    return problems


def _coordinate_problems(
    geoms: np.ndarray, labels: Labels, name: str, reported: set[str], rows: np.ndarray
) -> list[Problem]:
    """What is wrong with the coordinates of the features ``rows``: not numbers, out of range, or
    outside China."""
    coords, index = shapely.get_coordinates(geoms[rows], return_index=True)
    index = rows[index]
    x, y = coords[:, 0], coords[:, 1]
    bad_number = ~np.isfinite(x) | ~np.isfinite(y)
    out_of_range = ~bad_number & ((np.abs(x) > 180) | (np.abs(y) > 90))
    problems = []
    first_bad: dict[int, str] = {}
    for flag, describe in (
        (bad_number, lambda i: f"coordinate ({x[i]}, {y[i]}) is not a finite number"),
        (out_of_range, lambda i: _range_message(x[i], y[i])),
    ):
        for i in np.flatnonzero(flag):
            first_bad.setdefault(int(index[i]), describe(i))
    for row, message in sorted(first_bad.items()):
        if labels[row] not in reported:
            problems.append(Problem(name, message, str(labels[row])))
    outside = ~bad_number & ~out_of_range & ~in_china_box(x, y)
    for row in np.unique(index[outside]):
        if int(row) not in first_bad:
            problems.append(
                Problem(
                    name,
                    "lies outside China; check its coordinates (or --input-crs)",
                    str(labels[row]),
                    WARNING,
                )
            )
    return problems


def _range_message(x: float, y: float) -> str:
    if abs(x) > 1000 or abs(y) > 1000:
        return f"coordinates ({x:.0f}, {y:.0f}) look projected (metres, not degrees); {likely_systems(x, y)}"
    if abs(y) > 90 and abs(x) <= 90:
        return (
            f"latitude {y} is beyond ±90 and longitude {x} looks like a latitude: "
            "lon/lat swapped? GeoJSON is [longitude, latitude]"
        )
    if abs(y) > 90:
        return f"latitude {y} is beyond ±90"
    return f"longitude {x} is beyond ±180"


def likely_systems(easting: float, northing: float) -> str:
    """What to give for projected coordinates with no system, told from the easting's digits.

    CGCS2000 Gauss-Kruger eastings carry their zone number in front (8 digits:
    38 is the 3-degree zone at 114°E, EPSG:4526) or not (6 digits, and then
    the zone cannot be told: Hengyang lies on the edge between EPSG:4547 and
    EPSG:4546). In Chinese surveying X is the northing: 7 digits first and 6
    second means the columns are swapped.
    """
    digits = len(str(int(abs(easting))))
    if digits == 7 and len(str(int(abs(northing)))) == 6:
        return (
            "X and Y swapped? In Chinese surveying X is the northing: give --swap-xy with --input-crs "
            "(EPSG:4547 or EPSG:4546 at Hengyang)"
        )
    if digits == 8:
        zone = int(abs(easting)) // 1_000_000
        if 25 <= zone <= 45:
            return f"eastings prefixed {zone}: give --input-crs EPSG:{4513 + zone - 25} (CGCS2000 3-degree zone {zone})"
        if 13 <= zone <= 23:
            return f"eastings prefixed {zone}: give --input-crs EPSG:{4491 + zone - 13} (CGCS2000 6-degree zone {zone})"
    return (
        "give --input-crs EPSG:<code>; 6-digit eastings at Hengyang are CGCS2000 Gauss-Kruger "
        "EPSG:4547 (central meridian 114°E) or EPSG:4546 (111°E)"
    )


def _property_problems(frame: pd.DataFrame, labels: Labels, name: str, kind: Kind) -> list[Problem]:
    problems = []
    for spec in kind.fields:
        if spec.name not in frame.columns:
            if not spec.nullable:
                problems.append(
                    Problem(name, f"no feature has the required property {spec.name!r} ({kind.name} layer)")
                )
            continue
        column = frame[spec.name]
        for row in np.flatnonzero(~spec.valid(column)):
            value = column.iloc[row]
            found = "missing" if _is_null(value) else short(value)
            problems.append(
                Problem(
                    name,
                    f"property {spec.name!r} must be {spec.describe()}, found {found}",
                    str(labels[row]),
                )
            )
    return problems
