"""/heritage 文物保护单位: map over the county outlines, sites per county, era timeline, list
and a detail panel; category, county and era filters drive all of them together."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, maps, urlstate
from dashboard.components import (
    PALETTE,
    data_table,
    esc,
    graph,
    message,
    no_data,
    page_header,
    section,
    style,
    table_records,
)
from dashboard.i18n import col, colon, common_col, flag_text, paren, t, value_label

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


def _sites() -> pd.DataFrame | None:
    frame = data.load(SITES)
    if frame is None or frame.empty:
        return None
    return frame.iloc[sorted(range(len(frame)), key=lambda i: _site_key(frame["site_id"][i]))
                      ].reset_index(drop=True)


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
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories(sites))}


def year_bounds(sites: pd.DataFrame) -> tuple[int, int] | None:
    starts, ends = sites["era_start_year"].dropna(), sites["era_end_year"].dropna()
    if starts.empty or ends.empty:
        return None
    return int(starts.min()), int(ends.max())


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
    bounds = year_bounds(sites)
    span = None
    if bounds and isinstance(era, list | tuple) and len(era) == 2:
        low, high = _int(era[0]), _int(era[1])
        if low is not None and high is not None:
            low, high = sorted((max(low, bounds[0]), min(high, bounds[1])))
            span = None if (low, high) == bounds else (low, high)
    return Filters(
        tuple(urlstate.known(_as_list(category), categories(sites))),
        tuple(urlstate.known(_as_list(county), county_options(sites))),
        span,
        site if isinstance(site, str) and site in set(sites["site_id"]) else None,
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


def map_points(rows: pd.DataFrame) -> pd.DataFrame:
    """Where each site is drawn: its own point; approximate points that coincide are set on
    a small ring; a site with no point (5-23: mountains, no county) in the middle of the
    city, marked as unlocated."""
    out = rows.copy()
    out["x"], out["y"] = out["lon"].astype(float), out["lat"].astype(float)
    out["located"] = out["lat"].notna() & out["lon"].notna()
    centre = maps.city_point()
    if centre is not None:
        out.loc[~out["located"], "x"] = centre[0]
        out.loc[~out["located"], "y"] = centre[1]
    approx = out["x"].notna() & ((~out["located"])
                                 | out["geocode_precision"].isin(APPROXIMATE))
    if approx.any():
        moved = maps.spread(list(zip(out.loc[approx, "x"], out.loc[approx, "y"],
                                     out.loc[approx, "county"].astype(object)
                                     .where(out.loc[approx, "county"].notna(), None),
                                     strict=True)))
        out.loc[approx, "x"] = [p[0] for p in moved]
        out.loc[approx, "y"] = [p[1] for p in moved]
    return out[out["x"].notna()]


def _symbol(row: pd.Series) -> str:
    if not row["located"]:
        return "square-open"
    return "circle-open" if row["geocode_precision"] in APPROXIMATE else "circle"


def map_figure(sites: pd.DataFrame, rows: pd.DataFrame, f: Filters, lang: str) -> go.Figure:
    """Every (filtered) site coloured by category over the county outlines; approximate
    points hollow, unlocated ones as hollow squares."""
    fig = go.Figure()
    if data.counties_geojson() is not None:
        fig.add_trace(maps.outlines(set(f.counties), t("county_outlines", lang), lang))
    palette = colours(sites)
    drawn = map_points(rows)
    for category in categories(sites):
        group = drawn[drawn["category_zh"] == category]
        if group.empty:
            continue
        symbols = [_symbol(r) for _, r in group.iterrows()]
        solid = [s == "circle" for s in symbols]
        fig.add_trace(go.Scattergeo(
            lon=group["x"], lat=group["y"], mode="markers",
            name=esc(category_label(sites, category, lang)), meta="sites",
            marker={"color": palette[category], "size": 12, "symbol": symbols,
                    "line": {"width": [1 if s else 2.5 for s in solid],
                             "color": ["white" if s else palette[category] for s in solid]}},
            customdata=[[esc(r["site_id"]), esc(r["name"]), esc(era_text(r, lang)),
                         esc(r["address_raw"]), esc(_precision_text(r, lang))]
                        for _, r in group.iterrows()],
            hovertemplate=_hover(lang),
        ))
    places = data.load(PLACES)
    if f.site and places is not None:
        own = places[(places["site_id"] == f.site) & places["lat"].notna()]
        if len(own) > 1:  # a site on several places: show them all
            fig.add_trace(go.Scattergeo(
                lon=own["lon"].astype(float), lat=own["lat"].astype(float), mode="markers",
                name=t("selected_places", lang), meta="places",
                marker={"symbol": "x-thin-open", "size": 11, "color": "#222",
                        "line": {"width": 2}},
                text=[esc(p) for p in own["place"]],
                hovertemplate="%{text}<extra></extra>",
            ))
    fig = maps.geo_layout(fig, height=480)
    fig.update_layout(legend={"title": {"text": t("category", lang), "side": "top"},
                              "orientation": "h", "y": 0, "yanchor": "top", "x": 0},
                      margin={"b": 70}, clickmode="event")
    return fig


def counts_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """Sites per county (of the filtered sites), with the count written on each county."""
    counties = data.county_names()
    if not counties:  # outlines not published yet: the same counts as bars
        counts = rows["county"].value_counts()
        fig = go.Figure(go.Bar(x=counts.index.tolist(), y=counts.tolist(),
                               hovertemplate="%{x}: %{y}<extra></extra>"))
        return style(fig, height=300, legend=False)
    counts = rows["county"].value_counts().reindex(counties).fillna(0).astype(int)
    fig = go.Figure(go.Choropleth(
        geojson=data.counties_geojson(), featureidkey="properties.county",
        locations=counties, z=counts.tolist(), zmin=0, colorscale="Blues",
        marker={"line": {"color": maps.OUTLINE, "width": 1}},
        colorbar={"title": {"text": t("sites", lang)}, "thickness": 12, "len": 0.7},
        text=[data.county_label(c, lang) for c in counties],
        hovertemplate="%{text}: %{z}<extra></extra>", name=t("sites", lang),
    ))
    points = maps.county_points()
    fig.add_trace(go.Scattergeo(
        lon=[points[c][0] for c in counties], lat=[points[c][1] for c in counties],
        mode="text", text=[f"{data.county_label(c, lang)}<br>{n}"
                           for c, n in zip(counties, counts, strict=True)],
        textfont={"size": 11, "color": ["white" if n > 0.55 * max(counts.max(), 1) else "#222"
                                        for n in counts]},
        hoverinfo="skip", showlegend=False,
    ))
    return maps.geo_layout(fig, height=360)


def timeline_figure(sites: pd.DataFrame, rows: pd.DataFrame, lang: str) -> go.Figure:
    """Each site as a bar from its era's first to last year."""
    dated = rows[rows["era_start_year"].notna()].sort_values(
        ["era_start_year", "era_end_year"], ascending=[False, False])
    palette = colours(sites)
    fig = go.Figure()
    for category in categories(sites):
        group = dated[dated["category_zh"] == category]
        if group.empty:
            continue
        start = group["era_start_year"].astype(int)
        end = group["era_end_year"].astype(int)
        fig.add_trace(go.Bar(
            base=start, x=(end - start + 1), y=[esc(f"{i} {n}") for i, n in
                                                  zip(group["site_id"], group["name"],
                                                      strict=True)],
            orientation="h", name=esc(category_label(sites, category, lang)),
            marker={"color": palette[category]},
            customdata=[[esc(r["site_id"]), esc(r["name"]), esc(era_text(r, lang))]
                        for _, r in group.iterrows()],
            hovertemplate="<b>%{customdata[1]}</b>" + paren("%{customdata[0]}", lang)
                          + "<br>%{customdata[2]}<extra></extra>",
        ))
    # a single year or a decade is too thin to see as a bar: mark its middle as well
    span = (dated["era_end_year"].max() - dated["era_start_year"].min()) if len(dated) else 1
    short = dated[(dated["era_end_year"] - dated["era_start_year"]) < 0.02 * span]
    for category in categories(sites):
        group = short[short["category_zh"] == category]
        if group.empty:
            continue
        fig.add_trace(go.Scatter(
            x=(group["era_start_year"] + group["era_end_year"]).astype(float) / 2,
            y=[esc(f"{i} {n}") for i, n in zip(group["site_id"], group["name"], strict=True)],
            mode="markers", marker={"symbol": "diamond", "size": 9,
                                    "color": palette[category]},
            showlegend=False, name=esc(category_label(sites, category, lang)),
            customdata=[[esc(r["site_id"]), esc(r["name"]), esc(era_text(r, lang))]
                        for _, r in group.iterrows()],
            hovertemplate="<b>%{customdata[1]}</b>" + paren("%{customdata[0]}", lang)
                          + "<br>%{customdata[2]}<extra></extra>",
        ))
    order = [esc(f"{i} {n}") for i, n in zip(dated["site_id"], dated["name"], strict=True)]
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True,
                     tickfont={"size": 11})
    fig.update_xaxes(title=t("year_axis", lang), gridcolor="#e5e5e5", zeroline=True,
                     zerolinecolor="#999")
    fig.update_layout(barmode="overlay", bargap=0.25)
    return style(fig, height=max(220, 21 * len(dated) + 120))


# --- tables and the detail panel --------------------------------------------------------


def table_frame(sites: pd.DataFrame, rows: pd.DataFrame,
                lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    out = rows[["site_id", "name", "era_label", "county", "address_raw"]].copy()
    out["county"] = [data.county_label(c, lang) for c in rows["county"]]
    out.insert(2, "category", [category_label(sites, c, lang) for c in rows["category_zh"]])
    out["geocode_precision"] = [_precision_text(r, lang) for _, r in rows.iterrows()]
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
        + _field(label["geocode_source"], row["geocode_source"])
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


# --- page --------------------------------------------------------------------------------


def _era_marks(bounds: tuple[int, int]) -> dict:
    """Round years between the ends; the ends are in the slider's own input boxes."""
    margin = (bounds[1] - bounds[0]) / 10
    return {str(y): str(y) for y in (0, 500, 1000, 1500)
            if bounds[0] + margin < y < bounds[1] - margin}


def _count_text(rows: pd.DataFrame, sites: pd.DataFrame, lang: str) -> str:
    return f"{len(rows)} / {len(sites)} {t('sites', lang) if lang == 'en' else '处'}"


def layout(params: urlstate.Params, lang: str):
    sites = _sites()
    head = page_header(t("heritage_title", lang), None, lang)
    if sites is None:
        return html.Div([head, no_data(lang)])
    f = from_params(sites, params)
    rows = selected(sites, f)
    bounds = year_bounds(sites) or (0, 2000)
    table, heads = table_frame(sites, rows, lang)
    no_outlines = (message(t("map_unavailable", lang))
                   if data.counties_geojson() is None else None)
    return html.Div([
        head,
        dcc.Store(id="heritage-site", data=f.site),
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
                      dcc.RangeSlider(id="heritage-era", min=bounds[0], max=bounds[1], step=1,
                                      value=list(f.era or bounds),
                                      marks=_era_marks(bounds), allowCross=False,
                                      tooltip={"placement": "bottom"})],
                     className="era-filter"),
            html.Div(_count_text(rows, sites, lang), id="heritage-count", className="count"),
        ], className="filters filters-heritage"),
        html.Div([
            section(t("heritage_map", lang), no_outlines,
                    graph("heritage-map", map_figure(sites, rows, f, lang),
                          t("heritage_map", lang), maps.config()),
                    html.P(t("legend_hollow", lang), className="note"),
                    class_name="map-panel"),
            section(t("heritage_detail", lang),
                    html.Div(detail(sites, f.site, lang), id="heritage-detail"),
                    class_name="detail-panel"),
        ], className="grid-map"),
        html.Div([
            section(t("heritage_counts", lang),
                    graph("heritage-counts", counts_figure(rows, lang),
                          t("heritage_counts", lang), maps.config())),
            section(t("heritage_timeline", lang),
                    graph("heritage-timeline", timeline_figure(sites, rows, lang),
                          t("heritage_timeline", lang))),
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
        Output("heritage-site", "data"),
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
        f = filters(sites, category, county, era, clicked or current)
        rows = selected(sites, f)
        table, _ = table_frame(sites, rows, lang)
        query = to_query(f, lang)
        return (table_records(table.assign(id=rows["site_id"])),
                map_figure(sites, rows, f, lang), counts_figure(rows, lang),
                timeline_figure(sites, rows, lang), detail(sites, f.site, lang),
                _count_text(rows, sites, lang), f.site, query, query)
