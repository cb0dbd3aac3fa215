"""Which layers a command works on: the shipped example, or the user's own, never a mix.

With no layer given, a command works on the Hengyang example, held to its
full schema. Once the user gives any layer, only the user's layers are used:
a shipped landmark is never counted inside a user's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from geo import paths
from geo.areas import AreaSummary, summarise_areas
from geo.layers import Layer, read_layer
from geo.reading import ReadOptions


@dataclass
class LayerSet:
    """The layers of a map or an audit; any may be absent."""

    zones: Layer | None = None
    landmarks: Layer | None = None
    enterprises: Layer | None = None
    districts: Layer | None = None
    example: bool = False  # the shipped Hengyang example: its boundaries are schematic
    _summary: AreaSummary | None = field(default=None, repr=False)

    def all(self) -> list[Layer]:
        return [layer for layer in (self.zones, self.landmarks, self.enterprises, self.districts) if layer]

    def points(self) -> list[Layer]:
        return [layer for layer in (self.landmarks, self.enterprises) if layer]

    def zone_summary(self) -> AreaSummary | None:
        """The zones' areas and the points inside each, measured once for the map and its notes."""
        if self._summary is None and self.zones is not None:
            self._summary = summarise_areas(self.zones, point_layers=self.points())
        return self._summary


def load_layers(
    zones: str | Path | None = None,
    landmarks: str | Path | None = None,
    enterprises: str | Path | None = None,
    districts: str | Path | None = None,
    options: ReadOptions | None = None,
) -> LayerSet:
    """The user's layers, read with ``options``; the whole example when none is given."""
    given = {"zones": zones, "landmarks": landmarks, "enterprises": enterprises, "districts": districts}
    if not any(given.values()):
        return LayerSet(**{kind: read_layer(path, kind) for kind, path in paths.EXAMPLE_LAYERS.items()}, example=True)
    return LayerSet(**{kind: read_layer(path, kind, options) if path else None for kind, path in given.items()})
