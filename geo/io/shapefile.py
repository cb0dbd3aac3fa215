"""A Shapefile's parts must agree on how many records it has.

GDAL reads a Shapefile to the shortest of its parts without a word: a .dbf
whose header says fewer records than the .shp holds, or a .shx cut short,
gives fewer features and a smaller total, exit 0. The counts are read here
from the parts' headers and sizes (no record is parsed unless they disagree),
so that such a file is refused, or with --repair read to the shortest, said so.
"""

from __future__ import annotations

import struct
from pathlib import Path

from geo.io.encoding import sidecar

HEADER_BYTES = 100  # of a .shp and a .shx
SHX_RECORD_BYTES = 8


def record_counts(path: Path) -> dict[str, int]:
    """The records each part of the Shapefile ``path`` holds, by suffix (``.shp``, ``.shx``, ``.dbf``);
    parts that are missing are left out."""
    counts = {}
    shx = sidecar(path, ".shx")
    if shx is not None:
        data = shx.read_bytes()
        offsets = data[HEADER_BYTES:]
        indexed = len(offsets) // SHX_RECORD_BYTES
        if len(data) >= 28:  # GDAL trusts the header's file length (16-bit words), not the file's size
            (words,) = struct.unpack(">i", data[24:28])
            indexed = max(0, min(indexed, (2 * words - HEADER_BYTES) // SHX_RECORD_BYTES))
        counts[".shp"] = _shp_records(path, offsets[: indexed * SHX_RECORD_BYTES])
        counts[".shx"] = indexed
    dbf = sidecar(path, ".dbf")
    if dbf is not None:
        counts[".dbf"] = _dbf_records(dbf)
    return counts


def disagreement(counts: dict[str, int]) -> str | None:
    """How the parts disagree (".shp 4, .shx 4, .dbf 1"), or None when they agree."""
    if len(set(counts.values())) <= 1:
        return None
    return ", ".join(f"{part} {count}" for part, count in counts.items())


def _shp_records(path: Path, shx_offsets: bytes) -> int:
    """The .shp's records: as many as the .shx indexes when its last one ends where the file does;
    else counted from the record headers themselves."""
    size = path.stat().st_size
    if shx_offsets:
        offset, length = struct.unpack(">ii", shx_offsets[-SHX_RECORD_BYTES:])
        if 2 * (offset + length) + 8 == size:  # offsets and lengths in 16-bit words, + the record header
            return len(shx_offsets) // SHX_RECORD_BYTES
    elif size == HEADER_BYTES:
        return 0
    data = path.read_bytes()
    count, position = 0, HEADER_BYTES
    while position + 8 <= len(data):
        (length,) = struct.unpack_from(">i", data, position + 4)
        if length < 0 or position + 8 + 2 * length > len(data):
            break
        count, position = count + 1, position + 8 + 2 * length
    return count


def _dbf_records(dbf: Path) -> int:
    """The records a .dbf holds: as its header says, or fewer where the file is cut short."""
    with open(dbf, "rb") as fh:
        header = fh.read(12)
    if len(header) < 12:
        return 0
    declared, header_bytes, record_bytes = struct.unpack("<IHH", header[4:12])
    present = (dbf.stat().st_size - header_bytes) // record_bytes if record_bytes else 0
    return max(0, min(declared, present))
