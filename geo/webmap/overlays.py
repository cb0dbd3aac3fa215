"""Overlays drawn by the runtime: polygons with their cards (``L.cardLayer``), points as columns (``L.columnLayer``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from geo.webmap.element import ScriptElement
from geo.webmap.safe import script_json


class RuntimeOverlay(Layer, ScriptElement):
    """An overlay made as ``L.<factory>(data, options)``; subclasses name the factory."""

    factory = ""
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.{{ this.factory }}({{ this.data_json }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, options: dict, name: str, color: str | None, key: str):
        super().__init__(name=name, overlay=True)
        self._name = type(self).__name__
        self.color = color  # the layer control's swatch
        self.key = key  # names the overlay in the address (ViewHash)
        self.data_json = script_json(data)
        self.options_json = script_json(options)


class CardLayer(RuntimeOverlay):
    """A GeoJSON polygon layer whose features carry their popup card."""

    factory = "cardLayer"

    def __init__(self, collection: dict, name: str, style: dict, key: str):
        color = style.get("fillColor") if style.get("fill", True) else None
        super().__init__(collection, {"style": style}, name, color, key)


def encode_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Columns for the page: repeated texts stored once as {"v": values, "i": codes};
    a column of distinct texts (names) as a plain list, where codes would only add bytes."""
    columns = {}
    for name in frame.columns:
        codes, values = _factorize(frame[name].astype(object))
        if len(values) == len(frame) and len(frame) > 1:
            columns[name] = [str(v) for v in values]  # all distinct, none missing: values are in row order
        else:
            columns[name] = {"v": [str(v) for v in values], "i": codes.tolist()}
    return columns


def _factorize(column: pd.Series) -> tuple[np.ndarray, list]:
    """Codes and distinct values, -1 for missing ones. pandas' object hash table compares texts as C
    strings, so that 'a' and 'a\\x00' would share a code (pandas 2.x): texts holding NUL are coded here."""
    if not any(isinstance(v, str) and "\x00" in v for v in column.to_numpy()):
        codes, values = pd.factorize(column, use_na_sentinel=True)
        return codes, list(values)
    seen: dict[object, int] = {}
    codes = np.array([-1 if pd.isna(v) else seen.setdefault(v, len(seen)) for v in column], dtype=int)
    return codes, list(seen)


SUPERCLUSTER = "https://unpkg.com/supercluster@8.0.1/dist/supercluster.min.js"


class ColumnLayer(JSCSSMixin, RuntimeOverlay):
    """Points as compact columns, drawn as discs on the map's canvas; clustered when ``cluster``,
    together with the other layers of the same ``pool`` (the groups of one kind)."""

    factory = "columnLayer"

    def __init__(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        columns: pd.DataFrame,
        card: dict,
        name: str,
        style: dict,
        cluster: bool,
        key: str,
        pool: str | None = None,
    ):
        data = {
            "x": np.round(np.asarray(lon, dtype=float), 6).tolist(),
            "y": np.round(np.asarray(lat, dtype=float), 6).tolist(),
            "columns": encode_columns(columns),
        }
        super().__init__(data, {**style, "cluster": cluster, "pool": pool, "card": card}, name, style["color"], key)
        self.clustered = cluster
        # Only a clustered layer needs supercluster linked (and inlined).
        self.default_js = [("supercluster", SUPERCLUSTER)] if cluster else []
        self.default_css = []
