"""Decisions written as prose lists (予以废止 / 宣布失效 / 不再执行 / 予以修改 / 限期修订) and
notices about other documents (停止执行, 有效期延长至…, …前完成修订，逾期自动失效), read
through the real reader and extractor into document_events and etl.status.

The issues below are made up for the tests, in the layout such decisions are printed in;
they are not real gazette texts.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from etl.extractors import Context
from etl.pipeline import assemble, extract_issue
from etl.read import read_text
from etl.status import status_on

# A government order publishing a decision in two sections: repeals then amendments. The
# items print the number inside a publication-date parenthesis; one prints no number.
ORDER_DECISION = """# 连云港市人民政府公报

2031

第 4 期

2031 年 4 月 30 日

# 连云港市人民政府令

第 40 号

《市政府关于废止和修改部分市政府规章的决定》已经2031年3月20日市十七届人民政府第9次常务会议讨论通过，现予公布，自2031年5月1日起施行。

市长 某某某

2031年3月28日

# 市政府关于废止和修改部分市政府规章的决定

为维护法制统一，根据《江苏省规章制定程序规定》（省政府令第114号）和国务院办公厅有关通知（国办发〔2030〕12号）要求，市政府对现行市政府规章进行了清理。经研究，市政府决定：

一、对下列3件市政府规章予以废止：

1.《连云港市甲管理办法》（2004年5月12日市政府令第21号公布）；

2.《连云港市乙规定》（2010年2月1日市政府令第55号发布，2016年3月3日市政府令第70号修正）；

3.《连云港市丙暂行办法》（2001年7月9日发布）。

二、对下列2件市政府规章予以修改：

（一）《连云港市丁办法》（2012年5月2日市政府令第60号公布）

1.将第三条中的“市建设局”修改为“市住房和城乡建设局”。

2.删除第九条。

（二）《连云港市戊办法》（市政府令第66号）

将第十条修改为：“《连云港市己条例》另有规定的，从其规定。”

三、本决定自2031年5月1日起施行。
"""

# A decision of the municipal government: a 宣布失效 list (bare titles, a 〈〉 inside a
# title), a 不再执行 list with its own date, a revision deadline for a list; its header
# announces one document more than it lists.
LAPSE_DECISION = """# 连云港市人民政府公报

2031

第 9 期

2031 年 9 月 15 日

# 市政府关于宣布失效和停止执行一批市政府文件的决定

连政发〔2031〕21号

各县、区人民政府，市各委办局，市各直属单位：

为深化“放管服”改革，市政府对2015年底以前印发的市政府文件进行了清理。经研究，决定：

一、下列4件市政府文件宣布失效：

（一）连云港市人民政府关于加强甲工作的通知（连政发〔2012〕45号）

（二）《市政府关于贯彻〈江苏省乙办法〉的实施意见》（连政发〔2013〕6号）

（三）《连云港市丙规划（2011—2015年）》（连政办发〔2011〕201号）

二、下列文件自2031年10月1日起不再执行：

1.《市政府关于同意设立丁园区的批复》（连政复〔2012〕3号）；

2.《连云港市戊实施细则》（连政规发〔2014〕9号）。

三、下列2件规范性文件由实施部门在2031年12月31日前完成修订，逾期未修订的自动失效：

1.《连云港市己管理办法》（连政规发〔2016〕4号）

2.《连云港市庚办法》（连政规发〔2017〕2号）

四、凡宣布失效的文件，自本决定印发之日起一律停止执行，不再作为行政管理的依据。各地各部门要加强对《连云港市辛办法》（连政规发〔2018〕5号）执行情况的监督。

本决定自印发之日起施行。

连云港市人民政府

2031年8月20日
"""

# A notice that extends another document's term, stops one, sets a revision deadline for a
# third and stops one article of a fourth.
NOTICE = """# 连云港市人民政府公报

2031

第 12 期

2031 年 12 月 1 日

# 市政府办公室关于部分规范性文件有效期的通知

连政办发〔2031〕60号

各县、区人民政府，市各委办局，市各直属单位：

根据《江苏省行政规范性文件管理规定》（省政府令第158号），经市政府同意，现就有关事项通知如下：

一、《连云港市辛办法》（连政规发〔2026〕3号）有效期延长至2033年12月31日。

二、《连云港市壬办法》（连政办发〔2027〕8号）自2032年1月1日起停止执行。

三、《连云港市癸细则》（连政规发〔2025〕2号）由市交通运输局负责修订，应当在2032年6月30日前完成修订，逾期自动失效。

四、《连云港市子办法》（连政发〔2020〕10号）第十二条不再执行。

五、《连云港市丑细则》（连政规发〔2027〕6号）有效期至2034年6月30日，到期自动失效。

六、本通知自2031年12月1日起施行。

连云港市人民政府办公室

2031年11月20日
"""

# A decision printed as one paragraph (as many web pages and converted PDFs give it): the
# header has no ordinal, the items are 一、二、, two of them print no number.
ONE_LINE = """# 连云港市人民政府公报

2032

第 2 期

2032 年 2 月 15 日

# 市政府关于废止部分市政府文件的决定

连政发〔2032〕3号

各县、区人民政府，市各委办局，市各直属单位：

市政府决定对以下4件市政府文件予以废止：一、《连云港市丑办法》（2003年6月1日发布）；二、《连云港市寅规定》（2005年8月8日印发）；三、《连云港市卯办法》（連政發〔2009〕7號）；四、连云港市人民政府关于辰工作的意见（连政发〔2010〕88号）。本决定自2032年3月1日起施行。

连云港市人民政府

2032年1月30日
"""

# A decision as a narrow PDF page prints it: items wrap over lines.
WRAPPED = """# 连云港市人民政府公报

2032

第 6 期

2032 年 6 月 15 日

# 市政府关于宣布失效部分规范性文件的决定

连政规发〔2032〕2号

各县、区人民政府，市各委办局，市各直属单位：

经市政府研究，决定对下列规范性文件宣
布失效：
1.《连云港市城市公共交通客运
管理暂行办法》（连政规发
〔2010〕5号）；
2.《连云港市巳办法》（2012年3月
9日发布）。
本决定自2032年7月1日起施行。

连云港市人民政府

2032年6月1日
"""

# A decision that repeals two documents it names after its verb, then amends by points that
# each name the document they change (将《…》第五条修改为…).
AMEND_POINTS = """# 连云港市人民政府公报

2032

第 5 期

2032 年 5 月 15 日

# 市政府关于修改和废止部分规范性文件的决定

连政发〔2032〕8号

各县、区人民政府，市各委办局，市各直属单位：

经研究，市政府决定废止《连云港市午办法》（连政发〔2015〕9号）和《连云港市未规定》（连政办发〔2016〕12号）。

同时，对部分规范性文件作如下修改：

一、将《连云港市申办法》（连政规发〔2017〕3号）第五条修改为：“市交通运输局负责组织实施。”

二、将《连云港市申办法》（连政规发〔2017〕3号）第八条第二款删除。

三、将《连云港市酉细则》第二条中的“市规划局”修改为“市自然资源和规划局”。

本决定自2032年5月1日起施行。

连云港市人民政府

2032年4月20日
"""


def events_of(text: str, issue_id: str) -> pd.DataFrame:
    issue = read_text(text, f"{issue_id}.md", issue_id)
    ctx = Context()
    return assemble([extract_issue(issue, ctx)], ctx, only_found=True)["document_events"]


def one(events: pd.DataFrame, **where) -> pd.Series:
    rows = events
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, (where, rows)
    return rows.iloc[0]


def flags(row: pd.Series) -> set[str]:
    return set(row["quality_flags"].split(";")) if isinstance(row["quality_flags"], str) \
        else set()


@pytest.fixture(scope="module")
def order():
    return events_of(ORDER_DECISION, "2031-04")


@pytest.fixture(scope="module")
def lapses():
    return events_of(LAPSE_DECISION, "2031-09")


@pytest.fixture(scope="module")
def notice():
    return events_of(NOTICE, "2031-12")


@pytest.fixture(scope="module")
def one_line():
    return events_of(ONE_LINE, "2032-02")


# --- a decision in two sections -----------------------------------------------------------


@pytest.mark.parametrize(("number", "event", "line"), [
    ("市政府令第21号", "repealed", 25),
    ("市政府令第55号", "repealed", 27),
    ("市政府令第60号", "amended", 33),
    ("市政府令第66号", "amended", 39),
])
def test_each_item_takes_its_sections_event(order, number, event, line):
    """Waits for the generalised find_doc_numbers: 2004年5月12日市政府令第21号 must not be
    read as a number of an issuer called 日市政府."""
    row = one(order, doc_number=number, event=event)
    assert row["date"] == pd.Timestamp("2031-05-01")  # the decision's stated effective date
    assert row["by_doc"] == "市政府令第40号"
    assert row["source_line"] == line  # the item's line, not the header's
    assert flags(row) == {"doc_not_in_registry"}  # stated, so not inferred


def test_items_are_read_with_their_titles_and_publication_dates(order):
    """Waits for the generalised find_doc_numbers (as above)."""
    repealed = order[order["event"] == "repealed"]
    assert dict(zip(repealed["title"], repealed["doc_number"].fillna(""), strict=True)) == {
        "连云港市甲管理办法": "市政府令第21号", "连云港市乙规定": "市政府令第55号",
        "连云港市丙暂行办法": ""}
    issued = order[order["event"] == "issued"].set_index("title")["date"]
    assert issued["连云港市甲管理办法"] == pd.Timestamp("2004-05-12")
    assert issued["连云港市乙规定"] == pd.Timestamp("2010-02-01")
    assert issued["连云港市丁办法"] == pd.Timestamp("2012-05-02")
    evidence = one(order, doc_number="市政府令第21号", event="repealed")["evidence"]
    assert evidence == "1.《连云港市甲管理办法》（2004年5月12日市政府令第21号公布）"


def test_an_item_without_a_number_keeps_its_title_and_says_so(order):
    row = one(order, title="连云港市丙暂行办法", event="repealed")
    assert pd.isna(row["doc_number"])
    assert (row["date"], row["by_doc"], row["source_line"]) == \
        (pd.Timestamp("2031-05-01"), "市政府令第40号", 29)
    assert flags(row) == {"doc_number_missing"}
    issued = one(order, title="连云港市丙暂行办法", event="issued")
    assert issued["date"] == pd.Timestamp("2001-07-09")
    assert flags(issued) == {"doc_number_missing"}


def test_what_the_decision_only_cites_is_not_an_event(order):
    numbers = set(order["doc_number"].dropna())
    # the authorities it cites, the order that once amended an item, a title in quoted text
    assert not numbers & {"省政府令第114号", "国办发〔2030〕12号", "市政府令第70号"}
    assert "连云港市己条例" not in set(order["title"].dropna())
    assert set(order["event"]) == {"issued", "published", "effective", "repealed", "amended"}


# --- 宣布失效, 不再执行 and a revision deadline ---------------------------------------------


def test_declared_lapsed_from_the_decision_date(lapses):
    """Waits for the reader: a list item that is a bare title ending in its number
    (（一）…的通知（连政发〔2012〕45号）) must not start a new document."""
    lapsed = lapses[(lapses["event"] == "lapsed") & (lapses["source_line"] < 25)]
    assert dict(zip(lapsed["doc_number"], lapsed["source_line"], strict=True)) == {
        "连政发〔2012〕45号": 19, "连政发〔2013〕6号": 21, "连政办发〔2011〕201号": 23}
    # 本决定自印发之日起施行: the signing date, flagged as inferred
    assert set(lapsed["date"]) == {pd.Timestamp("2031-08-20")}
    assert set(lapsed["by_doc"]) == {"连政发〔2031〕21号"}
    titles = dict(zip(lapsed["doc_number"], lapsed["title"], strict=True))
    assert titles["连政发〔2012〕45号"] == "连云港市人民政府关于加强甲工作的通知"  # bare title
    assert titles["连政发〔2013〕6号"] == "市政府关于贯彻〈江苏省乙办法〉的实施意见"
    assert titles["连政办发〔2011〕201号"] == "连云港市丙规划（2011—2015年）"
    for _, row in lapsed.iterrows():
        # the header announces 4 documents and lists 3
        assert flags(row) == {"event_date_inferred", "list_count_differs",
                              "doc_not_in_registry"}


def test_a_section_with_its_own_date(lapses):
    row = one(lapses, doc_number="连政规发〔2014〕9号", event="lapsed")
    assert (row["date"], row["source_line"]) == (pd.Timestamp("2031-10-01"), 29)
    assert flags(row) == {"doc_not_in_registry"}


def test_a_number_of_another_series_of_the_city(lapses):
    """Waits for the generalised find_doc_numbers (连政复: the city's replies)."""
    row = one(lapses, doc_number="连政复〔2012〕3号", event="lapsed")
    assert (row["date"], row["source_line"]) == (pd.Timestamp("2031-10-01"), 27)


def test_a_revision_deadline_marks_then_ends(lapses):
    """Waits for the reader: a list item that is a bare title ending in its number
    (（一）…的通知（连政发〔2012〕45号）) must not start a new document."""
    for number, line in (("连政规发〔2016〕4号", 33), ("连政规发〔2017〕2号", 35)):
        mark = one(lapses, doc_number=number, event="marked_for_revision")
        deadline = one(lapses, doc_number=number, event="revision_deadline")
        assert (mark["date"], mark["source_line"]) == (pd.Timestamp("2031-08-20"), line)
        assert "event_date_inferred" in flags(mark)
        assert (deadline["date"], deadline["source_line"], deadline["by_doc"]) == \
            (pd.Timestamp("2031-12-31"), line, "连政发〔2031〕21号")
        assert "event_date_inferred" not in flags(deadline)


def test_the_next_point_ends_the_list(lapses):
    # 四、… mentions another document: not a listed item, and nothing happens to it
    assert "连政规发〔2018〕5号" not in set(lapses["doc_number"])


# --- a notice about other documents -------------------------------------------------------


def test_notice_extends_a_term(notice):
    row = one(notice, doc_number="连政规发〔2026〕3号")
    assert (row["event"], row["date"], row["by_doc"], row["source_line"]) == \
        ("expires", pd.Timestamp("2033-12-31"), "连政办发〔2031〕60号", 17)
    assert row["title"] == "连云港市辛办法"
    assert "有效期延长至2033年12月31日" in row["evidence"]


def test_notice_sets_the_term_of_another_document(notice):
    row = one(notice, doc_number="连政规发〔2027〕6号")
    assert (row["event"], row["date"], row["source_line"]) == \
        ("expires", pd.Timestamp("2034-06-30"), 25)  # 到期自动失效 is that term's end


def test_notice_stops_a_document_on_a_stated_day(notice):
    row = one(notice, doc_number="连政办发〔2027〕8号")
    assert (row["event"], row["date"], row["source_line"]) == \
        ("lapsed", pd.Timestamp("2032-01-01"), 19)
    assert flags(row) == {"doc_not_in_registry"}


def test_notice_sets_a_revision_deadline(notice):
    rows = notice[notice["doc_number"] == "连政规发〔2025〕2号"].set_index("event")
    assert rows.loc["marked_for_revision", "date"] == pd.Timestamp("2031-12-01")  # stated
    assert rows.loc["revision_deadline", "date"] == pd.Timestamp("2032-06-30")
    assert set(rows["source_line"]) == {21}


def test_an_article_that_stops_amends_the_document(notice):
    row = one(notice, doc_number="连政发〔2020〕10号")
    assert (row["event"], row["date"]) == ("amended", pd.Timestamp("2031-12-01"))


def test_the_real_issues_are_unchanged_by_list_reading(notice):
    from etl.read import read_issue
    from tests.conftest import ISSUE_2018, ISSUE_2022
    ctx = Context()
    found = [extract_issue(read_issue(path, issue), ctx)["document_events"].rows
             for path, issue in ((ISSUE_2018, "2018-16"), (ISSUE_2022, "2022-10"))]
    rows = [row for got in found for row in got.get("document_events", [])]
    kinds = {row["event"] for row in rows}
    assert not kinds & {"lapsed", "revision_deadline", "marked_for_revision"}
    assert sum(row["event"] == "repealed" for row in rows) == 1
    assert sum(row["event"] == "amended" for row in rows) == 4


def test_notice_own_events_and_authority(notice):
    """Waits for validity() (gazette_documents): 《…》（No）有效期至… is another
    document's term, not the notice's."""
    own = notice[notice["doc_number"] == "连政办发〔2031〕60号"]
    assert sorted(own["event"]) == ["effective", "issued", "published"]
    assert not own["event"].eq("expires").any()  # the term it extends is not its own
    assert "省政府令第158号" not in set(notice["doc_number"])


# --- one paragraph, numbers missing, traditional characters -------------------------------


def test_one_paragraph_decision(one_line):
    repealed = one_line[one_line["event"] == "repealed"]
    assert len(repealed) == 4
    assert set(repealed["source_line"]) == {15}
    assert set(repealed["date"]) == {pd.Timestamp("2032-03-01")}
    assert set(repealed["by_doc"]) == {"连政发〔2032〕3号"}
    unnumbered = repealed[repealed["doc_number"].isna()]
    assert sorted(unnumbered["title"]) == ["连云港市丑办法", "连云港市寅规定"]
    assert set(unnumbered["quality_flags"]) == {"doc_number_missing"}
    numbered = repealed.dropna(subset=["doc_number"]).set_index("doc_number")["title"]
    assert numbered.to_dict() == {"连政发〔2009〕7号": "连云港市卯办法",
                                  "连政发〔2010〕88号": "连云港市人民政府关于辰工作的意见"}
    issued = one_line[(one_line["event"] == "issued") & one_line["doc_number"].isna()]
    assert sorted(issued["date"]) == [pd.Timestamp("2003-06-01"), pd.Timestamp("2005-08-08")]


# --- the status these events give -----------------------------------------------------------


def test_status_of_lapsed_documents(lapses):
    """Waits for the reader: a list item that is a bare title ending in its number
    (（一）…的通知（连政发〔2012〕45号）) must not start a new document."""
    # the gazettes say nothing about it before the decision: no issue date is known
    assert status_on("连政发〔2012〕45号", date(2031, 8, 19), lapses).status == "unknown"
    gone = status_on("连政发〔2012〕45号", date(2031, 8, 20), lapses)
    assert (gone.status, gone.lapsed_on, gone.lapsed_by) == \
        ("expired", date(2031, 8, 20), "连政发〔2031〕21号")
    assert gone.label("zh") == "已失效"
    assert ("lapsed", "2031-09", 19) in set(zip(gone.evidence["event"],
                                               gone.evidence["source_issue"],
                                               gone.evidence["source_line"], strict=True))


def test_status_around_a_revision_deadline(lapses):
    """Waits for the reader: a list item that is a bare title ending in its number
    (（一）…的通知（连政发〔2012〕45号）) must not start a new document."""
    marked = status_on("连政规发〔2016〕4号", date(2031, 12, 31), lapses)
    assert marked.status == "in_force_marked_for_revision"
    assert marked.revision_deadline == date(2031, 12, 31)
    lapsed = status_on("连政规发〔2016〕4号", date(2032, 1, 1), lapses)
    assert (lapsed.status, lapsed.lapsed_on, lapsed.lapsed_by) == \
        ("expired", date(2032, 1, 1), "连政发〔2031〕21号")


def test_status_after_an_extension(notice):
    extended = status_on("连政规发〔2026〕3号", date(2033, 12, 31), notice)
    assert extended.expires_on == date(2033, 12, 31)
    assert status_on("连政规发〔2026〕3号", date(2034, 1, 1), notice).status == "expired"


def test_items_wrapped_over_lines():
    events = events_of(WRAPPED, "2032-06")
    lapsed = events[events["event"] == "lapsed"].fillna({"doc_number": ""})
    assert sorted(zip(lapsed["doc_number"], lapsed["title"], lapsed["source_line"],
                      strict=True)) == [("", "连云港市巳办法", 20),
                                        ("连政规发〔2010〕5号", "连云港市城市公共交通客运管理暂行办法", 17)]
    assert set(lapsed["date"]) == {pd.Timestamp("2032-07-01")}
    assert one(events, title="连云港市巳办法", event="issued")["date"] == \
        pd.Timestamp("2012-03-09")


def test_titles_after_the_verb_and_amending_points():
    events = events_of(AMEND_POINTS, "2032-05")
    repealed = events[events["event"] == "repealed"]
    assert sorted(repealed["doc_number"]) == ["连政办发〔2016〕12号", "连政发〔2015〕9号"]
    assert set(zip(repealed["date"], repealed["by_doc"], repealed["source_line"],
                   strict=True)) == {(pd.Timestamp("2032-05-01"), "连政发〔2032〕8号", 15)}
    amended = events[events["event"] == "amended"].fillna({"doc_number": ""})
    # one event per document however many points change it, at its first point
    assert sorted(zip(amended["doc_number"], amended["title"], amended["source_line"],
                      strict=True)) == [("", "连云港市酉细则", 23),
                                        ("连政规发〔2017〕3号", "连云港市申办法", 19)]
    assert set(amended["date"]) == {pd.Timestamp("2032-05-01")}
