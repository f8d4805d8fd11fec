"""One typed loader: the dashboard, `etl check`, the notebooks' ``etl.load`` and the
pipeline itself give every dataset the same dtypes (issue 14)."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import dictionary
from etl.load import check_keys, load, read_csv
from tests.dashboard_support import publish_copy


@pytest.fixture(scope="module")
def published(build, tmp_path_factory):
    return publish_copy(build, tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="module")
def dashboard_frames(published):
    import os

    from dashboard import data

    before = os.environ.get(data.ENV_DIR)
    os.environ[data.ENV_DIR] = str(published)
    data.reset()
    frames = {name: data.load(name) for name in dictionary.datasets()}
    if before is None:
        os.environ.pop(data.ENV_DIR)
    else:
        os.environ[data.ENV_DIR] = before
    data.reset()
    return frames


@pytest.mark.parametrize("name", list(dictionary.datasets()))
def test_every_reader_gives_the_same_dtypes(published, build, dashboard_frames, name):
    from etl.cli import _read_published

    spec = dictionary.dataset(name)
    analyst = load(name, datasets_dir=published)
    readers = {
        "dashboard": dashboard_frames[name],
        "etl check": _read_published(published / f"{name}.csv", name),
        "pipeline": build.frames[name],
        "csv": dictionary.coerce(read_csv(published / f"{name}.csv", spec), spec),
    }
    for who, frame in readers.items():
        assert frame is not None, who
        assert frame.dtypes.to_dict() == analyst.dtypes.to_dict(), who
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), analyst, obj=who)
    for col in spec.columns:  # and those dtypes are the one map's
        dtype = analyst[col.name].dtype
        if col.type == "category":
            assert list(dtype.categories) == list(col.enum), col.name
        else:
            assert str(dtype) == dictionary.TYPES[col.type].dtype, col.name


def test_the_one_map_is_the_only_map():
    from etl import load as _  # noqa: F401
    from etl.load import __getattr__ as dtypes_of
    from etl.validate import _PANDERA_DTYPES

    one = {kind: t.dtype for kind, t in dictionary.TYPES.items()}
    assert dtypes_of("DTYPES") == one == _PANDERA_DTYPES


def test_a_repeated_or_empty_key_is_refused_naming_the_file(published, tmp_path):
    spec = dictionary.dataset("heritage_sites")
    frame = load("heritage_sites", datasets_dir=published)
    doubled = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"heritage_sites.csv: primary key \(level, site_id\) = "
                                         r"\(市级, 5-1\) repeats in data rows \[1, 24\]"):
        check_keys(doubled, spec, "heritage_sites.csv")
    empty = frame.copy()
    empty.loc[3, "site_id"] = pd.NA
    with pytest.raises(ValueError, match="required column site_id is empty in data row 4"):
        check_keys(empty, spec, "heritage_sites.csv")


def test_a_damaged_parquet_names_the_file_and_the_fix(published, tmp_path):
    import shutil

    copy = tmp_path / "datasets"
    shutil.copytree(published, copy)
    path = copy / "heritage_sites.parquet"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # truncated
    with pytest.raises(ValueError) as caught:
        load("heritage_sites", datasets_dir=copy)
    message = str(caught.value)
    assert str(path) in message and "not a readable Parquet file" in message
    assert "python -m etl build" in message and "\n" not in message


def test_a_duplicate_row_in_a_published_csv_is_refused(published, tmp_path):
    import shutil

    copy = tmp_path / "datasets"
    shutil.copytree(published, copy)
    (copy / "heritage_sites.parquet").unlink()  # read the CSV
    csv = copy / "heritage_sites.csv"
    lines = csv.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    csv.write_text("".join(lines + [lines[1]]), encoding="utf-8-sig")
    with pytest.raises(ValueError, match="repeats"):
        load("heritage_sites", datasets_dir=copy)


def test_a_publish_interrupted_in_its_commit_is_refused_not_read_mixed(published, tmp_path):
    import shutil

    from etl.publish import COMMIT_MARKER, STAGING

    copy = tmp_path / "datasets"
    shutil.copytree(published, copy)
    (copy / STAGING).mkdir()
    (copy / STAGING / COMMIT_MARKER).write_text("heritage_sites.csv\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"interrupted in the middle of its commit.*etl build"):
        load("heritage_sites", datasets_dir=copy)
    (copy / STAGING / COMMIT_MARKER).unlink()  # staged but not committed: the set is whole
    assert len(load("heritage_sites", datasets_dir=copy)) == 23
