"""The production server (``python -m dashboard --production``, dashboard/serve.py): slow
or idle clients cannot starve it (issue 12, item 6), and it serves the same hardened app.

The old documented command, ``gunicorn -w 2`` with sync workers, fails the slow-client test:
each sync worker reads one request at a time, so two connections that dribble a header line
hold both workers until gunicorn's 30 s worker timeout kills them, and the next slow
connection in the queue takes the freed worker (bench/RESULTS.md, ``bench:slow``).
"""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.slow_clients import SlowClients, serve
from dashboard import probe
from dashboard import serve as production
from tests.dashboard_support import published  # noqa: F401 (fixture)

SLOW = 200
HANG_GUARD = 120  # seconds: only so a starved server fails the test instead of hanging it


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> Iterator[tuple[str, int, Path]]:
    datasets = request.getfixturevalue("published")  # the real build, published
    log = tmp_path_factory.mktemp("production") / "server.log"
    proc, url = serve("production", datasets, log)
    host, port = url.removeprefix("http://").split(":")
    yield host, int(port), log
    probe.stop(proc)
    assert "Traceback" not in log.read_text(errors="replace")


def _get(host: str, port: int, path: str) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=HANG_GUARD)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_a_normal_client_is_served_while_200_slow_clients_are_open(server):
    host, port, _ = server
    with SlowClients(host, port, SLOW, interval=1.0) as clients:
        # every connection has sent its request line and at least one more header line
        assert clients.dribbled.wait(HANG_GUARD)
        status, _, body = _get(host, port, "/documents")
        assert status == 200 and body.startswith(b"<!DOCTYPE html>")
        # a callback too (the overview's render): a worker thread was free for it
        from dashboard.app import app
        conn = http.client.HTTPConnection(host, port, timeout=HANG_GUARD)
        conn.request("POST", probe.UPDATE_PATH, headers={"Content-Type": "application/json"},
                     body=json.dumps(probe.body(
                         app, "url", {"url.pathname": "/", "url.search": ""})))
        response = conn.getresponse()
        assert response.status == 200 and b"page" in response.read()
        conn.close()
        # ... and the slow clients were not simply dropped to make room: all still open,
        # still unanswered
        assert clients.still_open() == SLOW


def test_the_production_server_sends_the_security_headers(server):
    host, port, _ = server
    status, headers, _ = _get(host, port, "/heritage")
    assert status == 200
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Server"] == "lyg-dashboard"  # not a version banner


def test_an_oversized_body_is_refused_by_the_server(server):
    host, port, _ = server
    # only the headers: the server must refuse from Content-Length, before any body arrives
    # (sending the body too races the server closing the socket: a broken pipe, not a test)
    with socket.create_connection((host, port), timeout=HANG_GUARD) as sock:
        sock.sendall(f"POST {probe.UPDATE_PATH} HTTP/1.1\r\nHost: {host}\r\n"
                     "Content-Type: application/json\r\n"
                     f"Content-Length: {production.MAX_BODY + 10}\r\n\r\n".encode())
        status_line = sock.makefile("rb").readline()
    assert status_line.split()[1] == b"413", status_line


def test_production_flag_starts_waitress_on_loopback(monkeypatch):
    import dashboard.__main__ as entry
    calls = []
    monkeypatch.setattr(production, "run", lambda *a: calls.append(a))
    entry.main(["--production"])
    assert calls == [("127.0.0.1", 8050, production.THREADS)]
    with pytest.raises(SystemExit):
        entry.main(["--production", "--debug"])


def test_waitress_settings_leave_room_for_slow_clients():
    settings = production.options("127.0.0.1", 8050)
    # waitress's default of 100 connections would let 100 slow sockets stop it accepting
    assert settings["connection_limit"] > SLOW
    assert settings["asyncore_use_poll"]  # select() stops at descriptor 1023
    assert settings["max_request_body_size"] == production.MAX_BODY


# --- speed: compression, caching, preloads (every server: dashboard.serve.install) ------------

def _index_scripts(client) -> list[str]:
    import re
    return re.findall(r'src="([^"]+)"', client.get("/").get_data(as_text=True))


def test_bundles_are_compressed_and_fingerprinted_ones_cached_for_a_year():
    from dashboard.app import server
    client = server.test_client()
    scripts = _index_scripts(client)
    renderer = next(s for s in scripts if "dash_renderer" in s)
    for encoding in ("zstd", "br", "gzip"):
        response = client.get(renderer, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert response.headers["Cache-Control"] == production.IMMUTABLE
        assert len(response.data) < 100_000 < len(client.get(renderer).data)
        assert "Content-Security-Policy" in response.headers  # still there
    asset = next(s for s in scripts if s.startswith("/assets/") and "?m=" in s)
    assert client.get(asset).headers["Cache-Control"] == production.IMMUTABLE
    # a URL without a fingerprint is revalidated, not kept
    plain = "/_dash-component-suites/plotly/package_data/plotly.min.js"
    response = client.get(plain, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "immutable" not in response.headers.get(
        "Cache-Control", "")
    assert response.headers["Content-Encoding"] == "gzip"


def test_pages_preload_the_bundles_dash_would_fetch_late():
    from dashboard.app import server
    client = server.test_client()
    link = client.get("/heritage").headers["Link"]
    assert "</_dash-component-suites/dash/dcc/async-graph.js>; rel=preload; as=script" in link
    # plotly.js is the partial bundle among the assets (dashboard/plotly_bundle): preloading
    # the full plotly.min.js would download 1.2 MB that dcc.Graph never asks for
    assert "plotly.min.js" not in link
    assert client.get("/heritage").headers["Content-Security-Policy"]
    assert "async-graph" not in client.get("/").headers.get("Link", "")  # no graph there


def test_an_invented_fingerprint_does_not_grow_the_compression_cache():
    from dashboard.app import server
    client = server.test_client()
    renderer = next(s for s in _index_scripts(client) if "dash_renderer" in s)
    client.get(renderer, headers={"Accept-Encoding": "br"})
    cache = server.extensions[production._STATIC].cache.data
    size = len(cache)
    for n in range(5):
        fake = renderer.replace("m1", f"m{n}1", 1)  # the same file, another fingerprint
        response = client.get(fake, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert len(cache) == size  # keyed by the file and its ETag, never by the URL


def test_an_asset_is_compressed_once_not_at_every_request():
    """Flask serves assets with send_file (a streamed response), which Flask-Compress used
    to recompress at every request: the 1.4 MB plotly.js bundle at zstd 19, about half a
    second of CPU per visitor. ``warm`` compresses it before the first visitor; after that
    every request is answered from the cache."""
    from dashboard.app import server
    client = server.test_client()
    bundle = next(s for s in _index_scripts(client) if "/assets/plotly-dashboard-" in s)
    cache = server.extensions[production._STATIC].cache.data
    before = set(cache)
    production.warm(server)
    name = bundle.split("?")[0]
    kept = [key for key in cache if key.endswith(name + "#" + key.split("#")[-1])]
    assert len(kept) == 3  # zstd, br, gzip
    # warm compresses what pages load, and the full plotly.min.js is not among them
    assert not [key for key in set(cache) - before if "plotly.min.js" in key]
    size = len(cache)
    first = client.get(bundle, headers={"Accept-Encoding": "br"})
    again = client.get(bundle, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br" and first.data == again.data
    assert len(first.data) < 600_000 < len(client.get(bundle).data)
    assert len(cache) == size
