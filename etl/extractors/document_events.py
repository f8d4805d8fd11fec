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
from collections import Counter
from dataclasses import replace
from datetime import date

import pandas as pd

from etl.dictionary import dataset
from etl.extractors import Context, Extraction, flags_text
from etl.extractors.gazette_documents import Validity, sentences, validity
from etl.normalize import cn_numeral, find_doc_numbers, parse_cn_date, to_simplified
from etl.read import Document, Issue, strip_markup

DATASETS = ("document_events",)

# the event codes in their declared order (etl/dictionary/_values.yaml, list ``event``)
EVENTS = dataset("document_events").column("event").enum or ()

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


# --- decisions written as lists, and notices about other documents ------------------------
#
# 市政府决定：一、对下列3件规章予以废止：1.《…办法》（2004年5月12日市政府令第21号公布）；
# 2.… 二、对下列规章予以修改：（一）《…》（…）1.将第三条修改为…
# A header (予以废止 / 宣布失效 / 停止执行 / 不再执行 / 予以修改 / 有效期延长至… / 限期修订，
# 逾期失效) applies to every item listed under it until the next header, or the next point
# at the header's own level (二、 after 一、). An item is a citation and little else: an
# ordinal, a title (《…》, or a bare title before its number's parentheses), the number in
# the parentheses that follow the title (also 2016年12月1日市政府令第2号发布).

_ORDINAL = re.compile(
    r"^\s*(?:(?P<cn>[一二三四五六七八九十百]{1,4}\s*[、.．])|(?P<num>\d{1,3}\s*[、.．](?!\d))"
    r"|(?P<pcn>[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*[、.．]?)"
    r"|(?P<pnum>[（(]\s*\d{1,3}\s*[)）]\s*[、.．]?)|(?P<circled>[①-⑳]))\s*")
# an amending text quotes the text it changes: not a header, not a citation
_EDITS = re.compile(r"修改为|修改成|表述为|调整为|替换为|改为|删除|增加|增写|新增")
# a decision's words right before the titles they act on: 决定废止《…》, 现宣布失效《…》
_VERB_THEN_TITLE = re.compile(r"(?:决定|现|予以|宣布|同时|一并)\s*(?:予以|宣布)?\s*"
                              r"(?:废止|失效|停止执行|不再执行|停止施行|不再施行|修改|修订)\s*(?=《)")
_EDIT_OF_TITLE = re.compile(r"^\s*[将对原]\s*(?=《)")
_LATE = re.compile(r"(?:逾期|届时|未(?:按期|按时)?(?:完成)?(?:修订|修改))[^，,。；]{0,15}?"
                   r"(?:失效|停止执行|不再执行)")
_REVISE = re.compile(rf"(?:(?P<date>{_DATE})\s*)?(?:之)?前\s*[^，,。；]{{0,12}}?(?:修订|修改)"
                     r"|限期(?:修订|修改)|(?:修订|修改)[^，,。；]{0,6}?(?:完成|完毕)")
_BY_DATE = re.compile(rf"(?P<date>{_DATE})\s*(?:之)?前")
# 有效期延长至… (or 有效期至… said of another document): the last day it is valid
_EXTENDS = re.compile(rf"有效期\s*(?:延长|延续|顺延)?\s*(?:至|到)\s*(?P<date>{_DATE})")
# (到期自动失效 / 届满失效: the end of a term, read from 有效期至…)
_LAPSES = re.compile(r"宣布失效|予以失效|同时失效|(?<!到期)(?<!届满)自动失效|停止执行|"
                     r"不再执行|停止施行|不再施行")
# alone: 下列文件失效 — but 对已失效的文件予以废止 repeals
_LAPSED = re.compile(r"(?<!到期)(?<!届满)(?<!到期自动)(?<!届满自动)失效")
_AMEND_WORDS = re.compile(r"修改|修订|修正")
_FROM_DATE = re.compile(rf"自\s*(?P<date>{_DATE})\s*起")
_LIST_COUNT = re.compile(r"(?:下列|以下|如下)\s*(?P<n>[\d一二三四五六七八九十百两]{1,4})\s*件")
_PUBLISHED = re.compile(r"发布|公布|印发")
_AUTHORITY = re.compile(r"^\s*(?:根据|依据|按照|依照|参照|为|经)")
_PARTIAL = re.compile(r"第\s*[一二三四五六七八九十百\d]{1,4}\s*[条款项章节]|中的|中与|不一致|"
                      r"有关规定|相关规定|部分")
_HEADER_WORDS = re.compile(r"废止|失效|停止执行|不再执行|停止施行|不再施行|修改|修订|修正|"
                           r"有效期|保留|继续有效|继续执行|下列|以下|如下")
_KEYWORDS = ("废止", "失效", "停止执行", "不再执行", "停止施行", "不再施行", "修改", "修订",
             "修正", "延长",
             "廢止", "停止執行", "不再執行", "修訂", "延長")  # as a traditional text prints them


def _action(text: str) -> tuple[str | None, date | None]:
    """What a header or a clause does to the documents it names, and the date it states:
    ``repealed`` / ``lapsed`` / ``amended`` (from the date stated by 自…起, if any),
    ``expires`` (有效期延长至…), ``revision_deadline`` (…前完成修订，逾期自动失效: the
    deadline), ``marked_for_revision`` (a deadline with no lapse), or (None, None) for a list
    that changes nothing (继续有效, 保留)."""
    revise = _REVISE.search(text)
    deadline = _BY_DATE.search(text)
    if revise and _LATE.search(text):
        return "revision_deadline", parse_cn_date(deadline.group("date")) if deadline else None
    if revise and revise.group("date"):  # 限期修订 with no consequence: a mark, not an end
        return "marked_for_revision", None
    if extended := _EXTENDS.search(text):
        return "expires", parse_cn_date(extended.group("date"))
    stated = _FROM_DATE.search(text)
    when = parse_cn_date(stated.group("date")) if stated else None
    found = [(m.start(), event) for pattern, event in (
        (_LAPSES, "lapsed"), (_REPEALS, "repealed"), (_AMEND_WORDS, "amended"))
        if (m := pattern.search(text))]
    if not found and _LAPSED.search(text):
        found = [(0, "lapsed")]
    return (min(found)[1], when) if found else (None, None)


def _ordinal(text: str) -> tuple[str | None, str]:
    """(style of the leading ordinal — cn 一、 / num 1. / pcn （一） / pnum （1） / circled ①
    — or None, the text after it)."""
    match = _ORDINAL.match(text)
    if not match:
        return None, text
    return next(k for k, v in match.groupdict().items() if v), text[match.end():]


def _paren(text: str, start: int) -> tuple[int, int] | None:
    """The parentheses opening at ``text[start]`` (spaces skipped): (start, end) of what
    they hold, brackets inside allowed; None when none opens there."""
    k = start
    while k < len(text) and text[k].isspace():
        k += 1
    if k >= len(text) or text[k] not in "（(":
        return None
    depth = 0
    for j in range(k, len(text)):
        depth += 1 if text[j] in "（(" else -1 if text[j] in "）)" else 0
        if depth == 0:
            return k + 1, j
    return k + 1, len(text)


def _closing(text: str, start: int) -> int:
    """The 》 that closes the 《 at ``start`` (a title may quote another with 《》 inside
    instead of 〈〉); -1 when it is not closed."""
    depth = 0
    for j in range(start, len(text)):
        depth += 1 if text[j] == "《" else -1 if text[j] == "》" else 0
        if depth == 0:
            return j
    return -1


def _published_on(inside: str) -> date | None:
    """The publication date a citation's parentheses print: the first date of their first
    part (2016年12月1日市政府令第2号发布，根据…修正 → 2016-12-01), if it says 发布/公布/印发."""
    first = re.split(r"[，,；;]", inside)[0]
    return parse_cn_date(first) if _PUBLISHED.search(first) else None


Cited = tuple[str | None, str | None, date | None, int]  # title, number, published, end


def _cited(text: str) -> list[Cited]:
    """The documents ``text`` cites from its start: each 《title》 with the first number in
    the parentheses right after it (and its printed publication date); else a bare title
    before its number's parentheses (某某办法（连政发〔2010〕1号）) or before a publication
    date (某某办法（2004年5月12日发布）). Empty when ``text`` does not start with one."""
    numbers = find_doc_numbers(text)
    out: list[Cited] = []
    if text.lstrip().startswith("《"):
        k = 0
        while (open_ := text.find("《", k)) >= 0 and (close := _closing(text, open_)) >= 0:
            title, k = text[open_ + 1:close].strip(), close + 1
            span = _paren(text, k)
            inside = text[span[0]:span[1]] if span else ""
            number = next((n for s, _, n in numbers if span and span[0] <= s < span[1]), None)
            k = span[1] + 1 if span else k
            out.append((title or None, number.text if number else None, _published_on(inside),
                        k))
            if not re.match(r"^[\s、，,和及与]*《", text[k:]):
                break
        return out
    if _AUTHORITY.match(text):
        return out
    if numbers and not text[:numbers[0][0]].strip():  # 连政发〔2010〕12号 关于…的通知
        if len(numbers) > 1:  # numbers alone: 连政发〔2010〕12号、连政发〔2011〕3号
            return [(None, n.text, None, e) for _, e, n in numbers]
        title = re.split(r"[，,；;。]", text[numbers[0][1]:])[0].strip(" 　《》“”")
        return [(title or None, numbers[0][2].text, None, len(text))] \
            if len(title) <= 120 else out
    # the parentheses the title ends in: around its first number not inside the title
    # (…转发苏政发〔2019〕12号文件的通知（连政发〔2019〕88号）), else the last ones
    opens = [max(text.rfind("（", 0, s), text.rfind("(", 0, s)) for s, _, _ in numbers]
    open_ = next((o for o, (s, _, _) in zip(opens, numbers, strict=True)
                  if o > 0 and not re.search(r"[）)]", text[o:s])),
                 max(text.rfind("（"), text.rfind("(")))
    span = _paren(text, open_) if open_ > 0 else None
    title = text[:open_].strip(" 　“”") if span else ""
    if not span or not 4 <= len(title) <= 120 or re.search(r"[，,。；《》]", title):
        return out
    number = next((n for s, _, n in numbers if span[0] <= s < span[1]), None)
    published = _published_on(text[span[0]:span[1]])
    if number or published:
        out.append((title, number.text if number else None, published, span[1] + 1))
    return out


def _item(text: str, ordinal: str | None) -> list[Cited]:
    """What a list item cites; empty when ``text`` is prose rather than an item (no
    ordinal and no 《 to start with, or more than a few words after the citation)."""
    text = _EDIT_OF_TITLE.sub("", text) if ordinal else text  # 一、将《…》第三条修改为…
    if ordinal is None and not text.lstrip().startswith("《"):
        return []
    cited = _cited(text)
    rest = re.sub(r"“[^”]*”?|[\s，,、。；;：:（）()]", "",
                  _FROM_DATE.sub("", text[cited[-1][3]:])) if cited else ""  # quotes aside
    return cited if cited and len(rest) <= 16 else []


class _Section:
    """A header and the rows of the items listed under it."""

    def __init__(self, header: str, style: str | None) -> None:
        self.event, self.when = _action(header)
        self.style = style
        counted = _LIST_COUNT.search(header)
        self.expected = cn_numeral(counted.group("n")) if counted else None
        self.rows: list[dict] = []
        self.cited = 0

    def close(self) -> None:
        """A header that announces N件 over another number of items: say so."""
        if self.expected is not None and self.cited != self.expected:
            for row in self.rows:
                row["quality_flags"].append("list_count_differs")


def _emit(issue: Issue, doc: Document, valid: Validity, event: str, stated: date | None,
          cited: list[Cited], line: int, evidence: str, seen: set) -> list[dict]:
    """``event`` on each cited document, dated by the words (``stated``) or else by the
    deciding document; a revision deadline also marks the document for revision from the
    decision on; a printed publication date gives the document's issued event. One event of
    a kind per document per deciding document (``seen``)."""
    by = doc.doc_number.text  # type: ignore[union-attr]
    out = []
    for title, number, published, _ in cited:
        key = number or title
        if number == by or key is None or (event, key) in seen:
            continue
        seen.add((event, key))
        missing = [] if number else ["doc_number_missing"]
        if event == "revision_deadline" and ("marked_for_revision", key) not in seen:
            seen.add(("marked_for_revision", key))
            when, flags = _when(doc, valid)
            out.append(_event(number, "marked_for_revision", when, issue, line, title=title,
                              by_doc=by, evidence=evidence, flags=missing + flags))
        if stated is not None:
            when, flags = stated, []
        elif event in ("expires", "revision_deadline"):  # only the words can say the day
            when, flags = None, ["event_date_missing"]
        else:
            when, flags = _when(doc, valid)
        out.append(_event(number, event, when, issue, line, title=title, by_doc=by,
                          evidence=evidence, flags=missing + flags))
        if published and ("issued", key) not in seen:
            seen.add(("issued", key))
            out.append(_event(number, "issued", published, issue, line, title=title,
                              evidence=evidence, flags=missing))
    return out


def _from_line(doc: Document, line: int) -> Document:
    return replace(doc, start_line=max(line, doc.start_line))


def _header(part: str, words: str, style: str | None, introduces: bool,
            heading: bool) -> bool:
    """Whether ``part`` of a sentence heads a list: it introduces one (a colon follows) or is
    a short numbered heading line, names no document itself, says what happens (or 下列…),
    and is not an amendment's quoted text."""
    return (introduces or heading) and "《" not in part and \
        _HEADER_WORDS.search(words) is not None and not _EDITS.search(words)


def _parts(sentence: str, alone: bool):
    """(part, its ordinal style, text after the ordinal, simplified text, is it a header)
    for each part of a sentence split at its colons; ``alone``: the sentence is its line's
    only one."""
    parts = re.split(r"[：:]", sentence)
    for k, part in enumerate(parts):
        style, body = _ordinal(part)
        words = to_simplified(part)  # for matching words only; titles stay as printed
        heading = alone and style is not None and len(parts) == 1 and len(body) <= 40
        yield part, style, body, words, _header(part, words, style, k + 1 < len(parts),
                                                heading)


_COMPLETE = ("。", "；", ";", "：", ":", "）", ")", "》", "”", "！", "？")


def _joined(issue: Issue, prose: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Sentences a narrow page wrapped over lines (1.《…管理 / 办法》（…）, 决定对下列文件予以
    / 废止：) as one, at their first line: a line's last sentence joins the next line's
    first while it ends in no closing mark or its brackets are still open (at most three
    lines; never a line that starts with an ordinal)."""
    out: list[tuple[int, str]] = []
    joins, last = 0, 0  # the line the sentence being joined ends on
    for line, sentence in prose:
        if out and joins < 3 and line > last and _ORDINAL.match(sentence) is None and \
                _wraps(issue, (last, out[-1][1]), sentence.lstrip().startswith("《")):
            out[-1] = (out[-1][0], out[-1][1] + sentence)
            joins, last = joins + 1, line
            continue
        out.append((line, sentence))
        joins, last = 0, line
    return out


def _wraps(issue: Issue, item: tuple[int, str], next_cites: bool) -> bool:
    """Whether the next line carries on ``item`` (the sentence so far and the line it ends
    on): its brackets are open, or that line ends with no closing mark and the next line
    does not start a citation of its own."""
    line, text = item
    if text.count("《") > text.count("》") or \
            text.count("（") + text.count("(") > text.count("）") + text.count(")"):
        return True
    printed = strip_markup(issue.line(line)).rstrip()
    return not next_cites and bool(printed) and not printed.endswith(_COMPLETE)


def _with_wraps(issue: Issue, doc: Document,
                marked: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The sentences holding a keyword, each joined with the lines a narrow page wrapped it
    onto (``…前完成修订，逾`` / ``期未修订的自动失效``; ``…延长至2022年12月31`` / ``日``);
    only the lines next to a marked one are read."""
    runs: list[list[int]] = []
    for n in sorted({n for n, _ in marked}):
        end = min(n + 2, doc.end_line)
        if runs and n <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([n, end])
    out = []
    for start, end in runs:
        joined = _joined(issue, sentences(issue, replace(doc, start_line=start, end_line=end)))
        out += [(n, text) for n, text in joined
                if any(k in re.sub(r"\s+", "", text) for k in _KEYWORDS)]
    return out


def decisions(issue: Issue, doc: Document, valid: Validity) -> list[dict]:
    """Events from a decision's lists and from notices about other documents: each item
    under a 予以废止 / 宣布失效 / 停止执行 / 不再执行 / 予以修改 / 有效期延长至… / 限期修订
    header, and each ``《…》（No）自…起停止执行`` / ``…有效期延长至…`` /
    ``…前完成修订，逾期自动失效`` about another document."""
    marked = sentences(issue, doc, _KEYWORDS)
    if not marked:
        return []
    amending = _AMEND_WORDS.search(to_simplified(doc.title)) is not None
    alone = Counter(n for n, _ in marked)
    first = next((n for n, sentence in marked
                  if any(p[4] for p in _parts(sentence, alone[n] == 1))), None)
    out: list[dict] = []
    seen: set = set()
    for line, sentence in _with_wraps(issue, doc, marked):  # notices before any list
        if first is None or line < first:
            out += [row for part, *_ in _parts(sentence, False)
                    for row in _notice(issue, doc, valid, line, part, seen, amending)]
    if first is None:
        return out
    prose = _joined(issue, sentences(issue, _from_line(doc, first)))
    alone = Counter(n for n, _ in prose)
    section: _Section | None = None
    for line, sentence in prose:
        for part, style, body, words, header in _parts(sentence, alone[line] == 1):
            if header:
                if section:
                    section.close()
                section = _Section(words, style)
                continue
            cited = _item(body, style) if section and section.event else []
            if section and section.event and cited:
                own, own_when = _action(to_simplified(body))
                stated = own_when if own else None
                rows = _emit(issue, doc, valid, section.event, stated or section.when,
                             cited, line, part.strip(), seen)
                section.rows += rows
                section.cited += len(cited)
                out += rows
                continue
            if section and style is not None and style == section.style:
                section.close()  # the next point at the header's level ends its list
                section = None
            out += _notice(issue, doc, valid, line, part, seen,
                           amending and not (section and section.event))
    if section:
        section.close()
    return out


def _notice(issue: Issue, doc: Document, valid: Validity, line: int, sentence: str,
            seen: set, amending: bool = False) -> list[dict]:
    """A sentence about other documents, outside a list:

    - ``《A》（No）自2023年1月1日起停止执行`` / ``…有效期延长至…`` / ``《A》（No）应当在…前
      完成修订，逾期自动失效``: the documents named before the words, in their clause or in
      the clauses before it that do not cite an authority (根据《…》); an article that stops
      applying (…第五条不再执行) amends the document rather than ending it;
    - ``决定废止《A》（No）和《B》（No）`` / ``宣布失效《…》``: the documents right after the
      words (a repeal named before them is read by repeals());
    - in a decision that amends (``amending``), ``一、将《A》第三条修改为…``: A is amended.
    """
    words = to_simplified(sentence)  # same length: offsets found in it index ``sentence``
    if "《" not in sentence and not find_doc_numbers(sentence):
        return []
    if _EDITS.search(words):
        _, rest = _ordinal(sentence)
        if not amending or not _EDIT_OF_TITLE.match(to_simplified(rest)):
            return []
        cited = _cited(rest[rest.find("《"):])[:1]
        return _emit(issue, doc, valid, "amended", None,
                     [(t, n, None, e) for t, n, _, e in cited], line, sentence.strip(), seen)
    event, when = _action(words)
    if (verb := _VERB_THEN_TITLE.search(words)) and event in ("repealed", "lapsed", "amended"):
        cited = _cited(sentence[verb.end():])
        kind, _ = _action(words[verb.start():verb.end()])
        return _emit(issue, doc, valid, kind or event, when,
                     [(t, n, None, e) for t, n, _, e in cited], line, sentence.strip(), seen)
    if event not in ("lapsed", "expires", "revision_deadline", "marked_for_revision"):
        return []  # 《A》（No）同时废止 and 对《A》…作出如下修改: repeals(), amendments()
    found = {"lapsed": _LAPSES, "expires": _EXTENDS, "revision_deadline": _REVISE,
             "marked_for_revision": _REVISE}[event].search(words)
    clauses = re.split(r"[，,]", sentence[:found.start()])  # type: ignore[union-attr]
    for k in range(len(clauses) - 1, -1, -1):
        clause = clauses[k]
        if _AUTHORITY.match(to_simplified(clause)):
            continue
        start = clause.find("《")
        cited = _cited(clause[start:]) if start >= 0 else [
            (None, n.text, None, e) for _, e, n in find_doc_numbers(clause)]
        if not cited:
            continue
        after = clause[cited[-1][3] + max(start, 0):] + "，".join(clauses[k + 1:])
        kind = "amended" if event == "lapsed" and _PARTIAL.search(to_simplified(after)) \
            else event
        return _emit(issue, doc, valid, kind, when, [(t, n, None, e) for t, n, _, e in cited],
                     line, sentence.strip(), seen)
    return []


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    for doc in issue.documents:
        if doc.doc_number is None:
            continue
        valid = validity(issue, doc)
        rows = own_events(issue, doc, valid) + amendments(issue, doc, valid) + \
            repeals(issue, doc, valid)
        found = {(r["source_line"], r["event"], r["doc_number"]) for r in rows}
        rows += [r for r in decisions(issue, doc, valid)
                 if r["doc_number"] is None
                 or (r["source_line"], r["event"], r["doc_number"]) not in found]
        for row in rows:
            out.add("document_events", row)
    return out


# --- across issues -----------------------------------------------------------------------


def _value(value: object) -> object:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


# cleanup list status → (event, the list's word): a 宣布失效 list lapses its documents; a
# 拟修改 list retains them (needs_revision marks them for revision)
_LISTED = {"repealed": ("listed_repealed", "废止"), "retained": ("listed_retained", "保留"),
           "lapsed": ("lapsed", "宣布失效"), "to_be_revised": ("listed_retained", "拟修改")}


def registry_events(registry: pd.DataFrame) -> list[dict]:
    """issued / listed_* / marked_for_revision from the cleanup lists' rows."""
    out = []
    for row in registry.to_dict("records"):
        row = {k: _value(v) for k, v in row.items()}
        base = {"doc_number": row["doc_number"], "title": row["title"],
                "source_issue": row["source_issue"], "source_line": int(row["source_line"])}
        missing = [] if row["doc_number"] else ["doc_number_missing"]
        event, kind = _LISTED[row["list_status"]]
        seq = int(row["seq"]) if row["seq"] is not None else "?"
        listed = f"{row['cleanup_doc'] or ''}{kind}的规范性文件目录 序号{seq}"
        if row["issued_on"]:
            # a number whose year contradicts the date makes the date itself doubtful
            doubt = [f for f in (row["quality_flags"] or "").split(";")
                     if f == "doc_year_differs_from_date"]
            out.append({**base, "event": "issued", "date": row["issued_on"], "by_doc": None,
                        "evidence": row["issued_on_raw"], "quality_flags": missing + doubt})
        cleanup_date = [] if row["cleanup_on"] else ["event_date_missing"]
        out.append({**base, "event": event, "date": row["cleanup_on"],
                    "by_doc": row["cleanup_doc"], "evidence": listed,
                    "quality_flags": missing + cleanup_date})
        if row["needs_revision"] is not None and bool(row["needs_revision"]):
            why = (f"备注：{row['remark']}" if row["remark"]
                   else f"清理意见：{row.get('cleanup_opinion')}")
            out.append({**base, "event": "marked_for_revision", "date": row["cleanup_on"],
                        "by_doc": row["cleanup_doc"], "evidence": f"{listed} {why}",
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
                           row["doc_number"] or f"《{row['title']}》"), row)
    ordered = sorted(unique.values(), key=lambda r: (
        r["doc_number"] is None, r["doc_number"] or r["title"] or "",
        r["date"] is None, pd.Timestamp(r["date"]) if r["date"] else pd.Timestamp(0),
        rank[r["event"]], r["source_issue"], r["source_line"]))
    frame = pd.DataFrame(ordered, columns=spec.column_names) if ordered else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in spec.column_names})
    return {"document_events": frame}
