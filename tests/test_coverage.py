"""Coverage of the intervals the reports print, at the group sizes they publish.

A nominal 95% interval should contain the true value about 95% of the time. Workshop
tables and seminar groups are often 5 to 9 people, where the percentile bootstrap of a
skewed 5-point item covers only about 80% (issue 13). Each test below draws many seeded
samples of size n from a known answer distribution, computes the interval exactly as the
report does (``perception.scores``, ``seminar.support``, ``stats.rating_ci``) and counts
how often it contains the true mean or share. The bar is 0.93 at n = 5: with 1,500
samples the standard error of a coverage near 0.95 is about 0.006, so a method at the
nominal level passes and one near 0.80 fails by far (the last test shows the percentile
bootstrap failing the same check). Each test takes about a second.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from pra_lib import perception
from pra_lib import seminar as sem
from pra_lib.stats import bootstrap_ci, rating_ci

N_SAMPLES = 1500
BAR = 0.93
POINTS = np.arange(1, 6)

# Skewed 5-point answer distributions (P(1) .. P(5)) and one near the ceiling: the share
# answering 4 or 5 is 0.9 in "ceiling".
SKEWED = {
    "left": [0.05, 0.10, 0.15, 0.35, 0.35],
    "right": [0.40, 0.30, 0.15, 0.10, 0.05],
    "extreme": [0.02, 0.03, 0.05, 0.20, 0.70],
    "ceiling": [0.02, 0.03, 0.05, 0.30, 0.60],
}


def _samples(p, n, seed, n_samples=N_SAMPLES):
    """Long frame: ``sample`` (one group per simulated sample) and ``rating``."""
    rng = np.random.default_rng(seed)
    answers = rng.choice(POINTS, size=(n_samples, n), p=p)
    return pd.DataFrame({"sample": np.repeat(np.arange(n_samples), n), "rating": answers.ravel()})


def _coverage(low, high, truth):
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    assert not np.isnan(low).any() and not np.isnan(high).any(), "every sample of n >= 2 gets an interval"
    assert (high > low).all(), "no zero-width interval"
    return float(np.mean((low <= truth) & (truth <= high)))


@pytest.mark.parametrize("name", list(SKEWED))
@pytest.mark.parametrize("n", [5, 8])
def test_mean_of_skewed_item_covers(name, n):
    p = np.asarray(SKEWED[name])
    frame = _samples(p, n, seed=[13, n, len(name)])
    out = rating_ci(frame, value="rating", by="sample")
    assert _coverage(out["ci_low"], out["ci_high"], p @ POINTS) >= BAR


@pytest.mark.parametrize("name", list(SKEWED))
@pytest.mark.parametrize("n", [5, 8])
def test_share_positive_covers(name, n):
    p = np.asarray(SKEWED[name])
    frame = _samples(p, n, seed=[17, n, len(name)])
    out = rating_ci(frame, value="rating", by="sample", statistic="share_positive")
    assert _coverage(out["ci_low"], out["ci_high"], p[3:].sum()) >= BAR


def test_perception_scores_cover_at_n5():
    # The goal means of the questionnaire and workshop reports, one goal, each simulated
    # sample a "stakeholder group" of five respondents.
    p = np.asarray(SKEWED["left"])
    frame = _samples(p, 5, seed=21, n_samples=600)
    data = pd.DataFrame({
        "respondent_id": [f"r{i}" for i in range(len(frame))],
        "goal_id": "G01",
        "stakeholder_group": frame["sample"].astype(str).to_numpy(),
        "rating": frame["rating"].astype(float).to_numpy(),
        "dont_know": False,
    })
    with pytest.warns(RuntimeWarning, match="no ratings"):  # the 11 other goals
        s = perception.scores(data, by="stakeholder_group")
    s = s[s["goal_id"] == "G01"]
    assert len(s) == 600 and (s["n"] == 5).all()
    assert _coverage(s["ci_low"], s["ci_high"], p @ POINTS) >= BAR


def test_weighted_scores_cover_at_n5():
    # Weighted cells (raked weights): weights independent of the answers, from 0.3 to 3,
    # so the weighted mean estimates the same population mean.
    p = np.asarray(SKEWED["right"])
    frame = _samples(p, 5, seed=23, n_samples=600)
    rng = np.random.default_rng(24)
    data = pd.DataFrame({
        "respondent_id": [f"r{i}" for i in range(len(frame))],
        "goal_id": "G01",
        "stakeholder_group": frame["sample"].astype(str).to_numpy(),
        "rating": frame["rating"].astype(float).to_numpy(),
        "dont_know": False,
        "w": rng.uniform(0.3, 3.0, size=len(frame)),
    })
    with pytest.warns(RuntimeWarning, match="no ratings"):
        s = perception.scores(data, by="stakeholder_group", weights="w")
    s = s[s["goal_id"] == "G01"]
    assert _coverage(s["ci_low"], s["ci_high"], p @ POINTS) >= BAR


def test_seminar_support_covers_at_n5():
    # Seminar support (1-5 agreement) of focus areas rated by groups of five: the mean
    # and the share supporting (4-5) with the intervals seminar.support prints.
    p = np.asarray(SKEWED["ceiling"])
    frame = _samples(p, 5, seed=29, n_samples=600)
    votes = pd.DataFrame({
        "respondent_id": [f"p{i}" for i in range(len(frame))],
        "stakeholder_group": frame["sample"].astype(str).to_numpy(),
        "focus_area_id": "FA1",
        "support": frame["rating"].astype(float).to_numpy(),
        "rank": np.nan,
    })
    out = sem.support(votes, by="stakeholder_group")
    out = out[out["n"] == 5]
    assert len(out) == 600
    assert _coverage(out["mean_ci_low"], out["mean_ci_high"], p @ POINTS) >= BAR
    assert _coverage(out["share_support_ci_low"], out["share_support_ci_high"], p[3:].sum()) >= BAR


def test_the_check_fails_the_percentile_bootstrap():
    # The same check on the former default: the percentile bootstrap of the mean of a
    # skewed item at n = 5 covers far less than 0.93 (about 0.8 in issue 13), and it
    # gives zero-width intervals when all five answers are equal.
    p = np.asarray(SKEWED["left"])
    frame = _samples(p, 5, seed=31, n_samples=400)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the identical-answer samples, counted below
        out = bootstrap_ci(frame, value="rating", by="sample", n_resamples=500, seed=1)
    covered = (out["ci_low"] <= p @ POINTS) & (p @ POINTS <= out["ci_high"])
    assert covered.mean() < 0.88
