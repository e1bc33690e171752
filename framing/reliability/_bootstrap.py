"""Seeded bootstrap distributions of Krippendorff's alpha, vectorised over resamples."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from framing.errors import FramingError
from framing.reliability._measures import (
    Level,
    alpha_from_coincidences,
    alpha_of,
    delta,
    encode,
)

Method = Literal["pairs", "units"]
_CELLS_PER_CHUNK = 4_000_000  # bounds the memory of one block of resamples


@dataclass(frozen=True)
class AlphaInterval:
    """Alpha with its bootstrap confidence interval.

    Attributes
    ----------
    alpha : float
        Alpha of the data as given.
    low, high : float
        Percentile bounds of the bootstrap distribution at ``confidence``.
    confidence : float
        E.g. 0.95.
    method : {"pairs", "units"}
        How the data were resampled (see :func:`bootstrap_alpha`).
    n_resamples, seed : int
        The number of resamples drawn and the seed of the generator.
    n_undefined : int
        Resamples whose alpha is undefined (unit resampling only: a resample without
        variation); they are left out of the bounds and of :meth:`p_below`.
    samples : numpy.ndarray
        The bootstrap alphas, NaN where undefined.
    """

    alpha: float
    low: float
    high: float
    confidence: float
    method: str
    n_resamples: int
    seed: int
    n_undefined: int
    samples: np.ndarray = field(repr=False, compare=False)

    def p_below(self, threshold: float) -> float:
        """The bootstrap probability that alpha is below ``threshold`` (Krippendorff's q).

        Examples
        --------
        >>> ci = bootstrap_alpha([[0, 1, 0, 1], [0, 1, 0, 1]], n_resamples=200)
        >>> ci.p_below(0.8), ci.p_below(1.01)
        (0.0, 1.0)
        """
        defined = self.samples[~np.isnan(self.samples)]
        return float(np.mean(defined < threshold)) if defined.size else float("nan")


def _chunks(total: int, cells_per_resample: int) -> list[int]:
    size = max(1, min(total, _CELLS_PER_CHUNK // max(cells_per_resample, 1)))
    return [min(size, total - start) for start in range(0, total, size)]


def _pairs(o: np.ndarray, d: np.ndarray, counts: np.ndarray, rng: np.random.Generator,
           n_resamples: int) -> np.ndarray:
    """Krippendorff's algorithm: draw pairs of values from the coincidences, keep D_e fixed."""
    margins = o.sum(axis=1)
    n = margins.sum()
    expected = margins @ d @ margins / (n * (n - 1.0))
    cells = o.ravel() > 0
    p = o.ravel()[cells] / n
    p = p / p.sum()
    d_cells = d.ravel()[cells]
    m_u = counts.sum(axis=1)
    n_pairs = int((m_u * (m_u - 1) // 2).sum())
    out = [1.0 - (rng.multinomial(n_pairs, p, size=b) @ d_cells) / n_pairs / expected
           for b in _chunks(n_resamples, cells.sum())]
    return np.concatenate(out)


def _units(values: tuple, level: Level | Callable, counts: np.ndarray,
           rng: np.random.Generator, n_resamples: int) -> np.ndarray:
    """Resample pairable units with replacement and recompute alpha, D_e included."""
    patterns, freq = np.unique(counts, axis=0, return_counts=True)
    k = patterns.shape[1]
    pairs = patterns[:, :, None] * patterns[:, None, :] - patterns[:, :, None] * np.eye(k)
    per_pattern = pairs / (patterns.sum(axis=1) - 1.0)[:, None, None]
    flat = per_pattern.reshape(len(patterns), k * k)
    n_units = int(freq.sum())
    fixed = None if level == "ordinal" else delta(level, values, np.zeros(k))
    out = []
    for b in _chunks(n_resamples, len(patterns) + k * k):
        o = (rng.multinomial(n_units, freq / n_units, size=b) @ flat).reshape(b, k, k)
        d = delta(level, values, o.sum(axis=-1)) if fixed is None else fixed
        out.append(alpha_from_coincidences(o, d))
    return np.concatenate(out)


def bootstrap_alpha(
    reliability_data: Any,
    level: Level | Callable = "nominal",
    *,
    n_resamples: int = 5000,
    seed: int = 1,
    method: Method = "pairs",
    confidence: float = 0.95,
) -> AlphaInterval:
    """Krippendorff's alpha with a seeded bootstrap confidence interval.

    Parameters
    ----------
    reliability_data : array-like or DataFrame, shape (n_coders, n_units)
        As for :func:`alpha`.
    level : str or callable
        As for :func:`alpha`.
    n_resamples : int
        Number of bootstrap resamples.
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives the same interval.
    method : {"pairs", "units"}
        ``"pairs"`` (default) is the algorithm of Krippendorff's KALPHA macro (Hayes &
        Krippendorff 2007): each resample draws, with replacement, as many pairs of values as
        the data have (``sum_u m_u (m_u - 1) / 2``) from the coincidence matrix, so pairs are
        weighted by ``1 / (m_u - 1)``; the expected disagreement stays that of the data.
        ``"units"`` is the ordinary nonparametric bootstrap: it resamples pairable units with
        replacement and recomputes alpha from scratch; a resample without variation has no
        alpha and is counted in ``n_undefined``.
    confidence : float
        Level of the percentile interval.

    Returns
    -------
    AlphaInterval
        When alpha itself is undefined (see :func:`alpha`), everything is NaN and no
        resample is drawn.

    Examples
    --------
    >>> data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    >>> ci = bootstrap_alpha(data, n_resamples=1000, seed=7)
    >>> round(ci.alpha, 3), ci.low <= ci.alpha <= ci.high
    (0.095, True)
    """
    if method not in ("pairs", "units"):
        raise FramingError(f"unknown bootstrap method {method!r}; use 'pairs' or 'units'")
    if not 0 < confidence < 1:
        raise FramingError(f"confidence must be between 0 and 1; got {confidence}")
    if int(n_resamples) != n_resamples or n_resamples < 1:
        raise FramingError(f"n_resamples must be a positive integer; got {n_resamples}")
    enc = encode(reliability_data, level)
    value, co, counts = alpha_of(enc, level)
    if np.isnan(value):
        nan = float("nan")
        return AlphaInterval(nan, nan, nan, confidence, method, n_resamples, seed, 0,
                             np.empty(0))
    rng = np.random.default_rng(seed)
    if method == "pairs":
        d = delta(level, enc.values, co.margins)
        samples = _pairs(co.matrix, d, counts, rng, n_resamples)
    else:
        samples = _units(enc.values, level, counts, rng, n_resamples)
    defined = samples[~np.isnan(samples)]
    tail = (1.0 - confidence) / 2.0
    low, high = (np.quantile(defined, [tail, 1.0 - tail]) if defined.size
                 else (float("nan"), float("nan")))
    return AlphaInterval(value, float(low), float(high), confidence, method, n_resamples,
                         seed, int(samples.size - defined.size), samples)
