"""The pipeline: read issues → extract → combine across issues → type → validate → render.

Every step is a function of its inputs; only ``publish`` touches ``datasets/``.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from etl import extractors
from etl.dictionary import coerce, datasets
from etl.errors import GazetteError
from etl.extractors import Context, Extraction, flags_text
from etl.manifest import RawIssue, read_manifest, verify
from etl.paths import ROOT
from etl.profile import CityProfile, profile
from etl.publish import publish, render_all
from etl.read import Issue, read_issue
from etl.validate import validate

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quiet(_: str) -> None:
    pass


@dataclass
class Build:
    frames: dict[str, pd.DataFrame]
    issues: list[Issue]
    raw: list[RawIssue]
    extractions: dict[str, dict[str, Extraction]] = field(default_factory=dict)
    city: CityProfile | None = None  # the profile of the root built (None: this checkout's)
    root: Path = ROOT  # the checkout built: datapackage.json lists its datasets/ inputs

    @property
    def build_date(self) -> date:
        dates = [r.published_on for r in self.raw] or [i.published_on for i in self.issues
                                                        if i.published_on]
        return max(dates) if dates else date(1970, 1, 1)

    def issue_rows(self) -> list[dict]:
        return [{"issue_id": r.issue_id, "published_on": r.published_on.isoformat(),
                 "file": r.file} for r in self.raw]

    def outputs(self) -> dict[str, bytes]:
        outputs = render_all(self.frames, datasets(), self.build_date, self.issue_rows(),
                             city=self.city, datasets_dir=self.root / "datasets")
        outputs.update(self.derived_texts())
        return outputs

    def derived_texts(self) -> dict[str, bytes]:
        """The text read from each PDF or HTML issue, kept beside it in ``raw/`` so that
        every ``source_line`` points at a line a person can open (``etl check`` proves it
        is what the reader derives today)."""
        return {derived_name(raw.file): issue.derived_text.encode("utf-8")
                for raw, issue in zip(self.raw, self.issues, strict=True)
                if issue.derived_text is not None}

    def summary(self) -> list[str]:
        lines = []
        for name, frame in self.frames.items():
            flags: Counter[str] = Counter()
            if "quality_flags" in frame.columns:
                for value in frame["quality_flags"].dropna():
                    flags.update(code for code in str(value).split(";") if code)
            detail = ", ".join(f"{code} {n}" for code, n in sorted(flags.items()))
            lines.append(f"{name:28s} {len(frame):6d} rows   flags: {detail or 'none'}")
        return lines


def derived_name(raw_file: str) -> str:
    """Where the text derived from a raw PDF/HTML issue is published (under datasets/)."""
    return f"raw/{raw_file}.txt"


def extract_issue(issue: Issue, ctx: Context) -> dict[str, Extraction]:
    """Run every extractor on one issue; each row gets the page of its source line."""
    found = {module.__name__.rsplit(".", 1)[-1]: module.extract(issue, ctx)
             for module in extractors.modules()}
    for extraction in found.values():
        for items in extraction.rows.values():
            for item in items:
                if "source_line" in item and item.get("source_issue") == issue.issue_id:
                    item.setdefault("source_page", issue.page_of(item["source_line"]))
    return found


Pages = dict[str, list[int] | None]  # issue id → page of each line (None: no pages)


def fill_pages(frame: pd.DataFrame, pages: Pages) -> pd.DataFrame:
    """Give rows made across issues (``combine``) the page of their source line."""
    if "source_page" not in frame.columns or frame.empty:
        return frame
    missing = frame["source_page"].isna()
    if not missing.any() or not any(pages.values()):
        return frame

    def page(issue_id: object, line: object) -> object:
        lines = pages.get(str(issue_id))
        if lines is None or pd.isna(line) or not 1 <= int(line) <= len(lines):
            return None
        return lines[int(line) - 1]
    frame = frame.assign(source_page=frame["source_page"].astype(object))
    frame.loc[missing, "source_page"] = [
        page(i, n) for i, n in zip(frame.loc[missing, "source_issue"],
                                   frame.loc[missing, "source_line"], strict=True)]
    return frame


def assemble(per_issue: list[dict[str, Extraction]], ctx: Context,
             only_found: bool = False, pages: Pages | None = None) -> dict[str, pd.DataFrame]:
    """Concatenate rows across issues, run cross-issue steps, type and validate."""
    specs = datasets()
    rows: dict[str, list[dict]] = {}
    for found in per_issue:
        for extraction in found.values():
            for name, items in extraction.rows.items():
                rows.setdefault(name, []).extend(items)
    frames: dict[str, pd.DataFrame] = {}
    for name, spec in specs.items():
        items = rows.get(name, [])
        for item in items:
            if "quality_flags" in item:
                item["quality_flags"] = flags_text(item["quality_flags"]) or None
        frames[name] = pd.DataFrame(items, columns=spec.column_names) if items else \
            pd.DataFrame({c: pd.Series(dtype=object) for c in spec.column_names})
    for module in extractors.modules():
        if hasattr(module, "combine"):
            frames.update(module.combine(frames, ctx))
    frames = {name: fill_pages(frame, pages or {}) for name, frame in frames.items()}
    typed: dict[str, pd.DataFrame] = {}
    for name, spec in specs.items():
        if only_found and frames[name].empty:
            continue
        try:
            typed[name] = validate(coerce(frames[name], spec), spec)
        except (ValueError, TypeError) as exc:
            raise GazetteError(f"dataset {name}: {exc}") from None
    return typed


def build(root: Path = ROOT, progress: Progress = quiet) -> Build:
    """Read every registered issue, extract, validate. Nothing is written."""
    raw_dir = root / "datasets" / "raw"
    registered = read_manifest(raw_dir / "manifest.csv")
    if not registered:  # nothing to date the build by, nothing to publish
        raise GazetteError(f"{raw_dir / 'manifest.csv'}: no gazette issue is registered; "
                           "add one with `python -m etl ingest FILE`")
    ctx = Context(reference_dir=root / "datasets" / "reference")
    issues, per_issue, extractions = [], [], {}
    for k, raw in enumerate(registered, start=1):
        path = verify(raw, raw_dir)
        issue = read_issue(path, raw.issue_id)
        found = extract_issue(issue, ctx)
        issues.append(issue)
        per_issue.append(found)
        extractions[raw.issue_id] = found
        counts = ", ".join(f"{name} {len(rows)}" for ex in found.values()
                           for name, rows in ex.rows.items())
        progress(f"[{k}/{len(registered)}] {raw.issue_id}: {len(issue.documents)} documents, "
                 f"{len(issue.tables)} tables → {counts or 'no rows'}")
    frames = assemble(per_issue, ctx, pages={i.issue_id: i.pages for i in issues})
    return Build(frames, issues, registered, extractions, profile(root / "datasets" / "reference"),
                 root)


def run(root: Path = ROOT, progress: Progress = quiet) -> tuple[Build, list[str]]:
    """Build and publish into ``root/datasets``; return the build and the files changed."""
    result = build(root, progress)
    outputs = result.outputs()
    changed = publish(outputs, root / "datasets")
    return result, changed


def stale_files(root: Path = ROOT) -> list[str]:
    """Published files whose bytes differ from a fresh build (empty list = up to date)."""
    result = build(root)
    out_dir = root / "datasets"
    return [name for name, data in result.outputs().items()
            if not (out_dir / name).exists() or (out_dir / name).read_bytes() != data]
