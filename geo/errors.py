"""The errors the tool expects, under one root (the fiona/rasterio pattern).

The command line prints any ``GeoError`` as one line and exits 1; anything
else is a bug and is reported as an unexpected error.
"""

from __future__ import annotations


class GeoError(Exception):
    """Root of every error the tool expects: bad input, bad options, missing extras."""


class UsageError(GeoError):
    """Options that cannot work together or do not fit the input (a field that is not there)."""


class CRSError(UsageError, ValueError):
    """A coordinate system the tool does not know (a ValueError too, as in fiona)."""
