"""The evidence trail: which goals, hazards, interview codes and actions make each focus area's case.

:func:`evidence_trail` is one tidy row per piece of evidence, with ``n`` (respondents,
raters or interviewees) so that codes raised by few interviewees are suppressed when it is
published; :func:`pra_lib.focus_areas.trail_summary` reads it back as one row per focus
area. A tables module: no figures and no prose (the units and details it carries are data,
in English).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import risk
from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import cell_label
from ._common import ANSWERS_WITHHELD, DEFAULT_ACTIVITIES, STRESS_LIKELIHOOD, _ids, _pct, _term
from .evidence import _inputs, _linked_actions, _scopes, _withheld_goals

__all__ = ["evidence_trail", "rows_of_hidden_interview_lines"]


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
          a goal (almost) everyone answered alike (``goal_scores`` of
          :func:`pra_lib.focus_areas.published_goal_scores`) keeps its ``n`` only and is
          flagged ``answers_withheld`` (the column is there when ``goal_scores`` has it);
        * shock / stress: risk points (:func:`hazard_risk`), ``n`` raters, the basis;
        * interview code: weakness statements with this code tagged to the focus area's
          goals or hazards, ``n`` interviewees who made them;
        * actions: the number of distinct actions on its goals and hazards, with their
          status and a few titles (``n`` empty: it counts no people).

        Publish it with ``report.table(trail, ..., count="n")`` so that codes raised by
        few interviewees are suppressed, and with ``hidden_with=``
        :func:`rows_of_hidden_interview_lines` so that no code gives back a goal line the
        interview report hides.

    Examples
    --------
    >>> evidence_trail(load_assessment("data/sample"), "FA2")  # doctest: +SKIP
    """
    known = {"goal_scores", "shock_scores", "stress_scores", "compound", "coverage_goal", "coverage_hazard", "perception_activity",
             "perception_channels", "shocks_activity", "stresses_activity", "interview_activity", "alpha", "stress_likelihood"}
    unknown = sorted(set(options) - known - {"risk_summary"})
    if unknown:
        raise ValueError(f"evidence_trail: unknown option(s) {', '.join(unknown)}")
    defaults = {"perception_activity": DEFAULT_ACTIVITIES["perception"], "perception_channels": None,
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
    alike = _withheld_goals(inp.goal_scores)
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
            withheld = alike is not None and g in alike
            detail = (cell_label("synthesis.trail.answers_withheld") if withheld else cell_label("synthesis.trail.poor", share=_pct(neg))
                      if not np.isnan(neg) else cell_label("synthesis.not_rated_or_suppressed"))
            goal_rows.append(base | {"kind": "goal", "item_id": g, "item": label, "value": np.nan if withheld else mean,
                                     "unit": cell_label("synthesis.trail.unit.goal"), "n": n, "detail": detail, ANSWERS_WITHHELD: withheld})
        rows += sorted(goal_rows, key=lambda r: (np.inf if np.isnan(r["value"]) else r["value"]))
        hazard_rows = []
        for h in fa.hazards:
            if h in haz.index:
                x = haz.loc[h]
                hazard_rows.append(base | {"kind": x["hazard_type"], "item_id": h, "item": x["hazard"], "value": x["risk_points"],
                                           "unit": cell_label("synthesis.trail.unit.risk"), "n": x["n"], "detail": x["basis"]})
            else:
                hazard_rows.append(base | {"kind": "hazard", "item_id": h, "item": h, "value": np.nan, "unit": cell_label("synthesis.trail.unit.risk"), "n": np.nan,
                                           "detail": cell_label("synthesis.trail.not_in_hazards")})
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
                                    "unit": cell_label("synthesis.trail.unit.statements"), "n": float(c.n), "detail": cell_label("synthesis.trail.tagged", tags=tags)})
        acts = _linked_actions(assessment, fa.goals, fa.hazards)
        status = acts["status"].fillna("not recorded").value_counts() if len(acts) else pd.Series(dtype=int)
        titles = [str(t) for t in acts["title"].head(int(n_titles)) if pd.notna(t)]
        detail = ", ".join(f"{v} {_term(k, 'status')}" for k, v in status.items()) if len(acts) else cell_label("synthesis.trail.no_action")
        if titles:
            detail += cell_label("synthesis.trail.for_example", titles="; ".join(titles))
        rows.append(base | {"kind": "actions", "item_id": None, "item": cell_label("synthesis.trail.actions_item"), "value": float(len(acts)),
                            "unit": cell_label("synthesis.trail.unit.actions"), "n": np.nan, "detail": detail})
    columns = ["focus_area_id", "focus_area", "kind", "item_id", "item", "value", "unit", "n", "detail"]
    out = pd.DataFrame(rows, columns=columns + ([ANSWERS_WITHHELD] if alike is not None else []))
    if alike is not None:
        out[ANSWERS_WITHHELD] = out[ANSWERS_WITHHELD].fillna(False).astype(bool)
    out["value"] = out["value"].astype(float)
    out["n"] = out["n"].astype(float)
    return out


def rows_of_hidden_interview_lines(trail: pd.DataFrame, assessment, *, min_cell_size: int, small_categories: str | None = None, activity_id: str = "questionnaire") -> np.ndarray:
    """Which rows of an evidence trail count the interviewees of a goal line the interview report hides.

    The interview report hides some goal lines (a goal as a weakness or a strength), with
    linked suppression. A code's interviewees are at most its line's, and all of them when
    the line has one code (on the sample, G12 as a weakness is only "land subsidence
    awareness"), so a trail row of such a code would give the line back: it is hidden with
    it (``complementary``). The lines are those of
    :func:`pra_lib.interviews.statements.hidden_goal_lines`, the same calls as the
    interview report's; a code counts as part of a line when any statement tags it so.

    Parameters
    ----------
    trail : DataFrame
        An evidence trail (:func:`evidence_trail`).
    assessment : Assessment
        The assessment as loaded, before small categories are merged (the interview
        report's plan is made from it).
    min_cell_size, small_categories : int, str
        The run's options.
    activity_id : str
        The interview report's activity.

    Returns
    -------
    ndarray of bool
        One per trail row, for ``report.table(trail, ..., hidden_with=...)``.

    Examples
    --------
    >>> trail = evidence_trail(assessment)  # doctest: +SKIP
    >>> report.table(trail, "evidence_trail", count="n", hidden_with=rows_of_hidden_interview_lines(trail, assessment, min_cell_size=5))  # doctest: +SKIP
    """
    from ..interviews.statements import GOAL_LINE_DIMS, hidden_goal_lines
    from ..publishing.disclosure_linked import rows_of_hidden_lines

    missing = [c for c in ("kind", "item") if c not in trail]
    if missing:
        raise KeyError(f"evidence trail: columns {missing} not in table (columns: {', '.join(map(str, trail.columns))})")
    codes = trail["kind"].astype(object).eq("interview code").to_numpy(dtype=bool)
    if not codes.any() or not assessment.has("interview_statements"):
        return np.zeros(len(trail), dtype=bool)
    hidden = hidden_goal_lines(assessment, min_cell_size=min_cell_size, small_categories=small_categories, activity_id=activity_id).assign(suppressed=True)
    parts = assessment.interview_statements.reindex(columns=["code", *GOAL_LINE_DIMS]).dropna().drop_duplicates()
    in_line = rows_of_hidden_lines(trail, published=hidden, dims=GOAL_LINE_DIMS, parts=parts, on={"item": "code"})
    return codes & in_line
