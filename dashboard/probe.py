"""Driving the dashboard from outside, shared by the tests, ``bench/page_load.py`` and
``dashboard.screenshots``: the JSON body Dash's renderer POSTs to ``/_dash-update-component``
(built from the app's own callback list), how Debian's headless Chromium is launched, what
"page ready" and "map drawn" mean in the browser, and a server on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from dash import Dash

ROOT = Path(__file__).resolve().parent.parent
UPDATE_PATH = "/_dash-update-component"


def _outputs(key: str) -> list[dict] | dict:
    """The renderer sends a list for a multi-output callback, a single spec otherwise."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    out = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        out.append({"id": ident, "property": prop.split("@")[0]})
    return out if key.startswith("..") else out[0]


def callback_for(app: Dash, input_id: str) -> dict:
    """The registered callback that takes ``input_id`` as its first input."""
    for spec in app._callback_list:
        if spec["inputs"] and spec["inputs"][0]["id"] == input_id:
            return spec
    raise KeyError(input_id)


def body(app: Dash, input_id: str, values: dict[str, Any], changed: str | None = None,
         state: dict[str, Any] | None = None) -> dict:
    """A request body for the callback whose first input is ``input_id``.

    ``values`` maps ``"id.property"`` to the value sent (missing inputs are sent as None);
    ``changed`` names the input that triggered the call (default: the first input).
    """
    spec = callback_for(app, input_id)
    state = state or {}

    def item(dep: dict, given: dict[str, Any]) -> dict:
        name = f"{dep['id']}.{dep['property']}"
        return {"id": dep["id"], "property": dep["property"], "value": given.get(name)}

    first = spec["inputs"][0]
    return {
        "output": spec["output"], "outputs": _outputs(spec["output"]),
        "inputs": [item(d, values) for d in spec["inputs"]],
        "state": [item(d, state) for d in spec["state"]],
        "changedPropIds": [changed or f"{first['id']}.{first['property']}"],
    }


# Debian's Chromium, headless, as the browser tests and bench/page_load.py drive it; without
# the background-networking flags it keeps calling home (../shared/NOTES.md).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]

# A page is ready when no callback is pending and every visible graph has been drawn
# (dcc.Graph loads plotly.js lazily, so the first paint comes after the callbacks).
READY_JS = """() => {
    if (!document.querySelector('#page h1')) { return false; }
    if (document.querySelector('._dash-loading, [data-dash-is-loading="true"]')) {
        return false;
    }
    return [...document.querySelectorAll('#page .dash-graph')].every(g => {
        if (g.offsetParent === null) { return true; }
        const gd = g.querySelector('.js-plotly-plot');
        return gd && gd._fullLayout && !gd.classList.contains('dash-graph--pending');
    });
}"""

# The heritage map is drawn: six county outlines and a marker per site in the SVG.
MAP_DRAWN_JS = """(sites) => {
    const map = document.querySelector('#heritage-map');
    return !!map && map.querySelectorAll('path.choroplethlocation').length === 6
        && map.querySelectorAll('.scattergeo path.point').length === sites;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(datasets: Path | None = None, server: str = "dev",
          log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start the dashboard on a free loopback port (``python -m dashboard``, or gunicorn with
    two workers) over ``datasets`` (default: ``datasets/``); return once it answers."""
    port = free_port()
    env = dict(os.environ)
    env.pop("LYG_ONLINE_BASEMAP", None)  # measured and tested: the offline map
    env.pop("LYG_DATASETS_DIR", None)
    if datasets is not None:
        env["LYG_DATASETS_DIR"] = str(datasets)
    if server == "gunicorn":
        cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
               "dashboard.app:server"]
    else:
        cmd = [sys.executable, "-m", "dashboard", "--port", str(port)]
    with (log.open("wb") if log else open(os.devnull, "wb")) as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the dashboard exited with {proc.returncode}"
                               + (f": {log.read_text(errors='replace')[-2000:]}" if log else ""))
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError("the dashboard did not answer within 60 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def component_values(tree: object, found: dict | None = None) -> dict:
    """``id.prop`` → value for every component with a string id in a rendered layout tree
    (what a replayed callback request sends as its inputs and states)."""
    found = {} if found is None else found
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            for prop, value in props.items():
                found[f"{props['id']}.{prop}"] = value
        for value in tree.values():
            component_values(value, found)
    elif isinstance(tree, list):
        for value in tree:
            component_values(value, found)
    return found
