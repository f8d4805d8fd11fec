"""HTTP hardening of the dashboard's Flask server, the same under the production server
(waitress, dashboard/serve.py), gunicorn and the dev server.

- Security headers on every response: a Content-Security-Policy that allows only this
  origin's scripts plus the hashes of Dash's own inline scripts (no ``unsafe-inline`` or
  ``unsafe-eval`` for scripts), no framing, no MIME sniffing, no referrer, no powerful
  browser features. No HSTS: the app serves plain HTTP on loopback; a TLS proxy in front
  adds it.
- Request bodies over ``MAX_BODY`` are refused (413) before anything parses them.
- A callback request must be one Dash's own renderer sends: a JSON object with only the
  renderer's keys, naming a registered *server-side* callback (a clientside one runs in the
  browser), whose ``outputs``, ``inputs`` and ``state`` are exactly the callback's declared
  dependencies in order (same ids and properties; a pattern-matching one as a list of
  matching dict ids), whose ``changedPropIds`` name its inputs — and every value must have
  the type its component declares for that property (``dcc.Location.pathname`` is a string,
  ``dcc.Dropdown.value`` a string, number or list of them…). Anything else is refused with
  400: Dash itself answers a malformed one with a 500 and a traceback in the log. Values of
  the right type but wrong content are each callback's to check.
- A request for a file Dash does not serve under ``/_dash-component-suites/`` is a 404
  (Dash raises, which would be a 500).

``install(app)`` is idempotent; ``dashboard.app`` calls it once the callbacks are registered
(the CSP hashes need the clientside callbacks). ``server`` here is the secured Flask app for
``gunicorn dashboard.security:server`` — the same object as ``dashboard.app:server`` once
``install`` has run there.
"""

from __future__ import annotations

import collections.abc
import datetime
import functools
import inspect
import json
import types
import typing
from typing import Any

from dash import Dash
from dash._utils import split_callback_id
from dash.development.base_component import Component
from dash.exceptions import DependencyException
from flask import Flask, Response, abort, request

MAX_BODY = 1_000_000  # a callback request is a few kB; files only ever go out, never in
_INSTALLED = "lyg_security"
_TYPES = "lyg_security_component_types"


def content_security_policy(app: Dash) -> str:
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",  # Plotly and React set inline styles
        "img-src 'self' data: blob:",  # Plotly's modebar icons and image export
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(app: Dash) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(app),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


# The keys Dash's renderer puts in a callback request (dash-renderer, executeCallback):
# ``state`` only when the callback has states, ``parsedChangedPropsIds`` beside
# ``changedPropIds``. Anything else is not the browser.
_BODY_KEYS = {"output", "outputs", "inputs", "state", "changedPropIds",
              "parsedChangedPropsIds"}
_ITEM_KEYS = {"id", "property", "value"}
_WILDCARDS = ("ALL", "MATCH", "ALLSMALLER")


def _declared_id(ident: str) -> str | dict:
    """A dependency's id as the callback declares it: a string, or a pattern's dict."""
    if ident.startswith("{"):
        try:
            parsed = json.loads(ident)
        except ValueError:
            return ident
        return parsed if isinstance(parsed, dict) else ident
    return ident


def _matches(ident: Any, declared: str | dict) -> bool:
    """Whether a sent id is the declared one (a pattern: same keys, fixed values equal)."""
    if isinstance(declared, str):
        return isinstance(ident, str) and ident == declared
    if not isinstance(ident, dict) or set(ident) != set(declared):
        return False
    for key, want in declared.items():
        value = ident[key]
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            return False
        if isinstance(want, list) and len(want) == 1 and want[0] in _WILDCARDS:
            continue
        if value != want:
            return False
    return True


def _base(prop: str) -> str:
    return prop.split("@")[0]  # allow_duplicate outputs carry "@<hash>"


def _item_problem(item: Any, spec: dict, what: str, with_value: bool) -> str | None:
    """One ``{id, property[, value]}`` against its declared dependency."""
    if not isinstance(item, dict):
        return f"{what} must be an object {{id, property, value}}"
    if set(item) - (_ITEM_KEYS if with_value else {"id", "property"}):
        return f"{what} has unexpected keys"
    prop = item.get("property")
    if not isinstance(prop, str) or _base(prop) != _base(spec["property"]):
        return f"{what} names the wrong property"
    if not _matches(item.get("id"), _declared_id(spec["id"])):
        return f"{what} names the wrong component"
    return None


def _dependency_problem(sent: Any, spec: dict, what: str, with_value: bool = True) -> str | None:
    """A declared dependency as sent: one item, or a list of matches for a pattern."""
    if isinstance(_declared_id(spec["id"]), dict):
        if not isinstance(sent, list):
            return f"{what} is pattern-matching: it must be a list of matches"
        for item in sent:
            problem = _item_problem(item, spec, what, with_value)
            if problem:
                return problem
        return None
    return _item_problem(sent, spec, what, with_value)


def _dependencies_problem(sent: Any, specs: list[dict], what: str) -> str | None:
    if not isinstance(sent, list):
        return f"{what} must be a list"
    if len(sent) != len(specs):
        return f"wrong number of {what}: {len(sent)}, the callback takes {len(specs)}"
    for i, (item, spec) in enumerate(zip(sent, specs, strict=True)):
        problem = _dependency_problem(item, spec, f"{what}[{i}]")
        if problem:
            return problem
    return None


def _changed_problem(changed: Any, inputs: list[dict]) -> str | None:
    """``changedPropIds``: ``"id.property"`` strings naming the callback's inputs."""
    if not isinstance(changed, list) or not all(isinstance(x, str) for x in changed):
        return "changedPropIds must be a list of strings"
    for prop_id in changed:
        ident, _, prop = prop_id.rpartition(".")
        sent_id = _declared_id(ident) if ident.startswith("{") else ident
        if not any(_base(prop) == _base(spec["property"])
                   and _matches(sent_id, _declared_id(spec["id"])) for spec in inputs):
            return "changedPropIds names something that is not an input of the callback"
    return None


def callback_request_problem(body: Any, callback_map: dict) -> str | None:
    """Why ``body`` is not a request Dash's renderer sends for one of this app's server-side
    callbacks (None when it is): the shape, and every output, input and state against the
    callback's declaration, so that nothing malformed reaches Dash (which answers it with a
    500) or a callback."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if set(body) - _BODY_KEYS:
        return f"unexpected keys: {', '.join(sorted(map(str, set(body) - _BODY_KEYS)))}"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown callback output"
    callback = callback_map[output]
    if "callback" not in callback:
        return "that output is computed in the browser (a clientside callback)"
    declared = split_callback_id(output)
    outputs = body.get("outputs")
    if isinstance(declared, list):  # a multi-output callback: a list, in declared order
        if not isinstance(outputs, list) or len(outputs) != len(declared):
            return "outputs must list the callback's outputs"
        pairs = list(zip(outputs, declared, strict=True))
    else:
        pairs = [(outputs, declared)]
    for i, (item, spec) in enumerate(pairs):
        problem = _dependency_problem(item, spec, f"outputs[{i}]", with_value=False)
        if problem:
            return problem
    problem = _dependencies_problem(body.get("inputs"), callback.get("inputs", []), "inputs")
    if problem:
        return problem
    states = callback.get("state", [])
    if "state" in body or states:
        problem = _dependencies_problem(body.get("state"), states, "states")
        if problem:
            return problem
    problem = _changed_problem(body.get("changedPropIds", []), callback.get("inputs", []))
    if problem:
        return problem
    parsed = body.get("parsedChangedPropsIds", [])
    if not isinstance(parsed, list) or not all(isinstance(x, str | dict) for x in parsed):
        return "parsedChangedPropsIds must be a list of ids"
    return None


_NUMBERS = (typing.SupportsFloat, typing.SupportsInt, typing.SupportsComplex)


def conforms(value: Any, hint: Any) -> bool:
    """Whether a JSON value fits a component property's type hint (unknown hints: yes)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is typing.Any:
        return True
    if hint is type(None):
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, arg) for arg in args)
    if origin is typing.Annotated:
        return conforms(value, args[0])
    if hint in _NUMBERS:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str or hint is datetime.datetime:  # dates travel as ISO strings
        return isinstance(value, str)
    if hint is bool:
        return isinstance(value, bool)
    if hint is dict or origin is dict or isinstance(hint, typing.ForwardRef | str) or (
            isinstance(hint, type) and issubclass(hint, dict)):  # TypedDicts by name
        return isinstance(value, dict)
    if origin is typing.Literal:
        return value in args
    if hint in (typing.Sequence, list) or origin in (collections.abc.Sequence, list):
        return isinstance(value, list) and all(conforms(v, args[0]) for v in value if args)
    return True


def _type_key(ident: Any) -> str | None:
    """Where a component's class is filed: its id, or for a pattern-matching id (a dict)
    its ``type`` (the components one pattern matches share a class)."""
    if isinstance(ident, str):
        return ident
    if isinstance(ident, dict) and isinstance(ident.get("type"), str):
        return "{type:" + ident["type"] + "}"
    return None


def _walk(tree: Any, found: dict[str, type]) -> None:
    if isinstance(tree, Component):
        key = _type_key(getattr(tree, "id", None))
        if key is not None:
            found[key] = type(tree)
        _walk(getattr(tree, "children", None), found)
    elif isinstance(tree, list | tuple):
        for item in tree:
            _walk(item, found)


def component_types(app: Dash) -> dict[str, type]:
    """Component id → class, from the shell and every page's default layout (both languages)."""
    from dashboard.pages import PAGES
    found: dict[str, type] = {}
    _walk(app.layout, found)
    for page in PAGES.values():
        for lang in ("zh", "en"):
            _walk(page.layout({"lang": [lang]}, lang), found)
    return found


@functools.cache
def _hint(component: type, prop: str) -> Any:
    parameter = inspect.signature(component.__init__).parameters.get(prop)
    return parameter.annotation if parameter is not None else typing.Any


def value_problem(body: dict, types_by_id: dict[str, type]) -> str | None:
    """The first input or state whose value does not fit its property's declared type."""
    for item in body["inputs"] + body.get("state", []):
        for prop in item if isinstance(item, list) else [item]:
            key = _type_key(prop["id"])
            component = types_by_id.get(key) if key is not None else None
            if component is None:
                continue
            if not conforms(prop.get("value"), _hint(component, prop["property"])):
                return f"{key}.{prop['property']} has the wrong type"
    return None


def install(app: Dash) -> Dash:
    """Add the headers and the request checks to ``app.server`` (once)."""
    server: Flask = app.server
    if server.extensions.get(_INSTALLED):
        return app
    server.extensions[_INSTALLED] = True
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    headers = security_headers(app)
    update_path = app.config.routes_pathname_prefix + "_dash-update-component"

    @server.before_request
    def refuse_malformed_callbacks() -> None:
        if request.method == "POST" and request.path == update_path:
            try:
                body = request.get_json(silent=True)
            except RecursionError:  # JSON nested deeper than the parser's stack
                body = None
            problem = callback_request_problem(body, app.callback_map)
            if problem is None:
                if _TYPES not in server.extensions:  # first callback of this worker
                    server.extensions[_TYPES] = component_types(app)
                problem = value_problem(body, server.extensions[_TYPES])
            if problem:
                abort(400, description=f"malformed callback request: {problem}")

    @server.errorhandler(DependencyException)
    def unknown_component_file(_: DependencyException) -> tuple[str, int]:
        return "Not Found", 404

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    return app


def __getattr__(name: str) -> Flask:
    """``server``, looked up lazily: dashboard.app imports this module to call ``install``."""
    if name == "server":
        from dashboard.app import app
        return install(app).server
    raise AttributeError(name)
