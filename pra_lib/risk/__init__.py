"""Assets, shocks and stresses: the PRA chapter *Kerentanan Aset dan Risikonya*.

Which shocks matter most, which city assets are exposed to them, and which chronic stresses
make them worse: the Assets & Shocks Workshop (notebook 04) and the stresses working session
(notebook 05). The analyses are pure functions on an
:class:`~pra_lib.assessment.loading.Assessment` (or on its tables); the figure functions
draw their results and the findings functions write them up.

Scoring follows the IEC 31010 consequence/likelihood matrix (method brief, section 4): each
rater gives a shock a likelihood and a consequence from 1 to 5; the shock's risk score is
the median likelihood times the median consequence, banded low / medium / high / extreme.
Formulas, defaults and the reasons for them are in ``docs/methods.md`` (section "Assets,
shocks and stresses").

Raters are participants (``respondent_id``); a rating made by a whole workshop table (no
``respondent_id``) counts as one rater named after its table. A rater who rated the same
hazard twice is counted once, with the median of their ratings.

Notes
-----
Where things are:

- :mod:`~pra_lib.risk.bands`: :func:`risk_band` and the default bands.
- :mod:`~pra_lib.risk.shocks`: :func:`shock_scores`, :func:`rater_agreement`,
  :func:`bootstrap_scores` and :func:`rank_intervals` (how sure a shock's rank is);
  group disclosure of the scores by group: :func:`rating_counts` (answers per category),
  :func:`withheld_shock_groups` (which groups rated a shock alike) and
  :func:`withhold_shock_scores`; measures of few raters and hidden rows of every score
  table: :func:`withhold_hazard_scores`, :func:`publish_hazard_scores` (:func:`protect_hazard_scores` for
  a report that builds on it), :func:`publish_hazard_ranks` and
  :func:`hidden_hazards` and :func:`withheld_by_measure` (what :func:`rank_intervals` and
  :func:`rater_agreement` leave out).
- :mod:`~pra_lib.risk.assets`: :func:`impact_matrix`, :func:`asset_exposure`,
  :func:`shock_reach`, :func:`assets_without_risk_path`, :func:`exposure_by`.
- :mod:`~pra_lib.risk.stresses`: :func:`stress_scores`, :func:`compound_risk`,
  :func:`compound_sensitivity`.
- :mod:`~pra_lib.risk.network`: :func:`stress_network`, :func:`stress_centrality`.
- :mod:`~pra_lib.risk.figures`: every ``*_figure`` and :func:`impact_heatmap`.
- :mod:`~pra_lib.risk.findings`: :func:`findings_shocks`, :func:`findings_stresses`.
- :mod:`~pra_lib.risk._common`: private helpers shared by the tables modules.

The tables modules compute; figures draw from their results and findings write sentences
from them. The ordinal array helpers (weighted medians, quartiles, ranks) are in
:mod:`pra_lib.stats.ordinal`.
"""

from ._common import TRENDS
from .assets import (
    DEFAULT_CRITICAL,
    DEFAULT_HIT,
    asset_exposure,
    assets_without_risk_path,
    exposure_by,
    impact_matrix,
    shock_reach,
)
from .bands import DEFAULT_BANDS, MAX_SCORE, risk_band
from .figures import (
    BAND_COLOURS,
    CONSEQUENCE_LABELS,
    LIKELIHOOD_LABELS,
    TREND_COLOURS,
    compound_figure,
    group_scores_figure,
    impact_heatmap,
    rank_interval_figure,
    risk_matrix_figure,
    stress_network_figure,
    stress_severity_figure,
)
from .findings import findings_shocks, findings_stresses, measures_withheld_text
from .network import stress_centrality, stress_network
from .shocks import (
    SCORE_METHODS,
    bootstrap_scores,
    hidden_hazards,
    publish_hazard_ranks,
    protect_hazard_scores,
    publish_hazard_scores,
    rank_intervals,
    rater_agreement,
    rating_counts,
    shock_scores,
    withheld_shock_groups,
    withheld_by_measure,
    withhold_hazard_scores,
    withhold_shock_scores,
)
from .stresses import DEFAULT_ALPHA, compound_risk, compound_sensitivity, stress_scores

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_BANDS",
    "DEFAULT_CRITICAL",
    "DEFAULT_HIT",
    "MAX_SCORE",
    "SCORE_METHODS",
    "asset_exposure",
    "assets_without_risk_path",
    "bootstrap_scores",
    "compound_figure",
    "compound_risk",
    "compound_sensitivity",
    "exposure_by",
    "findings_shocks",
    "findings_stresses",
    "group_scores_figure",
    "hidden_hazards",
    "impact_heatmap",
    "impact_matrix",
    "measures_withheld_text",
    "publish_hazard_ranks",
    "protect_hazard_scores",
    "publish_hazard_scores",
    "rank_interval_figure",
    "rank_intervals",
    "rater_agreement",
    "rating_counts",
    "risk_band",
    "risk_matrix_figure",
    "shock_reach",
    "shock_scores",
    "stress_centrality",
    "stress_network",
    "stress_network_figure",
    "stress_scores",
    "stress_severity_figure",
    "withheld_shock_groups",
    "withheld_by_measure",
    "withhold_hazard_scores",
    "withhold_shock_scores",
]
