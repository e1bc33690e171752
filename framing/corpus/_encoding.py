"""Detecting the text encoding of an input file or byte string."""

from __future__ import annotations

import codecs
import os
import re

__all__ = ["LEGACY_ENCODINGS", "detect_encoding", "decode"]

#: Single-byte encodings considered when a file is not valid UTF-8, in order of preference
#: when two decode a sample equally plausibly.
LEGACY_ENCODINGS = ("cp1252", "cp1250", "cp1251", "koi8_r")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BLOCK = 1 << 24
_SAMPLE = 1 << 18
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_WORD = re.compile(r"\w+")
_PUNCT = frozenset("€‚„…†‡‰‹›‘’“”•–—™«»°±§©®·¦¬¢£¤¥\xa0")
#: Non-ASCII letters of the languages the package reads in Latin script (it, fr, de, pl,
#: sr/hr/bs, es, pt): a decoding that yields other letters (``ð``, ``å``, ``ŕ``) is unlikely.
_LATIN = "àâáãäçèéêëìíîïñòóôõöùúûüÿæœßąćęłńśźżčđšž"
_LETTERS = frozenset(_LATIN + _LATIN.upper())


def _non_ascii_lines(data: bytes, limit: int) -> bytes:
    """Up to ``limit`` bytes of the lines of ``data`` that hold non-ASCII bytes."""
    if data.isascii():
        return b""
    out = bytearray()
    pos = 0
    while len(out) < limit:
        match = _NON_ASCII.search(data, pos)
        if match is None:
            break
        start = data.rfind(b"\n", 0, match.start()) + 1
        end = data.find(b"\n", match.end())
        end = len(data) if end < 0 else end
        out += data[start:end] + b"\n"
        pos = end + 1
    return bytes(out[:limit])


def _bom_or_nul(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    # text files hold no NUL bytes, except UTF-16 without a BOM: the high bytes of spaces,
    # digits and punctuation (and of all Latin letters) are NUL
    probe = head[:4096]
    even, odd = probe[0::2].count(0), probe[1::2].count(0)
    if len(probe) >= 4 and even + odd >= max(2, len(probe) // 50):
        return "utf-16-le" if odd > even else "utf-16-be"
    return None


def _implausibility(text: str) -> int:
    """How many signs of a wrong single-byte decoding ``text`` shows.

    Counts decoded non-ASCII characters that are neither common punctuation, Cyrillic
    letters nor letters of the Latin-script languages in :data:`_LETTERS` (``W³och`` for
    Polish ``Włoch`` read as cp1252, ``Ïðèâåò`` for cp1251 ``Привет`` read as cp1252), and
    words whose case flips from lower to upper inside the word (``рТЙЧЕФ`` for KOI8-R
    ``Привет`` read as cp1251).
    """
    odd = sum(
        1 for ch in text
        if ord(ch) > 127 and ch not in _PUNCT and ch not in _LETTERS
        and not ("\u0400" <= ch <= "\u04ff" and ch.isalpha())
    )
    for word in _WORD.findall(text):
        if not word.isascii():
            lower = [ch.islower() for ch in word if ch.isalpha()]
            if any(a and not b for a, b in zip(lower, lower[1:], strict=False)):
                odd += 1
    return odd


def _best_legacy(sample: bytes) -> str:
    scores = []
    for rank, name in enumerate(LEGACY_ENCODINGS):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        scores.append((_implausibility(text), rank, name))
    if not scores:  # every byte value is defined in koi8_r, so this cannot happen
        raise AssertionError("no single-byte encoding decoded the sample")
    return min(scores)[2]


def detect_encoding(path: str | os.PathLike) -> str:
    """The encoding of the file at ``path``, read in blocks (memory stays bounded).

    A byte-order mark decides (``utf-8-sig``, ``utf-16``, ``utf-32``); so does a pattern of
    NUL bytes (BOM-less UTF-16). Otherwise the whole file is checked as UTF-8; if it is not,
    up to 256 KiB of its lines with non-ASCII bytes are decoded with each of
    :data:`LEGACY_ENCODINGS` and the most plausible one wins (ties go to the earlier one in
    that tuple). Very short samples can be ambiguous (three capital Cyrillic letters read the
    same in KOI8-R and cp1251): pass ``encoding=`` to the readers to decide.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ru.txt"
    >>> _ = path.write_bytes("Из России с любовью".encode("koi8_r"))
    >>> detect_encoding(path)
    'koi8_r'
    """
    with open(path, "rb") as fh:
        head = fh.read(_BLOCK)
        found = _bom_or_nul(head)
        if found:
            return found
        decoder = codecs.getincrementaldecoder("utf-8")()
        sample = bytearray()
        utf8 = True
        block = head
        while block:
            if len(sample) < _SAMPLE:
                sample += _non_ascii_lines(block, _SAMPLE - len(sample))
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8 and len(sample) >= _SAMPLE:
                break
            block = fh.read(_BLOCK)
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    return "utf-8" if utf8 else _best_legacy(bytes(sample[:_SAMPLE]))


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` with its detected encoding; return ``(text, encoding)``.

    Examples
    --------
    >>> decode("Caffè".encode("cp1252"))
    ('Caffè', 'cp1252')
    >>> decode(b"\\xef\\xbb\\xbfplain")
    ('plain', 'utf-8-sig')
    """
    found = _bom_or_nul(data)
    if found is None:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            found = _best_legacy(_non_ascii_lines(data, _SAMPLE))
    return data.decode(found), found
