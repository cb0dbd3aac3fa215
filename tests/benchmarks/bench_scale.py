"""Scale benchmark: N synthetic enterprises over the zone, in one run, side by side.

For each N it builds the map of the example's zones, landmarks and districts
with the N points (``geo build --enterprises``), geopandas' ``explore()``
and a minimal hand-written canvas page, and prints build seconds, peak
memory of the build, HTML bytes, and headless-Chromium seconds from
navigation until every layer is drawn, with the ratios. Run by hand, not by CI (timings on a shared machine are noisy):

    python tests/benchmarks/bench_scale.py                 # N = 1,000, 10,000, 100,000
    python tests/benchmarks/bench_scale.py 100000 --no-explore
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import browser  # noqa: E402
from tests.builders import synthetic_enterprises  # noqa: E402

LOAD_TIMEOUT_S = 120


def timed_process(args: list[str]) -> tuple[float, float]:
    """Run a command; its wall seconds and peak resident memory in MB. Linux carries a process's
    peak over to the children it forks: this process must stay small (make_data) for the figure
    to be the command's own."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{args[:3]} failed: {process.stderr.read().decode()[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def make_data(function: Callable[..., None], *args) -> None:
    """``function(*args)`` in a process of its own, so that this one does not grow by the data it
    makes and lend its peak memory to the commands it times."""
    process = multiprocessing.get_context("spawn").Process(target=function, args=args)
    process.start()
    process.join()
    if process.exitcode:
        raise RuntimeError(f"{function.__name__}{args} failed")


EXPLORE = """
import sys, geopandas as gpd
gpd.read_file(sys.argv[1]).explore(column="cluster").save(sys.argv[2])
"""


def address(page_path: Path) -> str:
    """The page's address; the map opens on its "no tiles" base layer (#base=none) as the hand pages
    have none: with the network cut off, each zoom would otherwise spend 100-150 ms failing tiles."""
    return page_path.resolve().as_uri() + ("#base=none" if page_path.name.startswith("geo_") else "")


def seconds_until_drawn(instance, page_path: Path) -> float | None:
    """Seconds from navigation until the load event and two animation frames (everything painted)."""
    page = instance.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto(address(page_path), wait_until="load", timeout=LOAD_TIMEOUT_S * 1000)
        ms = page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
        )
        return ms / 1000
    except Exception:
        return None
    finally:
        page.close()


ZOOM_STEP = """() => new Promise(done => {
  const map = Object.values(window).find(v => v instanceof L.Map), start = performance.now();
  map.once("moveend", () => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start))));
  map.setZoom(map.getZoom() + 1, {animate: false});
})"""


def ms_per_zoom_step(instance, page_path: Path) -> float | None:
    """Milliseconds from a zoom-in until the view is painted again, the mean of three steps in."""
    page = instance.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto(address(page_path), wait_until="load", timeout=LOAD_TIMEOUT_S * 1000)
        page.wait_for_timeout(500)
        return sum(page.evaluate(ZOOM_STEP) for _ in range(3)) / 3
    except Exception:
        return None
    finally:
        page.close()


def measure(n: int, folder: Path, instance, with_explore: bool) -> dict:
    source = folder / f"enterprises_{n}.geojson"
    make_data(synthetic_enterprises, n, source)
    rows = {}
    outputs = {
        "geo build": folder / f"geo_{n}.html",
        "explore()": folder / f"explore_{n}.html",
        "hand-written": folder / f"hand_{n}.html",
        "hand, supercluster": folder / f"hand_sc_{n}.html",
    }
    commands = {
        "geo build": [
            sys.executable,
            "-m",
            "geo",
            "build",
            *(f"--{kind}={ROOT / 'layers' / f'{kind}.geojson'}" for kind in ("zones", "landmarks", "districts")),
            "--enterprises",
            str(source),
            "-o",
            str(outputs["geo build"]),
        ],
        "explore()": [sys.executable, "-c", EXPLORE, str(source), str(outputs["explore()"])],
        "hand-written": [sys.executable, str(HERE / "hand_written_page.py"), str(source), str(outputs["hand-written"])],
        "hand, supercluster": [
            sys.executable,
            str(HERE / "hand_written_page.py"),
            str(source),
            str(outputs["hand, supercluster"]),
            "--supercluster",
        ],
    }
    for name, command in commands.items():
        if name == "explore()" and not with_explore:
            continue
        build_s, peak_mb = timed_process(command)
        rows[name] = {
            "build_s": build_s,
            "peak_mb": peak_mb,
            "html_bytes": outputs[name].stat().st_size,
            "drawn_s": seconds_until_drawn(instance, outputs[name]),
            "zoom_ms": ms_per_zoom_step(instance, outputs[name]),
        }
    return rows


def fmt(value: float | None, spec: str) -> str:
    return f"> {LOAD_TIMEOUT_S} s" if value is None else format(value, spec)


def ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or b is None or b == 0 else f"{a / b:.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--no-explore", action="store_true", help="Skip geopandas' explore() (slow at 100,000).")
    args = parser.parse_args()
    default_s, default_mb = timed_process([sys.executable, "build_map.py", "-o", tempfile.mktemp(suffix=".html")])
    print(f"default map: python build_map.py {default_s:.2f} s wall, peak {default_mb:.0f} MB\n")
    print(
        "| N | page | build s | peak MB | HTML MB | drawn s | zoom step ms | HTML vs hand | drawn vs hand sc "
        "| zoom vs hand sc | build: explore()/geo |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp, browser() as instance:
        for n in args.sizes:
            rows = measure(n, Path(tmp), instance, not args.no_explore)
            hand, fast = rows["hand-written"], rows["hand, supercluster"]
            for name, row in rows.items():
                speedup = (
                    ratio(rows["explore()"]["build_s"], row["build_s"])
                    if "explore()" in rows and name == "geo build"
                    else ""
                )
                print(
                    f"| {n:,} | {name} | {row['build_s']:.2f} | {row['peak_mb']:.0f} | {row['html_bytes'] / 1e6:.2f} "
                    f"| {fmt(row['drawn_s'], '.2f')} | {fmt(row['zoom_ms'], '.0f')} "
                    f"| {ratio(row['html_bytes'], hand['html_bytes'])} | {ratio(row['drawn_s'], fast['drawn_s'])} "
                    f"| {ratio(row['zoom_ms'], fast['zoom_ms'])} | {speedup} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
