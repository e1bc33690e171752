"""The reliability report: one row per variable, with alpha, its interval and a verdict."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from framing.errors import InputError, Problem
from framing.reliability._annotations import Annotations, _wide, prepare
from framing.reliability._bootstrap import Method, bootstrap_alpha
from framing.reliability._measures import (
    LEVELS,
    Level,
    ReliabilityWarning,
    _label,
    alpha_of,
    encode,
)

RELIABLE = 0.800
TENTATIVE = 0.667
_KINDS = {"nominal": "nominal", "ordinal": "ordinal", "multi": "masi"}
_BINARY = {"0", "1"}

REPORT_COLUMNS: tuple[str, ...] = (
    "variable", "level", "n_coders", "n_units", "n_pairable", "alpha", "ci_low", "ci_high",
    "p_below_667", "p_below_800", "agreement", "prevalence_value", "prevalence", "verdict",
)


def verdict(alpha: float) -> str:
    """Krippendorff's reading of alpha: reliable, tentative, discard (or undefined when NaN).

    Alpha is rounded to three decimals first, as it is reported: ``>= .800`` is
    ``"reliable"``, ``.667`` up to ``.800`` ``"tentative"``, below ``.667`` ``"discard"``.

    Examples
    --------
    >>> verdict(0.7996), verdict(0.7), verdict(0.5), verdict(float("nan"))
    ('reliable', 'tentative', 'discard', 'undefined')
    """
    if np.isnan(alpha):
        return "undefined"
    rounded = round(float(alpha), 3)
    return "reliable" if rounded >= RELIABLE else "tentative" if rounded >= TENTATIVE else (
        "discard")


def _levels(codebook: Any, levels: Mapping[str, Level | Callable] | None
            ) -> tuple[dict, list[str]]:
    """The level of each known variable, and the codebook's variables in codebook order."""
    out: dict[str, Level | Callable] = {}
    if codebook is not None:
        if not hasattr(codebook, "frame_ids"):
            from framing.codebook import load_codebook

            codebook = load_codebook(codebook)
        out.update(dict.fromkeys(codebook.frame_ids, "nominal"))
        out.update({v.id: _KINDS[v.kind] for v in codebook.variables})
    order = list(out)
    for name, level in (levels or {}).items():
        if not callable(level) and level not in LEVELS:
            raise InputError(Problem("levels", f"unknown level {level!r}; use one of "
                                               f"{list(LEVELS)}", field=name))
        out[name] = level
    return out, order


def _row(df: pd.DataFrame, variable: str, level: Level | Callable,
         coders: Sequence[str] | None, n_resamples: int, seed: int, method: Method,
         confidence: float) -> dict:
    name = level if isinstance(level, str) else getattr(level, "__name__", "callable")
    row: dict[str, Any] = {"variable": variable, "level": name}
    wide = _wide(df, variable, coders, strict=False)
    enc = encode(wide, level)
    value, co, _ = alpha_of(enc, level)
    interval = (bootstrap_alpha(wide, level, n_resamples=n_resamples, seed=seed, method=method,
                                confidence=confidence) if n_resamples and not np.isnan(value)
                else None)
    labels = [_label(v) for v in co.values]
    n = co.n_pairable
    if not n:
        top_value, top_n = "", 0.0
    elif set(labels) <= _BINARY:
        top_value, top_n = "1", (co.margins[labels.index("1")] if "1" in labels else 0.0)
    else:
        top = int(np.argmax(co.margins))
        top_value, top_n = labels[top], co.margins[top]
    nan = float("nan")
    row.update(
        n_coders=co.n_coders,
        n_units=co.n_pairable_units,
        n_pairable=co.n_pairable,
        alpha=value,
        ci_low=interval.low if interval else nan,
        ci_high=interval.high if interval else nan,
        p_below_667=interval.p_below(TENTATIVE) if interval else nan,
        p_below_800=interval.p_below(RELIABLE) if interval else nan,
        agreement=float(np.trace(co.matrix) / n) if n else nan,
        prevalence_value=top_value,
        prevalence=float(top_n / n) if n else nan,
        verdict=verdict(value) if len(wide.columns) else "no data",
    )
    return row


def reliability_report(
    annotations: Annotations,
    codebook: Any = None,
    *,
    levels: Mapping[str, Level | Callable] | None = None,
    variables: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    n_resamples: int = 5000,
    seed: int = 1,
    method: Method = "pairs",
    confidence: float = 0.95,
    progress: bool = False,
) -> pd.DataFrame:
    """Reliability of every variable of an annotation table, one row per variable.

    Parameters
    ----------
    annotations : DataFrame or path
        The long annotation table ``unit_id, coder, variable, value`` (optional ``round``).
    codebook : Codebook, str or path, optional
        Its frames are nominal variables and its ``variables`` have their ``kind``
        (``multi`` is read with MASI distance); its variables come first, in codebook
        order, and those nobody coded get a ``"no data"`` row.
    levels : mapping, optional
        Level of a variable by name (``{"tone_to_donor": "ordinal", "donor": "masi"}``);
        overrides the codebook. Variables without a level are ``"nominal"``.
    variables : sequence of str, optional
        Only these variables, in this order.
    coders : sequence of str, optional
        Only these coders (e.g. two humans, or ``["lexicon", "gold"]``).
    n_resamples, seed, method, confidence
        The bootstrap (see :func:`bootstrap_alpha`); ``n_resamples=0`` skips it.
    progress : bool
        Show a progress bar (on stderr).

    Returns
    -------
    DataFrame
        Columns: ``variable``, ``level``; ``n_coders`` (who coded the variable), ``n_units``
        (units with two or more values, the units alpha uses), ``n_pairable`` (their
        values); ``alpha`` and its interval ``ci_low``, ``ci_high``; ``p_below_667`` and
        ``p_below_800``, the bootstrap probabilities that alpha is below .667 and .800;
        ``agreement`` (:func:`percent_agreement`); ``prevalence``, the share of pairable
        values equal to ``prevalence_value`` ("1" for 0/1 variables, else the commonest
        value); ``verdict`` (:func:`verdict`, or ``"no data"``). Floats are rounded to 4
        decimals; an undefined coefficient is NaN.

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "unit_id": [u for u in "abcdefgh" for _ in (0, 1)],
    ...     "coder": ["x", "y"] * 8, "variable": "gratitude",
    ...     "value": list("1101001111000011")})
    >>> report = reliability_report(table, n_resamples=0)
    >>> report[["variable", "n_units", "alpha", "agreement", "prevalence", "verdict"]]
        variable  n_units   alpha  agreement  prevalence   verdict
    0  gratitude        8  0.7619      0.875      0.5625  tentative
    """
    df = prepare(annotations)
    level_of, order = _levels(codebook, levels)
    present = sorted(df["variable"].unique())
    if variables is None:
        variables = order + [v for v in present if v not in set(order)]
    else:
        unknown = [v for v in variables if v not in set(present) | set(level_of)]
        if unknown:
            raise InputError(Problem(df.attrs.get("source", "annotations"),
                                     f"unknown variable(s) {unknown}; the annotations have "
                                     f"{present}", field="variable"))
    if coders is not None:
        absent = sorted(set(coders) - set(df["coder"]))
        if absent:
            raise InputError(Problem(df.attrs.get("source", "annotations"),
                                     f"no annotation by coder(s) {absent}", field="coder"))
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        for variable in tqdm(variables, desc="reliability", unit="variable",
                             disable=not progress, leave=False):
            rows.append(_row(df, variable, level_of.get(variable, "nominal"), coders,
                             n_resamples, seed, method, confidence))
    report = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    floats = report.select_dtypes("float").columns
    report[floats] = report[floats].round(4)
    return report


def plot_alphas(report: pd.DataFrame, ax: Any = None) -> Any:
    """Forest plot of alpha with its interval per variable, with the .667 and .800 lines.

    Parameters
    ----------
    report : DataFrame
        From :func:`reliability_report` (columns ``variable``, ``alpha``, ``ci_low``,
        ``ci_high``); rows are drawn top to bottom, undefined alphas as a label only.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.35 * len(report) + 1.2))
    y = np.arange(len(report))[::-1]
    est = report["alpha"].to_numpy(float)
    low = np.nan_to_num(est - report["ci_low"].to_numpy(float))
    high = np.nan_to_num(report["ci_high"].to_numpy(float) - est)
    ax.errorbar(est, y, xerr=[low, high], fmt="o", color="black", capsize=3)
    ax.axvline(TENTATIVE, color="tab:orange", linestyle="--", label=".667 tentative")
    ax.axvline(RELIABLE, color="tab:green", linestyle="--", label=".800 reliable")
    ax.set_yticks(y, report["variable"].tolist())
    ax.set_xlabel("Krippendorff's alpha")
    ax.set_xlim(min(-0.05, float(np.nanmin(report["ci_low"], initial=0.0)) - 0.05), 1.02)
    ax.legend(loc="lower left", fontsize="small")
    return ax.figure
