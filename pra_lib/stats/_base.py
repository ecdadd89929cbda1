"""Shared ground of the statistics core: result records, warnings, argument checks and ranks.

The small, immutable result base class, the :class:`RuntimeWarning` helper, the
argument checks every public function runs, tie terms and average ranks (a counting
sort for ratings), sorted value codes and the values / group codes of a long frame.
Private to :mod:`pra_lib.stats`; the family modules (agreement, inference, intervals)
build on it.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

# Size limits for dense intermediate arrays (number of cells).
_DENSE_LIMIT = 50_000_000


# ---------------------------------------------------------------------------
# Result containers
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Result:
    """Base class of the small, immutable result records."""

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain ``dict``."""
        return asdict(self)


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


class NoDataWarning(RuntimeWarning):
    """An analysis was asked about data the assessment does not hold.

    The function still returns its (empty) result. A report that already says in one
    sentence that a section's data were not collected may ignore this category::

        warnings.simplefilter("ignore", pra.NoDataWarning)

    Other warnings (data present but unusable, such as too few ratings) stay visible.
    """


def _warn(message: str, stacklevel: int = 3, category: type[Warning] = RuntimeWarning) -> None:
    warnings.warn(message, category, stacklevel=stacklevel)


def _check_choice(name: str, value: Any, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")


def _check_ci(ci: float) -> float:
    try:
        ci = float(ci)
    except (TypeError, ValueError):
        raise ValueError(f"ci must be a number strictly between 0 and 1, got {ci!r}") from None
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must be strictly between 0 and 1, got {ci!r}")
    return ci


def _check_columns(data: Any, columns: Sequence[str], func: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{func}: data must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{func}: column(s) {missing} not found in data")


def _to_float_array(values: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be numeric") from None


def _tie_term(sorted_values: np.ndarray) -> float:
    """Sum of t**3 - t over the tie groups of an already sorted 1-D array."""
    if sorted_values.size < 2:
        return 0.0
    boundaries = np.flatnonzero(np.diff(sorted_values) != 0)
    run_lengths = np.diff(np.concatenate(([-1], boundaries, [sorted_values.size - 1])))
    t = run_lengths.astype(float)
    return float(np.sum(t**3 - t))


def _ranks_and_ties(values: np.ndarray) -> tuple[np.ndarray, float]:
    """Average ranks (as ``scipy.stats.rankdata``) and the tie term ``sum(t**3 - t)``.

    Ratings take few distinct values, so the ranks come from the value counts
    (a counting sort, O(n)) instead of a comparison sort. Every rank is an exact
    half-integer, so the result is identical to ``rankdata``; the tie term sums
    the same run lengths in the same (sorted) order as :func:`_tie_term`.
    """
    if values.size == 0:
        return np.empty(0), 0.0
    domain, codes = _codes_sorted(values)
    counts = np.bincount(codes, minlength=domain.size)
    end = np.cumsum(counts)
    midrank = 0.5 * (end + (end - counts) + 1)  # (first + last) / 2 of each tie group
    t = counts.astype(float)
    ties = float(np.sum(t**3 - t)) if values.size >= 2 else 0.0
    return midrank[codes], ties


def _long_groups(
    data: pd.DataFrame, dv: str, between: str, func: str
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Values, group codes and sorted group labels of a long data frame.

    Rows with a missing value or a missing group label are dropped.
    """
    _check_columns(data, [dv, between], func)
    values = _to_float_array(data[dv].to_numpy(), f"{func}: column {dv!r}")
    codes, labels = pd.factorize(data[between], sort=True, use_na_sentinel=True)
    keep = (codes >= 0) & ~np.isnan(values)
    values, codes = values[keep], codes[keep]
    present = np.bincount(codes, minlength=len(labels)) > 0
    remap = np.cumsum(present) - 1
    labels = [labels[i] for i in np.flatnonzero(present)]
    return values, remap[codes], labels



def _codes_sorted(values: np.ndarray, *, integer: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and the code of each value (fast for integers).

    ``integer=True`` promises that every value is a whole number (the column had
    an integer dtype), which skips the check.
    """
    if values.size == 0:
        return np.empty(0), np.empty(0, dtype=np.int64)
    lo, hi = values.min(), values.max()
    if hi - lo <= 10_000_000 and (integer or np.array_equal(values, np.floor(values))):
        if max(abs(lo), abs(hi)) < 2.0**52:  # whole numbers convert exactly: one temporary less
            offset = values.astype(np.int64)
            offset -= int(lo)
        else:
            offset = (values - lo).astype(np.int64)
        present = np.bincount(offset) > 0
        if present.all():  # every value in [lo, hi] occurs: the offset is the code
            return np.arange(present.size, dtype=float) + lo, offset
        lookup = np.cumsum(present) - 1
        domain = np.flatnonzero(present).astype(float) + lo
        return domain, lookup[offset]
    codes, domain = pd.factorize(values, sort=True)
    return np.asarray(domain, dtype=float), codes.astype(np.int64)
