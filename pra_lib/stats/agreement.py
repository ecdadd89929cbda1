"""Reliability and agreement: Cronbach's alpha, Krippendorff's alpha, Fleiss' kappa, Kendall's W.

Each coefficient with its result record and private helpers (pairwise covariances,
the units x values count table and the disagreement sums of Krippendorff's alpha).
Formulas and reference values: ``docs/methods.md`` (section "Statistics").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _sps

from ._base import _check_choice, _check_ci, _codes_sorted, _Result, _tie_term, _to_float_array, _warn


@dataclass(frozen=True)
class CronbachAlphaResult(_Result):
    """Cronbach's alpha with its Feldt confidence interval."""

    alpha: float
    ci_low: float
    ci_high: float
    n_items: int
    n_obs: int


@dataclass(frozen=True)
class KendallWResult(_Result):
    """Kendall's coefficient of concordance and its chi-squared test."""

    w: float
    chi2: float
    dof: int
    pvalue: float


# ---------------------------------------------------------------------------
# Cronbach's alpha
# ---------------------------------------------------------------------------


def cronbach_alpha(
    items: pd.DataFrame, *, nan_policy: str = "pairwise", ci: float = 0.95
) -> CronbachAlphaResult:
    """Cronbach's alpha with a Feldt confidence interval.

    Parameters
    ----------
    items : pandas.DataFrame
        Wide table, one row per respondent and one numeric column per item.
        ``NaN`` marks a missing answer (for example "don't know").
    nan_policy : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"`` computes every item covariance from the respondents who
        answered both items (as ``pingouin.cronbach_alpha`` and
        ``psych::alpha(use="pairwise")``); ``n_obs`` is then the number of
        respondents who answered at least one item. ``"listwise"`` keeps only
        complete respondents; ``n_obs`` is the number of complete cases.
    ci : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    CronbachAlphaResult
        ``alpha``, ``ci_low``, ``ci_high``, ``n_items`` and ``n_obs``.

    Notes
    -----
    ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` where ``C`` is the item
    covariance matrix. Feldt's interval uses ``F(n - 1, (n - 1)(k - 1))`` with
    ``n = n_obs``: ``1 - (1 - alpha) * F_{upper/lower}`` (Feldt, Woodruff &
    Salih 1987). Fewer than two items or respondents, an item pair never
    answered together, or zero total variance give ``NaN`` with a
    :class:`RuntimeWarning`. With missing answers the pairwise covariances come
    from matrix products over blocks of rows (item sums, cross products and
    pair counts), as ``DataFrame.cov`` but several times faster.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 5], "q3": [1, 3, 3, 4, 4]})
    >>> res = cronbach_alpha(df)
    >>> round(res.alpha, 3), res.n_items, res.n_obs
    (0.954, 3, 5)
    """
    if not isinstance(items, pd.DataFrame):
        raise ValueError(f"items must be a pandas DataFrame, got {type(items).__name__}")
    _check_choice("nan_policy", nan_policy, ("pairwise", "listwise"))
    ci = _check_ci(ci)
    try:
        frame = items.astype(float)
    except (TypeError, ValueError):
        raise ValueError("cronbach_alpha: all item columns must be numeric") from None

    mat = frame.to_numpy(dtype=float)
    observed = ~np.isnan(mat)
    complete = observed.all(axis=1)
    if nan_policy == "listwise":
        mat = mat if complete.all() else mat[complete]
        n_obs = mat.shape[0]
    else:
        n_obs = int(observed.any(axis=1).sum())  # a row with no answer at all carries nothing
    k = mat.shape[1]
    nan_result = CronbachAlphaResult(np.nan, np.nan, np.nan, int(k), int(n_obs))
    if k < 2:
        _warn(f"cronbach_alpha: needs at least two items, got {k}; returning NaN")
        return nan_result
    if n_obs < 2:
        _warn(f"cronbach_alpha: needs at least two respondents with answers, got {n_obs}; returning NaN")
        return nan_result

    if nan_policy == "listwise" or complete.all():
        cov = np.cov(mat.T, ddof=1)  # what DataFrame.cov does when nothing is missing
    else:
        cov = _pairwise_cov(mat, observed)
    if np.isnan(cov).any():
        _warn(
            "cronbach_alpha: some item pairs have fewer than two respondents in common, so their "
            "covariance is undefined; returning NaN"
        )
        return nan_result
    total = cov.sum()
    if not total > 0:
        _warn("cronbach_alpha: the total score has zero variance (identical answers); returning NaN")
        return nan_result

    alpha = k / (k - 1) * (1.0 - np.trace(cov) / total)
    tail = (1.0 - ci) / 2.0
    df1 = n_obs - 1
    df2 = df1 * (k - 1)
    ci_low = 1.0 - (1.0 - alpha) * _sps.f.isf(tail, df1, df2)
    ci_high = 1.0 - (1.0 - alpha) * _sps.f.ppf(tail, df1, df2)
    return CronbachAlphaResult(float(alpha), float(ci_low), float(ci_high), int(k), int(n_obs))


def _pairwise_cov(mat: np.ndarray, observed: np.ndarray, chunk: int = 65_536) -> np.ndarray:
    """Pairwise-complete covariance matrix (ddof 1), as ``DataFrame.cov`` with NaN.

    For items i, j over the rows where both are answered:
    ``cov_ij = (S_ij - S_i(j) S_j(i) / n_ij) / (n_ij - 1)``, with the sums taken as
    matrix products (values centred on the item means first, which avoids cancellation)
    in blocks of rows, so memory stays small. ``NaN`` where fewer than two rows overlap.
    """
    k = mat.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.nansum(mat, axis=0) / observed.sum(axis=0)
    centre = np.where(np.isfinite(centre), centre, 0.0)
    n_ij = np.zeros((k, k))
    s_ij = np.zeros((k, k))
    s_i = np.zeros((k, k))
    for start in range(0, mat.shape[0], chunk):
        seen = observed[start:start + chunk].astype(float)
        z = np.where(observed[start:start + chunk], mat[start:start + chunk] - centre, 0.0)
        n_ij += seen.T @ seen
        s_ij += z.T @ z
        s_i += z.T @ seen  # s_i[i, j]: sum of item i over the rows where j (and so i) is answered
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (s_ij - s_i * s_i.T / n_ij) / (n_ij - 1.0)
    cov[n_ij < 2] = np.nan
    return cov


# ---------------------------------------------------------------------------
# Krippendorff's alpha
# ---------------------------------------------------------------------------


def _interval_sums(
    data: np.ndarray, observed: np.ndarray, m_u: np.ndarray, values: np.ndarray
) -> tuple[float, float]:
    """Observed and expected disagreement sums for the interval metric.

    ``data`` (raters x units) holds only pairable units and ``values`` its
    observed entries. Returns ``(sum_o, sum_e)`` with
    ``alpha = 1 - (n - 1) * sum_o / sum_e``.
    """
    centre = values.mean()  # alpha is shift invariant; centring avoids cancellation
    filled = np.where(observed, data - centre, 0.0)
    s1 = filled.sum(axis=0)
    s2 = np.einsum("ij,ij->j", filled, filled)
    # sum over ordered pairs i != j within a unit of (v_i - v_j)^2 = 2 (m S2 - S1^2)
    sum_o = float(np.sum(2.0 * (m_u * s2 - s1 * s1) / (m_u - 1.0)))
    centred = values - centre
    sum_e = float(2.0 * values.size * np.dot(centred, centred))
    return sum_o, sum_e


def _unit_value_table(data: np.ndarray, max_values: int = 64) -> tuple[np.ndarray, np.ndarray] | None:
    """Units x values count table of a raters x units array, or ``None``.

    Only for whole-number ratings spanning at most ``max_values`` values (Likert
    scales, nominal codes); ``None`` otherwise, or when nothing is observed.
    Returns the table (int) and the values ``lo, lo + 1, ..., hi`` of its columns.
    """
    if data.size == 0:
        return None
    lo, hi = np.fmin.reduce(data, axis=None), np.fmax.reduce(data, axis=None)  # NaN-skipping
    if np.isnan(lo) or hi - lo >= max_values:
        return None
    span = int(hi - lo) + 1
    offset = data - lo
    offset[np.isnan(offset)] = span  # missing ratings get their own code, dropped below
    code = offset.astype(np.intp)
    if not np.array_equal(code, offset):  # not whole numbers
        return None
    del offset
    n_units = data.shape[1]
    code *= n_units
    code += np.arange(n_units)
    table = np.bincount(code.ravel(), minlength=(span + 1) * n_units).reshape(span + 1, n_units)
    return np.ascontiguousarray(table[:span].T), np.arange(span, dtype=float) + lo


def _unit_value_counts(data: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """Dense units x values count matrix for a small value domain."""
    return np.stack([(data == v).sum(axis=0) for v in domain], axis=1).astype(float)


def _alpha_from_table(table: np.ndarray, domain: np.ndarray, *, level: str, stacklevel: int = 4) -> float:
    """Krippendorff's alpha from the units x values count table (``table[u, c]`` is how
    many raters gave value ``domain[c]`` to unit ``u``; ``domain`` sorted).

    Alpha depends on the ratings only through this table, so callers that can count
    (for example :func:`pra_lib.perception.agreement`) get exactly the value
    :func:`krippendorff_alpha` gives for the full raters x units array.
    ``stacklevel`` points the warnings at the caller's caller.
    """
    m_u = table.sum(axis=1)
    pairable = m_u >= 2
    if not pairable.all():
        table, m_u = table[pairable], m_u[pairable]
    n = int(m_u.sum())
    if n == 0:
        _warn("krippendorff_alpha: no unit has two or more ratings (nothing is pairable); returning NaN", stacklevel)
        return float("nan")
    n_c = table.sum(axis=0)
    present = n_c > 0
    table, domain, n_c = table[:, present], domain[present], n_c[present].astype(float)
    if domain.size < 2:
        _warn(
            "krippendorff_alpha: all pairable ratings are identical, so the expected "
            "disagreement is zero and alpha is undefined; returning NaN",
            stacklevel,
        )
        return float("nan")
    m = m_u.astype(float)
    cell = table.astype(float)
    if level in ("interval", "ordinal"):
        # ordinal = interval on the mid-ranks of the pairable values
        points = domain if level == "interval" else np.cumsum(n_c) - n_c / 2.0
        dev = points - (n_c @ points) / n  # centred: alpha is shift invariant
        s1, s2 = cell @ dev, cell @ (dev * dev)
        sum_o = float(np.sum(2.0 * (m * s2 - s1 * s1) / (m - 1.0)))
        sum_e = float(2.0 * n * np.dot(n_c, dev * dev))
    elif level == "nominal":
        sq = np.einsum("ij,ij->i", cell, cell)
        sum_o = float(np.sum((m * m - sq) / (m - 1.0)))
        sum_e = float(n * n - np.sum(n_c**2))
    else:  # ratio
        sum_o, sum_e = _ratio_sums(None, None, domain, None, m, n_c, cell=cell)
    if not sum_e > 0:
        _warn("krippendorff_alpha: expected disagreement is zero; returning NaN", stacklevel)
        return float("nan")
    return float(1.0 - (n - 1.0) * sum_o / sum_e)


def krippendorff_alpha(ratings: Any, *, level: str = "interval") -> float:
    """Krippendorff's alpha reliability coefficient.

    Parameters
    ----------
    ratings : array_like, shape (n_raters, n_units)
        Reliability data: row ``i`` holds the values rater ``i`` gave to each
        unit; ``NaN`` (or ``None``) marks a missing rating. Values must be
        numeric, except at the nominal level where any labels are accepted.
    level : {"nominal", "ordinal", "interval", "ratio"}, default "interval"
        Level of measurement, which selects the difference function.

    Returns
    -------
    float
        ``alpha = 1 - D_o / D_e``. ``NaN`` (with a :class:`RuntimeWarning`)
        when fewer than two raters are given, no unit has two ratings, or all
        pairable values are identical.

    Notes
    -----
    Computed from the coincidence matrix (Krippendorff 2011). Only units with
    at least two ratings are pairable. The ordinal metric is Krippendorff's
    rank-based one, ``delta_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2) ** 2``
    with the pairable value frequencies ``n_g``; it is *not* Gwet's ordinal
    weights. It equals the interval metric applied to the mid-ranks of the
    pairable values, which is how it is computed here. Alpha depends on the
    ratings only through the units x values count table; for whole-number
    ratings spanning at most 64 values (Likert scales, nominal codes) that table
    is tabulated with one ``np.bincount`` and every level is computed from it.
    Other data use column reductions over the raters x units array. There is no
    Python loop over units: 1e6 raters x 12 units take about 0.1 s.

    Examples
    --------
    >>> import numpy as np
    >>> nan = np.nan
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(data, level="nominal"), 3)
    0.743
    """
    _check_choice("level", level, ("nominal", "ordinal", "interval", "ratio"))
    if isinstance(ratings, pd.DataFrame):
        ratings = ratings.to_numpy()
    try:
        data = np.asarray(ratings, dtype=float)
    except (TypeError, ValueError):
        if level != "nominal":
            raise ValueError(
                f"krippendorff_alpha: ratings must be numeric at the {level} level"
            ) from None
        raw = np.asarray(ratings, dtype=object)
        if raw.ndim == 1:
            raw = raw[np.newaxis, :]
        codes, _ = pd.factorize(pd.Series(raw.ravel()), use_na_sentinel=True)
        data = np.where(codes < 0, np.nan, codes).astype(float).reshape(raw.shape)
    if data.ndim == 1:
        data = data[np.newaxis, :]
    if data.ndim != 2:
        raise ValueError(
            f"krippendorff_alpha: ratings must be 2-D (raters x units), got {data.ndim} dimensions"
        )
    n_raters, n_units = data.shape
    if n_raters < 2:
        _warn(f"krippendorff_alpha: needs at least two raters, got {n_raters}; returning NaN")
        return float("nan")
    if np.isinf(data).any():
        raise ValueError("krippendorff_alpha: ratings must be finite (use NaN for missing)")
    if level == "ratio" and np.nanmin(data, initial=0.0) < 0:
        raise ValueError("krippendorff_alpha: the ratio level requires non-negative values")

    tabulated = _unit_value_table(data)
    if tabulated is not None:
        # Whole-number ratings in a small range (Likert data): everything follows from
        # the units x values count table, in a few passes over the ratings.
        return _alpha_from_table(*tabulated, level=level, stacklevel=4)

    observed = ~np.isnan(data)
    m_u = observed.sum(axis=0)
    pairable = m_u >= 2
    if not pairable.all():
        data, observed, m_u = data[:, pairable], observed[:, pairable], m_u[pairable]
    n = int(m_u.sum())
    if n == 0:
        _warn("krippendorff_alpha: no unit has two or more ratings (nothing is pairable); returning NaN")
        return float("nan")
    values = data[observed]
    domain, codes = _codes_sorted(values)
    n_c = np.bincount(codes, minlength=domain.size).astype(float)
    if domain.size < 2:
        _warn(
            "krippendorff_alpha: all pairable ratings are identical, so the expected "
            "disagreement is zero and alpha is undefined; returning NaN"
        )
        return float("nan")

    m = m_u.astype(float)
    n_v = domain.size
    small_domain = n_v <= 64
    if level == "interval":
        sum_o, sum_e = _interval_sums(data, observed, m, values)
    elif level == "ordinal":
        midrank = np.cumsum(n_c) - n_c / 2.0
        ranked = np.zeros(data.shape)
        ranked[observed] = midrank[codes]
        sum_o, sum_e = _interval_sums(ranked, observed, m, ranked[observed])
    elif level == "nominal":
        if small_domain:
            cell = _unit_value_counts(data, domain)
            sq = np.einsum("ij,ij->i", cell, cell)
        else:
            _, units = np.nonzero(observed)
            keys, counts = np.unique(units * n_v + codes, return_counts=True)
            sq = np.bincount(keys // n_v, weights=counts.astype(float) ** 2, minlength=m.size)
        sum_o = float(np.sum((m * m - sq) / (m - 1.0)))
        sum_e = float(n * n - np.sum(n_c**2))
    else:  # ratio
        sum_o, sum_e = _ratio_sums(data, observed, domain, codes, m, n_c)

    if not sum_e > 0:
        _warn("krippendorff_alpha: expected disagreement is zero; returning NaN")
        return float("nan")
    return float(1.0 - (n - 1.0) * sum_o / sum_e)


def _ratio_sums(
    data: np.ndarray | None,
    observed: np.ndarray | None,
    domain: np.ndarray,
    codes: np.ndarray | None,
    m_u: np.ndarray,
    n_c: np.ndarray,
    *,
    cell: np.ndarray | None = None,
) -> tuple[float, float]:
    """Observed / expected disagreement sums for the ratio metric.

    ``cell`` is the units x values count table when the caller has it already.
    """
    n_v = domain.size
    if n_v > 50_000:
        raise ValueError(
            f"krippendorff_alpha: {n_v} distinct values is too many for the ratio level "
            "(the metric needs a values x values matrix); round or bin the data"
        )

    def delta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        s = a + b
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(s != 0, (a - b) / np.where(s != 0, s, 1.0), 0.0)
        return d * d

    weight = 1.0 / (m_u - 1.0)
    if cell is not None or n_v <= 64:
        # coincidence matrix o = N^T diag(w) N - diag(sum_u w_u N_u)
        if cell is None:
            cell = _unit_value_counts(data, domain)
        weighted = cell * weight[:, None]
        coinc = weighted.T @ cell - np.diag(weighted.sum(axis=0))
        sum_o = float(np.sum(coinc * delta(domain[:, None], domain[None, :])))
    else:
        # sparse: all pairs of (unit, value) cells within each unit
        _, units = np.nonzero(observed)
        keys, counts = np.unique(units * n_v + codes, return_counts=True)
        u, c = keys // n_v, keys % n_v
        starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
        sizes = np.diff(np.r_[starts, u.size])
        per_row = np.repeat(sizes, sizes)
        a = np.repeat(np.arange(u.size), per_row)
        first = np.repeat(np.repeat(starts, sizes), per_row)
        offset = np.arange(a.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        b = first + offset
        contrib = counts[a] * counts[b] * weight[u[a]] * delta(domain[c[a]], domain[c[b]])
        sum_o = float(np.sum(contrib))
    sum_e = 0.0
    block = max(1, 5_000_000 // n_v)
    for start in range(0, n_v, block):
        stop = min(n_v, start + block)
        d = delta(domain[start:stop, None], domain[None, :])
        sum_e += float(n_c[start:stop] @ d @ n_c)
    return sum_o, sum_e


# ---------------------------------------------------------------------------
# Fleiss' kappa
# ---------------------------------------------------------------------------


def fleiss_kappa(counts: Any) -> float:
    """Fleiss' kappa for a fixed number of raters per subject.

    Parameters
    ----------
    counts : array_like, shape (n_subjects, n_categories)
        ``counts[i, j]`` is the number of raters who put subject ``i`` in
        category ``j``. Every subject must have the same total number of
        ratings; subjects with no ratings at all are dropped with a warning.

    Returns
    -------
    float
        ``kappa = (P_bar - P_e) / (1 - P_e)`` (Fleiss 1971), as
        ``irr::kappam.fleiss`` and ``statsmodels.stats.inter_rater.fleiss_kappa``.
        ``NaN`` (with a :class:`RuntimeWarning`) for fewer than two raters per
        subject, no subjects, or when every rating falls in one category.

    Examples
    --------
    >>> counts = [[3, 0], [0, 3], [2, 1], [3, 0]]
    >>> round(fleiss_kappa(counts), 3)
    0.625
    """
    raw = counts.to_numpy() if isinstance(counts, pd.DataFrame) else counts
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "iu":
        table = raw.astype(np.int64, copy=False)  # whole numbers: exact integer sums, no float copy
    else:
        table = _to_float_array(raw, "counts")
    if table.ndim != 2:
        raise ValueError(
            f"fleiss_kappa: counts must be 2-D (subjects x categories), got {table.ndim} dimensions"
        )
    if table.dtype.kind in "iu":
        if table.size and table.min() < 0:
            raise ValueError("fleiss_kappa: counts must be non-negative whole numbers without NaN")
    elif np.isnan(table).any() or (table < 0).any() or not np.array_equal(table, np.floor(table)):
        raise ValueError("fleiss_kappa: counts must be non-negative whole numbers without NaN")
    totals = table.sum(axis=1)
    if (totals == 0).any():
        _warn(f"fleiss_kappa: dropping {int((totals == 0).sum())} subject(s) with no ratings")
        table, totals = table[totals > 0], totals[totals > 0]
    if table.shape[0] == 0:
        _warn("fleiss_kappa: no rated subjects; returning NaN")
        return float("nan")
    if not np.all(totals == totals[0]):
        raise ValueError(
            "fleiss_kappa: every subject must have the same number of ratings "
            f"(row totals range from {totals.min():g} to {totals.max():g})"
        )
    n_raters = totals[0]
    if n_raters < 2:
        _warn("fleiss_kappa: a single rater per subject gives no agreement to measure; returning NaN")
        return float("nan")
    n_sub = table.shape[0]
    p_j = table.sum(axis=0) / (n_sub * n_raters)
    p_i = (np.einsum("ij,ij->i", table, table) - n_raters) / (n_raters * (n_raters - 1))  # no n x k temporary
    p_bar = p_i.mean()
    p_e = np.sum(p_j * p_j)
    if abs(p_e - 1.0) <= 1e-8 + 1e-5:  # np.isclose(p_e, 1.0), without its overhead
        _warn("fleiss_kappa: all ratings fall in a single category (chance agreement is 1); returning NaN")
        return float("nan")
    return float((p_bar - p_e) / (1.0 - p_e))


# ---------------------------------------------------------------------------
# Kendall's W
# ---------------------------------------------------------------------------


def kendall_w(ratings: Any, *, correct_ties: bool = True) -> KendallWResult:
    """Kendall's coefficient of concordance W.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_objects, n_raters)
        Rows are the objects being ranked (for example the 12 CRF goals),
        columns are the raters. Scores are ranked within each rater (column)
        with average ranks for ties. Objects with any missing rating are
        dropped (listwise, as ``irr::kendall``). Transposing the table changes
        the answer.
    correct_ties : bool, default True
        Use the tie-corrected form (``irr::kendall(correct=TRUE)``); recommended
        for Likert data, which is full of ties.

    Returns
    -------
    KendallWResult
        ``w``, ``chi2 = m (n - 1) W``, ``dof = n - 1`` and ``pvalue`` (upper
        tail of the chi-squared distribution).

    Notes
    -----
    ``W = 12 S / (m^2 (n^3 - n) - m T)`` where ``S`` is the sum of squared
    deviations of the object rank sums from their mean and
    ``T = sum(t^3 - t)`` over the tie groups of every rater (``T = 0`` when
    ``correct_ties=False``). The chi-squared statistic equals Friedman's
    tie-corrected statistic with raters as blocks.

    Examples
    --------
    >>> res = kendall_w([[1, 1, 2], [2, 3, 1], [3, 2, 3], [4, 4, 4]])
    >>> round(res.w, 3), res.dof
    (0.778, 3)
    """
    frame = ratings if isinstance(ratings, pd.DataFrame) else pd.DataFrame(np.asarray(ratings))
    try:
        mat = frame.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("kendall_w: ratings must be numeric") from None
    if mat.ndim != 2:
        raise ValueError("kendall_w: ratings must be 2-D (objects x raters)")
    mat = mat[~np.isnan(mat).any(axis=1)]
    n, m = mat.shape
    nan_result = KendallWResult(np.nan, np.nan, max(n - 1, 0), np.nan)
    if m < 2:
        _warn(f"kendall_w: needs at least two raters (columns), got {m}; returning NaN")
        return nan_result
    if n < 2:
        _warn(f"kendall_w: needs at least two complete objects (rows), got {n}; returning NaN")
        return nan_result
    ranks = _sps.rankdata(mat, axis=0)
    rank_sums = ranks.sum(axis=1)
    s = float(np.sum((rank_sums - rank_sums.mean()) ** 2))
    ties = 0.0
    if correct_ties:
        srt = np.sort(mat, axis=0)
        ties = sum(_tie_term(srt[:, j]) for j in range(m))
    denom = m**2 * (n**3 - n) - m * ties
    if not denom > 0:
        _warn("kendall_w: every rater gave all objects the same score (zero variance); returning NaN")
        return nan_result
    w = 12.0 * s / denom
    chi2 = m * (n - 1) * w
    return KendallWResult(float(w), float(chi2), int(n - 1), float(_sps.chi2.sf(chi2, n - 1)))


def likert_consensus(counts: Any, *, points: Any = None) -> np.ndarray | float:
    """Tastle & Wierman's (2007) consensus of answers on one ordinal (Likert) scale.

    ``Cns = 1 + sum_i p_i log2(1 - |X_i - mu| / d)``, with ``p_i`` the share of answers
    in category ``X_i``, ``mu`` the mean answer and ``d`` the width of the scale. It is 1
    when everybody gives the same answer, 0 when the answers split equally between the
    two ends, and 0.43 for answers spread evenly over 5 points. Unlike Krippendorff's
    alpha it needs no units rated by several raters: it describes how far the people
    who answered one question agree, which is what questionnaire respondents are.

    Parameters
    ----------
    counts : array_like
        Answers per category, the categories in scale order along the last axis (every
        scale point, also those nobody chose); 2-D for one row per question or group.
    points : array_like, optional
        The category values; default ``1 .. K``. ``d`` is ``max(points) - min(points)``.

    Returns
    -------
    float or numpy.ndarray
        The consensus of each row; ``NaN`` (with a warning) for a row without answers.

    Examples
    --------
    >>> round(likert_consensus([30, 40, 210, 130, 530, 50, 10]), 7)  # agrmt::consensus example
    0.7256876
    >>> likert_consensus([[5, 0, 0, 0, 5], [0, 0, 7, 0, 0]]).tolist()
    [0.0, 1.0]
    """
    f = _to_float_array(counts, "likert_consensus: counts")
    if f.ndim not in (1, 2) or f.shape[-1] < 2:
        raise ValueError("likert_consensus: counts must be 1-D or 2-D with at least two categories")
    if np.isnan(f).any() or (f < 0).any() or np.isinf(f).any():
        raise ValueError("likert_consensus: counts must be finite and non-negative")
    x = np.arange(1.0, f.shape[-1] + 1) if points is None else _to_float_array(points, "likert_consensus: points")
    if x.shape != (f.shape[-1],) or not np.all(np.diff(x) > 0):
        raise ValueError("likert_consensus: points must be increasing, one per category")
    rows = np.atleast_2d(f)
    total = rows.sum(axis=1)
    if (total == 0).any():
        _warn(f"likert_consensus: {int((total == 0).sum())} row(s) have no answers; their consensus is NaN")
    with np.errstate(invalid="ignore", divide="ignore"):
        p = rows / total[:, None]
        mu = p @ x
        dist = 1.0 - np.abs(x[None, :] - mu[:, None]) / (x[-1] - x[0])
        # a category nobody chose adds nothing (0 * log 0 := 0); dist > 0 unless mu is at
        # one end, which leaves every answer at that end
        terms = np.where(p > 0, p * np.log2(np.where(p > 0, dist, 1.0)), 0.0)
        out = 1.0 + terms.sum(axis=1)
    out = np.where(total > 0, out, np.nan)
    return float(out[0]) if f.ndim == 1 else out
