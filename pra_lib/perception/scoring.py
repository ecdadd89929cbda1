"""Goal and dimension scores: means with confidence intervals, answer counts, importance-performance.

:func:`scores` (mean rating per goal or dimension, with its interval and the answer
shares), :func:`likert_counts` (answers per rating category, for diverging bars) and
:func:`importance_performance` (Martilla & James quadrants).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..assessment.scales import DEFAULT_SCALES
from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE
from ..publishing.i18n import cell_label, pick_all
from ..stats.ratings import _count_entries, _counted_cells, _weighted_cells
from ._common import (
    _UNIT,
    DONT_KNOW,
    NEGATIVE_MAX,
    POSITIVE_MIN,
    QUADRANTS,
    UNCERTAIN,
    _as_list,
    _category_order,
    _check_level,
    _grid,
    _insert_labels,
    _labels_for,
    _num,
    _require,
    _respondent_level,
    _round,
    _sort,
    _unit_table,
    _warn,
)


FAIR = 3.0  # the scale's "fair": performance below it is not high, whatever the centre line


def _ci_label(ci: float, method: str, n_resamples: int) -> str:
    """'95% t interval (variance floor: half an answer per scale point)' or '95% percentile
    bootstrap (2000 resamples)', kept in English as the rest of the data vocabulary (the
    figures show it in the report language)."""
    if method == "t":
        return cell_label("perception.ci_method.t_label", ci=f"{ci:.0%}")
    name = cell_label(f"perception.ci_method.{method}") if method in ("percentile", "bca") else method
    return cell_label("perception.ci_method", ci=f"{ci:.0%}", method=name, n=n_resamples)


def scores(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    level: str = "goal",
    ci: float = 0.95,
    n_resamples: int = 2000,
    seed: Any = 0,
    method: str = "auto",
    weights: str | None = None,
) -> pd.DataFrame:
    """Mean rating per goal (or dimension), with a confidence interval and the answer shares.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect (or any frame with
        ``respondent_id``, ``goal_id``, ``rating`` and optionally ``dont_know``).
    by : str or list of str, optional
        Grouping column(s), e.g. ``"stakeholder_group"``, ``"channel"``, ``"area"``.
    level : {"goal", "dimension"}
        Summarise per goal, or per CRF dimension.  At dimension level each
        respondent's goal ratings within the dimension are averaged first (a
        respondent counts once, every goal weighs the same), then the respondent
        means are summarised; a respondent mean is positive when >= 4 and negative
        when <= 2.
    ci : float
        Confidence level of the interval of the mean.
    method : {"auto", "t", "percentile", "bca"}, default "auto"
        Interval of the mean (:func:`pra_lib.stats.rating_ci`): ``"auto"`` and ``"t"``
        give the t interval with a variance floor on the 1-5 scale, which covers at
        least 93% at n = 5 (``tests/test_coverage.py``); the bootstrap methods are
        kept for comparison.
    n_resamples, seed : int, int
        Bootstrap resamples and seed (bootstrap methods only).
    weights : str, optional
        Column of respondent (survey) weights; means, medians and shares are
        weighted, ``n`` stays the number of respondents.

    Returns
    -------
    pandas.DataFrame
        ``goal_id``, ``goal_label``, ``dimension_id``, ``dimension_label`` (or the
        dimension columns only), the ``by`` columns (with ``group_label`` /
        ``area_name``), ``n`` (respondents with a rating), ``mean``, ``ci_low``,
        ``ci_high``, ``median``, ``share_positive`` (4-5), ``share_neutral`` (3),
        ``share_negative`` (1-2), ``n_dont_know``, ``share_dont_know`` (of the
        respondents who answered, rating or "don't know"; the other shares
        exclude "don't know") and ``ci_method``.  Every goal appears, with
        ``n = 0`` and NaN statistics (and a warning) when nobody rated it.  A cell
        with a single respondent has no interval (NaN, with a warning). With the t
        interval, identical ratings still get an interval of honest width; with a
        bootstrap method they get none (NaN, with a warning).

    Examples
    --------
    >>> df = pd.DataFrame({"respondent_id": ["a", "b", "c"], "goal_id": "G01",
    ...                    "rating": [2.0, 4.0, 5.0]})
    >>> s = scores(df, n_resamples=200)  # doctest: +SKIP
    >>> s.loc[0, ["n", "mean", "share_positive"]].tolist()  # doctest: +SKIP
    [3.0, 3.66667, 0.666667]
    """
    by = _as_list(by)
    _check_level(level)
    unit = _UNIT[level]
    if unit in by:
        raise ValueError(f"scores: {unit!r} is the level itself; do not group by it")
    resp = _respondent_level(data, level, by, "scores", weights)
    if weights:
        no_weight = np.isnan(resp.weight)
        if no_weight.any():
            _warn(f"scores: {int(no_weight.sum())} respondent rating(s) have no weight and are left out")
            resp = resp.subset(~no_weight)
    keys = [unit, *by]
    grid = _grid(resp, level, by)
    # Cells are numbered in sorted order of their keys: the order bootstrap_ci draws groups in.
    cell, sizes, code_of = resp.cells(keys, sort=True)
    if method == "auto":
        method = "t"
    if method not in ("t", "percentile", "bca"):
        raise ValueError(f"method must be one of ['auto', 'bca', 'percentile', 't'], got {method!r}")
    ci_label = _ci_label(ci, method, n_resamples)
    options = dict(method=method, n_resamples=n_resamples, ci=ci, seed=seed, positive_min=POSITIVE_MIN, negative_max=NEGATIVE_MAX)
    if weights:
        boot, sums, dk, degenerate = _weighted_cells(resp, cell, weights, **options)
    else:
        boot, sums, dk, degenerate = _counted_cells(resp, cell, **options)
    boot = pd.concat([resp.frame(keys, boot.pop("_cell").to_numpy(), sizes, code_of), boot], axis=1)
    sums = pd.concat([resp.frame(keys, sums.pop("_cell").to_numpy(), sizes, code_of), sums], axis=1)
    dk = pd.concat([resp.frame(keys, dk.pop("_cell").to_numpy(), sizes, code_of), dk], axis=1)

    out = grid.merge(boot, on=keys, how="left").merge(sums, on=keys, how="left").merge(dk, on=keys, how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    out["n_dont_know"] = out["n_dont_know"].fillna(0).astype(int)
    for col in ("mean", "ci_low", "ci_high", "median"):
        out[col] = out[col].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = out["_w"].astype(float)
        out["share_positive"] = out["_pos"] / w
        out["share_neutral"] = out["_neu"] / w
        out["share_negative"] = out["_neg"] / w
        answered = w.fillna(0) + out["_dkw"].fillna(0)
        out["share_dont_know"] = (out["_dkw"].fillna(0) / answered).where(answered > 0)
    single = out["n"] == 1
    if single.any():
        out.loc[single, ["ci_low", "ci_high"]] = np.nan
        _warn(f"scores: {int(single.sum())} cell(s) rest on a single respondent; a mean of one answer has no confidence interval (NaN)")
    empty = out["n"] == 0
    if empty.any():
        cells = out.loc[empty, keys].astype(str).agg("/".join, axis=1).tolist()
        _warn(f"scores: {len(cells)} cell(s) have no ratings (n = 0) and NaN statistics: {', '.join(cells[:12])}{' ...' if len(cells) > 12 else ''}")
    identical = [m for m in degenerate if "identical" in m]
    if identical:
        # Cells below the publication limit are suppressed anyway; a warning about them
        # would itself say something about a small group in the rendered report.
        n_ident = int((out["ci_low"].isna() & (out["n"] >= DEFAULT_MIN_CELL_SIZE)).sum())
        if n_ident:
            _warn(f"scores: in {n_ident} cell(s) every respondent gave the same rating, so the bootstrap has no interval (NaN); method='t' gives one")
    if any("single answer" in m for m in degenerate):
        # several respondents, but the weights leave an effective sample size of one or less
        n_eff1 = int((out["ci_low"].isna() & out["mean"].notna() & (out["n"] >= 2)).sum())
        if n_eff1:
            _warn(f"scores: in {n_eff1} cell(s) the weights leave an effective sample size of one or less; no interval (NaN)")
    out["ci_method"] = ci_label
    front = list(_unit_table(level).columns)
    columns = [*front, *by, "n", "mean", "ci_low", "ci_high", "median", "share_positive", "share_neutral", "share_negative", "n_dont_know", "share_dont_know", "ci_method"]
    out = _sort(out[columns], keys, _category_order(data))
    return _round(_insert_labels(out, _labels_for(data, by)))


def likert_counts(data: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Answer counts per goal and rating category, for diverging Likert bars.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect.
    by : str or list of str, optional
        Grouping column(s).

    Returns
    -------
    pandas.DataFrame
        ``goal_id``, ``goal_label``, ``dimension_id``, ``dimension_label``, the ``by``
        columns, ``category`` (``"1"`` to ``"5"`` and ``"dont_know"``; every category
        is listed, also with zero answers), ``category_label``, ``count``, ``share``
        (of ``n`` for 1-5; of ``n`` plus "don't know" answers for ``dont_know``) and
        ``n`` (respondents with a rating, the same on every row of a cell).

    Examples
    --------
    >>> df = pd.DataFrame({"respondent_id": list("abc"), "goal_id": "G01",
    ...                    "rating": [1.0, 5.0, None], "dont_know": [False, False, True]})  # doctest: +SKIP
    >>> likert_counts(df)[["category", "count"]].values.tolist()[:2]  # doctest: +SKIP
    [['1', 1], ['2', 0]]
    """
    by = _as_list(by)
    resp = _respondent_level(data, "goal", by, "likert_counts")
    rating = resp.rating
    keys = ["goal_id", *by]
    cell, sizes, code_of = resp.cells(keys)
    # None exactly when some rating (1-5) is not a whole number, checked without copying
    # the rated ratings twice
    category = resp.category()
    if category is None:
        _warn("likert_counts: some goal ratings are averages of several indicators; they are rounded to the nearest category")
        rated = ~np.isnan(rating)
        # category 0-4 = ratings 1-5 (rounded half to even, as pandas rounds), 5 = "don't know"
        category = np.where(resp.dont_know, 5, np.where(rated, np.round(np.where(rated, rating, 1.0)) - 1, 6)).astype(np.int8)
    answered = category != 6
    keep = answered & (cell >= 0)
    labels = np.array(["1", "2", "3", "4", "5", DONT_KNOW], dtype=object)
    entry = cell  # cell is ours (from resp.cells) and not used again: the key is built in place
    entry *= 6
    entry += category
    entry_ids, entry_counts = _count_entries(entry if keep.all() else entry[keep], int(np.prod(sizes)) * 6)
    counts = pd.concat([resp.frame(keys, entry_ids // 6, sizes, code_of), pd.DataFrame({"category": labels[entry_ids % 6], "count": entry_counts.astype(np.int64)})], axis=1)
    grid = _grid(resp, "goal", by, None if answered.all() else answered)
    cats = pd.DataFrame({"category": ["1", "2", "3", "4", "5", DONT_KNOW]})
    out = grid.merge(cats, how="cross").merge(counts, on=[*keys, "category"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    is_dk = out["category"] == DONT_KNOW
    n = out[~is_dk].groupby(keys, sort=False)["count"].sum().rename("n").reset_index()
    out = out.merge(n, on=keys, how="left")
    dk = out[is_dk].set_index(keys)["count"].rename("_dk")
    out = out.merge(dk.reset_index(), on=keys, how="left")
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = np.where(is_dk, out["n"] + out["_dk"], out["n"]).astype(float)
        out["share"] = np.where(denom > 0, out["count"] / np.where(denom > 0, denom, 1), np.nan)
    aspect = data["aspect"].dropna().iloc[0] if "aspect" in data.columns and data["aspect"].notna().any() else "performance"
    default = DEFAULT_SCALES.get(aspect, DEFAULT_SCALES["performance"])
    labels = data.attrs.get("scales", {}).get(aspect) or pick_all(default.labels_en, default.labels_id)
    cat_labels = {str(i + 1): lab for i, lab in enumerate(labels)} | {DONT_KNOW: cell_label("perception.dont_know")}
    out["category_label"] = out["category"].map(cat_labels)
    columns = ["goal_id", "goal_label", "dimension_id", "dimension_label", *by, "category", "category_label", "count", "share", "n"]
    order = _category_order(data) | {"category": ["1", "2", "3", "4", "5", DONT_KNOW]}
    out = _sort(out[columns], [*keys, "category"], order)
    return _round(_insert_labels(out, _labels_for(data, by)))


def importance_performance(
    data_perf: pd.DataFrame,
    data_imp: pd.DataFrame | None = None,
    *,
    centre: str = "mean",
    ci: float = 0.95,
    n_resamples: int = 2000,
    seed: Any = 0,
    weights: str | None = None,
) -> pd.DataFrame:
    """Importance-performance analysis (IPA; Martilla & James 1977) of the 12 goals.

    Parameters
    ----------
    data_perf : pandas.DataFrame
        Performance ratings (:func:`ratings_frame` with ``aspect="performance"``), or
        both aspects in one frame (``aspect=None``) when ``data_imp`` is omitted.
    data_imp : pandas.DataFrame, optional
        Importance ratings.
    centre : {"mean", "midpoint"}
        Where the quadrant lines cross: the grand means (mean of the goal means,
        each goal weighing the same), or the scale midpoint 3.
    ci, n_resamples, seed, weights
        Passed to :func:`scores` (the t interval of each mean).

    Returns
    -------
    pandas.DataFrame
        Per goal: ``performance``, ``performance_ci_low``, ``performance_ci_high``,
        ``n_performance``, ``importance``, ``importance_ci_low``,
        ``importance_ci_high``, ``n_importance``, ``n`` (the smaller of the two, for
        suppression), ``gap`` (importance minus performance), ``performance_centre``,
        ``importance_centre``, ``quadrant`` and ``candidate_weakness``
        (``True`` in the "concentrate here" quadrant: high importance, low performance).

    Notes
    -----
    ``quadrant`` is decided by the confidence intervals, not by the point estimates: a
    goal is high (low) on an axis only when its whole interval lies on or above (below)
    that axis' centre line, and high performance also needs the interval not below
    fair (3), so that a goal rated below fair is never called "possible overkill" or
    "keep up the good work". A goal whose interval straddles a line on either axis is
    ``"uncertain"``; so is one without an interval. The centre lines are treated as
    fixed. ``candidate_weakness`` is therefore a claim the data support at the
    interval's level, not a point-estimate reading.

    Examples
    --------
    >>> ipa = importance_performance(ratings_frame(a, aspect=None))  # doctest: +SKIP
    >>> ipa.loc[ipa["candidate_weakness"], "goal_id"].tolist()     # doctest: +SKIP
    """
    if centre not in ("mean", "midpoint"):
        raise ValueError(f"centre must be 'mean' or 'midpoint', not {centre!r}")
    if data_imp is None:
        _require(data_perf, ["aspect"], "importance_performance")
        both = data_perf
        is_importance = (both["aspect"] == "importance").to_numpy(dtype=bool)
        is_performance = (both["aspect"] == "performance").to_numpy(dtype=bool)
        if not (is_performance.any() and is_importance.any()):
            raise ValueError("importance_performance: the frame must hold both performance and importance ratings")
        # Each aspect's rows are taken when it is scored, with only the columns scores
        # reads: both aspects' whole rows at once would double the frame's memory.
        frames = (("performance", lambda: _rows_to_score(both, is_performance, weights)),
                  ("importance", lambda: _rows_to_score(both, is_importance, weights)))
    else:
        frames = (("performance", lambda: data_perf), ("importance", lambda: data_imp))
    opts = dict(ci=ci, n_resamples=n_resamples, seed=seed, weights=weights)
    front = ["goal_id", "goal_label", "dimension_id", "dimension_label"]
    parts = []
    for name, rows in frames:
        s = scores(rows(), **opts)[[*front, "mean", "ci_low", "ci_high", "n"]]
        parts.append(s.rename(columns={"mean": name, "ci_low": f"{name}_ci_low", "ci_high": f"{name}_ci_high", "n": f"n_{name}"}))
    out = parts[0].merge(parts[1], on=front, how="outer")
    out = _sort(out, ["goal_id"], {})
    out["n"] = out[["n_performance", "n_importance"]].min(axis=1).astype(int)
    out["gap"] = out["importance"] - out["performance"]
    if centre == "mean":
        out["performance_centre"] = out["performance"].mean()
        out["importance_centre"] = out["importance"].mean()
    else:
        out["performance_centre"] = 3.0
        out["importance_centre"] = 3.0
    known = out["importance"].notna() & out["performance"].notna()
    # Decided by the intervals: NaN bounds compare False, so a goal without an interval is uncertain.
    sure_high_imp = out["importance_ci_low"] >= out["importance_centre"]
    sure_low_imp = out["importance_ci_high"] < out["importance_centre"]
    sure_high_perf = (out["performance_ci_low"] >= out["performance_centre"]) & (out["performance_ci_low"] >= FAIR)
    sure_low_perf = out["performance_ci_high"] < out["performance_centre"]
    imp_side = np.where(sure_high_imp, 1, np.where(sure_low_imp, 0, -1))
    perf_side = np.where(sure_high_perf, 1, np.where(sure_low_perf, 0, -1))
    out["quadrant"] = [
        (QUADRANTS[(bool(i), bool(p))] if i >= 0 and p >= 0 else UNCERTAIN) if k else None
        for i, p, k in zip(imp_side, perf_side, known)
    ]
    out["candidate_weakness"] = out["quadrant"] == "concentrate here"
    if (~known).any():
        _warn(f"importance_performance: {int((~known).sum())} goal(s) lack importance or performance ratings; no quadrant")
    return _round(out)


def _rows_to_score(data: pd.DataFrame, mask: np.ndarray, weights: str | None) -> pd.DataFrame:
    """The rows of ``mask`` with only the columns :func:`scores` reads at goal level.

    Selecting the columns first is free (copy-on-write), so only those few columns are
    copied at the rows; ``attrs`` (category order, scales) travel along.
    """
    columns = [c for c in ("respondent_id", "goal_id", "rating", "dont_know", weights) if c is not None and c in data.columns]
    return data[columns][mask]


def _dont_know_shares(counts: pd.DataFrame, *, by: str | None, goal_ids: list[str]) -> pd.Series:
    """Share of "don't know" answers per goal from :func:`likert_counts` (published or not).

    With ``by``, the share pools the groups: "don't know" answers over all answers of the
    goal. Suppressed counts are left out; a goal without answers gets NaN.
    """
    dk = counts[counts["category"] == DONT_KNOW]
    if by:
        dk = dk.groupby("goal_id")["count"].apply(lambda s: _num(s).sum(min_count=1))
        ans = counts.groupby("goal_id").apply(lambda f: _num(f["count"]).sum(min_count=1), include_groups=False)
        return (dk / ans).reindex(goal_ids)
    return dk.set_index("goal_id")["share"].pipe(_num).reindex(goal_ids)
