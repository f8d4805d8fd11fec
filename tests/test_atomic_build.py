"""Atomic builds on a temporary copy of the repository: a publish that fails halfway, a crash
in the middle of the commit, and a real ``python -m etl build`` killed inside publish.

After each, every file under datasets/ is byte-identical to before (or, once the COMMIT
marker is written, rolled forward as a whole) and the next run recovers.
"""

from __future__ import annotations

import errno
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import etl.pipeline
import etl.publish
from etl.lock import LOCK_FILE
from etl.publish import COMMIT_MARKER, STAGING, recover
from tests.conftest import copy_repo, run_cli

EDIT = ("Fixed-asset investment,", "Fixed-asset investment (edited by test_atomic_build),")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under datasets/ (published, raw, reference, geo), staging and the lock file
    (etl.lock: who holds it, last) aside."""
    out = root / "datasets"
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and STAGING not in p.parts and p.name != LOCK_FILE}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A copy of the repository, built once so its published files are current."""
    root = copy_repo(tmp_path_factory.mktemp("template"))
    etl.pipeline.run(root)
    return root


@pytest.fixture
def repo(template, tmp_path) -> Path:
    """A fresh copy of the built template with a reviewed reference edited, so that the next
    build changes several published files (CSV, Parquet, workbook)."""
    for name in ("etl", "datasets"):
        shutil.copytree(template / name, tmp_path / name)
    catalogue = tmp_path / "datasets" / "reference" / "indicators.csv"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")
    return tmp_path


def expected_outputs(root: Path) -> dict[str, bytes]:
    return etl.pipeline.build(root).outputs()


def assert_recovered(root: Path) -> None:
    """The published files are exactly what a fresh build renders; no staging is left."""
    published = snapshot(root)
    outputs = expected_outputs(root)
    assert {name: published.get(name) for name in outputs} == outputs
    assert not (root / "datasets" / STAGING).exists()


def test_the_edit_changes_several_files(repo):
    before = snapshot(repo)
    changed = [name for name, data in expected_outputs(repo).items() if before.get(name) != data]
    assert {"economic_indicators.csv", "economic_indicators.parquet"} <= set(changed)
    assert len(changed) >= 3


def test_publisher_failing_before_commit(repo, monkeypatch):
    before = snapshot(repo)
    real_publish = etl.publish.publish

    def failing_publish(outputs, out_dir, before_commit=None):
        def boom():
            raise OSError(errno.EIO, "I/O error between staging and commit")
        return real_publish(outputs, out_dir, before_commit=boom)

    monkeypatch.setattr(etl.pipeline, "publish", failing_publish)
    with pytest.raises(OSError, match="between staging and commit"):
        etl.pipeline.run(repo)
    assert snapshot(repo) == before
    staged = repo / "datasets" / STAGING
    assert (staged / "economic_indicators.csv").exists() and not (staged / COMMIT_MARKER).exists()
    monkeypatch.undo()
    _, changed = etl.pipeline.run(repo)  # the next run discards the staging and publishes
    assert "economic_indicators.csv" in changed
    assert_recovered(repo)


def test_disk_full_halfway_through_staging(repo, monkeypatch):
    before = snapshot(repo)
    real_write = etl.publish._fsync_write
    written: list[str] = []

    def second_write_fails(path: Path, data: bytes) -> None:
        if written:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path.name)
        real_write(path, data)

    monkeypatch.setattr(etl.publish, "_fsync_write", second_write_fails)
    with pytest.raises(OSError, match="No space left"):
        etl.pipeline.run(repo)
    assert len(written) == 1
    assert snapshot(repo) == before
    monkeypatch.undo()
    assert recover(repo / "datasets") == ("discarded an incomplete build "
                                          "(published files untouched)")
    assert snapshot(repo) == before
    etl.pipeline.run(repo)
    assert_recovered(repo)


def test_crash_in_the_middle_of_the_commit_rolls_forward(repo, monkeypatch):
    """Once the COMMIT marker is written, a crash between two renames is finished by the
    next run: all new files, never a mix."""
    before = snapshot(repo)
    real_replace = os.replace
    renamed: list[str] = []

    def crash_after_first_rename(src, dst):
        if renamed:
            raise KeyboardInterrupt  # the process dies here
        renamed.append(Path(dst).name)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_after_first_rename)
    with pytest.raises(KeyboardInterrupt):
        etl.pipeline.run(repo)
    monkeypatch.undo()
    mixed = snapshot(repo)
    assert [name for name in before if mixed[name] != before[name]] == renamed  # one file moved
    assert (repo / "datasets" / STAGING / COMMIT_MARKER).exists()
    assert recover(repo / "datasets") == "completed an interrupted publish"
    assert_recovered(repo)


def _stderr_lines(proc: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, text: str, timeout: float = 120) -> list[str]:
    seen = []
    while True:
        line = lines.get(timeout=timeout)
        if line is None:
            raise AssertionError(f"build ended before {text!r}: {''.join(seen)}")
        seen.append(line)
        if text in line:
            return seen


def test_build_killed_inside_publish(repo):
    """SIGKILL a real build while it is paused between staging and commit (the pause is the
    LYG_TEST_PAUSE_BEFORE_COMMIT hook in etl/publish.py); nothing published changes."""
    before = snapshot(repo)
    env = {**os.environ, "LYG_TEST_PAUSE_BEFORE_COMMIT": "120"}
    proc = subprocess.Popen([sys.executable, "-m", "etl", "--root", str(repo), "build"],
                            cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        progress = _wait_for(_stderr_lines(proc), "paused before commit")
        staged = repo / "datasets" / STAGING
        assert (staged / "economic_indicators.csv").exists()
        assert not (staged / COMMIT_MARKER).exists()
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "[2/2]" in "".join(progress)  # it really had read and extracted every issue
    assert snapshot(repo) == before
    again = run_cli("--root", str(repo), "build", cwd=repo)
    assert again.returncode == 0, again.stderr
    assert "discarded an incomplete build (published files untouched)" in again.stderr
    assert "economic_indicators.csv" in again.stdout  # listed among the files changed
    assert_recovered(repo)
    check = run_cli("--root", str(repo), "check", cwd=repo)
    assert check.returncode == 0, check.stderr
