"""The table of contents (目录): entries with section and page."""

from __future__ import annotations

import re

from etl.normalize import clean_text
from etl.read.lines import compact, strip_markup
from etl.read.model import TocEntry

# The lookbehinds start a match only at the beginning of a run of dots: otherwise a line of
# 100 000 dots is retried from every one of them (quadratic).
_TOC_PAGE = re.compile(r"(?:(?<!\.)\.{3,}|(?<!…)…{2,})\s*[(（]\s*(\d{1,3})\s*[)）]\s*$")
_TOC_SECTION = re.compile(r"^【(.+)】$")


def find_toc(lines: list[str], first_document_line: int) -> list[TocEntry]:
    """Entries of the 目录 (title, section, page) before the first document."""
    entries: list[TocEntry] = []
    section = None
    start = next((i for i, ln in enumerate(lines[:first_document_line])
                  if compact(ln) in ("目录",)), None)
    if start is None:
        return entries
    pending: tuple[str, int] | None = None
    for i in range(start + 1, min(first_document_line, len(lines))):
        squeezed = compact(lines[i])
        if not squeezed:
            continue
        sect = _TOC_SECTION.match(squeezed)
        if sect:
            section = sect.group(1)
            pending = None
            continue
        match = _TOC_PAGE.search(strip_markup(lines[i]))
        if match:
            title = clean_text(strip_markup(lines[i])[: match.start()])
            if not title and pending:
                title, line_no = pending
            else:
                line_no = i + 1
            entries.append(TocEntry(section, title, int(match.group(1)), line_no))
            pending = None
        elif entries or section:
            if squeezed.startswith(("编辑出版", "地址", "网址")):
                break
            pending = (clean_text(strip_markup(lines[i])), i + 1)
    return entries


