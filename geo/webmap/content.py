"""What the map says, as plain data: titles, texts of fields and sources, point columns, statistics.

Nothing here knows folium; ``compose`` puts these (and the cards of ``cards``) into the page. A user's
layer tells its own story: its own fields in the popups, its geometry source
and accuracy where it gives them and "unknown" where it does not. Only a
feature whose geometry source says so is called schematic.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from geo import paths
from geo.areas import AreaSummary
from geo.areas_report import Headers, summary_table
from geo.inputs import LayerSet
from geo.io import LABEL
from geo.layers import Layer
from geo.measure import M2_PER_KM2, UNIT_LABELS
from geo.report import Column, Table, format_cell
from geo.sources import cite, load_sources
from geo.webmap.labels import LABELS

# Two families of colour, so that no dot reads as belonging to a zone by its colour:
# zones in blues and violets (hues 190-290), drawn as outlines over a light fill;
# points in reds, oranges, yellows, greens, browns and greys (no hue within 180-300).
ZONE_COLORS = ("#1f4e9c", "#6a3d9a", "#1d91c0", "#8c6bb1", "#253494", "#4a6fe3", "#54278f", "#41b6e6")
POINT_COLORS = ("#d62728", "#ff7f0e", "#2ca02c", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f", "#e6ab02")
# The land evaluation's current uses (DLDM), in warm and green hues apart from the zones' blues:
# built land (A) in reds and browns, land not yet built (B) in sand, land not to be built (C) in greens.
LAND_COLORS = {
    "A1": "#f4a582", "A2": "#b2182b", "A31": "#878787", "A32": "#bababa", "A4": "#d6604d", "A51": "#4dac26",
    "A52": "#f1b6da", "A6": "#fddbc7", "B11": "#dfc27d", "B12": "#bf812d", "B21": "#f6e8c3", "B22": "#c7a76c",
    "C1": "#80cdc1", "C2": "#1b7837", "C3": "#a6dba0",
}  # fmt: skip
OTHER_LAND_COLOR = "#e0e0e0"
MAX_OWN_FIELDS = 12  # a user's fields shown in a popup, in the file's order
_EXAMPLE_FIELDS = {"description_zh", "zone_id", "district_id", "adcode", "kind", "declared_source"}
_FIELD_WORDS = {"industries": "industries", "established": "established", "category": "category", "cluster": "cluster"}


def vocabulary() -> dict:
    """Display names and colours of the example's clusters, categories and zone parts."""
    return json.loads(paths.VOCABULARY.read_text(encoding="utf-8"))


def text(value: object) -> str | None:
    """A property as display text; None where it is missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return "、".join(map(str, value))
    return str(value)


def accuracy_text(metres: object) -> str | None:
    """How far a feature can be trusted, as shown: "±1,500 m"."""
    if metres is None or pd.isna(metres):
        return None
    return f"±{format_cell(float(metres), 0)} m"


def titles(layer: Layer, lang: str) -> tuple[pd.Series, pd.Series]:
    """(title, subtitle) per feature: the name in ``lang`` and, where the layer has it, in the other."""
    zh = layer.column("name_zh") if "name_zh" in layer.frame else layer.names.astype(object)
    en = layer.column("name_en")
    first, second = (zh, en) if lang == "zh" else (en, zh)
    title = first.where(first.notna(), second.where(second.notna(), layer.labels))
    return title, second.where(second.notna() & (second != title), None)


def boundary_text(source: object, words: dict) -> str:
    """What a popup says of a boundary: schematic only where its source says so, else the source, else unknown."""
    value = text(source)
    if value is None:
        return words["unknown"]
    return words["schematic"] if value.lower().startswith("schematic") else value


def sources_text(cited: object) -> str | None:
    """Source ids as a reader knows them (the example's sources.json); ids it does not hold as they are."""
    if cited is None or (not isinstance(cited, (list, tuple, np.ndarray)) and pd.isna(cited)):
        return None
    return cite([str(c) for c in np.atleast_1d(cited)], known_sources()) or None


@cache
def known_sources() -> dict:
    return load_sources(paths.SOURCES) if paths.SOURCES.exists() else {}


def own_fields(layer: Layer) -> list[str]:
    """A user's fields worth a popup row: not the ones already shown as name, id or area."""
    roles = layer.roles
    shown = {roles.id, roles.name, roles.declared, "name_zh", "name_en", LABEL, layer.frame.geometry.name}
    shown |= {"sources", "source", "geometry_source", "accuracy_m"} | _EXAMPLE_FIELDS
    return [c for c in layer.frame.columns if c not in shown][:MAX_OWN_FIELDS]


def field_header(field: str, words: dict) -> str:
    """A popup row's label: the example's fields in the map's language, a user's by their own name."""
    return words[_FIELD_WORDS[field]] if field in _FIELD_WORDS else str(field)


@dataclass(frozen=True)
class Palette:
    """Display names and colours of a point layer's groups (clusters, categories, industries)."""

    values: list[str]
    labels: dict[str, str]
    colors: dict[str, str]

    @classmethod
    def of(cls, layer: Layer, known: dict[str, dict], label: Callable[[str, dict], str]) -> Palette:
        """Groups present in ``layer``; those ``known`` does not name get their own name and a spare colour."""
        values = sorted(set(layer.column(layer.roles.group).dropna().astype(str)))
        spare = itertools.cycle(POINT_COLORS)
        colors = {v: known[v]["color"] if v in known else next(spare) for v in values}
        return cls(values, {k: label(k, v) for k, v in known.items()}, colors)

    def label(self, value: str) -> str:
        return self.labels.get(value, str(value))

    def legend(self) -> list[dict]:
        return [{"color": self.colors[v], "label": self.label(v)} for v in self.values]


def point_palettes(layers: LayerSet, lang: str) -> dict[str, Palette | None]:
    """Group names and colours of each point layer; the example's come from its vocabulary."""
    known = vocabulary() if layers.example else {"clusters": {}, "categories": {}}
    return {
        "enterprises": Palette.of(layers.enterprises, known["clusters"], lambda k, v: k if lang == "zh" else v["en"])
        if layers.enterprises
        else None,
        "landmarks": Palette.of(
            layers.landmarks, known["categories"], lambda k, v: v["zh"] if lang == "zh" else v["en"]
        )
        if layers.landmarks
        else None,
    }


def zone_colors(layers: LayerSet) -> list[str]:
    """Each zone's colour: the example's own, else the zones' family in turn."""
    colors = vocabulary().get("zone_colors", {}) if layers.example else {}
    ids = layers.zones.ids if layers.zones is not None else []
    return [colors.get(zone_id, ZONE_COLORS[i % len(ZONE_COLORS)]) for i, zone_id in enumerate(ids)]


def unit_label(unit: str, words: dict) -> str:
    """A unit as the map shows it: 亩 (or mu) in the map's language, the others by symbol."""
    return words["mu"] if unit == "mu" else UNIT_LABELS[unit]


MAX_PARTS = 6  # parts named in a breakdown; the rest are summed ("and 58 more")


def shares_text(area_m2: np.ndarray, names: pd.Series, whole_m2: float, brief: bool = False) -> str | None:
    """Areas in parts, largest first: "雁峰区 9.27 km² (98.5%)、蒸湘区 0.14 km² (1.5%)"; ``brief``: shares
    only ("雁峰区 98%"). Parts under 0.5% of the whole are left out; past MAX_PARTS, summed."""
    order = [k for k in np.argsort(-area_m2, kind="stable") if area_m2[k] >= 0.005 * whole_m2]
    shown, rest = order[:MAX_PARTS], order[MAX_PARTS:]

    def part(name: str, area: float) -> str:
        share = area / whole_m2
        return f"{name} {share:.0%}" if brief else f"{name} {format_cell(area / M2_PER_KM2)} km² ({share:.1%})"

    parts = [part(str(names.iloc[k]), area_m2[k]) for k in shown]
    if rest:
        parts.append(part(f"+{len(rest)}", float(area_m2[rest].sum())))
    return "、".join(parts) or None


def lookup(ids: pd.Series, layer: Layer | None, lang: str) -> pd.Series:
    """Names in ``lang`` for a column of feature ids (a zone_id, a district_id)."""
    if layer is None:
        return ids
    names = dict(zip(layer.ids, titles(layer, lang)[0]))
    return ids.map(names).where(ids.notna(), None)


def point_columns(layer: Layer, layers: LayerSet, lang: str) -> tuple[pd.DataFrame, list[list]]:
    """A point layer's popup texts as columns, and the card rows that name them.

    A card row is [label, column] or, for a text every point shares, [label, None, text].
    """
    words = LABELS[lang]
    names, subtitles = titles(layer, lang)
    accuracy = pd.to_numeric(layer.column("accuracy_m"), errors="coerce")
    accuracy_texts = {a: accuracy_text(a) for a in accuracy.dropna().unique()}  # format each value once
    columns = {"title": names, "subtitle": subtitles}
    rows: list[list] = []
    for field, header, named_by in (("zone_id", "zone", layers.zones), ("district_id", "district", layers.districts)):
        if field in layer.frame:
            columns[header] = lookup(layer.column(field), named_by, lang)
            rows.append([words[header], header])
    if "description_zh" in layer.frame:
        columns["description"] = layer.column("description_zh")
        rows.append([words["description"], "description"])
    for number, field in enumerate(own_fields(layer)):
        if field != layer.roles.group:
            columns[f"f{number}"] = layer.column(field).map(text, na_action="ignore")
            rows.append([field_header(field, words), f"f{number}"])
    if "sources" in layer.frame:
        columns["sources"] = layer.column("sources").map(sources_text)
        rows.append([words["sources"], "sources"])
    if "source" in layer.frame:
        columns["source"] = layer.column("source")
        rows.append([words["source"], "source"])
    if accuracy_texts:
        columns["accuracy"] = accuracy.map(accuracy_texts)
        rows.append([words["accuracy"], "accuracy"])
    else:
        rows.append([words["accuracy"], None, words["unknown"]])
    return pd.DataFrame(columns, index=layer.frame.index), rows


def stats_table(summary: AreaSummary, layers: LayerSet, lang: str) -> Table:
    """The statistics panel: the table ``geo area`` prints, in the map's language."""
    words = LABELS[lang]
    headers = Headers(
        name=words["name"],
        share=words["share"],
        declared=words["declared"],
        difference=f"{words['difference']} %",
        total=words["total"],
        unit=lambda unit: unit_label(unit, words),
        count=lambda name: words[name],
        show_ids=False,
    )
    table = summary_table(words["stats"], summary, ("km2", "ha", "mu"), headers)
    for row, name in zip(table.rows, titles(layers.zones, lang)[0]):
        row["name"] = name
    breakdown = layers.district_breakdown()
    if breakdown is not None:  # each zone's districts by share: "珠晖区 60%、雁峰区 40%"
        names = lookup(pd.Series(breakdown.classes), layers.districts, lang)
        table.columns.append(Column("by_district", words["by_district"]))
        for row, areas in zip(table.rows, breakdown.class_m2):
            row["by_district"] = shares_text(areas, names, areas.sum() or 1.0, brief=True)
    return table
