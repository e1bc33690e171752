"""framing-analysis: media-framing analysis with transparent multilingual lexicons,
supervised classifiers and inter-coder reliability.

The whole public surface is re-exported here; see ``__all__``.
"""

from framing.classify import FrameClassifier, LexiconClassifier, load_model, save_model
from framing.codebook import Codebook, Frame, Pattern, available_codebooks, load_codebook
from framing.corpus import CorpusReport, check_corpus, iter_corpus, read_corpus
from framing.datasets import load_euvsdisinfo, load_semeval2023, semeval_labels
from framing.errors import CodebookError, FramingError, InputError, Problem
from framing.evaluate import compare_coders, cross_validate_frames, frame_scores
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
from framing.scale import RunSummary, code_file, map_file, predict_file

__version__ = "0.1.0"

__all__ = [
    "Codebook",
    "CodebookError",
    "Coding",
    "CorpusReport",
    "Frame",
    "FrameClassifier",
    "FramingError",
    "InputError",
    "LexiconClassifier",
    "LexiconCoder",
    "Pattern",
    "Problem",
    "RunSummary",
    "__version__",
    "add_machine_coder",
    "adjudicate",
    "alpha",
    "alpha_from_annotations",
    "available_codebooks",
    "bootstrap_alpha",
    "check_corpus",
    "code",
    "code_file",
    "cohen_kappa",
    "compare_coders",
    "cross_validate_frames",
    "evidence",
    "fleiss_kappa",
    "frame_scores",
    "iter_corpus",
    "kwic",
    "load_codebook",
    "load_euvsdisinfo",
    "load_model",
    "map_file",
    "load_semeval2023",
    "plot_alphas",
    "predict_file",
    "read_annotations",
    "read_corpus",
    "reliability_report",
    "save_model",
    "semeval_labels",
]
