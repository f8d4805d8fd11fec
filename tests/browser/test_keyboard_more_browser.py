"""More of the dashboard by keyboard (issue 13): the <title> follows in-app navigation, the
tables' sort arrows are buttons Tab reaches and Enter presses, the map's points are reached
with the arrow keys and opened with Enter, and the era slider's handles say the year the
user sees — in headless Chromium on the real published datasets (assets/a11y.js)."""

from __future__ import annotations

import re

import pytest

from dashboard import data
from dashboard.i18n import t
from dashboard.pages import PAGES, heritage
from tests.browser.conftest import DESKTOP, figure, ready, settle, start_server
from tests.browser.test_a11y_browser import opened, repaired
from tests.browser.test_heritage_map_browser import (
    PALAEOLITHIC,
    _with_prehistoric_site,
    contrast,
)

pytestmark = pytest.mark.browser


def _title(path: str, lang: str) -> str:
    return t("page_title", lang).format(page=t(PAGES[path].NAV_KEY, lang),
                                        app=t("app_title", lang))


def tab_to(page, selector: str, presses: int = 150) -> None:
    """Press Tab until the focus is on an element matching ``selector``."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement"
                         ".matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def wait_for_value(page, fn_js: str, want, arg=None, timeout: float = 15_000) -> None:
    """Wait until the JS function ``fn_js(arg)`` returns ``want`` (compared as JSON)."""
    page.wait_for_function("([a, want]) => JSON.stringify((" + fn_js + ")(a))"
                           " === JSON.stringify(want)", arg=[arg, want], timeout=timeout)


# --- 1. the <title> -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_title_is_in_the_html_and_follows_a_nav_link(server, browser, lang):
    query = "?lang=en" if lang == "en" else ""
    with opened(browser, server.url + "/heritage" + query, DESKTOP) as page:
        # the HTML as the server sent it already names the page (before any script ran)
        sent = page.request.get(server.url + "/heritage" + query).text()
        assert f"<title>{_title('/heritage', lang)}</title>" in sent
        assert page.title() == _title("/heritage", lang)
        page.click("#nav-economy")
        page.wait_for_function("(t) => document.title === t", arg=_title("/economy", lang),
                               timeout=15_000)
        assert page.evaluate("document.documentElement.lang") == (
            "en" if lang == "en" else "zh-CN")


# --- 2. sort arrows --------------------------------------------------------------------------

SORT = "#heritage-table th[data-dash-column='{}'] .column-header--sort"
COLUMN_JS = """(c) => [...document.querySelectorAll(
    '#heritage-table td.dash-cell[data-dash-column="' + c + '"]')].map(td => td.textContent)"""


def test_tab_reaches_a_sort_arrow_and_enter_sorts(server, browser):
    with opened(browser, server.url + "/heritage", DESKTOP) as page:
        before = page.evaluate(COLUMN_JS, "name")
        assert len(before) == 23
        tab_to(page, SORT.format("name"))
        head = page.locator("#heritage-table th[data-dash-column='name'] "
                            ".column-header-name").inner_text().strip()
        assert head == "名称"
        button = page.locator(SORT.format("name"))
        assert button.get_attribute("role") == "button"
        assert button.get_attribute("aria-label") == t("a11y_sort_by", "zh").format(
            column=head, state=t("a11y_sort_none", "zh"))
        page.keyboard.press("Enter")
        # dash-table's native sort: plain string order, as Python's for these characters
        wait_for_value(page, COLUMN_JS, sorted(before), "name")
        repaired(page)
        th = page.locator("#heritage-table th[data-dash-column='name']")
        assert th.get_attribute("aria-sort") == "ascending"
        assert button.get_attribute("aria-label").endswith(t("a11y_sort_ascending", "zh"))
        # the focus stays on the arrow: Space sorts the other way
        assert page.evaluate("document.activeElement.matches('.column-header--sort')")
        page.keyboard.press(" ")
        wait_for_value(page, COLUMN_JS, sorted(before, reverse=True), "name")
        repaired(page)
        assert th.get_attribute("aria-sort") == "descending"


DOCS_JS = """() => [...document.querySelectorAll(
    '#documents-table td.dash-cell[data-dash-column="doc_number"]')].map(td => td.textContent)"""


def test_enter_on_a_sort_arrow_sorts_the_documents_as_a_click_does(server, browser):
    """/documents sorts on the server: Enter must give what a mouse click gives."""
    arrow = "#documents-table th[data-dash-column='doc_number'] .column-header--sort"
    with opened(browser, server.url + "/documents?lang=en", DESKTOP) as page:
        page.locator(arrow).click()
        settle(page, "() => document.querySelector(\"#documents-table "
                     "th[data-dash-column='doc_number']\").getAttribute('aria-sort')"
                     " === 'ascending'")
        by_mouse = page.evaluate(DOCS_JS)
    with opened(browser, server.url + "/documents?lang=en", DESKTOP) as page:
        before = page.evaluate(DOCS_JS)
        assert before != by_mouse  # sorting changes the first page
        tab_to(page, arrow)
        label = page.locator(arrow).get_attribute("aria-label")
        assert label.startswith("Sort by ") and label.endswith(
            t("a11y_sort_none", "en")), label
        page.keyboard.press("Enter")
        wait_for_value(page, DOCS_JS, by_mouse)


def test_every_sort_arrow_on_quality_is_a_named_button(server, browser):
    with opened(browser, server.url + "/quality", DESKTOP) as page:
        arrows = page.evaluate("""() => [...document.querySelectorAll(
            '#quality-table .column-header--sort')].map(b => [b.tabIndex,
            b.getAttribute('role'), b.getAttribute('aria-label'),
            b.closest('th').querySelector('.column-header-name').textContent.trim()])""")
    assert len(arrows) >= 5
    for tab_index, role, label, column in arrows:
        assert (tab_index, role) == (0, "button")
        assert label == t("a11y_sort_by", "zh").format(column=column,
                                                       state=t("a11y_sort_none", "zh"))


# --- 3. map points ---------------------------------------------------------------------------

MAP = "#heritage-map .js-plotly-plot"
RING_JS = """() => {
    // what the ring is seen against: background, land and county tints, the markers
    const fills = (gd) => {
        const out = [gd._fullLayout.paper_bgcolor, gd._fullLayout.geo.bgcolor];
        for (const tr of gd._fullData) {
            if (tr.type === 'choropleth') { tr.colorscale.forEach(([, c]) => out.push(c)); }
            if (tr.meta === 'sites') { out.push(tr.marker.color); }
        }
        return out;
    };
    const ring = document.querySelector('.lyg-map-focus');
    if (!ring || ring.hidden) { return null; }
    const gd = document.querySelector('#heritage-map .js-plotly-plot');
    const key = gd.getAttribute('data-lyg-point');
    const r = ring.getBoundingClientRect(), s = getComputedStyle(ring);
    for (const g of gd.querySelectorAll('g.trace.scattergeo')) {
        const trace = g.__data__[0].trace;
        for (const p of g.querySelectorAll('path.point')) {
            const c = trace.customdata && trace.customdata[p.__data__.i];
            if (c && c[0] === key && trace.meta === 'sites') {
                const b = p.getBoundingClientRect();
                return {key, name: ring.textContent,
                        dx: (r.left + r.width / 2) - (b.left + b.width / 2),
                        dy: (r.top + r.height / 2) - (b.top + b.height / 2),
                        size: r.width, border: s.borderTopColor, halo: s.boxShadow,
                        borderWidth: parseFloat(s.borderTopWidth),
                        fills: fills(gd)};
            }
        }
    }
    return {key, missing: true};
}"""


def _site_order(fig: dict) -> list[list]:
    """The sites on the map in list order (site number), each ``[id, name]`` once."""
    seen = {}
    for trace in fig["data"]:
        if trace["meta"] == "sites":
            for c in trace["customdata"]:
                seen.setdefault(c[0], c)
    return sorted(seen.values(), key=lambda c: heritage._site_key(c[0]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_arrow_keys_reach_a_point_and_enter_opens_it(server, browser, lang):
    query = "?lang=en" if lang == "en" else ""
    with opened(browser, server.url + "/heritage" + query, DESKTOP) as page:
        sites = _site_order(figure(page, "heritage-map"))
        assert len(sites) == 23 and sites[0][0] == "5-1"
        tab_to(page, MAP)
        assert page.locator(MAP).get_attribute("aria-label") == t("a11y_map_points", lang)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        site_id, name = sites[2][0], sites[2][1]
        page.wait_for_function(
            "(k) => document.querySelector('#heritage-map .js-plotly-plot')"
            ".getAttribute('data-lyg-point') === k", arg=site_id, timeout=5_000)
        # announced, with its place in the list
        said = page.locator("#lyg-live").inner_text()
        assert said == t("a11y_map_point", lang).format(name=f"{name} {site_id}", i=3, n=23)
        # ringed where it is drawn, in a colour that stands out from the land (≥ 3:1)
        ring = page.evaluate(RING_JS)
        assert ring and not ring.get("missing"), ring
        assert abs(ring["dx"]) < 1.5 and abs(ring["dy"]) < 1.5, ring
        assert ring["name"] == f"{name} {site_id}"
        assert ring["borderWidth"] >= 2
        # two tones, a dark ring between white halos: whatever lies next to it, one of
        # them stands out by 3:1 (against the land and the light tints the dark one does)
        halos = re.findall(r"rgba?\([^)]*\)", ring["halo"])
        assert len(halos) == 2 and all(contrast(h, "#ffffff") < 1.1 for h in halos), ring
        assert len(set(ring["fills"])) >= 5, ring
        for fill in set(ring["fills"]):
            assert max(contrast(ring["border"], fill), contrast(halos[0], fill)) >= 3, fill
        assert contrast(ring["border"], halos[0]) >= 3
        land = [f for f in ring["fills"] if contrast(f, "#ffffff") < 1.5]
        assert land and all(contrast(ring["border"], f) >= 3 for f in land)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(n) => { const h = document.querySelector('#heritage-detail h3');"
            "         return h && h.textContent.includes(n); }", arg=site_id, timeout=15_000)
        ready(page)
        assert f"site={site_id}" in page.url
        assert page.locator("#heritage-detail h3").inner_text().startswith(name)
        # the focus stays on the map, and the next Enter is a new click on the next point
        assert page.evaluate("document.activeElement.matches('.js-plotly-plot')")
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("Enter")
        page.wait_for_function("(k) => location.search.includes('site=' + k)",
                               arg=sites[1][0], timeout=15_000)
        ready(page)
        assert page.locator("#heritage-detail h3").inner_text().startswith(sites[1][1])


def test_tabbing_back_into_the_map_starts_at_the_chosen_site(server, browser):
    with opened(browser, server.url + "/heritage?site=5-12", DESKTOP) as page:
        sites = _site_order(figure(page, "heritage-map"))
        tab_to(page, MAP)
        assert page.locator(MAP).get_attribute("data-lyg-point") == "5-12"
        page.keyboard.press("End")
        assert page.locator(MAP).get_attribute("data-lyg-point") == sites[-1][0]
        page.keyboard.press("Tab")  # leaves the map: the ring goes
        assert page.evaluate(RING_JS) is None


# --- 4. the era slider -----------------------------------------------------------------------

THUMBS_JS = """() => [...document.querySelectorAll('#heritage-era [role=slider]')].map(
    h => h.getAttribute('aria-valuetext'))"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_era_handles_say_the_years_shown(server, browser, lang):
    query = "?lang=en" if lang == "en" else ""
    with opened(browser, server.url + "/heritage" + query, DESKTOP) as page:
        note = page.locator("#heritage-era-text").inner_text()
        assert note == f"{heritage.year_text(-206, lang)} – {heritage.year_text(1979, lang)}"
        assert page.evaluate(THUMBS_JS) == note.split(" – ")
        assert note.split(" – ")[0] == ("公元前206年" if lang == "zh" else "206 BCE")
        page.locator("#heritage-era [role=slider]").first.focus()
        page.keyboard.press("ArrowRight")
        repaired(page)
        # at once, before the server has answered: the year of the new position
        assert page.evaluate(THUMBS_JS)[0] == heritage.year_text(-205, lang)
        page.wait_for_function("(t) => document.getElementById('heritage-era-text')"
                               ".textContent.startsWith(t)", arg=heritage.year_text(-205, lang),
                               timeout=10_000)
        ready(page)
        repaired(page)
        assert page.evaluate(THUMBS_JS) == page.locator(
            "#heritage-era-text").inner_text().split(" – ")


def test_era_handles_on_a_compressed_scale_say_years_not_positions(server, browser, watcher,
                                                                   tmp_path):
    copy = tmp_path / "datasets"
    copy.mkdir()
    _with_prehistoric_site(data.datasets_dir(), copy)
    second = start_server(tmp_path, copy)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    watcher.attach(page)
    try:
        page.goto(second.url + "/heritage")
        ready(page)
        repaired(page)
        assert page.evaluate(THUMBS_JS) == ["公元前1700000年", "1979年"]
        positions = page.evaluate("""() => [...document.querySelectorAll(
            '#heritage-era [role=slider]')].map(h => h.getAttribute('aria-valuenow'))""")
        assert positions[0] != str(PALAEOLITHIC)  # the position is not the year
        page.locator("#heritage-era [role=slider]").first.focus()
        page.keyboard.press("ArrowRight")
        scale = heritage.EraScale(PALAEOLITHIC, 1979)
        year = scale.year(round(scale.axis(PALAEOLITHIC)) + 1)
        wait_for_value(page, THUMBS_JS, [heritage.year_text(year, "zh"), "1979年"])
        assert page.locator("#heritage-era-text").inner_text().startswith(
            heritage.year_text(year, "zh"))
    finally:
        context.close()
        second.stop()
    assert not watcher.problems, watcher.problems


def test_a_mouse_click_on_the_map_shows_no_keyboard_ring(server, browser):
    """The map is focusable now, so a click focuses it: the ring is for the keyboard only
    (nothing changes for a mouse user)."""
    with opened(browser, server.url + "/heritage", DESKTOP) as page:
        figure(page, "heritage-map")
        page.locator("#heritage-map .scattergeo path.point").first.click(force=True)
        settle(page, "() => location.search.includes('site=')")
        repaired(page)
        assert page.evaluate("document.activeElement.matches('.js-plotly-plot')")
        assert page.evaluate(RING_JS) is None
        assert page.evaluate("document.getElementById('lyg-live')") is None
