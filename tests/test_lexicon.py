"""The lexicon coder: exact counts and spans on hand-written texts in three languages."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.pipeline import make_pipeline

import framing
from framing.errors import FramingError, InputError
from framing.lexicon import LexiconCoder, code, evidence, kwic, normalize_text

MINI = Path(__file__).parent / "fixtures" / "mini-codebook.yaml"


def spans_of(text: str, lang: str) -> list[tuple]:
    ev = evidence([text], codebook=MINI, lang=lang)
    return [(r.frame, r.pattern, r.start, r.end, r.match, r.negated)
            for r in ev.itertuples(index=False)]


def test_english_phrase_longest_match_and_white_space():
    text = "From Russia  with\nlove: the army came."
    assert spans_of(text, "en") == [
        ("love", "from russia with love", 0, 22, "From Russia  with\nlove", False),
        ("army", "army", 28, 32, "army", False),
    ]
    # `love` alone is also a pattern, but the longer phrase covering it wins: one count
    assert code([text], codebook=MINI, lang="en")["love_count"].tolist() == [1]


def test_punctuation_breaks_a_phrase_but_not_a_word():
    text = "From Russia, with love."
    assert spans_of(text, "en") == [("love", "love", 18, 22, "love", False)]


def test_stems_match_whole_words_only():
    text = "Gifts, a gifted team, regifting, and a true friendship with true friends."
    assert spans_of(text, "en") == [
        ("love", "gift*", 0, 5, "Gifts", False),
        ("love", "gift*", 9, 15, "gifted", False),
        ("love", "true friend*", 39, 54, "true friendship", False),
        ("love", "true friend*", 60, 72, "true friends", False),
    ]


def test_phrase_with_a_stem_inside():
    text = "They abandoned Italy. Abandoning  ITALY was easy; abandon italian towns."
    assert spans_of(text, "en") == [
        ("army", "abandon* italy", 5, 20, "abandoned Italy", False),
        ("army", "abandon* italy", 22, 39, "Abandoning  ITALY", False),
    ]


def test_exclusions_and_negation():
    text = ("The Salvation Army band played. Not a gift: a loan. It was not, as some said, a "
            "gift. Visit the gift shop. No army came, never military planes.")
    assert spans_of(text, "en") == [
        ("love", "gift*", 38, 42, "gift", True),
        ("love", "gift*", 80, 84, "gift", False),
        # `army` has negation: false in the codebook, so its matches are never negated
        ("army", "army", 110, 114, "army", False),
        ("army", "military plane*", 127, 142, "military planes", False),
    ]
    counts = code([text], codebook=MINI, lang="en")
    assert counts[["love_count", "army_count"]].values.tolist() == [[1, 2]]


def test_negation_window_counts_words_between_cue_and_match():
    # window 3: the cue must be one of the three tokens before the match
    assert spans_of("not a b gift", "en")[0][-1] is True
    assert spans_of("not a b c gift", "en")[0][-1] is False
    assert spans_of("not a - b gift", "en")[0][-1] is True  # a hyphen is no word
    assert spans_of("not a b gift and not gift", "en") == [
        ("love", "gift*", 8, 12, "gift", True), ("love", "gift*", 21, 25, "gift", True)]


def test_italian_elisions_and_typographic_apostrophes():
    text = "Dall’Europa nessun regalo, dall'europa solo parole. L'esercito e gli aerei militari."
    assert spans_of(text, "it") == [
        ("love", "dall'europa", 0, 11, "Dall’Europa", False),
        ("love", "regal*", 19, 25, "regalo", False),
        ("love", "dall'europa", 27, 38, "dall'europa", False),
        ("army", "esercito", 54, 62, "esercito", False),
        ("army", "aerei militari", 69, 83, "aerei militari", False),
    ]


def test_italian_negation():
    assert spans_of("Non è un regalo.", "it") == [("love", "regal*", 9, 15, "regalo", True)]


def test_russian_case_yo_and_inflection_by_stems():
    text = "ИЗ РОССИИ С ЛЮБОВЬЮ: военные самолёты и Армия. Это не подарок, а братская помощь."
    assert spans_of(text, "ru") == [
        ("love", "из россии с любовью", 0, 19, "ИЗ РОССИИ С ЛЮБОВЬЮ", False),
        ("army", "военн* самолет*", 21, 37, "военные самолёты", False),
        ("army", "арми*", 40, 45, "Армия", False),
        ("love", "подар*", 54, 61, "подарок", True),
        ("love", "братск* помощ*", 65, 80, "братская помощь", False),
    ]


def test_hyphen_and_regex_patterns():
    text = "Il-76 planes with heart-shaped flags; an Il 76 too."
    assert spans_of(text, "en") == [
        ("army", "il-76", 0, 5, "Il-76", False),
        ("love", r"re:\bheart[- ]shaped\b", 18, 30, "heart-shaped", False),
    ]


def test_empty_and_no_match_texts():
    df = code(["", "   ", "Nothing to see here."], codebook=MINI, lang="en")
    assert df["n_tokens"].tolist() == [0, 0, 4]
    assert df[["love", "army", "love_count", "army_count"]].values.sum() == 0
    assert df["love_rate"].isna().tolist() == [True, True, False]
    assert df["love_rate"].tolist()[2] == 0.0


def test_rates_are_per_thousand_tokens():
    df = code(["army " * 3 + "word " * 997], codebook=MINI, lang="en")
    assert (df["n_tokens"][0], df["army_count"][0], df["army_rate"][0]) == (1000, 3, 3.0)
    # word tokens only: punctuation, apostrophes and hyphens separate words and are not counted
    texts = ["« Aid » — l'aiuto , 3.5 % x-y «» ( army )", "...", "", "Città ×2 — не-а"]
    assert code(texts, codebook=MINI, lang="en")["n_tokens"].tolist() == [8, 0, 0, 4]


def test_very_long_text():
    unit = "Planes of the army landed. Not a gift, said no one. "
    text = unit * 20_000  # 1 MB
    df = code([text], codebook=MINI, lang="en")
    assert df[["army_count", "love_count"]].values.tolist() == [[20_000, 0]]
    assert df["n_tokens"][0] == 11 * 20_000


def test_dataframe_api_keeps_ids_and_uses_the_language_column():
    data = pd.DataFrame({
        "id": ["a", "b", "c"],
        "lang": ["en", "it", "ru"],
        "text": ["A true friend sent the army.", "Aerei militari e amore.", "Минобороны."],
    })
    df = code(data, codebook=MINI)
    assert df.columns.tolist() == ["id", "n_tokens", "love", "army", "love_count",
                                   "army_count", "love_rate", "army_rate"]
    assert df["id"].tolist() == ["a", "b", "c"]
    assert df[["love", "army"]].values.tolist() == [[1, 1], [1, 1], [0, 1]]
    assert df["love_rate"].tolist() == [166.6667, 250.0, 0.0]


def test_unknown_language_is_an_error_unless_asked():
    data = pd.DataFrame({"id": [1], "lang": ["de"], "text": ["army und amore"]})
    with pytest.raises(FramingError, match=r"no lexicon for language\(s\) \['de'\]"):
        code(data, codebook=MINI)
    df = code(data, codebook=MINI, unknown_lang="all")
    assert df[["love_count", "army_count"]].values.tolist() == [[1, 1]]


def test_missing_language_and_missing_text_are_errors():
    with pytest.raises(FramingError, match="no language given for some documents"):
        code(pd.DataFrame({"id": [1], "text": ["army"]}), codebook=MINI)
    with pytest.raises(InputError, match=r"text of row 1 \(id 'b'\)"):
        code(pd.DataFrame({"id": ["a", "b"], "text": ["army", None]}), codebook=MINI, lang="en")
    with pytest.raises(InputError, match=r"no column 'body'"):
        code(pd.DataFrame({"id": [1], "text": ["x"]}), codebook=MINI, lang="en",
             text_col="body")


def test_kwic_shows_context():
    k = kwic(["Russia sent the army to Bergamo."], frame="army", codebook=MINI, lang="en",
             width=12)
    assert k[["id", "left", "match", "right"]].values.tolist() == [
        [0, "ia sent the ", "army", " to Bergamo."]
    ]
    with pytest.raises(FramingError, match="unknown frame 'nope'"):
        kwic(["x"], frame="nope", codebook=MINI, lang="en")
    empty = kwic(["no match here"], frame="army", codebook=MINI, lang="en")
    assert empty[~empty["negated"]].columns.tolist() == ["id", "frame", "pattern", "left",
                                                         "match", "right", "negated"]


def test_scikit_learn_transformer():
    coder = LexiconCoder(MINI, lang="en")
    X = make_pipeline(coder).fit_transform(["army army love", "nothing"])
    assert X.toarray().tolist() == [[1, 2], [0, 0]]
    assert coder.get_feature_names_out().tolist() == ["love", "army"]
    with pytest.raises(ValueError, match="not one string"):
        coder.transform("army")
    with pytest.raises(FramingError, match="no lexicon for language 'de'"):
        LexiconCoder(MINI, lang="de").fit()


def test_coder_with_a_loaded_codebook_can_be_cloned():
    from sklearn.base import clone

    coder = LexiconCoder(framing.load_codebook(MINI), lang="en")
    assert clone(coder).transform(["army"]).toarray().tolist() == [[0, 1]]


def test_normalized_form():
    assert normalize_text("Dall’Europa,  ЁЖ\u00a0x—y") == " dall'europa| еж x|y "
    # the fast path (ASCII, Latin-1 letters, Cyrillic) and the Unicode path agree
    assert normalize_text("Città × 2 ÷ 3") == " città | 2 | 3 "
    assert normalize_text("Città  2\t\n3") == " città 2 3 "
    assert normalize_text("") == " "


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    ["army", "Army", "love", "gift", "gifts", "from", "Russia", "with", "true", "friends",
     "не", "подарок", "Dall’Europa", "Il-76", "heart-shaped", "not", "İstanbul", "ß", "😀",
     ",", ".", " ", "  ", "\n", "\t", "—", "«", "»", "x_y", "12"]), max_size=40))
def test_spans_round_trip(pieces):
    text = " ".join(pieces)
    for lang in ("en", "it", "ru"):
        ev = evidence([text], codebook=MINI, lang=lang)
        for r in ev.itertuples(index=False):
            assert text[r.start:r.end] == r.match
            assert r.start < r.end


# A slow, token-level reading of the matching rules in docs/codebook-format.md, against which
# the automaton is checked: tokens are runs of word characters, apostrophes, hyphens and other
# punctuation ("|"); a pattern matches consecutive tokens; per frame leftmost-longest, matches
# overlapping an exclusion are not counted (but still block), negation looks back from a match
# to the nearest cue and counts words between unless punctuation intervenes.
REFERENCE_CODEBOOK = {
    "name": "reference", "version": "1", "languages": ["en", "it"],
    "negation": {"window": 2, "cues": {"en": ["not", "no"], "it": ["non"]}},
    "frames": [
        {"id": "a", "label": "A", "definition": "d", "lexicon": {
            "en": ["aid", "aid package", "gift*", "not a gift", "dall'europa", "covid-19",
                   "u.s. aid", "abandon* ital*", "hero's welcome"],
            "it": ["aiut*", "dall'europa", "per l'italia", "aiuti dall'europa"]},
         "exclude_patterns": {"en": ["gift shop"]}},
        {"id": "b", "label": "B", "definition": "d", "negation": False, "lexicon": {
            "en": ["aid", "package", "covid", "welcome", "ital*"], "it": ["italia", "europa"]}},
    ],
}
_REF_CODEBOOK = framing.codebook.codebook_from_dict(REFERENCE_CODEBOOK)
_REF_CODERS = {lang: LexiconCoder(_REF_CODEBOOK, lang=lang) for lang in ("en", "it")}
_REF_TOKEN = re.compile(r"\w+|[^\w\s]")


def _reference_counts(text: str, lang: str) -> list[int]:
    cb = _REF_CODEBOOK
    low = text.lower().replace("ё", "е")
    toks = []
    for t in _REF_TOKEN.findall(low):
        toks.append(t if re.match(r"\w", t) else "'" if t in "'’‘ʼ`" else "-" if t in "-‐‑"
                    else "|")

    def hits(patterns):
        out = []
        for p in patterns:
            n = len(p.tokens)
            for i in range(len(toks) - n + 1):
                if all(toks[i + k].startswith(t[:-1]) and re.match(r"\w", toks[i + k])
                       if t.endswith("*") else toks[i + k] == t
                       for k, t in enumerate(p.tokens)):
                    out.append((i, i + n))
        return sorted(out, key=lambda h: (h[0], -h[1]))

    cues = [i for i, t in enumerate(toks) if t in cb.negation.cues.get(lang, ())]
    counts = []
    for frame in cb.frames:
        excl = hits(frame.exclude_patterns.get(lang, ()))
        last, n = -1, 0
        for start, stop in hits(frame.patterns(lang)):
            if start < last:
                continue
            last = stop
            if any(e0 < stop and start < e1 for e0, e1 in excl):
                continue
            before = [c for c in cues if c < start]
            if frame.negation and before:
                between = toks[before[-1] + 1:start]
                words = [t for t in between if t not in ("'", "-")]
                if "|" not in between and len(words) < cb.negation.window:
                    continue
            n += 1
        counts.append(n)
    return counts


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(
    ["aid", "Aid", "aids", "package", "gift", "Gifts", "shop", "not", "no", "non", "a", "big",
     "dall", "Europa", "covid", "19", "u", "s", "abandoned", "Italy", "italia", "l", "aiuti",
     "hero", "welcome", "'", "’", "-", "‑", ".", ",", " ", "  ", "\n", "—", "«", "×", "città", "ё",
     "dall'europa", "dall' europa", "dall ’Europa", "per l'italia", "per l' italia", "u.s. aid",
     "U. S. aid", "u.s aid", "hero's welcome", "hero' s welcome", "COVID-19", "covid - 19",
     "covid -19", "not a gift", "no big aid", "not a big aid", "gift shop", "abandoned Italy"]),
    max_size=25), st.lists(st.booleans(), max_size=25), st.sampled_from(["en", "it"]))
def test_counts_agree_with_a_token_level_reference(pieces, glue, lang):
    text = "".join(p + (" " if i < len(glue) and glue[i] else "") for i, p in enumerate(pieces))
    assert _REF_CODERS[lang].code([text]).counts[0].tolist() == _reference_counts(text, lang)


SEED = (Path(os.environ.get("FRAMING_DATA_HOME", "/nonexistent")).parent / "seed"
        / "from-russia-with-love-2020-03-22.txt")


@pytest.mark.skipif(not SEED.is_file(), reason="the seed article is not available")
def test_seed_article_frames():
    text = SEED.read_text(encoding="utf-8")
    df = framing.code([text], lang="en")
    present = {f for f in framing.load_codebook().frame_ids if df[f][0] == 1}
    assert present == {
        "goodwill_branding", "humanitarian_aid", "gratitude", "expertise_capability",
        "crisis_severity", "eu_solidarity_failure", "geopolitical_motive", "military_security",
    }
    ev = framing.evidence([text], lang="en")
    assert all(text[r.start:r.end] == r.match for r in ev.itertuples())
    assert np.all(ev["start"].to_numpy() < ev["end"].to_numpy())
