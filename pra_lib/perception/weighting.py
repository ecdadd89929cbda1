"""Weighted estimates for the questionnaire: unweighted and weighted goal means side by side.

The weights themselves (raking, post-stratification, margins, Kish's design effect) are
statistics core, in :mod:`pra_lib.stats.weights`; :func:`weighted_comparison` runs
:func:`pra_lib.perception.scores` with and without them on the same respondents.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..publishing.disclosure_linked import rows_of_hidden_lines
from ..stats.ratings import _DENSE, _factor
from ..stats.weights import WEIGHT, add_weights, design_effect
from ._common import _UNIT, _check_level, _round, _sort, _unit_table
from .scoring import scores


def weighted_comparison(
    data: pd.DataFrame,
    weights: pd.Series,
    *,
    level: str = "goal",
    ci: float = 0.95,
    n_resamples: int = 2000,
    seed: Any = 0,
    method: str = "auto",
) -> pd.DataFrame:
    """Unweighted and weighted mean ratings per goal, side by side in one tidy table.

    Both estimates come from :func:`pra_lib.perception.scores` on the same respondents
    (those with a weight); the weighted one passes ``weights="weight"``.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`pra_lib.perception.ratings_frame` for one aspect.
    weights : pandas.Series
        Weights indexed by ``respondent_id``.
    level : {"goal", "dimension"}
        Passed to :func:`pra_lib.perception.scores`.
    ci, n_resamples, seed, method
        Passed to :func:`pra_lib.perception.scores` (the same seed for both estimates).

    Returns
    -------
    pandas.DataFrame
        The goal (or dimension) columns, ``estimate`` (``"unweighted"`` or
        ``"weighted"``), ``n`` (respondents with a rating), ``n_effective`` (Kish's
        effective sample size of those respondents: ``n`` when unweighted), ``mean``,
        ``ci_low``, ``ci_high``, ``share_positive``, ``share_negative`` and ``ci_method``.

    Examples
    --------
    >>> table = weighted_comparison(q, rake(people, margins=m), n_resamples=500)  # doctest: +SKIP
    """
    weighted = add_weights(data, weights)
    no_weight = weighted[WEIGHT].isna()
    if no_weight.any():
        weighted = weighted[~no_weight]
    if weighted.empty:
        raise ValueError("weighted_comparison: no respondent in data has a weight")
    options = dict(level=level, ci=ci, n_resamples=n_resamples, seed=seed, method=method)
    unit = _UNIT[_check_level(level)]
    front = list(_unit_table(level).columns)
    stats_cols = ["n", "mean", "ci_low", "ci_high", "share_positive", "share_negative", "ci_method"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plain = scores(weighted.drop(columns=[WEIGHT]), **options)[[*front, *stats_cols]]
        heavy = scores(weighted, weights=WEIGHT, **options)[[*front, *stats_cols]]
    # The same cells warn (single respondent, no ratings) for both estimates: say each thing once.
    for message in dict.fromkeys((str(w.message), w.category) for w in caught):
        warnings.warn(message[0], message[1], stacklevel=2)
    plain.insert(len(front), "estimate", "unweighted")
    heavy.insert(len(front), "estimate", "weighted")
    plain.insert(len(front) + 2, "n_effective", plain["n"].astype(float))
    per_unit = _effective_sizes(weighted, unit)
    # Whole respondents: an exact effective size would say too much about small cells.
    heavy.insert(len(front) + 2, "n_effective", heavy[unit].map(per_unit).astype(float).round())
    out = pd.concat([plain, heavy], ignore_index=True)
    out = _sort(out, [unit, "estimate"], {"estimate": ["unweighted", "weighted"]})
    return _round(out)


def _effective_sizes(weighted: pd.DataFrame, unit: str) -> pd.Series:
    """Kish's effective sample size per goal (or dimension) of the respondents who rated it.

    Each respondent's weight counts once per unit (as ``groupby([unit, "respondent_id"],
    sort=False).first()`` gives them), found from the integer codes of the two columns
    rather than by grouping every rating; the sizes are rounded to whole respondents, so
    the order of the sums does not show.
    """
    rating = weighted["rating"]
    if pd.api.types.is_numeric_dtype(rating.dtype) and not pd.api.types.is_bool_dtype(rating.dtype):
        rated = ~np.isnan(rating.to_numpy(dtype=float, na_value=np.nan))
    else:
        rated = pd.to_numeric(rating, errors="coerce").notna().to_numpy()
    uc, uu = _factor(weighted[unit])
    rc, ru = _factor(weighted["respondent_id"])
    rated &= (uc >= 0) & (rc >= 0)  # groupby leaves rows without a key out
    n_resp = max(len(ru), 1)
    # add_weights gives every rating of a respondent the same weight: one per respondent
    by_respondent = np.full(n_resp, np.nan)
    by_respondent[rc[rated]] = weighted[WEIGHT].to_numpy(dtype=float, na_value=np.nan)[rated]
    # the key built in place in one array of its own (one entry per rating)
    key = uc[rated].astype(np.int64)
    key *= n_resp
    key += rc[rated]
    if len(uu) * n_resp <= _DENSE:
        # Pairs by unit, then respondent code: the order of first appearance when the rows
        # come sorted by respondent, as ratings_frame gives them.
        seen = np.zeros(len(uu) * n_resp, dtype=bool)
        seen[key] = True
        pairs = np.flatnonzero(seen)
    else:
        pairs = pd.unique(key)  # in order of first appearance
    unit_code, weight = pairs // n_resp, by_respondent[pairs % n_resp]
    sizes = {}
    for code in np.unique(unit_code):  # units in sorted order of their values, as groupby(level=0)
        w = pd.Series(weight[unit_code == code])
        sizes[uu[code]] = design_effect(w).n_effective if w.sum() > 0 else np.nan
    out = pd.Series(sizes, dtype=float)
    return out.sort_index() if len(out) else out


def withhold_weighted_shares(data: pd.DataFrame, *, published: pd.DataFrame, margin: tuple[str, ...] = ("method", "variable")) -> pd.DataFrame:
    """The weighting margins with every weighted share of a margin that hides a category withheld.

    A category whose weights reached the trim cap has a weighted share of ``k * cap / n``
    (``cap`` and ``n`` are in the design effect), which gives its ``k`` respondents back;
    and the weighted shares of one margin add up to 1, so the shares of the categories
    shown give the hidden ones' total back, and with it a single capped one. Withholding
    the hidden rows' shares is not enough: the whole margin's weighted shares go.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`pra_lib.stats.weights.margin_table`, as it was passed to
        :meth:`pra_lib.publishing.report.Report.table`.
    published : pandas.DataFrame
        The table as published from ``data``, with its ``suppressed`` column.
    margin : tuple of str
        The columns identifying one margin.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``weighted_share`` missing in every margin that has a
        suppressed row in ``published``; ``data`` itself when no margin has one.

    Examples
    --------
    >>> data = pd.DataFrame({"method": ["raking"] * 2, "variable": ["area"] * 2, "category": ["north", "south"], "n": [1, 25], "weighted_share": [0.192308, 0.807692]})
    >>> shown = data.assign(suppressed=[True, False])
    >>> withhold_weighted_shares(data, published=shown)["weighted_share"].isna().tolist()
    [True, True]
    """
    margin = list(margin)
    missing = [c for c in [*margin, "suppressed"] if c not in published] + [c for c in [*margin, "weighted_share"] if c not in data]
    if missing:
        raise KeyError(f"withhold_weighted_shares: columns {missing} are missing (data: {', '.join(map(str, data.columns))}; "
                       f"published: {', '.join(map(str, published.columns))})")
    hidden = published["suppressed"].astype(object).map(lambda v: str(v).strip().lower() in ("true", "1")).to_numpy(dtype=bool)
    shut = set(published.loc[hidden, margin].astype(str).itertuples(index=False, name=None))
    if not shut:
        return data
    rows = np.asarray([key in shut for key in data[margin].astype(str).itertuples(index=False, name=None)], dtype=bool)
    out = data.copy()
    out["weighted_share"] = out["weighted_share"].astype(float).mask(rows)
    return out


NO_VALUE = "(no value)"  # the category of a weighting margin (margin_table) for respondents without a value: they get no weight


def rows_hidden_with_unweighted(design: pd.DataFrame, *, margins: pd.DataFrame) -> np.ndarray:
    """Which rows of the design effect to hide with a hidden ``"(no value)"`` row of the weighting margins.

    The design effect's weighted respondents are a margin's respondents less those
    without a value in it (:data:`NO_VALUE`, who get no weight); the margin's total is
    public, so where the margins hide that row, the design effect's ``n`` of the same
    weighting method would give it back, and is hidden with it.

    Parameters
    ----------
    design : pandas.DataFrame
        :func:`pra_lib.stats.weights.weight_summary`, with a ``method`` column.
    margins : pandas.DataFrame
        The weighting margins as published (:meth:`pra_lib.publishing.report.Report.table`
        of :func:`pra_lib.stats.weights.margin_table`), with ``method``, ``variable``,
        ``category`` and ``suppressed``.

    Returns
    -------
    numpy.ndarray of bool
        One per row of ``design``: pass it as ``hidden_with``.

    Examples
    --------
    >>> margins = pd.DataFrame({"method": ["raking"] * 2, "variable": ["area"] * 2, "category": ["north", NO_VALUE], "n": [24, None], "suppressed": [False, True]})
    >>> rows_hidden_with_unweighted(pd.DataFrame({"method": ["raking"], "n": [24]}), margins=margins).tolist()
    [True]
    """
    missing = [c for c in ("method", "variable", "category", "suppressed") if c not in margins] + [c for c in ("method",) if c not in design]
    if missing:
        raise KeyError(f"rows_hidden_with_unweighted: columns {missing} are missing (design: {', '.join(map(str, design.columns))}; "
                       f"margins: {', '.join(map(str, margins.columns))})")
    without_value = margins[margins["category"].astype(object).eq(NO_VALUE)]
    return rows_of_hidden_lines(design, published=margins, dims=["method", "variable", "category"], parts=without_value, on={"method": "method"})
