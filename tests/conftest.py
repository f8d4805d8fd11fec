"""Shared fixtures: the real pipeline over the real gazettes, built once per session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl.paths import ROOT

pytest_plugins = ["tests.pdf_fixtures"]  # the seeds typeset as PDFs (tests/typeset.py)

RAW = ROOT / "datasets" / "raw"
ISSUE_2018 = RAW / "lianyungang-gazette-2018-16.md"
ISSUE_2022 = RAW / "lianyungang-gazette-2022-10.md"


@pytest.fixture(scope="session")
def build():
    """A fresh in-memory build of every dataset from the manifest (nothing written)."""
    from etl.pipeline import build as run_build
    return run_build(ROOT)


@pytest.fixture(scope="session")
def issue_2018():
    from etl.read import read_issue
    return read_issue(ISSUE_2018, "2018-16")


@pytest.fixture(scope="session")
def issue_2022():
    from etl.read import read_issue
    return read_issue(ISSUE_2022, "2022-10")


def copy_repo(dest: Path) -> Path:
    """A temporary copy of what the pipeline needs: code, dictionary, raw, reference, geo."""
    for name in ("etl", "datasets"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns(
            "__pycache__", ".staging", ".etl.lock"))
    return dest


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)
