"""Chart labels that fit: width-aware wrapping for axis labels in Chinese and English.

Plotly does not wrap tick labels; an unwrapped English indicator name or an official's post
took all but ~40 px of a chart's width on a phone. ``wrap`` breaks a label into lines that
the chart joins with ``<br>`` and sizes its height by.
"""

from __future__ import annotations

import unicodedata

# in Latin-letter widths; a Chinese character counts two
LABEL_WIDTH = 24


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, limit: int = LABEL_WIDTH) -> list[str]:
    """``text`` in lines of at most ``limit``: at spaces in English, after a full-width
    colon or between characters in Chinese (a single word longer than ``limit`` stays
    whole)."""
    if width(text) <= limit:
        return [text]
    if " " in text.strip():
        lines, line = [], ""
        for word in text.split():
            if line and width(line + " " + word) > limit:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return lines + [line]
    head, mark, tail = text.partition("：")
    if mark and tail and width(head) < limit:
        return [head + mark, *wrap(tail, limit)]
    cut, used = 0, 0
    while cut < len(text) and used + width(text[cut]) <= limit:
        used += width(text[cut])
        cut += 1
    cut = max(cut, 1)
    return [text[:cut], *wrap(text[cut:], limit)]
