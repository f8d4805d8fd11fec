"""Heritage protection sites: the real fifth batch (2018-16), a synthetic fourth batch in
another layout, eras, places, offline geocoding and the counts per county."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from etl.dictionary import dataset
from etl.extractors import Context, heritage
from etl.geo.geocode import Geocoder, parse_address, read_zones
from etl.normalize import parse_cn_years
from etl.paths import GEO_DIR, REFERENCE_DIR
from etl.pipeline import assemble
from etl.read import read_text
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def sites(build):
    return build.frames["heritage_sites"].set_index("site_id")


@pytest.fixture(scope="module")
def places(build):
    return build.frames["heritage_site_places"]


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder(REFERENCE_DIR, GEO_DIR, online=False)


@pytest.fixture(scope="module")
def zones():
    return read_zones(REFERENCE_DIR / "zones.csv")


# --- the fifth batch, as printed ----------------------------------------------------------


def test_twenty_three_sites_of_the_fifth_batch(sites):
    assert list(sites.index) == [f"5-{k}" for k in range(1, 24)]
    assert set(sites["batch"]) == {5}
    assert set(sites["level"]) == {"市级"}
    assert set(sites["announce_doc"]) == {"连政发〔2018〕141号"}
    assert set(sites["announced_on"]) == {pd.Timestamp(date(2018, 11, 13))}
    assert set(sites["source_issue"]) == {"2018-16"}
    assert list(sites["source_line"]) == list(range(247, 270))
    assert sites.loc["5-1", "name"] == "城后土城遗址"
    assert sites.loc["5-10", "name"] == "东磊石刻群（含渔湾石刻）"
    assert sites.loc["5-23", "address_raw"] == (
        "大龙顶、围屏山、锦屏山、丫髻山、猴嘴山、朝阳西山、东陬山、仙姑岭等")


def test_category_counts_and_english_names(sites):
    assert sites["category_zh"].value_counts()[lambda n: n > 0].to_dict() == {
        "古遗址": 1, "古墓葬": 1, "古建筑": 5, "石窟寺及石刻": 4, "近现代重要史迹": 12}
    assert sites.loc["5-1", "category_en"] == "Ancient site"
    assert sites.loc["5-8", "category_en"] == "Cave temple and stone carving"
    assert sites.loc["5-23", "category_en"] == "Important modern historical site"
    assert (sites["category_raw"] == sites["category_zh"]).all()


@pytest.mark.parametrize(("site", "raw", "label", "start", "end"), [
    ("5-1", "汉", "汉", -206, 220),
    ("5-9", "东汉", "东汉", 25, 220),
    ("5-4", "唐宋", "唐至宋", 618, 1279),
    ("5-11", "元", "元", 1271, 1368),
    ("5-2", "明", "明", 1368, 1644),
    ("5-7", "明清", "明至清", 1368, 1912),
    ("5-5", "清", "清", 1644, 1912),
    ("5-10", "清至民国", "清至民国", 1644, 1949),
    ("5-13", "1891年", "1891年", 1891, 1891),
    ("5-12", "1957-1958年", "1957-1958年", 1957, 1958),
    ("5-23", "1938-1939年", "1938-1939年", 1938, 1939),
    ("5-17", "20世纪30年代", "20世纪30年代", 1930, 1939),
    ("5-19", "20世纪50年代", "20世纪50年代", 1950, 1959),
])
def test_eras_as_year_spans(sites, site, raw, label, start, end):
    row = sites.loc[site]
    assert (row["era_raw"], row["era_label"]) == (raw, label)
    assert (row["era_start_year"], row["era_end_year"]) == (start, end)


def test_every_era_of_the_list_is_recognised(sites):
    assert sites["era_start_year"].notna().all()
    assert not sites["quality_flags"].fillna("").str.contains("era_").any()


@pytest.mark.parametrize(("site", "county"), [
    ("5-1", "东海县"), ("5-2", "连云区"), ("5-4", "灌南县"), ("5-5", "海州区"),
    ("5-7", "赣榆区"), ("5-11", "灌云县"), ("5-18", "海州区"), ("5-22", "连云区"),
])
def test_printed_counties(sites, site, county):
    assert sites.loc[site, "county"] == county
    assert pd.isna(sites.loc[site, "zone"])


@pytest.mark.parametrize(("site", "zone", "township"), [
    ("5-3", "高新区", "花果山街道"), ("5-6", "高新区", "南城街道"),
    ("5-9", "高新区", "花果山街道"), ("5-10", "云台山景区", "云台街道"),
])
def test_zones_map_to_their_county_through_the_reviewed_table(sites, zones, site, zone,
                                                              township):
    row = sites.loc[site]
    assert (row["zone"], row["township"]) == (zone, township)
    assert zones[zone] in dataset("heritage_sites").column("county").enum
    assert row["county"] == zones[zone]
    assert "county_from_zone" in row["quality_flags"]


def test_townships_and_villages(sites):
    assert (sites.loc["5-1", "township"], sites.loc["5-1", "village"]) == ("白塔埠镇", "城后村")
    assert (sites.loc["5-6", "township"], sites.loc["5-6", "village"]) == ("南城街道", "凤凰社区")
    assert sites.loc["5-16", "township"] == "灌西盐场"
    assert pd.isna(sites.loc["5-18", "township"])  # 海州区解放西路99号: a street address


# --- places --------------------------------------------------------------------------------


def _places_of(places, site):
    return places[places["site_id"] == site].sort_values("place_seq")


def test_one_place_per_single_address(sites, places):
    counts = places.groupby("site_id").size()
    assert counts.sum() == 21 + 2 + 8
    assert (sites["n_places"] == counts.reindex(sites.index)).all()
    single = sites.index[sites["n_places"] == 1]
    assert len(single) == 21
    assert set(places[places["site_id"].isin(single)]["place_seq"]) == {1}


def test_site_5_10_lies_in_two_villages(sites, places):
    rows = _places_of(places, "5-10")
    assert list(rows["village"]) == ["东磊村", "渔湾村"]
    assert list(rows["place"]) == ["云台山景区云台街道东磊村", "云台山景区云台街道渔湾村"]
    assert set(rows["township"]) == {"云台街道"}
    assert set(rows["zone"]) == {"云台山景区"}
    site = sites.loc["5-10"]
    assert site["n_places"] == 2
    assert pd.isna(site["village"])  # no single village locates the whole site
    assert "point_from_places" in site["quality_flags"]


def test_site_5_23_is_eight_mountains_and_more_with_no_county(sites, places):
    rows = _places_of(places, "5-23")
    assert list(rows["place"]) == ["大龙顶", "围屏山", "锦屏山", "丫髻山", "猴嘴山", "朝阳西山",
                                   "东陬山", "仙姑岭"]
    assert list(rows["place_seq"]) == list(range(1, 9))
    assert set(rows["source_line"]) == {269}
    flags = sites.loc["5-23", "quality_flags"].split(";")
    assert {"places_incomplete", "county_not_printed", "point_from_places"} <= set(flags)
    assert rows["county"].isna().all() or "county_from_point" in ";".join(
        rows["quality_flags"].dropna())


# --- geocoding, offline ---------------------------------------------------------------------


def test_every_coordinate_lies_inside_its_claimed_county(sites, places, geocoder):
    for frame in (sites.reset_index(), places):
        located = frame[frame["lat"].notna()]
        assert len(located) > 0
        for row in located.itertuples():
            assert geocoder.inside_county(row.lat, row.lon, row.county), (row.site_id, row.county)
    assert (sites["lat"].isna() == (sites["geocode_precision"] == "none")).all()
    assert (places["lat"].isna() == (places["geocode_precision"] == "none")).all()


def test_place_precision_is_what_the_chain_produced(sites, places, geocoder, zones):
    """Each place row carries exactly what the offline Geocoder answers for its parts."""
    for row in places.itertuples():
        parts = parse_address(row.place, zones)
        single = sites.loc[row.site_id, "n_places"] == 1
        item = parts["places"][0] if len(parts["places"]) == 1 else None
        name = sites.loc[row.site_id, "name"] if single else (
            item if item != parts["village"] else None)
        found = geocoder.locate(name, parts["county"], parts["township"], parts["village"])
        assert row.geocode_precision == found.precision, row.site_id
        assert row.geocode_source == (found.source or "none")
        if found.lat is not None:
            assert (row.lat, row.lon) == (found.lat, found.lon)


def test_precision_tells_the_truth(sites, places):
    for frame in (sites, places):
        county = frame[frame["geocode_precision"] == "county"]
        assert county["geocode_source"].str.startswith("county centroid").all()
        town = frame[frame["geocode_precision"] == "township"]
        assert town["geocode_source"].str.contains("gazetteer").all()
    # a town seat the gazetteer holds (GeoNames Yishan) → township, never finer
    assert sites.loc["5-11", "geocode_precision"] == "township"
    # 海州区解放西路99号: only the county is known
    assert sites.loc["5-18", "geocode_precision"] == "county"
    assert sites.loc["5-18", "geocode_source"].startswith("county centroid")


def test_a_site_point_is_derived_from_its_places(sites, places):
    for site_id, group in places.groupby("site_id"):
        site = sites.loc[site_id]
        if len(group) == 1:
            only = group.iloc[0]
            assert site["geocode_precision"] == only["geocode_precision"]
            assert site["geocode_source"] == only["geocode_source"]
            assert (pd.isna(site["lat"]) and pd.isna(only["lat"])) or (
                (site["lat"], site["lon"]) == (only["lat"], only["lon"]))
    # 5-10: two villages of one township, at best the coarsest of the places
    rank = ["none", "county", "township", "village", "site"]
    ten = _places_of(places, "5-10")
    coarsest = min(ten["geocode_precision"], key=rank.index)
    assert rank.index(sites.loc["5-10", "geocode_precision"]) <= min(
        rank.index(coarsest), rank.index("township"))
    # 5-23: none of the mountains is in the offline gazetteer → no honest point
    if _places_of(places, "5-23")["lat"].isna().any():
        assert sites.loc["5-23", "geocode_precision"] == "none"
        assert sites.loc["5-23", "geocode_source"].startswith("derived:")


def test_derived_centroid_and_common_level():
    """Synthetic places: a centroid in one county; none across counties."""
    geo = heritage._geo(Context())
    a = {"county": "海州区", "township": "云台街道", "village": "东磊村", "lat": 34.60,
         "lon": 119.30, "geocode_precision": "village", "geocode_source": "x"}
    b = {**a, "village": "渔湾村", "lat": 34.62, "lon": 119.34}
    point, flags = heritage._derived_point([a, b], geo)
    assert (point["lat"], point["lon"]) == (34.61, 119.32)
    assert point["geocode_precision"] == "township"
    assert point["geocode_source"] == "derived:centroid_of_places"
    assert flags == ["point_centroid_of_places"]
    c = {**a, "county": "连云区", "township": "连云街道", "lat": 34.73194, "lon": 119.4425}
    point, flags = heritage._derived_point([a, c], geo)
    assert point["geocode_precision"] == "none" and point["lat"] is None
    assert flags == ["places_span_counties"]


# --- counts for a choropleth ---------------------------------------------------------------


def test_counts_per_county_and_category(build, sites):
    counts = build.frames["heritage_site_counts"]
    counties = dataset("heritage_sites").column("county").enum
    assert set(counts["county"].dropna()) == set(counties)
    assert len(counts.dropna(subset=["county"])) == len(counties) * 5  # zeros included
    keyed = counts.set_index(["county", "category_zh"])["sites"]
    assert keyed[("海州区", "古建筑")] == ((sites["county"] == "海州区")
                                          & (sites["category_zh"] == "古建筑")).sum()
    assert keyed[("东海县", "古遗址")] == 1
    assert keyed[("灌南县", "古墓葬")] == 0
    # every site counted once in each county its places lie in (none here spans two)
    assert counts["sites_shared"].sum() == 0
    assert counts["sites"].sum() == len(sites)
    unlocated = counts[counts["county"].isna()]
    assert unlocated["sites"].sum() == sites["county"].isna().sum()


# --- another batch, another layout -------------------------------------------------------

FOURTH_BATCH = """\
# 市政府关于公布连云港市第四批市级文物保护单位的通知

连政发〔2011〕99号

各县、区人民政府，市各委办局：

现将连云港市第四批市级文物保护单位名单予以公布。

连云港市人民政府
2011年6月1日

## 连云港市第四批市级文物保护单位名单

古遗址
名称\t时代\t地址\t编号
大村遗址\t年代待考\t东海县白塔埠镇大村\t4-1
二村遗址\t汉\t东海县石梁河镇\t4-2
古墓葬
三号墓\t东汉\t赣榆区班庄镇前集村\t4-3

古建筑

四号桥\t清至民国\t高新区花果山街道当路村\t4-4
<script>alert(1)</script>\t明至清\t灌云县伊山镇\t4-5
"""


@pytest.fixture(scope="module")
def fourth(tmp_path_factory):
    issue = read_text(FOURTH_BATCH, "synthetic.md", "2011-07")
    found = heritage.extract(issue, Context())
    frames = assemble([{"heritage": found}], Context(), only_found=True)
    return frames["heritage_sites"].set_index("site_id"), frames


def test_fourth_batch_in_another_column_order_with_interrupting_headings(fourth):
    """古遗址 stands above the header, 古墓葬 is glued between two rows (the reader joins it
    to the row above as a wrapped cell), 古建筑 stands alone and the row after it has no
    digit in its first cell (the reader starts a new table there)."""
    sites, _ = fourth
    assert list(sites.index) == ["4-1", "4-2", "4-3", "4-4", "4-5"]
    assert set(sites["batch"]) == {4}
    assert set(sites["level"]) == {"市级"}
    assert list(sites["category_zh"]) == ["古遗址", "古遗址", "古墓葬", "古建筑", "古建筑"]
    assert sites["quality_flags"].str.contains("category_from_heading").all()
    assert not sites["quality_flags"].str.contains("wrapped_row").any()
    assert list(sites["name"][:4]) == ["大村遗址", "二村遗址", "三号墓", "四号桥"]
    assert list(sites["address_raw"][:3]) == ["东海县白塔埠镇大村", "东海县石梁河镇",
                                              "赣榆区班庄镇前集村"]
    assert set(sites["announce_doc"]) == {"连政发〔2011〕99号"}
    assert set(sites["announced_on"]) == {pd.Timestamp(date(2011, 6, 1))}
    assert sites.loc["4-4", "county"] == read_zones(REFERENCE_DIR / "zones.csv")["高新区"]


def test_unknown_era_is_flagged_not_guessed(fourth):
    sites, _ = fourth
    row = sites.loc["4-1"]
    assert row["era_raw"] == "年代待考"
    assert pd.isna(row["era_label"]) and pd.isna(row["era_start_year"])
    assert "era_unknown" in row["quality_flags"]
    composed = sites.loc["4-5"]
    assert (composed["era_label"], composed["era_start_year"], composed["era_end_year"]) == (
        "明至清", 1368, 1912)
    assert "era_range_composed" in composed["quality_flags"]


def test_markup_in_a_name_is_kept_verbatim_as_data(fourth):
    sites, _ = fourth
    assert sites.loc["4-5", "name"] == "<script>alert(1)</script>"


def test_sequence_numbers_become_batch_ids():
    text = ("## 连云港市第六批省级文物保护单位名单\n\n序号\t名称\t类别\t地址\n"
            "1\t甲桥\t古建筑\t灌南县三口镇\n2\t乙碑\t杂项类\t灌南县三口镇\n"
            "2\t丙塔\t古建筑\t灌南县三口镇\n")
    found = heritage.extract(read_text(text, "x.md", "2030-01"), Context())
    rows = found.rows["heritage_sites"]
    assert [r["site_id"] for r in rows] == ["6-1", "6-2", "6-3"]
    assert "site_id_duplicate" in rows[2]["quality_flags"]
    assert rows[0]["level"] == "省级"
    assert "site_id_from_sequence" in rows[0]["quality_flags"]
    assert "announcement_not_found" in rows[0]["quality_flags"]
    assert rows[1]["category_zh"] is None and rows[1]["category_raw"] == "杂项类"
    assert "category_unknown" in rows[1]["quality_flags"]
    assert "era_missing" in rows[0]["quality_flags"]


def test_extract_cli_finds_the_list_in_any_file(tmp_path):
    source = tmp_path / "fourth.md"
    source.write_text(FOURTH_BATCH, encoding="utf-8")
    result = run_cli("extract", str(source), "--issue", "2011-07", "--out",
                     str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    written = pd.read_csv(tmp_path / "out" / "heritage_sites.csv", encoding="utf-8-sig")
    assert list(written["site_id"]) == ["4-1", "4-2", "4-3", "4-4", "4-5"]
    assert (tmp_path / "out" / "heritage_site_places.csv").exists()


def test_no_list_no_rows(issue_2022):
    assert heritage.extract(issue_2022, Context()).rows == {}


# --- reviewed tables and the dictionary -------------------------------------------------------


def test_category_enum_matches_the_reviewed_table():
    table = Context().reference("heritage_categories")
    for name in ("heritage_sites", "heritage_site_counts"):
        assert list(dataset(name).column("category_zh").enum) == list(
            dict.fromkeys(table["category_zh"]))
    assert table["printed"].is_unique
    assert set(table["official_zh"]) <= set(table["category_zh"])
    assert set(table["kind"]) <= {"current", "variant", "older"}
    assert table["category_en"].str.len().gt(0).all()
    assert table["source"].str.len().gt(0).all()


def test_era_table_is_reviewed_and_consistent():
    eras = Context().reference("eras")
    assert eras["era"].is_unique
    assert eras["source"].str.len().gt(0).all()
    start, end = eras["start_year"].astype(int), eras["end_year"].astype(int)
    assert (start <= end).all()
    table = eras.set_index("era")
    for era, span in {"汉": (-206, 220), "东汉": (25, 220), "唐宋": (618, 1279),
                      "元": (1271, 1368), "明": (1368, 1644), "明清": (1368, 1912),
                      "清": (1644, 1912), "清至民国": (1644, 1949)}.items():
        assert (int(table.loc[era, "start_year"]), int(table.loc[era, "end_year"])) == span


def test_geocoder_flags_are_declared():
    from etl.geo import geocode
    codes = {getattr(geocode, n) for n in ("POINT_OUTSIDE_COUNTY", "POINT_OUTSIDE_CITY",
                                           "AMBIGUOUS_NAME", "FALLBACK_COUNTY",
                                           "UNKNOWN_COUNTY", "ONLINE_PENDING")}
    for name in ("heritage_sites", "heritage_site_places"):
        assert codes <= dataset(name).flag_codes()
    precisions = dataset("heritage_site_places").column("geocode_precision").enum
    assert tuple(precisions) == geocode.PRECISIONS


@pytest.mark.parametrize(("text", "span"), [
    ("1891年", (1891, 1891, "1891年")),
    ("1957-1958年", (1957, 1958, "1957-1958年")),
    ("1957—58年", (1957, 1958, "1957-1958年")),
    ("960-1279年", (960, 1279, "960-1279年")),
    ("20世纪30年代", (1930, 1939, "20世纪30年代")),
    ("２０世纪５０年代", (1950, 1959, "20世纪50年代")),
    ("公元前206年", (-206, -206, "公元前206年")),
    ("民国二十七年", (1938, 1938, "民国二十七年")),
])
def test_year_expressions(text, span):
    parsed = parse_cn_years(text)
    assert parsed is not None
    assert (parsed.start, parsed.end, parsed.label) == span


@pytest.mark.parametrize("text", ["汉", "新石器时代", "12", "1958-1957年", "0年", "20世纪",
                                  "20世纪30年代初", "", "民国零年"])
def test_other_expressions_are_not_years(text):
    assert parse_cn_years(text) is None


def test_numbered_headings_between_blank_lines_are_reader_interruptions():
    text = ("## 连云港市第七批市级文物保护单位名单\n\n序号\t名称\t时代\t地址\n\n一、古建筑（1处）\n\n"
            "1\t甲桥\t清\t灌南县三口镇\n\n（二）石窟寺及石刻\n\n2\t乙碑\t宋\t灌云县伊山镇\n")
    issue = read_text(text, "x.md", "2030-02")
    assert [t for _, t in issue.tables[0].interruptions] == ["一、古建筑（1处）", "（二）石窟寺及石刻"]
    rows = heritage.extract(issue, Context()).rows["heritage_sites"]
    assert [(r["site_id"], r["category_zh"]) for r in rows] == [("7-1", "古建筑"),
                                                                ("7-2", "石窟寺及石刻")]
    assert [(r["era_start_year"], r["era_end_year"]) for r in rows] == [(1644, 1912),
                                                                        (960, 1279)]


def test_a_centroid_outside_its_county_is_not_published(geocoder):
    """Two points on the 连云区 outline whose midpoint falls outside it (a concave county)."""
    outline = geocoder.counties["连云区"]
    ring = max(getattr(outline, "geoms", [outline]), key=lambda g: g.area).exterior.coords
    pairs = ((a, b) for a in ring[::7] for b in ring[::11]
             if not geocoder.inside_county((a[1] + b[1]) / 2, (a[0] + b[0]) / 2, "连云区"))
    (lon1, lat1), (lon2, lat2) = next(pairs)
    place = {"county": "连云区", "township": None, "village": None,
             "geocode_precision": "site", "geocode_source": "x"}
    point, flags = heritage._derived_point(
        [{**place, "lat": lat1, "lon": lon1}, {**place, "lat": lat2, "lon": lon2}],
        heritage._geo(Context()))
    assert point["lat"] is None and point["geocode_precision"] == "none"
    assert flags == ["point_outside_county"]
