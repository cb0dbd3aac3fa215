"""What each kind of layer must hold: its geometry types and its properties.

A kind is named by the layer's role (``zones``, ``landmarks``, ``enterprises``,
``districts``). The properties are the shipped example's schema; a user's
layer is held to its role's geometry types only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

POLYGONAL = ("Polygon", "MultiPolygon")
POINT = ("Point",)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, (bool, np.bool_))
        and bool(np.isfinite(value))
    )


def _is_text_list(value: Any) -> bool:
    if isinstance(value, (str, bytes, dict)):
        return False
    try:
        return all(_is_text(item) for item in value)
    except TypeError:
        return False


_CHECKS = {
    "text": ("a non-empty string", _is_text),
    "number": ("a finite number", _is_number),
    "text list": ("a list of strings", _is_text_list),
}


@dataclass(frozen=True)
class Field:
    """One property: its name, its type and whether it may be null or absent."""

    name: str
    type: str = "text"
    nullable: bool = False

    def describe(self) -> str:
        return _CHECKS[self.type][0]

    def valid(self, column: pd.Series) -> np.ndarray:
        """Which values of a column this field accepts.

        Each distinct value is checked once (a column of 100,000 features
        usually holds a few sources, clusters and zones); lists, which cannot
        be hashed, are checked one by one.
        """
        accepts = _CHECKS[self.type][1]
        try:
            codes, distinct = pd.factorize(column, use_na_sentinel=True)
        except TypeError:  # unhashable values: lists
            null = column.isna().to_numpy()
            return np.where(null, self.nullable, column.map(accepts).to_numpy(dtype=bool))
        ok = np.fromiter((accepts(value) for value in distinct), dtype=bool, count=len(distinct))
        return np.where(codes < 0, self.nullable, ok[codes] if len(ok) else False)


@dataclass(frozen=True)
class Kind:
    """A layer kind: allowed geometry types and required properties."""

    name: str
    geometry_types: tuple[str, ...]
    fields: tuple[Field, ...]


_PROVENANCE = (Field("sources", "text list"), Field("source"), Field("accuracy_m", "number"))
_NAMES = (Field("id"), Field("name_zh"), Field("name_en"))

KINDS: dict[str, Kind] = {
    "zones": Kind(
        "zones",
        POLYGONAL,
        (
            *_NAMES,
            Field("kind"),
            Field("declared_area_km2", "number", nullable=True),
            Field("declared_source"),
            Field("industries", "text list"),
            Field("established", nullable=True),
            Field("sources", "text list"),
            Field("geometry_source"),
            Field("accuracy_m", "number"),
        ),
    ),
    "zone_history": Kind(
        "zone_history",
        POLYGONAL,
        (
            *_NAMES,
            Field("status"),
            Field("valid_from"),
            Field("valid_to", nullable=True),
            Field("date_basis"),
            Field("declared_area_ha", "number"),
            Field("sources", "text list"),
            Field("geometry_source"),
            Field("accuracy_m", "number"),
        ),
    ),
    "landmarks": Kind(
        "landmarks",
        POINT,
        (
            *_NAMES,
            Field("category"),
            Field("description_zh"),
            Field("district_id", nullable=True),
            Field("zone_id", nullable=True),
            *_PROVENANCE,
        ),
    ),
    "enterprises": Kind(
        "enterprises",
        POINT,
        (*_NAMES, Field("cluster"), Field("zone_id", nullable=True), Field("district_id", nullable=True), *_PROVENANCE),
    ),
    "districts": Kind("districts", POLYGONAL, (*_NAMES, Field("adcode"), *_PROVENANCE)),
}


GEOMETRY_ONLY = "geometry"  # a kind name that checks geometry only, whatever the file is


def role_of(path: str | Path, kind: str | None = None, strict: bool = False) -> Kind | None:
    """What a layer is checked against.

    A shipped example layer, or any layer with ``strict``, against its kind's
    full schema; another layer given a kind (``--zones``) only against the
    kind's geometry types: a user's layer needs a geometry and nothing more.
    """
    if kind == GEOMETRY_ONLY:
        return None
    from geo.paths import example_kind

    shipped = example_kind(path)
    name = kind or shipped
    if name is None:
        return None
    full = KINDS[name]
    return full if strict or shipped == name else Kind(full.name, full.geometry_types, ())
