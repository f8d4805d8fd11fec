"""How the clerks' workbook looks: one East-Asian font, thin borders, a header style, and
number formats that show the decimals the gazette printed.

The font. Every cell names 等线 (DengXian, GB2312 charset 134): the default body font of
Office 2016+ and WPS on Chinese Windows, drawn for Chinese with matching Latin letters and
digits, so a clerk's Excel uses it as is. The theme's East-Asian slots (``<a:ea>`` and the
``Hans`` script font, 宋体 in openpyxl's theme) name it too, for anything that falls back on
the theme. Where 等线 is absent (LibreOffice on Linux) fontconfig substitutes a CJK face;
with fonts-noto-cjk that is Noto Sans CJK — drawn with the simplified-Chinese glyph forms
(checked on rendered PNGs; the PDF names the face ``NotoSansCJKjp`` only because every
regional face of the Noto CJK collection shares one CFF table named after the Japanese one).
Naming "Noto Sans CJK SC" instead would be exact on Linux but unknown to a Chinese Windows
Excel, which would then substitute a serif 宋体.

Text without a CJK character (codes, English descriptions) and numbers use Arial, which is
also the workbook's default font: its digit is Excel's unit of column width, and LibreOffice
draws Arial with the metric-compatible Liberation Sans, so a width means the same in both
and the row heights computed here hold in both.
"""

from __future__ import annotations

import math
import re

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

CJK_FONT = "等线"
GB2312 = 134  # the font's charset: tells Excel the face is for simplified Chinese
SIZE = 10  # a point smaller than Excel's default: more of a sheet fits a printed page


def font(*, bold: bool = False, size: float = SIZE, color: str | None = None,
         underline: str | None = None) -> Font:
    return Font(name=CJK_FONT, charset=GB2312, family=2, sz=size, b=bold, color=color,
                u=underline)


LATIN_FONT = "Arial"
BASE = font()
LATIN = Font(name=LATIN_FONT, family=2, sz=SIZE)
BOLD = font(bold=True)
TITLE = font(bold=True, size=14)
SECTION = font(bold=True, size=12)
LINK = font(color="0563C1", underline="single")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
RIGHT_WRAP = Alignment(wrap_text=True, vertical="top", horizontal="right")
LEFT_TOP = Alignment(horizontal="left", vertical="top")

DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"  # years and line numbers: no thousands separator (1957, not 1,957)
# a year column that allows negative years counts BCE as negative: show -206 as 公元前206,
# the cell still holds the number (sorts and filters as a year)
BCE_YEAR_FORMAT = '0;"公元前"0'
MAX_DECIMALS = 6  # derived values are rounded to 6 places before publishing

_PRINTED_NUMBER = re.compile(r"[+-]?[\d,，]*\d(?:\.(\d+))?")


def has_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in text)


def text_font(value: object) -> Font:
    """The font of a cell: the East-Asian face for text with a CJK character, else Arial."""
    return BASE if isinstance(value, str) and has_cjk(value) else LATIN


def number_format(decimals: int) -> str:
    """Thousands separators and exactly ``decimals`` places: 3 → ``#,##0.000``."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def printed_decimals(text: object) -> int | None:
    """Decimals of a number as the gazette printed it (``3241.50`` → 2, ``11.0%`` → 1);
    None when the text holds no plain number (a placeholder such as ——, or words)."""
    if not isinstance(text, str):
        return None
    match = _PRINTED_NUMBER.search(text)
    if not match:
        return None
    return min(MAX_DECIMALS, len(match.group(1) or ""))


def value_decimals(value: float) -> int:
    """Decimals a value needs to be shown without losing a digit (3241.5 → 1): the
    fallback when the printed text is not kept."""
    if not math.isfinite(value):
        return 0
    text = f"{value:.{MAX_DECIMALS}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def east_asian_theme(theme_xml: str) -> str:
    """openpyxl's theme with 等线 in the East-Asian font slots of both font schemes."""
    xml = theme_xml.replace('<a:ea typeface=""/>', f'<a:ea typeface="{CJK_FONT}"/>')
    return re.sub(r'<a:font script="Hans" typeface="[^"]*"/>',
                  f'<a:font script="Hans" typeface="{CJK_FONT}"/>', xml)
