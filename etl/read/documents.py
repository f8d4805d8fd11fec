"""Documents an issue publishes: numbered documents and orders, of any issuer.

A document is found by its number: a 文号 alone on a line (连政办发〔2018〕167号, 苏政发
[2019]12号, in parentheses or not), a title line ending in one (…的通知（国办发〔2019〕5号）),
or an order head (江苏省人民政府令 / 第114号). Its title is the block of lines printed above
the number, however many lines it wraps over; its issuer and signing date are read from the
signature. Traditional characters are matched through their simplified form; every printed
value is kept as printed.
"""

from __future__ import annotations

import bisect
import re

from etl.normalize import (
    DocNumber,
    clean_text,
    parse_cn_date,
    parse_doc_number,
    to_halfwidth,
    to_simplified,
)
from etl.profile import CityProfile, profile
from etl.read.lines import (
    DATE_LINE,
    compact,
    is_cover_furniture,
    is_page_furniture,
    last_chars,
    lines_ending_in,
    previous_text_line,
    strip_markup,
)
from etl.read.model import Document

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_BRACKETS = r"〔〕()\[\]【】〈〉《》{}"
# (matched on a compact, half-width, simplified copy of the line)
_NUMBER_LINE = re.compile(
    rf"^\(?(?P<prefix>[{_HAN}]{{2,8}})[{_BRACKETS}]?\d{{4}}[{_BRACKETS}]?年?\d{{1,4}}号\)?$")
_ORDER_LINE = re.compile(rf"^\(?(?P<issuer>[{_HAN}]{{2,24}})令第\d{{1,4}}号\)?$")
_ORDER_HEAD = re.compile(
    rf"^(?P<issuer>[{_HAN}]{{0,20}}(?:政府|国务院|部|委员会|总局|署))令$")
_ORDER_NUMBER = re.compile(r"^\(?第(\d{1,4})号\)?$")  # 第 9 号, (第9号)
# a title line that ends with its number: …的通知（苏政发〔2019〕12号）
_KINDS = ("通知|意见|办法|决定|规定|批复|复函|函|方案|细则|公告|通告|通报|报告|规划|条例|命令|"
          "决议|纪要|规则|规程|指引|计划|要点|目录|清单|制度|章程|预案|措施|安排|标准|导则|指南")
_TITLE_WITH_NUMBER = re.compile(
    rf"^(?P<title>.{{4,150}}?(?:{_KINDS})(?:\((?:试行|暂行|修订|修订稿|征求意见稿)\))?)"
    rf"\((?P<number>[{_HAN}]{{2,24}}(?:[{_BRACKETS}]?\d{{4}}[{_BRACKETS}]?年?\d{{1,4}}号|令第\d{{1,4}}号))\)$")
# an item of a list inside a document ((一)…的通知(连政发〔2012〕45号)), not a title
_LIST_ITEM = re.compile(r"^(?:\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}、|"
                        r"\d{1,3}[.、]|[①-⑳])")
_TITLE_IN_DECREE = re.compile(r"《([^》]{2,80})》")
# a title names its subject: once the block holds one of these, a blank line above ends it
_TITLE_START = re.compile("关于|印发|转发|批转|办法|条例|规定|决定|命令")
_SENTENCE_END = ("。", "；", ";", "：", ":", "！", "!", "？", "?", "，", ",")
_PAGE_NUMBER = re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$")
_PRINTED_ON = re.compile(r"日\s*印\s*发$")  # a document's last line: …办公室 2018年11月23日印发
_NOT_TITLE = re.compile(
    r"^(?:附件|抄送|主送|此件|\(此件|（此件|各县|各区|各市|第[一二三四五六七八九十百\d]+[条章])")
_TOC_LINE = re.compile(r"(?:\.{3,}|…{2,}|_{3,})\s*[(（]?\s*\d{1,3}\s*[)）]?\s*$")
# the body that signs a document, as printed: 连云港市人民政府, 灌云县人民政府办公室, 国务院办公厅…
_SIGNER = re.compile(
    rf"^[{_HAN}]{{0,20}}(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|"
    rf"国务院办公厅|国务院|委员会|办公室|办公厅)$")
_ISSUER_IN_TITLE = re.compile(
    rf"^(?P<issuer>[{_HAN}]{{0,20}}?(?:人民政府办公室|人民政府办公厅|政府办公室|政府办公厅|"
    rf"人民政府|政府|国务院办公厅|国务院))(?:关于|印发|转发|批转)")
_MAX_TITLE_LINES = 4
_MAX_TITLE_CHARS = 200


def _matching(text: str) -> str:
    """The copy of a compact line that patterns are matched on (same length)."""
    return to_simplified(to_halfwidth(text))


def is_document_head(squeezed: str) -> bool:
    """Is a compact line a document's number or an order's head (灌政发〔2019〕12号,
    江苏省人民政府令)?"""
    if not squeezed or len(squeezed) > 40 or squeezed[-1] not in "号號令)）":
        return False
    simple = _matching(squeezed)
    return bool(_NUMBER_LINE.match(simple) or _ORDER_LINE.match(simple)
                or _ORDER_HEAD.match(simple))


def ends_with_number(squeezed: str) -> bool:
    """Is a compact line a title that ends with its number (…的通知（苏政发〔2019〕12号）)?"""
    if not squeezed or len(squeezed) > 200 or squeezed[-1] not in ")）":
        return False
    simple = _matching(squeezed)
    return _LIST_ITEM.match(simple) is None and _TITLE_WITH_NUMBER.match(simple) is not None


def issuer_from_title(title: str, city: CityProfile | None = None) -> str | None:
    """The issuer a title opens with: the city's own as its short name (市政府办公室), another
    issuer as printed (江苏省人民政府办公厅); None when the title names none."""
    city = city or profile()
    match = _ISSUER_IN_TITLE.match(_matching(title))
    if not match:
        return None
    names = city.issuer_names()
    name = match.group("issuer")
    for full in (name, name.replace("人民政府", "政府")):
        if full in names:
            return names[full]
    if name.startswith(city.name_zh) and "市" + name[len(city.name_zh):] in names:
        return names["市" + name[len(city.name_zh):]]
    return title[:len(name)]


def _signer_issuer(signer: str, city: CityProfile) -> str | None:
    """The issuer a signature line names: the city's own short name, else as printed."""
    simple = _matching(signer)
    names = city.issuer_names()
    if simple in names:
        return names[simple]
    if simple.startswith(city.name_zh) and "市" + simple[len(city.name_zh):] in names:
        return names["市" + simple[len(city.name_zh):]]
    if _SIGNER.match(simple):
        return signer
    return None


def _is_title_line(line: str) -> bool:
    """Can ``line`` be part of a title block (not prose, a date, furniture, a heading…)?"""
    text = strip_markup(line)
    squeezed = re.sub(r"\s+", "", text)
    simple = _matching(squeezed)
    if not squeezed or "\t" in line or text.startswith("|") or len(squeezed) > 150:
        return False
    if squeezed.endswith(_SENTENCE_END) or squeezed.startswith("【") or squeezed.endswith("】"):
        return False
    if is_page_furniture(line) or is_cover_furniture(line) or DATE_LINE.match(squeezed):
        return False
    if _PAGE_NUMBER.match(squeezed) or _NOT_TITLE.match(simple) or _TOC_LINE.search(squeezed) \
            or _PRINTED_ON.search(squeezed):
        return False
    return not (_NUMBER_LINE.match(simple) or _ORDER_LINE.match(simple)
                or _ORDER_NUMBER.match(simple) or _ORDER_HEAD.match(simple)
                or simple in ("目录", "目次"))


# the words that open a title's subject: a block without one has not found its first line
_OPENER = re.compile("关于|印发|转发|批转")
_TITLE_END = re.compile(rf"(?:{_KINDS})(?:\((?:试行|暂行|修订)\))?$")


def _opening_above(lines: list[str], blank: int, parts: list[str]) -> bool:
    """Does the line above a blank line open the title the block below goes on with? A title
    printed a paragraph a line (a web page, a PDF's text) is parted by blank lines: the block
    (``政府投资项目管理办法的通知``) names no 关于 / 印发 yet, and the line above names one and
    does not end as a title does (``…人民政府办公室关于印发云山县``)."""
    if _OPENER.search(_matching("".join(parts))):
        return False
    above = previous_text_line(lines, blank + 1, 2)
    if above is None or not _is_title_line(lines[above]):
        return False
    text = _matching(compact(strip_markup(lines[above])))
    return bool(_OPENER.search(text)) and not _TITLE_END.search(text)


def title_block(lines: list[str], index: int, tail: str = "") -> tuple[int, str] | None:
    """(first line index, title as printed) of the title printed above line ``index``
    (0-based): the lines above, however many the title wraps over, joined with a space.

    ``tail`` is a part of the title on line ``index`` itself (a title that ends with its
    number). The block ends at a blank line once it names its subject (关于…), and always at
    prose, a date, page furniture, a section heading, a table row or the 目录.
    """
    parts: list[str] = [tail] if tail else []
    first = index
    j = index - 1
    if not tail:  # the number may stand a few blank lines below its title
        above = previous_text_line(lines, index)
        j = above if above is not None else -1
    blanks = 0
    while j >= 0 and len(parts) < _MAX_TITLE_LINES:
        if not lines[j].strip():
            # one blank line may part the lines of a title that has not named its subject yet
            blanks += 1
            above = previous_text_line(lines, j + 1, 2) if blanks == 1 and parts else None
            if above is not None and parts[0].startswith("关于") and \
                    _SIGNER.match(_matching(compact(lines[above]))):
                parts.insert(0, strip_markup(lines[above]))  # 南京市人民政府 / (blank) / 关于…
                first, j, blanks = above, above - 1, 0
                continue
            if blanks > 1 or not parts or (_TITLE_START.search(_matching("".join(parts)))
                                           and not _opening_above(lines, j, parts)):
                break
            j -= 1
            continue
        text = strip_markup(lines[j])
        if not _is_title_line(lines[j]) or \
                sum(len(p) for p in parts) + len(text) > _MAX_TITLE_CHARS:
            break
        parts.insert(0, text)
        first, blanks = j, 0
        j -= 1
    if not parts:
        return None
    return first, " ".join(parts)


def _is_table_row(lines: list[str], index: int) -> bool:
    """A number whose next line is a date is a list printed one cell a line (title / number /
    date / agency), not a document: a document's number is followed by its addressees or
    text, its date comes under the signature."""
    after = next((j for j in range(index + 1, min(index + 3, len(lines))) if lines[j].strip()),
                 None)
    return after is not None and DATE_LINE.match(compact(lines[after])) is not None


def _order_issuer(number: DocNumber, printed: str, city: CityProfile) -> str:
    """Who issues an order: the city's own as its short name, another as printed."""
    entry = city.prefix(number.doc_type)
    if entry is not None and entry.own:
        return entry.issuer
    return printed


def find_documents(lines: list[str], city: CityProfile | None = None) -> list[Document]:
    """Every numbered document and order, with title, issuer and signing date."""
    city = city or profile()
    docs: list[Document] = []
    last = last_chars(lines)
    # a number line ends with 号 (號), an order head with 令, a number in parentheses with ）
    for i in lines_ending_in(last, {"号", "號", "令", ")", "）"}):
        line = lines[i]
        squeezed = compact(line)
        if not squeezed or len(squeezed) > 200:
            continue
        simple = _matching(squeezed)
        if len(squeezed) <= 40 and (match := _NUMBER_LINE.match(simple)):
            number = parse_doc_number(squeezed, city)
            if number is None or number.is_order or number.prefix != match.group("prefix") \
                    or _is_table_row(lines, i):
                continue
            block = title_block(lines, i)
            if block is None:
                continue
            t, title_raw = block
            docs.append(Document(clean_text(title_raw), title_raw, t + 1, number, i + 1,
                                 issuer_from_title(title_raw, city), None, None, t + 1))
        elif len(squeezed) <= 40 and (match := _ORDER_LINE.match(simple)):
            number = parse_doc_number(squeezed, city)
            if number is None or not number.is_order:
                continue
            printed = squeezed.lstrip("(（")[:len(match.group("issuer"))]
            docs.append(Document("", "", i + 1, number, i + 1,
                                 _order_issuer(number, printed, city), None, None, i + 1))
        elif len(squeezed) <= 30 and (match := _ORDER_HEAD.match(simple)):
            n = next((j for j in range(i + 1, min(i + 4, len(lines))) if lines[j].strip()), None)
            found = _ORDER_NUMBER.match(_matching(compact(lines[n]))) if n is not None else None
            if not found:
                continue
            number = parse_doc_number(f"{squeezed}第{found.group(1)}号", city)
            if number is None or not number.is_order:
                continue
            docs.append(Document("", "", i + 1, number, n + 1,
                                 _order_issuer(number, squeezed[:-1], city), None, None, i + 1))
        elif (simple.endswith("号)") and not _LIST_ITEM.match(simple)
              and (match := _TITLE_WITH_NUMBER.match(simple))):
            number = parse_doc_number(squeezed[match.start("number"):], city)
            if number is None or "》" in match.group("title")[-2:]:
                continue
            text = strip_markup(line)
            cut = text.rfind("(") if text.rfind("(") > text.rfind("（") else text.rfind("（")
            block = title_block(lines, i, text[:cut].strip())
            if block is None:
                continue
            t, title_raw = block
            issuer = _order_issuer(number, number.prefix[:-1], city) if number.is_order else \
                issuer_from_title(title_raw, city)
            docs.append(Document(clean_text(title_raw), title_raw, t + 1, number, i + 1,
                                 issuer, None, None, t + 1))
    docs = _with_field_documents(lines, docs, city)
    for k, doc in enumerate(docs):
        doc.end_line = (docs[k + 1].start_line - 1) if k + 1 < len(docs) else len(lines)
        _find_signature(lines, doc, city)
    _end_at_non_document_sections(lines, docs, last)
    return docs


# a government website prints a document's disclosure fields above its text (索引号 /
# 发布机构 / 成文日期 / 文号), as lines ``文号：…`` or as a table; the text below may print the
# number again, or only its title
_FIELD_LABELS = ("文号", "发文字号", "发文文号", "文件编号")
_FIELD = re.compile(rf"^[{_HAN}]{{2,6}}[:：]")
_FIELD_REACH = 12  # lines between the fields and the title or a number line of its own


def _field_number(line: str, city: CityProfile) -> DocNumber | None:
    """The number a ``文号：…`` field (a line, or a cell of a tab row) gives."""
    cells = line.split("\t") if "\t" in line else re.split("[:：]", line, maxsplit=1)
    cells = [_matching(compact(c)) for c in cells]
    for k, cell in enumerate(cells):
        label = cell.rstrip(":：")
        if label in _FIELD_LABELS and k + 1 < len(cells) and len(cells[k + 1]) <= 40:
            number = parse_doc_number(cells[k + 1], city)
            if number is not None and _NUMBER_LINE.match(cells[k + 1]) and not number.is_order:
                return number
    return None


def _with_field_documents(lines: list[str], docs: list[Document],
                          city: CityProfile) -> list[Document]:
    """``docs`` and the documents only a ``文号：`` field names (a website's page): the title
    is the block of title lines below the fields. A number the text prints again below is
    its own document already."""
    found = []
    for i, line in enumerate(lines):
        if "号" not in line or ("文号" not in line and "字号" not in line
                                and "编号" not in line):
            continue
        number = _field_number(line, city)
        if number is None or any(d.doc_number.text == number.text
                                 and 0 <= d.number_line - (i + 1) <= _FIELD_REACH
                                 for d in docs if d.doc_number is not None):
            continue
        j = i + 1
        while j < min(len(lines), i + _FIELD_REACH) and (
                not lines[j].strip() or _FIELD.match(_matching(compact(lines[j])))
                or "\t" in lines[j]):
            j += 1
        end = j
        while end < len(lines) and end - j < _MAX_TITLE_LINES and _is_title_line(lines[end]):
            end += 1
        if end == j:
            continue
        title_raw = " ".join(strip_markup(x) for x in lines[j:end])
        found.append(Document(clean_text(title_raw), title_raw, j + 1, number, i + 1,
                              issuer_from_title(title_raw, city), None, None, i + 1))
    if not found:
        return docs
    return sorted(docs + found, key=lambda d: d.start_line)


def _find_signature(lines: list[str], doc: Document, city: CityProfile) -> None:
    for j in range(doc.number_line, min(doc.end_line, doc.number_line + 60)):
        if DATE_LINE.match(lines[j].strip()):
            doc.signed_on = parse_cn_date(lines[j])
            doc.signed_line = j + 1
            s = previous_text_line(lines, j)
            signer = compact(lines[s]) if s is not None else ""
            issuer = _signer_issuer(signer, city) if signer else None
            if issuer:
                doc.issuer = issuer  # the signature is the issuing body
            elif doc.issuer is None and _matching(signer).startswith("市长"):
                doc.issuer = city.prefix("政府令").issuer if city.prefix("政府令") else None
            break
    if not doc.title:  # an order: the decree sentence names the regulation
        for j in range(doc.number_line, min(doc.end_line, doc.number_line + 10)):
            match = _TITLE_IN_DECREE.search(lines[j])
            if match:
                doc.title_raw = match.group(1)
                doc.title = clean_text(match.group(1))
                doc.title_line = j + 1
                break


_SECTION_START = re.compile(
    rf"^(?:\d{{4}}年.{{0,12}}主要经济指标|[{_HAN}]{{0,16}}(?:人民)?政府大事记)$")


def _end_at_non_document_sections(lines: list[str], docs: list[Document],
                                  last: list[str]) -> None:
    """The last document of a section ends where the statistics or the chronicle begins."""
    starts = [j for j in lines_ending_in(last, {"标", "记", "標", "記"})
              if _SECTION_START.match(_matching(compact(lines[j])))]
    for doc in docs:
        k = bisect.bisect_left(starts, doc.number_line)
        if k < len(starts) and starts[k] < doc.end_line:
            doc.end_line = starts[k]  # 1-based line before the section's first line
