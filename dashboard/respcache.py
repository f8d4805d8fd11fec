"""A bounded cache of Dash callback answers (``POST /_dash-update-component``), per process.

A callback answer here is a function of the request body (the callback, its inputs and
states, which input changed), the published data and, in two corners of the documents
pages, today's date (``docstatus.default_date`` falls back to it; ``documents.doc_href``
leaves ``on=`` out of a link for today). Nothing reads a header, a cookie, the client or
the clock otherwise (checked with grep, issue 13). So the key is the exact body bytes
(as a 128-bit BLAKE2 digest) with ``data.generation()`` and today's date: a data reload
(``data.reset``) starts a new generation and empties the cache, a new day misses.

Only the callbacks in ``PURE`` are cached (an allow-list by function: a callback added
later is not cached until someone checks it), and of the download callback only its CSV
answers (``PURE_WHEN``): a CSV of the view is a function of the page, its query and the
notes choice, all in the body, and is a few kB to a few hundred. An XLSX is not: openpyxl
writes the time it was made into ``docProps/core.xml``, so each answer differs; and the
published workbook is read from its file at each click, so that a rebuilt file is served
at once (a cached copy would outlive it until the next ``data.reset``), and it is hundreds
of kB that would push the small hot answers out.

Only answers Dash gave with 200 (JSON) or 204 (``PreventUpdate``) are kept; a request
that ``dashboard.security`` refuses (400) never reaches the lookup (its ``before_request``
runs first) nor the store (the status is not 200/204). LRU, bounded by the bytes of
the bodies kept plus keys (``LYG_RESPONSE_CACHE_MB``, default ``DEFAULT_MB``; 0 turns the
cache off); one answer larger than an eighth of the cap is not kept. gunicorn's workers
and waitress's threads: one cache per process (forked workers each fill their own),
shared by the threads under a lock. The cached body is the uncompressed answer:
``dashboard.serve`` compresses after this (its ``after_request`` runs later).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date

from flask import Flask, Response, g, request

ENV_MB = "LYG_RESPONSE_CACHE_MB"
DEFAULT_MB = 32
KEY_BYTES = 16 + 10 + 8 + 64  # digest, date, generation, and the tuple/entry overhead
_EXTENSION = "lyg_response_cache"
_PENDING = "lyg_response_cache_key"

# Callbacks whose answer depends only on the request body, the data and the date (see
# above), by "module.function" of the registered callback.
PURE = frozenset({
    "dashboard.app.route", "dashboard.app.switch_language", "dashboard.app.api_link",
    "dashboard.pages.economy.update", "dashboard.pages.heritage.update",
    "dashboard.pages.documents.update", "dashboard.pages.chronicle.update",
    "dashboard.pages.quality.update",
})


def _csv_download(body: dict) -> bool:
    """A download request for the view as CSV (the trigger's ``fmt``)."""
    changed = body.get("changedPropIds")
    if not isinstance(changed, list) or len(changed) != 1 or not isinstance(changed[0], str):
        return False
    ident = changed[0].rpartition(".")[0]
    try:
        trigger = json.loads(ident)
    except ValueError:
        return False
    return isinstance(trigger, dict) and trigger.get("fmt") == "csv"


# Callbacks cached only for some requests: "module.function" → which bodies.
PURE_WHEN: dict[str, Callable[[dict], bool]] = {"dashboard.app.download": _csv_download}


class ResponseCache:
    """LRU of (status, mimetype, body) by key, bounded by ``max_bytes``; thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 8
        self._entries: OrderedDict[tuple, tuple[int, str, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = self.misses = 0

    def get(self, key: tuple) -> tuple[int, str, bytes] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple, status: int, mimetype: str, body: bytes) -> bool:
        size = len(body) + KEY_BYTES
        if size > self.max_entry:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= len(old[2]) + KEY_BYTES
            self._entries[key] = (status, mimetype, body)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self.bytes -= len(dropped[2]) + KEY_BYTES
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def stats(self) -> dict[str, int]:
        return {"entries": len(self), "bytes": self.bytes, "hits": self.hits,
                "misses": self.misses}


def configured_bytes() -> int:
    """The cap from ``LYG_RESPONSE_CACHE_MB`` (megabytes; 0 = off), else ``DEFAULT_MB``."""
    raw = os.environ.get(ENV_MB, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MB
    except ValueError:
        mb = DEFAULT_MB
    return max(0, int(mb * 1024 * 1024))


def _cacheable_outputs() -> dict[str, Callable[[dict], bool]]:
    """Dash's ``output`` string of each callback in ``PURE`` or ``PURE_WHEN`` → which of
    its request bodies may be cached."""
    from dashboard.app import app as dash_app  # registered by now: a request came in

    out: dict[str, Callable[[dict], bool]] = {}
    for output, spec in dash_app.callback_map.items():
        fn = spec.get("callback")
        name = f"{fn.__module__}.{fn.__name__}" if fn is not None else ""
        if name in PURE:
            out[output] = _always
        elif name in PURE_WHEN:
            out[output] = PURE_WHEN[name]
    return out


def _always(body: dict) -> bool:
    return True


def _key(body: bytes) -> tuple:
    from dashboard import data

    return (hashlib.blake2b(body, digest_size=16).digest(), data.generation(),
            date.today().toordinal())


def cache_of(server: Flask) -> ResponseCache | None:
    """The server's cache (None when off or not installed)."""
    return server.extensions.get(_EXTENSION)


def install(server: Flask, update_path: str = "/_dash-update-component",
            max_bytes: int | None = None) -> ResponseCache | None:
    """Answer repeated callback requests from the cache (once per server; off at 0 bytes)."""
    if _EXTENSION in server.extensions:
        return server.extensions[_EXTENSION]
    max_bytes = configured_bytes() if max_bytes is None else max_bytes
    if max_bytes <= 0:
        server.extensions[_EXTENSION] = None
        return None
    cache = ResponseCache(max_bytes)
    server.extensions[_EXTENSION] = cache
    from dashboard import data

    data.on_reset(cache.clear)
    pure: list[dict] = []  # filled at the first request: every callback is registered

    @server.before_request
    def answer_from_cache() -> Response | None:
        if request.method != "POST" or request.path != update_path:
            return None
        if not pure:
            pure.append(_cacheable_outputs())
        body = request.get_json(silent=True)
        which = pure[0].get(body.get("output")) if isinstance(body, dict) else None
        if which is None or not which(body):
            return None
        key = _key(request.get_data(cache=True))
        hit = cache.get(key)
        if hit is None:
            g.setdefault(_PENDING, key)
            return None
        status, mimetype, content = hit
        response = Response(content, status=status, mimetype=mimetype or None)
        response.headers["X-Cache"] = "hit"
        return response

    @server.after_request
    def keep_answer(response: Response) -> Response:
        key = g.pop(_PENDING, None)
        if key is not None and response.status_code in (200, 204) \
                and not response.is_streamed and "Content-Encoding" not in response.headers:
            cache.put(key, response.status_code, response.mimetype or "",
                      response.get_data())
        return response

    return cache
