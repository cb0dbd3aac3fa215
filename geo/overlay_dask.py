"""Overlay statistics on a dask cluster, for layers beyond one machine (a province's parcels).

The overlay layer is read in partitions by dask-geopandas (a partitioned GeoParquet dataset
as it is, any other file pyogrio reads in row ranges); the zones, few, are sent to every
worker once; each partition's pieces are cut and measured on its worker exactly as the local
engine does it (``geo.overlay``), features that overlap within the partition merged, and only
the sums per zone and class come back, with a mark of where the partition's pieces lie (their
boxes on a grid of cells over the zones).

Features of different partitions can overlap only in cells two partitions mark (and their
neighbours, for rounding): X. Where there is no X, the sums are the answer. Otherwise each
partition sends its pieces cut to X, and for each class: area = Σ partitions' areas − Σ each
partition's area inside X + the area of the union of every partition's pieces inside X. Outside
X no two partitions' pieces meet, so nothing is counted twice; what moves is only what lies
where partitions meet (little, when partitions are compact in space, as a spatially sorted
dataset's are).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from geo.coverage import overlapping
from geo.errors import GeoError
from geo.layers import Layer
from geo.measure import AREA_METHODS
from geo.overlay import (
    OverlaySummary,
    class_codes,
    cutting_edges,
    measured_pieces,
    meeting,
    merged_areas,
    overlap_beyond_slivers,
    summarise,
    unions_by,
)
from geo.problems import NOTE, Problem

CONNECT_TIMEOUT_S = 10
ROWS_PER_PARTITION = 100_000
CELLS = 512  # the grid of cells, each way, on which partitions mark where their pieces lie


class DaskMissing(GeoError):
    """The dask extra is not installed."""


def _require_dask():
    try:
        import dask_geopandas
        import distributed
    except ImportError:
        raise DaskMissing("--engine dask needs dask: pip install 'hengyang-geo[dask]'") from None
    return dask_geopandas, distributed


def connect(workers: int | None, scheduler: str | None):
    """A client of a running scheduler (an unreachable one is an error within CONNECT_TIMEOUT_S),
    else of a local cluster of ``workers`` processes (2 by default)."""
    _, distributed = _require_dask()
    if scheduler:
        try:
            return distributed.Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
        except (OSError, TimeoutError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise GeoError(
                f"cannot reach the dask scheduler at {scheduler} within {CONNECT_TIMEOUT_S} s ({reason}); "
                "is it running (dask scheduler), and is the address right?"
            ) from None
    cluster = distributed.LocalCluster(
        n_workers=workers or 2, threads_per_worker=1, dashboard_address=None, silence_logs=40
    )
    return distributed.Client(cluster)


def read_partitions(path: str | Path, by: str):
    """The overlay layer as a dask GeoDataFrame of ``by`` and geometry, in WGS84."""
    dask_geopandas, _ = _require_dask()
    path = Path(path)
    if path.is_dir() or path.suffix.lower() == ".parquet":
        frame = dask_geopandas.read_parquet(path, columns=[by, "geometry"])
    else:
        import pyogrio

        rows = pyogrio.read_info(path)["features"]
        frame = dask_geopandas.read_file(path, npartitions=max(1, -(-rows // ROWS_PER_PARTITION)))
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    return frame[[by, frame.geometry.name]]


@dataclass
class Grid:
    """Cells over the zones' extent, on which a partition marks the boxes of its pieces."""

    x0: float
    y0: float
    dx: float
    dy: float

    @classmethod
    def over(cls, zone_geoms: np.ndarray) -> Grid:
        minx, miny, maxx, maxy = shapely.total_bounds(zone_geoms)
        return cls(minx, miny, max(maxx - minx, 1e-9) / CELLS, max(maxy - miny, 1e-9) / CELLS)

    def marks(self, geoms: np.ndarray) -> np.ndarray:
        """The cells (CELLS x CELLS) that the geometries' boxes meet."""
        bounds = shapely.bounds(geoms)
        columns = np.clip(np.floor((bounds[:, [0, 2]] - self.x0) / self.dx), 0, CELLS - 1).astype(int)
        rows = np.clip(np.floor((bounds[:, [1, 3]] - self.y0) / self.dy), 0, CELLS - 1).astype(int)
        corners = np.zeros((CELLS + 1, CELLS + 1), dtype=np.int64)  # each box's corners, summed over below
        for row, column, sign in ((0, 0, 1), (1, 0, -1), (0, 1, -1), (1, 1, 1)):
            np.add.at(corners, (rows[:, row] + row, columns[:, column] + column), sign)
        return corners.cumsum(axis=0).cumsum(axis=1)[:CELLS, :CELLS] > 0

    def region(self, cells: np.ndarray) -> shapely.Geometry:
        """The cells as one geometry, each grown by a cell all round (a point's cell may round into
        its neighbour's). Cells share their corners exactly, so GEOS's coverage union joins them."""
        padded = np.pad(cells, 1)
        grown = np.zeros_like(cells)
        for row in range(3):
            for column in range(3):
                grown |= padded[row : row + CELLS, column : column + CELLS]
        rows, columns = np.nonzero(grown)
        boxes = shapely.box(
            self.x0 + columns * self.dx,
            self.y0 + rows * self.dy,
            self.x0 + (columns + 1) * self.dx,
            self.y0 + (rows + 1) * self.dy,
        )
        return shapely.coverage_union_all(boxes)


def _pieces(part, zone_geoms: np.ndarray, by: str, method: str, rolling) -> tuple:
    """One partition's pieces: each one's zone and class (numbered in the classes given), the
    pieces, their areas, and the pairs of the partition's features that overlap."""
    parcels = part.geometry.to_numpy()
    values = part[by]
    if rolling is not None:
        from geo.landuse import rolled_up

        values = rolled_up(values, *rolling, by)[0]
    met = meeting(zone_geoms, parcels)
    zone_of, parcel_of, involved = met.zone_of, met.parcel_of, met.involved
    pieces, areas = measured_pieces(zone_geoms, parcels, met, method)
    codes, classes = class_codes(values)
    first, second = overlapping(parcels[involved]) if len(involved) else (involved, involved)
    return zone_of, parcel_of, codes[parcel_of], classes, pieces, areas, (involved[first], involved[second])


def _partition_areas(part, zone_geoms: np.ndarray, by: str, method: str, rolling, grid: Grid) -> dict:
    """One partition's class areas and covered area by zone (its own overlaps merged), how many of
    its features overlap, and the cells its pieces lie in (runs on a worker)."""
    zone_of, parcel_of, class_of, classes, pieces, areas, pairs = _pieces(part, zone_geoms, by, method, rolling)
    shape = (len(zone_geoms), len(classes))
    class_m2, covered = merged_areas(zone_of, class_of, parcel_of, pieces, areas, pairs, shape, method)
    return {
        "classes": list(classes),
        "class_m2": class_m2,
        "covered": covered,
        "overlapping": len(np.union1d(*pairs)),
        "cells": np.packbits(grid.marks(pieces)),
    }


def _pieces_inside(part, zone_geoms: np.ndarray, by: str, method: str, rolling, region) -> tuple:
    """One partition's pieces cut to the region where partitions meet: zone, class, piece."""
    zone_of, _, class_of, classes, pieces, _, _ = _pieces(part, zone_geoms, by, method, rolling)
    region = shapely.from_wkb(shapely.to_wkb(region))  # prepared on a copy: tasks may share the region
    shapely.prepare(region)
    near = shapely.intersects(region, pieces)
    inside = shapely.intersection(pieces[near], region)
    return zone_of[near], classes[class_of[near]], inside


def overlay_areas_dask(
    zones: Layer, overlay: str | Path, by: str, method: str, client, progress: bool = False, rolling=None
) -> OverlaySummary:
    """Each zone's area by class of the overlay's ``by`` field, computed on the cluster ``client``
    (``rolling``: the level and code table ``geo.landuse`` rolls the field's codes up by)."""
    from dask import delayed

    frame = read_partitions(overlay, by)
    zone_geoms = cutting_edges(zones.frame.geometry.to_numpy(), method)
    grid = Grid.over(zone_geoms)
    shared = client.scatter(zone_geoms, broadcast=True)
    parts = frame.to_delayed()
    futures = client.compute([delayed(_partition_areas)(p, shared, by, method, rolling, grid) for p in parts])
    if progress:
        from distributed import progress as show_progress

        show_progress(futures, file=sys.stderr)
    results = client.gather(futures)
    classes = np.array(sorted({c for r in results for c in r["classes"]}), dtype=object)
    class_m2 = np.zeros((len(zone_geoms), len(classes)))
    covered = np.zeros(len(zone_geoms))
    for result in results:
        class_m2[:, np.searchsorted(classes, result["classes"])] += result["class_m2"]
        covered += result["covered"]
    cells = [np.unpackbits(r["cells"])[: CELLS * CELLS].reshape(CELLS, CELLS) for r in results]
    meeting = np.sum(cells, axis=0) >= 2
    if meeting.any():
        region = grid.region(meeting)
        inside = client.gather(
            client.compute([delayed(_pieces_inside)(p, shared, by, method, rolling, region) for p in parts])
        )
        _count_once_inside(class_m2, covered, classes, inside, method)
    zone_of, class_of = (a.ravel() for a in np.indices(class_m2.shape))
    summary = summarise(zones, zone_geoms, zone_of, class_of, classes, class_m2.ravel(), by, method)
    summary.overlap_m2 = overlap_beyond_slivers(summary.class_m2, covered)
    overlapping_count = sum(r["overlapping"] for r in results)
    summary.notes.append(
        Problem(
            str(overlay),
            f"{frame.npartitions} partitions on {len(client.scheduler_info()['workers'])} dask workers; "
            f"{overlapping_count} features overlap others in their partition, and partitions meet on "
            f"{meeting.mean():.1%} of the zones' extent (what lies there is merged across them)",
            severity=NOTE,
        )
    )
    return summary


def _count_once_inside(class_m2, covered, classes, inside: list[tuple], method: str) -> None:
    """Where partitions meet, each partition's own area (its pieces there, merged) replaced by the
    area of the union of every partition's pieces there."""

    def union_m2(keys: np.ndarray, pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        groups, _, unions = unions_by(keys, pieces)
        return groups, np.nan_to_num(AREA_METHODS[method](unions))

    every = [(zone_of, np.searchsorted(classes, names), pieces) for zone_of, names, pieces in inside]
    pieces = [p for _, _, p in every]
    by_class = [zone_of * len(classes) + class_of for zone_of, class_of, _ in every]
    by_zone = [zone_of for zone_of, _, _ in every]
    for target, keys in ((class_m2.reshape(-1), by_class), (covered, by_zone)):
        for own_keys, own_pieces in zip(keys, pieces):
            np.subtract.at(target, *union_m2(own_keys, own_pieces))
        np.add.at(target, *union_m2(np.concatenate(keys), np.concatenate(pieces)))
