"""Held-out play: invented texts laid out as other bureaus and governments print them, rendered
in the layouts real sources come in, read by the real pipeline and scored row by row.

Every fixture in tests/test_heldout_*.py is made up for these tests (invented places, people
and figures), written after the layouts of published monthly indicator tables and government
orders, notices and decisions; none is a copy of a real text.

Layouts: ``tab`` (cells separated by tabs), ``pipes`` (markdown tables), ``space`` (cells
separated by one space, empty cells dropped, as a careless copy gives them), ``cells`` (a
cell a line, empty cells dropped, as plain ``pdftotext`` or a copied web table gives them), ``html`` (a web
page, a merged header cell as colspan), ``pdftotext`` (``pdftotext -layout`` of the text
typeset by Chromium, tests/typeset.py) and ``pdf`` (the typeset PDF read directly).
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl.extractors import Context
from etl.normalize import to_simplified
from etl.pipeline import assemble, extract_issue
from etl.read import read_bytes

TEXT_LAYOUTS = ("tab", "pipes", "space", "cells", "html")
PDF_LAYOUTS = ("pdftotext", "pdf")


@dataclass
class Sheet:
    """An indicator table: lines above, header rows, body rows, lines below."""

    above: list[str]
    header: list[list[str]]
    rows: list[list[str]]
    below: list[str] = field(default_factory=list)
    published: str = ""  # the cover's date (a period printed without its year takes it)


def cover(published: str, city: str = "云台市") -> list[str]:
    year = published[:4]
    return [f"{city}人民政府公报", "", year, "", "第 9 期", "", published, ""]


def _row(layout: str, cells: list[str]) -> str:
    if layout == "tab":
        return "\t".join(cells)
    if layout == "pipes":
        return "| " + " | ".join(cells) + " |"
    if layout == "space":
        return " ".join(c for c in cells if c.strip())
    if layout == "cells":
        return "\n".join(c for c in cells if c.strip())
    raise ValueError(layout)


def render_sheet(sheet: Sheet, layout: str) -> str:
    """The sheet as text (tab / pipes / space) or as an HTML page (html)."""
    head = cover(sheet.published) if sheet.published else []
    if layout == "html":
        return _html_sheet(sheet, head)
    lines = [*head, *sheet.above, ""]
    for k, cells in enumerate(sheet.header):
        lines.append(_row(layout, cells))
        if layout == "pipes" and k == len(sheet.header) - 1:
            lines.append("|" + "---|" * len(cells))
    lines += [_row(layout, r) for r in sheet.rows]
    lines += ["", *sheet.below, ""]
    return "\n".join(lines)


def _html_sheet(sheet: Sheet, head: list[str]) -> str:
    def tr(cells: list[str], tag: str, merge: bool) -> str:
        out, k = [], 0
        while k < len(cells):
            span = 1
            while merge and cells[k] and k + span < len(cells) and not cells[k + span]:
                span += 1
            attr = f' colspan="{span}"' if span > 1 else ""
            out.append(f"<{tag}{attr}>{html.escape(cells[k])}</{tag}>")
            k += span
        return "<tr>" + "".join(out) + "</tr>"

    body = [f"<p>{html.escape(t)}</p>" for t in head if t.strip()]
    body += [f"<h3>{html.escape(t)}</h3>" for t in sheet.above if t.strip()]
    merge = len(sheet.header) > 1
    rows = [tr(h, "td", merge and k == 0) for k, h in enumerate(sheet.header)]
    rows += [tr(r, "td", False) for r in sheet.rows]
    body.append("<table border=\"1\">" + "\n".join(rows) + "</table>")
    body += [f"<p>{html.escape(t)}</p>" for t in sheet.below if t.strip()]
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>统计数据</title></head>'
            "<body>\n" + "\n".join(body) + "\n</body></html>")


def text_page(lines: str, layout: str) -> str:
    """A document text as a plain text or as an HTML page (a paragraph a line)."""
    if layout == "text":
        return lines
    paragraphs = [f"<p>{html.escape(t)}</p>" for t in lines.split("\n") if t.strip()]
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开</title>'
            "</head><body>\n<div class=\"article\">\n" + "\n".join(paragraphs)
            + "\n</div></body></html>")


def typeset_pdf(text: str, out: Path) -> Path:
    from tests.typeset import typeset
    return typeset(text, out, "A4")


def pdftotext(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def have_pdf_tools() -> bool:
    from tests.typeset import CHROMIUM
    return CHROMIUM.exists() and shutil.which("pdftotext") is not None


def run(data: bytes, name: str) -> dict[str, pd.DataFrame]:
    issue = read_bytes(data, name)
    if not re.fullmatch(r"\d{4}-\d{2}", issue.issue_id):  # no cover: any valid issue id
        issue.issue_id = "1999-01"
    ctx = Context()
    return assemble([extract_issue(issue, ctx)], ctx, only_found=True)


def rendered(source: str | Sheet, layout: str, workdir: Path | None = None) -> bytes:
    """The bytes a layout gives of a sheet (or of a document text)."""
    text = None
    if isinstance(source, Sheet):
        if layout in TEXT_LAYOUTS:
            return render_sheet(source, layout).encode("utf-8")
        text = render_sheet(source, "tab")
    elif layout in ("text", "html"):
        return text_page(source, layout).encode("utf-8")
    else:
        text = source
    pdf = typeset_bytes(text)
    if layout == "pdf":
        return pdf
    with tempfile.TemporaryDirectory(prefix="heldout-", dir=workdir) as tmp:
        path = Path(tmp) / "page.pdf"
        path.write_bytes(pdf)
        return pdftotext(path).encode("utf-8")


@functools.cache
def typeset_bytes(text: str) -> bytes:
    """The text typeset by Chromium (once per text: both PDF layouts read the same PDF)."""
    with tempfile.TemporaryDirectory(prefix="heldout-") as tmp:
        return typeset_pdf(text, Path(tmp) / "page.pdf").read_bytes()


# --- scoring --------------------------------------------------------------------------------


def squeeze(text: object) -> str:
    return re.sub(r"\s+", "", to_simplified(str(text)))


def same(a: object, b: object) -> bool:
    if b is None:
        return a is None or (isinstance(a, float) and a != a) or a is pd.NA
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return False


@dataclass
class Want:
    """One expected indicator row: a name found in indicator_raw, the kind, the period end,
    value, growth, change in points, unit."""

    name: str
    kind: str
    end: str
    value: float | None
    yoy: float | None = None
    pp: float | None = None
    unit: str | None = None
    part_of: str | None = ""  # "" = not checked


def score_indicators(frame: pd.DataFrame | None, wants: list[Want]) -> tuple[int, int, list[str]]:
    """(rows right, rows counted, what went wrong). A row counts once per expectation;
    a row read that no expectation names counts as wrong too."""
    if frame is None or frame.empty:
        return 0, len(wants), [f"no rows (wanted {len(wants)})"]
    used: set[int] = set()
    right, problems = 0, []
    raws = [squeeze(r) for r in frame["indicator_raw"]]
    for want in wants:
        hits = [i for i, r in enumerate(raws) if squeeze(want.name) in r and
                frame.iloc[i]["period_kind"] == want.kind and i not in used]
        exact = [i for i in hits if re.sub(r"^[#＃其中:：\d、.一二三四五六七八九十()（）]+", "",
                                           raws[i]).startswith(squeeze(want.name))]
        hits = exact or hits
        if not hits:
            problems.append(f"missing {want.name} {want.kind}")
            continue
        i = hits[0]
        used.add(i)
        row = frame.iloc[i]
        wrong = []
        if str(row["period_end"]) != want.end:
            wrong.append(f"period {row['period_end']}")
        if not same(row["value"], want.value):
            wrong.append(f"value {row['value']}")
        if not same(row["yoy_pct"], want.yoy):
            wrong.append(f"yoy {row['yoy_pct']}")
        if not same(row["change_pp"], want.pp):
            wrong.append(f"pp {row['change_pp']}")
        if want.unit is not None and squeeze(row["unit"]) != squeeze(want.unit):
            wrong.append(f"unit {row['unit']}")
        if want.part_of != "" and (row["part_of"] if isinstance(row["part_of"], str)
                                   else None) != want.part_of:
            wrong.append(f"part_of {row['part_of']}")
        if wrong:
            problems.append(f"{want.name} {want.kind}: " + ", ".join(wrong))
        else:
            right += 1
    extra = [i for i in range(len(frame)) if i not in used and (
        not all(pd.isna(frame.iloc[i][c]) for c in ("value", "yoy_pct", "change_pp")))]
    problems += [f"extra {frame.iloc[i]['indicator_raw']} {frame.iloc[i]['period_kind']}"
                 for i in extra]
    return right, len(wants) + len(extra), problems


@dataclass
class Doc:
    """One expected document (gazette_documents) and its events (document_events)."""

    number: str
    title: str | None = None  # squeezed, simplified; None = not checked
    fields: dict = field(default_factory=dict)  # column → expected printed value (iso dates)
    events: list[tuple] = field(default_factory=list)  # (doc_number, event, iso date | None)


def score_documents(frames: dict[str, pd.DataFrame], docs: list[Doc],
                    others: tuple[str, ...] = ()) -> tuple[int, int, list[str]]:
    """Each document row and each event is one item: right or wrong. Documents and events
    read that no expectation names (``others`` are numbers allowed to appear) count wrong."""
    gazette = frames.get("gazette_documents", pd.DataFrame())
    events = frames.get("document_events", pd.DataFrame())
    right = total = 0
    problems: list[str] = []
    numbers = {d.number for d in docs}
    for doc in docs:
        total += 1
        rows = gazette[gazette["doc_number"] == doc.number] if not gazette.empty else gazette
        if rows.empty:
            problems.append(f"document {doc.number} missing")
        else:
            row, wrong = rows.iloc[0], []
            if doc.title is not None and squeeze(row["title"]) != squeeze(doc.title):
                wrong.append(f"title {row['title']!r}")
            for col, want in doc.fields.items():
                got = row[col]
                got = None if got is None or (not isinstance(got, str) and pd.isna(got)) else \
                    (got.date().isoformat() if hasattr(got, "date") else str(got))
                if got != want:
                    wrong.append(f"{col} {got!r} (want {want!r})")
            if wrong:
                problems.append(f"document {doc.number}: " + "; ".join(wrong))
            else:
                right += 1
        for number, event, when in doc.events:
            total += 1
            hits = events[(events["doc_number"] == number) & (events["event"] == event)] \
                if not events.empty else events
            dates = {None if pd.isna(d) else pd.Timestamp(d).date().isoformat()
                     for d in hits["date"]} if not hits.empty else set()
            if when in dates:
                right += 1
            else:
                problems.append(f"event {number} {event} {when}: got {sorted(map(str, dates))}")
    if not gazette.empty:
        for number in gazette["doc_number"]:
            if isinstance(number, str) and number not in numbers and number not in others:
                total += 1
                problems.append(f"extra document {number}")
    wanted = {(n, e, w) for d in docs for n, e, w in d.events}
    if not events.empty:
        for _, ev in events.iterrows():
            if ev["event"] == "published":
                continue
            when = None if pd.isna(ev["date"]) else pd.Timestamp(ev["date"]).date().isoformat()
            if (ev["doc_number"], ev["event"], when) not in wanted and \
                    (ev["doc_number"], ev["event"]) not in {(n, e) for n, e, _ in wanted}:
                total += 1
                problems.append(f"extra event {ev['doc_number']} {ev['event']} {when}")
    return right, total, problems
