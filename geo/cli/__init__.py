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
    "validate": "Check layers against their kind's schema and geometry rules.",
    "area": "Geodesic area of each feature, in km2, ha and mu.",
    "audit": "The seed's declared figures against what the layers measure.",
    "build": "Compose the layers into one self-contained HTML map.",
    "convert": "Convert a layer between WGS84, GCJ-02, BD-09 and EPSG systems.",
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
    """Maps and area statistics for the Hengyang National High-tech Zone.

    衡阳国家高新技术产业开发区: zone boundaries, landmarks and enterprises as
    GeoJSON layers, composed into an interactive map, measured on the ellipsoid.
    """
