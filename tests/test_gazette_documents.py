"""gazette_documents: every item each issue publishes, checked against its 目录."""

from datetime import date

import pandas as pd
import pytest

from etl.extractors.gazette_documents import last_day_after_years
from tests.test_document_events import synthetic_frames


@pytest.fixture(scope="module")
def gazette(build):
    return build.frames["gazette_documents"]


def _doc(gazette, number):
    rows = gazette[gazette["doc_number"] == number]
    assert len(rows) == 1, number
    return rows.iloc[0]


@pytest.mark.parametrize(("number", "signed", "issuer", "section", "page"), [
    ("连政发〔2018〕137号", "2018-11-04", "市政府", "市政府文件", 3),
    ("连政发〔2018〕140号", "2018-11-12", "市政府", "市政府文件", 5),
    ("连政发〔2018〕141号", "2018-11-13", "市政府", "市政府文件", 10),
    ("连政办发〔2018〕158号", "2018-11-07", "市政府办公室", "市政府办公室文件", 12),
    ("连政办发〔2018〕160号", "2018-11-12", "市政府办公室", "市政府办公室文件", 14),
    ("连政办发〔2018〕161号", "2018-11-22", "市政府办公室", "市政府办公室文件", 23),
    ("连政办发〔2018〕162号", "2018-11-15", "市政府办公室", "市政府办公室文件", 31),
    ("连政办发〔2018〕165号", "2018-11-16", "市政府办公室", "市政府办公室文件", 36),
    ("连政办发〔2018〕166号", "2018-11-23", "市政府办公室", "市政府办公室文件", 43),
    ("连政办发〔2018〕167号", "2018-11-23", "市政府办公室", "市政府办公室文件", 69),
    ("市政府令第8号", "2022-10-31", "市政府", "市政府令", 3),
    ("连政规发〔2022〕3号", "2022-10-04", "市政府", "市政府文件", 9),
    ("连政规发〔2022〕4号", "2022-10-24", "市政府", "市政府文件", 16),
    ("连政发〔2022〕116号", "2022-10-25", "市政府", "市政府文件", 20),
])
def test_the_14_documents(gazette, number, signed, issuer, section, page):
    row = _doc(gazette, number)
    assert row["signed_on"] == pd.Timestamp(signed)
    assert row["issuer"] == issuer
    assert row["section"] == section
    assert row["toc_page"] == page


def test_every_item_in_order(gazette):
    by_issue = gazette.groupby("source_issue")["section"].apply(list).to_dict()
    assert by_issue["2018-16"] == ["市政府文件"] * 3 + ["市政府办公室文件"] * 7 + ["统计公报", "大事记"]
    assert by_issue["2022-10"] == ["市政府令"] + ["市政府文件"] * 3 + ["大事记"]
    assert gazette["doc_number"].notna().sum() == 14
    for _, rows in gazette.groupby("source_issue"):
        assert list(rows["order"]) == list(range(1, len(rows) + 1))
        assert rows["source_line"].is_monotonic_increasing
    assert set(gazette["published_on"]) == {pd.Timestamp("2018-12-15"), pd.Timestamp("2022-11-15")}


def test_statistics_and_chronicle(gazette):
    sections = gazette[gazette["doc_number"].isna()].set_index(["source_issue", "section"])
    stats = sections.loc[("2018-16", "统计公报")]
    assert (stats["title"], stats["toc_page"], stats["source_line"]) == \
        ("2018年1-10月份主要经济指标", 79, 1305)
    chronicle = sections.loc[("2018-16", "大事记")]
    assert chronicle["title"] == "连云港市人民政府大事记（2018年11月1日—30日）"
    assert (chronicle["toc_page"], chronicle["source_line"]) == (80, 1326)
    later = sections.loc[("2022-10", "大事记")]
    assert (later["toc_page"], later["source_line"]) == (33, 693)
    assert later["toc_title"] == "连云港市人民政府大事记（2022年10月1日—31日）"
    assert pd.isna(later["quality_flags"])  # （）and () are the same title


def test_toc_mismatch_is_flagged(gazette):
    row = _doc(gazette, "连政办发〔2018〕161号")
    assert row["title"].startswith("市人民政府办公室关于印发")
    assert row["toc_title"].startswith("市政府办公室关于印发")
    assert row["quality_flags"] == "toc_title_differs"
    flagged = gazette[gazette["quality_flags"].fillna("").str.contains("toc_")]
    assert list(flagged["doc_number"]) == ["连政办发〔2018〕161号"]


@pytest.mark.parametrize(("number", "effective", "expires", "flags"), [
    ("市政府令第8号", "2023-01-01", None, None),
    ("连政规发〔2022〕3号", "2022-12-01", "2027-11-30", None),
    ("连政规发〔2022〕4号", "2023-01-01", "2027-12-31", None),
    ("连政发〔2022〕116号", None, None, None),  # 自发布之日起三个工作日内 is not a start date
    ("连政发〔2018〕137号", "2018-11-04", None, "effective_date_inferred"),
    ("连政办发〔2018〕160号", "2018-11-12", None, "effective_date_inferred"),
    ("连政办发〔2018〕162号", "2018-11-15", None, "effective_date_inferred"),
    ("连政办发〔2018〕158号", "2019-01-01", None, "effective_date_scope_limited"),
    ("连政发〔2018〕140号", None, None, None),
])
def test_effective_and_expiry_read_from_the_text(gazette, number, effective, expires, flags):
    row = _doc(gazette, number)
    if effective:
        assert row["effective_from"] == pd.Timestamp(effective)
    else:
        assert pd.isna(row["effective_from"])
    if expires:
        assert row["expires_on"] == pd.Timestamp(expires)
    else:
        assert pd.isna(row["expires_on"])
    assert (row["quality_flags"] if pd.notna(row["quality_flags"]) else None) == flags


def test_validity_clauses_as_printed(gazette):
    assert _doc(gazette, "连政规发〔2022〕3号")["validity_clause"] == \
        "第三十三条本办法自2022年12月1日起实施，有效期至2027年11月30日"
    assert _doc(gazette, "连政办发〔2018〕160号")["validity_clause"] == \
        "第二十一条 本办法自发布之日起施行"


@pytest.mark.parametrize(("number", "meeting", "on"), [
    ("市政府令第8号", "市十五届政府第14次常务会议", "2022-10-19"),
    ("连政规发〔2022〕3号", "市十五届政府第13次常务会议", None),
    ("连政规发〔2022〕4号", "市十五届政府第14次常务会议", None),
    ("连政发〔2022〕116号", "市十五届政府第14次常务会议", None),
    ("连政发〔2018〕140号", "市十四届政府第30次常务会议", None),
    ("连政发〔2018〕141号", "市十四届政府第27次常务会议", None),
    ("连政办发〔2018〕166号", "市十四届政府第31次常务会议", None),
    ("连政发〔2018〕137号", None, None),
])
def test_adoption(gazette, number, meeting, on):
    row = _doc(gazette, number)
    assert (row["adopted_at"] if pd.notna(row["adopted_at"]) else None) == meeting
    assert (row["adopted_on"] if pd.notna(row["adopted_on"]) else None) == \
        (pd.Timestamp(on) if on else None)


def test_order_title_is_the_regulation(gazette):
    row = _doc(gazette, "市政府令第8号")
    assert row["title"] == "连云港市违法建设控制和查处管理办法"
    assert row["doc_type"] == "政府令"
    assert row["source_line"] == 84


def test_synthetic_issue_against_its_toc(tmp_path):
    gazette = synthetic_frames(tmp_path)["gazette_documents"].set_index("order")
    assert list(gazette["doc_number"].iloc[:3]) == ["连政发〔2030〕1号", "连政规发〔2030〕2号",
                                                   "连政办发〔2030〕5号"]
    decision = gazette.loc[1]
    # the quoted 本办法自2031年1月1日起施行 belongs to the amended text, not the decision
    assert decision["effective_from"] == pd.Timestamp("2030-01-10")
    rules = gazette.loc[2]
    assert rules["adopted_at"] == "市十六届政府第3次常务会议"
    assert rules["expires_on"] == pd.Timestamp("2035-02-28")
    assert rules["quality_flags"] == "expires_on_derived"
    missing = gazette.loc[4]
    assert missing["title"] == "市政府办公室关于一份没有刊登的文件的通知"
    assert missing["quality_flags"] == "toc_entry_without_body"
    assert missing["toc_page"] == 9 and pd.isna(missing["doc_number"])


def test_last_day_of_a_term():
    assert last_day_after_years(date(2022, 12, 1), 5) == date(2027, 11, 30)
    assert last_day_after_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert last_day_after_years(date(2024, 2, 29), 4) == date(2028, 2, 28)
    assert last_day_after_years(None, 5) is None
