# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4. Supervised classifiers: lexicon, classifier and hybrid
#
# Three coders are cross-validated on the same splits of the bundled corpus against the gold
# codes: the lexicon alone (a frame is present when one of its patterns matches), a
# supervised classifier (`FrameClassifier`: TF-IDF word and character n-grams, one
# class-weighted linear model per frame, calibrated probabilities, per-frame thresholds tuned
# by inner cross-validation) and the hybrid (the classifier with the lexicon's counts as extra
# features). Folds are grouped by event, so articles on the same event never sit on both
# sides of a split.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

import framing
from framing.classify import FrameClassifier
from framing.datasets import data_home, load_semeval2023, load_softpower_aid, semeval_labels
from framing.evaluate import compare_coders, frame_scores, learning_curve
from framing.explain import suggest_lexicon_terms, top_features
from framing.report import clear_outputs, save_figure, save_numbers, save_table

SMOKE = os.environ.get("FRAMING_SMOKE") == "1"
FRAMES = list(framing.load_codebook().frame_ids)
corpus = load_softpower_aid()
texts = (corpus.articles["title"] + "\n\n" + corpus.articles["text"]).tolist()
Y = corpus.gold_frames(FRAMES)[FRAMES]
groups = corpus.articles["event"].tolist()
folds = 3 if SMOKE else 5

# %% [markdown]
# ## Lexicon vs classifier vs hybrid (grouped 5-fold cross-validation by event)

# %%
cv = compare_coders(texts, Y, groups=groups, lexicon="softpower-aid", cv=folds, seed=0)
save_table(cv.scores, "classifiers_vs_gold", sort_by=[])
summary = cv.summary()
save_table(summary, "classifiers_summary", sort_by=[])
summary

# %%
f1 = cv.scores.pivot(index="frame", columns="coder", values="f1").reindex(FRAMES)
ax = f1.plot.barh(figsize=(8, 6), width=0.8)
ax.invert_yaxis()
ax.set_xlim(0, 1)
ax.set_xlabel("F1 against gold (out-of-fold)")
ax.set_title("Lexicon, classifier and hybrid per frame")
save_figure(ax.figure, "classifiers_f1_by_frame")

# %% [markdown]
# ## Learning curve of the classifier

# %%
curve = learning_curve(FrameClassifier(random_state=0, inner_cv=3 if SMOKE else 5), texts, Y,
                       groups=groups,
                       sizes=(0.25, 0.5, 0.75, 1.0), cv=folds, seed=0)
save_table(curve, "classifier_learning_curve", sort_by=["size", "fold"])
means = curve.groupby("size")[["n_train", "micro_f1", "macro_f1"]].agg(["mean", "std"])
fig, ax = plt.subplots(figsize=(6, 4))
for metric in ("micro_f1", "macro_f1"):
    ax.errorbar(means[("n_train", "mean")], means[(metric, "mean")],
                yerr=means[(metric, "std")], marker="o", capsize=3,
                label=metric.replace("_", "-"))
ax.set_xlabel("training articles")
ax.set_ylabel("F1 (grouped CV, mean and sd over folds)")
ax.set_ylim(0, 1)
ax.legend()
save_figure(fig, "classifier_learning_curve")

# %% [markdown]
# ## What the classifier learned, and what it suggests for the lexicon
#
# Top weighted features per frame (word n-grams and character n-grams), and candidate lexicon
# terms: n-grams with high classifier weight that are frequent in gold-positive articles and
# not yet in the lexicon, for a human to review before any goes into the codebook.

# %%
model = FrameClassifier(random_state=0).fit(texts, Y)
features = top_features(model, n=8)
save_table(features, "classifier_top_features", sort_by=[])
suggestions = suggest_lexicon_terms(model, texts, Y, n=10)
save_table(suggestions, "lexicon_suggestions", sort_by=[])
features.head(20)

# %% [markdown]
# ## SemEval-2023 Task 3: frame detection in real news, six languages
#
# On the training articles of SemEval-2023 Task 3 subtask 2 (14 Policy Frames; micro-F1 is the
# task's metric), one seeded 80/20 split per language: our classifier with its defaults
# against the standard baseline (TF-IDF word 1-2 grams, one-vs-rest `LinearSVC`, defaults),
# side by side. `make bench` runs the full 5-fold comparison with an ablation. Skipped when the
# data is not under `$FRAMING_DATA_HOME`.

# %%
semeval_present = (data_home() / "semeval2023_task3_st2").is_dir() and not SMOKE
rows = []
if semeval_present:
    for lang in ("en", "it", "ru", "fr", "de", "pl"):
        docs = load_semeval2023(lang)
        labels = semeval_labels(docs)
        sem_texts = (docs["title"].fillna("") + "\n\n" + docs["text"]).to_numpy()
        tr, te = train_test_split(np.arange(len(docs)), test_size=0.2, random_state=0)
        baseline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                                 OneVsRestClassifier(LinearSVC()))
        pred_base = baseline.fit(sem_texts[tr], labels.iloc[tr]).predict(sem_texts[te])
        ours = FrameClassifier(random_state=0).fit(list(sem_texts[tr]), labels.iloc[tr])
        pred_ours = ours.predict(list(sem_texts[te]))
        for system, pred in (("baseline", pred_base), ("framing", pred_ours)):
            score = frame_scores(labels.iloc[te].to_numpy(), np.asarray(pred),
                                 list(labels.columns)).set_index("frame").loc["micro", "f1"]
            rows.append({"lang": lang, "system": system, "n_test": len(te),
                         "micro_f1": score})
    semeval = pd.DataFrame(rows).pivot(index="lang", columns="system", values="micro_f1")
    semeval["gain"] = semeval["framing"] - semeval["baseline"]
    save_table(semeval.reset_index(), "semeval2023_split", sort_by=["lang"])
    display(semeval)  # noqa: F821
else:
    print("SemEval-2023 data not found (or a smoke run): section skipped.")
    clear_outputs("semeval2023_")

# %%
pooled = summary.set_index("coder")["micro_f1"]
save_numbers({
    "clf_micro_f1": f"{pooled['classifier']:.3f}",
    "hybrid_micro_f1": f"{pooled['hybrid']:.3f}",
    "clf_lexicon_micro_f1": f"{pooled['lexicon']:.3f}",
    "semeval_mean_gain": (f"{semeval['gain'].mean():+.3f}" if semeval_present else "n/a"),
}, "04_classifiers")
