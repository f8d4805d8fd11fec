"""docs/data-dictionary.md is rendered from the dictionary and committed up to date."""

from __future__ import annotations

from etl.dictionary import all_flags, datasets
from etl.docs import DOC_PATH, md, render
from etl.paths import ROOT
from tests.conftest import copy_repo, run_cli


def test_committed_file_equals_a_fresh_render():
    committed = (ROOT / DOC_PATH).read_text(encoding="utf-8")
    assert committed == render(), "stale: run `python -m etl docs` and commit the file"


def test_every_dataset_column_and_flag_is_documented():
    text = render()
    for name, ds in datasets().items():
        assert f'<a id="{name}"></a>' in text and f"](#{name})" in text
        for col in ds.columns:
            assert f"| `{col.name}` | {md(col.zh)} | {md(col.en)} | {col.type} |" in text
    for code, flag in all_flags().items():
        assert f"| `{code}` | {md(flag.zh)} | {md(flag.en)} |" in text
    assert "| `section` | 栏目序号 | Section | integer | required; ≥ 1 |" in text
    assert r"pattern `^\d{4}-\d{2}$`" in text


def test_chinese_beside_english_and_coded_values_with_their_labels():
    text = render()
    for ds in datasets().values():
        section = text.split(f'<a id="{ds.name}"></a>')[1].split("\n## ")[1]
        for col in ds.columns:
            row = next(line for line in section.splitlines()
                       if line.startswith(f"| `{col.name}` | {md(col.zh)} | {md(col.en)} |"))
            assert row.endswith(f"| {md(col.description)} | {md(col.description_zh)} |")
            if col.values:  # a table of the column's values, each with both labels
                table = text.split(f'<a id="values-{ds.name}-{col.name}"></a>')[1]
                for value in col.value_items():
                    assert f"| `{value.code}` | {md(value.zh)} | {md(value.en)} |" in table
    measure = text.split('<a id="values-economic_indicators-measure"></a>')[1].split("<a id")[0]
    assert "| `cumulative_flow` | 期内合计值 | total over the period |" in measure
    assert "| `end_of_period_balance` | 期末余额 | end-of-period balance |" in measure
    counties = text.split('<a id="values-heritage_sites-county"></a>')[1].split("<a id")[0]
    assert "declared in `datasets/reference/counties.csv`" in counties
    assert "| Code · 代码 | 中文 | English |" in counties


def test_markdown_special_characters_are_escaped():
    assert md("a | b\n<script>") == r"a \| b &lt;script&gt;"


def test_cli_writes_and_checks(tmp_path):
    root = copy_repo(tmp_path)
    check = run_cli("--root", str(root), "docs", "--check", cwd=root)
    assert check.returncode == 1 and "stale" in check.stderr  # the copy has no docs/
    wrote = run_cli("--root", str(root), "docs", cwd=root)
    assert wrote.returncode == 0, wrote.stderr
    assert (root / DOC_PATH).read_text(encoding="utf-8") == render()
    assert run_cli("--root", str(root), "docs", "--check", cwd=root).returncode == 0
