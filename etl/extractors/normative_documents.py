"""规范性文件清理目录 → normative_documents: one row per document a cleanup list names.

A cleanup notice (2018: 连政办发〔2018〕167号) annexes a list of repealed (废止) and a list of
retained (保留) normative documents. Lists are found by their title and header, in any issue;
the cleanup document is the one whose text holds the table. Every row keeps what was printed
next to what was read from it, and says in ``quality_flags`` where the two differ or where
the print contradicts itself (a number whose year is not the date's, an issuer that is not
the number's, a 序号 the list skips).
"""

from __future__ import annotations

import re
from datetime import date

from etl.extractors import Context, Extraction
from etl.normalize import DocNumber, clean_text, find_cn_dates, parse_doc_number, to_simplified
from etl.profile import CityProfile, profile
from etl.read import Issue, Table, strip_markup

DATASETS = ("normative_documents",)

_LIST_TITLE = re.compile(
    r"(废止|失效|保留|继续有效)的?(?:市政府|政府)?规范性文件(?:目录|清单|名录)")
_STATUS = {"废止": "repealed", "失效": "repealed", "保留": "retained", "继续有效": "retained"}

# field → header names a cleanup list uses for it
_HEADERS = {
    "seq": ("序号",),
    "title": ("文件名称", "名称", "文件标题", "标题"),
    "issuer": ("发文主体", "发文机关", "制定机关", "发文单位"),
    "number": ("文号", "发文字号", "文件编号"),
    "date": ("发文时间", "发文日期", "印发时间", "成文日期"),
    "agency": ("实施主体", "实施单位", "实施机关"),
    "remark": ("备注",),
}

# Who issues what comes from the city profile (datasets/reference/city.csv, doc_prefixes.csv):
# profile().issuer_names() maps 连云港市人民政府 / 市人民政府 / 市政府 → 市政府, and
# profile().prefix(p).issuer says whose a number's series is (连政办发 → 市政府办公室).


_NAMES: dict[int, tuple[CityProfile, dict[str, str]]] = {}


def _issuer_names(city: CityProfile) -> dict[str, str]:
    """``city.issuer_names()``, once per profile (hashing a profile per row costs more)."""
    hit = _NAMES.get(id(city))
    if hit is None or hit[0] is not city:
        hit = _NAMES[id(city)] = (city, city.issuer_names())
    return hit[1]


def list_status(issue: Issue, table: Table) -> tuple[str | None, str | None]:
    """(repealed/retained, list title) when ``table`` is a cleanup list, else (None, None).

    The title is the table's heading or, when an ``附件 1`` line sits in between, a line a
    little higher up.
    """
    candidates = [table.title or ""]
    for n in range(table.header_line - 1, max(0, table.header_line - 7), -1):
        candidates.append(clean_text(strip_markup(issue.line(n))))
    for text in candidates:
        match = _LIST_TITLE.search(text)
        if match:
            return _STATUS[match.group(1)], text
    return None, None


def column_map(header: list[str]) -> dict[str, int] | None:
    """Field → column index; ``None`` unless the list names at least titles and numbers."""
    compact = [re.sub(r"\s+", "", h) for h in header]
    found = {field: compact.index(name) for field, names in _HEADERS.items()
             for name in names if name in compact}
    return found if "title" in found and "number" in found else None


def load_agency_fixes(ctx: Context) -> dict[str, str]:
    """Reviewed agency-name corrections (datasets/reference/agencies.csv): raw → normalised."""
    return {row["raw"].strip(): row["normalised"].strip() for row in ctx.records("agencies")}


def normalise_agency(raw: str, fixes: dict[str, str]) -> tuple[str | None, list[str]]:
    """An implementing agency cell → (name, flags); a reviewed fix is flagged."""
    cell = raw.strip()
    if not cell:
        return None, []
    for key in (cell, clean_text(cell)):
        if key in fixes:
            return fixes[key], ["agency_name_fixed"]
    return clean_text(cell), []


def _issued(cell: str) -> tuple[date | None, list[str]]:
    if not cell.strip():
        return None, ["issued_on_missing"]
    dates = find_cn_dates(cell)
    if not dates:
        return None, ["issued_on_unreadable"]
    return (dates[0][1], []) if dates[0][1] else (None, ["date_impossible"])


def _number(cell: str, city: CityProfile) -> tuple[DocNumber | None, list[str]]:
    if not cell.strip():
        return None, ["doc_number_missing"]
    number = parse_doc_number(cell, city)
    if number is None:
        return None, ["doc_number_unreadable"]
    return number, list(number.flags)


def _seq(cell: str) -> int | None:
    digits = cell.strip()
    return int(digits) if digits.isascii() and digits.isdigit() else None


def read_row(cells: list[str], cols: dict[str, int], fixes: dict[str, str],
             city: CityProfile | None = None) -> dict:
    """One list row → the dataset's fields (without provenance and list context)."""
    city = city or profile()
    def cell(field: str) -> str:
        i = cols.get(field)
        return cells[i] if i is not None and i < len(cells) else ""

    flags: list[str] = []
    seq = _seq(cell("seq"))
    if "seq" in cols and seq is None:
        flags.append("seq_unreadable")
    title_raw = cell("title").strip()
    if not title_raw:
        flags.append("title_missing")
    number, number_flags = _number(cell("number"), city)
    issued_on, date_flags = _issued(cell("date")) if "date" in cols else (None, [])
    flags += number_flags + date_flags
    if number and number.year and issued_on and number.year != issued_on.year:
        flags.append("doc_year_differs_from_date")
    issuer_raw = cell("issuer").strip()
    names = _issuer_names(city)
    issuer = names.get(to_simplified(re.sub(r"\s+", "", issuer_raw))) if issuer_raw else None
    if issuer_raw and issuer is None:
        flags.append("issuer_unrecognised")
    series = city.prefix(number.doc_type) if number else None
    if series and issuer and series.issuer != issuer:
        flags.append("issuer_differs_from_prefix")
    agency, agency_flags = normalise_agency(cell("agency"), fixes)
    flags += agency_flags
    remark = clean_text(cell("remark"))
    if remark and remark != "修改":
        flags.append("remark_unrecognised")
    return {
        "seq": seq, "title": clean_text(title_raw) or None, "title_raw": title_raw or None,
        "issuer": issuer, "issuer_raw": issuer_raw or None,
        "doc_number": number.text if number else None,
        "doc_number_raw": cell("number").strip() or None,
        "doc_type": number.doc_type if number else None,
        "doc_year": number.year if number else None, "doc_seq": number.seq if number else None,
        "issued_on": issued_on, "issued_on_raw": cell("date").strip() or None,
        "implementing_agency": agency,
        "implementing_agency_raw": cell("agency").strip() or None,
        "remark": remark or None,
        "needs_revision": ("修改" in remark) if "remark" in cols else None,
        "quality_flags": flags,
    }


def flag_sequence(rows: list[dict]) -> list[str]:
    """Flag 序号 the list skips, repeats or prints out of order; never invent a row.

    Returns notes naming the missing numbers.
    """
    notes, seen, previous = [], set(), 0
    for row in rows:
        seq = row["seq"]
        if seq is None:
            continue
        if seq in seen:
            row["quality_flags"].append("seq_duplicate")
        elif seq < previous:
            row["quality_flags"].append("seq_out_of_order")
        elif seq > previous + 1:
            row["quality_flags"].append("seq_gap_before")
            missing = f"{previous + 1}" if seq == previous + 2 else f"{previous + 1}-{seq - 1}"
            notes.append(f"line {row['source_line']}: 序号 {missing} missing before {seq}")
        seen.add(seq)
        previous = max(previous, seq)
    return notes


def _flag_duplicates(rows: list[dict]) -> None:
    counts: dict[str, int] = {}
    for row in rows:
        if row["doc_number"]:
            counts[row["doc_number"]] = counts.get(row["doc_number"], 0) + 1
    for row in rows:
        if counts.get(row["doc_number"] or "", 0) > 1:
            row["quality_flags"].append("doc_number_duplicate")


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    fixes: dict[str, str] | None = None
    city = profile(ctx.reference_dir)
    found: list[dict] = []
    for table in issue.tables:
        status, title = list_status(issue, table)
        if status is None:
            continue
        cols = column_map(table.header)
        if cols is None:
            out.notes.append(f"line {table.header_line}: {title} has no 文件名称/文号 columns "
                             f"({' | '.join(table.header)}); skipped")
            continue
        out.tables.append(table.header_line)
        fixes = load_agency_fixes(ctx) if fixes is None else fixes
        doc = issue.document_at(table.header_line)
        cleanup = doc.doc_number.text if doc and doc.doc_number else None
        rows = []
        for row in table.rows:
            item = read_row(row.cells, cols, fixes, city)
            item["quality_flags"] = list(row.flags) + item["quality_flags"]
            if cleanup is None:
                item["quality_flags"].append("cleanup_doc_unknown")
            item.update({"cleanup_doc": cleanup, "cleanup_on": doc.signed_on if doc else None,
                         "list_status": status, "source_issue": issue.issue_id,
                         "source_line": row.line})
            rows.append(item)
        for note in flag_sequence(rows):
            out.notes.append(f"{title}: {note}")
        found.extend(rows)
    _flag_duplicates(found)
    for row in found:
        out.add("normative_documents", row)
    return out
