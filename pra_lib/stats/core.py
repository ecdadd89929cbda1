"""Statistics core for analysing a Preliminary Resilience Assessment (PRA).

Reliability and agreement (Cronbach's alpha, Krippendorff's alpha, Fleiss'
kappa, Kendall's W), rank-based group comparisons (Kruskal-Wallis, Mann-Whitney
U, Dunn's post-hoc test) and a fast multinomial bootstrap for confidence
intervals of ordinal ratings.

Conventions
-----------
* Data first, options keyword-only; every function is pure (inputs are never
  modified).
* Malformed arguments (unknown option, missing column, wrong shape) raise
  :class:`ValueError`.
* Degenerate but well-formed inputs (a single rater, identical ratings, an empty
  group, all values missing) never crash: the affected quantity is ``NaN`` and a
  :class:`RuntimeWarning` names the problem.
* The formulas, references and the choices made where published tools disagree
  are documented in ``docs/methods.md`` (section "Statistics").
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as _sps

__all__ = [
    "CronbachAlphaResult",
    "KendallWResult",
    "KruskalWallisResult",
    "MannWhitneyResult",
    "bootstrap_ci",
    "cronbach_alpha",
    "dunn",
    "fleiss_kappa",
    "kendall_w",
    "krippendorff_alpha",
    "kruskal_wallis",
    "mann_whitney",
    "p_adjust",
]

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


@dataclass(frozen=True)
class KruskalWallisResult(_Result):
    """Kruskal-Wallis H test with two effect sizes."""

    h: float
    dof: int
    pvalue: float
    epsilon_sq: float
    eta_sq_h: float
    n: int
    k: int


@dataclass(frozen=True)
class MannWhitneyResult(_Result):
    """Mann-Whitney U test (U of the first sample) with rank-biserial r."""

    u: float
    pvalue: float
    rank_biserial: float
    n_x: int
    n_y: int


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _warn(message: str, stacklevel: int = 3) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=stacklevel)


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


# ---------------------------------------------------------------------------
# Kruskal-Wallis
# ---------------------------------------------------------------------------


def kruskal_wallis(data: pd.DataFrame, *, dv: str, between: str) -> KruskalWallisResult:
    """Kruskal-Wallis rank-sum test with tie correction and effect sizes.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table, one row per observation.
    dv : str
        Column with the (ordinal or numeric) values.
    between : str
        Column with the group labels. Rows with a missing value or label are
        dropped.

    Returns
    -------
    KruskalWallisResult
        ``h`` (tie-corrected, as R ``kruskal.test``), ``dof = k - 1``,
        ``pvalue``, ``epsilon_sq = H / (n - 1)``,
        ``eta_sq_h = (H - k + 1) / (n - k)``, ``n`` and ``k`` (groups with at
        least one observation).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [1, 2, 2, 3, 4, 4, 5, 5],
    ...                    "group": ["a", "a", "a", "b", "b", "c", "c", "c"]})
    >>> res = kruskal_wallis(df, dv="score", between="group")
    >>> res.k, res.n, round(res.h, 3)
    (3, 8, 6.085)
    """
    values, codes, labels = _long_groups(data, dv, between, "kruskal_wallis")
    n, k = values.size, len(labels)
    nan_result = KruskalWallisResult(np.nan, max(k - 1, 0), np.nan, np.nan, np.nan, int(n), int(k))
    if k < 2:
        _warn(f"kruskal_wallis: needs at least two non-empty groups, got {k}; returning NaN")
        return nan_result
    ranks, ties = _ranks_and_ties(values)
    n_j = np.bincount(codes, minlength=k).astype(float)
    r_j = np.bincount(codes, weights=ranks, minlength=k)
    correction = 1.0 - ties / (n**3 - n)
    if not correction > 0:
        _warn("kruskal_wallis: all values are identical (zero variance); returning NaN")
        return nan_result
    h = (12.0 / (n * (n + 1.0)) * np.sum(r_j**2 / n_j) - 3.0 * (n + 1.0)) / correction
    dof = k - 1
    eta = (h - k + 1.0) / (n - k) if n > k else np.nan
    if n <= k:
        _warn("kruskal_wallis: n <= k, eta_sq_h = (H - k + 1) / (n - k) is undefined; it is NaN")
    return KruskalWallisResult(
        float(h), int(dof), float(_sps.chi2.sf(h, dof)), float(h / (n - 1.0)), float(eta), int(n), int(k)
    )


# ---------------------------------------------------------------------------
# Mann-Whitney U
# ---------------------------------------------------------------------------


def mann_whitney(x: Any, y: Any, *, alternative: str = "two-sided") -> MannWhitneyResult:
    """Mann-Whitney U test with tie and continuity corrections.

    Parameters
    ----------
    x, y : array_like
        The two independent samples; ``NaN`` values are dropped.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        ``"greater"`` tests whether ``x`` tends to be larger than ``y``.

    Returns
    -------
    MannWhitneyResult
        ``u`` is U of the first sample (R's ``W``),
        ``U_x = R_x - n_x (n_x + 1) / 2``; ``pvalue`` from the normal
        approximation with tie-corrected variance and a 0.5 continuity
        correction (R ``wilcox.test(exact=FALSE, correct=TRUE)``, scipy
        ``mannwhitneyu(method="asymptotic", use_continuity=True)``);
        ``rank_biserial = 2 U_x / (n_x n_y) - 1`` (positive: ``x`` tends to be
        larger); ``n_x`` and ``n_y``.

    Notes
    -----
    The normal approximation is always used, also for small tie-free
    samples where R would default to the exact distribution; Likert data
    are full of ties, where R also uses this approximation.

    Examples
    --------
    >>> res = mann_whitney([19, 22, 16, 29, 24], [20, 11, 17, 12])
    >>> res.u, round(res.pvalue, 4), round(res.rank_biserial, 2)
    (17.0, 0.1113, 0.7)
    """
    _check_choice("alternative", alternative, ("two-sided", "greater", "less"))
    xa = _to_float_array(x, "x").ravel()
    ya = _to_float_array(y, "y").ravel()
    xa, ya = xa[~np.isnan(xa)], ya[~np.isnan(ya)]
    n_x, n_y = xa.size, ya.size
    if n_x == 0 or n_y == 0:
        _warn(f"mann_whitney: an empty sample (n_x={n_x}, n_y={n_y}); returning NaN")
        return MannWhitneyResult(np.nan, np.nan, np.nan, int(n_x), int(n_y))
    pooled = np.concatenate([xa, ya])
    ranks, ties = _ranks_and_ties(pooled)
    u = float(ranks[:n_x].sum() - n_x * (n_x + 1) / 2.0)
    big_n = n_x + n_y
    mu = n_x * n_y / 2.0
    var = n_x * n_y / 12.0 * ((big_n + 1.0) - ties / (big_n * (big_n - 1.0)))
    r_rb = 2.0 * u / (n_x * n_y) - 1.0
    if not var > 0:
        _warn("mann_whitney: all values are identical (zero variance); p-value is NaN")
        return MannWhitneyResult(u, np.nan, r_rb, int(n_x), int(n_y))
    diff = u - mu
    if alternative == "two-sided":
        corr = 0.5 * np.sign(diff)
    elif alternative == "greater":
        corr = 0.5
    else:
        corr = -0.5
    z = (diff - corr) / np.sqrt(var)
    if alternative == "two-sided":
        p = 2.0 * min(_sps.norm.cdf(z), _sps.norm.sf(z))
    elif alternative == "greater":
        p = _sps.norm.sf(z)
    else:
        p = _sps.norm.cdf(z)
    return MannWhitneyResult(u, float(min(p, 1.0)), float(r_rb), int(n_x), int(n_y))


# ---------------------------------------------------------------------------
# Multiple-comparison adjustment and Dunn's test
# ---------------------------------------------------------------------------


def p_adjust(pvalues: Any, *, method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons (as R ``p.adjust``).

    Parameters
    ----------
    pvalues : array_like
        Raw p-values; ``NaN`` entries are left as ``NaN`` and do not count
        towards the number of tests.
    method : {"holm", "bonferroni", "fdr_bh", "none"}, default "holm"
        Holm (1979) step-down, Bonferroni, Benjamini-Hochberg (1995) false
        discovery rate, or no adjustment.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, capped at 1.

    Examples
    --------
    >>> p_adjust([0.01, 0.02, 0.04], method="holm").round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    _check_choice("method", method, ("holm", "bonferroni", "fdr_bh", "none"))
    p = _to_float_array(pvalues, "pvalues").ravel().copy()
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m == 0 or method == "none":
        return p
    if method == "bonferroni":
        adj = np.minimum(1.0, q * m)
    elif method == "holm":
        order = np.argsort(q, kind="stable")
        stepped = np.maximum.accumulate((m - np.arange(m)) * q[order])
        adj = np.empty(m)
        adj[order] = np.minimum(1.0, stepped)
    else:  # fdr_bh
        order = np.argsort(q, kind="stable")[::-1]
        i = np.arange(m, 0, -1)
        stepped = np.minimum.accumulate(m / i * q[order])
        adj = np.empty(m)
        adj[order] = np.minimum(1.0, stepped)
    p[ok] = adj
    return p


def dunn(data: pd.DataFrame, *, dv: str, between: str, p_adjust: str = "holm") -> pd.DataFrame:
    """Dunn's (1964) pairwise z-tests after a Kruskal-Wallis test.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table, one row per observation.
    dv : str
        Column with the values.
    between : str
        Column with the group labels (rows with a missing value or label are
        dropped).
    p_adjust : {"holm", "bonferroni", "fdr_bh", "none"}, default "holm"
        Multiple-comparison adjustment over all ``k (k - 1) / 2`` pairs.

    Returns
    -------
    pandas.DataFrame
        One row per pair, groups in sorted order, with columns ``group_a``,
        ``group_b``, ``z``, ``pvalue`` (two-sided), ``pvalue_adj`` and
        ``p_adjust``. A positive ``z`` means ``group_a`` has the higher mean
        rank.

    Notes
    -----
    Ranks are computed over all groups pooled.
    ``z = (Rbar_a - Rbar_b) / sqrt((N (N + 1) / 12 - T / (12 (N - 1))) (1/n_a + 1/n_b))``
    with ``T = sum(t^3 - t)`` over tie groups, as ``dunn.test``,
    ``FSA::dunnTest`` and ``scikit_posthocs.posthoc_dunn``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [1, 2, 2, 3, 4, 4, 5, 5],
    ...                    "group": ["a", "a", "a", "b", "b", "c", "c", "c"]})
    >>> dunn(df, dv="score", between="group")[["group_a", "group_b"]].values.tolist()
    [['a', 'b'], ['a', 'c'], ['b', 'c']]
    """
    method = p_adjust
    _check_choice("p_adjust", method, ("holm", "bonferroni", "fdr_bh", "none"))
    values, codes, labels = _long_groups(data, dv, between, "dunn")
    columns = ["group_a", "group_b", "z", "pvalue", "pvalue_adj", "p_adjust"]
    k, n = len(labels), values.size
    if k < 2:
        _warn(f"dunn: needs at least two non-empty groups, got {k}; returning no comparisons")
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("z", "pvalue", "pvalue_adj") else object)
                             for c in columns})
    ranks, ties = _ranks_and_ties(values)
    n_j = np.bincount(codes, minlength=k).astype(float)
    mean_rank = np.bincount(codes, weights=ranks, minlength=k) / n_j
    var = n * (n + 1.0) / 12.0 - ties / (12.0 * (n - 1.0)) if n > 1 else 0.0
    ia, ib = np.triu_indices(k, 1)
    if not var > 0:
        _warn("dunn: all values are identical (zero variance); z and p-values are NaN")
        z = np.full(ia.size, np.nan)
    else:
        z = (mean_rank[ia] - mean_rank[ib]) / np.sqrt(var * (1.0 / n_j[ia] + 1.0 / n_j[ib]))
    p = 2.0 * _sps.norm.sf(np.abs(z))
    return pd.DataFrame(
        {
            "group_a": [labels[i] for i in ia],
            "group_b": [labels[i] for i in ib],
            "z": z,
            "pvalue": p,
            "pvalue_adj": _p_adjust_impl(p, method=method),
            "p_adjust": method,
        },
        columns=columns,
    )


_p_adjust_impl = p_adjust


# ---------------------------------------------------------------------------
# Multinomial bootstrap
# ---------------------------------------------------------------------------


def _stat_from_counts(
    counts: np.ndarray, x: np.ndarray, w: np.ndarray, statistic: str, threshold: float
) -> np.ndarray:
    """Statistic of every row of a (resamples x cells) count matrix."""
    kw = counts * w
    total = kw.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if statistic == "mean":
            out = (kw @ x) / total
        elif statistic == "share_positive":
            out = (kw @ (x >= threshold).astype(float)) / total
        else:  # weighted median; cells are sorted by rating
            cum = np.cumsum(kw, axis=1)
            half = total / 2.0
            tol = 1e-12 * total
            lo = np.argmax(cum >= (half - tol)[:, None], axis=1)
            hi = np.argmax(cum > (half + tol)[:, None], axis=1)
            out = (x[lo] + x[hi]) / 2.0
    return np.where(total > 0, out, np.nan)


def _percentile_of_score(boot: np.ndarray, score: float) -> float:
    return float(((boot < score).sum() + (boot <= score).sum()) / (2.0 * boot.size))


def _group_codes(data: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Row -> group index (-1 for a missing label) and the sorted group keys."""
    n_rows = len(data)
    if not by:
        return np.zeros(n_rows, dtype=np.int64), pd.DataFrame(index=range(1))
    codes_list, uniques_list = [], []
    for col in by:
        series = data[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy()  # small ints; widened when combined
            uniques = series.cat.categories
        else:
            codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
        codes_list.append(codes)
        uniques_list.append(uniques)
    sizes = [len(u) for u in uniques_list]
    valid = None  # None: every row has all its labels (the common case, no mask needed)
    for codes in codes_list:
        if codes.size and codes.min() < 0:
            valid = (codes >= 0) if valid is None else valid & (codes >= 0)
    total = int(np.prod(sizes, dtype=np.float64))
    if total > 2**62:  # mixed-radix key would overflow int64: let pandas number the groups
        if valid is None:
            valid = np.ones(n_rows, dtype=bool)
        frame = pd.DataFrame(np.stack(codes_list, axis=1)[valid])
        ngroup = frame.groupby(list(frame.columns), sort=True).ngroup().to_numpy()
        group = np.full(n_rows, -1, dtype=np.int64)
        group[valid] = ngroup
        first = frame.groupby(list(frame.columns), sort=True).head(1)
        first = first.iloc[np.argsort(ngroup[first.index.to_numpy()])]
        key_frame = pd.DataFrame(
            {col: np.asarray(u, dtype=object)[first[i].to_numpy()] for i, (col, u) in enumerate(zip(by, uniques_list))}
        )
        return group, key_frame
    combined = codes_list[0].astype(np.int64)
    for codes, size in zip(codes_list[1:], sizes[1:]):
        combined *= size
        combined += codes
    if total == 0 or n_rows == 0 or (valid is not None and not valid.any()):
        present_keys = np.empty(0, dtype=np.int64)
        group = np.full(n_rows, -1, dtype=np.int64)
    elif total <= _DENSE_LIMIT:
        present = np.bincount(combined if valid is None else combined[valid], minlength=total) > 0
        present_keys = np.flatnonzero(present)
        if valid is None:
            group = combined if present.all() else (np.cumsum(present) - 1)[combined]
        else:
            lookup = np.cumsum(present) - 1
            group = np.where(valid, lookup[np.where(valid, combined, 0)], -1)
    else:
        present_keys, inverse = np.unique(combined if valid is None else combined[valid], return_inverse=True)
        if valid is None:
            group = inverse.astype(np.int64)
        else:
            group = np.full(n_rows, -1, dtype=np.int64)
            group[valid] = inverse
    keys = {}
    rest = present_keys.copy()
    for col, uniques, size in reversed(list(zip(by, uniques_list, sizes))):
        keys[col] = np.asarray(uniques, dtype=object)[rest % size] if size else np.empty(0, dtype=object)
        rest //= size
    key_frame = pd.DataFrame({col: keys[col] for col in by})
    for col, uniques in zip(by, uniques_list):
        try:
            key_frame[col] = key_frame[col].astype(data[col].dtype)
        except (TypeError, ValueError):
            pass
    return group, key_frame


def _bootstrap_cells(
    cell_counts: np.ndarray,
    cell_x: np.ndarray,
    cell_w: np.ndarray,
    bounds: np.ndarray,
    *,
    statistic: str,
    method: str,
    n_resamples: int,
    ci: float,
    rng: np.random.Generator,
    threshold: float,
    label: Any,
) -> list[tuple[float, float, float, int]]:
    """The multinomial bootstrap of every group, from its (rating, weight) cell counts.

    Group ``g`` owns the cells ``bounds[g]:bounds[g + 1]``, sorted by rating
    (then weight). Groups are drawn in order from the one generator ``rng``.
    ``label(g)`` names a group in warnings. Returns one
    ``(estimate, ci_low, ci_high, n)`` per group. This is the core of
    :func:`bootstrap_ci`; :mod:`pra_lib.perception` calls it with cell counts
    it has already tabulated, so the results are identical.
    """
    tail = (1.0 - ci) / 2.0
    z_lo, z_hi = special.ndtri(tail), special.ndtri(1.0 - tail)
    rows = []
    for gi in range(bounds.size - 1):
        sl = slice(bounds[gi], bounds[gi + 1])
        cnt, x, w = cell_counts[sl], cell_x[sl], cell_w[sl]
        n = int(cnt.sum())
        if n == 0:
            _warn(f"bootstrap_ci: group ({label(gi)}) has no non-missing ratings; returning NaN")
            rows.append((np.nan, np.nan, np.nan, 0))
            continue
        estimate = float(_stat_from_counts(cnt[None, :].astype(float), x, w, statistic, threshold)[0])
        if np.isnan(estimate):
            _warn(f"bootstrap_ci: group ({label(gi)}) has zero total weight; returning NaN")
            rows.append((np.nan, np.nan, np.nan, n))
            continue
        if x[0] == x[-1]:  # cells are sorted by rating: a single distinct rating
            _warn(
                f"bootstrap_ci: all ratings of group ({label(gi)}) are identical (zero variance); "
                "the interval collapses to the estimate"
            )
            rows.append((estimate, estimate, estimate, n))
            continue
        draws = rng.multinomial(n, cnt / n, size=n_resamples).astype(float)
        boot = _stat_from_counts(draws, x, w, statistic, threshold)
        boot = boot[~np.isnan(boot)]  # resamples whose drawn respondents all have weight 0
        if boot.size == 0:
            _warn(f"bootstrap_ci: group ({label(gi)}): every resample has zero total weight; returning NaN")
            rows.append((estimate, np.nan, np.nan, n))
            continue
        if boot.min() == boot.max():
            # e.g. the median of a large sample: every resample gives the same value
            rows.append((estimate, float(boot[0]), float(boot[0]), n))
            continue
        if method == "percentile":
            lo, hi = np.quantile(boot, [tail, 1.0 - tail])
        else:
            z0 = special.ndtri(_percentile_of_score(boot, estimate))
            # leave-one-out: row c is the sample with one respondent removed from cell c
            loo = cnt[None, :].astype(float) - np.eye(cnt.size)
            theta = _stat_from_counts(loo, x, w, statistic, threshold)
            ok = ~np.isnan(theta)
            mult, theta = cnt[ok].astype(float), theta[ok]
            theta_dot = np.sum(mult * theta) / mult.sum() if mult.sum() > 0 else np.nan
            dev = theta_dot - theta
            den = np.sum(mult * dev**2) ** 1.5
            if not den > 0:
                _warn(
                    f"bootstrap_ci: group ({label(gi)}): the jackknife values are all equal, so the "
                    "BCa acceleration is undefined; using acceleration 0 (bias-corrected percentile)"
                )
                acc = 0.0
            else:
                acc = np.sum(mult * dev**3) / (6.0 * den)
            with np.errstate(invalid="ignore", divide="ignore"):
                a1 = special.ndtr(z0 + (z0 + z_lo) / (1.0 - acc * (z0 + z_lo)))
                a2 = special.ndtr(z0 + (z0 + z_hi) / (1.0 - acc * (z0 + z_hi)))
            if np.isnan(a1) or np.isnan(a2):
                _warn(f"bootstrap_ci: group ({label(gi)}): the BCa interval is undefined; returning NaN")
                rows.append((estimate, np.nan, np.nan, n))
                continue
            lo, hi = np.quantile(boot, [a1, a2])
        rows.append((estimate, float(lo), float(hi), n))
    return rows


def bootstrap_ci(
    data: pd.DataFrame,
    *,
    value: str,
    by: str | Sequence[str] | None = None,
    weights: str | None = None,
    statistic: str = "mean",
    method: str = "percentile",
    n_resamples: int = 2000,
    ci: float = 0.95,
    seed: Any = 0,
    positive_threshold: float = 4,
) -> pd.DataFrame:
    """Bootstrap confidence intervals of ordinal ratings, per group.

    A bootstrap resample of the ``n`` respondents of a group is exactly a
    ``Multinomial(n, p)`` draw of the counts of its distinct (rating, weight)
    cells, with ``p`` the observed cell proportions. All ``n_resamples``
    resamples are drawn at once and the statistic is computed from the cell
    counts, so the cost depends on the number of cells, not on ``n``.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table, one row per respondent (and item).
    value : str
        Column with the ratings; ``NaN`` (e.g. "don't know") is dropped.
    by : str, list of str or None, default None
        Grouping column(s); ``None`` gives one overall interval. Rows with a
        missing group label are ignored. Groups are processed in sorted order.
    weights : str or None, default None
        Optional column of non-negative survey weights; weights travel with
        their respondent when resampling. Rows with a missing weight are
        dropped.
    statistic : {"mean", "median", "share_positive"}, default "mean"
        (Weighted) mean, (weighted) median, or (weighted) share of ratings
        ``>= positive_threshold``. The weighted median is the smallest rating
        whose cumulative weight reaches half the total, averaged with the next
        rating when the cumulative weight equals exactly half (this is
        ``numpy.median`` when all weights are equal).
    method : {"percentile", "bca"}, default "percentile"
        Percentile interval or bias-corrected and accelerated (BCa) interval
        (Efron 1987), as ``scipy.stats.bootstrap``. The BCa jackknife is exact
        and cheap: a leave-one-out sample only depends on which cell lost a
        respondent.
    n_resamples : int, default 2000
        Number of bootstrap resamples.
    ci : float, default 0.95
        Confidence level.
    seed : int, numpy.random.Generator or None, default 0
        Seed for ``numpy.random.default_rng``; one generator is used for all
        groups in sorted order, so results are reproducible.
    positive_threshold : float, default 4
        Threshold of ``statistic="share_positive"``.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``statistic``, ``estimate`` (the plain,
        weighted statistic of the data), ``ci_low``, ``ci_high``, ``n``
        (respondents with a rating) and ``method``. An empty group (all
        ratings missing) gives ``NaN`` with a :class:`RuntimeWarning`; a group
        whose ratings are all identical gives ``ci_low = ci_high = estimate``
        with a warning.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rating": [1, 2, 3, 4, 5, 4, 4, 3, 2, 5],
    ...                    "group": list("aaaaabbbbb")})
    >>> out = bootstrap_ci(df, value="rating", by="group", n_resamples=500, seed=1)
    >>> out[["group", "estimate", "n"]].values.tolist()
    [['a', 3.0, 5], ['b', 3.6, 5]]
    """
    _check_choice("statistic", statistic, ("mean", "median", "share_positive"))
    _check_choice("method", method, ("percentile", "bca"))
    ci = _check_ci(ci)
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) or n_resamples < 1:
        raise ValueError(f"n_resamples must be a positive integer, got {n_resamples!r}")
    by_cols = [] if by is None else ([by] if isinstance(by, str) else list(by))
    needed = [value] + by_cols + ([weights] if weights is not None else [])
    _check_columns(data, needed, "bootstrap_ci")
    if value in by_cols or (weights is not None and (weights in by_cols or weights == value)):
        raise ValueError("bootstrap_ci: value, weights and by columns must be distinct")
    threshold = float(positive_threshold)

    column = data[value]
    integer = pd.api.types.is_integer_dtype(column.dtype)
    group, keys = _group_codes(data, by_cols)
    n_groups = len(keys)
    tabulated = _integer_cells(column, group, n_groups) if integer and weights is None else None
    if tabulated is not None:  # Likert codes in an integer column: one pass, no float copy
        if by_cols and n_groups == 0:
            _warn("bootstrap_ci: no row has a complete group label; returning an empty table")
        cell_counts, cell_x, cell_w, bounds = tabulated
        return _bootstrap_table(keys, by_cols, cell_counts, cell_x, cell_w, bounds, statistic=statistic, method=method,
                                n_resamples=n_resamples, ci=ci, seed=seed, threshold=threshold)
    vals = _to_float_array(column.to_numpy(), f"bootstrap_ci: column {value!r}")
    keep = ~np.isnan(vals)
    if group.size and group.min() < 0:
        keep &= group >= 0
    if weights is not None:
        wts = _to_float_array(data[weights].to_numpy(), f"bootstrap_ci: column {weights!r}")
        keep &= ~np.isnan(wts)
        if (wts[keep] < 0).any() or np.isinf(wts[keep]).any():
            raise ValueError("bootstrap_ci: weights must be finite and non-negative")
    if not integer and np.isinf(vals).any() and np.isinf(vals[keep]).any():
        raise ValueError(f"bootstrap_ci: column {value!r} contains infinite values")

    if by_cols and n_groups == 0:
        _warn("bootstrap_ci: no row has a complete group label; returning an empty table")
    all_kept = bool(keep.all())
    g = group if all_kept else group[keep]
    domain, r_code = _codes_sorted(vals if all_kept else vals[keep], integer=integer)
    n_r = max(domain.size, 1)
    if weights is not None:
        w_code, w_uniques = pd.factorize(wts[keep])
        w_uniques = np.asarray(w_uniques, dtype=float)
    else:
        w_code, w_uniques = None, np.ones(1)
    n_w = max(w_uniques.size, 1)
    # g is a private array (never the caller's), so the key is built in place
    cell_key = np.multiply(g, n_r, out=g) if g.dtype == np.int64 else g * n_r
    cell_key += r_code
    if w_code is not None:
        cell_key *= n_w
        cell_key += w_code
    if n_groups * n_r * n_w <= _DENSE_LIMIT:
        counts_all = np.bincount(cell_key, minlength=n_groups * n_r * n_w)
        cell_ids = np.flatnonzero(counts_all)
        cell_counts = counts_all[cell_ids]
    else:
        cell_ids, cell_counts = np.unique(cell_key, return_counts=True)
    cell_group = cell_ids // (n_r * n_w)
    cell_x = domain[(cell_ids // n_w) % n_r] if domain.size else np.empty(0)
    cell_w = w_uniques[cell_ids % n_w]
    bounds = np.searchsorted(cell_group, np.arange(n_groups + 1))

    return _bootstrap_table(keys, by_cols, cell_counts, cell_x, cell_w, bounds, statistic=statistic, method=method,
                            n_resamples=n_resamples, ci=ci, seed=seed, threshold=threshold)


def _integer_cells(column: pd.Series, group: np.ndarray, n_groups: int):
    """Cell counts of an integer rating column by group, or ``None`` (then the general path).

    ``group`` (a private array from :func:`_group_codes`) is reused as the cell key. The
    cells and their order are those of the general path: sorted by group, then rating.
    """
    lo, hi = column.min(), column.max()  # NA-skipping
    if pd.isna(lo) or n_groups == 0:
        return None
    lo, hi = int(lo), int(hi)
    span = hi - lo + 1
    size = n_groups * (span + 1)  # one extra column per group for missing ratings
    if span > 10_000 or size > _DENSE_LIMIT:
        return None
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):  # nullable Int8 ... Int64
        missing = column.isna().to_numpy()
        values = column.to_numpy(dtype=column.dtype.numpy_dtype, na_value=lo)
    else:
        missing, values = None, column.to_numpy()
    if values.dtype == np.uint64:
        values = values.astype(np.int64)  # in-place int64 arithmetic below
    invalid = group < 0 if group.size and group.min() < 0 else None
    key = group
    key *= span + 1
    key += values
    key -= lo
    if missing is not None:
        key[missing] += span  # the group's "missing" column
    if invalid is not None:
        key[invalid] = size  # rows without a complete group label: an overflow bin
    table = np.bincount(key, minlength=size + 1)[:size].reshape(n_groups, span + 1)[:, :span].ravel()
    ids = np.flatnonzero(table)
    cell_group = ids // span
    cell_x = (ids % span + lo).astype(float)
    bounds = np.searchsorted(cell_group, np.arange(n_groups + 1))
    return table[ids], cell_x, np.ones(ids.size), bounds


def _bootstrap_table(keys, by_cols, cell_counts, cell_x, cell_w, bounds, *, statistic, method, n_resamples, ci, seed, threshold) -> pd.DataFrame:
    """Run the bootstrap on the tabulated cells and build the result frame."""

    def label(gi: int) -> str:
        return ", ".join(f"{c}={keys.iloc[gi][c]!r}" for c in by_cols) or "all data"

    rows = _bootstrap_cells(
        cell_counts, cell_x, cell_w, bounds, statistic=statistic, method=method, n_resamples=n_resamples,
        ci=ci, rng=np.random.default_rng(seed), threshold=threshold, label=label,
    )

    out = keys.reset_index(drop=True).copy()
    out["statistic"] = statistic
    out["estimate"] = [r[0] for r in rows]
    out["ci_low"] = [r[1] for r in rows]
    out["ci_high"] = [r[2] for r in rows]
    out["n"] = np.asarray([r[3] for r in rows], dtype=np.int64)
    out["method"] = method
    return out
