"""Measuring on the ellipsoid: areas, distances and area units.

Areas are ellipsoidal, never Web Mercator (+26% at Hengyang), UTM (up to 0.2% off) or degrees.
Two methods: ``geodesic`` (the default: WGS84, each edge a geodesic, as pyproj.Geod measures)
and ``survey`` (the official method of China's land surveys: CGCS2000, each edge a straight
line in longitude and latitude). Both are vectorised over every edge of every polygon.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod

GEOD = Geod(ellps="WGS84")

M2_PER_KM2 = 1_000_000.0
M2_PER_HA = 10_000.0
M2_PER_MU = 10_000.0 / 15.0  # 1 mu (亩) = 1/15 ha = 666.67 m2

UNITS = {"m2": 1.0, "km2": M2_PER_KM2, "ha": M2_PER_HA, "mu": M2_PER_MU}
UNIT_LABELS = {"km2": "km²", "ha": "ha", "mu": "mu (亩)", "m2": "m²"}  # as reports and messages show them


Edges = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # what polygon_edges returns


def geodesic_area_m2(geometries: np.ndarray, edges: Edges | None = None) -> np.ndarray:
    """Area in m2 of each WGS84 geometry, its edges geodesics; 0 for points and lines, NaN for missing.

    Vectorised: each edge's share of the area is integrated along the geodesic (below).
    Polygons with an edge over 10 km are measured one by one with pyproj.Geod (Karney).
    ``edges``: the geometries' polygon_edges, where the caller has them already.
    """
    geoms = np.asarray(geometries, dtype=object)
    areas, longest = _ellipsoidal_area(geoms, WGS84_AXES, True, edges)
    for i in np.flatnonzero(longest > LONG_EDGE_M):
        areas[i] = abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(geoms[i]))[0])
    return areas


def survey_area_m2(geometries: np.ndarray, edges: Edges | None = None) -> np.ndarray:
    """The ellipsoidal area of China's land surveys (国土调查办发〔2008〕32号, with CGCS2000's
    ellipsoid as the third survey applies it): each edge a straight line in longitude and
    latitude, the area the exact integral over the ellipsoid (the official series formula
    sums the same integral). A survey layer's TBMJ is this figure."""
    return _ellipsoidal_area(np.asarray(geometries, dtype=object), CGCS2000_AXES, False, edges)[0]


AREA_METHODS = {"geodesic": geodesic_area_m2, "survey": survey_area_m2}

# (a, f) of the ellipsoids; CGCS2000 differs from WGS84 in f only, by 1e-11.
WGS84_AXES = (6378137.0, 1 / 298.257223563)
CGCS2000_AXES = (6378137.0, 1 / 298.257222101)
LONG_EDGE_M = 10_000.0  # beyond this a geodesic is not close enough to a parabola in (lon, lat)
# A polygon's area is a sum of edge integrals far larger than itself (about 1e13 m2 per radian of
# longitude), which cancel; the sum's rounding is a few ulps of the terms' magnitudes. A bow-tie's
# halves cancel to that noise, which is no area: below this share of the terms' absolute sum.
ROUNDING_FLOOR = 64 * np.finfo(float).eps
# Gauss-Legendre nodes and weights on [0, 1]. Two nodes integrate an edge spanning under 0.1° of
# latitude to 1e-12 of its area, as four do (checked in the tests); longer edges take four,
# exact to 1e-15 for a few km and to 4e-9 of the area for an edge across 25° of latitude.
SHORT_EDGE_DEG = 0.1
EDGES_PER_BLOCK = 1 << 14  # edges measured at once: numpy's temporaries then stay in the cache
_GAUSS = {n: ((x + 1) / 2, w / 2) for n, (x, w) in ((n, np.polynomial.legendre.leggauss(n)) for n in (2, 4))}


def _ellipsoidal_area(geoms: np.ndarray, axes: tuple[float, float], geodesic_edges: bool, edges: Edges | None):
    """Each geometry's area in m2 and its longest edge in m (NaN area for missing geometries).

    By Green's theorem the area of a ring on the ellipsoid is -∮ F(φ) dλ, where
    F(φ) = b²/2 · [sinφ/(1 − e² sin²φ) + artanh(e sinφ)/e] is the area from the equator to φ
    per radian of longitude. Each edge's integral is taken by Gauss-Legendre along the edge: a
    straight line in (λ, φ), or, for a geodesic, the parabola through its end points and its
    geodesic midpoint, which a geodesic of under 10 km follows to well under a millimetre.
    Geometries with a longer edge are left to pyproj.Geod by the caller (``longest``).
    """
    a, f = axes
    areas = np.full(len(geoms), np.nan)
    longest = np.zeros(len(geoms))
    present = ~shapely.is_missing(geoms)
    areas[present] = 0.0
    coords, vertex_part, part_of, edge_starts = edges or polygon_edges(geoms, present)
    if len(edge_starts) == 0:
        return areas, longest
    edge_part = vertex_part[edge_starts]
    edge_integral = np.empty(len(edge_starts))
    edge_length = np.zeros(len(edge_starts))
    for block in range(0, len(edge_starts), EDGES_PER_BLOCK):
        starts = edge_starts[block : block + EDGES_PER_BLOCK]
        found = _edge_integrals(*coords[starts].T, *coords[starts + 1].T, a, f, geodesic_edges)
        edge_integral[block : block + len(starts)], edge_length[block : block + len(starts)] = found
    np.maximum.at(longest, part_of[edge_part], edge_length)
    # Each polygon's area whatever way round it turns, its holes turned against it; a bow-tie's
    # two halves cancel to rounding noise, which is no area.
    part_m2 = np.abs(np.bincount(edge_part, weights=edge_integral, minlength=len(part_of)))
    part_m2[part_m2 < _noise_floor_m2(edge_part, edge_integral, len(part_of))] = 0.0
    areas[present] = np.bincount(part_of, weights=part_m2, minlength=len(geoms))[present]
    return areas, longest


def _noise_floor_m2(edge_part: np.ndarray, edge_integral: np.ndarray, parts: int) -> np.ndarray:
    """Each polygon's rounding floor: what its sum of edge integrals cannot tell from zero."""
    return ROUNDING_FLOOR * np.bincount(edge_part, weights=np.abs(edge_integral), minlength=parts)


def _edge_integrals(lon1, lat1, lon2, lat2, a: float, f: float, geodesic_edges: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each edge's share of the area, ∫ F(φ) dλ along it (straight in λ, φ or a geodesic), and its
    length in m to 1% for geodesics (0 otherwise)."""
    bend_lon = bend_lat = length = np.zeros(len(lon1))
    if geodesic_edges:
        bend_lon, bend_lat, length = _geodesic_bends(lon1, lat1, lon2, lat2, a, f)
    integral = np.empty(len(lon1))
    short = np.abs(lat2 - lat1) < SHORT_EDGE_DEG
    for nodes, edges in ((2, short), (4, ~short)):
        t, w = (g[:, None] for g in _GAUSS[nodes])
        lat = np.radians(lat1[edges]) + np.radians(lat2[edges] - lat1[edges]) * t + 4 * bend_lat[edges] * t * (1 - t)
        dlon_dt = np.radians(lon2[edges] - lon1[edges]) + 4 * bend_lon[edges] * (1 - 2 * t)
        integral[edges] = (w * _area_to_equator(lat, a, f) * dlon_dt).sum(axis=0)
    return integral, length


def polygon_edges(geoms: np.ndarray, present: np.ndarray | None = None) -> Edges:
    """The vertices of the geometries' polygons, each vertex's polygon, each polygon's geometry,
    and the index of each edge's first vertex: what the areas are summed over, and the edges the
    overlap test (geo.coverage) matches. A polygon's vertices run together.

    Polygons without holes (nearly all of a survey layer) give their vertices straight from the
    polygon; only holed ones are split into rings (turned so that holes subtract), which costs a
    geometry object per ring.
    """
    present = ~shapely.is_missing(geoms) if present is None else present
    types = shapely.get_type_id(geoms)
    if np.all(types[present] == 3):  # all plain polygons: no parts to split
        parts, part_of = geoms[present], np.flatnonzero(present)
    else:
        parts, part_of = shapely.get_parts(geoms, return_index=True)
        polygons = shapely.get_type_id(parts) == 3
        parts, part_of = parts[polygons], part_of[polygons]
    holed = shapely.get_num_interior_rings(parts) > 0
    if not holed.any():  # a survey layer's usual case: each polygon's vertices are its one ring's
        coords, vertex_part = shapely.get_coordinates(parts, return_index=True)
        return coords, vertex_part, part_of, np.flatnonzero(vertex_part[1:] == vertex_part[:-1])
    order = np.concatenate([np.flatnonzero(~holed), np.flatnonzero(holed)])
    plain_coords, plain_of = shapely.get_coordinates(parts[~holed], return_index=True)
    rings, ring_of = shapely.get_rings(shapely.orient_polygons(parts[holed]), return_index=True)
    ring_coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    coords = np.concatenate([plain_coords, ring_coords])
    vertex_part = order[np.concatenate([plain_of, np.count_nonzero(~holed) + ring_of[coord_ring]])]
    # Rings numbered past the plain polygons, so that no edge joins two rings.
    vertex_ring = np.concatenate([plain_of, coord_ring + np.count_nonzero(~holed)])
    edge_starts = np.flatnonzero(vertex_ring[1:] == vertex_ring[:-1])
    return coords, vertex_part, part_of, edge_starts


def _area_to_equator(lat: np.ndarray, a: float, f: float) -> np.ndarray:
    """F(φ): the area in m2 between the equator and latitude φ (radians) per radian of longitude."""
    b2, e = (a * (1 - f)) ** 2, np.sqrt(f * (2 - f))
    sin = np.sin(lat)
    return b2 / 2 * (sin / (1 - (e * sin) ** 2) + np.arctanh(e * sin) / e)


def _geodesic_bends(lon1, lat1, lon2, lat2, a: float, f: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How far (radians of longitude and latitude) each geodesic's midpoint lies from the straight
    line's in (λ, φ), and the edges' lengths in m to within 1%.

    Under 1 km, from the geodesic's own equations in (λ, φ) on the ellipsoid (with W² = 1 − e² sin²φ,
    at the middle latitude): φ'' = −sinφ cosφ [W²/(1 − e²) λ'² + 3e²/W² φ'²] and
    λ'' = 2 (tanφ − e² sinφ cosφ / W²) λ' φ', the midpoint lying −x''/8 off the chord. That is within
    1e-8 m of pyproj.Geod's midpoint up to 70° of latitude, and areas within 1e-4 m² of Geod's
    (tested). Longer edges take Geod's.
    """
    e2 = f * (2 - f)
    middle = np.radians(lat1 + lat2) / 2
    sin, cos = np.sin(middle), np.cos(middle)
    dlon, dlat = np.radians(lon2 - lon1), np.radians(lat2 - lat1)
    length = a * np.hypot(dlon * cos, dlat)
    w2 = 1 - e2 * sin**2
    bend_lat = sin * cos / 8 * (w2 / (1 - e2) * dlon**2 + 3 * e2 / w2 * dlat**2)
    bend_lon = -(sin / cos - e2 * sin * cos / w2) * dlon * dlat / 4
    long = length > 1_000.0
    azimuth, _, distance = GEOD.inv(lon1[long], lat1[long], lon2[long], lat2[long])
    mid_lon, mid_lat, _ = GEOD.fwd(lon1[long], lat1[long], azimuth, distance / 2)
    bend_lon[long] = np.radians(mid_lon - (lon1[long] + lon2[long]) / 2)
    bend_lat[long] = np.radians(mid_lat - (lat1[long] + lat2[long]) / 2)
    return bend_lon, bend_lat, length


def geodesic_distance_m(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Geodesic distance in metres between pairs of WGS84 points."""
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]
