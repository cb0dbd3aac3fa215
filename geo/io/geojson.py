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
from pathlib import Path
from typing import Annotated, Any

import geopandas as gpd
import msgspec
import numpy as np
import pandas as pd
import shapely

from geo.io import LABEL
from geo.io.geojson_rules import coordinates_problem, feature_parts, root_features
from geo.problems import NOTE, Problem

GEOJSON_SUFFIXES = (".geojson", ".json")
MAX_GEOJSON_BYTES = 1 << 30


def read_geojson(path: Path, encoding: str | None = None) -> tuple[gpd.GeoDataFrame | None, str | None, list[Problem]]:
    """The layer, the system its (pre-RFC 7946) ``crs`` member names if any, and the problems.

    Any valid GeoJSON text is a layer: a FeatureCollection, one Feature, or a
    bare geometry (one feature without properties). GeoJSON is UTF-8; a file
    saved in GBK by a Chinese tool is read as GB18030 with a note, or in
    ``encoding`` when given.
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
    text, said = _text(path.read_bytes(), name, encoding)
    if text is None:
        return None, None, said
    fast = _decode_clean(text)
    if fast is not None:
        return fast[0], fast[1], said + fast[2]
    try:
        document = json.loads(text)
    except RecursionError:
        return None, None, [Problem(name, "nested too deeply to be GeoJSON")]
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        reason = "ends too early (truncated?)" if exc.pos >= len(text.rstrip()) else exc.msg
        return None, None, [Problem(name, f"not valid JSON: {reason} at {where}")]
    features, problem = root_features(document)
    if problem:
        return None, None, [Problem(name, problem)]
    frame, problems = _features_frame(features, name)
    return frame, crs_member_system(document.get("crs")), said + problems


def _text(raw: bytes, name: str, encoding: str | None) -> tuple[str | None, list[Problem]]:
    """The file's text: in ``encoding`` when given, else UTF-8 (a BOM is fine), else GB18030 (said)."""
    if encoding is not None:
        try:
            return raw.decode(encoding), []
        except UnicodeDecodeError as exc:
            return None, [Problem(name, f"text is not in the encoding --encoding asks for ({exc.encoding})")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        start = exc.start
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        message = f"not UTF-8 text (byte 0x{raw[start]:02x} at offset {start}), nor GBK: give --encoding"
        return None, [Problem(name, message)]
    note = "not UTF-8, as GeoJSON should be: read as GB18030 (GBK); --encoding chooses another"
    return text, [Problem(name, note, severity=NOTE)]


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
        if coordinates_problem(geometry.coordinates, kind):
            return None
        geoms[i] = _shape({"type": kind, "coordinates": geometry.coordinates})
    labels = [_label_of(r.get("id"), f.id, i) for i, (r, f) in enumerate(zip(records, features, strict=True))]
    return _frame(records, geoms, labels), system, []


def _shape(geometry: dict) -> shapely.Geometry:
    """A GeoJSON geometry as shapely's; positions that mix 2 and 3 numbers (a height on some)
    are read in 2D, as every position is measured and drawn."""
    try:
        return shapely.geometry.shape(geometry)
    except ValueError:
        return shapely.geometry.shape(_in_2d(geometry))


def _in_2d(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _in_2d(v) if k in ("coordinates", "geometries") else v for k, v in value.items()}
    if value and all(type(v) in (int, float) for v in value):
        return value[:2]
    return [_in_2d(v) for v in value]


def _label_of(property_id: Any, feature_id: Any, index: int) -> str:
    """How a feature is named in messages: its id property, else its GeoJSON id, else its index."""
    for candidate in (property_id, feature_id):
        if type(candidate) in (str, int) and str(candidate).strip():
            return str(candidate)
    return f"#{index}"


def _frame(records: list[dict], geoms: np.ndarray, labels: list[str]) -> gpd.GeoDataFrame:
    # pandas 2.x cannot make a frame from no records with from_records.
    try:
        properties = pd.DataFrame.from_records(records, index=range(len(records))) if records else pd.DataFrame()
    except OverflowError:  # pandas 2.1 on an integer beyond any float: kept as its digits
        records = [{k: str(v) if type(v) is int and abs(v) >= 2**63 else v for k, v in r.items()} for r in records]
        properties = pd.DataFrame.from_records(records, index=range(len(records)))
    frame = gpd.GeoDataFrame(properties, geometry=gpd.GeoSeries(geoms))
    frame[LABEL] = labels
    return frame


# -- the strict walk --------------------------------------------------------------


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
        props, geometry, problem = feature_parts(feature)
        records.append(props)
        geometries.append(None)
        if problem:
            problems.append(Problem(name, problem, label))
        elif geometry is not None and geometry["type"] == "Point":
            point_rows.append(index)
            point_xy.append(geometry["coordinates"][:2])
        elif geometry is not None:
            geometries[index] = _shape(geometry)
    geoms = np.array(geometries, dtype=object)
    if point_rows:
        geoms[np.array(point_rows)] = shapely.points(np.array(point_xy, dtype=float))
    return _frame(records, geoms, labels), problems


# -- writing ------------------------------------------------------------------------

COORDINATE_DECIMALS = 6  # about 0.1 m: far below any accuracy_m of the example


def to_feature_collection(frame: gpd.GeoDataFrame, decimals: int = COORDINATE_DECIMALS) -> dict:
    """A GeoJSON FeatureCollection of a WGS84 frame, coordinates rounded."""
    geoms = shapely.transform(frame.geometry.to_numpy(), lambda c: np.round(c, decimals))
    props = frame.drop(columns=[frame.geometry.name, LABEL], errors="ignore")
    # A frame with no columns gives no records at all on pandas 2.x: one empty record per feature.
    if len(props.columns):
        records = props.astype(object).where(props.notna(), None).to_dict("records")
    else:
        records = [{} for _ in range(len(frame))]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": record, "geometry": json.loads(shapely.to_geojson(geom))}
            for record, geom in zip(records, geoms)
        ],
    }


def dumps_feature_collection(collection: dict) -> str:
    """GeoJSON text with one feature a line: small diffs, readable reviews."""
    lines = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"])
    return '{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n"


def write_geojson(frame: gpd.GeoDataFrame, path: str | Path, decimals: int = COORDINATE_DECIMALS) -> Path:
    """Write a frame as RFC 7946 GeoJSON, atomically, coordinates rounded to ``decimals``."""
    from geo.output import write_text

    return write_text(path, dumps_feature_collection(to_feature_collection(frame, decimals)))
