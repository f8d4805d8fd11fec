"""The city is a profile of reviewed tables, not code: a second city's gazette is read by
giving the pipeline that city's ``city.csv`` and ``doc_prefixes.csv`` (here 宿迁市, an
invented issue in its gazette's layout)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from etl.profile import profile
from tests.conftest import copy_repo, run_cli
from tests.test_ingest import _rows

SUQIAN = Path(__file__).parent / "data" / "profiles" / "suqian"

ISSUE = """宿迁市人民政府公报

2020

第5期

2020年5月30日

市政府办公室关于印发2020年市政府规范性文件清理结果的通知

宿政办发〔2020〕21号

各县、区人民政府，市各委办局：

经市政府同意，现将2020年市政府规范性文件清理结果印发给你们。

附件：废止的规范性文件目录

宿迁市人民政府办公室

2020年5月20日

附件

废止的规范性文件目录

序号\t文件名称\t发文主体\t文号\t发文时间
1\t宿迁市城市绿化管理办法\t宿迁市人民政府\t宿政发〔2012〕45号\t2012年6月1日
2\t市政府办公室关于加强农村公路养护工作的通知\t市政府办公室\t宿政办发〔2014〕88号\t2014年9月3日
3\t宿迁市政府投资项目管理办法\t市政府\t宿政规发〔2016〕2号\t2016年3月15日
"""


def _second_city(tmp_path):
    root = copy_repo(tmp_path / "suqian")
    reference = root / "datasets" / "reference"
    for name in ("city.csv", "doc_prefixes.csv"):
        shutil.copy(SUQIAN / name, reference / name)
    raw = root / "datasets" / "raw"
    for path in raw.iterdir():
        if path.name != "manifest.csv":
            path.unlink()
    manifest = raw / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").split("\n")[0] + "\n",
                        encoding="utf-8")
    return root


def test_this_checkouts_profile_is_its_reference_tables():
    city = profile()
    assert (city.name_zh, city.slug) == ("连云港市", "lianyungang")
    assert city.own_prefixes == ("连政发", "连政办发", "连政规发", "政府令")
    assert city.issuer_names()["连云港市人民政府办公室"] == "市政府办公室"
    assert city.prefix("苏政发").level == "province"


def test_a_second_city_is_read_by_adding_its_profile(tmp_path):
    root = _second_city(tmp_path)
    issue = tmp_path / "suqian-2020-05.md"
    issue.write_text(ISSUE, encoding="utf-8")
    result = run_cli("--root", str(root), "ingest", str(issue), cwd=root, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (root / "datasets" / "raw" / "suqian-gazette-2020-05.md").read_bytes() == \
        issue.read_bytes()
    rows = _rows(root, "normative_documents")
    assert [(r["doc_number"], r["issuer"], r["doc_type"]) for r in rows] == [
        ("宿政发〔2012〕45号", "市政府", "宿政发"),
        ("宿政办发〔2014〕88号", "市政府办公室", "宿政办发"),
        ("宿政规发〔2016〕2号", "市政府", "宿政规发")]
    assert all(r["cleanup_doc"] == "宿政办发〔2020〕21号" for r in rows)
    assert not any(r["quality_flags"] for r in rows)  # every issuer is the profile's own
    docs = _rows(root, "gazette_documents")
    assert [(d["doc_number"], d["issuer"]) for d in docs] == [("宿政办发〔2020〕21号", "市政府办公室")]
    package = json.loads((root / "datasets" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == "suqian-gazette"
    assert package["sources"][0]["title"].startswith("宿迁市人民政府公报 2020-05")
    assert (root / "datasets" / "suqian_gazette.xlsx").exists()


def test_the_same_issue_under_another_citys_profile_says_what_it_does_not_know(tmp_path):
    """Read with Lianyungang's profile, 宿迁's issuers are not the city's own: classed by
    their level only, and flagged so."""
    issue = tmp_path / "suqian-2020-05.md"
    issue.write_text(ISSUE, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("extract", str(issue), "--out", str(out))
    assert result.returncode == 0, result.stderr
    with (out / "normative_documents.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["issuer_raw"] == "宿迁市人民政府"
    assert "issuer_by_level" in rows[0]["quality_flags"].split(";")
