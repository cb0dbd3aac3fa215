"""Scripts and stylesheets: the map's own runtime, and making the page self-contained.

folium links its libraries from CDNs, which fail offline, on closed office
networks and often from mainland China. After rendering, every linked script
and stylesheet is replaced by its content, taken from the installed package
``folium-offline`` (which carries folium's CDN files, images as data: URIs).
Only what the page links is inlined, and a link that cannot be resolved fails
the build rather than leaving a page that breaks offline. supercluster, which
folium-offline does not carry, ships in ``static/`` (pinned, with its licence).
"""

from __future__ import annotations

import ast
import importlib.util
import re
from functools import cache
from importlib.resources import files
from pathlib import Path

from branca.element import Figure, MacroElement
from folium.template import Template

from geo.errors import GeoError
from geo.webmap.element import RawHTML

_SCRIPT_LINK = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_STYLE_LINK = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/>')
_ANY_LINK = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="(?P<url>https?:[^"]+)"')
_CSS_URL = re.compile(r"url\(\s*['\"]?(?!data:|#)(?P<url>[^'\")]+)")
_QUOTES = "'" * 3
_ENTRY = re.compile(r"^_res\['(?P<url>[^']+)'\] = (?=" + _QUOTES + ")", re.MULTILINE)


class AssetError(GeoError):
    """A script or stylesheet the page needs could not be inlined."""


def static_text(name: str) -> str:
    """A file of the runtime (hz.js, hz.css), as text."""
    return files("geo.webmap").joinpath("static", name).read_text(encoding="utf-8")


class Runtime(MacroElement):
    """The map's own script and stylesheet, placed in the page header once."""

    _template = Template("")

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "Runtime must be inside a Figure"
        figure.header.add_child(RawHTML(f"<style>{static_text('hz.css')}</style>"), name="hz_css")
        figure.header.add_child(RawHTML(f"<script>{static_text('hz.js')}</script>"), name="hz_js")
        super().render(**kwargs)


@cache
def _resource_table() -> tuple[str, dict[str, int]]:
    """folium-offline's table of CDN files: its source text and where each entry's literal starts.

    The table is a module of folium-offline (``offlinefolium/elements.py``, one
    ``_res[URL] = <triple-quoted literal> #URL`` entry per file). It is read as
    text rather than imported: importing the package compiles some sixty Jinja
    templates (0.4 s), and only the few files a page links need decoding.
    """
    spec = importlib.util.find_spec("offlinefolium")
    if spec is None or not spec.submodule_search_locations:
        raise AssetError("folium-offline is not installed: pip install folium-offline, or build with --cdn")
    text = (Path(next(iter(spec.submodule_search_locations))) / "elements.py").read_text(encoding="utf-8")
    return text, {match["url"]: match.end() for match in _ENTRY.finditer(text)}


@cache
def _offline_copy(url: str) -> str:
    text, starts = _resource_table()
    if url not in starts:
        raise AssetError(f"no offline copy of {url} in folium-offline; the map would need the network")
    start = starts[url]
    end = text.index(f"{_QUOTES} #{url}", start) + len(_QUOTES)
    return ast.literal_eval(text[start:end])


# Libraries folium-offline does not carry, shipped with this package (pinned; licence beside each).
VENDORED = {
    "https://unpkg.com/supercluster@8.0.1/dist/supercluster.min.js": "supercluster-8.0.1.min.js",
}


def resolve(url: str) -> str:
    """The content of a CDN file: ours where we ship it, else folium-offline's; AssetError if neither has it."""
    content = static_text(VENDORED[url]) if url in VENDORED else _offline_copy(url)
    if url.endswith(".css"):
        stray = _CSS_URL.search(content)
        if stray:
            raise AssetError(f"{url} refers to {stray['url']}, which would be fetched from the network")
    return content


def inline_assets(html: str) -> str:
    """Replace every linked script and stylesheet with its content."""

    def script(match: re.Match) -> str:
        body = resolve(match["url"]).replace("</script", "<\\/script")
        return f"<script>{body}</script>"

    def style(match: re.Match) -> str:
        body = resolve(match["url"]).replace("</style", "<\\/style")
        return f"<style>{body}</style>"

    head, separator, body = html.partition("<body>")  # links live in the head; the body holds the data
    head = _STYLE_LINK.sub(style, _SCRIPT_LINK.sub(script, head))
    left = _ANY_LINK.search(head) or _ANY_LINK.search(body)
    if left:
        raise AssetError(f"the page still links {left['url']}; it cannot be inlined")
    return head + separator + body
