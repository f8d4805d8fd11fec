"""The raw-issue manifest (datasets/raw/manifest.csv) and its checksums."""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from etl.errors import GazetteError

FIELDS = ["issue_id", "year", "issue_number", "published_on", "file", "sha256"]


@dataclass(frozen=True)
class RawIssue:
    issue_id: str
    year: int
    issue_number: int
    published_on: date
    file: str
    sha256: str


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(manifest: Path) -> list[RawIssue]:
    if not manifest.exists():
        raise GazetteError("manifest not found", manifest)
    issues = []
    with manifest.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != FIELDS:
            raise GazetteError(f"manifest header must be {','.join(FIELDS)}", manifest, 1)
        for n, row in enumerate(reader, start=2):
            try:
                issues.append(RawIssue(row["issue_id"], int(row["year"]),
                                       int(row["issue_number"]),
                                       date.fromisoformat(row["published_on"]), row["file"],
                                       row["sha256"]))
            except (ValueError, TypeError) as exc:
                raise GazetteError(f"malformed manifest row ({exc})", manifest, n) from None
    return sorted(issues, key=lambda r: (r.published_on, r.issue_id))


def write_manifest(manifest: Path, issues: list[RawIssue]) -> None:
    tmp = manifest.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FIELDS)
        for r in sorted(issues, key=lambda r: (r.published_on, r.issue_id)):
            writer.writerow([r.issue_id, r.year, r.issue_number, r.published_on.isoformat(),
                             r.file, r.sha256])
        fh.flush()
        os.fsync(fh.fileno())  # the ingest journal relies on it being on disk once replaced
    tmp.replace(manifest)


def verify(raw: RawIssue, raw_dir: Path) -> Path:
    """The issue's file, after checking it exists and matches its recorded sha256."""
    path = raw_dir / raw.file
    if not path.exists():
        raise GazetteError(f"raw file of issue {raw.issue_id} is missing", path)
    actual = sha256_of(path)
    if actual != raw.sha256:
        raise GazetteError(
            f"checksum mismatch for issue {raw.issue_id}: manifest says {raw.sha256[:12]}…, "
            f"file is {actual[:12]}…; raw files are never edited — restore it from "
            f"../shared/gazettes or re-register it with `python -m etl ingest`", path)
    return path
