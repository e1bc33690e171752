"""The corpus reader's parts: encodings, dates, HTML, duplicates, languages."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from framing.corpus import detect_encoding, detect_language, html_to_text, near_duplicate_ids
from framing.corpus._dates import parse_date
from framing.corpus._dedup import MinHasher, near_duplicate_clusters, normalise_for_hash
from framing.corpus._encoding import decode

RUSSIAN = "Россия отправила в Италию военных врачей и аппараты ИВЛ."


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "koi8_r"),
        (RUSSIAN, "cp1251"),
        ("Привет", "koi8_r"),
        ("Привет", "cp1251"),
        ("Rosyjscy lekarze przyjechali do Włoch. Żołnierze pomagają.", "cp1250"),
        ("Die Ärzte halfen über Österreich.", "cp1252"),
        ("Perché l'Europa è rimasta a guardare?", "cp1252"),
        ("Đoković i ruski lekari", "cp1250"),
    ],
)
def test_legacy_encodings_are_told_apart(text, encoding):
    assert decode(text.encode(encoding)) == (text, encoding)


def test_bom_and_bomless_utf16(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(RUSSIAN.encode("utf-16-le"))
    assert detect_encoding(path) == "utf-16-le"
    path.write_bytes("Aiuti dalla Russia".encode("utf-16-be"))
    assert detect_encoding(path) == "utf-16-be"
    path.write_bytes(RUSSIAN.encode("utf-16"))
    assert detect_encoding(path) == "utf-16"
    path.write_bytes(b"\xef\xbb\xbf" + RUSSIAN.encode())
    assert detect_encoding(path) == "utf-8-sig"


def test_a_file_that_turns_non_utf8_late_is_not_utf8(tmp_path):
    path = tmp_path / "late.csv"
    path.write_bytes(b"id,text\n" + b"a,plain ascii\n" * 200_000 + "b,Caffè\n".encode("cp1252"))
    assert detect_encoding(path) == "cp1252"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-03-22", datetime(2020, 3, 22)),
        ("2020-03-22T10:30:00+01:00", datetime(2020, 3, 22, 9, 30)),
        ("2020/03/22", datetime(2020, 3, 22)),
        ("20200322", datetime(2020, 3, 22)),
        ("22.03.2020", datetime(2020, 3, 22)),
        ("22/03/2020", datetime(2020, 3, 22)),
        ("03/22/2020", datetime(2020, 3, 22)),
        ("04/04/2020", datetime(2020, 4, 4)),
        ("22 March 2020", datetime(2020, 3, 22)),
        ("Mar. 22nd, 2020", datetime(2020, 3, 22)),
        ("Sun, 22 Mar 2020 10:00:00 GMT", datetime(2020, 3, 22, 10)),
        (" NA ", None),
        ("", None),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("03/04/2020", "ambiguous day/month order"),
        ("2020-02-30", "day is out of range for month"),
        ("22 Marzo 2020", "unknown month name 'Marzo'"),
        ("yesterday", "not a recognised date format"),
    ],
)
def test_bad_dates_say_why(value, reason):
    with pytest.raises(ValueError) as info:
        parse_date(value)
    assert str(info.value) == reason


def test_html_keeps_line_breaks_and_drops_boilerplate_classes():
    page = html_to_text(
        "<html><body><div id='cookie-banner'>We use cookies</div>"
        "<div class='share-buttons'>Share</div><h2>Aid</h2><p>One<br/>two</p>"
        "<ul><li>masks</li><li>tests</li></ul><p>&laquo;Grazie&raquo;&nbsp;Russia</p>"
        "</body></html>"
    )
    assert page.text == "Aid\n\nOne\ntwo\n\nmasks\n\ntests\n\n«Grazie» Russia"
    assert page.title is None


def test_html_title_comes_from_title_then_h1():
    assert html_to_text("<h1>Masks</h1><p>x</p>").title == "Masks"
    assert html_to_text("<p>x</p>").title is None


def test_normalised_hash_form():
    assert normalise_for_hash("«Dalla Russia con AMORE»!\n") == "dalla russia con amore"


def test_minhash_is_seeded_and_near_duplicates_cluster():
    texts = [
        "Russian military planes carrying doctors and ventilators landed near Rome on "
        "Sunday, the defence ministry said.",
        "Russian military planes carrying doctors and ventilators landed near Rome on "
        "Sunday, the defence ministry said on Monday.",
        "China sent masks and testing kits to Serbia.",
        "",
    ]
    first = MinHasher().signatures(texts)
    assert np.array_equal(first, MinHasher().signatures(texts))
    assert not np.array_equal(first, MinHasher(seed=1).signatures(texts))
    assert near_duplicate_clusters(first, 0.7, skip=np.array([0, 0, 0, 1], bool)).tolist() == [
        0, 0, 2, 3]
    assert (first[0] == first[1]).mean() == 62 / 64
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "text": texts})
    assert near_duplicate_ids(frame, 0.97).tolist() == ["a", "b", "c", "d"]
    assert near_duplicate_ids(frame, 0.96).tolist() == ["a", "a", "c", "d"]


def test_bad_minhash_parameters():
    with pytest.raises(ValueError, match="not a multiple"):
        MinHasher(num_perm=60, bands=16)
    with pytest.raises(ValueError, match="threshold must be in"):
        near_duplicate_clusters(np.zeros((1, 64), np.uint32), 0)


def test_language_detection_short_texts_and_serbian_scripts():
    assert detect_language([
        "From Russia with love",
        "Dalla Russia con amore",
        "Из России с любовью",
        "De Russie avec amour",
        "Aus Russland mit Liebe",
        "Z Rosji z miłością",
        "Из Русије с љубављу, стигли су лекари.",
        "Iz Rusije s ljubavlju, stigli su lekari.",
        "   ",
    ]) == ["en", "it", "ru", "fr", "de", "pl", "sr", "hr", None]


def test_unknown_language_code():
    from framing.errors import FramingError

    with pytest.raises(FramingError, match="unknown ISO 639-1 language code 'xx'"):
        detect_language(["text"], languages=("en", "xx"))
