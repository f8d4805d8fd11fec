"""The production server: ``python -m dashboard --production`` (or ``make serve``).

waitress (ZPL-2.1), not gunicorn's sync workers. A sync worker is a process that reads one
request at a time, so two clients that open a connection and dribble a header line every
couple of seconds hold both workers and nobody else is served (issue 12, item 6). waitress
reads every request in one event loop (``poll``) and hands it to a worker thread only once
it is complete, headers and body, so a slow or idle client costs a socket and a few
kilobytes, never a thread; the response, too, is buffered by the loop and written as the
client reads it (a thread waits only past 16 MB of unread output; the largest response
here is a few MB).

What bounds a flood of slow clients is the number of open connections, ``connection_limit``
(waitress's default, 100, would let 100 slow sockets stop the loop accepting anybody else):
here it is as many as the process's file descriptors allow, up to ``MAX_CONNECTIONS``.
``bench/slow_clients.py`` measures the latency of a normal request with 200 slow
connections open; ``tests/test_production_server.py`` proves one is served.

``install(server)`` (called by ``dashboard.app`` for every server, the dev server too) is
the other half of serving: responses compressed (Flask-Compress, MIT: zstd, brotli or gzip),
static bundles compressed once per process at strong levels and kept by browsers for a year
when their URL is fingerprinted, a ``Link: rel=preload`` header for the bundles Dash
would fetch only later (the graph and table chunks), and repeated callback requests answered
from a bounded cache (dashboard/respcache.py). bench/page_load.py ``--network 10mbit`` and
bench/dashboard_load.py measure it.
"""

from __future__ import annotations

import functools
import logging
import re
import resource
import threading
from types import SimpleNamespace

from flask import Flask, Response, g, request

from dashboard.security import MAX_BODY

MAX_CONNECTIONS = 4000
THREADS = 8  # callbacks are mostly pandas (GIL released in places) and I/O; 2 cores here
# a connection idle this long is closed (a dribbling client is not idle, see above)
CHANNEL_TIMEOUT = 60
HEADER_LIMIT = 64 * 1024  # Dash's own requests carry a few hundred bytes of headers


# --- speed: compression and caching (every server, the dev server too) --------------------------

IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_LEVELS = {"COMPRESS_ZSTD_LEVEL": 19, "COMPRESS_BR_LEVEL": 9, "COMPRESS_LEVEL": 9}
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
_SPEED = "lyg_speed"
_STATIC = "lyg_static_compress"  # the static files' compressor (its cache, for the tests)


def _static_key(req) -> str:
    """The cache key of a compressed static file: the file and its version (the response's
    ETag, when it has one: an asset's mtime and size), not the URL. A fingerprint or a
    ``?m=`` in the URL does not change what is served, so a client inventing fingerprints
    cannot grow the cache (Dash serves the same file for any of them)."""
    from dash.fingerprint import check_fingerprint

    path, _ = check_fingerprint(req.path)
    return f"{path}#{g.get('lyg_etag') or ''}"


def _fingerprinted(req) -> bool:
    """A URL whose name changes when the file does: Dash's component suites carry the
    version in the file name (``dash_table.v6_0_4m1700000000.min.js``), assets a ``?m=``
    with the file's modification time."""
    from dash.fingerprint import check_fingerprint

    if req.path.startswith("/_dash-component-suites/"):
        return check_fingerprint(req.path)[1]
    return req.path.startswith("/assets/") and "m" in req.args


def install(server: Flask) -> None:
    """Compress responses (zstd, brotli or gzip, as the client accepts; Flask-Compress,
    MIT) and let browsers keep fingerprinted files for a year. Static files are compressed
    once per process (the largest is the plotly.js bundle, 1.4 MB); callback answers every
    time they are computed (a cached answer is compressed again: a few kB, fast levels)."""
    if server.extensions.get(_SPEED):
        return
    server.extensions[_SPEED] = True
    from dashboard import data

    data.on_reset(_forget_preloads)
    from flask_compress import Compress
    from flask_compress.flask_compress import DictCache

    server.config.setdefault("COMPRESS_REGISTER", False)  # one after_request, below
    server.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    dynamic = Compress(server)  # callback answers: fast levels (zstd 3, brotli 4, gzip 6)
    static = Compress(server)
    static.cache, static.cache_key = DictCache(), _static_key
    # Static files are compressed once per process, so at the strongest levels that take
    # a second or two for the plotly.js bundle (1.44 MB → 0.43 MB with zstd 19; brotli 11
    # would take several times longer). Flask-Compress reads its levels from ``app.config`` at
    # each response; this instance gets a config of its own (pinned Flask-Compress 1.25).
    static.app = SimpleNamespace(config={**server.config, **STATIC_LEVELS})
    server.extensions[_STATIC] = static

    @server.after_request
    def compress_and_cache(response: Response) -> Response:
        if response.mimetype == "text/html" and response.status_code == 200:
            links = preloads(request.path)
            if links:
                response.headers["Link"] = ", ".join(
                    f"<{url}>; rel=preload; as=script" for url in links)
        if request.path.startswith(STATIC_PREFIXES) and response.status_code == 200:
            if _fingerprinted(request):
                response.headers["Cache-Control"] = IMMUTABLE
            g.lyg_etag = response.get_etag()[0]
            if response.is_streamed:  # an asset: Flask's send_file streams it, and
                # Flask-Compress would compress a stream again at every request, uncached
                response.direct_passthrough = False
                response.make_sequence()
            return static.after_request(response)
        return dynamic.after_request(response)

    # repeated callback requests answered from a per-process cache (dashboard/respcache.py);
    # installed last, so it stores the answer before compress_and_cache compresses it
    from dashboard import respcache

    respcache.install(server)


# Dash loads these only once a component needs them (and under these names, without a
# fingerprint), a round trip and a render later. A ``Link: rel=preload`` header on the page
# asks for what the page's components need at once, in parallel with Dash's own bundles.
# plotly.js is not among them: assets/plotly-dashboard-*.min.js (dashboard/plotly_bundle,
# only the trace types drawn here) sets window.Plotly, so dcc.Graph never fetches the full
# plotly.min.js (4.8 MB) and preloading it would download it for nothing.
LAZY = "/_dash-component-suites/"
CHUNKS: dict[str, tuple[str, ...]] = {
    "Graph": ("dash/dcc/async-graph.js",),
    "DataTable": ("dash/dash_table/async-table.js", "dash/dash_table/async-highlight.js"),
    "Dropdown": ("dash/dcc/async-dropdown.js",),
    "DatePickerSingle": ("dash/dcc/async-datepicker.js",),
    "DatePickerRange": ("dash/dcc/async-datepicker.js",),
    "Slider": ("dash/dcc/async-slider.js",), "RangeSlider": ("dash/dcc/async-slider.js",),
}


def _kinds(tree: object, found: set[str]) -> set[str]:
    from dash.development.base_component import Component

    if isinstance(tree, Component):
        found.add(type(tree).__name__)
        _kinds(getattr(tree, "children", None), found)
    elif isinstance(tree, list | tuple):
        for item in tree:
            _kinds(item, found)
    return found


@functools.cache
def preloads(path: str) -> tuple[str, ...]:
    """The lazily loaded files the page at ``path`` needs (from its default layout)."""
    from dashboard.pages import PAGES

    page = PAGES.get(path)
    if page is None:
        return ()
    kinds = _kinds(page.layout({}, "zh"), set())
    return tuple(dict.fromkeys(LAZY + f for kind in sorted(kinds) for f in CHUNKS.get(kind, ())))


def _forget_preloads() -> None:
    preloads.cache_clear()  # the layouts depend on the data (a page without data: no graph)


def warm(server: Flask) -> None:
    """Compress every bundle a page asks for, in each encoding, before a browser does
    (plotly.js takes a second or two at the static levels; the first visitor should not wait
    for it). Run in a thread when the production server starts."""
    from dashboard.pages import PAGES

    client = server.test_client()
    index = client.get("/").get_data(as_text=True)
    # the assets too: the plotly.js bundle is one (assets/plotly-dashboard-*.min.js)
    urls = re.findall(r'src="(/(?:_dash-component-suites|assets)/[^"]+)"', index)
    urls += [url for path in PAGES for url in preloads(path)]
    for url in dict.fromkeys(urls):
        for encoding in ("zstd", "br", "gzip"):
            client.get(url, headers={"Accept-Encoding": encoding})


# --- the production server -------------------------------------------------------------------

def connection_limit(wanted: int = MAX_CONNECTIONS) -> int:
    """Open connections the event loop accepts: raise the soft file-descriptor limit to the
    hard one, keep a margin for the files the app opens, cap at ``wanted``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = wanted + 256 if hard == resource.RLIM_INFINITY else min(hard, wanted + 256)
        if target > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft = target
            except (ValueError, OSError):  # not allowed here: live with the soft limit
                pass
    return max(16, min(wanted, soft - 128))


def options(host: str, port: int, threads: int = THREADS) -> dict:
    """The waitress settings (also what the tests and the benchmark start)."""
    return {
        "host": host, "port": port, "threads": threads,
        "connection_limit": connection_limit(),
        "asyncore_use_poll": True,  # select() cannot watch descriptors above 1023
        "channel_timeout": CHANNEL_TIMEOUT,
        "max_request_header_size": HEADER_LIMIT,
        "max_request_body_size": MAX_BODY,  # refused by waitress before Flask sees it
        "ident": "lyg-dashboard",
        "expose_tracebacks": False,
    }


def run(host: str = "127.0.0.1", port: int = 8050, threads: int = THREADS) -> None:
    """Serve the dashboard until interrupted."""
    from waitress import serve

    from dashboard.app import server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = options(host, port, threads)
    logging.getLogger("dashboard.serve").info(
        "serving http://%s:%d with waitress: %d threads, up to %d connections",
        host, port, threads, settings["connection_limit"])
    threading.Thread(target=warm, args=(server,), name="warm-compression", daemon=True).start()
    serve(server, **settings)
