"""/chronicle in headless Chromium on the real published datasets: the timeline, the search
(in the URL), the official filter, the task assignments, downloads and English."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import quote

import pytest

from dashboard import data
from etl import dictionary
from tests.browser.conftest import figure, ready, settle

pytestmark = pytest.mark.browser


def _rows(page, table: str) -> list[str]:
    return page.locator(f"#{table} tbody tr:has(td)").all_inner_texts()


def test_page_renders_timeline_table_and_tasks(server, page):
    entries = data.load("chronicle_entries")
    tasks = data.load("task_assignments")
    page.goto(server.url + "/chronicle")
    ready(page)
    assert page.locator("#page h1").inner_text() == "市政府大事记"
    assert page.locator("#nav-chronicle").inner_text() == "大事记"
    assert page.locator("#chronicle-count").inner_text() == (
        f"{len(entries)} / {len(entries)} 条记录")
    assert len(entries) == 206
    fig = figure(page, "chronicle-timeline")
    heat = fig["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["x"] == ["2018-11", "2022-10"]
    assert len(heat["y"]) == entries["name"].nunique() == 17
    assert "代市长方伟" in heat["y"] and "副市长、公安局长王永生" in heat["y"]
    first = _rows(page, "chronicle-table")[0]
    assert "2018-11-01" in first and "代市长方伟" in first and "2018-16:1332" in first
    assert "在我市分会场收听收看" in first
    assert page.locator("#chronicle-task-count").inner_text() == f"{len(tasks)} / 59 条记录"
    headers = page.locator("#chronicle-tasks th").all_inner_texts()
    for column in ("lead_units", "supporting_units", "responsible_units"):
        assert dictionary.labels("task_assignments")[column] in headers


def test_search_filters_both_tables_and_lives_in_the_url(server, page):
    page.goto(server.url + "/chronicle")
    ready(page)
    page.fill("#chronicle-q", "陈红淦")
    page.press("#chronicle-q", "Enter")
    settle(page, "() => location.search.includes('q=')")
    assert f"q={quote('陈红淦')}" in page.url
    assert page.locator("#chronicle-count").inner_text() == "1 / 206 条记录"
    rows = _rows(page, "chronicle-table")
    assert len(rows) == 1 and "2022-10-13" in rows[0] and "2022-10:785" in rows[0]
    assert page.locator("#chronicle-task-count").inner_text() == "0 / 59 条记录"
    fig = figure(page, "chronicle-timeline")
    assert fig["data"][0]["y"] == ["副市长陈红淦"]
    # a unit searched finds its tasks
    page.fill("#chronicle-q", "市公安局")
    page.press("#chronicle-q", "Enter")
    settle(page, "() => decodeURIComponent(location.search).includes('市公安局')")
    tasks = data.load("task_assignments")
    expected = tasks["lead_units"].fillna("").str.contains("市公安局") | tasks[
        "supporting_units"].fillna("").str.contains("市公安局")
    assert page.locator("#chronicle-task-count").inner_text() == (
        f"{int(expected.sum())} / 59 条记录")
    # a shared link opens the same view
    page.goto(page.url)
    ready(page)
    assert page.locator("#chronicle-q").input_value() == "市公安局"
    assert page.locator("#chronicle-task-count").inner_text() == (
        f"{int(expected.sum())} / 59 条记录")


def test_official_filter_from_the_url_and_download(server, page):
    entries = data.load("chronicle_entries")
    page.goto(server.url + "/chronicle?official=" + quote("王永生"))
    ready(page)
    count = int((entries["name"] == "王永生").sum())
    assert count == 9
    assert page.locator("#chronicle-count").inner_text() == f"{count} / 206 条记录"
    assert all("王永生" in r for r in _rows(page, "chronicle-table"))
    with page.expect_download() as info:
        page.click("#page button:has-text('当前视图 CSV')")
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == count
    assert {r["领导"] for r in rows} == {"副市长、公安局长王永生"}
    assert rows[0]["来源（期号:行号）"] == "2018-16:1342"


def test_hostile_query_is_text(server, page):
    page.goto(server.url + "/chronicle?q=" + quote("<img src=x onerror=alert(1)>")
              + "&official=nobody")
    ready(page)
    assert page.locator("#chronicle-count").inner_text() == "0 / 206 条记录"
    assert page.locator("#page img").count() == 0


def test_english(server, page):
    page.goto(server.url + "/chronicle?q=" + quote("方伟") + "&lang=en")
    ready(page)
    assert page.locator("#page h1").inner_text() == "City government chronicle"
    assert page.locator("#nav-chronicle").inner_text() == "Chronicle"
    assert page.locator("#chronicle-count").inner_text().endswith("rows")
    headers = page.locator("#chronicle-table th").all_inner_texts()
    labels = dictionary.labels("chronicle_entries", "en")
    assert labels["entry_date"] in headers and labels["activity"] in headers
    assert "Official" in headers and "Source (issue:line)" in headers
    assert not any("日期" in h for h in headers)
    fig = figure(page, "chronicle-timeline")
    assert "方伟 (Acting mayor)" in fig["data"][0]["y"]
    assert "Month" in page.content()
    page.click("#lang-switch")
    settle(page, "() => !location.search.includes('lang=en')")
    assert page.locator("#page h1").inner_text() == "市政府大事记"
    assert page.locator("#chronicle-q").input_value() == "方伟"


_PHONE = {"width": 390, "height": 844}
_HEAT_BOX_JS = """() => {
    const root = document.querySelector('#chronicle-timeline');
    const svg = root.querySelector('.main-svg').getBoundingClientRect();
    const ticks = [...root.querySelectorAll('.ytick text, .xtick text')]
        .map(el => el.getBoundingClientRect()).filter(r => r.width > 0);
    const rotated = [...root.querySelectorAll('.xtick text')]
        .some(el => /rotate\\((?!0)/.test(el.getAttribute('transform') || ''));
    const gd = root.querySelector('.js-plotly-plot');
    return {svgLeft: svg.left, svgRight: svg.right, width: svg.width, rotated,
            plot: gd._fullLayout._size.w,
            tickLeft: Math.min(...ticks.map(r => r.left)),
            tickRight: Math.max(...ticks.map(r => r.right))};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_heat_map_is_not_clipped(server, browser, watcher, lang):
    context = browser.new_context(viewport=_PHONE, locale="zh-CN")
    page = context.new_page()
    watcher.attach(page)
    try:
        page.goto(server.url + "/chronicle?lang=" + lang)
        ready(page)
        figure(page, "chronicle-timeline")
        box = page.evaluate(_HEAT_BOX_JS)
        assert box["width"] <= _PHONE["width"]
        # every official's name and post readable: none cut at the chart's left edge
        assert box["tickLeft"] >= box["svgLeft"] - 1, box
        assert box["tickRight"] <= box["svgRight"] + 1, box
        assert not box["rotated"], box
        assert box["plot"] >= 60, box  # room left for the month columns
    finally:
        context.close()
    assert not watcher.problems, watcher.problems


def test_heat_map_has_a_text_summary(server, page):
    entries = data.load("chronicle_entries")
    counts = entries["name"].value_counts()
    top = entries[entries["name"] == counts.index[0]].iloc[0]
    page.goto(server.url + "/chronicle")
    ready(page)
    assert page.locator("#chronicle-timeline-summary").inner_text() == (
        f"图中共{len(entries)}条大事记，涉及{entries['name'].nunique()}位领导、"
        f"{entries['year_month'].nunique()}个月份；条目最多的是{top['official']}"
        f"（{counts.iloc[0]}条）。")
    page.fill("#chronicle-q", "陈红淦")
    page.press("#chronicle-q", "Enter")
    settle(page, "() => location.search.includes('q=')")
    assert page.locator("#chronicle-timeline-summary").inner_text() == (
        "图中共1条大事记，涉及1位领导、1个月份；条目最多的是副市长陈红淦（1条）。")
