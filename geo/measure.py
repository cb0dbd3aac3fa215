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


def geodesic_area_m2(geometries: np.ndarray) -> np.ndarray:
    """Area in m2 of each WGS84 geometry, its edges geodesics; 0 for points and lines, NaN for missing.

    Vectorised: each edge's share of the area is integrated along the geodesic (below).
    Polygons with an edge over 10 km are measured one by one with pyproj.Geod (Karney).
    """
    geoms = np.asarray(geometries, dtype=object)
    areas, longest = _ellipsoidal_area(geoms, WGS84_AXES, geodesic_edges=True)
    for i in np.flatnonzero(longest > LONG_EDGE_M):
        areas[i] = abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(geoms[i]))[0])
    return areas


def survey_area_m2(geometries: np.ndarray) -> np.ndarray:
    """The ellipsoidal area of China's land surveys (国土调查办发〔2008〕32号, with CGCS2000's
    ellipsoid as the third survey applies it): each edge a straight line in longitude and
    latitude, the area the exact integral over the ellipsoid (the official series formula
    sums the same integral). A survey layer's TBMJ is this figure."""
    return _ellipsoidal_area(np.asarray(geometries, dtype=object), CGCS2000_AXES, geodesic_edges=False)[0]


AREA_METHODS = {"geodesic": geodesic_area_m2, "survey": survey_area_m2}

# (a, f) of the ellipsoids; CGCS2000 differs from WGS84 in f only, by 1e-11.
WGS84_AXES = (6378137.0, 1 / 298.257223563)
CGCS2000_AXES = (6378137.0, 1 / 298.257222101)
LONG_EDGE_M = 10_000.0  # beyond this a geodesic is not close enough to a parabola in (lon, lat)
NOISE_M2 = 1e-6  # the floating-point floor of a sum of edge integrals of about 1e13 m2 per radian
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(4)  # exact to 1e-15 for edges of a few km
_T, _W = (_NODES + 1) / 2, _WEIGHTS / 2  # Gauss-Legendre on [0, 1]


def _ellipsoidal_area(geoms: np.ndarray, axes: tuple[float, float], geodesic_edges: bool):
    """Each geometry's area in m2 and its longest edge in m (NaN area for missing geometries).

    By Green's theorem the area of a ring on the ellipsoid is -∮ F(φ) dλ, where
    F(φ) = b²/2 · [sinφ/(1 − e² sin²φ) + artanh(e sinφ)/e] is the area from the equator to φ
    per radian of longitude. Each edge's integral is taken by 4-point Gauss-Legendre along the
    edge: a straight line in (λ, φ), or, for a geodesic, the parabola through its end points and
    its geodesic midpoint, which a geodesic of under 10 km follows to well under a millimetre.
    """
    a, f = axes
    b2, e = (a * (1 - f)) ** 2, np.sqrt(f * (2 - f))
    areas = np.full(len(geoms), np.nan)
    longest = np.zeros(len(geoms))
    present = ~shapely.is_missing(geoms)
    areas[present] = 0.0
    types = shapely.get_type_id(geoms)
    if np.all(types[present] == 3):  # all plain polygons (a survey layer): no parts to split
        parts, part_of = geoms[present], np.flatnonzero(present)
    else:
        parts, part_of = shapely.get_parts(geoms, return_index=True)
    # The sum is taken whole per geometry, so only holes need their rings the other way round.
    holed = shapely.get_num_interior_rings(parts) > 0
    parts[holed] = shapely.orient_polygons(parts[holed])
    polygons = shapely.get_type_id(parts) == 3
    rings, ring_of = shapely.get_rings(parts[polygons], return_index=True)
    geom_of_ring = part_of[polygons][ring_of]
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return areas, longest
    same = coord_ring[1:] == coord_ring[:-1]
    lon1, lat1 = coords[:-1][same].T
    lon2, lat2 = coords[1:][same].T
    edge_geom = geom_of_ring[coord_ring[:-1][same]]
    dlon, dlat = np.radians(lon2 - lon1), np.radians(lat2 - lat1)
    bend_lon = bend_lat = np.zeros_like(dlon)
    start, end = _on_auxiliary_sphere(lon1, lat1, f), _on_auxiliary_sphere(lon2, lat2, f)
    chord = a * np.linalg.norm(end - start, axis=1)  # within 0.3% of the edge's length: enough to sort edges
    np.maximum.at(longest, edge_geom, chord)
    if geodesic_edges:
        # A geodesic is a great circle on the auxiliary sphere of reduced latitudes, to O(f) in its
        # longitudes: that moves the midpoint of an edge under 1 km by under 0.1 mm. Longer edges
        # take their midpoint from pyproj.Geod.
        middle = start + end
        middle /= np.linalg.norm(middle, axis=1)[:, None]
        mid_lon = np.degrees(np.arctan2(middle[:, 1], middle[:, 0]))
        mid_lat = np.degrees(np.arctan(np.tan(np.arcsin(middle[:, 2])) / (1 - f)))
        long = chord > 1_000.0
        azimuth, _, length = GEOD.inv(lon1[long], lat1[long], lon2[long], lat2[long])
        mid_lon[long], mid_lat[long], _ = GEOD.fwd(lon1[long], lat1[long], azimuth, length / 2)
        bend_lon = np.radians(mid_lon - (lon1 + lon2) / 2)
        bend_lat = np.radians(mid_lat - (lat1 + lat2) / 2)
    t = _T[:, None]
    lat = np.radians(lat1) + dlat * t + 4 * bend_lat * t * (1 - t)
    dlon_dt = dlon + 4 * bend_lon * (1 - 2 * t)
    sin = np.sin(lat)
    strip = b2 / 2 * (sin / (1 - (e * sin) ** 2) + np.arctanh(e * sin) / e)
    edge_integral = (_W[:, None] * strip * dlon_dt).sum(axis=0)
    areas[present] = np.abs(np.bincount(edge_geom, weights=edge_integral, minlength=len(geoms))[present])
    areas[areas < NOISE_M2] = 0.0  # a bow-tie's two halves cancel to rounding noise
    return areas, longest


def _on_auxiliary_sphere(lon: np.ndarray, lat: np.ndarray, f: float) -> np.ndarray:
    """Unit vectors of points at their reduced latitude (tan β = (1 − f) tan φ)."""
    beta = np.arctan((1 - f) * np.tan(np.radians(lat)))
    lam = np.radians(lon)
    return np.column_stack([np.cos(beta) * np.cos(lam), np.cos(beta) * np.sin(lam), np.sin(beta)])


def convert_area(area_m2: np.ndarray | float, unit: str) -> np.ndarray | float:
    """An area in m2 expressed in ``unit`` (m2, km2, ha or mu)."""
    return area_m2 / UNITS[unit]


def geodesic_distance_m(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Geodesic distance in metres between pairs of WGS84 points."""
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]
