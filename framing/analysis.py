"""The substantive analysis as tidy tables: prevalence, co-occurrence, timelines, regressions.

Every function takes a frame table (one row per document: metadata columns and a 0/1 column
per frame, as :func:`framing.code` returns after a merge, or the gold codes) and returns a
tidy DataFrame, sorted, so that notebooks only call and save.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from framing.errors import FramingError

__all__ = [
    "composition",
    "donor_group",
    "cooccurrence",
    "explode_multi",
    "frame_logit",
    "monthly",
    "prevalence",
    "wilson_interval",
]


def wilson_interval(k, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``k / n`` (vectorised); NaN where ``n`` is 0.

    Examples
    --------
    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4902, 0.9433)
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def _check(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise FramingError(f"missing column(s) {missing}; the table has {list(df.columns)}")


def explode_multi(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per value of a multi-valued column (lists or ``+``-joined strings).

    An article with donors ``["china", "russia"]`` counts once under each; an empty set
    becomes ``"none"``.

    Examples
    --------
    >>> explode_multi(pd.DataFrame({"id": [1, 2], "donor": [["china", "russia"], []]}),
    ...               "donor")["donor"].tolist()
    ['china', 'russia', 'none']
    """
    _check(df, [column])

    def as_list(v):
        if isinstance(v, list | tuple | np.ndarray):
            return list(v) or ["none"]
        if v is None or (isinstance(v, float) and np.isnan(v)) or v == "":
            return ["none"]
        return str(v).split("+")

    out = df.assign(**{column: df[column].map(as_list)}).explode(column)
    return out.reset_index(drop=True)


def donor_group(values: pd.Series) -> pd.Series:
    """One label per document from a set of donors: the donor, ``multiple`` or ``none``.

    Examples
    --------
    >>> donor_group(pd.Series([["russia"], ["china", "russia"], [], "cuba"])).tolist()
    ['russia', 'multiple', 'none', 'cuba']
    """
    def label(v):
        items = list(v) if isinstance(v, list | tuple | np.ndarray) else (
            [] if v is None or v == "" or (isinstance(v, float) and np.isnan(v))
            else str(v).split("+"))
        items = [i for i in items if i != "none"]
        return items[0] if len(items) == 1 else ("none" if not items else "multiple")

    return values.map(label).rename(values.name)


def composition(df: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """How many documents fall in each combination of ``by`` (present combinations only)."""
    _check(df, by)
    return (df.groupby(list(by), dropna=False).size().rename("n").reset_index()
            .sort_values(list(by), kind="mergesort").reset_index(drop=True))


def prevalence(
    df: pd.DataFrame,
    frames: Sequence[str],
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of documents presenting each frame, overall or per group, with Wilson CIs.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``frame``, ``n`` (documents), ``k`` (with the frame), ``share``,
        ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a", "a", "b"], "f": [1, 0, 1]})
    >>> prevalence(d, ["f"], by="g")[["g", "frame", "n", "k", "share"]].values.tolist()
    [['a', 'f', 2, 1, 0.5], ['b', 'f', 1, 1, 1.0]]
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    _check(df, [*keys, *frames])
    long = df.melt(id_vars=keys, value_vars=list(frames), var_name="frame", value_name="x")
    long["x"] = long["x"].astype(float)
    grouped = long.groupby([*keys, "frame"], sort=True, dropna=False)["x"]
    out = grouped.agg(n="count", k="sum").reset_index()
    out["k"] = out["k"].astype("int64")
    out["share"] = out["k"] / out["n"]
    out["ci_low"], out["ci_high"] = wilson_interval(out["k"], out["n"], confidence)
    order = {f: i for i, f in enumerate(frames)}
    out = out.sort_values([*keys, "frame"], key=lambda s: s.map(order) if s.name == "frame"
                          else s, kind="mergesort")
    return out.reset_index(drop=True)


def cooccurrence(df: pd.DataFrame, frames: Sequence[str]) -> pd.DataFrame:
    """Pairwise co-occurrence of frames: counts, Jaccard overlap and the phi correlation.

    Returns
    -------
    DataFrame
        ``frame_a, frame_b, n_a, n_b, n_both, jaccard, phi`` for every ordered pair
        (the diagonal included), in codebook order.
    """
    _check(df, frames)
    x = df[list(frames)].to_numpy(dtype=float)
    both = x.T @ x
    n_a = x.sum(axis=0)
    union = n_a[:, None] + n_a[None, :] - both
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, both / union, np.nan)
        phi = np.corrcoef(x, rowvar=False) if len(x) > 1 else np.full(both.shape, np.nan)
    rows = [
        {"frame_a": a, "frame_b": b, "n_a": int(n_a[i]), "n_b": int(n_a[j]),
         "n_both": int(both[i, j]), "jaccard": jaccard[i, j], "phi": np.atleast_2d(phi)[i, j]}
        for i, a in enumerate(frames) for j, b in enumerate(frames)
    ]
    return pd.DataFrame(rows)


def monthly(
    df: pd.DataFrame, frames: Sequence[str], date_col: str = "date", confidence: float = 0.95
) -> pd.DataFrame:
    """Frame prevalence per calendar month (``YYYY-MM``), with Wilson CIs."""
    _check(df, [date_col, *frames])
    dates = pd.to_datetime(df[date_col], errors="coerce", format="ISO8601")
    if dates.isna().any():
        bad = df.loc[dates.isna(), date_col].head(3).tolist()
        raise FramingError(f"unparsable dates in {date_col!r}, e.g. {bad}")
    with_month = df.assign(month=dates.dt.strftime("%Y-%m"))
    return prevalence(with_month, frames, by="month", confidence=confidence)


def _firth_logit(X: np.ndarray, y: np.ndarray, max_iter: int = 100, tol: float = 1e-8):
    """Firth's bias-reduced logistic regression (Heinze & Schemper 2002).

    Maximises the log-likelihood penalised by half the log-determinant of the Fisher
    information, which keeps estimates finite under separation. Returns the coefficients and
    their standard errors (from the inverse information at the estimate).
    """
    beta = np.zeros(X.shape[1])

    def penalised(b):
        p = 1 / (1 + np.exp(-(X @ b)))
        info = X.T @ (X * (p * (1 - p))[:, None])
        sign, logdet = np.linalg.slogdet(info)
        p = np.clip(p, 1e-15, 1 - 1e-15)
        return np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) + 0.5 * logdet, info

    current, info = penalised(beta)
    for _ in range(max_iter):
        p = 1 / (1 + np.exp(-(X @ beta)))
        w = p * (1 - p)
        inv = np.linalg.inv(info)
        h = w * np.einsum("ij,jk,ik->i", X, inv, X)
        step = inv @ (X.T @ (y - p + h * (0.5 - p)))
        for _ in range(30):  # step halving keeps the penalised likelihood from falling
            candidate, cand_info = penalised(beta + step)
            if candidate >= current - 1e-12:
                break
            step = step / 2
        beta = beta + step
        current, info = candidate, cand_info
        if np.max(np.abs(step)) < tol:
            break
    return beta, np.sqrt(np.diag(np.linalg.inv(info)))


def frame_logit(
    df: pd.DataFrame,
    frames: Sequence[str],
    predictors: Sequence[str],
    reference: dict[str, str] | None = None,
    confidence: float = 0.95,
    method: str = "firth",
) -> pd.DataFrame:
    """Logistic regression of each frame's presence on categorical predictors.

    Each predictor is dummy-coded against its ``reference`` level (default: the most common
    level). ``method="firth"`` (default) uses Firth's penalised likelihood, which gives finite
    estimates when a level never (or always) shows a frame, common in content-analysis data;
    ``method="ml"`` uses plain maximum likelihood (statsmodels) and marks models with
    separation as not estimable. Intervals are Wald intervals.

    Returns
    -------
    DataFrame
        ``frame, term, level, odds_ratio, ci_low, ci_high, p_value, n, status``.
    """
    if method not in ("firth", "ml"):
        raise FramingError(f"method must be 'firth' or 'ml', not {method!r}")
    _check(df, [*frames, *predictors])
    reference = dict(reference or {})
    columns, terms = [np.ones(len(df))], []
    for p in predictors:
        values = df[p].astype(str)
        ref = reference.get(p, values.value_counts().sort_index().idxmax())
        if ref not in set(values):
            raise FramingError(f"reference level {ref!r} of {p!r} is not in the data")
        for level in sorted(set(values) - {ref}):
            columns.append((values == level).to_numpy(dtype=float))
            terms.append((p, level))
    X = np.column_stack(columns)
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows = []
    for frame in frames:
        y = df[frame].to_numpy(dtype=float)
        status, beta, se = "ok", None, None
        if len(np.unique(y)) < 2:
            status = "frame never varies"
        elif method == "firth":
            try:
                beta, se = _firth_logit(X, y)
            except np.linalg.LinAlgError:
                status = "not estimable (singular design)"
        else:
            import statsmodels.api as sm

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    fit = sm.GLM(y, X, family=sm.families.Binomial()).fit()
                    beta, se = np.asarray(fit.params), np.asarray(fit.bse)
                    if not np.all(np.isfinite(se)) or np.any(se > 50):
                        status = "not estimable (separation)"
                except (np.linalg.LinAlgError, ValueError) as exc:
                    status = f"not estimable ({type(exc).__name__})"
        for j, (p, level) in enumerate(terms, start=1):
            row = {"frame": frame, "term": p, "level": level, "n": int(len(y)),
                   "status": status}
            if status == "ok":
                b, e = beta[j], se[j]
                row.update(odds_ratio=np.exp(b), ci_low=np.exp(b - z * e),
                           ci_high=np.exp(b + z * e),
                           p_value=2 * stats.norm.sf(abs(b / e)))
            rows.append(row)
    cols = ["frame", "term", "level", "odds_ratio", "ci_low", "ci_high", "p_value", "n",
            "status"]
    return pd.DataFrame(rows).reindex(columns=cols)
