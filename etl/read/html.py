"""HTML pages → derived text, as city websites publish documents and lists (政府信息公开).

The page is decoded (byte order mark, ``<meta charset>``, else UTF-8, else GB18030 — the
superset of GBK and GB2312 that Chinese government sites use), parsed with the standard
library's ``html.parser`` into a small tree (tolerant of the missing ``</td>``, ``</tr>`` and
``</p>`` such pages are full of) and written as lines:

- ``script``, ``style``, ``nav`` and other non-content elements are dropped;
- block elements (p, div, h1-h6, li …) are lines, separated by a blank line as the gazette
  texts are; ``<br>`` breaks a line; h1-h6 get markdown ``#`` markers;
- each data ``<table>`` is one line per ``<tr>``, cells joined by tabs, so the ``tabs``
  layout reads it: ``colspan`` repeats empty cells so the columns line up; a ``rowspan``
  cell is printed once, in its first row, and left EMPTY in the rows it spans (a value
  carried down is the extractor's decision, to be flagged); a table holding another
  table, a heading, a list or an article is page layout, and its cells are read as blocks;
- cell and line text is whitespace-normalised (a line break between two CJK characters
  is dropped, any other run of whitespace is one space) and entities are unescaped.

A page that cannot be decoded or holds no text raises a one-line ``GazetteError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from etl.errors import GazetteError

_DROP = frozenset({"script", "style", "noscript", "template", "nav", "iframe", "svg", "math",
                   "select", "option", "button", "head", "object", "canvas", "map", "footer",
                   "aside"})
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "area", "base", "col",
                   "embed", "param", "source", "track", "wbr"})
_BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
                    "dt", "dd", "section", "article", "main", "header", "footer", "aside",
                    "blockquote", "pre", "address", "figure", "figcaption", "center", "form",
                    "fieldset", "legend", "body", "html", "table", "caption", "hr", "tbody",
                    "thead", "tfoot", "tr", "td", "th"})
# a start tag closes the nearest open element of the first set (HTML's implied end tags),
# looking no further down than an element of the second set
_IMPLIED = {
    "tr": ({"tr"}, {"table"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tbody": ({"tbody", "thead", "tfoot"}, {"table"}),
    "thead": ({"tbody", "thead", "tfoot"}, {"table"}),
    "tfoot": ({"tbody", "thead", "tfoot"}, {"table"}),
    "li": ({"li"}, {"ul", "ol", "table", "td", "th"}),
    "dt": ({"dt", "dd"}, {"dl", "table", "td", "th"}),
    "dd": ({"dt", "dd"}, {"dl", "table", "td", "th"}),
}
_CLOSES_P = ({"p"}, {"td", "th", "table"})
_BLOCK_CLOSES_P = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl",
                             "section", "article", "main", "header", "footer", "aside",
                             "blockquote", "pre", "address", "figure", "center", "form",
                             "fieldset", "table", "hr"})
MAX_DEPTH = 200  # deeper nesting is read as text of the deepest element (no recursion blow-up)
MAX_SPAN = 1_000  # colspan/rowspan beyond this is a broken attribute, read as 1

_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]{1,40})",
                           re.IGNORECASE)
_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\n\u00a0]*\n[ \t\r\n\u00a0]*(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b]+")
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030", "cp936", "x-cp20936", "euc-cn"}


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)  # _Node or str
    line: int = 0


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack: list[_Node] = [self.root]
        self.dropping = 0  # inside a dropped element (script, nav …)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag in _DROP and tag not in _VOID:
                self.dropping += 1
            return
        if tag in _DROP:
            self.dropping = 1
            return
        self._implied_end(tag)
        node = _Node(tag, {k: v or "" for k, v in attrs}, line=self.getpos()[0])
        if len(self.stack) > MAX_DEPTH:
            return  # too deep: its text goes to the deepest element kept
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.dropping and tag not in _DROP:
            self._implied_end(tag)
            self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag in _DROP:
                self.dropping -= 1
            return
        if tag in _VOID:
            if tag == "br":  # </br> is read as <br> by browsers
                self.stack[-1].children.append(_Node("br", {}))
            return
        # close up to the matching open element, not past the table it is in
        for k in range(len(self.stack) - 1, 0, -1):
            name = self.stack[k].tag
            if name == tag:
                del self.stack[k:]
                return
            if name == "table" and tag != "table":
                return  # a stray end tag inside a table cell

    def handle_data(self, data: str) -> None:
        if not self.dropping and data:
            self.stack[-1].children.append(data)

    def _implied_end(self, tag: str) -> None:
        rules = [rule for rule in (_IMPLIED.get(tag), _CLOSES_P if tag in _BLOCK_CLOSES_P
                                   else None) if rule is not None]
        for targets, boundary in rules:
            for k in range(len(self.stack) - 1, 0, -1):
                name = self.stack[k].tag
                if name in targets:
                    del self.stack[k:]
                    break
                if name in boundary:
                    break


# --- text --------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text)).strip()


def _inline_text(node: _Node) -> str:
    """Everything inside ``node`` as one line (a table cell): breaks become spaces."""
    parts: list[str] = []
    stack: list = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif item.tag == "br":
            parts.append(" ")
        elif item.tag in _BLOCK and item is not node:
            parts.append(" ")
            stack.append(" ")
            stack.extend(reversed(item.children))
        else:
            stack.extend(reversed(item.children))
    return _normalise("".join(parts).replace("\t", " "))


def _span(value: str) -> int:
    try:
        n = int(value.strip() or "1")
    except ValueError:
        return 1
    return n if 1 <= n <= MAX_SPAN else 1


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "form", "table"})
_PARAGRAPHS = frozenset({"p", "div", "section", "article"})


def _is_layout(table: _Node) -> bool:
    """A table used for page layout, not data: it holds another table, a heading or a list,
    or a cell holding an article (four paragraphs or more)."""
    for row in _rows(table):
        for cell in _cells(row):
            paragraphs = 0
            stack = list(cell.children)
            while stack:
                item = stack.pop()
                if isinstance(item, _Node):
                    if item.tag in _HEADINGS:
                        return True
                    paragraphs += item.tag in _PARAGRAPHS
                    stack.extend(item.children)
            if paragraphs >= 4:
                return True
    return False


def _rows(table: _Node) -> list[_Node]:
    """The table's own rows (inside thead/tbody/tfoot too), not those of nested tables."""
    rows: list[_Node] = []
    stack = list(reversed(table.children))
    while stack:
        item = stack.pop()
        if not isinstance(item, _Node) or item.tag == "table":
            continue
        if item.tag == "tr":
            rows.append(item)
        else:
            stack.extend(reversed(item.children))
    return rows


def _cells(row: _Node) -> list[_Node]:
    return [c for c in row.children if isinstance(c, _Node) and c.tag in ("td", "th")]


def table_lines(table: _Node) -> list[str]:
    """One tab-separated line per row; colspan → empty cells after the value, rowspan → the
    value in its first row only (empty below)."""
    out: list[str] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan above
    for row in _rows(table):
        cells: list[str] = []
        col = 0
        for cell in _cells(row):
            while pending.get(col, 0) > 0:
                cells.append("")
                pending[col] -= 1
                col += 1
            span, down = _span(cell.attrs.get("colspan", "1")), _span(
                cell.attrs.get("rowspan", "1"))
            cells.append(_inline_text(cell))
            cells.extend([""] * (span - 1))
            for k in range(col, col + span):
                if down > 1:
                    pending[k] = down - 1
            col += span
        while any(v > 0 for c, v in pending.items() if c >= col):  # spans at the row's end
            if pending.get(col, 0) > 0:
                pending[col] -= 1
            cells.append("")
            col += 1
        while cells and cells[-1] == "":
            cells.pop()
        if any(cells):
            out.append("\t".join(cells))
    return out


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buffer: list[str] = []

    def flush(self, blank: bool = True) -> None:
        text = _normalise("".join(self.buffer))
        self.buffer = []
        if text:
            self.lines.append(text)
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def write(self, node: _Node) -> None:
        stack: list = [node]
        while stack:
            item = stack.pop()
            if item is _FLUSH:
                self.flush()
            elif isinstance(item, str):
                self.buffer.append(item)
            elif item.tag == "br":
                self.flush(blank=False)
            elif item.tag == "table" and not _is_layout(item):
                self.flush()
                for caption in (c for c in item.children
                                if isinstance(c, _Node) and c.tag == "caption"):
                    self.lines += [_inline_text(caption), ""]
                rows = table_lines(item)
                if len(rows) == 1 and "\t" not in rows[0]:
                    self.buffer.append(rows[0])  # a one-cell box is text
                    self.flush()
                else:
                    self.lines.extend(rows)
                    self.lines.append("")
            elif item.tag in _BLOCK:
                self.flush()
                level = item.tag[1:] if item.tag in ("h1", "h2", "h3", "h4", "h5", "h6") else ""
                if level:
                    self.buffer.append("#" * int(level) + " ")
                stack.append(_FLUSH)
                stack.extend(reversed(item.children))
            else:
                stack.extend(reversed(item.children))
        self.flush()


_FLUSH = object()


def _drop_heading_markers(lines: list[str]) -> list[str]:
    """A heading marker alone (an empty h1) is no line."""
    return [ln for ln in lines if not ln or ln.strip("# ")]


# --- decoding ------------------------------------------------------------------------------


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    return "gb18030" if name in _GB else name


def decode_html(data: bytes, path: str | Path) -> str:
    """Bytes → str: BOM, then the declared charset, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", path)
    declared = _declared_charset(data)
    if declared:
        try:
            return data.decode(declared)
        except LookupError:
            pass  # an unknown charset name: guess as if none were declared
        except UnicodeDecodeError:
            if declared not in ("utf-8", "utf8"):
                return _decode(data, declared, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(data, "gb18030", path)


def _decode(data: bytes, encoding: str, path: str | Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise GazetteError(f"HTML page is not valid {encoding} (byte {exc.start:,}: "
                           f"{exc.reason})", path, line) from None


def derive_text(data: bytes, path: str | Path) -> str:
    """An HTML page → the text lines the reader reads (tables as tab-separated rows)."""
    text = decode_html(data, path)
    if "\x00" in text:
        raise GazetteError("HTML page contains NUL characters (a binary file?)", path,
                           text[:text.index("\x00")].count("\n") + 1)
    builder = _TreeBuilder()
    try:
        builder.feed(text)
        builder.close()
    except (AssertionError, ValueError) as exc:  # html.parser's own complaints
        raise GazetteError(f"unreadable HTML ({exc})", path, builder.getpos()[0]) from None
    writer = _Writer()
    writer.write(builder.root)
    lines = _drop_heading_markers(writer.lines)
    while lines and lines[-1] == "":
        lines.pop()
    if not any(line.strip() for line in lines):
        raise GazetteError("HTML page has no text (nothing but markup, scripts or navigation)",
                           path)
    return "\n".join(lines) + "\n"
