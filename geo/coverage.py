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

from geo.threads import THREADS

POLYGON, MULTIPOLYGON = shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON
UNSURE_TURN = 1e-9  # a ring whose signed area is this small a share of its terms may turn either way


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
    other; and any feature that is not a polygon, and any ring too thin to know which way it turns."""
    coords, ring_starts, exterior, ring_owner, others = _rings(polygons)
    if len(coords) == 0:
        return others
    vertex = pd.factorize(coords.view(np.complex128).ravel())[0].astype(np.int64)  # equal points: one vertex
    ring = np.repeat(np.arange(len(exterior)), np.diff(ring_starts))[:-1]  # of each point but the last
    opens = np.ones(len(coords) - 1, dtype=bool)  # whether a point starts an edge: not if it closes its ring
    opens[ring_starts[1:-1] - 1] = False
    turn, terms = _signed_area(coords, ring_starts, opens, ring)
    unsure = np.abs(turn) <= UNSURE_TURN * terms
    edge_ring = ring[opens]
    backwards = ((turn > 0) != exterior)[edge_ring]  # exteriors taken anticlockwise, holes clockwise
    start, end = vertex[:-1][opens], vertex[1:][opens]
    start, end = np.where(backwards, end, start), np.where(backwards, start, end)
    moving = start != end
    start, end, edge_ring = start[moving], end[moving], edge_ring[moving]
    segment = pd.factorize(np.minimum(start, end) * len(vertex) + np.maximum(start, end))[0]
    times = np.bincount(segment)
    forwards = np.bincount(segment, weights=start < end)
    shared = (times[segment] == 2) & (forwards[segment] == 1)
    return np.unique(np.concatenate([ring_owner[edge_ring[~shared]], ring_owner[unsure], others]))


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


def _rings(polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every ring's points end to end: (points, where each ring starts and the last ends, whether
    each is an exterior, the polygon each belongs to, the features that are not polygons).

    A polygon without holes is one ring, read in bulk; only the others are taken apart."""
    kind = shapely.get_type_id(polygons)
    filled = ~shapely.is_empty(polygons)
    polygonal = filled & np.isin(kind, (POLYGON, MULTIPOLYGON))
    one_ring = polygonal & (kind == POLYGON) & (shapely.get_num_interior_rings(polygons) == 0)
    simple, taken_apart, others = (np.flatnonzero(m) for m in (one_ring, polygonal & ~one_ring, filled & ~polygonal))
    parts, part_of = shapely.get_parts(polygons[taken_apart], return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    rings = np.concatenate([polygons[simple], rings])
    sizes = shapely.get_num_coordinates(rings)
    exterior = np.concatenate([np.ones(len(simple), dtype=bool), np.diff(ring_of, prepend=-1) != 0])
    owner = np.concatenate([simple, taken_apart[part_of[ring_of]]])
    return shapely.get_coordinates(rings), np.concatenate([[0], np.cumsum(sizes)]), exterior, owner, others


def _signed_area(
    coords: np.ndarray, ring_starts: np.ndarray, opens: np.ndarray, ring: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Twice each ring's signed area (positive anticlockwise), and the sum of its terms' sizes,
    taken about each ring's first point so that nothing is lost to large coordinates."""
    sizes = np.diff(ring_starts)
    x, y = (coords[:, k] - np.repeat(coords[ring_starts[:-1], k], sizes) for k in (0, 1))
    terms = np.where(opens, x[:-1] * y[1:] - y[:-1] * x[1:], 0.0)
    rings = len(sizes)
    return np.bincount(ring, weights=terms, minlength=rings), np.bincount(ring, weights=np.abs(terms), minlength=rings)
