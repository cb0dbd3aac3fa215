"""Popup cards, as plain data: a zone's areas and what lies inside it, a district's, a version's.

Nothing here knows folium; ``compose`` puts each card into its feature's properties, the one
format the runtime's ``L.cardLayer`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.areas import AreaSummary
from geo.inputs import LayerSet
from geo.layers import Layer
from geo.measure import UNITS, geodesic_area_m2
from geo.report import format_cell
from geo.webmap.content import (
    accuracy_text,
    boundary_text,
    field_header,
    lookup,
    own_fields,
    shares_text,
    sources_text,
    text,
    titles,
    unit_label,
)
from geo.webmap.labels import LABELS


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


def area_text(row: dict, words: dict) -> str:
    return (
        f"{format_cell(row['area_km2'])} km² · {format_cell(row['area_ha'])} ha · "
        f"{format_cell(row['area_mu'])} {words['mu']}"
    )


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
    district_names = lookup(pd.Series(breakdown.classes), layers.districts, lang) if breakdown else None
    evaluated = layers.zone_evaluation()
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
        if evaluated is not None:
            rows += indicator_rows(evaluated.zones[i].indicators, words)
        rows.append([words["sources"], sources_text(props.get("sources"))])
        rows += [
            [words["boundary"], boundary_text(props.get("geometry_source"), words)],
            [words["accuracy"], accuracy_text(props.get("accuracy_m")) or words["unknown"]],
        ]
        cards.append(Card(str(names.iloc[i]), text(subtitles.iloc[i]), rows, id=row["id"]))
    return cards


def indicator_rows(indicators: dict[str, dict], words: dict) -> list[list]:
    """The land evaluation's indicators as popup rows: 土地开发率 86.18 %; null ones say why."""
    rows = []
    for key, entry in indicators.items():
        unit = "" if entry["unit"] == "–" else f" {entry['unit']}"
        value = entry["value"]
        if value is not None:
            shown = f"{format_cell(value)}{unit}"
        elif entry.get("needs"):
            shown = "– (" + words["needs_field"].format(fields=", ".join(entry["needs"])) + ")"
        else:
            shown = "– (" + words["zero_denominator"] + ")"
        rows.append([entry["name_zh"] if words is LABELS["zh"] else key.replace("_", " "), shown])
    return rows


def evaluation_cards(layer: Layer, codes: pd.Series, supply: str | None, lang: str) -> list[Card]:
    """One card per evaluation parcel: its current use (``codes``, as read), its supply code (the
    field ``supply``, where the layer has one) and its area."""
    from geo.evaluation import land_label

    words = LABELS[lang]
    area_m2 = geodesic_area_m2(layer.frame.geometry.to_numpy())
    supplies = layer.frame[supply] if supply else pd.Series(None, index=layer.frame.index, dtype=object)
    return [
        Card(
            str(label),
            None,
            [
                [words["land_code"], land_label(code)],
                [words["supply"], text(given)],
                [words["measured"], f"{format_cell(m2 / 10_000)} ha"],
            ],
        )
        for label, code, given, m2 in zip(layer.labels, codes, supplies, area_m2)
    ]


def district_cards(layers: LayerSet, lang: str) -> list[Card]:
    """One card per district: its source, and how much of each zone lies inside it."""
    words, layer = LABELS[lang], layers.districts
    names, subtitles = titles(layer, lang)
    breakdown = layers.district_breakdown()
    district_m2 = geodesic_area_m2(layer.frame.geometry.to_numpy())
    zone_names = titles(layers.zones, lang)[0] if breakdown is not None else None
    cards = []
    for i, (t, s, src, a) in enumerate(zip(names, subtitles, layer.column("source"), layer.column("accuracy_m"))):
        rows = [
            [words["sources"], sources_text(layer.column("sources").iloc[i])],
            [words["source"], text(src) or words["unknown"]],
            [words["accuracy"], accuracy_text(a)],
        ]
        if breakdown is not None:
            column = breakdown.class_m2[:, breakdown.classes.index(layer.ids.iloc[i])]
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
