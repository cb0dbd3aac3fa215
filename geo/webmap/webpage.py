"""The page: the composed map rendered to one self-contained HTML file, the same bytes for the same input."""

from __future__ import annotations

import itertools
from pathlib import Path

from branca.element import Figure

from geo.inputs import LayerSet
from geo.memory import collector_paused
from geo.output import write_text
from geo.problems import InputError, Problem
from geo.webmap.assets import inline_assets
from geo.webmap.compose import MapOptions, compose_map


def _number_elements(figure: Figure) -> None:
    """Give every element a sequential id instead of a random one: same input, same bytes."""
    counter = itertools.count()

    def walk(element) -> None:
        element._id = f"{next(counter):05d}"
        for child in list(element._children.values()):
            walk(child)

    walk(figure)


def render_map(figure: Figure, cdn: bool = False) -> str:
    """The page's HTML: self-contained unless ``cdn``; identical for identical input."""
    _number_elements(figure)
    html = figure.render()
    return html if cdn else inline_assets(html)


def build_map(out: str | Path, layers: LayerSet, options: MapOptions | None = None, cdn: bool = False) -> Path:
    """Compose, render and write the map atomically; return its path. A layer with no feature (an
    empty file, or no version on the day chosen) is refused: the map would have nothing to show of it."""
    empty = [Problem(str(layer.path), "has no features to draw") for layer in layers.all() if len(layer.frame) == 0]
    if empty:
        raise InputError(empty)
    with collector_paused():
        html = render_map(compose_map(layers, options or MapOptions()), cdn=cdn)
    return write_text(out, html)
