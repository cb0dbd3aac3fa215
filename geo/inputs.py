"""Which layers a command works on: the shipped example, or the user's own, never a mix.

With no layer given, a command works on the Hengyang example, held to its
full schema. Once the user gives any layer, only the user's layers are used:
a shipped landmark is never counted inside a user's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from geo import paths
from geo.areas import AreaSummary, summarise_areas
from geo.evaluation import Evaluation, evaluate
from geo.io import LABEL
from geo.layers import Layer, read_layer
from geo.overlay import OverlaySummary, overlay_areas
from geo.reading import ReadOptions


@dataclass
class LayerSet:
    """The layers of a map or an audit; any may be absent."""

    zones: Layer | None = None
    landmarks: Layer | None = None
    enterprises: Layer | None = None
    districts: Layer | None = None
    history: Layer | None = None  # the boundary over time: every version, with valid_from/valid_to
    evaluation: Layer | None = None  # the land evaluation's parcels (geo build --evaluation)
    example: bool = False  # the shipped Hengyang example: its boundaries are schematic
    _summary: AreaSummary | None = field(default=None, repr=False)
    _by_district: OverlaySummary | None = field(default=None, repr=False)
    _evaluated: Evaluation | None = field(default=None, repr=False)

    def all(self) -> list[Layer]:
        every = (self.zones, self.landmarks, self.enterprises, self.districts, self.history, self.evaluation)
        return [layer for layer in every if layer]

    def points(self) -> list[Layer]:
        return [layer for layer in (self.landmarks, self.enterprises) if layer]

    def zone_summary(self) -> AreaSummary | None:
        """The zones' areas and the points inside each, measured once for the map and its notes."""
        if self._summary is None and self.zones is not None:
            self._summary = summarise_areas(self.zones, point_layers=self.points())
        return self._summary

    def zone_evaluation(self) -> Evaluation | None:
        """The land evaluation's indicators of each zone, from the evaluation's parcels, computed once."""
        if self._evaluated is None and self.zones is not None and self.evaluation is not None:
            self._evaluated = evaluate(self.zones, self.evaluation)
        return self._evaluated

    def district_breakdown(self) -> OverlaySummary | None:
        """Each zone's area in each district (classes are the districts' ids), measured once."""
        if self._by_district is None and self.zones is not None and self.districts is not None:
            self._by_district = overlay_areas(self.zones, self.districts, LABEL)
        return self._by_district


def load_layers(
    zones: str | Path | None = None,
    landmarks: str | Path | None = None,
    enterprises: str | Path | None = None,
    districts: str | Path | None = None,
    options: ReadOptions | None = None,
    history: str | Path | None = None,
) -> LayerSet:
    """The user's layers, read with ``options``; the whole example when none is given.

    The history layer keeps every version (the map's time control and the audit choose among
    them); ``options.at`` selects versions in the others.
    """
    options = options or ReadOptions()
    given = {"zones": zones, "landmarks": landmarks, "enterprises": enterprises, "districts": districts}
    if not any(given.values()) and history is None:
        example = ReadOptions(at=options.at)  # the example's files need no reading options but the day
        layers = {kind: read_layer(path, kind, example) for kind, path in paths.EXAMPLE_LAYERS.items()}
        layers["history"] = read_layer(layers.pop("zone_history").path, "zone_history", ReadOptions())
        return LayerSet(**layers, example=True)
    layers = {kind: read_layer(path, kind, options) if path else None for kind, path in given.items()}
    layers["history"] = read_layer(history, "zone_history", replace(options, at=None)) if history else None
    return LayerSet(**layers)
