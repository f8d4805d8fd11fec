"""Documents of any issuer: numbers of any prefix and level, titles over several lines, dates
in Chinese numerals, traditional characters, files without a cover."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from etl.cli import main
from etl.paths import ROOT
from etl.read import find_documents, read_bytes
from etl.read.cover import issue_id_from_name

COUNTY = """\
灌云县人民政府关于印发灌云县
城乡居民基本医疗保险
实施办法的通知

灌政发〔2019〕12号

各乡镇人民政府，县各委办局：

现将《灌云县城乡居民基本医疗保险实施办法》印发给你们，请认真贯彻执行。

灌云县人民政府
二○一九年三月十一日

（此件公开发布）
"""

PROVINCIAL_ORDER = """\
江苏省人民政府令

第 114 号

《江苏省水库管理办法》已于2017年10月9日经省人民政府第143次常务会议讨论通过，现予公布，自2018年1月1日起施行。

省长　吴政隆

2017年10月20日
"""

STATE_COUNCIL = """\
国务院办公厅关于印发政务信息系统
整合共享实施方案的通知
（国办发[2017]39号）

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：

《政务信息系统整合共享实施方案》已经国务院同意，现印发给你们，请认真贯彻执行。

国务院办公厅
2017年5月3日
"""

TRADITIONAL = """\
連雲港市人民政府辦公室關於印發連雲港市
城市管理辦法的通知

連政辦發〔2019〕5號

各縣、區人民政府，市各委辦局：

現將《連雲港市城市管理辦法》印發給你們，請認真貫徹執行。

連雲港市人民政府辦公室
2019年3月1日
"""

TITLE_WITH_NUMBER = """\
江苏省人民政府关于加快发展养老服务业
完善养老服务体系的实施意见（苏政发〔2014〕39号）

各市、县（市、区）人民政府，省各委办厅局，省各直属单位：

为加快发展养老服务业，现提出如下实施意见。

江苏省人民政府
二〇一四年四月一日
"""

# two documents of the city in a row, with the furniture a converter leaves between them
SECTION = """\
【市政府文件】

# 市政府关于公布第一批名录的通知

连政发〔2022〕1号

各县、区人民政府：

现予公布。

连云港市人民政府

二〇二二年十月二十日

（此件公开发布）

# 市政府办公室文件

# 市政府办公室关于印发连云港市
# 城乡居民基本医疗保险政策的通知

连政办发〔2022〕2号

各县、区人民政府：

本通知自发布之日起施行。

连云港市人民政府办公室

2022年10月25日
"""


def _docs(text: str):
    return find_documents(text.split("\n"))


def test_county_notice_three_line_title_and_numeral_date():
    [doc] = _docs(COUNTY)
    assert doc.doc_number.text == "灌政发〔2019〕12号"
    assert (doc.doc_number.doc_type, doc.doc_number.level) == ("灌政发", None)  # not in profile
    assert doc.title == "灌云县人民政府关于印发灌云县城乡居民基本医疗保险实施办法的通知"
    assert doc.title_raw == "灌云县人民政府关于印发灌云县 城乡居民基本医疗保险 实施办法的通知"
    assert (doc.title_line, doc.number_line) == (1, 5)
    assert doc.signed_on == date(2019, 3, 11)
    assert doc.issuer == "灌云县人民政府"


def test_provincial_order():
    [doc] = _docs(PROVINCIAL_ORDER)
    number = doc.doc_number
    assert (number.text, number.doc_type, number.prefix, number.level) == (
        "省政府令第114号", "省政府令", "江苏省人民政府令", "province")
    assert doc.title == "江苏省水库管理办法"
    assert doc.issuer == "江苏省人民政府"
    assert doc.signed_on == date(2017, 10, 20)


def test_state_council_number_in_brackets_and_parentheses():
    [doc] = _docs(STATE_COUNCIL)
    number = doc.doc_number
    assert (number.text, number.level, number.flags) == (
        "国办发〔2017〕39号", "national", ("doc_number_brackets",))
    assert doc.title == "国务院办公厅关于印发政务信息系统整合共享实施方案的通知"
    assert doc.issuer == "国务院办公厅"
    assert doc.signed_on == date(2017, 5, 3)


def test_traditional_characters_matched_and_kept_as_printed():
    [doc] = _docs(TRADITIONAL)
    number = doc.doc_number
    assert (number.text, number.doc_type, number.level) == ("连政办发〔2019〕5号", "连政办发", "city")
    assert number.raw == "連政辦發〔2019〕5號"
    assert doc.title == "連雲港市人民政府辦公室關於印發連雲港市城市管理辦法的通知"  # as printed
    assert doc.issuer == "市政府办公室"  # the city's own office, by its short name
    assert doc.signed_on == date(2019, 3, 1)


def test_title_ending_in_its_number():
    [doc] = _docs(TITLE_WITH_NUMBER)
    assert doc.doc_number.text == "苏政发〔2014〕39号"
    assert doc.doc_number.level == "province"
    assert doc.title == "江苏省人民政府关于加快发展养老服务业完善养老服务体系的实施意见"
    assert doc.issuer == "江苏省人民政府"  # the printed name, not the city's
    assert doc.signed_on == date(2014, 4, 1)


def test_title_block_stops_at_previous_document_and_furniture():
    first, second = _docs(SECTION)
    assert first.title == "市政府关于公布第一批名录的通知"
    assert first.signed_on == date(2022, 10, 20) and first.issuer == "市政府"
    assert second.title == "市政府办公室关于印发连云港市城乡居民基本医疗保险政策的通知"
    assert second.title_line == 19 and first.end_line == 18
    assert second.issuer == "市政府办公室"


def test_a_cited_number_is_not_a_document():
    text = "废止以下文件：\n\n苏政发〔2010〕1号\n\n按照《某办法》（国办发〔2019〕5号）执行。\n"
    assert _docs(text) == []


def test_issue_id_from_file_name():
    assert issue_id_from_name("raw/lianyungang-gazette-2019-03.md") == "2019-03"
    assert issue_id_from_name("2019年第3期.pdf") == "2019-03"
    assert issue_id_from_name("gazette_2019_3.txt") == "2019-03"
    assert issue_id_from_name("notes.md") is None


def test_file_without_cover_read_by_read_bytes():
    data = (COUNTY + "\n" + STATE_COUNCIL).encode("utf-8")
    issue = read_bytes(data, "inbox/gazette-2019-03.md")
    assert (issue.year, issue.number, issue.published_on) == (None, None, None)
    assert [d.doc_number.text for d in issue.documents] == ["灌政发〔2019〕12号", "国办发〔2017〕39号"]


@pytest.mark.parametrize(("name", "issue_id"), [("county-2019-03.md", "2019-03"),
                                                  ("notice.md", "2019-00")])
def test_extract_without_cover_names_a_derived_issue(tmp_path, capsys, name, issue_id):
    path = tmp_path / name
    path.write_text(COUNTY + "\n" + PROVINCIAL_ORDER, encoding="utf-8")
    assert main(["extract", str(path), "--out", str(tmp_path / "out")]) == 0
    assert "note: no year and issue number" in capsys.readouterr().err
    rows = pd.read_csv(tmp_path / "out" / "gazette_documents.csv", encoding="utf-8-sig")
    assert set(rows["source_issue"]) == {issue_id}
    assert list(rows["doc_number"]) == ["灌政发〔2019〕12号", "省政府令第114号"]
    assert list(rows["issuer"]) == ["灌云县人民政府", "江苏省人民政府"]
    assert list(rows["doc_type"]) == ["灌政发", "省政府令"]
    assert list(rows["signed_on"]) == ["2019-03-11", "2017-10-20"]


def test_extract_command_line_exit_0(tmp_path):
    path = tmp_path / "2019年第3期.md"
    path.write_text(TRADITIONAL, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "etl", "extract", str(path), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(tmp_path / "out" / "gazette_documents.csv", encoding="utf-8-sig")
    assert list(rows["source_issue"]) == ["2019-03"]
    assert list(rows["doc_number"]) == ["连政办发〔2019〕5号"]


def test_issuer_line_parted_from_its_title_by_a_blank_line():
    text = ("第五条 本办法自发布之日起施行。\n\n南京市人民政府\n\n关于印发南京市城市管理办法的通知\n\n"
            "宁政发〔2019〕1号\n\n各区人民政府：\n\n南京市人民政府\n2019年3月1日\n")
    [doc] = _docs(text)
    assert doc.title == "南京市人民政府关于印发南京市城市管理办法的通知"
    assert (doc.title_line, doc.issuer, doc.signed_on) == (3, "南京市人民政府", date(2019, 3, 1))


def test_provincial_order_adopted_at_the_provincial_executive_meeting():
    from etl.extractors.gazette_documents import adoption
    from etl.read import read_text
    issue = read_text(PROVINCIAL_ORDER, "order.md")
    assert adoption(issue, issue.documents[0]) == ("省人民政府第143次常务会议", date(2017, 10, 9), 5)


def test_a_list_printed_one_cell_a_line_is_not_documents():
    text = ("序号\n文件名称\n文号\n发文时间\n1\n关于加强城市管理的通知\n连政发〔2010〕1号\n2010年3月1日\n"
            "2\n关于印发某办法的通知\n连政办发〔2011〕2号\n2011年4月2日\n")
    assert _docs(text) == []


def test_the_previous_documents_printed_on_line_is_not_title():
    text = ("连云港市人民政府办公室 2018年11月23日印发\n市政府办公室关于印发连云港市\n某某办法的通知\n"
            "连政办发〔2018〕170号\n各县、区人民政府：\n")
    [doc] = _docs(text)
    assert doc.title == "市政府办公室关于印发连云港市某某办法的通知"
