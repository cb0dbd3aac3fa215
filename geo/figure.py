"""Figures for reports: the zones as a print-quality SVG, PDF or PNG, with the parts of a Chinese
planning figure: 图名 (title), 图例 (legend), 比例尺 (scale bar), 指北针 (north arrow) and a credits
line (制图单位, date, sources, coordinate system).

Drawn in a system fit for measuring, not Web Mercator: the CGCS2000 3-degree Gauss-Kruger zone of
the zones' centre (in China), else UTM. The map is drawn at a round scale (1:50,000, ...) chosen to
hold the layers; the scale bar is a round length on the ground, drawn as long as that length is
in the projection at the figure's centre (its point scale factor); the north arrow points to true
north there, turned from the grid's north by the meridian convergence. Text stays text (SVG text,
PDF TrueType fonts embedded and subset), in a CJK font of the machine; a glyph the font lacks is
an error, never a blank box. Every part is an SVG group with an id (``title``, ``legend``,
``scale-bar``, ``north-arrow``, ``credits``, ``layer-zones`` ...), and the same inputs give the
same bytes. Needs the ``figure`` extra (matplotlib).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Proj, Transformer

from geo.errors import GeoError, UsageError
from geo.inputs import LayerSet
from geo.layers import Layer
from geo.output import atomic_path
from geo.timeline import VALID_FROM, valid_on
from geo.webmap.content import POINT_COLORS, known_sources, point_palettes, titles, zone_colors
from geo.webmap.labels import LABELS

FORMATS = (".svg", ".pdf", ".png")
PAPERS_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
# CJK fonts by where they are found: Windows, macOS, Linux (Debian's fonts-noto-cjk), others.
CJK_FAMILIES = (
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Heiti SC",
    "STHeiti",
    "Arial Unicode MS",
    "Noto Sans CJK JP",  # the collection's first face, all matplotlib before 3.10 sees of it: every Han glyph
)
ROUND_SCALES = [m * 10**e for e in range(3, 8) for m in (1, 2, 2.5, 5)]  # 1:1,000 ... 1:50,000,000
NICE_LENGTHS = [m * 10**e for e in range(0, 7) for m in (1, 2, 5)]  # metres on the ground
MARGIN_MM, TITLE_MM, CREDITS_MM = 12.0, 16.0, 16.0
PAD = 0.06  # of the layers' extent, left around them


class FigureMissing(GeoError):
    """The figure extra (matplotlib) is not installed."""


class FontMissing(GeoError):
    """No font on the machine writes the figure's text."""


@dataclass
class FigureOptions:
    """What a figure shows and how big it is."""

    lang: str = "zh"
    title: str | None = None
    credit: str | None = None
    size_mm: tuple[float, float] = PAPERS_MM["A4"]
    dpi: int = 300
    font: str | None = None  # a font file of the user's
    day: date = field(default_factory=lambda: build_day())


def build_day() -> date:
    """The figure's date: today, or SOURCE_DATE_EPOCH's day (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


def paper_size(size: str, landscape: bool = False) -> tuple[float, float]:
    """(width, height) in mm of A4, A3 or WxH (mm), portrait unless ``landscape``."""
    text = size.strip().upper()
    if text in PAPERS_MM:
        width, height = PAPERS_MM[text]
    else:
        found = re.fullmatch(r"(\d+(?:\.\d+)?)\s*[X×*]\s*(\d+(?:\.\d+)?)", text)
        if not found or min(float(found[1]), float(found[2])) < 50:
            raise UsageError(f"--size {size}: give A4, A3 or WIDTHxHEIGHT in mm, each at least 50 (297x210)")
        width, height = float(found[1]), float(found[2])
    return (max(width, height), min(width, height)) if landscape else (width, height)


def require_matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise FigureMissing("geo figure and --chart need matplotlib: pip install 'hengyang-geo[figure]'") from None
    return matplotlib


def cjk_font(path: str | None = None) -> tuple[str, str]:
    """(family, file) of the font the figure's text is set in: the user's file, else the first of
    CJK_FAMILIES the machine has."""
    from matplotlib import font_manager

    if path is not None:
        if not Path(path).is_file():
            raise UsageError(f"--font {path}: no such font file")
        font_manager.fontManager.addfont(path)
        return font_manager.FontProperties(fname=path).get_name(), path
    found = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in found:
            return family, found[family]
    raise FontMissing(
        "no Chinese font found (Microsoft YaHei, SimHei, PingFang SC, Noto Sans CJK SC ...): install one "
        "(Debian/Ubuntu: apt install fonts-noto-cjk) or give --font FILE"
    )


@contextlib.contextmanager
def printing(font_family: str) -> Iterator[None]:
    """matplotlib set to keep text as text, embed fonts and write the same bytes each time."""
    matplotlib = require_matplotlib()
    settings = {
        "font.family": [font_family],
        "svg.fonttype": "none",  # text as <text>: editable, searchable
        "pdf.fonttype": 42,  # TrueType, embedded (subset): text extracts
        "svg.hashsalt": "hengyang-geo",  # ids from the content, not random
        "path.simplify": False,
    }
    with matplotlib.rc_context(settings):
        yield


@contextlib.contextmanager
def every_glyph(font_family: str) -> Iterator[None]:
    """A glyph missing from the font (a blank box in print) is an error naming it, raised before
    the file it would be in replaces anything."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing = sorted({str(w.message) for w in caught if "missing from" in str(w.message)})
    if missing:
        raise FontMissing(f"the font {font_family} cannot write every character ({missing[0]}): give --font FILE")


def write_figure(draw, path: str | Path, dpi: int, font: str | None) -> Path:
    """``draw()``'s figure written atomically in the CJK font, without dates or random ids (the
    same bytes for the same figure)."""
    check_format(path)
    require_matplotlib()
    family, _ = cjk_font(font)
    path = Path(path)
    metadata = {".svg": {"Date": None}, ".pdf": {"CreationDate": None, "ModDate": None}, ".png": {"Software": None}}
    with printing(family), atomic_path(path) as tmp, every_glyph(family):
        draw().savefig(tmp, format=path.suffix[1:].lower(), dpi=dpi, metadata=metadata[path.suffix.lower()])
    return path


def check_format(path: str | Path) -> None:
    if Path(path).suffix.lower() not in FORMATS:
        raise UsageError(f"{path}: a figure is written as .svg, .pdf or .png")


def measuring_system(lon: float, lat: float) -> CRS:
    """The CGCS2000 3-degree Gauss-Kruger zone of a point in China (EPSG:4534 is CM 75°E, each next
    3° more), else its UTM zone on WGS84."""
    if 73.5 <= lon < 136.5 and 3 <= lat <= 54:
        return CRS.from_epsg(4534 + round((lon - 75) / 3))
    zone = int((lon + 180) // 6) + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


@dataclass
class Sheet:
    """Where the map lies on the paper and at what scale: the axes' box in figure fractions, the
    projected extent, the round scale, and the point scale factor at the centre."""

    crs: CRS
    box: tuple[float, float, float, float]
    limits: tuple[float, float, float, float]
    scale: float
    factor: float
    centre_lonlat: tuple[float, float]

    @classmethod
    def fit(cls, bounds_lonlat: np.ndarray, size_mm: tuple[float, float]) -> Sheet:
        lon, lat = (bounds_lonlat[0] + bounds_lonlat[2]) / 2, (bounds_lonlat[1] + bounds_lonlat[3]) / 2
        crs = measuring_system(lon, lat)
        to_grid = Transformer.from_crs(4326, crs, always_xy=True)
        corners = shapely.box(*bounds_lonlat).segmentize(abs(bounds_lonlat[2] - bounds_lonlat[0]) / 20 or 1e-6)
        xs, ys = to_grid.transform(*shapely.get_coordinates(corners).T)
        factor = Proj(crs).get_factors(lon, lat).meridional_scale
        width_mm = size_mm[0] - 2 * MARGIN_MM
        height_mm = size_mm[1] - 2 * MARGIN_MM - TITLE_MM - CREDITS_MM
        span = (np.ptp(xs) * (1 + 2 * PAD), np.ptp(ys) * (1 + 2 * PAD))
        need = max(span[0] / (width_mm / 1000), span[1] / (height_mm / 1000)) / factor
        scale = next((s for s in ROUND_SCALES if s >= need), ROUND_SCALES[-1])
        half_w, half_h = (d / 1000 * scale * factor / 2 for d in (width_mm, height_mm))
        cx, cy = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2
        w, h = size_mm
        box = (MARGIN_MM / w, (MARGIN_MM + CREDITS_MM) / h, width_mm / w, height_mm / h)
        return cls(crs, box, (cx - half_w, cx + half_w, cy - half_h, cy + half_h), scale, factor, (lon, lat))

    def convergence_deg(self) -> float:
        """How far true north is turned from the grid's north at the centre, clockwise."""
        return -Proj(self.crs).get_factors(*self.centre_lonlat).meridian_convergence


def draw_figure(layers: LayerSet, options: FigureOptions):
    """The figure of ``layers`` (matplotlib Figure, not yet written)."""
    from matplotlib.figure import Figure

    words = LABELS[options.lang]
    shown = [layers.zones] if layers.zones is not None else layers.all()
    bounds = np.array([layer.frame.total_bounds for layer in shown])
    extent = np.array([*bounds[:, :2].min(axis=0), *bounds[:, 2:].max(axis=0)])
    sheet = Sheet.fit(extent, options.size_mm)
    # Whole pixels at the figure's dpi: A4 at 300 dpi is 2480 x 3508, as print shops count it.
    figure = Figure(figsize=[round(mm / 25.4 * options.dpi) / options.dpi for mm in options.size_mm])
    axes = figure.add_axes(sheet.box)
    axes.patch.set_gid("frame")
    entries = _draw_layers(axes, layers, sheet, options, words)
    # After geopandas, which scales the axes to what it drew and names them after the system
    # (the credits name it): the sheet's extent at its round scale, no ticks.
    axes.set(xlim=sheet.limits[:2], ylim=sheet.limits[2:], xticks=[], yticks=[], xlabel="", ylabel="")
    axes.set_aspect("equal", adjustable="box")
    parts = [_legend(axes, entries, words), _scale_bar(axes, sheet, words), _north_arrow(axes, sheet, words)]
    _label_zones(figure, axes, layers, sheet, options, parts)
    figure.text(
        0.5,
        1 - (MARGIN_MM + TITLE_MM / 2) / options.size_mm[1],
        _title(layers, options),
        ha="center",
        va="center",
        fontsize=18,
        gid="title",
    )
    figure.text(
        sheet.box[0],
        sheet.box[1] - 2 / options.size_mm[1],
        _credits(layers, sheet, options, words),
        ha="left",
        va="top",
        fontsize=7,
        gid="credits",
        wrap=True,
    )
    return figure


def _projected(layer: Layer, sheet: Sheet) -> gpd.GeoSeries:
    return gpd.GeoSeries(layer.frame.geometry.to_numpy(), crs=4326).to_crs(sheet.crs)


def _draw_layers(axes, layers: LayerSet, sheet: Sheet, options: FigureOptions, words: dict) -> list[tuple]:
    """Districts, the boundary of the day, zones, points; the legend's entries (kind, style, label)."""
    from matplotlib.colors import to_rgba

    legend = []
    if layers.districts is not None:
        line = {"color": "#555555", "linewidth": 0.6, "linestyle": (0, (4, 3))}
        _outline(axes, _projected(layers.districts, sheet), "layer-districts", line)
        legend.append(("line", line, words["districts"] if layers.example else layers.districts.path.stem))
    if layers.history is not None:
        keep = valid_on(layers.history.frame, options.day) if VALID_FROM in layers.history.frame else slice(None)
        current = _projected(layers.history, sheet)[keep]
        if len(current):
            line = {"color": "#3f007d", "linewidth": 1.2, "linestyle": (0, (6, 4))}
            _outline(axes, current, "layer-history", line)
            legend.append(("line", line, words["figure_history"] if layers.example else layers.history.path.stem))
    if layers.zones is not None:
        colors = zone_colors(layers)
        faces = [to_rgba(c, 0.15) for c in colors]
        _plot(axes, _projected(layers.zones, sheet), "layer-zones", facecolor=faces, edgecolor=colors, linewidth=1.2)
        names, _ = titles(layers.zones, options.lang)
        legend += [("area", {"facecolor": f, "edgecolor": c}, str(n)) for f, c, n in zip(faces, colors, names)]
    palettes = point_palettes(layers, options.lang)
    for kind in ("landmarks", "enterprises"):
        layer = getattr(layers, kind)
        if layer is None:
            continue
        points = _projected(layer, sheet)
        palette = palettes[kind]
        groups = layer.column(layer.roles.group).astype(str) if layer.roles.group else None
        colors = [palette.colors.get(g, POINT_COLORS[-2]) for g in groups] if groups is not None else "#d62728"
        axes.scatter(
            points.x, points.y, s=14, c=colors, edgecolors="#222222", linewidths=0.4, zorder=4, gid=f"layer-{kind}"
        )
        entries = palette.legend() if groups is not None else [{"color": "#d62728", "label": layer.path.stem}]
        legend += [("point", {"color": e["color"]}, e["label"]) for e in entries]
    return legend


def _plot(axes, shapes: gpd.GeoSeries, gid: str, **style) -> None:
    """Polygons drawn by geopandas as one collection, named ``gid``."""
    before = len(axes.collections)
    shapes.plot(ax=axes, **style)
    for collection in axes.collections[before:]:
        collection.set_gid(gid)


def _outline(axes, shapes: gpd.GeoSeries, gid: str, line: dict) -> None:
    """Polygons drawn as outlines only, in the style of a legend's line."""
    _plot(
        axes,
        shapes,
        gid,
        facecolor="none",
        edgecolor=line["color"],
        linewidth=line["linewidth"],
        linestyle=line["linestyle"],
    )


def _label_zones(figure, axes, layers: LayerSet, sheet: Sheet, options: FigureOptions, parts: list) -> None:
    """Each zone's name inside it, largest zones first, moved within the zone where it would cover
    another's or a part of the figure (``parts``: legend, scale bar, north arrow); left out only
    where no place inside is free (the legend names every zone)."""
    if layers.zones is None:
        return
    shapes = _projected(layers.zones, sheet).to_numpy()
    names, _ = titles(layers.zones, options.lang)
    renderer = _renderer(figure)
    placed = [part.get_window_extent(renderer) for part in parts]
    order = np.argsort(-shapely.area(shapes), kind="stable")
    for count, i in enumerate(order):
        text = axes.text(
            0,
            0,
            str(names.iloc[i]),
            ha="center",
            va="center",
            fontsize=8,
            zorder=5,
            gid=f"zone-label-{count + 1}",
            clip_on=True,
        )
        for x, y in _places_inside(shapes[i]):  # the label's centre, inside the zone
            text.set_position((x, y))
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
        else:
            text.remove()


def _places_inside(shape) -> Iterator[tuple[float, float]]:
    """Where a label may go: the polygon's inner point, then points of a grid over it, inside it."""
    point = shape.point_on_surface()
    yield point.x, point.y
    minx, miny, maxx, maxy = shape.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 9)[1:-1], np.linspace(miny, maxy, 9)[1:-1])
    grid = shapely.points(xs.ravel(), ys.ravel())
    for p in grid[shapely.contains(shape, grid)]:
        yield p.x, p.y


def _renderer(figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    return canvas.get_renderer()


def _legend(axes, entries: list[tuple], words: dict):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for kind, style, label in entries:
        if kind == "area":
            handles.append(Patch(label=label, linewidth=1.2, **style))
        elif kind == "line":
            handles.append(Line2D([], [], label=label, **style))
        else:
            handles.append(
                Line2D(
                    [],
                    [],
                    label=label,
                    marker="o",
                    linestyle="none",
                    markersize=5,
                    markerfacecolor=style["color"],
                    markeredgecolor="#222222",
                    markeredgewidth=0.4,
                )
            )
    legend = axes.legend(
        handles=handles,
        title=words["legend"],
        loc="best",
        fontsize=7,
        title_fontsize=8,
        frameon=True,
        framealpha=0.9,
        edgecolor="#333333",
    )
    legend.set_gid("legend")
    legend.set_zorder(6)
    return legend


def _scale_bar(axes, sheet: Sheet, words: dict):
    """A round length on the ground, about a fifth of the map's width, drawn at its projected
    length at the centre (the ground length times the point scale factor)."""
    from matplotlib.font_manager import FontProperties
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    ground_width = (sheet.limits[1] - sheet.limits[0]) / sheet.factor
    length = max((n for n in NICE_LENGTHS if n <= ground_width / 5), default=NICE_LENGTHS[0])
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    bar = _in_one_group(AnchoredSizeBar)(
        axes.transData,
        length * sheet.factor,
        f"{label}    {words['scale']} 1:{sheet.scale:,.0f}",
        loc="lower left",
        pad=0.6,
        sep=3,
        frameon=False,
        size_vertical=0,
        fontproperties=FontProperties(size=7),
    )
    bar.set_gid("scale-bar")
    bar.set_zorder(6)
    axes.add_artist(bar)
    return bar


def _north_arrow(axes, sheet: Sheet, words: dict):
    """An arrow to true north at the centre: the grid's north turned by the convergence."""
    from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, TextArea, VPacker
    from matplotlib.patches import Polygon

    turn = math.radians(sheet.convergence_deg())
    size = 24.0  # points
    shape = np.array([(0, 1), (0.38, -0.7), (0, -0.35), (-0.38, -0.7)]) * size / 2  # tip, wing, notch, wing
    rotation = np.array([[math.cos(turn), math.sin(turn)], [-math.sin(turn), math.cos(turn)]])
    area = DrawingArea(size, size, 0, 0)
    area.add_artist(Polygon(shape @ rotation.T + size / 2, closed=True, facecolor="#222222", edgecolor="#222222"))
    label = TextArea(words["north"], textprops={"fontsize": 9, "ha": "center"})
    box = _in_one_group(AnchoredOffsetbox)(
        "upper left", child=VPacker(children=[label, area], align="center", pad=0, sep=2), pad=0.6, frameon=False
    )
    box.set_gid("north-arrow")
    box.set_zorder(6)
    axes.add_artist(box)
    return box


def _in_one_group(box_class: type) -> type:
    """An anchored box drawn as one SVG group named by its gid (matplotlib groups most artists by
    their gid, but not these boxes), so that a designer moves it as one."""

    class Grouped(box_class):
        def draw(self, renderer) -> None:
            renderer.open_group(self.get_gid(), gid=self.get_gid())
            super().draw(renderer)
            renderer.close_group(self.get_gid())

    return Grouped


def _title(layers: LayerSet, options: FigureOptions) -> str:
    if options.title:
        return options.title
    if layers.example:
        return LABELS[options.lang]["title"]
    return next(layer.path.stem for layer in layers.all())


def _credits(layers: LayerSet, sheet: Sheet, options: FigureOptions, words: dict) -> str:
    """制图单位, date, sources, the coordinate system; for the example, that its boundaries are schematic."""
    parts = []
    if options.credit:
        parts.append(f"{words['figure_credit']}{options.credit}")
    parts.append(f"{words['figure_date']}{options.day.isoformat()}")
    parts.append(f"{words['figure_sources']}{_sources(layers)}")
    parts.append(f"{words['figure_system']}{sheet.crs.name}")
    if layers.example:
        parts.append(words["schematic"])
    return words["figure_separator"].join(parts)


def _sources(layers: LayerSet) -> str:
    """The example's sources by their titles; a user's layers by their files."""
    if not layers.example:
        return "、".join(layer.path.name for layer in layers.all())
    cited = []
    for layer in layers.all():
        if "sources" in layer.frame:
            for value in layer.frame["sources"].dropna():
                cited += [str(v) for v in np.atleast_1d(value) if str(v) not in cited]
    known = known_sources()
    return "；".join(known[c].short if c in known else c for c in cited)


def render_figure(layers: LayerSet, options: FigureOptions, path: str | Path) -> Path:
    """Draw the figure of ``layers`` and write it to ``path`` (.svg, .pdf or .png)."""
    return write_figure(lambda: draw_figure(layers, options), path, options.dpi, options.font)
