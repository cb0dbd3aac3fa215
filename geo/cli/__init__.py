"""The ``geo`` command line: a thin shell over the library.

Each subcommand lives in its own module, imported only when it runs, so that
``geo --help`` answers without loading geopandas or folium. A module's
docstring is its help text; shared options are in ``options.py``.
"""

from __future__ import annotations

import importlib

import click

from geo import __version__

SUBCOMMANDS = {
    "info": "What a file holds: layers, features, geometry, coordinate system, fields, encoding.",
    "validate": "Check layers: geometry, coordinates, ids, and with --kind the example's schema.",
    "area": "Ellipsoidal area of each feature, in km2, ha and mu, with its share and the declared figure.",
    "audit": "The declared figures of the Hengyang example against what the layers measure.",
    "evaluate": "The annual land evaluation (开发区土地集约利用评价): each zone's indicators.",
    "build": "Compose the layers into one self-contained HTML map.",
    "figure": "The map as a figure for reports: SVG, PDF or PNG with 图名, 图例, 比例尺 and 指北针.",
    "convert": "Convert a layer between coordinate systems: WGS84, GCJ-02, BD-09 and EPSG.",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        return importlib.import_module(f"geo.cli.{name}").command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl(list(SUBCOMMANDS.items()))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geo")
def main() -> None:
    """Maps and area statistics for development zones in China.

    Zone boundaries, landmarks and enterprises from Shapefile, GeoPackage,
    GeoJSON, CSV or Excel, in any coordinate system, measured on the ellipsoid
    and composed into one interactive map. With no layer given, every command
    works on the shipped example: 衡阳国家高新技术产业开发区.
    """
    from geo import console

    console.make_safe()


def run() -> None:
    """The ``geo`` program: the console script and ``python -m geo``."""
    from geo.cli import options

    options.as_program()
    main(prog_name="geo")
