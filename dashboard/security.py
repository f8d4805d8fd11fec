"""HTTP hardening of the dashboard's Flask server, the same under gunicorn and the dev server.

- Security headers on every response: a Content-Security-Policy that allows only this
  origin's scripts plus the hashes of Dash's own inline scripts (no ``unsafe-inline`` or
  ``unsafe-eval`` for scripts), no framing, no MIME sniffing, no referrer, no powerful
  browser features. No HSTS: the app serves plain HTTP on loopback; a TLS proxy in front
  adds it.
- Request bodies over ``MAX_BODY`` are refused (413) before anything parses them.
- A callback request must have the shape Dash's own renderer sends (a JSON object naming a
  registered callback, with lists of ``{id, property, value}``), and every value must have
  the type its component declares for that property (``dcc.Location.pathname`` is a string,
  ``dcc.Dropdown.value`` a string, number or list of them…), or it is refused with 400:
  Dash itself answers a malformed one with a 500 and a traceback in the log. Values of the
  right type but wrong content are each callback's to check.
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
import types
import typing
from typing import Any

from dash import Dash
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


def _is_prop(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("property"), str)
            and isinstance(item.get("id"), str | dict))


def _props_ok(items: Any) -> bool:
    """A list of ``{id, property, value}``, or of such lists (pattern-matching inputs)."""
    if not isinstance(items, list):
        return False
    return all(_is_prop(x) or (isinstance(x, list) and all(_is_prop(y) for y in x))
               for x in items)


def callback_request_problem(body: Any, callback_map: dict) -> str | None:
    """Why ``body`` is not a callback request this app can run (None when it is)."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown callback output"
    callback = callback_map[output]
    if not _props_ok(body.get("inputs")):
        return "inputs must be a list of {id, property, value}"
    if len(body["inputs"]) != len(callback.get("inputs", [])):
        return "wrong number of inputs"
    if "state" in body and not _props_ok(body["state"]):
        return "state must be a list of {id, property, value}"
    if len(body.get("state", [])) != len(callback.get("state", [])):
        return "wrong number of states"
    outputs = body.get("outputs")
    if outputs is not None and not (_is_prop(outputs) or _props_ok(outputs)):
        return "outputs must be {id, property} or a list of them"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(x, str) for x in changed):
        return "changedPropIds must be a list of strings"
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


def _walk(tree: Any, found: dict[str, type]) -> None:
    if isinstance(tree, Component):
        if isinstance(getattr(tree, "id", None), str):
            found[tree.id] = type(tree)
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
            component = types_by_id.get(prop["id"]) if isinstance(prop["id"], str) else None
            if component is None:
                continue
            if not conforms(prop.get("value"), _hint(component, prop["property"])):
                return f"{prop['id']}.{prop['property']} has the wrong type"
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
