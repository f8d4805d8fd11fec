"""What a Chinese sheet shows for a coded value: its Chinese label from the dictionary
(``_values.yaml`` through ``Column.value_label``), and for a reference to an indicator
(``part_of``) the indicator's Chinese name. The codes stay in the CSV and Parquet files;
the 说明 sheet lists every code beside its label.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from etl.dictionary import Column, Dataset
from etl.paths import REFERENCE_DIR

INDICATORS = "economic_indicators"
# columns that hold an indicator_id of the catalogue: shown by the indicator's name
INDICATOR_REFS = {(INDICATORS, "part_of")}


def indicator_names(frames: dict[str, pd.DataFrame],
                    reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """indicator_id → Chinese name: the reviewed catalogue, then the names the published
    rows carry (an indicator not yet in the catalogue)."""
    names: dict[str, str] = {}
    path = Path(reference_dir) / "indicators.csv"
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as fh:
            names.update({r["indicator_id"]: r["indicator_zh"] for r in csv.DictReader(fh)})
    frame = frames.get(INDICATORS)
    if frame is not None and len(frame):
        for code, name in zip(frame["indicator_id"], frame["indicator_zh"], strict=True):
            if isinstance(code, str) and isinstance(name, str):
                names.setdefault(code, name)
    return names


def is_coded(ds: Dataset, col: Column) -> bool:
    """Does the sheet show this column's values by label rather than as stored?"""
    return bool(col.enum) or (ds.name, col.name) in INDICATOR_REFS


def shown(ds: Dataset, col: Column, value: object, indicators: dict[str, str]) -> object:
    """The value a Chinese sheet shows for a coded column's ``value``."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if (ds.name, col.name) in INDICATOR_REFS:
        return indicators.get(str(value), str(value))
    return col.value_label(value, "zh")
