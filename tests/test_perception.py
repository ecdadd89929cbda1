"""Tests for :mod:`pra_lib.perception`, stakeholder perceptions of the 12 CRF goals.

Hand-computed fixtures say in a comment how each expected value was obtained.  The
tests on ``data/sample`` check that the planted structure listed in
``data/sample/README.md`` ("Planted structure") is recovered.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

import pra_lib as pra
from pra_lib.assessment import crf
from pra_lib import perception
from pra_lib import stats
from pra_lib.publishing.disclosure import SUPPRESSED

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
N_BOOT = 200  # enough for the tests; the notebooks use 2000


def approx(value):
    # published statistics are rounded to 6 significant digits
    return pytest.approx(value, rel=1e-5, abs=1e-12)


def _frame(rows):
    """Long ratings from (respondent, goal, rating or 'dk' or None[, extra columns])."""
    records = []
    for row in rows:
        rid, goal, value, *rest = row
        rec = {"respondent_id": rid, "goal_id": goal, "rating": np.nan if value in (None, "dk") else float(value), "dont_know": value == "dk"}
        if rest:
            rec.update(rest[0])
        records.append(rec)
    return pd.DataFrame(records)


@pytest.fixture
def tiny():
    # G01: five ratings 1..5, one "don't know" (f) and one unanswered item (g).
    # G02: three ratings 4, 4, 5.  Every other goal: nobody rated it.
    return _frame(
        [("a", "G01", 1), ("b", "G01", 2), ("c", "G01", 3), ("d", "G01", 4), ("e", "G01", 5), ("f", "G01", "dk"), ("g", "G01", None),
         ("a", "G02", 4), ("b", "G02", 4), ("c", "G02", 5)]
    )


@pytest.fixture(scope="module")
def sample():
    return pra.load_assessment(SAMPLE)


@pytest.fixture(scope="module")
def survey(sample):
    return perception.ratings_frame(sample, activity_id="questionnaire", channels=["online", "offline"])


# --------------------------------------------------------------------------- scores


def test_scores_hand_computed(tiny):
    with pytest.warns(RuntimeWarning, match="no ratings"):
        s = perception.scores(tiny, n_resamples=N_BOOT).set_index("goal_id")
    assert list(s.index) == list(crf.GOAL_IDS)  # every goal is listed
    g1 = s.loc["G01"]
    # ratings 1,2,3,4,5: n = 5, mean = 15/5 = 3, median 3; positive {4,5} = 2/5,
    # negative {1,2} = 2/5, neutral {3} = 1/5.  "Don't know": 1 of the 6 who answered.
    assert g1["n"] == 5
    assert g1["mean"] == approx(3.0)
    assert g1["median"] == approx(3.0)
    assert g1["share_positive"] == approx(0.4)
    assert g1["share_negative"] == approx(0.4)
    assert g1["share_neutral"] == approx(0.2)
    assert g1["n_dont_know"] == 1
    assert g1["share_dont_know"] == approx(1 / 6)
    assert g1["ci_low"] <= 3.0 <= g1["ci_high"] and g1["ci_low"] < g1["ci_high"]
    # G02: 4, 4, 5 -> mean 13/3, all positive, no "don't know"
    g2 = s.loc["G02"]
    assert (g2["n"], g2["n_dont_know"]) == (3, 0)
    assert g2["mean"] == approx(13 / 3)
    assert g2["share_positive"] == approx(1.0)
    assert g2["share_dont_know"] == approx(0.0)
    # a goal nobody rated: n = 0 and NaN statistics
    g5 = s.loc["G05"]
    assert g5["n"] == 0 and np.isnan(g5["mean"]) and np.isnan(g5["share_positive"])


def test_activity_scores_are_the_scores_of_the_activitys_ratings(sample):
    # what the questionnaire report computes from its ratings frame, taken from the assessment instead
    got = perception.activity_scores(sample, activity_id="questionnaire", n_resamples=200, seed=3)
    frame = perception.ratings_frame(sample, activity_id="questionnaire", aspect="performance")
    pd.testing.assert_frame_equal(got, perception.scores(frame, n_resamples=200, seed=3), check_exact=True)
    assert len(got) == 12 and got["ci_low"].lt(got["mean"]).all(), "every CRF goal, with its interval"


def test_scores_columns_and_labels(tiny):
    with pytest.warns(RuntimeWarning):
        s = perception.scores(tiny, n_resamples=N_BOOT)
    assert list(s.columns) == [
        "goal_id", "goal_label", "dimension_id", "dimension_label", "n", "mean", "ci_low", "ci_high", "median",
        "share_positive", "share_neutral", "share_negative", "n_dont_know", "share_dont_know", "ci_method",
    ]
    assert s.loc[0, "goal_label"] == "Meets basic needs"
    assert s.loc[0, "dimension_label"] == "Health & Wellbeing"


def test_scores_by_group_and_single_respondent():
    # group x: ratings 2, 4 (mean 3); group y: one respondent rating 5.
    df = _frame([("a", "G01", 2, {"stakeholder_group": "x"}), ("b", "G01", 4, {"stakeholder_group": "x"}), ("c", "G01", 5, {"stakeholder_group": "y"})])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = perception.scores(df, by="stakeholder_group", n_resamples=N_BOOT)
    assert any("single respondent" in str(w.message) for w in caught)
    g1 = s[s["goal_id"] == "G01"].set_index("stakeholder_group")
    assert g1.loc["x", "mean"] == approx(3.0) and g1.loc["x", "n"] == 2
    assert g1.loc["y", "mean"] == approx(5.0) and g1.loc["y", "n"] == 1
    assert np.isnan(g1.loc["y", "ci_low"]) and np.isnan(g1.loc["y", "ci_high"])  # no interval from one person


def test_scores_identical_ratings_defined():
    df = _frame([(r, "G01", 3) for r in "abcde"])
    s = perception.scores(df, n_resamples=N_BOOT).set_index("goal_id")
    # Five 3s: no zero-width interval. The variance floor mixes them with half an answer at
    # 1..5 (weight 7.5, mean 3, variance 0.5 * 10 / 7.5 = 2/3), so the t interval is
    # 3 +- t(0.975, 4) * sqrt((2/3) / 5) = 3 +- 2.776445 * 0.365148 = 3 +- 1.013809.
    assert s.loc["G01", "mean"] == 3.0
    assert s.loc["G01", "ci_low"] == pytest.approx(3 - 1.013809, abs=1e-5)
    assert s.loc["G01", "ci_high"] == pytest.approx(3 + 1.013809, abs=1e-5)
    assert s.loc["G01", "ci_method"].startswith("95% t interval")


def test_scores_identical_ratings_bootstrap_has_no_interval():
    # The bootstrap of five equal answers has nothing to resample: NaN, and a warning says so.
    df = _frame([(r, "G01", 3) for r in "abcde"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = perception.scores(df, method="percentile", n_resamples=N_BOOT).set_index("goal_id")
    assert any("same rating" in str(w.message) for w in caught)
    assert np.isnan(s.loc["G01", "ci_low"]) and np.isnan(s.loc["G01", "ci_high"])


def test_scores_dimension_level_averages_respondent_first():
    # D1 = G01, G02, G03.  Respondent a: G01 = 1, G02 = 4 -> own mean 2.5.
    # Respondent b: G01 = 5, G02 = 5, G03 = 5 -> own mean 5.  Respondent c: only "don't know".
    # Dimension mean = (2.5 + 5) / 2 = 3.75 (pooling the 5 ratings would give 20/5 = 4.0).
    df = _frame([("a", "G01", 1), ("a", "G02", 4), ("b", "G01", 5), ("b", "G02", 5), ("b", "G03", 5), ("c", "G01", "dk")])
    with pytest.warns(RuntimeWarning):
        s = perception.scores(df, level="dimension", n_resamples=N_BOOT).set_index("dimension_id")
    assert list(s.index) == list(crf.DIMENSION_IDS)
    assert s.loc["D1", "mean"] == approx(3.75)
    assert s.loc["D1", "n"] == 2
    # a (2.5) is neither positive nor negative, b (5) is positive -> 1/2; c is "don't know" -> 1/3
    assert s.loc["D1", "share_positive"] == approx(0.5)
    assert s.loc["D1", "n_dont_know"] == 1
    assert s.loc["D1", "share_dont_know"] == approx(1 / 3)


def test_scores_indicators_collapse_to_goal():
    # Respondent a rated two indicators of G01 (2 and 4 -> 3); b rated one (5).  n counts people: 2.
    df = _frame([("a", "G01", 2), ("a", "G01", 4), ("b", "G01", 5)])
    with pytest.warns(RuntimeWarning):
        s = perception.scores(df, n_resamples=N_BOOT).set_index("goal_id")
    assert s.loc["G01", "n"] == 2
    assert s.loc["G01", "mean"] == approx(4.0)  # (3 + 5) / 2


def test_scores_weighted():
    # weights 3 and 1 on ratings 2 and 4: weighted mean (3*2 + 1*4) / 4 = 2.5; share positive 1/4
    df = _frame([("a", "G01", 2, {"w": 3.0}), ("b", "G01", 4, {"w": 1.0})])
    with pytest.warns(RuntimeWarning):
        s = perception.scores(df, weights="w", n_resamples=N_BOOT).set_index("goal_id")
    assert s.loc["G01", "mean"] == approx(2.5)
    assert s.loc["G01", "share_positive"] == approx(0.25)
    assert s.loc["G01", "n"] == 2


def test_scores_rejects_mixed_aspects_and_bad_level(tiny):
    mixed = pd.concat([tiny.assign(aspect="performance"), tiny.assign(aspect="importance")])
    with pytest.raises(ValueError, match="aspect"):
        perception.scores(mixed)
    with pytest.raises(ValueError, match="level"):
        perception.scores(tiny, level="indicator")


def test_likert_counts_keeps_empty_categories(tiny):
    lc = perception.likert_counts(tiny)
    g2 = lc[lc["goal_id"] == "G02"].set_index("category")
    # G02 ratings 4, 4, 5: categories 1-3 are present with count 0, so the bars stay centred
    assert g2["count"].to_dict() == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1, "dont_know": 0}
    assert g2.loc["4", "share"] == approx(2 / 3)
    assert (g2["n"] == 3).all()
    g1 = lc[lc["goal_id"] == "G01"].set_index("category")
    assert g1.loc["dont_know", "count"] == 1
    assert g1.loc["dont_know", "share"] == approx(1 / 6)  # of the 6 who answered
    assert g1.loc["3", "category_label"] == "fair"


# --------------------------------------------------------------------------- importance-performance


def _ipa_fixture(spec=None, raters=40):
    # Each goal rated by 40 respondents with the same value, so goal means are exact and
    # the intervals narrow (half-width about 0.1):
    #   goal  perf  imp   -> centres: perf (2+4+2+4)/4 = 3, imp (5+5+3+3)/4 = 4
    #   G01   2     5     high importance, low performance -> concentrate here
    #   G02   4     5     keep up the good work
    #   G03   2     3     low priority
    #   G04   4     3     possible overkill
    spec = spec or {"G01": (2, 5), "G02": (4, 5), "G03": (2, 3), "G04": (4, 3)}
    rows = []
    for goal, (perf, imp) in spec.items():
        for rid in range(raters):
            rows.append((f"r{rid}", goal, perf, {"aspect": "performance"}))
            rows.append((f"r{rid}", goal, imp, {"aspect": "importance"}))
    return _frame(rows)


def test_importance_performance_quadrants():
    with pytest.warns(RuntimeWarning):
        ipa = perception.importance_performance(_ipa_fixture(), n_resamples=N_BOOT).set_index("goal_id")
    assert ipa.loc["G01", "performance_centre"] == approx(3.0)
    assert ipa.loc["G01", "importance_centre"] == approx(4.0)
    assert ipa.loc[["G01", "G02", "G03", "G04"], "quadrant"].tolist() == ["concentrate here", "keep up the good work", "low priority", "possible overkill"]
    assert ipa["candidate_weakness"].sum() == 1 and ipa.loc["G01", "candidate_weakness"]
    assert ipa.loc["G01", "gap"] == approx(3.0)
    assert ipa.loc["G01", "n"] == 40
    assert pd.isna(ipa.loc["G05", "quadrant"])  # nobody rated G05


def test_importance_performance_labels_are_decided_by_the_intervals():
    # G01 importance 3, 5, 4, 5, 3 from five people: mean 4.0 >= the centre, but its
    # interval straddles the line, so no quadrant is claimed (the point estimate alone
    # would make it a candidate weakness).
    data = _ipa_fixture({"G02": (4, 5), "G03": (2, 3), "G04": (4, 3)})
    rows = [(f"s{i}", "G01", 2, {"aspect": "performance"}) for i in range(5)]
    rows += [(f"s{i}", "G01", v, {"aspect": "importance"}) for i, v in enumerate([3, 5, 4, 5, 3])]
    data = pd.concat([data, _frame(rows)], ignore_index=True)
    with pytest.warns(RuntimeWarning):
        ipa = perception.importance_performance(data).set_index("goal_id")
    assert ipa.loc["G01", "importance"] >= ipa.loc["G01", "importance_centre"]
    assert ipa.loc["G01", "importance_ci_low"] < ipa.loc["G01", "importance_centre"] < ipa.loc["G01", "importance_ci_high"]
    assert ipa.loc["G01", "quadrant"] == "uncertain" and not ipa.loc["G01", "candidate_weakness"]
    assert ipa.loc["G04", "quadrant"] == "possible overkill"


def test_importance_performance_below_fair_is_never_overkill():
    # Performance 1, 2, 1 -> centre 1.33; importance 5, 2, 5 -> centre 4. G02 (perf 2, imp
    # 2) lies above the performance centre with its whole interval, but below fair (3):
    # not "possible overkill" (the G05 2.90 and G12 2.81), but uncertain.
    data = _ipa_fixture({"G01": (1, 5), "G02": (2, 2), "G03": (1, 5)})
    with pytest.warns(RuntimeWarning):
        ipa = perception.importance_performance(data).set_index("goal_id")
    assert ipa.loc["G02", "performance_ci_low"] > ipa.loc["G02", "performance_centre"]
    assert ipa.loc["G02", "performance_ci_high"] < 3
    assert ipa.loc["G02", "quadrant"] == "uncertain"
    assert ipa.loc["G01", "quadrant"] == "concentrate here"


def test_importance_performance_midpoint_and_two_frames():
    data = _ipa_fixture()
    with pytest.warns(RuntimeWarning):
        ipa = perception.importance_performance(
            data[data["aspect"] == "performance"], data[data["aspect"] == "importance"], centre="midpoint", n_resamples=N_BOOT
        ).set_index("goal_id")
    # around the midpoint 3: G03 (perf 2, imp 3) has its importance interval across the
    # line (3 +- 0.1), so no quadrant is claimed; G04's performance 4 lies above it
    assert ipa.loc["G03", "quadrant"] == "uncertain"
    assert ipa.loc["G04", "quadrant"] == "uncertain"  # importance 3: on the line as well
    assert ipa.loc["G01", "quadrant"] == "concentrate here"
    assert ipa.loc["G02", "quadrant"] == "keep up the good work"


# --------------------------------------------------------------------------- tests between groups


def _kw_fixture():
    # The worked example of stats.kruskal_wallis: scores 1,2,2 | 3,4 | 4,5,5 -> H = 6.085 (tie-corrected).
    values = [1, 2, 2, 3, 4, 4, 5, 5]
    groups = list("aaabbccc")
    rows = [(f"r{i}", "G01", v, {"stakeholder_group": g}) for i, (v, g) in enumerate(zip(values, groups))]
    # G02: group a rates 1, 1, 2; b 3, 3; c 5, 4, 5 (a clear difference too)
    for i, (v, g) in enumerate(zip([1, 1, 2, 3, 3, 5, 4, 5], groups)):
        rows.append((f"r{i}", "G02", v, {"stakeholder_group": g}))
    return _frame(rows)


def test_group_differences_hand_computed():
    with pytest.warns(RuntimeWarning):  # goals nobody rated
        kw = perception.group_differences(_kw_fixture()).set_index("goal_id")
    g1 = kw.loc["G01"]
    assert g1["h"] == pytest.approx(6.085, abs=1e-3)
    assert (g1["n"], g1["k"], g1["dof"]) == (8, 3, 2)
    assert g1["epsilon_sq"] == approx(g1["h"] / 7)  # H / (n - 1)
    assert g1["eta_sq_h"] == approx((g1["h"] - 2) / 5)  # (H - k + 1) / (n - k)
    # Holm over the two goals tested (the other ten are NaN and do not count):
    p1, p2 = kw.loc["G01", "pvalue"], kw.loc["G02", "pvalue"]
    lo, hi = sorted([p1, p2])
    expected = {min(p1, p2): 2 * lo, max(p1, p2): max(2 * lo, hi)}
    assert kw.loc["G01", "pvalue_adj"] == approx(expected[p1])
    assert kw.loc["G02", "pvalue_adj"] == approx(expected[p2])
    assert kw.loc["G05", "n"] == 0 and np.isnan(kw.loc["G05", "pvalue_adj"])
    assert "Holm" in g1["method"] and "across 2 goals" in g1["method"]
    assert g1["p_adjust"] == "holm"


def test_group_differences_bh_option():
    with pytest.warns(RuntimeWarning):
        kw = perception.group_differences(_kw_fixture(), p_adjust="bh").set_index("goal_id")
    p = kw.loc[["G01", "G02"], "pvalue"].to_numpy()
    # Benjamini-Hochberg with m = 2: p_(2) * 2/2 and min(p_(1) * 2/1, that)
    expected = np.minimum.accumulate((np.sort(p) * 2 / np.array([1, 2]))[::-1])[::-1]
    assert sorted(kw.loc[["G01", "G02"], "pvalue_adj"]) == approx(sorted(expected))
    assert (kw["p_adjust"] == "fdr_bh").all()
    assert "Benjamini-Hochberg" in kw.loc["G01", "method"]
    with pytest.raises(ValueError):
        perception.group_differences(_kw_fixture(), p_adjust="sidak")


def test_posthoc_columns_and_n():
    ph = perception.posthoc(_kw_fixture(), between="stakeholder_group")
    g1 = ph[ph["goal_id"] == "G01"]
    assert g1[["group_a", "group_b"]].values.tolist() == [["a", "b"], ["a", "c"], ["b", "c"]]
    # n is the smaller group of the pair: a=3, b=2, c=3
    assert g1["n"].tolist() == [2, 3, 2]
    assert g1["mean_a"].iloc[0] == approx(5 / 3)  # group a: 1, 2, 2
    expected = stats.dunn(_kw_fixture().query("goal_id == 'G01'"), dv="rating", between="stakeholder_group")
    assert g1["pvalue"].to_numpy() == approx(expected["pvalue"].to_numpy())
    # on request, Holm within the pairs of each goal (the former default)
    per_goal = perception.posthoc(_kw_fixture(), between="stakeholder_group", family="unit")
    assert per_goal.loc[per_goal["goal_id"] == "G01", "pvalue_adj"].to_numpy() == approx(expected["pvalue_adj"].to_numpy())


def test_posthoc_adjusts_across_the_whole_table_by_default():
    # Holm (1979) over every raw p-value of the table at once: stats.p_adjust on the pooled
    # column (p_adjust itself is checked against R's p.adjust in test_stats.py).
    ph = perception.posthoc(_kw_fixture(), between="stakeholder_group")
    assert ph["goal_id"].nunique() >= 2
    pooled = stats.p_adjust(ph["pvalue"].to_numpy(dtype=float), method="holm")
    assert ph["pvalue_adj"].to_numpy() == approx(pooled)
    assert (ph["pvalue_adj"] >= ph["pvalue"] - 1e-12).all()
    assert "across all" in ph["method"].iloc[0]
    raw = perception.posthoc(_kw_fixture(), between="stakeholder_group", p_adjust="none")
    assert raw["pvalue_adj"].to_numpy() == approx(raw["pvalue"].to_numpy())
    with pytest.raises(ValueError, match="family"):
        perception.posthoc(_kw_fixture(), family="goal")


def test_posthoc_family_wise_error_under_the_null():
    # 12 goals x 4 groups of 15 respondents, every answer from the same distribution: no
    # true difference. Issue 13 measured "at least one significant pair" in 37% of tables
    # with Holm within each goal. Across the table Holm keeps it at most alpha = 0.05
    # (Holm 1979); with 80 seeded tables the estimate's standard error is about 0.025.
    rng = np.random.default_rng(2026)
    goals = [f"G{i:02d}" for i in range(1, 13)]
    table_hits = unit_hits = 0
    n_tables = 80
    for _ in range(n_tables):
        ratings = rng.choice([1, 2, 3, 4, 5], size=(60, 12), p=[0.1, 0.2, 0.3, 0.25, 0.15])
        frame = pd.DataFrame({
            "respondent_id": np.repeat([f"r{i}" for i in range(60)], 12),
            "goal_id": np.tile(goals, 60),
            "rating": ratings.ravel().astype(float),
            "dont_know": False,
            "stakeholder_group": np.repeat(list("abcd"), 15 * 12),
        })
        ph = perception.posthoc(frame)
        table_hits += bool(ph["significant"].any())
        per_goal = ph.groupby("goal_id")["pvalue"].transform(lambda p: stats.p_adjust(p.to_numpy(dtype=float), method="holm"))
        unit_hits += bool((per_goal < 0.05).any())
    assert table_hits / n_tables <= 0.09
    assert unit_hits / n_tables >= 0.2  # what the default used to be


def test_mode_effect_hand_computed():
    # online 4,5,5,3,4 against offline 2,1,3,2: every online answer beats every offline one except
    # 3 vs 3 (a tie, 0.5): U_online = 4 + 4 + 4 + 3.5 + 4 = 19.5; rank-biserial 2 * 19.5 / 20 - 1 = 0.95.
    rows = [(f"o{i}", "G01", v, {"channel": "online"}) for i, v in enumerate([4, 5, 5, 3, 4])]
    rows += [(f"p{i}", "G01", v, {"channel": "offline"}) for i, v in enumerate([2, 1, 3, 2])]
    with pytest.warns(RuntimeWarning):
        m = perception.mode_effect(_frame(rows)).set_index("goal_id")
    g1 = m.loc["G01"]
    assert g1["u"] == approx(19.5)
    assert g1["rank_biserial"] == approx(0.95)
    assert (g1["n_online"], g1["n_offline"], g1["n"]) == (5, 4, 4)
    assert g1["mean_difference"] == approx(4.2 - 2.0)
    assert g1["pvalue_adj"] == approx(g1["pvalue"])  # only one goal tested


def test_agreement_ordinal_and_degenerate():
    # Three raters in group x agree perfectly on 4 goals with different values -> alpha = 1.
    goals = ["G01", "G02", "G03", "G04"]
    rows = [(r, g, v, {"stakeholder_group": "x"}) for r in "abc" for g, v in zip(goals, [1, 2, 4, 5])]
    rows += [("d", g, 3, {"stakeholder_group": "y"}) for g in goals]  # a group of one respondent
    rows += [(r, g, 4, {"stakeholder_group": "z"}) for r in "ef" for g in goals]  # identical ratings
    with pytest.warns(RuntimeWarning):
        ag = perception.agreement(_frame(rows)).set_index("stakeholder_group")
    assert ag.loc["x", "alpha"] == approx(1.0)
    assert (ag.loc["x", "n"], ag.loc["x", "n_goals"], ag.loc["x", "n_ratings"]) == (3, 4, 12)
    assert np.isnan(ag.loc["y", "alpha"]) and ag.loc["y", "n"] == 1
    assert np.isnan(ag.loc["z", "alpha"])
    assert ag.loc["x", "interpretation"] == "reliable"
    assert "ordinal" in ag.loc["x", "method"]
    assert "(all)" in ag.index and ag.loc["(all)", "n"] == 6


def test_agreement_uses_ordinal_metric():
    # Ratings where ordinal and interval alpha differ; the result must equal stats' ordinal alpha
    # on the raters x goals matrix.
    mat = np.array([[1, 2, 5, 5, 3], [1, 3, 5, 4, 3], [2, 2, 4, 5, 1]], dtype=float)
    goals = list(crf.GOAL_IDS[:5])
    rows = [(f"r{i}", g, mat[i, j]) for i in range(3) for j, g in enumerate(goals)]
    ag = perception.agreement(_frame(rows), by=None)
    full = np.full((3, 12), np.nan)
    full[:, :5] = mat
    assert ag["alpha"].iloc[0] == approx(stats.krippendorff_alpha(full, level="ordinal"))
    assert ag["alpha"].iloc[0] != approx(stats.krippendorff_alpha(full, level="interval"))


def test_degenerate_identical_ratings_tests_are_nan():
    rows = [(f"r{i}", "G01", 3, {"stakeholder_group": g, "channel": c}) for i, (g, c) in enumerate([("x", "online"), ("x", "offline"), ("y", "online"), ("y", "offline")])]
    df = _frame(rows)
    with pytest.warns(RuntimeWarning):
        kw = perception.group_differences(df).set_index("goal_id")
    assert np.isnan(kw.loc["G01", "h"]) and not kw.loc["G01", "significant"]
    with pytest.warns(RuntimeWarning):
        m = perception.mode_effect(df).set_index("goal_id")
    assert np.isnan(m.loc["G01", "pvalue"]) and not m.loc["G01", "significant"]


# --------------------------------------------------------------------------- disclosure


def test_people_counting_tables_have_n(sample, survey):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = {
            "scores": perception.scores(survey.head(600), n_resamples=N_BOOT),
            "likert": perception.likert_counts(survey.head(600)),
            "kw": perception.group_differences(survey.head(600)),
            "posthoc": perception.posthoc(survey.head(600)),
            "mode": perception.mode_effect(survey.head(600)),
            "agreement": perception.agreement(survey.head(600)),
            "respondents": perception.respondents(survey.head(600)),
            "codes": perception.interview_codes(sample, by="stakeholder_group"),
            "top": perception.top_weaknesses(sample),
            "pairs": perception.code_cooccurrence(sample),
            "summary": perception.interview_summary(sample),
        }
    for name, table in tables.items():
        assert "n" in table.columns, name
        assert pd.api.types.is_integer_dtype(table["n"]), name


def test_small_area_is_suppressed(survey, tmp_path):
    # Kepulauan Seribu has 3 questionnaire respondents (README: "its cells must be suppressed").
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_area = perception.scores(survey, by="area", n_resamples=N_BOOT)
    published = pra.Report(tmp_path, min_cell_size=5).table(by_area, "by_area")
    ks = published[published["area"] == "kepulauan_seribu"]
    assert len(ks) == 12 and ks["suppressed"].all()
    assert ks["mean"].isna().all() and ks["share_positive"].isna().all() and (ks["suppression"] == "primary").all()
    assert not published.loc[published["area"] == "jakarta_timur", "suppressed"].any()


def test_interviews_never_expose_respondents(sample):
    st = sample.interview_statements
    ids = set(st["respondent_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outputs = [
            perception.interview_codes(sample),
            perception.interview_codes(sample, level="goal", by="stakeholder_group"),
            perception.interview_codes(sample, level="hazard"),
            perception.top_weaknesses(sample),
            perception.code_cooccurrence(sample),
            perception.interview_summary(sample),
        ]
    for out in outputs:
        assert "respondent_id" not in out.columns
        text = out.astype(str).to_numpy().ravel()
        assert not ids.intersection(text)
    top = outputs[3]
    labels = set(sample.metadata.stakeholder_groups["label"])
    assert all(any(lab in src for lab in labels) for src in top["quote_from"])
    assert "quote" not in outputs[0].columns


def test_top_weaknesses_withholds_small_group(sample):
    top = perception.top_weaknesses(sample, k=3, min_group_size=100)
    assert top["quote_from"].str.contains("withheld").all()


# --------------------------------------------------------------------------- planted structure (data/sample)


@pytest.fixture(scope="module")
def sample_results(sample, survey):
    both = perception.ratings_frame(sample, activity_id="questionnaire", channels=["online", "offline"], aspect=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "goal": perception.scores(survey, n_resamples=N_BOOT, seed=2017),
            "group": perception.scores(survey, by="stakeholder_group", n_resamples=N_BOOT, seed=2017),
            "kw": perception.group_differences(survey),
            "mode": perception.mode_effect(survey),
            "ipa": perception.importance_performance(both, n_resamples=N_BOOT, seed=2017),
        }


def test_ratings_frame(sample, survey):
    assert set(survey["channel"]) == {"online", "offline"}  # interviews excluded
    assert set(survey["aspect"]) == {"performance"}
    assert survey["respondent_id"].nunique() == 600
    assert not {"name", "phone", "email", "nik"} & set(survey.columns)
    # about 4% "don't know" (README), kept as missing ratings
    share = survey["dont_know"].mean()
    assert 0.02 < share < 0.06
    assert survey.loc[survey["dont_know"], "rating"].isna().all()
    assert survey["rating"].dropna().between(1, 5).all()
    assert survey.attrs["category_order"]["stakeholder_group"][0] == "government"
    with pytest.raises(ValueError, match="unknown activity"):
        perception.ratings_frame(sample, activity_id="nope")


def _with_tables(assessment, **tables):
    from dataclasses import replace

    return replace(assessment, tables={**assessment.tables, **tables})


@pytest.mark.parametrize("aspect,channels", [("performance", None), (None, ["online", "offline"]), ("importance", "offline")])
def test_ratings_frame_on_codes_equals_the_row_join(sample, aspect, channels):
    # The ratings in a scrambled order: the frame built on category codes and the one
    # joined row by row (ids as text) must hold the same rows in the same order.
    ratings = sample.perception_ratings.sample(frac=1.0, random_state=7)
    on_codes = perception.ratings_frame(_with_tables(sample, perception_ratings=ratings), activity_id="questionnaire", aspect=aspect, channels=channels)
    as_text = _with_tables(sample, perception_ratings=ratings.astype({"respondent_id": object}))
    by_rows = perception.ratings_frame(as_text, activity_id="questionnaire", aspect=aspect, channels=channels)
    assert isinstance(on_codes["respondent_id"].dtype, pd.CategoricalDtype)
    assert not isinstance(by_rows["respondent_id"].dtype, pd.CategoricalDtype)
    assert len(on_codes) == len(by_rows) > 0
    pd.testing.assert_frame_equal(on_codes.astype(object), by_rows.astype(object))
    assert on_codes.attrs == by_rows.attrs
    # sorted by respondent, aspect (in the order of the data), then goal number
    assert on_codes["respondent_id"].astype(str).is_monotonic_increasing
    assert on_codes.groupby(["respondent_id", "aspect"], observed=True)["goal_number"].apply(lambda g: g.is_monotonic_increasing).all()


def test_ratings_frame_keeps_text_groups_as_categories(sample):
    # Merged small categories come back as text columns of the participants; the ratings
    # frame still carries them as categories (no text per rating), with the same values.
    people = sample.participants.astype({"stakeholder_group": object, "area": object, "workshop_table": object})
    plain = perception.ratings_frame(sample, activity_id="questionnaire", aspect=None)
    merged = perception.ratings_frame(_with_tables(sample, participants=people), activity_id="questionnaire", aspect=None)
    for col in ("stakeholder_group", "group_label", "area", "area_name", "workshop_table"):
        assert isinstance(merged[col].dtype, pd.CategoricalDtype), col
        assert merged[col].astype(object).equals(plain[col].astype(object)), col
    # only values of respondents who rated: the workshop-only groups are not categories here
    assert set(merged["stakeholder_group"].cat.categories) == set(plain["stakeholder_group"].dropna())


def test_planted_g01_community_below_government(sample_results):
    g = sample_results["group"]
    g01 = g[g["goal_id"] == "G01"].set_index("stakeholder_group")["mean"]
    # planted: 1.4 points lower on the latent scale; on the clipped 1-5 scale clearly > 0.8
    assert g01["government"] - g01["community"] > 0.8
    assert g01.idxmin() == "community"
    kw = sample_results["kw"].set_index("goal_id")
    assert kw.loc["G01", "significant"] and kw.loc["G01", "pvalue_adj"] < 1e-6
    assert kw.loc["G01", "p_adjust"] == "holm"


def test_planted_government_rates_g10_highest(sample_results):
    g = sample_results["group"]
    g10 = g[g["goal_id"] == "G10"].set_index("stakeholder_group")["mean"]
    assert g10.idxmax() == "government"
    kw = sample_results["kw"].set_index("goal_id")
    assert kw.loc["G10", "significant"]
    # no other planted group effect: only G01 and G10 differ after Holm adjustment
    assert set(kw.index[kw["significant"]]) == {"G01", "G10"}


def test_planted_weakest_and_strongest_goals(sample_results):
    s = sample_results["goal"].set_index("goal_id")["mean"]
    assert s.idxmin() == "G09"
    assert s.idxmax() == "G06"
    assert set(s.nsmallest(4).index) <= {"G09", "G08", "G10", "G11", "G04"}


def test_planted_ipa_quadrant(sample_results):
    ipa = sample_results["ipa"].set_index("goal_id")
    assert ipa.loc["G08", "quadrant"] == "concentrate here"
    assert ipa.loc["G09", "quadrant"] == "concentrate here"
    assert ipa.loc[["G08", "G09"], "candidate_weakness"].all()
    assert not ipa.loc["G06", "candidate_weakness"]  # the strongest goal


def test_planted_mode_effect_g09_only(sample_results):
    m = sample_results["mode"].set_index("goal_id")
    assert list(m.index[m["significant"]]) == ["G09"]
    assert m.loc["G09", "mean_offline"] < m.loc["G09", "mean_online"]
    assert m.loc["G09", "rank_biserial"] > 0  # online tends higher
    assert (m["p_adjust"] == "holm").all()


def test_planted_top_weakness(sample):
    top = perception.top_weaknesses(sample, activity_id="questionnaire")
    assert top.loc[0, "code"] == "inter-agency coordination"
    assert top.loc[0, "goal_id"] == "G10"
    assert top["rank"].tolist() == [1, 2, 3, 4, 5]
    codes = perception.interview_codes(sample)
    weak = codes[codes["valence"] == "weakness"]
    assert weak.sort_values("n_statements", ascending=False)["code"].iloc[0] == "inter-agency coordination"


def test_cooccurrence_hand_checked(sample):
    pairs = perception.code_cooccurrence(sample)
    st = sample.interview_statements
    people = lambda code: set(st.loc[st["code"] == code, "respondent_id"])  # noqa: E731
    row = pairs[(pairs["code_a"] == "inter-agency coordination") & (pairs["code_b"] == "traffic congestion")].iloc[0]
    both = people("inter-agency coordination") & people("traffic congestion")
    assert row["n"] == len(both)
    assert row["n_a"] == len(people("inter-agency coordination"))
    n_codes = st["code"].nunique()
    assert len(pairs) == n_codes * (n_codes - 1) // 2


# --------------------------------------------------------------------------- findings


def test_findings_questionnaire_computed(sample_results):
    md = perception.findings_questionnaire(
        sample_results["goal"], group_scores=sample_results["group"], differences=sample_results["kw"],
        mode=sample_results["mode"], ipa=sample_results["ipa"],
    )
    weakest_line = next(line for line in md.splitlines() if "Weakest goals" in line)
    assert weakest_line.index("G09") < weakest_line.index("G08")  # G09 named first
    assert "G06" in weakest_line  # the strongest goal
    group_line = next(line for line in md.splitlines() if "Differences between" in line)
    assert "G01" in group_line and "G10" in group_line and "Holm" in group_line
    assert "Community and social organisations" in group_line
    mode_line = next(line for line in md.splitlines() if "Mode effect" in line)
    assert "G09" in mode_line and "G01" not in mode_line
    ipa_line = next(line for line in md.splitlines() if "Importance against performance" in line)
    assert "G08" in ipa_line and "G09" in ipa_line


def test_findings_do_not_describe_a_mode_effect_whose_channel_means_are_withheld(sample_results):
    """Issue 11: a channel that answered alike has its means withheld; the findings must not
    print them (as "nan") nor give the direction of the difference away."""
    mode = sample_results["mode"].copy()
    assert mode.loc[mode["significant"], "goal_id"].tolist() == ["G09"]  # the planted channel effect
    shown = perception.findings_questionnaire(sample_results["goal"], mode=mode.assign(answers_withheld=False))
    assert "G09" in next(line for line in shown.splitlines() if "Mode effect" in line)
    g09 = mode["goal_id"] == "G09"
    mode.loc[g09, ["mean_online", "mean_offline"]] = float("nan")
    hidden = perception.findings_questionnaire(sample_results["goal"], mode=mode.assign(answers_withheld=g09))
    mode_line = next(line for line in hidden.splitlines() if "Mode effect" in line or "mode" in line.lower())
    assert "G09" not in mode_line and "nan" not in hidden.lower()


def test_findings_change_with_the_data(tiny):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = perception.scores(tiny, n_resamples=N_BOOT)
        kw = perception.group_differences(tiny.assign(stakeholder_group="x"))
        mode = perception.mode_effect(tiny.assign(channel="online"))
    md = perception.findings_questionnaire(s, differences=kw, mode=mode, min_cell_size=3)
    assert "G01" in md.splitlines()[0]  # G01 (mean 3) is the weakest goal rated
    assert "No goal is rated differently" in md
    assert "do not differ" in md
    # with min_cell_size 5 nothing qualifies (G01 n = 5 qualifies, G02 n = 3 does not)
    md5 = perception.findings_questionnaire(s, min_cell_size=5)
    assert "G02" not in md5.splitlines()[0]


def test_findings_interviews_and_workshop(sample):
    top = perception.top_weaknesses(sample)
    md = perception.findings_interviews(top, summary=perception.interview_summary(sample), pairs=perception.code_cooccurrence(sample))
    assert "inter-agency coordination" in md.splitlines()[1]
    assert "interviewee from" in md
    assert not set(sample.interview_statements["respondent_id"]) & set(md.replace('"', " ").split())
    w = perception.ratings_frame(sample, activity_id="perception_workshop")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        goal = perception.scores(w, n_resamples=N_BOOT)
        ag = perception.agreement(w, by="workshop_table")
    mdw = perception.findings_workshop(goal, agreement_tables=ag)
    assert "Krippendorff" in mdw and "T" in mdw


def test_findings_read_published_tables(sample_results, tmp_path):
    report = pra.Report(tmp_path, min_cell_size=5)
    goal = report.table(sample_results["goal"], "goal")
    group = report.table(sample_results["group"], "group")
    md = perception.findings_questionnaire(goal, group_scores=group, differences=report.table(sample_results["kw"], "kw"))
    assert "G09" in md and "suppressed" not in md


# --------------------------------------------------------------------------- figures


def test_figures_draw_with_suppressed_cells(sample, survey, tmp_path):
    import matplotlib.pyplot as plt

    report = pra.Report(tmp_path, min_cell_size=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        goal = perception.scores(survey, n_resamples=N_BOOT)
        # suppress one goal of the wheel by hand, as report.table would
        goal_pub = goal.astype(object)
        goal_pub.loc[0, ["n", "mean", "ci_low", "ci_high"]] = SUPPRESSED
        area = report.table(perception.scores(survey, by="area", n_resamples=N_BOOT), "area")
        likert = report.table(perception.likert_counts(survey, by="area"), "likert_area")
        both = perception.ratings_frame(sample, activity_id="questionnaire", channels=["online", "offline"], aspect=None)
        ipa = report.table(perception.importance_performance(both, n_resamples=N_BOOT), "ipa")
        ag = report.table(perception.agreement(survey, by="area"), "agreement")
        codes = report.table(perception.interview_codes(sample), "codes")
        pairs = report.table(perception.code_cooccurrence(sample), "pairs")
        summary = perception.interview_summary(sample)
        figs = [
            perception.resilience_wheel(goal_pub),
            perception.score_heatmap(area, by="area"),
            perception.likert_bars(likert, by="area"),
            perception.likert_bars(perception.likert_counts(survey)),
            perception.importance_performance_plot(ipa),
            perception.agreement_plot(ag),
            perception.code_bars(codes, summary=summary),
            perception.cooccurrence_heatmap(pairs, summary=summary),
        ]
    for fig in figs:
        texts = [t.get_text() for ax in fig.axes for t in [*ax.texts, *ax.get_xticklabels(), *ax.get_yticklabels()]] + [t.get_text() for t in fig.texts]
        assert any("n =" in t or "n=" in t for t in texts + [ax.get_title() for ax in fig.axes] + [fig.get_suptitle()]), fig
    wheel_texts = [t.get_text() for t in figs[0].axes[0].texts]
    assert "suppressed" in wheel_texts
    heat_texts = [t.get_text() for t in figs[1].axes[0].texts]
    assert heat_texts.count("suppressed") == 12  # Kepulauan Seribu, every goal
    for fig in figs:
        plt.close(fig)


def test_consensus_per_group_hand_computed():
    # Group x: G01 answers 1, 5 -> split between the ends: consensus 0. Group y: G01
    # answers 3, 3, 3 -> 1. All five together: mean 3, |x - 3| / 4 = 0.5, 0.5, 0, 0, 0
    # -> 1 + 0.4 * log2(0.5) = 0.6.
    rows = [("a", "G01", 1, {"stakeholder_group": "x"}), ("b", "G01", 5, {"stakeholder_group": "x"})]
    rows += [(r, "G01", 3, {"stakeholder_group": "y"}) for r in "cde"]
    c = perception.consensus(_frame(rows), by="stakeholder_group")
    g1 = c[c["goal_id"] == "G01"].set_index("stakeholder_group")
    assert g1.loc["x", "consensus"] == approx(0.0)
    assert g1.loc["y", "consensus"] == approx(1.0)
    assert g1.loc["(all)", "consensus"] == approx(0.6)
    assert g1.loc["(all)", "n"] == 5
    g2 = c[c["goal_id"] == "G02"]
    assert (g2["n"] == 0).all() and g2["consensus"].isna().all()


def test_weighted_scores_say_when_weights_leave_no_interval():
    # Two respondents, one of weight 0: Kish's effective n is (1 + 0)^2 / (1 + 0) = 1, so a
    # mean has no interval; the library says so instead of dropping the reason.
    df = _frame([("a", "G01", 4, {"w": 1.0}), ("b", "G01", 2, {"w": 0.0})])
    with pytest.warns(RuntimeWarning, match="effective sample size of one"):
        s = perception.scores(df, weights="w").set_index("goal_id")
    assert s.loc["G01", "mean"] == approx(4.0) and np.isnan(s.loc["G01", "ci_low"])


def _null_questionnaire(rng, n=60):
    """12 goals x 4 groups x 2 channels, every answer from the same distribution: no true difference."""
    goals = [f"G{i:02d}" for i in range(1, 13)]
    ratings = rng.choice([1, 2, 3, 4, 5], size=(n, 12), p=[0.1, 0.2, 0.3, 0.25, 0.15])
    return pd.DataFrame({
        "respondent_id": np.repeat([f"r{i}" for i in range(n)], 12),
        "goal_id": np.tile(goals, n),
        "rating": ratings.ravel().astype(float),
        "dont_know": False,
        "stakeholder_group": np.repeat(list("abcd"), n // 4 * 12),
        "channel": np.repeat(rng.permutation(np.repeat(["online", "offline"], n // 2)), 12),
    })


def test_report_tests_keep_the_family_wise_error_of_notebook_01_under_the_null():
    # Notebook 01 shows three tables of tests: Kruskal-Wallis per goal, Dunn pairs, and the
    # online/offline Mann-Whitney per goal. With no true difference anywhere, the chance that
    # the report shows any "significant" result is at most alpha = 0.05 when all its p-values
    # are adjusted together (Holm 1979). 80 seeded reports (about 10 s); the estimate's
    # standard error is about 0.024, so 0.08 is the bound. Adjusting each table on its own
    # lets two tables of 12 tests each spend alpha once each.
    rng = np.random.default_rng(13)
    n_reports = 80
    report_hits = table_hits = 0
    for _ in range(n_reports):
        tests = perception.report_tests(_null_questionnaire(rng))
        assert set(tests) == {"group_differences", "group_pairs", "mode_effect"}
        report_hits += any(bool(t["significant"].any()) for t in tests.values())
        per_table = [stats.p_adjust(tests[name]["pvalue"].to_numpy(dtype=float), method="holm") for name in ("group_differences", "mode_effect")]
        table_hits += any(bool((p < 0.05).any()) for p in per_table)
    assert report_hits / n_reports <= 0.08
    assert table_hits > report_hits  # what adjusting per table allowed


def test_report_tests_adjust_every_published_pvalue_together_on_the_sample(survey):
    tests = perception.report_tests(survey, between="stakeholder_group")
    pooled = np.concatenate([t["pvalue"].to_numpy(dtype=float) for t in tests.values()])
    m = int(np.isfinite(pooled).sum())
    expected = stats.p_adjust(pooled, method="holm")
    got = np.concatenate([t["pvalue_adj"].to_numpy(dtype=float) for t in tests.values()])
    assert got == pytest.approx(expected, nan_ok=True)
    for t in tests.values():
        assert (t["family_size"] == m).all() and (t["p_adjust"] == "holm").all()
        assert (t["significant"] == (t["pvalue_adj"] < 0.05)).all()
        assert t["method"].str.contains(f"p adjusted across the {m} tests of the report").all()
    # 12 goals x (Kruskal-Wallis + mode) + 6 pairs for each goal passing the gate
    kw = tests["group_differences"]
    gated = set(tests["group_pairs"]["goal_id"])
    assert m == 24 + 6 * len(gated)
    # the gate: Holm across the goal-level tests (Kruskal-Wallis and mode) of the report
    primary = stats.adjust_family({"kw": perception.group_differences(survey), "mode": perception.mode_effect(survey)})
    assert gated == set(primary["kw"].loc[primary["kw"]["significant"], "goal_id"])
    # the planted effects survive the report-wide family: G01 and G10 differ by group, G09 by channel
    assert set(kw.loc[kw["significant"], "goal_id"]) == {"G01", "G10"}
    mode = tests["mode_effect"]
    assert mode.loc[mode["significant"], "goal_id"].tolist() == ["G09"]
    # the findings say the adjustment is report-wide
    text = perception.findings_questionnaire(perception.scores(survey, n_resamples=N_BOOT), differences=kw, mode=mode)
    assert "report-wide Holm-adjusted" in text
    raw = perception.report_tests(survey, p_adjust="none")
    assert (raw["mode_effect"]["pvalue_adj"] == raw["mode_effect"]["pvalue"]).all()


def test_has_ratings_asks_for_answers_not_rows():
    """A section runs only on answers: "don't know" and blanks do not count, every named channel must answer."""
    data = _frame([
        ("a", "G01", 4, {"aspect": "performance", "channel": "online"}),
        ("b", "G01", "dk", {"aspect": "importance", "channel": "offline"}),
        ("c", "G01", None, {"aspect": "importance", "channel": "offline"}),
    ])
    assert perception.has_ratings(data, aspect="performance")
    assert not perception.has_ratings(data, aspect="importance")  # only "don't know" and a blank
    assert perception.has_ratings(data, channels="online")
    assert not perception.has_ratings(data, channels=["online", "offline"])  # offline gave no answer
    answered = pd.concat([data, _frame([("d", "G02", 2, {"aspect": "importance", "channel": "offline"})])])
    assert perception.has_ratings(answered, aspect="importance") and perception.has_ratings(answered, channels=["online", "offline"])
    assert not perception.has_ratings(data.iloc[:0])


def test_has_ratings_on_the_sample(survey):
    assert perception.has_ratings(survey, channels=["online", "offline"])
    with pytest.raises(ValueError, match="has_ratings"):
        perception.has_ratings(survey.drop(columns="channel"), channels="online")


def test_the_workshop_h_of_a_goal_with_withheld_groups_gave_them_back_and_is_withheld(sample):
    """Issue 11, the reviewer's case on the sample's perception workshop: for G08 academia
    answered alike (10 of its 13 on the negative side) and the private sector is withheld to
    protect it. The goal's answers per category minus the published groups' leave a pool of
    30 answers; of the ways to split it into academia's 13 and the private sector's 17, only
    academia's true answers give the published H = 3.03762 (Kruskal-Wallis, tie-corrected,
    scipy.stats.kruskal). So H (and every statistic of the test) is withheld for G08, and the
    findings do not describe it; the other goals keep H and the adjusted p of the family."""
    from scipy import stats as st_

    from pra_lib.publishing.score_disclosure import withheld_groups, withhold_tests

    workshop = perception.ratings_frame(sample, activity_id="perception_workshop", aspect="performance")
    counts = perception.likert_counts(workshop, by="stakeholder_group")
    decided = withheld_groups(counts, cells=["goal_id", "stakeholder_group"], within=["goal_id"], min_cell_size=5)
    hidden = decided[decided["answers_withheld"]]
    assert hidden[["goal_id", "stakeholder_group", "withheld_as"]].values.tolist() == [["G08", "academia", "primary"], ["G08", "private", "complementary"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = stats.adjust_family({"group_differences": perception.group_differences(workshop, between="stakeholder_group")}, method="holm")["group_differences"]
    published_h = float(kw.set_index("goal_id").loc["G08", "h"])
    g08 = counts[(counts["goal_id"] == "G08") & (counts["category"].astype(str) != "dont_know")]
    table = g08.pivot_table(index="stakeholder_group", columns="category", values="count", aggfunc="sum", observed=True).astype(int)
    ratings = {group: np.repeat(np.arange(1, 6), table.loc[group].to_numpy()) for group in table.index}
    pool = table.loc["academia"].to_numpy() + table.loc["private"].to_numpy()
    others = [ratings[g] for g in table.index if g not in ("academia", "private")]
    fits = []
    for split in np.ndindex(*(pool + 1)):
        if sum(split) != 13:
            continue
        h = st_.kruskal(np.repeat(np.arange(1, 6), split), np.repeat(np.arange(1, 6), pool - np.array(split)), *others).statistic
        if round(h, 5) == round(published_h, 5):
            fits.append(list(split))
    assert fits == [table.loc["academia"].tolist()], "the published H gives academia's answers back"

    out = withhold_tests(kw, decided).set_index("goal_id")
    assert out.loc["G08", ["h", "pvalue", "pvalue_adj", "significant", "epsilon_sq", "eta_sq_h"]].isna().all() and out.loc["G08", "test_withheld"]
    others_rows = out.drop(index="G08")
    assert not others_rows["test_withheld"].any()
    assert others_rows["pvalue_adj"].tolist() == kw.set_index("goal_id").drop(index="G08")["pvalue_adj"].tolist(), "adjusted over all 12 tests"
    goal_scores = perception.scores(workshop, n_resamples=50, seed=1)
    forced = out.reset_index().assign(significant=lambda t: t["goal_id"].eq("G08"), pvalue_adj=lambda t: t["pvalue_adj"].fillna(0.01))
    text = perception.findings_workshop(goal_scores, differences=forced, min_cell_size=5)
    assert "H = " not in text and "No goal is rated differently" in text
    before = perception.findings_workshop(goal_scores, differences=kw.assign(significant=lambda t: t["goal_id"].eq("G08")), min_cell_size=5)
    assert "(H = 3.0," in before, "the sentence the fix removes"


def test_workshop_findings_say_an_alpha_is_withheld_and_quote_none_of_it():
    """Issue 11: a table's alpha withheld with its withheld goal is named as withheld, not as
    missing for too few raters, and no withheld value is quoted."""
    goals = pd.DataFrame({"goal_id": ["G01"], "n": [30], "mean": [3.0], "ci_low": [2.8], "ci_high": [3.2]})
    alpha = pd.DataFrame({"workshop_table": ["T1", "T2", perception.ALL], "alpha": [np.nan, 0.16, 0.12], "n": [8, 15, 23],
                          "interpretation": [None, "low", "low"], "test_withheld": [True, False, False]})
    text = perception.findings_workshop(goals, agreement_tables=alpha, min_cell_size=5)
    assert "T2, the only one published, is 0.16" in text and "alpha of 1 of 2 workshop tables is withheld" in text and "T1" not in text
    none = perception.findings_workshop(goals, agreement_tables=alpha.assign(alpha=[np.nan, np.nan, 0.12], test_withheld=[True, True, False]), min_cell_size=5)
    assert "every one of the 2 workshop tables is withheld" in none and "enough raters" not in none


def test_identical_answers_warn_as_no_data_so_a_report_does_not_say_everyone_answered_alike():
    """Issue 11: the warning that every answer to a goal was identical is a NoDataWarning,
    which the reports leave out: in a published report it would tell every respondent's
    answer to a goal whose scores are withheld."""
    from pra_lib.stats._base import NoDataWarning

    rows = [(f"r{i}", "G01", 3, {"stakeholder_group": g, "channel": c}) for i, (g, c) in enumerate([("x", "online"), ("x", "offline"), ("y", "online"), ("y", "offline")])]
    with pytest.warns(NoDataWarning, match="G01: .*identical"):
        assert np.isnan(perception.group_differences(_frame(rows)).set_index("goal_id").loc["G01", "h"])
    with pytest.warns(NoDataWarning, match="G01: .*identical"):
        assert np.isnan(perception.mode_effect(_frame(rows)).set_index("goal_id").loc["G01", "pvalue"])


@pytest.mark.parametrize("block", [1, 7, 24])
def test_ratings_frame_finds_rows_out_of_order_across_its_blocks(sample, monkeypatch, block):
    # ratings_frame checks the row order block by block; rows out of order only where one
    # block ends and the next begins (the last 24 ratings moved to the front, a block
    # boundary with block = 24) must still be sorted, as the row join sorts them.
    from pra_lib.perception import ratings as ratings_module

    monkeypatch.setattr(ratings_module, "_BLOCK", block)
    loaded = sample.perception_ratings
    rotated = loaded.iloc[np.roll(np.arange(len(loaded)), 24)]
    for ratings in (rotated, loaded.sample(frac=1.0, random_state=11)):
        on_codes = perception.ratings_frame(_with_tables(sample, perception_ratings=ratings), activity_id="questionnaire", aspect=None)
        as_text = _with_tables(sample, perception_ratings=ratings.astype({"respondent_id": object}))
        by_rows = perception.ratings_frame(as_text, activity_id="questionnaire", aspect=None)
        pd.testing.assert_frame_equal(on_codes.astype(object), by_rows.astype(object))


def test_importance_performance_of_both_aspects_equals_the_two_frames(sample):
    # One frame of both aspects is scored aspect by aspect on a few columns; the table must
    # be the one the two aspects' own frames give, and the frame passed in is left as it was.
    both = perception.ratings_frame(sample, activity_id="questionnaire", aspect=None)
    before = both.copy()
    one = perception.importance_performance(both, n_resamples=N_BOOT, seed=3)
    perf = perception.ratings_frame(sample, activity_id="questionnaire", aspect="performance")
    imp = perception.ratings_frame(sample, activity_id="questionnaire", aspect="importance")
    two = perception.importance_performance(perf, imp, n_resamples=N_BOOT, seed=3)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(both, before)
    assert one["n_importance"].gt(0).all() and one["n_performance"].gt(0).all()


def test_respondents_equal_distinct_ids_per_group(survey):
    # The counts from codes against pandas' distinct ids per stakeholder group and channel
    # (all respondents, and those with at least one rating).
    table = perception.respondents(survey, by=["stakeholder_group", "channel"]).set_index(["stakeholder_group", "channel"])
    frame = survey.astype({"stakeholder_group": object, "channel": object, "respondent_id": object})
    n = frame.groupby(["stakeholder_group", "channel"])["respondent_id"].nunique()
    rated = frame[frame["rating"].notna()].groupby(["stakeholder_group", "channel"])["respondent_id"].nunique()
    assert len(table) == len(n) > 1
    for key, expected in n.items():
        assert table.loc[key, "n"] == expected, key
        assert table.loc[key, "n_rated"] == rated.get(key, 0), key


def test_a_pair_of_groups_is_hidden_with_a_groups_hidden_cell():
    # Notebook 01 publishes Dunn's pairs with each group's raters of the goal (n_a, n_b); a
    # group whose cell of a goal the group tables hide must not show its raters in a pair,
    # or the goal's total gives the hidden groups' sum back.
    from pra_lib.publishing.disclosure import suppress
    from pra_lib.publishing.disclosure_linked import hide_rows, rows_of_hidden_lines

    pairs = perception.posthoc(_kw_fixture(), between="stakeholder_group")
    groups = pd.DataFrame({"goal_id": ["G01"] * 3 + ["G02"] * 3, "stakeholder_group": list("abcabc"), "n": [3, 2, 3, 3, 2, 3]})
    published = groups.assign(suppressed=[False, True, True, False, False, False])  # b of G01 and its complement c
    on = [{"goal_id": "goal_id", "group_a": "stakeholder_group"}, {"goal_id": "goal_id", "group_b": "stakeholder_group"}]
    hidden = rows_of_hidden_lines(pairs, published=published, dims=["goal_id", "stakeholder_group"], parts=published, on=on)
    out = hide_rows(suppress(pairs, count="n", min_cell_size=2, linked=hidden), hidden)
    g1 = out[out["goal_id"] == "G01"].set_index(["group_a", "group_b"])
    # every pair of G01 names b or c: all hidden, raters and means alike
    assert g1["suppressed"].all() and g1[["n", "n_a", "n_b", "mean_a", "mean_b"]].isna().all().all()
    g2 = out[out["goal_id"] == "G02"]
    assert not g2["suppressed"].any() and g2["n_a"].tolist() == [3, 3, 2]
