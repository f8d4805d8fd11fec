"""/heritage 文物保护单位: map over the county outlines, sites per county, era timeline, list
and a detail panel; category, county and era filters drive all of them together."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import data, geosource, maps, urlstate
from dashboard.components import (
    FONT,
    data_table,
    esc,
    graph,
    memo_per_data,
    message,
    no_data,
    page_header,
    section,
    style,
    table_records,
)
from dashboard.i18n import col, colon, common_col, flag_text, listing, paren, t, value_label

NAME = "heritage"
NAV_KEY = "nav_heritage"
SITES = "heritage_sites"
PLACES = "heritage_site_places"
# a town seat or a county centre is not where the site is: draw it hollow, say so in hover
APPROXIMATE = frozenset({"township", "county", "none"})
TABLE_COLUMNS = ("site_id", "name", "category", "era_label", "county", "address_raw",
                 "geocode_precision")
PLACE_COLUMNS = ("place_seq", "place", "village", "geocode_precision")


@dataclass(frozen=True)
class Filters:
    categories: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    era: tuple[int, int] | None = None  # inclusive year range; None = every era
    site: str | None = None


@cache
def _sites() -> pd.DataFrame | None:
    """The published sites in site-id order, once per data version (read-only: callers
    copy before they change anything)."""
    frame = data.load(SITES)
    if frame is None or frame.empty:
        return None
    frame = frame.iloc[sorted(range(len(frame)), key=lambda i: _site_key(frame["site_id"][i]))
                       ].reset_index(drop=True)
    return frame


@cache
def _everywhere() -> pd.DataFrame | None:
    """``map_points`` of every site (the map draws filtered sites where they sit among
    all): the same for every request until the data are reloaded."""
    sites = _sites()
    return None if sites is None else map_points(sites)


data.on_reset(lambda: (_sites.cache_clear(), _everywhere.cache_clear(),
                       _published_records.cache_clear(), _prepared.cache_clear(),
                       _texts.cache_clear()))


def _site_key(site_id: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", str(site_id)))


def categories(sites: pd.DataFrame) -> list[str]:
    """Categories in the order the gazette prints them (order of first site)."""
    return list(dict.fromkeys(sites["category_zh"].dropna()))


def category_label(sites: pd.DataFrame, category_zh: str, lang: str) -> str:
    if lang == "zh":
        return category_zh
    match = sites.loc[sites["category_zh"] == category_zh, "category_en"].dropna()
    return str(match.iloc[0]) if len(match) else category_zh


def colours(sites: pd.DataFrame) -> dict[str, str]:
    """One colour per category, the same on the map and the timeline (≥ 3:1 against the
    land and the background: maps.POINT_PALETTE)."""
    palette = maps.POINT_PALETTE
    return {c: palette[i % len(palette)] for i, c in enumerate(categories(sites))}


def year_bounds(sites: pd.DataFrame) -> tuple[int, int] | None:
    starts, ends = sites["era_start_year"].dropna(), sites["era_end_year"].dropna()
    if starts.empty or ends.empty:
        return None
    return int(starts.min()), int(ends.max())


# Before the earliest dynasty (夏, c. 2070 BCE) lies prehistory: a Palaeolithic site
# (-1,700,000) on a linear axis would squeeze every dynasty into the last pixel, so years
# before BREAK_YEAR are drawn on a logarithmic stretch PREHISTORY of the axis instead.
BREAK_YEAR = -2000
PREHISTORY = 0.25  # of the historic span's width


@dataclass(frozen=True)
class EraScale:
    """Years ↔ axis positions for the era slider and the timeline: linear from BREAK_YEAR
    on, logarithmic before it; the identity when no site is older than BREAK_YEAR."""

    low: int
    high: int

    @property
    def compressed(self) -> bool:
        return self.low < BREAK_YEAR

    @property
    def _width(self) -> float:
        return max(1000.0, PREHISTORY * (self.high - BREAK_YEAR))

    @property
    def _decades(self) -> float:
        return math.log10(1 + (BREAK_YEAR - self.low) / 100)

    def axis(self, year: float) -> float:
        if not self.compressed or year >= BREAK_YEAR:
            return float(year)
        depth = math.log10(1 + (BREAK_YEAR - year) / 100) / self._decades
        return BREAK_YEAR - self._width * depth

    def year(self, position: float) -> int:
        """The year at an axis position, clamped to the data's years."""
        if position <= self.axis(self.low):
            return self.low
        if position >= self.axis(self.high):
            return self.high
        if not self.compressed or position >= BREAK_YEAR:
            return round(position)
        depth = (BREAK_YEAR - position) / self._width * self._decades
        return max(self.low, round(BREAK_YEAR - 100 * (10 ** depth - 1)))

    def ticks(self) -> list[int]:
        """Round years to mark: every 1000 years of history, powers of ten before it."""
        if not self.compressed:
            return []
        historic = list(range(BREAK_YEAR, self.high + 1, 1000))
        older = [-(10 ** k) for k in range(4, 9) if -(10 ** k) >= self.low]
        return sorted(older) + historic


def era_scale(sites: pd.DataFrame) -> EraScale:
    bounds = year_bounds(sites) or (0, 2000)
    return EraScale(*bounds)


def tick_text(year: int, lang: str) -> str:
    if abs(year) < 10_000:
        return str(year)
    short = (f"{-year // 1_000_000:,}M" if year % 1_000_000 == 0
             else f"{-year // 1000:,}k")
    return t("era_tick_large", lang).format(wan=f"{-year // 10_000:,}", short=short)


def county_options(sites: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(data.county_names() + list(sites["county"].dropna())))


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def filters(sites: pd.DataFrame, category: object, county: object, era: object,
            site: object) -> Filters:
    """Validated filters: unknown values are dropped; the era range is clamped to the data."""
    return _valid(year_bounds(sites), categories(sites), county_options(sites),
                  set(sites["site_id"]), category, county, era, site)


def _valid(bounds: tuple[int, int] | None, known_categories: list[str],
           known_counties: list[str], site_ids: set[str], category: object, county: object,
           era: object, site: object) -> Filters:
    span = None
    if bounds and isinstance(era, list | tuple) and len(era) == 2:
        low, high = _int(era[0]), _int(era[1])
        if low is not None and high is not None:
            low, high = sorted((max(low, bounds[0]), min(high, bounds[1])))
            span = None if (low, high) == bounds else (low, high)
    return Filters(
        tuple(urlstate.known(_as_list(category), known_categories)),
        tuple(urlstate.known(_as_list(county), known_counties)),
        span,
        site if isinstance(site, str) and site in site_ids else None,
    )


def _as_list(value: object) -> list:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else []


def from_params(sites: pd.DataFrame, params: urlstate.Params) -> Filters:
    era = [urlstate.first(params, "era_from"), urlstate.first(params, "era_to")]
    return filters(sites, params.get("category", []), params.get("county", []),
                   era if None not in era else None, urlstate.first(params, "site"))


def to_query(f: Filters, lang: str) -> str:
    return urlstate.build({
        "category": list(f.categories), "county": list(f.counties),
        "era_from": f.era[0] if f.era else None, "era_to": f.era[1] if f.era else None,
        "site": f.site,
    }, lang)


def selected(sites: pd.DataFrame, f: Filters) -> pd.DataFrame:
    keep = pd.Series(True, index=sites.index)
    if f.categories:
        keep &= sites["category_zh"].isin(f.categories)
    if f.counties:
        keep &= sites["county"].isin(f.counties)
    if f.era:
        # overlaps the range; a site whose era has no years cannot be placed in it
        keep &= (sites["era_start_year"] <= f.era[1]).fillna(False)
        keep &= (sites["era_end_year"] >= f.era[0]).fillna(False)
    return sites[keep].reset_index(drop=True)


# --- text ------------------------------------------------------------------------------


def year_text(year: object, lang: str) -> str:
    if year is None or pd.isna(year):
        return ""
    n = int(year)
    return t("bce", lang).format(n=-n) if n < 0 else t("ce", lang).format(n=n)


def era_text(row: pd.Series, lang: str) -> str:
    label = row["era_label"] if pd.notna(row["era_label"]) else row["era_raw"]
    if pd.isna(row["era_start_year"]):
        years = t("era_unknown", lang)
        if pd.isna(label):
            return ""
    else:
        start = year_text(row["era_start_year"], lang)
        end = year_text(row["era_end_year"], lang)
        years = start if start == end else f"{start} – {end}"
    return f"{label}{paren(years, lang)}"


def _precision_text(row: pd.Series, lang: str) -> str:
    text = value_label("geocode_precision", row["geocode_precision"], lang)
    if pd.isna(row["lat"]) or pd.isna(row["lon"]):
        note = t("unlocated", lang)
    elif row["geocode_precision"] in APPROXIMATE:
        note = t("approximate", lang)
    else:
        return text
    return text + paren(note, lang)


# --- figures ---------------------------------------------------------------------------


def _hover(lang: str) -> str:
    c = colon(lang)
    return ("<b>%{customdata[1]}</b>" + paren("%{customdata[0]}", lang) + "<br>"
            + t("heritage_timeline", lang) + c + "%{customdata[2]}<br>"
            + col(SITES, "address_raw", lang) + c + "%{customdata[3]}<br>"
            + col(SITES, "geocode_precision", lang) + c + "%{customdata[4]}<extra></extra>")


# the approximate points keep their place in this order (a town seat before a county
# centre): the more precise a point, the less it moves
_SPREAD_ORDER = {"township": 0, "county": 1, "none": 2}


def map_points(rows: pd.DataFrame) -> pd.DataFrame:
    """Where each site is drawn: its own point; approximate points that would sit on top
    of another marker are moved apart (maps.spread; ``moved`` says so); a site with no
    point (5-23: mountains, no county) in the middle of the city, marked as unlocated."""
    out = rows.copy()
    out["x"], out["y"] = out["lon"].astype(float), out["lat"].astype(float)
    out["located"] = out["lat"].notna() & out["lon"].notna()
    centre = maps.city_point()
    if centre is not None:
        out.loc[~out["located"], "x"] = centre[0]
        out.loc[~out["located"], "y"] = centre[1]
    approx = out["x"].notna() & ((~out["located"])
                                 | out["geocode_precision"].isin(APPROXIMATE))
    out["moved"] = False
    if approx.any():
        order = sorted(out.index[approx], key=lambda i: _SPREAD_ORDER.get(
            str(out.at[i, "geocode_precision"]), 3))
        fixed = list(zip(out.loc[~approx & out["x"].notna(), "x"],
                         out.loc[~approx & out["x"].notna(), "y"], strict=True))
        county = out["county"].astype(object).where(out["county"].notna(), None)
        moved = maps.spread([(out.at[i, "x"], out.at[i, "y"], county[i]) for i in order],
                            fixed)
        for i, (x, y) in zip(order, moved, strict=True):
            out.at[i, "moved"] = (x, y) != (out.at[i, "x"], out.at[i, "y"])
            out.at[i, "x"], out.at[i, "y"] = x, y
    return out[out["x"].notna()]


def _records(frame: pd.DataFrame, published: bool = False) -> list[dict]:
    """Rows as dicts, for the per-site texts: the same values ``iterrows`` gives, without
    building a Series per row. ``published``: the rows are taken from ``_sites()`` (the
    caller checked), so each is the site's dict made once per data version (a frame's
    ``to_dict`` costs ~1 ms per call with its 30 columns; a request made a dozen)."""
    if published:
        known = _published_records()
        found = [known.get(site) for site in frame["site_id"]]
        if all(r is not None for r in found):
            return found
    return frame.to_dict("records")


@cache
def _published_records() -> dict[str, dict]:
    """site_id → the site's row of ``_everywhere()`` (the published columns plus where
    the map draws it), or of ``_sites()`` for a site the map cannot place. Read-only."""
    sites, everywhere = _sites(), _everywhere()
    if sites is None:
        return {}
    out = {r["site_id"]: r for r in sites.to_dict("records")}
    if everywhere is not None:
        out.update({r["site_id"]: r for r in everywhere.to_dict("records")})
    return out


def _symbol(row: pd.Series) -> str:
    if not row["located"]:
        return "square-open"
    return "circle-open" if row["geocode_precision"] in APPROXIMATE else "circle"


def _where(row: pd.Series, lang: str) -> str:
    text = _precision_text(row, lang)
    return text + paren(t("map_spread", lang), lang) if row["moved"] else text


def map_figure(sites: pd.DataFrame, rows: pd.DataFrame, f: Filters, lang: str) -> go.Figure:
    """Every (filtered) site coloured by category over the named county outlines;
    approximate points hollow, unlocated ones as hollow squares, the selected site ringed;
    a county filter zooms to its counties."""
    return go.Figure(dict(zip(("data", "layout"), _map_parts(sites, rows, f, lang),
                              strict=True)))


def map_json(sites: pd.DataFrame, rows: pd.DataFrame, f: Filters, lang: str) -> dict:
    """``map_figure`` as the JSON the browser gets, without building plotly objects."""
    return maps.figure_json(*_map_parts(sites, rows, f, lang))


def _map_parts(sites: pd.DataFrame, rows: pd.DataFrame, f: Filters,
               lang: str) -> tuple[list[dict], dict]:
    traces: list[dict] = []
    # positions from every site, so that a filter never moves a point
    published = sites is _sites()
    everywhere = _everywhere() if published else map_points(sites)
    drawn = everywhere[everywhere["site_id"].isin(set(rows["site_id"]))]
    if data.counties_geojson() is not None:
        traces.append(maps.outlines_trace(set(f.counties), t("county_outlines", lang), lang))
        traces.append(maps.county_labels_trace(lang, list(zip(everywhere["x"], everywhere["y"],
                                                              strict=True))))
    palette = colours(sites)
    for category in categories(sites):
        group = drawn[drawn["category_zh"] == category]
        if group.empty:
            continue
        records = _records(group, published)
        symbols = [_symbol(r) for r in records]
        solid = [s == "circle" for s in symbols]
        traces.append({
            "type": "scattergeo", "lon": group["x"], "lat": group["y"], "mode": "markers",
            "name": esc(category_label(sites, category, lang)), "meta": "sites",
            "marker": {"color": palette[category], "size": 12, "symbol": symbols,
                       "line": {"width": [1 if s else 2.5 for s in solid],
                                "color": ["white" if s else palette[category]
                                          for s in solid]}},
            "customdata": [[esc(r["site_id"]), esc(r["name"]), esc(era_text(r, lang)),
                            esc(r["address_raw"]), esc(_where(r, lang))] for r in records],
            "hovertemplate": _hover(lang),
        })
    chosen = everywhere[everywhere["site_id"] == f.site]
    if len(chosen):  # a ring round the selected site (drawn even when filtered out)
        r = chosen.iloc[0]
        traces.append({
            "type": "scattergeo", "lon": [r["x"]], "lat": [r["y"]], "mode": "markers",
            "meta": "selected", "name": t("map_selected", lang), "showlegend": False,
            "marker": {"symbol": "circle-open", "size": 26, "color": "#111",
                       "line": {"width": 3}},
            "customdata": [[esc(r["site_id"]), esc(r["name"]), esc(era_text(r, lang)),
                            esc(r["address_raw"]), esc(_where(r, lang))]],
            "hovertemplate": _hover(lang),
        })
    places = data.load(PLACES)
    if f.site and places is not None:
        own = places[(places["site_id"] == f.site) & places["lat"].notna()]
        if len(own) > 1:  # a site on several places: show them all
            traces.append({
                "type": "scattergeo", "lon": own["lon"].astype(float),
                "lat": own["lat"].astype(float), "mode": "markers",
                "name": t("selected_places", lang), "meta": "places",
                "marker": {"symbol": "x-thin-open", "size": 11, "color": "#222",
                           "line": {"width": 2}},
                "text": [esc(p) for p in own["place"]],
                "hovertemplate": "%{text}<extra></extra>",
            })
    layout = maps.geo_layout_json(480, f.counties)
    # the legend below the map, in the figure's own margin (container reference), so it
    # never lies over the map however many lines it wraps to on a phone
    layout["legend"] = {"title": {"text": t("category", lang), "side": "top"},
                        "orientation": "h", "yref": "container", "y": 0,
                        "yanchor": "bottom", "x": 0}
    layout["margin"] = {**layout["margin"], "b": 10}
    layout["clickmode"] = "event"
    return traces, layout


def counts_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """Sites per county (of the filtered sites), with the count written on each county."""
    counties = data.county_names()
    if not counties:  # outlines not published yet: the same counts as bars
        counts = rows["county"].value_counts()
        fig = go.Figure(go.Bar(x=counts.index.tolist(), y=counts.tolist(),
                               hovertemplate="%{x}: %{y}<extra></extra>"))
        return style(fig, height=300, legend=False)
    return go.Figure(dict(zip(("data", "layout"), _counts_parts(rows, counties, lang),
                              strict=True)))


def counts_json(rows: pd.DataFrame, lang: str) -> dict:
    """``counts_figure`` as the JSON the browser gets."""
    counties = data.county_names()
    if not counties:
        return counts_figure(rows, lang).to_plotly_json()
    return maps.figure_json(*_counts_parts(rows, counties, lang))


def _counts_parts(rows: pd.DataFrame, counties: list[str],
                  lang: str) -> tuple[list[dict], dict]:
    counts = rows["county"].value_counts().reindex(counties).fillna(0).astype(int)
    return _counts_traces(counties, counts.tolist(), lang)


def _counts_traces(counties: list[str], counts: list[int],
                   lang: str) -> tuple[list[dict], dict]:
    """The county choropleth with each county's count written on it."""
    points = maps.county_points()
    top = max(max(counts, default=0), 1)
    # no colour bar: each county carries its count, and a bar would take a third of a phone
    return [{
        "type": "choropleth", "geojson": data.counties_geojson(),
        "featureidkey": "properties.county", "locations": counties, "z": counts,
        "zmin": 0, "colorscale": maps.colorscale("Blues"), "showscale": False,
        "marker": {"line": {"color": maps.OUTLINE, "width": 1}},
        "text": [data.county_label(c, lang) for c in counties],
        "hovertemplate": "%{text}: %{z}<extra></extra>", "name": t("sites", lang),
    }, {
        "type": "scattergeo",
        "lon": [points[c][0] for c in counties], "lat": [points[c][1] for c in counties],
        "mode": "text", "text": [f"{data.county_label(c, lang)}<br>{n}"
                                 for c, n in zip(counties, counts, strict=True)],
        "textfont": {"size": 11, "color": ["white" if n > 0.55 * top else "#222"
                                           for n in counts]},
        "hoverinfo": "skip", "showlegend": False,
    }], maps.geo_layout_json(360)


def timeline_figure(sites: pd.DataFrame, rows: pd.DataFrame, lang: str) -> go.Figure:
    """Each site as a bar from its era's first to last year, on the era scale (prehistory
    compressed, so the dynasties stay readable)."""
    scale = era_scale(sites)
    traces, layout = _timeline_parts(sites, rows, lang, scale)
    fig = go.Figure({"data": traces, "layout": layout})
    if scale.compressed:
        ticks = scale.ticks()
        fig.update_xaxes(tickvals=[scale.axis(y) for y in ticks],
                         ticktext=[tick_text(y, lang) for y in ticks],
                         range=[scale.axis(scale.low) - 60, scale.axis(scale.high) + 60])
        fig.add_vline(x=BREAK_YEAR, line_color="#999", line_dash="dot", line_width=1)
        fig.add_annotation(x=BREAK_YEAR, xanchor="right", y=1, yref="paper", yanchor="bottom",
                           text=esc("← " + t("era_compressed", lang)), showarrow=False,
                           font={"size": 11, "color": "#555"})
        fig.update_layout(margin={"t": 24})
    return fig


def timeline_json(sites: pd.DataFrame, rows: pd.DataFrame, lang: str) -> dict:
    """``timeline_figure`` as the JSON the browser gets (a compressed scale, which needs
    plotly's own shapes, through the figure)."""
    scale = era_scale(sites)
    if scale.compressed:
        return timeline_figure(sites, rows, lang).to_plotly_json()
    return maps.figure_json(*_timeline_parts(sites, rows, lang, scale))


def _timeline_parts(sites: pd.DataFrame, rows: pd.DataFrame, lang: str,
                    scale: EraScale) -> tuple[list[dict], dict]:
    dated = rows[rows["era_start_year"].notna()].sort_values(
        ["era_start_year", "era_end_year"], ascending=[False, False])
    palette = colours(sites)
    published = sites is _sites()  # rows taken from it (the page's own calls)
    # plain lists, grouped by category in the dated order (a boolean selection of the
    # frame per category and per trace cost more than the rest of the figure)
    records = _records(dated, published)
    start = [scale.axis(int(y)) for y in dated["era_start_year"]]
    end = [scale.axis(int(y)) for y in dated["era_end_year"]]
    by_category: dict[object, list[int]] = {}
    for i, category in enumerate(dated["category_zh"]):
        by_category.setdefault(category, []).append(i)

    def labels(rows_at: list[int]) -> list[str]:
        return [esc(f"{records[i]['site_id']} {records[i]['name']}") for i in rows_at]

    def custom(rows_at: list[int]) -> list[list[str]]:
        return [[esc(records[i]["site_id"]), esc(records[i]["name"]),
                 esc(era_text(records[i], lang))] for i in rows_at]

    def axis_values(values: list[float]) -> list:
        # what Series.round(1) / .astype(int) give (numpy's rounding, truncation)
        array = np.array(values, dtype=float)
        return (array.round(1) if scale.compressed else array.astype(int)).tolist()

    hover = ("<b>%{customdata[1]}</b>" + paren("%{customdata[0]}", lang)
             + "<br>%{customdata[2]}<extra></extra>")
    traces: list[dict] = []
    for category in categories(sites):
        at = by_category.get(category)
        if not at:
            continue
        traces.append({
            "type": "bar",
            "base": axis_values([start[i] for i in at]),
            "x": axis_values([end[i] - start[i] + 1 for i in at]),
            "y": labels(at), "orientation": "h",
            "name": esc(category_label(sites, category, lang)),
            "marker": {"color": palette[category]},
            "customdata": custom(at), "hovertemplate": hover,
        })
    # a single year or a decade is too thin to see as a bar: mark its middle as well
    span = (max(end) - min(start)) if records else 1
    for category in categories(sites):
        at = [i for i in by_category.get(category, []) if end[i] - start[i] < 0.02 * span]
        if not at:
            continue
        traces.append({
            "type": "scatter", "x": [(start[i] + end[i]) / 2 for i in at], "y": labels(at),
            "mode": "markers", "marker": {"symbol": "diamond", "size": 9,
                                          "color": palette[category]},
            "showlegend": False, "name": esc(category_label(sites, category, lang)),
            "customdata": custom(at), "hovertemplate": hover,
        })
    order = labels(list(range(len(records))))
    # components.style's layout, the legend moved to the foot of the figure (container
    # reference): below the axis title, never over it, however many lines it takes
    return traces, _timeline_layout(order, lang)


def _timeline_layout(order: list[str], lang: str) -> dict:
    """The timeline's layout for its bars' labels ``order`` (top to bottom)."""
    return {
        "yaxis": {"categoryorder": "array", "categoryarray": order,
                  "automargin": True, "tickfont": {"size": 11}},
        "xaxis": {"title": {"text": t("year_axis", lang)}, "gridcolor": "#e5e5e5",
                  "zeroline": True, "zerolinecolor": "#999", "automargin": True},
        "barmode": "overlay", "bargap": 0.25,
        "height": max(260, 21 * len(order) + 170),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "font": {"family": FONT, "size": 13}, "paper_bgcolor": "white",
        "plot_bgcolor": "white", "showlegend": True, "hoverlabel": {"font": {"family": FONT}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 0, "x": 0,
                   "xanchor": "left", "yref": "container"},
    }


# --- tables and the detail panel --------------------------------------------------------


def table_frame(sites: pd.DataFrame, rows: pd.DataFrame,
                lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    out = rows[["site_id", "name", "era_label", "county", "address_raw"]].copy()
    out["county"] = [data.county_label(c, lang) for c in rows["county"]]
    out.insert(2, "category", [category_label(sites, c, lang) for c in rows["category_zh"]])
    out["geocode_precision"] = [_precision_text(r, lang)
                                for r in _records(rows, sites is _sites())]
    heads = [(c, t("category", lang) if c == "category" else col(SITES, c, lang))
             for c in TABLE_COLUMNS]
    return out[list(TABLE_COLUMNS)], heads


def _field(label: str, value: object) -> list:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return []
    return [html.Dt(label), html.Dd(str(value))]


def detail(sites: pd.DataFrame, site: str | None, lang: str) -> list:
    if not site:
        return [html.P(t("heritage_pick", lang), className="note")]
    row = sites[sites["site_id"] == site].iloc[0]
    label = {c: col(SITES, c, lang) for c in sites.columns}
    coords = (f"{float(row['lat']):.4f}, {float(row['lon']):.4f}"
              if pd.notna(row["lat"]) and pd.notna(row["lon"]) else "")
    announced = (row["announced_on"].strftime("%Y-%m-%d")
                 if pd.notna(row.get("announced_on")) else "")
    flags = row.get("quality_flags")
    fields = (
        _field(t("category", lang), category_label(sites, row["category_zh"], lang))
        + _field(t("heritage_timeline", lang), era_text(row, lang))
        + _field(label["era_raw"], row["era_raw"])
        + _field(label["address_raw"], row["address_raw"])
        + _field(label["county"], data.county_label(row["county"], lang))
        + _field(label.get("zone", "zone"), row.get("zone"))
        + _field(label["township"], row["township"])
        + _field(label["village"], row["village"])
        + _field(f"{label['lat']}, {label['lon']}", coords)
        + _field(label["geocode_precision"], _precision_text(row, lang))
        + [html.Dt(label["geocode_source"]),
           html.Dd(geosource.explained(row["geocode_source"], row["township"], lang))]
        + _field(label["announced_on"], f"{announced} {row['announce_doc'] or ''}".strip())
        + _field(t("source", lang), f"{row['source_issue']}:{row['source_line']}")
        + _field(common_col("quality_flags", lang),
                 ("；" if lang == "zh" else "; ").join(
                     flag_text(c, lang) for c in str(flags).split(";"))
                 if flags is not None and pd.notna(flags) else None)
    )
    parts: list = [html.H3(f"{row['name']}{paren(row['site_id'], lang)}"),
                   html.Dl(fields, className="fields")]
    places = data.load(PLACES)
    if places is not None:
        own = places[places["site_id"] == site].copy()
        if len(own):
            own["geocode_precision"] = [value_label("geocode_precision", p, lang)
                                        for p in own["geocode_precision"]]
            parts += [html.H4(t("heritage_places", lang)), data_table(
                "heritage-places", own, [(c, col(PLACES, c, lang)) for c in PLACE_COLUMNS],
                page_size=12, numeric=("place_seq",), sort=False, wide=("place",))]
    return parts


# --- chart summaries (the charts' content as a sentence, for screen readers and all) ---------


def _names(counts: pd.Series, lang: str) -> str:
    return listing([t("summary_item", lang).format(name=data.county_label(c, lang), n=n)
                    for c, n in counts.items()], lang)


def map_summary(rows: pd.DataFrame, lang: str) -> str:
    if rows.empty:
        return t("summary_empty", lang)
    counts = rows["county"].value_counts(sort=False)  # a category: zeros included
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    unlocated = int((rows["lat"].isna() | rows["lon"].isna()).sum())
    approx = int(rows["geocode_precision"].isin(APPROXIMATE).sum()) - unlocated
    return t("summary_map", lang).format(n=len(rows), counties=_names(counts, lang),
                                         approx=approx, unlocated=unlocated)


def counts_summary(rows: pd.DataFrame, lang: str) -> str:
    counts = rows["county"].value_counts(sort=False).reindex(
        data.county_names() or None).fillna(0).astype(int)
    if rows.empty or counts.empty:
        return t("summary_empty", lang)
    ranked = counts.sort_values(ascending=False, kind="stable")
    return t("summary_counts", lang).format(
        top=data.county_label(ranked.index[0], lang), n=int(ranked.iloc[0]),
        low=data.county_label(ranked.index[-1], lang), m=int(ranked.iloc[-1]),
        none=int(rows["county"].isna().sum()))


def timeline_summary(rows: pd.DataFrame, lang: str) -> str:
    dated = rows[rows["era_start_year"].notna()]
    if dated.empty:
        return t("summary_empty", lang)
    first = dated.sort_values(["era_start_year", "era_end_year"], kind="stable").iloc[0]
    last = dated.sort_values(["era_end_year", "era_start_year"], kind="stable").iloc[-1]
    return t("summary_timeline", lang).format(
        n=len(dated), first=first["name"], first_era=era_text(first, lang),
        last=last["name"], last_era=era_text(last, lang))


def _summary(summary_id: str, text: str) -> html.P:
    return html.P(text, id=summary_id, className="chart-summary")


# --- page --------------------------------------------------------------------------------


def _era_marks(scale: EraScale, lang: str) -> dict:
    """Round years between the ends (the ends are in the slider's own input boxes); on a
    compressed scale, the scale's own ticks at their positions."""
    if scale.compressed:
        return {str(round(scale.axis(y))): tick_text(y, lang) for y in scale.ticks()}
    margin = (scale.high - scale.low) / 10
    return {str(y): str(y) for y in (0, 500, 1000, 1500)
            if scale.low + margin < y < scale.high - margin}


def _era_value(scale: EraScale, era: tuple[int, int] | None) -> list[int]:
    low, high = era or (scale.low, scale.high)
    return [round(scale.axis(low)), round(scale.axis(high))]


def _era_years(scale: EraScale, value: object) -> object:
    """The slider's positions as years (the URL and the filters speak years)."""
    if isinstance(value, list | tuple) and len(value) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return [scale.year(value[0]), scale.year(value[1])]
    return value


def _era_range_text(scale: EraScale, era: tuple[int, int] | None, lang: str) -> str:
    low, high = era or (scale.low, scale.high)
    return f"{year_text(low, lang)} – {year_text(high, lang)}"


def _count_text(rows: pd.DataFrame, sites: pd.DataFrame, lang: str) -> str:
    return f"{len(rows)} / {len(sites)} {t('sites', lang) if lang == 'en' else '处'}"


def layout(params: urlstate.Params, lang: str):
    sites = _sites()
    head = page_header(t("heritage_title", lang), None, lang)
    if sites is None:
        return html.Div([head, no_data(lang)])
    f = from_params(sites, params)
    return _layout(f, lang)


@memo_per_data
def _layout(f: Filters, lang: str) -> html.Div:
    """The page for valid filters ``f``, made once per data version (shared: never
    mutate it); a query that validates to the same filters is the same page."""
    sites = _sites()
    head = page_header(t("heritage_title", lang), None, lang)
    rows = selected(sites, f)
    scale = era_scale(sites)
    table, heads = table_frame(sites, rows, lang)
    # the figures, detail and texts as the filter callback makes them (its fast path)
    (_, map_fig, counts_fig, timeline_fig, site_detail, count_text, map_text, counts_text,
     timeline_text) = answer(f, lang) or _reference_answer(sites, f, lang)
    no_outlines = (message(t("map_unavailable", lang))
                   if data.counties_geojson() is None else None)
    return html.Div([
        head,
        dcc.Store(id="heritage-site", data=f.site),
        dcc.Store(id="heritage-chosen"),  # set by a click only: brings the details into view
        dcc.Store(id="heritage-scrolled"),
        html.Div([
            html.Div([html.Label(t("category", lang), htmlFor="heritage-category"),
                      dcc.Dropdown(id="heritage-category", multi=True,
                                   value=list(f.categories), placeholder=t("all", lang),
                                   options=[{"label": category_label(sites, c, lang),
                                             "value": c} for c in categories(sites)])]),
            html.Div([html.Label(t("county", lang), htmlFor="heritage-county"),
                      dcc.Dropdown(id="heritage-county", multi=True, value=list(f.counties),
                                   placeholder=t("all", lang),
                                   options=[{"label": data.county_label(c, lang), "value": c}
                                            for c in county_options(sites)])]),
            html.Div([html.Label(t("era_range", lang), htmlFor="heritage-era"),
                      # positions on the era scale; on a compressed scale the handles'
                      # number boxes would show positions, not years: the text below says
                      dcc.RangeSlider(id="heritage-era", min=round(scale.axis(scale.low)),
                                      max=round(scale.axis(scale.high)), step=1,
                                      value=_era_value(scale, f.era),
                                      marks=_era_marks(scale, lang), allowCross=False,
                                      allow_direct_input=not scale.compressed,
                                      tooltip=None if scale.compressed
                                      else {"placement": "bottom"}),
                      html.Div(_era_range_text(scale, f.era, lang), id="heritage-era-text",
                               className="note")],
                     className="era-filter"),
            html.Div(count_text, id="heritage-count", className="count"),
        ], className="filters filters-heritage"),
        html.Div([
            section(t("heritage_map", lang), no_outlines,
                    graph("heritage-map", map_fig,
                          t("heritage_map", lang), maps.config(),
                          caption=t("map_keyboard", lang)),
                    _summary("heritage-map-summary", map_text),
                    html.P(t("map_legend_note", lang), className="note"),
                    class_name="map-panel"),
            section(t("heritage_detail", lang),
                    html.Div(site_detail, id="heritage-detail"),
                    class_name="detail-panel", section_id="heritage-detail-panel"),
        ], className="grid-map"),
        html.Div([
            section(t("heritage_counts", lang),
                    graph("heritage-counts", counts_fig,
                          t("heritage_counts", lang), maps.config()),
                    _summary("heritage-counts-summary", counts_text)),
            section(t("heritage_timeline", lang),
                    graph("heritage-timeline", timeline_fig,
                          t("heritage_timeline", lang)),
                    _summary("heritage-timeline-summary", timeline_text)),
        ], className="grid-2"),
        section(t("heritage_table", lang),
                data_table("heritage-table", table, heads, page_size=25, row_ids="site_id",
                           wide=("address_raw",))),
    ])


def view(params: urlstate.Params, lang: str) -> pd.DataFrame | None:
    sites = _sites()
    if sites is None:
        return None
    table, heads = table_frame(sites, selected(sites, from_params(sites, params)), lang)
    return table.rename(columns=dict(heads))


# --- the filter callback's fast path ----------------------------------------------------
# A filter request used to make ~80 small pandas selections and copies of 23 sites (17 ms:
# issue 13). Everything that depends only on the data (and the language) is made once per
# data version as plain Python values; a request picks sites by position and builds the
# same JSON from those. The pandas builders above stay the reference (layout, view, tests).


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


@dataclass(frozen=True)
class _Prepared:
    """Per-site values of ``_sites()`` in its order (index i = i-th site)."""

    records: tuple[dict, ...]  # _published_records() rows
    ids: tuple[str, ...]
    category: tuple  # category_zh, None when missing
    county: tuple  # None when missing
    start: tuple  # era years as int, None when missing
    end: tuple
    categories: tuple[str, ...]
    palette: dict[str, str]
    bounds: tuple[int, int] | None
    scale: EraScale
    county_options: tuple[str, ...]
    county_order: tuple | None  # the county dtype's categories (value_counts(sort=False))
    drawn: tuple[bool, ...]  # the map can place it (a row of _everywhere())
    points: tuple  # every drawn site's (x, y), for the county labels
    unlocated: tuple[bool, ...]
    approximate: tuple[bool, ...]  # geocode_precision in APPROXIMATE
    places: dict  # site_id -> (lon array, lat array, place names) when on > 1 located place


@cache
def _prepared() -> _Prepared | None:
    sites, everywhere = _sites(), _everywhere()
    if sites is None or everywhere is None:
        return None
    known = _published_records()
    ids = tuple(str(i) for i in sites["site_id"])
    drawn_ids = set(everywhere["site_id"])
    records = tuple(known[i] for i in ids)

    def plain(name: str) -> tuple:
        return tuple(None if _missing(v) else v for v in sites[name].astype(object))

    county = sites["county"]
    places: dict = {}
    table = data.load(PLACES)
    if table is not None:
        located = table[table["lat"].notna()]
        for site, own in located.groupby("site_id", sort=False, observed=True):
            if len(own) > 1:
                places[str(site)] = (own["lon"].astype(float).to_numpy(),
                                     own["lat"].astype(float).to_numpy(),
                                     [esc(p) for p in own["place"]])
    return _Prepared(
        records=records, ids=ids, category=plain("category_zh"), county=plain("county"),
        start=tuple(None if v is None else int(v) for v in plain("era_start_year")),
        end=tuple(None if v is None else int(v) for v in plain("era_end_year")),
        categories=tuple(categories(sites)), palette=colours(sites),
        bounds=year_bounds(sites), scale=era_scale(sites),
        county_options=tuple(county_options(sites)),
        county_order=(tuple(county.cat.categories)
                      if isinstance(county.dtype, pd.CategoricalDtype) else None),
        drawn=tuple(i in drawn_ids for i in ids),
        points=tuple(zip(everywhere["x"], everywhere["y"], strict=True)),
        unlocated=tuple(bool(v) for v in (sites["lat"].isna() | sites["lon"].isna())),
        approximate=tuple(bool(v) for v in sites["geocode_precision"].isin(APPROXIMATE)),
        places=places,
    )


@dataclass(frozen=True)
class _Texts:
    """Per-site texts in one language (index i = i-th site of ``_sites()``)."""

    category_label: dict[str, str]
    map_custom: tuple[tuple[str, ...], ...]
    symbols: tuple[str, ...]
    era: tuple[str, ...]  # era_text, unescaped (the summaries)
    timeline_label: tuple[str, ...]
    timeline_custom: tuple[tuple[str, ...], ...]
    table: tuple[dict, ...]  # the table's row (table_records) with its id
    details: dict  # site_id -> detail(), made when first asked


@cache
def _texts(lang: str) -> _Texts:
    sites, pre = _sites(), _prepared()
    assert sites is not None and pre is not None
    table, _ = table_frame(sites, sites, lang)
    eras = tuple(era_text(r, lang) for r in pre.records)
    return _Texts(
        category_label={c: category_label(sites, c, lang) for c in pre.categories},
        map_custom=tuple((esc(r["site_id"]), esc(r["name"]), esc(e), esc(r["address_raw"]),
                          esc(_where(r, lang)) if d else "")
                         for r, e, d in zip(pre.records, eras, pre.drawn, strict=True)),
        symbols=tuple(_symbol(r) if d else "" for r, d in zip(pre.records, pre.drawn,
                                                               strict=True)),
        era=eras,
        timeline_label=tuple(esc(f"{r['site_id']} {r['name']}") for r in pre.records),
        timeline_custom=tuple((esc(r["site_id"]), esc(r["name"]), esc(e))
                              for r, e in zip(pre.records, eras, strict=True)),
        table=tuple(table_records(table.assign(id=sites["site_id"]))),
        details={},
    )


def _picked(pre: _Prepared, f: Filters) -> list[int]:
    """``selected`` as positions in ``_sites()``."""
    cats, counties, era = set(f.categories), set(f.counties), f.era
    out = []
    for i in range(len(pre.ids)):
        if cats and pre.category[i] not in cats:
            continue
        if counties and pre.county[i] not in counties:
            continue
        if era and (pre.start[i] is None or pre.end[i] is None
                    or pre.start[i] > era[1] or pre.end[i] < era[0]):
            continue
        out.append(i)
    return out


def _fast_map(pre: _Prepared, tx: _Texts, at: list[int], f: Filters, lang: str) -> dict:
    traces: list[dict] = []
    if data.counties_geojson() is not None:
        traces.append(maps.outlines_trace(set(f.counties), t("county_outlines", lang), lang))
        traces.append(maps.county_labels_trace(lang, list(pre.points)))
    hover = _hover(lang)
    drawn = [i for i in at if pre.drawn[i]]
    for category in pre.categories:
        group = [i for i in drawn if pre.category[i] == category]
        if not group:
            continue
        colour = pre.palette[category]
        solid = [tx.symbols[i] == "circle" for i in group]
        traces.append({
            "type": "scattergeo",
            "lon": np.array([pre.records[i]["x"] for i in group], dtype=float),
            "lat": np.array([pre.records[i]["y"] for i in group], dtype=float),
            "mode": "markers", "name": esc(tx.category_label[category]), "meta": "sites",
            "marker": {"color": colour, "size": 12, "symbol": [tx.symbols[i] for i in group],
                       "line": {"width": [1 if s else 2.5 for s in solid],
                                "color": ["white" if s else colour for s in solid]}},
            "customdata": [list(tx.map_custom[i]) for i in group],
            "hovertemplate": hover,
        })
    chosen = pre.ids.index(f.site) if f.site in pre.ids else None
    if chosen is not None and pre.drawn[chosen]:  # a ring round the selected site
        r = pre.records[chosen]
        traces.append({
            "type": "scattergeo", "lon": [r["x"]], "lat": [r["y"]], "mode": "markers",
            "meta": "selected", "name": t("map_selected", lang), "showlegend": False,
            "marker": {"symbol": "circle-open", "size": 26, "color": "#111",
                       "line": {"width": 3}},
            "customdata": [list(tx.map_custom[chosen])], "hovertemplate": hover,
        })
    if f.site and f.site in pre.places:  # a site on several places: show them all
        lon, lat, names = pre.places[f.site]
        traces.append({
            "type": "scattergeo", "lon": lon, "lat": lat, "mode": "markers",
            "name": t("selected_places", lang), "meta": "places",
            "marker": {"symbol": "x-thin-open", "size": 11, "color": "#222",
                       "line": {"width": 2}},
            "text": list(names), "hovertemplate": "%{text}<extra></extra>",
        })
    layout = maps.geo_layout_json(480, f.counties)
    layout["legend"] = {"title": {"text": t("category", lang), "side": "top"},
                        "orientation": "h", "yref": "container", "y": 0,
                        "yanchor": "bottom", "x": 0}
    layout["margin"] = {**layout["margin"], "b": 10}
    layout["clickmode"] = "event"
    return maps.figure_json(traces, layout)


def _fast_counts(pre: _Prepared, at: list[int], counties: list[str],
                 lang: str) -> tuple[dict, str]:
    """``counts_json`` and ``counts_summary``."""
    tally = dict.fromkeys(counties, 0)
    for i in at:
        if pre.county[i] in tally:
            tally[pre.county[i]] += 1
    counts = [tally[c] for c in counties]
    figure = maps.figure_json(*_counts_traces(counties, counts, lang))
    if not at:
        return figure, t("summary_empty", lang)
    ranked = sorted(zip(counties, counts, strict=True), key=lambda p: -p[1])
    return figure, t("summary_counts", lang).format(
        top=data.county_label(ranked[0][0], lang), n=ranked[0][1],
        low=data.county_label(ranked[-1][0], lang), m=ranked[-1][1],
        none=sum(pre.county[i] is None for i in at))


def _fast_map_summary(pre: _Prepared, at: list[int], lang: str) -> str:
    if not at:
        return t("summary_empty", lang)
    tally = dict.fromkeys(pre.county_order or (), 0)
    for i in at:
        if pre.county[i] is not None:
            tally[pre.county[i]] += 1
    ranked = sorted(((c, n) for c, n in tally.items() if n > 0), key=lambda p: -p[1])
    names = listing([t("summary_item", lang).format(name=data.county_label(c, lang), n=n)
                     for c, n in ranked], lang)
    unlocated = sum(pre.unlocated[i] for i in at)
    approx = sum(pre.approximate[i] for i in at) - unlocated
    return t("summary_map", lang).format(n=len(at), counties=names, approx=approx,
                                         unlocated=unlocated)


def _fast_timeline(pre: _Prepared, tx: _Texts, at: list[int],
                   lang: str) -> tuple[dict, str]:
    """``timeline_json`` (a linear scale) and ``timeline_summary``."""
    dated = [i for i in at if pre.start[i] is not None]
    # sort_values on two columns is stable: ties keep the sites' order
    dated.sort(key=lambda i: (-pre.start[i], -pre.end[i]))
    scale = pre.scale
    start = {i: scale.axis(pre.start[i]) for i in dated}
    end = {i: scale.axis(pre.end[i]) for i in dated}
    hover = ("<b>%{customdata[1]}</b>" + paren("%{customdata[0]}", lang)
             + "<br>%{customdata[2]}<extra></extra>")
    traces: list[dict] = []
    by_category = {c: [i for i in dated if pre.category[i] == c] for c in pre.categories}
    for category, group in by_category.items():
        if group:
            traces.append({
                "type": "bar", "base": [int(start[i]) for i in group],
                "x": [int(end[i] - start[i] + 1) for i in group],
                "y": [tx.timeline_label[i] for i in group], "orientation": "h",
                "name": esc(tx.category_label[category]),
                "marker": {"color": pre.palette[category]},
                "customdata": [list(tx.timeline_custom[i]) for i in group],
                "hovertemplate": hover,
            })
    span = (max(end.values()) - min(start.values())) if dated else 1
    for category, group in by_category.items():
        thin = [i for i in group if end[i] - start[i] < 0.02 * span]
        if thin:
            traces.append({
                "type": "scatter", "x": [(start[i] + end[i]) / 2 for i in thin],
                "y": [tx.timeline_label[i] for i in thin], "mode": "markers",
                "marker": {"symbol": "diamond", "size": 9, "color": pre.palette[category]},
                "showlegend": False, "name": esc(tx.category_label[category]),
                "customdata": [list(tx.timeline_custom[i]) for i in thin],
                "hovertemplate": hover,
            })
    layout = _timeline_layout([tx.timeline_label[i] for i in dated], lang)
    figure = maps.figure_json(traces, layout)
    if not dated:
        return figure, t("summary_empty", lang)
    # the first by (start, end), the last by (end, start); ties: the first / last in order
    by_order = sorted(dated)
    first = min(by_order, key=lambda i: (pre.start[i], pre.end[i]))
    last = max(reversed(by_order), key=lambda i: (pre.end[i], pre.start[i]))
    return figure, t("summary_timeline", lang).format(
        n=len(dated), first=pre.records[first]["name"], first_era=tx.era[first],
        last=pre.records[last]["name"], last_era=tx.era[last])


def _fast_detail(tx: _Texts, sites: pd.DataFrame, site: str | None, lang: str) -> list:
    if not site:
        return detail(sites, site, lang)
    if site not in tx.details:  # a race makes it twice at worst: the same answer
        tx.details[site] = detail(sites, site, lang)
    return list(tx.details[site])


def answer(f: Filters, lang: str) -> tuple | None:
    """The filter callback's data outputs for valid filters ``f``: table rows, the map,
    counts and timeline figures, the detail panel, the count text, the map, counts and
    timeline summaries; None when the fast path does not apply (no data, a compressed
    era scale, no county outlines, counties not a categorical column: the caller uses
    the pandas builders, which handle those)."""
    sites, pre = _sites(), _prepared()
    counties = data.county_names()
    if (sites is None or pre is None or pre.scale.compressed or not counties
            or pre.county_order is None):
        return None
    tx = _texts(lang)
    at = _picked(pre, f)
    counts, counts_text = _fast_counts(pre, at, counties, lang)
    timeline, timeline_text = _fast_timeline(pre, tx, at, lang)
    return ([dict(tx.table[i]) for i in at], _fast_map(pre, tx, at, f, lang), counts,
            timeline, _fast_detail(tx, sites, f.site, lang),
            f"{len(at)} / {len(sites)} {t('sites', lang) if lang == 'en' else '处'}",
            _fast_map_summary(pre, at, lang), counts_text, timeline_text)


def _reference_answer(sites: pd.DataFrame, f: Filters, lang: str) -> tuple:
    """``answer`` through the pandas builders (any data; the reference for the tests)."""
    rows = selected(sites, f)
    table, _ = table_frame(sites, rows, lang)
    return (table_records(table.assign(id=rows["site_id"])), map_json(sites, rows, f, lang),
            counts_json(rows, lang), timeline_json(sites, rows, lang),
            detail(sites, f.site, lang), _count_text(rows, sites, lang),
            map_summary(rows, lang), counts_summary(rows, lang),
            timeline_summary(rows, lang))


def _clicked_site(trigger: object, map_click: object, timeline_click: object,
                  cell: object) -> object:
    """The site id a click names, if the click is what triggered the callback."""
    click = {"heritage-map": map_click, "heritage-timeline": timeline_click}.get(str(trigger))
    if isinstance(click, dict):
        points = click.get("points") or [{}]
        custom = points[0].get("customdata") if isinstance(points[0], dict) else None
        return custom[0] if isinstance(custom, list) and custom else None
    if trigger == "heritage-table" and isinstance(cell, dict):
        return cell.get("row_id")
    return None


def register(app: Dash) -> None:
    @app.callback(
        Output("heritage-table", "data"), Output("heritage-map", "figure"),
        Output("heritage-counts", "figure"), Output("heritage-timeline", "figure"),
        Output("heritage-detail", "children"), Output("heritage-count", "children"),
        Output("heritage-site", "data"), Output("heritage-chosen", "data"),
        Output("heritage-era-text", "children"), Output("heritage-map-summary", "children"),
        Output("heritage-counts-summary", "children"),
        Output("heritage-timeline-summary", "children"),
        Output("heritage-table", "active_cell"),
        Output("url", "search", allow_duplicate=True),
        Output("url-written", "data", allow_duplicate=True),
        Input("heritage-category", "value"), Input("heritage-county", "value"),
        Input("heritage-era", "value"), Input("heritage-map", "clickData"),
        Input("heritage-timeline", "clickData"), Input("heritage-table", "active_cell"),
        State("heritage-site", "data"), State("rendered", "data"), prevent_initial_call=True,
    )
    def update(category, county, era, map_click, timeline_click, cell, current, rendered):
        if urlstate.inserted(ctx.triggered):
            raise PreventUpdate
        sites = _sites()
        if sites is None:
            raise PreventUpdate
        lang = urlstate.rendered_lang(rendered)
        clicked = _clicked_site(ctx.triggered_id, map_click, timeline_click, cell)
        pre = _prepared()
        if pre is None:
            scale = era_scale(sites)
            f = filters(sites, category, county, _era_years(scale, era), clicked or current)
        else:
            scale = pre.scale
            f = _valid(pre.bounds, list(pre.categories), list(pre.county_options),
                       set(pre.ids), category, county, _era_years(scale, era),
                       clicked or current)
        parts = answer(f, lang) or _reference_answer(sites, f, lang)
        query = to_query(f, lang)
        chosen = f.site if clicked and f.site == clicked else no_update
        # a table click keeps its cell; anything else clears it, so clicking that row again
        # (after the map chose another site, or the rows changed) is a new click
        from_table = ctx.triggered_id == "heritage-table" and clicked is not None
        table, map_fig, counts_fig, timeline_fig, panel, count, *summaries = parts
        return (table, map_fig, counts_fig, timeline_fig, panel, count, f.site, chosen,
                _era_range_text(scale, f.era, lang), *summaries,
                no_update if from_table else None, query, query)

    # A chosen site's details come into view (on a phone the panel is far above the list
    # or below the map); nothing moves when the panel is already on screen. Clientside, so
    # no round trip, and hashed into the CSP by dashboard.security like every inline script.
    app.clientside_callback(
        """function(site) {
            const panel = document.getElementById('heritage-detail-panel');
            if (site && panel) {
                const top = panel.getBoundingClientRect().top;
                if (top < 0 || top > window.innerHeight * 0.6) {
                    panel.scrollIntoView({block: 'start'});
                }
            }
            return window.dash_clientside.no_update;
        }""",
        Output("heritage-scrolled", "data"), Input("heritage-chosen", "data"),
        prevent_initial_call=True,
    )
