"""How far the participants agree on the ranking: Kendall's W, overall and per group.

Kendall's W, tie-corrected (:func:`pra_lib.stats.kendall_w`): rows are the focus areas being
ranked, columns the participants. By default only complete ballots (participants who ranked
every focus area ranked at the seminar) count. W is read with Schmidt's (1997) bands
(:data:`SCHMIDT_BANDS`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import stats
from ._common import _as_list, _order, _prepare, _require, _warn, _with_labels
from .ranking import _ranked_set

#: Schmidt (1997) reading of Kendall's W: 0.1 very weak, 0.3 weak, 0.5 moderate,
#: 0.7 strong, 0.9 unusually strong agreement. A label holds from its value up to the next;
#: W below 0.3 is "very weak".
SCHMIDT_BANDS: tuple[tuple[float, str], ...] = (
    (0.0, "very weak"),
    (0.3, "weak"),
    (0.5, "moderate"),
    (0.7, "strong"),
    (0.9, "unusually strong"),
)


def consensus_level(w: float, *, bands: Sequence[tuple[float, str]] = SCHMIDT_BANDS) -> str:
    """Name the agreement a Kendall's W shows, with Schmidt's (1997) bands by default.

    Parameters
    ----------
    w : float
        Kendall's W (0 .. 1).
    bands : sequence of (lower bound, label)
        Ascending lower bounds; a label holds from its bound up to the next one.

    Returns
    -------
    str
        The label, or ``"undefined"`` for NaN.

    Examples
    --------
    >>> consensus_level(0.2), consensus_level(0.55), consensus_level(1.0)
    ('very weak', 'moderate', 'unusually strong')
    """
    if w is None or np.isnan(w):
        return "undefined"
    label = bands[0][1]
    for lower, name in bands:
        if w >= lower - 1e-12:
            label = name
    return label


def _ballots(frame: pd.DataFrame, ranked_set: list, incomplete: str) -> tuple[pd.DataFrame, int]:
    """Focus areas x participants matrix of ranks, and how many incomplete ballots were left out."""
    ranked = frame[frame["rank"].notna() & frame["focus_area_id"].isin(ranked_set)]
    if ranked.empty:
        return pd.DataFrame(index=ranked_set), 0
    wide = ranked.pivot_table(index="focus_area_id", columns="respondent_id", values="rank", aggfunc="first").reindex(ranked_set)
    complete = wide.notna().all(axis=0)
    if incomplete == "drop":
        return wide.loc[:, complete], int((~complete).sum())
    # tie_last: the areas a participant left out share the places below their last rank.
    return wide.fillna(wide.max(axis=0) + 1), 0


def consensus_table(
    data: pd.DataFrame,
    *,
    by: str | None = "stakeholder_group",
    incomplete: str = "drop",
    p_adjust: str = "holm",
    bands: Sequence[tuple[float, str]] = SCHMIDT_BANDS,
    overall_label: str | None = None,
) -> pd.DataFrame:
    """Kendall's W of the participants' rankings, overall and per group.

    The table behind :func:`pra_lib.seminar.consensus` (parameters and columns there).
    ``overall_label`` is the ``group_label`` of the overall row (when ``by`` is given);
    :func:`pra_lib.seminar.consensus` passes "All participants" in the report language,
    and without it that cell is missing.

    Examples
    --------
    >>> votes = pd.DataFrame({"respondent_id": list("aabbcc"), "focus_area_id": ["FA1", "FA2"] * 3,
    ...                       "rank": [1, 2] * 3})
    >>> consensus_table(votes, by=None)[["n", "w", "agreement"]].values.tolist()
    [[3, 1.0, 'unusually strong']]
    """
    if incomplete not in ("drop", "tie_last"):
        raise ValueError(f"consensus: incomplete must be 'drop' or 'tie_last', not {incomplete!r}")
    if p_adjust not in ("holm", "fdr_bh", "bonferroni", "none"):
        raise ValueError(f"consensus: p_adjust must be 'holm', 'fdr_bh', 'bonferroni' or 'none', not {p_adjust!r}")
    by_list = _as_list(by)
    if len(by_list) > 1:
        raise ValueError("consensus: by takes one column")
    _require(data, ["rank"], "consensus")
    frame = _prepare(data, by_list, "consensus")
    ranked_set = _ranked_set(frame)
    if frame["rank"].notna().sum() == 0 and len(frame):
        _warn("consensus: nobody ranked the focus areas; Kendall's W is undefined")

    def one(sub: pd.DataFrame) -> dict:
        wide, n_out = _ballots(sub, ranked_set, incomplete)
        m, k = wide.shape[1], len(ranked_set)
        if m >= 2 and k >= 2:
            res = stats.kendall_w(wide.to_numpy(dtype=float), correct_ties=True)
            w, chi2, dof, p = res.w, res.chi2, res.dof, res.pvalue
        else:
            w, chi2, dof, p = np.nan, np.nan, max(k - 1, 0), np.nan
        return {"n": m, "n_incomplete": n_out, "n_focus_areas": k, "w": w, "chi2": chi2, "dof": dof, "pvalue": p,
                "agreement": consensus_level(w, bands=bands)}

    rows = [{"scope": "all participants", **({by: None} if by else {}), **one(frame)}]
    if by:
        for group in _order(frame if len(frame) else data, by):
            rows.append({"scope": by, by: group, **one(frame[frame[by] == group])})
    out = pd.DataFrame(rows)
    # The overall row and every group row are tests the report shows: adjust across them.
    out["pvalue"] = pd.to_numeric(out["pvalue"], errors="coerce").astype(float)
    out.insert(out.columns.get_loc("pvalue") + 1, "pvalue_adj", stats.p_adjust(out["pvalue"].to_numpy(), method=p_adjust))
    out.insert(out.columns.get_loc("pvalue_adj") + 1, "p_adjust", p_adjust)
    for col in ("w", "chi2", "pvalue", "pvalue_adj"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).round(6)
    out = _with_labels(out, data, by_list)
    if by and "group_label" in out and overall_label is not None:
        out.loc[out["scope"] == "all participants", "group_label"] = overall_label
    return out


def withhold_consensus(table: pd.DataFrame, groups: pd.DataFrame, *, areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Withhold the Kendall's W that would narrow down withheld ranks.

    A group's W is withheld when any of its ranks is
    (:func:`pra_lib.publishing.score_disclosure.withhold_tests`). The W of all participants
    pools every group's ballots, but with complete ballots it is a function of the focus
    areas' rank sums, which the seminar's ranking publishes (mean rank x rankers): it then
    tells nothing of how a withheld group ranked (every ballot set that keeps the rank sums
    gives the same W, enumerated in ``tests/test_seminar.py``). It is withheld when it
    rests on more than the published totals: when incomplete ballots were left out of it
    (the published mean ranks count them) while a group's ranks are withheld, or when a
    focus area's ranks over everyone are withheld (``areas``: everyone ranked it alike).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`consensus` by a group (its row ``scope == "all participants"``).
    groups : pandas.DataFrame
        :func:`pra_lib.publishing.score_disclosure.withheld_groups` over the groups'
        rank positions (after :func:`protect_rank_totals`).
    areas : pandas.DataFrame, optional
        The same decision over the focus areas alone (everyone's rank positions).

    Returns
    -------
    pandas.DataFrame
        A copy with the statistics of the withheld rows missing and ``test_withheld``.

    Examples
    --------
    >>> w = pd.DataFrame({"scope": ["all participants", "stakeholder_group"], "stakeholder_group": [None, "gov"],
    ...                   "n": [12, 6], "n_incomplete": [2, 1], "w": [0.3, 0.9]})
    >>> groups = pd.DataFrame({"stakeholder_group": ["gov"], "focus_area_id": ["FA1"], "n": [6],
    ...                        "answers_withheld": [True], "withheld_as": ["primary"]})
    >>> withhold_consensus(w, groups)["w"].tolist()
    [nan, nan]
    """
    from ..publishing.score_disclosure import withhold_pooled, withhold_tests

    out = withhold_tests(table, groups)
    overall = {"scope": "all participants"}
    if "n_incomplete" in out:
        left_out = pd.to_numeric(out.loc[out["scope"] == "all participants", "n_incomplete"], errors="coerce").fillna(0).sum() > 0
        if left_out:
            out = withhold_pooled(out, groups, where=overall)
    if areas is not None:
        out = withhold_pooled(out, areas, where=overall)
    return out
