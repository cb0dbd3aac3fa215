"""Which polygons of a layer overlap another, found by asking only where overlaps can be.

Comparing each polygon with every neighbour (GEOS's coverage validator takes about 10 µs a
parcel) is, at a city's scale, the overlay's longest job, and most of a survey layer needs none
of it. Count, for each point off the edges, how many polygons hold it: crossing an edge changes
the count by one, unless the same edge, exactly reversed, is crossed at once in another polygon.
Where polygons overlap the count is 2 or more, and that region ends at edges where it drops. So
the polygons with an edge shared with no polygon exactly reversed (the frontier: a layer's rim,
and wherever vertices are not shared) are asked first, then the neighbours of those found to
overlap, round by round (``overlapping``): the cost is what the overlaps touch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from geo.measure import Edges, polygon_edges

POLYGON, MULTIPOLYGON = shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON
UNSURE_TURN = 1e-9  # a polygon whose signed area is this small a share of its terms may turn either way


@dataclass
class EdgeSharing:
    """How a layer's polygons share their edges: the frontier (positions of the polygons with an
    edge not shared, exactly reversed, by exactly one other; any feature that is not a polygon;
    any polygon too thin to know which way it turns) and the pairs of polygons that do share one."""

    frontier: np.ndarray
    left: np.ndarray
    right: np.ndarray


def edge_sharing(polygons: np.ndarray, edges: Edges | None = None) -> EdgeSharing:
    """The frontier and the pairs of polygons that share an edge exactly reversed (``edges``: the
    polygons' polygon_edges, where the caller has them already).

    Edges are matched by sorting a hash of their two end points (sorting is several times faster
    than hashing into a table); the pairs a hash puts together have their coordinates compared,
    so that a collision, or two zeros of different sign, only puts polygons on the frontier."""
    odd = np.flatnonzero(~np.isin(shapely.get_type_id(polygons), (POLYGON, MULTIPOLYGON)))
    others = odd[~shapely.is_empty(polygons[odd])]
    coords, vertex_part, part_of, edge_starts = edges or polygon_edges(polygons)
    none = np.array([], dtype=np.int64)
    if len(edge_starts) == 0:
        return EdgeSharing(others, none, none)
    edge_part = vertex_part[edge_starts]
    points = coords.view(np.complex128).ravel()  # x + iy: a point compared in one go
    begin, end = points[edge_starts], points[edge_starts + 1]
    turn, terms = _signed_area(begin, end, edge_part, len(part_of))
    unsure = (np.bincount(edge_part, minlength=len(part_of)) > 0) & (np.abs(turn) <= UNSURE_TURN * terms)
    backwards = (turn < 0)[edge_part]  # parts taken anticlockwise (their holes already turn against them)
    point = _mixed(_mixed(coords[:, 0].view(np.uint64)) ^ coords[:, 1].view(np.uint64))
    segment = point[edge_starts] + point[edge_starts + 1]  # the same segment, either way round: one key
    # Each edge's number in the key's low bits: sorting the keys alone (several times faster
    # than an argsort) puts each segment's edges together and says which they are.
    bits = np.uint64(max(1, (len(segment) - 1).bit_length()))
    keys = np.sort((segment >> bits << bits) | np.arange(len(segment), dtype=np.uint64))
    order, hashed = (keys & ((np.uint64(1) << bits) - np.uint64(1))).astype(np.int64), keys >> bits
    runs = np.flatnonzero(np.concatenate([[True], hashed[1:] != hashed[:-1], [True]]))
    pair = runs[:-1][np.diff(runs) == 2]  # keys held by exactly two edges: their ends are compared
    first, second = order[pair], order[pair + 1]
    begin_1, end_1, begin_2, end_2 = begin[first], end[first], begin[second], end[second]
    same_way = (begin_1 == begin_2) & (end_1 == end_2)
    other_way = (begin_1 == end_2) & (end_1 == begin_2)
    point_only = begin == end  # an edge from a point to itself borders nothing
    reverse = np.where(backwards[first] == backwards[second], other_way, same_way) & ~point_only[first]
    first, second = first[reverse], second[reverse]
    shared = point_only.copy()
    shared[first] = shared[second] = True
    return EdgeSharing(
        frontier=np.unique(np.concatenate([part_of[edge_part[~shared]], part_of[unsure], others])),
        left=part_of[edge_part[first]],
        right=part_of[edge_part[second]],
    )


def _mixed(bits: np.ndarray) -> np.ndarray:
    """64 bits mixed so that every input bit moves every output bit (SplitMix64's finaliser)."""
    with np.errstate(over="ignore"):
        bits = (bits ^ (bits >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        bits = (bits ^ (bits >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return bits ^ (bits >> np.uint64(31))


def overlapping(
    polygons: np.ndarray, sharing: EdgeSharing | None = None, tree: shapely.STRtree | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (first < second) of (valid) polygons that share area, asking only about the
    frontier and, round by round, the neighbours of the overlapping polygons found (``tree``: one
    of the polygons, where the caller has built it already).

    Why that finds them all: take the polygons not asked about. Their edges are all shared with one
    other polygon; crossing an edge shared between two of them leaves their count unchanged. So
    wherever two of them overlap, the region where their count is 2 or more ends at an edge one
    of them shares with a polygon asked about, which overlaps what lies there (it lies across
    that region's edge): found, and its neighbours asked about in the next round.
    """
    sharing = sharing or edge_sharing(polygons)
    tree = tree or shapely.STRtree(polygons)
    bounds = shapely.bounds(polygons)
    found = np.zeros(len(polygons), dtype=bool)
    asked = np.zeros(len(polygons), dtype=bool)
    pairs = []
    ask = sharing.frontier
    near, beside = np.concatenate([sharing.left, sharing.right]), np.concatenate([sharing.right, sharing.left])
    while len(ask):
        asked[ask] = True
        mine, theirs = tree.query(polygons[ask])
        mine = ask[mine]
        lower = np.maximum(bounds[mine, :2], bounds[theirs, :2])
        upper = np.minimum(bounds[mine, 2:], bounds[theirs, 2:])
        meet = (mine != theirs) & (upper > lower).all(axis=1)  # boxes that meet only on an edge share no area
        mine, theirs = mine[meet], theirs[meet]
        shared = shapely.equals_exact(polygons[mine], polygons[theirs], 0.0)  # a feature drawn twice
        shared[~shared] = shapely.relate_pattern(polygons[mine[~shared]], polygons[theirs[~shared]], "2********")
        pairs.append(np.sort(np.stack([mine[shared], theirs[shared]], axis=1), axis=1))
        new = np.zeros(len(polygons), dtype=bool)
        new[mine[shared]] = new[theirs[shared]] = True
        new &= ~found
        found |= new
        next_round = np.zeros(len(polygons), dtype=bool)
        next_round[new] = True
        next_round[beside[new[near]]] = True
        ask = np.flatnonzero(next_round & ~asked)
    both = np.unique(np.concatenate([np.empty((0, 2), dtype=np.int64), *pairs]), axis=0)
    return both[:, 0], both[:, 1]


def _signed_area(
    begin: np.ndarray, end: np.ndarray, edge_part: np.ndarray, parts: int
) -> tuple[np.ndarray, np.ndarray]:
    """Twice each polygon's signed area (positive anticlockwise), and the sum of its terms' sizes,
    from its edges (points x + iy) as trapezoids down to the layer's first latitude: differences
    in x are exact, and no term is larger than the layer's extent makes it."""
    base = begin[0].imag
    terms = (begin.real - end.real) * ((begin.imag - base) + (end.imag - base))
    return np.bincount(edge_part, weights=terms, minlength=parts), np.bincount(
        edge_part, weights=np.abs(terms), minlength=parts
    )
