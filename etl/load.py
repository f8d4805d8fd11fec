"""Load a published dataset into pandas, typed by the data dictionary.

    from etl import load
    load()                      # which datasets there are, one line each
    sites = load("heritage_sites")

Dtypes follow the dictionary: ``category`` columns become pandas Categoricals whose
categories are the declared enum (in declaration order), dates ``datetime64[s]``, integers
nullable ``Int64``, numbers (values, coordinates) ``float64`` with NaN for missing,
booleans ``boolean``, text and ``YYYY-MM`` periods ``string`` with ``<NA>`` for missing.

Reads ``<name>.parquet`` when present, else ``<name>.csv``, from ``datasets_dir`` (argument),
else ``$LYG_DATASETS_DIR``, else this checkout's ``datasets/``. Imports pandas only when
called, so ``import etl`` stays light.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from etl.paths import DATASETS_DIR

if TYPE_CHECKING:
    import pandas as pd

    from etl.dictionary import Dataset

ENV_VAR = "LYG_DATASETS_DIR"
# dictionary type → the dtype load() gives it
DTYPES = {"string": "string", "year_month": "string", "category": "category",
          "date": "datetime64[s]", "integer": "Int64", "number": "float64",
          "boolean": "boolean"}


def resolve_dir(path: str | Path | None = None) -> Path:
    """Where published files are read from: the argument, else $LYG_DATASETS_DIR, else
    this checkout's ``datasets/``."""
    if path is not None:
        return Path(path)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return DATASETS_DIR


def load(name: str | None = None, datasets_dir: str | Path | None = None) -> pd.DataFrame:
    """The dataset ``name`` as a typed DataFrame; without a name, the list of datasets."""
    if name is None:
        return catalog(datasets_dir)
    from etl.dictionary import dataset

    spec = dataset(name)  # KeyError naming the known datasets
    where = resolve_dir(datasets_dir)
    parquet, csv = where / f"{name}.parquet", where / f"{name}.csv"
    if parquet.exists():
        raw = _read_parquet(parquet)
    elif csv.exists():
        raw = _read_csv(csv, spec)
    else:
        raise FileNotFoundError(
            f"{name} is declared in the data dictionary but not published in {where} "
            f"(no {name}.parquet or {name}.csv) — run `python -m etl build`")
    _check_columns(raw, spec, parquet if parquet.exists() else csv)
    return typed(raw, spec)


def typed(frame: pd.DataFrame, spec: Dataset) -> pd.DataFrame:
    """``frame`` with the loader's dtypes for ``spec`` (see the module docstring)."""
    import pandas as pd

    out = {}
    for col in spec.columns:
        values = frame[col.name]
        if col.type == "category":
            text = values.astype("string")
            categories = list(col.enum or sorted(text.dropna().unique()))
            undeclared = text.notna() & ~text.isin(categories)
            if undeclared.any():
                raise ValueError(f"{spec.name}.{col.name}: values outside the declared enum: "
                                 f"{sorted(set(text[undeclared]))}")
            out[col.name] = pd.Categorical(text, categories=categories)
        elif col.type == "date":
            out[col.name] = pd.to_datetime(values).astype(DTYPES["date"])
        elif col.type in ("integer", "number"):
            out[col.name] = pd.to_numeric(values).astype(DTYPES[col.type])
        else:
            out[col.name] = values.astype(DTYPES[col.type])
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def catalog(datasets_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per dataset of the dictionary: titles, rows published (``<NA>`` when not
    built yet), one-line description. Prints as one line per dataset."""
    import pandas as pd

    from etl.dictionary import datasets

    where = resolve_dir(datasets_dir)
    rows = []
    for name, spec in datasets().items():
        rows.append({"dataset": name, "zh": spec.zh, "en": spec.en,
                     "rows": _published_rows(where, name),
                     "description": one_line(spec.description)})
    frame = pd.DataFrame(rows, columns=["dataset", "zh", "en", "rows", "description"])
    frame["rows"] = frame["rows"].astype("Int64")
    return _catalog_class()(frame.set_index("dataset"))


@cache
def _catalog_class() -> type:
    import pandas as pd

    class Catalog(pd.DataFrame):
        """A DataFrame whose text form is one line per dataset (a wide table would be cut
        to ``...`` in a terminal); notebooks still show the HTML table."""

        @property
        def _constructor(self) -> type:
            return pd.DataFrame  # anything derived from it is a plain DataFrame

        def __repr__(self) -> str:
            width = max((len(n) for n in self.index), default=0)
            lines = []
            for name, row in self.iterrows():
                rows = "not built" if pd.isna(row["rows"]) else f"{row['rows']} rows"
                lines.append(f"{name:<{width}}  {row['zh']}（{row['en']}）, {rows}: "
                             f"{row['description']}")
            return "\n".join(lines)

    return Catalog


def describe(name: str) -> pd.DataFrame:
    """The dictionary of dataset ``name``, one row per column: Chinese and English labels,
    dictionary type, the dtype ``load`` gives it, constraints and description."""
    import pandas as pd

    from etl.dictionary import dataset

    spec = dataset(name)
    rows = []
    for col in spec.columns:
        rows.append({"column": col.name, "zh": col.zh, "en": col.en, "type": col.type,
                     "dtype": DTYPES[col.type], "required": col.required,
                     "values": ", ".join(map(str, col.enum)) if col.enum else "",
                     "description": col.description})
    return pd.DataFrame(rows).set_index("column")


def one_line(text: str, limit: int = 100) -> str:
    """The first sentence of a description, at most ``limit`` characters."""
    first = re.split(r"\.\s+(?=[A-Z(])", " ".join(text.split()))[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _published_rows(where: Path, name: str) -> int | None:
    parquet, csv = where / f"{name}.parquet", where / f"{name}.csv"
    if parquet.exists():
        import pyarrow.parquet as pq

        return pq.read_metadata(parquet).num_rows
    if csv.exists():
        import pandas as pd

        return len(pd.read_csv(csv, dtype=str, encoding="utf-8-sig"))
    return None


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    # to_pandas keeps Arrow nulls as None/NaN/NaT; typed() turns them into the pandas NAs
    return pq.read_table(path).to_pandas(types_mapper=None, date_as_object=True)


def _read_csv(path: Path, spec: Dataset) -> pd.DataFrame:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame.replace("", None)  # an empty cell is a missing value, never ""
    for col in spec.columns:
        if col.type == "boolean" and col.name in frame.columns:
            frame[col.name] = frame[col.name].map({"true": True, "false": False})
    return frame


def _check_columns(frame: pd.DataFrame, spec: Dataset, path: Path) -> None:
    if list(frame.columns) != spec.column_names:
        missing = [c for c in spec.column_names if c not in frame.columns]
        extra = [c for c in frame.columns if c not in spec.column_names]
        raise ValueError(f"{path}: columns differ from the data dictionary (missing {missing}, "
                         f"undeclared {extra}) — the file is stale: run `python -m etl build`")
