"""CAD drawings (DXF) from planning institutes: closed polylines are parcels, TEXT inside names them.

Read with ezdxf, which decodes the drawing's own code page ($DWGCODEPAGE: ANSI_936 in China, so
Chinese layer names and labels read right; ``--encoding`` forces one). Closed LWPOLYLINE and
POLYLINE entities are polygons (arcs flattened to 1 cm); open lines are no zones and are
skipped, with a note saying how many and on which layers; a TEXT or MTEXT inside a polygon
names it (the smallest polygon that holds it). A drawing does not say which polylines are
holes: each is a polygon of its own. ``FILE|layername=规划范围`` keeps one CAD layer. GBK text
under a code page that says otherwise is read as GB18030, with a note. A drawing records no
coordinate system: eastings with a zone in front name it, else ``--input-crs``.
Written by ``geo convert -o FILE.dxf``: closed polylines on a layer named after the source,
each label a TEXT inside its polygon.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.io import LABEL
from geo.io.encoding import GB18030, misdecoded
from geo.problems import NOTE, Problem

FLATTEN_M = 0.01  # arcs (bulges) become chords within a centimetre
LAYER_FIELD = "layer"
TEXT_FIELD = "name"


def read_dxf(
    path: Path, layer: str | None = None, encoding: str | None = None
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """The drawing's closed polylines as polygons, each with its CAD layer and the text inside it."""
    import ezdxf
    from ezdxf import recover

    name = str(path)
    problems = []
    try:
        if encoding:
            document = ezdxf.readfile(path, encoding=encoding)
        else:
            document, _ = recover.readfile(path)
            if misdecoded(_texts(document)):  # GBK text under a $DWGCODEPAGE that says otherwise
                said = document.header.get("$DWGCODEPAGE", "none")
                document = ezdxf.readfile(path, encoding=GB18030)
                message = f"text reads as GBK, not as its $DWGCODEPAGE says ({said}): read as GB18030"
                problems.append(Problem(name, message, severity=NOTE))
    # ezdxf's parser meets a damaged drawing with whatever its code was doing (an IndexError in a
    # header group cut short): any of these is a drawing it cannot read.
    except (OSError, ezdxf.DXFError, UnicodeDecodeError, ValueError, IndexError, KeyError, TypeError) as exc:
        return None, [Problem(name, f"cannot be read as DXF: {str(exc).splitlines()[0] if str(exc) else exc}")]
    space = document.modelspace()
    layers = sorted({e.dxf.layer for e in space})
    if layer is not None and layer not in layers:
        return None, [Problem(name, f"has no CAD layer {layer!r}; its layers: {', '.join(layers) or 'none'}")]
    rings, open_lines, texts = [], Counter(), []
    for entity in space:
        if layer is not None and entity.dxf.layer != layer:
            continue
        kind = entity.dxftype()
        if kind in ("LWPOLYLINE", "POLYLINE"):
            points = _points(entity)
            if entity.closed and len(points) >= 3:
                rings.append((entity.dxf.layer, points))
            else:
                open_lines[entity.dxf.layer] += 1
        elif kind in ("LINE", "ARC", "SPLINE"):
            open_lines[entity.dxf.layer] += 1
        elif kind in ("TEXT", "MTEXT"):
            text = entity.plain_text() if kind == "MTEXT" else entity.dxf.text
            insert = entity.dxf.insert
            texts.append((shapely.Point(insert[0], insert[1]), text.strip()))
    if open_lines:
        where = ", ".join(f"{n} on {layer_name}" for layer_name, n in sorted(open_lines.items()))
        problems.append(Problem(name, f"open lines are no zones: skipped {where}", severity=NOTE))
    if not rings:
        message = f"holds no closed polyline to read as a polygon (layers: {', '.join(layers)})"
        return None, [*problems, Problem(name, message)]
    frame = _polygons(rings, texts)
    return frame, problems


def _texts(document) -> list[str]:
    """The drawing's layer names and texts: what tells whether it was decoded right."""
    space = document.modelspace()
    texts = [e.dxf.text for e in space.query("TEXT")] + [e.plain_text() for e in space.query("MTEXT")]
    return [layer.dxf.name for layer in document.layers] + texts


def _points(entity) -> list[tuple[float, float]]:
    from ezdxf import path as dxf_path

    flat = [(v.x, v.y) for v in dxf_path.make_path(entity).flattening(FLATTEN_M)]
    if len(flat) > 1 and flat[0] == flat[-1]:
        flat = flat[:-1]
    return flat


def _polygons(rings: list[tuple[str, list]], texts: list[tuple[shapely.Point, str]]) -> gpd.GeoDataFrame:
    """Each closed polyline a polygon (one inside another is a polygon of its own, not a hole: a
    drawing does not say which), named by the first text inside it and inside no smaller one."""
    geometries = [shapely.Polygon(points) for _, points in rings]
    order = np.argsort([g.area for g in geometries])  # the smallest polygon holding a text takes it
    names: list[str | None] = [None] * len(geometries)
    taken: set[int] = set()
    for i in order:
        for number, (point, text) in enumerate(texts):
            if number not in taken and text and geometries[i].contains(point):
                names[i] = text
                taken.add(number)
                break
    frame = gpd.GeoDataFrame({LAYER_FIELD: [layer for layer, _ in rings], TEXT_FIELD: names}, geometry=geometries)
    frame[LABEL] = [f"#{i + 1}" for i in range(len(frame))]
    return frame


def write_dxf(frame: gpd.GeoDataFrame, names: list[str], layer: str, target: Path) -> None:
    """Closed polylines on CAD layer ``layer``, every ring of every polygon, and each name as a TEXT
    at a point inside its polygon; in the frame's coordinates, which the caller has projected."""
    import ezdxf

    document = ezdxf.new("R2010")  # UTF-8 text: any Chinese name survives
    document.layers.add(layer)
    space = document.modelspace()
    for geometry, text in zip(frame.geometry, names):
        for part in shapely.get_parts(geometry):
            for ring in [part.exterior, *part.interiors]:
                space.add_lwpolyline(np.asarray(ring.coords)[:-1, :2], close=True, dxfattribs={"layer": layer})
        if text:
            where = shapely.get_coordinates(geometry.representative_point())[0]
            height = max(np.sqrt(geometry.area) / 40, 1e-6)
            space.add_text(text, height=height, dxfattribs={"layer": layer, "insert": (where[0], where[1])})
    document.saveas(target)
