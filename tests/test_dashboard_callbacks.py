"""Callbacks through HTTP, as the browser calls them: hostile input never gives a 500 (a
value of the right type is ignored by the callback; one of the wrong type is refused with a
400 by dashboard/security.py before it gets there),
downloads come from memory (or the one fixed workbook path), the router renders both
languages."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest

from dashboard import data, probe
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("dashboard_data")

HOSTILE = [None, "", "<script>alert(1)</script>", "../../etc/passwd", 10**12, -1, 3.5,
           ["x", None, {"a": 1}], {"points": [{"customdata": ["../x"]}]}, {"row_id": 5},
           "9999-99-99", "a" * 5000]


@pytest.fixture
def client():
    from dashboard.app import app

    return app, app.server.test_client()


def post(client, body):
    return client.post(probe.UPDATE_PATH, data=json.dumps(body),
                       content_type="application/json")


PAGE_INPUTS = ["economy-period", "heritage-category", "documents-q", "quality-dataset"]


@pytest.mark.parametrize("first_input", PAGE_INPUTS)
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_page_callbacks_survive_hostile_values(client, first_input, value):
    app, http = client
    spec = probe.callback_for(app, first_input)
    values = {f"{d['id']}.{d['property']}": value for d in spec["inputs"]}
    for changed in spec["inputs"]:
        name = f"{changed['id']}.{changed['property']}"
        body = probe.body(app, first_input, values, changed=name,
                          state={"rendered.data": value, "heritage-site.data": value,
                                 "documents-doc.data": value})
        response = post(http, body)
        assert response.status_code in (200, 204, 400), (
            name, response.get_data(as_text=True)[:500])


@pytest.mark.parametrize("path", ["/", "/economy", "/heritage", "/documents", "/quality",
                                  "/nope", "/../etc", None, 5])
@pytest.mark.parametrize("search", ["", "?lang=en", "?" + "x=<b>&" * 50, None,
                                    "?doc=连政规发(2014)7号&on=2023-01-01&site=5-23"])
def test_router_renders_anything_it_is_given(client, path, search):
    app, http = client
    body = probe.body(app, "url", {"url.pathname": path, "url.search": search})
    assert post(http, body).status_code == (400 if path == 5 else 200)


def _render(app, http, path, search=""):
    body = probe.body(app, "url", {"url.pathname": path, "url.search": search})
    return post(http, body).get_json()["response"]


def test_router_renders_in_english(client):
    app, http = client
    text = json.dumps(_render(app, http, "/documents", "?lang=en"), ensure_ascii=False)
    assert "Normative documents" in text and "Implementing agency" in text
    assert "规范性文件清理目录" not in text
    header = json.dumps(_render(app, http, "/", "?lang=en")["header"], ensure_ascii=False)
    assert "中文" in header and "Heritage sites" in header


def _download(app, http, fmt, path, search=""):
    body = probe.body(app, "{\"fmt\":[\"ALL\"],\"type\":\"download\"}", {}, state={})
    body["inputs"] = [[{"id": {"type": "download", "fmt": f}, "property": "n_clicks",
                        "value": 1 if f == fmt else 0} for f in ("csv", "xlsx", "workbook")]]
    body["changedPropIds"] = [json.dumps({"fmt": fmt, "type": "download"},
                                         separators=(",", ":")) + ".n_clicks"]
    body["state"] = [{"id": "url", "property": "pathname", "value": path},
                     {"id": "url", "property": "search", "value": search},
                     {"id": "download-notes", "property": "value", "value": []}]
    return post(http, body)


def test_download_of_the_filtered_view(client):
    app, http = client
    response = _download(app, http, "csv", "/documents", "?list=repealed")
    sent = response.get_json()["response"]["download"]["data"]
    assert sent["filename"] == "规范性文件_清理结果-废止_2022-11-15.csv" and sent["base64"]
    raw = base64.b64decode(sent["content"])
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    docs = data.load("normative_documents")
    assert len(rows) == (docs["list_status"] == "repealed").sum() == 44
    assert {r["清理结果"] for r in rows} == {"废止"}


def test_full_workbook_comes_from_the_fixed_path_only(client):
    app, http = client
    sent = _download(app, http, "workbook", "/quality", "?path=/etc/passwd").get_json()
    blob = base64.b64decode(sent["response"]["download"]["data"]["content"])
    assert blob == data.workbook_path().read_bytes()
    assert _download(app, http, "csv", "/../../etc/passwd").status_code == 204
