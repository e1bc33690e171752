"""The lexicon coder as a scikit-learn transformer, and the DataFrame API: ``code``,
``evidence`` and ``kwic``.

The matching itself (normalisation, the Aho-Corasick automata, leftmost-longest selection,
exclusions and negation) is done by :class:`framing._matcher.Matcher`; the rules are
documented in ``docs/codebook-format.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from framing._matcher import (
    Coding,
    Matcher,
    UnknownLang,
    coding_frame,
    normalize_text,
    prepare_documents,
)
from framing.codebook import Codebook, load_codebook
from framing.errors import FramingError

__all__ = ["Coding", "LexiconCoder", "code", "evidence", "kwic", "normalize_text"]


class LexiconCoder(TransformerMixin, BaseEstimator):
    """Code documents for frames with a codebook's lexicons; compile once, code many.

    Parameters
    ----------
    codebook : str, path or Codebook, default "softpower-aid"
        A packaged codebook name, a YAML file, or a loaded :class:`~framing.Codebook`.
    lang : str or None
        The language of the documents passed to :meth:`transform`. ``None`` uses every
        language of the codebook at once (right for a single-language codebook, or for mixed
        input without a language column). :meth:`code` also takes a language per document.
    unknown_lang : {"error", "all"}
        What to do with a document whose language the codebook lacks: raise, or code it with
        every language's lexicon at once.

    Examples
    --------
    >>> coder = LexiconCoder("softpower-aid", lang="en")
    >>> X = coder.fit_transform(["From Russia with love: Il-76 planes landed at the airbase."])
    >>> dict(zip(coder.get_feature_names_out(), X.toarray()[0].tolist()))["goodwill_branding"]
    1
    """

    def __init__(
        self,
        codebook: str | Codebook = "softpower-aid",
        lang: str | None = None,
        unknown_lang: UnknownLang = "error",
    ):
        self.codebook = codebook
        self.lang = lang
        self.unknown_lang = unknown_lang

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    # -- building --------------------------------------------------------------------------
    def fit(self, X=None, y=None):
        """Load the codebook and compile its automata (no learning); return ``self``.

        The language ``lang`` is compiled, or every language of the codebook when ``lang``
        is None. After fitting, ``codebook_`` is the loaded codebook, ``frame_ids_`` its
        frame ids and ``matcher_`` the compiled :class:`~framing._matcher.Matcher`.
        """
        self._build()
        self.matcher_.compile([self.lang] if self.lang is not None else None)
        return self

    def _build(self) -> None:
        if self.unknown_lang not in ("error", "all"):
            raise ValueError(f"unknown_lang must be 'error' or 'all', not {self.unknown_lang!r}")
        cb = load_codebook(self.codebook)
        if self.lang is not None and self.lang not in cb.languages:
            raise FramingError(
                f"codebook {cb.name!r} has no lexicon for language {self.lang!r} "
                f"(it has {list(cb.languages)})"
            )
        self.codebook_ = cb
        self.frame_ids_ = cb.frame_ids
        self.matcher_ = Matcher(cb, self.unknown_lang)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The frame ids, one per output column."""
        if not hasattr(self, "codebook_"):
            self._build()
        return np.asarray(self.frame_ids_, dtype=object)

    # -- applying --------------------------------------------------------------------------
    def code(
        self,
        texts: Iterable[str],
        langs: Sequence[str | None] | None = None,
        spans: bool = False,
    ) -> Coding:
        """Code ``texts``; ``langs`` gives each document's language (default: ``self.lang``).

        Returns
        -------
        Coding
            Counts per document and frame, token counts and, with ``spans=True``, evidence.
        """
        texts = list(texts)
        if not hasattr(self, "codebook_"):
            self._build()
        if langs is None:
            langs = [self.lang] * len(texts)
        return self.matcher_.code(texts, langs, spans=spans)

    def transform(self, X) -> sp.csr_matrix:
        """Per-frame match counts, a sparse matrix of shape (n_documents, n_frames)."""
        if isinstance(X, str):
            raise ValueError("transform takes a sequence of texts, not one string; wrap it in []")
        return sp.csr_matrix(self.code(X).counts)


def _coder_for(codebook, lang_values: Sequence[str | None], unknown_lang: UnknownLang):
    coder = LexiconCoder(codebook, unknown_lang=unknown_lang).fit()
    if any(lg is None for lg in lang_values) and len(coder.codebook_.languages) > 1:
        raise FramingError(
            "no language given for some documents: pass lang=, or a language column "
            f"(lang_col=); codebook {coder.codebook_.name!r} has lexicons for "
            f"{list(coder.codebook_.languages)}"
        )
    return coder


def code(
    data,
    codebook: str | Codebook = "softpower-aid",
    lang: str | None = None,
    text_col: str = "text",
    lang_col: str = "lang",
    id_col: str = "id",
    unknown_lang: UnknownLang = "error",
) -> pd.DataFrame:
    """Code documents for frames: one row per document.

    Parameters
    ----------
    data : DataFrame, sequence of str, or str
        Documents. A DataFrame needs ``text_col``; its ``id_col`` (else the row number) and
        ``lang_col`` are used when present.
    codebook : str, path or Codebook
        The codebook (default: the packaged ``softpower-aid``).
    lang : str, optional
        The language of every document; overrides ``lang_col``.
    unknown_lang : {"error", "all"}
        A document in a language the codebook lacks is an error, or coded with every lexicon.

    Returns
    -------
    DataFrame
        The id column, ``n_tokens``, then for each frame id a 0/1 column named by the id,
        ``<id>_count`` and ``<id>_rate`` (matches per 1,000 tokens, rounded to 4 decimals; NaN
        for an empty text).

    Examples
    --------
    >>> df = code(["Russia sent medical brigades and test kits.", "Rain in Rome."], lang="en")
    >>> df[["id", "humanitarian_aid", "humanitarian_aid_count"]].to_dict("records")
    [{'id': 0, 'humanitarian_aid': 1, 'humanitarian_aid_count': 2}, {'id': 1, 'humanitarian_aid': 0, 'humanitarian_aid_count': 0}]
    """  # noqa: E501
    docs = prepare_documents(data, text_col=text_col, lang_col=lang_col, id_col=id_col, lang=lang)
    coder = _coder_for(codebook, docs.langs, unknown_lang)
    result = coder.code(docs.texts, docs.langs)
    return coding_frame(result, docs.ids)


def evidence(
    data,
    codebook: str | Codebook = "softpower-aid",
    lang: str | None = None,
    text_col: str = "text",
    lang_col: str = "lang",
    id_col: str = "id",
    unknown_lang: UnknownLang = "error",
    include_negated: bool = True,
) -> pd.DataFrame:
    """Every match as evidence: one row per match, ``text[start:end] == match``.

    Returns
    -------
    DataFrame
        Columns: the id column, ``frame``, ``pattern``, ``start``, ``end``, ``match``,
        ``negated`` (a negated match is not counted by :func:`code`).

    Examples
    --------
    >>> ev = evidence(["This was not a gift of love."], lang="en")
    >>> ev.loc[ev.frame == "goodwill_branding", ["match", "negated"]].to_dict("records")
    [{'match': 'gift', 'negated': True}]
    """
    docs = prepare_documents(data, text_col=text_col, lang_col=lang_col, id_col=id_col, lang=lang)
    coder = _coder_for(codebook, docs.langs, unknown_lang)
    spans = coder.code(docs.texts, docs.langs, spans=True).spans
    if not include_negated:
        spans = spans[~spans["negated"]]
    id_name = docs.ids.name or "id"
    out = spans.drop(columns="doc")
    out.insert(0, id_name, docs.ids.to_numpy()[spans["doc"].to_numpy()])
    return out.reset_index(drop=True)


def kwic(
    data,
    frame: str | None = None,
    codebook: str | Codebook = "softpower-aid",
    lang: str | None = None,
    width: int = 40,
    text_col: str = "text",
    lang_col: str = "lang",
    id_col: str = "id",
    unknown_lang: UnknownLang = "error",
) -> pd.DataFrame:
    """Keyword in context: each match with ``width`` characters of text on either side.

    Examples
    --------
    >>> k = kwic(["Planes of the defence ministry landed."], frame="military_security",
    ...          lang="en", width=10)
    >>> k[["left", "match", "right"]].to_dict("records")
    [{'left': 'es of the ', 'match': 'defence ministry', 'right': ' landed.'}]
    """
    if width < 0:
        raise ValueError("width must be >= 0")
    docs = prepare_documents(data, text_col=text_col, lang_col=lang_col, id_col=id_col, lang=lang)
    coder = _coder_for(codebook, docs.langs, unknown_lang)
    if frame is not None and frame not in coder.frame_ids_:
        raise FramingError(f"unknown frame {frame!r}; the codebook has {list(coder.frame_ids_)}")
    spans = coder.code(docs.texts, docs.langs, spans=True).spans
    if frame is not None:
        spans = spans[spans["frame"] == frame]
    rows = []
    for r in spans.itertuples(index=False):
        text = docs.texts[r.doc]
        left = text[max(0, r.start - width): r.start]
        rows.append({
            docs.ids.name or "id": docs.ids.iloc[r.doc], "frame": r.frame, "pattern": r.pattern,
            "left": _flat(left), "match": _flat(r.match),
            "right": _flat(text[r.end: r.end + width]), "negated": r.negated,
        })
    columns = [docs.ids.name or "id", "frame", "pattern", "left", "match", "right", "negated"]
    return pd.DataFrame(rows, columns=columns).astype({"negated": bool})


def _flat(s: str) -> str:
    return re.sub(r"\s", " ", s)
