"""From evidence to focus areas: the PRA chapter *Fokus Utama* (notebooks 06 and 08).

A Preliminary Resilience Assessment ends by naming 3 to 5 focus areas. This chapter sets
the evidence gathered by the other chapters against each candidate focus area and combines
it into a composite score, following the ten steps of the OECD/JRC *Handbook on
Constructing Composite Indicators* (Nardo et al. 2008) and the choices offered by the JRC's
R package COINr (method brief, section 4):

1. **Evidence matrix** (:func:`evidence_matrix`): one row per candidate focus area, four
   evidence columns, each oriented so that *higher = a stronger case for the focus area*,
   with the raw values and their units beside them. :func:`goal_evidence` gives the same
   view per CRF goal.
2. **Normalisation** (:func:`normalise`): min-max on 0-100 (COINr's default), z-scores, or
   ranks.
3. **Weighting** (:func:`check_weights`): equal, or a dict per evidence column.
4. **Aggregation** (:func:`aggregate`): weighted arithmetic or geometric mean.
5. **Ranking** (:func:`rank_focus_areas`).
6. **Uncertainty and sensitivity analysis** (:func:`uncertainty_analysis`,
   :func:`sobol_indices`, :func:`evidence_variants`): Monte Carlo over every modelling
   choice that moves the ranking, Sobol indices (SALib) as the sensitivity measure, and
   :func:`settled_places`: what the runs settle, and which places they leave as a set.
7. **Evidence trail** (:func:`evidence_trail`): which goals, hazards, interview codes and
   actions make each focus area's case.

Formulas, defaults and the reasons for them are in ``docs/methods.md`` (section "From
evidence to focus areas"). The figures (:func:`evidence_heatmap`,
:func:`rank_distribution_figure`, :func:`sensitivity_figure`) and the findings
(:func:`findings_focus_areas`, :func:`executive_summary`) close the chapter.

The evidence matrix describes focus areas, not people: the perception and interview columns
are means and shares over hundreds of answers and name nobody, so it is published with
``report.table(..., count=None)``. Its weakness statements are the exception where they
hold a goal line the interview report hides (a goal's statements are then its
interviewees): :func:`withhold_interview_evidence` withholds them,
:func:`withhold_interview_ranking` the normalised values and scores that would give them
back, :func:`withhold_nominal_scores` the same scores in the uncertainty summary, and
:func:`uncertainty_publishable` says whether the Monte Carlo may be published at all (its
seeded runs give a withheld count back: not while any is withheld); the
ranks are computed from the full evidence, and a withheld row's rank is withheld too where
the other rows' scores are published (the published rows are ranked 1 .. m among
themselves). The evidence trail carries ``n`` (respondents,
raters or interviewees behind each row), so interview codes raised by few interviewees are
suppressed.

Where things are
----------------
``evidence.py``
    :func:`evidence_matrix`, :func:`evidence_variants`, :func:`goal_evidence`,
    :func:`hazard_risk`, :func:`evidence_correlations`,
    :func:`withhold_interview_evidence` with :func:`rows_of_hidden_interview_evidence`:
    no interview count that gives back a goal line the interview report hides, and
    :func:`published_goal_scores`: the goal scores with a goal (almost) everyone answered
    alike withheld, as the questionnaire report withholds it, and
    :func:`goal_action_gaps`: the actions' gaps per goal read from them (tables).
``ranking.py``
    :func:`normalise`, :func:`aggregate`, :func:`rank_focus_areas` (tables); the
    composite-indicator mathematics itself, with :func:`check_weights`, is the statistics
    core's :mod:`pra_lib.stats.composite`.
``uncertainty.py``
    :class:`UncertaintyResult`, :func:`uncertainty_analysis`, :func:`sobol_indices`,
    :func:`settled_places`, :func:`place_shares`, :func:`withhold_nominal_scores`,
    :func:`uncertainty_publishable` (tables).
``trails.py``
    :func:`evidence_trail` (tables).
``sections.py``
    :func:`collected_sections`: which sections of the overall report have data.
``_common.py``
    The evidence columns (:data:`EVIDENCE`), defaults and helpers shared by the modules.
``figures.py``
    :func:`evidence_heatmap`, :func:`rank_distribution_figure`, :func:`sensitivity_figure`.
``findings.py``
    :func:`findings_focus_areas`, :func:`session_note`, :func:`evidence_definitions`,
    :func:`trail_summary`, :func:`methods_note`, :func:`settled_text`.
``findings_overall.py``
    :func:`executive_summary` of the whole PRA.
``findings_text.py``
    The words the chapter's tables, figures and findings share, from the catalogue.

Examples
--------
>>> from pra_lib import focus_areas as fa
>>> matrix = fa.evidence_matrix(load_assessment("data/sample"))   # doctest: +SKIP
>>> fa.rank_focus_areas(matrix)[["rank", "focus_area_id", "score"]]  # doctest: +SKIP
"""

from ..stats.composite import AGGREGATIONS, DEFAULT_SCALE, NORMALISATIONS, POSITIVE_SCALE, TIE_DECIMALS, check_weights
from ._common import (
    DEFAULT_ACTIVITIES,
    DEFAULT_CI,
    DEFAULT_CONCENTRATION,
    DEFAULT_TOP_K,
    EVIDENCE,
    FACTOR_LABELS,
    FACTOR_TEXT,
    FACTORS,
    GOAL_EVIDENCE_COLUMNS,
    METHOD_LABELS,
    RISK_SUMMARIES,
    STRESS_LIKELIHOOD,
)
from .evidence import (
    evidence_correlations,
    evidence_matrix,
    evidence_variants,
    goal_action_gaps,
    goal_evidence,
    hazard_risk,
    published_goal_scores,
    published_risk,
    rows_of_hidden_interview_evidence,
    withhold_interview_evidence,
)
from .figures import evidence_heatmap, rank_distribution_figure, sensitivity_figure
from .findings import evidence_definitions, findings_focus_areas, methods_note, session_note, settled_text, trail_summary
from .findings_overall import executive_summary
from .ranking import aggregate, normalise, rank_focus_areas, withhold_interview_ranking
from .sections import collected_sections
from .trails import evidence_trail, rows_of_hidden_interview_lines
from .uncertainty import UncertaintyResult, place_shares, settled_places, sobol_indices, uncertainty_analysis, uncertainty_publishable, withhold_nominal_scores

__all__ = [
    "AGGREGATIONS",
    "EVIDENCE",
    "NORMALISATIONS",
    "UncertaintyResult",
    "aggregate",
    "check_weights",
    "collected_sections",
    "evidence_heatmap",
    "evidence_correlations",
    "evidence_definitions",
    "evidence_matrix",
    "evidence_variants",
    "evidence_trail",
    "executive_summary",
    "findings_focus_areas",
    "goal_action_gaps",
    "goal_evidence",
    "hazard_risk",
    "methods_note",
    "normalise",
    "published_goal_scores",
    "published_risk",
    "rank_distribution_figure",
    "rank_focus_areas",
    "rows_of_hidden_interview_evidence",
    "rows_of_hidden_interview_lines",
    "sensitivity_figure",
    "session_note",
    "place_shares",
    "settled_places",
    "settled_text",
    "sobol_indices",
    "trail_summary",
    "uncertainty_analysis",
    "uncertainty_publishable",
    "withhold_interview_evidence",
    "withhold_interview_ranking",
    "withhold_nominal_scores",
]
