"""``framing report``: the stages of ``make results`` (notebooks, HTML report, manifest, paper)."""

from __future__ import annotations

from pathlib import Path

import click

from framing.cli import main
from framing.errors import FramingError


@main.group("report")
def report_group():
    """Build results: execute notebooks, the HTML report, the manifest and the paper."""


@report_group.command("execute")
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False))
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--timeout", default=900, show_default=True, help="Seconds per cell.")
def execute(notebook, output, timeout):
    """Run NOTEBOOK (a jupytext .py) headless and save the executed .ipynb as OUTPUT."""
    from framing.report import execute_notebook

    try:
        done = execute_notebook(notebook, output, timeout=timeout)
    except FramingError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"executed {done.source} ({done.cells} cells) -> {done.output}", err=True)


@report_group.command("html")
@click.argument("output", type=click.Path(dir_okay=False))
@click.argument("notebooks", nargs=-1, required=True, type=click.Path(exists=True))
def html(output, notebooks):
    """Join executed NOTEBOOKS into one HTML report OUTPUT."""
    from framing.report import build_report

    click.echo(f"report -> {build_report(notebooks, output)}", err=True)


@report_group.command("numbers")
@click.option("--root", default=None, help="Results folder (default: results/).")
def numbers(root):
    """Join the numbers each notebook wrote into results/numbers.json."""
    from framing.report import merge_numbers

    try:
        click.echo(f"numbers -> {merge_numbers(root)}", err=True)
    except FramingError as err:
        raise click.ClickException(str(err)) from None


@report_group.command("manifest")
@click.option("--root", default="results", show_default=True)
def manifest(root):
    """Write ROOT/MANIFEST.sha256 over the result tables."""
    from framing.report import write_manifest

    click.echo(f"manifest -> {write_manifest(root)}", err=True)


@report_group.command("fill")
@click.argument("template", type=click.Path(exists=True, dir_okay=False))
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--numbers", "numbers_path", default="results/numbers.json", show_default=True,
              type=click.Path(exists=True, dir_okay=False))
def fill(template, output, numbers_path):
    """Fill {{name}} placeholders of TEMPLATE from the generated numbers into OUTPUT."""
    from framing.report import fill_template

    try:
        click.echo(f"filled -> {fill_template(template, output, numbers_path)}", err=True)
    except FramingError as err:
        raise click.ClickException(str(err)) from None


@report_group.command("summary")
@click.option("--root", default="results", show_default=True)
def summary(root):
    """Say what the results folder holds."""
    root = Path(root)
    for sub, pattern in (("tables", "*.csv"), ("figures", "*.png"), ("notebooks", "*.ipynb")):
        files = sorted((root / sub).glob(pattern))
        click.echo(f"{len(files):3d} {sub:<10} in {root / sub}")
    for extra in ("report.html", "numbers.json", "MANIFEST.sha256"):
        path = root / extra
        if path.exists():
            click.echo(f"    {extra:<15} {path.stat().st_size:,} bytes")
