"""The API link, the downloads and the speed settings in headless Chromium (issue 13).

- Each page's download bar links to the API URL of what it shows, and the link follows the
  filters: the dataset's URL where the view is a plain filter of it, else the view's URL;
  the linked rows are the rows on screen.
- "CSV with notes" and the file names, through a real download.
- Responses are compressed and fingerprinted files cached: a second visit takes Dash's
  bundles from the browser's cache; the CSP still holds (a violation is a console error,
  which the ``page`` fixture's watcher fails on).

None of this existed before: no API link, one file name per page, nothing compressed.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import openpyxl
import pytest

from dashboard import data
from tests.browser.conftest import ready, settle

pytestmark = pytest.mark.browser

FETCH_TEXT = "async (url) => { const r = await fetch(url); return [r.status, await r.text()]; }"


def api_href(page) -> str:
    return page.locator("#download-api").get_attribute("href")


def test_the_api_link_is_the_dataset_url_of_a_plain_filter(server, page):
    page.goto(server.url + "/heritage?county=海州区")
    ready(page)
    settle(page, "() => document.querySelector('#download-api')"
                 ".getAttribute('href').startsWith('/api/heritage_sites')")
    assert api_href(page) == f"/api/heritage_sites.csv?county={quote('海州区')}"
    status, text = page.evaluate(FETCH_TEXT, api_href(page))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert status == 200 and len(rows) == 8
    on_screen = page.locator("#heritage-table td[data-dash-column='site_id']").all_inner_texts()
    assert sorted(r["site_id"] for r in rows)[:len(on_screen)] == sorted(on_screen)[:len(rows)]


def test_the_api_link_follows_a_search(server, page):
    page.goto(server.url + "/documents")
    ready(page)
    settle(page, "() => document.querySelector('#download-api')"
                 ".getAttribute('href').startsWith('/api/views/documents')")
    page.fill("#documents-q", "住房公积金")
    page.press("#documents-q", "Enter")
    settle(page, "() => document.querySelector('#download-api').getAttribute('href')"
                 ".includes('q=')")
    href = api_href(page)
    assert href.startswith("/api/views/documents.csv?") and quote("住房公积金") in href
    status, text = page.evaluate(FETCH_TEXT, href.replace(".csv", ".json"))
    assert status == 200
    import json
    body = json.loads(text)
    assert body["total"] >= 1
    assert all("住房公积金" in r["文件名称"] for r in body["rows"])


def test_csv_with_notes_and_the_file_names(server, page, tmp_path):
    page.goto(server.url + "/documents?agency=市人社局")
    ready(page)
    with page.expect_download() as info:
        page.click("#\\{\\\"fmt\\\"\\:\\\"csv\\\"\\,\\\"type\\\"\\:\\\"download\\\"\\}")
    plain = info.value
    assert plain.suggested_filename == "规范性文件_机构-市人社局_2022-11-15.csv"
    text = (tmp_path / "plain.csv")
    plain.save_as(text)
    assert text.read_text(encoding="utf-8-sig").startswith("文件名称,")
    page.get_by_label("CSV 含说明行").check()
    with page.expect_download() as info:
        page.click("#\\{\\\"fmt\\\"\\:\\\"csv\\\"\\,\\\"type\\\"\\:\\\"download\\\"\\}")
    noted = tmp_path / "noted.csv"
    info.value.save_as(noted)
    lines = noted.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "# 页面：规范性文件" and "# 筛选条件：机构：市人社局" in lines
    with page.expect_download() as info:
        page.click("#\\{\\\"fmt\\\"\\:\\\"xlsx\\\"\\,\\\"type\\\"\\:\\\"download\\\"\\}")
    assert info.value.suggested_filename == "规范性文件_机构-市人社局_2022-11-15.xlsx"
    book = tmp_path / "view.xlsx"
    info.value.save_as(book)
    sheets = openpyxl.load_workbook(book).sheetnames
    assert sheets == ["数据", "说明"]
    assert len(list(csv.reader(io.StringIO("\n".join(lines))))) > 12
    docs = data.load("normative_documents")
    assert (docs["implementing_agency"] == "市人社局").sum() == 12


def test_bundles_are_compressed_and_cached(server, page):
    page.goto(server.url + "/economy")
    ready(page)
    entries = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(r => r.name.includes('_dash-component-suites'))
        .map(r => [r.name, r.encodedBodySize, r.decodedBodySize, r.transferSize])""")
    renderer = next(e for e in entries if "dash_renderer" in e[0])
    assert renderer[1] < renderer[2] / 2  # sent compressed: well under half its size
    page.goto(server.url + "/heritage")  # a second page in the same profile
    ready(page)
    again = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(r => r.name.includes('dash_renderer'))
        .map(r => [r.name, r.transferSize])""")
    assert again and all(size == 0 for _, size in again)  # from the cache, no request
