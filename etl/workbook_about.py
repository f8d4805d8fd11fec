"""The workbook's first sheet, 说明: what the data is, where it comes from, its version,
terms of use and changes, what each sheet holds (with a link to it), the data dictionary
(Chinese description beside the English one, coded values with their labels) and every
quality-flag code in Chinese and English.

Six columns serve every section alike; long values span B:F in one merged cell. The
dictionary comes last and is left out of the print area: it alone would take some forty
pages, and docs/data-dictionary.md prints it better.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from etl.dictionary import Column, Dataset, all_flags
from etl.profile import CityProfile
from etl.release import DATA_LICENSE
from etl.spreadsheet import safe_xlsx_text
from etl.workbook_layout import print_setup, set_heights
from etl.workbook_style import (
    BOLD,
    BORDER,
    DATE_FORMAT,
    HEADER_FILL,
    LEFT_TOP,
    LINK,
    SECTION,
    TITLE,
    TOP,
    WRAP,
    text_font,
)

ABOUT = "说明"
FLAG_NOTES = "质量标记说明"  # workbook-only column: the flag codes in plain Chinese
TYPE_ZH = {"string": "文本", "integer": "整数", "number": "数值", "boolean": "是/否",
           "date": "日期", "year_month": "年月 YYYY-MM", "category": "分类"}
# widths of the six columns; every section uses them the same way
ABOUT_WIDTHS = (24, 16, 22, 8, 46, 50)
SPAN = sum(ABOUT_WIDTHS[1:])  # a merged B:F value


def values_text(col: Column, lang: str) -> str:
    """``取值：累计值（cumulative_flow）、…`` — a coded column's values with their labels."""
    if not col.enum:
        return ""
    pairs = []
    for code in col.enum:
        label = col.value_label(code, lang)
        pairs.append(str(code) if label == str(code) else
                     (f"{label}（{code}）" if lang == "zh" else f"{code} = {label}"))
    return ("\n取值：" + "、".join(pairs)) if lang == "zh" else ("\nValues: " + "; ".join(pairs))


def _flag_counts(frames: dict[str, pd.DataFrame], specs: list[Dataset],
                 sheet_names: dict[str, str]) -> dict[str, Counter]:
    """flag code → Counter of sheet name → rows carrying it."""
    counts: dict[str, Counter] = {}
    for ds in specs:
        frame = frames[ds.name]
        if "quality_flags" not in frame.columns:
            continue
        for value in frame["quality_flags"].dropna():
            for code in str(value).split(";"):
                if code:
                    counts.setdefault(code, Counter())[sheet_names[ds.name]] += 1
    return counts


def _changes(changelog: list[dict], zh_names: dict[str, str]) -> list[list[object]]:
    """One row per release: version, date, issue, then the datasets it changed (+added
    −removed ~changed rows) and any status changes."""
    releases: dict[str, list[dict]] = {}
    for row in changelog:
        releases.setdefault(str(row["version"]), []).append(row)
    out = []
    for version, rows in reversed(list(releases.items())):  # newest first
        parts = [f"{zh_names.get(r['dataset'], r['dataset'])} +{r['rows_added']} "
                 f"−{r['rows_removed']} ~{r['rows_changed']}"
                 for r in rows if r["rows_added"] or r["rows_removed"] or r["rows_changed"]]
        status = [r["status_changes"] for r in rows if r.get("status_changes")]
        text = "；".join(parts) or "无变化 / no change"
        if status:
            text += "\n状态变化 / status changes: " + "; ".join(status)
        note = next((r["note"] for r in rows if r.get("note")), "")
        if note:
            text += f"\n{note}"
        first = rows[0]
        out.append([version, first["date"], first["issue"], None, text])
    return out


def about_sheet(wb: Workbook, specs: list[Dataset], build_date: date, issues: list[dict],
                frames: dict[str, pd.DataFrame], city: CityProfile, sheet_names: dict[str, str],
                version: str, changelog: list[dict],
                extra_sheets: Iterable[tuple[str, str, str, int, str]] = ()) -> None:
    """Fill the workbook's first sheet. ``sheet_names``: dataset → its sheet's name;
    ``extra_sheets``: (sheet, dataset, English, rows, contents) of sheets not in ``specs``."""
    ws = wb.active
    ws.title = ABOUT
    bold_rows, section_rows, merged, links = [], [], [], []

    def add(values: list[object], *, bold: bool = False, section: bool = False,
            span: bool = False) -> int:
        ws.append(values)
        row = ws.max_row
        if bold:
            bold_rows.append(row)
        if section:
            section_rows.append(row)
        if span:
            merged.append(row)
        return row

    title = f"{city.gazette_zh} 开放数据"
    add([title])
    add([f"{city.name_en} municipal government gazette — open data"])
    add([])
    add(["数据截至 / Data as of", datetime(build_date.year, build_date.month, build_date.day)])
    add([None, "即最新一期公报的出版日期 / the publication date of the newest issue"],
        span=True)
    add(["数据版本 / Version", f"{version}\n最新期号+数据内容哈希；同一版本号的数据逐字节相同。"
         "\nnewest issue + content hash: two copies with one version hold the same rows."],
        span=True)
    add(["来源期号 / Source issues",
         f"{city.gazette_zh} " + "、".join(f"{i['issue_id']}（{i['published_on']}）"
                                      for i in issues) + "\nraw texts: datasets/raw/"],
        span=True)
    add(["许可与使用条款 / Licence and terms",
         f"{DATA_LICENSE['title']}（{DATA_LICENSE['name']}）{DATA_LICENSE['path']}"
         f"\n{DATA_LICENSE['terms_zh']}\n{DATA_LICENSE['terms_en']}"], span=True)
    add(["使用提示 / How to read",
         "每行都注明来源期号与来源行号（原文第几行）。分类列显示中文名称，CSV与Parquet文件保存其代码"
         "（对照见下方数据字典）。“质量标记”列出原文的问题或推算值，代码含义见本表末尾，"
         "各表最后一列“质量标记说明”为其中文解释。空单元格表示原文未印该值，不是0。"
         "\nEvery row names its source issue and line. Coded columns show Chinese labels here; "
         "the CSV and Parquet files keep the codes (both in the dictionary below). Quality "
         "flags explain source problems and derived values (codes at the end of this sheet). "
         "An empty cell means the source prints no value — never 0. The same data as CSV and "
         "Parquet: datasets/; the full data dictionary: docs/data-dictionary.md."], span=True)
    add([])
    add(["工作表 / Sheets"], section=True)
    add(["工作表 / Sheet", "数据集 / Dataset", "English", "行数 / Rows", "内容 / Contents"],
        bold=True)
    for ds in specs:
        row = add([sheet_names[ds.name], ds.name, ds.en, len(frames[ds.name]),
                   ds.description_zh])
        links.append((row, sheet_names[ds.name]))
    for sheet, name, en, rows, contents in extra_sheets:
        links.append((add([sheet, name, en, rows, contents]), sheet))
    add([])
    add(["质量标记 / Quality flags"], section=True)
    # the explanations take the two wide columns, like the dictionary's descriptions
    add(["代码 / Code", "行数 / Rows", "出现于 / Found in", None, "中文说明", "English"],
        bold=True)
    counts = _flag_counts(frames, specs, sheet_names)
    for code, flag in sorted(all_flags().items()):
        found = counts.get(code, Counter())
        where = "、".join(f"{sheet} {n}行" for sheet, n in sorted(found.items()))
        add([code, sum(found.values()), where or None, None, flag.zh, flag.en])
    if changelog:
        add([])
        add(["数据更新记录 / Changelog"], section=True)
        add(["版本 / Version", "日期 / Date", "期号 / Issue", None,
             "变化（行：+新增 −删除 ~修改） / Changes (rows: +added −removed ~changed)"],
            bold=True)
        zh_names = {ds.name: ds.zh for ds in specs}
        for values in _changes(changelog, zh_names):
            merged.append(-add(values))  # negative: merged over E:F, not B:F
    add([])
    printed = ws.max_row  # the dictionary is long and in docs/: not in the print area
    add(["数据字典 / Data dictionary"], section=True)
    add([None, "本节不在打印范围内；可打印的数据字典见 docs/data-dictionary.md。"
         "\nNot in the print area; print docs/data-dictionary.md instead."], span=True)
    add(["工作表 / Sheet", "列标题 / Header", "列名 / Column · English", "类型 / Type",
         "中文说明", "Description (English)"], bold=True)
    for ds in specs:
        for col in ds.columns:
            add([sheet_names[ds.name], col.zh, f"{col.name}\n{col.en}", TYPE_ZH[col.type],
                 (col.description_zh or "") + values_text(col, "zh") or None,
                 col.description + values_text(col, "en")])
        if "quality_flags" in ds.column_names:
            add([sheet_names[ds.name], FLAG_NOTES, "(workbook only)\nQuality flags explained",
                 TYPE_ZH["string"], "仅本工作簿提供：质量标记代码的中文解释，每个代码一行。",
                 "Workbook only: the quality-flag codes in plain Chinese, one per line."])
    _style(ws, bold_rows, section_rows, merged, links, title)
    ws.print_area = f"A1:{get_column_letter(len(ABOUT_WIDTHS))}{printed}"


def _style(ws, bold_rows: list[int], section_rows: list[int], merged: list[int],
           links: list[tuple[int, str]], title: str) -> None:
    for i, width in enumerate(ABOUT_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    framed = set(bold_rows)  # header rows and the rows of their tables get borders
    for r in bold_rows:
        r += 1
        while r <= ws.max_row and ws.cell(r, 1).value is not None:
            framed.add(r)
            r += 1
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            cell.font = text_font(cell.value)
            cell.alignment = WRAP
            if isinstance(cell.value, str):  # gazette text is data, never a formula
                cell.value = safe_xlsx_text(cell.value)
            if isinstance(cell.value, datetime):
                cell.number_format = DATE_FORMAT
                cell.alignment = LEFT_TOP
            if cell.row in framed:
                cell.border = BORDER
    for r in merged:  # a value over B:F (or E:F) reads as one paragraph
        first = 2 if r > 0 else 5
        ws.merge_cells(start_row=abs(r), start_column=first, end_row=abs(r),
                       end_column=len(ABOUT_WIDTHS))
    ws["A1"].font = TITLE
    for r in (1, 2):  # titles run across the empty cells beside them
        ws.cell(r, 1).alignment = TOP
    ws.row_dimensions[1].height = 22
    for r in bold_rows:
        for cell in ws[r]:
            cell.font, cell.fill = BOLD, HEADER_FILL
    for r in section_rows:
        ws.cell(r, 1).font = SECTION
        ws.cell(r, 1).alignment = TOP
        ws.row_dimensions[r].height = 20
    for row, target in links:
        cell = ws.cell(row, 1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheetname(target)}!A1",
                                   display=target)
        cell.font = LINK
    spans = {r: (2, SPAN) for r in merged if r > 0}  # B:F
    spans.update({-r: (5, sum(ABOUT_WIDTHS[4:])) for r in merged if r < 0})  # E:F
    set_heights(ws, dict(enumerate(ABOUT_WIDTHS, start=1)), first_row=3, spans=spans)
    print_setup(ws, title, None, sum(ABOUT_WIDTHS))
