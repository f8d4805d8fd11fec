"""The characters of one PDF page with their boxes (pypdfium2), in top-down page coordinates.

pdfium reports each glyph in content order and *generates* a space where a gap between
glyphs is as wide as a space (Chromium and most producers print no space glyphs at all).
Every character keeps whether such a space came right before it, so the layout can rebuild
the words whatever order it puts the characters in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

_SPACES = frozenset(" \u00a0\u3000\u2002\u2003\u2009")
_SKIP = re.compile(r"[\x00-\x1f\x7f\uffff]")  # line ends, controls
_LINE_END_HYPHEN = "\ufffe"  # PDFium's mark for a hyphen that ends a line: a printed "-"
# CJK ideographs, kana, CJK and full-width punctuation: written without spaces between them
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f"
                  r"\u201c\u201d\u2018\u2019\u2014\u2026\U00020000-\U0003134f]")


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    index: int  # in pdfium's text page (font queries)
    prev: int  # index of the glyph before it in content order, -1 after a line end
    space: bool  # a space (printed or generated) lies between ``prev`` and this glyph

    @property
    def size(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def page_text(textpage) -> str:
    """All characters of a text page, one per pdfium index."""
    n = pdfium_c.FPDFText_CountChars(textpage)
    text = textpage.get_text_range(0, n) if n > 0 else ""
    if len(text) != n:  # characters outside the BMP take two UTF-16 units: go one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(n))
    return text


def page_chars(textpage, height: float) -> list[Char]:
    """Visible characters (spaces and pdfium's line ends folded into ``space``/``prev``)."""
    text = page_text(textpage)
    rect = pdfium_c.FS_RECTF()
    chars: list[Char] = []
    prev, space = -1, False
    for i, ch in enumerate(text):
        if ch in _SPACES:
            space = True
            continue
        if _SKIP.match(ch):
            if ch in "\r\n":
                prev, space = -1, False
            continue
        pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect)
        chars.append(Char("-" if ch == _LINE_END_HYPHEN else ch, rect.left, rect.right,
                          height - rect.top, height - rect.bottom, i, prev, space))
        prev, space = i, False
    _fix_flat_boxes(chars)
    return chars


def _fix_flat_boxes(chars: list[Char]) -> None:
    """PDFium gives some glyphs (一, 丶, ー …) their ink box instead of the font's line box:
    a flat box that would sit on a line of its own. Such a glyph takes the box of its
    neighbour in the content stream when it lies inside it."""
    for k, ch in enumerate(chars):
        for other in (chars[k - 1] if k else None, chars[k + 1] if k + 1 < len(chars) else None):
            if other is not None and ch.size < 0.6 * other.size and \
                    other.top <= ch.cy <= other.bottom and abs(other.cx - ch.cx) < 3 * other.size:
                ch.top, ch.bottom = other.top, other.bottom
                break


def font_weight(textpage, index: int) -> int:
    """400 regular, 700 bold (−1 unknown)."""
    return pdfium_c.FPDFText_GetFontWeight(textpage, index)
