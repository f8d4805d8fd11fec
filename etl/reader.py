"""Read one gazette issue: its lines, its documents, its tables and its table of contents.

One pass over the text; everything keeps the 1-based line number it came from, so every
published row can say where it was read. Both layouts are understood: the 2018 issue marks
titles with markdown ``#``, the 2022 issue has no markup at all.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl.errors import GazetteError
from etl.normalize import DocNumber, clean_text, parse_cn_date, parse_doc_number

MAX_LINE_CHARS = 100_000  # a gazette paragraph is a few thousand characters at most
MAX_FILE_BYTES = 50_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # C0 controls but tab, line feed (\r, \f go)


# --- decoding ----------------------------------------------------------------------


def decode_gazette(data: bytes, path: str | Path) -> tuple[str, list[str]]:
    """Bytes → text. Returns (text, notes). Raises GazetteError for what is not a gazette text."""
    notes: list[str] = []
    if len(data) > MAX_FILE_BYTES:
        raise GazetteError(f"file is {len(data):,} bytes; a gazette issue is well under "
                           f"{MAX_FILE_BYTES:,}", path)
    if data.startswith(b"%PDF-"):
        raise GazetteError("a PDF file, not its text: convert it to text first "
                           "(e.g. `pdftotext -layout`)", path)
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
    return text, notes


# --- data classes ------------------------------------------------------------------


@dataclass
class Row:
    cells: list[str]
    line: int
    flags: tuple[str, ...] = ()


@dataclass
class Table:
    """A tab-separated block, header repeats and page headers removed, wrapped rows joined."""

    header: list[str]
    header_line: int
    rows: list[Row]
    title: str | None = None  # nearest heading above the table
    title_line: int | None = None
    end_line: int = 0
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, text)
    interruptions: list[tuple[int, str]] = field(default_factory=list)  # (line, text) inside

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
    issuer: str | None  # 市政府 / 市政府办公室
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

    def line(self, number: int) -> str:
        return self.lines[number - 1]

    def document_at(self, line: int) -> Document | None:
        for doc in self.documents:
            if doc.start_line <= line <= doc.end_line:
                return doc
        return None


# --- helpers -------------------------------------------------------------------------

_MARKUP_LEFT = re.compile(r"[#*>\-\s]+")
_MARKUP_RIGHT = re.compile(r"[*\s]+")


def strip_markup(line: str) -> str:
    """Remove markdown heading/bold/list markers the PDF converter added."""
    start = m.end() if (m := _MARKUP_LEFT.match(line)) else 0
    end = len(line)
    if end and (line[-1] == "*" or line[-1].isspace()):
        # Trailing markers are matched on the reversed line: searching for ``[*\s]+$`` would
        # retry at every position of a long run of spaces (quadratic on a 100 000-space line).
        end -= _MARKUP_RIGHT.match(line[::-1]).end()
    return line[start:end].strip() if start < end else ""


_FURNITURE = re.compile(
    r"^(?:【)?(?:市政府(?:办公室)?文件|市政府令|统计公报|大事记|连云港市人民政府公报|"
    r"GAZETTE OF THE PEOPLE.*)(?:】)?$"
)


def is_page_furniture(line: str) -> bool:
    """A running page header the PDF conversion left in the text (``# 市政府办公室文件``)."""
    return bool(_FURNITURE.match(strip_markup(line).replace(" ", "")))


_NUMBER_LINE = re.compile(r"^连政(?:办|规)?发\s*\S?\s*\d{4}\s*\S?\s*年?\s*\d{1,4}\s*号$")
_ORDER_HEAD = re.compile(r"^(?:连云港)?市人民政府令$")
_ORDER_NUMBER = re.compile(r"^第\s*(\d{1,4})\s*号$")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_SIGNERS = {"连云港市人民政府": "市政府", "连云港市人民政府办公室": "市政府办公室"}
_TITLE_IN_DECREE = re.compile(r"《([^》]{2,80})》")


_WHITESPACE = re.compile(r"\s+")


def _compact(line: str) -> str:
    return _WHITESPACE.sub("", strip_markup(line))


def _last_chars(lines: list[str]) -> list[str]:
    """The last character of each line, markdown markers aside ("" for a blank line): a
    cheap test that spares compacting every paragraph of an issue."""
    last = [line.rstrip()[-1:] for line in lines]
    if "*" in last:
        last = [strip_markup(lines[i])[-1:] if ch == "*" else ch for i, ch in enumerate(last)]
    return last


def _lines_ending_in(last: list[str], chars: set[str]) -> list[int]:
    return [i for i, ch in enumerate(last) if ch in chars]


def _previous_text_line(lines: list[str], index: int, limit: int = 4) -> int | None:
    """Index of the nearest non-blank line before ``index`` (0-based), within ``limit``."""
    for j in range(index - 1, max(-1, index - 1 - limit), -1):
        if lines[j].strip():
            return j
    return None


def issuer_from_title(title: str) -> str | None:
    if re.match(r"^(连云港)?市(人民)?政府办公室", title):
        return "市政府办公室"
    if re.match(r"^(连云港)?市(人民)?政府", title):
        return "市政府"
    return None


# --- documents -------------------------------------------------------------------


def find_documents(lines: list[str]) -> list[Document]:
    """Every numbered document and government order, with title, issuer and signing date."""
    docs: list[Document] = []
    last = _last_chars(lines)
    for i in _lines_ending_in(last, {"号", "令"}):  # a number line ends with 号, an order head 令
        line = lines[i]
        compact = _compact(line)
        if not compact or len(compact) > 40:
            continue
        if _NUMBER_LINE.match(compact):
            number = parse_doc_number(compact)
            t = _previous_text_line(lines, i)
            if number is None or t is None:
                continue
            title_raw = strip_markup(lines[t])
            docs.append(Document(clean_text(title_raw), title_raw, t + 1, number, i + 1,
                                 issuer_from_title(clean_text(title_raw)), None, None, t + 1))
        elif _ORDER_HEAD.match(compact):
            n = next((j for j in range(i + 1, min(i + 4, len(lines))) if lines[j].strip()), None)
            match = _ORDER_NUMBER.match(_compact(lines[n])) if n is not None else None
            if not match:
                continue
            number = parse_doc_number(f"市政府令第{match.group(1)}号")
            docs.append(Document("", "", i + 1, number, n + 1, "市政府", None, None, i + 1))
    for k, doc in enumerate(docs):
        doc.end_line = (docs[k + 1].start_line - 1) if k + 1 < len(docs) else len(lines)
        _find_signature(lines, doc)
    _end_at_non_document_sections(lines, docs, last)
    return docs


def _find_signature(lines: list[str], doc: Document) -> None:
    for j in range(doc.number_line, min(doc.end_line, doc.number_line + 60)):
        if _DATE_LINE.match(lines[j].strip()):
            doc.signed_on = parse_cn_date(lines[j])
            doc.signed_line = j + 1
            s = _previous_text_line(lines, j)
            signer = _compact(lines[s]) if s is not None else ""
            if signer in _SIGNERS:
                doc.issuer = doc.issuer if doc.issuer and doc.title else _SIGNERS[signer]
                if doc.issuer != _SIGNERS[signer] and doc.title:
                    doc.issuer = _SIGNERS[signer]  # the signature is the issuing body
            elif signer.startswith("市长"):
                doc.issuer = "市政府"
            break
    if not doc.title:  # an order: the decree sentence names the regulation
        for j in range(doc.number_line, min(doc.end_line, doc.number_line + 10)):
            match = _TITLE_IN_DECREE.search(lines[j])
            if match:
                doc.title_raw = match.group(1)
                doc.title = clean_text(match.group(1))
                doc.title_line = j + 1
                break


_SECTION_START = re.compile(r"^(\d{4}年.{0,12}主要经济指标|连云港市人民政府大事记)$")


def _end_at_non_document_sections(lines: list[str], docs: list[Document],
                                  last: list[str]) -> None:
    """The last document of a section ends where the statistics or the chronicle begins."""
    starts = [j for j in _lines_ending_in(last, {"标", "记"})
              if _SECTION_START.match(_compact(lines[j]))]
    for doc in docs:
        k = bisect.bisect_left(starts, doc.number_line)
        if k < len(starts) and starts[k] < doc.end_line:
            doc.end_line = starts[k]  # 1-based line before the section's first line


# --- tables --------------------------------------------------------------------------


def find_tables(lines: list[str]) -> list[Table]:
    """Tab-separated blocks → tables. Header rows repeated after a page break and running
    page headers between the parts are dropped (and recorded); parts are merged; a cell
    wrapped onto the next line is joined back into its row (flag ``wrapped_row``)."""
    segments = _segments(lines)
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


def _title_above(lines: list[str], line_no: int) -> tuple[str | None, int | None]:
    for j in range(line_no - 2, max(-1, line_no - 8), -1):
        text = lines[j].strip()
        if not text or "\t" in text or is_page_furniture(text):
            continue
        return clean_text(strip_markup(text)), j + 1
    return None, None


def _new_table(lines: list[str], seg: list[tuple[int, str]]) -> Table:
    header_line, header_text = seg[0]
    header = [clean_text(c) for c in header_text.split("\t")]
    while header and header[-1] == "":
        header.pop()
    title, title_line = _title_above(lines, header_line)
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
                prev.flags = tuple(dict.fromkeys(prev.flags + ("wrapped_row",)))
            continue
        cells = [c.strip() for c in text.split("\t")]
        first = table.header[0] if table.header else ""  # cheap test before cleaning them all
        if (clean_text(cells[0]) == first
                and _trimmed([clean_text(c) for c in cells]) == table.header):
            table.skipped.append((line_no, "repeated_header", text))
            continue
        prev = table.rows[-1] if table.rows else None
        if (prev and "short_row" in prev.flags and len(prev.cells) + len(cells) - 1 == width
                and prev.line == line_no - 1):
            prev.cells[-1] = (prev.cells[-1] + " " + cells[0]).strip()
            prev.cells.extend(cells[1:])
            prev.flags = tuple(f for f in prev.flags if f != "short_row") + ("wrapped_row",)
            continue
        flags: tuple[str, ...] = ()
        while len(cells) > width and cells[-1] == "":
            cells.pop()
        if len(cells) > width:
            flags += ("extra_cells",)
        elif len(cells) < width:
            flags += ("short_row",)
        table.rows.append(Row(cells, line_no, flags))
    table.end_line = max(table.end_line, seg[-1][0] if seg else table.end_line)


def _continues(lines: list[str], table: Table, seg: list[tuple[int, str]]) -> bool:
    """Merge ``seg`` into ``table`` when only blank lines and page furniture (or a few short
    interrupting headings) separate them and ``seg`` repeats the header or has its width."""
    first_line, first_text = seg[0]
    text_gap: list[tuple[int, str]] = []
    for n in range(table.end_line + 1, first_line):  # stops early: gaps can be the whole issue
        text = lines[n - 1]
        if text.strip():
            if len(text_gap) == 3 or len(text.strip()) > 40:
                return False
            text_gap.append((n, text))
    first_cells = [clean_text(c) for c in first_text.split("\t")]
    while first_cells and first_cells[-1] == "":
        first_cells.pop()
    repeats_header = first_cells == table.header
    same_width = len(first_cells) == table.n_columns and not repeats_header and \
        not _looks_like_header(first_cells)
    if not (repeats_header or same_width):
        return False
    for n, t in text_gap:
        if is_page_furniture(t):
            table.skipped.append((n, "page_header", t))
        else:
            table.interruptions.append((n, clean_text(strip_markup(t))))
    _add_rows(table, seg)
    return True


def _trimmed(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells = cells[:-1]
    return cells


def _looks_like_header(cells: list[str]) -> bool:
    """A header row has no digits in its first cell (序号, 编号, 指标…)."""
    return bool(cells) and not any(ch.isdigit() for ch in cells[0]) and cells[0] != ""


# --- table of contents ---------------------------------------------------------------

# The lookbehinds start a match only at the beginning of a run of dots: otherwise a line of
# 100 000 dots is retried from every one of them (quadratic).
_TOC_PAGE = re.compile(r"(?:(?<!\.)\.{3,}|(?<!…)…{2,})\s*[(（]\s*(\d{1,3})\s*[)）]\s*$")
_TOC_SECTION = re.compile(r"^【(.+)】$")


def find_toc(lines: list[str], first_document_line: int) -> list[TocEntry]:
    """Entries of the 目录 (title, section, page) before the first document."""
    entries: list[TocEntry] = []
    section = None
    start = next((i for i, ln in enumerate(lines[:first_document_line])
                  if _compact(ln) in ("目录",)), None)
    if start is None:
        return entries
    pending: tuple[str, int] | None = None
    for i in range(start + 1, min(first_document_line, len(lines))):
        compact = _compact(lines[i])
        if not compact:
            continue
        sect = _TOC_SECTION.match(compact)
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
            if compact.startswith(("编辑出版", "地址", "网址")):
                break
            pending = (clean_text(strip_markup(lines[i])), i + 1)
    return entries


# --- cover ---------------------------------------------------------------------------

_ISSUE_NO = re.compile(r"^第\s*(\d{1,3})\s*期$")


def read_cover(lines: list[str]) -> tuple[int | None, int | None, date | None]:
    """(year, issue number, publication date) from the cover page (first 80 lines)."""
    year = number = None
    published = None
    for line in lines[:80]:
        compact = _compact(line)
        if number is None and _ISSUE_NO.match(compact):
            number = int(_ISSUE_NO.match(compact).group(1))
        if published is None and _DATE_LINE.match(compact):
            published = parse_cn_date(compact)
        if year is None and re.fullmatch(r"(19|20)\d{2}", compact):
            year = int(compact)
    if published and year is None:
        year = published.year
    return year, number, published


# --- the one pass --------------------------------------------------------------------


def read_text(text: str, path: str | Path, issue_id: str | None = None,
              notes: list[str] | None = None) -> Issue:
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
        issue_id = f"{year}-{number:02d}" if year and number else Path(path).stem
    return Issue(issue_id, Path(path), lines, documents, tables, toc, year, number, published,
                 list(notes or []))


def read_issue(path: str | Path, issue_id: str | None = None) -> Issue:
    """Read a gazette text file. Raises GazetteError (file and line) for unreadable input."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GazetteError(f"cannot read file ({exc.strerror})", path) from None
    text, notes = decode_gazette(data, path)
    return read_text(text, path, issue_id, notes)
