"""Parsing dates without guessing: ISO and a few common unambiguous formats."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["MISSING_DATES", "parse_date"]

#: Values of a date field that mean "no date" (compared case-insensitively, after stripping).
MISSING_DATES = frozenset({"", "na", "n/a", "nan", "nat", "null", "none", "-"})

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_TIME = r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
_DAY = r"(?:[a-z]{3,9},?\s+)?"
_PATTERNS = (
    ("ymd", re.compile(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$", re.I)),
    ("ymd", re.compile(rf"(\d{{4}})/(\d{{1,2}})/(\d{{1,2}}){_TIME}$", re.I)),
    ("ymd", re.compile(r"(\d{4})(\d{2})(\d{2})$")),
    ("dmy", re.compile(rf"(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}){_TIME}$", re.I)),
    ("slash", re.compile(rf"(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}){_TIME}$", re.I)),
    ("d mon y", re.compile(
        rf"{_DAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+([a-z]{{3,9}})\.?,?\s+(\d{{4}}){_TIME}$", re.I)),
    ("mon d y", re.compile(
        rf"{_DAY}([a-z]{{3,9}})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}$", re.I)),
)


def _zone(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text.upper() in {"Z", "UTC", "GMT"}:
        return UTC
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    return timezone(timedelta(minutes=-minutes if text[0] == "-" else minutes))


def _ymd(kind: str, parts: tuple[str, ...]) -> tuple[int, int, int]:
    a, b, c = parts[:3]
    if kind == "ymd":
        return int(a), int(b), int(c)
    if kind == "dmy":
        return int(c), int(b), int(a)
    if kind == "slash":
        first, second = int(a), int(b)
        if first <= 12 and second <= 12 and first != second:
            raise ValueError("ambiguous day/month order")
        return (int(c), second, first) if first > 12 else (int(c), first, second)
    month_name, day = (b, a) if kind == "d mon y" else (a, b)
    if month_name.lower() not in _MONTHS:
        raise ValueError(f"unknown month name {month_name!r}")
    return int(c), _MONTHS[month_name.lower()], int(day)


def parse_date(value: str) -> datetime | None:
    """Parse one date; None for a missing value; ``ValueError`` saying why for a bad one.

    Accepted: ISO 8601 (``2020-03-22``, ``2020-03-22T10:30:00+01:00``), ``2020/03/22``,
    ``20200322``, ``22.03.2020``, ``22/03/2020`` or ``03/22/2020`` when the day is above
    12 (``03/04/2020`` is refused as ambiguous, never guessed), English month names
    (``22 March 2020``, ``March 22, 2020``, ``Sun, 22 Mar 2020 10:00:00 GMT``). A time
    with a zone is converted to UTC; the result is naive.

    Examples
    --------
    >>> parse_date("March 22, 2020")
    datetime.datetime(2020, 3, 22, 0, 0)
    >>> parse_date("2020-03-22T10:30:00+01:00")
    datetime.datetime(2020, 3, 22, 9, 30)
    >>> parse_date("n/a") is None
    True
    >>> parse_date("03/04/2020")
    Traceback (most recent call last):
    ...
    ValueError: ambiguous day/month order
    """
    text = value.strip()
    if text.lower() in MISSING_DATES:
        return None
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groups()
        year, month, day = _ymd(kind, groups)
        hour, minute, second, zone = (groups[3:7] if len(groups) > 3 else (None,) * 4)
        stamp = datetime(year, month, day, int(hour or 0), int(minute or 0), int(second or 0))
        tz = _zone(zone)
        if tz is not None:
            stamp = stamp.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)
        return stamp
    raise ValueError("not a recognised date format")
