"""Figures for the tidy tables of :mod:`framing.analysis` (matplotlib, imported lazily).

Each function takes a table and returns a matplotlib ``Figure``; save it with
:func:`framing.report.save_figure`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["plot_cooccurrence", "plot_odds_ratios", "plot_prevalence", "plot_timeline"]


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _labels(frames: Sequence[str]) -> list[str]:
    return [f.replace("_", " ") for f in frames]


def plot_prevalence(table: pd.DataFrame, by: str, frames: Sequence[str] | None = None,
                    title: str | None = None):
    """Dot plot of frame prevalence per group with confidence intervals, one row per frame.

    ``table`` is :func:`framing.analysis.prevalence` output with a ``by`` column.
    """
    plt = _plt()
    frames = list(frames or dict.fromkeys(table["frame"]))
    groups = sorted(table[by].astype(str).unique())
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(frames) + 1.5))
    offsets = np.linspace(-0.3, 0.3, len(groups)) if len(groups) > 1 else [0.0]
    cmap = plt.get_cmap("tab10")
    for gi, group in enumerate(groups):
        sub = table[table[by].astype(str) == group].set_index("frame").reindex(frames)
        y = np.arange(len(frames)) + offsets[gi]
        err = np.clip(np.vstack([sub["share"] - sub["ci_low"], sub["ci_high"] - sub["share"]]),
                      0, None)
        ax.errorbar(sub["share"], y, xerr=err, fmt="o", ms=4, capsize=2, lw=1,
                    color=cmap(gi % 10), label=group)
    ax.set_yticks(range(len(frames)), _labels(frames))
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of articles presenting the frame (95% CI)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(title=by.replace("_", " "), fontsize=8, title_fontsize=8,
              loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_cooccurrence(table: pd.DataFrame, value: str = "phi", title: str | None = None):
    """Heat map of :func:`framing.analysis.cooccurrence` (``phi`` or ``jaccard``)."""
    plt = _plt()
    frames = list(dict.fromkeys(table["frame_a"]))
    grid = table.pivot(index="frame_a", columns="frame_b", values=value).reindex(
        index=frames, columns=frames)
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    vmax = 1.0
    im = ax.imshow(grid.to_numpy(dtype=float), cmap="RdBu_r", vmin=-vmax if value == "phi"
                   else 0, vmax=vmax)
    ax.set_xticks(range(len(frames)), _labels(frames), rotation=45, ha="right")
    ax.set_yticks(range(len(frames)), _labels(frames))
    for i in range(len(frames)):
        for j in range(len(frames)):
            v = grid.iat[i, j]
            if i != j and np.isfinite(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if abs(v) > 0.5 else "black")
    fig.colorbar(im, ax=ax, shrink=0.8, label=value)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_timeline(table: pd.DataFrame, frames: Sequence[str] | None = None,
                  min_n: int = 1, title: str | None = None):
    """Monthly share of documents per frame (:func:`framing.analysis.monthly` output).

    Months with fewer than ``min_n`` documents are left out; the grey bars show how many
    documents each month has.
    """
    plt = _plt()
    frames = list(frames or dict.fromkeys(table["frame"]))
    sub = table[table["frame"].isin(frames) & (table["n"] >= min_n)]
    months = sorted(sub["month"].unique())
    x = {m: i for i, m in enumerate(months)}
    fig, ax = plt.subplots(figsize=(10, 4.5))
    counts = sub.drop_duplicates("month").set_index("month")["n"].reindex(months)
    ax2 = ax.twinx()
    ax2.bar(range(len(months)), counts.to_numpy(), color="0.85", zorder=0)
    ax2.set_ylabel("articles per month", color="0.5")
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    cmap = plt.get_cmap("tab10")
    for i, frame in enumerate(frames):
        f = sub[sub["frame"] == frame]
        ax.plot([x[m] for m in f["month"]], f["share"], marker="o", ms=3, lw=1.5,
                color=cmap(i % 10), label=frame.replace("_", " "))
    step = max(1, len(months) // 12)
    ax.set_xticks(range(0, len(months), step), months[::step], rotation=45, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of articles")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.08, 1), frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_odds_ratios(table: pd.DataFrame, title: str | None = None, columns: int = 2):
    """Forest plot of :func:`framing.analysis.frame_logit` output, one panel per frame."""
    plt = _plt()
    ok = table[table["status"] == "ok"]
    frames = list(dict.fromkeys(ok["frame"]))
    if not frames:
        fig, ax = plt.subplots(figsize=(6, 2))
        ax.text(0.5, 0.5, "no estimable model", ha="center", va="center")
        ax.set_axis_off()
        return fig
    rows = int(np.ceil(len(frames) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(5.5 * columns, 2.6 * rows),
                             squeeze=False)
    for ax, frame in zip(axes.flat, frames, strict=False):
        f = ok[ok["frame"] == frame]
        labels = [f"{t}={lv}" for t, lv in zip(f["term"], f["level"], strict=True)]
        y = np.arange(len(f))
        err = np.clip(np.vstack([f["odds_ratio"] - f["ci_low"], f["ci_high"] - f["odds_ratio"]]),
                      0, None)
        ax.errorbar(f["odds_ratio"], y, xerr=err, fmt="o", ms=4, capsize=2, color="C0")
        ax.axvline(1, color="0.5", lw=1, ls="--")
        ax.set_xscale("log")
        ax.set_yticks(y, labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(frame.replace("_", " "), fontsize=9)
    for ax in list(axes.flat)[len(frames):]:
        ax.set_axis_off()
    fig.supxlabel("odds ratio (95% CI, log scale)")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
