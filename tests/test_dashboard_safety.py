"""Dashboard safety: hostile gazette text is shown as text, malformed callback requests get a
4xx (never a 500), nothing outside the app's assets is served, the default bind is loopback
with debug off, and gunicorn serves the security headers of dashboard/security.py.

The dashboard reads a copy of the real build in which every free-text column of every
dataset carries HTML, JavaScript and a markdown link (``PAYLOAD``) in its first rows.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from dash._utils import split_callback_id

from dashboard import data
from dashboard.app import app as dash_app
from dashboard.pages import PAGES
from dashboard.probe import component_values
from etl import dictionary
from etl.paths import ROOT
from etl.publish import parquet_bytes
from tests.dashboard_support import publish_copy

MARK = "XSS-PROBE"
PAYLOAD = (f'<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
           f"[{MARK}](javascript:window.__xss=3)")
RAW_HTML = ("<img", "<script", "](javascript:")


def hostile_copy(build, dest: Path) -> Path:
    """The real build, published to ``dest``, with PAYLOAD appended to the first three values
    of every free-text column (string columns without a pattern) of every dataset."""
    publish_copy(build, dest)
    for name, spec in dictionary.datasets().items():
        path = dest / f"{name}.parquet"
        if not path.exists():
            continue
        frame = dictionary.coerce(pd.read_parquet(path), spec)
        for col in spec.columns:
            if col.type != "string" or col.pattern or frame.empty:
                continue
            values = frame[col.name].astype(object).tolist()
            for i in range(min(3, len(values))):
                values[i] = f"{values[i] if isinstance(values[i], str) else ''}{PAYLOAD}"
            frame[col.name] = pd.Series(values, index=frame.index, dtype="string")
        path.write_bytes(parquet_bytes(frame, spec))
    return dest


@pytest.fixture(scope="module")
def hostile_dir(build, tmp_path_factory) -> Iterator[Path]:
    directory = hostile_copy(build, tmp_path_factory.mktemp("hostile-datasets"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(data.ENV_DIR, str(directory))
        data.reset()
        yield directory
    data.reset()


@pytest.fixture(scope="module")
def client(hostile_dir):
    from dashboard.security import server
    return server.test_client()


# --- building the requests Dash's renderer sends ----------------------------------------------

ROUTER = next(k for k in dash_app.callback_map if "page.children" in k)


def _prop(item: dict, values: dict) -> dict | list:
    if item["id"].startswith("{"):  # a pattern-matching input: the matches, none here
        return []
    key = f"{item['id']}.{item['property']}"
    return {"id": item["id"], "property": item["property"], "value": values.get(key)}


def callback_body(output: str, values: dict, changed: str | None = None) -> dict:
    callback = dash_app.callback_map[output]
    inputs = [_prop(i, values) for i in callback["inputs"]]
    first = callback["inputs"][0]
    return {"output": output, "outputs": split_callback_id(output), "inputs": inputs,
            "state": [_prop(s, values) for s in callback["state"]],
            "changedPropIds": [changed or f"{first['id']}.{first['property']}"]}


def route(client, path: str, search: str = "") -> tuple[dict, dict]:
    values = {"url.pathname": path, "url.search": search}
    response = client.post("/_dash-update-component", json=callback_body(ROUTER, values))
    assert response.status_code == 200, response.data[:500]
    body = response.get_json()
    return body, {**component_values(body), **values}


def page_callbacks() -> list[str]:
    return [k for k, cb in dash_app.callback_map.items() if "callback" in cb and k != ROUTER]


# --- where hostile text may appear -------------------------------------------------------------

def unsafe_places(tree: object, path: str = "", kind: str = "", found=None) -> tuple[list, int]:
    """(places where PAYLOAD would be interpreted, count of places where it is plain text).

    React renders ``children``, labels, values and table cells as text. Inside a Plotly
    figure, text is Plotly's pseudo-HTML, so the payload must arrive escaped; in a Markdown
    component, a link or a source attribute it must not arrive at all."""
    found = ([], 0) if found is None else found
    unsafe, safe = found
    if isinstance(tree, dict):
        kind = tree.get("type", kind) if isinstance(tree.get("type"), str) else kind
        for key, value in tree.items():
            unsafe, safe = unsafe_places(value, f"{path}/{key}", kind, (unsafe, safe))
        if tree.get("presentation") == "markdown" or tree.get("dangerously_allow_html"):
            unsafe.append(f"{path}: markdown/HTML rendering enabled")
        return unsafe, safe
    if isinstance(tree, list):
        for i, value in enumerate(tree):
            unsafe, safe = unsafe_places(value, f"{path}/{i}", kind, (unsafe, safe))
        return unsafe, safe
    if not isinstance(tree, str) or MARK not in tree:
        return unsafe, safe
    in_figure = "/figure/" in path
    raw = any(marker in tree for marker in RAW_HTML)
    if kind == "Markdown" or path.rsplit("/", 1)[-1] in ("href", "src", "srcDoc"):
        unsafe.append(f"{path} ({kind})")
    elif in_figure and raw:
        unsafe.append(f"{path}: unescaped in a figure")
    else:
        safe += 1
    return unsafe, safe


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_gazette_text_is_shown_as_text(client, path, lang):
    body, values = route(client, path, f"?lang={lang}" if lang == "en" else "")
    unsafe, safe = unsafe_places(body)
    for output in page_callbacks():  # each callback of the page with what the layout holds
        ids = {f"{i['id']}.{i['property']}" for i in dash_app.callback_map[output]["inputs"]}
        if not ids <= set(values) or "download" in output:
            continue
        response = client.post("/_dash-update-component", json=callback_body(output, values))
        assert response.status_code in (200, 204), (output, response.data[:300])
        if response.status_code == 200:
            more_unsafe, more_safe = unsafe_places(response.get_json())
            unsafe += more_unsafe
            safe += more_safe
    assert not unsafe, unsafe
    if path in ("/heritage", "/documents", "/quality"):
        assert safe, f"the hostile text never reached {path}: the test would prove nothing"


def test_dashboard_source_has_no_html_rendering():
    """No component is ever asked to interpret text as HTML or markdown."""
    for source in sorted((ROOT / "dashboard").rglob("*.py")):
        text = source.read_text(encoding="utf-8")
        assert "dangerously_allow_html=True" not in text, source
        assert '"presentation": "markdown"' not in text, source
        assert "srcDoc" not in text and "__html" not in text, source


# --- malformed callback requests: a 4xx, never a 500 --------------------------------------------

MALFORMED_BODIES = {
    "not json": (b"garbage{", "text/plain"),
    "a json list": (b"[1, 2, 3]", "application/json"),
    "a json string": (b'"output"', "application/json"),
    "empty object": (b"{}", "application/json"),
    "unknown output": (json.dumps({"output": "nope.children", "inputs": []}).encode(),
                       "application/json"),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "application/json"),
}


@pytest.mark.parametrize("name", list(MALFORMED_BODIES))
def test_malformed_callback_request_is_a_4xx(client, name):
    payload, content_type = MALFORMED_BODIES[name]
    response = client.post("/_dash-update-component", data=payload, content_type=content_type)
    assert 400 <= response.status_code < 500, response.data[:300]


def test_structurally_wrong_bodies_for_a_real_callback_are_4xx(client):
    good = callback_body(ROUTER, {"url.pathname": "/", "url.search": ""})
    broken = [
        {**good, "inputs": {"id": "url"}},
        {**good, "inputs": good["inputs"][:1]},
        {**good, "inputs": [{"id": "url"}, {"property": "search"}]},
        {**good, "state": "x"},
        {**good, "changedPropIds": 7},
        {**good, "outputs": "page.children"},
    ]
    for body in broken:
        response = client.post("/_dash-update-component", json=body)
        assert 400 <= response.status_code < 500, (body, response.data[:300])
    assert client.post("/_dash-update-component", json=good).status_code == 200


def test_an_oversized_request_is_refused(client):
    from dashboard.security import MAX_BODY
    response = client.post("/_dash-update-component", data=b"{" + b" " * MAX_BODY + b"}",
                           content_type="application/json")
    assert response.status_code == 413


FUZZ = [None, "", 0, -1, 1e308, True, "<script>", "../../../../etc/passwd", "x" * 20_000,
        [], [None], ["x"] * 500, {}, {"$gt": ""}, [[[]]], "2018-02-30",
        {"points": "x"}, {"points": [{}]}, {"points": [{"customdata": None}]}]


@pytest.mark.parametrize("output", page_callbacks() + [ROUTER],
                         ids=lambda o: o.strip(".").split(".")[0])
def test_every_callback_input_survives_malformed_values(client, output):
    """Values of the wrong type, size or content in any input or state: the callback answers
    (200/204) or refuses (4xx), never fails (500)."""
    callback = dash_app.callback_map[output]
    path = next((p for p in PAGES if p != "/" and PAGES[p].NAME in output), "/")
    _, values = route(client, path)
    failures = []
    for item in callback["inputs"] + callback["state"]:
        key = f"{item['id']}.{item['property']}"
        if item["id"].startswith("{"):
            continue
        for value in FUZZ:
            body = callback_body(output, {**values, key: value}, changed=key)
            response = client.post("/_dash-update-component", json=body)
            if response.status_code >= 500:
                failures.append(f"{key}={str(value)[:40]!r}: HTTP {response.status_code}")
    assert not failures, failures


# --- the app's defaults ------------------------------------------------------------------------

def test_default_bind_is_loopback_and_debug_is_off(monkeypatch):
    import dashboard.__main__ as entry
    calls = []
    monkeypatch.setattr(dash_app, "run", lambda **kw: calls.append(kw))
    entry.main([])
    assert len(calls) == 1
    assert calls[0]["host"] == "127.0.0.1" and calls[0].get("debug") is False
    assert dash_app.server.debug is False
    assert "--production" in entry.__doc__  # the documented production command


def test_only_the_expected_routes_exist():
    from dashboard.security import server
    rules = {rule.rule for rule in server.url_map.iter_rules()}
    assert rules == {"/", "/<path:path>", "/assets/<path:filename>", "/static/<path:filename>",
                     "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
                     "/_dash-layout", "/_dash-dependencies", "/_dash-update-component",
                     "/_reload-hash", "/_favicon.ico",
                     # the read-only API (dashboard/api.py): GET only
                     "/api/", "/api/<name>.<fmt>", "/api/views/<name>.<fmt>",
                     "/api/<path:rest>"}
    for rule in server.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


# --- under gunicorn: files outside the assets, and the headers --------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(hostile_dir, tmp_path_factory) -> Iterator[tuple[str, int]]:
    port = _free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {**os.environ, data.ENV_DIR: str(hostile_dir)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
             "dashboard.security:server"], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get("127.0.0.1", port, "/")[0] == 200:
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text(errors="replace")[-2000:]) from None
                time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "Traceback" not in log.read_text(errors="replace")


def _get(host: str, port: int, raw_path: str) -> tuple[int, dict, bytes]:
    """A GET with the path sent exactly as written (no client-side normalisation)."""
    conn = http.client.HTTPConnection(host, port, timeout=20)
    try:
        conn.putrequest("GET", raw_path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


TRAVERSALS = [
    "/assets/../app.py", "/assets/..%2fapp.py", "/assets/%2e%2e/app.py", "/assets/%2e%2e%2fapp.py",
    "/assets/..%5capp.py", "/assets/....//app.py", "/assets/..%252fapp.py", "/assets//etc/passwd",
    "/assets/%2fetc%2fpasswd", "/assets/../../etl/cli.py", "/assets/..%2f..%2fetl%2fcli.py",
    "/assets/..%2f..%2fdatasets%2fraw%2fmanifest.csv", "/static/../security.py",
    "/static/%2e%2e/security.py", "/static/app.py",
    "/_dash-component-suites/dash/../../../../etc/passwd",
    "/_dash-component-suites/dash/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/_dash-component-suites/dash/..%2fdash.py", "/_dash-component-suites/dash/dcc/..%2f..%2fdash.py",
    "/_dash-component-suites/os/path.py", "/_dash-component-suites/etl/cli.py",
    "/_dash-component-suites/dashboard/app.py", "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/_favicon.ico/../app.py",
]
SECRETS = [b"root:x:0:0", b"def create_app", b"def cmd_extract", b"issue_id,year,issue_number",
           b"class Dash(", b"def install(app", b"import os"]


@pytest.mark.parametrize("raw_path", TRAVERSALS)
def test_nothing_outside_the_assets_is_served(gunicorn, raw_path):
    status, _, body = _get(*gunicorn, raw_path)
    assert status in (200, 400, 403, 404, 405), status
    if status == 200:  # only the app's own page (Dash answers any path with its index)
        assert body.startswith(b"<!DOCTYPE html>"), body[:200]
    assert not any(secret in body for secret in SECRETS)


def test_real_assets_are_still_served(gunicorn):
    status, headers, _ = _get(*gunicorn, "/assets/style.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    status, _, index = _get(*gunicorn, "/")
    script = next(s for s in index.decode().split('src="')[1:] if "dash_renderer" in s
                  or "dash-renderer" in s).split('"')[0]
    assert _get(*gunicorn, script)[0] == 200


@pytest.mark.parametrize("raw_path", ["/", "/heritage?lang=en", "/assets/style.css",
                                      "/_dash-layout", "/_dash-dependencies", "/nope"])
def test_security_headers_under_gunicorn(gunicorn, raw_path):
    status, headers, _ = _get(*gunicorn, raw_path)
    assert status == 200
    csp = headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'sha256-" in script_src  # Dash's inline renderer script, allowed by its hash
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_malformed_callback_under_gunicorn_is_a_400(gunicorn):
    conn = http.client.HTTPConnection(*gunicorn, timeout=20)
    conn.request("POST", "/_dash-update-component", body=b"[" * 50_000,
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    assert response.status == 400
    assert "Content-Security-Policy" in dict(response.getheaders())
    conn.close()


# --- in a real browser: nothing runs, the text is visible ----------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/heritage", "/documents", "/quality", "/economy", "/"])
def test_in_the_browser_nothing_runs_and_no_policy_is_violated(gunicorn, path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is missing (make chromium)")
    from playwright.sync_api import sync_playwright
    host, port = gunicorn
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(f"http://{host}:{port}{path}")
        page.wait_for_selector("#page h1", timeout=30_000)
        page.wait_for_function("() => !document.querySelector('[data-dash-is-loading]')",
                               timeout=30_000)
        page.wait_for_timeout(1500)  # let Plotly draw and any injected handler fire
        assert page.evaluate("window.__xss") is None
        assert page.locator("img[src='x']").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        if path in ("/heritage", "/documents", "/quality"):
            assert PAYLOAD in page.evaluate("document.body.innerText")  # shown, as text
        browser.close()
    assert not problems, problems


@pytest.mark.browser
def test_real_interactions_pass_the_request_checks(gunicorn):
    """Everything a user does sends requests the checks accept: no 4xx, no 5xx."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is missing (make chromium)")
    from playwright.sync_api import sync_playwright
    host, port = gunicorn
    refused: list[str] = []
    calls: list[str] = []

    def idle(page) -> None:
        page.wait_for_timeout(300)
        page.wait_for_function("() => !document.querySelector('[data-dash-is-loading]')",
                               timeout=30_000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page.on("response", lambda r: (calls.append(r.url) if "_dash-update" in r.url else None,
                                       r.status >= 400 and refused.append(f"{r.status} {r.url}")))
        base = f"http://{host}:{port}"
        page.goto(base + "/documents")
        page.wait_for_selector("#documents-q", timeout=30_000)
        page.fill("#documents-q", "管理")
        idle(page)
        page.locator("#documents-table td").first.click()
        idle(page)
        page.goto(base + "/heritage")
        page.wait_for_selector("#heritage-category", timeout=30_000)
        page.click("#heritage-category")
        page.get_by_role("option").first.click()
        page.keyboard.press("Escape")
        idle(page)
        page.click("#lang-switch")
        idle(page)
        with page.expect_download(timeout=30_000):
            page.locator(".download-bar button").first.click()
        idle(page)
        browser.close()
    assert len(calls) >= 5, calls
    assert not refused, refused
