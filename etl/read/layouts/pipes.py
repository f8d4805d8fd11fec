"""Markdown pipe tables (``| 序号 | 名称 |`` with a ``---|---`` rule under the header), with
or without the outer pipes.

A row with a single non-empty cell that is not a row key (``| 古墓葬 | | | |``), or a plain
line between two rows (``**古墓葬**``), is a heading inside the table: it is recorded in
``interruptions``, as a category heading between the rows of a tab table is. ``\\|`` is a
pipe inside a cell, ``<br>`` a line break inside a cell (read as a space, as a wrapped cell
is). Parts split by a page break are merged, repeated headers dropped and recorded.
"""

from __future__ import annotations

import re

from etl.normalize import clean_text, halfwidth_digits
from etl.read.layouts._common import (
    continues,
    gap_between,
    is_furniture,
    record_gap,
    title_for,
    trimmed,
    width_flags,
)
from etl.read.lines import strip_markup
from etl.read.model import Row, Table

_ESCAPED_SPLIT = re.compile(r"(?<!\\)\|")
_BR = re.compile(r"<br\s{0,3}/?>", re.IGNORECASE)
_KEY = re.compile(r"[A-Za-z]?\d{1,4}(?:\s?[-－—–.．]\s?\d{1,4}){0,2}")


def find(lines: list[str], taken: set[int] | None = None) -> list[Table]:
    taken = taken or set()
    tables: list[Table] = []
    for block in _blocks(lines, taken):
        if tables and _merge(lines, tables[-1], block):
            continue
        table = _new_table(lines, block)
        if table is not None:
            tables.append(table)
    return tables


# --- lines -------------------------------------------------------------------------------


def has_pipe(line: str) -> bool:
    """A line with a pipe that is not escaped (``\\|``)."""
    if "|" not in line:
        return False
    return line.count("|") > line.count("\\|")


def is_rule(line: str) -> bool:
    """``|---|:---:|`` / ``--- | ---``: the line under a markdown table's header."""
    text = line.strip()
    if "-" not in text or not set(text) <= set("|-: "):
        return False
    cells = [c.strip() for c in text.strip("|").split("|")]
    return all(c.strip(":") and set(c.strip(":")) == {"-"} for c in cells)


def split_row(line: str) -> list[str]:
    """A pipe line → its cells (outer pipes dropped, ``\\|`` and ``<br>`` read)."""
    text = line.strip()
    parts = _ESCAPED_SPLIT.split(text) if "\\|" in text else text.split("|")
    if text.startswith("|"):
        parts = parts[1:]
    if text.endswith("|") and not text.endswith("\\|") and parts:
        parts = parts[:-1]
    return [_cell(p) for p in parts]


def _cell(text: str) -> str:
    if "\\|" in text:
        text = text.replace("\\|", "|")
    if "<" in text:
        text = _BR.sub(" ", text)
    text = text.strip()
    for mark in ("**", "__"):
        if len(text) > 4 and text.startswith(mark) and text.endswith(mark):
            text = text[2:-2].strip()
    return text


def _outer(line: str) -> bool:
    text = line.strip()
    return text.startswith("|") and text.endswith("|") and len(text) > 1


# --- blocks ------------------------------------------------------------------------------


def _blocks(lines: list[str], taken: set[int]) -> list[list[tuple[int, str]]]:
    """Runs of pipe lines (1-based line, text); one plain short line between two pipe
    lines (a bold category heading) stays in the run."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    n = len(lines)
    candidates = [i for i, line in enumerate(lines) if "|" in line]
    if not candidates:
        return []
    i = candidates[0]
    while i < n:
        line = lines[i]
        if i + 1 not in taken and has_pipe(line):
            current.append((i + 1, line))
            i += 1
            continue
        sandwiched = (current and line.strip() and i + 1 < n and i + 1 not in taken
                      and i + 2 not in taken and has_pipe(lines[i + 1])
                      and len(line.strip()) <= 40 and not is_furniture(line))
        if sandwiched:
            current.append((i + 1, line))
            i += 1
            continue
        if current:
            blocks.append(current)
            current = []
        # jump to the next line with a pipe: the text between is no table
        i += 1
        while i < n and "|" not in lines[i]:
            i += 1
    if current:
        blocks.append(current)
    return blocks


def _is_table(block: list[tuple[int, str]]) -> bool:
    if len(block) >= 2 and is_rule(block[1][1]) and len(split_row(block[0][1])) >= 2:
        return True
    piped = [text for _, text in block if has_pipe(text)]
    if len(piped) < 3 or not all(_outer(t) for t in piped):
        return False
    widths = {len(split_row(t)) for t in piped}
    return len(widths) == 1 and widths.pop() >= 2


def _new_table(lines: list[str], block: list[tuple[int, str]]) -> Table | None:
    if not _is_table(block):
        return None
    header_line, header_text = block[0]
    header = trimmed([clean_text(c) for c in split_row(header_text)])
    title, title_line = title_for(lines, header_line)
    table = Table(header, header_line, [], title, title_line, block[-1][0], layout="pipes")
    body = block[1:]
    if body and is_rule(body[0][1]):
        body = body[1:]
    _add_rows(table, body)
    return table


def _merge(lines: list[str], table: Table, block: list[tuple[int, str]]) -> bool:
    """A block after a page break that repeats the header (or has the table's width) goes
    on the table."""
    first_line, first_text = block[0]
    if not has_pipe(first_text):
        return False
    gap = gap_between(lines, table.end_line, first_line, free=(is_furniture,))
    if gap is None:
        return False
    merge, repeats = continues(table, [clean_text(c) for c in split_row(first_text)])
    if not merge:
        return False
    record_gap(table, gap)
    body = block
    if repeats:
        table.skipped.append((first_line, "repeated_header", first_text))
        body = block[1:]
        if body and is_rule(body[0][1]):
            table.skipped.append((body[0][0], "repeated_header", body[0][1]))
            body = body[1:]
    _add_rows(table, body)
    table.end_line = max(table.end_line, block[-1][0])
    return True


def _is_key(cell: str) -> bool:
    return _KEY.fullmatch(halfwidth_digits(cell.strip())) is not None


def _add_rows(table: Table, body: list[tuple[int, str]]) -> None:
    width = table.n_columns
    keyed = _keyed_first_column(body)
    for line_no, text in body:
        if not has_pipe(text):  # a plain line between rows: a heading inside the table
            table.interruptions.append((line_no, clean_text(strip_markup(text))))
            continue
        if is_rule(text):
            table.skipped.append((line_no, "rule", text))
            continue
        cells = split_row(text)
        cleaned = [clean_text(c) for c in cells]
        if trimmed(cleaned) == table.header:
            table.skipped.append((line_no, "repeated_header", text))
            continue
        filled = [c for c in cells if c]
        if not filled:
            table.skipped.append((line_no, "empty_row", text))
            continue
        if (len(filled) == 1 and width >= 3 and not _is_key(filled[0])
                and (keyed or cells[0] == "" or "**" in text)):
            table.interruptions.append((line_no, clean_text(strip_markup(filled[0]))))
            continue
        table.rows.append(Row(cells, line_no, width_flags(cells, width)))
    if body:
        table.end_line = max(table.end_line, body[-1][0])


def _keyed_first_column(body: list[tuple[int, str]]) -> bool:
    """Whether most rows open with a key (序号 1, 编号 5-1): then a lone non-key cell is a
    heading, not a row."""
    firsts = [split_row(t)[0] for _, t in body if has_pipe(t)]
    firsts = [c for c in firsts if c]
    return bool(firsts) and sum(_is_key(c) for c in firsts) * 2 > len(firsts)
