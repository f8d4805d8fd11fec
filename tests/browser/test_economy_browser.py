"""/economy in headless Chromium at 1440×900 and 390×844: the growth chart keeps its width in
English (wrapped names, height from the labels' lines), nothing clipped on a phone, units
and the source line in the reader's language, and a text summary computed from the data."""

from __future__ import annotations

import re

import pytest

from dashboard import data
from etl import dictionary
from tests.browser.conftest import figure, ready

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def sized(browser, watcher, request):
    """A page at the viewport named by the test's parameter (desktop or phone)."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN")
    opened = context.new_page()
    watcher.attach(opened)
    yield opened
    context.close()
    assert not watcher.problems, "\n".join(watcher.problems)


_BOX_JS = """(id) => {
    const root = document.querySelector('#' + id);
    const gd = root.querySelector('.js-plotly-plot');
    const svg = root.querySelector('.main-svg').getBoundingClientRect();
    const size = gd._fullLayout._size;
    const ticks = [...root.querySelectorAll('.ytick text, .xtick text')]
        .map(el => el.getBoundingClientRect()).filter(r => r.width > 0);
    const rotated = [...root.querySelectorAll('.xtick text')]
        .some(el => /rotate\\((?!0)/.test(el.getAttribute('transform') || ''));
    return {plot: size.w, width: gd._fullLayout.width, svgLeft: svg.left,
            svgRight: svg.right, svgWidth: svg.width,
            tickLeft: Math.min(...ticks.map(r => r.left)),
            tickRight: Math.max(...ticks.map(r => r.right)), rotated};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("sized", ["desktop", "phone"], indirect=True)
def test_growth_chart_keeps_its_width_and_nothing_is_clipped(server, sized, lang):
    page = sized
    page.goto(server.url + "/economy?lang=" + lang)
    ready(page)
    figure(page, "economy-growth")
    box = page.evaluate(_BOX_JS, "economy-growth")
    # the bars get at least a third of the chart (English names took all but ~40 px)
    assert box["plot"] >= box["width"] / 3, box
    assert box["svgWidth"] <= page.viewport_size["width"]
    assert box["tickLeft"] >= box["svgLeft"] - 1, box  # no indicator name cut off
    assert box["tickRight"] <= box["svgRight"] + 1, box
    assert not box["rotated"], box  # the % ticks stay upright


def test_units_and_source_in_english(server, page):
    frame = data.load("economic_indicators")
    page.goto(server.url + "/economy?lang=en")
    ready(page)
    intro = page.locator("#page .intro").inner_text()
    assert intro.startswith("Source: ") and not CJK.search(intro), intro
    units = page.locator("#economy-table td[data-dash-column='unit']").all_inner_texts()
    assert len(units) == len(frame) == 15
    assert not any(CJK.search(u) for u in units), units
    fig = figure(page, "economy-growth")
    hover = [c[0] for c in fig["data"][0]["customdata"]]
    assert not any(CJK.search(h) for h in hover), hover
    trade = frame[frame["indicator_id"] == "trade_total"].iloc[0]
    label = dictionary.value_label("unit", trade["unit"], "en")
    assert f"799,701 ({label})" in hover


def test_units_stay_chinese_in_chinese(server, page):
    page.goto(server.url + "/economy")
    ready(page)
    units = page.locator("#economy-table td[data-dash-column='unit']").all_inner_texts()
    assert "亿元" in units and "万美元" in units
    assert page.locator("#page .intro").inner_text() == "来源：市统计局"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_growth_chart_has_a_text_summary_from_the_data(server, page, lang):
    frame = data.load("economic_indicators")
    rows = frame[frame["period_kind"] != "month"]
    growth = rows[rows["yoy_pct"].notna()]
    up, down = growth[growth["yoy_pct"] > 0], growth[growth["yoy_pct"] < 0]
    assert (len(growth), len(up), len(down)) == (13, 10, 3)
    page.goto(server.url + "/economy?lang=" + lang)
    ready(page)
    text = page.locator("#economy-growth-summary").inner_text()
    if lang == "zh":
        assert text == ("13项指标中10项比上年同期增长，增幅最大为进出口总额（+19.6%）。"
                        "3项下降，降幅最大为全社会用电量：工业（-12.1%）。")
    else:
        assert text.startswith("Of 13 indicators, 10 grew year on year, most of all Total "
                               "imports and exports (+19.6%). 3 declined")
