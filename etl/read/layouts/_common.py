"""What every layout does the same way once it has cut lines into cells: a header repeated
after a page break, running page headers and page numbers between the parts of a table,
parts merged, a title found above. Layouts differ only in how a line becomes cells."""

from __future__ import annotations

import re

from etl.normalize import clean_text
from etl.read.lines import is_page_furniture, strip_markup, title_above
from etl.read.model import Table

# a page number alone on its line, as a PDF's text layer prints it: 6, - 6 -, —6—, 第6页
_PAGE_NUMBER = re.compile(r"(?:[-—–]\s{0,3})?\d{1,4}(?:\s{0,3}[-—–])?|第\s{0,3}\d{1,4}\s{0,3}页"
                          r"(?:\s{0,3}共\s{0,3}\d{1,4}\s{0,3}页)?")


def is_page_number(line: str) -> bool:
    text = line.strip()
    return len(text) <= 24 and _PAGE_NUMBER.fullmatch(text) is not None


def is_furniture(line: str) -> bool:
    """A running page header or a page number between two parts of a table."""
    return is_page_furniture(line) or is_page_number(line)


def trimmed(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells = cells[:-1]
    return cells


def width_flags(cells: list[str], width: int) -> tuple[str, ...]:
    """Drop empty cells past the header's width (in place), then say whether the row still
    has more cells than the header (``extra_cells``) or fewer (``short_row``)."""
    while len(cells) > width and cells[-1] == "":
        cells.pop()
    if len(cells) > width:
        return ("extra_cells",)
    return ("short_row",) if len(cells) < width else ()


def looks_like_header(cells: list[str]) -> bool:
    """A header row has no digits in its first cell (序号, 编号, 指标…)."""
    return bool(cells) and not any(ch.isdigit() for ch in cells[0]) and cells[0] != ""


def title_for(lines: list[str], header_line: int) -> tuple[str | None, int | None]:
    """The nearest heading above a table (``title_above``), page numbers passed over."""
    title, line = title_above(lines, header_line)
    for _ in range(3):
        if line is None or not is_page_number(lines[line - 1]):
            break
        title, line = title_above(lines, line)
    return title, line


def gap_between(lines: list[str], end_line: int, first_line: int,
                max_lines: int = 3, max_chars: int = 40,
                free: tuple = ()) -> list[tuple[int, str]] | None:
    """The non-blank lines between a table's last line and a candidate continuation, or
    None when a long line or more than ``max_lines`` short ones separate them. Lines for
    which a predicate in ``free`` holds (page numbers …) are not counted."""
    gap: list[tuple[int, str]] = []
    counted = 0
    for n in range(end_line + 1, first_line):  # stops early: gaps can be the whole issue
        text = lines[n - 1]
        if text.strip():
            if any(test(text) for test in free):
                gap.append((n, text))
                continue
            if counted == max_lines or len(text.strip()) > max_chars:
                return None
            counted += 1
            gap.append((n, text))
    return gap


def record_gap(table: Table, gap: list[tuple[int, str]]) -> None:
    """Page furniture in a gap is skipped (recorded); any other line interrupts the table
    (a category heading between two parts)."""
    for n, text in gap:
        if is_page_furniture(text):
            table.skipped.append((n, "page_header", text))
        elif is_page_number(text):
            table.skipped.append((n, "page_number", text))
        else:
            table.interruptions.append((n, clean_text(strip_markup(text))))


def continues(table: Table, first_cells: list[str]) -> tuple[bool, bool]:
    """(continues, repeats header): whether a part whose first row is ``first_cells``
    (cleaned) goes on ``table`` — it repeats the header, or has its width and is no header."""
    cells = trimmed(first_cells)
    repeats = cells == table.header
    same_width = (len(cells) == table.n_columns and not repeats
                  and not looks_like_header(cells))
    return repeats or same_width, repeats
