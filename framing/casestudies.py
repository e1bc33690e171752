"""Case studies on real data: reproducible selection rules, written in code.

The EUvsDisinfo case study codes the COVID-19 aid-diplomacy cases of the EUvsDisinfo
database (pro-Kremlin disinformation claims, one-line English summaries). Which cases belong
to it is decided by :func:`select_covid_aid`, never by a hand list.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd

__all__ = ["COVID_AID_RULE", "heldout", "select_covid_aid"]

_COVID_TITLE = (r"corona|covid|pandemic|epidemic|vaccin|quarantin|lockdown|\bmasks?\b|"
                r"ventilator|virus")
_COVID_KEYWORDS = r"coronavirus|covid|vaccination|sputnik v"
_AID_TITLE = (r"\baid\b|humanitarian|solidarity|abandon|\balone\b|donat|supplies|ventilator|"
              r"brigade|medics|\bdoctors\b|diplomacy|sputnik v|sputnik vaccine|russian vaccine|"
              r"chinese vaccine|cuban|vaccines? (?:war|race)|(?:only|first) (?:russia|china|cuba)|"
              r"from russia with love")
_AID_KEYWORDS = r"humanitarian aid|sputnik v"
_HELP_TITLE = r"\bhelp|assist|support|\bsav(?:e|ed|es|ing)\b|\bsen[dt]\b|sending|deliver|offer"
_ACTOR_TITLE = (r"russia|china|chinese|cuba|\beu\b|europe|brussels|nato|\bwest|\bus\b|"
                r"united states|america|italy|serbia|ukrain|moldova|balkan")
_START, _END = "2020-01-01", "2021-12-31"

COVID_AID_RULE = f"""\
A case is selected when it is dated {_START} to {_END} and
(1) it is about COVID-19: its title matches /{_COVID_TITLE}/ or its keywords match
    /{_COVID_KEYWORDS}/; and
(2) it is about aid diplomacy: its title matches /{_AID_TITLE}/, or its keywords match
    /{_AID_KEYWORDS}/, or its title matches both /{_HELP_TITLE}/ and /{_ACTOR_TITLE}/.
Matching is case-insensitive. ("Sputnik" alone is the outlet of that name, not the vaccine.)"""


def _text(values: pd.Series) -> pd.Series:
    return values.map(lambda v: " + ".join(v) if isinstance(v, list | tuple)
                      else ("" if pd.isna(v) else str(v))).str.lower()


def select_covid_aid(posts: pd.DataFrame) -> pd.DataFrame:
    """The COVID-19 aid-diplomacy cases of an EUvsDisinfo table, by :data:`COVID_AID_RULE`.

    Parameters
    ----------
    posts : DataFrame
        With ``date``, ``keywords`` (a ``+``-joined string or a list per case) and the claim
        in ``title`` (the raw export) or ``text`` (as read by
        :func:`framing.datasets.load_euvsdisinfo`).

    Returns
    -------
    DataFrame
        The selected rows, sorted by date then id, index reset.

    Examples
    --------
    >>> posts = pd.DataFrame({
    ...     "id": ["a", "b", "c", "d"],
    ...     "date": ["2020-03-25", "2020-03-26", "2020-04-02", "2019-05-01"],
    ...     "title": ["EU abandoned Italy, only Russia helped with coronavirus",
    ...               "Sputnik is persecuted in Latvia",
    ...               "Zinc could help kill coronavirus",
    ...               "Russia sent humanitarian aid"],
    ...     "keywords": ["coronavirus+EU disintegration", "sputnik+media", "coronavirus",
    ...                  "humanitarian aid"]})
    >>> select_covid_aid(posts)["id"].tolist()
    ['a']
    """
    claim = "title" if "title" in posts.columns else "text"
    missing = [c for c in ("date", claim, "keywords") if c not in posts.columns]
    if missing:
        raise ValueError(f"select_covid_aid needs the column(s) {missing}")
    dates = pd.to_datetime(posts["date"], errors="coerce")
    title, keywords = _text(posts[claim]), _text(posts["keywords"])

    def has(series: pd.Series, pattern: str) -> pd.Series:
        return series.str.contains(re.compile(pattern), regex=True)

    covid = has(title, _COVID_TITLE) | has(keywords, _COVID_KEYWORDS)
    aid = (has(title, _AID_TITLE) | has(keywords, _AID_KEYWORDS)
           | (has(title, _HELP_TITLE) & has(title, _ACTOR_TITLE)))
    in_time = (dates >= _START) & (dates <= _END)
    selected = posts[covid & aid & in_time].copy()
    order = ["date", "id"] if "id" in selected.columns else ["date"]
    return selected.sort_values(order, kind="mergesort").reset_index(drop=True)


def heldout(
    ids: pd.Series | list[str], fraction: float = 0.5, salt: str = "softpower-aid"
) -> pd.Series:
    """Which cases are held out from lexicon tuning: a stable, seeded split by id.

    A case is held out when the first 8 hex digits of ``sha256(salt + id)``, read as a
    fraction of 16**8, fall below ``fraction``; the split does not depend on the order or the
    number of the cases, so adding a case never moves another.

    Examples
    --------
    >>> heldout(["a", "b", "c", "d"]).tolist()
    [True, False, True, True]
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, not {fraction}")
    ids = pd.Series(list(ids) if not isinstance(ids, pd.Series) else ids)
    digest = ids.map(lambda i: int(hashlib.sha256(f"{salt}{i}".encode()).hexdigest()[:8], 16))
    return (digest / 16**8) < fraction
