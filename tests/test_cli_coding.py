"""The coding commands: framing code, kwic and codebook."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from framing.cli import main

MINI = str(Path(__file__).parent / "fixtures" / "mini-codebook.yaml")
ROWS = [
    {"id": "en1", "lang": "en", "text": "From Russia with love: the army sent Il-76 planes."},
    {"id": "it1", "lang": "it", "text": "Dall'Europa nessun regalo; l'esercito sì."},
    {"id": "ru1", "lang": "ru", "text": "Это не подарок: военные самолёты."},
]


@pytest.fixture
def corpus_csv(tmp_path):
    path = tmp_path / "in.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_code_writes_frames_and_spans(tmp_path, corpus_csv, suffix):
    src = corpus_csv
    if suffix != ".csv":
        src = tmp_path / f"in{suffix}"
        df = pd.DataFrame(ROWS)
        if suffix == ".jsonl":
            df.to_json(src, orient="records", lines=True, force_ascii=False)
        else:
            df.to_parquet(src)
    out, spans = tmp_path / f"out{suffix}", tmp_path / "spans.csv"
    result = run("code", src, "-o", out, "--codebook", MINI, "--spans", spans, "--chunksize", 2)
    assert result.exit_code == 0, result.output
    coded = {".csv": pd.read_csv, ".parquet": pd.read_parquet,
             ".jsonl": lambda p: pd.read_json(p, lines=True)}[suffix](out)
    assert coded["id"].tolist() == ["en1", "it1", "ru1"]
    assert coded[["love", "army", "love_count", "army_count"]].values.tolist() == [
        [1, 1, 1, 2], [1, 1, 2, 1], [0, 1, 0, 1],
    ]
    ev = pd.read_csv(spans)
    assert ev[["id", "frame", "match", "negated"]].values.tolist() == [
        ["en1", "love", "From Russia with love", False],
        ["en1", "army", "army", False],
        ["en1", "army", "Il-76", False],
        ["it1", "love", "Dall'Europa", False],
        ["it1", "love", "regalo", False],
        ["it1", "army", "esercito", False],
        ["ru1", "love", "подарок", True],
        ["ru1", "army", "военные самолёты", False],
    ]


def test_code_refuses_to_overwrite(tmp_path, corpus_csv):
    out = tmp_path / "out.csv"
    out.write_text("my annotations\n")
    result = run("code", corpus_csv, "-o", out, "--codebook", MINI)
    assert result.exit_code == 1
    assert "exists; refusing to overwrite it" in result.output
    assert out.read_text() == "my annotations\n"
    assert run("code", corpus_csv, "-o", out, "--codebook", MINI, "--force").exit_code == 0
    assert out.read_text().startswith("id,n_tokens,love,army")


def test_code_bad_input_leaves_no_output(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,lang,body\n1,en,army\n")
    out = tmp_path / "out.csv"
    result = run("code", src, "-o", out, "--codebook", MINI)
    assert result.exit_code == 1
    assert "no column 'text'" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]


def test_code_needs_a_language(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,text\n1,army\n")
    result = run("code", src, "-o", tmp_path / "o.csv", "--codebook", MINI)
    assert "no language for some documents: give --lang" in result.output
    assert run("code", src, "-o", tmp_path / "o.csv", "--codebook", MINI,
               "--lang", "en").exit_code == 0


def test_na_text_is_text(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,lang,text\n1,en,NA\n2,en,null\n")
    assert run("code", src, "-o", tmp_path / "o.jsonl", "--codebook", MINI).exit_code == 0
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert [(r["id"], r["n_tokens"]) for r in rows] == [("1", 1), ("2", 1)]


def test_kwic_and_codebook_commands(corpus_csv):
    result = run("kwic", corpus_csv, "--codebook", MINI, "--frame", "army", "-w", "8")
    assert result.exit_code == 0
    first = result.output.splitlines()[0]
    assert first == "       en1  army                   ve: the [army] sent Il"
    result = run("codebook", "check", MINI)
    assert result.output.strip() == "ok: mini 0.1, 2 frames, patterns en: 10, it: 7, ru: 7"
    result = run("codebook", "show", MINI, "--frame", "army")
    assert result.output.startswith("army: Army\n\nMilitary involvement.\n")
    assert "lexicon [ru]: арми*; военн* самолет*; минобороны" in result.output
    result = run("codebook", "show", "softpower-aid")
    assert result.exit_code == 0 and "goodwill_branding" in result.output


def test_codebook_check_names_the_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(MINI).read_text().replace("minobor", "").replace(
        "[арми*, военн* самолет*, минобороны]", "[арми*, 're:(']"))
    result = run("codebook", "check", bad)
    assert result.exit_code == 1
    assert "frame 'army', lexicon, language 'ru', pattern 're:(': invalid regular" in result.output
