"""How a file is read: its coordinate system, its text encoding, its fields.

Each file is read in its own system. A file that carries one (a Shapefile's
``.prj``, a GeoPackage, a GeoJSON ``crs`` member) is read in it; ``--input-crs``
is for files that carry none (a table, a Shapefile without ``.prj``, GeoJSON
copied from a web map), either for every such file or for one
(``--input-crs firms.xlsx=gcj02``). Reading a file in another system than its
own takes ``--override-crs`` and is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from geo import crs
from geo.fields import FieldChoice
from geo.problems import NOTE, WARNING, Problem


@dataclass(frozen=True)
class ReadOptions:
    """Everything a command may say about how to read its input files."""

    input_crs: tuple[tuple[str | None, str], ...] = ()  # (file, or None for every file; system)
    override_crs: str | None = None
    encoding: str | None = None
    fields: FieldChoice = field(default_factory=FieldChoice)
    lon_field: str | None = None
    lat_field: str | None = None
    skip_bad_rows: bool = False
    repair: bool = False
    at: date | None = None  # a versioned layer's versions valid on this day; None: every version
    columns: tuple[str, ...] | None = None  # read only these fields (and the geometry, and version dates)
    # Boxes in WGS84 (west, south, east, north): of a file with a spatial index, read only the
    # features whose box meets one of them
    near: tuple[tuple[float, float, float, float], ...] = ()
    input_option: str = "--input-crs"  # how the command names input_crs in messages (convert: --from)
    layer: str | None = None  # of a file with several layers, this one (FILE|layername=NAME)
    swap_xy: bool = False  # X holds the northing (--swap-xy), whatever the numbers show
    parcel_field: str | None = None  # a vertex list's parcel key (--parcel-field)
    order_field: str | None = None  # a vertex list's point number (--order-field)
    # The geometry types the command needs where no kind says (area: polygons; --count: points): of a
    # file with several layers and none named, the layers that hold only these are read
    wants: tuple[str, ...] | None = None

    def on_day(self, default: date) -> ReadOptions:
        """These options choosing versions valid on ``at``, or on ``default`` when none was given."""
        return self if self.at is not None else replace(self, at=default)

    @classmethod
    def of(cls, input_crs: str | None = None, repair: bool = False) -> ReadOptions:
        """Options for the common case: one system for every file without one."""
        return cls(input_crs=((None, crs.normalise_system(input_crs)),) if input_crs else (), repair=repair)

    def given_system(self, path: Path) -> tuple[str | None, str | None]:
        """(system, the option that gave it) from --input-crs for this file; a file named beats every file."""
        for target, system in self.input_crs:
            if target is not None and _same_file(Path(target), path):
                return system, f"{self.input_option} {target}={system}"
        for target, system in self.input_crs:
            if target is None:
                return system, f"{self.input_option} {system}"
        return None, None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def own_system(frame_crs: CRS | None) -> str | None:
    """A file's own system as ``wgs84`` or ``EPSG:n``, or its WKT where it has no EPSG code."""
    if frame_crs is None:
        return None
    code = frame_crs.to_epsg()
    if code is not None:
        try:
            return crs.normalise_system(f"EPSG:{code}")
        except ValueError:
            pass
    return frame_crs.to_wkt()


def describe(system: str) -> str:
    """A system as a reader would name it: ``EPSG:4547`` or a WKT's name."""
    return system if len(system) < 40 else CRS.from_wkt(system).name


def choose_system(
    path: Path, own: str | None, where: str, options: ReadOptions, recognised: tuple[str, str] | None = None
) -> tuple[str, list[Problem]]:
    """The system to read ``path`` in, and what to say about the choice.

    ``where`` says where the file's own system comes from (".prj", "its crs member");
    ``recognised`` is (system, why) for a file that says none but whose kind tells (a DataV file).
    """
    name = str(path)
    given, option = options.given_system(path)
    if options.override_crs:
        if own is not None and own != options.override_crs:
            message = f"read as {options.override_crs} (--override-crs), not {describe(own)} as {where} says"
            return options.override_crs, [Problem(name, message, severity=WARNING)]
        return options.override_crs, []
    if own is None and given is None and recognised is not None:
        system, why = recognised
        return system, [Problem(name, f"{why}: read as {system} (--input-crs chooses another)", severity=NOTE)]
    if own is None:
        return given or "wgs84", []
    if given is not None and given != own:
        message = (
            f"read in {describe(own)} as {where} says; {option} is for files without a system "
            "(--override-crs reads it in another)"
        )
        return own, [Problem(name, message, severity=NOTE)]
    return own, []


def boxes_in(boxes: np.ndarray, system: str) -> np.ndarray:
    """WGS84 boxes (rows of west, south, east, north) as boxes of ``system`` that hold them: the
    bounds of their edges, densified and moved, widened by a hundredth for the edges' bends."""
    spans = (boxes[:, 2:] - boxes[:, :2]).max(axis=1)
    edges = shapely.segmentize(shapely.box(*boxes.T), np.maximum(spans / 32, 1e-9))
    if system != "wgs84":
        edges = crs.transform_geometries(edges, "wgs84", system) if _ours(system) else _pyproj_from_wgs84(edges, system)
    bounds = shapely.bounds(edges)
    margin = (bounds[:, 2:] - bounds[:, :2]) / 100
    return np.hstack([bounds[:, :2] - margin, bounds[:, 2:] + margin])


def _ours(system: str) -> bool:
    """Whether geo.crs moves geometries of ``system`` itself (else pyproj does, from a WKT)."""
    return system.startswith("EPSG:") or system in crs.CHINESE_SYSTEMS


def _pyproj_from_wgs84(geoms: np.ndarray, system: str) -> np.ndarray:
    return gpd.GeoSeries(geoms, crs=crs.WGS84).to_crs(system).to_numpy()


def to_wgs84(frame: gpd.GeoDataFrame, system: str) -> gpd.GeoDataFrame:
    """The frame's geometries moved from ``system`` into WGS84 (raises ValueError if it cannot)."""
    if system == "wgs84":
        return frame.set_crs(crs.WGS84, allow_override=True)
    if _ours(system):
        frame.geometry = crs.transform_geometries(frame.geometry.values, system, "wgs84")
        return frame.set_crs(crs.WGS84, allow_override=True)
    return frame.set_crs(system, allow_override=True).to_crs(crs.WGS84)


SAMPLE_POSITIONS = 2_000  # enough to tell how a layer's numbers sit, from any layer's size


def sample_positions(geoms: np.ndarray) -> np.ndarray:
    """The finite positions of a layer's first geometries, at most SAMPLE_POSITIONS: what its numbers
    look like, without copying a million parcels' coordinates."""
    xy = shapely.get_coordinates(geoms[:SAMPLE_POSITIONS])[:SAMPLE_POSITIONS]
    return xy[np.isfinite(xy).all(axis=1)]


def fit_axes(
    frame: gpd.GeoDataFrame, system: str, path: Path, options: ReadOptions, given: str | None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """The frame with X and Y swapped where ``--swap-xy`` says so, or where the numbers show it: in
    a projected system, features that land outside China as written and inside it swapped (X the
    northing, as Chinese surveyors write it). A system the user gave (``given`` names the option)
    that puts every feature outside China either way is an error: the numbers contradict it."""
    name = str(path)
    if options.swap_xy:
        return _swapped(frame), [Problem(name, "X and Y swapped (--swap-xy): X read as the northing", severity=NOTE)]
    if system == "wgs84" or system in crs.CHINESE_SYSTEMS:
        return frame, []
    xy = sample_positions(frame.geometry.to_numpy())
    if not len(xy):
        return frame, []
    as_written, swapped = _share_in_china(xy, system), _share_in_china(xy[:, ::-1], system)
    if as_written < 0.5 and swapped > 0.9:
        message = f"in {describe(system)} its X holds the northing, as Chinese surveyors write it: X and Y swapped"
        return _swapped(frame), [Problem(name, message + " (--swap-xy says so)", severity=NOTE)]
    if given is not None and as_written == 0 and swapped == 0:
        message = (
            f"{given} puts every feature outside China ({xy[0, 0]:.0f}, {xy[0, 1]:.0f} is no position there): "
            "the numbers contradict it; give the system they are in"
        )
        return frame, [Problem(name, message)]
    return frame, []


def _share_in_china(xy: np.ndarray, system: str) -> float:
    from geo.checks import in_china_box

    try:
        lon, lat = crs.transformer(system, "wgs84")(xy[:, 0], xy[:, 1])
    except ValueError:
        return 0.0
    return float(np.mean(in_china_box(np.asarray(lon), np.asarray(lat))))


def _swapped(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame.geometry = shapely.transform(frame.geometry.to_numpy(), lambda c: c[:, ::-1])
    return frame


# DataV.GeoAtlas and Gaode's boundary files: no crs member, these properties, GCJ-02 coordinates.
DATAV_PROPERTIES = {"adcode", "center", "centroid", "childrenNum", "acroutes", "subFeatureIndex"}


def web_boundary_system(frame: gpd.GeoDataFrame) -> str | None:
    """``gcj02`` for a DataV.GeoAtlas or Gaode boundary file (adcode and two more of its
    properties), else None."""
    found = DATAV_PROPERTIES & set(frame.columns)
    return "gcj02" if "adcode" in found and len(found) >= 3 else None


def prefixed_zone_system(frame: gpd.GeoDataFrame) -> tuple[str, str] | None:
    """For coordinates with no system stated whose eastings carry a CGCS2000 3-degree zone in front
    (38 358 925: zone 38, whichever column holds them), the zone's EPSG code and why; else None."""
    xy = sample_positions(frame.geometry.to_numpy())
    if not len(xy):
        return None
    for column in (0, 1):
        zones = xy[:, column] // 1_000_000
        northings = xy[:, 1 - column]
        if len(set(zones)) == 1 and 25 <= zones[0] <= 45 and ((northings > 1e6) & (northings < 6e6)).all():
            zone = int(zones[0])
            why = f"no coordinate system stated; eastings prefixed {zone} (CGCS2000 3-degree Gauss-Kruger zone {zone})"
            return f"EPSG:{4513 + zone - 25}", why
    return None
