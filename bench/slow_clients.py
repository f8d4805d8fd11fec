"""Slow clients against the production server: can 200 connections that never finish their
request keep anybody else from being served?

    .venv/bin/python -m bench.slow_clients [--slow 200] [--requests 40]
                                           [--servers production gunicorn]

Each slow client opens a connection, sends ``GET / HTTP/1.1`` and then one more header
line every ``--interval`` seconds (default 1), never the blank line that ends a request
(a "slowloris"). With them open, a normal client asks for the page (``GET /``) and for the
overview's render callback (``POST /_dash-update-component``) ``--requests`` times each,
one after another; the same is measured with no slow client open as the yardstick.

Servers: ``production`` is the documented command (``python -m dashboard --production``:
waitress, dashboard/serve.py), ``gunicorn`` the command README documented before
(``gunicorn -w 2 -b 127.0.0.1:PORT dashboard.app:server``, sync workers). A request that
gets no answer within ``--timeout`` seconds counts as not served. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from dashboard import probe

SERVERS = ("production", "gunicorn")


def serve(kind: str, datasets: Path | None = None,
          log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``kind`` on a free loopback port; return once it answers ``GET /``."""
    port = probe.free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("LYG_DATASETS_DIR",
                                                           "LYG_ONLINE_BASEMAP")}
    if datasets is not None:
        env["LYG_DATASETS_DIR"] = str(datasets)
    if kind == "production":
        cmd = [sys.executable, "-m", "dashboard", "--production", "--port", str(port)]
    elif kind == "gunicorn":
        cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
               "dashboard.app:server"]
    else:
        cmd = [sys.executable, "-m", "dashboard", "--port", str(port)]
    with (log.open("wb") if log else open(os.devnull, "wb")) as out:
        proc = subprocess.Popen(cmd, cwd=probe.ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{kind} exited with {proc.returncode}"
                               + (f": {log.read_text(errors='replace')[-2000:]}" if log else ""))
        try:
            if request("127.0.0.1", port, "GET", "/", timeout=2)[0] == 200:
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    probe.stop(proc)
    raise RuntimeError(f"{kind} did not answer within 90 s")


def request(host: str, port: int, method: str, path: str, body: bytes | None = None,
            timeout: float = 30) -> tuple[int, bytes]:
    """One request on a fresh connection: (status, body)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class SlowClients:
    """``n`` connections that send a header line every ``interval`` seconds, forever."""

    def __init__(self, host: str, port: int, n: int, interval: float = 1.0) -> None:
        self.interval = interval
        self.sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self.rounds = 0  # header lines sent to every connection after the first
        self.dribbled = threading.Event()  # set once every connection has sent one more
        for _ in range(n):
            sock = socket.create_connection((host, port), timeout=10)
            sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\n".encode())
            # non-blocking from here: still_open() peeks without waiting (a socket with a
            # timeout would wait that long before every peek)
            sock.setblocking(False)
            self.sockets.append(sock)
        self._thread = threading.Thread(target=self._dribble, daemon=True)
        self._thread.start()

    def _dribble(self) -> None:
        while not self._stop.wait(self.interval):
            line = f"X-Slow-{self.rounds + 1}: {'x' * 8}\r\n".encode()
            for sock in self.sockets:
                with contextlib.suppress(OSError):  # closed by the server: see still_open
                    sock.sendall(line)
            self.rounds += 1
            self.dribbled.set()

    def still_open(self) -> int:
        """How many of the connections the server has neither closed nor answered."""
        count = 0
        for sock in self.sockets:
            try:
                data = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                count += 1  # nothing to read and not closed: still waiting for us
                continue
            except OSError:
                continue
            if data == b"":
                continue  # closed by the server
        return count

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()

    def __enter__(self) -> SlowClients:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _render_body() -> bytes:
    from dashboard.app import app
    return json.dumps(probe.body(app, "url", {"url.pathname": "/", "url.search": ""})).encode()


def timings(url: str, n: int, timeout: float) -> dict[str, list[float | None]]:
    """Milliseconds per request (None: not served within ``timeout``)."""
    host, port = url.removeprefix("http://").split(":")
    cases = {"GET /": ("GET", "/", None),
             "render callback": ("POST", probe.UPDATE_PATH, _render_body())}
    out: dict[str, list[float | None]] = {}
    for name, (method, path, body) in cases.items():
        out[name] = []
        for _ in range(n):
            started = time.perf_counter()
            try:
                status, _ = request(host, int(port), method, path, body, timeout=timeout)
                ok = status == 200
            except OSError:  # timeout or reset
                ok = False
            out[name].append((time.perf_counter() - started) * 1000 if ok else None)
    return out


def measure(kind: str, slow: int, n: int, interval: float, timeout: float,
            datasets: Path | None = None) -> dict:
    proc, url = serve(kind, datasets)
    host, port = url.removeprefix("http://").split(":")
    try:
        timings(url, 3, timeout)  # warm-up: first render, plotly validators
        base = timings(url, n, timeout)
        with SlowClients(host, int(port), slow, interval) as clients:
            time.sleep(2 * interval)  # every slow client has dribbled at least once
            loaded = timings(url, n, timeout)
            still = clients.still_open()
    finally:
        probe.stop(proc)
    return {"none": base, "slow": loaded, "still_open": still}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _cell(times: list[float | None]) -> str:
    served = [t for t in times if t is not None]
    if not served:
        return f"— | — | 0 / {len(times)}"
    return (f"{statistics.median(served):.0f} | {_p95(served):.0f} | "
            f"{len(served)} / {len(times)}")


def markdown(results: dict[str, dict], slow: int, interval: float, timeout: float) -> str:
    lines = [f"A normal client while {slow} slow clients (a header line every "
             f"{interval:g} s, never finished) are open, vs none open; requests one after "
             f"another, ms; served = answered within {timeout:g} s",
             "", "| server | request | slow clients | median | p95 | served |",
             "|---|---|---:|---:|---:|---:|"]
    for kind, result in results.items():
        label = {"production": "`python -m dashboard --production` (waitress)",
                 "gunicorn": "`gunicorn -w 2` (sync, old README)"}.get(kind, kind)
        for name in result["none"]:
            lines.append(f"| {label} | {name} | 0 | {_cell(result['none'][name])} |")
            lines.append(f"| {label} | {name} | {slow} | {_cell(result['slow'][name])} |")
    lines += ["", "Slow connections the server still held open at the end: "
              + ", ".join(f"{k} {r['still_open']} of {slow}" for k, r in results.items())
              + "."]
    return "\n".join(lines)


def run(slow: int = 200, n: int = 40, servers: tuple[str, ...] = SERVERS,
        interval: float = 1.0, timeout: float = 10.0, datasets: Path | None = None) -> str:
    results = {kind: measure(kind, slow, n if kind == "production" else min(n, 5),
                             interval, timeout, datasets) for kind in servers}
    return markdown(results, slow, interval, timeout)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.slow_clients", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--slow", type=int, default=200, help="slow connections (default 200)")
    p.add_argument("--requests", type=int, default=40,
                   help="timed requests per case (gunicorn: at most 5, each may time out)")
    p.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    p.add_argument("--interval", type=float, default=1.0, help="seconds between lines")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds a request may take")
    p.add_argument("--datasets", type=Path, help="a copy of datasets/ to serve")
    args = p.parse_args(argv)
    print(run(args.slow, args.requests, tuple(args.servers), args.interval, args.timeout,
              args.datasets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
