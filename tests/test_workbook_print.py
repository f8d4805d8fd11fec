"""How the clerks' workbook prints: the page setup read back with openpyxl, and the real
thing — LibreOffice converts the workbook to PDF and the pages are counted per sheet (the
page header names the sheet). The PDF part needs ``soffice`` and poppler's ``pdfinfo`` /
``pdftotext`` / ``pdffonts`` and is skipped without them (``apt-get install
libreoffice-calc fonts-noto-cjk poppler-utils``)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter

import openpyxl
import pytest

from etl.dictionary import datasets
from etl.workbook import ABOUT, sheet_name, workbook_bytes
from etl.workbook_layout import PORTRAIT_WIDTH

# Pages LibreOffice prints (A4, fonts-noto-cjk), measured when this was written: 57 in all
# (说明 13 without its dictionary, 主要经济指标 1, 文件生命周期事件 14 …); 124 before.
MAX_PAGES = 60
ONE_PAGE = ("主要经济指标", "文物保护单位", "各县区文物保护单位数量", "公报刊登文件索引")


@pytest.fixture(scope="module")
def specs(build):
    return [datasets()[name] for name in datasets() if name in build.frames]


@pytest.fixture(scope="module")
def data(build, specs):
    return workbook_bytes(build.frames, specs, build.build_date, build.issue_rows())


@pytest.fixture(scope="module")
def wb(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_every_sheet_prints_one_page_wide_with_titles_header_and_footer(wb):
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight, setup.paperSize) == (1, 0, 9)
        assert ws.oddHeader.right.text == "&A"  # the sheet's name on every page
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.page_margins.left == 0.4 and ws.page_margins.top == 0.6
        width = sum(ws.column_dimensions[c].width or 0 for c in ws.column_dimensions)
        assert setup.orientation == ("portrait" if width <= PORTRAIT_WIDTH else "landscape")
        if ws.title != ABOUT:
            assert ws.print_title_rows == "$1:$1"  # the header row on every page
    assert wb["各县区文物保护单位数量"].page_setup.orientation == "portrait"
    assert wb["规范性文件清理目录"].page_setup.orientation == "landscape"
    # 说明 prints its overview; the long dictionary is left to docs/data-dictionary.md
    about = wb[ABOUT]
    last = int(re.search(r"\$(\d+)$", about.print_area).group(1))
    sections = {c.value: c.row for c in about["A"] if isinstance(c.value, str)}
    assert sections["质量标记 / Quality flags"] < last < sections["数据字典 / Data dictionary"]
    assert not any(about.cell(r, 1).value for r in range(last + 1,
                                                          sections["数据字典 / Data dictionary"]))


def _pdf_tools() -> bool:
    return all(shutil.which(t) for t in ("soffice", "pdfinfo", "pdftotext", "pdffonts"))


@pytest.fixture(scope="module")
def pdf(data, tmp_path_factory):
    if not _pdf_tools():
        pytest.skip("LibreOffice (soffice) or poppler-utils not installed")
    out = tmp_path_factory.mktemp("print")
    book = out / "book.xlsx"
    book.write_bytes(data)
    profile = out / "profile"  # a private LibreOffice profile: no clash with another soffice
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(book)],
                   check=True, capture_output=True, timeout=300)
    return out / "book.pdf"


def _pages(pdf) -> Counter:
    """Printed pages per sheet, read from the page header (the sheet's name on the right)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    pages: Counter = Counter()
    for page in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page),
                               str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        first = next(line for line in text.splitlines() if line.strip())
        pages[first.split()[-1]] += 1
    return pages


def test_the_workbook_prints_compactly(pdf, wb):
    pages = _pages(pdf)
    print("printed pages per sheet:", dict(pages), "total", sum(pages.values()))
    assert set(pages) == set(wb.sheetnames)  # every sheet prints, under its own name
    assert sum(pages.values()) <= MAX_PAGES
    for sheet in ONE_PAGE:  # the 15-row indicator table took two pages side by side
        assert pages[sheet] == 1, (sheet, pages[sheet])
    events = wb[sheet_name(datasets()["document_events"])]
    assert pages[events.title] <= events.max_row / 25  # at least 25 rows a page


def test_chinese_text_prints_in_a_cjk_sans_face(pdf):
    """LibreOffice substitutes a CJK sans face for 等线 (Noto Sans CJK here), never a serif
    or a bitmap fallback."""
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    names = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    cjk = [n for n in names if "CJK" in n or "Han" in n or "Droid" in n]
    if not any("NotoSansCJK" in n for n in names):
        pytest.skip(f"fonts-noto-cjk not installed (fonts: {names})")
    assert cjk and all("NotoSansCJK" in n for n in cjk), names
