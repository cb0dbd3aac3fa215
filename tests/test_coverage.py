"""The overlap test that asks GEOS's validator only about a layer's frontier gives the validator's
answer on the whole layer, and leaves a clean layer's inside alone."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.coverage import frontier, is_coverage, strips


def quads(n: int, jitter: np.ndarray | None = None) -> np.ndarray:
    """An n×n grid of four-sided cells sharing their vertices, inner vertices moved by ``jitter``."""
    x, y = np.meshgrid(np.arange(n + 1.0), np.arange(n + 1.0), indexing="ij")
    if jitter is not None:
        x[1:-1, 1:-1] += jitter[0]
        y[1:-1, 1:-1] += jitter[1]
    corners = [(x[:-1, :-1], y[:-1, :-1]), (x[1:, :-1], y[1:, :-1]), (x[1:, 1:], y[1:, 1:]), (x[:-1, 1:], y[:-1, 1:])]
    return shapely.polygons(np.stack([np.stack(c, axis=-1) for c in corners], axis=2).reshape(-1, 4, 2))


def replaced(cells: np.ndarray, gone: list[int], *added: shapely.Geometry) -> np.ndarray:
    return np.concatenate([np.delete(cells, gone), np.array(added, dtype=object)])


GRID = quads(6)
HOLE = shapely.box(2.3, 2.3, 2.7, 2.7)
APART = shapely.box(10, 10, 11, 11)  # a polygon off the grid: each of its edges is its own
LAYOUTS = {
    "clean": (GRID, True),
    "clockwise rings, as a Shapefile has them": (shapely.orient_polygons(GRID, exterior_cw=True), True),
    "a cell twice": (np.append(GRID, GRID[14]), False),
    "a polygon twice, apart from the rest": (np.append(GRID, [APART, APART]), False),
    "a polygon twice, once turning the other way": (
        np.append(GRID, [APART, shapely.orient_polygons(APART, exterior_cw=True)]),
        False,
    ),
    "a cell inside another": (np.append(GRID, shapely.box(2.2, 2.2, 2.8, 2.8)), False),
    "a triangle on two edges of a cell": (np.append(GRID, shapely.Polygon([(2, 2), (3, 2), (3, 3)])), False),
    "a vertex on a neighbour's edge": (
        replaced(GRID, [14], shapely.box(2, 2, 2.5, 3), shapely.box(2.5, 2, 3, 3)),
        False,
    ),
    "an island filling its hole": (replaced(GRID, [14], shapely.box(2, 2, 3, 3).difference(HOLE), HOLE), True),
    "an island larger than its hole": (
        replaced(GRID, [14], shapely.box(2, 2, 3, 3).difference(HOLE), shapely.box(2.2, 2.3, 2.7, 2.7)),
        False,
    ),
    "a feature of two parts": (replaced(GRID, [14, 35], shapely.MultiPolygon([GRID[14], GRID[35]])), True),
}


def test_each_layout_gets_the_validators_answer():
    for name, (polygons, clean) in LAYOUTS.items():
        assert shapely.coverage_is_valid(polygons) == clean, name  # the layouts are what they say
        assert is_coverage(polygons) == clean, name


def test_a_clean_layers_inside_is_never_given_to_the_validator():
    cells = quads(20)
    rim = {i * 20 + j for i in range(20) for j in range(20) if i in (0, 19) or j in (0, 19)}
    assert set(frontier(cells)) == rim
    assert set(frontier(shapely.orient_polygons(cells, exterior_cw=True))) == rim


def test_an_overlap_far_inside_is_found_from_the_polygon_that_brings_it():
    """The box over four cells' shared corner has the only edges inside not shared: it alone joins
    the rim on the frontier, and the validator, given it and its neighbours, finds the overlap."""
    cells = quads(20)
    inside = np.append(cells, shapely.box(9.5, 9.5, 10.5, 10.5))
    assert set(frontier(inside)) == set(frontier(cells)) | {400}
    assert not is_coverage(inside)


def test_features_that_are_not_polygons_are_left_to_the_validator():
    mixed = np.append(GRID, shapely.GeometryCollection([shapely.box(10, 10, 11, 11), shapely.Point(12, 12)]))
    assert len(GRID) in frontier(mixed)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    clockwise=st.booleans(),
    extra=st.sampled_from(["none", "box", "triangle on vertices", "cell twice", "merge"]),
)
def test_irregular_layers_get_the_validators_answer(seed, clockwise, extra):
    """Irregular cells, rings turning either way, parts merged, a polygon added on the grid's own
    vertices (where edges are shared in the same direction) or anywhere."""
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
    assert is_coverage(cells) == shapely.coverage_is_valid(cells)


def test_overlaps_are_found_across_the_strips_the_check_is_split_into():
    cells = quads(120)
    for overlapping in (False, True):
        polygons = np.append(cells, shapely.box(59.5, 30, 60.5, 30.5)) if overlapping else cells
        parts = strips(polygons)
        assert len(parts) > 1
        assert all(shapely.coverage_is_valid(part) for part in parts) == (not overlapping)
