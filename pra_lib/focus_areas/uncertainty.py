"""How much the ranking of the focus areas rests on the modelling choices (Handbook step 6).

:func:`uncertainty_analysis` runs a Monte Carlo over the normalisation, the aggregation,
the weights and which evidence source is left out, and measures which choice moves the
ranking most; :func:`sobol_indices` gives the variance-based indices (needs SALib). The
runs are scored at once with the array forms of :mod:`pra_lib.stats.composite`. A tables
module: no figures and no prose (the option and factor labels of the sensitivity tables are
data, in English; figures and findings show them in the report language).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..publishing.i18n import english
from ..stats.composite import (
    AGGREGATIONS,
    NORMALISATIONS,
    TIE_DECIMALS,
    aggregate_array,
    check_weights,
    normalise_array,
    rank_matrix,
    scale_for,
    share_top,
)
from ._common import (
    DEFAULT_CI,
    DEFAULT_CONCENTRATION,
    DEFAULT_TOP_K,
    FACTORS,
    _NONE,
    _check_choice,
    _evidence_columns,
    _evidence_label,
    _id_frame,
    _key,
    _method,
    _values,
)
__all__ = ["UncertaintyResult", "sobol_indices", "uncertainty_analysis"]


@dataclass
class UncertaintyResult:
    """The result of :func:`uncertainty_analysis`.

    Attributes
    ----------
    summary : DataFrame
        Per focus area, best median rank first: identifying columns, ``nominal_score``,
        ``nominal_rank``, ``rank_median``, ``rank_low``, ``rank_high`` (the ``ci`` rank
        interval), ``share_top_k``, ``share_first``, ``rank_mean``, ``top_k`` and
        ``n_runs``.
    sensitivity : DataFrame
        One row per modelling factor (the "which choice moves the ranking most" table):
        ``factor``, ``label``, ``mean_abs_rank_shift``, ``max_abs_rank_shift``,
        ``share_leader_changed``, ``share_top_k_changed``, ``n_options`` and ``order``
        (1 = moves the ranking most).
    options : DataFrame
        The same measures for each option of each factor, varied alone from the nominal
        settings (for the weights, over the Monte Carlo weight draws).
    runs : DataFrame
        One row per run: ``run``, ``normalisation``, ``aggregation``, ``left_out`` and
        ``weight_<column>``.
    ranks : DataFrame
        Long table of every run: ``run``, the key column, ``score`` and ``rank``.
    top_sets : DataFrame
        How often each set of focus areas fills the top k: ``top_set``, ``n_runs``,
        ``share``.
    settings : dict
        The nominal settings and the Monte Carlo design.
    """

    summary: pd.DataFrame
    sensitivity: pd.DataFrame
    options: pd.DataFrame
    runs: pd.DataFrame
    ranks: pd.DataFrame
    top_sets: pd.DataFrame
    settings: dict = field(default_factory=dict)

    def share_selected_fill_top(self) -> float:
        """Share of runs in which the selected focus areas fill the top places (as many as they are)."""
        return self.settings.get("share_selected_fill_top", np.nan)


@dataclass
class _Design:
    columns: list[str]
    X: np.ndarray
    w: np.ndarray
    normalisations: tuple[str, ...]
    aggregations: tuple[str, ...]
    left_out_options: list[str | None]
    nominal_normalisation: str
    nominal_aggregation: str
    normalised: dict = field(default_factory=dict)

    def values(self, norm: str, agg: str) -> np.ndarray:
        key = (norm, agg)
        if key not in self.normalised:
            V, _ = normalise_array(self.X, norm, scale_for(norm, agg))
            if agg == "geometric" and (~np.isnan(V) & (V <= 0)).any():
                raise ValueError("geometric aggregation of z-scores needs values above -5 standard deviations; "
                                 "leave 'geometric' or 'zscore' out of the Monte Carlo for this matrix")
            self.normalised[key] = V
        return self.normalised[key]

    def scores(self, norm_idx: np.ndarray, agg_idx: np.ndarray, W: np.ndarray) -> np.ndarray:
        """Scores (runs x rows) for each run's normalisation, aggregation and weights."""
        S = np.full((len(W), self.X.shape[0]), np.nan)
        for i, norm in enumerate(self.normalisations):
            for j, agg in enumerate(self.aggregations):
                runs = np.flatnonzero((norm_idx == i) & (agg_idx == j))
                if len(runs):
                    S[runs] = aggregate_array(self.values(norm, agg), W[runs], agg)
        return S


def _design(matrix, *, weights, columns, normalisations, aggregations, leave_one_out, nominal_normalisation, nominal_aggregation) -> _Design:
    cols = _evidence_columns(matrix, columns)
    w = check_weights(weights, cols).to_numpy()
    normalisations = tuple(dict.fromkeys(normalisations))
    aggregations = tuple(dict.fromkeys(aggregations))
    for n in normalisations:
        _check_choice("normalisations", n, NORMALISATIONS)
    for a in aggregations:
        _check_choice("aggregations", a, AGGREGATIONS)
    _check_choice("normalisation", nominal_normalisation, NORMALISATIONS)
    _check_choice("aggregation", nominal_aggregation, AGGREGATIONS)
    if not normalisations or not aggregations:
        raise ValueError("normalisations and aggregations must each offer at least one method")
    if nominal_normalisation not in normalisations:
        normalisations = (nominal_normalisation, *normalisations)
    if nominal_aggregation not in aggregations:
        aggregations = (nominal_aggregation, *aggregations)
    positive = [c for c, x in zip(cols, w) if x > 0]
    left = [None] + (positive if leave_one_out and len(positive) > 1 else [])
    return _Design(cols, _values(matrix, cols), w, normalisations, aggregations, left, nominal_normalisation, nominal_aggregation)


def _draw_weights(rng, w: np.ndarray, n: int, concentration: float) -> np.ndarray:
    """Dirichlet draws centred on w (mean w), on the columns with a positive weight."""
    W = np.zeros((n, len(w)))
    pos = w > 0
    if pos.sum() == 1:
        W[:, pos] = 1.0
    else:
        W[:, pos] = rng.dirichlet(concentration * w[pos], size=n)
    return W


def _drop(W: np.ndarray, left_idx: np.ndarray, design: _Design) -> np.ndarray:
    W = W.copy()
    for i, c in enumerate(design.left_out_options):
        if c is not None:
            W[left_idx == i, design.columns.index(c)] = 0.0
    return W


def uncertainty_analysis(
    matrix: pd.DataFrame,
    *,
    n_runs: int = 1000,
    seed: int = 2017,
    weights: Mapping[str, float] | None = None,
    dirichlet_concentration: float = DEFAULT_CONCENTRATION,
    top_k: int = DEFAULT_TOP_K,
    normalisations: Sequence[str] = NORMALISATIONS,
    aggregations: Sequence[str] = AGGREGATIONS,
    leave_one_out: bool = True,
    normalisation: str = "minmax",
    aggregation: str = "arithmetic",
    columns: Sequence[str] | None = None,
    ci: float = DEFAULT_CI,
) -> UncertaintyResult:
    """How much the ranking rests on the modelling choices: Monte Carlo uncertainty and sensitivity analysis.

    Each of ``n_runs`` runs draws, independently and uniformly, (1) a normalisation method
    from ``normalisations``, (2) an aggregation from ``aggregations``, (3) which evidence
    source to leave out, "none" or one of the evidence columns (``leave_one_out``), and
    (4) weights from a Dirichlet distribution centred on the chosen weights ``w``:
    ``Dirichlet(dirichlet_concentration x w)``, whose mean is ``w``. With four equal weights
    and the default concentration 20 each weight has a standard deviation of about 0.09 (90%
    of draws between about 0.11 and 0.42). The left-out column's weight is set to 0. All runs
    are scored at once (numpy): the normalised matrices are computed once per method and
    each run's scores are a matrix product.

    The sensitivity table answers "which choice moves the ranking most": each factor is
    drawn alone as in the Monte Carlo while the others stay at the nominal settings (the
    given normalisation, aggregation and weights, nothing left out), and the mean absolute
    shift of the focus areas' ranks from the nominal ranking is averaged over its draws
    (for the weights, over the ``n_runs`` Dirichlet draws; for the discrete factors, over
    their options, the nominal option included, each with its Monte Carlo probability).

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`evidence_matrix`.
    n_runs : int
        Number of Monte Carlo runs.
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives the same result.
    weights : dict, optional
        The chosen (nominal) weights; equal by default.
    dirichlet_concentration : float
        Total concentration of the Dirichlet distribution of the weights: larger stays
        closer to the chosen weights.
    top_k : int
        ``share_top_k`` counts the runs in which a focus area is among the first ``top_k``
        (a tie across the boundary shares the places left evenly, so the shares sum to
        ``top_k``).
    normalisations, aggregations : sequence of str
        The options drawn (the nominal one is always included).
    leave_one_out : bool
        Also draw which evidence source to leave out.
    normalisation, aggregation : str
        The nominal settings (those of :func:`rank_focus_areas`).
    columns : list of str, optional
        The evidence columns.
    ci : float
        Coverage of the rank interval; 0.90 gives the 5th and 95th percentiles (inverted
        CDF, so the bounds are ranks that occurred).

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    >>> u = uncertainty_analysis(evidence_matrix(a), n_runs=1000, seed=2017)  # doctest: +SKIP
    >>> u.summary[["focus_area_id", "rank_median", "rank_low", "rank_high", "share_top_k"]]  # doctest: +SKIP
    """
    n_runs = int(n_runs)
    if n_runs < 1:
        raise ValueError(f"n_runs must be at least 1, not {n_runs}")
    if not (np.isfinite(dirichlet_concentration) and dirichlet_concentration > 0):
        raise ValueError(f"dirichlet_concentration must be a positive number, not {dirichlet_concentration!r}")
    if isinstance(top_k, bool) or int(top_k) != top_k or top_k < 1:
        raise ValueError(f"top_k must be a positive whole number, not {top_k!r}")
    if not 0 < float(ci) < 1:
        raise ValueError(f"ci must be strictly between 0 and 1, not {ci!r}")
    top_k = int(top_k)
    design = _design(matrix, weights=weights, columns=columns, normalisations=normalisations, aggregations=aggregations,
                     leave_one_out=leave_one_out, nominal_normalisation=normalisation, nominal_aggregation=aggregation)
    rng = np.random.default_rng(seed)
    norm_idx = rng.integers(0, len(design.normalisations), n_runs)
    agg_idx = rng.integers(0, len(design.aggregations), n_runs)
    left_idx = rng.integers(0, len(design.left_out_options), n_runs)
    W_draw = _draw_weights(rng, design.w, n_runs, float(dirichlet_concentration))
    W = _drop(W_draw, left_idx, design)
    S = design.scores(norm_idx, agg_idx, W)
    R, size = rank_matrix(S)

    # Nominal ranking
    nom_n = design.normalisations.index(normalisation)
    nom_a = design.aggregations.index(aggregation)
    S0 = design.scores(np.array([nom_n]), np.array([nom_a]), design.w[None, :])
    R0, _ = rank_matrix(S0)
    r0 = R0[0]

    F = design.X.shape[0]
    ids = _id_frame(matrix).reset_index(drop=True)
    key = _key(matrix) or ids.columns[0]
    tail = (1.0 - float(ci)) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a focus area with no evidence: all-NaN column
        low = np.nanquantile(R, tail, axis=0, method="inverted_cdf") if F else np.array([])
        high = np.nanquantile(R, 1.0 - tail, axis=0, method="inverted_cdf") if F else np.array([])
        median = np.nanmedian(R, axis=0) if F else np.array([])
        mean = np.nanmean(R, axis=0) if F else np.array([])
    summary = ids.copy()
    summary["nominal_score"] = S0[0]
    summary["nominal_rank"] = r0
    summary["rank_median"] = median
    summary["rank_low"] = low
    summary["rank_high"] = high
    summary["share_top_k"] = share_top(R, size, top_k).mean(axis=0) if F else []
    summary["share_first"] = share_top(R, size, 1).mean(axis=0) if F else []
    summary["rank_mean"] = mean
    summary["top_k"] = top_k
    summary["n_runs"] = n_runs
    order = np.lexsort((np.arange(F), -summary["share_top_k"].to_numpy(), np.nan_to_num(r0, nan=np.inf),
                        np.nan_to_num(summary["rank_median"].to_numpy(), nan=np.inf)))
    summary = summary.iloc[order].reset_index(drop=True)

    # Which set fills the top k (ties at the boundary broken by row order: stable sort).
    if F:
        order_runs = np.argsort(np.where(np.isnan(S), np.inf, -np.round(S, TIE_DECIMALS)), axis=1, kind="stable")[:, : min(top_k, F)]
        keys = ids[key].astype(str).to_numpy()
        sets = [" ".join(sorted(keys[row])) for row in order_runs]
        top_sets = pd.Series(sets).value_counts().rename_axis("top_set").reset_index(name="n_runs")
        top_sets["share"] = top_sets["n_runs"] / n_runs
    else:
        top_sets = pd.DataFrame(columns=["top_set", "n_runs", "share"])
    selected = ids["selected"].to_numpy(dtype=bool) if "selected" in ids else np.zeros(F, dtype=bool)
    share_fill = np.nan
    if selected.any() and F:
        m = int(selected.sum())
        held = share_top(R, size, m)[:, selected].sum(axis=1)
        share_fill = float(np.mean(np.isclose(held, m)))

    options, sensitivity = _sensitivity(design, r0, W_draw=W_draw, top_k=top_k)
    runs = pd.DataFrame({
        "run": np.arange(1, n_runs + 1),
        "normalisation": np.array(design.normalisations)[norm_idx],
        "aggregation": np.array(design.aggregations)[agg_idx],
        "left_out": [design.left_out_options[i] or _NONE for i in left_idx],
    })
    for k, c in enumerate(design.columns):
        runs[f"weight_{c}"] = W[:, k] / W.sum(axis=1)
    ranks = pd.DataFrame({
        "run": np.repeat(np.arange(1, n_runs + 1), F),
        key: np.tile(ids[key].to_numpy(), n_runs),
        "score": S.ravel(),
        "rank": R.ravel(),
    })
    settings = {
        "n_runs": n_runs, "seed": seed, "top_k": top_k, "ci": float(ci), "dirichlet_concentration": float(dirichlet_concentration),
        "weights": dict(zip(design.columns, design.w)), "normalisations": design.normalisations, "aggregations": design.aggregations,
        "left_out_options": [c or _NONE for c in design.left_out_options], "normalisation": normalisation, "aggregation": aggregation,
        "evidence": design.columns, "share_selected_fill_top": share_fill, "n_selected": int(selected.sum()),
    }
    return UncertaintyResult(summary, sensitivity, options, runs, ranks, top_sets, settings)


def _shift_stats(R: np.ndarray, r0: np.ndarray, top_k: int) -> dict:
    """Mean and max absolute rank shift from the nominal ranking, and how often the leader or top k change."""
    scored = ~np.isnan(r0)
    if not scored.any():
        return {"mean_abs_rank_shift": np.nan, "max_abs_rank_shift": np.nan, "share_leader_changed": np.nan, "share_top_k_changed": np.nan}
    d = np.abs(R[:, scored] - r0[scored])
    leader0 = r0[scored] == 1
    lead = R[:, scored] == 1
    top0 = r0[scored] <= top_k
    top = R[:, scored] <= top_k
    return {
        "mean_abs_rank_shift": float(np.nanmean(d)),
        "max_abs_rank_shift": float(np.nanmax(d)),
        "share_leader_changed": float(np.mean((lead != leader0).any(axis=1))),
        "share_top_k_changed": float(np.mean((top != top0).any(axis=1))),
    }


def _sensitivity(design: _Design, r0: np.ndarray, *, W_draw: np.ndarray, top_k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One factor at a time from the nominal settings: options table and factor table."""
    nom_n = design.normalisations.index(design.nominal_normalisation)
    nom_a = design.aggregations.index(design.nominal_aggregation)
    w0 = design.w[None, :]
    rows = []

    def ranks_for(norm_i, agg_i, W):
        S = design.scores(np.full(len(W), norm_i), np.full(len(W), agg_i), W)
        return rank_matrix(S)[0]

    for i, m in enumerate(design.normalisations):
        rows.append({"factor": "normalisation", "option": _method(m), "nominal": i == nom_n, "weight": 1.0 / len(design.normalisations),
                     **_shift_stats(ranks_for(i, nom_a, w0), r0, top_k)})
    for j, a in enumerate(design.aggregations):
        rows.append({"factor": "aggregation", "option": _method(a), "nominal": j == nom_a, "weight": 1.0 / len(design.aggregations),
                     **_shift_stats(ranks_for(nom_n, j, w0), r0, top_k)})
    for c in design.left_out_options:
        W = w0.copy()
        if c is not None:
            W[0, design.columns.index(c)] = 0.0
        label = english("synthesis.option.nothing_left_out") if c is None else english("synthesis.option.leave_out", evidence=_evidence_label(c).lower())
        rows.append({"factor": "left_out", "option": label, "nominal": c is None, "weight": 1.0 / len(design.left_out_options),
                     **_shift_stats(ranks_for(nom_n, nom_a, W), r0, top_k)})
    Rw = ranks_for(nom_n, nom_a, W_draw)
    stats = _shift_stats(Rw, r0, top_k)
    if (~np.isnan(r0)).any():
        stats["mean_abs_rank_shift"] = float(np.mean(np.nanmean(np.abs(Rw - r0)[:, ~np.isnan(r0)], axis=1)))
    rows.append({"factor": "weights", "option": english("synthesis.option.dirichlet", n=f"{len(W_draw):,}"), "nominal": False, "weight": 1.0, **stats})
    options = pd.DataFrame(rows)
    factors = []
    for f in FACTORS:
        sub = options[options["factor"] == f]
        if sub.empty:
            continue
        wts = sub["weight"].to_numpy()
        factors.append({
            "factor": f,
            "label": english(f"synthesis.factor_label.{f}"),
            "mean_abs_rank_shift": float(np.sum(wts * sub["mean_abs_rank_shift"].to_numpy()) / wts.sum()),
            "max_abs_rank_shift": float(sub["max_abs_rank_shift"].max()),
            "share_leader_changed": float(np.sum(wts * sub["share_leader_changed"].to_numpy()) / wts.sum()),
            "share_top_k_changed": float(np.sum(wts * sub["share_top_k_changed"].to_numpy()) / wts.sum()),
            "n_options": int(len(W_draw)) if f == "weights" else int(len(sub)),
        })
    sensitivity = pd.DataFrame(factors)
    if len(sensitivity):
        sensitivity = sensitivity.sort_values(["mean_abs_rank_shift", "factor"], ascending=[False, True], kind="stable").reset_index(drop=True)
        sensitivity["order"] = np.arange(1, len(sensitivity) + 1)
    options = options.drop(columns="weight")
    return options, sensitivity


def sobol_indices(
    matrix: pd.DataFrame,
    *,
    n_base: int = 512,
    seed: int = 2017,
    weights: Mapping[str, float] | None = None,
    dirichlet_concentration: float = DEFAULT_CONCENTRATION,
    normalisations: Sequence[str] = NORMALISATIONS,
    aggregations: Sequence[str] = AGGREGATIONS,
    leave_one_out: bool = True,
    normalisation: str = "minmax",
    aggregation: str = "arithmetic",
    columns: Sequence[str] | None = None,
    num_resamples: int = 200,
) -> pd.DataFrame:
    """Variance-based (Sobol) first-order and total indices of each focus area's rank (needs SALib).

    The same four factors as :func:`uncertainty_analysis` (normalisation, aggregation,
    left-out evidence source, weights) are sampled with Saltelli's design (Saltelli et al.
    2010, as in COINr) over the unit hypercube: a discrete factor with m options takes
    option ``floor(u x m)``; the weights are one *group* of factors, each weight ``u_k``
    mapped to a Gamma(``concentration x w_k``) quantile and the set rescaled to sum to 1,
    which is a Dirichlet draw. With G = 4 groups and no second-order indices the design has
    ``n_base x (G + 2)`` runs. The indices are computed per focus area on its rank, and
    summarised over focus areas weighted by the variance of their ranks.

    SALib is an optional dependency: ``pip install SALib``.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`evidence_matrix`.
    n_base : int
        Base sample size N (a power of 2 suits the Sobol sequence).
    seed : int
        Seed of the sampler and of the bootstrap of the confidence intervals.
    weights, dirichlet_concentration, normalisations, aggregations, leave_one_out, normalisation, aggregation, columns
        As in :func:`uncertainty_analysis`.
    num_resamples : int
        Bootstrap resamples for the confidence intervals of the indices.

    Returns
    -------
    pandas.DataFrame
        ``focus_area_id`` (``"(all)"`` for the variance-weighted summary), ``factor``,
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf``, ``rank_variance`` and ``n_runs``. A focus
        area whose rank never changes has NaN indices.

    Raises
    ------
    ImportError
        When SALib is not installed.

    Examples
    --------
    >>> sobol_indices(evidence_matrix(a), n_base=512)  # doctest: +SKIP
    """
    try:
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample
        from SALib.util import extract_group_names
    except ImportError as exc:
        raise ImportError(
            "sobol_indices needs SALib, which is not installed. Install it with `pip install SALib` "
            "(it is an optional dependency of pra_lib); uncertainty_analysis() needs no extra package."
        ) from exc
    from scipy.stats import gamma

    n_base = int(n_base)
    if n_base < 2:
        raise ValueError(f"n_base must be at least 2, not {n_base}")
    design = _design(matrix, weights=weights, columns=columns, normalisations=normalisations, aggregations=aggregations,
                     leave_one_out=leave_one_out, nominal_normalisation=normalisation, nominal_aggregation=aggregation)
    K = len(design.columns)
    names = ["normalisation", "aggregation", "left_out", *[f"weight_{c}" for c in design.columns]]
    groups = ["normalisation", "aggregation", "left_out", *["weights"] * K]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names), "groups": groups}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns when n_base is not a power of 2
        U = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    eps = 1e-12
    U = np.clip(U, eps, 1 - eps)
    norm_idx = np.minimum((U[:, 0] * len(design.normalisations)).astype(int), len(design.normalisations) - 1)
    agg_idx = np.minimum((U[:, 1] * len(design.aggregations)).astype(int), len(design.aggregations) - 1)
    left_idx = np.minimum((U[:, 2] * len(design.left_out_options)).astype(int), len(design.left_out_options) - 1)
    W = np.zeros((len(U), K))
    pos = design.w > 0
    alpha = float(dirichlet_concentration) * design.w[pos]
    if pos.sum() == 1:
        W[:, pos] = 1.0
    else:
        G = gamma.ppf(U[:, 3:][:, pos], alpha)
        W[:, pos] = G / G.sum(axis=1, keepdims=True)
    W = _drop(W, left_idx, design)
    S = design.scores(norm_idx, agg_idx, W)
    R, _ = rank_matrix(S)
    ids = _id_frame(matrix).reset_index(drop=True)
    key = _key(matrix) or ids.columns[0]
    factors, _ = extract_group_names(problem)  # SALib's order of the groups
    factors = list(factors)
    rows = []
    variances = []
    for f in range(R.shape[1]):
        y = R[:, f]
        var = float(np.nanvar(y)) if np.isfinite(y).any() else np.nan
        variances.append(var)
        if not np.isfinite(var) or var == 0:
            for name in factors:
                rows.append({key: ids[key].iloc[f], "factor": name, "S1": np.nan, "S1_conf": np.nan, "ST": np.nan, "ST_conf": np.nan, "rank_variance": var})
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=int(num_resamples), seed=seed, print_to_console=False)
        for i, name in enumerate(factors):
            rows.append({key: ids[key].iloc[f], "factor": name, "S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
                         "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i]), "rank_variance": var})
    out = pd.DataFrame(rows)
    if len(out):
        ok = out.dropna(subset=["S1"])
        for name in factors:
            sub = ok[ok["factor"] == name]
            wv = sub["rank_variance"].to_numpy()
            agg = {c: float(np.sum(wv * sub[c].to_numpy()) / wv.sum()) if wv.sum() > 0 else np.nan for c in ("S1", "ST")}
            out = pd.concat([out, pd.DataFrame([{key: "(all)", "factor": name, **agg, "S1_conf": np.nan, "ST_conf": np.nan,
                                                  "rank_variance": float(np.nansum(variances))}])], ignore_index=True)
    out["n_runs"] = len(U)
    return out
