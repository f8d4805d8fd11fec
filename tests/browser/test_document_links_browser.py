"""The documents page in headless Chromium: a document's citations both ways, its
article-level amendments and the tasks it assigns, in Chinese and in English."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from dashboard import data
from etl import dictionary
from tests.browser.conftest import ready, settle

pytestmark = pytest.mark.browser

AUDIT = "连政规发〔2014〕7号"
DECISION = "连政发〔2018〕137号"


def _open(server, page, number: str, lang: str = "zh") -> None:
    suffix = "&lang=en" if lang == "en" else ""
    page.goto(f"{server.url}/documents?on=2022-12-31&doc={quote(number)}{suffix}")
    ready(page)


def test_cited_by_links_to_the_citing_decision_and_back(server, page):
    cites = data.load("document_citations")
    expected = cites[cites["cited_number"] == AUDIT]
    _open(server, page, AUDIT)
    items = page.locator("#documents-cited-by li").all_inner_texts()
    assert len(items) == len(expected) == 3
    assert any(DECISION in i and "2018-16:115" in i and "正文" in i for i in items)
    assert any("连政办发〔2018〕167号" in i and "2018-16:1291" in i and "表格" in i
               for i in items)
    assert any("连政规发〔2022〕4号" in i and "2022-10:525" in i for i in items)
    # its nine article-level edits, with the words and the source line
    rows = page.locator("#documents-amendments tbody tr:has(td)").all_inner_texts()
    assert len(rows) == 9
    assert any("第六条" in r and "修改" in r and "2018-16:119" in r for r in rows)
    assert any("第十一条、第十二条" in r and "删除" in r and "2018-16:125" in r for r in rows)
    headers = page.locator("#documents-amendments th").all_inner_texts()
    assert dictionary.labels("document_amendments", "zh")["provision_raw"] in headers
    # follow the link to the decision: its citations and the edits it makes
    page.click(f"#documents-cited-by a:has-text('{DECISION}')")
    settle(page, "() => decodeURIComponent(location.search).includes('137号')")
    assert page.locator("#page h3, #documents-panel h3").first.is_visible()
    cited = page.locator("#documents-cites li").all_inner_texts()
    assert len(cited) == 4 and all("2018-16:115" in c for c in cited)
    assert any("连政规发〔2013〕2号" in c and "《连云港市电梯安全管理办法》" in c
               and "市级" in c for c in cited)
    assert page.locator("#documents-cites a.doc-link").count() == 4  # all in the registry
    made = page.locator("#documents-amendments-made tbody tr:has(td)").all_inner_texts()
    assert len(made) == 13
    assert any("施行期限暂定五年" in r and "取消有效期（推断）" in r and "2018-16:149" in r
               for r in made)


def test_provincial_and_national_citations_are_text_not_links(server, page):
    number = "连政办发〔2018〕161号"
    _open(server, page, number)
    cited = page.locator("#documents-cites li").all_inner_texts()
    assert any("国办发〔2018〕3号" in c and "国家级" in c and "2018-16:501" in c for c in cited)
    assert any("苏政办发〔2018〕52号" in c and "省级" in c for c in cited)
    assert page.locator("#documents-cites a.doc-link").count() == 0
    # gazette text is shown as text: no markup from the source reaches the page
    assert page.locator("#documents-cites script").count() == 0


def test_tasks_of_a_document_when_published(server, page):
    tasks = data.load("task_assignments")
    if tasks is None or tasks.empty:
        pytest.skip("task_assignments is not published in this build")
    number = tasks["doc_number"].dropna().iloc[0]
    expected = tasks[tasks["doc_number"] == number]
    _open(server, page, number)
    rows = page.locator("#documents-tasks tbody tr:has(td)").all_inner_texts()
    assert len(rows) == min(len(expected), 10)  # the table's first page
    first = expected.iloc[0]
    assert any(f"{first['source_issue']}:{first['source_line']}" in r for r in rows)


def test_links_in_english(server, page):
    _open(server, page, "连政规发〔2013〕2号", "en")
    assert page.locator("#documents-cited-by").is_visible()
    assert "Cited by" in page.locator("#documents-panel").inner_text()
    rows = page.locator("#documents-amendments tbody tr:has(td)").all_inner_texts()
    assert len(rows) == 1
    assert "delete words" in rows[0] and "term removed (derived)" in rows[0]
    headers = page.locator("#documents-amendments th").all_inner_texts()
    assert dictionary.labels("document_amendments", "en")["old_text"] in headers
    link = page.locator("#documents-cited-by a.doc-link").first
    assert "lang=en" in link.get_attribute("href")
