"""Held-out play for documents and their lifecycle events: orders, notices and decisions of
other governments (invented places, people, numbers and dates, laid out as such documents are
printed), as a text, a web page and a typeset PDF, through the real reader and pipeline,
scored item by item (tests/heldout.py)."""

from __future__ import annotations

import pytest

from tests.heldout import PDF_LAYOUTS, Doc, have_pdf_tools, rendered, run, score_documents

COVER = "云台市人民政府公报\n\n2021\n\n第 2 期\n\n2021年2月10日\n\n"

# 1. A city's order over the rules it publishes (with the gazette's cover); the rules end by
#    repealing an older order.
CITY_ORDER = COVER + """\
云台市人民政府令

第 17 号

《云台市养犬管理办法》已经2020年11月3日市人民政府第58次常务会议审议通过，现予公布，自2021年1月1日起施行。

市长　李某某

2020年11月20日

云台市养犬管理办法

第一条　为了规范养犬行为，保障公民健康和人身安全，根据有关法律、法规，结合本市实际，制定本办法。

第二条　本市行政区域内养犬及其相关管理活动，适用本办法。

第三十条　本办法自2021年1月1日起施行。2009年5月6日市人民政府发布的《云台市限制养犬规定》（市政府令第5号）同时废止。
"""
CITY_ORDER_DOCS = [
    Doc("云台市人民政府令第17号", None,
        {"signed_on": "2020-11-20", "adopted_on": "2020-11-03",
         "effective_from": "2021-01-01"},
        [("云台市人民政府令第17号", "issued", "2020-11-20"),
         ("云台市人民政府令第17号", "effective", "2021-01-01"),
         ("市政府令第5号", "repealed", "2021-01-01")]),
]

# 2. A province's order, without a cover.
PROVINCE_ORDER = """\
江南省人民政府令

第 146 号

《江南省农村公路条例实施办法》已于2021年5月10日经省人民政府第80次常务会议讨论通过，现予公布，自2021年7月1日起施行。

省长　王某某

2021年5月20日
"""
PROVINCE_ORDER_DOCS = [
    Doc("江南省人民政府令第146号", None,
        {"signed_on": "2021-05-20", "adopted_on": "2021-05-10",
         "effective_from": "2021-07-01"},
        [("江南省人民政府令第146号", "issued", "2021-05-20"),
         ("江南省人民政府令第146号", "effective", "2021-07-01")]),
]

# 3. A notice of another city: a title over three lines, the date in Chinese numerals with
#    ○, the measures it issues in force for two years.
NOTICE = """\
海州市人民政府关于印发海州市
促进民营经济高质量发展
若干政策措施的通知

海政发〔2022〕15号

各县、区人民政府，市各委办局，市各直属单位：

现将《海州市促进民营经济高质量发展若干政策措施》印发给你们，请认真贯彻执行。

海州市人民政府

二○二二年四月八日

（此件公开发布）

海州市促进民营经济高质量发展若干政策措施

一、加大财政支持力度。市级财政每年安排专项资金，支持民营企业技术改造。

二、本政策措施自2022年5月1日起施行，有效期至2024年4月30日。
"""
NOTICE_DOCS = [
    Doc("海政发〔2022〕15号", "海州市人民政府关于印发海州市促进民营经济高质量发展若干政策措施的通知",
        {"signed_on": "2022-04-08", "effective_from": "2022-05-01",
         "expires_on": "2024-04-30"},
        [("海政发〔2022〕15号", "issued", "2022-04-08"),
         ("海政发〔2022〕15号", "effective", "2022-05-01"),
         ("海政发〔2022〕15号", "expires", "2024-04-30")]),
]

# 4. Traditional characters: 號, 辦, 發; in force from the day it is issued.
TRADITIONAL = """\
雲山縣人民政府辦公室關於印發雲山縣
政府投資項目管理辦法的通知

雲政辦發〔2019〕8號

各鄉鎮人民政府，縣各委辦局：

現將《雲山縣政府投資項目管理辦法》印發給你們，請認真貫徹執行。

雲山縣人民政府辦公室

2019年6月3日

雲山縣政府投資項目管理辦法

第一條　為規範政府投資行為，制定本辦法。

第二十條　本辦法自2019年7月1日起施行，有效期至2024年6月30日。
"""
TRADITIONAL_DOCS = [
    Doc("云政办发〔2019〕8号", "云山县人民政府办公室关于印发云山县政府投资项目管理办法的通知",
        {"signed_on": "2019-06-03", "effective_from": "2019-07-01",
         "expires_on": "2024-06-30"},
        [("云政办发〔2019〕8号", "issued", "2019-06-03"),
         ("云政办发〔2019〕8号", "effective", "2019-07-01"),
         ("云政办发〔2019〕8号", "expires", "2024-06-30")]),
]

# 5. A province repealing its rules as a prose list: 一、《…》（省政府令第N号）。 and
#    （2016年12月1日省政府令第2号发布）.
REPEAL = """\
江南省人民政府关于废止部分省政府规章的决定

南政发〔2023〕9号

各设区市人民政府，省各委办厅局，省各直属单位：

为维护社会主义法制统一，省人民政府对现行省政府规章进行了清理。经研究，决定对下列3件省政府规章予以废止：

一、《江南省城市市容和环境卫生管理规定》（省政府令第114号）。

二、《江南省河道采砂管理办法》（2016年12月1日省政府令第2号发布）。

三、《江南省企业职工工伤保险暂行办法》（2008年3月5日省政府令第40号公布，2012年6月1日省政府令第55号修正）。

本决定自公布之日起施行。

江南省人民政府

2023年3月15日
"""
REPEAL_DOCS = [
    Doc("南政发〔2023〕9号", "江南省人民政府关于废止部分省政府规章的决定",
        {"signed_on": "2023-03-15"},
        [("南政发〔2023〕9号", "issued", "2023-03-15"),
         ("南政发〔2023〕9号", "effective", "2023-03-15"),
         ("省政府令第114号", "repealed", "2023-03-15"),
         ("省政府令第2号", "issued", "2016-12-01"),
         ("省政府令第2号", "repealed", "2023-03-15"),
         ("省政府令第40号", "issued", "2008-03-05"),
         ("省政府令第40号", "repealed", "2023-03-15")]),
]

# 6. A notice about other documents: one stops on a date, one must be revised by a deadline
#    or lapse, one has its validity extended.
DEADLINES = """\
海州市人民政府办公室关于做好行政规范性文件
清理有关工作的通知

海政办发〔2021〕44号

各县、区人民政府，市各委办局：

根据清理工作安排，经市政府同意，现就有关事项通知如下：

一、《海州市城市道路挖掘管理办法》（海政发〔2015〕20号）自2021年12月31日起停止执行。

二、《海州市公共租赁住房管理规定》（海政办发〔2016〕8号）须于2021年10月31日前完成修订，逾期未修订的自动失效。

三、《关于进一步加强安全生产工作的通知》（海政发〔2017〕3号）有效期延长至2022年12月31日。

海州市人民政府办公室

2021年8月16日
"""
DEADLINES_DOCS = [
    Doc("海政办发〔2021〕44号", "海州市人民政府办公室关于做好行政规范性文件清理有关工作的通知",
        {"signed_on": "2021-08-16"},
        [("海政办发〔2021〕44号", "issued", "2021-08-16"),
         ("海政发〔2015〕20号", "lapsed", "2021-12-31"),
         ("海政办发〔2016〕8号", "marked_for_revision", "2021-08-16"),
         ("海政办发〔2016〕8号", "revision_deadline", "2021-10-31"),
         ("海政发〔2017〕3号", "expires", "2022-12-31")]),
]

# 7. An order of another city: the number in parentheses, dates in Chinese numerals, adopted
#    at a meeting of a numbered government term.
ORDER_CN_DATES = """\
海州市人民政府令

（第 9 号）

《海州市城市地下管线管理办法》已经二○二二年十二月二十日市十五届人民政府第12次常务会议讨论通过，现予公布，自二○二三年三月一日起施行。

市长　赵某某

二○二二年十二月三十日
"""
ORDER_CN_DATES_DOCS = [
    Doc("海州市人民政府令第9号", None,
        {"signed_on": "2022-12-30", "adopted_on": "2022-12-20",
         "effective_from": "2023-03-01"},
        [("海州市人民政府令第9号", "issued", "2022-12-30"),
         ("海州市人民政府令第9号", "effective", "2023-03-01")]),
]

# 8. A notice in force from the day it is issued, for five years; the number printed after
#    the title in parentheses (as a web page prints it).
FIVE_YEARS = """\
云台市人民政府办公室关于加强农村集体资产管理的意见（云政办发〔2020〕31号）

各县、区人民政府，市各委办局，市各直属单位：

为进一步加强农村集体资产管理，经市政府同意，现提出如下意见。

一、健全资产清查制度。各县区每年开展一次农村集体资产清查。

二、本意见自印发之日起施行，有效期5年。

云台市人民政府办公室

2020年7月15日
"""
FIVE_YEARS_DOCS = [
    Doc("云政办发〔2020〕31号", "云台市人民政府办公室关于加强农村集体资产管理的意见",
        {"signed_on": "2020-07-15", "effective_from": "2020-07-15",
         "expires_on": "2025-07-14"},
        [("云政办发〔2020〕31号", "issued", "2020-07-15"),
         ("云政办发〔2020〕31号", "effective", "2020-07-15"),
         ("云政办发〔2020〕31号", "expires", "2025-07-14")]),
]

# 9. A decision declaring documents no longer in force, a list per kind: 宣布失效 items with
#    their numbers, and one 予以修改 item.
LAPSE_LIST = """\
云台市人民政府关于宣布失效一批市政府文件的决定

云政发〔2024〕2号

各县、区人民政府，市各委办局，市各直属单位：

经清理，市政府决定：

一、对下列2件市政府文件宣布失效：

1.云台市人民政府关于加快发展现代物流业的意见（云政发〔2013〕25号）

2.云台市人民政府关于印发云台市节能减排工作方案的通知（云政发〔2014〕60号）

二、对下列1件市政府文件予以修改：

1.云台市人民政府关于进一步促进就业的意见（云政发〔2016〕12号）

本决定自印发之日起施行。

云台市人民政府

2024年1月22日
"""
LAPSE_LIST_DOCS = [
    Doc("云政发〔2024〕2号", "云台市人民政府关于宣布失效一批市政府文件的决定",
        {"signed_on": "2024-01-22", "effective_from": "2024-01-22"},
        [("云政发〔2024〕2号", "issued", "2024-01-22"),
         ("云政发〔2024〕2号", "effective", "2024-01-22"),
         ("云政发〔2013〕25号", "lapsed", "2024-01-22"),
         ("云政发〔2014〕60号", "lapsed", "2024-01-22"),
         ("云政发〔2016〕12号", "amended", "2024-01-22")]),
]

# 10. A government website's page: the disclosure fields above the text (索引号, 文号, 成文日期),
#     the title once, the number only in those fields.
PORTAL = """\
索引号：11320700MB1234567X/2021-00321

发布机构：海州市人民政府办公室

成文日期：2021-06-01

文号：海政办发〔2021〕21号

海州市人民政府办公室关于做好2021年防汛抗旱工作的通知

各县、区人民政府，市各委办局：

为切实做好今年防汛抗旱工作，经市政府同意，现将有关事项通知如下。

一、提高思想认识。各地各部门要坚决克服麻痹思想和侥幸心理。

海州市人民政府办公室

2021年6月1日

（此件公开发布）
"""
PORTAL_DOCS = [
    Doc("海政办发〔2021〕21号", "海州市人民政府办公室关于做好2021年防汛抗旱工作的通知",
        {"signed_on": "2021-06-01"},
        [("海政办发〔2021〕21号", "issued", "2021-06-01")]),
]

# 11. No cover; the number at the end of the title's second line; five years from the date
#     it takes effect; an older document repealed the same day.
NUMBER_IN_TITLE = """\
海州市人民政府关于印发海州市住宅专项维修资金
管理办法的通知（海政发〔2022〕16号）

各县、区人民政府，市各委办局：

现将《海州市住宅专项维修资金管理办法》印发给你们，请认真贯彻执行。

海州市人民政府

2022年4月8日

海州市住宅专项维修资金管理办法

第三十条　本办法自2022年5月1日起施行，有效期5年。《海州市住宅专项维修资金管理暂行办法》（海政发〔2015〕3号）同时废止。
"""
NUMBER_IN_TITLE_DOCS = [
    Doc("海政发〔2022〕16号", "海州市人民政府关于印发海州市住宅专项维修资金管理办法的通知",
        {"signed_on": "2022-04-08", "effective_from": "2022-05-01",
         "expires_on": "2027-04-30", "published_on": None},
        [("海政发〔2022〕16号", "issued", "2022-04-08"),
         ("海政发〔2022〕16号", "effective", "2022-05-01"),
         ("海政发〔2022〕16号", "expires", "2027-04-30"),
         ("海政发〔2015〕3号", "repealed", "2022-05-01")]),
]

# 12. An issue with its cover (year and number on one line, 总第N期) and 目录; a document in
#     force 30 days after it is issued.
WITH_TOC = """\
云台市人民政府公报

2023年第4期（总第120期）

云台市人民政府办公室编印　　2023年4月10日

目　　录

【市政府文件】

云台市人民政府关于印发云台市城区停车设施建设方案的通知…………（1）

云台市人民政府办公室关于加强城市供水安全保障的意见………………（5）

【市政府文件】

云台市人民政府关于印发云台市城区停车设施建设方案的通知

云政发〔2023〕11号

各县、区人民政府，市各委办局：

现将《云台市城区停车设施建设方案》印发给你们，请认真贯彻执行。

云台市人民政府

2023年3月2日

云台市人民政府办公室关于加强城市供水安全保障的意见

云政办发〔2023〕7号

各县、区人民政府，市各委办局：

本意见自印发之日起30日后施行。

云台市人民政府办公室

2023年3月9日
"""
WITH_TOC_DOCS = [
    Doc("云政发〔2023〕11号", "云台市人民政府关于印发云台市城区停车设施建设方案的通知",
        {"signed_on": "2023-03-02", "toc_page": "1", "published_on": "2023-04-10"},
        [("云政发〔2023〕11号", "issued", "2023-03-02"),
         ("云政发〔2023〕11号", "published", "2023-04-10")]),
    Doc("云政办发〔2023〕7号", "云台市人民政府办公室关于加强城市供水安全保障的意见",
        {"signed_on": "2023-03-09", "effective_from": "2023-04-08", "toc_page": "5"},
        [("云政办发〔2023〕7号", "issued", "2023-03-09"),
         ("云政办发〔2023〕7号", "effective", "2023-04-08"),
         ("云政办发〔2023〕7号", "published", "2023-04-10")]),
]

TEXTS = {
    "city_order": (CITY_ORDER, CITY_ORDER_DOCS),
    "province_order": (PROVINCE_ORDER, PROVINCE_ORDER_DOCS),
    "notice_three_lines": (NOTICE, NOTICE_DOCS),
    "traditional": (TRADITIONAL, TRADITIONAL_DOCS),
    "repeal_prose_list": (REPEAL, REPEAL_DOCS),
    "deadlines": (DEADLINES, DEADLINES_DOCS),
    "order_cn_dates": (ORDER_CN_DATES, ORDER_CN_DATES_DOCS),
    "five_years": (FIVE_YEARS, FIVE_YEARS_DOCS),
    "lapse_list": (LAPSE_LIST, LAPSE_LIST_DOCS),
    "portal_page": (PORTAL, PORTAL_DOCS),
    "number_in_title": (NUMBER_IN_TITLE, NUMBER_IN_TITLE_DOCS),
    "cover_and_toc": (WITH_TOC, WITH_TOC_DOCS),
}

FLOORS = {"text": 1.0, "html": 1.0}


def measure(layout: str, workdir=None) -> dict[str, tuple[int, int, list[str]]]:
    out = {}
    for name, (text, docs) in TEXTS.items():
        total = sum(1 + len(d.events) for d in docs)
        try:
            frames = run(rendered(text, layout, workdir), f"{name}.{layout}")
        except Exception as exc:  # a refused text scores zero, with its reason
            out[name] = (0, total, [f"{type(exc).__name__}: {exc}"])
            continue
        out[name] = score_documents(frames, docs)
    return out


@pytest.mark.parametrize("layout", sorted(FLOORS))
def test_items_right_per_layout(layout):
    scores = measure(layout)
    right = sum(r for r, _, _ in scores.values())
    total = sum(t for _, t, _ in scores.values())
    problems = {k: p for k, (_, _, p) in scores.items() if p}
    assert right / total >= FLOORS[layout], (right, total, problems)


@pytest.mark.slow
@pytest.mark.parametrize("layout", PDF_LAYOUTS)
def test_items_right_from_a_typeset_pdf(layout, tmp_path):
    if not have_pdf_tools():
        pytest.skip("chromium or pdftotext missing")
    scores = measure(layout, tmp_path)
    right = sum(r for r, _, _ in scores.values())
    total = sum(t for _, t, _ in scores.values())
    problems = {k: p for k, (_, _, p) in scores.items() if p}
    assert right / total >= 1.0, (right, total, problems)


# --- the rules the held-out play asked for --------------------------------------------------

def _frames(text: str):
    return run(text.encode("utf-8"), "rule.txt")


def test_a_title_printed_a_paragraph_a_line_is_read_whole():
    # a web page prints each title line as a paragraph: blank lines part them; the second
    # line names 办法 but no 关于, so the title goes on above it
    text = ("雲山縣人民政府辦公室關於印發雲山縣\n\n政府投資項目管理辦法的通知\n\n"
            "雲政辦發〔2019〕8號\n\n各鄉鎮人民政府：\n\n現將辦法印發給你們。\n\n"
            "雲山縣人民政府辦公室\n\n2019年6月3日\n")
    row = _frames(text)["gazette_documents"].iloc[0]
    assert row["title"] == "雲山縣人民政府辦公室關於印發雲山縣政府投資項目管理辦法的通知"


def test_an_order_number_printed_in_parentheses():
    text = ("海州市人民政府令\n\n（第 9 号）\n\n《海州市城市地下管线管理办法》已经市人民政府常务"
            "会议讨论通过，现予公布，自2023年3月1日起施行。\n\n市长　赵某某\n\n2022年12月30日\n")
    row = _frames(text)["gazette_documents"].iloc[0]
    assert (row["doc_number"], row["title"]) == ("海州市人民政府令第9号", "海州市城市地下管线管理办法")


def test_a_number_printed_only_in_a_websites_disclosure_fields():
    frames = _frames(PORTAL)
    docs = frames["gazette_documents"]
    assert list(docs["doc_number"]) == ["海政办发〔2021〕21号"]
    assert docs.iloc[0]["title"] == "海州市人民政府办公室关于做好2021年防汛抗旱工作的通知"
    # printed again under the title, it is still one document
    again = PORTAL.replace("工作的通知\n\n各县", "工作的通知\n\n海政办发〔2021〕21号\n\n各县")
    assert list(_frames(again)["gazette_documents"]["doc_number"]) == ["海政办发〔2021〕21号"]


def test_a_notice_sentence_wrapped_by_a_narrow_page():
    text = ("海州市人民政府办公室关于做好行政规范性文件清理有关工作的通知\n海政办发〔2021〕44号\n"
            "各县、区人民政府：\n"
            "  二、《海州市公共租赁住房管理规定》（海政办发〔2016〕8号）须于2021年10月31日前完成修订，逾\n"
            "期未修订的自动失效。\n"
            "  三、《关于加强安全生产工作的通知》（海政发〔2017〕3号）有效期延长至2022年12月31\n"
            "日。\n海州市人民政府办公室\n2021年8月16日\n")
    events = _frames(text)["document_events"]
    got = {(r.doc_number, r.event, str(r.date.date())) for r in events.itertuples()}
    assert ("海政办发〔2016〕8号", "revision_deadline", "2021-10-31") in got
    assert ("海政发〔2017〕3号", "expires", "2022-12-31") in got


def test_a_list_item_wrapped_by_a_narrow_page_ends_at_its_line():
    # the item's first line ends mid-word; the line it wraps onto ends the sentence, so the
    # next line (本决定…) is not part of it
    text = ("江南省人民政府关于废止部分省政府规章的决定\n南政发〔2023〕9号\n"
            "经研究，决定对下列规章予以废止：\n"
            "  一、《江南省甲办法》（2008年3月5日省政府令第40号公布，2012年6月1日省政\n"
            "府令第55号修正）。\n  本决定自公布之日起施行。\n江南省人民政府\n2023年3月15日\n")
    events = _frames(text)["document_events"]
    repealed = events[events["event"] == "repealed"]
    assert list(repealed["doc_number"]) == ["省政府令第40号"]


def test_in_force_a_number_of_days_after_it_is_issued():
    frames = _frames(WITH_TOC)
    docs = frames["gazette_documents"].set_index("doc_number")
    assert str(docs.loc["云政办发〔2023〕7号", "effective_from"].date()) == "2023-04-08"
    assert "effective_date_inferred" in docs.loc["云政办发〔2023〕7号", "quality_flags"]


def test_a_cover_with_year_and_number_on_one_line_and_the_imprint_date():
    from etl.read import read_text
    issue = read_text(WITH_TOC, "no-name.md")
    assert (issue.year, issue.number, str(issue.published_on)) == (2023, 4, "2023-04-10")
    assert issue.issue_id == "2023-04"


def test_without_a_cover_the_signing_date_is_not_the_publication_date():
    # the first line that is a document (a title ending with its number) ends the cover
    from etl.read import read_text
    issue = read_text(NUMBER_IN_TITLE, "no-cover.md")
    assert issue.published_on is None


@pytest.mark.parametrize(("clause", "effective", "expires"), [
    ("本办法自2022年5月1日起施行，有效期限为3年。", "2022-05-01", "2025-04-30"),
    ("本办法有效期自2022年5月1日起至2025年4月30日止。", "2022-05-01", "2025-04-30"),
    ("本办法自2022年5月1日起施行，至2025年4月30日止。", "2022-05-01", "2025-04-30"),
    ("本办法自2022年5月1日起实施，试行期2年。", "2022-05-01", "2024-04-30"),
])
def test_terms_of_validity_as_governments_write_them(clause, effective, expires):
    text = ("海州市人民政府关于印发海州市某某管理办法的通知\n\n海政发〔2022〕15号\n\n"
            "各县、区人民政府：\n\n现将办法印发给你们。\n\n海州市人民政府\n\n2022年4月8日\n\n"
            f"{clause}\n")
    row = _frames(text)["gazette_documents"].iloc[0]
    assert (str(row["effective_from"].date()), str(row["expires_on"].date())) == (
        effective, expires)
