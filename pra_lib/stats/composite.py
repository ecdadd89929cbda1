"""Composite indicators: normalise, weight, aggregate and rank (statistics core).

The mathematics of the OECD/JRC *Handbook on Constructing Composite Indicators* (Nardo et
al. 2008) with the choices of the JRC's R package COINr: min-max, z-score and rank
normalisation (:func:`normalise`), weights that sum to 1 (:func:`check_weights`),
weighted arithmetic and geometric means that skip missing values (:func:`aggregate`), and
competition ranks that floating-point noise cannot untie (:func:`competition_rank`,
:func:`rank_matrix`). The array forms (:func:`normalise_array`, :func:`aggregate_array`)
score many Monte Carlo runs at once.

The functions know nothing of a PRA: the indicator columns are given, or recorded by the
frame in ``attrs["evidence"]``. :mod:`pra_lib.focus_areas` applies them to the evidence
for the candidate focus areas. Formulas and the reasons for the defaults are in
``docs/methods.md`` (section "From evidence to focus areas").
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "AGGREGATIONS",
    "DEFAULT_SCALE",
    "NORMALISATIONS",
    "POSITIVE_SCALE",
    "TIE_DECIMALS",
    "aggregate",
    "aggregate_array",
    "check_choice",
    "check_weights",
    "competition_rank",
    "indicator_columns",
    "indicator_values",
    "normalise",
    "normalise_array",
    "rank_matrix",
    "scale_for",
    "share_top",
    "sobol_analysis",
]

NORMALISATIONS = ("minmax", "zscore", "rank")
AGGREGATIONS = ("arithmetic", "geometric")
#: Scale of each normalisation for arithmetic aggregation: min-max onto [0, 100] (COINr's
#: default), z-scores with mean 0 and standard deviation 1. Ranks run from 1 to n.
DEFAULT_SCALE = {"minmax": (0.0, 100.0), "zscore": (0.0, 1.0)}
#: Scale for geometric aggregation, which needs strictly positive values: min-max onto
#: [1, 100] and z-scores with mean 10 and standard deviation 2, as in COINr's vignettes.
POSITIVE_SCALE = {"minmax": (1.0, 100.0), "zscore": (10.0, 2.0)}
TIE_DECIMALS = 9  # scores equal to 9 decimals are tied (floating-point noise does not break ties)


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def check_choice(name: str, value, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``; a :class:`ValueError` naming ``name`` otherwise."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, not {value!r}")
    return value


def indicator_columns(matrix: pd.DataFrame, columns: Sequence[str] | None, *, known: Sequence[str] = ()) -> list[str]:
    """The indicator columns to use: given, recorded by the frame (``attrs["evidence"]``), or the ``known`` ones present."""
    if columns is None:
        columns = matrix.attrs.get("evidence") or [c for c in known if c in matrix.columns]
    if not columns:
        raise ValueError("no evidence columns: pass columns=[...] or a matrix from evidence_matrix()")
    if len(set(columns)) != len(columns):
        raise ValueError(f"evidence columns repeat: {columns}")
    missing = [c for c in columns if c not in matrix.columns]
    if missing:
        raise ValueError(f"evidence column(s) {', '.join(missing)} not in the matrix (columns: {', '.join(map(str, matrix.columns))})")
    return columns


def indicator_values(matrix: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The indicator columns as a float array (rows x columns); text such as ``"suppressed"`` reads as NaN."""
    return (np.column_stack([pd.to_numeric(matrix[c], errors="coerce").astype("float64").to_numpy(dtype=float) for c in columns])
            if len(matrix) else np.empty((0, len(columns))))


def scale_for(normalisation: str, aggregation: str):
    """The scale of a normalisation for an aggregation (:data:`POSITIVE_SCALE` for geometric means)."""
    table = POSITIVE_SCALE if aggregation == "geometric" else DEFAULT_SCALE
    return table.get(normalisation)


def competition_rank(scores: np.ndarray) -> np.ndarray:
    """1 = highest score; tied scores share the best rank (1, 2, 2, 4); NaN stays unranked."""
    from scipy.stats import rankdata

    s = np.round(np.asarray(scores, dtype=float), TIE_DECIMALS)
    filled = np.where(np.isnan(s), np.inf, -s)
    ranks = rankdata(filled, method="min", axis=-1).astype(float)
    return np.where(np.isnan(s), np.nan, ranks)


def rank_matrix(S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Competition ranks (min) and the size of each tie group, row-wise; NaN scores unranked."""
    from scipy.stats import rankdata

    S = np.round(S, TIE_DECIMALS)  # equal in exact arithmetic: no float noise may break a tie
    filled = np.where(np.isnan(S), np.inf, -S)
    rmin = rankdata(filled, method="min", axis=1).astype(float)
    rmax = rankdata(filled, method="max", axis=1).astype(float)
    nan = np.isnan(S)
    return np.where(nan, np.nan, rmin), np.where(nan, np.nan, rmax - rmin + 1)


def share_top(rmin: np.ndarray, size: np.ndarray, k: int) -> np.ndarray:
    """Per run and focus area, the share of a top-k place it holds: ties at the boundary split the places left."""
    with np.errstate(invalid="ignore"):
        share = np.clip(k - (rmin - 1.0), 0.0, size) / size
    return np.where(np.isnan(rmin), 0.0, share)


def normalise_array(X: np.ndarray, method: str, scale: tuple[float, float] | None,
                    reference: np.ndarray | None = None, positive: bool = False) -> tuple[np.ndarray, list[int]]:
    """Normalise each column of X (rows = units, e.g. focus areas); return the result and the constant columns.

    ``reference`` (a boolean mask of rows, default all) is the set the bounds, mean, standard
    deviation or ranks are taken from; the other rows are scored against it, so a row
    outside the reference's range falls outside the scale (clipping would tie it with the
    reference's best or worst). With ``positive`` (for a geometric mean) such a row at or
    below 0 takes half the reference's lowest normalised value, so it stays strictly
    positive and still below every reference row. Its
    rank is the average rank it would take among the reference rows (0.5 to n + 0.5).
    """
    from scipy.stats import rankdata

    out = np.full(X.shape, np.nan)
    constant: list[int] = []
    ref = np.ones(X.shape[0], dtype=bool) if reference is None else np.asarray(reference, dtype=bool)
    for k in range(X.shape[1]):
        x = X[:, k]
        ok = ~np.isnan(x)
        base = ok & ref
        if not base.any():
            continue
        v = x[base]
        spread = float(v.max() - v.min())
        is_constant = spread <= 1e-12 * max(1.0, float(np.abs(v).max()))
        if is_constant:
            constant.append(k)
        y = x[ok]
        if method == "minmax":
            lo, hi = scale or DEFAULT_SCALE["minmax"]
            out[ok, k] = (lo + hi) / 2.0 if is_constant else lo + (y - v.min()) / spread * (hi - lo)
        elif method == "zscore":
            m, s = scale or DEFAULT_SCALE["zscore"]
            out[ok, k] = m if is_constant or len(v) < 2 else m + s * (y - v.mean()) / v.std(ddof=1)
        elif base.all() or (ok == base).all():  # rank: 1 = lowest, n = highest, ties share the average rank
            out[ok, k] = rankdata(y, method="average")
        else:
            below = (v[None, :] < y[:, None]).sum(axis=1)
            equal = (v[None, :] == y[:, None]).sum(axis=1)
            own = base[ok].astype(float)  # a reference row counts itself once
            out[ok, k] = below + (equal - own + 1.0) / 2.0 + own / 2.0
        outside = ok & ~ref
        if positive and outside.any():  # below the positive scale: half the reference's lowest keeps the order without a tie
            out[outside, k] = np.where(out[outside, k] > 0, out[outside, k], out[base, k].min() / 2.0)
    return out, constant


def normalise(
    matrix: pd.DataFrame,
    *,
    method: str = "minmax",
    columns: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
    goalposts: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Bring the evidence columns onto a common scale (Handbook step 5).

    * ``"minmax"``: ``lo + (x - min) / (max - min) x (hi - lo)`` with ``scale=(lo, hi)``,
      by default ``(0, 100)`` as in COINr's ``n_minmax``. With ``goalposts={column: (min,
      max)}`` fixed bounds replace the observed ones (as the HDI does), and values outside
      them are clipped to the bounds.
    * ``"zscore"``: ``m + s (x - mean) / sd`` with ``scale=(m, s)``, by default ``(0, 1)``;
      ``sd`` is the sample standard deviation (n - 1), as R's ``sd`` and COINr's
      ``n_zscore``.
    * ``"rank"``: ranks 1 (lowest value) to n (highest), ties sharing the average rank.
      COINr's ``n_rank`` gives ties the lowest rank; the average keeps a tie neutral.

    A column that is the same for every focus area cannot separate them and would divide
    by zero. It is set to the middle of the scale (50 on 0-100; the mean ``m`` for
    z-scores; ``(n + 1) / 2`` for ranks), with a warning: it then moves no ranking. COINr
    returns NaN here. Missing values stay missing.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`pra_lib.focus_areas.evidence_matrix` (or any frame with numeric evidence columns).
    method : {"minmax", "zscore", "rank"}
    columns : list of str, optional
        The evidence columns (default: ``matrix.attrs["evidence"]``).
    scale : tuple of float, optional
        ``(lo, hi)`` for min-max or ``(mean, sd)`` for z-scores.
    goalposts : dict, optional
        Fixed ``(min, max)`` per column for min-max.

    Returns
    -------
    pandas.DataFrame
        A copy of ``matrix`` with the evidence columns normalised; ``attrs`` record the
        method and scale.

    Examples
    --------
    >>> m = pd.DataFrame({"focus_area_id": ["A", "B", "C"], "x": [2.0, 4.0, 10.0]})
    >>> normalise(m, columns=["x"])["x"].tolist()
    [0.0, 25.0, 100.0]
    >>> normalise(m, columns=["x"], method="rank")["x"].tolist()
    [1.0, 2.0, 3.0]
    """
    check_choice("method", method, NORMALISATIONS)
    cols = indicator_columns(matrix, columns)
    if scale is not None:
        scale = tuple(float(v) for v in scale)
        if len(scale) != 2 or not all(np.isfinite(scale)):
            raise ValueError(f"scale must be two finite numbers, not {scale!r}")
        if method == "minmax" and not scale[1] > scale[0]:
            raise ValueError(f"min-max scale must be (lo, hi) with hi > lo, not {scale!r}")
        if method == "zscore" and not scale[1] > 0:
            raise ValueError(f"z-score scale must be (mean, sd) with sd > 0, not {scale!r}")
    X = indicator_values(matrix, cols)
    if goalposts:
        if method != "minmax":
            raise ValueError("goalposts apply to min-max normalisation only")
        unknown = [c for c in goalposts if c not in cols]
        if unknown:
            raise ValueError(f"goalposts for unknown column(s) {', '.join(unknown)}; the evidence columns are {', '.join(cols)}")
    N, constant = normalise_array(X, method, scale)
    lo, hi = scale or DEFAULT_SCALE["minmax"]
    for c, (gmin, gmax) in (goalposts or {}).items():
        if not float(gmax) > float(gmin):
            raise ValueError(f"goalposts for {c} must be (min, max) with max > min, not {(gmin, gmax)!r}")
        k = cols.index(c)
        x = np.clip(X[:, k], float(gmin), float(gmax))
        N[:, k] = lo + (x - float(gmin)) / (float(gmax) - float(gmin)) * (hi - lo)
        constant = [j for j in constant if j != k]
    if constant and len(matrix) > 1:
        _warn(f"normalise: {', '.join(cols[k] for k in constant)} is the same for every row; it is set to the middle of the scale and moves no ranking")
    out = matrix.copy()
    for k, c in enumerate(cols):
        out[c] = N[:, k]
    out.attrs = dict(matrix.attrs) | {"evidence": cols, "normalisation": method, "scale": scale}
    return out


def check_weights(weights: Mapping[str, float] | None, columns: Sequence[str]) -> pd.Series:
    """Validate weights per evidence column and rescale them to sum to 1 (Handbook step 6).

    Parameters
    ----------
    weights : dict or None
        ``{column: weight}`` with one non-negative weight per evidence column; ``None``
        gives equal weights. A weight of 0 leaves a column out. Only the ratios matter.
    columns : sequence of str
        The evidence columns.

    Returns
    -------
    pandas.Series
        The weights, indexed by column, summing to 1.

    Raises
    ------
    ValueError
        For an unknown column name, a column without a weight, a negative, missing or
        infinite weight, or weights that are all zero.

    Examples
    --------
    >>> check_weights({"a": 2, "b": 1, "c": 1}, ["a", "b", "c"]).tolist()
    [0.5, 0.25, 0.25]
    """
    columns = list(columns)
    if weights is None:
        return pd.Series(1.0 / len(columns), index=columns, name="weight")
    if isinstance(weights, pd.Series):
        weights = weights.to_dict()
    if not isinstance(weights, Mapping):
        raise ValueError(f"weights must be a dict {{evidence column: weight}}, not {type(weights).__name__}")
    unknown = [k for k in weights if k not in columns]
    if unknown:
        raise ValueError(f"weights name unknown evidence column(s) {', '.join(map(repr, unknown))}; the evidence columns are {', '.join(columns)}")
    missing = [c for c in columns if c not in weights]
    if missing:
        raise ValueError(f"weights give no weight to {', '.join(missing)}; give every evidence column a weight (0 leaves one out)")
    values = {}
    for c in columns:
        try:
            w = float(weights[c])
        except (TypeError, ValueError):
            raise ValueError(f"weight of {c} must be a number, not {weights[c]!r}") from None
        if not np.isfinite(w):
            raise ValueError(f"weight of {c} must be finite, not {weights[c]!r}")
        if w < 0:
            raise ValueError(f"weight of {c} is negative ({w:g}); weights must be >= 0")
        values[c] = w
    total = sum(values.values())
    if total <= 0:
        raise ValueError("weights are all zero; at least one evidence column needs a positive weight")
    return pd.Series({c: v / total for c, v in values.items()}, name="weight")


def aggregate_array(V: np.ndarray, W: np.ndarray, method: str) -> np.ndarray:
    """Weighted means of the rows of V (focus areas x columns) for each weight row of W (runs x columns).

    Missing values are skipped and the weights of the rest rescaled, as COINr's ``a_amean``
    and ``a_gmean`` do; a row with no weighted value left is NaN.
    """
    W = np.atleast_2d(W)
    avail = ~np.isnan(V)
    den = W @ avail.T.astype(float)
    if method == "arithmetic":
        num = W @ np.where(avail, V, 0.0).T
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    logs = np.log(np.where(avail, V, 1.0))
    num = W @ logs.T
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return np.where(den > 0, np.exp(num / np.where(den > 0, den, 1.0)), np.nan)


def aggregate(
    normalised: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    method: str = "arithmetic",
    columns: Sequence[str] | None = None,
) -> pd.Series:
    """Combine the normalised evidence into one score per row (Handbook step 7).

    * ``"arithmetic"``: ``score = sum_k w_k x_k / sum_k w_k``. A strong column can make up
      for a weak one (full compensability).
    * ``"geometric"``: ``score = prod_k x_k^(w_k / sum w)``. A weak column pulls the score
      down more than a strong one lifts it (partial compensability), as the HDI and INFORM
      use. It needs strictly positive values: normalise onto a positive scale first, as
      :func:`pra_lib.focus_areas.rank_focus_areas` does (min-max onto [1, 100], z-scores with mean 10 and sd 2,
      or ranks 1..n), following COINr.

    Missing values are skipped and the remaining weights rescaled (COINr's ``a_amean`` and
    ``a_gmean``); a row with nothing left is NaN.

    Parameters
    ----------
    normalised : pandas.DataFrame
        Output of :func:`normalise` (or any frame with numeric evidence columns).
    weights : dict, optional
        Per evidence column (see :func:`check_weights`); equal by default.
    method : {"arithmetic", "geometric"}
    columns : list of str, optional
        The evidence columns (default: ``normalised.attrs["evidence"]``).

    Returns
    -------
    pandas.Series
        ``score``, aligned with the rows of ``normalised``.

    Raises
    ------
    ValueError
        For geometric aggregation of a value that is zero or negative.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [0.6971], "b": [0.3447], "c": [0.5506]})
    >>> round(float(aggregate(t, columns=["a", "b", "c"], method="geometric").iloc[0]), 3)
    0.51
    """
    check_choice("method", method, AGGREGATIONS)
    cols = indicator_columns(normalised, columns)
    w = check_weights(weights, cols)
    V = indicator_values(normalised, cols)
    if method == "geometric":
        bad = ~np.isnan(V) & (V <= 0)
        if bad.any():
            r, k = np.argwhere(bad)[0]
            raise ValueError(f"geometric aggregation needs strictly positive values, but {cols[k]} is {V[r, k]:g} in row {r}; "
                             "normalise onto a positive scale (min-max onto [1, 100], z-scores with mean 10 and sd 2, or ranks)")
    score = aggregate_array(V, w.to_numpy(), method)[0]
    return pd.Series(score, index=normalised.index, name="score")


def sobol_analysis(
    model,
    names: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    n_base: int = 512,
    seed: int = 2017,
    num_resamples: int = 200,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Variance-based (Sobol) sensitivity indices of a model on the unit hypercube.

    Saltelli's sampling design (Saltelli et al. 2010) over ``[0, 1]^d`` and the
    Jansen / Saltelli estimators of first-order (``S1``) and total (``ST``) indices, as
    computed by SALib (``SALib.sample.sobol`` and ``SALib.analyze.sobol``, without
    second-order indices). ``model`` maps the sampled points to the factors' own ranges. The
    OECD/JRC Handbook (Nardo et al. 2008, step 6) recommends these indices over
    one-at-a-time shifts because they count interactions and average over the whole space.

    Parameters
    ----------
    model : callable
        ``model(U) -> Y``: ``U`` is the ``(n, d)`` array of points in ``[0, 1]^d``, ``Y``
        an ``(n,)`` or ``(n, m)`` array of outputs (one set of indices per output column).
    names : sequence of str
        The ``d`` inputs.
    groups : sequence of str, optional
        A group name per input: the indices are then per group (e.g. the weights of a
        composite, which move together).
    n_base : int
        Base sample size N; the model is run ``N x (G + 2)`` times for G factors or groups.
        A power of 2 suits the Sobol sequence.
    seed : int
        Seed of the scrambled Sobol sequence and of the bootstrap of the intervals.
    num_resamples : int
        Bootstrap resamples of the confidence intervals.
    conf_level : float
        Coverage of the intervals (``S1_conf`` and ``ST_conf`` are their half-widths).

    Returns
    -------
    pandas.DataFrame
        Long: ``output`` (column of ``Y``), ``factor``, ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf``, ``variance`` (of that output) and ``n_runs``. An output that never
        varies has NaN indices.

    Examples
    --------
    >>> def ishigami(U):
    ...     x = -np.pi + 2 * np.pi * U
    ...     return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    >>> s = sobol_analysis(ishigami, ["x1", "x2", "x3"], n_base=1024, seed=1)
    >>> s["S1"].round(1).tolist()
    [0.3, 0.4, 0.0]
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    names = list(names)
    if not names:
        raise ValueError("sobol_analysis needs at least one input")
    if groups is not None and len(groups) != len(names):
        raise ValueError(f"groups must name a group per input ({len(names)}), not {len(groups)}")
    n_base = int(n_base)
    if n_base < 2:
        raise ValueError(f"n_base must be at least 2, not {n_base}")
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if groups is not None:
        problem["groups"] = list(groups)
    with warnings.catch_warnings():
        # SALib's only warning here: n_base is not a power of 2, which the docstring asks for.
        warnings.filterwarnings("ignore", message=".*power of 2.*")
        U = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    Y = np.asarray(model(U), dtype=float)
    Y = Y[:, None] if Y.ndim == 1 else Y
    if Y.shape[0] != len(U):
        raise ValueError(f"model returned {Y.shape[0]} rows for {len(U)} points")
    factors = list(dict.fromkeys(groups)) if groups is not None else names
    rows = []
    for j in range(Y.shape[1]):
        y = Y[:, j]
        var = float(np.var(y)) if np.isfinite(y).all() else np.nan
        if not np.isfinite(var) or var <= 0:
            rows += [{"output": j, "factor": f, "S1": np.nan, "S1_conf": np.nan, "ST": np.nan, "ST_conf": np.nan, "variance": var} for f in factors]
            continue
        if len(factors) == 1:  # one factor or group: all the variance is its own (SALib's analyser miscounts a single group)
            rows.append({"output": j, "factor": factors[0], "S1": 1.0, "S1_conf": 0.0, "ST": 1.0, "ST_conf": 0.0, "variance": var})
            continue
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=int(num_resamples), conf_level=conf_level,
                                    seed=seed, print_to_console=False)
        rows += [{"output": j, "factor": f, "S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
                  "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i]), "variance": var} for i, f in enumerate(factors)]
    out = pd.DataFrame(rows, columns=["output", "factor", "S1", "S1_conf", "ST", "ST_conf", "variance"])
    out["n_runs"] = len(U)
    return out
