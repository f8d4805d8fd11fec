"""document_events: the lifecycle read from the text, on the real issues and a made-up one."""

import csv
from datetime import date

import pandas as pd
import pytest

from etl.extractors import Context
from etl.pipeline import assemble, extract_issue
from etl.read import read_issue, read_text
from tests.conftest import ISSUE_2018, ISSUE_2022, run_cli

# A small issue made up for the test (not a real gazette): an amending decision, a document
# with repeal clauses and a term of years, and a cleanup notice with both lists.
SYNTHETIC = """# 连云港市人民政府公报

2030

第 3 期

2030 年 2 月 1 日

# 目 录

## 【 市 政 府 文 件 】

市政府关于修改连云港市甲办法等2件政府规范性文件的决定 ..... ( 3 )

市政府关于印发连云港市乙办法的通知 ..... ( 5 )

## 【 市 政 府 办 公 室 文 件 】

市政府办公室关于印发2030年市政府规范性文件清理结果的通知 ..... ( 7 )

市政府办公室关于一份没有刊登的文件的通知 ..... ( 9 )

编辑出版：《连云港市人民政府公报》编辑部

# 市政府关于修改连云港市甲办法等2件政府规范性文件的决定

连政发〔2030〕1号

各县、区人民政府，市各委办局，市各直属单位：

根据《连云港市规范性文件制定和备案管理办法》（连政规发〔2011〕7号），经研究，决定对《连云港市甲办法》（连政规发〔2025〕1号）、《连云港市丙办法》（连政办发(2026)9号）等2件政府规范性文件作出如下修改：

一、原第三条修改为：本办法自2031年1月1日起施行。

本决定自2030年1月10日起施行。

连云港市人民政府

2030年1月5日

# 市政府关于印发连云港市乙办法的通知

连政规发〔2030〕2号

各县、区人民政府，市各委办局，市各直属单位：

《连云港市乙办法》已经市十六届政府第3次常务会议审议通过，现印发给你们，请认真组织实施。

连云港市人民政府

2030年1月8日

## 连云港市乙办法

第一条 为了规范管理，制定本办法。

第九条 本办法自2030年3月1日起施行，有效期5年。连云港市人民政府于2020年5月6日发布的《连云港市丁办法》（连政规发〔2020〕4号）同时废止。市政府令第3号自2030年6月1日起废止。

# 市政府办公室关于印发2030年市政府规范性文件清理结果的通知

连政办发〔2030〕5号

各县、区人民政府，市各委办局，市各直属单位：

现将清理结果予以公布。

连云港市人民政府办公室

2030年1月20日

附件 1

# 废止的规范性文件目录

序号\t文件名称\t发文主体\t文号\t发文时间
1\t连云港市丁办法\t市政府\t连政规发（2020）4号\t2020年5月6日
3\t连云港市戊规定\t市政府办公室\t连政办发(2019)年12号\t2019年7月1日

附件 2

# 保留的规范性文件目录

序号\t文件名称\t发文主体\t文号\t发文时间\t实施主体\t备注
1\t连云港市甲办法\t市政府\t连政规发〔2025〕1号\t2025年3月1日\t司法制办\t修改
2\t连云港市己办法\t市政府办公室\t连政发〔2024〕7号\t2023年9月9日\t市交 通局\t
"""


def synthetic_frames(tmp_path) -> dict[str, pd.DataFrame]:
    issue = read_text(SYNTHETIC, tmp_path / "synthetic.md", "2030-03")
    ctx = Context()
    return assemble([extract_issue(issue, ctx)], ctx, only_found=True)


@pytest.fixture(scope="module")
def events(build):
    return build.frames["document_events"]


def _select(events, **where):
    rows = events
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows


# --- the real issues ---------------------------------------------------------------------


def test_the_four_amendments_of_137(events):
    amended = _select(events, event="amended").sort_values("doc_number")
    assert sorted(amended["doc_number"]) == sorted([
        "连政规发〔2014〕7号", "连政办发〔2008〕126号", "连政规发〔2013〕2号", "连政办发〔2004〕76号"])
    assert set(amended["date"]) == {pd.Timestamp("2018-11-04")}
    assert set(amended["by_doc"]) == {"连政发〔2018〕137号"}
    assert set(zip(amended["source_issue"], amended["source_line"], strict=True)) == \
        {("2018-16", 115)}
    titles = dict(zip(amended["doc_number"], amended["title"], strict=True))
    assert titles["连政规发〔2013〕2号"] == "连云港市电梯安全管理办法"
    assert titles["连政办发〔2004〕76号"] == "连云港市住房公积金委托贷款管理暂行办法"
    # 本决定自发布之日起施行: the date is the decision's signing date, and says so
    assert set(amended["quality_flags"]) == {"event_date_inferred"}


def test_the_repeal_by_2022_4(events):
    repealed = _select(events, event="repealed")
    assert len(repealed) == 1
    row = repealed.iloc[0]
    assert row["doc_number"] == "连政规发〔2014〕7号"
    assert row["date"] == pd.Timestamp("2023-01-01")
    assert row["by_doc"] == "连政规发〔2022〕4号"
    assert (row["source_issue"], row["source_line"]) == ("2022-10", 525)
    assert row["title"] == "连云港市政府投资项目审计监督办法"
    assert "同时废止" in row["evidence"]
    assert pd.isna(row["quality_flags"])
    # the clause also states the repealed document's issue date; it agrees with the list
    issued = _select(events, event="issued", doc_number="连政规发〔2014〕7号")
    assert sorted(zip(issued["source_issue"], issued["source_line"], strict=True)) == \
        [("2018-16", 1291), ("2022-10", 525)]
    assert set(issued["date"]) == {pd.Timestamp("2014-12-20")}
    assert issued["quality_flags"].isna().all()


def test_listing_events(events):
    counts = events["event"].value_counts().to_dict()
    assert counts["listed_retained"] == 138
    assert counts["listed_repealed"] == 44
    assert counts["marked_for_revision"] == 21
    listed = events[events["event"].isin(["listed_retained", "listed_repealed",
                                          "marked_for_revision"])]
    assert set(listed["date"]) == {pd.Timestamp("2018-11-23")}
    assert set(listed["by_doc"]) == {"连政办发〔2018〕167号"}
    one = _select(events, event="marked_for_revision", doc_number="连政发〔1998〕197号").iloc[0]
    assert (one["source_issue"], one["source_line"]) == ("2018-16", 1154)
    assert one["evidence"] == "连政办发〔2018〕167号保留的规范性文件目录 序号5 备注：修改"


def test_the_document_listed_without_a_number(events):
    rows = events[events["doc_number"].isna()]
    assert sorted(rows["event"]) == ["issued", "listed_repealed"]
    assert set(rows["title"]) == {"连云港市人民政府关于加强云台山隧道管理的通告"}
    assert set(rows["quality_flags"]) == {"doc_number_missing"}


@pytest.mark.parametrize(("number", "event", "when", "line"), [
    ("市政府令第8号", "issued", "2022-10-31", 92),
    ("市政府令第8号", "published", "2022-11-15", 84),
    ("市政府令第8号", "effective", "2023-01-01", 88),
    ("连政规发〔2022〕3号", "effective", "2022-12-01", 432),
    ("连政规发〔2022〕3号", "expires", "2027-11-30", 432),
    ("连政规发〔2022〕4号", "effective", "2023-01-01", 525),
    ("连政规发〔2022〕4号", "expires", "2027-12-31", 525),
    ("连政发〔2018〕137号", "effective", "2018-11-04", 155),
    ("连政办发〔2018〕167号", "issued", "2018-11-23", 1089),
    ("连政办发〔2018〕167号", "published", "2018-12-15", 1076),
])
def test_own_events_of_published_documents(events, number, event, when, line):
    row = _select(events, doc_number=number, event=event)
    assert len(row) == 1
    assert row.iloc[0]["date"] == pd.Timestamp(when)
    assert row.iloc[0]["source_line"] == line


def test_every_number_resolves_or_says_it_does_not(build, events):
    known = set(build.frames["normative_documents"]["doc_number"].dropna()) | \
        set(build.frames["gazette_documents"]["doc_number"].dropna())
    flags = events["quality_flags"].fillna("")
    unresolved = events["doc_number"].notna() & ~events["doc_number"].isin(known)
    assert (flags[unresolved].str.contains("doc_not_in_registry")).all()
    assert not flags.str.contains("doc_not_in_registry").any()  # all resolve in the build
    assert events["source_issue"].notna().all() and events["source_line"].notna().all()
    assert events["date"].notna().all()


def test_one_issue_alone_flags_what_it_cannot_resolve():
    issue = read_issue(ISSUE_2022, "2022-10")
    ctx = Context()
    frames = assemble([extract_issue(issue, ctx)], ctx, only_found=True)
    events = frames["document_events"]
    outside = events[events["doc_number"] == "连政规发〔2014〕7号"]
    assert sorted(outside["event"]) == ["issued", "repealed"]
    assert set(outside["quality_flags"]) == {"doc_not_in_registry"}


def test_extract_command_writes_the_three_datasets(tmp_path):
    result = run_cli("extract", str(ISSUE_2018), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "table 废止的规范性文件目录 — 44 rows, recognised by normative_documents" in \
        result.stdout
    assert "序号 38 missing before 39" in result.stdout

    def rows(name):
        with (tmp_path / f"{name}.csv").open(encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))

    assert len(rows("normative_documents")) == 182
    gazette = rows("gazette_documents")
    assert [r["doc_number"] for r in gazette][:3] == ["连政发〔2018〕137号", "连政发〔2018〕140号",
                                                     "连政发〔2018〕141号"]
    assert len(gazette) == 12
    events = rows("document_events")
    assert sum(r["event"] == "amended" for r in events) == 4
    assert sum(r["event"] == "listed_retained" for r in events) == 138


# --- a made-up issue: the extractors are not tied to the real ones ------------------------


def test_synthetic_issue_cleanup_lists(tmp_path):
    registry = synthetic_frames(tmp_path)["normative_documents"].set_index(
        ["list_status", "seq"])
    assert len(registry) == 4
    assert set(registry["cleanup_doc"]) == {"连政办发〔2030〕5号"}
    assert set(registry["cleanup_on"]) == {pd.Timestamp("2030-01-20")}
    gap = registry.loc[("repealed", 3)]
    assert gap["doc_number"] == "连政办发〔2019〕12号"
    assert gap["quality_flags"] == "doc_number_brackets;doc_number_stray_year;seq_gap_before"
    revised = registry.loc[("retained", 1)]
    assert revised["implementing_agency"] == "市法制办" and bool(revised["needs_revision"])
    odd = registry.loc[("retained", 2)]
    assert odd["quality_flags"] == "doc_year_differs_from_date;issuer_differs_from_prefix"
    assert odd["implementing_agency"] == "市交通局"  # a line-break space, no reviewed fix


def test_synthetic_issue_amendments_and_repeals(tmp_path):
    events = synthetic_frames(tmp_path)["document_events"]
    amended = _select(events, event="amended")
    assert sorted(amended["doc_number"]) == ["连政办发〔2026〕9号", "连政规发〔2025〕1号"]
    assert set(amended["date"]) == {pd.Timestamp("2030-01-10")}  # the decision's own date
    assert set(amended["by_doc"]) == {"连政发〔2030〕1号"}
    # the authority the decision cites is not amended; the quoted 本办法自… is not its date
    assert "连政规发〔2011〕7号" not in set(events["doc_number"])
    flags = dict(zip(amended["doc_number"], amended["quality_flags"], strict=True))
    assert flags["连政办发〔2026〕9号"] == "doc_not_in_registry"
    assert pd.isna(flags["连政规发〔2025〕1号"])
    repealed = _select(events, event="repealed").set_index("doc_number")
    assert repealed.loc["连政规发〔2020〕4号", "date"] == pd.Timestamp("2030-03-01")  # 同时废止
    assert repealed.loc["市政府令第3号", "date"] == pd.Timestamp("2030-06-01")  # its own date
    assert set(repealed["by_doc"]) == {"连政规发〔2030〕2号"}
    assert repealed.loc["市政府令第3号", "quality_flags"] == "doc_not_in_registry"
    listed = _select(events, event="listed_repealed", doc_number="连政规发〔2020〕4号")
    assert listed.iloc[0]["date"] == pd.Timestamp("2030-01-20")
    assert len(_select(events, event="marked_for_revision")) == 1
    expires = _select(events, event="expires").iloc[0]
    assert expires["date"] == pd.Timestamp("2035-02-28")
    assert expires["quality_flags"] == "expires_on_derived"


def test_synthetic_status(tmp_path):
    from etl.status import status_on
    events = synthetic_frames(tmp_path)["document_events"]
    assert status_on("连政规发〔2020〕4号", date(2030, 1, 19), events).status == "in_force"
    gone = status_on("连政规发〔2020〕4号", date(2030, 1, 20), events)
    assert (gone.status, gone.repealed_by) == ("repealed", "连政办发〔2030〕5号")
    revised = status_on("连政规发〔2025〕1号", date(2030, 1, 25), events)
    assert revised.status == "in_force_marked_for_revision"  # amended 01-10, then marked 01-20
    assert revised.amended_on == (date(2030, 1, 10),)
    assert revised.marked_for_revision_on == date(2030, 1, 20)
    assert status_on("连政办发〔2026〕9号", date(2029, 12, 31), events).status == "unknown"
    assert status_on("连政规发〔2030〕2号", date(2035, 3, 1), events).status == "expired"


def test_doubtful_issue_dates_say_so(events):
    doubtful = events[events["quality_flags"].fillna("").str.contains("doc_year_differs")]
    assert sorted(doubtful["doc_number"]) == ["连政办发〔2014〕29号", "连政发〔2002〕173号",
                                              "连政发〔2006〕254号"]
    assert set(doubtful["event"]) == {"issued"}


def test_shared_flag_codes_mean_the_same_in_every_dataset():
    from etl.dictionary import dataset
    names = ("normative_documents", "gazette_documents", "document_events")
    meaning: dict[str, tuple[str, str]] = {}
    for name in names:
        for flag in dataset(name).flags:
            assert meaning.setdefault(flag.code, (flag.zh, flag.en)) == (flag.zh, flag.en), \
                flag.code
    assert dataset("document_events").order == 40
    from etl.extractors.document_events import EVENTS
    assert dataset("document_events").column("event").enum == EVENTS == (
        "issued", "published", "effective", "expires", "expiry_removed", "amended", "repealed",
        "lapsed", "listed_retained", "listed_repealed", "marked_for_revision",
        "revision_deadline")
