"""The Excel workbook for clerks: a 说明 sheet first, then one sheet per dataset.

说明 says what each sheet holds (with a link to it), which issues the data comes from, the
date the data runs to (the newest issue's), the data dictionary in Chinese and English and
every quality-flag code. Dataset sheets have Chinese headers from the dictionary, a frozen
header row, an autofilter, widths that fit the content, dates as real Excel dates, numbers
as numbers, long text wrapped in rows tall enough to show it (row heights are set here:
neither LibreOffice nor WPS re-measures wrapped rows on opening), and print on A4
landscape, one page wide, the header repeated on every page.

Byte-reproducible: no clock (document properties carry the build date) and fixed zip
timestamps (etl.publish.fixed_zip).
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from etl.dictionary import Column, Dataset, all_flags
from etl.profile import CityProfile, profile
from etl.publish import fixed_zip

ABOUT = "说明"
FLAG_NOTES = "质量标记说明"  # workbook-only column: the flag codes in plain Chinese
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
# fonts name the workbook's default font: a nameless Font falls back to a serif face in
# LibreOffice
FONT = "Calibri"
BOLD = Font(name=FONT, bold=True)
TITLE = Font(name=FONT, bold=True, size=14)
SECTION = Font(name=FONT, bold=True, size=12)
LINK = Font(name=FONT, color="0563C1", underline="single")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
RIGHT_WRAP = Alignment(wrap_text=True, vertical="top", horizontal="right")
MIN_WIDTH, MAX_WIDTH = 6, 50
PRINT_WIDTH = 300  # column-width units on one A4 landscape page at about half size
LINE_HEIGHT = 15  # points per text line at the default 11 pt font (CJK glyphs included)
DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"  # years and line numbers: no thousands separator (1957, not 1,957)
# a year column that allows negative years counts BCE as negative: show -206 as 公元前206,
# the cell still holds the number (sorts and filters as a year)
BCE_YEAR_FORMAT = '0;"公元前"0'
BOOLEAN_TEXT = {True: "是", False: "否"}  # TRUE/FALSE stay English even in Chinese Excel
TYPE_ZH = {"string": "文本", "integer": "整数", "number": "数值", "boolean": "是/否",
           "date": "日期", "year_month": "年月 YYYY-MM", "category": "分类"}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# widths of the 说明 sheet's five columns; every section below uses them the same way
ABOUT_WIDTHS = (28, 26, 34, 16, 80)


def sheet_name(ds: Dataset) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", ds.zh)[:31]


def display_width(text: str) -> int:
    """Width of the longest line in Excel's units (a digit's width): CJK characters take
    two; a little generous for Latin text, so fitted columns never cut it."""
    return max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)
                for line in text.split("\n")), default=0)


def _text_width(line: str) -> float:
    """Closer estimate for wrapping: Latin letters are narrower than a digit."""
    return sum(2.1 if ord(ch) > 0x2E80 else (0.9 if ch.isascii() and ch.isalpha() else 1)
               for ch in line)


def _lines_needed(text: str, width: float) -> int:
    """Lines a wrapped cell of ``width`` needs for ``text`` (a little pessimistic)."""
    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(_text_width(line) / usable)) for line in text.split("\n"))


def excel_value(value: object, kind: str) -> object:
    """A frame value as the cell value: datetime, int, float, 是/否 or safe text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # NA, NaN, NaT
        return None
    if kind == "date":
        ts = pd.Timestamp(value)  # type: ignore[arg-type]
        return datetime(ts.year, ts.month, ts.day)
    if kind == "integer":
        return int(value)  # type: ignore[call-overload]
    if kind == "number":
        return float(value)  # type: ignore[arg-type]
    if kind == "boolean":
        return BOOLEAN_TEXT[bool(value)]
    # text from gazettes is data: strip the control characters Excel rejects
    return _ILLEGAL.sub("", str(value))


def _no_formulas(ws: Worksheet) -> None:
    """openpyxl stores any text starting with "=" as a formula; this workbook writes none,
    so such a cell is gazette text and is stored as text."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def flag_notes(codes: object, explanations: dict[str, str]) -> str | None:
    """``unit_inherited;value_missing`` → the Chinese explanations, one per line."""
    if codes is None or codes is pd.NA or not str(codes):
        return None
    return "\n".join(explanations.get(code, code) for code in str(codes).split(";") if code)


def _set_heights(ws: Worksheet, widths: dict[int, float], first_row: int = 1,
                 merged: dict[int, float] | None = None) -> None:
    """Row heights from the wrapped text each row holds (only rows needing more than one
    line get an explicit height). ``merged``: row → width of its merged B:… value."""
    merged = merged or {}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                width = merged.get(cell.row, 0) if cell.column == 2 else 0
                width = width or widths.get(cell.column, 8.43)
                lines = max(lines, _lines_needed(cell.value, width))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_HEIGHT


def _print_setup(ws: Worksheet, title_rows: str | None, width: float = 0) -> None:
    """A4 landscape, one page wide — two for the widest sheets, which would print too small
    to read on one."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = max(1, math.ceil(width / PRINT_WIDTH))
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A 第&P页，共&N页"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


# --- dataset sheets -----------------------------------------------------------------


def _headers(ds: Dataset) -> list[tuple[str, str]]:
    """(header, kind) per sheet column: the dictionary's, plus the flag explanations."""
    cols = [(c.zh, c.type) for c in ds.columns]
    if "quality_flags" in ds.column_names:
        cols.append((FLAG_NOTES, "string"))
    return cols


def _integer_format(col: Column) -> str:
    bce = col.name.endswith("year") and col.minimum is not None and col.minimum < 0
    return BCE_YEAR_FORMAT if bce else INTEGER_FORMAT


def _dataset_sheet(wb: Workbook, frame: pd.DataFrame, ds: Dataset) -> None:
    ws = wb.create_sheet(sheet_name(ds))
    headers = _headers(ds)
    kinds = [kind for _, kind in headers]
    explanations = {code: f.zh for code, f in all_flags().items()}
    explanations.update({f.code: f.zh for f in ds.flags})
    has_flags = len(headers) > len(ds.columns)
    ws.append([h for h, _ in headers])
    widths = [display_width(h) for h, _ in headers]
    for record in frame.itertuples(index=False, name=None):
        values = [excel_value(v, c.type) for v, c in zip(record, ds.columns, strict=True)]
        if has_flags:
            values.append(flag_notes(record[ds.column_names.index("quality_flags")],
                                     explanations))
        ws.append(values)
        for i, v in enumerate(values):
            if v is not None:
                shown = 11 if kinds[i] == "date" else display_width(str(v))
                widths[i] = max(widths[i], shown)
    fitted = {}
    for i, kind in enumerate(kinds, start=1):
        width = min(MAX_WIDTH, max(MIN_WIDTH, widths[i - 1] + 2))
        fitted[i] = width
        ws.column_dimensions[get_column_letter(i)].width = width
        if i <= len(ds.columns) and ds.columns[i - 1].name.endswith("_raw"):
            # the text as printed: grouped, so one click on the outline bar hides them all
            ws.column_dimensions[get_column_letter(i)].outlineLevel = 1
        wrap = widths[i - 1] + 2 > MAX_WIDTH or kind == "string"
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            cell.alignment = WRAP if wrap else TOP
            if kind == "date":
                cell.number_format = DATE_FORMAT
            elif kind == "integer":
                cell.number_format = _integer_format(ds.columns[i - 1])
    for cell, kind in zip(ws[1], kinds, strict=True):
        cell.font, cell.fill = BOLD, HEADER_FILL
        # a number column's header sits over its right-aligned numbers
        cell.alignment = RIGHT_WRAP if kind in ("integer", "number") else WRAP
    _no_formulas(ws)
    _set_heights(ws, fitted)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(ws.max_row, 2)}"
    _print_setup(ws, "1:1", sum(fitted.values()))


# --- the 说明 sheet ------------------------------------------------------------------


def _description(col: Column) -> str:
    text = f"{col.description_zh}\n{col.description}" if col.description_zh else col.description
    if col.enum:
        text += "\n取值 / values: " + "、".join(str(v) for v in col.enum)
    return text


def _flag_counts(frames: dict[str, pd.DataFrame], specs: list[Dataset]) -> dict[str, Counter]:
    """flag code → Counter of sheet name → rows carrying it."""
    counts: dict[str, Counter] = {}
    for ds in specs:
        frame = frames[ds.name]
        if "quality_flags" not in frame.columns:
            continue
        for value in frame["quality_flags"].dropna():
            for code in str(value).split(";"):
                if code:
                    counts.setdefault(code, Counter())[sheet_name(ds)] += 1
    return counts


def _about_sheet(wb: Workbook, specs: list[Dataset], build_date: date, issues: list[dict],
                 frames: dict[str, pd.DataFrame], city: CityProfile) -> None:
    ws = wb.active
    ws.title = ABOUT
    bold_rows, section_rows, merged, links = [], [], [], []

    def add(values: list[object], *, bold: bool = False, section: bool = False) -> int:
        ws.append(values)
        if bold:
            bold_rows.append(ws.max_row)
        if section:
            section_rows.append(ws.max_row)
        return ws.max_row

    add([f"{city.gazette_zh} 开放数据"])
    add([f"{city.name_en} municipal government gazette — open data"])
    add([])
    info = [
        ("数据截至 / Data as of",
         datetime(build_date.year, build_date.month, build_date.day)),
        ("", "即最新一期公报的出版日期 / the publication date of the newest issue"),
        ("来源期号 / Source issues",
         f"{city.gazette_zh} " + "、".join(f"{i['issue_id']}（{i['published_on']}）"
                                      for i in issues)
         + "\nraw texts: datasets/raw/"),
        ("使用提示 / How to read",
         "每行都注明来源期号与来源行号（原文第几行）。“质量标记”列出原文的问题或推算值，代码含义见本表"
         "末尾，各表最后一列“质量标记说明”为其中文解释。空单元格表示原文未印该值，不是0。"
         "\nEvery row names its source issue and line. Quality flags explain source problems "
         "and derived values (codes at the end of this sheet). An empty cell means the source "
         "prints no value — never 0. The same data as CSV and Parquet: datasets/; the full "
         "data dictionary: docs/data-dictionary.md."),
    ]
    for label, value in info:
        merged.append(add([label or None, value]))
    add([])
    add(["工作表 / Sheets"], section=True)
    add(["工作表 / Sheet", "数据集 / Dataset", "English", "行数 / Rows", "内容 / Contents"],
        bold=True)
    for ds in specs:
        row = add([sheet_name(ds), ds.name, ds.en, len(frames[ds.name]), ds.description_zh])
        links.append((row, sheet_name(ds)))
    add([])
    add(["数据字典 / Data dictionary"], section=True)
    add(["工作表 / Sheet", "列标题 / Header", "列名 / Column · English", "类型 / Type",
         "说明 / Description"], bold=True)
    for ds in specs:
        for col in ds.columns:
            add([sheet_name(ds), col.zh, f"{col.name}\n{col.en}", TYPE_ZH[col.type],
                 _description(col)])
        if "quality_flags" in ds.column_names:
            add([sheet_name(ds), FLAG_NOTES, "(workbook only)\nQuality flags explained",
                 TYPE_ZH["string"], "仅本工作簿提供：质量标记代码的中文解释，每个代码一行。"
                 "\nWorkbook only: the quality-flag codes in plain Chinese, one per line."])
    add([])
    add(["质量标记 / Quality flags"], section=True)
    add(["代码 / Code", "中文说明", "English", "行数 / Rows", "出现于 / Found in"], bold=True)
    counts = _flag_counts(frames, specs)
    for code, flag in sorted(all_flags().items()):
        found = counts.get(code, Counter())
        where = "、".join(f"{sheet} {n}行" for sheet, n in sorted(found.items()))
        add([code, flag.zh, flag.en, sum(found.values()), where or None])

    for i, width in enumerate(ABOUT_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = excel_value(cell.value, "string")
            cell.alignment = WRAP
            if isinstance(cell.value, datetime):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="left", vertical="top")
    for r in merged:  # a value spanning B:E reads as one paragraph, not a tall thin column
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=len(ABOUT_WIDTHS))
    ws["A1"].font = TITLE
    for r in (1, 2):  # titles run across the empty cells beside them
        ws.cell(r, 1).alignment = Alignment(vertical="top")
    ws.row_dimensions[1].height = 22
    for r in bold_rows:
        for cell in ws[r]:
            cell.font, cell.fill = BOLD, HEADER_FILL
    for r in section_rows:
        ws.cell(r, 1).font = SECTION
    for row, target in links:
        cell = ws.cell(row, 1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheetname(target)}!A1",
                                   display=target)
        cell.font = LINK
    _no_formulas(ws)
    widths = {i: w for i, w in enumerate(ABOUT_WIDTHS, start=1)}
    _set_heights(ws, widths, first_row=3, merged={r: sum(ABOUT_WIDTHS[1:]) for r in merged})
    _print_setup(ws, None)


def workbook_bytes(frames: dict[str, pd.DataFrame], specs: list[Dataset], build_date: date,
                   issues: list[dict], city: CityProfile | None = None) -> bytes:
    city = city or profile()
    wb = Workbook()
    _about_sheet(wb, specs, build_date, issues, frames, city)
    for ds in specs:
        _dataset_sheet(wb, frames[ds.name], ds)
    stamp = datetime(build_date.year, build_date.month, build_date.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "lyg-data"
    wb.properties.lastModifiedBy = "lyg-data"
    wb.properties.title = f"{city.gazette_zh} 开放数据"
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps dcterms:modified with the clock on save; put the build date back
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    modified = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    return fixed_zip(buf.getvalue(), build_date, {
        "docProps/core.xml": lambda xml: modified.sub(rb"\g<1>" + iso + rb"\g<2>", xml)})
