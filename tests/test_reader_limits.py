"""What the reader refuses before it costs anything: files over the size limit (checked before
reading: a sparse file, /dev/zero, a FIFO), and characters that XML, spreadsheets and terminals
cannot carry (Unicode noncharacters, C1 controls), named with file and line like C0 controls."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import tracemalloc

import pytest

import etl.read.decode
from etl.errors import GazetteError
from etl.paths import ROOT
from etl.read import read_bytes, read_issue
from tests.conftest import ISSUE_2018, run_cli

LIMIT = 1_000_000  # a small limit for the tests (the real one is 50 MB)


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(etl.read.decode, "MAX_FILE_BYTES", LIMIT)


def test_a_huge_sparse_file_is_refused_from_its_size_without_reading_it(tmp_path, small_limit):
    """The limit used to be checked after reading the whole file (3.3 GB of memory for a 3 GB
    sparse file): now `stat` refuses it and nothing is read."""
    path = tmp_path / "huge.md"
    with path.open("wb") as fh:
        fh.truncate(200 * LIMIT)  # 200 MB of holes: no disk used
    tracemalloc.start()
    try:
        with pytest.raises(GazetteError) as err:
            read_issue(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(err.value) == (f"{path}: file is 200,000,000 bytes; a gazette issue is well "
                              "under 1,000,000")
    assert peak < LIMIT  # not one limit's worth was read


def test_dev_zero_is_refused_after_limit_plus_one_bytes():
    """/dev/zero never ends: the old reader ran out of memory (MemoryError). Run under a 1 GiB
    address-space limit so a reader that reads it all fails fast instead of eating the machine."""
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [sys.executable, "-m", "etl", "extract", "/dev/zero", "--out", "/nonexistent/out"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=limit_memory)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "error: /dev/zero: more than 50,000,000 bytes; a gazette issue is well under that"]


def test_a_fifo_is_read_no_further_than_the_limit(tmp_path, small_limit):
    fifo = tmp_path / "issue.fifo"
    os.mkfifo(fifo)
    sent: list[int] = []

    def writer() -> None:  # would send 20 limits' worth; the reader stops it after one
        try:
            with fifo.open("wb") as fh:
                for _ in range(20):
                    fh.write(b"x" * LIMIT)
                    sent.append(LIMIT)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    with pytest.raises(GazetteError, match="more than 1,000,000 bytes"):
        read_issue(fifo)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert sum(sent) < 20 * LIMIT  # the reader closed the pipe early


# --- characters that cannot be carried -------------------------------------------------------

LINE = 1310  # a row of the 2018 indicator table


def _with(char: str) -> bytes:
    lines = ISSUE_2018.read_text(encoding="utf-8").split("\n")
    lines[LINE - 1] = lines[LINE - 1][:3] + char + lines[LINE - 1][3:]
    return "\n".join(lines).encode("utf-8")


@pytest.mark.parametrize(("char", "kind"), [
    ("\uffff", "Unicode noncharacter U+FFFF"),
    ("\ufffe", "Unicode noncharacter U+FFFE"),
    ("\ufdd0", "Unicode noncharacter U+FDD0"),
    ("\ufdef", "Unicode noncharacter U+FDEF"),
    ("\U0001fffe", "Unicode noncharacter U+1FFFE"),
    ("\U0010ffff", "Unicode noncharacter U+10FFFF"),
    ("\x85", "C1 control character U+0085"),
    ("\x9b", "C1 control character U+009B"),
    ("\x80", "C1 control character U+0080"),
])
def test_uncarriable_characters_are_refused_with_file_and_line(tmp_path, char, kind):
    """One U+FFFF used to corrupt the published workbook (its sheet XML not well-formed) and
    C1 controls reached the CSVs and the terminal report."""
    path = tmp_path / "issue.md"
    with pytest.raises(GazetteError) as err:
        read_bytes(_with(char), path)
    assert str(err.value) == (f"{path}:{LINE}: {kind} in the text; XML, spreadsheets and "
                              "terminals cannot carry it — convert the source document again")


def test_neighbours_of_the_refused_characters_pass(tmp_path):
    """Only the noncharacters and C1: U+00A0, U+FDCF, U+FDF0, U+FFFD (the replacement
    character) and plane-1 letters are ordinary text."""
    issue = read_bytes(_with("\u00a0\ufdcf\ufdf0\ufffd\U0001fffd"), tmp_path / "ok.md")
    assert issue.year == 2018 and issue.number == 16


def test_the_command_line_says_it_in_one_line(tmp_path):
    path = tmp_path / "issue.md"
    path.write_bytes(_with("\x9b"))
    result = run_cli("extract", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {path}:{LINE}: C1 control character U+009B in the text; XML, spreadsheets "
        "and terminals cannot carry it — convert the source document again"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("char", "kind"), [
    ("\x9b", "C1 control character U+009B"), ("\uffff", "Unicode noncharacter U+FFFF")])
def test_a_web_page_goes_through_the_same_check(tmp_path, char, kind):
    """An HTML source is read into a derived text first; that text passes the same check, and
    the line named is the derived text's (the file ``source_line`` counts in). (Entities such
    as ``&#xffff;`` never get there: Python's HTML parser drops or maps them; a PDF's text
    goes through the same ``decode_text`` and names the page too.)"""
    from etl.read import derive_text
    page = ("<html><head><meta charset='utf-8'><title>公报</title></head><body>"
            "<p>连云港市人民政府公报</p><p>2018</p><p>第16期</p><p>2018年12月15日</p>"
            f"<p>本期要目{char}</p></body></html>").encode()
    path = tmp_path / "issue.html"
    with pytest.raises(GazetteError) as err:
        read_bytes(page, path)
    lines = derive_text(page, path).split("\n")
    line = next(n for n, text in enumerate(lines, start=1) if char in text)
    assert lines[line - 1] == f"本期要目{char}"
    assert str(err.value) == (f"{path}:{line}: {kind} in the text; XML, spreadsheets and "
                              "terminals cannot carry it — convert the source document again")
