"""Mutations of a seed's files, by bytes and by structure, each drawn from a seeded random generator.

A mutation returns the case's files (name -> bytes) and says what it did, so that a failing
case can be read and replayed. ``scale`` sizes the hostile ones (a long string, deep nesting,
many columns): 1 in CI, more in a long run.
"""

from __future__ import annotations

import io
import json
import random
import sqlite3
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.fuzz.corpus import Seed

Files = dict[str, bytes]
INTERESTING = [b"\x00", b"\xff", b"\x7f", b"\x80", b"\xff\xff\xff\x7f", b"\x00\x00\x00\x80", b"NaN", b"-1", b"\r\n"]


# -- bytes, of any file -------------------------------------------------------------------


def flip_bits(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    out = bytearray(data)
    places = [rng.randrange(len(out)) for _ in range(rng.randint(1, 8))]
    for i in places:
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out), f"bits flipped at {places}"


def cut(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(data))
    return data[:at], f"cut at byte {at} of {len(data)}"


def splice(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(data))
    piece = rng.choice(INTERESTING) * rng.randint(1, 4)
    return data[:at] + piece + data[at + len(piece) :], f"{piece!r} written at byte {at}"


def repeat(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 256))
    return data[:end] + data[start:end] + data[end:], f"bytes {start}-{end} repeated"


BYTE_MUTATIONS = [flip_bits, cut, splice, repeat]


# -- GeoJSON structure ----------------------------------------------------------------------


def _nodes(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _nodes(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _nodes(child, (*path, i))


def _set(document, path, value):
    if not path:
        return value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return document


def geojson_structure(rng: random.Random, files: Files, main: str, scale: int) -> tuple[Files, str]:
    text = files[main].decode("utf-8")
    document = json.loads(text)
    path, _ = rng.choice(list(_nodes(document)))
    kind = rng.randrange(12)
    if kind == 0:  # a node deleted
        if not path:
            return {**files, main: b"{}"}, "root replaced by {}"
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
        out, what = json.dumps(document, ensure_ascii=False), f"{list(path)} deleted"
    elif kind == 1:  # nesting deeper than any parser's stack
        depth = 1000 * scale * rng.randint(1, 100)
        out, what = "[" * depth + "]" * depth, f"arrays nested {depth} deep"
    elif kind == 2:
        size = 100_000 * scale
        out = json.dumps(_set(document, path, "字" * size), ensure_ascii=False)
        what = f"{list(path)} replaced by a string of {size} characters"
    elif kind == 3:
        big = "9" * (50 * scale * rng.randint(1, 8))
        out, what = json.dumps(document, ensure_ascii=False).replace("2.0", big, 1), f"a {len(big)}-digit number"
    elif kind == 4:  # a duplicate "type" key
        out = json.dumps(document, ensure_ascii=False).replace('{"type": ', '{"type": "Point", "type": ', 2)
        what = "a duplicate type key"
    elif kind == 5:
        out = json.dumps(document, ensure_ascii=False).replace('"', '"\\ud800', 1)
        what = "a lone surrogate escape"
    elif kind == 6:  # a z on one position only
        positions = [
            p
            for p, v in _nodes(document)
            if isinstance(v, list) and len(v) == 2 and all(isinstance(c, float) for c in v)
        ]
        if not positions:
            return geojson_structure(rng, files, main, scale)
        where = rng.choice(positions)
        out = json.dumps(_set(document, where, [*_get(document, where), 50.0]), ensure_ascii=False)
        what = f"a third coordinate at {list(where)}"
    elif kind == 7:  # a large key
        size = 100_000 * scale
        out = json.dumps(_set(document, path, {"键" * size: 1}), ensure_ascii=False)
        what = f"{list(path)} replaced by an object with a key of {size} characters"
    else:
        value = rng.choice(
            [
                None,
                True,
                "文字",
                1e308,
                float("nan"),
                float("inf"),
                -0.0,
                10**30,
                [],
                {},
                {"type": "Point"},
                [[1, 2], [3]],
                {"type": {"a": 1}},
                [1e-320, 1e-320],
            ]
        )
        out = json.dumps(_set(document, path, value), ensure_ascii=False, allow_nan=True)
        what = f"{list(path)} replaced by {value!r}"
    return {**files, main: out.encode("utf-8", "surrogatepass")}, what


def _get(document, path):
    for step in path:
        document = document[step]
    return document


# -- Shapefile structure ------------------------------------------------------------------


def shapefile_structure(rng: random.Random, files: Files, main: str, scale: int) -> tuple[Files, str]:
    stem = main[: -len(".shp")]
    files = dict(files)
    kind = rng.randrange(8)
    if kind == 0:
        count = rng.choice([0, 1, 3, 2**31 - 1])
        dbf = bytearray(files[f"{stem}.dbf"])
        dbf[4:8] = struct.pack("<I", count)
        files[f"{stem}.dbf"], what = bytes(dbf), f".dbf header says {count} records"
    elif kind == 1:
        part = rng.choice([".dbf", ".shx", ".shp"])
        data = files[stem + part]
        at = rng.randrange(100, len(data))
        files[stem + part], what = data[:at], f"{part} cut at byte {at} of {len(data)}"
    elif kind == 2:
        part = rng.choice([".dbf", ".shx", ".prj", ".cpg"])
        files.pop(stem + part, None)
        what = f"{part} removed"
    elif kind == 3:
        files[f"{stem}.prj"], what = rng.choice([b"garbage", b"GEOGCS[", "中文".encode("gbk")]), ".prj of garbage"
    elif kind == 4:  # a field descriptor garbled
        dbf = bytearray(files[f"{stem}.dbf"])
        at = 32 + rng.randrange(max(1, (dbf[8] | dbf[9] << 8) - 33))
        dbf[at] = rng.randrange(256)
        files[f"{stem}.dbf"], what = bytes(dbf), f".dbf header byte {at} garbled"
    elif kind == 5:  # the declared areas (MJ, the last field) garbled
        dbf = bytearray(files[f"{stem}.dbf"])
        value = rng.choice([b"*" * 8, b"9" * 19, b"-1e308", b"nan", b"1e999"])
        dbf[-len(value) - 1 : -1] = value
        files[f"{stem}.dbf"], what = bytes(dbf), f"the last MJ written as {value!r}"
    elif kind == 6:
        files[f"{stem}.cpg"], what = rng.choice([b"latin-1", b"UTF-16", b"nonsense", b""]), ".cpg changed"
    else:
        data, what = rng.choice(BYTE_MUTATIONS)(rng, files[f"{stem}.shp"])
        files[f"{stem}.shp"] = data
        what = ".shp " + what
    return files, what


# -- GeoPackage structure -----------------------------------------------------------------


def gpkg_structure(rng: random.Random, files: Files, main: str, scale: int) -> tuple[Files, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.gpkg"
        path.write_bytes(files[main])
        db = sqlite3.connect(path)
        for function in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # its triggers call them
            db.create_function(function, 1, lambda geometry: 0)
        table = db.execute("SELECT table_name FROM gpkg_contents").fetchone()[0]
        kind = rng.randrange(6)
        statements = {
            0: ("DROP TABLE gpkg_contents", "gpkg_contents dropped"),
            1: ("DROP TABLE gpkg_geometry_columns", "gpkg_geometry_columns dropped"),
            2: (
                f'UPDATE "{table}" SET geom = X\'47500001e61000000103000000010000000400000000000000'
                f"0000f87f000000000000f87f0000000000000000000000000000f03f000000000000f03f00000000"
                f"00000000000000000000f87f000000000000f87f' WHERE fid = 1",
                "a ring of NaN in WKB",
            ),
            3: (f'UPDATE "{table}" SET "MJ" = 1e308', "a declared area of 1e308"),
            4: ("UPDATE gpkg_contents SET srs_id = 99999", "an unknown srs_id"),
            5: (f"UPDATE \"{table}\" SET geom = X'00'", "a geometry of one byte"),
        }
        statement, what = statements[kind]
        try:
            db.executescript(statement)
            db.commit()
        except sqlite3.Error as exc:
            what += f" (failed: {exc})"
        db.close()
        return {**files, main: path.read_bytes()}, what


# -- tables -------------------------------------------------------------------------------


def csv_structure(rng: random.Random, files: Files, main: str, scale: int) -> tuple[Files, str]:
    text = files[main].decode("gb18030")
    lines = text.splitlines()
    header = lines[0].split(",")
    kind = rng.randrange(7)
    if kind == 0:  # 经度 and 纬度 swapped in the data, not the header
        rows = [line.split(",") for line in lines[1:]]
        i, j = header.index("经度"), header.index("纬度")
        for row in rows:
            row[i], row[j] = row[j], row[i]
        out, what = "\n".join([lines[0], *(",".join(r) for r in rows)]), "longitude and latitude swapped"
    elif kind == 1:
        out, what = "\n".join([lines[0] + "," + lines[0], *(line + "," + line for line in lines[1:])]), "header doubled"
    elif kind == 2:
        extra = 1000 * scale
        out = "\n".join(
            [lines[0] + "".join(f",c{i}" for i in range(extra)), *(line + "," * extra for line in lines[1:])]
        )
        what = f"{extra} empty columns added"
    elif kind == 3:
        out = text.replace(lines[1].split(",")[2], "TRUE", 1)
        what = "a coordinate written TRUE"
    elif kind == 4:
        out, what = text.replace(",", ',"', 1), "an unbalanced quote"
    elif kind == 5:
        out, what = lines[0], "no rows"
    else:
        out, what = text + "\n,,,,\n\n", "empty rows at the end"
    return {**files, main: out.encode("gb18030")}, what


def xlsx_structure(rng: random.Random, files: Files, main: str, scale: int) -> tuple[Files, str]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(files[main]))
    sheet = book.active
    kind = rng.randrange(6)
    if kind == 0:
        sheet.cell(1, 2).value, what = sheet.cell(1, 1).value, "a header repeated"
    elif kind == 1:
        sheet.cell(rng.randint(2, 5000 * scale), rng.randint(20, 16000)).value = "远处"
        what = "a cell far away"
    elif kind == 2:
        header = [cell.value for cell in sheet[1]]
        column = next((header.index(h) + 1 for h in ("经度", "X坐标") if h in header), 3)
        sheet.cell(2, column).value, what = True, "a coordinate cell TRUE"
    elif kind == 3:
        sheet.cell(3, 4).value, what = "=1/0", "a formula in a coordinate"
    elif kind == 4:
        sheet.delete_rows(1)
        what = "the header deleted"
    else:
        book.create_sheet("其他", 0).cell(1, 1).value = "x"
        what = "another sheet first"
    out = io.BytesIO()
    book.save(out)
    return {**files, main: out.getvalue()}, what


STRUCTURE: dict[str, Callable[..., tuple[Files, str]]] = {
    "geojson": geojson_structure,
    "shp": shapefile_structure,
    "gpkg": gpkg_structure,
    "csv": csv_structure,
    "xlsx": xlsx_structure,
}


def mutate(seed: Seed, rng: random.Random, scale: int = 1) -> tuple[Files, str]:
    """One mutant of ``seed``: its structure changed (two times in three, where there is a
    mutation of its structure) or one file's bytes."""
    if seed.fmt in STRUCTURE and rng.random() < 2 / 3:
        return STRUCTURE[seed.fmt](rng, dict(seed.files), seed.main, scale)
    name = rng.choice(sorted(seed.files))
    mutation = rng.choice(BYTE_MUTATIONS)
    data, what = mutation(rng, seed.files[name]) if seed.files[name] else (b"\x00", "an empty file given a byte")
    return {**seed.files, name: data}, f"{name}: {what}"
