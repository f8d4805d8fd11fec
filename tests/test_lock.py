"""One writer at a time (etl/lock.py), with real processes on a temporary copy.

No timing luck: the first command is held at a named point by a pause hook (``LYG_TEST_PAUSE_…``,
announced on stderr, let go with SIGUSR1) while the second one runs, and the second one
announces when it starts waiting for the lock (``LYG_TEST_ANNOUNCE_LOCK_WAIT``).
"""

from __future__ import annotations

import csv
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
from tests.conftest import copy_repo, run_cli
from tests.test_ingest import issue_2018_17, unknown_tables_issue

BUSY = "is writing datasets/; try again when it finishes"


# --- helpers shared by the ingest-transaction and stateful tests -------------------------------


class Proc:
    """A running ``python -m etl`` whose stderr is read line by line as it comes."""

    def __init__(self, root: Path, *args: str, **env: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "etl", "--root", str(root), *args], cwd=root,
            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        self.out: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.lines),
                         daemon=True).start()
        threading.Thread(target=lambda: self.out.extend(self.proc.stdout), daemon=True).start()

    @staticmethod
    def _pump(stream, lines: queue.Queue) -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def next_line(self, timeout: float = 120) -> str | None:
        line = self.lines.get(timeout=timeout)
        if line is not None:
            self.seen.append(line)
        return line

    def wait_for(self, text: str, timeout: float = 120) -> str:
        """Block until a stderr line holds ``text`` (AssertionError if the run ends first)."""
        while True:
            line = self.next_line(timeout)
            if line is None:
                raise AssertionError(f"ended before {text!r}: {''.join(self.seen)}")
            if text in line:
                return line

    def resume(self) -> None:
        os.kill(self.proc.pid, signal.SIGUSR1)

    def kill(self, sig: int = signal.SIGKILL) -> int:
        os.kill(self.proc.pid, sig)
        return self.proc.wait(timeout=60)

    def finish(self, timeout: float = 300) -> int:
        code = self.proc.wait(timeout=timeout)
        while self.next_line(timeout=30) is not None:
            pass
        return code

    @property
    def stderr(self) -> str:
        return "".join(self.seen)

    def __enter__(self) -> Proc:
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def manifest_ids(root: Path) -> list[str]:
    with (root / "datasets" / "raw" / "manifest.csv").open(encoding="utf-8") as fh:
        return [r["issue_id"] for r in csv.DictReader(fh)]


def published_equals_clean_build(root: Path) -> list[str]:
    """Names of published files that differ from a clean build of the manifest's issues
    (empty: the published set is exactly that build)."""
    outputs = etl.pipeline.build(root).outputs()
    out = root / "datasets"
    differ = [name for name, data in outputs.items()
              if not (out / name).exists() or (out / name).read_bytes() != data]
    if "datapackage.json" in differ:  # small and textual: show how, on failure
        import difflib
        now = (out / "datapackage.json").read_text(encoding="utf-8").splitlines()
        print("\n".join(difflib.unified_diff(
            now, outputs["datapackage.json"].decode().splitlines(), lineterm="", n=1)))
    return differ


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = copy_repo(tmp_path_factory.mktemp("template"))
    etl.pipeline.run(root)  # published files current for this code
    return root


@pytest.fixture
def repo(template, tmp_path) -> Path:
    for name in ("etl", "datasets"):
        shutil.copytree(template / name, tmp_path / name)
    return tmp_path


# --- the lock ----------------------------------------------------------------------------------


def test_a_second_writer_waits_then_exits_2_naming_the_first(repo):
    """Two `etl build` at once used to throw away each other's staging; now the second one
    (and an ingest, a geocode, a check) says who is writing and stops, and the first ends well."""
    issue = repo / "2019-01.md"
    issue.write_text(unknown_tables_issue(), encoding="utf-8")
    with Proc(repo, "build", LYG_TEST_PAUSE_BEFORE_COMMIT="120") as first:
        first.wait_for("paused before commit")
        for args in (["build"], ["ingest", str(issue)], ["geocode"], ["check"]):
            second = subprocess.run(
                [sys.executable, "-m", "etl", "--root", str(repo), *args], cwd=repo,
                capture_output=True, text=True, timeout=120,
                env={**os.environ, "LYG_LOCK_WAIT": "0.2"})
            assert second.returncode == 2, (args, second.stderr)
            assert second.stderr.splitlines() == [
                f"error: another etl command (pid {first.pid}, `etl build`) {BUSY}"], args
        assert (repo / "datasets" / ".staging").exists()  # the first one's staging is intact
        first.resume()
        assert first.finish() == 0, first.stderr
    assert manifest_ids(repo) == ["2018-16", "2022-10"]
    assert published_equals_clean_build(repo) == []


def test_two_ingests_at_once_register_both(repo):
    """The lost issue: both ingests read the manifest, both wrote it back with only their own
    row. Now the second cannot read it before the first has published."""
    first_issue, second_issue = repo / "2018-17.md", repo / "2019-01.md"
    first_issue.write_text(issue_2018_17(), encoding="utf-8")
    second_issue.write_text(unknown_tables_issue(), encoding="utf-8")
    hold = {"LYG_TEST_PAUSE_INGEST_READ": "120", "LYG_LOCK_WAIT": "300",
            "LYG_TEST_ANNOUNCE_LOCK_WAIT": "1"}
    with Proc(repo, "ingest", str(first_issue), **hold) as first:
        first.wait_for("paused after reading the manifest (2 issues)")
        with Proc(repo, "ingest", str(second_issue), **hold) as second:
            # without the lock the second would now read the same two-issue manifest
            assert second.next_line() == (f"waiting for the lock (pid {first.pid}, "
                                           "`etl ingest`)\n"), second.stderr
            first.resume()
            assert first.finish() == 0, first.stderr
            second.wait_for("paused after reading the manifest (3 issues)")
            second.resume()
            assert second.finish() == 0, second.stderr
    assert any("registered" in line and "2019-01" in line for line in second.out)
    assert manifest_ids(repo) == ["2018-16", "2018-17", "2019-01", "2022-10"]
    assert published_equals_clean_build(repo) == []
    check = run_cli("--root", str(repo), "check", cwd=repo, timeout=300)
    assert check.returncode == 0, check.stderr


def test_the_lock_is_released_when_its_holder_is_killed(repo):
    """A kernel lock: SIGKILL releases it, so a killed run never blocks the next one."""
    with Proc(repo, "build", LYG_TEST_PAUSE_BEFORE_COMMIT="120") as first:
        first.wait_for("paused before commit")
        assert first.kill() == -signal.SIGKILL
    again = run_cli("--root", str(repo), "build", cwd=repo)
    assert again.returncode == 0, again.stderr
    assert "note: discarded an incomplete build (published files untouched)" in again.stderr
