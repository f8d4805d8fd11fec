"""Page furniture: running headers and page numbers, found by repetition, not by wording.

A line at the top or bottom edge of a page is furniture when the same line (digits aside, at
the same size) stands at that edge on several pages — 连云港市人民政府公报 on even pages, the
section name on odd ones, 第16期 · 12 — or when it is a bare page number set apart below or
above the text. Removed furniture is returned, so the reader can record what it dropped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from etl.read.pdf.layout import Line

EDGE_LINES = 2  # lines looked at from each edge of a page
MIN_SHARE = 0.2  # of the pages: how often a line must repeat at an edge to be a header
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^[-—–·.\s]*(?:第)?#(?:页)?(?:[/／]#(?:页)?)?[-—–·.\s]*$|^(?:page)?#$",
                          re.IGNORECASE)


@dataclass(frozen=True)
class Furniture:
    page: int
    where: str  # header / footer
    text: str
    page_number: bool = False  # a bare page number (else a running header or footer line)


def _key(line: Line) -> tuple[str, int]:
    return _DIGITS.sub("#", "".join(line.text.split())), round(line.size)


def _edges(items: list) -> tuple[list[Line], list[Line]]:
    """The first and last lines of a page, up to the first table from either edge."""
    top: list[Line] = []
    for item in items[:EDGE_LINES]:
        if not isinstance(item, Line):
            break
        top.append(item)
    bottom: list[Line] = []
    for item in reversed(items[len(top):][-EDGE_LINES:]):
        if not isinstance(item, Line):
            break
        bottom.append(item)
    return top, bottom


def _set_apart(line: Line, neighbour: object | None) -> bool:
    """Separated from the text by more than a line's height (a footer, a header)."""
    if neighbour is None:
        return True
    below = neighbour.top > line.top
    gap = neighbour.top - line.bottom if below else line.top - neighbour.bottom
    return gap > 0.9 * line.size


def remove_furniture(pages: list[list]) -> list[Furniture]:
    """Drop running headers and page numbers from each page's items (in place)."""
    seen: Counter[tuple[str, tuple[str, int]]] = Counter()
    for items in pages:
        top, bottom = _edges(items)
        seen.update(("header", _key(line)) for line in top)
        seen.update(("footer", _key(line)) for line in bottom)
    enough = max(2, math.ceil(MIN_SHARE * len(pages)))
    found: list[Furniture] = []
    for number, items in enumerate(pages, start=1):
        _strip(items, number, "header", seen, enough, found)
        _strip(items, number, "footer", seen, enough, found)
    return found


def _strip(items: list, number: int, where: str, seen: Counter, enough: int,
           found: list[Furniture]) -> None:
    for _ in range(EDGE_LINES):
        if not items:
            return
        at = 0 if where == "header" else len(items) - 1
        line = items[at]
        if not isinstance(line, Line):
            return
        key = _key(line)
        neighbour = items[at + 1] if where == "header" and len(items) > 1 else \
            items[at - 1] if where == "footer" and len(items) > 1 else None
        numbered = bool(_PAGE_NUMBER.match(key[0])) and _set_apart(line, neighbour)
        if seen[(where, key)] < enough and not numbered:
            return
        found.append(Furniture(number, where, line.text.strip(),
                               bool(_PAGE_NUMBER.match(key[0]))))
        del items[at]
