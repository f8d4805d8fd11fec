"""Table cells: from a ruled grid (characters placed by position), or — for a table printed
without rules — from the columns that the words of consecutive lines leave free.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from etl.read.pdf.chars import Char
from etl.read.pdf.layout import Line, cell_text
from etl.read.pdf.rules import Grid

MIN_ALIGNED_ROWS = 3  # lines with column gaps before a rule-less block is read as a table
MIN_ALIGNED_COLUMNS = 3  # two columns without rules are more often a list or a TOC
MIN_GUTTER = 0.5  # em: the narrowest strip between two columns (cell padding)


@dataclass
class TableBlock:
    rows: list[list[str]]
    top: float
    bottom: float
    kind: str  # ruled / aligned


def ruled_tables(grids: list[Grid], chars: list[Char]) -> tuple[list[TableBlock], list[Char]]:
    """Each grid's cells with the characters inside them; returns (tables, other chars)."""
    bins: dict[tuple[int, int, int], list[Char]] = {}
    rest: list[Char] = []
    for ch in chars:
        x, y = ch.cx, ch.cy
        for g, grid in enumerate(grids):
            if grid.contains(x, y):
                cell = grid.cell_at(x, y)
                if cell is not None:
                    bins.setdefault((g, *cell), []).append(ch)
                break
        else:
            rest.append(ch)
    blocks = []
    for g, grid in enumerate(grids):
        rows = []
        for k, cells in enumerate(grid.bands):
            row = [""] * grid.n_columns
            for (a, _), owner in zip(cells, grid.owners[k], strict=True):
                if owner == k and (g, k, a) in bins:
                    row[a] = cell_text(bins[(g, k, a)])
            if any(row):
                rows.append(row)
        if rows:  # a grid with no text is a drawing
            blocks.append(TableBlock(rows, grid.ys[0], grid.ys[-1], "ruled"))
    return blocks, rest


def aligned_tables(lines: list[Line]) -> tuple[list[TableBlock], list[Line]]:
    """Runs of lines whose words stand in the same columns → tables; returns (tables, the
    other lines)."""
    tables: list[TableBlock] = []
    rest: list[Line] = []
    i = 0
    while i < len(lines):
        run = _run(lines, i)
        cuts = _columns(run) if run else None
        if cuts is None:
            rest.append(lines[i])
            i += 1
            continue
        i += len(run)
        while rest and _belongs(rest[-1], run[0], run, cuts):  # a header cell's first line
            run.insert(0, rest.pop())
        while i < len(lines) and _belongs(lines[i], run[-1], run, cuts):  # a cell's last
            run.append(lines[i])
            i += 1
        tables.append(_aligned_table(run, cuts))
    return tables, rest


def _belongs(line: Line, neighbour: Line, run: list[Line], cuts: list[float]) -> bool:
    """A line next to the table, as close as the lines of one cell, within one column."""
    gap = neighbour.top - line.bottom if line.top < neighbour.top else line.top - neighbour.bottom
    if gap > _row_gap(run) or abs(line.size - neighbour.size) > 0.15 * neighbour.size:
        return False
    return not any(line.x0 < cut < line.x1 for cut in cuts)


def _run(lines: list[Line], i: int) -> list[Line]:
    """The lines from ``i`` that could be one rule-less table: close together, starting and
    ending with a line that has column gaps (lines between them: wrapped cells)."""
    if not lines[i].gaps:
        return []
    run = [lines[i]]
    for line in lines[i + 1:]:
        prev = run[-1]
        if line.top - prev.bottom > 1.5 * prev.size or \
                abs(line.size - prev.size) > 0.15 * prev.size:
            break
        run.append(line)
    while run and not run[-1].gaps:
        run.pop()
    gapped = sum(1 for line in run if line.gaps)
    return run if gapped >= MIN_ALIGNED_ROWS and 3 * gapped >= len(run) else []


_CLOSING = frozenset("〕）」』】》〉")  # full-width closing brackets: ink in the left half


def _ink(c: Char) -> tuple[float, float]:
    """The part of a glyph's box that has ink, roughly: a closing bracket ending a cell
    (连政规发〔2011〕) leaves the right half of its box blank, next to the next column."""
    if c.text in _CLOSING:
        return c.x0, (c.x0 + c.x1) / 2
    return c.x0, c.x1


def _gutters(run: list[Line]) -> list[float]:
    """x positions (middles) of the vertical strips no character of the run touches."""
    spans = sorted(_ink(c) for line in run for c in line.chars)
    size = sorted(line.size for line in run)[len(run) // 2]
    cuts, reach = [], spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= MIN_GUTTER * size:
            cuts.append((reach + x0) / 2)
        reach = max(reach, x1)
    return cuts


def _columns(run: list[Line]) -> list[float] | None:
    """The column cuts of a run that is a table, else None."""
    cuts = _gutters(run)
    if len(cuts) + 1 < MIN_ALIGNED_COLUMNS:
        return None
    # every column gap of a gapped line must fall on a gutter, else it is not one table
    on_gutter = sum(1 for line in run if line.gaps and all(
        any(x0 <= cut <= x1 for cut in cuts) for x0, x1 in line.gaps))
    if 3 * on_gutter < 2 * sum(1 for line in run if line.gaps):
        return None
    cuts = _needed(_row_groups(run, cuts), cuts)
    return cuts if len(cuts) + 1 >= MIN_ALIGNED_COLUMNS else None


def _needed(rows: list[list[Line]], cuts: list[float]) -> list[float]:
    """Drop a cut that no row has text on both sides of, next to it: a strip inside one
    column (numbers set right under a centred header), not a column gap."""
    kept = []
    for k, cut in enumerate(cuts):
        lo = cuts[k - 1] if k else float("-inf")
        hi = cuts[k + 1] if k + 1 < len(cuts) else float("inf")
        for row in rows:
            xs = [c.cx for line in row for c in line.chars]
            if any(lo < x < cut for x in xs) and any(cut < x < hi for x in xs):
                kept.append(cut)
                break
    return kept


def _aligned_table(run: list[Line], cuts: list[float]) -> TableBlock:
    rows = []
    for group in _row_groups(run, cuts):
        columns: list[list[Char]] = [[] for _ in range(len(cuts) + 1)]
        for line in group:
            for ch in line.chars:
                columns[bisect.bisect_left(cuts, ch.cx)].append(ch)
        rows.append([cell_text(chars) if chars else "" for chars in columns])
    return TableBlock(rows, run[0].top, run[-1].bottom, "aligned")


def _row_gap(run: list[Line]) -> float:
    """A vertical gap wider than this separates two rows. Rows are set further apart than
    the lines of a wrapped cell (cell padding): the gaps fall in two groups, split at the
    widest jump. Lines that touch or overlap (a vertically centred cell) are left out."""
    size = run[0].size
    gaps = sorted(g for a, b in itertools.pairwise(run) if (g := b.top - a.bottom) > 0.05 * size)
    # the highest clear jump (≥ 0.15 em) above line spacing (≤ 0.6 em); none: rows are lines
    jumps = [(a + b) / 2 for a, b in itertools.pairwise(gaps)
             if a <= 0.6 * size and b - a >= 0.15 * size]
    return jumps[-1] if jumps else (gaps[-1] if gaps else 0.0)


def _row_groups(run: list[Line], cuts: list[float]) -> list[list[Line]]:
    """Lines → rows. Rows are set further apart than the lines of a wrapped cell (cell
    padding): split where the vertical gap jumps. Lines that overlap belong to one row
    (cells centred beside a wrapped one: then rows are what does not overlap). With even
    spacing and nothing centred, a line whose first column is empty continues the row
    above."""
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(run)]
    at = _row_gap(run)
    even = not any(gap > at for gap in gaps)
    overlap = [gap < -0.15 * run[0].size for gap in gaps]  # a row whose cells are centred
    groups: list[list[Line]] = [[run[0]]]
    for line, gap, touching in zip(run[1:], gaps, overlap, strict=True):
        first_empty = all(ch.cx > cuts[0] for ch in line.chars) and not any(overlap)
        if touching or (even and first_empty) or (not even and gap <= at):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups
