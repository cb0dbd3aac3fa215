"""Scripts and stylesheets: the map's own runtime, and making the page self-contained.

folium links its libraries from CDNs, which fail offline, on closed office
networks and often from mainland China. After rendering, every linked script
and stylesheet is replaced by its content, taken from the installed package
``folium-offline`` (which carries folium's CDN files, images as data: URIs).
Only what the page links is inlined, and a link that cannot be resolved fails
the build rather than leaving a page that breaks offline.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from branca.element import Element, Figure, MacroElement
from folium.template import Template

_SCRIPT_LINK = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_STYLE_LINK = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/>')
_ANY_LINK = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="(?P<url>https?:[^"]+)"')
_CSS_URL = re.compile(r"url\(\s*['\"]?(?!data:|#)(?P<url>[^'\")]+)")


class AssetError(RuntimeError):
    """A script or stylesheet the page needs could not be inlined."""


def _static(name: str) -> str:
    return files("geo.webmap").joinpath("static", name).read_text(encoding="utf-8")


class Runtime(MacroElement):
    """The map's own script and stylesheet, placed in the page header once."""

    _template = Template("")

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "Runtime must be inside a Figure"
        figure.header.add_child(Element(f"<style>{_static('hz.css')}</style>"), name="hz_css")
        figure.header.add_child(Element(f"<script>{_static('hz.js')}</script>"), name="hz_js")
        super().render(**kwargs)


@cache
def _offline_resources() -> dict[str, str]:
    from offlinefolium.elements import _res

    return _res


def resolve(url: str) -> str:
    """The content of a CDN file, from folium-offline; AssetError if it has none."""
    try:
        content = _offline_resources()[url]
    except KeyError:
        raise AssetError(f"no offline copy of {url} in folium-offline; the map would need the network") from None
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

    html = _STYLE_LINK.sub(style, _SCRIPT_LINK.sub(script, html))
    left = _ANY_LINK.search(html)
    if left:
        raise AssetError(f"the page still links {left['url']}; it cannot be inlined")
    return html
