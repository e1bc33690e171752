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
# # 1. The bundled corpus and the codebook
#
# The `softpower-aid` corpus is a constructed, multilingual corpus of news articles about
# COVID-19 aid diplomacy, written for this project from a design matrix of documented events
# and fictional outlets (see `corpus/softpower-aid/DATASHEET.md`). Its frame frequencies
# describe this corpus, not real media. This section describes its composition and the
# codebook that codes it.

# %%
import framing
from framing.analysis import composition, explode_multi
from framing.datasets import load_softpower_aid
from framing.report import markdown_table, save_figure, save_numbers, save_table

corpus = load_softpower_aid()
articles = corpus.articles.assign(
    month=corpus.articles["date"].dt.strftime("%Y-%m"),
    words=corpus.articles["text"].str.split().str.len(),
)
codebook = framing.load_codebook("softpower-aid")
print(f"{len(articles)} articles, {articles['words'].sum():,} words; codebook "
      f"{codebook.name} {codebook.version} with {codebook.n_patterns()} patterns")

# %% [markdown]
# ## Composition: language, outlet type, donor, month

# %%
by_lang_type = composition(articles, ["lang", "outlet_type"])
save_table(by_lang_type, "corpus_by_language_outlet_type")
type_by_lang = by_lang_type.pivot(index="outlet_type", columns="lang", values="n")
type_by_lang = type_by_lang.fillna(0).astype(int)
type_by_lang

# %%
donors = explode_multi(articles, "donor")
by_donor = composition(donors, ["lang", "donor"])
save_table(by_donor, "corpus_by_language_donor")
donor_by_lang = by_donor.pivot(index="donor", columns="lang", values="n").fillna(0).astype(int)
donor_by_lang

# %%
full = composition(donors, ["lang", "donor", "outlet_type", "month"])
save_table(full, "corpus_composition")
by_month = composition(articles, ["month", "lang"])
save_table(by_month, "corpus_by_month_language")
month_by_lang = by_month.pivot(index="month", columns="lang", values="n").fillna(0).astype(int)
ax = month_by_lang.plot.bar(stacked=True, figsize=(10, 4), width=0.85)
ax.set_xlabel("month")
ax.set_ylabel("articles")
ax.set_title("Articles per month and language")
save_figure(ax.figure, "corpus_timeline")

# %% [markdown]
# ## Length and sources

# %%
lengths = (articles.groupby("lang")["words"].describe()[["count", "min", "mean", "max"]]
           .reset_index())
save_table(lengths, "corpus_lengths")
lengths

# %% [markdown]
# ## The codebook: frames and lexicon size per language

# %%
summary = codebook.summary()
save_table(summary, "codebook_summary", sort_by=[])
summary

# %%
save_numbers({
    "datasheet_outlet_type_language": markdown_table(type_by_lang.reset_index()),
    "datasheet_donor_language": markdown_table(donor_by_lang.reset_index()),
    "datasheet_month_language": markdown_table(month_by_lang.reset_index()),
    "corpus_first_date": articles["date"].min().strftime("%Y-%m-%d"),
    "corpus_last_date": articles["date"].max().strftime("%Y-%m-%d"),
    "corpus_n_articles": len(articles),
    "corpus_n_en": int((articles["lang"] == "en").sum()),
    "corpus_n_it": int((articles["lang"] == "it").sum()),
    "corpus_n_ru": int((articles["lang"] == "ru").sum()),
    "corpus_n_outlets": int(articles["outlet"].nunique()),
    "corpus_n_events": int(articles["event"].nunique()),
    "corpus_n_words": f"{int(articles['words'].sum()):,}",
    "codebook_version": codebook.version,
    "codebook_n_patterns": f"{codebook.n_patterns():,}",
}, "01_corpus")
