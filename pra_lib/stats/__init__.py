"""The statistics core: agreement, tests, intervals, composite indicators and weights.

Pure functions on arrays and tidy frames, checked against published reference values
(see ``docs/methods.md``). Nothing here knows about PRA chapters or reports: the
statistics core imports no chapter and no publishing module (``tests/test_architecture.py``
checks it).

Families
--------
``agreement``
    Reliability and agreement: :func:`cronbach_alpha`, :func:`krippendorff_alpha`,
    :func:`fleiss_kappa`, :func:`kendall_w`, :func:`likert_consensus` (Tastle & Wierman)
    and their result records.
``inference``
    Rank-based tests and post-hoc comparisons: :func:`kruskal_wallis`,
    :func:`mann_whitney`, :func:`p_adjust`, :func:`adjust_family` (one adjustment
    across every table of tests a report shows), :func:`dunn`.
``intervals``
    Confidence intervals: :func:`rating_ci` (the intervals reports print: t with a
    variance floor for means, Clopper-Pearson for shares), :func:`proportion_ci`
    (Clopper-Pearson, Wilson) and the multinomial bootstrap :func:`bootstrap_ci`.
``ratings``
    Fast-path array helpers for ratings (factorising, grouping codes, first-appearance
    order, cell counts) that the chapters build their tables on.
``ordinal``
    Helpers for ordinal scores (for example weighted medians and quartiles).
``composite``
    Normalisation and aggregation for composite indicators.
``weights``
    Survey weights: raking, post-stratification, margins, the Kish design effect.
``ranking``
    Rank helpers, where a chapter needs generic ones.
``_base``
    Shared ground, private: the result base class, warnings, argument checks, tie
    terms, ranks and sorted value codes.

The functions of ``agreement``, ``inference`` and ``intervals`` are re-exported here
(``from pra_lib.stats import kruskal_wallis``); the other families are imported as
modules (``from pra_lib.stats import weights``).

Conventions
-----------
* Data first, options keyword-only; every function is pure (inputs are never
  modified).
* Malformed arguments (unknown option, missing column, wrong shape) raise
  :class:`ValueError`.
* Degenerate but well-formed inputs (a single rater, identical ratings, an empty
  group, all values missing) never crash: the affected quantity is ``NaN`` and a
  :class:`RuntimeWarning` names the problem.
* The formulas, references and the choices made where published tools disagree
  are documented in ``docs/methods.md`` (section "Statistics").
"""

from .agreement import CronbachAlphaResult, KendallWResult, cronbach_alpha, fleiss_kappa, kendall_w, krippendorff_alpha, likert_consensus
from .inference import KruskalWallisResult, MannWhitneyResult, adjust_family, dunn, kruskal_wallis, mann_whitney, p_adjust
from .intervals import bootstrap_ci, proportion_ci, rating_ci

# One set of run-level statistical parameters: every notebook declares these defaults, so
# the same estimate agrees between reports (tests/test_run_parameters.py checks it).
RUN_PARAMETERS = {"seed": 2017, "n_resamples": 2000, "n_runs": 1000}

__all__ = [
    "RUN_PARAMETERS",
    "CronbachAlphaResult",
    "KendallWResult",
    "KruskalWallisResult",
    "MannWhitneyResult",
    "adjust_family",
    "bootstrap_ci",
    "cronbach_alpha",
    "dunn",
    "fleiss_kappa",
    "kendall_w",
    "krippendorff_alpha",
    "likert_consensus",
    "kruskal_wallis",
    "mann_whitney",
    "p_adjust",
    "proportion_ci",
    "rating_ci",
]
