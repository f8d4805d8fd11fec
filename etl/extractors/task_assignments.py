"""任务分工 → task_assignments: one row per task a document assigns to units.

Two ways a document assigns tasks, both read here:

- a table (重点任务分工表): a task column and unit columns, named by the reviewed header
  table datasets/reference/task_columns.csv (牵头单位 / 配合单位 / 责任单位 / 完成时限 …); a
  unit cell may itself be labelled (``牵头单位：市公安局 配合单位：…``), as 2018-16 prints;
- prose: a numbered task closed by a labelled parenthesis (``（责任单位：市发改委、市财政局）``,
  ``（牵头单位：…；配合单位：…）``), on the task's own paragraph or on a line of its own.

Units are split on 、，,；; a collective after 等 (``X等市有关部门``) and 各县（区）政府 are kept as
printed, as units of their own. Each unit is normalised with the reviewed agency table
(datasets/reference/agencies.csv) and line-break spaces removed; the cell as printed is kept
in the ``_raw`` column. 责任单位 that does not tell the lead apart stays in
``responsible_units`` — unless the document says the first one listed leads
(排在第一位的为牵头单位), then it is split and flagged.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from etl.extractors import Context, Extraction
from etl.extractors.normative_documents import load_agency_fixes
from etl.normalize import clean_text, find_cn_dates, safe_date, to_halfwidth, to_simplified
from etl.read import Document, Issue, Table

DATASETS = ("task_assignments",)

ROLES = ("lead", "supporting", "responsible")
_ITEM = re.compile(r"^(?P<label>\d{1,2}\s*[.．、]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|"
                   r"[一二三四五六七八九十]{1,3}\s*、)\s*")
_PLAN = re.compile(r"(?:实施方案|实施意见|实施办法|实施细则|工作方案|行动方案|行动计划|工作计划|"
                   r"意见|办法|方案|计划|规划|细则|措施)$")
_FIRST_LEADS = re.compile(r"(?:排在|列在|列)?(?:第一位|首位|第一个|最前面?)的?(?:单位|部门)?"
                          r"为牵头(?:单位|部门)")
_SPLIT = re.compile(r"[、，,；;]")
_COLLECTIVE = re.compile(r"^(?P<unit>.+?)(?P<rest>等.*)$")
_LEFT = re.compile(r"^[#>*\s]+")
_RIGHT = re.compile(r"[*\s]+$")


@dataclass
class Units:
    raw: dict[str, str]  # role → the text as printed
    deadline_raw: str | None = None


def _text(line: str) -> str:
    return _RIGHT.sub("", _LEFT.sub("", line)).strip()


def column_roles(ctx: Context) -> dict[str, str]:
    """Header (or cell label) → role, from datasets/reference/task_columns.csv."""
    return {to_simplified(r["header"].strip()): r["role"].strip()
            for r in ctx.records("task_columns")}


def _label_pattern(roles: dict[str, str]) -> re.Pattern:
    names = sorted((h for h, r in roles.items() if r in ROLES or r == "deadline"),
                   key=len, reverse=True)
    return re.compile(rf"(?P<label>{'|'.join(map(re.escape, names))})\s*[:：]")


def labelled(text: str, roles: dict[str, str], pattern: re.Pattern) -> Units | None:
    """``牵头单位：A 配合单位：B、C`` → role → text; None when the text has no label."""
    simple = to_simplified(text)
    found = list(pattern.finditer(simple))
    if not found:
        return None
    out = Units({})
    for k, match in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(text)
        value = text[match.end():end].strip(" ；;，,。")
        role = roles[match["label"]]
        if role == "deadline":
            out.deadline_raw = value or None
        elif value:
            out.raw[role] = f"{out.raw[role]}、{value}" if role in out.raw else value
    return out


def split_units(raw: str | None) -> list[str]:
    """A unit cell → units as printed (line-break spaces removed), collectives kept."""
    if not raw:
        return []
    text = clean_text(raw).replace(" ", "")
    parts, depth, current = [], 0, ""
    for ch in text:  # split outside brackets only: 市经信委（市信用办）、各县（区）政府
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and _SPLIT.match(ch):
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    out = []
    for part in (p.strip("。 ") for p in parts):
        if not part:
            continue
        match = _COLLECTIVE.match(part)
        if match and not match["unit"].endswith(("各", "市")):
            out += [match["unit"], match["rest"]]
        else:
            out.append(part)
    return out


def normalise_units(raw: str | None, fixes: dict[str, str]) -> tuple[str | None, list[str]]:
    flags = []
    names = []
    for unit in split_units(raw):
        fixed = fixes.get(unit)
        if fixed:
            flags.append("agency_name_fixed")
        names.append(fixed or unit)
    return ("；".join(dict.fromkeys(names)) or None), flags


def read_deadline(raw: str | None) -> tuple[date | None, list[str]]:
    """A real date where the text prints one; the last day of a printed month or year
    (2019年6月底前, 2019年底) flagged as derived; nothing for words (长期坚持)."""
    if not raw:
        return None, []
    text = to_halfwidth(clean_text(raw))
    dates = [d for _, d, _ in find_cn_dates(text)]
    if dates:
        return (dates[-1], []) if dates[-1] else (None, ["date_impossible"])
    found = list(re.finditer(r"(\d{4})\s*年\s*(?:(\d{1,2})\s*月|(上半年|一季度|二季度|三季度|"
                             r"四季度|第[一二三四]季度))?", text))
    if not found:
        return None, ["deadline_not_a_date"]
    match = found[-1]
    year = int(match[1])
    if match[2]:
        month = int(match[2])
    elif match[3]:
        month = {"上半年": 6}.get(match[3]) or 3 * "一二三四".index(match[3][-3]) + 3
    else:
        month = 12
    if not 1 <= month <= 12:
        return None, ["date_impossible"]
    return safe_date(year, month, calendar.monthrange(year, month)[1]), ["deadline_end_of_period"]


def _first_sentence(text: str) -> str:
    head = re.split(r"[。；;]", text, maxsplit=1)[0]
    return head.strip() if len(head) <= 60 else ""


def _titles(issue: Issue, doc: Document) -> list[tuple[int, str, bool]]:
    """(line, text, numbered) of the short lines of a document that may head a part (a plan's
    title) or a section (一、…, （一）…): read once per document."""
    out = []
    for n in range(doc.number_line + 1, doc.end_line + 1):
        line = issue.line(n)
        if "\t" in line or not line.strip() or len(line) > 200:
            continue
        text = clean_text(_text(line))
        if text and len(text) <= 60 and "。" not in text:
            out.append((n, text, bool(_ITEM.match(text))))
    return out


def _part_title(titles: list[tuple[int, str, bool]], line: int) -> str | None:
    at = bisect_left(titles, (line,))
    for _, text, numbered in reversed(titles[:at]):
        if not numbered and len(text) >= 8 and _PLAN.search(text):  # not 保障措施
            return text
    return None


def _style(label: str) -> str:
    """The numbering style of an item label: 1. / （一） / 一、 / （1）."""
    label = to_halfwidth(label.strip())
    bracket = label[:1] in "(（"
    digit = any(ch.isdigit() for ch in label)
    return f"{'bracket' if bracket else 'plain'}-{'digit' if digit else 'cn'}"


def _heading(text: str) -> bool:
    return bool(text) and len(text) <= 40 and "。" not in text and bool(_ITEM.match(text))


def _section(issue: Issue, titles: list[tuple[int, str, bool]], line: int) -> str | None:
    """The nearest numbered heading above ``line`` numbered in another style than the task
    (（一）… above 1.; 四、… above （一）)."""
    own = _ITEM.match(clean_text(_text(issue.line(line))))
    style = _style(own["label"]) if own else None
    at = bisect_left(titles, (line,))
    for _, text, numbered in reversed(titles[:at]):
        match = _ITEM.match(text) if numbered and len(text) <= 40 else None
        if match and _style(match["label"]) != style:
            return text
    return None


class Reader:
    def __init__(self, issue: Issue, ctx: Context):
        self.issue = issue
        self.roles = column_roles(ctx)
        self.labels = _label_pattern(self.roles)
        self.fixes = load_agency_fixes(ctx)
        self.first_leads: dict[int, bool] = {}
        self._titles: dict[int, list[tuple[int, str, bool]]] = {}

    def titles(self, doc: Document | None) -> list[tuple[int, str, bool]]:
        if doc is None:
            return []
        if doc.start_line not in self._titles:
            self._titles[doc.start_line] = _titles(self.issue, doc)
        return self._titles[doc.start_line]

    def _first_leads(self, doc: Document | None) -> bool:
        if doc is None:
            return False
        if doc.start_line not in self.first_leads:
            self.first_leads[doc.start_line] = any(
                _FIRST_LEADS.search(to_simplified(self.issue.line(n)))
                for n in range(doc.start_line, doc.end_line + 1))
        return self.first_leads[doc.start_line]

    def row(self, doc: Document | None, units: Units, task: str, line: int, *,
            units_line: int, seq: int | None, label: str | None, section: str | None,
            layout: str, flags: list[str], title: str | None = None) -> dict:
        flags = list(flags)
        raw = dict(units.raw)
        if "responsible" in raw and "lead" in raw and "supporting" not in raw:
            raw["supporting"] = raw.pop("responsible")  # 牵头单位 beside 责任单位: the others
        out: dict = {}
        for role in ROLES:
            out[f"{role}_units"], fixed = normalise_units(raw.get(role), self.fixes)
            out[f"{role}_units_raw"] = raw.get(role)
            flags += fixed
        if out["responsible_units"] and not out["lead_units"] and self._first_leads(doc):
            first, *rest = out["responsible_units"].split("；")
            out["lead_units"], out["supporting_units"] = first, "；".join(rest) or None
            flags.append("lead_by_position")
        if not any(out[f"{r}_units"] for r in ROLES):
            flags.append("units_missing")
        deadline, deadline_flags = read_deadline(units.deadline_raw)
        number = doc.doc_number.text if doc and doc.doc_number else None
        if number is None:
            flags.append("doc_unknown")
        task = clean_text(task)
        return {
            "doc_number": number, "part_title": _part_title(self.titles(doc), line),
            "section": section, "layout": layout, "task_seq": seq, "task_label": label,
            "task_title": title or _first_sentence(task) or None, "task": task or None, **out,
            "deadline": deadline, "deadline_raw": units.deadline_raw,
            "units_line": units_line,
            "source_issue": self.issue.issue_id, "source_line": line,
            "quality_flags": list(dict.fromkeys(flags + deadline_flags)),
        }

    # --- tables ---------------------------------------------------------------------------

    def table_columns(self, table: Table) -> dict[str, int] | None:
        cols: dict[str, int] = {}
        for i, head in enumerate(table.header):
            role = self.roles.get(to_simplified(re.sub(r"\s+", "", head)))
            if role and role not in cols:
                cols[role] = i
        if "task" not in cols or not any(r in cols for r in ROLES):
            return None
        return cols

    def tables(self) -> list[dict]:
        rows = []
        for table in self.issue.tables:
            cols = self.table_columns(table)
            if cols is None:
                continue
            doc = self.issue.document_at(table.header_line)
            for row in table.rows:
                def cell(role: str, cells: list[str] = row.cells,
                         cols: dict[str, int] = cols) -> str:
                    i = cols.get(role)
                    return cells[i].strip() if i is not None and i < len(cells) else ""
                units = Units({})
                for role in ROLES:
                    text = cell(role)
                    if not text:
                        continue
                    inner = labelled(text, self.roles, self.labels)
                    if inner is None:
                        units.raw[role] = text
                        continue
                    for k, v in inner.raw.items():
                        units.raw[k] = f"{units.raw[k]}、{v}" if k in units.raw else v
                    units.deadline_raw = units.deadline_raw or inner.deadline_raw
                units.deadline_raw = cell("deadline") or units.deadline_raw
                seq_text = to_halfwidth(cell("seq"))
                rows.append(self.row(
                    doc, units, cell("task"), row.line, units_line=row.line,
                    seq=int(seq_text) if seq_text.isdigit() else None,
                    label=cell("seq") or None, section=table.title, layout="table",
                    flags=list(row.flags)))
        return rows

    # --- prose ----------------------------------------------------------------------------

    def _parentheses(self, text: str) -> list[tuple[int, int, Units]]:
        """(start, end, units) of each labelled parenthesis: （责任单位：…）, brackets inside
        it kept (市经信委（市信用办）). One pass over the line."""
        simple = to_simplified(text)
        closes: dict[int, int] = {}
        stack: list[int] = []
        for i, ch in enumerate(simple):
            if ch in "（(":
                stack.append(i)
            elif ch in "）)" and stack:
                closes[stack.pop()] = i
        out = []
        done = -1
        for open_at in sorted(closes):
            if open_at < done or not self.labels.match(simple, open_at + 1):
                continue
            end = closes[open_at]
            units = labelled(text[open_at + 1:end], self.roles, self.labels)
            if units and (units.raw or units.deadline_raw):
                out.append((open_at, end + 1, units))
                done = end
        return out

    def prose(self) -> list[dict]:
        rows = []
        for doc in self.issue.documents:
            start: int | None = None  # the line the current task starts on
            seq = 0
            for n in range(doc.number_line + 1, doc.end_line + 1):
                raw_line = self.issue.line(n)
                if "\t" in raw_line:
                    continue  # a table row: read as a table
                text = _text(raw_line)
                if not text:
                    continue
                if _ITEM.match(clean_text(text)):
                    start = n
                found = self._parentheses(text)
                if not found:
                    continue
                if start is None:
                    start = n
                parts = [_text(self.issue.line(m)) for m in range(start, n)]
                title = None
                first = clean_text(parts[0]) if parts else ""
                if _heading(first):  # （一）强化组织领导, its paragraphs under it
                    title = first
                    parts = parts[1:]
                cut = 0
                for open_at, end, units in found:
                    body = clean_text("".join(parts) + text[cut:open_at])
                    label_match = _ITEM.match(title or body)
                    label = label_match["label"].strip() if label_match else None
                    task = body[label_match.end():] if label_match and not title else body
                    seq += 1
                    rows.append(self.row(
                        doc, units, task, start if parts or cut == 0 else n, units_line=n,
                        seq=seq,
                        label=label, section=_section(self.issue, self.titles(doc), start),
                        layout="prose", flags=[] if task.strip() else ["task_missing"],
                        title=title[label_match.end():] if title and label_match else None))
                    parts, cut, title = [], end, None
                start = None
        return rows


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    reader = Reader(issue, ctx)
    rows = reader.tables() + reader.prose()
    tables = sorted({r["source_line"] for r in rows if r["layout"] == "table"})
    out.tables.extend(t.header_line for t in issue.tables if t.rows and any(
        t.header_line < line <= t.end_line for line in tables))
    for row in sorted(rows, key=lambda r: r["source_line"]):
        out.add("task_assignments", row)
    return out
