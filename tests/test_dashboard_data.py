"""dashboard.data: published files read once, typed by the dictionary, absent ones tolerated."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import data
from etl import dictionary
from tests.dashboard_support import dashboard_data, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("dashboard_data")


def test_datasets_are_typed_by_the_dictionary():
    for name in data.available():
        frame = data.load(name)
        spec = dictionary.dataset(name)
        assert list(frame.columns) == spec.column_names
        for col in spec.columns:
            assert str(frame[col.name].dtype) == str(pd.Series(dtype=col.dtype).dtype), (
                name, col.name)


def test_loaded_once_per_process():
    assert data.load("economic_indicators") is data.load("economic_indicators")


def test_real_values_survive_the_round_trip():
    frame = data.load("economic_indicators")
    trade = frame[frame["indicator_id"] == "trade_total"].iloc[0]
    assert (trade["value"], trade["unit"], trade["yoy_pct"]) == (799701, "万美元", 19.6)
    assert pd.isna(frame.loc[frame["indicator_id"] == "industrial_value_added", "value"]).all()


def test_a_dataset_not_published_yet_reads_as_none(tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_DIR, str(tmp_path))
    data.reset()
    try:
        assert data.available() == []
        assert data.load("economic_indicators") is None
        assert data.load("no_such_dataset") is None
        assert data.counties_geojson() is None and data.county_names() == []
        assert data.workbook_bytes() is None
        assert data.issues() == []
    finally:
        data.reset()


def test_a_stale_file_reads_as_none(tmp_path, monkeypatch):
    pd.DataFrame({"period_start": ["2018-01"]}).to_parquet(
        tmp_path / "economic_indicators.parquet")
    monkeypatch.setenv(data.ENV_DIR, str(tmp_path))
    data.reset()
    try:
        assert data.load("economic_indicators") is None
    finally:
        data.reset()


def test_issues_and_outlines():
    assert [i["issue_id"] for i in data.issues()] == ["2018-16", "2022-10"]
    assert sorted(data.county_names()) == sorted(
        ["东海县", "灌云县", "灌南县", "赣榆区", "海州区", "连云区"])
