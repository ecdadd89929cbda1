"""Tests of ``pra_lib.seminar``: support, the seminar ranking, consensus and changes.

Hand-computed fixtures say in a comment how each expected value was obtained. Kendall's W
is checked on perfect agreement (W = 1), on the published untied ProofWiki example also used
in tests/test_stats.py (W = 1/16) and on a small tied case computed by hand. The last tests
check the planted structure of the bundled sample (data/sample/README.md, "seminar": FA2
preparedness and FA3 water get the most support; community participants rank FA5 social
cohesion higher than others do).
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from pra_lib import seminar as sem
from pra_lib.seminar.votes import _VOTE_COLUMNS
from pra_lib.assessment.loading import load_assessment
from pra_lib.publishing.disclosure import suppress

NA = np.nan


def _votes(rows, columns=("respondent_id", "stakeholder_group", "focus_area_id", "support", "rank")):
    frame = pd.DataFrame(rows, columns=list(columns))
    for col in ("support", "rank"):
        if col in frame:
            frame[col] = frame[col].astype(float)
    return frame


def _ballots(matrix, fas=("FA1", "FA2", "FA3"), group="government"):
    """Votes from a focus areas x participants matrix of ranks (support left empty)."""
    rows = []
    for j in range(len(matrix[0])):
        for i, fa in enumerate(fas):
            rows.append((f"P{j}", group, fa, NA, matrix[i][j]))
    return _votes(rows)


@pytest.fixture(scope="module")
def sample_votes(sample_dir):
    return sem.votes_frame(load_assessment(sample_dir))


# ---------------------------------------------------------------------------
# votes_frame
# ---------------------------------------------------------------------------


def test_votes_frame_joins_groups_and_names_without_personal_columns(sample_votes):
    assert list(sample_votes.columns) == _VOTE_COLUMNS
    assert not {"name", "phone", "email", "nik", "organisation"} & set(sample_votes.columns)
    # The sample has 100 seminar participants voting on the five selected focus areas.
    assert sample_votes["respondent_id"].nunique() == 100 and len(sample_votes) == 500
    assert sample_votes["stakeholder_group"].notna().all()
    fa5 = sample_votes[sample_votes["focus_area_id"] == "FA5"]
    assert set(fa5["focus_area"]) == {"Social cohesion"} and set(fa5["focus_area_name_id"]) == {"Kohesi sosial"}
    assert sample_votes.attrs["category_order"]["stakeholder_group"] == ["government", "academia", "private", "community"]


def test_votes_frame_unknown_activity_raises(sample_dir):
    with pytest.raises(ValueError, match="unknown activity"):
        sem.votes_frame(load_assessment(sample_dir), activity_id="no_such_seminar")


def test_votes_frame_other_activity_is_empty_with_warning(sample_dir):
    with pytest.warns(RuntimeWarning, match="no seminar votes"):
        votes = sem.votes_frame(load_assessment(sample_dir), activity_id="questionnaire")
    assert votes.empty and list(votes.columns) == _VOTE_COLUMNS


# ---------------------------------------------------------------------------
# Support
# ---------------------------------------------------------------------------


def test_support_hand_computed():
    # FA1: answers 5, 4, 2, 3 and one missing -> n = 4, mean 14/4 = 3.5, supporting (4-5)
    # 2/4, neutral 1/4, opposing (1-2) 1/4. FA2: 4, 4, 4, 4 -> mean 4, all supporting; the
    # interval does not collapse. Mean: the variance floor mixes the four 4s with half an
    # answer at 1..5 (weight 6.5, mean 23.5/6.5, variance 6.538/6.5 = 1.00592), so the t
    # interval is 4 - t(0.975, 3) * sqrt(1.00592 / 4) = 4 - 3.18245 * 0.50148 = 2.4041,
    # clipped to 5 above. Share: Clopper-Pearson for 4 of 4 is [0.025 ** (1/4), 1] = [0.3976, 1].
    votes = _votes([
        ("a", "government", "FA1", 5, NA), ("b", "government", "FA1", 4, NA), ("c", "community", "FA1", 2, NA),
        ("d", "community", "FA1", 3, NA), ("e", "community", "FA1", NA, NA),
        ("a", "government", "FA2", 4, NA), ("b", "government", "FA2", 4, NA), ("c", "community", "FA2", 4, NA),
        ("d", "community", "FA2", 4, NA),
    ])
    out = sem.support(votes, n_resamples=500, seed=1).set_index("focus_area_id")
    assert out.loc["FA1", ["n", "mean", "share_support", "share_neutral", "share_oppose"]].tolist() == [4, 3.5, 0.5, 0.25, 0.25]
    assert out.loc["FA1", "mean_ci_low"] <= 3.5 <= out.loc["FA1", "mean_ci_high"]
    assert out.loc["FA1", "mean_ci_low"] < out.loc["FA1", "mean_ci_high"]
    assert out.loc["FA1", "share_support_ci_low"] <= 0.5 <= out.loc["FA1", "share_support_ci_high"]
    assert out.loc["FA2", ["mean", "mean_ci_high", "share_support", "share_support_ci_high"]].tolist() == [4.0, 5.0, 1.0, 1.0]
    assert out.loc["FA2", "mean_ci_low"] == pytest.approx(2.4041, abs=1e-4)
    assert out.loc["FA2", "share_support_ci_low"] == pytest.approx(0.025 ** 0.25, abs=1e-6)


def test_support_warns_instead_of_silencing_degenerate_cells():
    # One answer: a share still has its Clopper-Pearson interval [0.025, 1] (x = 1 of 1),
    # a mean has none, and the library says why instead of hiding it.
    votes = _votes([("a", "government", "FA1", 5, NA)])
    with pytest.warns(RuntimeWarning, match="single answer"):
        out = sem.support(votes).set_index("focus_area_id")
    assert np.isnan(out.loc["FA1", "mean_ci_low"]) and np.isnan(out.loc["FA1", "mean_ci_high"])
    assert out.loc["FA1", "share_support_ci_low"] == pytest.approx(0.025, abs=1e-6)
    assert out.loc["FA1", "share_support_ci_high"] == 1.0


def test_support_by_group_lists_every_cell_and_empty_cells_have_n_zero():
    # Government: FA1 5, 4 -> mean 4.5; community: FA1 2 -> mean 2, opposing 1/1;
    # community did not answer FA2 -> n = 0, NaN.
    votes = _votes([
        ("a", "government", "FA1", 5, NA), ("b", "government", "FA1", 4, NA), ("c", "community", "FA1", 2, NA),
        ("a", "government", "FA2", 3, NA), ("b", "government", "FA2", 3, NA), ("c", "community", "FA2", NA, NA),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = sem.support(votes, by="stakeholder_group", n_resamples=200)
    assert len(out) == 4 and "group_label" in out
    cell = out.set_index(["stakeholder_group", "focus_area_id"])
    assert cell.loc[("government", "FA1"), "mean"] == 4.5
    assert cell.loc[("community", "FA1"), ["n", "mean", "share_oppose"]].tolist() == [1, 2.0, 1.0]
    assert cell.loc[("community", "FA2"), "n"] == 0 and np.isnan(cell.loc[("community", "FA2"), "mean"])


def test_support_is_reproducible_with_a_seed(sample_votes):
    a = sem.support(sample_votes, n_resamples=300, seed=7)
    b = sem.support(sample_votes, n_resamples=300, seed=7)
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------------------
# Seminar ranking
# ---------------------------------------------------------------------------


def test_seminar_ranking_by_mean_rank_hand_computed():
    # Ballots (FA1, FA2, FA3): a (1, 2, 3), b (2, 1, 3), c (1, 2, 3).
    # Mean ranks: FA1 (1+2+1)/3 = 4/3, FA2 (2+1+2)/3 = 5/3, FA3 3. Shares first: FA1 2/3,
    # FA2 1/3. Borda (k = 3, points 3 - rank): FA1 2+1+2 = 5, FA2 1+2+1 = 4, FA3 0.
    out = sem.seminar_ranking(_ballots([[1, 2, 1], [2, 1, 2], [3, 3, 3]]))
    assert out["focus_area_id"].tolist() == ["FA1", "FA2", "FA3"]
    assert out["rank"].tolist() == [1, 2, 3]
    assert out["mean_rank"].tolist() == pytest.approx([4 / 3, 5 / 3, 3])
    assert out["share_first"].tolist() == pytest.approx([2 / 3, 1 / 3, 0])
    assert out["borda"].tolist() == [5, 4, 0]
    assert set(out["ranked_by"]) == {"mean rank"} and out["n"].tolist() == [3, 3, 3]


def test_seminar_ranking_ties_share_the_smaller_rank():
    # Ballots (FA1, FA2, FA3): a (1, 2, 3), b (2, 1, 3): FA1 and FA2 both have mean rank 1.5,
    # so they share rank 1 and FA3 is 3rd (competition ranking "1, 1, 3"). Borda: 3, 3, 0.
    for method in ("mean_rank", "borda"):
        out = sem.seminar_ranking(_ballots([[1, 2], [2, 1], [3, 3]]), method=method)
        assert out["rank"].tolist() == [1, 1, 3]
        assert out["focus_area_id"].tolist() == ["FA1", "FA2", "FA3"]
    assert out["borda"].tolist() == [3, 3, 0] and set(out["ranked_by"]) == {"Borda count"}


def test_seminar_ranking_borda_differs_from_mean_rank_on_partial_ballots():
    # a ranks FA1 1st only; b, c rank (FA2, FA1) 1st, 2nd. k = 2 areas ranked.
    # Mean rank: FA1 (1+2+2)/3 = 5/3, FA2 1 -> FA2 first. Borda (2 - rank): FA1 1+0+0 = 1,
    # FA2 1+1 = 2 -> FA2 first as well; with a 4th ballot ranking FA1 first, Borda ties 2-2
    # while the mean rank of FA1 is (1+2+2+1)/4 = 1.5 > 1.
    votes = _votes([("a", "g", "FA1", NA, 1), ("b", "g", "FA1", NA, 2), ("b", "g", "FA2", NA, 1),
                    ("c", "g", "FA1", NA, 2), ("c", "g", "FA2", NA, 1), ("d", "g", "FA1", NA, 1)])
    mean = sem.seminar_ranking(votes).set_index("focus_area_id")
    borda = sem.seminar_ranking(votes, method="borda").set_index("focus_area_id")
    assert mean.loc["FA2", "rank"] == 1 and mean.loc["FA1", "rank"] == 2
    assert borda.loc["FA1", "borda"] == 2 and borda.loc["FA2", "borda"] == 2
    assert borda["rank"].tolist() == [1, 1]


def test_seminar_ranking_without_ranks_falls_back_to_support():
    votes = _votes([("a", "g", "FA1", 3, NA), ("a", "g", "FA2", 5, NA), ("b", "g", "FA1", 2, NA), ("b", "g", "FA2", 4, NA)])
    with pytest.warns(RuntimeWarning, match="nobody ranked"):
        out = sem.seminar_ranking(votes)
    # Mean support FA2 4.5 > FA1 2.5.
    assert out["focus_area_id"].tolist() == ["FA2", "FA1"] and out["rank"].tolist() == [1, 2]
    assert set(out["ranked_by"]) == {"mean support"} and out["n_ranked"].tolist() == [0, 0]


def test_seminar_ranking_bad_method():
    with pytest.raises(ValueError, match="method"):
        sem.seminar_ranking(_ballots([[1, 2], [2, 1]], fas=("FA1", "FA2")), method="copeland")


def test_rank_distribution_hand_computed():
    # Ballots (FA1, FA2, FA3): a (1, 2, 3), b (2, 1, 3), c (1, 2, 3):
    # FA1 is 1st for 2 of 3, 2nd for 1 of 3; FA3 is 3rd for all three.
    out = sem.rank_distribution(_ballots([[1, 2, 1], [2, 1, 2], [3, 3, 3]]))
    assert len(out) == 9 and set(out["n"]) == {3}
    fa1 = out[out["focus_area_id"] == "FA1"]
    assert fa1["count"].tolist() == [2, 1, 0] and fa1["share"].tolist() == pytest.approx([2 / 3, 1 / 3, 0])
    assert out[out["focus_area_id"] == "FA3"]["count"].tolist() == [0, 0, 3]


# ---------------------------------------------------------------------------
# Consensus (Kendall's W)
# ---------------------------------------------------------------------------


def test_consensus_perfect_agreement_is_one():
    # Every participant ranks FA1 < FA2 < FA3: S is maximal, W = 1.
    out = sem.consensus(_ballots([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]]), by=None)
    row = out.iloc[0]
    assert row["w"] == pytest.approx(1.0) and row["n"] == 4 and row["n_focus_areas"] == 3
    # chi2 = m (n - 1) W = 4 * 2 * 1 = 8 on 2 dof.
    assert row["chi2"] == pytest.approx(8.0) and row["dof"] == 2
    assert row["agreement"] == "unusually strong"


def test_consensus_published_untied_example():
    """ProofWiki, "Kendall's Coefficient of Concordance/Examples/Arbitrary Example 1": 3
    competitors ranked by 4 judges, W = 1/16 (the example in tests/test_stats.py)."""
    out = sem.consensus(_ballots([[1, 1, 2, 3], [3, 2, 3, 1], [2, 3, 1, 2]]), by=None)
    assert out["w"].iloc[0] == pytest.approx(1 / 16, abs=1e-6)
    # chi2 = m (n - 1) W = 4 * 2 / 16 = 0.5.
    assert out["chi2"].iloc[0] == pytest.approx(0.5, abs=1e-6)
    assert out["agreement"].iloc[0] == "very weak"


def test_consensus_tie_corrected_hand_computed():
    # Two participants, three areas: a gives ranks (1, 2, 3), b gives (1, 2.5, 2.5) (a tie).
    # Rank sums 2, 4.5, 5.5, mean 4 -> S = 4 + 0.25 + 2.25 = 6.5. T = 2^3 - 2 = 6.
    # W = 12 S / (m^2 (n^3 - n) - m T) = 78 / (4 * 24 - 2 * 6) = 78 / 84.
    out = sem.consensus(_ballots([[1, 1], [2, 2.5], [3, 2.5]]), by=None)
    assert out["w"].iloc[0] == pytest.approx(78 / 84, abs=1e-6)


def test_consensus_per_group_and_incomplete_ballots():
    # Government agree perfectly (W = 1); community reverse each other (a: 1,2,3; b: 3,2,1):
    # rank sums 4, 4, 4 -> S = 0, W = 0. e ranked only FA1: left out by default.
    gov = _ballots([[1, 1], [2, 2], [3, 3]], group="government")
    com = _ballots([[1, 3], [2, 2], [3, 1]], group="community").assign(respondent_id=lambda d: "C" + d["respondent_id"])
    partial = _votes([("e", "community", "FA1", NA, 1)])
    votes = pd.concat([gov, com, partial], ignore_index=True)
    out = sem.consensus(votes).set_index("scope", drop=False)
    groups = out[out["scope"] == "stakeholder_group"].set_index("stakeholder_group")
    assert groups.loc["government", "w"] == pytest.approx(1.0)
    assert groups.loc["community", "w"] == pytest.approx(0.0)
    assert groups.loc["community", "n"] == 2 and groups.loc["community", "n_incomplete"] == 1
    overall = out[out["scope"] == "all participants"].iloc[0]
    assert overall["n"] == 4 and overall["n_incomplete"] == 1 and overall["group_label"] == "All participants"
    # tie_last keeps e, whose FA2 and FA3 tie below FA1.
    kept = sem.consensus(votes, by=None, incomplete="tie_last")
    assert kept["n"].iloc[0] == 5 and kept["n_incomplete"].iloc[0] == 0


def test_consensus_p_values_are_adjusted_across_the_table():
    # The overall row and each group row are separate chi-squared tests shown in one table:
    # Holm (1979) across them by default (stats.p_adjust, checked against R p.adjust), the
    # raw p-values on request.
    gov = _ballots([[1, 1, 1, 2], [2, 2, 3, 1], [3, 3, 2, 3]], group="government")
    com = _ballots([[1, 2, 1, 1], [2, 1, 2, 3], [3, 3, 3, 2]], group="community").assign(respondent_id=lambda d: "C" + d["respondent_id"])
    out = sem.consensus(pd.concat([gov, com], ignore_index=True))
    assert (out["p_adjust"] == "holm").all()
    from pra_lib import stats

    assert out["pvalue_adj"].to_numpy() == pytest.approx(stats.p_adjust(out["pvalue"].to_numpy(dtype=float), method="holm"), abs=1e-6)
    assert (out["pvalue_adj"] >= out["pvalue"]).all() and (out["pvalue_adj"] > out["pvalue"]).any()
    raw = sem.consensus(pd.concat([gov, com], ignore_index=True), p_adjust="none")
    assert raw["pvalue_adj"].to_numpy() == pytest.approx(raw["pvalue"].to_numpy())
    with pytest.raises(ValueError, match="p_adjust"):
        sem.consensus(gov, p_adjust="sidak")


@pytest.mark.parametrize("w, label", [(0.0, "very weak"), (0.29, "very weak"), (0.3, "weak"), (0.5, "moderate"),
                                      (0.69, "moderate"), (0.7, "strong"), (0.9, "unusually strong"), (NA, "undefined")])
def test_consensus_level_schmidt_bands(w, label):
    # Schmidt (1997): 0.1 very weak, 0.3 weak, 0.5 moderate, 0.7 strong, 0.9 unusually strong.
    assert sem.consensus_level(w) == label


def test_consensus_bad_option():
    with pytest.raises(ValueError, match="incomplete"):
        sem.consensus(_ballots([[1], [2]], fas=("FA1", "FA2")), incomplete="impute")


# ---------------------------------------------------------------------------
# Changes against the working session
# ---------------------------------------------------------------------------


def test_seminar_changes_hand_built_session():
    # Session ranks FA1..FA4 and FA6; the seminar ranks FA2, FA1, FA3, FA4 and FA5 (not in the
    # session). Shared areas FA1-FA4: session order 1 FA1, 2 FA2, 3 FA3, 4 FA4; seminar order
    # 1 FA2, 2 FA1, 3 FA3 = FA4 (tie, both 3). shift = session - seminar:
    # FA2 2-1 = +1 up, FA1 1-2 = -1 down, FA3 3-3 = 0, FA4 4-3 = +1 up.
    seminar = pd.DataFrame({"focus_area_id": ["FA2", "FA1", "FA3", "FA4", "FA5"], "rank": [1, 2, 3, 3, 5],
                            "focus_area": ["Preparedness", "Governance", "Water", "Mobility", "Cohesion"]})
    session = pd.DataFrame({"focus_area_id": ["FA1", "FA6", "FA2", "FA3", "FA4"], "rank": [1, 2, 3, 4, 5]})
    out = sem.seminar_changes(seminar, session).set_index("focus_area_id")
    assert out.loc["FA2", ["session_rank", "seminar_rank", "session_rank_shared", "seminar_rank_shared", "shift", "change"]].tolist() == [3, 1, 2, 1, 1, "moved up"]
    assert out.loc["FA1", ["shift", "change"]].tolist() == [-1, "moved down"]
    assert out.loc["FA3", ["shift", "change"]].tolist() == [0, "unchanged"]
    assert out.loc["FA4", ["shift", "change"]].tolist() == [1, "moved up"]
    assert out.loc["FA5", "change"] == "not in session ranking" and np.isnan(out.loc["FA5", "shift"])
    assert out.loc["FA6", "change"] == "not ranked at seminar"
    assert out.loc["FA2", "focus_area"] == "Preparedness" and out.loc["FA6", "focus_area"] == "FA6"
    # Sorted by seminar rank, areas the seminar did not rank last.
    assert list(out.index) == ["FA2", "FA1", "FA3", "FA4", "FA5", "FA6"]


def test_seminar_changes_rejects_a_ranking_by_group(sample_votes):
    by_group = sem.seminar_ranking(sample_votes, by="stakeholder_group")
    session = pd.DataFrame({"focus_area_id": ["FA1", "FA2"], "rank": [1, 2]})
    with pytest.raises(ValueError, match="several rows"):
        sem.seminar_changes(by_group, session)
    with pytest.raises(ValueError, match="lacks"):
        sem.seminar_changes(sem.seminar_ranking(sample_votes), session.rename(columns={"rank": "position"}))


# ---------------------------------------------------------------------------
# Degenerate inputs
# ---------------------------------------------------------------------------


def test_no_votes_gives_defined_output():
    empty = _votes([])
    sup = sem.support(empty, n_resamples=100)
    assert sup.empty and "share_support" in sup
    assert sem.seminar_ranking(empty).empty
    assert sem.rank_distribution(empty).empty
    cons = sem.consensus(empty)
    assert len(cons) == 1 and np.isnan(cons["w"].iloc[0]) and cons["agreement"].iloc[0] == "undefined" and cons["n"].iloc[0] == 0
    text = sem.findings_seminar(sup, consensus_table=cons, ranking=sem.seminar_ranking(empty))
    assert "No focus area has enough support answers" in text and "undefined" in text


def test_one_participant_gives_nan_w_and_a_ranking():
    votes = _votes([("a", "g", "FA1", 5, 1), ("a", "g", "FA2", 2, 2)])
    cons = sem.consensus(votes, by=None)
    assert cons["n"].iloc[0] == 1 and np.isnan(cons["w"].iloc[0])
    assert sem.seminar_ranking(votes)["focus_area_id"].tolist() == ["FA1", "FA2"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sup = sem.support(votes, n_resamples=100)
    assert sup["n"].tolist() == [1, 1]


def test_nobody_ranked_gives_defined_output():
    votes = _votes([("a", "g", "FA1", 5, NA), ("a", "g", "FA2", 2, NA), ("b", "g", "FA1", 4, NA), ("b", "g", "FA2", 4, NA)])
    with pytest.warns(RuntimeWarning, match="nobody ranked"):
        cons = sem.consensus(votes, by=None)
    assert np.isnan(cons["w"].iloc[0]) and cons["n_focus_areas"].iloc[0] == 0
    assert sem.rank_distribution(votes).empty
    fig = sem.rank_distribution_figure(sem.rank_distribution(votes))
    assert "Nobody ranked" in fig.axes[0].texts[0].get_text()


# ---------------------------------------------------------------------------
# Planted structure of the sample
# ---------------------------------------------------------------------------


def test_sample_fa2_and_fa3_get_the_most_support(sample_votes):
    sup = sem.support(sample_votes, n_resamples=500, seed=2017)
    top2 = sup.sort_values("mean", ascending=False)["focus_area_id"].head(2)
    assert set(top2) == {"FA2", "FA3"}
    ranking = sem.seminar_ranking(sample_votes)
    assert set(ranking[ranking["rank"] <= 2]["focus_area_id"]) == {"FA2", "FA3"}
    # The planted effect is also visible in consensus: rankings agree beyond chance.
    assert sem.consensus(sample_votes, by=None)["pvalue"].iloc[0] < 0.05


def test_sample_community_ranks_social_cohesion_higher(sample_votes):
    by_group = sem.seminar_ranking(sample_votes, by="stakeholder_group")
    fa5 = by_group[by_group["focus_area_id"] == "FA5"].set_index("stakeholder_group")
    others = fa5.drop(index="community")
    assert (fa5.loc["community", "mean_rank"] < others["mean_rank"]).all()
    assert (fa5.loc["community", "rank"] < others["rank"]).all()
    diff = sem.group_differences(sample_votes, value="rank").set_index("focus_area_id")
    assert bool(diff.loc["FA5", "significant"])
    assert diff.loc["FA5", "group_top"] == "Community and social organisations"


# ---------------------------------------------------------------------------
# Findings and figures
# ---------------------------------------------------------------------------


def test_findings_are_computed_from_the_results(sample_votes):
    sup = sem.support(sample_votes, n_resamples=300, seed=1)
    ranking = sem.seminar_ranking(sample_votes)
    session = pd.DataFrame({"focus_area_id": ["FA1", "FA2", "FA3", "FA4", "FA5"], "rank": [5, 4, 3, 2, 1]})
    text = sem.findings_seminar(sup, consensus_table=sem.consensus(sample_votes), ranking=ranking,
                                differences=sem.group_differences(sample_votes), changes=sem.seminar_changes(ranking, session))
    assert "Clean water" in text and "Kendall's W = " in text and "Social cohesion" in text
    assert "moved up" in text and "notebook 08" not in text
    without = sem.findings_seminar(sup)
    assert "notebook 08" in without
    # A suppressed table is never quoted.
    assert "No focus area has enough" in sem.findings_seminar(suppress(sup, min_cell_size=500))


def test_figures_draw_published_tables_with_suppressed_cells(sample_votes):
    import matplotlib.pyplot as plt

    sup = sem.support(sample_votes, n_resamples=200)
    by_group = sem.support(sample_votes, by="stakeholder_group", n_resamples=200)
    hidden = suppress(by_group, min_cell_size=16, dims=["focus_area_id", "stakeholder_group"])  # the private sector has 15
    assert (hidden["suppressed"] & hidden["n"].isna()).any()
    fig = sem.support_heatmap(hidden)
    assert any(t.get_text() == "suppressed" for t in fig.axes[0].texts)
    ranking = sem.seminar_ranking(sample_votes)
    session = pd.DataFrame({"focus_area_id": ["FA1", "FA2", "FA3", "FA4", "FA5", "FA6"], "rank": range(1, 7)})
    figs = [sem.support_figure(sup), sem.support_figure(suppress(sup, min_cell_size=500)),
            sem.rank_distribution_figure(sem.rank_distribution(sample_votes), ranking=ranking),
            sem.slope_figure(sem.seminar_changes(ranking, session)), fig]
    assert all(isinstance(f, matplotlib.figure.Figure) for f in figs)
    for f in figs:
        plt.close(f)


def test_findings_read_the_report_wide_adjustment(sample_votes):
    # Notebook 07 adjusts its three tables of tests together (Holm across the report): the
    # findings quote the adjusted p-value of Kendall's W and say the adjustment is report-wide.
    from pra_lib import stats

    tests = stats.adjust_family({
        "rank": sem.group_differences(sample_votes, value="rank"),
        "support": sem.group_differences(sample_votes, value="support"),
        "consensus": sem.consensus(sample_votes, by="stakeholder_group"),
    })
    m = sum(int(t["pvalue"].notna().sum()) for t in tests.values())
    assert all((t["family_size"] == m).all() for t in tests.values())
    pooled = np.concatenate([t["pvalue"].to_numpy(dtype=float) for t in tests.values()])
    got = np.concatenate([t["pvalue_adj"].to_numpy(dtype=float) for t in tests.values()])
    assert got == pytest.approx(stats.p_adjust(pooled, method="holm"), nan_ok=True)
    sup = sem.support(sample_votes, n_resamples=200, seed=1)
    # a consensus table whose overall W has raw p = 0.02 but report-wide adjusted p = 0.3
    cons = tests["consensus"].copy()
    overall = cons["scope"] == "all participants"
    cons.loc[overall, "pvalue"], cons.loc[overall, "pvalue_adj"] = 0.02, 0.3
    text = sem.findings_seminar(sup, consensus_table=cons, differences=tests["rank"])
    assert "adjusted p = 0.300" in text and "p = 0.020" not in text
    assert "unlikely to be chance" not in text  # the raw p-value no longer decides (W = 0.04 < 0.5)
    cons.loc[overall, "pvalue"], cons.loc[overall, "pvalue_adj"] = 0.3, 0.02
    assert "unlikely to be chance" in sem.findings_seminar(sup, consensus_table=cons)
    assert "report-wide Holm" in text
    per_table = sem.findings_seminar(sup, differences=sem.group_differences(sample_votes, value="rank"))
    assert "report-wide" not in per_table


# --- Ranks of a group that ranked alike (issue 11) -------------------------------------------

def _ranked_alike():
    """Every government member ranks FA5..FA1 as 1..5; the community's six spread their ballots."""
    fas = ["FA1", "FA2", "FA3", "FA4", "FA5"]
    rows = [(f"g{i}", "government", fa, 4.0, 5 - j) for i in range(6) for j, fa in enumerate(fas)]
    spread = [[1, 2, 3, 4, 5], [2, 3, 4, 5, 1], [3, 4, 5, 1, 2], [4, 5, 1, 2, 3], [5, 1, 2, 3, 4], [1, 3, 5, 2, 4]]
    rows += [(f"c{i}", "community", fa, 3.0, ranks[j]) for i, ranks in enumerate(spread) for j, fa in enumerate(fas)]
    votes = _votes(rows)
    votes["group_label"] = votes["stakeholder_group"].str.title()
    votes["focus_area"] = votes["focus_area_id"]
    return votes


def test_the_ranks_and_row_order_of_a_group_that_ranked_alike_are_withheld():
    """The reviewer's case: with every government ballot FA5, FA4, ..., FA1 all five focus
    areas are withheld, yet the group's ``rank`` column and its row order gave every ballot back."""
    from pra_lib.publishing.score_disclosure import withheld_groups

    votes = _ranked_alike()
    decided = withheld_groups(sem.rank_distribution(votes, by="stakeholder_group"), cells=["stakeholder_group", "focus_area_id"],
                              within=["focus_area_id"], category="position", coarsening=None, min_cell_size=5)
    gov = decided[decided["stakeholder_group"] == "government"]
    assert gov["answers_withheld"].all()
    ranking = sem.seminar_ranking(votes, by="stakeholder_group")
    assert ranking.loc[ranking["stakeholder_group"] == "government", "focus_area_id"].tolist() == ["FA5", "FA4", "FA3", "FA2", "FA1"]
    out = sem.withhold_ranks(ranking, decided, data=votes)
    g = out[out["stakeholder_group"] == "government"]
    assert g["rank"].isna().all() and g[["mean_rank", "median_rank", "share_first", "borda"]].isna().all().all()
    assert g["focus_area_id"].tolist() == ["FA1", "FA2", "FA3", "FA4", "FA5"], "withheld rows follow the focus areas, not the ranks"
    assert g["n_ranked"].tolist() == [6] * 5, "the n's stay published"
    c = out[out["stakeholder_group"] == "community"]
    published = c["answers_withheld"].astype(bool).eq(False)
    assert c.loc[published, "rank"].notna().all()
    assert out["stakeholder_group"].tolist() == ranking["stakeholder_group"].tolist(), "groups keep their order"
    assert ranking["rank"].notna().all(), "the input is not modified"


def test_kendalls_w_of_a_group_that_ranked_alike_is_withheld_in_the_table_and_the_findings():
    from pra_lib.publishing.score_disclosure import withheld_groups, withhold_tests

    votes = _ranked_alike()
    decided = withheld_groups(sem.rank_distribution(votes, by="stakeholder_group"), cells=["stakeholder_group", "focus_area_id"],
                              within=["focus_area_id"], category="position", coarsening=None, min_cell_size=5)
    table = sem.consensus(votes, by="stakeholder_group")
    assert table.loc[table["stakeholder_group"] == "government", "w"].iloc[0] == 1.0, "as published before: W = 1 gives every ballot back"
    out = withhold_tests(table, decided)
    gov = out[out["stakeholder_group"] == "government"].iloc[0]
    assert gov["test_withheld"] and pd.isna(gov["w"]) and pd.isna(gov["chi2"]) and pd.isna(gov["pvalue"]) and pd.isna(gov["pvalue_adj"])
    assert gov["n"] == 6
    overall = out[out["scope"] == "all participants"].iloc[0]
    assert not overall["test_withheld"] and overall["pvalue_adj"] == table.loc[table["scope"] == "all participants", "pvalue_adj"].iloc[0]
    support = sem.support(votes, n_resamples=200, seed=1)
    text = sem.findings_seminar(support, consensus_table=out, min_cell_size=5)
    assert "Government W" not in text and "1.00" not in text
    assert "Government W = 1.00" in sem.findings_seminar(support, consensus_table=table, min_cell_size=5), "the sentence the fix removes"


def _one_area_ranked_alike():
    """Twelve government ballots all put FA1 first and spread FA2-FA4 over 2-4; twelve
    community ballots spread every focus area over 1-4. Complete ballots of k = 4 areas."""
    from itertools import permutations

    fas = ["FA1", "FA2", "FA3", "FA4"]
    rows = []
    for i, perm in enumerate(list(permutations([2, 3, 4])) * 2):
        rows += [(f"g{i}", "government", fa, 4.0, r) for fa, r in zip(fas, (1, *perm))]
    for i in range(12):
        ranks = [(j + i) % 4 + 1 for j in range(4)]
        rows += [(f"c{i}", "community", fa, 3.0, r) for fa, r in zip(fas, ranks)]
    votes = _votes(rows)
    votes["group_label"] = votes["stakeholder_group"].str.title()
    votes["focus_area"] = votes["focus_area_id"]
    return votes


def _decided(votes):
    from pra_lib.publishing.score_disclosure import withheld_groups

    return withheld_groups(sem.rank_distribution(votes, by="stakeholder_group"), cells=["stakeholder_group", "focus_area_id"],
                           within=["focus_area_id"], category="position", coarsening=None, min_cell_size=5)


def test_a_lone_withheld_focus_area_is_not_the_groups_total_minus_its_published_ones():
    """With complete ballots a group's mean ranks over k areas add up to k(k+1)/2 (Borda counts
    to n k(k-1)/2, shares first to 1): one withheld area alone in its group was the total
    minus the published ones."""
    votes = _one_area_ranked_alike()
    decided = _decided(votes)
    first = decided.set_index(["stakeholder_group", "focus_area_id"])["withheld_as"]
    assert first[("government", "FA1")] == "primary" and first[("community", "FA1")] == "complementary"
    assert decided["answers_withheld"].sum() == 2, "as decided before: FA1 alone in each group"
    ranking = sem.seminar_ranking(votes, by="stakeholder_group")
    true = ranking.set_index(["stakeholder_group", "focus_area_id"])
    out = sem.withhold_ranks(ranking, decided, data=votes)
    for group, rows in out.groupby("stakeholder_group"):
        hidden = rows[rows["mean_rank"].isna()]
        assert len(hidden) != 1, f"{group}: one withheld focus area is the total minus the published ones"
        n = int(rows["n_ranked"].iloc[0])
        left = {"mean_rank": 4 * 5 / 2 - rows["mean_rank"].sum(), "borda": n * 4 * 3 / 2 - rows["borda"].sum(),
                "share_first": 1 - rows["share_first"].sum()}
        for col, value in left.items():
            # the total is known: what is left is the withheld areas' sum, never one of them alone
            assert np.isclose(value, sum(true.loc[(group, fa), col] for fa in hidden["focus_area_id"]))
        for fa in hidden["focus_area_id"]:
            # every mean rank is at least 1, so the sum of two or more is no withheld one's
            assert not np.isclose(left["mean_rank"], true.loc[(group, fa), "mean_rank"]), f"{group} {fa} mean rank recovered from the total"
    for fa, rows in out.groupby("focus_area_id"):
        assert rows["mean_rank"].isna().sum() != 1, f"{fa}: one withheld group is the area's mean rank minus the others"
    gov = out[out["stakeholder_group"] == "government"].set_index("focus_area_id")
    assert pd.isna(gov.loc["FA2", "mean_rank"]) and out.attrs["answers_withheld"][out.index[(out["stakeholder_group"] == "government") & (out["focus_area_id"] == "FA2")][0]] == "complementary"
    # A 2 x 2 rectangle left the withheld cells to the row totals, which the other focus areas'
    # small totals pinned (a review: at least 9 of 11 hidden people ranked FA1 first): a group
    # with a withheld focus area has all of them withheld.
    assert out["answers_withheld"].sum() == 8, "both groups, whole"
    assert out["n_ranked"].tolist() == [12] * 8, "the n's stay published"


def test_protect_rank_totals_marks_the_added_cells_complementary_and_keeps_the_input():
    table = pd.DataFrame({"stakeholder_group": ["gov"] * 3 + ["com"] * 3, "focus_area_id": ["FA1", "FA2", "FA3"] * 2,
                          "n_ranked": [9, 7, 8, 20, 30, 10]})
    groups = table.rename(columns={"n_ranked": "n"}).assign(answers_withheld=[True, False, False, True, False, False],
                                                            withheld_as=["primary", "", "", "complementary", "", ""])
    before = groups.copy()
    out = sem.protect_rank_totals(groups, table=table)
    # a group with a withheld focus area has them all withheld (their totals are known)
    assert out["withheld_as"].tolist() == ["primary", "complementary", "complementary", "complementary", "complementary", "complementary"]
    pd.testing.assert_frame_equal(groups, before)


def test_published_ranks_of_a_group_with_withheld_areas_do_not_count_them():
    """The gaps in a group's ranks told how many withheld focus areas came above each published
    one; a group's ranks are now published whole or not at all, so no gap is left."""
    votes = _one_area_ranked_alike()
    out = sem.withhold_ranks(sem.seminar_ranking(votes, by="stakeholder_group"), _decided(votes), data=votes)
    whole = 0
    for group, rows in out.groupby("stakeholder_group"):
        shown = rows[rows["rank"].notna()]
        assert len(shown) in (0, len(rows)), f"{group}: part of its ranks withheld"
        if len(shown):
            whole += 1
            expected = shown["mean_rank"].round(9).rank(method="min").astype(int).tolist()
            assert shown["rank"].astype(int).tolist() == expected and shown["rank"].min() == 1, group
    assert out["rank"].isna().any(), "the case withholds a group"
    # the ranks of a group with a withheld area are withheld with it: none is ranked among the published
    assert out.loc[out["stakeholder_group"] == "government", "rank"].isna().all()


# --- Kendall's W over all participants with a group's ranks withheld (issue 11) ---------------

def _ballot_votes(groups: dict[str, list[tuple[int, ...]]]) -> pd.DataFrame:
    return pd.DataFrame([{"respondent_id": f"{g}{i}", "stakeholder_group": g, "focus_area_id": fa, "rank": r, "support": 4}
                         for g, ballots in groups.items() for i, b in enumerate(ballots) for fa, r in zip(("FA1", "FA2", "FA3"), b)])


def test_everyones_w_tells_nothing_of_how_a_withheld_group_ranked_when_ballots_are_complete():
    """Kendall's W of all participants pools a withheld group's ballots with the others', but
    with complete ballots it is a function of the focus areas' rank sums, which the seminar's
    ranking publishes. Enumerated: of the 3,136 pairs of ballot sets the two withheld groups
    (government, withheld for ranking alike, and academia, its companion) could have cast
    (three ballots each, any of the six orders of three focus areas), the 46 that keep the
    published mean ranks all give the published W, although government ranks FA1 first
    anywhere from 0 to 3 times in them: W narrows nothing beyond the rank sums, so it stays
    published. With incomplete ballots left out of W (the mean ranks count them) it is
    withheld."""
    from itertools import combinations_with_replacement, permutations

    orders = list(permutations((1, 2, 3)))
    true = {"government": [(1, 2, 3), (1, 2, 3), (1, 3, 2)], "academia": [(2, 1, 3), (3, 2, 1), (1, 3, 2)],
            "community": [(3, 1, 2), (2, 3, 1), (1, 2, 3), (3, 2, 1), (2, 1, 3)]}
    votes = _ballot_votes(true)
    # government ranked FA1 first alike; academia is its companion (withheld_groups and
    # protect_rank_totals decide this in the report; here the decision is given)
    decided = pd.DataFrame([{"stakeholder_group": g, "focus_area_id": fa, "n": len(b), "answers_withheld": g != "community",
                             "withheld_as": {"government": "primary", "academia": "complementary"}.get(g, "")}
                            for g, b in true.items() for fa in ("FA1", "FA2", "FA3")])
    published = sem.consensus(votes, by="stakeholder_group").set_index("scope").loc["all participants", "w"]
    sums = sem.seminar_ranking(votes).set_index("focus_area_id")
    sums = (sums["mean_rank"] * sums["n_ranked"]).round().to_dict()  # whole numbers with complete ballots

    def rank_sums(groups):
        return {fa: float(sum(b[i] for ballots in groups.values() for b in ballots)) for i, fa in enumerate(("FA1", "FA2", "FA3"))}

    fits, firsts = [], set()
    sets = list(combinations_with_replacement(orders, 3))
    for gov in sets:
        for aca in sets:
            groups = {"government": list(gov), "academia": list(aca), "community": true["community"]}
            if rank_sums(groups) == sums:
                fits.append(groups)
                firsts.add(sum(b[0] == 1 for b in gov))
    assert len(sets) ** 2 == 3136 and len(fits) == 46 and firsts == {0, 1, 2, 3}
    ws = {round(sem.consensus(_ballot_votes(g), by="stakeholder_group").set_index("scope").loc["all participants", "w"], 6) for g in fits}
    assert ws == {published}, "every ballot set that keeps the published rank sums gives the published W"

    table = sem.consensus(votes, by="stakeholder_group")
    out = sem.withhold_consensus(table, decided).set_index("stakeholder_group", drop=False)
    assert out.loc[out["scope"] == "all participants", "w"].item() == published
    assert out.loc[["government", "academia"], "w"].isna().all() and out.loc["community", "w"] == table.set_index("stakeholder_group").loc["community", "w"]
    incomplete = table.assign(n_incomplete=np.where(table["scope"] == "all participants", 1, 0))
    assert sem.withhold_consensus(incomplete, decided).loc[0, ["w", "chi2", "pvalue", "agreement"]].isna().all()


def _everyone_alike(folder):
    """A copy of the sample seminar in which every participant ranks FA1 first (the others
    keep their order) and agrees strongly that FA2 should be a focus area."""
    votes = pd.read_csv(folder / "seminar_votes.csv", dtype=str)
    rank = pd.to_numeric(votes["rank"])
    first = votes["focus_area_id"] == "FA1"
    fa1_rank = rank.where(first).groupby(votes["respondent_id"]).transform("max")
    ranked = rank.notna() & fa1_rank.notna()
    new_rank = rank.where(~ranked, np.where(first, 1, np.where(rank < fa1_rank, rank + 1, rank)))
    votes["rank"] = new_rank.map(lambda r: "" if pd.isna(r) else str(int(r)))
    votes.loc[votes["focus_area_id"] == "FA2", "support"] = "5"
    votes.to_csv(folder / "seminar_votes.csv", index=False)


def test_the_overall_report_withholds_the_seminar_answers_the_seminar_report_withholds(tmp_path):
    """A disclosure review found 08 publishing the seminar's support, ranks and W straight from
    the votes while 07 withheld a focus area everyone ranked or answered alike: 08 gave back
    what 07 protects. Both now take one decision (seminar.seminar_withholding)."""
    import shutil
    from pathlib import Path

    from pra_lib.runner import run_reports

    folder = tmp_path / "alike"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "sample", folder)
    _everyone_alike(folder)
    summary = run_reports([folder], out=tmp_path / "out", only=["07_pra_seminar", "08_pra_overall"], jobs=2, progress=lambda line: None)
    assert summary.ok, [f"{r.notebook}: {r.error}" for r in summary.failed]
    root = next((tmp_path / "out").iterdir())

    def table(report, name):
        return pd.read_csv(root / report / "tables" / f"{name}.csv").set_index("focus_area_id")

    for seminar_report, overall in (("support", "seminar_support"), ("seminar_ranking", "seminar_ranking")):
        mine, theirs = table("07_pra_seminar", seminar_report), table("08_pra_overall", overall)
        for column in ("mean_support", "mean_rank", "rank", "borda", "share_first", "mean"):
            if column in mine and column in theirs:
                assert mine[column].isna().to_dict() == theirs[column].isna().to_dict(), (overall, column)
    ranking = table("08_pra_overall", "seminar_ranking")
    assert ranking.loc["FA1", ["rank", "mean_rank"]].isna().all(), "everyone ranked FA1 first"
    assert ranking[["mean_rank"]].isna().sum().iloc[0] >= 2, "with a companion: the mean ranks add up to a known total"
    assert pd.isna(table("08_pra_overall", "seminar_support").loc["FA2", "mean"]), "everyone agreed strongly with FA2"
    consensus = pd.read_csv(root / "08_pra_overall" / "tables" / "seminar_consensus.csv")
    assert consensus.loc[consensus["scope"] == "all participants", "w"].isna().all(), "everyone's W with a focus area withheld as a whole"
