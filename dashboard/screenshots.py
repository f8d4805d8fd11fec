"""Screenshots of every page at a desktop (1366×768) and a phone (390×844) viewport.

    .venv/bin/python -m dashboard.screenshots [--out docs/screenshots] [--datasets DIR]

Serves the dashboard on a free loopback port, opens each page in Debian's headless Chromium
once everything is drawn, and writes ``<page>-desktop.png`` and ``<page>-phone.png`` (Chinese)
and ``<page>-en-desktop.png`` and ``<page>-en-phone.png`` (English).
Needs playwright and /usr/bin/chromium (``make chromium``) and CJK fonts on the machine
(Debian: fonts-noto-cjk), or the Chinese text shows as boxes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import probe

STATES = {  # page → the URL shown (a state worth seeing, not only the defaults)
    "overview": "/",
    "economy": "/economy",
    "heritage": "/heritage?site=5-10",
    "documents": "/documents?doc=连政规发〔2014〕7号",
    "chronicle": "/chronicle",
    "quality": "/quality",
    "dictionary": "/dictionary",
}
# file stem → URL: every page in Chinese (``<page>``) and English (``<page>-en``)
VIEWS = {**STATES, **{f"{stem}-en": path + ("&" if "?" in path else "?") + "lang=en"
                      for stem, path in STATES.items()}}
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def take(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=probe.CHROMIUM, args=probe.CHROMIUM_FLAGS)
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            for stem, path in VIEWS.items():
                page.goto(url + path)
                page.wait_for_function(probe.READY_JS, timeout=30_000)
                page.wait_for_timeout(300)  # let plotly finish its transitions
                target = out / f"{stem}-{size}.png"
                page.screenshot(path=target)
                written.append(target)
            context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.screenshots",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=probe.ROOT / "docs" / "screenshots")
    parser.add_argument("--datasets", type=Path, help="a copy of datasets/ to show")
    args = parser.parse_args(argv)
    proc, url = probe.serve(args.datasets)
    try:
        for path in take(url, args.out):
            print(path)
    finally:
        probe.stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
