"""document_amendments: 连政发〔2018〕137号 edit by edit, and made-up decisions written the
way other cities write them."""

import pandas as pd
import pytest

from etl.extractors import Context
from etl.extractors import document_amendments as amendments
from etl.extractors.document_amendments import derived_events, provision
from etl.pipeline import assemble, extract_issue
from etl.read import read_text

AUDIT, ROADS, LIFTS, LOANS = ("连政规发〔2014〕7号", "连政办发〔2008〕126号", "连政规发〔2013〕2号",
                              "连政办发〔2004〕76号")


@pytest.fixture(scope="module")
def edits(build) -> pd.DataFrame:
    return build.frames["document_amendments"]


def _line(edits: pd.DataFrame, line: int) -> pd.Series:
    rows = edits[edits["source_line"] == line]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# --- the real issues ---------------------------------------------------------------------


def test_137_makes_twelve_numbered_points_thirteen_edits(edits):
    assert set(edits["source_issue"]) == {"2018-16"}  # 2022-10 amends nothing article-wise
    assert set(edits["amending_doc"]) == {"连政发〔2018〕137号"}
    assert edits["edit_seq"].tolist() == list(range(1, 14))
    assert edits.groupby("target_doc").size().to_dict() == {AUDIT: 9, ROADS: 2, LIFTS: 1,
                                                             LOANS: 1}
    points = {(t, i if pd.notna(i) else s) for t, i, s in zip(
            edits["target_doc"], edits["item_no"], edits["edit_seq"], strict=True)}
    assert len(points) == 12  # point 6 of 一、 deletes words and adds a paragraph
    assert edits["source_line"].tolist() == [119, 123, 125, 127, 129, 131, 133, 137, 139,
                                             143, 145, 149, 153]
    assert set(edits["amended_on"]) == {pd.Timestamp("2018-11-04")}  # 自发布之日起施行


def test_modify_article_6_with_its_second_paragraph(edits):
    row = _line(edits, 119)
    assert (row["target_doc"], row["target_title"]) == (AUDIT, "连云港市政府投资项目审计监督办法")
    assert (row["action"], row["provision_raw"], row["article"], row["item_no"]) == (
        "modify", "第六条", 6, 1)
    assert row["new_text"].startswith("政府投资项目的审计监督实行计划管理。")
    assert row["new_text"].endswith("\n审计机关应当按照确定的审计管辖范围开展政府投资项目审计，"
                                    "防止不必要的重复审计。")


def test_modify_a_paragraph_and_delete_two_articles(edits):
    row = _line(edits, 123)
    assert (row["provision_raw"], row["article"], row["paragraph"]) == ("第七条第一款", 7, 1)
    row = _line(edits, 125)
    assert (row["action"], row["provision_raw"], row["article"], row["articles"]) == (
        "delete", "第十一条、第十二条", 11, "11;12")
    assert pd.isna(row["old_text"]) and pd.isna(row["new_text"])
    row = _line(edits, 129)
    assert (row["action"], row["article"], row["paragraph"]) == ("delete", 15, 1)
    assert (_line(edits, 139)["action"], _line(edits, 139)["article"]) == ("delete", 26)


def test_point_6_deletes_words_then_adds_a_paragraph(edits):
    row = _line(edits, 131)
    assert (row["action"], row["article"], row["item_no"]) == ("delete_text", 16, 6)
    assert row["old_text"] == ("审计机关开展竣工决算审计应当在建设单位已编制竣工决算报表的基础上实施，"
                               "对项目实施全面审计")
    row = _line(edits, 133)
    assert (row["action"], row["item_no"], row["article"], row["paragraph"]) == (
        "add", 6, 16, 2)
    assert pd.isna(row["provision_raw"]) and row["new_provision_raw"] == "第二款"
    assert row["quality_flags"] == "provision_carried;event_date_inferred"
    # the page wrapped the new paragraph after 前置审核、 (line 135): joined, no break
    assert row["new_text"].endswith("前置审核、确认、签字、验收等工作。")


def test_deleted_words_in_the_other_three_documents(edits):
    assert (_line(edits, 137)["article"], _line(edits, 137)["paragraph"]) == (23, 2)
    row = _line(edits, 143)
    assert (row["target_doc"], row["article"], row["old_text"]) == (
        ROADS, 18, "同时按照工程造价的1%缴纳保证金")
    row = _line(edits, 153)
    assert (row["target_doc"], row["action"], row["article"], row["old_text"]) == (
        LOANS, "delete_text", 4, "国有商业")
    assert pd.isna(row["item_no"])


def test_deleting_the_five_year_term_is_a_flagged_derived_effect(edits):
    row = _line(edits, 149)
    assert (row["target_doc"], row["action"], row["article"], row["old_text"]) == (
        LIFTS, "delete_text", 51, "施行期限暂定五年")
    assert row["validity_effect"] == "expiry_removed"
    # issued 2013-02-28: five years from then ended before 2018-11-04
    assert row["quality_flags"] == ("event_date_inferred;validity_effect_derived;"
                                    "removed_term_may_have_run_out")
    assert edits["validity_effect"].notna().sum() == 1


def test_a_deleted_validity_clause_is_a_flagged_expiry_removed_event(build, edits):
    # 连政发〔2018〕137号 point 12 deletes 施行期限暂定五年 from 连政规发〔2013〕2号 (line 149)
    assert amendments.DERIVED_EVENTS
    events = build.frames["document_events"]
    derived = events[events["event"].astype(str) == "expiry_removed"]
    assert len(derived) == 1
    (row,) = derived.to_dict("records")
    assert (row["doc_number"], row["by_doc"], row["source_issue"], row["source_line"]) == (
        LIFTS, "连政发〔2018〕137号", "2018-16", 149)
    assert row["quality_flags"] == "derived_from_amendment;event_date_inferred"
    assert str(row["date"].date()) == "2018-11-04"
    lifts = events[events["doc_number"] == LIFTS]
    assert not (lifts["event"].astype(str) == "expires").any()  # no term is invented
    from etl.status import status_on
    status = status_on(LIFTS, build.build_date, events)
    assert status.status == "in_force" and "expiry_removed" in set(status.evidence["event"])


# --- made-up decisions, written the way other cities write them -----------------------------

SYNTHETIC = """# 连云港市人民政府公报

2031

第 2 期

2031 年 3 月 1 日

# 目 录

## 【 市 政 府 文 件 】

市政府关于修改南京市甲办法的决定 ..... ( 3 )

市政府关于修改和废止部分规章的决定 ..... ( 5 )

编辑出版：《连云港市人民政府公报》编辑部

# 市政府关于修改南京市甲办法的决定

宁政发〔2031〕12号

各区人民政府，市府各委办局，市各直属单位：

市政府决定对《南京市甲办法》（宁政规字〔2016〕3号）作如下修改：

一、将第八条第二款中的“市建设局”修改为“市住房城乡建设局”。

二、删除第十条第三项。

三、第十五条改为第十四条，其后条款序号相应调整。

四、在第五条后增加一条，作为第六条：“市住房城乡建设局负责本办法的组织实施。”

五、将第二十条中的“有效期至2025年12月31日”修改为“有效期至2030年12月31日”。

六、将第三条修改为：“本办法适用于本市行政区域。

区人民政府可以制定实施细则。”

本决定自2031年2月1日起施行。

南京市人民政府

2031年1月20日

# 市政府关于修改和废止部分规章的决定

连政发〔2031〕3号

各县、区人民政府，市各委办局，市各直属单位：

经研究，决定对下列文件予以修改：

（一）《连云港市丙办法》（连政规发〔2020〕4号）

1. 将《连云港市丙办法》第四条中的“连政办发〔2012〕7号”修改为“连政办发〔2029〕9号”。

2. 删除第九条中的“本办法有效期五年”。

（二）《连云港市丁规定》（连政办发〔2019〕11号）

删除第二条、第三条；第十一条至第十三条改为第九条至第十一条。

本决定自发布之日起施行。

《连云港市丙办法》根据本决定作相应修改，重新公布。

连云港市人民政府

2031年2月5日
"""


@pytest.fixture(scope="module")
def made_up(tmp_path_factory) -> pd.DataFrame:
    issue = read_text(SYNTHETIC, tmp_path_factory.mktemp("amend") / "x.md", "2031-02")
    ctx = Context()
    return assemble([extract_issue(issue, ctx)], ctx, only_found=True)["document_amendments"]


def _edit(made_up, doc, seq) -> pd.Series:
    return made_up[(made_up["amending_doc"] == doc) & (made_up["edit_seq"] == seq)].iloc[0]


def test_one_document_decision_of_another_city(made_up):
    doc = "宁政发〔2031〕12号"
    rows = made_up[made_up["amending_doc"] == doc]
    assert set(rows["target_doc"]) == {"宁政规字〔2016〕3号"}
    assert rows["action"].tolist() == ["replace_text", "delete", "renumber", "add",
                                       "replace_text", "modify"]
    row = _edit(made_up, doc, 1)
    assert (row["article"], row["paragraph"], row["old_text"], row["new_text"]) == (
        8, 2, "市建设局", "市住房城乡建设局")
    row = _edit(made_up, doc, 2)
    assert (row["provision_raw"], row["article"], row["item"]) == ("第十条第三项", 10, 3)
    row = _edit(made_up, doc, 3)
    assert (row["article"], row["new_provision_raw"], row["new_article"]) == (15, "第十四条", 14)
    row = _edit(made_up, doc, 4)
    assert (row["article"], row["new_article"], row["new_text"]) == (
        5, 6, "市住房城乡建设局负责本办法的组织实施。")
    row = _edit(made_up, doc, 5)
    assert row["validity_effect"] == "expiry_changed"
    assert row["quality_flags"] == "validity_effect_derived"  # 自2031年2月1日起: printed
    row = _edit(made_up, doc, 6)
    assert row["new_text"] == "本办法适用于本市行政区域。\n区人民政府可以制定实施细则。"
    assert set(rows["amended_on"]) == {pd.Timestamp("2031-02-01")}


def test_a_new_term_gives_an_expires_event_once_derived_events_are_on(made_up):
    row = _edit(made_up, "宁政发〔2031〕12号", 5).to_dict()
    row["quality_flags"] = row["quality_flags"].split(";")
    (event,) = derived_events(row)
    assert (event["event"], str(event["date"])) == ("expires", "2030-12-31")


def test_list_of_documents_with_headings_and_two_edits_on_one_line(made_up):
    doc = "连政发〔2031〕3号"
    row = _edit(made_up, doc, 1)  # names its document again: 将《连云港市丙办法》第四条…
    assert (row["target_doc"], row["action"], row["old_text"], row["new_text"]) == (
        "连政规发〔2020〕4号", "replace_text", "连政办发〔2012〕7号", "连政办发〔2029〕9号")
    row = _edit(made_up, doc, 2)
    assert (row["validity_effect"], row["target_doc"]) == ("expiry_removed", "连政规发〔2020〕4号")
    first, second = _edit(made_up, doc, 3), _edit(made_up, doc, 4)
    assert first["source_line"] == second["source_line"]
    assert (first["action"], first["articles"]) == ("delete", "2;3")
    assert (second["action"], second["articles"], second["new_article"]) == (
        "renumber", "11;12;13", 9)
    assert set(made_up[made_up["amending_doc"] == doc]["target_doc"]) == {
        "连政规发〔2020〕4号", "连政办发〔2019〕11号"}
    assert len(made_up[made_up["amending_doc"] == doc]) == 4  # the closing lines are none


@pytest.mark.parametrize(("raw", "article", "articles", "paragraph", "item"), [
    ("第六条", 6, (6,), None, None),
    ("第二十三条第二款", 23, (23,), 2, None),
    ("第十一条、第十二条", 11, (11, 12), None, None),
    ("第十一条至第十三条", 11, (11, 12, 13), None, None),
    ("第一百零二条第一款第三项", 102, (102,), 1, 3),
])
def test_provision_numbers(raw, article, articles, paragraph, item):
    found = provision(raw)
    assert (found.article, found.articles, found.paragraph, found.item) == (
        article, articles, paragraph, item)


def test_other_prose_that_mentions_amending_is_no_decision(tmp_path):
    text = SYNTHETIC.replace("市政府决定对《南京市甲办法》（宁政规字〔2016〕3号）作如下修改：",
                             "各单位发现问题的，应当按程序予以修改：")
    text = text.replace("# 市政府关于修改南京市甲办法的决定", "# 市政府关于做好甲工作的通知")
    issue = read_text(text, tmp_path / "x.md", "2031-02")
    assert issue.documents[0].title == "市政府关于做好甲工作的通知"
    assert amendments.edits(issue, issue.documents[0]) == []
