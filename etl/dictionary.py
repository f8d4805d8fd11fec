"""The data dictionary, declared once in ``etl/dictionary/*.yaml``.

One YAML file per dataset declares its columns (name, type, zh/en label, description,
constraints) and the quality-flag codes its rows may carry. From that single declaration
this module derives: pandas dtypes, the pandera validation schema, the Frictionless Table
Schema in ``datapackage.json``, the Excel headers and the dashboard's labels.

``_common.yaml`` holds columns several datasets share (provenance, quality flags); a dataset
column that says ``use: source_line`` takes that declaration. ``_values.yaml`` holds the coded
values with their zh/en labels (or points at the reference table that holds them); a column
that says ``values: <list>`` takes its allowed values from there. Every column carries a
``description`` and a ``description_zh``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import yaml

from etl.errors import GazetteError

DICTIONARY_DIR = Path(__file__).parent / "dictionary"

class DataType(NamedTuple):
    """How one dictionary type is held in each place it goes: the pandas dtype every loader
    gives it (etl.load, the dashboard, `etl check` and the pipeline alike), its Frictionless
    type, its Arrow type name (Parquet) and its SQLite column type."""
    dtype: str
    frictionless: str
    arrow: str
    sqlite: str


# The one map from dictionary type to everything else. ``category`` is a string with a
# declared enum: a pandas Categorical whose categories are the enum, in declared order.
TYPES: dict[str, DataType] = {
    "string": DataType("string", "string", "string", "TEXT"),
    "category": DataType("category", "string", "string", "TEXT"),
    "year_month": DataType("string", "yearmonth", "string", "TEXT"),
    "integer": DataType("Int64", "integer", "int64", "INTEGER"),
    "number": DataType("float64", "number", "float64", "REAL"),
    "boolean": DataType("boolean", "boolean", "bool", "INTEGER"),
    "date": DataType("datetime64[s]", "date", "date32", "TEXT"),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    zh: str
    en: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    description_zh: str | None = None
    values: str | None = None  # the value list in _values.yaml that labels the enum

    @property
    def dtype(self) -> str:
        return TYPES[self.type].dtype

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def value_label(self, value: object, lang: str = "zh") -> str:
        """The label of one of this column's coded values (the value itself if unlabelled)."""
        return value_label(self.values or self.name, value, lang)

    def describe(self, lang: str = "zh") -> str:
        """The column's description in ``lang`` (the English one when no Chinese is declared)."""
        return (self.description_zh or self.description) if lang == "zh" else self.description

    def value_items(self) -> tuple[Value, ...]:
        """This column's coded values with their labels (empty for an uncoded column)."""
        return value_lists()[self.values] if self.values else ()


@dataclass(frozen=True)
class Value:
    """One coded value of a value list, with its labels."""
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Flag:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Dataset:
    name: str
    zh: str
    en: str
    description: str
    description_zh: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    order: int = 100
    sources: tuple[dict, ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def flag_codes(self) -> set[str]:
        return {f.code for f in self.flags}

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key declared twice in one mapping (plain YAML keeps the
    last silently — a value list declared twice would lose one of them unnoticed)."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ValueError(f"{getattr(loader, 'name', '?')}:{key_node.start_mark.line + 1}: "
                             f"{key!r} is declared twice")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        loader = _UniqueKeyLoader(fh)
        loader.name = str(path)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()


def _column(spec: dict, common: dict[str, dict]) -> Column:
    if "use" in spec:
        base = dict(common[spec["use"]])
        base.update({k: v for k, v in spec.items() if k != "use"})
        base.setdefault("name", spec["use"])
        spec = base
    if spec["type"] not in TYPES:
        raise ValueError(f"column {spec['name']}: unknown type {spec['type']!r}")
    enum = spec.get("enum")
    if spec.get("values"):
        if spec["values"] not in value_lists():
            raise ValueError(f"column {spec['name']}: no value list {spec['values']!r} in "
                             f"{VALUES_FILE.name}")
        declared = [v.code for v in value_lists()[spec["values"]]]
        if enum and list(enum) != declared:
            raise ValueError(f"column {spec['name']}: enum differs from value list "
                             f"{spec['values']!r}; declare the values once, in _values.yaml")
        enum = declared
    return Column(
        name=spec["name"], type=spec["type"], zh=spec["zh"], en=spec["en"],
        description=spec["description"].strip(), required=bool(spec.get("required", False)),
        unique=bool(spec.get("unique", False)), enum=tuple(enum) if enum else None,
        pattern=spec.get("pattern"), minimum=spec.get("minimum"), maximum=spec.get("maximum"),
        description_zh=spec.get("description_zh"), values=spec.get("values"),
    )


# A value list in _values.yaml is either the values themselves or, for values that belong
# to the city rather than to the gazette (its counties), a pointer to a reviewed reference
# table: {from: reference/counties.csv, value: county, zh: county, en: county_en}. An
# optional ``where: {column: value}`` keeps only matching rows; a value listed on several
# rows (printed variants) counts once, at its first row.
VALUES_FILE = DICTIONARY_DIR / "_values.yaml"


def _reference_values(name: str, spec: dict) -> tuple[Value, ...]:
    from etl.paths import DATASETS_DIR  # the checkout's tables: a second city brings its own

    path = DATASETS_DIR / spec["from"]
    if not path.exists():
        raise GazetteError(f"value list {name!r} points at a missing table", path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    where = spec.get("where") or {}
    out: dict[str, Value] = {}
    for n, row in enumerate(rows, start=2):
        if any(row.get(k) != str(v) for k, v in where.items()):
            continue
        try:
            code, zh, en = (row[spec[k]].strip() for k in ("value", "zh", "en"))
        except KeyError as exc:
            raise GazetteError(f"value list {name!r}: no column {exc.args[0]!r}", path) from None
        if not (code and zh and en):
            raise GazetteError(f"value list {name!r}: value, zh and en must not be empty",
                               path, n)
        out.setdefault(code, Value(code, zh, en))
    return tuple(out.values())


def _declared_values(name: str, items: list) -> tuple[Value, ...]:
    out = []
    for item in items:
        missing = [k for k in ("value", "zh", "en") if not str(item.get(k, "") or "").strip()]
        if missing:
            raise ValueError(f"{VALUES_FILE}: value list {name!r}: {item!r} lacks "
                             f"{', '.join(missing)}")
        out.append(Value(str(item["value"]), str(item["zh"]), str(item["en"])))
    codes = [v.code for v in out]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{VALUES_FILE}: value list {name!r} lists a value twice")
    return tuple(out)


@cache
def value_lists() -> dict[str, tuple[Value, ...]]:
    """Every value list: list name → its values (code, zh and en label) in declared order.
    The one declaration of coded values, for the workbook, the database, the docs and the
    dashboard alike."""
    raw = _load_yaml(VALUES_FILE) or {}
    return {name: (_reference_values(name, spec) if isinstance(spec, dict)
                   else _declared_values(name, spec))
            for name, spec in raw.items()}


def value_list_source(name: str) -> str:
    """Where a value list is declared: ``_values.yaml`` or the reference table it points at."""
    spec = (_load_yaml(VALUES_FILE) or {})[name]
    return f"datasets/{spec['from']}" if isinstance(spec, dict) else "etl/dictionary/_values.yaml"


def value_list_rows() -> list[dict[str, object]]:
    """Every value of every list as flat rows (list, position, value, zh, en) — a table for
    the database and the workbook; which columns use a list is ``value_list_columns()``."""
    return [{"list": name, "position": i, "value": v.code, "zh": v.zh, "en": v.en}
            for name, values in value_lists().items() for i, v in enumerate(values, start=1)]


def value_list_columns() -> dict[str, list[tuple[str, str]]]:
    """Value list → the (dataset, column) pairs that take their values from it."""
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in value_lists()}
    for ds in datasets().values():
        for col in ds.columns:
            if col.values:
                out[col.values].append((ds.name, col.name))
    return out


def value_label(values: str, code: object, lang: str = "zh") -> str:
    """The ``lang`` label of ``code`` in value list ``values``; the code itself when the list
    does not label it, and "" for a missing value."""
    if code is None or code is pd.NA or (isinstance(code, float) and code != code):
        return ""
    for value in value_lists().get(values, ()):
        if value.code == str(code):
            return value.en if lang == "en" else value.zh
    return str(code)


@cache
def datasets() -> dict[str, Dataset]:
    """Every dataset the dictionary declares, in publication order."""
    common_raw = _load_yaml(DICTIONARY_DIR / "_common.yaml")
    common = {c["name"]: c for c in common_raw["columns"]}
    common_flags = common_raw.get("flags", [])
    found: list[Dataset] = []
    for path in sorted(DICTIONARY_DIR.glob("[!_]*.yaml")):
        raw = _load_yaml(path)
        columns = tuple(_column(c, common) for c in raw["columns"])
        flags = tuple(Flag(f["code"], f["zh"], f["en"]) for f in raw.get("flags", []))
        if any(c.name == "quality_flags" for c in columns):
            flags += tuple(Flag(f["code"], f["zh"], f["en"]) for f in common_flags
                           if f["code"] not in {x.code for x in flags})
        found.append(Dataset(
            name=raw["name"], zh=raw["zh"], en=raw["en"],
            description=raw["description"].strip(),
            description_zh=raw.get("description_zh", raw["zh"]).strip(),
            columns=columns, primary_key=tuple(raw.get("primary_key", ())), flags=flags,
            order=raw.get("order", 100), sources=tuple(raw.get("sources", ())),
        ))
    return {d.name: d for d in sorted(found, key=lambda d: (d.order, d.name))}


def dataset(name: str) -> Dataset:
    try:
        return datasets()[name]
    except KeyError:
        known = ", ".join(datasets())
        raise KeyError(f"unknown dataset {name!r}; the dictionary declares: {known}") from None


def all_flags() -> dict[str, Flag]:
    """Every quality-flag code across datasets (codes mean the same everywhere)."""
    out: dict[str, Flag] = {}
    for ds in datasets().values():
        for flag in ds.flags:
            out.setdefault(flag.code, flag)
    return out


# --- typing --------------------------------------------------------------------------


def coerce(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Columns in dictionary order with the dictionary's dtypes (``TYPES``) — the same typing
    ``etl.load`` gives analysts. Missing or undeclared columns are an error."""
    from etl.load import typed

    missing = [c for c in ds.column_names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in ds.column_names]
    if missing or extra:
        raise ValueError(f"{ds.name}: columns do not match the dictionary "
                         f"(missing {missing}, undeclared {extra})")
    return typed(frame.reset_index(drop=True), ds)


def labels(name: str, lang: str = "zh") -> dict[str, str]:
    """Column name → label in ``lang`` (zh or en), for headers and charts."""
    return {c.name: c.label(lang) for c in dataset(name).columns}


# --- Frictionless Table Schema ---------------------------------------------------------


def table_schema(ds: Dataset) -> dict:
    fields = []
    for col in ds.columns:
        entry: dict[str, Any] = {
            "name": col.name, "type": TYPES[col.type].frictionless, "title": col.en,
            "description": col.description, "x-title-zh": col.zh,
        }
        if col.description_zh:
            entry["x-description-zh"] = col.description_zh
        constraints: dict[str, Any] = {}
        if col.required:
            constraints["required"] = True
        if col.unique:
            constraints["unique"] = True
        if col.enum:
            constraints["enum"] = list(col.enum)
        if col.pattern:
            constraints["pattern"] = col.pattern
        if col.minimum is not None:
            constraints["minimum"] = col.minimum
        if col.maximum is not None:
            constraints["maximum"] = col.maximum
        if constraints:
            entry["constraints"] = constraints
        if col.values:  # the coded values' labels, for tools that show labels (x- = extension)
            entry["x-values"] = [{"value": v.code, "zh": v.zh, "en": v.en}
                                 for v in col.value_items()]
        if col.type == "date":
            entry["format"] = "default"
        fields.append(entry)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if ds.primary_key:
        schema["primaryKey"] = list(ds.primary_key)
    return schema
