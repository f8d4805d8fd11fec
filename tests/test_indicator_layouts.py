"""Indicator tables as statistics bureaus print them, beyond the seed's one layout.

Every fixture below is written for these tests (made-up figures, tab layout); the layouts
follow what city and provincial bureaus publish monthly: a month column beside the
cumulative one, headers split over two rows, sub-tables under their own headings, ——/…/持平
and 个百分点 cells, # and 其中 sub-items, units in a column or in the header, periods
without a year, traditional characters.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from etl.errors import GazetteError
from etl.extractors import Context, flags_text
from etl.extractors import economic_indicators as ei
from etl.read import read_text


def issue(body: str, published: str = "2019年10月28日", number: int = 10):
    year = published[:4]
    cover = f"连云港市人民政府公报\n\n{year}\n\n第 {number} 期\n\n{published}\n\n"
    return read_text(cover + body, "fixture.md", issue_id=f"{year}-{number:02d}")


def extract(body: str, **kw) -> pd.DataFrame:
    found = ei.extract(issue(body, **kw), Context())
    frame = pd.DataFrame(found.rows.get("economic_indicators", []))
    if not frame.empty:
        frame["quality_flags"] = frame["quality_flags"].map(flags_text)
    return frame


def one(frame: pd.DataFrame, indicator: str, kind: str = "cumulative") -> pd.Series:
    rows = frame[(frame["indicator_id"] == indicator) & (frame["period_kind"] == kind)]
    assert len(rows) == 1, (indicator, kind, frame[["indicator_id", "period_kind"]])
    return rows.iloc[0]


def flags(row: pd.Series) -> set[str]:
    return set(filter(None, row["quality_flags"].split(";")))


def empty(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- a month column beside the cumulative one ------------------------------------------------

MONTH_AND_CUMULATIVE = """\
## 2019年9月主要经济指标

指标\t本月\t比去年同月增长(%)\t1-本月\t比去年同期增长(%)
规模以上工业增加值(亿元)\t88.5\t6.1\t762.3\t5.8
社会消费品零售总额(亿元)\t120.4\t持平\t1033.9\t7.2
# 批发零售业\t105.0\t0.8\t901.2\t6.9
住宿餐饮业\t15.4\t-3.0\t132.7\t9.4
居民消费价格指数(上年同月=100)\t102.8\t——\t102.4\t——
城镇登记失业率(%)\t…\t…\t1.9\t下降0.2个百分点
工业产品销售率(%)\t98.1\t提高0.3个百分点\t97.6\t1.54个百分点

数据来源：市统计局
"""


@pytest.fixture(scope="module")
def month_table():
    return extract(MONTH_AND_CUMULATIVE)


def test_month_and_cumulative_are_rows_per_period(month_table):
    month = one(month_table, "industrial_value_added", "month")
    assert (month["period_start"], month["period_end"], month["period_label"]) == (
        "2019-09", "2019-09", "2019年9月")
    assert (month["value"], month["yoy_pct"]) == (88.5, 6.1)
    total = one(month_table, "industrial_value_added")
    assert (total["period_start"], total["period_end"], total["period_label"]) == (
        "2019-01", "2019-09", "2019年1-9月")
    assert (total["value"], total["yoy_pct"]) == (762.3, 5.8)
    assert set(month_table["source_agency"]) == {"市统计局"}
    # every (period, indicator) once: the primary key holds
    assert not month_table.duplicated(["period_start", "period_end", "indicator_id"]).any()


def test_flat_growth_is_zero_printed_as_words(month_table):
    retail = one(month_table, "retail_sales", "month")
    assert retail["yoy_pct"] == 0
    assert "yoy_printed_as_words" in flags(retail)
    assert one(month_table, "retail_sales")["yoy_pct"] == 7.2


def test_hash_marks_a_part_and_the_run_of_parts_below_it(month_table):
    wholesale = month_table[month_table["indicator_raw"] == "# 批发零售业"]
    catering = month_table[month_table["indicator_raw"] == "住宿餐饮业"]
    assert set(wholesale["part_of"]) == {"retail_sales"}
    assert set(catering["part_of"]) == {"retail_sales"}
    row = catering[catering["period_kind"] == "cumulative"].iloc[0]
    assert (row["value"], row["yoy_pct"], row["unit"]) == (132.7, 9.4, "亿元")
    assert {"unit_inherited", "indicator_not_in_catalogue"} <= flags(row)
    assert wholesale.iloc[0]["indicator_zh"] == "批发零售业"  # marker gone, raw kept


def test_not_applicable_and_index(month_table):
    cpi = one(month_table, "cpi", "month")
    assert cpi["value"] == 102.8 and empty(cpi["yoy_pct"])
    assert "yoy_not_applicable" in flags(cpi)
    assert cpi["index_change_pct_derived"] == pytest.approx(2.8)
    assert cpi["unit"] == "上年同月=100"


def test_percentage_points_never_mix_with_growth(month_table):
    jobless = month_table[month_table["indicator_zh"] == "城镇登记失业率"]
    month = jobless[jobless["period_kind"] == "month"].iloc[0]
    assert empty(month["value"]) and empty(month["yoy_pct"])
    assert {"value_not_available", "yoy_not_available"} <= flags(month)
    assert "value_missing" not in flags(month)
    total = jobless[jobless["period_kind"] == "cumulative"].iloc[0]
    assert total["value"] == 1.9 and total["unit"] == "%"
    assert empty(total["yoy_pct"]) and total["change_pp"] == -0.2
    assert "change_pp_printed_as_words" in flags(total)
    assert "yoy_printed_as_words" not in flags(total)
    sales = month_table[month_table["indicator_zh"] == "工业产品销售率"]
    by_kind = sales.set_index("period_kind")
    assert by_kind.loc["month", "change_pp"] == 0.3
    assert by_kind.loc["cumulative", "change_pp"] == 1.54
    assert sales["yoy_pct"].isna().all()
    assert month_table.loc[month_table["change_pp"].notna(), "yoy_pct"].isna().all()


# --- a header over two rows; a unit column; 其中 ------------------------------------------------

TWO_ROW_HEADER = """\
## 2019年1-9月全市主要统计指标

指标名称\t单位\t1-9月\t\t9月
\t\t绝对值\t增长%\t绝对值\t增长%
地区生产总值\t亿元\t2150.6\t6.5\t—\t—
一般公共预算收入\t亿元\t210.3\t3.2\t20.1\t-4.5
其中：税收收入\t亿元\t160.2\t2.1\t15.3\t-6.0
进出口总额\t万美元\t650000\t持平\t70000\t12.5
出口额\t〃\t300000\t5.5\t32000\t8.1
进口额\t〃\t350000\t-4.2\t38000\t16.0
实际使用外资\t亿美元\t5.6\t…\t0.7\t…

数据来源：市统计局
"""


@pytest.fixture(scope="module")
def two_rows():
    return extract(TWO_ROW_HEADER)


def test_merged_period_over_value_and_growth(two_rows):
    budget = one(two_rows, "general_budget_revenue")
    assert (budget["period_start"], budget["period_end"]) == ("2019-01", "2019-09")
    assert (budget["value"], budget["yoy_pct"], budget["unit"]) == (210.3, 3.2, "亿元")
    month = one(two_rows, "general_budget_revenue", "month")
    assert (month["period_start"], month["period_end"]) == ("2019-09", "2019-09")
    assert (month["value"], month["yoy_pct"]) == (20.1, -4.5)
    assert "extra_cells" not in flags(budget)  # the sixth column is read, not dropped


def test_dash_is_not_applicable_for_a_quarterly_indicator(two_rows):
    gdp = one(two_rows, "gdp")
    assert (gdp["value"], gdp["yoy_pct"]) == (2150.6, 6.5)
    month = one(two_rows, "gdp", "month")
    assert empty(month["value"]) and empty(month["yoy_pct"])
    assert {"value_not_applicable", "yoy_not_applicable"} <= flags(month)


def test_qizhong_and_ditto_units(two_rows):
    tax = one(two_rows, "tax_revenue")
    assert tax["part_of"] == "general_budget_revenue" and tax["value"] == 160.2
    assert tax["indicator_raw"] == "其中：税收收入"
    exports = one(two_rows, "exports", "month")
    assert exports["unit"] == "万美元" and "unit_inherited" in flags(exports)
    assert exports["part_of"] == "trade_total"  # the catalogue: 出口额 under 进出口总额
    imports = one(two_rows, "imports")
    assert (imports["value"], imports["yoy_pct"], imports["part_of"]) == (
        350000, -4.2, "trade_total")
    assert one(two_rows, "trade_total")["yoy_pct"] == 0
    fdi = one(two_rows, "foreign_investment_used")
    assert fdi["unit"] == "亿美元" and "yoy_not_available" in flags(fdi)
    assert empty(one(two_rows, "gdp")["part_of"])


WRAPPED_HEADER = """\
## 2019年前三季度主要经济指标

指 标\t1-9月累计\t比上年同期
\t\t增长%
固定资产投资(亿元)\t1500.2\t6.0
"""


def test_header_word_wrapped_onto_the_next_row():
    frame = extract(WRAPPED_HEADER)
    assert len(frame) == 1
    fai = frame.iloc[0]
    assert (fai["indicator_id"], fai["value"], fai["yoy_pct"]) == (
        "fixed_asset_investment", 1500.2, 6.0)
    assert (fai["period_start"], fai["period_end"]) == ("2019-01", "2019-09")


# --- sections and sub-tables -------------------------------------------------------------------

SECTIONS = """\
## 2019年1-9月主要经济指标

一、工业(亿元)
指 标\t本月止累计\t比上年同期增长%
规模以上工业增加值\t620.5\t7.1
高新技术产业产值\t300.2\t10.5
二、投资
固定资产投资(亿元)\t1500.2\t6.0
其中：工业投资\t600.1\t12.3
房地产开发投资\t300.4\t-2.1
三、消费
社会消费品零售总额(亿元)\t900.1\t8.2

四、财政

一般公共预算收入(亿元)\t180.0\t4.4
一般公共预算支出\t260.0\t9.9

五、金融
指 标\t本月止累计\t比上年同期增长%
金融机构存款余额(亿元)\t3300.0\t9.0
住户存款\t1500.0\t8.0

数据来源：市统计局
"""


@pytest.fixture(scope="module")
def sections():
    return extract(SECTIONS).set_index("indicator_id")


def test_headings_open_sections(sections):
    assert sections.loc["industrial_value_added", "section"] == 1
    assert sections.loc["industrial_value_added", "section_zh"] == "工业"
    assert sections.loc["fixed_asset_investment", "section"] == 2  # heading joined to a row
    assert sections.loc["retail_sales", "section"] == 3
    assert sections.loc["general_budget_revenue", "section"] == 4  # between two sub-tables
    assert sections.loc["general_budget_expenditure", "section_zh"] == "财政"
    assert sections.loc["household_deposits", "section"] == 5  # a sub-table with a header
    assert set(sections["period_label"]) == {"2019年1-9月"}
    assert set(sections["source_agency"]) == {"市统计局"}  # printed once, under the last


def test_heading_joined_into_a_row_leaves_its_number_intact(sections):
    hi_tech = sections[sections["indicator_zh"] == "高新技术产业产值"].iloc[0]
    assert (hi_tech["value"], hi_tech["yoy_pct"]) == (300.2, 10.5)
    assert "wrapped_row" not in flags(hi_tech)


def test_section_unit_and_parts(sections):
    iva = sections.loc["industrial_value_added"]
    assert iva["unit"] == "亿元" and "unit_inherited" in flags(iva)
    assert sections.loc["industrial_investment", "part_of"] == "fixed_asset_investment"
    assert sections.loc["real_estate_investment", "part_of"] == "fixed_asset_investment"
    assert sections.loc["real_estate_investment", "yoy_pct"] == -2.1
    assert pd.isna(sections.loc["retail_sales", "part_of"])
    assert pd.isna(sections.loc["general_budget_expenditure", "part_of"])
    assert sections.loc["household_deposits", "part_of"] == "deposits_balance"
    assert sections.loc["household_deposits", "value"] == 1500.0


# --- periods without a year; units in the header; recognition ----------------------------------

NO_YEAR = """\
## 1-8月份主要经济指标（单位：亿元）

指标\t1-8月\t同比增长%
一般公共预算收入\t150.3\t5.0
规模以上工业增加值\t540.0\t-0.5
"""


def test_year_from_the_publication_date():
    frame = extract(NO_YEAR).set_index("indicator_id")
    budget = frame.loc["general_budget_revenue"]
    assert (budget["period_start"], budget["period_end"]) == ("2019-01", "2019-08")
    assert budget["unit"] == "亿元"
    assert {"period_year_from_issue", "unit_from_table_header"} <= flags(budget)
    assert frame.loc["industrial_value_added", "yoy_pct"] == -0.5


def test_month_after_the_publication_month_is_last_year():
    frame = extract(NO_YEAR.replace("1-8月", "1-11月"), published="2020年1月15日", number=1)
    assert set(frame["period_start"]) == {"2019-01"}
    assert set(frame["period_end"]) == {"2019-11"}
    assert all("period_year_from_issue" in f for f in frame["quality_flags"])


GROWTH_ONLY = """\
## 2020年1-9月规模以上工业增加值增速

项目\t9月同比增长(%)\t1-9月同比增长(%)
合计\t5.4\t-0.1
按经济类型分组\t\t
#国有企业\t7.9\t-3.1
股份制企业\t2.9\t-0.5
"""


def test_growth_only_table_recognised_by_its_header():
    frame = extract(GROWTH_ONLY, published="2020年10月30日")
    total = frame[(frame["indicator_zh"] == "合计") & (frame["period_kind"] == "month")].iloc[0]
    assert (total["period_start"], total["period_end"], total["yoy_pct"]) == (
        "2020-09", "2020-09", 5.4)
    assert empty(total["value"]) and "value_missing" not in flags(total)
    state = frame[(frame["indicator_zh"] == "国有企业") & (frame["period_kind"] == "cumulative")]
    assert state.iloc[0]["yoy_pct"] == -3.1
    # 按经济类型分组 is a breakdown of the total above it, not a new section
    assert state.iloc[0]["part_of"] == total["indicator_id"]
    assert set(frame["section"]) == {1}
    assert state.iloc[0]["period_start"] == "2020-01"
    # no value, so no unit: none is made up
    assert frame["unit"].isna().all()


OTHER_TABLE = """\
## 收费项目

项目\t收费标准\t依据
停车费\t5\t连价发
"""


def test_other_tables_are_not_indicator_tables():
    assert extract(OTHER_TABLE).empty


TRADITIONAL = """\
## 2019年9月主要經濟指標

指標\t本月\t比去年同月增長(%)\t1-本月\t比去年同期增長(%)
社會消費品零售總額(億元)\t120.4\t3.1\t1033.9\t7.2
居民消費價格指數\t102.8\t\t102.4\t
"""


def test_traditional_characters_match_but_stay_as_printed():
    frame = extract(TRADITIONAL)
    retail = one(frame, "retail_sales")
    assert retail["indicator_raw"] == "社會消費品零售總額(億元)"
    assert retail["indicator_zh"] == "社会消费品零售总额"
    assert retail["unit"] == "亿元" and "unit_differs_from_catalogue" not in flags(retail)
    assert (retail["value"], retail["yoy_pct"]) == (1033.9, 7.2)
    assert one(frame, "cpi", "month")["value"] == 102.8


def test_unitless_unreviewed_sub_row_of_a_numbered_section_is_refused():
    body = ("## 2019年1-9月主要经济指标\n\n指标\t本月止累计\t比上年同期增长%\n"
            "一、居民消费价格总指数\t102.3\t\n食品烟酒类\t101.5\t\n")
    with pytest.raises(GazetteError, match="has no unit"):
        extract(body)


def test_unitless_unreviewed_row_elsewhere_is_published_without_a_unit():
    body = "## 2019年1-9月主要经济指标\n\n指标\t本月止累计\t比上年同期增长%\n新指标\t1.0\t2.0\n"
    row = extract(body).iloc[0]
    assert (row["value"], row["yoy_pct"]) == (1.0, 2.0)
    assert row["unit"] is None
    assert {"unit_missing", "indicator_not_in_catalogue"} <= flags(row)


SUB_HEADERS = """\
## 2019年1-9月主要统计指标

\t2019年9月\t同比%\t2019年1-9月\t同比%
规模以上工业增加值(亿元)\t80.0\t5.0\t700.0\t6.0

## 2019年1-9月主要统计指标（续）

工业\t9月\t1-9月\t增长%
规模以上工业总产值(亿元)\t300\t2800\t7.7
  #高技术产业产值\t100\t900\t12.0
投资\t1-9月\t增长%
工业投资(亿元)\t600\t12.0
"""


def test_header_cells_with_years_and_a_header_again_inside_the_table():
    frame = extract(SUB_HEADERS)
    iva = one(frame, "industrial_value_added", "month")
    assert (iva["period_start"], iva["value"], iva["yoy_pct"]) == ("2019-09", 80.0, 5.0)
    assert one(frame, "industrial_value_added")["value"] == 700.0
    output = one(frame, "industrial_output")
    assert (output["value"], output["yoy_pct"], output["section_zh"]) == (2800, 7.7, "工业")
    hi_tech = frame[(frame["indicator_zh"] == "高技术产业产值")
                    & (frame["period_kind"] == "cumulative")].iloc[0]
    assert hi_tech["part_of"] == "industrial_output" and hi_tech["yoy_pct"] == 12.0
    investment = one(frame, "industrial_investment")
    assert (investment["value"], investment["yoy_pct"]) == (600, 12.0)
    assert investment["section_zh"] == "投资" and investment["section"] == 2
    assert "short_row" not in flags(investment)  # complete under its own header
    assert not (frame["indicator_zh"] == "投资").any()  # the header row is not data


TITLE_ROWS = """\
零售额月报

社會消費品零售總額\t\t\t\t
2024年4月\t\t\t\t
指標\t本月\t比去年同月增長(%)\t1-本月\t比去年同期增長(%)
社會消費品零售總額(億元)\t1400.5\t-5.0\t6000.2\t-1.0
# 批發零售業\t1300.1\t-4.0\t5500.3\t-0.9
住宿餐飲業\t100.4\t-9.0\t499.9\t-2.0
"""


def test_title_and_period_printed_as_rows_on_top_of_the_table():
    frame = extract(TITLE_ROWS, published="2024年5月20日", number=5)
    retail = one(frame, "retail_sales", "month")
    assert (retail["period_start"], retail["value"], retail["yoy_pct"]) == (
        "2024-04", 1400.5, -5.0)
    total = one(frame, "retail_sales")
    assert (total["period_start"], total["period_end"], total["value"]) == (
        "2024-01", "2024-04", 6000.2)
    catering = frame[frame["indicator_raw"] == "住宿餐飲業"]
    assert set(catering["part_of"]) == {"retail_sales"}
    assert set(catering["indicator_zh"]) == {"住宿餐饮业"}  # simplified for matching
    assert "period_year_from_issue" not in ";".join(frame["quality_flags"])


UNIT_COLUMN_AND_NUMBERED_PARTS = """\
## 2015年3月社会消费品零售情况

项 目 名 称\t计算 单位\t3月\t1-3月 累计\t累计比上年同期增长(%)\t结构(%)
一、社会消费品零售总额\t万元\t380000\t1170000\t2.0\t100
1、批发零售贸易业\t万元\t370000\t1040000\t0.6\t89.00
2、餐饮业\t万元\t14000\t129000\t14.7\t11.00
二、限额以上商业企业数\t个\t-\t330\t\t
三、限额以上批零企业商品销售总额\t万元\t300000\t890000\t-1.0\t
在总额中:\t\t\t\t\t
食品饮料烟酒类\t万元\t61000\t225000\t29.2\t
汽车类\t万元\t40000\t101000\t-47.1\t
"""


def test_unit_column_numbered_parts_and_in_the_total():
    frame = extract(UNIT_COLUMN_AND_NUMBERED_PARTS, published="2015年4月28日", number=4)
    retail = one(frame, "retail_sales")
    assert (retail["value"], retail["yoy_pct"], retail["unit"]) == (1170000, 2.0, "万元")
    assert "unit_differs_from_catalogue" in flags(retail)  # 万元, the catalogue has 亿元
    month = one(frame, "retail_sales", "month")
    assert (month["period_start"], month["period_end"], month["value"]) == (
        "2015-03", "2015-03", 380000)
    assert empty(month["yoy_pct"])  # the table prints no growth for the month
    catering = frame[(frame["indicator_zh"] == "餐饮业") & (frame["period_kind"] == "cumulative")]
    assert catering.iloc[0]["part_of"] == "retail_sales"
    assert catering.iloc[0]["yoy_pct"] == 14.7  # not the 结构(%) column
    firms = frame[frame["indicator_zh"] == "限额以上商业企业数"].set_index("period_kind")
    assert empty(firms.loc["month", "value"]) and "value_not_applicable" in flags(
        firms.loc["month"])
    assert firms.loc["cumulative", "value"] == 330 and firms.loc["cumulative", "unit"] == "个"
    cars = frame[(frame["indicator_zh"] == "汽车类") & (frame["period_kind"] == "cumulative")]
    sales = frame[frame["indicator_zh"] == "限额以上批零企业商品销售总额"]
    assert cars.iloc[0]["part_of"] == sales.iloc[0]["indicator_id"]
    assert cars.iloc[0]["section"] == 3 and cars.iloc[0]["yoy_pct"] == -47.1


BLANK_CORNER = """\
全市生产总值

2022年上半年

\t總量\t比上年同期
\t(億元)\t增長(%)
地區生產總值\t2000.5\t3.1
  按產業分\t\t
    第一產業\t150.2\t2.0
    第二產業\t900.1\t4.4
  按行業分\t\t
    # 工業\t800.3\t5.0
      建築業\t99.9\t-1.2
"""


def test_blank_corner_header_with_units_below_and_breakdowns():
    frame = extract(BLANK_CORNER, published="2022年7月25日", number=7).set_index("indicator_zh")
    gdp = frame.loc["地区生产总值"]
    assert (gdp["indicator_id"], gdp["value"], gdp["yoy_pct"], gdp["unit"]) == (
        "gdp", 2000.5, 3.1, "亿元")
    assert (gdp["period_start"], gdp["period_end"]) == ("2022-01", "2022-06")
    assert "unit_from_table_header" in flags(gdp)
    primary = frame.loc["第一产业增加值"]  # 第一产业 under 地区生产总值, from the catalogue
    assert (primary["indicator_id"], primary["part_of"], primary["value"]) == (
        "primary_industry_value_added", "gdp", 150.2)
    assert frame.loc["建筑业", "part_of"] == "gdp"  # 按行业分: a breakdown of the total
    assert frame.loc["工业", "yoy_pct"] == 5.0
    assert set(frame["section"]) == {1}
