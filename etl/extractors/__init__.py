"""Extractors: one module per dataset family, discovered automatically.

A module in this package is an extractor when it defines

- ``DATASETS``: the dataset names (declared in ``etl/dictionary/``) it produces;
- ``extract(issue, ctx) -> Extraction``: rows found in one issue, as dicts keyed by the
  dictionary's column names (``quality_flags`` as a list of codes or a ``;`` string);
- optionally ``combine(frames, ctx) -> dict[str, DataFrame]``: a step across all issues
  (e.g. a document's lifecycle), given the concatenated per-issue frames of every dataset.

Adding a dataset = adding one module here and one YAML file in ``etl/dictionary/``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType

import pandas as pd

from etl.paths import REFERENCE_DIR


@dataclass
class Extraction:
    """What an extractor found in one issue."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    tables: list[int] = field(default_factory=list)  # header lines of the tables it used
    notes: list[str] = field(default_factory=list)  # human-readable findings, with lines

    def add(self, dataset: str, row: dict) -> None:
        self.rows.setdefault(dataset, []).append(row)


@dataclass
class Context:
    """What extractors may read besides the issue: reviewed reference tables."""

    reference_dir: Path = REFERENCE_DIR
    options: dict = field(default_factory=dict)

    def reference(self, name: str) -> pd.DataFrame:
        return _read_reference(self.reference_dir / f"{name}.csv")

    def records(self, name: str) -> tuple[dict, ...]:
        """The reference table as row dicts, converted once per file (not once per issue:
        ``DataFrame.to_dict`` showed up in the ETL profile). Read-only: do not mutate."""
        return _reference_records(self.reference_dir / f"{name}.csv")


@cache
def _read_reference(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@cache
def _reference_records(path: Path) -> tuple[dict, ...]:
    return tuple(_read_reference(path).to_dict("records"))


@cache
def modules() -> tuple[ModuleType, ...]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "DATASETS") and hasattr(module, "extract"):
            found.append(module)
    return tuple(found)


def flags_text(flags: object) -> str:
    """A list/tuple of codes (or a ``;`` string) → the published form: unique, ``;``-joined."""
    if flags is None:
        return ""
    if isinstance(flags, str):
        flags = flags.split(";")
    return ";".join(dict.fromkeys(f for f in flags if f))  # type: ignore[union-attr]
