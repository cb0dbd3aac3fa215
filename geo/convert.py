"""Converting a layer between WGS84, GCJ-02, BD-09 and any EPSG system."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo import crs
from geo.errors import UsageError
from geo.io import LABEL, coordinate_txt
from geo.io.dxf import write_dxf
from geo.io.geojson import GEOJSON_SUFFIXES, write_geojson
from geo.layers import Layer
from geo.output import write_bytes, write_with

# 1e-9 degree is 0.1 mm on the ground: a surveyed file survives a round trip to the millimetre.
GEOGRAPHIC_DECIMALS = 9


def convert_layer(layer: Layer, target: str | Path, to_system: str) -> Path:
    """Write a layer (read into WGS84) to ``target`` in ``to_system``, atomically.

    GeoJSON output is written without a ``crs`` member when the target is a
    geographic system (RFC 7946); other formats carry the EPSG code they are in.
    """
    to_system = crs.normalise_system(to_system)
    frame = layer.frame.drop(columns=[LABEL])
    frame = gpd.GeoDataFrame(
        frame, geometry=crs.transform_geometries(frame.geometry.to_numpy(), "wgs84", to_system), crs=None
    )
    target = Path(target)
    if target.suffix.lower() in GEOJSON_SUFFIXES and not to_system.startswith("EPSG:"):
        return write_geojson(frame, target, GEOGRAPHIC_DECIMALS)
    if target.suffix.lower() == ".txt":
        return _write_coordinate_txt(layer, frame, target, to_system)
    if target.suffix.lower() == ".dxf":
        return write_with(target, lambda tmp: write_dxf(frame, list(layer.names), layer.path.stem, tmp))
    declared = to_system if to_system.startswith("EPSG:") else crs.WGS84
    frame = _lists_as_json(frame).set_crs(declared, allow_override=True)
    driver = _driver(target)
    return write_with(target, lambda tmp: _to_file(frame, tmp, driver, target))


def _to_file(frame: gpd.GeoDataFrame, tmp: Path, driver: str, target: Path) -> None:
    """GDAL's write, its refusals (too many fields for a GeoPackage, a field it cannot type) in one line."""
    from pyogrio.errors import DataLayerError, DataSourceError, FieldError

    try:
        frame.to_file(tmp, engine="pyogrio", driver=driver, layer=target.stem)
    except (FieldError, DataLayerError, DataSourceError, TypeError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"{target}: GDAL cannot write it as {driver}: {reason}") from None


def _write_coordinate_txt(layer: Layer, frame: gpd.GeoDataFrame, target: Path, to_system: str) -> Path:
    """The land office's coordinate TXT, in GB18030 (GBK) as offices exchange it."""
    if coordinate_txt.gauss_kruger_zone(to_system) is None:
        raise UsageError(f"{target}: a coordinate TXT is in CGCS2000 Gauss-Kruger: give --to EPSG:4513-4554")
    polygons = shapely.get_type_id(frame.geometry.to_numpy())
    if not np.isin(polygons, (3, 6)).all():
        raise UsageError(f"{target}: a coordinate TXT holds parcels: {layer.path} has features that are no polygon")
    text = coordinate_txt.coordinate_txt(frame, to_system, list(layer.ids), list(layer.names))
    return write_bytes(target, text.encode("gb18030"))


def _lists_as_json(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and objects (the example's industries) as JSON text: GPKG and KML have no list fields,
    and pyogrio 0.10 wrote a list column's values into the next field."""
    for column in frame.columns.drop(frame.geometry.name):
        if frame[column].dtype == object and frame[column].map(lambda v: isinstance(v, (list, dict))).any():
            frame[column] = frame[column].map(
                lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
            )
    return frame


def _driver(path: Path) -> str:
    # Single-file formats only: a Shapefile's sidecar files cannot be renamed into place atomically.
    drivers = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".kml": "KML"}
    try:
        return drivers[path.suffix.lower()]
    except KeyError:
        raise UsageError(
            f"{path}: cannot write this format; name the output .geojson, .gpkg, .kml, .dxf or .txt"
        ) from None
