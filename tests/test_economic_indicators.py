"""economic_indicators from the real 2018-16 issue."""

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def indicators(build):
    frame = build.frames["economic_indicators"]
    return frame.set_index("indicator_id")


def test_all_fifteen_rows(indicators):
    assert len(indicators) == 15
    assert set(indicators["period_start"]) == {"2018-01"}
    assert set(indicators["period_end"]) == {"2018-10"}
    assert set(indicators["period_label"]) == {"2018年1-10月"}
    assert set(indicators["source_agency"]) == {"市统计局"}


@pytest.mark.parametrize(("indicator", "value", "growth", "unit"), [
    ("fixed_asset_investment", 1639.54, 6.3, "亿元"),
    ("trade_total", 799701, 19.6, "万美元"),
    ("industrial_electricity", 85.96, -12.1, "亿千瓦时"),
    ("general_budget_revenue", 203.79, 7.4, "亿元"),
    ("port_throughput", 19703, 2.8, "万吨"),
])
def test_real_figures(indicators, indicator, value, growth, unit):
    row = indicators.loc[indicator]
    assert row["value"] == value
    assert row["yoy_pct"] == growth
    assert row["unit"] == unit


def test_sub_rows_inherit_units_and_part_of_only_where_true(indicators):
    expected_units = {"general_budget_expenditure": "亿元", "exports": "万美元",
                      "household_deposits": "亿元", "loans_balance": "亿元",
                      "industrial_electricity": "亿千瓦时"}
    for indicator, unit in expected_units.items():
        assert indicators.loc[indicator, "unit"] == unit
        assert "unit_inherited" in indicators.loc[indicator, "quality_flags"]
    parts = indicators["part_of"].dropna().to_dict()
    assert parts == {"exports": "trade_total", "household_deposits": "deposits_balance",
                     "industrial_electricity": "electricity_consumption"}
    assert indicators.loc["exports", "section"] == 3


def test_empty_cells_stay_empty(indicators):
    iva = indicators.loc["industrial_value_added"]
    assert pd.isna(iva["value"])  # empty, not 0
    assert iva["yoy_pct"] == -6.3
    assert iva["quality_flags"] == "value_missing"
    for index in ("cpi", "ppi"):
        assert pd.isna(indicators.loc[index, "yoy_pct"])
        assert indicators.loc[index, "measure"] == "index"
    assert indicators.loc["cpi", "value"] == 102.3
    assert indicators.loc["ppi", "value"] == 102.2
    assert indicators.loc["cpi", "index_change_pct_derived"] == pytest.approx(2.3)
    assert pd.isna(indicators.loc["trade_total", "index_change_pct_derived"])


def test_provenance(indicators):
    assert indicators.loc["general_budget_revenue", "source_line"] == 1308
    assert indicators.loc["ppi", "source_line"] == 1322
    assert set(indicators["source_issue"]) == {"2018-16"}


def test_new_columns_keep_the_seed_as_it_was(indicators):
    """The seed prints one cumulative column: every row is cumulative, no percentage-point
    change, and its sections are named by their section rows."""
    assert set(indicators["period_kind"]) == {"cumulative"}
    assert indicators["change_pp"].isna().all()
    assert indicators.loc["exports", "section_zh"] == "进出口总额"
    assert indicators.loc["loans_balance", "section_zh"] == "金融机构存款余额"
    assert indicators.loc["cpi", "section_zh"] == "居民消费价格总指数"
    assert not indicators["quality_flags"].fillna("").str.contains("period_year_from_issue").any()


def test_printed_text_is_kept_beside_each_number(indicators):
    """value_raw / yoy_pct_raw hold the cells exactly as datasets/raw/…2018-16.md prints them
    (its table is the only indicator table of the two seed issues; 2022-10 prints none), so
    the workbook can show 3241.50 and 11.0 with their trailing zeros."""
    from tests.conftest import ISSUE_2018

    lines = ISSUE_2018.read_text(encoding="utf-8").splitlines()
    for indicator, row in indicators.iterrows():
        cells = lines[row["source_line"] - 1].split("\t") + ["", ""]
        for raw, printed in ((row["value_raw"], cells[1]), (row["yoy_pct_raw"], cells[2])):
            assert (pd.isna(raw) and printed == "") or raw == printed, (indicator, raw, printed)
    assert indicators.loc["deposits_balance", "value_raw"] == "3241.50"
    assert indicators.loc["deposits_balance", "value"] == 3241.5
    assert indicators.loc["loans_balance", "value_raw"] == "2873.20"
    assert indicators.loc["trade_total", "value_raw"] == "799701"
    assert indicators.loc["exports", "yoy_pct_raw"] == "11.0"
    iva = indicators.loc["industrial_value_added"]
    assert pd.isna(iva["value_raw"]) and iva["yoy_pct_raw"] == "-6.3"
    assert pd.isna(indicators.loc["cpi", "yoy_pct_raw"])  # the index rows print no growth


def test_placeholders_and_words_are_kept_as_printed():
    """——, … and 持平 (made-up month-and-cumulative table of test_indicator_layouts): the
    number stays empty or 0 with its flag, the text as printed beside it."""
    from tests.test_indicator_layouts import MONTH_AND_CUMULATIVE, extract, one

    frame = extract(MONTH_AND_CUMULATIVE)
    retail = one(frame, "retail_sales", "month")
    assert (retail["yoy_pct"], retail["yoy_pct_raw"]) == (0.0, "持平")
    cpi = one(frame, "cpi", "month")
    assert pd.isna(cpi["yoy_pct"]) and cpi["yoy_pct_raw"] == "——"
    assert cpi["value_raw"] == "102.8"
    rate = frame[(frame["indicator_zh"] == "城镇登记失业率")].set_index("period_kind")
    assert pd.isna(rate.loc["month", "value"]) and rate.loc["month", "value_raw"] == "…"
    # a growth column printing percentage points gives change_pp; yoy_pct_raw stays empty
    assert rate.loc["cumulative", "change_pp"] == -0.2
    assert pd.isna(rate.loc["cumulative", "yoy_pct_raw"])
