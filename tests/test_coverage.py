"""The overlap search that asks only about a layer's frontier and the neighbours of what it finds
gives the same polygons as comparing every pair, and leaves a clean layer's inside alone."""

from __future__ import annotations

import itertools

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.coverage import edge_sharing, overlapping


def quads(n: int, jitter: np.ndarray | None = None, at: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """An n×n grid of four-sided cells sharing their vertices, inner vertices moved by ``jitter``."""
    x, y = np.meshgrid(np.arange(n + 1.0) + at[0], np.arange(n + 1.0) + at[1], indexing="ij")
    if jitter is not None:
        x[1:-1, 1:-1] += jitter[0]
        y[1:-1, 1:-1] += jitter[1]
    corners = [(x[:-1, :-1], y[:-1, :-1]), (x[1:, :-1], y[1:, :-1]), (x[1:, 1:], y[1:, 1:]), (x[:-1, 1:], y[:-1, 1:])]
    return shapely.polygons(np.stack([np.stack(c, axis=-1) for c in corners], axis=2).reshape(-1, 4, 2))


def every_pair(polygons: np.ndarray) -> set[tuple[int, int]]:
    """The independent answer: each polygon compared with every other."""
    left, right = np.triu_indices(len(polygons), k=1)
    shared = shapely.relate_pattern(polygons[left], polygons[right], "2********")
    return set(zip(left[shared].tolist(), right[shared].tolist()))


def frontier(polygons: np.ndarray) -> np.ndarray:
    return edge_sharing(polygons).frontier


def found(polygons: np.ndarray) -> set[tuple[int, int]]:
    return set(zip(*(side.tolist() for side in overlapping(polygons))))


def replaced(cells: np.ndarray, gone: list[int], *added: shapely.Geometry) -> np.ndarray:
    return np.concatenate([np.delete(cells, gone), np.array(added, dtype=object)])


def split_edge(cell: shapely.Polygon) -> shapely.Polygon:
    """The same square with an extra vertex halfway along each edge: it shares no edge exactly."""
    corners = shapely.get_coordinates(cell)
    points = [p for a, b in itertools.pairwise(corners) for p in (a, (a + b) / 2)]
    return shapely.Polygon(points)


GRID = quads(6)
HOLE = shapely.box(2.3, 2.3, 2.7, 2.7)
APART = shapely.box(10, 10, 11, 11)  # a polygon off the grid: each of its edges is its own
LAYOUTS = {
    "clean": GRID,
    "clockwise rings, as a Shapefile has them": shapely.orient_polygons(GRID, exterior_cw=True),
    "a cell twice": np.append(GRID, GRID[14]),
    "a polygon twice, apart from the rest": np.append(GRID, [APART, APART]),
    "a polygon twice, once turning the other way": np.append(
        GRID, [APART, shapely.orient_polygons(APART, exterior_cw=True)]
    ),
    "a cell inside another": np.append(GRID, shapely.box(2.2, 2.2, 2.8, 2.8)),
    "a triangle on two edges of a cell": np.append(GRID, shapely.Polygon([(2, 2), (3, 2), (3, 3)])),
    "a vertex on a neighbour's edge": replaced(GRID, [14], shapely.box(2, 2, 2.5, 3), shapely.box(2.5, 2, 3, 3)),
    "an island filling its hole": replaced(GRID, [14], shapely.box(2, 2, 3, 3).difference(HOLE), HOLE),
    "an island larger than its hole": replaced(
        GRID, [14], shapely.box(2, 2, 3, 3).difference(HOLE), shapely.box(2.2, 2.3, 2.7, 2.7)
    ),
    "a feature of two parts": replaced(GRID, [14, 35], shapely.MultiPolygon([GRID[14], GRID[35]])),
    "two grids laid on each other, half a cell apart": np.concatenate([quads(12), quads(12, at=(0.5, 0.5))]),
    "a grid over the same grid with its edges split": np.concatenate([quads(10), [split_edge(c) for c in quads(10)]]),
}


def test_each_layout_gets_the_answer_of_every_pair():
    for name, polygons in LAYOUTS.items():
        assert found(polygons) == every_pair(polygons), name


def test_layers_far_inside_one_another_are_found_round_by_round():
    """Two grids laid on each other: inside, every polygon shares all its edges with its own grid's
    neighbours, so only the rims are on the frontier, and the rounds reach the middle."""
    stacked = LAYOUTS["two grids laid on each other, half a cell apart"]
    assert len(frontier(stacked)) < len(stacked) / 2
    pairs = found(stacked)
    assert {i for pair in pairs for i in pair} == set(range(len(stacked)))
    assert pairs == every_pair(stacked)


def test_a_clean_layers_inside_is_never_asked_about():
    cells = quads(20)
    rim = {i * 20 + j for i in range(20) for j in range(20) if i in (0, 19) or j in (0, 19)}
    assert set(frontier(cells)) == rim
    assert set(frontier(shapely.orient_polygons(cells, exterior_cw=True))) == rim
    assert found(cells) == set()


def test_neighbours_are_the_pairs_that_share_an_edge():
    sharing = edge_sharing(quads(3))
    pairs = {tuple(sorted(p)) for p in zip(sharing.left, sharing.right)}
    assert pairs == {(0, 1), (1, 2), (3, 4), (4, 5), (6, 7), (7, 8), (0, 3), (3, 6), (1, 4), (4, 7), (2, 5), (5, 8)}


def test_an_overlap_far_inside_is_found_from_the_polygon_that_brings_it():
    """The box over four cells' shared corner has the only edges inside not shared: it alone joins
    the rim on the frontier, and asking about it finds the four cells it overlaps."""
    cells = quads(20)
    inside = np.append(cells, shapely.box(9.5, 9.5, 10.5, 10.5))
    assert set(frontier(inside)) == set(frontier(cells)) | {400}
    assert found(inside) == {(189, 400), (190, 400), (209, 400), (210, 400)}


def test_features_that_are_not_polygons_are_on_the_frontier():
    mixed = np.append(GRID, shapely.GeometryCollection([shapely.box(10, 10, 11, 11), shapely.Point(12, 12)]))
    assert len(GRID) in frontier(mixed)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    clockwise=st.booleans(),
    extra=st.sampled_from(["none", "box", "triangle on vertices", "cell twice", "merge", "grid on grid"]),
    at_hengyang=st.booleans(),
)
def test_irregular_layers_get_the_answer_of_every_pair(seed, clockwise, extra, at_hengyang):
    """Irregular cells, rings turning either way, parts merged, a polygon added on the grid's own
    vertices (where edges are shared in the same direction) or anywhere, a second grid over it;
    in small numbers, or as parcels of 100 m in longitude and latitude at Hengyang."""
    rng = np.random.default_rng(seed)
    n = 8
    cells = quads(n, rng.uniform(-0.3, 0.3, (2, n - 1, n - 1)))
    if clockwise:
        flip = rng.random(len(cells)) < 0.5
        cells[flip] = shapely.orient_polygons(cells[flip], exterior_cw=True)
    if extra == "box":
        x, y = rng.uniform(0, n, 2)
        cells = np.append(cells, shapely.box(x, y, x + rng.uniform(0.05, 2), y + rng.uniform(0.05, 2)))
    elif extra == "triangle on vertices":
        corners = [shapely.get_coordinates(cells[k])[rng.integers(0, 4)] for k in rng.integers(0, len(cells), 3)]
        triangle = shapely.Polygon(corners)
        if shapely.is_valid(triangle) and triangle.area > 0:
            cells = np.append(cells, triangle)
    elif extra == "cell twice":
        cells = np.append(cells, cells[rng.integers(0, len(cells))])
    elif extra == "merge":
        a, b = rng.choice(len(cells), 2, replace=False)
        cells = replaced(cells, [a, b], shapely.union_all([cells[a], cells[b]]))
    elif extra == "grid on grid":
        at = tuple(rng.uniform(-n / 2, n / 2, 2))
        cells = np.concatenate([cells, quads(n, rng.uniform(-0.3, 0.3, (2, n - 1, n - 1)), at=at)])
    if at_hengyang:
        cells = shapely.transform(cells, lambda xy: xy * 1e-3 + [112.6, 26.9])
    assert found(cells) == every_pair(cells)
