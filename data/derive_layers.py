"""Derive the zones, landmarks and enterprises layers from the facts in ``data/``.

No boundary of the zone is published, so each part is drawn as a schematic
polygon: an ellipse centred on the anchor the facts give (``zones.json``),
clipped to the districts named there and to the parts drawn before it, and
grown until its geodesic area equals the stated figure. Points with known
coordinates keep them; the others are placed inside the part the article puts
them in, spread deterministically (or at the edge a hint names). Each feature
records where it came from (``source``/``geometry_source``) and how far it
can be trusted (``accuracy_m``).

    python data/derive_layers.py        # rewrites layers/{zones,landmarks,enterprises}.geojson
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from geo.io.geojson import write_geojson
from geo.layers import read_layer
from geo.measure import geodesic_area_m2

DATA = Path(__file__).resolve().parent
LAYERS = DATA.parent / "layers"
ELLIPSE_VERTICES = 72
GRID_SPACING_M = 250.0
EDGE_MARGIN_M = 150.0


def _local(anchor: tuple[float, float]) -> tuple[Transformer, Transformer]:
    """Metric transformers for an azimuthal equidistant plane at ``anchor``."""
    plane = CRS.from_proj4(f"+proj=aeqd +lon_0={anchor[0]} +lat_0={anchor[1]} +ellps=WGS84 +units=m")
    return (
        Transformer.from_crs("EPSG:4326", plane, always_xy=True),
        Transformer.from_crs(plane, "EPSG:4326", always_xy=True),
    )


def _ellipse(anchor: tuple[float, float], radius_m: float, aspect: float) -> shapely.Geometry:
    _, to_wgs = _local(anchor)
    angle = np.linspace(0, 2 * np.pi, ELLIPSE_VERTICES, endpoint=False)
    x, y = radius_m * aspect * np.cos(angle), radius_m / aspect * np.sin(angle)
    lon, lat = to_wgs.transform(x, y)
    return shapely.Polygon(np.column_stack([lon, lat]))


def _rectangle(anchor: tuple[float, float], radius_m: float, aspect: float) -> shapely.Geometry:
    """A rectangle, east-west sides ``2 * radius_m * aspect``, north-south ``2 * radius_m / aspect``."""
    _, to_wgs = _local(anchor)
    x = radius_m * aspect * np.array([-1, 1, 1, -1])
    y = radius_m / aspect * np.array([-1, -1, 1, 1])
    lon, lat = to_wgs.transform(x, y)
    return shapely.Polygon(np.column_stack([lon, lat]))


def draw_part(
    spec: dict, room: shapely.Geometry | None = None, shape_of=_ellipse, grid: float = 1e-6
) -> shapely.Geometry:
    """The part's polygon: the shape (an ellipse) within ``room`` whose geodesic area is the target,
    its vertices snapped to ``grid`` degrees."""
    anchor, aspect = tuple(spec["anchor"]), spec["aspect"]
    target = spec["target_km2"] * 1e6
    low, high = 0.0, 40_000.0
    shape = None
    for _ in range(60):
        radius = (low + high) / 2
        shape = shape_of(anchor, radius, aspect)
        if room is not None:
            shape = shapely.intersection(shape, room)
        area = geodesic_area_m2(np.array([shape]))[0]
        if abs(area - target) <= 1e-7 * target:
            break
        low, high = (radius, high) if area < target else (low, radius)
    shape = shapely.make_valid(shapely.set_precision(shape, grid))
    polygons = [g for g in shapely.get_parts(shape) if g.geom_type == "Polygon"]
    return max(polygons, key=lambda g: g.area) if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def derive_zones(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    spec = json.loads((DATA / "zones.json").read_text(encoding="utf-8"))
    by_id = dict(zip(districts["id"], districts.geometry))
    taken = shapely.Polygon()
    rows = []
    for zone in spec["zones"]:
        draw = zone["draw"]
        room = shapely.union_all([by_id[d] for d in draw["districts"]]).difference(taken)
        geometry = draw_part(draw, room)
        taken = shapely.union(taken, geometry)
        record = {k: v for k, v in zone.items() if k not in ("draw", "sources")}
        record["geometry_source"] = (
            f"schematic, not surveyed: an ellipse (aspect {draw['aspect']}) centred on {draw['anchor']} "
            f"({draw['anchor_basis']}), clipped to {', '.join(draw['districts'])} and to the parts drawn "
            f"before it, sized to {draw['target_km2']} km2"
            + (f" ({draw['target_basis']})" if "target_basis" in draw else "")
            + f". Facts: {draw['facts']}. Drawn by data/derive_layers.py."
        )
        record["accuracy_m"] = draw["accuracy_m"]
        record["sources"] = zone["sources"]
        record["geometry"] = geometry
        rows.append(record)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _candidates(area: shapely.Geometry) -> np.ndarray:
    """Grid points inside ``area`` at least EDGE_MARGIN_M from its edge, in a fixed order."""
    centre = area.centroid
    to_plane, to_wgs = _local((centre.x, centre.y))
    plane = shapely.transform(area, lambda c: np.column_stack(to_plane.transform(c[:, 0], c[:, 1])))
    inner = plane.buffer(-EDGE_MARGIN_M)
    xmin, ymin, xmax, ymax = inner.bounds
    xs, ys = np.meshgrid(np.arange(xmin, xmax, GRID_SPACING_M), np.arange(ymin, ymax, GRID_SPACING_M))
    points = shapely.points(xs.ravel(), ys.ravel())
    inside = points[shapely.contains(inner, points)]
    xy = shapely.get_coordinates(inside)
    lon, lat = to_wgs.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def _pick(candidates: np.ndarray, used: set[int], key: str, hint: str) -> int:
    order = {
        "east": np.argsort(-candidates[:, 0], kind="stable"),
        "west": np.argsort(candidates[:, 0], kind="stable"),
        "north": np.argsort(-candidates[:, 1], kind="stable"),
    }.get(hint)
    if order is None:
        start = int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(candidates)
        order = np.roll(np.arange(len(candidates)), -start)
    return next(int(i) for i in order if int(i) not in used)


def derive_points(table: Path, zones: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Points from a CSV table: its own coordinates, or placed in ``place_in``."""
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    areas = dict(zip(zones["id"], zones.geometry)) | dict(zip(districts["id"], districts.geometry))
    pools: dict[tuple[str, str], np.ndarray] = {}
    used: dict[tuple[str, str], set[int]] = {}
    records = []
    for row in rows:
        if row.get("lon"):
            lon, lat = float(row["lon"]), float(row["lat"])
        else:
            pool_key = (row["place_in"], row.get("district_id") or "")
            if pool_key not in pools:
                area = areas[row["place_in"]]
                if row.get("district_id"):
                    area = area.intersection(areas[row["district_id"]])
                pools[pool_key] = _candidates(area)
                used[pool_key] = set()
            pick = _pick(pools[pool_key], used[pool_key], row["id"], row.get("placement", ""))
            used[pool_key].add(pick)
            lon, lat = pools[pool_key][pick]
        record = {k: (v or None) for k, v in row.items() if k not in ("lon", "lat", "place_in", "placement")}
        record["accuracy_m"] = float(row["accuracy_m"])
        record["sources"] = row["sources"].split(";")
        record["geometry"] = shapely.Point(lon, lat)
        records.append(record)
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


def derive_layers() -> dict[str, gpd.GeoDataFrame]:
    districts = read_layer(LAYERS / "districts.geojson").frame
    zones = derive_zones(districts)
    return {
        "zones": zones,
        "landmarks": derive_points(DATA / "landmarks.csv", zones, districts),
        "enterprises": derive_points(DATA / "enterprises.csv", zones, districts),
    }


def main() -> None:
    for name, frame in derive_layers().items():
        print(write_geojson(frame, LAYERS / f"{name}.geojson"))


if __name__ == "__main__":
    main()
