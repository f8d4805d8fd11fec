"""Heritage protection site lists (文物保护单位名单/名录) → heritage_sites, heritage_site_places,
heritage_site_counts.

A list is found in any issue by its heading (第X批…文物保护单位名单, …文物保护单位名录, or the
announcement's title); its columns are located by header name in the order printed. The
extractor reads only the table model (``etl.read``: header, rows with their wrapped-cell
continuations, interrupting lines) and the lines above a table for its heading, whatever
layout the table was printed in. Category headings inside the list (``一、古遗址（共计6处）``,
``（二）革命遗址及革命纪念建筑物``, ``古遗址、古墓葬``) give the category to the rows after
them. Everything a reader of such lists knows is reviewed data in ``datasets/reference/``:
category names old and new (heritage_categories.csv), eras (eras.csv), county names of
today (gazetteer.csv) and former ones (county_names.csv). Addresses are split into places
and geocoded offline by etl.geo; a site's own point is derived from its places.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd

from etl.dictionary import dataset
from etl.extractors import Context, Extraction
from etl.geo.geocode import Geocoder, parse_address, read_zones, split_places
from etl.normalize import clean_text, cn_numeral, parse_cn_years, to_halfwidth, to_simplified
from etl.read import Issue, Row, Table, is_page_furniture, strip_markup

DATASETS = ("heritage_sites", "heritage_site_places", "heritage_site_counts")

# --- matching form -------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({c: "-" for c in "－—–‐‑−―"})


@lru_cache(maxsize=8192)
def matching_form(text: str) -> str:
    """The form printed text is MATCHED in (headers, headings, categories, eras, levels,
    county names): simplified characters (OpenCC t2s), half-width forms, dashes as ``-``,
    no spaces. Printed text is kept as printed."""
    return _SPACES.sub("", to_simplified(to_halfwidth(text))).translate(_DASHES)


# --- finding the list ------------------------------------------------------------------------

_NUM = r"〇零一二两三四五六七八九十百\d"
_BATCH = re.compile(rf"第([{_NUM}]{{1,4}})批")
_LIST_NAME = re.compile(r"文物保护单位(?:名单|名录|一览表|目录|\(|$)")
_LIST_ANY = re.compile(r"文物保护单位")
_MAX_HEADING_CHARS = 60
_LEVEL = re.compile(r"(自治区|省|市|州|盟|地区|县|区|旗)(?:\([^)]{0,8}\))?级")
_LEVEL_SHORT = {"国保": "全国重点", "省保": "省级", "市保": "市级", "县保": "县级",
                "区保": "区级"}
_ISSUER = re.compile(r"(自治区|省|市|州|盟|县|区|旗)(?:人民政府)?(?:关于公布)?$")
# Header names as lists print them (matching form) → the field they hold.
_HEADERS = {
    "编号": "site_id", "序号": "seq", "分类号": "class_seq", "类别号": "class_seq",
    "分类序号": "class_seq", "类别序号": "class_seq",
    "类别": "category", "类型": "category", "分类": "category", "文物类别": "category",
    "文物类型": "category",
    "名称": "name", "文物名称": "name", "单位名称": "name", "文物保护单位名称": "name",
    "保护单位名称": "name", "文保单位名称": "name",
    "时代": "era", "年代": "era", "时期": "era", "文物年代": "era",
    "地址": "address", "地点": "address", "所在地": "address", "位置": "address",
    "所在地址": "address", "地址及位置": "address", "具体地址": "address",
    "详细地址": "address", "所在位置": "address", "坐落地点": "address",
    "坐落位置": "address", "所在地点": "address", "地理位置": "address",
    "县区": "county", "区县": "county", "县(区)": "county", "区(县)": "county",
    "县(市、区)": "county", "县(市)区": "county", "县(市区)": "county", "县市区": "county",
    "所在县区": "county", "所在区县": "county", "所属县区": "county", "所属区县": "county",
    "所在县(区)": "county", "所在县(市、区)": "county", "县(市)": "county", "市县": "county",
    "级别": "level", "保护级别": "level", "文物级别": "level",
    "批次": "batch", "公布批次": "batch", "属地": "address",
}
# A header cell not listed above: the first of these it contains names its field.
_HEADER_PARTS = (("名称", "name"), ("时代", "era"), ("年代", "era"), ("地址", "address"),
                 ("地点", "address"), ("位置", "address"), ("所在地", "address"),
                 ("类别", "category"), ("级别", "level"), ("编号", "site_id"),
                 ("序号", "seq"))
_CARRIED = ("category", "county", "level")
_TOTALS = ("合计", "总计", "小计", "共计")  # merged cells printed once for a group
_PRECISION_RANK = {"site": 4, "village": 3, "township": 2, "county": 1, "none": 0}
_MAX_HEADING_LINES = 6  # non-blank lines searched above a header for the list's heading


@dataclass
class HeritageList:
    heading: str
    heading_line: int
    batch: int | None
    level: str | None
    level_flag: str | None  # how the level was found when the heading does not print it
    columns: dict[str, int]
    tables: list[Table]
    # (line, row or None, heading text or None): rows and interrupting headings, in order
    entries: list[tuple[int, Row | None, str | None]] = field(default_factory=list)


def _header_field(cell: str) -> str | None:
    key = matching_form(cell)
    if key in _HEADERS:
        return _HEADERS[key]
    if len(key) > 10:
        return None
    if "县" in key and ("区" in key or "市" in key):
        return "county"
    return next((f for part, f in _HEADER_PARTS if part in key), None)


def _columns(header: list[str]) -> dict[str, int] | None:
    """Header cell → field index; ``None`` unless the header names a site's name and at
    least one of its category, era or address."""
    found: dict[str, int] = {}
    for k, cell in enumerate(header):
        key = _header_field(cell)
        if key and key not in found:
            found[key] = k
    if "name" not in found or not {"category", "era", "address"} & found.keys():
        return None
    return found


def level_of(text: str) -> str | None:
    """The protection level a heading or cell prints: 全国重点, 省级, 自治区级, 市级, 州级,
    盟级, 县级, 区级, 旗级 (``县（市、区）级`` → 县级; 国保/省保/市保/县保 short forms)."""
    key = matching_form(text)
    if "全国重点" in key or "国家级" in key or "国家重点" in key:
        return "全国重点"
    if key in _LEVEL_SHORT:
        return _LEVEL_SHORT[key]
    match = _LEVEL.search(key)
    return match.group(1) + "级" if match else None


def _issuer_level(text: str) -> str | None:
    """``某市第四批文物保护单位`` → 市级: the level of the body whose list it is, when the
    heading names that body but no level."""
    key = matching_form(text)
    cut = _BATCH.search(key) or _LIST_ANY.search(key)
    if cut is None:
        return None
    match = _ISSUER.search(key[:cut.start()].removeprefix("关于公布"))
    return match.group(1) + "级" if match else None


@dataclass(frozen=True)
class ListHeading:
    text: str
    batch: int | None


def list_heading(text: str, require_list: bool = True) -> ListHeading | None:
    """A list's heading (第四批县级文物保护单位名单, 市级文物保护单位名录 …) with its batch
    (None when it prints none); with ``require_list=False`` an announcement's title
    (关于公布第X批…文物保护单位的通知) is enough."""
    key = matching_form(text)
    if require_list and (len(key) > _MAX_HEADING_CHARS or not _LIST_NAME.search(key)):
        return None
    if not require_list and not _LIST_ANY.search(key):
        return None
    batch = _BATCH.search(key)
    if batch and batch.start() > key.find("文物保护单位"):
        batch = None  # 第X批 after the list's name belongs to something else
    if batch is None:
        if not require_list and not _LIST_NAME.search(key):
            return None  # a title must name a batch or a 名单/名录
        return ListHeading(text, None)
    number = cn_numeral(batch.group(1))
    return ListHeading(text, number or None)


def _table_lines(issue: Issue) -> set[int]:
    return {n for t in issue.tables for n in range(t.header_line, max(t.end_line,
                                                                      t.header_line) + 1)}


def _heading_above(issue: Issue, header_line: int, taken: set[int]
                   ) -> tuple[ListHeading | None, int, list[tuple[int, str]]]:
    """The list heading above a table header, and the short lines between them (category
    headings printed before the first row); without a heading, (None, 0, lines above)."""
    between: list[tuple[int, str]] = []
    seen = 0
    for n in range(header_line - 1, 0, -1):
        raw = issue.line(n)
        if not raw.strip() or is_page_furniture(raw):
            continue
        if n in taken or seen >= _MAX_HEADING_LINES:
            break
        seen += 1
        text = clean_text(strip_markup(raw))
        found = list_heading(text) or (
            list_heading(text, require_list=False)
            if "公布" in text and len(text) <= _MAX_HEADING_CHARS else None)
        if found:
            if found.batch is None and (joined := _joined_title(issue, n, text)):
                return joined[0], joined[1], list(reversed(between))
            return found, n, list(reversed(between))
        between.append((n, text))
    return None, 0, list(reversed(between))


def _joined_title(issue: Issue, line: int, text: str) -> tuple[ListHeading, int] | None:
    """A title printed over two lines (青禾市第四批 / 市级文物保护单位名单): the batch is on
    the line above."""
    for n in range(line - 1, max(0, line - 3), -1):
        above = issue.line(n)
        if above.strip():
            joined = list_heading(clean_text(strip_markup(above)) + text)
            return (joined, n) if joined and joined.batch else None
    return None


def _gap(issue: Issue, start: int, end: int, limit: int = 4) -> list[tuple[int, str]] | None:
    """Non-blank lines strictly between ``start`` and ``end`` (page furniture aside); None
    when there are more than ``limit`` of them."""
    found: list[tuple[int, str]] = []
    for n in range(start + 1, end):
        raw = issue.line(n)
        if raw.strip() and not is_page_furniture(raw):
            if len(found) == limit:
                return None
            found.append((n, clean_text(strip_markup(raw))))
    return found


@dataclass
class _Part:
    table: Table
    gap: list[tuple[int, str]]  # category headings between the previous part and this one
    header_is_row: bool  # the layout took a data row for this part's header


def _parts(issue: Issue, first: Table, columns: dict[str, int],
           categories: Categories) -> list[_Part]:
    """Tables right after ``first`` that continue its list: after category headings the
    header is printed again, or a layout takes the first row (名称 printed first, no digit)
    for a new header. Only category headings may stand between the parts."""
    found: list[_Part] = []
    tables = issue.tables
    last_end = max(first.end_line, first.header_line)
    for table in tables[tables.index(first) + 1:]:
        gap = _gap(issue, last_end, table.header_line)
        if gap is None or not all(heading_of(t, categories) for _, t in gap):
            break
        cols = _columns(table.header)
        repeated = cols == columns
        as_row = (cols is None and 0 < table.n_columns <= first.n_columns
                  and bool(gap or any(ch.isdigit() for ch in "".join(table.header))))
        if not (repeated or as_row):
            break
        found.append(_Part(table, gap, as_row))
        last_end = max(table.end_line, table.header_line)
    return found


def find_lists(issue: Issue, categories: Categories) -> list[HeritageList]:
    """Every heritage list in the issue."""
    lists: list[HeritageList] = []
    absorbed: set[int] = set()
    taken = _table_lines(issue)
    for table in issue.tables:
        columns = _columns(table.header)
        if table.header_line in absorbed or columns is None:
            continue
        heading, heading_line, before = _heading_above(issue, table.header_line, taken)
        doc = issue.document_at(table.header_line)
        from_doc = None
        if heading is None and doc is not None:
            from_doc = list_heading(doc.title, require_list=False)
            heading, heading_line = (from_doc, doc.title_line) if from_doc else (None, 0)
            before = [(n, t) for n, t in before if heading_of(t, categories)]
        if heading is None:
            continue
        level, level_flag = level_of(heading.text), None
        if level is None and (level := _issuer_level(heading.text)):
            level_flag = "level_from_issuer_name"
        if level is None and doc is not None and from_doc is None:
            if level := level_of(doc.title):
                level_flag = "level_from_document_title"
            elif level := _issuer_level(doc.title):
                level_flag = "level_from_issuer_name"
        parts = _parts(issue, table, columns, categories)
        absorbed.update(p.table.header_line for p in parts)
        found = HeritageList(heading.text, heading_line, heading.batch, level, level_flag,
                             columns, [table, *(p.table for p in parts)])
        found.entries = _entries(found, before, parts, categories)
        lists.append(found)
    return lists


def _give_back_headings(row: Row, categories: Categories, category_last: bool = False
                        ) -> tuple[Row, list[tuple[int, str]]]:
    """A layout joins a lone line between two rows onto the row above as a wrapped cell;
    when such lines (the last ones joined) are category headings, give them back — unless
    the list prints its category in its last column and the line is that whole cell."""
    continuations = list(row.continuations)
    cells = list(row.cells)
    given: list[tuple[int, str]] = []
    while continuations and cells:
        line, text = continuations[-1]
        heading = clean_text(strip_markup(text))
        if not heading_of(heading, categories) or not cells[-1].rstrip().endswith(text.strip()):
            break
        if category_last and len(cells) == len(row.cells) and cells[-1].strip() == text.strip():
            break  # the row's own category cell
        cells[-1] = cells[-1].rstrip()[: -len(text.strip())].rstrip()
        given.insert(0, (line, heading))
        continuations.pop()
    if not given:
        return row, []
    flags = row.flags if continuations else tuple(f for f in row.flags if f != "wrapped_row")
    return Row(cells, row.line, flags, continuations), given


def _entries(hl: HeritageList, before: list[tuple[int, str]], parts: list[_Part],
             categories: Categories) -> list[tuple[int, Row | None, str | None]]:
    entries: list[tuple[int, Row | None, str | None]] = [(n, None, t) for n, t in before]
    for k, table in enumerate(hl.tables):
        if k:
            part = parts[k - 1]
            entries += [(n, None, t) for n, t in part.gap]
            if part.header_is_row:
                entries.append((table.header_line, Row(list(table.header), table.header_line),
                                None))
        entries += [(n, None, clean_text(strip_markup(t))) for n, t in table.interruptions]
        for row in table.rows:
            row, given = _give_back_headings(
                row, categories, hl.columns.get("category") == len(row.cells) - 1)
            filled = [c for c in row.cells if c.strip()]
            if len(filled) == 1 and heading_of(clean_text(filled[0]), categories):
                entries.append((row.line, None, clean_text(filled[0])))  # a heading as a row
                continue
            entries.append((row.line, row, None))
            entries += [(n, None, t) for n, t in given]
    return sorted(entries, key=lambda e: e[0])


# --- categories -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Categories:
    by_printed: dict[str, dict]  # matching form of a printed name → its reviewed row

    def get(self, text: str) -> dict | None:
        """The reviewed row of a printed category (类 after it, 和 for 及, 其它 for 其他)."""
        key = matching_form(text).removesuffix("类")
        for candidate in (key, key.replace("和", "及").replace("其它", "其他")):
            if found := self.by_printed.get(candidate):
                return found
        return None


def _categories(ctx: Context) -> Categories:
    return _categories_in(Path(ctx.reference_dir))


@cache
def _categories_in(reference_dir: Path) -> Categories:
    records = Context(reference_dir).records("heritage_categories")
    return Categories({matching_form(r["printed"]): r for r in records})


_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_ROMAN_ASCII = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
                "IX": 9, "X": 10, "XI": 11, "XII": 12}
_HEADING_ORDINAL = re.compile(
    rf"^(?:第([{_NUM}]{{1,3}})(?:类|部分)|[(（]?([一二三四五六七八九十]{{1,3}}|\d{{1,2}}|[{_ROMAN}]"
    r"|[IVX]{1,4})[)）]?)[、.．:：]?")
_HEADING_COUNT = re.compile(rf"[(（]?(?:共[计計]?|[计計])?[{_NUM}]{{1,4}}[处處个個项項][)）]?$")


@dataclass(frozen=True)
class Heading:
    raw: str  # the category as printed, ordinal and count removed
    rows: tuple[dict, ...]  # its reviewed categories (two or more for 古遗址、古墓葬)
    ordinal: int | None  # 一、→ 1, （三）→ 3, Ⅳ → 4


def _ordinal(text: str) -> int | None:
    if text in _ROMAN_ASCII:
        return _ROMAN_ASCII[text]
    if len(text) == 1 and text in _ROMAN:
        return _ROMAN.index(text) + 1
    return cn_numeral(text)


def heading_of(text: str, categories: Categories) -> Heading | None:
    """``古遗址`` / ``一、古遗址(共计6处)`` / ``（二）革命遗址及革命纪念建筑物（共十一处）`` /
    ``古遗址、古墓葬`` → the category heading; None for any other line."""
    core = _SPACES.sub("", text).rstrip(":：")
    if not core or len(core) > 40:  # a heading is a short line
        return None
    ordinal = None
    if match := _HEADING_ORDINAL.match(core):
        ordinal = _ordinal(to_halfwidth(match.group(1) or match.group(2) or ""))
        core = core[match.end():]
    core = _HEADING_COUNT.sub("", core).rstrip(":：")
    found = categories.get(core)
    if found:
        return Heading(core, (found,), ordinal)
    parts = [p for p in re.split(r"[、，,/和与及]", core) if p]
    rows = [categories.get(p) for p in parts]
    if len(parts) > 1 and all(rows):
        return Heading(core, tuple(r for r in rows if r), ordinal)
    return None


def _by_name(name: str, rows: tuple[dict, ...]) -> dict | None:
    """The one category of a combined heading (古遗址、古墓葬) the site's name points to, by
    the reviewed keywords (墓, 冢 → 古墓葬 …); None when none or several match."""
    matched = [r for r in rows if r["name_keywords"]
               and any(k in matching_form(name) for k in r["name_keywords"].split("|"))]
    return matched[0] if len(matched) == 1 else None


# --- eras -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Era:
    label: str | None
    start: int | None
    end: int | None
    flags: tuple[str, ...] = ()


def _eras(ctx: Context) -> dict[str, dict]:
    return _eras_in(Path(ctx.reference_dir))


@cache
def _eras_in(reference_dir: Path) -> dict[str, dict]:
    return {matching_form(r["era"]): r for r in Context(reference_dir).records("eras")}


_BRACKET_YEARS = re.compile(r"\(((?:公元)?前?\d{1,4}年?(?:-(?:公元)?前?\d{1,4})?年?)\)")
_BCE_RANGE = re.compile(r"^(?:公元)?前(\d{1,4})年?-(?:公元)?(前)?(\d{1,4})年?$")
_ERA_SUFFIXES = ("时期", "时代", "王朝", "朝", "代")
_QUALIFIERS = ("早期", "中期", "晚期", "前期", "后期", "末期", "初期", "初年", "末年", "中叶",
               "初", "末", "中")
_RANGE_SEPS = ("至", "到", "-", "~", "一")
_LIST_SEPS = re.compile(r"[、,;/]")


_DECADE = re.compile(r"^(\d{3})0年代$")
_CENTURY = re.compile(r"^(?:公元)?(\d{1,2})世纪$")


def _years(key: str) -> Era | None:
    """A year expression (etl.normalize.parse_cn_years, 公元 allowed), a decade (1930年代)
    or a century (19世纪: 1801-1900)."""
    if match := _DECADE.match(key):
        start = int(match.group(1)) * 10
        return Era(key, start, start + 9)
    if match := _BCE_RANGE.match(key):  # 公元前37-公元668年
        start = -int(match.group(1))
        end = -int(match.group(3)) if match.group(2) else int(match.group(3))
        return Era(key, start, end) if start <= end and start and end else None
    if (match := _CENTURY.match(key)) and int(match.group(1)) > 0:
        century = int(match.group(1))
        return Era(key, (century - 1) * 100 + 1, century * 100)
    span = parse_cn_years(re.sub(r"公元(?=\d)", "", key))
    return Era(span.label, span.start, span.end) if span else None


def _named(key: str, eras: dict[str, dict]) -> Era | None:
    """A year expression, or a reviewed era (with 时期/时代/代/朝 after it or not)."""
    if years := _years(key):
        return years
    for candidate in (key, *(key.removesuffix(s) for s in _ERA_SUFFIXES if key.endswith(s))):
        if candidate in eras:
            row = eras[candidate]
            return Era(row["era_label"], int(row["start_year"]), int(row["end_year"]))
    return None


def _qualified(key: str, eras: dict[str, dict]) -> Era | None:
    """``清末``, ``明代中期`` → the whole era's span, flagged era_approximate."""
    if found := _named(key, eras):
        return found
    for q in _QUALIFIERS:
        if key.endswith(q) and len(key) > len(q) and (base := _named(key[:-len(q)], eras)):
            return Era(key, base.start, base.end, ("era_approximate",))
    return None


def _compose(a: Era, b: Era, flags: tuple[str, ...] = ()) -> Era | None:
    if a.start is None or b.end is None or a.start > b.end:
        return None
    first, last = str(a.label).split("至")[0], str(b.label).split("至")[-1]
    return Era(f"{first}至{last}", a.start, b.end,
               tuple(dict.fromkeys(a.flags + b.flags + flags + ("era_range_composed",))))


def _one_era(key: str, eras: dict[str, dict]) -> Era | None:
    if found := _qualified(key, eras):
        return found
    for sep in _RANGE_SEPS:  # 明-清, 新石器时代至汉, 汉一晋 (一 for a dash, between eras only)
        first, found_sep, last = key.partition(sep)
        if found_sep and first and last:
            a, b = _qualified(first, eras), _qualified(last, eras)
            if a and b and (composed := _compose(a, b)):
                return composed
    side_by_side = _side_by_side(key, eras, 3)  # 商周, 春秋战国, 元明清
    if side_by_side and (composed := _compose(side_by_side[0], side_by_side[-1])):
        return composed
    return None


def _side_by_side(key: str, eras: dict[str, dict], most: int) -> list[Era] | None:
    """``key`` as two or three reviewed eras printed side by side (the last may carry 代 or
    时期); None otherwise."""
    for cut in range(1, len(key)):
        head, tail = key[:cut], key[cut:]
        if head not in eras or not (first := _named(head, eras)):
            continue
        if not _years(tail) and (last := _named(tail, eras)):
            return [first, last]
        if most > 2 and (rest := _side_by_side(tail, eras, most - 1)):
            return [first, *rest]
    return None


def read_era(raw: str, eras: dict[str, dict]) -> Era:
    """A printed era → label and year span: a Gregorian year printed in brackets first
    (清光绪三十年（1904年）), then the reviewed table (with 时期/代 and 早期/末 … around it),
    year expressions, ``X至Y``/``X-Y`` and ``XY`` of two reviewed eras, and lists ``X、Y``.
    Anything else is flagged, not guessed."""
    key = matching_form(raw)
    if not key:
        return Era(None, None, None, ("era_missing",))
    if (bracket := _BRACKET_YEARS.search(key)) and (years := _years(bracket.group(1))):
        return years
    if found := _one_era(key, eras):
        return found
    parts = [p for p in _LIST_SEPS.split(key) if p]
    found_parts = [_one_era(p, eras) for p in parts]
    if len(parts) > 1 and all(found_parts):
        spans = [p for p in found_parts if p is not None]
        flags = tuple(dict.fromkeys(f for p in spans for f in p.flags))
        return Era("、".join(str(p.label) for p in spans), min(int(p.start or 0) for p in spans),
                   max(int(p.end or 0) for p in spans), (*flags, "era_several"))
    return Era(None, None, None, ("era_unknown",))


# --- counties ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyNames:
    today: frozenset[str]  # county-level divisions of today (gazetteer.csv)
    former: dict[str, str | None]  # former name → today's (None: split between several)

    def names(self) -> list[str]:
        return sorted(self.today | self.former.keys(), key=len, reverse=True)


def _county_names(ctx: Context) -> CountyNames:
    return _county_names_in(Path(ctx.reference_dir))


@cache
def _county_names_in(reference_dir: Path) -> CountyNames:
    ctx = Context(reference_dir)
    return CountyNames(
        frozenset(r["county"] for r in ctx.records("gazetteer") if r["kind"] == "county"),
        {r["former_name"]: r["today_name"] or None for r in ctx.records("county_names")})


_OTHER_COUNTY = re.compile(r"[^\s、，,()]{2,5}?(?:自治县|县|区|旗)")
_ZONE_SUFFIXES = ("景区", "新区", "开发区", "园区", "高新区", "示范区", "管理区", "保护区",
                  "城区", "市区", "街区", "社区", "小区", "校区", "厂区", "矿区", "林区", "山区")
_ADDRESS_PREFIX = re.compile(r"^(?:[^\s、，,]{1,8}?省)?(?:[^\s、，,]{1,8}?市)?")


@dataclass(frozen=True)
class PrintedCounty:
    raw: str | None  # the county as printed (a former name kept as it is)
    today: str | None  # today's county-level division
    rest: str  # the address after the county (the whole address when none is printed)
    flags: tuple[str, ...] = ()


def printed_county(address: str, counties: CountyNames) -> PrintedCounty:
    """The county an address starts with (after a province/city prefix), today's name for
    it through the reviewed tables, and the rest of the address."""
    key = matching_form(address)
    prefix = _ADDRESS_PREFIX.match(key)
    start = prefix.end() if prefix else 0
    for name in counties.names():
        if key.startswith(name, start) or key.startswith(name):
            at = start if key.startswith(name, start) else 0
            same = len(key) == len(address)  # printed text maps to its matching form 1:1
            raw = address[at:at + len(name)] if same else name
            rest = address[at + len(name):] if same else key[at + len(name):]
            return _county(name, raw, rest, counties)
    other = _OTHER_COUNTY.match(key, start)
    if other and not other.group(0).endswith(_ZONE_SUFFIXES) and len(key) == len(address):
        # a county of another city (or one the reference tables do not know): kept as
        # printed, not located under any of this city's names
        return PrintedCounty(address[start:other.end()], None, address, ("unknown_county",))
    return PrintedCounty(None, None, address)


def _county(name: str, raw: str, rest: str, counties: CountyNames) -> PrintedCounty:
    if name in counties.today:
        return PrintedCounty(raw, name, rest)
    today = counties.former.get(name)
    if today is None:
        return PrintedCounty(raw, None, rest, ("county_name_split",))
    return PrintedCounty(raw, today, rest, ("county_former_name",))


def county_cell(cell: str, counties: CountyNames) -> PrintedCounty:
    """A county column's cell → today's county (unknown names kept, flagged)."""
    key = matching_form(cell)
    for name in (key, key + "县", key + "区"):
        if name in counties.today or name in counties.former:
            return _county(name, cell, "", counties)
    return PrintedCounty(cell, None, "", ("unknown_county",))


# --- sites -------------------------------------------------------------------------------------


def _cell(row: Row, columns: dict[str, int], key: str) -> str:
    k = columns.get(key)
    return row.cells[k].strip() if k is not None and k < len(row.cells) else ""


_PRINTED_ID = re.compile(rf"^(?:\d{{1,3}}|[{_ROMAN}])(?:-\d{{1,4}}){{1,3}}$")


def _normal_id(printed: str) -> str:
    """A printed number in its published form: half-width, ``-`` for every dash, Roman
    numerals as the single Unicode characters Ⅰ…Ⅻ (``II-3`` → ``Ⅱ-3``)."""
    text = matching_form(printed)
    head, sep, tail = text.partition("-")
    if sep and head.upper() in _ROMAN_ASCII:
        text = _ROMAN[_ROMAN_ASCII[head.upper()] - 1] + sep + tail
    return text


@dataclass
class _Site:
    row: Row
    heading: Heading | None
    section: int  # position of the category heading above it (0: none)
    number: str  # the printed number (编号, else 序号, else 分类号), as printed
    printed_id: str | None  # a printed batch-sequence / Ⅰ-1 style number
    plain: int | None  # a printed plain sequence number


def _numbering(sites: list[_Site], hl: HeritageList) -> list[tuple[str, list[str]]]:
    """The id of every site of one list, with its flags. A printed ``4-1`` / ``Ⅰ-1`` number
    is kept; plain numbers become batch-number — or batch-category-number when they
    restart under each category heading; no number at all: batch-position."""
    prefix = f"{hl.batch}-" if hl.batch else ""
    plain = [s.plain for s in sites if s.printed_id is None and s.plain is not None]
    restart = False
    if len(plain) != len(set(plain)):
        by_section: dict[int, list[int]] = {}
        for s in sites:
            if s.printed_id is None and s.plain is not None:
                by_section.setdefault(s.section, []).append(s.plain)
        restart = len(by_section) > 1 and all(len(v) == len(set(v))
                                              for v in by_section.values())
    ids: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for position, s in enumerate(sites, start=1):
        flags: list[str] = []
        if s.printed_id:
            site_id = s.printed_id
            head = site_id.split("-")[0]
            if hl.batch and head.isdigit() and int(head) != hl.batch:
                flags.append("site_id_batch_mismatch")
        elif s.plain is not None and restart:
            ordinal = (s.heading.ordinal if s.heading and s.heading.ordinal else s.section)
            site_id = f"{prefix}{ordinal}-{s.plain}"
            flags.append("site_id_per_category")
        elif s.plain is not None:
            site_id = f"{prefix}{s.plain}"
            flags.append("site_id_from_sequence")
        else:
            site_id = f"{prefix}{position}"
            flags.append("site_id_from_row_order")
        if site_id in seen:  # a misprinted number must not collide with another
            site_id = f"{prefix}{position}"
            k = 1
            while site_id in seen:
                k += 1
                site_id = f"{prefix}{position}-{k}"
            flags.append("site_id_duplicate")
        seen.add(site_id)
        ids.append((site_id, flags))
    return ids


def _collect(hl: HeritageList, categories: Categories, out: Extraction) -> list[_Site]:
    sites: list[_Site] = []
    heading: Heading | None = None
    section = 0
    for line, row, text in hl.entries:
        if row is None:
            found = heading_of(text or "", categories)
            if found is None:
                out.notes.append(f"line {line}: line inside the heritage list is not a "
                                 f"category heading: {text!r}; ignored")
                continue
            heading, section = found, section + 1
            continue
        row = _padded(row, hl)
        first = next((matching_form(c) for c in row.cells if c.strip()), "")
        if first.startswith(_TOTALS):
            out.notes.append(f"line {row.line}: total row {row.cells!r}; ignored")
            continue
        if not clean_text(_cell(row, hl.columns, "name")):
            out.notes.append(f"line {row.line}: row without a site name: {row.cells!r}; "
                             f"ignored")
            continue
        number = next((n for key in ("site_id", "seq", "class_seq")
                       if (n := _cell(row, hl.columns, key))), "")
        printed_id = _normal_id(_cell(row, hl.columns, "site_id"))
        plain_text = matching_form(number)
        sites.append(_Site(row, heading, section, number,
                           printed_id if _PRINTED_ID.match(printed_id) else None,
                           int(plain_text) if plain_text.isdigit() else None))
    return sites


@dataclass(frozen=True)
class _Reference:
    categories: Categories
    eras: dict[str, dict]
    counties: CountyNames
    geo: GeoContext


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    categories = _categories(ctx)
    lists = find_lists(issue, categories)
    if not lists:
        return out
    ref = _Reference(categories, _eras(ctx), _county_names(ctx), _geo(ctx))
    for hl in lists:
        out.tables.extend(t.header_line for t in hl.tables)
        doc = issue.document_at(hl.tables[0].header_line)
        sites = _collect(hl, categories, out)
        carried: dict[str, str] = {}
        for s, (site_id, id_flags) in zip(sites, _numbering(sites, hl), strict=True):
            site, places = _site(s, hl, site_id, id_flags, carried, ref)
            site.update({
                "announced_on": doc.signed_on if doc else None,
                "announce_doc": doc.doc_number.text if doc and doc.doc_number else None,
                "source_issue": issue.issue_id, "source_line": s.row.line,
            })
            if doc is None or doc.doc_number is None:
                site["quality_flags"].append("announcement_not_found")
            out.add("heritage_sites", site)
            for place in places:
                place.update({"source_issue": issue.issue_id, "source_line": s.row.line})
                out.add("heritage_site_places", place)
        out.notes.append(f"line {hl.heading_line}: {hl.heading} — {len(sites)} sites "
                         f"(batch {hl.batch if hl.batch else 'not printed'})")
    return out


def _carry(s: _Site, hl: HeritageList, key: str, carried: dict[str, str]) -> tuple[str, bool]:
    """A merged cell printed once for a group: an empty cell takes the value above it
    (not across a category heading)."""
    value = _cell(s.row, hl.columns, key)
    group = f"{key}@{s.section}"
    if value:
        carried[group] = value
        return value, False
    if key in hl.columns and carried.get(group):
        return carried[group], True
    return "", False


def _category(s: _Site, hl: HeritageList, carried: dict[str, str], categories: Categories,
              flags: list[str]) -> tuple[dict | None, str]:
    """The site's category: its cell (a combined name such as 古遗址、古墓葬 allowed), else the
    category heading above it, else the cell above (merged); older names map to today's."""
    value = _cell(s.row, hl.columns, "category")
    group = f"category@{s.section}"
    rows: tuple[dict, ...] = ()
    raw = value
    if value:
        carried[group] = value
        found = heading_of(value, categories)
        rows = found.rows if found else ()
        if s.heading and rows and {r["category_zh"] for r in rows} != {
                r["category_zh"] for r in s.heading.rows}:
            flags.append("category_differs_from_heading")
    elif s.heading:
        raw, rows = s.heading.raw, s.heading.rows
        flags.append("category_from_heading")
    elif "category" in hl.columns and carried.get(group):
        raw = carried[group]
        found = heading_of(raw, categories)
        rows = found.rows if found else ()
        flags.append("category_carried_down")
    if not rows:
        flags.append("category_unknown" if raw else "category_missing")
        return None, raw
    chosen = rows[0] if len(rows) == 1 else _by_name(
        clean_text(_cell(s.row, hl.columns, "name")), rows)
    if chosen is None:
        flags.append("category_ambiguous")
        return None, raw
    if len(rows) > 1:
        flags.append("category_from_name")
    if chosen["kind"] == "older":
        flags.append("category_from_older_name")
    return chosen, raw


_COUNTY_CELL = re.compile(r"^[^\s\d]{1,8}[县区市旗]$")


def _holds(key: str, cell: str) -> bool:
    """Whether ``cell`` is a value of the merged-cell column ``key`` (a county, a level;
    a category is checked by its heading form)."""
    text = matching_form(cell)
    if key == "county":
        return bool(_COUNTY_CELL.match(text))
    if key == "level":
        return level_of(text) is not None
    return bool(text) and bool(_CATEGORY_WORD.search(text))


_CATEGORY_WORD = re.compile(r"遗址|墓葬|建筑|石刻|石窟|史迹|其他")


def _padded(row: Row, hl: HeritageList) -> Row:
    """A row short by exactly as many cells as the list has merged-cell columns (county,
    category, level printed once for a group): the layout dropped those empty cells, so
    put them back where the header has them."""
    width = hl.tables[0].n_columns
    merged = sorted(hl.columns[k] for k in _CARRIED if k in hl.columns)
    if not merged or len(row.cells) + len(merged) != width:
        return row
    if all(_holds(key, row.cells[k]) for key in _CARRIED if (k := hl.columns.get(key))
           is not None and k < len(row.cells)):
        return row  # the merged cells are there: the empty cells lost are trailing ones
    cells = list(row.cells)
    for k in merged:
        cells.insert(k, "")
    flags = tuple(f for f in row.flags if f != "short_row") + ("merged_cells_restored",)
    return Row(cells, row.line, flags, row.continuations)


def _site(s: _Site, hl: HeritageList, site_id: str, id_flags: list[str],
          carried: dict[str, str], ref: _Reference) -> tuple[dict, list[dict]]:
    row = s.row
    flags = list(row.flags) + id_flags
    batch = hl.batch
    if batch_cell := _cell(row, hl.columns, "batch"):  # a 名录 of several batches
        match = _BATCH.search(matching_form(batch_cell))
        batch = cn_numeral(match.group(1) if match else matching_form(batch_cell)) or batch
    if batch is None:
        flags.append("batch_not_printed")
    level = hl.level
    level_cell, level_carried = _carry(s, hl, "level", carried)
    if level_cell:
        level = level_of(level_cell) or level
        if level_carried:
            flags.append("level_carried_down")
        if level_of(level_cell) is None:
            flags.append("level_cell_not_read")
    elif level is None:
        flags.append("level_not_printed")
    elif hl.level_flag:
        flags.append(hl.level_flag)
    category, category_raw = _category(s, hl, carried, ref.categories, flags)
    era_raw = _cell(row, hl.columns, "era")
    era = read_era(era_raw, ref.eras)
    flags += era.flags
    name = clean_text(_cell(row, hl.columns, "name"))
    address_raw = _cell(row, hl.columns, "address")
    county = printed_county(address_raw, ref.counties)
    address = address_raw
    cell, cell_carried = _carry(s, hl, "county", carried)  # kept in step on every row
    if county.raw is None and cell:
        from_cell = county_cell(cell, ref.counties)
        county = PrintedCounty(from_cell.raw, from_cell.today, address_raw, from_cell.flags)
        if cell_carried:
            flags.append("county_carried_down")
    flags += county.flags
    if county.today is not None:  # geocode under today's name; the printed one is county_raw
        address = county.today + county.rest
    elif county.raw is not None and county.rest != address_raw:
        address = county.rest  # a split county: the rest, under no county
    located = locate_site(address, name, ref.geo)
    flags += [f for f in located.flags if not (county.raw and f == "county_not_printed")]
    site = {
        "site_id": site_id, "site_id_raw": s.number or None, "batch": batch,
        "level": level,
        "category_zh": category["category_zh"] if category else None,
        "category_en": category["category_en"] if category else None,
        "category_raw": category_raw or None,
        "name": name,
        "era_raw": era_raw or None, "era_label": era.label,
        "era_start_year": era.start, "era_end_year": era.end,
        "address_raw": address_raw or None, "county_raw": county.raw or None,
        **located.admin, "n_places": len(located.places),
        **located.point, "quality_flags": flags,
    }
    places = [{"level": level, "site_id": site_id, "place_seq": k, **place}
              for k, place in enumerate(located.places, start=1)]
    return site, places


# --- geocoding -----------------------------------------------------------------------------


@dataclass
class GeoContext:
    geocoder: Geocoder
    zones: dict[str, str | None]


@cache
def _geo_for(reference_dir: Path) -> GeoContext:
    # offline always: the build never touches the network (online look-ups are `etl geocode`)
    return GeoContext(Geocoder(reference_dir, reference_dir.parent / "geo", online=False),
                      read_zones(reference_dir / "zones.csv"))


def _geo(ctx: Context) -> GeoContext:
    return _geo_for(Path(ctx.reference_dir))


@dataclass
class LocatedSite:
    admin: dict  # county, zone, township, village of the site
    point: dict  # lat, lon, geocode_precision, geocode_source
    places: list[dict]
    flags: list[str]


def _point(lat: float | None, lon: float | None, precision: str, source: str) -> dict:
    return {"lat": lat, "lon": lon, "geocode_precision": precision, "geocode_source": source}


def locate_place(place: str, site_name: str, single: bool, geo: GeoContext) -> dict:
    """One place: its address parts and the most precise point the offline chain gives.

    The site's name is the most precise name of a single-place site; a place of a list is
    named by its list item unless that item is just its village."""
    parts = parse_address(place, geo.zones)
    item = parts["places"][0] if len(parts["places"]) == 1 else None
    name = site_name if single else (item if item != parts["village"] else None)
    found = geo.geocoder.locate(name, parts["county"], parts["township"], parts["village"])
    flags = list(found.flags)
    county = parts["county"]
    if county is None and found.lat is not None:
        county = geo.geocoder.county_of_point(found.lat, found.lon)
        flags.append("county_from_point")
    return {"place": place, "county": county, "zone": parts["zone"],
            "township": parts["township"], "village": parts["village"],
            **_point(found.lat, found.lon, found.precision, found.source or "none"),
            "quality_flags": flags}


def locate_site(address: str, site_name: str, geo: GeoContext) -> LocatedSite:
    """The site's address parts, its places, and a point derived from the places."""
    parts = parse_address(address, geo.zones)
    flags: list[str] = []
    if address.strip().endswith("等"):
        flags.append("places_incomplete")  # 等: the list names only some of the places
    names = split_places(address)
    places = [locate_place(p, site_name, len(names) == 1, geo) for p in names]
    county = parts["county"]
    if parts["zone"] and county:
        flags.append("county_from_zone")
    elif parts["zone"]:
        flags.append("zone_without_county")
    if county is None:
        flags.append("county_not_printed")
        counties = {p["county"] for p in places if p["county"]}
        if len(counties) == 1:
            county = counties.pop()
            flags.append("county_from_places")
    admin = {"county": county, "zone": parts["zone"], "township": parts["township"],
             "village": parts["village"]}
    if not places:
        return LocatedSite(admin, _point(None, None, "none", "none"), [], flags + ["no_address"])
    if len(places) == 1:
        only = places[0]
        flags += only["quality_flags"]
        point = {k: only[k] for k in ("lat", "lon", "geocode_precision", "geocode_source")}
        return LocatedSite(admin, point, places, flags)
    point, derived_flags = _derived_point(places, geo)
    place_flags = [f for p in places for f in p["quality_flags"]]
    return LocatedSite(admin, point, places,
                       flags + place_flags + ["point_from_places"] + derived_flags)


def _common_level(places: list[dict]) -> str:
    """The most precise administrative level all places share."""
    for level, key in (("village", "village"), ("township", "township"), ("county", "county")):
        values = {p[key] for p in places}
        if len(values) == 1 and None not in values:
            return level
    return "none"


def _derived_point(places: list[dict], geo: GeoContext) -> tuple[dict, list[str]]:
    """Several places → one point: their centroid when they lie in one county, at the
    precision of the coarsest place and of the level they share; no point otherwise."""
    located = [p for p in places if p["lat"] is not None]
    counties = {p["county"] for p in places}
    if len(located) < len(places) or len(counties) != 1 or None in counties:
        flag = "places_span_counties" if len(counties - {None}) > 1 else "places_not_located"
        return _point(None, None, "none", f"derived:{flag}"), [flag]
    county = counties.pop()
    coarsest = min((p["geocode_precision"] for p in places), key=_PRECISION_RANK.__getitem__)
    precision = min(coarsest, _common_level(places), key=_PRECISION_RANK.__getitem__)
    points = {(p["lat"], p["lon"]) for p in located}
    if len(points) == 1:  # every place fell back to the same point: say where it came from
        return _point(*points.pop(), precision, located[0]["geocode_source"]), []
    lat = round(sum(p["lat"] for p in located) / len(located), 5)
    lon = round(sum(p["lon"] for p in located) / len(located), 5)
    if not geo.geocoder.inside_county(lat, lon, county):  # a concave county can miss it
        return (_point(None, None, "none", "derived:centroid_outside_county"),
                ["point_outside_county"])
    return _point(lat, lon, precision, "derived:centroid_of_places"), ["point_centroid_of_places"]


# --- counts for a choropleth -------------------------------------------------------------------


def combine(frames: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    """Counts per county and category, from the sites of every issue."""
    return {"heritage_site_counts": site_counts(frames["heritage_sites"],
                                                frames["heritage_site_places"])}


def site_counts(sites: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Sites per (level, county, category): every county of the dictionary appears (0 where
    a category has no site there). A site whose places lie in several counties counts in
    each of them (``sites_shared`` says how many such sites a cell holds); a site with no
    county at all counts under an empty county."""
    columns = dataset("heritage_site_counts").column_names
    if sites.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    where: dict[tuple, set] = {}
    for p in places.to_dict("records"):
        if isinstance(p["county"], str):
            where.setdefault((p["level"], p["site_id"]), set()).add(p["county"])
    counts: Counter[tuple] = Counter()
    shared: Counter[tuple] = Counter()
    english: dict = {}
    for s in sites.to_dict("records"):
        key = (s["level"], s["site_id"])
        counties = set(where.get(key, set()))
        if isinstance(s["county"], str):
            counties.add(s["county"])
        category = s["category_zh"] if isinstance(s["category_zh"], str) else None
        english[category] = s["category_en"] if isinstance(s["category_en"], str) else None
        for county in sorted(counties) or [None]:
            counts[(s["level"], county, category)] += 1
            shared[(s["level"], county, category)] += len(counties) > 1
    spec = dataset("heritage_site_counts")
    county_order = list(spec.column("county").enum or ())
    category_order = list(spec.column("category_zh").enum or ())
    levels = {k[0] for k in counts}
    grid = {(lv, c, cat) for lv in levels for c in county_order for cat in english} | set(counts)

    def order(key: tuple) -> tuple:
        lv, county, cat = key
        return (str(lv), county_order.index(county) if county in county_order else 99,
                category_order.index(cat) if cat in category_order else 99)

    rows = [{"level": lv, "county": c, "category_zh": cat, "category_en": english.get(cat),
             "sites": counts[(lv, c, cat)], "sites_shared": shared[(lv, c, cat)]}
            for lv, c, cat in sorted(grid, key=order)]
    return pd.DataFrame(rows, columns=columns)
