"""The declared figures of the Hengyang example against what the layers measure.

Each line: the claim, the declared figure, the measured one, the
difference, a verdict (agrees within its tolerance, disagrees, contradicts
another claim, or recorded when nothing in the layers measures it) and its
sources (in CSV, JSON and Excel the source's own words too). Figures that
contradict each other say which one the layers support; the zone's two
areas, approved and managed, are shown side by side. Disagreements are findings, not errors: the exit status
is 0 unless --strict. With --zones (and --landmarks) the claims are weighed
against those layers instead of the shipped ones: a surveyed boundary, say.
"""

from __future__ import annotations

import sys

import click

from geo.cli import options


@click.command(help=__doc__)
@click.option("--claims", type=click.Path(), help="Claims file [default: the example's claims].")
@click.option("--zones", type=click.Path(), help="Zones layer; its ids name the parts the claims speak of.")
@click.option("--landmarks", type=click.Path(), help="Landmarks layer, for the distances.")
@click.option("--history", type=click.Path(), help="The boundary over time; its version ids are named by claims too.")
@click.option("--measurable", is_flag=True, help="Only the claims the layers can check.")
@click.option("--strict", is_flag=True, help="Exit 1 when any claim disagrees or contradicts another.")
@options.output_format
@options.output_file
@options.reading
@options.reports_errors
def command(
    claims: str | None,
    zones: str | None,
    landmarks: str | None,
    history: str | None,
    measurable: bool,
    strict: bool,
    fmt: str | None,
    out: str | None,
    read_options,
) -> None:
    from geo import paths
    from geo.audit import AGREES, RECORDED, audit, audit_report, concepts, load_claims
    from geo.inputs import load_layers
    from geo.output import refuse_overwriting_inputs
    from geo.sources import load_sources

    refuse_overwriting_inputs(out, [claims, zones, landmarks, history])
    layers = load_layers(zones=zones, landmarks=landmarks, options=read_options, history=history)
    options.show_warnings(*layers.all())
    if layers.zones is None:
        raise click.UsageError("--landmarks and --history need --zones: distances are measured from a zone part")
    polygons = [layers.zones] + ([layers.history.on(read_options.at)] if layers.history else [])
    claim_list = load_claims(claims or paths.CLAIMS)
    findings = audit(claim_list, polygons, layers.landmarks, load_sources(paths.SOURCES))
    area_concepts = concepts(claim_list, findings)
    if measurable:
        findings = [f for f in findings if f.verdict != RECORDED]
    options.write_report(audit_report(findings, area_concepts), fmt, out)
    failed = [f for f in findings if f.verdict not in (AGREES, RECORDED)]
    sys.exit(1 if strict and failed else 0)
