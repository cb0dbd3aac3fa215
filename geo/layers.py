"""Reading layers into WGS84, each feature checked and named.

GeoJSON is read strictly by ``geo.geojson``; tables of points (CSV, Excel) by
``geo.tables``; every other format pyogrio reads (Shapefile, GeoPackage, KML,
File Geodatabase) through pyogrio, with the text encoding a Shapefile fails to
declare worked out by ``geo.encoding``. Each file is moved into WGS84 from its
own coordinate system (``geo.reading``), its id, name and declared-area fields
found (``geo.fields``), and checked (``geo.checks``).
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo import checks, shapefile, timeline
from geo.encoding import GB18030, misdecoded, shapefile_encoding, sidecar
from geo.fields import Roles, find_roles
from geo.geojson import read_geojson
from geo.memory import collector_paused
from geo.problems import NOTE, WARNING, InputError, Problem, errors
from geo.reading import ReadOptions, boxes_in, choose_system, own_system, to_wgs84
from geo.schema import Kind, role_of
from geo.tables import is_table, read_table

GEOJSON_SUFFIXES = (".geojson", ".json")
_HAS_ARROW = importlib.util.find_spec("pyarrow") is not None
MISDECODED_SAMPLE = 10_000
COORDINATE_DECIMALS = 6  # about 0.1 m: far below any accuracy_m of the example


@dataclass
class Layer:
    """A layer read and checked: its features in WGS84, the fields playing each role, its warnings."""

    path: Path
    kind: Kind | None
    frame: gpd.GeoDataFrame
    warnings: list[Problem] = field(default_factory=list)
    roles: Roles = field(default_factory=Roles)
    checked: bool = True  # False: its geometries await check_features

    @property
    def name(self) -> str:
        return self.kind.name if self.kind else self.path.name.split(".")[0]

    @property
    def labels(self) -> pd.Series:
        """How each feature is named in messages: its id, else its index (or table row)."""
        return self.frame["_label"]

    @property
    def ids(self) -> pd.Series:
        """Each feature's id as text: its label, which is the id field's value where there is one."""
        return self.labels.astype(str)

    @property
    def names(self) -> pd.Series:
        """Each feature's name as text: the name field's value, else its id."""
        return text_or(self.column(self.roles.name), self.ids)

    def on(self, day: date | None) -> Layer:
        """This layer with only its versions valid on ``day`` (itself when no day or not versioned)."""
        if day is None or not timeline.is_versioned(self.frame):
            return self
        frame, note = timeline.select(self.frame, self.path, day)
        return replace(self, frame=frame, warnings=[*self.warnings, note])

    def column(self, name: str | None) -> pd.Series:
        """A property as objects, or a column of None where the layer has no such field."""
        if name is None or name not in self.frame.columns:
            return pd.Series([None] * len(self.frame), index=self.frame.index, dtype=object)
        column = self.frame[name].astype(object)
        return column.where(column.notna(), None)


def text_or(values: pd.Series, fallback: pd.Series) -> pd.Series:
    """Values as text where they hold any (not missing, not blank), else the fallback."""
    texts = values.astype(str)
    return texts.where(values.notna() & (texts.str.strip() != ""), fallback.astype(str))


def read_layer(
    path: str | Path,
    kind: str | None = None,
    options: ReadOptions | None = None,
    strict: bool = False,
    checked: bool = True,
) -> Layer:
    """Read and check a layer; raise InputError listing every error found.

    ``kind`` names the layer's role (``zones`` holds polygons, the others
    points); its full property schema applies with ``strict`` and to the
    shipped example's layers. With ``checked=False`` its geometries are left for
    the caller to check (and repair) with check_features, only those it uses:
    of a city's parcels, an overlay needs only those that meet a zone.
    """
    layer, problems = load_layer(path, kind, options, strict, checked=checked)
    if errors(problems) or layer is None:
        raise InputError(errors(problems) or problems)
    return layer


def check_layer(
    path: str | Path, kind: str | None = None, options: ReadOptions | None = None, strict: bool = False
) -> list[Problem]:
    """Every problem in a layer, errors, warnings and notes, ids required unique; never raises for bad input."""
    return load_layer(path, kind, options, strict, unique_ids=True)[1]


def load_layer(
    path: str | Path,
    kind: str | None = None,
    options: ReadOptions | None = None,
    strict: bool = False,
    unique_ids: bool = False,
    checked: bool = True,
) -> tuple[Layer | None, list[Problem]]:
    """Read a layer and check it; the layer is None when it could not be read.

    With ``options.repair``, invalid polygons are fixed with shapely's
    make_valid and each fix is reported as a warning with the area before and after.
    """
    with collector_paused():
        return _load(Path(path), kind, options or ReadOptions(), strict, unique_ids, checked)


def check_features(layer: Layer, rows: np.ndarray, repair: bool = False) -> list[Problem]:
    """Repair (with ``repair``) and check the features ``rows`` of a layer read unchecked; raise
    InputError listing the errors, else return the warnings. Repairs are made in the layer."""
    part = layer.frame.iloc[rows].copy()
    problems = _repaired_and_checked(part, layer.path, layer.kind, repair, [])
    if repair:
        geoms = layer.frame.geometry.to_numpy().copy()
        geoms[rows] = part.geometry.to_numpy()
        layer.frame.geometry = geoms
    if errors(problems):
        raise InputError(errors(problems))
    return problems


def _load(
    path: Path, kind: str | None, options: ReadOptions, strict: bool, unique_ids: bool, checked: bool
) -> tuple[Layer | None, list[Problem]]:
    role = role_of(path, kind, strict)
    if not path.exists():
        return None, [Problem(str(path), "no such file")]
    if path.is_dir() and path.suffix.lower() != ".gdb":
        return None, [Problem(str(path), "is a directory, not a layer file")]
    if path.suffix.lower() in GEOJSON_SUFFIXES:
        frame, own, problems = read_geojson(path)
        where = "its crs member"
    elif is_table(path):
        frame, problems = read_table(path, options.lon_field, options.lat_field, options.skip_bad_rows)
        own, where = None, ""
    else:
        frame, own, problems = _read_with_pyogrio(path, options)
        where = "its .prj" if path.suffix.lower() == ".shp" else "the file"
    if frame is None or (is_table(path) and errors(problems)):
        return None, problems
    if options.columns is not None:
        keep, found = _fields_to_read(list(frame.columns), options.columns, path)
        if errors(found):
            return None, [*problems, *found]
        problems += found
        frame = frame[[*keep, frame.geometry.name, "_label"]].rename(columns=keep)
        role = role and replace(role, fields=())  # the fields it must have are not read
    system, notes = choose_system(path, own, where, options)
    problems += notes
    try:
        frame = to_wgs84(frame, system)
    except ValueError as exc:
        return None, [*problems, Problem(str(path), f"cannot convert from {system}: {exc}")]
    # A layer read for a few fields (an overlay's classes) plays no id, name or area role.
    roles, found = (Roles(), []) if options.columns else find_roles(list(frame.columns), options.fields, str(path))
    problems += found + _misdecoded(frame, path)
    if roles.id is not None:
        frame["_label"] = text_or(frame[roles.id].astype(object), frame["_label"])
    if timeline.is_versioned(frame):
        problems += timeline.date_problems(frame, path)
        if options.at is not None and not errors(problems):
            frame, note = timeline.select(frame, path, options.at)
            problems.append(note)
    if checked:
        ids = frame[roles.id] if roles.id is not None else None
        problems += _repaired_and_checked(frame, path, role, options.repair, problems, ids, unique_ids or strict)
    warnings = [p for p in problems if not p.is_error]
    return Layer(path, role, frame, warnings, roles, checked=checked), problems


def _repaired_and_checked(
    frame: gpd.GeoDataFrame,
    path: Path,
    role: Kind | None,
    repair: bool,
    earlier: list[Problem],
    ids: pd.Series | None = None,
    unique_ids: bool = False,
) -> list[Problem]:
    """Repair (with ``repair``, in place) and check a frame's features; a feature already named in
    an error of ``earlier`` or of the repair is not reported again."""
    problems = checks.repair(frame, path) if repair else []
    reported = {p.feature for p in [*earlier, *problems] if p.feature and p.is_error}
    return problems + checks.check_frame(frame, path, role, reported, ids, unique_ids)


def _fields_to_read(fields: list[str], wanted: tuple[str, ...], path: Path) -> tuple[dict[str, str], list[Problem]]:
    """Of a layer's fields, those wanted and its version dates, each with the name it is read as;
    a field named in other case (dlmc for DLMC: a DBF's names are not case-sensitive elsewhere) is
    read, and said so; an error for each wanted one it lacks."""
    fields = [f for f in fields if f not in ("geometry", "_label")]
    keep = {f: f for f in fields if f in wanted or f in (timeline.VALID_FROM, timeline.VALID_TO)}
    problems = []
    for name in wanted:
        if name in fields:
            continue
        same = [f for f in fields if f.casefold() == name.casefold()]
        if len(same) == 1:
            keep[same[0]] = name
            problems.append(Problem(str(path), f"has no field {name!r}: read {same[0]!r}", severity=NOTE))
        else:
            problems.append(Problem(str(path), f"no field {name!r}; it has: {', '.join(fields) or 'no fields'}"))
    return keep, problems


def _read_dataframe(
    path: Path,
    encoding: str | None,
    columns: list[str] | None = None,
    boxes: np.ndarray | None = None,
    limit: int | None = None,
) -> gpd.GeoDataFrame:
    """The file's features indexed by their FIDs (the first ``limit`` of them); with ``boxes``,
    only those whose box meets one of them, each read through the file's spatial index, once."""
    if boxes is None:
        return _read_in_bulk(path, encoding, columns, limit=limit)
    parts = pd.concat([_read_in_bulk(path, encoding, columns, tuple(box), limit) for box in boxes])
    return parts[~parts.index.duplicated()].sort_index()


def _read_in_bulk(
    path: Path,
    encoding: str | None,
    columns: list[str] | None,
    bbox: tuple[float, ...] | None = None,
    limit: int | None = None,
) -> gpd.GeoDataFrame:
    """Read through Arrow where pyarrow is installed (a quarter faster on 250,000 parcels).
    Arrow reports text that is not in the declared encoding as an ArrowException; read again
    without it, that is a UnicodeDecodeError saying which encoding failed."""
    import pyogrio

    read = dict(encoding=encoding, columns=columns, bbox=bbox, fid_as_index=True, max_features=limit)
    if _HAS_ARROW:
        from pyarrow import ArrowException

        try:
            frame = pyogrio.read_dataframe(path, use_arrow=True, **read)
            for column in frame.columns:  # Arrow decodes text lazily: decode it now, while it can be caught
                if column != frame.geometry.name and not pd.api.types.is_numeric_dtype(frame[column]):
                    frame[column] = frame[column].astype(object)
            return frame
        except ArrowException:
            pass
    return pyogrio.read_dataframe(path, **read)


def _read_with_pyogrio(path: Path, options: ReadOptions) -> tuple[gpd.GeoDataFrame | None, str | None, list[Problem]]:
    """The file's features (only the fields ``options.columns`` asks for, when it asks; only those
    near ``options.near`` where the file has a spatial index), its own system, and what was
    guessed or went wrong. A feature is named by its FID, as a GIS shows it."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    problems, limit = _shapefile_parts(path, options.repair) if path.suffix.lower() == ".shp" else ([], None)
    if errors(problems):
        return None, None, problems
    encoding = options.encoding
    if encoding is None and path.suffix.lower() == ".shp":
        encoding = shapefile_encoding(path)
        if encoding == GB18030:
            problems.append(
                Problem(
                    str(path),
                    "declares no encoding (no .cpg) and its text is not UTF-8: read as GB18030 (GBK); "
                    "--encoding chooses another",
                    severity=NOTE,
                )
            )
    try:
        info = pyogrio.read_info(path, encoding=encoding)
        if options.columns is not None:
            keep, found = _fields_to_read(list(info["fields"]), options.columns, path)
            if errors(found):
                return None, None, found
        columns = None if options.columns is None else list(keep)
        frame = _read_dataframe(path, encoding, columns, _near_boxes(path, info, options), limit)
    except UnicodeDecodeError as exc:
        message = f"text is not in {_encoding_source(path, options.encoding)} ({exc.encoding}): "
        return None, None, [Problem(str(path), message + "give --encoding GBK (or the encoding it was written in)")]
    except (DataSourceError, DataLayerError, shapely.errors.GEOSException, OSError, ValueError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, None, [Problem(str(path), f"cannot be read: {message}")]
    if not isinstance(frame, gpd.GeoDataFrame):
        return None, None, [Problem(str(path), "has no geometry column")]
    frame["_label"] = "#" + frame.index.to_series().astype("str")  # in bulk: a million in 0.1 s
    prj = sidecar(path, ".prj") if path.suffix.lower() == ".shp" else None
    if frame.crs is None and prj is not None and prj.stat().st_size:
        message = "its .prj names no coordinate system GDAL knows: read as if it had none (--input-crs gives one)"
        problems.append(Problem(str(path), message, severity=WARNING))
    return frame.reset_index(drop=True), own_system(frame.crs), problems


def _encoding_source(path: Path, given: str | None) -> str:
    """Where the encoding a file failed to decode in came from, as a user would say it."""
    if given is not None:
        return "the encoding --encoding asks for"
    if path.suffix.lower() != ".shp":
        return "the encoding the file declares"
    if sidecar(path, ".cpg") is not None:
        return "the encoding its .cpg declares"
    return "the encoding its .dbf declares (no .cpg)"


def _shapefile_parts(path: Path, repair: bool) -> tuple[list[Problem], int | None]:
    """An error when a Shapefile's parts disagree on its record count (GDAL would silently read the
    shortest); with ``repair``, a warning and the count to read."""
    counts = shapefile.record_counts(path)
    disagree = shapefile.disagreement(counts)
    if disagree is None:
        return [], None
    shortest = min(counts.values())
    if repair:
        message = f"its parts disagree on the number of records ({disagree}): read the first {shortest} (--repair)"
        return [Problem(str(path), message, severity=WARNING)], shortest
    message = (
        f"its parts disagree on the number of records ({disagree}), so features would be lost: "
        f"export it again, or give --repair to read the first {shortest}"
    )
    return [Problem(str(path), message)], None


def _near_boxes(path: Path, info: dict, options: ReadOptions) -> np.ndarray | None:
    """``options.near`` as boxes of the system the file will be read in, where the file has a
    spatial index (a GeoPackage, a Shapefile with .qix, a File Geodatabase); else None."""
    if not options.near or not info["capabilities"].get("fast_spatial_filter"):
        return None
    own = own_system(CRS.from_user_input(info["crs"])) if info["crs"] else None
    system, _ = choose_system(path, own, "", options)  # what it says is said when the file is read
    return boxes_in(np.array(options.near, dtype=float), system)


def _misdecoded(frame: pd.DataFrame, path: Path) -> list[Problem]:
    """A warning for each text column (or the field names) that looks like GBK read as Latin-1."""
    found = []
    texts = {"field names": [c for c in frame.columns if isinstance(c, str)]}
    for column in frame.columns:
        if column not in ("_label", frame.geometry.name) and not pd.api.types.is_numeric_dtype(frame[column]):
            try:
                # Mis-decoding spoils a whole column: its first rows tell (a million ids need not be read).
                texts[f"field {column}"] = pd.unique(frame[column].iloc[:MISDECODED_SAMPLE].dropna().to_numpy())
            except TypeError:  # lists (the example's industries) cannot be hashed; their texts are ours
                continue
    for what, values in texts.items():
        wrong = misdecoded(values)
        if wrong:
            count, example, fixed = wrong
            found.append(
                Problem(
                    str(path),
                    f"{what}: {count} text(s) look wrongly decoded ({example!r} reads {fixed!r} in GBK); "
                    "give --encoding GBK",
                    severity=WARNING,
                )
            )
    return found


# -- writing ----------------------------------------------------------------------


def to_feature_collection(frame: gpd.GeoDataFrame, decimals: int = COORDINATE_DECIMALS) -> dict:
    """A GeoJSON FeatureCollection of a WGS84 frame, coordinates rounded."""
    geoms = shapely.transform(frame.geometry.to_numpy(), lambda c: np.round(c, decimals))
    props = frame.drop(columns=[frame.geometry.name, "_label"], errors="ignore")
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
