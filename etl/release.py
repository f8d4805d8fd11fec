"""What a release of the data is: its terms of use and its version.

The version of a build is ``<newest issue>+<8 hex of the content hash>`` (``2022-10+3f9a1c2b``):
the newest gazette issue it covers, and a hash of the published dataset CSVs, so two builds
with the same version hold the same rows byte for byte. Only the dataset CSVs are hashed —
not the workbook, the Parquet files or ``datapackage.json`` — so the workbook and the package
can both show the version without a cycle. ``VERSION.json`` (a published file, rendered with
the rest and checked by ``etl check``) records it; there is no clock anywhere: the build date
is the newest issue's publication date.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

VERSION_FILE = "VERSION.json"

CODE_LICENSE = "MIT"  # LICENSE; the code only — the data's terms are DATA_LICENSE

# Why CC BY 4.0 for the compilation (not CC0, not ODC-BY): attribution makes every copy name
# the gazette and this compilation, so a user meets the quality flags and the source lines
# with the numbers; CC BY 4.0 also licenses database rights where they exist (ODC-BY covers
# the database only), and it is what Our World in Data and most national portals use.
DATA_LICENSE: dict[str, str] = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "terms_zh": (
        "数据来源于连云港市人民政府公报。公报刊登的法规、规章、决定、命令及其他具有立法、"
        "行政性质的文件，依《中华人民共和国著作权法》第五条不适用著作权法保护，可以自由使用；"
        "公报中不属于此类文件的内容（如大事记、统计公报的文字）以及其中的事实与数字，"
        "本项目不主张任何权利。本项目对这些内容所作的选择、编排、规范化、英文标签、"
        "质量标记与派生数值（本汇编）按知识共享署名 4.0 国际许可协议（CC BY 4.0）发布："
        "使用时请注明“连云港市人民政府公报”及本数据集（lyg-data）和所用版本。"
        "本说明不构成法律意见；数据按“现状”提供，以公报原文为准。"),
    "terms_en": (
        "The data are read from the Lianyungang municipal government gazette (连云港市人民政府"
        "公报). The laws, regulations, decisions, orders and other documents of a legislative "
        "or administrative nature that the gazette publishes are not protected by copyright "
        "under Article 5 of the Copyright Law of the People's Republic of China; this project "
        "claims no rights in them, nor in the gazette's other items (such as the chronicle "
        "大事记 or statistical text) or in the facts and figures they state. Our compilation "
        "— the selection, arrangement, normalisation, English labels, quality flags and "
        "derived values — is released under the Creative Commons Attribution 4.0 "
        "International licence (CC BY 4.0): cite the gazette, this dataset (lyg-data) and "
        "the version you used. This is not legal advice; the data are provided as is, and "
        "the gazette's printed text prevails."),
}


def dataset_csv_names() -> set[str]:
    """The published files the content hash covers: one CSV per dictionary dataset."""
    from etl.dictionary import datasets
    return {f"{name}.csv" for name in datasets()}


def content_hash(outputs: dict[str, bytes]) -> str:
    """sha256 (hex) over the dataset CSVs in ``outputs``, by name: stable across runs and
    independent of every other output (workbook, Parquet, package, VERSION.json)."""
    names = dataset_csv_names()
    digest = hashlib.sha256()
    for name in sorted(n for n in outputs if n in names):
        digest.update(f"{name}\0{hashlib.sha256(outputs[name]).hexdigest()}\n".encode())
    return digest.hexdigest()


def data_version(newest_issue_id: str, content_hash: str) -> str:
    """``2022-10+3f9a1c2b``: the newest issue and the first 8 hex digits of the hash."""
    return f"{newest_issue_id}+{content_hash[:8]}"


def newest_issue(issues: list[dict]) -> dict | None:
    """The issue with the latest publication date (ties: the larger id)."""
    return max(issues, key=lambda i: (str(i["published_on"]), i["issue_id"]), default=None)


def version_record(outputs: dict[str, bytes], issues: list[dict]) -> dict:
    """What ``VERSION.json`` holds, from the rendered CSVs and the registered issues."""
    newest = newest_issue(issues)
    newest_id = newest["issue_id"] if newest else "0000-00"
    digest = content_hash(outputs)
    return {
        "version": data_version(newest_id, digest),
        "newest_issue": newest_id,
        "built_on": str(newest["published_on"]) if newest else "1970-01-01",
        "content_hash": f"sha256:{digest}",
        "issues": [i["issue_id"] for i in issues],
        "data_license": DATA_LICENSE["name"],
        "code_license": CODE_LICENSE,
    }


def version_for_frames(frames: dict[str, pd.DataFrame], issues: list[dict]) -> dict:
    """The same record from typed frames (what the workbook gets), rendering their CSVs."""
    from etl.dictionary import datasets
    from etl.publish import csv_bytes
    specs = datasets()
    outputs = {f"{name}.csv": csv_bytes(frame, specs[name])
               for name, frame in frames.items() if name in specs}
    return version_record(outputs, issues)


def version_bytes(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_version(datasets_dir: Path | str) -> dict | None:
    """The published ``VERSION.json`` of ``datasets_dir``; None when it is absent or not
    JSON (a checkout built before versions existed)."""
    path = Path(datasets_dir) / VERSION_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and "version" in record else None
