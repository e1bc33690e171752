"""Reading, validating and normalising a corpus into the record contract."""

from __future__ import annotations

import csv
import html
import json
import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

import pandas as pd

from framing._io import atomic_path, check_writable
from framing.corpus._dates import parse_date
from framing.corpus._dedup import MinHasher, near_duplicate_clusters, text_hash
from framing.corpus._formats import FORMATS, Raw, guess_format, read_records
from framing.corpus._lang import DETECT_LANGUAGES, detect_language
from framing.errors import FramingError, InputError, Problem

__all__ = [
    "FIELDS", "DERIVED", "CorpusReport", "read_corpus", "iter_corpus", "NEAR_DUP_THRESHOLD",
    "near_duplicate_ids",
]

logger = logging.getLogger("framing.corpus")

#: The record contract: required ``id`` and ``text``, then the known optional fields.
FIELDS = ("id", "text", "title", "lang", "date", "outlet", "outlet_type", "country", "url")
#: Columns the reader adds after the input's own (see :func:`read_corpus`).
DERIVED = ("empty_text", "lang_detected", "flags", "dup_cluster", "near_dup_cluster")
#: Default estimated Jaccard similarity of character 5-gram shingles for near duplicates.
NEAR_DUP_THRESHOLD = 0.7
#: At most this many problems are spelled out in an error message (all are in ``problems``).
MAX_LISTED = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LANG = re.compile(r"([a-z]{2})(?:[-_][a-z0-9]+)*$")
_REJECT_COLUMNS = ("source", "line", "field", "reason", "raw")


@dataclass(frozen=True)
class CorpusReport:
    """What reading a corpus found and changed.

    Attributes
    ----------
    path : str
        The input.
    format : str
        The format it was read as.
    encodings : tuple of (str, str)
        ``(source, encoding)`` for every file read (Parquet files: ``parquet``).
    n_records : int
        Records kept (including those with empty text).
    n_rejected : int
        Records rejected (lenient mode) or in error (strict mode).
    n_empty : int
        Kept records whose text is empty or blank.
    n_lang_detected : int
        Records whose ``lang`` was detected.
    fixes : tuple of (str, int)
        Each normalisation applied and how many records (or characters) it changed.
    problems : tuple of Problem
        Every problem found, in input order.
    """

    path: str
    format: str
    encodings: tuple[tuple[str, str], ...]
    n_records: int
    n_rejected: int
    n_empty: int
    n_lang_detected: int
    fixes: tuple[tuple[str, int], ...]
    problems: tuple[Problem, ...]

    def to_dict(self) -> dict:
        """The report as plain JSON-serialisable data (as kept in ``DataFrame.attrs``)."""
        data = asdict(self)
        data["encodings"] = [list(pair) for pair in self.encodings]
        data["fixes"] = [list(pair) for pair in self.fixes]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> CorpusReport:
        """The report back from :meth:`to_dict`.

        Examples
        --------
        >>> report = CorpusReport("a.csv", "csv", (("a.csv", "utf-8"),), 1, 0, 0, 1, (),
        ...                       (Problem("a.csv", "bad date", line=2, field="date"),))
        >>> CorpusReport.from_dict(report.to_dict()) == report
        True
        """
        return cls(**{
            **data,
            "encodings": tuple(tuple(pair) for pair in data["encodings"]),
            "fixes": tuple(tuple(pair) for pair in data["fixes"]),
            "problems": tuple(Problem(**p) for p in data["problems"]),
        })

    def summary(self) -> str:
        """A readable account: counts, encodings, every fix and every problem.

        Examples
        --------
        >>> report = CorpusReport("a.csv", "csv", (("a.csv", "cp1252"),), 2, 1, 0, 2,
        ...     (("HTML entities unescaped", 1),),
        ...     (Problem("a.csv", "missing id", line=3, field="id"),))
        >>> print(report.summary())
        a.csv (csv): 2 records kept, 1 rejected, 0 with empty text, 2 languages detected
          encoding: cp1252 (1 file)
          fixed: HTML entities unescaped: 1
          problem: a.csv, line 3, field id: missing id
        """
        lines = [
            f"{self.path} ({self.format}): {self.n_records} records kept, "
            f"{self.n_rejected} rejected, {self.n_empty} with empty text, "
            f"{self.n_lang_detected} languages detected"
        ]
        by_encoding = Counter(enc for _, enc in self.encodings)
        for enc, count in sorted(by_encoding.items()):
            lines.append(f"  encoding: {enc} ({count} file{'s' if count != 1 else ''})")
        lines += [f"  fixed: {what}: {count}" for what, count in self.fixes]
        lines += [f"  problem: {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass
class _State:
    """Running state of one read: ids and texts seen, counts, problems."""

    path: str
    format: str
    strict: bool
    mapping: dict[str, str]
    languages: tuple[str, ...] | None
    seen_ids: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    seen_texts: dict[str, str] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    fixes: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)
    n_records: int = 0
    n_rejected: int = 0
    n_empty: int = 0
    n_lang_detected: int = 0

    def report(self) -> CorpusReport:
        return CorpusReport(
            self.path, self.format, tuple(sorted(self.encodings.items())), self.n_records,
            self.n_rejected, self.n_empty, self.n_lang_detected,
            tuple(sorted(self.fixes.items())), tuple(self.problems),
        )


def _fix_text(value: str, state: _State, name: str) -> tuple[str, int]:
    """Normalise one text field; count each fix; return the text and its U+FFFD count."""
    text = value
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        state.fixes[f"{name}: line endings made \\n"] += 1
    if "&" in text:
        unescaped = html.unescape(text)
        if unescaped != text:
            state.fixes[f"{name}: HTML entities unescaped"] += 1
            text = unescaped
    controls = len(_CONTROL.findall(text))
    if controls:
        text = _CONTROL.sub("", text)
        state.fixes[f"{name}: control characters removed"] += controls
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        state.fixes[f"{name}: normalised to Unicode NFC"] += 1
    return text, text.count("\ufffd")


def _as_text(value: object) -> str | None:
    """A field value as text; None when missing; ValueError for a non-scalar."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    raise ValueError(f"a {type(value).__name__}, not text")


def _date_value(value: object) -> datetime | None:
    if isinstance(value, datetime):  # Parquet timestamps, pandas Timestamps
        if pd.isna(value):
            return None
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.to_pydatetime()
    text = _as_text(value)
    return None if text is None else parse_date(text)


def _validate(raw: Raw, state: _State) -> tuple[dict | None, list[Problem]]:
    """Turn one raw record into a contract row; row problems mean it is rejected."""
    if raw.fields is None:
        return None, [raw.problem] if raw.problem else []
    fields = dict(raw.fields)
    for target, column in state.mapping.items():
        if column in fields:
            fields[target] = fields.pop(column)
    row_problems: list[Problem] = []
    flags: list[str] = list(_carried_flags(fields.pop("flags", None)))
    carried_detected = str(fields.pop("lang_detected", None)).lower() == "true"
    for name in DERIVED:
        fields.pop(name, None)

    def problem(message: str, name: str) -> Problem:
        return Problem(raw.source, message, line=raw.line, field=name)

    original_id = fields.get("id")
    try:
        doc_id = _as_text(original_id)
        message = "missing id"
    except ValueError as err:
        doc_id, message = None, f"id is {err}"
    if doc_id is not None and doc_id.strip() != doc_id:
        doc_id = doc_id.strip()
        state.fixes["id: surrounding spaces removed"] += 1
    if not doc_id:
        row_problems.append(problem(message, "id"))
    elif doc_id in state.seen_ids:
        source, line = state.seen_ids[doc_id]
        first = source if line is None else f"{source} line {line}"
        row_problems.append(problem(f"duplicate id {doc_id!r} (first at {first})", "id"))
    if "text" not in fields:
        row_problems.append(problem("no text field", "text"))
        text = None
    else:
        try:
            text = _as_text(fields["text"])
        except ValueError as err:
            row_problems.append(problem(f"text is {err}", "text"))
            text = None
    if row_problems:
        return None, row_problems
    state.seen_ids[doc_id] = (raw.source, raw.line)
    text, bad_chars = _fix_text(text or "", state, "text")
    out: dict = {"id": doc_id, "text": text}
    if bad_chars:
        flags.append("replacement_char")
        state.fixes["text: U+FFFD replacement characters found (kept, flagged)"] += bad_chars
    field_problems: list[Problem] = []
    for name in FIELDS[2:]:
        if name not in fields:
            continue
        value = fields.pop(name)
        if name == "date":
            try:
                out["date"] = _date_value(value)
            except ValueError as err:
                out["date"] = None
                flags.append("bad_date")
                field_problems.append(problem(f"bad date {value!r} ({err})", "date"))
            continue
        try:
            text_value = _as_text(value)
        except ValueError as err:
            out[name] = None
            flags.append(f"bad_{name}")
            field_problems.append(problem(f"{name} is {err}", name))
            continue
        if text_value is not None and name == "title":
            text_value = _fix_text(text_value, state, "title")[0]
        text_value = text_value.strip() if text_value is not None else None
        if name == "lang" and text_value:
            match = _LANG.match(text_value.lower())
            if match is None:
                flags.append("bad_lang")
                field_problems.append(problem(
                    f"lang {text_value!r} is not an ISO 639-1 code", "lang"))
                text_value = None
            elif match.group(1) != text_value:
                state.fixes["lang: reduced to its ISO 639-1 code"] += 1
                text_value = match.group(1)
        out[name] = text_value or None
    fields.pop("id", None)
    fields.pop("text", None)
    out.update(fields)
    out["empty_text"] = not text.strip()
    out["lang_detected"] = carried_detected
    out["flags"] = ";".join(sorted(set(flags)))
    out["dup_cluster"] = doc_id
    if not out["empty_text"]:
        digest = text_hash(text)
        first = state.seen_texts.setdefault(digest, doc_id)
        if first != doc_id:
            out["dup_cluster"] = first
    return out, field_problems


def _carried_flags(value: object) -> list[str]:
    return [f for f in value.split(";") if f] if isinstance(value, str) else []


def _frame(rows: list[dict], state: _State) -> pd.DataFrame:
    """Rows as a DataFrame with the contract's column order and dtypes."""
    for row in rows:
        for name in row:
            if name not in state.columns:
                state.columns.append(name)
    known = [name for name in FIELDS if name in state.columns]
    if state.languages is not None and "lang" not in known:
        known.insert(3 if "title" in known else 2, "lang")
    extras = [c for c in state.columns if c not in FIELDS and c not in DERIVED]
    order = known + extras + [c for c in DERIVED if c != "near_dup_cluster"]
    if state.languages is not None:
        todo = [row for row in rows if row.get("lang") is None and not row["empty_text"]]
        found = detect_language([row["text"] for row in todo], state.languages)
        for row, code in zip(todo, found, strict=True):
            if code is not None:
                row["lang"], row["lang_detected"] = code, True
                state.n_lang_detected += 1
    frame = pd.DataFrame.from_records(rows, columns=order) if rows else pd.DataFrame(
        {name: pd.Series(dtype=object) for name in order})
    for name in known:
        if name == "date":
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
        else:
            frame[name] = frame[name].astype("str")
    for name in ("empty_text", "lang_detected"):
        frame[name] = frame[name].astype(bool)
    for name in ("flags", "dup_cluster"):
        frame[name] = frame[name].astype("str")
    return frame


def _column_mapping(mapping: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise FramingError(
            f"unknown corpus field(s) {', '.join(unknown)} in the column mapping; "
            f"map any of {', '.join(FIELDS)} to a column name (e.g. text='body')"
        )
    return {target: column for target, column in mapping.items() if column}


def _check_columns(columns: list[str] | None, state: _State, source: str) -> None:
    """A header without the required columns is an error in any mode."""
    if columns is None:
        return
    problems = []
    renamed = [state.mapping.get(c, c) for c in columns]
    for target, column in state.mapping.items():
        if column not in columns:
            problems.append(Problem(
                source, f"no column {column!r} to use as {target} "
                f"(columns: {', '.join(columns)})", line=1, field=target))
        elif target in columns and target != column:
            problems.append(Problem(
                source, f"column {target!r} exists and {target}={column!r} is also mapped; "
                "rename one", line=1, field=target))
    for required in ("id", "text"):
        if required not in renamed and required not in state.mapping:
            problems.append(Problem(
                source, f"no {required} column (columns: {', '.join(columns)}); name the "
                f"column holding it with {required}=NAME / --{required}-col NAME",
                line=1, field=required))
    if problems:
        raise InputError(problems)


def _error(state: _State) -> InputError:
    problems = state.problems
    if len(problems) == 1:
        return InputError(problems)
    listed = problems[:MAX_LISTED]
    more = len(problems) - len(listed)
    summary = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {state.path}" + (
        f" (the first {MAX_LISTED} listed; all are in .problems)" if more else ""
    )
    err = InputError(listed, summary=summary)
    err.problems = list(problems)
    return err


def _open(path, format, strict, languages, column_mapping) -> tuple[Path, str, _State]:
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), "no such file or folder"))
    fmt = format or guess_format(path)
    if fmt not in FORMATS:
        raise FramingError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    state = _State(
        str(path), fmt, strict, _column_mapping(column_mapping),
        tuple(languages) if languages is not None else None,
    )
    return path, fmt, state


def _stream(
    path: Path, state: _State, *, chunksize: int, rejects, force: bool, encoding, delimiter,
    log: bool = True,
) -> Iterator[pd.DataFrame]:
    """Validated chunks; ``state`` holds the report as it grows (logged when lenient)."""
    if chunksize < 1:
        raise FramingError(f"chunksize must be at least 1, got {chunksize}")
    if rejects is not None:
        check_writable(rejects, force)
    opened = read_records(
        path, state.format, encoding=encoding, delimiter=delimiter, chunksize=chunksize
    )
    _check_columns(opened.columns, state, path.name)
    if opened.columns is not None:
        state.columns = [state.mapping.get(c, c) for c in opened.columns]
    if rejects is None:
        yield from _chunks(opened, state, chunksize, None)
    else:
        with atomic_path(rejects) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(_REJECT_COLUMNS)
            yield from _chunks(opened, state, chunksize, writer)
    if state.strict and state.problems:
        raise _error(state)
    if log and not state.strict and (state.fixes or state.problems):
        logger.warning("%s", state.report().summary())


def iter_corpus(
    path: str | os.PathLike,
    format: str | None = None,
    *,
    chunksize: int = 2_000,
    strict: bool = True,
    rejects: str | os.PathLike | None = None,
    force: bool = False,
    encoding: str | None = None,
    delimiter: str | None = None,
    languages: Sequence[str] | None = DETECT_LANGUAGES,
    **column_mapping: str,
) -> Iterator[pd.DataFrame]:
    """Read a corpus in chunks of at most ``chunksize`` records, validated and normalised.

    Memory is bounded by the chunk size (plus the ids and 8-byte text hashes seen, needed to
    find duplicates across chunks). Takes the same arguments as :func:`read_corpus` except
    ``near_duplicates`` (which needs the whole corpus: chunks have no ``near_dup_cluster``
    column). In strict mode the error listing every problem is raised after the last chunk;
    the rows with problems are never yielded. :func:`~framing.corpus.check_corpus` streams
    and returns the report.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_text("id,text,lang\\na,one,en\\nb,two,en\\nc,three,en\\n")
    >>> [len(chunk) for chunk in iter_corpus(path, chunksize=2)]
    [2, 1]
    """
    path, _, state = _open(path, format, strict, languages, column_mapping)
    yield from _stream(path, state, chunksize=chunksize, rejects=rejects, force=force,
                       encoding=encoding, delimiter=delimiter)


def _chunks(opened, state: _State, chunksize: int, writer) -> Iterator[pd.DataFrame]:
    records = iter(opened.records)
    yielded = False
    while True:
        batch = list(islice(records, chunksize))
        if not batch and yielded:
            return
        yielded = True
        rows = []
        for raw in batch:
            row, problems = _validate(raw, state)
            state.problems.extend(problems)
            if row is None:
                state.n_rejected += 1
                if writer is not None:
                    writer.writerow([
                        raw.source, raw.line if raw.line is not None else "",
                        ";".join(sorted({p.field for p in problems if p.field})),
                        "; ".join(p.message for p in problems), raw.raw or json.dumps(
                            raw.fields, ensure_ascii=False, default=str),
                    ])
                continue
            rows.append(row)
        state.encodings.update(opened.encodings)
        state.n_records += len(rows)
        state.n_empty += sum(row["empty_text"] for row in rows)
        yield _frame(rows, state)


def read_corpus(
    path: str | os.PathLike,
    format: str | None = None,
    *,
    strict: bool = True,
    rejects: str | os.PathLike | None = None,
    force: bool = False,
    encoding: str | None = None,
    delimiter: str | None = None,
    languages: Sequence[str] | None = DETECT_LANGUAGES,
    near_duplicates: float | None = NEAR_DUP_THRESHOLD,
    **column_mapping: str,
) -> pd.DataFrame:
    """Read a corpus into one validated DataFrame following the record contract.

    Parameters
    ----------
    path : path
        A CSV/TSV file (any delimiter, BOM, quoted newlines), a JSONL file, a Parquet file, a
        folder of ``.txt``/``.html`` files, a SemEval-2023 Task 3 folder (one language's or
        the root holding several) or an EUvsDisinfo ``posts.csv``.
    format : {"csv", "tsv", "jsonl", "parquet", "folder", "semeval", "euvsdisinfo"}, optional
        Told from the layout, the header or the extension when omitted.
    strict : bool
        True: any problem raises one :class:`~framing.errors.InputError` listing every
        problem with its file, line and field. False: records with problems are left out,
        written to ``rejects`` with the reason, and a summary of every fix and problem is
        logged (logger ``framing.corpus``, level WARNING).
    rejects : path, optional
        CSV written (atomically) with one row per rejected record: ``source, line, field,
        reason, raw`` (``raw``: the record as it was in the file; for Parquet and folder
        records, its fields as JSON).
    force : bool
        Overwrite an existing ``rejects`` file.
    encoding : str, optional
        Skip detection and decode with this codec.
    delimiter : str, optional
        CSV delimiter; by default the one of ``, TAB ; |`` most frequent in the header line.
    languages : sequence of str or None
        Where ``lang`` is absent, detect it among these ISO 639-1 codes (see
        :func:`~framing.corpus.detect_language`); None to skip detection.
    near_duplicates : float or None
        Estimated Jaccard similarity (character 5-grams, MinHash) at which two texts are
        near duplicates; None to skip.
    **column_mapping : str
        Contract field = input column, e.g. ``text="body", id="doc_id"``.

    Returns
    -------
    DataFrame
        Columns ``id``, ``text``, then the known optional fields present (``title``,
        ``lang``, ``date`` as ``datetime64[ns]``, ``outlet``, ``outlet_type``, ``country``,
        ``url``), then the input's other columns in input order, then:
        ``empty_text`` (bool; empty texts are kept), ``lang_detected`` (bool),
        ``flags`` (``;``-joined: ``bad_date``, ``bad_lang``, ``bad_<field>``,
        ``replacement_char``; in strict mode only ``replacement_char`` can occur),
        ``dup_cluster`` (id of the first record with the same normalised text),
        ``near_dup_cluster`` (id of the first record of its near-duplicate cluster).
        Dropping duplicates is ``df[df.dup_cluster == df.id]``.
        ``df.attrs["corpus_report"]`` is the :class:`CorpusReport` as a dict
        (:meth:`CorpusReport.from_dict` turns it back).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_text(
    ...     "doc,body,date\\n1,Aiuti dalla Russia &amp; dalla Cina,22/03/2020\\n2,NA,\\n")
    >>> df = read_corpus(path, id="doc", text="body")
    >>> df[["id", "text", "lang", "date", "empty_text"]]
      id                             text  lang       date  empty_text
    0  1  Aiuti dalla Russia & dalla Cina    it 2020-03-22       False
    1  2                               NA    ...        NaT       False
    """
    path, _, state = _open(path, format, strict, languages, column_mapping)
    chunks = list(_stream(path, state, chunksize=50_000, rejects=rejects, force=force,
                          encoding=encoding, delimiter=delimiter))
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    if near_duplicates is not None:
        frame["near_dup_cluster"] = near_duplicate_ids(frame, near_duplicates)
    frame.attrs["corpus_report"] = state.report().to_dict()
    return frame


def near_duplicate_ids(frame: pd.DataFrame, threshold: float = NEAR_DUP_THRESHOLD) -> pd.Series:
    """For each row, the id of the first row of its near-duplicate cluster (itself if alone).

    Empty texts are never clustered. Exact duplicates always share a cluster.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a", "b", "c"], "text": [
    ...     "Russia sends doctors and ventilators to Italy, TASS reports today.",
    ...     "Russia sends doctors and ventilators to Italy, Reuters reports today.",
    ...     "China ships masks to Serbia."]})
    >>> near_duplicate_ids(df).tolist()
    ['a', 'a', 'c']
    """
    hasher = MinHasher()
    texts = frame["text"].tolist()
    empty = frame["empty_text"].to_numpy() if "empty_text" in frame else (
        frame["text"].str.strip() == "").to_numpy()
    clusters = near_duplicate_clusters(hasher.signatures(texts), threshold, hasher.bands, empty)
    ids = frame["id"].to_numpy()
    return pd.Series(ids[clusters], index=frame.index, name="near_dup_cluster", dtype="str")
