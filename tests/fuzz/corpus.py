"""The seeds: one valid file of each format the tool reads, as an office has them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from tests import builders


@dataclass(frozen=True)
class Seed:
    """A valid layer: its files by name (a Shapefile has several), the main one, and what it holds."""

    name: str
    files: dict[str, bytes]
    main: str
    points: bool  # a point layer (counted inside zones, drawn as enterprises), else polygons

    @property
    def fmt(self) -> str:
        return Path(self.main).suffix.lower().lstrip(".")


def _read_all(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def seeds() -> list[Seed]:
    """Every seed, built afresh (the same bytes each time but for GeoPackage's and Excel's timestamps)."""
    found = []
    zones = builders.feature_collection(
        [
            builders.feature(
                builders.polygon([[[112.55, 26.85], [112.57, 26.85], [112.57, 26.87], [112.55, 26.85]]]),
                id="z1",
                name="科创服务片区",
                declared_area_km2=2.0,
            ),
            builders.feature(
                builders.polygon(
                    [[[112.60, 26.80], [112.62, 26.80], [112.62, 26.82], [112.60, 26.82], [112.60, 26.80]]]
                ),
                id="z2",
                name="白沙洲工业园",
                declared_area_km2=4.9,
            ),
        ]
    )
    found.append(Seed("geojson", {"层.geojson": json.dumps(zones, ensure_ascii=False).encode()}, "层.geojson", False))
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        builders.gbk_shapefile(folder, "开发区范围")
        found.append(Seed("shapefile", _read_all(folder), "开发区范围.shp", False))
    with TemporaryDirectory() as tmp:
        found.append(Seed("gpkg", {"范围.gpkg": builders.geopackage(Path(tmp)).read_bytes()}, "范围.gpkg", False))
    with TemporaryDirectory() as tmp:
        path = builders.firms_csv(Path(tmp), "gb18030")
        found.append(Seed("csv", {path.name: path.read_bytes()}, path.name, True))
    with TemporaryDirectory() as tmp:
        path = builders.firms_xlsx(Path(tmp))
        found.append(Seed("xlsx", {path.name: path.read_bytes()}, path.name, True))
    for fmt, make in (
        ("coordinate txt", builders.coordinate_txt),
        ("dxf", builders.cad_drawing),
        ("kml", builders.kml_with_folders),
        ("vertex list", builders.vertex_list),
    ):
        with TemporaryDirectory() as tmp:
            path = make(Path(tmp))
            found.append(Seed(fmt, {path.name: path.read_bytes()}, path.name, False))
    return found


ZONES_FOR_POINTS = json.dumps(  # the zones that point layers are counted in
    builders.feature_collection(
        [
            builders.feature(
                builders.polygon([[[112.4, 26.8], [112.7, 26.8], [112.7, 27.0], [112.4, 27.0], [112.4, 26.8]]]),
                id="all",
            )
        ]
    )
).encode()
