"""Foreign keys: declared in etl/integrity.py, hold on the real build, checked by `etl check`."""

import csv

import pytest

from etl.dictionary import datasets
from etl.integrity import NOT_DECLARED, RAW_ISSUES, foreign_keys, violations
from tests.conftest import copy_repo, run_cli


def test_declared_keys_name_real_columns():
    specs = datasets()
    for fk in foreign_keys():
        assert set(fk.fields) <= set(specs[fk.dataset].column_names), fk.text()
        if fk.reference != RAW_ISSUES:
            assert set(fk.reference_fields) <= set(specs[fk.reference].column_names)
        assert fk.why
    pairs = {(fk.dataset, fk.reference) for fk in foreign_keys()}
    assert ("heritage_site_places", "heritage_sites") in pairs
    assert ("document_events", "gazette_documents") in pairs
    assert all((name, RAW_ISSUES) in pairs for name, ds in specs.items()
               if "source_issue" in ds.column_names)
    assert any("document_events (doc_number)" in k for k in NOT_DECLARED)


def test_every_declared_key_holds_on_the_real_build(build):
    assert violations(build.frames, [r.issue_id for r in build.raw]) == []


def test_a_broken_key_names_dataset_line_key_and_values(build):
    frames = dict(build.frames)
    events = frames["document_events"].copy()
    row = events.index[events["by_doc"].notna()][0]
    events.loc[row, "by_doc"] = "连政发〔2099〕1号"
    frames["document_events"] = events
    places = frames["heritage_site_places"].copy()
    places.loc[0, "site_id"] = "9-99"
    frames["heritage_site_places"] = places
    problems = violations(frames, ["2018-16", "2022-10"])
    assert sorted(problems) == [
        f"document_events.csv line {row + 2}: foreign key document_events (by_doc) → "
        "gazette_documents (doc_number): (连政发〔2099〕1号) not found",
        "heritage_site_places.csv line 2: foreign key heritage_site_places (level, site_id) → "
        "heritage_sites (level, site_id): (市级, 9-99) not found"]


def test_an_unregistered_issue_is_reported(build):
    problems = violations(build.frames, ["2018-16"])
    assert "gazette_documents.csv line 14: foreign key gazette_documents (source_issue) → " \
           "raw_issues (issue_id): (2022-10) not found" in problems


@pytest.mark.slow
def test_etl_check_fails_on_an_event_whose_document_does_not_exist(tmp_path):
    root = copy_repo(tmp_path)
    built = run_cli("build", cwd=root)
    assert built.returncode == 0, built.stderr
    assert run_cli("check", cwd=root).returncode == 0
    path = root / "datasets" / "document_events.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("by_doc")
    line = next(n for n, r in enumerate(rows[1:], start=2) if r[col])
    rows[line - 1][col] = "连政发〔2099〕1号"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    result = run_cli("check", cwd=root)
    assert result.returncode == 1
    assert (f"document_events.csv line {line}: foreign key document_events (by_doc) → "
            "gazette_documents (doc_number): (连政发〔2099〕1号) not found") in result.stderr
