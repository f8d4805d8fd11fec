"""datapackage.json: licences, version, sources, foreign keys, every file a resource with its
size and sha256 — and `frictionless validate` still passes (and catches a broken key)."""

import csv
import hashlib
import json

import pytest

from etl.datapackage import REFERENCE, datapackage_bytes, infer_schema
from etl.dictionary import datasets
from etl.integrity import foreign_keys
from etl.paths import DATASETS_DIR
from etl.release import DATA_LICENSE, VERSION_FILE
from tests.conftest import copy_repo


@pytest.fixture(scope="module")
def outputs(build):
    return build.outputs()


@pytest.fixture(scope="module")
def package(outputs):
    return json.loads(outputs["datapackage.json"])


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_package_fields(package, outputs):
    assert package["licenses"] == [{"name": "CC-BY-4.0", "title": DATA_LICENSE["title"],
                                     "path": DATA_LICENSE["path"]}]
    assert package["x-terms"]["zh"] == DATA_LICENSE["terms_zh"]
    assert package["version"] == json.loads(outputs[VERSION_FILE])["version"]
    assert package["version"].startswith("2022-10+")
    assert package["created"] == "2022-11-15T00:00:00Z"
    with (DATASETS_DIR / "raw" / "manifest.csv").open(encoding="utf-8") as fh:
        manifest = list(csv.DictReader(fh))
    assert [(s["path"], s["hash"]) for s in package["sources"]] == [
        (f"raw/{m['file']}", f"sha256:{m['sha256']}") for m in manifest]
    assert package["sources"][0]["bytes"] == (DATASETS_DIR / "raw" / manifest[0]["file"]).stat().st_size


def test_every_file_is_a_resource_with_size_and_hash(package, outputs):
    by_path = {r["path"]: r for r in package["resources"]}
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names))
    assert names[:len(datasets())] == list(datasets())
    for path, data in outputs.items():
        if path == "datapackage.json" or path.startswith("raw/"):
            continue  # itself (a cycle); derived texts of PDF issues are sources
        assert by_path[path]["bytes"] == len(data), path
        assert by_path[path]["hash"] == _sha(data), path
    for path in [*(f"reference/{n}" for n in REFERENCE if (DATASETS_DIR / "reference" / n).exists()),
                 "geo/lianyungang_counties.geojson", "raw/manifest.csv", "changelog.csv"]:
        assert by_path[path]["hash"] == _sha((DATASETS_DIR / path).read_bytes()), path
    assert "datapackage.json" not in by_path
    assert by_path["heritage_sites.parquet"]["format"] == "parquet"
    assert by_path["heritage_sites.parquet"]["type"] == "file"
    assert by_path["geo/lianyungang_counties.geojson"]["licenses"][0]["name"] == "MIT"
    indicators = by_path["reference/indicators.csv"]["schema"]
    assert "primaryKey" not in indicators  # indicator_id repeats per printed variant
    eras = {f["name"]: f["type"] for f in by_path["reference/eras.csv"]["schema"]["fields"]}
    assert eras["start_year"] == "integer" and by_path["reference/eras.csv"]["schema"][
        "primaryKey"] == ["era"]


def test_foreign_keys_are_declared_as_integrity_checks_them(package):
    declared = {(r["name"], tuple(fk["fields"]), fk["reference"]["resource"] or r["name"],
                 tuple(fk["reference"]["fields"]))
                for r in package["resources"] for fk in r.get("schema", {}).get("foreignKeys", [])}
    assert declared == {(fk.dataset, fk.fields, fk.reference, fk.reference_fields)
                        for fk in foreign_keys()}
    places = next(r for r in package["resources"] if r["name"] == "heritage_site_places")
    assert {"fields": ["level", "site_id"], "reference": {
        "resource": "heritage_sites", "fields": ["level", "site_id"]}} in \
        places["schema"]["foreignKeys"]


def test_infer_schema_declares_a_key_only_when_it_holds():
    data = "a,b,c\nx,1,1.5\ny,2,\nx,3,2\n".encode("utf-8-sig")
    schema = infer_schema(data, ["a"])
    assert [f["type"] for f in schema["fields"]] == ["string", "integer", "number"]
    assert "primaryKey" not in schema
    assert infer_schema(data, ["b"])["primaryKey"] == ["b"]


def test_without_files_only_the_datasets_are_listed(build):
    package = json.loads(datapackage_bytes(list(datasets().values()), build.build_date,
                                           build.issue_rows()))
    assert [r["name"] for r in package["resources"]] == list(datasets())
    assert all(fk["reference"]["resource"] != "raw_issues" for r in package["resources"]
               for fk in r["schema"].get("foreignKeys", []))


@pytest.mark.slow
def test_frictionless_validates_the_package_and_catches_a_broken_key(outputs, tmp_path):
    from frictionless import Package
    root = copy_repo(tmp_path)
    out = root / "datasets"
    for name, data in outputs.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "type", "note"])[:5]
    path = out / "document_events.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("by_doc")
    line = next(n for n, r in enumerate(rows[1:], start=2) if r[col])
    rows[line - 1][col] = "连政发〔2099〕1号"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    report = Package(str(out / "datapackage.json")).validate()
    assert [t.name for t in report.tasks if not t.valid] == ["document_events"]
    errors = report.flatten(["rowNumber", "type", "note"])
    assert [line, "foreign-key"] in [e[:2] for e in errors]
    assert any("连政发〔2099〕1号" in e[2] and "gazette_documents" in e[2] for e in errors)
    assert [None, "hash-count"] in [e[:2] for e in errors]
