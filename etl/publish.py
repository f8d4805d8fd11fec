"""Render typed datasets to bytes (CSV, Parquet, XLSX, datapackage.json) and publish them
atomically.

Rendering is pure (frames in, bytes out) and byte-reproducible: no clock, no random zip
timestamps — the build date is the newest issue's publication date. Publishing stages every
file in ``datasets/.staging/``, writes a ``COMMIT`` marker last, then renames the files into
place; a build that dies before the marker leaves the published files untouched, and one
that dies after it is rolled forward by the next run.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl.datapackage import datapackage_bytes as datapackage_bytes  # re-export
from etl.datapackage import input_files
from etl.dictionary import Dataset
from etl.paths import DATASETS_DIR
from etl.profile import CityProfile, profile
from etl.release import VERSION_FILE, version_bytes, version_record
from etl.spreadsheet import csv_document, safe_text

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
    kinds = [c.type for c in ds.columns]
    return csv_document([ds.column_names, *(
        [_cell_text(v, k) for v, k in zip(record, kinds, strict=True)]
        for record in frame.itertuples(index=False, name=None))])


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


# --- datapackage.json: etl/datapackage.py (datapackage_bytes re-exported from here) --


# --- publishing ------------------------------------------------------------------------


def render_all(frames: dict[str, pd.DataFrame], specs: dict[str, Dataset], build_date: date,
               issues: list[dict], workbook: Callable[..., bytes] | None = None,
               city: CityProfile | None = None,
               datasets_dir: Path | None = None) -> dict[str, bytes]:
    """Every published file's name → bytes, in a stable order. ``city``: the profile the
    build serves (default: this checkout's); ``datasets_dir``: the ``datasets/`` whose
    inputs (reference tables, manifest, changelog, raw issues) the package lists (default:
    this checkout's)."""
    from etl.workbook import workbook_bytes  # local: openpyxl is only needed here

    ordered = [specs[name] for name in specs if name in frames]
    outputs: dict[str, bytes] = {}
    for ds in ordered:
        outputs[f"{ds.name}.csv"] = csv_bytes(frames[ds.name], ds)
        outputs[f"{ds.name}.parquet"] = parquet_bytes(frames[ds.name], ds)
    city = city or profile()
    # the version hashes the dataset CSVs only, so the workbook may show it (etl.release)
    version = version_record(outputs, issues)
    outputs[VERSION_FILE] = version_bytes(version)
    datasets_dir = Path(datasets_dir) if datasets_dir else DATASETS_DIR
    write_book = workbook or workbook_bytes
    outputs[f"{city.slug}_gazette.xlsx"] = write_book(frames, ordered, build_date, issues, city,
                                                      datasets_dir=datasets_dir)
    from etl.database import database_outputs  # the SQLite file, its datasette metadata, wide CSV
    outputs.update(database_outputs(frames, ordered, build_date, issues, city, datasets_dir))
    # datapackage.json last: it lists every output above (and the inputs) with its sha256
    files = {**input_files(datasets_dir), **outputs}
    outputs["datapackage.json"] = datapackage_bytes(ordered, build_date, issues, city, files,
                                                    version, datasets_dir)
    return outputs


def _fsync_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)  # raw/… derived texts live one level down
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    """Make the renames inside ``path`` durable (a power cut must not undo a commit)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_REMOVE = "-\t"  # a COMMIT marker line naming a file the commit deletes (e.g. a journal)


def recover(out_dir: Path) -> str | None:
    """Finish or discard a publish that was interrupted. Returns what it did, if anything.

    The COMMIT marker lists the staged names to move into place, then (lines ``-<TAB>name``)
    the files the commit deletes; moving and deleting are both idempotent, so a commit killed
    half-way is finished by running this again."""
    staging = out_dir / STAGING
    if not staging.exists():
        return None
    marker = staging / COMMIT_MARKER
    if not marker.exists():
        shutil.rmtree(staging)
        return "discarded an incomplete build (published files untouched)"
    lines = marker.read_text(encoding="utf-8").split("\n")
    moved = 0
    for name in (line for line in lines if line and not line.startswith(_REMOVE)):
        if (staging / name).exists():
            os.replace(staging / name, out_dir / name)
            moved += 1
            if moved == 1:
                pause_for_tests("IN_COMMIT", "in the middle of the commit: 1 file moved")
    for line in lines:
        if line.startswith(_REMOVE):
            (out_dir / line[len(_REMOVE):]).unlink(missing_ok=True)
    _fsync_dir(out_dir)
    shutil.rmtree(staging)
    return "completed an interrupted publish"


def interrupted_publish(out_dir: Path) -> str | None:
    """What an interrupted publish left in ``out_dir`` (None: nothing): said by ``etl
    check``, and by any reader that must not trust a mixed set."""
    staging = out_dir / STAGING
    if not staging.exists():
        return None
    if (staging / COMMIT_MARKER).exists():
        return (f"{staging}: a publish was interrupted in the middle of its commit — the "
                "published files are a mix of two builds; run `python -m etl build` to finish it")
    return (f"{staging}: a build was interrupted before its commit (published files "
            "untouched); run `python -m etl build` to clear it")


_PAUSED: set[str] = set()


def pause_for_tests(point: str, what: str) -> None:
    """``LYG_TEST_PAUSE_<point>=seconds`` holds a real run at ``point`` (announced on stderr as
    ``paused <what>``) so tests can kill it exactly there, or let it go on early with SIGUSR1.
    Points: INGEST_READ, INGEST_REGISTERED (etl.ingest), BEFORE_COMMIT, IN_COMMIT (here)."""
    seconds = os.environ.get(f"LYG_TEST_PAUSE_{point}")
    if not seconds or point in _PAUSED:
        return
    _PAUSED.add(point)  # once a run: settling after a kill there must not pause again
    import signal
    # blocked before the announcement, so a SIGUSR1 sent right after it is never lost
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    print(f"paused {what}", file=sys.stderr, flush=True)
    try:
        signal.sigtimedwait({signal.SIGUSR1}, float(seconds))
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})


def publish(outputs: dict[str, bytes], out_dir: Path,
            before_commit: Callable[[], None] | None = None,
            remove: tuple[str, ...] = ()) -> list[str]:
    """Write ``outputs`` into ``out_dir`` atomically; return the names that changed.
    ``remove``: files (under ``out_dir``) the same commit deletes — an ingest's journal, so
    the issue's registration and its published files become true together."""
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
    pause_for_tests("BEFORE_COMMIT", f"before commit: {len(changed)} files staged")
    marker = changed + [_REMOVE + name for name in remove]
    _fsync_write(staging / COMMIT_MARKER, "\n".join(marker).encode("utf-8"))
    _fsync_dir(staging)
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
