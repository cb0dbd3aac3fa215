"""Convert a layer between coordinate systems: WGS84, GCJ-02, BD-09 and EPSG.

The input is read in its own system (a Shapefile's .prj, a GeoPackage's);
--from is for files that carry none (a table, GeoJSON from a web map, a
Shapefile without .prj), and --override-crs reads a file in another system
than it says, reported. GCJ-02 is what Gaode (AutoNavi) and Tencent maps
show, BD-09 is Baidu's, EPSG:4547 is CGCS2000 Gauss-Kruger at 114°E. The
inverse transforms from GCJ-02 and BD-09 are iterative (a round trip stays
within a millimetre) and output keeps coordinates to better than a
millimetre. The output format follows OUT's extension: .geojson, .gpkg,
.kml, .dxf (CAD: closed polylines, names as TEXT) or .txt (the land office's
coordinate TXT, in a CGCS2000 Gauss-Kruger zone: --to EPSG:4513-4554). Any
format pyogrio reads is accepted as input, CSV or Excel tables of points, a
surveyors' vertex list, a coordinate TXT or a DXF.
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
    metavar="SYSTEM",
    callback=options.coordinate_system,
    help="System of an input that carries none: wgs84, gcj02, bd09 or EPSG:<code> [default: wgs84].",
)
@click.option(
    "--to",
    "to_system",
    required=True,
    metavar="SYSTEM",
    callback=options.coordinate_system,
    help="System of the output: wgs84, gcj02, bd09 or EPSG:<code>.",
)
@options.reading
@options.reports_errors
def command(source: str, target: str, from_system: str | None, to_system: str, read_options) -> None:
    from dataclasses import replace
    from pathlib import Path

    from geo.convert import convert_layer
    from geo.layers import read_layer
    from geo.output import refuse_overwriting_inputs
    from geo.schema import POLYGONAL

    refuse_overwriting_inputs(target, [source])
    if from_system is not None:
        read_options = replace(read_options, input_crs=((None, from_system),), input_option="--from")
    if Path(target).suffix.lower() in (".txt", ".dxf"):  # parcels: of a file of several layers, its polygons
        read_options = replace(read_options, wants=POLYGONAL)
    layer = read_layer(source, None, read_options)  # any layer converts, whatever its properties
    options.show_warnings(layer)
    click.echo(convert_layer(layer, target, to_system))
