"""Reading a firm list: N rows as CSV, GB18030 CSV and Excel against the same points as GeoJSON.

One run, side by side: each file is read by ``geo.layers.read_layer`` (which
also finds the coordinate columns, checks every row and builds the points),
best of three, with the peak memory of the read. Target: a table costs at
most 1.5x the GeoJSON. Run by hand, not by CI (timings here are noisy):

    python tests/benchmarks/bench_tables.py            # N = 100,000
    python tests/benchmarks/bench_tables.py 10000
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from geo.layers import read_layer

INDUSTRIES = ["电子信息", "新材料", "生物医药", "装备制造", "商贸物流"]


def firm_list(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "企业名称": [f"衡阳合成科技有限公司{i}号" for i in range(n)],
            "地址": [f"蒸湘区合成路{i}号" for i in range(n)],
            "经度": np.round(112.50 + rng.random(n) * 0.15, 6),
            "纬度": np.round(26.83 + rng.random(n) * 0.10, 6),
            "行业": rng.choice(INDUSTRIES, n),
        }
    )


def write_files(table: pd.DataFrame, folder: Path) -> dict[str, Path]:
    files = {
        "GeoJSON": folder / "firms.geojson",
        "CSV (UTF-8, BOM)": folder / "firms.csv",
        "CSV (GB18030)": folder / "firms_gbk.csv",
        "Excel (.xlsx)": folder / "firms.xlsx",
    }
    properties = table.drop(columns=["经度", "纬度"]).to_dict("records")
    features = [
        {"type": "Feature", "properties": p, "geometry": {"type": "Point", "coordinates": [x, y]}}
        for p, x, y in zip(properties, table["经度"], table["纬度"], strict=True)
    ]
    files["GeoJSON"].write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    table.to_csv(files["CSV (UTF-8, BOM)"], index=False, encoding="utf-8-sig")
    table.to_csv(files["CSV (GB18030)"], index=False, encoding="gb18030")
    table.to_excel(files["Excel (.xlsx)"], index=False, engine="xlsxwriter" if _has("xlsxwriter") else None)
    return files


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def measure(path: Path, repeats: int = 3) -> tuple[float, float]:
    """Best-of seconds and peak MB of reading ``path`` as a layer."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        read_layer(path)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    read_layer(path)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(firm_list(n), Path(tmp))
        results = {name: measure(path) for name, path in files.items()}
        base = results["GeoJSON"][0]
        print(f"N = {n:,}")
        print("| file | MB | read s | peak MB (Python) | vs GeoJSON |")
        print("|---|---:|---:|---:|---:|")
        for name, (seconds, peak) in results.items():
            size = files[name].stat().st_size / 2**20
            print(f"| {name} | {size:.1f} | {seconds:.2f} | {peak:.0f} | {seconds / base:.2f}x |")


if __name__ == "__main__":
    main()
