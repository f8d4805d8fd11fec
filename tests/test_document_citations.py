"""document_citations: every number a published document cites, on the real issues and on
a made-up one (series carried over, provincial orders, another city's numbers, a table,
numbers inside an amendment's text)."""

from pathlib import Path

import pandas as pd
import pytest

from etl.extractors import Context
from etl.extractors.document_citations import citations
from etl.pipeline import assemble, extract_issue
from etl.read import read_text


@pytest.fixture(scope="module")
def cites(build) -> pd.DataFrame:
    return build.frames["document_citations"]


def _at(cites: pd.DataFrame, issue: str, line: int) -> pd.DataFrame:
    return cites[(cites["source_issue"] == issue) & (cites["source_line"] == line)]


# --- the real issues ---------------------------------------------------------------------


def test_counts_per_issue_and_where_cited(cites):
    counts = cites.groupby(["source_issue", "context"], observed=True).size().to_dict()
    # 2018-16: 17 numbers in prose, 181 in the cleanup lists of 连政办发〔2018〕167号
    assert counts == {("2018-16", "text"): 17, ("2018-16", "table"): 181,
                      ("2022-10", "text"): 6}
    assert not (cites["citing_doc"] == cites["cited_number"]).any()  # never itself


def test_own_number_line_is_not_a_citation(cites):
    assert _at(cites, "2018-16", 111).empty  # 连政发〔2018〕137号 under its title
    assert _at(cites, "2022-10", 243).empty


def test_line_277_cites_the_insurance_measures(cites):
    row = _at(cites, "2018-16", 277).iloc[0]
    assert row["citing_doc"] == "连政办发〔2018〕158号"
    assert row["cited_number"] == "连政发〔2017〕110号"
    assert row["cited_title"] == "关于印发连云港市城乡居民基本医疗保险办法的通知"
    assert row["level"] == "city" and row["context"] == "text"
    assert "按照市政府《关于印发连云港市城乡居民基本医疗保险办法的通知》" in row["evidence"]
    assert not row["cited_in_registry"]


def test_line_792_three_citations_in_printed_order(cites):
    rows = _at(cites, "2018-16", 792)
    assert rows["cited_number"].tolist() == [
        "苏政办发〔2017〕137号", "连政办发〔2016〕159号", "连政办发〔2017〕175号"]
    assert rows["level"].tolist() == ["province", "city", "city"]
    assert set(rows["citing_doc"]) == {"连政办发〔2018〕166号"}
    # the issue prints 连政办发〔2017〕175号 in full here: no series carried
    last = rows.iloc[2]
    assert last["cited_number_raw"] == "连政办发〔2017〕175号"
    assert pd.isna(last["quality_flags"])
    assert last["cited_title"] == "市政府办公室关于印发连云港市行政审批中介机构服务管理暂行办法的通知"


def test_national_and_provincial_levels(cites):
    rows = _at(cites, "2018-16", 501).set_index("cited_number")
    assert rows.loc["国办发〔2018〕3号", "level"] == "national"
    assert rows.loc["苏政办发〔2018〕52号", "level"] == "province"
    assert _at(cites, "2018-16", 601).iloc[0]["level"] == "unknown"  # 工信部联企业
    rows = _at(cites, "2022-10", 541).set_index("cited_number")
    assert rows.loc["国发〔2022〕5号", "level"] == "national"


def test_a_title_with_a_stray_bracket_and_a_series_the_profile_lacks(cites):
    row = _at(cites, "2022-10", 257).set_index("cited_number").loc["苏政传发〔2021〕40号"]
    assert row["cited_title"] == "江苏省政府投资非盈利性工程建设项目集中建设管理办法（试行）"
    assert row["level"] == "province"
    assert row["quality_flags"] == "level_inferred;cited_title_brackets_unbalanced"


def test_cited_by_the_audit_measures(cites):
    rows = cites[cites["cited_number"] == "连政规发〔2014〕7号"]
    assert list(zip(rows["source_issue"], rows["source_line"], rows["citing_doc"],
                    rows["context"], strict=True)) == [
        ("2018-16", 115, "连政发〔2018〕137号", "text"),
        ("2018-16", 1291, "连政办发〔2018〕167号", "table"),
        ("2022-10", 525, "连政规发〔2022〕4号", "text")]
    assert rows["cited_in_registry"].all()


def test_cleanup_rows_keep_the_printed_number(cites):
    row = _at(cites, "2018-16", 1175).iloc[0]
    assert row["cited_number"] == "连政发〔2002〕187号"
    assert row["cited_number_raw"] == "连政发(2002)年187号"
    assert row["quality_flags"] == "doc_number_brackets;doc_number_stray_year"
    assert row["context"] == "table" and pd.isna(row["cited_title"])


# --- a made-up issue -----------------------------------------------------------------------

SYNTHETIC = """# 连云港市人民政府公报

2031

第 2 期

2031 年 3 月 1 日

# 目 录

## 【 市 政 府 文 件 】

市政府关于修改和废止部分规章的决定 ..... ( 3 )

市政府办公室关于做好乙工作的通知 ..... ( 5 )

编辑出版：《连云港市人民政府公报》编辑部

# 市政府关于修改和废止部分规章的决定

连政发〔2031〕3号

各县、区人民政府，市各委办局，市各直属单位：

经研究，决定对下列文件予以修改：

（一）《连云港市丙办法》（连政规发〔2020〕4号）

1. 将《连云港市丙办法》第四条中的“连政办发〔2012〕7号”修改为“连政办发〔2029〕9号”。

本决定自发布之日起施行。

连云港市人民政府

2031年2月5日

# 市政府办公室关于做好乙工作的通知

连政办发〔2031〕21号

各县、区人民政府，市各委办局，市各直属单位：

根据《江苏省乙条例》（江苏省人民政府令第114号）和《省政府关于乙的意见》（苏政发〔2014〕1号、2号），按照连政办发〔2016〕159号、〔2017〕175号文件精神，参照淮政发〔2019〕8号，现就做好乙工作通知如下（连政办发〔2031〕21号）：

一、各地要在2031年5月1日前完成部署，1号楼、2号线不是文件。

序号\t文件名称\t文号
1\t连云港市戊办法\t连政发(2015)6号

连云港市人民政府办公室

2031年2月20日
"""


@pytest.fixture(scope="module")
def made_up(tmp_path_factory) -> pd.DataFrame:
    issue = read_text(SYNTHETIC, tmp_path_factory.mktemp("cite") / "x.md", "2031-02")
    ctx = Context()
    return assemble([extract_issue(issue, ctx)], ctx, only_found=True)["document_citations"]


def test_series_carried_over_to_a_bare_number(made_up):
    rows = made_up.set_index("cited_number")
    row = rows.loc["连政办发〔2017〕175号"]
    assert row["cited_number_raw"] == "〔2017〕175号"
    assert row["quality_flags"] == "prefix_carried"
    row = rows.loc["苏政发〔2014〕2号"]
    assert row["cited_number_raw"] == "2号" and row["quality_flags"] == "prefix_year_carried"
    assert row["level"] == "province"
    # the words before a number are not part of it
    assert rows.loc["连政办发〔2016〕159号", "cited_number_raw"] == "连政办发〔2016〕159号"


def test_orders_other_cities_tables_and_amendment_text(made_up):
    rows = made_up.set_index("cited_number")
    assert rows.loc["省政府令第114号", "level"] == "province"
    assert rows.loc["省政府令第114号", "cited_title"] == "江苏省乙条例"
    assert rows.loc["淮政发〔2019〕8号", "level"] == "unknown"
    assert rows.loc["连政发〔2015〕6号", "context"] == "table"
    assert rows.loc["连政办发〔2012〕7号", "context"] == "amendment_text"
    assert rows.loc["连政办发〔2029〕9号", "context"] == "amendment_text"
    assert rows.loc["连政规发〔2020〕4号", "context"] == "text"
    # its own number, even in its own text, and house numbers are not citations
    assert "连政办发〔2031〕21号" not in rows.index and "连政发〔2031〕3号" not in rows.index
    assert len(made_up) == 10


def test_reads_only_published_documents(tmp_path):
    issue = read_text(SYNTHETIC, tmp_path / "x.md", "2031-02")
    doc = issue.documents[1]
    lines = {row["source_line"] for row in citations(issue, doc)}
    assert all(doc.start_line <= n <= doc.end_line for n in lines)
    assert Path(issue.path).name == "x.md"
