"""The seminar's ranking of the focus areas, and how many participants put each one 1st .. kth.

Focus areas are ordered by their mean rank (1 = top); equal mean ranks share a rank
(competition ranking "1, 2, 2, 4"), with no tie-break. The Borda count (``k - rank`` points
per ballot, ``k`` the number of focus areas ranked, unranked areas 0 points) is reported
alongside and can be chosen instead. When nobody ranked, the focus areas are ordered by
mean support, with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._common import _as_list, _grid, _order, _prepare, _require, _warn, _with_labels

RANK_METHODS = ("mean_rank", "borda")
_BASIS = {"mean_rank": "mean rank", "borda": "Borda count"}


def _ranked_set(frame: pd.DataFrame) -> list:
    """The focus areas being ranked: those anybody ranked, in metadata order."""
    return _order(frame[frame["rank"].notna()], "focus_area_id") if "rank" in frame else []


def seminar_ranking(data: pd.DataFrame, *, method: str = "mean_rank", by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The seminar's ranking of the focus areas, with their mean support.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`votes_frame`.
    method : {"mean_rank", "borda"}, default "mean_rank"
        Order by mean rank (lower is better) or by Borda count (higher is better). A
        participant's ballot gives ``k - rank`` points to each area they ranked (``k`` the
        number of focus areas ranked at the seminar) and 0 to the others. With complete
        ballots both methods give the same order.
    by : str or list of str, optional
        Rank within each group, e.g. ``"stakeholder_group"``.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (with ``group_label``), ``rank`` (the seminar's rank, 1 = top;
        equal scores share the smaller rank, so ties read "1, 2, 2, 4"), ``focus_area_id``,
        ``focus_area``, ``n`` (participants who ranked or rated it), ``n_ranked``,
        ``mean_rank``, ``median_rank``, ``share_first`` (share of its rankers who put it
        first), ``borda``, ``n_support``, ``mean_support`` and ``ranked_by`` ("mean rank",
        "Borda count", or "mean support" when nobody ranked, with a warning). Sorted by
        group, then rank.

    Examples
    --------
    >>> votes = pd.DataFrame({"respondent_id": ["a", "a", "b", "b"], "focus_area_id": ["FA1", "FA2"] * 2,
    ...                       "support": [5, 3, 4, 4], "rank": [1, 2, 1, 2]})
    >>> seminar_ranking(votes)[["focus_area_id", "rank", "mean_rank"]].values.tolist()
    [['FA1', 1, 1.0], ['FA2', 2, 2.0]]
    """
    if method not in RANK_METHODS:
        raise ValueError(f"seminar_ranking: method must be one of {', '.join(RANK_METHODS)}, not {method!r}")
    by = _as_list(by)
    frame = _prepare(data, by, "seminar_ranking")
    keys = [*by, "focus_area_id"]
    grid = _grid(frame, data, keys)
    ranked_set = _ranked_set(frame)
    k = len(ranked_set)
    ranked = frame[frame["rank"].notna()].copy()
    ranked["_first"] = ranked["rank"] == ranked.groupby("respondent_id")["rank"].transform("min")
    ranked["_points"] = np.clip(k - ranked["rank"], 0, None)
    g = ranked.groupby(keys, sort=False)
    ranks = pd.DataFrame({
        "n_ranked": g["respondent_id"].nunique(),
        "mean_rank": g["rank"].mean(),
        "median_rank": g["rank"].median(),
        "share_first": g["_first"].mean(),
        "borda": g["_points"].sum(),
    }).reset_index() if len(ranked) else pd.DataFrame(columns=[*keys, "n_ranked", "mean_rank", "median_rank", "share_first", "borda"])
    answered = frame[frame["support"].notna()]
    sup = answered.groupby(keys, sort=False).agg(n_support=("respondent_id", "nunique"), mean_support=("support", "mean")).reset_index() \
        if len(answered) else pd.DataFrame(columns=[*keys, "n_support", "mean_support"])
    voters = frame[frame["rank"].notna() | frame["support"].notna()]
    n = voters.groupby(keys, sort=False)["respondent_id"].nunique().rename("n").reset_index() \
        if len(voters) else pd.DataFrame(columns=[*keys, "n"])
    out = grid.merge(n, on=keys, how="left").merge(ranks, on=keys, how="left").merge(sup, on=keys, how="left")
    for col in ("n", "n_ranked", "n_support", "borda"):
        out[col] = pd.to_numeric(out[col], errors="coerce").fillna(0).astype(int)
    for col in ("mean_rank", "median_rank", "share_first", "mean_support"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    # Borda points exist only for the areas in the ranked set; outside it they mean nothing.
    out.loc[~out["focus_area_id"].isin(ranked_set), "borda"] = 0
    if len(ranked):
        score, ascending, basis = (out["mean_rank"], True, _BASIS[method]) if method == "mean_rank" else \
            (out["borda"].where(out["focus_area_id"].isin(ranked_set)).astype(float), False, _BASIS[method])
    else:
        if len(frame):
            _warn("seminar_ranking: nobody ranked the focus areas; they are ordered by mean support instead")
        score, ascending, basis = out["mean_support"], False, "mean support"
    out["_score"] = score.round(9)
    if by:
        out["rank"] = out.groupby(by, sort=False)["_score"].rank(method="min", ascending=ascending)
    else:
        out["rank"] = out["_score"].rank(method="min", ascending=ascending)
    out["rank"] = out["rank"].astype("Int64")
    out["ranked_by"] = basis
    fa_pos = {f: i for i, f in enumerate(_order(frame if len(frame) else data, "focus_area_id"))}
    out["_fa"] = out["focus_area_id"].map(fa_pos)
    group_pos = [out[c].map({v: i for i, v in enumerate(_order(frame if len(frame) else data, c))}).rename(f"_g{i}") for i, c in enumerate(by)]
    out = pd.concat([out, *group_pos], axis=1)
    out["_r"] = out["rank"].astype(float).fillna(np.inf)
    out = out.sort_values([*(f"_g{i}" for i in range(len(by))), "_r", "_fa"], kind="stable")
    columns = [*by, "rank", "focus_area_id", "n", "n_ranked", "mean_rank", "median_rank", "share_first", "borda", "n_support", "mean_support", "ranked_by"]
    out = out[columns].reset_index(drop=True)
    for col in ("mean_rank", "median_rank", "share_first", "mean_support"):
        out[col] = out[col].round(6)
    return _with_labels(out, data, [*by, "focus_area_id"])


def rank_distribution(data: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """How many participants put each focus area 1st, 2nd, ... kth.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`votes_frame`.
    by : str or list of str, optional
        Grouping column(s).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``focus_area_id``, ``focus_area``, ``position`` (1 .. k, the
        highest rank given; every position is listed, also with zero participants),
        ``count``, ``share`` (of ``n``) and ``n`` (participants who ranked the area, the
        same on every row of an area, which is what suppression reads). Only the focus
        areas somebody ranked are listed; an empty frame when nobody ranked.

    Examples
    --------
    >>> votes = pd.DataFrame({"respondent_id": ["a", "a", "b", "b"], "focus_area_id": ["FA1", "FA2"] * 2,
    ...                       "rank": [1, 2, 2, 1]})
    >>> rank_distribution(votes).query("position == 1")["share"].tolist()
    [0.5, 0.5]
    """
    by = _as_list(by)
    _require(data, ["rank"], "rank_distribution")
    frame = _prepare(data, by, "rank_distribution")
    keys = [*by, "focus_area_id"]
    ranked = frame[frame["rank"].notna()].copy()
    columns = [*keys, "position", "count", "share", "n"]
    if ranked.empty:
        return _with_labels(pd.DataFrame(columns=columns), data, keys)
    # Average ranks (ties like 2.5) are counted at the position they round down to.
    ranked["position"] = np.floor(ranked["rank"]).astype(int)
    k = int(ranked["position"].max())
    grid = _grid(ranked, data, keys).merge(pd.DataFrame({"position": range(1, k + 1)}), how="cross")
    counts = ranked.groupby([*keys, "position"], sort=False)["respondent_id"].nunique().rename("count").reset_index()
    n = ranked.groupby(keys, sort=False)["respondent_id"].nunique().rename("n").reset_index()
    out = grid.merge(counts, on=[*keys, "position"], how="left").merge(n, on=keys, how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    out["n"] = out["n"].fillna(0).astype(int)
    out["share"] = (out["count"] / out["n"].where(out["n"] > 0)).round(6)
    return _with_labels(out[columns].reset_index(drop=True), data, keys)


def protect_rank_totals(groups: pd.DataFrame, *, table: pd.DataFrame) -> pd.DataFrame:
    """Withhold more of a group's ranks so that its totals do not give a withheld one back.

    With complete ballots a group's mean ranks over the ``k`` focus areas add up to
    ``k(k+1)/2``, its Borda counts to ``n k(k-1)/2`` and its shares first to 1; and a focus
    area's mean rank over all participants is the ``n``-weighted mean of the groups' ones.
    So a withheld focus area that is alone in its group, or a withheld group that is alone
    in its focus area, is the total minus the published ones; and a group's published
    focus areas narrow its withheld ones through those totals even when two are withheld.
    So a group with a withheld focus area has every focus area withheld, and until no
    withheld cell is alone in its focus area, the published cell beside it whose
    withholding tells least is withheld too: preferring one whose group already has a
    withheld cell, then the one with the fewest rankers, then the metadata order. Such
    cells are ``complementary``. With incomplete ballots the totals are not fixed, but the
    same cells are withheld.

    Parameters
    ----------
    groups : pandas.DataFrame
        :func:`pra_lib.publishing.score_disclosure.withheld_groups` over
        :func:`rank_distribution` by the groups and ``focus_area_id``.
    table : pandas.DataFrame
        :func:`seminar_ranking` by the same groups (its ``n_ranked``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``groups`` with the complementary cells added (``answers_withheld``
        true, ``withheld_as`` "complementary").

    Examples
    --------
    >>> table = pd.DataFrame({"stakeholder_group": ["gov"] * 3, "focus_area_id": ["FA1", "FA2", "FA3"],
    ...                       "n_ranked": [9, 7, 8]})
    >>> groups = table.rename(columns={"n_ranked": "n"}).assign(answers_withheld=[True, False, False],
    ...                                                          withheld_as=["primary", "", ""])
    >>> protect_rank_totals(groups, table=table)["withheld_as"].tolist()
    ['primary', 'complementary', 'complementary']
    """
    out = groups.reset_index(drop=True).copy()
    by = [c for c in out.columns if c not in ("focus_area_id", "n", "answers_withheld", "withheld_as")]
    if out.empty or "focus_area_id" not in out:
        return out
    keys = [*by, "focus_area_id"]
    rankers = table[[*keys, "n_ranked"]].drop_duplicates(keys) if "n_ranked" in table else None
    size = out[keys].merge(rankers, on=keys, how="left")["n_ranked"] if rankers is not None else out["n"]
    size = pd.to_numeric(size, errors="coerce").fillna(0).to_numpy()
    ranked = size > 0
    hidden = out["answers_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    why = out["withheld_as"].fillna("").astype(str).to_numpy(dtype=object)
    row = out[by].astype(str).agg("|".join, axis=1).to_numpy() if by else np.zeros(len(out), dtype=object)
    col = out["focus_area_id"].astype(str).to_numpy()
    sides = [(row, col), (col, row)] if by else [(row, col)]
    changed = True
    while changed:
        changed = False
        if by:
            # A group with one withheld focus area has all its ranks withheld: two withheld
            # cells in a row are not enough, as each person puts one focus area first and its
            # shares first and mean ranks add up to known totals. Where the other focus areas'
            # totals are small (everyone's first places less the published groups': 2), they
            # pinned the withheld ones (at least 9 of 11 hidden people ranked FA1 first).
            for value in pd.unique(row):
                here = (row == value) & ranked
                fill = here & ~hidden
                if (hidden & here).any() and fill.any():
                    hidden[fill], why[fill], changed = True, "complementary", True
        for line, other in sides:
            for value in pd.unique(line):
                here = (line == value) & ranked
                if (hidden & here).sum() != 1:
                    continue
                free = np.flatnonzero(here & ~hidden)
                if free.size == 0:
                    continue
                # a cell whose other line already has a withheld one adds no new lone cell there
                alone = np.array([not (hidden & (other == other[i]) & ranked).any() for i in free])
                pick = free[np.lexsort((free, size[free], alone))[0]]
                hidden[pick], why[pick], changed = True, "complementary", True
    out["answers_withheld"] = hidden
    out["withheld_as"] = why
    return out


def withhold_ranks(table: pd.DataFrame, groups: pd.DataFrame, *, data: pd.DataFrame,
                   columns: Sequence[str] = ("rank", "mean_rank", "median_rank", "share_first", "borda")) -> pd.DataFrame:
    """Withhold the ranks of the groups that ranked a focus area alike, and the order they give.

    A group's ``rank`` of a focus area is the order of its mean ranks: with the mean rank
    withheld, the rank (and the row order, sorted by it) would still give it back; when a
    group ranked every focus area alike, all its ballots. So the ``columns`` of a withheld
    row are withheld (:func:`pra_lib.publishing.score_disclosure.withhold_answers`) and the
    withheld rows of a group follow its published ones in the focus areas' metadata order.
    The cells :func:`protect_rank_totals` adds are withheld too (a group's mean ranks add up
    to a known total). A group's published focus areas are ranked again among themselves
    (1 .. m, ties sharing the smaller rank): their rank in the whole group would show, by its
    gaps, how many withheld focus areas came before each.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`seminar_ranking` with ``by``.
    groups : pandas.DataFrame
        :func:`pra_lib.publishing.score_disclosure.withheld_groups` over
        :func:`rank_distribution` by the same groups.
    data : pandas.DataFrame
        Output of :func:`votes_frame` (the metadata order of the groups and focus areas).
    columns : list of str
        The rank statistics withheld.

    Returns
    -------
    pandas.DataFrame
        A copy with the ranks of withheld rows missing, ``answers_withheld``, and the rows
        sorted by group, published rank, then focus area.

    Examples
    --------
    >>> votes = pd.DataFrame({"respondent_id": list("aabb"), "stakeholder_group": "gov",
    ...                       "focus_area_id": ["FA1", "FA2"] * 2, "rank": [2, 1, 2, 1]})
    >>> groups = pd.DataFrame({"stakeholder_group": "gov", "focus_area_id": ["FA1", "FA2"], "n": [2, 2],
    ...                        "answers_withheld": [True, True], "withheld_as": ["primary", "primary"]})
    >>> out = withhold_ranks(seminar_ranking(votes, by="stakeholder_group"), groups, data=votes)
    >>> out["focus_area_id"].tolist(), out["rank"].isna().tolist()
    (['FA1', 'FA2'], [True, True])
    """
    from ..publishing.score_disclosure import withhold_answers

    by = [c for c in groups.columns if c not in ("focus_area_id", "n", "answers_withheld", "withheld_as")]
    groups = protect_rank_totals(groups, table=table)
    out = withhold_answers(table, groups, columns=list(columns))
    if "rank" in out and out["answers_withheld"].any():
        # published focus areas ranked among themselves: the gaps of the whole group's ranks
        # would count the withheld areas above each
        rank = _num_rank(out["rank"]).where(out["rank"].notna())
        rerank = rank.groupby([out[c] for c in by], sort=False, dropna=False).rank(method="min") if by else rank.rank(method="min")
        out["rank"] = rerank.round().astype("Int64")
    why = list(out.attrs.get("answers_withheld", []))
    position = {c: out[c].map({v: i for i, v in enumerate(_order(data, c))}) for c in [*by, "focus_area_id"] if c in out}
    order = pd.DataFrame({**{f"_g{i}": position[c] for i, c in enumerate(by) if c in position},
                          "_r": _num_rank(out["rank"]) if "rank" in out else 0.0,
                          "_fa": position.get("focus_area_id", pd.Series(0, index=out.index))})
    # a withheld rank sorts as an unranked area does: after the published ones, by focus area
    index = order.sort_values(list(order.columns), kind="stable").index
    out = out.loc[index].reset_index(drop=True)
    if len(why) == len(index):
        out.attrs["answers_withheld"] = [why[i] for i in index]
    return out


def _num_rank(rank: pd.Series) -> pd.Series:
    return pd.to_numeric(rank, errors="coerce").astype(float).fillna(np.inf)
