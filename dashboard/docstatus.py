"""Documents and their lifecycle for the dashboard: the registry, the events, and the
status on a date from ``etl.status`` (the one implementation of that logic)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import pandas as pd

from dashboard import data
from dashboard.i18n import listing, t, value_label
from etl.normalize import parse_doc_number
from etl.status import DocumentStatus, status_on, status_table

REGISTRY = "normative_documents"
GAZETTE = "gazette_documents"
EVENTS = "document_events"
CITATIONS = "document_citations"
AMENDMENTS = "document_amendments"
TASKS = "task_assignments"
LISTING_EVENTS = ("listed_retained", "listed_repealed")


@lru_cache(maxsize=1)
def events() -> pd.DataFrame | None:
    """The lifecycle events by date (sorted once per process: callers must not mutate)."""
    frame = data.load(EVENTS)
    if frame is None:
        return None
    return frame.sort_values(["date", "doc_number"], kind="stable").reset_index(drop=True)


# --- what a status rests on: the issues ingested, and the newest one's date ---------------


def issues() -> list[dict]:
    """The ingested issues (issue_id, published_on as a date), oldest first; an issue whose
    date does not parse is left out (it cannot bound anything)."""
    out = []
    for issue in data.issues():
        try:
            day = date.fromisoformat(str(issue["published_on"])[:10])
        except ValueError:
            continue
        out.append({"issue_id": str(issue["issue_id"]), "published_on": day})
    return sorted(out, key=lambda i: (i["published_on"], i["issue_id"]))


def data_date() -> date | None:
    """The publication date of the newest issue: the data say nothing about later days."""
    found = issues()
    return found[-1]["published_on"] if found else None


def default_date() -> date:
    """The status date a page opens on: the newest issue's date (today when none is known,
    e.g. a copy of datasets/ without raw/manifest.csv)."""
    return data_date() or date.today()


def issue_name(issue_id: str, lang: str) -> str:
    """2022-10 → 2022年第10期 / issue 10 of 2022 (an id of another shape as it is)."""
    year, _, number = issue_id.partition("-")
    if not (year.isdigit() and number.isdigit()):
        return issue_id
    return t("issue_name", lang).format(year=year, number=int(number))


def issues_until(on: date) -> list[dict]:
    """The issues published on or before ``on``: what a status on that day rests on."""
    return [i for i in issues() if i["published_on"] <= on]


def basis(issue_ids: list[str], lang: str) -> str:
    """依据2018年第16期、2022年第10期 / based on issue 16 of 2018, issue 10 of 2022."""
    if not issue_ids:
        return t("basis_none", lang)
    return t("basis", lang).format(issues=listing([issue_name(i, lang) for i in issue_ids],
                                                   lang))


def status_basis(on: date, lang: str) -> str:
    """What a status on ``on`` rests on: every issue published by then (a repeal may be in
    any of them)."""
    return basis([i["issue_id"] for i in issues_until(on)], lang)


def data_until(lang: str) -> str | None:
    """数据截至 2022-11-15（2022年第10期） — None when no issue is known."""
    found = issues()
    if not found:
        return None
    newest = found[-1]
    return t("data_until", lang).format(date=newest["published_on"].isoformat(),
                                        issue=issue_name(newest["issue_id"], lang))


def beyond_data(on: date, lang: str) -> str | None:
    """The caveat for a status date past the newest issue, else None."""
    newest, text = data_date(), data_until(lang)
    if newest is None or text is None or on <= newest:
        return None
    return text + t("later_not_in", lang)


def cleanup_date() -> pd.Timestamp | None:
    ev = events()
    if ev is None:
        return None
    listed = ev.loc[ev["event"].isin(LISTING_EVENTS), "date"].dropna()
    return listed.max() if len(listed) else None


def repealed_since_cleanup(today: date) -> tuple[str, list[str]] | None:
    """(cleanup date, documents repealed after it and on or before ``today``)."""
    ev, cleanup = events(), cleanup_date()
    if ev is None or cleanup is None:
        return None
    hit = ev[(ev["event"] == "repealed") & (ev["date"] > cleanup)
             & (ev["date"] <= pd.Timestamp(today))]
    return cleanup.strftime("%Y-%m-%d"), list(dict.fromkeys(hit["doc_number"]))


# --- looking documents up -------------------------------------------------------------


def _registry() -> pd.DataFrame | None:
    return data.load(REGISTRY)


def keys(rows: pd.DataFrame) -> list[str]:
    """A stable key per registry row: its number, or list-seq when it has none."""
    return [n if isinstance(n, str) and n else f"{s}-{q}"
            for n, s, q in zip(rows["doc_number"], rows["list_status"], rows["seq"],
                               strict=True)]


def _known_numbers() -> set[str]:
    found: set[str] = set()
    for name in (REGISTRY, GAZETTE, EVENTS):
        frame = data.load(name)
        if frame is not None and "doc_number" in frame.columns:
            found.update(frame["doc_number"].dropna())
    return found


def find(value: str) -> str | None:
    """The key a user's text names (a number in any printed form, or a row key), or None."""
    text = value.strip()[:60]
    if not text:
        return None
    parsed = parse_doc_number(text)
    if parsed is not None and parsed.text in _known_numbers():
        return parsed.text
    if text in _known_numbers():
        return text
    reg = _registry()
    if reg is not None and text in set(keys(reg)):
        return text
    return None


def url_value(key: str) -> str:
    return key


def registry_row(key: str) -> pd.Series | None:
    reg = _registry()
    if reg is None:
        return None
    hit = reg[[k == key for k in keys(reg)]]
    return hit.iloc[0] if len(hit) else None


def number_of(key: str) -> str | None:
    """The document number behind a key (None for a numberless registry row)."""
    return key if key in _known_numbers() else None


def events_for(number: str) -> pd.DataFrame | None:
    ev = events()
    if ev is None:
        return None
    return ev[ev["doc_number"] == number].reset_index(drop=True)


def known() -> set[str]:
    """Every number the documents page can open (a document some dataset holds)."""
    return _known_numbers()


def _rows(name: str, column: str, number: str) -> pd.DataFrame | None:
    """Rows of dataset ``name`` whose ``column`` is ``number`` (None when not published)."""
    frame = data.load(name)
    if frame is None or column not in frame.columns:
        return None
    return frame[frame[column] == number].reset_index(drop=True)


def cites(number: str) -> pd.DataFrame | None:
    """The numbers ``number``'s text cites, in printed order."""
    return _rows(CITATIONS, "citing_doc", number)


def cited_by(number: str) -> pd.DataFrame | None:
    """The published documents whose text cites ``number``."""
    return _rows(CITATIONS, "cited_number", number)


def amendments_of(number: str) -> pd.DataFrame | None:
    """The article-level edits made to ``number``."""
    return _rows(AMENDMENTS, "target_doc", number)


def amendments_by(number: str) -> pd.DataFrame | None:
    """The article-level edits ``number`` (an amending decision) makes."""
    return _rows(AMENDMENTS, "amending_doc", number)


def tasks_of(number: str) -> pd.DataFrame | None:
    """The tasks ``number`` assigns to agencies (task_assignments, where published)."""
    return _rows(TASKS, "doc_number", number)


# --- status on a date (etl.status decides; this module only words it) -------------------


def status(number: str, on: date) -> DocumentStatus:
    ev = events()
    return status_on(number, on, ev if ev is not None else _no_events())


# Status tables are cached per date (an official moves between a few dates), and the
# per-number answers per (date, language) as plain dicts, so a callback over 100 000 rows
# is a dictionary look-up per row rather than a pass over the events.
@lru_cache(maxsize=64)
def _table(on: date) -> dict[str, dict]:
    ev = events()
    if ev is None:
        return {}
    return {row["doc_number"]: row for row in status_table(ev, on).to_dict("records")}


@lru_cache(maxsize=64)
def _codes(on: date) -> dict[str, str]:
    return {number: row["status"] for number, row in _table(on).items()}


@lru_cache(maxsize=64)
def _short(on: date, lang: str) -> dict[str, str]:
    out = {}
    for number, row in _table(on).items():
        parts = [value_label("status", row["status"], lang)]
        if row.get("last_amended_on"):
            parts.append(t("short_amended", lang).format(date=_day(row["last_amended_on"])))
        if row.get("scheduled_repeal_on"):
            parts.append(t("short_scheduled", lang).format(
                date=_day(row["scheduled_repeal_on"])))
        out[number] = ("；" if lang == "zh" else "; ").join(parts)
    return out


def status_codes(numbers: pd.Series, on: date) -> list[str | None]:
    """The status code of every number on ``on`` (None for a row with no number)."""
    known = _codes(on)
    return [known.get(n, "unknown") if isinstance(n, str) else None for n in numbers]


def short_texts(numbers: pd.Series, on: date, lang: str) -> list[str]:
    """Status for a table cell: 有效；2018-11-04修改；2023-01-01起废止."""
    known = _short(on, lang)
    unknown, missing = value_label("status", "unknown", lang), t("no_number", lang)
    return [known.get(n, unknown) if isinstance(n, str) else missing for n in numbers]


for _cached in (events, _table, _codes, _short):
    data.on_reset(_cached.cache_clear)


def _no_events() -> pd.DataFrame:
    return pd.DataFrame(columns=["doc_number", "event", "date", "by_doc", "source_issue",
                                 "source_line"])


def _day(value: object) -> str:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _sources(result: DocumentStatus, event: str, day: date | None, lang: str = "zh") -> str:
    rows = result.evidence
    if rows.empty or day is None:
        return ""
    hit = rows[(rows["event"] == event) & (rows["date"] == pd.Timestamp(day))]
    return listing(list(dict.fromkeys(f"{i}:{n}" for i, n in zip(
        hit["source_issue"], hit["source_line"], strict=True))), lang)


def reasons(result: DocumentStatus, lang: str) -> list[str]:
    """The facts behind a status, each with the issue:line it was read from."""
    out = []

    def add(key: str, event: str, day: date | None, by: str | None = None) -> None:
        if day is None:
            return
        text = t(key, lang).format(date=_day(day), by=by or "")
        source = _sources(result, event, day, lang)
        out.append(f"{text}（{t('source', lang)} {source}）" if source and lang == "zh"
                   else f"{text} ({t('source', lang).lower()} {source})" if source else text)

    add("fact_issued", "issued", result.issued_on)
    add("fact_effective", "effective", result.effective_from)
    for day, by in zip(result.amended_on, result.amended_by, strict=True):
        add("fact_amended", "amended", day, by)
    add("fact_marked", "marked_for_revision", result.marked_for_revision_on)
    if result.repealed_on:
        event = "repealed" if _sources(result, "repealed", result.repealed_on) else (
            "listed_repealed")
        add("fact_repealed", event, result.repealed_on, result.repealed_by)
    add("fact_expires", "expires", result.expires_on)
    if result.scheduled_repeal_on:
        add("fact_scheduled_repeal", "repealed", result.scheduled_repeal_on,
            result.scheduled_repeal_by)
    add("fact_lapsed", "lapsed", result.lapsed_on, result.lapsed_by)
    add("fact_scheduled_lapse", "lapsed", result.scheduled_lapse_on, result.scheduled_lapse_by)
    add("fact_revision_deadline", "revision_deadline", result.revision_deadline)
    return out
