"""Running a mutant through every command, and the rules each run is held to."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import signal
import sqlite3
import struct
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import separate_streams_runner
from tests.fuzz.corpus import ZONES_FOR_POINTS, Seed

PREVIOUS = b"the previous output, which a failed run must leave as it is\n"
LONGEST_LINE = 1_000  # a message quoting a 50 MB string is no message
HANG_SECONDS = 120
# Mutants that make garbage of a file that still parses: refused, or at least warned about, never taken in
# silence, by the commands that use what they spoil (the coordinates: every command; a declared area: those
# that compare it).
COORDINATES = ("coordinate cell TRUE", "coordinate written TRUE", "longitude and latitude swapped")
DECLARED = ("-digit number", "a declared area of 1e308", "written as b'1e999'", "written as b'9999")
COMPARING = ("area", "area --repair", "build")


@dataclass
class Outcome:
    """What the commands did with one mutant, and every rule they broke."""

    what: str
    exits: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


class Hang(Exception):
    pass


def commands(seed: Seed) -> dict[str, list[str]]:
    main = seed.main
    if seed.points:
        return {
            "validate": ["validate", main],
            "area": ["area", "zones.geojson", "--count", main, "--format", "json"],
            "convert": ["convert", main, "-o", "out.geojson", "--to", "gcj02"],
            "convert gpkg": ["convert", main, "-o", "out.gpkg", "--to", "EPSG:4547"],
            "build": ["build", "--enterprises", main, "-o", "map.html"],
        }
    return {
        "validate": ["validate", main],
        "area": ["area", main, "--format", "json"],
        "area --repair": ["area", main, "--repair", "--format", "json"],
        "convert": ["convert", main, "-o", "out.geojson", "--to", "gcj02"],
        "convert gpkg": ["convert", main, "-o", "out.gpkg", "--to", "EPSG:4547"],
        "build": ["build", "--zones", main, "-o", "map.html"],
    }


def run_case(seed: Seed, files: dict[str, bytes], what: str, folder: Path) -> Outcome:
    """Write the mutant into ``folder`` (empty), run every command there, and check each run."""
    from geo.cli import main as geo_main

    for name, data in files.items():
        (folder / name).write_bytes(data)
    if seed.points:
        (folder / "zones.geojson").write_bytes(ZONES_FOR_POINTS)
    outcome = Outcome(what)
    expected = independent_count(seed, folder)
    runner = separate_streams_runner()
    for label, args in commands(seed).items():
        output = folder / args[args.index("-o") + 1] if "-o" in args else None
        if output is not None:
            output.write_bytes(PREVIOUS)
        with _inside(folder), _deadline(HANG_SECONDS):
            try:
                result = runner.invoke(geo_main, args, catch_exceptions=True)
            except Hang:
                outcome.failures.append(f"{label}: still running after {HANG_SECONDS} s")
                continue
        outcome.exits[label] = result.exit_code
        outcome.failures += [f"{label}: {broken}" for broken in _broken(seed, label, result, output, expected)]
        spoiled = any(m in what for m in COORDINATES) or (label in COMPARING and any(m in what for m in DECLARED))
        if spoiled and result.exit_code == 0 and "warning:" not in result.stderr:
            outcome.failures.append(f"{label}: taken in silence")
        left = [p.name for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name]
        if left:
            outcome.failures.append(f"{label}: temporary files left behind: {left}")
    return outcome


def _broken(seed: Seed, label: str, result, output: Path | None, expected: int | None) -> list[str]:
    stderr, stdout = result.stderr, result.stdout
    broken = []
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        broken.append(f"raised {type(result.exception).__name__}: {str(result.exception)[:200]}")
    if result.exit_code not in (0, 1, 2):
        broken.append(f"exit {result.exit_code}")
    if "Traceback" in stdout + stderr or "unexpected" in stderr:
        broken.append(f"unexpected error: {_first(stderr)}")
    long = max((len(line) for line in stderr.splitlines()), default=0)  # messages; stdout is data
    if long > LONGEST_LINE:
        broken.append(f"a message line of {long} characters")
    stem = Path(seed.main).stem
    if result.exit_code == 1 and not any(stem in line for line in stderr.splitlines()):
        broken.append(f"refused without naming the file: {_first(stderr)}")
    if output is not None and result.exit_code != 0 and output.read_bytes() != PREVIOUS:
        broken.append(f"a failed run changed {output.name}")
    if result.exit_code == 0 and label.startswith("area"):
        broken += _figures_broken(seed, label, stdout, stderr, expected)
    if result.exit_code == 0 and label == "convert" and expected is not None and output is not None:
        written = len(json.loads(output.read_bytes())["features"])
        if written != expected and "skip" not in stderr:
            broken.append(f"{written} features written of {expected}, nothing said")
    return broken


def _figures_broken(seed: Seed, label: str, stdout: str, stderr: str, expected: int | None) -> list[str]:
    def refuse(value: str):
        raise ValueError(value)

    try:
        report = json.loads(stdout, parse_constant=refuse)
    except ValueError as exc:
        return [f"JSON output not finite or not JSON ({str(exc)[:60]})"]
    numbers = [v for row in report["features"] for v in row.values() if isinstance(v, float)]
    if any(not math.isfinite(v) for v in numbers):
        return ["a figure that is not finite"]
    if seed.points or expected is None:
        return []
    measured = len(report["features"])
    if measured != expected and not ("--repair" in label and "disagree" in stderr):
        return [f"{measured} features measured of {expected}, nothing said"]
    return []


def _first(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0][:200] if lines else "(nothing said)"


@contextlib.contextmanager
def _inside(folder: Path):
    """Work in ``folder`` as a user does (contextlib.chdir is Python 3.11's)."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@contextlib.contextmanager
def _deadline(seconds: int):
    def expire(signum, frame):
        raise Hang

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- how many features the mutant holds, found without the tool ---------------------------


def independent_count(seed: Seed, folder: Path) -> int | None:
    """The features (or table rows) the mutant holds, by the plainest reading there is; None
    where that reading fails too (a file too broken to say: any refusal is then right)."""
    path = folder / seed.main
    if seed.name == "vertex list":  # a row per vertex: as many features as parcel keys
        return _xlsx_count(path, distinct="地块编号")
    try:
        return {
            "geojson": _geojson_count,
            "shp": _shapefile_count,
            "gpkg": _gpkg_count,
            "csv": _csv_count,
            "xlsx": _xlsx_count,
        }[seed.fmt](path)
    except Exception:
        return None


def _geojson_count(path: Path) -> int | None:
    document = json.loads(path.read_bytes())
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        return len(document["features"]) if isinstance(document.get("features"), list) else None
    return 1 if isinstance(document, dict) else None


def _shapefile_count(path: Path) -> int | None:
    """The most records any part holds: a run that measures fewer lost some."""
    counts = []
    shx = path.with_suffix(".shx")
    if shx.exists():
        counts.append((shx.stat().st_size - 100) // 8)
    dbf = path.with_suffix(".dbf")
    if dbf.exists():
        declared, header, record = struct.unpack("<IHH", dbf.read_bytes()[4:12])
        counts.append(min(declared, (dbf.stat().st_size - header) // record if record else 0))
    return max(counts) if counts else None


def _gpkg_count(path: Path) -> int | None:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        table = db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]
        return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _csv_count(path: Path) -> int | None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    return len(rows) - 1 if rows else None


def _xlsx_count(path: Path, distinct: str | None = None) -> int | None:
    """The sheet's rows with a value below the header, or the distinct values of column ``distinct``."""
    import openpyxl

    try:
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        rows = [row for row in sheet.iter_rows(values_only=True) if any(v not in (None, "") for v in row)]
    except Exception:
        return None
    if not rows:
        return None
    if distinct is None:
        return len(rows) - 1
    if distinct not in rows[0]:
        return None
    column = rows[0].index(distinct)
    return len({row[column] for row in rows[1:] if column < len(row) and row[column] not in (None, "")})
