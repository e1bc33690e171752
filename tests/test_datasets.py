"""framing.datasets on the real data under FRAMING_DATA_HOME (skipped when absent)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from framing.datasets import (
    SEMEVAL_ARTICLES,
    data_home,
    load_euvsdisinfo,
    load_semeval2023,
    semeval_frames,
    semeval_labels,
)
from framing.errors import FramingError

HOME = Path(os.environ["FRAMING_DATA_HOME"]) if os.environ.get("FRAMING_DATA_HOME") else None
SEMEVAL = HOME is not None and (HOME / "semeval2023_task3_st2" / "en").is_dir()
EUVS = HOME is not None and (HOME / "euvsdisinfo" / "posts.csv").is_file()
needs_semeval = pytest.mark.skipif(not SEMEVAL, reason="SemEval-2023 data not available")
needs_euvs = pytest.mark.skipif(not EUVS, reason="EUvsDisinfo data not available")


def test_data_home_order(monkeypatch, tmp_path):
    monkeypatch.setenv("FRAMING_DATA_HOME", str(tmp_path))
    assert data_home() == tmp_path
    assert data_home("elsewhere") == Path("elsewhere")
    monkeypatch.delenv("FRAMING_DATA_HOME")
    assert data_home() == Path.home() / "framing_data"


def test_absent_data_says_where_to_get_it(tmp_path):
    with pytest.raises(FramingError, match="SemEval-2023 data for 'en' not found at .*"
                       "registered users for research only"):
        load_semeval2023("en", root=tmp_path)
    with pytest.raises(FramingError, match="EUvsDisinfo data not found at .*fetch_euvsdisinfo"):
        load_euvsdisinfo(root=tmp_path)
    with pytest.raises(FramingError, match="no SemEval-2023 language 'es'"):
        load_semeval2023("es", root=tmp_path)


@needs_semeval
def test_semeval_english():
    df = load_semeval2023("en")
    assert len(df) == 433
    assert df.columns[:5].tolist() == ["id", "text", "title", "lang", "frames"]
    first = df.iloc[0]
    assert first["id"] == "111111111"
    assert first["title"] == "Next plague outbreak in Madagascar could be 'stronger': WHO"
    assert first["text"].startswith("Geneva - The World Health Organisation chief on Wednesday")
    frames = semeval_frames()
    assert len(frames) == 14
    assert frames[0] == "Economic" and frames[-1] == "External_regulation_and_reputation"
    y = semeval_labels(df)
    assert y.shape == (433, 14)
    assert y.columns.tolist() == frames
    assert y.sum().to_dict() == {
        "Economic": 28, "Capacity_and_resources": 29, "Morality": 203,
        "Fairness_and_equality": 115, "Legality_Constitutionality_and_jurisprudence": 203,
        "Policy_prescription_and_evaluation": 65, "Crime_and_punishment": 227,
        "Security_and_defense": 187, "Health_and_safety": 61, "Quality_of_life": 87,
        "Cultural_identity": 31, "Public_opinion": 23, "Political": 235,
        "External_regulation_and_reputation": 121,
    }


@needs_semeval
@pytest.mark.parametrize(("lang", "folder"), [
    ("it", "it"), ("ru", "ru"), ("fr", "fr"), ("de", "ge"), ("pl", "po"), ("ge", "ge"),
])
def test_semeval_other_languages(lang, folder):
    df = load_semeval2023(lang)
    assert len(df) == SEMEVAL_ARTICLES[folder]
    assert set(df["lang"]) == {{"ge": "de", "po": "pl"}.get(folder, folder)}


@needs_semeval
def test_semeval_incomplete_copy_is_refused(tmp_path):
    source = HOME / "semeval2023_task3_st2" / "ru"
    target = tmp_path / "semeval2023_task3_st2" / "ru"
    (target / "train-articles").mkdir(parents=True)
    shutil.copy(source / "train-labels.txt", target)
    for article in sorted((source / "train-articles").glob("*.txt"))[:3]:
        shutil.copy(article, target / "train-articles")
    with pytest.raises(FramingError) as info:
        load_semeval2023("ru", root=tmp_path)
    assert "labels for article" in str(info.value)
    assert "no file article" in str(info.value)


@needs_euvs
def test_euvsdisinfo():
    df = load_euvsdisinfo()
    assert len(df) == 10892
    assert df.columns.tolist() == [
        "id", "text", "lang", "date", "countries", "keywords", "languages", "outlets",
        "empty_text", "lang_detected", "flags", "dup_cluster", "near_dup_cluster",
    ]
    first = df.iloc[0]
    assert first["id"] == "https://euvsdisinfo.eu/report/german-special-services-helped-navalny/"
    assert first["text"] == "German special services helped Navalny"
    assert first["countries"] == ["Russia", "Germany"]
    assert first["keywords"] == ["Alexei Navalny", "Vladimir Putin"]
    assert df["date"].min().isoformat() == "2015-01-06T00:00:00"
    assert df["date"].max().isoformat() == "2021-02-18T00:00:00"
    assert int((df["dup_cluster"] != df["id"]).sum()) == 251


@needs_euvs
def test_euvsdisinfo_checksum_mismatch(tmp_path):
    target = tmp_path / "euvsdisinfo" / "posts.csv"
    target.parent.mkdir()
    target.write_bytes((HOME / "euvsdisinfo" / "posts.csv").read_bytes()[:-10])
    with pytest.raises(FramingError, match="has sha256 .* expected f75b1f66"):
        load_euvsdisinfo(root=tmp_path)
