"""The partial plotly.js bundle in the browser: every chart page draws its charts with
assets/plotly-dashboard-*.min.js (the plotly.js version of the Python package, only the
trace types the dashboard draws), never downloads the full plotly.min.js, and the toolbar
still speaks Chinese (the zh-CN locale registered from assets/locale-plotly-zh-cn.js)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

from tests.browser.conftest import ready
from tests.browser.test_locale_browser import TOOLBAR_ZH

pytestmark = pytest.mark.browser

TRACES = json.loads((Path(__file__).resolve().parents[2] / "dashboard" / "plotly_bundle"
                     / "traces.json").read_text(encoding="utf-8"))["traces"]

CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
    id: gd.parentElement.id || gd.id,
    svg: !!gd.querySelector('svg.main-svg'),
    types: (gd._fullData || []).map(t => t.type),
    modules: (gd._fullData || []).every(t => !!t._module),
    drawn: gd.querySelectorAll('g.trace, path.choroplethlocation, image').length,
    titles: [...gd.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title')),
}))"""


@pytest.mark.parametrize("path", ["/economy", "/heritage", "/chronicle", "/documents",
                                  "/documents?doc=连政规发〔2014〕7号", "/quality"])
def test_charts_draw_with_the_partial_bundle_and_never_fetch_plotly_min_js(server, page,
                                                                             path):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(server.url + path)  # zh: the page fixture's watcher fails on console errors
    ready(page)
    version = get_plotlyjs_version()
    assert page.evaluate("() => window.Plotly.version") == version
    assert sorted(page.evaluate("() => Object.keys(window.Plotly.PlotSchema.get().traces)")) \
        == sorted(TRACES)
    assert not [url for url in requested if "plotly.min.js" in url]
    assert [url for url in requested if f"/assets/plotly-dashboard-{version}.min.js" in url]

    charts = page.evaluate(CHARTS_JS)
    assert charts, f"no chart on {path}"
    for chart in charts:  # an empty chart (economy's series before a choice) has no trace
        assert chart["svg"] and chart["modules"], chart
        assert set(chart["types"]) <= set(TRACES), chart
        assert chart["drawn"] > 0 or not chart["types"], chart
        assert chart["titles"] and set(chart["titles"]) <= TOOLBAR_ZH, chart
    assert any(chart["drawn"] for chart in charts)
    if path == "/heritage":  # the map: county outlines and the sites on them
        assert page.locator("#heritage-map .scattergeo path.point").count() > 0
        assert page.locator("#heritage-counts path.choroplethlocation").count() > 0
