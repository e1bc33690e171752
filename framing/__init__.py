"""framing-analysis: media-framing analysis with transparent multilingual lexicons,
supervised classifiers and inter-coder reliability."""

__version__ = "0.1.0"

__all__ = ["__version__"]
