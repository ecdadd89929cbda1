"""Findings of the questionnaire and the City Perception Workshop, as markdown.

Sentences are built from the published tables (suppressed cells and cells below
``min_cell_size`` are never quoted) through the report language's catalogue
(:mod:`pra_lib.publishing.i18n`): :func:`findings_questionnaire`,
:func:`findings_workshop` and :func:`findings_weighted` (what population weights change).
The tables keep a few catalogue words in English, as the rest of the data vocabulary
("(city-wide)", "All respondents", the interval method); :func:`_shown` and the figures
translate them.
"""

from __future__ import annotations

import pandas as pd

from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE
from ..publishing.i18n import english, format_number, format_p_value, format_percent, goal_label, plural, term
from ..publishing.i18n import t as tr  # t is a common name for a table in this chapter
from ..publishing.privacy import markdown_labels  # names from the data stay text in the Markdown
from ..stats.weights import design_effect
from ._common import _LABEL_OF, _P_ADJUST_NAME, ALL, _num, _usable


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------


def _shown(value):
    """A label the tables keep in English ("(city-wide)", "All respondents"), in the report language."""
    for key in ("overview.citywide", "perception.all_respondents"):
        if value == english(key):
            return tr(key)
    return value


def _fmt_p(p: float) -> str:
    if pd.isna(p):
        return tr("perception.p_na")
    shown = format_p_value(p)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def _goal_name(goal_id: str) -> str:
    return f"{goal_id} *{goal_label(goal_id)}*"


def _by_text(by: str, plural_form: bool = False) -> str:
    """A grouping column in running text ('stakeholder group'), in the report language."""
    family = "by_plural" if plural_form else "by"
    if by in ("stakeholder_group", "area", "channel", "workshop_table"):
        return tr(f"perception.{family}.{by}")
    return by.replace("_", " ") + ("s" if plural_form else "")


def _adjustment_name(method: str, table: pd.DataFrame | None = None) -> str:
    """'Holm', 'Benjamini-Hochberg'... for the findings text; 'report-wide Holm' when the table was adjusted with the report's other tests."""
    name = tr(f"perception.adjust.{method}") if method in _P_ADJUST_NAME else method
    if table is not None and "family_size" in table.columns and method != "none":
        return tr("perception.adjust.report", method=name)
    return name


def _weakest_text(goal_scores: pd.DataFrame, min_cell_size: int, k: int = 3) -> list[str]:
    s = _usable(goal_scores, min_cell_size)
    if s.empty:
        return [tr("perception.find.no_goal")]
    s = s.assign(_lo=_num(s["ci_low"]), _hi=_num(s["ci_high"]))
    level_col = "goal_id" if "goal_id" in s.columns else "dimension_id"
    weakest = s.nsmallest(min(k, len(s)), "_v")
    strongest = s.nlargest(1, "_v").iloc[0]

    def item(r) -> str:
        ci = tr("perception.find.ci", lo=format_number(r['_lo'], digits=2), hi=format_number(r['_hi'], digits=2)) if pd.notna(r["_lo"]) else ""
        name = _goal_name(r[level_col]) if level_col == "goal_id" else f"*{r['dimension_label']}*"
        return tr("perception.find.item", name=name, mean=format_number(r['_v'], digits=2), ci=ci, n=int(r["_n"]))

    below = s[s["_hi"] < 3]
    lines = [
        tr("perception.find.weakest", items="; ".join(item(r) for _, r in weakest.iterrows()), strongest=item(strongest)),
        tr("perception.find.below", n=len(below), total=len(s))
        + (f": {', '.join(below.sort_values('_v')[level_col])}." if len(below) else "."),
    ]
    if "share_dont_know" in s:
        dk = _num(s["share_dont_know"])
        if dk.notna().any():
            hi = s.loc[dk.idxmax()]
            lines.append(tr("perception.find.dont_know", lo=format_percent(dk.min()), hi=format_percent(dk.max()), goal=hi[level_col]))
    return lines


def _groups_text(differences: pd.DataFrame | None, group_scores: pd.DataFrame | None, min_cell_size: int, by: str) -> list[str]:
    if differences is None:
        return []
    d = differences.copy()
    d["_p"] = _num(d["pvalue_adj"])
    what = _by_text(by, plural_form=True)
    method = _adjustment_name(str(d["p_adjust"].iloc[0]), d) if len(d) else tr("perception.adjust.holm")
    d["_e"] = _num(d["epsilon_sq"])
    if "test_withheld" in d:
        # A goal whose test involves a withheld group is not described: its H would give the group's answers back.
        d = d[d["test_withheld"].astype(str).str.lower() != "true"]
    sig = d[d["significant"].astype(str).str.lower() == "true"].sort_values("_p")
    if sig.empty:
        return [tr("perception.find.no_differences", what=what, method=method)]
    parts = []
    label_col = _LABEL_OF.get(by, by)
    for _, r in sig.iterrows():
        text = tr("perception.find.difference", name=_goal_name(r["goal_id"]), h=format_number(_num(pd.Series([r['h']])).iloc[0], digits=1), epsilon=format_number(r['_e'], digits=2), p=_fmt_p(r["_p"]))
        if group_scores is not None:
            goal = group_scores[group_scores["goal_id"] == r["goal_id"]]
            g = _usable(goal, min_cell_size)
            # With a group's answers withheld, the highest and lowest of the others may not be the goal's.
            withheld = "answers_withheld" in goal and goal["answers_withheld"].astype(str).eq("True").any()
            if len(g) >= 2 and not withheld:
                lab = label_col if label_col in g.columns else by
                hi, lo = g.loc[g["_v"].idxmax()], g.loc[g["_v"].idxmin()]
                text += tr("perception.find.difference_range", hi=_shown(hi[lab]), hi_mean=format_number(hi['_v'], digits=2), lo=_shown(lo[lab]), lo_mean=format_number(lo['_v'], digits=2))
        parts.append(text)
    return [tr(f"perception.find.differences.{plural(len(sig) != 1)}", what=what, n=len(sig), total=int(d["_p"].notna().sum()), method=method, items="; ".join(parts))]


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------


def findings_questionnaire(
    goal_scores: pd.DataFrame,
    *,
    group_scores: pd.DataFrame | None = None,
    differences: pd.DataFrame | None = None,
    mode: pd.DataFrame | None = None,
    ipa: pd.DataFrame | None = None,
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
) -> str:
    """Findings of the questionnaire, as markdown computed from the result tables.

    Parameters
    ----------
    goal_scores : pandas.DataFrame
        :func:`scores` per goal (published or not).
    group_scores : pandas.DataFrame, optional
        :func:`scores` by stakeholder group, to say which groups rate highest and lowest.
    differences : pandas.DataFrame, optional
        :func:`group_differences`.
    mode : pandas.DataFrame, optional
        :func:`mode_effect`.
    ipa : pandas.DataFrame, optional
        :func:`importance_performance`.
    min_cell_size : int
        Cells with fewer respondents are never quoted.

    Returns
    -------
    str
        Markdown bullet list.

    Examples
    --------
    >>> Markdown(findings_questionnaire(goal_scores, differences=kw, mode=mode))  # doctest: +SKIP
    """
    goal_scores, group_scores, differences, mode, ipa = markdown_labels(goal_scores, group_scores, differences, mode, ipa)
    lines = _weakest_text(goal_scores, min_cell_size)
    by = str(differences["between"].iloc[0]) if differences is not None and len(differences) else "stakeholder_group"
    lines += _groups_text(differences, group_scores, min_cell_size, by)
    if mode is not None and len(mode):
        m = mode.copy()
        m["_p"] = _num(m["pvalue_adj"])
        method = _adjustment_name(str(m["p_adjust"].iloc[0]), m)
        sig = m[(m["significant"].astype(str).str.lower() == "true") & (_num(m["n"]) >= min_cell_size)]
        for flag in ("answers_withheld", "test_withheld"):
            if flag in sig:
                # A goal whose channel means or test are withheld is not described: its direction would give them away.
                sig = sig[sig[flag].astype(str).str.lower() != "true"]
        if sig.empty:
            lines.append(tr("perception.find.no_mode", method=method))
        else:
            parts = []
            for _, r in sig.iterrows():
                on, off = _num(pd.Series([r["mean_online"]])).iloc[0], _num(pd.Series([r["mean_offline"]])).iloc[0]
                direction = "lower" if off < on else "higher"
                parts.append(tr(f"perception.find.mode_item.{direction}", name=_goal_name(r["goal_id"]), offline=format_number(off, digits=2), online=format_number(on, digits=2),
                                r=format_number(_num(pd.Series([r['rank_biserial']])).iloc[0], digits=2), p=_fmt_p(r["_p"])))
            lines.append(tr(f"perception.find.mode.{plural(len(sig) != 1)}", n=len(sig), total=int(m["_p"].notna().sum()), method=method, items="; ".join(parts)))
    if ipa is not None and len(ipa):
        cand = ipa[ipa["candidate_weakness"].astype(str).str.lower() == "true"]
        cand = cand.assign(_gap=_num(cand["gap"])).sort_values("_gap", ascending=False)
        if cand.empty:
            lines.append(tr("perception.find.no_ipa"))
        else:
            lines.append(tr("perception.find.ipa", items="; ".join(
                tr("perception.find.ipa_item", name=_goal_name(r["goal_id"]), importance=format_number(_num(pd.Series([r['importance']])).iloc[0], digits=2),
                   performance=format_number(_num(pd.Series([r['performance']])).iloc[0], digits=2)) for _, r in cand.iterrows())))
    return "\n".join(f"- {line}" for line in lines)


def findings_workshop(
    goal_scores: pd.DataFrame,
    *,
    agreement_tables: pd.DataFrame | None = None,
    group_scores: pd.DataFrame | None = None,
    differences: pd.DataFrame | None = None,
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
) -> str:
    """Findings of a City Perception Workshop, as markdown computed from the tables.

    Parameters
    ----------
    goal_scores : pandas.DataFrame
        :func:`scores` per goal.
    agreement_tables : pandas.DataFrame, optional
        :func:`agreement` by ``workshop_table``.
    group_scores, differences : pandas.DataFrame, optional
        :func:`scores` by stakeholder group and :func:`group_differences`.
    min_cell_size : int
        Cells with fewer participants are never quoted.

    Returns
    -------
    str
        Markdown bullet list.

    Examples
    --------
    >>> Markdown(findings_workshop(goal_scores, agreement_tables=alpha))  # doctest: +SKIP
    """
    goal_scores, agreement_tables, group_scores, differences = markdown_labels(goal_scores, agreement_tables, group_scores, differences)
    lines = _weakest_text(goal_scores, min_cell_size)
    if agreement_tables is not None and len(agreement_tables):
        by = agreement_tables.columns[0]
        rows = agreement_tables[agreement_tables[by] != ALL]
        a = _usable(rows, min_cell_size, value="alpha")
        overall = agreement_tables[agreement_tables[by] == ALL]
        # An alpha withheld because it would give a withheld goal of its table back is named as such, not as missing.
        withheld = int(rows["test_withheld"].astype(str).str.lower().eq("true").sum()) if "test_withheld" in rows else 0
        what = _by_text(by, plural_form=True)
        if withheld and not len(a):
            lines.append(tr("perception.find.agreement_none_published", what=what, total=len(rows)))
        elif len(a):
            lo, hi = a.loc[a["_v"].idxmin()], a.loc[a["_v"].idxmax()]
            counts = a["interpretation"].value_counts()
            summary = ", ".join(f"{counts[k]} {term(k, 'reading')}" for k in ("reliable", "tentative", "low") if k in counts)
            if withheld and len(a) == 1:
                text = tr("perception.find.agreement_one", what=what, name=hi[by], alpha=format_number(hi['_v'], digits=2), summary=summary)
            else:
                text = tr("perception.find.agreement", what=what, lo=format_number(lo['_v'], digits=2), lo_name=lo[by], hi=format_number(hi['_v'], digits=2),
                          hi_name=hi[by], n=len(a), summary=summary)
            if len(overall) and pd.notna(_num(overall["alpha"]).iloc[0]):
                text += tr("perception.find.agreement_all", alpha=format_number(_num(overall['alpha']).iloc[0], digits=2))
            if withheld:
                text += tr("perception.find.agreement_withheld", withheld=withheld, total=len(rows), what=what)
            lines.append(text)
        else:
            lines.append(tr("perception.find.no_agreement"))
    by = str(differences["between"].iloc[0]) if differences is not None and len(differences) else "stakeholder_group"
    lines += _groups_text(differences, group_scores, min_cell_size, by)
    return "\n".join(f"- {line}" for line in lines)


def findings_weighted(table: pd.DataFrame, weights: pd.Series, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> str:
    """What weighting changes, as markdown computed from :func:`weighted_comparison`.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`weighted_comparison` (published or not).
    weights : pandas.Series
        The weights (their ``attrs["raking"]`` report is quoted when present).
    min_cell_size : int
        Goals resting on fewer respondents are never quoted.

    Returns
    -------
    str
        Markdown bullet list.

    Examples
    --------
    >>> Markdown(findings_weighted(table, w))  # doctest: +SKIP
    """
    unit = "goal_id" if "goal_id" in table.columns else "dimension_id"
    report = getattr(weights, "attrs", {}).get("raking", {})
    d = design_effect(pd.Series(weights).dropna())
    attrs = getattr(weights, "attrs", {})
    lines = []
    if attrs.get("design"):  # the survey's own weights (weights.survey_weights)
        lines.append(tr("weights.find.design_only") if attrs.get("weighting") == "design weights" else tr("weights.find.design"))
    if attrs.get("strata"):
        lines.append(tr("weights.find.strata", n=attrs["strata"]))
    if attrs.get("weighting") == "design weights":
        d_only = design_effect(pd.Series(weights).dropna())
        lines.append(tr("weights.find.design_effect", n=d_only.n, deff=format_number(d_only.deff, digits=2),
                        n_effective=format_number(d_only.n_effective, digits=0)))
    elif report and report.get("iterations", 0) == 0:
        lines.append(tr("weights.find.no_population"))
    else:
        conv = (tr("weights.find.converged", n=report["iterations"]) if report.get("converged", True) else
                tr("weights.find.not_converged", n=report.get("iterations"), error=f"{report.get('max_error', float('nan')):.2g}")) if report else tr("weights.find.post_stratified")
        lines.append(tr("weights.find.weights", n=d.n, how=conv, deff=format_number(d.deff, digits=2), n_effective=format_number(d.n_effective, digits=0)))
    if report.get("unmatched"):
        # A small count of people is itself a small cell.
        count = str(report["unmatched"]) if report["unmatched"] >= min_cell_size else tr("weights.find.fewer_than", n=min_cell_size)
        lines.append(tr("weights.find.left_out", count=count))
    for col, cats in (report.get("dropped") or {}).items():
        lines.append(tr("weights.find.empty", categories=", ".join(map(str, cats)), column=col))
    wide = table.assign(_m=_num(table["mean"].astype(object)), _n=_num(table["n"].astype(object)))
    wide = wide[wide["_n"] >= min_cell_size].pivot_table(index=unit, columns="estimate", values="_m")
    if {"weighted", "unweighted"} <= set(wide.columns) and len(wide):
        diff = (wide["weighted"] - wide["unweighted"]).dropna()
        if len(diff):
            big = diff.abs().idxmax()
            lines.append(tr("weights.find.effect", diff=format_number(abs(diff[big]), digits=2), name=_goal_name(big) if unit == "goal_id" else big,
                           unweighted=format_number(wide.loc[big, 'unweighted'], digits=2), weighted=format_number(wide.loc[big, 'weighted'], digits=2)))
            low_u, low_w = wide["unweighted"].idxmin(), wide["weighted"].idxmin()
            name = _goal_name if unit == "goal_id" else str
            if low_u == low_w:
                lines.append(tr("weights.find.weakest_same", name=name(low_w)))
            else:
                lines.append(tr("weights.find.weakest_differ", unweighted=name(low_u), weighted=name(low_w)))
    return "\n".join(f"- {line}" for line in lines)
