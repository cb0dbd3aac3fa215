"""Output that never fails on a console's encoding.

On Chinese Windows, ``geo area > 面积.txt`` writes in the console's code page
(GBK), which has every Chinese character but not ``²`` or ``−``. Output keeps
the stream's own encoding, so that the file reads in whatever opens it there;
a character the encoding cannot carry is written as its plain equivalent
(km² as km2, − as -), or, where it has none, as a ``\\uXXXX`` escape: nothing
is dropped. ``-o FILE`` always writes UTF-8.
"""

from __future__ import annotations

import codecs
import io
import sys
import warnings

ERRORS = "geo-plain"
PLAIN = {
    "²": "2",
    "³": "3",
    "−": "-",  # minus sign
    "–": "-",  # en dash
    "—": "-",  # em dash
    "×": "x",
    "±": "+/-",
    "°": " deg",
    "…": "...",
    "≈": "~",
    "µ": "u",
    "\u00a0": " ",
}


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(PLAIN.get(c, c.encode("ascii", "backslashreplace").decode()) for c in text), error.end


codecs.register_error(ERRORS, _plain)


def make_safe(*streams: object) -> None:
    """Let each text stream write what its encoding cannot carry in plain form, never failing; a
    library's warning (GDAL's, numpy's) is one line, as the tool's own are, not a source line."""
    for stream in streams or (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=ERRORS)
    warnings.formatwarning = _one_line


def _one_line(message, category, filename, lineno, line=None) -> str:
    return f"warning: {str(message).strip().splitlines()[0] if str(message).strip() else category.__name__}\n"
