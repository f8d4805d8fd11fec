"""Space-aligned columns, as ``pdftotext -layout`` writes a table: cells placed by their
position on the line, one space or more between them.

What such text looks like, measured on ``pdftotext -layout`` output of bordered CJK tables
(tests/test_layouts_text.py prints the seeds as PDFs and reads them back): a CJK character
counts as ONE position, so columns do not line up from row to row or page to page (a column
starts a few positions left or right of where it started above); two cells are often one
space apart; a wrapped cell goes on at the position where it started; a narrow header cell
wraps too (编/号, 发文主/体). And in a bordered table with vertically centred cells pdftotext
prints each column of a tall row on lines of its own, the first lines of a tall cell often
ABOVE the row's key (序号) and the short cells below it.

So a line is cut into tokens at spaces and the tokens are given to columns in order,
nearest to where each column starts (a dynamic programme; a token may not start right of
its column's header nor left of the header before it, and two tokens share a cell only at
a price, a small one when the second starts well inside the column, short of where the
next one starts: 一体化工 作). Where each column starts follows the drift: the row's own
first line in each column, then the previous row's, the first row's line that fills every
column to begin with — and always within the reach of the header above it (a page's
repeated header may sit further right, its right columns moved more than its left).

Rows: when the first column holds a key (序号 1, 2 …; 编号 5-1 …, also wrapped 5- / 10; that
column holds nothing else) a row begins at each line with a key; the lines between two keys
are then cut once, the cuts of the whole table chosen together where they cost least: a
cell whose line would have had room for the first word of its next line costs much (a
wrapped cell fills every line but its last); a cell printed partly above its key with
more lines on one side of the key than on the other (by two or more) costs a little (a
cell is centred on its row's key; pdftotext prints the key on a line of its own or on one
of the middle lines); a line goes whole to one row, a tie to the row above; lines after
a page's repeated header and above its first key are that key's. Below the last key a
line is the table's until a cell would have had room for it. A column's wrapped lines are
as wide as the widest ones seen (a Chinese character two, a Latin letter or digit one,
give or take one). Without a key (主要经济指标:
指标 / 本月止累计 / 比上年同期增长%) a row begins at each line with text in the first column.
A repeated header, a running page header and a page number inside the table are dropped
and recorded in ``skipped``; a short line in the key column between rows (a category
heading 古墓葬) is an interruption. A line whose text fits no column (prose, a centred title,
a note 数据来源：…) ends the table.

A table needs a header of at least three short cells (two when both are header words such
as 序号 or 名称) and at least two rows of two cells or more, so a paragraph with wide spaces,
a markdown heading or a table of contents never becomes a table.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, field

from etl.normalize import clean_text, halfwidth_digits
from etl.read.layouts._common import is_furniture, is_page_number, title_for
from etl.read.lines import is_page_furniture
from etl.read.model import Row, Table

_TOKEN = re.compile(r"\S+")
_KEY = re.compile(r"[A-Za-z]?\d{1,4}(?:[-－—–.．]\d{1,4}){0,2}[-－—–]?")
_SENTENCE = set("，。；！？,;：:、")
_NOTE = ("注", "说明", "备注：", "数据来源", "资料来源", "附注")
HEADER_WORDS = ("序号", "编号", "名称", "类别", "类型", "时代", "年代", "地址", "地点", "文号",
                "时间", "日期", "主体", "单位", "指标", "备注", "项目", "金额", "数量", "合计",
                "累计", "增长", "内容", "级别", "责任", "负责", "标题", "机关", "区域")
_MAX_HEADER_CELL = 12
_TOLERANCE = 4  # positions a wrapped cell's line may drift from where the cell started
_INSIDE = 6  # positions short of where the next column starts a token is inside its own
_MAX_GAP = 8  # blank lines and page furniture a table may span


@dataclass
class _Tok:
    start: int
    end: int
    text: str


@dataclass
class _Grid:
    header: list[str]
    starts: list[int]  # where each column's text starts, following the drift
    keyed: bool
    first_line: list[str]  # the header's first line as printed (a repeat is matched on it)
    first_starts: list[int]  # where its cells start (a repeat shifts the columns as much)
    first_ends: list[int]
    cont_lines: list[list[str]] = field(default_factory=list)  # header's wrapped lines


def tokens(line: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(line)]


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _merge_spaced(toks: list[_Tok]) -> list[_Tok]:
    """``指 标`` / ``序  号``: single CJK characters spaced out to fill a header cell."""
    out: list[_Tok] = []
    for tok in toks:
        if (out and len(tok.text) == 1 and _is_cjk(tok.text) and len(out[-1].text) <= 3
                and all(_is_cjk(c) for c in out[-1].text) and tok.start - out[-1].end <= 4
                and (len(out[-1].text) == 1 or getattr(out[-1], "spaced", False))):
            merged = _Tok(out[-1].start, tok.end, out[-1].text + tok.text)
            merged.spaced = True  # type: ignore[attr-defined]
            out[-1] = merged
        else:
            out.append(tok)
    return out


def is_key(text: str) -> bool:
    return _KEY.fullmatch(halfwidth_digits(text)) is not None


def _header_cells(toks: list[_Tok]) -> bool:
    """Short cells that name columns: no sentence or label punctuation, no markdown, no
    numbers; two cells only when both are header words (序号 名称)."""
    if not 2 <= len(toks) <= 16:
        return False
    for tok in toks:
        text = tok.text
        if (len(text) > _MAX_HEADER_CELL or _SENTENCE & set(text) or is_key(text)
                or text[0] in "#*>-【[（(" or text[-1] in "】]" or not any(
                    ch.isalnum() for ch in text)):
            return False
    if len(toks) == 2:
        return all(any(w in tok.text for w in HEADER_WORDS) for tok in toks)
    return True


def find(lines: list[str], taken: set[int] | None = None) -> list[Table]:
    taken = taken or set()
    tables: list[Table] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if (" " not in line or i + 1 in taken or "\t" in line or "|" in line
                or not _may_be_header(line)):
            i += 1
            continue
        table = _try_table(lines, i, taken)
        if table is None:
            i += 1
            continue
        tables.append(table)
        i = table.end_line
    return tables


def _may_be_header(line: str) -> bool:
    """A cheap test before tokenising: two to sixteen short words."""
    words = line.split()
    return 2 <= len(words) <= 16 and max(map(len, words)) <= _MAX_HEADER_CELL


def _try_table(lines: list[str], i: int, taken: set[int]) -> Table | None:
    toks = _merge_spaced(tokens(lines[i]))
    if not _header_cells(toks):
        return None
    grid, body_start = _read_header(lines, i, toks, taken)
    if grid is None:
        return None
    title, title_line = title_for(lines, i + 1)
    table = Table(grid.header, i + 1, [], title, title_line, i + 1 + len(grid.cont_lines),
                  layout="aligned")
    _read_body(lines, body_start, grid, table, taken)
    if not any("  " in lines[k - 1].strip() for k in range(i + 1, table.end_line + 1)):
        return None  # single spaces only give no column positions: layouts/inferred.py
    full = sum(1 for r in table.rows if sum(1 for c in r.cells if c) >= 2)
    needed = 2 if (len(grid.header) >= 3 or any(w in h for h in grid.header
                                                   for w in HEADER_WORDS)) else 3
    if full < needed or (len(grid.header) < 3 and not any(
            w in h for h in grid.header for w in HEADER_WORDS)):
        return None
    for row in table.rows:
        if row.continuations:
            row.flags = tuple(dict.fromkeys(row.flags + ("wrapped_row",)))
    return table


def _read_header(lines: list[str], i: int, toks: list[_Tok],
                 taken: set[int]) -> tuple[_Grid | None, int]:
    """The header's cells, with the lines a narrow header cell wrapped onto (编/号)."""
    cells = [t.text for t in toks]
    centres = [(t.start + t.end) / 2 for t in toks]
    cont: list[list[str]] = []
    j = i + 1
    while j < len(lines) and j < i + 4 and j + 1 not in taken:
        more = _merge_spaced(tokens(lines[j]))
        if not more or is_key(more[0].text) or len(more) > len(toks):
            break
        if any(len(t.text) > 6 or _SENTENCE & set(t.text) for t in more):
            break
        # each piece under the header cell it is centred under; single characters first as
        # printed (发文时/间 beside 实施主/体: 间 体 are two cells' ends, not one word spaced out)
        placed = _under(tokens(lines[j]), centres) or _under(more, centres)
        if placed is None:
            break
        for k, text in placed:
            cells[k] += text
        cont.append([t.text for t in more])
        j += 1
    header = [clean_text(c) for c in cells]
    first_data = _first_data_line(lines, j, len(header))
    if first_data is None:
        return None, j
    data_toks = tokens(lines[first_data])
    keyed = bool(data_toks) and is_key(data_toks[0].text) and data_toks[0].start <= toks[0].end
    starts = _initial_starts(lines, first_data, toks, keyed)
    return _Grid(header, starts, keyed, [t.text for t in toks], [t.start for t in toks],
                 [t.end for t in toks], cont), j


def _under(more: list[_Tok], centres: list[float]) -> list[tuple[int, str]] | None:
    placed = []
    for t in more:
        k = min(range(len(centres)), key=lambda c: abs(centres[c] - (t.start + t.end) / 2))
        if abs(centres[k] - (t.start + t.end) / 2) > 6:
            return None
        placed.append((k, t.text))
    return placed


def _first_data_line(lines: list[str], j: int, width: int) -> int | None:
    """The first row's line: the first line opening with a key (a tall first row may print
    lines above it), else the first line of two cells or more."""
    for k in range(j, min(len(lines), j + 8)):
        toks = tokens(lines[k])
        if len(toks) >= 2 and toks[0].start <= 1 and is_key(toks[0].text):
            return k
    for k in range(j, min(len(lines), j + 3)):
        if lines[k].strip():
            return k if len(tokens(lines[k])) >= 2 else None
    return None


def _initial_starts(lines: list[str], first: int, header: list[_Tok], keyed: bool) -> list[int]:
    """Where each column's text starts: from the first line below that fills every column,
    else from the header (a header cell is centred: its column starts at or left of it)."""
    width = len(header)
    found = _full_line(lines, first, width, keyed)
    if found:
        return found
    starts = [header[0].start if not keyed else 0]
    for c in range(1, width):
        starts.append((header[c - 1].end + header[c].start) // 2 + 1)
    return starts


def _full_line(lines: list[str], first: int, width: int, keyed: bool = False) -> list[int] | None:
    """Where the columns start on the first line below that fills every column; in a keyed
    table a row's own line (a wrapped line with a space inside a cell may count as many
    tokens as there are columns and start none of them)."""
    found = None
    for k in range(first, min(len(lines), first + 30)):
        toks = tokens(lines[k])
        if len(toks) == width:
            if not keyed or (toks[0].start <= 1 and is_key(toks[0].text)):
                return [t.start for t in toks]
            found = found or [t.start for t in toks]
    return found


# --- the body ----------------------------------------------------------------------------


def _bounds(grid: _Grid) -> list[tuple[int, int]] | None:
    """Where a column's text may start on this page: not left of the end of the header cell
    before it, not right of its own header cell (a header is centred over its column)."""
    if len(grid.first_starts) != len(grid.starts):
        return None
    lows = [-1] + [end - 1 for end in grid.first_ends[:-1]]
    highs = [start + 2 for start in grid.first_starts[:-1]] + [10**6]
    return list(zip(lows, highs, strict=True))


def _assign(toks: list[_Tok], starts: list[int], keyed: bool = False,
            bounds: list[tuple[int, int]] | None = None) -> tuple[list[int], float]:
    """Tokens → column indices (non-decreasing, in order), nearest to where each column
    starts; two tokens in one column (a cell with a space) cost extra. (columns, worst)."""
    m, n = len(toks), len(starts)
    inf = float("inf")
    # best[j][c]: cost of tokens[:j+1] with token j in column c
    best = [[inf] * n for _ in range(m)]
    back = [[-1] * n for _ in range(m)]
    if bounds is not None:  # a column starts within its header's reach whatever drifted
        starts = [min(max(start, low), high) for start, (low, high)
                  in zip(starts, bounds, strict=True)]

    def cost(tok: _Tok, c: int) -> float:
        if keyed and c == 0 and not is_key(tok.text):
            return inf  # a keyed table's first column holds keys only (5- / 10 wrapped)
        out = abs(tok.start - starts[c])
        if bounds is not None and not bounds[c][0] <= tok.start <= bounds[c][1]:
            out += 3
        return out

    for c in range(n):
        best[0][c] = cost(toks[0], c)
    for j in range(1, m):
        gap = toks[j].start - toks[j - 1].end
        run = inf
        run_c = -1
        for c in range(n):
            # token j opens column c: token j-1 in an earlier column
            if c > 0 and best[j - 1][c - 1] < run:
                run, run_c = best[j - 1][c - 1], c - 1
            open_cost = run + cost(toks[j], c) if run_c >= 0 else inf
            # one space is how pdftotext separates two cells: a space inside a cell is rare
            # … unless the token after it starts well inside the column, short of where the
            # next column starts: then the space is the cell's own (一体化工 作)
            inside = gap == 1 and c + 1 < n and toks[j].start < starts[c + 1] - _INSIDE
            same_cost = (inf if keyed and c == 0
                         else best[j - 1][c] + (2 if inside else 10 + 3 * max(0, gap - 1)))
            if open_cost <= same_cost:
                best[j][c], back[j][c] = open_cost, run_c
            else:
                best[j][c], back[j][c] = same_cost, c
    c = min(range(n), key=lambda k: best[m - 1][k])
    cols = [0] * m
    for j in range(m - 1, -1, -1):
        cols[j] = c
        c = back[j][c]
    worst = 0.0
    for j, col in enumerate(cols):
        if j == 0 or cols[j - 1] != col:
            worst = max(worst, abs(toks[j].start - starts[col]))
    return cols, worst


@dataclass
class _Open:
    row: Row
    parts: list[list[str]]
    starts: list[int]
    key_open: bool  # the key ends in a dash: its next line goes on it (5- / 10)
    worst: float = 0.0  # the farthest any of its cells started from where expected
    # its lines: (line, tokens, column of each token), in line order
    entries: list[tuple[int, list[_Tok], list[int]]] = field(default_factory=list)
    # lines above its key, placed once the row's own lines show where its columns start
    early: list[tuple[int, list[_Tok]]] = field(default_factory=list)


def _read_body(lines: list[str], j: int, grid: _Grid, table: Table, taken: set[int]) -> None:
    width = len(grid.header)
    current: _Open | None = None
    gap: list[tuple[int, str]] = []
    n = len(lines)
    cont_left = 0
    opened: list[_Open] = []
    pending: list[tuple[int, list[_Tok]]] = []  # lines above the first key of a part
    while j < n:
        line_no, line = j + 1, lines[j]
        if line_no in taken or "\t" in line:
            break
        if not line.strip():
            gap.append((line_no, line))
            if len(gap) > _MAX_GAP:
                break
            j += 1
            continue
        toks = tokens(line)
        merged = _merge_spaced(toks)
        if [t.text for t in merged] == grid.first_line:
            table.skipped.append((line_no, "repeated_header", line))
            if current is not None:  # lines before the next key are that row's (centred)
                _close(current, grid)
                current = None
            if len(merged) == len(grid.starts):  # the page moved the table sideways
                moved = sorted(t.start - s for t, s in zip(merged, grid.first_starts,
                                                           strict=True))[len(merged) // 2]
                if abs(moved) > 2:
                    shifted = [grid.starts[0]]  # the first column stays at the margin
                    for start in grid.starts[1:]:
                        shifted.append(max(start + moved, shifted[-1] + 2))
                    grid.starts = shifted
                grid.first_starts = [t.start for t in merged]
                grid.first_ends = [t.end for t in merged]
            _flush_gap(table, gap)
            cont_left = len(grid.cont_lines)
            j += 1
            continue
        if cont_left and [t.text for t in merged] in grid.cont_lines:
            table.skipped.append((line_no, "repeated_header", line))
            cont_left -= 1
            j += 1
            continue
        cont_left = 0
        if is_furniture(line):
            gap.append((line_no, line))
            if len(gap) > _MAX_GAP:
                break
            j += 1
            continue
        kind = _line_kind(toks, grid, current)
        if kind == "pending":
            # a tall cell's first lines above its row's key (cells centred vertically)
            if gap or len(pending) == 4 or not _fits(toks, grid.starts):
                break
            pending.append((line_no, toks))
            j += 1
            continue
        if kind == "end":
            break
        if kind == "heading":
            if not _key_follows(lines, j + 1, grid, taken):
                break
            _flush_gap(table, gap)
            table.interruptions.append((line_no, clean_text(line)))
            if current is not None:
                _close(current, grid)
            current = None
            j += 1
            continue
        if gap and kind == "continuation":
            break  # a wrapped line never comes after a blank line or a page break
        cols, worst = _assign(toks, current.starts if kind == "continuation" and current
                              else grid.starts, grid.keyed, _bounds(grid))
        if kind == "continuation" and current is not None:
            if not _fits(toks, current.starts) and not (
                    grid.keyed and _key_ahead(lines, j + 1, taken, grid)):
                break
            _flush_gap(table, gap)
            _add(current, line_no, toks, cols)
            current.worst = max(current.worst, worst)
            table.end_line = line_no
            j += 1
            continue
        _flush_gap(table, gap)
        if current is not None:
            _close(current, grid)
        current = _Open(Row([""] * width, line_no), [[] for _ in range(width)],
                        list(grid.starts), False, worst)
        _add(current, line_no, toks, cols)
        current.early, pending = pending, []
        opened.append(current)
        table.rows.append(current.row)
        table.end_line = line_no
        j += 1
    if current is not None:
        _close(current, grid)
    outside = _split_columns(opened, width)
    if outside is not None:  # the table ends above the lines found to be no longer in it
        table.end_line = max([opened[-1].row.line]
                             + [n for n, _ in opened[-1].row.continuations])
    # a header repeated, or page furniture, after the last row belongs to what follows
    table.skipped[:] = [s for s in table.skipped if s[0] <= table.end_line]
    table.interruptions[:] = [s for s in table.interruptions if s[0] <= table.end_line]
    for row in table.rows:
        if not row.cells[-1] and sum(1 for c in row.cells if c) < width // 2:
            row.flags = tuple(dict.fromkeys(row.flags + ("short_row",)))


def _flush_gap(table: Table, gap: list[tuple[int, str]]) -> None:
    for n, text in gap:
        if is_page_furniture(text):
            table.skipped.append((n, "page_header", text))
        elif is_page_number(text):
            table.skipped.append((n, "page_number", text))
    gap.clear()


def _line_kind(toks: list[_Tok], grid: _Grid, current: _Open | None) -> str:
    """row (opens a row), continuation (wrapped cells of the open row), heading, end."""
    first = toks[0]
    starts = current.starts if current is not None else grid.starts
    in_first_column = first.start <= 1 or len(starts) < 2 or first.start < starts[1] - 1
    text = first.text
    if grid.keyed:
        if in_first_column and is_key(text):
            if current is not None and current.key_open and text.isdigit():
                return "continuation"
            return "row"
        if in_first_column:
            if current is not None and current.key_open:
                return "continuation"
            if len(toks) == 1 and len(text) <= 20 and not text.startswith(_NOTE):
                return "heading"
            return "end"
        return "continuation" if current is not None else "pending"
    if in_first_column:
        if text.startswith(_NOTE):
            return "end"
        if current is not None and len(toks) == 1 and _unclosed(current):
            return "continuation"
        if len(toks) == 1 and len(text) > 30:
            return "end"
        return "row"
    return "continuation" if current is not None else "end"


def _fits(toks: list[_Tok], starts: list[int]) -> bool:
    """A wrapped cell's line starts where its column starts, give or take the drift; a
    centred title or prose after the table starts inside a wide column."""
    previous_end = -2
    for tok in toks:
        after_one_space, previous_end = tok.start - previous_end == 1, tok.end
        if after_one_space:
            continue  # the next cell, or a space inside this one
        c = 0
        while c + 1 < len(starts) and starts[c + 1] <= tok.start + _TOLERANCE:
            c += 1
        span = (starts[c + 1] if c + 1 < len(starts) else starts[c] + 40) - starts[c]
        if tok.start - starts[c] > _TOLERANCE and span > 12:
            return False
    return True


def _unclosed(current: _Open) -> bool:
    label = "".join(current.parts[0])
    return label.count("(") + label.count("（") > label.count(")") + label.count("）")


def _key_ahead(lines: list[str], j: int, taken: set[int], grid: _Grid) -> bool:
    """A keyed row follows before the next blank line or another table's header: the
    lines up to it are inside."""
    for k in range(j, min(len(lines), j + 8)):
        if k + 1 in taken or not lines[k].strip():
            return False
        toks = _merge_spaced(tokens(lines[k]))
        if [t.text for t in toks] != grid.first_line and _header_cells(toks) and sum(
                any(w in t.text for w in HEADER_WORDS) for t in toks) >= 2:
            return False
        first = _TOKEN.search(lines[k])
        if first is not None and first.start() <= 1 and is_key(first.group()):
            return True
    return False


def _key_follows(lines: list[str], j: int, grid: _Grid, taken: set[int]) -> bool:
    for k in range(j, min(len(lines), j + 3)):
        if k + 1 in taken:
            return False
        toks = tokens(lines[k])
        if toks:
            return is_key(toks[0].text)
    return False


def _add(current: _Open, line_no: int, toks: list[_Tok], cols: list[int]) -> None:
    for tok, col in zip(toks, cols, strict=True):
        if not current.parts[col]:
            current.starts[col] = tok.start
        current.parts[col].append(tok.text)
    current.entries.append((line_no, toks, cols))
    key = current.parts[0][-1] if current.parts[0] else ""
    current.key_open = key[-1:] in "-－—–" if key else False


def _close(current: _Open, grid: _Grid) -> None:
    """Where the row's cells started becomes the reference for the next rows (columns
    drift down a page); the lines above its key are placed by where its cells start."""
    for line_no, toks in reversed(current.early):
        cols = _assign(toks, current.starts, grid.keyed, _bounds(grid))[0]
        current.entries.insert(0, (line_no, toks, cols))
        for tok, col in zip(toks, cols, strict=True):
            current.parts[col].insert(0, tok.text)
    for c, parts in enumerate(current.parts):
        if parts:
            grid.starts[c] = current.starts[c]


def _width(text: str) -> int:
    return sum(2 if not ch.isascii() else 1 for ch in text)


_OPENING = "〔（(［[【《“"
_CLOSING = "，。、；：？！）〕】》”’,.;:?!)]"


def _split_columns(rows: list[_Open], width: int) -> int | None:
    """Each row's cells from the lines around its key, column by column.

    A row's lines were taken from its key down to the next key; pdftotext, though, prints
    a cell centred in a tall row partly above the row's key, and each column of a row on
    lines of its own. So the lines between two keys are cut where the cells say
    (``_centred_split``); below the last row, a line a cell above would have had room for
    is no longer the table's. The key column keeps its lines (5- / 10). Returns the first
    line found outside the table, if any."""
    if not rows:
        return None
    keys = [r.row.line for r in rows]
    # lines after a page's repeated header, above its first key: that row's for sure
    early = {n for r in rows for n, _ in r.early}
    frags: list[list[tuple[int, str, int]]] = [[] for _ in range(width)]  # line, text, row
    for k, r in enumerate(rows):
        for line_no, toks, cols in r.entries:
            previous = -1
            for tok, col in zip(toks, cols, strict=True):
                if col == previous and frags[col] and frags[col][-1][0] == line_no:
                    n, text, _ = frags[col][-1]
                    frags[col][-1] = (n, text + " " + tok.text, k)  # a space inside a cell
                else:
                    frags[col].append((line_no, tok.text, k))
                previous = col
    caps = {c: cap for c in range(1, width) if (cap := _wrap_width(frags[c])) is not None}
    target = _centred_split(frags, keys, early, caps, [bool(r.early) for r in rows])
    # below the last row, a line after its cell ended is no longer the table's
    gap_of: dict[int, int] = {}  # a line below the last key → the last row
    last_row = len(keys) - 1
    for c in range(1, width):
        moved, last = False, ""
        for line_no, text, _ in frags[c]:
            if line_no < keys[-1] or line_no in early:
                continue
            if line_no > keys[-1]:
                gap_of[line_no] = last_row
                moved = moved or (last != "" and _fit_cost(last, text, caps.get(c)) > 0)
            target[(line_no, c)] = last_row + 1 if moved else last_row
            if not moved:
                last = text
    # a line goes as most of its cells go
    votes: dict[int, list[int]] = {}
    for (line_no, c), goes in target.items():
        if c and line_no in gap_of:
            votes.setdefault(line_no, []).append(goes - gap_of[line_no])
    for line_no, moves in votes.items():
        goes = gap_of[line_no] + (1 if sum(moves) * 2 > len(moves) else 0)
        for c in range(1, width):
            if (line_no, c) in target:
                target[(line_no, c)] = goes
    outside = min((n for (n, _), goes in target.items() if goes == len(rows)), default=None)
    cells: list[list[list[tuple[int, str]]]] = [[[] for _ in range(width)] for _ in rows]
    for c in range(width):
        for line_no, text, _ in frags[c]:
            if outside is None or line_no < outside:
                cells[target[(line_no, c)]][c].append((line_no, text))
    for k, r in enumerate(rows):
        used: dict[int, list[str]] = {}
        for c in range(width):
            for line_no, text in cells[k][c]:
                used.setdefault(line_no, []).append(text)
        r.row.continuations = [(n, " ".join(used[n])) for n in sorted(used)
                               if n != r.row.line]
        r.row.cells[:] = [_join([t for _, t in cells[k][c]]) for c in range(width)]
    return outside


_FULL_COST = 4.0  # a cell's line followed by one whose first word would have fitted on it
_EXACT_COST = 1.0  # … would have fitted exactly
_CENTRE_COST = 0.5  # a cell off centre from its key by more than a line
_DOWN_COST = 0.01  # a line between two keys given to the row below
_MAX_SPLIT = 20  # lines between two keys weighed one by one; more go to the row above


def _centred_split(frags: list[list[tuple[int, str, int]]], keys: list[int], early: set[int],
                   caps: dict[int, int], after_break: list[bool]) -> dict[tuple[int, int], int]:
    """(line, column) → row, for every fragment but those below the last key.

    The lines between two keys are cut once, where the cut costs least over the whole
    table: leaving a line in a cell although the first word of the next line would have
    fitted on it costs much (a wrapped line is full: a short line ends its cell); a cell
    printed partly above its key, off centre from it by more than a line, costs a little
    (a cell is centred on its row's key; a cell printed wholly below its key says nothing,
    pdftotext printing the columns of a tall row one after the other). A line goes whole
    to one row; the key column keeps its lines (5- / 10); lines above the first key and
    after a page's repeated header go to the row below, lines before a page break to the
    row above; a tie keeps a line in the row above."""
    width = len(frags)
    at: list[dict[int, str]] = [{} for _ in range(width)]
    target: dict[tuple[int, int], int] = {}
    for c in range(width):
        for line_no, text, k in frags[c]:
            at[c][line_no] = text
            if c == 0 or line_no <= keys[0] or line_no in early or line_no == keys[k]:
                target[(line_no, c)] = k
    fixed: list[set[int]] = [set() for _ in keys]
    for (line_no, c), k in target.items():
        if c:
            fixed[k].add(line_no)
    # the last row's lines below its key weigh in (which of them end the table comes after)
    fixed[-1] |= {n for c in range(1, width) for n in at[c] if n > keys[-1]} - early
    gaps: list[list[int]] = [[] for _ in keys[1:]]
    for n in sorted({n for c in range(1, width) for n in at[c]} - early):
        r = bisect.bisect_right(keys, n) - 1
        if 0 <= r < len(gaps) and keys[r] < n:
            gaps[r].append(n)

    def pieces(lines: list[int]) -> list[tuple[list[str], list[float], list[int]]]:
        """Per column: the texts on ``lines``, the running cost of keeping them in one
        cell, and for each cut of ``lines`` how many of the texts lie above it."""
        out = []
        for c in range(width):
            texts = [at[c][n] for n in lines if n in at[c]] if c else []
            run = [0.0]
            for a, b in itertools.pairwise(texts):
                run.append(run[-1] + _fit_cost(a, b, caps.get(c)))
            upto = [0]
            for n in lines:
                upto.append(upto[-1] + (c > 0 and n in at[c]))
            out.append((texts, run, upto))
        return out

    gap_pieces = [pieces(gap) for gap in gaps]
    fixed_pieces = [pieces(sorted(lines)) for lines in fixed]
    # per row and column, how many of its fixed lines lie above and below its key
    fixed_sides = [[(sum(1 for n in lines if n < keys[r] and n in at[c]),
                     sum(1 for n in lines if n > keys[r] and n in at[c])) for c in range(width)]
                   for r, lines in enumerate(fixed)]

    def choices(r: int) -> list[int]:
        if r >= len(gaps):
            return [0]
        if after_break[r + 1] or len(gaps[r]) > _MAX_SPLIT:
            return [len(gaps[r])]  # a page break between: its lines stay above
        return list(range(len(gaps[r]) + 1))

    def row_cost(r: int, s_prev: int, s_next: int) -> float:
        cost = 0.0
        for c in range(1, width):
            texts: list[str] = []  # the ends of the cell's three parts, in order
            n_above, n_below = fixed_sides[r][c]
            if r:  # the lines of the gap above from the cut on
                above, run, upto = gap_pieces[r - 1][c]
                first = upto[s_prev]
                if first < len(above):
                    cost += run[-1] - run[first]
                    texts += [above[first], above[-1]]
                    n_above += len(above) - first
            own, run, _ = fixed_pieces[r][c]
            if own:
                cost += run[-1]
                texts += [own[0], own[-1]]
            if r < len(gaps):  # the lines of the gap below up to the cut
                below, run, upto = gap_pieces[r][c]
                last = upto[s_next]
                if last:
                    cost += run[last - 1]
                    texts += [below[0], below[last - 1]]
                    n_below += last
            for k in range(1, len(texts) - 1, 2):  # where two parts meet
                cost += _fit_cost(texts[k], texts[k + 1], caps.get(c))
            if n_above:  # a cell printed partly above its key is centred on it
                cost += _CENTRE_COST * max(0, abs(n_above - n_below) - 1)
        # lines go to the row above unless the cut says otherwise
        return cost + _DOWN_COST * (len(gaps[r - 1]) - s_prev if r else 0)

    # best[s]: the least cost of the rows up to r with the gap below r cut at s; back[r][s]:
    # the cut above r that cost came from
    best = {s: row_cost(0, 0, s) for s in choices(0)}
    back: list[dict[int, int]] = [{}]
    for r in range(1, len(keys)):
        step, came = {}, {}
        for s_next in choices(r):
            step[s_next], came[s_next] = min((cost + row_cost(r, s_prev, s_next), s_prev)
                                             for s_prev, cost in best.items())
        best = step
        back.append(came)
    path = [min(best, key=lambda s: best[s])]
    for r in range(len(keys) - 1, 0, -1):
        path.append(back[r][path[-1]])
    path.reverse()
    for r, gap in enumerate(gaps):
        for i, line_no in enumerate(gap):
            for c in range(1, width):
                if line_no in at[c]:
                    target[(line_no, c)] = r if i < path[r] else r + 1
    return target


def _wrap_width(column: list[tuple[int, str, int]]) -> int | None:
    """How wide a wrapped line of a column can be: the widest line followed by another line
    of the same cell (as the rows were first taken), an outlier or two passed over."""
    widths = sorted(_width(text.replace(" ", "")) for (_, text, k), (_, _, k2)
                    in itertools.pairwise(column) if k == k2)
    if not widths:
        return None
    return widths[min(len(widths) - 1, len(widths) * 9 // 10)]


@functools.lru_cache(maxsize=4096)
def _fit_cost(line: str, after: str, cap: int | None) -> float:
    """What it costs to keep ``after`` in the cell ``line`` is in, in a column whose
    wrapped lines are ``cap`` wide: much when the first word of ``after`` would have fitted
    on ``line`` (a wrapped line is full, so ``line`` ended its cell), a little when it
    would have fitted exactly (a space the line broke at is not printed). Latin letters
    and digits are of uneven width: a line with them is given one position of doubt."""
    if cap is None:
        return 0.0
    doubt = 0 if all(not ch.isascii() for ch in line + after[:1]) else 1
    room = cap - doubt - _width(line.replace(" ", "")) - _head_width(after)
    return _FULL_COST if room > 0 else _EXACT_COST if room == 0 else 0.0


def _head_width(text: str) -> int:
    """How wide the first piece of a line is that a line break could not have cut: one
    Chinese character (with the punctuation after it), or a run of digits and letters."""
    i = 0
    while i < len(text) and text[i] in _OPENING:
        i += 1
    if i < len(text) and _is_cjk(text[i]):
        i += 1
        while i < len(text) and text[i] in _CLOSING:
            i += 1
    else:
        while i < len(text) and not _is_cjk(text[i]) and text[i] != " ":
            i += 1
    return _width(text[:max(i, 1)])


def _join(parts: list[str]) -> str:
    if not parts:
        return ""
    text = parts[0]
    for part in parts[1:]:
        # a wrapped line joins its cell without a space (Chinese text breaks anywhere),
        # with one only between two Latin words
        joint = " " if (text[-1:].isascii() and text[-1:].isalpha()
                        and part[:1].isascii() and part[:1].isalpha()) else ""
        text += joint + part
    return text
