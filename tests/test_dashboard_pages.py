"""Page logic on the real pipeline's output: figures, tables, filters, views, labels."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from dashboard import data, docstatus, urlstate
from dashboard.components import NEGATIVE, POSITIVE, esc
from dashboard.i18n import UI, t
from dashboard.pages import documents, economy, heritage, overview, quality
from etl import dictionary
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("dashboard_data")

# --- economy -------------------------------------------------------------------------------


def test_growth_chart_is_sorted_diverging_and_skips_price_indices():
    frame = data.load("economic_indicators")
    f = economy.from_params(frame, {})
    fig = economy.growth_figure(economy._rows(frame, f), "zh")
    bar = fig.data[0]
    assert list(bar.x) == sorted(bar.x)
    assert (bar.y[-1], bar.x[-1]) == ("进出口总额", 19.6)
    assert (bar.y[0], bar.x[0]) == ("全社会用电量：工业", -12.1)  # a part names its total
    assert list(bar.marker.color) == [NEGATIVE if v < 0 else POSITIVE for v in bar.x]
    assert len(bar.x) == frame["yoy_pct"].notna().sum() == 13
    # units in the hover: the cumulative value with its unit, or 原文未印 when none is printed
    custom = dict(zip(bar.y, (c[0] for c in bar.customdata), strict=True))
    assert custom["进出口总额"] == "799,701 万美元"
    assert custom["规模以上工业增加值"] == "原文未印"


def test_economy_table_and_view_use_dictionary_labels():
    frame = data.load("economic_indicators")
    table, heads = economy.table_frame(frame, "en")
    labels = dictionary.labels("economic_indicators", "en")
    assert dict(heads)["unit"] == labels["unit"] and dict(heads)["value"] == labels["value"]
    assert "  of which: Industrial electricity consumption" in set(table["indicator"])
    view = economy.view({"lang": ["en"]}, "en")
    assert len(view) == len(frame) == 15
    assert view.columns[0] == "Period" and view.iloc[0, 0] == "Jan–Oct 2018"
    assert view[labels["unit"]].tolist() == frame["unit"].tolist()


def test_economy_filters_are_validated():
    frame = data.load("economic_indicators")
    f = economy.filters(frame, "<script>", ["trade_total", "nope", 7])
    assert f == economy.Filters("2018-10", ("trade_total",))
    assert economy.filters(frame, None, "x").indicators == ()
    assert economy.to_query(frame, f, "zh") == "?indicator=trade_total"


# --- documents -----------------------------------------------------------------------------


def _event(number: str, kind: str) -> pd.Series:
    ev = docstatus.events()
    return ev[(ev["doc_number"] == number) & (ev["event"] == kind)].iloc[0]


def test_lifecycle_of_the_2014_audit_measures():
    number = "连政规发〔2014〕7号"
    amended, repealed = _event(number, "amended"), _event(number, "repealed")
    assert amended["date"] == pd.Timestamp("2018-11-04")
    assert amended["by_doc"] == "连政发〔2018〕137号"
    assert repealed["date"] == pd.Timestamp("2023-01-01")
    assert repealed["by_doc"] == "连政规发〔2022〕4号"
    before = docstatus.status(number, date(2022, 12, 31))
    assert before.status == "in_force"
    lines = docstatus.reasons(before, "zh")
    assert (f"2018-11-04 经连政发〔2018〕137号修改（来源 {amended['source_issue']}:"
            f"{amended['source_line']}）") in lines
    assert (f"将于 2023-01-01 由连政规发〔2022〕4号废止（来源 {repealed['source_issue']}:"
            f"{repealed['source_line']}）") in lines
    after = docstatus.status(number, date(2023, 1, 1))
    assert after.status == "repealed"
    assert any(line.startswith("2023-01-01 由连政规发〔2022〕4号废止") for line in
               docstatus.reasons(after, "zh"))
    assert docstatus.short_texts(pd.Series([number]), date(2022, 12, 31), "zh") == [
        "有效；2018-11-04修改；2023-01-01起废止"]


def test_document_lookup_accepts_printed_forms_and_rejects_the_rest():
    assert docstatus.find("连政规发(2014)7号") == "连政规发〔2014〕7号"
    assert docstatus.find("连政规发〔2099〕1号") is None
    assert docstatus.find("../../etc/passwd") is None
    assert docstatus.find("   ") is None
    docs = data.load("normative_documents")
    numberless = docs[docs["doc_number"].isna()].iloc[0]
    key = f"{numberless['list_status']}-{numberless['seq']}"
    assert docstatus.find(key) == key and docstatus.number_of(key) is None
    assert docstatus.registry_row(key)["title"] == numberless["title"]


def test_document_filters_search_and_counts():
    docs = documents._docs()
    assert docs["list_status"].value_counts().to_dict() == {"retained": 138, "repealed": 44}
    assert list(docs["list_status"][:138].unique()) == ["retained"]  # in force first
    assert int(docs["needs_revision"].sum()) == 21
    f = documents.filters(docs, ["repealed", "bogus"], ["nobody"], "  审计  ", "2023-01-01",
                          "连政规发〔2014〕7号")
    assert f.lists == ("repealed",) and f.agencies == () and f.query == "审计"
    assert f.on == date(2023, 1, 1) and f.doc == "连政规发〔2014〕7号"
    assert documents.filters(docs, [], [], None, "2023-13-45", "x").on is None
    found = documents.selected(docs, documents.Filters(query="连政规发〔2014〕7号"))
    assert found["title"].tolist() == ["连云港市政府投资项目审计监督办法"]
    view = documents.view(urlstate.parse("?q=连政规发〔2014〕7号&on=2023-01-01"), "zh")
    assert view.to_dict("records") == [{
        "文件名称": "连云港市政府投资项目审计监督办法", "文号": "连政规发〔2014〕7号",
        "实施主体": found["implementing_agency"].iloc[0], "清理结果": "保留",
        "状态": "已废止；2018-11-04修改"}]


def test_status_summary_counts_every_listed_document():
    docs = documents._docs()
    codes = docstatus.status_codes(docs["doc_number"], date(2019, 1, 1))
    counts = pd.Series(codes, dtype="object").value_counts(dropna=False)
    assert counts.sum() == len(docs) == 182
    # every document on the repealed list is repealed; the one without a number has no status
    repealed_numbered = docs[(docs["list_status"] == "repealed") & docs["doc_number"].notna()]
    assert set(docstatus.status_codes(repealed_numbered["doc_number"], date(2019, 1, 1))) == {
        "repealed"}


def test_overview_cards():
    cards = {c.key: c for c in overview.cards("zh", today=date(2024, 1, 1))}
    docs = cards["card_documents"]
    assert docs.headline == "182 件"
    lines = dict(docs.lines)
    assert {k: lines[k] for k in ("保留", "废止", "标注需修改", "2018-11-23清理后废止")} == {
        "保留": "138", "废止": "44", "标注需修改": "21", "2018-11-23清理后废止": "1"}
    # on 2024-01-01: the retained documents less 连政规发〔2014〕7号, repealed 2023-01-01
    codes = docstatus.status_codes(data.load("normative_documents")["doc_number"],
                                   date(2024, 1, 1))
    assert lines["2024-01-01有效"] == str(sum(c.startswith("in_force") for c in codes if c))
    assert cards["card_economy"].headline == "2018年1-10月"
    assert cards["card_issues"].headline == "2 期"
    view = overview.view({}, "en")
    assert set(view.columns) == {"Card", "Item", "Value"}


# --- quality -------------------------------------------------------------------------------


def test_every_flag_of_every_dataset_is_listed_with_its_source():
    flags = quality.flags_frame("zh")
    expected = 0
    for name in data.available():
        frame = data.load(name)
        if "quality_flags" in frame.columns:
            expected += sum(len(set(v.split(";"))) for v in frame["quality_flags"].dropna())
    assert len(flags) == expected
    assert flags["source_line"].notna().all()
    gap = flags[flags["flag"] == "seq_gap_before"].iloc[0]
    assert gap["explanation"] == dictionary.all_flags()["seq_gap_before"].zh
    assert quality.selected(flags, quality.filters(flags, "nope", "seq_gap_before")).shape[0] == 1


# --- labels and safety ---------------------------------------------------------------------


def test_every_ui_string_has_both_languages():
    for key, (zh, en) in UI.items():
        assert zh and en, key
    assert t("nav_heritage", "en") == "Heritage sites"


def test_every_coded_value_the_dictionary_declares_has_a_label():
    for dataset, column, kind in [("normative_documents", "list_status", "list_status"),
                                  ("document_events", "event", "event"),
                                  ("economic_indicators", "measure", "measure"),
                                  ("document_citations", "level", "level"),
                                  ("document_citations", "context", "context"),
                                  ("document_amendments", "action", "action"),
                                  ("document_amendments", "validity_effect",
                                   "validity_effect")]:
        enum = dictionary.dataset(dataset).column(column).enum
        labelled = {v.code for v in dictionary.value_lists()[kind]}
        assert set(enum) <= labelled, (dataset, column)


@pytest.mark.parametrize("text", ["<b>x</b>", "<a href='javascript:alert(1)'>y</a>",
                                  "[x](javascript:alert(1))"])
def test_text_for_plotly_is_escaped(text):
    assert not set(esc(text)) & set("<>[]")
    assert esc("连政规发〔2014〕7号 <b>") == "连政规发〔2014〕7号 &lt;b&gt;"


# --- heritage ------------------------------------------------------------------------------


def test_every_site_gets_a_distinct_point_inside_the_city():
    from shapely.geometry import Point, shape

    sites = heritage._sites()
    drawn = heritage.map_points(sites)
    assert len(drawn) == len(sites) == 23
    assert len(set(zip(drawn["x"], drawn["y"], strict=True))) == 23  # none hidden under another
    outlines = {f["properties"]["county"]: shape(f["geometry"])
                for f in data.counties_geojson()["features"]}
    for _, row in drawn.iterrows():
        point = Point(row["x"], row["y"])
        if pd.notna(row["county"]):
            assert outlines[row["county"]].contains(point), row["site_id"]
        else:  # 5-23: mountains with no county printed and no point of its own
            assert not row["located"] and any(o.contains(point) for o in outlines.values())
    unlocated = drawn[~drawn["located"]]
    assert unlocated["site_id"].tolist() == ["5-23"]


def test_heritage_filters():
    sites = heritage._sites()
    f = heritage.filters(sites, ["古建筑", "<b>"], "东海县", ["x", 5], "5-99")
    assert f == heritage.Filters(("古建筑",), ("东海县",), None, None)
    f = heritage.filters(sites, [], [], ["1900", "99999"], "5-23")
    assert f.era == (1900, int(sites["era_end_year"].max())) and f.site == "5-23"
    modern = heritage.selected(sites, f)
    assert set(modern["site_id"]) == set(sites.loc[sites["era_end_year"] >= 1900, "site_id"])
    assert heritage.filters(sites, [], [], [-99999, 99999], None).era is None
    assert heritage.to_query(f, "zh") == "?era_from=1900&era_to=1979&site=5-23"
    counts = heritage.counts_figure(heritage.selected(sites, heritage.Filters()), "zh")
    # 5-23 names no county, so the choropleth counts the other 22
    assert sum(counts.data[0].z) == sites["county"].notna().sum() == 22


def test_era_text_and_timeline():
    sites = heritage._sites().set_index("site_id", drop=False)
    assert heritage.era_text(sites.loc["5-1"], "zh") == "汉（公元前206年 – 220年）"
    assert heritage.era_text(sites.loc["5-1"], "en") == "汉 (206 BCE – 220 CE)"
    assert heritage.era_text(sites.loc["5-17"], "zh") == "20世纪30年代（1930年 – 1939年）"
    fig = heritage.timeline_figure(sites.reset_index(drop=True), sites.reset_index(drop=True),
                                   "zh")
    bars = {y: (b, x) for t in fig.data if t.type == "bar"
            for y, b, x in zip(t.y, t.base, t.x, strict=True)}
    assert bars["5-9 牛首山石刻"] == (25, 196)  # 东汉 25…220, both years included
    assert len(bars) == 23


def test_site_detail_lists_its_places():
    sites = heritage._sites()
    parts = heritage.detail(sites, "5-10", "zh")
    text = json.dumps([p.to_plotly_json() for p in parts], ensure_ascii=False, default=str)
    assert "东磊石刻群" in text and "东磊村" in text and "渔湾村" in text
    assert heritage.detail(sites, None, "zh")[0].children == t("heritage_pick", "zh")
