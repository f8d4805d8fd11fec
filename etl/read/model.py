"""The one model every source format is read into: lines, tables of cells, documents, TOC.

Every item keeps the 1-based line it came from (and the page, when the source has pages),
so every published row can say where it was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl.normalize import DocNumber


@dataclass
class Row:
    cells: list[str]
    line: int
    flags: tuple[str, ...] = ()
    # lines after ``line`` joined into this row's cells (wrapped cells), as (line, text)
    continuations: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Table:
    """A table as rows of cells, whatever layout it was printed in: header repeats and page
    headers removed (and recorded in ``skipped``), wrapped cells joined, parts split by a
    page break merged. ``layout`` says which reader found it (tabs, pipes, aligned …)."""

    header: list[str]
    header_line: int
    rows: list[Row]
    title: str | None = None  # nearest heading above the table
    title_line: int | None = None
    end_line: int = 0
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, text)
    interruptions: list[tuple[int, str]] = field(default_factory=list)  # (line, text) inside
    layout: str = "tabs"

    @property
    def n_columns(self) -> int:
        return len(self.header)


@dataclass
class Document:
    """A document the issue publishes: an order (市政府令) or a numbered document (连政发…)."""

    title: str
    title_raw: str
    title_line: int
    doc_number: DocNumber | None
    number_line: int
    issuer: str | None  # the city's own: 市政府 / 市政府办公室; another issuer as printed
    signed_on: date | None
    signed_line: int | None
    start_line: int
    end_line: int = 0

    def body(self, issue: Issue) -> list[tuple[int, str]]:
        return [(n, issue.lines[n - 1]) for n in range(self.start_line, self.end_line + 1)]


@dataclass
class TocEntry:
    section: str | None
    title: str
    page: int | None
    line: int


@dataclass
class Issue:
    issue_id: str
    path: Path
    lines: list[str]
    documents: list[Document]
    tables: list[Table]
    toc: list[TocEntry]
    year: int | None
    number: int | None
    published_on: date | None
    notes: list[str] = field(default_factory=list)
    # page of each line (1-based, index = line - 1) when the source has pages (a PDF, or a
    # text with form feeds as pdftotext writes it); None for a text without pages
    pages: list[int] | None = None
    source_format: str = "text"  # text / pdf / html
    # for a PDF or HTML source: the file the lines were read from is this derived text
    derived_text: str | None = None

    def line(self, number: int) -> str:
        return self.lines[number - 1]

    def page_of(self, line: int | None) -> int | None:
        if self.pages is None or line is None or not 1 <= line <= len(self.pages):
            return None
        return self.pages[line - 1]

    def document_at(self, line: int) -> Document | None:
        for doc in self.documents:
            if doc.start_line <= line <= doc.end_line:
                return doc
        return None


