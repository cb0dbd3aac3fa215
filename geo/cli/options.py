"""Options and error handling shared by every subcommand, and the one way results are written."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
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


def _input_systems(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple:
    """``SYSTEM`` for every file without one, or ``FILE=SYSTEM`` for one file."""
    parsed = []
    for value in values:
        target, _, system = value.rpartition("=")
        parsed.append((target or None, coordinate_system(ctx, param, system)))
    return tuple(parsed)


def _text_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An encoding's name as Python knows it (latin-1 as iso8859-1, which GDAL knows too)."""
    if value is None:
        return None
    import codecs

    try:
        return codecs.lookup(value).name
    except LookupError:
        raise click.BadParameter(f"{value!r} is not an encoding (GBK, GB18030, UTF-8, Big5 ...)") from None


_READING_OPTIONS = [
    click.option(
        "--input-crs",
        multiple=True,
        metavar="[FILE=]SYSTEM",
        callback=_input_systems,
        help="System of input files that carry none (tables, Shapefiles without .prj, GeoJSON from web maps): "
        "wgs84, gcj02 (Gaode, Tencent), bd09 (Baidu) or EPSG:<code> (EPSG:4547: CGCS2000 Gauss-Kruger, 114°E). "
        "FILE=SYSTEM gives one file's; repeatable. A file's own system (.prj, GeoPackage) always wins.",
    ),
    click.option(
        "--override-crs",
        metavar="SYSTEM",
        callback=coordinate_system,
        help="Read every input in SYSTEM even where the file says otherwise (reported): for a .prj that lies.",
    ),
    click.option(
        "--encoding",
        metavar="NAME",
        callback=_text_encoding,
        help="Text encoding of Shapefile attributes (GBK, GB18030, UTF-8 ...) [default: the .cpg, "
        "else UTF-8 if it decodes, else GB18030].",
    ),
    click.option("--id-field", metavar="FIELD", help="Field holding each feature's id [detected: id, BSM, BH ...]."),
    click.option(
        "--name-field", metavar="FIELD", help="Field holding each feature's name [detected: 名称, MC, NAME ...]."
    ),
    click.option(
        "--declared-field",
        metavar="FIELD",
        help="Field holding each feature's declared area, compared with the measured one [detected: MJ, 面积 ...].",
    ),
    click.option(
        "--declared-unit",
        type=click.Choice(["m2", "ha", "mu", "km2"]),
        help="Unit of --declared-field [default: the unit that matches the measured areas, reported].",
    ),
    click.option("--lon-field", metavar="COLUMN", help="A table's longitude column [detected: 经度, lon, lng, x ...]."),
    click.option("--lat-field", metavar="COLUMN", help="A table's latitude column [detected: 纬度, lat, y ...]."),
    click.option("--skip-bad-rows", is_flag=True, help="Skip table rows without readable coordinates, reporting each."),
    click.option(
        "--parcel-field",
        metavar="COLUMN",
        help="A surveyors' vertex list's parcel key: its rows are joined into one polygon per key "
        "[detected: 地块编号, 地块名称 ... with 点号].",
    ),
    click.option("--order-field", metavar="COLUMN", help="A vertex list's point number [detected: 点号, 序号 ...]."),
    click.option(
        "--swap-xy",
        is_flag=True,
        help="X holds the northing, as Chinese surveyors write it [detected where a projected system shows it].",
    ),
    click.option(
        "--repair",
        is_flag=True,
        help="Fix invalid polygons with shapely's make_valid, reporting each fix with its area before and after.",
    ),
    click.option(
        "--at",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        metavar="DATE",
        help="A layer with valid_from/valid_to: only the versions valid on this day (YYYY-MM-DD) "
        "[area, build: today; others: every version].",
    ),
]
# Each reading option is declared once, above: its parameter's name is the ReadOptions field (or
# the FieldChoice field, for the four that choose fields) it fills.
# A click option is a decorator: applied to a stand-in, it tells the name of its parameter.
READING_FIELDS = [option(lambda: None).__click_params__[0].name for option in _READING_OPTIONS]
_FIELD_CHOICE = {"id_field": "id", "name_field": "name", "declared_field": "declared", "declared_unit": "declared_unit"}


def read_options(given: dict[str, Any]) -> Any:
    """The ReadOptions that the reading options' values say."""
    from geo.fields import FieldChoice
    from geo.reading import ReadOptions

    choice = FieldChoice(**{field: given.pop(name) for name, field in _FIELD_CHOICE.items()})
    at = given.pop("at")
    return ReadOptions(**given, fields=choice, at=at.date() if at else None)


def reading(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say how input files are read, handed to the command as one ``read_options``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs["read_options"] = read_options({name: kwargs.pop(name) for name in READING_FIELDS})
        return command(*args, **kwargs)

    for option in reversed(_READING_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


def show_warnings(*layers: Any) -> None:
    """Each layer's warnings and notes on stderr: a repair or a guess is never silent."""
    for layer in layers:
        if layer is not None:
            show_problems(layer.warnings)


def show_problems(problems: Any) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


debug = click.option("--debug", is_flag=True, help="Show a traceback for unexpected errors.")

FORMATS = ["table", "csv", "json", "markdown", "xlsx"]
_SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".md": "markdown", ".xlsx": "xlsx", ".txt": "table"}

area_method = click.option(
    "--method",
    type=click.Choice(["geodesic", "survey"]),
    default="geodesic",
    show_default=True,
    help="geodesic: WGS84, edges geodesics; survey: China's land-survey ellipsoidal area (CGCS2000, "
    "edges straight in longitude and latitude), the figure of a survey layer's TBMJ.",
)

output_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format [default: from -o's extension, else table]. xlsx needs -o.",
)


def output_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-o/--output FILE``, handed to the command as ``out``; ``help`` says what is written there."""
    return click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None, help=help)


output_file = output_option(
    "Write to this file (atomically) instead of the terminal. CSV gets a BOM so that Excel reads Chinese."
)


_LAYER_OPTIONS = [
    click.option("--zones", type=click.Path(), help="Zones layer (polygons): measured, with a statistics panel."),
    click.option("--landmarks", type=click.Path(), help="Landmarks layer (points, or a table of them)."),
    click.option("--enterprises", type=click.Path(), help="Enterprises layer (points, or a CSV/Excel firm list)."),
    click.option("--districts", type=click.Path(), help="Districts layer shown as context."),
    click.option(
        "--history",
        type=click.Path(),
        help="The boundary over time (polygons with valid_from/valid_to): an overlay with a time slider.",
    ),
    click.option("--title", help="The title [default: the example's name, or the first layer's file name]."),
    click.option(
        "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the labels."
    ),
]


def layer_set(command: Callable[..., Any]) -> Callable[..., Any]:
    """The layers a map or a figure is made of (--zones ... --history), with its --title and --lang."""
    for option in reversed(_LAYER_OPTIONS):
        command = option(command)
    return command


def write_report(report: Any, fmt: str | None, out: str | None) -> None:
    """The one output path: a report rendered in its format, to the terminal or to a file."""
    from geo.output import write_bytes, write_text

    fmt = fmt or (_SUFFIX_FORMATS.get(Path(out).suffix.lower(), "table") if out else "table")
    if fmt == "xlsx":
        if out is None:
            raise click.UsageError("--format xlsx writes a workbook: give -o FILE.xlsx")
        click.echo(write_bytes(out, report.xlsx()))
        return
    text = report.render(fmt)
    if out is None:
        click.echo(text)
    else:
        # Excel opens a UTF-8 CSV as UTF-8 only when it starts with a BOM.
        click.echo(write_text(out, ("\ufeff" if fmt == "csv" else "") + text + "\n"))


_is_program = False  # this process is the geo program itself, not a program calling the command line


def as_program() -> None:
    """Say that this process is the ``geo`` program (the console script, ``python -m geo``)."""
    global _is_program
    _is_program = True


def finish() -> None:
    """End the ``geo`` program at once, its output written: what the command read is left for the
    operating system to take back, as mypy ends, instead of freed one object at a time (0.3 s for
    a million parcels). Where the command line runs inside another program (the tests' CliRunner,
    a notebook) this returns as usual."""
    if _is_program:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into one line each on stderr and exit 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, debug: bool = False, **kwargs: Any) -> Any:
        from geo.errors import GeoError
        from geo.problems import InputError

        try:
            return command(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except (GeoError, OSError, RecursionError, MemoryError) as exc:
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
    from geo.problems import clipped

    text = str(exc).strip().splitlines()
    return clipped(text[0]) if text else type(exc).__name__
