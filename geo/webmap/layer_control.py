"""A layer control with base layers and named groups of overlays."""

from __future__ import annotations

import re

from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from geo.webmap.element import ScriptElement
from geo.webmap.safe import html_text, script_json

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def _label(layer: Layer) -> str:
    """An overlay's name as HTML: a swatch of its colour, then the escaped name."""
    color = getattr(layer, "color", None)
    text = html_text(layer.layer_name)
    name = f'<span class="hz-name" title="{text}">{text}</span>'  # cut with an ellipsis, whole on hover
    if color and _COLOR.fullmatch(color):
        return f'<span class="hz-swatch" style="background:{color}"></span> {name}'
    return name


_PLUGIN = "https://cdnjs.cloudflare.com/ajax/libs/leaflet-groupedlayercontrol/0.6.1/"


class GroupedLayerControl(JSCSSMixin, ScriptElement):
    """Leaflet.groupedlayercontrol with base layers (folium's own passes none).

    Leaflet renders layer and group names as HTML, so they are escaped here;
    an overlay drawn in one colour gets a swatch of it before its name.
    """

    default_js = [("leaflet.groupedlayercontrol", _PLUGIN + "leaflet.groupedlayercontrol.min.js")]
    default_css = [("leaflet.groupedlayercontrol_css", _PLUGIN + "leaflet.groupedlayercontrol.min.css")]

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control.groupedLayers(
            { {%- for name, layer in this.base_layers %}
                {{ name|tojson }}: {{ layer.get_name() }},
            {%- endfor %} },
            { {%- for group, layers in this.groups %}
                {{ group|tojson }}: { {%- for name, layer in layers %}
                    {{ name|tojson }}: {{ layer.get_name() }},
                {%- endfor %} },
            {%- endfor %} },
            Object.assign({{ this.options_json }}, { collapsed: L.Control.Panel.narrow() })
        ).addTo({{ this._parent.get_name() }});
        // The plugin lets the wheel through to the map on touch-capable browsers (most, today):
        // a long list would zoom the map instead of scrolling.
        L.DomEvent.disableScrollPropagation({{ this.get_name() }}.getContainer());
        {% endmacro %}
        """
    )

    def __init__(self, base_layers: list[Layer], groups: dict[str, list[Layer]]):
        super().__init__()
        self._name = "GroupedLayerControl"
        self.base_layers = [(html_text(layer.layer_name), layer) for layer in base_layers]
        self.groups = [
            (html_text(group), [(_label(layer), layer) for layer in layers]) for group, layers in groups.items()
        ]
        # Folded behind a button on a phone (L.Control.Panel.narrow), open on a desk.
        self.options_json = script_json({"position": "topright"})
