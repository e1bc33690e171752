"""Format readers: each yields raw records with their source and line, or a problem."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from framing.corpus._encoding import decode, detect_encoding
from framing.corpus._html import html_to_text
from framing.errors import InputError, Problem

__all__ = ["FORMATS", "Raw", "guess_format", "read_records", "SEMEVAL_LANGS"]

FORMATS = ("csv", "tsv", "jsonl", "parquet", "folder", "semeval", "euvsdisinfo")

#: SemEval-2023 Task 3 folder names and the ISO 639-1 codes they stand for.
SEMEVAL_LANGS = {"en": "en", "it": "it", "ru": "ru", "fr": "fr", "ge": "de", "po": "pl"}

EUVSDISINFO_COLUMNS = ("date", "id", "title", "countries", "keywords", "languages", "outlets")
_EUVSDISINFO_LISTS = ("countries", "keywords", "languages", "outlets")
_SUFFIXES = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}
_DELIMITERS = (",", "\t", ";", "|")
#: Largest CSV field accepted: an unclosed quote cannot swallow more than this.
MAX_FIELD_CHARS = 50_000_000


@dataclass
class Raw:
    """One record as read: ``fields`` by input column, or None with a ``problem``."""

    source: str
    line: int | None
    fields: dict | None
    raw: str = ""
    problem: Problem | None = None


@dataclass
class Opened:
    """A reader's records plus what it learned while opening the input."""

    records: Iterator[Raw]
    columns: list[str] | None  # known up front (CSV header, Parquet schema) or None
    encodings: dict[str, str]


def _is_semeval_lang_dir(path: Path) -> bool:
    return (path / "train-articles").is_dir() and (path / "train-labels.txt").is_file()


def guess_format(path: Path) -> str:
    """The format of ``path``, from its layout, header or extension."""
    if path.is_dir():
        if _is_semeval_lang_dir(path) or any(
            _is_semeval_lang_dir(path / lang) for lang in SEMEVAL_LANGS
        ):
            return "semeval"
        return "folder"
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(Problem(
            str(path), f"cannot tell the format from the extension {suffix!r}; pass format= "
            f"(one of {', '.join(FORMATS)})",
        ))
    fmt = _SUFFIXES[suffix]
    if fmt == "csv":
        with open(path, "rb") as fh:
            first = fh.readline().decode("utf-8-sig", errors="replace").strip()
        if tuple(first.split(",")) == EUVSDISINFO_COLUMNS:
            return "euvsdisinfo"
    return fmt


def read_records(
    path: Path, fmt: str, *, encoding: str | None, delimiter: str | None, chunksize: int
) -> Opened:
    """Open ``path`` as ``fmt`` and return its records (lazily) with header and encodings."""
    if fmt in ("csv", "tsv", "euvsdisinfo"):
        opened = _csv(path, encoding, "\t" if fmt == "tsv" and delimiter is None else delimiter)
        if fmt == "euvsdisinfo":
            if tuple(opened.columns) != EUVSDISINFO_COLUMNS:
                raise InputError(Problem(path.name, f"not the EUvsDisinfo export: the header is "
                                         f"not {','.join(EUVSDISINFO_COLUMNS)}", line=1))
            opened.records = _euvsdisinfo(opened.records)
            opened.columns = ["text" if c == "title" else c for c in opened.columns] + ["lang"]
        return opened
    if fmt == "jsonl":
        return _jsonl(path, encoding)
    if fmt == "parquet":
        return _parquet(path, chunksize)
    if fmt == "folder":
        return _folder(path, encoding)
    return _semeval(path)


def _text_stream(path: Path, encoding: str | None) -> tuple[io.TextIOWrapper, str]:
    enc = encoding or detect_encoding(path)
    return open(path, encoding=enc, newline=""), enc


def _sniff_delimiter(header_line: str) -> str:
    counts = [(header_line.count(d), -i, d) for i, d in enumerate(_DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] > 0 else ","


class _LineTap:
    """Iterate the lines of a text stream, keeping those of the current record."""

    def __init__(self, stream: io.TextIOBase):
        self._stream = stream
        self.taken: list[str] = []

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        line = self._stream.readline()
        if not line:
            raise StopIteration
        self.taken.append(line)
        return line

    def pop(self) -> str:
        text = "".join(self.taken)
        self.taken.clear()
        return text


def _csv(path: Path, encoding: str | None, delimiter: str | None) -> Opened:
    stream, enc = _text_stream(path, encoding)
    source = path.name
    first = stream.readline()
    stream.seek(0)
    delim = delimiter or _sniff_delimiter(first)
    tap = _LineTap(stream)
    reader = csv.reader(tap, delimiter=delim, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        stream.close()
        raise InputError(Problem(source, "the file is empty: no header line", line=1)) from None
    except csv.Error as err:
        stream.close()
        raise InputError(Problem(source, f"cannot read the header: {err}", line=1)) from None
    header = [name.strip() for name in header]
    tap.pop()
    problems = [
        Problem(source, f"column {i + 1} of the header has no name", line=1)
        for i, name in enumerate(header) if not name
    ]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(Problem(source, f"column name {name!r} appears twice", line=1))
        seen.add(name)
    if problems:
        stream.close()
        raise InputError(problems)

    def records() -> Iterator[Raw]:
        limit = csv.field_size_limit()
        csv.field_size_limit(MAX_FIELD_CHARS)
        try:
            while True:
                start = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as err:
                    raw = tap.pop().rstrip("\r\n")
                    reason = str(err)
                    if "unexpected end of data" in reason or "field larger" in reason:
                        reason = "unclosed quote: the quoted field runs to the end of the file"
                        yield Raw(source, start, None, raw, Problem(source, reason, line=start))
                        return
                    yield Raw(source, start, None, raw, Problem(
                        source, f"malformed quoting ({reason})", line=start))
                    continue
                raw = tap.pop().rstrip("\r\n")
                if not row:
                    continue
                if len(row) != len(header):
                    what = "extra field" if len(row) > len(header) else "missing field"
                    yield Raw(source, start, None, raw, Problem(
                        source, f"{len(row)} fields where the header has {len(header)} ({what})",
                        line=start,
                    ))
                    continue
                yield Raw(source, start, dict(zip(header, row, strict=True)), raw)
        finally:
            csv.field_size_limit(limit)
            stream.close()

    return Opened(records(), header, {source: enc})


def _euvsdisinfo(records: Iterator[Raw]) -> Iterator[Raw]:
    """EUvsDisinfo rows: the English claim summary is the text; ``+``-lists split."""
    for record in records:
        if record.fields is not None:
            fields = record.fields
            fields["text"] = fields.pop("title")
            for name in _EUVSDISINFO_LISTS:
                value = fields[name].strip()
                fields[name] = [part.strip() for part in value.split("+")] if value else []
            fields["lang"] = "en"
        yield record


def _jsonl(path: Path, encoding: str | None) -> Opened:
    stream, enc = _text_stream(path, encoding)
    source = path.name

    def records() -> Iterator[Raw]:
        with stream:
            for number, line in enumerate(stream, start=1):
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as err:
                    yield Raw(source, number, None, line, Problem(
                        source, f"not valid JSON ({err.msg} at column {err.colno})", line=number))
                    continue
                if not isinstance(value, dict):
                    yield Raw(source, number, None, line, Problem(
                        source, f"a JSON {type(value).__name__}, not an object", line=number))
                    continue
                yield Raw(source, number, value, line)

    return Opened(records(), None, {source: enc})


def _parquet(path: Path, chunksize: int) -> Opened:
    import pyarrow.parquet as pq

    source = path.name
    try:
        handle = pq.ParquetFile(path)
    except Exception as err:  # pyarrow raises several types for a file that is not Parquet
        raise InputError(Problem(source, f"cannot read as Parquet: {err}")) from None
    columns = list(handle.schema_arrow.names)

    def records() -> Iterator[Raw]:
        row = 0
        for batch in handle.iter_batches(batch_size=chunksize):
            for fields in batch.to_pylist():
                row += 1
                yield Raw(source, row, fields, "")

    return Opened(records(), columns, {source: "parquet"})


def _folder(path: Path, encoding: str | None) -> Opened:
    files = sorted(
        p for p in path.rglob("*")
        if p.is_file() and p.suffix.lower() in (".txt", ".html", ".htm")
    )
    if not files:
        raise InputError(Problem(str(path), "the folder has no .txt or .html files"))
    encodings: dict[str, str] = {}

    def records() -> Iterator[Raw]:
        for file in files:
            name = file.relative_to(path).as_posix()
            data = file.read_bytes()
            if encoding:
                text, enc = data.decode(encoding), encoding
            else:
                text, enc = decode(data)
            encodings[name] = enc
            fields: dict = {"id": name.rsplit(".", 1)[0]}
            if file.suffix.lower() == ".txt":
                fields["text"] = text
            else:
                page = html_to_text(text)
                fields.update(title=page.title, text=page.text)
            yield Raw(name, None, fields, "")

    return Opened(records(), None, encodings)


_LABEL_LINE = re.compile(r"(\S+)\t(.*)$")


def _semeval(path: Path) -> Opened:
    if _is_semeval_lang_dir(path):
        dirs = [path]
    else:
        dirs = [path / lang for lang in SEMEVAL_LANGS if _is_semeval_lang_dir(path / lang)]
    encodings: dict[str, str] = {}

    def records() -> Iterator[Raw]:
        for folder in dirs:
            lang = SEMEVAL_LANGS.get(folder.name, folder.name)
            labels_file = folder / "train-labels.txt"
            labels: dict[str, list[str]] = {}
            for number, line in enumerate(
                labels_file.read_text(encoding="utf-8").splitlines(), start=1
            ):
                match = _LABEL_LINE.match(line)
                if match is None:
                    if line.strip():
                        source = f"{folder.name}/{labels_file.name}"
                        yield Raw(source, number, None, line, Problem(
                            source, "not 'ID<TAB>frames'", line=number, field="frames"))
                    continue
                labels[match.group(1)] = [f for f in match.group(2).split(",") if f]
            articles = sorted((folder / "train-articles").glob("article*.txt"))
            for file in articles:
                doc_id = file.stem.removeprefix("article")
                source = f"{folder.name}/train-articles/{file.name}"
                text, enc = decode(file.read_bytes())
                encodings[source] = enc
                title, _, body = text.partition("\n")
                yield Raw(source, None, {
                    "id": doc_id, "title": title.strip(), "text": body.strip("\n"),
                    "lang": lang, "frames": labels.pop(doc_id, None),
                }, "")
            for doc_id in labels:
                source = f"{folder.name}/train-labels.txt"
                yield Raw(source, None, None, doc_id, Problem(
                    source, f"labels for article {doc_id} but no file article{doc_id}.txt",
                    field="id"))

    return Opened(records(), ["id", "title", "text", "lang", "frames"], encodings)
