"""framing-analysis: media-framing analysis with transparent multilingual lexicons,
supervised classifiers and inter-coder reliability.

The whole public surface is re-exported here; see ``__all__``.
"""

from framing.codebook import Codebook, Frame, Pattern, available_codebooks, load_codebook
from framing.errors import CodebookError, FramingError, InputError, Problem
from framing.lexicon import Coding, LexiconCoder, code, evidence, kwic

__version__ = "0.1.0"

__all__ = [
    "Codebook",
    "CodebookError",
    "Coding",
    "Frame",
    "FramingError",
    "InputError",
    "LexiconCoder",
    "Pattern",
    "Problem",
    "__version__",
    "available_codebooks",
    "code",
    "evidence",
    "kwic",
    "load_codebook",
]
