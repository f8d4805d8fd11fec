"""Heritage lists beyond the fifth batch, as local governments publish them: category
headings with ordinals and counts, numbers restarting per category, older category names,
merged cells, former county names, traditional characters, lists with no batch, Roman
numbers, a level column — and the eras such lists print.

Every fixture is an invented list in the tab layout (the table layer reads the other
layouts into the same model and is tested on its own)."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

from etl.dictionary import dataset
from etl.extractors import Context, heritage
from etl.pipeline import assemble
from etl.read import read_text


def _sites(text: str) -> pd.DataFrame:
    """The list's sites as the pipeline publishes them (typed and validated)."""
    found = heritage.extract(read_text(text, "list.md", "2030-01"), Context())
    frames = assemble([{"heritage": found}], Context(), only_found=True)
    return frames["heritage_sites"].set_index("site_id")


def _flags(sites: pd.DataFrame, site: str) -> set[str]:
    return set((sites.loc[site, "quality_flags"] or "").split(";"))


# --- another city's fourth batch: headings, counts, numbers restarting per category -------

BATCH_FOUR = """\
## 青禾市第四批市级文物保护单位名单

（共计10处）

一、古遗址（共计3处）

序号\t名称\t时代\t地址
1\t北岗遗址\t新石器时代\t宁远县城关镇北岗村
2\t石门洞遗址\t旧石器\t宁远县石门乡
3\t西城遗址\t商周\t宁远县西城镇
二、古墓葬（共2处）
1\t张氏墓群\t汉代\t平川区南关街道
2\t王家冢\t春秋战国\t平川区北山镇

（三）古建筑及历史纪念建筑物（共三处）

1\t文庙大成殿\t明-清\t平川区学宫街
2\t魁星阁\t清光绪三十年（1904年）\t宁远县城关镇
3\t钟鼓楼\t清代\t宁远县城关镇

四、革命遗址及革命纪念建筑物（共计2处）

1\t县立师范旧址\t公元1909-1922年\t宁远县城关镇
2\t抗战指挥部旧址\t中华民国\t平川区人民路
"""


@pytest.fixture(scope="module")
def four():
    return _sites(BATCH_FOUR)


def test_numbers_restarting_per_category_become_unique_ids(four):
    assert list(four.index) == ["4-1-1", "4-1-2", "4-1-3", "4-2-1", "4-2-2", "4-3-1",
                                "4-3-2", "4-3-3", "4-4-1", "4-4-2"]
    assert list(four["site_id_raw"]) == ["1", "2", "3", "1", "2", "1", "2", "3", "1", "2"]
    assert four["quality_flags"].str.contains("site_id_per_category").all()
    assert set(four["batch"]) == {4} and set(four["level"]) == {"市级"}
    assert list(four["name"][:3]) == ["北岗遗址", "石门洞遗址", "西城遗址"]


def test_headings_with_ordinals_counts_and_older_names(four):
    assert list(four["category_zh"]) == (["古遗址"] * 3 + ["古墓葬"] * 2 + ["古建筑"] * 3
                                         + ["近现代重要史迹及代表性建筑"] * 2)
    assert four.loc["4-3-1", "category_raw"] == "古建筑及历史纪念建筑物"
    assert four.loc["4-4-2", "category_raw"] == "革命遗址及革命纪念建筑物"
    assert four.loc["4-4-2", "category_en"] == "Important modern historical site"
    assert "category_from_older_name" in _flags(four, "4-3-1")
    assert "category_from_older_name" not in _flags(four, "4-1-1")
    assert four["quality_flags"].str.contains("category_from_heading").all()
    # 二、古墓葬 printed between two rows without blank lines: given back, not an address
    assert four.loc["4-1-3", "address_raw"] == "宁远县西城镇"
    assert "wrapped_row" not in _flags(four, "4-1-3")


@pytest.mark.parametrize(("site", "label", "start", "end"), [
    ("4-1-1", "新石器时代", -8000, -2000),
    ("4-1-2", "旧石器时代", -1700000, -8000),
    ("4-1-3", "商至周", -1600, -256),
    ("4-2-1", "汉", -206, 220),
    ("4-2-2", "春秋至战国", -770, -221),
    ("4-3-1", "明至清", 1368, 1912),
    ("4-3-2", "1904年", 1904, 1904),
    ("4-3-3", "清", 1644, 1912),
    ("4-4-1", "1909-1922年", 1909, 1922),
    ("4-4-2", "民国", 1912, 1949),
])
def test_eras_of_the_fourth_batch(four, site, label, start, end):
    row = four.loc[site]
    assert (row["era_label"], row["era_start_year"], row["era_end_year"]) == (label, start, end)


def test_composed_eras_are_flagged(four):
    assert "era_range_composed" in _flags(four, "4-1-3")  # 商周
    assert "era_range_composed" in _flags(four, "4-3-1")  # 明-清
    assert "era_range_composed" not in _flags(four, "4-3-3")
    assert not four["quality_flags"].str.contains("era_unknown").any()


def test_another_citys_counties_are_kept_as_printed_not_located(four):
    assert four.loc["4-1-1", "county_raw"] == "宁远县"
    assert four.loc["4-2-1", "county_raw"] == "平川区"
    assert four["county"].isna().all()
    assert four["lat"].isna().all()
    assert "unknown_county" in _flags(four, "4-1-1")
    assert "county_not_printed" not in _flags(four, "4-1-1")


# --- merged county cells, former county names ----------------------------------------------

MERGED = """\
## 连云港市第三批市级文物保护单位名单

编号\t县区\t名称\t类别\t时代\t地址
3-1\t赣榆县\t甲村遗址\t古遗址\t汉\t城头镇甲村
3-2\t\t乙庙\t古建筑\t清\t班庄镇乙村
3-3\t新浦区\t丙桥\t古建筑\t民国\t浦东街道
3-4\t\t丁阁\t\t唐\t南城镇
3-5\t云台区\t戊墓\t古墓葬\t宋\t中云乡
3-6\t东海县\t己窑址\t古遗址\t宋元\t白塔埠镇
3-7\t灌云县\t庚塔\t古建筑\t明代中期\t伊山镇
"""


@pytest.fixture(scope="module")
def merged():
    return _sites(MERGED)


def test_a_county_printed_once_is_carried_down(merged):
    assert list(merged.index) == [f"3-{k}" for k in range(1, 8)]
    assert list(merged["county_raw"]) == ["赣榆县", "赣榆县", "新浦区", "新浦区", "云台区",
                                          "东海县", "灌云县"]
    assert "county_carried_down" in _flags(merged, "3-2")
    assert "county_carried_down" in _flags(merged, "3-4")
    assert "county_carried_down" not in _flags(merged, "3-3")


def test_former_county_names_map_to_todays_through_the_reviewed_table(merged):
    assert list(merged["county"][:4]) == ["赣榆区", "赣榆区", "海州区", "海州区"]
    assert "county_former_name" in _flags(merged, "3-1")
    assert "county_former_name" not in _flags(merged, "3-6")
    assert merged.loc["3-6", "county"] == "东海县"
    assert merged.loc["3-1", "township"] == "城头镇"
    # 云台区 was split between two of today's counties: no county, never a guess
    assert pd.isna(merged.loc["3-5", "county"])
    assert "county_name_split" in _flags(merged, "3-5")
    assert merged["address_raw"].iloc[0] == "城头镇甲村"  # printed text untouched


def test_an_empty_category_cell_takes_the_one_above(merged):
    assert merged.loc["3-4", "category_zh"] == "古建筑"
    assert "category_carried_down" in _flags(merged, "3-4")
    assert "category_carried_down" not in _flags(merged, "3-3")


def test_eras_of_the_merged_list(merged):
    assert tuple(merged.loc["3-6", ["era_label", "era_start_year", "era_end_year"]]) == (
        "宋至元", 960, 1368)
    assert tuple(merged.loc["3-7", ["era_label", "era_start_year", "era_end_year"]]) == (
        "明代中期", 1368, 1644)
    assert "era_approximate" in _flags(merged, "3-7")


def test_a_row_missing_its_merged_cell_is_put_back_in_place():
    text = ("## 第六批县级文物保护单位名单\n\n编号\t县（市、区）\t名称\t时代\t地址\n"
            "6-1\t赣榆县\t甲台\t汉\t城头镇\n6-2\t乙台\t唐\t班庄镇\n")
    sites = _sites(text)
    assert list(sites["name"]) == ["甲台", "乙台"]
    assert sites.loc["6-2", "era_label"] == "唐"
    assert sites.loc["6-2", "county"] == "赣榆区"
    assert {"merged_cells_restored", "county_carried_down"} <= _flags(sites, "6-2")
    assert set(sites["level"]) == {"县级"}


# --- traditional characters --------------------------------------------------------------

TRADITIONAL = """\
## 臨江縣第二批縣級文物保護單位名單

編號\t類別\t名稱\t時代\t地點
2-1\t古遺址\t龍山遺址\t新石器時代\t東鄉龍山村
2-2\t古建築\t關帝廟\t清光緒三十年（1904年）\t南鄉
2-3\t石窟寺及石刻\t摩崖題記\t明—清\t西山
2-4\t近現代重要史跡及代表性建築\t舊郵局\t民國時期\t北街
"""


def test_a_list_in_traditional_characters():
    sites = _sites(TRADITIONAL)
    assert list(sites.index) == ["2-1", "2-2", "2-3", "2-4"]
    assert set(sites["level"]) == {"县级"} and set(sites["batch"]) == {2}
    assert list(sites["category_zh"]) == ["古遗址", "古建筑", "石窟寺及石刻",
                                          "近现代重要史迹及代表性建筑"]
    assert list(sites["category_raw"][:2]) == ["古遺址", "古建築"]  # as printed
    assert list(sites["name"][:2]) == ["龍山遺址", "關帝廟"]
    assert [(r.era_start_year, r.era_end_year) for r in sites.itertuples()] == [
        (-8000, -2000), (1904, 1904), (1368, 1912), (1912, 1949)]
    assert sites.loc["2-1", "era_raw"] == "新石器時代"


# --- national style: Roman numbers, a combined heading, older categories --------------------

NATIONAL = """\
## 第三批全国重点文物保护单位名单

一、古遗址、古墓葬

编号\t名称\t时代\t地址
Ⅰ-1\t大河村遗址\t新石器时代\t临江县
Ⅰ-2\t石山汉墓\t汉\t临江县
I-3\t古城址\t战国\t平川区
Ⅰ-4\t石山古迹\t汉\t平川区

二、石刻及其他

Ⅱ-1\t摩崖造像\t唐\t平川区
II-2\t铁牛\t清\t平川区
"""


def test_roman_numbers_and_a_combined_heading():
    sites = _sites(NATIONAL)
    assert list(sites.index) == ["Ⅰ-1", "Ⅰ-2", "Ⅰ-3", "Ⅰ-4", "Ⅱ-1", "Ⅱ-2"]
    assert list(sites["site_id_raw"])[2] == "I-3"
    assert set(sites["level"]) == {"全国重点"}
    assert list(sites["category_zh"][:3]) == ["古遗址", "古墓葬", "古遗址"]
    assert "category_from_name" in _flags(sites, "Ⅰ-2")
    assert pd.isna(sites.loc["Ⅰ-4", "category_zh"])  # the name does not say which
    assert "category_ambiguous" in _flags(sites, "Ⅰ-4")
    assert sites.loc["Ⅰ-4", "category_raw"] == "古遗址、古墓葬"
    assert list(sites["category_zh"][4:]) == ["石窟寺及石刻", "石窟寺及石刻"]
    assert "category_from_older_name" in _flags(sites, "Ⅱ-2")
    assert not sites["quality_flags"].str.contains("site_id_batch_mismatch").any()


# --- a 名录 with no batch and a level column -------------------------------------------------

CATALOGUE = """\
## 平川区文物保护单位名录

序号\t名称\t级别\t时代\t地址
1\t甲塔\t省保\t宋\t平川区
2\t乙寺\t\t明\t平川区
3\t丙桥\t区级\t清\t平川区
4\t丁碑\t区级\t年代不详\t平川区
"""


def test_a_catalogue_without_batch_with_a_level_column():
    sites = _sites(CATALOGUE)
    assert list(sites.index) == ["1", "2", "3", "4"]
    assert sites["batch"].isna().all()
    assert sites["quality_flags"].str.contains("batch_not_printed").all()
    assert list(sites["level"]) == ["省级", "省级", "区级", "区级"]
    assert "level_carried_down" in _flags(sites, "2")
    assert "era_unknown" in _flags(sites, "4")
    assert pd.isna(sites.loc["4", "era_start_year"])


def test_a_heading_without_a_level_takes_the_issuers():
    text = ("## 青禾市第二批文物保护单位名单\n\n编号\t名称\t类别\t地址\n"
            "2-1\t甲桥\t古建筑\t平川区\n")
    sites = _sites(text)
    assert sites.loc["2-1", "level"] == "市级"
    assert "level_from_issuer_name" in _flags(sites, "2-1")


# --- units ----------------------------------------------------------------------------------

ERAS = heritage._eras(Context())


@pytest.mark.parametrize(("raw", "label", "span", "flag"), [
    ("商周", "商至周", (-1600, -256), "era_range_composed"),
    ("新石器时代", "新石器时代", (-8000, -2000), None),
    ("旧石器", "旧石器时代", (-1700000, -8000), None),
    ("中华民国", "民国", (1912, 1949), None),
    ("公元1909-1922年", "1909-1922年", (1909, 1922), None),
    ("清光绪三十年(1904年)", "1904年", (1904, 1904), None),
    ("明-清", "明至清", (1368, 1912), "era_range_composed"),
    ("明至清", "明至清", (1368, 1912), "era_range_composed"),
    ("清代", "清", (1644, 1912), None),
    ("民国时期", "民国", (1912, 1949), None),
    ("汉代", "汉", (-206, 220), None),
    ("春秋战国", "春秋至战国", (-770, -221), "era_range_composed"),
    ("新石器时代至汉", "新石器时代至汉", (-8000, 220), "era_range_composed"),
    ("汉、唐", "汉、唐", (-206, 907), "era_several"),
    ("清末", "清末", (1644, 1912), "era_approximate"),
    ("唐宋", "唐至宋", (618, 1279), None),
    ("元明清", "元至清", (1271, 1912), "era_range_composed"),
    ("唐代至清代", "唐至清", (618, 1912), "era_range_composed"),
    ("1930年代", "1930年代", (1930, 1939), None),
    ("19世纪", "19世纪", (1801, 1900), None),
    ("清(1644-1911)", "1644-1911年", (1644, 1911), None),
    ("新石器时代晚期", "新石器时代晚期", (-8000, -2000), "era_approximate"),
    ("某国(公元前37-公元668年)", "公元前37-公元668年", (-37, 668), None),
    ("戰國漢代", "战国至汉", (-475, 220), "era_range_composed"),
    ("辽、金", "辽、金", (907, 1234), "era_several"),
])
def test_read_era(raw, label, span, flag):
    era = heritage.read_era(raw, ERAS)
    assert (era.label, (era.start, era.end)) == (label, span)
    assert (flag in era.flags) if flag else not era.flags


@pytest.mark.parametrize("raw", ["清光绪三十年", "年代不详", "魏", "近代", "清至今", "汉-1958年代"])
def test_unknown_eras_are_not_guessed(raw):
    era = heritage.read_era(raw, ERAS)
    assert (era.label, era.start, era.end, era.flags) == (None, None, None, ("era_unknown",))


@pytest.mark.parametrize(("text", "level"), [
    ("第四批县级文物保护单位名单", "县级"), ("第七批全国重点文物保护单位名单", "全国重点"),
    ("第三批州级文物保护单位", "州级"), ("第二批县（市、区）级文物保护单位", "县级"),
    ("省保", "省级"), ("市级文物保护单位名录", "市级"), ("第五批文物保护单位名单", None),
])
def test_level_of(text, level):
    assert heritage.level_of(text) == level


@pytest.mark.parametrize(("text", "batch"), [
    ("连云港市第四批市级文物保护单位名单", 4), ("公布第十二批县级文物保护单位名单", 12),
    ("市级文物保护单位名录", None), ("第4批市级文物保护单位名单（共计39处）", 4),
])
def test_list_headings(text, batch):
    found = heritage.list_heading(text)
    assert found is not None and found.batch == batch


def test_announcement_titles_and_other_lines():
    title = heritage.list_heading("市政府关于公布第五批市级文物保护单位的通知", require_list=False)
    assert title is not None and title.batch == 5
    assert heritage.list_heading("市政府关于公布第五批市级文物保护单位的通知") is None
    assert heritage.list_heading("关于加强文物保护单位管理的通知", require_list=False) is None


@pytest.mark.parametrize(("text", "categories", "ordinal"), [
    ("古遗址", ["古遗址"], None),
    ("一、古遗址(共计6处)", ["古遗址"], 1),
    ("（二）革命遗址及革命纪念建筑物（共十一处）", ["近现代重要史迹及代表性建筑"], 2),
    ("三、古遗址、古墓葬", ["古遗址", "古墓葬"], 3),
    ("Ⅳ.石窟寺", ["石窟寺及石刻"], 4),
    ("第五类 近现代重要史迹及代表性建筑", ["近现代重要史迹及代表性建筑"], 5),
    ("古建筑类", ["古建筑"], None),
    ("五、其它（共1处）", ["其他"], 5),
    ("六、近代現代重要史跡和代表性建築（共12處）", ["近现代重要史迹及代表性建筑"], 6),
    ("石刻及其它", ["石窟寺及石刻"], None),
])
def test_category_headings(text, categories, ordinal):
    found = heritage.heading_of(text, heritage._categories(Context()))
    assert found is not None
    assert [r["category_zh"] for r in found.rows] == categories
    assert found.ordinal == ordinal


@pytest.mark.parametrize("text", ["（共计39处）", "附件", "古遗址保护工作要求如下：加强巡查和日常维护",
                                  "连云港市第五批市级文物保护单位名单"])
def test_other_lines_are_not_category_headings(text):
    assert heritage.heading_of(text, heritage._categories(Context())) is None


# --- reviewed tables -------------------------------------------------------------------------


def test_county_names_table_is_reviewed_and_points_at_todays_counties():
    table = Context().reference("county_names")
    assert list(table.columns) == ["former_name", "today_name", "change_year", "source", "note"]
    assert table["former_name"].is_unique
    assert table["source"].str.len().gt(0).all()
    assert table["change_year"].str.fullmatch(r"\d{4}").all()
    counties = set(dataset("heritage_sites").column("county").enum)
    today = set(table["today_name"]) - {""}
    assert today <= counties
    assert not set(table["former_name"]) & counties


def test_the_extractor_names_no_county():
    """County names come from the reference tables, never from the code."""
    source = inspect.getsource(heritage)
    gazetteer = Context().reference("gazetteer")
    names = set(gazetteer.loc[gazetteer["kind"] == "county", "county"])
    names |= set(Context().reference("county_names")["former_name"])
    assert not [n for n in names if n in source]


# --- the header printed again under every category heading, a 分类号 column ------------------

REPEATED_HEADER = """\
关于公布青禾市第五批市级文物保护单位的通知

一、古遗址（共计2处）

编号\t分类号\t名称\t时代\t地址
5-1\t1\t东岭遗址\t春秋至汉\t宁远县东岭村
5-2\t2\t南塘遗址\t汉、唐\t宁远县南塘村

二、古墓葬（共计1处）

编号\t分类号\t名称\t时代\t地址
5-3\t1\t石室墓\t春秋、唐\t平川区前山村、
后山村
合计\t\t3处\t\t
"""


def test_a_header_repeated_under_each_heading_and_an_announcement_heading():
    sites = _sites(REPEATED_HEADER)
    assert list(sites.index) == ["5-1", "5-2", "5-3"]  # the printed 编号, not the 分类号
    assert list(sites["category_zh"]) == ["古遗址", "古遗址", "古墓葬"]
    assert set(sites["level"]) == {"市级"}
    assert sites.loc["5-3", "address_raw"].replace(" ", "") == "平川区前山村、后山村"  # wrapped
    assert (sites.loc["5-2", "era_start_year"], sites.loc["5-2", "era_end_year"]) == (-206, 907)
    assert "era_several" in _flags(sites, "5-2")
    assert "3处" not in set(sites["name"])  # the total row is not a site


def test_headings_without_ordinals_number_the_categories_in_order():
    text = ("## 第八批县级文物保护单位名单\n\n古遗址\n\n序号\t名称\t时代\t地址\n1\t甲址\t汉\t乙村\n"
            "2\t丙址\t唐\t丁村\n\n古建筑\n\n1\t戊桥\t清\t己村\n")
    sites = _sites(text)
    assert list(sites.index) == ["8-1-1", "8-1-2", "8-2-1"]
    assert list(sites["category_zh"]) == ["古遗址", "古遗址", "古建筑"]


def test_a_title_printed_over_two_lines():
    text = ("青禾市第九批\n市级文物保护单位名单\n\n编号\t名称\t时代\t地址\n"
            "9-1\t甲桥\t清\t乙村\n9-2\t丙桥\t明\t丁村\n")
    sites = _sites(text)
    assert list(sites.index) == ["9-1", "9-2"]
    assert set(sites["batch"]) == {9}
    assert not sites["quality_flags"].str.contains("batch_not_printed").any()


def test_a_catalogue_with_a_batch_column():
    text = ("## 平川区全国重点文物保护单位名录\n\n序号\t名称\t时代\t属地\t批次\n"
            "1\t甲城遗址\t金\t平川区\t第四批\n2\t乙寺\t辽、金\t平川区\t第六批\n")
    sites = _sites(text)
    assert list(sites["batch"]) == [4, 6]
    assert set(sites["level"]) == {"全国重点"}
    assert not sites["quality_flags"].str.contains("batch_not_printed").any()
    assert sites.loc["2", "era_label"] == "辽、金"
