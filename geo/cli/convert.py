"""Convert a layer between WGS84, GCJ-02, BD-09 and EPSG systems.

GCJ-02 is what Gaode (AutoNavi) and Tencent maps show, BD-09 is Baidu's,
EPSG:4547 is CGCS2000 Gauss-Kruger at Hengyang. The inverse transforms from
GCJ-02 and BD-09 are iterative (a round trip stays within a millimetre).
The output format follows OUT's extension: .geojson, .gpkg or .kml (any
format pyogrio reads is accepted as input, Shapefile included).
"""

from __future__ import annotations

import click

from geo.cli import options


@click.command(help=__doc__)
@click.argument("source", type=click.Path())
@click.option("-o", "--output", "target", required=True, type=click.Path(dir_okay=False), help="Output file.")
@click.option(
    "--from",
    "from_system",
    required=True,
    metavar="SYSTEM",
    callback=options.coordinate_system,
    help="System of the input: wgs84, gcj02, bd09 or EPSG:<code>.",
)
@click.option(
    "--to",
    "to_system",
    required=True,
    metavar="SYSTEM",
    callback=options.coordinate_system,
    help="System of the output: wgs84, gcj02, bd09 or EPSG:<code>.",
)
@options.repair
@options.reports_errors
def command(source: str, target: str, from_system: str, to_system: str, repair: bool) -> None:
    from geo.convert import convert_layer
    from geo.schema import GEOMETRY_ONLY

    layer = options.read(source, GEOMETRY_ONLY, from_system, repair)  # any layer converts, whatever its properties
    click.echo(convert_layer(layer, target, to_system))
