"""The dashboard in headless Chromium, on the real published datasets.

Every page must open with no console error, no failed request and no request leaving
127.0.0.1 (the ``page`` fixture's watcher checks that after each test).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data
from dashboard.pages import PAGES
from etl import dictionary
from etl.publish import parquet_bytes
from tests.browser.conftest import choose, figure, ready, settle, start_server

pytestmark = pytest.mark.browser


def dataset(name: str) -> pd.DataFrame | None:
    return data.load(name)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_clean(server, page, path):
    page.goto(server.url + path)
    ready(page)
    assert page.locator("#page h1").first.is_visible()
    assert page.locator("#nav-overview").is_visible()
    assert page.locator(".download-bar button").count() == 3


def test_unknown_page_and_hostile_query_do_not_break(server, page):
    page.goto(server.url + "/economy?period=<script>&indicator=x&lang=xx")
    ready(page)
    assert page.locator("#economy-growth").is_visible()
    page.goto(server.url + "/nope")
    ready(page)
    assert page.locator("#page h1").inner_text() == "页面不存在"


def test_language_switch_keeps_filters_and_changes_every_label(server, page):
    page.goto(server.url + "/quality?flag=unit_inherited")
    ready(page)
    assert page.locator("#nav-quality").inner_text() == "数据质量"
    page.click("#lang-switch")
    settle(page, "() => location.search.includes('lang=en')")
    assert "flag=unit_inherited" in page.url
    assert page.locator("#nav-quality").inner_text() == "Data quality"
    assert page.locator("#page h1").inner_text() == "Data quality"
    assert page.evaluate("document.documentElement.lang") == "en"
    headers = page.locator("#quality-table th").all_inner_texts()
    assert dictionary.labels("economic_indicators", "en")["source_line"] in headers
    assert page.locator("#quality-count").inner_text().endswith("rows")
    page.click("#lang-switch")
    settle(page, "() => !location.search.includes('lang=en')")
    assert page.locator("#page h1").inner_text() == "数据质量"


def test_economy_in_english(server, page):
    page.goto(server.url + "/economy?lang=en")
    ready(page)
    frame = dataset("economic_indicators")
    fig = figure(page, "economy-growth")
    assert set(fig["data"][0]["y"]) <= {str(n) for n in frame["indicator_en"]} | {
        f"{p}: {c}" for p in frame["indicator_en"] for c in frame["indicator_en"]}
    headers = page.locator("#economy-table th").all_inner_texts()
    for column in ("value", "unit", "yoy_pct"):
        assert dictionary.labels("economic_indicators", "en")[column] in headers
    assert not any("指标" in h for h in headers)


def test_download_csv_has_the_rows_on_screen(server, page):
    page.goto(server.url + "/quality?flag=unit_inherited")
    ready(page)
    shown = int(page.locator("#quality-count").inner_text().split()[0])
    frame = dataset("economic_indicators")
    inherited = frame["quality_flags"].fillna("").str.contains("unit_inherited").sum()
    assert shown == inherited == 5
    with page.expect_download() as info:
        page.click("#page button:has-text('当前视图 CSV')")
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == shown
    assert {r["标记代码"] for r in rows} == {"unit_inherited"}
    assert {int(r["来源行号"]) for r in rows} == set(
        frame.loc[frame["quality_flags"].fillna("").str.contains("unit_inherited"),
                  "source_line"])


def test_download_xlsx_and_full_workbook(server, page):
    page.goto(server.url + "/economy")
    ready(page)
    with page.expect_download() as info:
        page.click("#page button:has-text('当前视图 Excel')")
    from openpyxl import load_workbook

    assert info.value.suggested_filename == "经济指标_2022-11-15.xlsx"
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    values = list(sheet.values)
    frame = dataset("economic_indicators")
    assert len(values) - 1 == len(frame)
    assert values[1][1] == frame["indicator_zh"][0]
    with page.expect_download() as info:
        page.click("#page button:has-text('完整工作簿')")
    assert info.value.suggested_filename == data.workbook_path().name
    assert Path(info.value.path()).read_bytes() == data.workbook_path().read_bytes()


def _with_second_period(source: Path, dest: Path) -> pd.DataFrame:
    """A copy of the published datasets with one more reporting period (2018年1-11月)."""
    for item in source.iterdir():
        if item.name.startswith("."):
            continue
        if item.is_dir():
            if item.name in ("geo", "raw"):
                (dest / item.name).mkdir()
                for f in item.iterdir():
                    if f.suffix in (".geojson", ".csv"):
                        (dest / item.name / f.name).write_bytes(f.read_bytes())
        else:
            (dest / item.name).write_bytes(item.read_bytes())
    spec = dictionary.dataset("economic_indicators")
    frame = pd.read_parquet(source / "economic_indicators.parquet")
    later = frame.copy()
    later["period_end"] = "2018-11"
    later["period_label"] = "2018年1-11月"
    later["yoy_pct"] = later["yoy_pct"] + 1.0
    both = dictionary.coerce(pd.concat([frame, later], ignore_index=True), spec)
    (dest / "economic_indicators.parquet").write_bytes(parquet_bytes(both, spec))
    return both


def test_economy_shows_a_time_series_once_a_second_period_exists(server, browser, watcher,
                                                                tmp_path):
    # with the published data (one period) the series is hidden and says why
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    watcher.attach(page)
    page.goto(server.url + "/economy")
    ready(page)
    assert page.locator("#economy-series-box").is_hidden()
    assert page.locator("#economy-series-note").is_visible()

    copy = tmp_path / "datasets"
    copy.mkdir()
    both = _with_second_period(data.datasets_dir(), copy)
    second = start_server(tmp_path, copy)
    try:
        page.goto(second.url + "/economy")
        ready(page)
        assert page.locator("#economy-series-box").is_visible()
        assert page.locator("#economy-series-note").is_hidden()
        fig = figure(page, "economy-series")
        assert len(fig["data"]) >= 5
        assert all(trace["x"] == ["2018-10", "2018-11"] for trace in fig["data"])
        trade = both[both["indicator_id"] == "trade_total"]["yoy_pct"].tolist()
        names = [t["name"] for t in fig["data"]]
        assert fig["data"][names.index("进出口总额")]["y"] == trade
        # the newest period is selected; choosing the older one changes chart and table
        assert page.locator("#economy-period").inner_text().strip() == "2018年1-11月"
        choose(page, "economy-period", "2018年1-10月")
        settle(page, "() => location.search.includes('period=2018-10')")
        growth = figure(page, "economy-growth")
        assert max(growth["data"][0]["x"]) == pytest.approx(19.6)
    finally:
        context.close()
        second.stop()
    assert not watcher.problems, watcher.problems


def _source(number: str, event: str) -> str:
    ev = dataset("document_events")
    row = ev[(ev["doc_number"] == number) & (ev["event"] == event)].iloc[0]
    return f"{row['source_issue']}:{row['source_line']}"


def test_document_lifecycle_with_sources_and_status_on_a_date(server, page):
    number = "连政规发〔2014〕7号"
    amended, repealed = _source(number, "amended"), _source(number, "repealed")
    page.goto(server.url + "/documents?on=2022-12-31")
    ready(page)
    # find it the way an official would: search, then click the row
    page.fill("#documents-q", "审计监督")
    page.press("#documents-q", "Enter")
    settle(page, "() => location.search.includes('q=')")
    page.click(f"#documents-table td:has-text('{number}')")
    settle(page, "() => location.search.includes('doc=')")
    assert page.locator("#documents-status").inner_text() == "有效"
    reasons = page.locator("#documents-reasons li").all_inner_texts()
    assert f"2018-11-04 经连政发〔2018〕137号修改（来源 {amended}）" in reasons
    assert f"将于 2023-01-01 由连政规发〔2022〕4号废止（来源 {repealed}）" in reasons
    events = page.locator("#documents-events tbody tr:has(td)").all_inner_texts()
    assert any("2018-11-04" in r and "连政发〔2018〕137号" in r and amended in r for r in events)
    assert any("2023-01-01" in r and "连政规发〔2022〕4号" in r and repealed in r for r in events)
    lifecycle = figure(page, "documents-lifecycle")
    assert "修改" in lifecycle["data"][0]["y"] and "废止" in lifecycle["data"][0]["y"]
    # the day the repeal takes effect
    page.fill("#documents-on", "2023-01-01")
    page.press("#documents-on", "Enter")
    settle(page, "() => location.search.includes('on=2023-01-01')")
    assert page.locator("#documents-status").inner_text() == "已废止"
    assert f"2023-01-01 由连政规发〔2022〕4号废止（来源 {repealed}）" in (
        page.locator("#documents-reasons li").all_inner_texts())
    # a shared link opens the same view
    page.goto(page.url)
    ready(page)
    assert page.locator("#documents-status").inner_text() == "已废止"


# --- heritage ------------------------------------------------------------------------------


def _site_ids(fig: dict) -> list[str]:
    return [c[0] for t in fig["data"] if t["meta"] == "sites" for c in t["customdata"]]


def test_map_holds_every_site_and_the_six_county_outlines(server, page):
    sites = dataset("heritage_sites")
    page.goto(server.url + "/heritage")
    ready(page)
    fig = figure(page, "heritage-map")
    outlines = [t for t in fig["data"] if t["type"] == "choropleth"]
    assert len(outlines) == 1
    assert sorted(outlines[0]["locations"]) == sorted(data.county_names())
    assert len(outlines[0]["locations"]) == 6
    ids = _site_ids(fig)
    assert sorted(ids) == sorted(sites["site_id"]) and len(ids) == 23
    # drawn, not just in the data: six county paths and 23 markers in the SVG
    assert page.locator("#heritage-map path.choroplethlocation").count() == 6
    assert page.locator("#heritage-map .scattergeo path.point").count() == 23
    # approximate points are hollow and say so when hovered
    approx = set(sites.loc[sites["geocode_precision"].isin(
        ["township", "county", "none"]), "site_id"])
    for trace in (t for t in fig["data"] if t["meta"] == "sites"):
        for custom, symbol in zip(trace["customdata"], trace["symbol"], strict=True):
            if custom[0] in approx:
                assert symbol.endswith("-open") and "位置" in custom[4], custom
            else:
                assert symbol == "circle", custom


def test_a_filter_changes_map_chart_and_table_together(server, page):
    sites = dataset("heritage_sites")
    page.goto(server.url + "/heritage")
    ready(page)
    choose(page, "heritage-category", "古建筑")
    settle(page, "() => location.search.includes('category=')")
    expected = sorted(sites.loc[sites["category_zh"] == "古建筑", "site_id"])
    assert len(expected) == 5
    assert sorted(_site_ids(figure(page, "heritage-map"))) == expected
    timeline = figure(page, "heritage-timeline")
    bars = [y.split(" ")[0] for t in timeline["data"] if t["type"] == "bar" for y in t["y"]]
    assert sorted(bars) == expected
    counts = figure(page, "heritage-counts")
    assert sum(counts["data"][0]["z"]) == 5
    table_ids = page.locator("#heritage-table tbody tr td:first-child").all_inner_texts()
    assert sorted(table_ids) == expected
    assert page.locator("#heritage-count").inner_text().startswith("5 / 23")
    # a second filter narrows all of them again; the URL keeps both
    choose(page, "heritage-county", "海州区")
    settle(page, "() => location.search.includes('county=')")
    both = sorted(sites.loc[(sites["category_zh"] == "古建筑") & (sites["county"] == "海州区"),
                            "site_id"])
    assert sorted(_site_ids(figure(page, "heritage-map"))) == both
    assert sorted(page.locator("#heritage-table tbody tr td:first-child").all_inner_texts()
                  ) == both
    with page.expect_download() as info:
        page.click("#page button:has-text('当前视图 CSV')")
    rows = list(csv.DictReader(io.StringIO(
        Path(info.value.path()).read_bytes().decode("utf-8-sig"))))
    assert sorted(r["编号"] for r in rows) == both
    # the browser's back button returns to the previous filters, as a URL should
    page.go_back()
    settle(page, "() => !location.search.includes('county=')")
    assert sorted(_site_ids(figure(page, "heritage-map"))) == expected


def test_site_detail_with_its_places(server, page):
    places = dataset("heritage_site_places")
    page.goto(server.url + "/heritage?era_from=1900&era_to=1979")
    ready(page)
    sites = dataset("heritage_sites")
    modern = sites[(sites["era_end_year"] >= 1900) & (sites["era_start_year"] <= 1979)]
    assert page.locator("#heritage-count").inner_text().startswith(f"{len(modern)} / 23")
    page.click("#heritage-table td:has-text('5-23')")
    settle(page, "() => location.search.includes('site=5-23')")
    detail = page.locator("#heritage-detail")
    assert "连云港抗日防御遗迹" in detail.locator("h3").inner_text()
    shown = detail.locator("#heritage-places tbody tr:has(td)").count()
    assert shown == (places["site_id"] == "5-23").sum() >= 8


def test_heritage_in_english(server, page):
    sites = dataset("heritage_sites")
    page.goto(server.url + "/heritage?lang=en")
    ready(page)
    fig = figure(page, "heritage-map")
    names = {t["name"] for t in fig["data"] if t["meta"] == "sites"}
    assert names == set(sites["category_en"])
    assert any("approximate location" in c[4] for t in fig["data"] if t["meta"] == "sites"
               for c in t["customdata"])
    headers = page.locator("#heritage-table th").all_inner_texts()
    assert dictionary.labels("heritage_sites", "en")["address_raw"] in headers
    assert page.locator("#page h1").inner_text() == "Municipal heritage protection sites"
    counties = page.locator("#heritage-table tbody td:nth-child(5)").all_inner_texts()
    assert "Haizhou District" in counties and "海州区" not in counties
    assert page.locator("#heritage-timeline .xtitle").text_content() == "Year (negative = BCE)"
