"""The data dictionary, declared once in ``etl/dictionary/*.yaml``.

One YAML file per dataset declares its columns (name, type, zh/en label, description,
constraints) and the quality-flag codes its rows may carry. From that single declaration
this module derives: pandas dtypes, the pandera validation schema, the Frictionless Table
Schema in ``datapackage.json``, the Excel headers and the dashboard's labels.

``_common.yaml`` holds columns several datasets share (provenance, quality flags); a dataset
column that says ``use: source_line`` takes that declaration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

DICTIONARY_DIR = Path(__file__).parent / "dictionary"

# dictionary type → (pandas dtype, Frictionless type)
TYPES: dict[str, tuple[str, str]] = {
    "string": ("string", "string"),
    "integer": ("Int64", "integer"),
    "number": ("Float64", "number"),
    "boolean": ("boolean", "boolean"),
    "date": ("datetime64[s]", "date"),
    "year_month": ("string", "yearmonth"),
    "category": ("string", "string"),  # a string with an enum; pandas Categorical on load
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
        return TYPES[self.type][0]

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def value_label(self, value: object, lang: str = "zh") -> str:
        """The label of one of this column's coded values (the value itself if unlabelled)."""
        return value_label(self.values or self.name, value, lang)


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


def _load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


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


@cache
def value_lists() -> dict[str, tuple[Value, ...]]:
    """Every value list of ``_values.yaml``: list name → its values in declared order."""
    raw = _load_yaml(DICTIONARY_DIR / "_values.yaml") or {}
    return {name: tuple(Value(str(v["value"]), str(v["zh"]), str(v["en"])) for v in items)
            for name, items in raw.items()}


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
    """Columns in dictionary order with dictionary dtypes. Missing columns are an error."""
    missing = [c for c in ds.column_names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in ds.column_names]
    if missing or extra:
        raise ValueError(f"{ds.name}: columns do not match the dictionary "
                         f"(missing {missing}, undeclared {extra})")
    out = pd.DataFrame(index=range(len(frame)))
    for col in ds.columns:
        values = frame[col.name].reset_index(drop=True)
        if col.type == "date":
            out[col.name] = pd.to_datetime(values, errors="raise").astype("datetime64[s]")
        elif col.type in ("integer", "number"):
            out[col.name] = pd.to_numeric(values, errors="raise").astype(col.dtype)
        elif col.type == "boolean":
            out[col.name] = values.astype("boolean")
        else:
            out[col.name] = values.astype("string").replace("", pd.NA)
    return out


def labels(name: str, lang: str = "zh") -> dict[str, str]:
    """Column name → label in ``lang`` (zh or en), for headers and charts."""
    return {c.name: c.label(lang) for c in dataset(name).columns}


# --- Frictionless Table Schema ---------------------------------------------------------


def table_schema(ds: Dataset) -> dict:
    fields = []
    for col in ds.columns:
        entry: dict[str, Any] = {
            "name": col.name, "type": TYPES[col.type][1], "title": col.en,
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
        if col.type == "date":
            entry["format"] = "default"
        fields.append(entry)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if ds.primary_key:
        schema["primaryKey"] = list(ds.primary_key)
    return schema
