"""Controls drawn by the map's runtime (``static/hz.js``) from a JSON spec."""

from __future__ import annotations

from typing import Any, ClassVar

from folium.template import Template

from geo.webmap.element import ScriptElement
from geo.webmap.safe import script_json


class RuntimeControl(ScriptElement):
    """A control made by ``HZ.<function>(map, spec)``; subclasses name the function."""

    function: ClassVar[str]
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        HZ.{{ this.function }}({{ this._parent.get_name() }}, {{ this.spec_json }});
        {% endmacro %}
        """
    )

    def __init__(self, spec: dict[str, Any]):
        super().__init__()
        self._name = type(self).__name__
        self.spec_json = script_json(spec)


class StatsPanel(RuntimeControl):
    """The area-statistics panel: the figures of ``geo area``."""

    function = "statsPanel"


class Legend(RuntimeControl):
    """Colours of zones, enterprise clusters and landmark categories."""

    function = "legend"


class Search(RuntimeControl):
    """Search every named feature, in Chinese or English."""

    function = "search"
