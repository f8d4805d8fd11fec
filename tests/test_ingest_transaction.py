"""`etl ingest` as a transaction (etl/journal.py): killed at any point, the next command
finishes or rolls it back and says so, `etl check` reports it meanwhile, and the same ingest
then works. Real processes, held at named points by the pause hooks and killed there."""

from __future__ import annotations

import signal

import pytest

from etl.journal import JOURNAL
from etl.publish import STAGING
from tests import test_lock
from tests.conftest import run_cli
from tests.test_ingest import unknown_tables_issue
from tests.test_lock import Proc, manifest_ids, published_equals_clean_build

template, repo = test_lock.template, test_lock.repo  # fixtures: a built copy, fresh per test

BEFORE = ["2018-16", "2022-10"]
AFTER = ["2018-16", "2019-01", "2022-10"]
RAW = "lianyungang-gazette-2019-01.md"


def _published(root) -> dict[str, bytes]:
    out = root / "datasets"
    return {p.name: p.read_bytes() for p in out.glob("[!.]*.*")}


@pytest.mark.parametrize(("point", "announced", "sig", "committed"), [
    ("INGEST_REGISTERED", "after registering issue 2019-01", signal.SIGKILL, False),
    ("BEFORE_COMMIT", "before commit", signal.SIGKILL, False),
    ("IN_COMMIT", "in the middle of the commit", signal.SIGKILL, True),
])
def test_ingest_killed_is_settled_by_the_next_command(repo, point, announced, sig, committed):
    issue = repo / "2019-01.md"
    issue.write_text(unknown_tables_issue(), encoding="utf-8")
    published = _published(repo)
    with Proc(repo, "ingest", str(issue), **{f"LYG_TEST_PAUSE_{point}": "120"}) as run:
        run.wait_for(f"paused {announced}")
        assert run.kill(sig) == -sig
    out = repo / "datasets"
    # killed with the row written: the old code left it, and "already registered" after
    assert manifest_ids(repo) == AFTER and (out / "raw" / RAW).exists()
    assert (out / JOURNAL).exists()
    check = run_cli("--root", str(repo), "check", cwd=repo)
    assert check.returncode == 1
    assert "an ingest of issue 2019-01 was interrupted" in check.stderr
    if point == "IN_COMMIT":
        assert "interrupted in the middle of its commit" in check.stderr
    build = run_cli("--root", str(repo), "build", cwd=repo)
    assert build.returncode == 0, build.stderr
    if committed:
        assert "note: completed an interrupted ingest of issue 2019-01" in build.stderr
        assert manifest_ids(repo) == AFTER
    else:
        assert "note: rolled back an interrupted ingest of issue 2019-01" in build.stderr
        assert manifest_ids(repo) == BEFORE and not (out / "raw" / RAW).exists()
        assert _published(repo) == published
    assert not (out / JOURNAL).exists() and not (out / STAGING).exists()
    assert published_equals_clean_build(repo) == []
    again = run_cli("--root", str(repo), "ingest", str(issue), cwd=repo)
    assert again.returncode == 0, again.stderr
    word = "already registered as issue 2019-01" if committed else "as issue 2019-01"
    assert word in again.stdout
    assert manifest_ids(repo) == AFTER
    assert published_equals_clean_build(repo) == []


def test_plain_kill_rolls_back_at_once(repo):
    """SIGTERM (a plain `kill`) unwinds the run: it rolls itself back before it ends."""
    issue = repo / "2019-01.md"
    issue.write_text(unknown_tables_issue(), encoding="utf-8")
    with Proc(repo, "ingest", str(issue), LYG_TEST_PAUSE_INGEST_REGISTERED="120") as run:
        run.wait_for("paused after registering issue 2019-01")
        run.proc.send_signal(signal.SIGTERM)
        assert run.finish() == 130
    assert "note: rolled back an interrupted ingest of issue 2019-01" in run.stderr
    assert run.stderr.splitlines()[-1] == "interrupted"
    assert manifest_ids(repo) == BEFORE
    assert not (repo / "datasets" / JOURNAL).exists()
    assert not (repo / "datasets" / "raw" / RAW).exists()
    again = run_cli("--root", str(repo), "ingest", str(issue), cwd=repo)
    assert again.returncode == 0 and "as issue 2019-01" in again.stdout, again.stderr


def test_check_reports_a_publish_killed_in_the_middle_of_its_commit(repo):
    """The mixed published set a build killed mid-commit leaves is reported, not validated."""
    catalogue = repo / "datasets" / "reference" / "indicators.csv"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(
        "Fixed-asset investment,", "Fixed-asset investment (edited),"), encoding="utf-8")
    with Proc(repo, "build", LYG_TEST_PAUSE_IN_COMMIT="120") as run:
        run.wait_for("paused in the middle of the commit: 1 file moved")
        run.kill()
    check = run_cli("--root", str(repo), "check", cwd=repo)
    assert check.returncode == 1
    assert check.stderr.splitlines() == [
        f"{repo / 'datasets' / STAGING}: a publish was interrupted in the middle of its commit "
        "— the published files are a mix of two builds; run `python -m etl build` to finish it"]
    build = run_cli("--root", str(repo), "build", cwd=repo)
    assert "note: completed an interrupted publish" in build.stderr
    assert published_equals_clean_build(repo) == []
