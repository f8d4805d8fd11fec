"""The dashboard's downloads (dashboard/downloads.py through the download callback): every
cell through etl/spreadsheet.py, a file name with page, filter and data date, a notes sheet
(and notes lines in CSV only when asked), columns sized, numbers as numbers, heritage
coordinates kept, an ASCII-safe Content-Disposition for the API's files.

Issue 12 items 2/4 and issue 13 "Downloads". On the old code the download wrote the view
with ``DataFrame.to_excel``: a name ``=HYPERLINK(…)`` came back as a live formula (openpyxl
reads its data type as ``f``), the CSV cell was written as it is, the name was
``lyg_<page>.<fmt>`` whatever the filter, there was no notes sheet, and the heritage view
had no coordinates.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pandas as pd
import pytest

from dashboard import data, probe
from etl import dictionary
from etl.publish import parquet_bytes
from etl.release import read_version
from tests.dashboard_support import publish_copy

FORMULA = '=HYPERLINK("http://example.invalid/x","click")'
AT_FORMULA = "@SUM(1+1)"
BAD_XML = "碑\uffff亭"  # U+FFFF: an XLSX cannot carry it


@pytest.fixture(scope="module")
def copy_dir(build, tmp_path_factory) -> Iterator[Path]:
    """The real build, with three heritage sites renamed to hostile text."""
    dest = publish_copy(build, tmp_path_factory.mktemp("downloads"))
    spec = dictionary.dataset("heritage_sites")
    path = dest / "heritage_sites.parquet"
    sites = dictionary.coerce(pd.read_parquet(path), spec)
    names = sites["name"].astype(object).tolist()
    for site, text in (("5-1", FORMULA), ("5-2", AT_FORMULA), ("5-3", BAD_XML)):
        names[sites.index[sites["site_id"] == site][0]] = text
    sites["name"] = pd.Series(names, index=sites.index, dtype="string")
    path.write_bytes(parquet_bytes(sites, spec))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(data.ENV_DIR, str(dest))
        data.reset()
        yield dest
    data.reset()


@pytest.fixture(scope="module")
def client(copy_dir):
    from dashboard.app import server
    return server.test_client()


def download(client, fmt: str, path: str, search: str = "", notes: bool = False):
    """The download callback, as the browser calls it: (file name, bytes)."""
    from dashboard.app import app
    body = probe.body(app, '{"fmt":["ALL"],"type":"download"}', {}, state={})
    body["inputs"] = [[{"id": {"type": "download", "fmt": f}, "property": "n_clicks",
                        "value": 1 if f == fmt else 0} for f in ("csv", "xlsx", "workbook")]]
    body["changedPropIds"] = [json.dumps({"fmt": fmt, "type": "download"},
                                         separators=(",", ":")) + ".n_clicks"]
    body["state"] = [{"id": "url", "property": "pathname", "value": path},
                     {"id": "url", "property": "search", "value": search},
                     {"id": "download-notes", "property": "value",
                      "value": ["notes"] if notes else []}]
    response = client.post(probe.UPDATE_PATH, json=body)
    assert response.status_code == 200, response.data[:300]
    sent = response.get_json()["response"]["download"]["data"]
    return sent["filename"], base64.b64decode(sent["content"])


def _book(blob: bytes):
    return openpyxl.load_workbook(io.BytesIO(blob))


def _csv_rows(blob: bytes) -> list[list[str]]:
    assert blob.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(blob.decode("utf-8-sig"))))


# --- spreadsheet safety ------------------------------------------------------------------------

def test_xlsx_download_stores_gazette_text_as_text_never_a_formula(client):
    _, blob = download(client, "xlsx", "/heritage")
    sheet = _book(blob).worksheets[0]
    header = [c.value for c in sheet[1]]
    names = {row[1].value: row[1] for row in sheet.iter_rows(min_row=2)}
    cell = names["'" + FORMULA]
    assert cell.data_type == "s"  # a string; to_excel stored it as a formula ("f")
    assert names["'" + AT_FORMULA].data_type == "s"
    assert "碑亭" in names  # U+FFFF dropped: the sheet XML stays well-formed
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    # numbers stay numbers: the coordinates the view keeps
    lat = header.index("纬度")
    values = [row[lat].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(v, float) for v in values if v is not None)
    assert any(v is not None for v in values)


def test_csv_download_prefixes_formula_text_and_keeps_numbers(client):
    _, blob = download(client, "csv", "/heritage")
    rows = _csv_rows(blob)
    names = [r[1] for r in rows[1:]]
    assert "'" + FORMULA in names and "'" + AT_FORMULA in names
    assert FORMULA not in names
    sites = data.load("heritage_sites").set_index("site_id")
    lat = rows[0].index("纬度")
    by_id = {r[0]: r for r in rows[1:]}
    assert float(by_id["5-9"][lat]) == pytest.approx(sites.loc["5-9", "lat"])
    assert not by_id["5-9"][lat].startswith("'")


# --- file names, notes, layout -----------------------------------------------------------------

def test_file_name_carries_page_filter_and_data_date(client):
    name, _ = download(client, "xlsx", "/documents", "?agency=市人社局")
    assert name == "规范性文件_机构-市人社局_2022-11-15.xlsx"
    name, _ = download(client, "csv", "/documents", "?list=repealed")
    assert name == "规范性文件_清理结果-废止_2022-11-15.csv"  # a code by its label
    name, _ = download(client, "csv", "/documents", "?list=to_be_revised&lang=en")
    assert name == "Normative-documents_list-to-be-revised_2022-11-15.csv"
    name, _ = download(client, "csv", "/heritage", "?county=海州区&category=古建筑")
    assert name in ("文物保护单位_县区-海州区_类别-古建筑_2022-11-15.csv",
                    "文物保护单位_类别-古建筑_县区-海州区_2022-11-15.csv")
    name, _ = download(client, "csv", "/quality")
    assert name == "数据质量_2022-11-15.csv"
    # hostile query text cannot leave the name's directory or make it unbounded
    name, _ = download(client, "csv", "/documents", "?q=../../etc/" + "x" * 300)
    assert "/" not in name and ".." not in name and len(name) <= 120


def test_xlsx_has_a_notes_sheet_saying_what_the_view_rests_on(client, copy_dir):
    _, blob = download(client, "xlsx", "/documents", "?agency=市人社局&on=2020-01-01")
    book = _book(blob)
    assert book.sheetnames == ["数据", "说明"]
    notes = {row[0].value: row[1].value for row in book["说明"].iter_rows()}
    data_rows = book["数据"].max_row - 1
    assert notes["页面"] == "规范性文件"
    assert notes["筛选条件"] == "机构：市人社局"
    assert notes["行数"] == str(data_rows) and data_rows == 12
    assert "2022-11-15" in notes["数据截至"] and "2022年第10期" in notes["数据截至"]
    assert notes["状态日期（状态列按此日期判断）"] == "2020-01-01"
    assert notes["来源公报"] == "2018年第16期（2018-12-15）、2022年第10期（2022-11-15）"
    version = read_version(copy_dir)
    assert notes["数据版本"] == (version["version"] if version else "2022-10")
    assert notes["API 链接"].startswith("/api/views/documents.csv?")
    assert notes["页面链接"].startswith("/documents?")


def test_status_date_defaults_to_the_data_date_in_the_notes(client):
    _, blob = download(client, "xlsx", "/documents")
    notes = {row[0].value: row[1].value for row in _book(blob)["说明"].iter_rows()}
    assert notes["状态日期（状态列按此日期判断）"] == "2022-11-15"
    assert notes["筛选条件"] == "无（全部）"


def test_columns_are_sized_and_the_header_frozen(client):
    _, blob = download(client, "xlsx", "/documents")
    sheet = _book(blob)["数据"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    widths = {sheet.cell(row=1, column=c).value: sheet.column_dimensions[
        openpyxl.utils.get_column_letter(c)].width for c in range(1, sheet.max_column + 1)}
    assert widths["文件名称"] > widths["清理结果"] >= 6  # titles are wide, a status narrow
    assert widths["文件名称"] <= 60


def test_plain_csv_is_a_clean_table_and_notes_only_when_asked(client):
    _, plain = download(client, "csv", "/documents", "?agency=市人社局")
    rows = _csv_rows(plain)
    assert rows[0][0] == "文件名称" and len(rows) == 13
    assert not any(r and r[0].startswith("#") for r in rows)
    _, noted = download(client, "csv", "/documents", "?agency=市人社局", notes=True)
    lines = _csv_rows(noted)
    head = [r[0] for r in lines[:lines.index([])]]
    assert head[0] == "# 页面：规范性文件"
    assert "# 筛选条件：机构：市人社局" in head
    assert any(h.startswith("# 来源公报：2018年第16期") for h in head)
    assert lines[lines.index([]) + 1:] == rows  # the same table below the notes


def test_heritage_download_keeps_the_coordinates(client):
    _, blob = download(client, "xlsx", "/heritage", "?county=海州区")
    sheet = _book(blob)["数据"]
    header = [c.value for c in sheet[1]]
    assert "纬度" in header and "经度" in header
    sites = data.load("heritage_sites").set_index("site_id")
    for row in sheet.iter_rows(min_row=2, values_only=True):
        site = row[0]
        lat, lon = row[header.index("纬度")], row[header.index("经度")]
        if pd.isna(sites.loc[site, "lat"]):
            assert lat is None
        else:
            assert lat == pytest.approx(sites.loc[site, "lat"])
            assert lon == pytest.approx(sites.loc[site, "lon"])
    assert sheet.max_row - 1 == (data.load("heritage_sites")["county"] == "海州区").sum() == 8


def test_english_download_has_english_sheets_and_notes(client):
    _, blob = download(client, "xlsx", "/heritage", "?lang=en")
    book = _book(blob)
    assert book.sheetnames == ["Data", "Notes"]
    notes = {row[0].value: row[1].value for row in book["Notes"].iter_rows()}
    assert notes["Page"] == "Heritage sites"
    assert "Latitude" in [c.value for c in book["Data"][1]] or \
        dictionary.dataset("heritage_sites").column("lat").en in [c.value for c in
                                                                  book["Data"][1]]


def test_content_disposition_is_ascii_with_the_utf8_name(client):
    response = client.get("/api/views/documents.csv?agency=市人社局&_dl=1")
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    header.encode("ascii")  # no raw UTF-8 in a header
    assert header.startswith("attachment; filename=\"")
    star = re.search(r"filename\*=UTF-8''(\S+)", header)[1]
    assert unquote(star) == "规范性文件_机构-市人社局_2022-11-15.csv"
    fallback = re.search(r'filename="([^"]+)"', header)[1]
    assert fallback == "lyg_documents_2022-11-15.csv"
