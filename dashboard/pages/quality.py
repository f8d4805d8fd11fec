"""/quality 数据质量: every quality flag across the published datasets, with its explanation
from the data dictionary, the value as printed and as fixed (``X_raw`` → ``X``), and the
issue and line the flagged row was read from; searchable by either value."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, urlstate
from dashboard.components import (
    PALETTE,
    data_table,
    esc,
    figure_json,
    graph,
    memo_per_data,
    message,
    no_data,
    page_header,
    section,
    style,
    style_layout,
    table_records,
)
from dashboard.i18n import col, colon, common_col, dataset_title, flag_text, t
from etl import dictionary

NAME = "quality"
NAV_KEY = "nav_quality"
# columns that name a row for a reader, most telling first (the first two present are used)
RECORD_COLUMNS = ("site_id", "doc_number", "name", "title", "period_label", "indicator_zh",
                  "place", "event")
FLAG_COLUMNS = ("dataset", "record", "flag", "raw_fixed", "explanation", "source_issue",
                "source_line")
MAX_SEARCH = 60
# words of a flag code that say what happened, not to which column
_GENERIC = {"fixed", "from", "differs", "missing", "inferred", "variant", "brackets", "stray",
            "before", "after", "not", "printed", "name", "doc", "fallback", "centroid"}


@dataclass(frozen=True)
class Filters:
    dataset: str | None
    flag: str | None
    query: str = ""


def _record(row: pd.Series, columns: list[str], lang: str) -> str:
    parts = []
    for name in columns:
        if lang == "en" and name == "indicator_zh" and "indicator_en" in row.index:
            name = "indicator_en"
        value = row.get(name)
        if value is not None and not pd.isna(value) and str(value) not in parts:
            parts.append(str(value))
        if len(parts) == 2:
            break
    return " · ".join(parts)


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(
        value)


def fixed_pairs(columns: list[str]) -> list[tuple[str, str]]:
    """(raw, fixed) column pairs a dataset keeps: ``X_raw`` beside ``X``."""
    return [(c, c[:-4]) for c in columns if c.endswith("_raw") and c[:-4] in columns]


def raw_fixed(name: str, row: pd.Series, code: str, pairs: list[tuple[str, str]],
              lang: str) -> str:
    """The values this flag is about, as printed and as published: 实施主体：司法制办 →
    市法制办. A pair counts when its column is named in the flag code (agency_name_fixed →
    implementing_agency) and the two values differ; other fixes on the row belong to their
    own flags. A value not printed at all counts only for a flag that starts with the
    column's name (county_from_zone: — → 海州区)."""
    words = set(code.split("_")) - _GENERIC
    out = []
    for raw, fixed in pairs:
        if not words & set(fixed.split("_")):
            continue
        before, after = _text(row.get(raw)), _text(row.get(fixed))
        if before == after or (not before and not code.startswith(fixed + "_")):
            continue
        blank = "—"  # not printed
        out.append(f"{col(name, fixed, lang)}{colon(lang)}{before or blank} → "
                   f"{after or blank}")
    return ("；" if lang == "zh" else "; ").join(out)


def flags_frame(lang: str = "zh") -> pd.DataFrame:
    """One row per (dataset row, flag code) across every published dataset (a copy: the
    cached frame is shared)."""
    return _flags(lang).copy()


@lru_cache(maxsize=2)
def _flags(lang: str) -> pd.DataFrame:
    out = []
    for name in data.available():
        frame = data.load(name)
        if frame is None or "quality_flags" not in frame.columns:
            continue
        flagged = frame[frame["quality_flags"].notna()]
        columns = [c for c in RECORD_COLUMNS if c in frame.columns]
        pairs = fixed_pairs(list(frame.columns))
        for _, row in flagged.iterrows():
            for code in dict.fromkeys(str(row["quality_flags"]).split(";")):
                if not code:
                    continue
                out.append({
                    "dataset": name, "record": _record(row, columns, lang), "flag": code,
                    "raw_fixed": raw_fixed(name, row, code, pairs, lang),
                    "explanation": flag_text(code, lang),
                    "source_issue": row.get("source_issue"),
                    "source_line": row.get("source_line"),
                })
    result = pd.DataFrame(out, columns=list(FLAG_COLUMNS))
    result["source_line"] = pd.array(result["source_line"], dtype="Int64")
    return result


data.on_reset(_flags.cache_clear)


def filters(flags: pd.DataFrame, dataset: object, flag: object, query: object = None
            ) -> Filters:
    names = set(flags["dataset"])
    codes = set(flags["flag"])
    return Filters(dataset if isinstance(dataset, str) and dataset in names else None,
                   flag if isinstance(flag, str) and flag in codes else None,
                   query.strip()[:MAX_SEARCH] if isinstance(query, str) else "")


def selected(flags: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The flags a filter keeps; the search looks in the record, the raw and fixed values,
    the flag code and its explanation."""
    keep = pd.Series(True, index=flags.index)
    if f.dataset:
        keep &= flags["dataset"] == f.dataset
    if f.flag:
        keep &= flags["flag"] == f.flag
    if f.query:
        needle = f.query.casefold()
        text = (flags["record"].fillna("") + " " + flags["raw_fixed"].fillna("") + " "
                + flags["flag"] + " " + flags["explanation"].fillna("")).str.casefold()
        keep &= text.str.contains(needle, regex=False)
    return flags[keep].reset_index(drop=True)


def from_params(flags: pd.DataFrame, params: urlstate.Params) -> Filters:
    return filters(flags, urlstate.first(params, "dataset"), urlstate.first(params, "flag"),
                   urlstate.first(params, "q"))


def to_query(f: Filters, lang: str) -> str:
    return urlstate.build({"dataset": f.dataset, "flag": f.flag, "q": f.query}, lang)


def chart(rows: pd.DataFrame, lang: str) -> go.Figure:
    fig = go.Figure()
    order = rows["flag"].value_counts().sort_values().index.tolist()
    for i, name in enumerate(dict.fromkeys(rows["dataset"])):
        counts = rows[rows["dataset"] == name]["flag"].value_counts().reindex(order)
        fig.add_trace(go.Bar(
            y=order, x=counts.fillna(0).astype(int), orientation="h",
            name=esc(dataset_title(name, lang)), marker={"color": PALETTE[i % len(PALETTE)]},
            customdata=[esc(flag_text(c, lang)) for c in order],
            hovertemplate="<b>%{y}</b>: %{x}<br>%{customdata}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("count", lang), gridcolor="#e5e5e5", dtick=max(1, len(rows) // 8))
    fig.update_yaxes(automargin=True)
    return style(fig, height=max(240, 28 * len(order) + 110))


def chart_json(rows: pd.DataFrame, lang: str) -> dict:
    """``chart`` as the JSON plotly writes for it, without its validation (issue 13)."""
    order = rows["flag"].value_counts().sort_values().index.tolist()
    notes = [esc(flag_text(c, lang)) for c in order]
    traces = []
    for i, name in enumerate(dict.fromkeys(rows["dataset"])):
        counts = rows[rows["dataset"] == name]["flag"].value_counts().reindex(order)
        traces.append({
            "type": "bar", "y": order, "x": counts.fillna(0).astype(int).to_numpy(),
            "orientation": "h", "name": esc(dataset_title(name, lang)),
            "marker": {"color": PALETTE[i % len(PALETTE)]}, "customdata": list(notes),
            "hovertemplate": "<b>%{y}</b>: %{x}<br>%{customdata}<extra>%{fullData.name}</extra>",
        })
    return figure_json(traces, {
        "barmode": "stack",
        "xaxis": {"title": {"text": t("count", lang)}, "gridcolor": "#e5e5e5",
                  "dtick": max(1, len(rows) // 8)},
        "yaxis": {"automargin": True}, **style_layout(max(240, 28 * len(order) + 110))})


@memo_per_data
def _chart(f: Filters, lang: str) -> dict:
    """The chart for a filter, remembered: most opens of the page show the same one."""
    return chart_json(selected(_flags(lang), f), lang)


@memo_per_data
def _glossary(lang: str) -> pd.DataFrame:
    return glossary(_flags(lang), lang)


def display(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = rows.copy()
    out["dataset"] = [dataset_title(n, lang) for n in out["dataset"]]
    return out


def headers(lang: str) -> list[tuple[str, str]]:
    labels = {"dataset": t("dataset", lang), "record": t("record", lang),
              "flag": t("flag_code", lang), "raw_fixed": t("raw_fixed", lang),
              "explanation": t("explanation", lang),
              "source_issue": common_col("source_issue", lang),
              "source_line": common_col("source_line", lang)}
    return [(c, labels[c]) for c in FLAG_COLUMNS]


def glossary(flags: pd.DataFrame, lang: str) -> pd.DataFrame:
    counts = flags["flag"].value_counts()
    rows = []
    for name in data.available():
        for flag in dictionary.dataset(name).flags:
            rows.append({"flag": flag.code, "dataset": dataset_title(name, lang),
                         "explanation": flag.en if lang == "en" else flag.zh,
                         "count": int(counts.get(flag.code, 0))})
    out = pd.DataFrame(rows, columns=["flag", "dataset", "explanation", "count"])
    return (out.groupby(["flag", "explanation"], sort=False)
            .agg(dataset=("dataset", "、".join), count=("count", "first")).reset_index()
            .sort_values(["count", "flag"], ascending=[False, True]).reset_index(drop=True))


def layout(params: urlstate.Params, lang: str):
    flags = _flags(lang)  # read only here: no copy
    head = page_header(t("quality_title", lang), t("quality_intro", lang), lang)
    if not data.available():
        return html.Div([head, no_data(lang)])
    f = from_params(flags, params)
    return _layout(f, lang)


@memo_per_data
def _layout(f: Filters, lang: str) -> html.Div:
    """The page for valid filters ``f``, made once per data version (shared: never
    mutate it); a query that validates to the same filters is the same page."""
    flags = _flags(lang)  # read only here: no copy
    head = page_header(t("quality_title", lang), t("quality_intro", lang), lang)
    rows = selected(flags, f)
    names = list(dict.fromkeys(flags["dataset"]))
    gloss = _glossary(lang)
    return html.Div([
        head,
        html.Div([
            html.Label(t("quality_search", lang), htmlFor="quality-q"),
            dcc.Input(id="quality-q", type="search", value=f.query, debounce=True,
                      maxLength=MAX_SEARCH, placeholder=t("quality_search_example", lang),
                      className="search"),
            html.Label(t("dataset", lang), htmlFor="quality-dataset"),
            dcc.Dropdown(id="quality-dataset", value=f.dataset, placeholder=t("all", lang),
                         options=[{"label": dataset_title(n, lang), "value": n} for n in names]),
            html.Label(t("flag", lang), htmlFor="quality-flag"),
            dcc.Dropdown(id="quality-flag", value=f.flag, placeholder=t("all", lang),
                         options=[{"label": f"{c} — {flag_text(c, lang)}", "value": c}
                                  for c in sorted(set(flags["flag"]))]),
        ], className="filters"),
        html.Div([
            section(t("quality_chart", lang),
                    graph("quality-chart", _chart(f, lang), t("quality_chart", lang))),
            section(t("quality_glossary", lang), data_table(
                "quality-glossary", gloss,
                [("flag", t("flag_code", lang)), ("explanation", t("explanation", lang)),
                 ("dataset", t("dataset", lang)), ("count", t("count", lang))],
                page_size=12, numeric=("count",))),
        ], className="grid-2"),
        section(t("quality_table", lang),
                html.P(f"{len(rows)} {t('rows_shown', lang)}", id="quality-count",
                       className="note"),
                data_table("quality-table", display(rows, lang), headers(lang), page_size=20,
                           numeric=("source_line",),
                           wide=("record", "raw_fixed", "explanation"))
                if len(flags) else
                message(t("no_rows", lang))),
    ])


def view(params: urlstate.Params, lang: str) -> pd.DataFrame | None:
    flags = flags_frame(lang)
    f = from_params(flags, params)
    return display(selected(flags, f), lang).rename(columns=dict(headers(lang)))


def register(app: Dash) -> None:
    @app.callback(
        Output("quality-chart", "figure"), Output("quality-table", "data"),
        Output("quality-count", "children"),
        Output("url", "search", allow_duplicate=True),
        Output("url-written", "data", allow_duplicate=True),
        Input("quality-dataset", "value"), Input("quality-flag", "value"),
        Input("quality-q", "value"), State("rendered", "data"), prevent_initial_call=True,
    )
    def update(dataset, flag, query, rendered):
        if urlstate.inserted(ctx.triggered):
            raise PreventUpdate
        lang = urlstate.rendered_lang(rendered)
        flags = flags_frame(lang)
        if flags.empty:
            raise PreventUpdate
        f = filters(flags, dataset, flag, query)
        rows = selected(flags, f)
        search = to_query(f, lang)
        return (_chart(f, lang), table_records(display(rows, lang)),
                f"{len(rows)} {t('rows_shown', lang)}", search, search)
