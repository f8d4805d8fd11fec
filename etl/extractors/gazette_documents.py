"""Every document an issue publishes → gazette_documents, checked against the 目录.

The numbered documents and orders come from the reader; the statistics (统计公报) and the
chronicle (大事记) from their headings. Each is matched to its table-of-contents entry
(section, page); a mismatch is flagged, never smoothed over. Adoption (…常务会议审议通过),
effective and expiry dates are read from the text: ``自2023年1月1日起施行``, ``有效期至…``;
``自发布之日起施行`` gives the signing date, flagged as inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from difflib import SequenceMatcher
from functools import cache

from etl.dictionary import dataset
from etl.extractors import Context, Extraction
from etl.normalize import (
    DATE_TEXT,
    clean_text,
    cn_numeral,
    find_cn_dates,
    parse_cn_date,
    to_halfwidth,
    to_simplified,
)
from etl.read import Document, Issue, TocEntry, strip_markup

DATASETS = ("gazette_documents",)

# the 目录 sections, as declared in etl/dictionary/_values.yaml (list ``section``)
SECTIONS = dataset("gazette_documents").column("section").enum or ()

_DATE = DATE_TEXT  # 2023年1月1日, 二〇二三年一月一日
_EFFECTIVE = re.compile(
    rf"自\s*(?:(?P<date>{_DATE})|(?P<publication>发布|印发|公布))\s*(?:之日)?\s*起\s*"
    r"(?:(?P<days>[一二三四五六七八九十百\d]{1,4})\s*日\s*(?:以)?后\s*)?"  # 自公布之日起30日后施行
    r"(?:施行|实施|执行|生效)")
_EXPIRES_ON = re.compile(
    rf"有效期\s*限?\s*(?:为)?\s*(?:(?:自|从)\s*(?P<start>{_DATE})\s*(?:起)?\s*)?(?:至|到)\s*"
    rf"(?P<date>{_DATE})|"  # 有效期至… / 有效期自2022年5月1日起至2025年4月30日止
    # …起施行，至2025年4月30日止
    rf"起\s*(?:施行|实施|执行|试行)\s*[，,]\s*(?:至|到)\s*(?P<until>{_DATE})\s*止")
_EXPIRES_YEARS = re.compile(
    r"(?:有效期\s*限?|试行期)\s*(?:为)?\s*(?P<years>[一二三四五六七八九十两\d]{1,3})\s*年")
# any government's executive meeting: 市十五届政府第14次常务会议, 省人民政府第143次常务会议,
# 县政府第5次常务会议, 国务院第100次常务会议
_MEETING = re.compile(
    r"(?:[市省县区州]\s*(?:[一二三四五六七八九十\d]{1,3}\s*届\s*)?(?:[市省县区州]\s*)?"
    r"(?:人民)?政府|国务院)\s*第\s*[一二三四五六七八九十百\d]{1,4}\s*次\s*常务会议")
_STATS = re.compile(r"^\d{4}年.{0,16}主要经济指标$")
# any government's chronicle: 连云港市人民政府大事记（…）, 市政府大事记, 灌云县人民政府大事记
_CHRONICLE = re.compile(
    r"^[\u3400-\u4dbf\u4e00-\u9fff]{0,16}?(?:人民)?政府大事记(?:[(（].{0,30}[)）])?$")
_SECTION_WORDS = re.compile(r"主\s*要\s*[经經]\s*[济濟]\s*指\s*[标標]|大\s*事\s*[记記]")
_PERIOD_LINE = re.compile(r"^[(（].{0,30}\d{4}年.{0,30}[)）]$")
_SENTENCE_END = re.compile(r"[。；;]")
# an amending text quotes the text it changes: its dates are not this document's
_QUOTES_OTHER_TEXT = re.compile(r"修改为|表述为|删除|替换为")
_VALIDITY_WORDS = ("起施行", "起实施", "起执行", "起生效", "后施行", "后实施", "后执行", "后生效",
                   "有效期", "试行期")


@dataclass
class Validity:
    """When a document takes effect and until when, as its text says."""

    effective_from: date | None = None
    effective_line: int | None = None
    expires_on: date | None = None
    expires_line: int | None = None
    clause: str | None = None
    flags: list[str] = field(default_factory=list)


@cache
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern:
    """Any of ``keywords``, also with a line-break space inside (施 行)."""
    return re.compile("|".join(r"\s*".join(map(re.escape, k)) for k in keywords))


def sentences(issue: Issue, doc: Document,
              keywords: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """(line, sentence) over the document's prose; table rows are skipped. With
    ``keywords``, only lines holding one of them (spaces ignored) are read — cleaning every
    line of a long document is what costs time."""
    wanted = _keyword_pattern(keywords) if keywords else None
    out = []
    for n in range(doc.start_line, doc.end_line + 1):
        line = issue.lines[n - 1]
        if "\t" in line or (wanted.search(line) is None if wanted else not line.strip()):
            continue
        text = clean_text(strip_markup(line)).replace("*", "")  # inner markdown bold
        out.extend((n, part) for part in _SENTENCE_END.split(text) if part.strip())
    return out


def _subject(sentence: str, start: int) -> str:
    """What takes effect: the words before ``自…起施行`` since the last comma."""
    before = sentence[:start]
    return re.split(r"[，,:：]", before)[-1].strip()


def _about_this_document(subject: str) -> bool | None:
    """True for 本办法/本决定…/nothing; False when it names another document (《…》);
    None when it names a place (市区自…起施行): effective only there."""
    if "《" in subject or "》" in subject:
        return False
    if not subject or "本" in subject or subject.startswith("第"):
        return True
    return None


def validity(issue: Issue, doc: Document) -> Validity:
    """Effective and expiry dates from the document's own text."""
    out = Validity()
    # (limited to a place, line, date, inferred, sentence)
    statements: list[tuple[bool, int, date | None, bool, str]] = []
    years: int | None = None  # 有效期N年: counted from the effective date
    clauses: list[str] = []
    for n, sentence in sentences(issue, doc, _VALIDITY_WORDS):
        if _QUOTES_OTHER_TEXT.search(sentence):
            continue
        for match in _EFFECTIVE.finditer(sentence):
            about = _about_this_document(_subject(sentence, match.start()))
            if about is False:
                continue
            when = parse_cn_date(match.group("date")) if match.group("date") else doc.signed_on
            days = cn_numeral(match.group("days")) if match.group("days") else None
            if when is not None and days:  # 自公布之日起30日后施行: that many days after
                when += timedelta(days=days)
            statements.append((about is None, n, when, match.group("date") is None, sentence))
        if out.expires_line is not None:
            continue
        expiry = _EXPIRES_ON.search(sentence)
        if expiry and _about_this_document(_subject(sentence, expiry.start())) is False:
            expiry = None  # 《A》（No）有效期至…: another document's term (document_events)
        if expiry:
            out.expires_on = parse_cn_date(expiry.group("date") or expiry.group("until"))
            out.expires_line = n
            clauses.append(sentence)
            if expiry.group("start"):  # 有效期自…起至…止: the term's first day is its start
                statements.append((False, n, parse_cn_date(expiry.group("start")), False,
                                   sentence))
        elif span := _EXPIRES_YEARS.search(sentence):
            years, out.expires_line = cn_numeral(span.group("years")), n
            clauses.append(sentence)
            out.flags.append("expires_on_derived")
    if statements:
        limited, n, when, inferred, sentence = min(statements, key=lambda s: (s[0], s[1]))
        out.effective_from, out.effective_line = when, n
        clauses.insert(0, sentence)
        if limited:
            out.flags.append("effective_date_scope_limited")
        if inferred:
            out.flags.append("effective_date_inferred")
        if len({s[2] for s in statements}) > 1:
            out.flags.append("effective_date_conflict")
    if years:
        out.expires_on = last_day_after_years(out.effective_from or doc.signed_on, years)
    out.clause = "；".join(dict.fromkeys(clauses)) or None
    out.flags = list(dict.fromkeys(out.flags))
    return out


def last_day_after_years(start: date | None, years: int) -> date | None:
    """The last day of a validity of ``years`` years counted from ``start``."""
    if start is None:
        return None
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # from 29 February into a common year: the term ends on 28 February
        anniversary = date(start.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def adoption(issue: Issue, doc: Document) -> tuple[str | None, date | None, int | None]:
    """(meeting, date, line) of ``已于…经市十五届政府第14次常务会议审议通过`` in the
    document's opening (the cover notice or decree, before its signature)."""
    last = doc.signed_line or min(doc.end_line, doc.number_line + 12)
    for n in range(doc.number_line, min(last, doc.end_line) + 1):
        text = clean_text(issue.line(n))
        match = _MEETING.search(text)
        if match:
            sentence_start = max(text.rfind("。", 0, match.start()), 0)
            dates = [d for _, d, _ in find_cn_dates(text[sentence_start:match.start()]) if d]
            meeting = re.sub(r"\s+", "", match.group(0))
            return meeting, (dates[-1] if dates else None), n
    return None, None, None


def _key(title: str) -> str:
    text = to_halfwidth(title)
    return re.sub(r"[\s“”\"'‘’《》]", "", text)


def expected_section(doc: Document) -> str | None:
    if doc.doc_number and doc.doc_number.doc_type == "政府令":
        return "市政府令"
    return {"市政府": "市政府文件", "市政府办公室": "市政府办公室文件"}.get(doc.issuer or "")


def _match_toc(title: str, section: str | None, toc: list[TocEntry],
               used: set[int]) -> tuple[TocEntry | None, bool]:
    """The 目录 entry for a title: (entry, exact). Exact titles first, then the most
    similar title in the same section (similarity ≥ 0.8)."""
    key = _key(title)
    for k, entry in enumerate(toc):
        if k not in used and _key(entry.title) == key:
            used.add(k)
            return entry, True
    best, best_ratio = None, 0.8
    for k, entry in enumerate(toc):
        if k in used or (section and entry.section and clean_text(entry.section) != section):
            continue
        ratio = SequenceMatcher(None, _key(entry.title), key).ratio()
        if ratio >= best_ratio:
            best, best_ratio = k, ratio
    if best is None:
        return None, False
    used.add(best)
    return toc[best], False


def non_document_sections(issue: Issue) -> list[tuple[str, str, str, int]]:
    """(section, title, title as printed, line) of the statistics and the chronicle."""
    start = issue.documents[0].start_line if issue.documents else \
        (max(e.line for e in issue.toc) + 3 if issue.toc else 1)
    found = []
    for n in range(start, len(issue.lines) + 1):
        line = issue.line(n)
        if len(line) > 80 or "\t" in line or not _SECTION_WORDS.search(line):
            continue
        compact = to_simplified(re.sub(r"\s+", "", strip_markup(line)))
        kind = "统计公报" if _STATS.match(compact) else \
            "大事记" if _CHRONICLE.match(compact) else None
        if kind is None or issue.document_at(n) is not None:
            continue
        raw = strip_markup(line)
        nxt = next((m for m in range(n + 1, min(n + 4, len(issue.lines) + 1))
                    if issue.line(m).strip()), None)
        if kind == "大事记" and nxt and _PERIOD_LINE.match(clean_text(strip_markup(
                issue.line(nxt)))):
            raw = f"{raw}{strip_markup(issue.line(nxt))}"
        found.append((kind, clean_text(raw), raw, n))
    return found


def _section_flags(toc_section: str | None, expected: str | None) -> tuple[str | None, list]:
    if toc_section is None:
        return expected, ["not_in_toc"]
    section = clean_text(toc_section).replace(" ", "")
    if section not in SECTIONS:
        return None, ["section_unrecognised"]
    if expected and section != expected:
        return section, ["toc_section_differs"]
    return section, []


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    used: set[int] = set()
    rows = []
    for doc in issue.documents:
        entry, exact = _match_toc(doc.title, expected_section(doc), issue.toc, used)
        section, flags = _section_flags(entry.section if entry else None,
                                        expected_section(doc))
        if entry and not exact:
            flags.append("toc_title_differs")
        number = doc.doc_number
        flags += list(number.flags) if number else []
        if doc.signed_on is None:
            flags.append("signed_on_missing")
        if not doc.title:
            flags.append("title_missing")
        valid = validity(issue, doc)
        meeting, adopted_on, _ = adoption(issue, doc)
        rows.append({
            "section": section, "title": doc.title or None, "title_raw": doc.title_raw or None,
            "doc_number": number.text if number else None,
            "doc_type": number.doc_type if number else None, "issuer": doc.issuer,
            "signed_on": doc.signed_on, "adopted_at": meeting, "adopted_on": adopted_on,
            "effective_from": valid.effective_from, "expires_on": valid.expires_on,
            "validity_clause": valid.clause,
            "toc_title": entry.title if entry else None, "toc_page": entry.page if entry else None,
            "source_line": doc.start_line, "quality_flags": flags + valid.flags,
        })
    for kind, title, raw, line in non_document_sections(issue):
        entry, exact = _match_toc(title, kind, issue.toc, used)
        section, flags = _section_flags(entry.section if entry else None, kind)
        if entry and not exact:
            flags.append("toc_title_differs")
        rows.append({"section": section, "title": title, "title_raw": raw,
                     "toc_title": entry.title if entry else None,
                     "toc_page": entry.page if entry else None,
                     "source_line": line, "quality_flags": flags})
    rows.sort(key=lambda r: r["source_line"])
    for k, entry in enumerate(issue.toc):
        if k in used:
            continue
        section, _ = _section_flags(entry.section, None)
        out.notes.append(f"line {entry.line}: 目录 entry {entry.title!r} (page {entry.page}) "
                         "has no document in the body")
        rows.append({"section": section, "title": entry.title, "title_raw": entry.title,
                     "toc_title": entry.title, "toc_page": entry.page,
                     "source_line": entry.line, "quality_flags": ["toc_entry_without_body"]})
    for order, row in enumerate(rows, start=1):
        row.update({"source_issue": issue.issue_id, "order": order,
                    "published_on": issue.published_on})
        out.add("gazette_documents", row)
    return out
