"""The documents registry as the /documents page queries it, fast at 100 000 rows.

What does not depend on a query is computed once: the registry in display order, a
case-folded search text and a key per row (per process), the status code and the status
text of every row (per status date, and language). A query is then a boolean mask, the
counts are ``np.bincount`` over category codes, and only the page of rows on screen is
turned into table records (the table pages and sorts on the server: a browser is never sent
the whole registry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from dashboard import data, docstatus
from dashboard.i18n import value_label
from etl.status import STATUSES

# the order of statuses in counts and charts: in force first, then why a document is not
NO_NUMBER = "no_number"
STATUS_ORDER = (*STATUSES, NO_NUMBER)  # STATUSES: declared in etl/dictionary/_values.yaml
SORTABLE = ("title", "doc_number", "implementing_agency", "list_status", "status")


@dataclass(frozen=True)
class Registry:
    docs: pd.DataFrame  # display order: the retained list first, each in printed order
    text: tuple[str, ...]  # title + number as printed and normalised, case-folded
    keys: np.ndarray  # docstatus.keys per row (object)
    # the charts' groups as integer codes (-1: none), so a count is one np.bincount
    agency_codes: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    agencies: tuple[str, ...] = ()
    year_codes: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    years: tuple[int, ...] = ()
    lists: tuple[str, ...] = ()  # the list_status values present
    columns: dict[str, np.ndarray] = field(default_factory=dict)  # table columns, None for NA


def _codes(values: pd.Series) -> tuple[np.ndarray, tuple]:
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), tuple(uniques.tolist())


@lru_cache(maxsize=1)
def registry() -> Registry | None:
    docs = data.load(docstatus.REGISTRY)
    if docs is None or docs.empty:
        return None
    order = (docs["list_status"] != "retained").astype(int)
    docs = (docs.assign(_order=order)
            .sort_values(["_order", "source_issue", "source_line"], kind="stable")
            .drop(columns="_order").reset_index(drop=True))
    text = tuple(f"{t} {n} {r}".casefold() for t, n, r in zip(
        docs["title"].fillna(""), docs["doc_number"].fillna(""),
        docs["doc_number_raw"].fillna(""), strict=True))
    agency_codes, agencies = _codes(docs["implementing_agency"].astype(object))
    year_codes, years = _codes(docs["issued_on"].dt.year.astype("Int64"))
    columns = {c: np.array([v if isinstance(v, str) else None for v in docs[c]], dtype=object)
               for c in ("title", "doc_number", "implementing_agency")}
    return Registry(docs, text, np.array(docstatus.keys(docs), dtype=object),
                    agency_codes, agencies, year_codes, tuple(int(y) for y in years),
                    tuple(docs["list_status"].dropna().unique().tolist()), columns)


def mask(reg: Registry, lists: tuple[str, ...], agencies: tuple[str, ...],
         query: str) -> np.ndarray:
    """The rows a filter keeps, as a boolean array over ``reg.docs``."""
    docs = reg.docs
    keep = np.ones(len(docs), dtype=bool)
    if lists:
        keep &= docs["list_status"].isin(lists).to_numpy(bool)
    if agencies:
        keep &= docs["implementing_agency"].isin(agencies).to_numpy(bool)
    if query:  # the substring test last, and only on the rows the filters kept
        needle, text = query.casefold(), reg.text
        rows = np.flatnonzero(keep) if (lists or agencies) else range(len(docs))
        found = np.fromiter((needle in text[i] for i in rows), dtype=bool, count=len(rows))
        if lists or agencies:
            keep[rows] = found
        else:
            keep = found
    return keep


@lru_cache(maxsize=32)
def status_codes(on: date) -> pd.Categorical:
    """The status of every registry row on ``on`` (``no_number`` for a numberless row)."""
    reg = registry()
    if reg is None:
        return pd.Categorical([], categories=STATUS_ORDER)
    codes = docstatus.status_codes(reg.docs["doc_number"], on)
    return pd.Categorical([c or NO_NUMBER for c in codes], categories=STATUS_ORDER)


@lru_cache(maxsize=32)
def status_texts(on: date, lang: str) -> np.ndarray:
    reg = registry()
    if reg is None:
        return np.array([], dtype=object)
    return np.array(docstatus.short_texts(reg.docs["doc_number"], on, lang), dtype=object)


@lru_cache(maxsize=8)
def list_labels(lang: str) -> np.ndarray:
    reg = registry()
    if reg is None:
        return np.array([], dtype=object)
    labels = {s: value_label("list_status", s, lang)
              for s in reg.docs["list_status"].dropna().unique()}
    return reg.docs["list_status"].astype(object).map(labels).to_numpy(object)


def counts(keep: np.ndarray, on: date) -> dict[str, int]:
    """Rows kept per status on ``on``, in STATUS_ORDER, zeros left out."""
    found = np.bincount(status_codes(on).codes[keep], minlength=len(STATUS_ORDER))
    return {s: int(n) for s, n in zip(STATUS_ORDER, found, strict=True) if n}


def crosstab(groups: np.ndarray, n_groups: int, keep: np.ndarray,
             on: date) -> np.ndarray:
    """Kept rows per (group, status on ``on``): shape (n_groups, len(STATUS_ORDER))."""
    width = len(STATUS_ORDER)
    found, status = groups[keep], status_codes(on).codes[keep]
    has = found >= 0
    flat = np.bincount(found[has] * width + status[has], minlength=n_groups * width)
    return flat.reshape(n_groups, width)


@lru_cache(maxsize=32)
def _rank(column: str, on: date, lang: str) -> np.ndarray:
    """The position of every row when the whole registry is sorted by ``column``."""
    reg = registry()
    if reg is None:
        return np.array([], dtype=np.int64)
    if column == "status":
        values = pd.Series(status_texts(on, lang))
    elif column == "list_status":
        values = pd.Series(list_labels(lang))
    else:
        values = reg.docs[column].astype(object)
    order = np.argsort(values.fillna("").astype(str).to_numpy(), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def positions(keep: np.ndarray, sort_by: object, on: date, lang: str) -> np.ndarray:
    """The kept rows' positions, in display order or in the order the table asks for."""
    pos = np.flatnonzero(keep)
    spec = sort_by[0] if isinstance(sort_by, list) and sort_by else None
    if isinstance(spec, dict) and spec.get("column_id") in SORTABLE:
        rank = _rank(spec["column_id"], on, lang)[pos]
        if spec.get("direction") == "desc":
            rank = -rank
        pos = pos[np.argsort(rank, kind="stable")]
    return pos


def page_rows(pos: np.ndarray, page: int, size: int, on: date, lang: str) -> list[dict]:
    """The table records of one page: the table's columns, ``status`` on ``on`` and ``id``
    (built from arrays prepared once: a page costs microseconds, not a frame copy)."""
    reg = registry()
    assert reg is not None
    part = pos[page * size:(page + 1) * size]
    names = ("title", "doc_number", "implementing_agency")
    values = [reg.columns[c][part] for c in names]
    lists, status, keys = list_labels(lang)[part], status_texts(on, lang)[part], reg.keys[part]
    return [{"title": a, "doc_number": b, "implementing_agency": c, "list_status": d,
             "status": e, "id": f} for a, b, c, d, e, f in zip(
                 *values, lists, status, keys, strict=True)]


def clear() -> None:
    for cached in (registry, status_codes, status_texts, list_labels, _rank):
        cached.cache_clear()


data.on_reset(clear)
