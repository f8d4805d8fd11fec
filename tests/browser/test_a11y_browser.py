"""WCAG 2.1 AA basics, no control that reaches outside, a <title> per page and language, and
phone layouts without overlap — every page in headless Chromium on the real datasets.

The accessibility checker is axe-core (MPL-2.0) as shipped by axe-playwright-python, run
inside the page: offline, nothing fetched.
"""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import urlparse

import pytest

from dashboard.components import MODEBAR_KEEP
from dashboard.i18n import t
from dashboard.pages import PAGES
from dashboard.screenshots import STATES
from tests.browser.conftest import DESKTOP, PHONE, Watcher, ready

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
LANGS = ("zh", "en")
SERIOUS = {"serious", "critical"}


def with_lang(path: str, lang: str) -> str:
    if lang == "zh":
        return path
    return path + ("&" if "?" in path else "?") + "lang=en"


def repaired(page) -> None:
    """Wait until assets/a11y.js has repaired the widgets drawn so far (it marks <html>
    with data-a11y-pending while a repair waits for its animation frame)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
    page.wait_for_function("() => !document.documentElement.hasAttribute('data-a11y-pending')",
                           timeout=10_000)


@contextmanager
def opened(browser, url: str, viewport: dict):
    """A fresh page at ``url``; fails on any console error or request leaving 127.0.0.1."""
    watcher = Watcher()
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    watcher.attach(page)
    try:
        page.goto(url)
        ready(page)
        repaired(page)
        yield page
    finally:
        context.close()
    assert not watcher.problems, "\n".join(watcher.problems)


# --- nothing reaches outside the server ---------------------------------------------------

OUTSIDE_JS = """() => {
    const names = [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd =>
        gd._fullLayout && gd._fullLayout._modeBar
            ? gd._fullLayout._modeBar.buttons.flat().map(b => b.name) : []);
    const titles = [...document.querySelectorAll('.modebar-btn')].map(b =>
        b.getAttribute('data-title') || b.getAttribute('aria-label') || '');
    const links = [...document.querySelectorAll('a[href], area[href], form[action]')]
        .map(a => a.href || a.action)
        .filter(h => !h.startsWith(location.origin + '/') && !h.startsWith('#'));
    const logos = document.querySelectorAll('.modebar .modebar-btn--logo, a[href*="plotly"]');
    return {names, titles, links, logos: logos.length,
            graphs: document.querySelectorAll('.js-plotly-plot').length};
}"""


@pytest.mark.parametrize("path", list(STATES.values()), ids=list(STATES))
def test_no_control_sends_anything_outside(server, browser, path):
    with opened(browser, server.url + path, DESKTOP) as page:
        found = page.evaluate(OUTSIDE_JS)
    assert set(found["names"]) <= set(MODEBAR_KEEP), found["names"]
    if found["graphs"]:
        assert "toImage" in found["names"]  # the toolbar is trimmed, not gone
    shares = [title for title in found["titles"]
              if any(word in title.lower() for word in ("share", "cloud", "studio", "json"))]
    assert not shares
    assert found["links"] == []
    assert found["logos"] == 0


# --- axe-core: no serious or critical violation, in both languages, desktop and phone -------

@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", list(PAGES))
def test_axe_finds_no_serious_violation(server, browser, path, lang, size):
    from axe_playwright_python.sync_playwright import Axe

    with opened(browser, server.url + with_lang(path, lang), VIEWPORTS[size]) as page:
        results = Axe().run(page, options={"runOnly": {
            "type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                      "best-practice"]}})
        html_lang = page.evaluate("document.documentElement.lang")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — "
           + "; ".join(str(n["target"]) for n in v["nodes"][:3])
           for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not bad, "\n".join(bad)
    assert html_lang == ("en" if lang == "en" else "zh-CN")


def test_landmarks_and_skip_link(server, browser):
    with opened(browser, server.url + "/documents", DESKTOP) as page:
        assert page.locator("header.site-header").count() == 1
        assert page.locator("main#page").count() == 1
        assert page.locator("footer#footer-note").count() == 1
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.locator(".skip-link").inner_text() == t("skip_to_content", "zh")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "page"


# --- a <title> per page and language ----------------------------------------------------------

def test_every_page_has_its_own_title_in_each_language(server, browser):
    seen = set()
    with opened(browser, server.url + "/", DESKTOP) as page:
        for lang in LANGS:
            for path, module in PAGES.items():
                page.goto(server.url + with_lang(path, lang))
                ready(page)
                expected = t("page_title", lang).format(page=t(module.NAV_KEY, lang),
                                                        app=t("app_title", lang))
                page.wait_for_function("(title) => document.title === title", arg=expected,
                                       timeout=10_000)
                seen.add(page.title())
        # switching the language in place retitles the page too
        page.goto(server.url + "/documents")
        ready(page)
        page.click("#lang-switch")
        page.wait_for_function("() => document.title === 'Normative documents · "
                               "Lianyungang Gazette Data'", timeout=10_000)
    assert len(seen) == 2 * len(PAGES)
    assert "规范性文件 · 连云港市政府公报数据" in seen


# --- phones: nothing overlaps, nothing is cut off --------------------------------------------

LAYOUT_JS = """() => {
    const box = (el) => { const r = el.getBoundingClientRect();
                          return {l: r.left, t: r.top, r: r.right, b: r.bottom,
                                  w: r.width, h: r.height}; };
    const meets = (a, b) => a.w > 0 && a.h > 0 && b.w > 0 && b.h > 0
        && a.l < b.r - 1 && b.l < a.r - 1 && a.t < b.b - 1 && b.t < a.b - 1;
    const problems = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1) {
        problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth);
    }
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
        const id = (gd.closest('[id]') || {}).id;
        const bar = gd.querySelector('.modebar');
        const parts = [...gd.querySelectorAll(
            '.nsewdrag, .geo .bg, .gtitle, .legend, .g-xtitle, .g-ytitle')];
        if (bar) {
            for (const part of parts) {
                if (meets(box(bar), box(part))) {
                    problems.push(id + ': the toolbar covers ' + part.getAttribute('class'));
                }
            }
        }
        const legend = gd.querySelector('.legend');
        for (const title of gd.querySelectorAll('.g-xtitle, .g-ytitle')) {
            if (legend && meets(box(legend), box(title))) {
                problems.push(id + ': the legend covers an axis title');
            }
        }
        const frame = box(gd);
        if (frame.r > width + 1) { problems.push(id + ': the chart is wider than the screen'); }
    }
    for (const link of document.querySelectorAll('.nav-link')) {
        const b = box(link);
        if (b.l < -1 || b.r > width + 1) { problems.push('nav link off screen: ' + link.id); }
    }
    for (const table of document.querySelectorAll('.dash-spreadsheet-container')) {
        const panel = table.closest('.panel') || document.body;
        if (box(table).r > box(panel).r + 1) {
            problems.push('table sticks out of its box: ' + (table.closest('[id]') || {}).id);
        }
    }
    return problems;
}"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", list(STATES.values()), ids=list(STATES))
def test_phone_layout_has_no_overlap_or_clipping(server, browser, path, lang):
    with opened(browser, server.url + with_lang(path, lang), PHONE) as page:
        problems = page.evaluate(LAYOUT_JS)
    assert not problems, "\n".join(problems)


def test_outside_links_would_be_caught(server, browser):
    """The outside-link check sees a link to another origin (so its silence means something)."""
    with opened(browser, server.url + "/", DESKTOP) as page:
        page.evaluate("""() => { const a = document.createElement('a');
                                 a.href = 'https://cloud.plotly.com/x'; a.textContent = 'x';
                                 document.querySelector('#page').appendChild(a); }""")
        found = page.evaluate(OUTSIDE_JS)
    assert [urlparse(h).hostname for h in found["links"]] == ["cloud.plotly.com"]
