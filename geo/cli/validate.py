"""Check layers: geometry, coordinates, ids, and with --kind the example's schema.

Any layer is checked for what every layer needs: a valid geometry per
feature, coordinates in range (projected ones named, with the likely system),
unique ids of string or number type, one family of geometry types. --kind
also holds it to the Hengyang example's schema for that kind (its required
properties and types); the shipped layers always are. Prints one line per
problem on stderr, naming the file and the feature (or table row), and
"FILE: ok" on stdout for each layer without errors; exits 0 when every layer is
clean, 1 when it found errors (warnings and notes alone pass).
With no LAYER, checks the shipped example.
"""

from __future__ import annotations

import sys

import click

from geo.cli import options

KINDS = ["zones", "landmarks", "enterprises", "districts", "zone_history"]


@click.command(help=__doc__)
@click.argument("layers", nargs=-1, type=click.Path(dir_okay=True))
@click.option("--kind", type=click.Choice(KINDS), help="Check every LAYER against the example's schema of this kind.")
@options.reading
@options.reports_errors
def command(layers: tuple[str, ...], kind: str | None, read_options) -> None:
    from geo import paths
    from geo.layers import check_layer

    targets = layers or tuple(str(path) for path in paths.EXAMPLE_LAYERS.values())
    found_errors = False
    for target in targets:
        problems = check_layer(target, kind, read_options, strict=kind is not None)
        for problem in problems:
            click.echo(str(problem), err=True)
        found_errors |= any(p.is_error for p in problems)
        if not any(p.is_error for p in problems):
            warned = sum(p.severity == "warning" for p in problems)
            click.echo(f"{target}: ok" + (f" ({warned} warning{'s' if warned > 1 else ''}, above)" if warned else ""))
    sys.exit(1 if found_errors else 0)
