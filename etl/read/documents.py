"""Documents an issue publishes: numbered documents and government orders."""

from __future__ import annotations

import bisect
import re

from etl.normalize import clean_text, parse_cn_date, parse_doc_number
from etl.read.lines import (
    DATE_LINE,
    compact,
    last_chars,
    lines_ending_in,
    previous_text_line,
    strip_markup,
)
from etl.read.model import Document

_NUMBER_LINE = re.compile(r"^连政(?:办|规)?发\s*\S?\s*\d{4}\s*\S?\s*年?\s*\d{1,4}\s*号$")
_ORDER_HEAD = re.compile(r"^(?:连云港)?市人民政府令$")
_ORDER_NUMBER = re.compile(r"^第\s*(\d{1,4})\s*号$")
_SIGNERS = {"连云港市人民政府": "市政府", "连云港市人民政府办公室": "市政府办公室"}
_TITLE_IN_DECREE = re.compile(r"《([^》]{2,80})》")


def issuer_from_title(title: str) -> str | None:
    if re.match(r"^(连云港)?市(人民)?政府办公室", title):
        return "市政府办公室"
    if re.match(r"^(连云港)?市(人民)?政府", title):
        return "市政府"
    return None




def find_documents(lines: list[str]) -> list[Document]:
    """Every numbered document and government order, with title, issuer and signing date."""
    docs: list[Document] = []
    last = last_chars(lines)
    for i in lines_ending_in(last, {"号", "令"}):  # a number line ends with 号, an order head 令
        line = lines[i]
        squeezed = compact(line)
        if not squeezed or len(squeezed) > 40:
            continue
        if _NUMBER_LINE.match(squeezed):
            number = parse_doc_number(squeezed)
            t = previous_text_line(lines, i)
            if number is None or t is None:
                continue
            title_raw = strip_markup(lines[t])
            docs.append(Document(clean_text(title_raw), title_raw, t + 1, number, i + 1,
                                 issuer_from_title(clean_text(title_raw)), None, None, t + 1))
        elif _ORDER_HEAD.match(squeezed):
            n = next((j for j in range(i + 1, min(i + 4, len(lines))) if lines[j].strip()), None)
            match = _ORDER_NUMBER.match(compact(lines[n])) if n is not None else None
            if not match:
                continue
            number = parse_doc_number(f"市政府令第{match.group(1)}号")
            docs.append(Document("", "", i + 1, number, n + 1, "市政府", None, None, i + 1))
    for k, doc in enumerate(docs):
        doc.end_line = (docs[k + 1].start_line - 1) if k + 1 < len(docs) else len(lines)
        _find_signature(lines, doc)
    _end_at_non_document_sections(lines, docs, last)
    return docs


def _find_signature(lines: list[str], doc: Document) -> None:
    for j in range(doc.number_line, min(doc.end_line, doc.number_line + 60)):
        if DATE_LINE.match(lines[j].strip()):
            doc.signed_on = parse_cn_date(lines[j])
            doc.signed_line = j + 1
            s = previous_text_line(lines, j)
            signer = compact(lines[s]) if s is not None else ""
            if signer in _SIGNERS:
                doc.issuer = doc.issuer if doc.issuer and doc.title else _SIGNERS[signer]
                if doc.issuer != _SIGNERS[signer] and doc.title:
                    doc.issuer = _SIGNERS[signer]  # the signature is the issuing body
            elif signer.startswith("市长"):
                doc.issuer = "市政府"
            break
    if not doc.title:  # an order: the decree sentence names the regulation
        for j in range(doc.number_line, min(doc.end_line, doc.number_line + 10)):
            match = _TITLE_IN_DECREE.search(lines[j])
            if match:
                doc.title_raw = match.group(1)
                doc.title = clean_text(match.group(1))
                doc.title_line = j + 1
                break


_SECTION_START = re.compile(r"^(\d{4}年.{0,12}主要经济指标|连云港市人民政府大事记)$")


def _end_at_non_document_sections(lines: list[str], docs: list[Document],
                                  last: list[str]) -> None:
    """The last document of a section ends where the statistics or the chronicle begins."""
    starts = [j for j in lines_ending_in(last, {"标", "记"})
              if _SECTION_START.match(compact(lines[j]))]
    for doc in docs:
        k = bisect.bisect_left(starts, doc.number_line)
        if k < len(starts) and starts[k] < doc.end_line:
            doc.end_line = starts[k]  # 1-based line before the section's first line


