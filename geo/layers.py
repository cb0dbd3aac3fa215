"""The pipeline: a file read by its format's reader (``geo.io``), into WGS84, each feature checked and named.

Each file is moved into WGS84 from its own coordinate system (``geo.reading``), its
id, name and declared-area fields found (``geo.fields``), and checked (``geo.checks``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import checks, timeline
from geo.fields import Roles, fields_to_read, find_roles
from geo.io import LABEL
from geo.io.coordinate_txt import is_coordinate_txt, read_coordinate_txt
from geo.io.datasets import split_source
from geo.io.dxf import read_dxf
from geo.io.encoding import misdecoded_columns
from geo.io.gdal import read_with_pyogrio
from geo.io.geojson import GEOJSON_SUFFIXES, read_geojson
from geo.io.tables import is_table, read_table
from geo.memory import collector_paused
from geo.problems import NOTE, InputError, Problem, errors
from geo.reading import ReadOptions, choose_system, fit_axes, prefixed_zone_system, to_wgs84, web_boundary_system
from geo.schema import Kind, role_of


@dataclass
class Layer:
    """A layer read and checked: its features in WGS84, the fields playing each role, its warnings."""

    path: Path
    kind: Kind | None
    frame: gpd.GeoDataFrame
    warnings: list[Problem] = field(default_factory=list)
    roles: Roles = field(default_factory=Roles)
    checked: bool = True  # False: its geometries await check_features
    stated_system: str | None = None  # the system the file itself states (.prj, GeoPackage, crs member)

    @property
    def name(self) -> str:
        return self.kind.name if self.kind else self.path.name.split(".")[0]

    @property
    def labels(self) -> pd.Series:
        """How each feature is named in messages: its id, else its index (or table row)."""
        return self.frame[LABEL]

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
    make_valid and each fix is reported as a warning with the area before and after. ``path``
    may name one layer of a file that holds several, as QGIS does: ``FILE|layername=NAME``.
    """
    file, layer = split_source(path)
    options = options or ReadOptions()
    if layer is not None:
        options = replace(options, layer=layer)
    with collector_paused():
        return _load(file, kind, options, strict, unique_ids, checked)


def check_features(layer: Layer, rows: np.ndarray, repair: bool = False) -> list[Problem]:
    """Repair (with ``repair``) and check the features ``rows`` of a layer read unchecked; raise
    InputError listing the errors, else return the warnings. Repairs are made in the layer."""
    read = [layer.frame.geometry.name, LABEL, *(f.name for f in (layer.kind.fields if layer.kind else ()))]
    part = layer.frame.iloc[rows, [k for k, c in enumerate(layer.frame.columns) if c in read]]  # what the checks read
    part = part.copy() if repair else part  # repaired apart from the layer
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
        frame, own, problems = read_geojson(path, options.encoding)
        where = "its crs member"
    elif path.suffix.lower() == ".dxf":
        frame, problems = read_dxf(path, options.layer, options.encoding)
        own, where = None, ""
    elif is_coordinate_txt(path):
        frame, own, problems = read_coordinate_txt(path, options.encoding)
        where = "its header"
    elif is_table(path):
        frame, problems = read_table(
            path, options.lon_field, options.lat_field, options.skip_bad_rows, options.parcel_field, options.order_field
        )
        own, where = None, ""
    else:
        frame, own, problems = read_with_pyogrio(path, options, role.geometry_types if role else options.wants)
        where = "its .prj" if path.suffix.lower() == ".shp" else "the file"
    if frame is None or (is_table(path) and errors(problems)):
        return None, problems
    if options.columns is not None:
        keep, found = fields_to_read(list(frame.columns), options.columns, path)
        if errors(found):
            return None, [*problems, *found]
        problems += found
        frame = frame[[*keep, frame.geometry.name, LABEL]].rename(columns=keep)
        role = role and replace(role, fields=())  # the fields it must have are not read
    system, notes = choose_system(path, own, where, options, _recognised(path, frame))
    frame, fitted = fit_axes(frame, system, path, options, _user_system(path, own, options))
    problems += notes + fitted + _table_in_wgs84(path, system, options)
    if errors(fitted):
        return None, problems
    try:
        frame = to_wgs84(frame, system)
    except ValueError as exc:
        return None, [*problems, Problem(str(path), f"cannot convert from {system}: {exc}")]
    # A layer read for a few fields (an overlay's classes) plays no id, name or area role.
    roles, found = (Roles(), []) if options.columns else find_roles(list(frame.columns), options.fields, str(path))
    problems += found + misdecoded_columns(frame, path)
    if roles.id is not None:
        frame[LABEL] = text_or(frame[roles.id].astype(object), frame[LABEL])
    if timeline.is_versioned(frame):
        problems += timeline.date_problems(frame, path)
        if options.at is not None and not errors(problems):
            frame, note = timeline.select(frame, path, options.at)
            problems.append(note)
    if checked:
        ids = frame[roles.id] if roles.id is not None else None
        problems += _repaired_and_checked(frame, path, role, options.repair, problems, ids, unique_ids or strict)
    warnings = [p for p in problems if not p.is_error]
    return Layer(path, role, frame, warnings, roles, checked=checked, stated_system=own), problems


def _table_in_wgs84(path: Path, system: str, options: ReadOptions) -> list[Problem]:
    """A note where a table's coordinates, which no file format declares, were read as WGS84
    because nothing said otherwise: a firm list picked on Gaode would be 600 m off."""
    if not is_table(path) or system != "wgs84" or options.given_system(path)[0] or options.override_crs:
        return []
    message = (
        "a table states no coordinate system: read as WGS84; coordinates picked on Gaode or Tencent are "
        "GCJ-02 (--input-crs gcj02), Baidu's BD-09 (--input-crs bd09)"
    )
    return [Problem(str(path), message, severity=NOTE)]


def _recognised(path: Path, frame: gpd.GeoDataFrame) -> tuple[str, str] | None:
    """The system a file that states none is in, where its kind or its numbers tell: a DataV or
    Gaode boundary GeoJSON is GCJ-02; eastings with a zone in front name their zone."""
    web = web_boundary_system(frame) if path.suffix.lower() in GEOJSON_SUFFIXES else None
    if web:
        return web, "a DataV.GeoAtlas or Gaode boundary file (properties adcode, center ...)"
    return prefixed_zone_system(frame)


def _user_system(path: Path, own: str | None, options: ReadOptions) -> str | None:
    """The option by which the user chose the system a file is read in, or None."""
    if options.override_crs:
        return f"--override-crs {options.override_crs}"
    return None if own is not None else options.given_system(path)[1]


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
