"""Scores, leak-free splits and side-by-side cross-validation of frame coders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.metrics import precision_recall_fscore_support

from framing.classify import LexiconClassifier
from framing.errors import FramingError, InputError
from framing.evaluate import (
    CrossValidation,
    DateKFold,
    GroupedFrameKFold,
    compare_coders,
    cross_validate_frames,
    frame_scores,
    learning_curve,
)


class KeywordCounter(TransformerMixin, BaseEstimator):
    """A stand-in lexicon: per frame, the count of one keyword."""

    def __init__(self, keywords=(("aid", "ventilators"), ("eu", "abandoned"))):
        self.keywords = keywords

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        rows = [[doc.lower().split().count(word) for _, word in self.keywords] for doc in X]
        return sp.csr_matrix(np.asarray(rows, dtype=np.int64))

    def get_feature_names_out(self, input_features=None):
        return np.asarray([frame for frame, _ in self.keywords], dtype=object)


class AlwaysYes(ClassifierMixin, BaseEstimator):
    """Codes every frame present."""

    def fit(self, X, Y):
        self.n_frames_ = np.asarray(Y).shape[1]
        return self

    def predict(self, X):
        return np.ones((len(X), self.n_frames_), dtype=int)


# (text, aid, eu, group); the keyword coder misses doc 4's aid and wrongly codes doc 6's
BASE = [("ventilators arrived", 1, 0, "a"), ("ventilators and masks", 1, 0, "a"),
        ("abandoned by the EU", 0, 1, "b"), ("abandoned again", 0, 1, "b"),
        ("doctors came", 1, 0, "c"), ("ventilators abandoned", 1, 1, "c"),
        ("ventilators for sale", 0, 0, "d"), ("nothing here", 0, 0, "d")]
ROWS = BASE + [(t, a, e, g.upper()) for t, a, e, g in BASE]       # 16 docs, 8 groups
TEXTS = [r[0] for r in ROWS]
Y = pd.DataFrame({"aid": [r[1] for r in ROWS], "eu": [r[2] for r in ROWS]})
GROUPS = [r[3] for r in ROWS]


# -- frame_scores -------------------------------------------------------------------------------

def test_frame_scores_hand_computed():
    gold = pd.DataFrame({"aid": [1, 1, 0, 0], "eu_failure": [1, 0, 0, 1]})
    pred = pd.DataFrame({"eu_failure": [1, 1, 0, 1], "aid": [1, 0, 0, 0]})   # any order
    table = frame_scores(gold, pred)
    assert table["frame"].tolist() == ["aid", "eu_failure", "micro", "macro"]
    assert table[["support", "predicted", "tp", "fp", "fn", "tn"]].to_numpy().tolist() == [
        [2, 1, 1, 0, 1, 2], [2, 3, 2, 1, 0, 1], [4, 4, 3, 1, 1, 3], [4, 4, 3, 1, 1, 3]]
    # aid: P 1/1, R 1/2, F1 2/3; eu_failure: P 2/3, R 1, F1 4/5; micro: 3/4 each;
    # macro: P (1 + 2/3)/2, R (1/2 + 1)/2, F1 (2/3 + 4/5)/2
    assert table["precision"].tolist() == [1.0, 0.6667, 0.75, 0.8333]
    assert table["recall"].tolist() == [0.5, 1.0, 0.75, 0.75]
    assert table["f1"].tolist() == [0.6667, 0.8, 0.75, 0.7333]
    # nominal alpha, two coders, binary: 1 - (n - 1) o01 / (n0 n1). aid: pairs (1,1) (0,1)
    # (0,0) (0,0) give n = 8, o01 = 1, n0 = 5, n1 = 3: 1 - 7/15. eu_failure: n0 = 3, n1 = 5,
    # the same. micro (8 pooled units): n = 16, o01 = 2, n0 = n1 = 8: 1 - 30/64
    assert table["alpha"].tolist() == [0.5333, 0.5333, 0.5312, 0.5333]


def test_frame_scores_agree_with_scikit_learn():
    rng = np.random.default_rng(7)
    gold, pred = rng.integers(0, 2, (40, 5)), rng.integers(0, 2, (40, 5))
    table = frame_scores(gold, pred).set_index("frame")
    p, r, f, s = precision_recall_fscore_support(gold, pred, zero_division=0)
    np.testing.assert_allclose(table.loc[list("01234"), "precision"], p.round(4))
    np.testing.assert_allclose(table.loc[list("01234"), "recall"], r.round(4))
    np.testing.assert_allclose(table.loc[list("01234"), "f1"], f.round(4))
    assert table.loc[list("01234"), "support"].tolist() == s.tolist()
    for average in ("micro", "macro"):
        expected = precision_recall_fscore_support(gold, pred, average=average,
                                                   zero_division=0)[2]
        assert table.loc[average, "f1"] == round(expected, 4)


def test_frame_scores_zero_division_and_undefined_alpha():
    table = frame_scores([[0, 1], [0, 1]], [[0, 1], [0, 0]], frames=["never", "x"])
    never = table.iloc[0]
    assert (never["precision"], never["recall"], never["f1"]) == (0.0, 0.0, 0.0)
    assert np.isnan(never["alpha"])
    assert table.iloc[1][["precision", "recall", "f1"]].tolist() == [1.0, 0.5, 0.6667]


@pytest.mark.parametrize("gold, pred, message", [
    ([[0, 1]], [[0, 1], [1, 1]], "shape"),
    ([[0, 2]], [[0, 1]], "every cell must be 0 or 1"),
    ([0, 1], [0, 1], "expected a 2-D"),
    (pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [1]}), r"no column for frame\(s\) \['a'\]"),
])
def test_frame_scores_errors(gold, pred, message):
    with pytest.raises(InputError, match=message):
        frame_scores(gold, pred)


# -- splitters -------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.data())
def test_grouped_folds_never_leak_a_group(data):
    n = data.draw(st.integers(10, 40))
    groups = data.draw(st.lists(st.integers(0, 7), min_size=n, max_size=n))
    labels = np.asarray(data.draw(st.lists(st.lists(st.integers(0, 1), min_size=3,
                                                    max_size=3), min_size=n, max_size=n)))
    n_splits = data.draw(st.integers(2, 4))
    if len(set(groups)) < n_splits:
        with pytest.raises(InputError, match="groups cannot fill"):
            list(GroupedFrameKFold(n_splits).split(None, labels, groups))
        return
    folds = list(GroupedFrameKFold(n_splits, random_state=1).split(None, labels, groups))
    assert len(folds) == n_splits
    tested = np.concatenate([test for _, test in folds])
    assert sorted(tested.tolist()) == list(range(n))          # each document tested once
    g = np.asarray(groups)
    for train, test in folds:
        assert set(g[train]).isdisjoint(g[test])
        assert sorted(np.concatenate([train, test]).tolist()) == list(range(n))


def test_grouped_folds_are_seeded():
    a = [t.tolist() for _, t in GroupedFrameKFold(2, random_state=4).split(None, Y, GROUPS)]
    b = [t.tolist() for _, t in GroupedFrameKFold(2, random_state=4).split(None, Y, GROUPS)]
    assert a == b


def test_date_folds_train_on_the_past():
    dates = ["2020-03-05", "2020-03-01", "2020-03-01", "2020-03-02", "2020-03-03",
             "2020-03-04", "2020-03-04", "2020-03-06"]
    # 6 distinct dates in 3 blocks: {01, 02}, {03, 04}, {05, 06}
    folds = [(tr.tolist(), te.tolist()) for tr, te in DateKFold(2).split(None, None, dates)]
    assert folds == [([1, 2, 3], [4, 5, 6]), ([1, 2, 3, 4, 5, 6], [0, 7])]
    with pytest.raises(InputError, match="2 distinct dates cannot make 2 forward splits"):
        list(DateKFold(2).split(None, None, ["2020-01-01", "2020-01-02"]))
    with pytest.raises(InputError, match="needs the dates as groups"):
        list(DateKFold(2).split(None))


# -- cross-validation ------------------------------------------------------------------------

def test_cross_validate_side_by_side_hand_computed():
    coders = {"keywords": LexiconClassifier(KeywordCounter()), "always": AlwaysYes()}
    result = cross_validate_frames(coders, TEXTS, Y, groups=GROUPS, cv=2)
    scores = result.scores.set_index(["coder", "frame"])
    # keywords: aid tp 6 fp 2 fn 2 tn 6; eu tp 6 fp 0 fn 0 tn 10
    assert scores.loc[("keywords", "aid"), ["tp", "fp", "fn", "tn"]].tolist() == [6, 2, 2, 6]
    assert scores.loc[("keywords", "aid"), ["precision", "recall", "f1"]].tolist() == [
        0.75, 0.75, 0.75]
    assert scores.loc[("keywords", "eu"), ["precision", "recall", "f1"]].tolist() == [
        1.0, 1.0, 1.0]
    # micro: tp 12 fp 2 fn 2, so 12/14; macro: (0.75 + 1) / 2
    assert scores.loc[("keywords", "micro"), "f1"] == 0.8571
    assert scores.loc[("keywords", "macro"), "f1"] == 0.875
    # alpha aid: n = 32, o01 = 4, n0 = n1 = 16: 1 - 31 * 4 / 256 = 0.515625
    assert scores.loc[("keywords", "aid"), "alpha"] == 0.5156
    assert scores.loc[("keywords", "eu"), "alpha"] == 1.0
    # always yes: aid P 8/16 R 1 F1 2/3; eu P 6/16 R 1 F1 12/22
    assert scores.loc[("always", "aid"), "f1"] == 0.6667
    assert scores.loc[("always", "eu"), "f1"] == 0.5455
    assert list(dict.fromkeys(result.scores["coder"])) == ["keywords", "always"]
    assert result.folds[["coder", "fold", "n_train", "n_test"]].to_numpy().tolist() == [
        ["keywords", 0, 8, 8], ["keywords", 1, 8, 8], ["always", 0, 8, 8], ["always", 1, 8, 8]]
    preds = result.predictions
    assert preds.groupby("coder")["doc"].apply(sorted).tolist() == [list(range(16))] * 2
    keywords = preds[preds["coder"] == "keywords"].sort_values("doc")
    assert keywords["aid"].tolist()[:8] == [1, 1, 0, 0, 0, 1, 1, 0]


def test_cross_validation_refuses_a_leaking_splitter():
    class Leaky:
        def split(self, X, y, groups):
            yield np.arange(0, 8), np.arange(8, 16)
            yield np.arange(0, 9), np.arange(9, 16)          # doc 8 shares group A

    with pytest.raises(FramingError, match=r"fold 1 of .* puts group\(s\) \['A'\] on both"):
        cross_validate_frames({"always": AlwaysYes()}, TEXTS, Y, groups=GROUPS, cv=Leaky())


def test_cross_validation_with_date_splits_scores_only_tested_documents():
    dates = [f"2020-03-{d:02d}" for d in range(1, 17)]
    result = cross_validate_frames({"always": AlwaysYes()}, TEXTS, Y, groups=dates,
                                   cv=DateKFold(3))
    # 16 dates in 4 blocks of 4; the first block (docs 0-3) is never tested
    assert sorted(result.predictions["doc"]) == list(range(4, 16))
    micro = result.scores.set_index("frame").loc["micro"]
    assert (micro["support"], micro["predicted"]) == (Y.iloc[4:].to_numpy().sum(), 24)


def test_compare_coders_on_a_synthetic_fixture():
    first = compare_coders(TEXTS, Y, groups=GROUPS, lexicon=KeywordCounter(), cv=2)
    second = compare_coders(TEXTS, Y, groups=GROUPS, lexicon=KeywordCounter(), cv=2)
    pd.testing.assert_frame_equal(first.scores, second.scores)       # seeded
    assert list(dict.fromkeys(first.scores["coder"])) == ["lexicon", "classifier", "hybrid"]
    lexicon = first.scores[first.scores["coder"] == "lexicon"].set_index("frame")
    assert lexicon.loc["micro", "f1"] == 0.8571 and lexicon.loc["macro", "f1"] == 0.875
    assert first.scores.groupby("coder", sort=False)["support"].apply(list).tolist() == [
        [8, 6, 14, 14]] * 3
    summary = first.summary()
    assert summary["coder"].tolist() == ["lexicon", "classifier", "hybrid"]
    assert summary.loc[0, ["micro_f1", "micro_f1_mean", "micro_f1_sd"]].tolist() == [
        0.8571, 0.8571, 0.0]


def test_learning_curve_nested_training_sets():
    curve = learning_curve(LexiconClassifier(KeywordCounter()), TEXTS, Y, sizes=(0.5, 1.0),
                           groups=GROUPS, cv=2)
    assert curve[["size", "n_train", "fold"]].to_numpy().tolist() == [
        [0.5, 4, 0], [1.0, 8, 0], [0.5, 4, 1], [1.0, 8, 1]]
    # the keyword coder ignores its training data: same score at every size
    assert curve.groupby("fold")["micro_f1"].nunique().tolist() == [1, 1]
    with pytest.raises(FramingError, match=r"sizes must be shares in \(0, 1\]"):
        learning_curve(AlwaysYes(), TEXTS, Y, sizes=(0, 1))


def test_summary_of_folds():
    folds = pd.DataFrame({"coder": ["a"] * 3, "fold": [0, 1, 2], "n_train": [2] * 3,
                          "n_test": [1] * 3, "micro_f1": [0.5, 0.6, 0.7],
                          "macro_f1": [0.2, 0.4, 0.6]})
    scores = pd.DataFrame({"coder": ["a", "a"], "frame": ["micro", "macro"], "f1": [0.61, 0.4]})
    summary = CrossValidation(scores, folds, pd.DataFrame()).summary()
    assert summary.iloc[0].tolist() == ["a", 0.61, 0.4, 0.6, 0.1, 0.4, 0.2]
