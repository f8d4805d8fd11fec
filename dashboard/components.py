"""Building blocks every page uses: tables, graphs, cards, the download bar, figure style.

Gazette text is data. Dash components render strings as text, never HTML; the only place a
string could be read as markup is Plotly's hover and label text, so ``esc`` escapes it.
"""

from __future__ import annotations

import html as _html
from collections.abc import Callable, Sequence
from functools import cache, lru_cache

import pandas as pd
import plotly.graph_objects as go
from _plotly_utils.utils import convert_to_base64
from dash import dash_table, dcc, html
from dash.dash_table.Format import Format, Group
from dash.development.base_component import Component

from dashboard import data
from dashboard.i18n import colon, norm_lang, t

FONT = ("'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
        "'Hiragino Sans GB', 'WenQuanYi Micro Hei', sans-serif")
# Okabe–Ito: distinguishable with colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
POSITIVE, NEGATIVE = "#2166AC", "#D6604D"
# The chart toolbar keeps what helps an official: download PNG, zoom in/out, reset (for
# cartesian and geo subplots alike); everything else goes. plotly.js 4 adds "Share chart…"
# (uploads the figure to Plotly Cloud) unless told not to, and a logo linking to plotly.com:
# nothing on a government dashboard may send data elsewhere (tests/browser/test_a11y_browser).
MODEBAR_KEEP = ("toImage", "zoomIn2d", "zoomOut2d", "resetScale2d", "zoomInGeo",
                "zoomOutGeo", "resetGeo")
MODEBAR_REMOVE = ["zoom2d", "pan2d", "select2d", "lasso2d", "autoScale2d",
                  "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines",
                  "toggleHover", "hoverClosestGeo", "hoverClosestPie", "hoverClosestGl2d",
                  "resetViews", "pan", "resetViewMapbox", "resetViewMap", "toggleAttribution",
                  "sendDataToCloud", "sendChartToCloud", "editInChartStudio", "downloadJson"]
NO_OUTSIDE = {"displaylogo": False, "showSendToCloud": False, "showEditInChartStudio": False,
              "showLink": False, "sendData": False, "plotlyServerURL": "", "linkText": "",
              "modeBarButtonsToRemove": MODEBAR_REMOVE}
PLOTLY_LOCALE = {"zh": "zh-CN", "en": "en"}  # zh-CN: dashboard/assets/locale-plotly-zh-cn.js
# Plotly fetches a world topojson for any geo subplot with a located trace; serve a blank
# one locally so the map never asks the internet for anything.
GRAPH_CONFIG = {**NO_OUTSIDE, "topojsonURL": "/assets/topojson/", "responsive": True,
                "toImageButtonOptions": {"format": "png", "scale": 2}}


ROW_OPENS = "--lyg-row-opens"  # read by assets/a11y.js
_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})


def esc(value: object) -> str:
    """Text for Plotly labels and hovers: HTML-escaped so gazette text is never markup.
    Square brackets go as entities too, so no markdown link survives into a figure (Plotly
    turns entities back into characters only in text, after it has parsed its tags)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return _html.escape(str(value), quote=False).translate(_BRACKETS)


def style_layout(height: int = 360, legend: bool = True) -> dict:
    """The house figure style as layout properties (``style`` applies them to a figure)."""
    return dict(
        height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"family": FONT, "size": 13}, paper_bgcolor="white", plot_bgcolor="white",
        showlegend=legend, hoverlabel={"font": {"family": FONT}},
        # above the plot: below it, a horizontal legend lands on the x-axis title on a phone
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                "xanchor": "left"},
    )


def style(fig: go.Figure, height: int = 360, legend: bool = True) -> go.Figure:
    fig.update_layout(**style_layout(height, legend))
    return fig


# Figures as plain JSON (issue 13): plotly's validation (``go.Figure``, ``update_layout``…)
# was most of a page's time. The ``*_json`` builders write the dicts the validator would
# produce and ``figure_json`` finishes them as ``go.Figure.to_plotly_json`` does; the
# content sent is the same (tests/test_heritage_figures_json.py, test_page_figures_json.py).


@cache
def template() -> dict:
    """The default template, as every ``go.Figure`` writes it (shared: never mutate)."""
    return go.Figure().to_plotly_json()["layout"]["template"]


def figure_json(traces: list[dict], layout: dict) -> dict:
    """``{"data", "layout"}`` as ``go.Figure(...).to_plotly_json()`` gives it: numpy arrays
    and Series as plotly.js typed arrays, the default template first in the layout."""
    for trace in traces:
        for key, value in trace.items():
            if isinstance(value, pd.Series | pd.Index):
                trace[key] = value.to_numpy()
    # the template is already plotly's JSON: walking its few thousand nodes at every call
    # was a third of the heritage filter's time; "geojson" is skipped by plotly's own rule
    convert_to_base64(traces)
    convert_to_base64(layout)
    return {"data": traces, "layout": {"template": template(), **layout}}


def memo_per_data(func: Callable, size: int = 64) -> Callable:
    """``func`` (hashable arguments: filters, language) remembered for the data version
    served: ``data.reset`` forgets it. The result is shared between requests: never mutate
    it (figures are sent as they are)."""
    cached = lru_cache(maxsize=size)(func)
    data.on_reset(cached.cache_clear)
    return cached


def graph_config(config: dict | None = None, lang: str | None = None) -> dict:
    """The one dcc.Graph config: ``config`` (a page's own, e.g. the map's) with the
    toolbar trimmed and every outside control off whatever it says, in the page's locale."""
    out = {**(config or GRAPH_CONFIG), **NO_OUTSIDE}
    if lang is not None:
        out["locale"] = PLOTLY_LOCALE[norm_lang(lang)]
    return out


def graph(graph_id: str, figure: go.Figure, label: str, config: dict | None = None,
          lang: str | None = None, caption: str | None = None) -> html.Figure:
    """A chart in a <figure> named ``label``; ``caption`` (e.g. the keyboard path to a
    map's points) is shown under it. Without ``lang`` the page's locale is set by
    ``localize`` when the page is rendered."""
    # responsive stays "auto": width follows the container, the figure's height is kept
    return html.Figure([dcc.Graph(id=graph_id, figure=figure,
                                  config=graph_config(config, lang), className="graph"),
                        html.Figcaption(caption, className="note") if caption else None],
                       className="graph-box", **{"aria-label": label})


def dropdown_labels(lang: str) -> dict:
    """dcc.Dropdown's own texts ("Select All", "Search"…) in the page's language."""
    keys = {"select_all": "dd_select_all", "deselect_all": "dd_deselect_all",
            "selected_count": "dd_selected_count", "search": "dd_search",
            "clear_search": "dd_clear_search", "clear_selection": "dd_clear_selection",
            "no_options_found": "dd_no_options"}
    return {prop: t(key, lang) for prop, key in keys.items()}


def localize(tree: Component, lang: str) -> Component:
    """Put every third-party widget of a rendered page into the page's language, in one
    place rather than at each call: dropdown texts, the date picker's placeholder and month
    header, and the plotly.js locale of each chart (toolbar tooltips, month and day names).
    The calendar's month and day names follow ``<html lang>`` (assets/locale.js).
    Idempotent: page layouts are remembered per language (``memo_per_data``), so the same
    tree comes back here on every visit and is left as it was."""
    for node in [tree, *tree._traverse()] if isinstance(tree, Component) else []:
        if isinstance(node, dcc.Dropdown) and getattr(node, "labels", None) is None:
            node.labels = dropdown_labels(lang)
        elif isinstance(node, dcc.DatePickerSingle | dcc.DatePickerRange):
            if getattr(node, "placeholder", None) is None:
                node.placeholder = t("pick_date", lang)
            if getattr(node, "month_format", None) is None:
                # the calendar's month menu: 11月 / November (the year has its own box)
                node.month_format = "MMM YYYY" if norm_lang(lang) == "zh" else "MMMM YYYY"
        elif isinstance(node, dcc.Graph):
            config = getattr(node, "config", None) or {}
            node.config = graph_config(config, None if "locale" in config else lang)
    return tree


def message(text: str, kind: str = "empty") -> html.Div:
    return html.Div(text, className=f"message message-{kind}")


def no_data(lang: str) -> html.Div:
    return message(t("no_data", lang))


def section(title: str, *children, section_id: str | None = None,
            class_name: str = "") -> html.Section:
    props = {"id": section_id} if section_id else {}
    return html.Section([html.H2(title), *children], className=f"panel {class_name}".strip(),
                        **props)


def table_records(frame: pd.DataFrame) -> list[dict]:
    """Rows for a DataTable: dates as ISO text, missing values as empty cells."""
    # column by column into Python lists, then zipped: a third of the time of
    # copy + astype + where + to_dict on every filter (issue 13, the heritage table)
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            series = series.dt.strftime("%Y-%m-%d")
        missing = series.isna().to_numpy()
        values = series.astype(object).tolist()
        columns.append([None if gone else value
                        for value, gone in zip(values, missing, strict=True)])
    names = list(frame.columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def data_table(table_id: str, frame: pd.DataFrame, columns: Sequence[tuple[str, str]],
               page_size: int = 15, numeric: Sequence[str] = (), row_ids: str | None = None,
               sort: bool = True, grouped: Sequence[str] = (),
               tooltips: Sequence[dict] | None = None,
               wide: Sequence[str] = (), nowrap: Sequence[str] = ()) -> dash_table.DataTable:
    """A sortable table; ``columns`` are (column, header) pairs; cells are plain text.
    ``wide`` columns (titles, names) keep a readable width on a phone, ``nowrap`` ones
    (document numbers, dates) stay on one line; the table scrolls sideways if it must."""
    records = table_records(frame[[c for c, _ in columns]])
    widths = [{"if": {"column_id": c}, "textAlign": "right"} for c in numeric]
    if columns[0][0] not in numeric:  # the row's name
        widths.append({"if": {"column_id": columns[0][0]}, "minWidth": 130})
    widths += [{"if": {"column_id": c}, "minWidth": 240} for c in wide]
    widths += [{"if": {"column_id": c}, "whiteSpace": "nowrap"} for c in nowrap]
    marks = []
    if row_ids:
        for record, key in zip(records, frame[row_ids], strict=True):
            record["id"] = key
        # a row opens its details: assets/a11y.js makes the row's first cell a keyboard
        # stop that Enter opens (a DataTable takes no class name: a CSS variable marks it)
        marks.append({"selector": ".dash-spreadsheet-container", "rule": f"{ROW_OPENS}: 1"})
    return dash_table.DataTable(
        id=table_id, data=records,
        columns=[_column(c, h, c in numeric, c in grouped) for c, h in columns],
        sort_action="native" if sort else "none", page_action="native", page_size=page_size,
        style_table={"overflowX": "auto"}, css=marks, cell_selectable=True,
        style_cell={"fontFamily": FONT, "fontSize": 13, "textAlign": "left",
                    "whiteSpace": "normal", "height": "auto", "padding": "4px 8px",
                    "maxWidth": 420, "minWidth": 84},
        style_header={"fontWeight": "bold", "backgroundColor": "#eef3f8"},
        style_cell_conditional=widths,
        markdown_options={"html": False},
        tooltip_data=list(tooltips) if tooltips else None, tooltip_duration=None,
    )


def _column(name: str, header: str, numeric: bool, grouped: bool) -> dict:
    spec = {"id": name, "name": header, "type": "numeric" if numeric else "text"}
    if grouped:  # thousands separators: 799,701
        spec["format"] = Format(group=Group.yes)
    return spec


def download_bar(lang: str) -> html.Div:
    """The view as CSV or XLSX (dashboard/downloads.py), the full workbook, a "CSV with
    notes" choice and the view's read-only API URL (kept current by app.api_link)."""
    def button(fmt: str, key: str) -> html.Button:
        return html.Button(t(key, lang), id={"type": "download", "fmt": fmt},
                           className="download-button", n_clicks=0)

    notes = html.Span(dcc.Checklist(
        id="download-notes", className="download-notes", value=[], inline=True,
        options=[{"label": t("download_csv_notes", lang), "value": "notes"}]),
        title=t("download_csv_notes_title", lang))
    api_link = html.A(t("download_api", lang), id="download-api", href="/api/",
                      className="download-api", title=t("download_api_title", lang))
    return html.Div([html.Span(t("download", lang) + colon(lang), className="download-label"),
                     button("csv", "download_csv"), notes, button("xlsx", "download_xlsx"),
                     button("workbook", "download_workbook"), api_link],
                    className="download-bar", role="group")


def card(title: str, headline: str, lines: Sequence[str], href: str,
         card_id: str) -> dcc.Link:
    return dcc.Link(html.Div([
        html.Div(title, className="card-title"),
        html.Div(headline, className="card-headline"),
        html.Ul([html.Li(line) for line in lines], className="card-lines"),
    ]), href=href, className="card", id=card_id)


def page_header(title: str, intro: str | None, lang: str) -> html.Div:
    return html.Div([html.H1(title), html.P(intro, className="intro") if intro else None,
                     download_bar(lang)], className="page-header")
