"""Validate a typed dataset against the data dictionary (pandera).

pandera rather than frictionless for validation: it checks the pandas frames the pipeline
already holds (no round trip through files), reports every failing row at once (lazy
mode) and takes custom checks such as "every quality-flag code is declared". The
Frictionless Data Package is still written (``datapackage.json``) and a test validates the
published CSVs with the frictionless library as an independent second opinion.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from etl.dictionary import TYPES, Dataset
from etl.errors import GazetteError

_PANDERA_DTYPES = {kind: spec.dtype for kind, spec in TYPES.items()}  # the one type map


def _flag_check(ds: Dataset) -> pa.Check:
    declared = ds.flag_codes()

    def declared_codes(series: pd.Series) -> pd.Series:
        return series.fillna("").map(
            lambda v: all(code in declared for code in str(v).split(";") if code))

    return pa.Check(declared_codes, element_wise=False,
                    error="quality flag code not declared in the data dictionary")


def pandera_schema(ds: Dataset) -> pa.DataFrameSchema:
    columns = {}
    for col in ds.columns:
        checks = []
        if col.enum:
            checks.append(pa.Check.isin(list(col.enum)))
        if col.pattern:
            checks.append(pa.Check.str_matches(col.pattern))
        if col.minimum is not None:
            checks.append(pa.Check.ge(col.minimum))
        if col.maximum is not None:
            checks.append(pa.Check.le(col.maximum))
        if col.name == "quality_flags":
            checks.append(_flag_check(ds))
        columns[col.name] = pa.Column(_PANDERA_DTYPES[col.type], checks=checks,
                                      nullable=not col.required, unique=col.unique)
    unique = list(ds.primary_key) or None
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=unique,
                              report_duplicates="all")


def _where(frame: pd.DataFrame, index: object) -> str:
    try:
        row = frame.loc[index]
    except (KeyError, TypeError):
        return f"row {index}"
    if "source_issue" in frame.columns and "source_line" in frame.columns:
        return f"issue {row['source_issue']} line {row['source_line']}"
    return f"row {index}"


def validate(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Return ``frame`` if it satisfies the dictionary; raise GazetteError naming the rows."""
    try:
        return pandera_schema(ds).validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases.head(5)
        problems = []
        for _, case in cases.iterrows():
            where = _where(frame, case["index"]) if pd.notna(case["index"]) else "table"
            problems.append(f"{case['column']}: {case['check']} failed for "
                            f"{case['failure_case']!r} ({where})")
        more = len(exc.failure_cases) - len(cases)
        tail = f"; and {more} more" if more > 0 else ""
        raise GazetteError(f"dataset {ds.name} fails its dictionary: "
                           + "; ".join(problems) + tail) from None
