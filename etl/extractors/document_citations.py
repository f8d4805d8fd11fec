"""Which documents each published document cites → document_citations.

Every document number in a published document's text — the city's own, provincial,
national, a ministry's — is a citation, wherever it stands: in prose (按照《…》（连政发〔2017〕
110号）相关规定), in a table (a cleanup list names one per row) or in the text an amendment
inserts or deletes (the number is cited there too; ``context`` says which). The document's
own number line and its own number are not citations.

A number written without its series continues the previous number's (连政办发〔2016〕159号、
〔2017〕175号 → 连政办发〔2017〕175号; 苏政发〔2014〕1号、2号 → 苏政发〔2014〕2号): read as
that number and flagged ``prefix_carried`` / ``prefix_year_carried``.

The title is the 《…》 printed right before the number's parentheses. The level comes from
the city profile (datasets/reference/doc_prefixes.csv); a series the profile does not know
but that starts like the province's own (苏…) or the city's own (连…) is read as provincial
or city level and flagged ``level_inferred``; anything else is ``unknown``.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from etl.dictionary import dataset
from etl.extractors import Context, Extraction
from etl.normalize import DocNumber, clean_text, find_doc_numbers, to_halfwidth, to_simplified
from etl.profile import profile
from etl.read import Document, Issue, strip_markup

DATASETS = ("document_citations",)

# where a number is cited, as declared in etl/dictionary/_values.yaml (list ``context``)
CONTEXTS = dataset("document_citations").column("context").enum or ()

# a number printed without its series, right after another number and a list separator:
# 、〔2017〕175号 (series carried) or 、2号 (series and year carried)
_SEPARATOR = r"[\s、，,和及与或以]*"
_BARE_YEAR = re.compile(
    rf"^(?P<sep>[）)]?{_SEPARATOR})(?P<raw>[〔(（\[［【]\s*(?P<year>\d{{4}})\s*[〕)）\]］】]\s*"
    r"(?P<seq>\d{1,4})\s*号)")
_BARE_SEQ = re.compile(rf"^(?P<sep>{_SEPARATOR})(?P<raw>(?P<seq>\d{{1,4}})\s*号)"
                       r"(?=[、，,。；;）)\s等和及与或文]|$)")
_SENTENCE = re.compile(r"[^。；;！？]*[。；;！？]?")
# the text an amendment inserts or deletes
_EDIT_TEXT = re.compile(r"修改为|修改成|表述为|调整为|替换为|改为|删除|增加|增写|新增")


def _closing_title(text: str, end: int) -> tuple[str | None, bool]:
    """(the 《…》 that ends right before ``end`` — spaces and an opening parenthesis allowed
    between — nested 《》 kept: 《关于印发《…》的通知》, whether its brackets were unbalanced).
    A title with a stray 》 (《…办法》（试行）》) is read from the nearest 《, the stray
    mark dropped."""
    k = end
    while k > 0 and text[k - 1] in " \t　（(":
        k -= 1
    if k == 0 or text[k - 1] != "》":
        return None, False
    stretch_start = max(text.rfind(mark, 0, k) for mark in "。；;") + 1
    opens = [j for j in range(k - 1, stretch_start - 1, -1) if text[j] == "《"]
    for j in opens:
        inner = text[j:k]
        if inner.count("《") == inner.count("》"):
            return clean_text(text[j + 1:k - 1]) or None, False
    if not opens:
        return None, False
    return clean_text(text[opens[0] + 1:k - 1].replace("》", "")) or None, True


def _raw(number: DocNumber) -> str:
    """The number as printed, without the words a match may run over before its series
    (按照连政办发〔2016〕159号 → 连政办发〔2016〕159号)."""
    raw = number.raw
    if not number.prefix:
        return raw
    wide = to_simplified(to_halfwidth(raw))
    at = wide.find(number.prefix)
    return raw[at:] if at > 0 else raw


def _sentence(text: str, start: int) -> str:
    """The sentence of ``text`` that holds offset ``start``."""
    for match in _SENTENCE.finditer(text):
        if match.start() <= start < max(match.end(), match.start() + 1):
            return match.group(0).strip()
    return text.strip()


def _carried(text: str, found: list[tuple[int, int, DocNumber]]
             ) -> list[tuple[int, int, DocNumber, str]]:
    """Numbers written without their series after a full one, as (start, end, number,
    flag)."""
    out: list[tuple[int, int, DocNumber, str]] = []
    chain = [(s, e, n, "") for s, e, n in found]
    k = 0
    while k < len(chain):
        _, end, previous, _ = chain[k]
        nxt = chain[k + 1][0] if k + 1 < len(chain) else len(text)
        k += 1
        if previous.is_order:
            continue
        while end < nxt:
            rest = text[end:nxt]
            wide = to_halfwidth(rest)
            year_match = _BARE_YEAR.match(wide)
            seq_match = None if year_match else _BARE_SEQ.match(wide)
            match = year_match or seq_match
            if match is None or (seq_match and not re.search(r"[、，,和及与或以]",
                                                              match.group("sep"))):
                break  # 、2号 carries a series; 159号2号 is not a list
            year = int(match.group("year")) if year_match else previous.year
            number = DocNumber(previous.doc_type, year, int(match.group("seq")),
                               rest[match.start("raw"):match.end("raw")].strip(),
                               (), previous.prefix, previous.level)
            flag = "prefix_carried" if year_match else "prefix_year_carried"
            start = end + match.start("raw")
            end = end + match.end("raw")
            out.append((start, end, number, flag))
            previous = number
    return out


@cache
def _inferred_levels(reference_dir: str) -> tuple[tuple[str, str], ...]:
    """(first character, level) of the profile's provincial and own series: 苏 province,
    连 city — a series starting the same way is the same government's (a department's)."""
    city = profile(reference_dir) if reference_dir else profile()
    firsts: dict[str, set[str]] = {}
    for p in city.doc_prefixes:
        if p.prefix.endswith("令") or p.level not in ("province", "city"):
            continue
        firsts.setdefault(p.prefix[0], set()).add(p.level)
    return tuple((ch, next(iter(levels))) for ch, levels in sorted(firsts.items())
                 if len(levels) == 1)


def level_of(number: DocNumber, ctx: Context | None = None) -> tuple[str, list[str]]:
    """(level, flags) of a cited number: the profile's, else inferred from its first
    character (flag level_inferred), else unknown."""
    if number.level:
        return number.level, []
    if not number.is_order:
        reference = str(ctx.reference_dir) if ctx else ""
        for first, level in _inferred_levels(reference):
            if number.prefix.startswith(first):
                return level, ["level_inferred"]
    return "unknown", []


def edit_lines(issue: Issue, doc: Document) -> set[int]:
    """Lines of ``doc`` that are an amendment's text (an edit and what it inserts), from the
    amendments reader: numbers there are cited by the amending text."""
    from etl.extractors.document_amendments import edits  # the one reader of edits

    lines: set[int] = set()
    for edit in edits(issue, doc):
        lines.update(range(edit.line, edit.last_line + 1))
    return lines


def citations(issue: Issue, doc: Document, ctx: Context | None = None) -> list[dict]:
    own = doc.doc_number.text if doc.doc_number else None
    amended = edit_lines(issue, doc)
    out: list[dict] = []
    seen: set[tuple[int, str]] = set()
    for n in range(doc.start_line, doc.end_line + 1):
        if n == doc.number_line:
            continue
        raw_line = issue.line(n)
        if "号" not in raw_line and "號" not in raw_line:
            continue
        table = "\t" in raw_line
        text = strip_markup(raw_line).replace("*", "") if not table else raw_line
        found = find_doc_numbers(text)
        if not found:
            continue
        numbers = [(s, e, num, "") for s, e, num in found] + _carried(text, found)
        context = "table" if table else "amendment_text" if n in amended and \
            _EDIT_TEXT.search(text) else "text"
        for start, _, number, carried in sorted(numbers, key=lambda x: x[0]):
            if number.text == own or (n, number.text) in seen:
                continue
            seen.add((n, number.text))
            level, flags = level_of(number, ctx)
            evidence = clean_text(" ".join(c for c in text.split("\t") if c.strip())) \
                if table else _sentence(text, start)
            title, unbalanced = (None, False) if table else _closing_title(text, start)
            if unbalanced:
                flags.append("cited_title_brackets_unbalanced")
            out.append({
                "citing_doc": own, "citing_title": doc.title or None,
                "cited_number": number.text, "cited_number_raw": _raw(number),
                "cited_title": title,
                "level": level, "context": context, "cited_in_registry": None,
                "evidence": evidence, "source_issue": issue.issue_id, "source_line": n,
                "quality_flags": list(number.flags) + flags + ([carried] if carried else []),
            })
    return out


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    for doc in issue.documents:
        if doc.doc_number is None:
            continue
        for row in citations(issue, doc, ctx):
            out.add("document_citations", row)
    return out


def combine(frames: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    """Whether each cited number is a document the registry or a gazette issue knows."""
    cites = frames["document_citations"]
    if cites.empty:
        return {}
    known: set[str] = set()
    for name in ("normative_documents", "gazette_documents"):
        frame = frames.get(name)
        if frame is not None and "doc_number" in frame.columns:
            known.update(str(v) for v in frame["doc_number"].dropna())
    cites = cites.assign(cited_in_registry=cites["cited_number"].isin(known))
    return {"document_citations": cites.reset_index(drop=True)}
