"""The lifecycle of documents → document_events: one row per thing that happened to one.

Per issue, from the text: a published document is issued (signed), published, takes effect
and expires; an amending decision (决定对《…》（连政规发〔2014〕7号）…作出如下修改) amends
the documents it names; a repeal clause (…（连政规发〔2014〕7号）同时废止) repeals them.
Across issues (``combine``), the cleanup lists add listed_retained / listed_repealed /
marked_for_revision and the issue dates they print; every number is then resolved against
normative_documents and gazette_documents, and what does not resolve is flagged.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from etl.dictionary import dataset
from etl.extractors import Context, Extraction, flags_text
from etl.extractors.gazette_documents import Validity, sentences, validity
from etl.normalize import cn_numeral, find_doc_numbers, parse_cn_date
from etl.read import Document, Issue

DATASETS = ("document_events",)

EVENTS = ("issued", "published", "effective", "expires", "amended", "repealed",
          "listed_retained", "listed_repealed", "marked_for_revision")

_AMENDS = re.compile(r"作出如下修改|作如下修改|予以修改|修改如下|进行修改|作出修改")
_REPEALS = re.compile(r"废止")
_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
_REPEAL_ON = re.compile(rf"自\s*(?P<date>{_DATE})\s*起\s*(?:予以)?废止")
_TITLE_BEFORE = re.compile(r"《(?P<title>[^《》]{1,120})》\s*[（(]?\s*$")
_ISSUED_BEFORE = re.compile(rf"于\s*(?P<date>{_DATE})\s*(?:发布|印发|公布)的\s*《[^《》]{{1,120}}》"
                            r"\s*[（(]?\s*$")
_COUNT_IN_TITLE = re.compile(r"等\s*(?P<n>[\d一二三四五六七八九十两]{1,3})\s*件")


def _event(doc_number: str | None, event: str, when: date | None, issue: Issue, line: int,
           *, title: str | None = None, by_doc: str | None = None,
           evidence: str | None = None, flags: list[str] | None = None) -> dict:
    return {"doc_number": doc_number, "title": title, "event": event, "date": when,
            "by_doc": by_doc, "evidence": evidence, "source_issue": issue.issue_id,
            "source_line": line, "quality_flags": list(flags or [])}


def _printed(issue: Issue, line: int | None) -> str | None:
    return issue.line(line).strip().strip("#* ") if line else None


def own_events(issue: Issue, doc: Document, valid: Validity) -> list[dict]:
    """issued, published, effective and expires for a document the issue publishes."""
    number, title = doc.doc_number.text, doc.title or None  # type: ignore[union-attr]
    out = []
    if doc.signed_on and doc.signed_line:
        out.append(_event(number, "issued", doc.signed_on, issue, doc.signed_line, title=title,
                          evidence=_printed(issue, doc.signed_line)))
    if issue.published_on:
        out.append(_event(number, "published", issue.published_on, issue, doc.start_line,
                          title=title, evidence=f"连云港市人民政府公报 {issue.issue_id} "
                                                f"（{issue.published_on.isoformat()}）"))
    if valid.effective_line:
        kept = [f for f in valid.flags if f.startswith("effective_")]
        out.append(_event(number, "effective", valid.effective_from, issue,
                          valid.effective_line, title=title, evidence=valid.clause,
                          flags=kept + ([] if valid.effective_from else ["event_date_missing"])))
    if valid.expires_line:
        kept = [f for f in valid.flags if f.startswith("expires_")]
        out.append(_event(number, "expires", valid.expires_on, issue, valid.expires_line,
                          title=title, evidence=valid.clause,
                          flags=kept + ([] if valid.expires_on else ["event_date_missing"])))
    return out


def _when(doc: Document, valid: Validity) -> tuple[date | None, list[str]]:
    """When an amendment or repeal by ``doc`` takes effect: with ``doc`` itself."""
    if valid.effective_from and "effective_date_inferred" not in valid.flags:
        return valid.effective_from, []
    if valid.effective_from or doc.signed_on:
        return valid.effective_from or doc.signed_on, ["event_date_inferred"]
    return None, ["event_date_missing"]


def _targets(issue: Issue, text: str, evidence: str, event: str, line: int, by: str,
             when: date | None, flags: list[str]) -> list[dict]:
    """One event per document number in ``text`` (its 《title》 and stated issue date too),
    ``evidence`` being the sentence it stands in."""
    out = []
    for start, _, number in find_doc_numbers(text):
        if number.text == by:
            continue
        before = text[:start]
        title = m.group("title") if (m := _TITLE_BEFORE.search(before)) else None
        out.append(_event(number.text, event, when, issue, line, title=title, by_doc=by,
                          evidence=evidence, flags=flags))
        if stated := _ISSUED_BEFORE.search(before):
            out.append(_event(number.text, "issued", parse_cn_date(stated.group("date")), issue,
                              line, title=title, evidence=evidence))
    return out


def amendments(issue: Issue, doc: Document, valid: Validity) -> list[dict]:
    """``决定对《A》（No）、《B》（No）…作出如下修改`` → one amended event per number."""
    by = doc.doc_number.text  # type: ignore[union-attr]
    when, flags = _when(doc, valid)
    out = []
    for line, sentence in sentences(issue, doc, ("修改",)):
        match = _AMENDS.search(sentence)
        if not match:
            continue
        start = sentence.find("决定对")
        start = sentence.find("对") if start < 0 else start
        out += _targets(issue, sentence[max(start, 0):match.start()], sentence, "amended",
                        line, by, when, flags)
    counted = _COUNT_IN_TITLE.search(doc.title)
    expected = cn_numeral(counted.group("n")) if counted and "修改" in doc.title else None
    found = sum(1 for e in out if e["event"] == "amended")
    if expected is not None and expected != found:
        for e in out:
            e["quality_flags"].append("amendment_count_differs")
    return out


def repeals(issue: Issue, doc: Document, valid: Validity) -> list[dict]:
    """``《A》（No）同时废止`` / ``…自2023年1月1日起废止`` → one repealed event per number."""
    by = doc.doc_number.text  # type: ignore[union-attr]
    out = []
    for line, sentence in sentences(issue, doc, ("废止",)):
        for clause in re.split(r"[，,]", sentence):
            match = _REPEALS.search(clause)
            if not match:
                continue
            explicit = _REPEAL_ON.search(clause)
            when, flags = (parse_cn_date(explicit.group("date")), []) if explicit else \
                _when(doc, valid)
            out += _targets(issue, clause[:match.start()], clause, "repealed", line, by, when,
                            flags)
    return out


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    for doc in issue.documents:
        if doc.doc_number is None:
            continue
        valid = validity(issue, doc)
        for row in own_events(issue, doc, valid) + amendments(issue, doc, valid) + \
                repeals(issue, doc, valid):
            out.add("document_events", row)
    return out


# --- across issues -----------------------------------------------------------------------


def _value(value: object) -> object:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def registry_events(registry: pd.DataFrame) -> list[dict]:
    """issued / listed_* / marked_for_revision from the cleanup lists' rows."""
    out = []
    for row in registry.to_dict("records"):
        row = {k: _value(v) for k, v in row.items()}
        base = {"doc_number": row["doc_number"], "title": row["title"],
                "source_issue": row["source_issue"], "source_line": int(row["source_line"])}
        missing = [] if row["doc_number"] else ["doc_number_missing"]
        kind = "废止" if row["list_status"] == "repealed" else "保留"
        seq = int(row["seq"]) if row["seq"] is not None else "?"
        listed = f"{row['cleanup_doc'] or ''}{kind}的规范性文件目录 序号{seq}"
        if row["issued_on"]:
            # a number whose year contradicts the date makes the date itself doubtful
            doubt = [f for f in (row["quality_flags"] or "").split(";")
                     if f == "doc_year_differs_from_date"]
            out.append({**base, "event": "issued", "date": row["issued_on"], "by_doc": None,
                        "evidence": row["issued_on_raw"], "quality_flags": missing + doubt})
        cleanup_date = [] if row["cleanup_on"] else ["event_date_missing"]
        out.append({**base, "event": f"listed_{row['list_status']}", "date": row["cleanup_on"],
                    "by_doc": row["cleanup_doc"], "evidence": listed,
                    "quality_flags": missing + cleanup_date})
        if row["needs_revision"] is not None and bool(row["needs_revision"]):
            out.append({**base, "event": "marked_for_revision", "date": row["cleanup_on"],
                        "by_doc": row["cleanup_doc"], "evidence": f"{listed} 备注：{row['remark']}",
                        "quality_flags": missing + cleanup_date})
    return out


def _key(title: str) -> str:
    return re.sub(r"[\s《》“”\"]", "", title)


def _resolve(rows: list[dict], registry: pd.DataFrame, gazette: pd.DataFrame) -> None:
    titles: dict[str, str] = {}
    for frame in (registry, gazette):  # gazette titles win: they are the documents themselves
        for number, title in zip(frame["doc_number"], frame["title"], strict=True):
            if _value(number) and _value(title):
                titles[number] = title
    issued: dict[str, set] = {}
    for row in rows:
        if row["event"] == "issued" and row["doc_number"] and row["date"]:
            issued.setdefault(row["doc_number"], set()).add(row["date"])
    for row in rows:
        number, flags = row["doc_number"], row["quality_flags"]
        if number and number not in titles:
            flags.append("doc_not_in_registry")
        elif number:
            if row["title"] and _key(row["title"]) != _key(titles[number]):
                flags.append("title_differs_from_registry")
            row["title"] = row["title"] or titles[number]
        if number and row["event"] == "issued" and len(issued.get(number, ())) > 1:
            flags.append("issued_date_conflict")


def combine(frames: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    spec = dataset("document_events")
    registry = frames.get("normative_documents", pd.DataFrame(columns=["doc_number", "title"]))
    gazette = frames.get("gazette_documents", pd.DataFrame(columns=["doc_number", "title"]))
    rows = [{k: _value(v) for k, v in row.items()}
            for row in frames["document_events"].to_dict("records")]
    for row in rows:
        row["quality_flags"] = [f for f in (row["quality_flags"] or "").split(";") if f]
    if not registry.empty:
        rows += registry_events(registry)
    _resolve(rows, registry, gazette)
    rank = {name: k for k, name in enumerate(EVENTS)}
    unique: dict[tuple, dict] = {}
    for row in rows:
        row["quality_flags"] = flags_text(row["quality_flags"]) or None
        unique.setdefault((row["source_issue"], row["source_line"], row["event"],
                           row["doc_number"]), row)
    ordered = sorted(unique.values(), key=lambda r: (
        r["doc_number"] is None, r["doc_number"] or r["title"] or "",
        r["date"] is None, pd.Timestamp(r["date"]) if r["date"] else pd.Timestamp(0),
        rank[r["event"]], r["source_issue"], r["source_line"]))
    frame = pd.DataFrame(ordered, columns=spec.column_names) if ordered else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in spec.column_names})
    return {"document_events": frame}
