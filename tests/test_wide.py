"""The wide indicator table (etl.wide): CSV, Frictionless resource and workbook sheet 指标宽表,
from the real 2018-16 issue and the month-and-cumulative layout of test_indicator_layouts."""

from __future__ import annotations

import io

import frictionless
import openpyxl
import pandas as pd
import pytest

from etl.wide import (
    FILE,
    ID_COLUMNS,
    SHEET,
    catalogue_order,
    indicators_wide,
    printed_number,
    wide_csv_bytes,
    wide_outputs,
    wide_resource,
)
from tests.test_indicator_layouts import MONTH_AND_CUMULATIVE, extract


@pytest.fixture(scope="module")
def frame(build):
    return build.frames["economic_indicators"]


@pytest.fixture(scope="module")
def printed(frame):
    return indicators_wide(frame, printed=True).set_index("indicator_id")


def test_one_row_per_indicator_in_catalogue_order_one_column_per_period(frame):
    wide = indicators_wide(frame)
    assert list(wide.columns) == [*ID_COLUMNS, "2018年1-10月"]
    assert len(wide) == frame["indicator_id"].nunique() == 15
    order = catalogue_order()
    ids = list(wide["indicator_id"])
    assert ids == sorted(ids, key=order.index)  # every seed indicator is in the catalogue
    assert ids[:2] == ["general_budget_revenue", "general_budget_expenditure"]
    row = wide.set_index("indicator_id").loc["deposits_balance"]
    assert (row["indicator_zh"], row["unit"], row["2018年1-10月"]) == (
        "金融机构存款余额", "亿元", 3241.5)
    assert wide["2018年1-10月"].dtype == "float64"


def test_values_as_the_gazette_printed_them(printed):
    period = "2018年1-10月"
    # datasets/raw/lianyungang-gazette-2018-16.md lines 1314, 1311, 1321, 1318
    assert printed.loc["deposits_balance", period] == "3241.50"
    assert printed.loc["loans_balance", period] == "2873.20"
    assert printed.loc["trade_total", period] == "799701"
    assert printed.loc["cpi", period] == "102.3"
    assert pd.isna(printed.loc["industrial_value_added", period])  # printed empty: not 0


def test_single_months_are_labelled_apart_before_their_cumulative_period():
    wide = indicators_wide(extract(MONTH_AND_CUMULATIVE), printed=True).set_index(
        "indicator_id")
    assert list(wide.columns[-2:]) == ["2019年9月（当月）", "2019年1-9月"]
    assert tuple(wide.loc["industrial_value_added", ["2019年9月（当月）", "2019年1-9月"]]) == (
        "88.5", "762.3")
    assert tuple(wide.loc["cpi", ["2019年9月（当月）", "2019年1-9月"]]) == ("102.8", "102.4")
    # …  (not available) in the month column stays empty; the cumulative 1.9 is there
    unemployment = wide[wide["indicator_zh"] == "城镇登记失业率"].iloc[0]
    assert pd.isna(unemployment["2019年9月（当月）"]) and unemployment["2019年1-9月"] == "1.9"


def test_printed_number_falls_back_to_the_decimals_the_value_needs():
    assert printed_number(3241.5, "3241.50") == "3241.50"
    assert printed_number(11.0, "11.0") == "11.0"
    assert printed_number(3241.5, None) == "3241.5"  # a frame without value_raw
    assert printed_number(None, "——") is None
    assert printed_number(float("nan"), None) is None


def test_csv_is_utf8_with_bom_and_spreadsheet_safe(frame):
    data = wide_outputs({"economic_indicators": frame})[FILE]
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "indicator_id,indicator_zh,indicator_en,unit,2018年1-10月"
    assert "deposits_balance,金融机构存款余额,Deposits of financial institutions (balance),亿元,3241.50" \
        in lines
    hostile = frame.copy()
    hostile["indicator_zh"] = hostile["indicator_zh"].astype(object)
    hostile.loc[hostile.index[0], "indicator_zh"] = "=HYPERLINK(\"http://x\")"
    text = wide_csv_bytes(indicators_wide(hostile, printed=True)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_resource_is_derived_and_valid_frictionless(frame, tmp_path):
    data = wide_outputs({"economic_indicators": frame})[FILE]
    (tmp_path / FILE).write_bytes(data)
    descriptor = wide_resource(data)
    assert descriptor["description"].startswith("DERIVED")
    assert [f["name"] for f in descriptor["schema"]["fields"]] == [*ID_COLUMNS, "2018年1-10月"]
    assert descriptor["schema"]["fields"][-1]["type"] == "number"
    package = frictionless.Package({"resources": [descriptor]}, basepath=str(tmp_path))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_workbook_sheet_shows_printed_decimals_and_says_it_is_derived(build):
    from etl.dictionary import datasets
    from etl.workbook import workbook_bytes

    specs = [ds for name, ds in datasets().items() if name in build.frames]
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(
        build.frames, specs, build.build_date, build.issue_rows(), build.city)))
    ws = wb[SHEET]
    header = [c.value for c in ws[1]]
    assert header == ["指标名称", "计量单位", "2018年1-10月", "指标代码"]
    rows = {r[3].value: r for r in ws.iter_rows(min_row=2, max_row=16)}
    deposits = rows["deposits_balance"][2]
    assert deposits.value == 3241.5 and deposits.number_format == "#,##0.00"  # 3,241.50
    trade = rows["trade_total"][2]
    assert trade.value == 799701 and trade.number_format == "#,##0"  # 799,701
    assert rows["industrial_value_added"][2].value is None
    assert rows["cpi"][0].value == "居民消费价格总指数"
    note = next(c.value for row in ws.iter_rows(min_row=17) for c in row if c.value)
    assert note.startswith("派生表")
    assert ws.page_setup.fitToWidth == 1 and ws.freeze_panes == "C2"
