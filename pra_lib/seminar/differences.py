"""Do the stakeholder groups rank (or support) a focus area differently? Kruskal-Wallis per focus area.

Kruskal-Wallis H per focus area (tie-corrected) on the rank (or the support), p-values
adjusted across focus areas (Holm by default).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE
from ..publishing.i18n import cell_label
from ..publishing.score_disclosure import POOLED_GROUP
from ..perception.differences import _without_degenerate_warning  # identical answers: a no-data warning, left out of reports
from ..stats._base import NoDataWarning
from .. import stats
from ._common import _labels, _order, _prepare, _with_labels


def group_differences(
    data: pd.DataFrame,
    *,
    value: str = "rank",
    between: str = "stakeholder_group",
    p_adjust: str = "holm",
    alpha: float = 0.05,
    min_group_size: int = DEFAULT_MIN_CELL_SIZE,
) -> pd.DataFrame:
    """Do the stakeholder groups rank (or support) a focus area differently?

    Kruskal-Wallis H per focus area (tie-corrected, :func:`pra_lib.stats.kruskal_wallis`),
    p-values adjusted across the focus areas. A report compares the groups with the
    categories its plan hides pooled into one
    (:func:`pra_lib.publishing.score_disclosure.pool_hidden` of ``data``): apart, H and the
    published groups' support give the hidden groups' sizes and answers back. It withholds
    the tests that involve a group that answered alike and adjusts the p-values of the
    published ones only (:func:`~pra_lib.publishing.score_disclosure.adjust_published`).

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`votes_frame`.
    value : {"rank", "support"}, default "rank"
        What to compare.
    between : str, default "stakeholder_group"
        The grouping column.
    p_adjust : {"holm", "fdr_bh", "bonferroni", "none"}, default "holm"
        Adjustment across the focus areas.
    alpha : float, default 0.05
        Level for ``significant`` (on the adjusted p-value).
    min_group_size : int, default 5
        Only groups with at least this many answers are named in ``group_top`` and
        ``group_bottom``, so that no small group is singled out. When fewer than two
        groups reach it, no group is named (a warning says so in one sentence).

    Returns
    -------
    pandas.DataFrame
        ``focus_area_id``, ``focus_area``, ``value``, ``n``, ``k`` (groups), ``h``, ``dof``,
        ``pvalue``, ``pvalue_adj``, ``p_adjust``, ``epsilon_sq`` (``H / (n - 1)``),
        ``significant``, ``group_top`` / ``group_top_mean`` (the group that ranks it
        highest, i.e. lowest mean rank, or supports it most) and ``group_bottom`` /
        ``group_bottom_mean``; with the pooled group in ``data``, ``pooled_group`` (its
        name in the report's language where it is among the groups compared).

    Examples
    --------
    >>> group_differences(votes, value="rank")  # doctest: +SKIP
    """
    if value not in ("rank", "support"):
        raise ValueError(f"group_differences: value must be 'rank' or 'support', not {value!r}")
    frame = _prepare(data, [between], "group_differences")
    frame = frame[frame[value].notna()]
    labels = _labels(data, between)
    rows = []
    unnamed = []
    # the categories the run hides, pooled into one group (score_disclosure.pool_hidden): named in the table
    pooled_label = cell_label("disclosure.pooled_groups") if (frame[between].astype(str) == POOLED_GROUP).any() else ""
    one_group = frame[between].dropna().nunique() < 2
    if one_group:  # nothing to compare: one warning, not one per focus area
        warnings.warn(f"group_differences: the answers come from fewer than two {between} groups; there is nothing to compare",
                      NoDataWarning, stacklevel=2)
    for fa in _order(frame, "focus_area_id"):
        sub = frame[frame["focus_area_id"] == fa]
        if one_group:
            rows.append({"focus_area_id": fa, "value": value, "n": len(sub), "k": int(sub[between].nunique()), "h": np.nan, "dof": 0,
                         "pvalue": np.nan, "epsilon_sq": np.nan, "group_top": None, "group_top_mean": np.nan,
                         "group_bottom": None, "group_bottom_mean": np.nan, "pooled_group": ""})
            continue
        res = _without_degenerate_warning(stats.kruskal_wallis, sub, dv=value, between=between, unit=str(fa))
        means = sub.groupby(between)[value].agg(["mean", "size"])
        means = means[means["size"] >= min_group_size]["mean"]
        named = len(means) >= 2
        if named:
            best, worst = (means.idxmin(), means.idxmax()) if value == "rank" else (means.idxmax(), means.idxmin())
        else:
            unnamed.append(str(fa))
        rows.append({"focus_area_id": fa, "value": value, "n": res.n, "k": res.k, "h": res.h, "dof": res.dof,
                     "pvalue": res.pvalue, "epsilon_sq": res.epsilon_sq,
                     "pooled_group": pooled_label if pooled_label and (sub[between].astype(str) == POOLED_GROUP).any() else "",
                     "group_top": labels.get(best, best) if named else None,
                     "group_top_mean": means[best] if named else np.nan,
                     "group_bottom": labels.get(worst, worst) if named else None,
                     "group_bottom_mean": means[worst] if named else np.nan})
    if unnamed:
        warnings.warn(f"group_differences: fewer than two groups have at least {min_group_size} answers for {', '.join(unnamed)}, "
                      "so no group is named there", RuntimeWarning, stacklevel=2)
    columns = ["focus_area_id", "value", "n", "k", "h", "dof", "pvalue", "pvalue_adj", "p_adjust", "epsilon_sq", "significant",
               "group_top", "group_top_mean", "group_bottom", "group_bottom_mean", *(["pooled_group"] if pooled_label else [])]
    out = pd.DataFrame(rows, columns=[c for c in columns if c not in ("pvalue_adj", "p_adjust", "significant")])
    out["pvalue_adj"] = stats.p_adjust(out["pvalue"].to_numpy(dtype=float), method=p_adjust) if len(out) else []
    out["p_adjust"] = p_adjust
    out["significant"] = out["pvalue_adj"] < alpha
    for col in ("h", "pvalue", "pvalue_adj", "epsilon_sq", "group_top_mean", "group_bottom_mean"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).round(6)
    return _with_labels(out[columns], data, ["focus_area_id"])
