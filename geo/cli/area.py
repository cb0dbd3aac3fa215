"""Geodesic area of each feature, in km2, ha and mu, with its share and the totals.

Areas are measured on the WGS84 ellipsoid (pyproj.Geod), whatever the input's
coordinate system: never in degrees or Web Mercator. Where a feature declares
an area (declared_area_km2), the difference is shown beside it. With no
LAYER, measures the shipped zones and counts the shipped landmarks and
enterprises inside each.
"""

from __future__ import annotations

import click

from geo.cli import options

UNIT_CHOICES = ["km2", "ha", "mu", "m2"]


@click.command(help=__doc__)
@click.argument("layers", nargs=-1, type=click.Path())
@click.option(
    "--units",
    default="km2,ha,mu",
    show_default=True,
    help="Comma-separated area units to show: km2, ha, mu (亩), m2.",
)
@click.option("--by", "by", metavar="FIELD", help="Group features by this property and sum.")
@click.option(
    "--count",
    "count_layers",
    multiple=True,
    type=click.Path(),
    metavar="LAYER",
    help="Count this point layer's features inside each polygon (repeatable). "
    "Default with no LAYER: the shipped landmarks and enterprises.",
)
@options.output_format
@options.input_crs
@options.repair
@options.reports_errors
def command(
    layers: tuple[str, ...],
    units: str,
    by: str | None,
    count_layers: tuple[str, ...],
    fmt: str,
    input_crs: str | None,
    repair: bool,
) -> None:
    from geo import paths
    from geo.areas import summarise_areas
    from geo.areas_report import render_summary
    from geo.schema import GEOMETRY_ONLY

    chosen = [u.strip() for u in units.split(",") if u.strip()]
    unknown = [u for u in chosen if u not in UNIT_CHOICES]
    if unknown or not chosen:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'none'}: choose from {', '.join(UNIT_CHOICES)}", param_hint="--units"
        )
    if not layers:
        layers = (str(paths.ZONES),)
        count_layers = count_layers or (str(paths.LANDMARKS), str(paths.ENTERPRISES))
    # Areas and counts need valid geometry only, not a kind's properties.
    points = [options.read(p, GEOMETRY_ONLY) for p in count_layers]
    summaries = [
        (path, summarise_areas(options.read(path, GEOMETRY_ONLY, input_crs, repair), by=by, point_layers=points))
        for path in layers
    ]
    click.echo(render_summary(summaries, fmt, chosen))
