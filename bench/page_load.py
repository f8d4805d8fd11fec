"""Dashboard speed as a user feels it: whole pages in headless Chromium, and callbacks.

    .venv/bin/python -m bench.page_load [--runs 7] [--calls 40]
                                        [--server dev|gunicorn|production]
                                        [--network 10mbit] [--datasets DIR]
                                        [--url http://127.0.0.1:8050]

- **Page load**: navigation start → page ready (every callback answered, every visible graph
  drawn; on /heritage: the six county outlines and a marker per site in the SVG), read from
  the browser's own clock (``performance.now()``). *Cold* is a fresh browser profile (nothing
  cached, plotly.js parsed anew), *warm* a second visit in the same profile. *Bytes* is what
  the cold load moved over the network (``transferSize`` of the document and every resource:
  compressed bytes when the server compresses).
- ``--network 10mbit``: Chromium's own network throttling (DevTools
  ``Network.emulateNetworkConditions``): 10 Mbit/s down and up, 40 ms latency — a slow
  office line (issue 13 aims at a cold load ≤ 3 s on it).
- **Callbacks**: the POST the browser sends to ``/_dash-update-component`` for each page's
  render and for the filters users touch, timed over HTTP on 127.0.0.1 (median and p95);
  ``--calls 0`` skips them.

The server is ``python -m dashboard`` (``make run``), gunicorn with two workers, or the
production server (``python -m dashboard --production``), started on a free port over
``datasets/`` (or ``--datasets``), unless ``--url`` names a running one. Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from dashboard import data, probe

PAGES = ["/", "/economy", "/heritage", "/documents", "/chronicle", "/quality", "/dictionary"]
# 10 Mbit/s both ways and 40 ms latency, in the units DevTools takes (bytes/s, ms)
NETWORKS = {"10mbit": {"offline": False, "latency": 40, "downloadThroughput": 1_250_000,
                       "uploadThroughput": 1_250_000}}
TRANSFERRED_JS = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return (nav ? nav.transferSize : 0) + performance.getEntriesByType('resource')
        .reduce((sum, r) => sum + (r.transferSize || 0), 0);
}"""


def _ready(page, path: str, sites: int) -> None:
    page.wait_for_function(probe.READY_JS, timeout=120_000)
    if path == "/heritage" and sites:
        page.wait_for_function(probe.MAP_DRAWN_JS, arg=sites, timeout=120_000)


def page_loads(url: str, runs: int, sites: int,
               network: str | None = None) -> dict[str, dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, list[float]]] = {p: {"cold": [], "warm": [], "bytes": []}
                                              for p in PAGES}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=probe.CHROMIUM, args=probe.CHROMIUM_FLAGS)
        for _ in range(runs):
            for path in PAGES:
                context = browser.new_context(viewport={"width": 1366, "height": 768})
                page = context.new_page()
                if network:
                    cdp = context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    cdp.send("Network.emulateNetworkConditions", NETWORKS[network])
                for kind in ("cold", "warm"):
                    page.goto(url + path, timeout=120_000)
                    _ready(page, path, sites)
                    out[path][kind].append(page.evaluate("performance.now()"))
                    if kind == "cold":
                        out[path]["bytes"].append(page.evaluate(TRANSFERRED_JS))
                context.close()
        browser.close()
    return out


def _cases(app) -> dict[str, dict]:
    """Callback requests as the browser sends them: each page's render and its filters."""
    rendered = {"rendered.data": ["/x", "zh"]}
    cases = {f"render {p}": probe.body(app, "url", {"url.pathname": p, "url.search": ""})
             for p in PAGES}
    cases["render /documents?doc=连政规发〔2014〕7号"] = probe.body(
        app, "url", {"url.pathname": "/documents",
                     "url.search": "?doc=连政规发〔2014〕7号&on=2023-01-01"})
    cases["economy: choose a period"] = probe.body(
        app, "economy-period", {"economy-period.value": None}, state=rendered)
    cases["heritage: category filter"] = probe.body(
        app, "heritage-category", {"heritage-category.value": ["古建筑"],
                                   "heritage-era.value": None}, state=rendered)
    cases["heritage: open a site (table click)"] = probe.body(
        app, "heritage-category", {"heritage-table.active_cell": {"row_id": "5-23"}},
        changed="heritage-table.active_cell", state=rendered)
    cases["documents: search"] = probe.body(
        app, "documents-q", {"documents-q.value": "审计"}, state=rendered)
    cases["documents: status date"] = probe.body(
        app, "documents-q", {"documents-on.date": "2023-01-01"}, changed="documents-on.date",
        state=rendered)
    cases["documents: open a document"] = probe.body(
        app, "documents-q", {"documents-table.active_cell": {"row_id": "连政规发〔2014〕7号"}},
        changed="documents-table.active_cell", state=rendered)
    cases["quality: flag filter"] = probe.body(
        app, "quality-dataset", {"quality-flag.value": "doc_number_brackets"},
        changed="quality-flag.value", state=rendered)
    return cases


def callback_times(url: str, calls: int) -> dict[str, list[float]]:
    from dashboard.app import app

    out: dict[str, list[float]] = {}
    for name, body in _cases(app).items():
        payload = json.dumps(body).encode("utf-8")
        times = []
        for i in range(calls + 2):
            request = urllib.request.Request(url + probe.UPDATE_PATH, data=payload,
                                             headers={"Content-Type": "application/json"})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                if response.status not in (200, 204):
                    raise RuntimeError(f"{name}: HTTP {response.status}")
            if i >= 2:  # the first calls warm plotly's validators
                times.append((time.perf_counter() - started) * 1000)
        out[name] = times
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def markdown(loads: dict, callbacks: dict, server: str, network: str | None = None) -> str:
    line = f", network {network} (40 ms latency)" if network else ""
    lines = [f"Page load, navigation → ready (heritage: map drawn), headless Chromium, "
             f"{server} server{line}, ms; bytes moved by a cold load",
             "", "| page | cold median | cold p95 | warm median | warm p95 | cold bytes |",
             "|---|---:|---:|---:|---:|---:|"]
    for path, runs in loads.items():
        lines.append(f"| `{path}` | {statistics.median(runs['cold']):.0f} | "
                     f"{_p95(runs['cold']):.0f} | {statistics.median(runs['warm']):.0f} | "
                     f"{_p95(runs['warm']):.0f} | "
                     f"{statistics.median(runs['bytes']) / 1e6:.2f} MB |")
    if callbacks:
        lines += ["", "Callbacks, POST /_dash-update-component over 127.0.0.1, ms",
                  "", "| callback | median | p95 | calls |", "|---|---:|---:|---:|"]
    for name, times in callbacks.items():
        lines.append(f"| {name} | {statistics.median(times):.1f} | {_p95(times):.1f} | "
                     f"{len(times)} |")
    return "\n".join(lines)


def run(runs: int = 7, calls: int = 40, server: str = "dev", datasets: Path | None = None,
        url: str | None = None, network: str | None = None) -> str:
    if datasets:
        os.environ[data.ENV_DIR] = str(datasets)
    data.reset()
    sites = data.load("heritage_sites")
    proc = None
    if url is None:
        from bench.slow_clients import serve
        proc, url = serve(server, datasets)
        if server == "production":
            time.sleep(20)  # its warm-up compresses plotly.js & co. first (dashboard/serve.py)
    try:
        loads = page_loads(url, runs, 0 if sites is None else len(sites), network)
        callbacks = callback_times(url, calls) if calls else {}
    finally:
        if proc is not None:
            probe.stop(proc)
    return markdown(loads, callbacks, server if proc is not None else url, network)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.page_load", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=7, help="page loads per page (default 7)")
    p.add_argument("--calls", type=int, default=40, help="requests per callback (default 40)")
    p.add_argument("--server", choices=("dev", "gunicorn", "production"), default="dev")
    p.add_argument("--network", choices=sorted(NETWORKS),
                   help="throttle Chromium's network (10mbit: 10 Mbit/s, 40 ms)")
    p.add_argument("--datasets", type=Path, help="a copy of datasets/ to serve")
    p.add_argument("--url", help="measure a server that is already running")
    args = p.parse_args(argv)
    print(run(args.runs, args.calls, args.server, args.datasets, args.url, args.network))
    return 0


if __name__ == "__main__":
    sys.exit(main())
