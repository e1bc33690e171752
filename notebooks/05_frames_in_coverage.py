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
# # 5. Frames in the coverage
#
# How do outlet types, donors and languages frame aid diplomacy in the bundled corpus? The
# analysis runs twice: on the adjudicated gold codes and on the lexicon coder's codes, so the
# reader can see how much automated coding changes the conclusions. The corpus is
# constructed: these are properties of its design and writing, shown to demonstrate the
# workflow, not findings about real media.

# %%
import pandas as pd

import framing
from framing.analysis import (
    cooccurrence,
    donor_group,
    explode_multi,
    frame_logit,
    monthly,
    prevalence,
)
from framing.datasets import load_softpower_aid
from framing.plots import plot_cooccurrence, plot_odds_ratios, plot_prevalence, plot_timeline
from framing.report import save_figure, save_numbers, save_table

FRAMES = list(framing.load_codebook().frame_ids)
corpus = load_softpower_aid()
meta = corpus.articles[["id", "lang", "date", "outlet", "outlet_type", "donor"]].assign(
    donor_group=lambda d: donor_group(d["donor"]),
    donor_state=lambda d: d["outlet_type"].eq("donor_state_media").map(
        {True: "yes", False: "no"}),
)
gold = meta.merge(corpus.gold_frames(FRAMES), on="id")
machine = meta.merge(framing.code(corpus.articles)[["id", *FRAMES]], on="id")
codings = {"gold": gold, "lexicon": machine}

# %% [markdown]
# ## Prevalence by outlet type, donor and language (gold codes)

# %%
by_type = prevalence(gold, FRAMES, by="outlet_type")
save_table(by_type, "frames_by_outlet_type")
save_figure(plot_prevalence(by_type, "outlet_type", FRAMES,
                            title="Frames by outlet type (gold codes)"),
            "frames_by_outlet_type")

# %%
by_donor = prevalence(explode_multi(gold, "donor"), FRAMES, by="donor")
save_table(by_donor, "frames_by_donor")
save_figure(plot_prevalence(by_donor, "donor", FRAMES, title="Frames by donor (gold codes)"),
            "frames_by_donor")

# %%
by_lang = prevalence(gold, FRAMES, by="lang")
save_table(by_lang, "frames_by_language")
save_figure(plot_prevalence(by_lang, "lang", FRAMES, title="Frames by language (gold codes)"),
            "frames_by_language")

# %% [markdown]
# ## Which frames travel together

# %%
cooc = cooccurrence(gold, FRAMES)
save_table(cooc, "frames_cooccurrence")
save_figure(plot_cooccurrence(cooc, title="Frame co-occurrence (phi, gold codes)"),
            "frames_cooccurrence")

# %% [markdown]
# ## The timeline around the events
#
# Months with fewer than five articles are left out.

# %%
timeline = monthly(gold, FRAMES)
save_table(timeline, "frames_by_month")
main = ["goodwill_branding", "eu_solidarity_failure", "geopolitical_motive", "aid_skepticism"]
save_figure(plot_timeline(timeline, main, min_n=5, title="Main frames per month (gold codes)"),
            "frames_timeline")

# %% [markdown]
# ## Logistic regressions
#
# Frame presence on outlet type (reference: international wire), donor group (reference:
# Russia) and language (reference: English); odds ratios with 95% Wald intervals. The models
# use Firth's penalised likelihood, because some outlet types never carry some frames
# (separation), where plain maximum likelihood has no finite estimate.

# %%
reference = {"outlet_type": "international_wire", "donor_group": "russia", "lang": "en"}
models = []
for name, table in codings.items():
    fit = frame_logit(table, FRAMES, ["outlet_type", "donor_group", "lang"], reference)
    models.append(fit.assign(coding=name))
models = pd.concat(models, ignore_index=True)
save_table(models, "frames_logit", sort_by=["coding", "frame", "term", "level"])
save_figure(plot_odds_ratios(models[models["coding"] == "gold"],
                             title="Odds ratios of frame presence (gold codes)"),
            "frames_odds_ratios")

# %% [markdown]
# ## Gold versus machine codes: do the conclusions change?

# %%
side = []
for name, table in codings.items():
    side.append(prevalence(table, FRAMES, by="outlet_type").assign(coding=name))
side = pd.concat(side, ignore_index=True)
compare = side.pivot_table(index=["outlet_type", "frame"], columns="coding",
                           values="share").reset_index()
compare["difference"] = compare["lexicon"] - compare["gold"]
save_table(compare, "frames_gold_vs_lexicon", sort_by=["outlet_type", "frame"])
compare.sort_values("difference", key=abs, ascending=False).head(10)

# %%
donor_state = []
for name, table in codings.items():
    fit = frame_logit(table, ["goodwill_branding"], ["donor_state"], {"donor_state": "no"})
    donor_state.append(fit.assign(coding=name))
donor_state = pd.concat(donor_state, ignore_index=True)
save_table(donor_state, "goodwill_donor_state_odds", sort_by=["coding"])
ds = by_type[by_type["outlet_type"] == "donor_state_media"]
top = ds.sort_values(["share", "frame"], ascending=[False, True]).iloc[0]["frame"]
or_gold = donor_state.set_index("coding").loc["gold"]
save_numbers({
    "frames_top_donor_state": top,
    "frames_or_goodwill_donor_state": (
        f"{or_gold['odds_ratio']:.2f} (95% CI {or_gold['ci_low']:.2f}-{or_gold['ci_high']:.2f})"
        if or_gold["status"] == "ok" else "not estimable"),
}, "05_frames_in_coverage")
donor_state
