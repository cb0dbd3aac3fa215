"""Ellipsoidal area of each feature, in km2, ha and mu, with its share and the declared figure.

Areas are measured on the ellipsoid whatever the input's coordinate system,
never in degrees or Web Mercator: geodesic edges on WGS84 (as pyproj.Geod), or
with --method survey the official method of China's land surveys (CGCS2000,
edges straight in longitude and latitude: a survey layer's TBMJ). Names, ids
and declared areas come from the layer's own fields (--name-field, --id-field,
--declared-field, else the usual names, reported). --overlay breaks each zone
down by the classes of another layer (--by), here or on a dask cluster
(--engine dask). --level rolls 三调 land-use codes (DLBM) up to 一级类 or
三大类 by the shipped code table or your own (--classes). With no LAYER, measures the shipped Hengyang example,
counting its landmarks and enterprises inside each part; -o writes the table
to a file (.csv, .xlsx, .json, .md).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

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
@click.option(
    "--by",
    "by",
    metavar="FIELD",
    help="Group features by this property and sum; with --overlay, the overlay's field to break each zone down by.",
)
@click.option(
    "--level",
    metavar="LEVEL",
    help="Roll the --by field's 三调 land-use codes up: second (二级类, as coded), first (一级类) or "
    "major (三大类: 农用地, 建设用地, 未利用地).",
)
@click.option(
    "--classes",
    "classes_file",
    type=click.Path(),
    metavar="FILE",
    help="--level: your own code table (CSV or Excel: code, name, first, major) in place of the shipped 三调 one.",
)
@click.option(
    "--overlay",
    type=click.Path(),
    metavar="LAYER",
    help="For each zone, the area of each class (--by) of this layer inside it: land use, districts ...",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where --overlay runs: this process, or a dask cluster (pip install 'hengyang-geo[dask]').",
)
@click.option("--workers", type=click.IntRange(min=1), help="--engine dask: start a local cluster of N workers [2].")
@click.option("--scheduler", metavar="ADDRESS", help="--engine dask: use a running cluster (tcp://host:8786).")
@options.area_method
@click.option(
    "--count",
    "count_layers",
    multiple=True,
    type=click.Path(),
    metavar="LAYER",
    help="Count this point layer's features (GeoJSON, Shapefile, CSV or Excel) inside each polygon (repeatable).",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="With --overlay: also draw each zone's breakdown as stacked bars (.svg, .pdf or .png; needs [figure]).",
)
@options.output_format
@options.output_file
@options.reading
@options.reports_errors
def command(
    layers: tuple[str, ...],
    units: str,
    by: str | None,
    level: str | None,
    classes_file: str | None,
    overlay: str | None,
    engine: str,
    workers: int | None,
    scheduler: str | None,
    method: str,
    count_layers: tuple[str, ...],
    chart: str | None,
    fmt: str | None,
    out: str | None,
    read_options,
) -> None:
    from geo import paths
    from geo.areas import summarise_areas
    from geo.areas_report import area_report, overlay_report
    from geo.inputs import load_layers
    from geo.landuse import class_table, level_of, roll_up
    from geo.layers import read_layer
    from geo.output import refuse_overwriting_inputs
    from geo.overlay import overlay_areas, search_boxes
    from geo.schema import POINT, POLYGONAL

    refuse_overwriting_inputs(out, [*layers, *count_layers, overlay])
    refuse_overwriting_inputs(chart, [*layers, *count_layers, overlay])
    if chart is not None:
        from geo.figure import check_format, require_matplotlib

        if overlay is None:
            raise click.UsageError("--chart draws an --overlay's breakdown: give --overlay LAYER --by FIELD")
        check_format(chart)
        require_matplotlib()

    chosen = [u.strip() for u in units.split(",") if u.strip()]
    unknown = [u for u in chosen if u not in UNIT_CHOICES]
    if unknown or not chosen:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'none'}: choose from {', '.join(UNIT_CHOICES)}", param_hint="--units"
        )
    if level is None and classes_file is not None:
        raise click.UsageError("--classes is the code table --level rolls codes up by: give --level too")
    if level is not None and by is None:
        raise click.UsageError("--level rolls up the codes of a field: give --by FIELD (DLBM)")
    rolling = (level_of(level), class_table(classes_file)) if level is not None else None
    if count_layers and not layers:
        raise click.UsageError("--count counts points inside a polygon LAYER: give one")
    read_options = read_options.on_day(date.today())  # versions that stood side by side
    if layers:
        polygons = [read_layer(path, None, replace(read_options, wants=POLYGONAL)) for path in layers]
        points = [read_layer(path, None, replace(read_options, wants=POINT)) for path in count_layers]
    else:
        example = load_layers()
        polygons, points = [example.zones], example.points()
    options.show_warnings(*polygons, *points)
    if overlay is not None:
        if by is None:
            raise click.UsageError("--overlay breaks each zone down by a field of the overlay: give --by FIELD")
        if engine == "dask":
            found = _on_dask(polygons, overlay, by, method, workers, scheduler, rolling)
        else:
            near = search_boxes(polygons, method)
            reading = replace(read_options, columns=(by,), near=near, wants=POLYGONAL)
            classes = read_layer(overlay, None, reading, checked=False)
            options.show_warnings(classes)
            if rolling:
                options.show_problems(roll_up(classes, by, *rolling))
            found = [
                (paths.display(z.path), overlay_areas(z, classes, by, method, read_options.repair)) for z in polygons
            ]
        for _, summary in found:
            options.show_problems(summary.notes)
        options.write_report(overlay_report(found, chosen), fmt, out)
        if chart is not None:
            from geo.chart import render_chart

            click.echo(render_chart(found, chart), err=out is None)
        options.finish()
        return
    if rolling:
        for layer in polygons:
            options.show_problems(roll_up(layer, by, *rolling))
    summaries = [
        (paths.display(layer.path), summarise_areas(layer, by=by, point_layers=points, method=method))
        for layer in polygons
    ]
    for _, summary in summaries:
        options.show_problems(summary.notes)
    options.write_report(area_report(summaries, chosen), fmt, out)
    options.finish()


def _on_dask(polygons, overlay: str, by: str, method: str, workers: int | None, scheduler: str | None, rolling) -> list:
    """The overlay computed on a dask cluster, local or running; progress on a terminal."""
    import sys

    from geo import paths
    from geo.overlay_dask import connect, overlay_areas_dask

    client = connect(workers, scheduler)
    try:
        return [
            (
                paths.display(z.path),
                overlay_areas_dask(z, overlay, by, method, client, progress=sys.stderr.isatty(), rolling=rolling),
            )
            for z in polygons
        ]
    finally:
        client.close()
