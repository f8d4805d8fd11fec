"""Every dataset and every page view as a stable read-only URL, like datasette.

    GET /api/                                   the index: datasets, views, data version
    GET /api/<dataset>.json | .csv              a published dataset (data dictionary names)
    GET /api/views/<page>.json | .csv?<query>   what a page shows for its URL query

Query parameters of a dataset (a view takes its page's own query, plus the ``_`` ones):

- ``?column=value``: rows whose ``column`` equals ``value``, the value read as the column's
  dictionary type (integer, number, boolean ``true``/``false``, date ``YYYY-MM-DD``, a
  category one of its declared codes); repeat the parameter for any of several values. An
  unknown column or a value that is not of the column's type is a 400 naming it.
- ``_sort=column`` / ``_sort_desc=column``: the order (default: the primary key, as
  published). Ties keep the published order, so paging is stable.
- ``_size=N`` rows per page (default 100, at most ``MAX_SIZE``); ``_next=<token>`` the page
  after the one whose ``next`` gave the token. JSON always pages; CSV gives every matching
  row unless ``_size`` or ``_next`` is given.
- ``_shape=objects`` (default: a row is ``{column: value}``) or ``arrays`` (a row is a list
  in the order of ``columns``).
- ``_dl=1`` (CSV): as a download, with a file name carrying dataset, filter and date.

JSON answers ``{dataset, title, columns: [{name, type, zh, en}], rows, total, next,
next_url, data_version, newest_issue, as_of}``; CSV is written by the spreadsheet-safe
writer of the downloads (dashboard/downloads.py: a text cell that would start a formula is
prefixed with an apostrophe; numbers stay numbers). Read-only: GET and HEAD only; nothing
here takes a file path from a request — a dataset is named only from the dictionary's list.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from flask import Blueprint, Flask, Response, jsonify, request

from dashboard import data, downloads, urlstate
from dashboard.i18n import t
from etl import dictionary

MAX_SIZE = 1000
DEFAULT_SIZE = 100
SHAPES = ("objects", "arrays")
CONTROL = ("_sort", "_sort_desc", "_size", "_next", "_shape", "_dl")
FORMATS = ("json", "csv")

api = Blueprint("api", __name__, url_prefix="/api")


class ApiError(Exception):
    """A request this API cannot answer: the message says why (status 400 or 404)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


# --- reading a query ---------------------------------------------------------------------------

def typed_value(col: dictionary.Column, raw: str) -> object:
    """``raw`` as a value of ``col``'s dictionary type (ApiError when it is not one)."""
    kind = col.type
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError(raw)
            return value
        if kind == "date":
            return pd.Timestamp(date.fromisoformat(raw))
    except ValueError:
        raise ApiError(f"{col.name}={raw!r}: not a{'n' if kind == 'integer' else ''} "
                       f"{kind} (the column is {kind}"
                       f"{', YYYY-MM-DD' if kind == 'date' else ''})") from None
    if kind == "boolean":
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0"):
            return False
        raise ApiError(f"{col.name}={raw!r}: not a boolean (true or false)")
    if kind == "category" and col.enum and raw not in {str(v) for v in col.enum}:
        raise ApiError(f"{col.name}={raw!r}: not one of the declared values "
                       f"({', '.join(map(str, col.enum))})")
    return raw


def _size(args) -> int | None:
    raw = args.get("_size")
    if raw is None:
        return None
    if raw == "max":
        return MAX_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SIZE:
        raise ApiError(f"_size={raw!r}: a whole number from 1 to {MAX_SIZE} (or max)")
    return int(raw)


def _offset(args) -> int:
    raw = args.get("_next")
    if raw is None:
        return 0
    if not raw.isdigit() or len(raw) > 12:
        raise ApiError(f"_next={raw!r}: not a token this API gave (use the next_url of the "
                       "previous page)")
    return int(raw)


def _shape(args) -> str:
    shape = args.get("_shape", "objects")
    if shape not in SHAPES:
        raise ApiError(f"_shape={shape!r}: one of {', '.join(SHAPES)}")
    return shape


def filtered(name: str, args) -> pd.DataFrame:
    """The rows of dataset ``name`` that ``args`` select, in the order they ask for."""
    spec = dictionary.dataset(name)
    frame = data.load(name)
    if frame is None:
        raise ApiError(f"dataset {name} is not published here (run python -m etl build)", 404)
    known = set(spec.column_names)
    unknown = [k for k in args if k not in known and k not in CONTROL]
    if unknown:
        raise ApiError(f"unknown column {unknown[0]!r} for dataset {name}; its columns: "
                       f"{', '.join(spec.column_names)}; and _sort, _sort_desc, _size, "
                       "_next, _shape, _dl")
    keep = pd.Series(True, index=frame.index)
    for column in args:
        if column in CONTROL:
            continue
        col = spec.column(column)
        wanted = [typed_value(col, raw) for raw in args.getlist(column)]
        series = frame[column]
        if col.type == "category" or col.type in ("string", "year_month"):
            series = series.astype("string")
        keep &= series.isin(wanted).fillna(False).astype(bool)
    rows = frame[keep]
    sort, desc = args.get("_sort"), args.get("_sort_desc")
    if sort and desc:
        raise ApiError("give _sort or _sort_desc, not both")
    by = sort or desc
    if by:
        if by not in known:
            raise ApiError(f"_sort{'_desc' if desc else ''}={by!r}: unknown column for "
                           f"dataset {name}; its columns: {', '.join(spec.column_names)}")
        key = rows[by].astype("string") if spec.column(by).type == "category" else rows[by]
        order = key.sort_values(ascending=not desc, kind="stable", na_position="last").index
        rows = rows.loc[order]
    return rows.reset_index(drop=True)


# --- writing an answer -------------------------------------------------------------------------

def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    return value


def rows_json(frame: pd.DataFrame, shape: str) -> list:
    records = [[_json_value(v) for v in row] for row in frame.itertuples(index=False)]
    if shape == "arrays":
        return records
    names = list(frame.columns)
    return [dict(zip(names, row, strict=True)) for row in records]


def _next_url(offset: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "_next"]
    return request.path + "?" + urlencode(args + [("_next", str(offset))])


def answer(frame: pd.DataFrame, fmt: str, meta: dict, columns: list[dict],
           filename: str, fallback: str | None = None) -> Response:
    """One page of ``frame`` as JSON, or the rows as CSV."""
    size, offset, shape = _size(request.args), _offset(request.args), _shape(request.args)
    if fmt == "csv":
        if size is not None or offset:
            frame = frame.iloc[offset:offset + (size or MAX_SIZE)]
        response = Response(downloads.csv_bytes(frame), mimetype="text/csv")
        response.charset = "utf-8"
        kind = "attachment" if request.args.get("_dl") else "inline"
        response.headers["Content-Disposition"] = downloads.content_disposition(
            filename, kind, fallback)
        return response
    size = size or DEFAULT_SIZE
    page = frame.iloc[offset:offset + size]
    more = offset + size < len(frame)
    return jsonify({**meta, "columns": columns, "rows": rows_json(page, shape),
                    "total": len(frame), "offset": offset,
                    "next": str(offset + size) if more else None,
                    "next_url": _next_url(offset + size) if more else None,
                    **downloads.version_info()})


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ApiError(f"unknown format .{fmt}: .json or .csv", 404)
    return fmt


@api.errorhandler(ApiError)
def _error(exc: ApiError):
    return jsonify({"ok": False, "error": exc.message, "status": exc.status}), exc.status


@api.get("/")
def index():
    published = set(data.available())
    return jsonify({  # lists, not objects: the dictionary's order survives jsonify
        "datasets": [{"name": name, "title": ds.zh, "title_en": ds.en,
                      "json": f"/api/{name}.json", "csv": f"/api/{name}.csv",
                      "published": name in published}
                     for name, ds in dictionary.datasets().items()],
        "views": [{"name": page.NAME, "path": path, "json": f"/api/views/{page.NAME}.json",
                   "csv": f"/api/views/{page.NAME}.csv"} for path, page in _pages().items()],
        "parameters": ["column=value", *CONTROL],
        "max_size": MAX_SIZE,
        **downloads.version_info(),
    })


@api.get("/<name>.<fmt>")
def dataset(name: str, fmt: str):
    fmt = _fmt(fmt)
    if name not in dictionary.datasets():
        raise ApiError(f"unknown dataset {name!r}; the datasets: "
                       f"{', '.join(dictionary.datasets())}", 404)
    spec = dictionary.dataset(name)
    rows = filtered(name, request.args)
    columns = [{"name": c.name, "type": c.type, "zh": c.zh, "en": c.en} for c in spec.columns]
    meta = {"dataset": name, "title": spec.zh, "title_en": spec.en,
            "primary_key": list(spec.primary_key)}
    filters = [(k, v) for k, v in request.args.items(multi=True) if k not in CONTROL]
    return answer(rows, fmt, meta, columns, downloads.dataset_filename(name, filters, fmt))


@api.route("/<path:rest>", methods=["GET"])
def elsewhere(rest: str):
    """Any other path under /api/ is this API's 404, not the dashboard's page."""
    raise ApiError(f"no such API URL: /api/{rest}; see /api/", 404)


def _pages() -> dict:
    from dashboard.pages import PAGES
    return PAGES


@api.get("/views/<name>.<fmt>")
def view(name: str, fmt: str):
    fmt = _fmt(fmt)
    pages = {page.NAME: (path, page) for path, page in _pages().items()}
    if name not in pages:
        raise ApiError(f"unknown view {name!r}; the views: {', '.join(pages)}", 404)
    path, page = pages[name]
    params = {k: v for k, v in urlstate.parse(request.query_string.decode("utf-8", "replace"))
              .items() if k not in CONTROL}
    lang = urlstate.lang(params)
    frame = page.view(params, lang)
    if frame is None:
        raise ApiError(f"view {name}: no data published here", 404)
    frame = downloads.prepare(page, frame, lang)
    columns = [{"name": str(c)} for c in frame.columns]
    meta = {"view": name, "page": path + urlstate.build(
        {k: v for k, v in params.items() if k != "lang"}, lang)}
    return answer(frame.reset_index(drop=True), fmt, meta, columns,
                  downloads.filename(page, params, lang, fmt),
                  downloads.ascii_filename(page, fmt))


# --- the URL of what a page shows ----------------------------------------------------------------

# Pages whose view is a plain filter of one dataset: page parameter → dataset column. A
# view with any other parameter (a search, a range, a status date) is the view's URL.
PLAIN: dict[str, tuple[str, dict[str, str]]] = {
    "heritage": ("heritage_sites", {"category": "category_zh", "county": "county"}),
    "chronicle": ("chronicle_entries", {"official": "name"}),
}
IGNORED = ("lang", "site", "doc")  # what a page has open, not what it selects


def view_url(pathname: str | None, search: str | None, fmt: str = "csv") -> str | None:
    """The API URL of the view at ``pathname`` + ``search``: the dataset's URL with the same
    filters where the view is a plain filter of one dataset, else the view's own URL."""
    page = _pages().get(pathname or "")
    if page is None:
        return None
    params = urlstate.parse(search)
    plain = PLAIN.get(page.NAME)
    selecting = {k: v for k, v in params.items() if k not in IGNORED}
    if plain and set(selecting) <= set(plain[1]):
        name, columns = plain
        pairs = [(columns[k], v) for k, values in selecting.items() for v in values]
        return f"/api/{name}.{fmt}" + ("?" + urlencode(pairs) if pairs else "")
    query = urlstate.build({k: v for k, v in params.items() if k != "lang"},
                           urlstate.lang(params))
    return f"/api/views/{page.NAME}.{fmt}{query}"


# --- documentation on the dictionary page --------------------------------------------------------

def help_section(lang: str):
    """The API, explained where the columns are: URLs, parameters, one link per dataset."""
    from dash import html

    from dashboard.components import section

    params = [("column=value", "api_help_filter"), ("_sort=column / _sort_desc=column",
                                                    "api_help_sort"),
              (f"_size=N (≤ {MAX_SIZE}) / _next=…", "api_help_paging"),
              ("_shape=objects | arrays", "api_help_shape"), ("_dl=1", "api_help_dl")]
    links = [html.Li([html.Span(f"{ds.title(lang)}: "),
                      html.A(f"/api/{name}.json", href=f"/api/{name}.json"), " · ",
                      html.A(f"/api/{name}.csv", href=f"/api/{name}.csv")])
             for name, ds in dictionary.datasets().items()]
    example = "/api/heritage_sites.json?county=海州区&_sort=era_start_year&_size=5"
    return section(
        t("api_help_title", lang),
        html.P(t("api_help_intro", lang)),
        html.Ul([html.Li([html.Code(code), " — ", t(key, lang)]) for code, key in params]),
        html.P([t("api_help_example", lang), html.A(html.Code(example), href=example)]),
        html.P(t("api_help_views", lang)),
        html.Ul(links, className="api-links"),
        section_id="api-help")


def install(server: Flask) -> None:
    """Register the API on the dashboard's Flask server (once)."""
    if "api" not in server.blueprints:
        server.register_blueprint(api)
