"""The heritage figures the page sends are built as plain JSON (issue 13: plotly's
validation was most of a filter request's time). What the browser gets must be what plotly
itself writes for the same figure: the default template, numbers as typed arrays, the
expanded colour scale, the shared GeoJSON."""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.io as pio
import pytest

from dashboard import data, maps
from dashboard.pages import heritage
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("dashboard_data")

CASES = [
    ((), (), None, None, "zh"),
    (("古建筑",), (), None, None, "en"),
    ((), ("东海县", "灌云县"), None, "5-1", "zh"),  # zoomed to two counties, a site ringed
    ((), (), (1900, 1979), "5-23", "en"),  # a site with no point: in the city's middle
    ((), ("海州区",), None, "5-10", "zh"),  # a site on two located places
]


def plotly_json(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=True))


def sent_json(figure: dict) -> dict:
    return json.loads(pio.to_json(figure, validate=False))


@pytest.mark.parametrize(("categories", "counties", "era", "site", "lang"), CASES)
def test_the_json_is_what_plotly_writes(categories, counties, era, site, lang):
    sites = heritage._sites()
    f = heritage.Filters(categories, counties, era, site)
    rows = heritage.selected(sites, f)
    pairs = [(heritage.map_json(sites, rows, f, lang), heritage.map_figure(sites, rows, f, lang)),
             (heritage.counts_json(rows, lang), heritage.counts_figure(rows, lang)),
             (heritage.timeline_json(sites, rows, lang),
              heritage.timeline_figure(sites, rows, lang))]
    for sent, fig in pairs:
        assert sent_json(sent) == plotly_json(fig)


def test_the_map_json_holds_the_real_sites():
    sites = heritage._sites()
    f = heritage.Filters((), ("东海县",), None, "5-10")  # on two places in 海州区
    rows = heritage.selected(sites, f)
    fig = sent_json(heritage.map_json(sites, rows, f, "zh"))
    layout = fig["layout"]
    assert layout["template"] == maps.template() and layout["uirevision"] == "map:东海县"
    assert layout["geo"]["fitbounds"] is False and layout["geo"]["lonaxis"]["range"][0] < 118.8
    outlines = fig["data"][0]
    assert outlines["geojson"] == data.counties_geojson()
    assert outlines["z"] == [1 if c == "东海县" else 0 for c in data.county_names()]
    drawn = [t for t in fig["data"] if t.get("meta") == "sites"]
    ids = [row[0] for t in drawn for row in t["customdata"]]
    assert sorted(ids) == sorted(rows["site_id"])
    # coordinates as plotly.js typed arrays (float64), the positions the map computes
    points = heritage.map_points(sites).set_index("site_id")
    first = drawn[0]
    assert first["lon"]["dtype"] == "f8"
    lon = np.frombuffer(base64.b64decode(first["lon"]["bdata"]), dtype="<f8")
    assert lon.tolist() == [points.at[row[0], "x"] for row in first["customdata"]]
    places = next(t for t in fig["data"] if t.get("meta") == "places")
    assert places["text"] == ["云台山景区云台街道东磊村", "云台山景区云台街道渔湾村"]
    assert len(np.frombuffer(base64.b64decode(places["lat"]["bdata"]), dtype="<f8")) == 2


def test_counts_use_the_expanded_blues_scale():
    sites = heritage._sites()
    counts = sent_json(heritage.counts_json(heritage.selected(sites, heritage.Filters()), "zh"))
    scale = counts["data"][0]["colorscale"]
    assert scale[0] == [0.0, "rgb(247,251,255)"] and scale[-1] == [1.0, "rgb(8,48,107)"]
    assert sum(counts["data"][0]["z"]) == sites["county"].notna().sum() == 22
