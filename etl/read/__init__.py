"""Read one gazette issue, whatever form it came in, into one model (``etl.read.model``).

A source format is a small module that turns the file into text lines (``decode`` for
texts, ``pdf`` for PDFs, ``html`` for web pages); the structure finders — cover, table of
contents, documents, tables — then work on those lines only. A PDF or HTML page is read
into a *derived text* (tables as tab-separated rows, pages split by form feeds) that is kept
beside the raw file, so every ``source_line`` points at a line a person can open.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from etl.errors import GazetteError
from etl.read.cover import issue_id_from_name, read_cover
from etl.read.decode import (
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    decode_gazette,
    decode_text,
    read_limited,
)
from etl.read.documents import find_documents
from etl.read.lines import is_page_furniture, strip_markup
from etl.read.model import Document, Issue, Row, Table, TocEntry
from etl.read.tables import find_tables
from etl.read.toc import find_toc

__all__ = [
    "MAX_FILE_BYTES",
    "Document",
    "Issue",
    "Row",
    "Table",
    "TocEntry",
    "decode_gazette",
    "derive_text",
    "find_documents",
    "find_tables",
    "find_toc",
    "is_page_furniture",
    "read_bytes",
    "read_cover",
    "read_issue",
    "read_limited",
    "read_text",
    "source_format",
    "strip_markup",
]


_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]", re.IGNORECASE)


def source_format(data: bytes, path: str | Path = "") -> str:
    """``pdf``, ``html`` or ``text``, from the bytes (a file name can lie)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and (_HTML_TAG.search(head) or b"<table" in data[:200_000].lower()):
        return "html"
    return "text"


def derive(data: bytes, path: str | Path) -> tuple[str | None, list[str]]:
    """(derived text, notes) for a PDF or HTML page — tables as tab-separated rows, pages
    split by form feeds, notes saying what was left out (running headers, page numbers);
    (None, []) for a text, which is read as it is."""
    if len(data) > MAX_FILE_BYTES:
        raise GazetteError(f"file is {len(data):,} bytes; a gazette issue is well under "
                           f"{MAX_FILE_BYTES:,}", path)
    fmt = source_format(data, path)
    if fmt == "text":
        return None, []
    module = importlib.import_module(f"etl.read.{fmt}")
    if hasattr(module, "derive"):
        derived = module.derive(data, path)
        return derived.text, list(derived.notes)
    return module.derive_text(data, path), []


def derive_text(data: bytes, path: str | Path) -> str | None:
    """The derived text of a PDF or HTML page (see ``derive``); None for a text."""
    return derive(data, path)[0]


def read_text(text: str, path: str | Path, issue_id: str | None = None,
              notes: list[str] | None = None, pages: list[int] | None = None,
              source_format: str = "text") -> Issue:
    """Text lines (form feeds already removed; ``pages`` gives each line's page) → Issue."""
    lines = text.split("\n")
    longest = max(map(len, lines))
    for i, line in enumerate(lines if longest > MAX_LINE_CHARS else ()):
        if len(line) > MAX_LINE_CHARS:
            raise GazetteError(f"line is {len(line):,} characters long; a gazette line is "
                               f"under {MAX_LINE_CHARS:,} — not a gazette text", path, i + 1)
    documents = find_documents(lines)
    tables = find_tables(lines)
    first_doc = documents[0].start_line if documents else len(lines)
    toc = find_toc(lines, first_doc)
    year, number, published = read_cover(lines)
    if issue_id is None:
        issue_id = (f"{year}-{number:02d}" if year and number
                    else issue_id_from_name(path) or Path(path).stem)
    issue = Issue(issue_id, Path(path), lines, documents, tables, toc, year, number,
                  published, list(notes or []))
    issue.pages = pages if pages is not None and len(pages) == len(lines) else None
    issue.source_format = source_format
    return issue


def read_bytes(data: bytes, path: str | Path, issue_id: str | None = None) -> Issue:
    """Any source's bytes → Issue. Raises GazetteError (file and line/page) for bad input."""
    derived, notes = derive(data, path)
    decoded = decode_text(derived.encode("utf-8") if derived is not None else data, path)
    issue = read_text(decoded.text, path, issue_id, notes + decoded.notes, decoded.pages,
                      source_format(data, path))
    issue.derived_text = derived
    return issue


def read_issue(path: str | Path, issue_id: str | None = None) -> Issue:
    """Read a gazette issue file (text, PDF or HTML). Raises GazetteError (file and line)
    for unreadable input."""
    path = Path(path)
    try:
        data = read_limited(path)  # the size limit before reading: never the whole of /dev/zero
    except OSError as exc:
        raise GazetteError(f"cannot read file ({exc.strerror})", path) from None
    return read_bytes(data, path, issue_id)
