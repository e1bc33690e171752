"""Exact and near-duplicate texts: normalised hashes and MinHash with banded LSH."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

__all__ = ["normalise_for_hash", "text_hash", "MinHasher", "near_duplicate_clusters"]

_WORDS = re.compile(r"\w+")
_FNV_PRIME = np.uint64(1099511628211)
_SHIFT = np.uint64(32)


def normalise_for_hash(text: str) -> str:
    """The form of ``text`` that exact duplicates share: NFKC, case-folded, words only.

    Examples
    --------
    >>> normalise_for_hash("From Russia  with LOVE!\\n")
    'from russia with love'
    """
    return " ".join(_WORDS.findall(unicodedata.normalize("NFKC", text).casefold()))


def text_hash(text: str) -> str:
    """A 16-hex-digit hash of :func:`normalise_for_hash` of ``text``.

    Examples
    --------
    >>> text_hash("From Russia with love.") == text_hash("from russia WITH love")
    True
    """
    return hashlib.blake2b(normalise_for_hash(text).encode(), digest_size=8).hexdigest()


class MinHasher:
    """MinHash signatures of character shingles, seeded and reproducible.

    A text is normalised (:func:`normalise_for_hash`), cut into overlapping ``shingle``-byte
    windows of its UTF-8 form, and each window is hashed by ``num_perm`` multiply-shift hash
    functions; a signature keeps each function's minimum.

    Parameters
    ----------
    num_perm : int
        Signature length (hash functions); a multiple of ``bands``.
    bands : int
        LSH bands; pairs whose signatures agree on a whole band become candidates.
    shingle : int
        Shingle width in bytes of the normalised text.
    seed : int
        Seed of the hash functions.
    """

    def __init__(self, num_perm: int = 64, bands: int = 16, shingle: int = 5, seed: int = 0):
        if num_perm % bands:
            raise ValueError(f"num_perm={num_perm} is not a multiple of bands={bands}")
        self.num_perm, self.bands, self.shingle = num_perm, bands, shingle
        rng = np.random.default_rng(seed)
        self._a = rng.integers(0, 1 << 63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 1 << 63, size=num_perm, dtype=np.uint64)

    def signature(self, text: str) -> np.ndarray:
        """The ``uint32`` signature of one text (all ``2**32 - 1`` for an empty one)."""
        norm = np.frombuffer(normalise_for_hash(text).encode(), dtype=np.uint8)
        if len(norm) == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        width = min(self.shingle, len(norm))
        count = len(norm) - width + 1
        grams = np.zeros(count, dtype=np.uint64)
        for offset in range(width):
            grams *= _FNV_PRIME
            grams ^= norm[offset : offset + count]
        hashed = np.multiply.outer(grams, self._a)
        hashed += self._b
        hashed >>= _SHIFT
        return hashed.min(axis=0).astype(np.uint32)

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """Signatures of ``texts`` as an ``(n, num_perm)`` ``uint32`` array."""
        out = np.empty((len(texts), self.num_perm), dtype=np.uint32)
        for row, text in enumerate(texts):
            out[row] = self.signature(text)
        return out


def _find(parent: np.ndarray, i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def near_duplicate_clusters(
    signatures: np.ndarray, threshold: float = 0.8, bands: int = 16,
    skip: np.ndarray | None = None,
) -> np.ndarray:
    """Cluster rows whose MinHash signatures estimate a Jaccard similarity >= ``threshold``.

    Candidate pairs come from banded LSH (rows agreeing on all values of one band); a pair
    joins a cluster when the share of equal signature values is at least ``threshold``.
    Clusters are closed transitively (single linkage).

    Parameters
    ----------
    signatures : ndarray of shape (n, num_perm)
        From :meth:`MinHasher.signatures`.
    threshold : float
        Estimated Jaccard similarity of character shingles needed to link two texts.
    bands : int
        Must match the banding the signatures were made for.
    skip : ndarray of bool, shape (n,), optional
        Rows never linked (empty texts).

    Returns
    -------
    ndarray of int, shape (n,)
        For each row, the position of the first row of its cluster (itself if alone).

    Examples
    --------
    >>> hasher = MinHasher()
    >>> sig = hasher.signatures([
    ...     "Russia sends military doctors and ventilators to Italy, TASS reports.",
    ...     "Russia sends military doctors and ventilators to Italy, Reuters reports.",
    ...     "China ships masks to Serbia.",
    ... ])
    >>> near_duplicate_clusters(sig, threshold=0.7).tolist()
    [0, 0, 2]
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    n, num_perm = signatures.shape
    rows = num_perm // bands
    parent = np.arange(n)
    active = np.ones(n, dtype=bool) if skip is None else ~np.asarray(skip, dtype=bool)
    index = np.flatnonzero(active)
    for band in range(bands):
        block = np.ascontiguousarray(signatures[index, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
            members = np.sort(index[order[start : start + size]])
            head = members[0]
            agree = (signatures[members[1:]] == signatures[head]).mean(axis=1)
            for other, score in zip(members[1:], agree, strict=True):
                if score >= threshold:
                    a, b = _find(parent, head), _find(parent, other)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
            # members not similar enough to the head may still be similar to each other
            rest = members[1:][agree < threshold]
            for i, first in enumerate(rest):
                close = (signatures[rest[i + 1 :]] == signatures[first]).mean(axis=1)
                for other in rest[i + 1 :][close >= threshold]:
                    a, b = _find(parent, first), _find(parent, other)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    return np.array([_find(parent, i) for i in range(n)], dtype=np.int64)
