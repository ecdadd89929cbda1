"""Rank-based tests and post-hoc comparisons: Kruskal-Wallis, Mann-Whitney U, p-value adjustment, Dunn.

Each test with its result record; ranks and tie terms come from :mod:`pra_lib.stats._base`.
Formulas and reference values: ``docs/methods.md`` (section "Statistics").
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _sps

from ._base import _check_choice, _long_groups, _ranks_and_ties, _Result, _to_float_array, _warn


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


_ADJUST_NAME = {"holm": "Holm", "bonferroni": "Bonferroni", "fdr_bh": "Benjamini-Hochberg", "none": "no adjustment"}

#: The key of ``DataFrame.attrs`` where a test table gives :func:`adjust_family` the text
#: of its ``method`` column once adjusted as one family: a mapping from each adjustment
#: method (``"holm"``...) to the text, written by the table's maker in the report's
#: language, with ``{family_size}`` where the number of tests adjusted together goes.
#: The statistics core fills in the number and writes no words of its own.
FAMILY_METHOD = "family_method"


def adjust_family(tables: Mapping[str, pd.DataFrame], *, p_column: str = "pvalue", method: str = "holm", alpha: float = 0.05) -> dict[str, pd.DataFrame]:
    """Adjust the p-values of several tables together, as one family of tests.

    A report that shows several tables of tests (group differences, pairs, mode
    effects) controls the chance of any false "significant" among them only when
    every p-value it shows is adjusted together. The raw p-values are kept.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The tables of the family, by name; each holds ``p_column``.
    p_column : str, default "pvalue"
        Column with the raw p-values; ``NaN`` (no test) does not count.
    method : {"holm", "bonferroni", "fdr_bh", "none"}, default "holm"
        As :func:`p_adjust`, applied once to the p-values of all tables.
    alpha : float, default 0.05
        Level of a ``significant`` column, recomputed where a table has one.

    Returns
    -------
    dict of str to pandas.DataFrame
        Copies of the tables, same names and order, with ``pvalue_adj`` (adjusted
        across the family), ``p_adjust`` (the method) and ``family_size`` (the number
        of tests adjusted together) added or overwritten; ``significant`` is
        ``pvalue_adj < alpha``. A ``method`` column names the family: a table
        whose ``attrs`` hold :data:`FAMILY_METHOD` gets its text for ``method`` with
        ``{family_size}`` filled in (in whatever language it was written); without it,
        an English "p adjusted ..." clause is rewritten as "p adjusted across the m
        tests of the report (Holm)". ``DataFrame.attrs["family"]`` lists the table names.

    Examples
    --------
    >>> import pandas as pd
    >>> out = adjust_family({"a": pd.DataFrame({"pvalue": [0.01, 0.04]}),
    ...                      "b": pd.DataFrame({"pvalue": [0.03]})})
    >>> out["a"]["pvalue_adj"].round(3).tolist(), int(out["b"]["family_size"].iloc[0])
    ([0.03, 0.06], 3)

    A table that writes its own method text for the family:

    >>> a = pd.DataFrame({"pvalue": [0.01], "method": ["uji X; p disesuaikan atas 1 tujuan (Holm)"]})
    >>> a.attrs[FAMILY_METHOD] = {"holm": "uji X; p disesuaikan atas {family_size} uji dalam laporan ini (Holm)"}
    >>> adjust_family({"a": a, "b": pd.DataFrame({"pvalue": [0.03]})})["a"]["method"].iloc[0]
    'uji X; p disesuaikan atas 2 uji dalam laporan ini (Holm)'
    """
    _check_choice("method", method, ("holm", "bonferroni", "fdr_bh", "none"))
    if not 0 < alpha < 1:
        raise ValueError(f"adjust_family: alpha must be between 0 and 1, not {alpha!r}")
    names = list(tables)
    for name in names:
        if not isinstance(tables[name], pd.DataFrame) or p_column not in tables[name].columns:
            raise ValueError(f"adjust_family: table {name!r} has no {p_column!r} column")
    raw = [pd.to_numeric(tables[name][p_column], errors="coerce").to_numpy(dtype=float) for name in names]
    pooled = np.concatenate(raw) if raw else np.empty(0)
    adjusted = p_adjust(pooled, method=method)
    m = int((~np.isnan(pooled)).sum())
    clause = f"p adjusted across the {m} tests of the report ({_ADJUST_NAME[method]})"
    out: dict[str, pd.DataFrame] = {}
    start = 0
    for name, p in zip(names, raw):
        t = tables[name].copy()
        adj = adjusted[start:start + p.size]
        start += p.size
        after = p_column
        for col, values in (("pvalue_adj", adj), ("p_adjust", method), ("family_size", m)):
            if col in t.columns:
                t[col] = values
            else:
                t.insert(t.columns.get_loc(after) + 1, col, values)
            after = col
        if "significant" in t.columns:
            t["significant"] = adj < alpha
        if "method" in t.columns:
            texts = t.attrs.get(FAMILY_METHOD)
            if isinstance(texts, Mapping) and method in texts:
                t["method"] = str(texts[method]).replace("{family_size}", str(m))
            else:
                t["method"] = t["method"].astype(str).str.replace(r"p adjusted .*$", clause, regex=True)
        t.attrs["family"] = names
        out[name] = t
    return out
