"""What the map says, as plain data: titles, popup cards, point columns, statistics, legend.

Nothing here knows folium; ``compose`` puts these into the page. A user's
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
from geo.layers import Layer
from geo.measure import M2_PER_KM2, UNIT_LABELS, UNITS, geodesic_area_m2
from geo.report import Column, Table, format_cell
from geo.sources import cite, load_sources
from geo.webmap.labels import LABELS

# Two families of colour, so that no dot reads as belonging to a zone by its colour:
# zones in blues and violets (hues 190-290), drawn as outlines over a light fill;
# points in reds, oranges, yellows, greens, browns and greys (no hue within 180-300).
ZONE_COLORS = ("#1f4e9c", "#6a3d9a", "#1d91c0", "#8c6bb1", "#253494", "#4a6fe3", "#54278f", "#41b6e6")
POINT_COLORS = ("#d62728", "#ff7f0e", "#2ca02c", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f", "#e6ab02")
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
    shown = {roles.id, roles.name, roles.declared, "name_zh", "name_en", "_label", layer.frame.geometry.name}
    shown |= {"sources", "source", "geometry_source", "accuracy_m"} | _EXAMPLE_FIELDS
    return [c for c in layer.frame.columns if c not in shown][:MAX_OWN_FIELDS]


def field_header(field: str, words: dict) -> str:
    """A popup row's label: the example's fields in the map's language, a user's by their own name."""
    return words[_FIELD_WORDS[field]] if field in _FIELD_WORDS else str(field)


@dataclass(frozen=True)
class Card:
    """A feature's popup: the JSON of ``to_json`` is what ``L.cardLayer`` reads from its properties."""

    title: str
    subtitle: str | None
    rows: list[list]  # [label, text]; a row whose text is None is not shown
    id: str | None = None

    def to_json(self) -> dict:
        return {"title": self.title, "rows": self.rows} | ({"subtitle": self.subtitle} if self.subtitle else {})


@dataclass(frozen=True)
class ColumnCard:
    """The popup of a point layer drawn from columns: rows are [label, column] or [label, None, text]."""

    rows: list[list]
    title: str = "title"  # the columns holding each point's title and subtitle
    subtitle: str = "subtitle"

    def to_json(self) -> dict:
        return {"title": self.title, "subtitle": self.subtitle, "rows": self.rows}


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


def area_text(row: dict, words: dict) -> str:
    return (
        f"{format_cell(row['area_km2'])} km² · {format_cell(row['area_ha'])} ha · "
        f"{format_cell(row['area_mu'])} {words['mu']}"
    )


def unit_label(unit: str, words: dict) -> str:
    """A unit as the map shows it: 亩 (or mu) in the map's language, the others by symbol."""
    return words["mu"] if unit == "mu" else UNIT_LABELS[unit]


def declared_text(value: object, summary: AreaSummary, field: str | None, words: dict) -> str | None:
    """A declared area in the unit its field holds it in, naming the field: "2,179.82 亩 (MJ)"."""
    if value is None or pd.isna(value) or summary.declared_unit is None:
        return None
    unit = unit_label(summary.declared_unit, words)
    named = "" if field in (None, "declared_area_km2") else f" ({field})"
    return f"{format_cell(value)} {unit}{named}"


def zone_cards(layers: LayerSet, summary: AreaSummary, lang: str) -> list[Card]:
    """One popup card per zone: measured and declared areas, what lies inside, where the boundary is from."""
    words = LABELS[lang]
    zones = layers.zones
    names, subtitles = titles(zones, lang)
    extra = own_fields(zones)
    breakdown = layers.district_breakdown()
    district_names = _lookup(pd.Series(breakdown.classes), layers.districts, lang) if breakdown else None
    cards = []
    for i, row in enumerate(summary.rows.to_dict("records")):
        props = zones.frame.iloc[i]
        difference = row.get("difference_pct", np.nan)
        rows = [
            [words["measured"], area_text(row, words)],
            [words["declared"], declared_text(row.get("declared"), summary, zones.roles.declared, words)],
            [words["difference"], None if pd.isna(difference) else f"{format_cell(difference)} %"],
        ]
        rows += [[field_header(field, words), text(props.get(field))] for field in extra]
        rows += [[words[f"{points.name}_inside"], format_cell(int(row[points.name]))] for points in layers.points()]
        if breakdown is not None:
            rows.append([words["by_district"], shares_text(breakdown.class_m2[i], district_names, row["area_m2"])])
        rows.append([words["sources"], sources_text(props.get("sources"))])
        rows += [
            [words["boundary"], boundary_text(props.get("geometry_source"), words)],
            [words["accuracy"], accuracy_text(props.get("accuracy_m")) or words["unknown"]],
        ]
        cards.append(Card(str(names.iloc[i]), text(subtitles.iloc[i]), rows, id=row["id"]))
    return cards


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


def district_cards(layers: LayerSet, lang: str) -> list[Card]:
    """One card per district: its source, and how much of each zone lies inside it."""
    words, layer = LABELS[lang], layers.districts
    names, subtitles = titles(layer, lang)
    breakdown = layers.district_breakdown()
    district_m2 = geodesic_area_m2(layer.frame.geometry.to_numpy())
    cards = []
    for i, (t, s, src, a) in enumerate(zip(names, subtitles, layer.column("source"), layer.column("accuracy_m"))):
        rows = [
            [words["sources"], sources_text(layer.column("sources").iloc[i])],
            [words["source"], text(src) or words["unknown"]],
            [words["accuracy"], accuracy_text(a)],
        ]
        if breakdown is not None:
            column = breakdown.class_m2[:, breakdown.classes.index(layer.ids.iloc[i])]
            zone_names = titles(layers.zones, lang)[0]
            rows.insert(0, [words["zones_inside"], shares_text(column, zone_names, district_m2[i])])
        cards.append(Card(str(t), text(s), rows))
    return cards


def history_cards(layer: Layer, lang: str) -> list[Card]:
    """One popup card per version of the boundary: when it held, its status, area and sources."""
    words = LABELS[lang]
    names, subtitles = titles(layer, lang)
    areas = geodesic_area_m2(layer.frame.geometry.to_numpy())
    cards = []
    for i, props in enumerate(layer.frame.to_dict("records")):
        until = text(props.get("valid_to")) or words["until_now"]
        status = text(props.get("status"))
        declared = props.get("declared_area_ha")
        rows = [
            [words["valid"], f"{text(props.get('valid_from'))} – {until}"],
            [words["status"], words.get(status, status) if status else None],
            [words["measured"], area_text({f"area_{u}": areas[i] / UNITS[u] for u in ("km2", "ha", "mu")}, words)],
            [words["declared"], None if declared is None or pd.isna(declared) else f"{format_cell(declared)} ha"],
            [words["sources"], sources_text(props.get("sources"))],
            [words["date_basis"], text(props.get("date_basis"))],
            [words["boundary"], boundary_text(props.get("geometry_source"), words)],
            [words["accuracy"], accuracy_text(props.get("accuracy_m")) or words["unknown"]],
        ]
        cards.append(Card(str(names.iloc[i]), text(subtitles.iloc[i]), rows, id=str(layer.ids.iloc[i])))
    return cards


def _lookup(ids: pd.Series, layer: Layer | None, lang: str) -> pd.Series:
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
    for field, header, lookup in (("zone_id", "zone", layers.zones), ("district_id", "district", layers.districts)):
        if field in layer.frame:
            columns[header] = _lookup(layer.column(field), lookup, lang)
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
        names = _lookup(pd.Series(breakdown.classes), layers.districts, lang)
        table.columns.append(Column("by_district", words["by_district"]))
        for row, areas in zip(table.rows, breakdown.class_m2):
            row["by_district"] = shares_text(areas, names, areas.sum() or 1.0, brief=True)
    return table
