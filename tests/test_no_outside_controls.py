"""No control that sends anything outside the server, checked on the rendered layouts of every
page (the browser test, tests/browser/test_a11y_browser.py, checks the drawn toolbars)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dash import dcc

from dashboard import components, maps
from dashboard.components import MODEBAR_KEEP, NO_OUTSIDE, graph_config, localize
from dashboard.pages import PAGES
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

DASHBOARD = Path(components.__file__).parent
# every button plotly.js 4 can put on a 2-D or geo toolbar (plotly.js src/components/modebar)
PLOTLY_BUTTONS = {"toImage", "sendChartToCloud", "editInChartStudio", "sendDataToCloud",
                  "downloadJson", "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d",
                  "zoomOut2d", "autoScale2d", "resetScale2d", "hoverClosestCartesian",
                  "hoverCompareCartesian", "toggleSpikelines", "toggleHover", "resetViews",
                  "zoomInGeo", "zoomOutGeo", "resetGeo", "hoverClosestGeo", "pan"}


def test_the_graph_config_keeps_only_what_helps():
    for config in (None, components.GRAPH_CONFIG, maps.config(),
                   {"showSendToCloud": True, "modeBarButtonsToRemove": []}):
        out = graph_config(config, "zh")
        for key, value in NO_OUTSIDE.items():
            assert out[key] == value
        assert PLOTLY_BUTTONS - set(out["modeBarButtonsToRemove"]) == set(MODEBAR_KEEP)
        assert out["locale"] == "zh-CN"
    assert graph_config(None, "en")["locale"] == "en"


@pytest.mark.parametrize("lang", ("zh", "en"))
@pytest.mark.parametrize("path", list(PAGES))
def test_every_chart_of_every_page_has_the_one_config(dashboard_data, path, lang):  # noqa: F811
    layout = localize(PAGES[path].layout({}, lang), lang)
    graphs = [node for node in layout._traverse() if isinstance(node, dcc.Graph)]
    for node in graphs:
        assert {k: node.config.get(k) for k in NO_OUTSIDE} == NO_OUTSIDE, node.id
        assert node.config["locale"] == ("en" if lang == "en" else "zh-CN")
    hrefs = [getattr(node, "href", None) for node in layout._traverse()]
    assert not [h for h in hrefs if isinstance(h, str) and re.match(r"\w+://", h)]


def test_no_page_builds_a_graph_of_its_own():
    """Every chart goes through components.graph, the one place the config is set."""
    offenders = [path.relative_to(DASHBOARD).as_posix()
                 for path in DASHBOARD.rglob("*.py")
                 if path.name != "components.py" and "dcc.Graph(" in path.read_text()]
    assert offenders == []
