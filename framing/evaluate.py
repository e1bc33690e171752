"""How well a machine coder reproduces gold frame codes.

Per-frame precision, recall and F1 with support and confusion counts, micro and macro
averages, and Krippendorff's alpha between the machine and gold (:func:`frame_scores`);
cross-validation that keeps a group (an outlet, an event, a syndicated story) or a date on one
side of every split (:class:`GroupedFrameKFold`, :class:`DateKFold`); lexicon, classifier and
hybrid evaluated side by side in one tidy table (:func:`cross_validate_frames`,
:func:`compare_coders`); and learning curves (:func:`learning_curve`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedGroupKFold
from tqdm import tqdm

from framing.classify import _labels, _texts
from framing.errors import FramingError, InputError, Problem

__all__ = [
    "frame_scores",
    "GroupedFrameKFold",
    "DateKFold",
    "CrossValidation",
    "cross_validate_frames",
    "compare_coders",
    "learning_curve",
]

_DIGITS = 4
_SCORE_COLUMNS = ["frame", "support", "predicted", "tp", "fp", "fn", "tn",
                  "precision", "recall", "f1", "alpha"]


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else 0.0


def _alpha(machine: np.ndarray, gold: np.ndarray) -> float:
    """Nominal alpha of two coders (machine, gold) over the units; NaN when undefined."""
    from framing.reliability import alpha
    from framing.reliability._measures import ReliabilityWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        return float(alpha(np.vstack([machine, gold]).astype(float), level="nominal"))


def frame_scores(gold: Any, pred: Any, frames: Sequence[str] | None = None) -> pd.DataFrame:
    """Per-frame and averaged agreement of machine codes with gold codes.

    Parameters
    ----------
    gold, pred : array-like or DataFrame of shape (n_documents, n_frames)
        0/1 codes, documents in the same order. Frame names come from ``frames``, else the
        columns of ``gold`` when it is a DataFrame, else ``0..n_frames-1``; a DataFrame
        ``pred`` must have the same columns as ``gold`` (in any order).
    frames : sequence of str, optional
        Names of the frames (the columns).

    Returns
    -------
    DataFrame
        One row per frame, then ``micro`` and ``macro``. Columns ``frame, support`` (gold
        positives), ``predicted`` (machine positives), ``tp, fp, fn, tn``, ``precision,
        recall, f1`` and ``alpha`` (Krippendorff's nominal alpha of machine vs gold; NaN when
        undefined, e.g. a frame absent from both). A ratio with a zero denominator is 0, as
        in scikit-learn's ``zero_division=0``. ``micro`` pools the counts of all frames (its
        alpha treats every document-frame pair as a unit); ``macro`` averages the frames'
        precision, recall, F1 and (defined) alphas. Ratios rounded to 4 decimals.

    Examples
    --------
    >>> gold = pd.DataFrame({"aid": [1, 1, 0, 0], "eu_failure": [1, 0, 0, 1]})
    >>> pred = pd.DataFrame({"aid": [1, 0, 0, 0], "eu_failure": [1, 1, 0, 1]})
    >>> frame_scores(gold, pred)[["frame", "tp", "fp", "fn", "precision", "recall", "f1"]]
            frame  tp  fp  fn  precision  recall      f1
    0         aid   1   0   1     1.0000    0.50  0.6667
    1  eu_failure   2   1   0     0.6667    1.00  0.8000
    2       micro   3   1   1     0.7500    0.75  0.7500
    3       macro   3   1   1     0.8333    0.75  0.7333
    """
    gold_values = _matrix(gold, "gold")
    names = (list(map(str, frames)) if frames is not None
             else list(map(str, gold.columns)) if isinstance(gold, pd.DataFrame)
             else [str(i) for i in range(gold_values.shape[1])])
    if isinstance(pred, pd.DataFrame) and isinstance(gold, pd.DataFrame):
        missing = [c for c in gold.columns if c not in pred.columns]
        if missing:
            raise InputError(Problem("pred", f"no column for frame(s) {missing}",
                                     field="columns"))
        pred = pred[list(gold.columns)]
    pred_values = _matrix(pred, "pred")
    if pred_values.shape != gold_values.shape:
        raise InputError(Problem("pred", f"shape {pred_values.shape} differs from gold's "
                                         f"{gold_values.shape}"))
    if len(names) != gold_values.shape[1]:
        raise InputError(Problem("frames", f"{len(names)} names for {gold_values.shape[1]} "
                                           "columns"))
    g, p = gold_values == 1, pred_values == 1
    tp, fp = (g & p).sum(axis=0), (~g & p).sum(axis=0)
    fn, tn = (g & ~p).sum(axis=0), (~g & ~p).sum(axis=0)
    rows = []
    for j, name in enumerate(names):
        prec, rec = _ratio(tp[j], tp[j] + fp[j]), _ratio(tp[j], tp[j] + fn[j])
        rows.append([name, tp[j] + fn[j], tp[j] + fp[j], tp[j], fp[j], fn[j], tn[j], prec, rec,
                     _ratio(2 * prec * rec, prec + rec),
                     _alpha(pred_values[:, j], gold_values[:, j])])
    table = pd.DataFrame(rows, columns=_SCORE_COLUMNS)
    TP, FP, FN, TN = tp.sum(), fp.sum(), fn.sum(), tn.sum()
    counts = [TP + FN, TP + FP, TP, FP, FN, TN]
    micro_p, micro_r = _ratio(TP, TP + FP), _ratio(TP, TP + FN)
    micro = ["micro", *counts, micro_p, micro_r, _ratio(2 * TP, 2 * TP + FP + FN),
             _alpha(pred_values.ravel(), gold_values.ravel())]
    alphas = table["alpha"].dropna()
    macro = ["macro", *counts, table["precision"].mean(), table["recall"].mean(),
             table["f1"].mean(), alphas.mean() if len(alphas) else np.nan]
    table = pd.concat([table, pd.DataFrame([micro, macro], columns=_SCORE_COLUMNS)],
                      ignore_index=True)
    int_cols = ["support", "predicted", "tp", "fp", "fn", "tn"]
    table[int_cols] = table[int_cols].astype("int64")
    ratio_cols = ["precision", "recall", "f1", "alpha"]
    table[ratio_cols] = table[ratio_cols].astype(float).round(_DIGITS)
    return table


def _matrix(values: Any, where: str) -> np.ndarray:
    array = values.to_numpy() if isinstance(values, pd.DataFrame) else np.asarray(values)
    if array.ndim != 2:
        raise InputError(Problem(where, f"expected a 2-D 0/1 array, got {array.ndim} "
                                        "dimension(s)"))
    if pd.isna(array).any() or not np.isin(array, (0, 1)).all():
        raise InputError(Problem(where, "every cell must be 0 or 1"))
    return array.astype(np.int8)


# -- splitters --------------------------------------------------------------------------------

class GroupedFrameKFold:
    """K-fold cross-validation for multi-label data that never splits a group.

    Documents of one group (an outlet, an event, a syndicated story) are always on the same
    side of a split. Folds are balanced with scikit-learn's ``StratifiedGroupKFold`` on one
    label per document: its rarest frame (``"none"`` when it has no frame; frames that are
    the rarest of fewer documents than there are folds are pooled), so that rare frames spread
    over the folds.

    Parameters
    ----------
    n_splits : int
        Number of folds.
    random_state : int
        Seed of the shuffling of groups.

    Examples
    --------
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]])
    >>> groups = ["a", "a", "b", "b", "c", "c"]
    >>> [test.tolist() for _, test in GroupedFrameKFold(3).split(None, Y, groups)]
    [[2, 3], [0, 1], [4, 5]]
    """

    def __init__(self, n_splits: int = 5, random_state: int = 0):
        self.n_splits = n_splits
        self.random_state = random_state

    def __repr__(self) -> str:
        return f"GroupedFrameKFold(n_splits={self.n_splits}, random_state={self.random_state})"

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """The number of folds."""
        return self.n_splits

    def split(self, X: Any, y: Any, groups: Sequence | None = None
              ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train, test)`` index arrays; ``y`` is the 0/1 label matrix.

        Without ``groups`` every document is its own group.
        """
        Y = _matrix(y, "y")
        n = Y.shape[0]
        if groups is None:
            groups = np.arange(n)
        else:
            missing = pd.isna(pd.Series(list(groups), dtype=object))
            if missing.any():
                raise InputError(Problem("groups", "missing group",
                                         field=f"document {int(missing.idxmax())}"))
            groups = np.asarray([str(g) for g in groups])
        if len(groups) != n:
            raise InputError(Problem("groups", f"{len(groups)} groups for {n} documents"))
        n_groups = len(pd.unique(groups))
        if n_groups < self.n_splits:
            raise InputError(Problem("groups", f"{n_groups} groups cannot fill "
                                               f"{self.n_splits} folds"))
        prevalence = Y.sum(axis=0)
        rank = np.where(Y == 1, prevalence[None, :], np.iinfo(np.int64).max)
        rarest = pd.Series(np.where(Y.any(axis=1), rank.argmin(axis=1).astype(str), "none"))
        small = rarest.map(rarest.value_counts()) < self.n_splits
        rarest = rarest.mask(small, "other").to_numpy()
        splitter = StratifiedGroupKFold(self.n_splits, shuffle=True,
                                        random_state=self.random_state)
        with warnings.catch_warnings():  # a rare stratum with fewer members than folds
            warnings.simplefilter("ignore", UserWarning)
            folds = list(splitter.split(np.zeros(n), rarest, groups))
        yield from folds


class DateKFold:
    """Forward-chaining splits by date: train on the past, test on what comes next.

    The distinct dates are cut into ``n_splits + 1`` consecutive blocks of (nearly) equal
    numbers of dates; split ``i`` trains on blocks ``0..i`` and tests on block ``i + 1``, so
    articles of one date are never on both sides, and the first block is never tested. Pass
    the dates as ``groups`` (ISO strings sort correctly; so do datetimes).

    Parameters
    ----------
    n_splits : int
        Number of splits.

    Examples
    --------
    >>> dates = ["2020-03-01", "2020-03-01", "2020-03-02", "2020-03-03", "2020-03-04"]
    >>> [(tr.tolist(), te.tolist()) for tr, te in DateKFold(2).split(None, None, dates)]
    [([0, 1, 2], [3]), ([0, 1, 2, 3], [4])]
    """

    def __init__(self, n_splits: int = 5):
        self.n_splits = n_splits

    def __repr__(self) -> str:
        return f"DateKFold(n_splits={self.n_splits})"

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """The number of splits."""
        return self.n_splits

    def split(self, X: Any, y: Any = None, groups: Sequence | None = None
              ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train, test)`` index arrays; ``groups`` holds each document's date."""
        if groups is None:
            raise InputError(Problem("groups", "DateKFold needs the dates as groups"))
        dates = pd.Series(list(groups))
        if dates.isna().any():
            raise InputError(Problem("groups", "missing date",
                                     field=f"document {int(dates.isna().idxmax())}"))
        distinct = np.sort(dates.unique())
        if len(distinct) < self.n_splits + 1:
            raise InputError(Problem("groups", f"{len(distinct)} distinct dates cannot make "
                                               f"{self.n_splits} forward splits"))
        of_date = {d: b for b, members in enumerate(np.array_split(distinct, self.n_splits + 1))
                   for d in members}
        position = dates.map(of_date).to_numpy()
        for i in range(self.n_splits):
            yield np.flatnonzero(position <= i), np.flatnonzero(position == i + 1)


# -- cross-validation --------------------------------------------------------------------------

@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold results of one or more coders.

    Attributes
    ----------
    scores : DataFrame
        The tidy side-by-side table: ``coder`` then the columns of :func:`frame_scores`,
        computed on the pooled out-of-fold predictions (every tested document predicted once,
        by a model that never saw its group), one block of rows per coder.
    folds : DataFrame
        ``coder, fold, n_train, n_test, micro_f1, macro_f1``: the spread over folds.
    predictions : DataFrame
        ``coder, fold, doc`` (position in the input) and one 0/1 column per frame.
    """

    scores: pd.DataFrame
    folds: pd.DataFrame
    predictions: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Micro and macro F1 per coder: pooled, and mean and sd over folds.

        Examples
        --------
        >>> folds = pd.DataFrame({"coder": ["a", "a"], "fold": [0, 1], "n_train": [2, 2],
        ...                       "n_test": [2, 2], "micro_f1": [0.5, 0.7],
        ...                       "macro_f1": [0.4, 0.6]})
        >>> scores = pd.DataFrame({"coder": ["a", "a"], "frame": ["micro", "macro"],
        ...                        "f1": [0.6, 0.5]})
        >>> print(CrossValidation(scores, folds, pd.DataFrame()).summary().to_string())
          coder  micro_f1  macro_f1  micro_f1_mean  micro_f1_sd  macro_f1_mean  macro_f1_sd
        0     a       0.6       0.5            0.6       0.1414            0.5       0.1414
        """
        pooled = (self.scores[self.scores["frame"].isin(["micro", "macro"])]
                  .pivot(index="coder", columns="frame", values="f1")
                  .rename(columns={"micro": "micro_f1", "macro": "macro_f1"}))
        spread = self.folds.groupby("coder")[["micro_f1", "macro_f1"]].agg(["mean", "std"])
        spread.columns = [f"{metric}_{'sd' if stat == 'std' else stat}"
                          for metric, stat in spread.columns]
        table = pooled[["micro_f1", "macro_f1"]].join(spread).round(_DIGITS)
        order = list(dict.fromkeys(self.scores["coder"]))
        table = table.reindex(order).reset_index()
        table.columns.name = None
        return table


def _cv_splits(cv: Any, n_documents: int, labels: np.ndarray, groups: Any, seed: int
               ) -> list[tuple[np.ndarray, np.ndarray]]:
    if cv is None or isinstance(cv, int):
        cv = GroupedFrameKFold(5 if cv is None else cv, random_state=seed)
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in cv.split(
        np.zeros(n_documents), labels, groups)]
    if groups is not None:
        group_array = np.asarray(groups)
        for i, (train, test) in enumerate(splits):
            shared = set(group_array[train]) & set(group_array[test])
            if shared:
                raise FramingError(f"fold {i} of {cv!r} puts group(s) "
                                   f"{sorted(map(str, shared))[:5]} on both sides")
    return splits


def cross_validate_frames(
    coders: Mapping[str, Any],
    texts: Sequence[str],
    Y: Any,
    *,
    groups: Sequence | None = None,
    cv: Any = None,
    seed: int = 0,
    progress: bool = False,
) -> CrossValidation:
    """Cross-validate several coders on the same splits and score them side by side.

    Parameters
    ----------
    coders : mapping of name to estimator
        Unfitted estimators with ``fit(texts, Y)`` and ``predict(texts)`` (e.g.
        :class:`~framing.classify.FrameClassifier`,
        :class:`~framing.classify.LexiconClassifier`); each fold fits a clone.
    texts : sequence of str
    Y : DataFrame or array of shape (n_documents, n_frames)
        Gold 0/1 codes.
    groups : sequence, optional
        Group of each document (outlet, event, ...) for a grouped splitter, or its date for
        :class:`DateKFold`. Splits are checked: a group on both sides of a split is an error.
    cv : int, splitter or None
        None or an int: :class:`GroupedFrameKFold` with that many folds (default 5) seeded with
        ``seed``; or any object with ``split(X, y, groups)``.
    seed : int
        Seed of the default splitter.
    progress : bool
        Show a progress bar (on stderr) over coders and folds.

    Returns
    -------
    CrossValidation
    """
    docs = _texts(texts)
    labels, classes = _labels(Y, len(docs))
    names = [str(c) for c in classes]
    splits = _cv_splits(cv, len(docs), labels, groups, seed)
    label_frame = pd.DataFrame(labels, columns=names)
    fold_rows, pred_frames = [], []
    bar = tqdm(total=len(coders) * len(splits), desc="cross-validation", unit="fold",
               disable=not progress)
    for name, estimator in coders.items():
        predicted = np.full(labels.shape, -1, dtype=np.int64)
        fold_of = np.full(len(docs), -1)
        for i, (train, test) in enumerate(splits):
            model = clone(estimator).fit([docs[t] for t in train], label_frame.iloc[train])
            out = np.asarray(model.predict([docs[t] for t in test]), dtype=np.int64)
            predicted[test], fold_of[test] = out, i
            fold = frame_scores(labels[test], out, names).set_index("frame")["f1"]
            fold_rows.append([name, i, len(train), len(test), fold["micro"], fold["macro"]])
            bar.update()
        tested = fold_of >= 0
        block = pd.DataFrame(predicted[tested], columns=names)
        block.insert(0, "doc", np.flatnonzero(tested))
        block.insert(0, "fold", fold_of[tested])
        block.insert(0, "coder", name)
        pred_frames.append(block)
    bar.close()
    predictions = pd.concat(pred_frames, ignore_index=True)
    score_frames = []
    for name, block in predictions.groupby("coder", sort=False):
        table = frame_scores(labels[block["doc"].to_numpy()], block[names].to_numpy(), names)
        table.insert(0, "coder", name)
        score_frames.append(table)
    folds = pd.DataFrame(fold_rows, columns=["coder", "fold", "n_train", "n_test",
                                             "micro_f1", "macro_f1"])
    return CrossValidation(pd.concat(score_frames, ignore_index=True), folds, predictions)


def compare_coders(
    texts: Sequence[str],
    Y: pd.DataFrame,
    *,
    groups: Sequence | None = None,
    lexicon: Any = "softpower-aid",
    cv: Any = None,
    seed: int = 0,
) -> CrossValidation:
    """Lexicon, classifier and hybrid, cross-validated on the same splits, side by side.

    The three coders are ``LexiconClassifier(lexicon)`` (a frame is present when the lexicon
    matches it at least once), ``FrameClassifier()`` and ``FrameClassifier(lexicon=lexicon)``,
    both seeded with ``seed``. The columns of ``Y`` must be frames of the lexicon.

    Parameters
    ----------
    texts, Y, groups, cv, seed
        As in :func:`cross_validate_frames`.
    lexicon : str or transformer
        A codebook name or YAML path, or a lexicon transformer.

    Returns
    -------
    CrossValidation
        With coders ``lexicon``, ``classifier`` and ``hybrid``.
    """
    from framing.classify import FrameClassifier, LexiconClassifier

    coders = {
        "lexicon": LexiconClassifier(lexicon),
        "classifier": FrameClassifier(random_state=seed),
        "hybrid": FrameClassifier(lexicon=lexicon, random_state=seed),
    }
    return cross_validate_frames(coders, texts, Y, groups=groups, cv=cv, seed=seed)


def learning_curve(
    estimator: Any,
    texts: Sequence[str],
    Y: Any,
    *,
    sizes: Sequence[float] = (0.25, 0.5, 0.75, 1.0),
    groups: Sequence | None = None,
    cv: Any = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Out-of-fold micro and macro F1 as the training set grows.

    In each fold the training documents are put in one seeded random order and the first
    ``size`` share of them is used, so the smaller training sets are nested in the larger.

    Returns
    -------
    DataFrame
        ``size, n_train, fold, micro_f1, macro_f1``, one row per size and fold.
    """
    docs = _texts(texts)
    labels, classes = _labels(Y, len(docs))
    names = [str(c) for c in classes]
    bad = [s for s in sizes if not 0 < s <= 1]
    if bad:
        raise FramingError(f"sizes must be shares in (0, 1], not {bad}")
    rng = np.random.default_rng(seed)
    rows = []
    label_frame = pd.DataFrame(labels, columns=names)
    for i, (train, test) in enumerate(_cv_splits(cv, len(docs), labels, groups, seed)):
        order = rng.permutation(train)
        for size in sorted(sizes):
            subset = np.sort(order[:max(1, round(size * len(train)))])
            model = clone(estimator).fit([docs[t] for t in subset], label_frame.iloc[subset])
            out = np.asarray(model.predict([docs[t] for t in test]), dtype=np.int64)
            f1 = frame_scores(labels[test], out, names).set_index("frame")["f1"]
            rows.append([float(size), len(subset), i, f1["micro"], f1["macro"]])
    return pd.DataFrame(rows, columns=["size", "n_train", "fold", "micro_f1", "macro_f1"])
