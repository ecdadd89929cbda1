"""Ordinal helpers on arrays: medians under resampling weights, quartiles and ranks.

Ratings on a short ordinal scale (1-5 likelihoods, severities) take a few distinct values;
these functions work on raters x items arrays with NaN for a missing rating, column by
column, without building one array per bootstrap resample. Nothing here knows about PRA
chapters.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["descending_ranks", "quartiles", "weighted_medians"]


def weighted_medians(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Median of each column of ``values`` (raters x hazards, NaN missing) under rater weights.

    ``weights`` (resamples x raters) holds how often each rater is drawn. The ratings take a
    few distinct values, so the medians come from weighted category counts, which costs
    resamples x hazards x categories and never builds a resamples x raters x hazards array.
    The median of an even count averages the two middle values, as ``numpy.median`` does.
    """
    n_boot = weights.shape[0]
    n_haz = values.shape[1]
    out = np.full((n_boot, n_haz), np.nan)
    ok = ~np.isnan(values)
    if not ok.any():
        return out
    domain = np.unique(values[ok])
    k = domain.size
    codes = np.searchsorted(domain, np.where(ok, values, domain[0]))
    onehot = np.zeros((values.shape[0], n_haz, k))
    r_idx, h_idx = np.nonzero(ok)
    onehot[r_idx, h_idx, codes[r_idx, h_idx]] = 1.0
    onehot = onehot.reshape(values.shape[0], n_haz * k)
    chunk = max(1, 4_000_000 // max(n_haz * k, 1))
    for start in range(0, n_boot, chunk):
        w = weights[start:start + chunk].astype(float)
        counts = (w @ onehot).reshape(w.shape[0], n_haz, k)
        cum = np.cumsum(counts, axis=2)
        n = cum[:, :, -1]
        lo = np.floor((n - 1) / 2)
        hi = np.floor(n / 2)
        k_lo = np.minimum((cum <= lo[..., None]).sum(axis=2), k - 1)
        k_hi = np.minimum((cum <= hi[..., None]).sum(axis=2), k - 1)
        med = (domain[k_lo] + domain[k_hi]) / 2.0
        out[start:start + chunk] = np.where(n > 0, med, np.nan)
    return out


def quartiles(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and third quartiles per column (numpy's default linear interpolation)."""
    if values.size == 0:
        empty = np.full(values.shape[1], np.nan)
        return empty, empty.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: unrated hazards
        q1, q3 = np.nanquantile(values, [0.25, 0.75], axis=0)
    return q1, q3


def descending_ranks(scores: np.ndarray, ties: str) -> np.ndarray:
    """Rank 1 = highest score, along the last axis; NaN scores get NaN ranks."""
    from scipy.stats import rankdata

    if ties not in ("average", "min"):
        raise ValueError(f"ties must be 'average' or 'min', got {ties!r}")
    scores = np.asarray(scores, dtype=float)
    if scores.size == 0:
        return scores.copy()
    if np.isnan(scores).all():
        return np.full(scores.shape, np.nan)
    return rankdata(-scores, method=ties, axis=-1, nan_policy="omit").astype(float)
