"""Reading GeoJSON strictly, and fast when it is clean.

GDAL is lenient with GeoJSON in ways that hurt later: it reads a NaN
coordinate, a string coordinate as a null geometry, and wrongly cased
types. So GeoJSON, the project's own format, is read
here: first by msgspec, which decodes into typed structures in C and refuses
anything that is not plain, valid GeoJSON (a string or a boolean is not a
coordinate); a file it refuses, or one with a ring problem, is then walked
feature by feature in Python to name every problem and where it is.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import geopandas as gpd
import msgspec
import numpy as np
import pandas as pd
import shapely

from geo.problems import Problem

MAX_GEOJSON_BYTES = 1 << 30

# The nesting depth of each GeoJSON geometry type's coordinates above a position.
_COORDINATE_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
_GEOJSON_TYPES = {t.lower(): t for t in [*_COORDINATE_DEPTH, "GeometryCollection", "Feature", "FeatureCollection"]}


def read_geojson(path: Path) -> tuple[gpd.GeoDataFrame | None, str | None, list[Problem]]:
    """The layer, the system its (pre-RFC 7946) ``crs`` member names if any, and the problems.

    Any valid GeoJSON text is a layer: a FeatureCollection, one Feature, or a
    bare geometry (one feature without properties).
    """
    name = str(path)
    size = path.stat().st_size
    if size == 0:
        return None, None, [Problem(name, "empty file; expected GeoJSON")]
    if size > MAX_GEOJSON_BYTES:
        return (
            None,
            None,
            [
                Problem(
                    name,
                    f"{size / 2**20:.0f} MiB is over the {MAX_GEOJSON_BYTES >> 20} MiB limit for GeoJSON; "
                    "use a GeoPackage",
                )
            ],
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return (
            None,
            None,
            [
                Problem(
                    name,
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                    "GeoJSON must be UTF-8: re-save it as UTF-8 (a GBK file: iconv -f GBK -t UTF-8)",
                )
            ],
        )
    fast = _decode_clean(text)
    if fast is not None:
        return fast
    try:
        document = json.loads(text)
    except RecursionError:
        return None, None, [Problem(name, "nested too deeply to be GeoJSON")]
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        reason = "ends too early (truncated?)" if exc.pos >= len(text.rstrip()) else exc.msg
        return None, None, [Problem(name, f"not valid JSON: {reason} at {where}")]
    features, problem = _root_features(document)
    if problem:
        return None, None, [Problem(name, problem)]
    frame, problems = _features_frame(features, name)
    return frame, crs_member_system(document.get("crs")), problems


def crs_member_system(member: Any) -> str | None:
    """The system a GeoJSON 2008 ``crs`` member names (``EPSG:4547``), or None.

    RFC 7946 dropped the member (GeoJSON is WGS84), but GDAL and QGIS still
    write it for projected layers, and it is the file's own statement.
    """
    if not isinstance(member, dict) or not isinstance(member.get("properties"), dict):
        return None
    named = str(member["properties"].get("name", ""))
    if named.upper().endswith("CRS84"):
        return "wgs84"
    code = named.rsplit(":", 1)[-1]
    return f"EPSG:{code}" if "EPSG" in named.upper() and code.isdigit() else None


# -- the fast path: typed decoding in C --------------------------------------------

_Position = Annotated[list[float], msgspec.Meta(min_length=2, max_length=3)]
_Line = Annotated[list[_Position], msgspec.Meta(min_length=2)]


class _Point(msgspec.Struct, tag="Point", tag_field="type"):
    coordinates: _Position


class _MultiPoint(msgspec.Struct, tag="MultiPoint", tag_field="type"):
    coordinates: list[_Position]


class _LineString(msgspec.Struct, tag="LineString", tag_field="type"):
    coordinates: _Line


class _MultiLineString(msgspec.Struct, tag="MultiLineString", tag_field="type"):
    coordinates: list[_Line]


class _Polygon(msgspec.Struct, tag="Polygon", tag_field="type"):
    coordinates: list[list[_Position]]


class _MultiPolygon(msgspec.Struct, tag="MultiPolygon", tag_field="type"):
    coordinates: list[list[list[_Position]]]


class _Feature(msgspec.Struct, tag="Feature", tag_field="type"):
    geometry: _Point | _MultiPoint | _LineString | _MultiLineString | _Polygon | _MultiPolygon | None = None
    properties: dict[str, Any] | None = None
    id: str | int | None = None


class _FeatureCollection(msgspec.Struct, tag="FeatureCollection", tag_field="type"):
    features: list[_Feature]
    crs: dict[str, Any] | None = None


_Geometry = _Point | _MultiPoint | _LineString | _MultiLineString | _Polygon | _MultiPolygon
_DECODER = msgspec.json.Decoder(_FeatureCollection | _Feature | _Geometry)


def _decode_clean(text: str) -> tuple[gpd.GeoDataFrame, str | None, list[Problem]] | None:
    """The layer as a frame if the file is plain, valid GeoJSON; None sends it to the strict walk."""
    try:
        root = _DECODER.decode(text)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    if isinstance(root, _FeatureCollection):
        features, system = root.features, crs_member_system(root.crs)
    else:
        features, system = [root if isinstance(root, _Feature) else _Feature(geometry=root)], None
    geometries = [feature.geometry for feature in features]
    records = [feature.properties if feature.properties is not None else {} for feature in features]
    geoms = np.full(len(features), None, dtype=object)
    points = [i for i, g in enumerate(geometries) if type(g) is _Point]
    if points:
        geoms[points] = shapely.points(np.array([geometries[i].coordinates[:2] for i in points], dtype=float))
    for i, geometry in enumerate(geometries):
        if geometry is None or type(geometry) is _Point:
            continue
        kind = type(geometry).__struct_config__.tag
        if _coordinates_problem(geometry.coordinates, kind):
            return None
        geoms[i] = shapely.geometry.shape({"type": kind, "coordinates": geometry.coordinates})
    labels = [_label_of(r.get("id"), f.id, i) for i, (r, f) in enumerate(zip(records, features, strict=True))]
    return _frame(records, geoms, labels), system, []


def _label_of(property_id: Any, feature_id: Any, index: int) -> str:
    """How a feature is named in messages: its id property, else its GeoJSON id, else its index."""
    for candidate in (property_id, feature_id):
        if type(candidate) in (str, int) and str(candidate).strip():
            return str(candidate)
    return f"#{index}"


def _frame(records: list[dict], geoms: np.ndarray, labels: list[str]) -> gpd.GeoDataFrame:
    properties = pd.DataFrame.from_records(records, index=range(len(records)))
    frame = gpd.GeoDataFrame(properties, geometry=gpd.GeoSeries(geoms))
    frame["_label"] = labels
    return frame


# -- the strict walk --------------------------------------------------------------


def _root_features(document: Any) -> tuple[list[Any], str | None]:
    """The features of any GeoJSON root (a collection, a feature, a bare geometry), or what is wrong."""
    if not isinstance(document, dict):
        return [], f"expected a GeoJSON object, found a JSON {type(document).__name__}"
    kind = document.get("type")
    if kind == "FeatureCollection":
        if not isinstance(document.get("features"), list):
            return [], "FeatureCollection has no 'features' list"
        return document["features"], None
    if kind == "Feature":
        return [document], None
    if kind in _COORDINATE_DEPTH or kind == "GeometryCollection":
        return [{"type": "Feature", "properties": None, "geometry": document}], None
    if not isinstance(kind, str):
        return [], "no 'type' member; expected GeoJSON (a FeatureCollection, a Feature or a geometry)"
    proper = _GEOJSON_TYPES.get(kind.lower())
    if proper:
        return [], f"type is {kind!r}; GeoJSON types are case-sensitive: write {proper!r}"
    return [], f"type {kind!r} is not GeoJSON; expected a FeatureCollection, a Feature or a geometry"


def _label(feature: Any, index: int) -> str:
    if not isinstance(feature, dict):
        return f"#{index}"
    props = feature.get("properties")
    return _label_of(props.get("id") if isinstance(props, dict) else None, feature.get("id"), index)


def _features_frame(features: list[Any], name: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    problems: list[Problem] = []
    labels, records, geometries = [], [], []
    point_rows, point_xy = [], []
    for index, feature in enumerate(features):
        label = _label(feature, index)
        labels.append(label)
        props, geometry, problem = _feature_parts(feature)
        records.append(props)
        geometries.append(None)
        if problem:
            problems.append(Problem(name, problem, label))
        elif geometry is not None and geometry["type"] == "Point":
            point_rows.append(index)
            point_xy.append(geometry["coordinates"][:2])
        elif geometry is not None:
            geometries[index] = shapely.geometry.shape(geometry)
    geoms = np.array(geometries, dtype=object)
    if point_rows:
        geoms[np.array(point_rows)] = shapely.points(np.array(point_xy, dtype=float))
    return _frame(records, geoms, labels), problems


def _feature_parts(feature: Any) -> tuple[dict, dict | None, str | None]:
    """Split a feature into (properties, geometry); the third item says what is wrong."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        found = feature.get("type") if isinstance(feature, dict) else type(feature).__name__
        return {}, None, f"is not a GeoJSON Feature (type {found!r})"
    props = feature.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, dict):
        return {}, None, "'properties' must be an object or null"
    feature_id = feature.get("id")
    if feature_id is not None and type(feature_id) not in (str, int, float):
        return props, None, f"'id' must be a string or a number, found {short(feature_id)}"
    geometry = feature.get("geometry")
    if geometry is None:
        return props, None, None  # reported, with the kind's rules, by _check_frame
    problem = _geometry_problem(geometry)
    return props, (None if problem else geometry), problem


def _geometry_problem(geometry: Any) -> str | None:
    """What is wrong with a GeoJSON geometry object, a collection's members included."""
    if not isinstance(geometry, dict):
        return "'geometry' must be an object or null"
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            return "GeometryCollection has no 'geometries' list"
        return next((p for p in map(_geometry_problem, members) if p), None)
    if kind not in _COORDINATE_DEPTH:
        proper = _GEOJSON_TYPES.get(str(kind).lower())
        if proper and proper != kind:
            return f"geometry type {kind!r} is wrongly cased; GeoJSON types are case-sensitive: {proper!r}"
        return f"geometry type {kind!r} is not supported"
    return _coordinates_problem(geometry.get("coordinates"), kind)


def _coordinates_problem(coords: Any, kind: str) -> str | None:
    if coords is None:
        return f"{kind} has no 'coordinates'"
    problem = _nested_problem(coords, _COORDINATE_DEPTH[kind])
    if problem:
        return f"{kind} {problem}"
    lines = [coords] if kind == "LineString" else coords if kind == "MultiLineString" else []
    if any(len(line) < 2 for line in lines):
        return f"{kind} has a line of fewer than 2 positions"
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for polygon in polygons:
        if not polygon:
            return f"{kind} has an empty polygon"
        for ring_no, ring in enumerate(polygon):
            which = "outer ring" if ring_no == 0 else f"hole {ring_no}"
            if len(ring) < 4:
                return f"{kind} {which} has {len(ring)} positions; a ring needs at least 4 (the first repeated last)"
            if list(ring[0][:2]) != list(ring[-1][:2]):
                return f"{kind} {which} is not closed: it starts at {ring[0][:2]} and ends at {ring[-1][:2]}"
    return None


def _nested_problem(value: Any, depth: int) -> str | None:
    if depth == 0:
        return _position_problem(value)
    if not isinstance(value, list):
        return f"coordinates are not nested as the type requires (found {type(value).__name__})"
    for item in value:
        problem = _nested_problem(item, depth - 1)
        if problem:
            return problem
    return None


def _position_problem(position: Any) -> str | None:
    # Exact type tests: json.loads gives only int, float, str, bool, None, list and dict,
    # and `type(v) is float` is many times faster than an isinstance on numbers.Real.
    if type(position) is not list or not 2 <= len(position) <= 3:
        return f"position {short(position)} is not [longitude, latitude]"
    for value in position:
        kind = type(value)
        if kind is float:
            if not math.isfinite(value):
                return f"coordinate {value} is not a finite number"
        elif kind is not int:
            if kind is str:
                return f"coordinate {value!r} is a string, not a number"
            return f"coordinate {short(value)} is not a number"
    return None


def short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, allow_nan=True, default=str)
    return text if len(text) <= 40 else text[:37] + "..."
