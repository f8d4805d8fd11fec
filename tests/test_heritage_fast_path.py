"""The heritage filter callback answers from per-site values made once per data version
(issue 13: ~80 pandas selections and copies per request cost 17 ms for 23 sites). The
answer must be exactly what the pandas builders give: every figure, table row and text,
for any filters, in both languages."""

from __future__ import annotations

import itertools
import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard import data
from dashboard.pages import heritage
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("dashboard_data")


def sent(answer: tuple) -> list:
    """What the browser receives (Dash writes outputs with plotly's encoder)."""
    return json.loads(json.dumps(list(answer), cls=PlotlyJSONEncoder))


def cases() -> list[heritage.Filters]:
    sites = heritage._sites()
    cats = heritage.categories(sites)
    counties = heritage.county_options(sites)
    eras = [None, (-206, 220), (25, 220), (1368, 1979), (1900, 1979), (600, 600),
            (-100, -50)]
    # 5-10 lies on two places, 5-23 has no point and no county, 5-1 is in 东海县
    picks = [None, "5-1", "5-10", "5-23"]
    out = []
    for n, (cat, county, era) in enumerate(itertools.product(
            [(), *[(c,) for c in cats], tuple(cats[:2])],
            [(), (counties[0],), tuple(counties[1:3]), ("海州区",)], eras)):
        out.append(heritage.Filters(cat, county, era, picks[n % len(picks)]))
    return out


def test_the_fast_answer_is_the_pandas_answer():
    sites = heritage._sites()
    filters = cases()
    assert len(filters) > 150
    for n, f in enumerate(filters):
        lang = ("zh", "en")[n % 2]
        fast = heritage.answer(f, lang)
        assert fast is not None
        assert sent(fast) == sent(heritage._reference_answer(sites, f, lang)), (f, lang)


def test_the_answer_holds_the_real_sites():
    f = heritage.Filters((), ("东海县",), None, "5-10")  # 5-10 lies on two places in 海州区
    table, figure, counts, timeline, _, count, map_text, _, _ = sent(
        heritage.answer(f, "zh"))
    assert [r["id"] for r in table] == ["5-1", "5-8", "5-14"]
    assert all(r["county"] == "东海县" for r in table)
    assert count == "3 / 23 处"
    places = [tr for tr in figure["data"] if tr.get("meta") == "places"]
    assert len(places) == 1 and len(places[0]["text"]) == 2
    ring = [tr for tr in figure["data"] if tr.get("meta") == "selected"]
    assert ring[0]["customdata"][0][0] == "5-10"
    z = dict(zip(counts["data"][0]["locations"], counts["data"][0]["z"], strict=True))
    assert z["东海县"] == 3 and sum(z.values()) == 3
    bars = [y for tr in timeline["data"] if tr["type"] == "bar" for y in tr["y"]]
    assert sorted(y.split()[0] for y in bars) == ["5-1", "5-14", "5-8"]
    assert map_text.startswith(heritage.t("summary_map", "zh").split("{")[0])


def test_the_prepared_values_follow_the_data(published):  # noqa: F811
    """A data reload (a new publication) forgets the per-site values."""
    first = heritage._prepared()
    assert first is not None and len(first.ids) == 23
    assert heritage._texts("en") is heritage._texts("en")
    data.reset()
    assert heritage._prepared() is not first
