"""Lists whose separators do not say where a cell ends: shared by ``cell_lines`` (one cell
per line) and ``inferred`` (cells separated by single spaces).

Both start from a header of known header names (``etl.read.kinds``) and read rows after it:
a row starts at an id line (``5-3`` after ``5-2``) — or, when the first column is text
(指标), at a text line — and takes the lines after it until the next row; its tokens are
assigned to columns by ``etl.read.align``. Category headings (``一、古遗址（共计6处）``)
between rows are interruptions, running page headers and repeated headers are skipped, and
the list ends at prose, a heading that is not followed by a row, or a blank-line gap.

A row's ``line`` is its first line; ``continuations`` are the other lines its cells were
read from (for ``cell_lines``, every cell after the first). Flags: ``short_row`` (a column
left empty), ``cells_inferred`` (which column a cell belongs to was decided by what it
holds, or the best reading won only narrowly), ``wrapped_row`` (a cell continues on the
next line). A row no alignment fits is recorded in ``skipped`` as ``row_not_aligned``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.normalize import clean_text, to_simplified
from etl.read.align import CELL_LINES, INFERRED, Alignment, Costs, Token, align
from etl.read.kinds import (
    FREE,
    categories,
    column_kind,
    fit,
    fit_number,
    fit_percent,
    fit_seq,
    follows,
    header_first_chars,
    header_key,
    header_prefixes,
    id_parts,
)
from etl.read.layouts._common import is_page_number, title_for
from etl.read.lines import DATE_LINE, is_page_furniture
from etl.read.model import Row, Table

MAX_ROW_CHARS = 2_000  # a cell of a task table can be a paragraph; a longer line is prose
MAX_TOKENS = 40  # tokens of one line of an inferred row
MAX_HEADER_LINE = 120
MAX_ROW_LINES = 12  # lines one row may span (a paragraph cell wrapped many times)
# mean alignment score per column (log-fit) below which the rows are not this list's:
# measured −0.07 … −0.9 on the seeds' lists printed without tabs, −2.1 … −2.5 on the
# column-by-column jumble plain pdftotext makes of a bordered table
MIN_MEAN_SCORE = -1.5
LOOKAHEAD = 6  # lines looked at past blanks and page furniture for what comes next
MAX_SKIP = 3  # numbers a list's ids may skip between two rows (a misprint, a row dropped)

_MARKUP = re.compile(r"^(?:#{1,6}\s+|>\s*|\*\*)|\*\*$")
_ORDINAL = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]"
                      r"|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、．])")
_COUNT = re.compile(r"[（(]共?计?\d{1,4}(?:处|项|个|家|条|件)?[)）]$")
_CLOSING = re.compile(r"^(?:数据来源|资料来源|注[:：]|注\d|说明[:：]|附件|附[:：]|抄送|抄报|主送|"
                      r"联系人|联系电话)")
_SENTENCE_END = ("。", "；", ";", "：", ":")
_UNKNOWN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:[(（][^()（）]{1,6}[)）]|%)?$")
_OPEN_END = ("、", "，", ",", "（", "(", "《", "“")


def cell_text(raw: str) -> str:
    """A line without markdown markers (``# ``, ``**``) and surrounding space; a leading
    minus stays (``-6.3`` is a value)."""
    text = raw.strip()
    if text[:1] in "#>*":
        text = _MARKUP.sub("", text).strip()
    if text.endswith("**"):
        text = text[:-2].rstrip()
    return text


# --- headers ------------------------------------------------------------------------------


def may_be_header(raw: str) -> bool:
    """Cheap: the line begins with a character a header name begins with."""
    text = raw.lstrip(" #*>\u3000")
    return bool(text) and (text[0] in header_first_chars()
                           or to_simplified(text[0]) in header_first_chars())


def header_names(text: str, min_names: int = 1, unknown_ok: bool = False) -> list[str] | None:
    """The header names a line consists of (tokens joined when a name was printed with a
    space, ``指 标``); None when a part is not a known header name — unless ``unknown_ok``
    and the part looks like a header name all the same (a few CJK characters: 保护级别),
    which ``plausible_header`` then weighs against the known ones."""
    if not text or len(text) > MAX_HEADER_LINE or "\t" in text:
        return None
    toks = text.split()
    if not toks or len(toks) > 24:
        return None
    prefixes = header_prefixes()
    names: list[str] = []
    k = 0
    while k < len(toks):
        found, acc = None, ""
        for e in range(k, min(len(toks), k + 4)):
            acc += toks[e]
            if column_kind(acc):
                found = (e + 1, acc)
            elif header_key(acc) not in prefixes:
                break
        if found is None:
            if not (unknown_ok and _UNKNOWN_NAME.match(toks[k])
                    and toks[k] not in categories()):
                return None
            found = (k + 1, toks[k])
        names.append(clean_text(found[1]))
        k = found[0]
    return names if len(names) >= min_names else None


def plausible_header(names: list[str]) -> bool:
    """At least three distinct known names of at least two kinds (名称 and 地址 alone make
    no list), and at most one unknown name for two known ones."""
    kinds = [column_kind(n) for n in names]
    known = [k for k in kinds if k]
    return (len(known) >= 3 and len(set(names)) == len(names) and len(set(known)) >= 2
            and 2 * (len(kinds) - len(known)) <= len(known) and kinds[0] is not None)


# --- the rows after a header --------------------------------------------------------------


@dataclass
class Mode:
    layout: str  # the Table.layout of what is read
    costs: Costs
    cell_per_line: bool
    blank_separated: bool = False  # every line followed by a blank (a flattened page)


CELLS = Mode("cell_lines", CELL_LINES, True)
SPACES = Mode("inferred", INFERRED, False)


def tokens_of(text: str, mode: Mode) -> list[str]:
    parts = text.split()
    if mode.cell_per_line and len(parts) > 4:
        return [text]  # a sentence with spaces is one cell, not many
    return parts


class _Reader:
    def __init__(self, lines: list[str], taken: set[int], header: list[str],
                 header_lines: list[int], mode: Mode):
        self.lines, self.taken, self.mode = lines, taken, mode
        self.header, self.kinds = header, [column_kind(h) or "text" for h in header]
        self.n = len(header)
        self.header_lines = header_lines
        self.text_key = self.kinds[0] != "seq_or_id"
        self.structured_rest = all(k not in FREE for k in self.kinds[1:])
        self.has_category = "category" in self.kinds
        self.width = 0  # the longest line of a row so far: a hard-wrapped text's width
        self.scores: list[float] = []  # each row's alignment score per column

    # what a line is --------------------------------------------------------------------

    def usable(self, i: int) -> bool:
        return (i < len(self.lines) and i + 1 not in self.taken and "\t" not in self.lines[i]
                and len(self.lines[i]) <= MAX_ROW_CHARS)

    def next_content(self, i: int) -> int | None:
        """Index of the next non-blank line from ``i`` that is no page furniture."""
        for j in range(i, min(len(self.lines), i + LOOKAHEAD)):
            if not self.usable(j):
                return None
            text = cell_text(self.lines[j])
            if text and not is_page_furniture(text) and not _dashed_page_number(text):
                return j
        return None

    def header_run(self, i: int) -> int | None:
        """Index after a repetition of the header starting at line ``i`` (a page break)."""
        names: list[str] = []
        j = i
        while j < len(self.lines) and len(names) < self.n and self.usable(j):
            text = cell_text(self.lines[j])
            if text:
                more = header_names(text, unknown_ok=True)
                if more is None:
                    return None
                names += more
                if names != self.header[:len(names)]:
                    return None
            elif not self.mode.blank_separated or j > i + 2 * self.n:
                return None
            j += 1
        return j if names == self.header else None

    def is_id(self, token: str) -> bool:
        return fit_seq(token) == 1.0

    def starts_row(self, toks: list[str], text: str, cur: list | None, prev_id: str | None,
                   after_gap: bool) -> bool:
        if not self.text_key:
            if not self.is_id(toks[0]):
                return False
            if after_gap and cur is not None and not (
                    follows(prev_id, toks[0]) or _same_shape(prev_id, toks[0])):
                return False
            if self.mode.cell_per_line:
                return (cur is None or follows(prev_id, toks[0]) or len(cur) >= self.n - 1
                        or all(fit(k, text) == 0 for k in self.kinds[1:]))
            if len(toks) < 2 and not follows(prev_id, toks[0]):
                return False
            return cur is None or self._next_id(prev_id, toks[0])
        if fit(self.kinds[0], text if self.mode.cell_per_line else toks[0]) < 0.5 or \
                fit_number(toks[0]) or fit_percent(toks[0]) or self.closing(text):
            return False
        if cur is not None and len(cur) == 1 and _unbalanced(cur[0][1]):
            return False  # the key cell wrapped: 四、限额以上社会消费品零售额( / 亿元)
        return self.structured_rest or cur is None or self.units(cur) >= self.n

    def units(self, cur: list[tuple[int, str]]) -> int:
        if self.mode.cell_per_line:
            return len(cur)
        return sum(len(tokens_of(t, self.mode)) for _, t in cur)

    def heading(self, text: str) -> str | None:
        """A category heading between rows (``一、古遗址（共计6处）``, ``(一)革命遗址``)."""
        core = to_simplified(clean_text(text).replace(" ", ""))
        if not core or len(core) > 30 or core.endswith(_SENTENCE_END):
            return None
        counted = _COUNT.search(core) is not None
        ordinal = _ORDINAL.match(core)
        bare = _COUNT.sub("", core[ordinal.end():] if ordinal else core)
        if bare in categories() or counted:
            return clean_text(text)
        if ordinal and not self.text_key and bare and len(bare) <= 15:
            return clean_text(text)
        return None

    def closing(self, text: str) -> bool:
        """A line that follows a list (数据来源, 附件, a signature date) and is no cell."""
        if _CLOSING.match(text) or text.endswith("印发"):
            return True
        return "date" not in self.kinds and bool(DATE_LINE.match(text))

    def can_extend(self, cur: list[tuple[int, str]], text: str, toks: list[str], i: int,
                   prev_id: str | None) -> bool:
        """Line ``i`` continues the row ``cur``: a cell still missing, a wrapped cell. When
        the next row is in sight any line before it is the row's; the last row of the list
        takes only a short line (prose after a list is no cell)."""
        if self.closing(text) or len(cur) >= MAX_ROW_LINES:
            return False
        if not self.mode.cell_per_line and self.is_id(toks[0]) and len(toks) >= 2 \
                and self._next_id(prev_id, toks[0]):
            return False
        loose = (self.mode.cell_per_line and len(cur) < self.n) or self._next_row_near(
            i + 1, prev_id)
        if not loose and not self._wrapped(cur[-1][1]):
            if len(cur) >= (self.n + 2 if self.mode.cell_per_line else 3):
                return False
            if len(text) > (30 if self.mode.cell_per_line else 60) or \
                    text.endswith(_SENTENCE_END):
                return False
        return self.align(cur + [(0, text)]) is not None

    def _wrapped(self, previous: str) -> bool:
        """The line before was cut by the page width (as long as the longest line of the
        list) or in the middle of an enumeration (ends with 、)."""
        return previous.endswith(_OPEN_END) or (
            self.width >= 20 and len(previous) >= self.width - 1)

    def _next_row_near(self, i: int, prev_id: str | None) -> bool:
        """The row after ``prev_id`` starts within a few lines of ``i``, nothing but cell
        lines in between."""
        if self.text_key or prev_id is None:
            return False
        for j in range(i, min(len(self.lines), i + MAX_ROW_LINES)):
            if not self.usable(j):
                return False
            text = cell_text(self.lines[j])
            if not text:
                if self.mode.blank_separated:
                    continue
                return False
            if self.closing(text):
                return False
            if follows(prev_id, text.split(maxsplit=1)[0]):
                return True
        return False

    # reading ---------------------------------------------------------------------------

    def tokens(self, group: list[tuple[int, str]]) -> list[Token]:
        toks: list[Token] = []
        for line, text in group:
            for k, part in enumerate(tokens_of(text, self.mode)):
                toks.append(Token(part, line, k == 0))
        return toks

    def align(self, group: list[tuple[int, str]]) -> Alignment | None:
        toks = self.tokens(group)
        if len(toks) > MAX_TOKENS:
            return None
        return align(toks, self.kinds, self.mode.costs)

    def row(self, group: list[tuple[int, str]]) -> Row | None:
        toks = self.tokens(group)
        found = self.align(group)
        if found is None:
            return None
        self.scores.append(found.score / self.n)
        flags: list[str] = []
        if found.empty:
            flags.append("short_row")
        if not found.trivial(toks, self.mode.costs) or found.ambiguous():
            flags.append("cells_inferred")
        if found.wrapped(toks) or (not self.mode.cell_per_line and len(group) > 1):
            flags.append("wrapped_row")
        return Row(found.cells, group[0][0], tuple(flags), list(group[1:]))

    def read(self, start: int) -> Table | None:
        groups: list[list[tuple[int, str]]] = []
        skipped: list[tuple[int, str, str]] = []
        interruptions: list[tuple[int, str]] = []
        pending_skips: list[tuple[int, str, str]] = []
        pending_heads: list[tuple[int, str]] = []
        cur: list[tuple[int, str]] | None = None
        prev_id: str | None = None
        blanks = 0
        i = start
        while self.usable(i):
            raw = self.lines[i]
            text = cell_text(raw)
            if not text:
                blanks += 1
                i += 1
                continue
            after_gap = blanks > (1 if self.mode.blank_separated else 0)
            blanks = 0
            if is_page_furniture(text) or _dashed_page_number(text):
                pending_skips.append((i + 1, "page_header" if is_page_furniture(text)
                                      else "page_number", raw))
                i += 1
                continue
            after = self.header_run(i)
            if after is not None:
                pending_skips += [(n + 1, "repeated_header", self.lines[n])
                                  for n in range(i, after) if self.lines[n].strip()]
                i = after
                continue
            toks = tokens_of(text, self.mode)
            if (cur is not None and text.isdigit() and is_page_number(text)
                    and not follows(prev_id, text) and self._page_number_here(i, cur)):
                pending_skips.append((i + 1, "page_number", raw))
                i += 1
                continue
            if self.starts_row(toks, text, cur, prev_id, after_gap):
                if cur is not None:
                    groups.append(cur)
                cur = [(i + 1, text)]
                self.width = max(self.width, len(text))
                prev_id = toks[0] if not self.text_key else prev_id
                skipped += pending_skips
                interruptions += pending_heads
                pending_skips, pending_heads = [], []
                i += 1
                continue
            heading = self.heading(text)
            if heading and self._category_cell(cur, text):
                heading = None
            if heading and self._row_follows(i + 1, prev_id):
                if cur is not None:
                    groups.append(cur)
                    cur = None
                pending_heads.append((i + 1, heading))
                i += 1
                continue
            if (cur is not None and not after_gap and not pending_skips and not pending_heads
                    and self.can_extend(cur, text, toks, i, prev_id)):
                cur.append((i + 1, text))
                self.width = max(self.width, len(text))
                i += 1
                continue
            break
        if cur is not None:
            groups.append(cur)
        rows: list[Row] = []
        for group in groups:
            row = self.row(group)
            if row is not None:
                rows.append(row)
            else:  # no alignment fits: recorded, never silently lost
                skipped += [(n, "row_not_aligned", t) for n, t in group]
        if not rows or len(rows) * 2 < len(groups):
            return None
        if sum(self.scores) / len(self.scores) < MIN_MEAN_SCORE:
            return None  # cells forced into columns they do not fit: no list of this header
        end = max(rows[-1].line, *(n for n, _ in groups[-1]))
        title, title_line = title_for(self.lines, self.header_lines[0])
        return Table(self.header, self.header_lines[0], rows, title, title_line, end,
                     sorted(s for s in skipped if s[0] <= end),
                     [h for h in interruptions if h[0] <= end], self.mode.layout)

    def _next_id(self, previous: str | None, token: str) -> bool:
        """``token`` can be the id of the row after ``previous``: the next one (5-3 after
        5-2, 1 under a new prefix), or one of the same shape a few numbers on (a list that
        skips a number). A line a page width cut in a date or a number (06-08-21 市政府,
        1-19 市政府) begins with no such id."""
        if previous is None:
            return True
        if _zero_padded(token) and len(_last_number(token)) != len(_last_number(previous)):
            return False  # 03 after 2: the rest of a date (2009-04- / 03), no id
        if follows(previous, token):
            return True
        before, now = id_parts(previous), id_parts(token)
        return (before is not None and now is not None and before[0] == now[0]
                and 0 < now[1] - before[1] <= MAX_SKIP)

    def _category_cell(self, cur: list[tuple[int, str]] | None, text: str) -> bool:
        """A bare category name (古遗址, no ordinal, no count) right after a row that still
        lacks cells is that row's category cell when the list has a category column (one
        printed last, 编号 名称 时代 地址 类别), not a heading over the rows after it."""
        if cur is None or not self.has_category or self.units(cur) >= self.n:
            return False
        core = to_simplified(clean_text(text).replace(" ", ""))
        return core in categories()

    def _row_follows(self, i: int, prev_id: str | None) -> bool:
        j = self.next_content(i)
        if j is None:
            return False
        text = cell_text(self.lines[j])
        toks = tokens_of(text, self.mode)
        if self.text_key:
            return self.starts_row(toks, text, None, prev_id, False)
        return self.is_id(toks[0])

    def _page_number_here(self, i: int, cur: list[tuple[int, str]]) -> bool:
        """A bare number line between two parts of the list: the header repeated right after
        it, or (a complete row before it) a blank line around it."""
        j = self.next_content(i + 1)
        if j is not None and self.header_run(j) is not None:
            return True
        if self.mode.blank_separated or self.units(cur) < self.n:
            return False
        before = i > 0 and not self.lines[i - 1].strip()
        after = i + 1 < len(self.lines) and not self.lines[i + 1].strip()
        if not before and self._wrapped(cur[-1][1]):
            return False  # right under a line the page width cut: its end (2013.10. / 8)
        return before or after


_DASHED = re.compile(r"^[-—–－]\s{0,3}\d{1,4}\s{0,3}[-—–－]$|^第\s{0,3}\d{1,4}\s{0,3}页")


def _dashed_page_number(text: str) -> bool:
    return len(text) <= 24 and _DASHED.match(text) is not None


_LAST_NUMBER = re.compile(r"\d{1,4}$")


def _last_number(token: str) -> str:
    match = _LAST_NUMBER.search(token.strip())
    return match.group(0) if match else ""


def _zero_padded(token: str) -> bool:
    number = _last_number(token)
    return len(number) > 1 and number.startswith("0")


def _unbalanced(text: str) -> bool:
    return text.count("(") + text.count("（") > text.count(")") + text.count("）")


def _same_shape(previous: str | None, current: str) -> bool:
    a, b = id_parts(previous or ""), id_parts(current)
    return a is not None and b is not None and a[0] == b[0] and b[1] > a[1]


def keyed(header: list[str]) -> bool:
    """Rows can be told apart: the first column is an id (编号, 序号), or an indicator /
    text whose other columns are all values (指标 | 本月止累计 | 增长%). A header whose id
    column was lost (序/号 split by a PDF converter) gives no way to find a row's start."""
    kinds = [column_kind(h) or "text" for h in header]
    return kinds[0] == "seq_or_id" or kinds[0] == "indicator" or all(
        k not in FREE for k in kinds[1:])


def read_rows(lines: list[str], taken: set[int], header: list[str], header_lines: list[int],
              start: int, mode: Mode) -> Table | None:
    """The table whose header is ``header`` (on ``header_lines``), rows from line index
    ``start`` on; None when no row follows or rows cannot be told apart."""
    if not keyed(header):
        return None
    return _Reader(lines, taken, header, header_lines, mode).read(start)
