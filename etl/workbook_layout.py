"""How much room the workbook's text takes, on screen and on paper.

Widths are counted in Excel's unit (the width of a digit): a CJK character or full-width
mark takes two, anything else one. Row heights are set here for every row whose text wraps,
because neither LibreOffice nor WPS re-measures wrapped rows when opening a file; the wrap
is simulated the way a spreadsheet breaks lines (CJK anywhere, Latin at spaces), and a line
is given the height of the tallest face that may draw it (Noto Sans CJK, 1.45 em), so a row
never clips.

Printing: A4, one page wide, as many tall as needed; landscape only for sheets too wide for
portrait; the header row repeats; the page header names the workbook and the sheet, the
footer counts pages (第 n 页，共 N 页).
"""

from __future__ import annotations

import re

from openpyxl.worksheet.worksheet import Worksheet

from etl.workbook_style import SIZE, has_cjk

LINE_HEIGHT = round(SIZE * 1.45 + 0.5, 1)  # points per line of 10 pt text (CJK included)
ROW_PADDING = 3.0  # points above and below the text of a wrapped row
# widths (digit units) that fit across A4 at 100 %: wider sheets print landscape, and
# fit-to-width scales them down
PORTRAIT_WIDTH = 100
_TOKEN = re.compile(r"[\u2e80-\U0002ffff]|[^\s\u2e80-\U0002ffff]+|\s+")


# a Latin character in a cell set in the East-Asian face: where that face is missing
# (LibreOffice on Linux) DejaVu Sans draws it, wider than Arial's digit
LATIN_IN_CJK = 1.1


def char_width(ch: str, latin: float = 1.0) -> float:
    return 2 if ord(ch) >= 0x2E80 else latin


def display_width(text: str) -> int:
    """Width of the longest line in digit units: CJK characters take two."""
    return max((sum(2 if ord(ch) >= 0x2E80 else 1 for ch in line)
                for line in text.split("\n")), default=0)


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped cell ``width`` units wide needs for ``text``: breaks anywhere between
    CJK characters, at spaces between Latin words, inside a word only when it is longer
    than the line."""
    usable = max(1.0, width - 1.0)  # the cell's inner padding
    latin = LATIN_IN_CJK if has_cjk(text) else 1.0
    total = 0
    for line in text.split("\n"):
        count, used = 1, 0.0
        for token in _TOKEN.findall(line):
            size = sum(char_width(ch, latin) for ch in token)
            if token.isspace():
                used += size
                continue
            if used + size <= usable:
                used += size
            elif size <= usable:
                count, used = count + 1, size
            else:  # a word longer than the line breaks where it must
                used += size
                while used > usable:
                    count, used = count + 1, used - usable
        total += count
    return total


def row_height(lines: int) -> float:
    return lines * LINE_HEIGHT + ROW_PADDING


def set_heights(ws: Worksheet, widths: dict[int, float], first_row: int = 1,
                spans: dict[int, tuple[int, float]] | None = None) -> None:
    """Row heights from the wrapped text each row holds (rows of one line keep the
    default). ``spans``: row → (column, width) of a merged cell starting in that column,
    measured at the width of the merge."""
    spans = spans or {}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                column, span = spans.get(cell.row, (0, 0.0))
                width = span if cell.column == column else widths.get(cell.column, 8.43)
                lines = max(lines, lines_needed(cell.value, width))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = row_height(lines)


def print_setup(ws: Worksheet, title: str, title_rows: str | None, width: float) -> None:
    """A4, one page wide: portrait when the columns fit, else landscape; header rows
    repeated; the workbook's title and the sheet's name above, page n of N below."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait" if width <= PORTRAIT_WIDTH else "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    margins = ws.page_margins
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.25
    ws.oddHeader.left.text = title.replace("&", "&&")
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    for part in (ws.oddHeader.left, ws.oddHeader.right, ws.oddFooter.center):
        part.size = 8
