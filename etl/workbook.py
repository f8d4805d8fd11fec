"""The Excel workbook for clerks: a 说明 sheet first, then one sheet per dataset.

Chinese headers from the data dictionary, a frozen header row, an autofilter, widths that
fit the content, dates as real Excel dates, numbers as numbers, long text wrapped. Document
properties carry the build date (newest issue), never the clock, so the file is reproducible.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from etl.dictionary import Dataset, all_flags
from etl.publish import fixed_zip

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
MAX_WIDTH = 60
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sheet_name(ds: Dataset) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", ds.zh)[:31]


def _display_width(text: str) -> int:
    """Approximate Excel column width: CJK characters take two cells."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _excel_value(value: object, kind: str) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if kind == "date":
        ts = pd.Timestamp(value)
        return datetime(ts.year, ts.month, ts.day)
    if kind == "integer":
        return int(value)  # type: ignore[call-overload]
    if kind == "number":
        return float(value)  # type: ignore[arg-type]
    if kind == "boolean":
        return bool(value)
    # text from gazettes is data: strip control characters Excel rejects, and keep a
    # leading "=" from ever becoming a formula
    text = _ILLEGAL.sub("", str(value))
    return "'" + text if text.startswith(("=", "+", "@")) else text


def _fit_columns(ws: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(8, width + 2))


def _dataset_sheet(wb: Workbook, frame: pd.DataFrame, ds: Dataset) -> None:
    ws = wb.create_sheet(sheet_name(ds))
    ws.append([c.zh for c in ds.columns])
    widths = [_display_width(c.zh) for c in ds.columns]
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
    kinds = [c.type for c in ds.columns]
    for record in frame.itertuples(index=False, name=None):
        values = [_excel_value(v, k) for v, k in zip(record, kinds, strict=True)]
        ws.append(values)
        for i, v in enumerate(values):
            if v is not None:
                widths[i] = max(widths[i], _display_width(str(v)) if kinds[i] != "date" else 10)
    for i, col in enumerate(ds.columns, start=1):
        letter = get_column_letter(i)
        wrap = widths[i - 1] > MAX_WIDTH
        for cell in ws[letter][1:]:
            if col.type == "date":
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = WRAP if wrap else TOP
    _fit_columns(ws, widths)
    ws.freeze_panes = "A2"
    if ws.max_row >= 1:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(ds.columns))}{ws.max_row}"


def _about_sheet(wb: Workbook, specs: list[Dataset], build_date: date, issues: list[dict],
                 frames: dict[str, pd.DataFrame]) -> None:
    ws = wb.active
    ws.title = "说明"
    rows: list[list[object]] = [
        ["连云港市人民政府公报 开放数据 / Lianyungang gazette open data"],
        ["数据截至（最新一期公报出版日期）/ Built from issues up to", datetime(
            build_date.year, build_date.month, build_date.day)],
        ["来源期号 / Source issues", "、".join(f"{i['issue_id']}（{i['published_on']}）"
                                          for i in issues)],
        ["每行都注明来源期号与行号；质量标记说明原文的问题或推算值。/ Every row names its source "
         "issue and line; quality flags explain source problems and derived values."],
        [],
        ["工作表 / Sheet", "数据集 / Dataset", "行数 / Rows", "说明 / Description"],
    ]
    for ds in specs:
        rows.append([sheet_name(ds), ds.name, len(frames[ds.name]), ds.description_zh])
    rows += [[], ["数据字典 / Data dictionary"],
             ["工作表 / Sheet", "列名 / Column", "中文标签", "English label", "类型 / Type",
              "说明 / Description"]]
    for ds in specs:
        for col in ds.columns:
            rows.append([sheet_name(ds), col.name, col.zh, col.en, col.type, col.description])
    rows += [[], ["质量标记 / Quality flags"], ["代码 / Code", "中文说明", "English"]]
    for code, flag in sorted(all_flags().items()):
        rows.append([code, flag.zh, flag.en])
    for row in rows:
        ws.append([_excel_value(v, "date" if isinstance(v, datetime) else "string")
                   if v is not None else None for v in row])
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = WRAP
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd"
    for header_row in (1, 6):
        for cell in ws[header_row]:
            cell.font = BOLD
    for i, width in enumerate([26, 28, 22, 30, 14, 70], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def workbook_bytes(frames: dict[str, pd.DataFrame], specs: list[Dataset], build_date: date,
                   issues: list[dict]) -> bytes:
    wb = Workbook()
    _about_sheet(wb, specs, build_date, issues, frames)
    for ds in specs:
        _dataset_sheet(wb, frames[ds.name], ds)
    stamp = datetime(build_date.year, build_date.month, build_date.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "lyg-data"
    wb.properties.lastModifiedBy = "lyg-data"
    wb.properties.title = "连云港市人民政府公报 开放数据"
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps dcterms:modified with the clock on save; put the build date back
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    modified = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    return fixed_zip(buf.getvalue(), build_date, {
        "docProps/core.xml": lambda xml: modified.sub(rb"\g<1>" + iso + rb"\g<2>", xml)})
