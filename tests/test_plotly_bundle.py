"""The partial plotly.js bundle (dashboard/assets/plotly-dashboard-*.min.js, built by
``make plotly-bundle`` from dashboard/plotly_bundle): the plotly.js version the Python
package expects, and every trace type a page draws registered in it. A chart of a new type
without a rebuild fails here, before a browser shows an empty chart."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from dash import dcc
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from dashboard import data, docstatus
from dashboard.pages import PAGES
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"
RECIPE = DASHBOARD / "plotly_bundle"


def bundles() -> list[Path]:
    return sorted((DASHBOARD / "assets").glob("plotly-*.js"))


def bundle_text() -> str:
    found = bundles()
    assert len(found) == 1, f"one plotly.js bundle in dashboard/assets, found {found}"
    return found[0].read_text(encoding="utf-8")


def declared() -> set[str]:
    return set(json.loads((RECIPE / "traces.json").read_text(encoding="utf-8"))["traces"])


def registered(text: str) -> set[str]:
    """The trace modules in the minified bundle: each is an object literal with
    ``moduleType:"trace",name:"<type>"`` (plotly.js src/traces/*/index.js)."""
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', text))


def _trace_classes() -> dict[str, str]:
    """Every plotly trace type and its graph_objects class name (the module loads its
    classes lazily, so ``dir``, not ``vars``)."""
    classes = {name: getattr(go, name) for name in dir(go)}
    return {cls().type: name for name, cls in classes.items()
            if isinstance(cls, type) and issubclass(cls, BaseTraceType)}


TRACE_TYPES = _trace_classes()


def test_bundle_is_the_plotly_js_version_of_the_python_package():
    text = bundle_text()
    version = get_plotlyjs_version()
    assert bundles()[0].name == f"plotly-dashboard-{version}.min.js"
    header = text[:600]
    assert f"plotly.js (lyg-data partial bundle) v{version}" in header
    assert "Licensed under the MIT license" in header
    # plotly.js's src/version.js (``exports.version = '…'``), what Plotly.version reports
    assert re.search(r'\.version="' + re.escape(version) + '"', text)
    package = json.loads((RECIPE / "package.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["plotly.js"] == version  # pinned exactly
    lock = json.loads((RECIPE / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/plotly.js"]["version"] == version


def test_bundle_registers_exactly_the_declared_trace_types():
    text = bundle_text()
    header = re.search(r"\* traces: ([\w,]+)", text[:600])
    assert header and set(header.group(1).split(",")) == declared()
    assert registered(text) == declared()
    assert declared() <= set(TRACE_TYPES)  # real plotly trace types


def _source_trace_types() -> dict[str, set[str]]:
    """Trace types named anywhere in dashboard/: ``go.<Trace>(…)`` and figure dicts
    ``{"type": "<trace>", …}`` or ``dict(type="<trace>", …)`` (a callback-only chart is
    found even if no default layout draws it)."""
    classes = {name: kind for kind, name in TRACE_TYPES.items()}
    found: dict[str, set[str]] = {}
    for path in sorted(DASHBOARD.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            kind = None
            if isinstance(node, ast.Attribute) and node.attr in classes \
                    and isinstance(node.value, ast.Name) and node.value.id == "go":
                kind = classes[node.attr]
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "type" \
                            and isinstance(value, ast.Constant) and value.value in TRACE_TYPES:
                        kind = value.value
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == "dict":  # dict(type="bar", …)
                for word in node.keywords:
                    if word.arg == "type" and isinstance(word.value, ast.Constant) \
                            and word.value.value in TRACE_TYPES:
                        kind = word.value.value
            if kind:
                found.setdefault(kind, set()).add(path.relative_to(DASHBOARD).as_posix())
    return found


def test_every_trace_type_in_the_dashboards_code_is_in_the_bundle():
    found = _source_trace_types()
    assert {"bar", "scatter", "scattergeo", "choropleth", "heatmap"} <= set(found)
    missing = {kind: where for kind, where in found.items() if kind not in declared()}
    assert not missing, (f"trace types not in the plotly.js bundle: {missing}; add them to "
                         "dashboard/plotly_bundle/traces.json and run make plotly-bundle")


def _figures(tree: object) -> list[dict]:
    if isinstance(tree, dcc.Graph):
        figure = tree.figure
        return [figure.to_plotly_json() if isinstance(figure, go.Figure) else figure]
    children = getattr(tree, "children", None) if not isinstance(tree, list | tuple) else tree
    if isinstance(children, list | tuple):
        return [f for child in children for f in _figures(child)]
    return _figures(children) if children is not None else []


def _rendered_types(queries: dict[str, list[dict]]) -> dict[str, set[str]]:
    types: dict[str, set[str]] = {}
    for path, page in PAGES.items():
        for params in queries.get(path, [{}]):
            for lang in ("zh", "en"):
                for figure in _figures(page.layout(params, lang)):
                    for trace in figure.get("data") or []:
                        types.setdefault(trace.get("type", "scatter"), set()).add(path)
    return types


@pytest.mark.usefixtures("dashboard_data")
def test_every_trace_type_the_pages_draw_is_in_the_bundle():
    # beyond the default views: a document with its lifecycle chart, a site chosen on the map
    events = data.load("document_events")
    number = next(n for n in events["doc_number"].dropna().unique()
                  if docstatus.events_for(n) is not None and len(docstatus.events_for(n)))
    site = data.load("heritage_sites")["site_id"].iloc[0]
    types = _rendered_types({"/documents": [{}, {"doc": [number]}],
                             "/heritage": [{}, {"site": [site]}]})
    assert {"bar", "scatter", "scattergeo", "choropleth", "heatmap"} <= set(types)
    assert {"/economy", "/heritage", "/documents", "/chronicle", "/quality"} <= \
        set().union(*types.values())
    missing = {kind: pages for kind, pages in types.items() if kind not in declared()}
    assert not missing, f"pages draw trace types the plotly.js bundle lacks: {missing}"

