"""The dashboard's downloads: a page's current view as CSV or XLSX, and the API's CSV.

Every cell goes through ``etl.spreadsheet`` — the one function the published CSVs and
workbook use: a text cell that a spreadsheet would read as a formula gets an apostrophe
(``safe_text``), an XLSX text cell also loses the characters XML cannot carry
(``safe_xlsx_text``) and is stored as a string, never a formula. Numbers stay numbers,
dates are real dates, booleans 是/否.

The file name says what the file holds — page, filter and the date the data run to:
``规范性文件_机构-市政府办公室_2022-11-15.xlsx``. The XLSX has a notes sheet (说明/Notes:
page, filter, rows, data as of, status date, source issues, data version, the page's URL
and the API URL); a plain CSV is a clean table, and "CSV with notes" puts the same notes
above the table as ``# …`` lines. The heritage view keeps the sites' coordinates.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard import data, docstatus, urlstate
from dashboard.i18n import colon, listing, t
from etl import dictionary
from etl.release import read_version
from etl.spreadsheet import csv_document, safe_text, safe_xlsx_text
from etl.workbook_layout import display_width

FORMATS = ("csv", "xlsx")
# page parameter → (i18n key of its label, how its value is labelled)
PARAMS: dict[str, tuple[str, str | None]] = {
    "list": ("dl_param_list", "list_status"), "agency": ("dl_param_agency", None),
    "q": ("dl_param_q", None), "on": ("dl_param_on", None), "doc": ("dl_param_doc", None),
    "category": ("dl_param_category", None), "county": ("dl_param_county", "county"),
    "era_from": ("dl_param_era_from", None), "era_to": ("dl_param_era_to", None),
    "site": ("dl_param_site", None), "period": ("dl_param_period", None),
    "indicator": ("dl_param_indicator", None), "official": ("dl_param_official", None),
    "dataset": ("dl_param_dataset", "dataset"), "flag": ("dl_param_flag", None),
}
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f\s]+')
MAX_VALUE_CHARS = 24  # of one filter value in a file name
MAX_NAME_CHARS = 120
MIN_WIDTH, MAX_WIDTH = 6, 60
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


# --- what the data rest on ---------------------------------------------------------------------

def version_info() -> dict[str, Any]:
    """Data version (``datasets/VERSION.json``, else the newest issue), newest issue, as-of."""
    issues = docstatus.issues()
    newest = issues[-1] if issues else None
    record = read_version(data.datasets_dir()) or {}
    newest_id = newest["issue_id"] if newest else record.get("newest_issue")
    return {"data_version": record.get("version") or newest_id,
            "newest_issue": newest_id,
            "as_of": newest["published_on"].isoformat() if newest else None}


def as_of() -> str:
    """The date the data run to (the newest issue's publication date), for file names."""
    return version_info()["as_of"] or "undated"


# --- file names --------------------------------------------------------------------------------

def _name_part(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    return _UNSAFE_NAME.sub("-", text).strip("-.")[:limit]


def param_value(key: str, value: str, lang: str) -> str:
    """A page parameter's value as a reader knows it (coded values by their label)."""
    labelled = PARAMS.get(key, ("", None))[1]
    if labelled == "list_status":
        return dictionary.dataset("normative_documents").column("list_status").value_label(
            value, lang)
    if labelled == "county":
        return data.county_label(value, lang) or value
    if labelled == "dataset" and value in dictionary.datasets():
        return dictionary.dataset(value).title(lang)
    return value


def filter_parts(params: urlstate.Params, lang: str) -> list[tuple[str, str]]:
    """(label, values) of each known page parameter in ``params``, in the page's order."""
    parts = []
    for key, values in params.items():
        if key not in PARAMS or not values:
            continue
        shown = [param_value(key, v, lang) for v in values if isinstance(v, str) and v]
        if shown:
            parts.append((t(PARAMS[key][0], lang), listing(shown, lang)))
    return parts


def filename(page, params: urlstate.Params, lang: str, fmt: str) -> str:
    """``规范性文件_机构-市政府办公室_2022-11-15.xlsx``: page, filter, data date."""
    parts = [_name_part(t(page.NAV_KEY, lang), 40)]
    for label, value in filter_parts(params, lang):
        parts.append(f"{_name_part(label, 12)}-{_name_part(value)}")
    stem = "_".join([p for p in parts if p])[:MAX_NAME_CHARS - 16]
    return f"{stem}_{as_of()}.{fmt}"


def dataset_filename(name: str, filters: list[tuple[str, str]], fmt: str) -> str:
    """``heritage_sites_county-海州区_2022-11-15.csv`` for the API's CSV."""
    parts = [name] + [f"{_name_part(k, 24)}-{_name_part(v)}" for k, v in filters]
    return f"{'_'.join(parts)[:MAX_NAME_CHARS - 16]}_{as_of()}.{fmt}"


def content_disposition(name: str, kind: str = "attachment",
                        fallback: str | None = None) -> str:
    """An ASCII-safe header: the UTF-8 name as RFC 5987 ``filename*``, and ``fallback`` (by
    default the name's ASCII characters) as ``filename`` for clients that do not read it."""
    if fallback is None:
        stem, dot, ext = name.rpartition(".")
        ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_-.") or "lyg"
        fallback = f"{ascii_stem}{dot}{ext}"
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", fallback)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def ascii_filename(page, fmt: str) -> str:
    """``lyg_documents_2022-11-15.csv``: the fallback name of a page's download."""
    return f"lyg_{page.NAME}_{as_of()}.{fmt}"


# --- the view as a frame -----------------------------------------------------------------------

def prepare(page, frame: pd.DataFrame, lang: str,
            params: urlstate.Params | None = None) -> pd.DataFrame:
    """The frame a download writes: the view, with what a file needs that the screen does
    not (the heritage view's coordinates)."""
    if getattr(page, "NAME", None) == "heritage":
        return _with_coordinates(frame, lang, params or {})
    return frame


def _with_coordinates(frame: pd.DataFrame, lang: str, params: urlstate.Params) -> pd.DataFrame:
    sites = data.load("heritage_sites")
    site_label = dictionary.dataset("heritage_sites").column("site_id").label(lang)
    if sites is None or site_label not in frame.columns:
        return frame
    out = frame.copy()
    unique = sites.drop_duplicates("site_id", keep=False).set_index("site_id")
    for name in ("lat", "lon"):
        label = dictionary.dataset("heritage_sites").column(name).label(lang)
        if label not in out.columns:
            out[label] = [unique[name].get(s, math.nan) if isinstance(s, str) else math.nan
                          for s in out[site_label]]
    return out


# --- cells -------------------------------------------------------------------------------------

def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell(value: Any, lang: str = "zh") -> Any:
    """A frame value as a spreadsheet value: None, a number, a date, 是/否 or text."""
    if _missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | pd.Timestamp):
        value = value.item()  # numpy scalars
    if isinstance(value, bool):
        return t("dl_yes", lang) if value else t("dl_no", lang)
    if isinstance(value, int | float):
        return value if not isinstance(value, float) or math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):  # a date column: a date, not midnight
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    return str(value)


def _csv_cell(value: Any, lang: str) -> str:
    value = cell(value, lang)
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return repr(value) if isinstance(value, float) else str(value)


def csv_bytes(frame: pd.DataFrame, notes: list[tuple[str, str]] | None = None,
              lang: str = "zh") -> bytes:
    """UTF-8 with BOM (Excel on a Chinese desktop), ``\\n`` lines; notes as ``# …`` lines
    and a blank line above the table only when asked."""
    head = [[safe_text(f"# {label}{colon(lang)}{value}")] for label, value in notes or []]
    return csv_document([*head, *([[]] if notes else []),
                         [safe_text(str(c)) for c in frame.columns],
                         *([_csv_cell(v, lang) for v in row]
                           for row in frame.itertuples(index=False))])


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date | datetime):
        return 11
    return display_width(str(value) if not isinstance(value, float) else f"{value:g}")


def _write(ws, rows: list[list[Any]], header: bool) -> None:
    widths: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            target = ws.cell(row=r, column=c)
            if isinstance(value, str):
                target.value = safe_xlsx_text(value)
                target.data_type = "s"  # gazette text is never a formula
            else:
                target.value = value
                if isinstance(value, date | datetime):
                    target.number_format = "yyyy-mm-dd"
            widths[c] = max(widths.get(c, 0), _width(value))
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = max(MIN_WIDTH,
                                                               min(MAX_WIDTH, width + 2))
    if header and rows:
        for target in ws[1]:
            target.font, target.fill = BOLD, HEADER_FILL
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions


def xlsx_bytes(frame: pd.DataFrame, notes: list[tuple[str, str]], lang: str = "zh") -> bytes:
    """The view on a data sheet (header bold and frozen, autofilter, columns sized) and the
    notes on a second sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("dl_sheet_data", lang)
    rows = [[str(c) for c in frame.columns]]
    rows += [[cell(v, lang) for v in row] for row in frame.itertuples(index=False)]
    _write(ws, rows, header=True)
    about = wb.create_sheet(t("dl_sheet_notes", lang))
    _write(about, [[label, value] for label, value in notes], header=False)
    about.column_dimensions["B"].width = MAX_WIDTH + 20
    for row in about.iter_rows():
        row[0].font = BOLD
        row[-1].alignment = WRAP
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- notes -------------------------------------------------------------------------------------

def notes(page, params: urlstate.Params, lang: str, frame: pd.DataFrame,
          api_url: str | None = None, page_url: str | None = None) -> list[tuple[str, str]]:
    """What a file rests on: page, filter, rows, data as of, status date, source issues,
    data version, where it came from."""
    issues = docstatus.issues()
    info = version_info()
    filters = filter_parts({k: v for k, v in params.items() if k != "on"}, lang)
    on = urlstate.first(params, "on")
    status_day = on if on else (info["as_of"] or "")
    rows = [
        (t("dl_page", lang), t(page.NAV_KEY, lang)),
        (t("dl_filter", lang), "；".join(f"{k}{colon(lang)}{v}" for k, v in filters)
         if filters else t("dl_filter_none", lang)),
        (t("dl_rows", lang), str(len(frame))),
        (t("dl_as_of", lang), docstatus.data_until(lang) or ""),
    ]
    if getattr(page, "NAME", "") in ("documents", "overview") or on:
        rows.append((t("dl_status_date", lang), status_day))
    rows += [
        (t("dl_source_issues", lang), listing(
            [f"{docstatus.issue_name(i['issue_id'], lang)}"
             f"（{i['published_on'].isoformat()}）" if lang == "zh" else
             f"{docstatus.issue_name(i['issue_id'], lang)} ({i['published_on'].isoformat()})"
             for i in issues], lang)),
        (t("dl_version", lang), str(info["data_version"] or "")),
    ]
    if page_url:
        rows.append((t("dl_page_url", lang), page_url))
    if api_url:
        rows.append((t("dl_api_url", lang), api_url))
    rows.append((t("dl_safety", lang), t("dl_safety_text", lang)))
    return rows


def page_download(page, pathname: str, search: str | None, fmt: str,
                  with_notes: bool = False) -> tuple[bytes, str] | None:
    """(bytes, file name) of ``page``'s view for the URL query ``search``; None when the
    page has no data."""
    from dashboard.api import view_url

    params = urlstate.parse(search)
    lang = urlstate.lang(params)
    frame = page.view(params, lang)
    if frame is None or fmt not in FORMATS:
        return None
    frame = prepare(page, frame, lang, params)
    query = urlstate.build({k: v for k, v in params.items() if k != "lang"}, lang)
    about = notes(page, params, lang, frame, api_url=view_url(pathname, search),
                  page_url=pathname + query)
    name = filename(page, params, lang, fmt)
    if fmt == "csv":
        return csv_bytes(frame, about if with_notes else None, lang), name
    return xlsx_bytes(frame, about, lang), name
