"""The gazette reader on both real issues: documents, tables, TOC, cover."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.read import find_tables, read_text


def test_documents_2018(issue_2018):
    numbers = [d.doc_number.text for d in issue_2018.documents]
    assert numbers == [
        "连政发〔2018〕137号", "连政发〔2018〕140号", "连政发〔2018〕141号",
        "连政办发〔2018〕158号", "连政办发〔2018〕160号", "连政办发〔2018〕161号",
        "连政办发〔2018〕162号", "连政办发〔2018〕165号", "连政办发〔2018〕166号",
        "连政办发〔2018〕167号",
    ]
    by_number = {d.doc_number.text: d for d in issue_2018.documents}
    heritage = by_number["连政发〔2018〕141号"]
    assert heritage.title == "市政府关于公布连云港市第五批市级文物保护单位的通知"  # 第五批 市级: space gone
    assert heritage.signed_on == date(2018, 11, 13)
    assert heritage.issuer == "市政府"
    cleanup = by_number["连政办发〔2018〕167号"]
    assert (cleanup.signed_on, cleanup.issuer) == (date(2018, 11, 23), "市政府办公室")
    assert cleanup.title_line == 1076


def test_documents_2022_without_markup(issue_2022):
    docs = issue_2022.documents
    assert [d.doc_number.text for d in docs] == [
        "市政府令第8号", "连政规发〔2022〕3号", "连政规发〔2022〕4号", "连政发〔2022〕116号"]
    order = docs[0]
    assert order.title == "连云港市违法建设控制和查处管理办法"
    assert order.signed_on == date(2022, 10, 31)
    assert [d.signed_on for d in docs[1:]] == [date(2022, 10, 4), date(2022, 10, 24),
                                                date(2022, 10, 25)]


def test_cover(issue_2018, issue_2022):
    assert (issue_2018.year, issue_2018.number, issue_2018.published_on) == (
        2018, 16, date(2018, 12, 15))
    assert (issue_2022.year, issue_2022.number, issue_2022.published_on) == (
        2022, 10, date(2022, 11, 15))


def test_cleanup_tables_merge_page_breaks(issue_2018):
    by_title = {t.title: t for t in issue_2018.tables}
    repealed = by_title["废止的规范性文件目录"]
    retained = by_title["保留的规范性文件目录"]
    assert len(repealed.rows) == 44 and repealed.n_columns == 5
    assert len(retained.rows) == 138 and retained.n_columns == 7
    # the stray running header inside the retained list is dropped, not read as a row
    assert (1189, "page_header", "# 市政府办公室文件") in retained.skipped
    assert sum(1 for s in retained.skipped if s[1] == "repeated_header") == 6
    assert [r.cells[0] for r in retained.rows[35:38]] == ["36", "37", "38"]


def test_indicator_table(issue_2018):
    table = next(t for t in issue_2018.tables if t.title == "2018年1-10月份主要经济指标")
    assert table.header == ["指标", "本月止累计", "比上年同期增长%"]
    assert len(table.rows) == 15
    assert table.rows[10].cells == ["七、规模以上工业增加值(亿元)", "", "-6.3"]


def test_toc(issue_2018, issue_2022):
    pages = {e.title: e.page for e in issue_2018.toc}
    assert pages["2018年1-10月份主要经济指标"] == 79
    assert pages["连云港市人民政府大事记（2018年11月1日—30日）"] == 80
    assert [e.section for e in issue_2022.toc] == ["市政府令", "市政府文件", "市政府文件",
                                                   "市政府文件", "大事记"]


def test_wrapped_row_is_joined():
    text = ("序号\t名称\t时代\t地址\n"
            "1\t城后土城\t汉\t东海县\n"
            "2\t胡海墓\t明\t连云区连云街道\n"
            "陶庵丫髻山西侧\n"
            "3\t当路王氏\t明\t高新区\n")
    table = find_tables(text.split("\n"))[0]
    assert table.rows[1].cells == ["2", "胡海墓", "明", "连云区连云街道 陶庵丫髻山西侧"]
    assert "wrapped_row" in table.rows[1].flags
    split_cell = "序号\t名称\t时代\t地址\n1\t城后\n土城\t汉\t东海县\n"
    table = find_tables(split_cell.split("\n"))[0]
    assert table.rows[0].cells == ["1", "城后 土城", "汉", "东海县"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab一二\t \n#1"), max_size=30), max_size=30))
def test_table_reader_never_raises(lines):
    tables = find_tables(lines)
    for table in tables:
        for row in table.rows:
            assert row.line >= 1


def test_read_text_on_arbitrary_text_never_raises():
    issue = read_text("随便\t一些\n文字\n连政发〔2018〕1号\n", "x.md")
    assert issue.documents[0].doc_number.text == "连政发〔2018〕1号"
