"""etl.load: typed by the dictionary, from Parquet or CSV, the same frame either way; the
catalogue; where files are read from; and plain pandas.read_csv on the published CSV."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from etl import load
from etl.dictionary import datasets
from etl.load import ENV_VAR, catalog, one_line
from etl.paths import ROOT


@pytest.fixture(scope="module")
def published(tmp_path_factory, build):
    """The build's CSV and Parquet files in a temporary datasets directory."""
    out = tmp_path_factory.mktemp("datasets")
    for name, data in build.outputs().items():
        if name.endswith((".csv", ".parquet")):
            (out / name).write_bytes(data)
    return out


@pytest.fixture(scope="module")
def csv_only(tmp_path_factory, published):
    out = tmp_path_factory.mktemp("csv_only")
    for path in published.glob("*.csv"):
        (out / path.name).write_bytes(path.read_bytes())
    return out


def _expected_dtype(col):
    return {"integer": "Int64", "number": "float64", "date": "datetime64[s]",
            "boolean": "boolean"}.get(col.type, "string")  # spelled out: what the README says


@pytest.mark.parametrize("name", list(datasets()))
def test_every_dataset_loads_typed_by_the_dictionary(published, build, name):
    frame = load(name, datasets_dir=published)
    spec = datasets()[name]
    assert list(frame.columns) == spec.column_names
    assert len(frame) == len(build.frames[name])
    for col in spec.columns:
        dtype = frame[col.name].dtype
        if col.type == "category":
            assert isinstance(dtype, pd.CategoricalDtype), col.name
            assert list(dtype.categories) == list(col.enum)
        else:
            assert dtype == _expected_dtype(col), (col.name, dtype)
    # the same values and the same dtypes as the pipeline's own frame: one typing
    pd.testing.assert_frame_equal(frame, build.frames[name].reset_index(drop=True))


@pytest.mark.parametrize("name", list(datasets()))
def test_csv_and_parquet_load_the_same_frame(published, csv_only, name):
    pd.testing.assert_frame_equal(load(name, datasets_dir=csv_only),
                                  load(name, datasets_dir=published))


def test_real_values_of_the_indicators(published):
    frame = load("economic_indicators", datasets_dir=published)
    fai = frame.set_index("indicator_id").loc["fixed_asset_investment"]
    assert fai["value"] == 1639.54 and fai["yoy_pct"] == 6.3
    assert fai["source_line"] == 1310 and fai["period_end"] == "2018-10"
    assert fai["measure"] == "cumulative_flow"
    assert frame["measure"].value_counts()["index"] == 2
    missing = frame[frame["value"].isna()]
    assert list(missing["indicator_id"]) == ["industrial_value_added"]
    assert frame["quality_flags"].isna().sum() > 0  # clean rows are <NA>, not ""


def test_dates_are_datetimes(published, build):
    dated = [(n, c.name) for n, s in datasets().items() for c in s.columns
             if c.type == "date" and build.frames[n][c.name].notna().any()]
    if not dated:
        pytest.skip("no dataset with a date column has rows yet")
    for name, column in dated:
        values = load(name, datasets_dir=published)[column].dropna()
        assert pd.api.types.is_datetime64_dtype(values)
        assert values.min().year >= 1949


def test_catalog_lists_every_declared_dataset_with_rows(published, build):
    listing = load(datasets_dir=published)
    assert list(listing.index) == list(datasets())
    for name in datasets():
        assert listing.loc[name, "rows"] == len(build.frames[name])
        assert listing.loc[name, "zh"] == datasets()[name].zh
    assert listing.loc["economic_indicators", "rows"] == 15
    text = repr(listing)
    assert len(text.splitlines()) == len(datasets())
    assert re.search(r"^economic_indicators +主要经济指标（Main economic indicators）, 15 rows: ", text,
                     re.MULTILINE)
    assert "..." not in text  # never cut like a wide DataFrame


def test_catalog_of_an_empty_directory_says_not_built(tmp_path):
    listing = catalog(tmp_path)
    assert listing["rows"].isna().all()
    assert "not built" in repr(listing)


def test_one_line_description():
    assert one_line("A list. Of things (e.g. 2018-16). More") == "A list"
    assert one_line("Keeps e.g. 2018-16 together. Then") == "Keeps e.g. 2018-16 together"
    assert len(one_line("x" * 300)) == 100


def test_directory_from_argument_environment_or_checkout(published, monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(published))
    assert len(load("economic_indicators")) == 15
    monkeypatch.setenv(ENV_VAR, str(tmp_path))  # argument beats the environment
    assert len(load("economic_indicators", datasets_dir=published)) == 15
    with pytest.raises(FileNotFoundError, match="python -m etl build"):
        load("economic_indicators")
    monkeypatch.delenv(ENV_VAR)
    assert (ROOT / "datasets" / "economic_indicators.csv").exists()
    assert len(load("economic_indicators")) == 15  # this checkout's published files


def test_unknown_name_lists_the_datasets(published):
    with pytest.raises(KeyError, match="economic_indicators"):
        load("heritage", datasets_dir=published)


def test_a_stale_file_is_refused_with_advice(tmp_path, published):
    frame = pd.read_csv(published / "economic_indicators.csv", dtype=str)
    frame.drop(columns=["section"]).to_csv(tmp_path / "economic_indicators.csv", index=False)
    with pytest.raises(ValueError, match=r"missing \['section'\].*python -m etl build"):
        load("economic_indicators", datasets_dir=tmp_path)


def test_values_outside_the_enum_are_refused(tmp_path, published):
    frame = pd.read_csv(published / "economic_indicators.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "measure"] = "stock"
    frame.to_csv(tmp_path / "economic_indicators.csv", index=False)
    with pytest.raises(ValueError, match="outside the declared enum: \\['stock'\\]"):
        load("economic_indicators", datasets_dir=tmp_path)


def test_import_etl_does_not_import_pandas():
    code = "import sys, etl; from etl import load; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("name", list(datasets()))
def test_plain_read_csv_has_no_surprises(published, build, name):
    """What the README promises for pandas.read_csv without options."""
    frame = pd.read_csv(published / f"{name}.csv")
    spec = datasets()[name]
    assert list(frame.columns) == spec.column_names  # the byte-order mark is not in a name
    assert len(frame) == len(build.frames[name])
    for col in spec.columns:
        values = frame[col.name]
        if values.isna().all():
            continue  # an all-empty column reads as float64 NaN, whatever its type
        if col.type == "integer":
            assert values.dtype == ("int64" if values.notna().all() else "float64"), col.name
        elif col.type == "number":
            assert values.dtype == "float64", col.name
        elif col.type in ("date", "year_month", "category"):
            assert values.dtype == "str", col.name
        elif col.type == "boolean":
            assert values.dtype == ("bool" if values.notna().all() else "object"), col.name
