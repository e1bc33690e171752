"""``framing reliability``: the inter-coder reliability report of an annotation table."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from framing.cli import main
from framing.errors import FramingError


class _Failed(click.ClickException):
    exit_code = 2


def _levels(pairs: tuple[str, ...]) -> dict[str, str]:
    levels = {}
    for pair in pairs:
        name, sep, level = pair.partition("=")
        if not sep or not name.strip() or not level.strip():
            raise click.BadParameter(f"{pair!r} is not VARIABLE=LEVEL", param_hint="--level")
        levels[name.strip()] = level.strip()
    return levels


def _fmt(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.3f}"


def _display(report: pd.DataFrame, bootstrap: bool) -> str:
    table = pd.DataFrame({
        "variable": report["variable"],
        "level": report["level"],
        "coders": report["n_coders"],
        "units": report["n_units"],
        "alpha": report["alpha"].map(_fmt),
    })
    if bootstrap:
        table["CI"] = [f"[{_fmt(lo)}, {_fmt(hi)}]" if not pd.isna(lo) else "n/a"
                       for lo, hi in zip(report["ci_low"], report["ci_high"], strict=True)]
        table["P(<.667)"] = report["p_below_667"].map(_fmt)
    table["agreement"] = report["agreement"].map(_fmt)
    table["prevalence"] = [f"{v}: {_fmt(p)}" if v else "n/a"
                           for v, p in zip(report["prevalence_value"], report["prevalence"],
                                           strict=True)]
    table["verdict"] = report["verdict"]
    return table.to_string(index=False)


@main.command("reliability")
@click.argument("annotations", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--variable", "variables", multiple=True,
              help="Report only this variable (repeatable); all by default.")
@click.option("--coder", "coders", multiple=True,
              help="Use only this coder (repeatable), e.g. --coder lexicon --coder gold.")
@click.option("--level", "levels", multiple=True, metavar="VARIABLE=LEVEL",
              help="Level of a variable: nominal, ordinal, interval, ratio, masi or jaccard "
                   "(repeatable), e.g. --level tone_to_donor=ordinal --level donor=masi.")
@click.option("--codebook", default=None, metavar="NAME|PATH",
              help="Take the variables and their levels from this codebook.")
@click.option("--bootstrap", "n_resamples", type=click.IntRange(min=0), default=5000,
              show_default=True, help="Bootstrap resamples for the intervals (0: none).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the bootstrap.")
@click.option("--method", type=click.Choice(["pairs", "units"]), default="pairs",
              show_default=True,
              help="Resample pairs of values (Krippendorff/Hayes) or whole units.")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Level of the interval.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report table (.csv, .tsv, .jsonl or .parquet).")
@click.option("--disagreements", "disagreements_path",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Write the units on which coders differ, for adjudication.")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
def reliability(annotations: Path, variables: tuple[str, ...], coders: tuple[str, ...],
                levels: tuple[str, ...], codebook: str | None, n_resamples: int, seed: int,
                method: str, confidence: float, output: Path | None,
                disagreements_path: Path | None, force: bool) -> None:
    """Inter-coder reliability of ANNOTATIONS (CSV: unit_id, coder, variable, value).

    Prints one row per variable: Krippendorff's alpha with its bootstrap interval, the
    probability that alpha is below .667, percent agreement, prevalence, and the verdict
    (>= .800 reliable, .667-.800 tentative, below discard).
    """
    from framing._io import check_writable, write_table
    from framing.reliability import disagreements, read_annotations, reliability_report

    try:
        for path in (output, disagreements_path):
            if path is not None:
                check_writable(path, force)
        table = read_annotations(annotations)
        report = reliability_report(
            table, codebook, levels=_levels(levels), variables=list(variables) or None,
            coders=list(coders) or None, n_resamples=n_resamples, seed=seed, method=method,
            confidence=confidence, progress=True,
        )
        if output is not None:
            write_table(report, output, force=force)
        if disagreements_path is not None:
            write_table(disagreements(table, variables=list(variables) or None,
                                      coders=list(coders) or None),
                        disagreements_path, force=force)
    except FramingError as err:
        raise _Failed(str(err)) from None
    if n_resamples:
        click.echo(f"Krippendorff's alpha; {confidence:.0%} intervals from {n_resamples} "
                   f"bootstrap resamples ({method}, seed {seed})")
    click.echo(_display(report, bool(n_resamples)))
