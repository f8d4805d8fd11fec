"""The pages, by URL path. Each page module provides:

- ``NAME`` (slug), ``NAV_KEY`` (its i18n key in the navigation);
- ``layout(params, lang)``: the page for a parsed, untrusted query string;
- ``view(params, lang)``: the current filtered view as a frame (the downloads), or ``None``;
- ``register(app)``: its callbacks.
"""

from __future__ import annotations

from types import ModuleType

from dashboard.pages import (
    chronicle,
    dictionary,
    documents,
    economy,
    heritage,
    overview,
    quality,
)

Page = ModuleType

PAGES: dict[str, Page] = {
    "/": overview,
    "/economy": economy,
    "/heritage": heritage,
    "/documents": documents,
    "/chronicle": chronicle,
    "/quality": quality,
    "/dictionary": dictionary,
}
