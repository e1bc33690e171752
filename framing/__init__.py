"""framing-analysis: media-framing analysis with transparent multilingual lexicons,
supervised classifiers and inter-coder reliability.

The whole public surface is re-exported here; see ``__all__``. Names are imported on first
use, so that ``import framing`` (and every worker process of :mod:`framing.scale`) does not
pay for scikit-learn or SciPy until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from framing.codebook import Codebook, Frame, Pattern, available_codebooks, load_codebook
from framing.errors import CodebookError, FramingError, InputError, Problem

if TYPE_CHECKING:
    from framing.classify import FrameClassifier, LexiconClassifier, load_model, save_model
    from framing.corpus import CorpusReport, check_corpus, iter_corpus, read_corpus
    from framing.datasets import load_euvsdisinfo, load_semeval2023, semeval_labels
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

# Where each name imported on first use lives.
_LAZY = {
    "add_machine_coder": "framing.reliability",
    "adjudicate": "framing.reliability",
    "alpha": "framing.reliability",
    "alpha_from_annotations": "framing.reliability",
    "bootstrap_alpha": "framing.reliability",
    "check_corpus": "framing.corpus",
    "code": "framing.lexicon",
    "code_file": "framing.scale",
    "Coding": "framing.lexicon",
    "cohen_kappa": "framing.reliability",
    "compare_coders": "framing.evaluate",
    "CorpusReport": "framing.corpus",
    "cross_validate_frames": "framing.evaluate",
    "evidence": "framing.lexicon",
    "fleiss_kappa": "framing.reliability",
    "frame_scores": "framing.evaluate",
    "FrameClassifier": "framing.classify",
    "iter_corpus": "framing.corpus",
    "kwic": "framing.lexicon",
    "LexiconClassifier": "framing.classify",
    "LexiconCoder": "framing.lexicon",
    "load_euvsdisinfo": "framing.datasets",
    "load_model": "framing.classify",
    "load_semeval2023": "framing.datasets",
    "map_file": "framing.scale",
    "plot_alphas": "framing.reliability",
    "predict_file": "framing.scale",
    "read_annotations": "framing.reliability",
    "read_corpus": "framing.corpus",
    "reliability_report": "framing.reliability",
    "RunSummary": "framing.scale",
    "save_model": "framing.classify",
    "semeval_labels": "framing.datasets",
}
_SUBMODULES = frozenset({
    "analysis", "casestudies", "classify", "corpus", "datasets", "evaluate", "explain",
    "lexicon", "plots", "reliability", "report", "scale",
})


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"framing.{name}")
    else:
        raise AttributeError(f"module 'framing' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
