"""Browser-test harness: the dashboard in a subprocess on a free port, Debian's headless
Chromium through Playwright, and a watcher that fails a test on any console error, failed
request, HTTP error or request that leaves 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dashboard import probe
from tests.dashboard_support import published  # noqa: F401 (fixture)

CHROMIUM = Path(probe.CHROMIUM)
FLAGS = probe.CHROMIUM_FLAGS
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        probe.stop(self.process)


def start_server(log_dir: Path, datasets_dir: Path | None = None) -> Server:
    """``python -m dashboard`` on a free port; returns once it answers."""
    log = log_dir / f"dashboard-{probe.free_port()}.log"
    process, url = probe.serve(datasets_dir, log=log)
    return Server(url, process, log)


# module scope: the environment, server and Playwright's event loop are released before
# any other test module runs (a second sync_playwright() in the same loop would fail)
@pytest.fixture(scope="module")
def site_data(request) -> Iterator[Path]:
    """The real pipeline's output, published to a temporary directory that both the server
    and the test process read (so expected values come from the same files)."""
    from dashboard import data

    copy = request.getfixturevalue("published")
    before = os.environ.get(data.ENV_DIR)
    os.environ[data.ENV_DIR] = str(copy)
    data.reset()
    yield copy
    if before is None:
        os.environ.pop(data.ENV_DIR, None)
    else:
        os.environ[data.ENV_DIR] = before
    data.reset()


@pytest.fixture(scope="module")
def server(site_data, tmp_path_factory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("server"), site_data)
    yield running
    running.stop()
    errors = [line for line in running.log.read_text(errors="replace").splitlines()
              if "Traceback" in line or '" 500 ' in line]
    assert not errors, f"server errors: {errors}"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@dataclass
class Watcher:
    """Everything that went wrong while a page was open."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(
            f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))
        page.on("request", self._local_only)

    def _local_only(self, request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.hostname != "127.0.0.1":
            self.problems.append(f"left 127.0.0.1: {request.url}")


@pytest.fixture
def watcher() -> Watcher:
    return Watcher()


@pytest.fixture
def page(browser, watcher):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="zh-CN")
    opened = context.new_page()
    watcher.attach(opened)
    yield opened
    context.close()
    assert not watcher.problems, "\n".join(watcher.problems)


def ready(page) -> None:
    """Wait until the page is rendered, no Dash callback is pending and graphs are drawn."""
    page.wait_for_selector("#page h1", timeout=20_000)
    page.wait_for_function(probe.READY_JS, timeout=20_000)


def settle(page, predicate: str, timeout: float = 10_000) -> None:
    """Wait for a JS predicate after an interaction, then for callbacks to finish."""
    page.wait_for_function(predicate, timeout=timeout)
    ready(page)


def choose(page, dropdown_id: str, option: str) -> None:
    """Pick ``option`` in a dcc.Dropdown the way a user does, then close it."""
    page.click(f"#{dropdown_id}")
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def drawn(page, graph_id: str, timeout: float = 15_000) -> None:
    """Wait until Plotly has drawn the dcc.Graph ``graph_id``."""
    page.wait_for_function(
        """(id) => {
            const gd = document.querySelector('#' + id + ' .js-plotly-plot');
            return gd && gd.data && gd._fullLayout
                && !gd.classList.contains('dash-graph--pending');
        }""", arg=graph_id, timeout=timeout)


def figure(page, graph_id: str) -> dict:
    """The figure a dcc.Graph drew: data and layout from the plotly graph div."""
    drawn(page, graph_id)
    return page.evaluate(
        """(id) => {
            const gd = document.querySelector('#' + id + ' .js-plotly-plot');
            // plotly keeps base64 typed arrays as {dtype, bdata, _inputArray}
            const arr = (v) => {
                if (v === undefined || v === null) { return null; }
                if (v._inputArray) { return Array.from(v._inputArray); }
                if (ArrayBuffer.isView(v)) { return Array.from(v); }
                return v;
            };
            return {data: gd.data.map(t => ({
                        type: t.type, name: t.name, meta: t.meta, x: arr(t.x), y: arr(t.y),
                        base: arr(t.base), lat: arr(t.lat), lon: arr(t.lon),
                        locations: arr(t.locations), z: arr(t.z), customdata: arr(t.customdata),
                        text: arr(t.text), symbol: t.marker ? arr(t.marker.symbol) : null})),
                    legendTitle: gd.layout.legend && gd.layout.legend.title
                                 && gd.layout.legend.title.text};
        }""", graph_id)
