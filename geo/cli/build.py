"""Compose the layers into one self-contained HTML map.

Zones, landmarks (by category), enterprises (by industry) and districts as
context, each an overlay in the layer control; the boundary over time
(--history, the example's approved area since 1994) with a slider of years; popups with declared and
measured areas and the layer's own fields; an area-statistics panel, a
legend, search, scale bar, fullscreen and a measure tool. Every script and
stylesheet is inlined (--cdn links them instead), every text from a layer is
shown as text, the same input gives the same bytes, and the file is replaced
only once it is complete. With no layer given, the map of the shipped
Hengyang example; once any layer is given, only the layers given. With
--evaluation PARCELS, each zone's land evaluation indicators in its popup and
the parcels coloured by current use (DLDM).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import click

from geo.cli import options


@click.command(help=__doc__)
@options.output_option("Where to write the map [default: build/map.html].")
@options.layer_set
@click.option(
    "--evaluation",
    type=click.Path(),
    metavar="PARCELS",
    help="The land evaluation's parcels (coded DLDM ...): each zone's indicators in its popup, the parcels by "
    "current use.",
)
@click.option(
    "--cluster-above",
    type=click.IntRange(min=0),
    default=2000,
    show_default=True,
    help="Cluster a point layer's markers when it has more points than this.",
)
@click.option("--no-cluster", is_flag=True, help="Never cluster: draw every point.")
@click.option(
    "--simplify",
    "simplify_m",
    type=click.FloatRange(min=0),
    default=0.0,
    metavar="METRES",
    help="Simplify polygons for display (shared edges stay shared); areas are measured on the originals.",
)
@click.option(
    "--tianditu-key",
    envvar="TIANDITU_KEY",
    default=None,
    help="Tianditu key (or $TIANDITU_KEY): adds Tianditu's vector and imagery base layers. "
    "It is written into the page.",
)
@click.option(
    "--cdn",
    is_flag=True,
    help="Link Leaflet and plugins from their CDNs instead of inlining them (smaller file, needs the network).",
)
@options.reading
@options.reports_errors
def command(
    out: str | None,
    zones: str | None,
    landmarks: str | None,
    enterprises: str | None,
    districts: str | None,
    history: str | None,
    evaluation: str | None,
    title: str | None,
    lang: str,
    cluster_above: int,
    no_cluster: bool,
    simplify_m: float,
    cdn: bool,
    tianditu_key: str | None,
    read_options,
) -> None:
    from geo import paths
    from geo.inputs import load_layers
    from geo.layers import read_layer
    from geo.output import refuse_overwriting_inputs
    from geo.schema import POLYGONAL
    from geo.webmap.compose import MapOptions
    from geo.webmap.webpage import build_map

    refuse_overwriting_inputs(out or paths.DEFAULT_MAP, [zones, landmarks, enterprises, districts, history, evaluation])
    at = read_options.at
    layers = load_layers(zones, landmarks, enterprises, districts, read_options.on_day(date.today()), history)
    if evaluation is not None:
        layers.evaluation = read_layer(evaluation, None, replace(read_options, wants=POLYGONAL))
        options.show_problems(layers.zone_evaluation().notes)
    options.show_warnings(*layers.all())
    if layers.zones is not None:
        options.show_problems(layers.zone_summary().notes)
    map_options = MapOptions(
        lang=lang,
        title=title,
        tianditu_key=tianditu_key,
        cluster_above=None if no_cluster else cluster_above,
        simplify_m=simplify_m,
        at=at,
    )
    click.echo(build_map(out or paths.DEFAULT_MAP, layers, map_options, cdn=cdn))
