"""How much the ranking of the focus areas rests on the modelling choices (Handbook step 6).

:func:`uncertainty_analysis` runs a Monte Carlo over every modelling choice that moves the
ranking: the normalisation, the aggregation, the weights, which evidence source is left
out, the compound-risk weight alpha, the likelihood given to a stress, the positive shift
before a geometric mean, whether a focus area without hazards has missing or zero linked
risk, and which candidates form the reference set of the normalisation. Its variance-based
(Sobol) indices, computed with SALib, say which choice moves the ranking most; the
one-at-a-time shifts stay as an illustration. :func:`settled_places` turns the runs into
what the ranking settles: places held by one focus area, and sets that share places. The
runs are scored with the array forms of :mod:`pra_lib.stats.composite`. A tables module:
no figures and no prose (the option and factor labels of the sensitivity tables are data,
in English; figures and findings show them in the report language).
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
    POSITIVE_SCALE,
    TIE_DECIMALS,
    aggregate_array,
    check_weights,
    normalise_array,
    rank_matrix,
    scale_for,
    share_top,
    sobol_analysis,
)
from ._common import (
    DEFAULT_CI,
    DEFAULT_CONCENTRATION,
    DEFAULT_TOP_K,
    FACTORS,
    INTERVIEW_WITHHELD,
    SCORE_WITHHELD,
    MISSING_RULES,
    SHIFTS,
    _NONE,
    _check_choice,
    _evidence_columns,
    _evidence_label,
    _id_frame,
    _key,
    _mark_withheld,
    _method,
    _truthy,
    _values,
)
__all__ = ["UncertaintyResult", "place_shares", "settled_places", "sobol_indices", "uncertainty_analysis", "uncertainty_publishable", "withhold_nominal_scores"]

#: The discrete modelling choices, in the order the Monte Carlo draws them.
DISCRETE = ("normalisation", "aggregation", "left_out", "alpha", "stress_likelihood", "shift", "missing", "candidates")


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
        One row per modelling factor that has more than one option (the "which choice
        moves the ranking most" table): ``factor``, ``label``, the variance-based indices
        ``sobol_total`` and ``sobol_first`` (share of the variance of the focus areas'
        ranks due to the factor with and without its interactions, averaged over focus
        areas weighted by their rank variance), the one-at-a-time measures
        ``mean_abs_rank_shift``, ``max_abs_rank_shift``, ``share_leader_changed``,
        ``share_top_k_changed``, then ``n_options`` and ``order`` (1 = largest total
        Sobol index; by the mean shift when the Sobol indices were not computed).
    sobol : DataFrame
        The Sobol indices per focus area and factor and their variance-weighted summary
        (``focus_area_id`` ``"(all)"``), see :func:`sobol_indices`.
    options : DataFrame
        The same measures for each option of each factor, varied alone from the nominal
        settings (for the weights, over the Monte Carlo weight draws).
    runs : DataFrame
        One row per run: ``run``, the option of each discrete choice (``normalisation``,
        ``aggregation``, ``left_out``, ``alpha``, ``stress_likelihood``, ``shift``,
        ``missing``, ``candidates``) and ``weight_<column>``.
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
    sobol: pd.DataFrame = field(default_factory=pd.DataFrame)

    def share_selected_fill_top(self) -> float:
        """Share of runs in which the selected focus areas fill the top places (as many as they are)."""
        return self.settings.get("share_selected_fill_top", np.nan)


@dataclass
class _Design:
    """The evidence and every option of every modelling choice; scores runs in batches of equal settings."""

    columns: list[str]
    w: np.ndarray
    matrices: list[np.ndarray]
    variant: dict
    zero_mask: np.ndarray
    options: dict
    nominal: dict
    cache: dict = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return self.matrices[0].shape[0]

    def varied(self) -> list[str]:
        """The discrete choices with more than one option (the others cannot move the ranking)."""
        return [f for f in DISCRETE if len(self.options[f]) > 1]

    def values(self, combo: tuple[int, ...]) -> np.ndarray:
        """Normalised evidence (rows x columns) for one setting of the discrete choices (indices in DISCRETE order; left_out unused)."""
        o = {f: self.options[f][i] for f, i in zip(DISCRETE, combo)}
        norm, agg = o["normalisation"], o["aggregation"]
        shift = o["shift"] if (norm == "minmax" and agg == "geometric") else self.options["shift"][self.nominal["shift"]]
        key = (norm, agg, o["alpha"], o["stress_likelihood"], shift, o["missing"], o["candidates"])
        if key not in self.cache:
            X = self.matrices[self.variant[(o["alpha"], o["stress_likelihood"])]]
            if o["missing"] == "zero":
                X = np.where(self.zero_mask, 0.0, X)
            scale = (float(shift), 100.0) if (norm == "minmax" and agg == "geometric") else scale_for(norm, agg)
            reference = None
            if o["candidates"] is not None:
                reference = np.ones(self.n_rows, dtype=bool)
                reference[o["candidates"]] = False
            V, _ = normalise_array(X, norm, scale, reference, positive=agg == "geometric")
            if agg == "geometric" and (~np.isnan(V) & (V <= 0)).any():
                raise ValueError("geometric aggregation of z-scores needs values above -5 standard deviations; "
                                 "leave 'geometric' or 'zscore' out of the Monte Carlo for this matrix")
            self.cache[key] = V
        return self.cache[key]

    def scores(self, idx: np.ndarray, W: np.ndarray) -> np.ndarray:
        """Scores (runs x rows): ``idx`` holds each run's option index of every discrete choice (runs x len(DISCRETE))."""
        S = np.full((len(W), self.n_rows), np.nan)
        agg_col = DISCRETE.index("aggregation")
        keep = [i for i, f in enumerate(DISCRETE) if f != "left_out"]
        combos, inverse = np.unique(idx[:, keep], axis=0, return_inverse=True)
        inverse = np.asarray(inverse).ravel()
        for c, combo in enumerate(combos):
            runs = np.flatnonzero(inverse == c)
            full = np.zeros(len(DISCRETE), dtype=int)
            full[keep] = combo
            agg = self.options["aggregation"][full[agg_col]]
            S[runs] = aggregate_array(self.values(tuple(full)), W[runs], agg)
        return S

    def nominal_index(self, n: int = 1) -> np.ndarray:
        return np.tile([self.nominal[f] for f in DISCRETE], (n, 1))

    def option_label(self, factor: str, option) -> str:
        if factor in ("normalisation", "aggregation"):
            return _method(option)
        if factor == "left_out":
            return english("synthesis.option.nothing_left_out") if option is None else english("synthesis.option.leave_out", evidence=_evidence_label(option).lower())
        if factor == "missing":
            return english(f"synthesis.option.missing.{option}")
        if factor == "candidates":
            return english("synthesis.option.all_candidates") if option is None else english("synthesis.option.without", name=self.row_ids[option])
        return f"{option:g}"

    row_ids: list = field(default_factory=list)


def _structural_missing(matrix: pd.DataFrame, cols: list[str], X: np.ndarray) -> np.ndarray:
    """Cells missing by design: the linked risk of a focus area that covers no hazard."""
    mask = np.zeros(X.shape, dtype=bool)
    if "linked_risk" in cols and "n_hazards" in matrix:
        k = cols.index("linked_risk")
        none = pd.to_numeric(matrix["n_hazards"], errors="coerce").fillna(-1).to_numpy() == 0
        other = (~np.isnan(np.delete(X, k, axis=1))).any(axis=1)  # a focus area with no evidence at all stays unranked
        mask[:, k] = none & np.isnan(X[:, k]) & other
    return mask


def _design(matrix, *, weights, columns, normalisations, aggregations, leave_one_out, nominal_normalisation, nominal_aggregation,
            variants=None, shifts=SHIFTS, vary_missing=True, vary_candidates=True) -> _Design:
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
    X0 = _values(matrix, cols)
    a0 = float(matrix.attrs.get("alpha", np.nan))
    sl0 = float(matrix.attrs.get("stress_likelihood", np.nan))
    if variants and not (np.isfinite(a0) and np.isfinite(sl0)):
        raise ValueError("variants need the nominal alpha and stress likelihood of the matrix (attrs['alpha'], attrs['stress_likelihood']): "
                         "pass the matrix from evidence_matrix(), not one read back from a file")
    matrices, variant = [X0], {(a0, sl0): 0}
    key = _key(matrix)
    for (a, sl), m in (variants or {}).items():
        if key is not None and (key not in m or list(m[key].astype(str)) != list(matrix[key].astype(str))):
            raise ValueError(f"variant (alpha={a}, stress_likelihood={sl}) does not have the rows of the matrix in the same order")
        pair = (float(a), float(sl))
        if pair == (a0, sl0):
            continue
        variant[pair] = len(matrices)
        matrices.append(_values(m, cols))
    alphas = sorted({p[0] for p in variant}, key=lambda v: (np.isnan(v), v))
    likelihoods = sorted({p[1] for p in variant}, key=lambda v: (np.isnan(v), v))
    missing = [pair for pair in ((a, s) for a in alphas for s in likelihoods) if pair not in variant]
    if missing:
        raise ValueError(f"variants must cover every pair of alpha and stress likelihood; missing {missing}")
    shifts = sorted({float(x) for x in shifts} | {POSITIVE_SCALE["minmax"][0]})
    if shifts[0] <= 0:
        raise ValueError(f"shifts must be positive lower bounds of min-max before a geometric mean, not {shifts[0]:g}")
    zero_mask = _structural_missing(matrix, cols, X0)
    ranked = [i for i in range(len(X0)) if (~np.isnan(X0[i])).any()]
    options = {
        "normalisation": list(normalisations), "aggregation": list(aggregations), "left_out": left,
        "alpha": alphas, "stress_likelihood": likelihoods,
        "shift": shifts if "geometric" in aggregations and "minmax" in normalisations else [POSITIVE_SCALE["minmax"][0]],
        "missing": list(MISSING_RULES) if vary_missing and zero_mask.any() else ["missing"],
        "candidates": [None] + (ranked if vary_candidates and len(ranked) >= 4 else []),
    }
    nominal = {"normalisation": options["normalisation"].index(nominal_normalisation),
               "aggregation": options["aggregation"].index(nominal_aggregation), "left_out": 0,
               "alpha": alphas.index(a0) if a0 in alphas else 0, "stress_likelihood": likelihoods.index(sl0) if sl0 in likelihoods else 0,
               "shift": options["shift"].index(POSITIVE_SCALE["minmax"][0]), "missing": 0, "candidates": 0}
    ids = matrix[key].astype(str).tolist() if key is not None else [str(i) for i in range(len(matrix))]
    return _Design(cols, w, matrices, variant, zero_mask, options, nominal, row_ids=ids)


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
    for i, c in enumerate(design.options["left_out"]):
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
    variants: Mapping[tuple[float, float], pd.DataFrame] | None = None,
    shifts: Sequence[float] = SHIFTS,
    vary_missing: bool = True,
    vary_candidates: bool = True,
    sobol_base: int | None = 256,
) -> UncertaintyResult:
    """How much the ranking rests on the modelling choices: Monte Carlo uncertainty and sensitivity analysis.

    Each of ``n_runs`` runs draws, independently and uniformly:

    1. a normalisation method from ``normalisations`` and 2. an aggregation from
       ``aggregations``;
    3. which evidence source to leave out, "none" or one of the evidence columns
       (``leave_one_out``);
    4. weights from a Dirichlet distribution centred on the chosen weights ``w``:
       ``Dirichlet(dirichlet_concentration x w)``, whose mean is ``w`` (with four equal
       weights and concentration 20 each weight has a standard deviation of about 0.09);
    5. the compound-risk weight alpha and 6. the likelihood given to a stress, over the
       evidence matrices of ``variants`` (:func:`evidence_variants`); without them both
       stay at the matrix's own values;
    7. the positive shift before a geometric mean: the lower bound of min-max
       normalisation, from ``shifts`` (the nominal 1 of COINr always included; used only
       when a run combines min-max with the geometric mean);
    8. whether a focus area that covers no hazard has missing linked risk (the rule:
       aggregation re-weights over its other evidence) or zero (``vary_missing``);
    9. the candidate set: all candidates, or one candidate left out of the *reference*
       set from which the normalisation takes its minimum, maximum, mean, standard
       deviation or ranks, and scored against the others (``vary_candidates``; at least
       four candidates with evidence). Every candidate keeps a rank in every run, so the
       shift measures how much one candidate's presence moves the others.

    The sensitivity table answers "which choice moves the ranking most" with Sobol's
    variance-based indices (Saltelli et al. 2010, computed by SALib through
    :func:`pra_lib.stats.composite.sobol_analysis`), as the OECD/JRC Handbook recommends:
    the total index of a choice is the share of the variance of the focus areas' ranks
    that goes if that choice alone were fixed, interactions included. The one-at-a-time
    shifts (each choice varied alone from the nominal settings; the mean absolute rank
    shift from the nominal ranking) stay beside them as an illustration: they miss
    interactions, and so rank choices differently.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`evidence_matrix` (the nominal evidence; its ``attrs`` record alpha and the
        stress likelihood).
    n_runs : int
        Number of Monte Carlo runs.
    seed : int
        Seed of ``numpy.random.default_rng`` and of the Sobol design: the same seed gives
        the same result.
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
    variants : dict, optional
        ``{(alpha, stress_likelihood): evidence matrix}`` for every pair
        (:func:`evidence_variants`), rows in the order of ``matrix``.
    shifts : sequence of float
        Lower bounds of min-max normalisation tried before a geometric mean.
    vary_missing, vary_candidates : bool
        Also draw the missing-versus-zero rule and the candidate set.
    sobol_base : int or None
        Base sample size of the Sobol design (``sobol_base x (G + 2)`` extra runs for G
        varied choices); ``None`` skips the Sobol indices.

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    >>> u = uncertainty_analysis(evidence_matrix(a), variants=evidence_variants(a), n_runs=1000, seed=2017)  # doctest: +SKIP
    >>> u.sensitivity[["factor", "sobol_total", "mean_abs_rank_shift"]]  # doctest: +SKIP
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
                     leave_one_out=leave_one_out, nominal_normalisation=normalisation, nominal_aggregation=aggregation,
                     variants=variants, shifts=shifts, vary_missing=vary_missing, vary_candidates=vary_candidates)
    rng = np.random.default_rng(seed)
    idx = np.column_stack([rng.integers(0, len(design.options[f]), n_runs) for f in DISCRETE])
    W_draw = _draw_weights(rng, design.w, n_runs, float(dirichlet_concentration))
    W = _drop(W_draw, idx[:, DISCRETE.index("left_out")], design)
    S = design.scores(idx, W)
    R, size = rank_matrix(S)

    # Nominal ranking
    S0 = design.scores(design.nominal_index(), design.w[None, :])
    R0, _ = rank_matrix(S0)
    r0 = R0[0]

    F = design.n_rows
    ids = _id_frame(matrix).reset_index(drop=True)
    key = _key(matrix) or ids.columns[0]
    tail = (1.0 - float(ci)) / 2.0
    with warnings.catch_warnings():
        # Only a focus area with no evidence at all (never ranked) gives an all-NaN column; it is reported as unranked.
        warnings.filterwarnings("ignore", message="All-NaN slice encountered")
        warnings.filterwarnings("ignore", message="Mean of empty slice")
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

    sobol = _sobol(design, ids, key, n_base=sobol_base, seed=seed, concentration=float(dirichlet_concentration)) if sobol_base else pd.DataFrame()
    options, sensitivity = _sensitivity(design, r0, W_draw=W_draw, top_k=top_k, sobol=sobol)
    runs = pd.DataFrame({"run": np.arange(1, n_runs + 1)})
    for j, f in enumerate(DISCRETE):
        opts = design.options[f]
        if f == "left_out":
            runs[f] = [opts[i] or _NONE for i in idx[:, j]]
        elif f == "candidates":
            runs[f] = [_NONE if opts[i] is None else design.row_ids[opts[i]] for i in idx[:, j]]
        else:
            runs[f] = np.array(opts, dtype=object)[idx[:, j]]
    for k, c in enumerate(design.columns):
        runs[f"weight_{c}"] = W[:, k] / W.sum(axis=1)
    ranks = pd.DataFrame({
        "run": np.repeat(np.arange(1, n_runs + 1), F),
        key: np.tile(ids[key].to_numpy(), n_runs),
        "score": S.ravel(),
        "rank": R.ravel(),
    })
    nominal = {f: design.options[f][design.nominal[f]] for f in DISCRETE}
    settings = {
        "n_runs": n_runs, "seed": seed, "top_k": top_k, "ci": float(ci), "dirichlet_concentration": float(dirichlet_concentration),
        "weights": dict(zip(design.columns, design.w)), "normalisations": tuple(design.options["normalisation"]),
        "aggregations": tuple(design.options["aggregation"]),
        "left_out_options": [c or _NONE for c in design.options["left_out"]], "normalisation": normalisation, "aggregation": aggregation,
        "alphas": tuple(design.options["alpha"]), "stress_likelihoods": tuple(design.options["stress_likelihood"]),
        "shifts": tuple(design.options["shift"]), "missing_rules": tuple(design.options["missing"]),
        "candidate_sets": len(design.options["candidates"]), "varied": design.varied() + ["weights"], "nominal": nominal,
        "evidence": design.columns, "share_selected_fill_top": share_fill, "n_selected": int(selected.sum()),
        "sobol_base": sobol_base, "sobol_runs": int(sobol["n_runs"].iloc[0]) if len(sobol) else 0,
    }
    return UncertaintyResult(summary, sensitivity, options, runs, ranks, top_sets, settings, sobol)


def _sobol_model(design: _Design, concentration: float):
    """The ranks of every row as a function of a point of the unit hypercube (varied choices, then the weights)."""
    from scipy.stats import gamma

    varied = design.varied()
    K = len(design.columns)
    pos = design.w > 0
    alpha = concentration * design.w[pos]

    def model(U: np.ndarray) -> np.ndarray:
        U = np.clip(U, 1e-12, 1 - 1e-12)
        idx = design.nominal_index(len(U))
        for j, f in enumerate(varied):
            m = len(design.options[f])
            idx[:, DISCRETE.index(f)] = np.minimum((U[:, j] * m).astype(int), m - 1)
        W = np.zeros((len(U), K))
        if pos.sum() == 1:
            W[:, pos] = 1.0
        else:
            G = gamma.ppf(U[:, len(varied):][:, pos], alpha)  # Gamma quantiles rescaled to sum to 1: a Dirichlet draw
            W[:, pos] = G / G.sum(axis=1, keepdims=True)
        W = _drop(W, idx[:, DISCRETE.index("left_out")], design)
        return rank_matrix(design.scores(idx, W))[0]

    names = [*varied, *[f"weight_{c}" for c in design.columns]]
    groups = [*varied, *["weights"] * K]
    return model, names, groups


def _sobol(design: _Design, ids: pd.DataFrame, key: str, *, n_base: int, seed: int, concentration: float,
           num_resamples: int = 200) -> pd.DataFrame:
    columns = [key, "factor", "S1", "S1_conf", "ST", "ST_conf", "rank_variance", "n_runs"]
    if design.n_rows == 0:
        return pd.DataFrame(columns=columns)
    model, names, groups = _sobol_model(design, concentration)
    long = sobol_analysis(model, names, groups=groups, n_base=n_base, seed=seed, num_resamples=num_resamples)
    long[key] = ids[key].to_numpy()[long["output"].to_numpy()]
    out = long.rename(columns={"variance": "rank_variance"}).drop(columns="output")
    rows = []
    ok = out.dropna(subset=["S1"])
    for f in dict.fromkeys(groups):
        sub = ok[ok["factor"] == f]
        wv = sub["rank_variance"].to_numpy()
        agg = {c: float(np.sum(wv * sub[c].to_numpy()) / wv.sum()) if wv.sum() > 0 else np.nan for c in ("S1", "ST")}
        rows.append({key: "(all)", "factor": f, **agg, "S1_conf": np.nan, "ST_conf": np.nan,
                     "rank_variance": float(np.nansum(out.drop_duplicates(key)["rank_variance"])), "n_runs": int(long["n_runs"].iloc[0])})
    out = pd.concat([out, pd.DataFrame(rows)], ignore_index=True)
    return out[columns]


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


def _sensitivity(design: _Design, r0: np.ndarray, *, W_draw: np.ndarray, top_k: int, sobol: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One choice at a time from the nominal settings (options table), and the factor table with the Sobol indices."""
    w0 = design.w[None, :]
    rows = []

    def ranks_for(idx, W):
        return rank_matrix(design.scores(idx, W))[0]

    for f in design.varied():
        opts = design.options[f]
        j = DISCRETE.index(f)
        for i, option in enumerate(opts):
            idx = design.nominal_index()
            idx[0, j] = i
            W = w0.copy()
            if f == "left_out" and option is not None:
                W[0, design.columns.index(option)] = 0.0
            rows.append({"factor": f, "option": design.option_label(f, option), "nominal": i == design.nominal[f], "weight": 1.0 / len(opts),
                         **_shift_stats(ranks_for(idx, W), r0, top_k)})
    Rw = ranks_for(design.nominal_index(len(W_draw)), W_draw)
    stats = _shift_stats(Rw, r0, top_k)
    if (~np.isnan(r0)).any():
        stats["mean_abs_rank_shift"] = float(np.mean(np.nanmean(np.abs(Rw - r0)[:, ~np.isnan(r0)], axis=1)))
    rows.append({"factor": "weights", "option": english("synthesis.option.dirichlet", n=f"{len(W_draw):,}"), "nominal": False, "weight": 1.0, **stats})
    options = pd.DataFrame(rows)
    overall = sobol[sobol.iloc[:, 0] == "(all)"].set_index("factor") if len(sobol) else pd.DataFrame()
    factors = []
    for f in FACTORS:
        sub = options[options["factor"] == f]
        if sub.empty:
            continue
        wts = sub["weight"].to_numpy()
        factors.append({
            "factor": f,
            "label": english(f"synthesis.factor_label.{f}"),
            "sobol_total": float(overall.loc[f, "ST"]) if f in overall.index else np.nan,
            "sobol_first": float(overall.loc[f, "S1"]) if f in overall.index else np.nan,
            "mean_abs_rank_shift": float(np.sum(wts * sub["mean_abs_rank_shift"].to_numpy()) / wts.sum()),
            "max_abs_rank_shift": float(sub["max_abs_rank_shift"].max()),
            "share_leader_changed": float(np.sum(wts * sub["share_leader_changed"].to_numpy()) / wts.sum()),
            "share_top_k_changed": float(np.sum(wts * sub["share_top_k_changed"].to_numpy()) / wts.sum()),
            "n_options": int(len(W_draw)) if f == "weights" else int(len(sub)),
        })
    sensitivity = pd.DataFrame(factors)
    if len(sensitivity):
        by = "sobol_total" if sensitivity["sobol_total"].notna().any() else "mean_abs_rank_shift"
        sensitivity = sensitivity.sort_values([by, "mean_abs_rank_shift", "factor"], ascending=[False, False, True], na_position="last",
                                              kind="stable").reset_index(drop=True)
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
    variants: Mapping[tuple[float, float], pd.DataFrame] | None = None,
    shifts: Sequence[float] = SHIFTS,
    vary_missing: bool = True,
    vary_candidates: bool = True,
) -> pd.DataFrame:
    """Variance-based (Sobol) first-order and total indices of each focus area's rank.

    The same choices as :func:`uncertainty_analysis` are sampled with Saltelli's design
    (Saltelli et al. 2010, as in COINr) over the unit hypercube: a discrete choice with m
    options takes option ``floor(u x m)``; the weights are one *group* of factors, each
    weight ``u_k`` mapped to a Gamma(``concentration x w_k``) quantile and the set
    rescaled to sum to 1, which is a Dirichlet draw. With G varied groups and no
    second-order indices the design has ``n_base x (G + 2)`` runs. The indices are
    computed per focus area on its rank (:func:`pra_lib.stats.composite.sobol_analysis`,
    SALib), and summarised over focus areas weighted by the variance of their ranks.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`evidence_matrix`.
    n_base : int
        Base sample size N (a power of 2 suits the Sobol sequence).
    seed : int
        Seed of the sampler and of the bootstrap of the confidence intervals.
    weights, dirichlet_concentration, normalisations, aggregations, leave_one_out, normalisation, aggregation, columns, variants, shifts, vary_missing, vary_candidates
        As in :func:`uncertainty_analysis`.
    num_resamples : int
        Bootstrap resamples for the confidence intervals of the indices.

    Returns
    -------
    pandas.DataFrame
        ``focus_area_id`` (``"(all)"`` for the variance-weighted summary), ``factor``,
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf``, ``rank_variance`` and ``n_runs``. A focus
        area whose rank never changes has NaN indices.

    Examples
    --------
    >>> sobol_indices(evidence_matrix(a), n_base=512)  # doctest: +SKIP
    """
    n_base = int(n_base)
    if n_base < 2:
        raise ValueError(f"n_base must be at least 2, not {n_base}")
    design = _design(matrix, weights=weights, columns=columns, normalisations=normalisations, aggregations=aggregations,
                     leave_one_out=leave_one_out, nominal_normalisation=normalisation, nominal_aggregation=aggregation,
                     variants=variants, shifts=shifts, vary_missing=vary_missing, vary_candidates=vary_candidates)
    ids = _id_frame(matrix).reset_index(drop=True)
    key = _key(matrix) or ids.columns[0]
    return _sobol(design, ids, key, n_base=n_base, seed=seed, concentration=float(dirichlet_concentration), num_resamples=num_resamples)


def settled_places(result: UncertaintyResult, *, threshold: float = 0.9) -> pd.DataFrame:
    """What the uncertainty analysis settles: places held by one focus area, and sets that share places.

    The focus areas are taken in the order of the summary (median rank first). A cut after
    the first m of them is *settled* when, in at least ``threshold`` of the runs, exactly
    those m hold the first m places (every one ranks m or better, every other ranks below
    m; a tie across the cut unsettles it). The cuts split the focus areas into tiers: a
    tier of one is a settled place, a larger tier is a set whose order the analysis does
    not decide, to be reported as a set or a tie, not as an order.

    Parameters
    ----------
    result : UncertaintyResult
        :func:`uncertainty_analysis`.
    threshold : float
        Share of runs a cut needs to count as settled.

    Returns
    -------
    pandas.DataFrame
        One row per ranked focus area, in summary order: the key column, ``tier`` (1 =
        first), ``place_low``, ``place_high`` (the places the tier holds), ``n_in_tier``,
        ``settled`` (a tier of one), ``share_tier`` (share of runs in which the tier's
        focus areas hold exactly its places), ``share_place_low`` (share of runs in which
        this focus area takes the tier's first place; ties share the place) and
        ``share_in_places`` (share of runs in which it ranks within the tier's places).

    Examples
    --------
    >>> settled_places(uncertainty_analysis(matrix))  # doctest: +SKIP
    """
    if not 0 < float(threshold) <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    s = result.summary
    key = _key(s) or s.columns[0]
    columns = [key, "tier", "place_low", "place_high", "n_in_tier", "settled", "share_tier", "share_place_low", "share_in_places"]
    s = s[s["rank_median"].notna()]
    if s.empty:
        return pd.DataFrame(columns=columns)
    wide = result.ranks.pivot(index="run", columns=key, values="rank")
    order = list(s[key])
    R = wide[order].to_numpy(dtype=float)
    R = np.where(np.isnan(R), np.inf, R)
    F = len(order)
    cuts = []
    for m in range(1, F):
        inside = (R[:, :m] <= m).all(axis=1) & (R[:, m:] > m).all(axis=1)
        if inside.mean() >= float(threshold):
            cuts.append(m)
    bounds = [0, *cuts, F]
    size = np.ones_like(R)
    Rmin = R.copy()
    for run in range(len(R)):  # tie-group sizes from the competition ranks
        vals, counts = np.unique(R[run], return_counts=True)
        size[run] = counts[np.searchsorted(vals, R[run])]
    rows = []
    for tier, (a, b) in enumerate(zip(bounds[:-1], bounds[1:]), start=1):
        low, high = a + 1, b
        members = R[:, a:b]
        held = ((members >= low) & (members <= high)).all(axis=1).mean()
        finite = np.isfinite(Rmin)
        place = share_top(np.where(finite, Rmin, np.nan), size, low) - (share_top(np.where(finite, Rmin, np.nan), size, low - 1) if low > 1 else 0.0)
        for j in range(a, b):
            rows.append({key: order[j], "tier": tier, "place_low": low, "place_high": high, "n_in_tier": b - a, "settled": b - a == 1,
                         "share_tier": float(held), "share_place_low": float(place[:, j].mean()),
                         "share_in_places": float(((R[:, j] >= low) & (R[:, j] <= high)).mean())})
    return pd.DataFrame(rows, columns=columns)


def place_shares(result: UncertaintyResult) -> pd.DataFrame:
    """The share of runs behind each place: how often each focus area takes each place.

    A tie shares its places evenly (two focus areas tied for 2nd take half of place 2 and
    half of place 3 each), so every place sums to 1 over the focus areas and every focus
    area to 1 over the places (unless it is never ranked).

    Returns
    -------
    pandas.DataFrame
        Wide: the key column, then ``place_1`` ... ``place_F``, in summary order.

    Examples
    --------
    >>> place_shares(uncertainty_analysis(matrix))  # doctest: +SKIP
    """
    s = result.summary
    key = _key(s) or s.columns[0]
    if s.empty:
        return pd.DataFrame(columns=[key])
    wide = result.ranks.pivot(index="run", columns=key, values="rank")
    order = list(s[key])
    R = wide[order].to_numpy(dtype=float)
    size = np.ones_like(R)
    for run in range(len(R)):  # tie-group sizes from the competition ranks
        vals, counts = np.unique(R[run], return_counts=True)
        size[run] = counts[np.searchsorted(vals, R[run])]
    size = np.where(np.isnan(R), 1.0, size)
    out = pd.DataFrame({key: order})
    previous = np.zeros(len(order))
    for p in range(1, len(order) + 1):
        held = share_top(R, size, p).mean(axis=0)
        out[f"place_{p}"] = held - previous
        previous = held
    return out


def withhold_nominal_scores(summary: pd.DataFrame, *, ranking: pd.DataFrame) -> pd.DataFrame:
    """The uncertainty summary as it may be published: no nominal score the published ranking withholds.

    ``nominal_score`` is the ranking's score; where
    :func:`pra_lib.focus_areas.withhold_interview_ranking` empties a score (it would give
    back a withheld interview count), it is emptied here too, and the row flagged
    ``score_withheld``. ``nominal_rank`` is the published ranking's rank:
    empty where the ranking withholds it, and the other rows ranked among themselves.
    The ranks and shares of the runs stay published.

    Parameters
    ----------
    summary : DataFrame
        ``UncertaintyResult.summary``.
    ranking : DataFrame
        The ranking as published.

    Returns
    -------
    pandas.DataFrame
        A copy.

    Examples
    --------
    >>> s = pd.DataFrame({"focus_area_id": ["A", "B"], "nominal_score": [90.0, 50.0], "rank_median": [1.0, 2.0]})
    >>> r = pd.DataFrame({"focus_area_id": ["A", "B"], "score": [90.0, np.nan], "score_withheld": [False, True]})
    >>> withhold_nominal_scores(s, ranking=r)["nominal_score"].tolist()
    [90.0, nan]
    >>> s["nominal_rank"] = [2.0, 1.0]
    >>> r["rank"] = pd.array([1, None], dtype="Int64")
    >>> withhold_nominal_scores(s, ranking=r)["nominal_rank"].tolist()
    [1.0, nan]
    """
    key = _key(summary)
    if key is None or key not in ranking or "score" not in ranking:
        raise KeyError("summary and ranking must share focus_area_id or goal_id, and the ranking must have a score")
    # a score the ranking withheld, not one it never had (a focus area without evidence)
    flagged = ranking[SCORE_WITHHELD].astype(str).eq("True").to_numpy() if SCORE_WITHHELD in ranking else np.zeros(len(ranking), dtype=bool)
    gone = set(ranking.loc[flagged & pd.to_numeric(ranking["score"], errors="coerce").isna().to_numpy(), key].astype(str))
    rows = summary[key].astype(str).isin(gone).to_numpy(dtype=bool)
    out = summary
    if "nominal_rank" in summary and "rank" in ranking:
        # the nominal rank is the ranking's: withheld where it is, 1 .. m among the others
        ranks = pd.Series(pd.to_numeric(ranking["rank"], errors="coerce").to_numpy(dtype=float), index=ranking[key].astype(str))
        hidden = ranks.isna() & pd.Series(flagged, index=ranks.index)
        new = summary[key].astype(str).map(ranks).to_numpy(dtype=float)
        unranked = summary[key].astype(str).isin(set(hidden[hidden].index)).to_numpy(dtype=bool)
        out = summary.copy()
        out["nominal_rank"] = new
        out = _mark_withheld(out, unranked, [], flag=SCORE_WITHHELD)
        rows = rows | unranked
    if not rows.any() or "nominal_score" not in summary:
        return out
    out = _mark_withheld(out, rows, ["nominal_score"], flag=SCORE_WITHHELD)
    out.attrs = dict(summary.attrs)
    return out


def uncertainty_publishable(evidence: pd.DataFrame) -> bool:
    """Whether the Monte Carlo of the ranking may be published: no interview count of the evidence is withheld.

    The runs (:func:`uncertainty_analysis`) score the true evidence with a published seed
    and number of runs. Where :func:`pra_lib.focus_areas.withhold_interview_evidence`
    withholds an interview count, a reader who knows everything else reruns them for
    every split of the withheld total and keeps the splits that give the published
    ranks and shares: on the sample only the true split (G03 = 4, G05 = 4, G12 = 6)
    does. So every table, figure and finding computed from the runs (the rank
    distribution, the place shares, the settled places, the top sets and the
    sensitivity and Sobol indices) is published only when nothing is withheld.

    Parameters
    ----------
    evidence : DataFrame
        The evidence matrix as published, with the ``interview_withheld`` column of
        :func:`pra_lib.focus_areas.withhold_interview_evidence`.

    Returns
    -------
    bool
        ``True`` when no row withholds its interview evidence.

    Examples
    --------
    >>> evidence = pd.DataFrame({"focus_area_id": ["FA1", "FA2"], "interview_withheld": [False, True]})
    >>> uncertainty_publishable(evidence)
    False
    >>> uncertainty_publishable(evidence.assign(interview_withheld=False))
    True
    """
    if INTERVIEW_WITHHELD not in evidence:
        raise KeyError(f"evidence: no {INTERVIEW_WITHHELD} column (columns: {', '.join(map(str, evidence.columns))}); "
                       "publish the evidence through withhold_interview_evidence first")
    # a table read back from CSV holds the flag as text
    return not evidence[INTERVIEW_WITHHELD].map(_truthy).astype(bool).any()
