"""Disclosure of the shock and stress tables (reports 04, 05 and their copies in 08) where a measure has few raters.

An attacker holding every published file took copies of the sample where a shock or stress,
or one measure of it, has few raters (the default merge mode, ``min_cell_size`` 5) and read
back ratings five ways:

1. a group's row of ``shock_scores_by_group`` with n >= 8 but ``n_consequence`` 1 or 2: the
   median and quartiles of one or two ratings are the ratings (academia SH07: 3);
2. the same in the overall tables ``shock_scores`` and ``stress_scores``: SH07's 3
   consequences from median 3, q1 2.5, q3 3 ({2, 3, 3}); ST03's 3 trends from a trend share
   of 1.0 and no one worsening (all stable);
3. ``tied_with`` of ``shock_ranks`` named a hidden shock (published SH07, score 9, "tied with"
   hidden SH08), hidden rows published it too, and published ranks counted hidden shocks
   above them;
4. ``rater_agreement.n_ratings``, the sum of the hazards' raters, less the published rows'
   gave the hidden shocks' raters (366 - 303 = 63 = SH01 + SH08);
5. hidden stresses' ``trend`` in ``stress_scores`` and their trend, rank and ``worsening`` in
   ``stress_centrality``.

A median and quartiles of fewer than ``min_cell_size`` ratings, and every outcome of a hidden
row, are attribute disclosure (Hundepool et al., *Statistical Disclosure Control*, Wiley
2012, sections 4.2 and 5.2: the threshold rule applies to every statistic a cell gives, and
a cell hidden as a count is hidden with its outcomes). The tests build the attacker's two
copies, publish 04's and 05's tables with the library calls the notebooks make, and repeat
each attack on the files written.
"""

from __future__ import annotations

import itertools
import shutil

import numpy as np
import pandas as pd
import pytest

import pra_lib as pra
from pra_lib import risk
from pra_lib.stats.ordinal import descending_ranks

from .conftest import SAMPLE

K = 5  # the run's default min_cell_size
SHOCKS, STRESSES = "assets_shocks_workshop", "stresses_session"
SHOCK_COUNTS = {"n_likelihood": "likelihood_raters", "n_consequence": "consequence_raters"}
STRESS_COUNTS = {"n_severity": "severity_raters", "n_trend": "trend_raters"}


def _smallhaz(folder):
    """SH08 rated by 3 people, ST12 by 3, SH07's consequence given by 3 (A0010-A0012)."""
    h = pd.read_csv(folder / "hazard_ratings.csv")
    few_sh08 = (h.hazard_id == "SH08") & ~h.respondent_id.isin(["A0001", "A0002", "A0003"])
    session = sorted(h[h.activity_id == STRESSES].respondent_id.unique())[:3]
    few_st12 = (h.hazard_id == "ST12") & ~h.respondent_id.isin(session)
    h.loc[(h.hazard_id == "SH07") & ~h.respondent_id.isin(["A0010", "A0011", "A0012"]), "consequence"] = None
    h[~few_sh08 & ~few_st12].to_csv(folder / "hazard_ratings.csv", index=False)


def _smallhaz2(folder):
    """ST03's trend given by 3 people, SH06's likelihood by 2."""
    h = pd.read_csv(folder / "hazard_ratings.csv")
    session = sorted(h[h.activity_id == STRESSES].respondent_id.unique())
    h.loc[(h.hazard_id == "ST03") & ~h.respondent_id.isin(session[5:8]), "trend"] = None
    workshop = sorted(h[h.activity_id == SHOCKS].respondent_id.unique())
    h.loc[(h.hazard_id == "SH06") & ~h.respondent_id.isin(workshop[20:22]), "likelihood"] = None
    h.to_csv(folder / "hazard_ratings.csv", index=False)


def _publish(data_dir, out):
    """04's and 05's shock and stress tables, published as the notebooks publish them; the CSVs read back."""
    tables = {}
    assessment = pra.load_assessment(data_dir, errors="collect")
    # 04
    report = pra.Report(out / "04", min_cell_size=K, small_categories="merge", figure_formats="png", assessment=assessment, activity_id=SHOCKS)
    a = report.assessment
    scores = risk.publish_hazard_scores(report, risk.shock_scores(a, activity_id=SHOCKS), "shock_scores", dims=["hazard_id"], measure="hazard_raters", other_counts=SHOCK_COUNTS)
    tables["text:04/shock_scores"] = risk.measures_withheld_text(scores, min_cell_size=K)
    risk.publish_hazard_ranks(report, risk.rank_intervals(a, activity_id=SHOCKS, n_resamples=200, seed=2017, hidden=risk.hidden_hazards(scores)), "shock_ranks",
                              scores=scores, measure="hazard_raters", dims=["hazard_id"], other_counts={"n_resamples": None})
    report.table(risk.rater_agreement(a, activity_id=SHOCKS, hidden=risk.withheld_by_measure(scores)), "rater_agreement", measure="raters_by_rating",
                 dims=["measure"], other_counts={"n_hazards": None, "n_ratings": None})
    withheld = risk.withheld_shock_groups(a, activity_id=SHOCKS, min_cell_size=K)
    group_scores = risk.withhold_shock_scores(risk.shock_scores(a, activity_id=SHOCKS, by="stakeholder_group"), withheld)
    risk.publish_hazard_scores(report, group_scores, "shock_scores_by_group", by="stakeholder_group", dims=["hazard_id", "stakeholder_group"],
                               measure="hazard_raters", other_counts=SHOCK_COUNTS)
    # 05
    report = pra.Report(out / "05", min_cell_size=K, small_categories="merge", figure_formats="png", assessment=assessment, activity_id=STRESSES)
    a = report.assessment
    stresses = risk.publish_hazard_scores(report, risk.stress_scores(a, activity_id=STRESSES), "stress_scores", dims=["hazard_id"], measure="hazard_raters",
                                          other_counts=STRESS_COUNTS)
    tables["text:05/stress_scores"] = risk.measures_withheld_text(stresses, min_cell_size=K)
    risk.publish_hazard_ranks(report, risk.rank_intervals(a, hazard_type="stress", activity_id=STRESSES, n_resamples=200, seed=2017, hidden=risk.hidden_hazards(stresses)),
                              "stress_ranks", scores=stresses, measure="hazard_raters", dims=["hazard_id"], other_counts={"n_resamples": None})
    report.table(risk.rater_agreement(a, hazard_type="stress", activity_id=STRESSES, hidden=risk.withheld_by_measure(stresses)), "rater_agreement",
                 measure="raters_by_rating", dims=["measure"], other_counts={"n_hazards": None, "n_ratings": None})
    shocks = risk.publish_hazard_scores(report, risk.shock_scores(a, activity_id=SHOCKS), "shock_scores", dims=["hazard_id"], activity_id=SHOCKS,
                                        measure="hazard_raters", other_counts=SHOCK_COUNTS)
    tables["text:05/shock_scores"] = risk.measures_withheld_text(shocks, min_cell_size=K)
    graph = risk.stress_network(shocks, stresses, a, activity_id=STRESSES)
    report.table(risk.stress_centrality(graph), "stress_centrality", measure="hazard_raters", dims=["hazard_id"], other_counts={"n_shocks": None})
    for nb in ("04", "05"):
        for path in sorted((out / nb / "tables").glob("*.csv")):
            tables[f"{nb}/{path.stem}"] = pd.read_csv(path)
    tables["truth"] = pd.read_csv(data_dir / "hazard_ratings.csv")
    tables["people"] = pd.read_csv(data_dir / "participants.csv")
    return tables


def _case(tmp_path_factory, name, change):
    folder = tmp_path_factory.mktemp(name)
    data = folder / "assessment"
    shutil.copytree(SAMPLE, data)
    change(data)
    return _publish(data, folder / "out")


@pytest.fixture(scope="module")
def smallhaz(tmp_path_factory):
    return _case(tmp_path_factory, "smallhaz", _smallhaz)


@pytest.fixture(scope="module")
def smallhaz2(tmp_path_factory):
    return _case(tmp_path_factory, "smallhaz2", _smallhaz2)


def _quartile_fits(n, median, q1, q3):
    """Every multiset of n ratings 1..5 whose median and quartiles are the published ones (the attack)."""
    q = lambda v: tuple(float(np.percentile(v, p)) for p in (50, 25, 75))
    return [c for c in itertools.combinations_with_replacement(range(1, 6), n) if q(c) == (median, q1, q3)]


def _small_measures(table, measures):
    """Rows published with a measure fewer than K gave: (row, measure)."""
    for _, row in table[table["n"].notna()].iterrows():
        for m in measures:
            n = row.get(f"n_{m}")
            if pd.notna(n) and 0 < n < K:
                yield row, m


def test_the_cases_have_the_small_measures_the_attack_needs(smallhaz, smallhaz2):
    # The copies are what the review attacked: otherwise every test below passes for nothing.
    s = smallhaz["04/shock_scores"].set_index("hazard_id")
    assert s.loc["SH07", "n"] == 60 and s.loc["SH07", "n_consequence"] == 3
    assert pd.isna(s.loc["SH08", "n"]) and s.loc["SH08", "suppression"] == "primary"
    groups = smallhaz["04/shock_scores_by_group"]
    # community's SH07 (2 consequences) is published; academia's (1) is hidden to protect another row
    assert len(list(_small_measures(groups, ["consequence"]))) >= 1
    s2 = smallhaz2["04/shock_scores"].set_index("hazard_id")
    assert s2.loc["SH06", "n_likelihood"] == 2
    assert smallhaz2["05/stress_scores"].set_index("hazard_id").loc["ST03", "n_trend"] == 3


@pytest.mark.parametrize("case", ["smallhaz", "smallhaz2"])
def test_a_groups_measure_of_few_raters_gives_no_rating_back(case, request):
    # Attack 1: academia SH07 n_consequence = 1 with median = q1 = q3 = 3; community 2 ratings {2, 3}.
    groups = request.getfixturevalue(case)["04/shock_scores_by_group"]
    for row, m in _small_measures(groups, ["likelihood", "consequence"]):
        for col in (m, f"{m}_q1", f"{m}_q3", f"{m}_iqr", "score", "score_product_of_medians", "score_median_of_products", "band", "rank"):
            assert pd.isna(row[col]), (row["stakeholder_group"], row["hazard_id"], m, col, row[col])


@pytest.mark.parametrize("case, table, measures", [
    ("smallhaz", "04/shock_scores", ["likelihood", "consequence"]),
    ("smallhaz", "05/shock_scores", ["likelihood", "consequence"]),
    ("smallhaz2", "04/shock_scores", ["likelihood", "consequence"]),
    ("smallhaz2", "05/shock_scores", ["likelihood", "consequence"]),
    ("smallhaz", "05/stress_scores", ["severity"]),
    ("smallhaz2", "05/stress_scores", ["severity"]),
])
def test_an_overall_measure_of_few_raters_gives_no_rating_back(case, table, measures, request):
    # Attack 2: SH07's 3 consequences {2, 3, 3} from median 3, q1 2.5, q3 3; SH06's 2 likelihoods, both 4.
    data = request.getfixturevalue(case)
    scores = data[table]
    found = list(_small_measures(scores, measures))
    assert found or table == "05/stress_scores"
    for row, m in found:
        assert pd.isna(row[m]) and pd.isna(row[f"{m}_q1"]) and pd.isna(row[f"{m}_q3"]), (row["hazard_id"], m)
        assert pd.isna(row["rank"]) and ("score" not in row or pd.isna(row["score"]))
    # What the attack would read: no published median of fewer than K ratings is left to enumerate.
    for row, m in _small_measures(scores, measures):
        assert not pd.notna(row[m]) or not _quartile_fits(int(row[f"n_{m}"]), row[m], row[f"{m}_q1"], row[f"{m}_q3"])
    text = data[f"text:{table}"]
    assert not found or f"fewer than {K} people" in text


def test_a_trend_of_few_raters_gives_no_trend_back(smallhaz2):
    # Attack 2: ST03 n_trend = 3, trend_share 1.0, share_worsening 0 -> all three said stable.
    row = smallhaz2["05/stress_scores"].set_index("hazard_id").loc["ST03"]
    assert row["n_trend"] == 3
    for col in ("trend", "trend_share", "share_worsening", "worsening"):
        assert pd.isna(row[col]), col
    assert pd.notna(row["severity"])  # its 40 severities stay published
    centrality = smallhaz2["05/stress_centrality"].set_index("hazard_id").loc["ST03"]
    assert pd.isna(centrality["trend"]) and pd.isna(centrality["worsening"])


@pytest.mark.parametrize("case, scores, ranks", [
    ("smallhaz", "04/shock_scores", "04/shock_ranks"),
    ("smallhaz2", "04/shock_scores", "04/shock_ranks"),
    ("smallhaz", "05/stress_scores", "05/stress_ranks"),
])
def test_ranks_and_ties_count_and_name_published_hazards_only(case, scores, ranks, request):
    # Attack 3: published SH07 (9) "tied with" hidden SH08 -> SH08 scores 9; SH02's rank 2 said hidden SH01 scores above 16.
    data = request.getfixturevalue(case)
    s, r = data[scores], data[ranks]
    unscored = set(s.loc[s["rank"].isna(), "hazard"])
    for _, row in r.iterrows():
        named = set(str(row["tied_with"]).split(", ")) if pd.notna(row["tied_with"]) else set()
        assert not named & unscored, (row["hazard"], named & unscored)
        if row["hazard"] in unscored:
            assert pd.isna(row["rank"]) and pd.isna(row["tied_with"]) and pd.isna(row["rank_low"]) and pd.isna(row["share_first"])
    for table in (s, r):
        shown = table[table["rank"].notna()]
        score = "score" if "score" in shown else "severity"
        assert np.array_equal(shown["rank"].to_numpy(dtype=float), descending_ranks(shown[score].to_numpy(dtype=float), "average"))
        # Withheld rows, then hidden rows, come last, each by hazard id: their place tells nothing of their score.
        place = np.where(table["rank"].notna(), 0, np.where(table["n"].notna(), 1, 2))
        assert place.tolist() == sorted(place.tolist())
        for block in (1, 2):
            rest = table.loc[place == block, "hazard_id"].tolist()
            assert rest == sorted(rest)
    assert r.loc[r["rank"].notna(), "rank_high"].max() <= r["rank"].notna().sum()
    assert s["rank"].isna().sum() >= 1  # the case hides or withholds one


@pytest.mark.parametrize("case", ["smallhaz", "smallhaz2"])
def test_the_tables_of_one_measure_hide_the_same_hazards(case, request):
    # shock_scores, shock_ranks (and 05's copy), stress_scores, stress_ranks and stress_centrality count the
    # same raters: a hazard one hides and another publishes would give its count back from the total.
    data = request.getfixturevalue(case)
    hidden = lambda t: set(data[t].loc[data[t]["n"].isna(), "hazard_id"])
    assert hidden("04/shock_scores") == hidden("04/shock_ranks") == hidden("05/shock_scores")
    assert hidden("05/stress_scores") == hidden("05/stress_ranks") == hidden("05/stress_centrality")


@pytest.mark.parametrize("case, nb", [("smallhaz", "04"), ("smallhaz", "05"), ("smallhaz2", "04"), ("smallhaz2", "05")])
def test_the_sum_of_raters_gives_no_hidden_hazards_raters(case, nb, request):
    # Attack 4: rater_agreement.n_ratings - the published n_likelihood = SH01 + SH08's raters.
    # Agreement is now measured over the published medians' ratings only: their sum is the
    # published rows' raters, so nothing is left over for the hidden ones.
    data = request.getfixturevalue(case)
    scores = data["04/shock_scores" if nb == "04" else "05/stress_scores"]
    agreement = data[f"{nb}/rater_agreement"].set_index("measure")
    assert scores["n"].isna().any() or case == "smallhaz2"
    for measure, row in agreement.iterrows():
        published = scores[scores[measure].notna()]
        assert row["n_ratings"] == published[f"n_{measure}"].sum(), (measure, row["n_ratings"])
        assert row["n_hazards"] == len(published)


def test_the_agreement_does_not_move_with_withheld_ratings(tmp_path):
    # Krippendorff's alpha over every hazard moved with a hidden one's ratings: replanting them
    # (the attacker's counterfactual, tests below) must leave 04's and 05's agreement as it is.
    data, replanted = tmp_path / "assessment", tmp_path / "replanted"
    shutil.copytree(SAMPLE, data)
    _smallhaz(data)
    a = pra.load_assessment(data, errors="collect")
    shocks = risk.withhold_hazard_scores(risk.shock_scores(a, activity_id=SHOCKS), min_cell_size=K)
    stresses = risk.withhold_hazard_scores(risk.stress_scores(a, activity_id=STRESSES), min_cell_size=K)
    hidden = {**risk.withheld_by_measure(shocks), **risk.withheld_by_measure(stresses)}
    assert ("SH07" in hidden["consequence"]) and ("SH08" in hidden["likelihood"]) and ("ST12" in hidden["severity"])
    shutil.copytree(data, replanted)
    _replant(replanted, [(h, m) for m, ids in hidden.items() for h in ids])
    b = pra.load_assessment(replanted, errors="collect")
    for hazard_type, activity in (("shock", SHOCKS), ("stress", STRESSES)):
        before = risk.rater_agreement(a, hazard_type=hazard_type, activity_id=activity, hidden=hidden)
        after = risk.rater_agreement(b, hazard_type=hazard_type, activity_id=activity, hidden=hidden)
        pd.testing.assert_frame_equal(before, after)
        # without leaving them out, alpha moves: the test can fail
        assert not risk.rater_agreement(a, hazard_type=hazard_type, activity_id=activity)["alpha"].equals(
            risk.rater_agreement(b, hazard_type=hazard_type, activity_id=activity)["alpha"])


def test_the_sum_of_raters_stays_where_nothing_is_hidden(smallhaz2):
    # Withholding n_ratings only where a hazard is hidden: smallhaz2 hides none.
    assert smallhaz2["04/shock_scores"]["n"].notna().all()
    assert smallhaz2["04/rater_agreement"]["n_ratings"].notna().all()


def test_hidden_stresses_publish_no_outcome(smallhaz):
    # Attack 5: hidden ST01 and ST12 published their trend in stress_scores, and trend, rank and
    # worsening = False (contradicting the trend) in stress_centrality.
    scores = smallhaz["05/stress_scores"]
    hidden = scores[scores["n"].isna()]
    assert set(hidden["hazard_id"]) >= {"ST12"}
    assert hidden[["trend", "trend_share", "share_worsening", "worsening", "severity", "rank"]].isna().all().all()
    centrality = smallhaz["05/stress_centrality"].set_index("hazard_id").loc[hidden["hazard_id"]]
    assert centrality[["trend", "worsening", "rank", "severity"]].isna().all().all()
    shown = smallhaz["05/stress_centrality"].dropna(subset=["rank"])
    assert np.array_equal(shown["rank"].to_numpy(dtype=float), descending_ranks(shown["risk_reach"].to_numpy(dtype=float), "average"))


def test_hidden_rows_outcome_columns_are_hidden_with_the_count():
    from pra_lib.publishing.disclosure import suppress

    t = pd.DataFrame({"hazard_id": ["A", "B", "C"], "n": [2, 40, 40], "trend": ["stable", "worsening", "mixed"],
                      "worsening": [False, True, False], "tied_with": ["C", "", "A"]})
    out = suppress(t, dims=["hazard_id"], min_cell_size=K)
    hidden = out[out["suppressed"]]
    assert hidden[["trend", "worsening", "tied_with"]].isna().all().all()


@pytest.fixture(scope="module")
def sample_published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hazard_sample")
    return _publish(SAMPLE, folder / "out")


def test_the_sample_tables_change_only_where_the_fix_requires(sample_published, tmp_path):
    # The sample has no hidden shock or stress and no overall measure of fewer than 5 raters: its
    # overall tables are what the plain Report.table published. By group, only rows whose
    # measure fewer than 5 of a group gave change, and the ranks of their groups.
    assessment = pra.load_assessment(SAMPLE, errors="collect")
    report = pra.Report(tmp_path / "04", min_cell_size=K, small_categories="merge", figure_formats="png", assessment=assessment, activity_id=SHOCKS)
    a = report.assessment
    before = report.table(risk.shock_scores(a, activity_id=SHOCKS), "shock_scores", dims=["hazard_id"], measure="hazard_raters", other_counts=SHOCK_COUNTS)
    after = sample_published["04/shock_scores"]
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "04" / "tables" / "shock_scores.csv"), after)
    assert before["n"].notna().all() and sample_published["text:04/shock_scores"] == ""
    ranks = sample_published["04/shock_ranks"]
    plain = risk.rank_intervals(a, activity_id=SHOCKS, n_resamples=200, seed=2017)
    assert ranks["tied_with"].fillna("").tolist() == plain["tied_with"].tolist()
    assert np.allclose(ranks["rank_low"], plain["rank_low"]) and np.allclose(ranks["share_first"], plain["share_first"])
    assert sample_published["04/rater_agreement"]["n_ratings"].tolist() == [463, 480]
    withheld = risk.withheld_shock_groups(a, activity_id=SHOCKS, min_cell_size=K)
    plain_groups = report.table(risk.withhold_shock_scores(risk.shock_scores(a, activity_id=SHOCKS, by="stakeholder_group"), withheld),
                                "shock_scores_by_group", dims=["hazard_id", "stakeholder_group"], measure="hazard_raters", other_counts=SHOCK_COUNTS)
    plain_groups = pd.read_csv(tmp_path / "04" / "tables" / "shock_scores_by_group.csv")
    groups = sample_published["04/shock_scores_by_group"]
    key = ["stakeholder_group", "hazard_id"]
    merged = plain_groups.merge(groups, on=key, suffixes=("_before", ""))
    assert len(merged) == len(groups) == len(plain_groups)
    small = {r["stakeholder_group"] for r, _ in _small_measures(groups, ["likelihood", "consequence"])}
    for col in [c for c in groups.columns if c not in key and f"{c}_before" in merged]:
        a_, b_ = merged[f"{col}_before"], merged[col]
        changed = ~((a_ == b_) | (a_.isna() & b_.isna()))
        assert merged.loc[changed, "stakeholder_group"].isin(small).all(), (col, merged.loc[changed, key + [col]])
    stresses = sample_published["05/stress_scores"]
    assert stresses["n"].notna().all() and stresses["rank"].notna().all() and sample_published["text:05/stress_scores"] == ""


# The focus areas' report (06) rates each shock and stress for its evidence matrix, trail and
# uncertainty analysis. Computed from the raw ratings, it gave back what 04, 05 and 08 hide: on
# smallhaz, SH08's score (9) in hazard_risk's basis "9 x (1 + 0.25 x 0)", SH07's consequence
# median of 3 raters, ST12's severity 3 and "worsening", complementary SH01 and ST01 at 25 points.
FOCUS = "focus_areas_session"


def _focus_evidence(data_dir, out):
    """06's hazard evidence as the notebook builds it: (published risk tables, evidence)."""
    from pra_lib import synthesis

    assessment = pra.load_assessment(data_dir, errors="collect")
    report = pra.Report(out, min_cell_size=K, small_categories="merge", figure_formats="png", assessment=assessment, activity_id=FOCUS)
    a = report.assessment
    tables = synthesis.published_risk(report, a)
    goal_scores = synthesis.published_goal_scores(a, min_cell_size=K, n_resamples=20, seed=1)
    variants = synthesis.evidence_variants(a, goal_scores=goal_scores, shock_scores=tables["shock_scores"], stress_scores=tables["stress_scores"])
    evidence = {"hazard_risk": synthesis.hazard_risk(a, **tables),
                "evidence_matrix": synthesis.evidence_matrix(a, goal_scores=goal_scores, **tables),
                "evidence_trail": synthesis.evidence_trail(a, goal_scores=goal_scores, **tables),
                **{f"variant {key}": matrix for key, matrix in variants.items()}}
    return tables, evidence, a


def _overall_hazard_risk(data_dir, out):
    """08's hazard_risk, from the shock, stress and compound tables as 08 publishes them."""
    from pra_lib import synthesis

    assessment = pra.load_assessment(data_dir, errors="collect")
    report = pra.Report(out, min_cell_size=K, small_categories="merge", figure_formats="png", assessment=assessment)
    a = report.assessment
    shocks = risk.publish_hazard_scores(report, risk.shock_scores(a, activity_id=SHOCKS), "shock_scores", dims=["hazard_id"], activity_id=SHOCKS,
                                        measure="hazard_raters", other_counts=SHOCK_COUNTS)
    stresses = risk.publish_hazard_scores(report, risk.stress_scores(a, activity_id=STRESSES), "stress_scores", dims=["hazard_id"], activity_id=STRESSES,
                                          measure="hazard_raters", other_counts=STRESS_COUNTS)
    compound = report.table(risk.compound_risk(shocks, stresses, a, alpha=risk.DEFAULT_ALPHA, activity_id=STRESSES), "compound_risk", activity_id=STRESSES,
                            measure="hazard_raters_of_shock", dims=["hazard_id"], other_counts={"n_amplifiers": None})
    return synthesis.hazard_risk(a, shock_scores=shocks, stress_scores=stresses, compound=compound)


def _withheld_measures(tables) -> list[tuple[str, str]]:
    """(hazard id, rating column) of every statistic the published score tables withhold."""
    found = []
    for name, measures in (("shock_scores", ["likelihood", "consequence"]), ("stress_scores", ["severity", "trend"])):
        for _, row in tables[name].iterrows():
            found += [(row["hazard_id"], m) for m in measures if pd.isna(row[m])]
    return found


def _replant(folder, withheld):
    """The attacker's counterfactual: every withheld rating replaced by another value, the raters kept."""
    h = pd.read_csv(folder / "hazard_ratings.csv")
    for hazard, m in withheld:
        given = (h.hazard_id == hazard) & h[m].notna()
        if m == "trend":
            h.loc[given, m] = np.where(h.loc[given, m] == "improving", "worsening", "improving")
        else:
            h.loc[given, m] = np.where(h.loc[given, m] >= 3, 1, 5)
    h.to_csv(folder / "hazard_ratings.csv", index=False)


@pytest.fixture(scope="module", params=["smallhaz", "smallhaz2"])
def focus_case(request, tmp_path_factory):
    change = {"smallhaz": _smallhaz, "smallhaz2": _smallhaz2}[request.param]
    folder = tmp_path_factory.mktemp(f"focus_{request.param}")
    data, replanted = folder / "assessment", folder / "replanted"
    shutil.copytree(SAMPLE, data)
    change(data)
    tables, evidence, assessment = _focus_evidence(data, folder / "06")
    withheld = _withheld_measures(tables)
    shutil.copytree(data, replanted)
    _replant(replanted, withheld)
    _, evidence_replanted, assessment_replanted = _focus_evidence(replanted, folder / "06-replanted")
    return {"case": request.param, "tables": tables, "evidence": evidence, "withheld": withheld, "replanted": evidence_replanted,
            "assessment": assessment, "assessment_replanted": assessment_replanted, "overall": _overall_hazard_risk(data, folder / "08")}


def test_the_focus_areas_rate_each_hazard_as_the_overall_report_publishes_it(focus_case):
    # One decision: 06's hazard_risk is 08's, built from the published tables.
    columns = ["hazard_id", "n", "risk_points", "capped", "basis", "dropped"]
    pd.testing.assert_frame_equal(focus_case["evidence"]["hazard_risk"][columns], focus_case["overall"][columns])


def test_withheld_ratings_change_nothing_in_the_focus_areas_evidence(focus_case):
    # The attack in reverse: whatever the withheld ratings were, 06 computes the same evidence, so
    # nothing it publishes can tell them. smallhaz withholds SH08, ST12 (few raters), SH01, ST01
    # (complementary) and SH07's consequence; smallhaz2 ST03's trend and SH06's likelihood.
    from pra_lib import synthesis

    withheld = set(focus_case["withheld"])
    expected = {"smallhaz": {("SH08", "likelihood"), ("SH07", "consequence"), ("ST12", "severity"), ("ST12", "trend")},
                "smallhaz2": {("ST03", "trend"), ("SH06", "likelihood")}}[focus_case["case"]]
    assert expected <= withheld, withheld
    # The replanted ratings do change what the raw ratings give: without the published tables, 06 told them.
    raw = synthesis.hazard_risk(focus_case["assessment"])
    raw_replanted = synthesis.hazard_risk(focus_case["assessment_replanted"])
    assert not raw["basis"].equals(raw_replanted["basis"])
    for name, table in focus_case["evidence"].items():
        pd.testing.assert_frame_equal(table, focus_case["replanted"][name], obj=name)


def test_hidden_hazards_give_no_risk_points_or_basis(focus_case):
    hr = focus_case["evidence"]["hazard_risk"].set_index("hazard_id")
    hidden = [h for h, m in focus_case["withheld"] if m in ("likelihood", "severity")]
    assert hidden
    assert hr.loc[hidden, "risk_points"].isna().all()
    assert not hr.loc[hidden, "basis"].str.contains(r"\d").any(), hr.loc[hidden, "basis"]
    trail = focus_case["evidence"]["evidence_trail"]
    rows = trail[trail["item_id"].isin(hidden)]
    assert rows["value"].isna().all() and not rows["detail"].astype(str).str.contains(r"\d").any()
