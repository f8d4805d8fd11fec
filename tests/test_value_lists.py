"""Coded values are declared once — in etl/dictionary/_values.yaml, or in the reference table a
list points at — each with a Chinese and an English label, and nothing re-declares them."""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import pytest
import yaml

from etl import dictionary
from etl.dictionary import DICTIONARY_DIR, datasets, table_schema, value_label, value_lists
from etl.paths import GEO_DIR, REFERENCE_DIR, ROOT
from etl.profile import profile

CODE_DIRS = (ROOT / "etl", ROOT / "dashboard")


def _coded_columns():
    return [(ds, col) for ds in datasets().values() for col in ds.columns
            if col.type == "category" or col.enum]


def test_every_coded_column_takes_its_values_from_a_value_list():
    coded = _coded_columns()
    assert len(coded) == 21
    for ds, col in coded:
        assert col.values in value_lists(), (ds.name, col.name)
        assert col.enum == tuple(v.code for v in value_lists()[col.values]), (ds.name, col.name)
    # no dataset file spells out an enum of its own: the list lives in one place
    for path in sorted(DICTIONARY_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for spec in raw.get("columns", []) if isinstance(raw, dict) else []:
            assert "enum" not in spec, f"{path.name}: {spec.get('name') or spec.get('use')}"


def test_every_value_has_a_chinese_and_an_english_label():
    for name, values in value_lists().items():
        assert values, name
        codes = [v.code for v in values]
        assert len(set(codes)) == len(codes), name
        for v in values:
            assert v.code.strip() and v.zh.strip() and v.en.strip(), (name, v)
            assert any("\u3400" <= ch <= "\u9fff" for ch in v.zh), (name, v)
            assert v.en.isascii(), (name, v)


def test_each_list_is_declared_once():
    lists = value_lists()
    # two names for the same codes would be one list declared twice
    assert len({tuple(v.code for v in values) for values in lists.values()}) == len(lists)
    # every list is used by a column, except the status etl.status decides on a date and
    # the label-only lists of printed units and agencies (a new unit must not be refused)
    used = {col.values for _, col in _coded_columns()}
    assert set(lists) - used == {"status", "unit", "source_agency"}


def test_a_list_declared_twice_in_values_yaml_is_refused(tmp_path):
    path = tmp_path / "_values.yaml"
    path.write_text("event:\n  - {value: a, zh: 甲, en: a}\nevent:\n  - {value: b, zh: 乙, en: b}\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"_values.yaml:3: 'event' is declared twice"):
        dictionary._load_yaml(path)


def test_labels_are_the_ones_clerks_and_maps_use():
    assert value_label("protection_level", "全国重点", "zh") == "全国重点"
    assert value_label("protection_level", "全国重点", "en") == "national key"
    assert value_label("protection_level", "省级", "en") == "provincial"
    assert value_label("event", "listed_retained", "zh") == "清理：列入保留目录"
    assert value_label("list_status", "repealed", "zh") == "废止"
    assert value_label("citation_level", "national", "zh") == "国家级"
    assert value_label("heritage_category", "古墓葬", "en") == "Ancient tomb"
    assert datasets()["document_citations"].column("level").value_label("province") == "省级"
    assert value_label("county", None) == "" and value_label("event", "nonsense") == "nonsense"
    # the counties' English names are the ones the map's outlines carry
    geo = json.loads((GEO_DIR / f"{profile().slug}_counties.geojson").read_text(encoding="utf-8"))
    outlines = {f["properties"]["county"]: f["properties"]["county_en"] for f in geo["features"]}
    assert {v.code: v.en for v in value_lists()["county"]} == outlines
    assert value_label("county", "海州区", "en") == "Haizhou District"


def test_the_data_package_carries_the_labels():
    fields = {f["name"]: f for f in table_schema(datasets()["economic_indicators"])["fields"]}
    assert fields["measure"]["x-values"][0] == {"value": "cumulative_flow", "zh": "期内合计值",
                                                "en": "total over the period"}
    assert [v["value"] for v in fields["measure"]["x-values"]] == \
        fields["measure"]["constraints"]["enum"]
    assert "x-values" not in fields["value"]
    rows = dictionary.value_list_rows()
    assert {"list": "county", "position": 1, "value": "东海县", "zh": "东海县",
            "en": "Donghai County"} in rows
    assert len(rows) == sum(len(v) for v in value_lists().values())
    assert ("heritage_site_counts", "county") in dictionary.value_list_columns()["county"]


# --- nothing in code re-declares a value list ---------------------------------------------


def _county_names() -> set[str]:
    with (REFERENCE_DIR / "counties.csv").open(encoding="utf-8-sig", newline="") as fh:
        names = {r["county"] for r in csv.DictReader(fh)}
    with (REFERENCE_DIR / "county_names.csv").open(encoding="utf-8-sig", newline="") as fh:
        names |= {r["former_name"] for r in csv.DictReader(fh)}
    return names


def _python_files() -> list[Path]:
    return sorted(p for d in CODE_DIRS for p in d.rglob("*.py") if "__pycache__" not in p.parts)


def _redeclarations(tree: ast.AST, codes: set[str]):
    """Tuple, list and set literals holding every code of a list, or nothing but all but one
    of a list of four or more (the list declared again, perhaps out of date), and dicts keyed
    by every code with Chinese text as values (a label table). A mapping that attaches
    behaviour to codes (a colour, an event), a small subset of codes, or another vocabulary
    that shares some words is logic."""
    enough = len(codes) - 1 if len(codes) >= 4 else len(codes)
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            strings = {e.value for e in node.elts if isinstance(e, ast.Constant)}
            if codes <= strings or (strings <= codes and len(strings) >= enough):
                yield node
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            labels = all(isinstance(v, ast.Constant) and isinstance(v.value, str)
                         and any("\u3400" <= ch <= "\u9fff" for ch in v.value)
                         for v in node.values)
            if codes <= keys and labels:
                yield node


def test_no_python_file_names_the_citys_counties():
    """Counties are the city's (reference/counties.csv): a second city brings its own."""
    counties = _county_names()
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in counties:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}")
    assert not found, "\n".join(found)


def test_no_python_file_redeclares_a_value_list():
    """Read a list from the dictionary (``dataset(…).column(…).enum``, ``value_lists()``,
    ``etl.status.STATUSES``) instead of spelling it out again."""
    lists = {name: {v.code for v in values} for name, values in value_lists().items()}
    found = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, codes in lists.items():
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: list {name}"
                      for node in _redeclarations(tree, codes)]
    assert not found, "\n".join(found)
