"""Codebook loading and validation: every bad case gives its specific error."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from framing.codebook import (
    Codebook,
    Pattern,
    available_codebooks,
    codebook_from_dict,
    load_codebook,
)
from framing.errors import CodebookError

FIXTURES = Path(__file__).parent / "fixtures"
FRAME_IDS = (
    "goodwill_branding", "humanitarian_aid", "gratitude", "expertise_capability",
    "crisis_severity", "eu_solidarity_failure", "eu_solidarity_affirmed",
    "geopolitical_motive", "military_security", "aid_skepticism",
)


def test_packaged_codebook_has_the_ten_frames_in_three_languages():
    cb = load_codebook("softpower-aid")
    assert cb.frame_ids == FRAME_IDS
    assert cb.languages == ("en", "it", "ru")
    assert "softpower-aid" in available_codebooks()
    for frame in cb.frames:
        assert frame.definition and frame.label
        assert len(frame.examples) >= 2, frame.id
        assert frame.include and frame.exclude, frame.id
        for lang in cb.languages:
            assert len(frame.patterns(lang)) >= 25, (frame.id, lang)
    kinds = {p.kind for f in cb.frames for lg in cb.languages for p in f.patterns(lg)}
    assert {"word", "stem", "phrase"} <= kinds
    assert {v.id: v.kind for v in cb.variables} == {
        "donor": "multi", "tone_to_donor": "ordinal", "primary_frame": "nominal",
    }
    assert cb.negation is not None and cb.negation.window >= 1


def test_user_codebook_from_a_file():
    cb = load_codebook(FIXTURES / "mini-codebook.yaml")
    assert isinstance(cb, Codebook)
    assert (cb.name, cb.version, cb.frame_ids) == ("mini", "0.1", ("love", "army"))
    assert cb.n_patterns("en") == 10
    assert cb.frame("army").negation is False
    # YAML 1.1 would read the cue `no` as False; the loader keeps it a word
    assert cb.negation.cues["en"] == ("not", "no", "never", "without")
    assert load_codebook(cb) is cb


@pytest.mark.parametrize(
    ("text", "kind", "tokens"),
    [
        ("aid", "word", ("aid",)),
        ("Solidar*", "stem", ("solidar*",)),
        ("from russia with love", "phrase", ("from", "russia", "with", "love")),
        ("abandon* italy", "phrase", ("abandon*", "italy")),
        ("dall’Europa", "phrase", ("dall", "'", "europa")),
        ("covid-19", "phrase", ("covid", "-", "19")),
        ("самолЁт*", "stem", ("самолет*",)),
        ("u.s. aid", "phrase", ("u", "|", "s", "|", "aid")),
    ],
)
def test_pattern_parsing(text, kind, tokens):
    p = Pattern.parse(text)
    assert (p.kind, p.tokens) == (kind, tokens)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty pattern"),
        ("a*d", "'*' may only end a word"),
        ("*aid", "'*' may only end a word"),
        ("aid**", "'*' may only end a word"),
        ("a*", "a stem needs at least two letters"),
        ("...", "a pattern needs at least one word"),
        ("re:(unbalanced", "invalid regular expression (missing ), unterminated subpattern"),
        ("re:x*", "the regular expression matches the empty string"),
    ],
)
def test_bad_patterns(text, message):
    with pytest.raises(ValueError, match=None) as info:
        Pattern.parse(text)
    assert str(info.value).startswith(message)


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "cb.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD = """\
name: t
version: "1"
languages: [en, it]
frames:
  - id: aid
    label: Aid
    definition: Help.
    lexicon:
      en: [aid, doctors]
      it: [aiuti]
"""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("  - id: aid", "  - id: aid\n    colour: red"),
         "cb.yaml: frame 'aid': unknown key(s) ['colour']"),
        (("      en: [aid, doctors]", "      en: [aid, doctors, 're:(x']"),
         "cb.yaml: frame 'aid', lexicon, language 'en', pattern 're:(x': invalid regular "
         "expression (missing ), unterminated subpattern at position 0)"),
        (("      en: [aid, doctors]", "      en: [aid, doctors, Aid]"),
         "cb.yaml: frame 'aid', lexicon, language 'en', pattern 'Aid': duplicate of 'aid'"),
        (("      en: [aid, doctors]", "      en: []"),
         "cb.yaml: frame 'aid', lexicon, language 'en': empty lexicon"),
        (("      it: [aiuti]\n", ""),
         "cb.yaml: frame 'aid', lexicon: empty lexicon for language(s) ['it']"),
        (("      it: [aiuti]", "      it: [aiuti]\n      de: [hilfe]"),
         "cb.yaml: frame 'aid', lexicon: unknown language 'de'; the codebook declares "
         "['en', 'it']"),
        (("version: \"1\"\n", ""), "cb.yaml: missing required key(s) ['version']"),
        (("languages: [en, it]", "languages: [english]"),
         "cb.yaml: language 'english' is not an ISO 639-1 code"),
        (("  - id: aid", "  - id: Aid"),
         "cb.yaml: frame 'Aid': id must match [a-z][a-z0-9_]* (got 'Aid')"),
        (("    definition: Help.\n", ""),
         "cb.yaml: frame 'aid': missing required key(s) ['definition']"),
        (("name: t", "name: t\ncolour: red"), "cb.yaml: unknown key(s) ['colour']"),
        (("      en: [aid, doctors]", "      en: [aid, 'a*d']"),
         "cb.yaml: frame 'aid', lexicon, language 'en', pattern 'a*d': '*' may only end a "
         "word"),
    ],
)
def test_bad_codebooks_name_file_frame_and_pattern(tmp_path, edit, message):
    old, new = edit
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert str(info.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_duplicate_frame_ids(tmp_path):
    body = GOOD + GOOD[GOOD.index("  - id: aid"):]
    with pytest.raises(CodebookError, match=r"duplicate frame id\(s\) \['aid'\]"):
        load_codebook(_write(tmp_path, body))


def test_invalid_yaml_names_the_line(tmp_path):
    path = _write(tmp_path, GOOD.replace("      en: [aid, doctors]", "      en: [aid, doctors"))
    with pytest.raises(CodebookError, match=r"cb\.yaml, line \d+: invalid YAML"):
        load_codebook(path)


def test_unknown_codebook_lists_the_packaged_ones():
    with pytest.raises(CodebookError, match=r"no codebook 'nope'.*\['softpower-aid'"):
        load_codebook("nope")


def test_negation_block_is_checked():
    raw = {"name": "t", "version": "1", "languages": ["en"],
           "negation": {"window": 0, "cues": {"en": ["not"]}},
           "frames": [{"id": "a", "label": "A", "definition": "d", "lexicon": {"en": ["x"]}}]}
    with pytest.raises(CodebookError, match="window must be a whole number from 1 to 10"):
        codebook_from_dict(raw, "mem")
    raw["negation"] = {"window": 2, "cues": {"en": ["not at all"]}}
    with pytest.raises(CodebookError, match="cue 'not at all': a cue is one word"):
        codebook_from_dict(raw, "mem")


def test_pinned_versions():
    current = load_codebook("softpower-aid")
    assert load_codebook(f"softpower-aid@{current.version}") is current
    old = load_codebook("softpower-aid@1.0.0")
    assert (old.name, old.version, old.frame_ids) == ("softpower-aid", "1.0.0", FRAME_IDS)
    with pytest.raises(CodebookError, match=r"no version '0\.9' of codebook 'softpower-aid'"):
        load_codebook("softpower-aid@0.9")
