"""Coding corpora larger than memory: in chunks, on every core or on a Dask cluster, resumably.

How it works
------------
The input (one CSV, TSV, JSONL or Parquet file, or a folder of them) is first cut into
*chunks* of ``chunksize`` documents. For text formats the parent finds the byte offsets
where records end without parsing them: a newline ends a CSV record when an even number of
quote characters precede it (so quoted texts may hold newlines), every non-blank line is a
JSONL record. Each worker then reads and parses its own byte range, so the parent never
becomes the bottleneck. Parquet chunks are batches of a row group, read by the parent (no
parsing involved) and sent to the workers.

The coder is compiled once in the parent and shipped once to each worker; while the workers
start, the parent codes chunks itself. Each finished chunk is written by its worker,
atomically, as a numbered Arrow *part* in a hidden folder beside the output
(``.OUTPUT.parts/``, with a ``manifest.json`` naming the input and settings). The parent
appends the parts, in input order, to the output as soon as they are ready; the output grows
in that folder and is moved into place when complete (never half-written), and the folder is
removed. An interrupted run keeps its parts: ``resume=True`` (``framing code --resume``)
codes only the missing chunks, and refuses when the input or the settings changed. Because
parts are numbered by their place in the input, the output is the same whatever the number
of workers, the engine or the interruptions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import itertools
import json
import multiprocessing
import os
import pickle
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from tqdm import tqdm

from framing._io import TableWriter, atomic_path, check_writable, table_format
from framing._matcher import Matcher, UnknownLang, coding_frame, prepare_documents
from framing.codebook import Codebook, load_codebook
from framing.errors import FramingError, InputError

__all__ = ["DEFAULT_CHUNKSIZE", "RunSummary", "code_file", "map_file", "predict_file"]

Engine = Literal["local", "dask"]

#: Documents per chunk: within a few percent of the CPU cost of larger chunks
#: (``bench/scale_bench.py --sweep``), with less memory and a finer balance of the work.
DEFAULT_CHUNKSIZE = 2000

_BLOCK = 8 << 20  # bytes scanned at a time when finding record ends
# Bytes of input from which a pool pays for its start-up (a second or two): below, the
# documents are coded in the calling process whatever ``jobs`` says.
_POOL_MIN_BYTES = 64 << 20
_MANIFEST = "manifest.json"
_MANIFEST_VERSION = 1
_MAIN = "part"
_SPANS = "spans"


@dataclass(frozen=True)
class RunSummary:
    """What a run of :func:`code_file` or :func:`map_file` did.

    Attributes
    ----------
    output : Path
        The table written.
    spans : Path or None
        The evidence table written, if asked for.
    documents : int
        Documents in the output.
    chunks : int
        Chunks the input was cut into.
    resumed_chunks : int
        Chunks already finished by an interrupted run and not coded again.
    seconds : float
        Wall-clock time of the whole run (start-up and joining the parts included).
    engine : str
        ``"local"`` or ``"dask"``.
    workers : int
        Worker processes used (1: coded in this process; 0: an external Dask cluster).
    """

    output: Path
    spans: Path | None
    documents: int
    chunks: int
    resumed_chunks: int
    seconds: float
    engine: str
    workers: int

    @property
    def docs_per_second(self) -> float:
        """Documents per second over the whole run."""
        return self.documents / self.seconds if self.seconds > 0 else float("nan")


def _dumps(obj) -> bytes:
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


# -- the input: files and chunks ------------------------------------------------------------------

@dataclass(frozen=True)
class _Chunk:
    """A run of consecutive documents of one input file.

    Text formats: bytes ``start:stop`` (records only; the ``head`` bytes at the start of the
    file hold the CSV header). Parquet: row group ``start``, and its ``stop``-th batch of
    ``chunksize`` rows, or the whole row group when ``stop`` is -1.
    """

    index: int
    path: str
    start: int
    stop: int
    first_row: int
    rows: int
    head: int = 0


def _input_files(input: str | os.PathLike) -> tuple[str, list[Path]]:
    path = Path(input)
    if path.is_file():
        return table_format(path), [path.resolve()]
    if not path.is_dir():
        raise FramingError(f"{path}: no such file or folder")
    files, formats = [], set()
    for p in sorted(path.rglob("*")):
        hidden = any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
        if hidden or not p.is_file():
            continue
        with contextlib.suppress(FramingError):
            formats.add(table_format(p))
            files.append(p.resolve())
    if not files:
        raise FramingError(f"{path}: no .csv, .tsv, .jsonl or .parquet files in this folder")
    if len(formats) > 1:
        raise FramingError(f"{path}: the folder mixes formats {sorted(formats)}; use one")
    return formats.pop(), files


def _is_blank(fd: int, start: int, stop: int, blank: bytes) -> bool:
    return not os.pread(fd, stop - start, start).strip(blank)


def _record_ends(path: Path, fmt: str) -> Iterator[np.ndarray]:
    """The byte offsets just after each non-blank record of a CSV, TSV or JSONL file, as
    arrays, one per block of the file scanned."""
    quoted = fmt != "jsonl"
    blank = b" \t\r\n" if fmt != "tsv" else b" \r\n"
    blank_codes = np.frombuffer(blank, np.uint8)
    size = path.stat().st_size
    prev, parity, offset = 0, 0, 0  # end of the last record, quotes seen mod 2, block start
    with open(path, "rb") as fh:
        fd = fh.fileno()
        while block := fh.read(_BLOCK):
            a = np.frombuffer(block, np.uint8)
            nl = np.flatnonzero(a == 10)
            if quoted:
                quotes = np.flatnonzero(a == 34)
                nl = nl[(np.searchsorted(quotes, nl) + parity) % 2 == 0]
                parity = (parity + len(quotes)) % 2
            ends = nl + (offset + 1)
            if len(ends):
                starts = np.concatenate(([prev], ends[:-1]))
                prev = int(ends[-1])
                # A record is blank only if its first byte is (rare): check those in full.
                first = np.full(len(starts), -1, dtype=np.int64)
                inside = starts >= offset
                first[inside] = a[starts[inside] - offset]
                if not inside[0]:  # the record began in an earlier block
                    first[0] = os.pread(fd, 1, int(starts[0]))[0]
                maybe = np.flatnonzero(np.isin(first, blank_codes))
                blanks = [k for k in maybe.tolist()
                          if _is_blank(fd, int(starts[k]), int(ends[k]), blank)]
                yield np.delete(ends, blanks) if blanks else ends
            offset += len(block)
        if prev < size and not _is_blank(fd, prev, size, blank):
            yield np.array([size])


def _text_chunks(path: Path, fmt: str, chunksize: int, index: int, row: int) -> list[_Chunk]:
    blocks = _record_ends(path, fmt)
    head = 0
    if fmt != "jsonl":  # the first record is the header
        found = next((b for b in blocks if len(b)), None)
        if found is None:
            raise FramingError(f"{path}: empty file (no header line)")
        head = int(found[0])
        blocks = itertools.chain([found[1:]], blocks)
    chunks: list[_Chunk] = []
    start, n = head, 0  # n: records of the current chunk seen so far
    for ends in blocks:
        for end in ends[chunksize - n - 1::chunksize].tolist():  # the ends that close a chunk
            chunks.append(_Chunk(index + len(chunks), str(path), start, end, row, chunksize,
                                 head))
            start, row = end, row + chunksize
        n = (n + len(ends)) % chunksize
    if n:
        chunks.append(_Chunk(index + len(chunks), str(path), start, path.stat().st_size, row,
                             n, head))
    return chunks


def _parquet_chunks(path: Path, chunksize: int, whole_groups: bool, index: int,
                    row: int) -> list[_Chunk]:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    chunks = []
    for rg in range(meta.num_row_groups):
        n = meta.row_group(rg).num_rows
        spans = [(-1, n)] if whole_groups else [
            (k, min(chunksize, n - k * chunksize)) for k in range(-(-n // chunksize))
        ]
        for k, rows in spans:
            if rows:
                chunks.append(_Chunk(index + len(chunks), str(path), rg, k, row, rows))
                row += rows
    return chunks


def _plan(fmt: str, files: list[Path], chunksize: int, whole_groups: bool) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    row = 0
    for path in files:
        if fmt == "parquet":
            new = _parquet_chunks(path, chunksize, whole_groups, len(chunks), row)
        else:
            new = _text_chunks(path, fmt, chunksize, len(chunks), row)
        chunks += new
        row += sum(c.rows for c in new)
    return chunks


def _columns_of(fmt: str, path: Path) -> list[str]:
    """The column names of an input file (JSONL: the keys of its first record)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    if fmt == "jsonl":
        with open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    try:
                        return list(json.loads(line))
                    except (ValueError, TypeError) as exc:
                        raise FramingError(f"{path}: cannot read as JSON lines ({exc})") from None
        return []
    head = next((int(b[0]) for b in _record_ends(path, fmt) if len(b)), 0)
    with open(path, "rb") as fh:
        return list(_read_csv(fh.read(head), fmt, None, path).columns)


def _read_csv(data: bytes, fmt: str, columns: Sequence[str] | None, path) -> pd.DataFrame:
    try:
        # Python strings (object), not pandas' Arrow-backed default: the coder wants Python
        # strings, and converting to them costs a tenth of the coding.
        return pd.read_csv(io.BytesIO(data), sep="," if fmt == "csv" else "\t", dtype=object,
                           keep_default_na=False, na_values=[""], encoding="utf-8-sig",
                           usecols=None if columns is None else set(columns).__contains__)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise FramingError(f"{path}: cannot read as {fmt.upper()} ({exc})") from None


def _read_chunk(chunk: _Chunk, fmt: str, columns: Sequence[str] | None) -> pd.DataFrame:
    """Read one chunk; its index holds the documents' row numbers in the whole input."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(chunk.path)
        df = pf.read_row_group(chunk.start, columns=_present(pf, columns)).to_pandas()
    else:
        with open(chunk.path, "rb") as fh:
            head = fh.read(chunk.head)
            fh.seek(chunk.start)
            body = fh.read(chunk.stop - chunk.start)
        if fmt == "jsonl":
            try:
                df = pd.read_json(io.BytesIO(body), lines=True, dtype=False)
            except ValueError as exc:
                raise FramingError(f"{chunk.path}: cannot read as JSON lines ({exc})") from None
            if columns is not None:
                df = df[[c for c in columns if c in df.columns]]
        else:
            df = _read_csv(head + body, fmt, columns, chunk.path)
    if len(df) != chunk.rows:
        raise FramingError(
            f"{chunk.path}: bytes {chunk.start}-{chunk.stop} hold {len(df)} records, "
            f"{chunk.rows} expected; is a quote left open?"
        )
    df.index = pd.RangeIndex(chunk.first_row, chunk.first_row + chunk.rows)
    return df


def _present(pf, columns: Sequence[str] | None) -> list[str] | None:
    """Those of ``columns`` that the Parquet file has (None: all)."""
    return None if columns is None else [c for c in columns if c in pf.schema_arrow.names]


def _parquet_batches(chunks: Sequence[_Chunk], columns: Sequence[str] | None,
                     chunksize: int) -> Iterator[tuple[_Chunk, object]]:
    """The Parquet batches of ``chunks`` (read here, in order), each with its chunk."""
    import pyarrow.parquet as pq

    groups: dict[tuple[str, int], dict[int, _Chunk]] = {}
    for c in chunks:
        groups.setdefault((c.path, c.start), {})[c.stop] = c
    for (path, rg), wanted in groups.items():
        pf = pq.ParquetFile(path, buffer_size=8 << 20)
        batches = pf.iter_batches(batch_size=chunksize, row_groups=[rg],
                                  columns=_present(pf, columns))
        last = max(wanted)
        for k, batch in enumerate(batches):
            if k in wanted:
                yield wanted[k], batch
            if k == last:
                break


# -- the work done per chunk ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Done:
    index: int
    rows: int


@dataclass(frozen=True)
class _Job:
    """Read a chunk, apply ``fn``, store its outputs as parts. Runs in the workers."""

    fn: Callable[[pd.DataFrame], tuple[pd.DataFrame, ...]]
    fmt: str
    columns: tuple[str, ...] | None
    parts: str
    outputs: tuple[str, ...]

    def run(self, chunk: _Chunk, df: pd.DataFrame | None = None) -> _Done:
        where = f"{Path(chunk.path).name}, documents {chunk.first_row}-" \
                f"{chunk.first_row + chunk.rows - 1}"
        try:
            if df is None:
                df = _read_chunk(chunk, self.fmt, self.columns)
            results = self.fn(df)
        except InputError as err:  # the problems, placed in the input file
            problems = [dataclasses.replace(p, source=chunk.path) if p.source == "<data>"
                        else p for p in err.problems]
            raise InputError(problems, summary=f"{where}: {err.summary or 'bad input'}") \
                from None
        except FramingError as err:
            raise FramingError(f"{where}: {err}") from None
        # The main part last: its presence marks the chunk as finished.
        for name, table in reversed(list(zip(self.outputs, results, strict=True))):
            _write_part(table, _part_path(self.parts, name, chunk.index))
        return _Done(chunk.index, len(results[0]))


def _part_path(parts: str | Path, name: str, index: int) -> Path:
    return Path(parts) / f"{name}-{index:06d}.arrow"


def _write_part(df: pd.DataFrame, path: Path) -> None:
    """Arrow IPC with LZ4: several times faster to write and read back than Parquet."""
    import pyarrow as pa
    import pyarrow.feather as feather

    with atomic_path(path) as tmp:
        feather.write_feather(pa.Table.from_pandas(df, preserve_index=False), tmp,
                              compression="lz4")


def _read_part(path: Path):
    import pyarrow.feather as feather

    return feather.read_table(path)


class _Single:
    """Adapts ``fn(df) -> DataFrame`` to the ``fn(df) -> (DataFrame,)`` that jobs expect."""

    def __init__(self, fn: Callable[[pd.DataFrame], pd.DataFrame]):
        self.fn = fn

    def __call__(self, df: pd.DataFrame) -> tuple[pd.DataFrame]:
        out = self.fn(df)
        if not isinstance(out, pd.DataFrame):
            raise FramingError(f"fn returned {type(out).__name__}, not a DataFrame")
        return (out,)


@dataclass(frozen=True)
class _CodeChunk:
    """The lexicon coder as a chunk function: coded table (and evidence spans)."""

    matcher: Matcher
    text_col: str
    id_col: str
    lang_col: str
    lang: str | None
    spans: bool

    def __call__(self, df: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
        if self.id_col not in df.columns:  # row numbers in the whole input, not the chunk
            df = df.assign(**{self.id_col: df.index.to_numpy()})
        docs = prepare_documents(df, text_col=self.text_col, lang_col=self.lang_col,
                                 id_col=self.id_col, lang=self.lang)
        if any(lg is None for lg in docs.langs) and len(self.matcher.codebook.languages) > 1:
            raise FramingError(
                f"no language for some documents: give --lang (lang=), or a "
                f"{self.lang_col!r} column (--lang-col)"
            )
        result = self.matcher.code(docs.texts, docs.langs, spans=self.spans)
        coded = coding_frame(result, docs.ids)
        if not self.spans:
            return (coded,)
        spans = result.spans
        ids = docs.ids.to_numpy()[spans["doc"].to_numpy()]
        spans = spans.drop(columns="doc")
        spans.insert(0, docs.ids.name or "id", ids)
        return coded, spans


@dataclass(frozen=True)
class _PredictChunk:
    """A fitted classifier as a chunk function: the id, then a 0/1 column per class."""

    model: object
    text_col: str
    id_col: str
    proba: bool

    def __call__(self, df: pd.DataFrame) -> tuple[pd.DataFrame]:
        ids = df[self.id_col].to_numpy() if self.id_col in df.columns else df.index.to_numpy()
        texts = df[self.text_col].tolist() if self.text_col in df.columns else []
        missing = [i for i, t in enumerate(texts) if not isinstance(t, str)]
        if missing:
            raise FramingError(f"{len(missing)} document(s) have no text (the first: "
                               f"{self.id_col} {ids[missing[0]]!r})")
        names = [str(c) for c in getattr(self.model, "classes_", ())]
        out: dict[str, object] = {self.id_col: ids}
        labels = np.asarray(self.model.predict(texts)) if texts else np.zeros((0, len(names)))
        for j, name in enumerate(names):
            out[name] = labels[:, j].astype(np.int64)
        if self.proba:
            proba = np.asarray(self.model.predict_proba(texts)) if texts else labels
            for j, name in enumerate(names):
                out[f"{name}_proba"] = np.round(proba[:, j].astype(np.float64), 4)
        return (pd.DataFrame(out),)


# -- engines --------------------------------------------------------------------------------------

_WORKER_JOBS: dict[str, _Job] = {}


def _job_in_worker(key: str, blob: bytes | None) -> _Job:
    job = _WORKER_JOBS.get(key)
    if job is None:
        if blob is None:  # pragma: no cover - the initializer always runs first
            raise FramingError("internal error: the worker has no job")
        _WORKER_JOBS.clear()
        job = _WORKER_JOBS[key] = pickle.loads(blob)
    return job


def _init_worker(key: str, blob: bytes, parent: int) -> None:
    _job_in_worker(key, blob)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """End this worker when the parent process is gone (killed, say): else it would wait
    for tasks forever."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(parent, 0)
        except (ProcessLookupError, PermissionError):  # gone, or its pid now someone else's
            os._exit(1)


def _batch_frame(chunk: _Chunk, batch) -> pd.DataFrame | None:
    """A Parquet batch read by the parent as the chunk's DataFrame (None for text formats)."""
    if batch is None:
        return None
    df = batch.to_pandas()
    df.index = pd.RangeIndex(chunk.first_row, chunk.first_row + chunk.rows)
    return df


def _work(key: str, chunk: _Chunk, batch) -> _Done:
    return _job_in_worker(key, None).run(chunk, _batch_frame(chunk, batch))


def _start_fork_server(preload: Sequence[str] = ()) -> bool:
    """Start the fork server now, so that it imports what workers need while the parent goes
    on (planning, coding); False where there is no fork server (spawn is used)."""
    if _mp_context(preload).get_start_method() != "forkserver":
        return False
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return True


def _mp_context(preload: Sequence[str] = ()):
    """Forkserver (else spawn), never fork: threads of the parent (pyarrow, BLAS, tqdm) could
    be copied mid-lock. The server imports the main module, this module and ``preload`` once
    (if it is not running yet); workers are forked from it ready to work."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", "framing.scale", *preload])
    return ctx


class _Starter(threading.Thread):
    """Starts the pool's workers in the background, so that the parent can code meanwhile.

    With forkserver, submitting to a new pool blocks until the server has imported the
    package (a second or two); this thread takes that wait. ``up()`` tells whether a worker
    is ready, and raises if the workers could not start.
    """

    def __init__(self, pool: ProcessPoolExecutor, workers: int):
        super().__init__(name="framing-start-workers")
        self.pool, self.workers = pool, workers
        self.ready: list = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for _ in range(self.workers):
                self.ready.append(self.pool.submit(os.getpid))
        except BaseException as exc:  # handed to the parent by up()
            self.error = exc

    def up(self) -> bool:
        if self.error is not None:
            raise self.error
        ready = [f for f in list(self.ready) if f.done()]
        for f in ready:
            f.result()
        return bool(ready)


def _run_local(job: _Job, tasks: Iterator[tuple[_Chunk, object]], workers: int,
               on_done: Callable[[_Done], None]) -> None:
    """Run the tasks here (``workers`` <= 1) or on a pool of ``workers`` processes.

    While the workers start, the parent codes chunks itself; once one is up, the parent only
    hands out chunks, at most two queued per worker, so that it never reads far ahead.
    """
    if workers <= 1:
        for chunk, batch in tasks:
            on_done(job.run(chunk, _batch_frame(chunk, batch)))
        return
    blob = _dumps(job)
    key = hashlib.sha256(blob).hexdigest()
    pool = ProcessPoolExecutor(workers, mp_context=_mp_context(), initializer=_init_worker,
                               initargs=(key, blob, os.getpid()))
    starter = _Starter(pool, workers)
    starter.start()
    running: set = set()
    submitted = False  # a chunk was handed to the workers
    try:
        for chunk, batch in tasks:
            if not submitted and not starter.up():
                on_done(job.run(chunk, _batch_frame(chunk, batch)))
                continue
            while len(running) >= 2 * workers:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for f in finished:
                    on_done(f.result())
            running.add(pool.submit(_work, key, chunk, batch))
            submitted = True
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for f in finished:
                on_done(f.result())
    finally:
        starter.join()
        pool.shutdown(wait=True, cancel_futures=True)


class _DaskRead:
    """Reads one chunk in a Dask worker (``dask.dataframe.from_map``)."""

    def __init__(self, fmt: str, columns: tuple[str, ...] | None):
        self.fmt, self.columns = fmt, columns

    def __call__(self, chunk: _Chunk) -> pd.DataFrame:
        return _read_chunk(chunk, self.fmt, self.columns)


class _DaskStore:
    """Applies the job (pickled in ``blob``, unpickled once per worker) to one partition in a
    Dask worker; returns a one-row summary."""

    def __init__(self, key: str, chunks: Sequence[_Chunk]):
        self.key, self.chunks = key, tuple(chunks)

    def __call__(self, df: pd.DataFrame, blob: bytes, partition_info=None) -> pd.DataFrame:
        job = _job_in_worker(self.key, blob)
        done = job.run(self.chunks[partition_info["number"]], df)
        return pd.DataFrame({"index": [done.index], "rows": [done.rows]})


def _import_scale() -> None:
    """What every task needs, imported in each worker before the tasks come."""
    import dask.dataframe  # noqa: F401

    import framing.scale  # noqa: F401


# The local cluster's workers run without the statistical profiler that samples every
# task's stack.
_LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}


class _DaskStarter(threading.Thread):
    """Connects to a Dask scheduler (starting a local cluster without one) and warms its
    workers, in the background: the parent codes chunks meanwhile."""

    def __init__(self, workers: int, scheduler: str | None):
        super().__init__(name="framing-start-dask")
        self.workers, self.scheduler = workers, scheduler
        self.cluster = self.client = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            self.error = FramingError("engine='dask' needs Dask: pip install "
                                      "'framing-analysis[dask]'")
            return
        try:
            if self.scheduler is None:
                config = dict(_LOCAL_CLUSTER_CONFIG)
                # Workers forked from a server that has imported Dask and this package once,
                # rather than each started afresh (and torn down slowly).
                if _start_fork_server(["distributed", "dask.dataframe"]):
                    config["distributed.worker.multiprocessing-method"] = "forkserver"
                with dask.config.set(config):
                    # No dashboard; the scheduler's small HTTP server on any free port.
                    self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                                processes=True, dashboard_address=":0",
                                                scheduler_kwargs={"dashboard": False},
                                                silence_logs=40)
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.scheduler, timeout="30s")
            self.client.run(_import_scale)
        except (OSError, TimeoutError) as exc:
            self.error = FramingError(f"cannot reach the Dask scheduler {self.scheduler!r} "
                                      f"({exc})")
        except BaseException as exc:  # handed to the parent after join()
            self.error = exc

    def close(self) -> None:
        for part in (self.client, self.cluster):
            if part is not None:
                part.close()


def _run_dask(job: _Job, chunks: Sequence[_Chunk], starter: _DaskStarter,
              on_done: Callable[[_Done], None]) -> None:
    """Code the chunks as partitions of a ``dask.dataframe``; the parent codes chunks itself
    until ``starter`` has the cluster ready. The compiled job goes to every worker once."""
    # Import it here, before coding: in the starter thread the import would wait for the GIL
    # behind the coding of chunks, and the ready workers would wait for the import.
    with contextlib.suppress(ImportError):  # the starter reports a missing Dask
        import dask.dataframe  # noqa: F401
    todo = list(chunks)
    while todo and starter.is_alive():
        on_done(job.run(todo.pop(0)))
    starter.join()
    if starter.error is not None:
        raise starter.error
    if not todo:
        return
    import dask
    import dask.dataframe as dd
    import distributed

    blob = _dumps(job)
    key = hashlib.sha256(blob).hexdigest()
    client = starter.client
    shipped = client.scatter(blob, broadcast=True, hash=False)
    meta_in = pd.DataFrame({c: pd.Series(dtype=object) for c in (job.columns or ())})
    # Partitions keep Python strings: converting them to Arrow strings and back would cost a
    # fifth of the coding.
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_map(_DaskRead(job.fmt, job.columns), todo, meta=meta_in,
                          label="framing-read")
        done = ddf.map_partitions(
            _DaskStore(key, todo), shipped,
            meta=pd.DataFrame({"index": pd.Series(dtype="int64"),
                               "rows": pd.Series(dtype="int64")}),
            enforce_metadata=False,
        )
        futures = client.compute(done.to_delayed())
    try:
        for future in distributed.as_completed(futures):
            summary = future.result()
            on_done(_Done(int(summary["index"].iloc[0]), int(summary["rows"].iloc[0])))
    finally:
        client.cancel([*futures, shipped])


# -- the run: parts, manifest, resume, assembly ---------------------------------------------------

def _parts_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.parts"


def _manifest(fmt: str, files: list[Path], n_chunks: int, settings: dict) -> dict:
    inputs = []
    for p in files:
        st = p.stat()
        inputs.append({"path": str(p), "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    return {"framing-scale": _MANIFEST_VERSION, "format": fmt, "inputs": inputs,
            "chunks": n_chunks, "settings": settings}


def _check_resumable(parts: Path, manifest: dict) -> None:
    try:
        old = json.loads((parts / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise FramingError(f"{parts}: no readable {_MANIFEST}; cannot resume (use --force "
                           "to start over)") from None
    diffs = []
    if old.get("inputs") != manifest["inputs"]:
        diffs.append("the input files changed (paths, sizes or modification times)")
    for k in sorted(set(old.get("settings", {})) | set(manifest["settings"])):
        then, now = old.get("settings", {}).get(k), manifest["settings"].get(k)
        if then != now:
            diffs.append(f"{k}: {then!r} then, {now!r} now")
    if not diffs and old != manifest:
        diffs.append("the manifest differs")
    if diffs:
        raise FramingError(f"cannot resume from {parts}: " + "; ".join(diffs)
                           + ". Rerun with the same settings, or use --force to start over")


class _Assembler:
    """Appends finished parts to the outputs in input order, as soon as they are ready.

    The outputs grow inside the parts folder (so that a killed run leaves nothing beside
    them) and are moved over the targets only when :meth:`finish` has run and the block exits
    without error: never a half-written output. Parquet outputs are written from the Arrow
    parts directly (a row group per chunk); the other formats through pandas.
    """

    def __init__(self, parts: Path, targets: dict[str, Path], n_chunks: int):
        self.parts, self.n_chunks, self.targets = parts, n_chunks, targets
        self.staged = {name: parts / f"{name}.out{path.suffix}" for name, path in targets.items()}
        self.rows = dict.fromkeys(targets, 0)
        self._writers: dict[str, object] = {}
        self._stack = contextlib.ExitStack()
        self._ready: set[int] = set()
        self._next = 0

    def __enter__(self) -> _Assembler:
        return self

    def __exit__(self, *exc) -> bool:
        self._stack.__exit__(*exc)
        for name, target in self.targets.items():
            if exc[0] is None:
                os.replace(self.staged[name], target)
            else:  # a resumed run appends every chunk again
                self.staged[name].unlink(missing_ok=True)
        return False

    def _write(self, name: str, table) -> None:
        import pyarrow.parquet as pq

        writer = self._writers.get(name)
        if table_format(self.targets[name]) != "parquet":
            if writer is None:
                writer = self._writers[name] = self._stack.enter_context(
                    TableWriter(self.staged[name], force=True))
            writer.write(table.to_pandas())
        else:
            if writer is None:
                writer = self._writers[name] = self._stack.enter_context(
                    pq.ParquetWriter(self.staged[name], table.schema))
            elif not table.schema.equals(writer.schema):
                try:
                    table = table.cast(writer.schema)
                except (ValueError, TypeError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                    raise FramingError(f"{self.targets[name]}: chunk {self._next} has other "
                                       f"column types than the chunks before it ({exc})") from None
            writer.write_table(table)
        self.rows[name] += table.num_rows

    def add(self, index: int) -> None:
        """Chunk ``index`` is finished: append it, and any finished chunks after it."""
        self._ready.add(index)
        while self._next in self._ready:
            self._ready.discard(self._next)
            for name in self.targets:
                table = _read_part(_part_path(self.parts, name, self._next))
                if table.num_rows:
                    self._write(name, table)
            self._next += 1

    def finish(self, empty: Callable[[], tuple[pd.DataFrame, ...]]) -> None:
        """Check that every chunk was appended; give an empty output its header or schema."""
        import pyarrow as pa

        if self._next != self.n_chunks:  # pragma: no cover - guards an invariant
            raise FramingError(f"internal error: {self._next} of {self.n_chunks} chunks joined")
        for i, name in enumerate(self.targets):
            if self.rows[name] == 0:
                table = (_read_part(_part_path(self.parts, name, 0)) if self.n_chunks else
                         pa.Table.from_pandas(empty()[i], preserve_index=False))
                self._write(name, table)


@dataclass(frozen=True)
class _Options:
    """How to run: the keyword arguments shared by :func:`code_file` and :func:`map_file`."""

    chunksize: int
    jobs: int | None
    engine: Engine
    scheduler: str | None
    resume: bool
    force: bool
    progress: bool


def _run(fn: Callable[[pd.DataFrame], tuple[pd.DataFrame, ...]], input,
         outputs: dict[str, Path | None], *, columns: tuple[str, ...] | None, settings: dict,
         check: Callable[[str, Path], None], opts: _Options) -> RunSummary:
    t0 = time.perf_counter()
    if opts.chunksize < 1:
        raise ValueError(f"chunksize must be >= 1, not {opts.chunksize}")
    if opts.engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {opts.engine!r}")
    if opts.jobs is None:
        cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        opts = dataclasses.replace(opts, jobs=len(cores) if cores else os.cpu_count() or 1)
    if opts.jobs < 1:
        raise ValueError(f"jobs must be >= 1, not {opts.jobs}")
    fmt, files = _input_files(input)
    for path in files:
        check(fmt, path)
    targets = {name: Path(p) for name, p in outputs.items() if p is not None}
    for target in targets.values():
        table_format(target)
        check_writable(target, opts.force)
    starter = None
    if opts.engine == "dask":  # the cluster starts while the chunks are planned
        starter = _DaskStarter(opts.jobs if opts.scheduler is None else 0, opts.scheduler)
        starter.start()
    try:
        summary = _run_planned(fn, fmt, files, targets, columns=columns, settings=settings,
                               opts=opts, starter=starter)
    finally:
        if starter is not None:
            starter.join()
            starter.close()
    return dataclasses.replace(summary, seconds=round(time.perf_counter() - t0, 3))


def _run_planned(fn, fmt: str, files: list[Path], targets: dict[str, Path], *,
                 columns: tuple[str, ...] | None, settings: dict, opts: _Options,
                 starter: _DaskStarter | None) -> RunSummary:
    """Plan the chunks, prepare the parts folder, run the engine and join the outputs
    (``seconds`` is filled in by the caller)."""
    chunksize, jobs, engine = opts.chunksize, opts.jobs, opts.engine
    resume, force, progress = opts.resume, opts.force, opts.progress
    pool = engine == "local" and jobs > 1 and \
        sum(p.stat().st_size for p in files) >= _POOL_MIN_BYTES
    if pool:
        _start_fork_server()  # it imports the package while the chunks are planned
    output = targets[_MAIN]
    whole_groups = engine == "dask"
    chunks = _plan(fmt, files, chunksize, whole_groups)
    settings = {**settings, "chunksize": chunksize, "outputs": sorted(targets),
                "plan": "row groups" if fmt == "parquet" and whole_groups else "chunks"}
    manifest = _manifest(fmt, files, len(chunks), settings)
    parts = _parts_dir(output)
    if parts.exists():
        if force:
            shutil.rmtree(parts)
        elif resume:
            _check_resumable(parts, manifest)
        else:
            raise FramingError(
                f"an interrupted run left {parts}; use --resume (resume=True) to continue it "
                "or --force to start over"
            )
    if not parts.exists():
        parts.mkdir(parents=True)
        with atomic_path(parts / _MANIFEST) as tmp:
            tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    names = tuple(targets)
    job = _Job(fn, fmt, columns, str(parts), names)
    pending = [c for c in chunks if not _part_path(parts, _MAIN, c.index).is_file()]
    pending_set = set(pending)
    total = sum(c.rows for c in chunks)
    # A pool is worth its start-up only for a large input, and each worker gets 2+ chunks.
    if starter is not None:
        workers = starter.workers
    else:
        workers = max(1, min(jobs, len(pending) // 2)) if pool else 1
    bar = tqdm(total=total, initial=total - sum(c.rows for c in pending), desc="coding",
               unit=" docs", file=sys.stderr, dynamic_ncols=True,
               disable=None if progress else True)
    assembler = _Assembler(parts, targets, len(chunks))

    def on_done(done: _Done) -> None:
        bar.update(done.rows)
        assembler.add(done.index)

    try:
        with bar, assembler:
            for c in chunks:
                if c not in pending_set:
                    assembler.add(c.index)
            if starter is not None:
                _run_dask(job, pending, starter, on_done)
            elif fmt == "parquet":
                _run_local(job, _parquet_batches(pending, columns, chunksize), workers, on_done)
            else:
                _run_local(job, ((c, None) for c in pending), workers, on_done)
            assembler.finish(lambda: fn(pd.DataFrame({c: pd.Series(dtype=object)
                                                      for c in (columns or ())})))
    except FramingError:  # bad data or settings: these parts can never be resumed
        shutil.rmtree(parts, ignore_errors=True)
        raise
    shutil.rmtree(parts, ignore_errors=True)
    return RunSummary(output=output, spans=targets.get(_SPANS), documents=total,
                      chunks=len(chunks), resumed_chunks=len(chunks) - len(pending),
                      seconds=0.0, engine=engine,
                      workers=workers)


# -- public entry points --------------------------------------------------------------------------

def code_file(
    input: str | os.PathLike,
    output: str | os.PathLike,
    *,
    codebook: str | os.PathLike | Codebook = "softpower-aid",
    lang: str | None = None,
    text_col: str = "text",
    id_col: str = "id",
    lang_col: str = "lang",
    unknown_lang: UnknownLang = "error",
    spans: str | os.PathLike | None = None,
    jobs: int | None = None,
    chunksize: int = DEFAULT_CHUNKSIZE,
    engine: Engine = "local",
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = True,
) -> RunSummary:
    """Code a corpus file (or a folder of files) for frames, streaming, on several processes.

    Memory stays flat however large the input: it is read and coded ``chunksize`` documents
    at a time, each finished chunk is kept on disk, and the output is assembled at the end.
    The output is identical whatever ``jobs``, ``engine`` or interruptions (see the module
    docstring).

    Parameters
    ----------
    input : path
        A CSV, TSV, JSONL or Parquet file, or a folder of files of one of those formats
        (read in the order of their sorted paths).
    output : path
        The coded table (``.csv``, ``.tsv``, ``.jsonl`` or ``.parquet``): the id column,
        ``n_tokens``, then per frame a 0/1 column, ``<frame>_count`` and ``<frame>_rate``, as
        :func:`framing.code`. Without an id column, the id is the row number in the input.
    codebook, lang, text_col, id_col, lang_col, unknown_lang
        As for :func:`framing.code`.
    spans : path, optional
        Also write the evidence, one row per match (id, frame, pattern, start, end, match,
        negated), to this table.
    jobs : int, optional
        Worker processes (default: every core available). ``1`` codes in this process.
    chunksize : int
        Documents per chunk (the unit of work and of resumption).
    engine : {"local", "dask"}
        A process pool on this machine, or a Dask cluster (``pip install
        'framing-analysis[dask]'``): a local one with ``jobs`` workers, or the one whose
        scheduler is at ``scheduler``; its workers must see the input and output paths.
    scheduler : str, optional
        The address of a running Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    resume : bool
        Continue an interrupted run from its finished chunks (refused if the input or the
        settings changed).
    force : bool
        Overwrite ``output`` (and ``spans``), and discard an interrupted run's chunks.
    progress : bool
        Show a progress bar on standard error (when it is a terminal).

    Returns
    -------
    RunSummary

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"id": ["a", "b"], "text": ["Russia sent doctors.", "Rain in Rome."]}
    ...              ).to_csv(folder / "in.csv", index=False)
    >>> run = code_file(folder / "in.csv", folder / "coded.parquet", lang="en", jobs=1,
    ...                 progress=False)
    >>> run.documents, run.chunks
    (2, 1)
    >>> pd.read_parquet(run.output)[["id", "humanitarian_aid_count"]].to_dict("list")
    {'id': ['a', 'b'], 'humanitarian_aid_count': [1, 0]}
    """
    cb = load_codebook(codebook)
    matcher = Matcher(cb, unknown_lang)
    if lang is not None and lang not in cb.languages and unknown_lang == "error":
        raise FramingError(f"codebook {cb.name!r} has no lexicon for language {lang!r} "
                           f"(it has {list(cb.languages)}); pass unknown_lang='all' to code "
                           "such documents with every language's lexicon")
    warm = [lang] if lang is not None else list(cb.languages)
    if unknown_lang == "all" or len(cb.languages) == 1:
        warm.append(None)
    matcher.compile(warm)  # now, to ship the automata compiled

    def check(fmt: str, path: Path) -> None:
        names = _columns_of(fmt, path)
        if text_col not in names:
            raise FramingError(f"{path}: no column {text_col!r} (columns: {names}); pass "
                               "--text-col (text_col=)")

    fingerprint = hashlib.sha256(
        repr(dataclasses.replace(cb, source="")).encode("utf-8")).hexdigest()
    settings = {
        "codebook": f"{cb.name} {cb.version} sha256:{fingerprint[:16]}",
        "lang": lang, "text_col": text_col, "id_col": id_col, "lang_col": lang_col,
        "unknown_lang": unknown_lang,
    }
    columns = (id_col, text_col) + ((lang_col,) if lang is None else ())
    fn = _CodeChunk(matcher, text_col, id_col, lang_col, lang, spans is not None)
    return _run(fn, input, {_MAIN: Path(output), _SPANS: spans}, columns=columns,
                settings=settings, check=check,
                opts=_Options(chunksize, jobs, engine, scheduler, resume, force, progress))


def map_file(
    fn: Callable[[pd.DataFrame], pd.DataFrame],
    input: str | os.PathLike,
    output: str | os.PathLike,
    *,
    columns: Sequence[str] | None = None,
    jobs: int | None = None,
    chunksize: int = DEFAULT_CHUNKSIZE,
    engine: Engine = "local",
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = True,
) -> RunSummary:
    """Apply ``fn`` to a corpus chunk by chunk, like :func:`code_file`, and write its output.

    The generic form of :func:`code_file` (e.g. a fitted classifier's ``predict``): ``fn``
    takes a DataFrame of documents, whose index holds their row numbers in the whole input,
    and returns a DataFrame; the outputs are written one after the other, in input order.
    ``fn`` must be picklable (a module-level function or a picklable object): it is shipped
    once to each worker. A resumed run is refused unless ``fn`` pickles to the same bytes.

    Parameters
    ----------
    fn : callable
        DataFrame -> DataFrame, the same columns for every chunk.
    columns : sequence of str, optional
        The input columns ``fn`` needs (default: all; JSONL always reads all).
    input, output, jobs, chunksize, engine, scheduler, resume, force, progress
        As for :func:`code_file`.

    Returns
    -------
    RunSummary

    Examples
    --------
    >>> import operator, tempfile, pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"id": [7, 8, 9], "text": ["a", "b", "c"]}).to_csv(folder / "in.csv",
    ...                                                                 index=False)
    >>> run = map_file(operator.itemgetter(["id"]), folder / "in.csv", folder / "ids.csv",
    ...                chunksize=2, jobs=1, progress=False)
    >>> run.chunks, (folder / "ids.csv").read_text().split()
    (2, ['id', '7', '8', '9'])
    """
    wrapped = _Single(fn)
    fingerprint = hashlib.sha256(_dumps(fn)).hexdigest()
    cols = None if columns is None else tuple(columns)

    def check(fmt: str, path: Path) -> None:
        missing = sorted(set(cols or ()) - set(_columns_of(fmt, path)))
        if missing and fmt != "jsonl":
            raise FramingError(f"{path}: no column(s) {missing}")

    return _run(wrapped, input, {_MAIN: Path(output)}, columns=cols,
                settings={"fn": f"sha256:{fingerprint[:16]}"}, check=check,
                opts=_Options(chunksize, jobs, engine, scheduler, resume, force, progress))


def predict_file(
    model,
    input: str | os.PathLike,
    output: str | os.PathLike,
    *,
    text_col: str = "text",
    id_col: str = "id",
    proba: bool = False,
    jobs: int | None = None,
    chunksize: int = DEFAULT_CHUNKSIZE,
    engine: Engine = "local",
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = True,
) -> RunSummary:
    """Apply a fitted classifier to a corpus file, like :func:`code_file`.

    Parameters
    ----------
    model : estimator or path
        A fitted multi-label classifier such as :class:`framing.classify.FrameClassifier`
        (``predict`` on a list of texts gives documents x ``classes_`` 0/1 codes), or the
        ``.skops`` file it was saved to (loaded with :func:`framing.classify.load_model`).
    input, output, jobs, chunksize, engine, scheduler, resume, force, progress
        As for :func:`code_file`.
    text_col, id_col : str
        Columns of the text and of the document id (without one, the row number).
    proba : bool
        Also write ``<class>_proba``, the calibrated probability (4 decimals).

    Returns
    -------
    RunSummary
        The output has the id column, then a 0/1 column per class.
    """
    if isinstance(model, str | os.PathLike):
        from framing.classify import load_model

        digest = hashlib.sha256(Path(model).read_bytes()).hexdigest() \
            if Path(model).is_file() else ""
        model = load_model(model)
    else:
        digest = hashlib.sha256(_dumps(model)).hexdigest()
    if not hasattr(model, "classes_"):
        raise FramingError(f"{type(model).__name__} is not fitted (it has no classes_)")

    def check(fmt: str, path: Path) -> None:
        names = _columns_of(fmt, path)
        if text_col not in names:
            raise FramingError(f"{path}: no column {text_col!r} (columns: {names})")

    settings = {"model": f"sha256:{digest[:16]}", "text_col": text_col, "id_col": id_col,
                "proba": proba}
    return _run(_PredictChunk(model, text_col, id_col, proba), input, {_MAIN: Path(output)},
                columns=(id_col, text_col), settings=settings, check=check,
                opts=_Options(chunksize, jobs, engine, scheduler, resume, force, progress))
