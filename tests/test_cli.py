"""The CLI end to end: extract on real and broken files, build refusing a bad checksum."""

import csv

import pytest

from tests.conftest import ISSUE_2018, ISSUE_2022, copy_repo, run_cli


def test_extract_real_issue(tmp_path):
    result = run_cli("extract", str(ISSUE_2018), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "line 1307-1322: table 2018年1-10月份主要经济指标" in result.stdout
    assert "recognised by economic_indicators" in result.stdout
    with (tmp_path / "economic_indicators.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 15
    assert rows[2]["value"] == "1639.54"


def test_extract_issue_without_indicator_table(tmp_path):
    result = run_cli("extract", str(ISSUE_2022), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "line 84: document 市政府令第8号 连云港市违法建设控制和查处管理办法" in result.stdout
    assert not (tmp_path / "economic_indicators.csv").exists()


def _broken(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("name", "make", "message"), [
    ("empty.md", lambda: b"", "empty file"),
    ("blank.md", lambda: b"\n\n   \n", "empty file"),
    ("binary.md", lambda: bytes(range(256)) * 10, "binary data"),
    ("gbk.md", lambda: ISSUE_2018.read_text(encoding="utf-8").encode("gb18030"),
     "not UTF-8 text"),
    ("longline.md", lambda: b"x" * 15_000_000, "characters long"),
])
def test_unreadable_input_exits_2_with_one_line(tmp_path, name, make, message):
    path = _broken(tmp_path, name, make())
    result = run_cli("extract", str(path), "--out", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and message in lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_gbk_error_names_the_line(tmp_path):
    path = _broken(tmp_path, "gbk.md", b"line 1\nline 2\n" + "第三行".encode("gbk"))
    result = run_cli("extract", str(path), "--out", str(tmp_path / "out"))
    assert f"{path}:3:" in result.stderr
    assert "GB18030" in result.stderr


def test_build_refuses_a_tampered_raw_file(tmp_path):
    repo = copy_repo(tmp_path)
    raw = repo / "datasets" / "raw" / "lianyungang-gazette-2022-10.md"
    raw.write_bytes(raw.read_bytes() + b"\nedited\n")
    before = (repo / "datasets" / "economic_indicators.csv").read_bytes()
    result = run_cli("--root", str(repo), "build", cwd=repo)
    assert result.returncode == 2
    assert "checksum mismatch for issue 2022-10" in result.stderr
    assert "Traceback" not in result.stderr
    assert (repo / "datasets" / "economic_indicators.csv").read_bytes() == before


def test_build_with_no_issue_registered_says_so(tmp_path):
    # it used to end in "internal error: ZIP does not support timestamps before 1980"
    repo = copy_repo(tmp_path)
    manifest = repo / "datasets" / "raw" / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").splitlines()[0] + "\n",
                        encoding="utf-8")
    before = (repo / "datasets" / "heritage_sites.csv").read_bytes()
    result = run_cli("--root", str(repo), "build", cwd=repo)
    assert result.returncode == 2
    assert "no gazette issue is registered" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (repo / "datasets" / "heritage_sites.csv").read_bytes() == before


def test_build_then_check(tmp_path):
    repo = copy_repo(tmp_path)
    result = run_cli("--root", str(repo), "build", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "economic_indicators" in result.stdout and "15 rows" in result.stdout
    assert "[1/2] 2018-16" in result.stderr
    check = run_cli("--root", str(repo), "check", cwd=repo)
    assert check.returncode == 0, check.stderr
