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

from etl.dictionary import dataset
from etl.extractors import Context, Extraction
from etl.normalize import (
    DocNumber,
    clean_text,
    find_cn_dates,
    find_doc_numbers,
    parse_doc_number,
    safe_date,
    to_halfwidth,
    to_simplified,
)
from etl.profile import CityProfile, profile
from etl.read import Issue, Row, Table, is_page_furniture, strip_markup

DATASETS = ("normative_documents",)

# A list's title names what the cleanup decided for every document on it (simplified form):
# 废止 → repealed; 失效 / 宣布失效 → lapsed (no longer in force, without a repeal); 保留 /
# 继续有效 / 继续施行 → retained; 修改 / 拟修改 / 修订 → to_be_revised (stays in force, to be
# revised). Between the decision and 规范性文件 a list may name whose documents they are
# (市政府, 县政府办公室, 一批 …).
_DECISION = (r"宣布失效|予以失效|失效|废止|继续有效|继续施行|保留|拟修改|拟修订|需修改|需要修改|"
             r"予以修改|修改|修订")
_LIST_TITLE = re.compile(rf"({_DECISION})的?[^\s，,。；的]{{0,16}}?规范性文件"
                         r"(?:目录|清单|名录|一览表|汇总表|情况表)")
# a list that decides per row (a 清理意见 column): 规范性文件清理结果目录
_MIXED_TITLE = re.compile(r"规范性文件[^\s，,。；]{0,8}?(?:目录|清单|名录|一览表|汇总表|情况表)")
_DECISION_WORD = re.compile(_DECISION)
_STATUS = {"废止": "repealed", "失效": "lapsed", "宣布失效": "lapsed", "予以失效": "lapsed",
           "保留": "retained", "继续有效": "retained", "继续施行": "retained"}
# what a list decides, as declared in etl/dictionary/_values.yaml (list ``list_status``)
STATUSES = dataset("normative_documents").column("list_status").enum or ()


def status_of(word: str) -> str:
    """The list status a decision word says (修改, 拟修订 … → to_be_revised)."""
    return _STATUS.get(word, "to_be_revised")


# field → header names a cleanup list uses for it (simplified, no spaces)
_HEADERS = {
    "seq": ("序号", "编号"),
    "title": ("文件名称", "名称", "文件标题", "标题", "规范性文件名称", "文件题目"),
    "title_number": ("文件名称及文号", "文件名称和文号", "文件名称(文号)", "文件名称（文号）",
                     "名称及文号", "文件名称及发文字号", "文件标题及文号"),
    "issuer": ("发文主体", "发文机关", "制定机关", "发文单位", "制发机关", "发布机关",
               "制定主体", "发文机构"),
    "number": ("文号", "发文字号", "文件编号", "发文文号", "文件字号", "文件文号", "字号"),
    "date": ("发文时间", "发文日期", "印发时间", "成文日期", "印发日期", "发布时间", "发布日期",
             "制定时间", "制定日期", "制发时间", "成文时间"),
    "agency": ("实施主体", "实施单位", "实施机关", "实施部门", "执行单位", "执行部门",
               "主管部门", "起草单位", "责任单位"),
    "opinion": ("清理意见", "清理结果", "处理意见", "清理建议", "审查意见", "清理情况",
                "清理结论"),
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
    """(repealed/retained/lapsed/to_be_revised, list title) when ``table`` is a cleanup list,
    else (None, None); ("mixed", title) for a list whose rows each say what was decided
    (a 清理意见 column under a title such as 规范性文件清理结果目录).

    The title is the table's heading or, when an ``附件 1`` line sits in between, a line a
    little higher up. Traditional characters are read as simplified.
    """
    candidates = [table.title or ""]
    for n in range(table.header_line - 1, max(0, table.header_line - 7), -1):
        candidates.append(clean_text(strip_markup(issue.line(n))))
    for text in candidates:
        match = _LIST_TITLE.search(to_simplified(text))
        if match:
            return status_of(match.group(1)), text
    for text in candidates:
        if _MIXED_TITLE.search(to_simplified(text)):
            return "mixed", text
    return None, None


def column_map(header: list[str]) -> dict[str, int] | None:
    """Field → column index; ``None`` unless the list names at least titles and numbers (in
    two columns, or in one: 文件名称及文号)."""
    compact = [to_simplified(re.sub(r"\s+", "", h)) for h in header]
    found: dict[str, int] = {}
    for field, names in _HEADERS.items():
        for name in names:
            if name in compact and field not in found:
                found[field] = compact.index(name)
    if "title_number" in found and "title" not in found and "number" not in found:
        return found
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


# a date printed with dots, dashes or slashes: 2015.3.2, 2015-03-02, 2015/3/2
_NUMERIC_DATE = re.compile(r"^(\d{4})\s{0,2}[.\-/]\s{0,2}(\d{1,2})\s{0,2}[.\-/]\s{0,2}(\d{1,2})$")


def _issued(cell: str) -> tuple[date | None, list[str]]:
    if not cell.strip():
        return None, ["issued_on_missing"]
    dates = find_cn_dates(cell)
    if not dates:
        numeric = _NUMERIC_DATE.match(to_halfwidth(cell.strip()))
        if numeric is None:
            return None, ["issued_on_unreadable"]
        found = safe_date(*map(int, numeric.groups()))
        return (found, []) if found else (None, ["date_impossible"])
    return (dates[0][1], []) if dates[0][1] else (None, ["date_impossible"])


# an issuer named by its level when the profile does not know it: 淮川市人民政府 → 市政府,
# 某县人民政府办公室 → 县政府办公室, 江苏省人民政府办公厅 → 省政府办公厅
_LEVEL_ISSUER = re.compile(r"^(?:[\u4e00-\u9fff]{1,12}?)?([省市县区])(?:人民)?政府"
                           r"(办公室|办公厅|办)?$")


def issuer_of(raw: str, names: dict[str, str]) -> str | None:
    """An issuer cell → the short name the dataset uses; None when it names no government
    or its office."""
    key = to_simplified(re.sub(r"\s+", "", raw))
    if key in names:
        return names[key]
    match = _LEVEL_ISSUER.match(key)
    if match is None:
        return None
    office = match.group(2)
    if office == "办":
        office = "办公室"
    return f"{match.group(1)}政府{office or ''}"


_BRACKETED = re.compile(r"^[\s(（\[〔【]*(.*?)[\s)）\]〕】]*$")


def split_title_number(text: str, city: CityProfile) -> tuple[str, str]:
    """One cell holding a title and its number (a 文件名称及文号 column:
    ``《某某办法》（某政发〔2015〕3号）``, ``某某办法 某政发〔2015〕3号``) → (title, number as
    printed); the number is the last one the cell prints, and only when nothing but brackets
    and spaces follow it."""
    found = find_doc_numbers(text, city)
    if not found:
        return text.strip(), ""
    start, end, _ = found[-1]
    if text[end:].strip(" \t)）]】") != "":
        return text.strip(), ""
    title = text[:start].rstrip(" \t(（[【")
    title = title.strip()
    if title.startswith("《") and title.endswith("》"):
        title = title[1:-1]
    return title, text[start:end].strip()


def _number(cell: str, city: CityProfile) -> tuple[DocNumber | None, list[str]]:
    if not cell.strip():
        return None, ["doc_number_missing"]
    number = parse_doc_number(cell, city)
    if number is None:
        return None, ["doc_number_unreadable"]
    return number, list(number.flags)


# a remark that marks a retained document for revision: 修改, 拟修改, 需修订 …
_REVISE = re.compile(r"^(?:拟|需|需要|予以|建议|待)?(?:修改|修订)$")


def _seq(cell: str) -> int | None:
    digits = to_halfwidth(cell.strip())
    return int(digits) if digits.isascii() and digits.isdigit() else None


def read_row(cells: list[str], cols: dict[str, int], fixes: dict[str, str],
             city: CityProfile | None = None) -> dict:
    """One list row → the dataset's fields (without provenance and list context)."""
    city = city or profile()
    def cell(field: str) -> str:
        i = cols.get(field)
        if i is None and field in ("title", "number") and "title_number" in cols:
            return split_title_number(cell("title_number"), city)[field == "number"]
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
    issuer = issuer_of(issuer_raw, names) if issuer_raw else None
    if issuer_raw and issuer is None:
        flags.append("issuer_unrecognised")
    elif issuer and to_simplified(re.sub(r"\s+", "", issuer_raw)) not in names:
        flags.append("issuer_by_level")  # a government the city profile does not name
    series = city.prefix(number.doc_type) if number else None
    if series and issuer and series.issuer != issuer:
        flags.append("issuer_differs_from_prefix")
    agency, agency_flags = normalise_agency(cell("agency"), fixes)
    flags += agency_flags
    remark = clean_text(cell("remark"))
    if remark and not _REVISE.match(to_simplified(remark)):
        flags.append("remark_unrecognised")
    opinion = clean_text(cell("opinion"))
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
        "cleanup_opinion": opinion or None,
        "needs_revision": any(w in to_simplified(remark) for w in ("修改", "修订"))
        if "remark" in cols else None,
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


# a heading between a list's rows: 一、市政府文件 / （二）部门文件 / 第一部分 / 市政府文件（共12件）
_CN = "一二三四五六七八九十"
_HEADING = re.compile(rf"^(?:[{_CN}]{{1,3}}[、.．]|[(（][{_CN}\d]{{1,3}}[)）]"
                      rf"|第[{_CN}]{{1,3}}(?:部分|类))|(?:文件|[(（]共?\d{{1,4}}件[)）])$")
_MAX_HEADING = 30


def is_heading(text: str) -> bool:
    """A short line that groups a list's rows (一、市政府文件), never a row of its own."""
    core = re.sub(r"\s+", "", text)
    return (0 < len(core) <= _MAX_HEADING and _HEADING.search(core) is not None
            and not any(ch in core for ch in "〔〕号") and _seq(core) is None)


def _give_back_heading(row: Row) -> Row:
    """A layout joins a lone line between two rows onto the row above as a wrapped cell;
    a heading joined so (一、市政府办公室文件) is no part of the row's last cell."""
    if not row.continuations or not row.cells:
        return row
    _line, text = row.continuations[-1]
    last = row.cells[-1].rstrip()
    if not is_heading(clean_text(strip_markup(text))) or not last.endswith(text.strip()):
        return row
    cells = [*row.cells[:-1], last[: -len(text.strip())].rstrip()]
    rest = row.continuations[:-1]
    flags = row.flags if rest else tuple(f for f in row.flags if f != "wrapped_row")
    return Row(cells, row.line, flags, rest)


def _heading_row(row: Row, cols: dict[str, int]) -> bool:
    """A row that is a heading printed inside the table: one filled cell, no 序号 and no 文号."""
    filled = [c for c in row.cells if c.strip()]
    return len(filled) == 1 and _seq(filled[0]) is None and is_heading(filled[0])


def _gap_is_headings(issue: Issue, end: int, start: int) -> bool:
    """Only blank lines, page furniture and a few headings between two tables."""
    seen = 0
    for n in range(end + 1, start):
        text = clean_text(strip_markup(issue.line(n)))
        if not text or is_page_furniture(text) or _PAGE_NUMBER.match(text):
            continue
        seen += 1
        if seen > 3 or not is_heading(text):
            return False
    return True


_PAGE_NUMBER = re.compile(r"^[-—–]?\s{0,3}\d{1,4}\s{0,3}[-—–]?$")


def list_rows(issue: Issue, table: Table, absorbed: set[int]) -> list[Row]:
    """The rows of a list and of the tables right after it that continue it: a table whose
    "header" is a row (a 序号 first, as wide as the list or narrower: a layout took the
    first row after a heading for a header) or that repeats the header, with nothing but
    headings between them."""
    rows = list(table.rows)
    tables = issue.tables
    last = max(table.end_line, table.header_line)
    for other in tables[tables.index(table) + 1:]:
        if not _gap_is_headings(issue, last, other.header_line):
            break
        repeated = [h.replace(" ", "") for h in other.header] == [
            h.replace(" ", "") for h in table.header]
        as_row = (_seq(other.header[0]) is not None if other.header else False) and \
            0 < other.n_columns <= table.n_columns
        if not (repeated or as_row):
            break
        if as_row:
            rows.append(Row(list(other.header), other.header_line))
        rows.extend(other.rows)
        absorbed.add(other.header_line)
        last = max(other.end_line, other.header_line)
    return rows


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    fixes: dict[str, str] | None = None
    city = profile(ctx.reference_dir)
    found: list[dict] = []
    absorbed: set[int] = set()
    for table in issue.tables:
        if table.header_line in absorbed:
            continue
        status, title = list_status(issue, table)
        if status is None:
            continue
        cols = column_map(table.header)
        if cols is None:
            if status != "mixed":
                out.notes.append(f"line {table.header_line}: {title} has no 文件名称/文号 "
                                 f"columns ({' | '.join(table.header)}); skipped")
            continue
        if status == "mixed" and "opinion" not in cols:
            continue  # a list of documents that decides nothing (a 目录 of a notice)
        out.tables.append(table.header_line)
        fixes = load_agency_fixes(ctx) if fixes is None else fixes
        doc = issue.document_at(table.header_line)
        cleanup = doc.doc_number.text if doc and doc.doc_number else None
        rows = []
        for row in list_rows(issue, table, absorbed):
            if _heading_row(row, cols):
                continue
            row = _give_back_heading(row)
            item = read_row(row.cells, cols, fixes, city)
            item["quality_flags"] = list(row.flags) + item["quality_flags"]
            row_status = _row_status(item, status)
            if row_status is None:
                out.notes.append(f"line {row.line}: {title}: 清理意见 "
                                 f"{item['cleanup_opinion']!r} decides nothing; row skipped")
                continue
            if row_status != status and status != "mixed":
                item["quality_flags"].append("opinion_differs_from_list")
            if row_status == "to_be_revised":
                item["needs_revision"] = True
            elif "opinion" in cols and item["needs_revision"] is None:
                item["needs_revision"] = False
            if cleanup is None:
                item["quality_flags"].append("cleanup_doc_unknown")
            item.update({"cleanup_doc": cleanup, "cleanup_on": doc.signed_on if doc else None,
                         "list_status": row_status,
                         "source_issue": issue.issue_id, "source_line": row.line})
            rows.append(item)
        for note in flag_sequence(rows):
            out.notes.append(f"{title}: {note}")
        found.extend(rows)
    _flag_duplicates(found)
    for row in found:
        out.add("normative_documents", row)
    return out


def _row_status(item: dict, status: str) -> str | None:
    """What the row's 清理意见 decides (继续有效, 宣布失效, 修改 …), else the list's."""
    opinion = to_simplified(item.get("cleanup_opinion") or "")
    word = _DECISION_WORD.search(opinion)
    if word:
        return status_of(word.group(0))
    return None if status == "mixed" else status
