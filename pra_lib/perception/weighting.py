"""Weighted estimates for the questionnaire: unweighted and weighted goal means side by side.

The weights themselves (raking, post-stratification, margins, Kish's design effect) are
statistics core, in :mod:`pra_lib.stats.weights`; :func:`weighted_comparison` runs
:func:`pra_lib.perception.scores` with and without them on the same respondents.
:func:`weighting_cells` weights the categories a report hides as one cell, so that no
weight, weighted mean or effective sample size gives a hidden category back, and
:func:`rows_weighted_apart` hides a goal's comparison where its hidden cells still weigh
differently.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..publishing.disclosure_linked import rows_of_hidden_lines
from ..publishing.disclosure_plan import CITYWIDE
from ..stats.ratings import _DENSE, _factor
from ..stats.weights import WEIGHT, add_weights, design_effect, margin_table, survey_weights
from ._common import _UNIT, _check_level, _round, _sort, _unit_table
from .scoring import scores


#: The weighting cell that pools the categories a weighting margin hides (:func:`weighting_cells`).
POOLED = "(hidden categories)"
#: The category of a weighting margin (margin_table) for respondents without a value: they get
#: no weight, unless the margin hides them (they then weigh in :data:`POOLED`).
NO_VALUE = "(no value)"


class WeightingCells(NamedTuple):
    """Respondents and population margins with each margin's hidden categories in one cell."""

    respondents: pd.DataFrame
    margins: dict
    pooled: dict


def weighting_cells(data: pd.DataFrame, *, margins: Mapping[str, Any], published: pd.DataFrame | None = None) -> WeightingCells:
    """Weighting cells on the published partition: the categories a margin hides weigh as one cell.

    A weight is a population share over a sample share. Where the weighting margins hide
    some categories (a small area and its companions under ``--small-categories
    suppress``; the people with no value, such as city-wide roles, and the area hidden
    with them under either policy), only their total is public; weighting them apart
    would give each its own weight, and a weighted mean is then a second, differently
    weighted sum of the same hidden cells, which with the published total gives each one
    back (Kish's effective sample size does the same for their numbers of respondents).
    So they are collapsed into one weighting cell (:data:`POOLED`), as survey
    statisticians collapse weighting cells with few respondents (Kalton &
    Flores-Cervantes 2003, "Weighting methods", Journal of Official Statistics 19),
    whose target is the sum of their populations. People with no value in the margin,
    when it hides them, weigh as the hidden categories do instead of getting no weight,
    so that the weighted estimates rest on the same respondents as the unweighted ones.
    Every weight then depends on published counts only. ``--small-categories merge``
    does the same before any analysis; the margins table still lists the categories as
    collected.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`pra_lib.stats.weights.respondents`: one row per respondent.
    margins : mapping
        ``{column: {category: population count or share}}``
        (:func:`pra_lib.stats.weights.margins_from_metadata`).
    published : pandas.DataFrame, optional
        The weighting margins as they are published (:meth:`pra_lib.publishing.report.Report.protect`
        of :func:`pra_lib.stats.weights.margin_table`), with ``variable``, ``category`` and
        ``suppressed``. Which rows it hides depends on their counts only, not on the
        weights, so provisional weights will do. Without it nothing is pooled.

    Returns
    -------
    WeightingCells
        ``respondents`` (a copy of ``data`` with the hidden categories, and the people
        with no value where the margin hides them, recoded to :data:`POOLED`), ``margins``
        (the hidden categories' populations summed into :data:`POOLED`) and ``pooled``
        (``{column: [categories pooled]}``, empty when nothing is hidden). Pass the first
        two to :func:`pra_lib.stats.weights.survey_weights`; ``data`` is not modified.

    Examples
    --------
    >>> people = pd.DataFrame({"respondent_id": list("abcde"), "area": ["n", "n", "s", "i", None]})
    >>> shown = pd.DataFrame({"variable": ["area"] * 4, "category": ["n", "s", "i", NO_VALUE], "suppressed": [False, True, True, True]})
    >>> cells = weighting_cells(people, margins={"area": {"n": 5, "s": 3, "i": 2}}, published=shown)
    >>> cells.respondents["area"].tolist(), cells.margins
    (['n', 'n', '(hidden categories)', '(hidden categories)', '(hidden categories)'], {'area': {'n': 5, '(hidden categories)': 5.0}})
    """
    out_margins = {str(col): dict(spec) for col, spec in margins.items()}
    pooled: dict = {}
    if published is None or published.empty:
        return WeightingCells(data, out_margins, pooled)
    missing = [c for c in ("variable", "category", "suppressed") if c not in published]
    if missing:
        raise KeyError(f"weighting_cells: columns {missing} are missing from the published margins "
                       f"(columns: {', '.join(map(str, published.columns))})")
    hidden_rows = published["suppressed"].astype(object).map(lambda v: str(v).strip().lower() in ("true", "1")).to_numpy(dtype=bool)
    people = data
    for col, spec in out_margins.items():
        hidden = sorted({str(c) for c in published.loc[hidden_rows & published["variable"].astype(str).eq(col).to_numpy(), "category"]})
        if col not in data or not hidden:
            continue
        if people is data:
            people = data.copy()
        values = people[col].astype(object)
        missing_value = values.isna().to_numpy()
        inside = values.map(str).isin(hidden).to_numpy() & ~missing_value
        if NO_VALUE in hidden:
            inside |= missing_value  # people with no value weigh with the categories hidden with them
        people[col] = values.mask(inside, POOLED)
        out_margins[col] = {c: v for c, v in spec.items() if str(c) not in hidden} | {POOLED: float(sum(float(v) for c, v in spec.items() if str(c) in hidden))}
        pooled[col] = hidden
    return WeightingCells(people, out_margins, pooled)


def provisional_margins(data: pd.DataFrame, *, margins: Mapping[str, Any]) -> pd.DataFrame:
    """The weighting margins table with each category weighted on its own, to learn what it hides.

    Which rows the margins table hides depends on its counts only; publish this with
    :meth:`pra_lib.publishing.report.Report.protect` (a dry run) and pass the result to
    :func:`weighting_cells`. Its weights are not used otherwise, so their warnings are
    left to the final weights.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`pra_lib.stats.weights.respondents`.
    margins : mapping
        The population margins.

    Returns
    -------
    pandas.DataFrame
        :func:`pra_lib.stats.weights.margin_table` of :func:`pra_lib.stats.weights.survey_weights`.

    Examples
    --------
    >>> would_hide = report.protect(provisional_margins(people, margins=m), "weighting_margins", dims=["method", "variable", "category"])  # doctest: +SKIP
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the final weights warn about the same respondents
        first = survey_weights(data, margins=margins)
    return margin_table(data, first, margins=margins)


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


def rows_weighted_apart(data: pd.DataFrame, *, published: pd.DataFrame, people: pd.DataFrame, weights: pd.Series, by: str = "area") -> np.ndarray:
    """Rows of the weighted comparison to hide: a goal whose cells by ``by`` are hidden with different weights.

    :func:`weighting_cells` puts the categories the weighting margins hide in one cell. A
    table by ``by`` may hide more for one goal (a category with fewer raters of the goal
    than respondents, or whose answers are withheld). If the hidden cells of a goal weigh
    differently (or some get no weight), its weighted mean, shares and effective sample
    size are sums of those cells' answers and sizes with different coefficients, which
    with the goal's published totals give each one back; and its comparison's ``n`` leaves
    out the unweighted ones. Such a goal's comparison rows are hidden whole.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`weighted_comparison`, with ``goal_id`` (or ``dimension_id``).
    published : pandas.DataFrame
        The scores by ``by`` as published (``suppressed``, ``answers_withheld``).
    people : pandas.DataFrame
        The respondents as collected (:func:`pra_lib.stats.weights.respondents`), with ``by``.
    weights : pandas.Series
        The weights of :func:`weighted_comparison`, indexed by ``respondent_id``.
    by : str
        The breakdown; people with no value are its :data:`pra_lib.publishing.disclosure.CITYWIDE` row.

    Returns
    -------
    numpy.ndarray of bool
        One per row of ``data``: pass it as ``hidden_with``.

    Examples
    --------
    >>> people = pd.DataFrame({"respondent_id": list("abc"), "area": ["n", "s", "i"]})
    >>> shown = pd.DataFrame({"goal_id": "G01", "area": ["n", "s", "i"], "suppressed": [False, True, True]})
    >>> rows_weighted_apart(pd.DataFrame({"goal_id": ["G01"] * 2}), published=shown, people=people, weights=pd.Series([1.0, 0.5, 2.0], index=list("abc"))).tolist()
    [True, True]
    """
    unit = next((c for c in ("goal_id", "dimension_id") if c in data and c in published), None)
    if unit is None or by not in published or by not in people:
        raise KeyError(f"rows_weighted_apart: data and published need a goal_id (or dimension_id) column and published and people a {by!r} column")

    def flag(column):
        if column not in published:
            return np.zeros(len(published), dtype=bool)
        return published[column].astype(object).map(lambda v: str(v).strip().lower() in ("true", "1")).to_numpy(dtype=bool)

    hidden = flag("suppressed") | flag("answers_withheld")
    if not hidden.any():
        return np.zeros(len(data), dtype=bool)
    category = people[by].astype(object).map(lambda v: CITYWIDE if pd.isna(v) else str(v))
    w = people["respondent_id"].map(pd.Series(weights)).to_numpy(dtype=float)
    # Each category's distinct weights, NaN (no weight) as a weight of its own.
    kinds = pd.Series(np.where(np.isnan(w), "none", np.round(w, 12).astype(str))).groupby(category.to_numpy()).agg(lambda v: set(v))
    apart = set()
    for goal, part in published.loc[hidden].groupby(unit, sort=False):
        seen = set().union(*(kinds.get(str(c), set()) for c in part[by]))
        if len(seen) > 1:
            apart.add(goal)
    return data[unit].isin(apart).to_numpy(dtype=bool)


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




def rows_hidden_with_unweighted(design: pd.DataFrame, *, margins: pd.DataFrame, weights: pd.Series | None = None) -> np.ndarray:
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
    weights : pandas.Series, optional
        The weights the design effect describes. When every respondent has one (people
        with no value weigh in a pooled cell, :func:`weighting_cells`), the design
        effect's ``n`` is the margin's total and gives no row back: nothing is hidden.

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
    if weights is not None and len(weights) and not pd.Series(weights).isna().any():
        return np.zeros(len(design), dtype=bool)
    without_value = margins[margins["category"].astype(object).eq(NO_VALUE)]
    return rows_of_hidden_lines(design, published=margins, dims=["method", "variable", "category"], parts=without_value, on={"method": "method"})
