"""From evidence to focus areas: the PRA chapter *Fokus Utama*.

A Preliminary Resilience Assessment ends by naming 3 to 5 focus areas. This module sets the
evidence gathered by the other chapters against each candidate focus area and combines it
into a composite score, following the ten steps of the OECD/JRC *Handbook on Constructing
Composite Indicators* (Nardo et al. 2008) and the choices offered by the JRC's R package
COINr (method brief, section 4):

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
   :func:`sobol_indices`): Monte Carlo over the modelling choices.
7. **Evidence trail** (:func:`evidence_trail`): which goals, hazards, interview codes and
   actions make each focus area's case.

Formulas, defaults and the reasons for them are in ``docs/methods.md`` (section "From
evidence to focus areas"). The figures (:func:`evidence_heatmap`,
:func:`rank_distribution_figure`, :func:`sensitivity_figure`) and the findings
(:func:`findings_focus_areas`, :func:`executive_summary`) close the module.

The evidence matrix describes focus areas, not people: the perception and interview columns
are means and shares over hundreds of answers and name nobody, so it is published with
``report.table(..., count=None)``. The evidence trail carries ``n`` (respondents, raters or
interviewees behind each row), so interview codes raised by few interviewees are suppressed.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from . import actions, perception, risk
from .assessment import crf
from .publishing.disclosure import DEFAULT_MIN_CELL_SIZE, SUPPRESSED
from .publishing.i18n import english, get_language, goal_label, pick, plural, term
from .publishing.i18n import t as tr  # t names tables in this module

__all__ = [
    "AGGREGATIONS",
    "EVIDENCE",
    "NORMALISATIONS",
    "UncertaintyResult",
    "aggregate",
    "check_weights",
    "evidence_heatmap",
    "evidence_correlations",
    "evidence_definitions",
    "evidence_matrix",
    "evidence_trail",
    "executive_summary",
    "findings_focus_areas",
    "goal_evidence",
    "hazard_risk",
    "methods_note",
    "normalise",
    "rank_distribution_figure",
    "rank_focus_areas",
    "sensitivity_figure",
    "session_note",
    "sobol_indices",
    "trail_summary",
    "uncertainty_analysis",
]

#: The evidence columns of :func:`evidence_matrix`: label, unit, and how each is computed.
#: Every column is oriented so that a higher value is a stronger case for the focus area.
EVIDENCE: dict[str, dict[str, str]] = {
    column: {field: english(f"synthesis.evidence.{column}.{field}") for field in ("label", "unit", "short", "how")}
    for column in ("perception_weakness", "linked_risk", "action_gap", "interview_salience")
}
GOAL_EVIDENCE_COLUMNS = ("perception_weakness", "action_gap", "interview_salience")
NORMALISATIONS = ("minmax", "zscore", "rank")
AGGREGATIONS = ("arithmetic", "geometric")
RISK_SUMMARIES = ("max", "mean")
#: Scale of each normalisation for arithmetic aggregation: min-max onto [0, 100] (COINr's
#: default), z-scores with mean 0 and standard deviation 1. Ranks run from 1 to n.
DEFAULT_SCALE = {"minmax": (0.0, 100.0), "zscore": (0.0, 1.0)}
#: Scale for geometric aggregation, which needs strictly positive values: min-max onto
#: [1, 100] and z-scores with mean 10 and standard deviation 2, as in COINr's vignettes.
POSITIVE_SCALE = {"minmax": (1.0, 100.0), "zscore": (10.0, 2.0)}
DEFAULT_CONCENTRATION = 20.0
DEFAULT_TOP_K = 5
DEFAULT_CI = 0.90
TIE_DECIMALS = 9  # scores equal to 9 decimals are tied (floating-point noise does not break ties)
STRESS_LIKELIHOOD = 5  # a stress is present now: "almost certain" on the likelihood scale
DEFAULT_ACTIVITIES = {
    "perception": "questionnaire",
    "shocks": "assets_shocks_workshop",
    "stresses": "stresses_session",
    "interviews": "questionnaire",
}
FACTORS = ("normalisation", "aggregation", "weights", "left_out")
#: What each modelling choice is called in running text and in figure labels (English; the
#: reports show them in their language through the catalogue, see :mod:`pra_lib.publishing.i18n`).
FACTOR_TEXT = {f: english(f"synthesis.factor_text.{f}") for f in FACTORS}
FACTOR_LABELS = {f: english(f"synthesis.factor_label.{f}") for f in FACTORS}
METHOD_LABELS = {m: english(f"synthesis.method.{m}") for m in (*NORMALISATIONS, *AGGREGATIONS)}
_KEYS = ("focus_area_id", "goal_id")
_ID_COLUMNS = ("focus_area_id", "focus_area", "selected", "goal_id", "goal", "dimension_id")
_NONE = "(none)"
_SELECTED_COLOUR = "#1565c0"
_OTHER_COLOUR = "#9e9e9e"


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def _ids(values) -> list[str]:
    """Distinct non-empty ids, in order of first appearance."""
    out: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            continue
        s = str(v).strip()
        if s and s not in out:
            out.append(s)
    return out


def _truthy(value) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "y")
    return bool(value)


def _pct(x: float) -> str:
    return tr("common.not_available") if x is None or np.isnan(x) else f"{100 * x:.0f}%"


def _fmt(x: float, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return tr("common.not_available")
    text = f"{x:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _evidence(column: str, field: str) -> str:
    """An evidence column's label, unit, short unit or definition in the report language."""
    if column in EVIDENCE:
        return tr(f"synthesis.evidence.{column}.{field}")
    return column if field == "label" else ""


def _factor_text(factor: str) -> str:
    return tr(f"synthesis.factor_text.{factor}")


def _method(method: str) -> str:
    return tr(f"synthesis.method.{method}") if method in METHOD_LABELS else str(method)


def _check_choice(name: str, value, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, not {value!r}")
    return value


def _key(frame: pd.DataFrame) -> str | None:
    return next((k for k in _KEYS if k in frame.columns), None)


def _evidence_columns(matrix: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    """The evidence columns to use: given, recorded by the matrix, or the known ones present."""
    if columns is None:
        columns = matrix.attrs.get("evidence") or [c for c in EVIDENCE if c in matrix.columns]
    columns = list(columns)
    if not columns:
        raise ValueError("no evidence columns: pass columns=[...] or a matrix from evidence_matrix()")
    if len(set(columns)) != len(columns):
        raise ValueError(f"evidence columns repeat: {columns}")
    missing = [c for c in columns if c not in matrix.columns]
    if missing:
        raise ValueError(f"evidence column(s) {', '.join(missing)} not in the matrix (columns: {', '.join(map(str, matrix.columns))})")
    return columns


def _values(matrix: pd.DataFrame, columns: list[str]) -> np.ndarray:
    return np.column_stack([_num(matrix[c]).to_numpy(dtype=float) for c in columns]) if len(matrix) else np.empty((0, len(columns)))


def _labels(matrix: pd.DataFrame) -> list[str]:
    """Row labels 'FA2 A culture of preparedness...' (or the goal's), for figures and text."""
    key = _key(matrix)
    if key is None:
        return [str(i) for i in matrix.index]
    name = "focus_area" if key == "focus_area_id" else "goal"
    if name not in matrix:
        return matrix[key].astype(str).tolist()
    return [f"{k} {n}" if pd.notna(n) and str(n) != str(k) else str(k) for k, n in zip(matrix[key], matrix[name])]


def _activity(assessment, wanted: str | None, what: str) -> str | None:
    """An activity id: as given, or the first activity of that type; None (all rows) otherwise."""
    if wanted is None:
        return None
    acts = assessment.metadata.activities
    if wanted in set(acts["activity_id"]):
        return wanted
    typed = acts.loc[acts["activity_type"] == wanted, "activity_id"]
    if len(typed):
        return str(typed.iloc[0])
    _warn(f"{what}: the assessment has no activity {wanted!r}; every row of the table is used")
    return None


def _competition_rank(scores: np.ndarray) -> np.ndarray:
    """1 = highest score; tied scores share the best rank (1, 2, 2, 4); NaN stays unranked."""
    from scipy.stats import rankdata

    s = np.round(np.asarray(scores, dtype=float), TIE_DECIMALS)
    filled = np.where(np.isnan(s), np.inf, -s)
    ranks = rankdata(filled, method="min", axis=-1).astype(float)
    return np.where(np.isnan(s), np.nan, ranks)


# ---------------------------------------------------------------------------
# Inputs from the other chapters
# ---------------------------------------------------------------------------


def _scopes(assessment) -> pd.DataFrame:
    """Each focus area with the goals and hazards it covers (focus_area_links)."""
    fas = assessment.focus_areas if assessment.has("focus_areas") else pd.DataFrame(columns=["focus_area_id", "name_en", "selected"])
    fas = fas.assign(name_en=[pick(n, i) if pd.notna(n) else n for n, i in zip(fas["name_en"], fas["name_id"] if "name_id" in fas else [None] * len(fas))]) if "name_en" in fas else fas
    links = assessment.focus_area_links if assessment.has("focus_area_links") else pd.DataFrame(columns=["focus_area_id", "goal_id", "hazard_id"])
    ids = _ids(fas["focus_area_id"]) + [f for f in _ids(links["focus_area_id"]) if f not in set(_ids(fas["focus_area_id"]))]
    names = dict(zip(fas["focus_area_id"], fas["name_en"] if "name_en" in fas else fas["focus_area_id"]))
    chosen = dict(zip(fas["focus_area_id"], fas["selected"])) if "selected" in fas else {}
    rows = []
    for fa in ids:
        mine = links[links["focus_area_id"] == fa]
        rows.append({
            "focus_area_id": fa,
            "focus_area": names.get(fa) if pd.notna(names.get(fa)) else fa,
            "selected": _truthy(chosen.get(fa)),
            "goals": _ids(mine["goal_id"]) if "goal_id" in mine else [],
            "hazards": _ids(mine["hazard_id"]) if "hazard_id" in mine else [],
        })
    return pd.DataFrame(rows, columns=["focus_area_id", "focus_area", "selected", "goals", "hazards"])


def _goal_scores(assessment, activity: str | None, channels) -> pd.DataFrame:
    q = perception.ratings_frame(assessment, activity_id=activity, aspect="performance", channels=list(channels) if channels else None)
    with warnings.catch_warnings():
        # Interval warnings (single rater, identical ratings) do not concern the means used here.
        warnings.simplefilter("ignore", RuntimeWarning)
        return perception.scores(q, n_resamples=50, seed=0)


def hazard_risk(
    assessment,
    *,
    shock_scores: pd.DataFrame | None = None,
    stress_scores: pd.DataFrame | None = None,
    compound: pd.DataFrame | None = None,
    shocks_activity: str | None = DEFAULT_ACTIVITIES["shocks"],
    stresses_activity: str | None = DEFAULT_ACTIVITIES["stresses"],
    alpha: float = risk.DEFAULT_ALPHA,
    stress_likelihood: float = STRESS_LIKELIHOOD,
) -> pd.DataFrame:
    """The risk of every shock and stress on one scale of risk points.

    A shock's risk is its compound risk (:func:`pra_lib.risk.compound_risk`: median
    likelihood x median consequence, raised by the stresses that amplify it). A stress is a
    chronic pressure that is present now, so its likelihood is "almost certain" (5) and its
    risk is ``stress_likelihood x median severity`` (1-5 severity plays the consequence).

    Parameters
    ----------
    assessment : Assessment
        The loaded assessment (for the hazards table and, when the score tables are not
        given, the ratings).
    shock_scores, stress_scores, compound : DataFrame, optional
        Tables already computed (published or not; suppressed values count as missing).
    shocks_activity, stresses_activity : str or None
        Activities whose ratings are scored when the tables are not given.
    alpha : float
        Amplification weight of :func:`pra_lib.risk.compound_risk`.
    stress_likelihood : float
        The likelihood given to a stress (default 5, almost certain).

    Returns
    -------
    DataFrame
        One row per hazard of the hazards table: ``hazard_id``, ``hazard``,
        ``hazard_type``, ``n`` (raters), ``risk_points`` and ``basis`` (how the value was
        reached). A hazard nobody rated has missing risk points.

    Examples
    --------
    >>> hazard_risk(load_assessment("data/sample")).iloc[0][["hazard", "risk_points"]]  # doctest: +SKIP
    """
    hz = assessment.hazards if assessment.has("hazards") else pd.DataFrame(columns=["hazard_id", "hazard_type", "name_en"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # unrated hazards are reported by the risk chapter
        if shock_scores is None and compound is None:
            shock_scores = risk.shock_scores(assessment, activity_id=_activity(assessment, shocks_activity, "hazard_risk"))
        if stress_scores is None:
            stress_scores = risk.stress_scores(assessment, activity_id=_activity(assessment, stresses_activity, "hazard_risk"))
        if compound is None:
            compound = risk.compound_risk(shock_scores, stress_scores, assessment, alpha=alpha,
                                          activity_id=_activity(assessment, stresses_activity, "hazard_risk"))
    comp = compound.set_index("hazard_id") if compound is not None and len(compound) else pd.DataFrame()
    sev = stress_scores.set_index("hazard_id") if stress_scores is not None and len(stress_scores) else pd.DataFrame()
    rows = []
    for h in hz.itertuples(index=False):
        name = pick(getattr(h, "name_en", h.hazard_id), getattr(h, "name_id", None))
        if h.hazard_type == "shock":
            if h.hazard_id in comp.index:
                c = comp.loc[h.hazard_id]
                value = float(_num([c["compound"]]).iloc[0])
                own = float(_num([c["score"]]).iloc[0])
                a = float(_num([c.get("alpha", alpha)]).iloc[0])
                amp = float(_num([c.get("amplification", np.nan)]).iloc[0])
                amplifiers = c.get("amplifiers", "")
                basis = (tr("synthesis.basis.compound", own=_fmt(own), alpha=_fmt(a, 2), amp=_fmt(amp, 2))
                         + (tr("synthesis.basis.amplified", names=amplifiers) if isinstance(amplifiers, str) and amplifiers else tr("synthesis.basis.no_amplifier")))
                if np.isnan(value):
                    basis = tr("synthesis.not_rated_or_suppressed")
                n = _num([c.get("n", np.nan)]).iloc[0]
            else:
                value, basis, n = np.nan, tr("synthesis.not_rated"), np.nan
        else:
            if h.hazard_id in sev.index:
                s = sev.loc[h.hazard_id]
                severity = float(_num([s["severity"]]).iloc[0])
                value = stress_likelihood * severity
                trend = s.get("trend", None)
                basis = (tr("synthesis.basis.stress", likelihood=_fmt(stress_likelihood), severity=_fmt(severity)) + (f", {term(trend, 'trend')}" if isinstance(trend, str) else "")
                         if not np.isnan(severity) else tr("synthesis.not_rated_or_suppressed"))
                n = _num([s.get("n", np.nan)]).iloc[0]
            else:
                value, basis, n = np.nan, tr("synthesis.not_rated"), np.nan
        rows.append({"hazard_id": h.hazard_id, "hazard": name, "hazard_type": h.hazard_type, "n": n, "risk_points": value, "basis": basis})
    return pd.DataFrame(rows, columns=["hazard_id", "hazard", "hazard_type", "n", "risk_points", "basis"])


def _weakness_statements(assessment, activity: str | None) -> pd.DataFrame:
    if not assessment.has("interview_statements"):
        return pd.DataFrame(columns=["statement_id", "respondent_id", "goal_id", "hazard_id", "valence", "code"])
    st = assessment.interview_statements
    if activity is not None and assessment.has("participants"):
        people = assessment.participants
        st = st[st["respondent_id"].isin(set(people.loc[people["activity_id"] == activity, "respondent_id"]))]
    return st[st["valence"] == "weakness"].reset_index(drop=True)


def _linked_actions(assessment, goals: list[str], hazards: list[str]) -> pd.DataFrame:
    """The distinct actions linked to any of these goals or hazards, with their title and status."""
    if not assessment.has("action_links") or not assessment.has("actions"):
        return pd.DataFrame(columns=["action_id", "title", "status", "n_links"])
    links = assessment.action_links
    hit = links[links["goal_id"].isin(goals) | links["hazard_id"].isin(hazards)]
    counts = hit.groupby("action_id").size().rename("n_links")
    acts = assessment.actions.drop_duplicates("action_id").set_index("action_id")
    out = acts.reindex(counts.index)[["title", "status"]].join(counts).reset_index()
    return out.sort_values(["n_links", "action_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


@dataclass
class _Inputs:
    goal_scores: pd.DataFrame
    hazards: pd.DataFrame
    coverage_goal: pd.DataFrame
    coverage_hazard: pd.DataFrame
    statements: pd.DataFrame


def _inputs(assessment, *, goal_scores, shock_scores, stress_scores, compound, coverage_goal, coverage_hazard,
            perception_activity, perception_channels, shocks_activity, stresses_activity, interview_activity,
            alpha, stress_likelihood) -> _Inputs:
    if goal_scores is None:
        goal_scores = _goal_scores(assessment, _activity(assessment, perception_activity, "evidence_matrix"), perception_channels)
    # A goal table split by group would give several means per goal: keep the overall rows.
    if goal_scores is not None and goal_scores["goal_id"].duplicated().any():
        raise ValueError("goal_scores has several rows per goal; pass perception.scores(...) without by=")
    haz = hazard_risk(assessment, shock_scores=shock_scores, stress_scores=stress_scores, compound=compound,
                      shocks_activity=shocks_activity, stresses_activity=stresses_activity, alpha=alpha,
                      stress_likelihood=stress_likelihood)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an empty inventory is reported by the actions chapter
        if coverage_goal is None:
            coverage_goal = actions.coverage(assessment, by="goal")
        if coverage_hazard is None:
            coverage_hazard = actions.coverage(assessment, by="hazard")
    statements = _weakness_statements(assessment, _activity(assessment, interview_activity, "evidence_matrix"))
    return _Inputs(goal_scores, haz, coverage_goal, coverage_hazard, statements)


def _goal_gaps(goal_scores: pd.DataFrame, coverage_goal: pd.DataFrame) -> pd.Series:
    """The actions chapter's gap score per goal, with need = 5 - mean performance."""
    need = actions.need_from_scores(goal_scores, key="goal_id", value="mean", invert_from=5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # unrated goals are reported by the perception chapter
        gaps = actions.gaps(coverage_goal, need=need, k=None)
    return pd.Series(_num(gaps["gap_score"]).to_numpy(), index=gaps["goal_id"].astype(str).to_numpy())


def _hazard_gaps(hazards: pd.DataFrame, coverage_hazard: pd.DataFrame) -> pd.Series:
    """The actions chapter's gap score per hazard, with need = its risk points (:func:`hazard_risk`)."""
    need = pd.DataFrame({"hazard_id": hazards["hazard_id"].astype(str), "need": _num(hazards["risk_points"]).to_numpy()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # unrated hazards are reported by the risk chapter
        gaps = actions.gaps(coverage_hazard, need=need, k=None)
    return pd.Series(_num(gaps["gap_score"]).to_numpy(), index=gaps["hazard_id"].astype(str).to_numpy())


# ---------------------------------------------------------------------------
# 1. The evidence matrix
# ---------------------------------------------------------------------------


def evidence_matrix(
    assessment,
    *,
    goal_scores: pd.DataFrame | None = None,
    shock_scores: pd.DataFrame | None = None,
    stress_scores: pd.DataFrame | None = None,
    compound: pd.DataFrame | None = None,
    coverage_goal: pd.DataFrame | None = None,
    coverage_hazard: pd.DataFrame | None = None,
    perception_activity: str | None = DEFAULT_ACTIVITIES["perception"],
    perception_channels: Sequence[str] | None = ("online", "offline"),
    shocks_activity: str | None = DEFAULT_ACTIVITIES["shocks"],
    stresses_activity: str | None = DEFAULT_ACTIVITIES["stresses"],
    interview_activity: str | None = DEFAULT_ACTIVITIES["interviews"],
    alpha: float = risk.DEFAULT_ALPHA,
    risk_summary: str = "max",
    stress_likelihood: float = STRESS_LIKELIHOOD,
) -> pd.DataFrame:
    """The evidence for each candidate focus area, one row per focus area.

    A focus area covers a set of CRF goals and hazards (``focus_area_links``). Its four
    evidence columns are oriented so that **higher = a stronger case** (see
    :data:`EVIDENCE`):

    * ``perception_weakness`` = mean over its goals of (5 - mean performance rating), from
      the questionnaire (:func:`pra_lib.perception.scores`). 0 means every respondent rates
      its goals very good, 4 very poor.
    * ``linked_risk`` = the highest risk among its hazards (``risk_summary="mean"`` takes
      the mean): a shock's compound risk, a stress's ``5 x median severity``
      (:func:`hazard_risk`). A focus area that covers no hazard has linked risk 0: it
      covers none of the rated risks.
    * ``action_gap`` = mean over its goals and hazards of the actions chapter's gap score
      (:func:`pra_lib.actions.gaps`): ``need_norm - coverage_norm``, where need is
      ``5 - mean performance`` for a goal and the risk points for a hazard (min-max over
      the goals, or over the hazards), and coverage is ``n_actions / max n_actions``. It
      runs from -1 (well covered, little need) to +1 (great need, no action). A neglected
      area that nobody rates weak or risky is therefore no gap; the price is that the gap
      partly repeats the perception and risk evidence (see :func:`evidence_correlations`).
    * ``interview_salience`` = the share of all weakness statements in the interviews that
      are tagged to one of its goals or hazards (each statement counts once).

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment with ``focus_areas`` and ``focus_area_links``.
    goal_scores, shock_scores, stress_scores, compound, coverage_goal, coverage_hazard : DataFrame, optional
        Tables already computed by the other chapters (published or not: suppressed values
        count as missing). Computed from the assessment when not given.
    perception_activity, perception_channels : str, sequence of str
        Which performance ratings are the perception evidence (default: the online and
        offline questionnaire).
    shocks_activity, stresses_activity, interview_activity : str
        Activity ids (or activity types) of the shock ratings, the stress ratings and
        amplifications, and the interviews. An id the assessment lacks means "all rows".
    alpha : float
        Amplification weight of the compound risk.
    risk_summary : {"max", "mean"}
        How the risks of a focus area's hazards are summarised.
    stress_likelihood : float
        The likelihood given to a stress (5, almost certain).

    Returns
    -------
    pandas.DataFrame
        ``focus_area_id``, ``focus_area``, ``selected``, ``n_goals``, ``n_hazards``,
        ``goals``, ``hazards`` (ids, space-separated), then per evidence the raw values and
        the evidence column: ``mean_performance`` (1-5) and ``perception_weakness``;
        ``top_hazard`` and ``linked_risk``; ``n_actions`` (distinct actions on its goals
        and hazards), ``actions_per_item`` and ``action_gap``; ``n_weakness_statements``
        and ``interview_salience``. ``attrs["evidence"]`` lists the evidence columns and
        ``attrs["units"]`` their units. A focus area with no links has missing evidence
        (and a warning); a goal nobody rated is left out of its focus area's mean.

    Examples
    --------
    >>> m = evidence_matrix(load_assessment("data/sample"))       # doctest: +SKIP
    >>> m.set_index("focus_area_id").loc["FA2", "top_hazard"]      # doctest: +SKIP
    'Flooding'
    """
    _check_choice("risk_summary", risk_summary, RISK_SUMMARIES)
    inp = _inputs(assessment, goal_scores=goal_scores, shock_scores=shock_scores, stress_scores=stress_scores, compound=compound,
                  coverage_goal=coverage_goal, coverage_hazard=coverage_hazard, perception_activity=perception_activity,
                  perception_channels=perception_channels, shocks_activity=shocks_activity, stresses_activity=stresses_activity,
                  interview_activity=interview_activity, alpha=alpha, stress_likelihood=stress_likelihood)
    scopes = _scopes(assessment)
    means = pd.Series(_num(inp.goal_scores["mean"]).to_numpy(), index=inp.goal_scores["goal_id"].astype(str).to_numpy())
    hrisk = inp.hazards.set_index("hazard_id")
    goal_gap = _goal_gaps(inp.goal_scores, inp.coverage_goal)
    haz_gap = _hazard_gaps(inp.hazards, inp.coverage_hazard)
    goal_n = pd.Series(_num(inp.coverage_goal["n_actions"]).to_numpy(), index=inp.coverage_goal["goal_id"].astype(str).to_numpy())
    haz_n = pd.Series(_num(inp.coverage_hazard["n_actions"]).to_numpy(), index=inp.coverage_hazard["hazard_id"].astype(str).to_numpy())
    st = inp.statements
    n_weak = len(st)
    rows, empty = [], []
    for fa in scopes.itertuples(index=False):
        goals, hazards = list(fa.goals), list(fa.hazards)
        row = {"focus_area_id": fa.focus_area_id, "focus_area": fa.focus_area, "selected": fa.selected,
               "n_goals": len(goals), "n_hazards": len(hazards), "goals": " ".join(goals), "hazards": " ".join(hazards)}
        if not goals and not hazards:
            empty.append(fa.focus_area_id)
            rows.append(row | {"mean_performance": np.nan, "perception_weakness": np.nan, "top_hazard": None, "linked_risk": np.nan,
                               "n_actions": 0, "actions_per_item": np.nan, "action_gap": np.nan, "n_weakness_statements": 0,
                               "interview_salience": np.nan})
            continue
        perf = means.reindex(goals).dropna()
        mean_perf = float(perf.mean()) if len(perf) else np.nan
        risks = hrisk["risk_points"].reindex(hazards).dropna() if len(hrisk) else pd.Series(dtype=float)
        if not hazards:
            linked, top = 0.0, None  # covers no hazard: no rated risk makes its case
        elif risks.empty:
            linked, top = np.nan, None
        else:
            linked = float(risks.max() if risk_summary == "max" else risks.mean())
            top = hrisk.loc[risks.idxmax(), "hazard"]
        gap = [goal_gap.get(g, np.nan) for g in goals] + [haz_gap.get(h, np.nan) for h in hazards]
        gap = [x for x in gap if not np.isnan(x)]
        counts = [goal_n.get(g, np.nan) for g in goals] + [haz_n.get(h, np.nan) for h in hazards]
        counts = [c for c in counts if not np.isnan(c)]
        tagged = st["goal_id"].isin(goals) | st["hazard_id"].isin(hazards) if n_weak else pd.Series(dtype=bool)
        rows.append(row | {
            "mean_performance": mean_perf,
            "perception_weakness": 5.0 - mean_perf,
            "top_hazard": top,
            "linked_risk": linked,
            "n_actions": len(_linked_actions(assessment, goals, hazards)),
            "actions_per_item": float(np.mean(counts)) if counts else np.nan,
            "action_gap": float(np.mean(gap)) if gap else np.nan,
            "n_weakness_statements": int(tagged.sum()) if n_weak else 0,
            "interview_salience": float(tagged.sum()) / n_weak if n_weak else np.nan,
        })
    columns = ["focus_area_id", "focus_area", "selected", "n_goals", "n_hazards", "goals", "hazards",
               "mean_performance", "perception_weakness", "top_hazard", "linked_risk", "n_actions", "actions_per_item",
               "action_gap", "n_weakness_statements", "interview_salience"]
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        _warn("evidence_matrix: the assessment has no focus areas")
    if empty:
        _warn(f"evidence_matrix: focus area(s) {', '.join(empty)} have no goal or hazard links; they have no evidence and are not ranked")
    if n_weak == 0 and len(out):
        _warn("evidence_matrix: the interviews have no weakness statements; interview salience is missing")
    for col in ("mean_performance", "perception_weakness", "linked_risk", "actions_per_item", "action_gap", "interview_salience"):
        out[col] = out[col].astype(float)
    out.attrs["evidence"] = list(EVIDENCE)
    out.attrs["units"] = {c: EVIDENCE[c]["unit"] for c in EVIDENCE}
    out.attrs["risk_summary"] = risk_summary
    return out


def goal_evidence(assessment, **options) -> pd.DataFrame:
    """The same evidence per CRF goal: the finer view under the focus areas.

    A goal has no hazards of its own, so the goal view has three evidence columns:
    ``perception_weakness`` (5 - mean performance), ``action_gap`` (the actions chapter's
    gap score of the goal, need = 5 - mean performance) and ``interview_salience`` (share
    of weakness statements tagged to the goal). It can be normalised, aggregated and ranked like the focus-area
    matrix.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    **options
        As in :func:`evidence_matrix` (``goal_scores``, ``coverage_goal``,
        ``perception_activity``, ``interview_activity``...).

    Returns
    -------
    pandas.DataFrame
        One row per CRF goal: ``goal_id``, ``goal``, ``dimension_id``, ``focus_areas``
        (the focus areas covering it), ``n`` (respondents who rated it),
        ``mean_performance``, ``perception_weakness``, ``n_actions``, ``action_gap``,
        ``n_weakness_statements``, ``interview_salience``; ``attrs["evidence"]`` lists the
        three evidence columns.

    Examples
    --------
    >>> goal_evidence(load_assessment("data/sample")).nlargest(1, "perception_weakness")["goal_id"]  # doctest: +SKIP
    """
    allowed = {"goal_scores", "coverage_goal", "perception_activity", "perception_channels", "interview_activity"}
    unknown = sorted(set(options) - allowed - {"shock_scores", "stress_scores", "compound", "coverage_hazard", "shocks_activity",
                                                 "stresses_activity", "alpha", "risk_summary", "stress_likelihood"})
    if unknown:
        raise ValueError(f"goal_evidence: unknown option(s) {', '.join(unknown)}")
    goal_scores = options.get("goal_scores")
    if goal_scores is None:
        goal_scores = _goal_scores(assessment, _activity(assessment, options.get("perception_activity", DEFAULT_ACTIVITIES["perception"]), "goal_evidence"),
                                   options.get("perception_channels", ("online", "offline")))
    if goal_scores["goal_id"].duplicated().any():
        raise ValueError("goal_scores has several rows per goal; pass perception.scores(...) without by=")
    coverage_goal = options.get("coverage_goal")
    if coverage_goal is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            coverage_goal = actions.coverage(assessment, by="goal")
    st = _weakness_statements(assessment, _activity(assessment, options.get("interview_activity", DEFAULT_ACTIVITIES["interviews"]), "goal_evidence"))
    scopes = _scopes(assessment)

    goals = crf.goals()
    gap = _goal_gaps(goal_scores, coverage_goal)
    n_act = pd.Series(_num(coverage_goal["n_actions"]).to_numpy(), index=coverage_goal["goal_id"].astype(str).to_numpy())
    scores = goal_scores.set_index("goal_id")
    n_weak = len(st)
    rows = []
    for g in goals.itertuples(index=False):
        gid = g.goal_id
        mean = float(_num([scores["mean"].get(gid, np.nan)]).iloc[0]) if gid in scores.index else np.nan
        n = float(_num([scores["n"].get(gid, np.nan)]).iloc[0]) if gid in scores.index else np.nan
        tagged = int((st["goal_id"] == gid).sum()) if n_weak else 0
        rows.append({
            "goal_id": gid,
            "goal": goal_label(gid),
            "dimension_id": g.dimension_id,
            "focus_areas": " ".join(f for f, gl in zip(scopes["focus_area_id"], scopes["goals"]) if gid in gl),
            "n": n,
            "mean_performance": mean,
            "perception_weakness": 5.0 - mean,
            "n_actions": n_act.get(gid, 0.0),
            "action_gap": gap.get(gid, np.nan),
            "n_weakness_statements": tagged,
            "interview_salience": tagged / n_weak if n_weak else np.nan,
        })
    out = pd.DataFrame(rows)
    out.attrs["evidence"] = list(GOAL_EVIDENCE_COLUMNS)
    out.attrs["units"] = {c: EVIDENCE[c]["unit"] for c in GOAL_EVIDENCE_COLUMNS}
    return out


def evidence_definitions(columns: Sequence[str] | None = None) -> pd.DataFrame:
    """What each evidence column measures: label, unit and how it is computed.

    Examples
    --------
    >>> evidence_definitions()["column"].tolist()
    ['perception_weakness', 'linked_risk', 'action_gap', 'interview_salience']
    """
    cols = list(columns) if columns is not None else list(EVIDENCE)
    return pd.DataFrame([{"column": c, "evidence": _evidence(c, "label"), "unit": _evidence(c, "unit"), "how": _evidence(c, "how")}
                         for c in cols if c in EVIDENCE])


def session_note(assessment, activity_id: str | None = "focus_areas_session", *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> str:
    """A short markdown note on the working session and the candidates it weighed.

    The number of participants is given only when it reaches ``min_cell_size``.

    Examples
    --------
    >>> report.markdown(session_note(assessment, "focus_areas_session"))  # doctest: +SKIP
    """
    acts = assessment.metadata.activities
    row = acts[acts["activity_id"] == activity_id]
    parts = []
    if len(row):
        r = row.iloc[0]
        title = r["title"] if isinstance(r.get("title"), str) else activity_id
        other = r["title_id"] if isinstance(r.get("title_id"), str) else None
        if other is not None and get_language() == "id":
            title, other = other, title  # the Indonesian title leads an Indonesian report
        local = f" (*{other}*)" if other is not None else ""
        date = str(r["date"]) if pd.notna(r.get("date")) and str(r.get("date")).strip() else tr("synthesis.session.no_date")
        text = f"**{title}**{local}, {date}"
        if assessment.has("participants"):
            people = assessment.participants
            mine = people[people["activity_id"] == activity_id]
            n = int(mine["respondent_id"].nunique())
            groups = int(mine["stakeholder_group"].nunique())
            if n >= min_cell_size:
                text += tr(f"synthesis.session.participants.{plural(groups != 1)}", n=n, groups=groups)
            elif n > 0:
                text += tr("synthesis.session.few")
        parts.append(text + ".")
    elif activity_id is not None:
        parts.append(tr("synthesis.session.no_activity", activity=repr(activity_id)))
    scopes = _scopes(assessment)
    if len(scopes):
        chosen = scopes[scopes["selected"]]
        parts.append(tr("synthesis.session.weighed", n=len(scopes))
                     + (tr("synthesis.session.agreed", n=len(chosen), names=", ".join(f"{a} {b}" for a, b in zip(chosen["focus_area_id"], chosen["focus_area"])))
                        if len(chosen) else "") + ".")
    parts.append(tr("synthesis.session.evidence"))
    return " ".join(parts)


def evidence_correlations(matrix: pd.DataFrame, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Spearman rank correlation between each pair of evidence columns (Handbook step 4).

    Two strongly correlated columns say nearly the same thing, so together they weigh
    more than their weights suggest (double counting). With a handful of focus areas the
    correlations are rough; they are a check, not a test.

    Returns
    -------
    pandas.DataFrame
        ``column_a``, ``column_b``, ``rho`` and ``n`` (rows with both values); ``rho`` is
        NaN when a column is constant or fewer than 3 rows have both values.

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 9], "c": [4.0, 3, 2, 1]})
    >>> evidence_correlations(m, columns=["a", "b", "c"])["rho"].round(2).tolist()
    [1.0, -1.0, -1.0]
    """
    cols = _evidence_columns(matrix, columns)
    X = _values(matrix, cols)
    rows = []
    for i in range(len(cols)):
        for j in range(i + 1, len(cols)):
            both = ~np.isnan(X[:, i]) & ~np.isnan(X[:, j])
            a, b = X[both, i], X[both, j]
            rho = np.nan
            if both.sum() >= 3 and np.ptp(a) > 0 and np.ptp(b) > 0:
                from scipy.stats import spearmanr

                rho = float(spearmanr(a, b).statistic)
            rows.append({"column_a": cols[i], "column_b": cols[j], "rho": rho, "n": int(both.sum())})
    return pd.DataFrame(rows, columns=["column_a", "column_b", "rho", "n"])


# ---------------------------------------------------------------------------
# 2-5. Normalisation, weighting, aggregation, ranking
# ---------------------------------------------------------------------------


def _normalise_array(X: np.ndarray, method: str, scale: tuple[float, float] | None) -> tuple[np.ndarray, list[int]]:
    """Normalise each column of X (rows = focus areas); return the result and the constant columns."""
    from scipy.stats import rankdata

    out = np.full(X.shape, np.nan)
    constant: list[int] = []
    for k in range(X.shape[1]):
        x = X[:, k]
        ok = ~np.isnan(x)
        if not ok.any():
            continue
        v = x[ok]
        spread = float(v.max() - v.min())
        is_constant = spread <= 1e-12 * max(1.0, float(np.abs(v).max()))
        if is_constant:
            constant.append(k)
        if method == "minmax":
            lo, hi = scale or DEFAULT_SCALE["minmax"]
            out[ok, k] = (lo + hi) / 2.0 if is_constant else lo + (v - v.min()) / spread * (hi - lo)
        elif method == "zscore":
            m, s = scale or DEFAULT_SCALE["zscore"]
            out[ok, k] = m if is_constant or len(v) < 2 else m + s * (v - v.mean()) / v.std(ddof=1)
        else:  # rank: 1 = lowest, n = highest, ties share the average rank
            out[ok, k] = rankdata(v, method="average")
    return out, constant


def normalise(
    matrix: pd.DataFrame,
    *,
    method: str = "minmax",
    columns: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
    goalposts: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Bring the evidence columns onto a common scale (Handbook step 5).

    * ``"minmax"``: ``lo + (x - min) / (max - min) x (hi - lo)`` with ``scale=(lo, hi)``,
      by default ``(0, 100)`` as in COINr's ``n_minmax``. With ``goalposts={column: (min,
      max)}`` fixed bounds replace the observed ones (as the HDI does), and values outside
      them are clipped to the bounds.
    * ``"zscore"``: ``m + s (x - mean) / sd`` with ``scale=(m, s)``, by default ``(0, 1)``;
      ``sd`` is the sample standard deviation (n - 1), as R's ``sd`` and COINr's
      ``n_zscore``.
    * ``"rank"``: ranks 1 (lowest value) to n (highest), ties sharing the average rank.
      COINr's ``n_rank`` gives ties the lowest rank; the average keeps a tie neutral.

    A column that is the same for every focus area cannot separate them and would divide
    by zero. It is set to the middle of the scale (50 on 0-100; the mean ``m`` for
    z-scores; ``(n + 1) / 2`` for ranks), with a warning: it then moves no ranking. COINr
    returns NaN here. Missing values stay missing.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`evidence_matrix` (or any frame with numeric evidence columns).
    method : {"minmax", "zscore", "rank"}
    columns : list of str, optional
        The evidence columns (default: ``matrix.attrs["evidence"]``).
    scale : tuple of float, optional
        ``(lo, hi)`` for min-max or ``(mean, sd)`` for z-scores.
    goalposts : dict, optional
        Fixed ``(min, max)`` per column for min-max.

    Returns
    -------
    pandas.DataFrame
        A copy of ``matrix`` with the evidence columns normalised; ``attrs`` record the
        method and scale.

    Examples
    --------
    >>> m = pd.DataFrame({"focus_area_id": ["A", "B", "C"], "x": [2.0, 4.0, 10.0]})
    >>> normalise(m, columns=["x"])["x"].tolist()
    [0.0, 25.0, 100.0]
    >>> normalise(m, columns=["x"], method="rank")["x"].tolist()
    [1.0, 2.0, 3.0]
    """
    _check_choice("method", method, NORMALISATIONS)
    cols = _evidence_columns(matrix, columns)
    if scale is not None:
        scale = tuple(float(v) for v in scale)
        if len(scale) != 2 or not all(np.isfinite(scale)):
            raise ValueError(f"scale must be two finite numbers, not {scale!r}")
        if method == "minmax" and not scale[1] > scale[0]:
            raise ValueError(f"min-max scale must be (lo, hi) with hi > lo, not {scale!r}")
        if method == "zscore" and not scale[1] > 0:
            raise ValueError(f"z-score scale must be (mean, sd) with sd > 0, not {scale!r}")
    X = _values(matrix, cols)
    if goalposts:
        if method != "minmax":
            raise ValueError("goalposts apply to min-max normalisation only")
        unknown = [c for c in goalposts if c not in cols]
        if unknown:
            raise ValueError(f"goalposts for unknown column(s) {', '.join(unknown)}; the evidence columns are {', '.join(cols)}")
    N, constant = _normalise_array(X, method, scale)
    lo, hi = scale or DEFAULT_SCALE["minmax"]
    for c, (gmin, gmax) in (goalposts or {}).items():
        if not float(gmax) > float(gmin):
            raise ValueError(f"goalposts for {c} must be (min, max) with max > min, not {(gmin, gmax)!r}")
        k = cols.index(c)
        x = np.clip(X[:, k], float(gmin), float(gmax))
        N[:, k] = lo + (x - float(gmin)) / (float(gmax) - float(gmin)) * (hi - lo)
        constant = [j for j in constant if j != k]
    if constant and len(matrix) > 1:
        _warn(f"normalise: {', '.join(cols[k] for k in constant)} is the same for every row; it is set to the middle of the scale and moves no ranking")
    out = matrix.copy()
    for k, c in enumerate(cols):
        out[c] = N[:, k]
    out.attrs = dict(matrix.attrs) | {"evidence": cols, "normalisation": method, "scale": scale}
    return out


def check_weights(weights: Mapping[str, float] | None, columns: Sequence[str]) -> pd.Series:
    """Validate weights per evidence column and rescale them to sum to 1 (Handbook step 6).

    Parameters
    ----------
    weights : dict or None
        ``{column: weight}`` with one non-negative weight per evidence column; ``None``
        gives equal weights. A weight of 0 leaves a column out. Only the ratios matter.
    columns : sequence of str
        The evidence columns.

    Returns
    -------
    pandas.Series
        The weights, indexed by column, summing to 1.

    Raises
    ------
    ValueError
        For an unknown column name, a column without a weight, a negative, missing or
        infinite weight, or weights that are all zero.

    Examples
    --------
    >>> check_weights({"a": 2, "b": 1, "c": 1}, ["a", "b", "c"]).tolist()
    [0.5, 0.25, 0.25]
    """
    columns = list(columns)
    if weights is None:
        return pd.Series(1.0 / len(columns), index=columns, name="weight")
    if isinstance(weights, pd.Series):
        weights = weights.to_dict()
    if not isinstance(weights, Mapping):
        raise ValueError(f"weights must be a dict {{evidence column: weight}}, not {type(weights).__name__}")
    unknown = [k for k in weights if k not in columns]
    if unknown:
        raise ValueError(f"weights name unknown evidence column(s) {', '.join(map(repr, unknown))}; the evidence columns are {', '.join(columns)}")
    missing = [c for c in columns if c not in weights]
    if missing:
        raise ValueError(f"weights give no weight to {', '.join(missing)}; give every evidence column a weight (0 leaves one out)")
    values = {}
    for c in columns:
        try:
            w = float(weights[c])
        except (TypeError, ValueError):
            raise ValueError(f"weight of {c} must be a number, not {weights[c]!r}") from None
        if not np.isfinite(w):
            raise ValueError(f"weight of {c} must be finite, not {weights[c]!r}")
        if w < 0:
            raise ValueError(f"weight of {c} is negative ({w:g}); weights must be >= 0")
        values[c] = w
    total = sum(values.values())
    if total <= 0:
        raise ValueError("weights are all zero; at least one evidence column needs a positive weight")
    return pd.Series({c: v / total for c, v in values.items()}, name="weight")


def _aggregate_array(V: np.ndarray, W: np.ndarray, method: str) -> np.ndarray:
    """Weighted means of the rows of V (focus areas x columns) for each weight row of W (runs x columns).

    Missing values are skipped and the weights of the rest rescaled, as COINr's ``a_amean``
    and ``a_gmean`` do; a row with no weighted value left is NaN.
    """
    W = np.atleast_2d(W)
    avail = ~np.isnan(V)
    den = W @ avail.T.astype(float)
    if method == "arithmetic":
        num = W @ np.where(avail, V, 0.0).T
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    logs = np.log(np.where(avail, V, 1.0))
    num = W @ logs.T
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return np.where(den > 0, np.exp(num / np.where(den > 0, den, 1.0)), np.nan)


def aggregate(
    normalised: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    method: str = "arithmetic",
    columns: Sequence[str] | None = None,
) -> pd.Series:
    """Combine the normalised evidence into one score per row (Handbook step 7).

    * ``"arithmetic"``: ``score = sum_k w_k x_k / sum_k w_k``. A strong column can make up
      for a weak one (full compensability).
    * ``"geometric"``: ``score = prod_k x_k^(w_k / sum w)``. A weak column pulls the score
      down more than a strong one lifts it (partial compensability), as the HDI and INFORM
      use. It needs strictly positive values: normalise onto a positive scale first, as
      :func:`rank_focus_areas` does (min-max onto [1, 100], z-scores with mean 10 and sd 2,
      or ranks 1..n), following COINr.

    Missing values are skipped and the remaining weights rescaled (COINr's ``a_amean`` and
    ``a_gmean``); a row with nothing left is NaN.

    Parameters
    ----------
    normalised : pandas.DataFrame
        Output of :func:`normalise` (or any frame with numeric evidence columns).
    weights : dict, optional
        Per evidence column (see :func:`check_weights`); equal by default.
    method : {"arithmetic", "geometric"}
    columns : list of str, optional
        The evidence columns (default: ``normalised.attrs["evidence"]``).

    Returns
    -------
    pandas.Series
        ``score``, aligned with the rows of ``normalised``.

    Raises
    ------
    ValueError
        For geometric aggregation of a value that is zero or negative.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [0.6971], "b": [0.3447], "c": [0.5506]})
    >>> round(float(aggregate(t, columns=["a", "b", "c"], method="geometric").iloc[0]), 3)
    0.51
    """
    _check_choice("method", method, AGGREGATIONS)
    cols = _evidence_columns(normalised, columns)
    w = check_weights(weights, cols)
    V = _values(normalised, cols)
    if method == "geometric":
        bad = ~np.isnan(V) & (V <= 0)
        if bad.any():
            r, k = np.argwhere(bad)[0]
            raise ValueError(f"geometric aggregation needs strictly positive values, but {cols[k]} is {V[r, k]:g} in row {r}; "
                             "normalise onto a positive scale (min-max onto [1, 100], z-scores with mean 10 and sd 2, or ranks)")
    score = _aggregate_array(V, w.to_numpy(), method)[0]
    return pd.Series(score, index=normalised.index, name="score")


def _scale(normalisation: str, aggregation: str):
    table = POSITIVE_SCALE if aggregation == "geometric" else DEFAULT_SCALE
    return table.get(normalisation)


def _id_frame(matrix: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in _ID_COLUMNS if c in matrix.columns]
    return matrix[cols].copy() if cols else pd.DataFrame({"row": matrix.index}, index=matrix.index)


def rank_focus_areas(
    matrix: pd.DataFrame,
    *,
    normalisation: str = "minmax",
    aggregation: str = "arithmetic",
    weights: Mapping[str, float] | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Normalise, weight, aggregate and rank: the nominal ranking of the focus areas.

    For geometric aggregation the normalised values are made strictly positive as COINr
    does: min-max onto [1, 100] instead of [0, 100], z-scores with mean 10 and sd 2
    (negative only below -5 sd, which cannot happen with fewer than 27 rows); ranks
    already run from 1.

    Ties: tied scores share the best rank (competition ranking, "1, 2, 2, 4"), as a league
    table does. A focus area without any evidence gets no score and no rank.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`evidence_matrix` (or :func:`goal_evidence`).
    normalisation : {"minmax", "zscore", "rank"}
    aggregation : {"arithmetic", "geometric"}
    weights : dict, optional
        Per evidence column (validated by :func:`check_weights`); equal by default.
    columns : list of str, optional
        The evidence columns (default: ``matrix.attrs["evidence"]``).

    Returns
    -------
    pandas.DataFrame
        Best first: ``rank``, the identifying columns (``focus_area_id``, ``focus_area``,
        ``selected``), ``score``, ``n_evidence`` (evidence columns with a value and a
        positive weight), the normalised evidence columns (``norm_<column>``),
        ``normalisation`` and ``aggregation``. ``attrs["weights"]`` holds the weights.

    Examples
    --------
    >>> r = rank_focus_areas(evidence_matrix(load_assessment("data/sample")))  # doctest: +SKIP
    >>> r[["rank", "focus_area_id", "score"]].head(3)                          # doctest: +SKIP
    """
    _check_choice("normalisation", normalisation, NORMALISATIONS)
    _check_choice("aggregation", aggregation, AGGREGATIONS)
    cols = _evidence_columns(matrix, columns)
    w = check_weights(weights, cols)
    norm = normalise(matrix, method=normalisation, columns=cols, scale=_scale(normalisation, aggregation))
    score = aggregate(norm, weights=w.to_dict(), method=aggregation, columns=cols)
    out = _id_frame(matrix)
    out.insert(0, "rank", pd.array(_competition_rank(score.to_numpy()), dtype="Float64").astype("Int64"))
    out["score"] = score.to_numpy()
    V = _values(norm, cols)
    out["n_evidence"] = (~np.isnan(V) & (w.to_numpy() > 0)).sum(axis=1)
    for k, c in enumerate(cols):
        out[f"norm_{c}"] = V[:, k]
    out["normalisation"] = normalisation
    out["aggregation"] = aggregation
    order = np.lexsort((np.arange(len(out)), out["rank"].astype("Float64").fillna(np.inf).to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    out.attrs = {"weights": w.to_dict(), "evidence": cols, "normalisation": normalisation, "aggregation": aggregation}
    return out


# ---------------------------------------------------------------------------
# 6. Uncertainty and sensitivity analysis
# ---------------------------------------------------------------------------


@dataclass
class UncertaintyResult:
    """The result of :func:`uncertainty_analysis`.

    Attributes
    ----------
    summary : DataFrame
        Per focus area, best median rank first: identifying columns, ``nominal_score``,
        ``nominal_rank``, ``rank_median``, ``rank_low``, ``rank_high`` (the ``ci`` rank
        interval), ``share_top_k``, ``share_first``, ``rank_mean``, ``top_k`` and
        ``n_runs``.
    sensitivity : DataFrame
        One row per modelling factor (the "which choice moves the ranking most" table):
        ``factor``, ``label``, ``mean_abs_rank_shift``, ``max_abs_rank_shift``,
        ``share_leader_changed``, ``share_top_k_changed``, ``n_options`` and ``order``
        (1 = moves the ranking most).
    options : DataFrame
        The same measures for each option of each factor, varied alone from the nominal
        settings (for the weights, over the Monte Carlo weight draws).
    runs : DataFrame
        One row per run: ``run``, ``normalisation``, ``aggregation``, ``left_out`` and
        ``weight_<column>``.
    ranks : DataFrame
        Long table of every run: ``run``, the key column, ``score`` and ``rank``.
    top_sets : DataFrame
        How often each set of focus areas fills the top k: ``top_set``, ``n_runs``,
        ``share``.
    settings : dict
        The nominal settings and the Monte Carlo design.
    """

    summary: pd.DataFrame
    sensitivity: pd.DataFrame
    options: pd.DataFrame
    runs: pd.DataFrame
    ranks: pd.DataFrame
    top_sets: pd.DataFrame
    settings: dict = field(default_factory=dict)

    def share_selected_fill_top(self) -> float:
        """Share of runs in which the selected focus areas fill the top places (as many as they are)."""
        return self.settings.get("share_selected_fill_top", np.nan)


def _rank_matrix(S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Competition ranks (min) and the size of each tie group, row-wise; NaN scores unranked."""
    from scipy.stats import rankdata

    S = np.round(S, TIE_DECIMALS)  # equal in exact arithmetic: no float noise may break a tie
    filled = np.where(np.isnan(S), np.inf, -S)
    rmin = rankdata(filled, method="min", axis=1).astype(float)
    rmax = rankdata(filled, method="max", axis=1).astype(float)
    nan = np.isnan(S)
    return np.where(nan, np.nan, rmin), np.where(nan, np.nan, rmax - rmin + 1)


def _share_top(rmin: np.ndarray, size: np.ndarray, k: int) -> np.ndarray:
    """Per run and focus area, the share of a top-k place it holds: ties at the boundary split the places left."""
    with np.errstate(invalid="ignore"):
        share = np.clip(k - (rmin - 1.0), 0.0, size) / size
    return np.where(np.isnan(rmin), 0.0, share)


@dataclass
class _Design:
    columns: list[str]
    X: np.ndarray
    w: np.ndarray
    normalisations: tuple[str, ...]
    aggregations: tuple[str, ...]
    left_out_options: list[str | None]
    nominal_normalisation: str
    nominal_aggregation: str
    normalised: dict = field(default_factory=dict)

    def values(self, norm: str, agg: str) -> np.ndarray:
        key = (norm, agg)
        if key not in self.normalised:
            V, _ = _normalise_array(self.X, norm, _scale(norm, agg))
            if agg == "geometric" and (~np.isnan(V) & (V <= 0)).any():
                raise ValueError("geometric aggregation of z-scores needs values above -5 standard deviations; "
                                 "leave 'geometric' or 'zscore' out of the Monte Carlo for this matrix")
            self.normalised[key] = V
        return self.normalised[key]

    def scores(self, norm_idx: np.ndarray, agg_idx: np.ndarray, W: np.ndarray) -> np.ndarray:
        """Scores (runs x rows) for each run's normalisation, aggregation and weights."""
        S = np.full((len(W), self.X.shape[0]), np.nan)
        for i, norm in enumerate(self.normalisations):
            for j, agg in enumerate(self.aggregations):
                runs = np.flatnonzero((norm_idx == i) & (agg_idx == j))
                if len(runs):
                    S[runs] = _aggregate_array(self.values(norm, agg), W[runs], agg)
        return S


def _design(matrix, *, weights, columns, normalisations, aggregations, leave_one_out, nominal_normalisation, nominal_aggregation) -> _Design:
    cols = _evidence_columns(matrix, columns)
    w = check_weights(weights, cols).to_numpy()
    normalisations = tuple(dict.fromkeys(normalisations))
    aggregations = tuple(dict.fromkeys(aggregations))
    for n in normalisations:
        _check_choice("normalisations", n, NORMALISATIONS)
    for a in aggregations:
        _check_choice("aggregations", a, AGGREGATIONS)
    _check_choice("normalisation", nominal_normalisation, NORMALISATIONS)
    _check_choice("aggregation", nominal_aggregation, AGGREGATIONS)
    if not normalisations or not aggregations:
        raise ValueError("normalisations and aggregations must each offer at least one method")
    if nominal_normalisation not in normalisations:
        normalisations = (nominal_normalisation, *normalisations)
    if nominal_aggregation not in aggregations:
        aggregations = (nominal_aggregation, *aggregations)
    positive = [c for c, x in zip(cols, w) if x > 0]
    left = [None] + (positive if leave_one_out and len(positive) > 1 else [])
    return _Design(cols, _values(matrix, cols), w, normalisations, aggregations, left, nominal_normalisation, nominal_aggregation)


def _draw_weights(rng, w: np.ndarray, n: int, concentration: float) -> np.ndarray:
    """Dirichlet draws centred on w (mean w), on the columns with a positive weight."""
    W = np.zeros((n, len(w)))
    pos = w > 0
    if pos.sum() == 1:
        W[:, pos] = 1.0
    else:
        W[:, pos] = rng.dirichlet(concentration * w[pos], size=n)
    return W


def _drop(W: np.ndarray, left_idx: np.ndarray, design: _Design) -> np.ndarray:
    W = W.copy()
    for i, c in enumerate(design.left_out_options):
        if c is not None:
            W[left_idx == i, design.columns.index(c)] = 0.0
    return W


def uncertainty_analysis(
    matrix: pd.DataFrame,
    *,
    n_runs: int = 1000,
    seed: int = 2017,
    weights: Mapping[str, float] | None = None,
    dirichlet_concentration: float = DEFAULT_CONCENTRATION,
    top_k: int = DEFAULT_TOP_K,
    normalisations: Sequence[str] = NORMALISATIONS,
    aggregations: Sequence[str] = AGGREGATIONS,
    leave_one_out: bool = True,
    normalisation: str = "minmax",
    aggregation: str = "arithmetic",
    columns: Sequence[str] | None = None,
    ci: float = DEFAULT_CI,
) -> UncertaintyResult:
    """How much the ranking rests on the modelling choices: Monte Carlo uncertainty and sensitivity analysis.

    Each of ``n_runs`` runs draws, independently and uniformly, (1) a normalisation method
    from ``normalisations``, (2) an aggregation from ``aggregations``, (3) which evidence
    source to leave out, "none" or one of the evidence columns (``leave_one_out``), and
    (4) weights from a Dirichlet distribution centred on the chosen weights ``w``:
    ``Dirichlet(dirichlet_concentration x w)``, whose mean is ``w``. With four equal weights
    and the default concentration 20 each weight has a standard deviation of about 0.09 (90%
    of draws between about 0.11 and 0.42). The left-out column's weight is set to 0. All runs
    are scored at once (numpy): the normalised matrices are computed once per method and
    each run's scores are a matrix product.

    The sensitivity table answers "which choice moves the ranking most": each factor is
    drawn alone as in the Monte Carlo while the others stay at the nominal settings (the
    given normalisation, aggregation and weights, nothing left out), and the mean absolute
    shift of the focus areas' ranks from the nominal ranking is averaged over its draws
    (for the weights, over the ``n_runs`` Dirichlet draws; for the discrete factors, over
    their options, the nominal option included, each with its Monte Carlo probability).

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`evidence_matrix`.
    n_runs : int
        Number of Monte Carlo runs.
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives the same result.
    weights : dict, optional
        The chosen (nominal) weights; equal by default.
    dirichlet_concentration : float
        Total concentration of the Dirichlet distribution of the weights: larger stays
        closer to the chosen weights.
    top_k : int
        ``share_top_k`` counts the runs in which a focus area is among the first ``top_k``
        (a tie across the boundary shares the places left evenly, so the shares sum to
        ``top_k``).
    normalisations, aggregations : sequence of str
        The options drawn (the nominal one is always included).
    leave_one_out : bool
        Also draw which evidence source to leave out.
    normalisation, aggregation : str
        The nominal settings (those of :func:`rank_focus_areas`).
    columns : list of str, optional
        The evidence columns.
    ci : float
        Coverage of the rank interval; 0.90 gives the 5th and 95th percentiles (inverted
        CDF, so the bounds are ranks that occurred).

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    >>> u = uncertainty_analysis(evidence_matrix(a), n_runs=1000, seed=2017)  # doctest: +SKIP
    >>> u.summary[["focus_area_id", "rank_median", "rank_low", "rank_high", "share_top_k"]]  # doctest: +SKIP
    """
    n_runs = int(n_runs)
    if n_runs < 1:
        raise ValueError(f"n_runs must be at least 1, not {n_runs}")
    if not (np.isfinite(dirichlet_concentration) and dirichlet_concentration > 0):
        raise ValueError(f"dirichlet_concentration must be a positive number, not {dirichlet_concentration!r}")
    if isinstance(top_k, bool) or int(top_k) != top_k or top_k < 1:
        raise ValueError(f"top_k must be a positive whole number, not {top_k!r}")
    if not 0 < float(ci) < 1:
        raise ValueError(f"ci must be strictly between 0 and 1, not {ci!r}")
    top_k = int(top_k)
    design = _design(matrix, weights=weights, columns=columns, normalisations=normalisations, aggregations=aggregations,
                     leave_one_out=leave_one_out, nominal_normalisation=normalisation, nominal_aggregation=aggregation)
    rng = np.random.default_rng(seed)
    norm_idx = rng.integers(0, len(design.normalisations), n_runs)
    agg_idx = rng.integers(0, len(design.aggregations), n_runs)
    left_idx = rng.integers(0, len(design.left_out_options), n_runs)
    W_draw = _draw_weights(rng, design.w, n_runs, float(dirichlet_concentration))
    W = _drop(W_draw, left_idx, design)
    S = design.scores(norm_idx, agg_idx, W)
    R, size = _rank_matrix(S)

    # Nominal ranking
    nom_n = design.normalisations.index(normalisation)
    nom_a = design.aggregations.index(aggregation)
    S0 = design.scores(np.array([nom_n]), np.array([nom_a]), design.w[None, :])
    R0, _ = _rank_matrix(S0)
    r0 = R0[0]

    F = design.X.shape[0]
    ids = _id_frame(matrix).reset_index(drop=True)
    key = _key(matrix) or ids.columns[0]
    tail = (1.0 - float(ci)) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a focus area with no evidence: all-NaN column
        low = np.nanquantile(R, tail, axis=0, method="inverted_cdf") if F else np.array([])
        high = np.nanquantile(R, 1.0 - tail, axis=0, method="inverted_cdf") if F else np.array([])
        median = np.nanmedian(R, axis=0) if F else np.array([])
        mean = np.nanmean(R, axis=0) if F else np.array([])
    summary = ids.copy()
    summary["nominal_score"] = S0[0]
    summary["nominal_rank"] = r0
    summary["rank_median"] = median
    summary["rank_low"] = low
    summary["rank_high"] = high
    summary["share_top_k"] = _share_top(R, size, top_k).mean(axis=0) if F else []
    summary["share_first"] = _share_top(R, size, 1).mean(axis=0) if F else []
    summary["rank_mean"] = mean
    summary["top_k"] = top_k
    summary["n_runs"] = n_runs
    order = np.lexsort((np.arange(F), -summary["share_top_k"].to_numpy(), np.nan_to_num(r0, nan=np.inf),
                        np.nan_to_num(summary["rank_median"].to_numpy(), nan=np.inf)))
    summary = summary.iloc[order].reset_index(drop=True)

    # Which set fills the top k (ties at the boundary broken by row order: stable sort).
    if F:
        order_runs = np.argsort(np.where(np.isnan(S), np.inf, -np.round(S, TIE_DECIMALS)), axis=1, kind="stable")[:, : min(top_k, F)]
        keys = ids[key].astype(str).to_numpy()
        sets = [" ".join(sorted(keys[row])) for row in order_runs]
        top_sets = pd.Series(sets).value_counts().rename_axis("top_set").reset_index(name="n_runs")
        top_sets["share"] = top_sets["n_runs"] / n_runs
    else:
        top_sets = pd.DataFrame(columns=["top_set", "n_runs", "share"])
    selected = ids["selected"].to_numpy(dtype=bool) if "selected" in ids else np.zeros(F, dtype=bool)
    share_fill = np.nan
    if selected.any() and F:
        m = int(selected.sum())
        held = _share_top(R, size, m)[:, selected].sum(axis=1)
        share_fill = float(np.mean(np.isclose(held, m)))

    options, sensitivity = _sensitivity(design, r0, W_draw=W_draw, top_k=top_k)
    runs = pd.DataFrame({
        "run": np.arange(1, n_runs + 1),
        "normalisation": np.array(design.normalisations)[norm_idx],
        "aggregation": np.array(design.aggregations)[agg_idx],
        "left_out": [design.left_out_options[i] or _NONE for i in left_idx],
    })
    for k, c in enumerate(design.columns):
        runs[f"weight_{c}"] = W[:, k] / W.sum(axis=1)
    ranks = pd.DataFrame({
        "run": np.repeat(np.arange(1, n_runs + 1), F),
        key: np.tile(ids[key].to_numpy(), n_runs),
        "score": S.ravel(),
        "rank": R.ravel(),
    })
    settings = {
        "n_runs": n_runs, "seed": seed, "top_k": top_k, "ci": float(ci), "dirichlet_concentration": float(dirichlet_concentration),
        "weights": dict(zip(design.columns, design.w)), "normalisations": design.normalisations, "aggregations": design.aggregations,
        "left_out_options": [c or _NONE for c in design.left_out_options], "normalisation": normalisation, "aggregation": aggregation,
        "evidence": design.columns, "share_selected_fill_top": share_fill, "n_selected": int(selected.sum()),
    }
    return UncertaintyResult(summary, sensitivity, options, runs, ranks, top_sets, settings)


def _shift_stats(R: np.ndarray, r0: np.ndarray, top_k: int) -> dict:
    """Mean and max absolute rank shift from the nominal ranking, and how often the leader or top k change."""
    scored = ~np.isnan(r0)
    if not scored.any():
        return {"mean_abs_rank_shift": np.nan, "max_abs_rank_shift": np.nan, "share_leader_changed": np.nan, "share_top_k_changed": np.nan}
    d = np.abs(R[:, scored] - r0[scored])
    leader0 = r0[scored] == 1
    lead = R[:, scored] == 1
    top0 = r0[scored] <= top_k
    top = R[:, scored] <= top_k
    return {
        "mean_abs_rank_shift": float(np.nanmean(d)),
        "max_abs_rank_shift": float(np.nanmax(d)),
        "share_leader_changed": float(np.mean((lead != leader0).any(axis=1))),
        "share_top_k_changed": float(np.mean((top != top0).any(axis=1))),
    }


def _sensitivity(design: _Design, r0: np.ndarray, *, W_draw: np.ndarray, top_k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One factor at a time from the nominal settings: options table and factor table."""
    nom_n = design.normalisations.index(design.nominal_normalisation)
    nom_a = design.aggregations.index(design.nominal_aggregation)
    w0 = design.w[None, :]
    rows = []

    def ranks_for(norm_i, agg_i, W):
        S = design.scores(np.full(len(W), norm_i), np.full(len(W), agg_i), W)
        return _rank_matrix(S)[0]

    for i, m in enumerate(design.normalisations):
        rows.append({"factor": "normalisation", "option": _method(m), "nominal": i == nom_n, "weight": 1.0 / len(design.normalisations),
                     **_shift_stats(ranks_for(i, nom_a, w0), r0, top_k)})
    for j, a in enumerate(design.aggregations):
        rows.append({"factor": "aggregation", "option": _method(a), "nominal": j == nom_a, "weight": 1.0 / len(design.aggregations),
                     **_shift_stats(ranks_for(nom_n, j, w0), r0, top_k)})
    for c in design.left_out_options:
        W = w0.copy()
        if c is not None:
            W[0, design.columns.index(c)] = 0.0
        label = tr("synthesis.option.nothing_left_out") if c is None else tr("synthesis.option.leave_out", evidence=_evidence(c, "label").lower())
        rows.append({"factor": "left_out", "option": label, "nominal": c is None, "weight": 1.0 / len(design.left_out_options),
                     **_shift_stats(ranks_for(nom_n, nom_a, W), r0, top_k)})
    Rw = ranks_for(nom_n, nom_a, W_draw)
    stats = _shift_stats(Rw, r0, top_k)
    if (~np.isnan(r0)).any():
        stats["mean_abs_rank_shift"] = float(np.mean(np.nanmean(np.abs(Rw - r0)[:, ~np.isnan(r0)], axis=1)))
    rows.append({"factor": "weights", "option": tr("synthesis.option.dirichlet", n=f"{len(W_draw):,}"), "nominal": False, "weight": 1.0, **stats})
    options = pd.DataFrame(rows)
    factors = []
    for f in FACTORS:
        sub = options[options["factor"] == f]
        if sub.empty:
            continue
        wts = sub["weight"].to_numpy()
        factors.append({
            "factor": f,
            "label": tr(f"synthesis.factor_label.{f}"),
            "mean_abs_rank_shift": float(np.sum(wts * sub["mean_abs_rank_shift"].to_numpy()) / wts.sum()),
            "max_abs_rank_shift": float(sub["max_abs_rank_shift"].max()),
            "share_leader_changed": float(np.sum(wts * sub["share_leader_changed"].to_numpy()) / wts.sum()),
            "share_top_k_changed": float(np.sum(wts * sub["share_top_k_changed"].to_numpy()) / wts.sum()),
            "n_options": int(len(W_draw)) if f == "weights" else int(len(sub)),
        })
    sensitivity = pd.DataFrame(factors)
    if len(sensitivity):
        sensitivity = sensitivity.sort_values(["mean_abs_rank_shift", "factor"], ascending=[False, True], kind="stable").reset_index(drop=True)
        sensitivity["order"] = np.arange(1, len(sensitivity) + 1)
    options = options.drop(columns="weight")
    return options, sensitivity


def sobol_indices(
    matrix: pd.DataFrame,
    *,
    n_base: int = 512,
    seed: int = 2017,
    weights: Mapping[str, float] | None = None,
    dirichlet_concentration: float = DEFAULT_CONCENTRATION,
    normalisations: Sequence[str] = NORMALISATIONS,
    aggregations: Sequence[str] = AGGREGATIONS,
    leave_one_out: bool = True,
    normalisation: str = "minmax",
    aggregation: str = "arithmetic",
    columns: Sequence[str] | None = None,
    num_resamples: int = 200,
) -> pd.DataFrame:
    """Variance-based (Sobol) first-order and total indices of each focus area's rank (needs SALib).

    The same four factors as :func:`uncertainty_analysis` (normalisation, aggregation,
    left-out evidence source, weights) are sampled with Saltelli's design (Saltelli et al.
    2010, as in COINr) over the unit hypercube: a discrete factor with m options takes
    option ``floor(u x m)``; the weights are one *group* of factors, each weight ``u_k``
    mapped to a Gamma(``concentration x w_k``) quantile and the set rescaled to sum to 1,
    which is a Dirichlet draw. With G = 4 groups and no second-order indices the design has
    ``n_base x (G + 2)`` runs. The indices are computed per focus area on its rank, and
    summarised over focus areas weighted by the variance of their ranks.

    SALib is an optional dependency: ``pip install SALib``.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`evidence_matrix`.
    n_base : int
        Base sample size N (a power of 2 suits the Sobol sequence).
    seed : int
        Seed of the sampler and of the bootstrap of the confidence intervals.
    weights, dirichlet_concentration, normalisations, aggregations, leave_one_out, normalisation, aggregation, columns
        As in :func:`uncertainty_analysis`.
    num_resamples : int
        Bootstrap resamples for the confidence intervals of the indices.

    Returns
    -------
    pandas.DataFrame
        ``focus_area_id`` (``"(all)"`` for the variance-weighted summary), ``factor``,
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf``, ``rank_variance`` and ``n_runs``. A focus
        area whose rank never changes has NaN indices.

    Raises
    ------
    ImportError
        When SALib is not installed.

    Examples
    --------
    >>> sobol_indices(evidence_matrix(a), n_base=512)  # doctest: +SKIP
    """
    try:
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample
        from SALib.util import extract_group_names
    except ImportError as exc:
        raise ImportError(
            "sobol_indices needs SALib, which is not installed. Install it with `pip install SALib` "
            "(it is an optional dependency of pra_lib); uncertainty_analysis() needs no extra package."
        ) from exc
    from scipy.stats import gamma

    n_base = int(n_base)
    if n_base < 2:
        raise ValueError(f"n_base must be at least 2, not {n_base}")
    design = _design(matrix, weights=weights, columns=columns, normalisations=normalisations, aggregations=aggregations,
                     leave_one_out=leave_one_out, nominal_normalisation=normalisation, nominal_aggregation=aggregation)
    K = len(design.columns)
    names = ["normalisation", "aggregation", "left_out", *[f"weight_{c}" for c in design.columns]]
    groups = ["normalisation", "aggregation", "left_out", *["weights"] * K]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names), "groups": groups}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns when n_base is not a power of 2
        U = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    eps = 1e-12
    U = np.clip(U, eps, 1 - eps)
    norm_idx = np.minimum((U[:, 0] * len(design.normalisations)).astype(int), len(design.normalisations) - 1)
    agg_idx = np.minimum((U[:, 1] * len(design.aggregations)).astype(int), len(design.aggregations) - 1)
    left_idx = np.minimum((U[:, 2] * len(design.left_out_options)).astype(int), len(design.left_out_options) - 1)
    W = np.zeros((len(U), K))
    pos = design.w > 0
    alpha = float(dirichlet_concentration) * design.w[pos]
    if pos.sum() == 1:
        W[:, pos] = 1.0
    else:
        G = gamma.ppf(U[:, 3:][:, pos], alpha)
        W[:, pos] = G / G.sum(axis=1, keepdims=True)
    W = _drop(W, left_idx, design)
    S = design.scores(norm_idx, agg_idx, W)
    R, _ = _rank_matrix(S)
    ids = _id_frame(matrix).reset_index(drop=True)
    key = _key(matrix) or ids.columns[0]
    factors, _ = extract_group_names(problem)  # SALib's order of the groups
    factors = list(factors)
    rows = []
    variances = []
    for f in range(R.shape[1]):
        y = R[:, f]
        var = float(np.nanvar(y)) if np.isfinite(y).any() else np.nan
        variances.append(var)
        if not np.isfinite(var) or var == 0:
            for name in factors:
                rows.append({key: ids[key].iloc[f], "factor": name, "S1": np.nan, "S1_conf": np.nan, "ST": np.nan, "ST_conf": np.nan, "rank_variance": var})
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=int(num_resamples), seed=seed, print_to_console=False)
        for i, name in enumerate(factors):
            rows.append({key: ids[key].iloc[f], "factor": name, "S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
                         "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i]), "rank_variance": var})
    out = pd.DataFrame(rows)
    if len(out):
        ok = out.dropna(subset=["S1"])
        for name in factors:
            sub = ok[ok["factor"] == name]
            wv = sub["rank_variance"].to_numpy()
            agg = {c: float(np.sum(wv * sub[c].to_numpy()) / wv.sum()) if wv.sum() > 0 else np.nan for c in ("S1", "ST")}
            out = pd.concat([out, pd.DataFrame([{key: "(all)", "factor": name, **agg, "S1_conf": np.nan, "ST_conf": np.nan,
                                                  "rank_variance": float(np.nansum(variances))}])], ignore_index=True)
    out["n_runs"] = len(U)
    return out


# ---------------------------------------------------------------------------
# 7. The evidence trail
# ---------------------------------------------------------------------------


def evidence_trail(
    assessment,
    focus_area_id: str | Sequence[str] | None = None,
    *,
    n_titles: int = 3,
    **options,
) -> pd.DataFrame:
    """Why each focus area ranked where it did: the goals, hazards, interview codes and actions behind it.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    focus_area_id : str or list of str, optional
        One or several focus areas; all by default.
    n_titles : int
        How many action titles to quote (those linked to most of its goals and hazards).
    **options
        As in :func:`evidence_matrix` (precomputed tables, activities, ``alpha``...).

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per piece of evidence: ``focus_area_id``, ``focus_area``, ``kind``
        ("goal", "shock", "stress", "interview code", "actions"), ``item_id``, ``item``,
        ``value``, ``unit``, ``n`` and ``detail``:

        * goal: mean performance rating (1-5), ``n`` respondents, the share rating it poor;
        * shock / stress: risk points (:func:`hazard_risk`), ``n`` raters, the basis;
        * interview code: weakness statements with this code tagged to the focus area's
          goals or hazards, ``n`` interviewees who made them;
        * actions: the number of distinct actions on its goals and hazards, with their
          status and a few titles (``n`` empty: it counts no people).

        Publish it with ``report.table(trail, ..., count="n")`` so that codes raised by
        few interviewees are suppressed.

    Examples
    --------
    >>> evidence_trail(load_assessment("data/sample"), "FA2")  # doctest: +SKIP
    """
    known = {"goal_scores", "shock_scores", "stress_scores", "compound", "coverage_goal", "coverage_hazard", "perception_activity",
             "perception_channels", "shocks_activity", "stresses_activity", "interview_activity", "alpha", "stress_likelihood"}
    unknown = sorted(set(options) - known - {"risk_summary"})
    if unknown:
        raise ValueError(f"evidence_trail: unknown option(s) {', '.join(unknown)}")
    defaults = {"perception_activity": DEFAULT_ACTIVITIES["perception"], "perception_channels": ("online", "offline"),
                "shocks_activity": DEFAULT_ACTIVITIES["shocks"], "stresses_activity": DEFAULT_ACTIVITIES["stresses"],
                "interview_activity": DEFAULT_ACTIVITIES["interviews"], "alpha": risk.DEFAULT_ALPHA, "stress_likelihood": STRESS_LIKELIHOOD}
    args = {k: options.get(k) for k in ("goal_scores", "shock_scores", "stress_scores", "compound", "coverage_goal", "coverage_hazard")}
    args |= {k: options.get(k, v) for k, v in defaults.items()}
    inp = _inputs(assessment, **args)
    scopes = _scopes(assessment)
    if focus_area_id is not None:
        wanted = [focus_area_id] if isinstance(focus_area_id, str) else list(focus_area_id)
        unknown_fa = [f for f in wanted if f not in set(scopes["focus_area_id"])]
        if unknown_fa:
            raise ValueError(f"evidence_trail: unknown focus area(s) {', '.join(unknown_fa)}; the assessment has {', '.join(scopes['focus_area_id'])}")
        scopes = scopes[scopes["focus_area_id"].isin(wanted)]
    scores = inp.goal_scores.set_index("goal_id")
    haz = inp.hazards.set_index("hazard_id")
    st = inp.statements
    rows = []
    for fa in scopes.itertuples(index=False):
        base = {"focus_area_id": fa.focus_area_id, "focus_area": fa.focus_area}
        goal_rows = []
        for g in fa.goals:
            mean = float(_num([scores["mean"].get(g, np.nan)]).iloc[0]) if g in scores.index else np.nan
            n = float(_num([scores["n"].get(g, np.nan)]).iloc[0]) if g in scores.index else np.nan
            neg = float(_num([scores["share_negative"].get(g, np.nan)]).iloc[0]) if g in scores.index and "share_negative" in scores else np.nan
            label = scores["goal_label"].get(g, g) if g in scores.index and "goal_label" in scores else g
            goal_rows.append(base | {"kind": "goal", "item_id": g, "item": label, "value": mean, "unit": tr("synthesis.trail.unit.goal"),
                                     "n": n, "detail": tr("synthesis.trail.poor", share=_pct(neg)) if not np.isnan(neg) else tr("synthesis.not_rated_or_suppressed")})
        rows += sorted(goal_rows, key=lambda r: (np.inf if np.isnan(r["value"]) else r["value"]))
        hazard_rows = []
        for h in fa.hazards:
            if h in haz.index:
                x = haz.loc[h]
                hazard_rows.append(base | {"kind": x["hazard_type"], "item_id": h, "item": x["hazard"], "value": x["risk_points"],
                                           "unit": tr("synthesis.trail.unit.risk"), "n": x["n"], "detail": x["basis"]})
            else:
                hazard_rows.append(base | {"kind": "hazard", "item_id": h, "item": h, "value": np.nan, "unit": tr("synthesis.trail.unit.risk"), "n": np.nan,
                                           "detail": tr("synthesis.trail.not_in_hazards")})
        rows += sorted(hazard_rows, key=lambda r: (-np.inf if np.isnan(r["value"]) else -r["value"]))
        if len(st):
            mine = st[st["goal_id"].isin(fa.goals) | st["hazard_id"].isin(fa.hazards)]
            by_code = mine.groupby("code", sort=False).agg(n_statements=("statement_id", "size"), n=("respondent_id", "nunique"),
                                                             goal_id=("goal_id", lambda s: " ".join(_ids(s))),
                                                             hazard_id=("hazard_id", lambda s: " ".join(_ids(s))))
            by_code = by_code.reset_index().sort_values(["n_statements", "n", "code"], ascending=[False, False, True], kind="stable")
            for c in by_code.itertuples(index=False):
                tags = " ".join(t for t in (c.goal_id, c.hazard_id) if t)
                rows.append(base | {"kind": "interview code", "item_id": None, "item": c.code, "value": float(c.n_statements),
                                    "unit": tr("synthesis.trail.unit.statements"), "n": float(c.n), "detail": tr("synthesis.trail.tagged", tags=tags)})
        acts = _linked_actions(assessment, fa.goals, fa.hazards)
        status = acts["status"].fillna("not recorded").value_counts() if len(acts) else pd.Series(dtype=int)
        titles = [str(t) for t in acts["title"].head(int(n_titles)) if pd.notna(t)]
        detail = ", ".join(f"{v} {term(k, 'status')}" for k, v in status.items()) if len(acts) else tr("synthesis.trail.no_action")
        if titles:
            detail += tr("synthesis.trail.for_example", titles="; ".join(titles))
        rows.append(base | {"kind": "actions", "item_id": None, "item": tr("synthesis.trail.actions_item"), "value": float(len(acts)),
                            "unit": tr("synthesis.trail.unit.actions"), "n": np.nan, "detail": detail})
    out = pd.DataFrame(rows, columns=["focus_area_id", "focus_area", "kind", "item_id", "item", "value", "unit", "n", "detail"])
    out["value"] = out["value"].astype(float)
    out["n"] = out["n"].astype(float)
    return out


def trail_summary(trail: pd.DataFrame, *, k: int = 3) -> pd.DataFrame:
    """One readable row per focus area from :func:`evidence_trail` (published or not).

    Returns
    -------
    pandas.DataFrame
        ``focus_area_id``, ``focus_area``, ``goals`` (each with its mean rating, weakest
        first), ``shocks_and_stresses`` (each with its risk points, highest first),
        ``interview_codes`` (the ``k`` most frequent, with their statement counts;
        suppressed codes are counted, not named) and ``actions``.

    Examples
    --------
    >>> trail_summary(evidence_trail(a))  # doctest: +SKIP
    """
    rows = []
    for (fa, name), t in trail.groupby(["focus_area_id", "focus_area"], sort=False):
        v = _num(t["value"])
        hidden = t["value"].astype(object).eq(SUPPRESSED)
        goals = t[t["kind"] == "goal"]
        hz = t[t["kind"].isin(["shock", "stress", "hazard"])]
        codes = t[(t["kind"] == "interview code") & ~hidden]
        n_hidden = int(((t["kind"] == "interview code") & hidden).sum())
        acts = t[t["kind"] == "actions"]
        code_text = "; ".join(f"{c} ({int(x)})" for c, x in zip(codes["item"].head(k), v[codes.index].head(k)))
        if n_hidden:
            code_text += ("; " if code_text else "") + tr("synthesis.trail.hidden_codes", n=n_hidden)
        none = tr("synthesis.none")
        rows.append({
            "focus_area_id": fa,
            "focus_area": name,
            "goals": "; ".join(f"{g} {i} ({_fmt(x, 2)})" for g, i, x in zip(goals["item_id"], goals["item"], v[goals.index])) or none,
            "shocks_and_stresses": "; ".join(f"{i} ({_fmt(x)})" for i, x in zip(hz["item"], v[hz.index])) or none,
            "interview_codes": code_text or none,
            "actions": (f"{int(v[acts.index].iloc[0])}: {acts['detail'].iloc[0]}" if len(acts) else none),
        })
    return pd.DataFrame(rows, columns=["focus_area_id", "focus_area", "goals", "shocks_and_stresses", "interview_codes", "actions"])


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def _empty_figure(message: str, title: str):
    from .publishing.plots import empty_figure

    return empty_figure(message, title)


def _raw_text(column: str, value: float, row: pd.Series) -> str:
    if np.isnan(value):
        return tr("common.not_available")
    if column == "perception_weakness":
        mp = row.get("mean_performance", np.nan)
        return f"{value:.2f}\n" + tr("synthesis.fig.heat.mean", mean=f"{mp:.2f}") if pd.notna(mp) else f"{value:.2f}"
    if column == "linked_risk":
        top = row.get("top_hazard")
        return f"{value:.1f}\n{_short(top, 24)}" if isinstance(top, str) else (f"{value:.0f}\n" + tr("synthesis.fig.heat.no_hazard") if value == 0 else f"{value:.1f}")
    if column == "action_gap":
        n = row.get("n_actions", np.nan)
        return f"{value:.2f}\n" + tr("synthesis.fig.heat.actions", n=int(n)) if pd.notna(n) else f"{value:.2f}"
    if column == "interview_salience":
        n = row.get("n_weakness_statements", np.nan)
        return f"{100 * value:.0f}%\n" + tr("synthesis.fig.heat.statements", n=int(n)) if pd.notna(n) else f"{100 * value:.0f}%"
    return f"{value:.3g}"


def _short(text, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def evidence_heatmap(matrix: pd.DataFrame, *, ranking: pd.DataFrame | None = None, columns: Sequence[str] | None = None,
                     title: str | None = None):
    """Heatmap of focus areas x evidence: colour = min-max normalised (0-100), text = the raw value.

    Rows follow ``ranking`` (the nominal ranking, with its score in the label) when given.
    Agreed focus areas (``selected``) are marked. A missing value is hatched.

    Examples
    --------
    >>> report.figure(evidence_heatmap(matrix, ranking=ranking), "evidence_heatmap")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap

    title = title or tr("synthesis.fig.heat.title")
    if matrix is None or matrix.empty:
        return _empty_figure(tr("synthesis.fig.heat.empty"), title)
    plt, sns = _setup()
    cols = _evidence_columns(matrix, columns)
    m = matrix.reset_index(drop=True)
    key = _key(m) or "focus_area_id"
    if ranking is not None and key in ranking:
        order = [k for k in ranking[key] if k in set(m[key])] + [k for k in m[key] if k not in set(ranking[key])]
        m = m.set_index(key).loc[order].reset_index()
        rank_of = dict(zip(ranking[key], ranking["rank"]))
        score_of = dict(zip(ranking[key], _num(ranking["score"])))
    else:
        rank_of, score_of = {}, {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        norm = normalise(m, method="minmax", columns=cols)
    grid = pd.DataFrame(_values(norm, cols), columns=[_evidence(c, "label") for c in cols])
    labels = []
    for i, lab in enumerate(_labels(m)):
        r = rank_of.get(m[key].iloc[i])
        prefix = f"{int(r)}. " if r is not None and pd.notna(r) else ""
        mark = " ★" if "selected" in m and bool(m["selected"].iloc[i]) else ""
        sc = score_of.get(m[key].iloc[i])
        score = "\n" + tr("synthesis.fig.heat.score", score=f"{sc:.1f}") if sc is not None and pd.notna(sc) else ""
        labels.append(_wrap(prefix + lab + mark, 36) + score)
    grid.index = labels
    annot = np.array([[_raw_text(c, float(_num([m[c].iloc[i]]).iloc[0]), m.iloc[i]) for c in cols] for i in range(len(m))])
    fig, ax = plt.subplots(figsize=(2.3 * len(cols) + 4.2, 0.78 * len(m) + 2.4))
    sns.heatmap(grid, annot=annot, fmt="", cmap="YlOrRd", vmin=0, vmax=100, linewidths=0.8, linecolor="white",
                cbar_kws={"label": tr("synthesis.fig.heat.cbar")}, annot_kws={"fontsize": 8.5}, ax=ax)
    from matplotlib.patches import Rectangle

    for i in range(len(m)):
        for j in range(len(cols)):
            if np.isnan(grid.iloc[i, j]):
                ax.add_patch(Rectangle((j, i), 1, 1, facecolor="#eeeeee", hatch="///", edgecolor="#bbbbbb", lw=0))
    units = [f"{_evidence(c, 'label')}\n[{_evidence(c, 'short')}]" for c in cols]
    ax.set_xticklabels(units, rotation=0, fontsize=8.5)
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0, fontsize=9)
    ax.set(xlabel="", ylabel="")
    ax.set_title(title, fontsize=13, fontweight="bold", loc="left")
    note = tr("synthesis.fig.heat.note")
    if "selected" in m:
        note += "  " + tr("synthesis.fig.heat.note_selected")
    if rank_of:
        note += "  " + tr("synthesis.fig.heat.note_order")
    fig.text(0.01, 0.005, _wrap(note, 150), fontsize=8.5, color="#455a64", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def rank_distribution_figure(result: UncertaintyResult, *, title: str | None = None):
    """Each focus area's rank across the Monte Carlo runs.

    Bubbles show how often the focus area takes each rank; the bar is the rank interval
    (90% by default), the dark dot the median rank and the open diamond the nominal rank.
    The right margin gives the share of runs in the top k and in first place. Agreed focus
    areas are blue, other candidates grey.

    Examples
    --------
    >>> report.figure(rank_distribution_figure(uncertainty), "rank_distribution")  # doctest: +SKIP
    """
    from matplotlib.lines import Line2D

    from .publishing.plots import _setup, _wrap

    s = result.summary
    title = title or tr("synthesis.fig.rdist.title")
    if s is None or s.empty:
        return _empty_figure(tr("synthesis.fig.rdist.empty"), title)
    plt, _ = _setup()
    key = _key(s) or s.columns[0]
    F = len(s)
    k = int(result.settings.get("top_k", DEFAULT_TOP_K))
    ci = float(result.settings.get("ci", DEFAULT_CI))
    n_runs = int(result.settings.get("n_runs", 0))
    fig, ax = plt.subplots(figsize=(11, 0.66 * F + 2.6))
    ranks = result.ranks
    for i, row in s.iterrows():
        colour = _SELECTED_COLOUR if bool(row.get("selected", False)) else _OTHER_COLOUR
        r = ranks.loc[ranks[key] == row[key], "rank"].dropna()
        if r.empty:
            ax.text(1, i, tr("synthesis.fig.rdist.not_ranked"), va="center", fontsize=8.5, color="#777777")
            continue
        freq = r.value_counts(normalize=True)
        ax.scatter(freq.index, [i] * len(freq), s=1100 * freq.to_numpy(), color=colour, alpha=0.28, lw=0, zorder=1)
        ax.plot([row["rank_low"], row["rank_high"]], [i, i], color=colour, lw=4, alpha=0.85, solid_capstyle="round", zorder=2)
        ax.plot(row["rank_median"], i, "o", color="#212121", ms=7, zorder=3)
        ax.plot(row["nominal_rank"], i, "D", mfc="white", mec="#212121", ms=7, mew=1.4, zorder=4)
        ax.text(F + 0.75, i, tr("synthesis.fig.rdist.shares", k=k, top=f"{_pct(row['share_top_k']):>4}", first=f"{_pct(row['share_first']):>4}"), va="center", fontsize=9,
                family="monospace")
    ax.set_yticks(range(F), [_wrap(t, 40) for t in _labels(s)], fontsize=9)
    ax.set_xlim(0.4, F + 0.6)
    ax.set_ylim(F - 0.4, -0.6)
    ax.set_xticks(range(1, F + 1))
    if k < F:
        ax.axvline(k + 0.5, color="#b71c1c", ls="--", lw=1)
        ax.text(k + 0.55, F - 0.5, tr("synthesis.fig.rdist.cut", k=k), color="#b71c1c", fontsize=8.5, va="bottom")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(tr("synthesis.fig.rdist.xlabel", ci=f"{ci:.0%}"))
    ax.set_title(title, fontsize=13, fontweight="bold", loc="left", pad=22)
    st = result.settings
    varied = ", ".join(tr(f"synthesis.fig.rdist.varied.{part}") for part, on in (
        ("normalisation", len(st.get("normalisations", ())) > 1), ("aggregation", len(st.get("aggregations", ())) > 1),
        ("weights", True), ("left_out", len(st.get("left_out_options", ())) > 1)) if on)
    ax.text(0, 1.02, tr("synthesis.fig.rdist.runs", n=f"{n_runs:,}", varied=varied), transform=ax.transAxes, fontsize=9, color="#455a64")
    handles = [Line2D([], [], marker="o", ls="", color="#212121", label=tr("synthesis.fig.rdist.median")),
               Line2D([], [], marker="D", ls="", mfc="white", mec="#212121", label=tr("synthesis.fig.rdist.nominal")),
               Line2D([], [], color=_SELECTED_COLOUR, lw=4, label=tr("synthesis.fig.rdist.agreed")),
               Line2D([], [], color=_OTHER_COLOUR, lw=4, label=tr("synthesis.fig.rdist.other"))]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8.5, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def _option_label(factor: str, option: str) -> str:
    if factor == "left_out":
        return option[0].upper() + option[1:]
    if factor == "weights":
        return tr("synthesis.fig.sens.weights_option", option=option)
    if factor in ("normalisation", "aggregation"):
        return tr(f"synthesis.fig.sens.option.{factor}", option=option)
    return f"{factor.capitalize()}: {option}"


def sensitivity_figure(result: UncertaintyResult, *, title: str | None = None):
    """Bars: the mean absolute rank shift each choice causes on its own (left), and per option (right).

    Each choice is varied alone, as the Monte Carlo draws it, with the other choices kept at
    their nominal settings; the shift is measured from the nominal ranking.

    Examples
    --------
    >>> report.figure(sensitivity_figure(uncertainty), "sensitivity")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap

    sens, opts = result.sensitivity, result.options
    title = title or tr("synthesis.fig.sens.title")
    if sens is None or sens.empty:
        return _empty_figure(tr("synthesis.fig.sens.empty"), title)
    plt, sns = _setup()
    opts = opts[~opts["nominal"]].copy()
    opts["label"] = [_option_label(f, o) for f, o in zip(opts["factor"], opts["option"])]
    opts = opts.sort_values("mean_abs_rank_shift", ascending=False, kind="stable")
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, max(3.8, 0.42 * len(opts) + 2.0)), gridspec_kw={"width_ratios": [1, 1.15]})
    cmap = dict(zip(FACTORS, sns.color_palette("Set2", len(FACTORS))))
    a1.barh([_wrap(x, 26) for x in sens["label"]], sens["mean_abs_rank_shift"], color=[cmap[f] for f in sens["factor"]])
    for i, (v, lead) in enumerate(zip(sens["mean_abs_rank_shift"], sens["share_leader_changed"])):
        a1.text(v, i, " " + tr("synthesis.fig.sens.leader", shift=f"{v:.2f}", share=_pct(lead)), va="center", fontsize=8.5)
    a1.invert_yaxis()
    a1.set_xlim(0, max(0.5, float(sens["mean_abs_rank_shift"].max()) * 1.9))
    a1.set(xlabel=tr("synthesis.fig.sens.xlabel1"), ylabel="")
    a1.set_title(tr("synthesis.fig.sens.title1"), loc="left", fontsize=11)
    a2.barh([_wrap(x, 40) for x in opts["label"]], opts["mean_abs_rank_shift"], color=[cmap[f] for f in opts["factor"]])
    for i, (v, mx) in enumerate(zip(opts["mean_abs_rank_shift"], opts["max_abs_rank_shift"])):
        a2.text(v, i, " " + tr("synthesis.fig.sens.largest", shift=f"{v:.2f}", largest=f"{mx:.0f}"), va="center", fontsize=8.5)
    a2.invert_yaxis()
    a2.set_xlim(0, max(0.5, float(opts["mean_abs_rank_shift"].max()) * 1.55))
    a2.set(xlabel=tr("synthesis.fig.sens.xlabel2"), ylabel="")
    a2.set_title(tr("synthesis.fig.sens.title2"), loc="left", fontsize=11)
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# Findings and the overall report
# ---------------------------------------------------------------------------


def _rank_text(low: float, high: float) -> str:
    if np.isnan(low) or np.isnan(high):
        return tr("synthesis.not_ranked")
    return tr("risk.rank_one", rank=int(low)) if low == high else tr("risk.rank_range", low=int(low), high=int(high))


def findings_focus_areas(ranking: pd.DataFrame, uncertainty: UncertaintyResult | None = None, *, matrix: pd.DataFrame | None = None) -> str:
    """Findings of the focus-area synthesis, as markdown computed from the results.

    Parameters
    ----------
    ranking : pandas.DataFrame
        :func:`rank_focus_areas`.
    uncertainty : UncertaintyResult, optional
        :func:`uncertainty_analysis` of the same matrix and settings.
    matrix : pandas.DataFrame, optional
        :func:`evidence_matrix`, to name what drives the leader's case.

    Returns
    -------
    str
        A markdown bullet list.

    Examples
    --------
    >>> report.markdown(findings_focus_areas(ranking, uncertainty, matrix=matrix))  # doctest: +SKIP
    """
    key = _key(ranking) or "focus_area_id"
    r = ranking.assign(_rank=_num(ranking["rank"]).to_numpy(), _score=_num(ranking["score"]).to_numpy())
    ranked = r[r["_rank"].notna()].sort_values(["_rank", key])
    if ranked.empty:
        return "- " + tr("synthesis.find.nothing")
    names = dict(zip(r[key], _labels(r)))
    lines = []
    norm = _method(str(ranked["normalisation"].iloc[0])) if "normalisation" in ranked else ""
    agg = _method(str(ranked["aggregation"].iloc[0])) if "aggregation" in ranked else ""
    order = "; ".join(f"{int(x['_rank'])}. {names[x[key]]} ({x['_score']:.1f})" for _, x in ranked.iterrows())
    weights = tr("synthesis.find.weights.equal") if _equal(ranking.attrs.get("weights")) else tr("synthesis.find.weights.chosen")
    lines.append(tr("synthesis.find.nominal", normalisation=norm, aggregation=agg, weights=weights, order=order))
    leader = ranked.iloc[0]
    if matrix is not None and key in matrix:
        cols = _evidence_columns(matrix, None)
        normcols = [f"norm_{c}" for c in cols if f"norm_{c}" in ranked]
        if normcols:
            vals = {c[5:]: float(leader[c]) for c in normcols if pd.notna(leader[c])}
            strong = sorted(vals, key=vals.get, reverse=True)[:2]
            lines.append(tr("synthesis.find.leads", name=names[leader[key]], evidence=tr("risk.find.and").join(_evidence(c, "label").lower() for c in strong)))
    if "selected" in r and r["selected"].astype(bool).any():
        sel = r[r["selected"].astype(bool)]
        m = len(sel)
        in_top = ranked.head(m)[key].isin(sel[key]).all() if len(ranked) >= m else False
        outside = [names[x] for x in sel[key] if x not in set(ranked.head(m)[key])]
        text = (tr("synthesis.find.agreed_top", m=m) if in_top else tr("synthesis.find.agreed_outside", m=m, names=", ".join(outside)))
        lines.append(text)
    if uncertainty is not None and len(uncertainty.summary):
        s = uncertainty.summary
        st = uncertainty.settings
        k = int(st.get("top_k", DEFAULT_TOP_K))
        n = int(st.get("n_runs", 0))
        ci = f"{st.get('ci', DEFAULT_CI):.0%}"
        by_first = s.sort_values(["share_first", "rank_median"], ascending=[False, True])
        best = by_first.iloc[0]
        if best["share_first"] >= 0.5:
            lines.append(tr("synthesis.find.uncertainty_first", n=f"{n:,}", name=names.get(best[key], best[key]), share=_pct(best["share_first"]),
                            interval=_rank_text(best["rank_low"], best["rank_high"]), ci=ci))
        else:
            contenders = by_first[by_first["share_first"] >= 0.05]
            lines.append(tr("synthesis.find.uncertainty_open", n=f"{n:,}",
                            items=", ".join(tr("synthesis.find.share_item", name=names.get(x[key], x[key]), share=_pct(x["share_first"])) for _, x in contenders.iterrows())))
        parts = [f"{names.get(x[key], x[key])} {_pct(x['share_top_k'])} ({_rank_text(x['rank_low'], x['rank_high'])})" for _, x in s.iterrows()]
        lines.append(tr("synthesis.find.top_k", k=k, ci=ci, items="; ".join(parts)))
        fill = st.get("share_selected_fill_top", np.nan)
        if np.isfinite(fill):
            m = st.get("n_selected")
            lines.append(tr("synthesis.find.fill", m=m, share=_pct(fill)))
        if "selected" in s and (~s["selected"].astype(bool)).any():
            others = s[~s["selected"].astype(bool)]
            lines.append(tr("synthesis.find.others", items="; ".join(tr("synthesis.find.other_item", name=names.get(x[key], x[key]), k=k, share=_pct(x["share_top_k"]),
                                                                          median=_fmt(x["rank_median"])) for _, x in others.iterrows())))
        wide = s[(s["rank_high"] - s["rank_low"]) >= 3]
        if len(wide):
            lines.append(tr("synthesis.find.wide", ci=ci, names=", ".join(names.get(x, x) for x in wide[key])))
        sens = uncertainty.sensitivity
        if sens is not None and len(sens):
            top = sens.iloc[0]
            close = sens.iloc[1:][sens["mean_abs_rank_shift"].iloc[1:] >= 0.9 * top["mean_abs_rank_shift"]]
            rest = sens.iloc[1:][sens["mean_abs_rank_shift"].iloc[1:] < 0.9 * top["mean_abs_rank_shift"]]
            factor = _factor_text(top["factor"])
            text = tr("synthesis.find.sensitivity", factor=factor[0].upper() + factor[1:], shift=f"{top['mean_abs_rank_shift']:.2f}", share=_pct(top["share_leader_changed"]))
            if len(close):
                text += tr("synthesis.find.followed", items=tr("risk.find.and").join(f"{_factor_text(x['factor'])} ({x['mean_abs_rank_shift']:.2f})" for _, x in close.iterrows()))
            if len(rest):
                text += tr("synthesis.find.then", items="; ".join(f"{_factor_text(x['factor'])} ({x['mean_abs_rank_shift']:.2f})" for _, x in rest.iterrows()))
            lines.append(text + ".")
            opts = uncertainty.options
            lo = opts[(opts["factor"] == "left_out") & ~opts["nominal"]].sort_values("mean_abs_rank_shift", ascending=False)
            if len(lo):
                x = lo.iloc[0]
                lines.append(tr("synthesis.find.leans", option=x["option"], shift=f"{x['mean_abs_rank_shift']:.2f}", most=int(x["max_abs_rank_shift"])))
    return "\n".join(f"- {line}" for line in lines)


def _actions_text(n: float) -> str:
    if n is None or np.isnan(n):
        return tr("synthesis.actions.unknown")
    n = int(n)
    return tr("synthesis.actions.none") if n == 0 else (tr("synthesis.actions.one") if n == 1 else tr("synthesis.actions.many", n=n))


def _equal(weights) -> bool:
    if not weights:
        return True
    v = np.array(list(weights.values()), dtype=float)
    return bool(np.allclose(v, v[0]))


def _published(table: pd.DataFrame | None, value: str) -> pd.DataFrame:
    if table is None or table.empty or value not in table:
        return pd.DataFrame()
    t = table.assign(_v=_num(table[value]).to_numpy())
    return t[t["_v"].notna()]


def executive_summary(
    *,
    city: str | None = None,
    goal_scores: pd.DataFrame | None = None,
    shocks: pd.DataFrame | None = None,
    stresses: pd.DataFrame | None = None,
    compound: pd.DataFrame | None = None,
    goal_gaps: pd.DataFrame | None = None,
    hazard_gaps: pd.DataFrame | None = None,
    ranking: pd.DataFrame | None = None,
    uncertainty: UncertaintyResult | None = None,
    seminar_changes: pd.DataFrame | None = None,
    seminar_ranking: pd.DataFrame | None = None,
    k: int = 3,
) -> str:
    """A one-page executive summary of the whole PRA, as markdown computed from the results.

    Pass the published (suppressed) tables: a suppressed value is never quoted.

    Parameters
    ----------
    city : str, optional
        The city's name.
    goal_scores : DataFrame, optional
        :func:`pra_lib.perception.scores` per goal.
    shocks, stresses, compound : DataFrame, optional
        :func:`pra_lib.risk.shock_scores`, :func:`pra_lib.risk.stress_scores`,
        :func:`pra_lib.risk.compound_risk`.
    goal_gaps, hazard_gaps : DataFrame, optional
        :func:`pra_lib.actions.gaps` by goal and by hazard.
    ranking : DataFrame, optional
        :func:`rank_focus_areas`.
    uncertainty : UncertaintyResult, optional
        :func:`uncertainty_analysis`.
    seminar_changes, seminar_ranking : DataFrame, optional
        :func:`pra_lib.seminar.seminar_changes` and :func:`pra_lib.seminar.seminar_ranking`.
    k : int
        How many goals, shocks, stresses and gaps to name.

    Returns
    -------
    str
        Markdown: a lead paragraph and one bullet per part of the assessment.

    Examples
    --------
    >>> report.markdown(executive_summary(city="Jakarta", goal_scores=goals, ranking=ranking, uncertainty=u))  # doctest: +SKIP
    """
    lines = []
    where = city or tr("synthesis.exec.the_city")
    g = _published(goal_scores, "mean")
    if len(g):
        g = g.sort_values("_v")
        label = "goal_label" if "goal_label" in g else "goal_id"
        weakest = "; ".join(f"{x['goal_id']} *{x[label]}* ({x['_v']:.2f})" for _, x in g.head(k).iterrows())
        strongest = g.iloc[-1]
        below = int((g["_v"] < 3).sum())
        lines.append(tr("synthesis.exec.perceptions", city=where, below=below, n=len(g), weakest=weakest,
                        strongest=f"{strongest['goal_id']} *{strongest[label]}* ({strongest['_v']:.2f})"))
    c = _published(compound, "compound")
    if len(c):
        c = c.sort_values("_v", ascending=False)
        top = "; ".join(f"{x['hazard']} ({_fmt(x['_v'])}{tr('synthesis.exec.own_score', score=_fmt(float(_num([x['score']]).iloc[0]))) if 'score' in x else ''})"
                        for _, x in c.head(k).iterrows())
        lines.append(tr("synthesis.exec.top_shocks_compound", items=top))
    elif len(_published(shocks, "score")):
        s = _published(shocks, "score").sort_values("_v", ascending=False)
        lines.append(tr("synthesis.exec.top_shocks", items="; ".join(f"{x['hazard']} ({_fmt(x['_v'])}, {term(x['band'], 'band')})" for _, x in s.head(k).iterrows())))
    s = _published(stresses, "severity")
    if len(s):
        s = s.sort_values(["_v", "share_worsening"] if "share_worsening" in s else ["_v"], ascending=False)
        parts = [f"{x['hazard']} ({tr('synthesis.exec.severity', severity=_fmt(x['_v']))}, {term(x['trend'], 'trend')})" if "trend" in x else f"{x['hazard']} ({_fmt(x['_v'])})" for _, x in s.head(k).iterrows()]
        lines.append(tr("synthesis.exec.top_stresses", items="; ".join(parts)))
    gap_parts = []
    for table, name in ((goal_gaps, "goal"), (hazard_gaps, "hazard")):
        t = _published(table, "gap_score")
        if len(t):
            flagged = t[t["is_gap"].astype(str).str.lower() == "true"] if "is_gap" in t else t.sort_values("_v", ascending=False).head(k)
            flagged = flagged.sort_values("_v", ascending=False)
            items = []
            for _, x in flagged.iterrows():
                label = f"{x['goal_id']} *{x['goal']}*" if name == "goal" else f"{x['hazard']}"
                items.append(f"{label} ({_actions_text(_num([x['coverage']]).iloc[0])})")
            if items:
                where = tr(f"synthesis.exec.among.{name}")
                last = flagged["_v"].round(6).iloc[-1]
                n_tied = int((flagged["_v"].round(6) == last).sum())
                tie = tr("synthesis.exec.tie", n=n_tied, gap=f"{last:+.2f}") if len(flagged) > k and n_tied > 1 else ""
                gap_parts.append(where + "; ".join(items) + tie)
    if gap_parts:
        lines.append(tr("synthesis.exec.gaps", items=tr("synthesis.exec.gaps_and").join(gap_parts)))
    if ranking is not None and len(ranking):
        key = _key(ranking) or "focus_area_id"
        r = ranking.assign(_rank=_num(ranking["rank"]).to_numpy()).dropna(subset=["_rank"]).sort_values("_rank")
        names = dict(zip(r[key], _labels(r)))
        u = uncertainty.summary.set_index(key) if uncertainty is not None and len(uncertainty.summary) else pd.DataFrame()
        kk = int(uncertainty.settings.get("top_k", DEFAULT_TOP_K)) if uncertainty is not None else DEFAULT_TOP_K
        parts = []
        for _, x in r.iterrows():
            text = f"{int(x['_rank'])}. {names[x[key]]}"
            if x[key] in u.index:
                y = u.loc[x[key]]
                text += tr("synthesis.exec.fa_uncertainty", k=kk, share=_pct(y["share_top_k"]), interval=_rank_text(y["rank_low"], y["rank_high"]))
            parts.append(text)
        lead = tr("synthesis.exec.focus_areas", items="; ".join(parts))
        if uncertainty is not None and np.isfinite(uncertainty.settings.get("share_selected_fill_top", np.nan)):
            m = uncertainty.settings["n_selected"]
            lead += " " + tr("synthesis.exec.fill", m=m, share=_pct(uncertainty.settings["share_selected_fill_top"]), n=f"{uncertainty.settings['n_runs']:,}")
        if uncertainty is not None and len(uncertainty.sensitivity):
            f0 = _factor_text(uncertainty.sensitivity["factor"].iloc[0])
            lead += " " + tr("synthesis.exec.choice", factor=f0)
        lines.append(lead)
    if seminar_changes is not None and len(seminar_changes):
        ch = seminar_changes
        name = "focus_area" if "focus_area" in ch else ch.columns[0]
        moved = ch[ch["change"].isin(["moved up", "moved down"])]
        text = tr("synthesis.exec.seminar") + " "
        if seminar_ranking is not None and len(seminar_ranking):
            sr = seminar_ranking.assign(_r=_num(seminar_ranking["rank"]).to_numpy()).dropna(subset=["_r"]).sort_values("_r")
            if len(sr):
                text += tr("synthesis.exec.seminar_first", name=sr.iloc[0].get("focus_area", sr.iloc[0].get("focus_area_id"))) + " "
        if moved.empty:
            text += tr("synthesis.exec.seminar_kept")
        else:
            text += tr("synthesis.exec.seminar_moved", items="; ".join(
                tr(f"synthesis.exec.move.{plural(abs(int(x['shift'])) != 1)}", name=x[name], change=term(x["change"], "change"), n=abs(int(x["shift"])))
                for _, x in moved.iterrows()))
        dropped = ch[ch["change"] == "not ranked at seminar"]
        if len(dropped):
            text += " " + tr("seminar.find.not_put", names=", ".join(str(x) for x in dropped[name]))
        lines.append(text)
    if not lines:
        return tr("synthesis.exec.nothing")
    return "\n".join(f"- {line}" for line in lines)


def methods_note(*, uncertainty: UncertaintyResult | None = None, ranking: pd.DataFrame | None = None, alpha: float = risk.DEFAULT_ALPHA,
                 n_resamples: int | None = None, min_cell_size: int = DEFAULT_MIN_CELL_SIZE, synthetic: bool = False) -> str:
    """A short methods note for the overall report, with the settings actually used.

    Examples
    --------
    >>> report.markdown(methods_note(uncertainty=u, ranking=ranking, alpha=0.25, n_resamples=1000))  # doctest: +SKIP
    """
    lines = [
        tr("synthesis.methods.perceptions") + (tr("synthesis.methods.resamples", n=f"{n_resamples:,}") if n_resamples else "."),
        tr("synthesis.methods.risk", alpha=_fmt(alpha, 2)),
        tr("synthesis.methods.actions"),
        tr("synthesis.methods.focus_areas"),
    ]
    if ranking is not None and len(ranking) and "normalisation" in ranking:
        w = ranking.attrs.get("weights") or {}
        wtext = ", ".join(f"{_evidence(c, 'label').lower()} {v:.2f}" for c, v in w.items())
        lines.append(tr("synthesis.methods.nominal", normalisation=_method(str(ranking["normalisation"].iloc[0])),
                        aggregation=_method(str(ranking["aggregation"].iloc[0])), weights=wtext))
    if uncertainty is not None:
        st = uncertainty.settings
        lines.append(tr("synthesis.methods.uncertainty", n=f"{st['n_runs']:,}", seed=st["seed"],
                        normalisations=", ".join(_method(m) for m in st["normalisations"]),
                        aggregations=", ".join(_method(m) for m in st["aggregations"]),
                        concentration=_fmt(st["dirichlet_concentration"]), ci=f"{st['ci']:.0%}"))
    lines.append(tr("synthesis.methods.disclosure", n=min_cell_size) + (" " + tr("synthesis.methods.synthetic") if synthetic else ""))
    return "\n".join(f"- {line}" for line in lines if line)
