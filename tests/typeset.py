"""Typeset a gazette text as a real PDF, for the PDF reader's tests and by hand.

The seed texts are what a converter made of the printed gazette: markdown-ish prose (one
paragraph a line) and tables as tab-separated rows. This prints them back the way a gazette
is printed — HTML → headless Chromium ``--print-to-pdf`` — with bordered tables whose header
repeats on every page, cells narrow enough to wrap, a running header 连云港市人民政府公报
and a page number on every page, indented justified paragraphs and right-aligned dates.

A ``Style`` varies the print the way gazettes differ from issue to issue and printer to
printer (the defaults are the print above): the font (serif or sans CJK), body and table
sizes, margins, rows that may split across a page break, a header row printed only once,
cell padding and vertical alignment, the running header (plain; with the issue number and a
``— 12 —`` page number; or different on odd and even pages), bold run-in headings (第一条,
一、…) and a large document title centred over two or three lines. ``VARIANTS`` names the
styles the tests print.

Tables are the tab-separated ones, rendered from what the tab layout reads
(``etl.read.layouts.tabs``): header and rows, without the repeated headers and page furniture
the converter left between the parts, so the PDF holds the same cells the text does.

    python -m tests.typeset IN.md OUT.pdf [--paper A4|B5] [--rules grid|three|none]
                                          [--variant NAME]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Style:
    """How a gazette is printed, beyond paper and rules (defaults: the print of the module
    docstring)."""

    font: str = "default"  # serif / sans: one Noto CJK face; default: serif, sans fallback
    size: float = 10.5  # pt, body text
    table_size: float = 9.0  # pt, table text
    margin: str | None = None  # CSS page margins (top right bottom left); None: the paper's
    split_rows: bool = False  # a row may break across pages (else rows are kept whole)
    repeat_header: bool = True  # the header row printed again on every page of a table
    padding: str = "2px 4px"  # cell padding
    valign: str = "middle"  # cell vertical alignment
    running: str = "plain"  # plain: 公报 + page number; issue: 公报 第16期 + — 12 —;
    #                         alternate: odd and even pages with different headers, — 12 —
    title_size: float = 15.0  # pt, a document title (h1)
    bold: bool = False  # **…** and 一、/第一条 run-in headings printed bold


VARIANTS = {  # name → (paper, rules, style): the prints the tests compare with the text
    "default": ("A4", "grid", Style()),
    "three": ("A4", "three", Style()),
    "none": ("A4", "none", Style()),
    "sans-split": ("A4", "grid", Style(font="sans", split_rows=True, repeat_header=False,
                                       valign="top", padding="4px 6px")),
    "serif-b5-split": ("B5", "grid", Style(font="serif", size=12, table_size=10.5,
                                           split_rows=True, running="alternate",
                                           title_size=22, bold=True)),
    "tight-margins": ("A4", "grid", Style(font="sans", size=9.5, table_size=8,
                                          margin="12mm 12mm 14mm 12mm", running="issue",
                                          padding="1px 2px", split_rows=True)),
    "three-split": ("A4", "three", Style(font="serif", split_rows=True, repeat_header=False,
                                          running="alternate", valign="top", bold=True)),
    "none-tight": ("A4", "none", Style(font="sans", padding="1px 4px", running="issue",
                                       title_size=20)),
    "none-b5": ("B5", "none", Style(font="serif", size=11, table_size=9.5, split_rows=True,
                                    running="alternate", valign="top", bold=True)),
}

FONTS = {"default": '"Noto Serif CJK SC", "Noto Sans CJK SC", serif',
         "serif": '"Noto Serif CJK SC", serif', "sans": '"Noto Sans CJK SC", sans-serif'}

RUNNING = {  # the page margin boxes; {header}: the running header, {issue}: 2018年第16期
    "plain": """@page {{ @top-center {{ content: "{header}"; font-size: 9pt; color: #333;
                 border-bottom: 0.5pt solid #333; vertical-align: bottom; padding-bottom: 2mm; }}
  @bottom-center {{ content: counter(page); font-size: 9pt; }} }}""",
    "issue": """@page {{ @top-center {{ content: "{header}　　{issue}"; font-size: 9pt;
                 border-bottom: 0.5pt solid #333; vertical-align: bottom; padding-bottom: 2mm; }}
  @bottom-center {{ content: "— " counter(page) " —"; font-size: 10pt; }} }}""",
    "alternate": """@page :left {{ @top-left {{ content: "{header}"; font-size: 9pt;
                 vertical-align: bottom; padding-bottom: 2mm; }}
  @top-right {{ content: "{issue}"; font-size: 9pt; vertical-align: bottom;
                padding-bottom: 2mm; }}
  @bottom-left {{ content: "— " counter(page) " —"; font-size: 10pt; }} }}
@page :right {{ @top-right {{ content: "{section}"; font-size: 9pt; vertical-align: bottom;
                 padding-bottom: 2mm; }}
  @bottom-right {{ content: "— " counter(page) " —"; font-size: 10pt; }} }}""",
}

CSS = """
@page {{ size: {size}; margin: {margin}; }}
{running}
body {{ font-family: {font}; font-size: {body}pt; line-height: 1.65; margin: 0; }}
p {{ margin: 0 0 0.25em; text-indent: 2em; text-align: justify; }}
p.right {{ text-align: right; text-indent: 0; }}
h1 {{ font-size: {title}pt; text-align: center; margin: 0.8em 0 0.5em; }}
h2 {{ font-size: 13pt; text-align: center; margin: 0.6em 0 0.4em; }}
h3, h4, h5, h6 {{ font-size: 11pt; margin: 0.5em 0 0.3em; }}
table {{ border-collapse: collapse; width: 100%; font-size: {table}pt; line-height: 1.4;
        margin: 0.4em 0 0.8em; }}
thead {{ display: {thead}; }}
th, td {{ border: 1px solid #000; padding: {padding}; vertical-align: {valign}; }}
th {{ font-weight: bold; text-align: center; }}
tr {{ break-inside: {tr}; }}
{rules}
"""
RULES = {  # how tables are ruled: a full grid, only three rules (三线表), or none at all
    "grid": "",
    "three": "th, td {{ border: 0; }} table {{ border-top: 1.5px solid #000; "
             "border-bottom: 1.5px solid #000; }} thead th {{ border-bottom: 1px solid #000; }}",
    "none": "th, td {{ border: 0; padding: 2px 8px; }}",
}


def typeset(text: str, out_pdf: str | Path, paper: str = "A4", rules: str = "grid",
            style: Style | None = None) -> Path:
    """Print ``text`` (a seed gazette text) as a PDF at ``out_pdf``; returns the path.
    ``rules``: tables ruled as a full ``grid``, with ``three`` rules only, or ``none``."""
    out_pdf = Path(out_pdf).resolve()
    page = to_html(text, paper, rules, style)
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


def to_html(text: str, paper: str = "A4", rules: str = "grid", style: Style | None = None) -> str:
    """The gazette text as one printable HTML page."""
    style = style or Style()
    if paper not in PAPERS or rules not in RULES or style.running not in RUNNING \
            or style.font not in FONTS:
        raise ValueError(f"paper is one of {', '.join(PAPERS)}, rules one of {', '.join(RULES)}"
                         f", running one of {', '.join(RUNNING)}, font one of {', '.join(FONTS)}")
    size, margin = PAPERS[paper]
    lines = text.replace("\r\n", "\n").replace("\f", "").split("\n")
    running = RUNNING[style.running].format(header=RUNNING_HEADER, issue=_issue_label(lines),
                                            section="政府文件")
    css = CSS.format(size=size, margin=style.margin or margin, running=running,
                     font=FONTS[style.font], body=style.size, title=style.title_size,
                     table=style.table_size, padding=style.padding, valign=style.valign,
                     thead="table-header-group" if style.repeat_header else "table-row-group",
                     tr="auto" if style.split_rows else "avoid", rules=RULES[rules].format())
    body = "\n".join(_blocks(lines, style.bold))
    return (f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>gazette</title><style>{css}</style></head>\n<body>\n{body}\n</body></html>\n")


def _issue_label(lines: list[str]) -> str:
    """2018年第16期, from the cover (year and number as the text prints them)."""
    head = "\n".join(lines[:60])
    year = re.search(r"\b(19|20)\d\d\b", head)
    number = re.search(r"第\s*(\d+)\s*期", head)
    return f"{year.group(0) if year else ''}年第{number.group(1) if number else ''}期"


def _blocks(lines: list[str], bold: bool = False) -> list[str]:
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
        block = _line_block(lines[n - 1], bold)
        if block:
            blocks.append(block)
        n += 1
    return blocks


def _line_block(line: str, bold: bool = False) -> str:
    """One text line → a heading or a paragraph (markdown markers gone, text escaped;
    ``bold``: **…** and a run-in heading printed bold)."""
    heading = _HEADING.match(line.strip())
    if heading:
        level = min(len(heading.group(1)), 6)
        return f"<h{level}>{_text(heading.group(2))}</h{level}>"
    text = _text(line)
    if bold and text:
        return _bold_block(line, text)
    if not text or set(text) <= {"-", "*", "_", " "}:  # blank, or a markdown rule
        return ""
    plain = html.unescape(text)
    if DATE_LINE.match(plain) or _SIGNATURE.match(plain):
        return f'<p class="right">{text}</p>'
    return f"<p>{text}</p>"


_RUN_IN = re.compile(r"^(第[一二三四五六七八九十百]+条|[一二三四五六七八九十]+、[^。：:；]{2,24}[。：:]?)")


def _bold_block(line: str, text: str) -> str:
    """A paragraph with its **…** spans and its run-in heading (第一条, 一、总体要求。) bold."""
    plain = html.unescape(text)
    if DATE_LINE.match(plain) or _SIGNATURE.match(plain):
        return f'<p class="right">{text}</p>'
    marked = html.escape(_LINK.sub(r"\1", strip_markup(line.replace("**", "\x01"))))
    marked = re.sub("\x01(.*?)\x01", r"<b>\1</b>", marked).replace("\x01", "")
    if "<b>" not in marked:
        marked = _RUN_IN.sub(r"<b>\1</b>", marked, count=1)
    return f"<p>{marked}</p>"


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
    parser.add_argument("--variant", choices=list(VARIANTS),
                        help="a named print (paper, rules and style; overrides both)")
    args = parser.parse_args(argv)
    paper, rules, style = VARIANTS[args.variant] if args.variant else (args.paper, args.rules,
                                                                        None)
    out = typeset(args.source.read_text(encoding="utf-8-sig"), args.out, paper, rules, style)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
