"""Findings of the focus-areas working session, as markdown and readable tables.

:func:`findings_focus_areas` (the ranking and how firm it is), :func:`session_note` (the
working session and its candidates), :func:`evidence_definitions` (what each evidence
column measures), :func:`trail_summary` (the evidence trail as one readable row per focus
area) and :func:`methods_note` (the settings used, for the overall report). All are built
from published tables through the catalogue of :mod:`pra_lib.publishing.i18n`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import risk
from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE, is_suppressed
from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import format_date, format_number, format_percent, get_language, plural
from ..publishing.i18n import t as tr  # t names tables in this chapter
from ..publishing.privacy import escape_markdown, markdown_labels  # names from the data stay text in the Markdown
from ._common import DEFAULT_CI, DEFAULT_TOP_K, EVIDENCE, _evidence_columns, _key, _labels, _truthy
from .evidence import _scopes
from .findings_text import _evidence, _factor_text, _fmt, _method, _option_text, _pct, _rank_text
from .uncertainty import UncertaintyResult, settled_places

__all__ = ["evidence_definitions", "findings_focus_areas", "methods_note", "session_note", "settled_text", "trail_summary"]


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
        title, other = escape_markdown(title), (escape_markdown(other) if other is not None else None)  # titles are data
        local = f" (*{other}*)" if other is not None else ""
        date = format_date(str(r["date"]).strip()) if pd.notna(r.get("date")) and str(r.get("date")).strip() else tr("synthesis.session.no_date")
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
                     + (tr("synthesis.session.agreed", n=len(chosen), names=", ".join(f"{a} {escape_markdown(b)}" for a, b in zip(chosen["focus_area_id"], chosen["focus_area"])))
                        if len(chosen) else "") + ".")
    parts.append(tr("synthesis.session.evidence"))
    return " ".join(parts)


def _flags(frame: pd.DataFrame, column: str) -> list[bool]:
    """A yes/no column as read from a table or its CSV (all no when absent)."""
    return [_truthy(v) for v in frame[column]] if column in frame else [False] * len(frame)


def trail_summary(trail: pd.DataFrame, *, k: int = 3) -> pd.DataFrame:
    """One readable row per focus area from :func:`evidence_trail` (published or not).

    Returns
    -------
    pandas.DataFrame
        ``focus_area_id``, ``focus_area``, ``goals`` (each with its mean rating, weakest
        first; "suppressed" for a goal answered alike, ``answers_withheld``), ``shocks_and_stresses`` (each with its risk points, highest first),
        ``interview_codes`` (the ``k`` most frequent, with their statement counts;
        suppressed codes are counted, not named) and ``actions``.

    Examples
    --------
    >>> trail_summary(evidence_trail(a))  # doctest: +SKIP
    """
    rows = []
    for (fa, name), t in trail.groupby(["focus_area_id", "focus_area"], sort=False):
        v = _num(t["value"])
        hidden = is_suppressed(t["value"], t)
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
            "goals": "; ".join(f"{g} {i} ({tr('common.suppressed') if w else _fmt(x, 2)})" for g, i, x, w in zip(goals["item_id"], goals["item"], v[goals.index], _flags(goals, "answers_withheld"))) or none,
            "shocks_and_stresses": "; ".join(f"{i} ({_fmt(x)})" for i, x in zip(hz["item"], v[hz.index])) or none,
            "interview_codes": code_text or none,
            "actions": (f"{int(v[acts.index].iloc[0])}: {acts['detail'].iloc[0]}" if len(acts) else none),
        })
    return pd.DataFrame(rows, columns=["focus_area_id", "focus_area", "goals", "shocks_and_stresses", "interview_codes", "actions"])


def _withheld_rank(ranking: pd.DataFrame) -> np.ndarray:
    """Rows whose rank :func:`withhold_interview_ranking` withheld with their interview evidence or their answers."""
    flagged = np.array(_flags(ranking, "interview_withheld"), dtype=bool) | np.array(_flags(ranking, "answers_withheld"), dtype=bool)
    return flagged & _num(ranking["rank"]).isna().to_numpy() if len(ranking) else np.zeros(0, dtype=bool)


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
    ranking, matrix = markdown_labels(ranking, matrix)
    key = _key(ranking) or "focus_area_id"
    r = ranking.assign(_rank=_num(ranking["rank"]).to_numpy(), _score=_num(ranking["score"]).to_numpy())
    ranked = r[r["_rank"].notna()].sort_values(["_rank", key])
    if ranked.empty:
        return "- " + tr("synthesis.find.nothing")
    names = dict(zip(r[key], _labels(r)))
    lines = []
    norm = _method(str(ranked["normalisation"].iloc[0])) if "normalisation" in ranked else ""
    agg = _method(str(ranked["aggregation"].iloc[0])) if "aggregation" in ranked else ""
    # a score withheld with an interview count (withhold_interview_ranking) is not quoted, nor
    # its rank: those rows follow the ranked ones by id, marked suppressed
    unranked = r[_withheld_rank(r)].sort_values(key)
    order = "; ".join([f"{int(x['_rank'])}. {names[x[key]]}" + (f" ({format_number(x['_score'], digits=1)})" if pd.notna(x["_score"]) else "") for _, x in ranked.iterrows()]
                      + [f"{names[x[key]]} ({tr('common.suppressed')})" for _, x in unranked.iterrows()])
    weights = tr("synthesis.find.weights.equal") if _equal(ranking.attrs.get("weights")) else tr("synthesis.find.weights.chosen")
    lines.append(tr("synthesis.find.nominal", normalisation=norm, aggregation=agg, weights=weights, order=order))
    leader = ranked.iloc[0]
    if matrix is not None and key in matrix:
        cols = _evidence_columns(matrix, None)
        normcols = [f"norm_{c}" for c in cols if f"norm_{c}" in ranked]
        # with its interview evidence withheld, which evidence is the leader's strongest cannot be said
        if normcols and not _truthy(leader.get("interview_withheld", False)) and unranked.empty:
            vals = {c[5:]: float(leader[c]) for c in normcols if pd.notna(leader[c])}
            strong = sorted(vals, key=vals.get, reverse=True)[:2]
            lines.append(tr("synthesis.find.leads", name=names[leader[key]], evidence=tr("risk.find.and").join(_evidence(c, "label").lower() for c in strong)))
    if matrix is not None and "dropped" in matrix and key in matrix:
        lost = matrix[matrix["dropped"].fillna("").astype(str) != ""]
        if len(lost):
            lines.append(tr("synthesis.find.dropped", items="; ".join(f"{x[key]}: {x['dropped']}" for _, x in lost.iterrows())))
    if matrix is not None and "n_hazards" in matrix and "linked_risk" in matrix and key in matrix:
        none = matrix[(pd.to_numeric(matrix["n_hazards"], errors="coerce") == 0) & _num(matrix["linked_risk"]).isna().to_numpy()]
        if len(none):
            lines.append(tr("synthesis.find.no_hazard", names=", ".join(names.get(x, x) for x in none[key])))
    # with a rank withheld, which agreed focus areas make the top cannot be said
    if "selected" in r and r["selected"].astype(bool).any() and unranked.empty:
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
        ci = format_percent(st.get('ci', DEFAULT_CI))
        by_first = s.sort_values(["share_first", "rank_median"], ascending=[False, True])
        best = by_first.iloc[0]
        if best["share_first"] >= 0.5:
            lines.append(tr("synthesis.find.uncertainty_first", n=format_number(n), name=names.get(best[key], best[key]), share=_pct(best["share_first"]),
                            interval=_rank_text(best["rank_low"], best["rank_high"]), ci=ci))
        else:
            contenders = by_first[by_first["share_first"] >= 0.05]
            lines.append(tr("synthesis.find.uncertainty_open", n=format_number(n),
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
        settled = settled_text(uncertainty, names)
        if settled:
            lines.append(settled)
        sens = uncertainty.sensitivity
        if sens is not None and len(sens) and "sobol_total" in sens and sens["sobol_total"].notna().any():
            sob = sens.dropna(subset=["sobol_total"])
            lines.append(tr("synthesis.find.sobol", n=format_number(st.get('sobol_runs', 0)), items="; ".join(
                tr("synthesis.find.sobol_item", factor=_factor_text(x["factor"]), total=format_number(x['sobol_total'], digits=2), first=format_number(x['sobol_first'], digits=2))
                for _, x in sob.iterrows())))
            opts = uncertainty.options
            lo = opts[(opts["factor"] == "left_out") & ~opts["nominal"]].sort_values("mean_abs_rank_shift", ascending=False)
            if len(lo):
                x = lo.iloc[0]
                lines.append(tr("synthesis.find.leans", option=_option_text("left_out", x["option"]), shift=format_number(x['mean_abs_rank_shift'], digits=2), most=int(x["max_abs_rank_shift"])))
        elif sens is not None and len(sens):
            top = sens.iloc[0]
            close = sens.iloc[1:][sens["mean_abs_rank_shift"].iloc[1:] >= 0.9 * top["mean_abs_rank_shift"]]
            rest = sens.iloc[1:][sens["mean_abs_rank_shift"].iloc[1:] < 0.9 * top["mean_abs_rank_shift"]]
            factor = _factor_text(top["factor"])
            text = tr("synthesis.find.sensitivity", factor=factor[0].upper() + factor[1:], shift=format_number(top['mean_abs_rank_shift'], digits=2), share=_pct(top["share_leader_changed"]))
            if len(close):
                text += tr("synthesis.find.followed", items=tr("risk.find.and").join(f"{_factor_text(x['factor'])} ({format_number(x['mean_abs_rank_shift'], digits=2)})" for _, x in close.iterrows()))
            if len(rest):
                text += tr("synthesis.find.then", items="; ".join(f"{_factor_text(x['factor'])} ({format_number(x['mean_abs_rank_shift'], digits=2)})" for _, x in rest.iterrows()))
            lines.append(text + ".")
            opts = uncertainty.options
            lo = opts[(opts["factor"] == "left_out") & ~opts["nominal"]].sort_values("mean_abs_rank_shift", ascending=False)
            if len(lo):
                x = lo.iloc[0]
                lines.append(tr("synthesis.find.leans", option=_option_text("left_out", x["option"]), shift=format_number(x['mean_abs_rank_shift'], digits=2), most=int(x["max_abs_rank_shift"])))
    return "\n".join(f"- {line}" for line in lines)


def settled_text(uncertainty: UncertaintyResult, names: dict | None = None, *, threshold: float = 0.9) -> str | None:
    """What the uncertainty analysis settles, as one sentence: settled places and the sets it leaves in no order.

    A tier of one focus area is a settled place ("7. FA6, in 94% of runs"); a larger tier
    is reported as a set, not an order, with the share of runs in which each member takes
    the set's first place (:func:`settled_places`).

    Examples
    --------
    >>> settled_text(uncertainty)  # doctest: +SKIP
    """
    tiers = settled_places(uncertainty, threshold=threshold)
    if tiers.empty:
        return None
    key = tiers.columns[0]
    names = names or {}
    parts = []
    for _, g in tiers.groupby("tier", sort=True):
        x = g.iloc[0]
        if bool(x["settled"]):
            parts.append(tr("synthesis.settled.place", place=int(x["place_low"]), name=names.get(x[key], x[key]), share=_pct(x["share_in_places"])))
        else:
            g = g.sort_values("share_place_low", ascending=False, kind="stable")
            members = ", ".join(tr("synthesis.find.share_item", name=names.get(y[key], y[key]), share=_pct(y["share_place_low"])) for _, y in g.iterrows())
            parts.append(tr("synthesis.settled.set", low=int(x["place_low"]), high=int(x["place_high"]), share=_pct(x["share_tier"]),
                            place=int(x["place_low"]), items=members))
    return tr("synthesis.settled.lead", threshold=_pct(threshold), items="; ".join(parts))


def _equal(weights) -> bool:
    if not weights:
        return True
    v = np.array(list(weights.values()), dtype=float)
    return bool(np.allclose(v, v[0]))


def methods_note(*, uncertainty: UncertaintyResult | None = None, ranking: pd.DataFrame | None = None, alpha: float = risk.DEFAULT_ALPHA,
                 n_resamples: int | None = None, min_cell_size: int = DEFAULT_MIN_CELL_SIZE, synthetic: bool = False,
                 sections: Mapping[str, bool] | None = None) -> str:
    """A short methods note for the overall report, with the settings actually used.

    ``sections`` (:func:`collected_sections`) leaves out the methods of sections whose data
    were not collected.

    Examples
    --------
    >>> report.markdown(methods_note(uncertainty=u, ranking=ranking, alpha=0.25, n_resamples=1000))  # doctest: +SKIP
    """
    absent = {name for name, collected in (sections or {}).items() if not collected}
    if "focus_areas" in absent:
        uncertainty = ranking = None
    lines = [
        (tr("synthesis.methods.perceptions") + (tr("synthesis.methods.resamples", n=format_number(n_resamples)) if n_resamples else "."))
        if "risk" not in absent else tr("synthesis.methods.perceptions_only"),
        "" if "risk" in absent else tr("synthesis.methods.risk", alpha=_fmt(alpha, 2)),
        "" if "actions" in absent else tr("synthesis.methods.actions"),
        "" if "focus_areas" in absent else tr("synthesis.methods.focus_areas"),
    ]
    if ranking is not None and len(ranking) and "normalisation" in ranking:
        w = ranking.attrs.get("weights") or {}
        wtext = ", ".join(f"{_evidence(c, 'label').lower()} {format_number(v, digits=2)}" for c, v in w.items())
        lines.append(tr("synthesis.methods.nominal", normalisation=_method(str(ranking["normalisation"].iloc[0])),
                        aggregation=_method(str(ranking["aggregation"].iloc[0])), weights=wtext))
    if uncertainty is not None:
        st = uncertainty.settings
        lines.append(tr("synthesis.methods.uncertainty", n=format_number(st['n_runs']), seed=st["seed"],
                        normalisations=", ".join(_method(m) for m in st["normalisations"]),
                        aggregations=", ".join(_method(m) for m in st["aggregations"]),
                        concentration=_fmt(st["dirichlet_concentration"]), ci=format_percent(st['ci'])))
        if "alphas" in st:
            lines.append(tr("synthesis.methods.choices", alphas=", ".join(_fmt(a, 2) for a in st["alphas"]),
                            likelihoods=", ".join(_fmt(x) for x in st["stress_likelihoods"]), shifts=", ".join(_fmt(x, 1) for x in st["shifts"]),
                            n_sets=st.get("candidate_sets", 1)))
        if st.get("sobol_runs"):
            lines.append(tr("synthesis.methods.sobol", n=format_number(st['sobol_runs']), base=st["sobol_base"]))
    lines.append(tr("synthesis.methods.disclosure", n=min_cell_size) + (" " + tr("synthesis.methods.synthetic") if synthetic else ""))
    return "\n".join(f"- {line}" for line in lines if line)
