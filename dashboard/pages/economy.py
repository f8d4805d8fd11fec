"""/economy 经济指标: growth chart, cumulative values with units, period selector, and a time
series that appears by itself once a second reporting period is published."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, urlstate
from dashboard.components import (
    NEGATIVE,
    PALETTE,
    POSITIVE,
    data_table,
    esc,
    figure_json,
    graph,
    memo_per_data,
    no_data,
    page_header,
    section,
    style,
    style_layout,
    table_records,
)
from dashboard.i18n import col, colon, flag_text, listing, t, value_label
from dashboard.labels import wrap

NAME = "economy"
NAV_KEY = "nav_economy"
DATASET = "economic_indicators"
TABLE_COLUMNS = ("indicator", "value", "unit", "yoy_pct", "index_change_pct_derived",
                 "measure", "quality_flags", "source")
NUMERIC = ("value", "yoy_pct", "index_change_pct_derived")


@dataclass(frozen=True)
class Filters:
    period: str | None  # period_end, YYYY-MM
    indicators: tuple[str, ...]


def cumulative(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """The cumulative periods only: a table with a month column also publishes each single
    month as its own row (period_kind ``month``), which this page does not chart yet."""
    if frame is None or "period_kind" not in frame:
        return frame
    return frame[frame["period_kind"] != "month"]


def _frame() -> pd.DataFrame | None:
    return cumulative(data.load(DATASET))


def periods(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per reporting period, oldest first."""
    return (frame[["period_start", "period_end", "period_label"]].drop_duplicates()
            .sort_values(["period_end", "period_start"]).reset_index(drop=True))


def period_name(row: pd.Series | dict, lang: str) -> str:
    if lang == "zh":
        return str(row["period_label"])
    start, end = str(row["period_start"]), str(row["period_end"])
    y1, m1 = int(start[:4]), int(start[5:])
    y2, m2 = int(end[:4]), int(end[5:])
    if y1 == y2:
        first = calendar.month_abbr[m1]
        return f"{first}–{calendar.month_abbr[m2]} {y2}" if m1 != m2 else f"{first} {y2}"
    return f"{calendar.month_abbr[m1]} {y1} – {calendar.month_abbr[m2]} {y2}"


def _name_column(lang: str) -> str:
    return "indicator_en" if lang == "en" else "indicator_zh"


def names(rows: pd.DataFrame, lang: str, where: str = "chart") -> list[str]:
    """Indicator names; a part of a total says so (工业 alone could be anything): in a chart
    ``全社会用电量：工业``, in the table, under its total, ``其中：工业``."""
    own = dict(zip(rows["indicator_id"], rows[_name_column(lang)], strict=True))
    out = []
    for name, parent in zip(rows[_name_column(lang)], rows["part_of"], strict=True):
        if pd.isna(parent):
            out.append(str(name))
        elif where == "chart":
            out.append(f"{own.get(parent, parent)}：{name}" if lang == "zh"
                       else f"{own.get(parent, parent)}: {name}")
        else:
            out.append(f"　其中：{name}" if lang == "zh" else f"  of which: {name}")
    return out


def default_indicators(frame: pd.DataFrame) -> list[str]:
    """Top-level indicators with a growth rate: the lines a first look should show."""
    top = frame[frame["part_of"].isna() & frame["yoy_pct"].notna()]
    return list(dict.fromkeys(top["indicator_id"]))


def filters(frame: pd.DataFrame, period: object, indicators: object) -> Filters:
    """Validated filters: unknown periods and indicators are dropped, not trusted."""
    ends = list(periods(frame)["period_end"])
    chosen = period if isinstance(period, str) and period in ends else ends[-1]
    if isinstance(indicators, str):
        indicators = [indicators]
    ids = urlstate.known(indicators if isinstance(indicators, list) else [],
                         frame["indicator_id"].unique())
    return Filters(chosen, tuple(ids))


def from_params(frame: pd.DataFrame, params: urlstate.Params) -> Filters:
    return filters(frame, urlstate.first(params, "period"), params.get("indicator", []))


def to_query(frame: pd.DataFrame, f: Filters, lang: str) -> str:
    latest = periods(frame)["period_end"].iloc[-1]
    indicators = list(f.indicators) if list(f.indicators) != default_indicators(frame) else []
    return urlstate.build({"period": None if f.period == latest else f.period,
                           "indicator": indicators}, lang)


def _rows(frame: pd.DataFrame, f: Filters) -> pd.DataFrame:
    return frame[frame["period_end"] == f.period].reset_index(drop=True)


def _number(value: object, unit: str = "") -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):,.2f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")


def unit_label(unit: object, lang: str) -> str:
    """A unit as the reader says it: 亿元 in Chinese, "100 million yuan" in English (the
    dictionary's ``unit`` value list; the printed unit when the list does not know it)."""
    return value_label("unit", unit, lang)


def _amount(value: object, unit: object, lang: str) -> str:
    label = unit_label(unit, lang)
    if lang == "en" and label:  # "799,701 (10,000 USD)": a number before a number is misread
        return f"{_number(value)} ({label})"
    return _number(value, label)


def _growth_parts(rows: pd.DataFrame, lang: str) -> tuple:
    """The rows with a growth rate, sorted, with their names as shown, wrapped and as
    ticks, and their printed values (the figure and its JSON share these)."""
    labels = pd.Series(names(rows, lang), index=rows.index)
    growth = rows[rows["yoy_pct"].notna()].sort_values("yoy_pct")
    shown = [esc(n) for n in labels[growth.index]]
    # the bars keep the full names (hover, tests, clicks); only the tick labels wrap
    lines = [wrap(n) for n in labels[growth.index]]
    ticks = ["<br>".join(esc(part) for part in parts) for parts in lines]
    growth = growth.reset_index(drop=True)
    values = [esc(_amount(v, u, lang)) if pd.notna(v) else t("value_not_printed", lang)
              for v, u in zip(growth["value"], growth["unit"], strict=True)]
    return growth, shown, lines, ticks, values


def growth_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """Year-on-year growth, sorted, negative and positive in diverging colours."""
    growth, shown, lines, ticks, values = _growth_parts(rows, lang)
    fig = go.Figure(go.Bar(
        x=growth["yoy_pct"].astype(float), y=shown, orientation="h",
        marker={"color": [NEGATIVE if v < 0 else POSITIVE for v in growth["yoy_pct"]]},
        text=[f"{v:+.1f}%" if v >= 0 else "" for v in growth["yoy_pct"]],
        textposition="outside",
        cliponaxis=False,
        customdata=list(zip(values, growth["indicator_id"], strict=True)),
        hovertemplate=("<b>%{y}</b><br>" + t("economy_growth", lang) + ": %{x:+.1f}%<br>"
                       + col(DATASET, "value", lang) + ": %{customdata[0]}<extra></extra>"),
        name=t("economy_growth", lang),
    ))
    # a decline's label goes right of the zero line: left of its bar it would run into the
    # indicator names on a phone
    negative = growth["yoy_pct"] < 0
    fig.add_trace(go.Scatter(
        x=[0] * int(negative.sum()), y=[n for n, neg in zip(shown, negative, strict=True) if neg],
        text=[f"{v:+.1f}%" for v in growth.loc[negative, "yoy_pct"]], mode="text",
        textposition="middle right", textfont={"color": NEGATIVE}, hoverinfo="skip",
        showlegend=False, cliponaxis=False,
    ))
    fig.add_vline(x=0, line_color="#444", line_width=1)
    # no axis title: the panel's heading says "year-on-year growth (%)", and a title as
    # long as the plot is narrow was clipped on a phone; upright ticks, three or so
    fig.update_xaxes(ticksuffix="%", zeroline=False, gridcolor="#e5e5e5", tickangle=0,
                     nticks=5, automargin=True)
    fig.update_yaxes(automargin=True, tickfont={"size": 12}, tickmode="array",
                     tickvals=shown, ticktext=ticks)
    span = max(abs(growth["yoy_pct"].min()), abs(growth["yoy_pct"].max()), 1) if len(growth) else 1
    low = growth["yoy_pct"].min() if len(growth) else 0
    fig.update_xaxes(range=[-span * 1.5 if low < 0 else 0, span * 1.5])
    # height from the labels' lines: every bar gets a band as tall as the longest wrapped
    # name (plotly gives each category the same band, so a four-line name would otherwise
    # run into its neighbours)
    deepest = max((len(parts) for parts in lines), default=1)
    height = 60 + len(lines) * (16 * deepest + 12)
    fig = style(fig, height=max(260, 34 * len(growth) + 60, height), legend=False)
    fig.update_layout(margin={"r": 44})  # room for the +19.6% outside the longest bar
    return fig


def growth_json(rows: pd.DataFrame, lang: str) -> dict:
    """``growth_figure`` as the JSON plotly writes for it, without its validation."""
    growth, shown, lines, ticks, values = _growth_parts(rows, lang)
    pct = growth["yoy_pct"].astype(float)
    bars = {"type": "bar", "x": pct.to_numpy(), "y": shown, "orientation": "h",
            "marker": {"color": [NEGATIVE if v < 0 else POSITIVE for v in growth["yoy_pct"]]},
            "text": [f"{v:+.1f}%" if v >= 0 else "" for v in growth["yoy_pct"]],
            "textposition": "outside", "cliponaxis": False,
            "customdata": [list(pair) for pair in zip(values, growth["indicator_id"],
                                                      strict=True)],
            "hovertemplate": ("<b>%{y}</b><br>" + t("economy_growth", lang)
                              + ": %{x:+.1f}%<br>" + col(DATASET, "value", lang)
                              + ": %{customdata[0]}<extra></extra>"),
            "name": t("economy_growth", lang)}
    negative = growth["yoy_pct"] < 0
    labels_right = {
        "type": "scatter", "x": [0] * int(negative.sum()),
        "y": [n for n, neg in zip(shown, negative, strict=True) if neg],
        "text": [f"{v:+.1f}%" for v in growth.loc[negative, "yoy_pct"]], "mode": "text",
        "textposition": "middle right", "textfont": {"color": NEGATIVE}, "hoverinfo": "skip",
        "showlegend": False, "cliponaxis": False}
    span = max(abs(growth["yoy_pct"].min()), abs(growth["yoy_pct"].max()), 1) if len(growth) else 1
    low = growth["yoy_pct"].min() if len(growth) else 0
    deepest = max((len(parts) for parts in lines), default=1)
    height = 60 + len(lines) * (16 * deepest + 12)
    layout = style_layout(height=max(260, 34 * len(growth) + 60, height), legend=False)
    layout["margin"] = {**layout["margin"], "r": 44}
    return figure_json([bars, labels_right], {
        "shapes": [{"type": "line", "line": {"color": "#444", "width": 1}, "x0": 0, "x1": 0,
                    "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"}],
        "xaxis": {"ticksuffix": "%", "zeroline": False, "gridcolor": "#e5e5e5",
                  "tickangle": 0, "nticks": 5, "automargin": True,
                  "range": [float(-span * 1.5) if low < 0 else 0, float(span * 1.5)]},
        "yaxis": {"tickfont": {"size": 12}, "automargin": True, "tickmode": "array",
                  "tickvals": shown, "ticktext": ticks},
        **layout})


def series_json(frame: pd.DataFrame, f: Filters, lang: str) -> dict:
    """``series_figure`` as JSON: written directly while there is one period (the figure is
    empty then), else plotly's own output (several periods are rare: a page open)."""
    if len(periods(frame)) < 2:
        return figure_json([], {})
    fig = series_figure(frame, f, lang).to_plotly_json()
    return figure_json(fig["data"], {k: v for k, v in fig["layout"].items() if k != "template"})


@memo_per_data
def _figures(f: Filters, lang: str) -> tuple[dict, dict]:
    """The growth and series figures for a filter, remembered: most opens of the page show
    the same ones."""
    frame = _frame()
    return growth_json(_rows(frame, f), lang), series_json(frame, f, lang)


def growth_summary(rows: pd.DataFrame, lang: str) -> str:
    """The growth chart in a sentence (screen readers, and anyone in a hurry)."""
    growth = rows[rows["yoy_pct"].notna()]
    if growth.empty:
        return t("summary_empty", lang)
    label = pd.Series(names(rows, lang), index=rows.index)
    up, down = growth[growth["yoy_pct"] > 0], growth[growth["yoy_pct"] < 0]
    text = ""
    if len(up):
        top = up["yoy_pct"].idxmax()
        text = t("summary_growth_up", lang).format(
            n=len(growth), up=len(up), top=label[top], top_v=f"{growth.at[top, 'yoy_pct']:+.1f}%")
    if len(down):
        bottom = down["yoy_pct"].idxmin()
        text += (" " if lang == "en" and text else "") + t("summary_growth_down", lang).format(
            down=len(down), bottom=label[bottom],
            bottom_v=f"{growth.at[bottom, 'yoy_pct']:+.1f}%")
    return text


def series_figure(frame: pd.DataFrame, f: Filters, lang: str) -> go.Figure:
    """Year-on-year growth per period; empty while there is only one period (hidden then)."""
    order = periods(frame)
    fig = go.Figure()
    if len(order) < 2:
        return fig
    chosen = list(f.indicators) or default_indicators(frame)
    growth = (frame.pivot_table(index="period_end", columns="indicator_id", values="yoy_pct",
                                aggfunc="first").reindex(order["period_end"]))
    labels = [esc(period_name(r, lang)) for r in order.to_dict("records")]
    names = dict(zip(frame["indicator_id"], frame[_name_column(lang)], strict=True))
    for i, indicator in enumerate(chosen):
        values = growth[indicator] if indicator in growth else [None] * len(order)
        name = esc(names[indicator])
        fig.add_trace(go.Scatter(
            x=list(order["period_end"]), y=[None if pd.isna(v) else float(v) for v in values],
            mode="lines+markers", name=name, line={"color": PALETTE[i % len(PALETTE)]},
            customdata=labels,
            hovertemplate="<b>%{fullData.name}</b><br>%{customdata}: %{y:+.1f}%<extra></extra>",
        ))
    fig.add_hline(y=0, line_color="#444", line_width=1)
    if f.period:
        fig.add_vline(x=f.period, line_color="#999", line_dash="dot")
    fig.update_xaxes(type="category", title=t("period", lang))
    fig.update_yaxes(title=t("economy_growth", lang), ticksuffix="%", gridcolor="#e5e5e5",
                     automargin=True)
    fig.update_xaxes(automargin=True)
    fig = style(fig, height=420)
    # the legend at the foot of the figure, below the axis title, never over it
    fig.update_layout(legend={"orientation": "h", "yref": "container", "y": 0,
                              "yanchor": "bottom", "x": 0})
    return fig


def table_frame(rows: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    out = pd.DataFrame({
        "indicator": names(rows, lang, where="table"),
        "value": rows["value"], "unit": [unit_label(u, lang) for u in rows["unit"]],
        "yoy_pct": rows["yoy_pct"],
        "index_change_pct_derived": rows["index_change_pct_derived"],
        "measure": [value_label("measure", m, lang) for m in rows["measure"]],
        "quality_flags": [("；" if lang == "zh" else "; ").join(
                              flag_text(c, lang) for c in str(v).split(";"))
                          if pd.notna(v) else "" for v in rows["quality_flags"]],
        "source": [f"{i}:{n}" for i, n in zip(rows["source_issue"], rows["source_line"],
                                               strict=True)],
    })
    headers = [("indicator", col(DATASET, "indicator_zh", "zh") if lang == "zh"
                else "Indicator")]
    headers += [(c, t("source_line", lang) if c == "source" else col(DATASET, c, lang))
                for c in TABLE_COLUMNS[1:]]
    return out, headers


def _period_options(frame: pd.DataFrame, lang: str) -> list[dict]:
    return [{"label": period_name(r, lang), "value": r["period_end"]}
            for _, r in periods(frame).iloc[::-1].iterrows()]


def _indicator_options(frame: pd.DataFrame, lang: str) -> list[dict]:
    names = frame.drop_duplicates("indicator_id")
    return [{"label": n, "value": i} for i, n in
            zip(names["indicator_id"], names[_name_column(lang)], strict=True)]


def layout(params: urlstate.Params, lang: str):
    frame = _frame()
    if frame is None or frame.empty:
        return html.Div([page_header(t("economy_title", lang), None, lang), no_data(lang)])
    f = from_params(frame, params)
    return _layout(f, lang)


@memo_per_data
def _layout(f: Filters, lang: str) -> html.Div:
    """The page for valid filters ``f``, made once per data version (shared: never
    mutate it); a query that validates to the same filters is the same page."""
    frame = _frame()
    rows = _rows(frame, f)
    table, headers = table_frame(rows, lang)
    growth, series = _figures(f, lang)
    several = len(periods(frame)) > 1
    source = [value_label("source_agency", a, lang)
              for a in rows["source_agency"].dropna().unique()]
    intro = (t("source", lang) + colon(lang) + listing(source, lang)
             if len(source) else None)
    return html.Div([
        page_header(t("economy_title", lang), intro, lang),
        html.Div([html.Div([
            html.Label(t("period", lang), htmlFor="economy-period"),
            dcc.Dropdown(id="economy-period", options=_period_options(frame, lang),
                         value=f.period, clearable=False, searchable=False),
        ], className="narrow")], className="filters"),
        html.Div([
            section(t("economy_growth", lang),
                    graph("economy-growth", growth, t("economy_growth", lang)),
                    html.P(growth_summary(rows, lang), id="economy-growth-summary",
                           className="chart-summary"),
                    html.P(t("economy_growth_note", lang), className="note")),
            section(t("economy_table", lang),
                    data_table("economy-table", table, headers, page_size=20, numeric=NUMERIC,
                               grouped=("value",))),
        ], className="grid-econ"),
        section(
            t("economy_series", lang),
            html.P(t("economy_series_one", lang), className="note",
                   hidden=several, id="economy-series-note"),
            html.Div([
                html.Label(t("economy_indicators", lang), htmlFor="economy-indicators"),
                dcc.Dropdown(id="economy-indicators", options=_indicator_options(frame, lang),
                             value=list(f.indicators) or default_indicators(frame), multi=True),
                graph("economy-series", series,
                      t("economy_series", lang)),
            ], hidden=not several, id="economy-series-box"),
        ),
    ])


def view(params: urlstate.Params, lang: str) -> pd.DataFrame | None:
    frame = _frame()
    if frame is None or frame.empty:
        return None
    f = from_params(frame, params)
    table, headers = table_frame(_rows(frame, f), lang)
    out = table.copy()
    row = periods(frame).set_index("period_end").loc[f.period]
    out.insert(0, "period", period_name({"period_start": row["period_start"],
                                         "period_end": f.period,
                                         "period_label": row["period_label"]}, lang))
    return out.rename(columns=dict(headers) | {"period": t("period", lang)})


def register(app: Dash) -> None:
    @app.callback(
        Output("economy-growth", "figure"), Output("economy-table", "data"),
        Output("economy-series", "figure"), Output("economy-growth-summary", "children"),
        Output("url", "search", allow_duplicate=True),
        Output("url-written", "data", allow_duplicate=True),
        Input("economy-period", "value"), Input("economy-indicators", "value"),
        State("rendered", "data"), prevent_initial_call=True,
    )
    def update(period, indicators, rendered):
        if urlstate.inserted(ctx.triggered):
            raise PreventUpdate
        frame = _frame()
        if frame is None or frame.empty:
            raise PreventUpdate
        lang = urlstate.rendered_lang(rendered)
        f = filters(frame, period, indicators)
        rows = _rows(frame, f)
        table, _ = table_frame(rows, lang)
        query = to_query(frame, f, lang)
        growth, series = _figures(f, lang)
        return (growth, table_records(table), series, growth_summary(rows, lang), query, query)

