"""/chronicle 大事记: the city government's chronicle — entries per official and month, a
search over every column, the entries with their source line — and the task assignments
(重点任务分工) the documents make, searched by the same box."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, maps, urlstate
from dashboard.components import (
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
from dashboard.i18n import col, t
from dashboard.labels import wrap

NAME = "chronicle"
NAV_KEY = "nav_chronicle"
CHRONICLE = "chronicle_entries"
TASKS = "task_assignments"
MAX_SEARCH = 60
TABLE_COLUMNS = ("entry_date", "official", "activity", "source")
TASK_COLUMNS = ("doc_number", "task_label", "task_title", "lead_units", "supporting_units",
                "responsible_units", "deadline_raw", "source")
SHORT_TASK = 40  # a task without a short title shows its first characters
# the columns the search box reads (every text column a reader might recall)
SEARCHED = ("date_raw", "official", "post", "post_en", "name", "other_officials", "activity",
            "entry_text", "year_month", "source_issue")
TASK_SEARCHED = ("doc_number", "part_title", "section", "task_title", "task", "lead_units",
                 "lead_units_raw", "supporting_units", "supporting_units_raw",
                 "responsible_units", "responsible_units_raw", "deadline_raw")


@dataclass(frozen=True)
class Filters:
    query: str = ""
    officials: tuple[str, ...] = ()


@memo_per_data
def _entries() -> pd.DataFrame | None:
    """The entries in date order (sorted once per data version: shared, never mutate)."""
    frame = data.load(CHRONICLE)
    if frame is None or frame.empty:
        return None
    return frame.sort_values(["entry_date", "source_issue", "seq"], kind="stable",
                             na_position="last").reset_index(drop=True)


def _tasks() -> pd.DataFrame | None:
    frame = data.load(TASKS)
    return None if frame is None or frame.empty else frame


def official_label(row: pd.Series, lang: str) -> str:
    """代市长方伟 in Chinese; 方伟 (Acting mayor) in English. Empty when not read."""
    return _label(row.get("name"), row.get("post_en"), row.get("official"), lang)


def _label(name: object, post: object, official: object, lang: str) -> str:
    if pd.isna(name):
        return ""
    if lang == "en":
        return f"{name} ({post})" if isinstance(post, str) and post else str(name)
    return str(official) if pd.notna(official) else str(name)


def _labels(rows: pd.DataFrame, lang: str) -> list[str]:
    """``official_label`` of every row, without building a Series per row."""
    def column(name: str) -> object:
        return rows[name] if name in rows else [None] * len(rows)
    return [_label(n, p, o, lang) for n, p, o in zip(
        column("name"), column("post_en"), column("official"), strict=True)]


def filters(entries: pd.DataFrame, query: object, officials: object) -> Filters:
    text = query.strip()[:MAX_SEARCH] if isinstance(query, str) else ""
    if isinstance(officials, str):
        officials = [officials]
    names = entries["name"].dropna().unique()
    return Filters(text, tuple(urlstate.known(officials if isinstance(officials, list)
                                              else [], names)))


def from_params(entries: pd.DataFrame, params: urlstate.Params) -> Filters:
    return filters(entries, urlstate.first(params, "q"), params.get("official", []))


def to_query(f: Filters, lang: str) -> str:
    return urlstate.build({"q": f.query, "official": list(f.officials)}, lang)


def _matches(frame: pd.DataFrame, columns: tuple[str, ...], query: str) -> pd.Series:
    needle = query.casefold()
    text = pd.Series("", index=frame.index, dtype="object")
    for name in columns:
        if name in frame.columns:
            text = text + " " + frame[name].astype("string").fillna("").astype(str)
    return text.str.casefold().str.contains(needle, regex=False)


def selected(entries: pd.DataFrame, f: Filters) -> pd.DataFrame:
    keep = pd.Series(True, index=entries.index)
    if f.officials:
        keep &= entries["name"].isin(f.officials)
    if f.query:
        keep &= _matches(entries, SEARCHED, f.query)
    return entries[keep].reset_index(drop=True)


def selected_tasks(tasks: pd.DataFrame, f: Filters) -> pd.DataFrame:
    if not f.query:
        return tasks.reset_index(drop=True)
    return tasks[_matches(tasks, TASK_SEARCHED, f.query)].reset_index(drop=True)


# --- figure --------------------------------------------------------------------------------


def timeline_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """Entries per official (rows) and month (columns), as a heat map with the counts."""
    named = rows[rows["name"].notna() & rows["year_month"].notna()]
    fig = go.Figure()
    if named.empty:
        fig.add_annotation(text=esc(t("no_rows", lang)), showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper", font={"color": "#666"})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return style(fig, height=160, legend=False)
    labels = {n: official_label(r, lang) for n, r in named.drop_duplicates("name")
              .set_index("name", drop=False).iterrows()}
    counts = named.groupby(["name", "year_month"]).size().unstack(fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
    months = [str(m) for m in counts.columns]
    # long English posts ("Vice mayor; Director of the public security bureau") wrap, or
    # they push the cells off a phone's screen
    lines = [wrap(labels[n]) for n in counts.index]
    rows_shown = [esc(labels[n]) for n in counts.index]
    fig.add_trace(go.Heatmap(
        z=counts.to_numpy().tolist(), x=months, y=rows_shown,
        text=[[str(v) if v else "" for v in row] for row in counts.to_numpy().tolist()],
        texttemplate="%{text}", colorscale="Blues", showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>",
    ))
    fig.update_xaxes(type="category", title=col(CHRONICLE, "year_month", lang), side="top",
                     tickangle=0, automargin=True)
    fig.update_yaxes(type="category", automargin=True, tickmode="array", tickvals=rows_shown,
                     ticktext=["<br>".join(esc(part) for part in parts) for parts in lines])
    height = 90 + sum(max(26, 16 * len(parts) + 8) for parts in lines)
    return style(fig, height=max(220, height), legend=False)


def timeline_json(rows: pd.DataFrame, lang: str) -> dict:
    """``timeline_figure`` as the JSON plotly writes for it, without its validation."""
    named = rows[rows["name"].notna() & rows["year_month"].notna()]
    if named.empty:
        return figure_json([], {
            "annotations": [{"text": esc(t("no_rows", lang)), "showarrow": False, "x": 0.5,
                             "y": 0.5, "xref": "paper", "yref": "paper",
                             "font": {"color": "#666"}}],
            "xaxis": {"visible": False}, "yaxis": {"visible": False},
            **style_layout(height=160, legend=False)})
    labels = {n: official_label(r, lang) for n, r in named.drop_duplicates("name")
              .set_index("name", drop=False).iterrows()}
    counts = named.groupby(["name", "year_month"]).size().unstack(fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
    lines = [wrap(labels[n]) for n in counts.index]
    rows_shown = [esc(labels[n]) for n in counts.index]
    z = counts.to_numpy().tolist()
    trace = {"type": "heatmap", "z": z, "x": [str(m) for m in counts.columns],
             "y": rows_shown, "text": [[str(v) if v else "" for v in row] for row in z],
             "texttemplate": "%{text}", "colorscale": maps.colorscale("Blues"),
             "showscale": False, "xgap": 2, "ygap": 2,
             "hovertemplate": "%{y}<br>%{x}: %{z}<extra></extra>"}
    height = 90 + sum(max(26, 16 * len(parts) + 8) for parts in lines)
    return figure_json([trace], {
        "xaxis": {"type": "category", "title": {"text": col(CHRONICLE, "year_month", lang)},
                  "side": "top", "tickangle": 0, "automargin": True},
        "yaxis": {"type": "category", "automargin": True, "tickmode": "array",
                  "tickvals": rows_shown,
                  "ticktext": ["<br>".join(esc(part) for part in parts) for parts in lines]},
        **style_layout(height=max(220, height), legend=False)})


@memo_per_data
def _timeline(f: Filters, lang: str) -> dict:
    """The time line for a filter, remembered: most opens of the page show the same one."""
    entries = _entries()
    return timeline_json(selected(entries, f), lang)


def timeline_summary(rows: pd.DataFrame, lang: str) -> str:
    """The heat map in a sentence: entries, officials, months, the busiest official."""
    named = rows[rows["name"].notna() & rows["year_month"].notna()]
    if named.empty:
        return t("summary_empty", lang)
    counts = named["name"].value_counts(sort=False).sort_values(ascending=False,
                                                                kind="stable")
    top = named[named["name"] == counts.index[0]].iloc[0]
    return t("summary_chronicle", lang).format(
        n=len(named), officials=len(counts), months=named["year_month"].nunique(),
        top=official_label(top, lang), top_n=int(counts.iloc[0]))


# --- tables --------------------------------------------------------------------------------


def table_frame(rows: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    out = pd.DataFrame({
        "entry_date": rows["entry_date"],
        "official": _labels(rows, lang),
        "activity": rows["activity"].astype("string").fillna(rows["entry_text"]),
        "source": [f"{i}:{n}" for i, n in zip(rows["source_issue"], rows["source_line"],
                                               strict=True)],
    })
    own = {"source": t("source_line", lang), "official": t("official", lang)}
    heads = [(c, own.get(c) or col(CHRONICLE, c, lang)) for c in TABLE_COLUMNS]
    return out, heads


def _short(title: object, task: object) -> str | None:
    if isinstance(title, str) and title:
        return title
    if isinstance(task, str) and task:
        return task if len(task) <= SHORT_TASK else task[:SHORT_TASK] + "…"
    return None


def task_frame(rows: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    out = rows[[c for c in TASK_COLUMNS if c != "source"]].copy()
    out["task_title"] = [_short(a, b) for a, b in zip(rows["task_title"], rows["task"],
                                                       strict=True)]
    out["source"] = [f"{i}:{n}" for i, n in zip(rows["source_issue"], rows["source_line"],
                                                 strict=True)]
    heads = [(c, t("source_line", lang) if c == "source" else col(TASKS, c, lang))
             for c in TASK_COLUMNS]
    return out, heads


@memo_per_data
def _table(f: Filters, lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """``table_frame`` for a filter, remembered (shared: never mutate)."""
    return table_frame(selected(_entries(), f), lang)


def _count(rows: pd.DataFrame, entries: pd.DataFrame, lang: str) -> str:
    return f"{len(rows)} / {len(entries)} {t('rows_shown', lang)}"


def _task_count(rows: pd.DataFrame, tasks: pd.DataFrame, lang: str) -> str:
    return f"{len(rows)} / {len(tasks)} {t('rows_shown', lang)}"


# --- page ----------------------------------------------------------------------------------


@memo_per_data
def _official_options(lang: str) -> list[dict]:
    """The officials menu, remembered per data version (shared: never mutate)."""
    return _officials(_entries(), lang)


def _officials(entries: pd.DataFrame, lang: str) -> list[dict]:
    first = entries.dropna(subset=["name"]).drop_duplicates("name")
    counts = entries["name"].value_counts()
    return [{"label": f"{official_label(r, lang)} ({counts[r['name']]})", "value": r["name"]}
            for _, r in first.sort_values("name", key=lambda s: s.map(counts),
                                          ascending=False, kind="stable").iterrows()]


def _task_section(tasks: pd.DataFrame | None, f: Filters, lang: str) -> html.Section:
    # the table is always there (empty when the dataset is not published): the callback
    # writes to it
    empty = tasks is None
    if tasks is None:
        tasks = pd.DataFrame(columns=[*TASK_COLUMNS[:-1], "task", "source_issue",
                                      "source_line"])
    rows = selected_tasks(tasks, f)
    table, heads = task_frame(rows, lang)
    return section(
        t("chronicle_tasks", lang),
        no_data(lang) if empty else html.P(t("chronicle_tasks_intro", lang), className="note"),
        html.P(_task_count(rows, tasks, lang), id="chronicle-task-count", className="note"),
        data_table("chronicle-tasks", table, heads, page_size=10,
                   wide=("task_title", "supporting_units"),
                   nowrap=("doc_number", "task_label", "source")))


def layout(params: urlstate.Params, lang: str):
    entries = _entries()
    head = page_header(t("chronicle_title", lang), t("chronicle_intro", lang), lang)
    if entries is None:
        return html.Div([head, no_data(lang)])
    f = from_params(entries, params)
    rows = selected(entries, f)
    table, heads = _table(f, lang)
    return html.Div([
        head,
        html.Div([
            html.Div([html.Label(t("chronicle_search", lang), htmlFor="chronicle-q"),
                      dcc.Input(id="chronicle-q", type="search", value=f.query,
                                debounce=True, maxLength=MAX_SEARCH,
                                placeholder=t("chronicle_search_example", lang),
                                className="search")]),
            html.Div([html.Label(t("official", lang), htmlFor="chronicle-official"),
                      dcc.Dropdown(id="chronicle-official", multi=True,
                                   value=list(f.officials), placeholder=t("all", lang),
                                   options=_official_options(lang))]),
            html.Div(_count(rows, entries, lang), id="chronicle-count", className="count"),
        ], className="filters filters-documents"),
        section(t("chronicle_timeline", lang),
                graph("chronicle-timeline", _timeline(f, lang),
                      t("chronicle_timeline", lang)),
                html.P(timeline_summary(rows, lang), id="chronicle-timeline-summary",
                       className="chart-summary")),
        section(t("chronicle_table", lang),
                data_table("chronicle-table", table, heads, page_size=20,
                           wide=("activity",), nowrap=("entry_date", "source"))
                if len(entries) else message(t("no_rows", lang))),
        _task_section(_tasks(), f, lang),
    ])


def view(params: urlstate.Params, lang: str) -> pd.DataFrame | None:
    entries = _entries()
    if entries is None:
        return None
    table, heads = table_frame(selected(entries, from_params(entries, params)), lang)
    return table.rename(columns=dict(heads))


def register(app: Dash) -> None:
    @app.callback(
        Output("chronicle-timeline", "figure"), Output("chronicle-table", "data"),
        Output("chronicle-count", "children"), Output("chronicle-tasks", "data"),
        Output("chronicle-task-count", "children"),
        Output("chronicle-timeline-summary", "children"),
        Output("url", "search", allow_duplicate=True),
        Output("url-written", "data", allow_duplicate=True),
        Input("chronicle-q", "value"), Input("chronicle-official", "value"),
        State("rendered", "data"), prevent_initial_call=True,
    )
    def update(query, officials, rendered):
        if urlstate.inserted(ctx.triggered):
            raise PreventUpdate
        entries = _entries()
        if entries is None:
            raise PreventUpdate
        lang = urlstate.rendered_lang(rendered)
        f = filters(entries, query, officials)
        rows = selected(entries, f)
        table, _ = _table(f, lang)
        tasks = _tasks()
        if tasks is not None:
            task_rows = selected_tasks(tasks, f)
            task_data = table_records(task_frame(task_rows, lang)[0])
            task_count = _task_count(task_rows, tasks, lang)
        else:
            task_data, task_count = [], ""
        query_string = to_query(f, lang)
        return (_timeline(f, lang), table_records(table), _count(rows, entries, lang),
                task_data, task_count, timeline_summary(rows, lang), query_string,
                query_string)
