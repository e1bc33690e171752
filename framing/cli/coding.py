"""``framing code``, ``framing kwic`` and ``framing codebook``: the lexicon coder's commands."""

from __future__ import annotations

import click
import pandas as pd

from framing._io import iter_table
from framing._matcher import Matcher
from framing.cli import main
from framing.codebook import available_codebooks, load_codebook
from framing.errors import FramingError
from framing.scale import DEFAULT_CHUNKSIZE, code_file

_CODEBOOK = click.option(
    "--codebook", "-c", default="softpower-aid", show_default=True,
    help="A packaged codebook name or a YAML file.",
)
_LANG = click.option("--lang", "-l", default=None,
                     help="Language of every document (else the --lang-col column).")
_COLS = [
    click.option("--text-col", default="text", show_default=True, help="Column with the text."),
    click.option("--id-col", default="id", show_default=True, help="Column with the document id."),
    click.option("--lang-col", default="lang", show_default=True,
                 help="Column with the ISO 639-1 language."),
    click.option("--unknown-lang", type=click.Choice(["error", "all"]), default="error",
                 show_default=True,
                 help="A language the codebook lacks: stop, or code with every lexicon."),
]


def _columns(fn):
    for option in reversed(_COLS):
        fn = option(fn)
    return fn


@main.command("code")
@click.argument("input", type=click.Path(exists=True))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="Coded table: .csv, .tsv, .jsonl or .parquet.")
@_CODEBOOK
@_LANG
@click.option("--spans", "spans_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the evidence (one row per match) to this table.")
@_columns
@click.option("--chunksize", type=click.IntRange(min=1), default=DEFAULT_CHUNKSIZE,
              show_default=True,
              help="Documents per chunk (the unit of work and of --resume).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: every core).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="A process pool here, or a Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="With --engine dask: a running scheduler (default: a local cluster).")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted run from its last finished chunk.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT (and the spans file).")
def code_command(input, output, codebook, lang, spans_path, text_col, id_col, lang_col,
                 unknown_lang, chunksize, jobs, engine, scheduler, resume, force):
    """Code INPUT (CSV/TSV/JSONL/Parquet, or a folder of such files) for frames.

    Writes one row per document to OUTPUT: the id column, n_tokens, a 0/1 column per frame
    id, <frame>_count and <frame>_rate (per 1,000 tokens). With --spans, every match is
    written as evidence (id, frame, pattern, start, end, match, negated):
    text[start:end] == match. INPUT is read in chunks on --jobs processes; an interrupted
    run continues with --resume, and OUTPUT is never left half-written.
    """
    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    try:
        run = code_file(input, output, codebook=codebook, lang=lang, text_col=text_col,
                        id_col=id_col, lang_col=lang_col, unknown_lang=unknown_lang,
                        spans=spans_path, jobs=jobs, chunksize=chunksize, engine=engine,
                        scheduler=scheduler, resume=resume, force=force)
    except FramingError as err:
        raise click.ClickException(str(err)) from None
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: the finished chunks are kept; run the same "
                                   "command with --resume to continue") from None
    cb = load_codebook(codebook)
    resumed = f", {run.resumed_chunks} of {run.chunks} chunks resumed" \
        if run.resumed_chunks else ""
    click.echo(f"coded {run.documents:,} documents with {cb.name} {cb.version} -> {output} "
               f"({run.seconds:.1f} s, {run.engine}{resumed})", err=True)


@main.command("kwic")
@click.argument("input", type=click.Path(exists=True, dir_okay=False))
@click.option("--frame", "-f", default=None, help="Only this frame's matches.")
@click.option("--width", "-w", default=40, show_default=True, help="Characters of context.")
@click.option("--limit", "-n", default=50, show_default=True,
              help="Show at most this many lines (0: all).")
@_CODEBOOK
@_LANG
@_columns
def kwic_command(input, frame, width, limit, codebook, lang, text_col, id_col, lang_col,
                 unknown_lang):
    """Keyword in context: each match in INPUT with the text around it, for auditing."""
    from framing.lexicon import kwic

    try:
        shown = 0
        for chunk in iter_table(input, chunksize=5000):
            table = kwic(chunk, frame=frame, codebook=codebook, lang=lang, width=width,
                         text_col=text_col, lang_col=lang_col, id_col=id_col,
                         unknown_lang=unknown_lang)
            for r in table.itertuples(index=False):
                if limit and shown >= limit:
                    return
                neg = " (negated)" if r.negated else ""
                click.echo(f"{r[0]!s:>10}  {r.frame:<22} {r.left:>{width}}[{r.match}]"
                           f"{r.right:<{width}}{neg}")
                shown += 1
    except FramingError as err:
        raise click.ClickException(str(err)) from None


@main.group("codebook")
def codebook_group():
    """Show or check codebooks."""


@codebook_group.command("list")
def codebook_list():
    """List the packaged codebooks."""
    for name in available_codebooks():
        cb = load_codebook(name)
        click.echo(f"{name:<20} {cb.version:<8} {cb.title}")


@codebook_group.command("show")
@click.argument("codebook", default="softpower-aid")
@click.option("--frame", "-f", default=None, help="Show one frame in full.")
def codebook_show(codebook, frame):
    """Show a codebook: its frames with pattern counts per language, or one frame in full."""
    try:
        cb = load_codebook(codebook)
        if frame is not None:
            f = cb.frame(frame)
    except (FramingError, KeyError) as err:
        raise click.ClickException(str(err).strip('"')) from None
    if frame is None:
        click.echo(f"{cb.name} {cb.version}: {cb.title}")
        click.echo(f"languages: {', '.join(cb.languages)}; {cb.n_patterns()} patterns\n")
        with pd.option_context("display.width", 120, "display.max_colwidth", 40):
            click.echo(cb.summary().to_string(index=False))
        return
    click.echo(f"{f.id}: {f.label}\n\n{f.definition}\n")
    for title, items in (("Code when", f.include), ("Do not code when", f.exclude),
                         ("Examples", f.examples)):
        if items:
            click.echo(title + ":")
            for item in items:
                click.echo(f"  - {item}")
    for lang in cb.languages:
        click.echo(f"\nlexicon [{lang}]: " + "; ".join(p.text for p in f.patterns(lang)))


@codebook_group.command("check")
@click.argument("codebook")
def codebook_check(codebook):
    """Validate a codebook file; exit 0 and summarise it, or name what is wrong."""
    try:
        cb = load_codebook(codebook)
        Matcher(cb).compile()
    except FramingError as err:
        raise click.ClickException(str(err)) from None
    counts = ", ".join(f"{lg}: {cb.n_patterns(lg)}" for lg in cb.languages)
    click.echo(f"ok: {cb.name} {cb.version}, {len(cb.frames)} frames, patterns {counts}")
