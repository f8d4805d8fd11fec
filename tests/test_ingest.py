"""`python -m etl ingest FILE` end to end in a temporary copy of the repository: a new issue
(derived from the real 2018 text), an issue already registered, a conflicting issue id, an
issue whose tables no extractor knows, and unreadable files."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
import shutil
import subprocess

import pytest

from etl.cli import main
from etl.paths import ROOT
from tests.conftest import ISSUE_2018, copy_repo, run_cli

SOURCE = ISSUE_2018.read_text(encoding="utf-8").split("\n")
COVER = SOURCE[:44]  # up to the slogans before the table of contents
NEW_DOC = "连政发〔2018〕151号"
REPEALED = "连政办发〔1998〕112号"  # retained by the 2018 cleanup list


def cover(year: int, number: int, printed_date: str) -> list[str]:
    out = []
    for line in COVER:
        line = re.sub(r"第\s*16\s*期", f"第{number}期", line)
        line = re.sub(r"2018\s*年\s*12\s*月\s*15\s*日", printed_date, line)
        out.append(re.sub(r"^(\**)2018(\**)\s*$", rf"\g<1>{year}\g<2>", line))
    return out


def issue_2018_17() -> str:
    """2018 第17期 (2018年12月31日): the 1-11月 indicator table and a new decision (from
    连政发〔2018〕140号) that repeals a retained document."""
    start = SOURCE.index("# 市政府关于加快推进连云港农业对外开放合作试验区建设的意见")
    end = next(i for i in range(start + 1, len(SOURCE)) if SOURCE[i].startswith("# "))
    doc = [line.replace("连政发〔2018〕140号", NEW_DOC).replace("2018年11月12日", "2018年12月20日")
           for line in SOURCE[start:end]]
    doc[0] = "# 市政府关于深化连云港农业对外开放合作试验区建设的意见"
    doc += ["本意见自2019年1月1日起施行，《连云港市对出租和改变用途的国有行政区划土地收取土地年租金的"
            f"实施意见》（{REPEALED}）同时废止。", ""]
    top = SOURCE.index("## 2018年1-10月份主要经济指标")
    bottom = SOURCE.index("数据来源：市统计局", top)
    table = []
    for line in SOURCE[top:bottom + 1]:
        cells = line.replace("2018年1-10月份", "2018年1-11月份").split("\t")
        if len(cells) == 3 and re.fullmatch(r"\d+(\.\d+)?", cells[1]):
            cells[1] = f"{float(cells[1]) * 1.1:.2f}"  # a month more: larger cumulative values
        table.append("\t".join(cells))
    toc = ["# 目 录", "", "## 【 市 政 府 文 件 】", "",
           "市政府关于深化连云港农业对外开放合作试验区建设的意见 ..... ( 3 )", "",
           "**【 统 计 公 报 】**", "", "2018年1-11月份主要经济指标..... (9)", ""]
    return "\n".join(cover(2018, 17, "2018年12月31日") + toc + doc + table) + "\n"


def unknown_tables_issue() -> str:
    """2019 第1期 with one table no extractor knows."""
    table = ["## 2018年全市主要农作物播种面积", "", "作物\t面积（万亩）\t比上年增长%",
             "小麦\t215.3\t1.2", "水稻\t198.7\t-0.4", "玉米\t60.1\t3.5", "",
             "数据来源：市农业农村局", ""]
    return "\n".join(cover(2019, 1, "2019年1月15日") + table) + "\n"


@pytest.fixture
def bare_repo(tmp_path):
    """A copy as committed, for the cases that stop before building."""
    return copy_repo(tmp_path / "repo")


@pytest.fixture
def repo(tmp_path):
    """A copy of the repository with its datasets freshly published (the committed files
    may lag behind the code while datasets are being added)."""
    from etl.pipeline import run
    root = copy_repo(tmp_path / "repo")
    run(root)
    return root


def _manifest(root):
    with (root / "datasets" / "raw" / "manifest.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _rows(root, name):
    with (root / "datasets" / f"{name}.csv").open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _ingest(root, path):
    """In the test process (quick); the new-issue test runs the real command line."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), "ingest", str(path)])
    return subprocess.CompletedProcess([], code, out.getvalue(), err.getvalue())


def test_new_issue_is_registered_rebuilt_and_reported(repo, tmp_path):
    new = tmp_path / "gazette-2018-17.md"
    new.write_text(issue_2018_17(), encoding="utf-8")
    before = {name: len(_rows(repo, name)) for name in ("economic_indicators",)}
    result = run_cli("--root", str(repo), "ingest", str(new), cwd=repo)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # registered: copied byte for byte, checksum and cover data in the manifest
    raw = repo / "datasets" / "raw" / "lianyungang-gazette-2018-17.md"
    assert raw.read_bytes() == new.read_bytes()
    row = _manifest(repo)[1]  # sorted by publication date: between 2018-16 and 2022-10
    assert row == {"issue_id": "2018-17", "year": "2018", "issue_number": "17",
                   "published_on": "2018-12-31", "file": raw.name,
                   "sha256": hashlib.sha256(new.read_bytes()).hexdigest()}
    assert f"registered {new} as issue 2018-17 (published 2018-12-31)" in out
    # what it found, with lines
    assert f"line 55: document {NEW_DOC} 市政府关于深化连云港农业对外开放合作试验区建设的意见 " \
           "(signed 2018-12-20, 市政府)" in out
    assert re.search(r"line \d+-\d+: table 2018年1-11月份主要经济指标 — 15 rows, recognised by "
                     r"economic_indicators", out)
    assert "found 1 document, 1 table (1 recognised, 0 not recognised)" in out
    # what changed: the new period's 15 indicator rows
    assert f"economic_indicators: {before['economic_indicators']} → 30 rows (+15 added, -0 " \
           "removed; 15 from this issue)" in out
    rows = [r for r in _rows(repo, "economic_indicators") if r["source_issue"] == "2018-17"]
    assert {r["period_label"] for r in rows} == {"2018年1-11月"}
    fai = next(r for r in rows if r["indicator_id"] == "fixed_asset_investment")
    assert (fai["value"], fai["period_end"]) == ("1803.49", "2018-11")
    # the published workbook carries the new issue too
    assert "lianyungang_gazette.xlsx" in out.splitlines()[-2]
    if (repo / "datasets" / "document_events.csv").exists():
        events = [r for r in _rows(repo, "document_events") if r["source_issue"] == "2018-17"]
        assert {(r["doc_number"], r["event"]) for r in events} >= {
            (NEW_DOC, "issued"), (NEW_DOC, "published"), (REPEALED, "repealed")}
        assert "document statuses on 2022-11-15 changed: 1" in out
        assert f"{REPEALED}: in_force → repealed (2019-01-01 by {NEW_DOC})" in out


def test_already_registered_issue_changes_nothing(bare_repo, tmp_path):
    manifest = (bare_repo / "datasets" / "raw" / "manifest.csv").read_bytes()
    copy = tmp_path / "same-bytes-other-name.md"
    shutil.copyfile(ISSUE_2018, copy)
    result = _ingest(bare_repo, copy)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"{copy}: already registered as issue 2018-16 (datasets/raw/lianyungang-gazette-2018-16."
        f"md, same sha256 {hashlib.sha256(copy.read_bytes()).hexdigest()[:12]}…); nothing to do")
    assert (bare_repo / "datasets" / "raw" / "manifest.csv").read_bytes() == manifest


def test_same_issue_id_with_different_text_is_refused(bare_repo, tmp_path):
    manifest = (bare_repo / "datasets" / "raw" / "manifest.csv").read_bytes()
    changed = tmp_path / "reprint.md"
    changed.write_bytes(ISSUE_2018.read_bytes() + "\n附：勘误\n".encode())
    result = _ingest(bare_repo, changed)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "issue 2018-16 is already registered" in lines[0] and "never replaced" in lines[0]
    assert (bare_repo / "datasets" / "raw" / "manifest.csv").read_bytes() == manifest
    assert sorted(p.name for p in (bare_repo / "datasets" / "raw").iterdir()) == sorted(
        p.name for p in (ROOT / "datasets" / "raw").iterdir())


def test_issue_with_unknown_tables_reports_them_not_recognised(repo, tmp_path):
    path = tmp_path / "2019-01.md"
    path.write_text(unknown_tables_issue(), encoding="utf-8")
    indicators = _rows(repo, "economic_indicators")
    result = _ingest(repo, path)
    assert result.returncode == 0, result.stderr
    assert "registered" in result.stdout and "as issue 2019-01 (published 2019-01-15)" in \
        result.stdout
    assert re.search(r"line \d+-\d+: table 2018年全市主要农作物播种面积 — 3 rows, "
                     r"not recognised", result.stdout)
    assert "found 0 documents, 1 table (0 recognised, 1 not recognised)" in result.stdout
    assert "economic_indicators: 15 → 15 rows (+0 added, -0 removed; 0 from this issue)" in \
        result.stdout
    assert _rows(repo, "economic_indicators") == indicators
    assert [r["issue_id"] for r in _manifest(repo)] == ["2018-16", "2019-01", "2022-10"]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file"),
    (bytes(range(256)) * 8, "binary data"),
    ("连云港市人民政府公报\n\n没有期号的文本\n".encode(), "cannot read the issue number"),
])
def test_unreadable_file_exits_2_with_one_line(bare_repo, tmp_path, content, message):
    manifest = (bare_repo / "datasets" / "raw" / "manifest.csv").read_bytes()
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    result = _ingest(bare_repo, path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and message in lines[0]
    assert result.stdout == ""
    assert (bare_repo / "datasets" / "raw" / "manifest.csv").read_bytes() == manifest


def test_missing_file_exits_2(bare_repo, tmp_path):
    result = _ingest(bare_repo, tmp_path / "nope.md")
    assert result.returncode == 2 and "cannot read file" in result.stderr


def test_a_failing_build_leaves_the_repository_as_it_was(repo, tmp_path):
    """The same indicator printed twice with different values stops the build: the copy
    and the manifest row are taken back, the published files are untouched."""
    top = SOURCE.index("## 2018年1-10月份主要经济指标")
    bottom = SOURCE.index("数据来源：市统计局", top)
    table = [line.replace("2018年1-10月份", "2018年1-11月份") for line in SOURCE[top:bottom + 1]]
    clash = [line.replace("1639.54", "1700.00") for line in table]
    path = tmp_path / "clash.md"
    path.write_text("\n".join(cover(2018, 17, "2018年12月31日") + table + [""] + clash) + "\n",
                    encoding="utf-8")
    raw = sorted(p.name for p in (repo / "datasets" / "raw").iterdir())
    published = {p.name: p.read_bytes() for p in (repo / "datasets").glob("[!.]*.*")}
    result = _ingest(repo, path)
    assert result.returncode == 2
    assert "printed twice with different values" in result.stderr
    assert sorted(p.name for p in (repo / "datasets" / "raw").iterdir()) == raw
    assert [r["issue_id"] for r in _manifest(repo)] == ["2018-16", "2022-10"]
    assert {p.name: p.read_bytes() for p in (repo / "datasets").glob("[!.]*.*")} == published


def test_a_pdf_issue_is_kept_byte_for_byte_and_read_through_its_derived_text(repo, tmp_path):
    """The monthly routine from the PDF as published: the PDF is the raw file, the text
    the reader derived from it is published beside it, and every row names a line of that
    text and the PDF page it is on."""
    from tests.typeset import typeset
    pdf = typeset(issue_2018_17(), tmp_path / "issue-2018-17.pdf", "B5")
    result = run_cli("--root", str(repo), "ingest", str(pdf), cwd=repo)
    assert result.returncode == 0, result.stderr
    raw_dir = repo / "datasets" / "raw"
    raw = raw_dir / "lianyungang-gazette-2018-17.pdf"
    assert raw.read_bytes() == pdf.read_bytes()
    assert _manifest(repo)[1]["file"] == raw.name
    derived = (raw_dir / "lianyungang-gazette-2018-17.pdf.txt").read_text(encoding="utf-8")
    lines = derived.replace("\f", "").split("\n")
    rows = [r for r in _rows(repo, "economic_indicators") if r["source_issue"] == "2018-17"]
    assert len(rows) == 15
    for row in rows:
        printed = lines[int(row["source_line"]) - 1]
        assert row["indicator_raw"] in printed  # the line a person opens holds the row
        assert int(row["source_page"]) >= 2  # the cover is page 1
    events = [r for r in _rows(repo, "document_events")
              if r["doc_number"] == REPEALED and r["event"] == "repealed"]
    assert [e["by_doc"] for e in events] == [NEW_DOC]
    # the published derived text is reproducible: `etl check` rebuilds and compares it
    check = run_cli("--root", str(repo), "check", cwd=repo, timeout=300)
    assert check.returncode == 0, check.stderr
    again = run_cli("--root", str(repo), "ingest", str(pdf), cwd=repo)
    assert again.returncode == 0 and "already registered as issue 2018-17" in again.stdout


# --- cover sanity (etl.read.cover.cover_problems, called by ingest) -----------------------------

BODY = unknown_tables_issue().split("\n")[len(COVER):]  # a table no extractor knows


def _refused(repo, tmp_path, text: str, *messages: str) -> None:
    manifest = (repo / "datasets" / "raw" / "manifest.csv").read_bytes()
    path = tmp_path / "cover.md"
    path.write_text(text, encoding="utf-8")
    result = _ingest(repo, path)
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), result.stderr
    for message in messages:
        assert message in lines[0]
    assert "internal error" not in result.stderr
    assert (repo / "datasets" / "raw" / "manifest.csv").read_bytes() == manifest


def test_a_cover_dated_in_another_year_is_refused(bare_repo, tmp_path):
    """2023 第2期 dated 2032 used to register and move datapackage.json's `created` to 2032."""
    _refused(bare_repo, tmp_path, "\n".join(cover(2023, 2, "2032年2月15日") + BODY),
             "the cover names 2023年第2期 but is dated 2032-02-15",
             "the cover is dated 2032-02-15, after today")


def test_a_cover_dated_in_the_future_is_refused(bare_repo, tmp_path):
    _refused(bare_repo, tmp_path, "\n".join(cover(2099, 1, "2099年1月15日") + BODY),
             "the cover is dated 2099-01-15, after today")


def test_a_date_after_2107_is_refused_not_an_internal_error(bare_repo, tmp_path):
    """The workbook (a zip) cannot carry dates after 2107: it used to die with `internal
    error: ValueError`."""
    _refused(bare_repo, tmp_path, "\n".join(cover(2019, 1, "2108年1月15日") + BODY),
             "is dated 2108-01-15")


def test_a_cover_and_nothing_else_is_refused(bare_repo, tmp_path):
    """It used to register an empty issue 2019-01, which then blocked the real one."""
    _refused(bare_repo, tmp_path, "\n".join(cover(2019, 1, "2019年1月15日")),
             "the file holds a cover and nothing else (no documents, no tables)")


def test_cover_problems_is_a_pure_function_of_the_issue_and_today(tmp_path):
    from datetime import date

    from etl.read import read_text
    from etl.read.cover import cover_problems

    def problems(year, number, printed, today=date(2024, 6, 1), body=BODY):
        return cover_problems(read_text("\n".join(cover(year, number, printed) + body),
                                        tmp_path / "x.md"), today)

    assert problems(2018, 16, "2018年12月15日") == []
    assert problems(2023, 12, "2024年1月5日") == []  # the last issue of a year, printed early next
    assert problems(2023, 2, "2023年2月15日", today=date(2023, 2, 14)) == [
        "the cover is dated 2023-02-15, after today (2023-02-14) — correct the date on the cover"]
    assert problems(2023, 2, "2021年2月15日") == [
        "the cover names 2023年第2期 but is dated 2021-02-15; an issue of 2023 is dated 2023 (or "
        "early 2024) — correct the year or the date on the cover"]
    assert len(problems(2023, 2, "2023年2月15日", body=[])) == 1
