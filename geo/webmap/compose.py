"""Composing the layers into one HTML map.

``compose_map`` builds the folium element tree; ``render_map`` turns it into
a self-contained, byte-for-byte reproducible page; ``build_map`` does both
and writes the file atomically.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure
from folium import plugins

from geo import paths
from geo.areas import AreaSummary, summarise_areas
from geo.layers import Layer, read_layer, to_feature_collection
from geo.memory import collector_paused
from geo.output import write_text
from geo.report import format_cell
from geo.webmap.assets import Runtime, inline_assets
from geo.webmap.basemaps import BaseLayer, base_maps
from geo.webmap.control import Legend, Search, StatsPanel
from geo.webmap.labels import LABELS
from geo.webmap.layer_control import GroupedLayerControl
from geo.webmap.layers import PointLayer, PolygonLayer

_LEAFLET = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/"
METRES_PER_DEGREE = 111_320.0
_FALLBACK_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")


class ZoneMap(folium.Map):
    """folium's Map with only Leaflet itself linked (no jQuery, Bootstrap, icon fonts)."""

    default_js = [("leaflet", _LEAFLET + "leaflet.js")]
    default_css = [("leaflet_css", _LEAFLET + "leaflet.css")]


@dataclass(frozen=True)
class MapOptions:
    """How the map is drawn; none of these changes a measured figure."""

    lang: str = "zh"
    tianditu_key: str | None = None  # Tianditu's base layers are offered only with a key (written into the page)
    cluster_above: int | None = 2000  # a point layer with more points is clustered; None: never
    simplify_m: float = 0.0  # display-only, topology-preserving simplification of polygons, in metres


@dataclass
class MapLayers:
    """The layers a map is composed from, read and checked."""

    zones: Layer
    landmarks: Layer
    enterprises: Layer
    districts: Layer | None


def load_map_layers(
    zones: str | Path | None = None,
    landmarks: str | Path | None = None,
    enterprises: str | Path | None = None,
    districts: str | Path | None = None,
    input_crs: str | None = None,
    repair: bool = False,
) -> MapLayers:
    """Read the given layers (``input_crs`` and ``repair`` apply to these) and the shipped ones for the rest."""

    def read(given: str | Path | None, shipped: Path, kind: str) -> Layer:
        if given is None:
            return read_layer(shipped, kind)
        return read_layer(given, kind, input_crs, repair)

    return MapLayers(
        zones=read(zones, paths.ZONES, "zones"),
        landmarks=read(landmarks, paths.LANDMARKS, "landmarks"),
        enterprises=read(enterprises, paths.ENTERPRISES, "enterprises"),
        districts=read(districts, paths.DISTRICTS, "districts") if (districts or paths.DISTRICTS.exists()) else None,
    )


def _vocabulary() -> dict:
    return json.loads(paths.VOCABULARY.read_text(encoding="utf-8"))


def _title(frame: pd.DataFrame, lang: str) -> tuple[pd.Series, pd.Series]:
    """(title, subtitle) per feature: the name in ``lang`` and in the other language."""
    zh = frame["name_zh"].astype(object) if "name_zh" in frame else pd.Series([None] * len(frame), index=frame.index)
    en = frame["name_en"].astype(object) if "name_en" in frame else pd.Series([None] * len(frame), index=frame.index)
    first, second = (zh, en) if lang == "zh" else (en, zh)
    label = frame["_label"].astype(object)
    return first.where(first.notna(), second.where(second.notna(), label)), second


@dataclass(frozen=True)
class _Palette:
    """Display names and colours of a point layer's groups (clusters, categories)."""

    values: list[str]
    labels: dict[str, str]
    colors: dict[str, str]

    @classmethod
    def of(cls, layer: Layer, field: str, vocabulary: dict[str, dict], label: Callable[[str, dict], str]) -> _Palette:
        """Groups present in ``layer``; those the vocabulary does not know get their own name and a spare colour."""
        column = layer.frame[field] if field in layer.frame else pd.Series(dtype=object)
        values = sorted(set(column.dropna()))
        spare = itertools.cycle(_FALLBACK_COLORS)
        colors = {v: vocabulary[v]["color"] if v in vocabulary else next(spare) for v in values}
        return cls(values, {k: label(k, v) for k, v in vocabulary.items()}, colors)

    def label(self, value: str) -> str:
        return self.labels.get(value, str(value))

    def legend(self) -> list[dict]:
        return [{"color": self.colors[v], "label": self.label(v)} for v in self.values]


def _text(value: object) -> str | None:
    """A property as display text; None where it is missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return "、".join(map(str, value))
    return str(value)


def _accuracy_text(metres: object) -> str | None:
    """How far a feature can be trusted, as shown: "±1,500 m"."""
    if metres is None or pd.isna(metres):
        return None
    return f"±{format_cell(float(metres), 0)} m"


def _area_text(row: dict, words: dict) -> str:
    return (
        f"{format_cell(row['area_km2'])} km² · {format_cell(row['area_ha'])} ha · "
        f"{format_cell(row['area_mu'])} {words['mu']}"
    )


def _zone_cards(layers: MapLayers, summary: AreaSummary, lang: str) -> list[dict]:
    words = LABELS[lang]
    frame = layers.zones.frame
    titles, subtitles = _title(frame, lang)
    cards = []
    for i, row in enumerate(summary.rows.to_dict("records")):
        props = frame.iloc[i]
        declared = row.get("declared_area_km2")
        cards.append(
            {
                "id": row["id"],
                "title": str(titles.iloc[i]),
                "subtitle": _text(subtitles.iloc[i]),
                "rows": [
                    [words["measured"], _area_text(row, words)],
                    [
                        words["declared"],
                        None if declared is None or pd.isna(declared) else f"{format_cell(declared)} km²",
                    ],
                    [
                        words["difference"],
                        None
                        if pd.isna(row.get("difference_pct", np.nan))
                        else f"{format_cell(row['difference_pct'])} %",
                    ],
                    [words["industries"], _text(props.get("industries"))],
                    [words["established"], _text(props.get("established"))],
                    [words["enterprises_inside"], format_cell(int(row["enterprises"]))],
                    [words["landmarks_inside"], format_cell(int(row["landmarks"]))],
                    [words["boundary"], words["schematic"]],
                    [words["accuracy"], _accuracy_text(props.get("accuracy_m"))],
                ],
            }
        )
    return cards


def _display_geometries(layer: Layer, simplify_m: float) -> gpd.GeoDataFrame:
    """The layer's polygons as drawn: simplified with shapely's coverage_simplify, which keeps
    shared edges shared, when ``simplify_m`` > 0. Areas are always measured on the originals."""
    frame = layer.frame[[layer.frame.geometry.name, "_label"]]
    if simplify_m <= 0:
        return frame
    tolerance = simplify_m / METRES_PER_DEGREE  # of latitude; a longitude degree is shorter: conservative
    simplified = shapely.coverage_simplify(frame.geometry.to_numpy(), tolerance, simplify_boundary=True)
    return frame.set_geometry(gpd.GeoSeries(simplified, index=frame.index))


def _polygon_collection(frame: gpd.GeoDataFrame, cards: list[dict], rows: list[int]) -> dict:
    collection = to_feature_collection(frame.iloc[rows])
    for feature, row in zip(collection["features"], rows):
        feature["properties"] = {k: v for k, v in cards[row].items() if v is not None}
    return collection


def _district_cards(layer: Layer, lang: str) -> list[dict]:
    words = LABELS[lang]
    titles, subtitles = _title(layer.frame, lang)
    return [
        {
            "title": str(t),
            "subtitle": _text(s),
            "rows": [[words["source"], str(src)], [words["accuracy"], _accuracy_text(acc)]],
        }
        for t, s, src, acc in zip(titles, subtitles, layer.frame["source"], layer.frame["accuracy_m"])
    ]


def _lookup(ids: pd.Series, layer: Layer | None, lang: str) -> pd.Series:
    """Names in ``lang`` for a column of feature ids (a zone_id, a district_id)."""
    if layer is None or "id" not in layer.frame:
        return ids
    names = dict(zip(layer.frame["id"], _title(layer.frame, lang)[0]))
    return ids.map(names).where(ids.notna(), None)


def _point_columns(layer: Layer, layers: MapLayers, lang: str) -> pd.DataFrame:
    frame = layer.frame
    titles, subtitles = _title(frame, lang)

    def column(name: str) -> pd.Series:
        return frame[name].astype(object) if name in frame else pd.Series([None] * len(frame), index=frame.index)

    accuracy = pd.to_numeric(column("accuracy_m"), errors="coerce")
    accuracy_text = {a: _accuracy_text(a) for a in accuracy.dropna().unique()}  # format each value once
    return pd.DataFrame(
        {
            "title": titles,
            "subtitle": subtitles,
            "zone": _lookup(column("zone_id"), layers.zones, lang),
            "district": _lookup(column("district_id"), layers.districts, lang),
            "description": column("description_zh"),
            "source": column("source"),
            "accuracy": accuracy.map(accuracy_text),
        }
    )


def _point_layers(
    layer: Layer, layers: MapLayers, field: str, palette: _Palette, lang: str, group_word: str, options: MapOptions
) -> list[PointLayer]:
    """One overlay per group (cluster, category), each clustered when it is big."""
    words = LABELS[lang]
    frame = layer.frame
    columns = _point_columns(layer, layers, lang)
    rows = [
        [words["zone"], "zone"],
        [words["district"], "district"],
        [words["description"], "description"],
        [words["source"], "source"],
        [words["accuracy"], "accuracy"],
    ]
    keys = frame[field].astype(object).where(frame[field].notna(), "—") if field in frame else None
    codes, values = pd.factorize(keys if keys is not None else pd.Series(["—"] * len(frame)), sort=True)
    lon, lat = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    result = []
    for code, key in enumerate(values):
        members = np.flatnonzero(codes == code)
        label = palette.label(key)
        card = {"title": "title", "subtitle": "subtitle", "rows": [[group_word, None, label], *rows]}
        style = {"color": palette.colors.get(key, _FALLBACK_COLORS[-1]), "stroke": "#222", "radius": 6}
        cluster = options.cluster_above is not None and len(members) > options.cluster_above
        point_layer = PointLayer(lon[members], lat[members], columns.iloc[members], card, label, style, cluster=cluster)
        result.append(point_layer)
    return result


def _stats_spec(summary: AreaSummary, layers: MapLayers, lang: str) -> dict:
    words = LABELS[lang]
    titles = _title(layers.zones.frame, lang)[0].tolist()
    headers = [
        words["name"],
        "km²",
        "ha",
        words["mu"],
        words["share"],
        f"{words['declared']} km²",
        f"{words['difference']} %",
        words["enterprises"],
        words["landmarks"],
    ]
    fields = [
        "area_km2",
        "area_ha",
        "area_mu",
        "share_pct",
        "declared_area_km2",
        "difference_pct",
        "enterprises",
        "landmarks",
    ]

    def cells(name: str, row: dict) -> list[str]:
        return [name] + [format_cell(row.get(f)) for f in fields]

    rows = [cells(t, r) for t, r in zip(titles, summary.rows.to_dict("records"))]
    total = dict(summary.total, share_pct=100.0)
    return {
        "title": words["stats"],
        "headers": headers,
        "numeric": [False] + [True] * len(fields),
        "rows": rows,
        "total": cells(words["total"], total),
        "note": words["stats_note"],
    }


def compose_map(layers: MapLayers, options: MapOptions = MapOptions()) -> Figure:
    """The map as a folium element tree (not yet rendered)."""
    lang = options.lang
    words = LABELS[lang]
    vocabulary = _vocabulary()
    summary = summarise_areas(layers.zones, point_layers=[layers.landmarks, layers.enterprises])

    figure = Figure(title=words["title"])
    figure.header.add_child(Element(f'<meta name="description" content="{words["title"]}">'), name="description")
    minx, miny, maxx, maxy = layers.zones.frame.total_bounds
    fmap = ZoneMap(
        location=[round((miny + maxy) / 2, 6), round((minx + maxx) / 2, 6)],
        zoom_start=12,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
    )
    figure.add_child(fmap, name="map")
    fmap.add_child(Runtime(), name="runtime")
    # Fit the view before any layer is added: a clustered layer still loading its chunks
    # fails if the map moves under it (Leaflet.markercluster reads bounds it has not built).
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])

    bases = [BaseLayer(base, lang, show=(i == 0)) for i, base in enumerate(base_maps(options.tianditu_key))]
    for base in bases:
        fmap.add_child(base)

    zone_colors = vocabulary.get("zone_colors", {})
    cards = _zone_cards(layers, summary, lang)
    zone_shapes = _display_geometries(layers.zones, options.simplify_m)
    zone_layers, zone_legend = [], []
    for i, card in enumerate(cards):
        color = zone_colors.get(card["id"], _FALLBACK_COLORS[i % len(_FALLBACK_COLORS)])
        zone_legend.append({"color": color, "label": card["title"]})
        style = {"color": color, "weight": 2, "fillColor": color, "fillOpacity": 0.25}
        zone_layers.append(PolygonLayer(_polygon_collection(zone_shapes, cards, [i]), card["title"], style))

    context = []
    if layers.districts is not None:
        district_cards = _district_cards(layers.districts, lang)
        style = {"color": "#555", "weight": 1.5, "dashArray": "4 4", "fill": False}
        shapes = _display_geometries(layers.districts, options.simplify_m)
        collection = _polygon_collection(shapes, district_cards, list(range(len(district_cards))))
        context.append(PolygonLayer(collection, words["districts"], style))

    clusters = _Palette.of(
        layers.enterprises, "cluster", vocabulary["clusters"], lambda k, v: k if lang == "zh" else v["en"]
    )
    categories = _Palette.of(
        layers.landmarks, "category", vocabulary["categories"], lambda k, v: v["zh"] if lang == "zh" else v["en"]
    )
    landmark_layers = _point_layers(layers.landmarks, layers, "category", categories, lang, words["category"], options)
    enterprise_layers = _point_layers(layers.enterprises, layers, "cluster", clusters, lang, words["cluster"], options)
    for layer in [*context, *zone_layers, *landmark_layers, *enterprise_layers]:
        fmap.add_child(layer)

    groups = {
        words["zones"]: zone_layers,
        words["landmarks"]: landmark_layers,
        words["enterprises"]: enterprise_layers,
    }
    if context:
        groups[words["context"]] = context
    fmap.add_child(GroupedLayerControl(bases, groups), name="layer_control")
    fmap.add_child(StatsPanel(_stats_spec(summary, layers, lang)), name="stats")
    fmap.add_child(
        Legend(
            {
                "title": words["legend"],
                "collapsed": True,  # the layer control shows the colours too
                "sections": [
                    {"title": words["zones"], "shape": "area", "items": zone_legend},
                    {"title": words["enterprises"], "shape": "point", "items": clusters.legend()},
                    {"title": words["landmarks"], "shape": "point", "items": categories.legend()},
                ],
            }
        ),
        name="legend",
    )
    fmap.add_child(Search({"placeholder": words["search"], "none": words["none"], "limit": 12}), name="search")
    fmap.add_child(plugins.Fullscreen(position="topleft"), name="fullscreen")
    fmap.add_child(
        plugins.MeasureControl(
            position="topleft",
            primary_length_unit="kilometers",
            primary_area_unit="hectares",
            secondary_area_unit="sqmeters",
        ),
        name="measure",
    )
    return figure


def _number_elements(figure: Figure) -> None:
    """Give every element a sequential id instead of a random one: same input, same bytes."""
    counter = itertools.count()

    def walk(element) -> None:
        element._id = f"{next(counter):05d}"
        for child in list(element._children.values()):
            walk(child)

    walk(figure)


def render_map(figure: Figure, cdn: bool = False) -> str:
    """The page's HTML: self-contained unless ``cdn``; identical for identical input."""
    _number_elements(figure)
    html = figure.render()
    return html if cdn else inline_assets(html)


def build_map(out: str | Path, layers: MapLayers, options: MapOptions = MapOptions(), cdn: bool = False) -> Path:
    """Compose, render and write the map atomically; return its path."""
    with collector_paused():
        html = render_map(compose_map(layers, options), cdn=cdn)
    return write_text(out, html)
