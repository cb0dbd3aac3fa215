"""Coordinate systems: WGS84, China's GCJ-02 and BD-09, and any EPSG system.

GCJ-02 ("Mars coordinates") is the obfuscated datum of every licensed Chinese
web map (Gaode/AutoNavi, Tencent); BD-09 is Baidu's further shift of it. Neither
is in the EPSG registry nor in PROJ, so the published formula is implemented
here, vectorised with numpy. The forward transforms are closed-form; the
inverses are solved by fixed-point iteration to well under a millimetre, since
the usual one-step inverse is off by metres around Hengyang.

Everything the project stores and measures is WGS84 (EPSG:4326); CGCS2000
(EPSG:4490) agrees with it to centimetres and is treated as WGS84.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from geo.errors import CRSError

WGS84 = "EPSG:4326"

# Krasovsky 1940 ellipsoid, as the published GCJ-02 formula uses it.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_BD_X_PI = np.pi * 3000.0 / 180.0

# The rough box outside which GCJ-02 leaves coordinates unchanged.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

_ITERATION_TOLERANCE_DEG = 1e-11  # about 1 micrometre
_MAX_ITERATIONS = 40

#: Names accepted by ``--from``, ``--to`` and ``--input-crs`` besides ``EPSG:n``.
CHINESE_SYSTEMS = ("wgs84", "gcj02", "bd09")

Transform = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Where the GCJ-02 offset applies (the formula's own rough box)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon >= _CHINA_LON[0]) & (lon <= _CHINA_LON[1]) & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset in degrees at WGS84 (lon, lat)."""
    x, y = lon - 105.0, lat - 35.0
    sq = np.sqrt(np.abs(x))
    waves = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq + waves
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq + waves
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0

    radlat = np.radians(lat)
    magic = 1.0 - _KRASOVSKY_EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE)) / (magic * sqrtmagic) * np.pi)
    dlon = dlon * 180.0 / (_KRASOVSKY_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 to GCJ-02; points outside China are returned unchanged."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 to Baidu's BD-09."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward: Transform) -> Transform:
    """The inverse of a near-identity transform, by fixed-point iteration."""

    def inverse(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        guess_lon, guess_lat = lon.copy(), lat.copy()
        for _ in range(_MAX_ITERATIONS):
            fwd_lon, fwd_lat = forward(guess_lon, guess_lat)
            err_lon, err_lat = fwd_lon - lon, fwd_lat - lat
            guess_lon, guess_lat = guess_lon - err_lon, guess_lat - err_lat
            if np.all(np.abs(err_lon) < _ITERATION_TOLERANCE_DEG) and np.all(
                np.abs(err_lat) < _ITERATION_TOLERANCE_DEG
            ):
                break
        return guess_lon, guess_lat

    inverse.__doc__ = f"Iterative inverse of {forward.__name__}."
    return inverse


gcj02_to_wgs84 = _invert(wgs84_to_gcj02)
bd09_to_gcj02 = _invert(gcj02_to_bd09)


def wgs84_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 to BD-09, through GCJ-02."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 to WGS84, through GCJ-02, both steps iterative."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _identity(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


_TO_WGS84: dict[str, Transform] = {
    "wgs84": _identity,
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS84: dict[str, Transform] = {
    "wgs84": _identity,
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}


def normalise_system(name: str) -> str:
    """``wgs84``, ``gcj02``, ``bd09`` or ``EPSG:n``; raise ValueError otherwise.

    EPSG:4326 and EPSG:4490 (CGCS2000) are both taken as ``wgs84``.
    """
    key = name.strip().lower().replace("-", "").replace("_", "")
    if key in CHINESE_SYSTEMS:
        return key
    if key.startswith("epsg:") and key[5:].isdigit():
        code = int(key[5:])
        if code in (4326, 4490):
            return "wgs84"
        from pyproj import CRS
        from pyproj.exceptions import CRSError as ProjCRSError

        try:
            CRS.from_epsg(code)
        except ProjCRSError:
            raise CRSError(f"unknown coordinate system EPSG:{code}") from None
        return f"EPSG:{code}"
    raise CRSError(f"unknown coordinate system {name!r}: use wgs84, gcj02, bd09 or EPSG:<code>")


def transformer(source: str, target: str) -> Transform:
    """A vectorised (lon, lat) -> (lon, lat) function from one system to another.

    EPSG systems go through pyproj (always x=easting/longitude first); the
    Chinese web-map systems through the formula above, with WGS84 between.
    """
    source, target = normalise_system(source), normalise_system(target)
    steps = [_to_wgs84(source), _from_wgs84(target)]

    def run(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        for step in steps:
            x, y = step(x, y)
        return x, y

    return run


def _to_wgs84(system: str) -> Transform:
    return _TO_WGS84.get(system) or _pyproj(system, WGS84)


def _from_wgs84(system: str) -> Transform:
    return _FROM_WGS84.get(system) or _pyproj(WGS84, system)


def _pyproj(source: str, target: str) -> Transform:
    from pyproj import Transformer

    t = Transformer.from_crs(source, target, always_xy=True)
    return lambda x, y: t.transform(np.asarray(x, float), np.asarray(y, float))


def transform_geometries(geometries: np.ndarray, source: str, target: str) -> np.ndarray:
    """Transform an array of shapely geometries between systems, all at once."""
    import shapely

    run = transformer(source, target)

    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = run(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geometries), apply)
