"""Overlay statistics on a dask cluster, for layers beyond one machine (a province's parcels).

The overlay layer is read in partitions by dask-geopandas (a partitioned GeoParquet dataset
as it is, any other file pyogrio reads in row ranges); the zones, few, are sent to every
worker once; each partition's pieces are cut and measured on its worker exactly as the local
engine does it (``geo.overlay.measured_pieces``) and only the sums per zone and
class come back. A local cluster (``--workers N``) or a running one (``--scheduler ADDRESS``).

What it does not do: check that features of different partitions do not overlap (the local
engine merges overlapping features; here each piece counts once per feature). It says so.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geo.errors import GeoError
from geo.layers import Layer
from geo.overlay import OverlaySummary, class_codes, cutting_edges, measured_pieces, summarise
from geo.problems import NOTE, Problem

CONNECT_TIMEOUT_S = 10
ROWS_PER_PARTITION = 100_000


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


def _partition_areas(part, zone_geoms: np.ndarray, by: str, method: str) -> pd.DataFrame:
    """One partition's piece areas, summed by zone and class (runs on a worker)."""
    parcels = part.geometry.to_numpy()
    zone_of, parcel_of = shapely.STRtree(parcels).query(zone_geoms, predicate="intersects")
    _, areas = measured_pieces(zone_geoms, parcels, zone_of, parcel_of, method)
    codes, classes = class_codes(part[by])
    pieces = pd.DataFrame({"zone": zone_of, "cls": classes[codes[parcel_of]], "area_m2": areas})
    return pieces.groupby(["zone", "cls"], as_index=False)["area_m2"].sum()


def overlay_areas_dask(
    zones: Layer, overlay: str | Path, by: str, method: str, client, progress: bool = False
) -> OverlaySummary:
    """Each zone's area by class of the overlay's ``by`` field, computed on the cluster ``client``."""
    frame = read_partitions(overlay, by)
    zone_geoms = cutting_edges(zones.frame.geometry.to_numpy(), method)
    shared = client.scatter(zone_geoms, broadcast=True)
    meta = pd.DataFrame({"zone": pd.Series(dtype="int64"), "cls": pd.Series(dtype=object), "area_m2": 0.0})
    sums = frame.map_partitions(_partition_areas, shared, by, method, meta=meta)
    future = client.compute(sums)
    if progress:
        from distributed import progress as show_progress

        show_progress(future, file=sys.stderr)
    table = future.result()  # each partition's sums by zone and class, added up by summarise
    class_of, classes = class_codes(table["cls"])
    summary = summarise(zones, zone_geoms, table["zone"].to_numpy(), class_of, classes, table["area_m2"], by, method)
    summary.notes.append(
        Problem(
            str(overlay),
            f"{frame.npartitions} partitions on {len(client.scheduler_info()['workers'])} dask workers; "
            "overlapping features are not looked for across partitions (the local engine does)",
            severity=NOTE,
        )
    )
    return summary
