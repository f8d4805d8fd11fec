"""Is this document in force on a given day, and why? Answered from document_events.

Pure pandas on the events table (published ``document_events``), no file reading, so the
dashboard and notebooks call it on the frame they already hold::

    status_on("连政规发〔2014〕7号", date(2022, 12, 31), events).status  # "in_force"

Rules, in order (each answer carries the event rows that justify it):

- no event names the document → ``unknown``;
- before its issue date → ``not_yet_issued`` (no issue date and before every known
  event → ``unknown``: the gazettes say nothing about that time);
- repealed (``repealed``, or ``listed_repealed`` by a cleanup) on or before the day →
  ``repealed``; past the last day of its term (``expires``; the latest such date, since a
  later notice may extend the term: 有效期延长至…), declared lapsed by another document
  (``lapsed``: 宣布失效, 停止执行, 不再执行) or past a revision deadline
  (``revision_deadline``: …前完成修订，逾期自动失效) with no amendment between the mark
  for revision and the deadline → ``expired`` (已失效) — whichever came first, a repeal on
  the same day winning; a term an amendment deleted before it ran out (``expiry_removed``,
  derived from document_amendments and flagged ``derived_from_amendment``) no longer ends
  the document;
- issued but its effective date still ahead → ``not_yet_effective``;
- otherwise ``in_force``, or ``in_force_marked_for_revision`` when a cleanup (or a
  revision deadline) marked it 修改 and no amendment has followed the latest mark yet.

Amendments up to the day, and a repeal, lapse or expiry still ahead, are reported beside
the status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from etl.dictionary import value_label, value_lists
from etl.normalize import parse_doc_number

# the statuses and their zh/en labels are declared once: etl/dictionary/_values.yaml, ``status``
STATUSES = tuple(v.code for v in value_lists()["status"])
REPEALS = ("repealed", "listed_repealed")
LAPSES = ("lapsed",)


@dataclass(frozen=True)
class DocumentStatus:
    doc_number: str
    on: date
    status: str  # one of STATUSES
    issued_on: date | None = None
    effective_from: date | None = None
    amended_on: tuple[date, ...] = ()  # amendments in effect by ``on``
    amended_by: tuple[str, ...] = ()
    marked_for_revision_on: date | None = None
    repealed_on: date | None = None  # when ``status`` is repealed
    repealed_by: str | None = None
    expires_on: date | None = None  # last day of the term, past or ahead
    scheduled_repeal_on: date | None = None  # a repeal still ahead of ``on``
    scheduled_repeal_by: str | None = None
    # when ``status`` is expired by another document: the first day it no longer applied
    # (宣布失效 / 停止执行 on that day, or the day after a missed revision deadline)
    lapsed_on: date | None = None
    lapsed_by: str | None = None
    revision_deadline: date | None = None  # the last day to revise it, past or ahead
    scheduled_lapse_on: date | None = None  # a lapse still ahead of ``on``
    scheduled_lapse_by: str | None = None
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    @property
    def in_force(self) -> bool:
        return self.status in ("in_force", "in_force_marked_for_revision")

    def label(self, lang: str = "zh") -> str:
        return value_label("status", self.status, lang)


def normal_number(doc_number: str) -> str:
    """A number as typed (连政规发(2014)7号) → its normal form; other text is kept."""
    parsed = parse_doc_number(doc_number)
    return parsed.text if parsed else doc_number.strip()


_COLUMNS = ["doc_number", "status", "issued_on", "effective_from", "last_amended_on",
            "marked_for_revision_on", "repealed_on", "repealed_by", "expires_on",
            "scheduled_repeal_on", "scheduled_repeal_by", "lapsed_on", "lapsed_by",
            "revision_deadline", "scheduled_lapse_on", "scheduled_lapse_by"]


def _dated(events: pd.DataFrame) -> pd.DataFrame:
    """Numbered events with real dates (text dates from a plain CSV read are accepted)."""
    ev = events.loc[events["doc_number"].notna(), ["doc_number", "event", "date", "by_doc"]]
    ev = ev.assign(date=pd.to_datetime(ev["date"], errors="coerce"),
                   event=ev["event"].astype(str), doc_number=ev["doc_number"].astype(str))
    return ev[ev["date"].notna()].sort_values(["doc_number", "date"], kind="stable")


def _first(ev: pd.DataFrame, mask: pd.Series, last: bool = False) -> pd.DataFrame:
    """Per document, the earliest (or latest) event that ``mask`` selects: date, by_doc."""
    picked = ev[mask].groupby("doc_number", sort=False)
    rows = picked.tail(1) if last else picked.head(1)
    return rows.set_index("doc_number")[["date", "by_doc"]]


def _missed_deadlines(ev: pd.DataFrame) -> pd.DataFrame:
    """Per document with a revision deadline: the latest deadline, who set it, and the day
    after it when no amendment came between the latest mark for revision (on or before the
    deadline) and the deadline — the day it lapses (NaT when it was revised in time)."""
    deadlines = ev[ev["event"] == "revision_deadline"].groupby("doc_number", sort=False).tail(1)
    out = deadlines.set_index("doc_number")[["date", "by_doc"]].rename(
        columns={"date": "deadline"})
    if out.empty:
        return out.assign(lapses_on=pd.Series(dtype="datetime64[ns]"))
    frame = ev[ev["doc_number"].isin(out.index)].join(out["deadline"], on="doc_number")
    before = frame["date"] <= frame["deadline"]
    marks = frame[(frame["event"] == "marked_for_revision") & before] \
        .groupby("doc_number")["date"].max()
    frame = frame.join(marks.rename("mark"), on="doc_number")
    revised = frame[(frame["event"] == "amended") & before
                    & (frame["mark"].isna() | (frame["date"] >= frame["mark"]))]
    in_time = out.index.isin(revised["doc_number"].unique())
    out["lapses_on"] = (out["deadline"] + pd.Timedelta(days=1)).where(~in_time)
    return out


def _summary(events: pd.DataFrame, on: date) -> pd.DataFrame:
    """Every numbered document's status on ``on`` — the one implementation of the rules,
    vectorised so a registry of 100 000 documents takes a second, not minutes."""
    ev = _dated(events)
    day = pd.Timestamp(on)
    numbers = pd.Index(events.loc[events["doc_number"].notna(), "doc_number"].astype(str)
                       .unique(), name="doc_number").sort_values()
    out = pd.DataFrame(index=numbers)
    kind, past = ev["event"], ev["date"] <= day
    repeal, lapse = kind.isin(REPEALS), kind.isin(LAPSES)
    # an amendment that deletes the validity clause (expiry_removed, derived and flagged)
    # cancels every term that had not yet run out on the day it took effect
    removed = ev[kind == "expiry_removed"].groupby("doc_number")["date"].max()
    removed_on = ev[["doc_number"]].join(removed.rename("removed_on"), on="doc_number")[
        "removed_on"]
    term = (kind == "expires") & ~(removed_on.notna() & (ev["date"] >= removed_on))
    for column, mask, last in (
            ("issued_on", kind == "issued", False), ("effective_from", kind == "effective", False),
            ("expires_on", term, True),  # a later notice may extend the term
            ("last_amended_on", (kind == "amended") & past, True),
            ("marked_for_revision_on", (kind == "marked_for_revision") & past, True)):
        out[column] = _first(ev, mask, last)["date"]
    gone, ahead = _first(ev, repeal & past), _first(ev, repeal & ~past)
    out["repealed_on"], out["repealed_by"] = gone["date"], gone["by_doc"]
    out["scheduled_repeal_on"], out["scheduled_repeal_by"] = ahead["date"], ahead["by_doc"]
    missed = _missed_deadlines(ev)
    out["revision_deadline"] = missed["deadline"]
    lapses = pd.concat([ev.loc[lapse, ["doc_number", "date", "by_doc"]],
                        missed.loc[missed["lapses_on"].notna(), ["lapses_on", "by_doc"]]
                        .rename(columns={"lapses_on": "date"}).reset_index()])
    lapses = lapses.sort_values(["doc_number", "date"], kind="stable")
    lapsed, coming = _first(lapses, lapses["date"] <= day), _first(lapses, lapses["date"] > day)
    out["lapsed_on"], out["lapsed_by"] = lapsed["date"], lapsed["by_doc"]
    out["scheduled_lapse_on"], out["scheduled_lapse_by"] = coming["date"], coming["by_doc"]
    known = ev.groupby("doc_number", sort=False)["date"].min().reindex(numbers)
    end_of_term = out["expires_on"] + pd.Timedelta(days=1)
    ended = pd.concat([end_of_term, out["lapsed_on"]], axis=1).min(axis=1)  # NaT skipped
    mark = out["marked_for_revision_on"]
    rules = [  # in order: the first that holds decides
        ("not_yet_issued", out["issued_on"].notna() & (day < out["issued_on"])),
        ("unknown", out["issued_on"].isna() & (known.isna() | (day < known))),
        ("repealed", out["repealed_on"].notna()
         & (ended.isna() | (out["repealed_on"] <= ended))),
        ("expired", ended.notna() & (day >= ended)),
        ("not_yet_effective", out["effective_from"].notna() & (day < out["effective_from"])),
        ("in_force_marked_for_revision", mark.notna() & ~(out["last_amended_on"] >= mark)),
    ]
    out["status"] = np.select([cond.to_numpy(bool) for _, cond in rules],
                              [name for name, _ in rules], default="in_force")
    finished = out["status"].isin(["repealed", "expired"])
    out.loc[out["status"] != "repealed", ["repealed_on", "repealed_by"]] = None
    out.loc[out["status"] != "expired", ["lapsed_on", "lapsed_by"]] = None
    # expired at the end of its term, not by a lapse
    out.loc[(out["status"] == "expired") & (end_of_term <= ended), ["lapsed_on", "lapsed_by"]] \
        = None
    out.loc[finished, ["scheduled_repeal_on", "scheduled_repeal_by", "scheduled_lapse_on",
                       "scheduled_lapse_by"]] = None
    return out.reset_index()[_COLUMNS]


def _day(value: object) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def status_on(doc_number: str, on: date, events: pd.DataFrame) -> DocumentStatus:
    """The status of ``doc_number`` on ``on``, from the ``document_events`` rows."""
    number = normal_number(doc_number)
    rows = events[events["doc_number"] == number]
    if rows.empty:
        return DocumentStatus(number, on, "unknown", evidence=rows)
    row = _summary(rows, on).iloc[0]
    dated = _dated(rows)
    amended = dated[(dated["event"] == "amended") & (dated["date"] <= pd.Timestamp(on))]
    when = pd.to_datetime(rows["date"], errors="coerce")
    kind = rows["event"].astype(str)
    scheduled = pd.Timestamp(row["scheduled_repeal_on"]) if pd.notna(
        row["scheduled_repeal_on"]) else None
    lapse = pd.Timestamp(row["scheduled_lapse_on"]) if pd.notna(
        row["scheduled_lapse_on"]) else None
    shown = (when <= pd.Timestamp(on)) | \
        kind.isin(["issued", "effective", "expires", "expiry_removed", "revision_deadline"]) | \
        (kind.isin(REPEALS) & (when == scheduled)) | (kind.isin(LAPSES) & (when == lapse))
    status = str(row["status"])
    return DocumentStatus(
        number, on, status,
        issued_on=_day(row["issued_on"]), effective_from=_day(row["effective_from"]),
        amended_on=tuple(_day(d) for d in amended["date"]),
        amended_by=tuple("" if pd.isna(b) else str(b) for b in amended["by_doc"]),
        marked_for_revision_on=_day(row["marked_for_revision_on"]),
        repealed_on=_day(row["repealed_on"]),
        repealed_by=_text(row["repealed_by"]),
        expires_on=_day(row["expires_on"]),
        scheduled_repeal_on=_day(row["scheduled_repeal_on"]),
        scheduled_repeal_by=_text(row["scheduled_repeal_by"]),
        lapsed_on=_day(row["lapsed_on"]), lapsed_by=_text(row["lapsed_by"]),
        revision_deadline=_day(row["revision_deadline"]),
        scheduled_lapse_on=_day(row["scheduled_lapse_on"]),
        scheduled_lapse_by=_text(row["scheduled_lapse_by"]),
        evidence=rows[shown.to_numpy(bool)] if status != "unknown" else rows.iloc[0:0],
    )


def status_table(events: pd.DataFrame, on: date) -> pd.DataFrame:
    """Every numbered document's status on ``on``: one row per doc_number; dates are
    ``datetime.date``, and what is not known is None (never NaT, which is truthy)."""
    out = _summary(events, on)
    table = {}
    for column in _COLUMNS:
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            table[column] = np.where(values.isna(), None, values.dt.date)
        else:
            table[column] = np.where(values.isna(), None, values.astype(object))
    return pd.DataFrame(table, columns=_COLUMNS, dtype=object)
