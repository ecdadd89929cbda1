"""The PRA Seminar: support for the focus areas, their ranking, and how far people agree.

At the PRA Seminar (*Seminar Penilaian Awal Ketahanan*, Jakarta 11 October 2017) the
participants said how far they agree that each candidate focus area should be a focus area
(agreement, 1 strongly disagree .. 5 strongly agree) and, optionally, ranked the focus areas
(1 = top). This module summarises those votes and compares the seminar's ranking with the
ranking of the focus-areas working session (which :mod:`pra_lib.synthesis` computes).

Every analysis takes the tidy frame returned by :func:`votes_frame` (one row per participant
and focus area) and returns a tidy :class:`pandas.DataFrame` with stable column names. Tables
that count people carry an ``n`` column, so that :meth:`pra_lib.publishing.report.Report.table` can
suppress cells resting on fewer than ``min_cell_size`` participants; the figures draw
suppressed cells as *suppressed*.

Methods (details and references in ``docs/methods.md``, section "The PRA Seminar")
---------------------------------------------------------------------------------
* **Support.** Per focus area: mean agreement with a bootstrap CI, share *supporting*
  (4 agree or 5 strongly agree) with a bootstrap CI, share *neutral* (3) and share
  *opposing* (1 or 2). Missing answers are not in the denominator. CIs come from
  :func:`pra_lib.stats.bootstrap_ci` (multinomial bootstrap over participants, percentile).
* **Seminar ranking.** Focus areas are ordered by their mean rank (1 = top); equal mean
  ranks share a rank (competition ranking "1, 2, 2, 4"), with no tie-break. The Borda
  count (``k - rank`` points per ballot, ``k`` the number of focus areas ranked, unranked
  areas 0 points) is reported alongside and can be chosen instead. When nobody ranked, the
  focus areas are ordered by mean support, with a warning.
* **Consensus.** Kendall's W, tie-corrected (:func:`pra_lib.stats.kendall_w`): rows are the
  focus areas being ranked, columns the participants. By default only complete ballots
  (participants who ranked every focus area ranked at the seminar) count. W is read with
  Schmidt's (1997) bands (:data:`SCHMIDT_BANDS`).
* **Group differences.** Kruskal-Wallis H per focus area (tie-corrected) on the rank (or the
  support), p-values adjusted across focus areas (Holm by default).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from .stats import core as stats
from .publishing.disclosure import DEFAULT_MIN_CELL_SIZE, SUPPRESSED
from .publishing.i18n import pick_all, plural, t, term

__all__ = [
    "SCHMIDT_BANDS",
    "consensus",
    "consensus_level",
    "findings_seminar",
    "group_differences",
    "rank_distribution",
    "rank_distribution_figure",
    "seminar_changes",
    "seminar_ranking",
    "slope_figure",
    "support",
    "support_figure",
    "support_heatmap",
    "votes_frame",
]

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
SUPPORT_THRESHOLD = 4  # 4 agree, 5 strongly agree
OPPOSE_THRESHOLD = 2  # 1 strongly disagree, 2 disagree
RANK_METHODS = ("mean_rank", "borda")
CHANGES = ("moved up", "moved down", "unchanged", "not in session ranking", "not ranked at seminar")

_VOTE_COLUMNS = [
    "respondent_id", "activity_id", "stakeholder_group", "group_label", "focus_area_id", "focus_area",
    "focus_area_name_id", "selected", "support", "rank",
]
_LABEL_OF = {"stakeholder_group": "group_label", "focus_area_id": "focus_area"}
_BASIS = {"mean_rank": "mean rank", "borda": "Borda count"}


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _require(data: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{func}: data must be a DataFrame (see votes_frame), not {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{func}: missing column(s) {', '.join(missing)}; pass the output of votes_frame")


def _order(data: pd.DataFrame, column: str) -> list:
    """Values of ``column`` in the metadata order (``attrs``), then any others sorted."""
    present = [v for v in pd.unique(data[column]) if pd.notna(v)] if column in data else []
    known = [v for v in data.attrs.get("category_order", {}).get(column, []) if v in set(present)]
    return known + sorted((v for v in present if v not in set(known)), key=str)


def _labels(data: pd.DataFrame, column: str) -> dict:
    label = _LABEL_OF.get(column)
    if label is None or label not in data or column not in data:
        return {}
    sub = data[[column, label]].dropna().drop_duplicates(column)
    return dict(zip(sub[column], sub[label]))


def _with_labels(out: pd.DataFrame, data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Insert the label column right after each id column that has one."""
    out = out.copy()
    for col in columns:
        label = _LABEL_OF.get(col)
        if label is None or col not in out:
            continue
        names = _labels(data, col)
        values = out[col].map(names) if names else out[col]
        out.insert(out.columns.get_loc(col) + 1, label, values.where(values.notna(), out[col]))
    return out


def _prepare(data: pd.DataFrame, by: list[str], func: str) -> pd.DataFrame:
    _require(data, ["respondent_id", "focus_area_id", *by], func)
    frame = data[data["focus_area_id"].notna()].copy()
    for col in by:
        dropped = frame[col].isna().sum()
        if dropped:
            _warn(f"{func}: {dropped} vote(s) without a {col} are left out")
        frame = frame[frame[col].notna()]
    for col in ("support", "rank"):
        frame[col] = _num(frame[col]).to_numpy() if col in frame else np.nan
    return frame


def _grid(frame: pd.DataFrame, data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Every combination of the key values present, in metadata order."""
    grid = pd.DataFrame({"_k": [0]})
    for col in keys:
        values = pd.Series(_order(frame if len(frame) else data, col), dtype=object)
        grid = grid.merge(pd.DataFrame({col: values, "_k": 0}), on="_k")
    return grid.drop(columns="_k")


def _fmt_p(p: float) -> str:
    if p is None or np.isnan(p):
        return t("seminar.p_undefined")
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _pct(x: float) -> str:
    return t("common.not_available") if x is None or np.isnan(x) else f"{100 * x:.0f}%"


def _empty_figure(message: str, title: str):
    from .publishing.plots import empty_figure

    return empty_figure(message, title)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def votes_frame(assessment, *, activity_id: str = "pra_seminar") -> pd.DataFrame:
    """The tidy seminar votes every analysis in this module takes.

    Joins ``seminar_votes`` with the participants' stakeholder group and with the focus-area
    names. No personal column (name, phone, e-mail, NIK, organisation) is carried; the
    ``respondent_id`` stays so that rankings can be matched per participant (reports
    pseudonymise it).

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment (:func:`pra_lib.load_assessment`).
    activity_id : str, default "pra_seminar"
        The seminar whose votes to keep.

    Returns
    -------
    pandas.DataFrame
        One row per vote with ``respondent_id``, ``activity_id``, ``stakeholder_group``,
        ``group_label``, ``focus_area_id``, ``focus_area`` (name in the report language),
        ``focus_area_name_id`` (Indonesian name), ``selected`` (whether the PRA finally
        selected it), ``support`` (float 1-5, NaN when not answered) and ``rank`` (float,
        1 = top, NaN when not ranked). ``attrs["category_order"]`` holds the metadata order
        of stakeholder groups and focus areas, which the result tables follow. An assessment
        without seminar votes gives an empty frame with these columns (and a warning).

    Examples
    --------
    >>> a = load_assessment("data/sample")                        # doctest: +SKIP
    >>> votes = votes_frame(a)                                    # doctest: +SKIP
    >>> votes.groupby("focus_area_id")["support"].mean().idxmax() # doctest: +SKIP
    'FA3'
    """
    from .overview import group_labels

    meta = assessment.metadata
    known = list(meta.activities["activity_id"]) if meta.activities is not None else []
    if known and activity_id not in known:
        raise ValueError(f"votes_frame: unknown activity {activity_id!r}; the assessment has {', '.join(known)}")
    groups = meta.stakeholder_groups
    has = getattr(assessment, "has", lambda name: name in assessment.tables)
    fas = assessment.focus_areas if has("focus_areas") else pd.DataFrame(columns=["focus_area_id", "name_en", "name_id", "selected"])
    fas = fas.reindex(columns=["focus_area_id", "name_en", "name_id", "selected"])
    if has("seminar_votes"):
        votes = assessment.seminar_votes
        votes = votes[votes["activity_id"] == activity_id].reindex(columns=["respondent_id", "activity_id", "focus_area_id", "support", "rank"])
    else:
        votes = pd.DataFrame(columns=["respondent_id", "activity_id", "focus_area_id", "support", "rank"])
    if votes.empty:
        _warn(f"votes_frame: no seminar votes for activity {activity_id!r}")
    people = assessment.participants.reindex(columns=["respondent_id", "stakeholder_group"]).drop_duplicates("respondent_id")
    out = votes.merge(people, on="respondent_id", how="left", validate="many_to_one")
    out = out.merge(fas, on="focus_area_id", how="left", validate="many_to_one")
    group_names = group_labels(meta)
    out["group_label"] = out["stakeholder_group"].map(group_names)
    out["group_label"] = out["group_label"].where(out["group_label"].notna(), out["stakeholder_group"])
    out["name_en"] = pick_all(out["name_en"], out["name_id"])
    out = out.rename(columns={"name_en": "focus_area", "name_id": "focus_area_name_id"})
    out["focus_area"] = out["focus_area"].where(out["focus_area"].notna(), out["focus_area_id"])
    out["support"] = pd.to_numeric(out["support"], errors="coerce").astype(float)
    out["rank"] = pd.to_numeric(out["rank"], errors="coerce").astype(float)
    fa_order = list(fas["focus_area_id"].dropna())
    out["_fa"] = out["focus_area_id"].map({f: i for i, f in enumerate(fa_order)})
    out = out.sort_values(["respondent_id", "_fa", "focus_area_id"], kind="stable")[_VOTE_COLUMNS].reset_index(drop=True)
    out.attrs["category_order"] = {
        "stakeholder_group": list(groups["stakeholder_group"]),
        "group_label": [group_names[g] for g in groups["stakeholder_group"]],
        "focus_area_id": fa_order,
    }
    return out


# ---------------------------------------------------------------------------
# Support
# ---------------------------------------------------------------------------


def support(data: pd.DataFrame, *, by: str | Sequence[str] | None = None, ci: float = 0.95, n_resamples: int = 2000, seed=0) -> pd.DataFrame:
    """Support for each focus area: mean agreement and the shares supporting and opposing.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`votes_frame`.
    by : str or list of str, optional
        Grouping column(s), e.g. ``"stakeholder_group"``.
    ci : float, default 0.95
        Confidence level of the bootstrap intervals.
    n_resamples : int, default 2000
        Bootstrap resamples.
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (with ``group_label``), ``focus_area_id``, ``focus_area``,
        ``n`` (participants who answered), ``mean`` with ``mean_ci_low`` and
        ``mean_ci_high``, ``share_support`` (4-5) with ``share_support_ci_low`` and
        ``share_support_ci_high``, ``share_neutral`` (3) and ``share_oppose`` (1-2).
        Every combination of group and focus area is listed; one nobody answered has
        ``n = 0`` and NaN statistics. Percentile intervals.

    Examples
    --------
    >>> votes = pd.DataFrame({"respondent_id": list("abcd"), "focus_area_id": "FA1",
    ...                       "support": [5, 4, 2, 3]})
    >>> support(votes, n_resamples=200)[["mean", "share_support", "share_oppose"]].values.tolist()
    [[3.5, 0.5, 0.25]]
    """
    by = _as_list(by)
    _require(data, ["support"], "support")
    frame = _prepare(data, by, "support")
    keys = [*by, "focus_area_id"]
    grid = _grid(frame, data, keys)
    answered = frame[frame["support"].notna()]
    columns = [*keys, "n", "mean", "mean_ci_low", "mean_ci_high", "share_support", "share_support_ci_low",
               "share_support_ci_high", "share_neutral", "share_oppose"]
    if answered.empty:
        if len(frame):
            _warn("support: nobody answered the support question; every statistic is NaN")
        out = grid.assign(n=0)
        out = out.reindex(columns=columns)
        out["n"] = 0
    else:
        opts = dict(value="support", by=keys, ci=ci, n_resamples=n_resamples, seed=seed)
        with warnings.catch_warnings():
            # A cell whose answers are all identical collapses to its estimate; that is expected for small groups.
            warnings.filterwarnings("ignore", message=".*identical.*", category=RuntimeWarning)
            mean = stats.bootstrap_ci(answered, statistic="mean", **opts)
            share = stats.bootstrap_ci(answered, statistic="share_positive", positive_threshold=SUPPORT_THRESHOLD, **opts)
        mean = mean[[*keys, "n", "estimate", "ci_low", "ci_high"]].rename(columns={"estimate": "mean", "ci_low": "mean_ci_low", "ci_high": "mean_ci_high"})
        share = share[[*keys, "estimate", "ci_low", "ci_high"]].rename(
            columns={"estimate": "share_support", "ci_low": "share_support_ci_low", "ci_high": "share_support_ci_high"})
        g = answered.groupby(keys, sort=False)["support"]
        other = pd.DataFrame({
            "share_neutral": g.apply(lambda s: float((s == 3).mean())),
            "share_oppose": g.apply(lambda s: float((s <= OPPOSE_THRESHOLD).mean())),
        }).reset_index()
        out = grid.merge(mean, on=keys, how="left").merge(share, on=keys, how="left").merge(other, on=keys, how="left")
        out["n"] = out["n"].fillna(0).astype(int)
        out = out[columns]
    for col in columns[len(keys) + 1:]:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).round(6)
    return _with_labels(out.reset_index(drop=True), data, keys)


# ---------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Consensus
# ---------------------------------------------------------------------------


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


def consensus(
    data: pd.DataFrame,
    *,
    by: str | None = "stakeholder_group",
    incomplete: str = "drop",
    bands: Sequence[tuple[float, str]] = SCHMIDT_BANDS,
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

    Returns
    -------
    pandas.DataFrame
        ``scope`` ("all participants" or the ``by`` name), the ``by`` column (missing on the
        overall row) with ``group_label``, ``n`` (raters whose ballots count),
        ``n_incomplete`` (ballots left out), ``n_focus_areas`` (objects ranked), ``w``
        (tie-corrected Kendall's W, rows = focus areas, columns = participants), ``chi2``,
        ``dof``, ``pvalue`` and ``agreement`` (the band). W is NaN, and agreement
        "undefined", with fewer than two raters or two focus areas, or when nobody ranked.

    Examples
    --------
    >>> votes = pd.DataFrame({"respondent_id": list("aabbcc"), "focus_area_id": ["FA1", "FA2"] * 3,
    ...                       "rank": [1, 2] * 3})
    >>> consensus(votes, by=None)[["n", "w", "agreement"]].values.tolist()
    [[3, 1.0, 'unusually strong']]
    """
    if incomplete not in ("drop", "tie_last"):
        raise ValueError(f"consensus: incomplete must be 'drop' or 'tie_last', not {incomplete!r}")
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
    for col in ("w", "chi2", "pvalue"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).round(6)
    out = _with_labels(out, data, by_list)
    if by and "group_label" in out:
        out.loc[out["scope"] == "all participants", "group_label"] = t("seminar.all_participants")
    return out


# ---------------------------------------------------------------------------
# Group differences
# ---------------------------------------------------------------------------


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
    p-values adjusted across the focus areas.

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
        ``group_bottom``, so that no small group is singled out.

    Returns
    -------
    pandas.DataFrame
        ``focus_area_id``, ``focus_area``, ``value``, ``n``, ``k`` (groups), ``h``, ``dof``,
        ``pvalue``, ``pvalue_adj``, ``p_adjust``, ``epsilon_sq`` (``H / (n - 1)``),
        ``significant``, ``group_top`` / ``group_top_mean`` (the group that ranks it
        highest, i.e. lowest mean rank, or supports it most) and ``group_bottom`` /
        ``group_bottom_mean``.

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
    for fa in _order(frame, "focus_area_id"):
        sub = frame[frame["focus_area_id"] == fa]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = stats.kruskal_wallis(sub, dv=value, between=between)
        means = sub.groupby(between)[value].agg(["mean", "size"])
        means = means[means["size"] >= min_group_size]["mean"]
        best, worst = (means.idxmin(), means.idxmax()) if value == "rank" else (means.idxmax(), means.idxmin())
        rows.append({"focus_area_id": fa, "value": value, "n": res.n, "k": res.k, "h": res.h, "dof": res.dof,
                     "pvalue": res.pvalue, "epsilon_sq": res.epsilon_sq,
                     "group_top": labels.get(best, best) if len(means) >= 2 else None,
                     "group_top_mean": means.get(best, np.nan) if len(means) >= 2 else np.nan,
                     "group_bottom": labels.get(worst, worst) if len(means) >= 2 else None,
                     "group_bottom_mean": means.get(worst, np.nan) if len(means) >= 2 else np.nan})
    columns = ["focus_area_id", "value", "n", "k", "h", "dof", "pvalue", "pvalue_adj", "p_adjust", "epsilon_sq", "significant",
               "group_top", "group_top_mean", "group_bottom", "group_bottom_mean"]
    out = pd.DataFrame(rows, columns=[c for c in columns if c not in ("pvalue_adj", "p_adjust", "significant")])
    out["pvalue_adj"] = stats.p_adjust(out["pvalue"].to_numpy(dtype=float), method=p_adjust) if len(out) else []
    out["p_adjust"] = p_adjust
    out["significant"] = out["pvalue_adj"] < alpha
    for col in ("h", "pvalue", "pvalue_adj", "epsilon_sq", "group_top_mean", "group_bottom_mean"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).round(6)
    return _with_labels(out[columns], data, ["focus_area_id"])


# ---------------------------------------------------------------------------
# Against the working session
# ---------------------------------------------------------------------------


def _name_column(frame: pd.DataFrame) -> str | None:
    return next((c for c in ("focus_area", "name_en", "name") if c in frame.columns), None)


def seminar_changes(seminar_ranking: pd.DataFrame, session_ranking: pd.DataFrame, *, key: str = "focus_area_id", rank: str = "rank") -> pd.DataFrame:
    """What the seminar changed against the working-session ranking of the focus areas.

    The two rankings may cover different focus areas (the session ranks every candidate,
    the seminar only those put to it). Shifts are therefore measured on the focus areas
    both ranked, re-ranked among themselves, so that dropping a candidate does not count as
    everybody moving up.

    Parameters
    ----------
    seminar_ranking : pandas.DataFrame
        One row per focus area with ``key`` and ``rank`` (1 = top), e.g.
        :func:`seminar_ranking` without ``by``.
    session_ranking : pandas.DataFrame
        The same for the working session (for example the nominal ranking of
        :mod:`pra_lib.synthesis`).
    key : str, default "focus_area_id"
        The column identifying a focus area in both.
    rank : str, default "rank"
        The rank column in both.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``focus_area`` (when either input has a name), ``session_rank``,
        ``seminar_rank`` (as given), ``session_rank_shared`` and ``seminar_rank_shared``
        (re-ranked among the focus areas both rank; ties share the smaller rank), ``shift``
        (``session_rank_shared - seminar_rank_shared``: positive means the seminar put it
        higher) and ``change``: "moved up", "moved down", "unchanged", "not in session
        ranking" or "not ranked at seminar". Sorted by seminar rank, then session rank.
        It counts no people (publish with ``count=None``).

    Examples
    --------
    >>> seminar = pd.DataFrame({"focus_area_id": ["FA1", "FA2"], "rank": [1, 2]})
    >>> session = pd.DataFrame({"focus_area_id": ["FA2", "FA1", "FA6"], "rank": [1, 2, 3]})
    >>> seminar_changes(seminar, session)[["focus_area_id", "shift", "change"]].values.tolist()
    [['FA1', 1.0, 'moved up'], ['FA2', -1.0, 'moved down'], ['FA6', nan, 'not ranked at seminar']]
    """
    frames = {}
    for name, frame in (("seminar", seminar_ranking), ("session", session_ranking)):
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"seminar_changes: {name}_ranking must be a DataFrame")
        missing = [c for c in (key, rank) if c not in frame.columns]
        if missing:
            raise ValueError(f"seminar_changes: {name}_ranking lacks column(s) {', '.join(missing)}")
        sub = frame[frame[key].notna()]
        if sub[key].duplicated().any():
            raise ValueError(f"seminar_changes: {name}_ranking has several rows per {key}; pass one ranking (without by)")
        frames[name] = sub
    names = {}
    for name in ("session", "seminar"):
        col = _name_column(frames[name])
        if col:
            names.update({k: v for k, v in zip(frames[name][key], frames[name][col]) if pd.notna(v)})
    left = frames["session"][[key]].assign(session_rank=_num(frames["session"][rank]).to_numpy())
    right = frames["seminar"][[key]].assign(seminar_rank=_num(frames["seminar"][rank]).to_numpy())
    out = left.merge(right, on=key, how="outer", sort=False)
    shared = out["session_rank"].notna() & out["seminar_rank"].notna()
    out["session_rank_shared"] = out["session_rank"].where(shared).rank(method="min")
    out["seminar_rank_shared"] = out["seminar_rank"].where(shared).rank(method="min")
    out["shift"] = out["session_rank_shared"] - out["seminar_rank_shared"]
    out["change"] = np.select(
        [~shared & out["session_rank"].isna(), ~shared, out["shift"] > 0, out["shift"] < 0],
        ["not in session ranking", "not ranked at seminar", "moved up", "moved down"],
        default="unchanged",
    )
    out = out.sort_values(["seminar_rank", "session_rank", key], na_position="last", kind="stable").reset_index(drop=True)
    columns = [key, "session_rank", "seminar_rank", "session_rank_shared", "seminar_rank_shared", "shift", "change"]
    out = out[columns]
    if names:
        out.insert(1, "focus_area", out[key].map(names).where(out[key].map(names).notna(), out[key]))
    return out


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def _label_n(name, n, width: int = 34) -> str:
    from .publishing.plots import _wrap

    count = t("common.suppressed") if n is None or np.isnan(n) else f"{int(n)}"
    return f"{_wrap(str(name), width)}\n({t('common.n_equals', n=count)})"


def support_figure(table: pd.DataFrame, *, title: str | None = None):
    """Mean support and share supporting per focus area, with their confidence intervals.

    ``table`` is :func:`support` without ``by`` (published or not). Focus areas are sorted by
    mean support; suppressed rows are labelled *suppressed*.

    Examples
    --------
    >>> report.figure(support_figure(published_support), "support")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, matplotlib_percent

    title = title or t("seminar.fig.support.title")
    if table is None or table.empty:
        return _empty_figure(t("seminar.fig.support.empty"), title)
    plt, sns = _setup()
    cols = ["n", "mean", "mean_ci_low", "mean_ci_high", "share_support", "share_support_ci_low", "share_support_ci_high", "share_oppose"]
    d = table.assign(**{c: _num(table[c]).to_numpy() for c in cols})
    d = d.sort_values("mean", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    y = np.arange(len(d))
    fig, (ax1, ax2) = plt.subplots(1, 2, sharey=True, figsize=(11, 0.62 * len(d) + 2.0), gridspec_kw={"width_ratios": [1.1, 1]})
    blue, red = "#1f6f9f", "#c0392b"
    for i, r in d.iterrows():
        if np.isnan(r["mean"]):
            ax1.text(3, i, t("common.suppressed") if str(table.loc[table["focus_area_id"] == r["focus_area_id"], "n"].iloc[0]) == SUPPRESSED else t("seminar.fig.no_answers"),
                     ha="center", va="center", fontsize=8, color="#777777")
            continue
        ax1.plot([r["mean_ci_low"], r["mean_ci_high"]], [i, i], color=blue, lw=2.5, alpha=0.6)
        ax1.plot(r["mean"], i, "o", color=blue, ms=8)
        ax1.text(r["mean_ci_high"] + 0.05, i, f"{r['mean']:.2f}", va="center", fontsize=8.5)
        ax2.plot([r["share_support_ci_low"], r["share_support_ci_high"]], [i, i], color=blue, lw=2.5, alpha=0.6)
        ax2.plot(r["share_support"], i, "o", color=blue, ms=8, label=t("seminar.fig.support.supporting") if i == 0 else None)
        ax2.plot(r["share_oppose"], i, "D", color=red, ms=6, mfc="white", label=t("seminar.fig.support.opposing") if i == 0 else None)
    ax1.axvline(3, color="#999999", ls="--", lw=1)
    ax1.set_xlim(1, 5.4)
    ax1.set_xticks([1, 2, 3, 4, 5], ["1\n" + t("seminar.fig.support.tick1"), "2", "3\n" + t("seminar.fig.support.tick3"), "4", "5\n" + t("seminar.fig.support.tick5")], fontsize=8.5)
    ax1.set_yticks(y, [_label_n(f, n) for f, n in zip(d["focus_area"], d["n"])], fontsize=9)
    ax1.invert_yaxis()
    ax1.set(xlabel=t("seminar.fig.support.xlabel1"), ylabel="", title=t("seminar.fig.support.title1"))
    ax2.set_xlim(0, 1)
    ax2.xaxis.set_major_formatter(matplotlib_percent())
    ax2.set(xlabel=t("seminar.fig.support.xlabel2"), title=t("seminar.fig.support.title2"))
    if ax2.get_legend_handles_labels()[0]:
        ax2.legend(loc="lower right", fontsize=8, frameon=True)
    for ax in (ax1, ax2):
        ax.grid(axis="y", visible=False)
    fig.suptitle(title, fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def support_heatmap(table: pd.DataFrame, *, by: str = "stakeholder_group", value: str = "mean", title: str | None = None):
    """Focus area x group heatmap of support; suppressed cells are marked.

    ``table`` is :func:`support` with ``by=by`` (published or not); ``value`` is ``"mean"``
    (1-5) or ``"share_support"``.

    Examples
    --------
    >>> report.figure(support_heatmap(published_by_group), "support_by_group")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap, mark_suppressed

    if value not in ("mean", "share_support"):
        raise ValueError(f"support_heatmap: value must be 'mean' or 'share_support', not {value!r}")
    by_text = t("seminar.by.stakeholder_group") if by == "stakeholder_group" else by.replace("_", " ")
    title = title or t(f"seminar.fig.heatmap.title.{value}", by=by_text)
    if table is None or table.empty:
        return _empty_figure(t("seminar.fig.heatmap.empty"), title)
    plt, sns = _setup()
    tab = table.copy()
    label = _LABEL_OF.get(by) if _LABEL_OF.get(by) in tab else by
    tab["_v"] = _num(tab[value]).to_numpy()
    tab["_n"] = _num(tab["n"]).to_numpy()
    tab["_supp"] = tab["n"].astype(object).eq(SUPPRESSED).to_numpy()
    rows = list(dict.fromkeys(tab["focus_area_id"]))
    cols = list(dict.fromkeys(tab[by]))
    grid = tab.pivot_table(index="focus_area_id", columns=by, values="_v", aggfunc="first", dropna=False).reindex(index=rows, columns=cols)
    supp = tab.pivot_table(index="focus_area_id", columns=by, values="_supp", aggfunc="any", dropna=False).reindex(index=rows, columns=cols)
    supp = supp.fillna(False).astype(bool)
    names = dict(zip(tab["focus_area_id"], tab["focus_area"])) if "focus_area" in tab else {}
    col_labels = []
    for c in cols:
        sub = tab[tab[by] == c]
        ns = sub["_n"].dropna()
        n_lab = t("seminar.fig.n_suppressed") if ns.empty and sub["_supp"].any() else t("common.n_equals", n=int(ns.max()) if len(ns) else 0)
        col_labels.append(f"{_wrap(str(sub[label].iloc[0]), 16)}\n({n_lab})")
    kw = dict(cmap="RdBu", center=3, vmin=1, vmax=5, fmt=".2f") if value == "mean" else dict(cmap="Blues", vmin=0, vmax=1, fmt=".0%")
    fig, ax = plt.subplots(figsize=(1.5 * len(cols) + 5.2, 0.6 * len(rows) + 2.4))
    sns.heatmap(grid.astype(float), annot=True, linewidths=0.6, linecolor="white", ax=ax, annot_kws={"fontsize": 9},
                cbar_kws={"label": t(f"seminar.fig.heatmap.cbar.{value}"), "shrink": 0.8}, **kw)
    mark_suppressed(ax, grid.where(supp, 0.0).where(~supp, np.nan))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            if pd.isna(grid.loc[r, c]) and not supp.loc[r, c]:
                ax.text(j + 0.5, i + 0.5, t("seminar.fig.no_answers"), ha="center", va="center", fontsize=7, color="#555555")
    ax.set_yticks(np.arange(len(rows)) + 0.5, [f"{_wrap(str(names.get(r, r)), 34)}" for r in rows], rotation=0, fontsize=9)
    ax.set_xticks(np.arange(len(cols)) + 0.5, col_labels, rotation=0, fontsize=8.5)
    ax.set(xlabel=by_text.capitalize(), ylabel="")
    ax.set_title(title, fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def _ordinal(i: int) -> str:
    suffix = "th" if 10 <= i % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(i % 10, "th")
    return t(f"seminar.ordinal.{suffix}", i=i)


def rank_distribution_figure(table: pd.DataFrame, *, ranking: pd.DataFrame | None = None, title: str | None = None):
    """Heatmap of the share of participants who put each focus area 1st .. kth.

    ``table`` is :func:`rank_distribution` without ``by`` (published or not). Rows follow
    ``ranking`` (:func:`seminar_ranking`) when given, else the share ranking it first.
    Suppressed areas are marked.

    Examples
    --------
    >>> report.figure(rank_distribution_figure(dist, ranking=ranking), "rank_distribution")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, mark_suppressed

    title = title or t("seminar.fig.dist.title")
    if table is None or table.empty:
        return _empty_figure(t("seminar.fig.dist.empty"), title)
    plt, sns = _setup()
    d = table.assign(_share=_num(table["share"]).to_numpy(), _n=_num(table["n"]).to_numpy())
    if ranking is not None and len(ranking):
        rows = [f for f in ranking["focus_area_id"] if f in set(d["focus_area_id"])]
        rows += [f for f in dict.fromkeys(d["focus_area_id"]) if f not in rows]
    else:
        first = d[d["position"] == 1].sort_values("_share", ascending=False, na_position="last", kind="stable")
        rows = list(dict.fromkeys(first["focus_area_id"]))
    positions = sorted(d["position"].unique())
    grid = d.pivot_table(index="focus_area_id", columns="position", values="_share", aggfunc="first", dropna=False).reindex(index=rows, columns=positions)
    names = dict(zip(d["focus_area_id"], d["focus_area"])) if "focus_area" in d else {}
    n_of = d.groupby("focus_area_id")["_n"].max()
    fig, ax = plt.subplots(figsize=(1.0 * len(positions) + 5.5, 0.6 * len(rows) + 2.2))
    sns.heatmap(grid.astype(float), annot=True, fmt=".0%", cmap="Greens", vmin=0, vmax=max(0.5, float(np.nanmax(grid.to_numpy())) if grid.notna().any().any() else 1),
                linewidths=0.6, linecolor="white", ax=ax, annot_kws={"fontsize": 9}, cbar_kws={"label": t("seminar.fig.dist.cbar"), "shrink": 0.8})
    mark_suppressed(ax, grid)
    ax.set_yticks(np.arange(len(rows)) + 0.5, [_label_n(names.get(r, r), n_of.get(r, np.nan), 40) for r in rows], rotation=0, fontsize=9)
    ax.set_xticks(np.arange(len(positions)) + 0.5, [_ordinal(int(p)) for p in positions], rotation=0)
    order = t("seminar.fig.dist.order.seminar") if ranking is not None and len(ranking) else t("seminar.fig.dist.order.first")
    ax.set(xlabel=t("seminar.fig.dist.xlabel", order=order), ylabel="")
    ax.set_title(title, fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def slope_figure(changes: pd.DataFrame, *, title: str | None = None, left: str | None = None, right: str | None = None):
    """Slope chart from the working-session rank to the seminar rank of each focus area.

    ``changes`` is :func:`seminar_changes`. The focus areas both ranked are drawn on their
    shared ranks; the others are listed under the chart. ``left`` and ``right`` name the
    two rankings (default "Working session" and "PRA Seminar", in the report language).

    Examples
    --------
    >>> report.figure(slope_figure(seminar_changes(ranking, session)), "session_to_seminar")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap

    title = title or t("seminar.fig.slope.title")
    left = left or t("seminar.fig.slope.left")
    right = right or t("seminar.fig.slope.right")
    if changes is None or changes.empty:
        return _empty_figure(t("seminar.fig.slope.empty"), title)
    plt, _ = _setup()
    key = changes.columns[0]
    name_col = "focus_area" if "focus_area" in changes else key
    both = changes[changes["session_rank_shared"].notna() & changes["seminar_rank_shared"].notna()]
    others = changes.drop(both.index)
    k = max(len(both), 1)
    colours = {"moved up": "#1a9850", "moved down": "#d73027", "unchanged": "#7f7f7f"}
    fig, ax = plt.subplots(figsize=(9, 0.55 * k + 2.4 + 0.25 * len(others)))
    for _, r in both.iterrows():
        c = colours.get(r["change"], "#7f7f7f")
        ax.plot([0, 1], [r["session_rank_shared"], r["seminar_rank_shared"]], "-o", color=c, lw=2.2, ms=7)
        ax.text(-0.04, r["session_rank_shared"], f"{_wrap(str(r[name_col]), 30)}  {int(r['session_rank_shared'])}", ha="right", va="center", fontsize=9)
        shift = int(r["shift"])
        ax.text(1.04, r["seminar_rank_shared"], f"{int(r['seminar_rank_shared'])}  {_wrap(str(r[name_col]), 30)}" + (f" ({shift:+d})" if shift else ""),
                ha="left", va="center", fontsize=9, color=c if shift else "#333333")
    ax.set_xlim(-0.9, 1.9)
    ax.set_ylim(k + 0.6, 0.4)
    ax.set_xticks([0, 1], [t("seminar.fig.slope.tick", name=left), t("seminar.fig.slope.tick", name=right)], fontsize=10)
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    notes = [f"{term(change, 'change').capitalize()}: {', '.join(str(x) for x in others.loc[others['change'] == change, name_col])}."
             for change in dict.fromkeys(others["change"])]
    sub = t("seminar.fig.slope.subtitle")
    if notes:
        sub += " " + " ".join(notes)
    ax.set_title(title, fontsize=12, fontweight="bold")
    ax.set_xlabel(_wrap(sub, 110), fontsize=8.5, color="#444444")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------


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
    lines = []
    s = _usable(support_table, "mean", min_cell_size)
    if s.empty:
        lines.append(t("seminar.find.no_support"))
    else:
        s = s.sort_values("_v", ascending=False)
        top = s.iloc[0]
        low_top = _num(pd.Series([top["mean_ci_low"]])).iloc[0]
        tied = s[_num(s["mean_ci_high"]) >= low_top].iloc[1:]
        text = t("seminar.find.strongest", name=top["focus_area"], mean=f"{top['_v']:.2f}", low=f"{low_top:.2f}",
                 high=f"{_num(pd.Series([top['mean_ci_high']])).iloc[0]:.2f}", n=int(top["_n"]),
                 share=_pct(_num(pd.Series([top["share_support"]])).iloc[0]))
        if len(tied):
            text += t("seminar.find.overlaps", names=", ".join(f"{r['focus_area']} ({r['_v']:.2f})" for _, r in tied.iterrows()))
        lines.append(text + ".")
        bottom = s.iloc[-1]
        if len(s) > 1:
            lines.append(t("seminar.find.weakest", name=bottom["focus_area"], mean=f"{bottom['_v']:.2f}",
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
            p = _num(pd.Series([overall["pvalue"]])).iloc[0]
            text = t("seminar.find.consensus", agreement=term(overall["agreement"], "agreement"), w=f"{w:.2f}",
                     dof=int(_num(pd.Series([overall["dof"]])).iloc[0]), chi2=f"{_num(pd.Series([overall['chi2']])).iloc[0]:.1f}",
                     p=_fmt_p(p), n=int(_num(pd.Series([overall["n"]])).iloc[0]))
            if p < 0.05 and w < 0.5:
                text += t("seminar.find.not_chance")
            groups = c[(c["scope"] != "all participants")]
            groups = groups.assign(_w=_num(groups["w"]).to_numpy(), _n=_num(groups["n"]).to_numpy())
            groups = groups[groups["_w"].notna() & (groups["_n"] >= min_cell_size)]
            if len(groups):
                text += t("seminar.find.within_groups", items=", ".join(f"{g['group_label']} W = {g['_w']:.2f} ({term(g['agreement'], 'agreement')})" for _, g in groups.iterrows()))
            lines.append(text + ".")
    if differences is not None and len(differences):
        d = differences.assign(_p=_num(differences["pvalue_adj"]).to_numpy())
        method = _adjustment_name(str(d["p_adjust"].iloc[0]))
        what = "rank" if str(d["value"].iloc[0]) == "rank" else "support"
        sig = d[d["significant"].astype(str).str.lower() == "true"]
        if sig.empty:
            lines.append(t(f"seminar.find.no_differences.{what}", method=method))
        else:
            parts = []
            for _, x in sig.iterrows():
                parts.append(t(f"seminar.find.difference.{what}", name=x["focus_area"], top=x["group_top"],
                               top_mean=f"{_num(pd.Series([x['group_top_mean']])).iloc[0]:.2f}",
                               bottom_mean=f"{_num(pd.Series([x['group_bottom_mean']])).iloc[0]:.2f}", bottom=x["group_bottom"],
                               epsilon=f"{_num(pd.Series([x['epsilon_sq']])).iloc[0]:.2f}", p=_fmt_p(x["_p"])))
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


def _adjustment_name(method: str) -> str:
    """The name of a p-value adjustment for the findings text ("Holm", "Benjamini-Hochberg"...)."""
    key = f"seminar.adjust.{method}"
    return t(key) if method in ("holm", "fdr_bh", "bonferroni", "none") else method
