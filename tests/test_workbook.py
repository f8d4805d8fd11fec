"""The clerks' workbook, read back with openpyxl: sheet order, the 说明 sheet, headers,
frozen header, autofilter, real Excel dates and numbers, wrapping, print setup, bytes."""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from etl.dictionary import Column, Dataset, all_flags, datasets
from etl.paths import ROOT
from etl.workbook import ABOUT, FLAG_NOTES, MAX_WIDTH, display_width, sheet_name, workbook_bytes


@pytest.fixture(scope="module")
def specs(build):
    return [datasets()[name] for name in datasets() if name in build.frames]


@pytest.fixture(scope="module")
def data(build, specs):
    return workbook_bytes(build.frames, specs, build.build_date, build.issue_rows())


@pytest.fixture(scope="module")
def wb(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def _headers(ds):
    extra = [FLAG_NOTES] if "quality_flags" in ds.column_names else []
    return [c.zh for c in ds.columns] + extra


def test_about_sheet_comes_first_then_one_sheet_per_dataset(wb, specs):
    assert wb.sheetnames == [ABOUT] + [sheet_name(ds) for ds in specs] + ["指标宽表"]
    assert "主要经济指标" in wb.sheetnames


def test_about_sheet_names_build_date_issues_sheets_dictionary_and_flags(wb, build, specs):
    ws = wb[ABOUT]
    cells = {c.coordinate: c for row in ws.iter_rows() for c in row if c.value is not None}
    text = "\n".join(str(c.value) for c in cells.values())
    # the build date is the newest issue's publication date, stored as an Excel date
    dated = [c for c in cells.values() if isinstance(c.value, datetime)]
    assert [c.value for c in dated] == [datetime(2022, 11, 15)]
    assert dated[0].is_date and "yyyy" in dated[0].number_format
    assert "2018-16（2018-12-15）" in text and "2022-10（2022-11-15）" in text
    rows = {}  # the sheets list comes before the dictionary, which names sheets too
    for r in ws.iter_rows():
        if r[0].value in wb.sheetnames:
            rows.setdefault(r[0].value, r)
    for ds in specs:
        row = rows[sheet_name(ds)]
        assert row[1].value == ds.name
        assert row[3].value == len(build.frames[ds.name])  # a number, not text
        assert row[0].hyperlink.location == f"'{sheet_name(ds)}'!A1"
        for col in ds.columns:  # the dictionary, in Chinese and English
            assert col.zh in text and col.name in text and col.en in text
    assert rows["主要经济指标"][3].value == 15
    flag_rows = {r[0].value: r for r in ws.iter_rows() if r[0].value in all_flags()}
    assert set(flag_rows) == set(all_flags())
    assert flag_rows["unit_inherited"][4].value == all_flags()["unit_inherited"].zh
    assert flag_rows["unit_inherited"][5].value == all_flags()["unit_inherited"].en
    assert flag_rows["unit_inherited"][1].value == 5  # rows carrying it, counted
    assert flag_rows["unit_inherited"][2].value == "主要经济指标 5行"


def test_dataset_sheets_have_chinese_headers_frozen_and_filtered(wb, build, specs):
    for ds in specs:
        ws = wb[sheet_name(ds)]
        headers = _headers(ds)
        assert [c.value for c in ws[1]] == headers
        assert ws.freeze_panes == "A2"
        last = get_column_letter(len(headers))
        assert ws.auto_filter.ref == f"A1:{last}{max(2, len(build.frames[ds.name]) + 1)}"
        assert ws.max_row == len(build.frames[ds.name]) + 1
        assert all(c.font.bold for c in ws[1])
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.paperSize == 9  # A4; orientation: tests/test_workbook_print.py


def test_cells_are_typed_like_the_dictionary(wb, build, specs):
    checked = set()
    for ds in specs:
        ws = wb[sheet_name(ds)]
        for i, col in enumerate(ds.columns, start=1):
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if cell.value is None:
                    continue
                checked.add(col.type)
                if col.type == "date":
                    assert isinstance(cell.value, datetime) and cell.is_date
                    assert cell.number_format == "yyyy-mm-dd"
                elif col.type == "integer":
                    assert type(cell.value) is int
                elif col.type == "number":
                    assert isinstance(cell.value, int | float)
                else:
                    assert isinstance(cell.value, str), (ds.name, col.name, cell.value)
    assert {"integer", "number", "string", "year_month", "category"} <= checked


def test_real_values_of_the_2018_indicator_table(wb):
    ws = wb["主要经济指标"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True))
            for r in ws.iter_rows(min_row=2)]
    fai = next(r for r in rows if r["指标代码"] == "fixed_asset_investment")
    assert fai["数值"] == 1639.54 and fai["比上年同期增长(%)"] == 6.3
    assert fai["来源行号"] == 1310 and fai["统计期"] == "2018年1-10月"
    exports = next(r for r in rows if r["指标代码"] == "exports")
    assert exports["质量标记"] == "unit_inherited"
    assert exports[FLAG_NOTES] == all_flags()["unit_inherited"].zh
    # an empty source cell stays empty, never 0
    missing = next(r for r in rows if r["质量标记"] and "value_missing" in r["质量标记"])
    assert missing["数值"] is None


def test_widths_fit_and_long_text_wraps(wb, build, specs):
    for ds in specs:
        ws = wb[sheet_name(ds)]
        for i, header in enumerate(_headers(ds), start=1):
            width = ws.column_dimensions[get_column_letter(i)].width
            assert width <= MAX_WIDTH
            longest = max([display_width(str(c.value)) for (c,) in ws.iter_rows(
                min_col=i, max_col=i) if c.value is not None and not c.is_date] + [0])
            if longest + 2 > MAX_WIDTH:  # too long to fit: wrapped, row tall enough
                cells = [c for (c,) in ws.iter_rows(min_row=2, min_col=i, max_col=i)]
                assert all(c.alignment.wrap_text for c in cells), header
            else:
                assert width >= longest, (ds.name, header)
    about = wb[ABOUT]
    tall = [r for r, d in about.row_dimensions.items() if d.height and d.height > 15]
    assert tall, "wrapped descriptions on 说明 need taller rows"


def test_synthetic_dataset_dates_booleans_formulas_and_long_text():
    """Types no real dataset may have yet: a date, a boolean, text that looks like a formula
    and a title too long for one line."""
    cols = (Column("title", "string", "标题", "Title", "t"),
            Column("signed_on", "date", "签发日期", "Signed on", "d"),
            Column("in_force", "boolean", "有效", "In force", "b"),
            Column("status", "category", "状态", "Status", "s", enum=("有效", "废止")),
            Column("source_line", "integer", "来源行号", "Line", "l"),
            Column("quality_flags", "string", "质量标记", "Flags", "q"),
            Column("start_year", "integer", "起始年份", "Start year", "y", minimum=-10000))
    ds = Dataset("demo", "示例", "Demo", "demo", "示例", cols)
    frame = pd.DataFrame({
        "title": ["=HYPERLINK(\"http://x\")", "连云港市" * 40],
        "signed_on": pd.to_datetime(["2018-11-13", None]).astype("datetime64[s]"),
        "in_force": pd.array([True, None], dtype="boolean"),
        "status": ["有效", "废止"], "source_line": pd.array([12, 1300], dtype="Int64"),
        "quality_flags": ["date_impossible", None],
        "start_year": pd.array([-206, 1368], dtype="Int64")})
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes(
        {"demo": frame}, [ds], date(2018, 12, 15), [])))["示例"]
    formula_like = ws["A2"]  # etl.spreadsheet.safe_xlsx_text, as in every CSV and XLSX
    assert formula_like.data_type == "s" and formula_like.value == "'=HYPERLINK(\"http://x\")"
    assert ws["B2"].value == datetime(2018, 11, 13) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["B3"].value is None
    assert (ws["C2"].value, ws["C3"].value) == ("是", None)
    assert ws["E3"].value == 1300 and ws["E3"].number_format == "0"
    assert ws["H2"].value == all_flags()["date_impossible"].zh  # after the dictionary's columns
    assert ws["G2"].value == -206 and ws["G2"].number_format == '0;"公元前"0'  # shows 公元前206
    assert ws["E1"].alignment.horizontal == "right"  # over right-aligned numbers
    assert ws["A3"].alignment.wrap_text and ws.row_dimensions[3].height >= 3 * 15


def test_heritage_sheet_years_and_coordinates(wb, build):
    if not len(build.frames.get("heritage_sites", [])):
        pytest.skip("heritage_sites has no rows yet")
    ws = wb["文物保护单位"]
    header = [c.value for c in ws[1]]
    rows = {r[0].value: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2)}
    han = rows["5-1"]  # 城后土城遗址, 汉: 206 BCE – 220 CE
    assert han["名称"].value == "城后土城遗址"
    assert han["起始年份"].value == -206 and "公元前" in han["起始年份"].number_format
    assert han["截止年份"].value == 220
    assert isinstance(han["公布日期"].value, datetime) and han["公布日期"].is_date
    assert han["公布日期"].value == datetime(2018, 11, 13)
    located = [r["纬度"].value for r in rows.values() if r["纬度"].value is not None]
    assert located and all(isinstance(v, float) and 33.9 <= v <= 35.2 for v in located)


def test_workbook_is_byte_reproducible(build, specs, data):
    again = workbook_bytes(build.frames, specs, build.build_date, build.issue_rows())
    assert again == data
    stamps = {i.date_time for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    assert stamps == {(2022, 11, 15, 0, 0, 0)}
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode()
    assert "2022-11-15T00:00:00Z" in core


# --- issue 14: a clerk's workbook in Chinese ---------------------------------------------


def _column_cells(ws, i):
    return [c for (c,) in ws.iter_rows(min_row=2, min_col=i, max_col=i) if c.value is not None]


def test_no_english_code_in_a_chinese_column(wb, build, specs):
    """Every coded column shows the dictionary's Chinese labels; the codes stay in the CSV."""
    from etl.workbook_labels import is_coded
    checked = 0
    for ds in specs:
        ws = wb[sheet_name(ds)]
        for i, col in enumerate(ds.columns, start=1):
            if not is_coded(ds, col):
                continue
            relabelled = {str(code) for code in (col.enum or ())
                          if col.value_label(code, "zh") != str(code)}
            for cell in _column_cells(ws, i):
                checked += 1
                assert cell.value not in relabelled, (ds.name, col.name, cell.value)
                # and no code is left unlabelled: a Latin snake_case word is a code
                assert not re.fullmatch(r"[a-z][a-z0-9_]*", str(cell.value)), \
                    (ds.name, col.name, cell.value)
    assert checked > 500
    shown = {(sheet, col.zh): {c.value for c in _column_cells(wb[sheet], i)}
             for ds in specs for sheet in [sheet_name(ds)]
             for i, col in enumerate(ds.columns, start=1)}
    # the examples issue 14 names, each by the dictionary's label (never the code)
    def label(name, column, code):
        text = datasets()[name].column(column).value_label(code, "zh")
        assert text != code
        return text
    assert {label("normative_documents", "list_status", "repealed"),
            label("normative_documents", "list_status", "retained")} \
        <= shown[("规范性文件清理目录", "清理结果")]
    assert {label("document_events", "event", "issued"),
            label("document_events", "event", "listed_retained")} \
        <= shown[("文件生命周期事件", "事件")]
    assert label("economic_indicators", "measure", "cumulative_flow") \
        in shown[("主要经济指标", "指标类型")]
    assert label("heritage_sites", "geocode_precision", "county") \
        in shown[("文物保护单位", "定位精度")]
    # part_of names its total by the indicator's Chinese name (exports ⊂ trade_total)
    assert shown[("主要经济指标", "所属上级指标")] >= {"进出口总额"}
    csv = (ROOT / "datasets" / "normative_documents.csv").read_text(encoding="utf-8-sig")
    assert ",repealed," in csv  # the published CSV keeps the codes


def test_about_sheet_has_chinese_descriptions_terms_version_and_changelog(wb, build, specs):
    from etl.changelog import read_changelog
    from etl.release import DATA_LICENSE, version_for_frames
    ws = wb[ABOUT]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    text = "\n".join(str(v) for r in rows for v in r if v is not None)
    version = version_for_frames(build.frames, build.issue_rows())["version"]
    assert version in text and re.fullmatch(r"2022-10\+[0-9a-f]{8}", version)
    assert DATA_LICENSE["terms_zh"] in text and DATA_LICENSE["terms_en"] in text
    assert "CC-BY-4.0" in text
    # the dictionary: Chinese description in its own column beside the English one
    header = next(r for r in rows if r[4] == "中文说明" and r[1] == "列标题 / Header")
    assert header[5] == "Description (English)"
    measure = next(r for r in rows if r[0] == "主要经济指标" and r[1] == "指标类型")
    col = datasets()["economic_indicators"].column("measure")
    assert measure[5].startswith(col.description)
    if col.description_zh:
        assert measure[4].startswith(col.description_zh)
    zh, en = col.value_label("cumulative_flow", "zh"), col.value_label("cumulative_flow", "en")
    assert f"{zh}（cumulative_flow）" in measure[4]  # each code beside its label
    assert f"cumulative_flow = {en}" in measure[5]
    # flag codes with their Chinese explanation
    flag = next(r for r in rows if r[0] == "value_missing")
    assert flag[4] == all_flags()["value_missing"].zh
    changes = read_changelog(ROOT / "datasets")
    if changes:  # one row per release, newest first
        versions = [r[0] for r in rows if isinstance(r[0], str) and r[0] in
                    {c["version"] for c in changes}]
        assert versions and versions[-1] == changes[0]["version"]


def test_numbers_keep_the_printed_decimals_with_thousands_separators(wb):
    ws = wb["主要经济指标"]
    header = [c.value for c in ws[1]]
    rows = {r[header.index("指标代码")].value: dict(zip(header, r, strict=True))
            for r in ws.iter_rows(min_row=2)}
    trade = rows["trade_total"]["数值"]
    assert trade.value == 799701 and trade.number_format == "#,##0"  # 799,701
    assert rows["fixed_asset_investment"]["数值"].number_format == "#,##0.00"
    deposits = rows["deposits_balance"]["数值"]  # printed 3241.50
    assert deposits.value == 3241.5
    if "value_raw" in datasets()["economic_indicators"].column_names:
        assert deposits.number_format == "#,##0.00"  # 3,241.50 as printed
    else:  # the printed text is not kept yet: as many decimals as the value needs
        assert deposits.number_format == "#,##0.0"
    assert rows["cpi"]["比上年同期增长(%)"].value is None
    assert rows["exports"]["比上年同期增长(%)"].number_format == "#,##0.0"  # 11.0 as printed


def test_printed_decimals_come_from_the_raw_text_beside_a_number():
    """A dataset keeping the printed text (``value_raw``) shows exactly its decimals."""
    cols = (Column("value", "number", "数值", "Value", "v"),
            Column("value_raw", "string", "原文数值", "Value as printed", "r"))
    ds = Dataset("demo", "示例", "Demo", "demo", "示例", cols)
    frame = pd.DataFrame({"value": [3241.5, 799701.0, 11.0, None, 0.25],
                          "value_raw": ["3241.50", "799701", "11.0%", "——", None]})
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes(
        {"demo": frame}, [ds], date(2018, 12, 15), [])))["示例"]
    assert [c.number_format for c in ws["A"][1:]] == \
        ["#,##0.00", "#,##0", "#,##0.0", "General", "#,##0.00"]
    assert ws["A2"].value == 3241.5


def test_sheets_have_borders_header_fill_and_cjk_font(wb, data, specs):
    for ds in specs:
        ws = wb[sheet_name(ds)]
        for cell in ws[1]:
            assert cell.fill.fgColor.rgb.endswith("DDEBF7") and cell.font.bold
        for row in ws.iter_rows(max_row=min(ws.max_row, 40)):
            for cell in row:
                assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
                if isinstance(cell.value, str) and re.search(r"[\u4e00-\u9fff]", cell.value):
                    # the East-Asian face, marked GB2312, on every cell with Chinese text
                    assert (cell.font.name, cell.font.charset) == ("等线", 134), cell.coordinate
    for row in wb[ABOUT].iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and re.search(r"[\u4e00-\u9fff]", cell.value):
                assert cell.font.name == "等线", cell.coordinate
    theme = zipfile.ZipFile(io.BytesIO(data)).read("xl/theme/theme1.xml").decode()
    assert theme.count('<a:ea typeface="等线"/>') == 2
    assert theme.count('<a:font script="Hans" typeface="等线"/>') == 2


def test_row_heights_never_clip(wb):
    """Every wrapped row, 说明 included, is at least as tall as its text needs: each line at
    least ceil(width / column width) lines of a CJK face 1.45 em tall. (The old workbook gave
    15 pt per line of 11 pt text: Noto Sans CJK needs 16, so 说明's rows overlapped.)"""
    from etl.workbook_about import ABOUT_WIDTHS
    checked = 0
    for ws in wb.worksheets:
        spans = {}
        for rng in ws.merged_cells.ranges:
            spans[(rng.min_row, rng.min_col)] = sum(
                ws.column_dimensions[get_column_letter(c)].width
                for c in range(rng.min_col, rng.max_col + 1))
        for row in ws.iter_rows():
            need = 0.0
            for cell in row:
                if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                    continue
                width = spans.get((cell.row, cell.column)) or \
                    ws.column_dimensions[get_column_letter(cell.column)].width
                lines = sum(max(1, math.ceil(display_width(line) / width))
                            for line in cell.value.split("\n"))
                if lines > 1:
                    need = max(need, lines * (cell.font.sz or 11) * 1.45)
            if need:
                checked += 1
                height = ws.row_dimensions[row[0].row].height
                assert height and height >= need, (ws.title, row[0].row, height, need)
    assert checked > 100
    assert sum(ABOUT_WIDTHS) > 100
