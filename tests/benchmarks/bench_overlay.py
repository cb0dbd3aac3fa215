"""Overlay statistics at a city's scale: `geo area --overlay` against the plain script and QGIS.

N synthetic land-survey parcels (a grid sharing its corners exactly, fields BSM/DLMC, as a
GeoPackage) over the example's five zone parts, clean and unclean (1% of the parcels left out,
1% drawn twice under another class). In one run, side by side, each as its own process (start
and reading included; the best of two runs for the first two):
``geo area ZONES --overlay PARCELS --by DLMC --format json``; the plain
geopandas + pyproj.Geod script an analyst would write (``../shared/baselines/overlay_plain.py``);
and, where qgis_process is installed, QGIS's own pipeline. Prints seconds, peak memory, the
largest difference of a class area from ours, and the overlap found. Run by hand, not by CI
(timings on a shared machine are noisy):

    python tests/benchmarks/bench_overlay.py                 # N = 250,000 and 1,000,000
    python tests/benchmarks/bench_overlay.py 100000 --no-qgis
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_scale import make_data, timed_process  # noqa: E402

CLASSES = ["0101 水田", "0103 旱地", "0201 果园", "0301 乔木林地", "0601 工业用地", "0702 农村宅基地", "1001 铁路用地"]

BASELINE = ROOT.parent / "shared" / "baselines" / "overlay_plain.py"  # the plain script an analyst writes
RUNS = 2  # geo and the plain script each take the best of two runs; QGIS's far longer pipeline runs once


def qgis_process() -> list[str] | None:
    """How to run QGIS's qgis_process, if installed. Debian's wrapper passes the desktop's
    --noversioncheck, which qgis_process refuses: its binary is run instead, in a clean
    environment (a virtualenv's Python on the path breaks QGIS's own)."""
    found = shutil.which("qgis_process")
    if found is None:
        return None
    binary = Path(found + ".bin")
    clean = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={Path.home()}", "QT_QPA_PLATFORM=offscreen"]
    return [*clean, str(binary if binary.exists() else found)]


def qgis_pipeline(qgis: list[str], zones: Path, parcels: Path, folder: Path) -> tuple[float, float, Path]:
    """What an office runs in QGIS: intersection, the field calculator's $area on the WGS84
    ellipsoid, statistics by categories. Seconds (all three), the largest peak, the CSV."""
    cut, measured, table = folder / "qgis_cut.gpkg", folder / "qgis_measured.gpkg", folder / "qgis.csv"
    steps = [
        ["native:intersection", "--", f"INPUT={zones}", f"OVERLAY={parcels}", "INPUT_FIELDS=id",
         "OVERLAY_FIELDS=DLMC", f"OUTPUT={cut}"],
        ["native:fieldcalculator", "--ellipsoid=EPSG:7030", "--area_units=m2", "--", f"INPUT={cut}",
         "FIELD_NAME=area_m2", "FIELD_TYPE=0", "FIELD_LENGTH=20", "FIELD_PRECISION=6", "FORMULA=$area",
         f"OUTPUT={measured}"],
        ["qgis:statisticsbycategories", "--", f"INPUT={measured}", "VALUES_FIELD_NAME=area_m2",
         "CATEGORIES_FIELD_NAME=id", "CATEGORIES_FIELD_NAME=DLMC", f"OUTPUT={table}"],
    ]  # fmt: skip
    runs = [timed_process([*qgis, "run", *step]) for step in steps]
    return sum(s for s, _ in runs), max(mb for _, mb in runs), table


def synthetic_parcels(n: int, path: Path, unclean: bool = False) -> None:
    """About ``n`` square parcels covering the zones' extent, corners shared exactly. Unclean: 1% of
    them left out (gaps) and 1% drawn twice, the copy under another class (a re-supplied parcel)."""
    zones = gpd.read_file(ROOT / "layers" / "zones.geojson")
    minx, miny, maxx, maxy = zones.total_bounds
    side = int(np.ceil(np.sqrt(n)))
    xs = np.linspace(minx - 1e-3, maxx + 1e-3, side + 1).round(7)
    ys = np.linspace(miny - 1e-3, maxy + 1e-3, side + 1).round(7)
    i, j = (a.ravel() for a in np.meshgrid(np.arange(side), np.arange(side)))
    rng = np.random.default_rng(5)
    classes = rng.integers(0, len(CLASSES), len(i))
    cells = np.arange(len(i))
    if unclean:
        shuffled = rng.permutation(len(i))
        gaps, twice = len(i) // 100, len(i) // 100
        cells = np.concatenate([np.sort(shuffled[gaps:]), shuffled[gaps : gaps + twice]])
        classes = np.concatenate([classes[cells[:-twice]], (classes[cells[-twice:]] + 1) % len(CLASSES)])
    frame = gpd.GeoDataFrame(
        {
            "BSM": [f"{k:08d}" for k in range(len(cells))],
            "DLMC": np.array(CLASSES)[classes],
            "COPY": np.arange(len(cells)) >= len(i) - (len(i) // 100 if unclean else 0),  # drawn twice
        },
        geometry=shapely.box(xs[i[cells]], ys[j[cells]], xs[i[cells] + 1], ys[j[cells] + 1]),
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GPKG", engine="pyogrio")


def compare(n: int, unclean: bool, folder: Path, qgis: list[str] | None) -> list[str]:
    parcels = folder / f"parcels_{n}_{'unclean' if unclean else 'clean'}.gpkg"
    make_data(synthetic_parcels, n, parcels, unclean)
    os.sync()  # written out now, not while the first run reads it (that cost it 1.5 s at 1,000,000)
    zones = ROOT / "layers" / "zones.geojson"
    ours, theirs = folder / "geo.json", folder / "plain.json"
    geo_args = [sys.executable, "-m", "geo", "area", str(zones), "--overlay", str(parcels), "--by", "DLMC"]
    geo_s, geo_mb = best_of(RUNS, [*geo_args, "--format", "json", "-o", str(ours)])
    plain_s, plain_mb = best_of(RUNS, [sys.executable, str(BASELINE), str(zones), str(parcels), str(theirs)])
    document = json.loads(ours.read_text(encoding="utf-8"))
    figures = {f"{z['id']}|{c}": v["area_m2"] for z in document["features"] for c, v in z["classes"].items()}
    overlap = sum(z["overlap_m2"] for z in document["features"])
    copies_m2 = _copies_inside(zones, parcels)
    against = f" ({abs(overlap - copies_m2) / copies_m2:.0e} from the copies')" if copies_m2 else ""
    plain = json.loads(theirs.read_text(encoding="utf-8"))
    layer = f"{n:,} {'1% gaps + 1% twice' if unclean else 'clean'}"
    rows = [
        f"| {layer} | geo area --overlay | {geo_s:.1f} | {geo_mb:,.0f} | {plain_s / geo_s:.1f}x | "
        f"{_worst(figures, plain):.1e} | {overlap:,.0f}{against} |",
        f"| {layer} | plain geopandas + Geod | {plain_s:.1f} | {plain_mb:,.0f} | 1.0x | | |",
    ]
    if qgis:
        qgis_s, qgis_mb, table = qgis_pipeline(qgis, zones, parcels, folder)
        with table.open(encoding="utf-8") as lines:
            theirs_qgis = {f"{r['id']}|{r['DLMC']}": float(r["sum"]) for r in csv.DictReader(lines)}
        rows.append(
            f"| {layer} | QGIS qgis_process | {qgis_s:.1f} | {qgis_mb:,.0f} | {plain_s / qgis_s:.2f}x | "
            f"{_worst(figures, theirs_qgis):.1e} | |"
        )
    return rows


def best_of(runs: int, args: list[str]) -> tuple[float, float]:
    """The fastest of ``runs`` runs of a command (as timeit reports its best: on a shared machine
    the others measure its neighbours too), and the largest peak memory in MB of any."""
    timings = [timed_process(args) for _ in range(runs)]
    return min(s for s, _ in timings), max(mb for _, mb in timings)


def _copies_inside(zones: Path, parcels: Path) -> float:
    """The area of the parcels drawn twice inside the zones (their cut along the geodesic edges)."""
    from geo.overlay import cutting_edges

    geod = Geod(ellps="WGS84")
    cut = cutting_edges(gpd.read_file(zones).geometry.to_numpy(), "geodesic")
    copies = gpd.read_file(parcels, where="COPY = 1").geometry.to_numpy()
    if len(copies) == 0:
        return 0.0
    zone_of, copy_of = shapely.STRtree(copies).query(cut, predicate="intersects")
    pieces = shapely.intersection(cut[zone_of], copies[copy_of])
    return sum(abs(geod.geometry_area_perimeter(shapely.orient_polygons(p))[0]) for p in pieces)


def _worst(ours: dict, theirs: dict) -> float:
    """The largest relative difference of a class area (a zone's class summed both ways)."""
    return max(abs(ours.get(k, 0.0) - v) / v for k, v in theirs.items() if v > 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[250_000, 1_000_000])
    parser.add_argument("--no-qgis", action="store_true", help="leave QGIS out even where it is installed")
    arguments = parser.parse_args()
    if not BASELINE.exists():
        sys.exit(f"the baseline script is not at {BASELINE}")
    qgis = None if arguments.no_qgis else qgis_process()
    print("| parcels | run | s | peak MB | speed-up | largest relative difference | overlap m² |")
    print("|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for n in arguments.sizes:
            for unclean in (False, True):
                for line in compare(n, unclean, Path(folder), qgis):
                    print(line, flush=True)


if __name__ == "__main__":
    main()
