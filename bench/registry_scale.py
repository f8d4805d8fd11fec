"""A registry of 100,000 synthetic normative documents behind search and filter queries.

    .venv/bin/python -m bench.registry_scale [--documents 100000] [--queries 200]

The registry has the columns of datasets/normative_documents.csv (the data dictionary's),
typed the way the dashboard loads it (``etl.dictionary.coerce``). Rows are resampled from
the real 2018 cleanup lists with perturbed titles, numbers, years, dates and agencies; every
title ends with （合成） and ``cleanup_doc`` says 合成, so nothing can pass for real data.
Nothing is written to disk.

Measured (median and p95 over ``--queries`` random queries, terms drawn from real titles):
substring search on the title, filters (list, agency, issuer, year range), both plus the
sort and first page a table shows — in pandas, and in DuckDB and polars when installed.
When the dashboard's documents page is importable its own server-side functions are timed
on the same registry, and the size of the table payload its callback would send is given.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from etl.dictionary import coerce, datasets
from etl.normalize import format_doc_number

NAME = "normative_documents"
PAGE = 20  # rows a table page shows


def seed_rows() -> pd.DataFrame:
    """The real registry rows, from an in-memory build (nothing is written)."""
    from etl.paths import ROOT
    from etl.pipeline import build
    return build(ROOT).frames[NAME]


def synthetic_registry(n: int, seed: int = 7) -> pd.DataFrame:
    real = seed_rows()
    rng = random.Random(seed)
    records = real.to_dict("records")
    words = sorted({w for t in real["title"].dropna() for w in _words(t)})
    agencies = [a for a in real["implementing_agency"].dropna().unique()]
    out = []
    for k in range(n):
        row = dict(rng.choice(records))
        year = rng.randint(1990, 2040)
        seq = rng.randint(1, 400)
        doc_type = row["doc_type"] if isinstance(row["doc_type"], str) else "连政发"
        title = str(row["title"])
        if words and rng.random() < 0.7:  # swap one real word for another real word
            old = rng.choice(_words(title) or [title[:2]])
            title = title.replace(old, rng.choice(words), 1)
        issued = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        row.update(
            cleanup_doc=f"合成清理〔{2000 + k // 5000}〕{k % 5000 + 1}号",
            seq=k % 500 + 1, title=f"{title}（合成）", title_raw=f"{title}（合成）",
            doc_type=doc_type, doc_year=None if doc_type == "政府令" else year, doc_seq=seq,
            doc_number=format_doc_number(doc_type, None if doc_type == "政府令" else year, seq),
            issued_on=pd.Timestamp(issued),
            list_status=rng.choices(["retained", "repealed"], weights=[3, 1])[0],
            implementing_agency=rng.choice(agencies) if agencies else None,
            needs_revision=rng.random() < 0.15,
            source_issue=f"{2000 + k // 2400}-{k // 100 % 24 + 1:02d}", source_line=k % 2000 + 1,
        )
        row["doc_number_raw"] = row["doc_number"].replace("〔", "(").replace("〕", ")")
        out.append(row)
    spec = datasets()[NAME]
    return coerce(pd.DataFrame(out, columns=spec.column_names), spec)


def _words(title: str) -> list[str]:
    """Two- to four-character pieces of a title, split on its function words."""
    pieces = []
    for part in title.replace("关于", "|").replace("的", "|").replace("和", "|").split("|"):
        part = part.strip("（）()、，")
        if 2 <= len(part) <= 4:
            pieces.append(part)
        elif len(part) > 4:
            pieces.extend(part[i:i + 4] for i in range(0, len(part) - 3, 4))
    return pieces


# --- the queries --------------------------------------------------------------------------

def make_queries(docs: pd.DataFrame, count: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    titles = docs["title"].dropna().tolist()
    agencies = docs["implementing_agency"].dropna().unique().tolist()
    queries = []
    for _ in range(count):
        title = rng.choice(titles)
        start = rng.randrange(max(1, len(title) - 4))
        queries.append({
            "term": title[start:start + rng.randint(2, 4)],
            "list": rng.choice(["retained", "repealed"]),
            "agencies": rng.sample(agencies, k=min(len(agencies), rng.randint(1, 3))),
            "issuer": rng.choice(["市政府", "市政府办公室"]),
            "years": sorted(rng.sample(range(1990, 2041), 2)),
        })
    return queries


def pandas_queries(docs: pd.DataFrame) -> dict[str, Callable[[dict], int]]:
    title = docs["title"]

    def search(q: dict) -> int:
        return int(title.str.contains(q["term"], regex=False).sum())

    def filter_(q: dict) -> int:
        keep = ((docs["list_status"] == q["list"]) & docs["implementing_agency"].isin(q["agencies"])
                & (docs["issuer"] == q["issuer"]) & docs["doc_year"].between(*q["years"]))
        return int(keep.sum())

    def search_filter_page(q: dict) -> int:
        keep = (title.str.contains(q["term"], regex=False) & (docs["list_status"] == q["list"])
                & docs["implementing_agency"].isin(q["agencies"]))
        page = docs[keep].sort_values("issued_on", ascending=False).head(PAGE)
        return len(page)

    return {"search (title substring)": search, "filter (list, agency, issuer, years)": filter_,
            "search + filter + sort + first page": search_filter_page}


def list_queries(docs: pd.DataFrame) -> dict[str, Callable[[dict], int]]:
    """pandas for filters, but the title search as ``term in t`` over a list of the titles
    prepared once per process (CPython's substring search beats Arrow's on CJK text)."""
    titles = docs["title"].fillna("").tolist()
    base = pandas_queries(docs)

    def contains(term: str) -> pd.Series:
        return pd.Series([term in t for t in titles], index=docs.index)

    def search(q: dict) -> int:
        return int(contains(q["term"]).sum())

    def search_filter_page(q: dict) -> int:
        keep = (contains(q["term"]) & (docs["list_status"] == q["list"])
                & docs["implementing_agency"].isin(q["agencies"]))
        return len(docs[keep].sort_values("issued_on", ascending=False).head(PAGE))

    return {"search (title substring)": search,
            "filter (list, agency, issuer, years)": base["filter (list, agency, issuer, years)"],
            "search + filter + sort + first page": search_filter_page}


def duckdb_queries(docs: pd.DataFrame) -> dict[str, Callable[[dict], int]] | None:
    try:
        import duckdb
    except ImportError:
        return None
    con = duckdb.connect()
    con.register("docs_df", docs[["title", "list_status", "implementing_agency", "issuer",
                                  "doc_year", "issued_on"]])
    con.execute("CREATE TABLE docs AS SELECT * FROM docs_df")

    def search(q: dict) -> int:
        return con.execute("SELECT count(*) FROM docs WHERE contains(title, ?)",
                           [q["term"]]).fetchone()[0]

    def filter_(q: dict) -> int:
        return con.execute(
            "SELECT count(*) FROM docs WHERE list_status = ? AND implementing_agency IN "
            "(SELECT unnest(?)) AND issuer = ? AND doc_year BETWEEN ? AND ?",
            [q["list"], q["agencies"], q["issuer"], *q["years"]]).fetchone()[0]

    def search_filter_page(q: dict) -> int:
        return len(con.execute(
            "SELECT * FROM docs WHERE contains(title, ?) AND list_status = ? AND "
            "implementing_agency IN (SELECT unnest(?)) ORDER BY issued_on DESC LIMIT ?",
            [q["term"], q["list"], q["agencies"], PAGE]).fetchall())

    return {"search (title substring)": search, "filter (list, agency, issuer, years)": filter_,
            "search + filter + sort + first page": search_filter_page}


def polars_queries(docs: pd.DataFrame) -> dict[str, Callable[[dict], int]] | None:
    try:
        import polars as pl
    except ImportError:
        return None
    frame = pl.from_pandas(docs[["title", "list_status", "implementing_agency", "issuer",
                                 "doc_year", "issued_on"]].astype(
        {"title": object, "list_status": object, "implementing_agency": object,
         "issuer": object}))

    def search(q: dict) -> int:
        return frame.filter(pl.col("title").str.contains(q["term"], literal=True)).height

    def filter_(q: dict) -> int:
        return frame.filter((pl.col("list_status") == q["list"])
                            & pl.col("implementing_agency").is_in(q["agencies"])
                            & (pl.col("issuer") == q["issuer"])
                            & pl.col("doc_year").is_between(*q["years"])).height

    def search_filter_page(q: dict) -> int:
        return frame.filter(pl.col("title").str.contains(q["term"], literal=True)
                            & (pl.col("list_status") == q["list"])
                            & pl.col("implementing_agency").is_in(q["agencies"])
                            ).sort("issued_on", descending=True).head(PAGE).height

    return {"search (title substring)": search, "filter (list, agency, issuer, years)": filter_,
            "search + filter + sort + first page": search_filter_page}


def timings(function: Callable[[dict], object], queries: list[dict]) -> dict[str, float]:
    function(queries[0])  # warm
    ms = []
    for q in queries:
        started = time.perf_counter()
        function(q)
        ms.append((time.perf_counter() - started) * 1000)
    ms.sort()
    return {"median_ms": statistics.median(ms), "p95_ms": ms[int(0.95 * (len(ms) - 1))],
            "max_ms": ms[-1]}


# --- the dashboard's own server-side code on the same registry ----------------------------

def dashboard_timings(docs: pd.DataFrame, queries: list[dict]) -> dict | None:
    """The documents page's filter + table code (what its callback runs), if importable."""
    try:
        from dashboard import data
        from dashboard.pages import documents as page
    except ImportError:
        return None
    needed = ("filters", "selected", "table_frame", "_docs")
    if not all(hasattr(page, name) for name in needed):
        return None
    original = data.load
    data.reset()  # the page caches what it derives from the registry: start clean
    data.load = lambda name, _real=original: docs if name == NAME else _real(name)
    try:
        ordered = page._docs()
        on = date(2024, 1, 1)
        first_call = None
        if hasattr(page, "screen"):  # the callback's own work: mask, counts, figures, page
            started = time.perf_counter()
            page.screen(page.filters(ordered, [], [], "", on.isoformat(), None), "zh")
            first_call = (time.perf_counter() - started) * 1000  # status arrays of the date

        def callback_work(q: dict) -> int:
            f = page.filters(ordered, [q["list"]], q["agencies"], q["term"], on.isoformat(),
                             None)
            if first_call is not None:
                return len(page.screen(f, "zh").records)
            table, _ = page.table_frame(page.selected(ordered, f), on, "zh")
            return len(table)

        def payload(q: dict | None) -> int:
            f = page.filters(ordered, [q["list"]] if q else [], q["agencies"] if q else [],
                             q["term"] if q else "", on.isoformat(), None)
            table, _ = page.table_frame(page.selected(ordered, f), on, "zh")
            return len(json.dumps(table.to_dict("records"), ensure_ascii=False, default=str))

        figures = {"filter + table (callback work)": timings(callback_work, queries[:50]),
                   "first_call_new_date_ms": first_call}
        figures["payload_all_rows_mb"] = payload(None) / 1e6
        figures["payload_median_query_kb"] = statistics.median(
            payload(q) for q in queries[:20]) / 1e3
        return figures
    finally:
        data.load = original
        data.reset()


def callback_timings(docs: pd.DataFrame, queries: list[dict]) -> dict | None:
    """The documents callback as the browser calls it: a POST to Dash's update endpoint
    (Flask test client, in process), so request checks, the callback and the JSON of its
    answer are all timed — for the bench's queries, and with no filter at all."""
    try:
        from dashboard import data, probe
    except ImportError:
        return None
    original = data.load
    data.reset()
    data.load = lambda name, _real=original: docs if name == NAME else _real(name)
    try:
        from dashboard.app import app
        client = app.server.test_client()
        state = {"rendered.data": ["/documents", "zh"]}

        def call(values: dict) -> int:
            body = probe.body(app, "documents-q", values, state=state)
            response = client.post(probe.UPDATE_PATH, data=json.dumps(body),
                                   content_type="application/json")
            assert response.status_code == 200, response.status_code
            return len(response.get_data())

        def query(q: dict) -> dict:
            return {"documents-q.value": q["term"], "documents-list.value": [q["list"]],
                    "documents-agency.value": q["agencies"],
                    "documents-on.date": "2024-01-01"}

        everything = {"documents-q.value": "", "documents-list.value": [],
                      "documents-agency.value": [], "documents-on.date": "2024-01-01"}
        figures = {"callback (HTTP, filtered)": timings(lambda q: call(query(q)),
                                                        queries[:50]),
                   "callback (HTTP, no filter)": timings(lambda q: call(everything),
                                                         queries[:10]),
                   "response_no_filter_kb": call(everything) / 1e3}
        return figures
    finally:
        data.load = original
        data.reset()


def run(n_docs: int = 100_000, n_queries: int = 200) -> dict:
    started = time.perf_counter()
    docs = synthetic_registry(n_docs)
    figures: dict = {"documents": len(docs), "queries": n_queries,
                     "synth_s": time.perf_counter() - started,
                     "memory_mb": docs.memory_usage(deep=True).sum() / 1e6}
    queries = make_queries(docs, n_queries)
    engines = {"pandas": pandas_queries(docs), "pandas + title list": list_queries(docs),
               "duckdb": duckdb_queries(docs),
               "polars": polars_queries(docs)}
    figures["engines"] = {engine: {name: timings(fn, queries) for name, fn in fns.items()}
                          for engine, fns in engines.items() if fns}
    figures["dashboard"] = dashboard_timings(docs, queries)
    figures["callback"] = callback_timings(docs, queries)
    return figures


def markdown(f: dict) -> str:
    lines = [
        f"Command: `.venv/bin/python -m bench.registry_scale --documents {f['documents']} "
        f"--queries {f['queries']}`",
        "",
        f"{f['documents']:,} synthetic documents ({f['memory_mb']:.0f} MB in pandas; built in "
        f"{f['synth_s']:.1f} s); {f['queries']} random queries. Aim: p95 ≤ 50 ms.",
        "",
        "| engine | query | median | p95 | max |",
        "|---|---|---|---|---|",
    ]
    for engine, queries in f["engines"].items():
        for name, t in queries.items():
            mark = "" if t["p95_ms"] <= 50 else " **over**"
            lines.append(f"| {engine} | {name} | {t['median_ms']:.1f} ms | "
                         f"{t['p95_ms']:.1f} ms{mark} | {t['max_ms']:.1f} ms |")
    dash = f.get("dashboard")
    if dash:
        t = dash["filter + table (callback work)"]
        mark = "" if t["p95_ms"] <= 50 else " **over**"
        what = ("filter + status + table frame" if dash.get("first_call_new_date_ms") is None
                else "callback work: filter, counts, 2 figures, one table page")
        lines.append(f"| dashboard (documents page code) | {what} | "
                     f"{t['median_ms']:.1f} ms | {t['p95_ms']:.1f} ms{mark} | "
                     f"{t['max_ms']:.1f} ms |")
        lines += ["", f"Documents table frame (every filtered row, as the downloads get it): "
                      f"{dash['payload_all_rows_mb']:.1f} MB of JSON with no filter, "
                      f"{dash['payload_median_query_kb']:.0f} kB for the median query."]
        if dash.get("first_call_new_date_ms") is not None:
            lines += ["", "The first call on a status date not seen before also computes the "
                          "status of every row on that date (cached per date after): "
                          f"{dash['first_call_new_date_ms']:.0f} ms."]
    else:
        lines += ["", "The dashboard's documents page was not importable: its callback was "
                      "not timed."]
    cb = f.get("callback")
    if cb:
        lines += ["", "The documents callback end to end (a POST to `/_dash-update-component` "
                      "through Flask's test client: request checks, callback, JSON answer):",
                  "", "| request | median | p95 | max |", "|---|---|---|---|"]
        for name in ("callback (HTTP, filtered)", "callback (HTTP, no filter)"):
            t = cb[name]
            mark = "" if t["p95_ms"] <= 50 else " **over**"
            lines.append(f"| {name[10:-1]} | {t['median_ms']:.1f} ms | {t['p95_ms']:.1f} ms"
                         f"{mark} | {t['max_ms']:.1f} ms |")
        lines += ["", f"Answer with no filter: {cb['response_no_filter_kb']:,.0f} kB."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.registry_scale", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--documents", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=200)
    args = p.parse_args(argv)
    print(markdown(run(args.documents, args.queries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
