"""主要经济指标 → economic_indicators: one row per (period, indicator).

Statistics bureaus print the monthly indicator table in many shapes; this module reads the
ones any reader of Chinese statistical tables recognises, from the ``Table`` model only:

- **recognition** never depends on one city's title: a title (or a line just above, or a
  title row on top of the table) naming 经济指标 / 统计指标, or a header that starts with
  指标 / 指标名称 (项目, or a blank corner, with a growth column) and has a number column.
  Sub-tables printed right after one (``二、投资`` with or without a header of its own) share
  its period, columns, section numbering and 数据来源.

- **columns** are classified by their header words (reviewed in
  datasets/reference/indicator_headers.csv): the indicator name, a 单位 column, value columns
  (本月止累计 / 1-本月 / 1-9月 cumulative, 本月 / 9月 single month) and growth columns
  (比上年同期增长%, 比去年同月增长% …, paired with the value column to their left). A header
  split over two rows (``1-9月`` merged over ``绝对值 | 增长%``, or a wrapped ``增长%``) is
  recognised by its continuation row — header words, no numbers — and combined.
- **periods**: each value column gives its own period, so a table with a month column and a
  cumulative one yields one row per (period, indicator) — 2019-09..2019-09 beside
  2019-01..2019-09 (``period_kind``). Rows per period keep the dataset tidy: every row is one
  observation with one value and one growth, the primary key stays (period, indicator), and
  single months line up across issues without new column pairs. A period printed without its
  year takes the issue's (flag ``period_year_from_issue``).
- **rows**: ``一、工业`` headings (inside a table, between sub-tables, or wrapped into the
  previous row by the layout) open a section; a section row with a unit (``一、一般公共预算收入
  (亿元)``) passes it on to its sub-rows (``unit_inherited``); ``#`` / ``其中:`` rows and
  ``1、`` rows under a section total are parts of it (``part_of``); which unmarked sub-row is a
  part of its section total is domain knowledge, so it comes from the reviewed catalogue
  (datasets/reference/indicators.csv, with aliases), not from the layout. Units: printed
  after the name or in a 单位 column (〃 repeats the row above) > the total's or section's >
  the table's (``单位：亿元``) > the catalogue's; never guessed.
- **cells**: ``——`` / ``-`` (not applicable) and ``…`` (not available) are empty with a flag
  saying which; ``持平`` is growth 0 printed as words; ``提高0.3个百分点`` is a change in
  percentage points (``change_pp``), never a growth rate. ``value_raw`` and ``yoy_pct_raw``
  keep the cell each number was read from as printed (``3241.50``, ``——``, ``持平``), so a
  reader can show the decimals the gazette printed.

Names and header words are matched simplified (``etl.normalize.to_simplified``), half-width
and without spaces; ``indicator_raw`` keeps the cell as printed.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from etl import normalize
from etl.errors import GazetteError
from etl.extractors import Context, Extraction
from etl.normalize import clean_text, cn_numeral, parse_number, to_halfwidth
from etl.read import Issue, Row, Table, is_page_furniture, strip_markup

DATASETS = ("economic_indicators",)

_SOURCE = re.compile(r"^(?:数据|资料)来源[:：]\s*(.+)$")
_TRAILING_PAREN = re.compile(r"[(（]([^()（）]{1,16})[)）]\s*$")
_UNIT_LINE = re.compile(r"^[(（]?\s*(?:计量)?单位\s*[:：]\s*([^()（）\s]{1,10})\s*[)）]?$")
_UNIT_WORDS = ("元", "吨", "瓦", "度", "%", "个", "家", "人", "户", "辆", "台", "件", "米",
               "箱", "TEU", "亩", "公顷", "头", "只", "张", "次", "套", "艘", "=100", "倍",
               "克", "升", "座", "所", "床", "小时", "千瓦", "立方", "公里", "万", "亿", "‰")
_NOT_A_UNIT = ("含", "包括", "口径", "扣除", "按", "其中", "剔除", "可比")


def _to_simplified(text: str) -> str:
    """Traditional → simplified for matching only (``etl.normalize.to_simplified`` when the
    normaliser has it); printed text is always kept as printed."""
    convert = getattr(normalize, "to_simplified", None)
    return convert(text) if convert else text


def _key(text: str) -> str:
    """The form names and header words are matched in: simplified, half-width, no spaces,
    dashes between numbers as ``-``."""
    text = to_halfwidth(_to_simplified(text)).replace("−", "-").replace("﹣", "-")
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d)[—–－~～至到](?=\d)", "-", text)


# --- periods --------------------------------------------------------------------------------

_MONTHS = re.compile(r"(?:(\d{4})年)?(\d{1,2})(?:-(\d{1,2}))?月")
# an indicator table titled by a quarter is cumulative since January (2019年三季度 = 1-9月)
_QUARTERS = (("前三季度", 1, 9), ("1-3季度", 1, 9), ("一至三季度", 1, 9), ("三季度", 1, 9),
             ("上半年", 1, 6), ("二季度", 1, 6), ("一季度", 1, 3), ("四季度", 1, 12),
             ("全年", 1, 12))
_YEAR = re.compile(r"(\d{4})年")


@dataclass(frozen=True)
class Span:
    """Months a text names: (year or None, first, last); ``single`` for 9月 (not 1-9月)."""

    year: int | None
    first: int
    last: int
    single: bool


_IMPOSSIBLE = Span(None, 0, 0, False)


def _span(text: str) -> Span | None:
    """The first month span in ``text`` (``2018年1-10月份`` / ``1-9月`` / ``9月`` /
    ``前三季度``); ``_IMPOSSIBLE`` when the first one found is not a real span."""
    key = _key(text)
    match = _MONTHS.search(key)
    if match:
        year = int(match.group(1)) if match.group(1) else None
        first, last = int(match.group(2)), match.group(3)
        last_month = int(last) if last else first
        if not 1 <= first <= last_month <= 12:
            return _IMPOSSIBLE
        return Span(year, first, last_month, last is None)
    for word, first, last in _QUARTERS:
        if word in key:
            year = _YEAR.search(key)
            return Span(int(year.group(1)) if year else None, first, last, False)
    return None


def _year_from_issue(issue: Issue, month: int) -> int | None:
    """The year of a period printed without one: the publication year (the year before when
    the month comes after the publication month), else the issue's year."""
    published: date | None = issue.published_on
    if published is not None:
        return published.year if month <= published.month else published.year - 1
    if issue.year:
        return issue.year
    head = issue.issue_id[:4]
    return int(head) if head.isdigit() else None


# --- header ----------------------------------------------------------------------------------


@functools.cache
def _header_words(reference_dir: Path) -> tuple[tuple[str, str, str, str], ...]:
    rows = Context(reference_dir=reference_dir).records("indicator_headers")
    return tuple((_key(r["word"]), r["match"], r["role"], r["period"]) for r in rows)


def _month_template(key: str) -> str:
    key = re.sub(r"\d{4}年", "", key)
    key = re.sub(r"(?<!\d)1-\d{1,2}月份?", "1-N月", key)
    return re.sub(r"(?<![\d-])\d{1,2}月份?", "N月", key)


def _classify(text: str, words) -> tuple[str | None, str | None]:
    """(role, period kind) of a header cell; role None for a cell that names nothing."""
    key = _month_template(_key(text)).replace("(%)", "%")
    if not key:
        return None, None
    for word, match, role, period in words:
        if (key == word) if match == "exact" else (word in key):
            return role, period or None
    return None, None


@dataclass
class Column:
    index: int
    text: str
    role: str  # label / unit / value / growth / change_pp / ignore
    kind: str | None = None  # cumulative / month
    span: Span | None = None  # months printed in the header cell itself


def _header_like(cells: list[str], words) -> bool:
    """Cells after the first that are all header words, none a number (``绝对值 | 增长%``,
    ``1-9月 | 增长%``)."""
    rest = [c for c in cells[1:] if c.strip()]
    if not rest or any(parse_number(c.replace("%", "")).value is not None for c in rest):
        return False
    return all(_classify(c, words)[0] is not None or _span(c) not in (None, _IMPOSSIBLE)
               or _unit_cell(c) for c in rest)


def _unit_cell(text: str) -> bool:
    """A header cell that is only a unit in brackets (``(亿元)`` under ``总量``)."""
    match = _TRAILING_PAREN.fullmatch(_key(text))
    return bool(match) and _is_unit(match.group(1))


def _is_header_word_row(row: Row, words) -> bool:
    """A header continuation row: an empty (or 指标) first cell, then header words only."""
    cells = row.cells
    if cells and cells[0].strip() and _classify(cells[0], words)[0] != "label":
        return False
    return _header_like(cells, words)


def _combined_header(table: Table, words) -> tuple[list[str], int]:
    """The header with its continuation rows combined; and how many rows it took."""
    header = list(table.header)
    used = 0
    while used < min(2, len(table.rows)) and _is_header_word_row(table.rows[used], words):
        below = table.rows[used].cells
        width = max(len(header), len(below))
        header += [""] * (width - len(header))
        combined, group = [], ""
        for i in range(width):
            top, sub = header[i], below[i].strip() if i < len(below) else ""
            if top:
                group = top
            elif sub:
                top = group  # under a merged cell: the text of the cell to the left
            # a merged cell some readers repeat in every row it spans is said once
            combined.append(clean_text(top + sub) if sub and sub != top else top)
        header, used = combined, used + 1
    return header, used


def _columns(header: list[str], words) -> list[Column]:
    """The columns that matter, classified; a growth column without a period of its own
    takes the period of the value column to its left (``本月 | 比上年同期增长% | 1-本月 |
    比上年同期增长%``)."""
    label = next((i for i, text in enumerate(header)
                  if _classify(text, words)[0] == "label"), 0)  # 序号 | 指标 | …
    cols = [Column(label, header[label] if header else "", "label")]
    for i, text in enumerate(header):
        if i == label:
            continue
        role, kind = _classify(text, words)
        if role == "value" and ("上年" in _key(text) or "去年" in _key(text)):
            role = "ignore"  # last year's value (上年同期累计), not this year's
        if role in (None, "label"):
            continue
        span = _span(text) if role in ("value", "growth", "change_pp") else None
        if span is _IMPOSSIBLE:
            span = None
        if span is not None:  # months printed in the header decide: 9月 single, 1-9月 cumulative
            kind = "month" if span.single else "cumulative"
        cols.append(Column(i, text, role, kind, span))
    left = None
    for col in cols:
        if col.role == "value":
            col.kind = col.kind or "cumulative"
            left = col.kind
        elif col.role in ("growth", "change_pp") and col.kind is None:
            col.kind = left or "cumulative"
    return cols


_NUMBER_TOKEN = re.compile(r"\s[-+]?\d[\d,]*(?:\.\d+)?%?(?=\s|$)")


def _runs_cells_together(label: str) -> bool:
    """A row label holding a number of its own after a space (``亿元 212.4 8.8``): the
    layout ran the row's cells into its first one. An indicator's name never does (``PM2.5``,
    ``5G基站`` keep their digits inside a word; an ordinal ``1 工业`` comes first)."""
    text = to_halfwidth(label).strip()
    found = _NUMBER_TOKEN.findall(text)
    return len(found) > 1 or (len(found) == 1 and ("." in found[0] or text.endswith(
        found[0].strip())))


def _number_columns(cols: list[Column]) -> bool:
    return any(c.role in ("value", "growth", "change_pp") for c in cols)


# --- cells -----------------------------------------------------------------------------------

_NOT_APPLICABLE = set("-—–―─－/")
_NOT_AVAILABLE = set(".…·。")
_WORDS_UP = ("提高", "上升", "增加", "增长", "加快", "扩大", "上涨", "回升", "提升", "升高")
# 收窄 / 缩小 (a gap narrowing) say no sign for sure: such a cell stays unreadable
_WORDS_DOWN = ("下降", "降低", "减少", "回落", "下跌", "放缓", "减")
_GROWTH_TEXT = re.compile(r"^(?P<word>[\u4e00-\u9fff]{0,3}?)(?P<num>[+-]?\d+(?:\.\d+)?)"
                          r"(?P<tail>个百分点|百分点|%|倍)?$")


@dataclass
class Cell:
    value: float | None = None
    flags: list[str] = field(default_factory=list)
    points: bool = False  # a change in percentage points
    blank: bool = True
    raw: str | None = None  # the cell as printed (3241.50, ——, 持平): the decimals it shows


def _placeholder(text: str) -> str | None:
    squeezed = re.sub(r"\s+", "", text)
    if squeezed and set(squeezed) <= _NOT_APPLICABLE:
        return "not_applicable"
    if squeezed and set(squeezed) <= _NOT_AVAILABLE:
        return "not_available"
    return None


def _read_cell(text: str, role: str) -> Cell:
    raw = text.strip()
    if not raw:
        return Cell()
    prefix = "value" if role == "value" else "yoy"
    mark = _placeholder(raw)
    if mark:
        return Cell(None, [f"{prefix}_{mark}"], blank=False, raw=raw)
    if role != "value":
        squeezed = re.sub(r"^(?:同比|比上年|比去年|较上年|较去年)", "", _key(raw))
        if squeezed == "持平":
            points = role == "change_pp"
            return Cell(0.0, ["change_pp_printed_as_words" if points else "yoy_printed_as_words"],
                        points=points, blank=False, raw=raw)
        match = _GROWTH_TEXT.match(squeezed)
        if match and (match.group("word") or match.group("tail")):
            word, tail = match.group("word"), match.group("tail") or ""
            if word and word not in _WORDS_UP + _WORDS_DOWN:
                return Cell(None, ["number_unreadable"], blank=False, raw=raw)
            number = float(match.group("num"))
            if word in _WORDS_DOWN:
                number = -abs(number)
            points = "百分点" in tail or role == "change_pp"
            flags = ["change_pp_printed_as_words" if points else "yoy_printed_as_words"] \
                if word else []
            if tail == "倍" and not points:  # 增长2.4倍 = +240 %
                number, flags = number * 100, ["yoy_printed_as_words"]
            return Cell(number, flags, points=points, blank=False, raw=raw)
    cleaned = raw[:-1] if raw.endswith(("%", "％")) and len(raw) > 1 else raw
    parsed = parse_number(cleaned)
    return Cell(parsed.value, list(parsed.flags), points=role == "change_pp", blank=False,
                raw=raw)


# --- row labels ------------------------------------------------------------------------------

_MARK = re.compile(r"^(?:[#＃]+|其中\s*[:：]?|内\s*[:：])\s*")
_CN_ORDINAL = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*")
_CN_PAREN_ORDINAL = re.compile(r"^[(（]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*")
_ARABIC_ORDINAL = re.compile(r"^(?:[(（]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[、.．](?!\d)|[①-⑳])\s*")


@dataclass
class Label:
    raw: str
    name: str  # without marker, ordinal and unit
    unit: str | None
    section: int | None  # 一、 → 1
    sub_section: bool  # (一)
    numbered: bool  # 1、 (1)
    marked: bool  # # or 其中:


def _is_unit(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 10 or any(w in text for w in _NOT_A_UNIT):
        return False
    return any(w in text for w in _UNIT_WORDS)


def _label(raw: str) -> Label:
    text = clean_text(raw).strip("*").strip()  # markdown bold around a section row
    marked = False
    match = _MARK.match(text)
    if match and match.end():
        marked, text = True, text[match.end():]
    section, sub_section, numbered = None, False, False
    if match := _CN_ORDINAL.match(text):
        section, text = cn_numeral(match.group(1)), text[match.end():]
    elif match := _CN_PAREN_ORDINAL.match(text):
        sub_section, text = True, text[match.end():]
    elif match := _ARABIC_ORDINAL.match(text):
        numbered, text = True, text[match.end():]
    if not marked and (match := _MARK.match(text)) and match.end():
        marked, text = True, text[match.end():]
    unit = None
    paren = _TRAILING_PAREN.search(text)
    if paren and _is_unit(paren.group(1)):
        unit, text = paren.group(1).strip(), text[:paren.start()]
    return Label(raw, text.strip().rstrip(":："), unit, section, sub_section, numbered, marked)


# --- catalogue -------------------------------------------------------------------------------


@functools.cache  # once per reference directory, not once per issue
def _catalogue_in(reference_dir: Path) -> dict[tuple[str, str], dict]:
    out: dict[tuple[str, str], dict] = {}
    for row in Context(reference_dir=reference_dir).records("indicators"):
        parent = _key(row["parent_zh"])
        names = [row["indicator_zh"], *filter(None, row.get("aliases_zh", "").split("|"))]
        for name in names:
            out.setdefault((_key(name), parent), row)
    return out


def _lookup(catalogue: dict, name: str, parent: str) -> tuple[dict | None, bool]:
    """(catalogue entry, whether it matched under ``parent``): the name as printed, then
    without a trailing parenthesis that is not a unit (``固定资产投资(不含农户)``)."""
    names = [_key(name)]
    paren = _TRAILING_PAREN.search(name)
    if paren:
        names.append(_key(name[:paren.start()]))
    for key in names:
        if parent and (key, _key(parent)) in catalogue:
            return catalogue[(key, _key(parent))], True
    for key in names:
        if (key, "") in catalogue:
            return catalogue[(key, "")], False
    return None, False


def _slug(name: str) -> str:
    codes = "_".join(f"{ord(ch):x}" for ch in name)
    if len(codes) > 60:  # long names sharing a prefix must not collide: end with a digest
        codes = codes[:51] + "_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return "unreviewed_" + codes


def _guess_measure(name: str) -> str:
    if "指数" in name:
        return "index"
    if "余额" in name:
        return "end_of_period_balance"
    return "cumulative_flow"


# --- recognising a table -------------------------------------------------------------------

_TITLE_WORDS = ("经济指标", "统计指标")
# weaker: a title that names indicators only loosely needs a number column too
_LOOSE_TITLE_WORDS = ("主要指标", "经济运行", "统计数据", "统计月报", "经济数据")
_LABEL_HEADERS = ("指标", "指标名称", "主要指标", "指标名", "主要统计指标", "主要经济指标")


def is_indicator_table(table: Table, context: str = "", words=None) -> bool:
    """A title (or a line just above the table) naming 经济指标 / 统计指标, or a header that
    starts with 指标 / 指标名称 (项目 with a growth column) and has a number column."""
    title = _key((table.title or "") + " " + context)
    if any(w in title for w in _TITLE_WORDS) or any("本月止累计" in h for h in table.header):
        return True
    words = words if words is not None else _header_words(Context().reference_dir)
    cols = _columns(table.header, words)
    first = _TRAILING_PAREN.sub("", _key(table.header[cols[0].index])) if table.header else ""
    if first in _LABEL_HEADERS:
        return _number_columns(cols)
    growth = any(c.role == "growth" for c in cols)
    if first in ("项目", "项目名称"):
        return growth
    if not first:  # a blank corner cell over 总量(亿元) | 比上年同期增长(%)
        return growth and any(c.role == "value" for c in cols)
    return any(w in title for w in _LOOSE_TITLE_WORDS) and _number_columns(cols)


def _looks_like_data(cells: list[str]) -> bool:
    """A header that is really a data row (a sub-table printed without a header of its own)."""
    rest = [c for c in cells[1:] if c.strip()]
    return bool(cells) and bool(rest) and all(
        parse_number(c.rstrip("%％")).value is not None or _placeholder(c) for c in rest)


# --- headings ----------------------------------------------------------------------------------


@dataclass
class Heading:
    line: int
    text: str


def _is_heading_text(text: str, loose: bool = False) -> bool:
    """A section heading printed as a line of its own (``一、工业``, ``（二）投资``, ``其中：``;
    with ``loose`` any short line without digits, as between two sub-tables)."""
    text = clean_text(strip_markup(text))
    if not text or len(text) > 30 or _SOURCE.match(text) or _UNIT_LINE.match(_key(text)) \
            or text.startswith(("注", "说明")):
        return False
    label = _label(text)
    if any(ch.isdigit() for ch in label.name):
        return False
    return (loose and len(text) <= 20) or label.section is not None or label.sub_section \
        or text.endswith((":", "：")) or label.marked


def _after_number(row: Row, text: str) -> bool:
    """Was ``text`` (a line the layout joined to the row's last cell as a wrap) joined to a
    number, a placeholder or 持平? Such a cell never wraps into words: the line is a
    sub-heading of its own (``工业`` between two rows), not the end of the cell."""
    cell = row.cells[-1] if row.cells else ""
    if not cell.endswith(text):
        return False
    before = cell[: -len(text)].strip()
    for _, other in row.continuations:  # the cell as printed, before any line was joined
        if other != text and before.endswith(other):
            before = before[: -len(other)].strip()
    if not before:
        return False
    cleaned = before.rstrip("%％")
    return parse_number(cleaned).value is not None or _placeholder(before) is not None \
        or _key(before) == "持平"


def _events(rows: list[Row], interruptions: list[tuple[int, str]]) -> list[Row | Heading]:
    """The rows, with the headings the layout put elsewhere: a short line between two parts
    of the table (``interruptions``), or a heading line joined into the previous row as if
    it were a wrapped cell."""
    events: list[Row | Heading] = []
    for row in rows:
        headings = [(n, t) for n, t in row.continuations
                    if _is_heading_text(t) or (_after_number(row, t)
                                               and _is_heading_text(t, loose=True))]
        if headings:
            cells = list(row.cells)
            for _, text in reversed(headings):
                if cells and cells[-1].endswith(text):
                    cells[-1] = cells[-1][: -len(text)].rstrip()
            rest = [c for c in row.continuations if c not in headings]
            flags = row.flags if rest else tuple(f for f in row.flags if f != "wrapped_row")
            row = Row(cells, row.line, flags, rest)
        events.append(row)
        events += [Heading(n, t) for n, t in headings]
    events += [Heading(n, t) for n, t in interruptions if _is_heading_text(t, loose=True)]
    return sorted(events, key=lambda e: e.line)


# --- one issue -------------------------------------------------------------------------------


_FULL_DATE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日")


def _context_above(issue: Issue, table: Table, stop: int) -> list[tuple[int, str]]:
    """The lines just above the header that belong to the table, nearest first: headings
    and unit lines, up to and including its title (the first line naming a period or
    经济指标); never past another table, a date line or ``stop``."""
    out = []
    for n in range(table.header_line - 1, max(stop, table.header_line - 8), -1):
        text = issue.line(n)
        if "\t" in text or text.lstrip().startswith("|"):
            break
        if not text.strip() or is_page_furniture(text):
            continue
        text = clean_text(strip_markup(text))
        if _FULL_DATE.search(text):
            break
        key = _key(text)
        if _span(text) is not None or any(w in key for w in _TITLE_WORDS):
            out.append((n, text))
            break
        if not (_is_heading_text(text, loose=True) or _UNIT_LINE.match(key)):
            break
        out.append((n, text))
    return out


def _titles_inside(table: Table) -> tuple[Table, list[tuple[int, str]]]:
    """A table whose first rows are its title and period (one text cell each, as a web page
    spans them over the table) → the table from its real header on, and those texts
    (nearest first) to read as lines above it."""
    texts: list[tuple[int, str]] = []
    header, line, rows = table.header, table.header_line, list(table.rows)
    def cells_in(cells: list[str]) -> int:
        return sum(1 for c in cells if c.strip())

    while rows and len(texts) < 3 and cells_in(header) == 1 and header[0].strip() \
            and any(cells_in(r.cells) > 1 for r in rows[:3]):
        texts.insert(0, (line, clean_text(header[0])))
        header, line, rows = [clean_text(c) for c in rows[0].cells], rows[0].line, rows[1:]
    if not texts:
        return table, []
    while header and not header[-1]:
        header = header[:-1]
    return replace(table, header=header, header_line=line, rows=rows), texts


def _source_agency(issue: Issue, table: Table) -> str | None:
    for n in range(table.end_line + 1, min(table.end_line + 5, len(issue.lines)) + 1):
        match = _SOURCE.match(clean_text(issue.line(n)))
        if match:
            return match.group(1).strip()
    return None


def _table_period(issue: Issue, texts: list[str], cols: list[Column]) -> tuple[Span | None, bool]:
    """The table's period from its title (or the lines above it, or its header's months) and
    whether its year was taken from the issue."""
    span = None
    for text in texts:
        span = _span(text)
        if span is not None:
            break
    if span is _IMPOSSIBLE:
        return None, False
    if span is None:  # only the header names months (1-9月累计 | 增长%)
        spans = [c.span for c in cols if c.span is not None]
        span = ([s for s in spans if not s.single] or spans or [None])[0]
        if span is not None and span.single:
            span = Span(span.year, 1, span.last, True)
    if span is None and texts and any(w in _key(texts[0]) for w in _TITLE_WORDS):
        found = _YEAR.search(_key(texts[0]))  # 2019年主要经济指标: the whole year
        span = Span(int(found.group(1)), 1, 12, False) if found else None
    if span is None:
        return None, False
    year, from_issue = span.year, False
    if year is None:
        found = next((m for t in texts if (m := _YEAR.search(_key(t)))), None)
        year = int(found.group(1)) if found else None
    if year is None:
        year, from_issue = _year_from_issue(issue, span.last), True
    if year is None:
        return None, False
    return Span(year, span.first, span.last, span.single), from_issue


def _table_unit(title: str, context: list[tuple[int, str]], cols: list[Column]) -> str | None:
    """A unit for the whole table: ``单位：亿元`` above it, ``(单位：亿元)`` at the end of its
    title, or the one unit its value columns' headers print (``本月止累计(亿元)``)."""
    for _, text in context:
        if match := _UNIT_LINE.match(_key(text)):
            return _to_simplified(match.group(1))
    candidates = [title] + [c.text for c in cols if c.role in ("label", "value")]
    units = []
    for text in candidates:
        if paren := _TRAILING_PAREN.search(text):
            inner = re.sub(r"^(?:计量)?单位[:：]", "", paren.group(1).strip())
            if _is_unit(inner) and "%" not in inner:
                units.append(inner)
    return _to_simplified(units[0]) if len(set(units)) == 1 else None


@dataclass
class Chain:
    """A table and the sub-tables printed right after it (``二、投资`` with or without a
    header of its own): they share the period, the columns and the section numbering."""

    end_line: int
    period: Span
    year_from_issue: bool
    header: list[str]
    columns: list[Column]
    unit: str | None
    reader: TableReader
    rows: list[dict] = field(default_factory=list)
    agency: str | None = None

    def close(self) -> None:
        for row in self.rows:  # 数据来源 is printed once, under the last sub-table
            if row["source_agency"] is None:
                row["source_agency"] = self.agency


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    catalogue = _catalogue_in(ctx.reference_dir)
    words = _header_words(ctx.reference_dir)
    seen: dict[tuple[str, str, str], tuple[int, float | None, float | None, bool]] = {}
    chain: Chain | None = None
    for table in issue.tables:
        context = _context_above(issue, table, chain.end_line if chain else 0)
        table, inside = _titles_inside(table)
        context = inside + context
        title = table.title if table.title and not _FULL_DATE.search(table.title) else ""
        texts = [title] + [t for _, t in context]
        own_period = any(_span(t) is not None for t in texts)
        follows = (chain is not None and not own_period
                   and table.header_line - chain.end_line <= 8)
        headerless = follows and _looks_like_data(table.header)
        header, used = _combined_header(table, words)
        combined = replace(table, header=header)
        recognised = headerless or is_indicator_table(combined, " ".join(texts[1:]), words) or (
            follows and _number_columns(_columns(header, words)))
        if not recognised:
            if chain is not None:
                chain.close()
            chain = None
            continue
        if headerless:
            header, cols = chain.header, chain.columns
            rows = [Row(list(table.header), table.header_line), *table.rows]
        else:
            cols = _columns(header, words)
            rows = table.rows[used:]
            if not _number_columns(cols):
                out.notes.append(f"line {table.header_line}: indicator table without a value "
                                 f"or growth column in its header {table.header!r}; skipped")
                continue
            growth = [c.kind for c in cols if c.role == "growth"]
            if len(growth) != len(set(growth)):  # 地区生产总值 | 增长% | 第一产业 | 增长% …
                out.notes.append(f"line {table.header_line}: indicators as columns (several "
                                 f"growth columns for one period) {header!r}; not read")
                continue
        if follows:
            period, from_issue = chain.period, chain.year_from_issue
        else:
            period, from_issue = _table_period(issue, texts, cols)
        if period is None:
            out.notes.append(f"line {table.header_line}: indicator table without a period "
                             f"in its title {table.title!r}; skipped")
            continue
        out.tables.append(table.header_line)
        # headings printed above the header (between the title and the table, or between
        # two sub-tables) open the first section of this table
        near = []
        for n, text in context:
            if _span(text) is not None or any(w in _key(text) for w in _TITLE_WORDS):
                break
            near.append(Heading(n, text))
        headings = [h for h in reversed(near) if _is_heading_text(h.text, loose=follows)]
        first = header[cols[0].index].strip() if not headerless and header else ""
        if first and _classify(first, words)[0] != "label" and not _span(first):
            headings.append(Heading(table.header_line, first))  # 工业 | 9月 | 1-9月
        if follows:
            reader = chain.reader
        else:
            if chain is not None:
                chain.close()
            reader = TableReader(issue, catalogue, words, seen, out)
            chain = Chain(0, period, from_issue, header, cols, None, reader)
        unit = _table_unit(title, context, cols) or (chain.unit if follows else None)
        start = len(out.rows.get("economic_indicators", []))
        reader.read(rows, table.interruptions, headings, cols, len(header), period, from_issue,
                    unit)
        chain.rows += out.rows.get("economic_indicators", [])[start:]
        chain.end_line, chain.unit = table.end_line, unit
        chain.agency = _source_agency(issue, table) or chain.agency
    if chain is not None:
        chain.close()
    return out


# --- one table's rows ------------------------------------------------------------------------


@dataclass
class Anchor:
    """A row printed as a total: ``#`` / ``其中`` rows and ``1、`` rows below it are its parts."""

    indicator_id: str
    name: str
    unit: str | None
    has_values: bool
    numbered: bool = False  # itself a 1、 row: the next 2、 row is its sibling, not its part


class TableReader:
    """Walks the rows of a table (and of its sub-tables) keeping the section, the total the
    next sub-items belong to and the unit they inherit."""

    def __init__(self, issue: Issue, catalogue: dict, words: tuple, seen: dict,
                 out: Extraction):
        self.issue, self.catalogue, self.words, self.seen, self.out = (
            issue, catalogue, words, seen, out)
        self.section, self.section_zh, self.section_unit = 0, "", None
        self.numbered_sections = False  # the table numbers its sections 一、二、
        self.anchor: Anchor | None = None
        self.group = False  # inside a run of sub-items (after # / 其中)
        self.previous_unit: str | None = None

    # headings -------------------------------------------------------------------------------

    def heading(self, label: Label, raw: str) -> None:
        if label.section is not None:
            self.section, self.section_zh, self.section_unit = label.section, label.name, \
                label.unit
            self.numbered_sections = True
        elif label.marked or "其中" in raw or (self.anchor is not None and (
                raw.rstrip().endswith((":", "：")) or label.name.startswith(("按", "分")))):
            # 其中： / 在总额中： / 按经济类型分组 / 分行业: the rows below are parts of the total
            self.group = True
            return
        elif self.numbered_sections:
            self.section_unit = label.unit or self.section_unit  # (一) inside 一、
        else:  # an unnumbered heading (or a (一) one, with no 一、 above) opens the next section
            self.section = self.section + 1
            self.section_zh, self.section_unit = label.name, label.unit
        self.anchor, self.group = None, False

    # rows -----------------------------------------------------------------------------------

    def read(self, rows, interruptions, headings, cols, width, period, from_issue,
             table_unit) -> None:
        def use(cols):
            number_cols = [c for c in cols if c.role in ("value", "growth", "change_pp")]
            unit_col = next((c.index for c in cols if c.role == "unit"), None)
            kinds = list(dict.fromkeys(c.kind for c in number_cols))
            periods = {k: _column_period(next(c for c in number_cols if c.kind == k), period)
                       for k in kinds}
            january = len(kinds) == 2 and periods["month"] == periods["cumulative"]
            return number_cols, unit_col, cols[0].index, kinds, periods, january

        number_cols, unit_col, label_col, kinds, periods, january = use(cols)
        for event in [*headings, *_events(rows, interruptions)]:
            if isinstance(event, Heading):
                self.heading(_label(event.text), event.text)
                continue
            cells = event.cells
            if _header_like(cells, self.words):  # a header again, inside the table
                new = _columns(cells, self.words)
                if _number_columns(new):
                    cols = new
                    width = max(i for i, c in enumerate(cells) if c.strip()) + 1
                    number_cols, unit_col, label_col, kinds, periods, january = use(cols)
                    first = cells[label_col].strip() if label_col < len(cells) else ""
                    if first and _classify(first, self.words)[0] != "label":
                        self.heading(_label(first), first)  # 投资 | 1-9月 | 增长%
                    continue
            raw_label = cells[label_col] if label_col < len(cells) else ""
            if not raw_label.strip() or clean_text(raw_label).startswith(("注", "说明")):
                continue
            if _runs_cells_together(raw_label):
                self.out.notes.append(f"line {event.line}: row label {raw_label!r} holds "
                                      "numbers (cells run together by the layout); skipped")
                continue
            label = _label(raw_label)
            read = [(c, _read_cell(cells[c.index] if c.index < len(cells) else "", c.role))
                    for c in number_cols]
            if all(cell.blank for _, cell in read):  # a heading row inside the table
                self.heading(label, raw_label)
                continue
            # the layout compares with the first header; this reader with the header in force
            trimmed = max((i for i, c in enumerate(cells) if c.strip()), default=-1) + 1
            flags = [f for f in event.flags
                     if not ((f == "extra_cells" and len(cells) <= width)
                             or (f == "short_row" and trimmed >= width))]
            unit_cell = cells[unit_col] if unit_col is not None and unit_col < len(cells) else ""
            entry, part_of, unit, flags = self.place(label, unit_cell, table_unit, flags, event,
                                                     any(c.role == "value" for c in cols))
            if self.section == 0:
                self.section = 1
            has_values = any(not cell.blank for _, cell in read)
            if part_of is None and not label.marked:
                self.anchor = Anchor(entry["indicator_id"], entry["indicator_zh"], unit,
                                     has_values, label.numbered)
            for kind in kinds:
                if kind == "month" and january:
                    continue  # January alone is the cumulative period: read once
                mine = [(c, cell) for c, cell in read if c.kind == kind]
                if all(cell.blank for _, cell in mine):
                    continue  # nothing printed for this period
                self.emit(event, kind, periods[kind], from_issue, mine, entry, label,
                          part_of, unit, flags)

    def place(self, label: Label, unit_cell: str, table_unit: str | None, flags: list[str],
              row: Row, values: bool) -> tuple[dict, str | None, str | None, list[str]]:
        """The row's catalogue entry, the total it is a part of, and its unit."""
        name = label.name
        if label.section is not None:
            self.section, self.section_zh, self.section_unit = label.section, name, label.unit
            self.numbered_sections, self.group, self.anchor = True, False, None
        printed = _to_simplified(clean_text(unit_cell).strip("()（）"))
        ditto = printed in ('"', "〃", "”", "“", "同上", "''")
        parent: Anchor | None = None  # a part by layout: # / 其中 / 1、 under a total
        if label.marked:
            parent, self.group = self.anchor, self.anchor is not None
        elif self.group and label.unit is None and label.section is None and self.anchor and (
                not printed or ditto or printed == self.anchor.unit):
            parent = self.anchor  # an unmarked row after a # row: the run of parts goes on
        elif label.numbered and self.anchor is not None and self.anchor.has_values \
                and not self.anchor.numbered:
            parent = self.anchor
        if parent is not None:
            entry, under_parent = _lookup(self.catalogue, name, parent.name)
        else:  # a sub-row the catalogue knows as a part of its section or of the row above
            entry, under_parent = None, False
            for candidate in ([self.section_zh] if label.section is None else []) + (
                    [self.anchor.name] if self.anchor and label.section is None else []):
                entry, under_parent = _lookup(self.catalogue, name, candidate)
                if under_parent:
                    break
            if not under_parent:
                entry, under_parent = _lookup(self.catalogue, name, "")
        if parent is not None and not label.marked and entry is not None and not under_parent \
                and not entry["parent_zh"] and not label.numbered:
            parent = None  # a reviewed total ends a run of sub-items
        self.group = parent is not None and (label.marked or self.group)
        # unit: printed > ditto mark > the total's > the section's > the table's > catalogue
        unit = _to_simplified(label.unit) if label.unit else None
        if ditto and self.previous_unit:
            unit, flags = self.previous_unit, flags + ["unit_inherited"]
        elif printed and unit is None:
            unit = printed
        if unit is None and parent is not None and parent.unit:
            unit, flags = parent.unit, flags + ["unit_inherited"]
        if unit is None and label.section is None and self.section_unit:
            unit, flags = self.section_unit, flags + ["unit_inherited"]
        if unit is None and table_unit:
            unit, flags = table_unit, flags + ["unit_from_table_header"]
        if entry is None:
            flags = flags + ["indicator_not_in_catalogue"]
            slug_name = f"{parent.name}：{name}" if parent else name
            entry = {"indicator_id": _slug(_key(slug_name)), "indicator_zh": _to_simplified(name),
                     # indicator_en is required: say plainly that no one translated it
                     "indicator_en": "(unreviewed)", "unit": unit or "",
                     "measure": _guess_measure(_key(name)), "part_of": ""}
        if unit is None and not values and not entry["unit"]:
            pass  # growth rates only: no value, so no unit to print
        elif unit is None and not values:
            unit, flags = entry["unit"], flags + ["unit_from_catalogue"]
        if unit is None and values and entry["unit"]:
            unit, flags = entry["unit"], flags + ["unit_from_catalogue"]
        elif unit is None and values:  # a unit must not be guessed
            if label.section is None and self.numbered_sections:
                # sections print the unit their sub-rows share: a sub-row without one is a
                # gap in the reviewed catalogue, to be filled before publishing
                raise GazetteError(f"indicator {name!r} has no unit: none printed or inherited"
                                   ", and it is not in datasets/reference/indicators.csv — "
                                   "add it there", self.issue.path, row.line)
            flags = flags + ["unit_missing"]
        elif unit is not None and _key(unit) != _key(entry["unit"]):
            flags = flags + ["unit_differs_from_catalogue"]
        part_of = entry["part_of"] or None
        if parent is not None and not under_parent:
            part_of = parent.indicator_id
        if part_of == entry["indicator_id"]:
            part_of = None
        self.previous_unit = unit
        return entry, part_of, unit, flags

    def emit(self, row, kind, span, from_issue, cells, entry, label, part_of, unit,
             flags) -> None:
        year, first, last = span
        start, end = f"{year:04d}-{first:02d}", f"{year:04d}-{last:02d}"
        period_label = f"{year}年{first}-{last}月" if first != last else f"{year}年{last}月"
        flags = list(flags) + (["period_year_from_issue"] if from_issue else [])
        value = growth = points = None
        value_raw = growth_raw = None  # the text of the cell each number was read from
        has_value_column = False
        for col, cell in cells:
            flags += cell.flags
            if col.role == "value":
                has_value_column = True
                if value is None and (cell.value is not None or value_raw is None):
                    value_raw = cell.raw  # a placeholder (——) is kept until a number comes
                value = cell.value if value is None else value
            elif cell.points:
                points = cell.value if points is None else points
            elif growth is None:
                if cell.value is not None or growth_raw is None:
                    growth_raw = cell.raw
                growth = cell.value
        if value is None and has_value_column and not any(
                f in flags for f in ("value_not_applicable", "value_not_available")):
            flags.append("value_missing")
        key = (start, end, entry["indicator_id"])
        reviewed = "indicator_not_in_catalogue" not in flags
        if key in self.seen:  # the same table printed twice (or the same row within it)
            first_line, first_value, first_growth, _ = self.seen[key]
            if (first_value, first_growth) != (value, growth) and reviewed:
                raise GazetteError(
                    f"{label.name} for {period_label} is printed twice with different values "
                    f"(lines {first_line} and {row.line})", self.issue.path, row.line)
            self.out.notes.append(f"line {row.line}: {label.name} for {period_label} repeats "
                                  f"line {first_line} with the same values; skipped"
                                  if (first_value, first_growth) == (value, growth) else
                                  f"line {row.line}: {label.name} for {period_label} repeats "
                                  f"line {first_line} with other values; skipped (unreviewed)")
            return
        self.seen[key] = (row.line, value, growth, reviewed)
        derived = (value - 100) if entry["measure"] == "index" and value else None
        self.out.add("economic_indicators", {
            "period_start": start, "period_end": end, "period_label": period_label,
            "period_kind": kind, "indicator_id": entry["indicator_id"],
            "indicator_zh": entry["indicator_zh"], "indicator_en": entry["indicator_en"],
            "indicator_raw": label.raw, "section": self.section,
            "section_zh": _to_simplified(self.section_zh) or None, "part_of": part_of, "unit": unit,
            "measure": entry["measure"], "value": value, "value_raw": value_raw,
            "yoy_pct": growth, "yoy_pct_raw": growth_raw,
            "change_pp": points,
            "index_change_pct_derived": round(derived, 6) if derived is not None else None,
            "source_agency": None, "source_issue": self.issue.issue_id,
            "source_line": row.line, "quality_flags": flags,
        })


def _column_period(col: Column, base: Span) -> tuple[int, int, int]:
    """(year, first month, last month) a value or growth column covers."""
    year = col.span.year if col.span and col.span.year else base.year
    last = col.span.last if col.span else base.last
    if col.kind == "month":
        return year, last, last
    if col.span is not None and not col.span.single:
        return year, col.span.first, last
    return year, (base.first if not base.single else 1), last
