"""The notebooks run top to bottom on a fresh build, are stored without outputs, and show
real values (so they never rot)."""

from __future__ import annotations

import json
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from etl.paths import ROOT

NOTEBOOKS = ROOT / "notebooks"
ALL = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
# text each notebook's outputs must contain: real values from the real gazettes (or, for a
# dataset not built yet, the notebook saying so)
EXPECTED = {
    "quickstart.ipynb": {None: ["economic_indicators", "主要经济指标", "cumulative_flow",
                                "比上年同期增长"],
                         "document_events": ["连政规发〔2014〕7号 on 2023-01-01: repealed"],
                         "normative_documents": ["市人社局"],
                         "heritage_sites": ["sites spanning several counties (no county): 1"]},
    "economy.ipynb": {None: ["规模以上工业增加值 -6.3% (issue 2018-16, line 1318)",
                             "进出口总额 +19.6%: 出口额 contributes +5.2 pp"]},
    "documents.ipynb": {"normative_documents": ["市水利局", "连政发〔1998〕197号"],
                        "document_events": ["are still waiting for their revision"]},
    "heritage.ipynb": {"heritage_sites": ["23 sites; levels: {'市级': 23", "海州区: 秦汉 1",
                                          "counts agree: True (23 sites)"]},
}


def expected_text(name: str, build) -> list[str]:
    out = []
    for dataset, texts in EXPECTED[name].items():
        if dataset is None or (dataset in build.frames and len(build.frames[dataset])):
            out += texts
        else:
            out.append(f"{dataset} is not published yet")
    return out


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory, build, monkeypatch_module):
    """A python3 kernelspec of this interpreter (a fresh venv's own spec says just
    "python", which may not be this one), and the build's files as the datasets."""
    base = tmp_path_factory.mktemp("jupyter")
    spec = base / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (lyg-data venv)", "language": "python"}), encoding="utf-8")
    data = tmp_path_factory.mktemp("datasets")
    for name, content in build.outputs().items():
        if name.endswith((".csv", ".parquet")):
            (data / name).write_bytes(content)
    monkeypatch_module.setenv("JUPYTER_PATH", str(base))  # searched before any other spec
    monkeypatch_module.setenv("LYG_DATASETS_DIR", str(data))
    monkeypatch_module.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return data


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_every_family_has_a_notebook():
    assert set(EXPECTED) == set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, name


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL)
def test_notebook_runs_and_shows_real_values(name, kernel_env, build):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    text = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", (name, output)
            if output.output_type == "stream":
                text.append(output.text)
            for mime in ("text/plain", "text/html"):
                text.append(str(output.get("data", {}).get(mime, "")))
    shown = "\n".join(text)
    for expected in expected_text(name, build):
        assert expected in shown, (name, expected)
