"""The notebooks run headless on a tiny corpus, twice, with byte-identical tables; the paper
quotes exactly the generated numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.report import execute_notebook, fill_template, merge_numbers

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
TINY = Path(__file__).parent / "fixtures" / "tiny-corpus"


def run_all(results: Path) -> None:
    params = {"FRAMING_CORPUS_DIR": str(TINY), "FRAMING_RESULTS_DIR": str(results),
              "FRAMING_BOOTSTRAP": "50", "FRAMING_SMOKE": "1"}
    for nb in NOTEBOOKS:
        execute_notebook(nb, results / "notebooks" / f"{nb.stem}.ipynb", parameters=params)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("run1"), tmp_path_factory.mktemp("run2")
    run_all(first)
    run_all(second)
    return first, second


def test_every_notebook_writes_tables_and_figures(two_runs):
    first, _ = two_runs
    assert len(NOTEBOOKS) >= 5
    for nb in NOTEBOOKS:
        assert (first / "notebooks" / f"{nb.stem}.ipynb").is_file()
    assert len(list((first / "numbers").glob("*.json"))) == len(NOTEBOOKS)
    tables = sorted(p.name for p in (first / "tables").glob("*.csv"))
    assert "reliability.csv" in tables and "frames_by_outlet_type.csv" in tables
    assert (first / "figures" / "reliability_forest.png").is_file()


def test_two_runs_give_byte_identical_tables(two_runs):
    first, second = two_runs
    a = {p.name: p.read_bytes() for p in (first / "tables").glob("*.csv")}
    b = {p.name: p.read_bytes() for p in (second / "tables").glob("*.csv")}
    assert a.keys() == b.keys() and a == b


def test_the_paper_template_is_fully_filled(two_runs, tmp_path):
    first, _ = two_runs
    numbers = merge_numbers(first)
    out = fill_template(ROOT / "paper" / "paper.template.md", tmp_path / "paper.md", numbers)
    assert "{{" not in out.read_text()


RESULTS = ROOT / "results"


@pytest.mark.skipif(not (RESULTS / "numbers.json").is_file(), reason="make results not run")
def test_committed_paper_matches_committed_results(tmp_path):
    fresh = fill_template(ROOT / "paper" / "paper.template.md", tmp_path / "paper.md",
                          RESULTS / "numbers.json")
    assert (ROOT / "paper" / "paper.md").read_text() == fresh.read_text()
    values = json.loads((RESULTS / "numbers.json").read_text())
    assert values["corpus_n_articles"] >= 300


def test_case_study_without_data_says_so_and_leaves_no_stale_results(tmp_path):
    results = tmp_path / "results"
    stale = results / "tables" / "euvs_frames_overall.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("old\n")
    params = {"FRAMING_CORPUS_DIR": str(TINY), "FRAMING_RESULTS_DIR": str(results),
              "FRAMING_DATA_HOME": str(tmp_path / "no-data"), "FRAMING_SMOKE": "1"}
    nb = ROOT / "notebooks" / "06_euvsdisinfo.py"
    execute_notebook(nb, results / "06.ipynb", parameters=params)
    numbers = json.loads((results / "numbers" / "06_euvsdisinfo.json").read_text())
    assert set(numbers.values()) == {"n/a"} and "euvs_n_cases" in numbers
    assert not stale.exists()
