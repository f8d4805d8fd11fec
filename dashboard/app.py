"""The Dash app: one shell (header, language switch, downloads) and a router over the pages.

Routing is by ``dcc.Location`` (``refresh=False``): a page is rendered from its path and
query string, so every view is a URL. When a page's filters change, the page writes the new
query string to the URL and to ``url-written``; the router sees that it wrote that query
itself and leaves the page alone, but a query it did not write (back/forward, the language
switch, a pasted link) renders the page again — and the router records that query in
``url-written`` too, so the store always holds the query on screen (else Back to a query a
page once wrote would be taken for the page's own write and not drawn).

``server`` is the Flask app (``python -m dashboard --production`` serves it with waitress;
any WSGI server can: ``dashboard.app:server``), with the read-only API (dashboard/api.py).
"""

from __future__ import annotations

import html as html_text
import json
from pathlib import Path

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import api, data, downloads, urlstate
from dashboard.components import localize
from dashboard.i18n import UI, t
from dashboard.pages import PAGES, Page

ASSETS = Path(__file__).parent / "assets"

INDEX = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
{%app_entry%}
<div hidden>{%config%}{%scripts%}{%renderer%}</div>
</body>
</html>"""


def header(pathname: str, lang: str) -> list:
    suffix = urlstate.build({}, lang)
    links = [dcc.Link(t(page.NAV_KEY, lang), href=path + suffix, id=f"nav-{page.NAME}",
                      className="nav-link active" if path == pathname else "nav-link")
             for path, page in PAGES.items()]
    return [
        html.A(t("skip_to_content", lang), href="#page", className="skip-link"),
        html.Div([
            dcc.Link(t("app_title", lang), href="/" + suffix, className="brand"),
            html.Span(t("app_subtitle", lang), className="subtitle"),
        ], className="brand-row"),
        html.Nav(links, className="nav", **{"aria-label": t("app_title", lang)}),
        html.Button(t("switch_lang", lang), id="lang-switch", className="lang-switch",
                    title=t("switch_lang_title", lang), n_clicks=0,
                    lang="en" if lang == "zh" else "zh-CN"),
    ]


def not_found(lang: str) -> html.Div:
    return html.Div([html.H1(t("not_found", lang)),
                     dcc.Link(t("back_home", lang), href="/" + urlstate.build({}, lang))],
                    className="page-header")


def shell() -> html.Div:
    return html.Div([
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="url-written"),  # the query string on screen (page write or render)
        dcc.Store(id="rendered"),  # [path, lang] of the page on screen
        dcc.Store(id="lang-applied"),
        dcc.Store(id="page-titles", data=page_titles()),
        ui_strings(),
        dcc.Download(id="download"),
        html.Header(id="header", className="site-header"),
        html.Main(id="page", className="page", tabIndex="-1"),  # the skip link's target
        html.Footer(id="footer-note", className="site-footer"),
    ], className="shell")


def page_titles() -> dict[str, dict[str, str]]:
    """``{lang: {path: title}}``: a <title> per page and language ("规范性文件 · 连云港市政府
    公报数据"); ``""`` is the title of an unknown path."""
    out = {}
    for lang in ("zh", "en"):
        app_title = t("app_title", lang)
        titles = {path: t("page_title", lang).format(page=t(page.NAV_KEY, lang), app=app_title)
                  for path, page in PAGES.items()}
        titles[""] = t("page_title", lang).format(page=t("not_found", lang), app=app_title)
        out[lang] = titles
    return out


def ui_strings() -> html.Div:
    """The screen-reader names that assets/a11y.js gives third-party widgets (the table's
    page buttons, the calendar's arrows…), in both languages, from dashboard.i18n."""
    keys = [key for key in UI if key.startswith("a11y_")]
    return html.Div(id="ui-strings", hidden=True, **{
        f"data-{lang}": json.dumps({key[5:]: t(key, lang) for key in keys},
                                   ensure_ascii=False) for lang in ("zh", "en")})


def server_title(path: str, query: str) -> tuple[str, str]:
    """``(lang, title)`` of the page a request asks for (an unknown path: the not-found
    title), so the HTML the server sends names its page before any script runs."""
    lang = urlstate.lang(urlstate.parse(query))
    own = page_titles()[lang]
    return lang, own.get(path, own[""])


class App(Dash):
    """Dash whose index page carries the requested page's <title> and ``<html lang>``
    (screen readers, tabs, bookmarks and search results read them from the HTML); the
    clientside callback in ``register`` keeps both right on in-app navigation."""

    def interpolate_index(self, **kwargs) -> str:
        from flask import has_request_context, request

        if has_request_context():
            lang, title = server_title(request.path, request.query_string.decode(
                "utf-8", "replace"))
            kwargs["title"] = html_text.escape(title)
            index = super().interpolate_index(**kwargs)
            if lang == "en":
                index = index.replace('<html lang="zh-CN">', '<html lang="en">', 1)
            return index
        return super().interpolate_index(**kwargs)


def register(app: Dash) -> None:
    @app.callback(
        Output("header", "children"), Output("page", "children"),
        Output("footer-note", "children"), Output("rendered", "data"),
        Output("url-written", "data"),
        Input("url", "pathname"), Input("url", "search"),
        State("url-written", "data"), State("rendered", "data"),
    )
    def route(pathname, search, written, rendered):
        params = urlstate.parse(search)
        lang = urlstate.lang(params)
        key = [pathname, lang]
        if rendered == key and search == written:
            raise PreventUpdate  # the query on screen: the page itself put it in the URL
        page = PAGES.get(pathname or "/")
        body = localize(page.layout(params, lang) if page else not_found(lang), lang)
        # ``url-written`` is the query the screen shows, whoever drew it: a page's own
        # write or this render (Back to a query a page once wrote must render it again)
        return header(pathname, lang), body, t("footer", lang), key, search

    @app.callback(Output("url", "search", allow_duplicate=True),
                  Input("lang-switch", "n_clicks"), State("url", "search"),
                  State("rendered", "data"), prevent_initial_call=True)
    def switch_language(clicks, search, rendered):
        if not clicks:
            raise PreventUpdate
        current = rendered[1] if isinstance(rendered, list) and len(rendered) == 2 else "zh"
        return urlstate.with_lang(search, "zh" if current == "en" else "en")

    app.clientside_callback(
        """function(rendered, titles) {
            if (!rendered) { return window.dash_clientside.no_update; }
            const lang = rendered[1] === 'en' ? 'en' : 'zh';
            document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
            const own = (titles || {})[lang] || {};
            const title = own[rendered[0]] || own[''];
            if (title) { document.title = title; }
            return window.dash_clientside.no_update;
        }""",
        Output("lang-applied", "data"), Input("rendered", "data"),
        State("page-titles", "data"),
    )

    @app.callback(Output("download", "data"),
                  Input({"type": "download", "fmt": ALL}, "n_clicks"),
                  State("url", "pathname"), State("url", "search"),
                  State("download-notes", "value"), prevent_initial_call=True)
    def download(clicks, pathname, search, notes):
        """The view as a file, through the spreadsheet-safe writer (dashboard/downloads.py),
        named for page, filter and data date; or the published workbook."""
        trigger = ctx.triggered_id
        if not trigger or not any(clicks or []) or not ctx.triggered[0].get("value"):
            raise PreventUpdate
        fmt = trigger.get("fmt")
        page: Page | None = PAGES.get(pathname or "")
        if page is None or fmt not in ("csv", "xlsx", "workbook"):
            raise PreventUpdate
        if fmt == "workbook":
            content = data.workbook_bytes()
            if content is None:
                raise PreventUpdate
            return dcc.send_bytes(content, data.workbook_path().name)
        made = downloads.page_download(page, pathname, search, fmt,
                                       with_notes=isinstance(notes, list) and "notes" in notes)
        if made is None:
            raise PreventUpdate
        return dcc.send_bytes(made[0], made[1])

    @app.callback(Output("download-api", "href"), Input("url", "search"),
                  Input("rendered", "data"), State("url", "pathname"),
                  prevent_initial_call=True)
    def api_link(search, rendered, pathname):
        """The download bar's API link follows the view (dashboard/api.py: the dataset's
        URL where the view is a plain filter of it)."""
        url = api.view_url(pathname if isinstance(pathname, str) else None,
                           search if isinstance(search, str) else None)
        if url is None:
            raise PreventUpdate
        return url

    for page in PAGES.values():
        page.register(app)


def create_app() -> Dash:
    app = App(
        __name__, title=t("app_title", "zh"), update_title=None, serve_locally=True,
        assets_folder=str(ASSETS), suppress_callback_exceptions=True, index_string=INDEX,
        compress=False,  # dashboard.serve.install compresses (and caches what it may)
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.layout = shell()
    register(app)
    api.install(app.server)  # /api/<dataset>.json|csv and /api/views/<page>.json|csv
    # headers, CSP hashes and request checks need the callbacks registered first
    from dashboard import security, serve

    security.install(app)
    serve.install(app.server)  # compression and long caching of fingerprinted files
    return app


app = create_app()
server = app.server
