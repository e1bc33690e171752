"""FrameClassifier, LexiconClassifier and skops persistence."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import estimator_checks

from framing.classify import (
    FrameClassifier,
    LexiconClassifier,
    _tune_thresholds,
    load_model,
    read_model_card,
    save_model,
)
from framing.errors import FramingError, InputError
from framing.explain import explain_document, suggest_lexicon_terms, top_features

AID = ["Russia sent doctors and ventilators to Bergamo",
       "Ventilators and masks arrived with military doctors",
       "Cuban doctors landed with ventilators",
       "China shipped masks and ventilators"]
EU = ["The EU abandoned Italy, solidarity does not exist",
      "Italy was left alone by Brussels and the EU",
      "Brussels abandoned Rome in the crisis",
      "The EU left Italy alone, no solidarity"]
TEXTS = AID + EU + AID[::-1] + EU[::-1]
Y = pd.DataFrame({"humanitarian_aid": [1] * 4 + [0] * 4 + [1] * 4 + [0] * 4,
                  "eu_solidarity_failure": [0] * 4 + [1] * 4 + [0] * 4 + [1] * 4})
NEW = ["ventilators and doctors arrived", "the EU abandoned Italy"]


class KeywordCounter(TransformerMixin, BaseEstimator):
    """A stand-in lexicon: counts of a few keywords per document (documents x keywords)."""

    def __init__(self, words=("ventilators", "abandoned")):
        self.words = words

    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def transform(self, X):
        rows = [[doc.lower().split().count(w) for w in self.words] for doc in X]
        return sp.csr_matrix(np.asarray(rows, dtype=np.int64))

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.words, dtype=object)


def test_fit_predict_separable_frames():
    clf = FrameClassifier(inner_cv=4).fit(TEXTS, Y)
    assert clf.classes_.tolist() == ["humanitarian_aid", "eu_solidarity_failure"]
    assert clf.predict(NEW).tolist() == [[1, 0], [0, 1]]
    assert clf.predict(TEXTS).tolist() == Y.to_numpy().tolist()
    assert clf.n_documents_ == 16
    assert clf.prevalence_.tolist() == [0.5, 0.5]
    assert [kind for kind, _ in clf.vectorizers_] == ["word", "char"]
    proba = clf.predict_proba(NEW)
    assert proba.shape == (2, 2)
    assert (proba[0, 0] > 0.5, proba[1, 1] > 0.5) == (True, True)


def test_array_labels_give_integer_classes():
    clf = FrameClassifier(inner_cv=4, char_ngrams=None).fit(TEXTS, Y.to_numpy())
    assert clf.classes_.tolist() == [0, 1]
    assert clf.predict(NEW).tolist() == [[1, 0], [0, 1]]


def test_deterministic_under_a_seed():
    a = FrameClassifier(inner_cv=4, random_state=3).fit(TEXTS, Y)
    b = FrameClassifier(inner_cv=4, random_state=3).fit(TEXTS, Y)
    np.testing.assert_array_equal(a.predict_proba(NEW + TEXTS), b.predict_proba(NEW + TEXTS))
    np.testing.assert_array_equal(a.thresholds_, b.thresholds_)
    np.testing.assert_array_equal(a.calibration_, b.calibration_)


def test_svm_model_is_calibrated_and_separates():
    clf = FrameClassifier(model="svm", inner_cv=4).fit(TEXTS, Y)
    assert clf.predict(NEW).tolist() == [[1, 0], [0, 1]]
    assert type(clf.estimators_[0]).__name__ == "LinearSVC"
    assert clf.calibration_[:, 0].tolist() == pytest.approx(
        clf.calibration_[:, 0].clip(min=0).tolist())   # slopes are not negative


def test_constant_frames_are_predicted_constantly():
    labels = Y.assign(always=1, never=0)
    clf = FrameClassifier(inner_cv=4, char_ngrams=None).fit(TEXTS, labels)
    assert clf.estimators_[2] is None and clf.estimators_[3] is None
    assert clf.predict(NEW)[:, 2:].tolist() == [[1, 0], [1, 0]]


def test_thresholds_micro_versus_frame():
    # frame 0 is rare and its only positive scores lowest: alone, its best F1 (0.4) is to
    # code every document; for the micro F1 of both frames, coding none is better (6/7 > 8/11)
    proba = np.array([[0.1, 0.9], [0.2, 0.9], [0.2, 0.9], [0.2, 0.1]])
    labels = np.array([[1, 1], [0, 1], [0, 1], [0, 0]])
    assert _tune_thresholds(proba, labels, "frame").tolist() == [0.1, 0.5]
    assert _tune_thresholds(proba, labels, "micro").tolist() == [0.5, 0.5]


def test_fixed_threshold():
    clf = FrameClassifier(inner_cv=4, thresholds=0.3).fit(TEXTS, Y)
    assert clf.thresholds_.tolist() == [0.3, 0.3]


def test_hybrid_with_a_lexicon_transformer():
    lexicon = KeywordCounter()
    clf = FrameClassifier(word_ngrams=None, char_ngrams=None, lexicon=lexicon,
                          inner_cv=4).fit(TEXTS, Y)
    assert not hasattr(lexicon, "fitted_")            # the parameter is left untouched
    assert clf.lexicon_.fitted_ is True
    assert clf.get_feature_names_out().tolist() == ["lexicon:ventilators", "lexicon:abandoned"]
    features = clf._features(["ventilators ventilators abandoned", "none"]).toarray()
    np.testing.assert_allclose(features, [[np.log(3), np.log(2)], [0, 0]])
    assert clf.predict(["ventilators", "abandoned"]).tolist() == [[1, 0], [0, 1]]


def test_hybrid_stacks_text_and_lexicon_features():
    clf = FrameClassifier(char_ngrams=None, lexicon=KeywordCounter(), lexicon_weight=2.0,
                          min_df=1, inner_cv=4).fit(TEXTS, Y)
    names = clf.get_feature_names_out()
    assert names[-2:].tolist() == ["lexicon:ventilators", "lexicon:abandoned"]
    assert names[0].startswith("word:")
    assert clf._features(["ventilators"]).toarray()[0, -2:].tolist() == [
        pytest.approx(2 * np.log(2)), 0.0]


def test_hybrid_with_the_packaged_codebook():
    clf = FrameClassifier(lexicon="softpower-aid", inner_cv=4).fit(TEXTS, Y)
    names = clf.get_feature_names_out()
    assert "lexicon:humanitarian_aid" in names.tolist()
    assert clf.predict(NEW).tolist() == [[1, 0], [0, 1]]


def test_lexicon_classifier_aligns_columns():
    labels = pd.DataFrame({"abandoned": [0, 1], "ventilators": [1, 0]})
    clf = LexiconClassifier(KeywordCounter(), min_count=1).fit(["a", "b"], labels)
    assert clf.classes_.tolist() == ["abandoned", "ventilators"]
    got = clf.predict(["ventilators abandoned abandoned", "ventilators", "nothing"])
    assert got.tolist() == [[1, 1], [0, 1], [0, 0]]
    two = LexiconClassifier(KeywordCounter(), min_count=2).fit(["a", "b"], labels)
    assert two.predict(["ventilators abandoned abandoned"]).tolist() == [[1, 0]]


def test_lexicon_classifier_refuses_unknown_frames():
    with pytest.raises(InputError, match=r"no lexicon for frame\(s\) \['gratitude'\]"):
        LexiconClassifier(KeywordCounter()).fit(["a"], pd.DataFrame({"gratitude": [1]}))


@pytest.mark.parametrize("texts, labels, message", [
    ("one string", Y, "got one string"),
    (TEXTS, Y.iloc[:3], "3 label rows for 16 texts"),
    (TEXTS[:15] + [None], Y, "field document 15: item is NoneType"),
    (TEXTS, Y.assign(humanitarian_aid=[2] + [0] * 15), "field humanitarian_aid: row 0: value 2"),
    (TEXTS, Y.to_numpy()[:, 0], "expected a 2-D 0/1 array"),
])
def test_input_errors(texts, labels, message):
    with pytest.raises(InputError, match=message):
        FrameClassifier().fit(texts, labels)


@pytest.mark.parametrize("params, message", [
    ({"model": "forest"}, "model must be 'logreg' or 'svm'"),
    ({"thresholds": "best"}, "thresholds must be"),
    ({"inner_cv": 1}, "inner_cv must be an integer >= 2"),
    ({"inner_cv": 20}, "16 training documents are fewer than inner_cv=20"),
    ({"word_ngrams": None, "char_ngrams": None}, "no features"),
])
def test_parameter_errors(params, message):
    with pytest.raises(FramingError, match=message):
        FrameClassifier(**params).fit(TEXTS, Y)


# -- scikit-learn conventions ------------------------------------------------------------------
# FrameClassifier takes raw texts and a 2-D label matrix, so the checks that feed numeric
# X or 1-D y do not apply (with the input tag two_d_array=False, parametrize_with_checks
# yields nothing). These are the API checks that need no data.
API_CHECKS = [
    estimator_checks.check_estimator_cloneable,
    estimator_checks.check_estimator_repr,
    estimator_checks.check_no_attributes_set_in_init,
    estimator_checks.check_get_params_invariance,
    estimator_checks.check_set_params,
    estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
    estimator_checks.check_mixin_order,
    estimator_checks.check_valid_tag_types,
    estimator_checks.check_estimator_tags_renamed,
    estimator_checks.check_parameters_default_constructible,
]


@pytest.mark.parametrize("estimator", [FrameClassifier(), LexiconClassifier()],
                         ids=["FrameClassifier", "LexiconClassifier"])
@pytest.mark.parametrize("check", API_CHECKS, ids=lambda c: c.__name__)
def test_sklearn_api_checks(estimator, check):
    check(type(estimator).__name__, estimator)


def test_fit_returns_self_and_clone_is_unfitted():
    clf = FrameClassifier(inner_cv=4)
    assert clf.fit(TEXTS, Y) is clf
    assert not hasattr(clone(clf), "estimators_")


def test_pipeline_and_grid_search():
    pipe = make_pipeline(FunctionTransformer(lambda docs: [d.lower() for d in docs]),
                         FrameClassifier(inner_cv=4, char_ngrams=None))
    assert pipe.fit(TEXTS, Y).predict(NEW).tolist() == [[1, 0], [0, 1]]
    grid = GridSearchCV(FrameClassifier(inner_cv=2, char_ngrams=None),
                        {"word_ngrams": [(1, 1), (1, 2)]}, cv=2, scoring="f1_micro")
    grid.fit(TEXTS, Y)
    assert grid.best_params_ == {"word_ngrams": (1, 1)}
    assert grid.cv_results_["mean_test_score"].tolist() == [1.0, 1.0]


# -- persistence ------------------------------------------------------------------------------

def test_save_and_load_predict_identically(tmp_path):
    clf = FrameClassifier(inner_cv=4).fit(TEXTS, Y)
    metrics = pd.DataFrame({"frame": ["micro"], "f1": [0.91234]})
    path = save_model(clf, tmp_path / "m.skops", training_data="16 toy texts", metrics=metrics)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict_proba(NEW), clf.predict_proba(NEW))
    assert loaded.predict(NEW).tolist() == [[1, 0], [0, 1]]
    card = read_model_card(path)
    assert json.loads((tmp_path / "m.card.json").read_text()) == card
    assert card["training_data"] == "16 toy texts"
    assert card["n_documents"] == 16
    assert card["frames"] == ["humanitarian_aid", "eu_solidarity_failure"]
    assert card["prevalence"] == {"humanitarian_aid": 0.5, "eu_solidarity_failure": 0.5}
    assert card["thresholds"] == dict(zip(card["frames"], clf.thresholds_.tolist(),
                                          strict=True))
    assert card["metrics"] == [{"frame": "micro", "f1": 0.9123}]
    assert card["seed"] == 0 and card["codebook"] is None
    assert card["params"]["inner_cv"] == 4 and card["params"]["word_ngrams"] == [1, 2]
    assert set(card["versions"]) == {"framing-analysis", "scikit-learn", "skops", "numpy",
                                     "scipy"}


def test_save_refuses_to_overwrite_and_needs_skops_suffix(tmp_path):
    clf = FrameClassifier(inner_cv=4, char_ngrams=None).fit(TEXTS, Y)
    save_model(clf, tmp_path / "m.skops")
    with pytest.raises(FramingError, match="exists; refusing to overwrite"):
        save_model(clf, tmp_path / "m.skops")
    save_model(clf, tmp_path / "m.skops", force=True)
    with pytest.raises(FramingError, match="must end in .skops"):
        save_model(clf, tmp_path / "m.pkl")


def test_hybrid_with_codebook_round_trips_pinned(tmp_path):
    clf = FrameClassifier(lexicon="softpower-aid", inner_cv=4).fit(TEXTS, Y)
    path = save_model(clf, tmp_path / "h.skops")
    card = read_model_card(path)
    assert card["codebook"]["name"] == "softpower-aid"
    loaded = load_model(path)
    version = card["codebook"]["version"]
    assert loaded.lexicon_.codebook == f"softpower-aid@{version}"
    np.testing.assert_array_equal(loaded.predict_proba(NEW + TEXTS),
                                  clf.predict_proba(NEW + TEXTS))


def test_lexicon_classifier_round_trips(tmp_path):
    clf = LexiconClassifier("softpower-aid").fit(["a"], pd.DataFrame({"gratitude": [0]}))
    loaded = load_model(save_model(clf, tmp_path / "lex.skops"))
    assert loaded.predict(["Grazie Russia!", "nothing"]).tolist() == [[1], [0]]


def test_untrusted_type_is_refused(tmp_path):
    clf = FrameClassifier(word_ngrams=None, char_ngrams=None, lexicon=KeywordCounter(),
                          inner_cv=4).fit(TEXTS, Y)
    path = save_model(clf, tmp_path / "stand-in.skops")
    name = f"{KeywordCounter.__module__}.KeywordCounter"
    with pytest.raises(FramingError, match=rf"refusing to load untrusted type\(s\) \['{name}'\]"):
        load_model(path)
    loaded = load_model(path, trusted=[name])
    assert loaded.predict(["ventilators"]).tolist() == [[1, 0]]


def test_load_refuses_foreign_and_missing_files(tmp_path):
    foreign = tmp_path / "x.skops"
    foreign.write_bytes(b"not a zip file")
    with pytest.raises(FramingError, match="not a skops model file"):
        load_model(foreign)
    with pytest.raises(FramingError, match="no such model file"):
        load_model(tmp_path / "absent.skops")


# -- explanations -------------------------------------------------------------------------------

def test_top_features_of_a_lexicon_only_model():
    clf = FrameClassifier(word_ngrams=None, char_ngrams=None, lexicon=KeywordCounter(),
                          inner_cv=4).fit(TEXTS, Y)
    table = top_features(clf, n=1)
    assert table[["frame", "direction", "rank", "feature"]].to_numpy().tolist() == [
        ["humanitarian_aid", "positive", 1, "lexicon:ventilators"],
        ["humanitarian_aid", "negative", 1, "lexicon:abandoned"],
        ["eu_solidarity_failure", "positive", 1, "lexicon:abandoned"],
        ["eu_solidarity_failure", "negative", 1, "lexicon:ventilators"]]


def test_document_contributions_add_up_to_the_decision_value():
    clf = FrameClassifier(inner_cv=4).fit(TEXTS, Y)
    text = "Doctors and ventilators, but the EU abandoned Italy"
    table = explain_document(clf, text, n=10**6)                  # every feature
    intercepts = np.array([est.intercept_[0] for est in clf.estimators_])
    sums = table.groupby("frame", sort=False)["contribution"].sum().to_numpy()
    np.testing.assert_allclose(sums + intercepts, clf.decision_function([text])[0], atol=1e-3)
    first = table.groupby("frame", sort=False).first()
    assert first["probability"].tolist() == np.round(clf.predict_proba([text])[0], 4).tolist()
    assert first["predicted"].tolist() == clf.predict([text])[0].tolist()


def test_suggested_lexicon_terms_hand_counted():
    clf = FrameClassifier(word_ngrams=(1, 1), char_ngrams=None, inner_cv=4).fit(TEXTS, Y)
    table = suggest_lexicon_terms(clf, TEXTS, Y, n=50, min_docs=4, min_precision=0.5,
                                  exclude=["Ventilators"])
    aid = table[table["frame"] == "humanitarian_aid"].set_index("term")
    # "doctors" is in 6 of the 8 aid texts and in no other; "ventilators" is excluded
    assert aid.loc["doctors", ["docs_with_frame", "docs_without_frame", "precision",
                               "lift"]].tolist() == [6, 0, 1.0, 2.0]
    assert "ventilators" not in aid.index
    eu = table[table["frame"] == "eu_solidarity_failure"].set_index("term")
    # "italy" is in 6 of the 8 EU texts and in no other
    assert eu.loc["italy", ["docs_with_frame", "docs_without_frame"]].tolist() == [6, 0]
    assert (table["precision"] >= 0.5).all() and (table["lift"] > 1).all()
    assert table.groupby("frame")["rank"].apply(lambda r: r.tolist() == list(
        range(1, len(r) + 1))).all()


def test_explanations_need_word_features_and_matching_labels():
    chars = FrameClassifier(word_ngrams=None, inner_cv=4).fit(TEXTS, Y)
    with pytest.raises(FramingError, match="needs a model with word features"):
        suggest_lexicon_terms(chars, TEXTS, Y)
    words = FrameClassifier(char_ngrams=None, inner_cv=4).fit(TEXTS, Y)
    with pytest.raises(FramingError, match="Y has 1 columns; the model has 2 frames"):
        suggest_lexicon_terms(words, TEXTS, Y[["humanitarian_aid"]])
    with pytest.raises(FramingError, match="takes one text"):
        explain_document(words, NEW)
