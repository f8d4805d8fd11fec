"""Render typed datasets to bytes (CSV, Parquet, XLSX, datapackage.json) and publish them
atomically.

Rendering is pure (frames in, bytes out) and byte-reproducible: no clock, no random zip
timestamps — the build date is the newest issue's publication date. Publishing stages every
file in ``datasets/.staging/``, writes a ``COMMIT`` marker last, then renames the files into
place; a build that dies before the marker leaves the published files untouched, and one
that dies after it is rolled forward by the next run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl.dictionary import Dataset, all_flags, table_schema
from etl.profile import CityProfile, profile
from etl.spreadsheet import safe_text

STAGING = ".staging"
COMMIT_MARKER = "COMMIT"

# --- CSV -------------------------------------------------------------------------------


def _format_number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _cell_text(value: object, kind: str) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and value != value):
        return ""
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind == "number":
        return _format_number(value)  # type: ignore[arg-type]
    if kind == "integer":
        return str(int(value))  # type: ignore[call-overload]
    if kind == "boolean":
        return "true" if value else "false"
    return safe_text(str(value))


def csv_bytes(frame: pd.DataFrame, ds: Dataset) -> bytes:
    """UTF-8 with BOM (Excel on a Chinese Windows desktop needs it), ``\\n`` line ends, text
    cells spreadsheet-safe (etl.spreadsheet)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ds.column_names)
    kinds = [c.type for c in ds.columns]
    for record in frame.itertuples(index=False, name=None):
        writer.writerow([_cell_text(v, k) for v, k in zip(record, kinds, strict=True)])
    return buf.getvalue().encode("utf-8-sig")


# --- Parquet ---------------------------------------------------------------------------

_ARROW = {"string": pa.string(), "category": pa.string(), "year_month": pa.string(),
          "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
          "date": pa.date32()}


def arrow_table(frame: pd.DataFrame, ds: Dataset) -> pa.Table:
    arrays, fields = [], []
    for col in ds.columns:
        series = frame[col.name]
        if col.type == "date":
            values = [None if pd.isna(v) else pd.Timestamp(v).date() for v in series]
        else:
            values = [None if pd.isna(v) else v for v in series.astype(object)]
        arrays.append(pa.array(values, type=_ARROW[col.type]))
        fields.append(pa.field(col.name, _ARROW[col.type], nullable=not col.required,
                               metadata={"zh": col.zh, "en": col.en}))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata={"dataset": ds.name}))


def parquet_bytes(frame: pd.DataFrame, ds: Dataset) -> bytes:
    buf = io.BytesIO()
    pq.write_table(arrow_table(frame, ds), buf, compression="zstd")
    return buf.getvalue()


# --- datapackage.json ------------------------------------------------------------------


def datapackage_bytes(specs: list[Dataset], build_date: date, issues: list[dict],
                      city: CityProfile | None = None) -> bytes:
    city = city or profile()
    package = {
        "profile": "tabular-data-package",
        "name": f"{city.slug}-gazette",
        "title": f"{city.gazette_zh} 开放数据 / {city.name_en} municipal government gazette, "
                 "open data",
        "description": (f"Tidy tables extracted from the {city.name_en} municipal government "
                        f"gazette ({city.gazette_zh}). Every row carries its source issue and "
                        "line and quality flags; see docs/data-dictionary.md."),
        "created": f"{build_date.isoformat()}T00:00:00Z",
        "sources": [{"title": f"{city.gazette_zh} {i['issue_id']} ({i['published_on']})",
                     "path": f"raw/{i['file']}"} for i in issues],
        "x-quality-flags": {code: {"zh": f.zh, "en": f.en} for code, f in
                            sorted(all_flags().items())},
        "resources": [],
    }
    for ds in specs:
        package["resources"].append({
            "name": ds.name, "path": f"{ds.name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "title": f"{ds.zh} / {ds.en}", "description": ds.description,
            "x-parquet": f"{ds.name}.parquet", "schema": table_schema(ds),
        })
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- publishing ------------------------------------------------------------------------


def render_all(frames: dict[str, pd.DataFrame], specs: dict[str, Dataset], build_date: date,
               issues: list[dict], workbook: Callable[..., bytes] | None = None,
               city: CityProfile | None = None) -> dict[str, bytes]:
    """Every published file's name → bytes, in a stable order. ``city``: the profile the
    build serves (default: this checkout's)."""
    from etl.workbook import workbook_bytes  # local: openpyxl is only needed here

    ordered = [specs[name] for name in specs if name in frames]
    outputs: dict[str, bytes] = {}
    for ds in ordered:
        outputs[f"{ds.name}.csv"] = csv_bytes(frames[ds.name], ds)
        outputs[f"{ds.name}.parquet"] = parquet_bytes(frames[ds.name], ds)
    city = city or profile()
    write_book = workbook or workbook_bytes
    outputs[f"{city.slug}_gazette.xlsx"] = write_book(frames, ordered, build_date, issues, city)
    outputs["datapackage.json"] = datapackage_bytes(ordered, build_date, issues, city)
    return outputs


def _fsync_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)  # raw/… derived texts live one level down
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def recover(out_dir: Path) -> str | None:
    """Finish or discard a publish that was interrupted. Returns what it did, if anything."""
    staging = out_dir / STAGING
    if not staging.exists():
        return None
    marker = staging / COMMIT_MARKER
    if not marker.exists():
        shutil.rmtree(staging)
        return "discarded an incomplete build (published files untouched)"
    for name in marker.read_text(encoding="utf-8").split():
        if (staging / name).exists():
            os.replace(staging / name, out_dir / name)
    shutil.rmtree(staging)
    return "completed an interrupted publish"


def _pause_for_tests(staged: int) -> None:
    """``LYG_TEST_PAUSE_BEFORE_COMMIT=seconds`` holds a real build between staging and commit,
    so tests/test_atomic_build.py can kill it there (the announcement tells it when)."""
    seconds = os.environ.get("LYG_TEST_PAUSE_BEFORE_COMMIT")
    if seconds:
        print(f"paused before commit: {staged} files staged", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def publish(outputs: dict[str, bytes], out_dir: Path,
            before_commit: Callable[[], None] | None = None) -> list[str]:
    """Write ``outputs`` into ``out_dir`` atomically; return the names that changed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    staging = out_dir / STAGING
    staging.mkdir()
    changed = []
    for name, data in outputs.items():
        target = out_dir / name
        if target.exists() and target.read_bytes() == data:
            continue
        _fsync_write(staging / name, data)
        changed.append(name)
    if before_commit:
        before_commit()  # test hook: fail or die between staging and commit
    _pause_for_tests(len(changed))
    _fsync_write(staging / COMMIT_MARKER, "\n".join(changed).encode("utf-8"))
    recover(out_dir)
    return changed


def fixed_zip(data: bytes, when: date,
              rewrite: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Rewrite a zip (XLSX) with every entry stamped ``when`` (and ``rewrite`` applied to the
    named members): byte-reproducible output."""
    stamp = datetime(when.year, when.month, when.day).timetuple()[:6]
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            content = src.read(info.filename)
            if rewrite and info.filename in rewrite:
                content = rewrite[info.filename](content)
            dst.writestr(entry, content)
    return buf.getvalue()
