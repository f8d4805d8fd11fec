"""Hostile inputs: every case of tests/data/bad/EXPECTED.csv through ``python -m etl extract``.

Each case runs in a real subprocess with a timeout (a hang fails, it does not block the suite).
The promise checked on every case: the expected exit code; never a traceback; an error is one
line naming the file (and line); a failed run leaves no output behind; a successful run writes
complete CSVs whose values are the ones the corpus was built with.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.dictionary import datasets
from tests.conftest import ISSUE_2022, run_cli

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
TIMEOUT = 90  # seconds; a linear run of the largest case takes a few


def _make_bad():
    spec = importlib.util.spec_from_file_location("make_bad", DATA / "make_bad.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_bad"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _cases() -> list[dict[str, str]]:
    with (BAD / "EXPECTED.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _split(field: str) -> list[str]:
    return [part for part in field.split(" ; ") if part]


CASES = _cases()


@dataclass
class Outcome:
    path: Path
    out: Path
    returncode: int | None  # None: killed by the timeout
    stdout: str
    stderr: str


def _run(case: dict[str, str], work: Path, make_bad) -> Outcome:
    path = BAD / case["file"]
    if case["generated"]:
        path = work / case["file"]
        path.write_bytes(make_bad.build(case["file"]))
    out = work / (case["file"] + ".out")
    try:
        result = subprocess.run([sys.executable, "-m", "etl", "extract", str(path), "--out",
                                 str(out)], capture_output=True, text=True, timeout=TIMEOUT,
                                cwd=Path(__file__).parent.parent)
    except subprocess.TimeoutExpired as exc:
        return Outcome(path, out, None, str(exc.stdout or ""), str(exc.stderr or ""))
    return Outcome(path, out, result.returncode, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    """Every case, run two at a time (the subprocesses are independent)."""
    work = tmp_path_factory.mktemp("hostile")
    make_bad = _make_bad()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {c["file"]: pool.submit(_run, c, work, make_bad) for c in CASES}
        return {name: f.result() for name, f in futures.items()}


# --- checks on the written CSVs --------------------------------------------------------------

_ROW_CHECK = re.compile(r"^(?P<ds>\w+)\[(?P<key>\w+)=(?P<val>.*?)\]\.(?P<col>\w+)(?P<op>[=~])"
                        r"(?P<want>.*)$")
_ANY_FLAG = re.compile(r"^(?P<ds>\w+)\.flags~(?P<want>\w+)$")
_NOWHERE = re.compile(r"^(?P<ds>\w+)!~(?P<want>.+)$")


def _read(out: Path, name: str) -> list[dict[str, str]]:
    with (out / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _same(got: str, want: str) -> bool:
    if got == want:
        return True
    try:
        return float(got) == float(want)
    except ValueError:
        return False


def _check(check: str, out: Path, declared: dict) -> str | None:
    """None when ``check`` holds (or names a dataset not declared yet), else what failed."""
    match = _ROW_CHECK.match(check) or _ANY_FLAG.match(check) or _NOWHERE.match(check)
    assert match, f"unreadable check in EXPECTED.csv: {check}"
    name = match["ds"]
    if name not in declared:
        return None  # that dataset is still being built by another issue
    if not (out / f"{name}.csv").exists():
        return f"{check}: {name}.csv was not written"
    rows = _read(out, name)
    if match.re is _NOWHERE:
        hits = [r for r in rows if any(match["want"] in (v or "") for v in r.values())]
        return f"{check}: found in {hits[:1]}" if hits else None
    if match.re is _ANY_FLAG:
        codes = {c for r in rows for c in (r.get("quality_flags") or "").split(";")}
        return None if match["want"] in codes else f"{check}: flags seen {sorted(codes)}"
    found = [r for r in rows if r.get(match["key"]) == match["val"]]
    if len(found) != 1:
        return f"{check}: {len(found)} rows with {match['key']}={match['val']!r}"
    row = found[0]
    col = "quality_flags" if match["col"] == "flags" else match["col"]
    if col not in row:
        return f"{check}: no column {col}"
    if match["op"] == "~":
        ok = match["want"] in (row[col] or "").split(";")
    else:
        ok = _same(row[col], match["want"])
    return None if ok else f"{check}: got {row[col]!r}"


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_hostile_input(case, outcomes):
    result = outcomes[case["file"]]
    assert result.returncode is not None, f"hung: no answer within {TIMEOUT}s"
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == int(case["exit"]), result.stderr or result.stdout[-2000:]
    declared = datasets()
    if result.returncode == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        where = f"{result.path}:{case['line']}:" if case["line"] else f"{result.path}:"
        assert lines[0].startswith(f"error: {where}"), lines[0]
        for text in _split(case["message"]):
            assert text in lines[0]
        assert not result.out.exists() or not any(result.out.iterdir()), "output left behind"
        return
    for text in _split(case["message"]):
        assert text in result.stdout, result.stdout[-3000:]
    written = sorted(p.name for p in result.out.iterdir()) if result.out.exists() else []
    assert not [n for n in written if not n.endswith(".csv")], written  # no .tmp leftovers
    for name in written:  # every file complete: the dictionary's header, readable rows
        spec = declared[name.removesuffix(".csv")]
        with (result.out / name).open(encoding="utf-8-sig", newline="") as fh:
            assert next(csv.reader(fh)) == spec.column_names
    for pair in _split(case["datasets"]):
        name, rows = pair.split("=")
        if name in declared and rows == "0":
            assert f"{name}.csv" not in written
        elif name in declared:
            assert f"{name}.csv" in written, f"{name} not written: {result.stdout[-2000:]}"
            assert len(_read(result.out, name)) == int(rows)
    failures = [f for f in (_check(c, result.out, declared) for c in _split(case["checks"])) if f]
    assert not failures, failures


def test_corpus_is_reproducible():
    """The committed files are exactly what make_bad.py builds (review the script, not bytes)."""
    make_bad = _make_bad()
    committed = {p.name for p in BAD.iterdir()} - {"EXPECTED.csv"}
    expected = {c.file for c in make_bad.CASES if not c.generated}
    assert committed == expected
    for c in make_bad.CASES:
        if not c.generated:
            assert (BAD / c.file).read_bytes() == c.make(), c.file
    rows = [c.row() for c in make_bad.CASES]
    assert rows == CASES
    assert len(CASES) >= 25


# --- inputs that are not files, and outputs that cannot be written --------------------------

def _one_line_error(result, *texts: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in texts:
        assert text in lines[0]


def test_a_directory_or_a_missing_file(tmp_path):
    _one_line_error(run_cli("extract", str(tmp_path), "--out", str(tmp_path / "o")),
                    str(tmp_path), "cannot read file")
    missing = tmp_path / "nowhere.md"
    _one_line_error(run_cli("extract", str(missing), "--out", str(tmp_path / "o")),
                    str(missing), "cannot read file")


def test_output_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run_cli("extract", str(BAD / "13_utf8_bom_2018.md"), "--out", str(blocker))
    _one_line_error(result, str(blocker), "cannot write the output")
    assert blocker.read_text() == "not a directory"


def test_a_failed_run_leaves_earlier_output_alone(tmp_path):
    out = tmp_path / "out"
    first = run_cli("extract", str(BAD / "13_utf8_bom_2018.md"), "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    failed = run_cli("extract", str(BAD / "31_duplicated_table_conflict.md"), "--out", str(out))
    assert failed.returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_issue_option_names_a_coverless_file(tmp_path):
    result = run_cli("extract", str(BAD / "34_no_cover.md"), "--issue", "2018-16",
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    rows = _read(tmp_path, "economic_indicators")
    assert len(rows) == 15 and {r["source_issue"] for r in rows} == {"2018-16"}
    _one_line_error(run_cli("extract", str(ISSUE_2022), "--issue", "16", "--out",
                            str(tmp_path / "x")), "an issue id is YYYY-NN")


def test_a_missing_date_renders_as_an_empty_cell():
    """A date column holding NaT (a signing date the source does not give) used to crash the
    CSV renderer with 'NaTType does not support strftime'."""
    import pandas as pd

    from etl.publish import _cell_text
    assert _cell_text(pd.NaT, "date") == ""
    assert _cell_text(pd.Timestamp("2018-11-13"), "date") == "2018-11-13"


def _disk_full_after_one_file(monkeypatch) -> None:
    """Fault injection: the first file is written, the second half-written, then ENOSPC."""
    import errno
    from pathlib import Path

    real = Path.write_bytes
    calls: list[Path] = []

    def write_bytes(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) == 1:
            return real(self, data)
        real(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


@pytest.mark.parametrize("existing", [False, True])
def test_extract_on_a_full_disk_leaves_nothing_partial(tmp_path, monkeypatch, capsys, existing):
    """`extract --out` used to leave a complete first CSV, a partial one and a .tmp file."""
    from etl.cli import main

    out = tmp_path / "out"
    if existing:  # an earlier run's output stays as it was
        out.mkdir()
        (out / "economic_indicators.csv").write_bytes(b"earlier run\n")
    _disk_full_after_one_file(monkeypatch)
    assert main(["extract", str(ISSUE_2022.parent / "lianyungang-gazette-2018-16.md"),
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {out}: cannot write the output (No space left on device)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out"] if existing else [])
    if existing:
        assert [p.name for p in out.iterdir()] == ["economic_indicators.csv"]
        assert (out / "economic_indicators.csv").read_bytes() == b"earlier run\n"
