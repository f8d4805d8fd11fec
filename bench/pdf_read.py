"""Reading a gazette PDF: ``pdftotext -layout`` beside our PDF reader, on the same file.

    .venv/bin/python -m bench.pdf_read [--repeat 7] [--paper A4] [--variant NAME] [--no-plumber]

The file: issue 2018-16 typeset as a PDF (tests/typeset.py: headless Chromium, ruled tables
with headers repeated on every page, running header, page numbers; ``--variant``: another
print of tests/typeset.py VARIANTS, e.g. rows split across pages). Medians of ``--repeat``
runs after one warm-up, side by side in one process:
- ``pdftotext -layout`` (poppler, a subprocess): the C converter the speed aim is set against;
- ``etl.read.pdf.derive``: the PDF → derived text (pypdfium2: characters, rules, cells);
- the whole way: ``read_bytes`` (derived text → Issue) + ``extract_issue`` + ``assemble``
  (every dataset typed and validated) — the figure the aim (≤ 3 × pdftotext) is about;
- pdfplumber ``extract_text`` + ``extract_tables`` on every page, for comparison (only when
  pdfplumber is installed: ``requirements-bench.txt``).
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from etl.extractors import Context
from etl.paths import ROOT
from etl.pipeline import assemble, extract_issue
from etl.read import read_bytes
from etl.read.pdf import derive

SEED = ROOT / "datasets" / "raw" / "lianyungang-gazette-2018-16.md"
AIM = 3.0  # the whole way within 3 × pdftotext -layout


def typeset_seed(out_dir: Path, paper: str, variant: str | None = None) -> Path:
    from tests.typeset import VARIANTS, typeset
    text = SEED.read_text(encoding="utf-8")
    if variant:
        paper, rules, style = VARIANTS[variant]
        return typeset(text, out_dir / f"2018-16-{variant}.pdf", paper, rules, style)
    return typeset(text, out_dir / f"2018-16-{paper}.pdf", paper)


def pdftotext(pdf: Path) -> int:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True)
    return len(done.stdout)


def derived(pdf: Path) -> int:
    return len(derive(pdf.read_bytes(), pdf).text)


def all_datasets(pdf: Path) -> int:
    ctx = Context()
    issue = read_bytes(pdf.read_bytes(), pdf, "2018-16")
    frames = assemble([extract_issue(issue, ctx)], ctx, pages={issue.issue_id: issue.pages})
    return sum(len(frame) for frame in frames.values())


def plumber(pdf: Path) -> int:
    import pdfplumber
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # a FontBBox warning per page
    found = 0
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            found += len(page.extract_text() or "") + len(page.extract_tables())
    return found


def median_time(function, pdf: Path, repeat: int) -> float:
    function(pdf)  # warm-up: imports, caches, the page cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(pdf)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(repeat: int = 7, paper: str = "A4", with_plumber: bool = True,
        variant: str | None = None) -> dict:
    if shutil.which("pdftotext") is None:
        raise SystemExit("pdftotext is missing: apt-get install poppler-utils (make chromium)")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        pdf = typeset_seed(Path(tmp), paper, variant)
        from pypdfium2 import PdfDocument
        with PdfDocument(pdf) as doc:
            pages = len(doc)
        result = {"paper": variant or paper, "pages": pages, "bytes": pdf.stat().st_size,
                  "repeat": repeat, "rows": all_datasets(pdf),
                  "pdftotext": median_time(pdftotext, pdf, repeat),
                  "derive": median_time(derived, pdf, repeat),
                  "all_datasets": median_time(all_datasets, pdf, repeat)}
        if with_plumber and importlib.util.find_spec("pdfplumber") is not None:
            result["pdfplumber"] = median_time(plumber, pdf, max(1, repeat // 3))
    return result


def markdown(r: dict) -> str:
    base = r["pdftotext"]
    rows = [("`pdftotext -layout` (poppler, subprocess)", base),
            ("our reader: PDF → derived text (`etl.read.pdf.derive`)", r["derive"]),
            ("our reader: PDF → every dataset (`read_bytes` + `extract_issue` + `assemble`)",
             r["all_datasets"])]
    if "pdfplumber" in r:
        rows.append(("pdfplumber `extract_text` + `extract_tables`, every page", r["pdfplumber"]))
    lines = [f"Issue 2018-16 typeset on {r['paper']} by tests/typeset.py: {r['pages']} pages, "
             f"{r['bytes'] / 1e6:.1f} MB, {r['rows']} dataset rows; medians of {r['repeat']} "
             "runs after a warm-up.", "",
             "| reading | median | × pdftotext |", "|---|---:|---:|"]
    lines += [f"| {name} | {seconds:.2f} s | {seconds / base:.1f} |" for name, seconds in rows]
    verdict = "within" if r["all_datasets"] <= AIM * base else "over"
    lines += ["", f"Aim: every dataset within {AIM:.0f} × `pdftotext -layout` — {verdict} "
              f"({r['all_datasets'] / base:.1f} ×)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.pdf_read", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--paper", choices=("A4", "B5"), default="A4")
    p.add_argument("--variant", help="a print of tests/typeset.py VARIANTS (paper ignored)")
    p.add_argument("--no-plumber", action="store_true", help="skip the pdfplumber comparison")
    args = p.parse_args(argv)
    print(markdown(run(args.repeat, args.paper, not args.no_plumber, args.variant)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
