"""Is this document in force on a given day, and why? Answered from document_events.

Pure pandas on the events table (published ``document_events``), no file reading, so the
dashboard and notebooks call it on the frame they already hold::

    status_on("连政规发〔2014〕7号", date(2022, 12, 31), events).status  # "in_force"

Rules, in order (each answer carries the event rows that justify it):

- no event names the document → ``unknown``;
- before its issue date → ``not_yet_issued`` (no issue date and before every known
  event → ``unknown``: the gazettes say nothing about that time);
- repealed (``repealed``, or ``listed_repealed`` by a cleanup) on or before the day →
  ``repealed``; past the last day of its term (``expires``) → ``expired`` — whichever
  came first;
- issued but its effective date still ahead → ``not_yet_effective``;
- otherwise ``in_force``, or ``in_force_marked_for_revision`` when a cleanup marked it
  修改 and no amendment has followed the mark yet.

Amendments up to the day, and a repeal or expiry still ahead, are reported beside the
status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from etl.normalize import parse_doc_number

STATUSES = ("in_force", "in_force_marked_for_revision", "not_yet_effective", "repealed",
            "expired", "not_yet_issued", "unknown")
REPEALS = ("repealed", "listed_repealed")

_LABELS = {
    "zh": {"in_force": "有效", "in_force_marked_for_revision": "有效（需修改）",
           "not_yet_effective": "已发布，尚未施行", "repealed": "已废止", "expired": "已失效",
           "not_yet_issued": "尚未发布", "unknown": "未知"},
    "en": {"in_force": "in force", "in_force_marked_for_revision":
           "in force, marked for revision", "not_yet_effective": "issued, not yet effective",
           "repealed": "repealed", "expired": "expired", "not_yet_issued": "not yet issued",
           "unknown": "unknown"},
}


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
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    @property
    def in_force(self) -> bool:
        return self.status in ("in_force", "in_force_marked_for_revision")

    def label(self, lang: str = "zh") -> str:
        return _LABELS[lang][self.status]


def normal_number(doc_number: str) -> str:
    """A number as typed (连政规发(2014)7号) → its normal form; other text is kept."""
    parsed = parse_doc_number(doc_number)
    return parsed.text if parsed else doc_number.strip()


_COLUMNS = ["doc_number", "status", "issued_on", "effective_from", "last_amended_on",
            "marked_for_revision_on", "repealed_on", "repealed_by", "expires_on",
            "scheduled_repeal_on", "scheduled_repeal_by"]


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


def _summary(events: pd.DataFrame, on: date) -> pd.DataFrame:
    """Every numbered document's status on ``on`` — the one implementation of the rules,
    vectorised so a registry of 100 000 documents takes a second, not minutes."""
    ev = _dated(events)
    day = pd.Timestamp(on)
    numbers = pd.Index(events.loc[events["doc_number"].notna(), "doc_number"].astype(str)
                       .unique(), name="doc_number").sort_values()
    out = pd.DataFrame(index=numbers)
    kind, past = ev["event"], ev["date"] <= day
    repeal = kind.isin(REPEALS)
    for column, mask, last in (
            ("issued_on", kind == "issued", False), ("effective_from", kind == "effective", False),
            ("expires_on", kind == "expires", False),
            ("last_amended_on", (kind == "amended") & past, True),
            ("marked_for_revision_on", (kind == "marked_for_revision") & past, False)):
        out[column] = _first(ev, mask, last)["date"]
    gone, ahead = _first(ev, repeal & past), _first(ev, repeal & ~past)
    out["repealed_on"], out["repealed_by"] = gone["date"], gone["by_doc"]
    out["scheduled_repeal_on"], out["scheduled_repeal_by"] = ahead["date"], ahead["by_doc"]
    known = ev.groupby("doc_number", sort=False)["date"].min().reindex(numbers)
    end_of_term = out["expires_on"] + pd.Timedelta(days=1)
    mark = out["marked_for_revision_on"]
    rules = [  # in order: the first that holds decides
        ("not_yet_issued", out["issued_on"].notna() & (day < out["issued_on"])),
        ("unknown", out["issued_on"].isna() & (known.isna() | (day < known))),
        ("repealed", out["repealed_on"].notna()
         & (end_of_term.isna() | (out["repealed_on"] <= end_of_term))),
        ("expired", end_of_term.notna() & (day >= end_of_term)),
        ("not_yet_effective", out["effective_from"].notna() & (day < out["effective_from"])),
        ("in_force_marked_for_revision", mark.notna() & ~(out["last_amended_on"] >= mark)),
    ]
    out["status"] = np.select([cond.to_numpy(bool) for _, cond in rules],
                              [name for name, _ in rules], default="in_force")
    ended = out["status"].isin(["repealed", "expired"])
    out.loc[out["status"] != "repealed", ["repealed_on", "repealed_by"]] = None
    out.loc[ended, ["scheduled_repeal_on", "scheduled_repeal_by"]] = None
    return out.reset_index()[_COLUMNS]


def _day(value: object) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


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
    shown = (when <= pd.Timestamp(on)) | kind.isin(["issued", "effective", "expires"]) | \
        (kind.isin(REPEALS) & (when == scheduled))
    status = str(row["status"])
    return DocumentStatus(
        number, on, status,
        issued_on=_day(row["issued_on"]), effective_from=_day(row["effective_from"]),
        amended_on=tuple(_day(d) for d in amended["date"]),
        amended_by=tuple("" if pd.isna(b) else str(b) for b in amended["by_doc"]),
        marked_for_revision_on=_day(row["marked_for_revision_on"]),
        repealed_on=_day(row["repealed_on"]),
        repealed_by=None if pd.isna(row["repealed_by"]) else str(row["repealed_by"]),
        expires_on=_day(row["expires_on"]),
        scheduled_repeal_on=_day(row["scheduled_repeal_on"]),
        scheduled_repeal_by=None if pd.isna(row["scheduled_repeal_by"])
        else str(row["scheduled_repeal_by"]),
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
