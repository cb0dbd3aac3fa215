"""What is wrong with a parsed GeoJSON document, a feature or a geometry, in words.

The strict walk of ``geo.io.geojson`` asks these for every feature of a file that
msgspec refused, so that each problem is named with where it is. Exact type
tests throughout: ``json.loads`` gives only int, float, str, bool, None, list and dict.
"""

from __future__ import annotations

import json
import math
from typing import Any

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


def root_features(document: Any) -> tuple[list[Any], str | None]:
    """The features of any GeoJSON root (a collection, a feature, a bare geometry), or what is wrong."""
    if not isinstance(document, dict):
        return [], f"expected a GeoJSON object, found a JSON {type(document).__name__}"
    kind = document.get("type")
    if not isinstance(kind, str):
        found = "no 'type' member" if kind is None else f"'type' is {short(kind)}, not a name"
        return [], f"{found}; expected GeoJSON (a FeatureCollection, a Feature or a geometry)"
    if kind == "FeatureCollection":
        if not isinstance(document.get("features"), list):
            return [], "FeatureCollection has no 'features' list"
        return document["features"], None
    if kind == "Feature":
        return [document], None
    if kind in _COORDINATE_DEPTH or kind == "GeometryCollection":
        return [{"type": "Feature", "properties": None, "geometry": document}], None
    proper = _GEOJSON_TYPES.get(kind.lower())
    if proper:
        return [], f"type is {kind!r}; GeoJSON types are case-sensitive: write {proper!r}"
    return [], f"type {kind!r} is not GeoJSON; expected a FeatureCollection, a Feature or a geometry"


def feature_parts(feature: Any) -> tuple[dict, dict | None, str | None]:
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
    if not isinstance(kind, str):
        return f"geometry 'type' is {short(kind)}, not a geometry type"
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
    return coordinates_problem(geometry.get("coordinates"), kind)


def coordinates_problem(coords: Any, kind: str) -> str | None:
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
