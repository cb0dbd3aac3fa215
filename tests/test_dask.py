"""`geo area --overlay --engine dask`: the same figures as the local engine, on a local cluster of
two workers, on a scheduler and worker started as separate processes, and a clear error when the
scheduler cannot be reached."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

pytest.importorskip("dask_geopandas")
pytest.importorskip("distributed")

from geo.fields import Roles
from geo.layers import Layer
from geo.overlay import overlay_areas
from geo.overlay_dask import overlay_areas_dask
from tests.builders import OVERLAY_ZONES, parcel_grid


def as_layer(frame, name: str) -> Layer:
    return Layer(__import__("pathlib").Path(name), None, frame.assign(_label=frame["id"]), [], Roles(id="id"))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A clean parcel grid as a partitioned GeoParquet dataset (4 parts) and as one GeoPackage."""
    import dask_geopandas

    folder = tmp_path_factory.mktemp("dask")
    parcels = parcel_grid(n=60, step=0.001, gaps=True, overlaps=False)
    dask_geopandas.from_geopandas(parcels, npartitions=4).to_parquet(folder / "dltb.parquet")
    parcels.to_file(folder / "dltb.gpkg", driver="GPKG")
    OVERLAY_ZONES.to_file(folder / "zones.geojson", driver="GeoJSON")
    return folder, parcels


def same_figures(ours: dict, theirs: dict) -> None:
    for a, b in zip(ours["features"], theirs["features"], strict=True):
        assert a["id"] == b["id"]
        assert set(a["classes"]) == set(b["classes"])
        for name, figures in b["classes"].items():
            assert a["classes"][name]["area_m2"] == pytest.approx(figures["area_m2"], rel=1e-9)
        assert a["uncovered_m2"] == pytest.approx(b["uncovered_m2"], rel=1e-9, abs=1e-6)


def test_a_local_cluster_of_two_workers_gives_the_local_engines_figures(sample):
    from distributed import Client, LocalCluster

    folder, parcels = sample
    zones = as_layer(OVERLAY_ZONES, "zones")
    local = overlay_areas(zones, as_layer(parcels, "dltb"), "DLMC").to_dict()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    with cluster, Client(cluster) as client:
        for source in (folder / "dltb.parquet", folder / "dltb.gpkg"):
            summary = overlay_areas_dask(zones, source, "DLMC", "geodesic", client)
            same_figures(summary.to_dict(), local)
        note = overlay_areas_dask(zones, folder / "dltb.parquet", "DLMC", "geodesic", client).notes[0]
        assert "4 partitions on 2 dask workers" in str(note)


def test_features_overlapping_across_partitions_are_counted_once(tmp_path):
    """Parcels drawn across others, some in the same partition as what they cover and some in
    another (they come first in the file; the grid's cells they lie on fall in later partitions):
    the figures of the plain geopandas computation, overlap included."""
    import dask_geopandas
    import geopandas as gpd
    import pandas as pd
    from distributed import Client, LocalCluster

    from tests.test_overlay import assert_matches, independent

    grid = parcel_grid(n=60, step=0.001, gaps=True, overlaps=True)
    extras = grid["id"].str[1:].astype(int) >= len(grid) - 10  # parcel_grid's overlapping parcels come last
    copies = grid[~extras].iloc[[1500, 2600]].assign(DLMC=grid["DLMC"].iloc[0])  # cells drawn twice
    layer = gpd.GeoDataFrame(pd.concat([grid[extras], copies, grid[~extras]], ignore_index=True), crs=4326)
    dask_geopandas.from_geopandas(layer, npartitions=3, sort=False).to_parquet(tmp_path / "dltb.parquet")
    zones = as_layer(OVERLAY_ZONES, "zones")
    truth = independent(OVERLAY_ZONES, layer)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    with cluster, Client(cluster) as client:
        summary = overlay_areas_dask(zones, tmp_path / "dltb.parquet", "DLMC", "geodesic", client)
    assert_matches(summary.to_dict(), truth)
    assert sum(truth[z]["overlap"] for z in truth) > 1000
    assert "partitions meet on" in str(summary.notes[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def geo(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def test_a_scheduler_and_a_worker_started_as_processes(sample):
    folder, _ = sample
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dashboard-address",
            ":0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_worker",
            address,
            "--nthreads",
            "1",
            "--host",
            "127.0.0.1",
            "--dashboard-address",
            ":0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        overlay = ["--overlay", folder / "dltb.parquet", "--by", "DLMC", "--format", "json"]
        remote = geo("area", folder / "zones.geojson", *overlay, "--engine", "dask", "--scheduler", address)
        assert remote.returncode == 0, remote.stderr
        local = geo(
            "area", folder / "zones.geojson", "--overlay", folder / "dltb.gpkg", "--by", "DLMC", "--format", "json"
        )
        same_figures(json.loads(remote.stdout), json.loads(local.stdout))
    finally:
        worker.terminate()
        scheduler.terminate()
        worker.wait(timeout=20)
        scheduler.wait(timeout=20)


def test_an_unreachable_scheduler_is_one_line_within_bounded_time(sample):
    folder, _ = sample
    start = time.perf_counter()
    result = geo(
        "area",
        folder / "zones.geojson",
        "--overlay",
        folder / "dltb.gpkg",
        "--by",
        "DLMC",
        "--engine",
        "dask",
        "--scheduler",
        f"tcp://127.0.0.1:{free_port()}",
        timeout=60,
    )
    assert time.perf_counter() - start < 45
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and errors[0].startswith("error: cannot reach the dask scheduler at tcp://127.0.0.1:")
    assert "Traceback" not in result.stderr


def test_without_dask_the_error_says_how_to_install_it(monkeypatch):
    from geo.overlay_dask import DaskMissing, connect

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(DaskMissing, match=r"pip install 'hengyang-geo\[dask\]'"):
        connect(2, None)
