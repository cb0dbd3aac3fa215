"""Files that hold several layers: naming one, listing them, and KML's folders.

A layer is named as QGIS names it, ``FILE|layername=NAME`` (a GeoPackage's table, a File
Geodatabase's feature class, a KML folder, a DXF layer). With none named, the layers whose
geometry fits what the command needs are read together, each feature keeping its layer's
name (for KML the folder path, ``衡阳高新区/园区范围``) in a field.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

LAYER_NAME = "|layername="
LAYER_FIELD = "layer"  # each feature's layer, when several are read together


def split_source(source: str | Path) -> tuple[Path, str | None]:
    """``FILE|layername=NAME`` as (FILE, NAME); a plain path as (path, None)."""
    text = str(source)
    if LAYER_NAME in text:
        file, _, name = text.partition(LAYER_NAME)
        return Path(file), name
    return Path(text), None


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a file: its name, how many features, which geometry types."""

    name: str
    count: int
    types: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name} ({self.count} {'/'.join(self.types) or 'no geometry'})"


def fits(types: tuple[str, ...], wanted: tuple[str, ...] | None) -> bool:
    """Whether a layer of these geometry types can play a role needing ``wanted`` (None: any)."""
    return wanted is None or (bool(types) and all(t in wanted for t in types))


def kml_folder_paths(path: Path) -> dict[str, str]:
    """Each folder's name in a KML or KMZ file and its path from the top (``衡阳高新区/园区范围``),
    for the folders whose name is unique (GDAL names a layer by its folder's name alone)."""
    try:
        if path.suffix.lower() == ".kmz":
            with zipfile.ZipFile(path) as archive:
                inner = next(n for n in archive.namelist() if n.lower().endswith(".kml"))
                root = ElementTree.fromstring(archive.read(inner))
        else:
            root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError, zipfile.BadZipFile, StopIteration):
        return {}
    found: dict[str, list[str]] = {}

    def walk(element, trail: tuple[str, ...]) -> None:
        for child in element:
            if child.tag.rsplit("}", 1)[-1] == "Folder":
                name = next((c.text or "" for c in child if c.tag.rsplit("}", 1)[-1] == "name"), "")
                found.setdefault(name, []).append("/".join((*trail, name)))
                walk(child, (*trail, name))
            else:
                walk(child, trail)

    walk(root, ())
    return {name: paths[0] for name, paths in found.items() if len(paths) == 1}
