"""Tables without rules whose columns are too tight to show in any one line: long cells fill
their columns, so no line has a column gap of 1.2 em (what cells.aligned_tables starts
from), and cells set in the middle of their row put every line of a row at its own height.

Such a table is a block of lines none of which runs across the text column as a paragraph
line does, close together, whose glyphs leave vertical strips free from top to bottom: the
strips are the column gaps. Its rows are the bands the lines make when the lines that
overlap in height are taken together, split where the blank between two bands is clearly
wider than the line spacing inside a cell; every row has its key (first) cell.
"""

from __future__ import annotations

import bisect
import itertools

from etl.read.pdf.cells import (
    MIN_ALIGNED_COLUMNS,
    MIN_GUTTER,
    TableBlock,
    _gutters,
    _ink,
    _needed,
    _same_size,
)
from etl.read.pdf.chars import Char
from etl.read.pdf.layout import Line, cell_text

MIN_LINES = 4  # lines in a block before it can be a table
FULL = 0.85  # of the text column: a line this wide without a column gap is a paragraph's
KEYED = 0.8  # of the rows: how many must have their first cell


def tight_tables(lines: list[Line]) -> tuple[list[TableBlock], list[Line]]:
    """Blocks of lines that are tables with tight columns; returns (tables, other lines)."""
    if len(lines) < MIN_LINES:
        return [], lines
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    tables: list[TableBlock] = []
    rest: list[Line] = []
    i = 0
    while i < len(lines):
        block = _block(lines, i, left, right)
        found = _table(block) if len(block) >= MIN_LINES else None
        if found is None:
            rest.extend(block or lines[i:i + 1])
            i += max(1, len(block))
            continue
        skipped, table, used = found
        rest.extend(block[:skipped])
        tables.append(table)
        rest.extend(block[skipped + used:])
        i += len(block)
    return tables, rest


def _prose(line: Line, left: float, right: float) -> bool:
    if line.x1 - line.x0 < FULL * (right - left):
        return False
    spans = _ink(line)
    return not any(b[0] - a[1] >= MIN_GUTTER * line.size for a, b in itertools.pairwise(spans))


def _block(lines: list[Line], i: int, left: float, right: float) -> list[Line]:
    block: list[Line] = []
    bottom = 0.0
    for line in lines[i:]:
        if _prose(line, left, right):
            break
        if block and (line.top - bottom > 1.5 * line.size or not _same_size(line, block[-1])):
            break
        block.append(line)
        bottom = max(bottom, line.bottom)
    return block


def _table(block: list[Line]) -> tuple[int, TableBlock, int] | None:
    """The table in a block, leaving out up to two lines at either end (a title, a note):
    (lines skipped at the start, the table, lines used)."""
    for start in range(3):
        for end in range(len(block), max(len(block) - 3, start + MIN_LINES - 1), -1):
            lines = block[start:end]
            if len(lines) < MIN_LINES:
                continue
            cuts = _gutters(lines)
            if len(cuts) + 1 < MIN_ALIGNED_COLUMNS:
                continue
            rows = _bands(lines)
            if len(rows) < 2:
                continue
            cuts = _needed(rows, cuts)
            if len(cuts) + 1 < MIN_ALIGNED_COLUMNS:
                continue
            table = _cells(rows, cuts)
            if _filled(table):
                return start, table, len(lines)
    return None


def _filled(table: TableBlock) -> bool:
    """Like a table: the key cell in (nearly) every row, every column with text in two rows
    or more, and most columns in half the rows (short lines set apart, as on a cover, fill
    one column and touch the others here and there)."""
    n = len(table.rows)
    counts = [sum(1 for row in table.rows if row[k]) for k in range(table.n_columns)]
    return counts[0] >= KEYED * n and min(counts) >= 2 and \
        2 * sum(1 for c in counts if 2 * c >= n) >= len(counts)


def _bands(lines: list[Line]) -> list[list[Line]]:
    """Lines → rows: lines overlapping in height form a band; bands further apart than the
    lines of a cell are rows. No clear difference: each band is a row (the key cells tell
    whether that reads as a table)."""
    bands: list[list[Line]] = []
    bottom = float("-inf")
    for line in sorted(lines, key=lambda item: item.top):
        if bands and line.top < bottom - 0.1 * line.size:
            bands[-1].append(line)
        else:
            bands.append([line])
        bottom = max(bottom, line.bottom) if len(bands[-1]) > 1 else line.bottom
    size = sorted(line.size for line in lines)[len(lines) // 2]
    gaps = [min(x.top for x in b) - max(x.bottom for x in a) for a, b in itertools.pairwise(bands)]
    ordered = sorted(gaps)
    jumps = [(a + b) / 2 for a, b in itertools.pairwise(ordered) if b - a >= 0.15 * size]
    if not jumps:
        return bands
    at = jumps[0]  # the first clear jump above the line spacing inside a cell
    rows: list[list[Line]] = [list(bands[0])]
    for band, gap in zip(bands[1:], gaps, strict=True):
        if gap > at:
            rows.append(list(band))
        else:
            rows[-1].extend(band)
    return rows


def _cells(rows: list[list[Line]], cuts: list[float]) -> TableBlock:
    out = []
    for row in rows:
        columns: list[list[Char]] = [[] for _ in range(len(cuts) + 1)]
        for line in row:
            for ch in line.chars:
                columns[bisect.bisect_left(cuts, ch.cx)].append(ch)
        out.append([cell_text(chars) if chars else "" for chars in columns])
    lines = [line for row in rows for line in row]
    xs = [min(line.x0 for line in lines), *cuts, max(line.x1 for line in lines)]
    return TableBlock(out, min(line.top for line in lines), max(line.bottom for line in lines),
                      "aligned", xs)
