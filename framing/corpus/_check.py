"""``framing corpus check``: a streaming report on a corpus."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from framing.corpus._dedup import MinHasher, near_duplicate_clusters
from framing.corpus._lang import DETECT_LANGUAGES
from framing.corpus._read import NEAR_DUP_THRESHOLD, CorpusReport, _open, _stream

__all__ = ["CorpusCheck", "check_corpus"]

_TOP = 20


@dataclass(frozen=True)
class CorpusCheck:
    """Counts and problems of a corpus, as ``framing corpus check`` prints them.

    Counts leave records with empty text out (they are ``report.n_empty``); shares are of
    the non-empty records.

    Attributes
    ----------
    report : CorpusReport
        Encodings, fixes and every problem found.
    by_lang, by_outlet, by_month : DataFrame
        Columns ``value, n, share``, most frequent first (months in time order); a missing
        value is ``(none)``. Outlets come from ``outlet``, else from the list column
        ``outlets`` (EUvsDisinfo: a case counts once per outlet, so shares can add up to
        more than 1).
    n_exact_duplicates : int
        Records whose normalised text repeats an earlier record's.
    n_near_clusters : int
        Near-duplicate clusters with more than one record (None when not computed).
    n_in_near_clusters : int
        Records in those clusters (None when not computed).
    """

    report: CorpusReport
    by_lang: pd.DataFrame
    by_outlet: pd.DataFrame
    by_month: pd.DataFrame
    n_exact_duplicates: int
    n_near_clusters: int | None
    n_in_near_clusters: int | None

    def render(self, top: int = _TOP) -> str:
        """The report as text (at most ``top`` languages and outlets; every month)."""
        report = self.report
        kept = report.n_records - report.n_empty
        lines = [report.summary().split("\n")[0]]
        lines += [f"  {line.strip()}" for line in report.summary().split("\n")[1:]
                  if not line.strip().startswith("problem:")]
        lines.append(f"  exact duplicates: {self.n_exact_duplicates} of {kept} non-empty texts")
        if self.n_near_clusters is not None:
            lines.append(f"  near-duplicate clusters: {self.n_near_clusters} "
                         f"({self.n_in_near_clusters} texts)")
        for title, table in (("language", self.by_lang), ("outlet", self.by_outlet),
                             ("month", self.by_month)):
            lines.append(f"by {title} (of {kept} non-empty texts):")
            if table.empty:
                lines.append("  (no values)")
            shown = table if title == "month" else table.head(top)
            for value, n, share in shown.itertuples(index=False):
                lines.append(f"  {value:<30} {n:>9} {share:>7.1%}")
            if len(table) > len(shown):
                lines.append(f"  ... {len(table) - len(shown)} more")
        lines.append(f"problems: {len(report.problems)}")
        lines += [f"  {problem}" for problem in report.problems]
        return "\n".join(lines)


def _table(counts: Counter, total: int, by_value: bool = False) -> pd.DataFrame:
    items = sorted(counts.items(), key=(lambda kv: kv[0]) if by_value else
                   (lambda kv: (-kv[1], kv[0])))
    frame = pd.DataFrame(items, columns=["value", "n"]).astype({"value": "str", "n": "int64"})
    frame["share"] = (frame["n"] / total).round(4) if total else 0.0
    return frame


def check_corpus(
    path: str | os.PathLike,
    format: str | None = None,
    *,
    chunksize: int = 2_000,
    encoding: str | None = None,
    delimiter: str | None = None,
    languages: Sequence[str] | None = DETECT_LANGUAGES,
    near_duplicates: float | None = NEAR_DUP_THRESHOLD,
    progress: Callable[[int], None] | None = None,
    **column_mapping: str,
) -> CorpusCheck:
    """Stream a corpus in lenient mode and count what is in it.

    Memory stays bounded by ``chunksize`` plus, per record, its id, an 8-byte text hash
    and (for near duplicates) a 256-byte MinHash signature. ``progress`` is called with the
    number of records of each chunk read. Other arguments: see
    :func:`~framing.corpus.read_corpus`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_text("id,text,lang,date\\na,one,en,2020-03-22\\nb,,en,2020-04-01\\n"
    ...                     "c,One!,en,2020-03-30\\n")
    >>> check = check_corpus(path)
    >>> check.by_month
         value  n  share
    0  2020-03  2    1.0
    >>> check.n_exact_duplicates
    1
    """
    by_lang: Counter = Counter()
    by_outlet: Counter = Counter()
    by_month: Counter = Counter()
    n_dup = 0
    hasher = MinHasher()
    signatures: list[np.ndarray] = []
    path, _, state = _open(path, format, False, languages, column_mapping)
    for chunk in _stream(path, state, chunksize=chunksize, rejects=None, force=False,
                         encoding=encoding, delimiter=delimiter, log=False):
        if progress is not None:
            progress(len(chunk))
        kept = chunk[~chunk["empty_text"]]
        if "lang" in kept:
            by_lang.update(kept["lang"].fillna("(none)"))
        if "outlet" in kept:
            by_outlet.update(kept["outlet"].fillna("(none)"))
        elif "outlets" in kept:  # EUvsDisinfo: a list of outlets per case
            by_outlet.update(name for names in kept["outlets"] for name in (names or ["(none)"]))
        if "date" in kept:
            by_month.update(kept["date"].dt.strftime("%Y-%m").fillna("(none)"))
        n_dup += int((kept["dup_cluster"] != kept["id"]).sum())
        if near_duplicates is not None:
            signatures.append(hasher.signatures(kept["text"].tolist()))
    report = state.report()
    total = report.n_records - report.n_empty
    n_near = n_in_near = None
    if near_duplicates is not None:
        stacked = np.concatenate(signatures) if signatures else np.zeros((0, hasher.num_perm))
        clusters = near_duplicate_clusters(stacked, near_duplicates, hasher.bands)
        sizes = np.bincount(clusters, minlength=len(clusters)) if len(clusters) else clusters
        n_near = int((sizes > 1).sum())
        n_in_near = int(sizes[sizes > 1].sum())
    return CorpusCheck(
        report, _table(by_lang, total), _table(by_outlet, total),
        _table(by_month, total, by_value=True), n_dup, n_near, n_in_near,
    )
