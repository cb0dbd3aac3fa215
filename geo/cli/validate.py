"""Check layers against their kind's schema and geometry rules.

Each LAYER's kind comes from its file name (zones, landmarks, enterprises,
districts) or from --kind; a layer of unknown kind is checked for geometry
only. Prints one line per problem naming the file and the feature; exits 0
when every layer is clean, 1 when it found errors (warnings alone pass).
With no LAYER, checks the shipped layers.
"""

from __future__ import annotations

import sys

import click

from geo.cli import options

KINDS = ["zones", "landmarks", "enterprises", "districts"]


@click.command(help=__doc__)
@click.argument("layers", nargs=-1, type=click.Path(dir_okay=True))
@click.option("--kind", type=click.Choice(KINDS), help="Check every LAYER as this kind.")
@options.input_crs
@options.repair
@options.reports_errors
def command(layers: tuple[str, ...], kind: str | None, input_crs: str | None, repair: bool) -> None:
    from geo import paths
    from geo.layers import check_layer

    targets = layers or tuple(str(paths.LAYERS / f"{k}.geojson") for k in KINDS)
    found_errors = False
    for target in targets:
        problems = check_layer(target, kind, input_crs, repair)
        for problem in problems:
            click.echo(str(problem), err=problem.is_error)
        found_errors |= any(p.is_error for p in problems)
        if not problems:
            click.echo(f"{target}: ok")
    sys.exit(1 if found_errors else 0)
