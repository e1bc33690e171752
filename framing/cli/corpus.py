"""``framing corpus check`` and ``framing corpus convert``."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import click

from framing.cli import main
from framing.errors import FramingError

_MAPPED = ("id", "text", "title", "lang", "date", "outlet", "outlet_type", "country", "url")
_FORMATS = ("csv", "tsv", "jsonl", "parquet", "folder", "semeval", "euvsdisinfo")


def _input_options(command: Callable) -> Callable:
    """The options shared by ``check`` and ``convert``: format, decoding, column mapping."""
    for name in reversed(_MAPPED):
        flag = f"--{name.replace('_', '-')}-col"
        command = click.option(flag, f"{name}_col", metavar="NAME",
                               help=f"Input column holding {name}.")(command)
    options = [
        click.argument("input", type=click.Path(exists=True, path_type=Path)),
        click.option("--format", "fmt", type=click.Choice(_FORMATS),
                     help="Input format (default: told from layout, header or extension)."),
        click.option("--encoding", help="Decode with this codec instead of detecting it."),
        click.option("--delimiter", help="CSV delimiter (default: sniffed from the header)."),
        click.option("--no-detect-lang", is_flag=True,
                     help="Do not detect the language where lang is absent."),
        click.option("--near-dup-threshold", type=click.FloatRange(0, 1, min_open=True),
                     default=0.7, show_default=True,
                     help="Estimated Jaccard similarity that makes texts near duplicates."),
        click.option("--no-near-dups", is_flag=True, help="Skip near-duplicate detection."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _common(kwargs: dict) -> dict:
    """Keyword arguments for the library from the shared options."""
    from framing.corpus import DETECT_LANGUAGES

    mapping = {name: kwargs.pop(f"{name}_col") for name in _MAPPED}
    return {
        "format": kwargs.pop("fmt"),
        "encoding": kwargs.pop("encoding"),
        "delimiter": kwargs.pop("delimiter"),
        "languages": None if kwargs.pop("no_detect_lang") else DETECT_LANGUAGES,
        "near_duplicates": None if kwargs.pop("no_near_dups") else kwargs.pop(
            "near_dup_threshold"),
        **{name: column for name, column in mapping.items() if column},
    }


class _Unreadable(click.ClickException):
    """An input or option the command cannot work with: message and exit status 2."""

    exit_code = 2


def _clean_errors(command: Callable) -> Callable:
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except FramingError as err:
            raise _Unreadable(str(err)) from None

    return wrapper


@main.group()
def corpus() -> None:
    """Check and convert corpora (CSV/TSV, JSONL, Parquet, folders, SemEval, EUvsDisinfo)."""


@corpus.command()
@_input_options
@click.option("--chunksize", type=click.IntRange(min=1), default=2_000, show_default=True,
              help="Records per chunk: memory is bounded by it.")
@_clean_errors
def check(input: Path, chunksize: int, **kwargs) -> None:
    """Report on INPUT: counts by language, outlet and month; duplicates; every problem.

    Streams the input (bounded memory). Exit status 0 when no problem was found, 1 when
    some were (listed with file, line and field), 2 when the input cannot be read.
    """
    from tqdm import tqdm

    from framing.corpus import check_corpus

    options = _common(kwargs)
    with tqdm(desc="checking", unit=" records", file=sys.stderr, disable=None) as bar:
        result = check_corpus(input, chunksize=chunksize, progress=bar.update, **options)
    click.echo(result.render())
    if result.report.problems:
        sys.exit(1)


@corpus.command()
@_input_options
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Output file (.parquet, .csv, .tsv or .jsonl).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT (and the rejects file).")
@click.option("--lenient", is_flag=True,
              help="Leave out records with problems and write them to the rejects file "
                   "instead of stopping with an error.")
@click.option("--rejects", type=click.Path(path_type=Path),
              help="Rejects file for --lenient (default: OUTPUT with suffix .rejects.csv).")
@_clean_errors
def convert(input: Path, output: Path, force: bool, lenient: bool, rejects: Path | None,
            **kwargs) -> None:
    """Validate INPUT and write it to OUTPUT in the corpus record format.

    Strict by default: any problem stops with one error listing all of them (exit status
    2). Reads the whole corpus into memory (``check`` streams).
    """
    from framing._io import check_writable, write_table
    from framing.corpus import CorpusReport, read_corpus

    options = _common(kwargs)
    check_writable(output, force)
    if lenient and rejects is None:
        rejects = output.with_name(output.name.split(".")[0] + ".rejects.csv")
    frame = read_corpus(input, strict=not lenient, rejects=rejects if lenient else None,
                        force=force, **options)
    write_table(frame, output, force=force)
    report = CorpusReport.from_dict(frame.attrs["corpus_report"])
    click.echo(report.summary(), err=True)
    click.echo(f"wrote {len(frame)} records to {output}"
               + (f"; {report.n_rejected} rejected to {rejects}" if lenient else ""), err=True)
