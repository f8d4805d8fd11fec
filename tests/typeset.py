"""Typeset a gazette text as a real PDF, for the PDF reader's tests and by hand.

The seed texts are what a converter made of the printed gazette: markdown-ish prose (one
paragraph a line) and tables as tab-separated rows. This prints them back the way a gazette
is printed — HTML → headless Chromium ``--print-to-pdf`` — with bordered tables whose header
repeats on every page, cells narrow enough to wrap, a running header 连云港市人民政府公报
and a page number on every page, indented justified paragraphs and right-aligned dates.

Tables are the tab-separated ones, rendered from what the tab layout reads
(``etl.read.layouts.tabs``): header and rows, without the repeated headers and page furniture
the converter left between the parts, so the PDF holds the same cells the text does.

    python -m tests.typeset IN.md OUT.pdf [--paper A4|B5] [--rules grid|three|none]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from etl.read.layouts import tabs
from etl.read.lines import DATE_LINE, strip_markup
from etl.read.model import Table

CHROMIUM = Path(os.environ.get("LYG_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--no-pdf-header-footer")
RUNNING_HEADER = "连云港市人民政府公报"
PAPERS = {  # CSS page size, margins (top right bottom left)
    "A4": ("A4", "24mm 20mm 22mm 20mm"),
    "B5": ("B5", "20mm 16mm 18mm 16mm"),
}

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SIGNATURE = re.compile(r"^连云港市人民政府(?:办公室)?(?:（盖章）)?$")

CSS = """
@page {{ size: {size}; margin: {margin};
  @top-center {{ content: "{header}"; font-size: 9pt; color: #333;
                 border-bottom: 0.5pt solid #333; vertical-align: bottom; padding-bottom: 2mm; }}
  @bottom-center {{ content: counter(page); font-size: 9pt; }} }}
body {{ font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 10.5pt;
       line-height: 1.65; margin: 0; }}
p {{ margin: 0 0 0.25em; text-indent: 2em; text-align: justify; }}
p.right {{ text-align: right; text-indent: 0; }}
h1 {{ font-size: 15pt; text-align: center; margin: 0.8em 0 0.5em; }}
h2 {{ font-size: 13pt; text-align: center; margin: 0.6em 0 0.4em; }}
h3, h4, h5, h6 {{ font-size: 11pt; margin: 0.5em 0 0.3em; }}
table {{ border-collapse: collapse; width: 100%; font-size: 9pt; line-height: 1.4;
        margin: 0.4em 0 0.8em; }}
thead {{ display: table-header-group; }}
th, td {{ border: 1px solid #000; padding: 2px 4px; vertical-align: middle; }}
th {{ font-weight: bold; text-align: center; }}
tr {{ break-inside: avoid; }}
{rules}
"""
RULES = {  # how tables are ruled: a full grid, only three rules (三线表), or none at all
    "grid": "",
    "three": "th, td {{ border: 0; }} table {{ border-top: 1.5px solid #000; "
             "border-bottom: 1.5px solid #000; }} thead th {{ border-bottom: 1px solid #000; }}",
    "none": "th, td {{ border: 0; padding: 2px 8px; }}",
}


def typeset(text: str, out_pdf: str | Path, paper: str = "A4", rules: str = "grid") -> Path:
    """Print ``text`` (a seed gazette text) as a PDF at ``out_pdf``; returns the path.
    ``rules``: tables ruled as a full ``grid``, with ``three`` rules only, or ``none``."""
    out_pdf = Path(out_pdf).resolve()
    page = to_html(text, paper, rules)
    with tempfile.TemporaryDirectory(prefix="typeset-") as tmp:
        source = Path(tmp) / "gazette.html"
        source.write_text(page, encoding="utf-8")
        print_pdf(source, out_pdf, Path(tmp) / "profile")
    return out_pdf


def print_pdf(source: Path, out_pdf: Path, profile: Path, timeout: float = 180) -> None:
    """Headless Chromium prints ``source`` (an HTML file) to ``out_pdf``."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: install Debian's chromium (make chromium)")
    out_pdf.unlink(missing_ok=True)
    cmd = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}",
           f"--print-to-pdf={out_pdf}", source.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not out_pdf.exists() or not out_pdf.read_bytes()[:5] == b"%PDF-":
        raise RuntimeError(f"chromium did not print {out_pdf} (exit {done.returncode}): "
                           f"{done.stderr.strip()[-500:]}")


def to_html(text: str, paper: str = "A4", rules: str = "grid") -> str:
    """The gazette text as one printable HTML page."""
    if paper not in PAPERS or rules not in RULES:
        raise ValueError(f"paper is one of {', '.join(PAPERS)}, rules one of {', '.join(RULES)}")
    size, margin = PAPERS[paper]
    lines = text.replace("\r\n", "\n").replace("\f", "").split("\n")
    css = CSS.format(size=size, margin=margin, header=RUNNING_HEADER,
                     rules=RULES[rules].format())
    body = "\n".join(_blocks(lines))
    return (f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>gazette</title><style>{css}</style></head>\n<body>\n{body}\n</body></html>\n")


def _blocks(lines: list[str]) -> list[str]:
    """HTML blocks in text order: a tab table where the reader finds one, else a block a line."""
    tables = {t.header_line: t for t in tabs.find(lines)}
    blocks: list[str] = []
    n = 1
    while n <= len(lines):
        table = tables.get(n)
        if table is not None:
            blocks.append(_table(table))
            n = table.end_line + 1
            continue
        block = _line_block(lines[n - 1])
        if block:
            blocks.append(block)
        n += 1
    return blocks


def _line_block(line: str) -> str:
    """One text line → a heading or a paragraph (markdown markers gone, text escaped)."""
    heading = _HEADING.match(line.strip())
    if heading:
        level = min(len(heading.group(1)), 6)
        return f"<h{level}>{_text(heading.group(2))}</h{level}>"
    text = _text(line)
    if not text or set(text) <= {"-", "*", "_", " "}:  # blank, or a markdown rule
        return ""
    plain = html.unescape(text)
    if DATE_LINE.match(plain) or _SIGNATURE.match(plain):
        return f'<p class="right">{text}</p>'
    return f"<p>{text}</p>"


def _text(line: str) -> str:
    return html.escape(_LINK.sub(r"\1", strip_markup(line)).replace("**", ""))


def _table(table: Table) -> str:
    width = max([table.n_columns, *(len(r.cells) for r in table.rows)])
    head = _tr("th", table.header, width)
    body = "\n".join(_tr("td", row.cells, width) for row in table.rows)
    return f"<table>\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _tr(tag: str, cells: list[str], width: int) -> str:
    padded = [*cells, *[""] * (width - len(cells))]
    return "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in padded) + "</tr>"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.typeset", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("source", type=Path, help="gazette text (markdown-ish, tab tables)")
    parser.add_argument("out", type=Path, help="the PDF to write")
    parser.add_argument("--paper", choices=sorted(PAPERS), default="A4")
    parser.add_argument("--rules", choices=list(RULES), default="grid",
                        help="tables ruled as a grid (default), with three rules, or none")
    args = parser.parse_args(argv)
    out = typeset(args.source.read_text(encoding="utf-8-sig"), args.out, args.paper, args.rules)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
