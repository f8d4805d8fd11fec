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

def __getattr__(name: str) -> object:
    # DTYPES: dictionary type → the dtype load() gives it, read from the one map
    # (etl.dictionary.TYPES) when asked for, so `import etl` stays free of pandas
    if name == "DTYPES":
        from etl.dictionary import TYPES

        return {kind: spec.dtype for kind, spec in TYPES.items()}
    raise AttributeError(name)


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
    _refuse_a_mixed_set(where)
    parquet, csv = where / f"{name}.parquet", where / f"{name}.csv"
    if parquet.exists():
        path, raw = parquet, _read_parquet(parquet)
    elif csv.exists():
        path, raw = csv, read_csv(csv, spec)
    else:
        raise FileNotFoundError(
            f"{name} is declared in the data dictionary but not published in {where} "
            f"(no {name}.parquet or {name}.csv) — run `python -m etl build`")
    _check_columns(raw, spec, path)
    try:
        frame = typed(raw, spec)
    except (ValueError, TypeError) as exc:
        raise BrokenDatasetError(f"{path}: values do not fit the data dictionary ({exc}) "
                                 f"{_FIX}") from None
    check_keys(frame, spec, path)
    return frame


_FIX = "— republish it with `python -m etl build` (or restore it: `git checkout -- datasets/`)"


def _refuse_a_mixed_set(where: Path) -> None:
    """A publish killed in the middle of its commit leaves files of two builds side by side;
    reading them would mix two versions of the data silently."""
    from etl.publish import COMMIT_MARKER, STAGING, interrupted_publish

    if (where / STAGING / COMMIT_MARKER).exists():
        raise BrokenDatasetError(interrupted_publish(where) or str(where))


class BrokenDatasetError(ValueError):
    """A published file that cannot be read as its dictionary declares; names file and fix."""


def check_keys(frame: pd.DataFrame, spec: Dataset, path: Path | str) -> None:
    """Refuse a frame whose required columns hold nulls or whose primary key repeats."""
    for col in spec.columns:
        if col.required and frame[col.name].isna().any():
            row = int(frame.index[frame[col.name].isna()][0])
            raise BrokenDatasetError(f"{path}: required column {col.name} is empty in data "
                                     f"row {row + 1} {_FIX}")
    key = list(spec.primary_key)
    if key:
        # a key part that is not required may be empty (a document without a number), but
        # never the whole key
        null = frame[key].isna().all(axis=1)
        if null.any():
            row = int(frame.index[null][0])
            raise BrokenDatasetError(f"{path}: primary key ({', '.join(key)}) is empty in data "
                                     f"row {row + 1} {_FIX}")
        repeated = frame.duplicated(key, keep=False)
        if repeated.any():
            rows = [int(i) + 1 for i in frame.index[repeated][:4]]
            value = ", ".join(str(frame.loc[frame.index[repeated][0], k]) for k in key)
            raise BrokenDatasetError(f"{path}: primary key ({', '.join(key)}) = ({value}) "
                                     f"repeats in data rows {rows} {_FIX}")


def typed(frame: pd.DataFrame, spec: Dataset) -> pd.DataFrame:
    """``frame`` with the loader's dtypes for ``spec`` (see the module docstring)."""
    import pandas as pd

    out = {}
    for col in spec.columns:
        values = frame[col.name]
        if col.type in ("string", "year_month", "category"):
            values = values.astype("string").replace("", pd.NA)  # "" is missing, never text
        if col.type == "category":
            text = values
            categories = list(col.enum or sorted(text.dropna().unique()))
            undeclared = text.notna() & ~text.isin(categories)
            if undeclared.any():
                raise ValueError(f"{spec.name}.{col.name}: values outside the declared enum: "
                                 f"{sorted(set(text[undeclared]))}")
            out[col.name] = pd.Categorical(text, categories=categories)
        elif col.type == "date":
            out[col.name] = pd.to_datetime(values, errors="raise").astype(col.dtype)
        elif col.type in ("integer", "number"):
            out[col.name] = pd.to_numeric(values, errors="raise").astype(col.dtype)
        else:
            out[col.name] = values.astype(col.dtype)
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
                     "dtype": col.dtype, "required": col.required,
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
    import pyarrow as pa
    import pyarrow.parquet as pq

    # to_pandas keeps Arrow nulls as None/NaN/NaT; typed() turns them into the pandas NAs
    try:
        return pq.read_table(path).to_pandas(types_mapper=None, date_as_object=True)
    except (pa.ArrowException, OSError) as exc:
        raise BrokenDatasetError(f"{path}: not a readable Parquet file ({exc}) {_FIX}") from None


def read_csv(path: Path, spec: Dataset) -> pd.DataFrame:
    """A published CSV as text values (the one CSV reader: load, `etl check`, tests). An
    empty cell is a missing value, never ""; the CSV's spreadsheet-safety apostrophe
    (etl.spreadsheet) is taken off again, so values equal the Parquet's."""
    import pandas as pd

    from etl.spreadsheet import unsafe_text

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise BrokenDatasetError(f"{path}: not a readable CSV ({exc}) {_FIX}") from None
    frame = frame.replace("", None)
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        if col.type == "boolean":
            frame[col.name] = frame[col.name].map({"true": True, "false": False, None: None})
        elif col.type in ("string", "category", "year_month"):
            frame[col.name] = frame[col.name].map(unsafe_text, na_action="ignore")
    return frame


def _check_columns(frame: pd.DataFrame, spec: Dataset, path: Path) -> None:
    if list(frame.columns) != spec.column_names:
        missing = [c for c in spec.column_names if c not in frame.columns]
        extra = [c for c in frame.columns if c not in spec.column_names]
        raise ValueError(f"{path}: columns differ from the data dictionary (missing {missing}, "
                         f"undeclared {extra}) — the file is stale: run `python -m etl build`")


def rests_on(*frames: pd.DataFrame, datasets_dir: str | Path | None = None,
             lang: str = "en") -> str:
    """One sentence saying which gazette issues the rows of ``frames`` come from, and that
    nothing published after the newest ingested issue is in the data — to print beside every
    conclusion drawn from them."""
    from etl.manifest import read_manifest

    used = sorted({str(i) for f in frames if "source_issue" in f.columns
                   for i in f["source_issue"].dropna().unique()})
    raw = resolve_dir(datasets_dir) / "raw" / "manifest.csv"
    issues = read_manifest(raw) if raw.exists() else []
    published = {r.issue_id: r.published_on for r in issues}
    newest = max(published.values(), default=None)
    if lang == "zh":
        names = "、".join(f"{i[:4]}年第{int(i[5:])}期" for i in used) or "（无）"
        tail = f"；{newest}以后公布的变化尚未收录" if newest else ""
        return f"依据{len(used)}期公报：{names}（共收录{len(issues)}期）{tail}。"
    names = ", ".join(f"{i} (published {published[i]})" if i in published else i
                      for i in used) or "none"
    tail = f"; anything the gazette published after {newest} is not in the data" if newest else ""
    return (f"Rests on {len(used)} gazette issue{'s' if len(used) != 1 else ''}: {names} "
            f"(of {len(issues)} ingested){tail}.")
