"""The ingest journal: an issue's registration and its published files change together.

``etl ingest`` writes ``datasets/.ingest-journal`` before it touches anything: the issue,
its raw copy, and the bytes of every file it is about to change (the manifest, …). Its
publish deletes the journal in the same commit that moves the new files into place
(``etl.publish.publish(remove=…)``), so at any instant one of three things is true:

* no journal — nothing under way;
* a journal and a COMMIT marker in ``datasets/.staging`` — the publish had committed: finish
  it (the journal goes with it);
* a journal and no marker — the ingest never committed: discard the staging, put the saved
  files back and remove the raw copy it made.

``settle`` does whichever applies; every command that writes ``datasets/`` runs it first
(under the lock), and ``etl check`` reports a journal it finds. Both steps are idempotent, so
a run killed while settling is settled by the next one.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import GazetteError
from etl.publish import COMMIT_MARKER, STAGING, _fsync_dir, _fsync_write, recover

JOURNAL = ".ingest-journal"


@dataclass
class Journal:
    issue_id: str
    raw_file: str  # under datasets/raw/
    created: bool  # the raw copy is new (rolled back: removed)
    saved: dict[str, bytes | None] = field(default_factory=dict)  # path under datasets/ →
    # its bytes before the ingest (None: it did not exist)


def begin(out_dir: Path, journal: Journal) -> None:
    """Write the journal atomically and durably, before anything else changes."""
    data = {"issue_id": journal.issue_id, "raw_file": journal.raw_file,
            "created": journal.created,
            "saved": {name: None if content is None else base64.b64encode(content).decode()
                      for name, content in journal.saved.items()}}
    tmp = out_dir / (JOURNAL + ".tmp")
    _fsync_write(tmp, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    os.replace(tmp, out_dir / JOURNAL)
    _fsync_dir(out_dir)


def read(out_dir: Path) -> Journal | None:
    path = out_dir / JOURNAL
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Journal(data["issue_id"], data["raw_file"], bool(data["created"]),
                       {name: None if text is None else base64.b64decode(text)
                        for name, text in data["saved"].items()})
    except (ValueError, KeyError, TypeError) as exc:
        raise GazetteError(f"unreadable ingest journal ({exc}); it was written by an "
                           "interrupted `etl ingest` — restore datasets/raw/manifest.csv from "
                           "git, delete the journal and run the ingest again", path) from None


def _restore(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(path.name + ".rollback.tmp")
    _fsync_write(tmp, content)
    os.replace(tmp, path)


def settle(out_dir: Path) -> str | None:
    """Finish or roll back whatever an interrupted ingest or publish left; what it did."""
    (out_dir / (JOURNAL + ".tmp")).unlink(missing_ok=True)  # died before the journal existed
    journal = read(out_dir)
    if journal is None:
        return recover(out_dir)
    if (out_dir / STAGING / COMMIT_MARKER).exists():
        recover(out_dir)  # moves the new files into place and deletes the journal
        return (f"completed an interrupted ingest of issue {journal.issue_id} (datasets/raw/"
                f"{journal.raw_file}): it had committed; its files are published")
    recover(out_dir)  # discards the staging: published files untouched
    for name, content in journal.saved.items():
        _restore(out_dir / name, content)
    if journal.created:
        (out_dir / "raw" / journal.raw_file).unlink(missing_ok=True)
    _fsync_dir(out_dir / "raw")
    (out_dir / JOURNAL).unlink()
    _fsync_dir(out_dir)
    return (f"rolled back an interrupted ingest of issue {journal.issue_id}: it had not "
            "committed, the manifest and datasets/raw/ are as before it — run the same "
            "`etl ingest` again")


def pending(out_dir: Path) -> str | None:
    """An interrupted ingest's journal, said for ``etl check`` (None: none)."""
    try:
        journal = read(out_dir)
    except GazetteError as exc:
        return str(exc)
    if journal is None:
        return None
    return (f"{out_dir / JOURNAL}: an ingest of issue {journal.issue_id} was interrupted — "
            "run `python -m etl build` (or the same ingest) to finish or roll it back")
