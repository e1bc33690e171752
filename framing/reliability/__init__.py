"""Inter-coder reliability of the hand coding, and of the machine coder against gold.

Measures on reliability data (a coders x units array, NaN missing):
:func:`alpha` (Krippendorff's alpha: nominal, ordinal, interval, ratio, MASI/Jaccard for
set-valued codes, or any distance), :func:`bootstrap_alpha` (seeded confidence interval and
``P(alpha < threshold)``), :func:`coincidences`, :func:`percent_agreement`,
:func:`prevalence`, :func:`cohen_kappa`, :func:`fleiss_kappa`.

On the long annotation table (``unit_id, coder, variable, value``): :func:`read_annotations`,
:func:`to_reliability_data`, :func:`alpha_from_annotations`, :func:`reliability_report` (one
row per variable with a verdict), :func:`disagreements` and :func:`adjudicate` (the gold
table), :func:`add_machine_coder` (the lexicon or a classifier as one more coder) and
:func:`plot_alphas`.

Undefined coefficients (no pairable values, e.g. one coder; a single pairable unit; no
variation) are NaN with a :class:`ReliabilityWarning`, everywhere. See docs/reliability.md.
"""

from framing.reliability._annotations import (
    add_machine_coder,
    adjudicate,
    alpha_from_annotations,
    disagreements,
    read_annotations,
    to_reliability_data,
)
from framing.reliability._bootstrap import AlphaInterval, bootstrap_alpha
from framing.reliability._measures import (
    LEVELS,
    Coincidences,
    ReliabilityWarning,
    alpha,
    cohen_kappa,
    coincidences,
    fleiss_kappa,
    jaccard_distance,
    masi_distance,
    percent_agreement,
    prevalence,
)
from framing.reliability._report import plot_alphas, reliability_report, verdict

__all__ = [
    "LEVELS",
    "AlphaInterval",
    "Coincidences",
    "ReliabilityWarning",
    "add_machine_coder",
    "adjudicate",
    "alpha",
    "alpha_from_annotations",
    "bootstrap_alpha",
    "coincidences",
    "cohen_kappa",
    "disagreements",
    "fleiss_kappa",
    "jaccard_distance",
    "masi_distance",
    "percent_agreement",
    "plot_alphas",
    "prevalence",
    "read_annotations",
    "reliability_report",
    "to_reliability_data",
    "verdict",
]
