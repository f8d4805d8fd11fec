"""Page state in the URL query string, so every view can be shared and bookmarked.

Values from a URL are untrusted: pages validate each one against the data they know and
drop the rest. Only ``lang`` is shared by every page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qs, quote, urlencode

Params = dict[str, list[str]]
LANGS = ("zh", "en")
MAX_QUERY = 4000  # a longer query string is not one this app wrote


def parse(search: str | None) -> Params:
    if not search or len(search) > MAX_QUERY:
        return {}
    return parse_qs(search.lstrip("?"), keep_blank_values=False)


def lang(params: Mapping[str, list[str]]) -> str:
    value = first(params, "lang")
    return value if value in LANGS else "zh"


def first(params: Mapping[str, list[str]], key: str) -> str | None:
    values = params.get(key) or []
    return values[0] if values else None


def known(values: Iterable[str] | None, allowed: Iterable[str]) -> list[str]:
    """``values`` that are in ``allowed``, in order, without repeats."""
    allowed_set = set(allowed)
    return list(dict.fromkeys(v for v in (values or []) if isinstance(v, str)
                              and v in allowed_set))


def build(state: Mapping[str, object], lang_code: str = "zh") -> str:
    """A query string (with ``?``, or empty) from ``state``; empty values are left out."""
    pairs: list[tuple[str, str]] = []
    for key, value in state.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, str(value)))
    if lang_code != "zh":
        pairs.append(("lang", lang_code))
    return "?" + urlencode(pairs, quote_via=quote) if pairs else ""


def with_lang(search: str | None, lang_code: str) -> str:
    """``search`` with ``lang`` replaced (the language switch keeps every filter)."""
    params = parse(search)
    params.pop("lang", None)
    state = {k: v for k, v in params.items()}
    return build(state, lang_code)


def rendered_lang(rendered: object) -> str:
    """The language of the page on screen, from the shell's ``rendered`` store."""
    if isinstance(rendered, list) and len(rendered) == 2 and rendered[1] == "en":
        return "en"
    return "zh"


def inserted(triggered: list) -> bool:
    """True when Dash fires a page callback because the router has just inserted the page:
    every input counts as changed then, whereas a user changes one at a time. The layout
    already drew that state, so the callback has nothing to do (and must not rewrite the
    URL, which would add a history entry)."""
    return len(triggered or []) > 1
