"""Reproducible results: tables, figures, executed notebooks, the HTML report and a manifest.

Notebooks call :func:`save_table` and :func:`save_figure` so that every result file is
written the same way: tables sorted and rounded, figures without time stamps, all atomic. The
``make results`` pipeline calls :func:`execute_notebook`, :func:`build_report` and
:func:`write_manifest` (also reachable as ``framing report ...``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from framing._io import atomic_path
from framing.errors import FramingError

__all__ = [
    "RESULTS_DIR",
    "build_report",
    "clear_outputs",
    "execute_notebook",
    "fill_template",
    "markdown_table",
    "merge_numbers",
    "results_dir",
    "save_figure",
    "save_numbers",
    "save_table",
    "write_manifest",
]

RESULTS_DIR = "results"
FLOAT_DECIMALS = 4


def results_dir() -> Path:
    """The results folder: ``$FRAMING_RESULTS_DIR`` if set, else ``results/`` here."""
    return Path(os.environ.get("FRAMING_RESULTS_DIR", RESULTS_DIR))


def save_table(
    df: pd.DataFrame,
    name: str,
    *,
    sort_by: Sequence[str] | None = None,
    decimals: int = FLOAT_DECIMALS,
    root: str | os.PathLike | None = None,
) -> Path:
    """Write ``df`` to ``<results>/tables/<name>.csv``: sorted, floats rounded, atomically.

    Rows are sorted by ``sort_by`` (default: every column, left to right) so that the same
    data always gives the same bytes.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> p = save_table(pd.DataFrame({"b": [2, 1], "x": [0.123456, 1 / 3]}), "t", root=d)
    >>> print(p.read_text())
    b,x
    1,0.3333
    2,0.1235
    <BLANKLINE>
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", name):
        raise FramingError(f"table name {name!r}: use lower-case letters, digits, _ and -")
    out = df.copy()
    floats = out.select_dtypes(include="floating").columns
    out[floats] = out[floats].round(decimals)
    keys = list(sort_by) if sort_by is not None else list(out.columns)
    if keys:
        out = out.sort_values(keys, kind="mergesort", na_position="last")
    path = Path(root or results_dir()) / "tables" / f"{name}.csv"
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False, lineterminator="\n", float_format=f"%.{decimals}f")
    return path


def save_figure(fig, name: str, *, root: str | os.PathLike | None = None) -> list[Path]:
    """Write ``fig`` as ``<results>/figures/<name>.png`` (200 dpi) and ``.svg``, reproducibly.

    Time stamps and random ids are left out, so the same figure gives the same bytes.
    """
    import matplotlib as mpl

    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", name):
        raise FramingError(f"figure name {name!r}: use lower-case letters, digits, _ and -")
    base = Path(root or results_dir()) / "figures"
    written = []
    with mpl.rc_context({"svg.hashsalt": "framing", "svg.fonttype": "none"}):
        for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            path = base / f"{name}.{ext}"
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=ext, dpi=200, bbox_inches="tight", metadata=meta)
            written.append(path)
    return written


def clear_outputs(prefix: str, *, root: str | os.PathLike | None = None) -> list[Path]:
    """Remove the tables and figures whose names start with ``prefix``; return what went.

    A section that skips (its data is absent) calls this, so that results from an earlier
    run with the data do not linger beside the new ones.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", prefix):
        raise FramingError(f"prefix {prefix!r}: use lower-case letters, digits, _ and -")
    base = Path(root or results_dir())
    gone = sorted(p for sub in ("tables", "figures") for p in (base / sub).glob(f"{prefix}*"))
    for path in gone:
        path.unlink()
    return gone


@dataclass(frozen=True)
class ExecutedNotebook:
    """A notebook run headless: where its source and its executed copy are."""

    source: Path
    output: Path
    cells: int


def execute_notebook(
    source: str | os.PathLike,
    output: str | os.PathLike,
    *,
    timeout: int = 600,
    parameters: dict[str, str] | None = None,
) -> ExecutedNotebook:
    """Run a jupytext percent-format notebook headless and save the executed ``.ipynb``.

    ``parameters`` become environment variables of the kernel (e.g. a small corpus for the
    smoke tests). Cells are numbered and timing metadata is removed, so that reruns give the
    same file.
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    source, output = Path(source), Path(output)
    nb = jupytext.read(source)
    for i, cell in enumerate(nb.cells):  # jupytext draws random cell ids: number them instead
        cell.id = f"cell-{i}"
    old_env = {k: os.environ.get(k) for k in (parameters or {})}
    os.environ.update(parameters or {})
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(Path.cwd())}})
        client.execute()
    finally:
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    _strip_volatile(nb)
    with atomic_path(output) as tmp:
        nbformat.write(nb, tmp)
    return ExecutedNotebook(source, output, len(nb.cells))


def _strip_volatile(nb) -> None:
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        for out in cell.get("outputs", []):
            out.get("metadata", {}).pop("execution", None)


def build_report(notebooks: Iterable[str | os.PathLike], output: str | os.PathLike) -> Path:
    """Join executed notebooks into one self-contained HTML report (code cells hidden)."""
    import nbformat
    from nbconvert import HTMLExporter

    notebooks = [Path(p) for p in notebooks]
    if not notebooks:
        raise FramingError("build_report: no notebooks given")
    merged = nbformat.v4.new_notebook()
    merged.metadata = nbformat.read(notebooks[0], as_version=4).metadata
    for path in notebooks:
        cells = nbformat.read(path, as_version=4).cells
        prefix = re.sub(r"[^A-Za-z0-9_-]", "-", path.stem)[:48]
        for i, cell in enumerate(cells):  # unique and stable (duplicates get random ids)
            cell.id = f"{prefix}-{i}"
        merged.cells.extend(cells)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    body, _ = exporter.from_notebook_node(merged, resources={"metadata": {"name": "report"}})
    output = Path(output)
    with atomic_path(output) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return output


def write_manifest(root: str | os.PathLike, output: str | os.PathLike | None = None,
                   patterns: Sequence[str] = ("tables/*",)) -> Path:
    """Write ``sha256  path`` lines for the result files matching ``patterns``, sorted."""
    root = Path(root)
    files = sorted({p for pat in patterns for p in root.glob(pat) if p.is_file()})
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}"
             for p in files]
    output = Path(output) if output is not None else root / "MANIFEST.sha256"
    with atomic_path(output) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return output


def fill_template(template: str | os.PathLike, output: str | os.PathLike,
                  numbers: str | os.PathLike) -> Path:
    """Replace ``{{name}}`` in ``template`` with values from the JSON file ``numbers``.

    A name missing from ``numbers`` is an error, so no number in the output is ever typed.
    """
    values = json.loads(Path(numbers).read_text(encoding="utf-8"))
    text = Path(template).read_text(encoding="utf-8")
    missing = sorted(set(re.findall(r"\{\{\s*([\w.]+)\s*\}\}", text)) - set(values))
    if missing:
        raise FramingError(f"{template}: no value for {missing} in {numbers}")
    filled = re.sub(r"\{\{\s*([\w.]+)\s*\}\}", lambda m: str(values[m.group(1)]), text)
    output = Path(output)
    with atomic_path(output) as tmp:
        tmp.write_text(filled, encoding="utf-8")
    return output


def markdown_table(df: pd.DataFrame, decimals: int = 3) -> str:
    """A GitHub-flavoured Markdown table of ``df`` (floats rounded), for generated documents.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"frame": ["gratitude"], "alpha": [0.81234]})))
    | frame | alpha |
    |---|---|
    | gratitude | 0.812 |
    """
    def cell(v) -> str:
        if isinstance(v, float):
            return "" if np.isnan(v) else f"{v:.{decimals}f}"
        return str(v).replace("|", "\\|")

    lines = ["| " + " | ".join(map(str, df.columns)) + " |",
             "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in df.itertuples(index=False)]
    return "\n".join(lines)


def save_numbers(numbers: dict[str, object], section: str,
                 root: str | os.PathLike | None = None) -> Path:
    """Write the numbers a section quotes to ``<results>/numbers/<section>.json``.

    :func:`merge_numbers` joins the sections into ``numbers.json`` for
    :func:`fill_template`, so the paper quotes only generated values.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", section):
        raise FramingError(f"section name {section!r}: use lower-case letters, digits, _ and -")
    path = Path(root or results_dir()) / "numbers" / f"{section}.json"
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(numbers, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    return path


def merge_numbers(root: str | os.PathLike | None = None,
                  output: str | os.PathLike | None = None) -> Path:
    """Join ``<results>/numbers/*.json`` into ``<results>/numbers.json``; a name given by two
    sections is an error."""
    root = Path(root or results_dir())
    merged: dict[str, object] = {}
    for path in sorted((root / "numbers").glob("*.json")):
        values = json.loads(path.read_text(encoding="utf-8"))
        clash = sorted(set(values) & set(merged))
        if clash:
            raise FramingError(f"{path}: {clash} already given by another section")
        merged.update(values)
    output = Path(output) if output is not None else root / "numbers.json"
    with atomic_path(output) as tmp:
        tmp.write_text(json.dumps(merged, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    return output
