"""Tidy analysis tables and their figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from framing.analysis import (
    composition,
    cooccurrence,
    explode_multi,
    frame_logit,
    monthly,
    prevalence,
    wilson_interval,
)
from framing.errors import FramingError

DOCS = pd.DataFrame({
    "outlet_type": ["state", "state", "state", "wire", "wire", "wire", "wire", "wire"],
    "date": ["2020-03-01", "2020-03-20", "2020-04-02", "2020-03-05", "2020-04-01",
             "2020-04-09", "2020-04-30", "2020-04-30"],
    "donor": [["russia"], ["russia", "china"], ["china"], [], ["russia"], ["eu"],
              ["eu"], ["cuba"]],
    "gift": [1, 1, 0, 0, 1, 0, 0, 0],
    "army": [1, 0, 0, 0, 1, 0, 1, 0],
})


def test_wilson_matches_statsmodels():
    k, n = np.array([0, 3, 8, 10]), np.array([10, 10, 10, 10])
    low, high = wilson_interval(k, n)
    ref_low, ref_high = proportion_confint(k, n, method="wilson")
    np.testing.assert_allclose(low, ref_low, atol=1e-12)
    np.testing.assert_allclose(high, ref_high, atol=1e-12)


def test_prevalence_by_group():
    table = prevalence(DOCS, ["gift", "army"], by="outlet_type")
    assert table[["outlet_type", "frame", "n", "k"]].values.tolist() == [
        ["state", "gift", 3, 2], ["state", "army", 3, 1],
        ["wire", "gift", 5, 1], ["wire", "army", 5, 2],
    ]
    assert table["share"].round(4).tolist() == [0.6667, 0.3333, 0.2, 0.4]


def test_explode_and_composition():
    long = explode_multi(DOCS, "donor")
    assert long["donor"].tolist() == ["russia", "russia", "china", "china", "none", "russia",
                                      "eu", "eu", "cuba"]
    assert composition(long, ["donor"]).values.tolist() == [
        ["china", 2], ["cuba", 1], ["eu", 2], ["none", 1], ["russia", 3]]


def test_cooccurrence_counts_and_phi():
    table = cooccurrence(DOCS, ["gift", "army"]).set_index(["frame_a", "frame_b"])
    assert table.loc[("gift", "army"), "n_both"] == 2
    assert table.loc[("gift", "army"), "jaccard"] == pytest.approx(2 / 4)
    assert table.loc[("gift", "army"), "phi"] == pytest.approx(
        np.corrcoef(DOCS["gift"], DOCS["army"])[0, 1])


def test_monthly():
    table = monthly(DOCS, ["gift"])
    assert table[["month", "n", "k"]].values.tolist() == [["2020-03", 3, 2], ["2020-04", 5, 1]]
    with pytest.raises(FramingError, match="unparsable dates"):
        monthly(DOCS.assign(date="soon"), ["gift"])


def test_frame_logit_against_a_hand_computed_odds_ratio():
    rng = np.random.default_rng(3)
    group = np.repeat(["a", "b"], 200)
    y = np.r_[np.repeat([1, 0], [120, 80]), np.repeat([1, 0], [50, 150])]
    df = pd.DataFrame({"g": group, "f": y, "never": 0, "noise": rng.integers(0, 2, 400)})
    ml = frame_logit(df, ["f", "never"], ["g"], reference={"g": "b"}, method="ml")
    row = ml.iloc[0]
    assert (row["frame"], row["term"], row["level"], row["status"]) == ("f", "g", "a", "ok")
    assert row["odds_ratio"] == pytest.approx((120 / 80) / (50 / 150))
    assert ml.iloc[1]["status"] == "frame never varies"
    # With one binary predictor, Firth's estimate is the odds ratio with 0.5 added per cell
    firth = frame_logit(df, ["f"], ["g"], reference={"g": "b"})
    assert firth.iloc[0]["odds_ratio"] == pytest.approx((120.5 / 80.5) / (50.5 / 150.5))


def test_frame_logit_under_separation():
    df = pd.DataFrame({"g": ["a"] * 20 + ["b"] * 20, "f": [0] * 20 + [1] * 8 + [0] * 12})
    assert frame_logit(df, ["f"], ["g"], {"g": "b"}, method="ml").iloc[0]["status"] == (
        "not estimable (separation)")
    firth = frame_logit(df, ["f"], ["g"], {"g": "b"}).iloc[0]
    assert firth["status"] == "ok"
    assert firth["odds_ratio"] == pytest.approx((0.5 / 20.5) / (8.5 / 12.5))
    assert firth["ci_low"] < firth["odds_ratio"] < firth["ci_high"]
    with pytest.raises(FramingError, match="reference level 'z'"):
        frame_logit(df, ["f"], ["g"], reference={"g": "z"})
