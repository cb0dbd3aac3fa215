"""Every format GDAL reads, through pyogrio: Shapefile, GeoPackage, File Geodatabase, KML/KMZ, DXF.

Read in bulk through Arrow where pyarrow is installed; a Shapefile's text encoding worked out
when it declares none (``encoding``) and its parts checked to agree (``shapefile``); of a file
with a spatial index, only the features near the zones when asked.
"""

from __future__ import annotations

import functools
import importlib.util
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.fields import fields_to_read
from geo.io import LABEL, shapefile
from geo.io.datasets import LAYER_FIELD, LayerInfo, fits, kml_folder_paths
from geo.io.encoding import GB18030, shapefile_encoding, sidecar
from geo.io.geojson import GEOJSON_SUFFIXES
from geo.io.tables import TABLE_SUFFIXES
from geo.problems import NOTE, WARNING, Problem, errors
from geo.reading import ReadOptions, boxes_in, choose_system, own_system

_HAS_ARROW = importlib.util.find_spec("pyarrow") is not None


@functools.cache
def _has_libkml() -> bool:
    import pyogrio

    return "LIBKML" in pyogrio.list_drivers()


def gdal_source(path: Path) -> str:
    """How GDAL is to open ``path``: a KMZ through /vsizip/ where GDAL has no LIBKML driver (the
    plain KML driver reads the KML inside, as GDAL builds of pyogrio 0.10 have it)."""
    if path.suffix.lower() != ".kmz" or _has_libkml():
        return str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            inner = next((n for n in archive.namelist() if n.lower().endswith(".kml")), None)
    except (OSError, zipfile.BadZipFile):
        return str(path)
    return f"/vsizip/{path}/{inner}" if inner else str(path)


def _read_dataframe(
    path: Path,
    encoding: str | None,
    columns: list[str] | None = None,
    boxes: np.ndarray | None = None,
    limit: int | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """The file's features indexed by their FIDs (the first ``limit`` of them); with ``boxes``,
    only those whose box meets one of them, each read through the file's spatial index, once."""
    if boxes is None:
        return _read_in_bulk(path, encoding, columns, limit=limit, layer=layer)
    parts = pd.concat([_read_in_bulk(path, encoding, columns, tuple(box), limit, layer) for box in boxes])
    return parts[~parts.index.duplicated()].sort_index()


def _read_in_bulk(
    path: Path,
    encoding: str | None,
    columns: list[str] | None,
    bbox: tuple[float, ...] | None = None,
    limit: int | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """The features, with NaN in a geometry's bytes left for the checks to name per feature."""
    read = dict(encoding=encoding, columns=columns, bbox=bbox, fid_as_index=True, max_features=limit, layer=layer)
    with np.errstate(invalid="ignore"):
        return _read_through_arrow(path, read)


def _read_through_arrow(path: Path, read: dict) -> gpd.GeoDataFrame:
    """Read through Arrow where pyarrow is installed (a quarter faster on 250,000 parcels).
    Arrow reports text that is not in the declared encoding as an ArrowException; read again
    without it, that is a UnicodeDecodeError saying which encoding failed."""
    import pyogrio

    if _HAS_ARROW:
        from pyarrow import ArrowException

        try:
            frame = pyogrio.read_dataframe(gdal_source(path), use_arrow=True, **read)
            for column in frame.columns:  # Arrow decodes text lazily: check it now, while it can be caught
                if column != frame.geometry.name and not pd.api.types.is_numeric_dtype(frame[column]):
                    _checked_text(frame, column)
            return frame
        except ArrowException:
            pass
    return pyogrio.read_dataframe(gdal_source(path), **read)


def _checked_text(frame: pd.DataFrame, column: str) -> None:
    """Text held by Arrow (pandas 3's strings) checked to be UTF-8 in place, which is quick; other
    columns decoded into Python objects now."""
    import pyarrow as pa

    values = frame[column].array
    held = pa.array(values) if hasattr(values, "__arrow_array__") else None
    if held is not None and (pa.types.is_string(held.type) or pa.types.is_large_string(held.type)):
        held.validate(full=True)
    else:
        frame[column] = frame[column].astype(object)


def read_with_pyogrio(
    path: Path, options: ReadOptions, wants: tuple[str, ...] | None = None
) -> tuple[gpd.GeoDataFrame | None, str | None, list[Problem]]:
    """The file's features (only the fields ``options.columns`` asks for, when it asks; only those
    near ``options.near`` where the file has a spatial index), its own system, and what was
    guessed or went wrong. A feature is named by its FID, as a GIS shows it. Of a file with
    several layers, the one ``options.layer`` names, else those whose geometry types are all in
    ``wants`` (any, when None), read together (``geo.io.datasets``)."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    problems, limit = _shapefile_parts(path, options.repair) if path.suffix.lower() == ".shp" else ([], None)
    problems += _unreadable_prj(path)
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
        names = [None] if path.suffix.lower() == ".shp" else [str(n) for n, _ in pyogrio.list_layers(gdal_source(path))]
        if options.layer is not None and options.layer not in names:
            listing = ", ".join(str(_info(path, n, encoding)) for n in names)
            return None, None, [Problem(str(path), f"has no layer {options.layer!r}; its layers: {listing}")]
        if options.layer is not None or len(names) == 1:
            names = [options.layer]
        read, missing = [], []
        for name in names:
            frame, lacking = _read_layer(path, name, encoding, options, limit)
            read.append((name, frame))
            missing += lacking
    except UnicodeDecodeError as exc:
        message = f"text is not in {_encoding_source(path, options.encoding)} ({exc.encoding}): "
        return None, None, [Problem(str(path), message + "give --encoding GBK (or the encoding it was written in)")]
    except (DataSourceError, DataLayerError, shapely.errors.GEOSException, OSError, ValueError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, None, [Problem(str(path), f"cannot be read: {message}")]
    if missing:  # the fields asked for are not there
        return None, None, missing
    if not all(isinstance(frame, gpd.GeoDataFrame) for _, frame in read):
        return None, None, [Problem(str(path), "has no geometry column")]
    if len(read) == 1:
        frame = read[0][1]
        frame[LABEL] = "#" + frame.index.to_series().astype("str")  # in bulk: a million in 0.1 s
    else:
        frame, found = _together(path, read, wants)
        problems += found
        if frame is None:
            return None, None, problems
    prj = sidecar(path, ".prj") if path.suffix.lower() == ".shp" else None
    if frame.crs is None and prj is not None and prj.stat().st_size:
        message = "its .prj names no coordinate system GDAL knows: read as if it had none (--input-crs gives one)"
        problems.append(Problem(str(path), message, severity=WARNING))
    return frame.reset_index(drop=True), own_system(frame.crs), problems


def layer_names(path: Path) -> list[str | None]:
    """The names of a file's layers, for those that hold several; [None] for a file of one layer."""
    import pyogrio

    if path.suffix.lower() in (".shp", *GEOJSON_SUFFIXES, *TABLE_SUFFIXES):  # formats of one layer
        return [None]
    names = [str(name) for name, _ in pyogrio.list_layers(gdal_source(path))]
    return names if len(names) > 1 else [None]


def _read_layer(
    path: Path, layer: str | None, encoding: str | None, options: ReadOptions, limit: int | None
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """One layer of the file as a frame; None, and an error for each, when it lacks fields asked for."""
    import pyogrio

    info = pyogrio.read_info(gdal_source(path), layer=layer, encoding=encoding)
    columns = None
    if options.columns is not None:  # the field naming each feature's layer is made when layers are read together
        wanted = tuple(c for c in options.columns if c != LAYER_FIELD or layer is None)
        keep, found = fields_to_read(list(info["fields"]), wanted, path)
        if errors(found):
            return None, found
        columns = list(keep)
    return _read_dataframe(path, encoding, columns, _near_boxes(path, info, options), limit, layer), []


def _info(path: Path, layer: str, encoding: str | None) -> LayerInfo:
    import pyogrio

    info = pyogrio.read_info(gdal_source(path), layer=layer, encoding=encoding, force_feature_count=True)
    kind = info["geometry_type"]
    if kind in (None, "Unknown", "Geometry"):  # KML and DXF say nothing: look at the features
        kind = (
            "/".join(_types(pyogrio.read_dataframe(gdal_source(path), layer=layer, columns=[], read_geometry=True)))
            or None
        )
    return LayerInfo(layer, int(info["features"]), tuple(kind.split("/")) if kind else ())


def _types(frame: gpd.GeoDataFrame) -> tuple[str, ...]:
    return tuple(sorted(set(frame.geometry.geom_type.dropna())))


def _together(
    path: Path, read: list[tuple[str, gpd.GeoDataFrame]], wants: tuple[str, ...] | None
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """The layers of a file whose geometry fits ``wants``, as one frame: each feature's layer (a
    KML folder's path) in a field, named ``LAYER#FID``; and a note saying what was read."""
    infos = [LayerInfo(name, len(frame), _types(frame)) for name, frame in read]
    chosen = [i for i, info in enumerate(infos) if info.count and fits(info.types, wants)]
    listing = ", ".join(map(str, infos))
    if not chosen:
        needed = "/".join(wants) if wants else "features"
        message = f"has {len(infos)} layers and none holds only {needed}: {listing}; name one as FILE|layername=NAME"
        return None, [Problem(str(path), message)]
    folders = kml_folder_paths(path) if path.suffix.lower() in (".kml", ".kmz") else {}
    frames = []
    for i in chosen:
        name, frame = read[i]
        frame[LAYER_FIELD] = folders.get(name, name)
        frame[LABEL] = f"{name}#" + frame.index.to_series().astype("str")
        frames.append(frame if not frames or frame.crs == frames[0].crs else frame.to_crs(frames[0].crs))
    left = [str(infos[i]) for i in range(len(infos)) if i not in chosen]
    said = f"holds {len(infos)} layers: read {', '.join(str(infos[i]) for i in chosen)}"
    said += " together" if len(chosen) > 1 else ""
    said += f"; left {', '.join(left)}" if left else ""
    note = Problem(
        str(path), said + f" (field {LAYER_FIELD!r} names each one's; FILE|layername=NAME reads one)", severity=NOTE
    )
    together = gpd.GeoDataFrame(pd.concat(frames), crs=frames[0].crs)
    for column in together.columns.drop(together.geometry.name):
        if together[column].isna().all():  # a field no layer fills (KML's timestamp): NaT and None mixed
            together[column] = pd.Series([None] * len(together), index=together.index, dtype=object)
    return together, [note]


def _encoding_source(path: Path, given: str | None) -> str:
    """Where the encoding a file failed to decode in came from, as a user would say it."""
    if given is not None:
        return "the encoding --encoding asks for"
    if path.suffix.lower() != ".shp":
        return "the encoding the file declares"
    if sidecar(path, ".cpg") is not None:
        return "the encoding its .cpg declares"
    return "the encoding its .dbf declares (no .cpg)"


def _unreadable_prj(path: Path) -> list[Problem]:
    """An error for a .prj that is no text (pyogrio fails on it with an UnboundLocalError)."""
    prj = sidecar(path, ".prj") if path.suffix.lower() == ".shp" else None
    if prj is None:
        return []
    try:
        prj.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"its .prj is no text (byte {exc.start}): remove or mend it, and give --input-crs"
        return [Problem(str(path), message)]
    return []


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
