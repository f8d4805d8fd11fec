"""Every dataset and every column is described in Chinese as well as English: the 说明 a clerk
reads in the workbook, the dashboard's zh mode and docs/data-dictionary.md."""

from __future__ import annotations

import re

import yaml

from etl.dictionary import DICTIONARY_DIR, datasets, table_schema

CJK = re.compile(r"[\u3400-\u9fff]")


def test_every_column_has_a_chinese_description():
    missing = [f"{ds.name}.{col.name}" for ds in datasets().values() for col in ds.columns
               if not (col.description_zh or "").strip()]
    assert not missing, missing
    for ds in datasets().values():
        for col in ds.columns:
            text = col.description_zh or ""
            # Chinese prose, not the English pasted over: mostly CJK among the letters
            assert len(CJK.findall(text)) >= 4, (ds.name, col.name)
            latin = len(re.findall(r"[A-Za-z]", re.sub(r"[a-z_]+(?:\.[a-z_]+)*", "", text)))
            assert latin < len(CJK.findall(text)), (ds.name, col.name, text)
            assert col.describe("zh") == text and col.describe("en") == col.description


def test_every_dataset_declares_its_chinese_description():
    for path in sorted(DICTIONARY_DIR.glob("[!_]*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert CJK.search(raw.get("description_zh") or ""), path.name
        assert datasets()[raw["name"]].description_zh == raw["description_zh"].strip()


def test_a_column_that_overrides_its_shared_description_overrides_the_chinese_too():
    """source_line is shared (_common.yaml); where a dataset says what its line is, the
    Chinese says the same thing, not the shared text."""
    shared = datasets()["economic_indicators"].column("source_line")
    for name, marker in (("chronicle_entries", "●"), ("task_assignments", "表格行"),
                         ("gazette_documents", "令头")):
        col = datasets()[name].column("source_line")
        assert col.description != shared.description, name
        assert col.description_zh != shared.description_zh and marker in col.description_zh
    # the page column keeps its own meaning (it once carried the line's description)
    page = datasets()["gazette_documents"].column("source_page")
    assert page.description == datasets()["economic_indicators"].column("source_page").description
    assert "页码" in page.description_zh


def test_the_data_package_and_the_descriptions_agree():
    fields = {f["name"]: f for f in table_schema(datasets()["heritage_sites"])["fields"]}
    assert fields["county"]["x-description-zh"].startswith("文物保护单位所在的现今县级行政区")
    assert all(f.get("x-description-zh") for f in fields.values())


def test_a_hash_in_a_description_is_text_not_a_yaml_comment():
    """part_of once lost everything after " # or 其中" to YAML's comment syntax."""
    col = datasets()["economic_indicators"].column("part_of")
    assert "Rows marked # or 其中" in col.description
    assert col.description.endswith("an unmarked sub-row is a part only when the catalogue says so.")
