"""chronicle_entries: the 大事记 of both seed issues, entry by entry, and invented chronicles
in other layouts (other markers, dates with years, a county's posts, traditional characters,
a period across the new year)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from etl.extractors import Context
from etl.extractors.chronicle import extract, read_official, read_period
from etl.read import read_text
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)


def entries(issue) -> pd.DataFrame:
    return pd.DataFrame(extract(issue, Context()).rows.get("chronicle_entries", []))


def by_line(frame: pd.DataFrame, line: int) -> dict:
    rows = frame[frame["source_line"] == line]
    assert len(rows) == 1, f"no single entry at line {line}"
    return rows.iloc[0].to_dict()


@pytest.fixture(scope="module")
def e2018(issue_2018):
    return entries(issue_2018)


@pytest.fixture(scope="module")
def e2022(issue_2022):
    return entries(issue_2022)


# --- 2018-16: lines 1326–1614, November 2018 -------------------------------------------------


def test_2018_counts(e2018):
    assert len(e2018) == 113
    assert e2018["entry_date"].nunique() == 25
    assert e2018["name"].nunique() == 8
    assert e2018["source_line"].min() == 1332 and e2018["source_line"].max() == 1614
    assert set(e2018["chronicle_line"]) == {1326}
    assert e2018["name"].value_counts().to_dict() == {
        "尹哲强": 22, "方伟": 20, "徐家保": 18, "黄远征": 18, "王加培": 16, "王永生": 9,
        "吴海云": 8, "华本太": 2}
    assert list(e2018["seq"]) == list(range(1, 114))
    assert e2018["entry_date"].min() == date(2018, 11, 1)
    assert e2018["entry_date"].max() == date(2018, 11, 30)


def test_2018_rows(e2018):
    first = by_line(e2018, 1332)
    assert (first["entry_date"], first["date_raw"]) == (date(2018, 11, 1), "11月1日：")
    assert (first["official"], first["post"], first["name"]) == ("代市长方伟", "代市长", "方伟")
    assert first["post_en"] == "Acting mayor"
    assert first["activity"].startswith("在我市分会场收听收看国家、省非洲猪瘟防控工作电视电话会议；")
    assert first["activity_count"] == 3 and first["quality_flags"] == ["several_activities"]

    joint = by_line(e2018, 1342)
    assert (joint["post"], joint["name"]) == ("副市长、公安局长", "王永生")
    assert joint["post_en"] == "Vice mayor; Director of the public security bureau"
    assert joint["activity"] == "召开会议研究市区烟花爆竹限制燃放等工作。"
    assert joint["quality_flags"] == []

    meeting = by_line(e2018, 1350)  # 11月2日: 市领导王加培、尹哲强…参加
    assert meeting["name"] == "方伟" and meeting["entry_date"] == date(2018, 11, 2)
    assert meeting["other_officials"] == "王加培；尹哲强；吴海云；徐家保；王永生；黄远征；华本太"
    assert meeting["quality_flags"] == ["several_officials", "several_activities"]

    wrapped = by_line(e2018, 1392)  # …斯尔邦石化二 / 期丙烷… across a blank line
    assert "斯尔邦石化二期丙烷产业链项目" in wrapped["activity"]
    assert wrapped["entry_date"] == date(2018, 11, 6)

    last = by_line(e2018, 1614)
    assert (last["name"], last["entry_date"]) == ("黄远征", date(2018, 11, 30))
    assert last["activity"].endswith("城市文化墙绘创意大赛有关工作。")  # not the closing note
    assert "立法法" not in " ".join(e2018["entry_text"])


# --- 2022-10: lines 693–955, October 2022 ----------------------------------------------------


def test_2022_counts(e2022):
    assert len(e2022) == 93
    assert e2022["entry_date"].nunique() == 29
    assert e2022["name"].nunique() == 9
    assert e2022["source_line"].min() == 699 and e2022["source_line"].max() == 955
    assert set(e2022["year_month"]) == {"2022-10"}
    assert e2022["post"].value_counts().to_dict() == {"副市长": 48, "市长": 27, "常务副市长": 18}
    assert not e2022["quality_flags"].map(lambda f: "official_name_uncertain" in f).any()


def test_2022_rows(e2022):
    first = by_line(e2022, 699)
    assert (first["entry_date"], first["date_raw"]) == (date(2022, 10, 1), "10月1日:")
    assert (first["post"], first["name"]) == ("常务副市长", "杨新忠")
    assert first["post_en"] == "Executive vice mayor"
    mayor = e2022[e2022["post"] == "市长"].iloc[0]
    assert (mayor["name"], mayor["entry_date"]) == ("邢正军", date(2022, 10, 4))
    once = by_line(e2022, 785)  # the only entry of 陈红淦: the name ends before 到
    assert (once["name"], once["activity"]) == ("陈红淦", "到东海县调度推进疫情防控流调溯源工作。")
    typo = by_line(e2022, 765)  # 朱兴波下在… as printed
    assert typo["name"] == "朱兴波" and typo["activity"].startswith("下在市分会场")
    short = e2022[e2022["name"] == "宋波"]
    assert len(short) == 7 and set(short["post"]) == {"副市长"}
    last = by_line(e2022, 955)
    assert (last["name"], last["entry_date"]) == ("朱兴波", date(2022, 10, 31))


def test_published_frame_is_typed(build):
    frame = build.frames["chronicle_entries"]
    assert frame.groupby("source_issue").size().to_dict() == {"2018-16": 113, "2022-10": 93}
    assert str(frame["entry_date"].dtype).startswith("datetime64")
    assert frame["seq"].notna().all() and frame["entry_text"].notna().all()


# --- other layouts and cities (invented) ------------------------------------------------------


COUNTY = """\
东海县人民政府大事记

（2021年12月1日—2022年1月31日）

2021年12月30日

·县长张三在县政务中心调研；召开县政府常务会议，县领导李四、王五参加。

·副县长李四赴
乡镇检查安全生产工作。

1月2日

·常務副縣長王五會見客商。

·县委宣传部长赵六出席开幕式。

—副县长李四参加全市会议。

1. 副县长欧阳小明到石湖乡调研。

（1）副县长欧阳小明召开专题会议。

本期公报刊登的文件为标准文本。
"""


def invented(text: str, issue_id: str = "2022-01") -> pd.DataFrame:
    return entries(read_text(text, f"fixture-{issue_id}.md", issue_id))


def test_other_markers_dates_and_posts():
    frame = invented(COUNTY)
    assert len(frame) == 7  # the closing note is not an entry
    first = frame.iloc[0]
    assert (first["entry_date"], first["post"], first["name"]) == (
        date(2021, 12, 30), "县长", "张三")
    assert first["other_officials"] == "李四；王五"
    assert first["quality_flags"] == ["several_officials", "several_activities"]
    wrapped = frame.iloc[1]
    assert wrapped["activity"] == "赴乡镇检查安全生产工作。"
    # 1月2日 in a chronicle from December: the next year
    trad = frame.iloc[2]
    assert trad["entry_date"] == date(2022, 1, 2)
    assert (trad["post"], trad["name"], trad["post_en"]) == (
        "常務副縣長", "王五", "Executive deputy county head")  # printed, matched simplified
    unknown = frame.iloc[3]  # 县委宣传部长 is not in the vocabulary: never guessed
    assert pd.isna(unknown["post"]) and pd.isna(unknown["name"])
    assert unknown["quality_flags"] == ["official_post_unknown"]
    assert unknown["activity"] == "县委宣传部长赵六出席开幕式。"
    assert list(frame["name"].iloc[4:]) == ["李四", "欧阳小明", "欧阳小明"]
    assert frame.iloc[5]["activity"] == "到石湖乡调研。"


def test_dated_entries_and_a_missing_period():
    text = ("市政府大事记\n\n●3月5日，市长张三会见客商。\n\n●2020年3月6日 副市长李四调研。\n\n"
            "●副市长李四召开会议。\n")
    frame = invented(text, "2020-03")
    assert list(frame["entry_date"]) == [None, date(2020, 3, 6), date(2020, 3, 6)]
    assert frame.iloc[0]["quality_flags"][0] == "date_year_unknown"
    assert frame.iloc[0]["date_raw"] == "3月5日"
    assert frame.iloc[2]["date_raw"] == "2020年3月6日"


def test_period_and_official_readers():
    assert read_period("连云港市人民政府大事记（2018年11月1日—30日）").end == date(2018, 11, 30)
    span = read_period("（2018年11月26日—12月25日）")
    assert (span.start, span.end) == (date(2018, 11, 26), date(2018, 12, 25))
    assert read_period("大事记") is None
    posts = {"副市长": "Vice mayor", "市长": "Mayor", "公安局长": "Director"}
    official = read_official("副市长、公安局长王永生召开会议", posts)
    assert (official.post, official.rest) == ("副市长、公安局长", "王永生召开会议")
    assert read_official("市长邢正军", posts).post == "市长"  # the longest post, not 市
    assert read_official("副省长马秋林来连", posts) is None


# --- the /chronicle page's logic on the published data ----------------------------------------


@pytest.mark.usefixtures("dashboard_data")
def test_page_filters_view_and_labels():
    from dashboard.pages import chronicle
    entries = chronicle._entries()
    f = chronicle.filters(entries, " 王加培 ", ["王加培", "<script>", 7])
    assert f == chronicle.Filters("王加培", ("王加培",))
    assert chronicle.to_query(f, "en") == "?q=%E7%8E%8B%E5%8A%A0%E5%9F%B9&official=" \
        "%E7%8E%8B%E5%8A%A0%E5%9F%B9&lang=en"
    rows = chronicle.selected(entries, chronicle.Filters(query="王加培"))
    assert len(rows) == 16 + 3  # his 16 entries and three where 市领导…王加培 attend
    view = chronicle.view({"official": ["王永生"]}, "zh")
    assert list(view.columns) == ["日期", "领导", "活动", "来源（期号:行号）"]
    assert len(view) == 9 and view.iloc[0]["来源（期号:行号）"] == "2018-16:1342"
    en = chronicle.view({"q": ["2022-10"]}, "en")
    assert len(en) == 93 and en.iloc[0]["Official"] == "杨新忠 (Executive vice mayor)"
    tasks = chronicle.selected_tasks(chronicle._tasks(), chronicle.Filters(query="市卫计委"))
    assert set(tasks["doc_number"]) == {"连政办发〔2018〕161号"} and len(tasks) == 18
