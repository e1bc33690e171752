"""framing-analysis: media-framing analysis with transparent multilingual lexicons,
supervised classifiers and inter-coder reliability.

The whole public surface is re-exported here; see ``__all__``.
"""

from framing.codebook import Codebook, Frame, Pattern, available_codebooks, load_codebook
from framing.corpus import CorpusReport, check_corpus, iter_corpus, read_corpus
from framing.datasets import load_euvsdisinfo, load_semeval2023, semeval_labels
from framing.errors import CodebookError, FramingError, InputError, Problem
from framing.lexicon import Coding, LexiconCoder, code, evidence, kwic
from framing.reliability import (
    add_machine_coder,
    adjudicate,
    alpha,
    alpha_from_annotations,
    bootstrap_alpha,
    cohen_kappa,
    fleiss_kappa,
    plot_alphas,
    read_annotations,
    reliability_report,
)

__version__ = "0.1.0"

__all__ = [
    "Codebook",
    "CodebookError",
    "Coding",
    "CorpusReport",
    "Frame",
    "FramingError",
    "InputError",
    "LexiconCoder",
    "Pattern",
    "Problem",
    "__version__",
    "add_machine_coder",
    "adjudicate",
    "alpha",
    "alpha_from_annotations",
    "available_codebooks",
    "bootstrap_alpha",
    "check_corpus",
    "code",
    "cohen_kappa",
    "evidence",
    "fleiss_kappa",
    "iter_corpus",
    "kwic",
    "load_codebook",
    "load_euvsdisinfo",
    "load_semeval2023",
    "plot_alphas",
    "read_annotations",
    "read_corpus",
    "reliability_report",
    "semeval_labels",
]
