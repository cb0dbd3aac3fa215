"""The page's frame: an HTML document that declares its language and holds the map in a
landmark, and folium's Map without what a phone or a screen reader would trip on.

folium's Map forbids pinch-zoom (``user-scalable=no``, ``maximum-scale=1``) and links jQuery,
Bootstrap and icon fonts the map does not use; branca's Figure writes ``<html>`` with no ``lang``
and places the map outside any landmark. These two classes keep folium's structure and fix that.
"""

from __future__ import annotations

import re

import folium
from branca.element import Figure
from jinja2 import Template as JinjaTemplate

from geo.webmap.element import RawHTML

_LEAFLET = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


class MapPage(Figure):
    """The HTML document: ``<html lang>``, and the map inside ``<main>``."""

    _template = JinjaTemplate(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang }}">\n'
        "<head>\n"
        "{% if this.title %}<title>{{this.title}}</title>{% endif %}"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        '<main aria-label="{{ this.title }}">\n'
        "    {{this.html.render(**kwargs)}}\n"
        "</main>\n"
        "</body>\n"
        "<script>\n"
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n",
    )

    def __init__(self, title: str, lang: str):
        super().__init__(title=title)
        self.lang = HTML_LANG[lang]


class ZoneMap(folium.Map):
    """folium's Map linking only Leaflet itself, in a page that lets a phone pinch-zoom."""

    default_js = [("leaflet", _LEAFLET + "leaflet.js")]
    default_css = [("leaflet_css", _LEAFLET + "leaflet.css")]

    def render(self, **kwargs) -> None:
        super().render(**kwargs)
        header = self._template.module.__dict__["header"](self, kwargs)
        fixed = _FORBIDS_ZOOM.sub(_VIEWPORT, header)
        assert fixed != header, "folium's viewport meta changed; see geo/webmap/frame.py"
        self.get_root().header.add_child(RawHTML(fixed), name=self.get_name())  # in place of folium's


_FORBIDS_ZOOM = re.compile(r'<meta name="viewport"[^>]*>')
_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
