"""The evidence for each candidate focus area (Handbook steps 1-4).

:func:`evidence_matrix` sets the evidence gathered by the other chapters (perceptions,
risk, actions, interviews) against each candidate focus area, one row per focus area;
:func:`goal_evidence` gives the same view per CRF goal; :func:`hazard_risk` puts every
shock and stress on one scale of risk points; :func:`evidence_correlations` checks for
double counting. A tables module: no figures and no prose (the short ``basis`` text of
:func:`hazard_risk` is data, in English).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import actions, perception, risk
from ..assessment import crf
from ..assessment.snapshot import shared
from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import cell_label, goal_label, pick
from ..stats._base import NoDataWarning
from ._common import (
    DEFAULT_ACTIVITIES,
    EVIDENCE,
    ALPHAS,
    GOAL_EVIDENCE_COLUMNS,
    INTERVIEW_COUNT_COLUMNS,
    INTERVIEW_WITHHELD,
    ANSWERS_WITHHELD,
    SALIENCE,
    MATRIX_MAX,
    RISK_SUMMARIES,
    STRESS_LIKELIHOODS,
    STRESS_LIKELIHOOD,
    _activity,
    _check_choice,
    _evidence_columns,
    _fmt,
    _ids,
    _key,
    _mark_withheld,
    _term,
    _truthy,
    _values,
    _warn,
)

__all__ = ["evidence_correlations", "evidence_matrix", "evidence_variants", "goal_action_gaps", "goal_evidence", "hazard_risk", "published_goal_scores", "published_risk",
           "rows_of_hidden_interview_evidence", "withhold_interview_evidence"]


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
    # the matrix, its variants and the goal view all need these means: under `pra run` they are computed once
    return shared(perception.activity_scores, assessment, activity_id=activity, channels=list(channels) if channels else None, n_resamples=50, seed=0)


def _withheld_goals(goal_scores: pd.DataFrame | None) -> set[str] | None:
    """The goals a score table withholds as answered alike; None when it says nothing of it."""
    if goal_scores is None or ANSWERS_WITHHELD not in goal_scores:
        return None
    flags = goal_scores[ANSWERS_WITHHELD].map(_truthy).to_numpy(dtype=bool)
    return set(goal_scores.loc[flags, "goal_id"].astype(str))


def published_goal_scores(
    assessment,
    *,
    activity_id: str = DEFAULT_ACTIVITIES["perception"],
    channels: Sequence[str] | None = None,
    min_cell_size: int | None = None,
    n_resamples: int = 50,
    seed=0,
) -> pd.DataFrame:
    """The questionnaire's goal scores as the reports may publish them: a goal answered alike is withheld.

    A goal that (almost) everyone answered alike discloses every respondent's answer. The
    questionnaire report (01) takes one decision per goal,
    :func:`pra_lib.publishing.score_disclosure.withheld_groups` over the goal's answers per
    category (:func:`pra_lib.perception.likert_counts`) with the goal as the cell, and
    withholds the goal's mean, median, interval and shares
    (:func:`~pra_lib.publishing.score_disclosure.withhold_answers`); its ``n`` stays and
    the row is flagged ``answers_withheld``. These are the same calls on the same ratings,
    so the focus areas' evidence (06, 08) withholds exactly the goals 01 withholds. Pass
    the result as ``goal_scores`` to :func:`evidence_matrix`, :func:`evidence_variants`,
    :func:`goal_evidence` and :func:`evidence_trail`: a withheld goal then counts as not
    rated everywhere (no mean performance, weakness, action gap or share rating it poor),
    and every normalisation is taken over the published goals only, so no published value
    gives it back.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    activity_id : str
        The questionnaire: an activity id or type. An assessment without it (or without
        its ratings) has no goal scores: every goal has ``n`` 0 and no statistics.
    channels : list of str, optional
        Keep respondents of these channels only.
    min_cell_size : int, optional
        The run's threshold (default :data:`pra_lib.publishing.disclosure.DEFAULT_MIN_CELL_SIZE`).
    n_resamples, seed
        The bootstrap of the intervals (:func:`pra_lib.perception.scores`).

    Returns
    -------
    pandas.DataFrame
        :func:`pra_lib.perception.scores` of the goals, with ``answers_withheld``.

    Examples
    --------
    >>> scores = published_goal_scores(load_assessment("data/sample"), min_cell_size=5)  # doctest: +SKIP
    >>> scores["answers_withheld"].any()  # doctest: +SKIP
    False
    """
    from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE
    from ..publishing.score_disclosure import withheld_groups, withhold_answers

    acts = assessment.metadata.activities
    typed = acts.loc[acts["activity_type"] == activity_id, "activity_id"]
    activity = activity_id if activity_id in set(acts["activity_id"]) else (str(typed.iloc[0]) if len(typed) else None)
    options = dict(channels=list(channels) if channels else None)
    if activity is None:
        _warn(f"published_goal_scores: the assessment has no activity {activity_id!r}; no goal has scores", NoDataWarning)
        frame = perception.ratings_frame(assessment, aspect="performance").iloc[:0]
    else:
        frame = shared(perception.ratings_frame, assessment, activity_id=activity, aspect="performance", **options)
    with warnings.catch_warnings():
        # no ratings at all is said once, above or by the report's own sentence, not once per goal
        warnings.filterwarnings("ignore", message=r"scores: .* have no ratings")
        scores = (shared(perception.activity_scores, assessment, activity_id=activity, n_resamples=n_resamples, seed=seed, **options)
                  if activity is not None else perception.scores(frame, n_resamples=n_resamples, seed=seed))
    decided = withheld_groups(perception.likert_counts(frame), cells=["goal_id"], min_cell_size=DEFAULT_MIN_CELL_SIZE if min_cell_size is None else min_cell_size)
    return withhold_answers(scores, decided)


def published_risk(
    report,
    assessment,
    *,
    shocks_activity: str = DEFAULT_ACTIVITIES["shocks"],
    stresses_activity: str = DEFAULT_ACTIVITIES["stresses"],
    alpha: float = risk.DEFAULT_ALPHA,
) -> dict[str, pd.DataFrame]:
    """The shock scores, stress scores and compound risk as the overall report (08) publishes them.

    A hazard the run hides (few raters, or hidden to protect another), and a measure fewer
    than ``min_cell_size`` people gave, publish no statistic in 04, 05 and 08
    (:func:`pra_lib.risk.publish_hazard_scores`). Evidence computed from the raw ratings
    would give them back: a hidden shock's risk points in :func:`hazard_risk`, its score in
    the ``basis`` text, a stress's severity and trend in :func:`evidence_trail`. Pass the
    result to :func:`hazard_risk`, :func:`evidence_matrix`, :func:`evidence_variants` and
    :func:`evidence_trail`: each hazard is then rated from what is published, and a hidden
    one counts as not rated, as in 08. Nothing is written: the tables are protected by the
    report's dry run (:meth:`pra_lib.publishing.report.Report.protect`) with 08's options.

    Parameters
    ----------
    report : Report
        The report building on the scores (its run's disclosure plan decides what is hidden).
    assessment : Assessment
        The assessment as the report sees it (``report.assessment``: small categories merged).
    shocks_activity, stresses_activity : str
        The activities whose ratings are scored. An assessment without one (or without its
        ratings) gives empty tables, and the hazards count as not rated.
    alpha : float
        Amplification weight of :func:`pra_lib.risk.compound_risk`.

    Returns
    -------
    dict
        ``shock_scores``, ``stress_scores`` and ``compound``, as published, to be passed on
        as keyword arguments.

    Examples
    --------
    >>> risk_tables = published_risk(report, report.assessment)  # doctest: +SKIP
    >>> matrix = evidence_matrix(report.assessment, **risk_tables)  # doctest: +SKIP
    """
    shocks_activity = _activity(assessment, shocks_activity, "published_risk")
    stresses_activity = _activity(assessment, stresses_activity, "published_risk")
    shocks = risk.protect_hazard_scores(report, shared(risk.shock_scores, assessment, activity_id=shocks_activity), "shock_scores", dims=["hazard_id"],
                                        activity_id=shocks_activity, measure="hazard_raters",
                                        other_counts={"n_likelihood": "likelihood_raters", "n_consequence": "consequence_raters"})
    stresses = risk.protect_hazard_scores(report, risk.stress_scores(assessment, activity_id=stresses_activity), "stress_scores", dims=["hazard_id"],
                                          activity_id=stresses_activity, measure="hazard_raters",
                                          other_counts={"n_severity": "severity_raters", "n_trend": "trend_raters"})
    compound = report.protect(risk.compound_risk(shocks, stresses, assessment, alpha=alpha, activity_id=stresses_activity), "compound_risk",
                              activity_id=stresses_activity, measure="hazard_raters_of_shock", dims=["hazard_id"], other_counts={"n_amplifiers": None})
    return {"shock_scores": shocks, "stress_scores": stresses, "compound": compound}


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
    """The risk of every shock and stress on one scale: the 5 x 5 risk matrix (1-25 points).

    A shock's risk is its compound risk (:func:`pra_lib.risk.compound_risk`: median
    likelihood x median consequence, raised by the stresses that amplify it), capped at
    25, the matrix's top cell: amplification can lift a shock to the worst cell, not beyond
    it, so a shock and a stress are compared on the same scale. A stress is a chronic
    pressure that is present now, so its likelihood is "almost certain" (5) and its risk is
    ``stress_likelihood x median severity`` (1-5 severity plays the consequence), at most 25
    too.

    Evidence that drops out is named, not lost silently: an amplifying stress whose
    severity is missing or suppressed is listed in ``dropped`` (its push is left out of
    the compound risk), a hazard whose own rating is suppressed or missing has missing
    risk points and says so in ``dropped``. Warnings from the risk chapter pass through.

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
        ``hazard_type``, ``n`` (raters), ``risk_points`` (1-25), ``capped`` (compound risk
        above 25, capped), ``basis`` (how the value was reached) and ``dropped`` (the
        evidence that dropped out, empty when none). A hazard nobody rated has missing
        risk points.

    Examples
    --------
    >>> hazard_risk(load_assessment("data/sample")).iloc[0][["hazard", "risk_points"]]  # doctest: +SKIP
    """
    hz = assessment.hazards if assessment.has("hazards") else pd.DataFrame(columns=["hazard_id", "hazard_type", "name_en"])
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
                basis = (cell_label("synthesis.basis.compound", own=_fmt(own), alpha=_fmt(a, 2), amp=_fmt(amp, 2))
                         + (cell_label("synthesis.basis.amplified", names=amplifiers) if isinstance(amplifiers, str) and amplifiers else cell_label("synthesis.basis.no_amplifier")))
                lost = c.get("missing_amplifiers", "")
                dropped = cell_label("synthesis.dropped.amplifiers", names=lost) if isinstance(lost, str) and lost else ""
                if np.isnan(value):
                    basis = cell_label("synthesis.not_rated_or_suppressed")
                    dropped = cell_label("synthesis.dropped.rating", name=name)
                elif value > MATRIX_MAX:
                    basis += cell_label("synthesis.basis.capped", value=_fmt(value), cap=_fmt(MATRIX_MAX))
                n = _num([c.get("n", np.nan)]).iloc[0]
            else:
                value, basis, n, dropped = np.nan, cell_label("synthesis.not_rated"), np.nan, ""
        else:
            if h.hazard_id in sev.index:
                s = sev.loc[h.hazard_id]
                severity = float(_num([s["severity"]]).iloc[0])
                value = stress_likelihood * severity
                trend = s.get("trend", None)
                basis = (cell_label("synthesis.basis.stress", likelihood=_fmt(stress_likelihood), severity=_fmt(severity)) + (f", {_term(trend, 'trend')}" if isinstance(trend, str) else "")
                         if not np.isnan(severity) else cell_label("synthesis.not_rated_or_suppressed"))
                dropped = cell_label("synthesis.dropped.rating", name=name) if np.isnan(severity) else ""
                n = _num([s.get("n", np.nan)]).iloc[0]
            else:
                value, basis, n, dropped = np.nan, cell_label("synthesis.not_rated"), np.nan, ""
        rows.append({"hazard_id": h.hazard_id, "hazard": name, "hazard_type": h.hazard_type, "n": n,
                     "risk_points": min(value, MATRIX_MAX) if not np.isnan(value) else np.nan,
                     "capped": bool(value > MATRIX_MAX) if not np.isnan(value) else False, "basis": basis, "dropped": dropped})
    return pd.DataFrame(rows, columns=["hazard_id", "hazard", "hazard_type", "n", "risk_points", "capped", "basis", "dropped"])


def _weakness_statements(assessment, activity: str | None) -> pd.DataFrame:
    if not assessment.has("interview_statements"):
        return pd.DataFrame(columns=["statement_id", "respondent_id", "goal_id", "hazard_id", "valence", "code"])
    st = assessment.interview_statements
    if activity is not None and assessment.has("participants"):
        people = assessment.participants
        # The activity of the few people who made statements, not a set of every participant.
        said = people[people["respondent_id"].isin(st["respondent_id"].dropna().unique())]
        st = st[st["respondent_id"].isin(set(said.loc[said["activity_id"] == activity, "respondent_id"]))]
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
    if coverage_goal is None:
        coverage_goal = actions.coverage(assessment, by="goal")
    if coverage_hazard is None:
        coverage_hazard = actions.coverage(assessment, by="hazard")
    statements = _weakness_statements(assessment, _activity(assessment, interview_activity, "evidence_matrix"))
    return _Inputs(goal_scores, haz, coverage_goal, coverage_hazard, statements)


def _gaps_of_goals(coverage_goal: pd.DataFrame, goal_scores: pd.DataFrame, *, k: int | None) -> pd.DataFrame:
    need = actions.need_from_scores(goal_scores, key="goal_id", value="mean", invert_from=5.0)
    with warnings.catch_warnings():
        if _withheld_goals(goal_scores):
            # a goal answered alike has no need on purpose (flagged in the tables), not by an oversight
            warnings.filterwarnings("ignore", message=r"gaps: no need score for")
        return actions.gaps(coverage_goal, need=need, k=k)


def _goal_gaps(goal_scores: pd.DataFrame, coverage_goal: pd.DataFrame) -> pd.Series:
    """The actions chapter's gap score per goal, with need = 5 - mean performance."""
    gaps = _gaps_of_goals(coverage_goal, goal_scores, k=None)
    return pd.Series(_num(gaps["gap_score"]).to_numpy(), index=gaps["goal_id"].astype(str).to_numpy())


def goal_action_gaps(coverage_goal: pd.DataFrame, *, goal_scores: pd.DataFrame, k: int | None = 3) -> pd.DataFrame:
    """The actions chapter's gaps per goal (need = 5 - mean performance), a goal answered alike withheld.

    :func:`pra_lib.actions.gaps` with :func:`pra_lib.actions.need_from_scores`. A goal
    (almost) everyone answered alike (``answers_withheld`` in ``goal_scores``, from
    :func:`published_goal_scores`) has no mean, so no need: the need is normalised over the
    published goals only, and the goal's need, gap score, rank and gap flag are empty, its
    row flagged ``answers_withheld``.

    Parameters
    ----------
    coverage_goal : DataFrame
        :func:`pra_lib.actions.coverage` by goal.
    goal_scores : DataFrame
        The goal scores as published (:func:`published_goal_scores`).
    k : int or None
        As in :func:`pra_lib.actions.gaps`.

    Returns
    -------
    pandas.DataFrame
        :func:`pra_lib.actions.gaps`, with ``answers_withheld`` when ``goal_scores`` has it.

    Examples
    --------
    >>> goal_action_gaps(actions.coverage(a, by="goal"), goal_scores=published_goal_scores(a))  # doctest: +SKIP
    """
    out = _gaps_of_goals(coverage_goal, goal_scores, k=k)
    alike = _withheld_goals(goal_scores)
    if alike is None:
        return out
    rows = out["goal_id"].astype(str).isin(alike).to_numpy(dtype=bool)
    for column in ("need", "need_norm", "gap_score", "gap_rank", "is_gap"):
        if column in out:
            values = out[column]
            values = values.astype("boolean") if pd.api.types.is_bool_dtype(values) else values.astype("Int64") if pd.api.types.is_integer_dtype(values) else values
            out[column] = values.mask(pd.Series(rows, index=values.index))
    out[ANSWERS_WITHHELD] = rows
    return out


def _hazard_gaps(hazards: pd.DataFrame, coverage_hazard: pd.DataFrame) -> pd.Series:
    """The actions chapter's gap score per hazard, with need = its risk points (:func:`hazard_risk`)."""
    need = pd.DataFrame({"hazard_id": hazards["hazard_id"].astype(str), "need": _num(hazards["risk_points"]).to_numpy()})
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
    perception_channels: Sequence[str] | None = None,
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
      the mean), on the 5 x 5 risk matrix (1-25): a shock's compound risk capped at 25, a
      stress's ``5 x median severity`` (:func:`hazard_risk`). A focus area that covers no
      hazard has *missing* linked risk, not 0: the risk evidence says nothing about it,
      and aggregation re-weights its other evidence (the OECD/JRC Handbook's rule for a
      missing indicator; see :func:`pra_lib.stats.composite.aggregate`).
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
        Which performance ratings are the perception evidence (default: the questionnaire,
        whatever channel each respondent answered through, as in its report).
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
        and ``interview_salience``; ``dropped`` names the goals and hazards whose value is
        missing or suppressed (left out of the means and maxima). ``attrs["evidence"]``
        lists the evidence columns, ``attrs["units"]`` their units, ``attrs["alpha"]`` and
        ``attrs["stress_likelihood"]`` the settings used. A focus area with no links has missing evidence
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
    alike = _withheld_goals(inp.goal_scores)
    rows, empty = [], []
    for fa in scopes.itertuples(index=False):
        goals, hazards = list(fa.goals), list(fa.hazards)
        row = {"focus_area_id": fa.focus_area_id, "focus_area": fa.focus_area, "selected": fa.selected,
               "n_goals": len(goals), "n_hazards": len(hazards), "goals": " ".join(goals), "hazards": " ".join(hazards)}
        if not goals and not hazards:
            empty.append(fa.focus_area_id)
            rows.append(row | {"dropped": "", "mean_performance": np.nan, "perception_weakness": np.nan, "top_hazard": None, "linked_risk": np.nan,
                               "n_actions": 0, "actions_per_item": np.nan, "action_gap": np.nan, "n_weakness_statements": 0,
                               "interview_salience": np.nan})
            continue
        perf = means.reindex(goals).dropna()
        mean_perf = float(perf.mean()) if len(perf) else np.nan
        risks = hrisk["risk_points"].reindex(hazards).dropna() if len(hrisk) else pd.Series(dtype=float)
        if not hazards:
            linked, top = np.nan, None  # covers no hazard: the risk evidence is silent, not zero
        elif risks.empty:
            linked, top = np.nan, None
        else:
            linked = float(risks.max() if risk_summary == "max" else risks.mean())
            top = ", ".join(hrisk.loc[risks.index[risks == risks.max()], "hazard"])  # a tie at the top names every tied hazard
        gap = [goal_gap.get(g, np.nan) for g in goals] + [haz_gap.get(h, np.nan) for h in hazards]
        gap = [x for x in gap if not np.isnan(x)]
        counts = [goal_n.get(g, np.nan) for g in goals] + [haz_n.get(h, np.nan) for h in hazards]
        counts = [c for c in counts if not np.isnan(c)]
        tagged = st["goal_id"].isin(goals) | st["hazard_id"].isin(hazards) if n_weak else pd.Series(dtype=bool)
        lost = [g for g in goals if g not in perf.index] + [h for h in hazards if h not in risks.index]
        rows.append(row | {
            "dropped": " ".join(lost),
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
        if alike is not None:
            # its perception evidence is empty because its only rated goals were answered alike
            rows[-1][ANSWERS_WITHHELD] = bool(perf.empty and set(goals) & alike)
    columns = ["focus_area_id", "focus_area", "selected", "n_goals", "n_hazards", "goals", "hazards", "dropped",
               "mean_performance", "perception_weakness", "top_hazard", "linked_risk", "n_actions", "actions_per_item",
               "action_gap", "n_weakness_statements", "interview_salience"]
    out = pd.DataFrame(rows, columns=columns + ([ANSWERS_WITHHELD] if alike is not None else []))
    if alike is not None:
        out[ANSWERS_WITHHELD] = out[ANSWERS_WITHHELD].fillna(False).astype(bool)
    if out.empty:
        _warn("evidence_matrix: the assessment has no focus areas", NoDataWarning)
    if empty:
        _warn(f"evidence_matrix: focus area(s) {', '.join(empty)} have no goal or hazard links; they have no evidence and are not ranked")
    if n_weak == 0 and len(out):
        _warn("evidence_matrix: the interviews have no weakness statements; interview salience is missing", NoDataWarning)
    for col in ("mean_performance", "perception_weakness", "linked_risk", "actions_per_item", "action_gap", "interview_salience"):
        out[col] = out[col].astype(float)
    out.attrs["evidence"] = list(EVIDENCE)
    out.attrs["units"] = {c: EVIDENCE[c]["unit"] for c in EVIDENCE}
    out.attrs["risk_summary"] = risk_summary
    out.attrs["alpha"] = float(alpha)
    out.attrs["stress_likelihood"] = float(stress_likelihood)
    return out


def evidence_variants(
    assessment,
    *,
    alphas: Sequence[float] = ALPHAS,
    stress_likelihoods: Sequence[float] = STRESS_LIKELIHOODS,
    **options,
) -> dict[tuple[float, float], pd.DataFrame]:
    """The evidence matrix under every compound-risk alpha and stress likelihood, for the uncertainty analysis.

    Alpha (:func:`pra_lib.risk.compound_risk`) and the likelihood given to a stress change
    the linked risk and, through the hazards' need, the action gap. Each pair gives one
    matrix; :func:`uncertainty_analysis` draws among them.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    alphas, stress_likelihoods : sequence of float
        The values tried (the nominal ones, ``options["alpha"]`` and
        ``options["stress_likelihood"]``, are added).
    **options
        As in :func:`evidence_matrix`; ``compound`` is recomputed for each alpha from
        ``shock_scores`` and ``stress_scores`` and so cannot be given.

    Returns
    -------
    dict
        ``{(alpha, stress_likelihood): evidence matrix}``.

    Examples
    --------
    >>> v = evidence_variants(load_assessment("data/sample"))  # doctest: +SKIP
    >>> v[(0.0, 5.0)].set_index("focus_area_id")["linked_risk"]  # doctest: +SKIP
    """
    if options.get("compound") is not None:
        raise ValueError("evidence_variants recomputes compound risk for each alpha: pass shock_scores and stress_scores, not compound")
    options.pop("compound", None)
    a0 = float(options.pop("alpha", risk.DEFAULT_ALPHA))
    sl0 = float(options.pop("stress_likelihood", STRESS_LIKELIHOOD))
    alphas = sorted({float(a) for a in alphas} | {a0})
    likelihoods = sorted({float(x) for x in stress_likelihoods} | {sl0})
    for x in likelihoods:
        if not 1 <= x <= 5:
            raise ValueError(f"a stress likelihood is on the 1-5 scale, not {x:g}")
    # The chapters' inputs are computed once; only compound risk depends on alpha.
    if options.get("goal_scores") is None:
        options["goal_scores"] = _goal_scores(assessment, _activity(assessment, options.get("perception_activity", DEFAULT_ACTIVITIES["perception"]), "evidence_variants"),
                                              options.get("perception_channels"))
    shocks_activity = options.get("shocks_activity", DEFAULT_ACTIVITIES["shocks"])
    stresses_activity = _activity(assessment, options.get("stresses_activity", DEFAULT_ACTIVITIES["stresses"]), "evidence_variants")
    if options.get("shock_scores") is None:
        options["shock_scores"] = risk.shock_scores(assessment, activity_id=_activity(assessment, shocks_activity, "evidence_variants"))
    if options.get("stress_scores") is None:
        options["stress_scores"] = risk.stress_scores(assessment, activity_id=stresses_activity)
    for name, by in (("coverage_goal", "goal"), ("coverage_hazard", "hazard")):
        if options.get(name) is None:
            options[name] = actions.coverage(assessment, by=by)
    out = {}
    for a in alphas:
        with warnings.catch_warnings():
            # A stress without severity is named by the nominal run (compound_risk warns there); not once per alpha.
            if a != a0:
                warnings.filterwarnings("ignore", message=".*amplify shocks but have no severity.*")
            compound = risk.compound_risk(options["shock_scores"], options["stress_scores"], assessment, alpha=a, activity_id=stresses_activity)
            for sl in likelihoods:
                out[(a, sl)] = evidence_matrix(assessment, compound=compound, alpha=a, stress_likelihood=sl, **options)
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
                                   options.get("perception_channels"))
    if goal_scores["goal_id"].duplicated().any():
        raise ValueError("goal_scores has several rows per goal; pass perception.scores(...) without by=")
    coverage_goal = options.get("coverage_goal")
    if coverage_goal is None:
        coverage_goal = actions.coverage(assessment, by="goal")
    st = _weakness_statements(assessment, _activity(assessment, options.get("interview_activity", DEFAULT_ACTIVITIES["interviews"]), "goal_evidence"))
    scopes = _scopes(assessment)

    goals = crf.goals()
    gap = _goal_gaps(goal_scores, coverage_goal)
    n_act = pd.Series(_num(coverage_goal["n_actions"]).to_numpy(), index=coverage_goal["goal_id"].astype(str).to_numpy())
    scores = goal_scores.set_index("goal_id")
    n_weak = len(st)
    alike = _withheld_goals(goal_scores)
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
        if alike is not None:
            rows[-1][ANSWERS_WITHHELD] = gid in alike
    out = pd.DataFrame(rows)
    out.attrs["evidence"] = list(GOAL_EVIDENCE_COLUMNS)
    out.attrs["units"] = {c: EVIDENCE[c]["unit"] for c in GOAL_EVIDENCE_COLUMNS}
    return out


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
# Interview counts that would give back a goal line the interview report hides
# ---------------------------------------------------------------------------


def rows_of_hidden_interview_evidence(
    table: pd.DataFrame,
    assessment,
    *,
    min_cell_size: int,
    small_categories: str | None = None,
    activity_id: str = "questionnaire",
    interview_activity: str | None = DEFAULT_ACTIVITIES["interviews"],
) -> np.ndarray:
    """Which rows of an evidence matrix or goal view count weakness statements of a goal line the interview report hides.

    The interview report hides some goal lines (a goal as a weakness) in
    ``statements_by_goal``. A goal's weakness statements are that line's people when
    each interviewee made one statement on it (on the sample G03 = 4, G05 = 4 and
    G12 = 6 interviewees and statements), and ``interview_salience`` is the same count
    over the published total of weakness statements. A focus area counts the statements
    tagged to its goals or hazards, so a focus area holding part of a hidden line gives
    it back by difference (FA5 = 4 is G05; FA1 - G10 - G05 = 34 - 24 - 4 is G12): its
    count is withheld whole, the simple and safe rule. The lines are those of
    :func:`pra_lib.interviews.statements.hidden_goal_lines`, the interview report's own calls.

    Parameters
    ----------
    table : DataFrame
        :func:`evidence_matrix` (keyed by ``focus_area_id``, with ``goals`` and
        ``hazards``) or :func:`goal_evidence` (keyed by ``goal_id``).
    assessment : Assessment
        The assessment as loaded, before small categories are merged (the interview
        report's plan is made from it).
    min_cell_size, small_categories : int, str
        The run's options.
    activity_id : str
        The interview report's activity.
    interview_activity : str
        The activity whose weakness statements the table counts (as in
        :func:`evidence_matrix`).

    Returns
    -------
    ndarray of bool
        One per row, for :func:`withhold_interview_evidence`.

    Examples
    --------
    >>> matrix = evidence_matrix(assessment)  # doctest: +SKIP
    >>> rows_of_hidden_interview_evidence(matrix, as_loaded, min_cell_size=5).tolist()  # doctest: +SKIP
    [True, True, True, False, True, False, True]
    """
    from ..interviews.statements import hidden_goal_lines

    key = _key(table)
    if key is None:
        raise KeyError(f"evidence table: neither focus_area_id nor goal_id is a column (columns: {', '.join(map(str, table.columns))})")
    if key == "focus_area_id":
        missing = [c for c in ("goals", "hazards") if c not in table]
        if missing:
            raise KeyError(f"evidence matrix: columns {missing} not in table (columns: {', '.join(map(str, table.columns))})")
    if table.empty or not assessment.has("interview_statements"):
        return np.zeros(len(table), dtype=bool)
    hidden = hidden_goal_lines(assessment, min_cell_size=min_cell_size, small_categories=small_categories, activity_id=activity_id)
    weak = set(hidden.loc[hidden["valence"] == "weakness", "goal_id"].astype(str))
    if not weak:
        return np.zeros(len(table), dtype=bool)
    if key == "goal_id":
        return table["goal_id"].astype(str).isin(weak).to_numpy(dtype=bool)
    st = _weakness_statements(assessment, _activity(assessment, interview_activity, "rows_of_hidden_interview_evidence"))
    part = st[st["goal_id"].astype(str).isin(weak)]
    goals_of = set(part["goal_id"].dropna().astype(str))
    hazards_of = set(part["hazard_id"].dropna().astype(str))

    def ids(value) -> set[str]:
        return set(str(value).split()) if isinstance(value, str) else set()

    # a statement of a hidden line counts in every focus area that holds its goal or its hazard
    return np.array([bool(ids(g) & goals_of or ids(h) & hazards_of) for g, h in zip(table["goals"], table["hazards"])], dtype=bool)


def withhold_interview_evidence(table: pd.DataFrame, *, rows, total_withheld: bool = False) -> pd.DataFrame:
    """The evidence table as it may be published: interview counts of the ``rows`` withheld.

    ``n_weakness_statements`` and ``interview_salience`` are emptied in the rows (the
    rest of a row stays published), which are flagged ``interview_withheld`` (read as
    "suppressed" in the HTML). Where the interview report withholds everyone's weakness
    statements (``total_withheld``, from
    :func:`pra_lib.interviews.statements.weakness_total_withheld`), a share beside its count
    would give that total back (count / share), so ``interview_salience`` is emptied in
    every row and the counts stay; nothing else changes, as the normalised salience, the
    scores and the ranks are the same whatever the total (min-max, z-scores and ranks of
    ``count / total`` are those of the counts). The evidence matrix and the goal view follow one
    convention: ``suppressed`` / ``suppression`` are left to the count of people the
    report publishes the table with (:func:`goal_evidence`: its raters; the matrix has
    none), as in every table of a run. The
    ranking is computed from the full table (its ranks are published): pass the result
    to :func:`pra_lib.focus_areas.withhold_interview_ranking`.

    Parameters
    ----------
    table : DataFrame
        :func:`evidence_matrix` or :func:`goal_evidence`.
    rows : array of bool
        :func:`rows_of_hidden_interview_evidence`.
    total_withheld : bool
        Everyone's weakness statements are withheld by the interview report: withhold every
        row's ``interview_salience``.

    Returns
    -------
    pandas.DataFrame
        A copy, with ``interview_withheld``.

    Examples
    --------
    >>> t = pd.DataFrame({"goal_id": ["G01", "G03"], "n_weakness_statements": [9, 4], "interview_salience": [0.1, 0.04]})
    >>> out = withhold_interview_evidence(t, rows=[False, True])
    >>> out["n_weakness_statements"].tolist(), out["interview_withheld"].tolist()
    ([9, <NA>], [False, True])
    >>> out = withhold_interview_evidence(t, rows=[False, True], total_withheld=True)
    >>> out["n_weakness_statements"].tolist(), out["interview_salience"].isna().tolist()
    ([9, <NA>], [True, True])
    """
    rows = pd.Series(list(rows), dtype=bool).to_numpy()
    if len(rows) != len(table):
        raise ValueError(f"rows has {len(rows)} values for an evidence table of {len(table)} rows")
    out = _mark_withheld(table, rows, INTERVIEW_COUNT_COLUMNS, flag=INTERVIEW_WITHHELD)
    if total_withheld and SALIENCE in out:
        out[SALIENCE] = pd.Series(np.nan, index=out.index, dtype="float64")
    out.attrs = dict(table.attrs)
    return out
