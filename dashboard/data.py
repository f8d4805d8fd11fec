"""The one place the dashboard reads files: published datasets, county outlines, workbook.

Each dataset is read from its Parquet file once per process by ``etl.load.load``, the
loader analysts and `etl check` use (the same dtypes: categories as pandas Categoricals in
declared order, numbers float64). A dataset that is not published yet, or whose file
no longer matches the dictionary, reads as ``None`` and its page says 暂无数据 instead of
failing. ``LYG_DATASETS_DIR`` points the app at another copy of ``datasets/`` (tests use it
to add a second reporting period); nothing here takes a path from a request.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from functools import cache
from pathlib import Path

import pandas as pd

from etl import dictionary
from etl.geo.gazetteer import COUNTIES_FILE
from etl.load import load as load_dataset
from etl.paths import DATASETS_DIR, WORKBOOK_NAME

ENV_DIR = "LYG_DATASETS_DIR"
COUNTIES_GEOJSON = Path("geo") / COUNTIES_FILE

log = logging.getLogger(__name__)


def datasets_dir() -> Path:
    return Path(os.environ.get(ENV_DIR) or DATASETS_DIR)


@cache
def load(name: str) -> pd.DataFrame | None:
    """The published dataset ``name``, typed by the dictionary; ``None`` when absent."""
    if name not in dictionary.datasets() or not (datasets_dir() / f"{name}.parquet").exists():
        return None
    try:  # the analysts' loader: the same dtypes, checks and file as etl.load
        return load_dataset(name, datasets_dir())
    except (ValueError, TypeError, OSError) as exc:  # stale file mid-rebuild: show 暂无数据
        log.warning("cannot load %s: %s", name, exc)
        return None


def available() -> list[str]:
    """Names of the declared datasets that are published, in dictionary order."""
    return [name for name in dictionary.datasets() if load(name) is not None]


@cache
def counties_geojson() -> dict | None:
    path = datasets_dir() / COUNTIES_GEOJSON
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as fh:
        geo = json.load(fh)
    if not geo.get("features"):
        return None
    return geo


def county_names() -> list[str]:
    geo = counties_geojson()
    if geo is None:
        return []
    return [f["properties"]["county"] for f in geo["features"]]


def county_label(county: object, lang: str = "zh") -> str:
    """A county's name in ``lang``: the outlines carry the English name (``county_en``)."""
    if not isinstance(county, str):
        return ""
    if lang == "en":
        for feature in (counties_geojson() or {}).get("features", []):
            if feature["properties"].get("county") == county:
                return feature["properties"].get("county_en") or county
    return county


@cache
def issues() -> list[dict]:
    """The gazette issues ingested (``raw/manifest.csv``): issue_id, published_on."""
    path = datasets_dir() / "raw" / "manifest.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{"issue_id": r["issue_id"], "published_on": r["published_on"]}
                for r in csv.DictReader(fh)]


def workbook_path() -> Path:
    return datasets_dir() / WORKBOOK_NAME


def workbook_bytes() -> bytes | None:
    path = workbook_path()
    return path.read_bytes() if path.exists() else None


_RESETS: list = []
_GENERATION = [0]


def generation() -> int:
    """The data version this process serves: bumped by ``reset``, so anything keyed by it
    (dashboard/respcache.py) never answers from data read before a reload."""
    return _GENERATION[0]


def on_reset(clear) -> None:
    """Register a cache that derives from the files here (cleared by ``reset``)."""
    _RESETS.append(clear)


def reset() -> None:
    """Forget everything read so far (tests that point ``LYG_DATASETS_DIR`` elsewhere)."""
    load.cache_clear()
    counties_geojson.cache_clear()
    issues.cache_clear()
    _GENERATION[0] += 1
    for clear in _RESETS:
        clear()
