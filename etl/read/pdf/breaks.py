"""Tables across page breaks: the part at the top of a page that goes on with the table at
the bottom of the page before, and a row the break split in two.

A part continues the table before it when nothing but page furniture stands between them
(the previous page ends with a table, this page begins with one) and it has the same
columns: as many, and — when both are ruled — as wide (the whole table may sit further left
or right on the facing page). A part without rules shows only the columns that have text on
its page: its columns are matched to the table's by position, and the empty ones put back.
A continuing part is written right under the rows before it, so the reader of the derived
text takes it for one table, a header repeated or not.

A row split by the break leaves its second part at the top of the next page, under the
repeated header if there is one: a row whose key (first) cell is empty while other cells
have text. It is joined back into the last row of the page before, cell by cell — unless
the table has rows with an empty key cell elsewhere (cells spanning several rows), where
an empty key cell says nothing. A table without rules has no columns to show in a part of
a line or two: lines at the top of a page, each inside one column of the table (not its key
column) and followed by the table's next part, are that split row.
"""

from __future__ import annotations

import bisect

from etl.read.pdf.cells import TableBlock
from etl.read.pdf.layout import Line, cell_text, join_text

MAX_FRAGMENT = 4  # lines of a split row's part without rules at the top of a page

WIDTH_TOLERANCE = 3.0  # pt: two ruled parts' columns this close in width are the same columns


def join_parts(pages: list[list]) -> set[int]:
    """Join rows split by page breaks (in place); returns the indexes of the pages whose
    first item continues the table that ends the page before."""
    continuing: set[int] = set()
    header: list[str] | None = None
    for n in range(1, len(pages)):
        before, items = pages[n - 1], pages[n]
        _fragment_row(before, items)
        if not (before and items and isinstance(before[-1], TableBlock)
                and isinstance(items[0], TableBlock)):
            continue
        last, part = before[-1], items[0]
        if not _same_columns(last, part) and not _widen(last, part):
            continue
        continuing.add(n)
        if n - 1 not in continuing or before[0] is not last or header is None:
            header = _clean(last.rows[0])  # the table began on the page before: its header
        if _rejoin(last, part, header) and not part.rows:
            del items[0]
    return continuing


def _fragment_row(before: list, items: list) -> None:
    """Lines topping a page that are a split row's part in a table without rules → the first
    row of the part after them (in place)."""
    if not before or not isinstance(before[-1], TableBlock) or before[-1].kind != "aligned":
        return
    k = 0
    while k < len(items) and k <= MAX_FRAGMENT and isinstance(items[k], Line):
        k += 1
    if not 0 < k <= MAX_FRAGMENT or k == len(items) or not isinstance(items[k], TableBlock):
        return
    part, xs = items[k], items[k].xs
    if part.kind != "aligned" or len(xs) < 3:
        return
    columns: list[list] = [[] for _ in range(len(xs) - 1)]
    for line in items[:k]:
        spans = {min(max(bisect.bisect_right(xs, c.cx) - 1, 0), len(xs) - 2) for c in line.chars}
        if len(spans) != 1 or 0 in spans:  # a line across columns, or in the key column
            return
        columns[spans.pop()].extend(line.chars)
    part.rows.insert(0, [cell_text(chars) if chars else "" for chars in columns])
    part.top = min(part.top, items[0].top)
    del items[:k]


def _same_columns(a: TableBlock, b: TableBlock) -> bool:
    if a.n_columns != b.n_columns or not a.rows or not b.rows:
        return False
    if a.kind == b.kind == "ruled" and len(a.xs) == len(b.xs):
        widths = [(x1 - x0, y1 - y0) for x0, x1, y0, y1 in
                  zip(a.xs, a.xs[1:], b.xs, b.xs[1:], strict=False)]
        return all(abs(w - v) <= WIDTH_TOLERANCE for w, v in widths)
    return True


def _widen(last: TableBlock, part: TableBlock) -> bool:
    """A part without rules that lacks some of the table's columns (empty on its page):
    each of its columns sits inside one of the table's (lined up at the left edge); its rows
    get the missing cells back, empty."""
    if part.kind != "aligned" or not part.rows or not last.rows or \
            not part.n_columns < last.n_columns == len(last.xs) - 1 or \
            len(part.xs) != part.n_columns + 1:
        return False
    shift = last.xs[0] - part.xs[0]
    to: list[int] = []
    for a, b in zip(part.xs, part.xs[1:], strict=False):
        mid = (a + b) / 2 + shift
        j = next((j for j in range(last.n_columns) if last.xs[j] <= mid < last.xs[j + 1]), None)
        if j is None or (to and j <= to[-1]):
            return False
        to.append(j)
    for r, row in enumerate(part.rows):
        wide = [""] * last.n_columns
        for k, cell in enumerate(row):
            wide[to[k]] = cell
        part.rows[r] = wide
    part.xs = list(last.xs)
    return True


def _clean(row: list[str]) -> list[str]:
    return ["".join(cell.split()) for cell in row]


def _rejoin(last: TableBlock, part: TableBlock, header: list[str]) -> bool:
    """Join the split row at the top of ``part`` into the last row of ``last``."""
    at = 1 if _clean(part.rows[0]) == header and len(part.rows) > 1 else 0
    row, previous = part.rows[at], last.rows[-1]
    if row[0].strip() or not any(c.strip() for c in row[1:]) or not previous[0].strip():
        return False
    # an empty key cell anywhere else: cells span rows in this table, it is no split
    if any(not r[0].strip() for r in last.rows[1:]) or \
            any(not r[0].strip() for r in part.rows[at + 1:]):
        return False
    for k, cell in enumerate(row):
        if k < len(previous):
            previous[k] = join_text(previous[k], cell)
        elif cell:
            previous.append(cell)
    del part.rows[at]
    return True
