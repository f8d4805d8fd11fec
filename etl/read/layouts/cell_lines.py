"""Tables flattened to one cell per line: a web page's table copied as text, or plain
``pdftotext`` (without ``-layout``), which writes table cells one per line and sometimes a
wrapped cell over two lines.

The header is a run of at least three consecutive short lines that are all header names
(``datasets/reference/table_columns.csv``; a line may hold two names). The lines after it
are grouped into rows: a row starts at an id line (``5-3`` after ``5-2``; at a text line
when the first column is text, as 指标), and its lines are assigned to the columns by what
each holds (``etl.read.align``): a row with a line fewer has an empty cell — the kinds say
which — and a row with a line more has a wrapped cell. The list ends at prose, a heading
not followed by a row, or a blank-line gap.
"""

from __future__ import annotations

from etl.read.kinds import MAX_HEADER_CHARS, column_kind
from etl.read.layouts._unseparated import (
    CELLS,
    Mode,
    cell_text,
    header_names,
    may_be_header,
    plausible_header,
    read_rows,
)
from etl.read.model import Table

MAX_NAMES_PER_LINE = 2


def _names(lines: list[str], i: int, taken: set[int], first: bool = True) -> list[str] | None:
    """The header names on line ``i`` (the first line of a header: known names only)."""
    raw = lines[i]
    if len(raw) > 2 * MAX_HEADER_CHARS + 8 or (first and not may_be_header(raw)) \
            or i + 1 in taken or "\t" in raw:
        return None
    names = header_names(cell_text(raw), unknown_ok=not first)
    return names if names and len(names) <= MAX_NAMES_PER_LINE else None


def find(lines: list[str], taken: set[int] | None = None) -> list[Table]:
    taken = taken or set()
    tables: list[Table] = []
    i, n = 0, len(lines)
    while i < n:
        names = _names(lines, i, taken)
        if names is None:
            i += 1
            continue
        per_line, header_lines, j, blank_separated = [names], [i + 1], i + 1, False
        while j < n:
            if not lines[j].strip():  # one blank line between cells: a flattened page
                if j + 1 < n and lines[j + 1].strip() and _names(lines, j + 1, taken, False):
                    blank_separated = True
                    j += 1
                    continue
                break
            more = _names(lines, j, taken, False)
            if more is None:
                break
            per_line.append(more)
            header_lines.append(j + 1)
            j += 1
        while not any(column_kind(name) for name in per_line[-1]):
            per_line.pop()  # a header ends with a known name: an unknown last line is data
            header_lines.pop()
            j = header_lines[-1]
        run = [name for names_ in per_line for name in names_]
        if len(header_lines) < 3 or not plausible_header(run):
            i += 1
            continue
        mode = Mode(CELLS.layout, CELLS.costs, True, blank_separated)
        table = read_rows(lines, taken, run, header_lines, j, mode)
        if table is None:
            i = j
            continue
        tables.append(table)
        i = table.end_line
    return tables
