"""Chinese throughout in zh mode, English throughout in en mode: the chart toolbar (plotly.js
in the zh-CN locale, served from this server), dropdown texts, the calendar, the table's
page buttons and the data dictionary's column descriptions."""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import t
from etl import dictionary
from tests.browser.conftest import DESKTOP
from tests.browser.test_a11y_browser import opened, with_lang

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
TOOLBAR_EN = {"Download plot as a PNG", "Zoom in", "Zoom out", "Reset axes", "Reset"}
TOOLBAR_ZH = {"下载图表（PNG 图片）", "放大", "缩小", "重置坐标轴", "重置"}


@pytest.mark.parametrize("lang", ("zh", "en"))
@pytest.mark.parametrize("path", ["/economy", "/heritage", "/documents", "/chronicle",
                                  "/quality", "/documents?doc=连政规发〔2014〕7号"])
def test_chart_toolbar_speaks_the_page_language(server, browser, path, lang):
    with opened(browser, server.url + with_lang(path, lang), DESKTOP) as page:
        titles = set(page.evaluate(
            "() => [...document.querySelectorAll('.modebar-btn')]"
            ".map(b => b.getAttribute('data-title'))"))
        locales = set(page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".map(gd => gd._context.locale)"))
    assert titles <= (TOOLBAR_ZH if lang == "zh" else TOOLBAR_EN), titles
    assert locales == {"zh-CN" if lang == "zh" else "en"}


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_dropdown_texts_speak_the_page_language(server, browser, lang):
    with opened(browser, server.url + with_lang("/heritage", lang), DESKTOP) as page:
        page.click("#heritage-category")
        page.wait_for_selector(".dash-dropdown-action-button", timeout=10_000)
        actions = page.locator(".dash-dropdown-action-button").all_inner_texts()
        search = page.locator(".dash-dropdown-search").get_attribute("placeholder")
    assert t("dd_select_all", lang) in actions
    assert search == t("dd_search", lang)
    if lang == "zh":
        assert not any("Select" in a for a in actions)


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_calendar_speaks_the_page_language(server, browser, lang):
    """A Chinese browser (the context's locale is zh-CN) sees an English calendar on the
    English page and a Chinese one on the Chinese page."""
    with opened(browser, server.url + with_lang("/documents", lang), DESKTOP) as page:
        page.click("#documents-on")
        page.wait_for_selector(".dash-datepicker-calendar", timeout=10_000)
        month = page.locator(".dash-datepicker-controls .dash-dropdown-value").inner_text()
        days = page.locator(".dash-datepicker-calendar th").all_inner_texts()
        placeholder = page.get_attribute("#documents-on", "placeholder")
        arrows = page.evaluate("() => [...document.querySelectorAll('[aria-label]')]"
                               ".map(e => e.getAttribute('aria-label'))")
    assert placeholder == t("pick_date", lang)
    if lang == "zh":
        assert re.fullmatch(r"\d{1,2}月", month.strip()), month
        assert days[:7] == ["一", "二", "三", "四", "五", "六", "日"], days
        assert t("a11y_previous_month", "zh") in arrows
        assert "Previous month" not in arrows
    else:
        assert re.fullmatch(r"[A-Z][a-z]+", month.strip()), month
        assert days[:7] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"], days
        assert "Previous month" in arrows


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_table_page_buttons_are_named_in_the_page_language(server, browser, lang):
    with opened(browser, server.url + with_lang("/quality", lang), DESKTOP) as page:
        names = page.evaluate("() => [...document.querySelectorAll('#quality-table "
                              ".previous-next-container button')]"
                              ".map(b => b.getAttribute('aria-label'))")
    assert names == [t(f"a11y_{k}_page", lang) for k in ("first", "previous", "next", "last")]


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_dictionary_descriptions_in_the_page_language(server, browser, lang):
    spec = dictionary.dataset("heritage_sites")
    with opened(browser, server.url + with_lang("/dictionary", lang), DESKTOP) as page:
        cells = page.locator("#dict-heritage_sites td[data-dash-column='description']")
        shown = cells.all_inner_texts()
    expected = [c.describe(lang) for c in spec.columns][:len(shown)]
    assert shown == expected
    if lang == "zh":
        assert all(CJK.search(text) for text in shown)
        assert shown != [c.description for c in spec.columns][:len(shown)]
