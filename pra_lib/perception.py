"""Stakeholder perceptions of the 12 City Resilience Framework (CRF) goals.

This module analyses the perception evidence of a Preliminary Resilience Assessment
(PRA): questionnaires (online and offline), key-stakeholder interviews and the City
Perception Workshop.

Every analysis of ratings takes the same input, the tidy frame returned by
:func:`ratings_frame` (one row per respondent, goal or indicator, and aspect), and
returns a tidy :class:`pandas.DataFrame` with stable column names.  Tables that count
people carry an ``n`` column, so that :meth:`pra_lib.publishing.report.Report.table` can suppress
cells resting on fewer than ``min_cell_size`` respondents; the figures draw suppressed
cells as *suppressed*.

Methods (see also the method brief, sections 4 and 5)
-----------------------------------------------------
* "Don't know" (*tidak tahu*) is missing, never a middle value.  Its share is shown
  separately and is not in the denominator of the other shares.
* A respondent who rated several indicators of a goal counts once for that goal, with
  the mean of those ratings.  At dimension level, a respondent's goal ratings within the
  dimension are averaged first (each goal weighs the same), then summarised.
* Means carry a bootstrap confidence interval (:func:`pra_lib.stats.bootstrap_ci`,
  multinomial bootstrap over respondents).
* Group differences: Kruskal-Wallis H per goal (tie-corrected) with both effect sizes,
  epsilon-squared ``H / (n - 1)`` and eta-squared_H ``(H - k + 1) / (n - k)``; p-values
  adjusted across the goals (Holm by default, Benjamini-Hochberg on request).  Post-hoc:
  Dunn's z-tests, adjusted across the pairs of each goal.
* Mode effect: Mann-Whitney U (online sample first, tie- and continuity-corrected) with
  the rank-biserial correlation, p adjusted across goals.
* Agreement: Krippendorff's alpha with Krippendorff's *ordinal* (rank-based) metric;
  raters are respondents, units are goals.
* Interviews: quotes are only ever attributed to a stakeholder group, never to a
  respondent id or a person.

Large surveys
-------------
The analyses of ratings work on integer codes: categorical columns (ids, goals, groups)
are used through their codes, ratings are tabulated per cell with ``np.bincount`` and
bootstrapped from the counts (:func:`pra_lib.stats.bootstrap_ci`'s own resampling, so
the intervals are the same). A frame in compact dtypes (``Int8`` ratings, categorical
ids and groups) of 1 000 000 respondents x 12 goals is analysed in a few seconds and
well under 2 GiB; ``benchmarks/`` measures it. Results are identical to those of the
row-by-row pandas implementation this replaced.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .assessment import crf

from .stats import core as stats
from .publishing.disclosure import DEFAULT_MIN_CELL_SIZE, SUPPRESSED
from .publishing.i18n import dimension_label, goal_label, pick_all, plural, term
from .publishing.i18n import t as tr  # t names tables in this module
from .overview import group_labels
from .assessment.scales import DEFAULT_SCALES

__all__ = [
    "agreement",
    "agreement_plot",
    "code_bars",
    "code_cooccurrence",
    "cooccurrence_heatmap",
    "findings_interviews",
    "findings_questionnaire",
    "findings_workshop",
    "group_differences",
    "importance_performance",
    "importance_performance_plot",
    "interview_codes",
    "interview_summary",
    "likert_bars",
    "likert_counts",
    "mode_effect",
    "posthoc",
    "ratings_frame",
    "resilience_wheel",
    "respondents",
    "score_heatmap",
    "scores",
    "top_weaknesses",
]

LEVELS = ("goal", "dimension")
_UNIT = {"goal": "goal_id", "dimension": "dimension_id"}
_UNIT_LABEL = {"goal": "goal_label", "dimension": "dimension_label"}
# Label columns that travel with a grouping column into the result tables.
_LABEL_OF = {"stakeholder_group": "group_label", "area": "area_name"}
_P_ADJUST = {"holm": "holm", "bh": "fdr_bh", "fdr_bh": "fdr_bh", "bonferroni": "bonferroni", "none": "none"}
_P_ADJUST_NAME = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonferroni": "Bonferroni", "none": "no adjustment"}
POSITIVE_MIN = 4  # ratings 4-5 are positive
NEGATIVE_MAX = 2  # ratings 1-2 are negative
CITY_WIDE = "(city-wide)"
ALL = "(all)"
DONT_KNOW = "dont_know"
# Krippendorff (2004, p. 241): rely on alpha >= 0.800, tentative conclusions from 0.667.
ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667
QUADRANTS = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    return level


def _check_p_adjust(p_adjust: str) -> str:
    if p_adjust not in _P_ADJUST:
        raise ValueError(f"p_adjust must be one of {sorted(_P_ADJUST)}, not {p_adjust!r}")
    return _P_ADJUST[p_adjust]


def _require(data: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{func}: data must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{func}: column(s) {missing} not in data (columns: {', '.join(map(str, data.columns))})")


def _num(series: pd.Series) -> pd.Series:
    """Numbers of a possibly published column: 'suppressed' becomes NaN."""
    return pd.to_numeric(series.where(series.astype(object) != SUPPRESSED), errors="coerce")


def _goal_table() -> pd.DataFrame:
    g = crf.goals()
    return pd.DataFrame(
        {
            "goal_id": g["goal_id"],
            "goal_number": g["goal_number"].astype(int),
            "goal_label": [goal_label(x) for x in g["goal_id"]],
            "dimension_id": g["dimension_id"],
            "dimension_label": [dimension_label(x) for x in g["dimension_id"]],
        }
    )


def _unit_table(level: str) -> pd.DataFrame:
    goals = _goal_table()
    if level == "goal":
        return goals[["goal_id", "goal_label", "dimension_id", "dimension_label"]]
    return goals[["dimension_id", "dimension_label"]].drop_duplicates().reset_index(drop=True)


def _order_key(column: str, order: dict[str, list]) -> Any:
    if column == "goal_id":
        known = list(crf.GOAL_IDS)
    elif column == "dimension_id":
        known = list(crf.DIMENSION_IDS)
    else:
        known = list(order.get(column, []))
    rank = {v: i for i, v in enumerate(known)}

    def key(s: pd.Series) -> pd.Series:
        # Known values in their metadata order, then the rest alphabetically.
        pos = s.map(rank)
        unknown = sorted(set(s[pos.isna()].astype(str)))
        extra = {v: len(known) + i for i, v in enumerate(unknown)}
        return pos.fillna(s.astype(str).map(extra)).astype(float)

    return key


def _sort(frame: pd.DataFrame, columns: list[str], order: dict[str, list]) -> pd.DataFrame:
    if frame.empty or not columns:
        return frame.reset_index(drop=True)
    keys = {c: _order_key(c, order) for c in columns}
    return frame.sort_values(columns, key=lambda s: keys[s.name](s), kind="stable").reset_index(drop=True)


def _category_order(data: pd.DataFrame) -> dict[str, list]:
    return dict(data.attrs.get("category_order", {}))


def _labels_for(data: pd.DataFrame, by: list[str]) -> dict[str, tuple[str, dict]]:
    """Label column and value -> label map of each grouping column that has one."""
    out = {}
    for col in by:
        label = _LABEL_OF.get(col)
        if label and label in data.columns:
            if isinstance(data[col].dtype, pd.CategoricalDtype) and isinstance(data[label].dtype, pd.CategoricalDtype):
                # The first label seen with each value, from the category codes (no copy of the rows).
                vc, vu = _factor(data[col])
                lc, lu = _factor(data[label])
                both = (vc >= 0) & (lc >= 0)
                pairs = _first_appearance(vc[both].astype(np.int64) * len(lu) + lc[both])
                first_v, first_at = np.unique(pairs // len(lu), return_index=True)
                out[col] = (label, dict(zip(_take(vu, first_v), _take(lu, pairs[first_at] % len(lu)))))
                continue
            pairs = data[[col, label]].dropna().drop_duplicates(col)
            out[col] = (label, dict(zip(pairs[col], pairs[label])))
    return out


def _insert_labels(frame: pd.DataFrame, labels: dict[str, tuple[str, dict]]) -> pd.DataFrame:
    for col, (label, mapping) in labels.items():
        if col in frame.columns:
            frame.insert(frame.columns.get_loc(col) + 1, label, frame[col].map(mapping).fillna(frame[col]))
    return frame


def _drop_missing_groups(data: pd.DataFrame, by: list[str], func: str) -> pd.DataFrame:
    if not by:
        return data
    missing = data[by].isna().any(axis=1)
    if missing.any():
        _warn(f"{func}: {int(missing.sum())} row(s) have no value in {by} and are left out")
        data = data[~missing]
    return data


def _factor(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 = missing) and the distinct values of a column.

    A categorical column gives its codes as they are (no copy, no hashing), so analyses of
    a compact frame (categorical ids and groups) never touch the strings row by row.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, pd.Index(uniques)


def _take(uniques: pd.Index, codes: np.ndarray) -> np.ndarray:
    """The values of ``codes`` (-1 gives a missing value), as a plain array.

    These are the values the row-by-row code saw (``column.to_numpy()``), so tables built
    from them have the same dtypes.
    """
    return uniques.take(np.asarray(codes, dtype=np.intp), allow_fill=True, fill_value=None).to_numpy()


def _sorted_rank(uniques: pd.Index) -> np.ndarray:
    """Position of each distinct value in sorted order (as ``pd.factorize(..., sort=True)``)."""
    plain = pd.Series(uniques.to_numpy())
    if plain.is_monotonic_increasing:  # e.g. ids that are already in order
        return np.arange(len(plain))
    rank, _ = pd.factorize(plain, sort=True)
    return rank


def _mixed_key(codes: list[np.ndarray], sizes: list[int]) -> np.ndarray | None:
    """One int64 key per row for a tuple of codes (-1 allowed); ``None`` if it would overflow."""
    if float(np.prod([s + 1.0 for s in sizes])) > 2.0**62:
        return None
    key = codes[0].astype(np.int64) + 1
    for c, s in zip(codes[1:], sizes[1:]):
        key *= s + 1
        key += c
        key += 1
    return key


def _split_key(key: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    """Inverse of :func:`_mixed_key`."""
    out = []
    rest = np.asarray(key, dtype=np.int64)
    for s in reversed(sizes):
        out.append(rest % (s + 1) - 1)
        rest = rest // (s + 1)
    return out[::-1]


def _first_appearance(key: np.ndarray) -> np.ndarray:
    """Distinct values of an int64 array in order of first appearance (as ``pd.unique``).

    Every group usually shows up within the first rows, so a short prefix is tried first
    and checked against the number of distinct values.
    """
    if key.size <= 65_536 or key.min() < 0:
        return pd.unique(key)
    size = int(key.max()) + 1
    if size > _DENSE:
        return pd.unique(key)
    n_distinct = int(np.count_nonzero(np.bincount(key, minlength=size)))
    prefix = 4096
    while prefix < key.size:
        seen = pd.unique(key[:prefix])
        if seen.size == n_distinct:
            return seen
        prefix *= 16
    return pd.unique(key)


def _pairs_unique(a: np.ndarray, a_size: int, b: np.ndarray, b_size: int) -> bool:
    """Whether no (a, b) code pair occurs twice (-1 counts as a value)."""
    if a.size < 2:
        return True
    if (a_size + 1) * (b_size + 1) < 2**31:  # half the memory traffic of int64
        key = a.astype(np.int32)
        key += 1
        key *= b_size + 1
        key += b
        key += 1
    else:
        key = _mixed_key([a, b], [a_size, b_size])
    if key is None:
        return not pd.DataFrame({"a": a, "b": b}).duplicated().any()
    if (key[1:] > key[:-1]).all():  # ratings_frame sorts by respondent, then goal
        return True
    size = (a_size + 1) * (b_size + 1)
    if size <= _DENSE:
        return int(np.bincount(key, minlength=size).max()) <= 1
    return np.unique(key).size == key.size


_DENSE = 50_000_000  # largest dense count table (cells)


class _Ratings:
    """Respondent-level ratings held as arrays, with the key columns as integer codes.

    ``keys`` maps each key column (``respondent_id``, the unit ``goal_id`` or
    ``dimension_id``, the grouping columns) to ``(codes, uniques)``. ``rating`` is float
    (NaN = no rating), ``dont_know`` bool and ``weight`` float or None. Rows are in the
    order the former pandas implementation produced (input order, or the order of first
    appearance after averaging several indicator ratings), so every sum is taken in the
    same order and the results are identical.
    """

    def __init__(self, keys: dict[str, tuple[np.ndarray, pd.Index]], unit: str, rating: np.ndarray, dont_know: np.ndarray, weight: np.ndarray | None,
                 *, whole: bool = False, unique_pairs: bool = False):
        self.keys, self.unit, self.rating, self.dont_know, self.weight = keys, unit, rating, dont_know, weight
        self.whole = whole  # every rating is known to be a whole number
        self.unique_pairs = unique_pairs  # every (respondent, unit) pair occurs once

    def __len__(self) -> int:
        return self.rating.size

    def codes(self, column: str) -> np.ndarray:
        return self.keys[column][0]

    def uniques(self, column: str) -> pd.Index:
        return self.keys[column][1]

    def subset(self, mask: np.ndarray) -> "_Ratings":
        keys = {c: (codes[mask], u) for c, (codes, u) in self.keys.items()}
        weight = None if self.weight is None else self.weight[mask]
        return _Ratings(keys, self.unit, self.rating[mask], self.dont_know[mask], weight, whole=self.whole, unique_pairs=self.unique_pairs)

    def cells(self, columns: list[str], *, sort: bool = False) -> tuple[np.ndarray, list[int], list[np.ndarray]]:
        """Cell number of every row over ``columns`` (-1 if a value is missing).

        With ``sort=True`` the codes are ranked first, so cells number in sorted order of
        the value tuples (the order :func:`pra_lib.stats.bootstrap_ci` processes groups).
        Returns the cell numbers, the sizes and, per column, the code of each rank.
        """
        codes, sizes, code_of, complete = [], [], [], True
        for col in columns:
            c, u = self.keys[col]
            complete = complete and not (c.size and c.min() < 0)
            rank = _sorted_rank(u) if sort else np.arange(len(u))
            if not np.array_equal(rank, np.arange(len(u))):
                inverse = np.empty_like(rank)
                inverse[rank] = np.arange(rank.size)
                small = rank.astype(np.int32 if rank.size >= 2**15 else np.int16)  # narrow gathers
                c = small[c] if complete else np.where(c >= 0, small[np.maximum(c, 0)], -1)
                code_of.append(inverse)
            else:
                code_of.append(rank)
            codes.append(c)
            sizes.append(len(u))
        if not columns:
            return np.zeros(len(self), dtype=np.int64), [], []
        if float(np.prod(sizes, dtype=float)) > 2.0**62:
            raise ValueError("too many combinations of grouping values")
        cell = codes[0].astype(np.int64)
        for c, s in zip(codes[1:], sizes[1:]):
            cell *= s
            cell += c
        if not complete:
            valid = codes[0] >= 0
            for c in codes[1:]:
                valid &= c >= 0
            cell[~valid] = -1
        return cell, sizes, code_of

    def category(self) -> np.ndarray | None:
        """Answer category of every row: 0-4 = rating 1-5, 5 = "don't know", 6 = none.

        ``None`` when some rating is not a whole number (an average of indicators).
        """
        missing = np.isnan(self.rating)
        with np.errstate(invalid="ignore"):  # NaN casts to an arbitrary code, replaced below
            category = self.rating.astype(np.int8)
        if not self.whole and not np.array_equal(category[~missing], self.rating[~missing]):
            return None
        category -= 1
        category[missing] = 6
        category[self.dont_know] = 5  # "don't know" rows have no rating
        return category

    def frame(self, columns: list[str], cell_ids: np.ndarray, sizes: list[int], code_of: list[np.ndarray]) -> pd.DataFrame:
        """The values of ``columns`` for the cells ``cell_ids``, as a small frame."""
        rest = np.asarray(cell_ids, dtype=np.int64)
        parts = {}
        for col, size, inverse in reversed(list(zip(columns, sizes, code_of))):
            parts[col] = _take(self.keys[col][1], inverse[rest % size]) if size else np.empty(0, dtype=object)
            rest = rest // max(size, 1)
        return pd.DataFrame({col: parts[col] for col in columns})

    def combos(self, columns: list[str], mask: np.ndarray | None = None) -> pd.DataFrame:
        """Distinct value tuples of ``columns`` (in the rows of ``mask``) in order of first appearance."""
        codes = [self.codes(c) if mask is None else self.codes(c)[mask] for c in columns]
        key = _mixed_key(codes, [len(self.uniques(c)) for c in columns])
        if key is None:
            raw = pd.DataFrame(dict(zip(columns, codes))).drop_duplicates()
            code_cols = [raw[c].to_numpy() for c in columns]
        else:
            code_cols = _split_key(_first_appearance(key), [len(self.uniques(c)) for c in columns])
        return pd.DataFrame({c: _take(self.uniques(c), k) for c, k in zip(columns, code_cols)})


def _nunique(series: pd.Series) -> int:
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        if codes.size and codes.min() == codes.max():
            return int(codes[0] >= 0)
        codes = codes[codes >= 0] if codes.size and codes.min() < 0 else codes
        return int(np.count_nonzero(np.bincount(codes))) if codes.size else 0
    return int(series.nunique())


def _respondent_level(data: pd.DataFrame, level: str, by: list[str], func: str, weights: str | None = None) -> _Ratings:
    """One row per respondent and goal (or dimension): ``rating`` and ``dont_know``.

    Several indicator ratings of a goal are averaged into the goal rating; at dimension
    level the goal ratings are then averaged within the dimension, so each goal weighs
    the same. A respondent is "don't know" for a unit when they gave no rating there but
    at least one "don't know" answer.

    When every respondent rated every goal at most once (the usual questionnaire), the
    rows are already respondent-level and nothing is grouped or copied; ids and groups
    stay integer codes (free for categorical columns), which keeps a 12-million-row
    frame fast and small.
    """
    _check_level(level)
    extra = [weights] if weights else []
    _require(data, ["respondent_id", "goal_id", "rating", *by, *extra], func)
    if "aspect" in data.columns and "aspect" not in by and _nunique(data["aspect"]) > 1:
        raise ValueError(
            f"{func}: data holds ratings of several aspects ({sorted(data['aspect'].dropna().unique())}); "
            "pass the ratings of one aspect (ratings_frame(..., aspect='performance')) or group by 'aspect'"
        )
    frame = _drop_missing_groups(data, by, func)
    column = frame["rating"]
    whole = pd.api.types.is_integer_dtype(column.dtype)  # Int8 Likert codes: whole numbers
    if whole or pd.api.types.is_float_dtype(column.dtype):
        rating = column.to_numpy(dtype=float, na_value=np.nan)  # one pass, NA -> NaN
    else:
        rating = pd.to_numeric(column, errors="coerce").astype(float).to_numpy()
    lo, hi = (np.fmin.reduce(rating), np.fmax.reduce(rating)) if rating.size else (np.nan, np.nan)  # NaN-skipping
    if not (np.isnan(lo) or (1 <= lo and hi <= 5)):  # else the range alone proves every rating valid
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(rating) & ~((rating >= 1) & (rating <= 5))
        if bad.any():
            raise ValueError(f"{func}: ratings must lie on the 1-5 scale; found {sorted(pd.unique(rating[bad]))[:5]}")
    dont_know = frame["dont_know"].fillna(False).astype(bool).to_numpy() if "dont_know" in frame.columns else np.zeros(len(frame), dtype=bool)
    weight = np.asarray(frame[weights].to_numpy(), dtype=float) if weights else None
    key_cols = list(dict.fromkeys(["respondent_id", "goal_id", *[c for c in by if c not in ("goal_id", "dimension_id")]]))
    keys = {c: _factor(frame[c]) for c in key_cols}
    (rc, ru), (gc, gu) = keys["respondent_id"], keys["goal_id"]
    unique_pairs = _pairs_unique(rc, len(ru), gc, len(gu))
    if not unique_pairs:
        keys, rating, dont_know, weight = _average(keys, key_cols, rating, dont_know, weight, whole)
        whole, unique_pairs = False, len(key_cols) == 2
    if level == "dimension":
        goals = _goal_table()
        dim_of = dict(zip(goals["goal_id"], goals["dimension_id"]))
        gc, gu = keys.pop("goal_id")
        dim_codes, dim_uniques = pd.factorize(pd.Series([dim_of.get(g) for g in gu.to_numpy()], dtype=object), use_na_sentinel=True)
        dc = np.append(dim_codes, -1)[gc]  # code -1 (no goal) picks the appended -1
        key_cols = [c if c != "goal_id" else "dimension_id" for c in key_cols]
        keys = {c: keys[c] if c != "dimension_id" else (dc, pd.Index(dim_uniques)) for c in key_cols}
        keys, rating, dont_know, weight = _average(keys, key_cols, rating, dont_know, weight, whole)
        whole, unique_pairs = False, len(key_cols) == 2
    dont_know = dont_know & np.isnan(rating)
    return _Ratings(keys, _UNIT[level], rating, dont_know, weight, whole=whole, unique_pairs=unique_pairs)


def _average(keys, key_cols, rating, dont_know, weight, whole=False):
    """Average the rows of each key tuple (pandas groupby in order of first appearance).

    When the rows of each tuple are already together (the sorted layout of
    ``ratings_frame``) and the ratings are whole numbers, the groups are runs of rows and
    their sums are exact, so ``np.add.reduceat`` gives pandas' means without hashing.
    """
    sizes = [len(keys[c][1]) for c in key_cols]
    key = _mixed_key([keys[c][0] for c in key_cols], sizes)
    if whole and weight is None and key is not None and key.size and (key[1:] >= key[:-1]).all():
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        rated = ~np.isnan(rating)
        total = np.add.reduceat(np.where(rated, rating, 0.0), starts)
        count = np.add.reduceat(rated.astype(np.int64), starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count  # 0 / 0 = NaN: no rating in the group
        codes = _split_key(key[starts], sizes)
        return {c: (k, keys[c][1]) for c, k in zip(key_cols, codes)}, mean, np.logical_or.reduceat(dont_know, starts), None
    frame = pd.DataFrame({"rating": rating, "dont_know": dont_know})
    if weight is not None:
        frame["weight"] = weight
    agg = {"rating": ("rating", "mean"), "dont_know": ("dont_know", "any")}
    if weight is not None:
        agg["weight"] = ("weight", "first")
    if key is not None:
        out = frame.groupby(key, sort=False).agg(**agg)
        codes = _split_key(out.index.to_numpy(), sizes)
    else:
        names = [f"_k{i}" for i in range(len(key_cols))]
        for name, c in zip(names, key_cols):
            frame[name] = keys[c][0]
        out = frame.groupby(names, sort=False).agg(**agg).reset_index()
        codes = [out[name].to_numpy() for name in names]
    new_keys = {c: (k, keys[c][1]) for c, k in zip(key_cols, codes)}
    w = out["weight"].to_numpy(dtype=float) if weight is not None else None
    return new_keys, out["rating"].to_numpy(dtype=float), out["dont_know"].to_numpy(dtype=bool), w


def _grid(resp: _Ratings, level: str, by: list[str], mask: np.ndarray | None = None) -> pd.DataFrame:
    """Every goal (or dimension) crossed with every grouping combination in the data
    (in the rows of ``mask``)."""
    units = _unit_table(level)
    if not by:
        return units
    combos = resp.combos(by, mask)
    return units.merge(combos, how="cross")


def _count_entries(entry: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct non-negative integers of ``entry`` (sorted) and how often each occurs."""
    if entry.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if size <= _DENSE:
        table = np.bincount(entry, minlength=size)
        ids = np.flatnonzero(table)
        return ids, table[ids]
    return np.unique(entry, return_counts=True)


class _ByUnit:
    """The rated rows of each goal (or dimension), in row order, for the per-goal tests.

    When the rows cycle through the same goals for every respondent (the layout of
    ``ratings_frame`` when everyone rated every goal once), a goal's rows are a strided
    view; otherwise one stable sort by goal replaces a boolean filter of the whole frame
    per goal. ``between`` values become a categorical with sorted categories, so the
    tests see the groups in the same (sorted) order as they would from the plain column.
    """

    def __init__(self, resp: _Ratings, between: str):
        self.resp, self.between = resp, between
        self.unit_uniques = resp.uniques(resp.unit)
        codes, uniques = resp.keys[between]
        self.rank = _sorted_rank(uniques)
        self.categories = pd.Index(uniques.to_numpy()[np.argsort(self.rank)])
        unit_codes, k = resp.codes(resp.unit), len(self.unit_uniques)
        first = unit_codes[:k]
        self.cycle = (
            k > 0 and len(resp) >= k and len(resp) % k == 0 and first.min() >= 0 and np.unique(first).size == k
            and bool((unit_codes.reshape(-1, k) == first).all())
        )
        if self.cycle:
            self.position = np.empty(k, dtype=np.intp)
            self.position[first] = np.arange(k)
        else:
            rated = ~np.isnan(resp.rating)
            rated_units = unit_codes[rated]
            order = np.argsort(rated_units, kind="stable")
            self.rating = resp.rating[rated][order]
            self.group = self.rank[codes[rated][order]]  # no missing groups here: they were dropped
            self.bounds = np.searchsorted(rated_units[order], np.arange(k + 1))

    def part(self, unit_id: Any) -> tuple[np.ndarray, np.ndarray]:
        """Ratings and (sorted) group codes of the rated rows of one goal."""
        code = self.unit_uniques.get_indexer([unit_id])[0] if len(self.unit_uniques) else -1
        if code < 0:
            return np.empty(0), np.empty(0, dtype=np.intp)
        if self.cycle:
            k = len(self.unit_uniques)
            rating = self.resp.rating[self.position[code]::k]
            rated = ~np.isnan(rating)
            groups = self.resp.codes(self.between)[self.position[code]::k][rated]
            return rating[rated], self.rank[groups]
        rows = slice(self.bounds[code], self.bounds[code + 1])
        return self.rating[rows], self.group[rows]

    def frame(self, unit_id: Any) -> pd.DataFrame:
        rating, group = self.part(unit_id)
        return pd.DataFrame({"rating": rating, self.between: pd.Categorical.from_codes(group, categories=self.categories)})


def _check_bootstrap_options(method: str, n_resamples: Any, ci: float) -> float:
    """The argument checks of :func:`pra_lib.stats.bootstrap_ci`, with its messages."""
    stats._check_choice("method", method, ("percentile", "bca"))
    ci = stats._check_ci(ci)
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) or n_resamples < 1:
        raise ValueError(f"n_resamples must be a positive integer, got {n_resamples!r}")
    return ci


def _counted_cells(resp: _Ratings, cell: np.ndarray, *, method: str, n_resamples: int, ci: float, seed: Any):
    """Bootstrap, answer sums and "don't know" counts of every cell, from one count table.

    Unweighted ratings: a cell is summarised by how many respondents gave each rating, so
    one pass over the rows tabulates everything. The bootstrap then runs on those counts
    exactly as :func:`pra_lib.stats.bootstrap_ci` would (same cells, same order, same
    generator), so the intervals are identical.
    """
    boot_columns = ["_cell", "mean", "ci_low", "ci_high", "n", "median"]
    sum_columns = ["_cell", "_w", "_pos", "_neg", "_neu"]
    n_cells = int(cell.max()) + 1 if cell.size else 0
    category = resp.category()
    if category is not None:
        # whole-number ratings: one bincount over (cell, answer category) gives everything
        invalid = cell < 0 if n_cells and cell.min() < 0 else None
        entry = cell  # cell is ours (from resp.cells) and not used again: build the key in place
        entry *= 7
        entry += category
        if invalid is not None:
            entry[invalid] = n_cells * 7  # rows without a cell go to an overflow bin
        table = np.bincount(entry, minlength=n_cells * 7 + 1)[: n_cells * 7].reshape(n_cells, 7) if n_cells else np.zeros((0, 7), dtype=np.int64)
        del entry
        dk_cells = np.flatnonzero(table[:, 5])
        dk_counts = table[dk_cells, 5]
        ratings = table[:, :5].ravel()
        entry_ids = np.flatnonzero(ratings)
        entry_counts = ratings[entry_ids]
        entry_cell, entry_x = entry_ids // 5, (entry_ids % 5 + 1).astype(float)
    else:
        rated = ~np.isnan(resp.rating) & (cell >= 0)
        dk_rows = resp.dont_know & (cell >= 0)
        dk_cells, dk_counts = _count_entries(cell[dk_rows], n_cells)
        if rated.any():
            all_rated = bool(rated.all())
            domain, value_code = stats._codes_sorted(resp.rating if all_rated else resp.rating[rated])
            n_v = domain.size
            entry = (cell if all_rated else cell[rated]) * n_v
            entry += value_code
            entry_ids, entry_counts = _count_entries(entry, n_cells * n_v)
            del entry
            entry_cell, entry_x = entry_ids // n_v, domain[entry_ids % n_v]
        else:
            entry_ids = entry_counts = entry_cell = np.empty(0, dtype=np.int64)
    dk = pd.DataFrame({"_cell": dk_cells, "n_dont_know": dk_counts.astype(np.int64), "_dkw": dk_counts.astype(float)})
    if not entry_counts.size:
        sums = pd.DataFrame({c: np.empty(0, dtype=np.int64 if c == "_cell" else float) for c in sum_columns})
        return pd.DataFrame(columns=boot_columns), sums, dk, []
    ci = _check_bootstrap_options(method, n_resamples, ci)
    cells = np.unique(entry_cell)
    bounds = np.searchsorted(entry_cell, np.append(cells, cells[-1] + 1))
    ones = np.ones(entry_x.size)
    threshold = float(POSITIVE_MIN)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = stats._bootstrap_cells(
            entry_counts, entry_x, ones, bounds, statistic="mean", method=method, n_resamples=n_resamples, ci=ci,
            rng=np.random.default_rng(seed), threshold=threshold, label=lambda gi: f"cell {cells[gi]}",
        )
    degenerate = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    n = np.add.reduceat(entry_counts, bounds[:-1])
    median = [
        float(stats._stat_from_counts(entry_counts[None, a:b].astype(float), entry_x[a:b], ones[a:b], "median", threshold)[0])
        for a, b in zip(bounds[:-1], bounds[1:])
    ]
    boot = pd.DataFrame({"_cell": cells, "mean": [r[0] for r in rows], "ci_low": [r[1] for r in rows], "ci_high": [r[2] for r in rows],
                         "n": np.asarray([r[3] for r in rows], dtype=np.int64), "median": median})

    def share(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(np.where(mask, entry_counts, 0), bounds[:-1]).astype(float)

    with np.errstate(invalid="ignore"):
        sums = pd.DataFrame({"_cell": cells, "_w": n.astype(float), "_pos": share(entry_x >= POSITIVE_MIN),
                             "_neg": share(entry_x <= NEGATIVE_MAX), "_neu": share((entry_x > NEGATIVE_MAX) & (entry_x < POSITIVE_MIN))})
    return boot, sums, dk, degenerate


def _weighted_cells(resp: _Ratings, cell: np.ndarray, weights: str, *, method: str, n_resamples: int, ci: float, seed: Any):
    """As :func:`_counted_cells` for survey weights, with pandas sums and bootstrap_ci."""
    rated = ~np.isnan(resp.rating) & (cell >= 0)
    w = resp.weight
    dk_rows = resp.dont_know & (cell >= 0)
    dk = pd.DataFrame({"_cell": cell[dk_rows], "_w": w[dk_rows]}).groupby("_cell", sort=False).agg(n_dont_know=("_w", "size"), _dkw=("_w", "sum")).reset_index()
    r = resp.rating[rated]
    frame = pd.DataFrame({"_cell": cell[rated], "rating": r, weights: w[rated]})
    frame["_w"] = w[rated]
    frame["_pos"] = (r >= POSITIVE_MIN) * frame["_w"]
    frame["_neg"] = (r <= NEGATIVE_MAX) * frame["_w"]
    frame["_neu"] = ((r > NEGATIVE_MAX) & (r < POSITIVE_MIN)) * frame["_w"]
    sums = frame.groupby("_cell", sort=False)[["_w", "_pos", "_neg", "_neu"]].sum().reset_index()
    if not len(frame):
        return pd.DataFrame(columns=["_cell", "mean", "ci_low", "ci_high", "n", "median"]), sums, dk, []
    boot_data = frame[["_cell", "rating", weights]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        boot = stats.bootstrap_ci(boot_data, value="rating", by="_cell", weights=weights, statistic="mean", method=method, n_resamples=n_resamples, ci=ci, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        med = stats.bootstrap_ci(boot_data, value="rating", by="_cell", weights=weights, statistic="median", n_resamples=1, ci=ci, seed=seed)
    degenerate = [str(m.message) for m in caught if issubclass(m.category, RuntimeWarning)]
    boot = boot[["_cell", "estimate", "ci_low", "ci_high", "n"]].rename(columns={"estimate": "mean"})
    boot["median"] = med["estimate"].to_numpy()
    return boot, sums, dk, degenerate


def _round(frame: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """Round float columns to ``digits`` significant digits.

    Published statistics carry no more precision than this, and a long float repr such as
    2.6666666666666665 would otherwise look like a 16-digit NIK to the privacy check once
    suppression turns the column into text.
    """
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_float_dtype(frame[col]):
            # via text, so the stored double is the one nearest the short decimal
            frame[col] = [float(f"{v:.{digits}g}") if np.isfinite(v) else v for v in frame[col].to_numpy(dtype=float)]
    return frame


def _fmt_p(p: float) -> str:
    if pd.isna(p):
        return tr("perception.p_na")
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _ci_label(ci: float, method: str, n_resamples: int) -> str:
    """'95% percentile bootstrap (2000 resamples)', in the report language."""
    name = tr(f"perception.ci_method.{method}") if method in ("percentile", "bca") else method
    return tr("perception.ci_method", ci=f"{ci:.0%}", method=name, n=n_resamples)


def _goal_name(goal_id: str) -> str:
    return f"{goal_id} *{goal_label(goal_id)}*"


# ---------------------------------------------------------------------------
# The input frame
# ---------------------------------------------------------------------------


def ratings_frame(assessment, *, activity_id: str | None = None, aspect: str | None = "performance", channels: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The tidy ratings every perception analysis takes.

    Joins ``perception_ratings`` with the participants' stakeholder group, channel, area
    and workshop table and with the CRF goal and dimension labels.  No personal column
    (name, phone, e-mail, NIK) is carried.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment (:func:`pra_lib.load_assessment`).
    activity_id : str, optional
        Keep the ratings of this activity only (e.g. ``"questionnaire"``).
    aspect : {"performance", "importance"} or None
        Keep the ratings of this aspect; ``None`` keeps both (for
        :func:`importance_performance`).
    channels : str or list of str, optional
        Keep respondents who took part through these channels (``"online"``,
        ``"offline"``, ``"interview"``, ``"workshop"``).

    Returns
    -------
    pandas.DataFrame
        One row per rating with ``respondent_id``, ``activity_id``,
        ``stakeholder_group``, ``group_label``, ``channel``, ``area``, ``area_name``,
        ``workshop_table``, ``aspect``, ``dimension_id``, ``dimension_label``,
        ``goal_id``, ``goal_number``, ``goal_label``, ``indicator_id``, ``rating``
        (float 1-5, NaN when missing or "don't know") and ``dont_know`` (bool).
        Respondents without an area (city-wide roles) have area ``"(city-wide)"``.
        ``attrs["category_order"]`` holds the metadata order of groups, areas and
        channels, which the result tables follow.

    Examples
    --------
    >>> a = load_assessment("data/sample")                               # doctest: +SKIP
    >>> q = ratings_frame(a, activity_id="questionnaire", channels=["online", "offline"])  # doctest: +SKIP
    >>> q.groupby("goal_id")["rating"].mean().idxmin()                   # doctest: +SKIP
    'G09'
    """
    meta = assessment.metadata
    ratings = assessment.perception_ratings
    if activity_id is not None:
        known = list(meta.activities["activity_id"])
        if activity_id not in known:
            raise ValueError(f"ratings_frame: unknown activity {activity_id!r}; the assessment has {', '.join(known)}")
        ratings = ratings[ratings["activity_id"] == activity_id]
    if aspect is not None:
        if aspect not in ("performance", "importance"):
            raise ValueError(f"ratings_frame: aspect must be 'performance', 'importance' or None, not {aspect!r}")
        ratings = ratings[ratings["aspect"] == aspect]
    people_cols = ["respondent_id", "stakeholder_group", "channel", "area", "workshop_table"]
    people = assessment.participants.reindex(columns=people_cols)
    out = ratings.drop(columns=["source_row"], errors="ignore").merge(people, on="respondent_id", how="left", validate="many_to_one")
    if channels is not None:
        wanted = _as_list(channels)
        out = out[out["channel"].isin(wanted)]
    groups = meta.stakeholder_groups
    areas = meta.areas
    group_names = group_labels(meta)
    city_wide = tr("overview.citywide")
    out["group_label"] = out["stakeholder_group"].map(group_names).fillna(out["stakeholder_group"])
    out["area"] = out["area"].fillna(CITY_WIDE)
    out["area_name"] = out["area"].map(dict(zip(areas["area"], areas["name"])) | {CITY_WIDE: city_wide}).fillna(out["area"])
    goals = _goal_table()
    out = out.merge(goals, on="goal_id", how="left", validate="many_to_one")
    out["rating"] = pd.to_numeric(out["rating"], errors="coerce").astype(float)
    out["dont_know"] = out["dont_know"].fillna(False).astype(bool) if "dont_know" in out else out["rating"].isna() & False
    if "indicator_id" not in out:
        out["indicator_id"] = None
    columns = [
        "respondent_id", "activity_id", "stakeholder_group", "group_label", "channel", "area", "area_name",
        "workshop_table", "aspect", "dimension_id", "dimension_label", "goal_id", "goal_number", "goal_label",
        "indicator_id", "rating", "dont_know",
    ]
    out = out[columns].sort_values(["respondent_id", "aspect", "goal_number"], kind="stable").reset_index(drop=True)
    out.attrs["category_order"] = {
        "stakeholder_group": list(groups["stakeholder_group"]),
        "group_label": [group_names[g] for g in groups["stakeholder_group"]],
        "area": [*areas["area"], CITY_WIDE],
        "area_name": [*areas["name"], city_wide],
        "channel": ["online", "offline", "interview", "workshop"],
        "aspect": ["performance", "importance"],
    }
    out.attrs["scales"] = {name: list(pick_all(scale.labels_en, scale.labels_id)) for name, scale in meta.scales.items()}
    return out


def respondents(data: pd.DataFrame, *, by: str | Sequence[str] | None = ("stakeholder_group", "channel")) -> pd.DataFrame:
    """Number of distinct respondents per group (and channel, area...).

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame`.
    by : str or list of str, optional
        Grouping columns.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (with labels), ``n`` (respondents) and ``n_rated``
        (respondents with at least one rating, not only "don't know").

    Examples
    --------
    >>> respondents(q, by="stakeholder_group")  # doctest: +SKIP
    """
    by = _as_list(by)
    _require(data, ["respondent_id", "rating", *by], "respondents")
    if by and not data[by].isna().to_numpy().any():
        out = _respondent_counts(data, by)
    else:
        frame = data.assign(_rated=pd.to_numeric(data["rating"], errors="coerce").notna())
        if by:
            g = frame.groupby(by, sort=False, dropna=False)
            out = pd.DataFrame({"n": g["respondent_id"].nunique(), "n_rated": frame[frame["_rated"]].groupby(by, sort=False, dropna=False)["respondent_id"].nunique()})
            out = out.fillna(0).astype(int).reset_index()
        else:
            out = pd.DataFrame({"n": [frame["respondent_id"].nunique()], "n_rated": [frame.loc[frame["_rated"], "respondent_id"].nunique()]})
    out = _sort(out, by, _category_order(data))
    return _round(_insert_labels(out, _labels_for(data, by)))


def _respondent_counts(data: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Distinct respondents per group from integer codes (no missing group labels).

    Groups come in order of first appearance with the dtypes ``groupby`` gives them, so
    the table equals the former ``groupby(...).nunique()`` one.
    """
    rated = pd.to_numeric(data["rating"], errors="coerce").notna().to_numpy()
    rc, ru = _factor(data["respondent_id"])
    factors = [_factor(data[c]) for c in by]
    sizes = [len(u) for _, u in factors]
    key = _mixed_key([c for c, _ in factors], sizes)
    if key is None:
        raise ValueError("respondents: too many combinations of grouping values")
    group, first_keys = pd.factorize(key, sort=False)  # numbered in order of first appearance
    n_groups, n_resp = len(first_keys), max(len(ru), 1)

    def distinct(mask: np.ndarray) -> np.ndarray:
        mask = mask & (rc >= 0)
        ids, _ = _count_entries(group[mask].astype(np.int64) * n_resp + rc[mask], n_groups * n_resp)
        return np.bincount(ids // n_resp, minlength=n_groups).astype(int)

    columns = {}
    for col, codes in zip(by, _split_key(np.asarray(first_keys), sizes)):
        dtype = data[col].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            columns[col] = pd.Categorical.from_codes(codes, dtype=dtype)
        else:
            columns[col] = pd.Index(_take(_factor(data[col])[1], codes))  # dtype inferred, as groupby does
    out = pd.DataFrame(columns)
    out["n"] = distinct(np.ones(len(data), dtype=bool))
    out["n_rated"] = distinct(rated)
    return out


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


def scores(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    level: str = "goal",
    ci: float = 0.95,
    n_resamples: int = 2000,
    seed: Any = 0,
    method: str = "percentile",
    weights: str | None = None,
) -> pd.DataFrame:
    """Mean rating per goal (or dimension), with a bootstrap CI and the answer shares.

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
    n_resamples, seed, method : int, int, {"percentile", "bca"}
        Passed to :func:`pra_lib.stats.bootstrap_ci`.
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
        with a single respondent has no interval (NaN, with a warning); identical
        ratings give an interval collapsed on the mean (with a warning).

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
    ci_label = _ci_label(ci, method, n_resamples)
    options = dict(method=method, n_resamples=n_resamples, ci=ci, seed=seed)
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
        _warn(f"scores: {int(single.sum())} cell(s) rest on a single respondent; their confidence interval is NaN")
    empty = out["n"] == 0
    if empty.any():
        cells = out.loc[empty, keys].astype(str).agg("/".join, axis=1).tolist()
        _warn(f"scores: {len(cells)} cell(s) have no ratings (n = 0) and NaN statistics: {', '.join(cells[:12])}{' ...' if len(cells) > 12 else ''}")
    identical = [m for m in degenerate if "identical" in m]
    if identical:
        # Cells below the publication limit are suppressed anyway; a warning about them
        # would itself say something about a small group in the rendered report.
        n_ident = int(((out["ci_low"] == out["ci_high"]) & (out["n"] >= DEFAULT_MIN_CELL_SIZE)).sum())
        if n_ident:
            _warn(f"scores: in {n_ident} cell(s) every respondent gave the same rating; the interval collapses on the mean")
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
    rated = ~np.isnan(rating)
    if rated.any() and not np.array_equal(rating[rated], np.round(rating[rated])):
        _warn("likert_counts: some goal ratings are averages of several indicators; they are rounded to the nearest category")
    keys = ["goal_id", *by]
    cell, sizes, code_of = resp.cells(keys)
    category = resp.category()
    if category is None:
        # category 0-4 = ratings 1-5 (rounded half to even, as pandas rounds), 5 = "don't know"
        category = np.where(resp.dont_know, 5, np.where(rated, np.round(np.where(rated, rating, 1.0)) - 1, 6)).astype(np.int8)
    answered = category != 6
    keep = answered & (cell >= 0)
    labels = np.array(["1", "2", "3", "4", "5", DONT_KNOW], dtype=object)
    entry = cell * 6
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
    cat_labels = {str(i + 1): lab for i, lab in enumerate(labels)} | {DONT_KNOW: tr("perception.dont_know")}
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
        Passed to :func:`scores`.

    Returns
    -------
    pandas.DataFrame
        Per goal: ``performance``, ``performance_ci_low``, ``performance_ci_high``,
        ``n_performance``, ``importance``, ``importance_ci_low``,
        ``importance_ci_high``, ``n_importance``, ``n`` (the smaller of the two, for
        suppression), ``gap`` (importance minus performance), ``performance_centre``,
        ``importance_centre``, ``quadrant`` and ``candidate_weakness`` (``True`` in the
        "concentrate here" quadrant: high importance, low performance).  A goal on a
        centre line counts as high on that axis.

    Examples
    --------
    >>> ipa = importance_performance(ratings_frame(a, aspect=None))  # doctest: +SKIP
    >>> ipa.loc[ipa["candidate_weakness"], "goal_id"].tolist()     # doctest: +SKIP
    """
    if centre not in ("mean", "midpoint"):
        raise ValueError(f"centre must be 'mean' or 'midpoint', not {centre!r}")
    if data_imp is None:
        _require(data_perf, ["aspect"], "importance_performance")
        data_imp = data_perf[data_perf["aspect"] == "importance"]
        data_perf = data_perf[data_perf["aspect"] == "performance"]
        if data_perf.empty or data_imp.empty:
            raise ValueError("importance_performance: the frame must hold both performance and importance ratings")
    opts = dict(ci=ci, n_resamples=n_resamples, seed=seed, weights=weights)
    front = ["goal_id", "goal_label", "dimension_id", "dimension_label"]
    parts = []
    for name, frame in (("performance", data_perf), ("importance", data_imp)):
        s = scores(frame, **opts)[[*front, "mean", "ci_low", "ci_high", "n"]]
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
    high_imp = out["importance"] >= out["importance_centre"]
    high_perf = out["performance"] >= out["performance_centre"]
    known = out["importance"].notna() & out["performance"].notna()
    out["quadrant"] = [QUADRANTS[(bool(i), bool(p))] if k else None for i, p, k in zip(high_imp, high_perf, known)]
    out["candidate_weakness"] = out["quadrant"] == "concentrate here"
    if (~known).any():
        _warn(f"importance_performance: {int((~known).sum())} goal(s) lack importance or performance ratings; no quadrant")
    return _round(out)


# ---------------------------------------------------------------------------
# Tests between groups
# ---------------------------------------------------------------------------


def group_differences(data: pd.DataFrame, *, between: str = "stakeholder_group", p_adjust: str = "holm", level: str = "goal", alpha: float = 0.05) -> pd.DataFrame:
    """Kruskal-Wallis test per goal: do the groups rate the goal differently?

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect.
    between : str
        The grouping column (``"stakeholder_group"``, ``"channel"``, ``"area"``,
        ``"workshop_table"``).
    p_adjust : {"holm", "bh", "fdr_bh", "bonferroni", "none"}
        Adjustment of the p-values across the goals (or dimensions) tested:
        Holm's step-down (family-wise error) or Benjamini-Hochberg (false
        discovery rate, ``"bh"``).
    level : {"goal", "dimension"}
        Test per goal, or per dimension on each respondent's mean (see :func:`scores`).
    alpha : float
        Level of the ``significant`` column (on the adjusted p-value).

    Returns
    -------
    pandas.DataFrame
        Per goal: ``between`` (the column tested), ``h`` (tie-corrected),
        ``dof``, ``pvalue``, ``pvalue_adj``, ``p_adjust``, ``significant``,
        ``epsilon_sq`` (``H / (n - 1)``), ``eta_sq_h`` (``(H - k + 1) / (n - k)``),
        ``n`` (respondents with a rating), ``k`` (groups) and ``method``.  A goal
        with fewer than two groups, or with identical ratings, gets NaN (with a
        warning) and does not count towards the adjustment.

    Examples
    --------
    >>> group_differences(q).query("significant")["goal_id"].tolist()  # doctest: +SKIP
    ['G01', 'G10']
    """
    method = _check_p_adjust(p_adjust)
    _check_level(level)
    unit = _UNIT[level]
    resp = _respondent_level(data, level, [between], "group_differences")
    units = _ByUnit(resp, between)
    rows = []
    for uid in _unit_table(level)[unit]:
        sub = units.frame(uid)
        if sub.empty:
            _warn(f"group_differences: nobody rated {uid}; its test is NaN")
            rows.append({unit: uid, "h": np.nan, "dof": 0, "pvalue": np.nan, "epsilon_sq": np.nan, "eta_sq_h": np.nan, "n": 0, "k": 0})
            continue
        res = stats.kruskal_wallis(sub, dv="rating", between=between)
        rows.append({unit: uid, "h": res.h, "dof": res.dof, "pvalue": res.pvalue, "epsilon_sq": res.epsilon_sq, "eta_sq_h": res.eta_sq_h, "n": res.n, "k": res.k})
    out = _unit_table(level).merge(pd.DataFrame(rows), on=unit, how="left")
    out.insert(len(_unit_table(level).columns), "between", between)
    out["pvalue_adj"] = stats.p_adjust(out["pvalue"].to_numpy(dtype=float), method=method)
    out["p_adjust"] = method
    out["significant"] = out["pvalue_adj"] < alpha
    m = int(out["pvalue"].notna().sum())
    out["method"] = (
        f"Kruskal-Wallis H (tie-corrected; chi-squared, k - 1 df); effect sizes epsilon² = H/(n-1) and "
        f"eta²_H = (H-k+1)/(n-k); p adjusted across {m} {level}s ({_P_ADJUST_NAME[method]})"
    )
    columns = [*_unit_table(level).columns, "between", "h", "dof", "pvalue", "pvalue_adj", "p_adjust", "significant", "epsilon_sq", "eta_sq_h", "n", "k", "method"]
    out[["dof", "n", "k"]] = out[["dof", "n", "k"]].astype(int)
    return _round(out[columns])


def posthoc(data: pd.DataFrame, *, between: str = "stakeholder_group", p_adjust: str = "holm", level: str = "goal", significant_only: bool = False, alpha: float = 0.05) -> pd.DataFrame:
    """Dunn's pairwise tests per goal, after :func:`group_differences`.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect.
    between : str
        The grouping column.
    p_adjust : {"holm", "bh", "fdr_bh", "bonferroni", "none"}
        Adjustment across the pairs of each goal (:func:`pra_lib.stats.dunn`).
    level : {"goal", "dimension"}
        As in :func:`group_differences`.
    significant_only : bool
        Test only the goals whose Kruskal-Wallis test is significant after
        adjustment across goals (same ``p_adjust`` and ``alpha``).
    alpha : float
        Level of ``significant``.

    Returns
    -------
    pandas.DataFrame
        Per goal and pair: ``group_a``, ``group_b`` (with ``label_a`` / ``label_b``
        for stakeholder groups), ``mean_a``, ``mean_b``, ``z`` (positive: group a
        has the higher mean rank), ``pvalue``, ``pvalue_adj``, ``p_adjust``,
        ``significant``, ``n_a``, ``n_b``, ``n`` (the smaller of the two, for
        suppression) and ``method``.

    Examples
    --------
    >>> posthoc(q, significant_only=True)  # doctest: +SKIP
    """
    method = _check_p_adjust(p_adjust)
    _check_level(level)
    unit = _UNIT[level]
    resp = _respondent_level(data, level, [between], "posthoc")
    by_unit = _ByUnit(resp, between)
    units = list(_unit_table(level)[unit])
    if significant_only:
        kw = group_differences(data, between=between, p_adjust=p_adjust, level=level, alpha=alpha)
        units = list(kw.loc[kw["significant"], unit])
    parts = []
    for uid in units:
        sub = by_unit.frame(uid)
        if sub[between].nunique() < 2:
            continue
        d = stats.dunn(sub, dv="rating", between=between, p_adjust=method)
        size = sub.groupby(between, observed=True)["rating"].agg(["size", "mean"])
        size.index = pd.Index(size.index.to_numpy())
        d.insert(0, unit, uid)
        d["n_a"] = d["group_a"].map(size["size"]).astype(int)
        d["n_b"] = d["group_b"].map(size["size"]).astype(int)
        d["mean_a"] = d["group_a"].map(size["mean"])
        d["mean_b"] = d["group_b"].map(size["mean"])
        parts.append(d)
    cols = [unit, "group_a", "group_b", "z", "pvalue", "pvalue_adj", "p_adjust", "n_a", "n_b", "mean_a", "mean_b"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    out = _unit_table(level).merge(out, on=unit, how="inner")
    out["n"] = out[["n_a", "n_b"]].min(axis=1).astype(int) if len(out) else pd.Series(dtype=int)
    out["significant"] = out["pvalue_adj"].astype(float) < alpha
    out["method"] = f"Dunn's z (tie-corrected); p adjusted across the pairs of each {level} ({_P_ADJUST_NAME[method]})"
    labels = _labels_for(data, [between])
    columns = [*_unit_table(level).columns, "group_a", "group_b", "mean_a", "mean_b", "z", "pvalue", "pvalue_adj", "p_adjust", "significant", "n_a", "n_b", "n", "method"]
    out = out[columns]
    if between in labels:
        mapping = labels[between][1]
        out.insert(out.columns.get_loc("group_b") + 1, "label_b", out["group_b"].map(mapping))
        out.insert(out.columns.get_loc("group_a") + 1, "label_a", out["group_a"].map(mapping))
    return _round(out.reset_index(drop=True))


def mode_effect(data: pd.DataFrame, *, p_adjust: str = "holm", level: str = "goal", alpha: float = 0.05) -> pd.DataFrame:
    """Online against offline (paper) answers, per goal: is there a mode effect?

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect, holding the ``channel`` column.
    p_adjust : {"holm", "bh", "fdr_bh", "bonferroni", "none"}
        Adjustment of the p-values across goals.
    level : {"goal", "dimension"}
        As in :func:`group_differences`.
    alpha : float
        Level of ``significant``.

    Returns
    -------
    pandas.DataFrame
        Per goal: ``n_online``, ``n_offline``, ``n`` (the smaller of the two, for
        suppression), ``mean_online``, ``mean_offline``, ``mean_difference``
        (online minus offline), ``u`` (Mann-Whitney U of the online sample),
        ``rank_biserial`` (positive: online answers tend to be higher), ``pvalue``,
        ``pvalue_adj``, ``p_adjust``, ``significant`` and ``method``.

    Notes
    -----
    The comparison is not adjusted for the make-up of the two channels (e.g. more
    community respondents on paper); read a mode effect together with the group
    differences.

    Examples
    --------
    >>> mode_effect(q).query("significant")["goal_id"].tolist()  # doctest: +SKIP
    ['G09']
    """
    method = _check_p_adjust(p_adjust)
    _check_level(level)
    unit = _UNIT[level]
    resp = _respondent_level(data, level, ["channel"], "mode_effect")
    units = _ByUnit(resp, "channel")
    online, offline = units.categories.get_indexer(["online", "offline"])
    rows = []
    for uid in _unit_table(level)[unit]:
        rating, channel = units.part(uid)
        x = rating[channel == online] if online >= 0 else rating[:0]
        y = rating[channel == offline] if offline >= 0 else rating[:0]
        res = stats.mann_whitney(x, y)
        rows.append(
            {
                unit: uid, "n_online": res.n_x, "n_offline": res.n_y,
                "mean_online": x.mean() if x.size else np.nan, "mean_offline": y.mean() if y.size else np.nan,
                "u": res.u, "rank_biserial": res.rank_biserial, "pvalue": res.pvalue,
            }
        )
    out = _unit_table(level).merge(pd.DataFrame(rows), on=unit, how="left")
    out["n"] = out[["n_online", "n_offline"]].min(axis=1).astype(int)
    out["mean_difference"] = out["mean_online"] - out["mean_offline"]
    out["pvalue_adj"] = stats.p_adjust(out["pvalue"].to_numpy(dtype=float), method=method)
    out["p_adjust"] = method
    out["significant"] = out["pvalue_adj"] < alpha
    m = int(out["pvalue"].notna().sum())
    out["method"] = (
        "Mann-Whitney U of the online sample (normal approximation, tie and continuity corrected); "
        f"rank-biserial r = 2U/(n_online n_offline) - 1; p adjusted across {m} {level}s ({_P_ADJUST_NAME[method]})"
    )
    columns = [*_unit_table(level).columns, "n_online", "n_offline", "n", "mean_online", "mean_offline", "mean_difference", "u", "rank_biserial", "pvalue", "pvalue_adj", "p_adjust", "significant", "method"]
    return _round(out[columns])


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
                stats._warn(f"krippendorff_alpha: needs at least two raters, got {n_raters}; returning NaN", 2)
                alpha = float("nan")
            else:
                alpha = stats._alpha_from_table(table, np.arange(1.0, 6.0), level="ordinal", stacklevel=3)
            per_goal = table.sum(axis=1)
        else:
            if rank is None:  # rows in the sorted order of pivot_table, so sums round the same way
                rank = _sorted_rank(resp.uniques("respondent_id"))
            wide = _wide_ratings(resp, mask, rank, goal_column)
            n_raters = len(wide)
            alpha = stats.krippendorff_alpha(wide, level="ordinal") if n_raters else np.nan
            per_goal = (~np.isnan(wide)).sum(axis=0)
        if not n_raters:
            _warn(f"agreement: nobody rated in {by}={value!r}; alpha is NaN")
        rows.append({"_value": value, "alpha": alpha, "n": int(n_raters), "n_goals": int((per_goal >= 2).sum()), "n_ratings": int(per_goal.sum())})
    out = pd.DataFrame(rows, columns=["_value", "alpha", "n", "n_goals", "n_ratings"])
    out = out.rename(columns={"_value": by or "group"})
    out["interpretation"] = np.select(
        [out["alpha"] >= ALPHA_RELIABLE, out["alpha"] >= ALPHA_TENTATIVE, out["alpha"].notna()], ["reliable", "tentative", "low"], default="not available"
    )
    out["method"] = tr("perception.agreement_method")
    labels = _labels_for(data, by_cols)
    if by in labels:
        labels[by][1][ALL] = tr("perception.all_respondents")
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


# ---------------------------------------------------------------------------
# Interviews
# ---------------------------------------------------------------------------


def _statements(assessment, activity_id: str | None) -> pd.DataFrame:
    st = assessment.interview_statements
    people = assessment.participants.reindex(columns=["respondent_id", "activity_id", "stakeholder_group", "channel"])
    out = st.drop(columns=["source_row"], errors="ignore").merge(people, on="respondent_id", how="left")
    if activity_id is not None:
        known = list(assessment.metadata.activities["activity_id"])
        if activity_id not in known:
            raise ValueError(f"unknown activity {activity_id!r}; the assessment has {', '.join(known)}")
        out = out[out["activity_id"] == activity_id]
    groups = assessment.metadata.stakeholder_groups
    out["group_label"] = out["stakeholder_group"].map(group_labels(assessment.metadata)).fillna(out["stakeholder_group"])
    goals = _goal_table()
    out["goal_label"] = out["goal_id"].map(dict(zip(goals["goal_id"], goals["goal_label"])))
    hz = assessment.hazards
    out["hazard_label"] = out["hazard_id"].map(dict(zip(hz["hazard_id"], pick_all(hz["name_en"], hz["name_id"] if "name_id" in hz else None))))
    out.attrs["category_order"] = {"stakeholder_group": list(groups["stakeholder_group"]), "valence": ["weakness", "strength"]}
    return out.reset_index(drop=True)


def interview_summary(assessment, *, activity_id: str | None = None) -> pd.DataFrame:
    """Interviewees and coded statements per stakeholder group.

    Returns
    -------
    pandas.DataFrame
        ``stakeholder_group``, ``group_label``, ``n`` (interviewees with at least
        one coded statement), ``n_statements``, ``n_weakness``, ``n_strength``, and
        a last row ``"(all)"`` for everyone.

    Examples
    --------
    >>> interview_summary(a, activity_id="questionnaire")  # doctest: +SKIP
    """
    st = _statements(assessment, activity_id)
    order = st.attrs["category_order"]
    labels = dict(zip(st["stakeholder_group"], st["group_label"])) | {ALL: tr("perception.all_interviewees")}

    def summary(frame: pd.DataFrame) -> dict:
        return {
            "n": int(frame["respondent_id"].nunique()),
            "n_statements": int(len(frame)),
            "n_weakness": int((frame["valence"] == "weakness").sum()),
            "n_strength": int((frame["valence"] == "strength").sum()),
        }

    rows = [{"stakeholder_group": g, **summary(f)} for g, f in st.groupby("stakeholder_group", sort=False)]
    out = _sort(pd.DataFrame(rows, columns=["stakeholder_group", "n", "n_statements", "n_weakness", "n_strength"]), ["stakeholder_group"], order)
    out = pd.concat([out, pd.DataFrame([{"stakeholder_group": ALL, **summary(st)}])], ignore_index=True)
    out.insert(1, "group_label", out["stakeholder_group"].map(labels))
    return _round(out)


def interview_codes(assessment, *, level: str = "code", by: str | None = None, activity_id: str | None = None) -> pd.DataFrame:
    """Coded interview statements counted by code, goal or hazard, and valence.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    level : {"code", "goal", "hazard"}
        Count per thematic code (with its goal and hazard), per CRF goal, or per
        shock or stress.
    by : {"stakeholder_group", None}
        Also split by the interviewees' stakeholder group.
    activity_id : str, optional
        Keep the interviews of this activity (interviewees are participants of it).

    Returns
    -------
    pandas.DataFrame
        The level's columns (``code``, ``goal_id``, ``goal_label``, ``hazard_id``,
        ``hazard_label``), ``valence``, the ``by`` columns (with ``group_label``),
        ``n_statements``, ``n`` (distinct interviewees, the count suppression reads)
        and ``share_of_interviewees`` (of the interviewees in the same group).
        No respondent id or quote is included.

    Examples
    --------
    >>> interview_codes(a, level="goal", by="stakeholder_group")  # doctest: +SKIP
    """
    if level not in ("code", "goal", "hazard"):
        raise ValueError(f"level must be 'code', 'goal' or 'hazard', not {level!r}")
    by_cols = _as_list(by)
    st = _statements(assessment, activity_id)
    keys = {"code": ["code", "goal_id", "hazard_id"], "goal": ["goal_id"], "hazard": ["hazard_id"]}[level]
    if level != "code":
        st = st[st[keys[0]].notna()]
    group_keys = [*keys, "valence", *by_cols]
    g = st.groupby(group_keys, sort=False, dropna=False)
    out = g.agg(n_statements=("statement_id", "size"), n=("respondent_id", "nunique")).reset_index()
    base = st.groupby(by_cols, sort=False)["respondent_id"].nunique() if by_cols else st["respondent_id"].nunique()
    if by_cols:
        out["_base"] = out.set_index(by_cols).index.map(base).to_numpy()
    else:
        out["_base"] = base
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_of_interviewees"] = out["n"] / out["_base"].replace(0, np.nan)
    goals = _goal_table()
    hz = assessment.hazards
    if "goal_id" in out:
        out.insert(out.columns.get_loc("goal_id") + 1, "goal_label", out["goal_id"].map(dict(zip(goals["goal_id"], goals["goal_label"]))))
    if "hazard_id" in out:
        out.insert(out.columns.get_loc("hazard_id") + 1, "hazard_label", out["hazard_id"].map(dict(zip(hz["hazard_id"], hz["name_en"]))))
    out = out.drop(columns="_base")
    order = st.attrs["category_order"]
    out = out.sort_values(["n", "n_statements"], ascending=False, kind="stable")
    out = _sort(out, ["valence", *by_cols], order)
    labels = {"stakeholder_group": ("group_label", dict(zip(st["stakeholder_group"], st["group_label"])))} if by_cols else {}
    return _round(_insert_labels(out, labels))


def top_weaknesses(assessment, *, k: int = 5, activity_id: str | None = None, valence: str = "weakness", min_group_size: int = DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """The most-cited weaknesses (or strengths) in the interviews, with a quote.

    Codes are ranked by the number of interviewees who raised them, then by the number
    of statements.  The quote shown is the code's most frequent verbatim excerpt; it is
    attributed only to a stakeholder group, and only when that group counts at least
    ``min_group_size`` interviewees (otherwise the attribution is withheld).

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    k : int
        Number of codes.
    activity_id : str, optional
        Keep the interviews of this activity.
    valence : {"weakness", "strength"}
        Rank weaknesses or strengths.
    min_group_size : int
        Smallest group a quote may be attributed to.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``code``, ``goal_id``, ``goal_label``, ``hazard_id``,
        ``hazard_label``, ``n_statements``, ``n`` (interviewees),
        ``share_of_interviewees``, ``quote`` and ``quote_from`` (e.g. "a
        interviewee from Government").

    Examples
    --------
    >>> top_weaknesses(a, k=3)["code"].tolist()  # doctest: +SKIP
    ['inter-agency coordination', 'clean water access', 'traffic congestion']
    """
    if valence not in ("weakness", "strength"):
        raise ValueError(f"valence must be 'weakness' or 'strength', not {valence!r}")
    if int(k) < 1:
        raise ValueError(f"k must be at least 1, not {k!r}")
    st = _statements(assessment, activity_id)
    st = st[st["valence"] == valence]
    columns = ["rank", "code", "goal_id", "goal_label", "hazard_id", "hazard_label", "n_statements", "n", "share_of_interviewees", "quote", "quote_from"]
    if st.empty:
        _warn(f"top_weaknesses: no statement is coded as a {valence}")
        return pd.DataFrame(columns=columns)
    total = _statements(assessment, activity_id)["respondent_id"].nunique()
    group_size = _statements(assessment, activity_id).groupby("group_label")["respondent_id"].nunique()
    g = st.groupby("code", sort=False)
    out = pd.DataFrame(
        {
            "n_statements": g.size(),
            "n": g["respondent_id"].nunique(),
            "goal_id": g["goal_id"].agg(lambda s: s.mode().iloc[0] if s.notna().any() else None),
            "hazard_id": g["hazard_id"].agg(lambda s: s.mode().iloc[0] if s.notna().any() else None),
        }
    ).reset_index()
    out = out.sort_values(["n", "n_statements", "code"], ascending=[False, False, True], kind="stable").head(int(k)).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out["share_of_interviewees"] = out["n"] / total
    goals = _goal_table()
    out["goal_label"] = out["goal_id"].map(dict(zip(goals["goal_id"], goals["goal_label"])))
    out["hazard_label"] = out["hazard_id"].map(dict(zip(assessment.hazards["hazard_id"], assessment.hazards["name_en"])))
    quotes, sources = [], []
    for code in out["code"]:
        said = st[(st["code"] == code) & st["quote"].notna() & (st["quote"].astype(str).str.strip() != "")].sort_values("statement_id")
        if said.empty:
            quotes.append(None)
            sources.append(None)
            continue
        text = said["quote"].value_counts(sort=True).index[0]
        first = said[said["quote"] == text].iloc[0]
        quotes.append(text)
        big_enough = group_size.get(first["group_label"], 0) >= min_group_size
        sources.append(tr("perception.quote_from", group=first["group_label"]) if big_enough else tr("perception.quote_from_withheld"))
    out["quote"] = quotes
    out["quote_from"] = sources
    return _round(out[columns])


def code_cooccurrence(assessment, *, activity_id: str | None = None, valence: str | None = None) -> pd.DataFrame:
    """Pairs of codes raised by the same interviewee.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    activity_id : str, optional
        Keep the interviews of this activity.
    valence : {"weakness", "strength"}, optional
        Keep only weaknesses or strengths.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair of codes (``code_a`` before ``code_b`` in order of
        how many interviewees raised them): ``n`` (interviewees who raised both),
        ``n_a``, ``n_b`` and ``jaccard`` (``n / (n_a + n_b - n)``).  All pairs are
        listed, also those never raised together (``n = 0``).

    Examples
    --------
    >>> code_cooccurrence(a).sort_values("n").tail(1)  # doctest: +SKIP
    """
    st = _statements(assessment, activity_id)
    if valence is not None:
        st = st[st["valence"] == valence]
    cols = ["code_a", "code_b", "n", "n_a", "n_b", "jaccard"]
    if st.empty:
        return pd.DataFrame(columns=cols)
    incidence = pd.crosstab(st["respondent_id"], st["code"]).clip(upper=1)
    per_code = incidence.sum(axis=0)
    codes = sorted(per_code.index, key=lambda c: (-per_code[c], c))
    incidence = incidence[codes]
    both = incidence.T @ incidence
    ia, ib = np.triu_indices(len(codes), 1)
    out = pd.DataFrame(
        {
            "code_a": [codes[i] for i in ia],
            "code_b": [codes[j] for j in ib],
            "n": both.to_numpy()[ia, ib].astype(int),
            "n_a": per_code[codes].to_numpy()[ia].astype(int),
            "n_b": per_code[codes].to_numpy()[ib].astype(int),
        }
    )
    out["jaccard"] = out["n"] / (out["n_a"] + out["n_b"] - out["n"])
    return _round(out[cols])


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def _n_text(n: pd.Series, what: str = "respondents", per: str = "per_cell") -> str:
    """'n = 580 respondents' or 'n = 560–590 respondents per cell' (``per``: per_cell, per_goal, per_goal_group or None)."""
    vals = _num(n).dropna()
    vals = vals[vals > 0]
    what = tr(f"perception.what.{what}")
    if vals.empty:
        return tr("perception.n.below_limit") if n.astype(object).eq(SUPPRESSED).any() else tr("perception.n.zero", what=what)
    lo, hi = int(vals.min()), int(vals.max())
    if lo == hi:
        return tr("perception.n.one", n=lo, what=what)
    return tr("perception.n.range", lo=lo, hi=hi, what=what) + (tr(f"perception.n.{per}") if per else "")


def _ci_short(ci_method: str | None) -> str:
    """'95% CI, percentile bootstrap' from a ``ci_method`` label, in the report language."""
    import re

    if not isinstance(ci_method, str):
        return tr("perception.fig.wheel.ci_bootstrap", ci=tr("perception.fig.wheel.ci"))
    english = re.match(r"^(\d+%) (\w+) bootstrap \((\d+) resamples\)$", ci_method)
    if english:  # a table computed in English, drawn in the current language
        ci, method = english.group(1), english.group(2)
        return tr("perception.ci_short", ci=ci, method=tr(f"perception.ci_method.{method}") if method in ("percentile", "bca") else method)
    local = re.match(r"^bootstrap (\S+) (\d+%) \(", ci_method)
    if local:
        return tr("perception.ci_short", ci=local.group(2), method=local.group(1))
    return ci_method.split(" (")[0].replace(" bootstrap", "").replace("%", "% CI,") + " bootstrap"


def _score_cmap():
    import matplotlib.colors as mcolors
    from matplotlib import colormaps

    # Means rarely leave 1.5-4.5; saturating there keeps the colours readable while
    # the colour bar (extended at both ends) still shows the whole 1-5 scale.
    return colormaps["RdBu"], mcolors.TwoSlopeNorm(vmin=1.5, vcenter=3, vmax=4.5)


def resilience_wheel(goal_scores: pd.DataFrame, *, title: str | None = None, subtitle: str | None = None):
    """The resilience wheel: the 12 goals in their 4 dimension sectors.

    Each wedge reaches the goal's mean rating (rings 1 to 5; the dashed ring is the
    neutral 3) and is coloured on a diverging palette centred at 3.  The black whisker
    is the confidence interval.  Suppressed goals are drawn hatched and labelled.

    Parameters
    ----------
    goal_scores : pandas.DataFrame
        Output of :func:`scores` at goal level without ``by`` (published or not).
    title, subtitle : str, optional
        Figure title; the subtitle defaults to the n per goal and the interval method.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(resilience_wheel(scores(q)), "resilience_wheel")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch

    from .publishing.plots import _setup, _wrap

    plt, _ = _setup()
    cmap, norm = _score_cmap()
    table = _sort(goal_scores.drop_duplicates("goal_id"), ["goal_id"], {}).set_index("goal_id").reindex(list(crf.GOAL_IDS))
    goals = _goal_table().set_index("goal_id")
    mean, lo, hi = _num(table["mean"]), _num(table["ci_low"]), _num(table["ci_high"])
    n = _num(table["n"])
    suppressed = table["mean"].astype(object).eq(SUPPRESSED) if "mean" in table else pd.Series(False, index=table.index)
    step = 2 * np.pi / 12
    theta = np.arange(12) * step + step / 2
    base = 1.0
    fig = plt.figure(figsize=(10.5, 10.5))
    ax = fig.add_axes([0.09, 0.12, 0.82, 0.72], projection="polar")
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 6.05)
    ax.set_axis_off()
    # rings and neutral line
    ring_t = np.linspace(0, 2 * np.pi, 361)
    for r in (1, 2, 3, 4, 5):
        ax.plot(ring_t, np.full_like(ring_t, r), color="#555555" if r == 3 else "#cccccc", lw=1.3 if r == 3 else 0.7, ls="--" if r == 3 else "-", zorder=1)
        ax.text(np.deg2rad(0), r, f"{r}", ha="center", va="center", fontsize=8, color="#444444", zorder=6, bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
    for i, gid in enumerate(crf.GOAL_IDS):
        t = theta[i]
        if suppressed.iloc[i] or pd.isna(mean.iloc[i]):
            # up to the neutral ring only, so a hidden goal never looks like a high score
            ax.bar(t, 3.0 - base, width=step * 0.9, bottom=base, color="#eeeeee", edgecolor="#bbbbbb", hatch="///", lw=0.5, zorder=2)
            ax.text(t, 2.1, tr("common.suppressed") if suppressed.iloc[i] else tr("perception.no_ratings"), rotation=0, ha="center", va="center", fontsize=7.5, color="#444444", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
            continue
        m = float(mean.iloc[i])
        ax.bar(t, m - base, width=step * 0.9, bottom=base, color=cmap(norm(m)), edgecolor="white", lw=1.0, zorder=2)
        outer = m
        if pd.notna(lo.iloc[i]) and pd.notna(hi.iloc[i]):
            ax.plot([t, t], [lo.iloc[i], hi.iloc[i]], color="black", lw=2.2, zorder=4, solid_capstyle="butt")
            for r in (lo.iloc[i], hi.iloc[i]):
                ax.plot([t - step * 0.05, t + step * 0.05], [r, r], color="black", lw=1.4, zorder=4)
            outer = max(m, float(hi.iloc[i]))
        ax.text(t, outer + 0.32, f"{m:.2f}", ha="center", va="center", fontsize=9, fontweight="bold", zorder=5, color="black",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    # dimension band
    dims = crf.dimensions()
    dim_colors = dict(zip(dims["dimension_id"], ["#8dd3c7", "#fdb462", "#bebada", "#80b1d3"]))
    for i, gid in enumerate(crf.GOAL_IDS):
        did = goals.loc[gid, "dimension_id"]
        ax.bar(theta[i], 0.32, width=step, bottom=5.25, color=dim_colors[did], edgecolor="white", lw=1.5, zorder=2)
    for j, did in enumerate(crf.DIMENSION_IDS):
        ax.plot([j * 3 * step] * 2, [0.4, 5.6], color="#888888", lw=1.0, zorder=3)
    # goal labels outside the band
    for i, gid in enumerate(crf.GOAL_IDS):
        t = theta[i]
        deg = np.rad2deg(t)
        ha = "left" if 5 < deg < 175 else ("right" if 185 < deg < 355 else "center")
        va = "bottom" if deg < 60 or deg > 300 else ("top" if 120 < deg < 240 else "center")
        n_i = n.iloc[i]
        n_lab = "" if pd.isna(n_i) else f" (n={int(n_i)})"
        label = f"{gid}{n_lab}\n{_wrap(goals.loc[gid, 'goal_label'], 22)}"
        ax.text(t, 5.72, label, ha=ha, va=va, fontsize=8.5, zorder=6, clip_on=False, linespacing=1.1)
    handles = [Patch(color=dim_colors[d], label=dimension_label(d)) for d in dims["dimension_id"]]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.01), ncol=2, fontsize=9, title=tr("perception.fig.wheel.dimension"), frameon=False)
    cax = fig.add_axes([0.62, 0.05, 0.32, 0.018])
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    cb = fig.colorbar(sm, cax=cax, orientation="horizontal", extend="both")
    cb.set_ticks([1.5, 2, 2.5, 3, 3.5, 4, 4.5])
    cb.set_label(tr("perception.fig.wheel.cbar"), fontsize=9)
    ci_method = str(goal_scores["ci_method"].iloc[0]) if "ci_method" in goal_scores and len(goal_scores) else None
    sub = subtitle or tr("perception.fig.wheel.subtitle", n=_n_text(table["n"], "raters_per_goal", per=None), ci=_ci_short(ci_method))
    fig.suptitle(title or tr("perception.fig.wheel.title"), fontsize=14, fontweight="bold", y=0.985)
    fig.text(0.5, 0.948, _wrap(sub, 150), ha="center", va="top", fontsize=9.5, color="#333333")
    return fig


def likert_bars(counts: pd.DataFrame, *, by: str | None = None, title: str | None = None, label_min: float = 0.06):
    """Diverging stacked bars of the answers per goal, centred on the neutral category.

    Negative answers (1-2) extend left of zero, positive (4-5) right; the neutral 3 is
    split across zero, so the bars stay centred also when a category has no answers.
    "Don't know" is a separate grey bar in its own panel at the right.  Percentages
    are printed on segments of at least ``label_min``.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`likert_counts` (published or not).
    by : str, optional
        The grouping column of ``counts``: one panel per group.
    title : str, optional
        Figure title.
    label_min : float
        Smallest share that gets a percentage label.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(likert_bars(likert_counts(q)), "likert")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch

    from .publishing.plots import _setup, _wrap

    plt, _ = _setup()
    data = counts.copy()
    data["_share"] = _num(data["share"])
    data["_n"] = _num(data["n"])
    data["_supp"] = data["n"].astype(object).eq(SUPPRESSED)
    panels = [None]
    if by:
        label_col = _LABEL_OF.get(by) if _LABEL_OF.get(by) in data.columns else by
        panels = list(pd.unique(data[by]))
    goal_ids = [g for g in crf.GOAL_IDS if g in set(data["goal_id"])]
    names = dict(zip(data["goal_id"], data["goal_label"]))
    ylabels = [f"{g} {_wrap(names[g], 34)}" for g in goal_ids]
    cats = ["1", "2", "3", "4", "5"]
    colors = {"1": "#b2182b", "2": "#ef8a62", "3": "#d9d9d9", "4": "#67a9cf", "5": "#2166ac"}
    cat_labels = dict(zip(data["category"], data["category_label"]))
    width_ratios = [1] * len(panels) + [0.22]
    fig, axes = plt.subplots(1, len(panels) + 1, figsize=(4.1 * len(panels) + 5.0, 0.5 * len(goal_ids) + 2.6), sharey=True, gridspec_kw={"width_ratios": width_ratios, "wspace": 0.08})
    axes = np.atleast_1d(axes)
    y = np.arange(len(goal_ids))
    n_all = []
    for p_i, panel in enumerate(panels):
        ax = axes[p_i]
        sub = data if panel is None else data[data[by] == panel]
        wide = sub.pivot_table(index="goal_id", columns="category", values="_share", aggfunc="first").reindex(index=goal_ids, columns=[*cats, DONT_KNOW])
        supp = sub.groupby("goal_id")["_supp"].any().reindex(goal_ids).fillna(False)
        nn = sub.groupby("goal_id")["_n"].first().reindex(goal_ids)
        n_all.append(nn)
        sh = wide[cats].fillna(0.0)
        left = -(sh["1"] + sh["2"] + sh["3"] / 2)
        for c in cats:
            vals = sh[c]
            ax.barh(y, vals, left=left, color=colors[c], edgecolor="white", lw=0.5, height=0.72)
            for yi, (l, v) in enumerate(zip(left, vals)):
                if v >= label_min and not supp.iloc[yi]:
                    ax.text(l + v / 2, yi, f"{v:.0%}", ha="center", va="center", fontsize=7.5, color="white" if c in ("1", "5") else "black")
            left = left + vals
        for yi, g in enumerate(goal_ids):
            if supp.iloc[yi]:
                ax.barh(yi, 1.6, left=-0.8, color="#eeeeee", edgecolor="#bbbbbb", hatch="///", lw=0, height=0.72)
                ax.text(0, yi, tr("common.suppressed"), ha="center", va="center", fontsize=8, color="#555555")
            elif pd.isna(nn.iloc[yi]) or nn.iloc[yi] == 0:
                ax.text(0, yi, tr("perception.no_ratings"), ha="center", va="center", fontsize=8, color="#555555")
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlim(-1, 1)
        ax.set_xticks([-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75])
        ax.set_xticklabels(["75%", "50%", "25%", "0", "25%", "50%", "75%"], fontsize=8)
        ax.set_xlabel(tr("perception.fig.likert.xlabel"), fontsize=8.5)
        if panel is not None:
            lab = sub[label_col].iloc[0] if len(sub) else panel
            ax.set_title(f"{_wrap(str(lab), 28)}\n({_n_text(sub['n'], 'resp', per='per_goal')})", fontsize=10)
        ax.grid(axis="y", visible=False)
    # don't know panel
    ax = axes[-1]
    dk = data[data["category"] == DONT_KNOW]
    if by:
        dk = dk.groupby("goal_id")["count"].apply(lambda s: _num(s).sum(min_count=1))
        ans = data.groupby("goal_id").apply(lambda f: _num(f["count"]).sum(min_count=1), include_groups=False)
        dk_share = (dk / ans).reindex(goal_ids)
    else:
        dk_share = dk.set_index("goal_id")["_share"].reindex(goal_ids)
    ax.barh(y, dk_share.fillna(0), color="#969696", height=0.72)
    for yi, v in enumerate(dk_share):
        ax.text((0 if pd.isna(v) else v) + 0.004, yi, "–" if pd.isna(v) else f"{v:.0%}", va="center", fontsize=7.5)
    top = float(np.nanmax([dk_share.max(), 0.05])) if dk_share.notna().any() else 0.05
    ax.set_xlim(0, top * 1.6)
    ax.set_title(tr("perception.fig.likert.dk_title_groups") if by else tr("perception.fig.likert.dk_title"), fontsize=9.5)
    ax.set_xlabel("")
    ax.tick_params(axis="x", labelsize=7)
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    ax.xaxis.set_major_locator(MaxNLocator(2))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(ylabels, fontsize=8.5)
    axes[0].invert_yaxis()
    handles = [Patch(color=colors[c], label=f"{c} {cat_labels.get(c, '')}") for c in cats] + [Patch(color="#969696", label=tr("perception.dont_know"))]
    fig.legend(handles=handles, loc="lower center", ncol=6, fontsize=8.5, frameon=False, bbox_to_anchor=(0.5, 0.0))
    n_text = _n_text(pd.concat(n_all), "respondents", per="per_goal_group" if by else "per_goal")
    fig.suptitle(title or tr("perception.fig.likert.title"), fontsize=13, fontweight="bold", y=1 - 0.12 / fig.get_size_inches()[1])
    fig.text(0.5, 1 - 0.5 / fig.get_size_inches()[1], tr("perception.fig.likert.subtitle", n=n_text, min=f"{label_min:.0%}"), ha="center", fontsize=8.5, color="#333333")
    height = fig.get_size_inches()[1]
    fig.subplots_adjust(bottom=1.05 / height, top=1 - 1.0 / height)
    return fig


def importance_performance_plot(ipa: pd.DataFrame, *, title: str | None = None):
    """Importance-performance scatter with quadrant lines and goal labels.

    Parameters
    ----------
    ipa : pandas.DataFrame
        Output of :func:`importance_performance` (published or not).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(importance_performance_plot(ipa), "ipa")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap

    plt, _ = _setup()
    t = ipa.copy()
    for c in ("performance", "importance", "performance_ci_low", "performance_ci_high", "importance_ci_low", "importance_ci_high", "n", "performance_centre", "importance_centre"):
        t[c] = _num(t[c])
    shown = t.dropna(subset=["performance", "importance"])
    fig, (ax, key) = plt.subplots(1, 2, figsize=(13, 7.5), gridspec_kw={"width_ratios": [2.4, 1], "wspace": 0.02})
    pc = float(t["performance_centre"].dropna().iloc[0]) if t["performance_centre"].notna().any() else 3.0
    ic = float(t["importance_centre"].dropna().iloc[0]) if t["importance_centre"].notna().any() else 3.0
    weak = shown["candidate_weakness"].astype(bool)
    for is_weak, colour, label in ((False, "#4d4d4d", tr("perception.fig.ipa.goal")), (True, "#b2182b", tr("perception.fig.ipa.candidate"))):
        pts = shown[weak == is_weak]
        if pts.empty:
            continue
        ax.errorbar(
            pts["performance"], pts["importance"],
            xerr=[pts["performance"] - pts["performance_ci_low"], pts["performance_ci_high"] - pts["performance"]],
            yerr=[pts["importance"] - pts["importance_ci_low"], pts["importance_ci_high"] - pts["importance"]],
            fmt="o", color=colour, ecolor=colour, elinewidth=0.8, capsize=2, ms=7, label=label, alpha=0.9,
        )
    for _, r in shown.iterrows():
        ax.annotate(r["goal_id"], (r["performance"], r["importance"]), xytext=(6, 5), textcoords="offset points", fontsize=9.5, fontweight="bold",
                    color="#b2182b" if r["candidate_weakness"] else "#222222")
    x_lo = min(shown["performance_ci_low"].min(), pc) - 0.15 if len(shown) else 1
    x_hi = max(shown["performance_ci_high"].max(), pc) + 0.15 if len(shown) else 5
    y_lo = min(shown["importance_ci_low"].min(), ic) - 0.15 if len(shown) else 1
    y_hi = max(shown["importance_ci_high"].max(), ic) + 0.15 if len(shown) else 5
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.axvline(pc, color="#666666", ls="--", lw=1)
    ax.axhline(ic, color="#666666", ls="--", lw=1)
    corner = dict(fontsize=10, color="#777777", fontstyle="italic")
    ax.text(x_lo + 0.02, y_hi - 0.02, tr("perception.fig.ipa.concentrate"), ha="left", va="top", **corner)
    ax.text(x_hi - 0.02, y_hi - 0.02, tr("perception.fig.ipa.keep"), ha="right", va="top", **corner)
    ax.text(x_lo + 0.02, y_lo + 0.02, tr("perception.fig.ipa.low"), ha="left", va="bottom", **corner)
    ax.text(x_hi - 0.02, y_lo + 0.02, tr("perception.fig.ipa.overkill"), ha="right", va="bottom", **corner)
    centre_kind = tr("perception.fig.ipa.centre.midpoint") if pc == 3.0 and ic == 3.0 else tr("perception.fig.ipa.centre.means")
    ax.set_xlabel(tr("perception.fig.ipa.xlabel"))
    ax.set_ylabel(tr("perception.fig.ipa.ylabel"))
    ax.legend(loc="lower right", bbox_to_anchor=(1, 0.06), fontsize=8.5, frameon=True)
    ax.set_title(tr("perception.fig.ipa.subtitle", n=_n_text(t["n"], "respondents", per="per_goal"), centre=centre_kind), fontsize=9.5)
    key.set_axis_off()
    lines = []
    for _, r in t.iterrows():
        flag = "  ◀" if bool(r["candidate_weakness"]) else ""
        state = "" if pd.notna(r["performance"]) and pd.notna(r["importance"]) else tr("perception.fig.ipa.suppressed")
        lines.append((r["goal_id"], _wrap(str(r["goal_label"]), 34) + state + flag, bool(r["candidate_weakness"])))
    yy = 0.98
    for gid, text, is_weak in lines:
        key.text(0.02, yy, gid, fontsize=9, fontweight="bold", va="top", color="#b2182b" if is_weak else "#222222", transform=key.transAxes)
        key.text(0.16, yy, text, fontsize=8.5, va="top", color="#b2182b" if is_weak else "#222222", transform=key.transAxes)
        yy -= 0.04 + 0.03 * text.count("\n")
    key.text(0.02, yy - 0.02, tr("perception.fig.ipa.key"), fontsize=8, color="#b2182b", transform=key.transAxes, va="top")
    fig.suptitle(title or tr("perception.fig.ipa.title"), fontsize=13, fontweight="bold")
    return fig


def score_heatmap(group_scores: pd.DataFrame, *, by: str = "stakeholder_group", title: str | None = None):
    """Goal x group heatmap of mean ratings; suppressed cells are marked.

    Parameters
    ----------
    group_scores : pandas.DataFrame
        Output of :func:`scores` with ``by=by`` (published or not).
    by : str
        The grouping column (``"stakeholder_group"``, ``"area"``, ``"channel"``,
        ``"workshop_table"``).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(score_heatmap(scores(q, by="stakeholder_group")), "heatmap")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap, mark_suppressed

    plt, sns = _setup()
    cmap, norm = _score_cmap()
    t = group_scores.copy()
    label_col = _LABEL_OF.get(by) if _LABEL_OF.get(by) in t.columns else by
    t["_mean"] = _num(t["mean"])
    t["_n"] = _num(t["n"])
    t["_supp"] = t["n"].astype(object).eq(SUPPRESSED)
    unit = "goal_id" if "goal_id" in t.columns else "dimension_id"
    unit_label = "goal_label" if unit == "goal_id" else "dimension_label"
    rows = [u for u in (crf.GOAL_IDS if unit == "goal_id" else crf.DIMENSION_IDS) if u in set(t[unit])]
    cols = list(pd.unique(t[by]))
    grid = t.pivot_table(index=unit, columns=by, values="_mean", aggfunc="first", dropna=False).reindex(index=rows, columns=cols)
    supp = t.pivot_table(index=unit, columns=by, values="_supp", aggfunc="any", dropna=False).reindex(index=rows, columns=cols).fillna(False).astype(bool)
    col_labels = []
    for c in cols:
        sub = t[t[by] == c]
        lab = str(sub[label_col].iloc[0])
        n_sub = sub["_n"].dropna()
        if sub["_supp"].all():
            n_lab = tr("perception.fig.heat.n_below")
        elif n_sub.empty:
            n_lab = tr("common.n_equals", n=0)
        else:
            n_lab = tr("common.n_equals", n=int(n_sub.max()) if n_sub.min() == n_sub.max() else f"{int(n_sub.min())}–{int(n_sub.max())}")
        col_labels.append(f"{_wrap(lab, 16)}\n({n_lab})")
    names = dict(zip(t[unit], t[unit_label]))
    fig, ax = plt.subplots(figsize=(2.0 + 1.45 * len(cols) + 3.2, 0.55 * len(rows) + 2.6))
    sns.heatmap(grid.astype(float), annot=True, fmt=".2f", cmap=cmap, norm=norm, vmin=1, vmax=5, linewidths=0.6, linecolor="white",
                cbar_kws={"label": tr("perception.fig.heat.cbar"), "shrink": 0.8, "extend": "both"}, ax=ax, annot_kws={"fontsize": 9})
    # Only suppressed cells are 'suppressed'; an empty cell is 'no ratings'.
    marked = grid.where(supp, 0.0).where(~supp, np.nan)
    mark_suppressed(ax, marked)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            if pd.isna(grid.loc[r, c]) and not supp.loc[r, c]:
                ax.text(j + 0.5, i + 0.5, tr("perception.no_ratings"), ha="center", va="center", fontsize=7, color="#555555")
    ax.set_yticks(np.arange(len(rows)) + 0.5)
    ax.set_yticklabels([f"{r} {_wrap(str(names[r]), 36)}" for r in rows], rotation=0, fontsize=8.5)
    ax.set_xticks(np.arange(len(cols)) + 0.5)
    ax.set_xticklabels(col_labels, rotation=0, fontsize=8.5)
    ax.set_xlabel(_by_text(by).capitalize())
    ax.set_ylabel("")
    ax.set_title(title or tr("perception.fig.heat.title", by=_by_text(by)), fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def agreement_plot(table: pd.DataFrame, *, by: str | None = None, title: str | None = None):
    """Krippendorff's alpha per group (or workshop table), with the reliability thresholds.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`agreement` (published or not).
    by : str, optional
        Its grouping column; found automatically when omitted.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(agreement_plot(agreement(w, by="workshop_table")), "agreement")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap

    plt, _ = _setup()
    by = by or table.columns[0]
    label_col = _LABEL_OF.get(by) if _LABEL_OF.get(by) in table.columns else by
    t = table.reset_index(drop=True)
    alpha = _num(t["alpha"])
    n = t["n"]
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * len(t) + 2.2))
    y = np.arange(len(t))
    lo = min(-0.1, float(np.nanmin(alpha)) - 0.05) if alpha.notna().any() else -0.1
    for i, (a, nn) in enumerate(zip(alpha, n)):
        if pd.isna(a):
            txt = tr("common.suppressed") if str(nn) == SUPPRESSED else tr("perception.not_available")
            ax.text(0.02, i, txt, va="center", fontsize=8.5, color="#555555")
            continue
        colour = "#1a9850" if a >= ALPHA_RELIABLE else ("#fdae61" if a >= ALPHA_TENTATIVE else "#d73027")
        ax.hlines(i, 0, a, color=colour, lw=2)
        ax.plot(a, i, "o", color=colour, ms=8)
        ax.text(max(a, 0) + 0.02, i, tr("perception.fig.agree.value", alpha=f"{a:.2f}", n=nn), va="center", fontsize=8.5)
    ax.axvline(ALPHA_TENTATIVE, color="#fdae61", ls="--", lw=1, label=tr("perception.fig.agree.tentative"))
    ax.axvline(ALPHA_RELIABLE, color="#1a9850", ls="--", lw=1, label=tr("perception.fig.agree.reliable"))
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([_wrap(str(v), 28) for v in t[label_col]])
    ax.invert_yaxis()
    ax.set_xlim(lo, 1.0)
    ax.set_xlabel(tr("perception.fig.agree.xlabel"))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title or tr("perception.fig.agree.title", by=_by_text(by)), fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def _by_text(by: str, plural_form: bool = False) -> str:
    """A grouping column in running text ('stakeholder group'), in the report language."""
    family = "by_plural" if plural_form else "by"
    if by in ("stakeholder_group", "area", "channel", "workshop_table"):
        return tr(f"perception.{family}.{by}")
    return by.replace("_", " ") + ("s" if plural_form else "")


def _interviewees(summary: pd.DataFrame | None, n_interviewees: int | None) -> str:
    if n_interviewees is None and summary is not None and len(summary):
        total = summary.loc[summary["stakeholder_group"] == ALL, "n"]
        n_interviewees = total.iloc[0] if len(total) else None
    if n_interviewees is None:
        return ""
    if str(n_interviewees) == SUPPRESSED:
        return tr("perception.fig.codes.n_below")
    return tr("perception.fig.codes.n", n=int(n_interviewees))


def code_bars(codes: pd.DataFrame, *, title: str | None = None, summary: pd.DataFrame | None = None, n_interviewees: int | None = None):
    """Horizontal bars: interviewees raising each code, weaknesses and strengths.

    Parameters
    ----------
    codes : pandas.DataFrame
        Output of :func:`interview_codes` with ``level="code"`` and no ``by``
        (published or not).
    title : str, optional
        Figure title.
    summary : pandas.DataFrame, optional
        :func:`interview_summary`, for the number of interviewees in the title.
    n_interviewees : int, optional
        Total interviewees, when ``summary`` is not given.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(code_bars(interview_codes(a)), "codes")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch

    from .publishing.plots import _setup, _wrap

    plt, _ = _setup()
    t = codes.copy()
    t["_n"] = _num(t["n"])
    t["_s"] = _num(t["n_statements"])
    t["_supp"] = t["n"].astype(object).eq(SUPPRESSED)
    t = t.sort_values(["valence", "_n"], ascending=[False, False], key=lambda s: s.map({"weakness": 1, "strength": 0}) if s.name == "valence" else s, na_position="last").reset_index(drop=True)
    colours = {"weakness": "#d6604d", "strength": "#4393c3"}
    fig, ax = plt.subplots(figsize=(9.5, 0.42 * len(t) + 2.0))
    y = np.arange(len(t))
    ax.barh(y, t["_n"].fillna(0), color=[colours.get(v, "#999999") for v in t["valence"]], height=0.7)
    xmax = float(t["_n"].max()) if t["_n"].notna().any() else 5.0
    for i, r in t.iterrows():
        if r["_supp"]:
            ax.barh(i, xmax * 0.25, color="#eeeeee", edgecolor="#bbbbbb", hatch="///", height=0.7)
            ax.text(xmax * 0.26, i, tr("common.suppressed"), va="center", fontsize=8, color="#555555")
        else:
            ax.text(r["_n"] + xmax * 0.01, i, tr("perception.fig.codes.count", n=int(r["_n"]), statements=int(r["_s"])), va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels([_wrap(str(c), 36) for c in t["code"]], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, xmax * 1.3)
    ax.set_xlabel(tr("perception.fig.codes.xlabel"))
    ax.legend(handles=[Patch(color=c, label=term(v, "valence")) for v, c in colours.items()], loc="lower right", fontsize=9)
    n_text = _interviewees(summary, n_interviewees)
    ax.set_title(title or tr("perception.fig.codes.title", n=n_text), fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def cooccurrence_heatmap(pairs: pd.DataFrame, *, title: str | None = None, summary: pd.DataFrame | None = None, n_interviewees: int | None = None):
    """Matrix of codes raised by the same interviewee; suppressed cells are marked.

    The diagonal holds the number of interviewees who raised each code.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Output of :func:`code_cooccurrence` (published or not).
    title : str, optional
        Figure title.
    summary : pandas.DataFrame, optional
        :func:`interview_summary`, for the number of interviewees in the title.
    n_interviewees : int, optional
        Total interviewees, when ``summary`` is not given.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(cooccurrence_heatmap(code_cooccurrence(a)), "cooccurrence")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap, mark_suppressed

    plt, sns = _setup()
    t = pairs.copy()
    codes = list(dict.fromkeys([*t["code_a"], *t["code_b"]]))
    grid = pd.DataFrame(np.nan, index=codes, columns=codes)
    supp = pd.DataFrame(False, index=codes, columns=codes)
    for _, r in t.iterrows():
        val = _num(pd.Series([r["n"]])).iloc[0]
        grid.loc[r["code_a"], r["code_b"]] = grid.loc[r["code_b"], r["code_a"]] = val
        s = str(r["n"]) == SUPPRESSED
        supp.loc[r["code_a"], r["code_b"]] = supp.loc[r["code_b"], r["code_a"]] = s
        for code, n_col in ((r["code_a"], "n_a"), (r["code_b"], "n_b")):
            v = _num(pd.Series([r[n_col]])).iloc[0]
            if pd.notna(v):
                grid.loc[code, code] = v
    fig, ax = plt.subplots(figsize=(0.62 * len(codes) + 4.5, 0.55 * len(codes) + 2.6))
    mask = np.triu(np.ones_like(grid, dtype=bool), 1)
    sns.heatmap(grid, mask=mask, annot=True, fmt=".0f", cmap="Purples", linewidths=0.5, linecolor="white", cbar_kws={"label": tr("perception.fig.pairs.cbar"), "shrink": 0.7}, ax=ax, annot_kws={"fontsize": 8})
    ax.grid(False)
    lower_supp = supp.where(~mask, False)
    marked = grid.where(~lower_supp, np.nan).where(lower_supp, 0.0)
    mark_suppressed(ax, marked)
    ax.set_xticklabels([_wrap(c, 16) for c in codes], rotation=90, fontsize=8)
    ax.set_yticklabels([_wrap(c, 30) for c in codes], rotation=0, fontsize=8)
    n_text = _interviewees(summary, n_interviewees)
    ax.set_title(title or tr("perception.fig.pairs.title", n=n_text), fontsize=11, fontweight="bold")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------


def _usable(table: pd.DataFrame, min_cell_size: int, value: str = "mean") -> pd.DataFrame:
    """Rows that may be quoted in a finding: not suppressed, n >= min_cell_size, value known."""
    t = table.copy()
    t["_n"] = _num(t["n"])
    t["_v"] = _num(t[value])
    return t[(t["_n"] >= min_cell_size) & t["_v"].notna()]


def _weakest_text(goal_scores: pd.DataFrame, min_cell_size: int, k: int = 3) -> list[str]:
    s = _usable(goal_scores, min_cell_size)
    if s.empty:
        return [tr("perception.find.no_goal")]
    s = s.assign(_lo=_num(s["ci_low"]), _hi=_num(s["ci_high"]))
    level_col = "goal_id" if "goal_id" in s.columns else "dimension_id"
    weakest = s.nsmallest(min(k, len(s)), "_v")
    strongest = s.nlargest(1, "_v").iloc[0]

    def item(r) -> str:
        ci = tr("perception.find.ci", lo=f"{r['_lo']:.2f}", hi=f"{r['_hi']:.2f}") if pd.notna(r["_lo"]) else ""
        name = _goal_name(r[level_col]) if level_col == "goal_id" else f"*{r['dimension_label']}*"
        return tr("perception.find.item", name=name, mean=f"{r['_v']:.2f}", ci=ci, n=int(r["_n"]))

    below = s[s["_hi"] < 3]
    lines = [
        tr("perception.find.weakest", items="; ".join(item(r) for _, r in weakest.iterrows()), strongest=item(strongest)),
        tr("perception.find.below", n=len(below), total=len(s))
        + (f": {', '.join(below.sort_values('_v')[level_col])}." if len(below) else "."),
    ]
    if "share_dont_know" in s:
        dk = _num(s["share_dont_know"])
        if dk.notna().any():
            hi = s.loc[dk.idxmax()]
            lines.append(tr("perception.find.dont_know", lo=f"{dk.min():.0%}", hi=f"{dk.max():.0%}", goal=hi[level_col]))
    return lines


def _groups_text(differences: pd.DataFrame | None, group_scores: pd.DataFrame | None, min_cell_size: int, by: str) -> list[str]:
    if differences is None:
        return []
    d = differences.copy()
    d["_p"] = _num(d["pvalue_adj"])
    what = _by_text(by, plural_form=True)
    method = _adjustment_name(str(d["p_adjust"].iloc[0])) if len(d) else tr("perception.adjust.holm")
    d["_e"] = _num(d["epsilon_sq"])
    sig = d[d["significant"].astype(str).str.lower() == "true"].sort_values("_p")
    if sig.empty:
        return [tr("perception.find.no_differences", what=what, method=method)]
    parts = []
    label_col = _LABEL_OF.get(by, by)
    for _, r in sig.iterrows():
        text = tr("perception.find.difference", name=_goal_name(r["goal_id"]), h=f"{_num(pd.Series([r['h']])).iloc[0]:.1f}", epsilon=f"{r['_e']:.2f}", p=_fmt_p(r["_p"]))
        if group_scores is not None:
            g = _usable(group_scores[group_scores["goal_id"] == r["goal_id"]], min_cell_size)
            if len(g) >= 2:
                lab = label_col if label_col in g.columns else by
                hi, lo = g.loc[g["_v"].idxmax()], g.loc[g["_v"].idxmin()]
                text += tr("perception.find.difference_range", hi=hi[lab], hi_mean=f"{hi['_v']:.2f}", lo=lo[lab], lo_mean=f"{lo['_v']:.2f}")
        parts.append(text)
    return [tr(f"perception.find.differences.{plural(len(sig) != 1)}", what=what, n=len(sig), total=int(d["_p"].notna().sum()), method=method, items="; ".join(parts))]


def _adjustment_name(method: str) -> str:
    """'Holm', 'Benjamini-Hochberg'... for the findings text, in the report language."""
    return tr(f"perception.adjust.{method}") if method in _P_ADJUST_NAME else method


def findings_questionnaire(
    goal_scores: pd.DataFrame,
    *,
    group_scores: pd.DataFrame | None = None,
    differences: pd.DataFrame | None = None,
    mode: pd.DataFrame | None = None,
    ipa: pd.DataFrame | None = None,
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
) -> str:
    """Findings of the questionnaire, as markdown computed from the result tables.

    Parameters
    ----------
    goal_scores : pandas.DataFrame
        :func:`scores` per goal (published or not).
    group_scores : pandas.DataFrame, optional
        :func:`scores` by stakeholder group, to say which groups rate highest and lowest.
    differences : pandas.DataFrame, optional
        :func:`group_differences`.
    mode : pandas.DataFrame, optional
        :func:`mode_effect`.
    ipa : pandas.DataFrame, optional
        :func:`importance_performance`.
    min_cell_size : int
        Cells with fewer respondents are never quoted.

    Returns
    -------
    str
        Markdown bullet list.

    Examples
    --------
    >>> Markdown(findings_questionnaire(goal_scores, differences=kw, mode=mode))  # doctest: +SKIP
    """
    lines = _weakest_text(goal_scores, min_cell_size)
    by = str(differences["between"].iloc[0]) if differences is not None and len(differences) else "stakeholder_group"
    lines += _groups_text(differences, group_scores, min_cell_size, by)
    if mode is not None and len(mode):
        m = mode.copy()
        m["_p"] = _num(m["pvalue_adj"])
        method = _adjustment_name(str(m["p_adjust"].iloc[0]))
        sig = m[(m["significant"].astype(str).str.lower() == "true") & (_num(m["n"]) >= min_cell_size)]
        if sig.empty:
            lines.append(tr("perception.find.no_mode", method=method))
        else:
            parts = []
            for _, r in sig.iterrows():
                on, off = _num(pd.Series([r["mean_online"]])).iloc[0], _num(pd.Series([r["mean_offline"]])).iloc[0]
                direction = "lower" if off < on else "higher"
                parts.append(tr(f"perception.find.mode_item.{direction}", name=_goal_name(r["goal_id"]), offline=f"{off:.2f}", online=f"{on:.2f}",
                                r=f"{_num(pd.Series([r['rank_biserial']])).iloc[0]:.2f}", p=_fmt_p(r["_p"])))
            lines.append(tr(f"perception.find.mode.{plural(len(sig) != 1)}", n=len(sig), total=int(m["_p"].notna().sum()), method=method, items="; ".join(parts)))
    if ipa is not None and len(ipa):
        cand = ipa[ipa["candidate_weakness"].astype(str).str.lower() == "true"]
        cand = cand.assign(_gap=_num(cand["gap"])).sort_values("_gap", ascending=False)
        if cand.empty:
            lines.append(tr("perception.find.no_ipa"))
        else:
            lines.append(tr("perception.find.ipa", items="; ".join(
                tr("perception.find.ipa_item", name=_goal_name(r["goal_id"]), importance=f"{_num(pd.Series([r['importance']])).iloc[0]:.2f}",
                   performance=f"{_num(pd.Series([r['performance']])).iloc[0]:.2f}") for _, r in cand.iterrows())))
    return "\n".join(f"- {line}" for line in lines)


def findings_interviews(top: pd.DataFrame, *, strengths: pd.DataFrame | None = None, summary: pd.DataFrame | None = None, pairs: pd.DataFrame | None = None, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> str:
    """Findings of the key-stakeholder interviews, as markdown computed from the tables.

    Parameters
    ----------
    top : pandas.DataFrame
        :func:`top_weaknesses` (published or not).
    strengths : pandas.DataFrame, optional
        :func:`top_weaknesses` with ``valence="strength"``.
    summary : pandas.DataFrame, optional
        :func:`interview_summary`.
    pairs : pandas.DataFrame, optional
        :func:`code_cooccurrence`.
    min_cell_size : int
        Counts below it are never quoted.

    Returns
    -------
    str
        Markdown bullet list.  Quotes are attributed to stakeholder groups only.

    Examples
    --------
    >>> Markdown(findings_interviews(top_weaknesses(a)))  # doctest: +SKIP
    """
    lines = []
    if summary is not None and len(summary):
        total = summary[summary["stakeholder_group"] == ALL]
        if len(total):
            r = total.iloc[0]
            lines.append(tr("perception.find.interviews", n=r["n"], statements=r["n_statements"], weaknesses=r["n_weakness"], strengths=r["n_strength"]))
    t = _usable(top, min_cell_size, value="n")
    if t.empty:
        lines.append(tr("perception.find.no_weakness"))
    else:
        first = t.iloc[0]
        about = ", ".join(str(x) for x in (first.get("goal_label"), first.get("hazard_label")) if isinstance(x, str) and x)
        quote = tr("perception.find.quote", who=first["quote_from"], quote=first["quote"]) if isinstance(first.get("quote"), str) and first["quote"] else ""
        lines.append(tr("perception.find.top_weakness", code=first["code"], about=f" ({about})" if about else "", n=int(first["_n"]),
                        share=f"{_num(pd.Series([first['share_of_interviewees']])).iloc[0]:.0%}",
                        statements=int(_num(pd.Series([first["n_statements"]])).iloc[0]), quote=quote))
        rest = t.iloc[1:]
        if len(rest):
            lines.append(tr("perception.find.next_weaknesses", items="; ".join(tr("perception.find.code_item", code=r["code"], n=int(r["_n"])) for _, r in rest.iterrows())))
    if strengths is not None:
        s = _usable(strengths, min_cell_size, value="n")
        if len(s):
            lines.append(tr("perception.find.strengths", items="; ".join(tr("perception.find.code_item", code=r["code"], n=int(r["_n"])) for _, r in s.iterrows())))
    if pairs is not None and len(pairs):
        p = _usable(pairs, min_cell_size, value="n")
        p = p[p["_n"] > 0]
        if len(p):
            best = p.loc[p["_n"].idxmax()]
            lines.append(tr("perception.find.pairs", a=best["code_a"], b=best["code_b"], n=int(best["_n"])))
    return "\n".join(f"- {line}" for line in lines)


def findings_workshop(
    goal_scores: pd.DataFrame,
    *,
    agreement_tables: pd.DataFrame | None = None,
    group_scores: pd.DataFrame | None = None,
    differences: pd.DataFrame | None = None,
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
) -> str:
    """Findings of a City Perception Workshop, as markdown computed from the tables.

    Parameters
    ----------
    goal_scores : pandas.DataFrame
        :func:`scores` per goal.
    agreement_tables : pandas.DataFrame, optional
        :func:`agreement` by ``workshop_table``.
    group_scores, differences : pandas.DataFrame, optional
        :func:`scores` by stakeholder group and :func:`group_differences`.
    min_cell_size : int
        Cells with fewer participants are never quoted.

    Returns
    -------
    str
        Markdown bullet list.

    Examples
    --------
    >>> Markdown(findings_workshop(goal_scores, agreement_tables=alpha))  # doctest: +SKIP
    """
    lines = _weakest_text(goal_scores, min_cell_size)
    if agreement_tables is not None and len(agreement_tables):
        by = agreement_tables.columns[0]
        a = _usable(agreement_tables[agreement_tables[by] != ALL], min_cell_size, value="alpha")
        overall = agreement_tables[agreement_tables[by] == ALL]
        if len(a):
            lo, hi = a.loc[a["_v"].idxmin()], a.loc[a["_v"].idxmax()]
            counts = a["interpretation"].value_counts()
            summary = ", ".join(f"{counts[k]} {term(k, 'reading')}" for k in ("reliable", "tentative", "low") if k in counts)
            text = tr("perception.find.agreement", what=_by_text(by, plural_form=True), lo=f"{lo['_v']:.2f}", lo_name=lo[by], hi=f"{hi['_v']:.2f}",
                      hi_name=hi[by], n=len(a), summary=summary)
            if len(overall) and pd.notna(_num(overall["alpha"]).iloc[0]):
                text += tr("perception.find.agreement_all", alpha=f"{_num(overall['alpha']).iloc[0]:.2f}")
            lines.append(text)
        else:
            lines.append(tr("perception.find.no_agreement"))
    by = str(differences["between"].iloc[0]) if differences is not None and len(differences) else "stakeholder_group"
    lines += _groups_text(differences, group_scores, min_cell_size, by)
    return "\n".join(f"- {line}" for line in lines)
