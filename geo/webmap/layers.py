"""Overlays drawn by the runtime: polygons with ready cards, and columnar points."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from geo.webmap.element import ScriptElement
from geo.webmap.safe import script_json


class PolygonLayer(Layer, ScriptElement):
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
    """Columns for the page: repeated texts stored once as {"v": values, "i": codes};
    a column of distinct texts (names) as a plain list, where codes would only add bytes."""
    columns = {}
    for name in frame.columns:
        codes, values = pd.factorize(frame[name].astype(object), use_na_sentinel=True)
        if len(values) == len(frame) and len(frame) > 1:
            columns[name] = [str(v) for v in values]  # all distinct, none missing: values are in row order
        else:
            columns[name] = {"v": [str(v) for v in values], "i": codes.tolist()}
    return columns


_CLUSTER = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"


class PointLayer(JSCSSMixin, Layer, ScriptElement):
    """Points as compact columns, drawn as circle markers on the map's canvas; clustered when ``cluster``."""

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
        cluster: bool = False,
    ):
        super().__init__(name=name, overlay=True, show=show)
        self._name = "PointLayer"
        self.color = style["color"]
        style = {**style, "cluster": cluster}
        # Only a clustered layer needs Leaflet.markercluster linked (and inlined).
        self.default_js = [("markercluster", _CLUSTER + "leaflet.markercluster.js")] if cluster else []
        self.default_css = (
            [
                ("markercluster_css", _CLUSTER + "MarkerCluster.css"),
                ("markercluster_default_css", _CLUSTER + "MarkerCluster.Default.css"),
            ]
            if cluster
            else []
        )
        data = {
            "x": np.round(np.asarray(lon, dtype=float), 6).tolist(),
            "y": np.round(np.asarray(lat, dtype=float), 6).tolist(),
            "columns": encode_columns(columns),
        }
        self.data_json = script_json(data)
        self.style_json = script_json(style)
        self.card_json = script_json(card)
