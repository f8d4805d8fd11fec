"""``python -m etl ingest FILE``: register the next gazette issue and rebuild — the monthly
routine.

1. Read FILE — the issue's PDF as published, a web page of it, or a UTF-8 text of it; its
   cover gives the issue id (year-number) and the publication date, which must make sense
   (``etl.read.cover.cover_problems``: the date in the issue's year and not in the future, and
   more than a cover in the file).
2. Copy it byte for byte to ``datasets/raw/<slug>-gazette-<id>.pdf`` (``.html``, ``.md``;
   the slug is the city profile's) and add it, with its sha256, to
   ``datasets/raw/manifest.csv``. For a PDF or a web page the build also publishes the text
   the reader derived from it beside it (``….pdf.txt``): the file ``source_line`` counts in.
3. Rebuild and publish every dataset — as one transaction with step 2 (``etl.journal``): a
   journal is written first and deleted by the publish's commit, so a failed build, a crash or
   a kill (-9 too) at any point leaves either the issue registered and published, or the
   manifest, ``raw/`` and the published files as they were; the next etl command finishes or
   rolls back what a killed run left, and says so. One command at a time (``etl.lock``).
4. Print what the issue holds (documents, tables recognised and not, with their lines) and
   what changed in each published dataset (rows added, removed, changed; document status
   changes).

Exit codes: 0 registered (or FILE is already registered, byte for byte: nothing to do);
2 unreadable FILE, no issue number or date on its cover (or one that makes no sense), an
issue of that id already registered with different content (raw files are never replaced),
or another etl command writing datasets/ (try again when it finishes).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl import journal
from etl.errors import GazetteError
from etl.manifest import RawIssue, read_manifest, write_manifest
from etl.pipeline import Build
from etl.profile import profile
from etl.publish import _fsync_write, pause_for_tests, publish
from etl.read import Issue, read_bytes, read_cover, source_format
from etl.read.cover import cover_problems

SUFFIX = {"text": ".md", "pdf": ".pdf", "html": ".html"}
EVENTS = "document_events"


# --- registering ---------------------------------------------------------------------


def cover_id(issue: Issue) -> tuple[str, RawIssue]:
    """(issue id, manifest row without file/sha) from the issue's cover."""
    year, number, published = read_cover(issue.lines)
    if not (year and number and published):
        found = f"year {year or '?'}, issue number {number or '?'}, date {published or '?'}"
        raise GazetteError(f"cannot read the issue number and publication date from the "
                           f"cover (first 80 lines; found {found}) — is this a gazette issue?",
                           issue.path)
    issue_id = f"{year}-{number:02d}"
    return issue_id, RawIssue(issue_id, year, number, published, "", "")


def already_registered(raw: RawIssue, sha: str, registered: list[RawIssue],
                       path: Path) -> RawIssue | None:
    """The manifest row for the same bytes (→ nothing to do); GazetteError for the same id
    with different bytes; None for a new issue."""
    for row in registered:
        if row.sha256 == sha:
            return row
    for row in registered:
        if row.issue_id == raw.issue_id:
            raise GazetteError(
                f"issue {raw.issue_id} is already registered (datasets/raw/{row.file}, sha256 "
                f"{row.sha256[:12]}…) and this file differs (sha256 {sha[:12]}…); raw files are "
                f"never replaced — check the issue number on its cover, or remove the old row "
                f"from datasets/raw/manifest.csv in a reviewed commit first", path)
    return None


# --- what changed ----------------------------------------------------------------------


@dataclass
class Published:
    """A published CSV as text rows: what users see, compared byte-exactly."""

    header: list[str]
    rows: list[tuple[str, ...]]

    def keyed(self, key: list[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
        idx = [self.header.index(k) for k in key]
        return {tuple(r[i] for i in idx): r for r in self.rows}


def read_published(path: Path) -> Published | None:
    if not path.exists():
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        return Published(header, [tuple(r) for r in reader])


@dataclass
class Change:
    name: str
    before: int | None  # rows; None when not published before
    after: int
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: int = 0
    from_issue: int = 0

    def line(self) -> str:
        if self.before is None:
            return f"{self.name}: new file, {self.after} rows ({self.from_issue} from this issue)"
        parts = [f"+{len(self.added)} added", f"-{len(self.removed)} removed"]
        if self.changed:
            parts.append(f"{self.changed} changed")
        return (f"{self.name}: {self.before} → {self.after} rows ({', '.join(parts)}; "
                f"{self.from_issue} from this issue)")


def diff(name: str, key: list[str], old: Published | None, new: Published,
         issue_id: str) -> Change:
    issue_col = new.header.index("source_issue") if "source_issue" in new.header else None
    from_issue = sum(1 for r in new.rows if issue_col is not None and r[issue_col] == issue_id)
    if old is None or old.header != new.header:
        return Change(name, None if old is None else len(old.rows), len(new.rows),
                      added=list(new.rows), from_issue=from_issue)
    key = key if key and all(k in new.header for k in key) else new.header
    before, after = old.keyed(key), new.keyed(key)
    change = Change(name, len(old.rows), len(new.rows), from_issue=from_issue)
    change.added = [after[k] for k in after if k not in before]
    change.removed = [before[k] for k in before if k not in after]
    change.changed = sum(1 for k in after if k in before and after[k] != before[k])
    return change


def document_statuses(out_dir: Path, on: date) -> dict[str, str] | None:
    """doc_number → status on ``on`` (etl.status rules) from the published document_events;
    None when that dataset is not published (or stale)."""
    from etl.load import load
    from etl.status import status_table

    try:
        events = load(EVENTS, datasets_dir=out_dir)
    except (FileNotFoundError, ValueError):
        return None
    out = {}
    for row in status_table(events, on).itertuples():
        text = row.status
        if row.status == "repealed":
            text += f" ({row.repealed_on}{f' by {row.repealed_by}' if row.repealed_by else ''})"
        elif row.status == "expired":
            text += f" (term ended {row.expires_on})"
        out[row.doc_number] = text
    return out


def status_changes(before: dict[str, str] | None, after: dict[str, str] | None) -> list[str]:
    """Documents known before whose status differs now (new documents are not changes)."""
    if not before or not after:
        return []
    return [f"{doc}: {before[doc]} → {after[doc]}" for doc in sorted(after)
            if doc in before and before[doc] != after[doc]]


def _sample(rows: list[tuple[str, ...]], header: list[str], limit: int = 5) -> list[str]:
    """A few rows by their most telling columns, for the report."""
    show = [c for c in ("period_label", "indicator_zh", "value", "doc_number", "title", "name",
                        "event", "date") if c in header][:4]
    idx = [header.index(c) for c in show]
    line = header.index("source_line") if "source_line" in header else None
    out = []
    for row in rows[:limit]:
        text = " · ".join(row[i] for i in idx if row[i])
        out.append(f"{text} (line {row[line]})" if line is not None else text)
    if len(rows) > limit:
        out.append(f"… and {len(rows) - limit} more")
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- the command -----------------------------------------------------------------------


def _read_source(file: Path) -> bytes:
    from etl.read import read_limited
    try:
        return read_limited(file)  # the size limit is checked before reading
    except OSError as exc:
        raise GazetteError(f"cannot read file ({exc.strerror})", file) from None


def ingest(file: Path, root: Path, out: list[str], today: date | None = None) -> int:
    """Register ``file`` under ``root`` and rebuild, as one transaction (etl.journal);
    report lines go to ``out``. The caller holds the datasets lock and settles the journal
    if this raises (``etl.cli._locked`` does both).
    ``today``: for the cover's date check (default: the clock)."""
    from etl.cli import describe_issue
    from etl.dictionary import datasets
    from etl.pipeline import build

    data = _read_source(file)
    issue = read_bytes(data, file)  # GazetteError (exit 2): not a gazette issue
    issue_id, raw = cover_id(issue)
    problems = cover_problems(issue, today or date.today())
    if problems:
        raise GazetteError("; ".join(problems), file)
    out_dir = root / "datasets"
    raw_dir = out_dir / "raw"
    manifest = raw_dir / "manifest.csv"
    registered = read_manifest(manifest)
    pause_for_tests("INGEST_READ", f"after reading the manifest ({len(registered)} issues)")
    sha = hashlib.sha256(data).hexdigest()
    same = already_registered(raw, sha, registered, file)
    if same:
        out.append(f"{file}: already registered as issue {same.issue_id} (datasets/raw/"
                   f"{same.file}, same sha256 {sha[:12]}…); nothing to do")
        return 0
    name = profile(out_dir / "reference").raw_name.format(issue_id=issue_id)
    target = raw_dir / (name + SUFFIX[source_format(data, file)])
    if target.exists() and target.read_bytes() != data:
        raise GazetteError(f"{target} exists, is not in the manifest and differs from this "
                           f"file; move it away first", file)
    specs = datasets()
    before = {name: read_published(out_dir / f"{name}.csv") for name in specs}
    # statuses on the newest issue's date, as the data will stand after this issue
    as_of = max([r.published_on for r in registered] + [raw.published_on])
    statuses_before = document_statuses(out_dir, as_of) if EVENTS in specs else None
    frames_before = published_frames(out_dir, specs)

    # the transaction: journal first, then the raw copy and the manifest row, then the
    # publish whose commit deletes the journal (etl.journal says how a kill is settled)
    saved = {f"raw/{manifest.name}": manifest.read_bytes()}
    for extra in TRANSACTION_FILES:
        saved[extra] = (out_dir / extra).read_bytes() if (out_dir / extra).exists() else None
    # (a failure from here on is settled by etl.cli under the lock: rolled back unless the
    # publish had committed; a SIGKILL is settled by the next command)
    journal.begin(out_dir, journal.Journal(issue_id, target.name, not target.exists(), saved))
    tmp = target.with_suffix(".tmp")
    _fsync_write(tmp, data)
    tmp.replace(target)
    row = RawIssue(issue_id, raw.year, raw.issue_number, raw.published_on, target.name, sha)
    write_manifest(manifest, registered + [row])
    pause_for_tests("INGEST_REGISTERED", f"after registering issue {issue_id}")
    result = build(root)
    record_release(out_dir, frames_before, result, issue_id)  # inside the transaction
    changed_files = publish(result.outputs(), out_dir, remove=(journal.JOURNAL,))

    out.append(f"registered {file} as issue {issue_id} (published {raw.published_on}) → "
               f"datasets/raw/{target.name}, sha256 {sha[:12]}…")
    built = next(i for i in result.issues if i.issue_id == issue_id)
    out.extend(describe_issue(built, result.extractions[issue_id]))
    kinds = Counter("recognised" if any(t.header_line in ex.tables for ex in
                                        result.extractions[issue_id].values())
                    else "not recognised" for t in built.tables)
    out.append(f"found {_plural(len(built.documents), 'document')}, "
               f"{_plural(len(built.tables), 'table')} ({kinds['recognised']} recognised, "
               f"{kinds['not recognised']} not recognised)")
    out.append("datasets:")
    for name, spec in specs.items():
        new = read_published(out_dir / f"{name}.csv")
        if new is None:
            continue
        change = diff(name, list(spec.primary_key), before[name], new, issue_id)
        out.append("  " + change.line())
        out.extend(f"      + {s}" for s in _sample(change.added, new.header))
        out.extend(f"      - {s}" for s in _sample(change.removed, new.header))
        if name == EVENTS:
            statuses = status_changes(statuses_before, document_statuses(out_dir, as_of))
            out.append(f"    document statuses on {as_of} changed: {len(statuses)}")
            out.extend(f"      {s}" for s in statuses)
    out.append(f"files changed: {', '.join(changed_files) if changed_files else 'none'}")
    out.append("next: review the changes (git diff --stat datasets/), run `make test`, commit "
               "datasets/raw/ and datasets/ together")
    return 0


# Files under datasets/ besides the manifest that an ingest may change before its publish
# (record_release): the journal keeps their bytes so a rollback restores them.
TRANSACTION_FILES: tuple[str, ...] = ("changelog.csv",)


def published_frames(out_dir: Path, specs: dict) -> dict[str, object]:
    """Dataset name → the typed frame published now (None: not published, or unreadable)."""
    from etl.load import load
    frames: dict[str, object] = {}
    for name in specs:
        try:
            frames[name] = load(name, datasets_dir=out_dir)
        except (FileNotFoundError, ValueError):
            frames[name] = None
    return frames


def record_release(out_dir: Path, before: dict[str, object], result: Build,
                   issue_id: str) -> None:
    """The one place where what an ingest changes is known before it is published: ``before``
    (dataset → typed frame published until now, None: none) and ``result.frames`` (after).
    It runs inside the transaction — after the build, before the publish whose commit makes
    the issue's registration true — so a file written here (``TRANSACTION_FILES``) is rolled
    back with the manifest, and the published files rendered next (the workbook, the
    datapackage's input hashes) already see it. The data changelog is recorded here."""
    from etl import changelog
    from etl.release import version_for_frames

    version = version_for_frames(result.frames, result.issue_rows())["version"]
    changelog.record(out_dir, before, dict(result.frames), issue_id, result.build_date, version)


def cmd_ingest(args: argparse.Namespace) -> int:
    lines: list[str] = []
    try:
        return ingest(Path(args.file), Path(args.root), lines)
    finally:
        for line in lines:
            print(line)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ingest", help="register a new gazette issue (copy, checksum, manifest) and rebuild",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", help="the issue: its PDF, a web page of it, or its UTF-8 text")
    p.set_defaults(handler=cmd_ingest, writes_datasets=True)
