"""The callback answer cache (dashboard/respcache.py): a repeated request is answered from
it with the same bytes, a data reload empties it, its byte cap holds, a refused request or a
download is never kept."""

from __future__ import annotations

import base64
import gzip
import json
import shutil

import pytest

from dashboard import data, probe, respcache
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("dashboard_data")


@pytest.fixture
def client():
    from dashboard.app import app

    cache = respcache.cache_of(app.server)
    assert cache is not None, "the response cache is installed on the app's server"
    return app, app.server.test_client(), cache


def post(http, body: dict):
    return http.post(probe.UPDATE_PATH, data=json.dumps(body), content_type="application/json")


def heritage_body(app, era: object = None) -> dict:
    values = {"heritage-category.value": ["古建筑"], "heritage-county.value": [],
              "heritage-era.value": era}
    return probe.body(app, "heritage-category", values,
                      state={"rendered.data": ["/heritage", "zh"]})


def route_body(app, path: str) -> dict:
    return probe.body(app, "url", {"url.pathname": path, "url.search": ""})


def download_body(app, fmt: str) -> dict:
    body = probe.body(app, "{\"fmt\":[\"ALL\"],\"type\":\"download\"}", {}, state={})
    body["inputs"] = [[{"id": {"type": "download", "fmt": f}, "property": "n_clicks",
                        "value": 1 if f == fmt else 0} for f in ("csv", "xlsx", "workbook")]]
    body["changedPropIds"] = [json.dumps({"fmt": fmt, "type": "download"},
                                         separators=(",", ":")) + ".n_clicks"]
    body["state"] = [{"id": "url", "property": "pathname", "value": "/heritage"},
                     {"id": "url", "property": "search", "value": ""},
                     {"id": "download-notes", "property": "value", "value": []}]
    return body


def test_a_repeated_request_is_answered_from_the_cache_with_the_same_bytes(client):
    app, http, cache = client
    body = heritage_body(app)
    first = post(http, body)
    hits = cache.hits
    second = post(http, body)
    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in first.headers and second.headers["X-Cache"] == "hit"
    assert cache.hits == hits + 1
    assert second.get_data() == first.get_data()
    assert second.mimetype == first.mimetype == "application/json"
    # the 古建筑 filter, as computed: the cached answer is the real one
    rows = first.get_json()["response"]["heritage-table"]["data"]
    sites = data.load("heritage_sites")
    assert len(rows) == (sites["category_zh"] == "古建筑").sum() > 0
    # compressed on the way out like any answer, the same bytes once decompressed
    zipped = http.post(probe.UPDATE_PATH, data=json.dumps(body),
                       content_type="application/json", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["X-Cache"] == "hit" and zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == first.get_data()


def test_a_data_reload_invalidates(client, tmp_path, monkeypatch):
    """A rebuild without the heritage sites: after ``data.reset`` the page says 暂无数据,
    not the cached map (with no invalidation the old answer would come back)."""
    app, http, cache = client
    body = route_body(app, "/heritage")
    before = post(http, body)
    assert post(http, body).headers.get("X-Cache") == "hit"
    assert "heritage-map" in before.get_data(as_text=True)
    generation = data.generation()
    stripped = tmp_path / "datasets"
    shutil.copytree(data.datasets_dir(), stripped)  # the published build
    (stripped / "heritage_sites.parquet").unlink()
    monkeypatch.setenv(data.ENV_DIR, str(stripped))
    data.reset()
    assert data.generation() == generation + 1 and len(cache) == 0
    after = post(http, body)
    assert "X-Cache" not in after.headers
    text = after.get_data(as_text=True)
    assert "heritage-map" not in text
    assert "暂无数据" in json.dumps(json.loads(text), ensure_ascii=False)


def test_the_byte_cap_holds():
    cache = respcache.ResponseCache(max_bytes=20_000)
    entry = 1000 - respcache.KEY_BYTES  # 1000 bytes with its key
    for i in range(100):
        assert cache.put((i,), 200, "application/json", b"x" * entry)
        assert cache.bytes <= 20_000
    assert len(cache) == 20 and cache.bytes == 20_000
    assert cache.get((0,)) is None and cache.get((99,)) is not None  # least recent went
    cache.get((80,))  # used: now the most recent
    cache.put(("new",), 200, "application/json", b"y" * entry)
    assert cache.get((80,)) is not None and cache.get((81,)) is None
    # one answer over an eighth of the cap is not kept (it would empty the cache)
    assert not cache.put(("big",), 200, "application/json", b"z" * 2600)
    assert cache.get(("big",)) is None and cache.bytes <= 20_000


def test_the_servers_cache_stays_under_its_cap(client):
    app, http, cache = client
    for path in ("/", "/economy", "/heritage", "/documents", "/quality", "/chronicle"):
        post(http, route_body(app, path))
    assert 0 < cache.bytes <= cache.max_bytes
    assert cache.max_bytes == respcache.configured_bytes()


def test_a_refused_request_is_never_cached(client):
    app, http, cache = client
    body = heritage_body(app, era="not a range")  # a RangeSlider value is a list of numbers
    entries, bytes_ = len(cache), cache.bytes
    for _ in range(3):
        response = post(http, body)
        assert response.status_code == 400 and "X-Cache" not in response.headers
    assert (len(cache), cache.bytes) == (entries, bytes_)


def test_csv_downloads_are_cached_xlsx_and_the_workbook_never(client):
    """A CSV of the view is a function of the request; an XLSX carries the time it was
    written and the workbook is read from its file at each click: never kept."""
    app, http, cache = client
    body = download_body(app, "csv")
    first, second = post(http, body), post(http, body)
    assert "X-Cache" not in first.headers and second.headers["X-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    sent = second.get_json()["response"]["download"]["data"]
    rows = base64.b64decode(sent["content"]).decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + len(data.load("heritage_sites"))  # header + every site
    for fmt in ("xlsx", "workbook"):
        body = download_body(app, fmt)
        entries = len(cache)
        first, second = post(http, body), post(http, body)
        assert first.status_code == second.status_code == 200
        assert "download" in first.get_json()["response"]
        assert "X-Cache" not in second.headers and len(cache) == entries


def test_the_allow_list_names_registered_callbacks_only():
    from dashboard.app import app

    registered = {f"{s['callback'].__module__}.{s['callback'].__name__}"
                  for s in app.callback_map.values() if "callback" in s}
    assert registered >= respcache.PURE
    assert "dashboard.app.download" in registered - respcache.PURE
    assert set(respcache.PURE_WHEN) <= registered
