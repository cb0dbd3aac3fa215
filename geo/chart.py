"""A chart of what lies inside each zone: one horizontal bar per zone, stacked by class, in % of
the zone's area (the overlay's classes, then what no feature covers), the same colour for the same
class in every bar, and the class names as text in the legend. Written like a figure
(``geo.figure.write_figure``): SVG, PDF or PNG, text kept as text, the same bytes each time."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from geo.figure import write_figure
from geo.overlay import OverlaySummary

# Twelve distinct colours (ColorBrewer Paired), then again; uncovered is grey.
CLASS_COLORS = (
    "#1f78b4",
    "#33a02c",
    "#e31a1c",
    "#ff7f00",
    "#6a3d9a",
    "#b15928",
    "#a6cee3",
    "#b2df8a",
    "#fb9a99",
    "#fdbf6f",
    "#cab2d6",
    "#ffff99",
)
UNCOVERED_COLOR = "#d9d9d9"
WORDS = {
    "zh": {"uncovered": "未覆盖", "share": "占园区面积 %", "title": "园区用地构成"},
    "en": {"uncovered": "uncovered", "share": "share of the zone's area, %", "title": "What lies inside each zone"},
}


def draw_chart(found: list[tuple[str, OverlaySummary]], lang: str = "zh", title: str | None = None):
    """The chart of every zone of ``found`` (each a layer's name and its overlay summary)."""
    from matplotlib.figure import Figure

    words = WORDS[lang]
    classes = sorted({c for _, summary in found for c in summary.classes})
    colors = {c: CLASS_COLORS[i % len(CLASS_COLORS)] for i, c in enumerate(classes)}
    names, shares = [], []
    for _, summary in found:
        whole = np.where(summary.zone_m2 > 0, summary.zone_m2, np.nan)
        for z, name in enumerate(summary.names):
            row = {c: summary.class_m2[z, k] / whole[z] * 100 for k, c in enumerate(summary.classes)}
            row[words["uncovered"]] = summary.uncovered_m2[z] / whole[z] * 100
            names.append(str(name))
            shares.append(row)
    keys = [*classes, words["uncovered"]]
    colors[words["uncovered"]] = UNCOVERED_COLOR
    height_mm = 30 + 9 * len(names) + 5 * -(-len(keys) // 3)
    figure = Figure(figsize=(180 / 25.4, height_mm / 25.4), layout="constrained")
    axes = figure.add_subplot()
    left = np.zeros(len(names))
    y = np.arange(len(names))[::-1]
    for key in keys:
        width = np.nan_to_num([row.get(key, 0.0) for row in shares])
        axes.barh(y, width, left=left, color=colors[key], edgecolor="white", linewidth=0.5, label=key)
        for x, w, yy in zip(left, width, y):
            if w >= 8:
                axes.text(x + w / 2, yy, f"{w:.0f}%", ha="center", va="center", fontsize=6, color="#111111")
        left += width
    axes.set_yticks(y, names, fontsize=8)
    axes.set_xlim(0, 100)
    axes.set_xlabel(words["share"], fontsize=8)
    axes.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    legend = figure.legend(loc="outside lower center", ncols=3, fontsize=7, frameon=False)
    legend.set_gid("legend")
    figure.suptitle(title or words["title"], fontsize=12).set_gid("title")
    return figure


def render_chart(found: list[tuple[str, OverlaySummary]], path: str | Path, lang: str = "zh", dpi: int = 300) -> Path:
    """Draw the chart and write it to ``path`` (.svg, .pdf or .png)."""
    return write_figure(lambda: draw_chart(found, lang), path, dpi, None)
