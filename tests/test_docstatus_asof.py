"""What a status rests on: the newest issue's date as the default status date, the issues
behind a status, the caveat past the data — and the documents table's precomputed arrays
agreeing with plain pandas on the real registry."""

from __future__ import annotations

import shutil
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import data, docstatus, doctable
from dashboard.pages import documents, overview
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("dashboard_data")


def test_the_newest_issue_bounds_the_data():
    assert [i["issue_id"] for i in docstatus.issues()] == ["2018-16", "2022-10"]
    assert docstatus.data_date() == date(2022, 11, 15) == docstatus.default_date()
    assert docstatus.issue_name("2022-10", "zh") == "2022年第10期"
    assert docstatus.issue_name("2018-16", "en") == "issue 16 of 2018"
    assert docstatus.issue_name("extra", "zh") == "extra"
    assert docstatus.data_until("zh") == "数据截至 2022-11-15（2022年第10期）"


def test_a_status_rests_on_the_issues_published_by_its_date():
    assert docstatus.status_basis(date(2022, 11, 15), "zh") == "依据2018年第16期、2022年第10期"
    assert docstatus.status_basis(date(2022, 11, 14), "zh") == "依据2018年第16期"
    assert docstatus.status_basis(date(2018, 1, 1), "zh") == "尚未收录任何一期公报"
    assert docstatus.status_basis(date(2030, 1, 1), "en") == (
        "based on issue 16 of 2018, issue 10 of 2022")


def test_the_caveat_appears_only_past_the_newest_issue():
    assert docstatus.beyond_data(date(2022, 11, 15), "zh") is None
    assert docstatus.beyond_data(date(2019, 1, 1), "zh") is None
    assert docstatus.beyond_data(date(2022, 11, 16), "zh") == (
        "数据截至 2022-11-15（2022年第10期）；此后的废止、修改等尚未收录")
    assert docstatus.beyond_data(date(2026, 12, 1), "en") == (
        "Data run to 2022-11-15 (issue 10 of 2022); later repeals, amendments and other "
        "changes are not yet in")


def test_the_default_date_stays_out_of_the_url():
    docs = documents._docs()
    f = documents.filters(docs, [], [], "", "2022-11-15", None)
    assert f.on is None and f.day == date(2022, 11, 15)
    assert documents.to_query(f, "zh") == ""
    later = documents.filters(docs, [], [], "", "2026-12-01", None)
    assert documents.to_query(later, "zh") == "?on=2026-12-01"


@pytest.fixture
def without_manifest(request, tmp_path, monkeypatch):
    copy = tmp_path / "datasets"
    shutil.copytree(request.getfixturevalue("published"), copy)
    (copy / "raw" / "manifest.csv").write_text(
        "issue_id,year,issue_number,published_on,file,sha256\n"
        "2018-16,2018,16,not a date,x.md,0\n", encoding="utf-8")
    monkeypatch.setenv(data.ENV_DIR, str(copy))
    data.reset()
    yield copy
    data.reset()


def test_without_a_usable_manifest_the_page_falls_back_to_today(without_manifest):
    assert docstatus.issues() == []  # the one issue's date does not parse: it bounds nothing
    assert docstatus.data_date() is None and docstatus.data_until("zh") is None
    assert docstatus.default_date() == date.today()
    assert docstatus.beyond_data(date(2100, 1, 1), "zh") is None
    cards = {c.key: c for c in overview.cards("zh")}
    assert f"{date.today().isoformat()}有效（尚未收录任何一期公报）" in dict(
        cards["card_documents"].lines)


# --- the documents table's arrays agree with pandas -------------------------------------------


@pytest.mark.parametrize("on", [date(2019, 1, 1), date(2023, 1, 1)])
def test_counts_and_crosstabs_match_pandas(on):
    reg = doctable.registry()
    docs = reg.docs
    keep = doctable.mask(reg, ("retained",), (), "办法")
    expected = docs[(docs["list_status"] == "retained")
                    & docs["title"].str.contains("办法", regex=False)]
    assert keep.sum() == len(expected) > 0
    codes = pd.Series([c or "no_number" for c in docstatus.status_codes(
        expected["doc_number"], on)])
    assert doctable.counts(keep, on) == {s: int(n) for s, n in codes.value_counts().items()}
    table = doctable.crosstab(reg.agency_codes, len(reg.agencies), keep, on)
    agency = "市审计局"
    column = doctable.STATUS_ORDER.index("in_force")
    want = expected[(expected["implementing_agency"] == agency).to_numpy()
                    & (codes == "in_force").to_numpy()]
    assert table[reg.agencies.index(agency), column] == len(want)
    assert table.sum() == expected["implementing_agency"].notna().sum()


def test_search_with_and_without_filters_agrees():
    reg = doctable.registry()
    alone = doctable.mask(reg, (), (), "连政规发〔2014〕7号")
    assert reg.docs.loc[alone, "title"].tolist() == ["连云港市政府投资项目审计监督办法"]
    narrowed = doctable.mask(reg, ("retained",), ("市审计局",), "审计")
    agency = (reg.docs["implementing_agency"] == "市审计局").fillna(False).to_numpy(bool)
    retained = (reg.docs["list_status"] == "retained").to_numpy(bool)
    assert narrowed.sum() > 0
    assert np.array_equal(narrowed, doctable.mask(reg, (), (), "审计") & agency & retained)


def test_pages_and_sorting_cover_every_row_once():
    reg = doctable.registry()
    keep = np.ones(len(reg.docs), dtype=bool)
    on = date(2022, 11, 15)
    pos = doctable.positions(keep, [{"column_id": "doc_number", "direction": "desc"}], on, "zh")
    assert sorted(pos.tolist()) == list(range(len(reg.docs)))
    first = doctable.page_rows(pos, 0, 15, on, "zh")[0]
    assert first["doc_number"] == max(reg.docs["doc_number"].dropna())
    pages = [r["id"] for p in range(documents.page_count(len(pos)))
             for r in doctable.page_rows(pos, p, documents.PAGE_SIZE, on, "zh")]
    assert sorted(pages) == sorted(reg.keys.tolist())
    # a hostile sort spec keeps the display order
    assert doctable.positions(keep, [{"column_id": ["x"]}], on, "zh").tolist() == list(
        range(len(reg.docs)))
