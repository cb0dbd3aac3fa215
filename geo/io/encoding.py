"""Decoding the text of Shapefiles and CSV files written by Chinese tools.

GDAL reads a Shapefile's ``.cpg`` first, then the language byte of its DBF
header; a file with neither (the common case: many Chinese tools write GBK
with no ``.cpg``) is read as ISO-8859-1, which turns 名称 into 'Ãû³Æ' without
a word. So where a file declares nothing, its text is tried as strict UTF-8
and otherwise read as GB18030 (a superset of GBK), and the guess is said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from geo.io import LABEL
from geo.problems import WARNING, Problem

UTF8, GB18030 = "UTF-8", "GB18030"
_DBF_TEXT_TYPES = b"CM"  # character and memo fields; the others are ASCII digits or binary
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SUSPECT = re.compile("[\u0080-\u00ff\ufffd]")  # Latin-1's upper half, or a replacement character


def sidecar(path: Path, suffix: str) -> Path | None:
    """A Shapefile's sidecar (``.dbf``, ``.cpg``), whatever the case of its suffix."""
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def shapefile_encoding(path: Path) -> str | None:
    """The encoding to read a Shapefile with, or None where it declares its own.

    It declares its own with a ``.cpg`` or a language byte (LDID) other than 0
    and 0x57 (which GDAL takes as ISO-8859-1, the wrong answer for Chinese
    text). Otherwise: UTF-8 if the DBF's text is valid UTF-8, else GB18030.
    """
    dbf = sidecar(path, ".dbf")
    if dbf is None or sidecar(path, ".cpg") is not None:
        return None
    raw = dbf.read_bytes()
    if len(raw) < 32 or raw[29] not in (0, 0x57):
        return None
    return UTF8 if _is_utf8(_dbf_text(raw)) else GB18030


def _dbf_text(raw: bytes) -> bytes:
    """The bytes of a DBF's field names and text fields (dBase III layout)."""
    header_length = int.from_bytes(raw[8:10], "little")
    record_length = int.from_bytes(raw[10:12], "little")
    names, spans, offset = [], [], 1  # each record starts with a deletion flag
    for start in range(32, header_length - 1, 32):
        descriptor = raw[start : start + 32]
        if descriptor[:1] == b"\r" or len(descriptor) < 32:
            break
        names.append(descriptor[:11].rstrip(b"\0"))
        if descriptor[11:12] and descriptor[11] in _DBF_TEXT_TYPES:
            spans.append((offset, offset + descriptor[16]))
        offset += descriptor[16]
    body = raw[header_length:]
    count = len(body) // record_length if record_length else 0
    records = np.frombuffer(body[: count * record_length], dtype=np.uint8).reshape(count, record_length)
    text = b"\n".join(names)
    for start, end in spans:
        text += b"\n" + records[:, start:end].tobytes()
    return text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_text(raw: bytes) -> tuple[str, str]:
    """A text file's content and the encoding it was read in: UTF-8 (BOM or not), else GB18030."""
    try:
        return raw.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="strict"), GB18030


def misdecoded(values: Iterable[object]) -> tuple[int, str, str] | None:
    """(how many, one example, how it reads in GBK) of texts that look like GBK read as Latin-1.

    Such text re-encodes to Latin-1 and decodes as GB18030 into Chinese; a
    U+FFFD replacement character is a sign of a wrong decoding too.
    """
    texts = [value for value in values if isinstance(value, str)]
    if not _SUSPECT.search("\n".join(texts)):  # one pass in C: the common, clean case
        return None
    count, example = 0, None
    for value in texts:
        if not isinstance(value, str) or value.isascii():
            continue
        fixed = _as_gbk(value)
        if fixed is not None or "\ufffd" in value:
            count += 1
            example = example or (value, fixed or "?")
    return (count, *example) if example else None


def _as_gbk(text: str) -> str | None:
    try:
        fixed = text.encode("latin-1").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if _CJK.search(fixed) and not _CJK.search(text) else None


MISDECODED_SAMPLE = 10_000


def misdecoded_columns(frame: pd.DataFrame, path: Path) -> list[Problem]:
    """A warning for each text column (or the field names) that looks like GBK read as Latin-1."""
    found = []
    texts = {"field names": [c for c in frame.columns if isinstance(c, str)]}
    for column in frame.columns:
        if column not in (LABEL, frame.geometry.name) and not pd.api.types.is_numeric_dtype(frame[column]):
            try:
                # Mis-decoding spoils a whole column: its first rows tell (a million ids need not be read).
                texts[f"field {column}"] = pd.unique(frame[column].iloc[:MISDECODED_SAMPLE].dropna().to_numpy())
            except TypeError:  # lists (the example's industries) cannot be hashed; their texts are ours
                continue
    for what, values in texts.items():
        wrong = misdecoded(values)
        if wrong:
            count, example, fixed = wrong
            found.append(
                Problem(
                    str(path),
                    f"{what}: {count} text(s) look wrongly decoded ({example!r} reads {fixed!r} in GBK); "
                    "give --encoding GBK",
                    severity=WARNING,
                )
            )
    return found
