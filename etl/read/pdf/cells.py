"""Table cells: from a ruled grid (characters placed by position), or — for a table printed
without rules — from the columns that the words of consecutive lines leave free.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

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
    xs: list[float] = field(default_factory=list)  # column boundaries, left to right

    @property
    def n_columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)


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
            blocks.append(TableBlock(rows, grid.ys[0], grid.ys[-1], "ruled", list(grid.xs)))
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
    gap = _gap(line, neighbour) if line.top < neighbour.top else _gap(neighbour, line)
    if gap > _row_gap(run) or not _same_size(line, neighbour):
        return False
    return _fits(line, cuts)


def _fits(line: Line, cuts: list[float]) -> bool:
    """No glyph of the line reaches a column cut it cannot be moved past: a cell's line, or
    a row whose column gaps are too narrow to tell by themselves (long cells that fill
    their columns)."""
    return _line_cuts(line, cuts) is not None


class Cut(float):
    """A column cut: the middle of a blank strip (``lo``…``hi``) no glyph of the run touches."""

    lo: float
    hi: float

    def __new__(cls, lo: float, hi: float) -> Cut:
        cut = super().__new__(cls, (lo + hi) / 2)
        cut.lo, cut.hi = lo, hi
        return cut


def _line_cuts(line: Line, cuts: list[float]) -> list[float] | None:
    """The cuts for one line: where a glyph of a line left out of the run (its column gaps
    too narrow) reaches a cut, the cut moves into the line's own gap beside the strip; None
    when the line has no such gap (it runs across the column)."""
    margin = 0.1 * line.size
    spans = sorted(_ink(line))
    out: list[float] = []
    for cut in cuts:
        if not any(x0 - margin < cut < x1 + margin for x0, x1 in spans):
            out.append(cut)
            continue
        lo, hi = getattr(cut, "lo", cut) - line.size, getattr(cut, "hi", cut) + line.size
        best, reach = None, spans[0][1]
        for x0, x1 in spans[1:]:
            if x0 - reach >= 0.15 * line.size and reach < hi and x0 > lo and \
                    (best is None or x0 - reach > best[1] - best[0]):
                best = (reach, x0)
            reach = max(reach, x1)
        if best is None:
            return None
        out.append((best[0] + best[1]) / 2)
    return out


def _same_size(a: Line, b: Line) -> bool:
    """Set in one size. PDFium boxes some CJK glyphs by their ink (日, 工): a line of one to
    three glyphs (a cell's last line) may look up to a third smaller than its neighbours."""
    few = min(len(a.chars), len(b.chars)) <= 3
    return abs(a.size - b.size) <= (0.3 if few else 0.15) * b.size


def _run(lines: list[Line], i: int) -> list[Line]:
    """The lines from ``i`` that could be one rule-less table: close together, starting and
    ending with a line that has column gaps (lines between them: wrapped cells)."""
    if not lines[i].gaps:
        return []
    run = [lines[i]]
    for line in lines[i + 1:]:
        prev = run[-1]
        if line.top - prev.bottom > 1.5 * prev.size or not _same_size(line, prev):
            break
        run.append(line)
    while run and not run[-1].gaps:
        run.pop()
    gapped = sum(1 for line in run if line.gaps)
    return run if gapped >= MIN_ALIGNED_ROWS and 3 * gapped >= len(run) else []


_CLOSING = frozenset("〕）」』】》〉")  # full-width closing brackets: ink in the left half


def _ink(line: Line) -> list[tuple[float, float]]:
    """The parts of a line's glyph boxes that have ink, roughly: a closing bracket ending a
    cell (连政规发〔2011〕) leaves the right half of its box blank, next to the next column —
    unless a glyph touches it there (〔2007〕99号: one word)."""
    spans = []
    chars = line.chars
    for k, c in enumerate(chars):
        after = chars[k + 1].x0 - c.x1 if k + 1 < len(chars) else float("inf")
        if c.text in _CLOSING and after > 0.1 * line.size:
            spans.append((c.x0, (c.x0 + c.x1) / 2))
        else:
            spans.append((c.x0, c.x1))
    return spans


def _gutters(run: list[Line]) -> list[float]:
    """x positions (middles) of the vertical strips no character of the run touches."""
    spans = sorted(span for line in run for span in _ink(line))
    size = sorted(line.size for line in run)[len(run) // 2]
    cuts: list[float] = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= MIN_GUTTER * size:
            cuts.append(Cut(reach, x0))
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
            own = _line_cuts(line, cuts) or cuts
            for ch in line.chars:
                columns[bisect.bisect_left(own, ch.cx)].append(ch)
        rows.append([cell_text(chars) if chars else "" for chars in columns])
    xs = [min(line.x0 for line in run), *cuts, max(line.x1 for line in run)]
    return TableBlock(rows, run[0].top, run[-1].bottom, "aligned", xs)


def _gap(a: Line, b: Line) -> float:
    """The blank between line ``a`` and the line ``b`` below it. A line of one to three
    glyphs may have their ink boxes (see _same_size): it is given its neighbour's height,
    about its own middle."""
    ha, hb = a.bottom - a.top, b.bottom - b.top
    if len(a.chars) <= 3:
        ha = max(ha, hb)
    if len(b.chars) <= 3:
        hb = max(hb, ha)
    return (b.top + b.bottom) / 2 - (a.top + a.bottom) / 2 - (ha + hb) / 2


def _row_gap(run: list[Line]) -> float:
    """A vertical gap wider than this separates two rows. Rows are set further apart than
    the lines of a wrapped cell (cell padding): the gaps fall in two groups, split at the
    widest jump. Lines that touch or overlap (a vertically centred cell) are left out."""
    size = run[0].size
    gaps = sorted(g for a, b in itertools.pairwise(run) if (g := _gap(a, b)) > 0.05 * size)
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
    gaps = [_gap(a, b) for a, b in itertools.pairwise(run)]
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
