"""Building blocks every page uses: tables, graphs, cards, the download bar, figure style.

Gazette text is data. Dash components render strings as text, never HTML; the only place a
string could be read as markup is Plotly's hover and label text, so ``esc`` escapes it.
"""

from __future__ import annotations

import html as _html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html
from dash.dash_table.Format import Format, Group

from dashboard.i18n import colon, t

FONT = ("'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
        "'Hiragino Sans GB', 'WenQuanYi Micro Hei', sans-serif")
# Okabe–Ito: distinguishable with colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
POSITIVE, NEGATIVE = "#2166AC", "#D6604D"
# Plotly fetches a world topojson for any geo subplot with a located trace; serve a blank
# one locally so the map never asks the internet for anything.
GRAPH_CONFIG = {"displaylogo": False, "topojsonURL": "/assets/topojson/",
                "modeBarButtonsToRemove": ["select2d", "lasso2d"], "responsive": True}


_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})


def esc(value: object) -> str:
    """Text for Plotly labels and hovers: HTML-escaped so gazette text is never markup.
    Square brackets go as entities too, so no markdown link survives into a figure (Plotly
    turns entities back into characters only in text, after it has parsed its tags)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return _html.escape(str(value), quote=False).translate(_BRACKETS)


def style(fig: go.Figure, height: int = 360, legend: bool = True) -> go.Figure:
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"family": FONT, "size": 13}, paper_bgcolor="white", plot_bgcolor="white",
        showlegend=legend, hoverlabel={"font": {"family": FONT}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0},
    )
    return fig


def graph(graph_id: str, figure: go.Figure, label: str,
          config: dict | None = None) -> html.Figure:
    # responsive stays "auto": width follows the container, the figure's height is kept
    return html.Figure(dcc.Graph(id=graph_id, figure=figure, config=config or GRAPH_CONFIG,
                                 className="graph"),
                       className="graph-box", **{"aria-label": label})


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
    out = frame.copy()
    for name in out.columns:
        series = out[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[name] = series.dt.strftime("%Y-%m-%d")
        out[name] = out[name].astype(object).where(out[name].notna(), None)
    return out.to_dict("records")


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
    if row_ids:
        for record, key in zip(records, frame[row_ids], strict=True):
            record["id"] = key
    return dash_table.DataTable(
        id=table_id, data=records,
        columns=[_column(c, h, c in numeric, c in grouped) for c, h in columns],
        sort_action="native" if sort else "none", page_action="native", page_size=page_size,
        style_table={"overflowX": "auto"}, cell_selectable=True,
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
    def button(fmt: str, key: str) -> html.Button:
        return html.Button(t(key, lang), id={"type": "download", "fmt": fmt},
                           className="download-button", n_clicks=0)

    return html.Div([html.Span(t("download", lang) + colon(lang), className="download-label"),
                     button("csv", "download_csv"), button("xlsx", "download_xlsx"),
                     button("workbook", "download_workbook")],
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
