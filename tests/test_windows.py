"""The office's Windows: a GBK console, outputs that never replace an input, Shapefiles whose parts disagree.

On Chinese Windows the console's code page is GBK, which lacks ``²`` and ``−``: every
command must write what it can there, with stdout sent to a file (``geo area > 面积.txt``),
and keep warnings and notes on stderr. Outputs are written atomically, so an output that
is also an input would be lost for certain: it is refused before anything is written.
"""

from __future__ import annotations

import functools
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from geo.layers import read_layer
from geo.reading import ReadOptions
from tests import builders
from tests.builders import LAYERS, geo

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = LAYERS / "districts.geojson"
HISTORY = LAYERS / "zone_history.geojson"


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("windows")
    builders.gbk_shapefile(folder)
    builders.firms_csv(folder, "gb18030")
    latin = builders.gbk_shapefile(folder, "错码")
    latin.with_suffix(".cpg").write_text("ISO-8859-1")  # text GBK, .cpg Latin-1: mis-decoded, warned
    return folder


COMMANDS = {
    "area": ["area"],
    "area markdown": ["area", "--format", "markdown"],
    "area csv": ["area", "--format", "csv"],
    "area own": ["area", "开发区范围.shp", "--count", "企业名录.csv", "--input-crs", "gcj02"],
    "overlay": ["area", str(LAYERS / "zones.geojson"), "--overlay", str(DISTRICTS), "--by", "name_zh"],
    "at": ["area", str(HISTORY), "--at", "2025-01-01"],
    "audit": ["audit"],
    "validate": ["validate"],
    "validate mis-decoded": ["validate", "错码.shp"],
    "convert": ["convert", "开发区范围.shp", "-o", "out.geojson", "--to", "gcj02"],
    "build": ["build", "-o", "地图.html"],
    "figure": ["figure", "-o", "园区图.svg"],
    "chart": [
        "area",
        str(LAYERS / "zones.geojson"),
        "--overlay",
        str(DISTRICTS),
        "--by",
        "name_zh",
        "--chart",
        "构成.svg",
    ],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_writes_to_a_gbk_console_redirected_to_a_file(office, tmp_path, name):
    out = tmp_path / "面积.txt"
    with open(out, "wb") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "geo", *COMMANDS[name]],
            cwd=office,
            stdout=stdout,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONIOENCODING": "gbk"},
            timeout=120,
        )
    errors = result.stderr.decode("gbk")
    assert result.returncode == 0, errors
    assert "unexpected" not in errors and "Traceback" not in errors
    text = out.read_bytes().decode("gbk")  # the file is in the console's encoding, and whole
    assert text.strip()
    assert "note:" not in text and "warning:" not in text  # those go to stderr
    if name.startswith("area") and name != "area csv":
        assert "km2" in text and "km²" not in text  # what GBK cannot carry, in plain form
    if name == "validate mis-decoded":
        assert "look wrongly decoded" in errors and "give --encoding GBK" in errors


def test_plain_forms_keep_what_the_console_can_carry():
    from geo import console

    safe = "面积 km² − 亩 ± 𠀀".encode("gbk", errors=console.ERRORS).decode("gbk")
    assert safe == "面积 km2 - 亩 ± \\U00020000"  # nothing dropped: an escape where no plain form is


@pytest.fixture
def inputs(tmp_path) -> Path:
    for name in ("z.geojson",):
        (tmp_path / name).write_bytes((LAYERS / "zones.geojson").read_bytes())
    builders.gbk_shapefile(tmp_path, "m")
    builders.firms_csv(tmp_path, "gb18030", "e.csv")
    builders.firms_xlsx(tmp_path)
    (tmp_path / "sub").mkdir()
    return tmp_path


OVERWRITES = [
    ["build", "--zones", "z.geojson", "-o", "z.geojson"],
    ["build", "--zones", "z.geojson", "-o", "./sub/../z.geojson"],
    ["build", "--zones", "z.geojson", "--enterprises", "e.csv", "-o", "e.csv"],
    ["build", "--zones", "z.geojson", "--enterprises", "企业名录.xlsx", "-o", "企业名录.xlsx"],
    ["build", "--zones", "m.shp", "-o", "m.shp"],
    ["build", "--zones", "m.shp", "-o", "m.dbf"],
    ["area", "m.shp", "-o", "m.prj"],
    ["area", "z.geojson", "--overlay", "m.shp", "--by", "MC", "-o", "m.dbf"],
    ["area", "z.geojson", "--count", "e.csv", "-o", "e.csv"],
    ["convert", "z.geojson", "-o", "z.geojson", "--to", "gcj02"],
    ["audit", "--zones", "z.geojson", "-o", "z.geojson"],
    ["evaluate", "z.geojson", "--parcels", "m.shp", "-o", "m.dbf"],
    ["area", "z.geojson", "--overlay", "m.shp", "--by", "MC", "--chart", "m.shp"],
    ["area", "-o", "SHIPPED"],  # the shipped example is an input too, wherever the installed tool keeps it
]
SHIPPED = "SHIPPED"


@functools.cache
def shipped_zones(folder: Path) -> Path:
    """Where the tool run from ``folder`` keeps the example's zones (the installed copy's, in CI)."""
    code = "from geo import paths; print(paths.ZONES)"
    return Path(subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True).stdout.strip())


@pytest.mark.parametrize("args", OVERWRITES, ids=lambda a: " ".join(a[:1] + a[-2:]))
def test_an_output_that_is_an_input_is_refused_before_anything_is_written(inputs, args):
    shipped = shipped_zones(inputs.parent)
    args = [str(shipped) if a == SHIPPED else a for a in args]
    before = {path: path.read_bytes() for path in [*inputs.iterdir(), shipped] if path.is_file()}
    result = geo(inputs, *args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is the input" in lines[0] and "write the output to another file" in lines[0], lines
    assert {path: path.read_bytes() for path in before} == before
    assert sorted(p.name for p in inputs.iterdir()) == sorted([*(p.name for p in before if p.parent == inputs), "sub"])


# -- Shapefiles whose .shp, .shx and .dbf disagree on how many records there are ----------------


def _set_dbf_records(path: Path, count: int) -> None:
    data = bytearray(path.read_bytes())
    data[4:8] = struct.pack("<I", count)
    path.write_bytes(bytes(data))


def _cut_shx(path: Path, records: int) -> None:
    data = bytearray(path.read_bytes()[: 100 + 8 * records])
    data[24:28] = struct.pack(">i", len(data) // 2)
    path.write_bytes(bytes(data))


def _shx_length(path: Path, records: int) -> None:
    """The .shx header's file length (which GDAL trusts) saying fewer records than the file holds."""
    data = bytearray(path.read_bytes())
    data[24:28] = struct.pack(">i", (100 + 8 * records) // 2)
    path.write_bytes(bytes(data))


DISAGREEMENTS = {
    "dbf says fewer": (lambda p: _set_dbf_records(p.with_suffix(".dbf"), 1), ".shp 2, .shx 2, .dbf 1", 1),
    "dbf says none": (lambda p: _set_dbf_records(p.with_suffix(".dbf"), 0), ".shp 2, .shx 2, .dbf 0", 0),
    "dbf cut short": (
        lambda p: p.with_suffix(".dbf").write_bytes(p.with_suffix(".dbf").read_bytes()[:-30]),
        ".shp 2, .shx 2, .dbf 1",
        1,
    ),
    "shx cut short": (lambda p: _cut_shx(p.with_suffix(".shx"), 1), ".shp 2, .shx 1, .dbf 2", 1),
    "shx header says shorter": (lambda p: _shx_length(p.with_suffix(".shx"), 1), ".shp 2, .shx 1, .dbf 2", 1),
}


@pytest.mark.parametrize("case", DISAGREEMENTS)
def test_a_shapefile_whose_parts_disagree_is_refused_never_measured_short(tmp_path, case):
    spoil, counts, shortest = DISAGREEMENTS[case]
    path = builders.gbk_shapefile(tmp_path)
    assert len(read_layer(path).frame) == 2
    spoil(path)
    for command in (
        ["area", path.name],
        ["validate", path.name],
        ["convert", path.name, "-o", "o.gpkg", "--to", "wgs84"],
    ):
        result = geo(tmp_path, *command)
        assert result.returncode == 1, (command, result.stdout)
        assert f"disagree on the number of records ({counts})" in result.stderr, result.stderr
    repaired = geo(tmp_path, "area", path.name, "--repair", "--format", "json")
    assert repaired.returncode == 0, repaired.stderr
    assert f"({counts}): read the first {shortest} (--repair)" in repaired.stderr
    assert len(json.loads(repaired.stdout)["features"]) == shortest


def test_a_shapefile_whose_parts_agree_reads_whole(tmp_path):
    path = builders.gbk_shapefile(tmp_path)
    _set_dbf_records(path.with_suffix(".dbf"), 2)  # as written: nothing to say
    assert read_layer(path).warnings[0].severity == "note"
    assert len(read_layer(path, options=ReadOptions(repair=True)).frame) == 2


def test_an_encoding_given_is_named_as_given(tmp_path):
    path = builders.gbk_shapefile(tmp_path)
    utf8 = geo(tmp_path, "area", path.name, "--encoding", "utf-8")
    assert utf8.returncode == 1
    assert "text is not in the encoding --encoding asks for (utf-8)" in utf8.stderr
    latin = geo(tmp_path, "area", path.name, "--encoding", "latin-1")  # GDAL knows it as ISO-8859-1
    assert latin.returncode == 0, latin.stderr
    assert "look wrongly decoded" in latin.stderr and "give --encoding GBK" in latin.stderr
    unknown = geo(tmp_path, "area", path.name, "--encoding", "gbx")
    assert unknown.returncode == 2 and "'gbx' is not an encoding" in unknown.stderr
