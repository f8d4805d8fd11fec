"""The economy, chronicle and quality figures are sent as plain JSON (issue 13: plotly's
validation was most of a page open's time). What the browser gets must be what plotly itself
writes for the ``go.Figure`` the page used to send, for the real data: the builders are
compared with plotly's output, and the router's answer for each page, language and a few
query states carries exactly those figures."""

from __future__ import annotations

import json

import plotly.io as pio
import pytest

from dashboard import data, probe
from dashboard.pages import chronicle, economy, quality
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("dashboard_data")

LANGS = ("zh", "en")


def plotly_json(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=True))


def sent_json(figure: dict) -> dict:
    return json.loads(pio.to_json(figure, validate=False))


# --- the builders against plotly ---------------------------------------------------------


ECONOMY = [(), ("trade_total", "fixed_asset_investment"), ("general_budget_revenue",)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("indicators", ECONOMY)
def test_economy_json_is_what_plotly_writes(indicators, lang):
    frame = economy._frame()
    f = economy.filters(frame, None, list(indicators))
    rows = economy._rows(frame, f)
    assert (rows["yoy_pct"] < 0).any() and (rows["yoy_pct"] > 0).any()  # both colours drawn
    assert sent_json(economy.growth_json(rows, lang)) == plotly_json(
        economy.growth_figure(rows, lang))
    assert sent_json(economy.series_json(frame, f, lang)) == plotly_json(
        economy.series_figure(frame, f, lang))


CHRONICLE = [("", ()), ("", ("方伟",)), ("市", ()), ("no such words at all", ())]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("query", "officials"), CHRONICLE)
def test_chronicle_json_is_what_plotly_writes(query, officials, lang):
    entries = chronicle._entries()
    rows = chronicle.selected(entries, chronicle.filters(entries, query, list(officials)))
    sent = sent_json(chronicle.timeline_json(rows, lang))
    assert sent == plotly_json(chronicle.timeline_figure(rows, lang))
    if query == "no such words at all":
        assert sent["data"] == [] and sent["layout"]["annotations"]
    else:
        assert sent["data"][0]["type"] == "heatmap" and sum(map(sum, sent["data"][0]["z"])) \
            == rows[["name", "year_month"]].notna().all(axis=1).sum()


QUALITY = [(None, None, ""), ("economic_indicators", None, ""), (None, "value_missing", ""),
           ("normative_documents", None, "2020"), (None, None, "no such words at all")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("dataset", "flag", "query"), QUALITY)
def test_quality_json_is_what_plotly_writes(dataset, flag, query, lang):
    flags = quality.flags_frame(lang)
    rows = quality.selected(flags, quality.filters(flags, dataset, flag, query))
    sent = sent_json(quality.chart_json(rows, lang))
    assert sent == plotly_json(quality.chart(rows, lang))
    assert all("bdata" in bar["x"] for bar in sent["data"])  # counts as typed arrays


# --- the router sends those figures ------------------------------------------------------


def _figures(tree, out: dict) -> dict:
    """Every dcc.Graph's figure in a rendered layout, by id."""
    if isinstance(tree, dict):
        props = tree.get("props")
        if tree.get("type") == "Graph" and isinstance(props, dict):
            out[props["id"]] = props.get("figure")
        for value in tree.values():
            _figures(value, out)
    elif isinstance(tree, list):
        for value in tree:
            _figures(value, out)
    return out


def _render(path: str, search: str) -> dict:
    from dashboard.app import app

    body = probe.body(app, "url", {"url.pathname": path, "url.search": search})
    response = app.server.test_client().post(probe.UPDATE_PATH, data=json.dumps(body),
                                             content_type="application/json")
    assert response.status_code == 200
    return _figures(json.loads(response.get_data())["response"], {})


def _expected(path: str, params: dict, lang: str) -> dict:
    """The figures as the pages drew them before (go.Figure), through plotly's writer."""
    if path == "/economy":
        frame = economy._frame()
        f = economy.from_params(frame, params)
        return {"economy-growth": plotly_json(economy.growth_figure(economy._rows(frame, f),
                                                                    lang)),
                "economy-series": plotly_json(economy.series_figure(frame, f, lang))}
    if path == "/chronicle":
        entries = chronicle._entries()
        rows = chronicle.selected(entries, chronicle.from_params(entries, params))
        return {"chronicle-timeline": plotly_json(chronicle.timeline_figure(rows, lang))}
    flags = quality.flags_frame(lang)
    rows = quality.selected(flags, quality.from_params(flags, params))
    return {"quality-chart": plotly_json(quality.chart(rows, lang))}


PAGES = [("/economy", {}), ("/economy", {"indicator": ["trade_total", "port_throughput"]}),
         ("/chronicle", {}), ("/chronicle", {"official": ["方伟"], "q": ["市"]}),
         ("/quality", {}), ("/quality", {"dataset": ["economic_indicators"],
                                         "flag": ["value_missing"]}),
         ("/quality", {"q": ["2020"]})]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("path", "params"), PAGES)
def test_the_router_sends_what_plotly_writes(path, params, lang):
    from urllib.parse import urlencode

    search = "?" + urlencode([("lang", lang)] + [(k, v) for k, vs in params.items()
                                                 for v in vs])
    sent = _render(path, search)
    expected = _expected(path, params, lang)
    assert {k: sent[k] for k in expected} == expected
    # opened again (the figure now remembered): the same answer
    assert {k: v for k, v in _render(path, search).items() if k in expected} == expected


def test_remembered_figures_are_dropped_with_the_data():
    entries = chronicle._entries()
    chronicle._timeline(chronicle.Filters(), "zh")
    assert chronicle._timeline.cache_info().currsize >= 1
    data.reset()
    assert chronicle._timeline.cache_info().currsize == 0
    assert chronicle._entries() is not entries  # read again from the files


@pytest.mark.parametrize("lang", LANGS)
def test_documents_lifecycle_json_is_what_plotly_writes(lang):
    from datetime import date

    from dashboard import docstatus
    from dashboard.pages import documents

    events = data.load(docstatus.EVENTS)
    numbers = events["doc_number"].value_counts().index[:12].tolist()
    assert "连政规发〔2014〕7号" in numbers
    for number in numbers:
        ev = docstatus.events_for(number)
        for on in (date(2023, 1, 1), date(2016, 5, 31)):
            sent = sent_json(documents.lifecycle_json(ev, on, lang))
            assert sent == plotly_json(documents.lifecycle_figure(ev, on, lang)), number
    ev = docstatus.events_for("连政规发〔2014〕7号")
    sent = sent_json(documents.lifecycle_json(ev, date(2023, 1, 1), lang))
    assert sent["data"][0]["x"][0] == "2014-12-20T00:00:00"
    assert sent["layout"]["xaxis"]["range"] == ["2013-12-19T00:00:00", "2024-01-02T00:00:00"]


@pytest.mark.parametrize("lang", LANGS)
def test_chronicle_table_names_officials_as_before(lang):
    entries = chronicle._entries()
    table, _ = chronicle.table_frame(entries, lang)
    assert list(table["official"]) == [chronicle.official_label(r, lang)
                                       for _, r in entries.iterrows()]
    assert (table["official"] != "").sum() == entries["name"].notna().sum()
