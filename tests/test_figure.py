"""`geo figure` and `geo area --chart`: the SVG's parts as groups holding their text, a 10 km
square measured with the drawn scale bar, the north arrow against the meridian convergence from
pyproj, no missing glyph, PDF text and embedded fonts, pixel size, byte-identical builds, English
names, and the chart's classes."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer

pytest.importorskip("matplotlib")

SVG = "{http://www.w3.org/2000/svg}"
GEOD = Geod(ellps="WGS84")
ZONE_NAMES = ["核心区", "钢管深加工产业聚集区", "南方输变电产业园", "衡山科学城", "白沙洲工业园"]


def groups(path) -> dict[str, ET.Element]:
    return {g.get("id"): g for g in ET.parse(path).getroot().iter(f"{SVG}g") if g.get("id")}


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in element.iter(f"{SVG}text")]


def points(element: ET.Element) -> np.ndarray:
    """Every coordinate pair of the paths in an SVG group (matplotlib writes absolute M/L paths)."""
    numbers = [float(v) for p in element.iter(f"{SVG}path") for v in re.findall(r"-?\d+(?:\.\d+)?", p.get("d"))]
    return np.array(numbers).reshape(-1, 2)


@pytest.fixture(scope="module")
def example_svg(tmp_path_factory):
    from click.testing import CliRunner

    from geo.cli import main

    path = tmp_path_factory.mktemp("figure") / "hengyang.svg"
    result = CliRunner().invoke(main, ["figure", "-o", str(path), "--credit", "衡阳高新区规划局"])
    assert result.exit_code == 0, result.output
    return path


def test_every_part_is_a_group_holding_its_text(example_svg):
    found = groups(example_svg)
    for part in ("title", "legend", "scale-bar", "north-arrow", "credits", "layer-zones", "layer-districts",
                 "layer-landmarks", "layer-enterprises", "layer-history"):  # fmt: skip
        assert part in found, part
    assert texts(found["title"]) == ["衡阳国家高新技术产业开发区"]
    legend = texts(found["legend"])
    assert legend[0] == "图例"
    assert all(name in legend for name in ZONE_NAMES)
    assert "核准范围" in legend and "教育" in legend  # the approved boundary, a landmark category
    credits = " ".join(texts(found["credits"]))
    assert "制图单位：衡阳高新区规划局" in credits and "CGCS2000" in credits and "示意边界" in credits
    assert "北" in texts(found["north-arrow"])
    labels = [" ".join(texts(g)) for gid, g in found.items() if gid.startswith("zone-label-")]
    assert sorted(labels) == sorted(ZONE_NAMES)


def square_zone(tmp_path, side_m: float = 10_000, at=(112.62, 26.88)):
    """A zone 10 km square on the ground: its corners a geodesic 5 km east/west and north/south of
    the centre's parallels and meridian."""
    lon, lat = at
    half = side_m / 2
    north = GEOD.fwd(lon, lat, 0, half)[1]
    south = GEOD.fwd(lon, lat, 180, half)[1]
    east = GEOD.fwd(lon, lat, 90, half)[0]
    west = GEOD.fwd(lon, lat, 270, half)[0]
    zone = gpd.GeoDataFrame(
        {"id": ["sq"], "name": ["试验区"]}, geometry=[shapely.box(west, south, east, north)], crs=4326
    )
    path = tmp_path / "square.geojson"
    zone.to_file(path, driver="GeoJSON")
    return path


def test_a_ten_km_square_measures_ten_km_with_the_drawn_scale_bar(run, tmp_path):
    zone = square_zone(tmp_path)
    out = tmp_path / "square.svg"
    result = run("figure", "--zones", zone, "-o", out)
    assert result.exit_code == 0, result.output
    found = groups(out)
    corners = np.unique(points(found["layer-zones"]).round(3), axis=0)
    assert len(corners) == 4
    bar = points(found["scale-bar"])
    bar_km = float(re.match(r"([\d.]+) km", texts(found["scale-bar"])[0])[1])
    km_per_unit = bar_km / np.ptp(bar[:, 0])
    lower = corners[np.argsort(corners[:, 1])]  # SVG's y runs down: the last two are the southern corners
    north_side, south_side = (np.hypot(*(pair[0] - pair[1])) * km_per_unit for pair in (lower[:2], lower[2:]))
    west, south, east, north = gpd.read_file(zone).total_bounds
    for drawn, lat in ((north_side, north), (south_side, south)):
        assert drawn == pytest.approx(GEOD.inv(west, lat, east, lat)[2] / 1000, rel=0.01)
        assert drawn == pytest.approx(10.0, rel=0.01)


def test_the_north_arrow_turns_by_the_meridian_convergence(run, tmp_path):
    """1.4° west of the zone's central meridian (114°E) the convergence is 0.63°: the arrow's
    tip-to-notch direction (its first and third vertices) is the meridian's direction in the grid."""
    at = (112.62, 26.88)
    zone = square_zone(tmp_path, at=at)
    out = tmp_path / "north.svg"
    assert run("figure", "--zones", zone, "-o", out).exit_code == 0
    arrow = points(groups(out)["north-arrow"])
    tip, notch = arrow[0], arrow[2]
    drawn = math.degrees(math.atan2(tip[0] - notch[0], notch[1] - tip[1]))  # clockwise from up; SVG y runs down
    to_grid = Transformer.from_crs(4326, 4547, always_xy=True)  # CGCS2000 3-degree Gauss-Kruger CM 114E
    x0, y0 = to_grid.transform(*at)
    x1, y1 = to_grid.transform(at[0], at[1] + 0.01)
    meridian = math.degrees(math.atan2(x1 - x0, y1 - y0))
    assert abs(meridian) > 0.5  # the test means something
    assert drawn == pytest.approx(meridian, abs=0.1)


def test_pdf_text_extracts_and_every_font_is_embedded(run, tmp_path):
    import pypdf

    out = tmp_path / "hengyang.pdf"
    assert run("figure", "-o", out).exit_code == 0
    page = pypdf.PdfReader(out).pages[0]
    text = page.extract_text()
    assert all(name in text for name in ZONE_NAMES) and "图例" in text
    fonts = page["/Resources"]["/Font"]
    assert len(fonts) > 0
    for name in fonts:
        font = fonts[name].get_object()
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)[
            "/FontDescriptor"
        ]
        assert any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_a4_at_300_dpi_is_2480_by_3508_and_landscape_turns_it(run, tmp_path):
    from PIL import Image

    sizes = [([], (2480, 3508)), (["--landscape"], (3508, 2480)), (["--size", "A3", "--dpi", "150"], (1754, 2480))]
    for args, size in sizes:
        out = tmp_path / "size.png"
        assert run("figure", "-o", out, *args).exit_code == 0
        with Image.open(out) as image:
            assert image.size == size, args


def test_two_builds_are_byte_identical(run, tmp_path):
    for suffix in ("svg", "pdf"):
        first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
        assert run("figure", "-o", first).exit_code == 0
        assert run("figure", "-o", second).exit_code == 0
        assert first.read_bytes() == second.read_bytes(), suffix


def test_english_names_with_lang_en(run, tmp_path):
    out = tmp_path / "en.svg"
    assert run("figure", "-o", out, "--lang", "en").exit_code == 0
    found = groups(out)
    legend = texts(found["legend"])
    assert legend[0] == "Legend" and "Core Area" in legend and "Baishazhou Industrial Park" in legend
    assert texts(found["title"]) == ["Hengyang National High-tech Industrial Development Zone"]


def test_a_font_without_chinese_is_refused_before_anything_is_written(run, tmp_path):
    """The check that fails on a missing glyph: matplotlib's own font has no Chinese."""
    import matplotlib

    latin = f"{matplotlib.get_data_path()}/fonts/ttf/DejaVuSans.ttf"
    out = tmp_path / "tofu.svg"
    result = run("figure", "-o", out, "--font", latin)
    assert result.exit_code == 1
    assert "cannot write every character" in result.stderr and "--font" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "map.jpg"], "written as .svg, .pdf or .png"),
        (["-o", "map.svg", "--size", "B5"], "give A4, A3 or WIDTHxHEIGHT"),
        (["-o", "map.svg", "--font", "nothing.ttf"], "no such font file"),
    ],
)
def test_wrong_options_are_one_line(run, tmp_path, args, message):
    result = run("figure", *[str(tmp_path / a) if a.endswith((".jpg", ".svg")) else a for a in args])
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_without_matplotlib_the_error_names_the_extra(tmp_path):
    code = "import sys; sys.modules['matplotlib'] = None; from geo.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", code, "figure", "-o", str(tmp_path / "a.svg")],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 1
    assert "pip install 'hengyang-geo[figure]'" in result.stderr and "Traceback" not in result.stderr


def test_the_chart_names_each_class_and_keeps_their_colours(run, tmp_path):
    from tests.builders import OVERLAY_ZONES, parcel_grid

    OVERLAY_ZONES.to_file(tmp_path / "zones.geojson", driver="GeoJSON")
    grid = parcel_grid(gaps=True, overlaps=False)
    grid.to_file(tmp_path / "dltb.gpkg", driver="GPKG")
    out = tmp_path / "chart.svg"
    result = run("area", tmp_path / "zones.geojson", "--overlay", tmp_path / "dltb.gpkg", "--by", "DLMC",
                 "--chart", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    legend = texts(groups(out)["legend"])
    assert set(grid["DLMC"]) | {"未覆盖"} == set(legend)
    all_text = " ".join(t for g in [ET.parse(out).getroot()] for t in texts(g))
    assert "一区" in all_text and "二区" in all_text


def test_a_chart_needs_an_overlay(run, tmp_path):
    result = run("area", "--chart", tmp_path / "chart.svg")
    assert result.exit_code == 2 and "--chart draws an --overlay's breakdown" in result.stderr
