"""Agreement measures on reliability data: a coders x units array, missing values as NaN/None.

Krippendorff's alpha is computed through the coincidence matrix (Krippendorff 2011,
"Computing Krippendorff's Alpha-Reliability"): every unit coded by ``m_u >= 2`` coders
contributes each ordered pair of its values with weight ``1 / (m_u - 1)``, so that each
pairable value counts once. Everything is vectorised over units.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from framing.errors import FramingError

Level = Literal["nominal", "ordinal", "interval", "ratio", "masi", "jaccard"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio", "masi", "jaccard")
_NUMERIC = ("ordinal", "interval", "ratio")
_SETS = ("masi", "jaccard")
SET_SEPARATOR = "+"


class ReliabilityWarning(UserWarning):
    """A coefficient is undefined for these data and was returned as NaN (the message says why)."""


def _undefined(reason: str) -> float:
    warnings.warn(f"{reason}; the coefficient is undefined (NaN)", ReliabilityWarning,
                  stacklevel=3)
    return float("nan")


def parse_set(value: Any) -> frozenset:
    """A set-valued code as a frozenset: a set, or labels joined by ``+`` (``"russia+china"``).

    Examples
    --------
    >>> sorted(parse_set("russia + china"))
    ['china', 'russia']
    """
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if not isinstance(value, str):
        raise FramingError(f"a set-valued code must be a set or a '+'-joined string: {value!r}")
    parts = [p.strip() for p in value.split(SET_SEPARATOR)]
    if not all(parts):
        raise FramingError(f"empty label in the set-valued code {value!r}")
    return frozenset(parts)


def masi_distance(a: frozenset, b: frozenset) -> float:
    """MASI distance between two label sets (Passonneau 2006): ``1 - J * M``.

    ``J`` is the Jaccard index; ``M`` is 1 for equal sets, 2/3 when one contains the other,
    1/3 when they overlap otherwise and 0 when they are disjoint.

    Examples
    --------
    >>> round(masi_distance(frozenset("ab"), frozenset("a")), 4)
    0.6667
    """
    union = len(a | b)
    if union == 0:
        return 0.0
    common = len(a & b)
    if a == b:
        monotonicity = 1.0
    elif a <= b or b <= a:
        monotonicity = 2 / 3
    elif common:
        monotonicity = 1 / 3
    else:
        monotonicity = 0.0
    return 1.0 - common / union * monotonicity


def jaccard_distance(a: frozenset, b: frozenset) -> float:
    """Jaccard distance between two label sets: ``1 - |a & b| / |a | b|``.

    Examples
    --------
    >>> jaccard_distance(frozenset("ab"), frozenset("bc"))
    0.6666666666666667
    """
    union = len(a | b)
    return 0.0 if union == 0 else 1.0 - len(a & b) / union


@dataclass(frozen=True)
class _Encoded:
    """Reliability data as integer codes: ``codes[i, u]`` indexes ``values``; -1 is missing."""

    values: tuple
    codes: np.ndarray


def _check_level(level: Level | Callable) -> None:
    if not callable(level) and level not in LEVELS:
        raise FramingError(f"unknown level {level!r}; use one of {list(LEVELS)} or a callable")


def _as_2d(reliability_data: Any) -> np.ndarray:
    arr = reliability_data.to_numpy() if isinstance(reliability_data, pd.DataFrame) else (
        np.asarray(reliability_data))
    if arr.ndim != 2:
        raise FramingError(
            f"reliability_data must be a 2-D coders x units array; got shape {arr.shape}"
        )
    if arr.dtype.kind not in "biufOUS":
        raise FramingError(f"reliability_data of dtype {arr.dtype} is not supported")
    return arr


def _canonical(value: Hashable, level: Level | Callable) -> Hashable:
    if level in _SETS:
        return parse_set(value)
    if level in _NUMERIC:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise FramingError(f"{level} data must be numbers; got {value!r}") from None
        if not np.isfinite(number) or (level == "ratio" and number < 0):
            raise FramingError(f"{level} data cannot hold the value {value!r}")
        return number
    return value.item() if isinstance(value, np.generic) else value


def _sort_key(value: Any) -> tuple:
    if isinstance(value, frozenset):
        return (0, tuple(sorted(map(str, value))))
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return (1, float(value), "")
    return (2, type(value).__name__, str(value))


def encode(reliability_data: Any, level: Level | Callable = "nominal") -> _Encoded:
    """Validate reliability data and turn it into sorted category codes."""
    _check_level(level)
    arr = _as_2d(reliability_data)
    missing = np.isnan(arr) if arr.dtype.kind == "f" else np.asarray(pd.isna(arr), dtype=bool)
    raw = arr[~missing]
    if level in _SETS and raw.dtype == object:
        raw = np.array([frozenset(v) if isinstance(v, set) else v for v in raw], dtype=object)
    try:
        first, uniques = pd.factorize(raw)
    except TypeError as err:
        raise FramingError(f"reliability_data holds unhashable values ({err})") from None
    canon = [_canonical(v, level) for v in uniques]
    values = sorted(set(canon), key=_sort_key)
    index = {v: i for i, v in enumerate(values)}
    remap = np.array([index[v] for v in canon], dtype=np.int64)
    codes = np.full(arr.shape, -1, dtype=np.int64)
    codes[~missing] = remap[first] if len(remap) else first
    return _Encoded(tuple(values), codes)


def unit_counts(codes: np.ndarray, k: int) -> tuple[np.ndarray, int]:
    """Counts of each value in each pairable unit (units x k) and the number of coded units."""
    present = codes >= 0
    m_u = present.sum(axis=0)
    pairable = m_u >= 2
    sub = codes[:, pairable]
    units = np.broadcast_to(np.arange(sub.shape[1]), sub.shape)[sub >= 0]
    flat = np.bincount(units * k + sub[sub >= 0], minlength=sub.shape[1] * k)
    return flat.reshape(sub.shape[1], k), int((m_u > 0).sum())


def coincidence_from_counts(counts: np.ndarray) -> np.ndarray:
    """The coincidence matrix ``o[c, k]`` of pairable units given as value counts per unit."""
    weights = 1.0 / (counts.sum(axis=1) - 1.0)
    weighted = counts * weights[:, None]
    return weighted.T @ counts - np.diag(weighted.sum(axis=0))


def delta(level: Level | Callable, values: tuple, margins: np.ndarray) -> np.ndarray:
    """The squared-difference matrix ``delta[c, k]`` of a level over ``values``.

    ``margins`` (the pairable values per category, possibly batched ``(..., k)``) is used by
    the ordinal metric only, whose distances are those of the categories' mid-ranks.
    """
    k = len(values)
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        mid = np.cumsum(margins, axis=-1) - margins / 2.0
        return (mid[..., :, None] - mid[..., None, :]) ** 2
    if level in ("interval", "ratio"):
        x = np.asarray(values, dtype=float)
        diff = x[:, None] - x[None, :]
        if level == "interval":
            return diff**2
        total = x[:, None] + x[None, :]
        return np.divide(diff, total, out=np.zeros((k, k)), where=total != 0) ** 2
    distance = {"masi": masi_distance, "jaccard": jaccard_distance}.get(level, level)
    d = np.array([[distance(a, b) for b in values] for a in values], dtype=float).reshape(k, k)
    if not (np.all(np.isfinite(d)) and np.all(d >= 0) and np.allclose(d, d.T)
            and np.allclose(np.diag(d), 0.0)):
        raise FramingError(
            "the distance function must give finite, non-negative, symmetric distances that "
            "are 0 between equal values"
        )
    return d


def alpha_from_coincidences(o: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Alpha of coincidence matrices ``(..., k, k)``; NaN where expected disagreement is 0."""
    margins = o.sum(axis=-1)
    n = margins.sum(axis=-1)
    observed = (o * d).sum(axis=(-2, -1))
    expected = np.einsum("...c,...ck,...k->...", margins, d, margins)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1.0 - (n - 1.0) * observed / expected, np.nan)


@dataclass(frozen=True)
class Coincidences:
    """The coincidence matrix of reliability data and the counts that go with it.

    Attributes
    ----------
    values : tuple
        The values coded, sorted (numbers by size, set-valued codes as frozensets).
    matrix : numpy.ndarray, shape (k, k)
        ``matrix[c, k]``: the coincidences of values ``c`` and ``k`` within units.
    n_coders : int
        Coders with at least one value.
    n_units : int
        Units with at least one value.
    n_pairable_units : int
        Units with at least two values (the units alpha uses).
    n_pairable : int
        Pairable values ``n..``: the values in units with at least two values.
    """

    values: tuple
    matrix: np.ndarray = field(repr=False)
    n_coders: int
    n_units: int
    n_pairable_units: int
    n_pairable: int

    @property
    def margins(self) -> np.ndarray:
        """Pairable values per category, ``n_c``."""
        return self.matrix.sum(axis=1)

    def to_frame(self) -> pd.DataFrame:
        """The matrix as a DataFrame labelled by value."""
        labels = [_label(v) for v in self.values]
        return pd.DataFrame(self.matrix, index=labels, columns=labels)


def _label(value: Any) -> str:
    if isinstance(value, frozenset):
        return SET_SEPARATOR.join(sorted(map(str, value)))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _coincidences(enc: _Encoded) -> tuple[Coincidences, np.ndarray]:
    counts, n_units = unit_counts(enc.codes, len(enc.values))
    result = Coincidences(
        values=enc.values,
        matrix=coincidence_from_counts(counts.astype(float)),
        n_coders=int((enc.codes >= 0).any(axis=1).sum()),
        n_units=n_units,
        n_pairable_units=int(counts.shape[0]),
        n_pairable=int(counts.sum()),
    )
    return result, counts


def coincidences(reliability_data: Any) -> Coincidences:
    """The coincidence matrix of reliability data (coders x units; NaN or None is missing).

    Examples
    --------
    >>> c = coincidences([[0, 1, 0, 0], [0, 1, 1, None]])
    >>> c.values, c.n_units, c.n_pairable_units, c.n_pairable
    ((0, 1), 4, 3, 6)
    >>> c.to_frame()
       0    1
    0  2.0  1.0
    1  1.0  2.0
    """
    return _coincidences(encode(reliability_data, "nominal"))[0]


def alpha_of(enc: _Encoded, level: Level | Callable) -> tuple[float, Coincidences, np.ndarray]:
    """Alpha of encoded data with its coincidences and pairable unit counts (warns on NaN)."""
    co, counts = _coincidences(enc)
    if co.n_pairable_units == 0:
        return _undefined("no pairable values (no unit has two or more values)"), co, counts
    if co.n_pairable_units < 2:
        return _undefined("only one unit has two or more values"), co, counts
    value = float(alpha_from_coincidences(co.matrix, delta(level, enc.values, co.margins)))
    if np.isnan(value):
        return _undefined("no variation: every pairable value is the same"), co, counts
    return value, co, counts


def alpha(reliability_data: Any, level: Level | Callable = "nominal") -> float:
    """Krippendorff's alpha of reliability data.

    Parameters
    ----------
    reliability_data : array-like or DataFrame, shape (n_coders, n_units)
        Rows are coders, columns are units (the layout of Krippendorff's papers); NaN or
        None is a missing value. Any number of coders; units with fewer than two values
        are not pairable and are ignored.
    level : {"nominal", "ordinal", "interval", "ratio", "masi", "jaccard"} or callable
        The metric. ``ordinal``, ``interval`` and ``ratio`` need numbers (strings such as
        ``"-1"`` are read as numbers). ``masi`` and ``jaccard`` are for set-valued codes
        (sets, or labels joined by ``+``). A callable ``f(a, b) -> float`` is used as the
        squared difference ``delta(a, b)`` between two values.

    Returns
    -------
    float
        Alpha; NaN with a :class:`ReliabilityWarning` when it is undefined: no pairable
        values (e.g. one coder), only one pairable unit, or no variation (all values equal).

    Raises
    ------
    FramingError
        For data that is not 2-D, an unknown level, or values the level cannot read.

    Examples
    --------
    Krippendorff (2011), the two-coder binary example:

    >>> round(alpha([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    ...              [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]), 3)
    0.095
    """
    return alpha_of(encode(reliability_data, level), level)[0]


def percent_agreement(reliability_data: Any) -> float:
    """Observed agreement: the share of pairable values matched by the other values of their unit.

    It is ``sum(o[c, c]) / n..`` of the coincidence matrix (``1 - D_o`` of nominal alpha);
    with two coders and no missing values, the share of units on which they agree.
    NaN with a :class:`ReliabilityWarning` when there are no pairable values.

    Examples
    --------
    >>> percent_agreement([[0, 1, 0, 0], [0, 1, 1, 0]])
    0.75
    """
    co = coincidences(reliability_data)
    if co.n_pairable == 0:
        return _undefined("no pairable values (no unit has two or more values)")
    return float(np.trace(co.matrix) / co.n_pairable)


def prevalence(reliability_data: Any) -> pd.DataFrame:
    """How often each value was coded among the pairable values.

    Returns a DataFrame with columns ``value``, ``n`` (pairable values) and ``share``, one row
    per value in sorted order; empty when there are no pairable values.

    Examples
    --------
    >>> prevalence([["a", "b", "a"], ["a", "b", None]])
      value  n  share
    0     a  2    0.5
    1     b  2    0.5
    """
    co = coincidences(reliability_data)
    n = co.margins
    share = n / co.n_pairable if co.n_pairable else n
    return pd.DataFrame({"value": [_label(v) for v in co.values], "n": n.round().astype(int),
                         "share": share.round(4)})


def cohen_kappa(reliability_data: Any) -> float:
    """Cohen's kappa of two coders (a 2 x units array; units with a missing value are dropped).

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_e`` from each coder's own marginals. NaN with
    a :class:`ReliabilityWarning` when fewer than two units have both values or ``p_e = 1``.

    Examples
    --------
    >>> cohen_kappa([[1, 1, 0, 0], [1, 0, 0, 0]])
    0.5
    """
    enc = encode(reliability_data, "nominal")
    if enc.codes.shape[0] != 2:
        raise FramingError(f"cohen_kappa needs exactly 2 coders; got {enc.codes.shape[0]}")
    both = enc.codes[:, (enc.codes >= 0).all(axis=0)]
    if both.shape[1] < 2:
        return _undefined("fewer than two units coded by both coders")
    k = len(enc.values)
    p_a = np.bincount(both[0], minlength=k) / both.shape[1]
    p_b = np.bincount(both[1], minlength=k) / both.shape[1]
    p_o = float(np.mean(both[0] == both[1]))
    p_e = float(p_a @ p_b)
    if p_e >= 1.0:
        return _undefined("no variation: both coders used one and the same value")
    return (p_o - p_e) / (1.0 - p_e)


def fleiss_kappa(reliability_data: Any) -> float:
    """Fleiss' kappa (1971) of data where every coded unit has the same number of values.

    Units without any value are ignored; which coder gave which value does not matter.
    NaN with a :class:`ReliabilityWarning` when fewer than two units are coded or there is no
    variation. Use :func:`alpha` for data with missing values.

    Examples
    --------
    >>> round(fleiss_kappa([[1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 0, 1]]), 4)
    0.3333
    """
    enc = encode(reliability_data, "nominal")
    m_u = (enc.codes >= 0).sum(axis=0)
    coded = enc.codes[:, m_u > 0]
    sizes = np.unique(m_u[m_u > 0])
    if len(sizes) > 1:
        raise FramingError(
            f"fleiss_kappa needs the same number of values in every unit; found {list(sizes)}"
            "; use alpha() for data with missing values"
        )
    if coded.shape[1] < 2 or sizes[0] < 2:
        return _undefined("fewer than two units with two or more values")
    counts, _ = unit_counts(coded, len(enc.values))
    m = float(sizes[0])
    p_unit = ((counts**2).sum(axis=1) - m) / (m * (m - 1.0))
    p_cat = counts.sum(axis=0) / counts.sum()
    p_e = float(p_cat @ p_cat)
    if p_e >= 1.0:
        return _undefined("no variation: every value is the same")
    return (float(p_unit.mean()) - p_e) / (1.0 - p_e)
