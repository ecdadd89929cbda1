"""Support for each focus area: mean agreement and the shares supporting and opposing.

Per focus area: mean agreement with a t interval (variance floor on the 1-5 scale), share
*supporting* (4 agree or 5 strongly agree) with a Clopper-Pearson interval, share *neutral*
(3) and share *opposing* (1 or 2). Missing answers are not in the denominator. Intervals
come from :func:`pra_lib.stats.rating_ci`; they hold at seminar group sizes (n = 5).
:func:`support_counts` counts the answers per point of the scale, from which
:func:`pra_lib.publishing.score_disclosure.withheld_groups` decides whose support is withheld.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import stats
from ._common import _as_list, _grid, _prepare, _require, _warn, _with_labels

SUPPORT_THRESHOLD = 4  # 4 agree, 5 strongly agree
OPPOSE_THRESHOLD = 2  # 1 strongly disagree, 2 disagree


def support(data: pd.DataFrame, *, by: str | Sequence[str] | None = None, ci: float = 0.95, n_resamples: int = 2000, seed=0) -> pd.DataFrame:
    """Support for each focus area: mean agreement and the shares supporting and opposing.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`votes_frame`.
    by : str or list of str, optional
        Grouping column(s), e.g. ``"stakeholder_group"``.
    ci : float, default 0.95
        Confidence level of the intervals.
    n_resamples : int, default 2000
        Kept for the run-level parameters; the intervals are analytic and draw nothing.
    seed : int, default 0
        Kept for the run-level parameters.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (with ``group_label``), ``focus_area_id``, ``focus_area``,
        ``n`` (participants who answered), ``mean`` with ``mean_ci_low`` and
        ``mean_ci_high``, ``share_support`` (4-5) with ``share_support_ci_low`` and
        ``share_support_ci_high``, ``share_neutral`` (3) and ``share_oppose`` (1-2).
        Every combination of group and focus area is listed; one nobody answered has
        ``n = 0`` and NaN statistics. The mean has a t interval with a variance floor,
        the share of support a Clopper-Pearson interval (:func:`pra_lib.stats.rating_ci`);
        a single answer gives a share interval but no mean interval (NaN, with a warning).

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
        # t interval with a variance floor and Clopper-Pearson: both hold at the 5-9 people of a
        # seminar group, and a group whose answers are all equal still gets an honest interval.
        opts = dict(value="support", by=keys, ci=ci, n_resamples=n_resamples, seed=seed, scale=(1, 5))
        mean = stats.rating_ci(answered, statistic="mean", method="t", **opts)
        share = stats.rating_ci(answered, statistic="share_positive", method="clopper-pearson", positive_threshold=SUPPORT_THRESHOLD, **opts)
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


SCALE = ("1", "2", "3", "4", "5")


def support_counts(data: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """How many participants gave each answer (1 to 5) on the support for each focus area.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`votes_frame`.
    by : str or list of str, optional
        Grouping column(s), e.g. ``"stakeholder_group"``.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``focus_area_id``, ``category`` (``"1"`` to ``"5"``, every one
        listed, also with no answers), ``count`` and ``n`` (participants who answered, the
        same on every row of a focus area and group), over the same groups and focus areas
        as :func:`support`. An answer between two points is counted at the nearest one.

    Examples
    --------
    >>> votes = pd.DataFrame({"respondent_id": list("abcd"), "focus_area_id": "FA1",
    ...                       "support": [5, 4, 4, 3]})
    >>> support_counts(votes)["count"].tolist()
    [0, 0, 1, 2, 1]
    """
    by = _as_list(by)
    _require(data, ["support"], "support_counts")
    frame = _prepare(data, by, "support_counts")
    keys = [*by, "focus_area_id"]
    grid = _grid(frame, data, keys).merge(pd.DataFrame({"category": list(SCALE)}), how="cross")
    answered = frame[frame["support"].notna()]
    points = answered["support"].round().clip(1, 5).astype(int).astype(str)
    counts = answered.assign(category=points).groupby([*keys, "category"], sort=False).size().rename("count").reset_index()
    out = grid.merge(counts, on=[*keys, "category"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    out["n"] = out.groupby(keys, sort=False)["count"].transform("sum").astype(int)
    return out.reset_index(drop=True)
