"""Overlay statistics at a city's scale: `geo area --overlay` against a plain geopandas script.

N synthetic land-survey parcels (a grid sharing its corners exactly, fields BSM/DLMC, as a
GeoPackage) over the example's five zone parts. In one run, side by side, each as its own
process (start and reading included): ``geo area ZONES --overlay PARCELS --by DLMC --format
json`` and a plain script that reads both layers with geopandas, overlays them and measures
each piece with pyproj.Geod. Prints seconds, peak memory and the largest difference between
their class areas. Run by hand, not by CI (timings on a shared machine are noisy):

    python tests/benchmarks/bench_overlay.py                 # N = 250,000 and 1,000,000
    python tests/benchmarks/bench_overlay.py 100000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_scale import make_data, timed_process  # noqa: E402

CLASSES = ["0101 水田", "0103 旱地", "0201 果园", "0301 乔木林地", "0601 工业用地", "0702 农村宅基地", "1001 铁路用地"]

PLAIN = """
import json, sys
import geopandas as gpd, shapely
from pyproj import Geod
geod = Geod(ellps="WGS84")
zones = gpd.read_file(sys.argv[1])
parcels = gpd.read_file(sys.argv[2])
pieces = gpd.overlay(zones[["id", "geometry"]], parcels[["DLMC", "geometry"]], how="intersection", keep_geom_type=True)
pieces["area_m2"] = [abs(geod.geometry_area_perimeter(shapely.orient_polygons(g))[0]) for g in pieces.geometry]
table = pieces.groupby(["id", "DLMC"])["area_m2"].sum()
json.dump({f"{z}|{c}": a for (z, c), a in table.items()}, open(sys.argv[3], "w"))
"""


def synthetic_parcels(n: int, path: Path) -> None:
    """About ``n`` square parcels covering the zones' extent, corners shared exactly."""
    zones = gpd.read_file(ROOT / "layers" / "zones.geojson")
    minx, miny, maxx, maxy = zones.total_bounds
    side = int(np.ceil(np.sqrt(n)))
    xs = np.linspace(minx - 1e-3, maxx + 1e-3, side + 1).round(7)
    ys = np.linspace(miny - 1e-3, maxy + 1e-3, side + 1).round(7)
    i, j = (a.ravel() for a in np.meshgrid(np.arange(side), np.arange(side)))
    rng = np.random.default_rng(5)
    frame = gpd.GeoDataFrame(
        {"BSM": [f"{k:08d}" for k in range(len(i))], "DLMC": rng.choice(CLASSES, len(i))},
        geometry=shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]),
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GPKG", engine="pyogrio")


def compare(n: int, folder: Path) -> list[str]:
    parcels = folder / f"parcels_{n}.gpkg"
    make_data(synthetic_parcels, n, parcels)
    os.sync()  # written out now, not while the first run reads it (that cost it 1.5 s at 1,000,000)
    zones = ROOT / "layers" / "zones.geojson"
    ours, theirs = folder / "geo.json", folder / "plain.json"
    geo_args = [sys.executable, "-m", "geo", "area", str(zones), "--overlay", str(parcels), "--by", "DLMC"]
    geo_s, geo_mb = timed_process([*geo_args, "--format", "json", "-o", str(ours)])
    script = folder / "plain.py"
    script.write_text(PLAIN, encoding="utf-8")
    plain_s, plain_mb = timed_process([sys.executable, str(script), str(zones), str(parcels), str(theirs)])
    document = json.loads(ours.read_text(encoding="utf-8"))
    figures = {f"{z['id']}|{c}": v["area_m2"] for z in document["features"] for c, v in z["classes"].items()}
    plain = json.loads(theirs.read_text(encoding="utf-8"))
    worst = max(abs(figures.get(k, 0.0) - v) / v for k, v in plain.items() if v > 0)
    return [
        f"| {n:,} | geo area --overlay | {geo_s:.1f} | {geo_mb:,.0f} | {plain_s / geo_s:.1f}x | {worst:.1e} |",
        f"| {n:,} | geopandas overlay + Geod | {plain_s:.1f} | {plain_mb:,.0f} | 1.0x | |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[250_000, 1_000_000])
    sizes = parser.parse_args().sizes
    print("| parcels | run | s | peak MB | speed-up | largest relative difference |")
    print("|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            for line in compare(n, Path(folder)):
                print(line, flush=True)


if __name__ == "__main__":
    main()
