"""What an amending decision changes, article by article → document_amendments.

A decision that amends documents (决定对《A》（No）、《B》（No）…作出如下修改：) lists its
edits under a heading per document (一、关于《A》 / （一）《A》（No）), or names the document
in the edit itself (将《A》第三条修改为…), or amends the one document its opening names.
Each edit is one row, read by rules any reader of Chinese amending decisions knows:

- ``原第六条修改为：…`` / ``将第三条第二款修改为：…`` → modify (the new text follows, over as
  many paragraphs as it takes, until the next edit or heading);
- ``删除原第十一条、第十二条`` → delete (whole provisions);
- ``删除原第十六条最后“…”`` / ``删除第四条中的“国有商业”`` → delete_text (the words);
- ``将第八条第二款中的“市建设局”修改为“市住房城乡建设局”`` → replace_text;
- ``增加一款作为第二款，表述为：…`` / ``在第五条后增加一条，作为第六条：…`` → add;
- ``第十五条改为第十四条`` / ``其后条款序号相应调整`` → renumber.

An edit that names no article (增加一款…, right after an edit of 第十六条) applies to the
article of the edit before it (flag ``provision_carried``).

What an edit implies for the document's validity is derived, never silently applied:
deleting a term (删除…“施行期限暂定五年”) gives ``validity_effect`` expiry_removed; words
that set a new term give expiry_changed. The matching ``document_events`` rows (an
``expiry_removed`` event; an ``expires`` event dated by the new words) are built by
``derived_events`` and published only once ``DERIVED_EVENTS`` is on: the event type and its
status rule belong to document_events and etl.status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from etl.extractors import Context, Extraction
from etl.extractors.gazette_documents import last_day_after_years, validity
from etl.normalize import clean_text, cn_numeral, find_doc_numbers, parse_cn_date, to_simplified
from etl.read import Document, Issue, strip_markup

DATASETS = ("document_amendments",)

# the actions and validity effects are declared in etl/dictionary/_values.yaml
# (dataset("document_amendments").column("action").enum)

# Derived validity events go into document_events (event ``expiry_removed`` or a new
# ``expires``, flagged ``derived_from_amendment``; etl.status applies them).
DERIVED_EVENTS = True
DERIVED_FLAG = "derived_from_amendment"

_NUM = r"[一二三四五六七八九十百零〇两\d]{1,5}"
_PART = rf"第\s*{_NUM}\s*[章节条款项目]"
_PROV = rf"(?:原\s*)?{_PART}(?:\s*{_PART})*"
_PROVS = rf"{_PROV}(?:\s*(?:、|，|,|和|及|与|至|到)\s*{_PROV})*"
_TITLE = r"《(?P<title>(?:[^《》]|《[^《》]*》){1,160})》"
_PARENS = r"(?:\s*[（(](?P<inside>[^（）()]{0,60})[)）])?"
_ORDINAL = re.compile(
    r"^\s*(?:(?P<cn>[一二三四五六七八九十]{1,3})\s*[、.．]|(?P<num>\d{1,3})\s*[、.．](?!\d)"
    r"|[（(]\s*(?P<pcn>[一二三四五六七八九十]{1,3})\s*[)）]\s*[、.．]?"
    r"|[（(]\s*(?P<pnum>\d{1,3})\s*[)）]\s*[、.．]?)\s*")
_AMENDING_TITLE = re.compile(r"修改|修正|修订")
_OPENING = re.compile(r"作出如下修改|作如下修改|修改如下|予以修改|作出以下修改|作以下修改")
_HEADING = re.compile(
    rf"^(?:关于|对|将)?\s*{_TITLE}{_PARENS}\s*(?:的修改|作出?如下修改|修改如下|的修正)?"
    r"\s*[：:。]?\s*$")
_INLINE_TARGET = re.compile(rf"^(?P<verb>将|对|把|在)?\s*{_TITLE}{_PARENS}\s*(?:中的|中)?\s*")
_CLOSING = re.compile(r"^(?:本决定|此外|以上|上述)|根据本决定|重新公布|重新印发")
_Q = r"[“\"「『‘]"
_QE = r"[”\"」』’]"

_REPLACE = re.compile(
    rf"^(?:将|把)?\s*(?P<prov>{_PROVS})?\s*(?:中的|中|的)?\s*{_Q}(?P<old>[^“”\"」』’]*){_QE}"
    rf"\s*(?:一词|字样|等字)?\s*(?:修改为|修改成|改为|替换为|调整为|更改为|变更为)\s*"
    rf"{_Q}(?P<new>[^“”\"」』’]*){_QE}")
_DELETE_TEXT = re.compile(
    rf"^删除\s*(?P<prov>{_PROVS})\s*(?P<where>最后|末尾|末句|中)?\s*(?:的|中的)?\s*"
    rf"{_Q}(?P<old>[^“”\"」』’]*){_QE}"
    rf"|^(?:将|把)\s*(?P<prov2>{_PROVS})\s*(?:中的|中|的)\s*{_Q}(?P<old2>[^“”\"」』’]*){_QE}"
    r"\s*(?:一词|字样|等字)?\s*(?:予以)?删除")
_DELETE = re.compile(rf"^(?:删除|删去)\s*(?P<prov>{_PROVS})\s*(?=[。；;，,]|$)"
                     rf"|^(?:将|把)?\s*(?P<prov2>{_PROVS})\s*(?:予以)?(?:删除|删去)")
_RENUMBER = re.compile(
    rf"^(?:将|把)?\s*(?P<prov>{_PROVS})\s*(?:相应|依次|分别)?\s*(?:改为|调整为|修改为|顺延为|"
    rf"变更为|改作)\s*(?P<newprov>{_PROVS})\s*(?=[。；;，,]|$)")
_RENUMBER_REST = re.compile(r"^(?:其后|以下|其余|其他|其它|后续)?\s*(?:各)?"
                            r"(?:条款|条文|条目|章节|条|款)(?:的)?(?:序号|顺序|序数)\S{0,6}?(?:顺延|调整|变更|改变)")
_MODIFY = re.compile(
    rf"^(?:将|把)?\s*(?P<prov>{_PROVS})\s*(?:修改为|修改成|改为|调整为|表述为|修订为)\s*"
    r"[：:]\s*(?P<new>.*)$")
_ADD = re.compile(
    rf"^(?:(?:在|于)?\s*(?P<prov>{_PROVS})\s*(?:后|之后|前|之前|中|下)?\s*[，,]?\s*)?"
    rf"(?:增加|增写|新增|增设|增列|添加)\s*(?:一|{_NUM})\s*(?P<unit>[章节条款项])"
    rf"(?:\s*[，,]?\s*作为\s*(?P<newprov>{_PROVS}))?\s*[，,]?\s*"
    r"(?:内容|表述|规定|修改)?(?:为)?\s*[：:]?\s*(?P<new>.*)$")
_ADD_WORDS = re.compile(
    rf"^(?:在|于)\s*(?P<prov>{_PROVS})?\s*(?:中的|中|的)?\s*{_Q}(?P<anchor>[^“”\"」』’]*){_QE}"
    rf"\s*(?:之?后|之?前)\s*(?:增加|增写|添加|加上)\s*{_Q}(?P<new>[^“”\"」』’]*){_QE}")
_YEARS = r"[一二三四五六七八九十两\d]{1,3}"
_VALIDITY = re.compile(rf"有效期|施行期限|实施期限|执行期限|试行期|暂定\s*{_YEARS}\s*年")
_TERM_YEARS = re.compile(rf"(?:暂定|有效期|期限|试行)\s*(?:为)?\s*(?P<n>{_YEARS})\s*年")
_NEW_EXPIRY = re.compile(r"有效期\s*(?:至|到)\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_SENTENCE_END = "。；;"


@dataclass
class Edit:
    """One edit, as read (see ``row`` for the published form)."""

    action: str
    line: int
    last_line: int
    evidence: str
    target_title: str | None = None
    target_doc: str | None = None
    item_no: int | None = None
    provision_raw: str | None = None
    new_provision_raw: str | None = None
    old_text: str | None = None
    new_text: str | None = None
    carried_provision: str | None = None  # the article of the edit before (增加一款…)
    flags: list[str] = field(default_factory=list)
    takes_text: bool = False  # the new text may run on over the next lines


@dataclass(frozen=True)
class Provision:
    article: int | None
    articles: tuple[int, ...]
    paragraph: int | None
    item: int | None


def provision(raw: str | None) -> Provision:
    """第十一条、第十二条 → articles (11, 12); 第二十三条第二款 → article 23, paragraph 2;
    第十一条至第十三条 → 11, 12, 13; numerals it cannot read are left out."""
    if not raw:
        return Provision(None, (), None, None)
    articles: list[int] = []
    paragraph = item = None
    previous_end = 0
    for match in re.finditer(rf"第\s*({_NUM})\s*([章节条款项目])", raw):
        value, unit = cn_numeral(re.sub(r"\s+", "", match.group(1))), match.group(2)
        if value is None:
            continue
        if unit == "条":
            between = raw[previous_end:match.start()]
            if articles and re.search(r"至|到", between) and value > articles[-1]:
                articles += list(range(articles[-1] + 1, value + 1))
            else:
                articles.append(value)
        elif unit == "款" and paragraph is None:
            paragraph = value
        elif unit in "项目" and item is None:
            item = value
        previous_end = match.end()
    articles = list(dict.fromkeys(articles))
    return Provision(articles[0] if articles else None, tuple(articles), paragraph, item)


def _clean(text: str) -> str:
    return clean_text(strip_markup(text)).replace("*", "").strip()


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in "“\"「『" and text[-1] in "”\"」』":
        return text[1:-1].strip()
    if text and text[0] in "“\"「『" and not re.search(r"[”\"」』]", text[1:]):
        return text[1:].strip()
    return text


def _key(title: str) -> str:
    return re.sub(r"[\s《》“”\"]", "", title)


def _ordinal(text: str) -> tuple[int | None, str]:
    match = _ORDINAL.match(text)
    if not match:
        return None, text
    value = next(v for v in match.groupdict().values() if v)
    return cn_numeral(value), text[match.end():]


def _opening(issue: Issue, doc: Document) -> tuple[int | None, dict[str, str], list[str]]:
    """(line of the sentence that announces the amendments, 《title》 key → number it names,
    the numbers in the order named). Only a decision amends: its title says 修改 (修正,
    修订), or the sentence says 决定 (…予以修改 in other prose is an instruction)."""
    titled = _AMENDING_TITLE.search(to_simplified(doc.title or "")) is not None
    for n in range(doc.number_line + 1, doc.end_line + 1):
        raw = issue.line(n)
        if "\t" in raw:
            continue
        text = _clean(raw)
        match = _OPENING.search(text)
        if not match or not (titled or "决定" in text[:match.start()]):
            continue
        own = doc.doc_number.text if doc.doc_number else None
        titles: dict[str, str] = {}
        numbers: list[str] = []
        head = text[:match.start()]
        for start, _, number in find_doc_numbers(head):
            if number.text == own:
                continue
            title = _title_before(head, start)
            numbers.append(number.text)
            if title:
                titles[_key(title)] = number.text
        return n, titles, numbers
    return None, {}, []


def _title_before(text: str, end: int) -> str | None:
    from etl.extractors.document_citations import _closing_title
    return _closing_title(text, end)[0]


def _resolve(title: str | None, inside: str | None, titles: dict[str, str]) -> str | None:
    if inside:
        found = find_doc_numbers(inside)
        if found:
            return found[0][2].text
    if not title:
        return None
    key = _key(title)
    if key in titles:
        return titles[key]
    near = [n for k, n in titles.items() if key in k or k in key]
    return near[0] if len(set(near)) == 1 else None


def _end(issue: Issue, doc: Document, start: int) -> int:
    """The last line of the edits: before 本决定自…施行 / …根据本决定作相应修改 / the
    signature."""
    last = (doc.signed_line - 1) if doc.signed_line and doc.signed_line > start else \
        doc.end_line
    for n in range(start + 1, last + 1):
        text = _clean(issue.line(n))
        if text and _CLOSING.search(text):
            return n - 1
    # the issuer's name over the date
    while last > start and (not _clean(issue.line(last)) or
                            re.fullmatch(r"\S{2,20}(?:政府|办公室|办公厅)",
                                         _clean(issue.line(last)))):
        last -= 1
    return last


def _clauses(text: str) -> list[str]:
    """``text`` split after 。 and ； outside quotation marks."""
    out, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "“「『":
            depth += 1
        elif ch in "”」』" and depth:
            depth -= 1
        elif ch in _SENTENCE_END and depth == 0:
            out.append(text[start:k + 1])
            start = k + 1
    if text[start:].strip():
        out.append(text[start:])
    return [c.strip() for c in out if c.strip()]


def _one(clause: str) -> Edit | None:
    """An edit from one clause (no target, line or item yet), or None."""
    body = clause.rstrip(_SENTENCE_END + "，, ")
    if m := _RENUMBER.match(body):
        return Edit("renumber", 0, 0, clause, provision_raw=m.group("prov"),
                    new_provision_raw=m.group("newprov"))
    if _RENUMBER_REST.match(body):
        return Edit("renumber", 0, 0, clause)
    if m := _REPLACE.match(body):
        return Edit("replace_text", 0, 0, clause, provision_raw=m.group("prov"),
                    old_text=m.group("old"), new_text=m.group("new"))
    if m := _DELETE_TEXT.match(body):
        return Edit("delete_text", 0, 0, clause, provision_raw=m.group("prov") or
                    m.group("prov2"), old_text=m.group("old") or m.group("old2"))
    if m := _DELETE.match(body):
        return Edit("delete", 0, 0, clause, provision_raw=m.group("prov") or m.group("prov2"))
    if m := _ADD_WORDS.match(body):
        return Edit("add", 0, 0, clause, provision_raw=m.group("prov"),
                    new_text=m.group("new"))
    if m := _MODIFY.match(clause.strip()):
        return Edit("modify", 0, 0, clause, provision_raw=m.group("prov"),
                    new_text=m.group("new").strip() or None, takes_text=True)
    if m := _ADD.match(clause.strip()):
        return Edit("add", 0, 0, clause, provision_raw=m.group("prov"),
                    new_provision_raw=m.group("newprov"), new_text=m.group("new").strip() or None,
                    takes_text=True)
    return None


def _edits_in(text: str) -> list[Edit] | None:
    """Every edit in a line's text, or None when the line starts with none. An edit that
    takes a new text (修改为：…) takes the rest of the line; a clause that is no edit stays
    with the edit before it."""
    out: list[Edit] = []
    rest = text.strip()
    while rest:
        first = _clauses(rest)[0]
        edit = _one(first)
        if edit is None and not out:
            return None
        if edit is None:
            out[-1].evidence += first
        elif edit.takes_text:
            edit = _one(rest) or edit  # its new text runs past the clause
            edit.evidence = rest
            out.append(edit)
            return out
        else:
            out.append(edit)
        rest = rest[rest.find(first) + len(first):].strip()
    return out or None


def edits(issue: Issue, doc: Document) -> list[Edit]:
    """Every edit an amending decision makes, in order."""
    start, titles, numbers = _opening(issue, doc)
    if start is None:
        return []
    end = _end(issue, doc, start)
    only = numbers[0] if len(set(numbers)) == 1 else None
    target_title = next((t for t, n in titles.items() if n == only), None) if only else None
    target_doc = only
    item_no: int | None = None
    out: list[Edit] = []
    open_edit: Edit | None = None
    for n in range(start + 1, end + 1):
        raw = issue.line(n)
        if "\t" in raw:
            open_edit = None
            continue
        text = _clean(raw)
        if not text:
            continue
        number, body = _ordinal(text)
        heading = _HEADING.match(body)
        if heading and not _one(body):
            target_title = clean_text(heading.group("title"))
            target_doc = _resolve(target_title, heading.group("inside"), titles)
            if target_doc:  # （一）《A》（No）: the number for later mentions of A too
                titles.setdefault(_key(target_title), target_doc)
            item_no, open_edit = None, None
            continue
        inline = _INLINE_TARGET.match(body)
        if inline and _edits_in(body[inline.end():]):
            named = clean_text(inline.group("title"))
            if not target_title or _key(named) != _key(target_title):
                target_title = named
                target_doc = _resolve(named, inline.group("inside"), titles)
            body = body[inline.end():]
        found = _edits_in(body)
        if found is None:
            if open_edit is not None:  # the new text runs on
                joiner = "" if open_edit.new_text and not open_edit.new_text.endswith(
                    tuple(_SENTENCE_END + "：:")) else "\n"
                open_edit.new_text = (open_edit.new_text + joiner + text) \
                    if open_edit.new_text else text
                open_edit.last_line = n
            continue
        if number is not None:
            item_no = number
        for edit in found:
            edit.line = edit.last_line = n
            edit.target_title, edit.target_doc, edit.item_no = target_title, target_doc, item_no
            if target_doc is None:
                edit.flags.append("target_number_missing" if target_title else
                                  "target_unknown")
            out.append(edit)
        open_edit = found[-1] if found[-1].takes_text else None
    for k, edit in enumerate(out):
        if edit.new_text:
            edit.new_text = _unquote(edit.new_text)
        for name in ("provision_raw", "new_provision_raw"):
            value = getattr(edit, name)
            setattr(edit, name, re.sub(r"原\s*(?=第)", "", value).strip() if value else None)
        previous = out[k - 1] if k else None
        if edit.action == "add" and edit.provision_raw is None and previous and \
                previous.target_doc == edit.target_doc and previous.item_no == edit.item_no \
                and edit.new_provision_raw and re.search("[款项]", edit.new_provision_raw):
            # 增加一款作为第二款 right after an edit of 第十六条: that article
            carried = re.match(r"第\s*[^第]{1,6}?条", previous.provision_raw or
                               previous.carried_provision or "")
            if carried:
                edit.carried_provision = carried.group(0)
                edit.flags.append("provision_carried")
    return out


def validity_effect(edit: Edit) -> str | None:
    """What an edit implies for the document's term (derived): expiry_removed when the
    words it deletes set a term, expiry_changed when the words it writes set one."""
    old = edit.old_text or ""
    new = edit.new_text or ""
    if edit.action == "delete_text" and _VALIDITY.search(old):
        return "expiry_removed"
    if edit.action in ("replace_text", "modify", "add") and (
            _VALIDITY.search(new) or (_VALIDITY.search(old) and edit.action == "replace_text")):
        return "expiry_changed"
    return None


def _effective(issue: Issue, doc: Document) -> tuple[date | None, list[str]]:
    """When the amendments take effect: with the deciding document."""
    valid = validity(issue, doc)
    if valid.effective_from and "effective_date_inferred" not in valid.flags:
        return valid.effective_from, []
    if valid.effective_from or doc.signed_on:
        return valid.effective_from or doc.signed_on, ["event_date_inferred"]
    return None, ["event_date_missing"]


def row(issue: Issue, doc: Document, edit: Edit, seq: int, when: date | None,
        when_flags: list[str]) -> dict:
    where = provision(edit.provision_raw or edit.carried_provision)
    new_where = provision(edit.new_provision_raw)
    paragraph = where.paragraph
    if edit.action == "add" and paragraph is None and new_where.paragraph:
        paragraph = new_where.paragraph  # 增加一款作为第二款: where it lands
    effect = validity_effect(edit)
    return {
        "amending_doc": doc.doc_number.text if doc.doc_number else None,
        "edit_seq": seq, "target_doc": edit.target_doc, "target_title": edit.target_title,
        "item_no": edit.item_no, "action": edit.action,
        "provision_raw": edit.provision_raw, "article": where.article,
        "articles": ";".join(map(str, where.articles)) or None,
        "paragraph": paragraph, "item": where.item,
        "new_provision_raw": edit.new_provision_raw,
        "new_article": new_where.article,
        "old_text": edit.old_text or None, "new_text": edit.new_text or None,
        "amended_on": when, "validity_effect": effect,
        "evidence": edit.evidence.strip(), "source_issue": issue.issue_id,
        "source_line": edit.line,
        "quality_flags": edit.flags + when_flags + (["validity_effect_derived"] if effect
                                                    else []),
    }


def derived_events(amendment: dict) -> list[dict]:
    """document_events rows an amendment implies (see DERIVED_EVENTS): an expiry_removed
    event, or an expires event dated by the new words."""
    effect = amendment["validity_effect"]
    if not effect or not amendment["target_doc"]:
        return []
    flags = [DERIVED_FLAG] + [f for f in amendment["quality_flags"]
                              if f in ("event_date_inferred", "event_date_missing")]
    base = {"doc_number": amendment["target_doc"], "title": amendment["target_title"],
            "by_doc": amendment["amending_doc"], "evidence": amendment["evidence"],
            "source_issue": amendment["source_issue"], "source_line": amendment["source_line"],
            "quality_flags": flags}
    if effect == "expiry_removed":
        return [{**base, "event": "expiry_removed", "date": amendment["amended_on"]}]
    new = _NEW_EXPIRY.search(amendment["new_text"] or "")
    if new:
        return [{**base, "event": "expires", "date": parse_cn_date(new.group("date")),
                 "quality_flags": [DERIVED_FLAG]}]
    return []


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    for doc in issue.documents:
        if doc.doc_number is None:
            continue
        found = edits(issue, doc)
        if not found:
            continue
        when, when_flags = _effective(issue, doc)
        for seq, edit in enumerate(found, start=1):
            amendment = row(issue, doc, edit, seq, when, when_flags)
            out.add("document_amendments", amendment)
            if DERIVED_EVENTS:
                for event in derived_events(amendment):
                    out.add("document_events", event)
        out.notes.append(f"line {found[0].line}: {doc.doc_number.text} makes {len(found)} "
                         f"edits to {len({e.target_doc or e.target_title for e in found})} "
                         "documents")
    return out


# --- across issues -----------------------------------------------------------------------


def _issued(frames: dict[str, pd.DataFrame]) -> dict[str, pd.Timestamp]:
    """Each number's issue date, from the registry and the gazette index."""
    out: dict[str, pd.Timestamp] = {}
    for name, column in (("normative_documents", "issued_on"), ("gazette_documents",
                                                                  "signed_on")):
        frame = frames.get(name)
        if frame is None or column not in frame.columns:
            continue
        for number, day in zip(frame["doc_number"], frame[column], strict=True):
            if isinstance(number, str) and day is not None and not pd.isna(day):
                out.setdefault(number, pd.Timestamp(day))
    return out


def combine(frames: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    """Flag a removed term that, counted from the document's issue date, had already run
    out before the amendment took effect (whether the document was still in force then
    depends on its effective date, which may be later)."""
    rows = frames["document_amendments"]
    if rows.empty:
        return {}
    issued = _issued(frames)
    flags = list(rows["quality_flags"])
    for k, amendment in enumerate(rows.to_dict("records")):
        if amendment["validity_effect"] != "expiry_removed":
            continue
        years = _TERM_YEARS.search(amendment["old_text"] or "")
        start = issued.get(amendment["target_doc"])
        when = amendment["amended_on"]
        if not years or start is None or when is None or pd.isna(when):
            continue
        n = cn_numeral(years.group("n"))
        end = last_day_after_years(start.date(), n) if n else None
        if end is not None and end < pd.Timestamp(when).date():
            have = [f for f in (flags[k] or "").split(";") if f]
            flags[k] = ";".join([*have, "removed_term_may_have_run_out"])
    return {"document_amendments": rows.assign(quality_flags=flags)}
