"""Corpus input: read, validate, normalise, deduplicate and language-tag news articles.

The public names are re-exported here; the work is done in the private modules beside it.
"""

from framing.corpus._check import CorpusCheck, check_corpus
from framing.corpus._dedup import text_hash
from framing.corpus._encoding import detect_encoding
from framing.corpus._html import HtmlText, html_to_text
from framing.corpus._lang import DETECT_LANGUAGES, detect_language
from framing.corpus._read import (
    DERIVED,
    FIELDS,
    NEAR_DUP_THRESHOLD,
    CorpusReport,
    iter_corpus,
    near_duplicate_ids,
    read_corpus,
)

__all__ = [
    "read_corpus", "iter_corpus", "check_corpus", "CorpusReport", "CorpusCheck",
    "FIELDS", "DERIVED", "NEAR_DUP_THRESHOLD", "DETECT_LANGUAGES", "detect_language",
    "detect_encoding", "html_to_text", "HtmlText", "near_duplicate_ids", "text_hash",
]
