"""Ruling lines of a PDF page and the table grids they draw.

Producers draw a table's rules in different ways: thin filled rectangles (Chromium, most
HTML printers), stroked lines, or a stroked rectangle per cell (word processors). All become
horizontal and vertical segments; touching segments form a grid; each row band of a grid
has its own column boundaries, so merged cells (colspan) are read as one cell, and a missing
rule between two bands marks a cell spanning both (rowspan).
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
from dataclasses import dataclass, field

import pypdfium2.raw as pdfium_c

THIN = 2.5  # pt: a filled shape thinner than this is a rule
MIN_RULE = 3.0  # pt: shorter segments are glyph-like details, not rules
SNAP = 2.0  # pt: rules this close are one rule; a rule this close to another touches it
MAX_SEGMENTS = 400  # a path with more segments is a drawing, not a table


@dataclass(slots=True)
class Rule:
    """A horizontal rule (``pos`` = y, from ``lo`` to ``hi`` in x) or a vertical one
    (``pos`` = x, ``lo``…``hi`` in y); top-down page coordinates."""

    pos: float
    lo: float
    hi: float


@dataclass
class Grid:
    ys: list[float]  # row boundaries, top to bottom
    xs: list[float]  # every column boundary, left to right
    # per band (between ys[k] and ys[k+1]): cells as (first column, end column) indexes of xs
    bands: list[list[tuple[int, int]]] = field(default_factory=list)
    # per band and cell: the band whose cell this one continues (rowspan), else itself
    owners: list[list[int]] = field(default_factory=list)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    @property
    def n_columns(self) -> int:
        return len(self.xs) - 1

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(band, first column) of the cell holding the point, rowspans resolved."""
        k = bisect.bisect_right(self.ys, y) - 1
        if not 0 <= k < len(self.bands):
            return None
        col = bisect.bisect_right(self.xs, x) - 1
        for j, (a, b) in enumerate(self.bands[k]):
            if a <= col < b:
                return self.owners[k][j], a
        return None


def page_rules(page, height: float) -> tuple[list[Rule], list[Rule]]:
    """Horizontal and vertical rules drawn on the page (merged, top-down coordinates)."""
    hs: list[Rule] = []
    vs: list[Rule] = []
    box = [ctypes.c_float() for _ in range(4)]
    for obj in page_objects(page, pdfium_c.FPDF_PAGEOBJ_PATH):
        fill, stroke = _draw_mode(obj)
        if not (fill or stroke) or not _visible(obj, fill, stroke):
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *box):
            continue
        left, bottom, right, top = (v.value for v in box)
        top, bottom = height - top, height - bottom
        if bottom - top <= THIN and right - left >= MIN_RULE:
            hs.append(Rule((top + bottom) / 2, left, right))
        elif right - left <= THIN and bottom - top >= MIN_RULE:
            vs.append(Rule((left + right) / 2, top, bottom))
        elif stroke:  # a stroked outline: each straight side is a rule
            _segment_rules(obj, height, hs, vs)
    return merge(hs), merge(vs)


def page_objects(page, kind: int) -> list:
    """The page's top-level objects of one kind, as raw handles: pypdfium2's get_objects
    wraps every object in Python first (a page of text holds thousands)."""
    handle = page.raw
    found = []
    for i in range(pdfium_c.FPDFPage_CountObjects(handle)):
        obj = pdfium_c.FPDFPage_GetObject(handle, i)
        if pdfium_c.FPDFPageObj_GetType(obj) == kind:
            found.append(obj)
    return found


def _draw_mode(obj) -> tuple[bool, bool]:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke):
        return False, False
    return fill.value != 0, bool(stroke.value)


def _visible(obj, fill: bool, stroke: bool) -> bool:
    """Not white (or fully transparent) on the paper."""
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    get = pdfium_c.FPDFPageObj_GetStrokeColor if stroke else pdfium_c.FPDFPageObj_GetFillColor
    if not get(obj, r, g, b, a):
        return True
    return a.value > 0 and min(r.value, g.value, b.value) < 235


def _segment_rules(obj, height: float, hs: list[Rule], vs: list[Rule]) -> None:
    n = pdfium_c.FPDFPath_CountSegments(obj)
    m = pdfium_c.FS_MATRIX()
    if n <= 1 or n > MAX_SEGMENTS or not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return
    x, y = ctypes.c_float(), ctypes.c_float()
    start = last = None
    for i in range(n):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        px, py = x.value, y.value
        point = (m.a * px + m.c * py + m.e, height - (m.b * px + m.d * py + m.f))
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = last = point
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and last is not None:
            _add_side(last, point, hs, vs)
        last = point if kind != pdfium_c.FPDF_SEGMENT_BEZIERTO else None
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None and last is not None:
            _add_side(last, start, hs, vs)
            last = start


def _add_side(p: tuple[float, float], q: tuple[float, float], hs: list[Rule],
              vs: list[Rule]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) <= 1 and abs(x0 - x1) >= MIN_RULE:
        hs.append(Rule((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x0 - x1) <= 1 and abs(y0 - y1) >= MIN_RULE:
        vs.append(Rule((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def merge(rules: list[Rule]) -> list[Rule]:
    """Rules at (nearly) the same position whose spans touch become one rule."""
    merged: list[Rule] = []
    for rule in sorted(rules, key=lambda r: (r.pos, r.lo)):
        for other in reversed(merged[-8:]):  # recent rules at nearly the same position
            if abs(other.pos - rule.pos) <= SNAP and rule.lo <= other.hi + SNAP \
                    and rule.hi >= other.lo - SNAP:
                other.lo, other.hi = min(other.lo, rule.lo), max(other.hi, rule.hi)
                break
        else:
            merged.append(Rule(rule.pos, rule.lo, rule.hi))
    return merged


def _touch(h: Rule, v: Rule) -> bool:
    return h.lo - SNAP <= v.pos <= h.hi + SNAP and v.lo - SNAP <= h.pos <= v.hi + SNAP


def find_grids(hs: list[Rule], vs: list[Rule]) -> list[Grid]:
    """Tables drawn with rules: groups of touching rules with at least two columns."""
    grids = []
    for group_h, group_v in _components(hs, vs):
        grid = _grid(group_h, group_v)
        if grid is not None:
            grids.append(grid)
    return grids


def _components(hs: list[Rule], vs: list[Rule]) -> list[tuple[list[Rule], list[Rule]]]:
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _touch(h, v):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 1]


def _clusters(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > SNAP:
            out.append(value)
    return out


def _grid(hs: list[Rule], vs: list[Rule]) -> Grid | None:
    left, right = min(h.lo for h in hs), max(h.hi for h in hs)
    ys = _clusters([h.pos for h in hs])
    xs = _clusters([left, right, *(v.pos for v in vs if left - SNAP <= v.pos <= right + SNAP)])
    # a table cut by a page break is often left open there: its column rules run on past
    # the last (or before the first) row rule; the open band is a row too
    top, bottom = min(v.lo for v in vs), max(v.hi for v in vs)
    if ys and top < ys[0] - SNAP:
        ys.insert(0, top)
    if ys and bottom > ys[-1] + SNAP:
        ys.append(bottom)
    if len(ys) < 2 or len(xs) < 3:
        return None  # a box around text, or a lone rule: not a table
    grid = Grid(ys, xs)
    for k in range(len(ys) - 1):
        top, bottom = ys[k], ys[k + 1]
        cuts = [0, len(xs) - 1]
        for i, x in enumerate(xs[1:-1], start=1):
            if any(abs(v.pos - x) <= SNAP and v.lo <= top + SNAP and v.hi >= bottom - SNAP
                   for v in vs):
                cuts.append(i)
        cuts = sorted(set(cuts))
        grid.bands.append(list(itertools.pairwise(cuts)))
    if max(len(cells) for cells in grid.bands) < 2:
        return None
    _resolve_rowspans(grid, hs)
    return grid


def _resolve_rowspans(grid: Grid, hs: list[Rule]) -> None:
    """A cell with no rule above it (over its middle) continues the cell above."""
    for k, cells in enumerate(grid.bands):
        owners = []
        for a, b in cells:
            owner = k
            if k > 0:
                mid = (grid.xs[a] + grid.xs[b]) / 2
                ruled = any(abs(h.pos - grid.ys[k]) <= SNAP and h.lo - SNAP <= mid <= h.hi + SNAP
                            for h in hs)
                above = grid.bands[k - 1]
                if not ruled and (a, b) in above:
                    owner = grid.owners[k - 1][above.index((a, b))]
            owners.append(owner)
        grid.owners.append(owners)
