"""The callback validator (dashboard/security.py) answers 400 to every request shape Dash's
renderer never sends, and lets through every one it does (issue 12, item 12).

On the old validator the first three shapes reached Dash or a callback and gave a 500: a
POST to an output a clientside callback computes (no server function: KeyError),
``"outputs": []`` (IndexError in Dash's grouping), and a pattern-matching input sent with a
string id (the download callback's ``ctx.triggered_id.get``). Most of the other shapes
below passed the old checks too (extra keys, ids or properties the callback does not
declare, a state list where the callback has none, ``changedPropIds`` naming a non-input).
The property tests throw random JSON, and random mutations of real requests, at the
endpoint: never a 500.
"""

from __future__ import annotations

import copy
import json

import pytest
from dash._utils import split_callback_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.app import app as dash_app
from dashboard.probe import component_values
from dashboard.security import callback_request_problem

UPDATE = "/_dash-update-component"
ROUTER = next(k for k in dash_app.callback_map if "page.children" in k)
DOWNLOAD = "download.data"
CLIENTSIDE = [k for k, cb in dash_app.callback_map.items() if "callback" not in cb]
SERVER_SIDE = [k for k, cb in dash_app.callback_map.items() if "callback" in cb]


@pytest.fixture(scope="module")
def client():
    from dashboard.security import server
    return server.test_client()


def _item(spec: dict, values: dict) -> dict | list:
    if spec["id"].startswith("{"):  # pattern-matching: the download buttons, if any
        pattern = json.loads(spec["id"])
        if pattern.get("type") == "download":
            return [{"id": {"type": "download", "fmt": fmt}, "property": spec["property"],
                     "value": 0} for fmt in ("csv", "xlsx", "workbook")]
        return []
    return {"id": spec["id"], "property": spec["property"],
            "value": values.get(f"{spec['id']}.{spec['property']}")}


def browser_body(output: str, values: dict | None = None) -> dict:
    """The body the renderer sends for ``output`` (values from a rendered page)."""
    values = values or {}
    callback = dash_app.callback_map[output]
    body = {"output": output, "outputs": split_callback_id(output),
            "inputs": [_item(i, values) for i in callback["inputs"]],
            "changedPropIds": [], "parsedChangedPropsIds": []}
    first = callback["inputs"][0]
    if not first["id"].startswith("{"):
        body["changedPropIds"] = [f"{first['id']}.{first['property']}"]
        body["parsedChangedPropsIds"] = body["changedPropIds"][:]
    if callback["state"]:
        body["state"] = [_item(s, values) for s in callback["state"]]
    return body


def router_body(path: str = "/") -> dict:
    return browser_body(ROUTER, {"url.pathname": path, "url.search": ""})


@pytest.fixture(scope="module")
def page_values(client) -> dict:
    """``id.prop`` → value for every component of every page as first rendered."""
    values: dict = {"rendered.data": ["/", "zh"], "url.search": ""}
    from dashboard.pages import PAGES
    for path in PAGES:
        response = client.post(UPDATE, json=router_body(path))
        assert response.status_code == 200
        values.update(component_values(response.get_json()))
    return values


def _post(client, body) -> int:
    if isinstance(body, bytes):
        return client.post(UPDATE, data=body, content_type="application/json").status_code
    return client.post(UPDATE, json=body).status_code


# --- the three shapes the issue found, and the others the renderer never sends ---------------

def test_a_post_to_a_clientside_output_is_a_400(client):
    assert CLIENTSIDE, "the app has clientside callbacks (lang-applied.data at least)"
    for output in CLIENTSIDE:
        callback = dash_app.callback_map[output]
        body = {"output": output, "outputs": split_callback_id(output),
                "inputs": [_item(i, {}) for i in callback["inputs"]], "changedPropIds": []}
        if callback["state"]:
            body["state"] = [_item(s, {}) for s in callback["state"]]
        assert _post(client, body) == 400, output


def test_empty_outputs_is_a_400(client):
    assert _post(client, {**router_body(), "outputs": []}) == 400
    assert _post(client, {**browser_body(DOWNLOAD), "outputs": []}) == 400


def test_a_pattern_matching_input_with_a_string_id_is_a_400(client):
    body = browser_body(DOWNLOAD, {"url.pathname": "/heritage", "url.search": ""})
    body["inputs"] = [[{"id": "download", "property": "n_clicks", "value": 1}]]
    assert _post(client, body) == 400
    body["inputs"] = [{"id": "download", "property": "n_clicks", "value": 1}]  # not a list
    assert _post(client, body) == 400
    body["inputs"] = [[{"id": {"type": "upload", "fmt": "csv"}, "property": "n_clicks",
                        "value": 1}]]  # a dict id the pattern does not match
    assert _post(client, body) == 400


def _shapes() -> dict[str, dict]:
    good = router_body()
    one = dash_app.callback_map[ROUTER]
    url_path = {"id": "url", "property": "pathname", "value": "/"}
    return {
        "extra top-level key": {**good, "debug": True},
        "no output": {k: v for k, v in good.items() if k != "output"},
        "output not a string": {**good, "output": ["page.children"]},
        "outputs missing": {k: v for k, v in good.items() if k != "outputs"},
        "outputs a dict for a multi-output callback": {**good, "outputs": good["outputs"][0]},
        "outputs one short": {**good, "outputs": good["outputs"][:-1]},
        "outputs in another order": {**good, "outputs": good["outputs"][::-1]},
        "outputs naming another component": {**good, "outputs": [
            {**good["outputs"][0], "id": "nope"}, *good["outputs"][1:]]},
        "outputs with a value": {**good, "outputs": [
            {**good["outputs"][0], "value": 1}, *good["outputs"][1:]]},
        "inputs missing": {k: v for k, v in good.items() if k != "inputs"},
        "inputs null": {**good, "inputs": None},
        "inputs a dict": {**good, "inputs": url_path},
        "inputs one short": {**good, "inputs": good["inputs"][:1]},
        "inputs one too many": {**good, "inputs": good["inputs"] + [url_path]},
        "inputs swapped": {**good, "inputs": good["inputs"][::-1]},
        "input of another component": {**good, "inputs": [
            {"id": "page", "property": "pathname", "value": "/"}, good["inputs"][1]]},
        "input of another property": {**good, "inputs": [
            {"id": "url", "property": "href", "value": "/"}, good["inputs"][1]]},
        "input id a number": {**good, "inputs": [
            {"id": 7, "property": "pathname", "value": "/"}, good["inputs"][1]]},
        "input property a list": {**good, "inputs": [
            {"id": "url", "property": ["pathname"], "value": "/"}, good["inputs"][1]]},
        "input with an extra key": {**good, "inputs": [
            {**url_path, "extra": 1}, good["inputs"][1]]},
        "input a string": {**good, "inputs": ["url.pathname", good["inputs"][1]]},
        "input nested in a list": {**good, "inputs": [[url_path], good["inputs"][1]]},
        "input value of the wrong type": {**good, "inputs": [
            {**url_path, "value": {"$gt": ""}}, good["inputs"][1]]},
        "state missing": {k: v for k, v in good.items() if k != "state"},
        "state one short": {**good, "state": good["state"][:1]},
        "state one too many": {**good, "state": good["state"] + good["state"][:1]},
        "state a string": {**good, "state": "x"},
        "state naming another component": {**good, "state": [
            {"id": "nope", "property": "data", "value": None}] * len(one["state"])},
        "changedPropIds a string": {**good, "changedPropIds": "url.pathname"},
        "changedPropIds with a number": {**good, "changedPropIds": [7]},
        "changedPropIds naming a state": {**good, "changedPropIds": ["url-written.data"]},
        "changedPropIds naming nothing": {**good, "changedPropIds": ["nope.children"]},
        "parsedChangedPropsIds a number": {**good, "parsedChangedPropsIds": 3},
    }


@pytest.mark.parametrize("name", list(_shapes()))
def test_a_request_shape_the_browser_never_sends_is_a_400(client, name):
    assert _post(client, _shapes()[name]) == 400


def test_state_sent_to_a_callback_without_states_is_a_400(client):
    stateless = [k for k in SERVER_SIDE if not dash_app.callback_map[k]["state"]]
    for output in stateless:
        body = {**browser_body(output), "state": [{"id": "url", "property": "search",
                                                   "value": ""}]}
        assert _post(client, body) == 400, output


def test_every_request_the_browser_sends_is_accepted(client, page_values):
    """Each server-side callback with the values its page renders: never refused."""
    for output in SERVER_SIDE:
        body = browser_body(output, page_values)
        assert callback_request_problem(body, dash_app.callback_map) is None, output
        assert _post(client, body) in (200, 204), output


def test_a_download_click_as_the_browser_sends_it_is_accepted(client):
    body = browser_body(DOWNLOAD, {"url.pathname": "/heritage", "url.search": ""})
    body["inputs"][0][0]["value"] = 1
    changed = json.dumps({"fmt": "csv", "type": "download"}, separators=(",", ":"))
    body["changedPropIds"] = [f"{changed}.n_clicks"]
    body["parsedChangedPropsIds"] = [{"fmt": "csv", "type": "download"}]
    assert callback_request_problem(body, dash_app.callback_map) is None
    assert _post(client, body) == 200


# --- property tests: nothing gives a 500 --------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=24)
KEYS = ["output", "outputs", "inputs", "state", "changedPropIds", "parsedChangedPropsIds"]
BODIES = st.fixed_dictionaries(
    {}, optional={"output": st.sampled_from(list(dash_app.callback_map)) | JSON,
                  **{k: JSON for k in KEYS[1:]}})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=JSON | BODIES)
def test_random_json_is_never_a_500(client, body):
    assert _post(client, body) < 500


def _mutate(draw, tree):
    """``tree`` with one node replaced, deleted or given a sibling."""
    if isinstance(tree, dict) and tree and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(tree, key=str)))
        action = draw(st.sampled_from(["descend", "replace", "delete", "add"]))
        out = dict(tree)
        if action == "descend":
            out[key] = _mutate(draw, tree[key])
        elif action == "replace":
            out[key] = draw(JSON)
        elif action == "delete":
            del out[key]
        else:
            out[draw(st.text(max_size=8) | st.sampled_from(KEYS + ["id", "value"]))] = draw(JSON)
        return out
    if isinstance(tree, list) and tree and draw(st.booleans()):
        i = draw(st.integers(0, len(tree) - 1))
        action = draw(st.sampled_from(["descend", "replace", "delete", "add"]))
        out = list(tree)
        if action == "descend":
            out[i] = _mutate(draw, tree[i])
        elif action == "replace":
            out[i] = draw(JSON)
        elif action == "delete":
            del out[i]
        else:
            out.insert(i, draw(JSON))
        return out
    return draw(JSON)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_browser_requests_are_never_a_500(client, page_values, data):
    output = data.draw(st.sampled_from(SERVER_SIDE))
    body = copy.deepcopy(browser_body(output, page_values))
    for _ in range(data.draw(st.integers(1, 3))):
        body = _mutate(data.draw, body)
    assert _post(client, body) < 500, json.dumps(body, ensure_ascii=False)[:600]
