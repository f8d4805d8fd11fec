"""Characters → text lines → paragraphs, in reading order.

A line is the characters sharing a vertical band, left to right. Spaces come from pdfium's
judgement where the two glyphs were neighbours in the content stream (it knows the glyph
advances), else from the gap; never between two CJK glyphs that touch. A paragraph wrapped
over several lines is joined back into one line: without a space when either side is CJK,
with one between Latin words — so every derived line is what the typist wrote.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field

from etl.read.pdf.chars import Char, is_cjk

SPACE_GAP = 0.25  # em: a wider gap between two glyphs is a space (when pdfium cannot say)
CJK_SPACE_GAP = 0.6  # em: CJK glyphs are set solid; justification stretches them a little
WIDE_GAP = 1.2  # em: a gap this wide is a column gap, kept as several spaces


@dataclass
class Line:
    chars: list[Char]
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # em: the median glyph height
    weight: int = 400  # of the first glyph (a bold heading is not its paragraph's line)
    gaps: list[tuple[float, float]] = field(default_factory=list)  # wide gaps (x0, x1)


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters → lines (top to bottom), each left to right."""
    rows: list[list[Char]] = []
    bottom = -1e9
    for ch in sorted(chars, key=lambda c: c.cy):
        if rows and ch.cy <= bottom:
            rows[-1].append(ch)
            bottom = max(bottom, ch.bottom - 0.25 * ch.size)
        else:
            rows.append([ch])
            bottom = ch.bottom - 0.25 * ch.size
    for row in rows:
        row.sort(key=lambda c: c.x0)
    return rows


def make_line(chars: list[Char]) -> Line:
    chars = _dedupe(chars)
    size = statistics.median(c.size for c in chars) or 1.0
    parts = [chars[0].text]
    gaps: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(chars):
        gap = b.x0 - a.x1
        if gap >= WIDE_GAP * size:
            gaps.append((a.x1, b.x0))
            parts.append(" " * max(2, round(gap / (0.5 * size))))
        elif needs_space(a, b, size):
            parts.append(" ")
        parts.append(b.text)
    return Line(chars, "".join(parts), chars[0].x0, chars[-1].x1, min(c.top for c in chars),
                max(c.bottom for c in chars), size, gaps=gaps)


def _dedupe(chars: list[Char]) -> list[Char]:
    """Drop a glyph printed twice in the same place (fake bold, shadowed text)."""
    out = [chars[0]]
    for ch in chars[1:]:
        last = out[-1]
        if ch.text == last.text and abs(ch.x0 - last.x0) < 0.25 * (last.x1 - last.x0) \
                and abs(ch.top - last.top) < 0.25 * max(ch.size, 1.0):
            continue
        out.append(ch)
    return out


def needs_space(a: Char, b: Char, size: float) -> bool:
    if b.prev == a.index:
        return b.space
    gap = b.x0 - a.x1
    if is_cjk(a.text) and is_cjk(b.text):
        return gap > CJK_SPACE_GAP * size
    return gap > SPACE_GAP * size


def join_text(a: str, b: str) -> str:
    """Two lines of one wrapped paragraph or cell → one: CJK joins solid, Latin with a space."""
    a, b = a.rstrip(), b.lstrip()
    if not a or not b:
        return a or b
    if is_cjk(a[-1]) or is_cjk(b[0]) or a[-1] in "-/–":
        return a + b
    return a + " " + b


def cell_text(chars: list[Char]) -> str:
    """The characters of one table cell → its text, wrapped lines joined; no tab or newline."""
    text = ""
    for row in group_lines(chars):
        text = join_text(text, make_line(row).text.strip())
    return " ".join(text.split()) if any(c in text for c in "\t\n\r") else text.strip()


@dataclass
class Column:
    """The text column of a page (or of odd or even pages): where full lines start and end."""

    left: float
    right: float


def text_column(lines: list[Line]) -> Column | None:
    if len(lines) < 3:
        return None
    lefts = sorted(line.x0 for line in lines)
    rights = sorted(line.x1 for line in lines)
    return Column(lefts[len(lefts) // 20], rights[-1 - len(rights) // 20])


def continues(a: Line, b: Line, column: Column, pitch: float, first: Line | None = None) -> bool:
    """Is ``b`` the next line of ``a``'s paragraph (or of a wrapped, centred heading)?
    ``pitch``: the usual distance of two lines of a paragraph, in em; ``first``: the first
    line of ``a``'s paragraph (an indented one is no heading)."""
    em = a.size
    # a few Latin glyphs (a closing bracket) have a taller box than the CJK text around them
    tolerance = 0.08 if len(b.chars) > 3 else 0.15
    if abs(a.size - b.size) > tolerance * em or abs(a.weight - b.weight) >= 200:
        return False
    if b.top - a.top > (pitch + 0.2) * em or b.top <= a.top:
        return False  # a paragraph break, or not below
    full = a.x1 >= column.right - 1.5 * em and a.x0 <= column.left + 2.6 * em
    if not full or a.gaps or b.gaps:
        return False
    if b.x0 <= column.left + 0.5 * em:
        return True  # the next line of a paragraph starts at the margin
    # a wrapped centred heading: its last line is centred under the first, which is centred
    # too (a paragraph's first line is indented: 2 em on the left, none on the right)
    if first is not None and first.x0 > column.left + 0.5 * em:
        return False  # an indented paragraph's last line: the next is a new paragraph
    return abs((b.x0 - column.left) - (column.right - b.x1)) <= 1.5 * em and \
        abs((a.x0 - column.left) - (column.right - a.x1)) <= 1.5 * em


def continues_on_next_page(a: Line, b: Line, column_a: Column, column_b: Column) -> bool:
    """Is ``b``, the first line of a page, the next line of the paragraph whose line ``a``
    ends the page before? ``a`` is full, ``b`` starts at the margin (no paragraph indent),
    both in one size and weight."""
    em = a.size
    if abs(a.size - b.size) > 0.08 * em or abs(a.weight - b.weight) >= 200 or a.gaps or b.gaps:
        return False
    full = a.x1 >= column_a.right - 1.5 * em and a.x0 <= column_a.left + 2.6 * em
    return full and b.x0 <= column_b.left + 0.5 * em


def join_across(a: str, b: str) -> str:
    """``a`` and ``b`` as one line with the page break (a form feed) between them."""
    a, b = a.rstrip(), b.lstrip()
    space = "" if not a or not b or is_cjk(a[-1]) or is_cjk(b[0]) or a[-1] in "-/–" else " "
    return a + space + "\f" + b


def line_pitch(lines: list[Line]) -> float:
    """The usual distance between the tops of two consecutive lines, in em."""
    steps = [(b.top - a.top) / a.size for a, b in itertools.pairwise(lines)
             if abs(a.size - b.size) < 0.05 * a.size and 0 < b.top - a.top < 3 * a.size]
    return statistics.median(steps) if steps else 1.8
