"""Population weights: post-stratification, raking (IPF), Kish's design effect.

References
----------
* Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled
  frequency table when the expected marginal totals are known. Annals of Mathematical
  Statistics 11, 427-444 (the raking / IPF procedure).
* Bishop, Y. M. M., Fienberg, S. E. & Holland, P. W. (1975). Discrete Multivariate
  Analysis, ch. 3: IPF converges to the unique table that has the target margins and the
  cross-product (odds) ratios of the starting table.
* The worked IPF example of Wikipedia's "Iterative proportional fitting" article (also
  the example of the ``ipfn`` package README): seed table
  [[40, 30, 20, 10], [35, 50, 100, 75], [30, 80, 70, 120], [20, 30, 40, 50]], row targets
  [150, 300, 400, 150], column targets [200, 300, 400, 100].
* Kish, L. (1965). Survey Sampling, section 11.7: deff = n sum(w^2) / (sum w)^2.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from pra_lib import perception
from pra_lib.stats import weights
from pra_lib.assessment.loading import load_assessment

SEED = np.array([[40, 30, 20, 10], [35, 50, 100, 75], [30, 80, 70, 120], [20, 30, 40, 50]])
ROWS = [150, 300, 400, 150]
COLS = [200, 300, 400, 100]


def _people_from_table(table: np.ndarray) -> pd.DataFrame:
    """One respondent per unit of each cell: cell (i, j) holds table[i, j] respondents."""
    rows = [(f"r{i}", f"c{j}") for i in range(table.shape[0]) for j in range(table.shape[1]) for _ in range(int(table[i, j]))]
    frame = pd.DataFrame(rows, columns=["row", "col"])
    frame.insert(0, "respondent_id", [f"P{k:04d}" for k in range(len(frame))])
    return frame


def _cell_sums(people: pd.DataFrame, w: pd.Series) -> np.ndarray:
    table = people.assign(w=people["respondent_id"].map(w)).pivot_table(index="row", columns="col", values="w", aggfunc="sum")
    return table.to_numpy()


# --------------------------------------------------------------------------- post-stratification


def test_post_stratify_hand_computed():
    # Sample: 3 respondents in n, 1 in s (shares 0.75 / 0.25); population 600 / 400 (0.6 / 0.4).
    # Weight = population share / sample share: n 0.6/0.75 = 0.8, s 0.4/0.25 = 1.6; mean 1.
    people = pd.DataFrame({"respondent_id": ["a", "b", "c", "d"], "area": ["n", "n", "n", "s"]})
    w = weights.post_stratify(people, population={"n": 600, "s": 400}, by="area")
    assert w.name == "weight" and list(w.index) == ["a", "b", "c", "d"]
    np.testing.assert_allclose(w.to_numpy(), [0.8, 0.8, 0.8, 1.6])
    assert w.mean() == pytest.approx(1.0)
    # Summing to the population: n 600 / 3 = 200 each, s 400.
    total = weights.post_stratify(people, population={"n": 600, "s": 400}, by="area", scale="population")
    np.testing.assert_allclose(total.to_numpy(), [200, 200, 200, 400])


def test_post_stratify_two_columns_reproduces_every_cell():
    people = _people_from_table(np.array([[10, 5], [3, 2]]))
    population = pd.DataFrame({"row": ["r0", "r0", "r1", "r1"], "col": ["c0", "c1", "c0", "c1"], "population": [100, 200, 300, 400]})
    w = weights.post_stratify(people, population=population, by=["row", "col"], scale="population")
    np.testing.assert_allclose(_cell_sums(people, w), [[100, 200], [300, 400]])
    # The tuple form gives the same weights.
    same = weights.post_stratify(people, population={("r0", "c0"): 1, ("r0", "c1"): 2, ("r1", "c0"): 3, ("r1", "c1"): 4}, by=["row", "col"])
    np.testing.assert_allclose(same.to_numpy(), (w / w.mean()).to_numpy())


def test_post_stratify_clear_errors():
    people = pd.DataFrame({"respondent_id": ["a", "b", "c"], "area": ["n", "s", "x"]})
    with pytest.raises(ValueError, match=r"\['x'\].*not in the population"):
        weights.post_stratify(people, population={"n": 1, "s": 1}, by="area")
    with pytest.raises(ValueError, match=r"\['e'\] have no respondent"):
        weights.post_stratify(people, population={"n": 1, "s": 1, "x": 1, "e": 1}, by="area")
    with pytest.raises(ValueError, match="no value"):
        weights.post_stratify(people.assign(area=["n", None, "s"]), population={"n": 1, "s": 1}, by="area")
    with pytest.raises(ValueError, match="scale"):
        weights.post_stratify(people, population={"n": 1, "s": 1, "x": 1}, by="area", scale="sum")


# --------------------------------------------------------------------------- raking


def test_rake_on_one_margin_is_post_stratification():
    people = pd.DataFrame({"respondent_id": list("abcdef"), "area": list("nnnnss")})
    raked = weights.rake(people, margins={"area": {"n": 1, "s": 3}})
    post = weights.post_stratify(people, population={"n": 1, "s": 3}, by="area")
    np.testing.assert_allclose(raked.to_numpy(), post.to_numpy())
    assert raked.attrs["raking"]["converged"] and raked.attrs["raking"]["iterations"] == 1


def test_rake_two_way_iterates_to_the_ipf_solution():
    """The Wikipedia / ipfn worked example, as 815 respondents in a 4 x 4 table."""
    people = _people_from_table(SEED)
    margins = {"row": dict(zip(["r0", "r1", "r2", "r3"], ROWS)), "col": dict(zip(["c0", "c1", "c2", "c3"], COLS))}
    w = weights.rake(people, margins=margins, scale="population", tol=1e-10, max_iter=500)
    report = w.attrs["raking"]
    assert report["converged"] and report["iterations"] > 2, "a 2-way table must iterate"
    assert report["max_error"] < 1e-10
    fitted = _cell_sums(people, w)
    # Margins reproduced (the weights sum to the first margin's total, 1000).
    np.testing.assert_allclose(fitted.sum(axis=1), ROWS, rtol=1e-8)
    np.testing.assert_allclose(fitted.sum(axis=0), COLS, rtol=1e-8)
    # Independent characterisation (Bishop, Fienberg & Holland 1975): every cross-product
    # ratio x_ij x_kl / (x_il x_kj) of the fitted table equals that of the seed.
    def odds(t, i, j, k, l):
        return t[i, j] * t[k, l] / (t[i, l] * t[k, j])
    for (i, j, k, l) in [(0, 0, 1, 1), (0, 1, 2, 3), (1, 0, 3, 2), (2, 2, 3, 3), (0, 3, 3, 0)]:
        assert odds(fitted, i, j, k, l) == pytest.approx(odds(SEED.astype(float), i, j, k, l), rel=1e-8)
    # Within a cell every respondent gets the same weight: the fitted cell over the seed count.
    cell_w = people.assign(w=people["respondent_id"].map(w)).groupby(["row", "col"])["w"].agg(["min", "max"])
    np.testing.assert_allclose(cell_w["min"], cell_w["max"])
    # One cycle by hand: the rows are scaled to their targets (cell (0, 0): 40 * 150 / 100 = 60),
    # then the columns: column 0 then sums to 40*150/100 + 35*300/260 + 30*400/300 + 20*150/140
    # and is scaled to 200.
    with pytest.warns(RuntimeWarning, match="no convergence after 1 cycles"):
        one = weights.rake(people, margins=margins, scale="population", max_iter=1, tol=1e-300)
    assert one.attrs["raking"]["iterations"] == 1 and not one.attrs["raking"]["converged"]
    col0 = 40 * 150 / 100 + 35 * 300 / 260 + 30 * 400 / 300 + 20 * 150 / 140
    assert _cell_sums(people, one)[0, 0] == pytest.approx(60 * 200 / col0, rel=1e-12)
    np.testing.assert_allclose(_cell_sums(people, one).sum(axis=0), COLS)  # the last margin raked is exact


def test_rake_reproduces_three_margins_on_respondents():
    rng = np.random.default_rng(4)
    n = 400
    people = pd.DataFrame({
        "respondent_id": [f"Q{i}" for i in range(n)],
        "area": rng.choice(["a", "b", "c"], size=n, p=[0.6, 0.3, 0.1]),
        "gender": rng.choice(["female", "male"], size=n, p=[0.7, 0.3]),
        "age_band": rng.choice(["15-24", "25-34", "35-44"], size=n),
    })
    margins = {"area": {"a": 300, "b": 300, "c": 400}, "gender": {"female": 0.5, "male": 0.5}, "age_band": {"15-24": 2, "25-34": 1, "35-44": 1}}
    w = weights.rake(people, margins=margins)
    assert w.mean() == pytest.approx(1.0)
    table = weights.margin_table(people, w, margins=margins)
    np.testing.assert_allclose(table["weighted_share"], table["population_share"], atol=1e-7)
    assert table.loc[(table.variable == "gender") & (table.category == "female"), "sample_share"].item() == pytest.approx((people.gender == "female").mean())


def test_rake_reports_non_convergence():
    # Areas and genders coincide (a = female, b = male), so no weights can give areas
    # 50/50 and genders 20/80 at once: raking oscillates.
    people = pd.DataFrame({"respondent_id": list("abcd"), "area": list("aabb"), "gender": ["female", "female", "male", "male"]})
    with pytest.warns(RuntimeWarning, match="no convergence"):
        w = weights.rake(people, margins={"area": {"a": 0.5, "b": 0.5}, "gender": {"female": 0.2, "male": 0.8}}, max_iter=20)
    assert w.attrs["raking"]["converged"] is False and w.attrs["raking"]["iterations"] == 20


def test_rake_clear_errors_and_drop_policies():
    people = pd.DataFrame({"respondent_id": list("abcde"), "area": ["n", "n", "s", "x", None]})
    with pytest.raises(ValueError, match=r"area: 'x' \(1 respondent\), '\(no value\)' \(1 respondent\)"):
        weights.rake(people, margins={"area": {"n": 1, "s": 1}})
    with pytest.warns(RuntimeWarning, match="get no weight"):
        w = weights.rake(people, margins={"area": {"n": 1, "s": 1}}, unmatched="drop")
    assert w[["d", "e"]].isna().all() and w.attrs["raking"]["unmatched"] == 2
    assert w[["a", "b", "c"]].tolist() == pytest.approx([0.75, 0.75, 1.5])  # mean 1 over the weighted
    ok = people.iloc[:3]
    with pytest.raises(ValueError, match=r"no respondent in \['e'\]"):
        weights.rake(ok, margins={"area": {"n": 1, "s": 1, "e": 1}})
    with pytest.warns(RuntimeWarning, match="no respondent"):
        w = weights.rake(ok, margins={"area": {"n": 1, "s": 1, "e": 1}}, empty="drop")
    assert w.attrs["raking"]["dropped"] == {"area": ["e"]}
    with pytest.raises(ValueError, match="target of 0"):
        weights.rake(ok, margins={"area": {"n": 0, "s": 1}})
    with pytest.raises(ValueError, match="non-negative"):
        weights.rake(ok, margins={"area": {"n": -1, "s": 1}})
    with pytest.raises(ValueError, match="more than one value"):
        weights.rake(pd.DataFrame({"respondent_id": ["a", "a"], "area": ["n", "s"]}), margins={"area": {"n": 1, "s": 1}})
    with pytest.raises(ValueError, match="not in respondents"):
        weights.rake(ok, margins={"gender": {"female": 1}})
    with pytest.warns(RuntimeWarning, match="no population margins"):
        w = weights.rake(ok, margins={})
    assert (w == 1).all()


# --------------------------------------------------------------------------- design effect


def test_design_effect_hand_computed():
    # n = 4, sum w = 8, sum w^2 = 1 + 1 + 4 + 16 = 22: deff = 4 * 22 / 64 = 1.375; n_eff = 4 / 1.375.
    d = weights.design_effect([1, 1, 2, 4])
    assert d.n == 4 and d.deff == pytest.approx(1.375) and d.n_effective == pytest.approx(2.909090909)
    assert weights.design_effect(np.full(10, 3.0)).deff == pytest.approx(1.0)
    assert weights.design_effect(pd.Series([2.0, np.nan, 2.0])).n == 2
    with pytest.raises(ValueError):
        weights.design_effect([1, -1])
    with pytest.warns(RuntimeWarning):
        assert np.isnan(weights.design_effect([]).deff)


# --------------------------------------------------------------------------- metadata margins


def test_margins_from_metadata(sample_dir):
    meta = load_assessment(sample_dir).metadata
    margins = weights.margins_from_metadata(meta)
    assert margins == {"area": {"jakarta_pusat": 920000.0, "jakarta_utara": 1780000.0, "jakarta_barat": 2530000.0,
                                "jakarta_selatan": 2230000.0, "jakarta_timur": 2890000.0, "kepulauan_seribu": 20000.0}}
    meta.raw = {**meta.raw, "population_margins": {"gender": {"female": 0.5, "male": 0.5}, "age_band": {"15-24": 3, "65+": 1}}}
    margins = weights.margins_from_metadata(meta)
    assert margins["gender"] == {"female": 0.5, "male": 0.5} and margins["age_band"] == {"15-24": 3.0, "65+": 1.0}
    meta.raw["population_margins"] = {"gender": {"femme": 1}}
    with pytest.raises(ValueError, match="unknown categories"):
        weights.margins_from_metadata(meta)
    meta.raw["population_margins"] = {"religion": {"a": 1}}
    with pytest.raises(ValueError, match="not a column"):
        weights.margins_from_metadata(meta)
    meta.raw["population_margins"] = {"gender": {"female": "half"}}
    with pytest.raises(ValueError, match="non-negative"):
        weights.margins_from_metadata(meta)


# --------------------------------------------------------------------------- weights feed the perception functions


@pytest.fixture(scope="module")
def survey(small_sample):
    a = load_assessment(small_sample)
    q = perception.ratings_frame(a, activity_id="questionnaire", aspect="performance", channels=["online", "offline"])
    return a, q


def test_weighted_scores_match_numpy_average(survey):
    a, q = survey
    people = weights.respondents(a, q)
    # Skew the gender margin so that the weights are far from 1.
    w = weights.rake(people, margins={"gender": {"female": 0.8, "male": 0.2}})
    rated = weights.add_weights(q, w)
    s = perception.scores(rated, weights="weight", n_resamples=200)
    for goal in ("G01", "G09"):
        one = rated[(rated.goal_id == goal) & rated.rating.notna()]
        expected = np.average(one["rating"], weights=one["weight"])
        assert s.loc[s.goal_id == goal, "mean"].item() == pytest.approx(expected, rel=1e-5)
        assert s.loc[s.goal_id == goal, "n"].item() == len(one)  # n stays the respondents
    assert "weight" in rated and rated.attrs.get("category_order") == q.attrs.get("category_order")


def test_weighted_comparison_side_by_side(survey):
    a, q = survey
    people = weights.respondents(a, q)
    w = weights.rake(people, margins={"gender": {"female": 0.8, "male": 0.2}})
    table = perception.weighted_comparison(q, w, n_resamples=200)
    assert len(table) == 24 and list(table["estimate"][:2]) == ["unweighted", "weighted"]
    assert list(table.columns[:5]) == ["goal_id", "goal_label", "dimension_id", "dimension_label", "estimate"]
    g01 = table[table.goal_id == "G01"].set_index("estimate")
    one = q[(q.goal_id == "G01") & q.rating.notna()]
    assert g01.loc["unweighted", "mean"] == pytest.approx(one["rating"].mean(), rel=1e-5)
    assert g01.loc["weighted", "mean"] == pytest.approx(np.average(one["rating"], weights=one["respondent_id"].map(w)), rel=1e-5)
    assert g01.loc["weighted", "n"] == g01.loc["unweighted", "n"]
    assert g01.loc["weighted", "n_effective"] < g01.loc["unweighted", "n_effective"]
    # Equal weights change nothing.
    flat = perception.weighted_comparison(q, pd.Series(1.0, index=people["respondent_id"]), n_resamples=200).pivot(index="goal_id", columns="estimate", values="mean")
    np.testing.assert_allclose(flat["weighted"], flat["unweighted"])
    text = perception.findings_weighted(table, w)
    assert "design effect" in text and "at most" in text


def test_add_weights_and_respondents_checks(survey):
    a, q = survey
    with pytest.raises(ValueError, match="twice"):
        weights.add_weights(q, pd.Series([1.0, 2.0], index=["x", "x"]))
    with pytest.raises(ValueError, match="Series"):
        weights.add_weights(q, {"x": 1.0})
    people = weights.respondents(a, q)
    assert people["respondent_id"].is_unique and set(people["respondent_id"]) == set(q["respondent_id"])
    assert not {"name", "phone", "email", "nik"} & set(people.columns)


def test_sample_is_drawn_in_proportion_to_area_populations(sample_dir):
    """The planted sample draws questionnaire areas in proportion to population, so raking
    to the areas barely changes anything: a design effect near 1 and the same weakest goal
    (G09, mobility, planted lowest)."""
    a = load_assessment(sample_dir)
    q = perception.ratings_frame(a, activity_id="questionnaire", aspect="performance", channels=["online", "offline"])
    margins = weights.margins_from_metadata(a.metadata)
    w = weights.rake(weights.respondents(a, q), margins=margins)
    assert w.attrs["raking"]["converged"]
    assert 1.0 <= weights.design_effect(w).deff < 1.05
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        table = perception.weighted_comparison(q, w, n_resamples=200)
    means = table.pivot(index="goal_id", columns="estimate", values="mean")
    assert means["weighted"].idxmin() == means["unweighted"].idxmin() == "G09"
    assert (means["weighted"] - means["unweighted"]).abs().max() < 0.05
    summary = weights.weight_summary(w)
    assert summary.loc[0, "n"] == q["respondent_id"].nunique() and bool(summary.loc[0, "converged"])


def test_rake_trims_weights_when_margins_are_inconsistent():
    # Every man lives in "n" (no man in "s"), so a gender margin of 80% men cannot be met
    # with an area margin of 50/50. Untrimmed, raking drives the weights of the women in
    # "n" towards 0 without bound (issue 13: 3e-121 to 3.2); trimmed (the default cap of
    # 5 times the mean weight; Izrael, Hoaglin & Battaglia 2000), they stay within
    # [mean / 5, mean * 5] and the cap is reported.
    people = pd.DataFrame({"respondent_id": [f"p{i}" for i in range(9)], "area": list("nnnnnssss"), "gender": list("fffmmffff")})
    margins = {"area": {"n": 0.5, "s": 0.5}, "gender": {"f": 0.2, "m": 0.8}}
    with pytest.warns(RuntimeWarning, match="no convergence"):
        wild = weights.rake(people, margins=margins, trim=None)
    assert wild.max() / wild.min() > 1e6
    with pytest.warns(RuntimeWarning) as record:
        w = weights.rake(people, margins=margins)
    assert any("trimmed" in str(r.message) for r in record) and any("no convergence" in str(r.message) for r in record)
    assert w.max() <= 5 * w.mean() * (1 + 1e-9) and w.min() >= w.mean() / 5 * (1 - 1e-9)
    assert w.attrs["raking"]["trim"] == 5.0 and w.attrs["raking"]["trimmed"] > 0
    summary = weights.weight_summary(w)
    assert summary.loc[0, "trim_cap"] == 5.0 and bool(summary.loc[0, "trimmed"])
    with pytest.raises(ValueError, match="trim"):
        weights.rake(people, margins=margins, trim=1)


def test_rake_trim_leaves_consistent_weights_alone():
    # The docstring example: weights well inside the cap, so trimming changes nothing.
    people = pd.DataFrame({"respondent_id": list("abcdef"), "area": list("nnnsss"), "gender": list("ffmfmm")})
    margins = {"area": {"n": 0.5, "s": 0.5}, "gender": {"f": 0.6, "m": 0.4}}
    trimmed, plain = weights.rake(people, margins=margins), weights.rake(people, margins=margins, trim=None)
    assert np.allclose(trimmed.to_numpy(), plain.to_numpy())
    assert trimmed.attrs["raking"]["trimmed"] == 0 and not weights.weight_summary(trimmed).loc[0, "trimmed"]


# A survey imported with its own design weights and strata (weights.survey_weights).
# Reference: Särndal, Swensson & Wretman (1992), Model Assisted Survey Sampling, section 7.6:
# calibrating design weights d_i to one known margin is post-stratification of the design
# weights, w_i = d_i * N_h / sum_{j in h} d_j; Deville & Särndal (1992), JASA 87, 376-382, for
# raking as calibration from design weights.

DESIGNED = pd.DataFrame({
    "respondent_id": list("abcdef"),
    "area": list("nnnsss"),
    "design_weight": [1.0, 2.0, 3.0, 1.0, 1.0, 4.0],
    "stratum": ["urban", "urban", "rural", "rural", "rural", "urban"],
})


def test_survey_weights_without_margins_keep_the_design_weights():
    w = weights.survey_weights(DESIGNED, margins={})
    d = DESIGNED["design_weight"].to_numpy()
    np.testing.assert_allclose(w.to_numpy(), d / d.mean())
    assert list(w.index) == list("abcdef")
    assert w.attrs["weighting"] == "design weights" and w.attrs["design"] is True and w.attrs["strata"] == 2


def test_survey_weights_calibrate_design_weights_to_a_margin_as_post_stratification():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the design weights here need no trimming
        w = weights.survey_weights(DESIGNED, margins={"area": {"n": 300, "s": 700}}, trim=None)
    d = DESIGNED.set_index("respondent_id")["design_weight"]
    share = {"n": 0.3, "s": 0.7}
    by_hand = pd.Series({r: d[r] * share[a] / d[DESIGNED.set_index("respondent_id")["area"] == a].sum()
                         for r, a in zip(DESIGNED["respondent_id"], DESIGNED["area"])})
    by_hand = by_hand / by_hand.mean()
    np.testing.assert_allclose(w.reindex(by_hand.index).to_numpy(), by_hand.to_numpy(), rtol=1e-9)
    # unlike raking from equal weights, which would give every respondent of an area the same weight
    assert w["a"] != pytest.approx(w["b"])
    assert w.attrs["weighting"] == "design weights raked"


def test_survey_weights_without_design_weights_is_raking():
    plain = DESIGNED.drop(columns=["design_weight", "stratum"])
    w = weights.survey_weights(plain, margins={"area": {"n": 300, "s": 700}})
    pd.testing.assert_series_equal(w, weights.rake(plain, margins={"area": {"n": 300, "s": 700}}, unmatched="drop", empty="drop"), check_like=True)
    assert w.attrs["weighting"] == "raking" and w.attrs["design"] is False and w.attrs["strata"] == 0


def test_survey_weights_refuse_a_survey_where_some_respondents_have_no_weight():
    gappy = DESIGNED.assign(design_weight=[1.0, None, 3.0, 1.0, None, 4.0])
    with pytest.raises(ValueError, match="2 of 6 respondents have no design weight"):
        weights.survey_weights(gappy, margins={})


def test_strata_summary_by_hand():
    w = pd.Series([1.0, 1.0, 2.0, 4.0, 1.0, 1.0], index=list("abcdef"))
    table = weights.strata_summary(DESIGNED, w).set_index("stratum")
    # urban: a, b, f -> weights 1, 1, 1; rural: c, d, e -> 2, 4, 1 (total 10)
    assert table.loc["urban", "n"] == 3 and table.loc["rural", "n"] == 3
    assert table.loc["rural", "weight_share"] == pytest.approx(0.7)
    assert table.loc["urban", "deff"] == pytest.approx(1.0)
    assert table.loc["rural", "deff"] == pytest.approx(3 * (4 + 16 + 1) / 49)  # Kish: n sum(w^2) / (sum w)^2
    assert weights.strata_summary(DESIGNED.drop(columns="stratum"), w).empty


def test_respondents_carry_the_surveys_weights_and_strata_only_when_imported(survey, tmp_path, small_sample):
    import shutil

    a, q = survey
    assert not {"design_weight", "stratum"} & set(weights.respondents(a, q).columns)
    folder = tmp_path / "weighted"
    shutil.copytree(small_sample, folder)
    people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(3)
    people["weight"] = [f"{x:.3f}" for x in rng.uniform(0.5, 3.0, len(people))]
    people["stratum"] = np.where(rng.uniform(size=len(people)) < 0.5, "urban", "rural")
    people.to_csv(folder / "participants.csv", index=False, lineterminator="\n")
    b = load_assessment(folder)
    qb = perception.ratings_frame(b, activity_id="questionnaire", aspect="performance", channels=["online", "offline"])
    carried = weights.respondents(b, qb).set_index("respondent_id")
    source = people.set_index("respondent_id")
    assert np.allclose(carried["design_weight"], source.loc[carried.index, "weight"].astype(float))
    assert (carried["stratum"] == source.loc[carried.index, "stratum"]).all()
    w = weights.survey_weights(carried.reset_index(), margins={})
    table = perception.weighted_comparison(qb, w, n_resamples=100)
    text = perception.findings_weighted(table, w)
    assert "own design weights" in text and "2 sampling strata" in text
    g01 = qb[(qb.goal_id == "G01") & qb.rating.notna()]
    weighted = table[(table.goal_id == "G01") & (table.estimate == "weighted")]["mean"].item()
    assert weighted == pytest.approx(np.average(g01["rating"], weights=g01["respondent_id"].map(source["weight"].astype(float))), rel=1e-5)


def test_add_weights_spreads_each_respondents_weight_over_their_ratings():
    # Categorical ids (as ratings_frame gives them) take the weight of their id; an id
    # without a weight and a rating without an id get NaN, as Series.map gives them.
    ids = pd.Categorical(["a", "b", None, "c", "a", "b"], categories=["a", "b", "c", "d"])
    q = pd.DataFrame({"respondent_id": ids, "rating": [1.0, 2.0, 3.0, 4.0, 5.0, 1.0]})
    w = pd.Series([0.5, 2.0, 7.0], index=["b", "a", "x"])
    out = weights.add_weights(q, w)
    np.testing.assert_array_equal(out["weight"].to_numpy(), [2.0, 0.5, np.nan, np.nan, 2.0, 0.5])
    as_text = weights.add_weights(q.astype({"respondent_id": object}), w)
    np.testing.assert_array_equal(out["weight"].to_numpy(), as_text["weight"].to_numpy())
    assert "weight" not in q.columns and out["weight"].dtype == np.float64


def test_a_margin_that_hides_an_area_publishes_none_of_its_weighted_shares():
    # One respondent in "north" (24% of the population) among 26: raking wants a weight of
    # 6.2 times the mean, the cap stops it at 5, so north's weighted share is 1 * 5 / 26
    # and gives its one respondent back (n and the cap are published in the design effect).
    # Hiding that share alone is not enough: the shares of a margin add up to 1.
    from pra_lib.perception.weighting import withhold_weighted_shares
    from pra_lib.publishing.disclosure import suppress

    people = pd.DataFrame({"respondent_id": [f"p{i}" for i in range(26)], "area": ["north"] + ["south"] * 12 + ["east"] * 13})
    margins = {"area": {"north": 0.24, "south": 0.38, "east": 0.38}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # trimmed: the cap is reached
        w = weights.rake(people, margins=margins)
    data = weights.margin_table(people, w, margins=margins)
    north = data.set_index("category").loc["north"]
    assert north["weighted_share"] < north["population_share"] and round(north["weighted_share"] * 26 / 5, 3) == 1.0
    options = dict(count="n", min_cell_size=5, dims=["method", "variable", "category"], columns=["sample_share", "weighted_share"])
    published = suppress(data, **options)
    assert published["suppressed"].astype(bool).sum() >= 2, "north and a complementary area are hidden"
    shown = published.loc[~published["suppressed"].astype(bool), "weighted_share"]
    assert shown.notna().all(), "without the margin rule the shown areas keep their shares (and their sum gives the hidden ones back)"
    out = suppress(withhold_weighted_shares(data, published=published), **options)
    assert out["weighted_share"].isna().all() and pd.api.types.is_float_dtype(out["weighted_share"])
    assert out["population_share"].tolist() == data["population_share"].tolist()
    assert out["suppressed"].tolist() == published["suppressed"].tolist(), "the same areas are hidden"
    assert data.loc[0, "weighted_share"] == north["weighted_share"], "the input is not modified"
    # A margin that hides nothing keeps its weighted shares.
    kept = withhold_weighted_shares(data, published=data.assign(suppressed=False))
    assert kept["weighted_share"].tolist() == data["weighted_share"].tolist()
    with pytest.raises(KeyError, match="suppressed"):
        withhold_weighted_shares(data, published=data)


def test_hidden_areas_and_people_with_no_area_weigh_as_one_cell():
    # Post-stratification by hand: 6 respondents in north (half the population), 3 in south
    # (30%), 1 on the isle (20%) and 1 with no area. The margins table hides the isle, south
    # and the person with no area: their weighting cell holds 5 of the 11 respondents and 50%
    # of the population, so each of them weighs 0.5 / (5 / 11) = 1.1, and north 0.5 / (6 / 11) = 11/12.
    from pra_lib.perception.weighting import NO_VALUE, POOLED, provisional_margins, weighting_cells

    people = pd.DataFrame({"respondent_id": [f"p{i}" for i in range(11)], "area": ["north"] * 6 + ["south"] * 3 + ["isle", None]})
    margins = {"area": {"north": 500, "south": 300, "isle": 200}}
    first = provisional_margins(people, margins=margins)
    assert first["category"].tolist() == ["north", "south", "isle", NO_VALUE] and first["n"].tolist() == [6, 3, 1, 1]
    published = first.assign(suppressed=[False, True, True, True])
    cells = weighting_cells(people, margins=margins, published=published)
    assert cells.pooled == {"area": sorted(["isle", NO_VALUE, "south"])}
    assert cells.margins == {"area": {"north": 500, POOLED: 500.0}}
    assert people["area"].iloc[-2] == "isle" and pd.isna(people["area"].iloc[-1]), "the input is not modified"
    w = weights.survey_weights(cells.respondents, margins=cells.margins)
    np.testing.assert_allclose(w.to_numpy(), [11 / 12] * 6 + [1.1] * 5)
    # So a weighted mean is the same for every split of the hidden respondents and their
    # ratings that keeps the hidden total: it gives no split back.
    ratings = np.array([3, 3, 4, 2, 3, 5, 1, 2, 2, 5, 4], dtype=float)
    moved = ratings.copy()
    moved[6:] = moved[6:][::-1]
    assert np.average(ratings, weights=w) == pytest.approx(np.average(moved, weights=w), rel=1e-15)
    # A margins table that hides nothing, or none, leaves the cells as collected (no area: no weight).
    for shown in (first.assign(suppressed=False), None):
        same = weighting_cells(people, margins=margins, published=shown)
        assert same.pooled == {} and same.respondents is people and same.margins == margins
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the person with no area gets no weight
            plain = weights.survey_weights(same.respondents, margins=same.margins)
        assert np.isnan(plain.iloc[-1]) and plain.iloc[6] != pytest.approx(plain.iloc[9])
    with pytest.raises(KeyError, match="suppressed"):
        weighting_cells(people, margins=margins, published=first)


def test_design_effect_stays_published_when_everyone_has_a_weight():
    from pra_lib.perception.weighting import NO_VALUE, rows_hidden_with_unweighted

    margins = pd.DataFrame({"method": ["raking"] * 2, "variable": ["area"] * 2, "category": ["north", NO_VALUE], "n": [24, None], "suppressed": [False, True]})
    design = pd.DataFrame({"method": ["raking"], "n": [27]})
    assert rows_hidden_with_unweighted(design, margins=margins).tolist() == [True]
    assert rows_hidden_with_unweighted(design, margins=margins, weights=pd.Series([1.0, np.nan])).tolist() == [True]
    assert rows_hidden_with_unweighted(design, margins=margins, weights=pd.Series([1.0, 0.5])).tolist() == [False]


def test_a_goal_hidden_in_cells_that_weigh_differently_hides_its_comparison():
    # Two areas hidden for G02 only (a table by area may hide more than the margins): north
    # weighs 0.8 and south 1.6, so G02's weighted mean is a second, differently weighted sum
    # of their answers and would give each back with the goal's total. G01 hides nothing;
    # G03 hides south and the person with no area, who weigh alike in one pooled cell.
    from pra_lib.perception.weighting import rows_weighted_apart
    from pra_lib.publishing.disclosure_plan import CITYWIDE

    people = pd.DataFrame({"respondent_id": list("abcdef"), "area": ["north"] * 3 + ["south", "south", None]})
    w = pd.Series([0.8, 0.8, 0.8, 1.6, 1.6, 1.6], index=list("abcdef"))
    shown = pd.DataFrame({"goal_id": ["G01"] * 3 + ["G02"] * 3 + ["G03"] * 3, "area": ["north", "south", CITYWIDE] * 3,
                          "suppressed": [False] * 3 + [True, True, False] + [False, True, True], "answers_withheld": False})
    comparison = pd.DataFrame({"goal_id": ["G01", "G01", "G02", "G02", "G03", "G03"], "estimate": ["unweighted", "weighted"] * 3})
    assert rows_weighted_apart(comparison, published=shown, people=people, weights=w).tolist() == [False, False, True, True, False, False]
    # A person with no weight differs from any weight; withheld answers count as hidden.
    unweighted = w.copy()
    unweighted["f"] = np.nan
    assert rows_weighted_apart(comparison, published=shown, people=people, weights=unweighted).tolist() == [False, False, True, True, True, True]
    withheld = shown.assign(suppressed=False, answers_withheld=[False] * 3 + [True, True, False] + [False] * 3)
    assert rows_weighted_apart(comparison, published=withheld, people=people, weights=w).tolist() == [False, False, True, True, False, False]
