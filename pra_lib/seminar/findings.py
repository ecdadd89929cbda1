"""Findings of the PRA Seminar: markdown sentences computed from the result tables.

Also :func:`consensus`, the Kendall's W table of :mod:`pra_lib.seminar.kendall` with its
overall row labelled in the report language, and :func:`seminar_tests`, the seminar
report's tests adjusted as one family (the overall report quotes the same p-values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE
from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import format_number, format_p_value, format_percent, plural, t, term
from ..publishing.privacy import markdown_labels  # names from the data stay text in the Markdown
from ._common import _labels
from ..perception.differences import pool_hidden_cells
from .differences import group_differences
from .kendall import SCHMIDT_BANDS, consensus_table
from .withheld import SeminarWithholding, pooled_group_decisions

#: The tables of tests the seminar's report shows, in the order :func:`seminar_tests` gives them.
SEMINAR_TESTS: tuple[str, ...] = ("group_differences_rank", "group_differences_support", "consensus")


def consensus(
    data: pd.DataFrame,
    *,
    by: str | None = "stakeholder_group",
    incomplete: str = "drop",
    bands: Sequence[tuple[float, str]] = SCHMIDT_BANDS,
    p_adjust: str = "holm",
) -> pd.DataFrame:
    """How far the participants agree on the ranking: Kendall's W, overall and per group.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`votes_frame`.
    by : str or None, default "stakeholder_group"
        Also compute W within each group; ``None`` gives the overall row only.
    incomplete : {"drop", "tie_last"}, default "drop"
        What to do with a participant who ranked only some of the focus areas: leave them
        out (listwise, the usual choice), or count the areas they left out as tied below
        their last rank (for "rank your top 3" ballots).
    bands : sequence of (lower bound, label)
        Reading of W; default :data:`SCHMIDT_BANDS`.
    p_adjust : {"holm", "fdr_bh", "bonferroni", "none"}, default "holm"
        Adjustment of the p-values across the rows of the table (overall and every
        group); ``"none"`` on request.

    Returns
    -------
    pandas.DataFrame
        ``scope`` ("all participants" or the ``by`` name), the ``by`` column (missing on the
        overall row) with ``group_label``, ``n`` (raters whose ballots count),
        ``n_incomplete`` (ballots left out), ``n_focus_areas`` (objects ranked), ``w``
        (tie-corrected Kendall's W, rows = focus areas, columns = participants), ``chi2``,
        ``dof``, ``pvalue``, ``pvalue_adj`` and ``p_adjust`` (adjusted across the rows),
        and ``agreement`` (the band). W is NaN, and agreement
        "undefined", with fewer than two raters or two focus areas, or when nobody ranked.

    Examples
    --------
    >>> votes = pd.DataFrame({"respondent_id": list("aabbcc"), "focus_area_id": ["FA1", "FA2"] * 3,
    ...                       "rank": [1, 2] * 3})
    >>> consensus(votes, by=None)[["n", "w", "agreement"]].values.tolist()
    [[3, 1.0, 'unusually strong']]
    """
    return consensus_table(data, by=by, incomplete=incomplete, bands=bands, p_adjust=p_adjust, overall_label=t("seminar.all_participants"))


def seminar_tests(
    data: pd.DataFrame,
    *,
    by: str = "stakeholder_group",
    min_group_size: int = DEFAULT_MIN_CELL_SIZE,
    method: str = "holm",
    alpha: float = 0.05,
    hidden: Mapping[str, str] | Sequence[str] | None = None,
    withheld: SeminarWithholding | None = None,
    published: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every test the seminar's report publishes, withheld where needed, then adjusted as one family.

    The seminar's report (notebook 07) shows Kruskal-Wallis tests (Kruskal & Wallis 1952) of
    the groups' ranks and support per focus area and Kendall's W overall and per group;
    the p-values of the published ones are adjusted together, so that the chance of any
    false "significant" in that report stays at ``alpha``. The overall report (notebook 08)
    quotes the seminar's W from this same family, called with the same inputs, so a reader
    sees one adjusted p-value for it in both reports.

    Disclosure comes first, in the order of
    :func:`pra_lib.perception.differences.report_tests`: the groups the run's plan hides
    are pooled into one (:func:`pra_lib.publishing.score_disclosure.pool_hidden`), and
    in each focus area so is every group whose cell of it the report's group tables hide
    or withhold (``published``; :func:`pra_lib.perception.pool_hidden_cells`): the support
    test pools the cells hidden in the support by group, the rank test those hidden in
    the ranking by group, and the W is computed from the plan's pooled votes (apart, H of
    a focus area's support with the published groups' support pins the hidden groups'
    sizes and answers); a group's W is withheld where the ranking by group hides one of
    its cells, and the pooled group's W where it hides a cell of a group the plan does
    not hide (a group's mean ranks add up to a known total, so with them and its n, W
    gives its hidden mean ranks back); the tests that involve a group withheld for answering alike are withheld
    (:func:`~pra_lib.publishing.score_disclosure.withhold_named_groups`,
    :func:`~pra_lib.publishing.score_disclosure.withhold_tests`,
    :func:`~pra_lib.seminar.withhold_consensus`); only then are the p-values adjusted, over
    the published tests (:func:`~pra_lib.publishing.score_disclosure.adjust_published`):
    adjusted over every test, Holm's step-down (Holm 1979) would carry a withheld test's p
    into a published adjusted p (on the sample, academia's W read 0.034116 = 12 x the p of
    a withheld support test). H is tie-corrected over the answers' midranks, so with the
    published groups' answers it gives the pooled group's count at each position or
    support level back, which no table publishes by group: a focus area's test is withheld
    where the pooled group has fewer than ``min_group_size`` people or answered alike
    (the rule of :func:`~pra_lib.publishing.score_disclosure.withheld_groups`). Withholding
    never looks at a p-value, so the published tests are a family fixed in advance.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`votes_frame`.
    by : str, default "stakeholder_group"
        The grouping column of the group tests and of the per-group W.
    min_group_size : int, default 5
        As :func:`group_differences` (the report's ``min_cell_size``); also the threshold
        of the groups' support decision taken here (with ``withheld``).
    method : {"holm", "fdr_bh", "bonferroni", "none"}, default "holm"
        Adjustment across the family.
    alpha : float, default 0.05
        Level of ``significant``.
    hidden : mapping or sequence of str, optional
        The categories of ``by`` the run's plan hides
        (``report.plan.hidden("stakeholder_group", activity_id)``): pooled into one group.
    withheld : SeminarWithholding, optional
        :func:`~pra_lib.seminar.seminar_withholding` of ``data``: the rank tests and the
        group W that involve a group that ranked a focus area alike are withheld (and its
        mean where a rank test names it), and everyone's W where
        :func:`~pra_lib.seminar.withhold_consensus` says so; the support tests likewise
        where a group answered a focus area's support alike. Both decisions are those of
        the tables by group (:func:`~pra_lib.seminar.pooled_group_decisions` with
        ``hidden`` and ``min_group_size``, which :func:`~pra_lib.seminar.group_tables`
        applies): the plan's groups are judged as one pooled group, and a focus area's
        published groups withheld with it where it answered alike or is small.
    published : mapping of str to pandas.DataFrame, optional
        The report's group tables as published (or as
        :meth:`~pra_lib.publishing.report.Report.protect` would publish them), by name:
        ``support_by_group`` and ``seminar_ranking_by_group``
        (:func:`~pra_lib.seminar.group_tables` with
        :data:`~pra_lib.seminar.GROUP_TABLES`'s options), each with ``focus_area_id``,
        ``by`` and ``suppressed``. A cell whose ``mean`` (support) or ``mean_rank`` (rank)
        the table does not publish, suppressed or withheld, is hidden there.

    Returns
    -------
    dict of str to pandas.DataFrame
        :data:`SEMINAR_TESTS`: ``group_differences_rank``, ``group_differences_support``
        (:func:`group_differences`) and ``consensus`` (:func:`consensus`), each with
        ``pvalue_adj``, ``p_adjust`` and ``family_size`` (the number of published tests
        adjusted together) and, with ``hidden`` or ``withheld``, ``test_withheld``.

    Examples
    --------
    >>> tests = seminar_tests(votes, min_group_size=5, withheld=seminar_withholding(votes, min_cell_size=5))  # doctest: +SKIP
    >>> tests["consensus"]["family_size"].iloc[0]  # doctest: +SKIP
    12
    """
    from ..publishing import score_disclosure as sd
    from ..stats import adjust_family
    from .kendall import withhold_consensus

    if withheld is not None and not isinstance(withheld, SeminarWithholding):
        raise TypeError(f"seminar_tests: withheld must be seminar_withholding(...) of the votes, not {type(withheld).__name__}")
    if withheld is not None and by != "stakeholder_group":
        raise ValueError(f"seminar_tests: withheld decides by stakeholder_group (seminar_withholding), so by must be 'stakeholder_group', not {by!r}")
    published = dict(published or {})
    unknown = sorted(set(published) - set(_PUBLISHED_STATISTIC))
    if unknown:
        raise ValueError(f"seminar_tests: published takes {sorted(_PUBLISHED_STATISTIC)}, not {unknown}")
    plan = [str(c) for c in (hidden or ())]
    # per focus area, every group a published group table hides there joins the plan's hidden groups: apart, H pins it
    cells = {name: _hidden_cells(table, statistic=_PUBLISHED_STATISTIC[name], by=by) for name, table in published.items()}
    pooled = {value: pool_hidden_cells(data, published=[cells[name]] if name in cells else [], hidden=plan, between=by, unit="focus_area_id")
              for value, name in (("rank", "seminar_ranking_by_group"), ("support", "support_by_group"))}
    tables = {
        "group_differences_rank": group_differences(pooled["rank"], value="rank", between=by, min_group_size=min_group_size),
        "group_differences_support": group_differences(pooled["support"], value="support", between=by, min_group_size=min_group_size),
        # W spans every focus area, so it cannot pool by focus area: the plan's groups only (hidden rank cells withhold it below)
        "consensus": consensus(sd.pool_hidden(data, plan, column=by), by=by),
    }
    guarded = bool(plan) or withheld is not None or bool(published)
    if not guarded:
        return adjust_family(tables, method=method, alpha=alpha)
    for table in tables.values():
        table["test_withheld"] = False
    decisions = None
    if withheld is not None:
        # the decision of the tables by group (group_tables), the plan's groups judged as one pooled group
        decisions = pooled_group_decisions(data, withheld=withheld, hidden=plan, min_cell_size=min_group_size)
        labels = _labels(data, by)  # how the tests name the published groups (group_top, group_bottom)
        for name, groups in (("group_differences_rank", decisions["rank"]), ("group_differences_support", decisions["support"])):
            tables[name] = sd.withhold_tests(sd.withhold_named_groups(tables[name], groups, group=by, labels=labels), groups)
    for name, value in (("group_differences_rank", "rank"), ("group_differences_support", "support")):
        # H is tie-corrected over the answers' midranks, so with the published groups' answers it gives back the pooled
        # group's answer at every position or support level, which no table publishes by group: withheld where those
        # would tell, as a group's (fewer than min_group_size people, or all but fewer than that alike)
        told = _pool_told(pooled[value], value=value, by=by, min_group_size=min_group_size)
        if not told.empty:
            tables[name] = sd.withhold_tests(tables[name], told)
    rank_groups = decisions["rank"] if decisions is not None else None
    if "seminar_ranking_by_group" in cells:
        # A group's W rests on its ballots over every focus area. With complete ballots its mean ranks add up to k(k+1)/2 and
        # W = 12 S / (n^2 (k^3 - k)) (no ties), S the squared deviations of its rank sums n x mean rank: with its published mean
        # ranks and n, W leaves one quadratic in a hidden cell (two hidden cells, one hidden by the total: their pair comes back).
        # So a group with any cell hidden in the ranking by group has its W withheld; the pooled group's rank sums are
        # everyone's less the published groups', which a hidden cell of a group the plan does not hide leaves open too.
        hidden_ranks = _as_decision(cells["seminar_ranking_by_group"], by=by, plan=plan)
        rank_groups = hidden_ranks if rank_groups is None else pd.concat([rank_groups, hidden_ranks], ignore_index=True)
    if rank_groups is not None:
        # Everyone's W rests on the focus areas' rank sums over everyone (the seminar's ranking), unless incomplete ballots
        # were left out of it while a group's cell is hidden, or a focus area is withheld as a whole (withhold_consensus)
        tables["consensus"] = withhold_consensus(tables["consensus"], rank_groups, areas=withheld.rank_areas if withheld is not None else None)
    return sd.adjust_published(tables, method=method, alpha=alpha)


def _pool_told(votes: pd.DataFrame, *, value: str, by: str, min_group_size: int) -> pd.DataFrame:
    """The focus areas where the pooled hidden groups' answers would tell, as a withheld-groups decision.

    The rule of :func:`~pra_lib.publishing.score_disclosure.withheld_groups` (all of them,
    or all but fewer than ``min_group_size``, gave one answer; support also by side of the
    scale), and a pool of fewer than ``min_group_size`` people, whose answers no table may
    give at all.
    """
    from ..publishing.score_disclosure import POOLED_GROUP, withheld_groups
    from .ranking import rank_distribution
    from .support_scores import support_counts

    pool = votes[votes[by].astype(str).eq(POOLED_GROUP)] if by in votes else votes.iloc[0:0]
    if pool.empty:
        return pd.DataFrame(columns=["focus_area_id", "answers_withheld"])
    if value == "rank":
        decision = withheld_groups(rank_distribution(pool), cells=["focus_area_id"], category="position", coarsening=None, min_cell_size=min_group_size)
    else:
        decision = withheld_groups(support_counts(pool), cells=["focus_area_id"], min_cell_size=min_group_size)
    small = pd.to_numeric(decision["n"], errors="coerce").fillna(0).lt(min_group_size) & pd.to_numeric(decision["n"], errors="coerce").fillna(0).gt(0)
    told = decision["answers_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool) | small.to_numpy(dtype=bool)
    return decision.loc[told, ["focus_area_id"]].assign(answers_withheld=True)


#: The statistic of each published group table whose absence hides a cell from a group test.
_PUBLISHED_STATISTIC = {"support_by_group": "mean", "seminar_ranking_by_group": "mean_rank"}


def _hidden_cells(table: pd.DataFrame, *, statistic: str, by: str) -> pd.DataFrame:
    """The cells of a published group table, ``suppressed`` where it hides (or withholds) ``statistic``.

    The ranking by group flags ``answers_withheld`` also where only the mean support is
    withheld; what hides a cell from the rank test is its mean rank missing.
    """
    missing = [c for c in ("focus_area_id", by, "suppressed", statistic) if c not in table]
    if missing:
        raise KeyError(f"seminar_tests: published table lacks {missing} (columns: {', '.join(map(str, table.columns))})")
    shown = ~table["suppressed"].astype(object).map(lambda v: str(v).strip().lower() in ("true", "1")).to_numpy(dtype=bool)
    shown &= _num(table[statistic]).notna().to_numpy()
    return pd.DataFrame({"focus_area_id": table["focus_area_id"].to_numpy(), by: table[by].to_numpy(), "suppressed": ~shown})


def _as_decision(cells: pd.DataFrame, *, by: str, plan: Sequence[str]) -> pd.DataFrame:
    """Hidden cells as a :func:`~pra_lib.publishing.score_disclosure.withheld_groups` decision, for :func:`withhold_consensus`.

    A cell of a group the plan hides names the pooled group only where a group the plan
    does not hide has a hidden cell too: the plan's groups are pooled in W, whose rank sums
    are then everyone's less the published groups'.
    """
    from ..publishing.score_disclosure import POOLED_GROUP

    out = cells.rename(columns={"suppressed": "answers_withheld"}).assign(n=0, withheld_as="complementary")
    groups = out[by].astype(object).map(str)
    in_plan = groups.isin(set(plan)).to_numpy(dtype=bool)
    open_elsewhere = bool((out["answers_withheld"].to_numpy(dtype=bool) & ~in_plan).any())
    out[by] = groups.where(~in_plan, POOLED_GROUP)
    out["answers_withheld"] = out["answers_withheld"].to_numpy(dtype=bool) & (~in_plan | open_elsewhere)
    if plan and open_elsewhere:  # a plan's group has no cell of its own here (its rows are hidden): the pooled row goes
        out = pd.concat([out, pd.DataFrame({"focus_area_id": [None], by: [POOLED_GROUP], "answers_withheld": [True], "n": [0],
                                            "withheld_as": ["complementary"]})], ignore_index=True)
    return out[["focus_area_id", by, "n", "answers_withheld", "withheld_as"]]


def _fmt_p(p: float) -> str:
    if p is None or np.isnan(p):
        return t("seminar.p_undefined")
    shown = format_p_value(p)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def _pct(x: float) -> str:
    return format_percent(x)


def _group_mean(value) -> str:
    """A group's mean in a sentence; a withheld one (the group answered alike) reads as suppressed."""
    x = _num(pd.Series([value])).iloc[0]
    return t("common.suppressed") if np.isnan(x) else format_number(x, digits=2)


def _usable(table: pd.DataFrame | None, value: str, min_cell_size: int) -> pd.DataFrame:
    if table is None or table.empty or value not in table:
        return pd.DataFrame()
    t = table.assign(_v=_num(table[value]).to_numpy(), _n=_num(table["n"]).to_numpy() if "n" in table else np.inf)
    return t[t["_v"].notna() & (t["_n"] >= min_cell_size)]


def findings_seminar(
    support_table: pd.DataFrame,
    *,
    consensus_table: pd.DataFrame | None = None,
    ranking: pd.DataFrame | None = None,
    differences: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
) -> str:
    """Findings of the PRA Seminar, as markdown computed from the result tables.

    Parameters
    ----------
    support_table : pandas.DataFrame
        :func:`support` without ``by`` (published or not).
    consensus_table : pandas.DataFrame, optional
        :func:`consensus`.
    ranking : pandas.DataFrame, optional
        :func:`seminar_ranking` without ``by``.
    differences : pandas.DataFrame, optional
        :func:`group_differences`.
    changes : pandas.DataFrame, optional
        :func:`seminar_changes` against the working-session ranking; without it the text
        says where that comparison is made.
    min_cell_size : int
        Rows resting on fewer participants are never quoted.

    Returns
    -------
    str
        Markdown bullet list.

    Examples
    --------
    >>> report.markdown(findings_seminar(sup, consensus_table=cons, ranking=rk, differences=diff))  # doctest: +SKIP
    """
    support_table, consensus_table, ranking, differences, changes = markdown_labels(support_table, consensus_table, ranking, differences, changes)
    lines = []
    s = _usable(support_table, "mean", min_cell_size)
    if s.empty:
        lines.append(t("seminar.find.no_support"))
    else:
        s = s.sort_values("_v", ascending=False)
        top = s.iloc[0]
        low_top = _num(pd.Series([top["mean_ci_low"]])).iloc[0]
        tied = s[_num(s["mean_ci_high"]) >= low_top].iloc[1:]
        text = t("seminar.find.strongest", name=top["focus_area"], mean=format_number(top['_v'], digits=2), low=format_number(low_top, digits=2),
                 high=format_number(_num(pd.Series([top['mean_ci_high']])).iloc[0], digits=2), n=int(top["_n"]),
                 share=_pct(_num(pd.Series([top["share_support"]])).iloc[0]))
        if len(tied):
            text += t("seminar.find.overlaps", names=", ".join(f"{r['focus_area']} ({format_number(r['_v'], digits=2)})" for _, r in tied.iterrows()))
        lines.append(text + ".")
        bottom = s.iloc[-1]
        if len(s) > 1:
            lines.append(t("seminar.find.weakest", name=bottom["focus_area"], mean=format_number(bottom['_v'], digits=2),
                           support=_pct(_num(pd.Series([bottom["share_support"]])).iloc[0]),
                           oppose=_pct(_num(pd.Series([bottom["share_oppose"]])).iloc[0]))
                         + " " + (t("seminar.find.all_majority") if (_num(s["share_support"]) > 0.5).all() else t("seminar.find.not_all_majority")))
    if ranking is not None and len(ranking):
        r = ranking.assign(_r=_num(ranking["rank"]).to_numpy())
        r = r[r["_r"].notna()].sort_values("_r")
        if len(r):
            basis = str(r["ranked_by"].iloc[0]) if "ranked_by" in r else "mean rank"
            lines.append(t("seminar.find.ranking", basis=term(basis, "basis"), items="; ".join(f"{int(x['_r'])}. {x['focus_area']}" for _, x in r.iterrows())))
    if consensus_table is not None and len(consensus_table):
        c = consensus_table
        overall = c[c["scope"] == "all participants"].iloc[0]
        w = _num(pd.Series([overall["w"]])).iloc[0]
        if np.isnan(w):
            lines.append(t("seminar.find.w_undefined"))
        else:
            # the adjusted p-value when the table has one: the test is one of the report's family
            adjusted = "pvalue_adj" in c.columns
            p = _num(pd.Series([overall["pvalue_adj" if adjusted else "pvalue"]])).iloc[0]
            text = t("seminar.find.consensus", agreement=term(overall["agreement"], "agreement"), w=format_number(w, digits=2),
                     dof=int(_num(pd.Series([overall["dof"]])).iloc[0]), chi2=format_number(_num(pd.Series([overall['chi2']])).iloc[0], digits=1),
                     p=_adjusted_p(p, c) if adjusted else _fmt_p(p), n=int(_num(pd.Series([overall["n"]])).iloc[0]))
            if p < 0.05 and w < 0.5:
                text += t("seminar.find.not_chance")
            groups = c[(c["scope"] != "all participants")]
            groups = groups.assign(_w=_num(groups["w"]).to_numpy(), _n=_num(groups["n"]).to_numpy())
            groups = groups[groups["_w"].notna() & (groups["_n"] >= min_cell_size)]
            if "test_withheld" in groups:
                # a group that ranked a focus area alike: its W would give its ballots back
                groups = groups[groups["test_withheld"].astype(str).str.lower() != "true"]
            if len(groups):
                text += t("seminar.find.within_groups", items=", ".join(f"{g['group_label']} W = {format_number(g['_w'], digits=2)} ({term(g['agreement'], 'agreement')})" for _, g in groups.iterrows()))
            lines.append(text + ".")
    if differences is not None and len(differences):
        d = differences.assign(_p=_num(differences["pvalue_adj"]).to_numpy())
        method = _adjustment_name(str(d["p_adjust"].iloc[0]), d)
        what = "rank" if str(d["value"].iloc[0]) == "rank" else "support"
        if "test_withheld" in d:
            # a focus area whose test involves a withheld group is not described (its H, or
            # the group named top or bottom, would give the withheld group's answers away)
            d = d[d["test_withheld"].astype(str).str.lower() != "true"]
        sig = d[d["significant"].astype(str).str.lower() == "true"]
        if sig.empty:
            lines.append(t(f"seminar.find.no_differences.{what}", method=method))
        else:
            parts = []
            for _, x in sig.iterrows():
                parts.append(t(f"seminar.find.difference.{what}", name=x["focus_area"], top=x["group_top"],
                               top_mean=_group_mean(x["group_top_mean"]), bottom_mean=_group_mean(x["group_bottom_mean"]), bottom=x["group_bottom"],
                               epsilon=format_number(_num(pd.Series([x['epsilon_sq']])).iloc[0], digits=2), p=_fmt_p(x["_p"])))
            lines.append(t(f"seminar.find.differences.{plural(len(sig) > 1)}", n=len(sig), method=method, items="; ".join(parts)))
    if changes is not None and len(changes):
        name = "focus_area" if "focus_area" in changes else changes.columns[0]
        moved = changes[changes["change"].isin(["moved up", "moved down"])]
        if moved.empty:
            lines.append(t("seminar.find.session_kept"))
        else:
            lines.append(t("seminar.find.session_changes", items="; ".join(
                t(f"seminar.find.move.{plural(abs(int(x['shift'])) > 1)}", name=x[name], change=term(x["change"], "change"),
                  n=abs(int(x["shift"])), before=int(x["session_rank_shared"]), after=int(x["seminar_rank_shared"])) for _, x in moved.iterrows())))
        dropped = changes[changes["change"] == "not ranked at seminar"]
        if len(dropped):
            lines.append(t("seminar.find.not_put", names=", ".join(str(x) for x in dropped[name])))
    else:
        lines.append(t("seminar.find.session_elsewhere"))
    return "\n".join(f"- {line}" for line in lines)


def _adjusted_p(p: float, table: pd.DataFrame) -> str:
    """An adjusted p-value in a sentence; with the family it was adjusted in when the table names one (:func:`seminar_tests`)."""
    size = _num(table["family_size"]).dropna() if "family_size" in table.columns else pd.Series(dtype=float)
    method = str(table["p_adjust"].iloc[0]) if "p_adjust" in table.columns else "holm"
    if size.empty or method == "none":
        return t("seminar.find.p_adjusted", p=_fmt_p(p))
    return t("seminar.find.p_adjusted_family", p=_fmt_p(p), method=_adjustment_name(method), m=int(size.iloc[0]))


def _adjustment_name(method: str, table: pd.DataFrame | None = None) -> str:
    """The name of a p-value adjustment for the findings text ("Holm", "Benjamini-Hochberg"...), "report-wide" when adjusted with the report's other tests."""
    key = f"seminar.adjust.{method}"
    name = t(key) if method in ("holm", "fdr_bh", "bonferroni", "none") else method
    if table is not None and "family_size" in table.columns and method != "none":
        return t("seminar.adjust.report", method=name)
    return name
