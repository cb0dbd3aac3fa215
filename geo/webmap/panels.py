"""Panels of the runtime: the area table, the legend and the search box."""

from __future__ import annotations

from typing import Any

from folium.map import Layer
from folium.template import Template

from geo.webmap.element import ScriptElement
from geo.webmap.safe import script_json


class RuntimeControl(ScriptElement):
    """A control made as ``L.control.<factory>(content, options).addTo(map)``."""

    factory = ""
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control.{{ this.factory }}(
            {{ this.content_json }}, {{ this.options_json }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, content: Any, **options: Any):
        super().__init__()
        self._name = type(self).__name__
        self.content = content
        self.options_json = script_json(options)

    @property
    def content_json(self) -> str:
        return script_json(self.content)


class Stats(RuntimeControl):
    """The area-statistics panel: the table of ``geo area``, with a CSV download."""

    factory = "stats"


class Legend(RuntimeControl):
    """Colours of zones, enterprise clusters and landmark categories."""

    factory = "legend"


class TimeSlider(RuntimeControl):
    """A slider of years that shows the versions of a layer (valid_from/valid_to) standing that year."""

    factory = "timeSlider"

    def __init__(self, layer: Layer, **options: Any):
        super().__init__(layer, **options)

    @property
    def content_json(self) -> str:
        return self.content.get_name()


class HandedLayers(RuntimeControl):
    """A control handed map layers: its content is the list of their names in the page."""

    def __init__(self, layers: list[Layer], **options: Any):
        super().__init__(layers, **options)

    @property
    def content_json(self) -> str:
        return "[" + ", ".join(layer.get_name() for layer in self.content) + "]"


class ClusterSwitch(HandedLayers):
    """A checkbox that shows every point of the clustered layers instead of their clusters."""

    factory = "clusterSwitch"


class FeatureSearch(HandedLayers):
    """Search the named features of the layers it is handed, in Chinese or English."""

    factory = "featureSearch"
