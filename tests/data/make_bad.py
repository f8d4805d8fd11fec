"""Build the hostile-input corpus in tests/data/bad/ from the two real gazette issues.

    .venv/bin/python tests/data/make_bad.py      # rewrites tests/data/bad/ and EXPECTED.csv

Every case is real gazette text (an excerpt of datasets/raw/…2018-16 or …2022-10) broken
in one way a converter, a typist or an attacker could break it. The expected outcome of each
case is written down *by construction* — the line this script broke, the value it printed —
never by running the ETL, so tests/test_hostile_inputs.py checks the ETL against it.

EXPECTED.csv columns:
  file      the case (in tests/data/bad/; cases marked ``generated`` are too large to commit:
            the test builds them with ``build(name)`` into a temporary directory)
  exit      expected exit code of ``python -m etl extract FILE --out DIR`` (0 or 2)
  message   ``" ; "``-separated substrings of stderr (exit 2) or stdout (exit 0)
  line      the line the one-line error must name (``FILE:LINE:``), empty for none
  datasets  ``name=rows`` pairs, ``" ; "``-separated: the CSVs extract must write (``=0``:
            must not write); checked only for datasets the data dictionary declares
  checks    ``" ; "``-separated assertions on those CSVs:
              ``dataset[col=value].col2=expected``   the row where col=value has col2=expected
              ``dataset[col=value].flags~code``      that row's quality_flags include code
              ``dataset.flags~code``                 some row's quality_flags include code
              ``dataset!~text``                      no cell anywhere contains text
  generated ``yes`` when the file is built on the fly by the test
  why       what the case is
"""

from __future__ import annotations

import csv
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "datasets" / "raw"
BAD = Path(__file__).resolve().parent / "bad"
FIELDS = ["file", "exit", "message", "line", "datasets", "checks", "generated", "why"]
MARK = "SYNTHETIC HOSTILE TEST CASE built by tests/data/make_bad.py from"


def _lines(name: str) -> list[str]:
    return (RAW / name).read_text(encoding="utf-8").split("\n")


R18 = _lines("lianyungang-gazette-2018-16.md")
R22 = _lines("lianyungang-gazette-2022-10.md")


def span(lines: list[str], first: int, last: int) -> list[str]:
    """Lines ``first``…``last`` (1-based, inclusive) of a real issue."""
    return lines[first - 1:last]


# Excerpts of the real issues (line numbers in the raw files).
COVER_18 = span(R18, 1, 38)  # cover: 第16期, 2018 年 12 月 15 日
TOC_18 = span(R18, 39, 71)  # 目 录 … 大事记 page 80
HERITAGE_18 = span(R18, 227, 270)  # 连政发〔2018〕141号 and its 23-row list
INDICATORS_18 = span(R18, 1303, 1324)  # 2018年1-10月份主要经济指标 … 数据来源：市统计局
CLEANUP_18 = span(R18, 1076, 1143)  # 连政办发〔2018〕167号 and its repealed list (44 rows)
COVER_22 = span(R22, 1, 31)  # cover: 第10期, 2022年11月15日
ORDER_22 = span(R22, 84, 120)  # 市人民政府令 第 8 号 and the start of its text


def banner(source: str) -> list[str]:
    return [f"<!-- {MARK} {source} -->", ""]


def text(*parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        out.extend(part)
    return out


def utf8(lines: list[str], end: str = "\n") -> bytes:
    return ("\n".join(lines) + end).encode("utf-8")


def line_of(lines: list[str], needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` containing ``needle``."""
    for n in range(start, len(lines) + 1):
        if needle in lines[n - 1]:
            return n
    raise ValueError(f"{needle!r} not in the excerpt")


def replace_cell(lines: list[str], row_start: str, col: int, value: str) -> list[str]:
    """A copy of ``lines`` with cell ``col`` of the table row starting ``row_start`` set."""
    out = list(lines)
    n = next(i for i, ln in enumerate(out) if ln.startswith(row_start))
    cells = out[n].split("\t")
    cells[col] = value
    out[n] = "\t".join(cells)
    return out


@dataclass
class Case:
    file: str
    why: str
    make: Callable[[], bytes]
    exit: int = 0
    message: list[str] | None = None
    line: int | None = None
    datasets: dict[str, int] | None = None
    checks: list[str] | None = None
    generated: bool = False

    def row(self) -> dict[str, str]:
        return {
            "file": self.file, "exit": str(self.exit),
            "message": " ; ".join(self.message or []),
            "line": "" if self.line is None else str(self.line),
            "datasets": " ; ".join(f"{k}={v}" for k, v in (self.datasets or {}).items()),
            "checks": " ; ".join(self.checks or []),
            "generated": "yes" if self.generated else "", "why": self.why,
        }


CASES: list[Case] = []


def case(**kw) -> None:
    CASES.append(Case(**kw))


# --- the indicator table, the case most hostile inputs are made of --------------------

BASE_18 = text(banner("lianyungang-gazette-2018-16.md lines 1-38, 1303-1324"), COVER_18, [""],
               INDICATORS_18)
IND = "economic_indicators"
ROW = {  # first cell → indicator_id, for the rows the checks name
    "一、一般公共预算收入": "general_budget_revenue", "二、固定资产投资": "fixed_asset_investment",
    "三、进出口总额": "trade_total", "出口额": "exports", "住户存款": "household_deposits",
    "六、连云港港口吞吐量": "port_throughput", "七、规模以上工业增加值": "industrial_value_added",
    "八、全社会用电量": "electricity_consumption", "工业": "industrial_electricity",
    "九、居民消费价格总指数": "cpi", "十、工业生产者出厂价格指数": "ppi",
}
FAI = f"{IND}[indicator_id=fixed_asset_investment]"
PPI_LINE = line_of(BASE_18, "十、工业生产者出厂价格指数")
INTACT = [f"{FAI}.value=1639.54", f"{FAI}.yoy_pct=6.3", f"{FAI}.source_line="
          f"{line_of(BASE_18, '二、固定资产投资')}", f"{IND}[indicator_id=ppi].source_line={PPI_LINE}"]


def with_indicators(*changes: tuple[str, int, str]) -> list[str]:
    lines = BASE_18
    for row_start, col, value in changes:
        lines = replace_cell(lines, row_start, col, value)
    return lines


# --- 1. nothing, or not text at all -------------------------------------------------------

case(file="01_empty.md", why="a zero-byte file", make=lambda: b"", exit=2,
     message=["empty file"])
case(file="02_whitespace_only.md", why="blank lines, tabs and ideographic spaces only",
     make=lambda: "\n  \n\t\n\u3000\u3000\n\n".encode(), exit=2, message=["empty file"])
case(file="03_bom_only.md", why="a UTF-8 byte-order mark and nothing else",
     make=lambda: b"\xef\xbb\xbf", exit=2, message=["empty file"])
case(file="04_binary_noise.md", why="random bytes (a corrupted download)",
     make=lambda: random.Random(7).randbytes(8192), exit=2, message=["binary data"], line=None)
case(file="05_pdf_instead_of_text.pdf", why="a PDF is read now, but this one is a PDF header "
     "and catalog over junk, with no page tree: refused as a damaged PDF in one line",
     make=lambda: (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\n"
                   b"endobj\n" + bytes(range(256)) + b"\n%%EOF\n"),
     exit=2, message=["damaged PDF", "get the file again"])
case(file="06_only_tabs_and_markup.md", why="lines of tabs, #, *, > and - only",
     make=lambda: utf8(["\t\t\t", "####", "**  **", "> - *", "\t", "---"] * 200),
     message=["no dataset found"])

# --- 2. encodings and line ends ----------------------------------------------------------

FIRST_CJK_18 = next(n for n, ln in enumerate(BASE_18, 1) if not ln.isascii())
case(file="07_gb18030_2018.md", why="the 2018 excerpt saved as GB18030 (a Chinese Windows default)",
     make=lambda: "\n".join(BASE_18).encode("gb18030"), exit=2,
     message=["not UTF-8 text", "GB18030"], line=FIRST_CJK_18)
GBK_22 = text(banner("lianyungang-gazette-2022-10.md lines 1-31, 84-120"), COVER_22, ORDER_22)
case(file="08_gbk_2022.md", why="the 2022 excerpt saved as GBK",
     make=lambda: "\n".join(GBK_22).encode("gbk"), exit=2,
     message=["not UTF-8 text", "GB18030"],
     line=next(n for n, ln in enumerate(GBK_22, 1) if not ln.isascii()))
READS_15 = {IND: 15}
case(file="09_utf16le_bom_2018.md", why="UTF-16 little-endian with a byte-order mark (Notepad)",
     make=lambda: "\n".join(BASE_18).encode("utf-16"), message=["decoded_from_utf16"],
     datasets=READS_15, checks=INTACT)
case(file="10_utf16be_bom_2018.md", why="UTF-16 big-endian with a byte-order mark",
     make=lambda: b"\xfe\xff" + "\n".join(BASE_18).encode("utf-16-be"),
     message=["decoded_from_utf16"], datasets=READS_15, checks=INTACT)
case(file="11_utf16le_no_bom.md", why="UTF-16 without a byte-order mark",
     make=lambda: "\n".join(BASE_18).encode("utf-16-le"), exit=2,
     message=["binary data", "UTF-16 without a byte-order mark"], line=1)
case(file="12_utf32_bom.md", why="UTF-32 (its BOM starts like UTF-16's)",
     make=lambda: "\n".join(BASE_18).encode("utf-32"), exit=2, message=["binary data"])
case(file="13_utf8_bom_2018.md", why="UTF-8 with a byte-order mark (Windows editors)",
     make=lambda: b"\xef\xbb\xbf" + utf8(BASE_18), message=["utf8_bom_removed"],
     datasets=READS_15, checks=INTACT)
case(file="14_crlf_2018.md", why="Windows CRLF line ends: line numbers must not change",
     make=lambda: "\r\n".join(BASE_18).encode("utf-8"), message=["crlf_line_ends"],
     datasets=READS_15, checks=INTACT)
case(file="15_cr_only_2018.md", why="classic Mac CR line ends",
     make=lambda: "\r".join(BASE_18).encode("utf-8"), message=["crlf_line_ends"],
     datasets=READS_15, checks=INTACT)
# pdftotext puts a form feed before the first line of every page
FF_18 = [("\f" + ln) if ln.startswith(("##", "指 标", "数据来源")) else ln for ln in BASE_18]
case(file="16_form_feeds_2018.md", why="pdftotext output: a form feed at every page start",
     make=lambda: utf8(FF_18), message=["form_feeds_removed"], datasets=READS_15,
     checks=INTACT)
BROKEN_22 = list(GBK_22)
BROKEN_LINE_22 = line_of(BROKEN_22, "第 8 号")
case(file="17_invalid_utf8_line_2022.md",
     why="a UTF-8 character cut in half in the middle of the file",
     make=lambda: utf8(BROKEN_22[:BROKEN_LINE_22 - 1]) + "第 8 号".encode()[:2] + b"\n"
     + utf8(BROKEN_22[BROKEN_LINE_22:]),
     exit=2, message=["not UTF-8 text"], line=BROKEN_LINE_22)
NUL_18 = text(BASE_18, [""], HERITAGE_18)
NUL_LINE = line_of(NUL_18, "5-23\t")
case(file="18_nul_after_4k.md", why="a NUL byte far into the file (past the binary sniffing)",
     make=lambda: utf8(NUL_18[:NUL_LINE - 1] + [NUL_18[NUL_LINE - 1].replace("大龙顶", "大龙\x00顶")]
                       + NUL_18[NUL_LINE:]),
     exit=2, message=["control character U+0000"], line=NUL_LINE)
ESC_LINE = line_of(NUL_18, "5-1\t")
case(file="19_escape_code_in_name.md", why="a terminal colour code inside a heritage name",
     make=lambda: utf8(NUL_18[:ESC_LINE - 1]
                       + [NUL_18[ESC_LINE - 1].replace("城后土城", "城后\x1b[31m土城")]
                       + NUL_18[ESC_LINE:]),
     exit=2, message=["control character U+001B"], line=ESC_LINE)

# --- 3. sizes and runs that make careless regexes hang ----------------------------------


def _single_line_15mb() -> bytes:
    return ("连云港市人民政府公报\t" * 500_000).encode("utf-8")  # 15.5 MB, no line break


LONG_22 = text(GBK_22)
LONG_LINE = line_of(LONG_22, "第一章")


def _long_line_in_issue() -> bytes:
    lines = list(LONG_22)
    lines[LONG_LINE - 1] = "违法建设" * 30_000  # 120 000 characters: over the reader's limit
    return utf8(lines)


WHITESPACE_18 = text(BASE_18, [""], HERITAGE_18, [""], span(R18, 1076, 1100))


def _whitespace_runs() -> bytes:
    run = " " * 49_000  # two runs per line: under the reader's 100 000 limit
    lines = list(WHITESPACE_18)
    lines.insert(line_of(lines, "## 2018年1-10月份") - 1, "**" + run + "x" + run + "**")
    lines.insert(1, "#" + run + "连政发" + run + "1号")
    lines.insert(2, "连政发" + " " * 99_990 + "〔2018〕")
    lines.insert(3, "市政府令" + " " * 99_990 + "第")
    lines.insert(4, "2018年1" + " " * 99_990 + "-10月")
    n = line_of(lines, "5-2\t")
    cells = lines[n - 1].split("\t")
    cells[4] = "连云区" + " " * 99_000 + "连云街道"
    lines[n - 1] = "\t".join(cells)
    return utf8(lines)


def _toc_dots() -> bytes:
    lines = text(COVER_18, TOC_18, [""], INDICATORS_18)
    at = line_of(lines, "目 录") + 1
    lines[at:at] = ["." * 99_000, "…" * 99_000 + "x", "市政府文件" + "." * 99_000 + "(",
                    "（" + " " * 99_000 + "3"]
    return utf8(lines)


def _many_documents() -> bytes:
    lines = list(COVER_18)
    for k in range(1, 3001):
        lines += [f"# 市政府关于第{k}件合成测试文件的通知（{MARK} 2018-16）", "",
                  f"连政发〔2018〕{k}号", "", "各县、区人民政府：", "", "此为合成测试正文。", "",
                  "连云港市人民政府", f"2018年{k % 12 + 1}月{k % 28 + 1}日", ""]
    return utf8(lines)


case(file="20_single_line_15mb.md", why="15 MB on one line (a converter that lost every break)",
     make=_single_line_15mb, exit=2, message=["characters long"], line=1, generated=True)
case(file="21_long_line_in_2022.md", why="one 120 000-character line inside a real issue",
     make=_long_line_in_issue, exit=2, message=["characters long"], line=LONG_LINE,
     generated=True)
case(file="22_whitespace_runs.md",
     why="99 000-space runs in a heading, a number line, a date and a table cell",
     make=_whitespace_runs, datasets=READS_15, checks=[f"{FAI}.value=1639.54"], generated=True)
case(file="23_toc_dots.md", why="99 000-dot leader lines in the table of contents",
     make=_toc_dots, datasets=READS_15, checks=[f"{FAI}.value=1639.54"], generated=True)
case(file="24_three_thousand_documents.md",
     why="3 000 numbered documents in one issue (quadratic look-ups show here)",
     make=_many_documents, message=["document 连政发〔2018〕3000号"], generated=True)

# --- 4. broken tables ---------------------------------------------------------------------

CUT = BASE_18[:line_of(BASE_18, "八、全社会用电量")]
CUT[-1] = "八、全社会用电量(亿千瓦时)\t148."
ELEC = f"{IND}[indicator_id=electricity_consumption]"
case(file="25_table_cut_mid_row.md", why="the file ends inside a row (148.33 cut to 148.)",
     make=lambda: utf8(CUT, end=""), datasets={IND: 12},
     checks=[f"{ELEC}.value=", f"{ELEC}.flags~short_row", f"{ELEC}.flags~number_unreadable",
             f"{ELEC}.flags~value_missing", f"{ELEC}.source_line={len(CUT)}",
             f"{IND}[indicator_id=general_budget_revenue].value=203.79"])
HEADER_CUT = BASE_18[:line_of(BASE_18, "指 标\t")]
case(file="26_table_cut_after_header.md", why="the file ends right after a table's header",
     make=lambda: utf8(HEADER_CUT), message=["2018年1-10月份主要经济指标 — 0 rows"],
     datasets={IND: 0})
EXP = f"{IND}[indicator_id=exports]"
HH = f"{IND}[indicator_id=household_deposits]"
case(file="27_missing_and_extra_cells.md",
     why="a row with a cell missing and a row with two cells too many",
     make=lambda: utf8([ln if not ln.startswith(("出口额", "住户存款")) else
                        ("出口额\t348050" if ln.startswith("出口额")
                         else "住户存款\t1398.22\t8.6\t见附注\t（多余）") for ln in BASE_18]),
     datasets=READS_15,
     checks=[f"{EXP}.value=348050", f"{EXP}.yoy_pct=", f"{EXP}.flags~short_row",
             f"{HH}.value=1398.22", f"{HH}.yoy_pct=8.6", f"{HH}.flags~extra_cells"])
GBR = f"{IND}[indicator_id=general_budget_revenue]"
PORT = f"{IND}[indicator_id=port_throughput]"
IVA = f"{IND}[indicator_id=industrial_value_added]"
case(file="28_thousands_and_fullwidth.md",
     why="thousands separators, full-width digits and a space as separator",
     make=lambda: utf8(with_indicators(
         ("二、固定资产投资", 1, "1,639.54"), ("一、一般公共预算收入", 1, "２０３．７９"),
         ("三、进出口总额", 1, "799,701"), ("住户存款", 1, "１，３９８．２２"),
         ("七、规模以上工业增加值", 2, "－６．３"), ("六、连云港港口吞吐量", 1, "19 703"))),
     datasets=READS_15,
     checks=[f"{FAI}.value=1639.54", f"{FAI}.flags~number_thousands_separator",
             f"{GBR}.value=203.79", f"{GBR}.flags~number_fullwidth",
             f"{IND}[indicator_id=trade_total].value=799701",
             f"{HH}.value=1398.22", f"{HH}.flags~number_fullwidth",
             f"{HH}.flags~number_thousands_separator", f"{IVA}.yoy_pct=-6.3",
             f"{PORT}.value=", f"{PORT}.flags~number_unreadable"])
case(file="29_chinese_numerals.md", why="values written in Chinese numerals",
     make=lambda: utf8(with_indicators(
         ("十、工业生产者出厂价格指数", 1, "一百零二"), ("九、居民消费价格总指数", 1, "一百零二点三"),
         ("六、连云港港口吞吐量", 1, "一万九千七百零三"))),
     datasets=READS_15,
     checks=[f"{IND}[indicator_id=ppi].value=102",
             f"{IND}[indicator_id=ppi].flags~number_chinese_numeral",
             f"{IND}[indicator_id=ppi].index_change_pct_derived=2",
             f"{IND}[indicator_id=cpi].value=", f"{IND}[indicator_id=cpi].flags~number_unreadable",
             f"{PORT}.value=", f"{PORT}.flags~number_unreadable"])
DUP = text(BASE_18, [""], INDICATORS_18)
DUP_FAI = line_of(DUP, "二、固定资产投资", line_of(DUP, "二、固定资产投资") + 1)
case(file="30_duplicated_table.md", why="the indicator table printed twice, identically",
     make=lambda: utf8(DUP), message=["repeats line"], datasets=READS_15, checks=INTACT)
case(file="31_duplicated_table_conflict.md",
     why="the indicator table printed twice with a different value the second time",
     make=lambda: utf8(DUP[:DUP_FAI - 1] + ["二、固定资产投资(亿元)\t1693.54\t6.3"] + DUP[DUP_FAI:]),
     exit=2, message=["printed twice with different values"], line=DUP_FAI)
REPEATED_HEADER = text(COVER_18, ["", "## 2018年1-10月份主要经济指标", ""],
                       ["指 标\t本月止累计\t比上年同期增长%", "", "# 统计公报", ""] * 40)
case(file="32_header_repeated_forty_times.md", why="a table that is nothing but page breaks",
     make=lambda: utf8(REPEATED_HEADER), message=["主要经济指标 — 0 rows"], datasets={IND: 0})
LONG_NAMES = list(BASE_18)
LONG_NAMES[PPI_LINE:PPI_LINE] = [
    "十一、规模以上工业企业实现利润总额中国有控股企业利润(亿元)\t12.5\t3.1",
    "十二、规模以上工业企业实现利润总额中国有控股企业亏损(亿元)\t2.5\t-1.0"]
case(file="33_unreviewed_long_names.md",
     why="two indicators missing from the catalogue whose long names share a prefix",
     make=lambda: utf8(LONG_NAMES), datasets={IND: 17},
     checks=[f"{IND}.flags~indicator_not_in_catalogue", f"{IND}[section=11].value=12.5",
             f"{IND}[section=12].value=2.5"])
UNITLESS = list(BASE_18)
UNITLESS.insert(PPI_LINE - 1, "食品烟酒类\t101.5\t")
case(file="40_unitless_unreviewed_row.md",
     why="a CPI sub-row missing from the catalogue, in a section that prints no unit",
     make=lambda: utf8(UNITLESS), exit=2, message=["'食品烟酒类' has no unit", "indicators.csv"],
     line=PPI_LINE)
NO_COVER = text(banner("lianyungang-gazette-2018-16.md lines 1303-1324"), INDICATORS_18)
case(file="34_no_cover.md", why="a table without the cover that names the issue: read, never "
     "refused; rows name a placeholder issue (newest year in the text, issue 00)",
     make=lambda: utf8(NO_COVER), datasets={IND: 15},
     checks=[f"{FAI}.source_issue=2018-00", f"{FAI}.value=1639.54"])

# --- 5. dates, numbers and text that are data, not markup -------------------------------

BAD_DATES = text(banner("lianyungang-gazette-2018-16.md lines 1-38, 227-270, 1303-1324"),
                 [ln.replace("2018 年 12 月 15 日", "2018 年 2 月 30 日") for ln in COVER_18],
                 [""], [ln.replace("2018年11月13日", "2018年2月30日") for ln in HERITAGE_18], [""],
                 [ln.replace("2018年1-10月份", "2018年1-13月份") for ln in INDICATORS_18])
case(file="35_impossible_dates.md",
     why="2018年2月30日 as publication and signing date, 1-13月 as the statistics period",
     make=lambda: utf8(BAD_DATES),
     message=["(published ?)", "document 连政发〔2018〕141号", "(signed ?,",
              "without a period"],
     checks=["gazette_documents[doc_number=连政发〔2018〕141号].signed_on=",
             "gazette_documents!~2018-02-30", "heritage_sites!~2018-02-30"])
SCRIPT = "<script>alert('连云港')</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(document.cookie)>'
XSS = text(banner("lianyungang-gazette-2018-16.md lines 1-38, 227-270"), COVER_18, [""],
           HERITAGE_18)
XSS = replace_cell(XSS, "5-1\t", 2, SCRIPT)
XSS = replace_cell(XSS, "5-2\t", 4, IMG)
XSS = replace_cell(XSS, "5-3\t", 3, SVG)
case(file="36_heritage_script_name.md",
     why="a heritage row whose name, era and address hold HTML and JavaScript",
     make=lambda: utf8(XSS), message=["document 连政发〔2018〕141号"],
     datasets={"heritage_sites": 23},
     checks=[f"heritage_sites[site_id=5-1].name={SCRIPT}",
             f"heritage_sites[site_id=5-2].address_raw={IMG}",
             f"heritage_sites[site_id=5-3].era_raw={SVG}",
             f"heritage_sites[site_id=5-1].source_line={line_of(XSS, '5-1' + chr(9))}"])
UNICODE = list(BASE_18)
UNICODE.insert(line_of(UNICODE, "## 2018年1-10月份") - 1,
               "段落\u2028分隔符\u2029与下一行：一行之内，不是换行")
UNICODE = replace_cell(UNICODE, "二、固定资产投资", 1, "1639.54\u200b")
UNICODE = replace_cell(UNICODE, "三、进出口总额", 0, "三、进出口\u202e总额(万美元)")
case(file="37_unicode_separators.md",
     why="U+2028/U+2029 inside a line, a zero-width space in a number, a bidi override",
     make=lambda: utf8(UNICODE), datasets=READS_15,
     checks=[f"{FAI}.value=", f"{FAI}.flags~number_unreadable",
             f"{IND}[indicator_id=ppi].source_line={line_of(UNICODE, '十、工业生产者出厂价格指数')}",
             f"{IND}.flags~indicator_not_in_catalogue"])

# --- 6. document numbers in every bracket style -------------------------------------------

STYLES = [("连政发〔2018〕137号", "连政发〔2018〕137号"), ("连政发(2018)138号", "连政发〔2018〕138号"),
          ("连政发（2018）139号", "连政发〔2018〕139号"), ("连政发[2018]140号", "连政发〔2018〕140号"),
          ("连政发［2018］141号", "连政发〔2018〕141号"), ("连政办发【2018】158号", "连政办发〔2018〕158号"),
          ("连政办发〈2018〉160号", "连政办发〔2018〕160号"), ("连政办发《2018》161号", "连政办发〔2018〕161号"),
          ("连政办发{2018}162号", "连政办发〔2018〕162号"), ("连政办发｛2018｝165号", "连政办发〔2018〕165号"),
          ("连政办发(2018)年166号", "连政办发〔2018〕166号"), ("连政办发〔２０１８〕１６７号", "连政办发〔2018〕167号"),
          ("连政规发 〔 2018 〕 3 号", "连政规发〔2018〕3号"), ("连政规发2018 4号", "连政规发〔2018〕4号")]
TITLES = [ln.lstrip("# ").strip() for ln in R18 if ln.startswith("# 市政府") and "的" in ln]


def _bracket_issue() -> list[str]:
    lines = text(banner("lianyungang-gazette-2018-16.md lines 1-38 and its document titles"),
                 COVER_18, [""])
    for (printed, _), title in zip(STYLES, itertools.cycle(TITLES)):
        lines += [f"# {title}", "", printed, "", "各县、区人民政府，市各委办局，市各直属单位：", "",
                  "（合成测试正文）", "", "连云港市人民政府", "2018年11月13日", ""]
    return lines


BRACKETS = _bracket_issue()
case(file="38_doc_numbers_every_bracket.md",
     why="the same kind of document number printed with every bracket a typist used",
     make=lambda: utf8(BRACKETS),
     message=[f"document {normal}" for _, normal in STYLES],
     checks=[f"gazette_documents[doc_number={normal}].flags~doc_number_brackets"
             for printed, normal in STYLES if printed != normal and "〔" not in printed])
CLEANUP_BRACKETS = text(banner("lianyungang-gazette-2018-16.md lines 1-38, 1076-1143"),
                        COVER_18, [""], CLEANUP_18)
for k, (printed, _) in enumerate(STYLES[:10], start=1):
    CLEANUP_BRACKETS = replace_cell(CLEANUP_BRACKETS, f"{k}\t", 3, printed)
NORM = "normative_documents"
case(file="39_cleanup_list_every_bracket.md",
     why="the repealed list of the 2018 cleanup with its numbers in every bracket style",
     make=lambda: utf8(CLEANUP_BRACKETS), message=["document 连政办发〔2018〕167号"],
     datasets={NORM: 44},
     checks=[f"{NORM}[seq={k}].doc_number={normal}" for k, (_, normal) in
             enumerate(STYLES[:10], start=1)]
     + [f"{NORM}[seq={k}].doc_number_raw={printed}" for k, (printed, _) in
        enumerate(STYLES[:10], start=1)]
     + [f"{NORM}[seq=2].flags~doc_number_brackets"])


def build(name: str) -> bytes:
    """The bytes of case ``name`` (e.g. for the generated ones)."""
    return next(c for c in CASES if c.file == name).make()


def main() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    for old in BAD.iterdir():
        old.unlink()
    for c in CASES:
        if not c.generated:
            (BAD / c.file).write_bytes(c.make())
    with (BAD / "EXPECTED.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        writer.writeheader()
        for c in CASES:
            writer.writerow(c.row())
    size = sum(p.stat().st_size for p in BAD.iterdir())
    print(f"{len(CASES)} cases ({sum(c.generated for c in CASES)} generated in the test), "
          f"{size:,} bytes in {BAD.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
