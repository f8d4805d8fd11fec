"""The dashboard under load: real Dash callback requests against gunicorn with 2 workers.

    .venv/bin/python -m bench.dashboard_load [--clients 10 50 100] [--seconds 20]
                                             [--max-requests 3000] [--workers 2]
                                             [--unique] [--server gunicorn|waitress]

The server is ``gunicorn -w 2 -b 127.0.0.1:PORT dashboard.security:server`` on a fresh
in-memory build published to a temporary directory (``--server waitress``: the production
server, ``dashboard.serve`` with its own settings, one process). Requests are the ones the
browser sends (the same JSON bodies): opening a page, the heritage filters (category,
county, era range), the documents filters (search text taken from real titles, list,
agency), a site or a document picked, and downloads of the filtered view (CSV, XLSX) and
of the full workbook.
Each number of clients runs twice: closed-loop clients with no think time (the worst case),
then clients that pause between requests like an official reading the page (exponential,
mean ``--think`` seconds). A level stops at ``--seconds`` or ``--max-requests``, whichever
comes first. Loopback only: the script starts its own server on 127.0.0.1 and has no option
to aim anywhere else. An error is a status other than 200/204, a timeout or a refused
connection.

The server keeps a cache of callback answers (dashboard/respcache.py) and the replayed
bodies repeat (40 heritage and 40 documents filters, 5 pages), so most requests of a long
run are cache hits: the report gives the hit ratio (answers carrying ``X-Cache: hit``).
``--unique`` measures the miss path: every request body is new (fresh random filters, a
documents search text with a per-request suffix, an era range, a page query carrying a
request number), so nothing is answered from the cache (the ratio printed proves it).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from dashboard.probe import component_values
from etl.paths import ROOT

HOST = "127.0.0.1"
TIMEOUT = 30.0
UPDATE = "/_dash-update-component"


# --- the server ---------------------------------------------------------------------------------

def publish_build(dest: Path) -> Path:
    """A fresh build of the real gazettes, with outlines and manifest, as the dashboard reads."""
    from etl.pipeline import build
    for name, blob in build(ROOT).outputs().items():
        (dest / name).write_bytes(blob)
    if (ROOT / "datasets" / "geo").exists():
        shutil.copytree(ROOT / "datasets" / "geo", dest / "geo")
    (dest / "raw").mkdir()
    shutil.copy(ROOT / "datasets" / "raw" / "manifest.csv", dest / "raw" / "manifest.csv")
    return dest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


THREADS_NOTE = "dashboard.serve.THREADS threads"
WAITRESS = ("import sys; from waitress import serve; from dashboard import serve as s; "
            "from dashboard.app import server; "
            "serve(server, **s.options(sys.argv[1], int(sys.argv[2])))")


def start_gunicorn(datasets_dir: Path, workers: int, log: Path,
                   app: str = "dashboard.security:server",
                   server: str = "gunicorn") -> tuple[subprocess.Popen, int]:
    """gunicorn with ``workers`` sync workers, or (``server="waitress"``) the production
    server as ``python -m dashboard --production`` runs it (dashboard.serve.options)."""
    port = _free_port()
    env = {**os.environ, "LYG_DATASETS_DIR": str(datasets_dir)}
    if server == "waitress":
        command = [sys.executable, "-c", WAITRESS, HOST, str(port)]
    else:
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{HOST}:{port}",
                   "--timeout", "60", "--graceful-timeout", "5", app]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if request("GET", port, "/")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 90 s")


def request(method: str, port: int, path: str, body: bytes | None = None) -> tuple[int, int]:
    """(status, response bytes) of one request to the loopback server."""
    return request_ex(method, port, path, body)[:2]


def request_ex(method: str, port: int, path: str,
               body: bytes | None = None) -> tuple[int, int, bool]:
    """(status, response bytes, answered from the server's cache) of one request."""
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        size = len(response.read())
        return response.status, size, response.getheader("X-Cache") == "hit"
    finally:
        conn.close()


# --- the requests the browser sends ------------------------------------------------------------

def _callback_map(port: int) -> list[dict]:
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    conn.request("GET", "/_dash-dependencies")
    deps = json.loads(conn.getresponse().read())
    conn.close()
    return deps


def _body(dep: dict, values: dict, changed: str | None = None,
          pattern_values: dict | None = None) -> dict:
    from dash._utils import split_callback_id

    def prop(item: dict):
        if item["id"].startswith("{"):  # pattern-matching: the matching components
            return (pattern_values or {}).get(f"{item['id']}.{item['property']}", [])
        return {"id": item["id"], "property": item["property"],
                "value": values.get(f"{item['id']}.{item['property']}")}
    first = dep["inputs"][0]
    return {"output": dep["output"], "outputs": split_callback_id(dep["output"]),
            "inputs": [prop(i) for i in dep["inputs"]],
            "state": [prop(s) for s in dep.get("state", [])],
            "changedPropIds": [changed or f"{first['id']}.{first['property']}"]}


def _options(values: dict, key: str) -> list:
    return [o["value"] if isinstance(o, dict) else o for o in values.get(key) or []]


def scenario(port: int, seed: int = 5) -> dict[str, list[bytes]]:
    """Request bodies by kind, built from what the pages really hold."""
    return scenario_makers(port, seed)[0]


Maker = Callable[[random.Random, int], bytes]


def scenario_makers(port: int, seed: int = 5) -> tuple[dict[str, list[bytes]], dict[str, Maker]]:
    """The fixed request bodies by kind, and for each kind a maker ``(rng, n) -> body`` of
    a fresh one (``n``: a request number, so that the body is new: ``--unique``)."""
    rng = random.Random(seed)
    deps = [d for d in _callback_map(port) if not d.get("clientside_function")]
    by_output = {d["output"]: d for d in deps}
    router = next(d for d in deps if "page.children" in d["output"])

    def route(path: str) -> dict:
        values = {"url.pathname": path, "url.search": ""}
        conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        conn.request("POST", UPDATE, body=json.dumps(_body(router, values)),
                     headers={"Content-Type": "application/json"})
        tree = json.loads(conn.getresponse().read())
        conn.close()
        return {**component_values(tree), **values, "rendered.data": [path, "zh"]}

    def page_dep(prefix: str) -> dict:
        return next(d for out, d in by_output.items() if f"{prefix}-table.data" in out)

    bodies: dict[str, list[bytes]] = {"open a page": [], "heritage filter": [],
                                      "documents search/filter": [], "download view": [],
                                      "download workbook": []}
    paths = ("/", "/economy", "/heritage", "/documents", "/quality")
    for path in paths:
        bodies["open a page"].append(json.dumps(_body(
            router, {"url.pathname": path, "url.search": ""})).encode())

    def open_page(r: random.Random, n: int) -> bytes:  # the same page, a query never seen
        return json.dumps(_body(router, {"url.pathname": r.choice(paths),
                                         "url.search": f"?lang={r.choice(['zh', 'en'])}"
                                                       f"&n={n}"})).encode()
    heritage = route("/heritage")
    heritage_dep = page_dep("heritage")
    categories = _options(heritage, "heritage-category.options")
    counties = _options(heritage, "heritage-county.options")
    low, high = heritage.get("heritage-era.min", -206), heritage.get("heritage-era.max", 2000)

    def heritage_filter(r: random.Random, n: int = 0) -> bytes:
        values = dict(heritage)
        values["heritage-category.value"] = r.sample(categories, r.randint(0, 2))
        values["heritage-county.value"] = r.sample(counties, r.randint(0, 2))
        start = r.randint(low, high)
        values["heritage-era.value"] = [start, r.randint(start, high)]
        return json.dumps(_body(heritage_dep, values)).encode()
    for _ in range(40):
        bodies["heritage filter"].append(heritage_filter(rng))
    documents = route("/documents")
    documents_dep = page_dep("documents")
    from etl.pipeline import build
    titles = build(ROOT).frames["normative_documents"]["title"].dropna().tolist()
    agencies = _options(documents, "documents-agency.options")
    lists = _options(documents, "documents-list.options")

    def documents_filter(r: random.Random, n: int | None = None) -> bytes:
        values = dict(documents)
        title = r.choice(titles)
        start = r.randrange(max(1, len(title) - 3))
        text = r.choice(["", title[start:start + r.randint(2, 4)]])
        # --unique: a search text no other request sends (it matches nothing; the search
        # and the empty table are computed all the same)
        values["documents-q.value"] = text if n is None else f"{text}{n}"
        values["documents-list.value"] = r.sample(lists, r.randint(0, 1))
        values["documents-agency.value"] = r.sample(agencies, r.randint(0, 2))
        return json.dumps(_body(documents_dep, values)).encode()
    for _ in range(40):
        bodies["documents search/filter"].append(documents_filter(rng))
    download = next(d for d in deps if d["output"].startswith("download."))
    pattern = download["inputs"][0]

    def download_body(path: str, fmt: str, search: str = "") -> bytes:
        key = f"{pattern['id']}.{pattern['property']}"
        clicks = [{"id": {"type": "download", "fmt": f}, "property": "n_clicks",
                   "value": 1 if f == fmt else 0} for f in ("csv", "xlsx", "workbook")]
        trigger = json.dumps({"fmt": fmt, "type": "download"}, separators=(",", ":"))
        return json.dumps(_body(download, {"url.pathname": path, "url.search": search},
                                changed=f"{trigger}.n_clicks",
                                pattern_values={key: clicks})).encode()
    views = [("/heritage", "csv"), ("/documents", "xlsx"), ("/documents", "csv"),
             ("/economy", "csv")]
    for path, fmt in views:
        bodies["download view"].append(download_body(path, fmt))
    bodies["download workbook"].append(download_body("/heritage", "workbook"))
    # CSV views are cached (dashboard/respcache.py), XLSX and the workbook never: a new
    # download body carries a query the page ignores (the same file, computed again)
    makers: dict[str, Maker] = {
        "open a page": open_page, "heritage filter": heritage_filter,
        "documents search/filter": documents_filter,
        "download view": lambda r, n: download_body(*r.choice(views), f"?n={n}"),
        "download workbook": lambda r, n: bodies["download workbook"][0]}
    return bodies, makers


_REQUEST_NUMBERS = itertools.count(1)  # across levels (next() on a count is atomic)

MIX = {"open a page": 0.25, "heritage filter": 0.30, "documents search/filter": 0.30,
       "download view": 0.12, "download workbook": 0.03}


# --- the load -------------------------------------------------------------------------------------

def run_level(port: int, bodies: dict[str, list[bytes]], clients: int, seconds: float,
              max_requests: int, think: float = 0.0, seed: int = 1,
              makers: dict[str, Maker] | None = None) -> dict:
    """``clients`` closed-loop clients; each waits a random time (exponential, mean ``think``
    seconds) between its requests, like an official reading the page before the next click.
    With ``makers`` every request body is a fresh one (``--unique``)."""
    kinds, weights = list(MIX), list(MIX.values())
    results: list[tuple[str, float, int, int, bool]] = []  # (kind, ms, status, bytes, hit)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [max_requests]

    def client(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            if think:
                time.sleep(min(rng.expovariate(1 / think), 4 * think))
            kind = rng.choices(kinds, weights)[0]
            if makers:  # a number no request of this run had, and its own random draw
                n = next(_REQUEST_NUMBERS)
                body = makers[kind](random.Random(n), n)
            else:
                body = rng.choice(bodies[kind])
            started = time.perf_counter()
            try:
                status, size, hit = request_ex("POST", port, UPDATE, body)
            except OSError:
                status, size, hit = 0, 0, False
            with lock:
                results.append((kind, (time.perf_counter() - started) * 1000, status, size,
                                hit))

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + TIMEOUT + 5)
    elapsed = time.perf_counter() - began
    return {**summarise(results, clients, elapsed), "think": think, "unique": bool(makers)}


def _pct(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))] if sorted_ms else 0.0


def summarise(results: list[tuple], clients: int, elapsed: float) -> dict:
    ms = sorted(r[1] for r in results)
    hits = sum(1 for r in results if len(r) > 4 and r[4])
    errors = Counter(str(r[2]) for r in results if r[2] not in (200, 204))
    per_kind = {}
    for kind in MIX:
        own = sorted(r[1] for r in results if r[0] == kind)
        if own:
            per_kind[kind] = {"n": len(own), "p50": statistics.median(own), "p95": _pct(own, .95),
                              "kb": statistics.mean(r[3] for r in results if r[0] == kind) / 1e3,
                              "hits": sum(1 for r in results
                                          if r[0] == kind and len(r) > 4 and r[4])}
    return {"clients": clients, "requests": len(results), "seconds": elapsed,
            "throughput": len(results) / elapsed if elapsed else 0.0,
            "p50": statistics.median(ms) if ms else 0.0, "p95": _pct(ms, .95),
            "p99": _pct(ms, .99), "errors": sum(errors.values()), "error_kinds": dict(errors),
            "hit_ratio": hits / len(results) if results else 0.0,
            "per_kind": per_kind}


def service_times(port: int, bodies: dict[str, list[bytes]], n: int = 6) -> dict[str, float]:
    """Median time of each kind of request with no other request in flight."""
    return {kind: statistics.median(_timed_request(port, body) for body in kind_bodies[:n])
            for kind, kind_bodies in bodies.items()}


def _timed_request(port: int, body: bytes) -> float:
    started = time.perf_counter()
    request("POST", port, UPDATE, body)
    return (time.perf_counter() - started) * 1000


def run(clients: tuple[int, ...] = (10, 50, 100), seconds: float = 20, max_requests: int = 3000,
        workers: int = 2, quick: bool = False, think_time: float = 2.0, unique: bool = False,
        server: str = "gunicorn") -> dict:
    if quick:
        clients, seconds, max_requests = (5, 10), 5, 200
    load_average = os.getloadavg()  # other work on the machine, at the start
    with tempfile.TemporaryDirectory(prefix="lyg-load-") as tmp:
        directory = Path(tmp) / "datasets"
        directory.mkdir()
        publish_build(directory)
        log = Path(tmp) / "gunicorn.log"
        process, port = start_gunicorn(directory, workers, log, server=server)
        try:
            bodies, makers = scenario_makers(port)
            for kind_bodies in bodies.values():  # warm every worker's caches
                for body in kind_bodies[:3] * workers:
                    request("POST", port, UPDATE, body)
            service = service_times(port, bodies)
            fresh = random.Random(7)
            service_miss = service_times(port, {
                kind: [make(fresh, -1 - i) for i in range(6)] for kind, make in makers.items()})
            levels = [run_level(port, bodies, n, seconds, max_requests, think,
                                makers=makers if unique else None)
                      for think in (0.0, think_time) for n in clients]
        finally:
            process.terminate()
            process.wait(timeout=30)
        server_errors = [ln for ln in log.read_text(errors="replace").splitlines()
                         if "Traceback" in ln or "[ERROR]" in ln or "WORKER TIMEOUT" in ln]
    return {"workers": workers, "seconds": seconds, "max_requests": max_requests,
            "think_time": think_time, "unique": unique, "server": server,
            "load_average": load_average, "service_miss_ms": service_miss,
            "levels": levels, "service_ms": service, "server_errors": server_errors[:10],
            "cores": os.cpu_count(), "bodies": {k: len(v) for k, v in bodies.items()}}


def markdown(f: dict) -> str:
    at50 = next((lv for lv in f["levels"] if lv["clients"] == 50 and not lv["think"]), None)
    at50_think = next((lv for lv in f["levels"] if lv["clients"] == 50 and lv["think"]), None)
    lines = [
        f"Command: `.venv/bin/python -m bench.dashboard_load --clients "
        f"{' '.join(str(n) for n in dict.fromkeys(lv['clients'] for lv in f['levels']))} "
        f"--seconds {f['seconds']:g} "
        f"--max-requests {f['max_requests']} --workers {f['workers']} --think "
        f"{f['think_time']:g}{' --unique' if f.get('unique') else ''}"
        f"{' --server waitress' if f.get('server') == 'waitress' else ''}` — "
        + (f"waitress ({THREADS_NOTE}, one process)" if f.get("server") == "waitress"
           else f"gunicorn {f['workers']} sync workers")
        + f" and the load generator on the same {f['cores']} cores; load average at start "
        f"{', '.join(f'{x:.2f}' for x in f['load_average'])}.",
        "",
        "Mix: " + ", ".join(f"{k} {v:.0%}" for k, v in MIX.items()) + ". Time of each kind "
        "alone (one request in flight), replayed bodies (cache hits once seen): "
        + ", ".join(f"{k} {v:.0f} ms" for k, v in f["service_ms"].items())
        + "; new bodies (cache misses): "
        + ", ".join(f"{k} {v:.0f} ms" for k, v in f["service_miss_ms"].items()) + ".",
        "",
        "Bodies: " + ("every request a new one (--unique: the cache's miss path)"
                      if f.get("unique") else "replayed from a fixed set ("
                      + ", ".join(f"{k} {v}" for k, v in f["bodies"].items()) + ")") + ".",
        "",
        "| clients | think time | requests | throughput | p50 | p95 | p99 | errors "
        "| cache hits |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in f["levels"]:
        errors = f"{lv['errors']}" + (f" ({lv['error_kinds']})" if lv["errors"] else "")
        think = f"{lv['think']:g} s" if lv["think"] else "none"
        lines.append(f"| {lv['clients']} | {think} | {lv['requests']:,} | "
                     f"{lv['throughput']:.1f} req/s | {lv['p50']:.0f} ms | {lv['p95']:.0f} ms | "
                     f"{lv['p99']:.0f} ms | {errors} | {lv['hit_ratio']:.0%} |")
    for label, lv in (("no think time", at50), (f"{f['think_time']:g} s think time", at50_think)):
        if lv:
            ok = lv["errors"] == 0 and lv["p95"] <= 300
            lines += ["", f"Aim at 50 clients, {label} (0 errors, p95 ≤ 300 ms): "
                          f"{'met' if ok else '**missed**'} — {lv['errors']} errors, p95 "
                          f"{lv['p95']:.0f} ms."]
    slowest = max((lv for lv in f["levels"] if not lv["think"]), key=lambda lv: lv["clients"])
    lines += ["", f"By request kind at {slowest['clients']} clients (p50 / p95, mean response): "
              + "; ".join(f"{k} {v['p50']:.0f} / {v['p95']:.0f} ms, {v['kb']:.0f} kB (n={v['n']}, "
                          f"{v['hits'] / v['n']:.0%} hits)"
                          for k, v in slowest["per_kind"].items()) + "."]
    if f["server_errors"]:
        lines += ["", "Server log: " + " | ".join(f["server_errors"][:3])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.dashboard_load", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, nargs="+", default=[10, 50, 100])
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--max-requests", type=int, default=3000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--think", type=float, default=2.0,
                   help="mean think time of the second series of levels (seconds)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--unique", action="store_true",
                   help="every request body a new one: nothing is answered from the cache")
    p.add_argument("--server", choices=("gunicorn", "waitress"), default="gunicorn",
                   help="gunicorn sync workers (--workers), or the production server")
    args = p.parse_args(argv)
    if max(args.clients) > 500 or args.seconds > 300:
        p.error("bounded on purpose: at most 500 clients and 300 s per level")
    print(markdown(run(tuple(args.clients), args.seconds, args.max_requests, args.workers,
                       args.quick, args.think, args.unique, args.server)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
