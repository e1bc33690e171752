"""The EUvsDisinfo selection rule."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from framing.casestudies import COVID_AID_RULE, select_covid_aid

POSTS = Path(os.environ.get("FRAMING_DATA_HOME", "/nonexistent")) / "euvsdisinfo" / "posts.csv"


def test_rule_on_hand_made_cases():
    posts = pd.DataFrame({
        "id": list("abcdefg"),
        "date": ["2020-03-25", "2020-03-26", "2020-04-02", "2019-05-01", "2021-01-10",
                 "2020-12-01", "2020-05-05"],
        "title": [
            "EU abandoned Italy, only Russia helped with coronavirus",   # aid + covid
            "Sputnik is persecuted in Latvia",                          # the outlet, not aid
            "Zinc could help kill coronavirus",                         # help without an actor
            "Russia sent humanitarian aid",                             # before 2020
            "The West attacks Sputnik V for political reasons",         # vaccine diplomacy
            "NATO did not help Spain fight coronavirus",                # help + actor
            "Lockdowns are a plot of global elites",                    # covid, no aid
        ],
        "keywords": [["coronavirus"], ["sputnik"], ["coronavirus"], ["humanitarian aid"],
                     ["sputnik v"], ["coronavirus", "nato"], ["coronavirus"]],
    })
    assert select_covid_aid(posts)["id"].tolist() == ["a", "f", "e"]
    assert "Sputnik" in COVID_AID_RULE
    with pytest.raises(ValueError, match=r"needs the column\(s\) \['keywords'\]"):
        select_covid_aid(posts.drop(columns="keywords"))
    renamed = posts.rename(columns={"title": "text"})
    assert select_covid_aid(renamed)["id"].tolist() == ["a", "f", "e"]


@pytest.mark.skipif(not POSTS.is_file(), reason="EUvsDisinfo data not available")
def test_rule_on_the_real_database():
    selected = select_covid_aid(pd.read_csv(POSTS))
    assert len(selected) == 167
    from framing.datasets import load_euvsdisinfo

    loaded = select_covid_aid(load_euvsdisinfo(POSTS.parent.parent))
    assert loaded["id"].tolist() == selected["id"].tolist()
    assert selected["date"].min() >= "2020-01" and selected["date"].max() < "2021-03"
    titles = " ".join(selected["title"]).lower()
    assert "poland" in titles and "sputnik v" in titles
