"""The land office's coordinate TXT (界址点坐标交换格式), read as parcels and written as offices submit it.

Every 建设用地报批 and 勘测定界 passes through it: a ``[属性描述]`` header (坐标系, 几度分带,
带号, 计量单位, 转换参数) and a ``[地块坐标]`` section, each parcel a line ending in ``@``
(界址点数, 地块面积 in ha, 地块编号, 地块名称, 记录图形属性, 图幅号, 地块用途, 地类编码) followed
by its points (点号, 圈号, X, Y): X the northing, Y the easting with the zone in front. 圈号 1 is
the outer ring; a further ring inside it is a hole, one outside it another part.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from geo.io import LABEL
from geo.io.encoding import GB18030, decode_text
from geo.problems import NOTE, WARNING, Problem

SECTION = re.compile(r"^\s*\[(.+?)\]\s*$")
PARCEL_FIELDS = ("界址点数", "地块面积", "地块编号", "地块名称", "记录图形属性", "图幅号", "地块用途", "地类编码")
DECLARED = "地块面积"  # ha, the surveyors' planar area in the projection
# (datum, 3 or 6 degrees) -> (EPSG of zone 25 or 13 with the zone in front, of CM 75°E without it)
GAUSS_KRUGER = {
    ("2000", 3): (4513, 4534),
    ("2000", 6): (4491, 4502),
    ("80", 3): (2349, 2370),
    ("80", 6): (2327, 2338),
    ("54", 3): (2401, 2422),
    ("54", 6): (21413, 21453),
}
GEOGRAPHIC = {"2000": 4490, "80": 4610, "54": 4214}
DATUM_WORDS = {"80": ("80", "西安"), "54": ("54", "北京")}  # 坐标系=西安80坐标系, 1954北京坐标系; else 2000


def is_coordinate_txt(path: Path) -> bool:
    """Whether a .txt file is the land office's coordinate exchange format (else a table)."""
    if path.suffix.lower() != ".txt":
        return False
    head = path.read_bytes()[:4096]
    return any(section.encode(code) in head for section in ("[属性描述]", "[地块坐标]") for code in ("utf-8", "gbk"))


def read_coordinate_txt(
    path: Path, encoding: str | None = None
) -> tuple[gpd.GeoDataFrame | None, str | None, list[Problem]]:
    """The parcels as polygons, the system the header names (``EPSG:n``), and what was guessed."""
    name = str(path)
    raw = path.read_bytes()
    problems = []
    try:
        if encoding:
            text = raw.decode(encoding)
        else:
            text, found = decode_text(raw)
            if found == GB18030:
                problems.append(Problem(name, "read as GB18030 (GBK), as land offices write it", severity=NOTE))
    except (UnicodeDecodeError, LookupError) as exc:
        return None, None, [Problem(name, f"cannot be decoded: {exc}; give --encoding")]
    header, lines = _sections(text)
    shift = header.get("转换参数", "").replace(",", "").replace("，", "").strip()
    if shift and any(float(v or 0) for v in re.split(r"[,，]", header["转换参数"]) if _number(v)):
        message = (
            f"转换参数 {header['转换参数']!r}: coordinates that need a seven-parameter shift are not read; "
            "apply it in the surveying software and export again"
        )
        return None, None, [*problems, Problem(name, message)]
    parcels, found = _parcels(lines, name)
    problems += found
    if any(p.is_error for p in found):
        return None, None, problems
    if not parcels:
        return None, None, [*problems, Problem(name, "no parcel in [地块坐标]: no line ending in @ with points")]
    system, said = _system(header, parcels, name)
    problems += said
    if system is None:
        return None, None, problems
    records = [p["fields"] for p in parcels]
    frame = gpd.GeoDataFrame(records, geometry=[p["geometry"] for p in parcels])
    frame[DECLARED] = frame[DECLARED].map(lambda v: float(v) if _number(v) else np.nan)
    frame[LABEL] = [f"parcel {i + 1}" for i in range(len(frame))]
    return frame, system, problems


def _number(value: str) -> bool:
    """Whether a cell holds a finite number (not 'nan', not 'inf')."""
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError, OverflowError):
        return False


def _sections(text: str) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """The header's key=value pairs and the numbered lines of [地块坐标]."""
    header, lines, section = {}, [], None
    for number, line in enumerate(text.splitlines(), start=1):
        match = SECTION.match(line)
        if match:
            section = match.group(1).strip()
        elif section == "属性描述" and "=" in line:
            key, _, value = line.partition("=")
            header[key.strip()] = value.strip()
        elif section == "地块坐标" and line.strip():
            lines.append((number, line.strip()))
    return header, lines


def _parcels(lines: list[tuple[int, str]], name: str) -> tuple[list[dict], list[Problem]]:
    """Each parcel's fields and polygon: a line ending in @, then its points (点号, 圈号, X, Y)."""
    blocks, problems = [], []
    for number, line in lines:
        cells = [c.strip() for c in re.split(r"[,，]", line.removesuffix("@"))]
        if line.endswith("@"):
            fields = dict(zip(PARCEL_FIELDS, cells + [""] * (len(PARCEL_FIELDS) - len(cells))))
            blocks.append({"fields": fields, "line": number, "rings": {}})
        elif blocks and len(cells) >= 4 and all(_number(c) for c in cells[1:4]):
            ring, north, east = int(float(cells[1])), float(cells[2]), float(cells[3])
            blocks[-1]["rings"].setdefault(ring, []).append((east, north))
        else:
            problems.append(Problem(name, f"line {number}: {line[:60]!r} is no point (点号,圈号,X,Y)"))
    parcels = []
    for count, block in enumerate(blocks, start=1):
        geometry, problem = rings_to_polygon(block["rings"])
        if problem:
            problems.append(Problem(name, f"parcel {count} (line {block['line']}): {problem}"))
        parcels.append({"fields": block["fields"], "geometry": geometry})
    return parcels, problems


def rings_to_polygon(rings: dict[int, list[tuple[float, float]]]) -> tuple[shapely.Geometry | None, str | None]:
    """圈号 1 the outer ring; a ring inside an outer one its hole, another ring a part of its own."""
    if 1 not in rings:
        return None, "no ring 圈号 1"
    outers: list[list] = []
    for number in sorted(rings):
        ring = rings[number]
        if len(ring) < 3:
            return None, f"ring {number} has {len(ring)} points"
        if ring[0] != ring[-1]:
            ring = [*ring, ring[0]]  # writers that do not repeat the first point
        holder = next((o for o in outers if shapely.Polygon(o[0]).contains(shapely.Point(ring[0]))), None)
        if number > 1 and holder is not None:
            holder.append(ring)
        else:
            outers.append([ring])
    parts = [shapely.Polygon(o[0], o[1:]) for o in outers]
    return (parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)), None


def _system(header: dict[str, str], parcels: list[dict], name: str) -> tuple[str | None, list[Problem]]:
    """The EPSG code the header names: datum (坐标系), 几度分带, 带号, 计量单位; and what was assumed."""
    datum_text = header.get("坐标系", "")
    datum = (
        "80"
        if ("80" in datum_text or "西安" in datum_text)
        else "54"
        if ("54" in datum_text or "北京" in datum_text)
        else "2000"
    )
    said = []
    if datum_text and datum == "2000" and "2000" not in datum_text:
        said.append(Problem(name, f"坐标系 {datum_text!r} read as CGCS2000", severity=WARNING))
    if header.get("计量单位", "米").strip() == "度":
        return f"EPSG:{GEOGRAPHIC[datum]}", said
    width = 6 if header.get("几度分带", "3").strip() == "6" else 3
    eastings = np.array([x for p in parcels for x in shapely.get_coordinates(p["geometry"])[:, 0]])
    zone_text = header.get("带号", "").strip()
    prefixed = bool(len(eastings)) and float(np.median(eastings)) > 1_000_000
    zone = (
        int(float(zone_text)) if _number(zone_text) else (int(np.median(eastings) // 1_000_000) if prefixed else None)
    )
    if zone is None:
        return None, [*said, Problem(name, "带号 is missing and the eastings do not carry it: give --input-crs")]
    first_prefixed, first_cm = GAUSS_KRUGER[(datum, width)]
    low = 25 if width == 3 else 13
    code = (first_prefixed if prefixed else first_cm) + zone - low  # without the zone in front: its meridian
    if not (0 <= zone - low <= 20 if width == 3 else 0 <= zone - low <= 10):
        return None, [*said, Problem(name, f"带号 {zone} is no {width}-degree zone over China")]
    if datum != "2000":
        said.append(
            Problem(name, f"in {CRS.from_epsg(code).name}: moved to WGS84 as PROJ knows the datum", severity=NOTE)
        )
    return f"EPSG:{code}", said


# -- writing ------------------------------------------------------------------------

DECIMALS = 4  # 0.1 mm: areas read back agree to 1e-6


def gauss_kruger_zone(system: str) -> tuple[int, int, bool] | None:
    """(zone, 3 or 6 degrees, whether eastings carry the zone) of a CGCS2000 Gauss-Kruger EPSG code."""
    code = int(system.split(":")[1]) if system.startswith("EPSG:") else 0
    for (datum, width), (first_prefixed, first_cm) in GAUSS_KRUGER.items():
        low, count = (25, 21) if width == 3 else (13, 11)
        if datum == "2000" and first_prefixed <= code < first_prefixed + count:
            return low + code - first_prefixed, width, True
        if datum == "2000" and first_cm <= code < first_cm + count:
            return low + code - first_cm, width, False
    return None


def coordinate_txt(frame: gpd.GeoDataFrame, system: str, ids: list[str], names: list[str]) -> str:
    """The parcels of ``frame`` (in ``system``, a CGCS2000 Gauss-Kruger zone) as offices submit them:
    eastings with the zone in front, every ring closed, 地块面积 the planar area in that projection
    in ha to 4 decimals, as surveyors compute it; CRLF line ends."""
    zone, width, prefixed = gauss_kruger_zone(system)
    offset = 0.0 if prefixed else zone * 1_000_000.0
    lines = [
        "[属性描述]",
        "格式版本号=1.0",
        "坐标系=2000国家大地坐标系",
        f"几度分带={width}",
        "投影类型=高斯克吕格",
        "计量单位=米",
        f"带号={zone}",
        f"精度={10.0**-DECIMALS:.{DECIMALS}f}",
        "转换参数=,,,,,,",
        "[地块坐标]",
    ]
    uses = frame["地块用途"] if "地块用途" in frame else [""] * len(frame)
    codes = next((frame[c] for c in ("地类编码", "DLBM", "DLDM") if c in frame), [""] * len(frame))
    for geometry, parcel_id, name, use, code in zip(frame.geometry, ids, names, uses, codes):
        points, ring_number = [], 0
        for part in shapely.get_parts(shapely.orient_polygons(geometry)):
            for ring in [part.exterior, *part.interiors]:
                ring_number += 1
                coords = np.asarray(ring.coords)[:-1]
                for i, (east, north) in enumerate(coords, start=1):
                    points.append(f"J{i},{ring_number},{north:.{DECIMALS}f},{east + offset:.{DECIMALS}f}")
                east, north = coords[0]
                points.append(f"J1,{ring_number},{north:.{DECIMALS}f},{east + offset:.{DECIMALS}f}")
        hectares = shapely.area(geometry) / 10_000
        cells = [len(points), f"{hectares:.4f}", parcel_id, name, "面", "", _text(use), _text(code)]
        lines.append(",".join(_text(c).replace(",", "，") for c in cells) + ",@")
        lines += points
    return "\r\n".join(lines) + "\r\n"


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
