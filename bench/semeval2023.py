"""Frame classification on SemEval-2023 Task 3 subtask 2: ours against a standard baseline.

For each language (en, it, ru, fr, ge, po) the training articles are split by seeded 5-fold
cross-validation; in every fold, on the same split and in the same process:

- baseline: TF-IDF word 1-2 grams + one-vs-rest ``LinearSVC``, scikit-learn defaults;
- ours: ``framing.classify.FrameClassifier()`` with its defaults.

Both see the whole article file (its first line is the title). The metric is the task's:
micro-F1 over the 14 frames, per fold; we report its mean and sd over the folds (the test
folds hold 26-87 articles, so a single split is noisy). An ablation on the same folds shows
where the difference comes from.

The defaults of ``FrameClassifier`` were chosen on other partitions of these articles (5-fold
cross-validation seeded 1), never on the folds reported here (seed 0); per-frame thresholds
are tuned inside each training fold by inner cross-validation (nested). The partitions differ
but the articles are the same, so the choice among the few settings compared (C 0.3-3, word
and character n-gram ranges, doubling the title; all within 0.02 of one another) may still
flatter ours slightly.

Run: ``make bench`` (when ``$FRAMING_DATA_HOME/semeval2023_task3_st2`` exists) or
``python bench/semeval2023.py [--langs en,it] [--folds 5] [--seed 0]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from framing.classify import FrameClassifier

LANGS = ("en", "it", "ru", "fr", "ge", "po")
TARGET_GAIN = 0.05

EXPLANATION = """\
What makes the difference (the ablation above, same folds, each row adding one step):
- Class imbalance. Most frames are absent from most articles, and an unweighted linear model
  on a few hundred articles rarely predicts them: recall, and micro-F1, stay low (Russian
  worst). Balanced class weights are the largest single step.
- Calibration. Each frame's decision values on inner folds of the training data are mapped
  to probabilities by a Platt sigmoid; coding at p >= 0.5 is better than at decision value 0.
- Thresholds. Each frame's threshold is tuned on the same inner folds to maximise the
  micro-F1 of all frames together: frequent frames get low thresholds, rare frames (which
  would cost more false positives than they bring true positives) high ones. On the tuning
  partitions, maximising each frame's own F1 instead did worse than no tuning at all.
- Character n-grams (char_wb 2-5) on top of word 1-2 grams: robust to inflection (Russian,
  Polish, German, Italian); the last, smaller step, and the costly part of the features.
"""


def semeval_root() -> Path | None:
    home = os.environ.get("FRAMING_DATA_HOME")
    root = Path(home) / "semeval2023_task3_st2" if home else None
    return root if root is not None and (root / "frames.txt").is_file() else None


def load_language(root: Path, lang: str, frames: list[str]) -> tuple[list[str], np.ndarray]:
    """Article files (title line, blank line, body) and their 0/1 frame matrix."""
    texts, rows = [], []
    lines = (root / lang / "train-labels.txt").read_text(encoding="utf-8").splitlines()
    for line in lines:
        if not line.strip():
            continue
        article_id, _, labels = line.partition("\t")
        path = root / lang / "train-articles" / f"article{article_id.strip()}.txt"
        texts.append(path.read_text(encoding="utf-8"))
        present = {label.strip() for label in labels.split(",") if label.strip()}
        unknown = present - set(frames)
        if unknown:
            raise SystemExit(f"{path}: unknown frame(s) {sorted(unknown)}")
        rows.append([int(frame in present) for frame in frames])
    return texts, np.asarray(rows, dtype=np.int64)


def baseline(class_weight=None):
    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                         OneVsRestClassifier(LinearSVC(class_weight=class_weight)))


def micro_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    return float(f1_score(gold, pred, average="micro", zero_division=0))


def run_language(texts: list[str], Y: np.ndarray, folds: int, seed: int) -> list[dict]:
    """Micro-F1 of every system on every fold of one language."""
    docs = np.asarray(texts, dtype=object)
    word_only = FrameClassifier(char_ngrams=None, random_state=seed)
    ours = FrameClassifier(random_state=seed)
    rows = []
    for fold, (train, test) in enumerate(
            KFold(folds, shuffle=True, random_state=seed).split(docs)):
        tr, te, gold = list(docs[train]), list(docs[test]), Y[test]
        scores = {"baseline": micro_f1(gold, baseline().fit(tr, Y[train]).predict(te)),
                  "balanced": micro_f1(gold, baseline("balanced").fit(tr, Y[train]).predict(te))}
        for name, model in (("word", word_only), ("ours", ours)):
            fitted = clone(model).fit(tr, Y[train])
            proba = fitted.predict_proba(te)
            scores[f"{name} p>=0.5"] = micro_f1(gold, (proba >= 0.5).astype(int))
            scores[name] = micro_f1(gold, (proba >= fitted.thresholds_).astype(int))
        rows += [{"fold": fold, "system": k, "micro_f1": v} for k, v in scores.items()]
    return rows


ABLATION = [
    ("baseline", "baseline: word 1-2 TF-IDF + LinearSVC, defaults, decision value >= 0"),
    ("balanced", "+ balanced class weights"),
    ("word p>=0.5", "+ calibration: logistic regression, sublinear TF, Platt sigmoid on "
                    "inner folds, p >= 0.5"),
    ("word", "+ per-frame thresholds tuned for micro-F1 on the inner folds"),
    ("ours", "+ character n-grams: FrameClassifier() with its defaults"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default=",".join(LANGS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    root = semeval_root()
    if root is None:
        print("semeval2023: skipped ($FRAMING_DATA_HOME/semeval2023_task3_st2 not found)")
        return 0
    frames = [f.strip() for f in (root / "frames.txt").read_text().splitlines() if f.strip()]
    langs = [lang.strip() for lang in args.langs.split(",") if lang.strip()]
    rows = []
    start = time.perf_counter()
    for lang in langs:
        texts, Y = load_language(root, lang, frames)
        t0 = time.perf_counter()
        for row in run_language(texts, Y, args.folds, args.seed):
            rows.append({"lang": lang, "n": len(texts), **row})
        print(f"  {lang}: {len(texts)} articles, {time.perf_counter() - t0:.0f} s",
              file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    stats = table.groupby(["lang", "system"], sort=False)["micro_f1"].agg(["mean", "std"])

    print(f"SemEval-2023 Task 3 subtask 2, micro-F1 over {len(frames)} frames, "
          f"{args.folds}-fold CV (seed {args.seed}), mean ± sd over folds\n")
    print(f"{'lang':<6}{'n':>5}  {'baseline':>14}  {'ours':>14}  {'gain':>7}")
    gains = []
    for lang in langs:
        base, ours = stats.loc[(lang, "baseline")], stats.loc[(lang, "ours")]
        gains.append(ours["mean"] - base["mean"])
        n = int(table.loc[table["lang"] == lang, "n"].iloc[0])
        print(f"{lang:<6}{n:>5}  {base['mean']:>7.3f} ± {base['std']:.3f}  "
              f"{ours['mean']:>7.3f} ± {ours['std']:.3f}  {gains[-1]:>+7.3f}")
    means = stats["mean"].unstack("system")
    print(f"{'mean':<6}{'':>5}  {means['baseline'].mean():>7.3f}{'':>8}  "
          f"{means['ours'].mean():>7.3f}{'':>8}  {np.mean(gains):>+7.3f}\n")

    print("Ablation, micro-F1 averaged over the languages (step: change from the row above):")
    previous = None
    for system, description in ABLATION:
        score = means[system].mean()
        step = "" if previous is None else f"{score - previous:+.3f}"
        print(f"  {score:.3f} {step:>7}  {description}")
        previous = score
    print(f"  ({means['ours p>=0.5'].mean():.3f} for FrameClassifier() coding at p >= 0.5: "
          "what its tuned thresholds add)\n")
    print(EXPLANATION)
    every = all(g > 0 for g in gains)
    enough = np.mean(gains) >= TARGET_GAIN
    print(f"ours beats the baseline in every language: {'yes' if every else 'NO'}; "
          f"mean gain {np.mean(gains):+.3f} (target >= {TARGET_GAIN:+.2f}): "
          f"{'met' if enough else 'NOT MET'}")
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0 if every and enough else 1


if __name__ == "__main__":
    sys.exit(main())
