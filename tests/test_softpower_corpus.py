"""The bundled corpus: counts, unique ids, complete double coding and gold, languages."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import framing
from framing.corpus import detect_language
from framing.datasets import load_softpower_aid
from framing.reliability import adjudicate

FOLDER = Path(__file__).resolve().parent.parent / "corpus" / "softpower-aid"
FRAMES = framing.load_codebook().frame_ids
VARIABLES = [*FRAMES, "donor", "tone_to_donor", "primary_frame"]


@pytest.fixture(scope="module")
def corpus():
    return load_softpower_aid()


def test_counts_and_fields(corpus):
    a = corpus.articles
    assert len(a) >= 300 and a["id"].is_unique
    counts = a["lang"].value_counts()
    assert counts["en"] >= 150 and counts["it"] >= 75 and counts["ru"] >= 75
    words = a["text"].str.split().str.len()
    assert words.min() >= 150 and words.max() <= 700
    assert a["date"].min() >= pd.Timestamp("2020-02-01")
    assert a["date"].max() <= pd.Timestamp("2021-12-31")
    outlet_types = {"donor_state_media", "recipient_mainstream", "recipient_populist",
                    "international_wire", "western_independent", "eu_institutional",
                    "third_country"}
    assert set(a["outlet_type"]) == outlet_types
    design = pd.read_csv(FOLDER / "design.csv")
    assert sorted(design["id"]) == sorted(a["id"])


def test_every_article_is_double_coded_on_every_variable(corpus):
    ann = corpus.annotations
    assert set(ann["coder"]) == {"A", "B"}
    assert set(ann["round"]) == {"1"}
    assert not ann.duplicated(["unit_id", "coder", "variable", "round"]).any()
    per = ann.groupby(["unit_id", "coder"])["variable"].apply(set)
    for (unit, coder), variables in per.items():
        donor = ann.loc[(ann.unit_id == unit) & (ann.coder == coder)
                        & (ann.variable == "donor"), "value"].item()
        expected = set(VARIABLES) - ({"tone_to_donor"} if donor == "none" else set())
        assert variables == expected, (unit, coder)
    assert per.index.get_level_values(0).nunique() == len(corpus.articles)


def test_gold_is_complete_consistent_and_reproducible(corpus):
    gold = corpus.gold.pivot(index="unit_id", columns="variable", values="value")
    assert len(gold) == len(corpus.articles)
    assert gold[list(FRAMES) + ["donor", "primary_frame"]].notna().all().all()
    for unit, row in gold.iterrows():
        assert row["donor"] == "none" or row["tone_to_donor"] in {"-1", "0", "1"}, unit
        coded = [f for f in FRAMES if row[f] == "1"]
        assert row["primary_frame"] in (coded or ["none"]), unit
    adj = pd.read_csv(FOLDER / "adjudication.csv", dtype=str, keep_default_na=False)
    table = pd.concat([corpus.annotations.drop(columns="round"),
                       adj.assign(coder="adjudicator")[["unit_id", "coder", "variable",
                                                         "value"]]])
    again = adjudicate(table, "adjudicator")
    again = again[again["value"] != "NA"]
    assert again[["unit_id", "variable", "value", "source"]].values.tolist() == (
        corpus.gold.sort_values(["variable", "unit_id"])[["unit_id", "variable", "value",
                                                          "source"]].values.tolist())


def test_languages_are_as_declared(corpus):
    detected = detect_language(corpus.articles["text"].tolist())
    assert detected == corpus.articles["lang"].tolist()


def test_outlets_are_fictional_and_never_named_in_their_own_articles(corpus):
    outlets = pd.read_csv(FOLDER / "outlets.csv")
    assert set(corpus.articles["outlet"]) <= set(outlets["outlet"])
    for row in corpus.articles.itertuples():
        assert row.outlet not in row.text, row.id


def test_jsonl_is_sorted_and_clean():
    lines = (FOLDER / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids == sorted(ids)
