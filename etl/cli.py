"""Command line: ``python -m etl build | check | extract FILE --out DIR``.

Bad input ends with one line naming the file (and line) and exit code 2 — no traceback.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from etl.dictionary import datasets
from etl.errors import GazetteError
from etl.extractors import Context
from etl.journal import pending, settle
from etl.lock import datasets_lock
from etl.paths import ROOT
from etl.pipeline import assemble, extract_issue, run, stale_files, stderr_progress
from etl.publish import csv_bytes, interrupted_publish
from etl.read import Issue, read_issue

EXIT_BAD_INPUT = 2
_ISSUE_ID = re.compile(r"\d{4}-\d{2}")


def cmd_build(args: argparse.Namespace) -> int:
    root = Path(args.root)
    started = time.perf_counter()  # an interrupted run was settled by main(), under the lock
    result, changed = run(root, stderr_progress)
    print(f"Built {len(result.frames)} datasets from {len(result.issues)} issues "
          f"(data as of {result.build_date}) in {time.perf_counter() - started:.1f}s")
    for line in result.summary():
        print("  " + line)
    print(f"  files changed: {', '.join(changed) if changed else 'none (already up to date)'}")
    return 0


def _read_published(path: Path, name: str) -> pd.DataFrame:
    from etl.dictionary import coerce
    from etl.load import read_csv  # the one CSV reader, the one typing

    spec = datasets()[name]
    return coerce(read_csv(path, spec), spec)


def cmd_check(args: argparse.Namespace) -> int:
    from etl.validate import validate
    root = Path(args.root)
    out = root / "datasets"
    interrupted = [p for p in (pending(out), interrupted_publish(out)) if p]
    if interrupted:  # a half-done ingest or publish: validating the mix would only confuse
        for p in interrupted:
            print(p, file=sys.stderr)
        return 1
    problems = []
    frames = {}
    for name, spec in datasets().items():
        path = out / f"{name}.csv"
        if not path.exists():
            problems.append(f"{path}: missing — run `python -m etl build`")
            continue
        try:
            frames[name] = validate(_read_published(path, name), spec)
        except (GazetteError, ValueError) as exc:
            problems.append(f"{path}: {exc}")
    from etl.integrity import read_issue_ids, violations  # foreign keys across datasets
    problems += [f"{out}/{v}" for v in violations(frames, read_issue_ids(out))]
    stale = stale_files(root)
    if stale:
        problems.append("stale (a rebuild differs from the published files): "
                        + ", ".join(stale) + " — run `python -m etl build` and commit")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {len(datasets())} datasets valid against the dictionary, foreign keys hold, "
          "reproducible")
    return 0


def describe_issue(issue: Issue, found: dict) -> list[str]:
    """What an issue holds, line by line: documents, tables recognised and not."""
    lines = [f"{issue.path}: issue {issue.issue_id} (published {issue.published_on or '?'})"]
    if issue.notes:
        lines.append(f"  read with: {', '.join(issue.notes)}")
    for doc in issue.documents:
        number = doc.doc_number.text if doc.doc_number else "—"
        lines.append(f"  line {doc.start_line}: document {number} {doc.title} "
                     f"(signed {doc.signed_on or '?'}, {doc.issuer or '?'})")
    used = {line: name for name, ex in found.items() for line in ex.tables}
    for table in issue.tables:
        by = used.get(table.header_line)
        status = f"recognised by {by}" if by else "not recognised"
        lines.append(f"  line {table.header_line}-{table.end_line}: table "
                     f"{table.title or '(untitled)'} — {len(table.rows)} rows, {status}")
    for name, ex in found.items():
        for note in ex.notes:
            lines.append(f"  {name}: {note}")
    return lines


def _derived_issue_id(issue: Issue, path: str) -> tuple[str, str]:
    """(issue id, note) for a file whose cover does not name year and issue (第N期): from
    the file name (…2019-03…, 2019年第3期), else a placeholder YYYY-00 whose year is the
    cover's or the newest date's in the text."""
    from etl.normalize import find_cn_dates
    from etl.read.cover import issue_id_from_name
    derived = issue_id_from_name(path)
    if derived:
        return derived, (f"no year and issue number (第N期) on the cover; issue id {derived} "
                         "taken from the file name")
    dates = [d for line in issue.lines for _, d, _ in find_cn_dates(line) if d]
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})\s*年", "\n".join(issue.lines))]
    year = issue.year or (max(dates).year if dates else max(years, default=0))
    return f"{year:04d}-00", (
        f"no year and issue number (第N期) on the cover or in the file name; rows name the "
        f"placeholder issue {year:04d}-00 (issue number 00, year of the "
        f"{'cover' if issue.year else 'newest year the text names'}) — pass --issue YYYY-NN "
        "to name the issue")


def cmd_extract(args: argparse.Namespace) -> int:
    if args.issue and not _ISSUE_ID.fullmatch(args.issue):
        raise GazetteError(f"--issue {args.issue!r}: an issue id is YYYY-NN, e.g. 2018-16")
    issue = read_issue(args.file, args.issue)
    if not args.issue and not (issue.year and issue.number):  # no cover naming it: never refuse
        issue.issue_id, note = _derived_issue_id(issue, args.file)
        print(f"note: {note}", file=sys.stderr)
    ctx = Context(reference_dir=Path(args.root) / "datasets" / "reference")
    try:
        found = extract_issue(issue, ctx)
        frames = assemble([found], ctx, only_found=True, pages={issue.issue_id: issue.pages})
    except GazetteError as exc:  # a dataset check names issue and line; add the file
        if exc.path is None:
            raise GazetteError(exc.detail, args.file, exc.line) from None
        raise
    for line in describe_issue(issue, found):
        print(line)
    out = Path(args.out)
    # Everything is rendered before anything is written: a failure leaves --out as it was.
    rendered = {out / f"{name}.csv": (csv_bytes(frame, datasets()[name]), len(frame))
                for name, frame in frames.items()}
    if not frames:
        print("no dataset found in this file")
    try:
        write_all_or_nothing(out, {target.name: data for target, (data, _) in rendered.items()})
    except OSError as exc:
        raise GazetteError(f"cannot write the output ({exc.strerror or exc})", out) from None
    for target, (_, n_rows) in rendered.items():
        print(f"wrote {target} ({n_rows} rows)")
    return 0


def write_all_or_nothing(out: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (name → bytes) into the directory ``out``, all or none: they are
    written into a hidden temporary directory beside ``out`` first (same file system), then
    renamed into place — the whole directory at once when ``out`` is new. A write error (a
    full disk) leaves ``out`` as it was and no temporary file. Raises OSError."""
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp's 0700 would become the new directory's mode
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if not out.exists():
            os.rename(tmp, out)
            return
        for name in files:
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    p.add_argument("--root", default=str(ROOT), help="repository root (default: this checkout)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="build and publish every dataset from the manifest"
                   ).set_defaults(writes_datasets=True)
    sub.add_parser("check", help="validate published files and check they are reproducible"
                   ).set_defaults(reads_datasets=True)
    ex = sub.add_parser("extract", help="run every extractor on one gazette text file")
    ex.add_argument("file")
    ex.add_argument("--out", required=True, help="directory for <dataset>.csv files")
    ex.add_argument("--issue", help="issue id YYYY-NN, when the file has no cover naming it")
    for module in _plugins():
        module.register(sub)
    return p


def _plugins() -> list:
    """Sub-commands defined next to the feature they serve (e.g. ingest, geocode)."""
    import importlib
    found = []
    for name in ("etl.ingest", "etl.docs", "etl.geo.cli"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        if hasattr(module, "register"):
            found.append(module)
    return found


class Terminated(KeyboardInterrupt):
    """SIGTERM (a plain ``kill``): unwound like Ctrl-C, so the run settles before it ends."""


def _terminate(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second kill ends it at once
    raise Terminated


def _locked(args: argparse.Namespace, handler) -> int:
    """Run a command that writes ``datasets/`` (or reads it as a whole: ``check``) under the
    datasets lock. A writer first finishes or rolls back what an interrupted run left
    (etl.journal.settle), and settles its own work the same way if it fails or is killed
    with SIGTERM; SIGKILL leaves that to the next command."""
    out_dir = Path(args.root) / "datasets"
    writes = bool(getattr(args, "writes_datasets", False))
    with datasets_lock(out_dir, f"etl {args.command}", writes=writes):
        if not writes:
            return handler(args)
        note = settle(out_dir)
        if note:
            print(f"note: {note}", file=sys.stderr, flush=True)
        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            return handler(args)
        except BaseException as exc:
            note = settle(out_dir)
            if note and not isinstance(exc, GazetteError):  # a bad input says so itself
                print(f"note: {note}", file=sys.stderr, flush=True)
            raise
        finally:
            signal.signal(signal.SIGTERM, previous)


COMMANDS = {"build": cmd_build, "check": cmd_check, "extract": cmd_extract}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = COMMANDS.get(args.command) or getattr(args, "handler", None)
    try:
        if getattr(args, "writes_datasets", False) or getattr(args, "reads_datasets", False):
            return _locked(args, handler)
        return handler(args)
    except GazetteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)  # a note above says what became of the run
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
              file=sys.stderr)
        return 1
