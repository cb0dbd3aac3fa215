"""Options and error handling shared by every subcommand."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click


def coordinate_system(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check a coordinate-system name (a usage error, exit 2, when unknown)."""
    if value is None:
        return None
    from geo.crs import normalise_system

    try:
        return normalise_system(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


input_crs = click.option(
    "--input-crs",
    metavar="SYSTEM",
    default=None,
    callback=coordinate_system,
    help="Coordinates of the input are in SYSTEM: wgs84, gcj02 (Gaode, Tencent), "
    "bd09 (Baidu) or EPSG:<code> (e.g. EPSG:4547, CGCS2000 Gauss-Kruger). "
    "GCJ-02 and BD-09 cannot be told from the numbers: say so here.",
)

repair = click.option(
    "--repair",
    is_flag=True,
    help="Fix invalid polygons with shapely's make_valid, reporting each fix with its area before and after.",
)


def read(path: str, kind: str | None = None, input_crs: str | None = None, repair: bool = False) -> Any:
    """Read a layer for a command, its warnings shown on stderr (a repair is never silent)."""
    from geo.layers import read_layer

    layer = read_layer(path, kind, input_crs, repair)
    show_warnings(layer)
    return layer


def show_warnings(*layers: Any) -> None:
    for layer in layers:
        for problem in layer.warnings:
            click.echo(str(problem), err=True)


debug = click.option("--debug", is_flag=True, help="Show a traceback for unexpected errors.")

output_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "markdown"]),
    default="table",
    show_default=True,
    help="Output format.",
)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn bad input into one line per problem on stderr and exit 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, debug: bool = False, **kwargs: Any) -> Any:
        from geo.problems import InputError

        try:
            return command(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(1)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except (OSError, ValueError, RecursionError, MemoryError) as exc:
            if debug:
                raise
            click.echo(f"error: {_one_line(exc)}", err=True)
            sys.exit(1)
        except Exception as exc:
            if debug:
                raise
            click.echo(
                f"error: unexpected {type(exc).__name__}: {_one_line(exc)} (--debug shows where)",
                err=True,
            )
            sys.exit(1)

    return debug(wrapper)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
