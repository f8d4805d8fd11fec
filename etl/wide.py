"""The indicators as a wide table — one row per indicator, one column per period — the way a
statistics portal (data.stats.gov.cn) shows them: derived from ``economic_indicators`` (the
tidy long table stays the one source), published as ``economic_indicators_wide.csv``, a
sheet 指标宽表 of the workbook and the view ``indicators_wide`` of the database.

- rows: the indicators in the order of the reviewed catalogue
  (``datasets/reference/indicators.csv``), then any the catalogue lacks, in printed order;
- columns: ``indicator_id``, ``indicator_zh``, ``indicator_en``, ``unit``, then one column per
  period named by its ``period_label`` (``2018年1-10月``); a single month is labelled apart
  (``2019年9月（当月）``, the dictionary's label of ``period_kind`` month) so it is never
  read as a cumulative period; oldest period first, the single month before its cumulative
  period as the tables print them;
- cells: the value as the gazette printed it — ``3241.50`` keeps its two decimals (from
  ``value_raw``; a frame without it falls back to the decimals the number needs).
  Placeholders (——, …) and growth rates are not in this table: they stay in the long one.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from etl.dictionary import dataset, value_label
from etl.paths import REFERENCE_DIR
from etl.spreadsheet import csv_document, safe_text
from etl.workbook_layout import display_width, print_setup, set_heights
from etl.workbook_style import (
    BOLD,
    BORDER,
    HEADER_FILL,
    RIGHT_WRAP,
    TOP,
    WRAP,
    number_format,
    printed_decimals,
    text_font,
    value_decimals,
)

SOURCE = "economic_indicators"
FILE = "economic_indicators_wide.csv"
SHEET = "指标宽表"
ID_COLUMNS = ("indicator_id", "indicator_zh", "indicator_en", "unit")


@dataclass(frozen=True)
class Period:
    start: str  # YYYY-MM
    end: str
    kind: str  # cumulative / month
    label: str  # the period_label as published

    @property
    def column(self) -> str:
        if self.kind == "month":
            return f"{self.label}（{value_label('period_kind', 'month', 'zh')}）"
        return self.label

    def title_en(self) -> str:
        what = value_label("period_kind", self.kind, "en")
        return f"Value, {self.start} to {self.end} ({what})"


def periods(frame: pd.DataFrame) -> list[Period]:
    """The periods of ``frame``, oldest first (a single month before its cumulative period)."""
    if frame.empty:
        return []
    keys = frame[["period_start", "period_end", "period_kind", "period_label"]].astype(str)
    found = {Period(*row) for row in keys.drop_duplicates().itertuples(index=False)}
    return sorted(found, key=lambda p: (p.end, p.kind != "month", p.start))


def catalogue_order(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """indicator_id in the order the reviewed catalogue lists them (an id repeats there, once
    per printed variant: its first row counts)."""
    path = Path(reference_dir) / "indicators.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(dict.fromkeys(row["indicator_id"] for row in csv.DictReader(fh)))


def printed_number(value: object, raw: object) -> str | None:
    """``value`` with the decimals its printed text shows (3241.5, "3241.50" → "3241.50");
    None for a missing value."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    number = float(value)  # type: ignore[arg-type]
    decimals = printed_decimals(raw)
    if decimals is None:
        decimals = value_decimals(number)
    return f"{number:.{decimals}f}"


def indicators_wide(frame: pd.DataFrame, reference_dir: Path = REFERENCE_DIR,
                    printed: bool = False) -> pd.DataFrame:
    """The wide table of an ``economic_indicators`` frame. Period columns are float64, or
    with ``printed`` the numbers as the gazette printed them (text such as ``3241.50``)."""
    spans = periods(frame)
    columns = list(ID_COLUMNS) + [p.column for p in spans]
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    rows = frame.reset_index(drop=True)
    has_raw = "value_raw" in rows.columns
    order = {code: i for i, code in enumerate(catalogue_order(reference_dir))}
    ids = list(dict.fromkeys(rows.sort_values(["section", "source_issue", "source_line"],
                                              kind="stable")["indicator_id"].astype(str)))
    ids.sort(key=lambda code: order.get(code, len(order)))  # stable: printed order after
    column_of = {(p.start, p.end, p.kind): p.column for p in spans}
    table: dict[str, dict[str, object]] = {}
    for code in ids:
        mine = rows[rows["indicator_id"].astype(str) == code].sort_values(
            ["period_end", "period_start"], kind="stable")
        latest = mine.iloc[-1]
        units = [u for u in dict.fromkeys(mine["unit"].dropna().astype(str)) if u]
        entry: dict[str, object] = {
            "indicator_id": code, "indicator_zh": latest["indicator_zh"],
            "indicator_en": latest["indicator_en"],
            # two units for one indicator (a source changing it) are both shown, never hidden
            "unit": "；".join(units) or None}
        for _, row in mine.iterrows():
            column = column_of[(str(row["period_start"]), str(row["period_end"]),
                                str(row["period_kind"]))]
            raw = row["value_raw"] if has_raw else None
            entry[column] = printed_number(row["value"], raw) if printed else (
                None if pd.isna(row["value"]) else float(row["value"]))
        table[code] = entry
    out = pd.DataFrame([table[c] for c in ids], columns=columns)
    for column in ID_COLUMNS:
        out[column] = out[column].astype("string")
    kind = "string" if printed else "float64"
    for p in spans:
        out[p.column] = out[p.column].astype(kind)
    return out


def wide_csv_bytes(printed: pd.DataFrame) -> bytes:
    """The published CSV, by the conventions of the dataset CSVs (etl.publish.csv_bytes):
    UTF-8 with BOM, ``\\n`` line ends, text spreadsheet-safe; numbers as printed."""
    text = set(ID_COLUMNS)
    return csv_document([list(printed.columns), *(
        ["" if v is None or v is pd.NA else (safe_text(str(v)) if name in text else str(v))
         for name, v in zip(printed.columns, record, strict=True)]
        for record in printed.itertuples(index=False, name=None))])


def wide_schema(columns: list[str]) -> dict:
    """The Frictionless Table Schema of a wide CSV with these ``columns`` (its header): the
    id columns as the dictionary declares them, one number field per period."""
    spec = dataset(SOURCE)
    fields: list[dict] = []
    for name in columns:
        if name in ID_COLUMNS:
            col = spec.column(name)
            field = {"name": name, "type": "string", "title": col.en, "x-title-zh": col.zh,
                     "description": col.description}
            if name == "indicator_id":
                field["constraints"] = {"required": True, "unique": True}
        else:
            field = {"name": name, "type": "number", "title": f"Value, {name}",
                     "x-title-zh": name,
                     "description": f"DERIVED: economic_indicators.value for the period "
                                    f"{name} (its period_label; （当月） marks a single "
                                    "month), with the decimals the gazette printed "
                                    "(value_raw)"}
        fields.append(field)
    return {"fields": fields, "missingValues": [""], "primaryKey": ["indicator_id"]}


def wide_resource(data: bytes) -> dict:
    """The ``datapackage.json`` resource of the wide CSV ``data`` (its bytes): a tabular
    resource whose schema is read off its header, said to be derived."""
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))), [])
    return {
        "name": "economic_indicators_wide", "path": FILE, "profile": "tabular-data-resource",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "title": f"{SHEET} / Main economic indicators by period (wide)",
        "description": "DERIVED from economic_indicators (not a dataset of its own): one row "
                       "per indicator in the catalogue's order, one column per period, the "
                       "value as printed. Growth rates, flags and sources are in "
                       "economic_indicators.csv.",
        "schema": wide_schema(header),
        "bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}


def wide_outputs(frames: dict[str, pd.DataFrame],
                 reference_dir: Path = REFERENCE_DIR) -> dict[str, bytes]:
    """The published file of a build: ``economic_indicators_wide.csv`` (nothing when the
    build has no indicators dataset)."""
    frame = frames.get(SOURCE)
    if frame is None:
        return {}
    return {FILE: wide_csv_bytes(indicators_wide(frame, reference_dir, printed=True))}


# --- the workbook sheet 指标宽表 ----------------------------------------------------------


def wide_sheet(wb, frames: dict[str, pd.DataFrame], title: str,
               reference_dir: Path = REFERENCE_DIR) -> None:
    """Append the sheet 指标宽表 to the workbook ``wb`` (etl.workbook): Chinese headers from
    the dictionary, numbers with thousands separators and the decimals the gazette printed,
    the workbook's fonts, borders, row heights and print setup; a note under the table says
    it is derived. Nothing when the build has no indicators dataset."""
    frame = frames.get(SOURCE)
    if frame is None:
        return
    printed = indicators_wide(frame, reference_dir, printed=True)
    spec = dataset(SOURCE)
    spans = [p.column for p in periods(frame)]
    shown = ["indicator_zh", "unit", *spans, "indicator_id"]
    headers = [spec.column(c).zh if c in ID_COLUMNS else c for c in shown]
    ws = wb.create_sheet(SHEET)
    ws.append(headers)
    widths = [display_width(h) for h in headers]
    for r, record in enumerate(printed[shown].itertuples(index=False, name=None), start=2):
        for i, (name, value) in enumerate(zip(shown, record, strict=True), start=1):
            cell = ws.cell(r, i)
            if value is None or value is pd.NA:
                cell.border = BORDER
                continue
            if name in spans:  # the printed text gives the format; the cell holds the number
                decimals = printed_decimals(value) or 0
                cell.value, cell.number_format = float(value), number_format(decimals)
                widths[i - 1] = max(widths[i - 1], len(f"{float(value):,.{decimals}f}"))
                cell.alignment = TOP
            else:
                cell.value = safe_text(str(value))
                widths[i - 1] = max(widths[i - 1], display_width(str(value)))
                cell.alignment = WRAP
            cell.font, cell.border = text_font(cell.value), BORDER
    fitted = {}
    for i, width in enumerate(widths, start=1):
        fitted[i] = min(40, max(6, width + 2))
        ws.column_dimensions[get_column_letter(i)].width = fitted[i]
    for cell, name in zip(ws[1], shown, strict=True):
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
        cell.alignment = RIGHT_WRAP if name in spans else WRAP
    note_row = ws.max_row + 2
    note = ws.cell(note_row, 1, f"派生表：由“{spec.zh}”表按统计期展开，每个指标一行、每个统计期"
                               f"一列，数值按公报所印小数位显示；增长率、质量标记与来源见"
                               f"“{spec.zh}”表。")
    note.font, note.alignment = text_font(note.value), WRAP
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row,
                   end_column=len(shown))
    set_heights(ws, fitted, spans={note_row: (1, sum(fitted.values()))})
    ws.freeze_panes = "C2"
    print_setup(ws, title, "1:1", sum(fitted.values()))
