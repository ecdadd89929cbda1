"""Fast-path array helpers for ratings: integer codes, cells, counts and their bootstrap.

Analyses of survey ratings (one row per respondent and item) run on integer codes rather
than on the values row by row: categorical columns are used through their codes
(:func:`_factor`), tuples of codes become one int64 key (:func:`_mixed_key`), groups come
in order of first appearance (:func:`_first_appearance`) and ratings are tabulated per
cell with ``np.bincount``. :class:`_Ratings` holds respondent-level ratings as arrays,
:class:`_ByUnit` gives the rated rows of each unit for per-unit tests, and
:func:`_counted_cells` / :func:`_weighted_cells` summarise every cell (bootstrap interval
of the mean, median, answer shares, "don't know" counts) from one count table, exactly as
:func:`pra_lib.stats.bootstrap_ci` would row by row.

Nothing here knows about PRA chapters: :mod:`pra_lib.perception` builds its tables on
these helpers.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ._base import _check_choice, _check_ci, _codes_sorted
from .intervals import DEFAULT_SCALE, METHODS, _bootstrap_cells, _stat_from_counts, bootstrap_ci, rating_ci


_DENSE = 50_000_000  # largest dense count table (cells)


# ---------------------------------------------------------------------------
# Codes and keys
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Respondent-level ratings
# ---------------------------------------------------------------------------


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
        if not self.whole and not _whole_numbers(self.rating, category):
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


_BLOCK = 1 << 20  # rows per block of a row-wise check


def _whole_numbers(values: np.ndarray, truncated: np.ndarray) -> bool:
    """Whether every non-NaN float of ``values`` equals its integer cast ``truncated``.

    Checked block by block: the masks and float copies of a check over all the rows at
    once would be temporaries of the frame's size (12 million ratings at a million
    respondents), each mapped afresh and faulted in, where a block's are recycled.
    """
    for lo in range(0, values.size, _BLOCK):
        v, c = values[lo:lo + _BLOCK], truncated[lo:lo + _BLOCK]
        if not ((c == v) | np.isnan(v)).all():
            return False
    return True


def _all_whole(values: np.ndarray) -> bool:
    """Whether every non-NaN float of ``values`` is a whole number, block by block (as
    :func:`_whole_numbers`, with no integer copy of the values)."""
    for lo in range(0, values.size, _BLOCK):
        v = values[lo:lo + _BLOCK]
        if not ((v == np.trunc(v)) | np.isnan(v)).all():
            return False
    return True


def _nunique(series: pd.Series) -> int:
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        if codes.size and codes.min() == codes.max():
            return int(codes[0] >= 0)
        codes = codes[codes >= 0] if codes.size and codes.min() < 0 else codes
        return int(np.count_nonzero(np.bincount(codes))) if codes.size else 0
    return int(series.nunique())


def _average(keys, key_cols, rating, dont_know, weight, whole=False):
    """Average the rows of each key tuple (pandas groupby in order of first appearance).

    When the rows of each tuple are already together (the sorted layout of
    ``ratings_frame``) and the ratings are whole numbers, the groups are runs of rows and
    their sums are exact, so ``np.add.reduceat`` gives pandas' means without hashing.
    """
    sizes = [len(keys[c][1]) for c in key_cols]
    key = _mixed_key([keys[c][0] for c in key_cols], sizes)
    # Float ratings that are all whole numbers (a ratings frame's) sum as exactly as Int8
    # codes, so they take the same runs-of-rows path instead of a groupby of every rating.
    if weight is None and key is not None and key.size and (key[1:] >= key[:-1]).all() and (whole or _all_whole(rating)):
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        rated = ~np.isnan(rating)
        total = np.add.reduceat(np.where(rated, rating, 0.0), starts)
        count = np.add.reduceat(rated, starts, dtype=np.int64)  # counted as int64, no int64 copy of the mask
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


# ---------------------------------------------------------------------------
# Cells: bootstrap and answer shares
# ---------------------------------------------------------------------------


def _check_bootstrap_options(method: str, n_resamples: Any, ci: float) -> float:
    """The argument checks of :func:`pra_lib.stats.rating_ci`, with its messages."""
    _check_choice("method", method, METHODS)
    ci = _check_ci(ci)
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) or n_resamples < 1:
        raise ValueError(f"n_resamples must be a positive integer, got {n_resamples!r}")
    return ci


def _counted_cells(resp: _Ratings, cell: np.ndarray, *, method: str, n_resamples: int, ci: float, seed: Any,
                   positive_min: float, negative_max: float, scale=DEFAULT_SCALE):
    """Bootstrap, answer sums and "don't know" counts of every cell, from one count table.

    Unweighted ratings: a cell is summarised by how many respondents gave each rating, so
    one pass over the rows tabulates everything. The bootstrap then runs on those counts
    exactly as :func:`pra_lib.stats.bootstrap_ci` would (same cells, same order, same
    generator), so the intervals are identical. A rating of at least ``positive_min`` is
    positive, one of at most ``negative_max`` negative, the rest neutral.
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
            domain, value_code = _codes_sorted(resp.rating if all_rated else resp.rating[rated])
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
    threshold = float(positive_min)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = _bootstrap_cells(
            entry_counts, entry_x, ones, bounds, statistic="mean", method=method, n_resamples=n_resamples, ci=ci,
            rng=np.random.default_rng(seed), threshold=threshold, label=lambda gi: f"cell {cells[gi]}", scale=scale,
        )
    degenerate = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    n = np.add.reduceat(entry_counts, bounds[:-1])
    median = [
        float(_stat_from_counts(entry_counts[None, a:b].astype(float), entry_x[a:b], ones[a:b], "median", threshold)[0])
        for a, b in zip(bounds[:-1], bounds[1:])
    ]
    boot = pd.DataFrame({"_cell": cells, "mean": [r[0] for r in rows], "ci_low": [r[1] for r in rows], "ci_high": [r[2] for r in rows],
                         "n": np.asarray([r[3] for r in rows], dtype=np.int64), "median": median})

    def share(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(np.where(mask, entry_counts, 0), bounds[:-1]).astype(float)

    with np.errstate(invalid="ignore"):
        sums = pd.DataFrame({"_cell": cells, "_w": n.astype(float), "_pos": share(entry_x >= positive_min),
                             "_neg": share(entry_x <= negative_max), "_neu": share((entry_x > negative_max) & (entry_x < positive_min))})
    return boot, sums, dk, degenerate


def _weighted_cells(resp: _Ratings, cell: np.ndarray, weights: str, *, method: str, n_resamples: int, ci: float, seed: Any,
                    positive_min: float, negative_max: float, scale=DEFAULT_SCALE):
    """As :func:`_counted_cells` for survey weights, with pandas sums and bootstrap_ci."""
    rated = ~np.isnan(resp.rating) & (cell >= 0)
    w = resp.weight
    dk_rows = resp.dont_know & (cell >= 0)
    dk = pd.DataFrame({"_cell": cell[dk_rows], "_w": w[dk_rows]}).groupby("_cell", sort=False).agg(n_dont_know=("_w", "size"), _dkw=("_w", "sum")).reset_index()
    r = resp.rating[rated]
    cells = cell[rated]
    # The intervals see the cell numbers as a categorical of 0 .. n - 1, so they group on
    # the codes instead of hashing every rating's cell number (the cells come out in the
    # same sorted order, and as the same numbers). copy=False: the arrays were taken here,
    # and the constructor would copy each once more.
    n_cells = int(cells.max()) + 1 if cells.size else 0
    boot_data = pd.DataFrame({"_cell": pd.Categorical.from_codes(cells, categories=pd.RangeIndex(n_cells), validate=False),
                              "rating": r, weights: w[rated]}, copy=False)
    # The weighted shares come from a frame of their own, let go before the intervals are
    # drawn: with millions of ratings its four columns would double the memory they need.
    frame = pd.DataFrame({"_cell": cells, "_w": boot_data[weights]}, copy=False)
    del cells
    frame["_pos"] = (r >= positive_min) * frame["_w"]
    frame["_neg"] = (r <= negative_max) * frame["_w"]
    frame["_neu"] = ((r > negative_max) & (r < positive_min)) * frame["_w"]
    sums = frame.groupby("_cell", sort=False)[["_w", "_pos", "_neg", "_neu"]].sum().reset_index()
    del frame
    if not len(boot_data):
        return pd.DataFrame(columns=["_cell", "mean", "ci_low", "ci_high", "n", "median"]), sums, dk, []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        boot = rating_ci(boot_data, value="rating", by="_cell", weights=weights, statistic="mean", method=method, scale=scale, n_resamples=n_resamples, ci=ci, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        med = bootstrap_ci(boot_data, value="rating", by="_cell", weights=weights, statistic="median", n_resamples=1, ci=ci, seed=seed)
    degenerate = [str(m.message) for m in caught if issubclass(m.category, RuntimeWarning)]
    boot = boot[["_cell", "estimate", "ci_low", "ci_high", "n"]].rename(columns={"estimate": "mean"})
    boot["_cell"] = boot["_cell"].to_numpy(dtype=np.int64)
    boot["median"] = med["estimate"].to_numpy()
    return boot, sums, dk, degenerate
