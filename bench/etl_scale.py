"""The ETL at scale: synthetic issues through the reader and every extractor.

    .venv/bin/python -m bench.etl_scale [--issues 1000] [--repeat 3] [--workers 2] [--profile]

Per run, in one process (medians of ``--repeat`` runs):
- the bare pass: read bytes, decode UTF-8, split lines — the floor no parser can beat;
- the ETL single-process: ``read_issue`` + ``etl.pipeline.extract_issue`` (every extractor);
- the same over a process pool (workers started and warmed before the clock starts; the
  extractions travel back to the parent, as a parallel build would need them).
Then, each in a fresh process so its peak RSS is its own: memory of a streaming run (rows
kept, issues dropped) and of a ``pipeline.build``-like run (every Issue kept) followed by the
cross-issue ``assemble`` (combine, type, validate) and rendering every published file.
``--profile`` writes a pyinstrument profile of the single-process ETL to bench/profile_etl.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.synth import write_issues
from etl.extractors import Context, Extraction
from etl.paths import REFERENCE_DIR
from etl.pipeline import extract_issue
from etl.read import read_issue

HERE = Path(__file__).resolve().parent
WORKBOOK_ISSUES = 50
CTX = Context(reference_dir=REFERENCE_DIR)


def bare_pass(paths: list[Path]) -> int:
    lines = 0
    for path in paths:
        lines += len(path.read_bytes().decode("utf-8").split("\n"))
    return lines


def etl_issue(path: Path) -> dict[str, Extraction]:
    return extract_issue(read_issue(path), CTX)


def etl_serial(paths: list[Path]) -> int:
    return sum(len(rows) for p in paths for ex in etl_issue(p).values()
               for rows in ex.rows.values())


def etl_count(path: Path) -> int:
    """The same work, but only a row count travels back: the ceiling of the pool's speed-up."""
    return sum(len(rows) for ex in etl_issue(path).values() for rows in ex.rows.values())


def _warm() -> None:
    etl_issue(Path(os.environ["BENCH_WARM_ISSUE"]))


def etl_pool(pool: ProcessPoolExecutor, paths: list[Path]) -> int:
    chunk = max(1, len(paths) // (pool._max_workers * 8))
    return sum(len(rows) for found in pool.map(etl_issue, paths, chunksize=chunk)
               for ex in found.values() for rows in ex.rows.values())


def etl_pool_counts(pool: ProcessPoolExecutor, paths: list[Path]) -> int:
    chunk = max(1, len(paths) // (pool._max_workers * 8))
    return sum(pool.map(etl_count, paths, chunksize=chunk))


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def median_runs(repeat: int, function, *args) -> tuple[float, list[float], object]:
    runs, result = [], None
    for _ in range(repeat):
        seconds, result = timed(function, *args)
        runs.append(seconds)
    return statistics.median(runs), runs, result


# --- memory, in a fresh process -------------------------------------------------------------

def memory_probe(directory: Path, mode: str) -> dict:
    """Run in a child: peak RSS of a streaming run or of a build-like run (+ assemble, render)."""
    paths = sorted(directory.glob("synthetic-*.md"))
    figures: dict = {"mode": mode, "issues": len(paths)}
    etl_issue(paths[0])  # imports and reference tables first: they are not per issue
    tracemalloc.start()
    etl_issue(paths[1 % len(paths)])
    figures["one_issue_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    per_issue, issues = [], []
    started = time.perf_counter()
    for path in paths:
        issue = read_issue(path)
        per_issue.append(extract_issue(issue, CTX))
        if mode == "build":
            issues.append(issue)  # pipeline.build keeps every Issue (lines included)
    figures["extract_s"] = time.perf_counter() - started
    figures["rows"] = sum(len(r) for f in per_issue for ex in f.values() for r in ex.rows.values())
    if mode == "build":
        from datetime import date

        from etl.dictionary import datasets
        from etl.pipeline import assemble
        from etl.publish import csv_bytes, parquet_bytes
        from etl.workbook import workbook_bytes
        figures["assemble_s"], frames = timed(assemble, per_issue, CTX)
        figures["dataset_rows"] = {name: len(frame) for name, frame in frames.items()}
        specs = datasets()
        started, size = time.perf_counter(), 0
        for name, frame in frames.items():
            size += len(csv_bytes(frame, specs[name])) + len(parquet_bytes(frame, specs[name]))
        figures["csv_parquet_s"] = time.perf_counter() - started
        figures["csv_parquet_mb"] = size / 1e6
        # The workbook is rendered for the first WORKBOOK_ISSUES issues only (it is the slow
        # part); its rate in rows per second is what extrapolates.
        first = {f"{path.stem[10:]}" for path in paths[:WORKBOOK_ISSUES]}
        some = {name: frame[frame["source_issue"].isin(first)] if "source_issue" in frame
                else frame for name, frame in frames.items()}
        figures["workbook_rows"] = sum(len(frame) for frame in some.values())
        figures["workbook_issues"] = min(WORKBOOK_ISSUES, len(paths))
        figures["workbook_s"], _ = timed(workbook_bytes, some, [specs[n] for n in some],
                                         date(2041, 12, 31), [])
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def _probe_in_child(directory: Path, mode: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "bench.etl_scale", "--memory-probe",
                             str(directory), mode], capture_output=True, text=True,
                            cwd=HERE.parent)
    if result.returncode != 0:
        raise RuntimeError(f"memory probe ({mode}) failed: {result.stderr[-1500:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- profile --------------------------------------------------------------------------------

def profile(paths: list[Path], target: Path) -> str:
    from pyinstrument import Profiler
    profiler = Profiler(interval=0.0005)
    profiler.start()
    etl_serial(paths)
    profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    target.write_text(f"# pyinstrument profile of the single-process ETL over {len(paths)} "
                      f"synthetic issues\n# command: .venv/bin/python -m bench.etl_scale "
                      f"--profile\n\n{text}", encoding="utf-8")
    return text


def per_step(paths: list[Path]) -> dict[str, float]:
    """Milliseconds per issue of each step: read, then each extractor."""
    from etl import extractors
    steps: dict[str, float] = {"read_issue": 0.0}
    issues = []
    started = time.perf_counter()
    for path in paths:
        issues.append(read_issue(path))
    steps["read_issue"] = time.perf_counter() - started
    for module in extractors.modules():
        started = time.perf_counter()
        for issue in issues:
            module.extract(issue, CTX)
        steps[module.__name__.rsplit(".", 1)[-1]] = time.perf_counter() - started
    return {name: seconds / len(paths) * 1000 for name, seconds in steps.items()}


# --- the benchmark ----------------------------------------------------------------------------

def run(issues: int = 1000, repeat: int = 3, workers: int = 2, with_profile: bool = False,
        directory: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="lyg-synthetic-") as tmp:
        where = Path(directory or tmp)
        started = time.perf_counter()
        paths = write_issues(where, issues)
        figures: dict = {"issues": issues, "repeat": repeat, "workers": workers,
                         "cores": os.cpu_count(), "synth_s": time.perf_counter() - started,
                         "megabytes": sum(p.stat().st_size for p in paths) / 1e6}
        etl_serial(paths[:5])  # imports, reference tables, regex caches
        bare_pass(paths)  # page cache
        figures["bare_s"], figures["bare_runs"], figures["lines"] = median_runs(
            repeat, bare_pass, paths)
        cpu = time.process_time()
        figures["serial_s"], figures["serial_runs"], figures["rows"] = median_runs(
            repeat, etl_serial, paths)
        figures["serial_cpu_s"] = (time.process_time() - cpu) / repeat  # mean CPU per run
        os.environ["BENCH_WARM_ISSUE"] = str(paths[0])
        with ProcessPoolExecutor(workers, initializer=_warm) as pool:
            list(pool.map(etl_issue, paths[:workers * 2]))  # every worker started and warm
            figures["pool_s"], figures["pool_runs"], pool_rows = median_runs(
                repeat, etl_pool, pool, paths)
            figures["pool_counts_s"], _, _ = median_runs(repeat, etl_pool_counts, pool, paths)
        assert pool_rows == figures["rows"], "the pool must find what the serial run finds"
        figures["steps_ms"] = per_step(paths[:200])
        figures["memory"] = [_probe_in_child(where, "stream"), _probe_in_child(where, "build")]
        if with_profile:
            profile(paths[:200], HERE / "profile_etl.txt")
    return figures


def markdown(f: dict) -> str:
    per_core = f["issues"] / f["serial_s"]
    speedup = f["serial_s"] / f["pool_s"]
    ratio = f["serial_s"] / f["bare_s"]
    stream, build = f["memory"]
    ok = {True: "met", False: "**missed**"}
    steps = " · ".join(f"{name} {ms:.2f}" for name, ms in f["steps_ms"].items())
    rows = ", ".join(f"{k} {v:,}" for k, v in build["dataset_rows"].items())
    rate = build["workbook_rows"] / build["workbook_s"]
    lines = [
        f"Command: `.venv/bin/python -m bench.etl_scale --issues {f['issues']} --repeat "
        f"{f['repeat']} --workers {f['workers']}` (medians of {f['repeat']} runs in one "
        f"process; {f['cores']} cores)",
        "",
        f"{f['issues']:,} synthetic issues, {f['megabytes']:.0f} MB, {f['lines']:,} lines, "
        f"{f['rows']:,} extracted rows (generated in {f['synth_s']:.1f} s).",
        "",
        "| measure | figure | aim | |",
        "|---|---|---|---|",
        f"| issues/s per core (single process) | {per_core:.1f} "
        f"({f['issues'] / f['serial_cpu_s']:.1f} per CPU-second) | ≥ 50 | {ok[per_core >= 50]} |",
        f"| ETL time ÷ bare read-and-split pass | {ratio:.1f}× "
        f"({f['serial_s']:.2f} s ÷ {f['bare_s']:.3f} s) | ≤ 10× | {ok[ratio <= 10]} |",
        f"| speed-up on {f['workers']} workers, extracted rows sent back to the parent | "
        f"{speedup:.2f}× ({f['issues'] / f['pool_s']:.1f} issues/s) | ≥ 1.7× | "
        f"{ok[speedup >= 1.7]} |",
        f"| speed-up on {f['workers']} workers, only row counts sent back | "
        f"{f['serial_s'] / f['pool_counts_s']:.2f}× | | |",
        f"| peak RSS, streaming (rows kept) | {stream['peak_rss_mb']:.0f} MB | | |",
        f"| peak RSS, build-like (issues kept) + assemble + render | "
        f"{build['peak_rss_mb']:.0f} MB | | |",
        f"| Python allocations for one issue (tracemalloc peak) | "
        f"{stream['one_issue_peak_mb']:.1f} MB | | |",
        "",
        f"Runs (s): serial {', '.join(f'{s:.2f}' for s in f['serial_runs'])}; pool "
        f"{', '.join(f'{s:.2f}' for s in f['pool_runs'])}; bare "
        f"{', '.join(f'{s:.3f}' for s in f['bare_runs'])}. On a shared machine the pool's "
        "speed-up is the figure other processes disturb most (its two workers need both "
        "cores); the load average at the start is in the first line.",
        "",
        f"Milliseconds per issue by step (first 200 issues): {steps}.",
        "",
        f"Cross-issue steps on all {f['issues']:,} issues: assemble (combine, type, validate) "
        f"{build['assemble_s']:.1f} s; CSV + Parquet of every dataset "
        f"{build['csv_parquet_s']:.1f} s ({build['csv_parquet_mb']:.0f} MB). Dataset rows: "
        f"{rows}. The XLSX workbook for the first {build['workbook_issues']} issues "
        f"({build['workbook_rows']:,} rows) took {build['workbook_s']:.1f} s — "
        f"{rate:,.0f} rows/s, so about {sum(build['dataset_rows'].values()) / rate / 60:.0f} "
        f"min for all {f['issues']:,} issues.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.etl_scale", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--issues", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--json", type=Path, help="also write the raw figures here")
    p.add_argument("--memory-probe", nargs=2, metavar=("DIR", "MODE"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.memory_probe:
        print(json.dumps(memory_probe(Path(args.memory_probe[0]), args.memory_probe[1])))
        return 0
    figures = run(args.issues, args.repeat, args.workers, args.profile)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print(markdown(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
