"""Session fixtures: the two seed gazettes typeset as real PDFs (tests/typeset.py).

A pytest plugin (registered in tests/conftest.py with ``pytest_plugins``). Each fixture maps
issue id → PDF path, printed once per session into a temporary directory; generated PDFs are
never committed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.paths import ROOT

SEEDS = {
    "2018-16": ROOT / "datasets" / "raw" / "lianyungang-gazette-2018-16.md",
    "2022-10": ROOT / "datasets" / "raw" / "lianyungang-gazette-2022-10.md",
}


def typeset_seeds(out_dir: Path, paper: str) -> dict[str, Path]:
    from tests.typeset import CHROMIUM, typeset
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make chromium)")
    return {issue_id: typeset(path.read_text(encoding="utf-8"),
                              out_dir / f"{path.stem}-{paper}.pdf", paper)
            for issue_id, path in SEEDS.items()}


@pytest.fixture(scope="session")
def seed_pdf_a4(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{"2018-16": PDF, "2022-10": PDF} printed on A4."""
    return typeset_seeds(tmp_path_factory.mktemp("seed-pdf-a4"), "A4")


@pytest.fixture(scope="session")
def seed_pdf_b5(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{"2018-16": PDF, "2022-10": PDF} printed on B5."""
    return typeset_seeds(tmp_path_factory.mktemp("seed-pdf-b5"), "B5")
