"""Foreign keys between the datasets: declared once here, written into ``datapackage.json``
(each resource's ``schema.foreignKeys``) and checked on the frames by ``etl check``.

Only keys that hold by construction are declared (each says why); the ones one might expect
that do NOT hold, and why, are in ``NOT_DECLARED``.

Semantics are Frictionless's (so ``frictionless validate`` and ``etl check`` agree): a row
whose referencing fields are all empty is skipped; any other row must match a row of the
reference exactly, empty cells included. So a composite key pairs ``source_issue`` (never
empty) only with a document column that is required; a document column that may be empty
(a list printed without its 文号) references ``gazette_documents.doc_number`` alone.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

RAW_ISSUES = "raw_issues"  # the resource of datasets/raw/manifest.csv (issue_id per issue)
_DOC = ("source_issue", "doc_number")  # a document published in an issue


@dataclass(frozen=True)
class ForeignKey:
    dataset: str
    fields: tuple[str, ...]
    reference: str  # a dataset name, or RAW_ISSUES
    reference_fields: tuple[str, ...]
    why: str

    def descriptor(self) -> dict:
        """The Table Schema ``foreignKeys`` entry (a self-reference names resource "")."""
        return {"fields": list(self.fields),
                "reference": {"resource": "" if self.reference == self.dataset
                              else self.reference, "fields": list(self.reference_fields)}}

    def text(self) -> str:
        return (f"{self.dataset} ({', '.join(self.fields)}) → {self.reference} "
                f"({', '.join(self.reference_fields)})")


FOREIGN_KEYS: tuple[ForeignKey, ...] = (
    ForeignKey("heritage_site_places", ("level", "site_id"), "heritage_sites",
               ("level", "site_id"), "every place row is cut from one site's address"),
    ForeignKey("heritage_sites", ("announce_doc",), "gazette_documents", ("doc_number",),
               "the list is an annex of a document the gazette publishes"),
    ForeignKey("normative_documents", ("cleanup_doc",), "gazette_documents", ("doc_number",),
               "a cleanup list is an annex of a document the gazette publishes"),
    ForeignKey("document_events", ("by_doc",), "gazette_documents", ("doc_number",),
               "an event's deciding document (list, repeal or amendment decision) is one "
               "the gazette publishes"),
    ForeignKey("document_citations", ("source_issue", "citing_doc"), "gazette_documents",
               _DOC, "citations are read from the issue's own documents"),
    ForeignKey("document_amendments", ("source_issue", "amending_doc"), "gazette_documents",
               _DOC, "edits are read from an amending decision the issue publishes"),
    ForeignKey("task_assignments", ("doc_number",), "gazette_documents", ("doc_number",),
               "tasks are read from a document the gazette publishes"),
    ForeignKey("economic_indicators", ("part_of",), "economic_indicators", ("indicator_id",),
               "a part (出口) is printed under its total (进出口) in the same table"),
)


def _source_issue_keys() -> tuple[ForeignKey, ...]:
    """source_issue → raw_issues.issue_id for every dataset that has the column."""
    from etl.dictionary import datasets
    return tuple(ForeignKey(name, ("source_issue",), RAW_ISSUES, ("issue_id",),
                            "every row names a registered issue of datasets/raw/manifest.csv")
                 for name, ds in datasets().items() if "source_issue" in ds.column_names)


def foreign_keys() -> tuple[ForeignKey, ...]:
    return _source_issue_keys() + FOREIGN_KEYS


def keys_of(dataset: str) -> list[ForeignKey]:
    return [fk for fk in foreign_keys() if fk.dataset == dataset]


NOT_DECLARED: dict[str, str] = {
    "document_events (doc_number) → normative_documents / gazette_documents":
        "events name every document a list, decision or prose mentions — 389 of 426 are not "
        "published in the gazette and 37 are not in any cleanup list (2022 registry)",
    "document_amendments (target_doc) → normative_documents":
        "holds today only because the 2018 amendments edit listed documents; a decision may "
        "amend any document",
    "document_citations (cited_number) → gazette_documents":
        "citations point at provincial and national documents too (cited_in_registry says "
        "which are in the city's registry)",
    "heritage_site_counts (level, county, category_zh) → heritage_sites":
        "the counts are a full county × category grid, zeros included (17 cells have no "
        "site); county and category are checked by their value lists instead",
    "economic_indicators (indicator_id) → reference/indicators.csv":
        "an indicator the catalogue lacks is kept with a derived id and flagged, by design; "
        "and the catalogue repeats an id per printed variant (not a key)",
}


# --- checking ----------------------------------------------------------------------------


def _values(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[tuple[str, ...] | None]:
    """Each row's key as text (dates as ISO days), None when every field is empty."""
    columns = []
    for name in fields:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            series = series.dt.strftime("%Y-%m-%d")
        columns.append([None if pd.isna(v) else str(v) for v in series.astype(object)])
    out: list[tuple[str, ...] | None] = []
    for values in zip(*columns, strict=True):
        out.append(None if all(v is None for v in values) else tuple(values))  # type: ignore
    return out


def read_issue_ids(datasets_dir: Path) -> list[str]:
    """The registered issue ids (datasets/raw/manifest.csv); [] when there is none."""
    path = Path(datasets_dir) / "raw" / "manifest.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["issue_id"] for row in csv.DictReader(fh)]


def violations(frames: dict[str, pd.DataFrame], issue_ids: list[str] | None = None,
               limit: int = 5) -> list[str]:
    """One line per broken key, naming dataset, CSV line (header = line 1), key and values;
    at most ``limit`` lines per key, then a count. ``issue_ids``: the registered issues
    (None: the source_issue keys are not checked)."""
    problems = []
    for fk in foreign_keys():
        frame = frames.get(fk.dataset)
        if frame is None:
            continue
        if fk.reference == RAW_ISSUES:
            if issue_ids is None:
                continue
            allowed = {(i,) for i in issue_ids}
        elif fk.reference in frames:
            allowed = {v for v in _values(frames[fk.reference], fk.reference_fields) if v}
        else:
            problems.append(f"{fk.dataset}.csv: cannot check {fk.text()}: {fk.reference} is not "
                            "published")
            continue
        bad = [(n, v) for n, v in enumerate(_values(frame, fk.fields), start=2)
               if v is not None and v not in allowed]
        for line, value in bad[:limit]:
            shown = ", ".join("" if v is None else v for v in value)
            problems.append(f"{fk.dataset}.csv line {line}: foreign key {fk.text()}: "
                            f"({shown}) not found")
        if len(bad) > limit:
            problems.append(f"{fk.dataset}.csv: {len(bad) - limit} more rows break "
                            f"{fk.text()}")
    return problems
