"""What a file holds: layers, features, geometry, coordinate system, fields, encoding.

For each layer of FILE (a Shapefile, GeoPackage, File Geodatabase, KML/KMZ,
DXF, GeoJSON, CSV or Excel; FILE|layername=NAME for one of several): how many
features, which geometry types, the coordinate system it is read in (or, where
it states none, what its numbers look like: the likely EPSG codes), its fields
with the id, name and declared-area roles found among them, and the text
encoding chosen. Look before you measure. -o writes it (.csv, .xlsx, .json, .md).
"""

from __future__ import annotations

import click

from geo.cli import options


@click.command(help=__doc__)
@click.argument("source", metavar="FILE")
@options.output_format
@options.output_file
@options.reading
@options.reports_errors
def command(source: str, fmt: str | None, out: str | None, read_options) -> None:
    from geo.info import file_info
    from geo.io.datasets import split_source
    from geo.problems import InputError, Problem

    if not split_source(source)[0].exists():
        raise InputError([Problem(source, "no such file")])
    options.write_report(file_info(source, read_options), fmt, out)
