"""Held-out play for the two list datasets: cleanup registries (废止 / 继续有效 / 宣布失效 /
拟修改 目录) and heritage lists of other cities, each in every layout a source comes in
(tests/heldout_lists.py renders them), read by the real pipeline and scored row by row —
plus one focused test for each general rule the play asked for.

Floors are what was measured (see the table in tests/heldout_lists.py's report), so a
regression fails loudly.
"""

from __future__ import annotations

import shutil
from datetime import date
from functools import cache

import pytest

from etl.errors import GazetteError
from etl.extractors import Context
from etl.extractors import normative_documents as nd
from etl.read import read_text
from etl.read.kinds import column_kind, fit_era, fit_seq, header_key
from etl.read.layouts import cell_lines, inferred
from tests import heldout_lists as hl

# rows right / rows, at least, per layout (every fixture of the layout summed); measured
# 67/67 on every text layout and the web page. From PDFs (pdftotext -layout): the page
# printed from the web page 64/67, the tab text typeset by tests/typeset.py 40/67 (it
# typesets no heading between tab rows, so H1/H3 lose their categories; N2's six narrow
# columns are read by the aligned layout with 制定机关 and 文件名称 in one cell)
FLOORS = {"tabs": 1.0, "pipes": 1.0, "pipes_bare": 1.0, "spaces": 1.0,
          "spaces_wrapped": 1.0, "cell_lines": 1.0, "html": 1.0}
PDF_FLOORS = {"pdf_html": 0.9, "pdf_layout": 0.45}  # 25/52 while N3/N4 are skipped


@cache
def _new_statuses_published() -> bool:
    """Whether the pipeline publishes lapsed / to_be_revised rows end to end (the events
    derived from the registry must know them: etl/extractors/document_events.py)."""
    text = ("## 宣布失效的规范性文件目录\n\n序号\t文件名称\t文号\n"
            "1\t某某办法\t某政发〔2015〕3号\n")
    try:
        return bool(hl.found_rows(text, "normative"))
    except (GazetteError, KeyError, ValueError):
        return False


def _chosen(layout: str) -> list[hl.Fixture]:
    return [f for f in hl.FIXTURES
            if f.status not in ("lapsed", "to_be_revised", "mixed") or _new_statuses_published()]


@pytest.mark.parametrize("layout", list(hl.TEXT_LAYOUTS))
def test_rows_read_right_per_layout(layout):
    right = total = extra = 0
    for fixture in _chosen(layout):
        r, t, e = hl.measure(fixture, layout)
        right, total, extra = right + r, total + t, extra + e
    assert right >= FLOORS[layout] * total, (layout, right, total)
    assert extra <= total - right, (layout, extra)  # a wrong row, never an invented one


@pytest.mark.slow
@pytest.mark.parametrize("layout", list(hl.PDF_LAYOUTS))
def test_rows_read_right_from_pdftotext_layout(layout, tmp_path):
    from tests.typeset import CHROMIUM
    if not CHROMIUM.exists() or shutil.which("pdftotext") is None:
        pytest.skip("chromium or pdftotext missing")
    right = total = 0
    for fixture in _chosen(layout):
        r, t, _ = hl.measure(fixture, layout, tmp_path)
        right, total = right + r, total + t
    assert right >= PDF_FLOORS[layout] * total, (layout, right, total)


# --- cleanup registries: one test per rule ---------------------------------------------------


def _registry(text: str) -> list[dict]:
    issue = read_text(text, "list.md", "2030-01")
    return nd.extract(issue, Context()).rows.get("normative_documents", [])


@pytest.mark.parametrize(("title", "status"), [
    ("市政府决定废止的规范性文件目录", "repealed"),
    ("继续有效的市政府规范性文件目录", "retained"),
    ("宣布失效的市政府规范性文件目录", "lapsed"),
    ("拟修改的县政府规范性文件目录", "to_be_revised"),
    ("廢止的規範性文件目錄", "repealed"),
])
def test_list_titles_say_what_was_decided(title, status):
    rows = _registry(f"## {title}\n\n序号\t文件名称\t文号\n1\t某某办法\t某政发〔2015〕3号\n")
    assert [r["list_status"] for r in rows] == [status]
    assert rows[0]["needs_revision"] is (True if status == "to_be_revised" else None)


@pytest.mark.parametrize(("cell", "expected"), [
    ("2015.3.2", date(2015, 3, 2)), ("2015-03-02", date(2015, 3, 2)),
    ("2015/3/2", date(2015, 3, 2)), ("2015年3月2日", date(2015, 3, 2)),
    ("２０１５．３．２", date(2015, 3, 2)), ("2015.2.30", None),
])
def test_dates_in_other_formats(cell, expected):
    row = nd.read_row(["1", "某某办法", "某政发〔2015〕3号", cell],
                      {"seq": 0, "title": 1, "number": 2, "date": 3}, {})
    assert row["issued_on"] == expected
    assert ("date_impossible" in row["quality_flags"]) is (expected is None)


def test_other_column_names_and_orders():
    header = ["序號", "制定機關", "文件名稱", "發文字號", "成文日期", "實施單位", "清理意見"]
    assert nd.column_map(header) == {"seq": 0, "issuer": 1, "title": 2, "number": 3,
                                     "date": 4, "agency": 5, "opinion": 6}


@pytest.mark.parametrize(("cell", "issuer"), [
    ("淮川市人民政府", "市政府"), ("淮川市人民政府办公室", "市政府办公室"),
    ("临河县人民政府", "县政府"), ("某市某某区人民政府办公室", "区政府办公室"),
    ("江苏省人民政府办公厅", "省政府办公厅"), ("連雲港市人民政府", "市政府"),
    ("市财政局", None),
])
def test_issuers_of_any_government_by_level(cell, issuer):
    row = nd.read_row(["1", "某某办法", "某政发〔2015〕3号", cell],
                      {"seq": 0, "title": 1, "number": 2, "issuer": 3}, {})
    assert row["issuer"] == issuer
    assert ("issuer_unrecognised" in row["quality_flags"]) is (issuer is None)


def test_a_list_deciding_row_by_row():
    rows = _registry(
        "## 市政府规范性文件清理结果目录\n\n序号\t文件名称\t文号\t清理意见\n"
        "1\t甲办法\t某政发〔2015〕3号\t继续有效\n"
        "2\t乙办法\t某政发〔2016〕4号\t宣布失效\n"
        "3\t丙办法\t某政规〔2017〕1号\t修改\n"
        "4\t丁办法\t某政规〔2018〕2号\t废止\n")
    assert [r["list_status"] for r in rows] == ["retained", "lapsed", "to_be_revised",
                                                "repealed"]
    assert [r["cleanup_opinion"] for r in rows] == ["继续有效", "宣布失效", "修改", "废止"]
    assert [r["needs_revision"] for r in rows] == [False, False, True, False]


def test_an_opinion_that_contradicts_the_list_is_flagged():
    rows = _registry("## 废止的规范性文件目录\n\n序号\t文件名称\t文号\t清理意见\n"
                     "1\t甲办法\t某政发〔2015〕3号\t废止\n2\t乙办法\t某政发〔2016〕4号\t修改\n")
    assert [r["list_status"] for r in rows] == ["repealed", "to_be_revised"]
    assert "opinion_differs_from_list" in rows[1]["quality_flags"]
    assert "opinion_differs_from_list" not in rows[0]["quality_flags"]


def test_a_heading_under_the_header_and_between_rows():
    # the header alone (a heading follows it), then rows whose last cell is empty; a heading
    # between two rows joined onto the row above by the tab layout is given back
    rows = _registry("## 继续有效的规范性文件目录\n\n序号\t文件名称\t文号\t备注\n一、市政府文件\n"
                     "1\t甲办法\t某政发〔2015〕3号\t\n2\t乙办法\t某政发〔2016〕4号\t\n"
                     "二、市政府办公室文件\n3\t丙办法\t某政办发〔2017〕1号\t修改\n")
    assert [(r["seq"], r["remark"], r["needs_revision"]) for r in rows] == [
        (1, None, False), (2, None, False), (3, "修改", True)]


def test_remarks_that_mark_a_revision():
    cols = {"seq": 0, "title": 1, "number": 2, "remark": 3}
    for remark in ("修改", "拟修改", "需修订"):
        row = nd.read_row(["1", "甲办法", "某政发〔2015〕3号", remark], cols, {})
        assert row["needs_revision"] is True and "remark_unrecognised" not in row["quality_flags"]
    row = nd.read_row(["1", "甲办法", "某政发〔2015〕3号", "另行发文"], cols, {})
    assert row["needs_revision"] is False and "remark_unrecognised" in row["quality_flags"]


# --- column kinds and unseparated layouts ----------------------------------------------------


def test_a_date_with_dots_is_no_row_number():
    assert fit_seq("2015.3.2") == 0 and fit_seq("2015-03-02") == 0
    assert fit_seq("5-23") == 1 and fit_seq("1.2") == 1 and fit_seq("17") == 1


def test_traditional_header_names_and_cells():
    assert header_key("發文時間") == "发文时间"
    assert column_kind("序號") == "seq_or_id" and column_kind("文件名稱") == "name"
    assert fit_era("戰國") == 1 and fit_era("清光緒年間") == 1 and fit_era("明万历年间") == 1


def test_cleanup_header_names_are_known_kinds():
    for name, kind in (("清理意见", "remark"), ("实施单位", "agency"), ("制发机关", "issuer"),
                       ("印发日期", "date"), ("发文文号", "doc_number")):
        assert column_kind(name) == kind


def test_traditional_single_space_list():
    lines = ["## 某縣第三批縣級文物保護單位名單", "", "編號 名稱 時代 地址",
             "3-1 東山遺址 新石器時代 某縣東山鎮", "3-2 黃氏墓 某縣黃莊鄉", "3-3 魁星樓 清 某縣文廟街"]
    (table,) = inferred.find(lines)
    assert [r.cells for r in table.rows] == [
        ["3-1", "東山遺址", "新石器時代", "某縣東山鎮"], ["3-2", "黃氏墓", "", "某縣黃莊鄉"],
        ["3-3", "魁星樓", "清", "某縣文廟街"]]


def test_a_category_printed_last_is_the_rows_cell_not_a_heading():
    lines = ["## 第六批县级文物保护单位名单", "", "编号", "名称", "时代", "地址", "类别",
             "6-1", "高台遗址", "新石器时代", "某县高台镇", "古遗址",
             "6-2", "赵氏墓", "某县白沙乡", "古墓葬",
             "6-3", "张公祠", "清", "某县城关镇", "古建筑"]
    (table,) = cell_lines.find(lines)
    assert [r.cells for r in table.rows] == [
        ["6-1", "高台遗址", "新石器时代", "某县高台镇", "古遗址"],
        ["6-2", "赵氏墓", "", "某县白沙乡", "古墓葬"],
        ["6-3", "张公祠", "清", "某县城关镇", "古建筑"]]
    assert table.interruptions == []


def test_heritage_category_printed_last_end_to_end():
    found = hl.found_rows(hl.render_cell_lines(hl.H2_CATEGORY_LAST), "heritage")
    assert [r["category_zh"] for r in found] == [
        "古遗址", "古遗址", "古墓葬", "古建筑", "古建筑", "古建筑", "石窟寺及石刻",
        "近现代重要史迹及代表性建筑", "近现代重要史迹及代表性建筑"]


def test_a_list_cut_at_the_page_width_anywhere():
    # a plain copy of a PDF: every line cut at the page width, inside a 文号, a date (the
    # rest of a date, 1-19 or 03, is no row id), and a bare 8 at the end (no page number)
    rows = [["1", "某市城市居民最低生活保障办法", "某政发〔2006〕112号", "2006-08-21"],
            ["2", "某市人民政府关于加快民营经济发展的意见", "某政发〔2009〕35号", "2009-04-03"],
            ["3", "某市电动自行车管理规定", "某政规〔2012〕6号", "2012-11-19"],
            ["4", "某市市级储备粮管理办法", "某政规〔2013〕7号", "2013.10.8"]]
    lines = ["## 废止的规范性文件目录", "", "序号 文件名称 文号 发文日期"]
    for width in (28, 31, 34):
        cut = [text[k:k + width] for row in rows for text in [" ".join(row)]
               for k in range(0, len(text), width)]
        (table,) = inferred.find([*lines, *cut, ""])
        assert [r.cells for r in table.rows] == rows, width


def test_a_row_that_lost_a_trailing_empty_cell_keeps_its_county():
    # the first row after a heading is taken for a header by the tab layout, which drops its
    # empty last cell (备注): the county cell is there, so no merged cell is restored
    found = hl.found_rows(hl.render_tabs(hl.H4_COUNTY_REMARK), "heritage")
    assert [r["address_raw"] for r in found[:3]] == ["大营镇大营村北", "港南街道盐场路",
                                                      "城关镇北大街"]


@pytest.mark.parametrize(("cell", "title", "number"), [
    ("《某市城市供水管理办法》（某政发〔2015〕40号）", "某市城市供水管理办法", "某政发〔2015〕40号"),
    ("某市城市供水管理办法 某政发〔2015〕40号", "某市城市供水管理办法", "某政发〔2015〕40号"),
    ("关于转发苏政发〔2015〕3号文件的通知", "关于转发苏政发〔2015〕3号文件的通知", None),
])
def test_a_title_and_its_number_in_one_cell(cell, title, number):
    cols = nd.column_map(["序号", "文件名称及文号", "发布日期"])
    assert cols == {"seq": 0, "title_number": 1, "date": 2}
    row = nd.read_row(["1", cell, "2015/3/2"], cols, {})
    assert (row["title"], row["doc_number"]) == (title, number)
    assert row["issued_on"] == date(2015, 3, 2)
