"""Tests of ``pra_lib.stats`` against published reference values.

Every reference value below is copied from a published source (a paper, the
printed output of an R help-page example, or a documented / tested example of
scipy, pingouin, statsmodels, scikit-posthocs, krippendorff or pyirr) and is
compared at the precision the source prints. No expected value is produced by
this package. Cross-checks against scipy call scipy at test time.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.stats as sps
from hypothesis import given, settings
from hypothesis import strategies as st

from pra_lib.stats import (
    CronbachAlphaResult,
    KendallWResult,
    bootstrap_ci,
    cronbach_alpha,
    dunn,
    fleiss_kappa,
    kendall_w,
    krippendorff_alpha,
    kruskal_wallis,
    adjust_family,
    mann_whitney,
    p_adjust,
    proportion_ci,
    rating_ci,
)

NA = np.nan

# ---------------------------------------------------------------------------
# Reference data sets
# ---------------------------------------------------------------------------

# R datasets::airquality, column Ozone by Month (May..September 1973), NA = missing.
# Transcribed from the published CSV export of the R data set; 116 non-missing values.
OZONE_BY_MONTH = {
    5: [41, 36, 12, 18, NA, 28, 23, 19, 8, NA, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32,
        NA, NA, NA, 23, 45, 115, 37],
    6: [NA, NA, NA, NA, NA, NA, 29, NA, 71, 39, NA, NA, 23, NA, NA, 21, 37, 20, 12, 13, NA, NA, NA,
        NA, NA, NA, NA, NA, NA, NA],
    7: [135, 49, 32, NA, 64, 40, 77, 97, 97, 85, NA, 10, 27, NA, 7, 48, 35, 61, 79, 63, 16, NA, NA,
        80, 108, 20, 52, 82, 50, 64, 59],
    8: [39, 9, 16, 78, 35, 66, 122, 89, 110, NA, NA, 44, 28, 65, NA, 22, 59, 23, 31, 44, 21, 9, NA,
        45, 168, 73, NA, 76, 118, 84, 85],
    9: [96, 78, 73, 91, 47, 32, 20, 23, 21, 24, 44, 21, 28, 9, 13, 46, 18, 13, 24, 16, 13, 23, 36,
        7, 14, 30, NA, 14, 18, 20],
}
AIRQUALITY = pd.DataFrame(
    [(month, ozone) for month, values in OZONE_BY_MONTH.items() for ozone in values],
    columns=["Month", "Ozone"],
)

# Hollander & Wolfe (1973), p. 116: mucociliary efficiency; the example data of R's
# ?kruskal.test (normal subjects, obstructive airway disease, asbestosis).
HW_X = [2.9, 3.0, 2.5, 2.6, 3.2]
HW_Y = [3.8, 2.7, 4.0, 2.4]
HW_Z = [2.8, 3.4, 3.7, 2.2, 2.0]
HOLLANDER_WOLFE = pd.DataFrame({"value": HW_X + HW_Y + HW_Z, "group": [1] * 5 + [2] * 4 + [3] * 5})

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", Univ. of Pennsylvania,
# section C: 4 observers (rows) x 12 units (columns) with missing values.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]

# R irr package, data(diagnoses): Fleiss (1971) psychiatric diagnoses, 30 patients x 6 raters,
# categories 1 Depression .. 5 Other. As reproduced in statsmodels'
# statsmodels/stats/tests/test_inter_rater.py (``diagnoses``).
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories (counts).
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]

# R irr package, data(anxiety): 20 subjects rated by 3 raters (printed in the examples of
# DescTools::KendallW, which reproduces irr::kendall).
ANXIETY = pd.DataFrame(
    {
        "rater1": [3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3],
        "rater2": [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4],
        "rater3": [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2],
    }
)

# pingouin data set "cronbach_alpha" (pingouin/datasets/cronbach_alpha.csv), in wide form:
# 15 respondents x 10 Likert items.
CRONBACH_LIKERT = pd.DataFrame(
    {
        "Q1": [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
        "Q2": [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
        "Q3": [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
        "Q4": [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
        "Q5": [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
        "Q6": [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
        "Q7": [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
        "Q8": [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
        "Q9": [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
        "Q10": [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
    }
)

# pingouin data set "cronbach_wide_missing" (12 respondents x 11 binary items, 4 NaN).
CRONBACH_WIDE_MISSING = pd.DataFrame(
    [
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0],
        [NA, 0, 1, 1, NA, 1, 1, 1, 1, 0, 0],
        [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0],
        [1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0],
        [0, 1, NA, 0, 1, 1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
        [0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0],
        [1, 0, 0, 1, 0, 1, 0, 0, NA, 0, 0],
        [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
        [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    ],
    columns=[f"Q{i}" for i in range(1, 12)],
)

# seaborn data set "exercise" (mwaskom/seaborn-data, exercise.csv): pulse by kind of exercise.
EXERCISE_PULSE = {
    "rest": [85, 85, 88, 90, 92, 93, 97, 97, 94, 80, 82, 83, 91, 92, 91, 83, 83, 84, 87, 88, 90,
             92, 94, 95, 97, 99, 96, 100, 97, 100],
    "walking": [86, 86, 84, 93, 103, 104, 90, 92, 93, 95, 96, 100, 89, 96, 95, 84, 86, 89, 103,
                109, 90, 92, 96, 101, 97, 98, 100, 102, 104, 103],
    "running": [93, 98, 110, 98, 104, 112, 98, 105, 99, 87, 132, 120, 94, 110, 116, 95, 126, 143,
                100, 126, 140, 103, 124, 140, 94, 135, 130, 99, 111, 150],
}
EXERCISE = pd.DataFrame(
    [(kind, pulse) for kind, values in EXERCISE_PULSE.items() for pulse in values],
    columns=["kind", "pulse"],
)


def _counts_from_ratings(ratings, categories):
    ratings = np.asarray(ratings)
    return np.stack([(ratings == c).sum(axis=1) for c in categories], axis=1)


# ---------------------------------------------------------------------------
# Cronbach's alpha
# ---------------------------------------------------------------------------


def test_cronbach_alpha_likert_matches_r_psych_via_pingouin():
    """pingouin.cronbach_alpha docs/tests (validated against R psych::alpha) on the
    "cronbach_alpha" data set: alpha = 0.592, 95% CI [0.195, 0.840]."""
    res = cronbach_alpha(CRONBACH_LIKERT)
    assert isinstance(res, CronbachAlphaResult)
    assert round(res.alpha, 3) == 0.592
    assert round(res.ci_low, 3) == 0.195
    assert round(res.ci_high, 3) == 0.840
    assert (res.n_items, res.n_obs) == (10, 15)


def test_cronbach_alpha_pairwise_missing_matches_psych_pairwise():
    """pingouin.cronbach_alpha docstring: ``psych::alpha(data, use="pairwise")`` on
    "cronbach_wide_missing" gives 0.732660835214447 with CI [0.435, 0.909]."""
    res = cronbach_alpha(CRONBACH_WIDE_MISSING)
    assert round(res.alpha, 6) == 0.732661
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == (0.435, 0.909)
    assert (res.n_items, res.n_obs) == (11, 12)


def test_cronbach_alpha_listwise_uses_complete_cases():
    """pingouin 0.7 ``cronbach_alpha`` docstring (``psych::alpha(data, use="complete.obs")``):
    alpha 0.8016949152542373, CI [0.581, 0.933]. That interval puts all 12 rows into the
    Feldt n; we use the 9 complete cases (method brief section 5), so our interval is the
    Feldt formula at n = 9, [0.533, 0.947], computed here from scipy's F quantiles, and the
    documented one is the same formula at n = 12."""
    res = cronbach_alpha(CRONBACH_WIDE_MISSING, nan_policy="listwise")
    assert round(res.alpha, 6) == 0.801695
    assert res.n_obs == 9

    def feldt(n, k=11, a=res.alpha):
        return 1 - (1 - a) * sps.f.ppf(0.975, n - 1, (n - 1) * (k - 1)), 1 - (1 - a) * sps.f.ppf(0.025, n - 1, (n - 1) * (k - 1))

    assert (res.ci_low, res.ci_high) == (pytest.approx(feldt(9)[0], abs=1e-12), pytest.approx(feldt(9)[1], abs=1e-12))
    assert tuple(round(v, 3) for v in feldt(12)) == (0.581, 0.933)  # pingouin's documented interval
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == (0.533, 0.947)


def test_cronbach_alpha_pairwise_ignores_fully_empty_rows():
    """Documented choice: under pairwise deletion n_obs counts respondents with at least one
    answer, so an empty row changes neither alpha nor the Feldt CI (pingouin reference above)."""
    padded = pd.concat([CRONBACH_WIDE_MISSING, pd.DataFrame([[NA] * 11], columns=CRONBACH_WIDE_MISSING.columns)])
    res = cronbach_alpha(padded)
    assert res.n_obs == 12
    assert round(res.alpha, 6) == 0.732661
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == (0.435, 0.909)


def test_cronbach_alpha_ci_level_narrows_interval():
    """Feldt et al. (1987): a lower confidence level gives a narrower interval around alpha."""
    wide = cronbach_alpha(CRONBACH_LIKERT, ci=0.95)
    narrow = cronbach_alpha(CRONBACH_LIKERT, ci=0.80)
    assert wide.ci_low < narrow.ci_low < narrow.alpha < narrow.ci_high < wide.ci_high


def test_cronbach_alpha_degenerate_inputs_warn_and_return_nan():
    with pytest.warns(RuntimeWarning, match="at least two items"):
        assert np.isnan(cronbach_alpha(CRONBACH_LIKERT[["Q1"]]).alpha)
    with pytest.warns(RuntimeWarning, match="zero variance"):
        assert np.isnan(cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, 3]})).alpha)
    with pytest.warns(RuntimeWarning, match="at least two respondents"):
        res = cronbach_alpha(pd.DataFrame({"a": [NA, NA], "b": [NA, NA]}))
    assert np.isnan(res.alpha) and res.n_obs == 0
    with pytest.warns(RuntimeWarning, match="in common"):
        assert np.isnan(cronbach_alpha(pd.DataFrame({"a": [1, 2, NA, NA], "b": [NA, NA, 1, 2]})).alpha)


def test_cronbach_alpha_malformed_arguments_raise():
    with pytest.raises(ValueError, match="nan_policy"):
        cronbach_alpha(CRONBACH_LIKERT, nan_policy="drop")
    with pytest.raises(ValueError, match="DataFrame"):
        cronbach_alpha(CRONBACH_LIKERT.to_numpy())
    with pytest.raises(ValueError, match="ci"):
        cronbach_alpha(CRONBACH_LIKERT, ci=95)
    with pytest.raises(ValueError, match="numeric"):
        cronbach_alpha(pd.DataFrame({"a": ["x", "y"], "b": ["y", "z"]}))


# ---------------------------------------------------------------------------
# Krippendorff's alpha
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_alpha_published_worked_example(level, expected):
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", sections C-D:
    nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797 (also the values asserted by the
    ``krippendorff`` PyPI package's docs/tests and by pyirr's port of irr::kripp.alpha)."""
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level=level), 3) == expected


def test_krippendorff_alpha_matches_irr_documented_example():
    """R irr::kripp.alpha help page: ``nmm <- matrix(c(1,1,NA,1,2,2,3,2,...), nrow=4)``
    (the "C" data from Krippendorff), ``kripp.alpha(nmm)`` prints alpha = 0.743. R fills the
    matrix column-wise; rows are the 4 classifiers."""
    values = [1, 1, NA, 1, 2, 2, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 2, 3, 4, 4, 4, 4, 4,
              1, 1, 2, 1, 2, 2, 2, 2, NA, 5, 5, 5, NA, NA, 1, 1, NA, NA, 3, NA]
    nmm = np.array(values, dtype=float).reshape(12, 4).T  # column-major fill, 4 x 12
    assert round(krippendorff_alpha(nmm, level="nominal"), 3) == 0.743
    assert round(krippendorff_alpha(nmm, level="ratio"), 3) == 0.797


def test_krippendorff_alpha_wikipedia_example():
    """Wikipedia "Krippendorff's alpha", computational example (3 coders x 15 units), as printed
    in the docstring of the ``krippendorff`` PyPI package: nominal 0.691358, interval 0.810845."""
    data = [
        [NA, NA, NA, NA, NA, 3, 4, 1, 2, 1, 1, 3, 3, NA, 3],
        [1, NA, 2, 1, 3, 3, 4, 3, NA, NA, NA, NA, NA, NA, NA],
        [NA, NA, 2, 1, 3, 4, 4, NA, 2, 1, 1, 3, 3, NA, 4],
    ]
    assert round(krippendorff_alpha(data, level="nominal"), 6) == 0.691358
    assert round(krippendorff_alpha(data, level="interval"), 6) == 0.810845


def test_krippendorff_alpha_nominal_accepts_string_labels():
    """``krippendorff`` PyPI package test ``test_string_labels_nominal``: alpha = 0.722222."""
    data = [["pos", "neg", "neu", None], ["pos", "neg", "neu", "pos"], ["pos", "neg", "pos", "pos"]]
    assert round(krippendorff_alpha(data, level="nominal"), 6) == 0.722222


def test_krippendorff_alpha_accepts_dataframe_and_ignores_unpairable_units():
    """Krippendorff (2011): units with fewer than two values are not pairable and do not
    affect alpha; adding such units leaves the published 0.849 unchanged."""
    frame = pd.DataFrame(KRIPPENDORFF_2011)
    frame[12] = [NA, NA, NA, NA]
    frame[13] = [NA, 7, NA, NA]
    assert round(krippendorff_alpha(frame, level="interval"), 3) == 0.849


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=2, max_value=5),
    st.integers(min_value=3, max_value=12),
    st.integers(min_value=0, max_value=2**31 - 1),
    st.sampled_from(["nominal", "ordinal", "interval", "ratio"]),
)
def test_krippendorff_alpha_properties(n_raters, n_units, seed, level):
    """Krippendorff (2011): alpha = 1 for perfect agreement (with variation) and alpha does not
    depend on the order of raters or units."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, n_units).astype(float)
    truth[:2] = [1.0, 5.0]  # guarantee variation
    perfect = np.tile(truth, (n_raters, 1))
    assert krippendorff_alpha(perfect, level=level) == pytest.approx(1.0)
    noisy = np.clip(perfect + rng.integers(-1, 2, perfect.shape), 1, 5)
    noisy[rng.random(noisy.shape) < 0.2] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        base = krippendorff_alpha(noisy, level=level)
        shuffled = krippendorff_alpha(noisy[rng.permutation(n_raters)][:, rng.permutation(n_units)], level=level)
    assert np.isnan(base) and np.isnan(shuffled) or base == pytest.approx(shuffled, abs=1e-12)


def test_krippendorff_alpha_on_large_data():
    """300 000 units x 4 raters with missing values go through the vectorised coincidence
    computation (np.bincount) at every level. How fast is for the benchmarks
    (benchmarks/bench_perception.py), never a timed test: the machine may be loaded."""
    rng = np.random.default_rng(7)
    n_units = 300_000
    truth = rng.integers(1, 6, n_units)
    data = np.clip(truth + rng.integers(-1, 2, (4, n_units)), 1, 5).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    for level in ("nominal", "ordinal", "interval", "ratio"):
        value = krippendorff_alpha(data, level=level)
        assert 0.0 < value < 1.0


def test_krippendorff_alpha_degenerate_inputs():
    with pytest.warns(RuntimeWarning, match="at least two raters"):
        assert np.isnan(krippendorff_alpha([[1, 2, 3]], level="nominal"))
    with pytest.warns(RuntimeWarning, match="identical"):
        assert np.isnan(krippendorff_alpha([[2, 2, 2], [2, 2, 2]], level="interval"))
    with pytest.warns(RuntimeWarning, match="pairable"):
        assert np.isnan(krippendorff_alpha([[1, NA], [NA, 2]], level="nominal"))
    with pytest.warns(RuntimeWarning, match="pairable"):
        assert np.isnan(krippendorff_alpha([[NA, NA], [NA, NA]], level="ordinal"))


def test_krippendorff_alpha_malformed_arguments_raise():
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(KRIPPENDORFF_2011, level="gwet")
    with pytest.raises(ValueError, match="non-negative"):
        krippendorff_alpha([[-1, 2], [1, 2]], level="ratio")
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha([["a", "b"], ["a", "c"]], level="interval")
    with pytest.raises(ValueError, match="2-D"):
        krippendorff_alpha(np.ones((2, 2, 2)), level="interval")


# ---------------------------------------------------------------------------
# Fleiss' kappa
# ---------------------------------------------------------------------------


def test_fleiss_kappa_irr_diagnoses():
    """R ``irr::kappam.fleiss(diagnoses)`` prints Kappa = 0.43; statsmodels' test suite records
    the full R value 0.4302445 (test_fleiss_kappa_irr); pyirr asserts 0.430."""
    counts = _counts_from_ratings(DIAGNOSES, range(1, 6))
    kappa = fleiss_kappa(counts)
    assert round(kappa, 3) == 0.430
    assert kappa == pytest.approx(0.4302445, abs=5e-8)


def test_fleiss_kappa_wikipedia_example():
    """Wikipedia "Fleiss' kappa" worked example (14 raters, 10 subjects): kappa = 0.210."""
    assert round(fleiss_kappa(WIKIPEDIA_FLEISS), 3) == 0.210
    assert round(fleiss_kappa(pd.DataFrame(WIKIPEDIA_FLEISS)), 3) == 0.210


def test_fleiss_kappa_degenerate_inputs():
    with pytest.warns(RuntimeWarning, match="single rater"):
        assert np.isnan(fleiss_kappa([[1, 0], [0, 1]]))
    with pytest.warns(RuntimeWarning, match="single category"):
        assert np.isnan(fleiss_kappa([[3, 0], [3, 0]]))
    with pytest.warns(RuntimeWarning, match="dropping 1 subject"):
        # the dropped empty row leaves the Wikipedia example intact
        assert round(fleiss_kappa(WIKIPEDIA_FLEISS + [[0, 0, 0, 0, 0]]), 3) == 0.210
    with pytest.warns(RuntimeWarning) as record:
        assert np.isnan(fleiss_kappa(np.zeros((2, 3))))
    assert any("no rated subjects" in str(w.message) for w in record)


def test_fleiss_kappa_malformed_arguments_raise():
    with pytest.raises(ValueError, match="same number of ratings"):
        fleiss_kappa([[2, 1], [1, 1]])
    with pytest.raises(ValueError, match="non-negative"):
        fleiss_kappa([[3, -1], [1, 1]])
    with pytest.raises(ValueError, match="2-D"):
        fleiss_kappa([1, 2, 3])


# ---------------------------------------------------------------------------
# Kendall's W
# ---------------------------------------------------------------------------


def test_kendall_w_irr_anxiety_tie_corrected():
    """R ``irr::kendall(anxiety, correct=TRUE)`` (help-page example): Wt = 0.54,
    Chisq(19) = 30.8, p-value = 0.0429, as asserted by pyirr's port of irr (tests/test_kendall.py)."""
    res = kendall_w(ANXIETY, correct_ties=True)
    assert isinstance(res, KendallWResult)
    assert round(res.w, 2) == 0.54
    assert round(res.chi2, 1) == 30.8
    assert res.dof == 19
    assert round(res.pvalue, 4) == 0.0429


def test_kendall_w_chi2_equals_friedman_statistic():
    """scipy.stats.friedmanchisquare docs: tie-corrected Friedman statistic; with raters as blocks
    it equals m (n - 1) W_t (Kendall 1948)."""
    res = kendall_w(ANXIETY)
    friedman = sps.friedmanchisquare(*ANXIETY.to_numpy())
    assert res.chi2 == pytest.approx(friedman.statistic, rel=1e-12)
    assert res.pvalue == pytest.approx(friedman.pvalue, rel=1e-10)


def test_kendall_w_untied_textbook_example():
    """ProofWiki, "Kendall's Coefficient of Concordance/Examples/Arbitrary Example 1": 3
    competitors ranked by 4 judges, W = 1/16. Without ties the correction changes nothing."""
    ranks = [[1, 1, 2, 3], [3, 2, 3, 1], [2, 3, 1, 2]]  # rows = competitors X, Y, Z
    assert kendall_w(ranks).w == pytest.approx(1 / 16)
    assert kendall_w(ranks, correct_ties=False).w == pytest.approx(1 / 16)


def test_kendall_w_tie_correction_and_orientation_matter():
    """Method brief section 5: the tie-corrected W is larger than the uncorrected one on Likert
    data, and transposing the table changes the answer (irr anxiety data)."""
    corrected = kendall_w(ANXIETY).w
    uncorrected = kendall_w(ANXIETY, correct_ties=False).w
    assert uncorrected < corrected
    assert kendall_w(ANXIETY.T).w != pytest.approx(corrected)


def test_kendall_w_listwise_deletion():
    """irr::kendall help page: "Missing data are omitted in a listwise way"."""
    with_missing = pd.concat([ANXIETY, pd.DataFrame({"rater1": [NA], "rater2": [1], "rater3": [6]})])
    res = kendall_w(with_missing)
    assert round(res.w, 2) == 0.54 and res.dof == 19


def test_kendall_w_degenerate_inputs():
    with pytest.warns(RuntimeWarning, match="two raters"):
        assert np.isnan(kendall_w(ANXIETY[["rater1"]]).w)
    with pytest.warns(RuntimeWarning, match="zero variance"):
        assert np.isnan(kendall_w([[3, 3], [3, 3], [3, 3]]).w)
    with pytest.warns(RuntimeWarning, match="two complete objects"):
        assert np.isnan(kendall_w([[1, NA], [2, 3]]).w)
    with pytest.raises(ValueError, match="numeric"):
        kendall_w(pd.DataFrame({"a": ["x", "y"], "b": ["y", "x"]}))


# ---------------------------------------------------------------------------
# Kruskal-Wallis
# ---------------------------------------------------------------------------


def test_kruskal_wallis_hollander_wolfe():
    """R ?kruskal.test example, ``kruskal.test(list(x, y, z))`` (output pinned in R's
    tests/Examples/stats-Ex.Rout.save): Kruskal-Wallis chi-squared = 0.77143, df = 2,
    p-value = 0.68."""
    res = kruskal_wallis(HOLLANDER_WOLFE, dv="value", between="group")
    assert round(res.h, 5) == 0.77143
    assert res.dof == 2
    assert round(res.pvalue, 2) == 0.68
    assert (res.n, res.k) == (14, 3)


def test_kruskal_wallis_airquality_with_ties():
    """R ?kruskal.test example, ``kruskal.test(Ozone ~ Month, data = airquality)``:
    chi-squared = 29.267, df = 4, p-value = 6.901e-06 (tie-corrected; NA dropped)."""
    res = kruskal_wallis(AIRQUALITY, dv="Ozone", between="Month")
    assert round(res.h, 3) == 29.267
    assert res.dof == 4
    assert res.pvalue == pytest.approx(6.901e-06, abs=5e-10)
    assert (res.n, res.k) == (116, 5)
    # effect sizes as defined in the method brief (section 5), from the published H
    assert res.epsilon_sq == pytest.approx(res.h / (116 - 1))
    assert res.eta_sq_h == pytest.approx((res.h - 5 + 1) / (116 - 5))
    assert round(res.epsilon_sq, 3) == round(29.267 / 115, 3)


def test_kruskal_wallis_agrees_with_scipy():
    """scipy.stats.kruskal docs: H corrected for ties, chi-squared p-value."""
    groups = [g.dropna().to_numpy() for _, g in AIRQUALITY.groupby("Month")["Ozone"]]
    ref = sps.kruskal(*groups)
    res = kruskal_wallis(AIRQUALITY, dv="Ozone", between="Month")
    assert res.h == pytest.approx(ref.statistic, rel=1e-12)
    assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-10)


def test_kruskal_wallis_degenerate_inputs():
    one_group = pd.DataFrame({"v": [1, 2, 3], "g": ["a", "a", "a"]})
    with pytest.warns(RuntimeWarning, match="two non-empty groups"):
        assert np.isnan(kruskal_wallis(one_group, dv="v", between="g").h)
    flat = pd.DataFrame({"v": [2, 2, 2, 2], "g": ["a", "a", "b", "b"]})
    with pytest.warns(RuntimeWarning, match="zero variance"):
        assert np.isnan(kruskal_wallis(flat, dv="v", between="g").h)
    empty_b = pd.DataFrame({"v": [1, 2, NA, NA], "g": ["a", "a", "b", "b"]})
    with pytest.warns(RuntimeWarning, match="non-empty groups"):
        assert kruskal_wallis(empty_b, dv="v", between="g").k == 1
    with pytest.raises(ValueError, match="not found"):
        kruskal_wallis(AIRQUALITY, dv="Temp", between="Month")


# ---------------------------------------------------------------------------
# Mann-Whitney U
# ---------------------------------------------------------------------------


def test_mann_whitney_airquality_may_vs_august():
    """R ?wilcox.test example ``wilcox.test(Ozone ~ Month, data = airquality,
    subset = Month %in% c(5, 8))`` (stats-Ex.Rout.save): "Wilcoxon rank sum test with continuity
    correction", W = 127.5, p-value = 0.0001208."""
    may = AIRQUALITY.loc[AIRQUALITY.Month == 5, "Ozone"]
    aug = AIRQUALITY.loc[AIRQUALITY.Month == 8, "Ozone"]
    res = mann_whitney(may, aug)
    assert res.u == 127.5
    assert res.pvalue == pytest.approx(0.0001208, abs=5e-8)
    assert (res.n_x, res.n_y) == (26, 26)
    # documented sign convention: r = 2U/(n_x n_y) - 1 < 0 because May ozone tends to be lower
    assert res.rank_biserial == pytest.approx(2 * 127.5 / (26 * 26) - 1)
    assert res.rank_biserial < 0


def test_mann_whitney_scipy_documented_example():
    """scipy.stats.mannwhitneyu docs: males vs females, U1 = 17.0 and
    ``method="asymptotic"`` p-value 0.11134688653314041."""
    res = mann_whitney([19, 22, 16, 29, 24], [20, 11, 17, 12])
    assert res.u == 17.0
    assert res.pvalue == pytest.approx(0.11134688653314041, rel=1e-12)
    assert res.rank_biserial == pytest.approx(2 * 17 / 20 - 1)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_mann_whitney_agrees_with_scipy_on_likert_ties(alternative):
    """scipy.stats.mannwhitneyu(method="asymptotic", use_continuity=True) docs: tie-corrected
    normal approximation with continuity correction; same U (of x) and p-value."""
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, 40)
    y = rng.integers(2, 6, 33)
    ref = sps.mannwhitneyu(x, y, alternative=alternative, method="asymptotic", use_continuity=True)
    res = mann_whitney(x, y, alternative=alternative)
    assert res.u == ref.statistic
    assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-10)


def test_mann_whitney_degenerate_inputs():
    with pytest.warns(RuntimeWarning, match="empty sample"):
        assert np.isnan(mann_whitney([NA, NA], [1, 2]).pvalue)
    with pytest.warns(RuntimeWarning, match="identical"):
        res = mann_whitney([3, 3, 3], [3, 3])
    assert np.isnan(res.pvalue) and res.u == 3.0 and res.rank_biserial == 0.0
    with pytest.raises(ValueError, match="alternative"):
        mann_whitney([1, 2], [3, 4], alternative="two.sided")


# ---------------------------------------------------------------------------
# Dunn's test and p-value adjustment
# ---------------------------------------------------------------------------


def test_dunn_exercise_matches_r_reference_in_scikit_posthocs():
    """scikit-posthocs tests/test_posthocs.py::test_posthoc_dunn: R reference p-values (Holm) on
    seaborn's "exercise" data, pulse by kind: rest-running 9.570998e-09, rest-walking
    4.390066e-02, running-walking 1.873208e-04."""
    res = dunn(EXERCISE, dv="pulse", between="kind", p_adjust="holm")
    assert list(res.columns) == ["group_a", "group_b", "z", "pvalue", "pvalue_adj", "p_adjust"]
    got = {(a, b): p for a, b, p in zip(res.group_a, res.group_b, res.pvalue_adj)}
    assert got[("rest", "running")] == pytest.approx(9.570998e-09, rel=1e-6)
    assert got[("rest", "walking")] == pytest.approx(4.390066e-02, rel=1e-6)
    assert got[("running", "walking")] == pytest.approx(1.873208e-04, rel=1e-6)
    assert (res.p_adjust == "holm").all()
    # sign convention: rest has the lower mean rank than running
    assert res.loc[(res.group_a == "rest") & (res.group_b == "running"), "z"].item() < 0


def test_dunn_airquality_holm_matches_r_help_example():
    """Printed output of the R help-page example ``dunnTest(Ozone ~ factor(Month),
    data = airquality)`` (Holm): 7-5 9.9e-05, 8-5 0.00032, 9-5 0.74574, 7-6 0.14891,
    8-6 0.20743, 9-7 0.01036, 9-8 0.02428, the others 1.00000."""
    res = dunn(AIRQUALITY, dv="Ozone", between="Month")
    got = {(a, b): p for a, b, p in zip(res.group_a, res.group_b, res.pvalue_adj)}
    expected = {
        (5, 6): 1.0, (5, 7): 9.9e-05, (5, 8): 0.00032, (5, 9): 0.74574, (6, 7): 0.14891,
        (6, 8): 0.20743, (6, 9): 1.0, (7, 8): 1.0, (7, 9): 0.01036, (8, 9): 0.02428,
    }
    assert set(got) == set(expected)
    for pair, value in expected.items():
        # half a unit of the last printed digit: 5 decimals, except "9.9e-05" (6 decimals)
        tol = 5e-7 if pair == (5, 7) else 5e-6
        assert got[pair] == pytest.approx(value, abs=tol), pair


def test_dunn_hollander_wolfe_all_adjusted_p_are_one():
    """Same help page, ``dunnTest(list(x, y, z))`` on the Hollander & Wolfe data: every Holm
    adjusted p-value prints as 1.0000; the unadjusted pair with the largest mean-rank
    difference (3-2, -2.4) has the smallest raw p-value."""
    res = dunn(HOLLANDER_WOLFE, dv="value", between="group")
    assert np.allclose(res.pvalue_adj, 1.0)
    smallest = res.loc[res.pvalue.idxmin()]
    assert (smallest.group_a, smallest.group_b) == (2, 3)


def test_p_adjust_benjamini_hochberg_published_example():
    """Benjamini & Hochberg (1995, JRSS-B 57:289-300), section 4 (data of Neuhaus et al.):
    of these 15 p-values the FDR procedure at q = 0.05 rejects the 4 smallest. Bonferroni and
    Holm reject 3, by hand from their definitions: 0.0019 <= 0.05/15 = 0.0033 < 0.0095, and
    Holm stops at 0.0095 > 0.05/12."""
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
         0.4262, 0.5719, 0.6528, 0.7590, 1.000]
    assert (p_adjust(p, method="fdr_bh") <= 0.05).sum() == 4
    assert (p_adjust(p, method="bonferroni") <= 0.05).sum() == 3
    assert (p_adjust(p, method="holm") <= 0.05).sum() == 3
    assert np.array_equal(p_adjust(p, method="none"), np.asarray(p))


def test_p_adjust_holm_matches_r_p_adjust():
    """R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm") gives 0.05 0.08 0.09 0.09 0.09
    (R's stats::p.adjust source, pmin(1, cummax((n - i + 1) * p[o]))[ro]; Holm 1979):
    5 x 0.01, 4 x 0.02, 3 x 0.03, then 2 x 0.04 = 0.08 and 1 x 0.05 are raised to 0.09 by the
    running maximum. In another order, the adjusted values follow their p-values."""
    assert p_adjust([0.01, 0.02, 0.03, 0.04, 0.05], method="holm") == pytest.approx([0.05, 0.08, 0.09, 0.09, 0.09], abs=1e-12)
    assert p_adjust([0.05, NA, 0.01, 0.04, 0.03, 0.02], method="holm") == pytest.approx([0.09, NA, 0.05, 0.09, 0.09, 0.08], abs=1e-12, nan_ok=True)


def test_adjust_family_equals_p_adjust_on_the_concatenated_pvalues():
    """The report's family: adjusting several tables together is p_adjust on all their
    p-values at once (R: p.adjust(c(t1$p, t2$p, t3$p), "holm")), split back per table."""
    a = pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "pvalue": [0.001, 0.04, NA], "significant": [True, True, False],
                      "method": ["Kruskal-Wallis H; p adjusted across 2 goals (Holm)"] * 3})
    b = pd.DataFrame({"pair": ["x-y", "x-z"], "pvalue": [0.012, 0.3], "pvalue_adj": [0.024, 0.3], "p_adjust": ["holm"] * 2})
    c = pd.DataFrame({"scope": ["all"], "pvalue": [0.0049]})
    out = adjust_family({"a": a, "b": b, "c": c})
    assert list(out) == ["a", "b", "c"]
    pooled = p_adjust(np.r_[a.pvalue, b.pvalue, c.pvalue], method="holm")
    got = np.r_[out["a"].pvalue_adj, out["b"].pvalue_adj, out["c"].pvalue_adj]
    assert got == pytest.approx(pooled, nan_ok=True)
    # by hand: 5 tests; 5 x 0.001, 4 x 0.0049, 3 x 0.012, 2 x 0.04, 1 x 0.3
    assert got == pytest.approx([0.005, 0.08, NA, 0.036, 0.3, 0.0196], nan_ok=True)
    # adjusted within its own table, 0.04 would pass (Holm over [0.001, 0.04]: 1 x 0.04)
    assert p_adjust(a.pvalue, method="holm")[1] == pytest.approx(0.04)
    assert out["a"]["significant"].tolist() == [True, False, False]
    assert (out["b"].family_size == 5).all() and (out["c"].p_adjust == "holm").all()
    assert out["a"].pvalue.tolist()[:2] == [0.001, 0.04]  # raw kept
    assert list(out["c"].columns) == ["scope", "pvalue", "pvalue_adj", "p_adjust", "family_size"]
    assert out["a"]["method"].iloc[0] == "Kruskal-Wallis H; p adjusted across the 5 tests of the report (Holm)"
    assert out["a"].attrs["family"] == ["a", "b", "c"]
    assert a.columns.tolist() == ["goal_id", "pvalue", "significant", "method"]  # inputs untouched
    bonf = adjust_family({"a": a, "c": c}, method="bonferroni")
    assert bonf["a"].pvalue_adj.tolist()[:2] == pytest.approx([0.003, 0.12])
    assert adjust_family({}) == {}
    with pytest.raises(ValueError, match="pvalue"):
        adjust_family({"x": pd.DataFrame({"p": [0.1]})})
    with pytest.raises(ValueError, match="method"):
        adjust_family({"a": a}, method="BH")


def test_dunn_p_adjust_options_are_consistent():
    """R p.adjust definitions: Bonferroni = min(1, m p); Holm <= Bonferroni; BH <= Holm."""
    raw = dunn(AIRQUALITY, dv="Ozone", between="Month", p_adjust="none")
    assert np.allclose(raw.pvalue_adj, raw.pvalue)
    bonf = dunn(AIRQUALITY, dv="Ozone", between="Month", p_adjust="bonferroni")
    assert np.allclose(bonf.pvalue_adj, np.minimum(1, 10 * bonf.pvalue))
    holm = dunn(AIRQUALITY, dv="Ozone", between="Month", p_adjust="holm")
    bh = dunn(AIRQUALITY, dv="Ozone", between="Month", p_adjust="fdr_bh")
    assert (holm.pvalue_adj <= bonf.pvalue_adj + 1e-15).all()
    assert (bh.pvalue_adj <= holm.pvalue_adj + 1e-15).all()


def test_dunn_degenerate_and_malformed_inputs():
    with pytest.warns(RuntimeWarning, match="two non-empty groups"):
        out = dunn(pd.DataFrame({"v": [1, 2], "g": ["a", "a"]}), dv="v", between="g")
    assert out.empty and list(out.columns) == ["group_a", "group_b", "z", "pvalue", "pvalue_adj", "p_adjust"]
    with pytest.warns(RuntimeWarning, match="zero variance"):
        flat = dunn(pd.DataFrame({"v": [4, 4, 4, 4], "g": list("aabb")}), dv="v", between="g")
    assert flat.z.isna().all()
    with pytest.raises(ValueError, match="p_adjust"):
        dunn(AIRQUALITY, dv="Ozone", between="Month", p_adjust="BH")
    with pytest.raises(ValueError, match="not found"):
        dunn(AIRQUALITY, dv="Ozone", between="month")


# ---------------------------------------------------------------------------
# Bootstrap confidence intervals
# ---------------------------------------------------------------------------

# A small, skewed Likert sample (n = 22) where BCa and percentile intervals clearly differ.
SKEWED_LIKERT = np.array([5] * 14 + [4] * 4 + [1] * 2 + [2, 3])


@pytest.mark.parametrize("method", ["percentile", "bca"])
@pytest.mark.parametrize(("statistic", "tol"), [("mean", 0.04), ("share_positive", 0.02)])
def test_bootstrap_ci_agrees_with_scipy_bootstrap(method, statistic, tol):
    """scipy.stats.bootstrap docs (method="percentile" / "BCa", confidence_level=0.95): the
    multinomial-count bootstrap must give the same interval up to Monte Carlo error. Both are
    averaged over 5 seeds x 20 000 resamples; the tolerance is about 3.5 Monte Carlo standard
    errors and well below the BCa-percentile gap on this skewed sample (~0.1 / ~0.045)."""
    funcs = {"mean": np.mean, "share_positive": lambda a, axis=-1: np.mean(a >= 4, axis=axis)}
    frame = pd.DataFrame({"r": SKEWED_LIKERT})
    ref, ours = [], []
    for seed in range(5):
        ci = sps.bootstrap((SKEWED_LIKERT,), funcs[statistic], n_resamples=20_000, method=method,
                           confidence_level=0.95, rng=np.random.default_rng(seed)).confidence_interval
        ref.append((ci.low, ci.high))
        row = bootstrap_ci(frame, value="r", statistic=statistic, method=method,
                           n_resamples=20_000, seed=100 + seed).iloc[0]
        ours.append((row.ci_low, row.ci_high))
        assert row.n == SKEWED_LIKERT.size and row.method == method and row.statistic == statistic
    ref_lo, ref_hi = np.mean(ref, axis=0)
    our_lo, our_hi = np.mean(ours, axis=0)
    assert our_lo == pytest.approx(ref_lo, abs=tol)
    assert our_hi == pytest.approx(ref_hi, abs=tol)


def test_bootstrap_ci_bca_corrects_for_skew():
    """Efron (1987): on a left-skewed sample the BCa interval of the mean lies below the
    percentile interval (scipy.stats.bootstrap shows the same shift on this sample)."""
    frame = pd.DataFrame({"r": SKEWED_LIKERT})
    pct = bootstrap_ci(frame, value="r", method="percentile", n_resamples=20_000, seed=1).iloc[0]
    bca = bootstrap_ci(frame, value="r", method="bca", n_resamples=20_000, seed=1).iloc[0]
    assert bca.ci_low < pct.ci_low - 0.05 and bca.ci_high < pct.ci_high - 0.04


def _direct_weighted_bootstrap(x, w, statistic, n_resamples, seed, thr=4):
    """Textbook respondent-resampling bootstrap (Efron & Tibshirani 1993, ch. 6)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(n_resamples, x.size))
    xs, ws = x[idx], w[idx]
    if statistic == "mean":
        return (xs * ws).sum(axis=1) / ws.sum(axis=1)
    if statistic == "share_positive":
        return ((xs >= thr) * ws).sum(axis=1) / ws.sum(axis=1)
    order = np.argsort(xs, axis=1, kind="stable")
    xs = np.take_along_axis(xs, order, axis=1)
    cw = np.cumsum(np.take_along_axis(ws, order, axis=1), axis=1)
    half = cw[:, -1:] / 2
    lo = np.argmax(cw >= half - 1e-9, axis=1)
    hi = np.argmax(cw > half + 1e-9, axis=1)
    rows = np.arange(xs.shape[0])
    return (xs[rows, lo] + xs[rows, hi]) / 2


@pytest.mark.parametrize("statistic", ["mean", "share_positive", "median"])
@pytest.mark.parametrize("ci", [0.95, 0.5])
def test_bootstrap_ci_weighted_matches_direct_respondent_resampling(statistic, ci):
    """A multinomial draw of (rating, weight) cell counts is a resample of respondents: the
    percentile interval must match a direct respondent bootstrap up to Monte Carlo error.
    For this sample the weighted-median bootstrap distribution sits on the values 2, 2.5, 3,
    3.5, 4 with P(<= 2) ~ 0.34 and P(<= 3) ~ 0.83, so its 2.5/25/75/97.5% quantiles fall on
    plateaus and must agree exactly."""
    rng = np.random.default_rng(5)
    x = rng.choice([1, 2, 3, 4, 5], size=40, p=[0.1, 0.3, 0.2, 0.3, 0.1]).astype(float)
    w = rng.choice([0.5, 1.0, 2.0, 3.0], size=40)
    tail = (1 - ci) / 2
    boot = _direct_weighted_bootstrap(x, w, statistic, 20_000, seed=9)
    lo, hi = np.quantile(boot, [tail, 1 - tail])
    out = bootstrap_ci(pd.DataFrame({"r": x, "w": w}), value="r", weights="w", statistic=statistic,
                       n_resamples=20_000, ci=ci, seed=4).iloc[0]
    if statistic == "median":
        assert (out.ci_low, out.ci_high) == (lo, hi)
    else:
        assert out.ci_low == pytest.approx(lo, abs=0.03)
        assert out.ci_high == pytest.approx(hi, abs=0.03)


def test_bootstrap_ci_estimate_is_the_plain_statistic():
    """The estimate is the statistic of the data itself: numpy.mean / numpy.median
    (numpy docs), numpy.average with weights, and the share of ratings >= 4."""
    rng = np.random.default_rng(8)
    df = pd.DataFrame({"r": rng.integers(1, 6, 301).astype(float), "w": rng.uniform(0.2, 3, 301),
                       "g": rng.choice(["b", "a"], 301)})
    df.loc[::17, "r"] = np.nan
    for g, part in df.dropna().groupby("g"):
        mean = bootstrap_ci(df, value="r", by="g", n_resamples=10).set_index("g").loc[g]
        assert mean.estimate == pytest.approx(part.r.mean()) and mean.n == len(part)
        med = bootstrap_ci(df, value="r", by="g", statistic="median", n_resamples=10).set_index("g").loc[g]
        assert med.estimate == np.median(part.r)
        wmean = bootstrap_ci(df, value="r", by="g", weights="w", n_resamples=10).set_index("g").loc[g]
        assert wmean.estimate == pytest.approx(np.average(part.r, weights=part.w))
        share = bootstrap_ci(df, value="r", by="g", weights="w", statistic="share_positive",
                             n_resamples=10, positive_threshold=4).set_index("g").loc[g]
        assert share.estimate == pytest.approx(np.average(part.r >= 4, weights=part.w))
    even = pd.DataFrame({"r": [1.0, 2.0, 4.0, 5.0]})
    assert bootstrap_ci(even, value="r", statistic="median", n_resamples=10).estimate.item() == 3.0


def test_bootstrap_ci_is_deterministic_and_groups_are_sorted():
    """numpy.random.default_rng docs: the same seed gives the same stream; groups are processed
    in sorted order so results are reproducible."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"r": rng.integers(1, 6, 400), "goal": rng.integers(1, 4, 400),
                       "grp": rng.choice(["gov", "acad", "priv"], 400)})
    a = bootstrap_ci(df, value="r", by=["goal", "grp"], method="bca", seed=42)
    b = bootstrap_ci(df, value="r", by=["goal", "grp"], method="bca", seed=42)
    c = bootstrap_ci(df, value="r", by=["goal", "grp"], method="bca", seed=43)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.ci_low, c.ci_low)
    assert list(a.columns) == ["goal", "grp", "statistic", "estimate", "ci_low", "ci_high", "n", "method"]
    keys = list(zip(a.goal, a.grp))
    assert keys == sorted(keys) and len(keys) == 9
    assert (a.ci_low <= a.estimate).all() and (a.estimate <= a.ci_high).all()


def test_bootstrap_ci_on_a_large_survey():
    """1 000 000 ratings in 12 goals x 4 groups with B = 2000, through the path whose cost
    depends on the number of cells, not on n. Its speed is for the benchmarks
    (benchmarks/bench_perception.py), never a timed test: the machine may be loaded."""
    rng = np.random.default_rng(0)
    n = 1_000_000
    df = pd.DataFrame({"rating": rng.integers(1, 6, n).astype(float), "goal": rng.integers(1, 13, n),
                       "group": pd.Categorical(rng.choice(["gov", "acad", "priv", "comm"], n))})
    out = bootstrap_ci(df, value="rating", by=["goal", "group"], statistic="mean", method="bca")
    assert len(out) == 48 and (out.ci_high - out.ci_low > 0).all()


def test_bootstrap_ci_degenerate_groups():
    df = pd.DataFrame({"r": [1, 2, 3, NA, NA, 4, 4, 4], "g": list("aaabbccc")})
    with pytest.warns(RuntimeWarning) as record:
        out = bootstrap_ci(df, value="r", by="g", n_resamples=200).set_index("g")
    messages = " ".join(str(w.message) for w in record)
    assert "no non-missing ratings" in messages and "identical" in messages
    assert np.isnan(out.loc["b", "estimate"]) and out.loc["b", "n"] == 0
    # identical ratings: nothing to resample, so no interval rather than a zero-width one
    # (scipy.stats.bootstrap returns NaN with a DegenerateDataWarning here too)
    assert out.loc["c", "estimate"] == 4.0
    assert np.isnan(out.loc["c", "ci_low"]) and np.isnan(out.loc["c", "ci_high"])
    with pytest.warns(RuntimeWarning, match="no non-missing ratings"):
        all_missing = bootstrap_ci(pd.DataFrame({"r": [NA, NA]}), value="r")
    assert len(all_missing) == 1 and np.isnan(all_missing.estimate.item())
    with pytest.warns(RuntimeWarning, match="group label"):
        no_labels = bootstrap_ci(pd.DataFrame({"r": [1, 2], "g": [NA, NA]}), value="r", by="g")
    assert no_labels.empty and "ci_low" in no_labels.columns


def test_bootstrap_ci_malformed_arguments_raise():
    df = pd.DataFrame({"r": [1, 2, 3], "w": [1.0, -1.0, 1.0], "g": list("abc")})
    with pytest.raises(ValueError, match="statistic"):
        bootstrap_ci(df, value="r", statistic="mode")
    with pytest.raises(ValueError, match="method"):
        bootstrap_ci(df, value="r", method="basic")
    with pytest.raises(ValueError, match="not found"):
        bootstrap_ci(df, value="rating")
    with pytest.raises(ValueError, match="not found"):
        bootstrap_ci(df, value="r", by=["g", "region"])
    with pytest.raises(ValueError, match="non-negative"):
        bootstrap_ci(df, value="r", weights="w")
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_ci(df, value="r", n_resamples=0)


# ---------------------------------------------------------------------------
# Analytic intervals: t, Wilson, Clopper-Pearson (rating_ci, proportion_ci)
# ---------------------------------------------------------------------------

# Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
# comparison of seven methods. Statistics in Medicine 17, 857-872: the worked examples
# 81/263, 15/148, 0/20 and 1/29, method 3 (Wilson score) and method 5 (Clopper-Pearson
# "exact"), printed to 4 decimals.
NEWCOMBE = [
    # x, n, Wilson low, Wilson high, Clopper-Pearson low, Clopper-Pearson high
    (81, 263, 0.2553, 0.3662, 0.2527, 0.3676),
    (15, 148, 0.0624, 0.1605, 0.0578, 0.1617),
    (0, 20, 0.0000, 0.1611, 0.0000, 0.1684),
    (1, 29, 0.0061, 0.1718, 0.0009, 0.1776),
]


@pytest.mark.parametrize("x, n, w_lo, w_hi, cp_lo, cp_hi", NEWCOMBE)
def test_proportion_ci_matches_newcombe_1998(x, n, w_lo, w_hi, cp_lo, cp_hi):
    lo, hi = proportion_ci(x, n, method="wilson")
    assert (round(float(lo[0]), 4), round(float(hi[0]), 4)) == (w_lo, w_hi)
    lo, hi = proportion_ci(x, n, method="clopper-pearson")
    assert (round(float(lo[0]), 4), round(float(hi[0]), 4)) == (cp_lo, cp_hi)


def test_proportion_ci_matches_r_binom_test():
    # R help page ?binom.test, Mendel's peas: binom.test(682, 925, p = 0.75) prints
    # "95 percent confidence interval: 0.7076683 0.7654066".
    lo, hi = proportion_ci(682, 925)
    assert float(lo[0]) == pytest.approx(0.7076683, abs=5e-8)
    assert float(hi[0]) == pytest.approx(0.7654066, abs=5e-8)


def test_proportion_ci_all_successes_is_honest():
    # 8 of 8: Clopper-Pearson lower bound (alpha/2)^(1/n) = 0.025^(1/8) = 0.6306 (the
    # issue's [0.63, 1]), not the [1, 1] of a percentile bootstrap; n = 0 gives NaN.
    lo, hi = proportion_ci([8, 0], [8, 0])
    assert lo[0] == pytest.approx(0.025 ** (1 / 8), abs=1e-12) and hi[0] == 1.0
    assert np.isnan(lo[1]) and np.isnan(hi[1])
    with pytest.raises(ValueError):
        proportion_ci(5, 4)
    with pytest.raises(ValueError, match="method"):
        proportion_ci(1, 4, method="wald")


def test_rating_ci_t_matches_r_t_test_sleep():
    # R help page ?t.test: t.test(extra ~ group, data = sleep, paired = TRUE), i.e. the
    # one-sample t interval of the 10 differences, prints "95 percent confidence interval:
    # -2.4598858 -0.7001142", "mean difference -1.58". scale=None: the plain Student t.
    g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    d = pd.DataFrame({"d": np.subtract(g1, g2)})
    out = rating_ci(d, value="d", scale=None).iloc[0]
    assert out.estimate == pytest.approx(-1.58, abs=1e-12)
    assert out.ci_low == pytest.approx(-2.4598858, abs=5e-8)
    assert out.ci_high == pytest.approx(-0.7001142, abs=5e-8)
    assert out.method == "t"


def test_rating_ci_floor_only_binds_for_small_or_uniform_samples():
    # 40 answers spread over the scale: the sample variance exceeds the floor, so the
    # interval is the plain t interval (scipy.stats.t.interval at test time).
    rng = np.random.default_rng(3)
    r = rng.choice([1, 2, 3, 4, 5], size=40, p=[0.1, 0.2, 0.3, 0.2, 0.2])
    out = rating_ci(pd.DataFrame({"r": r}), value="r").iloc[0]
    lo, hi = sps.t.interval(0.95, r.size - 1, loc=r.mean(), scale=sps.sem(r))
    assert (out.ci_low, out.ci_high) == (pytest.approx(lo, abs=1e-12), pytest.approx(hi, abs=1e-12))


def test_rating_ci_degenerate_samples():
    df = pd.DataFrame({"r": [4, 4, 4, 4, 4, 5], "g": list("aaaaab")})
    with pytest.warns(RuntimeWarning, match="single answer"):
        out = rating_ci(df, value="r", by="g").set_index("g")
    # five equal answers: an interval of honest width, inside the scale, never [4, 4]
    assert out.loc["a", "ci_low"] < 4.0 < out.loc["a", "ci_high"] <= 5.0
    # one answer: no interval for a mean
    assert np.isnan(out.loc["b", "ci_low"]) and np.isnan(out.loc["b", "ci_high"])
    # ... but a share has one: Clopper-Pearson for 1 of 1 is [0.025, 1]
    share = rating_ci(df, value="r", by="g", statistic="share_positive").set_index("g")
    assert share.loc["b", "ci_low"] == pytest.approx(0.025, abs=1e-12)
    assert share.loc["a", "method"] == "clopper-pearson"
    # without a scale, equal answers give NaN and a warning saying why
    with pytest.warns(RuntimeWarning, match="identical"):
        plain = rating_ci(df[df.g == "a"], value="r", scale=None).iloc[0]
    assert np.isnan(plain.ci_low)


def test_rating_ci_weighted_uses_kish_effective_n():
    # Weights 1, 1, 2, 2 on answers 5, 4, 2, 1: weighted mean 15/6 = 2.5, Kish
    # n_eff = 6**2 / 10 = 3.6; variance sum w (x - m)^2 / sum w * n_eff / (n_eff - 1)
    # = (6.25 + 2.25 + 0.5 + 4.5) / 6 * 3.6 / 2.6 = 3.11538 (above the floor); at 50% (so
    # that the scale does not clip) half width t(0.75, 2.6) * sqrt(3.11538 / 3.6), t from scipy. Share >= 4: 2/6, Clopper-Pearson
    # on x = 3.6 / 3 = 1.2 of 3.6 (Korn & Graubard 1998), from scipy's beta quantiles.
    df = pd.DataFrame({"r": [5, 4, 2, 1], "w": [1.0, 1.0, 2.0, 2.0]})
    out = rating_ci(df, value="r", weights="w", ci=0.5).iloc[0]
    half = sps.t.ppf(0.75, 2.6) * np.sqrt((13.5 / 6 * 3.6 / 2.6) / 3.6)
    assert out.estimate == pytest.approx(2.5)
    assert out.ci_low == pytest.approx(2.5 - half, abs=1e-10)
    assert out.ci_high == pytest.approx(2.5 + half, abs=1e-10)
    share = rating_ci(df, value="r", weights="w", statistic="share_positive").iloc[0]
    assert share.ci_low == pytest.approx(sps.beta.ppf(0.025, 1.2, 3.6 - 1.2 + 1), abs=1e-9)
    assert share.ci_high == pytest.approx(sps.beta.ppf(0.975, 1.2 + 1, 3.6 - 1.2), abs=1e-9)
    # equal weights give the unweighted interval
    same = rating_ci(df.assign(w=2.0), value="r", weights="w").iloc[0]
    plain = rating_ci(df, value="r").iloc[0]
    assert (same.ci_low, same.ci_high) == (pytest.approx(plain.ci_low), pytest.approx(plain.ci_high))


def test_rating_ci_rejects_mismatched_options():
    df = pd.DataFrame({"r": [1, 2, 3]})
    with pytest.raises(ValueError, match="for means"):
        rating_ci(df, value="r", statistic="share_positive", method="t")
    with pytest.raises(ValueError, match="for shares"):
        rating_ci(df, value="r", method="wilson")
    with pytest.raises(ValueError, match="outside the scale"):
        rating_ci(pd.DataFrame({"r": [1, 7]}), value="r")
    with pytest.raises(ValueError, match="scale"):
        rating_ci(df, value="r", scale=(5, 1))
    with pytest.raises(ValueError, match="method"):
        bootstrap_ci(df, value="r", method="t")  # the bootstrap peer of scipy stays a bootstrap


# ---------------------------------------------------------------------------
# Consensus of Likert answers (Tastle & Wierman 2007)
# ---------------------------------------------------------------------------


def test_likert_consensus_matches_agrmt_example():
    # R package agrmt, help page ?consensus: V <- c(30,40,210,130,530,50,10);
    # consensus(V) "The degree of consensus is given as 0.7256876".
    from pra_lib.stats import likert_consensus

    assert likert_consensus([30, 40, 210, 130, 530, 50, 10]) == pytest.approx(0.7256876, abs=5e-8)


def test_likert_consensus_bounds_from_tastle_wierman():
    # Tastle & Wierman (2007): 1 when every answer is the same, 0 when the answers split
    # equally between the two ends of the scale; an even spread over 5 points gives
    # 1 + 0.2 * (2 log2(1/2) + 2 log2(3/4)) = 0.433985.
    from pra_lib.stats import likert_consensus

    out = likert_consensus([[0, 0, 9, 0, 0], [4, 0, 0, 0, 4], [1, 1, 1, 1, 1]])
    assert out.tolist() == pytest.approx([1.0, 0.0, 1 + 0.2 * (2 * np.log2(0.5) + 2 * np.log2(0.75))])
    assert likert_consensus([0, 0, 0, 0, 7]) == 1.0  # mean at the end of the scale: no log(0)
    with pytest.warns(RuntimeWarning, match="no answers"):
        assert np.isnan(likert_consensus([[0, 0, 0, 0, 0], [1, 0, 0, 0, 0]])[0])
    with pytest.raises(ValueError):
        likert_consensus([1, -1, 2])


def test_bootstrap_ci_single_rating_has_no_interval():
    # One rating: scipy.stats.bootstrap refuses (it needs two observations); ours returns
    # NaN bounds with a warning instead of the zero-width [x, x] it used to give.
    with pytest.warns(RuntimeWarning, match="identical"):
        out = bootstrap_ci(pd.DataFrame({"r": [4]}), value="r", n_resamples=100).iloc[0]
    assert out.estimate == 4.0 and np.isnan(out.ci_low) and np.isnan(out.ci_high)
    with pytest.raises(ValueError):
        sps.bootstrap((np.array([4.0]),), np.mean, n_resamples=100)


def test_whole_number_check_reads_every_block(monkeypatch):
    # The check that ratings are whole numbers runs block by block: a fraction in the
    # last, partial block must still be found, and NaN (no rating) is not a fraction.
    from pra_lib.stats import ratings as ratings_module

    monkeypatch.setattr(ratings_module, "_BLOCK", 2)
    whole = np.array([1.0, 2.0, np.nan, 3.0, 5.0])
    assert ratings_module._whole_numbers(whole, np.nan_to_num(whole).astype(np.int8))
    fraction = np.array([1.0, 2.0, np.nan, 3.0, 4.5])
    with np.errstate(invalid="ignore"):
        assert not ratings_module._whole_numbers(fraction, fraction.astype(np.int8))
