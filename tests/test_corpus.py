"""read_corpus / iter_corpus on small hand-written fixtures, one per bad case."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pandas as pd
import pytest

from framing._io import write_table
from framing.corpus import CorpusReport, iter_corpus, read_corpus
from framing.errors import FramingError, InputError

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
DERIVED = ["empty_text", "lang_detected", "flags", "dup_cluster", "near_dup_cluster"]


def read(name: str, **kwargs) -> pd.DataFrame:
    kwargs.setdefault("languages", None)
    return read_corpus(FIXTURES / name, **kwargs)


def report_of(df: pd.DataFrame) -> CorpusReport:
    return CorpusReport.from_dict(df.attrs["corpus_report"])


def rejects_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_clean_csv_keeps_contract_order_quoted_newlines_and_na_text():
    df = read("articles.csv")
    assert df.columns.tolist() == [
        "id", "text", "title", "lang", "date", "outlet", "outlet_type", "country", "url",
        "section", *DERIVED,
    ]
    assert df["id"].tolist() == ["ru1", "it1", "na1", "null1"]
    assert df.loc[0, "text"] == (
        'Russian military planes landed near Rome.\n\nThe trucks read "From Russia with love".'
    )
    assert df.loc[2, "text"] == "NA"
    assert df.loc[3, "text"] == "null"
    assert df["date"].tolist() == [
        pd.Timestamp("2020-03-22"), pd.Timestamp("2020-03-22"), pd.Timestamp("2020-03-23"),
        pd.Timestamp("2020-03-24 10:00"),
    ]
    assert df["url"].isna().tolist() == [False, True, True, True]
    assert df["empty_text"].tolist() == [False] * 4
    assert df["flags"].tolist() == [""] * 4
    report = report_of(df)
    assert (report.n_records, report.n_rejected, report.fixes, report.problems) == (4, 0, (), ())


def test_bom_is_stripped_from_the_first_column_name():
    df = read("bom.csv")
    assert df[["id", "text"]].values.tolist() == [["b1", "Cuban doctors arrived in Crema."]]
    assert report_of(df).encodings == (("bom.csv", "utf-8-sig"),)


@pytest.mark.parametrize(
    ("name", "encoding", "text"),
    [
        ("cp1252.csv", "cp1252", "L'Italia ringrazia: è arrivata la solidarietà — «grazie»."),
        ("koi8r.csv", "koi8_r", "Россия отправила в Италию военных врачей и аппараты ИВЛ."),
        ("cp1251.csv", "cp1251", "Россия отправила в Италию военных врачей и аппараты ИВЛ."),
        ("utf16.csv", "utf-16", "Помощь из России прибыла в Италию."),
    ],
)
def test_legacy_encodings_are_detected_and_reported(name, encoding, text):
    df = read(name)
    assert df["text"].tolist() == [text]
    assert report_of(df).encodings == ((name, encoding),)
    assert f"encoding: {encoding} (1 file)" in report_of(df).summary()


def test_delimiter_is_sniffed_from_the_header():
    df = read("semicolon.csv")
    assert df[["id", "outlet"]].values.tolist() == [["s1", "Xinhua"], ["s2", "RT"]]


def test_extra_field_strict_error_names_file_and_line():
    with pytest.raises(InputError) as info:
        read("extra-field.csv")
    assert str(info.value) == (
        "extra-field.csv, line 3: 3 fields where the header has 2 (extra field)"
    )


def test_extra_field_lenient_writes_the_rejects_row(tmp_path, caplog):
    rejects = tmp_path / "rejects.csv"
    with caplog.at_level(logging.WARNING, logger="framing.corpus"):
        df = read("extra-field.csv", strict=False, rejects=rejects)
    assert df["id"].tolist() == ["e1", "e3"]
    assert rejects_rows(rejects) == [{
        "source": "extra-field.csv", "line": "3", "field": "",
        "reason": "3 fields where the header has 2 (extra field)", "raw": "e2,one,too many",
    }]
    assert "1 rejected" in caplog.text


def test_unclosed_quote_is_reported_at_the_line_it_opens(tmp_path):
    with pytest.raises(InputError) as info:
        read("unclosed-quote.csv")
    assert str(info.value) == (
        "unclosed-quote.csv, line 3: unclosed quote: the quoted field runs to the end of the "
        "file"
    )
    rejects = tmp_path / "r.csv"
    assert read("unclosed-quote.csv", strict=False, rejects=rejects)["id"].tolist() == ["q1"]
    assert rejects_rows(rejects)[0]["raw"] == 'q2,"never closed\nq3,swallowed'


def test_duplicate_ids(tmp_path):
    with pytest.raises(InputError) as info:
        read("dup-ids.csv")
    assert str(info.value) == (
        "dup-ids.csv, line 4, field id: duplicate id 'd1' (first at dup-ids.csv line 2)"
    )
    rejects = tmp_path / "r.csv"
    assert read("dup-ids.csv", strict=False, rejects=rejects)["id"].tolist() == ["d1", "d2"]
    assert rejects_rows(rejects) == [{
        "source": "dup-ids.csv", "line": "4", "field": "id",
        "reason": "duplicate id 'd1' (first at dup-ids.csv line 2)", "raw": "d1,third text",
    }]


def test_duplicate_texts_with_different_ids_share_a_cluster():
    df = read("dup-texts.csv")
    assert df["dup_cluster"].tolist() == ["t1", "t1", "t3"]
    assert df["near_dup_cluster"].tolist() == ["t1", "t1", "t3"]
    assert df[df["dup_cluster"] == df["id"]]["id"].tolist() == ["t1", "t3"]


def test_empty_texts_are_kept_flagged_and_not_clustered():
    df = read("empty-text.csv", languages=("en", "it"))
    assert df["text"].tolist() == ["", "   ", "Some text."]
    assert df["empty_text"].tolist() == [True, True, False]
    assert df["near_dup_cluster"].tolist() == ["m1", "m2", "m3"]
    assert df["lang"].isna().tolist() == [True, True, False]
    report = report_of(df)
    assert (report.n_records, report.n_empty, report.n_lang_detected) == (3, 2, 1)


def test_bad_dates_are_flagged_never_guessed():
    with pytest.raises(InputError) as info:
        read("bad-date.csv")
    assert str(info.value) == (
        "2 problems in " + str(FIXTURES / "bad-date.csv") + ":\n"
        "  bad-date.csv, line 3, field date: bad date '2020-13-45' (month must be in 1..12)\n"
        "  bad-date.csv, line 4, field date: bad date '03/04/2020' (ambiguous day/month order)"
    )
    df = read("bad-date.csv", strict=False)
    assert df["date"].isna().tolist() == [False, True, True]
    assert df["flags"].tolist() == ["", "bad_date", "bad_date"]


def test_missing_text_column_is_an_error_in_any_mode():
    message = (
        "no-text-col.csv, line 1, field text: no text column (columns: id, body); name the "
        "column holding it with text=NAME / --text-col NAME"
    )
    for strict in (True, False):
        with pytest.raises(InputError) as info:
            read("no-text-col.csv", strict=strict)
        assert str(info.value) == message
    df = read("no-text-col.csv", text="body")
    assert df[["id", "text"]].values.tolist() == [["n1", "Russian aid lands in Italy."]]


def test_mapping_to_a_missing_column_or_unknown_field():
    with pytest.raises(InputError) as info:
        read("no-text-col.csv", text="content")
    assert str(info.value) == (
        "no-text-col.csv, line 1, field text: no column 'content' to use as text "
        "(columns: id, body)"
    )
    with pytest.raises(FramingError, match="unknown corpus field"):
        read("no-text-col.csv", body="text")


def test_html_entities_unescaped_and_control_characters_removed():
    df = read("entities.csv")
    assert df["text"].tolist() == [
        'Doctors & nurses – "From Russia with love"', "Café  ok",
    ]
    assert report_of(df).fixes == (
        ("text: HTML entities unescaped", 1), ("text: control characters removed", 1),
    )


def test_nfc_and_replacement_characters():
    df = read("nfd.csv")
    assert df["text"].tolist() == ["Citt\u00e0 di Bergamo", "bad \ufffd byte"]
    assert df["flags"].tolist() == ["", "replacement_char"]
    assert dict(report_of(df).fixes) == {
        "text: U+FFFD replacement characters found (kept, flagged)": 1,
        "text: normalised to Unicode NFC": 1,
    }


def test_jsonl_problems_and_lenient_rejects(tmp_path):
    with pytest.raises(InputError) as info:
        read("articles.jsonl")
    assert [str(p) for p in info.value.problems] == [
        "articles.jsonl, line 4: not valid JSON (Expecting value at column 1)",
        "articles.jsonl, line 5: a JSON list, not an object",
        "articles.jsonl, line 6, field text: text is a list, not text",
    ]
    rejects = tmp_path / "r.csv"
    df = read("articles.jsonl", strict=False, rejects=rejects)
    assert df["id"].tolist() == ["1", "j2"]
    assert df["tags"].tolist()[0] == ["cuba", "aid"]
    assert df["empty_text"].tolist() == [False, True]
    assert [row["line"] for row in rejects_rows(rejects)] == ["4", "5", "6"]


def test_folder_of_txt_files_detects_each_encoding():
    df = read("txt")
    assert df[["id", "text"]].values.tolist() == [
        ["a", "Russian aid to Italy.\nSecond line.\n"], ["b", "Perchè l'Europa tace?"],
    ]
    assert report_of(df).encodings == (("a.txt", "utf-8"), ("b.txt", "cp1252"))


def test_folder_of_html_drops_scripts_and_navigation_and_keeps_paragraphs():
    df = read("html")
    assert df["id"].tolist() == ["aid-article", "divs", "fragment"]
    assert df.loc[0, "title"] == "Russian aid lands in Italy – News"
    assert df.loc[0, "text"] == (
        "Russian aid lands in Italy\n\n"
        "Military planes carrying doctors & ventilators landed near Rome on Sunday.\n\n"
        'The slogan "From Russia with Love" was printed on every truck — a gift,\n'
        "officials said.\n\n"
        "Italy's prime minister thanked Moscow for the help."
    )
    assert df.loc[1, "text"] == (
        "China sent masks and testing kits.\n\nOfficials praised the «mask diplomacy»."
    )


def test_csv_to_parquet_round_trip_is_equal(tmp_path):
    df = read("articles.csv")
    out = write_table(df, tmp_path / "articles.parquet")
    again = read_corpus(out, languages=None)
    pd.testing.assert_frame_equal(again, df)


def test_detected_languages_survive_a_round_trip(tmp_path):
    df = read_corpus(FIXTURES / "koi8r.csv")
    assert df[["lang", "lang_detected"]].values.tolist() == [["ru", True]]
    again = read_corpus(write_table(df, tmp_path / "k.parquet"))
    pd.testing.assert_frame_equal(again, df)


def test_iter_corpus_streams_in_chunks_and_finds_duplicates_across_them():
    chunks = list(iter_corpus(FIXTURES / "dup-texts.csv", chunksize=1, languages=None))
    assert [len(c) for c in chunks] == [1, 1, 1]
    assert [c["dup_cluster"].item() for c in chunks] == ["t1", "t1", "t3"]
    assert "near_dup_cluster" not in chunks[0]


def test_strict_iter_corpus_raises_after_the_last_chunk():
    seen = []
    with pytest.raises(InputError):
        for chunk in iter_corpus(FIXTURES / "dup-ids.csv", chunksize=1, languages=None):
            seen.extend(chunk["id"])
    assert seen == ["d1", "d2"]


def test_ids_are_trimmed_and_bad_language_codes_flagged(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,text,lang\n a1 ,one,EN-gb\na2,two,English\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_corpus(path)
    assert str(info.value) == "c.csv, line 3, field lang: lang 'English' is not an ISO 639-1 code"
    df = read_corpus(path, strict=False, languages=("en", "it"))
    assert df[["id", "lang", "lang_detected", "flags"]].values.tolist() == [
        ["a1", "en", False, ""], ["a2", "en", True, "bad_lang"],
    ]
    assert dict(report_of(df).fixes) == {
        "id: surrounding spaces removed": 1, "lang: reduced to its ISO 639-1 code": 1,
    }


def test_rejects_file_is_never_overwritten_without_force(tmp_path):
    rejects = tmp_path / "r.csv"
    rejects.write_text("keep me")
    with pytest.raises(FramingError, match="refusing to overwrite"):
        read("dup-ids.csv", strict=False, rejects=rejects)
    assert rejects.read_text() == "keep me"
    read("dup-ids.csv", strict=False, rejects=rejects, force=True)
    assert len(rejects_rows(rejects)) == 1


def test_missing_input_and_unknown_extension(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        read_corpus(tmp_path / "absent.csv")
    odd = tmp_path / "corpus.xlsx"
    odd.write_bytes(b"")
    with pytest.raises(InputError, match="cannot tell the format from the extension '.xlsx'"):
        read_corpus(odd)


def test_header_only_file_gives_an_empty_frame_with_the_contract_columns(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("id,text,date\n", encoding="utf-8")
    df = read_corpus(path)
    assert len(df) == 0
    assert df.columns.tolist() == ["id", "text", "lang", "date", *DERIVED]


def test_parquet_rejects_show_the_record_as_json(tmp_path):
    pd.DataFrame({"id": ["a", "a"], "text": ["x", "y"]}).to_parquet(tmp_path / "p.parquet")
    rejects = tmp_path / "r.csv"
    df = read_corpus(tmp_path / "p.parquet", strict=False, rejects=rejects, languages=None)
    assert df["id"].tolist() == ["a"]
    assert rejects_rows(rejects) == [{
        "source": "p.parquet", "line": "2", "field": "id",
        "reason": "duplicate id 'a' (first at p.parquet line 1)",
        "raw": '{"id": "a", "text": "y"}',
    }]
