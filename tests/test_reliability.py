"""Reliability: published worked examples, cross-checks with NLTK, degenerate data, tables."""

from __future__ import annotations

import time
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import interval_distance
from nltk.metrics.distance import masi_distance as nltk_masi

from framing.errors import FramingError, InputError
from framing.reliability import (
    ReliabilityWarning,
    add_machine_coder,
    adjudicate,
    alpha,
    alpha_from_annotations,
    bootstrap_alpha,
    cohen_kappa,
    coincidences,
    disagreements,
    fleiss_kappa,
    jaccard_distance,
    masi_distance,
    percent_agreement,
    plot_alphas,
    prevalence,
    read_annotations,
    reliability_report,
    to_reliability_data,
    verdict,
)

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# 4 observers x 12 units, values 1-5, missing values.
K2011_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]
# Section A: two observers, binary data.
K2011_A = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
# Section B: two observers, nominal data (values a-e), 12 units. Reconstructed from the
# paper as remembered, not read from a copy; it gives the published .692 exactly.
K2011_B = [list("aabbdcccedda"), list("babbbccceddd")]

# Hayes & Krippendorff (2007), Communication Methods and Measures 1(1), Table 1:
# 40 news units x 5 observers, tone 0-3; "." is missing. One line per unit.
HAYES_2007 = """
1 1 2 . 2|1 1 0 1 .|2 3 3 3 .|. 0 0 . 0|0 0 0 . 0|0 0 0 . 0|1 0 2 . 1|1 . 2 0 .
2 2 2 . 2|2 1 1 1 .|. 1 0 0 .|0 0 0 0 .|1 2 2 2 .|3 3 2 2 3|1 1 1 . 1|1 1 1 . 1
2 1 2 . 2|1 2 3 3 .|1 1 0 1 .|0 0 0 . 0|0 0 1 1 .|0 0 . 0 0|2 3 3 3 .|0 0 0 0 .
1 2 . 2 2|0 1 1 1 .|0 0 0 1 0|1 2 1 2 .|1 1 2 2 .|1 1 2 . 2|1 1 0 . 0|2 1 2 1 .
2 2 . 2 2|3 2 2 2 .|2 2 2 . 2|2 2 3 . 2|2 2 2 . 2|2 2 . 1 2|2 2 2 2 .|1 1 1 . 1
"""


def _hayes() -> np.ndarray:
    units = [u.split() for u in "|".join(HAYES_2007.split("\n")[1:-1]).split("|")]
    return np.array([[nan if v == "." else float(v) for v in unit] for unit in units]).T


# Fleiss (1971) as in the classic worked example: 10 subjects x 14 raters x 5 categories,
# counts per subject and category.
FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def _long(data, variable="v", coders=None) -> pd.DataFrame:
    data = np.asarray(data, dtype=object)
    coders = coders or [f"c{i}" for i in range(data.shape[0])]
    rows = [(f"u{u:02d}", coders[i], variable, str(data[i, u]).removesuffix(".0"))
            for i in range(data.shape[0]) for u in range(data.shape[1])
            if not pd.isna(data[i, u])]
    return pd.DataFrame(rows, columns=["unit_id", "coder", "variable", "value"])


# --- published values ----------------------------------------------------------------

@pytest.mark.parametrize("level, expected", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_section_c(level, expected):
    assert round(alpha(K2011_C, level), 3) == expected


def test_krippendorff_2011_binary_and_nominal_two_coders():
    assert round(alpha(K2011_A), 3) == 0.095
    assert alpha(K2011_A) == pytest.approx(1 - 19 * 4 / (14 * 6))  # (n-1) o_01 / (n_0 n_1)
    assert round(alpha(K2011_B), 3) == 0.692


@pytest.mark.parametrize("level, expected", [
    ("ordinal", 0.7598), ("nominal", 0.4765), ("interval", 0.7574), ("ratio", 0.6621)])
def test_hayes_krippendorff_2007_news_tone(level, expected):
    data = _hayes()
    assert data.shape == (5, 40)
    assert round(alpha(data, level), 4) == expected


def test_cohen_kappa_textbook_table():
    # 50 units: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert round(cohen_kappa([a, b]), 2) == 0.40
    assert cohen_kappa([a, b]) == pytest.approx((0.7 - 0.5) / 0.5)


def test_fleiss_kappa_classic_example():
    data = np.array([np.repeat(np.arange(5), row) for row in FLEISS]).T
    assert data.shape == (14, 10)
    assert round(fleiss_kappa(data), 3) == 0.210


# --- cross-checks with NLTK ----------------------------------------------------------

def _task(data, distance=None):
    triples = [(f"c{i}", f"u{u}", data[i][u]) for i in range(len(data))
               for u in range(len(data[0])) if not pd.isna(data[i][u])]
    return AnnotationTask(triples) if distance is None else AnnotationTask(triples, distance)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nominal_interval_alpha_and_kappa_match_nltk(seed):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 4, size=(4, 60)).astype(float)
    agree = rng.random(60) < 0.5
    data[1, agree] = data[0, agree]
    pair = data[:2].tolist()
    data[2:][rng.random((2, 60)) < 0.3] = nan  # missing values
    assert alpha(data) == pytest.approx(_task(data.tolist()).alpha(), abs=1e-12)
    assert alpha(data, "interval") == pytest.approx(
        _task(data.tolist(), interval_distance).alpha(), abs=1e-12)
    assert cohen_kappa(pair) == pytest.approx(_task(pair).kappa(), abs=1e-12)


def test_masi_alpha_matches_nltk():
    rng = np.random.default_rng(5)
    labels = ["russia", "china", "cuba", "eu"]
    sets = [[frozenset(x for x in labels if rng.random() < 0.4) or frozenset(["other"])
             for _ in range(40)] for _ in range(3)]
    for a in sets[0][:10]:
        for b in sets[1][:10]:
            assert masi_distance(a, b) == pytest.approx(nltk_masi(set(a), set(b)))
    assert alpha(np.array(sets, dtype=object), "masi") == pytest.approx(
        _task(sets, nltk_masi).alpha(), abs=1e-12)


def test_set_valued_alpha_by_hand():
    # units: {r}{r}, {c,r}{c,r}, {cuba}{c}; margins c 1, c+r 2, cuba 1, r 2; n = 6.
    data = [["russia", "china+russia", "cuba"], ["russia", "russia+china", "china"]]
    assert alpha(data, "masi") == pytest.approx(1 - 5 * 2 / 22)
    assert alpha(data, "jaccard") == pytest.approx(1 - 5 * 2 / 20)
    assert jaccard_distance(frozenset("ab"), frozenset("b")) == 0.5
    assert masi_distance(frozenset("ab"), frozenset("cd")) == 1.0
    assert masi_distance(frozenset("ab"), frozenset("bc")) == pytest.approx(1 - 1 / 9)


def test_callable_level_is_used_as_delta():
    squared = lambda a, b: (a - b) ** 2  # noqa: E731
    assert alpha(K2011_C, squared) == pytest.approx(alpha(K2011_C, "interval"))
    with pytest.raises(FramingError, match="symmetric"):
        alpha(K2011_C, lambda a, b: a - b)


# --- descriptive measures -------------------------------------------------------------

def test_coincidences_of_section_c():
    co = coincidences(K2011_C)
    assert co.values == (1.0, 2.0, 3.0, 4.0, 5.0)
    assert (co.n_coders, co.n_units, co.n_pairable_units, co.n_pairable) == (4, 12, 11, 40)
    # By hand, unit by unit: e.g. o[1,2] = 1/3 (unit 6: 1,2,3,4) + 1 (unit 8: 1,1,2,1).
    expected = [[7, 4 / 3, 1 / 3, 1 / 3, 0], [4 / 3, 10, 4 / 3, 1 / 3, 0],
                [1 / 3, 4 / 3, 8, 1 / 3, 0], [1 / 3, 1 / 3, 1 / 3, 4, 0], [0, 0, 0, 0, 3]]
    np.testing.assert_allclose(co.matrix, expected)
    np.testing.assert_allclose(co.margins, [9, 13, 10, 5, 3])


def test_percent_agreement_and_prevalence():
    assert percent_agreement(K2011_A) == 0.6
    assert percent_agreement(K2011_C) == pytest.approx(32 / 40)
    prev = prevalence(K2011_A)
    assert prev.to_dict("list") == {"value": ["0", "1"], "n": [14, 6], "share": [0.7, 0.3]}


# --- degenerate data: NaN with a ReliabilityWarning, the same everywhere -------------

@pytest.mark.parametrize("data, reason", [
    ([[1, 0, 1, 1]], "no pairable values"),                       # one coder
    ([[1, nan, nan], [nan, 0, nan]], "no pairable values"),       # nobody pairs up
    ([[1], [0]], "only one unit"),                                # one unit
    ([[1, 1, 1], [1, 1, nan]], "no variation"),                   # all values identical
])
def test_degenerate_alpha_is_nan_with_warning(data, reason):
    with pytest.warns(ReliabilityWarning, match=reason):
        assert np.isnan(alpha(data))
    with pytest.warns(ReliabilityWarning, match=reason):
        ci = bootstrap_alpha(data, n_resamples=10)
    assert np.isnan([ci.alpha, ci.low, ci.high]).all() and ci.samples.size == 0


def test_degenerate_kappas_and_agreement():
    with pytest.warns(ReliabilityWarning, match="no variation"):
        assert np.isnan(cohen_kappa([[1, 1, 1], [1, 1, 1]]))
    with pytest.warns(ReliabilityWarning, match="fewer than two units"):
        assert np.isnan(cohen_kappa([[1, nan], [1, 0]]))
    with pytest.warns(ReliabilityWarning, match="no variation"):
        assert np.isnan(fleiss_kappa([[2, 2], [2, 2], [2, 2]]))
    with pytest.warns(ReliabilityWarning, match="no pairable values"):
        assert np.isnan(percent_agreement([[1, 0, 1]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert percent_agreement([[1, 1], [1, 1]]) == 1.0  # defined: no warning


@pytest.mark.parametrize("data, level, message", [
    ([1, 2, 3], "nominal", "2-D"),
    (K2011_C, "cardinal", "unknown level"),
    ([[1, -2], [1, 2]], "ratio", "cannot hold"),
    ([["a", "b"], ["a", "a"]], "interval", "must be numbers"),
    ([["a", "b+"], ["a", "a"]], "masi", "empty label"),
])
def test_bad_input_is_a_framing_error(data, level, message):
    with pytest.raises(FramingError, match=message):
        alpha(data, level)


def test_kappa_input_errors():
    with pytest.raises(FramingError, match="exactly 2 coders"):
        cohen_kappa(K2011_C)
    with pytest.raises(FramingError, match="same number of values"):
        fleiss_kappa(K2011_C)


# --- bootstrap ------------------------------------------------------------------------

def test_bootstrap_is_seeded_and_contains_the_estimate():
    data = _hayes()
    a = bootstrap_alpha(data, "ordinal", n_resamples=2000, seed=3)
    b = bootstrap_alpha(data, "ordinal", n_resamples=2000, seed=3)
    c = bootstrap_alpha(data, "ordinal", n_resamples=2000, seed=4)
    assert (a.low, a.high) == (b.low, b.high)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert not np.array_equal(a.samples, c.samples)
    assert round(a.alpha, 4) == 0.7598
    assert a.low < a.alpha < a.high
    assert a.p_below(0.667) == np.mean(a.samples < 0.667)
    for method in ("pairs", "units"):
        ci = bootstrap_alpha(K2011_C, "interval", n_resamples=1000, method=method)
        assert ci.low < ci.alpha < ci.high and ci.method == method


def test_pairs_bootstrap_draws_the_number_of_pairs_with_analytic_spread():
    # Binary data: D_o* is a binomial share of disagreeing pairs; with M pairs drawn
    # alpha* has mean alpha and sd sqrt(d(1 - d) / M) / D_e.
    data = _hayes()
    ci = bootstrap_alpha(data, "nominal", n_resamples=20000, seed=11)
    co = coincidences(data)
    n = co.n_pairable
    d_o = 1 - np.trace(co.matrix) / n
    d_e = (n * n - (co.margins ** 2).sum()) / (n * (n - 1))
    assert round(1 - d_o / d_e, 4) == 0.4765
    m_u = (~np.isnan(data)).sum(axis=0)
    pairs = int((m_u * (m_u - 1) / 2).sum())
    assert pairs == 239  # as reported by Hayes & Krippendorff (2007)
    assert ci.samples.mean() == pytest.approx(1 - d_o / d_e, abs=0.005)
    assert ci.samples.std() == pytest.approx(np.sqrt(d_o * (1 - d_o) / pairs) / d_e, rel=0.03)


def test_units_bootstrap_matches_plain_unit_resampling():
    data = np.asarray(K2011_C, dtype=float)
    ci = bootstrap_alpha(data, "ordinal", n_resamples=4000, seed=2, method="units")
    rng = np.random.default_rng(0)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        plain = np.array([alpha(pairable[:, rng.integers(0, 11, 11)], "ordinal")
                          for _ in range(1000)])
    defined = ci.samples[~np.isnan(ci.samples)]
    assert ci.n_undefined == int(np.isnan(ci.samples).sum())
    assert defined.std() == pytest.approx(np.nanstd(plain), rel=0.1)
    assert defined.mean() == pytest.approx(np.nanmean(plain), abs=0.03)


def test_perfect_agreement_has_a_degenerate_interval():
    ci = bootstrap_alpha([[0, 1, 1, 0], [0, 1, 1, 0]], n_resamples=500)
    assert (ci.alpha, ci.low, ci.high, ci.p_below(0.8)) == (1.0, 1.0, 1.0, 0.0)


def test_bootstrap_argument_errors():
    with pytest.raises(FramingError, match="method"):
        bootstrap_alpha(K2011_A, method="jackknife")
    with pytest.raises(FramingError, match="confidence"):
        bootstrap_alpha(K2011_A, confidence=95)


def test_speed_of_alpha_and_bootstrap():
    rng = np.random.default_rng(0)
    big = rng.integers(0, 2, size=(3, 100_000)).astype(float)
    big[rng.random(big.shape) < 0.05] = nan
    start = time.perf_counter()
    alpha(big)
    assert time.perf_counter() - start < 1.0
    small = rng.integers(0, 2, size=(3, 300))
    start = time.perf_counter()
    bootstrap_alpha(small, n_resamples=5000)
    bootstrap_alpha(small, n_resamples=5000, method="units")
    assert time.perf_counter() - start < 2.0


# --- the annotation table -------------------------------------------------------------

def test_alpha_from_annotations_equals_the_matrix_version():
    table = _long(K2011_C)
    wide = to_reliability_data(table, "v")
    assert wide.shape == (4, 12) and list(wide.index) == ["c0", "c1", "c2", "c3"]
    for level, expected in [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]:
        assert round(alpha_from_annotations(table, "v", level), 3) == expected
    assert alpha_from_annotations(table, "v", coders=["c1", "c3"]) == pytest.approx(
        alpha(np.asarray(K2011_C)[[1, 3]]))


def test_read_annotations_names_file_line_and_field(tmp_path):
    path = tmp_path / "ann.csv"
    path.write_text("unit_id,coder,variable,value,round\n"
                    "a1,ann,gratitude,1,1\n"
                    "a1,ann,gratitude,0,1\n"
                    "a2,ann,gratitude,,1\n"
                    "a3,ann,gratitude,1,x\n")
    with pytest.raises(InputError) as err:
        read_annotations(path)
    text = str(err.value)
    assert f"{path}, line 4, field value: empty value" in text
    assert f"{path}, line 5, field round: round must be an integer" in text
    assert "coded twice (lines 2, 3)" in text
    (tmp_path / "bad.csv").write_text("unit,coder,value\n")
    with pytest.raises(InputError, match="missing column"):
        read_annotations(tmp_path / "bad.csv")


def test_latest_round_and_set_values(tmp_path):
    path = tmp_path / "ann.csv"
    path.write_text("unit_id,coder,variable,value,round\n"
                    "a1,ann,donor,china + russia,1\n"
                    "a1,ann,gratitude,0,1\n"
                    "a1,ann,gratitude,1,2\n"
                    "a1,bob,donor,russia+china,\n")
    wide_g = to_reliability_data(path, "gratitude")
    assert wide_g.to_dict() == {"a1": {"ann": "1"}}
    assert to_reliability_data(path, "donor").to_dict() == {
        "a1": {"ann": "china+russia", "bob": "china+russia"}}
    with pytest.raises(InputError, match="no annotation of the variable 'tone'"):
        to_reliability_data(path, "tone")


def test_disagreements_and_adjudication():
    table = pd.DataFrame({
        "unit_id": ["a", "a", "b", "b", "c", "c", "c", "d", "e", "e"],
        "coder": ["x", "y", "x", "y", "x", "y", "lead", "x", "x", "y"],
        "variable": ["f"] * 10,
        "value": ["1", "1", "0", "0", "1", "0", "0", "1", "0", "1"],
    })
    dis = disagreements(table, coders=["x", "y"])
    assert dis.to_dict("list") == {"variable": ["f", "f"], "unit_id": ["c", "e"],
                                   "x": ["1", "0"], "y": ["0", "1"]}
    with pytest.raises(InputError, match=r"unit 'e': coders disagree \(x=0, y=1\)"):
        adjudicate(table, "lead")
    lead_e = pd.DataFrame({"unit_id": ["e"], "coder": ["lead"], "variable": ["f"],
                           "value": ["1"]})
    gold = adjudicate(pd.concat([table, lead_e]), "lead")
    assert gold.to_dict("list") == {
        "unit_id": ["a", "b", "c", "d", "e"], "coder": ["gold"] * 5, "variable": ["f"] * 5,
        "value": ["1", "0", "0", "1", "1"],
        "source": ["agreement", "agreement", "adjudicator", "single", "adjudicator"]}


def test_majority_rule():
    table = pd.DataFrame({"unit_id": ["a"] * 3, "coder": ["x", "y", "z"], "variable": "f",
                          "value": ["1", "1", "0"]})
    assert adjudicate(table, "lead", rule="majority")[["value", "source"]].values.tolist() == [
        ["1", "majority"]]


def test_machine_coder_beside_gold():
    gold = pd.DataFrame({"unit_id": ["1", "2", "3", "4"] * 2, "coder": "gold",
                         "variable": ["gratitude"] * 4 + ["crisis_severity"] * 4,
                         "value": list("1010" "1100")})
    coded = pd.DataFrame({"id": [1, 2, 3, 4, 5], "gratitude": [1, 0, 0, 0, 1],
                          "crisis_severity": [True, True, False, False, True],
                          "gratitude_count": [3, 0, 0, 0, 2]})
    table = add_machine_coder(gold, coded)
    added = table[table["coder"] == "lexicon"]
    assert added[["unit_id", "variable", "value"]].values.tolist() == [
        ["1", "crisis_severity", "1"], ["2", "crisis_severity", "1"],
        ["3", "crisis_severity", "0"], ["4", "crisis_severity", "0"],
        ["1", "gratitude", "1"], ["2", "gratitude", "0"], ["3", "gratitude", "0"],
        ["4", "gratitude", "0"]]
    assert alpha_from_annotations(table, "crisis_severity", coders=["lexicon", "gold"]) == 1.0
    # gratitude: one disagreement in 4 units, n0 = 5, n1 = 3: 1 - 7 * 1 / 15
    assert alpha_from_annotations(table, "gratitude", coders=["lexicon", "gold"]) == (
        pytest.approx(1 - 7 / 15))
    with pytest.raises(InputError, match="already a coder"):
        add_machine_coder(table, coded)
    with pytest.raises(InputError, match="is not 0 or 1"):
        add_machine_coder(gold, coded.assign(gratitude=[1, 2, 0, 0, 0]))
    with pytest.raises(InputError, match="none of its ids"):
        add_machine_coder(gold, coded.assign(id=[9, 8, 7, 6, 10]))


# --- the report -------------------------------------------------------------------------

def _project_table() -> pd.DataFrame:
    frame = _long(K2011_A, "gratitude", ["ann", "bob"])
    tone = _long([[1, 0, -1, 1, 0, 1], [1, 0, 0, 1, 0, 1]], "tone_to_donor", ["ann", "bob"])
    donor = _long([["russia", "china+russia", "cuba"], ["russia", "russia+china", "china"]],
                  "donor", ["ann", "bob"])
    return pd.concat([frame, tone, donor], ignore_index=True)


def test_report_with_a_codebook():
    codebook = SimpleNamespace(
        frame_ids=("gratitude", "aid_skepticism"),
        variables=(SimpleNamespace(id="donor", kind="multi"),
                   SimpleNamespace(id="tone_to_donor", kind="ordinal")))
    report = reliability_report(_project_table(), codebook, n_resamples=0)
    assert report["variable"].tolist() == ["gratitude", "aid_skepticism", "donor",
                                           "tone_to_donor"]
    assert report["level"].tolist() == ["nominal", "nominal", "masi", "ordinal"]
    assert report["verdict"].tolist() == ["discard", "no data", "discard", "reliable"]
    empty = report.iloc[1]
    assert (empty.n_coders, empty.n_units, empty.prevalence_value) == (0, 0, "")
    assert np.isnan([empty.alpha, empty.agreement, empty.prevalence]).all()
    first = report.iloc[0]
    assert (first.n_coders, first.n_units, first.n_pairable) == (2, 10, 20)
    assert (first.alpha, first.agreement, first.prevalence_value, first.prevalence) == (
        0.0952, 0.6, "1", 0.3)
    assert report.loc[2, "alpha"] == round(1 - 10 / 22, 4)
    # tone: -1 (1 value), 0 (5), 1 (6); ordinal deltas (-1,0) 3^2, (0,1) 5.5^2, (-1,1) 8.5^2;
    # one (-1, 0) disagreement: 1 - 11 * 18 / 2772
    assert report.loc[3, "alpha"] == round(1 - 11 * 18 / 2772, 4) == 0.9286


def test_report_without_codebook_levels_and_bootstrap():
    table = _project_table()
    report = reliability_report(table, levels={"donor": "masi", "tone_to_donor": "ordinal"},
                                n_resamples=1000, seed=5)
    assert report["variable"].tolist() == ["donor", "gratitude", "tone_to_donor"]
    again = reliability_report(table, levels={"donor": "masi", "tone_to_donor": "ordinal"},
                               n_resamples=1000, seed=5)
    pd.testing.assert_frame_equal(report, again)
    assert (report["ci_low"] <= report["alpha"]).all()
    assert (report["alpha"] <= report["ci_high"]).all()
    ci = bootstrap_alpha(to_reliability_data(table, "gratitude"), n_resamples=1000, seed=5)
    row = report.set_index("variable").loc["gratitude"]
    assert (row.ci_low, row.ci_high) == (round(ci.low, 4), round(ci.high, 4))
    assert row.p_below_667 == round(ci.p_below(0.667), 4)
    # russia and china+russia tie (2 of 6 values each): the first in sorted order wins
    assert report.loc[0, ["prevalence_value", "prevalence"]].tolist() == ["china+russia", 0.3333]
    with pytest.raises(InputError, match="unknown level"):
        reliability_report(table, levels={"donor": "sets"})
    with pytest.raises(InputError, match="no annotation by coder"):
        reliability_report(table, coders=["zed"])


def test_verdict_thresholds():
    assert [verdict(a) for a in (0.8, 0.7996, 0.7994, 0.667, 0.6664, -0.2)] == [
        "reliable", "reliable", "tentative", "tentative", "discard", "discard"]


def test_plot_alphas():
    import matplotlib

    matplotlib.use("Agg")
    report = reliability_report(_project_table(), levels={"donor": "masi"}, n_resamples=200)
    fig = plot_alphas(report)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == report["variable"].tolist()
    assert sorted(line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--") == [
        0.667, 0.8]
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_report_with_a_real_codebook_object():
    from framing.codebook import codebook_from_dict

    frame = {"label": "x", "definition": "x.", "lexicon": {"en": ["thanks"]}}
    codebook = codebook_from_dict({
        "name": "mini", "version": "1", "languages": ["en"],
        "frames": [{"id": "gratitude", **frame}],
        "variables": [{"id": "donor", "kind": "multi", "values": ["russia", "china", "cuba"]},
                      {"id": "tone_to_donor", "kind": "ordinal", "values": ["-1", "0", "1"]}],
    })
    report = reliability_report(_project_table(), codebook, n_resamples=0)
    assert report[["variable", "level", "alpha"]].values.tolist() == [
        ["gratitude", "nominal", 0.0952], ["donor", "masi", 0.5455],
        ["tone_to_donor", "ordinal", 0.9286]]


def test_gold_and_rounds_in_one_table(tmp_path):
    path = tmp_path / "ann.csv"
    path.write_text("unit_id,coder,variable,value,round\n"
                    "1,ann,f,1,1\n1,bob,f,0,1\n1,ann,f,0,2\n"
                    "2,ann,f,1,1\n2,bob,f,1,1\n3,ann,f,0,1\n3,bob,f,1,1\n3,lead,f,0,1\n")
    table = read_annotations(path)
    gold = adjudicate(table, "lead")
    assert gold[["unit_id", "value", "source"]].values.tolist() == [
        ["1", "0", "agreement"], ["2", "1", "agreement"], ["3", "0", "adjudicator"]]
    both = add_machine_coder(pd.concat([table, gold]), pd.DataFrame(
        {"id": [1, 2, 3], "f": [0, 1, 1]}), coder="classifier")
    # classifier vs gold: units 0/0, 1/1, 1/0 -> n0 = 3, n1 = 3, one disagreement
    assert alpha_from_annotations(both, "f", coders=["classifier", "gold"]) == pytest.approx(
        1 - 5 * 2 / (36 - 18))


def test_line_numbers_survive_filtering_and_no_disagreement_is_empty(tmp_path):
    path = tmp_path / "ann.csv"
    path.write_text("unit_id,coder,variable,value\n"
                    "a1,ann,f,1\na1,bob,f,1\na1,ann,g,0\na1,bob,g,1\n")
    table = read_annotations(path)
    broken = table[table["variable"] == "g"].assign(value=["0", " "])
    with pytest.raises(InputError, match=f"{path}, line 5, field value: empty value"):
        alpha_from_annotations(broken, "g")
    assert disagreements(table, variables=["f"]).to_dict("list") == {
        "variable": [], "unit_id": [], "ann": [], "bob": []}
    with pytest.raises(FramingError, match="unknown rule"):
        adjudicate(table, "lead", rule="vote")
