"""Whether polygons overlap: cleared by their shared edges, checked by GEOS where those cannot tell.

GEOS's coverage validator (shapely.coverage_is_valid) compares each polygon with its neighbours,
about 10 µs a parcel: at a city's scale, the overlay's longest job. Most of a clean survey layer
needs none of it. Count, for each point off the edges, how many polygons hold it: crossing an edge
changes the count by one, unless the same edge, exactly reversed, is crossed at once in another
polygon. Where two polygons overlap the count is 2 or more, and at the edge of that region it
drops; there, some polygon inside it has an edge shared with no polygon exactly reversed. So only
polygons with such an edge (the frontier: a layer's rim, and wherever vertices are not shared)
and their neighbours need the validator, and that finds every overlap it would find in the whole.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import shapely

from geo.measure import polygon_edges
from geo.threads import THREADS

POLYGON, MULTIPOLYGON = shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON
UNSURE_TURN = 1e-9  # a polygon whose signed area is this small a share of its terms may turn either way


def is_coverage(polygons: np.ndarray) -> bool:
    """Whether no two polygons overlap and those that meet share their vertices, as
    shapely.coverage_is_valid(polygons) says, but asking it only of the frontier's neighbourhood."""
    suspects = frontier(polygons)
    if len(suspects) == 0:
        return True
    neighbourhood = np.unique(shapely.STRtree(polygons).query(polygons[suspects])[1])
    chunks = strips(polygons[neighbourhood])
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return all(pool.map(shapely.coverage_is_valid, chunks))


def frontier(polygons: np.ndarray) -> np.ndarray:
    """The polygons (their positions) with an edge not shared, exactly reversed, by exactly one
    other; and any feature that is not a polygon, and any polygon too thin to know which way it turns."""
    kind = shapely.get_type_id(polygons)
    others = np.flatnonzero(~shapely.is_empty(polygons) & ~np.isin(kind, (POLYGON, MULTIPOLYGON)))
    coords, vertex_part, part_of, edge_starts = polygon_edges(polygons, ~shapely.is_missing(polygons))
    if len(edge_starts) == 0:
        return others
    vertex = pd.factorize(coords.view(np.complex128).ravel())[0].astype(np.int64)  # equal points: one vertex
    edge_part = vertex_part[edge_starts]
    turn, terms = _signed_area(coords, vertex_part, edge_starts, len(part_of))
    unsure = (np.bincount(edge_part, minlength=len(part_of)) > 0) & (np.abs(turn) <= UNSURE_TURN * terms)
    backwards = (turn < 0)[edge_part]  # parts taken anticlockwise (their holes already turn against them)
    start, end = vertex[edge_starts], vertex[edge_starts + 1]
    start, end = np.where(backwards, end, start), np.where(backwards, start, end)
    moving = start != end
    start, end, edge_part = start[moving], end[moving], edge_part[moving]
    segment = pd.factorize(np.minimum(start, end) * len(vertex) + np.maximum(start, end))[0]
    times = np.bincount(segment)
    forwards = np.bincount(segment, weights=start < end)
    shared = (times[segment] == 2) & (forwards[segment] == 1)
    return np.unique(np.concatenate([part_of[edge_part[~shared]], part_of[unsure], others]))


def strips(polygons: np.ndarray, count: int = 2 * THREADS) -> list[np.ndarray]:
    """The polygons in ``count`` strips, west to east, that are each a coverage when the whole is.

    A strip holds its own polygons and every polygon whose box meets theirs: two polygons that
    overlap, or that meet without sharing their vertices, are then checked together in a strip,
    and a part of a valid coverage is one."""
    if len(polygons) < 10_000:
        return [polygons]
    bounds = shapely.bounds(polygons)
    tree = shapely.STRtree(polygons)
    own = np.array_split(np.argsort(bounds[:, 0] + bounds[:, 2]), count)
    boxes = [shapely.box(*bounds[mine, :2].min(axis=0), *bounds[mine, 2:].max(axis=0)) for mine in own]
    return [polygons[tree.query(box)] for box in boxes]


def _signed_area(
    coords: np.ndarray, vertex_part: np.ndarray, edge_starts: np.ndarray, parts: int
) -> tuple[np.ndarray, np.ndarray]:
    """Twice each polygon's signed area (positive anticlockwise), and the sum of its terms' sizes,
    taken about each polygon's first point so that nothing is lost to large coordinates."""
    first = np.flatnonzero(np.diff(vertex_part, prepend=-1) != 0)  # a polygon's points run together
    origin = np.repeat(first, np.diff(np.append(first, len(coords))))
    x, y = (coords[:, k] - coords[origin, k] for k in (0, 1))
    terms = x[edge_starts] * y[edge_starts + 1] - y[edge_starts] * x[edge_starts + 1]
    edge_part = vertex_part[edge_starts]
    return np.bincount(edge_part, weights=terms, minlength=parts), np.bincount(
        edge_part, weights=np.abs(terms), minlength=parts
    )
