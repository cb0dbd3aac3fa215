"""The seed's declared figures against what the layers measure.

Each line: the claim, the declared figure, the measured one, the
difference, a verdict (agrees within its tolerance, disagrees, contradicts
another claim, or recorded when nothing in the layers measures it) and the
seed's own words. Disagreements are findings, not errors: the exit status is
0 unless --strict.
"""

from __future__ import annotations

import sys

import click

from geo.cli import options


@click.command(help=__doc__)
@click.option("--claims", type=click.Path(), help="Claims file [default: data/claims.json].")
@click.option("--zones", type=click.Path(), help="Zones layer [default: the shipped one].")
@click.option("--landmarks", type=click.Path(), help="Landmarks layer [default: the shipped one].")
@click.option("--measurable", is_flag=True, help="Only the claims the layers can check.")
@click.option("--strict", is_flag=True, help="Exit 1 when any claim disagrees or contradicts another.")
@options.output_format
@options.input_crs
@options.reports_errors
def command(
    claims: str | None,
    zones: str | None,
    landmarks: str | None,
    measurable: bool,
    strict: bool,
    fmt: str,
    input_crs: str | None,
) -> None:
    from geo import paths, report
    from geo.audit import AGREES, RECORDED, audit, load_claims

    findings = audit(
        load_claims(claims or paths.CLAIMS),
        options.read(zones or paths.ZONES, "zones", input_crs if zones else None),
        options.read(landmarks or paths.LANDMARKS, "landmarks", input_crs if landmarks else None),
    )
    if measurable:
        findings = [f for f in findings if f.verdict != RECORDED]
    if fmt == "json":
        click.echo(report.json_text({"findings": [f.to_dict() for f in findings]}))
    else:
        fields = ["claim", "declared", "measured", "difference_pct", "verdict", "source"]
        headers = ["claim", "declared", "measured", "diff %", "verdict", "seed's words"]
        numeric = [False, True, True, True, False, False]
        rows = [[getattr(f, name) for name in fields] for f in findings]
        if fmt == "csv":
            click.echo(
                report.csv_text(
                    [*fields, "tolerance", "note"],
                    [[*r, f.tolerance, f.note] for r, f in zip(rows, findings, strict=True)],
                )
            )
        elif fmt == "markdown":
            click.echo(report.markdown(headers, rows, numeric))
        else:
            click.echo(report.table(headers, rows, numeric))
    failed = [f for f in findings if f.verdict not in (AGREES, RECORDED)]
    sys.exit(1 if strict and failed else 0)
