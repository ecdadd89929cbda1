"""From evidence to focus areas (pra_lib.focus_areas): composite-indicator steps, uncertainty analysis, and the sample.

Hand-computed fixtures say in a comment how the expected value was computed. The published
reference is the worked example of the UNDP Human Development Report 2020, Technical notes,
technical note 1 (HDI): income index and the geometric mean of the three dimension indices.
"""

from __future__ import annotations

import math
import sys
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from pra_lib import actions
from pra_lib import perception
from pra_lib import risk
from pra_lib import focus_areas
from pra_lib.assessment.loading import load_assessment

from .conftest import SAMPLE

AGREED = ["FA1", "FA2", "FA3", "FA4", "FA5"]
EXTRA = ["FA6", "FA7"]


@pytest.fixture(scope="module")
def sample():
    return load_assessment(SAMPLE)


@pytest.fixture(scope="module")
def matrix(sample):
    return focus_areas.evidence_matrix(sample)


@pytest.fixture(scope="module")
def ranking(matrix):
    return focus_areas.rank_focus_areas(matrix)


@pytest.fixture(scope="module")
def variants(sample):
    return focus_areas.evidence_variants(sample)


@pytest.fixture(scope="module")
def uncertainty(matrix, variants):
    # as the reports run it: every modelling choice varied, alpha and stress likelihood through the variants
    return focus_areas.uncertainty_analysis(matrix, variants=variants, n_runs=1000, seed=2017)


def frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"focus_area_id": [f"F{i + 1}" for i in range(n)], **columns})


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------


def test_minmax_by_hand():
    # (x - min) / (max - min) x 100: (2-2)/8 = 0, (4-2)/8 = 0.25, (10-2)/8 = 1
    out = focus_areas.normalise(frame(x=[2.0, 4.0, 10.0]), columns=["x"])
    assert out["x"].tolist() == [0.0, 25.0, 100.0]
    # onto [1, 100] for geometric aggregation: 1 + 0.25 x 99 = 25.75
    out = focus_areas.normalise(frame(x=[2.0, 4.0, 10.0]), columns=["x"], scale=(1, 100))
    assert out["x"].tolist() == pytest.approx([1.0, 25.75, 100.0])


def test_zscore_by_hand_uses_the_sample_standard_deviation():
    # mean 4; sample sd = sqrt(((2-4)^2 + 0 + (6-4)^2) / 2) = 2, so z = -1, 0, 1 (R's sd, COINr's n_zscore)
    out = focus_areas.normalise(frame(x=[2.0, 4.0, 6.0]), columns=["x"], method="zscore")
    assert out["x"].tolist() == pytest.approx([-1.0, 0.0, 1.0])
    # mean 10, sd 2: 10 + 2z
    out = focus_areas.normalise(frame(x=[2.0, 4.0, 6.0]), columns=["x"], method="zscore", scale=(10, 2))
    assert out["x"].tolist() == pytest.approx([8.0, 10.0, 12.0])


def test_rank_by_hand_ties_share_the_average_rank():
    # sorted: 1 (rank 1), 2 (rank 2), 3, 3 (ranks 3 and 4, average 3.5)
    out = focus_areas.normalise(frame(x=[3.0, 1.0, 3.0, 2.0]), columns=["x"], method="rank")
    assert out["x"].tolist() == [3.5, 1.0, 3.5, 2.0]


def test_missing_values_stay_missing():
    out = focus_areas.normalise(frame(x=[1.0, np.nan, 3.0]), columns=["x"])
    assert out["x"].iloc[0] == 0 and np.isnan(out["x"].iloc[1]) and out["x"].iloc[2] == 100


@pytest.mark.parametrize("method, expected", [("minmax", 50.0), ("zscore", 0.0), ("rank", 2.0)])
def test_constant_column_takes_the_middle_of_the_scale_without_dividing_by_zero(method, expected):
    with pytest.warns(RuntimeWarning, match="same for every row"):
        out = focus_areas.normalise(frame(x=[0.3, 0.3, 0.3], y=[1.0, 2.0, 3.0]), columns=["x", "y"], method=method)
    assert out["x"].tolist() == [expected] * 3  # the middle: (0+100)/2, the mean 0, (n+1)/2
    assert np.isfinite(out["y"]).all()


def test_normalise_rejects_bad_arguments():
    m = frame(x=[1.0, 2.0])
    with pytest.raises(ValueError, match="method"):
        focus_areas.normalise(m, columns=["x"], method="borda")
    with pytest.raises(ValueError, match="not in the matrix"):
        focus_areas.normalise(m, columns=["nope"])
    with pytest.raises(ValueError, match="hi > lo"):
        focus_areas.normalise(m, columns=["x"], scale=(100, 0))
    with pytest.raises(ValueError, match="unknown column"):
        focus_areas.normalise(m, columns=["x"], goalposts={"y": (0, 1)})


def test_evidence_correlations_by_hand():
    # b rises with a (Spearman 1), c falls with a (-1); a constant column has no correlation
    m = frame(a=[1.0, 2.0, 3.0, 4.0], b=[2.0, 4.0, 6.0, 9.0], c=[4.0, 3.0, 2.0, 1.0], d=[1.0, 1.0, 1.0, 1.0])
    rho = focus_areas.evidence_correlations(m, columns=["a", "b", "c", "d"]).set_index(["column_a", "column_b"])["rho"]
    assert rho[("a", "b")] == pytest.approx(1.0) and rho[("a", "c")] == pytest.approx(-1.0)
    assert np.isnan(rho[("a", "d")])


# ---------------------------------------------------------------------------
# Weighting and aggregation
# ---------------------------------------------------------------------------


def test_weights_are_validated_and_rescaled():
    # 2 : 1 : 1 sums to 4, so 0.5, 0.25, 0.25
    assert focus_areas.check_weights({"a": 2, "b": 1, "c": 1}, ["a", "b", "c"]).tolist() == [0.5, 0.25, 0.25]
    assert focus_areas.check_weights(None, ["a", "b", "c", "d"]).tolist() == [0.25] * 4
    assert focus_areas.check_weights({"a": 0, "b": 3}, ["a", "b"]).tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="unknown evidence column.*'risk'"):
        focus_areas.check_weights({"a": 1, "risk": 1}, ["a"])
    with pytest.raises(ValueError, match="negative"):
        focus_areas.check_weights({"a": 1, "b": -0.5}, ["a", "b"])
    with pytest.raises(ValueError, match="no weight to b"):
        focus_areas.check_weights({"a": 1}, ["a", "b"])
    with pytest.raises(ValueError, match="all zero"):
        focus_areas.check_weights({"a": 0, "b": 0}, ["a", "b"])
    with pytest.raises(ValueError, match="finite"):
        focus_areas.check_weights({"a": np.inf, "b": 1}, ["a", "b"])


def test_arithmetic_aggregation_by_hand():
    m = frame(a=[10.0, 10.0], b=[20.0, np.nan], c=[30.0, 30.0])
    score = focus_areas.aggregate(m, columns=["a", "b", "c"], weights={"a": 1, "b": 1, "c": 2})
    # (1 x 10 + 1 x 20 + 2 x 30) / 4 = 22.5; a missing value is skipped: (10 + 60) / 3 = 23.33
    assert score.tolist() == pytest.approx([22.5, 70 / 3])


def test_geometric_aggregation_by_hand():
    m = frame(a=[1.0, 4.0], b=[8.0, 9.0])
    # sqrt(1 x 8) = 2.828; sqrt(4 x 9) = 6
    assert focus_areas.aggregate(m, columns=["a", "b"], method="geometric").tolist() == pytest.approx([math.sqrt(8), 6.0])
    # weights 1 : 2 -> 1^(1/3) x 8^(2/3) = 4
    assert focus_areas.aggregate(m.head(1), columns=["a", "b"], method="geometric", weights={"a": 1, "b": 2}).iloc[0] == pytest.approx(4.0)
    with pytest.raises(ValueError, match="strictly positive"):
        focus_areas.aggregate(frame(a=[0.0, 1.0], b=[1.0, 1.0]), columns=["a", "b"], method="geometric")


def test_hdi_worked_example_of_the_hdr_2020_technical_notes():
    # UNDP, Human Development Report 2020, Technical notes, technical note 1 (the HDI), worked
    # example: income index = [ln(3,829) - ln(100)] / [ln(75,000) - ln(100)] = 0.5506 and
    # HDI = (0.6971 x 0.3447 x 0.5506)^(1/3) = 0.510, as printed. Goalposts $100 and $75,000
    # (2017 PPP $). The life-expectancy and schooling inputs behind 0.6971 and 0.3447 could not
    # be confirmed, so the test starts from the printed dimension indices.
    income = pd.DataFrame({"country": ["example"], "log_gni": [math.log(3829)]})
    index = focus_areas.normalise(income, columns=["log_gni"], scale=(0, 1), goalposts={"log_gni": (math.log(100), math.log(75000))})
    assert round(index["log_gni"].iloc[0], 4) == 0.5506
    dims = pd.DataFrame({"health": [0.6971], "education": [0.3447], "income": [0.5506]})
    hdi = focus_areas.aggregate(dims, columns=["health", "education", "income"], method="geometric")
    assert round(hdi.iloc[0], 3) == 0.510


def test_goalposts_clip_values_outside_them():
    # The HDI caps expected years of schooling at the 18-year goalpost: 20 years gives index 1.
    out = focus_areas.normalise(frame(eys=[20.0, 9.0]), columns=["eys"], scale=(0, 1), goalposts={"eys": (0, 18)})
    assert out["eys"].tolist() == [1.0, 0.5]


# ---------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------


def test_rank_focus_areas_by_hand():
    m = frame(a=[1.0, 2.0, 3.0], b=[30.0, 10.0, 20.0])
    # min-max: a = 0, 50, 100; b = 100, 0, 50; equal weights: 50, 25, 75 -> ranks 2, 3, 1
    r = focus_areas.rank_focus_areas(m, columns=["a", "b"]).set_index("focus_area_id")
    assert r["score"].to_dict() == pytest.approx({"F1": 50.0, "F2": 25.0, "F3": 75.0})
    assert r["rank"].to_dict() == {"F1": 2, "F2": 3, "F3": 1}
    # geometric on [1, 100]: a = 1, 50.5, 100; b = 100, 1, 50.5 -> sqrt: 10, 7.11, 71.06
    g = focus_areas.rank_focus_areas(m, columns=["a", "b"], aggregation="geometric").set_index("focus_area_id")
    assert g["score"].to_dict() == pytest.approx({"F1": 10.0, "F2": math.sqrt(50.5), "F3": math.sqrt(5050)})


def test_tied_scores_share_the_best_rank():
    m = frame(a=[3.0, 1.0, 3.0, 2.0])
    r = focus_areas.rank_focus_areas(m, columns=["a"]).set_index("focus_area_id")
    assert r["rank"].to_dict() == {"F1": 1, "F3": 1, "F4": 3, "F2": 4}  # competition ranking 1, 1, 3, 4


def test_weights_change_the_ranking():
    m = frame(a=[1.0, 0.0], b=[0.0, 1.0])
    first = focus_areas.rank_focus_areas(m, columns=["a", "b"], weights={"a": 3, "b": 1})
    assert first["focus_area_id"].iloc[0] == "F1"
    first = focus_areas.rank_focus_areas(m, columns=["a", "b"], weights={"a": 1, "b": 3})
    assert first["focus_area_id"].iloc[0] == "F2"


# ---------------------------------------------------------------------------
# Uncertainty and sensitivity analysis
# ---------------------------------------------------------------------------


def constructed() -> pd.DataFrame:
    """A clear leader, two focus areas tied by construction (mirror images), and a clear last."""
    return frame(
        a=[10.0, 8.0, 2.0, 1.0],   # F1 leads on every column
        b=[10.0, 2.0, 8.0, 1.0],   # F2 and F3 swap a and b: equal nominal scores
        c=[10.0, 5.0, 5.0, 1.0],
    )


def test_clear_leader_is_stable_and_a_tie_has_a_wide_interval():
    u = focus_areas.uncertainty_analysis(constructed(), columns=["a", "b", "c"], n_runs=1000, seed=1, top_k=2)
    s = u.summary.set_index("focus_area_id")
    # F1 is best on every column: any monotone normalisation and any positive weights keep it first.
    assert s.loc["F1", "share_first"] == 1.0
    assert (s.loc["F1", "rank_low"], s.loc["F1", "rank_high"]) == (1, 1)
    assert s.loc["F4", "rank_low"] == s.loc["F4", "rank_high"] == 4
    # F2 and F3 tie nominally; the weights break the tie either way.
    assert s.loc["F2", "nominal_rank"] == s.loc["F3", "nominal_rank"] == 2
    for fa in ("F2", "F3"):
        assert (s.loc[fa, "rank_low"], s.loc[fa, "rank_high"]) == (2, 3)
    assert 0.35 < s.loc["F2", "rank_mean"] - 2 < 0.65
    # top-k shares of a tie at the boundary are split, so the shares sum to k
    assert s["share_top_k"].sum() == pytest.approx(2.0)
    assert s.loc["F1", "share_top_k"] == 1.0


def test_uncertainty_is_seeded_and_reproducible(matrix):
    a = focus_areas.uncertainty_analysis(matrix, n_runs=300, seed=7)
    b = focus_areas.uncertainty_analysis(matrix, n_runs=300, seed=7)
    c = focus_areas.uncertainty_analysis(matrix, n_runs=300, seed=8)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    pd.testing.assert_frame_equal(a.sensitivity, b.sensitivity)
    assert not a.runs.equals(c.runs)


def test_uncertainty_design_draws_every_option(uncertainty):
    runs = uncertainty.runs
    assert set(runs["normalisation"]) == set(focus_areas.NORMALISATIONS)
    assert set(runs["aggregation"]) == set(focus_areas.AGGREGATIONS)
    assert set(runs["left_out"]) == {"(none)", *focus_areas.EVIDENCE}
    weights = runs.filter(like="weight_")
    assert np.allclose(weights.sum(axis=1), 1.0)
    # the left-out column has weight 0 in its runs
    out = runs[runs["left_out"] == "linked_risk"]
    assert (out["weight_linked_risk"] == 0).all() and len(out) > 100
    # Dirichlet centred on equal weights: the mean weight is about 1/4 in the runs that drop nothing
    kept = runs[runs["left_out"] == "(none)"].filter(like="weight_")
    assert kept.mean().to_numpy() == pytest.approx([0.25] * 4, abs=0.02)


def test_sensitivity_names_the_factors_and_is_zero_at_the_nominal_options(uncertainty):
    sens = uncertainty.sensitivity
    assert set(sens["factor"]) == set(focus_areas.FACTORS)
    assert sens["order"].tolist() == list(range(1, 10))
    # the reports quote the variance-based index: the table is ordered by it
    assert sens["sobol_total"].is_monotonic_decreasing and sens["sobol_total"].notna().all()
    opts = uncertainty.options
    assert (opts.loc[opts["nominal"], "mean_abs_rank_shift"] == 0).all()
    # one row per non-nominal option: z-score, rank, geometric, four left-out sources, the weight draws, three alphas,
    # two stress likelihoods, three shifts, zero for "no hazard", and seven candidates left out of the reference
    assert (~opts["nominal"]).sum() == 2 + 1 + 4 + 1 + 3 + 2 + 3 + 1 + 7


def test_uncertainty_varies_every_choice_that_moves_the_ranking(uncertainty, variants):
    runs = uncertainty.runs
    assert set(runs["alpha"]) == {0.0, 0.25, 0.5, 1.0} and set(runs["stress_likelihood"]) == {3.0, 4.0, 5.0}
    assert set(runs["shift"]) == {0.1, 1.0, 10.0, 25.0} and set(runs["missing"]) == {"missing", "zero"}
    assert set(runs["candidates"]) == {"(none)", *AGREED, *EXTRA}
    # each choice the review found to move the ranking does move it when varied alone
    opts = uncertainty.options
    moved = opts.groupby("factor")["max_abs_rank_shift"].max()
    for factor in ("alpha", "stress_likelihood", "missing", "left_out", "weights", "normalisation"):
        assert moved[factor] >= 1, factor
    # alpha 0 and stress likelihood 5 change FA2's linked risk: flooding's own score without amplification
    m = variants[(0.0, 5.0)].set_index("focus_area_id")
    assert m.loc["FA2", "linked_risk"] == 25 and variants[(0.0, 3.0)].set_index("focus_area_id").loc["FA3", "linked_risk"] == 15


def test_missing_rather_than_zero_puts_the_focus_area_without_hazards_first(matrix):
    # FA1 covers no hazard. With missing linked risk its other three columns carry it (Handbook re-weighting)
    # and it ranks first under both aggregations; with 0 it would drop, as the review measured.
    for aggregation in ("arithmetic", "geometric"):
        r = focus_areas.rank_focus_areas(matrix, aggregation=aggregation).set_index("focus_area_id")
        assert r.loc["FA1", "rank"] == 1 and r.loc["FA1", "n_evidence"] == 3
    zero = matrix.assign(linked_risk=matrix["linked_risk"].fillna(0.0))
    assert focus_areas.rank_focus_areas(zero).set_index("focus_area_id").loc["FA1", "rank"] > 1


def test_sobol_indices_of_a_ranking_moved_by_the_weights_alone():
    # Only the weights are uncertain (one normalisation, one aggregation, nothing left out, no candidate set):
    # every rank's variance is due to the weights, so S1 = ST = 1 (exactly: one group owns all the variance).
    m = frame(a=[4.0, 3.0, 2.0, 1.0], b=[1.0, 2.5, 4.0, 3.0])
    s = focus_areas.sobol_indices(m, columns=["a", "b"], n_base=512, seed=3, normalisations=["minmax"], aggregations=["arithmetic"],
                                  leave_one_out=False, vary_candidates=False)
    overall = s[s["focus_area_id"] == "(all)"].set_index("factor")
    assert list(overall.index) == ["weights"]
    assert overall.loc["weights", "ST"] == 1.0 and overall.loc["weights", "S1"] == 1.0
    # with the left-out source drawn too, the two share the variance: first-order parts sum to at most 1, totals to at least 1
    s2 = focus_areas.sobol_indices(m, columns=["a", "b"], n_base=1024, seed=3, normalisations=["minmax"], aggregations=["arithmetic"],
                                   vary_candidates=False)
    o2 = s2[s2["focus_area_id"] == "(all)"].set_index("factor")
    assert set(o2.index) == {"left_out", "weights"}
    assert o2["S1"].sum() <= 1.05 and o2["ST"].sum() >= 0.95
    assert (o2["ST"] >= o2["S1"] - 0.05).all()


def test_sobol_analysis_matches_the_ishigami_function():
    """The Sobol core against the Ishigami function (a = 7, b = 0.1, inputs uniform on [-pi, pi]).

    Analytic indices (Ishigami and Homma 1990; Saltelli et al. 2008, *Global Sensitivity
    Analysis: The Primer*, section 4.9): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
    SALib documents the same first-order values for its test function
    (``SALib.test_functions.Ishigami.evaluate``: "the expected first-order indices are x1:
    0.3139, x2: 0.4424, x3: 0.0"). The estimates must also equal SALib's own documented
    workflow (``sobol.sample`` on the problem's bounds, ``Ishigami.evaluate``,
    ``sobol.analyze``) run with the same seed.
    """
    from SALib.analyze import sobol as salib_analyze
    from SALib.sample import sobol as salib_sample
    from SALib.test_functions import Ishigami

    from pra_lib.stats.composite import sobol_analysis

    def ishigami(U):
        x = -np.pi + 2 * np.pi * U
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    s = sobol_analysis(ishigami, ["x1", "x2", "x3"], n_base=4096, seed=1).set_index("factor")
    a, b = 7.0, 0.1
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    analytic_s1 = [v1 / v, v2 / v, 0.0]
    analytic_st = [(v1 + v13) / v, v2 / v, v13 / v]
    assert analytic_s1 == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)  # SALib's documented values
    assert analytic_st == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)
    assert s["S1"].tolist() == pytest.approx(analytic_s1, abs=0.03)
    assert s["ST"].tolist() == pytest.approx(analytic_st, abs=0.03)
    # the interval half-widths cover the analytic values
    assert (np.abs(s["ST"].to_numpy() - analytic_st) <= 2 * s["ST_conf"].to_numpy()).all()
    # identical to SALib's documented workflow on the same design and seed
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = salib_sample.sample(problem, 4096, calc_second_order=False, seed=1)
    ref = salib_analyze.analyze(problem, Ishigami.evaluate(X), calc_second_order=False, num_resamples=200, seed=1)
    assert s["S1"].to_numpy() == pytest.approx(ref["S1"], abs=1e-9)
    assert s["ST"].to_numpy() == pytest.approx(ref["ST"], abs=1e-9)
    assert s["ST_conf"].to_numpy() == pytest.approx(ref["ST_conf"], abs=1e-9)


def test_one_factor_at_a_time_by_hand():
    m = frame(a=[4.0, 3.0, 2.0, 1.0], b=[1.0, 2.0, 4.0, 3.0])
    # min-max: a = 100, 66.7, 33.3, 0; b = 0, 33.3, 100, 66.7; equal weights: 50, 50, 66.7, 33.3
    # -> nominal ranks F3 1, F1 2, F2 2 (tie), F4 4.
    u = focus_areas.uncertainty_analysis(m, columns=["a", "b"], n_runs=50, seed=0, normalisations=["minmax"], aggregations=["arithmetic"])
    assert u.summary.set_index("focus_area_id")["nominal_rank"].to_dict() == {"F1": 2, "F2": 2, "F3": 1, "F4": 4}
    opts = u.options.set_index("option")
    # leave out b: a alone ranks F1 1, F2 2, F3 3, F4 4 -> shifts 1, 0, 2, 0: mean 3/4, max 2
    assert opts.loc["leave out b", "mean_abs_rank_shift"] == pytest.approx(3 / 4)
    assert opts.loc["leave out b", "max_abs_rank_shift"] == 2
    # leave out a: b alone ranks F3 1, F4 2, F2 3, F1 4 -> shifts 2, 1, 0, 2: mean 5/4
    assert opts.loc["leave out a", "mean_abs_rank_shift"] == pytest.approx(5 / 4)
    # the factor averages its options with their Monte Carlo probabilities (none, a, b: 1/3 each)
    left = u.sensitivity.set_index("factor").loc["left_out", "mean_abs_rank_shift"]
    assert left == pytest.approx((0 + 5 / 4 + 3 / 4) / 3)
    # with one normalisation and one aggregation offered, those choices cannot move anything and are not listed
    assert not {"normalisation", "aggregation"} & set(u.sensitivity["factor"])


def test_uncertainty_rejects_bad_arguments(matrix):
    with pytest.raises(ValueError, match="n_runs"):
        focus_areas.uncertainty_analysis(matrix, n_runs=0)
    with pytest.raises(ValueError, match="concentration"):
        focus_areas.uncertainty_analysis(matrix, dirichlet_concentration=0)
    with pytest.raises(ValueError, match="top_k"):
        focus_areas.uncertainty_analysis(matrix, top_k=0)
    with pytest.raises(ValueError, match="normalisations"):
        focus_areas.uncertainty_analysis(matrix, normalisations=["borda"])
    with pytest.raises(ValueError, match="unknown evidence column"):
        focus_areas.uncertainty_analysis(matrix, weights={"linked_risk": 1, "salience": 1})


def test_candidate_left_out_of_the_reference_is_scored_against_the_others():
    from pra_lib.stats.composite import normalise_array

    X = np.array([[10.0], [8.0], [2.0], [1.0]])
    ref = np.array([False, True, True, True])
    # min-max over the reference (1..8): the left-out 10 lies beyond the scale, not clipped into a tie with 8
    V, _ = normalise_array(X, "minmax", (0.0, 100.0), ref)
    assert V[:, 0] == pytest.approx([900 / 7, 100.0, 100 / 7, 0.0])
    # ranks among the reference: 10 is above all three (3.5), 8 keeps its rank 3
    R, _ = normalise_array(X, "rank", None, ref)
    assert R[:, 0].tolist() == [3.5, 3.0, 2.0, 1.0]
    # below the positive scale of a geometric mean: half the reference's lowest value, still last
    low = np.array([[0.0], [8.0], [2.0], [1.0]])
    P, _ = normalise_array(low, "minmax", (1.0, 100.0), ref, positive=True)
    assert P[0, 0] == pytest.approx(0.5) and P[0, 0] < P[1:, 0].min()


# ---------------------------------------------------------------------------
# The sample: the planted structure carries through
# ---------------------------------------------------------------------------


def test_evidence_matrix_on_the_sample(sample, matrix):
    m = matrix.set_index("focus_area_id")
    assert list(m.index) == AGREED + EXTRA
    assert m.loc[AGREED, "selected"].all() and not m.loc[EXTRA, "selected"].any()
    assert matrix.attrs["evidence"] == list(focus_areas.EVIDENCE)
    # Hand check of FA4 (G09; ST02, ST08): perception weakness = 5 - mean rating of G09,
    # linked risk = the higher stress risk, 5 x median severity of traffic congestion (5) = 25.
    q = perception.ratings_frame(sample, activity_id="questionnaire", aspect="performance", channels=["online", "offline"])
    g09 = q.loc[q["goal_id"] == "G09"].groupby("respondent_id")["rating"].mean().mean()
    assert m.loc["FA4", "perception_weakness"] == pytest.approx(5 - g09, abs=1e-5)
    assert m.loc["FA4", "linked_risk"] == 25 and m.loc["FA4", "top_hazard"] == "Traffic congestion"
    # FA2 covers flooding, the highest compound risk: 25 x (1 + 0.25 A) = 40.8, capped at 25, the matrix's top cell,
    # so that a shock and a stress (5 x severity, at most 25) are on one scale
    shocks = risk.shock_scores(sample, activity_id="assets_shocks_workshop")
    stresses = risk.stress_scores(sample, activity_id="stresses_session")
    comp = risk.compound_risk(shocks, stresses, sample, activity_id="stresses_session").set_index("hazard_id")
    assert comp.loc["SH01", "compound"] > 25
    assert m.loc["FA2", "linked_risk"] == 25 and m.loc["FA2", "top_hazard"] == "Flooding"
    assert matrix["linked_risk"].max() <= 25
    # FA1 covers no hazard: its linked risk is missing, not 0
    assert np.isnan(m.loc["FA1", "linked_risk"]) and m.loc["FA1", "n_hazards"] == 0
    # G09 mobility is the weakest goal, so FA4 has the largest perception weakness
    assert m["perception_weakness"].idxmax() == "FA4"
    # inter-agency coordination (G10) is the most cited weakness: FA1 is the most salient; nobody names FA6's scope
    assert m["interview_salience"].idxmax() == "FA1" and m.loc["FA6", "interview_salience"] == 0
    # Salience by hand: weakness statements tagged to G10, G12 or G05, over all weakness statements
    st = sample.interview_statements
    weak = st[st["valence"] == "weakness"]
    assert m.loc["FA1", "interview_salience"] == pytest.approx(weak["goal_id"].isin(["G10", "G12", "G05"]).mean())
    # the planted action gaps (G04 cohesion, G10 leadership, social conflict SH05) put FA5 and FA1 among the three largest
    assert {"FA1", "FA5"} <= set(m["action_gap"].nlargest(3).index)
    assert (m["dropped"] == "").all()  # nothing is missing or suppressed in the sample


def test_action_gap_is_the_actions_chapters_gap_score(sample, matrix):
    # FA6 = G02, G06, ST11: mean of the goal gap scores of actions.gaps (need = 5 - mean) and the hazard gap score
    goals = perception.scores(perception.ratings_frame(sample, activity_id="questionnaire", channels=["online", "offline"]), n_resamples=10)
    goal_gaps = actions.gaps(actions.coverage(sample, by="goal"), need=actions.need_from_scores(goals), k=None).set_index("goal_id")
    need = focus_areas.hazard_risk(sample)[["hazard_id", "risk_points"]].rename(columns={"risk_points": "need"})
    hazard_gaps = actions.gaps(actions.coverage(sample, by="hazard"), need=need, k=None).set_index("hazard_id")
    expected = np.mean([goal_gaps.loc["G02", "gap_score"], goal_gaps.loc["G06", "gap_score"], hazard_gaps.loc["ST11", "gap_score"]])
    assert matrix.set_index("focus_area_id").loc["FA6", "action_gap"] == pytest.approx(expected)


def test_agreed_focus_areas_outrank_the_extra_candidates_nominally(ranking):
    r = ranking.set_index("focus_area_id")["rank"]
    assert r[AGREED].max() < r[EXTRA].min()


def test_agreed_focus_areas_outrank_the_extras_in_most_runs(uncertainty):
    ranks = uncertainty.ranks.pivot(index="run", columns="focus_area_id", values="rank")
    both_out = ((ranks["FA6"] > 5) & (ranks["FA7"] > 5)).mean()
    # What the sample supports (about 0.75-0.77 over seeds): FA7 reaches the top 5 in about a
    # quarter of the runs (geometric aggregation, or leaving out interview salience).
    assert both_out > 0.7
    assert uncertainty.settings["share_selected_fill_top"] == pytest.approx(both_out)
    assert (ranks["FA6"] > 5).mean() > 0.99
    # in every run the agreed five have a better mean rank than the two extras
    assert (ranks[AGREED].mean(axis=1) < ranks[EXTRA].mean(axis=1)).all()
    s = uncertainty.summary.set_index("focus_area_id")
    assert s.loc[AGREED, "share_top_k"].min() > s.loc[EXTRA, "share_top_k"].max()


def test_goal_evidence_on_the_sample(sample):
    g = focus_areas.goal_evidence(sample).set_index("goal_id")
    assert len(g) == 12 and g.attrs["evidence"] == ["perception_weakness", "action_gap", "interview_salience"]
    assert g["perception_weakness"].idxmax() == "G09"
    weak = sample.interview_statements.query("valence == 'weakness'")["goal_id"].value_counts()
    assert g["interview_salience"].max() == pytest.approx(weak.max() / weak.sum())  # by hand from the statements
    assert g["interview_salience"].idxmax() in {"G10", "G11"}  # the two most cited (coordination; early warning, participation)
    assert g.loc["G05", "focus_areas"] == "FA1 FA5"
    r = focus_areas.rank_focus_areas(g.reset_index())
    assert r["goal_id"].iloc[0] in {"G09", "G08", "G10", "G11"}  # a planted weakest goal leads the goal view
    assert g["perception_weakness"].idxmin() == "G06"  # G06 economic prosperity is rated best


def test_evidence_trail_explains_a_focus_area(sample, matrix):
    t = focus_areas.evidence_trail(sample, "FA2")
    assert set(t["focus_area_id"]) == {"FA2"}
    assert t["kind"].tolist()[:3] == ["goal", "goal", "goal"]
    flood = t[t["item"] == "Flooding"].iloc[0]
    assert flood["kind"] == "shock" and flood["value"] == pytest.approx(matrix.set_index("focus_area_id").loc["FA2", "linked_risk"])
    codes = t[t["kind"] == "interview code"].set_index("item")
    st = sample.interview_statements
    assert codes.loc["flood early warning", "value"] == (st["code"] == "flood early warning").sum()  # the second most cited weakness
    acts = t[t["kind"] == "actions"].iloc[0]
    assert acts["value"] == matrix.set_index("focus_area_id").loc["FA2", "n_actions"] and "e.g." in acts["detail"]
    everyone = focus_areas.evidence_trail(sample)
    assert list(pd.unique(everyone["focus_area_id"])) == AGREED + EXTRA
    summary = focus_areas.trail_summary(everyone).set_index("focus_area_id")
    assert "Flooding (25)" in summary.loc["FA2", "shocks_and_stresses"]
    assert summary.loc["FA1", "shocks_and_stresses"] == "none"
    with pytest.raises(ValueError, match="unknown focus area"):
        focus_areas.evidence_trail(sample, "FA99")


def test_session_note_counts_the_participants(sample):
    people = sample.participants
    n = people.loc[people["activity_id"] == "focus_areas_session", "respondent_id"].nunique()
    text = focus_areas.session_note(sample, "focus_areas_session")
    assert f"{n} participants from 4 stakeholder groups" in text and "7 candidate focus areas, of which 5 were agreed" in text
    assert "fewer participants than can be published" in focus_areas.session_note(sample, "focus_areas_session", min_cell_size=n + 1)


# ---------------------------------------------------------------------------
# Degenerate input
# ---------------------------------------------------------------------------


def test_focus_area_with_no_links(assessment_copy):
    path = assessment_copy / "focus_areas.csv"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("FA8,An empty candidate,Kandidat kosong,false\n")
    a = load_assessment(assessment_copy)
    with pytest.warns(RuntimeWarning, match="FA8 have no goal or hazard links"):
        m = focus_areas.evidence_matrix(a)
    row = m.set_index("focus_area_id").loc["FA8"]
    assert row[list(focus_areas.EVIDENCE)].isna().all()
    r = focus_areas.rank_focus_areas(m).set_index("focus_area_id")
    assert pd.isna(r.loc["FA8", "rank"]) and np.isnan(r.loc["FA8", "score"]) and r.loc["FA8", "n_evidence"] == 0
    assert r["rank"].dropna().max() == 7  # the others are ranked among themselves
    u = focus_areas.uncertainty_analysis(m, n_runs=100, seed=0).summary.set_index("focus_area_id")
    assert np.isnan(u.loc["FA8", "rank_median"]) and u.loc["FA8", "share_top_k"] == 0
    assert u["share_top_k"].sum() == pytest.approx(5)


def test_constant_evidence_column_does_not_change_the_ranking():
    m = frame(a=[1.0, 3.0, 2.0], b=[5.0, 1.0, 4.0], flat=[0.2, 0.2, 0.2])
    with pytest.warns(RuntimeWarning, match="flat"):
        with_flat = focus_areas.rank_focus_areas(m, columns=["a", "b", "flat"])
    without = focus_areas.rank_focus_areas(m, columns=["a", "b"])
    assert with_flat["focus_area_id"].tolist() == without["focus_area_id"].tolist()
    assert with_flat["norm_flat"].tolist() == [50.0] * 3


def test_single_focus_area():
    m = frame(a=[0.4], b=[12.0])
    r = focus_areas.rank_focus_areas(m, columns=["a", "b"])
    assert r["rank"].tolist() == [1] and r["score"].tolist() == [50.0]
    u = focus_areas.uncertainty_analysis(m, columns=["a", "b"], n_runs=50, seed=0)
    s = u.summary.iloc[0]
    assert (s["rank_low"], s["rank_high"], s["share_first"], s["share_top_k"]) == (1, 1, 1.0, 1.0)
    assert (u.sensitivity["mean_abs_rank_shift"] == 0).all()


def test_empty_matrix_gives_empty_results():
    m = pd.DataFrame({"focus_area_id": pd.Series(dtype=object), "a": pd.Series(dtype=float)})
    assert focus_areas.rank_focus_areas(m, columns=["a"]).empty
    assert focus_areas.uncertainty_analysis(m, columns=["a"], n_runs=10).summary.empty


# ---------------------------------------------------------------------------
# Figures and findings
# ---------------------------------------------------------------------------


def test_figures_are_labelled_with_focus_area_names(matrix, ranking, uncertainty):
    import matplotlib.pyplot as plt

    fig = focus_areas.evidence_heatmap(matrix, ranking=ranking)
    labels = " ".join(t.get_text() for t in fig.axes[0].get_yticklabels())
    assert "FA2 A culture of preparedness" in labels and "1. FA1" in labels
    fig2 = focus_areas.rank_distribution_figure(uncertainty)
    assert "FA6 Economic diversification and jobs" in " ".join(t.get_text() for t in fig2.axes[0].get_yticklabels())
    fig3 = focus_areas.sensitivity_figure(uncertainty)
    assert any("Weights" in t.get_text() for t in fig3.axes[0].get_yticklabels())
    assert "Sobol" in fig3.axes[0].get_title(loc="left")
    for f in (fig, fig2, fig3):
        plt.close(f)


def test_findings_are_computed_from_the_results(matrix, ranking, uncertainty):
    text = focus_areas.findings_focus_areas(ranking, uncertainty, matrix=matrix)
    assert "1. FA1 City governance and management" in text
    share = uncertainty.settings["share_selected_fill_top"]
    assert f"fill the top 5 places in {100 * share:.0f}% of runs" in text
    # the sensitivity quoted is the Sobol total index, largest first
    top = uncertainty.sensitivity.iloc[0]
    assert f"{focus_areas.FACTOR_TEXT[top['factor']]} {top['sobol_total']:.2f}" in text and "Sobol" in text
    # what is not settled is a set, with the share of runs behind its first place
    tiers = focus_areas.settled_places(uncertainty)
    first = tiers[tiers["tier"] == 1]
    assert len(first) > 1 and "a set in no settled order" in text
    best = first.sort_values("share_place_low", ascending=False).iloc[0]
    assert f"{best['focus_area_id']}" in text and f"in {100 * best['share_place_low']:.0f}%" in text


def test_executive_summary_names_the_headlines(sample, ranking, uncertainty):
    q = perception.ratings_frame(sample, activity_id="questionnaire", channels=["online", "offline"])
    goals = perception.scores(q, n_resamples=10)
    shocks = risk.shock_scores(sample, activity_id="assets_shocks_workshop")
    stresses = risk.stress_scores(sample, activity_id="stresses_session")
    comp = risk.compound_risk(shocks, stresses, sample, activity_id="stresses_session")
    changes = pd.DataFrame({"focus_area_id": ["FA3", "FA2"], "focus_area": ["Water", "Preparedness"], "shift": [1.0, -1.0],
                            "change": ["moved up", "moved down"]})
    text = focus_areas.executive_summary(city="Jakarta", goal_scores=goals, shocks=shocks, stresses=stresses, compound=comp,
                                 ranking=ranking, uncertainty=uncertainty, seminar_changes=changes)
    assert "G09 *Provides reliable communication & mobility*" in text  # the weakest goal
    assert text.index("Flooding") < text.index("Tidal flooding")
    assert "Land subsidence (severity 5, worsening)" in text
    assert "Water moved up 1 place" in text
    # it opens with what the evidence settles; the nominal order follows, flagged as one setting among many
    assert text.startswith("- **Robust to who took part**") and text.split("\n")[1].startswith("- **What the evidence settles**")
    assert text.index("What the evidence settles") < text.index("nominal ranking") and "1. FA1" in text
    assert focus_areas.executive_summary() == "No results were passed to summarise."


# ---------------------------------------------------------------------------
# No silent loss of evidence (issue 13, item 4) and ties (item 6)
# ---------------------------------------------------------------------------


def test_hazard_risk_names_what_dropped_out_and_lets_warnings_through(sample):
    shocks = risk.shock_scores(sample, activity_id="assets_shocks_workshop")
    stresses = risk.stress_scores(sample, activity_id="stresses_session").astype({"severity": object})
    stresses.loc[stresses["hazard_id"] == "ST01", "severity"] = "suppressed"
    with pytest.warns(RuntimeWarning, match="Land subsidence"):  # compound_risk's warning is not swallowed
        h = focus_areas.hazard_risk(sample, shock_scores=shocks, stress_scores=stresses).set_index("hazard_id")
    assert np.isnan(h.loc["ST01", "risk_points"]) and "Land subsidence" in h.loc["ST01", "dropped"]
    assert "Land subsidence" in h.loc["SH01", "dropped"] and h.loc["SH02", "dropped"].endswith("Land subsidence")
    # SH01 without ST01: 25 x (1 + 0.25 x 0.63) = 29.2, still above the matrix top: capped, and it says so
    assert h.loc["SH01", "risk_points"] == 25 and h.loc["SH01", "capped"] and "capped at 25" in h.loc["SH01", "basis"]
    assert (h["risk_points"].dropna() <= 25).all()
    with pytest.warns(RuntimeWarning):
        m = focus_areas.evidence_matrix(sample, shock_scores=shocks, stress_scores=stresses)
    assert m.set_index("focus_area_id").loc["FA3", "dropped"] == "ST01"
    text = focus_areas.findings_focus_areas(focus_areas.rank_focus_areas(m), matrix=m)
    assert "Evidence that dropped out" in text and "FA3: ST01" in text


def test_a_tie_at_the_top_is_named(matrix, variants):
    m = matrix.set_index("focus_area_id")
    assert m.loc["FA5", "top_hazard"] == "Social conflict"  # 15 x (1 + 0.25 x 1.0) = 18.75, alone at the top
    # without amplification social conflict (3 x 5 = 15) ties with crime and inequality (5 x 3 = 15): all three are named
    tied = variants[(0.0, 5.0)].set_index("focus_area_id")
    assert tied.loc["FA5", "linked_risk"] == 15
    assert set(tied.loc["FA5", "top_hazard"].split(", ")) == {"Social conflict", "Social inequality", "Crime"}


def test_executive_summary_names_a_tie_among_the_top_stresses(sample):
    stresses = risk.stress_scores(sample, activity_id="stresses_session")
    text = focus_areas.executive_summary(stresses=stresses, k=3)
    sev = stresses.set_index("hazard")["severity"]
    third = sev.sort_values(ascending=False).iloc[2]
    tied = sev[sev == third].index
    assert len(tied) > 1  # the sample has a tie at the third place (four stresses at median severity 4)
    for name in tied:  # all of them are named, none cut by table order
        assert name in text
    assert f"{len(tied)} stresses at median severity {third:g}" in text


def test_executive_summary_leaves_out_a_withheld_trend(sample):
    # A trend withheld for its few raters (risk.withhold_hazard_scores) read "(severity 5, nan)".
    stresses = risk.stress_scores(sample, activity_id="stresses_session")
    top = stresses.sort_values("severity", ascending=False)["hazard"].iloc[0]
    stresses.loc[stresses["hazard"] == top, "trend"] = np.nan
    text = focus_areas.executive_summary(stresses=stresses, k=3)
    assert top in text and "nan" not in text


def test_executive_summary_names_a_tie_among_the_top_shocks(sample):
    shocks = risk.shock_scores(sample, activity_id="assets_shocks_workshop")
    compound = risk.compound_risk(shocks, risk.stress_scores(sample, activity_id="stresses_session"), sample)
    by_hazard = compound.set_index("hazard")["compound"]
    # the sample's third and fourth shocks by compound risk (19.2, 18.75) made equal: a tie at the third place
    third = by_hazard.sort_values(ascending=False).index[2]
    fourth = by_hazard.sort_values(ascending=False).index[3]
    tied = compound.assign(compound=compound["compound"].where(compound["hazard"] != fourth, by_hazard[third]))
    text = focus_areas.executive_summary(compound=tied, k=3)
    assert third in text and fourth in text  # both named, neither cut by table order
    assert f"Ties, not an order: 2 shocks at compound risk {by_hazard[third]:g}" in text
    # untied, the third shock is named alone and no tie is claimed
    plain = focus_areas.executive_summary(compound=compound, k=3)
    assert third in plain and fourth not in plain and "Ties, not an order" not in plain
    # without compound risk, the shocks' own scores: the sample has two shocks at 12 in fourth place
    scores = shocks.set_index("hazard")["score"].sort_values(ascending=False)
    at_fourth = scores[scores == scores.iloc[3]].index
    assert len(at_fourth) == 2
    own = focus_areas.executive_summary(shocks=shocks, k=4)
    assert all(name in own for name in at_fourth)
    assert f"2 shocks at risk score {scores.iloc[3]:g}" in own


def test_executive_summary_opens_with_what_resampling_does_not_move(sample, ranking, uncertainty):
    q = perception.ratings_frame(sample, activity_id="questionnaire", aspect="performance", channels=["online", "offline"])
    goals = perception.scores(q, n_resamples=200, seed=1)
    ranks = risk.rank_intervals(sample, activity_id="assets_shocks_workshop", n_resamples=300, seed=1)
    text = focus_areas.executive_summary(goal_scores=goals, shock_ranks=ranks, ranking=ranking, uncertainty=uncertainty)
    first, second = text.split("\n")[:2]
    g = goals.set_index("goal_id")
    others_low = g.drop("G09")["ci_low"].min()
    assert g.loc["G09", "ci_high"] < others_low  # the sample's weakest goal is clear of the others: a robust finding
    assert first.startswith("- **Robust to who took part**") and "G09" in first and "Flooding is the highest-risk shock" in first
    assert second.startswith("- **What the evidence settles**")
    # a weakest goal whose interval overlaps the next one is not called robust
    overlapping = goals.assign(ci_high=goals["ci_high"].where(goals["goal_id"] != "G09", others_low + 0.01))
    assert "rated weakest" not in focus_areas.executive_summary(goal_scores=overlapping)
    # nor is a top shock that is tied
    tied = ranks.assign(tied_with=["Tidal flooding (rob)"] + [""] * (len(ranks) - 1))
    assert "highest-risk shock" not in focus_areas.executive_summary(shock_ranks=tied)


def test_variants_need_the_nominal_settings_and_recompute_compound_risk(sample, matrix, variants):
    assert set(variants) == {(a, sl) for a in (0.0, 0.25, 0.5, 1.0) for sl in (3.0, 4.0, 5.0)}
    # the nominal pair is the matrix itself
    pd.testing.assert_frame_equal(variants[(0.25, 5.0)], matrix)
    # stress likelihood 3: a stress's risk is 3 x severity, so land subsidence gives FA3 15
    assert variants[(0.25, 3.0)].set_index("focus_area_id").loc["FA3", "linked_risk"] == 15
    with pytest.raises(ValueError, match="compound"):
        focus_areas.evidence_variants(sample, compound=risk.compound_risk(
            risk.shock_scores(sample, activity_id="assets_shocks_workshop"), risk.stress_scores(sample, activity_id="stresses_session"), sample))
    bare = matrix.copy()
    bare.attrs = {}
    with pytest.raises(ValueError, match="nominal alpha"):
        focus_areas.uncertainty_analysis(bare, variants=variants, n_runs=10)


def test_place_shares_say_how_often_each_focus_area_takes_each_place(uncertainty):
    p = focus_areas.place_shares(uncertainty).set_index("focus_area_id")
    assert list(p.index) == list(uncertainty.summary["focus_area_id"])
    assert np.allclose(p.sum(axis=0), 1.0) and np.allclose(p.sum(axis=1), 1.0)
    # place 1 is share_first; places 1..k add up to share_top_k
    s = uncertainty.summary.set_index("focus_area_id")
    assert np.allclose(p["place_1"], s["share_first"])
    assert np.allclose(p[[f"place_{i}" for i in range(1, 6)]].sum(axis=1), s["share_top_k"])
    # a tie shares its places: F2 and F3 have the same evidence, so they tie in every run -> half of places 2 and 3 each
    m = frame(a=[10.0, 5.0, 5.0, 1.0], b=[10.0, 4.0, 4.0, 1.0])
    u = focus_areas.uncertainty_analysis(m, columns=["a", "b"], n_runs=50, sobol_base=None)
    q = focus_areas.place_shares(u).set_index("focus_area_id")
    assert q.loc["F2", "place_2"] == pytest.approx(0.5) and q.loc["F2", "place_3"] == pytest.approx(0.5)


def test_perception_evidence_takes_every_channel_of_the_questionnaire(small_sample, tmp_path):
    """A survey read out face to face (channel interview) is perception evidence as much as an online one."""
    import shutil

    folder = tmp_path / "interviewed"
    shutil.copytree(small_sample, folder)
    people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    people.loc[people["channel"].isin(["online", "offline"]), "channel"] = "interview"
    people.to_csv(folder / "participants.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = focus_areas.evidence_matrix(load_assessment(small_sample))
        after = focus_areas.evidence_matrix(load_assessment(folder))
        online_only = focus_areas.evidence_matrix(load_assessment(folder), perception_channels=["online", "offline"])
    pd.testing.assert_frame_equal(after, before)
    assert not online_only.equals(before)  # the explicit channels still choose


def test_the_evidence_trail_hides_a_code_of_a_goal_line_the_interview_report_hides(sample, sample_reports_en):
    """The interview report hides G12 as a weakness (linked suppression); its only code, land
    subsidence awareness, is raised by 6 interviewees, the line's total. The evidence trail of
    06 lists the code under FA1 and FA3: published, it would give the line back, so it is
    hidden there (complementary), and codes of lines 02 publishes stay."""
    from pra_lib.focus_areas.trails import rows_of_hidden_interview_lines

    trail = pd.read_csv(sample_reports_en / "jakarta-2017-synthetic" / "06_focus_areas_session" / "tables" / "evidence_trail.csv")
    for report in ("06_focus_areas_session", "08_pra_overall"):  # the overall report publishes the trail too
        published = pd.read_csv(sample_reports_en / "jakarta-2017-synthetic" / report / "tables" / "evidence_trail.csv")
        land = published[published["item"].eq("land subsidence awareness")]
        assert len(land) >= 1 and land["n"].isna().all() and land["suppressed"].astype(bool).all(), report
        assert set(land["suppression"]) == {"complementary"}, report
    codes = trail[trail["kind"].eq("interview code")]
    shown = codes[~codes["suppressed"].astype(bool)]
    assert len(shown) and (shown["n"] >= 5).all()  # the rest stays published
    fresh = focus_areas.evidence_trail(sample)
    rows = rows_of_hidden_interview_lines(fresh, sample, min_cell_size=5)
    assert set(fresh.loc[rows, "item"]) >= {"land subsidence awareness"}
    assert fresh.loc[rows, "kind"].eq("interview code").all()
    with pytest.raises(KeyError, match="kind"):
        rows_of_hidden_interview_lines(fresh.drop(columns="kind"), sample, min_cell_size=5)


def test_a_goal_answered_alike_has_no_rank_and_the_others_are_ranked_among_themselves():
    """A goal flagged answers_withheld (everyone answered it alike) loses its rank and score;
    the published goals are ranked 1 .. m by their scores, and the withheld row follows."""
    m = pd.DataFrame({"goal_id": ["A", "B", "C", "D"], "perception_weakness": [3.0, np.nan, 1.0, 2.0], "interview_salience": [0.1, 0.4, 0.2, 0.3]})
    ranked = focus_areas.rank_focus_areas(m, columns=["perception_weakness", "interview_salience"])
    evidence = pd.DataFrame({"goal_id": ["A", "B", "C", "D"], "interview_withheld": False, "answers_withheld": [False, True, False, False]})
    out = focus_areas.withhold_interview_ranking(ranked, evidence=evidence).set_index("goal_id")
    assert pd.isna(out.loc["B", "rank"]) and pd.isna(out.loc["B", "score"]) and out.loc["B", "score_withheld"]
    # hand-computed: min-max weakness over the rated A, C, D (100, 0, 50); salience over all four, B's
    # being published (0, 33.3, 66.7; B 100): A 50, C 16.67, D 58.33
    assert out.loc[["D", "A", "C"], "rank"].tolist() == [1, 2, 3] and out.index[-1] == "B"
    assert out.loc[["A", "C", "D"], "score"].tolist() == pytest.approx([50.0, 50 / 3, 175 / 3])
    assert not out.loc[["A", "C", "D"], "score_withheld"].any() and "suppressed" not in out


def test_the_action_gaps_of_goals_leave_a_goal_answered_alike_out_of_the_need_scale():
    """goal_action_gaps: a withheld goal has no need, gap, rank or gap flag, and the need is
    min-max normalised over the published goals only (so no published need gives it back)."""
    coverage = pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "n_actions": [2, 4, 8]})
    scores = pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "n": [30, 30, 30], "mean": [np.nan, 2.0, 4.0], "answers_withheld": [True, False, False]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the withheld goal's missing need is on purpose: no warning
        out = focus_areas.goal_action_gaps(coverage, goal_scores=scores, k=None).set_index("goal_id")
    assert out.loc["G01", ["need", "need_norm", "gap_score", "gap_rank", "is_gap"]].isna().all() and out.loc["G01", "answers_withheld"]
    # need = 5 - mean: G02 3, G03 1, normalised over the two published goals: 1 and 0
    assert out.loc[["G02", "G03"], "need_norm"].tolist() == pytest.approx([1.0, 0.0])
    assert not out.loc[["G02", "G03"], "answers_withheld"].any()
    with pytest.warns(RuntimeWarning, match="no need score for G01"):  # a goal missing for another reason is still named
        plain = focus_areas.goal_action_gaps(coverage, goal_scores=scores.drop(columns="answers_withheld"), k=None)
    assert "answers_withheld" not in plain
