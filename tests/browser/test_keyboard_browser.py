"""The dashboard by keyboard alone: Tab is never trapped, every table row that opens a detail
is a Tab stop that Enter opens, every map point has such a row, and focus is visible."""

from __future__ import annotations

from itertools import pairwise

import pytest

from tests.browser.conftest import DESKTOP, figure
from tests.browser.test_a11y_browser import opened

pytestmark = pytest.mark.browser

ACTIVE_JS = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) { return null; }
    const table = e.closest('.dash-table-container');
    return {tag: e.tagName, cls: String(e.className || ''), id: e.id || '',
            table: table ? table.id : null, text: (e.textContent || '').trim(),
            at: [...document.querySelectorAll('*')].indexOf(e)};  // which element
}"""


def tab_walk(page, presses: int) -> list[dict | None]:
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(ACTIVE_JS))
    return stops


@pytest.mark.parametrize("path, table", [("/documents", "documents-table"),
                                         ("/quality", "quality-table")])
def test_tab_is_not_trapped_in_a_table(server, browser, path, table):
    """On main before issue 13 the page box's number field kept the focus for ever."""
    with opened(browser, server.url + path, DESKTOP) as page:
        stops = tab_walk(page, 160)
    inside = [k for k, s in enumerate(stops) if s and s["table"] == table]
    assert inside, f"Tab never reached {table}"
    end = inside[0]
    while end < len(stops) and stops[end] and stops[end]["table"] == table:
        end += 1
    assert end < len(stops), "the focus never left the table"
    # no element keeps the focus over two presses in a row
    for a, b in pairwise(stops):
        assert a is None or a != b, f"focus stuck on {a}"
    # and the walk goes on past the table round to the top of the page
    assert any(s and "skip-link" in s["cls"] for s in stops[end:])


def test_enter_on_a_document_row_opens_it(server, browser):
    with opened(browser, server.url + "/documents", DESKTOP) as page:
        page.focus("#documents-table td.dash-cell[tabindex='0'] >> nth=2")
        title = page.evaluate("document.activeElement.textContent").strip()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(t) => { const h = document.querySelector('#documents-panel h3');"
            "         return h && h.textContent.trim() === t; }", arg=title, timeout=15_000)
        assert "doc=" in page.url


def test_tab_reaches_every_row_and_enter_opens_a_site(server, browser):
    with opened(browser, server.url + "/heritage", DESKTOP) as page:
        stops = tab_walk(page, 120)
        rows = [s["text"] for s in stops if s and s["table"] == "heritage-table"
                and s["tag"] == "TD"]
        # every site on the map has its row in the keyboard order: the map's own points are
        # reached through the list (the caption under the map says so)
        fig = figure(page, "heritage-map")
        ids = {c[0] for trace in fig["data"] for c in (trace["customdata"] or [])
               if isinstance(c, list) and c}
        assert len(ids) == 23
        assert set(rows) == ids  # the list's first column is the site's number
        assert page.locator("#heritage-map").locator("xpath=..").locator(
            "figcaption").inner_text().startswith("用键盘查看各点")
        site = rows[4]
        page.focus("#heritage-table td.dash-cell[tabindex='0'] >> nth=4")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(n) => { const h = document.querySelector('#heritage-detail h3');"
            "         return h && h.textContent.includes(n); }", arg=site, timeout=15_000)
        assert f"site={site}" in page.url


FOCUS_JS = """() => {
    const s = getComputedStyle(document.activeElement);
    return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor};
}"""


def test_focus_is_visible(server, browser):
    with opened(browser, server.url + "/heritage", DESKTOP) as page:
        seen = set()
        for _ in range(60):
            page.keyboard.press("Tab")
            kind = page.evaluate("""() => { const e = document.activeElement;
                return e.matches('td') ? 'row' : e.matches('.nav-link') ? 'nav'
                     : e.matches('button') ? 'button' : e.tagName; }""")
            ring = page.evaluate(FOCUS_JS)
            assert ring["style"] not in ("none", "hidden") and ring["width"] >= 2, (kind, ring)
            seen.add(kind)
    assert {"row", "nav", "button"} <= seen
