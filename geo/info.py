"""What a file holds, before it is measured: each layer's features, geometry, coordinate system,
fields and the roles found among them, and the text encoding chosen (as ``fio info`` and
``ogrinfo -so`` tell, in one screen)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geo.checks import likely_systems
from geo.io import LABEL
from geo.io.datasets import LAYER_NAME, split_source
from geo.io.gdal import layer_names
from geo.layers import load_layer
from geo.problems import Problem
from geo.reading import ReadOptions, describe, sample_positions
from geo.report import Column, Report, Table

LAYER_COLUMNS = [
    Column("layer", "layer"),
    Column("features", "features", numeric=True),
    Column("geometry", "geometry"),
    Column("system", "coordinate system"),
    Column("encoding", "text encoding"),
    Column("said", "notes"),
]
FIELD_COLUMNS = [Column("layer", "layer"), Column("field", "field"), Column("type", "type"), Column("role", "role")]


def file_info(source: str | Path, options: ReadOptions | None = None) -> Report:
    """The layers of ``source`` (one, if it names one as ``FILE|layername=NAME``) and their fields."""
    options = options or ReadOptions()
    file, named = split_source(source)
    names = [named] if named else layer_names(file)
    layers, fields = [], []
    for name in names:
        layer, problems = load_layer(f"{file}{LAYER_NAME}{name}" if name else file, None, options, checked=False)
        label = name or file.name
        if layer is None:
            layers.append({"layer": label, "said": "; ".join(p.message for p in problems if p.is_error)})
            continue
        frame = layer.frame
        layers.append(
            {
                "layer": label,
                "features": len(frame),
                "geometry": "/".join(sorted(set(frame.geometry.geom_type.dropna()))) or "none",
                "system": _system(layer.stated_system, frame.geometry.to_numpy(), options),
                "encoding": _encoding(file, problems),
                "said": "; ".join(p.message for p in problems if not _told_elsewhere(p))[:300],
            }
        )
        roles = {layer.roles.id: "id", layer.roles.name: "name", layer.roles.declared: "declared area"}
        roles[layer.roles.group] = "group"
        for column in frame.columns.drop([frame.geometry.name, LABEL]):
            kind = "number" if pd.api.types.is_numeric_dtype(frame[column]) else "text"
            fields.append({"layer": label, "field": column, "type": kind, "role": roles.get(column, "")})
    tables = [Table(f"{file}: layers", LAYER_COLUMNS, layers), Table(f"{file}: fields", FIELD_COLUMNS, fields)]
    return Report(tables, {"file": str(file), "layers": layers, "fields": fields})


def _told_elsewhere(problem: Problem) -> bool:
    """Notes the table shows in a column of their own: the roles found, the encoding chosen."""
    return "(detected;" in problem.message or "GB18030" in problem.message


def _system(stated: str | None, geoms: np.ndarray, options: ReadOptions) -> str:
    """The system the file states, or, for one that states none, what its numbers look like."""
    if stated is not None:
        return "WGS84 or CGCS2000 (degrees), as stated" if stated == "wgs84" else f"{describe(stated)}, as stated"
    if options.input_crs or options.override_crs:
        return "none stated: as --input-crs gives"
    xy = sample_positions(geoms)
    if len(xy) and (np.abs(xy) > 1000).any():
        x, y = xy[0]
        return f"none stated; the numbers are projected: {likely_systems(x, y)}"
    return "none stated; the numbers are degrees: read as WGS84"


def _encoding(file: Path, problems: list[Problem]) -> str:
    said = next((p.message for p in problems if "GB18030" in p.message), None)
    if said:
        return "GB18030 (GBK), detected"
    cpg = file.with_suffix(".cpg")
    if file.suffix.lower() == ".shp" and cpg.exists():
        return f"{cpg.read_text(errors='replace').strip()} (.cpg)"
    return "UTF-8"
