"""Overlays drawn by the runtime: polygons with ready cards, and columnar points."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from folium.map import Layer
from folium.template import Template

from geo.webmap.safe import script_json


class PolygonLayer(Layer):
    """A GeoJSON polygon layer whose features carry their popup card."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = HZ.polygonLayer(
            {{ this.data_json }}, {{ this.style_json }}, {{ this.searchable_json }});
        {% endmacro %}
        """
    )

    def __init__(self, collection: dict, name: str, style: dict, searchable: bool = True, show: bool = True):
        super().__init__(name=name, overlay=True, show=show)
        self._name = "PolygonLayer"
        self.color = style.get("fillColor") if style.get("fill", True) else None
        self.data_json = script_json(collection)
        self.style_json = script_json(style)
        self.searchable_json = script_json(searchable)


def encode_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Columns with each repeated text stored once: {"v": values, "i": codes}."""
    columns = {}
    for name in frame.columns:
        codes, values = pd.factorize(frame[name].astype(object), use_na_sentinel=True)
        columns[name] = {"v": [str(v) for v in values], "i": codes.tolist()}
    return columns


class PointLayer(Layer):
    """Points as compact columns, drawn as circle markers on a shared canvas."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = HZ.pointLayer({{ this.data_json }}, {{ this.style_json }}, {{ this.card_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        columns: pd.DataFrame,
        card: dict,
        name: str,
        style: dict,
        show: bool = True,
    ):
        super().__init__(name=name, overlay=True, show=show)
        self._name = "PointLayer"
        self.color = style["color"]
        data = {
            "x": np.round(np.asarray(lon, dtype=float), 6).tolist(),
            "y": np.round(np.asarray(lat, dtype=float), 6).tolist(),
            "columns": encode_columns(columns),
        }
        self.data_json = script_json(data)
        self.style_json = script_json(style)
        self.card_json = script_json(card)
