"""The annual land evaluation (开发区土地集约利用评价): each zone's indicators.

From the evaluation's parcel layer (--parcels: each 宗地 coded DLDM 现状地类,
GYDM 供应状况, XZDM 闲置, GXDM 高新技术产业, with JZMJ, JZJDMJ, GDZCTZZE,
GYSSZE, ESCYSSZE, CZRK): 土地开发率, 供应率, 建成率, 工业用地率,
高新技术产业用地率, 闲置率, 综合容积率, 建筑密度, the industrial land's 容积率,
建筑系数, 投入强度 and 地均税收, 综合地均税收 and 人口密度, each with what it was
computed from, and the land-use status table by code. A parcel across a zone's boundary
counts by its area inside, its attributes prorated. --field ROLE=NAME names a
field of another name. From the land survey alone (--landuse DLTB, 三调 DLBM
codes): the 三大类 and 一级类 areas and the current industrial land rate. With no
ZONES, the shipped example's zones. Table, CSV, Markdown, JSON or an Excel
workbook (-o FILE.xlsx).
"""

from __future__ import annotations

from dataclasses import replace

import click

from geo.cli import options


def _roles(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    given = {}
    for value in values:
        role, sep, name = value.partition("=")
        if not sep or not role.strip() or not name.strip():
            raise click.BadParameter(f"{value}: give ROLE=NAME (DLDM=地类代码)", param=param)
        given[role.strip().upper()] = name.strip()
    return given


@click.command(help=__doc__)
@click.argument("zones", required=False, type=click.Path())
@click.option(
    "--parcels", type=click.Path(), metavar="LAYER", help="The evaluation's parcel layer (宗地, coded DLDM ...)."
)
@click.option(
    "--landuse", type=click.Path(), metavar="LAYER", help="The land survey's parcels (三调 DLTB, DLBM codes)."
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    callback=_roles,
    metavar="ROLE=NAME",
    help="The layer's field for a role (DLDM, GYDM, XZDM, GXDM, JZMJ, JZJDMJ, GDZCTZZE, GYSSZE, ESCYSSZE, CZRK; "
    "with --landuse, DLBM); repeatable.",
)
@options.area_method
@options.output_format
@options.output_file
@options.reading
@options.reports_errors
def command(
    zones: str | None,
    parcels: str | None,
    landuse: str | None,
    fields: dict[str, str],
    method: str,
    fmt: str | None,
    out: str | None,
    read_options,
) -> None:
    from geo import paths
    from geo.evaluation import evaluate, evaluate_landuse, evaluation_report
    from geo.inputs import load_layers
    from geo.layers import read_layer
    from geo.output import refuse_overwriting_inputs
    from geo.schema import POLYGONAL

    if (parcels is None) == (landuse is None):
        raise click.UsageError("give the evaluation's parcels (--parcels LAYER) or the land survey (--landuse LAYER)")
    refuse_overwriting_inputs(out, [zones, parcels, landuse])
    polygons = replace(read_options, wants=POLYGONAL)
    zone_layer = read_layer(zones, None, polygons) if zones else load_layers().zones
    layer = read_layer(parcels or landuse, None, polygons)
    options.show_warnings(zone_layer, layer)
    if parcels is not None:
        found = evaluate(zone_layer, layer, fields, method)
    else:
        found = evaluate_landuse(zone_layer, layer, fields.get("DLBM", "DLBM"), method)
    options.show_problems(found.notes)
    options.write_report(evaluation_report(found, paths.display(layer.path)), fmt, out)
    options.finish()
