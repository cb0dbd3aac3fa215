"""Base layers: Gaode (GCJ-02), Tianditu (CGCS2000), OpenStreetMap, and none.

Gaode's tiles are drawn in GCJ-02, about 655 m off WGS84 at Hengyang. The
stored data never move: the runtime moves each GCJ-02 tile by the offset at
the tile's centre, so the WGS84 overlays stay on the right street. Tianditu needs a key, so it is offered
only when one is given; it is CGCS2000, which is WGS84 to centimetres.

Gaode's vector map is the default: it loads in mainland China without a key,
where OpenStreetMap's tiles are slow or blocked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from folium.map import Layer
from folium.template import Template

from geo.webmap.element import ScriptElement
from geo.webmap.safe import script_json

GAODE_ATTRIBUTION = "© 高德地图 AutoNavi"
OSM_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
TIANDITU_ATTRIBUTION = "© 天地图 Tianditu"


@dataclass(frozen=True)
class Tiles:
    url: str
    subdomains: str = ""
    attribution: str = ""
    max_zoom: int = 18


@dataclass(frozen=True)
class BaseMap:
    """A base layer: one or more tile layers drawn together (imagery and its labels)."""

    key: str
    name_zh: str
    name_en: str
    tiles: tuple[Tiles, ...] = field(default_factory=tuple)
    gcj02: bool = False

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


def _tianditu(layer: str, key: str) -> Tiles:
    return Tiles(
        f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}"
        f"&tk={key}",
        subdomains="01234567",
        attribution=TIANDITU_ATTRIBUTION,
    )


def base_maps(tianditu_key: str | None = None) -> list[BaseMap]:
    """The base layers offered, the default first."""
    gaode = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
    gaode_satellite = "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}"
    gaode_labels = "https://webst0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}"
    maps = [
        BaseMap("gaode", "高德地图", "Gaode map", (Tiles(gaode, "1234", GAODE_ATTRIBUTION),), gcj02=True),
        BaseMap(
            "gaode-satellite",
            "高德卫星图",
            "Gaode satellite",
            (Tiles(gaode_satellite, "1234", GAODE_ATTRIBUTION), Tiles(gaode_labels, "1234", GAODE_ATTRIBUTION)),
            gcj02=True,
        ),
    ]
    if tianditu_key:
        maps += [
            BaseMap(
                "tianditu",
                "天地图矢量",
                "Tianditu vector",
                (_tianditu("vec", tianditu_key), _tianditu("cva", tianditu_key)),
            ),
            BaseMap(
                "tianditu-imagery",
                "天地图影像",
                "Tianditu imagery",
                (_tianditu("img", tianditu_key), _tianditu("cia", tianditu_key)),
            ),
        ]
    maps += [
        BaseMap(
            "osm",
            "OpenStreetMap",
            "OpenStreetMap",
            (Tiles("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "", OSM_ATTRIBUTION, 19),),
        ),
        BaseMap("none", "无底图", "No tiles"),
    ]
    return maps


class BaseLayer(Layer, ScriptElement):
    """A base layer: its tile layers in one group, ``L.tileLayer.gcj02`` where the tiles are GCJ-02."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup([
        {%- for url, options in this.tiles %}
            L.tileLayer{{ this.factory }}({{ url }}, {{ options }}),
        {%- endfor %}
        ]);
        {% endmacro %}
        """
    )

    def __init__(self, base: BaseMap, lang: str, show: bool):
        super().__init__(name=base.name(lang), overlay=False, show=show)
        self._name = "BaseLayer"
        self.key = base.key  # names the base layer in the address (ViewHash)
        self.factory = ".gcj02" if base.gcj02 else ""
        self.tiles = [
            (
                script_json(t.url),
                script_json({"subdomains": t.subdomains or "abc", "attribution": t.attribution, "maxZoom": t.max_zoom}),
            )
            for t in base.tiles
        ]
