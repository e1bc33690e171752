"""Supervised multi-label frame classifiers, and their safe persistence.

:class:`FrameClassifier` codes documents for any set of frames (one binary model per frame,
one-vs-rest): TF-IDF word and character n-grams, a linear model with balanced class weights,
probabilities calibrated on inner cross-validation, and per-frame decision thresholds tuned on
the same inner folds. With ``lexicon=`` it becomes a hybrid that also sees the lexicon coder's
per-frame match counts. :class:`LexiconClassifier` puts the lexicon coder itself behind the
same ``fit``/``predict`` interface, so that lexicon, classifier and hybrid can be evaluated
side by side (:func:`framing.evaluate.compare_coders`).

Models are saved with skops (never pickle) by :func:`save_model`, with a model card beside
them; :func:`load_model` refuses any type it does not know to be safe.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from framing._io import atomic_path, check_writable
from framing.errors import FramingError, InputError, Problem

__all__ = [
    "FrameClassifier",
    "LexiconClassifier",
    "save_model",
    "load_model",
    "read_model_card",
    "TRUSTED_TYPES",
]

#: Thresholds tried when tuning a frame's decision threshold on calibrated probabilities.
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.05), 2)

#: Types that a model saved by this package contains beyond those skops trusts by default.
#: :func:`load_model` loads these without asking, and refuses any other untrusted type.
TRUSTED_TYPES = (
    "framing.classify.FrameClassifier",
    "framing.classify.LexiconClassifier",
    "framing.lexicon.LexiconCoder",
)


# -- input checks ----------------------------------------------------------------------------

def _texts(X: Any, where: str = "texts") -> list[str]:
    """``X`` as a list of strings; a clear error for one string or non-string items."""
    if isinstance(X, str):
        raise InputError(Problem(where, "expected a sequence of texts, got one string; "
                                        "wrap it in a list"))
    if isinstance(X, pd.DataFrame):
        raise InputError(Problem(where, "expected a sequence of texts, got a DataFrame; "
                                        "pass its text column"))
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(Problem(where, f"item is {type(text).__name__}, not a string",
                                     field=f"document {i}"))
    return texts


def _labels(Y: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The 0/1 label matrix (documents x frames) and the frame names (``classes_``)."""
    if isinstance(Y, pd.DataFrame):
        classes = np.asarray([str(c) for c in Y.columns], dtype=object)
        values = Y.to_numpy()
    else:
        values = np.asarray(Y)
        if values.ndim != 2:
            raise InputError(Problem("Y", f"expected a 2-D 0/1 array (documents x frames), "
                                          f"got {values.ndim} dimension(s)"))
        classes = np.arange(values.shape[1])
    if values.shape[0] != n:
        raise InputError(Problem("Y", f"{values.shape[0]} label rows for {n} texts"))
    if values.shape[1] == 0:
        raise InputError(Problem("Y", "no frame columns"))
    if pd.isna(values).any():
        raise InputError(Problem("Y", "missing labels; every cell must be 0 or 1"))
    bad = ~np.isin(values, (0, 1))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        value = values[row, col]
        value = value.item() if isinstance(value, np.generic) else value
        raise InputError(Problem("Y", f"row {row}: value {value!r} is not 0 or 1",
                                 field=str(classes[col])))
    return values.astype(np.int8), classes


def _lexicon_transformer(lexicon: Any) -> Any:
    """A fresh lexicon transformer from ``None``, a codebook name/path, or a transformer."""
    if lexicon is None:
        return None
    if isinstance(lexicon, str | os.PathLike):
        from framing.lexicon import LexiconCoder

        return LexiconCoder(codebook=lexicon)
    if not (hasattr(lexicon, "fit") and hasattr(lexicon, "transform")):
        raise FramingError(f"lexicon must be None, a codebook name or a transformer with fit "
                           f"and transform, not {type(lexicon).__name__}")
    return clone(lexicon)


def _lexicon_names(lexicon: Any, n_columns: int) -> list[str]:
    if hasattr(lexicon, "get_feature_names_out"):
        return [str(name) for name in lexicon.get_feature_names_out()]
    return [str(i) for i in range(n_columns)]


def _codebook_of(lexicon: Any) -> dict[str, str] | None:
    codebook = getattr(lexicon, "codebook_", None)
    if codebook is None:
        return None
    return {"name": str(codebook.name), "version": str(codebook.version)}


class _SavesLexiconRecipe:
    """Saves a fitted ``LexiconCoder`` as its recipe: compiled lexicons are not serialisable.

    The recipe is the unfitted coder with a packaged codebook pinned to the version it was
    fitted with (``"softpower-aid@1.0.0"``); it compiles again on first use after loading.
    """

    def __getstate__(self):
        state = super().__getstate__()
        lexicon = state.get("lexicon_")
        codebook = getattr(lexicon, "codebook_", None)
        if codebook is not None:
            recipe = clone(lexicon)
            if recipe.get_params().get("codebook") == codebook.name:
                recipe.set_params(codebook=f"{codebook.name}@{codebook.version}")
            state["lexicon_"] = recipe
        return state


# -- threshold tuning ------------------------------------------------------------------------

def _tune_thresholds(proba: np.ndarray, Y: np.ndarray, how: str) -> np.ndarray:
    """Per-frame thresholds on out-of-fold probabilities.

    ``how="micro"`` maximises the micro-averaged F1 of all frames together by coordinate
    ascent (frames in column order, until no threshold changes, at most 20 rounds);
    ``how="frame"`` maximises each frame's own F1. Ties go to the threshold closest to 0.5.
    """
    grid = THRESHOLD_GRID
    above = proba[:, :, None] >= grid[None, None, :]                # docs x frames x grid
    tp = (above & (Y[:, :, None] == 1)).sum(axis=0).astype(float)   # frames x grid
    fp = (above & (Y[:, :, None] == 0)).sum(axis=0).astype(float)
    pos = Y.sum(axis=0).astype(float)
    order = np.argsort(np.abs(grid - 0.5), kind="stable")          # preference on ties
    k = Y.shape[1]
    if how == "frame":
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.nan_to_num(2 * tp / (tp + fp + pos[:, None]))
        best = [order[np.argmax(f1[j, order])] for j in range(k)]
        return grid[np.asarray(best)]
    chosen = np.full(k, order[0])
    cols = np.arange(k)
    for _ in range(20):
        changed = False
        for j in range(k):
            tp_rest = tp[cols, chosen].sum() - tp[j, chosen[j]]
            fp_rest = fp[cols, chosen].sum() - fp[j, chosen[j]]
            num = 2 * (tp_rest + tp[j])
            den = num + (fp_rest + fp[j]) + (pos.sum() - tp_rest - tp[j])
            with np.errstate(invalid="ignore", divide="ignore"):
                f1 = np.nan_to_num(num / den)
            best = order[np.argmax(f1[order])]
            if f1[best] > f1[chosen[j]] + 1e-12:
                chosen[j] = best
                changed = True
        if not changed:
            break
    return grid[chosen]


# -- the classifier --------------------------------------------------------------------------

class _MultiLabelTextTags:
    """scikit-learn tags of an estimator that takes raw texts and predicts 0/1 label sets."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        tags.classifier_tags.multi_label = True
        return tags


class FrameClassifier(_SavesLexiconRecipe, _MultiLabelTextTags, ClassifierMixin, BaseEstimator):
    """Multi-label frame classifier for raw texts: one linear model per frame.

    Features are TF-IDF word n-grams and character n-grams within word boundaries (which
    work for any language without a tokenizer or stemmer), both with sublinear term frequency
    and each L2-normalised, optionally followed by the lexicon coder's per-frame match counts
    (``log1p``, times ``lexicon_weight``). Each frame gets a linear model with balanced class
    weights. Its decision values on ``inner_cv`` inner folds of the training data are mapped to
    probabilities by a Platt sigmoid, and the frame's decision threshold is tuned on those
    out-of-fold probabilities; the model itself is then refit on all the training data.

    Parameters
    ----------
    model : {"logreg", "svm"}
        Logistic regression (liblinear, dual) or a linear SVM (``LinearSVC``).
    C : float
        Inverse regularisation strength of the linear models.
    word_ngrams : tuple of (int, int) or None
        Range of word n-grams; None for no word features.
    char_ngrams : tuple of (int, int) or None
        Range of character n-grams (``char_wb``); None for no character features.
    min_df : int
        Ignore n-grams found in fewer training documents than this.
    class_weight : "balanced" or None
        Passed to each frame's linear model.
    thresholds : {"micro", "frame"} or float
        How each frame's decision threshold on the calibrated probability is chosen:
        ``"micro"`` maximises the micro-averaged F1 over all frames on the inner folds (the
        SemEval metric; it keeps rare frames from being over-predicted), ``"frame"`` each
        frame's own F1, a float uses that threshold for every frame.
    inner_cv : int
        Inner folds for calibration and thresholds (at least 2).
    lexicon : None, str or transformer
        None: text features only. A codebook name or YAML path: a hybrid with
        ``framing.lexicon.LexiconCoder(codebook=lexicon)`` counts as extra features. Any
        transformer with ``fit``/``transform`` returning documents x columns counts works too.
    lexicon_weight : float
        Scale of the ``log1p`` lexicon counts relative to the L2-normalised TF-IDF blocks.
    random_state : int
        Seed of the inner folds and of liblinear.

    Attributes
    ----------
    classes_ : ndarray of shape (n_frames,)
        The frame names (the columns of a DataFrame ``Y``), or 0..n_frames-1 for an array.
    vectorizers_ : list of (str, TfidfVectorizer)
        The fitted text feature blocks, ``"word"`` and/or ``"char"``.
    lexicon_ : transformer or None
        The fitted lexicon transformer of a hybrid.
    estimators_ : list
        One fitted linear model per frame; None for a frame that was constant in training.
    calibration_ : ndarray of shape (n_frames, 2)
        Slope and intercept of each frame's Platt sigmoid on the decision value.
    thresholds_ : ndarray of shape (n_frames,)
        The decision threshold on each frame's probability.
    prevalence_ : ndarray of shape (n_frames,)
        Share of training documents with each frame.
    n_documents_ : int
        Number of training documents.

    Examples
    --------
    >>> texts = ["Russia sent doctors and ventilators", "EU left Italy alone",
    ...          "Doctors arrived with ventilators", "Italy abandoned by the EU",
    ...          "More ventilators and doctors", "The EU abandoned Italy"] * 2
    >>> Y = pd.DataFrame({"aid": [1, 0] * 6, "eu_failure": [0, 1] * 6})
    >>> clf = FrameClassifier(inner_cv=3).fit(texts, Y)
    >>> clf.classes_.tolist()
    ['aid', 'eu_failure']
    >>> clf.predict(["ventilators and doctors", "the EU abandoned us"]).tolist()
    [[1, 0], [0, 1]]
    """

    def __init__(
        self,
        model: str = "logreg",
        C: float = 1.0,
        word_ngrams: tuple[int, int] | None = (1, 2),
        char_ngrams: tuple[int, int] | None = (2, 5),
        min_df: int = 2,
        class_weight: str | None = "balanced",
        thresholds: str | float = "micro",
        inner_cv: int = 5,
        lexicon: Any = None,
        lexicon_weight: float = 1.0,
        random_state: int = 0,
    ):
        self.model = model
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.class_weight = class_weight
        self.thresholds = thresholds
        self.inner_cv = inner_cv
        self.lexicon = lexicon
        self.lexicon_weight = lexicon_weight
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------------
    def _check_params(self, n_documents: int) -> None:
        if self.model not in ("logreg", "svm"):
            raise FramingError(f"model must be 'logreg' or 'svm', not {self.model!r}")
        if self.word_ngrams is None and self.char_ngrams is None and self.lexicon is None:
            raise FramingError("no features: word_ngrams, char_ngrams and lexicon are all None")
        if not (isinstance(self.thresholds, float | int) and 0 < self.thresholds < 1
                or self.thresholds in ("micro", "frame")):
            raise FramingError(f"thresholds must be 'micro', 'frame' or a number in (0, 1), "
                               f"not {self.thresholds!r}")
        if not isinstance(self.inner_cv, int) or self.inner_cv < 2:
            raise FramingError(f"inner_cv must be an integer >= 2, not {self.inner_cv!r}")
        if n_documents < self.inner_cv:
            raise InputError(Problem("texts", f"{n_documents} training documents are fewer "
                                              f"than inner_cv={self.inner_cv} folds"))

    def _linear_model(self):
        if self.model == "svm":
            return LinearSVC(C=self.C, class_weight=self.class_weight,
                             random_state=self.random_state)
        return LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear",
                                  dual=True, random_state=self.random_state)

    def _blocks(self) -> list[tuple[str, TfidfVectorizer]]:
        blocks = []
        if self.word_ngrams is not None:
            blocks.append(("word", TfidfVectorizer(
                ngram_range=tuple(self.word_ngrams), min_df=self.min_df, sublinear_tf=True,
                dtype=np.float64)))
        if self.char_ngrams is not None:
            blocks.append(("char", TfidfVectorizer(
                analyzer="char_wb", ngram_range=tuple(self.char_ngrams), min_df=self.min_df,
                sublinear_tf=True, dtype=np.float64)))
        return blocks

    def _features(self, texts: list[str]) -> sp.csr_matrix:
        parts = [vec.transform(texts) for _, vec in self.vectorizers_]
        if self.lexicon_ is not None:
            counts = sp.csr_matrix(self.lexicon_.transform(texts), dtype=np.float64)
            parts.append(counts.log1p() * float(self.lexicon_weight))
        return sp.hstack(parts, format="csr")

    def fit(self, X: Iterable[str], Y: Any) -> FrameClassifier:
        """Fit on texts ``X`` and the 0/1 label matrix ``Y`` (documents x frames).

        Parameters
        ----------
        X : sequence of str
        Y : array-like or DataFrame of shape (n_documents, n_frames)
            0/1 codes; a DataFrame's column names become ``classes_``.

        Returns
        -------
        self
        """
        texts = _texts(X)
        labels, classes = _labels(Y, len(texts))
        self._check_params(len(texts))
        self.vectorizers_ = self._blocks()
        for kind, vec in self.vectorizers_:
            try:
                vec.fit(texts)
            except ValueError as exc:                 # e.g. no n-gram in min_df documents
                raise InputError(Problem("texts", f"no {kind} features: {exc} "
                                                  f"(min_df={self.min_df})")) from None
        self.lexicon_ = _lexicon_transformer(self.lexicon)
        if self.lexicon_ is not None:
            self.lexicon_.fit(texts)
        features = self._features(texts)

        folds = [(train, test, features[train], features[test]) for train, test in KFold(
            self.inner_cv, shuffle=True, random_state=self.random_state).split(features)]
        n, k = labels.shape
        oof = np.zeros((n, k))
        self.estimators_, self.calibration_ = [], np.zeros((k, 2))
        for j in range(k):
            y = labels[:, j]
            if y.min() == y.max():                     # constant: always that value
                self.estimators_.append(None)
                self.calibration_[j] = (0.0, 30.0 if y[0] else -30.0)
                oof[:, j] = y[0]
                continue
            scores = np.zeros(n)
            for train, test, X_train, X_test in folds:
                if y[train].min() == y[train].max():
                    scores[test] = 1.0 if y[train][0] else -1.0
                else:
                    scores[test] = self._linear_model().fit(
                        X_train, y[train]).decision_function(X_test)
            platt = LogisticRegression(C=1e4).fit(scores[:, None], y)
            self.calibration_[j] = (platt.coef_[0, 0], platt.intercept_[0])
            oof[:, j] = expit(self.calibration_[j, 0] * scores + self.calibration_[j, 1])
            self.estimators_.append(self._linear_model().fit(features, y))
        if isinstance(self.thresholds, str):
            self.thresholds_ = _tune_thresholds(oof, labels, self.thresholds)
        else:
            self.thresholds_ = np.full(k, float(self.thresholds))
        self.classes_ = classes
        self.prevalence_ = labels.mean(axis=0)
        self.n_documents_ = n
        return self

    # -- applying ----------------------------------------------------------------------------
    def _decision(self, features: sp.csr_matrix) -> np.ndarray:
        out = np.zeros((features.shape[0], len(self.estimators_)))
        for j, est in enumerate(self.estimators_):
            if est is not None:
                out[:, j] = est.decision_function(features)
        return out

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """Raw decision values of each frame's linear model, shape (n_documents, n_frames).

        A frame that was constant in training scores 0.
        """
        check_is_fitted(self, "estimators_")
        return self._decision(self._features(_texts(X)))

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probability that each frame is present, shape (n_documents, n_frames)."""
        check_is_fitted(self, "estimators_")
        scores = self._decision(self._features(_texts(X)))
        return expit(scores * self.calibration_[:, 0] + self.calibration_[:, 1])

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """0/1 codes, shape (n_documents, n_frames): probability at or above the threshold."""
        return (self.predict_proba(X) >= self.thresholds_).astype(np.int64)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the model's features: ``word:...``, ``char:...``, ``lexicon:<frame>``."""
        check_is_fitted(self, "estimators_")
        names = [f"{kind}:{name}" for kind, vec in self.vectorizers_
                 for name in vec.get_feature_names_out()]
        if self.lexicon_ is not None:
            n_columns = self.lexicon_.transform([""]).shape[1]
            names += [f"lexicon:{name}" for name in _lexicon_names(self.lexicon_, n_columns)]
        return np.asarray(names, dtype=object)


class LexiconClassifier(_SavesLexiconRecipe, _MultiLabelTextTags, ClassifierMixin,
                        BaseEstimator):
    """The lexicon coder as a multi-label classifier: a frame is coded present when it has at
    least ``min_count`` lexicon matches.

    Nothing is learned: :meth:`fit` only lines up the label columns of ``Y`` with the lexicon's
    frames, so that the lexicon is evaluated exactly like a trained model.

    Parameters
    ----------
    lexicon : str or transformer
        A codebook name or YAML path (``framing.lexicon.LexiconCoder(codebook=lexicon)``), or
        any transformer whose ``get_feature_names_out()`` names its count columns.
    min_count : int
        Matches needed to code a frame present.

    Examples
    --------
    >>> clf = LexiconClassifier("softpower-aid").fit(
    ...     ["x", "y"], pd.DataFrame({"gratitude": [0, 1], "crisis_severity": [1, 0]}))
    >>> clf.predict(["Grazie, Russia! Thank you for the help.", "No match here."]).tolist()
    [[1, 0], [0, 0]]
    """

    def __init__(self, lexicon: Any = "softpower-aid", min_count: int = 1):
        self.lexicon = lexicon
        self.min_count = min_count

    def fit(self, X: Iterable[str], Y: Any) -> LexiconClassifier:
        """Line up the columns of ``Y`` with the lexicon's frames; return ``self``.

        Raises
        ------
        InputError
            When a column of ``Y`` is not a frame of the lexicon.
        """
        texts = _texts(X)
        _, classes = _labels(Y, len(texts))
        if self.lexicon is None:
            raise FramingError("LexiconClassifier needs a lexicon")
        self.lexicon_ = _lexicon_transformer(self.lexicon)
        self.lexicon_.fit(texts)
        names = _lexicon_names(self.lexicon_, self.lexicon_.transform([""]).shape[1])
        absent = [str(c) for c in classes if str(c) not in names]
        if absent:
            raise InputError(Problem("Y", f"no lexicon for frame(s) {absent}; the lexicon has "
                                          f"{names}", field="columns"))
        self.columns_ = np.asarray([names.index(str(c)) for c in classes])
        self.classes_ = classes
        return self

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """0/1 codes, shape (n_documents, n_frames), in the column order of ``Y`` in fit."""
        check_is_fitted(self, "columns_")
        counts = sp.csr_matrix(self.lexicon_.transform(_texts(X))).toarray()
        return (counts[:, self.columns_] >= self.min_count).astype(np.int64)


# -- persistence -----------------------------------------------------------------------------

def _card_path(path: Path) -> Path:
    return path.with_name(path.stem + ".card.json")


def _versions() -> dict[str, str]:
    import numpy
    import scipy
    import sklearn
    import skops

    from framing import __version__

    return {"framing-analysis": __version__, "scikit-learn": sklearn.__version__,
            "skops": skops.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def _model_card(model: Any, *, training_data: str = "", metrics: pd.DataFrame | None = None,
               ) -> dict[str, Any]:
    """The model card of a fitted model as a JSON-ready dict (see :func:`save_model`)."""
    check_is_fitted(model)
    lexicon = getattr(model, "lexicon_", None)
    card: dict[str, Any] = {
        "model": type(model).__name__,
        "params": _jsonable(model.get_params(deep=False)),
        "training_data": training_data,
        "n_documents": _jsonable(getattr(model, "n_documents_", None)),
        "frames": _jsonable(model.classes_),
        "codebook": _codebook_of(lexicon) if lexicon is not None else None,
        "seed": _jsonable(model.get_params().get("random_state")),
        "versions": _versions(),
    }
    if hasattr(model, "prevalence_"):
        card["prevalence"] = dict(zip(map(str, model.classes_),
                                      np.round(model.prevalence_, 4).tolist(), strict=True))
    if hasattr(model, "thresholds_"):
        card["thresholds"] = dict(zip(map(str, model.classes_),
                                      np.round(model.thresholds_, 4).tolist(), strict=True))
    card["metrics"] = None if metrics is None else _jsonable(
        json.loads(metrics.to_json(orient="records", double_precision=4)))
    return card


def save_model(model: Any, path: str | os.PathLike, *, training_data: str = "",
               metrics: pd.DataFrame | None = None, force: bool = False) -> Path:
    """Save a fitted model to a ``.skops`` file and its model card beside it.

    The card, ``<name>.card.json``, records the model's parameters, the training data
    (``training_data``, a free-text description), the number of documents, the frames with
    their prevalence and thresholds, the codebook name and version of a hybrid's lexicon, the
    seed, the package versions and ``metrics`` (e.g. the ``scores`` table of
    :func:`framing.evaluate.cross_validate_frames`). Both files are written atomically.

    Returns
    -------
    Path
        The model file.

    Raises
    ------
    FramingError
        When ``path`` does not end in ``.skops``, a file exists and ``force`` is False, or
        the model holds an object skops cannot save (e.g. a custom lexicon transformer
        whose state cannot be serialised).

    Examples
    --------
    >>> import tempfile
    >>> clf = LexiconClassifier("softpower-aid").fit(["a"], pd.DataFrame({"gratitude": [0]}))
    >>> folder = Path(tempfile.mkdtemp())
    >>> save_model(clf, folder / "lex.skops", training_data="none").name
    'lex.skops'
    >>> read_model_card(folder / "lex.skops")["codebook"]["name"]
    'softpower-aid'
    """
    import skops.io
    from skops.io.exceptions import UnsupportedTypeException

    path = Path(path)
    if path.suffix != ".skops":
        raise FramingError(f"{path}: a model file must end in .skops")
    card_path = _card_path(path)
    check_writable(path, force)
    check_writable(card_path, force)
    card = _model_card(model, training_data=training_data, metrics=metrics)
    with atomic_path(path) as tmp:
        try:
            skops.io.dump(model, tmp)
        except (TypeError, UnsupportedTypeException) as exc:
            raise FramingError(f"{path}: skops cannot save this {type(model).__name__} "
                               f"({exc})") from None
    with atomic_path(card_path) as tmp:
        tmp.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_model(path: str | os.PathLike, trusted: Sequence[str] | None = None) -> Any:
    """Load a model saved by :func:`save_model`, refusing types not known to be safe.

    Parameters
    ----------
    path : path
        A ``.skops`` file.
    trusted : sequence of str, optional
        Fully qualified type names to trust in addition to skops' defaults and
        :data:`TRUSTED_TYPES`. Only add types whose code you trust: loading runs it.

    Raises
    ------
    FramingError
        When the file is absent or not a skops file, or holds an untrusted type (the message
        lists them).
    """
    import skops.io

    path = Path(path)
    if not path.is_file():
        raise FramingError(f"{path}: no such model file")
    try:
        untrusted = skops.io.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises zipfile/JSON errors for foreign files
        raise FramingError(f"{path}: not a skops model file ({exc})") from None
    allowed = set(TRUSTED_TYPES) | set(trusted or ())
    refused = sorted(set(untrusted) - allowed)
    if refused:
        raise FramingError(
            f"{path}: refusing to load untrusted type(s) {refused}; if you trust the file's "
            "source, pass them as trusted= (CLI: --trust)")
    return skops.io.load(path, trusted=sorted(untrusted))


def read_model_card(path: str | os.PathLike) -> dict[str, Any]:
    """The model card saved beside the model file ``path`` (a ``.skops`` file)."""
    card_path = _card_path(Path(path))
    if not card_path.is_file():
        raise FramingError(f"{card_path}: no model card beside {path}")
    return json.loads(card_path.read_text(encoding="utf-8"))
