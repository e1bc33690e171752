"""Writing outputs safely: atomically, and never over a file without being asked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from framing.errors import FramingError

__all__ = ["atomic_path", "check_writable", "write_table", "table_format"]

_FORMATS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".parquet": "parquet"}


def table_format(path: str | os.PathLike, format: str | None = None) -> str:
    """The table format of ``path``: ``csv``, ``tsv``, ``jsonl`` or ``parquet``.

    Examples
    --------
    >>> table_format("out/coded.parquet")
    'parquet'
    """
    if format is not None:
        if format not in _FORMATS.values():
            raise FramingError(
                f"unknown format {format!r}; use one of {sorted(_FORMATS.values())}"
            )
        return format
    suffix = Path(path).suffix.lower()
    if suffix not in _FORMATS:
        raise FramingError(
            f"{path}: cannot tell the format from the extension {suffix!r}; "
            f"use one of {sorted(_FORMATS)} or pass format="
        )
    return _FORMATS[suffix]


def check_writable(path: str | os.PathLike, force: bool = False) -> Path:
    """Refuse to overwrite an existing file unless ``force``; return the path."""
    path = Path(path)
    if path.exists() and not force:
        raise FramingError(f"{path} exists; refusing to overwrite it (use --force / force=True)")
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds.

    A crash half-way leaves ``path`` as it was (absent or the previous version), never
    half-written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_table(
    df: pd.DataFrame, path: str | os.PathLike, *, force: bool = False, format: str | None = None
) -> Path:
    """Write ``df`` to ``path`` (CSV, TSV, JSONL or Parquet by extension), atomically."""
    fmt = table_format(path, format)
    path = check_writable(path, force)
    with atomic_path(path) as tmp:
        if fmt == "csv":
            df.to_csv(tmp, index=False, lineterminator="\n")
        elif fmt == "tsv":
            df.to_csv(tmp, index=False, sep="\t", lineterminator="\n")
        elif fmt == "jsonl":
            df.to_json(tmp, orient="records", lines=True, force_ascii=False)
        else:
            df.to_parquet(tmp, index=False)
    return path


def iter_table(
    path: str | os.PathLike, *, chunksize: int = 10_000, format: str | None = None
) -> Iterator[pd.DataFrame]:
    """Read a CSV, TSV, JSONL or Parquet table in chunks of ``chunksize`` rows.

    Text columns stay text: ``"NA"`` or ``"null"`` in a CSV cell is a string, not a missing
    value; only empty cells are missing.
    """
    fmt = table_format(path, format)
    path = Path(path)
    if not path.is_file():
        raise FramingError(f"{path}: no such file")
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        try:
            yield from pd.read_csv(path, sep=sep, chunksize=chunksize, dtype=str,
                                   keep_default_na=False, na_values=[""],
                                   encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise FramingError(f"{path}: cannot read as {fmt.upper()} ({exc})") from None
    elif fmt == "jsonl":
        try:
            yield from pd.read_json(path, lines=True, chunksize=chunksize, dtype=False)
        except ValueError as exc:
            raise FramingError(f"{path}: cannot read as JSON lines ({exc})") from None
    else:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunksize):
            yield batch.to_pandas()


class TableWriter:
    """Write a table chunk by chunk into a temporary file; publish it atomically on close.

    Use as a context manager: if the block raises, the target is left untouched.
    """

    def __init__(self, path: str | os.PathLike, *, force: bool = False, format: str | None = None):
        self.format = table_format(path, format)
        self.path = check_writable(path, force)
        self._cm = atomic_path(self.path)
        self._parquet = None
        self._schema = None
        self.rows = 0

    def __enter__(self) -> TableWriter:
        self._tmp = self._cm.__enter__()
        return self

    def write(self, df: pd.DataFrame) -> None:
        """Append ``df`` (same columns every time)."""
        if self.format in ("csv", "tsv"):
            df.to_csv(self._tmp, mode="a", header=self.rows == 0, index=False,
                      sep="," if self.format == "csv" else "\t", lineterminator="\n")
        elif self.format == "jsonl":
            with open(self._tmp, "a", encoding="utf-8") as fh:
                df.to_json(fh, orient="records", lines=True, force_ascii=False)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, preserve_index=False, schema=self._schema)
            if self._parquet is None:
                self._schema = table.schema
                self._parquet = pq.ParquetWriter(self._tmp, self._schema)
            self._parquet.write_table(table)
        self.rows += len(df)

    def __exit__(self, *exc) -> bool:
        if self._parquet is not None:
            self._parquet.close()
        return self._cm.__exit__(*exc)
