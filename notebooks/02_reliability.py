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
# # 2. Reliability of the hand coding
#
# Every article was coded by two coders on every variable: coder A and coder B, who was
# blind to A's codes and to the article's metadata. Krippendorff's alpha is reported per
# variable with a seeded bootstrap interval (resampling pairable values, after Hayes &
# Krippendorff 2007), the probability that alpha lies below .667 and .800, per-cent agreement
# and prevalence. Frames are nominal; `donor` is a set, compared with the MASI distance;
# `tone_to_donor` is ordinal. The coders were independent instances of a large language
# model following the written protocol, not trained human coders.

# %%
import os

import framing
from framing.datasets import load_softpower_aid
from framing.reliability import disagreements
from framing.report import markdown_table, save_figure, save_numbers, save_table

resamples = int(os.environ.get("FRAMING_BOOTSTRAP", "5000"))
corpus = load_softpower_aid()
report = framing.reliability_report(corpus.annotations, "softpower-aid", coders=["A", "B"],
                                    n_resamples=resamples, seed=1)
save_table(report, "reliability", sort_by=[])
report

# %%
fig = framing.plot_alphas(report)
save_figure(fig, "reliability_forest")

# %% [markdown]
# ## Disagreements, settled by adjudication
#
# Units where the coders differ went to a third, adjudicating pass; the gold table holds the
# coders' shared value or the adjudicator's decision.

# %%
disputed = disagreements(corpus.annotations[corpus.annotations["coder"].isin(["A", "B"])])
per_variable = disputed.groupby("variable").size().rename("units_in_dispute").reset_index()
save_table(per_variable, "reliability_disagreements")
sources = corpus.gold.groupby("source").size().rename("n").reset_index()
save_table(sources, "gold_sources")
per_variable

# %%
frames = report[report["variable"].isin(framing.load_codebook().frame_ids)]
by_var = report.set_index("variable")["alpha"]
low = frames.loc[frames["alpha"].round(3) < 0.667, "variable"].tolist()
columns = ["variable", "level", "n_units", "alpha", "ci_low", "ci_high", "agreement", "verdict"]
save_numbers({
    "rel_bootstrap": f"{resamples:,}",
    "datasheet_reliability": markdown_table(report[columns]),
    "datasheet_rounds": (
        f"Frames below .667 ({', '.join(low)}) were recoded in a second round."
        if low else "No frame fell below .667, so no frame needed a second coding round "
                    "(`round` is 1 throughout)."),
    "rel_alpha_frames_min": f"{frames['alpha'].min():.3f}",
    "rel_alpha_frames_median": f"{frames['alpha'].median():.3f}",
    "rel_alpha_frames_max": f"{frames['alpha'].max():.3f}",
    "rel_n_frames_reliable": int((frames["alpha"].round(3) >= 0.8).sum()),
    "rel_alpha_tone": f"{by_var['tone_to_donor']:.3f}",
    "rel_alpha_donor": f"{by_var['donor']:.3f}",
    "rel_alpha_primary": f"{by_var['primary_frame']:.3f}",
}, "02_reliability")
