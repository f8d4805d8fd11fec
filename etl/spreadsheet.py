"""Make gazette text safe to open in a spreadsheet — the one function every CSV and XLSX
writer uses, for the published files and the dashboard's downloads alike.

Following the OWASP CSV-injection guidance, a text cell that a spreadsheet would read as a
formula — one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — is
written with a leading apostrophe (``'=HYPERLINK(…)``), which Excel and LibreOffice show as
text. Text that is a plain number (``-12.1``, ``+3``) is left as it is: it is data a
spreadsheet reads as a number, not a formula. Numbers, dates and booleans are never
touched (only text cells are passed here). Parquet and the database keep the text exactly
as printed; the prefix is a property of the spreadsheet formats, documented in README.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
# Characters an XLSX (XML 1.0) cannot hold: C0 controls but tab/LF/CR, surrogates,
# U+FFFE/U+FFFF. The reader refuses them in a source; this guards derived text too.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def needs_prefix(text: str) -> bool:
    """Would a spreadsheet read ``text`` as a formula (or is it an apostrophe before one, so
    that the prefix stays reversible)?"""
    if text.startswith("'"):
        return needs_prefix(text[1:])
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet will show it, never evaluate it."""
    return "'" + text if needs_prefix(text) else text


def unsafe_text(text: str) -> str:
    """The text ``safe_text`` was given back (for readers of the published CSVs)."""
    return text[1:] if text.startswith("'") and needs_prefix(text[1:]) else text


def safe_xlsx_text(text: str) -> str:
    """``safe_text`` for an XLSX cell, with the characters XML cannot carry removed."""
    return safe_text(_XML_ILLEGAL.sub("", text))


def csv_document(rows: Iterable[Sequence[object]]) -> bytes:
    """The one CSV form of every file we write (published datasets, changelog, wide table,
    downloads, API): UTF-8 with BOM, so Excel on a Chinese Windows desktop reads it, and
    ``\\n`` line ends. Cells arrive as text their writer has already made safe."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8-sig")
