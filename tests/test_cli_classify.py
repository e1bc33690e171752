"""``framing train``, ``framing predict`` and ``framing evaluate``."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import framing.cli.classify  # noqa: F401  (registers the commands until framing.cli lists it)
from framing.cli import main

AID = ["Russia sent doctors and ventilators to Bergamo",
       "Ventilators and masks arrived with military doctors",
       "Cuban doctors landed with ventilators",
       "China shipped masks and ventilators",
       "More ventilators and doctors for Lombardy",
       "Doctors and ventilators were flown in"]
EU = ["The EU abandoned Italy, solidarity does not exist",
      "Italy was left alone by Brussels and the EU",
      "Brussels abandoned Rome in the crisis",
      "The EU left Italy alone, no solidarity",
      "Europe abandoned Italy to its fate",
      "No European solidarity: Italy left alone"]


@pytest.fixture()
def files(tmp_path):
    texts = AID + EU
    ids = [f"d{i:02d}" for i in range(len(texts))]
    corpus = pd.DataFrame({"id": ids, "title": [t.split()[0] for t in texts], "text": texts,
                           "lang": "en", "outlet": [f"o{i % 4}" for i in range(len(texts))]})
    corpus.to_csv(tmp_path / "corpus.csv", index=False)
    aid = [1] * 6 + [0] * 6
    wide = pd.DataFrame({"id": ids, "humanitarian_aid": aid,
                         "eu_solidarity_failure": [1 - a for a in aid]})
    wide.to_csv(tmp_path / "gold.csv", index=False)
    long = wide.melt(id_vars="id", var_name="variable", value_name="value").rename(
        columns={"id": "unit_id"})
    long = pd.concat([long.assign(coder="gold"), long.assign(coder="A", value=0)])
    long = pd.concat([long, pd.DataFrame({"unit_id": ids, "variable": "donor",
                                          "value": "russia", "coder": "gold"})])
    long.to_csv(tmp_path / "gold-long.csv", index=False)
    new = pd.DataFrame({"id": ["n1", "n2"], "text": ["ventilators and doctors arrived",
                                                     "the EU abandoned Italy"], "lang": "en"})
    new.to_csv(tmp_path / "new.csv", index=False)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_train_predict_evaluate(files):
    model = files / "model.skops"
    result = run("train", files / "corpus.csv", files / "gold.csv", "-o", model,
                 "--cv", 2, "--group-by", "outlet")
    assert result.exit_code == 0, result.output
    card = json.loads((files / "model.card.json").read_text())
    assert card["frames"] == ["humanitarian_aid", "eu_solidarity_failure"]
    assert card["n_documents"] == 12
    assert card["training_data"] == ("12 documents of corpus.csv coded in gold.csv; "
                                     "folds grouped by outlet")
    assert [row["frame"] for row in card["metrics"]] == [
        "humanitarian_aid", "eu_solidarity_failure", "micro", "macro"]
    assert [row["support"] for row in card["metrics"]] == [6, 6, 12, 12]

    result = run("predict", model, files / "new.csv", "-o", files / "pred.csv", "--proba")
    assert result.exit_code == 0, result.output
    pred = pd.read_csv(files / "pred.csv")
    assert pred.columns.tolist() == ["id", "humanitarian_aid", "eu_solidarity_failure",
                                     "humanitarian_aid_p", "eu_solidarity_failure_p"]
    assert pred[["id", "humanitarian_aid", "eu_solidarity_failure"]].to_numpy().tolist() == [
        ["n1", 1, 0], ["n2", 0, 1]]

    result = run("predict", model, files / "corpus.csv", "-o", files / "self.csv")
    assert result.exit_code == 0, result.output
    result = run("evaluate", files / "self.csv", files / "gold.csv", "-o", files / "ev.csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(files / "ev.csv")
    assert table["frame"].tolist() == ["humanitarian_aid", "eu_solidarity_failure", "micro",
                                       "macro"]
    assert table["f1"].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert table["alpha"].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert "humanitarian_aid" in result.output


def test_train_with_long_gold_and_evaluate_against_it(files):
    model = files / "m.skops"
    result = run("train", files / "corpus.csv", files / "gold-long.csv", "-o", model, "--cv", 0)
    assert result.exit_code == 0, result.output
    card = json.loads((files / "m.card.json").read_text())
    assert card["frames"] == ["eu_solidarity_failure", "humanitarian_aid"]   # donor skipped
    assert card["metrics"] is None
    pred = files / "p.csv"
    pd.DataFrame({"id": [f"d{i:02d}" for i in range(12)], "humanitarian_aid": [1] * 12,
                  "eu_solidarity_failure": [0] * 12}).to_csv(pred, index=False)
    result = run("evaluate", pred, files / "gold-long.csv", "--frames", "humanitarian_aid")
    assert result.exit_code == 0, result.output
    # every document coded aid: P 6/12, R 1, F1 2/3
    assert "0.6667" in result.output and "eu_solidarity_failure" not in result.output


def test_errors_exit_with_code_2(files):
    model = files / "model.skops"
    assert run("train", files / "corpus.csv", files / "gold.csv", "-o", model,
               "--cv", 0).exit_code == 0
    again = run("train", files / "corpus.csv", files / "gold.csv", "-o", model, "--cv", 0)
    assert again.exit_code == 2 and "refusing to overwrite" in again.output
    bad_gold = files / "bad.csv"
    pd.DataFrame({"id": ["zz"], "humanitarian_aid": [1]}).to_csv(bad_gold, index=False)
    unknown = run("train", files / "corpus.csv", bad_gold, "-o", files / "x.skops")
    assert unknown.exit_code == 2 and "1 coded unit(s) not in the corpus" in unknown.output
    grouped = run("train", files / "corpus.csv", files / "gold.csv", "-o", files / "y.skops",
                  "--group-by", "desk")
    assert grouped.exit_code == 2 and "no column 'desk' to group by" in grouped.output
    partial = files / "partial.csv"
    pd.DataFrame({"id": ["d00"], "humanitarian_aid": [1],
                  "eu_solidarity_failure": [0]}).to_csv(partial, index=False)
    missing = run("evaluate", partial, files / "gold.csv")
    assert missing.exit_code == 2 and "11 gold unit(s) not coded" in missing.output
    gaps = files / "gaps.csv"
    pd.DataFrame({"unit_id": ["d00", "d01", "d00"], "variable": ["aid", "aid", "eu"],
                  "value": ["1", "0", "1"]}).to_csv(gaps, index=False)
    gap = run("train", files / "corpus.csv", gaps, "-o", files / "z.skops")
    assert gap.exit_code == 2 and "field eu: unit d01: no code" in gap.output
    foreign = files / "foreign.skops"
    foreign.write_bytes(b"junk")
    refused = run("predict", foreign, files / "new.csv", "-o", files / "o.csv")
    assert refused.exit_code == 2 and "not a skops model file" in refused.output
