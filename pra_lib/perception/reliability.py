"""Agreement among respondents: Krippendorff's ordinal alpha per group or workshop table.

:func:`agreement` treats respondents as raters and goals as units. With whole-number
ratings, one per respondent and goal, alpha follows from a goals x ratings count table
(:func:`_agreement_tables`); otherwise from the respondents x goals matrix
(:func:`_wide_ratings`), as :func:`pra_lib.stats.krippendorff_alpha` takes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..assessment import crf
from ..publishing.i18n import cell_label
from ..stats import krippendorff_alpha
from ..stats._base import _warn as _stats_warn
from ..stats.agreement import _alpha_from_table
from ..stats.ratings import _DENSE, _pairs_unique, _Ratings, _sorted_rank, _take
from ._common import (
    ALL,
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    _as_list,
    _category_order,
    _insert_labels,
    _labels_for,
    _respondent_level,
    _round,
    _sort,
    _warn,
)


def agreement(data: pd.DataFrame, *, by: str | None = "stakeholder_group", overall: bool = True) -> pd.DataFrame:
    """Krippendorff's ordinal alpha: how far respondents agree on the goals' ratings.

    Raters are respondents and units are goals, so alpha measures whether the people
    of a group (or at a workshop table) see the same goals as strong and weak.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect.
    by : str or None
        Compute alpha within each value of this column (``"stakeholder_group"``,
        ``"workshop_table"``); ``None`` for all respondents only.
    overall : bool
        Add a row for all respondents together (``by`` value ``"(all)"``).

    Returns
    -------
    pandas.DataFrame
        The ``by`` column (with its label), ``alpha`` (Krippendorff's alpha with the
        ordinal, rank-based metric; NaN with a warning for one rater or identical
        ratings), ``n`` (raters with at least one rating), ``n_goals`` (goals
        rated by at least two of them), ``n_ratings``, ``interpretation``
        (``reliable`` >= 0.800, ``tentative`` >= 0.667, else ``low``; Krippendorff
        2004) and ``method``.

    Examples
    --------
    >>> agreement(w, by="workshop_table")  # doctest: +SKIP
    """
    by_cols = _as_list(by)
    resp = _respondent_level(data, "goal", by_cols, "agreement")
    rated = ~np.isnan(resp.rating)
    cells: list[tuple[Any, np.ndarray]] = []
    if by:
        codes, uniques = resp.keys[by]
        seen = pd.unique(codes[rated])  # in order of first appearance, as Series.unique
        values = _sort(pd.DataFrame({by: _take(uniques, seen)}), [by], _category_order(data))[by]
        cells += [(v, rated & (codes == uniques.get_indexer([v])[0])) for v in values]
    if overall or not by:
        cells.append((ALL, rated))
    goal_column = pd.Index(list(crf.GOAL_IDS)).get_indexer(resp.uniques("goal_id").to_numpy())
    category = resp.category()
    tables = _agreement_tables(resp, by, rated, category, goal_column) if category is not None and by not in ("respondent_id", "goal_id") else {}
    rank = None
    rows = []
    for value, mask in cells:
        if value in tables and (value is not ALL or resp.unique_pairs):
            # Whole-number ratings, one per respondent and goal: alpha follows from the
            # goals x ratings count table, exactly as krippendorff_alpha(wide) computes it.
            n_raters, table = tables[value]
            if not n_raters:
                alpha = np.nan
            elif n_raters < 2:
                _stats_warn(f"krippendorff_alpha: needs at least two raters, got {n_raters}; returning NaN", 2)
                alpha = float("nan")
            else:
                alpha = _alpha_from_table(table, np.arange(1.0, 6.0), level="ordinal", stacklevel=3)
            per_goal = table.sum(axis=1)
        else:
            if rank is None:  # rows in the sorted order of pivot_table, so sums round the same way
                rank = _sorted_rank(resp.uniques("respondent_id"))
            wide = _wide_ratings(resp, mask, rank, goal_column)
            n_raters = len(wide)
            alpha = krippendorff_alpha(wide, level="ordinal") if n_raters else np.nan
            per_goal = (~np.isnan(wide)).sum(axis=0)
        if not n_raters:
            _warn(f"agreement: nobody rated in {by}={value!r}; alpha is NaN")
        rows.append({"_value": value, "alpha": alpha, "n": int(n_raters), "n_goals": int((per_goal >= 2).sum()), "n_ratings": int(per_goal.sum())})
    out = pd.DataFrame(rows, columns=["_value", "alpha", "n", "n_goals", "n_ratings"])
    out = out.rename(columns={"_value": by or "group"})
    out["interpretation"] = np.select(
        [out["alpha"] >= ALPHA_RELIABLE, out["alpha"] >= ALPHA_TENTATIVE, out["alpha"].notna()], ["reliable", "tentative", "low"], default="not available"
    )
    out["method"] = cell_label("perception.agreement_method")
    labels = _labels_for(data, by_cols)
    if by in labels:
        labels[by][1][ALL] = cell_label("perception.all_respondents")  # figures translate
    return _round(_insert_labels(out, labels))


def _agreement_tables(resp: _Ratings, by: str | None, rated: np.ndarray, category: np.ndarray, goal_column: np.ndarray) -> dict[Any, tuple[int, np.ndarray]]:
    """Raters and the goals x ratings (1-5) count table of each group and of everyone.

    Raters are the respondents with a rating for some goal, as the rows of the
    ``pivot_table`` the row-by-row code built.
    """
    rc, gc = resp.codes("respondent_id"), resp.codes("goal_id")
    n_ids, width = max(len(resp.uniques("respondent_id")), 1), len(crf.GOAL_IDS)
    n_groups = len(resp.uniques(by)) if by else 1
    group = resp.codes(by) if by else np.zeros(len(resp), dtype=np.int8)
    ids_ok = not (rc.size and (rc.min() < 0 or gc.min() < 0))
    column = gc if np.array_equal(goal_column, np.arange(goal_column.size)) else goal_column[gc]
    # one count table over (group, goal, answer category); categories 5-6 are not ratings
    entry = group.astype(np.int64)
    entry *= width + 1
    entry += column
    entry += 1  # slot 0 of each group takes the goals outside the CRF (column -1), dropped below
    entry *= 7
    entry += category
    if not ids_ok:
        entry[(rc < 0) | (gc < 0)] = n_groups * (width + 1) * 7
    counts = np.bincount(entry, minlength=n_groups * (width + 1) * 7 + 1)[: n_groups * (width + 1) * 7]
    counts = counts.reshape(n_groups, width + 1, 7)[:, 1:, :5]
    # raters: distinct (respondent, group) pairs among the rated rows with ids
    pair = rc.astype(np.int64)
    pair *= n_groups
    pair += group
    valid = rated if ids_ok else rated & (rc >= 0) & (gc >= 0)
    if n_ids * n_groups <= _DENSE:
        seen = np.bincount(pair[valid], minlength=n_ids * n_groups).reshape(n_ids, n_groups) > 0
        everyone, raters = int(np.count_nonzero(seen.any(axis=1))), seen.sum(axis=0)
    else:
        pairs = np.unique(pair[valid])
        everyone, raters = int(np.unique(pairs // n_groups).size), np.bincount(pairs % n_groups, minlength=n_groups)
    out = {ALL: (everyone, counts.sum(axis=0))}
    if by:
        out.update({value: (int(raters[code]), counts[code]) for code, value in enumerate(resp.uniques(by).to_numpy())})
    return out


def _wide_ratings(resp: _Ratings, mask: np.ndarray, rank: np.ndarray, goal_column: np.ndarray) -> np.ndarray:
    """Respondents x goals matrix of the rows in ``mask`` (as ``pivot_table``, mean per cell).

    Rows are the respondents with a rating, ordered by ``rank`` of their id code; columns
    are the 12 goals in CRF order (other goal ids are dropped, as by ``reindex``).
    """
    rc, gc = resp.codes("respondent_id"), resp.codes("goal_id")
    rating = resp.rating
    keep = mask & (rc >= 0) & (gc >= 0)  # pivot_table leaves out missing ids
    if not keep.all():
        rc, gc, rating = rc[keep], gc[keep], rating[keep]
    present = np.zeros(rank.size, dtype=bool)
    present[rank[rc]] = True
    row = (np.cumsum(present) - 1)[rank[rc]]
    n_rows, n_goals = int(present.sum()), len(resp.uniques("goal_id"))
    if not _pairs_unique(row, n_rows, gc, n_goals):
        means = pd.DataFrame({"row": row, "goal": gc, "rating": rating}).groupby(["row", "goal"], sort=False)["rating"].mean()
        row, gc = means.index.get_level_values(0).to_numpy(), means.index.get_level_values(1).to_numpy()
        rating = means.to_numpy()
    width = len(crf.GOAL_IDS)
    wide = np.full(n_rows * width, np.nan)
    column = goal_column[gc]
    known = column >= 0
    wide[row[known] * width + column[known]] = rating[known]
    return wide.reshape(n_rows, width)
