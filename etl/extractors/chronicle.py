"""大事记 (a government's chronicle) → chronicle_entries: one row per entry.

A chronicle is a heading (连云港市人民政府大事记, found as gazette_documents finds it), a
period line (（2018年11月1日—30日）), day headings (11月1日：, 2018年11月1日, 十一月一日) and
entries under each day, each opened by a marker (●, ·, •, —, 1. or （1）) or by its own date
(11月1日，市长…). An entry that wraps over lines (a PDF line break, a page break) is joined
back: a line without a marker continues the entry before it while that entry has not ended
its sentence (。；!?). The first line that is none of these ends the chronicle (the gazette's
closing note, the next document).

Each entry names its official first: the post from the reviewed vocabulary
(datasets/reference/official_posts.csv; the longest post at the start, joined posts as
printed: 副市长、公安局长) and the name that follows it. A name's length is read from the
chronicle itself: the names a 市领导…参加 list spells out, else what every entry of the same
post and surname agrees on (王加培 in all of his entries), else the first activity word
(在, 召开, 会见 …) after two or three characters, flagged. An entry whose start is no known
post is flagged and its official left empty, never guessed.

An entry naming other city leaders (市领导王加培、尹哲强…参加, or a name of this chronicle's
officials in its text) stays one row under its first official — the one whose activity the
chronicle records — with the others in ``other_officials`` (flag several_officials). An entry
listing several activities (；) stays one row, counted in ``activity_count`` (flag
several_activities).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from etl.extractors import Context, Extraction
from etl.extractors.gazette_documents import non_document_sections
from etl.normalize import clean_text, cn_numeral, safe_date, to_halfwidth, to_simplified
from etl.read import Issue

DATASETS = ("chronicle_entries",)

_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR = r"(?:\d{4}|[〇○零一二三四五六七八九]{4})"
# （2018年11月1日—30日）, (2022年10月1日-31日), （2018年11月26日—12月25日）, （2018年11月）
_PERIOD = re.compile(
    rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_NUM})\s*月\s*(?:(?P<d>{_NUM})\s*日)?"
    rf"(?:\s*[—\-–~～至到]+\s*(?:(?P<y2>{_YEAR})\s*年)?\s*(?:(?P<m2>{_NUM})\s*月)?\s*"
    rf"(?:(?P<d2>{_NUM})\s*日)?)?")
# a day heading: 11月1日： / 2018年11月1日 / 十一月一日 / 1日
_DAY = re.compile(rf"^(?:(?P<y>{_YEAR})\s*年\s*)?(?:(?P<m>{_NUM})\s*月\s*)?(?P<d>{_NUM})\s*日"
                  r"\s*[:：]?$")
# an entry opened by its own date: 11月1日，市长… / 11月1日 市长…
_DATED = re.compile(rf"^(?:(?P<y>{_YEAR})\s*年\s*)?(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*日"
                    r"\s*[,，:：、\s]\s*(?P<rest>\S.*)$")
# after a marker the date needs no separator (line-break spaces are gone: ●2020年3月6日副市长…)
_MARKED_DATE = re.compile(_DATED.pattern.replace(r"[,，:：、\s]\s*", r"[,，:：、]?\s*"))
_MARKER = re.compile(r"^(?:[●•·○◆◇■□▲△▶►]|—{1,2}|－|-(?!\d)|\d{1,3}\s*[.．、]|"
                     r"[(（]\d{1,3}[)）])\s*")
_LEFT = re.compile(r"^[#>*\s]+")
_RIGHT = re.compile(r"[*\s]+$")
_ENDED = re.compile(r"[。；;!！?？]$")
# the words an activity starts with: where a name stops when nothing else says
_START = set("在到赴召会参出陪主调检督带接拜收现率与分实考向视慰听走深先随前下")
# 市领导王加培、尹哲强参加: the names a chronicle spells out
_LEADERS = re.compile(r"(?:[市县区]|政府)领导"
                      r"((?:[\u3400-\u9fff]{2,4}[、，,])*[\u3400-\u9fff]{2,4}?)"
                      r"(?:等)?(?:参加|出席|参会|陪同|列席|一同)")
_JOIN = "、，,"
_CN_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")


@dataclass
class Entry:
    line: int
    text: str
    day: date | None
    date_raw: str | None
    flags: list[str] = field(default_factory=list)


@dataclass
class Official:
    post: str | None
    post_en: str | None
    rest: str  # the text after the post (name + activity)
    printed: str  # the post as printed


def _text(line: str) -> str:
    return clean_text(_RIGHT.sub("", _LEFT.sub("", line)))


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    text = to_halfwidth(text)
    return int(text) if text.isdigit() else cn_numeral(text)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    text = to_halfwidth(text)
    if text.isdigit():
        return int(text)
    converted = text.translate(_CN_YEAR_DIGITS)
    return int(converted) if converted.isdigit() else None


@dataclass
class Period:
    year: int
    month: int
    start: date | None
    end: date | None


def read_period(text: str) -> Period | None:
    """The chronicle's period from its heading: year and month the day headings omit."""
    match = _PERIOD.search(to_halfwidth(text))
    if not match:
        return None
    year, month = _year(match["y"]), _num(match["m"])
    if year is None or month is None:
        return None
    start = safe_date(year, month, _num(match["d"]) or 1)
    end = None
    if match["d2"]:
        end = safe_date(_year(match["y2"]) or year, _num(match["m2"]) or month,
                        _num(match["d2"]))
    return Period(year, month, start, end)


def _day(period: Period | None, y: str | None, m: str | None, d: str | None
         ) -> tuple[date | None, list[str]]:
    year, month, day = _year(y), _num(m), _num(d)
    if year is None and period is None:
        return None, ["date_year_unknown"]
    if month is None:
        if period is None:
            return None, ["date_year_unknown"]
        month = period.month
    if year is None:
        year = period.year
        if month < period.month:  # a chronicle from December into January
            year += 1
    when = safe_date(year, month, day) if day else None
    if when is None:
        return None, ["date_impossible"]
    flags = []
    if period and ((period.start and when < period.start) or (period.end and when > period.end)):
        flags.append("date_outside_period")
    return when, flags


def read_entries(issue: Issue, start: int, stop: int, period: Period | None
                 ) -> tuple[list[Entry], int]:
    """The entries from line ``start`` (after the heading) to ``stop``; and the last line
    the chronicle holds."""
    entries: list[Entry] = []
    day: date | None = None
    day_raw: str | None = None
    day_flags: list[str] = []
    last = start
    for n in range(start, stop + 1):
        text = _text(issue.line(n))
        if not text:
            continue
        simple = to_simplified(text)
        if (match := _DAY.match(simple)) and (match["m"] or period is not None or day is not None):
            day, day_flags = _day(period, match["y"], match["m"], match["d"])
            day_raw, last = text, n
            continue
        if n <= start + 2 and _PERIOD.search(to_halfwidth(simple)) and not entries:
            last = n  # the period line under the heading
            continue
        marker = _MARKER.match(text)
        if marker and marker.end() < len(text):
            body = text[marker.end():]
            dated = _MARKED_DATE.match(to_simplified(body))
            if dated:  # ●11月1日，市长…: the day of this entry and of those after it
                day, day_flags = _day(period, dated["y"], dated["m"], dated["d"])
                day_raw = body[:len(body) - len(dated["rest"])].rstrip("，,:：、 ")
                entries.append(Entry(n, dated["rest"], day, day_raw, list(day_flags)))
            else:
                entries.append(Entry(n, body, day, day_raw,
                                     list(day_flags) or ([] if day else ["date_missing"])))
            last = n
            continue
        dated = _DATED.match(simple)
        if dated:
            day, day_flags = _day(period, dated["y"], dated["m"], dated["d"])
            day_raw = text[:len(text) - len(dated["rest"])].rstrip("，,:：、 ")
            entries.append(Entry(n, text[len(text) - len(dated["rest"]):], day, day_raw,
                                 list(day_flags)))
            last = n
            continue
        if entries and not _ENDED.search(entries[-1].text):
            entries[-1].text = clean_text(entries[-1].text + text)  # a wrapped line
            last = n
            continue
        break  # the gazette's closing note, another section: the chronicle has ended
    return entries, last


def _vocabulary(ctx: Context) -> dict[str, str]:
    return {to_simplified(r["post"].strip()): r["en"].strip() for r in ctx.records(
        "official_posts") if r["post"].strip()}


def read_official(text: str, posts: dict[str, str]) -> Official | None:
    """The post at the start of an entry: the longest known post, and further posts joined
    by 、 (副市长、公安局长)."""
    simple = to_simplified(text)
    ordered = sorted(posts, key=len, reverse=True)
    at, found = 0, []
    while True:
        post = next((p for p in ordered if simple.startswith(p, at)), None)
        if post is None:
            break
        found.append(post)
        at += len(post)
        if at < len(simple) and simple[at] in _JOIN and any(
                simple.startswith(p, at + 1) for p in ordered):
            at += 1
            continue
        break
    if not found:
        return None
    printed = text[:at]
    return Official(printed, "; ".join(posts[p] for p in found), text[at:], printed)


def _leaders(text: str) -> list[str]:
    names = []
    for match in _LEADERS.finditer(text):
        names += [n for n in re.split(f"[{_JOIN}]", match.group(1)) if n]
    return names


def _name_lengths(rests: list[str], known: set[str]) -> dict[str, tuple[int, bool]]:
    """rest text → (length of the name it starts with, confident)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for rest in rests:
        groups[rest[:2]].append(rest)
    out: dict[str, tuple[int, bool]] = {}
    longest_first = sorted(known, key=len, reverse=True)
    for rest in rests:
        hit = next((len(k) for k in longest_first if rest.startswith(k)), None)
        if hit:
            out[rest] = (hit, True)
            continue
        group = groups[rest[:2]]
        if len(group) >= 2:
            length = 2
            while length < 4 and all(len(r) > length + 1 for r in group):
                nxt = {r[length] for r in group}
                if len(nxt) != 1 or (next(iter(nxt)) in _START and len(group) < 5):
                    break
                length += 1
            out[rest] = (length, True)
        elif len(rest) > 2 and rest[2] in _START:
            out[rest] = (2, True)
        elif len(rest) > 3 and rest[3] in _START:
            out[rest] = (3, True)
        else:
            out[rest] = (min(3, len(rest)), False)
    return out


def chronicles(issue: Issue) -> list[tuple[int, str]]:
    """(heading line, heading text with its period) of each chronicle in the issue."""
    return [(line, title) for kind, title, _, line in non_document_sections(issue)
            if kind == "大事记"]


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    found = chronicles(issue)
    if not found:
        return out
    posts = _vocabulary(ctx)
    starts = sorted({d.start_line for d in issue.documents} | {line for line, _ in found})
    seq = 0
    for heading, title in found:
        stop = next((s - 1 for s in starts if s > heading), len(issue.lines))
        period = read_period(to_simplified(title))
        entries, last = read_entries(issue, heading + 1, stop, period)
        if period is None:
            out.notes.append(f"line {heading}: chronicle {title!r} prints no period; "
                             "dates need a year on every day heading")
        if last < stop and any(_text(issue.line(n)) for n in range(last + 1, stop + 1)):
            out.notes.append(f"line {heading}: chronicle read to line {last}; "
                             f"line {last + 1}… is not an entry")
        officials = [read_official(e.text, posts) for e in entries]
        rests = [o.rest for o in officials if o]
        known = {n for e in entries for n in _leaders(to_simplified(e.text))}
        lengths = _name_lengths(rests, known)
        roster: set[str] = set(known)
        for official in officials:
            if official:
                roster.add(official.rest[:lengths[official.rest][0]])
        for entry, official in zip(entries, officials, strict=True):
            seq += 1
            flags = list(entry.flags)
            post = post_en = name = printed = None
            activity = entry.text
            if official is None:
                flags.append("official_post_unknown")
            else:
                length, sure = lengths[official.rest]
                name = official.rest[:length]
                post, post_en = official.post, official.post_en
                printed = official.printed + name
                activity = official.rest[length:].lstrip("，,:： ")
                if not sure:
                    flags.append("official_name_uncertain")
            others = [n for n in dict.fromkeys(_leaders(to_simplified(activity)) + sorted(
                (r for r in roster if r and r in activity),
                key=lambda r: activity.index(r))) if n != name]
            if others:
                flags.append("several_officials")
            count = len([a for a in re.split(r"[；;]", activity) if a.strip("。 ")])
            if count > 1:
                flags.append("several_activities")
            out.add("chronicle_entries", {
                "entry_date": entry.day,
                "year_month": entry.day.strftime("%Y-%m") if entry.day else None,
                "date_raw": entry.date_raw, "seq": seq, "official": printed, "post": post,
                "post_en": post_en, "name": name, "other_officials": "；".join(others) or None,
                "activity": activity or None, "activity_count": count,
                "entry_text": entry.text, "chronicle_line": heading,
                "source_issue": issue.issue_id, "source_line": entry.line,
                "quality_flags": flags,
            })
    return out
