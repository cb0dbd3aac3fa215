"""The view kept in the page's address, so that a copied link reopens it (``L.viewHash``)."""

from __future__ import annotations

from folium.map import Layer
from folium.template import Template

from geo.webmap.element import ScriptElement
from geo.webmap.safe import script_json


class ViewHash(ScriptElement):
    """Centre, zoom, base layer and the overlays that are on, in ``#map=...&base=...&on=...``.

    Added last, so that a link's view is restored after every layer is in place.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.viewHash(
            { {%- for layer in this.bases %}{{ this.key(layer) }}: {{ layer.get_name() }}, {% endfor -%} },
            { {%- for layer in this.overlays %}{{ this.key(layer) }}: {{ layer.get_name() }}, {% endfor -%} }
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bases: list[Layer], overlays: list[Layer]):
        super().__init__()
        self._name = "ViewHash"
        self.bases, self.overlays = bases, overlays

    @staticmethod
    def key(layer: Layer) -> str:
        return script_json(str(layer.key))
