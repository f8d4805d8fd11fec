"""What an official can trust, in headless Chromium on the real published datasets: every
status says the date it is on and the issues it rests on (the newest issue's date by default,
a caveat past it), the URL and the screen agree through Back, Forward, reload and a shared
link, and /quality finds a fix by the value as printed or as fixed."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from dashboard import data
from tests.browser.conftest import figure, ready, settle

pytestmark = pytest.mark.browser

NEWEST = "2022-11-15"  # 2022年第10期, the newest issue in datasets/raw/manifest.csv
BASIS = "依据2018年第16期、2022年第10期"
CAVEAT = "数据截至 2022-11-15（2022年第10期）；此后的废止、修改等尚未收录"
AUDIT = "连政规发〔2014〕7号"


def _search(page) -> str:
    return page.evaluate("decodeURIComponent(location.search)")


def _pick_date(page, day: str) -> None:
    page.fill("#documents-on", day)
    page.press("#documents-on", "Enter")
    settle(page, f"() => location.search.includes('on={day}')")


def _in_force(on: str) -> int:
    from datetime import date

    from dashboard import docstatus
    codes = docstatus.status_codes(data.load("normative_documents")["doc_number"],
                                   date.fromisoformat(on))
    return sum(bool(c) and c.startswith("in_force") for c in codes)


# --- status as of the data ------------------------------------------------------------------


def test_status_date_defaults_to_the_newest_issue_and_says_what_it_rests_on(server, page):
    page.goto(server.url + "/documents")
    ready(page)
    assert page.input_value("#documents-on") == NEWEST  # not today
    assert page.locator("#documents-basis").inner_text() == f"状态日期 {NEWEST}：{BASIS}"
    assert page.locator("#documents-beyond").count() == 0
    assert f"状态（{NEWEST}）" in page.locator("#documents-table th").all_inner_texts()
    # the charts colour documents by their status on that date, and say so
    agency = figure(page, "documents-agency")
    assert {t["name"] for t in agency["data"]} <= {"有效", "有效（需修改）", "已废止", "已失效",
                                                  "未知", "无文号", "已发布，尚未施行"}
    assert "有效" in {t["name"] for t in agency["data"]}
    assert agency["legendTitle"] == f"状态（{NEWEST}）"
    assert page.locator("#documents-year-note").inner_text() == (
        f"按 {NEWEST} 的状态着色；状态{BASIS}")
    year = figure(page, "documents-year")
    assert sum(sum(t["y"]) for t in year["data"]) == len(
        data.load("normative_documents")["issued_on"].dropna())


def test_a_date_past_the_data_carries_the_caveat(server, page):
    page.goto(server.url + "/documents")
    ready(page)
    _pick_date(page, "2026-12-01")
    assert page.locator("#documents-beyond").inner_text() == CAVEAT
    assert "状态（2026-12-01）" in page.locator("#documents-table th").all_inner_texts()
    _pick_date(page, "2020-06-30")  # inside the data: only 2018-16 was out by then
    assert page.locator("#documents-beyond").count() == 0
    assert page.locator("#documents-basis").inner_text() == "状态日期 2020-06-30：依据2018年第16期"
    page.goto(server.url + "/documents?on=2026-12-01&lang=en")
    ready(page)
    assert page.locator("#documents-beyond").inner_text() == (
        "Data run to 2022-11-15 (issue 10 of 2022); later repeals, amendments and other "
        "changes are not yet in")


def test_overview_says_the_date_and_the_issues_behind_each_card(server, page):
    page.goto(server.url + "/")
    ready(page)
    lines = page.locator("#card-documents li").all_inner_texts()
    assert f"{NEWEST}有效（{BASIS}）：{_in_force(NEWEST)}" in lines
    assert page.locator("#overview-until").inner_text() == "数据截至 2022-11-15（2022年第10期）"
    assert page.locator("#overview-beyond").count() == 0
    for card in ("economy", "heritage", "documents", "issues", "quality"):
        assert page.locator(f"#card-{card} li").last.inner_text().startswith("依据")
    assert page.locator("#card-economy li").last.inner_text() == "依据2018年第16期"
    page.goto(server.url + "/?on=2026-12-01")
    ready(page)
    assert page.locator("#overview-beyond").inner_text() == CAVEAT
    assert f"2026-12-01有效（{BASIS}）：{_in_force('2026-12-01')}" in (
        page.locator("#card-documents li").all_inner_texts())
    # the card leads to the documents on the same date
    page.click("#card-documents")
    settle(page, "() => location.pathname === '/documents'")
    assert page.input_value("#documents-on") == "2026-12-01"
    assert page.locator("#documents-beyond").inner_text() == CAVEAT


# --- URL and screen agree ----------------------------------------------------------------------


def test_status_date_back_and_forward(server, page):
    page.goto(server.url + f"/documents?doc={quote(AUDIT)}")
    ready(page)
    _pick_date(page, "2022-12-31")
    assert page.locator("#documents-status").inner_text() == "有效"
    _pick_date(page, "2023-01-01")
    assert page.locator("#documents-status").inner_text() == "已废止"
    page.go_back()
    settle(page, "() => location.search.includes('on=2022-12-31')")
    assert page.input_value("#documents-on") == "2022-12-31"
    assert page.locator("#documents-status").inner_text() == "有效"
    page.go_forward()
    settle(page, "() => location.search.includes('on=2023-01-01')")
    assert page.input_value("#documents-on") == "2023-01-01"
    assert page.locator("#documents-status").inner_text() == "已废止"
    page.go_back()
    settle(page, "() => location.search.includes('on=2022-12-31')")
    assert page.locator("#documents-status").inner_text() == "有效"
    page.reload()
    ready(page)
    assert page.input_value("#documents-on") == "2022-12-31"
    assert page.locator("#documents-status").inner_text() == "有效"


def _open_site(page, site: str) -> None:
    page.click(f"#heritage-table td[data-dash-column=site_id] >> text='{site}'")
    settle(page, f"() => new URLSearchParams(location.search).get('site') === '{site}'")


def _site_shown(page) -> str:
    return page.locator("#heritage-detail h3").inner_text()


def test_heritage_site_back_back_shows_the_site_in_the_url(server, page):
    names = data.load("heritage_sites").set_index("site_id")["name"]
    page.goto(server.url + "/heritage")
    ready(page)
    for site in ("5-1", "5-2", "5-1"):
        _open_site(page, site)
        assert names[site] in _site_shown(page)
    page.go_back()
    settle(page, "() => new URLSearchParams(location.search).get('site') === '5-2'")
    assert names["5-2"] in _site_shown(page)
    page.go_back()
    settle(page, "() => new URLSearchParams(location.search).get('site') === '5-1'")
    assert names["5-1"] in _site_shown(page)  # main showed 5-2 here
    page.go_forward()
    settle(page, "() => new URLSearchParams(location.search).get('site') === '5-2'")
    assert names["5-2"] in _site_shown(page)


def test_the_same_row_clicked_again_after_the_map_chose_another_site(server, page):
    # the table kept its active cell: a second click on the same row changed nothing, so the
    # panel kept the site the map had chosen
    names = data.load("heritage_sites").set_index("site_id")["name"]
    page.goto(server.url + "/heritage")
    ready(page)
    _open_site(page, "5-1")
    page.locator("#heritage-map").scroll_into_view_if_needed()
    points = page.locator("#heritage-map .scattergeo path.point")
    for k in range(points.count()):  # any point of another site (one is 5-1's ring)
        points.nth(k).click(force=True)
        page.wait_for_timeout(300)
        if page.evaluate("() => new URLSearchParams(location.search).get('site')") != "5-1":
            break
    settle(page, "() => new URLSearchParams(location.search).get('site') !== '5-1'")
    other = page.evaluate("() => new URLSearchParams(location.search).get('site')")
    assert names[other] in _site_shown(page)
    _open_site(page, "5-1")
    assert names["5-1"] in _site_shown(page)


def _search_documents(page, text: str) -> None:
    page.fill("#documents-q", text)
    page.press("#documents-q", "Enter")
    settle(page, f"() => decodeURIComponent(location.search).includes('q={text}')")


def test_a_new_search_then_a_click_opens_the_new_document(server, page):
    docs = data.load("normative_documents")
    page.goto(server.url + "/documents")
    ready(page)
    _search_documents(page, "住房公积金")
    first = page.locator("#documents-table tbody tr:has(td)").first
    title = first.locator("td[data-dash-column=title]").inner_text()
    first.locator("td[data-dash-column=title]").click()
    settle(page, "() => location.search.includes('doc=')")
    assert page.locator("#documents-panel h3").inner_text() == title
    _search_documents(page, AUDIT)
    audit_title = docs.loc[docs["doc_number"] == AUDIT, "title"].iloc[0]
    page.click(f"#documents-table td[data-dash-column=title] >> text='{audit_title}'")
    settle(page, f"() => decodeURIComponent(location.search).includes('doc={AUDIT}')")
    assert page.locator("#documents-panel h3").inner_text() == audit_title  # main kept the old
    page.go_back()
    settle(page, f"() => !decodeURIComponent(location.search).includes('doc={AUDIT}')")
    assert page.locator("#documents-panel h3").inner_text() == title
    assert page.input_value("#documents-q") == AUDIT


def test_the_table_pages_and_sorts_on_the_server_and_a_row_of_page_two_opens(server, page):
    docs = data.load("normative_documents")
    page.goto(server.url + "/documents")
    ready(page)
    rows = page.locator("#documents-table tbody tr:has(td)")
    assert rows.count() == 15
    page.click("#documents-table .next-page")
    ready(page)
    second = rows.first.locator("td[data-dash-column=title]").inner_text()
    number = rows.first.locator("td[data-dash-column=doc_number]").inner_text()
    rows.first.locator("td[data-dash-column=title]").click()
    settle(page, "() => location.search.includes('doc=')")
    assert page.locator("#documents-panel h3").inner_text() == second
    assert number in _search(page)
    # sort by number, descending: the greatest number first, over every row, not one page
    numbers = sorted(docs["doc_number"].dropna().astype(str))
    first_number = ("() => document.querySelector('#documents-table tbody "
                    "td[data-dash-column=doc_number]')?.innerText")
    sort = page.locator("#documents-table th[data-dash-column=doc_number] .column-header--sort")
    sort.click()  # ascending
    ready(page)
    sort.click()  # descending
    settle(page, f"() => ({first_number})() === {json.dumps(numbers[-1])}")
    assert rows.first.locator("td[data-dash-column=doc_number]").inner_text() == numbers[-1]


def test_quality_search_by_raw_or_fixed_value_with_back_and_shared_link(server, page):
    page.goto(server.url + "/quality")
    ready(page)
    page.fill("#quality-q", "司法制办")
    page.press("#quality-q", "Enter")
    settle(page, "() => location.search.includes('q=')")
    rows = page.locator("#quality-table tbody tr:has(td)").all_inner_texts()
    assert len(rows) == 5
    assert all("实施主体：司法制办 → 市法制办" in r and "agency_name_fixed" in r for r in rows)
    page.fill("#quality-q", "市法制办")  # the fixed value finds the same rows
    page.press("#quality-q", "Enter")
    settle(page, "() => decodeURIComponent(location.search).includes('q=市法制办')")
    assert page.locator("#quality-table tbody tr:has(td)").all_inner_texts() == rows
    page.go_back()
    settle(page, "() => decodeURIComponent(location.search).includes('q=司法制办')")
    assert page.input_value("#quality-q") == "司法制办"
    assert page.locator("#quality-count").inner_text() == "5 条记录"
    shared = page.url
    page.goto(server.url + "/")
    ready(page)
    page.goto(shared)
    ready(page)
    assert page.input_value("#quality-q") == "司法制办"
    assert page.locator("#quality-table tbody tr:has(td)").count() == 5
