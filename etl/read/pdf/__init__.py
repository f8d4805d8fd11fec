"""A gazette PDF → its derived text: what the text reader reads, kept beside the PDF.

The derived text has prose in reading order (a wrapped paragraph is one line), every table
row as one line of tab-separated cells (cells from the ruling lines, or from word columns
when a table has no rules; a wrapped cell is one cell), and a form feed at the start of each
new page's first line, as pdftotext writes it — or, where a paragraph goes on over the page
break, inside its one line, where the page turns (the text reader counts pages either way).
Running headers and page numbers are left out and recorded (``derive(...).furniture`` and
``.notes``). A table's header repeated on every page is kept as printed: the tab layout
(etl/read/layouts/tabs.py) drops and records each repeat and merges the parts. A table part
that goes on from the page before follows its rows with no blank line (the form feed between
them), and a row split by the page break is one row again (breaks.py).

Text and boxes come from pypdfium2 (PDFium; Apache-2.0/BSD): a C extractor that reads a
60-page issue in a fraction of the time pdfminer takes. A PDF that cannot be read is a
``GazetteError`` in one line: damaged, truncated, password-protected, no pages, or a scan
with no text layer (with the OCR command that gives it one).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.errors import GazetteError
from etl.read.pdf.breaks import join_parts
from etl.read.pdf.cells import TableBlock, aligned_tables, ruled_tables
from etl.read.pdf.chars import Char, font_weight, page_chars
from etl.read.pdf.furniture import Furniture, remove_furniture
from etl.read.pdf.layout import (
    Column,
    Line,
    continues,
    continues_on_next_page,
    group_lines,
    join_across,
    join_text,
    line_pitch,
    make_line,
    text_column,
)
from etl.read.pdf.rules import find_grids, page_objects, page_rules
from etl.read.pdf.tight import tight_tables

__all__ = ["Derived", "Furniture", "derive", "derive_text"]

OCR_HINT = "give it a text layer first: `ocrmypdf -l chi_sim in.pdf out.pdf`"
_EOF_WINDOW = 8192  # bytes at the end of the file where %%EOF must be
_OPEN_ERRORS = {  # PDFium's FPDF_GetLastError codes
    pdfium_c.FPDF_ERR_PASSWORD: "password-protected (encrypted) PDF: decrypt it first, e.g. "
                                "`qpdf --decrypt --password=PASSWORD in.pdf out.pdf`",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF with an unsupported security handler: "
                                "decrypt it first (`qpdf --decrypt`)",
    pdfium_c.FPDF_ERR_FORMAT: "damaged PDF: its structure cannot be read (get the file again)",
    pdfium_c.FPDF_ERR_FILE: "damaged PDF: the file cannot be read (get the file again)",
}


@dataclass
class Derived:
    text: str
    notes: list[str] = field(default_factory=list)  # what the reading left out or could not
    furniture: list[Furniture] = field(default_factory=list)  # running headers, page numbers
    pages: int = 0


@dataclass
class _Page:
    number: int
    items: list  # Line and TableBlock, top to bottom
    chars: int
    images: int
    unmapped: int  # characters without a Unicode meaning (font without ToUnicode)


def derive_text(data: bytes, path: str | Path) -> str:
    """The derived text of a PDF (see the module docstring). Raises GazetteError."""
    return derive(data, path).text


def derive(data: bytes, path: str | Path) -> Derived:
    """The derived text with what was left out: furniture and notes. Raises GazetteError."""
    _check_complete(data, path)
    pdf = _open(data, path)
    try:
        pages = [_read_page(pdf, i, path) for i in range(len(pdf))]
    finally:
        pdf.close()
    _check_text_layer(pages, path)
    furniture = remove_furniture([page.items for page in pages])
    for page in pages:  # tables without rules: from the lines furniture is no part of
        _find_aligned(page)
    continuing = join_parts([page.items for page in pages])
    text = _render(pages, continuing)
    return Derived(text, _notes(pages, furniture), furniture, len(pages))


# --- opening ---------------------------------------------------------------------------


def _check_complete(data: bytes, path: str | Path) -> None:
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise GazetteError(f"truncated PDF: no %%EOF end marker after {len(data):,} bytes "
                           "(an interrupted download or copy: get the file again)", path)


def _open(data: bytes, path: str | Path) -> pdfium.PdfDocument:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_SUCCESS:
            raise GazetteError("PDF has no pages", path) from None
        raise GazetteError(_OPEN_ERRORS.get(code, f"damaged PDF: PDFium cannot open it "
                                                  f"({exc})"), path) from None
    if len(pdf) == 0:
        pdf.close()
        raise GazetteError("PDF has no pages", path)
    return pdf


# --- one page --------------------------------------------------------------------------


def _read_page(pdf: pdfium.PdfDocument, i: int, path: str | Path) -> _Page:
    try:
        page = pdf[i]
    except pdfium.PdfiumError as exc:
        raise GazetteError(f"damaged PDF: page {i + 1} cannot be loaded ({exc})", path) from None
    textpage = None
    try:
        _, height = page.get_size()
        textpage = page.get_textpage()
        chars = page_chars(textpage, height)
        tables, prose = ruled_tables(find_grids(*page_rules(page, height)) if chars else [],
                                     chars)
        lines = [_line(row, textpage) for row in group_lines(prose)]
        items = sorted([*lines, *tables], key=lambda item: item.top)
        images = 0 if chars else len(page_objects(page, pdfium_c.FPDF_PAGEOBJ_IMAGE)) + \
            len(page_objects(page, pdfium_c.FPDF_PAGEOBJ_FORM))  # a scan may sit in a form
        return _Page(i + 1, items, len(chars), images, _unmapped(chars))
    except pdfium.PdfiumError as exc:
        raise GazetteError(f"damaged PDF: page {i + 1} cannot be read ({exc})", path) from None
    finally:
        if textpage is not None:
            textpage.close()
        page.close()


def _find_aligned(page: _Page) -> None:
    lines = [item for item in page.items if isinstance(item, Line)]
    aligned, lines = aligned_tables(lines)
    tight, lines = tight_tables(lines)
    aligned += tight
    if aligned:
        ruled = [item for item in page.items if not isinstance(item, Line)]
        page.items = sorted([*lines, *ruled, *aligned], key=lambda item: item.top)


def _line(chars: list[Char], textpage) -> Line:
    line = make_line(chars)
    line.weight = font_weight(textpage, line.chars[0].index)
    return line


def _unmapped(chars: list[Char]) -> int:
    return sum(1 for c in chars if c.text == "\ufffd" or "\ue000" <= c.text <= "\uf8ff")


def _check_text_layer(pages: list[_Page], path: str | Path) -> None:
    chars = sum(page.chars for page in pages)
    where = "its only page" if len(pages) == 1 else f"any of its {len(pages)} pages"
    if chars == 0:
        if any(page.images for page in pages):
            raise GazetteError(f"scanned PDF: no text layer on {where}, only images; "
                               f"{OCR_HINT}", path)
        raise GazetteError(f"no text on {where} (a blank or damaged PDF)", path)
    unmapped = sum(page.unmapped for page in pages)
    if unmapped > 0.3 * chars:
        worst = max(pages, key=lambda p: p.unmapped)
        raise GazetteError(f"the text layer has no Unicode meaning ({unmapped:,} of {chars:,} "
                           f"characters unmapped, most on page {worst.number}: fonts without "
                           f"a ToUnicode map); {OCR_HINT} --force-ocr", path)


# --- the derived text ------------------------------------------------------------------


def _render(pages: list[_Page], continuing: set[int] = frozenset()) -> str:
    """The pages' text; a page whose first table goes on from the page before follows it
    with no blank line (``continuing``: indexes of such pages)."""
    body = [item for page in pages for item in page.items if isinstance(item, Line)]
    pitch = line_pitch(body)
    columns = {parity: text_column([item for page in pages if page.number % 2 == parity
                                    for item in page.items if isinstance(item, Line)])
                for parity in (0, 1)}
    fallback = text_column(body)
    text = ""
    for n, page in enumerate(pages):
        column = columns[page.number % 2] or fallback
        lines = _page_lines(page.items, column, pitch)
        if n and lines and _paragraph_goes_on(pages[n - 1], page, columns, fallback):
            text = join_across(text, lines[0])  # the paragraph goes on over the page break
            lines = lines[1:]
            if lines:
                text += "\n"
        elif n:
            lines = ["\f" + (lines[0] if lines else ""), *lines[1:]]
            text += "\n" if n in continuing else "\n\n"
        text += "\n".join(lines)
    return text + "\n"


def _paragraph_goes_on(before: _Page, page: _Page, columns: dict, fallback) -> bool:
    if not (before.items and page.items and isinstance(before.items[-1], Line)
            and isinstance(page.items[0], Line)):
        return False
    column_a = columns[before.number % 2] or fallback
    column_b = columns[page.number % 2] or fallback
    return column_a is not None and column_b is not None and \
        continues_on_next_page(before.items[-1], page.items[0], column_a, column_b)


def _page_lines(items: list, column: Column | None, pitch: float) -> list[str]:
    """A page's blocks, a blank line between two: paragraphs (wrapped lines joined) and
    tables (a row a line, cells split by tabs)."""
    blocks: list[list[str]] = []
    previous: Line | None = None
    first: Line | None = None  # of the paragraph being joined
    for item in items:
        if isinstance(item, TableBlock):
            blocks.append(["\t".join(row) for row in item.rows])
            previous = None
        elif previous is not None and column is not None and continues(previous, item, column,
                                                                        pitch, first):
            blocks[-1][0] = join_text(blocks[-1][0], item.text)
            previous = item
        else:
            blocks.append([item.text.strip()])
            previous = first = item
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        lines.extend(block)
    return lines


def _notes(pages: list[_Page], furniture: list[Furniture]) -> list[str]:
    notes = []
    running = [f for f in furniture if not f.page_number]
    numbers = len(furniture) - len(running)
    if furniture:
        common = Counter(f.text for f in running).most_common(3)
        shown = "".join(f", {text} ×{n}" for text, n in common)
        notes.append(f"pdf_furniture_removed: {numbers} page numbers, {len(running)} running "
                     f"header/footer lines{shown}")
    blank = [page.number for page in pages if not page.chars]
    scanned = [page.number for page in pages if not page.chars and page.images]
    if scanned:
        notes.append(f"pdf_pages_without_text_layer: pages {_ranges(scanned)} are images "
                     f"only (not read; {OCR_HINT})")
    if len(blank) > len(scanned):
        notes.append(f"pdf_blank_pages: {_ranges([n for n in blank if n not in scanned])}")
    return notes


def _ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)
