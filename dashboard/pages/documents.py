"""/documents 规范性文件: status on a chosen date, documents by agency and by year, a
searchable and sortable list, and each document's lifecycle with the source of every event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, docstatus, urlstate
from dashboard.components import (
    PALETTE,
    data_table,
    esc,
    graph,
    no_data,
    page_header,
    section,
    style,
    table_records,
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


@dataclass(frozen=True)
class Filters:
    lists: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    query: str = ""
    on: date | None = None  # None = today
    doc: str | None = None  # a registry key (docstatus.key)


def _docs() -> pd.DataFrame | None:
    docs = data.load(REG)
    if docs is None or docs.empty:
        return None
    # the documents still listed as in force first, each list in its printed order
    order = (docs["list_status"] != "retained").astype(int)
    return docs.assign(_order=order).sort_values(["_order", "source_issue", "source_line"],
                                                 kind="stable").drop(columns="_order"
                                                                     ).reset_index(drop=True)


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
    return Filters(
        tuple(urlstate.known(_as_list(lists), docs["list_status"].dropna().unique())),
        tuple(urlstate.known(_as_list(agencies),
                             docs["implementing_agency"].dropna().unique())),
        text, parse_date(on), docstatus.find(doc) if isinstance(doc, str) else None,
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
    return urlstate.build({"list": list(f.lists), "agency": list(f.agencies), "q": f.query,
                           "on": f.on.isoformat() if f.on and f.on != date.today() else None,
                           "doc": docstatus.url_value(f.doc) if f.doc else None}, lang)


def selected(docs: pd.DataFrame, f: Filters) -> pd.DataFrame:
    keep = pd.Series(True, index=docs.index)
    if f.lists:
        keep &= docs["list_status"].isin(f.lists)
    if f.agencies:
        keep &= docs["implementing_agency"].isin(f.agencies)
    if f.query:
        needle = f.query.casefold()
        text = (docs["title"].fillna("") + " " + docs["doc_number"].fillna("") + " "
                + docs["doc_number_raw"].fillna("")).str.casefold()
        keep &= text.str.contains(needle, regex=False)
    return docs[keep].reset_index(drop=True)


# --- figures ---------------------------------------------------------------------------


def _list_colour(status: str) -> str:
    return {"retained": PALETTE[0], "repealed": PALETTE[5]}.get(status, PALETTE[7])


def agency_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    # only the retained list names agencies; repealed rows have none to count
    top = rows["implementing_agency"].value_counts().head(TOP_AGENCIES)
    order = top.index[::-1].tolist()
    fig = go.Figure()
    for status in ("retained", "repealed"):
        part = rows[rows["list_status"] == status]["implementing_agency"].dropna()
        if part.empty:
            continue
        counts = part.value_counts().reindex(order).fillna(0).astype(int)
        fig.add_trace(go.Bar(y=[esc(a) for a in order], x=counts.tolist(), orientation="h",
                             name=value_label("list_status", status, lang),
                             marker={"color": _list_colour(status)},
                             hovertemplate="%{y}: %{x}<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("doc_count", lang), gridcolor="#e5e5e5")
    fig.update_yaxes(automargin=True, tickfont={"size": 11})
    return style(fig, height=max(240, 22 * len(order) + 110))


def year_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    years = rows["issued_on"].dt.year
    fig = go.Figure()
    for status in ("retained", "repealed"):
        counts = years[rows["list_status"] == status].dropna().astype(int).value_counts()
        counts = counts.sort_index()
        fig.add_trace(go.Bar(x=counts.index.tolist(), y=counts.tolist(),
                             name=value_label("list_status", status, lang),
                             marker={"color": _list_colour(status)},
                             hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("year", lang), dtick=2)
    fig.update_yaxes(title=t("doc_count", lang), gridcolor="#e5e5e5")
    return style(fig, height=300)


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


# --- tables and the document panel ------------------------------------------------------


def table_frame(rows: pd.DataFrame, on: date,
                lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    out = rows[["title", "doc_number", "implementing_agency"]].copy()
    out["list_status"] = [value_label("list_status", s, lang) for s in rows["list_status"]]
    out["status"] = docstatus.short_texts(rows["doc_number"], on, lang)
    heads = [(c, t("status", lang) if c == "status" else col(REG, c, lang))
             for c in TABLE_COLUMNS]
    return out, heads


def summary(rows: pd.DataFrame, on: date, lang: str) -> list:
    codes = docstatus.status_codes(rows["doc_number"], on)
    counts = pd.Series([value_label("status", c, lang) if c else t("no_number", lang)
                        for c in codes], dtype="object").value_counts()
    chips = [html.Div([html.Span(str(n), className="chip-value"),
                       html.Span(label, className="chip-label")], className="chip")
             for label, n in counts.items()]
    return [html.P(f"{t('status_on', lang)} {on.isoformat()}", className="note"),
            html.Div(chips, className="chips")]


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
                graph("documents-lifecycle", lifecycle_figure(ev, on, lang),
                      t("document_panel", lang)),
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
            details.insert(0, value_label("level", row["level"], lang))
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


def layout(params: urlstate.Params, lang: str):
    docs = _docs()
    head = page_header(t("documents_title", lang), t("documents_intro", lang), lang)
    if docs is None:
        return html.Div([head, no_data(lang)])
    f = from_params(docs, params)
    on = f.on or date.today()
    rows = selected(docs, f)
    table, heads = table_frame(rows, on, lang)
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
            html.Div(f"{len(rows)} / {len(docs)}", id="documents-count", className="count"),
        ], className="filters filters-documents"),
        section(t("status", lang), html.Div(summary(rows, on, lang), id="documents-summary")),
        html.Div([
            section(t("documents_table", lang),
                    data_table("documents-table", table.assign(id=docstatus.keys(rows)), heads,
                               page_size=15, row_ids="id", wide=("title",),
                               nowrap=("doc_number",))),
            section(t("document_panel", lang),
                    html.Div(panel(docs, f.doc, on, lang), id="documents-panel"),
                    class_name="detail-panel"),
        ], className="grid-map grid-docs"),
        html.Div([
            section(t("by_agency", lang), graph("documents-agency", agency_figure(rows, lang),
                                                t("by_agency", lang))),
            section(t("by_year", lang), graph("documents-year", year_figure(rows, lang),
                                              t("by_year", lang))),
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
    table, heads = table_frame(selected(docs, f), f.on or date.today(), lang)
    return table.rename(columns=dict(heads))


def _clicked_doc(trigger: object, cell: object) -> str | None:
    if trigger == "documents-table" and isinstance(cell, dict):
        row_id = cell.get("row_id")
        return row_id if isinstance(row_id, str) else None
    return None


def register(app: Dash) -> None:
    @app.callback(
        Output("documents-table", "data"), Output("documents-agency", "figure"),
        Output("documents-year", "figure"), Output("documents-summary", "children"),
        Output("documents-panel", "children"), Output("documents-count", "children"),
        Output("documents-doc", "data"),
        Output("url", "search", allow_duplicate=True),
        Output("url-written", "data", allow_duplicate=True),
        Input("documents-q", "value"), Input("documents-list", "value"),
        Input("documents-agency", "value"), Input("documents-on", "date"),
        Input("documents-table", "active_cell"),
        State("documents-doc", "data"), State("rendered", "data"), prevent_initial_call=True,
    )
    def update(query, lists, agencies, on, cell, current, rendered):
        if urlstate.inserted(ctx.triggered):
            raise PreventUpdate
        docs = _docs()
        if docs is None:
            raise PreventUpdate
        lang = urlstate.rendered_lang(rendered)
        clicked = _clicked_doc(ctx.triggered_id, cell)
        f = filters(docs, lists, agencies, query, on, clicked or current)
        day = f.on or date.today()
        rows = selected(docs, f)
        table, _ = table_frame(rows, day, lang)
        query_string = to_query(f, lang)
        return (table_records(table.assign(id=docstatus.keys(rows))),
                agency_figure(rows, lang), year_figure(rows, lang), summary(rows, day, lang),
                panel(docs, f.doc, day, lang), f"{len(rows)} / {len(docs)}", f.doc,
                query_string, query_string)

