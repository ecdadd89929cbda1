"""The executive summary of the whole PRA (the overall report, notebook 08).

:func:`executive_summary` reads the published tables of every chapter (perceptions,
shocks and stresses, action gaps, the focus areas and the seminar) and writes one page of
markdown; a suppressed value is never quoted.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import format_number, plural, term
from ..publishing.i18n import t as tr  # t names tables in this chapter
from ..publishing.privacy import escape_markdown, markdown_labels  # names from the data stay text in the Markdown
from ._common import DEFAULT_TOP_K, _key, _labels
from .findings import settled_text
from .findings_text import _factor_text, _fmt, _pct, _rank_text
from .uncertainty import UncertaintyResult

__all__ = ["executive_summary"]


def _actions_text(n: float) -> str:
    if n is None or np.isnan(n):
        return tr("synthesis.actions.unknown")
    n = int(n)
    return tr("synthesis.actions.none") if n == 0 else (tr("synthesis.actions.one") if n == 1 else tr("synthesis.actions.many", n=n))


def _published(table: pd.DataFrame | None, value: str) -> pd.DataFrame:
    if table is None or table.empty or value not in table:
        return pd.DataFrame()
    t = table.assign(_v=_num(table[value]).to_numpy())
    return t[t["_v"].notna()]


def _top_with_ties(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """The first ``k`` rows of a table sorted by ``_v`` (descending), with every row tied at the k-th value."""
    v = table["_v"].round(6)
    return table[v >= v.iloc[min(k, len(table)) - 1]]


def _ties_text(shown: pd.DataFrame, *, compound: bool) -> str:
    """' Ties, not an order: 2 shocks at compound risk 25.' for the tied values among the rows shown, or ''."""
    ties = shown.groupby(shown["_v"].round(6)).size()
    ties = ties[ties > 1]
    if not len(ties):
        return ""
    items = [tr("synthesis.exec.shock_tie", n=int(n), score=_fmt(v)) if compound else tr("synthesis.exec.shock_tie_score", n=int(n), score=_fmt(v))
             for v, n in ties.sort_index(ascending=False).items()]
    return " " + tr("synthesis.exec.stress_ties", items="; ".join(items))


def _robust(goal_scores: pd.DataFrame | None, shock_ranks: pd.DataFrame | None, *, settled: float = 0.9) -> list[str]:
    """Findings the sampling variation does not move: a weakest goal clear of the others, a top shock first in most resamples."""
    out = []
    g = _published(goal_scores, "mean")
    if len(g) >= 2 and {"ci_low", "ci_high"} <= set(g.columns):
        g = g.assign(_lo=_num(g["ci_low"]).to_numpy(), _hi=_num(g["ci_high"]).to_numpy()).sort_values("_v")
        weakest, rest = g.iloc[0], g.iloc[1:]
        if np.isfinite(weakest["_hi"]) and (weakest["_hi"] < rest["_lo"]).all():
            label = "goal_label" if "goal_label" in g else "goal_id"
            out.append(tr("synthesis.exec.robust_goal", goal=f"{weakest['goal_id']} *{weakest[label]}*", mean=format_number(weakest['_v'], digits=2),
                          low=format_number(weakest['_lo'], digits=2), high=format_number(weakest['_hi'], digits=2)))
    r = _published(shock_ranks, "share_first")
    if len(r):
        top = r.sort_values("_v", ascending=False).iloc[0]
        tied = top.get("tied_with", "")
        if top["_v"] >= settled and not (isinstance(tied, str) and tied):
            n = _num([top.get("n_resamples", np.nan)]).iloc[0]
            out.append(tr("synthesis.exec.robust_shock", hazard=top["hazard"], share=_pct(top["_v"]), n=format_number(int(n)) if np.isfinite(n) else "?"))
    return out


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
    shock_ranks: pd.DataFrame | None = None,
    sections: Mapping[str, bool] | None = None,
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
    shock_ranks : DataFrame, optional
        :func:`pra_lib.risk.rank_intervals` of the shocks: the top shock is quoted among the
        settled findings when it is first, untied, in at least 90% of the resamples.
    sections : mapping of str to bool, optional
        :func:`collected_sections`: the results of a section whose data were not collected
        are left out, so that, for example, an assessment without an actions inventory is
        not summarised as "no action" for every goal.
    k : int
        How many goals, shocks, stresses and gaps to name.

    Returns
    -------
    str
        Markdown, one bullet per part of the assessment. It opens with what the evidence
        settles: the places and sets of focus areas that hold in at least 90% of the
        uncertainty analysis's runs (:func:`settled_places`); an order the analysis does
        not settle is given as a set with the share of runs behind each place, and the
        nominal ranking follows as one set of modelling choices among many.

    Examples
    --------
    >>> report.markdown(executive_summary(city="Jakarta", goal_scores=goals, ranking=ranking, uncertainty=u))  # doctest: +SKIP
    """
    city = escape_markdown(city) if isinstance(city, str) else city
    goal_scores, shocks, stresses, compound, goal_gaps, hazard_gaps, ranking, seminar_changes, seminar_ranking, shock_ranks = markdown_labels(
        goal_scores, shocks, stresses, compound, goal_gaps, hazard_gaps, ranking, seminar_changes, seminar_ranking, shock_ranks
    )
    absent = {name for name, collected in (sections or {}).items() if not collected}
    if "profile" in absent:
        goal_scores = None
    if "risk" in absent:
        shocks = stresses = compound = shock_ranks = hazard_gaps = None
    if "actions" in absent:
        goal_gaps = hazard_gaps = None
    if "focus_areas" in absent:
        ranking = uncertainty = None
    if "seminar" in absent:
        seminar_changes = seminar_ranking = None
    lines = []
    robust = _robust(goal_scores, shock_ranks)
    if robust:
        lines.append(tr("synthesis.exec.robust", items="; ".join(robust)))
    if uncertainty is not None and len(uncertainty.summary) and ranking is not None and len(ranking):
        key = _key(ranking) or "focus_area_id"
        lead = settled_text(uncertainty, dict(zip(ranking[key], _labels(ranking))))
        if lead:
            if np.isfinite(uncertainty.settings.get("share_selected_fill_top", np.nan)):
                m = uncertainty.settings["n_selected"]
                lead += " " + tr("synthesis.exec.fill", m=m, share=_pct(uncertainty.settings["share_selected_fill_top"]), n=format_number(uncertainty.settings['n_runs']))
            lines.append(lead)
    where = city or tr("synthesis.exec.the_city")
    g = _published(goal_scores, "mean")
    if len(g):
        g = g.sort_values("_v")
        label = "goal_label" if "goal_label" in g else "goal_id"
        weakest = "; ".join(f"{x['goal_id']} *{x[label]}* ({format_number(x['_v'], digits=2)})" for _, x in g.head(k).iterrows())
        strongest = g.iloc[-1]
        below = int((g["_v"] < 3).sum())
        lines.append(tr("synthesis.exec.perceptions", city=where, below=below, n=len(g), weakest=weakest,
                        strongest=f"{strongest['goal_id']} *{strongest[label]}* ({format_number(strongest['_v'], digits=2)})"))
    c = _published(compound, "compound")
    if len(c):
        c = _top_with_ties(c.sort_values("_v", ascending=False), k)
        top = "; ".join(f"{x['hazard']} ({_fmt(x['_v'])}{tr('synthesis.exec.own_score', score=_fmt(float(_num([x['score']]).iloc[0]))) if 'score' in x else ''})"
                        for _, x in c.iterrows())
        lines.append(tr("synthesis.exec.top_shocks_compound", items=top) + _ties_text(c, compound=True))
    elif len(_published(shocks, "score")):
        s = _top_with_ties(_published(shocks, "score").sort_values("_v", ascending=False), k)
        lines.append(tr("synthesis.exec.top_shocks", items="; ".join(f"{x['hazard']} ({_fmt(x['_v'])}, {term(x['band'], 'band')})" for _, x in s.iterrows()))
                     + _ties_text(s, compound=False))
    s = _published(stresses, "severity")
    if len(s):
        s = s.sort_values(["_v", "share_worsening"] if "share_worsening" in s else ["_v"], ascending=False)
        # a tie at the k-th severity is named in full, not cut by the order of the table
        shown = s[s["_v"] >= s["_v"].iloc[min(k, len(s)) - 1]]
        parts = [f"{x['hazard']} ({tr('synthesis.exec.severity', severity=_fmt(x['_v']))}, {term(x['trend'], 'trend')})" if isinstance(x.get("trend"), str)
                 # a trend withheld for its few raters is left out, not written "nan"
                 else f"{x['hazard']} ({tr('synthesis.exec.severity', severity=_fmt(x['_v']))})" if "trend" in x else f"{x['hazard']} ({_fmt(x['_v'])})"
                 for _, x in shown.iterrows()]
        text = tr("synthesis.exec.top_stresses", items="; ".join(parts))
        ties = shown.groupby("_v").size()
        ties = ties[ties > 1]
        if len(ties):
            text += " " + tr("synthesis.exec.stress_ties", items="; ".join(tr("synthesis.exec.stress_tie", n=int(n), severity=_fmt(v)) for v, n in ties.sort_index(ascending=False).items()))
        lines.append(text)
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
                tie = tr("synthesis.exec.tie", n=n_tied, gap=format_number(last, digits=2, sign=True)) if len(flagged) > k and n_tied > 1 else ""
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
        # a rank withheld with its interview evidence or its answers (withhold_interview_ranking) follows, unranked
        flagged = np.zeros(len(ranking), dtype=bool)
        for column in ("interview_withheld", "answers_withheld"):
            if column in ranking:
                flagged |= ranking[column].astype(str).eq("True").to_numpy()
        if flagged.any():
            hidden = ranking[flagged & _num(ranking["rank"]).isna().to_numpy()].sort_values(key)
            parts += [f"{label} ({tr('common.suppressed')})" for label in _labels(hidden)]
        items = "; ".join(parts)
        lead = tr("synthesis.exec.focus_areas_nominal", items=items) if uncertainty is not None else tr("synthesis.exec.focus_areas", items=items)
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
