"""Tab-separated tables (the text a PDF converter writes with cells split by tabs)."""

from __future__ import annotations

from etl.normalize import clean_text
from etl.read.layouts._common import (
    continues,
    gap_between,
    record_gap,
    title_for,
    trimmed,
    width_flags,
)
from etl.read.lines import is_page_furniture
from etl.read.model import Row, Table


def find(lines: list[str], taken: set[int] | None = None) -> list[Table]:
    """Tab-separated blocks → tables. Header rows repeated after a page break and running
    page headers between the parts are dropped (and recorded); parts are merged; a cell
    wrapped onto the next line is joined back into its row (flag ``wrapped_row``)."""
    segments = [seg for seg in _segments(lines) if not taken or seg[0][0] not in taken]
    tables: list[Table] = []
    for seg in segments:
        if tables and _continues(lines, tables[-1], seg):
            continue
        tables.append(_new_table(lines, seg))
    return tables


def _segments(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Runs of adjacent tab lines; a single non-tab line between two tab lines (no blank
    line around it) stays in the run as a wrapped-cell continuation."""
    segs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    n = len(lines)
    for i, line in enumerate(lines):
        if "\t" in line:
            current.append((i + 1, line))
            continue
        sandwiched = (current and line.strip() and i + 1 < n and "\t" in lines[i + 1]
                      and not is_page_furniture(line) and len(current) > 1)
        if sandwiched:
            current.append((i + 1, line))
            continue
        if current:
            segs.append(current)
            current = []
    if current:
        segs.append(current)
    return segs


def _new_table(lines: list[str], seg: list[tuple[int, str]]) -> Table:
    header_line, header_text = seg[0]
    header = [clean_text(c) for c in header_text.split("\t")]
    while header and header[-1] == "":
        header.pop()
    title, title_line = title_for(lines, header_line)
    table = Table(header, header_line, [], title, title_line, seg[-1][0])
    _add_rows(table, seg[1:])
    return table


def _add_rows(table: Table, seg: list[tuple[int, str]]) -> None:
    width = table.n_columns
    for line_no, text in seg:
        if "\t" not in text:  # wrapped continuation of the previous row's last cell
            if table.rows:
                prev = table.rows[-1]
                prev.cells[-1] = (prev.cells[-1] + " " + text.strip()).strip()
                prev.continuations.append((line_no, text.strip()))
                prev.flags = tuple(dict.fromkeys(prev.flags + ("wrapped_row",)))
            continue
        cells = [c.strip() for c in text.split("\t")]
        first = table.header[0] if table.header else ""  # cheap test before cleaning them all
        if (clean_text(cells[0]) == first
                and trimmed([clean_text(c) for c in cells]) == table.header):
            table.skipped.append((line_no, "repeated_header", text))
            continue
        prev = table.rows[-1] if table.rows else None
        if (prev and "short_row" in prev.flags and len(prev.cells) + len(cells) - 1 == width
                and prev.line == line_no - 1):
            prev.cells[-1] = (prev.cells[-1] + " " + cells[0]).strip()
            prev.cells.extend(cells[1:])
            prev.flags = tuple(f for f in prev.flags if f != "short_row") + ("wrapped_row",)
            continue
        table.rows.append(Row(cells, line_no, width_flags(cells, width)))
    table.end_line = max(table.end_line, seg[-1][0] if seg else table.end_line)


def _continues(lines: list[str], table: Table, seg: list[tuple[int, str]]) -> bool:
    """Merge ``seg`` into ``table`` when only blank lines and page furniture (or a few short
    interrupting headings) separate them and ``seg`` repeats the header or has its width."""
    first_line, first_text = seg[0]
    gap = gap_between(lines, table.end_line, first_line)
    if gap is None:
        return False
    merge, _ = continues(table, [clean_text(c) for c in first_text.split("\t")])
    if not merge:
        return False
    record_gap(table, gap)
    _add_rows(table, seg)
    return True
