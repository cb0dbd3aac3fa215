"""Composing the layers into one map: ``compose_map`` builds the folium element tree.

What the map says comes from ``content`` and ``cards`` as plain data; this module only
places it: base layers, overlays, controls. ``webpage`` renders and writes it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure
from folium import plugins
from folium.map import FitBounds

from geo.areas import AreaSummary
from geo.inputs import LayerSet
from geo.io import LABEL
from geo.io.geojson import to_feature_collection
from geo.layers import Layer
from geo.webmap.assets import Runtime
from geo.webmap.basemaps import BaseLayer, base_maps
from geo.webmap.cards import Card, ColumnCard, district_cards, evaluation_cards, history_cards, zone_cards
from geo.webmap.content import (
    LAND_COLORS,
    OTHER_LAND_COLOR,
    POINT_COLORS,
    Palette,
    point_columns,
    point_palettes,
    stats_table,
    text,
    zone_colors,
)
from geo.webmap.frame import MapPage, ZoneMap
from geo.webmap.labels import LABELS
from geo.webmap.layer_control import GroupedLayerControl
from geo.webmap.overlays import CardLayer, ColumnLayer
from geo.webmap.panels import ClusterSwitch, FeatureSearch, Legend, Stats, TimeSlider
from geo.webmap.safe import html_text
from geo.webmap.view import ViewHash

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class MapOptions:
    """How the map is drawn; none of these changes a measured figure."""

    lang: str = "zh"
    title: str | None = None  # default: the example's name, or the user's zones file name
    tianditu_key: str | None = None  # Tianditu's base layers are offered only with a key (written into the page)
    cluster_above: int | None = 2000  # a point layer with more points is clustered; None: never
    simplify_m: float = 0.0  # display-only, topology-preserving simplification of polygons, in metres
    at: date | None = None  # the year the time slider opens on [default: this year, in the page]


def _display_geometries(layer: Layer, simplify_m: float) -> gpd.GeoDataFrame:
    """The layer's polygons as drawn: simplified with shapely's coverage_simplify, which keeps
    shared edges shared, when ``simplify_m`` > 0. Areas are always measured on the originals."""
    frame = layer.frame[[layer.frame.geometry.name, LABEL]]
    if simplify_m <= 0:
        return frame
    tolerance = simplify_m / METRES_PER_DEGREE  # of latitude; a longitude degree is shorter: conservative
    simplified = shapely.coverage_simplify(frame.geometry.to_numpy(), tolerance, simplify_boundary=True)
    return frame.set_geometry(gpd.GeoSeries(simplified, index=frame.index))


def _polygon_collection(frame: gpd.GeoDataFrame, cards: list[Card], rows: list[int]) -> dict:
    collection = to_feature_collection(frame.iloc[rows])
    for feature, row in zip(collection["features"], rows):
        feature["properties"] = cards[row].to_json()
    return collection


def _point_layers(
    kind: str, layers: LayerSet, palette: Palette, lang: str, group_word: str, options: MapOptions
) -> list[ColumnLayer]:
    """One overlay per group (cluster, category, industry); a big group is clustered together with
    the kind's other big groups."""
    layer = getattr(layers, kind)
    columns, rows = point_columns(layer, layers, lang)
    keys = layer.column(layer.roles.group).map(text, na_action="ignore").fillna("—")
    codes, values = pd.factorize(keys, sort=True)
    lon, lat = layer.frame.geometry.x.to_numpy(), layer.frame.geometry.y.to_numpy()
    result = []
    for code, key in enumerate(values):
        members = np.flatnonzero(codes == code)
        label = palette.label(key) if layer.roles.group else layer.path.name.split(".")[0]
        group_row = [[group_word, None, label]] if layer.roles.group else []
        card = ColumnCard([*group_row, *rows]).to_json()
        style = {"color": palette.colors.get(key, POINT_COLORS[-2]), "stroke": "#222", "radius": 6}
        cluster = options.cluster_above is not None and len(members) > options.cluster_above
        pool = kind if cluster else None
        x, y, points = lon[members], lat[members], columns.iloc[members]
        result.append(ColumnLayer(x, y, points, card, label, style, cluster, f"{kind}:{key}", pool))
    return result


def _bounds(layers: LayerSet) -> tuple[float, float, float, float]:
    """The box to open on: the zones, else every layer given."""
    shown = [layers.zones] if layers.zones is not None else layers.all()
    boxes = np.array([layer.frame.total_bounds for layer in shown])
    return boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()


def _title(layers: LayerSet, options: MapOptions) -> str:
    if options.title:
        return options.title
    if layers.example:
        return LABELS[options.lang]["title"]
    return next(layer.path.name.split(".")[0] for layer in layers.all())


def _zone_layers(layers: LayerSet, summary: AreaSummary, options: MapOptions) -> tuple[list, list[dict]]:
    """One overlay per zone, with its card, and the legend's entries."""
    colors = zone_colors(layers)
    cards = zone_cards(layers, summary, options.lang)
    shapes = _display_geometries(layers.zones, options.simplify_m)
    overlays, legend = [], []
    for i, card in enumerate(cards):
        color = colors[i]
        legend.append({"color": color, "label": card.title})
        style = {"color": color, "weight": 2.5, "fillColor": color, "fillOpacity": 0.12}
        overlays.append(CardLayer(_polygon_collection(shapes, cards, [i]), card.title, style, key=str(card.id)))
    return overlays, legend


def _evaluation_layers(layers: LayerSet, options: MapOptions) -> tuple[list, list[dict]]:
    """The evaluation's parcels, one overlay per current use (DLDM), each in its colour, and the
    legend's entries."""
    from geo.evaluation import land_label, role_fields

    layer = layers.evaluation
    fields, _ = role_fields(layer, {})
    codes = layer.frame[fields["DLDM"]].map(text, na_action="ignore").fillna("—").str.strip().str.upper()
    cards = evaluation_cards(layer, codes, fields["GYDM"], options.lang)
    shapes = _display_geometries(layer, options.simplify_m)
    overlays, legend = [], []
    for code in sorted(codes.unique()):
        color = LAND_COLORS.get(code, OTHER_LAND_COLOR)
        style = {"color": "#555", "weight": 0.6, "fillColor": color, "fillOpacity": 0.55}
        rows = list(np.flatnonzero((codes == code).to_numpy()))
        overlays.append(
            CardLayer(_polygon_collection(shapes, cards, rows), land_label(code), style, key=f"evaluation:{code}")
        )
        legend.append({"color": color, "label": land_label(code)})
    return overlays, legend


def _history_layer(layers: LayerSet, options: MapOptions) -> tuple[CardLayer, TimeSlider]:
    """The boundary over time as one overlay, each version shown in the years it held, and its slider."""
    history, words = layers.history, LABELS[options.lang]
    shapes = _display_geometries(history, options.simplify_m)
    collection = _polygon_collection(shapes, history_cards(history, options.lang), list(range(len(history.frame))))
    for feature, start, end in zip(collection["features"], history.column("valid_from"), history.column("valid_to")):
        feature["properties"]["valid"] = [text(start), text(end)]
    # An area, so in the zones' family of colours; dashed, to tell it from the managed parts.
    style = {"color": "#3f007d", "weight": 2.5, "dashArray": "6 4", "fillColor": "#3f007d", "fillOpacity": 0.06}
    name = words["history"] if layers.example else history.path.name.split(".")[0]
    layer = CardLayer(collection, name, style, key="history")
    # The slider starts with the zone: its first version, or the founding its zones record (1992 in the example).
    founded = list(layers.zones.column("established")) if layers.zones is not None else []
    starts = [text(v) for v in [*history.column("valid_from"), *founded]]
    first = min(int(v[:4]) for v in starts if v and v[:4].isdigit())
    slider = TimeSlider(
        layer,
        title=words["time"],
        first=first,
        start=options.at.year if options.at else None,
        shown=words["shown"],
        none=words["not_drawn"],
    )
    return layer, slider


def compose_map(layers: LayerSet, options: MapOptions = MapOptions()) -> Figure:
    """The map as a folium element tree (not yet rendered)."""
    lang = options.lang
    words = LABELS[lang]
    title = html_text(_title(layers, options))
    figure = MapPage(title, lang)
    figure.header.add_child(Element(f'<meta name="description" content="{title}">'), name="description")
    minx, miny, maxx, maxy = _bounds(layers)
    fmap = ZoneMap(
        location=[round((miny + maxy) / 2, 6), round((minx + maxx) / 2, 6)],
        zoom_start=12,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
    )
    figure.add_child(fmap, name="map")
    fmap.add_child(Runtime(), name="runtime")
    # Fit the view before any layer is added, so that clustered layers draw once for it.
    # Not animated: a zoom still running would undo the view a link restores (ViewHash).
    fit = FitBounds([[miny, minx], [maxy, maxx]], padding=(24, 24))
    fit.options["animate"] = False
    fmap.add_child(fit, name="fit")

    bases = [BaseLayer(base, lang, show=(i == 0)) for i, base in enumerate(base_maps(options.tianditu_key))]
    for base in bases:
        fmap.add_child(base)

    summary = layers.zone_summary()
    zone_layers, zone_legend = _zone_layers(layers, summary, options) if summary else ([], [])
    context = []
    if layers.districts is not None:
        cards = district_cards(layers, lang)
        style = {"color": "#555", "weight": 1.5, "dashArray": "4 4", "fill": False}
        shapes = _display_geometries(layers.districts, options.simplify_m)
        name = words["districts"] if layers.example else layers.districts.path.name.split(".")[0]
        collection = _polygon_collection(shapes, cards, list(range(len(cards))))
        context.append(CardLayer(collection, name, style, key="districts"))

    parcel_layers, parcel_legend = _evaluation_layers(layers, options) if layers.evaluation is not None else ([], [])
    palettes = point_palettes(layers, lang)
    point_groups, legend = {}, [{"title": words["zones"], "shape": "area", "items": zone_legend}]
    legend.append({"title": words["evaluation"], "shape": "area", "items": parcel_legend})
    for kind, group_word in (("landmarks", words["category"]), ("enterprises", words["cluster"])):
        layer = getattr(layers, kind)
        if layer is not None:
            point_groups[words[kind]] = _point_layers(kind, layers, palettes[kind], lang, group_word, options)
            legend.append({"title": words[kind], "shape": "point", "items": palettes[kind].legend()})
    history, slider = _history_layer(layers, options) if layers.history is not None else (None, None)
    point_layers = list(itertools.chain.from_iterable(point_groups.values()))
    overlays = [*context, *([history] if history else []), *parcel_layers, *zone_layers, *point_layers]
    for layer in overlays:
        fmap.add_child(layer)
    groups = {words["zones"]: zone_layers, words["history"]: [history] if history else [], **point_groups}
    groups[words["evaluation"]] = parcel_layers
    groups[words["context"]] = context
    groups = {name: members for name, members in groups.items() if members}

    fmap.add_child(GroupedLayerControl(bases, groups), name="layer_control")
    if summary is not None:
        table = stats_table(summary, layers, lang)
        note = words["stats_note_schematic"] if layers.example else words["stats_note"]
        panel = table.panel(essential=("name", "area_km2", "share_pct")) | {"note": note}
        download = {"downloadLabel": words["download_csv"], "filename": f"{words['stats_file']}.csv"}
        fmap.add_child(Stats(panel, title=table.title, **download), name="stats")
    legend = [section for section in legend if section["items"]]
    # The layer control shows the colours too, so the legend starts collapsed.
    fmap.add_child(Legend(legend, title=words["legend"]), name="legend")
    fmap.add_child(FeatureSearch(overlays, placeholder=words["search"], none=words["none"]), name="search")
    if slider is not None:
        fmap.add_child(slider, name="time_slider")
    clustered = [layer for layer in point_layers if layer.clustered]
    if clustered:
        fmap.add_child(ClusterSwitch(clustered, label=words["every_point"]), name="cluster_switch")
    fmap.add_child(ViewHash(bases, overlays), name="view_hash")
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
