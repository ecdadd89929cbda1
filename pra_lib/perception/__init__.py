"""Stakeholder perceptions of the 12 City Resilience Framework (CRF) goals.

This chapter analyses the ratings of a Preliminary Resilience Assessment (PRA): the
questionnaire, online and offline (notebook 01), and the City Perception Workshop
(notebook 03). The key-stakeholder interviews (notebook 02) have their own chapter,
:mod:`pra_lib.interviews`.

Every analysis of ratings takes the same input, the tidy frame returned by
:func:`ratings_frame` (one row per respondent, goal or indicator, and aspect), and
returns a tidy :class:`pandas.DataFrame` with stable column names.  Tables that count
people carry an ``n`` column, so that :meth:`pra_lib.publishing.report.Report.table` can suppress
cells resting on fewer than ``min_cell_size`` respondents; the figures draw suppressed
cells as *suppressed*.

Where things are
----------------
Tables (pure computation):

* ``ratings.py``: :func:`ratings_frame`, :func:`respondents`, :func:`has_groups`, :func:`has_ratings` (whether
  a section's answers are there), :func:`activity_scores` (an activity's goal scores from the assessment);
* ``scoring.py``: :func:`scores`, :func:`likert_counts`, :func:`importance_performance`;
* ``differences.py``: :func:`group_differences`, :func:`posthoc`, :func:`mode_effect`,
  :func:`report_tests` (the three, adjusted together across the report), :func:`pool_hidden_cells`
  (each goal's hidden groups pooled before the groups are compared);
* ``reliability.py``: :func:`agreement` (Krippendorff's alpha, for workshop tables);
* ``consensus.py``: :func:`consensus` (Tastle & Wierman's consensus, for questionnaire
  respondents);
* ``weighting.py``: :func:`weighted_comparison` (unweighted and weighted goal means; the
  weights themselves are in :mod:`pra_lib.stats.weights`);
* ``_common.py``: constants and private helpers shared by the tables (also by
  :mod:`pra_lib.interviews`).

Figures (``figures.py``): :func:`resilience_wheel`, :func:`likert_bars`,
:func:`importance_performance_plot`, :func:`score_heatmap`, :func:`agreement_plot`,
:func:`comparison_plot`. Findings (``findings.py``): :func:`findings_questionnaire`,
:func:`findings_workshop`, :func:`findings_weighted`. The fast-path array helpers the
tables run on are statistics core, in :mod:`pra_lib.stats.ratings`.

Methods (see also the method brief, sections 4 and 5)
-----------------------------------------------------
* "Don't know" (*tidak tahu*) is missing, never a middle value.  Its share is shown
  separately and is not in the denominator of the other shares.
* A respondent who rated several indicators of a goal counts once for that goal, with
  the mean of those ratings.  At dimension level, a respondent's goal ratings within the
  dimension are averaged first (each goal weighs the same), then summarised.
* Means carry a t interval with a variance floor (:func:`pra_lib.stats.rating_ci`), which
  covers at least 93% at five respondents and never has zero width; the bootstrap is
  available with ``method="percentile"`` or ``"bca"``.
* Group differences: Kruskal-Wallis H per goal (tie-corrected) with both effect sizes,
  epsilon-squared ``H / (n - 1)`` and eta-squared_H ``(H - k + 1) / (n - k)``; p-values
  adjusted across the goals (Holm by default, Benjamini-Hochberg on request).  Post-hoc:
  Dunn's z-tests, adjusted across every pair of every goal in the table (Holm).
* Mode effect: Mann-Whitney U (online sample first, tie- and continuity-corrected) with
  the rank-biserial correlation, p adjusted across goals.
* Agreement at workshop tables: Krippendorff's alpha with the *ordinal* (rank-based)
  metric; raters are participants, units are goals. Questionnaire respondents are not
  raters of the same units: their consensus per goal is Tastle & Wierman's measure.
* Importance-performance quadrants are claimed only when the intervals lie beyond the
  lines (otherwise "uncertain").

Large surveys
-------------
The analyses of ratings work on integer codes: categorical columns (ids, goals, groups)
are used through their codes, ratings are tabulated per cell with ``np.bincount`` and
the intervals computed from the counts (as :func:`pra_lib.stats.rating_ci` does, so the
intervals are the same). A frame in compact dtypes (``Int8`` ratings, categorical
ids and groups) of 1 000 000 respondents x 12 goals is analysed in a few seconds and
well under 2 GiB; ``benchmarks/`` measures it. Results are identical to those of the
row-by-row pandas implementation this replaced.
"""

from ._common import (
    ALL,
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    CITY_WIDE,
    DONT_KNOW,
    LEVELS,
    NEGATIVE_MAX,
    POSITIVE_MIN,
    QUADRANTS,
)
from .consensus import consensus
from .differences import group_differences, mode_effect, pairs_of_hidden_groups, pool_hidden_cells, posthoc, report_tests
from .figures import agreement_plot, comparison_plot, importance_performance_plot, likert_bars, resilience_wheel, score_heatmap
from .findings import findings_questionnaire, findings_weighted, findings_workshop
from .ratings import activity_scores, has_groups, has_ratings, ratings_frame, respondents
from .reliability import agreement
from .scoring import importance_performance, likert_counts, scores
from .weighting import weighted_comparison

# The interview functions and figures live in pra_lib.interviews (a chapter above this
# one); they stay reachable here, loaded on first use, for notebooks written against the
# former single perception module.
_INTERVIEWS = (
    "code_bars",
    "code_cooccurrence",
    "cooccurrence_heatmap",
    "findings_interviews",
    "interview_codes",
    "interview_summary",
    "top_weaknesses",
)

__all__ = [
    "activity_scores",
    "agreement",
    "agreement_plot",
    "code_bars",
    "code_cooccurrence",
    "comparison_plot",
    "consensus",
    "cooccurrence_heatmap",
    "findings_interviews",
    "findings_questionnaire",
    "findings_weighted",
    "findings_workshop",
    "group_differences",
    "has_groups",
    "has_ratings",
    "importance_performance",
    "importance_performance_plot",
    "interview_codes",
    "interview_summary",
    "likert_bars",
    "likert_counts",
    "mode_effect",
    "pairs_of_hidden_groups",
    "pool_hidden_cells",
    "posthoc",
    "report_tests",
    "ratings_frame",
    "resilience_wheel",
    "respondents",
    "score_heatmap",
    "scores",
    "top_weaknesses",
    "weighted_comparison",
]


def __getattr__(name):
    if name in _INTERVIEWS:
        from .. import interviews

        return getattr(interviews, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_INTERVIEWS))
