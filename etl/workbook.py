"""The Excel workbook for clerks, in Chinese: a 说明 sheet first, then one sheet per dataset.

说明 (etl.workbook_about) says what each sheet holds, where the data comes from, its version,
terms and changes, the data dictionary in Chinese beside English and every quality-flag code.
Dataset sheets have Chinese headers from the dictionary and show coded values by their
Chinese labels (etl.workbook_labels; the CSV and Parquet keep the codes); dates are real
Excel dates shown yyyy-mm-dd, numbers are numbers with thousands separators and the
decimals the gazette printed (from the ``<column>_raw`` text beside a number column when the
dataset keeps one, else as many as the value needs); text is in one East-Asian font (Arial
where it has no CJK character) with thin borders (etl.workbook_style); the header row is
bold on a fill, frozen and filtered; rows are tall enough for their wrapped text and sheets
print one page wide (etl.workbook_layout).

Byte-reproducible: no clock (document properties carry the build date) and fixed zip
timestamps (etl.publish.fixed_zip).
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.writer.theme import theme_xml

from etl.changelog import read_changelog
from etl.dictionary import Column, Dataset, all_flags
from etl.paths import DATASETS_DIR
from etl.profile import CityProfile, profile
from etl.publish import fixed_zip
from etl.release import version_for_frames
from etl.spreadsheet import safe_xlsx_text
from etl.wide import wide_sheet
from etl.workbook_about import ABOUT, FLAG_NOTES, about_sheet
from etl.workbook_labels import indicator_names, is_coded, shown
from etl.workbook_layout import display_width, print_setup, set_heights
from etl.workbook_style import (
    BCE_YEAR_FORMAT,
    BOLD,
    BORDER,
    DATE_FORMAT,
    HEADER_FILL,
    INTEGER_FORMAT,
    LATIN,
    RIGHT_WRAP,
    TOP,
    WRAP,
    east_asian_theme,
    number_format,
    printed_decimals,
    text_font,
    value_decimals,
)

__all__ = ["ABOUT", "FLAG_NOTES", "MAX_WIDTH", "display_width", "sheet_name", "workbook_bytes"]

MIN_WIDTH, MAX_WIDTH = 6, 40
DATE_WIDTH = 11  # 2018-11-13 and a little room
BOOLEAN_TEXT = {True: "是", False: "否"}  # TRUE/FALSE stay English even in Chinese Excel


def sheet_name(ds: Dataset) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", ds.zh)[:31]


def excel_value(value: object, kind: str) -> object:
    """A frame value as the cell value: datetime, int, float, 是/否 or spreadsheet-safe
    text."""
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
    return safe_xlsx_text(str(value))


def flag_notes(codes: object, explanations: dict[str, str]) -> str | None:
    """``unit_inherited;value_missing`` → the Chinese explanations, one per line."""
    if codes is None or codes is pd.NA or not str(codes):
        return None
    return "\n".join(explanations.get(code, code) for code in str(codes).split(";") if code)


# --- dataset sheets -----------------------------------------------------------------


def _integer_format(col: Column) -> str:
    bce = col.name.endswith("year") and col.minimum is not None and col.minimum < 0
    return BCE_YEAR_FORMAT if bce else INTEGER_FORMAT


def _number_formats(frame: pd.DataFrame, col: Column) -> list[str | None]:
    """Per row: the format that shows this number column's value with the decimals the
    gazette printed (its ``_raw`` text) or, failing that, the decimals the value needs."""
    raw = frame[f"{col.name}_raw"] if f"{col.name}_raw" in frame.columns else None
    out: list[str | None] = []
    for i, value in enumerate(frame[col.name]):
        if value is None or pd.isna(value):
            out.append(None)
            continue
        decimals = printed_decimals(raw.iloc[i]) if raw is not None else None
        out.append(number_format(value_decimals(float(value)) if decimals is None
                                 else decimals))
    return out


def _shown_width(value: object, fmt: str | None) -> int:
    """Width of a cell as displayed (a number with its separators and decimals)."""
    if isinstance(value, datetime):
        return DATE_WIDTH
    if isinstance(value, float) and fmt and fmt.startswith("#,##0"):
        decimals = len(fmt.split(".")[1]) if "." in fmt else 0
        return len(f"{value:,.{decimals}f}")
    return display_width(str(value))


def _dataset_sheet(wb: Workbook, frame: pd.DataFrame, ds: Dataset, title: str,
                   indicators: dict[str, str]) -> None:
    ws = wb.create_sheet(sheet_name(ds))
    has_flags = "quality_flags" in ds.column_names
    headers = [c.zh for c in ds.columns] + ([FLAG_NOTES] if has_flags else [])
    kinds = [c.type for c in ds.columns] + (["string"] if has_flags else [])
    explanations = {code: f.zh for code, f in all_flags().items()}
    explanations.update({f.code: f.zh for f in ds.flags})
    coded = [is_coded(ds, c) for c in ds.columns]
    formats = {i: _number_formats(frame, c) for i, c in enumerate(ds.columns)
               if c.type == "number"}
    ws.append(headers)
    widths = [display_width(h) for h in headers]
    for r, record in enumerate(frame.itertuples(index=False, name=None)):
        values = [excel_value(shown(ds, c, v, indicators) if code else v,
                              "string" if code else c.type)
                  for v, c, code in zip(record, ds.columns, coded, strict=True)]
        if has_flags:
            values.append(flag_notes(record[ds.column_names.index("quality_flags")],
                                     explanations))
        ws.append(values)
        for i, v in enumerate(values):
            if v is not None:
                fmt = formats[i][r] if i in formats else None
                widths[i] = max(widths[i], _shown_width(v, fmt))
                if fmt:
                    ws.cell(r + 2, i + 1).number_format = fmt
    fitted = {}
    for i, kind in enumerate(kinds, start=1):
        width = min(MAX_WIDTH, max(MIN_WIDTH, widths[i - 1] + 2))
        fitted[i] = width
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = width
        if i <= len(ds.columns) and ds.columns[i - 1].name.endswith("_raw"):
            # the text as printed: grouped, so one click on the outline bar hides them all
            ws.column_dimensions[letter].outlineLevel = 1
        wrap = widths[i - 1] + 2 > MAX_WIDTH or kind in ("string", "category")
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            cell.font, cell.border = text_font(cell.value), BORDER
            cell.alignment = WRAP if wrap else TOP
            if kind == "date":
                cell.number_format = DATE_FORMAT
            elif kind == "integer":
                cell.number_format = _integer_format(ds.columns[i - 1])
    for cell, kind in zip(ws[1], kinds, strict=True):
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
        # a number column's header sits over its right-aligned numbers
        cell.alignment = RIGHT_WRAP if kind in ("integer", "number") else WRAP
    set_heights(ws, fitted)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(ws.max_row, 2)}"
    print_setup(ws, title, "1:1", sum(fitted.values()))


# --- the workbook --------------------------------------------------------------------


def _new_workbook() -> Workbook:
    """A workbook whose default font (the Normal style, the empty cells, the width unit)
    is the East-Asian face, with the theme naming it too."""
    wb = Workbook()
    wb._fonts = IndexedList([LATIN])  # font 0: the Normal style, empty cells, the width unit
    wb.loaded_theme = east_asian_theme(theme_xml).encode("utf-8")
    return wb


def workbook_bytes(frames: dict[str, pd.DataFrame], specs: list[Dataset], build_date: date,
                   issues: list[dict], city: CityProfile | None = None,
                   datasets_dir: Path | None = None) -> bytes:
    """The workbook of a build. ``datasets_dir``: where the changelog and the reference
    tables of the build live (default: this checkout's ``datasets/``)."""
    city = city or profile()
    datasets_dir = Path(datasets_dir or DATASETS_DIR)
    title = f"{city.gazette_zh} 开放数据"
    names = {ds.name: sheet_name(ds) for ds in specs}
    version = version_for_frames(frames, issues)["version"]
    wb = _new_workbook()
    about_sheet(wb, specs, build_date, issues, frames, city, names, version,
                read_changelog(datasets_dir))
    indicators = indicator_names(frames, datasets_dir / "reference")
    for ds in specs:
        _dataset_sheet(wb, frames[ds.name], ds, title, indicators)
    wide_sheet(wb, frames, title, datasets_dir / "reference")  # 指标宽表 (etl.wide)
    stamp = datetime(build_date.year, build_date.month, build_date.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "lyg-data"
    wb.properties.lastModifiedBy = "lyg-data"
    wb.properties.title = title
    wb.properties.language = "zh-CN"
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps dcterms:modified with the clock on save; put the build date back
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    modified = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    return fixed_zip(buf.getvalue(), build_date, {
        "docProps/core.xml": lambda xml: modified.sub(rb"\g<1>" + iso + rb"\g<2>", xml)})
