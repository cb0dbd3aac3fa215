"""The map as a figure for reports: SVG, PDF or PNG with 图名, 图例, 比例尺 and 指北针.

The same layers as geo build (the shipped example when none is given): zones
filled in the map's colours, points by group, districts as context, the
approved boundary of the day, zone names inside the zones; drawn in the
CGCS2000 Gauss-Kruger zone of the zones (UTM outside China) at a round scale,
with a scale bar true on the ground, a north arrow to true north, and a
credits line (--credit, the date, the sources, the coordinate system). Text in
a Chinese font of this machine (--font FILE for another), kept as text; each
part an SVG group with an id; the same inputs give the same bytes. Needs
pip install 'hengyang-geo[figure]'.
"""

from __future__ import annotations

from datetime import date

import click

from geo.cli import options


@click.command(help=__doc__)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help="The figure to write: .svg, .pdf or .png.",
)
@options.layer_set
@click.option("--credit", metavar="TEXT", help="制图单位: who made the figure, on its credits line.")
@click.option("--size", default="A4", show_default=True, help="Paper: A4, A3 or WIDTHxHEIGHT in mm.")
@click.option("--landscape", is_flag=True, help="Turn the paper to landscape.")
@click.option("--dpi", type=click.IntRange(min=50, max=1200), default=300, show_default=True, help="PNG resolution.")
@click.option("--font", type=click.Path(dir_okay=False), metavar="FILE", help="A font file for the text.")
@options.reading
@options.reports_errors
def command(
    out: str,
    zones: str | None,
    landmarks: str | None,
    enterprises: str | None,
    districts: str | None,
    history: str | None,
    title: str | None,
    lang: str,
    credit: str | None,
    size: str,
    landscape: bool,
    dpi: int,
    font: str | None,
    read_options,
) -> None:
    from geo.figure import FigureOptions, build_day, check_format, paper_size, render_figure
    from geo.inputs import load_layers
    from geo.output import refuse_overwriting_inputs

    check_format(out)
    refuse_overwriting_inputs(out, [zones, landmarks, enterprises, districts, history])
    size_mm = paper_size(size, landscape)
    day = read_options.at or build_day()
    layers = load_layers(zones, landmarks, enterprises, districts, read_options.on_day(date.today()), history)
    options.show_warnings(*layers.all())
    figure_options = FigureOptions(lang=lang, title=title, credit=credit, size_mm=size_mm, dpi=dpi, font=font, day=day)
    click.echo(render_figure(layers, figure_options, out))
