"""Fixtures for the dashboard tests: the real pipeline's output, published into a temporary
directory that the dashboard reads through ``LYG_DATASETS_DIR``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard import data
from etl.paths import ROOT


def publish_copy(build, dest: Path) -> Path:
    """Every file the build renders, plus the county outlines and the issue manifest."""
    for name, blob in build.outputs().items():
        (dest / name).write_bytes(blob)
    geo = ROOT / "datasets" / "geo"
    if geo.exists():
        shutil.copytree(geo, dest / "geo")
    (dest / "raw").mkdir()
    shutil.copy(ROOT / "datasets" / "raw" / "manifest.csv", dest / "raw" / "manifest.csv")
    return dest


@pytest.fixture(scope="session")
def published(build, tmp_path_factory) -> Path:
    return publish_copy(build, tmp_path_factory.mktemp("published"))


@pytest.fixture
def dashboard_data(published, monkeypatch) -> Path:
    """The dashboard reading the freshly built datasets (caches cleared either side)."""
    monkeypatch.setenv(data.ENV_DIR, str(published))
    data.reset()
    yield published
    data.reset()
