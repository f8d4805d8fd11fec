"""/documents 规范性文件: status on a chosen date (by default the newest issue's date, and
said so), documents by agency and by year coloured by that status, a searchable list paged
and sorted on the server, and each document's lifecycle with the source of every event."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import data, docstatus, doctable, urlstate
from dashboard.components import (
    PALETTE,
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
)
from dashboard.i18n import col, colon, common_col, flag_text, paren, t, value_label

NAME = "documents"
NAV_KEY = "nav_documents"
REG = docstatus.REGISTRY
TABLE_COLUMNS = ("title", "doc_number", "implementing_agency", "list_status", "status")
EVENT_COLUMNS = ("date", "event", "by_doc", "source")
GAZETTE_COLUMNS = ("source_issue", "order", "section", "title", "doc_number", "signed_on",
                   "effective_from", "expires_on")
AMENDMENT_COLUMNS = ("amending_doc", "provision_raw", "action", "new_text", "old_text",
                     "validity_effect", "source")
TASK_COLUMNS = ("task_seq", "task", "lead_units", "supporting_units", "responsible_units",
                "deadline_raw", "source")
MAX_CITES = 40  # a cleanup notice cites every document it lists: the rest is in the dataset
MAX_SEARCH = 60
TOP_AGENCIES = 15
PAGE_SIZE = 15
# a colour per status on the chosen date (Okabe–Ito; grey where the data cannot say)
STATUS_COLOURS = {"in_force": PALETTE[2], "in_force_marked_for_revision": PALETTE[1],
                  "not_yet_effective": PALETTE[4], "repealed": PALETTE[5],
                  "expired": PALETTE[3], "not_yet_issued": "#999999", "unknown": "#bbbbbb",
                  doctable.NO_NUMBER: "#666666"}


@dataclass(frozen=True)
class Filters:
    lists: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    query: str = ""
    on: date | None = None  # None = the default: the newest issue's publication date
    doc: str | None = None  # a registry key (docstatus.key)

    @property
    def day(self) -> date:
        return self.on or docstatus.default_date()


def _docs() -> pd.DataFrame | None:
    reg = doctable.registry()
    return reg.docs if reg is not None else None


def parse_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day if 1949 <= day.year <= 2100 else None


def filters(docs: pd.DataFrame, lists: object, agencies: object, query: object, on: object,
            doc: object) -> Filters:
    text = query.strip()[:MAX_SEARCH] if isinstance(query, str) else ""
    day = parse_date(on)
    reg = doctable.registry()
    known_lists, known_agencies = (reg.lists, reg.agencies) if reg is not None and (
        docs is reg.docs) else (docs["list_status"].dropna().unique(),
                                docs["implementing_agency"].dropna().unique())
    return Filters(
        tuple(urlstate.known(_as_list(lists), known_lists)),
        tuple(urlstate.known(_as_list(agencies), known_agencies)),
        text, None if day == docstatus.default_date() else day,
        docstatus.find(doc) if isinstance(doc, str) else None,
    )


def _as_list(value: object) -> list:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else []


def from_params(docs: pd.DataFrame, params: urlstate.Params) -> Filters:
    return filters(docs, params.get("list", []), params.get("agency", []),
                   urlstate.first(params, "q"), urlstate.first(params, "on"),
                   urlstate.first(params, "doc"))


def to_query(f: Filters, lang: str) -> str:
    # the default date is left out, so a link without ``on`` follows the data as it grows
    return urlstate.build({"list": list(f.lists), "agency": list(f.agencies), "q": f.query,
                           "on": f.on.isoformat() if f.on else None,
                           "doc": docstatus.url_value(f.doc) if f.doc else None}, lang)


def _mask(docs: pd.DataFrame, f: Filters) -> np.ndarray:
    reg = doctable.registry()
    if reg is not None and docs is reg.docs:
        return doctable.mask(reg, f.lists, f.agencies, f.query)
    text = tuple(f"{t} {n} {r}".casefold() for t, n, r in zip(
        docs["title"].fillna(""), docs["doc_number"].fillna(""),
        docs["doc_number_raw"].fillna(""), strict=True))
    return doctable.mask(doctable.Registry(docs, text, np.array([])), f.lists, f.agencies,
                         f.query)


def selected(docs: pd.DataFrame, f: Filters) -> pd.DataFrame:
    return docs[_mask(docs, f)].reset_index(drop=True)


# --- what the page rests on -------------------------------------------------------------


def as_of(on: date, lang: str) -> list:
    """The status date, the issues it rests on, and the caveat past the newest issue."""
    parts = [html.P(f"{t('status_on', lang)} {on.isoformat()}{colon(lang)}"
                    f"{docstatus.status_basis(on, lang)}", className="note",
                    id="documents-basis")]
    beyond = docstatus.beyond_data(on, lang)
    if beyond:
        parts.append(beyond_notice(beyond, "documents-beyond"))
    return parts


# a caveat must be seen: amber box, dark text (contrast 12:1), announced to screen readers
NOTICE_STYLE = {"background": "#FFF4E0", "borderLeft": "4px solid #B35900", "color": "#3D2600",
                "padding": "8px 12px", "margin": "8px 0", "fontSize": "14px"}


def beyond_notice(text: str, notice_id: str) -> html.P:
    return html.P(text, className="as-of-warning", role="status", id=notice_id,
                  style=NOTICE_STYLE)


def _list_basis(docs: pd.DataFrame, lang: str) -> str:
    issues = sorted(docs["source_issue"].dropna().astype(str).unique())
    return docstatus.basis(issues, lang)


def chart_note(on: date, lang: str) -> str:
    return t("chart_status_note", lang).format(date=on.isoformat(),
                                                basis=docstatus.status_basis(on, lang))


# --- figures ---------------------------------------------------------------------------


def _status_name(code: str, lang: str) -> str:
    return t("no_number", lang) if code == doctable.NO_NUMBER else value_label(
        "status", code, lang)


@lru_cache(maxsize=32)
def _base_layout(height: int) -> dict:
    """The house style (components.style) as a plain layout dict, template included: the
    two status charts are built as dicts, which costs a fraction of validating a go.Figure
    on every callback."""
    return style(go.Figure(), height=height).to_plotly_json()["layout"]


def _bars(table: np.ndarray, labels: list, rows: list[int], lang: str,
          horizontal: bool) -> list[dict]:
    """One stacked bar trace per status present, over ``rows`` of ``table``."""
    traces = []
    for k, status in enumerate(doctable.STATUS_ORDER):
        counts = table[rows, k].tolist() if rows else []
        if not any(counts):
            continue
        trace = {"type": "bar", "name": _status_name(status, lang),
                 "marker": {"color": STATUS_COLOURS[status]}}
        if horizontal:
            trace.update(y=labels, x=counts, orientation="h",
                         hovertemplate="%{y}: %{x}<extra>%{fullData.name}</extra>")
        else:
            trace.update(x=labels, y=counts,
                         hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>")
        traces.append(trace)
    return traces


def _figure(traces: list[dict], height: int, on: date, lang: str, xaxis: dict,
            yaxis: dict) -> dict:
    layout = {**_base_layout(height), "barmode": "stack"}
    layout["legend"] = {**layout.get("legend", {}), "title": {
        "text": t("status_col", lang).format(date=on.isoformat())}}
    layout["xaxis"], layout["yaxis"] = xaxis, yaxis
    return {"data": traces, "layout": layout}


def agency_figure(table: np.ndarray, agencies: tuple[str, ...], on: date,
                  lang: str) -> dict:
    """Documents per implementing agency (the top ones), stacked by status on ``on``.
    Only the retained list names agencies; repealed rows have none to count."""
    totals = table.sum(axis=1)
    top = [i for i in np.argsort(-totals, kind="stable")[:TOP_AGENCIES] if totals[i]][::-1]
    return _figure(_bars(table, [esc(agencies[i]) for i in top], top, lang, True),
                   max(240, 22 * len(top) + 110), on, lang,
                   {"title": {"text": t("doc_count", lang)}, "gridcolor": "#e5e5e5"},
                   {"automargin": True, "tickfont": {"size": 11}})


def year_figure(table: np.ndarray, years: tuple[int, ...], on: date, lang: str) -> dict:
    """Documents per year of issue, stacked by status on ``on``."""
    rows = [i for i in range(len(years)) if table[i].any()]
    return _figure(_bars(table, [years[i] for i in rows], rows, lang, False), 300, on, lang,
                   {"title": {"text": t("year", lang)}, "dtick": 2},
                   {"title": {"text": t("doc_count", lang)}, "gridcolor": "#e5e5e5"})


def lifecycle_figure(ev: pd.DataFrame, on: date, lang: str) -> go.Figure:
    """The document's events on a time line; hover names the deciding document and source."""
    kinds = list(dict.fromkeys(ev["event"]))
    fig = go.Figure(go.Scatter(
        x=ev["date"], y=[value_label("event", e, lang) for e in ev["event"]],
        mode="markers+text", marker={"size": 13, "color": [
            PALETTE[kinds.index(e) % len(PALETTE)] for e in ev["event"]]},
        text=[d.strftime("%Y-%m-%d") if pd.notna(d) else "" for d in ev["date"]],
        textposition="top center", cliponaxis=False,
        customdata=[[esc(r["by_doc"]), esc(f"{r['source_issue']}:{r['source_line']}")]
                    for _, r in ev.iterrows()],
        hovertemplate=("%{y} %{x|%Y-%m-%d}<br>" + col(docstatus.EVENTS, "by_doc", lang)
                       + colon(lang) + "%{customdata[0]}<br>" + t("source", lang)
                       + colon(lang) + "%{customdata[1]}<extra></extra>"),
        showlegend=False,
    ))
    fig.add_vline(x=on.isoformat(), line_dash="dot", line_color="#888")
    fig.update_yaxes(automargin=True, categoryorder="array",
                     categoryarray=[value_label("event", e, lang) for e in kinds[::-1]])
    days = ev["date"].dropna()
    pad = pd.Timedelta(days=max(200, (days.max() - days.min()).days // 8)) if len(days) else None
    fig.update_xaxes(type="date", gridcolor="#eee",
                     range=[days.min() - pad, days.max() + pad] if pad is not None else None)
    fig = style(fig, height=max(200, 44 * len(kinds) + 90))
    fig.update_layout(margin={"t": 24, "r": 24})
    return fig


def lifecycle_json(ev: pd.DataFrame, on: date, lang: str) -> dict:
    """``lifecycle_figure`` as the JSON plotly writes for it, without its validation."""
    kinds = list(dict.fromkeys(ev["event"]))
    days = ev["date"].dropna()
    pad = pd.Timedelta(days=max(200, (days.max() - days.min()).days // 8)) if len(days) else None
    marks = {
        "type": "scatter", "x": ev["date"].to_numpy(),
        "y": [value_label("event", e, lang) for e in ev["event"]],
        "mode": "markers+text", "marker": {"size": 13, "color": [
            PALETTE[kinds.index(e) % len(PALETTE)] for e in ev["event"]]},
        "text": [d.strftime("%Y-%m-%d") if pd.notna(d) else "" for d in ev["date"]],
        "textposition": "top center", "cliponaxis": False,
        "customdata": [[esc(by), esc(f"{issue}:{line}")] for by, issue, line in zip(
            ev["by_doc"], ev["source_issue"], ev["source_line"], strict=True)],
        "hovertemplate": ("%{y} %{x|%Y-%m-%d}<br>" + col(docstatus.EVENTS, "by_doc", lang)
                          + colon(lang) + "%{customdata[0]}<br>" + t("source", lang)
                          + colon(lang) + "%{customdata[1]}<extra></extra>"),
        "showlegend": False}
    xaxis = {"type": "date", "gridcolor": "#eee"}
    if pad is not None:
        xaxis["range"] = [days.min() - pad, days.max() + pad]
    layout = style_layout(height=max(200, 44 * len(kinds) + 90))
    layout["margin"] = {**layout["margin"], "t": 24, "r": 24}
    return figure_json([marks], {
        "shapes": [{"type": "line", "line": {"color": "#888", "dash": "dot"},
                    "x0": on.isoformat(), "x1": on.isoformat(), "xref": "x", "y0": 0, "y1": 1,
                    "yref": "y domain"}],
        "yaxis": {"automargin": True, "categoryorder": "array",
                  "categoryarray": [value_label("event", e, lang) for e in kinds[::-1]]},
        "xaxis": xaxis, **layout})


# --- tables and the document panel ------------------------------------------------------


def table_heads(on: date, lang: str) -> list[tuple[str, str]]:
    """Column headers; the status column names its date (状态（2022-11-15）)."""
    return [(c, t("status_col", lang).format(date=on.isoformat()) if c == "status"
             else col(REG, c, lang)) for c in TABLE_COLUMNS]


def table_frame(rows: pd.DataFrame, on: date,
                lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    labels = {s: value_label("list_status", s, lang)
              for s in rows["list_status"].dropna().unique()}
    out = pd.DataFrame({
        "title": rows["title"], "doc_number": rows["doc_number"],
        "implementing_agency": rows["implementing_agency"],
        "list_status": rows["list_status"].astype(object).map(labels),
        "status": docstatus.short_texts(rows["doc_number"], on, lang),
    })
    return out, table_heads(on, lang)


def summary(keep: np.ndarray, on: date, lang: str) -> list:
    """Rows per status on ``on``, with the date, the issues it rests on and any caveat."""
    chips = [html.Div([html.Span(str(n), className="chip-value"),
                       html.Span(_status_name(code, lang), className="chip-label")],
                      className="chip")
             for code, n in doctable.counts(keep, on).items()]
    return [*as_of(on, lang), html.Div(chips, className="chips")]


def page_count(n_rows: int) -> int:
    return max(1, math.ceil(n_rows / PAGE_SIZE))


def _field(label: str, value: object) -> list:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return []
    if isinstance(value, pd.Timestamp):
        value = value.strftime("%Y-%m-%d")
    return [html.Dt(label), html.Dd(str(value))]


def panel(docs: pd.DataFrame, doc: str | None, on: date, lang: str) -> list:
    if not doc:
        return [html.P(t("document_pick", lang), className="note")]
    row = docstatus.registry_row(doc)
    number = docstatus.number_of(doc)
    label = {c: col(REG, c, lang) for c in docs.columns}
    parts: list = []
    if row is not None:
        flags = row.get("quality_flags")
        fields = (_field(label["doc_number"], row["doc_number"])
                  + _field(label["doc_number_raw"], row["doc_number_raw"])
                  + _field(label["issuer"], value_label("issuer", row["issuer"], lang))
                  + _field(label["issued_on"], row["issued_on"])
                  + _field(label["implementing_agency"], row["implementing_agency"])
                  + _field(label["list_status"], value_label("list_status",
                                                             row["list_status"], lang))
                  + _field(label["needs_revision"], t("yes", lang) if row["needs_revision"]
                           else None)
                  + _field(t("source", lang), f"{row['source_issue']}:{row['source_line']}")
                  + _field(common_col("quality_flags", lang),
                           ("；" if lang == "zh" else "; ").join(
                               flag_text(c, lang) for c in str(flags).split(";"))
                           if flags is not None and pd.notna(flags) else None))
        parts += [html.H3(str(row["title"])), html.Dl(fields, className="fields")]
    else:
        parts.append(html.H3(number or doc))
    if number:
        result = docstatus.status(number, on)
        parts.append(html.Div([
            html.Span(f"{t('status_on', lang)} {on.isoformat()}{colon(lang)}",
                      className="status-date"),
            html.Strong(value_label("status", result.status, lang),
                        className=f"status status-{result.status}", id="documents-status"),
            html.Ul([html.Li(line) for line in docstatus.reasons(result, lang)],
                    className="reasons", id="documents-reasons"),
        ], className="status-box"))
        ev = docstatus.events_for(number)
        if ev is not None and len(ev):
            parts += [
                graph("documents-lifecycle", lifecycle_json(ev, on, lang),
                      t("document_panel", lang), lang=lang),
                html.H4(t("events", lang)),
                html.P(t("evidence_hint", lang), className="note"),
                data_table("documents-events", *events_frame(ev, lang), page_size=20,
                           sort=False, nowrap=("date", "by_doc"), tooltips=[
                               {"event": {"value": str(e), "type": "text"}}
                               if pd.notna(e) else {} for e in ev["evidence"]]),
            ]
        parts += links(number, on, lang)
    return parts


# --- citations, amendments and tasks of one document ---------------------------------------


def _source(row: dict) -> str:
    return f"{row['source_issue']}:{row['source_line']}"


def doc_href(number: str, on: date, lang: str) -> str:
    return "/" + NAME + urlstate.build({
        "on": on.isoformat() if on != date.today() else None, "doc": number}, lang)


def _doc_link(number: object, known: set[str], on: date, lang: str, link_id: str):
    """A number as a link to its lifecycle when the page knows it, else as text."""
    if isinstance(number, str) and number in known:
        return dcc.Link(number, href=doc_href(number, on, lang), className="doc-link",
                        id=link_id)
    return html.Span(str(number), className="doc-number")


def _present(value: object) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value)) \
        and value != ""


def citation_items(rows: pd.DataFrame, column: str, on: date, lang: str,
                   prefix: str) -> list:
    """One list item per citation: the other document (linked when known), its title as
    printed, level, where cited and the source line — all gazette text as text."""
    known = docstatus.known()
    items = []
    for k, row in enumerate(rows.head(MAX_CITES).to_dict("records")):
        title = row["cited_title"] if column == "cited_number" else row["citing_title"]
        bits = [_doc_link(row[column], known, on, lang, f"{prefix}-link-{k}")]
        if _present(title):
            bits.append(html.Span(f"《{title}》", className="doc-title"))
        details = [value_label("context", row["context"], lang)]
        if column == "cited_number":
            details.insert(0, value_label("citation_level", row["level"], lang))
        source = t("source", lang) if lang == "zh" else t("source", lang).lower()
        bits.append(html.Span(paren(("，" if lang == "zh" else ", ").join(
            details + [f"{source} {_source(row)}"]), lang), className="note"))
        items.append(html.Li(bits))
    if len(rows) > MAX_CITES:
        items.append(html.Li(t("more_rows", lang).format(
            n=len(rows) - MAX_CITES, name=docstatus.CITATIONS), className="note"))
    return items


def amendments_frame(rows: pd.DataFrame,
                     lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    provision = []
    for row in rows.to_dict("records"):
        text = row["provision_raw"] if _present(row["provision_raw"]) else (
            t("provision_article", lang).format(n=row["article"])
            if _present(row["article"]) else "")
        if _present(row["new_provision_raw"]):
            text = f"{text} → {row['new_provision_raw']}".strip(" →") if text else \
                row["new_provision_raw"]
        provision.append(text)
    out = pd.DataFrame({
        "amending_doc": rows["amending_doc"], "provision_raw": provision,
        "action": [value_label("action", a, lang) for a in rows["action"]],
        "new_text": rows["new_text"], "old_text": rows["old_text"],
        "validity_effect": [value_label("validity_effect", v, lang) if _present(v) else ""
                            for v in rows["validity_effect"]],
        "source": [_source(r) for r in rows.to_dict("records")],
    })
    heads = [(c, t("source_line", lang) if c == "source" else
              col(docstatus.AMENDMENTS, c, lang)) for c in AMENDMENT_COLUMNS]
    return out, heads


def tasks_frame(rows: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    cols = [c for c in TASK_COLUMNS if c == "source" or c in rows.columns]
    out = rows[[c for c in cols if c != "source"]].copy()
    out["source"] = [_source(r) for r in rows.to_dict("records")]
    heads = [(c, t("source_line", lang) if c == "source" else col(docstatus.TASKS, c, lang))
             for c in cols]
    return out, heads


def links(number: str, on: date, lang: str) -> list:
    """Cites, cited by, article-level amendments (made to it, or by it) and its tasks."""
    parts: list = []
    cites, cited_by = docstatus.cites(number), docstatus.cited_by(number)
    if cites is not None and len(cites):
        parts += [html.H4(f"{t('doc_cites', lang)}{paren(len(cites), lang)}"),
                  html.Ul(citation_items(cites, "cited_number", on, lang, "cites"),
                          id="documents-cites", className="citations")]
    if cited_by is not None and len(cited_by):
        parts += [html.H4(f"{t('doc_cited_by', lang)}{paren(len(cited_by), lang)}"),
                  html.Ul(citation_items(cited_by, "citing_doc", on, lang, "cited-by"),
                          id="documents-cited-by", className="citations")]
    for key, rows, table_id in (
            ("doc_amendments", docstatus.amendments_of(number), "documents-amendments"),
            ("doc_amendments_made", docstatus.amendments_by(number),
             "documents-amendments-made")):
        if rows is not None and len(rows):
            parts += [html.H4(f"{t(key, lang)}{paren(len(rows), lang)}"),
                      data_table(table_id, *amendments_frame(rows, lang), page_size=15,
                                 sort=False, wide=("new_text",),
                                 nowrap=("amending_doc", "source"), tooltips=[
                                     {"action": {"value": str(e), "type": "text"}}
                                     for e in rows["evidence"]])]
    tasks = docstatus.tasks_of(number)
    if tasks is not None and len(tasks):
        parts += [html.H4(f"{t('doc_tasks', lang)}{paren(len(tasks), lang)}"),
                  data_table("documents-tasks", *tasks_frame(tasks, lang), page_size=10,
                             sort=False, wide=("task",), nowrap=("source",))]
    return parts


def events_frame(ev: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    out = pd.DataFrame({
        "date": ev["date"], "event": [value_label("event", e, lang) for e in ev["event"]],
        "by_doc": ev["by_doc"],
        "source": [f"{i}:{n}" for i, n in zip(ev["source_issue"], ev["source_line"],
                                               strict=True)],
    })
    heads = [(c, t("source_line", lang) if c == "source" else col(docstatus.EVENTS, c, lang))
             for c in EVENT_COLUMNS]
    return out, heads


def gazette_frame(lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]] | None:
    gazette = data.load(docstatus.GAZETTE)
    if gazette is None or gazette.empty:
        return None
    cols = [c for c in GAZETTE_COLUMNS if c in gazette.columns]
    out = gazette[cols].copy()
    if "section" in out:
        out["section"] = [value_label("section", v, lang) for v in out["section"]]
    return out, [(c, col(docstatus.GAZETTE, c, lang)) for c in cols]


# --- page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    """What the filters put on screen (the callback's outputs, and the layout's content)."""

    records: list[dict]
    pages: int
    agency: dict  # plotly figures as plain dicts
    year: dict
    summary: list
    count: str
    notes: tuple[str, str]
    heads: list[tuple[str, str]]


def screen(f: Filters, lang: str, sort_by: object = None, page: int = 0) -> Screen | None:
    """Everything the documents callback computes for a filter state (timed by
    bench.registry_scale at 100 000 documents)."""
    reg = doctable.registry()
    if reg is None:
        return None
    day = f.day
    keep = doctable.mask(reg, f.lists, f.agencies, f.query)
    pos = doctable.positions(keep, sort_by, day, lang)
    note = chart_note(day, lang)
    return Screen(
        table_page(pos, page, day, lang), page_count(len(pos)),
        agency_figure(doctable.crosstab(reg.agency_codes, len(reg.agencies), keep, day),
                      reg.agencies, day, lang),
        year_figure(doctable.crosstab(reg.year_codes, len(reg.years), keep, day), reg.years,
                    day, lang),
        summary(keep, day, lang), f"{len(pos)} / {len(reg.docs)}", (note, note),
        table_heads(day, lang))


def table_page(pos: np.ndarray, page: int, on: date, lang: str) -> list[dict]:
    """The records of one page of the table (the rows at ``pos``, in that order)."""
    return doctable.page_rows(pos, page, PAGE_SIZE, on, lang)


def _documents_table(s: Screen) -> object:
    table = data_table("documents-table", pd.DataFrame(s.records, columns=[
        *TABLE_COLUMNS, "id"], dtype=object), s.heads, page_size=PAGE_SIZE, row_ids="id",
        wide=("title",), nowrap=("doc_number",))
    # paged and sorted on the server: the browser holds one page, not the registry
    table.page_action, table.sort_action, table.sort_mode = "custom", "custom", "single"
    table.page_current, table.page_count, table.sort_by = 0, s.pages, []
    return table


def layout(params: urlstate.Params, lang: str):
    docs = _docs()
    head = page_header(t("documents_title", lang), t("documents_intro", lang), lang)
    if docs is None:
        return html.Div([head, no_data(lang)])
    f = from_params(docs, params)
    return _layout(f, lang)


@memo_per_data
def _layout(f: Filters, lang: str) -> html.Div:
    """The page for valid filters ``f``, made once per data version (shared: never
    mutate it); a query that validates to the same filters is the same page."""
    docs = _docs()
    head = page_header(t("documents_title", lang), t("documents_intro", lang), lang)
    on = f.day
    s = screen(f, lang)
    assert s is not None
    gazette = gazette_frame(lang)
    return html.Div([
        head,
        dcc.Store(id="documents-doc", data=f.doc),
        html.Div([
            html.Div([html.Label(t("search", lang), htmlFor="documents-q"),
                      dcc.Input(id="documents-q", type="search", value=f.query,
                                debounce=True, maxLength=MAX_SEARCH,
                                placeholder=t("search_example", lang), className="search")]),
            html.Div([html.Label(t("list", lang), htmlFor="documents-list"),
                      dcc.Dropdown(id="documents-list", multi=True, value=list(f.lists),
                                   placeholder=t("all", lang), searchable=False,
                                   options=[{"label": value_label("list_status", s, lang),
                                             "value": s} for s in ("retained", "repealed")])]),
            html.Div([html.Label(t("agency", lang), htmlFor="documents-agency"),
                      dcc.Dropdown(id="documents-agency", multi=True, value=list(f.agencies),
                                   placeholder=t("all", lang),
                                   options=sorted(docs["implementing_agency"].dropna()
                                                  .unique().tolist()))]),
            html.Div([html.Label(t("status_on", lang), htmlFor="documents-on"),
                      dcc.DatePickerSingle(id="documents-on", date=on.isoformat(),
                                           display_format="YYYY-MM-DD",
                                           first_day_of_week=1)]),
            html.Div(s.count, id="documents-count", className="count"),
        ], className="filters filters-documents"),
        section(t("status", lang), html.Div(s.summary, id="documents-summary")),
        html.Div([
            section(t("documents_table", lang),
                    html.P(t("list_basis", lang).format(basis=_list_basis(docs, lang)),
                           className="note"),
                    _documents_table(s)),
            section(t("document_panel", lang),
                    html.Div(panel(docs, f.doc, on, lang), id="documents-panel"),
                    class_name="detail-panel"),
        ], className="grid-map grid-docs"),
        html.Div([
            section(t("by_agency", lang),
                    html.P(s.notes[0], className="note", id="documents-agency-note"),
                    graph("documents-agency", s.agency, t("by_agency", lang))),
            section(t("by_year", lang),
                    html.P(s.notes[1], className="note", id="documents-year-note"),
                    graph("documents-year", s.year, t("by_year", lang))),
        ], className="grid-2"),
        section(t("gazette_documents", lang),
                data_table("documents-gazette", *gazette, page_size=20, wide=("title",),
                           nowrap=("doc_number", "signed_on", "effective_from", "expires_on"))
                if gazette else no_data(lang)),
    ])


def view(params: urlstate.Params, lang: str) -> pd.DataFrame | None:
    docs = _docs()
    if docs is None:
        return None
    f = from_params(docs, params)
    table, heads = table_frame(selected(docs, f), f.day, lang)
    return table.rename(columns=dict(heads))


def _clicked_doc(trigger: object, cell: object) -> str | None:
    if trigger == "documents-table" and isinstance(cell, dict):
        row_id = cell.get("row_id")
        return row_id if isinstance(row_id, str) else None
    return None


def _renamed(columns: object, heads: list[tuple[str, str]]) -> object:
    """The table's columns with today's headers (the status header names its date)."""
    if not isinstance(columns, list) or not all(isinstance(c, dict) for c in columns):
        return no_update
    names = dict(heads)
    return [{**c, "name": names.get(c.get("id"), c.get("name"))} for c in columns]


def _page(value: object) -> int:
    return value if isinstance(value, int) and 0 <= value < 100_000 else 0


def register(app: Dash) -> None:
    @app.callback(
        Output("documents-table", "data"), Output("documents-table", "page_count"),
        Output("documents-table", "page_current"), Output("documents-table", "active_cell"),
        Output("documents-table", "columns"),
        Output("documents-agency", "figure"), Output("documents-year", "figure"),
        Output("documents-agency-note", "children"), Output("documents-year-note", "children"),
        Output("documents-summary", "children"), Output("documents-panel", "children"),
        Output("documents-count", "children"), Output("documents-doc", "data"),
        Output("url", "search", allow_duplicate=True),
        Output("url-written", "data", allow_duplicate=True),
        Input("documents-q", "value"), Input("documents-list", "value"),
        Input("documents-agency", "value"), Input("documents-on", "date"),
        Input("documents-table", "active_cell"), Input("documents-table", "page_current"),
        Input("documents-table", "sort_by"),
        State("documents-doc", "data"), State("documents-table", "columns"),
        State("rendered", "data"), prevent_initial_call=True,
    )
    def update(query, lists, agencies, on, cell, page, sort_by, current, columns, rendered):
        if urlstate.inserted(ctx.triggered):
            raise PreventUpdate
        docs = _docs()
        if docs is None:
            raise PreventUpdate
        lang = urlstate.rendered_lang(rendered)
        trigger = ctx.triggered_id
        prop = ctx.triggered[0]["prop_id"].rsplit(".", 1)[-1] if ctx.triggered else ""
        clicked = _clicked_doc(trigger, cell) if prop == "active_cell" else None
        f = filters(docs, lists, agencies, query, on, clicked or current)
        if trigger == "documents-table" and prop in ("page_current", "sort_by"):
            # another page or order of the same rows: only the table changes (a new order
            # starts at its first page)
            reg = doctable.registry()
            assert reg is not None
            start = _page(page) if prop == "page_current" else 0
            pos = doctable.positions(doctable.mask(reg, f.lists, f.agencies, f.query),
                                     sort_by, f.day, lang)
            return (table_page(pos, start, f.day, lang), no_update,
                    no_update if prop == "page_current" else 0, *[no_update] * 12)
        if trigger == "documents-table" and clicked is None:
            raise PreventUpdate  # a click that names no row (a header, an empty cell)
        s = screen(f, lang, sort_by, _page(page) if clicked else 0)
        assert s is not None
        query_string = to_query(f, lang)
        heads = _renamed(columns, s.heads)
        # a click keeps the row highlighted; new rows clear the old cell, which would
        # otherwise name a row no longer on screen (and swallow the next click there)
        return (s.records, s.pages, no_update if clicked else 0,
                no_update if clicked else None, heads, s.agency, s.year, *s.notes,
                s.summary, panel(docs, f.doc, f.day, lang), s.count, f.doc,
                query_string, query_string)
