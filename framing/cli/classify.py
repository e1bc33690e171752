"""``framing train``, ``framing predict`` and ``framing evaluate``: supervised frame coding."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd
from tqdm import tqdm

from framing._io import TableWriter, iter_table, table_format, write_table
from framing.cli import main
from framing.errors import FramingError, InputError, Problem


class _Failed(click.ClickException):
    exit_code = 2


def _document_texts(corpus: pd.DataFrame) -> list[str]:
    """The text a model sees: the title, a blank line, then the body (or just the body)."""
    if "title" not in corpus.columns:
        return corpus["text"].astype(str).tolist()
    titles = corpus["title"].fillna("").astype(str)
    return [f"{title}\n\n{text}" if title.strip() else text
            for title, text in zip(titles, corpus["text"].astype(str), strict=True)]


def _read_table(path: Path) -> pd.DataFrame:
    return pd.concat(list(iter_table(path)), ignore_index=True)


def _binary_columns(table: pd.DataFrame) -> list[str]:
    """Columns whose present values are all 0 or 1 (missing cells are reported later)."""
    return [c for c in table.columns if len(table[c].dropna())
            and table[c].dropna().astype(str).isin(["0", "1"]).all()]


def _check_binary(codes: pd.DataFrame, source: str, what: str) -> None:
    """Raise for the first cell of ``codes`` that is missing or not 0/1."""
    bad = codes.isna() | ~codes.astype(str).isin(["0", "1"])
    if bad.to_numpy().any():
        unit, frame = bad.stack()[lambda s: s].index[0]
        value = codes.at[unit, frame]
        problem = "no code" if pd.isna(value) else f"{value!r} is not 0 or 1"
        raise InputError(Problem(source, f"{what} {unit}: {problem}", field=frame))


def _read_gold(path: Path, frames: list[str] | None, id_col: str = "id") -> pd.DataFrame:
    """Gold 0/1 codes indexed by document id (str), one int column per frame.

    Either the long annotation layout (``unit_id, variable, value``; with a ``coder`` column,
    the rows of coder ``gold``) or a wide table (``id`` and one 0/1 column per frame).
    """
    table = _read_table(path)
    source = str(path)
    if {"unit_id", "variable", "value"} <= set(table.columns):
        if "coder" in table.columns:
            if "gold" not in set(table["coder"]):
                raise InputError(Problem(source, "no rows of coder 'gold'; adjudicate first "
                                                 "(framing reliability) or pass a gold table",
                                         field="coder"))
            table = table[table["coder"] == "gold"]
        dupes = table.duplicated(["unit_id", "variable"])
        if dupes.any():
            row = table[dupes].iloc[0]
            raise InputError(Problem(source, "two gold values for one unit and variable",
                                     line=int(dupes.idxmax()) + 2, field=row["variable"]))
        wide = table.pivot(index="unit_id", columns="variable", values="value")
        wide.index = wide.index.astype(str)
    else:
        if id_col not in table.columns:
            raise InputError(Problem(source, f"no {id_col!r} column (nor unit_id, variable, "
                                             "value)", field=id_col))
        wide = table.set_index(table[id_col].astype(str)).drop(columns=[id_col])
    wide.index.name = "id"
    if frames is None:
        frames = _binary_columns(wide)
        if not frames:
            raise InputError(Problem(source, "no 0/1 frame variable found; pass --frames"))
    absent = [f for f in frames if f not in wide.columns]
    if absent:
        raise InputError(Problem(source, f"no gold codes for frame(s) {absent}"))
    gold = wide[frames]
    _check_binary(gold, source, "unit")
    return gold.astype(str).astype("int64")


def _frames_option(value: str | None) -> list[str] | None:
    return None if value is None else [f.strip() for f in value.split(",") if f.strip()]


@main.command("train")
@click.argument("corpus", type=click.Path(exists=True, path_type=Path))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The model file (.skops); the model card is written beside it.")
@click.option("--frames", default=None, metavar="A,B,...",
              help="Frames to learn (default: every 0/1 variable of GOLD).")
@click.option("--model", type=click.Choice(["logreg", "svm"]), default="logreg",
              show_default=True, help="The linear model of each frame.")
@click.option("--lexicon", default=None, metavar="CODEBOOK",
              help="Add this codebook's lexicon counts as features (a hybrid model).")
@click.option("--cv", "n_folds", type=click.IntRange(min=0), default=5, show_default=True,
              help="Folds of the cross-validation reported in the model card (0: none).")
@click.option("--group-by", default=None, metavar="COLUMN",
              help="Corpus column (e.g. outlet, event) whose groups never straddle a fold.")
@click.option("--seed", default=0, show_default=True, help="Seed of folds and models.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT and its model card.")
def train_command(corpus, gold, output, frames, model, lexicon, n_folds, group_by, seed, force):
    from framing.classify import FrameClassifier, save_model
    from framing.corpus import read_corpus
    from framing.evaluate import cross_validate_frames

    """Train a frame classifier on the documents of CORPUS coded in GOLD.

    GOLD is a table (CSV/TSV/JSONL/Parquet) of adjudicated codes: the long layout
    unit_id, variable, value (rows of coder 'gold' if there is a coder column) or a wide
    table with id and one 0/1 column per frame. The model sees each document's title, a
    blank line, and its text. Writes OUTPUT (skops) and OUTPUT's .card.json with the
    cross-validated scores.
    """
    try:
        docs = read_corpus(corpus, near_duplicates=None, languages=None)
        labels = _read_gold(gold, _frames_option(frames))
        docs = docs.assign(id=docs["id"].astype(str)).set_index("id", drop=False)
        unknown = sorted(set(labels.index) - set(docs.index))
        if unknown:
            raise InputError(Problem(str(gold), f"{len(unknown)} coded unit(s) not in the "
                                                f"corpus, e.g. {unknown[:3]}", field="unit_id"))
        docs = docs.loc[labels.index]
        if group_by is not None and group_by not in docs.columns:
            raise InputError(Problem(str(corpus), f"no column {group_by!r} to group by",
                                     field=group_by))
        texts = _document_texts(docs)
        estimator = FrameClassifier(model=model, lexicon=lexicon, random_state=seed)
        metrics = None
        if n_folds:
            cv = cross_validate_frames(
                {"classifier": estimator}, texts, labels, cv=n_folds, seed=seed,
                groups=None if group_by is None else docs[group_by].astype(str).tolist(),
                progress=True)
            metrics = cv.scores.drop(columns="coder")
        click.echo(f"training on {len(texts)} documents, {labels.shape[1]} frames", err=True)
        fitted = estimator.fit(texts, labels)
        description = (f"{len(texts)} documents of {corpus.name} coded in {gold.name}"
                       + (f"; folds grouped by {group_by}" if group_by else ""))
        save_model(fitted, output, training_data=description, metrics=metrics, force=force)
    except FramingError as err:
        raise _Failed(str(err)) from None
    if metrics is not None:
        click.echo(f"cross-validated scores ({n_folds} folds):")
        click.echo(metrics.to_string(index=False))
    click.echo(f"wrote {output} and its model card", err=True)


@main.command("predict")
@click.argument("model_path", metavar="MODEL",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("input", type=click.Path(exists=True, path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Coded table: .csv, .tsv, .jsonl or .parquet.")
@click.option("--proba", is_flag=True, help="Also write <frame>_p, the probability.")
@click.option("--trust", multiple=True, metavar="TYPE",
              help="Also trust this type in MODEL (repeatable); only for sources you trust.")
@click.option("--chunksize", default=2000, show_default=True, help="Documents per chunk.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT.")
def predict_command(model_path, input, output, proba, trust, chunksize, force):
    from framing.classify import load_model
    from framing.corpus import iter_corpus

    """Code the documents of INPUT for frames with the model in MODEL.

    Writes one row per document: id, then a 0/1 column per frame (and <frame>_p with
    --proba). INPUT is any corpus the corpus reader takes; it is read in chunks.
    """
    try:
        table_format(output)
        model = load_model(model_path, trusted=list(trust))
        if proba and not hasattr(model, "predict_proba"):
            raise FramingError(f"{model_path}: a {type(model).__name__} has no probabilities")
        frames = [str(c) for c in model.classes_]
        with TableWriter(output, force=force) as writer, \
                tqdm(desc="predict", unit="doc", disable=None) as bar:
            for chunk in iter_corpus(input, chunksize=chunksize, languages=None):
                texts = _document_texts(chunk)
                out = pd.DataFrame({"id": chunk["id"].astype(str).to_numpy()})
                coded = model.predict(texts)
                for j, frame in enumerate(frames):
                    out[frame] = coded[:, j]
                if proba:
                    p = model.predict_proba(texts)
                    for j, frame in enumerate(frames):
                        out[f"{frame}_p"] = np.round(p[:, j], 4)
                writer.write(out)
                bar.update(len(out))
    except FramingError as err:
        raise _Failed(str(err)) from None
    click.echo(f"wrote {writer.rows} coded documents to {output}", err=True)


@main.command("evaluate")
@click.argument("pred", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--frames", default=None, metavar="A,B,...",
              help="Frames to score (default: every 0/1 variable of GOLD also in PRED).")
@click.option("--output", "-o", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the table (.csv, .tsv, .jsonl or .parquet).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT.")
def evaluate_command(pred, gold, frames, output, force):
    """Score machine codes PRED against GOLD: per-frame precision, recall, F1, alpha.

    PRED is a table with id and a 0/1 column per frame (what framing predict or framing
    code writes); GOLD as for framing train. Every gold unit must be in PRED.
    """
    from framing.evaluate import frame_scores

    try:
        predicted = _read_table(pred)
        if "id" not in predicted.columns:
            raise InputError(Problem(str(pred), "no 'id' column", field="id"))
        predicted = predicted.set_index(predicted["id"].astype(str))
        wanted = _frames_option(frames)
        labels = _read_gold(gold, wanted)
        if wanted is None:
            labels = labels[[f for f in labels.columns if f in predicted.columns]]
            if labels.shape[1] == 0:
                raise InputError(Problem(str(pred), "no column named after a gold frame"))
        absent = [f for f in labels.columns if f not in predicted.columns]
        if absent:
            raise InputError(Problem(str(pred), f"no column for frame(s) {absent}"))
        missing = sorted(set(labels.index) - set(predicted.index))
        if missing:
            raise InputError(Problem(str(pred), f"{len(missing)} gold unit(s) not coded, "
                                                f"e.g. {missing[:3]}", field="id"))
        machine = predicted.loc[labels.index, list(labels.columns)]
        _check_binary(machine, str(pred), "id")
        table = frame_scores(labels, machine.astype(str).astype("int64"))
        if output is not None:
            write_table(table, output, force=force)
    except FramingError as err:
        raise _Failed(str(err)) from None
    click.echo(table.to_string(index=False))
