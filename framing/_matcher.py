"""The matching engine behind :class:`~framing.LexiconCoder`: a codebook compiled for coding.

It needs neither scikit-learn nor the rest of the package, so that worker processes and Dask
workers (:mod:`framing.scale`) start quickly.

How it works
------------
Each document is normalised once: lower-cased, ``ё`` folded to ``е``, every run of white space
turned into one space, apostrophes and hyphens kept as ``'`` and ``-``, and every other
non-word character turned into ``|``; word tokens are the runs between these four separators.
Each pattern is compiled into Aho-Corasick automaton keys with a separator on each side (a
stem: on its left only), one key per choice of separators, so every hit is word-aligned by
construction and all the frames of a language are found in a single scan. A short pass then
keeps, per frame, the leftmost-longest non-overlapping matches, drops those overlapping an
exclusion, and marks negated ones. The matching rules are documented in
``docs/codebook-format.md``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import ahocorasick
import numpy as np
import pandas as pd

from framing.codebook import _PUNCT, Codebook, Pattern
from framing.errors import FramingError, InputError, Problem

__all__ = ["Coding", "Matcher", "coding_frame", "normalize_text", "prepare_documents"]

UnknownLang = Literal["error", "all"]

_WORD_CHAR = re.compile(r"\w")
_ORIG_WORD = re.compile(r"\w+")
_NORM_WORD = re.compile(r"[^ |'-]+")
_APOSTROPHES = frozenset("'’‘ʼ`")
_HYPHENS = frozenset("-‐‑")

# Roles and kinds of automaton entries.
_MATCH, _EXCLUDE, _CUE = 0, 1, 2
_EXACT, _STEM_END, _VERIFY, _REGEX = 0, 1, 2, 3


class _CharTable(dict):
    """``str.translate`` table: each character's separator class, worked out once and kept."""

    def __missing__(self, cp: int) -> int | str:
        c = chr(cp)
        if c == "ё":
            value: int | str = "е"
        elif c in _APOSTROPHES:
            value = "'"
        elif c in _HYPHENS:
            value = "-"
        elif c.isspace():
            value = " "
        elif _WORD_CHAR.match(c):
            value = cp
        else:
            value = "|"
        self[cp] = value
        return value


_TABLE = _CharTable()


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # e.g. 'İ' lowers to two characters: keep offsets 1:1
        low = "".join(ch if len(ch) == 1 else c for c in text for ch in (c.lower(),))
    return low


_BYTE_TABLE = bytes(
    ord(v) if isinstance(v := _TABLE[b], str) else b for b in range(128)
) + bytes(range(128, 256))
_NONASCII_NONWORD = re.compile(r"[^\w\x00-\x7f]")
_NONASCII_SPACE = re.compile(r"[^\S\x00-\x7f]")
_FOLDS = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("`", "'"), ("‐", "-"), ("‑", "-"), ("ё", "е"))
# UTF-8 bytes that cannot start a non-word character: ASCII (already mapped), continuation
# bytes, and the lead bytes of U+00C0-U+00FF (letters but for × and ÷, checked apart) and of
# U+0400-U+047F (Cyrillic letters). A document with no other byte needs no Unicode check.
_SAFE_BYTES = bytes(range(0xC0)) + b"\xc3\xd0\xd1"
_SEPARATORS = " |'-"
_BOUNDARIES = tuple(_SEPARATORS)
_WORD_REST = re.compile(r"[^ |'-]*")
_DOUBLE_SPACE = re.compile(rb"  +")


def normalize_text(text: str) -> str:
    """The form the coder scans: lower-cased, folded, one character between tokens.

    White space becomes one space (runs collapse), an apostrophe ``'`` and a hyphen ``-``
    stay, and every other non-word character becomes ``|``; the text is padded with a space
    on each side.

    Examples
    --------
    >>> normalize_text("Dall’Europa, nessun  aiuto!")
    " dall'europa| nessun aiuto| "
    """
    return _normalize(text)[0]


def _normalize(text: str) -> tuple[str, int]:
    """The normalised text and its number of word tokens."""
    low = _lower(text)
    if not low.isascii():
        for old, new in _FOLDS:
            if old in low:
                low = low.replace(old, new)
    raw = low.encode("utf-8").translate(_BYTE_TABLE)
    if not raw.isascii() and (
        raw.translate(None, _SAFE_BYTES) or b"\xc3\x97" in raw or b"\xc3\xb7" in raw
    ):
        s = raw.decode("utf-8")
        if _NONASCII_NONWORD.search(s):
            raw = _NONASCII_NONWORD.sub("|", _NONASCII_SPACE.sub(" ", s)).encode("utf-8")
    raw = b" " + raw + b" "
    codes = np.frombuffer(raw, np.uint8)
    space = codes == 32
    if (space[1:] & space[:-1]).any():
        raw = _DOUBLE_SPACE.sub(b" ", raw)
        codes = np.frombuffer(raw, np.uint8)
    # Word bytes: ASCII word characters (all >= '0') and every byte of a non-ASCII character;
    # the separators ' ', "'", '-' are below '0' and '|' is 124. A word starts where a word
    # byte follows a separator.
    word = codes >= 48
    word &= codes != 124
    return raw.decode("utf-8"), int(np.count_nonzero(word[1:] > word[:-1]))


# An automaton entry: (role, frame, pattern index, kind, back, verifying regex or None); a hit
# ending at ``end`` starts at ``end - back``.
_Entry = tuple


def _verify_regex(tokens: Sequence[str]) -> re.Pattern[str]:
    parts = []
    for i, t in enumerate(tokens):
        if i:
            parts.append(" ?" if t in _PUNCT or tokens[i - 1] in _PUNCT else " ")
        parts.append(re.escape(t[:-1]) + "[^ |'-]*" if t.endswith("*") else re.escape(t))
    last = tokens[-1]
    tail = "" if last in _PUNCT or last.endswith("*") else "(?=[ |'-])"
    return re.compile("".join(parts) + tail)


def _keys_and_entry(tokens: Sequence[str], role: int, frame: int, index: int):
    """The automaton keys of a pattern (one per boundary variant) and their entry."""
    special = next((i for i, t in enumerate(tokens) if t in _PUNCT or t.endswith("*")), None)
    if special is None:  # words only: a boundary character on each side
        body = " ".join(tokens)
        keys = [left + body + right for left in _BOUNDARIES for right in _BOUNDARIES]
        return keys, (role, frame, index, _EXACT, len(body), None)
    if special == len(tokens) - 1 and tokens[-1] not in _PUNCT:  # words, then a stem
        body = " ".join(tokens)[:-1]
        keys = [left + body for left in _BOUNDARIES]
        return keys, (role, frame, index, _STEM_END, len(body) - 1, None)
    verify = _verify_regex(tokens)
    if tokens[0] in _PUNCT:  # self-delimiting: no boundary on the left
        return [tokens[0]], (role, frame, index, _VERIFY, 0, verify)
    head = tokens[: special + 1] if tokens[special].endswith("*") else tokens[:special]
    body = " ".join(head).rstrip("*")
    keys = [left + body for left in _BOUNDARIES]
    return keys, (role, frame, index, _VERIFY, len(body) - 1, verify)


@dataclass(frozen=True)
class _Compiled:
    """Everything needed to code documents of one language (or of all, merged)."""

    automaton: ahocorasick.Automaton | None
    patterns: tuple[tuple[Pattern, ...], ...]  # per frame: its patterns, then its exclusions
    regexes: tuple[tuple[int, int, int, re.Pattern[str]], ...]  # (role, frame, index, rx)
    negatable: tuple[bool, ...]
    window: int


def _compile(codebook: Codebook, langs: Sequence[str]) -> _Compiled:
    keys: dict[str, list[_Entry]] = {}
    regexes = []
    patterns = []
    for fi, frame in enumerate(codebook.frames):
        own = [p for lg in langs for p in frame.patterns(lg)]
        excl = [p for lg in langs for p in frame.exclude_patterns.get(lg, ())]
        patterns.append(tuple(own) + tuple(excl))
        for role, offset, plist in ((_MATCH, 0, own), (_EXCLUDE, len(own), excl)):
            for pi, p in enumerate(plist, start=offset):
                if p.kind == "regex":
                    regexes.append((role, fi, pi, p.regex))
                    continue
                pkeys, entry = _keys_and_entry(p.tokens, role, fi, pi)
                for key in pkeys:
                    keys.setdefault(key, []).append(entry)
    neg = codebook.negation
    for cue in sorted({c for lg in langs for c in (neg.cues.get(lg, ()) if neg else ())}):
        pkeys, entry = _keys_and_entry((cue,), _CUE, -1, -1)
        for key in pkeys:
            keys.setdefault(key, []).append(entry)
    automaton = None
    if keys:
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for key in sorted(keys):
            automaton.add_word(key, tuple(keys[key]))
        automaton.make_automaton()
    return _Compiled(
        automaton=automaton,
        patterns=tuple(patterns),
        regexes=tuple(regexes),
        negatable=tuple(bool(neg) and f.negation for f in codebook.frames),
        window=neg.window if neg else 0,
    )


@dataclass(frozen=True)
class _Hits:
    """The raw hits in one document, offsets in its normalised text.

    ``matches`` are ``(frame, start, -stop, pattern, original span or None)`` so that a plain
    sort orders them by frame, leftmost, then longest; the original span is known for regex
    hits only. ``excluded`` maps a frame to the ``(start, stop)`` of its exclusion hits, and
    ``cue_stops`` lists where negation cues end, ascending.
    """

    matches: list[tuple]
    excluded: dict[int, list[tuple[int, int]]]
    cue_stops: list[int]


def _scan(text: str, norm: str, comp: _Compiled) -> _Hits:
    matches: list[tuple] = []
    excluded: dict[int, list[tuple[int, int]]] = {}
    cue_stops: list[int] = []
    if comp.automaton is not None:
        add = matches.append
        rest = _WORD_REST.match
        for end, entries in comp.automaton.iter(norm):
            for role, frame, index, kind, back, verify in entries:
                start = end - back
                if kind == _EXACT:
                    stop = end
                elif kind == _STEM_END:
                    stop = rest(norm, end + 1).end()
                else:
                    m = verify.match(norm, start)
                    if m is None:
                        continue
                    stop = m.end()
                if role == _MATCH:
                    add((frame, start, -stop, index, None))
                elif role == _CUE:
                    cue_stops.append(stop)
                else:
                    excluded.setdefault(frame, []).append((start, stop))
    if comp.regexes:
        low = _lower(text).replace("ё", "е")
        found = [
            (role, fi, pi, m.span())
            for role, fi, pi, rx in comp.regexes
            for m in rx.finditer(low)
            if m.end() > m.start()
        ]
        if found:
            tmap = _TokenMap(text, norm)
            for role, fi, pi, (s, e) in found:
                ns, ne = tmap.to_norm(s, e)
                if role == _MATCH:
                    matches.append((fi, ns, -ne, pi, (s, e)))
                else:
                    excluded.setdefault(fi, []).append((ns, ne))
    return _Hits(matches, excluded, cue_stops)


class _TokenMap:
    """Maps offsets between the original text and its normalised form, token by token."""

    def __init__(self, text: str, norm: str):
        self.orig = [m.span() for m in _ORIG_WORD.finditer(text)]
        self.norm = [m.span() for m in _NORM_WORD.finditer(norm)]
        self._norm_len = len(norm)
        if len(self.orig) != len(self.norm):  # pragma: no cover - guards an invariant
            raise FramingError("internal error: token maps disagree; please report this text")
        self._orig_starts = [s for s, _ in self.orig]
        self._orig_ends = [e for _, e in self.orig]
        self._norm_starts = [s for s, _ in self.norm]
        self._norm_ends = [e for _, e in self.norm]

    def to_orig(self, start: int, stop: int) -> tuple[int, int]:
        first = bisect_left(self._norm_starts, start)
        last = bisect_right(self._norm_ends, stop) - 1
        return self.orig[first][0], self.orig[last][1]

    def to_norm(self, start: int, stop: int) -> tuple[int, int]:
        first = bisect_right(self._orig_ends, start)
        last = bisect_left(self._orig_starts, stop) - 1
        if first > last:  # only separators matched: an empty span before token `first`
            pos = self.norm[first][0] if first < len(self.norm) else self._norm_len
            return pos, pos
        return self.norm[first][0], self.norm[last][1]


def _negated(norm: str, start: int, cue_stops: list[int], window: int) -> bool:
    """Whether a cue ends at most ``window`` tokens before ``start``, no punctuation between."""
    i = bisect_right(cue_stops, start - 1) - 1
    if i < 0:
        return False
    cue = cue_stops[i]
    if norm.find("|", cue, start) != -1:  # punctuation ends the cue's scope
        return False
    # Apostrophes and hyphens separate words but do not count as words.
    return len(_NORM_WORD.findall(norm, cue, start)) < window


def _select(hits: _Hits, comp: _Compiled, norm: str, counts: np.ndarray) -> list[tuple]:
    """Count, per frame, the leftmost-longest non-overlapping matches into ``counts``.

    Matches overlapping an exclusion are dropped; negated ones are kept but not counted.
    Returns the kept matches as ``(match, negated)``.
    """
    chosen = []
    frame, last, blocks, negatable = -1, -1, None, False
    hits.matches.sort()
    for h in hits.matches:
        if h[0] != frame:
            frame, last = h[0], -1
            blocks = hits.excluded.get(frame)
            negatable = comp.negatable[frame] and bool(hits.cue_stops)
        start, stop = h[1], -h[2]
        if start < last:
            continue
        last = stop
        if blocks and any(b0 < stop and start < b1 for b0, b1 in blocks):
            continue
        neg = negatable and _negated(norm, start, hits.cue_stops, comp.window)
        chosen.append((h, neg))
        if not neg:
            counts[frame] += 1
    return chosen


@dataclass(frozen=True)
class Coding:
    """What the lexicon coder found in a batch of documents.

    Attributes
    ----------
    frame_ids : tuple of str
        The columns of ``counts``, in codebook order.
    counts : ndarray of shape (n_documents, n_frames)
        Counted (not negated, not excluded) matches per document and frame.
    n_tokens : ndarray of shape (n_documents,)
        Word tokens per document (the denominator of rates).
    spans : DataFrame or None
        With ``spans=True``: one row per match, columns ``doc`` (0-based position), ``frame``,
        ``pattern``, ``start``, ``end``, ``match`` (``text[start:end]``) and ``negated``.
    """

    frame_ids: tuple[str, ...]
    counts: np.ndarray
    n_tokens: np.ndarray
    spans: pd.DataFrame | None = None

    @property
    def rates(self) -> np.ndarray:
        """Matches per 1,000 word tokens; NaN for documents without tokens."""
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = self.counts * 1000.0 / self.n_tokens[:, None]
        rates[self.n_tokens == 0] = np.nan
        return rates


_SPAN_COLUMNS = ["doc", "frame", "pattern", "start", "end", "match", "negated"]


class Matcher:
    """A codebook compiled for matching: compile once, code many.

    Each language's automaton is compiled on first use (or by :meth:`compile`); documents
    without a language, or in one the codebook lacks with ``unknown_lang="all"``, are coded
    with every language's lexicon at once.

    Examples
    --------
    >>> from framing.codebook import load_codebook
    >>> m = Matcher(load_codebook("softpower-aid")).compile(["en"])
    >>> m.code(["Planes of the defence ministry landed."], ["en"]).counts.sum().item()
    1
    """

    def __init__(self, codebook: Codebook, unknown_lang: UnknownLang = "error"):
        if unknown_lang not in ("error", "all"):
            raise ValueError(f"unknown_lang must be 'error' or 'all', not {unknown_lang!r}")
        self.codebook = codebook
        self.frame_ids = codebook.frame_ids
        self.unknown_lang = unknown_lang
        self._compiled: dict[str, _Compiled] = {}

    def compile(self, langs: Iterable[str | None] | None = None) -> Matcher:
        """Compile the automata of ``langs`` now (default: every language of the codebook;
        ``None`` in the list: all languages at once); return ``self``."""
        for lang in (self.codebook.languages if langs is None else langs):
            self._compiled_for(lang)
        return self

    def _compiled_for(self, lang: str | None) -> _Compiled:
        key = lang if lang in self.codebook.languages else "*"
        if key not in self._compiled:
            langs = [lang] if key != "*" else list(self.codebook.languages)
            self._compiled[key] = _compile(self.codebook, langs)
        return self._compiled[key]

    def check_langs(self, langs: Sequence[str | None]) -> None:
        """Raise if a language is unknown to the codebook (unless ``unknown_lang="all"``)."""
        known = set(self.codebook.languages)
        bad = sorted({str(lg) for lg in langs if lg is not None and lg not in known})
        if bad and self.unknown_lang == "error":
            raise FramingError(
                f"codebook {self.codebook.name!r} has no lexicon for language(s) {bad} "
                f"(it has {sorted(known)}); pass unknown_lang='all' to code such documents "
                "with every language's lexicon"
            )

    def code(
        self,
        texts: Iterable[str],
        langs: Sequence[str | None],
        spans: bool = False,
    ) -> Coding:
        """Code ``texts``, ``langs`` giving each document's language (``None``: all)."""
        texts = list(texts)
        if len(langs) != len(texts):
            raise ValueError(f"{len(langs)} languages for {len(texts)} texts")
        self.check_langs(langs)
        counts = np.zeros((len(texts), len(self.frame_ids)), dtype=np.int64)
        n_tokens = np.zeros(len(texts), dtype=np.int64)
        rows: list[tuple] = []
        for i, (text, lang) in enumerate(zip(texts, langs, strict=True)):
            if not isinstance(text, str):
                raise InputError(Problem("<texts>", f"text is {type(text).__name__}, not a "
                                         "string", line=None, field=f"document {i}"))
            comp = self._compiled_for(lang)
            norm, n_tokens[i] = _normalize(text)
            hits = _scan(text, norm, comp)
            if not hits.matches:
                continue
            chosen = _select(hits, comp, norm, counts[i])
            if spans and chosen:
                tmap = _TokenMap(text, norm)
                for h, neg in sorted(chosen, key=lambda c: (c[0][1], c[0][0])):
                    s, e = h[4] if h[4] is not None else tmap.to_orig(h[1], -h[2])
                    rows.append((i, self.frame_ids[h[0]], comp.patterns[h[0]][h[3]].text,
                                 s, e, text[s:e], neg))
        span_df = None
        if spans:
            span_df = pd.DataFrame(rows, columns=_SPAN_COLUMNS).astype(
                {"doc": "int64", "start": "int64", "end": "int64", "negated": "bool"}
            )
        return Coding(self.frame_ids, counts, n_tokens, span_df)


# -- the DataFrame API ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Docs:
    ids: pd.Series
    texts: list[str]
    langs: list[str | None]


def prepare_documents(
    data, *, text_col: str, lang_col: str, id_col: str, lang: str | None
) -> _Docs:
    """Documents from a DataFrame, a sequence of strings or one string, checked for text.

    A document without text is named by its row (the DataFrame's index label, else its
    position) and its id.
    """
    if isinstance(data, str):
        data = [data]
    if isinstance(data, pd.DataFrame):
        if text_col not in data.columns:
            raise InputError(Problem("<data>", f"no column {text_col!r} (columns: "
                                     f"{list(map(str, data.columns))}); pass text_col=",
                                     field=text_col))
        ids = (data[id_col] if id_col in data.columns
               else pd.Series(range(len(data)), name=id_col)).reset_index(drop=True)
        texts = data[text_col].tolist()
        rows = data.index.tolist()
        if lang is not None:
            langs = [lang] * len(texts)
        elif lang_col in data.columns:
            langs = [None if pd.isna(v) else str(v) for v in data[lang_col]]
        else:
            langs = [None] * len(texts)
    else:
        texts = list(data)
        rows = list(range(len(texts)))
        ids = pd.Series(range(len(texts)), name=id_col)
        langs = [lang] * len(texts)
    problems = [
        Problem("<data>", "text is missing" if _isna(t) else
                f"text is {type(t).__name__}, not a string", line=None,
                field=f"{text_col} of row {rows[i]} (id {ids.iloc[i]!r})")
        for i, t in enumerate(texts) if not isinstance(t, str)
    ]
    if problems:
        raise InputError(problems, summary=f"{len(problems)} document(s) have no usable text")
    return _Docs(ids, texts, langs)


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def coding_frame(result: Coding, ids: pd.Series) -> pd.DataFrame:
    """Lay a :class:`Coding` out as the documented DataFrame (id, n_tokens, 0/1, counts, rates)."""
    columns: dict[str, object] = {ids.name or "id": ids.to_numpy(), "n_tokens": result.n_tokens}
    for j, fid in enumerate(result.frame_ids):
        columns[fid] = (result.counts[:, j] > 0).astype(np.int64)
    for j, fid in enumerate(result.frame_ids):
        columns[f"{fid}_count"] = result.counts[:, j]
    rates = np.round(result.rates, 4)
    for j, fid in enumerate(result.frame_ids):
        columns[f"{fid}_rate"] = rates[:, j]
    return pd.DataFrame(columns)
