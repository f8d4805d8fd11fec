"""The Dash app: one shell (header, language switch, downloads) and a router over the pages.

Routing is by ``dcc.Location`` (``refresh=False``): a page is rendered from its path and
query string, so every view is a URL. When a page's filters change, the page writes the new
query string to the URL and to ``url-written``; the router sees that it wrote that query
itself and leaves the page alone, but a query it did not write (back/forward, the language
switch, a pasted link) renders the page again.

``server`` is the Flask app for ``gunicorn dashboard.app:server``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, urlstate
from dashboard.i18n import t
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
<footer>{%config%}{%scripts%}{%renderer%}</footer>
</body>
</html>"""


def header(pathname: str, lang: str) -> list:
    suffix = urlstate.build({}, lang)
    links = [dcc.Link(t(page.NAV_KEY, lang), href=path + suffix, id=f"nav-{page.NAME}",
                      className="nav-link active" if path == pathname else "nav-link")
             for path, page in PAGES.items()]
    return [
        html.Div([
            dcc.Link(t("app_title", lang), href="/" + suffix, className="brand"),
            html.Span(t("app_subtitle", lang), className="subtitle"),
        ], className="brand-row"),
        html.Nav(links, className="nav"),
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
        dcc.Store(id="url-written"),  # the last query string a page wrote itself
        dcc.Store(id="rendered"),  # [path, lang] of the page on screen
        dcc.Store(id="lang-applied"),
        dcc.Download(id="download"),
        html.Header(id="header", className="site-header"),
        html.Main(id="page", className="page"),
        html.Div(id="footer-note", className="site-footer"),
    ], className="shell")


def _frame_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="data")
        sheet = writer.sheets["data"]
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    return buf.getvalue()


def register(app: Dash) -> None:
    @app.callback(
        Output("header", "children"), Output("page", "children"),
        Output("footer-note", "children"), Output("rendered", "data"),
        Input("url", "pathname"), Input("url", "search"),
        State("url-written", "data"), State("rendered", "data"),
    )
    def route(pathname, search, written, rendered):
        params = urlstate.parse(search)
        lang = urlstate.lang(params)
        key = [pathname, lang]
        if rendered == key and search == written:
            raise PreventUpdate  # the page itself put this query in the URL
        page = PAGES.get(pathname or "/")
        body = page.layout(params, lang) if page else not_found(lang)
        return header(pathname, lang), body, t("footer", lang), key

    @app.callback(Output("url", "search", allow_duplicate=True),
                  Input("lang-switch", "n_clicks"), State("url", "search"),
                  State("rendered", "data"), prevent_initial_call=True)
    def switch_language(clicks, search, rendered):
        if not clicks:
            raise PreventUpdate
        current = rendered[1] if isinstance(rendered, list) and len(rendered) == 2 else "zh"
        return urlstate.with_lang(search, "zh" if current == "en" else "en")

    app.clientside_callback(
        """function(rendered) {
            if (!rendered) { return window.dash_clientside.no_update; }
            document.documentElement.lang = rendered[1] === 'en' ? 'en' : 'zh-CN';
            return window.dash_clientside.no_update;
        }""",
        Output("lang-applied", "data"), Input("rendered", "data"),
    )

    @app.callback(Output("download", "data"),
                  Input({"type": "download", "fmt": ALL}, "n_clicks"),
                  State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
    def download(clicks, pathname, search):
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
        params = urlstate.parse(search)
        frame = page.view(params, urlstate.lang(params))
        if frame is None:
            raise PreventUpdate
        return dcc.send_bytes(_frame_bytes(frame, fmt), f"lyg_{page.NAME}.{fmt}")

    for page in PAGES.values():
        page.register(app)


def create_app() -> Dash:
    app = Dash(
        __name__, title=t("app_title", "zh"), update_title=None, serve_locally=True,
        assets_folder=str(ASSETS), suppress_callback_exceptions=True, index_string=INDEX,
        compress=False, meta_tags=[{"name": "viewport",
                                    "content": "width=device-width, initial-scale=1"}],
    )
    app.layout = shell()
    register(app)
    # headers, CSP hashes and request checks need the callbacks registered first
    from dashboard import security

    security.install(app)
    return app


app = create_app()
server = app.server
