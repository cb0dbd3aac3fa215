"""`geo area --overlay`: class areas inside each zone against an independent computation, the
survey method against a map sheet in closed form, and the districts example."""

from __future__ import annotations

import itertools
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer

from geo.crs import wgs84_to_gcj02
from geo.inputs import load_layers
from geo.layers import read_layer
from geo.measure import geodesic_area_m2, survey_area_m2
from geo.overlay import OverlaySummary, meeting, overlay_areas, search_boxes, unions_by
from geo.reading import ReadOptions, boxes_in
from tests.builders import LAYERS, PARCEL_CLASSES, feature, feature_collection, parcel_grid
from tests.builders import OVERLAY_ZONES as ZONES

GEOD = Geod(ellps="WGS84")


def geod_area(geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(geometry))[0]) if geometry is not None else 0.0


def along_geodesics(shape, step_m: float = 50.0):
    """A zone with vertices along its geodesic edges (pyproj's npts), so that a cut follows its edge."""
    if shape.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([along_geodesics(part, step_m) for part in shape.geoms])

    def ring(coords) -> list:
        points = []
        for (x1, y1), (x2, y2) in itertools.pairwise(np.asarray(coords)):
            count = int(np.ceil(GEOD.inv(x1, y1, x2, y2)[2] / step_m)) - 1
            points += [(x1, y1), *(GEOD.npts(x1, y1, x2, y2, count) if count > 0 else [])]
        return points

    return shapely.Polygon(ring(shape.exterior.coords), [ring(r.coords) for r in shape.interiors])


def independent(zones: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame) -> dict:
    """The definitions computed the plain way: geopandas unions and intersections, pyproj.Geod areas."""
    result = {}
    for zone_id, zone in zip(zones["id"], zones.geometry.map(along_geodesics)):
        classes = {
            name: geod_area(shapely.intersection(zone, group.geometry.union_all()))
            for name, group in parcels.groupby("DLMC")
        }
        covered = geod_area(shapely.intersection(zone, parcels.geometry.union_all()))
        result[zone_id] = {
            "classes": classes,
            "uncovered": geod_area(zone) - covered,
            "overlap": sum(classes.values()) - covered,
        }
    return result


def assert_matches(document: dict, truth: dict) -> None:
    """Each zone's class areas, uncovered and overlap (an overlay's JSON) equal the independent ones."""
    for zone in document["features"]:
        expected = truth[zone["id"]]
        for name, area in expected["classes"].items():
            assert zone["classes"][name]["area_m2"] == pytest.approx(area, rel=1e-6, abs=0.01), (zone["id"], name)
        assert zone["uncovered_m2"] == pytest.approx(expected["uncovered"], rel=1e-6, abs=0.01)
        assert zone["overlap_m2"] == pytest.approx(expected["overlap"], rel=1e-6, abs=0.01)


def write(frame: gpd.GeoDataFrame, path) -> str:
    frame.to_file(path, driver="GeoJSON")
    return str(path)


@pytest.fixture
def grid_files(tmp_path):
    return write(ZONES, tmp_path / "zones.geojson"), write(parcel_grid(), tmp_path / "dltb.geojson")


def test_class_areas_uncovered_and_overlap_match_an_independent_computation(run, grid_files):
    zones, parcels = grid_files
    result = run("area", zones, "--overlay", parcels, "--by", "DLMC", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    truth = independent(gpd.read_file(zones), gpd.read_file(parcels))
    assert_matches(document, truth)
    for zone in document["features"]:
        parts = sum(c["area_m2"] for c in zone["classes"].values()) - zone["overlap_m2"] + zone["uncovered_m2"]
        assert parts == pytest.approx(zone["area_m2"], rel=1e-12)
    assert sum(truth[z]["overlap"] for z in truth) > 1000  # the grid has real overlaps and gaps
    assert sum(truth[z]["uncovered"] for z in truth) > 1000
    assert "features overlap others" in result.stderr


def test_overlaps_within_one_class_are_merged_and_are_no_overlap(run, tmp_path):
    """Cells drawn twice and a box across two cells, each under the class of what it lies on: the
    class areas are their unions, and no overlap is reported, as none is between classes."""
    grid = parcel_grid(gaps=False, overlaps=False)
    twice = grid.iloc[[100, 101, 250]]
    across = grid.iloc[[400]].assign(geometry=grid.geometry.iloc[[400]].union(grid.geometry.iloc[401]).buffer(-1e-5))
    same_class = across.assign(DLMC=grid["DLMC"].iloc[400])
    grid.loc[401, "DLMC"] = grid.loc[400, "DLMC"]
    layer = pd.concat([grid, twice, same_class], ignore_index=True)
    zones = write(ZONES, tmp_path / "zones.geojson")
    parcels = write(gpd.GeoDataFrame(layer, crs=4326), tmp_path / "twice.geojson")
    result = run("area", zones, "--overlay", parcels, "--by", "DLMC", "--format", "json")
    document = json.loads(result.stdout)
    assert_matches(document, independent(gpd.read_file(zones), gpd.read_file(parcels)))
    assert all(zone["overlap_m2"] == 0 for zone in document["features"])
    assert "9 features overlap others" in result.stderr  # 3 cells and their copies; the box and its 2 cells


def test_a_clean_coverage_reports_no_overlap_and_no_warning(run, tmp_path):
    zones = write(ZONES, tmp_path / "zones.geojson")
    parcels = write(parcel_grid(gaps=False, overlaps=False), tmp_path / "clean.geojson")
    result = run("area", zones, "--overlay", parcels, "--by", "DLMC", "--format", "json")
    document = json.loads(result.stdout)
    assert all(z["overlap_m2"] == 0 for z in document["features"])
    assert "overlap" not in result.stderr
    inside = document["features"][0]  # z1 lies inside the grid
    assert inside["uncovered_m2"] == pytest.approx(0, abs=0.01)
    survey_args = ("--by", "DLMC", "--method", "survey", "--format", "json")
    survey = json.loads(run("area", zones, "--overlay", parcels, *survey_args).stdout)
    assert survey["features"][0]["uncovered_m2"] == pytest.approx(0, abs=0.01)
    shares = sum(c["share_pct"] for c in inside["classes"].values())
    assert shares == pytest.approx(100, abs=1e-6)


def test_the_table_is_a_zone_by_class_matrix(run, grid_files):
    zones, parcels = grid_files
    lines = run("area", zones, "--overlay", parcels, "--by", "DLMC", "--units", "ha").stdout.splitlines()
    header = lines[1].split()
    assert header[:3] == ["id", "name", "zone"] and header[-2:] == ["uncovered", "overlap"]
    assert [line.split()[0] for line in lines[3:]] == ["z1", "z2", "total"]


def test_the_csv_says_the_unit_of_every_figure(run, grid_files, tmp_path):
    """A CSV has no title to carry the unit: each figure's field names it, a table per unit."""
    zones, parcels = grid_files
    out = tmp_path / "classes.csv"
    assert run("area", zones, "--overlay", parcels, "--by", "DLMC", "--units", "ha,mu", "-o", out).exit_code == 0
    ha, mu = (table.splitlines() for table in out.read_text(encoding="utf-8-sig").split("\n\n"))
    assert ha[0].split(",")[2] == "area_ha" and ha[0].endswith("uncovered_ha,overlap_ha")
    assert f"class:{PARCEL_CLASSES[0]}_mu" in mu[0].split(",")
    assert float(mu[1].split(",")[2]) == pytest.approx(float(ha[1].split(",")[2]) * 15, rel=1e-12)


def test_overlay_needs_by_and_a_field_it_has(run, grid_files):
    zones, parcels = grid_files
    assert run("area", zones, "--overlay", parcels).exit_code == 2
    missing = run("area", zones, "--overlay", parcels, "--by", "DLBM")
    assert missing.exit_code == 1 and "no field 'DLBM'" in missing.stderr and "DLMC" in missing.stderr


@pytest.mark.parametrize("suffix", [".geojson", ".shp"])
def test_by_a_field_named_in_other_case_reads_it_and_says_so(run, tmp_path, suffix):
    """A DBF's field names are not case-sensitive in the GIS an office uses: --by dlmc is DLMC."""
    zones = write(ZONES, tmp_path / "zones.geojson")
    parcels = tmp_path / f"dltb{suffix}"
    parcel_grid(gaps=False, overlaps=False).to_file(parcels, engine="pyogrio")
    result = run("area", zones, "--overlay", parcels, "--by", "dlmc", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "has no field 'dlmc': read 'DLMC'" in result.stderr
    exact = json.loads(run("area", zones, "--overlay", parcels, "--by", "DLMC", "--format", "json").stdout)
    assert json.loads(result.stdout)["features"] == exact["features"]


SHEET = shapely.box(112 + 33 / 60 + 45 / 3600, 26 + 52.5 / 60, 112 + 37.5 / 60, 26 + 55 / 60)


def test_survey_method_gives_the_map_sheets_closed_form_area(run, write_layer):
    """The 1:10000 sheet 26°52′30″–26°55′N × 112°33′45″–112°37′30″E on CGCS2000, by its four corners."""
    assert survey_area_m2(np.array([SHEET]))[0] == pytest.approx(28_665_999.387, abs=0.001)
    geodesic = geodesic_area_m2(np.array([SHEET]))[0]
    assert geodesic - 28_665_999.387 == pytest.approx(1.1, abs=0.05)  # geodesic edges enclose a little more
    path = write_layer(feature_collection([feature(shapely.geometry.mapping(SHEET), id="sheet")]))
    document = json.loads(run("area", path, "--method", "survey", "--format", "json", "--units", "m2").stdout)
    assert document["features"][0]["area_m2"] == pytest.approx(28_665_999.387, abs=0.001)


def test_vectorised_geodesic_areas_equal_pyproj_geod():
    rng = np.random.default_rng(3)
    shapes = []
    for _ in range(400):
        cx, cy, radius = 112.5 + rng.uniform(-2, 2), rng.uniform(-60, 60), 10 ** rng.uniform(-3, -1.2)
        angles = np.sort(rng.uniform(0, 2 * np.pi, rng.integers(3, 25)))
        ring = np.column_stack([cx + radius * np.cos(angles), cy + radius * np.sin(angles)])
        shapes.append(shapely.Polygon(ring).buffer(radius / 5))  # holes-free, valid, many short edges
    shapes.append(shapely.box(112, 26, 112.2, 26.2).difference(shapely.box(112.05, 26.05, 112.1, 26.1)))  # a hole
    shapes.append(shapely.Polygon([(100, 20), (110, 21), (105, 30)]))  # edges of 1,000 km: Geod itself
    shapes = np.array(shapes)
    truth = np.array([geod_area(s) for s in shapes])
    np.testing.assert_allclose(geodesic_area_m2(shapes), truth, rtol=1e-6, atol=0.1)


def test_the_districts_example_matches_the_shipped_layers(run):
    result = run("area", LAYERS / "zones.geojson", "--overlay", LAYERS / "districts.geojson", "--by", "name_zh")
    assert result.exit_code == 0 and "蒸湘区" in result.stdout
    layers = load_layers()
    summary = overlay_areas(layers.zones, layers.districts, "name_zh")
    districts = read_layer(LAYERS / "districts.geojson").frame
    for zone, row in zip(layers.zones.frame.geometry.map(along_geodesics), summary.class_m2):
        for name, area in zip(summary.classes, row):
            district = districts.loc[districts["name_zh"] == name].geometry.iloc[0]
            assert area == pytest.approx(geod_area(shapely.intersection(zone, district)), rel=1e-6, abs=0.1)
    baishazhou = summary.class_m2[summary.ids.index("baishazhou")]
    assert baishazhou[summary.classes.index("珠晖区")] > 0 and baishazhou[summary.classes.index("雁峰区")] > 0
    assert summary.uncovered_m2 == pytest.approx(np.zeros(5), abs=1.0)  # the parts are drawn inside the districts


def with_bow_tie(parcels: gpd.GeoDataFrame, x: float, y: float, size: float = 0.001) -> gpd.GeoDataFrame:
    """The parcels and one more: a ring crossing itself, its two lobes unequal (so that it has an
    area), which is invalid."""
    ring = shapely.Polygon([(x, y), (x + size, y + 2 * size), (x + size, y), (x, y + size)])
    return pd.concat([parcels, gpd.GeoDataFrame({"DLMC": ["0101 水田"]}, geometry=[ring], crs=4326)])


def test_only_features_that_meet_a_zone_are_checked_and_repaired(run, tmp_path):
    zones = write(ZONES, tmp_path / "zones.geojson")
    grid = parcel_grid(gaps=False, overlaps=False)
    far = write(with_bow_tie(grid, 112.7, 26.7), tmp_path / "far.geojson")
    result = run("area", zones, "--overlay", far, "--by", "DLMC")
    assert result.exit_code == 0, result.stderr  # a broken parcel outside every zone stops nothing

    path = write(with_bow_tie(grid, 112.56, 26.86), tmp_path / "inside.geojson")
    refused = run("area", zones, "--overlay", path, "--by", "DLMC")
    assert refused.exit_code == 1 and f"#{len(grid)}" in refused.stderr and "--repair" in refused.stderr
    repaired = run("area", zones, "--overlay", path, "--by", "DLMC", "--repair")
    assert repaired.exit_code == 0 and "repaired with make_valid" in repaired.stderr


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.sampled_from([0.0005, 0.002, 0.01]))
def test_meeting_pairs_and_parcels_inside_are_shapelys_own_predicates(seed, size):
    """Which parcels meet a zone and which lie in its interior, found from boxes and one point of
    each, are intersects and contains_properly: parcels across edges, on them, in a hole, in
    another part, with edges on the zone's own (a grid whose lines a zone's edges follow)."""
    rng = np.random.default_rng(seed)
    holed = shapely.Polygon(
        [(112.55, 26.85), (112.60, 26.85), (112.60, 26.90), (112.55, 26.90)],
        [[(112.56, 26.86), (112.58, 26.86), (112.58, 26.88), (112.56, 26.88)]],
    )
    parts = shapely.MultiPolygon([shapely.box(112.61, 26.85, 112.63, 26.87), shapely.box(112.64, 26.85, 112.66, 26.87)])
    zones = np.array([holed, parts, shapely.Polygon([(112.55, 26.91), (112.65, 26.93), (112.6, 26.96)])])
    corners = np.round(rng.uniform([112.54, 26.84], [112.67, 26.97], (300, 2)) / size) * size
    parcels = shapely.box(*corners.T, *(corners + size * rng.integers(1, 4, (300, 2))).T)
    met = meeting(zones, parcels)
    zone_of, parcel_of = (a.ravel() for a in np.meshgrid(np.arange(len(zones)), np.arange(len(parcels))))
    meets = shapely.intersects(zones[zone_of], parcels[parcel_of])
    assert set(zip(met.zone_of, met.parcel_of)) == set(zip(zone_of[meets], parcel_of[meets]))
    inside = shapely.contains_properly(zones[met.zone_of], parcels[met.parcel_of])
    assert np.array_equal(met.inside, inside)
    assert np.array_equal(met.involved, np.unique(parcel_of[meets]))


def test_unions_by_key_equal_union_all_of_each_group():
    """Groups of one, of a feature drawn twice (its own union), of two that overlap, of three."""
    a, b, c = shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3), shapely.box(2, 0, 4, 1)
    geoms = np.array([a, a, b, c, a, b, c, b], dtype=object)
    keys = np.array([7, 7, 3, 3, 5, 1, 1, 1])
    groups, first, unions = unions_by(keys, geoms)
    assert groups.tolist() == [1, 3, 5, 7] and first.tolist() == [5, 2, 4, 0]
    for key, union in zip(groups, unions):
        assert shapely.equals(union, shapely.union_all(geoms[keys == key]))


def test_a_remainder_within_rounding_is_no_uncovered_area():
    """Pieces cut and summed drift from the zone's own area by up to 2e-9 of it (0.007 m² of 3.6 km²
    on a Gauss-Kruger survey layer): that is shown as 0, not as 7e-7 ha in a CSV, while a real gap
    of a square metre is kept."""
    zone = 3_600_000.0
    summary = OverlaySummary(
        ids=["a", "b"], names=["a", "b"], zone_m2=np.array([zone, zone]), classes=["x"],
        class_m2=np.array([[zone - 0.007], [zone - 1.0]]), overlap_m2=np.zeros(2), by="DLMC", method="geodesic",
    )  # fmt: skip
    assert summary.uncovered_m2.tolist() == [0.0, pytest.approx(1.0)]


@pytest.mark.parametrize("system", ["EPSG:4547", "gcj02", "wgs84"])
def test_boxes_moved_into_a_files_system_hold_every_point_of_the_box(system):
    """Sampled points of a WGS84 box, moved by pyproj (or the GCJ-02 formula), fall inside the box
    that the overlay searches the file with."""
    box = np.array([[112.55, 26.85, 112.62, 26.9]])
    found = boxes_in(box, system)[0]
    lon, lat = (a.ravel() for a in np.meshgrid(np.linspace(112.55, 112.62, 41), np.linspace(26.85, 26.9, 41)))
    if system == "EPSG:4547":
        x, y = Transformer.from_crs(4326, 4547, always_xy=True).transform(lon, lat)
    else:
        x, y = wgs84_to_gcj02(lon, lat) if system == "gcj02" else (lon, lat)
    assert (found[0] <= x).all() and (x <= found[2]).all() and (found[1] <= y).all() and (y <= found[3]).all()
    assert found[2] - found[0] < 1.05 * (x.max() - x.min())  # and hardly more


def city_layer(tmp_path) -> tuple[gpd.GeoDataFrame, str]:
    """The clean grid around the zones, and a block of parcels far to the east with a broken one."""
    near = parcel_grid(gaps=False, overlaps=False)
    block = parcel_grid(n=10, gaps=False, overlaps=False)
    far = with_bow_tie(block.set_geometry(block.translate(xoff=0.5)), 113.06, 26.87)
    city = pd.concat([near, far.assign(id=[f"f{k}" for k in range(len(far))])], ignore_index=True)
    return city, write(city, tmp_path / "city.geojson")


def test_a_city_layer_with_a_spatial_index_is_read_only_around_the_zones(run, tmp_path):
    """A GeoPackage in Gauss-Krüger gives the figures of the same parcels read whole from GeoJSON,
    reading only the parcels near the zones; features are named by their FIDs, as a GIS shows them."""
    zones = write(ZONES, tmp_path / "zones.geojson")
    city, whole = city_layer(tmp_path)
    indexed = tmp_path / "city.gpkg"
    city.to_crs(4547).to_file(indexed, engine="pyogrio")
    args = ("--overlay", "--by", "DLMC", "--format", "json")
    expected = json.loads(run("area", zones, *args[:1], whole, *args[1:]).stdout)
    result = run("area", zones, *args[:1], indexed, *args[1:])
    assert result.exit_code == 0, result.stderr  # the broken parcel far away is not even read
    for ours, theirs in zip(json.loads(result.stdout)["features"], expected["features"]):
        for name, figures in theirs["classes"].items():
            assert ours["classes"][name]["area_m2"] == pytest.approx(figures["area_m2"], rel=1e-9)

    near = search_boxes([read_layer(zones)], "geodesic")
    read = read_layer(indexed, options=ReadOptions(columns=("DLMC",), near=near), checked=False).frame
    meet = np.unique(shapely.STRtree(city.geometry.values).query(ZONES.geometry.values, predicate="intersects")[1])
    assert len(meet) <= len(read) < len(city) - 100  # the far block is left unread
    assert {f"#{k + 1}" for k in meet} <= set(read["_label"])  # a GeoPackage's FIDs start at 1


def test_a_file_without_a_spatial_index_is_read_whole(tmp_path):
    city, _ = city_layer(tmp_path)
    plain = tmp_path / "city.shp"
    city.to_file(plain, engine="pyogrio", layer_options={"SPATIAL_INDEX": "NO"})
    near = search_boxes([read_layer(write(ZONES, tmp_path / "zones.geojson"))], "geodesic")
    read = read_layer(plain, options=ReadOptions(columns=("DLMC",), near=near), checked=False).frame
    assert len(read) == len(city) and read["_label"].iloc[0] == "#0"  # a Shapefile's FIDs start at 0


def test_zones_beyond_an_indexed_layer_are_all_uncovered(run, tmp_path):
    """Nothing of the layer lies near the zones: nothing is read, and each zone is uncovered whole."""
    zones = write(ZONES.set_geometry(ZONES.translate(xoff=1.0)), tmp_path / "zones.geojson")
    indexed = tmp_path / "city.gpkg"
    parcel_grid(gaps=False, overlaps=False).to_file(indexed, engine="pyogrio")
    result = run("area", zones, "--overlay", indexed, "--by", "DLMC", "--format", "json")
    assert result.exit_code == 0, result.stderr
    for zone in json.loads(result.stdout)["features"]:
        assert zone["uncovered_m2"] == pytest.approx(zone["area_m2"], rel=1e-12) and zone["classes"] == {}
