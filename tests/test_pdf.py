"""The PDF reader (etl/read/pdf/): the two seed gazettes typeset as real PDFs (A4 and B5,
tests/typeset.py) read back into the same tables, documents and datasets as their texts;
running headers and page numbers left out and recorded; bad PDFs refused in one line.
Printed the way other gazettes are too (tests/typeset.py VARIANTS): serif or sans, other
sizes and margins, rows split across pages with or without a repeated header, headers that
differ on odd and even pages with `— 12 —` page numbers, tables without rules whose
columns are too tight to show a gap in any line.

The acceptance criterion: the published datasets built from the PDFs of the two issues equal
those built from their texts, provenance (line, page) and layout-only differences aside.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest

from etl.extractors import Context
from etl.normalize import clean_text
from etl.paths import ROOT
from etl.pipeline import assemble, extract_issue
from etl.read import Issue, Table, read_bytes, read_issue
from etl.read.pdf import derive
from tests.pdf_fixtures import SEEDS

CASES = [(issue_id, paper) for issue_id in SEEDS for paper in ("A4", "B5")]
RUNNING_HEADER = "连云港市人民政府公报"
PROVENANCE = re.compile(r"^source_(line|page)$|_line$")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’"
_SPACE_AT_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")


def same_text(value: str) -> str:
    """A value as both sources print it: a space next to a CJK character is layout (the seed
    has one where its converter broke a line, a PDF loses the one where it wraps a line)."""
    return _SPACE_AT_CJK.sub("", clean_text(value))


def cells(values: list[str]) -> list[str]:
    out = [same_text(v) for v in values]
    while out and out[-1] == "":
        out.pop()
    return out


@pytest.fixture(scope="module")
def pdfs(seed_pdf_a4, seed_pdf_b5) -> dict[tuple[str, str], Path]:
    return {**{(i, "A4"): p for i, p in seed_pdf_a4.items()},
            **{(i, "B5"): p for i, p in seed_pdf_b5.items()}}


@pytest.fixture(scope="module")
def pdf_issues(pdfs) -> dict[tuple[str, str], Issue]:
    return {key: read_bytes(path.read_bytes(), path, key[0]) for key, path in pdfs.items()}


@pytest.fixture(scope="module")
def text_issues() -> dict[str, Issue]:
    return {issue_id: read_issue(path, issue_id) for issue_id, path in SEEDS.items()}


def _title(table: Table) -> str:
    return same_text((table.title or "").replace("*", ""))  # the seed's bold markers


def tab_tables(issue: Issue) -> list[Table]:
    return [t for t in issue.tables if t.layout == "tabs"]


# --- tables, documents, cover ----------------------------------------------------------


@pytest.mark.parametrize(("issue_id", "paper"), CASES)
def test_tables_have_the_cells_of_the_text(issue_id, paper, pdf_issues, text_issues):
    pdf, text = pdf_issues[(issue_id, paper)], text_issues[issue_id]
    assert pdf.source_format == "pdf" and pdf.pages is not None
    expected, found = tab_tables(text), tab_tables(pdf)
    assert [_title(t) for t in found] == [_title(t) for t in expected]
    for want, got in zip(expected, found, strict=True):
        assert cells(got.header) == cells(want.header), want.title
        assert [cells(r.cells) for r in got.rows] == [cells(r.cells) for r in want.rows], \
            want.title


@pytest.mark.parametrize(("issue_id", "paper"), CASES)
def test_documents_and_cover_are_those_of_the_text(issue_id, paper, pdf_issues, text_issues):
    pdf, text = pdf_issues[(issue_id, paper)], text_issues[issue_id]

    def key(issue: Issue) -> list[tuple]:
        return [(same_text(d.title), str(d.doc_number), d.issuer, d.signed_on)
                for d in issue.documents]
    assert key(pdf) == key(text)
    assert (pdf.year, pdf.number, pdf.published_on) == (text.year, text.number,
                                                        text.published_on)
    assert [(e.section, same_text(e.title), e.page) for e in pdf.toc] == \
        [(e.section, same_text(e.title), e.page) for e in text.toc]


def test_the_seed_tables_cover_wrapped_cells_and_page_breaks(pdf_issues, pdfs):
    """What the comparisons above prove is not trivial: cells wrap, tables cross pages."""
    issue = pdf_issues[("2018-16", "A4")]
    kept = next(t for t in tab_tables(issue) if t.title == "保留的规范性文件目录")
    assert len({issue.page_of(r.line) for r in kept.rows}) >= 5  # over several pages …
    assert sum(1 for s in kept.skipped if s[1] == "repeated_header") >= 4  # … headed on each
    tasks = next(t for t in tab_tables(issue) if t.header[:2] == ["序号", "工作任务"])
    row = tasks.rows[0]
    with pdfium.PdfDocument(pdfs[("2018-16", "A4")]) as pdf:
        printed = pdf[issue.page_of(row.line) - 1].get_textpage().get_text_range()
    start = row.cells[1][:40]
    assert start not in printed and start in printed.replace("\r\n", "")  # wrapped in its cell


# --- the acceptance criterion: the same datasets ----------------------------------------


def _frames(issue: Issue) -> dict[str, pd.DataFrame]:
    ctx = Context()
    return assemble([extract_issue(issue, ctx)], ctx, pages={issue.issue_id: issue.pages})


def _comparable(frame: pd.DataFrame) -> list[dict]:
    """Rows without provenance; text compared as both sources print it."""
    keep = [c for c in frame.columns if not PROVENANCE.search(c)]
    rows = frame[keep].astype(object).where(frame[keep].notna(), None).to_dict("records")
    return [{k: same_text(v) if isinstance(v, str) and k != "quality_flags" else v
             for k, v in row.items()} for row in rows]


def _spacing_only(want: dict, got: dict, raw: dict, raw_got: dict) -> bool:
    """The rows differ only in a flag the text's line-break space caused (e.g. an agency
    name fixed for a space where the seed's converter broke the line)."""
    return {k: v for k, v in want.items() if k != "quality_flags"} == \
        {k: v for k, v in got.items() if k != "quality_flags"} and raw != raw_got


@pytest.mark.parametrize(("issue_id", "paper"), CASES)
def test_datasets_from_the_pdf_equal_those_from_the_text(issue_id, paper, pdf_issues,
                                                          text_issues):
    assert_same_datasets(pdf_issues[(issue_id, paper)], text_issues[issue_id])


def assert_same_datasets(pdf: Issue, text: Issue) -> None:
    from_pdf, from_text = _frames(pdf), _frames(text)
    assert from_pdf.keys() == from_text.keys()
    for name, frame in from_text.items():
        want, got = _comparable(frame), _comparable(from_pdf[name])
        assert len(got) == len(want), name
        raw_want = frame.drop(columns=[c for c in frame.columns if PROVENANCE.search(c)])
        raw_got = from_pdf[name].drop(columns=[c for c in frame.columns if PROVENANCE.search(c)])
        for k, (a, b) in enumerate(zip(want, got, strict=True)):
            if a != b:
                assert _spacing_only(a, b, raw_want.iloc[k].to_dict(), raw_got.iloc[k].to_dict()), \
                    f"{name} row {k}: {({c: (a[c], b[c]) for c in a if a[c] != b[c]})}"


# --- tables printed without a full grid of rules ----------------------------------------


def _print(variants: list[str], issue_id: str, work: Path) -> dict[str, Path]:
    """The seed printed in each variant (two Chromium processes at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.typeset import CHROMIUM, VARIANTS, typeset
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make chromium)")
    text = SEEDS[issue_id].read_text(encoding="utf-8")

    def one(name: str) -> Path:
        paper, rules, style = VARIANTS[name]
        return typeset(text, work / f"{issue_id}-{name}.pdf", paper, rules, style)
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(variants, pool.map(one, variants), strict=True))


# prints of 2018-16 (its tables) that must give the datasets of the text; see VARIANTS
VARIANTS = ["three", "none", "sans-split", "serif-b5-split", "three-split", "none-tight"]


@pytest.fixture(scope="session")
def variant_pdfs(tmp_path_factory) -> dict[str, Path]:
    return _print(VARIANTS, "2018-16", tmp_path_factory.mktemp("variants"))


@pytest.fixture(scope="session")
def variant_issues(variant_pdfs) -> dict[str, Issue]:
    return {name: read_bytes(path.read_bytes(), path, "2018-16")
            for name, path in variant_pdfs.items()}


@pytest.fixture(scope="module")
def unruled(variant_issues) -> dict[str, Issue]:
    """Issue 2018-16 on A4 with three rules per table (三线表) and with no rules at all:
    cells from word columns, rows from the spacing."""
    return {"three": variant_issues["three"], "none": variant_issues["none"]}


# the data tables; not yet: forms of mostly empty cells (备案表, 审批单)
UNRULED_TABLES = ["连云港市第五批市级文物保护单位名单", "保留的规范性文件目录",
                  "2018年1-10月份主要经济指标", "废止的规范性文件目录"]


@pytest.mark.parametrize("rules", ["three", "none"])
def test_tables_without_vertical_rules_keep_their_cells(rules, unruled, text_issues):
    for title in UNRULED_TABLES:
        wanted = [t for t in tab_tables(text_issues["2018-16"]) if _title(t) == title]
        found = [t for t in tab_tables(unruled[rules]) if _title(t) == title]
        assert len(found) == len(wanted), title
        for want, got in zip(wanted, found, strict=True):
            assert cells(got.header) == cells(want.header), title
            assert [cells(r.cells) for r in got.rows] == [cells(r.cells) for r in want.rows], \
                title


def test_tables_with_three_rules_give_the_same_datasets(unruled, text_issues):
    assert_same_datasets(unruled["three"], text_issues["2018-16"])


# --- other prints: fonts, sizes, rows split across pages, odd and even headers -------------


@pytest.mark.parametrize("variant", VARIANTS[1:])
def test_other_prints_give_the_same_datasets(variant, variant_issues, text_issues):
    assert_same_datasets(variant_issues[variant], text_issues["2018-16"])


@pytest.mark.parametrize("variant", ["sans-split", "serif-b5-split"])
def test_ruled_tables_of_other_prints_keep_their_cells(variant, variant_issues, text_issues):
    """Every table, rows split by page breaks joined again, header repeated or not."""
    found, wanted = tab_tables(variant_issues[variant]), tab_tables(text_issues["2018-16"])
    assert [_title(t) for t in found] == [_title(t) for t in wanted]
    for want, got in zip(wanted, found, strict=True):
        assert cells(got.header) == cells(want.header), want.title
        assert [cells(r.cells) for r in got.rows] == [cells(r.cells) for r in want.rows], \
            want.title


@pytest.mark.parametrize("variant", ["sans-split", "serif-b5-split", "three-split"])
def test_rows_split_by_a_page_break_are_one_row(variant, variant_pdfs):
    """The prints do split rows (a part with an empty key cell tops a page), and the reader
    joins each back: no row of the derived text starts a page with an empty key cell."""
    import etl.read.pdf as reader
    from etl.read.pdf.breaks import join_parts
    from etl.read.pdf.cells import TableBlock
    from etl.read.pdf.furniture import remove_furniture
    path = variant_pdfs[variant]
    with pdfium.PdfDocument(path) as pdf:
        pages = [reader._read_page(pdf, i, path) for i in range(len(pdf))]
    remove_furniture([page.items for page in pages])
    for page in pages:
        reader._find_aligned(page)

    def split_tops() -> int:
        return sum(1 for page in pages[1:] if page.items and isinstance(page.items[0], TableBlock)
                   and any(not row[0] and any(row[1:]) for row in page.items[0].rows[:2]))
    assert split_tops() >= 1
    join_parts([page.items for page in pages])
    assert split_tops() == 0
    text = derive(path.read_bytes(), path).text
    assert not re.search(r"\f\t", text)


@pytest.fixture(scope="session")
def b5_serif_2022(tmp_path_factory) -> Issue:
    """2022-10 (no tables, a long 大事记) on B5 in a large serif: titles centred over two or
    three lines, bold run-in headings, paragraphs going on over page breaks."""
    path = _print(["serif-b5-split"], "2022-10", tmp_path_factory.mktemp("b5-2022"))
    return read_bytes(path["serif-b5-split"].read_bytes(), path["serif-b5-split"], "2022-10")


def test_large_titles_and_paragraphs_over_page_breaks(b5_serif_2022, text_issues):
    pdf, text = b5_serif_2022, text_issues["2022-10"]
    assert [(same_text(d.title), str(d.doc_number)) for d in pdf.documents] == \
        [(same_text(d.title), str(d.doc_number)) for d in text.documents]
    assert_same_datasets(pdf, text)


def test_odd_and_even_headers_and_dash_page_numbers_are_furniture(variant_pdfs):
    path = variant_pdfs["serif-b5-split"]  # 公报 | 2018年第16期 on even pages, 政府文件 on odd
    derived = derive(path.read_bytes(), path)
    headers = [f for f in derived.furniture if not f.page_number]
    numbers = [f for f in derived.furniture if f.page_number]
    assert [f.page for f in headers] == [f.page for f in numbers] == \
        list(range(1, derived.pages + 1))
    assert {" ".join(f.text.split()) for f in headers} == {"政府文件",
                                                           f"{RUNNING_HEADER} 2018年第16期"}
    assert [f.text for f in numbers] == [f"— {n} —" for n in range(1, derived.pages + 1)]
    assert "— 1" not in derived.text and "2018年第16期" not in derived.text


def test_a_table_with_tight_columns_is_read_without_rules(variant_issues, text_issues):
    """No line of 重点任务分工表 shows a column gap of 1.2 em when printed without rules and
    with little cell padding; its cells are centred in their rows."""
    for variant in ("none", "none-tight"):
        wanted = [t for t in tab_tables(text_issues["2018-16"]) if t.title == "重点任务分工表"]
        found = [t for t in tab_tables(variant_issues[variant]) if t.title == "重点任务分工表"]
        assert [[cells(r.cells) for r in t.rows] for t in found] == \
            [[cells(r.cells) for r in t.rows] for t in wanted], variant


def test_rows_carry_the_page_they_are_printed_on(pdf_issues, pdfs):
    issue = pdf_issues[("2018-16", "B5")]
    heritage = next(t for t in tab_tables(issue) if t.header[:2] == ["编号", "类别"])
    with pdfium.PdfDocument(pdfs[("2018-16", "B5")]) as pdf:
        texts = [page.get_textpage().get_text_range().replace("\r\n", "") for page in pdf]
    for row in (heritage.rows[0], heritage.rows[-1]):
        name = row.cells[2]
        printed_on = [n for n, text in enumerate(texts, start=1) if name in text]
        assert issue.page_of(row.line) in printed_on, name
    first = issue.documents[0]
    assert first.title[:12] in texts[issue.page_of(first.title_line) - 1]


# --- page furniture ----------------------------------------------------------------------


@pytest.mark.parametrize(("issue_id", "paper"), CASES)
def test_running_headers_and_page_numbers_are_dropped_and_recorded(issue_id, paper, pdfs,
                                                                  pdf_issues, text_issues):
    path = pdfs[(issue_id, paper)]
    derived = derive(path.read_bytes(), path)
    with pdfium.PdfDocument(path) as pdf:
        n_pages = len(pdf)
    headers = [f for f in derived.furniture if not f.page_number]
    numbers = [f for f in derived.furniture if f.page_number]
    assert [f.page for f in headers] == list(range(1, n_pages + 1))
    assert {f.text for f in headers} == {RUNNING_HEADER}
    assert [int(f.text) for f in numbers] == [f.page for f in numbers] == \
        list(range(1, n_pages + 1))
    assert any(note.startswith("pdf_furniture_removed:") for note in derived.notes)
    issue = pdf_issues[(issue_id, paper)]
    assert not any(same_text(c) == RUNNING_HEADER for t in issue.tables for r in t.rows
                   for c in r.cells)
    assert not any(RUNNING_HEADER in d.title for d in issue.documents)
    # the text's own lines that read 连云港市人民政府公报 (the cover) are all that is left
    text = text_issues[issue_id]
    assert sum(1 for line in issue.lines if line.strip() == RUNNING_HEADER) == \
        sum(1 for line in text.lines if clean_text(line.strip("#* ")) == RUNNING_HEADER)
    bare_numbers = re.compile(r"^\s*\d{1,3}\s*$")
    assert sum(1 for line in issue.lines if bare_numbers.match(line)) == \
        sum(1 for line in text.lines if bare_numbers.match(line.strip("#* ")))


def test_derived_text_is_pages_split_by_form_feeds(pdfs):
    path = pdfs[("2022-10", "B5")]
    text = derive(path.read_bytes(), path).text
    with pdfium.PdfDocument(path) as pdf:
        assert text.count("\f") == len(pdf) - 1
    # at the start of a page's first line, or inside a paragraph that goes on over the break
    assert all(line.count("\f") <= 1 for line in text.split("\n"))
    inside = [line for line in text.split("\n") if "\f" in line.lstrip("\f")]
    assert all(re.search(r"[^\s]\f[^\s]", line) for line in inside)


# --- bad PDFs: one line, exit 2 ------------------------------------------------------------


def _png(width: int = 240, height: int = 120) -> bytes:
    """A grey image with dark 'text' bars, as a scanner would give (no text layer)."""
    rows = b"".join(b"\x00" + bytes(40 if (y // 8) % 3 == 1 and 20 < x < 220 else 235
                                    for x in range(width)) for y in range(height))
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _scanned_pdf(out: Path) -> Path:
    import base64

    from tests.typeset import print_pdf
    page = out.with_suffix(".html")
    page.write_text('<!doctype html><html><body style="margin:0">'
                    '<img style="width:180mm" src="data:image/png;base64,'
                    + base64.b64encode(_png()).decode() + '"></body></html>', encoding="utf-8")
    print_pdf(page, out, out.parent / "profile-scan")
    return out


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A small PDF with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)


def _encrypted_pdf() -> bytes:
    """A PDF protected by a user password nobody told us (standard security handler)."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                 b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <" + b"7a" * 32 + b"> /U <"
                 + b"3c" * 32 + b"> >>"],
                b"/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> "
                b"<0123456789abcdef0123456789abcdef>] ")


def _zero_pages_pdf() -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


@pytest.fixture(scope="module")
def bad_pdfs(tmp_path_factory, seed_pdf_a4) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("bad-pdf")
    good = seed_pdf_a4["2022-10"].read_bytes()
    flipped = bytearray(good)
    for i in range(16, len(flipped) - 64):  # every byte but the header and the end marker
        flipped[i] ^= 0x5A
    made = {"truncated.pdf": good[: len(good) // 2], "corrupt.pdf": bytes(flipped),
            "encrypted.pdf": _encrypted_pdf(), "zero_pages.pdf": _zero_pages_pdf()}
    for name, data in made.items():
        (work / name).write_bytes(data)
    _scanned_pdf(work / "scanned.pdf")
    return {name: work / name for name in [*made, "scanned.pdf"]}


BAD = {
    "scanned.pdf": ["scanned PDF", "no text layer", "ocrmypdf -l chi_sim"],
    "encrypted.pdf": ["password-protected"],
    "truncated.pdf": ["truncated PDF"],
    "corrupt.pdf": ["damaged PDF"],
    "zero_pages.pdf": ["no pages"],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_pdf_is_refused_in_one_line(name, bad_pdfs, tmp_path):
    path = bad_pdfs[name]
    result = subprocess.run([sys.executable, "-m", "etl", "extract", str(path), "--out",
                             str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"{path}: ") or str(path) in lines[0]
    for part in BAD[name]:
        assert part in lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
