"""The changelog of the data: ``datasets/changelog.csv``, one row per (release, dataset).

``ingest`` appends an entry after each successful publish (``record``): for every dataset the
rows added, removed and changed (compared by primary key on the published CSV text, as users
see it) and, on ``document_events``, the documents whose status changed. The first entries
were reconstructed by ``replay`` — building the registered issues one by one with today's code
— because no release existed before this file (their note says so).

The file is an input of the build like ``reference/`` (a history cannot be derived from
today's rows): the workbook and the dashboard read it with ``read_changelog``.

``python -m etl.changelog replay [--root DIR]`` rewrites it from the manifest (reviewed
commit only: it forgets notes written by hand).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from etl.spreadsheet import csv_document, safe_text

CHANGELOG_FILE = "changelog.csv"
FIELDS = ["version", "date", "issue", "dataset", "rows_added", "rows_removed", "rows_changed",
          "status_changes", "note"]
_COUNTS = ("rows_added", "rows_removed", "rows_changed")
EVENTS = "document_events"

Frames = dict[str, "pd.DataFrame | None"]


# --- comparing two states ----------------------------------------------------------------


def _text_rows(frame: pd.DataFrame, name: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Rows as the published CSV writes them, keyed by the dictionary's primary key (the
    whole row when the dataset declares none)."""
    from etl.dictionary import datasets
    from etl.publish import _cell_text
    spec = datasets()[name]
    kinds = [c.type for c in spec.columns]
    cols = spec.column_names
    rows = [tuple(_cell_text(v, k) for v, k in zip(rec, kinds, strict=True))
            for rec in frame[cols].itertuples(index=False, name=None)]
    key = [cols.index(k) for k in spec.primary_key] or list(range(len(cols)))
    return {tuple(r[i] for i in key): r for r in rows}


def diff_counts(name: str, before: pd.DataFrame | None,
                after: pd.DataFrame | None) -> tuple[int, int, int]:
    """(added, removed, changed) rows of dataset ``name`` from ``before`` to ``after``."""
    old = _text_rows(before, name) if before is not None else {}
    new = _text_rows(after, name) if after is not None else {}
    added = sum(1 for k in new if k not in old)
    removed = sum(1 for k in old if k not in new)
    changed = sum(1 for k in new if k in old and new[k] != old[k])
    return added, removed, changed


def status_changes(before: pd.DataFrame | None, after: pd.DataFrame | None,
                   on: date) -> list[str]:
    """Documents known before whose status on ``on`` (etl.status) differs now:
    ``连政发〔2010〕1号: in_force → repealed``. New documents are not changes."""
    if before is None or after is None or before.empty or after.empty:
        return []
    from etl.status import status_table

    def statuses(events: pd.DataFrame) -> dict[str, str]:
        return {str(r.doc_number): str(r.status)
                for r in status_table(events, on).itertuples()}
    old, new = statuses(before), statuses(after)
    return [f"{doc}: {old[doc]} → {new[doc]}" for doc in sorted(new)
            if doc in old and old[doc] != new[doc]]


def entry(before: Frames, after: Frames, issue_id: str, version: str, on: date,
          note: str = "", changes: list[str] | None = None) -> list[dict]:
    """The changelog rows of one release: one per dataset of ``after`` (and any dropped)."""
    from etl.dictionary import datasets
    names = [n for n in datasets() if after.get(n) is not None or before.get(n) is not None]
    if changes is None:
        changes = status_changes(before.get(EVENTS), after.get(EVENTS), on)
    rows = []
    for name in names:
        added, removed, changed = diff_counts(name, before.get(name), after.get(name))
        rows.append({"version": version, "date": on.isoformat(), "issue": issue_id,
                     "dataset": name, "rows_added": added, "rows_removed": removed,
                     "rows_changed": changed,
                     "status_changes": "; ".join(changes) if name == EVENTS else "",
                     "note": note})
    return rows


def published_frames(datasets_dir: Path | str) -> Frames:
    """The typed frames published in ``datasets_dir`` now (None for a dataset not published
    or not matching the dictionary): the ``before_frames`` of ``record``."""
    from etl.dictionary import datasets
    from etl.load import load
    out: Frames = {}
    for name in datasets():
        try:
            out[name] = load(name, datasets_dir=datasets_dir)
        except (FileNotFoundError, ValueError):
            out[name] = None
    return out


# --- the file ----------------------------------------------------------------------------


def read_changelog(datasets_dir: Path | str) -> list[dict]:
    """Every row of ``datasets/changelog.csv`` in file order (counts as int); [] when there
    is none."""
    path = Path(datasets_dir) / CHANGELOG_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        for col in _COUNTS:
            row[col] = int(row[col]) if row.get(col) not in (None, "") else 0
    return rows


def changelog_bytes(rows: list[dict]) -> bytes:
    """UTF-8 with BOM like every published CSV; text cells spreadsheet-safe."""
    return csv_document([FIELDS, *([row[f] if f in _COUNTS else safe_text(str(row.get(f) or ""))
                                    for f in FIELDS] for row in rows)])


def _write(datasets_dir: Path, rows: list[dict]) -> None:
    path = datasets_dir / CHANGELOG_FILE
    tmp = path.with_suffix(".csv.tmp")
    tmp.write_bytes(changelog_bytes(rows))
    tmp.replace(path)


def record(datasets_dir: Path | str, before_frames: Frames, after_frames: Frames,
           issue_id: str, on: date, version: str, note: str = "",
           changes: list[str] | None = None) -> list[dict]:
    """Append the entry of one release to ``datasets_dir/changelog.csv``; return its rows.

    ``before_frames``/``after_frames``: dataset name → typed frame (None: not published),
    the published state before the ingest and the build just published. ``on``: the build
    date (the newest issue's publication date), ``version``: ``VERSION.json``'s version.
    ``changes``: status-change lines already computed (default: computed here). Recording
    the same version and issue twice is a no-op (ingest of an issue already registered)."""
    datasets_dir = Path(datasets_dir)
    existing = read_changelog(datasets_dir)
    if any(r["version"] == version and r["issue"] == issue_id for r in existing):
        return []
    rows = entry(before_frames, after_frames, issue_id, version, on, note, changes)
    _write(datasets_dir, existing + rows)
    return rows


# --- reconstructing the history ----------------------------------------------------------

REPLAY_NOTE = ("reconstructed by etl.changelog.replay: the registered issues built one by one "
               "with the code of this version; no release was published before")


def replay(root: Path) -> list[dict]:
    """The changelog rows of building the manifest's issues one at a time (in publication
    order) into an empty ``datasets/``: what each issue added, removed and changed."""
    from etl.manifest import read_manifest, write_manifest
    from etl.pipeline import build
    from etl.release import version_for_frames

    src = Path(root) / "datasets"
    registered = read_manifest(src / "raw" / "manifest.csv")
    rows: list[dict] = []
    before: Frames = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "datasets"
        shutil.copytree(src / "reference", work / "reference")
        if (src / "geo").exists():
            shutil.copytree(src / "geo", work / "geo")
        (work / "raw").mkdir()
        for k, raw in enumerate(registered, start=1):
            shutil.copy2(src / "raw" / raw.file, work / "raw" / raw.file)
            write_manifest(work / "raw" / "manifest.csv", registered[:k])
            result = build(Path(tmp))
            after: Frames = dict(result.frames)
            version = version_for_frames(result.frames, result.issue_rows())["version"]
            rows += entry(before, after, raw.issue_id, version, result.build_date, REPLAY_NOTE)
            before = after
    return rows


def main(argv: list[str] | None = None) -> int:
    from etl.paths import ROOT
    p = argparse.ArgumentParser(prog="python -m etl.changelog", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["replay", "show"])
    p.add_argument("--root", default=str(ROOT))
    args = p.parse_args(argv)
    out = Path(args.root) / "datasets"
    if args.command == "replay":
        rows = replay(Path(args.root))
        _write(out, rows)
        print(f"wrote {out / CHANGELOG_FILE} ({len(rows)} rows)")
    for row in read_changelog(out):
        print(f"{row['version']:20s} {row['issue']} {row['dataset']:22s} "
              f"+{row['rows_added']} -{row['rows_removed']} ~{row['rows_changed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
