"""/ 概览: one card per question an official asks first, each linking to its page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from dash import Dash, html

from dashboard import data, docstatus, urlstate
from dashboard.components import card, message, page_header
from dashboard.i18n import colon, t, value_label
from dashboard.pages import economy, heritage, quality

NAME = "overview"
NAV_KEY = "nav_overview"


@dataclass
class Card:
    key: str  # i18n key of the title; also the card's id
    href: str
    headline: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (item, value)


def _economy(lang: str) -> Card | None:
    frame = economy.cumulative(data.load(economy.DATASET))
    if frame is None or frame.empty:
        return None
    latest = economy.periods(frame).iloc[-1]
    rows = frame[frame["period_end"] == latest["period_end"]]
    name = "indicator_en" if lang == "en" else "indicator_zh"
    lines = [(t("economy_indicators", lang), f"{len(rows)} {t('indicators_n', lang)}")]
    for _, row in rows[rows["part_of"].isna() & rows["yoy_pct"].notna()].head(3).iterrows():
        lines.append((str(row[name]), f"{float(row['yoy_pct']):+.1f}%"))
    return Card("card_economy", "/economy", economy.period_name(latest, lang), lines)


def _heritage(lang: str) -> Card | None:
    sites = data.load(heritage.SITES)
    if sites is None or sites.empty:
        return None
    counts = sites["category_zh"].value_counts()
    lines = [(heritage.category_label(sites, c, lang), str(int(counts[c])))
             for c in heritage.categories(sites)]
    approx = sites["geocode_precision"].isin(heritage.APPROXIMATE) | sites["lat"].isna()
    lines.append((t("approximate_sites", lang), str(int(approx.sum()))))
    return Card("card_heritage", "/heritage", f"{len(sites)} {t('sites_n', lang)}", lines)


def _documents(lang: str, today: date) -> Card | None:
    docs = data.load(docstatus.REGISTRY)
    if docs is None or docs.empty:
        return None
    counts = docs["list_status"].value_counts()
    lines = [(value_label("list_status", s, lang), str(int(counts.get(s, 0))))
             for s in ("retained", "repealed")]
    lines.append((t("marked_for_revision", lang), str(int(docs["needs_revision"].sum()))))
    codes = docstatus.status_codes(docs["doc_number"], today)
    in_force = sum(c in ("in_force", "in_force_marked_for_revision") for c in codes)
    lines.append((t("in_force_on", lang).format(date=today.isoformat()), str(in_force)))
    since = docstatus.repealed_since_cleanup(today)
    if since is not None:
        lines.append((t("repealed_since", lang).format(date=since[0]), str(len(since[1]))))
    return Card("card_documents", "/documents", f"{len(docs)} {t('docs_n', lang)}", lines)


def _issues(lang: str) -> Card | None:
    issues = data.issues()
    if not issues:
        return None
    lines = [(i["issue_id"], f"{t('issue_published', lang)} {i['published_on']}")
             for i in issues]
    return Card("card_issues", "/quality", f"{len(issues)} {t('issues_n', lang)}", lines)


def _quality(lang: str) -> Card | None:
    flags = quality.flags_frame(lang)
    if not data.available():
        return None
    rows = flags.groupby(["dataset", "source_issue", "source_line", "record"]).ngroups
    return Card("card_quality", "/quality", f"{len(flags)} {t('flags_n', lang)}",
                [(t("flagged_rows", lang), str(rows))])


def cards(lang: str, today: date | None = None) -> list[Card]:
    today = today or date.today()
    found = [_economy(lang), _heritage(lang), _documents(lang, today), _issues(lang),
             _quality(lang)]
    return [c for c in found if c is not None]


def layout(params: urlstate.Params, lang: str):
    found = cards(lang)
    suffix = urlstate.build({}, lang)
    body = [card(t(c.key, lang), c.headline,
                 [f"{item}{colon(lang)}{value}" if value else item for item, value in c.lines],
                 c.href + suffix, c.key.replace("_", "-")) for c in found]
    return html.Div([
        page_header(t("overview_title", lang), t("overview_intro", lang), lang),
        html.Div(body, className="cards") if body else message(t("no_data", lang)),
    ])


def view(params: urlstate.Params, lang: str) -> pd.DataFrame | None:
    rows = [{t("card_title", lang): t(c.key, lang), t("metric", lang): item,
             t("value", lang): value}
            for c in cards(lang) for item, value in [("", c.headline), *c.lines]]
    return pd.DataFrame(rows) if rows else None


def register(app: Dash) -> None:
    """The overview has no filters: nothing to wire."""
