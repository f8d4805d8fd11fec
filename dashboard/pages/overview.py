"""/ 概览: one card per question an official asks first, each linking to its page and saying
which gazette issues it rests on; the status date (the newest issue's, unless ``?on=`` asks
for another, with the caveat past the data), the data version and the latest changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from dash import Dash, html

from dashboard import data, docstatus, urlstate
from dashboard.components import card, memo_per_data, message, page_header, section
from dashboard.i18n import colon, dataset_title, t, value_label
from dashboard.pages import documents, economy, heritage, quality

NAME = "overview"
NAV_KEY = "nav_overview"
CHANGELOG_LINES = 6


@dataclass
class Card:
    key: str  # i18n key of the title; also the card's id
    href: str
    headline: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (item, value)
    issues: list[str] = field(default_factory=list)  # the issues the card rests on


def _issues_of(*frames: pd.DataFrame | None) -> list[str]:
    found: set[str] = set()
    for frame in frames:
        if frame is not None and "source_issue" in frame.columns:
            found.update(frame["source_issue"].dropna().astype(str))
    return sorted(found)


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
    return Card("card_economy", "/economy", economy.period_name(latest, lang), lines,
                _issues_of(rows))


def _heritage(lang: str) -> Card | None:
    sites = data.load(heritage.SITES)
    if sites is None or sites.empty:
        return None
    counts = sites["category_zh"].value_counts()
    lines = [(heritage.category_label(sites, c, lang), str(int(counts[c])))
             for c in heritage.categories(sites)]
    approx = sites["geocode_precision"].isin(heritage.APPROXIMATE) | sites["lat"].isna()
    lines.append((t("approximate_sites", lang), str(int(approx.sum()))))
    return Card("card_heritage", "/heritage", f"{len(sites)} {t('sites_n', lang)}", lines,
                _issues_of(sites))


def _documents(lang: str, on: date) -> Card | None:
    docs = data.load(docstatus.REGISTRY)
    if docs is None or docs.empty:
        return None
    counts = docs["list_status"].value_counts()
    lines = [(value_label("list_status", s, lang), str(int(counts.get(s, 0))))
             for s in ("retained", "repealed")]
    lines.append((t("marked_for_revision", lang), str(int(docs["needs_revision"].sum()))))
    codes = docstatus.status_codes(docs["doc_number"], on)
    in_force = sum(c in ("in_force", "in_force_marked_for_revision") for c in codes)
    # the status rests on every issue published by then: a repeal may be in any of them
    lines.append((t("in_force_on_basis", lang).format(
        date=on.isoformat(), basis=docstatus.status_basis(on, lang)), str(in_force)))
    since = docstatus.repealed_since_cleanup(on)
    if since is not None:
        lines.append((t("repealed_since", lang).format(date=since[0]), str(len(since[1]))))
    on_query = {} if on == docstatus.default_date() else {"on": on.isoformat()}
    return Card("card_documents", "/documents" + urlstate.build(on_query, "zh"),
                f"{len(docs)} {t('docs_n', lang)}", lines,
                _issues_of(docs, docstatus.events()))


def _issues(lang: str) -> Card | None:
    issues = data.issues()
    if not issues:
        return None
    lines = [(docstatus.issue_name(i["issue_id"], lang),
              f"{t('issue_published', lang)} {i['published_on']}") for i in issues]
    return Card("card_issues", "/quality", f"{len(issues)} {t('issues_n', lang)}", lines,
                [i["issue_id"] for i in issues])


def _quality(lang: str) -> Card | None:
    flags = quality.flags_frame(lang)
    if not data.available():
        return None
    rows = flags.groupby(["dataset", "source_issue", "source_line", "record"]).ngroups
    return Card("card_quality", "/quality", f"{len(flags)} {t('flags_n', lang)}",
                [(t("flagged_rows", lang), str(rows))], _issues_of(flags))


def cards(lang: str, on: date | None = None) -> list[Card]:
    on = on or docstatus.default_date()
    found = [_economy(lang), _heritage(lang), _documents(lang, on), _issues(lang),
             _quality(lang)]
    return [c for c in found if c is not None]


def card_lines(c: Card, lang: str) -> list[str]:
    """The card's lines, the last saying which issues it rests on."""
    lines = [f"{item}{colon(lang)}{value}" if value else item for item, value in c.lines]
    return [*lines, docstatus.basis(c.issues, lang)]


# --- data version and changelog (etl.release / etl.changelog, when present) ---------------


def version() -> dict | None:
    try:
        from etl.release import read_version
    except ImportError:  # a checkout from before versions existed
        return None
    return read_version(data.datasets_dir())


def changelog_latest(lang: str, limit: int = CHANGELOG_LINES) -> list[str]:
    """The newest release's changelog entries that changed something, newest first."""
    try:
        from etl.changelog import read_changelog
    except ImportError:
        return []
    rows = read_changelog(data.datasets_dir())
    if not rows:
        return []
    newest = rows[-1]["version"]
    out = []
    for row in reversed([r for r in rows if r["version"] == newest]):
        added, removed, changed = (int(row.get(k) or 0) for k in (
            "rows_added", "rows_removed", "rows_changed"))
        if not (added or removed or changed):
            continue
        try:
            name = dataset_title(row["dataset"], lang)
        except KeyError:
            name = str(row["dataset"])
        text = t("changelog_line", lang).format(
            date=row.get("date", ""), issue=docstatus.issue_name(str(row.get("issue", "")),
                                                                  lang),
            dataset=name, added=added)
        if removed or changed:
            text += t("changelog_more", lang).format(removed=removed, changed=changed)
        out.append(text)
    return out[:limit]


def as_of(on: date, lang: str) -> html.Div:
    """数据截至… (and the caveat when ``on`` is past it), the version, the latest changes."""
    parts: list = []
    until, beyond = docstatus.data_until(lang), docstatus.beyond_data(on, lang)
    if beyond:  # the caveat says where the data end, and more
        parts.append(documents.beyond_notice(beyond, "overview-beyond"))
    elif until:
        parts.append(html.P(until, className="note", id="overview-until"))
    record = version()
    if record:
        parts.append(html.P(f"{t('data_version', lang)}{colon(lang)}{record['version']}",
                            className="note", id="overview-version"))
    changes = changelog_latest(lang)
    if changes:
        parts.append(section(t("changelog_latest", lang),
                             html.Ul([html.Li(c) for c in changes], id="overview-changelog"),
                             class_name="changelog"))
    return html.Div(parts, id="overview-as-of")


def _on(params: urlstate.Params) -> date:
    return documents.parse_date(urlstate.first(params, "on")) or docstatus.default_date()


def layout(params: urlstate.Params, lang: str):
    return _layout(_on(params), lang)


@memo_per_data
def _layout(on: date, lang: str) -> html.Div:
    """The page for a status date and language: every card, the version and changelog are
    read from the data (and its files), so it is made once per data version (shared:
    never mutate it)."""
    found = cards(lang, on)
    suffix = urlstate.build({}, lang)
    body = [card(t(c.key, lang), c.headline, card_lines(c, lang),
                 _href(c.href, suffix), c.key.replace("_", "-")) for c in found]
    return html.Div([
        page_header(t("overview_title", lang), t("overview_intro", lang), lang),
        as_of(on, lang),
        html.Div(body, className="cards") if body else message(t("no_data", lang)),
    ])


def _href(href: str, suffix: str) -> str:
    """``href`` (which may carry its own query) with the language suffix joined on."""
    if not suffix:
        return href
    return href + ("&" + suffix[1:] if "?" in href else suffix)


def view(params: urlstate.Params, lang: str) -> pd.DataFrame | None:
    on = _on(params)
    rows = [{t("card_title", lang): t(c.key, lang), t("metric", lang): item,
             t("value", lang): value}
            for c in cards(lang, on)
            for item, value in [("", c.headline), *c.lines,
                                (docstatus.basis(c.issues, lang), "")]]
    return pd.DataFrame(rows) if rows else None


def register(app: Dash) -> None:
    """The overview has no filters: nothing to wire."""
