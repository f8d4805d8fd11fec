"""normative_documents: the 2018 cleanup lists (连政办发〔2018〕167号) read row by row."""

from datetime import date

import pandas as pd
import pytest

from etl.extractors import Context
from etl.extractors.normative_documents import flag_sequence, normalise_agency


@pytest.fixture(scope="module")
def registry(build):
    return build.frames["normative_documents"]


def _row(registry, status, seq):
    rows = registry[(registry["list_status"] == status) & (registry["seq"] == seq)]
    assert len(rows) == 1, (status, seq)
    return rows.iloc[0]


def _flags(row):
    return set(row["quality_flags"].split(";")) if pd.notna(row["quality_flags"]) else set()


def test_counts_44_138_21(registry):
    assert registry["list_status"].value_counts()[lambda n: n > 0].to_dict() == {"retained": 138, "repealed": 44}
    retained = registry[registry["list_status"] == "retained"]
    assert int(retained["needs_revision"].sum()) == 21
    assert set(retained["remark"].dropna()) == {"修改"}
    assert registry.loc[registry["list_status"] == "repealed", "needs_revision"].isna().all()


def test_cleanup_document_and_provenance(registry):
    assert set(registry["cleanup_doc"]) == {"连政办发〔2018〕167号"}
    assert set(registry["cleanup_on"]) == {pd.Timestamp("2018-11-23")}
    assert set(registry["source_issue"]) == {"2018-16"}
    assert _row(registry, "repealed", 1)["source_line"] == 1096
    assert _row(registry, "repealed", 45)["source_line"] == 1143
    assert _row(registry, "retained", 1)["source_line"] == 1150
    assert _row(registry, "retained", 138)["source_line"] == 1301


def test_seq_gap_flagged_on_the_list_not_invented(registry):
    repealed = registry[registry["list_status"] == "repealed"]
    assert sorted(repealed["seq"]) == [n for n in range(1, 46) if n != 38]
    gap = repealed[repealed["quality_flags"].fillna("").str.contains("seq_gap_before")]
    assert list(gap["seq"]) == [39]
    retained = registry[registry["list_status"] == "retained"]
    assert sorted(retained["seq"]) == list(range(1, 139))
    assert int(registry["quality_flags"].fillna("").str.contains("seq_").sum()) == 1


@pytest.mark.parametrize(("status", "seq", "number", "raw", "issued", "flags"), [
    ("retained", 30, "连政办发〔2014〕29号", "连政办发(2014)29号", "2004-03-10",
     {"doc_year_differs_from_date", "doc_number_brackets"}),
    ("retained", 52, "连政发〔2006〕254号", "连政发(2006)254号", "2007-01-04",
     {"doc_year_differs_from_date", "doc_number_brackets"}),
    ("retained", 61, "连政发〔2002〕173号", "连政发（2002）年173号", "2007-10-16",
     {"doc_year_differs_from_date", "doc_number_stray_year", "doc_number_brackets"}),
    ("retained", 24, "连政发〔2002〕187号", "连政发(2002)年187号", "2002-10-30",
     {"doc_number_stray_year", "doc_number_brackets"}),
    ("retained", 87, "连政发〔2009〕186号", "连政发〔2009〕186号", "2009-12-06",
     {"issuer_differs_from_prefix"}),
    ("retained", 22, "市政府令第2号", "市人民政府令2号", "2002-09-30", {"order_number_variant"}),
    ("retained", 43, "市政府令第1号", "市政府1号令", "2006-01-18", {"order_number_variant"}),
    ("retained", 128, "连政规发〔2014〕7号", "连政规发(2014)7号", "2014-12-20",
     {"doc_number_brackets"}),
    ("repealed", 1, "连政发〔2007〕99号", "连政发〔2007〕99号", "2007-05-30", set()),
    ("repealed", 22, "连政规发〔2010〕3号", "连政规发（2010）3号", "2010-06-29",
     {"doc_number_brackets"}),
])
def test_flagged_and_normalised_numbers(registry, status, seq, number, raw, issued, flags):
    row = _row(registry, status, seq)
    assert row["doc_number"] == number
    assert row["doc_number_raw"] == raw
    assert row["issued_on"] == pd.Timestamp(issued)
    assert _flags(row) == flags


def test_only_the_named_rows_carry_contradiction_flags(registry):
    def seqs(flag):
        hit = registry[registry["quality_flags"].fillna("").str.contains(flag)]
        return sorted(zip(hit["list_status"], hit["seq"], strict=True))

    assert seqs("doc_year_differs_from_date") == [("retained", 30), ("retained", 52),
                                                  ("retained", 61)]
    assert seqs("issuer_differs_from_prefix") == [("retained", 87)]
    assert seqs("doc_number_stray_year") == [("retained", 24), ("retained", 61)]
    assert seqs("order_number_variant") == [("retained", 22), ("retained", 43)]
    assert seqs("doc_number_missing") == [("repealed", 21)]


def test_number_parts_and_issuer(registry):
    row = _row(registry, "retained", 87)
    assert (row["issuer"], row["doc_type"], row["doc_year"], row["doc_seq"]) == \
        ("市政府办公室", "连政发", 2009, 186)
    order = _row(registry, "retained", 22)
    assert order["doc_type"] == "政府令" and pd.isna(order["doc_year"]) and order["doc_seq"] == 2
    assert set(registry["issuer"]) == {"市政府", "市政府办公室"}


def test_missing_number_stays_empty(registry):
    row = _row(registry, "repealed", 21)
    assert row["title"] == "连云港市人民政府关于加强云台山隧道管理的通告"
    for column in ("doc_number", "doc_number_raw", "doc_type", "doc_year", "doc_seq"):
        assert pd.isna(row[column])
    assert row["issued_on"] == pd.Timestamp("1993-12-31")


@pytest.mark.parametrize("seq", [41, 45, 50, 54, 55])
def test_ocr_slip_agency_fixed_through_reviewed_table(registry, seq):
    row = _row(registry, "retained", seq)
    assert row["implementing_agency"] == "市法制办"
    assert row["implementing_agency_raw"] == "司法制办"
    assert "agency_name_fixed" in _flags(row)


def test_agency_linebreak_space_and_unfixed_agencies(registry):
    row = _row(registry, "retained", 102)
    assert row["implementing_agency"] == "淮海工学院大学科技园"
    assert row["implementing_agency_raw"] == "淮海工学院 大学科技园"
    assert "agency_name_fixed" in _flags(row)
    fixed = registry["quality_flags"].fillna("").str.contains("agency_name_fixed")
    assert int(fixed.sum()) == 6
    printed_right = _row(registry, "retained", 21)
    assert printed_right["implementing_agency"] == "市法制办"
    assert "agency_name_fixed" not in _flags(printed_right)
    assert registry.loc[registry["list_status"] == "repealed", "implementing_agency"].isna().all()


def test_titles_lose_linebreak_spaces_and_keep_the_print(registry):
    row = _row(registry, "repealed", 26)
    assert row["title"] == "关于转发市建设局等部门推行太阳能热水系统与建筑一体化工作实施意见的通知"
    assert row["title_raw"] == "关于转发市建设局等部门推行太阳能热水系统与建筑一体化工 作实施意见的通知"
    assert _row(registry, "retained", 74)["title"] == "《连云港市干线公路建设管理办法》"


def test_marked_for_revision_rows(registry):
    marked = registry[registry["needs_revision"].fillna(False).astype(bool)]
    assert sorted(marked["seq"]) == [5, 12, 23, 24, 26, 33, 38, 49, 61, 62, 68, 69, 75, 84,
                                     87, 88, 93, 113, 116, 118, 126]


def test_reviewed_agency_table_is_complete():
    table = Context().reference("agencies")
    assert list(table.columns) == ["raw", "normalised", "reason", "reviewed_by"]
    assert (table != "").all().all()
    fixes = dict(zip(table["raw"], table["normalised"], strict=True))
    assert fixes["司法制办"] == "市法制办"
    assert normalise_agency(" 司法制办 ", fixes) == ("市法制办", ["agency_name_fixed"])
    assert normalise_agency("市审计局", fixes) == ("市审计局", [])
    assert normalise_agency("", fixes) == (None, [])


def test_sequence_checks_never_invent_rows():
    rows = [{"seq": s, "source_line": 10 + k, "quality_flags": []}
            for k, s in enumerate([2, 3, 3, 7, 5, None, 8])]
    notes = flag_sequence(rows)
    assert [r["quality_flags"] for r in rows] == [
        ["seq_gap_before"], [], ["seq_duplicate"], ["seq_gap_before"], ["seq_out_of_order"],
        [], []]
    assert notes == ["line 10: 序号 1 missing before 2", "line 13: 序号 4-6 missing before 7"]
    assert len(rows) == 7


def test_every_issue_date_is_a_real_date(registry):
    assert registry["issued_on"].notna().all()
    assert registry["issued_on"].min() == pd.Timestamp(date(1993, 12, 31))
    assert registry["issued_on"].max() == pd.Timestamp(date(2017, 8, 30))
