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
# # 3. Validating the lexicon against the gold standard
#
# The lexicon coder codes a frame as present when at least one of its patterns matches
# (outside exclusions and negations). Against the adjudicated gold codes we report precision,
# recall and F1 per frame and per language, and Krippendorff's alpha between the machine and
# the gold (the machine as one more coder). Keyword-in-context lines of false positives and
# the openings of false negatives show where the lexicon fails.

# %%
import pandas as pd

import framing
from framing.datasets import load_softpower_aid
from framing.evaluate import frame_scores
from framing.report import save_numbers, save_table

FRAMES = list(framing.load_codebook().frame_ids)
corpus = load_softpower_aid()
gold = corpus.gold_frames(FRAMES)
machine = framing.code(corpus.articles)[["id", *FRAMES]]
assert machine["id"].tolist() == gold["id"].tolist()

# %% [markdown]
# ## All languages

# %%
overall = frame_scores(gold[FRAMES], machine[FRAMES])
save_table(overall, "lexicon_vs_gold", sort_by=[])
overall

# %% [markdown]
# ## Per language

# %%
per_language = []
for lang in sorted(corpus.articles["lang"].unique()):
    rows = (corpus.articles["lang"] == lang).to_numpy()
    per_language.append(frame_scores(gold.loc[rows, FRAMES], machine.loc[rows, FRAMES])
                        .assign(lang=lang))
per_language = pd.concat(per_language, ignore_index=True)
save_table(per_language, "lexicon_vs_gold_by_language", sort_by=[])
per_language.pivot(index="frame", columns="lang", values="f1").reindex(
    [*FRAMES, "micro", "macro"])

# %% [markdown]
# ## Where the lexicon fails: the three frames with the lowest F1
#
# False positives with the matches that caused them; false negatives with their title, since
# the lexicon found nothing there.

# %%
worst = (overall[overall["frame"].isin(FRAMES)].sort_values(["f1", "frame"])
         .head(3)["frame"].tolist())
examples = []
for frame in worst:
    fp_ids = gold.loc[(gold[frame] == 0) & (machine[frame] == 1), "id"]
    fn_ids = gold.loc[(gold[frame] == 1) & (machine[frame] == 0), "id"]
    fp_docs = corpus.articles[corpus.articles["id"].isin(fp_ids)]
    lines = framing.kwic(fp_docs, frame=frame, width=50)
    lines = lines[~lines["negated"]].head(5)
    examples.append(lines.assign(error="false positive")[
        ["error", "frame", "id", "left", "match", "right"]])
    fn_docs = corpus.articles[corpus.articles["id"].isin(fn_ids)].head(5)
    examples.append(pd.DataFrame({"error": "false negative", "frame": frame,
                                  "id": fn_docs["id"], "left": "", "match": "",
                                  "right": fn_docs["title"]}))
examples = pd.concat(examples, ignore_index=True)
save_table(examples, "lexicon_errors_kwic", sort_by=[])
examples

# %%
micro = overall.set_index("frame").loc["micro"]
macro = overall.set_index("frame").loc["macro"]
save_numbers({
    "lex_micro_f1": f"{micro['f1']:.3f}",
    "lex_macro_f1": f"{macro['f1']:.3f}",
    "lex_alpha_median": f"{overall[overall['frame'].isin(FRAMES)]['alpha'].median():.3f}",
    "lex_worst_frames": ", ".join(worst),
}, "03_lexicon_validation")
