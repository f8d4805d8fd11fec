"""``python -m bench``: run every benchmark and write its figures into bench/RESULTS.md.

    .venv/bin/python -m bench            # all of them (a few minutes), RESULTS.md updated
    .venv/bin/python -m bench --quick    # small sizes, printed only (a smoke run)
    .venv/bin/python -m bench etl        # only some: etl, registry, load, pages, pdf, slow

Each benchmark owns a section of RESULTS.md between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->``; the prose around the sections is written by hand and kept.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"_{time.strftime('%Y-%m-%d')}, {platform.python_implementation()} "
            f"{platform.python_version()}, {os.cpu_count()} cores, load average at start "
            f"{load}._")


def _etl(quick: bool) -> str:
    from bench import etl_scale
    issues, repeat = (60, 1) if quick else (1000, 3)
    return etl_scale.markdown(etl_scale.run(issues, repeat, 2, with_profile=not quick))


def _registry(quick: bool) -> str:
    from bench import registry_scale
    n, queries = (10_000, 30) if quick else (100_000, 200)
    return registry_scale.markdown(registry_scale.run(n, queries))


def _load(quick: bool) -> str:
    try:
        from bench import dashboard_load
    except ImportError as exc:
        return f"Not run: {exc}."
    return dashboard_load.markdown(dashboard_load.run(quick=quick))


def _pages(quick: bool) -> str:
    from bench import page_load
    runs, calls = (2, 5) if quick else (7, 40)
    return page_load.run(runs, calls, "dev", None, None)


def _pdf(quick: bool) -> str:
    from bench import pdf_read
    return pdf_read.markdown(pdf_read.run(repeat=2 if quick else 7, with_plumber=not quick))


def _slow(quick: bool) -> str:
    from bench import slow_clients
    return slow_clients.run(slow=50 if quick else 200, n=5 if quick else 40)


BENCHMARKS = {"etl": _etl, "registry": _registry, "load": _load, "pages": _pages,
              "pdf": _pdf, "slow": _slow}


def update(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", re.S)
    if not pattern.search(text):
        return text + f"\n<!-- bench:{name} -->\n{body}\n<!-- /bench:{name} -->\n"
    return pattern.sub(lambda m: f"{m[1]}{body}\n{m[2]}", text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="*", help=f"some of {', '.join(BENCHMARKS)} (default: all)")
    p.add_argument("--quick", action="store_true", help="small sizes; RESULTS.md untouched")
    args = p.parse_args(argv)
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    names = args.names or list(BENCHMARKS)
    for name in names:
        started = time.perf_counter()
        print(f"== {name}", file=sys.stderr, flush=True)
        body = f"{_machine()}\n\n{BENCHMARKS[name](args.quick)}"
        print(body + "\n")
        print(f"== {name} done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if not args.quick:
            RESULTS.write_text(update(RESULTS.read_text(encoding="utf-8"), name, body),
                               encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
