"""Terms of use and the data version: LICENSE, CITATION.cff, etl.release, VERSION.json."""

import json
import re

import yaml

from etl.paths import ROOT
from etl.release import (
    CODE_LICENSE,
    DATA_LICENSE,
    VERSION_FILE,
    content_hash,
    data_version,
    read_version,
    version_for_frames,
    version_record,
)


def test_code_licence_is_mit_and_points_at_the_data_terms():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and CODE_LICENSE == "MIT"
    assert "CC BY 4.0" in text and "Art. 5" in text


def test_data_licence_says_what_and_why_in_both_languages():
    assert DATA_LICENSE["name"] == "CC-BY-4.0"
    assert DATA_LICENSE["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "第五条" in DATA_LICENSE["terms_zh"] and "CC BY 4.0" in DATA_LICENSE["terms_zh"]
    assert "Article 5" in DATA_LICENSE["terms_en"]
    assert "not legal advice" in DATA_LICENSE["terms_en"]


def test_citation_file_has_the_cff_required_keys():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors"} <= set(cff)
    assert all("name" in a or "family-names" in a for a in cff["authors"])
    assert cff["license"] == DATA_LICENSE["name"]
    assert cff["type"] == "dataset"


def test_content_hash_covers_the_dataset_csvs_only(build):
    outputs = build.outputs()
    digest = content_hash(outputs)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    others = {**outputs, "lianyungang_gazette.xlsx": b"other", "datapackage.json": b"{}",
              "heritage_sites.parquet": b"", VERSION_FILE: b""}
    assert content_hash(others) == digest  # so the workbook can show it: no cycle
    changed = {**outputs, "heritage_sites.csv": outputs["heritage_sites.csv"] + b"x"}
    assert content_hash(changed) != digest


def test_version_is_newest_issue_and_hash_published_with_the_build(build, tmp_path):
    outputs = build.outputs()
    record = json.loads(outputs[VERSION_FILE])
    digest = content_hash(outputs)
    assert record["version"] == data_version("2022-10", digest) == f"2022-10+{digest[:8]}"
    assert record["newest_issue"] == "2022-10"
    assert record["built_on"] == "2022-11-15"  # the newest issue's date, not the clock
    assert record["content_hash"] == f"sha256:{digest}"
    assert record["issues"] == ["2018-16", "2022-10"]
    assert version_for_frames(build.frames, build.issue_rows()) == record
    assert version_record(outputs, build.issue_rows()) == record
    (tmp_path / VERSION_FILE).write_bytes(outputs[VERSION_FILE])
    assert read_version(tmp_path) == record
    assert read_version(tmp_path / "missing") is None
