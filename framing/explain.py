"""What a fitted :class:`~framing.classify.FrameClassifier` has learned, and why it coded a
document as it did; candidate lexicon terms for a human to review.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from framing.classify import FrameClassifier, _labels, _texts
from framing.errors import FramingError

__all__ = ["top_features", "explain_document", "suggest_lexicon_terms"]

_DIGITS = 4


def _weights(model: FrameClassifier) -> np.ndarray:
    """Feature weights per frame, shape (n_frames, n_features); zeros for a constant frame."""
    check_is_fitted(model, "estimators_")
    if not isinstance(model, FrameClassifier):
        raise FramingError(f"expected a fitted FrameClassifier, not {type(model).__name__}")
    n_features = len(model.get_feature_names_out())
    out = np.zeros((len(model.estimators_), n_features))
    for j, est in enumerate(model.estimators_):
        if est is not None:
            out[j] = est.coef_[0]
    return out


def top_features(model: FrameClassifier, n: int = 10) -> pd.DataFrame:
    """The ``n`` features with the largest positive and negative weight for each frame.

    Returns
    -------
    DataFrame
        ``frame, direction`` (``positive``: pushes towards the frame; ``negative``: away),
        ``rank`` (1 = strongest), ``feature`` (``word:...``, ``char:...`` or
        ``lexicon:<frame>``), ``weight``. Frames constant in training have no rows.

    Examples
    --------
    >>> texts = ["doctors and ventilators", "ventilators arrived",
    ...          "the EU left Italy alone", "Italy alone again"] * 2
    >>> Y = pd.DataFrame({"aid": [1, 1, 0, 0] * 2})
    >>> clf = FrameClassifier(word_ngrams=(1, 1), char_ngrams=None, min_df=1,
    ...                       inner_cv=2).fit(texts, Y)
    >>> print(top_features(clf, n=2).to_string())
      frame direction  rank           feature  weight
    0   aid  positive     1  word:ventilators  0.6629
    1   aid  positive     2      word:arrived  0.4918
    2   aid  negative     1        word:alone -0.5407
    3   aid  negative     2        word:italy -0.5407
    """
    weights = _weights(model)
    names = model.get_feature_names_out()
    rows = []
    for j, frame in enumerate(model.classes_):
        if model.estimators_[j] is None:
            continue
        w = weights[j]
        strongest = {"positive": np.lexsort((names, -w))[:n],   # ties: by feature name
                     "negative": np.lexsort((names, w))[:n]}
        for direction, idx in strongest.items():
            for rank, i in enumerate(idx, start=1):
                if (w[i] > 0) == (direction == "positive") and w[i] != 0:
                    rows.append([frame, direction, rank, names[i], round(float(w[i]), _DIGITS)])
    return pd.DataFrame(rows, columns=["frame", "direction", "rank", "feature", "weight"])


def explain_document(model: FrameClassifier, text: str, n: int = 5) -> pd.DataFrame:
    """The terms that drove each frame's prediction for one document.

    The contribution of a feature is its value in the document times its weight; the
    decision value is their sum plus the intercept, which the Platt sigmoid maps to the
    probability compared with the frame's threshold.

    Returns
    -------
    DataFrame
        ``frame, probability, threshold, predicted, rank, feature, value, weight,
        contribution``: for each frame, the ``n`` features with the largest absolute
        contribution, strongest first.

    Examples
    --------
    >>> texts = ["doctors and ventilators", "ventilators arrived",
    ...          "the EU left Italy alone", "Italy alone again"] * 2
    >>> Y = pd.DataFrame({"aid": [1, 1, 0, 0] * 2})
    >>> clf = FrameClassifier(word_ngrams=(1, 1), char_ngrams=None, min_df=1,
    ...                       inner_cv=2).fit(texts, Y)
    >>> explain_document(clf, "ventilators arrived in Italy", n=3)[
    ...     ["predicted", "feature", "contribution"]].to_numpy().tolist()
    [[1, 'word:ventilators', 0.3425], [1, 'word:arrived', 0.3358], [1, 'word:italy', -0.2793]]
    """
    if not isinstance(text, str):
        raise FramingError(f"explain_document takes one text, not {type(text).__name__}")
    weights = _weights(model)
    names = model.get_feature_names_out()
    x = sp.csr_matrix(model._features([text]))
    proba = model.predict_proba([text])[0]
    rows = []
    for j, frame in enumerate(model.classes_):
        contrib = x.data * weights[j, x.indices]
        order = np.lexsort((names[x.indices], -np.abs(contrib)))[:n]
        for rank, i in enumerate(order, start=1):
            if contrib[i] == 0:
                continue
            rows.append([frame, round(float(proba[j]), _DIGITS), float(model.thresholds_[j]),
                         int(proba[j] >= model.thresholds_[j]), rank, names[x.indices[i]],
                         round(float(x.data[i]), _DIGITS),
                         round(float(weights[j, x.indices[i]]), _DIGITS),
                         round(float(contrib[i]), _DIGITS)])
    return pd.DataFrame(rows, columns=["frame", "probability", "threshold", "predicted", "rank",
                                       "feature", "value", "weight", "contribution"])


def suggest_lexicon_terms(
    model: FrameClassifier,
    texts: Iterable[str],
    Y: Any,
    *,
    n: int = 20,
    min_docs: int = 3,
    min_precision: float = 0.5,
    exclude: Sequence[str] = (),
) -> pd.DataFrame:
    """Candidate lexicon terms per frame, from the classifier's weights and the gold codes.

    A candidate is a word n-gram of the model with a positive weight for the frame that
    occurs in at least ``min_docs`` gold-positive documents of ``texts``, and is precise:
    at least ``min_precision`` of the documents containing it have the frame, and more than
    the frame's prevalence (``lift > 1``); the precision bar keeps out function words that
    the classifier weighs but a lexicon cannot use. These are suggestions for a human coder
    to review against the codebook's definitions, never additions to make blindly.

    Parameters
    ----------
    model : FrameClassifier
        Fitted, with word features.
    texts, Y
        Gold-coded documents (usually the training data); columns of ``Y`` in the order of
        ``model.classes_``.
    n : int
        Candidates per frame, by descending weight.
    min_docs : int
        Minimum number of gold-positive documents containing the term.
    min_precision : float
        Minimum share of the documents containing the term that have the frame.
    exclude : sequence of str
        Terms to leave out (e.g. those already in the lexicon), compared case-insensitively.

    Returns
    -------
    DataFrame
        ``frame, rank, term, weight, docs_with_frame, docs_without_frame, precision`` (share
        of documents containing the term that have the frame) and ``lift`` (precision over
        the frame's prevalence).

    Examples
    --------
    >>> texts = ["doctors and ventilators", "ventilators arrived",
    ...          "the EU left Italy alone", "Italy alone again"] * 2
    >>> Y = pd.DataFrame({"aid": [1, 1, 0, 0] * 2})
    >>> clf = FrameClassifier(word_ngrams=(1, 1), char_ngrams=None, min_df=1,
    ...                       inner_cv=2).fit(texts, Y)
    >>> suggest_lexicon_terms(clf, texts, Y, n=3, min_docs=2, exclude=["and"])[
    ...     ["term", "docs_with_frame", "precision", "lift"]].to_numpy().tolist()
    [['ventilators', 4, 1.0, 2.0], ['arrived', 2, 1.0, 2.0], ['doctors', 2, 1.0, 2.0]]
    """
    weights = _weights(model)
    blocks = dict(model.vectorizers_)
    if "word" not in blocks:
        raise FramingError("suggest_lexicon_terms needs a model with word features")
    docs = _texts(texts)
    labels, _ = _labels(Y, len(docs))
    if labels.shape[1] != len(model.classes_):
        raise FramingError(f"Y has {labels.shape[1]} columns; the model has "
                           f"{len(model.classes_)} frames")
    vectorizer = blocks["word"]
    terms = vectorizer.get_feature_names_out()
    present = (vectorizer.transform(docs) > 0).astype(np.int64).tocsc()
    excluded = {t.lower() for t in exclude}
    rows = []
    for j, frame in enumerate(model.classes_):
        y = labels[:, j].astype(np.int64)
        prevalence = y.mean()
        if model.estimators_[j] is None or prevalence == 0:
            continue
        with_frame = present.T @ y
        total = np.asarray(present.sum(axis=0)).ravel()
        w = weights[j, :len(terms)]                 # the word block comes first
        with np.errstate(divide="ignore", invalid="ignore"):
            precision = np.where(total > 0, with_frame / total, 0.0)
        keep = ((w > 0) & (with_frame >= min_docs) & (precision >= min_precision)
                & (precision > prevalence))
        keep &= np.array([t.lower() not in excluded for t in terms])
        idx = np.flatnonzero(keep)
        idx = idx[np.lexsort((terms[idx], -w[idx]))][:n]
        for rank, i in enumerate(idx, start=1):
            rows.append([frame, rank, terms[i], round(float(w[i]), _DIGITS), int(with_frame[i]),
                         int(total[i] - with_frame[i]), round(float(precision[i]), _DIGITS),
                         round(float(precision[i] / prevalence), _DIGITS)])
    return pd.DataFrame(rows, columns=["frame", "rank", "term", "weight", "docs_with_frame",
                                       "docs_without_frame", "precision", "lift"])
