"""What lies inside each zone: the area of each class of an overlay layer (land use, districts).

Definitions, so that figures can be checked: a class's area in a zone is the area of
(zone ∩ union of that class's features); ``uncovered`` is the zone's area no feature covers;
``overlap`` is the sum of the class areas less the covered area, non-zero only where features
of different classes overlap. So: sum of classes − overlap + uncovered = zone area.

Fast at a city's scale (hundreds of thousands of parcels): candidate pairs come from an
STRtree; a parcel entirely inside a zone is measured as it is, only those crossing a boundary
are cut; every piece is measured in one vectorised call. A clean layer (a coverage: no two
features overlap, geo.coverage) needs nothing more; otherwise the pieces of the features that
overlap another (found by asking only about the layer's frontier and their neighbours) are merged
by class and in all (shapely.union_all) so that nothing is counted twice, every other piece is
added as it is, and the overlapping features are counted and reported.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from geo.coverage import edge_sharing, overlapping
from geo.errors import UsageError
from geo.io import LABEL
from geo.layers import Layer, check_features
from geo.measure import AREA_METHODS, GEOD, UNITS, polygon_edges
from geo.memory import collector_paused
from geo.problems import WARNING, InputError, Problem
from geo.threads import THREADS, in_slices

NO_CLASS = "(none)"
GEODESIC_STEP_M = 50.0  # a zone's longer edges get vertices along their geodesic this far apart
SLIVER_M2 = 1e-6  # an overlap or a gap smaller than this, per zone, is floating-point noise
ROUNDING_SHARE = 1e-8  # of a zone's area: how far its pieces' areas, cut and summed, may drift (2e-9 seen)
MOST_BOXES = 16  # zones in more parts than this are looked for in the overlay by their whole extent


@dataclass
class OverlaySummary:
    """Each zone's area by class of the overlay's ``by`` field, in m2."""

    ids: list[str]
    names: list[str]
    zone_m2: np.ndarray  # (zones,)
    classes: list[str]
    class_m2: np.ndarray  # (zones, classes)
    overlap_m2: np.ndarray  # (zones,)
    by: str
    method: str
    notes: list[Problem] = field(default_factory=list)

    @property
    def uncovered_m2(self) -> np.ndarray:
        """What no feature covers; a remainder within the sums' rounding is none (not -1e-6 mu)."""
        uncovered = self.zone_m2 - (self.class_m2.sum(axis=1) - self.overlap_m2)
        return np.where(np.abs(uncovered) <= ROUNDING_SHARE * self.zone_m2, 0.0, uncovered)

    def to_dict(self) -> dict:
        """The JSON document: each zone with its classes, uncovered and overlap, and the total."""

        def figures(area_m2: float, of: float) -> dict:
            shares = {"share_pct": area_m2 / of * 100 if of else None}
            return {"area_m2": area_m2} | {f"area_{u}": area_m2 / UNITS[u] for u in ("km2", "ha", "mu")} | shares

        def entry(zone_m2: float, class_m2: np.ndarray, overlap: float, uncovered: float) -> dict:
            classes = {c: figures(float(a), zone_m2) for c, a in zip(self.classes, class_m2)}
            whole = {k: v for k, v in figures(zone_m2, zone_m2).items() if k != "share_pct"}
            return whole | {"classes": classes, "uncovered_m2": float(uncovered), "overlap_m2": float(overlap)}

        features = [
            {"id": i, "name": n} | entry(float(z), c, float(o), float(u))
            for i, n, z, c, o, u in zip(
                self.ids, self.names, self.zone_m2, self.class_m2, self.overlap_m2, self.uncovered_m2
            )
        ]
        total = entry(
            float(self.zone_m2.sum()),
            self.class_m2.sum(axis=0),
            float(self.overlap_m2.sum()),
            float(self.uncovered_m2.sum()),
        )
        return {"by": self.by, "method": self.method, "features": features, "total": total}


@collector_paused()  # a million pieces and their arrays hold no cycles
def overlay_areas(
    zones: Layer, overlay: Layer, by: str, method: str = "geodesic", repair: bool = False
) -> OverlaySummary:
    """Each zone's area by class of ``overlay``'s field ``by`` (see the module's definitions).

    An overlay read unchecked has only the features that meet a zone checked (and, with
    ``repair``, repaired): a city's invalid parcel far from every zone does not stop the figures.
    """
    if by not in overlay.frame.columns:
        fields = ", ".join(c for c in overlay.frame.columns if c not in ("geometry", LABEL))
        raise UsageError(f"{overlay.path}: no field {by!r} to break the zones down by; it has: {fields}")
    zone_geoms = cutting_edges(zones.frame.geometry.to_numpy(), method)
    notes: list[Problem] = []
    met = _meeting(zone_geoms, overlay)
    if not overlay.checked and repair:  # repaired before anything is worked out from them
        notes += check_features(overlay, met.involved, repair=True)
        if notes:  # a repaired feature may meet other zones
            met = _meeting(zone_geoms, overlay)
    parcels = overlay.frame.geometry.to_numpy()
    zone_of, parcel_of, involved = met.zone_of, met.parcel_of, met.involved
    # The overlap test, the features' areas and the cut pieces are worked out on every core while
    # the features are checked (shapely and numpy release the GIL); nothing is taken from them
    # until the check has passed. The features' edges, found once, serve both the overlap test
    # and their areas: a piece inside a zone is its feature.
    with ThreadPoolExecutor(max_workers=THREADS + 3) as pool:  # three for the overlap test and the areas
        overlaps = pool.submit(_overlaps_and_areas, pool, parcels[involved], method)
        classes_of = pool.submit(class_codes, overlay.frame[by])
        crossing = np.flatnonzero(~met.inside)
        slices = np.array_split(crossing, 2 * THREADS)  # small enough to share out
        cuts = [pool.submit(_cut_and_measured, zone_geoms, parcels, zone_of[p], parcel_of[p], method) for p in slices]
        if not overlay.checked and not repair:
            try:
                notes += check_features(overlay, involved)
            except InputError:
                pool.shutdown(cancel_futures=True)  # the slices not started yet are not wanted
                raise
        pieces = parcels[parcel_of]
        piece_m2 = np.empty(len(pieces))
        pieces[crossing], piece_m2[crossing] = (np.concatenate(parts) for parts in zip(*(cut.result() for cut in cuts)))
        (first, second), whole_m2 = overlaps.result()
        piece_m2[met.inside] = np.nan_to_num(whole_m2.result())[np.searchsorted(involved, parcel_of[met.inside])]
        codes, classes = classes_of.result()
        class_of = codes[parcel_of]
        summary = summarise(zones, zone_geoms, zone_of, class_of, classes, piece_m2, by, method)
    summary.notes += notes
    if len(first):
        pairs = (involved[first], involved[second])
        summary.class_m2, covered = merged_areas(
            zone_of, class_of, parcel_of, pieces, piece_m2, pairs, summary.class_m2.shape, method
        )
        summary.overlap_m2 = overlap_beyond_slivers(summary.class_m2, covered)
        summary.notes.append(
            Problem(
                str(overlay.path),
                f"{len(np.union1d(first, second))} features overlap others: areas are merged so that "
                "none is counted twice, and the overlap of different classes is reported (a clean survey "
                "layer has none)",
                severity=WARNING,
            )
        )
    return summary


def pieces_in_zones(zones: Layer, overlay: Layer, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each (zone, feature) pair that meets, and the area in m2 of the feature's part inside the
    zone (cut along the zone's edges as the overlay cuts them): what prorating starts from."""
    zone_geoms = cutting_edges(zones.frame.geometry.to_numpy(), method)
    met = _meeting(zone_geoms, overlay)
    _, piece_m2 = measured_pieces(zone_geoms, overlay.frame.geometry.to_numpy(), met, method)
    return met.zone_of, met.parcel_of, piece_m2


def search_boxes(zone_layers: list[Layer], method: str) -> tuple[tuple[float, float, float, float], ...]:
    """Where an overlay's features may meet the zones (ReadOptions.near): the boxes of the zones'
    parts as they cut, or their whole extent when they are in many parts. A city's parcel layer
    read through its spatial index is then read only around the zones."""
    geoms = np.concatenate([cutting_edges(z.frame.geometry.to_numpy(), method) for z in zone_layers])
    bounds = shapely.bounds(shapely.get_parts(geoms))
    bounds = bounds[~np.isnan(bounds).any(axis=1)]
    if len(bounds) > MOST_BOXES:
        bounds = np.concatenate([bounds[:, :2].min(axis=0), bounds[:, 2:].max(axis=0)])[None]
    return tuple(tuple(float(v) for v in box) for box in bounds)


@dataclass
class Meeting:
    """The (zone, parcel) pairs that meet, whether the zone holds each pair's parcel whole (in its
    interior: the piece is the parcel), and the parcels that meet any zone."""

    zone_of: np.ndarray
    parcel_of: np.ndarray
    inside: np.ndarray
    involved: np.ndarray


def _meeting(zone_geoms: np.ndarray, overlay: Layer) -> Meeting:
    return meeting(zone_geoms, overlay.frame.geometry.to_numpy())


def meeting(zone_geoms: np.ndarray, parcels: np.ndarray) -> Meeting:
    """Which parcels meet which zones, and which lie inside them. Pairs whose boxes meet are found
    in a tree of the zones (few: it is built at once, and each parcel looks itself up in it). A
    parcel whose box meets no box of its zone's edges lies wholly inside the zone or wholly
    outside, and one point of the box says which (one vectorised point-in-polygon test); only
    the parcels near a zone's edge are asked the predicates, on every core."""
    parcel_of, zone_of = shapely.STRtree(zone_geoms).query(parcels)
    near = _near_edges(zone_geoms, parcels, zone_of, parcel_of)
    inside = np.zeros(len(zone_of), dtype=bool)
    meet = np.zeros(len(zone_of), dtype=bool)
    far = np.flatnonzero(~near)
    corner = shapely.bounds(parcels[parcel_of[far]])[:, :2].T
    inside[far] = meet[far] = shapely.contains_xy(_prepared_copies(zone_geoms)[zone_of[far]], *corner)

    def asked(pairs: np.ndarray) -> np.ndarray:
        zones, near_parcels = _prepared_copies(zone_geoms)[zone_of[pairs]], parcels[parcel_of[pairs]]
        return np.stack([shapely.intersects(zones, near_parcels), shapely.contains_properly(zones, near_parcels)], 1)

    close = np.flatnonzero(near)
    meet[close], inside[close] = in_slices(asked, close).T
    zone_of, parcel_of, inside = zone_of[meet], parcel_of[meet], inside[meet]
    involved = np.flatnonzero(np.bincount(parcel_of, minlength=len(parcels)))
    return Meeting(zone_of, parcel_of, inside, involved)


def _near_edges(zone_geoms: np.ndarray, parcels: np.ndarray, zone_of: np.ndarray, parcel_of: np.ndarray) -> np.ndarray:
    """Whether each (zone, parcel) pair's parcel box meets the box of one of the zone's edges."""
    coords, vertex_part, part_of, edge_starts = polygon_edges(zone_geoms)
    ends = np.stack([coords[edge_starts], coords[edge_starts + 1]])
    edge_boxes = shapely.box(*ends.min(axis=0).T, *ends.max(axis=0).T)
    parcel_near, edge = shapely.STRtree(edge_boxes).query(parcels)
    near_pairs = np.unique(parcel_near * len(zone_geoms) + part_of[vertex_part[edge_starts[edge]]])
    return np.isin(parcel_of * len(zone_geoms) + zone_of, near_pairs)


def _prepared_copies(zone_geoms: np.ndarray) -> np.ndarray:
    """Prepared copies of the zones (GEOS indexes each for its predicates), for one thread. A
    prepared geometry builds its indexes in place when first asked: two threads asking the same
    one at once (slices of one job, or two dask workers in one process sharing what was scattered
    to them) crash the interpreter."""
    copies = shapely.from_wkb(shapely.to_wkb(zone_geoms))
    shapely.prepare(copies)
    return copies


def cutting_edges(zone_geoms: np.ndarray, method: str) -> np.ndarray:
    """The zones as the parcels are cut by them. Pieces are cut along straight lines in longitude
    and latitude, as every overlay does; with the geodesic method a zone's long edges first get
    vertices along their geodesic, so that the cut follows its real edge and the classes add up to
    the zone as `geo area` measures it."""
    return along_geodesics(zone_geoms, GEODESIC_STEP_M) if method == "geodesic" else zone_geoms


def cut_pieces(zone_geoms: np.ndarray, parcels: np.ndarray, met: Meeting) -> np.ndarray:
    """Each (zone, parcel) pair's piece: the parcel itself where the zone holds it, else the cut."""
    pieces = parcels[met.parcel_of]
    crossing = np.flatnonzero(~met.inside)
    pieces[crossing] = _cut(zone_geoms, parcels, met.zone_of[crossing], met.parcel_of[crossing])
    return pieces


def _cut(zone_geoms: np.ndarray, parcels: np.ndarray, zone_of: np.ndarray, parcel_of: np.ndarray) -> np.ndarray:
    return shapely.intersection(zone_geoms[zone_of], parcels[parcel_of])


def _cut_and_measured(
    zone_geoms: np.ndarray, parcels: np.ndarray, zone_of: np.ndarray, parcel_of: np.ndarray, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs' pieces, cut from parcels that cross their zone's edge, and their areas in m2."""
    pieces = _cut(zone_geoms, parcels, zone_of, parcel_of)
    return pieces, np.nan_to_num(AREA_METHODS[method](pieces))


def _overlaps_and_areas(pool: ThreadPoolExecutor, polygons: np.ndarray, method: str) -> tuple[tuple, Future]:
    """The pairs of the polygons that overlap, and (being measured on another thread) their areas,
    both from the polygons' edges found once."""
    tree = pool.submit(shapely.STRtree, polygons)
    edges = polygon_edges(polygons)
    areas = pool.submit(AREA_METHODS[method], polygons, edges)
    return overlapping(polygons, edge_sharing(polygons, edges), tree.result()), areas


def class_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each value's class number, and the classes' names in order: the values as text, NO_CLASS
    where missing. Hashed, not sorted: only the few distinct names are sorted."""
    try:
        codes, uniques = pd.factorize(values)
    except TypeError:  # lists, which cannot be hashed: by their text
        codes, uniques = pd.factorize(values.map(str, na_action="ignore"))
    names = [str(value) for value in uniques]
    if (codes < 0).any():
        codes[codes < 0] = len(names)
        names.append(NO_CLASS)
    classes, renumbered = np.unique(np.array(names, dtype=object), return_inverse=True)
    return renumbered[codes], classes


def measured_pieces(
    zone_geoms: np.ndarray, parcels: np.ndarray, met: Meeting, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """Each (zone, parcel) pair's piece, and its area in m2 by ``method``."""
    pieces = cut_pieces(zone_geoms, parcels, met)
    return pieces, np.nan_to_num(AREA_METHODS[method](pieces))


def summarise(
    zones: Layer,
    zone_geoms: np.ndarray,
    zone_of: np.ndarray,
    class_of: np.ndarray,
    classes: np.ndarray,
    area_m2: np.ndarray,
    by: str,
    method: str,
) -> OverlaySummary:
    """Areas of pieces (or of sums of pieces), each of a zone and a class (numbered in ``classes``,
    which may hold classes in no zone), summed by zone and class."""
    class_m2 = np.bincount(
        zone_of * len(classes) + class_of, weights=area_m2, minlength=len(zone_geoms) * len(classes)
    ).reshape(len(zone_geoms), len(classes))
    return OverlaySummary(
        ids=list(zones.ids),
        names=list(zones.names),
        zone_m2=AREA_METHODS[method](zone_geoms),
        classes=[str(c) for c in classes],
        class_m2=class_m2,
        overlap_m2=np.zeros(len(zone_geoms)),
        by=by,
        method=method,
    )


def along_geodesics(geoms: np.ndarray, step_m: float) -> np.ndarray:
    """Polygons with a vertex every ``step_m`` metres or less along the geodesic of each edge."""

    def densify(ring: np.ndarray) -> np.ndarray:
        lon1, lat1, lon2, lat2 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
        length = GEOD.inv(lon1, lat1, lon2, lat2)[2]
        out = []
        for k in range(len(lon1)):
            out.append(ring[k])
            extra = int(np.ceil(length[k] / step_m)) - 1
            if extra > 0:
                out.extend(GEOD.npts(lon1[k], lat1[k], lon2[k], lat2[k], extra))
        out.append(ring[-1])
        return np.array(out, dtype=float)

    def polygon(shape: shapely.Polygon) -> shapely.Polygon:
        rings = [densify(shapely.get_coordinates(r)) for r in (shape.exterior, *shape.interiors)]
        return shapely.Polygon(rings[0], rings[1:])

    result = np.array(geoms, dtype=object)
    for i, shape in enumerate(result):
        if isinstance(shape, shapely.Polygon):
            result[i] = polygon(shape)
        elif isinstance(shape, shapely.MultiPolygon):
            result[i] = shapely.MultiPolygon([polygon(part) for part in shape.geoms])
    return result


def merged_areas(
    zone_of: np.ndarray,
    class_of: np.ndarray,
    parcel_of: np.ndarray,
    pieces: np.ndarray,
    piece_m2: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
    shape: tuple[int, int],
    method: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Each zone's class areas and covered area when some features overlap (``pairs`` of them): in
    each zone, the pieces that overlap another piece of their class are merged by class, those
    that overlap any other by zone, and every other piece is added as it is."""
    measure = AREA_METHODS[method]
    zones, classes = shape
    piece_pairs = _pieces_of_pairs(zone_of, parcel_of, pairs)
    same_class = class_of[piece_pairs[:, 0]] == class_of[piece_pairs[:, 1]]

    def merged(keys: np.ndarray, of: np.ndarray, size: int) -> np.ndarray:
        """The area of each key's pieces, the pieces joined by the pairs ``of`` (of one key) merged."""
        joined, local = np.unique(of, return_inverse=True)
        alone = np.ones(len(pieces), dtype=bool)
        alone[joined] = False
        sums = np.bincount(keys[alone], weights=piece_m2[alone], minlength=size)
        together = _components(len(joined), *local.reshape(-1, 2).T)  # each merged on its own
        _, first, unions = unions_by(together, pieces[joined])
        np.add.at(sums, keys[joined[first]], np.nan_to_num(measure(unions)))
        return sums

    class_m2 = merged(zone_of * classes + class_of, piece_pairs[same_class], zones * classes)
    return class_m2.reshape(zones, classes), merged(zone_of, piece_pairs, zones)


def unions_by(keys: np.ndarray, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct keys, the position of each one's first geometry, and the union of each key's
    geometries (two at a time in one vectorised call: most overlaps are a parcel drawn twice)."""
    groups, first, group_of, sizes = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    unions = geoms[first].copy()
    order = np.argsort(group_of, kind="stable")
    starts = np.cumsum(sizes) - sizes
    pairs = np.flatnonzero(sizes == 2)
    one, other = geoms[order[starts[pairs]]], geoms[order[starts[pairs] + 1]]
    apart = ~shapely.equals_exact(one, other, 0.0)  # a feature drawn twice is its own union
    unions[pairs[apart]] = shapely.union(one[apart], other[apart])
    for group in np.flatnonzero(sizes > 2):
        unions[group] = shapely.union_all(geoms[order[starts[group] : starts[group] + sizes[group]]])
    return groups, first, unions


def _components(count: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Each of ``count`` nodes' component in the graph of edges (left, right): its smallest node."""
    label = np.arange(count)
    while True:
        smaller = np.minimum(label[left], label[right])
        joined = label.copy()
        np.minimum.at(joined, left, smaller)
        np.minimum.at(joined, right, smaller)
        joined = joined[joined]  # a node takes its label's label: paths halve each round
        if np.array_equal(joined, label):
            return label
        label = joined


def overlap_beyond_slivers(class_m2: np.ndarray, covered_m2: np.ndarray) -> np.ndarray:
    """Each zone's overlap of different classes (sum of classes − covered), none where it is noise."""
    overlap = class_m2.sum(axis=1) - covered_m2
    return np.where(overlap > SLIVER_M2 * np.maximum(1.0, covered_m2 / 1e6), overlap, 0.0)


def _pieces_of_pairs(zone_of: np.ndarray, parcel_of: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The pairs of pieces (in one zone) cut from the pairs of features that overlap."""
    of_pairs = np.flatnonzero(np.isin(parcel_of, np.concatenate(pairs)))  # a few of a layer's pieces
    pieces = pd.DataFrame({"zone": zone_of[of_pairs], "parcel": parcel_of[of_pairs], "piece": of_pairs})
    features = pd.DataFrame({"first": pairs[0], "second": pairs[1]})
    first = features.merge(pieces, left_on="first", right_on="parcel")
    both = first.merge(pieces, left_on=["second", "zone"], right_on=["parcel", "zone"], suffixes=("", "_other"))
    return both[["piece", "piece_other"]].to_numpy(dtype=np.int64).reshape(-1, 2)
