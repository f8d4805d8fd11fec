"""Filters in the query string: parsed defensively, written back in a stable form."""

from __future__ import annotations

import pytest

from dashboard import urlstate
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)


def test_round_trip_with_chinese_values():
    query = urlstate.build({"category": ["古建筑", "古遗址"], "era_from": -206, "site": None},
                           "en")
    assert query.startswith("?category=%E5%8F%A4")
    params = urlstate.parse(query)
    assert params == {"category": ["古建筑", "古遗址"], "era_from": ["-206"], "lang": ["en"]}
    assert urlstate.lang(params) == "en"


def test_language_defaults_to_chinese_and_ignores_junk():
    assert urlstate.lang(urlstate.parse("")) == "zh"
    assert urlstate.lang(urlstate.parse("?lang=fr")) == "zh"
    assert urlstate.build({}, "zh") == ""


def test_language_switch_keeps_every_filter():
    assert urlstate.with_lang("?county=东海县&lang=zh", "en") == (
        "?county=%E4%B8%9C%E6%B5%B7%E5%8E%BF&lang=en")
    assert urlstate.with_lang("?county=%E4%B8%9C%E6%B5%B7%E5%8E%BF&lang=en", "zh") == (
        "?county=%E4%B8%9C%E6%B5%B7%E5%8E%BF")


def test_untrusted_values():
    assert urlstate.parse("?" + "a=b&" * 2000) == {}
    assert urlstate.known(["x", "古建筑", "古建筑", 3], ["古建筑"]) == ["古建筑"]
    assert urlstate.known(None, ["a"]) == []
    assert urlstate.rendered_lang(["/x", "en"]) == "en"
    assert urlstate.rendered_lang("en") == "zh"


# --- the router and the query on screen ----------------------------------------------------


def _route(search: str, written: str | None, rendered: list | None):
    import json

    from dashboard import probe
    from dashboard.app import app

    body = probe.body(app, "url", {"url.pathname": "/heritage", "url.search": search},
                      changed="url.search",
                      state={"url-written.data": written, "rendered.data": rendered})
    response = app.server.test_client().post(probe.UPDATE_PATH, data=json.dumps(body),
                                             content_type="application/json")
    return response.status_code, (response.get_json() or {}).get("response", {})


@pytest.mark.usefixtures("dashboard_data")
def test_the_router_remembers_the_query_it_rendered():
    """Back to a query a page once wrote (5-1 → 5-2 → 5-1, Back, Back) must render it: the
    router records every query it renders as the one on screen, not only the pages' own."""
    # Back from ?site=5-1 to ?site=5-2 (the page last wrote ?site=5-1): rendered, and noted
    status, answer = _route("?site=5-2", "?site=5-1", ["/heritage", "zh"])
    assert status == 200
    assert answer["url-written"]["data"] == "?site=5-2"
    # Back again to ?site=5-1: on main the store still said ?site=5-1 and nothing rendered
    status, answer = _route("?site=5-1", "?site=5-2", ["/heritage", "zh"])
    assert status == 200 and answer["url-written"]["data"] == "?site=5-1"
    assert "5-1" in str(answer["page"]["children"])
    # the query a page itself just wrote is already on screen: nothing to do
    assert _route("?site=5-1", "?site=5-1", ["/heritage", "zh"])[0] == 204
