"""Versions in time: features with ``valid_from`` and ``valid_to`` (ISO dates), chosen by day.

A layer that holds a boundary as it changed (``layers/zone_history.geojson``)
has one feature per version. Measured all together its areas would add up
versions that never stood side by side, so commands that measure take the
versions valid on one day: ``--at DATE``, or today, and say which.
A version is valid from its ``valid_from`` day included to its ``valid_to``
day excluded (the day of a change belongs to the new version); no
``valid_to``: still valid.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.io import LABEL
from geo.problems import NOTE, Problem

VALID_FROM, VALID_TO = "valid_from", "valid_to"


def is_versioned(frame: pd.DataFrame) -> bool:
    return VALID_FROM in frame.columns


def _dates(frame: pd.DataFrame, field: str) -> pd.Series:
    if field not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index)
    return pd.to_datetime(frame[field].astype(object), errors="coerce", format="%Y-%m-%d")


def date_problems(frame: pd.DataFrame, path: Path) -> list[Problem]:
    """Versions whose dates cannot be read, or that end before they start."""
    start, end = _dates(frame, VALID_FROM), _dates(frame, VALID_TO)
    given_end = frame[VALID_TO].notna() if VALID_TO in frame.columns else pd.Series(False, index=frame.index)
    problems = []
    for label, bad_start, bad_end, reversed_ in zip(
        frame[LABEL], start.isna(), given_end & end.isna(), (end <= start).fillna(False)
    ):
        if bad_start or bad_end:
            field = VALID_FROM if bad_start else VALID_TO
            problems.append(Problem(str(path), f"{field} is not a date: write it as YYYY-MM-DD", label))
        elif reversed_:
            problems.append(Problem(str(path), f"{VALID_TO} is not after {VALID_FROM}", label))
    return problems


def valid_on(frame: pd.DataFrame, day: date) -> np.ndarray:
    """Which versions are valid on ``day``."""
    moment = pd.Timestamp(day)
    start, end = _dates(frame, VALID_FROM), _dates(frame, VALID_TO)
    return ((start <= moment) & (end.isna() | (moment < end))).to_numpy()


def select(frame: gpd.GeoDataFrame, path: Path, day: date) -> tuple[gpd.GeoDataFrame, Problem]:
    """The versions valid on ``day``, and a note saying how many of how many."""
    keep = valid_on(frame, day)
    note = Problem(
        str(path),
        f"versions valid on {day.isoformat()}: {int(keep.sum())} of {len(frame)} "
        f"({VALID_FROM}/{VALID_TO}); --at DATE chooses another day",
        severity=NOTE,
    )
    return frame[keep].reset_index(drop=True), note
