"""Bytes → text: what is and is not a gazette text, said in one line naming file and line."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from etl.errors import GazetteError

MAX_LINE_CHARS = 100_000  # a gazette paragraph is a few thousand characters at most
MAX_FILE_BYTES = 50_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # C0 controls but tab, line feed (\r, \f go)
# What XML (the workbook), CSV readers and terminals cannot carry: C1 controls (U+0085 ends a
# line in some readers, U+009B starts a terminal escape) and the 66 Unicode noncharacters
# (U+FDD0–U+FDEF and the last two code points of every plane: U+FFFE, U+FFFF, U+1FFFE, …)
_UNCARRIABLE = re.compile("[\x80-\x9f\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)) + "]")


def read_limited(path: str | Path) -> bytes:
    """A file's bytes, refusing one over MAX_FILE_BYTES before reading it: the size from
    ``stat`` for a regular file, and never more than the limit + 1 bytes read from anything
    (``/dev/zero``, a FIFO, a file still growing). Raises GazetteError; OSError passes."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if stat.S_ISREG(os.fstat(fh.fileno()).st_mode) and size > MAX_FILE_BYTES:
            raise GazetteError(f"file is {size:,} bytes; a gazette issue is well under "
                               f"{MAX_FILE_BYTES:,}", path)
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise GazetteError(f"more than {MAX_FILE_BYTES:,} bytes; a gazette issue is well "
                           "under that", path)
    return data


# --- decoding ----------------------------------------------------------------------


@dataclass
class Decoded:
    text: str  # form feeds removed
    notes: list[str]
    pages: list[int] | None  # page of each line, when the text marks pages with form feeds


def page_map(text: str) -> list[int] | None:
    """Page of each line (1-based) when the text marks page breaks with form feeds, as
    pdftotext and the PDF reader write them; None otherwise. A form feed starts a page."""
    if "\f" not in text:
        return None
    pages, page = [], 1
    for line in text.split("\n"):
        lead = len(line) - len(line.lstrip("\f"))
        page += lead
        pages.append(page)
        page += line.count("\f") - lead
    return pages


def decode_gazette(data: bytes, path: str | Path) -> tuple[str, list[str]]:
    """Bytes → text. Returns (text, notes). Raises GazetteError for what is not a gazette text."""
    decoded = decode_text(data, path)
    return decoded.text, decoded.notes


def decode_text(data: bytes, path: str | Path) -> Decoded:
    """Bytes → text, notes and pages. Raises GazetteError for what is not a gazette text."""
    notes: list[str] = []
    pages: list[int] | None = None
    if len(data) > MAX_FILE_BYTES:
        raise GazetteError(f"file is {len(data):,} bytes; a gazette issue is well under "
                           f"{MAX_FILE_BYTES:,}", path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("utf8_bom_removed")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise GazetteError(f"broken UTF-16 text ({exc.reason})", path) from None
        notes.append("decoded_from_utf16")
    else:
        if b"\x00" in data[:4096]:
            head = data[:4096]  # UTF-16 puts the NUL of every ASCII character on one side
            zeros = sorted((head[0::2].count(0), head[1::2].count(0)))
            utf16 = zeros[1] >= 8 and zeros[0] * 10 <= zeros[1]
            hint = "; it looks like UTF-16 without a byte-order mark" if utf16 else ""
            raise GazetteError(f"binary data (NUL bytes), not a gazette text{hint}", path,
                               data[: data.index(b"\x00")].count(b"\n") + 1)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            hint = ""
            try:
                data.decode("gb18030")
                hint = "; it decodes as GB18030/GBK: convert with `iconv -f GB18030 -t UTF-8`"
            except UnicodeDecodeError:
                pass
            raise GazetteError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                               f"{exc.start}){hint}", path, line) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("crlf_line_ends")
    if "\f" in text:  # pdftotext ends every page with a form feed: layout, not text
        pages = page_map(text)
        text = text.replace("\f", "")
        notes.append("form_feeds_removed")
    if not text.strip():
        raise GazetteError("empty file: no text at all", path)
    controls = len(_CONTROL.findall(text, 0, 20000))
    if controls > 20:
        raise GazetteError(f"binary data ({controls} control characters), not a gazette text", path)
    stray = _CONTROL.search(text)
    if stray:  # would end up in a published cell (and the workbook refuses it)
        raise GazetteError(f"control character U+{ord(stray.group()):04X} in the text; a gazette "
                           "text has none — convert the source document again", path,
                           text.count("\n", 0, stray.start()) + 1)
    odd = _UNCARRIABLE.search(text)
    if odd:  # would break the workbook's XML, a CSV reader's lines or a terminal
        code = ord(odd.group())
        kind = "C1 control character" if code <= 0x9F else "Unicode noncharacter"
        line = text.count("\n", 0, odd.start()) + 1
        page = f" (page {pages[line - 1]})" if pages else ""
        raise GazetteError(f"{kind} U+{code:04X} in the text{page}; XML, spreadsheets and "
                           "terminals cannot carry it — convert the source document again",
                           path, line)
    return Decoded(text, notes, pages)


