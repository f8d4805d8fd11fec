"""The city a checkout serves, as reviewed data: ``datasets/reference/city.csv`` (names,
gazette title, file slug) and ``datasets/reference/doc_prefixes.csv`` (文号 prefixes: whose
documents they are and at which level).

Nothing in code names the city: a second city works by giving it its own reference tables
(``Context(reference_dir=…)``, or ``--root`` on the command line).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.dictionary import value_lists
from etl.errors import GazetteError
from etl.paths import REFERENCE_DIR

_KEYS = ("name_zh", "short_zh", "name_en", "slug", "province_zh", "government_zh",
         "office_zh", "gazette_zh", "gazette_en")
# a series' level: the dictionary's citation levels (_values.yaml), less "unknown", which
# is what a series the profile does not list gets
LEVELS = tuple(v.code for v in value_lists()["citation_level"] if v.code != "unknown")


@dataclass(frozen=True)
class DocPrefix:
    prefix: str  # 连政办发
    issuer: str  # the issuer as the city's lists name it (市政府办公室)
    issuer_zh: str  # in full (连云港市人民政府办公室)
    level: str  # city / province / national / county
    own: bool  # the city's own documents (its registry lists them)


@dataclass(frozen=True)
class CityProfile:
    name_zh: str
    short_zh: str
    name_en: str
    slug: str
    province_zh: str
    government_zh: str
    office_zh: str
    gazette_zh: str
    gazette_en: str
    doc_prefixes: tuple[DocPrefix, ...]

    def prefix(self, prefix: str) -> DocPrefix | None:
        return next((p for p in self.doc_prefixes if p.prefix == prefix), None)

    @property
    def own_prefixes(self) -> tuple[str, ...]:
        return tuple(p.prefix for p in self.doc_prefixes if p.own)

    def issuer_names(self) -> dict[str, str]:
        """Every way a list or signature names one of the city's own issuers → its short
        name: 连云港市人民政府 / 市人民政府 / 市政府 → 市政府."""
        names: dict[str, str] = {}
        for p in self.doc_prefixes:
            if not p.own:
                continue
            short = p.issuer
            full = p.issuer_zh
            names.update({short: short, full: short})
            if full.startswith(self.name_zh):  # 连云港市人民政府办公室 → 市人民政府办公室
                names["市" + full[len(self.name_zh):]] = short
        if "市政府办公室" in names.values():
            names.setdefault("市政府办", "市政府办公室")  # the lists' own abbreviation
        return names

    @property
    def raw_name(self) -> str:
        """File name pattern of a raw issue in datasets/raw/ (``{issue_id}`` and suffix)."""
        return f"{self.slug}-gazette-{{issue_id}}"


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise GazetteError("city profile table not found", path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def profile(reference_dir: Path = REFERENCE_DIR) -> CityProfile:
    """The city profile in ``reference_dir`` (read once per directory)."""
    reference_dir = Path(reference_dir)
    values = {r["key"]: r["value"].strip() for r in _rows(reference_dir / "city.csv")}
    missing = [k for k in _KEYS if not values.get(k)]
    if missing:
        raise GazetteError(f"city profile lacks {', '.join(missing)}", reference_dir / "city.csv")
    prefixes = []
    for n, r in enumerate(_rows(reference_dir / "doc_prefixes.csv"), start=2):
        if r["level"] not in LEVELS or r["own"] not in ("true", "false"):
            raise GazetteError(f"level must be one of {', '.join(LEVELS)} and own true/false",
                               reference_dir / "doc_prefixes.csv", n)
        prefixes.append(DocPrefix(r["prefix"].strip(), r["issuer"].strip(),
                                  r["issuer_zh"].strip(), r["level"], r["own"] == "true"))
    return CityProfile(**{k: values[k] for k in _KEYS}, doc_prefixes=tuple(prefixes))
