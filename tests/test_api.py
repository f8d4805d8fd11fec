"""The read-only API (dashboard/api.py, issue 13): every dataset and every page view as a
stable URL — ``/api/<dataset>.json|csv`` with typed ``?column=value`` filters, ``_sort``,
``_size``/``_next`` paging with a cap, ``_shape`` — and the answers' data version, safety
and headers. None of these URLs existed before (404: Dash answered them with its page).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from dashboard import api, data
from etl import dictionary
from etl.publish import parquet_bytes
from etl.release import read_version
from tests.dashboard_support import publish_copy

FORMULA = '=HYPERLINK("http://example.invalid/x","click")'


@pytest.fixture(scope="module")
def copy_dir(build, tmp_path_factory) -> Iterator[Path]:
    """The real build; heritage site 5-1 renamed to a formula."""
    dest = publish_copy(build, tmp_path_factory.mktemp("api"))
    spec = dictionary.dataset("heritage_sites")
    path = dest / "heritage_sites.parquet"
    sites = dictionary.coerce(pd.read_parquet(path), spec)
    names = sites["name"].astype(object).tolist()
    names[sites.index[sites["site_id"] == "5-1"][0]] = FORMULA
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


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.data[:300])
    # strict JSON: no NaN or Infinity
    return json.loads(response.data, parse_constant=lambda c: pytest.fail(f"{url}: {c}"))


def csv_rows(blob: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(blob.decode("utf-8-sig"))))


# --- datasets ------------------------------------------------------------------------------------

def test_index_lists_every_dataset_and_view(client, copy_dir):
    index = get_json(client, "/api/")
    assert [d["name"] for d in index["datasets"]] == list(dictionary.datasets())
    heritage = next(d for d in index["datasets"] if d["name"] == "heritage_sites")
    assert heritage["json"] == "/api/heritage_sites.json" and heritage["published"]
    assert {"documents", "heritage", "quality"} <= {v["name"] for v in index["views"]}
    version = read_version(copy_dir)
    assert index["data_version"] == (version["version"] if version else "2022-10")
    assert index["newest_issue"] == "2022-10" and index["as_of"] == "2022-11-15"


def test_a_dataset_as_json(client):
    body = get_json(client, "/api/heritage_sites.json")
    spec = dictionary.dataset("heritage_sites")
    assert [c["name"] for c in body["columns"]] == spec.column_names
    assert body["columns"][0]["zh"] == spec.columns[0].zh
    assert body["total"] == 23 and len(body["rows"]) == 23 and body["next"] is None
    assert body["primary_key"] == ["level", "site_id"]
    row = next(r for r in body["rows"] if r["site_id"] == "5-9")
    assert row["name"] == "牛首山石刻" and row["county"] == "海州区"
    assert row["announced_on"] == "2018-11-13"  # a date as ISO text
    assert isinstance(row["lat"], float) and isinstance(row["batch"], int)


def test_filters_are_typed_by_the_dictionary(client):
    sites = data.load("heritage_sites")
    assert get_json(client, "/api/heritage_sites.json?county=海州区")["total"] == 8
    both = get_json(client, "/api/heritage_sites.json?county=海州区&county=灌南县")["total"]
    assert both == sites["county"].isin(["海州区", "灌南县"]).sum()
    assert get_json(client, "/api/heritage_sites.json?batch=5")["total"] == 23  # integer
    assert get_json(client, "/api/heritage_sites.json?level=市级")["total"] == 23  # category
    assert get_json(client, "/api/heritage_sites.json?announced_on=2018-11-13")["total"] == 23
    one = get_json(client, "/api/heritage_sites.json?site_id=5-9&county=海州区")
    assert [r["site_id"] for r in one["rows"]] == ["5-9"]
    assert get_json(client, "/api/normative_documents.json?list_status=repealed")[
        "total"] == 44


@pytest.mark.parametrize("query, says", [
    ("nope=1", "unknown column 'nope' for dataset heritage_sites"),
    ("batch=five", "batch='five': not an integer"),
    ("lat=north", "lat='north': not a number"),
    ("lat=nan", "lat='nan': not a number"),
    ("announced_on=2018-02-30", "announced_on='2018-02-30': not a date"),
    ("level=国家级x", "level='国家级x': not one of the declared values"),
    ("_sort=nope", "_sort='nope': unknown column"),
    ("_sort=name&_sort_desc=name", "give _sort or _sort_desc, not both"),
    ("_size=1001", "_size='1001': a whole number from 1 to 1000"),
    ("_size=0", "_size='0'"),
    ("_size=-5", "_size='-5'"),
    ("_next=abc", "_next='abc': not a token"),
    ("_shape=table", "_shape='table': one of objects, arrays"),
])
def test_a_bad_query_is_a_400_with_a_clear_message(client, query, says):
    body = get_json(client, f"/api/heritage_sites.json?{query}", status=400)
    assert says in body["error"], body["error"]
    assert client.get(f"/api/heritage_sites.csv?{query}").status_code == 400


def test_unknown_dataset_view_or_format_is_a_404(client):
    assert "heritage_sites" in get_json(client, "/api/nope.json", status=404)["error"]
    assert get_json(client, "/api/views/nope.json", status=404)["error"].startswith(
        "unknown view 'nope'")
    assert client.get("/api/heritage_sites.xml").status_code == 404
    assert client.get("/api/..%2fraw%2fmanifest.csv").status_code == 404


def test_sorting(client):
    asc = get_json(client, "/api/heritage_sites.json?_sort=era_start_year")["rows"]
    years = [r["era_start_year"] for r in asc]
    known = [y for y in years if y is not None]
    assert known == sorted(known) and years[:len(known)] == known  # missing ones last
    desc = get_json(client, "/api/heritage_sites.json?_sort_desc=era_start_year")["rows"]
    assert [r["era_start_year"] for r in desc][:len(known)] == sorted(known, reverse=True)


def test_paging_with_next_covers_every_row_once(client):
    seen: list[tuple] = []
    url = "/api/normative_documents.json?_size=50&_sort=doc_year"
    pages = 0
    while url:
        body = get_json(client, url)
        assert len(body["rows"]) <= 50 and body["total"] == 182
        seen += [(r["source_issue"], r["source_line"]) for r in body["rows"]]
        url = body["next_url"]
        pages += 1
    assert pages == 4 and len(seen) == len(set(seen)) == 182
    assert get_json(client, "/api/normative_documents.json")["next"] == "100"  # default 100
    assert len(get_json(client, "/api/normative_documents.json?_size=max")["rows"]) == 182


def test_shape_arrays(client):
    body = get_json(client, "/api/heritage_sites.json?_shape=arrays&_size=2")
    assert len(body["rows"]) == 2 and isinstance(body["rows"][0], list)
    assert len(body["rows"][0]) == len(body["columns"])


def test_csv_is_spreadsheet_safe_and_complete(client):
    response = client.get("/api/heritage_sites.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(response.data)
    assert len(rows) == 23 and list(rows[0]) == dictionary.dataset(
        "heritage_sites").column_names
    names = {r["site_id"]: r["name"] for r in rows}
    assert names["5-1"] == "'" + FORMULA  # as the published CSVs write it
    assert float(next(r for r in rows if r["site_id"] == "5-9")["lat"]) == pytest.approx(
        34.64167)
    assert response.headers["Content-Disposition"].startswith("inline; ")
    paged = csv_rows(client.get("/api/normative_documents.csv?_size=10&_next=10").data)
    assert len(paged) == 10


def test_json_keeps_the_text_exactly(client):
    row = get_json(client, "/api/heritage_sites.json?site_id=5-1")["rows"][0]
    assert row["name"] == FORMULA  # JSON is data, not a spreadsheet: no prefix


# --- views ---------------------------------------------------------------------------------------

def test_a_view_is_what_the_page_downloads(client):
    from dashboard.pages import documents
    body = get_json(client, "/api/views/documents.json?agency=市人社局&_size=max")
    assert body["total"] == 12 and body["page"] == "/documents?agency=%E5%B8%82%E4%BA%BA%E7%A4%BE%E5%B1%80"
    frame = documents.view({"agency": ["市人社局"]}, "zh")
    assert [c["name"] for c in body["columns"]] == list(frame.columns)
    assert [r["文号"] for r in body["rows"]] == frame["文号"].astype(object).tolist()
    english = get_json(client, "/api/views/documents.json?agency=市人社局&lang=en")
    assert "Number" in [c["name"] for c in english["columns"]] or english["columns"] != \
        body["columns"]


def test_the_view_link_is_the_dataset_url_when_the_view_is_a_plain_filter(client):
    url = api.view_url("/heritage", "?county=海州区&site=5-9")
    assert url == "/api/heritage_sites.csv?county=%E6%B5%B7%E5%B7%9E%E5%8C%BA"
    view = csv_rows(client.get("/api/views/heritage.csv?county=海州区").data)
    plain = csv_rows(client.get(url).data)
    assert sorted(r["site_id"] for r in plain) == sorted(r["编号"] for r in view)
    # a search or a status date is not a plain filter: the view's own URL
    assert api.view_url("/documents", "?q=审计") == "/api/views/documents.csv?q=%E5%AE%A1%E8%AE%A1"
    assert api.view_url("/heritage", "?era_from=1&era_to=900").startswith(
        "/api/views/heritage.csv?")
    assert api.view_url("/nope", "") is None


# --- HTTP ----------------------------------------------------------------------------------------

def test_read_only(client):
    for method in ("post", "put", "delete"):
        assert getattr(client, method)("/api/heritage_sites.json").status_code == 405


def test_api_answers_are_compressed_and_carry_the_security_headers(client):
    response = client.get("/api/normative_documents.json?_size=max",
                          headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.data))["total"] == 182
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_api_is_documented_on_the_dictionary_page(client):
    from dashboard.pages import dictionary as page
    text = str(page.layout({}, "zh"))
    assert "/api/heritage_sites.json" in text and "_sort" in text and "_next" in text
    assert "/api/views/" in str(page.layout({"lang": ["en"]}, "en"))
