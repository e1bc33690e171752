"""``framing corpus check`` and ``framing corpus convert``."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.corpus import read_corpus

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"


def run(*args: str):
    return CliRunner().invoke(main, ["corpus", *args])


def test_check_prints_counts_by_language_outlet_and_month():
    result = run("check", str(FIXTURES / "articles.csv"), "--no-detect-lang")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(
        "articles.csv (csv): 4 records kept, 0 rejected, 0 with empty text, "
        "0 languages detected")
    for expected in (
        "by language (of 4 non-empty texts):",
        "  en                                     3   75.0%",
        "  it                                     1   25.0%",
        "  TASS                                   2   50.0%",
        "  2020-03                                4  100.0%",
        "  exact duplicates: 0 of 4 non-empty texts",
        "  near-duplicate clusters: 0 (0 texts)",
        "problems: 0",
    ):
        assert expected in lines


def test_check_lists_problems_and_exits_1():
    result = run("check", str(FIXTURES / "dup-ids.csv"), "--no-near-dups")
    assert result.exit_code == 1
    assert result.output.splitlines()[-2:] == [
        "problems: 1",
        "  dup-ids.csv, line 4, field id: duplicate id 'd1' (first at dup-ids.csv line 2)",
    ]


def test_check_unreadable_input_exits_2_with_the_message():
    result = run("check", str(FIXTURES / "no-text-col.csv"))
    assert result.exit_code == 2
    assert "no-text-col.csv, line 1, field text: no text column" in result.output
    assert "Traceback" not in result.output


def test_check_column_mapping():
    result = run("check", str(FIXTURES / "no-text-col.csv"), "--text-col", "body",
                 "--no-detect-lang")
    assert result.exit_code == 0
    assert "problems: 0" in result.output


def test_convert_round_trips_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "articles.parquet"
    result = run("convert", str(FIXTURES / "articles.csv"), "-o", str(out), "--no-detect-lang")
    assert result.exit_code == 0, result.output
    expected = read_corpus(FIXTURES / "articles.csv", languages=None)
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected)
    again = run("convert", str(FIXTURES / "articles.csv"), "-o", str(out))
    assert again.exit_code == 2
    assert "exists; refusing to overwrite" in again.output


def test_convert_strict_fails_and_lenient_writes_rejects(tmp_path):
    out = tmp_path / "ids.csv"
    strict = run("convert", str(FIXTURES / "dup-ids.csv"), "-o", str(out))
    assert strict.exit_code == 2
    assert not out.exists()
    lenient = run("convert", str(FIXTURES / "dup-ids.csv"), "-o", str(out), "--lenient",
                  "--no-detect-lang")
    assert lenient.exit_code == 0, lenient.output
    assert pd.read_csv(out)["id"].tolist() == ["d1", "d2"]
    rejects = pd.read_csv(tmp_path / "ids.rejects.csv", keep_default_na=False)
    assert rejects.to_dict("records") == [{
        "source": "dup-ids.csv", "line": 4, "field": "id",
        "reason": "duplicate id 'd1' (first at dup-ids.csv line 2)", "raw": "d1,third text",
    }]


DATA = os.environ.get("FRAMING_DATA_HOME")


@pytest.mark.skipif(
    not DATA or not (Path(DATA) / "euvsdisinfo" / "posts.csv").is_file(),
    reason="FRAMING_DATA_HOME with euvsdisinfo/posts.csv not available",
)
def test_check_euvsdisinfo_report():
    result = run("check", str(Path(DATA) / "euvsdisinfo" / "posts.csv"))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].endswith("(euvsdisinfo): 10892 records kept, 0 rejected, 0 with empty "
                             "text, 0 languages detected")
    assert "  en                                 10892  100.0%" in lines
    assert "  exact duplicates: 251 of 10892 non-empty texts" in lines
    assert "  near-duplicate clusters: 260 (586 texts)" in lines
