"""Reading, checking and writing layers.

GeoJSON, the project's own format, is read strictly by ``geo.geojson``; every
other format pyogrio reads (Shapefile, GeoPackage, KML, ...) goes through
pyogrio. Both paths end in the same vectorised checks on a GeoDataFrame in
WGS84, each problem naming the file and the feature.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import crs
from geo.geojson import read_geojson, short
from geo.memory import collector_paused
from geo.problems import InputError, Problem, errors
from geo.schema import Kind, kind_of

GEOJSON_SUFFIXES = (".geojson", ".json")
COORDINATE_DECIMALS = 6  # about 0.1 m: far below any accuracy_m here

# China's extent with a margin; a point outside it is probably a mistake here.
_CHINA_BOX = (73.0, 18.0, 135.5, 53.6)


@dataclass
class Layer:
    """A layer read and checked: its features in WGS84, and its warnings."""

    path: Path
    kind: Kind | None
    frame: gpd.GeoDataFrame
    warnings: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.kind.name if self.kind else self.path.name.split(".")[0]

    @property
    def labels(self) -> pd.Series:
        """How each feature is named in messages: its id, else its index."""
        return self.frame["_label"]


def read_layer(
    path: str | Path,
    kind: str | None = None,
    input_crs: str | None = None,
    repair: bool = False,
) -> Layer:
    """Read and check a layer; raise InputError listing every error found."""
    layer, problems = load_layer(path, kind, input_crs, repair)
    if errors(problems) or layer is None:
        raise InputError(errors(problems) or problems)
    return layer


def check_layer(
    path: str | Path, kind: str | None = None, input_crs: str | None = None, repair: bool = False
) -> list[Problem]:
    """Every problem in a layer, errors and warnings; never raises for bad input."""
    return load_layer(path, kind, input_crs, repair)[1]


def load_layer(
    path: str | Path, kind: str | None = None, input_crs: str | None = None, repair: bool = False
) -> tuple[Layer | None, list[Problem]]:
    """Read a layer and check it; the layer is None when it could not be read.

    With ``repair``, invalid polygons are fixed with shapely's make_valid and
    each fix is reported as a warning with the area before and after.
    """
    with collector_paused():
        return _load(Path(path), kind, input_crs, repair)


def _load(path: Path, kind: str | None, input_crs: str | None, repair: bool) -> tuple[Layer | None, list[Problem]]:
    layer_kind = kind_of(path, kind)
    source = crs.normalise_system(input_crs) if input_crs else None
    if not path.exists():
        return None, [Problem(str(path), "no such file")]
    if path.is_dir():
        return None, [Problem(str(path), "is a directory, not a layer file")]
    if path.suffix.lower() in GEOJSON_SUFFIXES:
        frame, problems = read_geojson(path)
        declared = None
    else:
        frame, declared, problems = _read_with_pyogrio(path)
    if frame is None:
        return None, problems
    frame, more = _to_wgs84(frame, path, source or declared)
    problems += more
    if repair:
        problems += _repair(frame, path)
    problems += _check_frame(frame, path, layer_kind, reported=set(_failed_features(problems)))
    frame = frame.set_crs(crs.WGS84, allow_override=True)
    warnings = [p for p in problems if not p.is_error]
    return Layer(path, layer_kind, frame, warnings), problems


def _failed_features(problems: list[Problem]) -> list[str]:
    """Features already named in an error: later checks do not report them again."""
    return [p.feature for p in problems if p.feature and p.is_error]


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# -- other formats ------------------------------------------------------------


def _read_with_pyogrio(path: Path) -> tuple[gpd.GeoDataFrame | None, str | None, list[Problem]]:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        frame = pyogrio.read_dataframe(path)
    except (DataSourceError, DataLayerError, shapely.errors.GEOSException, OSError, ValueError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, None, [Problem(str(path), f"cannot be read: {message}")]
    if not isinstance(frame, gpd.GeoDataFrame):
        return None, None, [Problem(str(path), "has no geometry column")]
    declared = None
    if frame.crs is not None and not frame.crs.equals("EPSG:4326") and frame.crs.to_epsg() != 4490:
        declared = frame.crs.to_string()
    frame = frame.reset_index(drop=True)
    ids = frame["id"].astype(str) if "id" in frame else pd.Series([None] * len(frame))
    frame["_label"] = [i if i not in (None, "None", "nan", "") else f"#{n}" for n, i in enumerate(ids)]
    return frame, declared, []


# -- checks on the frame --------------------------------------------------------


def _to_wgs84(frame: gpd.GeoDataFrame, path: Path, source: str | None) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    if source is None or source == "wgs84":
        return frame, []
    try:
        frame.geometry = crs.transform_geometries(frame.geometry.values, source, "wgs84")
    except ValueError as exc:
        return frame, [Problem(str(path), f"cannot convert from {source}: {exc}")]
    return frame.set_crs(crs.WGS84, allow_override=True), []


def _check_frame(frame: gpd.GeoDataFrame, path: Path, kind: Kind | None, reported: set[str]) -> list[Problem]:
    name = str(path)
    labels = frame["_label"].to_numpy()
    geoms = frame.geometry.to_numpy()
    problems: list[Problem] = []

    def add(rows: np.ndarray, message, severity: str = "error") -> None:
        for row in np.flatnonzero(rows):
            if labels[row] not in reported or severity != "error":
                text = message(row) if callable(message) else message
                problems.append(Problem(name, text, str(labels[row]), severity))

    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    unreported = np.array([label not in reported for label in labels], dtype=bool)
    add(missing & unreported, "has no geometry; every feature needs one")

    if kind is not None:
        types = shapely.get_type_id(geoms)
        allowed = [shapely.GeometryType[t.upper()].value for t in kind.geometry_types]
        wrong = ~missing & ~np.isin(types, allowed)
        add(
            wrong,
            lambda row: (
                f"is a {geoms[row].geom_type}; a {kind.name} layer holds {' or '.join(kind.geometry_types)} features"
            ),
        )

    problems += _coordinate_problems(geoms, labels, name, reported)
    polygonal = np.isin(shapely.get_type_id(geoms), _POLYGONAL_IDS)
    reasons = np.where(polygonal, shapely.is_valid_reason(geoms), _VALID)
    zero = polygonal & (shapely.area(geoms) == 0)
    add(
        zero,
        lambda row: (
            f"polygon has zero area ({reasons[row]}): a bowtie, spike or collapsed ring "
            "would drop out of the area statistics; fix the boundary"
        ),
    )
    invalid = (reasons != _VALID) & ~zero
    add(
        invalid,
        lambda row: f"invalid polygon: {reasons[row]}; fix the boundary (or --repair applies shapely's make_valid)",
    )

    if kind is not None:
        problems += _property_problems(frame, labels, name, kind)
    return problems


_POLYGONAL_IDS = [shapely.GeometryType.POLYGON.value, shapely.GeometryType.MULTIPOLYGON.value]
_VALID = "Valid Geometry"


def _repair(frame: gpd.GeoDataFrame, path: Path) -> list[Problem]:
    """Fix invalid polygons in place with make_valid, keeping their polygonal parts; say so for each."""
    from geo.measure import geodesic_area_m2

    geoms = frame.geometry.to_numpy().copy()
    polygonal = np.isin(shapely.get_type_id(geoms), _POLYGONAL_IDS)
    invalid = np.flatnonzero(polygonal & ~shapely.is_valid(geoms))
    if len(invalid) == 0:
        return []
    reasons = shapely.is_valid_reason(geoms[invalid])
    fixed = shapely.make_valid(geoms[invalid])
    parts = [
        shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")])
        for g in fixed
    ]
    before = geodesic_area_m2(geoms[invalid]) / 1e6
    after = geodesic_area_m2(np.array(parts, dtype=object)) / 1e6
    problems = []
    for row, reason, polygon, old, new in zip(invalid, reasons, parts, before, after, strict=True):
        label = str(frame["_label"].iloc[row])
        if polygon.is_empty:
            problems.append(
                Problem(str(path), f"make_valid leaves no area ({reason}): a spike or collapsed ring?", label)
            )
            continue
        geoms[row] = polygon
        problems.append(
            Problem(
                str(path),
                f"repaired with make_valid ({reason}): area {old:.6g} km2 as drawn, {new:.6g} km2 repaired",
                label,
                "warning",
            )
        )
    frame.geometry = geoms
    return problems


def _coordinate_problems(geoms: np.ndarray, labels: np.ndarray, name: str, reported: set[str]) -> list[Problem]:
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    if len(coords) == 0:
        return []
    x, y = coords[:, 0], coords[:, 1]
    bad_number = ~np.isfinite(x) | ~np.isfinite(y)
    out_of_range = ~bad_number & ((np.abs(x) > 180) | (np.abs(y) > 90))
    problems = []
    first_bad: dict[int, str] = {}
    for flag, describe in (
        (bad_number, lambda i: f"coordinate ({x[i]}, {y[i]}) is not a finite number"),
        (out_of_range, lambda i: _range_message(x[i], y[i])),
    ):
        for i in np.flatnonzero(flag):
            first_bad.setdefault(int(index[i]), describe(i))
    for row, message in sorted(first_bad.items()):
        if labels[row] not in reported:
            problems.append(Problem(name, message, str(labels[row])))
    outside = (
        ~bad_number
        & ~out_of_range
        & ~((x >= _CHINA_BOX[0]) & (x <= _CHINA_BOX[2]) & (y >= _CHINA_BOX[1]) & (y <= _CHINA_BOX[3]))
    )
    for row in np.unique(index[outside]):
        if int(row) not in first_bad:
            problems.append(
                Problem(
                    name,
                    "lies outside China; check its coordinates (or --input-crs)",
                    str(labels[row]),
                    "warning",
                )
            )
    return problems


def _range_message(x: float, y: float) -> str:
    if abs(x) > 1000 or abs(y) > 1000:
        return (
            f"coordinates ({x:.0f}, {y:.0f}) look projected (metres, not degrees); "
            "give --input-crs EPSG:<code> (CGCS2000 Gauss-Kruger at Hengyang: EPSG:4547)"
        )
    if abs(y) > 90 and abs(x) <= 90:
        return (
            f"latitude {y} is beyond ±90 and longitude {x} looks like a latitude: "
            "lon/lat swapped? GeoJSON is [longitude, latitude]"
        )
    if abs(y) > 90:
        return f"latitude {y} is beyond ±90"
    return f"longitude {x} is beyond ±180"


def _property_problems(frame: pd.DataFrame, labels: np.ndarray, name: str, kind: Kind) -> list[Problem]:
    problems = []
    for spec in kind.fields:
        if spec.name not in frame.columns:
            if not spec.nullable:
                problems.append(
                    Problem(name, f"no feature has the required property {spec.name!r} ({kind.name} layer)")
                )
            continue
        column = frame[spec.name]
        for row in np.flatnonzero(~spec.valid(column)):
            value = column.iloc[row]
            found = "missing" if _is_null(value) else short(value)
            problems.append(
                Problem(
                    name,
                    f"property {spec.name!r} must be {spec.describe()}, found {found}",
                    str(labels[row]),
                )
            )
    if "id" in frame.columns:
        ids = frame["id"]
        duplicated = (ids.notna() & ids.duplicated(keep="first")).to_numpy()
        first = {}
        for row, value in enumerate(ids.tolist() if duplicated.any() else []):
            first.setdefault(value, row)
        for row in np.flatnonzero(duplicated):
            value = ids.iloc[row]
            problems.append(Problem(name, f"duplicate id {value!r} (also feature #{first[value]})", f"#{row}"))
    return problems


# -- writing ----------------------------------------------------------------------


def to_feature_collection(frame: gpd.GeoDataFrame, decimals: int = COORDINATE_DECIMALS) -> dict:
    """A GeoJSON FeatureCollection of a WGS84 frame, coordinates rounded."""
    geoms = shapely.transform(frame.geometry.to_numpy(), lambda c: np.round(c, decimals))
    props = frame.drop(columns=[frame.geometry.name, "_label"], errors="ignore")
    records = props.astype(object).where(props.notna(), None).to_dict("records")
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


def write_geojson(frame: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write a frame as RFC 7946 GeoJSON, atomically."""
    from geo.output import write_text

    return write_text(path, dumps_feature_collection(to_feature_collection(frame)))
