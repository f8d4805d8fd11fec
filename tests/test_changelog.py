"""The changelog of the data: datasets/changelog.csv (seeded by replay, appended by ingest)."""

from collections import Counter
from datetime import date

from etl.changelog import (
    CHANGELOG_FILE,
    FIELDS,
    diff_counts,
    published_frames,
    read_changelog,
    record,
    status_changes,
)
from etl.paths import DATASETS_DIR
from etl.release import version_for_frames


def test_seed_entries_are_each_issues_rows(build):
    rows = read_changelog(DATASETS_DIR)
    assert (DATASETS_DIR / CHANGELOG_FILE).read_bytes().startswith(b"\xef\xbb\xbf")
    assert [r["issue"] for r in rows[:: len(build.frames)]] == ["2018-16", "2022-10"]
    assert {r["date"] for r in rows if r["issue"] == "2022-10"} == {"2022-11-15"}
    assert all(r["version"].startswith(r["issue"] + "+") for r in rows)
    assert all("reconstructed" in r["note"] for r in rows)
    for name, frame in build.frames.items():
        if "source_issue" not in frame.columns:
            continue
        per_issue = Counter(frame["source_issue"])
        logged = {r["issue"]: r for r in rows if r["dataset"] == name}
        for issue, entry in logged.items():
            assert entry["rows_added"] == per_issue.get(issue, 0), (name, issue)
            assert entry["rows_removed"] == entry["rows_changed"] == 0
    assert {r["dataset"]: r["rows_added"] for r in rows if r["issue"] == "2018-16"}[
        "heritage_site_counts"] == 31


def test_diff_counts_added_removed_changed(build):
    sites = build.frames["heritage_sites"]
    before = sites.iloc[:20].copy()
    before.loc[0, "name"] = "另一个名称"
    assert diff_counts("heritage_sites", before, sites) == (3, 0, 1)
    assert diff_counts("heritage_sites", sites, before) == (0, 3, 1)
    assert diff_counts("heritage_sites", None, sites) == (23, 0, 0)


def test_a_repeal_is_a_status_change(build):
    events = build.frames["document_events"]
    repeal = (events["event"] == "repealed") & (events["by_doc"] == "连政规发〔2022〕4号")
    assert repeal.sum() == 1
    before = events[~repeal].reset_index(drop=True)
    assert status_changes(before, events, date(2023, 6, 1)) == [
        "连政规发〔2014〕7号: in_force → repealed"]
    assert status_changes(before, events, date(2022, 11, 15)) == []  # repealed from 2023


def test_record_appends_once(build, tmp_path):
    frames = build.frames
    before = {name: frame for name, frame in frames.items() if name != "chronicle_entries"}
    before["document_events"] = frames["document_events"].iloc[:-1]
    version = version_for_frames(frames, build.issue_rows())["version"]
    rows = record(tmp_path, before, frames, "2022-10", date(2022, 11, 15), version,
                  note="test")
    assert [r["dataset"] for r in rows] == list(frames)
    by_name = {r["dataset"]: r for r in read_changelog(tmp_path)}
    assert by_name["chronicle_entries"]["rows_added"] == 206
    assert by_name["document_events"]["rows_added"] == 1
    assert by_name["heritage_sites"]["rows_added"] == 0
    assert list(by_name["heritage_sites"]) == FIELDS
    assert record(tmp_path, before, frames, "2022-10", date(2022, 11, 15), version) == []
    assert len(read_changelog(tmp_path)) == len(frames)
    assert read_changelog(tmp_path / "none") == []


def test_published_frames_read_what_is_published(build, tmp_path):
    frames = published_frames(DATASETS_DIR)
    assert diff_counts("heritage_sites", frames["heritage_sites"], build.frames["heritage_sites"]) \
        == (0, 0, 0)
    assert published_frames(tmp_path)["heritage_sites"] is None
