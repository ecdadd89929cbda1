"""Group disclosure in the score tables: a group that answered alike keeps only its n.

The rule is the "all in one category" rule of group attribute disclosure in frequency tables
(Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 5): a published group
of at least ``min_cell_size`` people discloses what its members said when all of them, or
all but fewer than ``min_cell_size``, gave the same answer. A score table's shares
(positive / neutral / negative) and its mean tell that as well as the answers per category
do, so the group's statistics are withheld in every table of its answers, by one decision.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pra_lib.publishing.disclosure import protect_distributions
from pra_lib.publishing.score_disclosure import (
    ANSWER_STATISTICS,
    THREE_WAY,
    withheld_groups,
    withheld_summary,
    withheld_text,
    withhold_answers,
    withhold_named_groups,
)

M = 5  # the run's min_cell_size in every test below
CELLS = ["goal_id", "stakeholder_group"]
SIDES = {"negative": ("1", "2"), "neutral": ("3",), "positive": ("4", "5")}


def answers(groups: dict[str, list[int]], goal: str = "G01", dont_know: dict[str, int] | None = None) -> pd.DataFrame:
    """Answers per category (1 to 5, and "don't know") of each group to one goal, as likert_counts gives them."""
    rows = []
    for group, counts in groups.items():
        for category, count in zip(["1", "2", "3", "4", "5"], counts):
            rows.append({"goal_id": goal, "stakeholder_group": group, "category": category, "count": count})
        rows.append({"goal_id": goal, "stakeholder_group": group, "category": "dont_know", "count": (dont_know or {}).get(group, 0)})
    out = pd.DataFrame(rows)
    out["n"] = out.groupby(CELLS)["count"].transform(lambda s: s.iloc[:5].sum())
    out["share"] = out["count"] / out["n"]
    return out


def scores_of(table: pd.DataFrame) -> pd.DataFrame:
    """A score table of the same groups, as perception.scores gives its columns."""
    rows = []
    on_scale = table[table["category"] != "dont_know"]
    for (goal, group), part in on_scale.groupby(CELLS, sort=False):
        counts = part["count"].to_numpy(dtype=float)
        n = counts.sum()
        if n == 0:
            continue  # a group with no ratings has no statistics
        ratings = np.repeat(np.arange(1, 6), counts.astype(int))
        rows.append({"goal_id": goal, "stakeholder_group": group, "n": int(n), "mean": ratings.mean(), "ci_low": ratings.mean() - 0.5,
                     "ci_high": ratings.mean() + 0.5, "median": float(np.median(ratings)), "share_positive": counts[3:].sum() / n,
                     "share_neutral": counts[2] / n, "share_negative": counts[:2].sum() / n, "n_dont_know": 0})
    return pd.DataFrame(rows, columns=[*CELLS, "n", "mean", "ci_low", "ci_high", "median", "share_positive", "share_neutral", "share_negative", "n_dont_know"])


def near_homogeneous(counts, min_cell_size: int = M) -> bool:
    counts = np.asarray(counts, dtype=float)
    return counts.sum() - counts.max(initial=0) < min_cell_size


def three_way(counts) -> list[float]:
    c = list(counts)
    return [c[0] + c[1], c[2], c[3] + c[4]]


# ---------------------------------------------------------------------------
# The rule on hand-made groups
# ---------------------------------------------------------------------------


def test_a_group_whose_answers_are_spread_but_fall_on_one_side_is_withheld():
    # Government: 0, 1, 1, 3, 4 over the five points. Five answer outside the most frequent
    # category (5), so its answers per category pass the rule; but 7 of its 9 answered
    # positive, and the score table's share_positive x n = 7 tells the reader so.
    table = answers({"gov": [0, 1, 1, 3, 4], "com": [3, 3, 3, 3, 3], "aca": [2, 2, 2, 2, 2]})
    five_point_only = protect_distributions(table, cells=CELLS, within=["goal_id"], min_cell_size=M)
    assert not five_point_only["answers_withheld"].any(), "the five-point rule alone publishes government"
    groups = withheld_groups(table, cells=CELLS, within=["goal_id"], min_cell_size=M)
    decision = groups.set_index("stakeholder_group")
    assert decision.loc["gov", "withheld_as"] == "primary"
    assert decision.loc["gov", "n"] == 9
    scores = withhold_answers(scores_of(table), groups).set_index("stakeholder_group")
    for column in ("mean", "median", "ci_low", "ci_high", "share_positive", "share_neutral", "share_negative"):
        assert math.isnan(scores.loc["gov", column]), column
    assert scores.loc["gov", "n"] == 9 and bool(scores.loc["gov", "answers_withheld"])
    assert scores.loc["com", "mean"] == pytest.approx(3.0), "a group that did not answer alike keeps its statistics"


def test_the_withheld_groups_of_a_goal_cannot_be_recovered_from_its_total():
    # Government answered alike on the three-way split (7 of 9 positive). The goal's shares
    # over all groups are published (goal_scores), so withholding government alone would
    # leave its split = goal total - academia - community. The smallest other group
    # (academia, 10) is withheld with it; together they are 7 + 4 = 11 positive of 19: 8
    # outside the most frequent side, so the reader learns no one's answer.
    table = answers({"gov": [0, 1, 1, 3, 4], "aca": [2, 2, 2, 2, 2], "com": [3, 3, 3, 3, 3]})
    groups = withheld_groups(table, cells=CELLS, within=["goal_id"], min_cell_size=M).set_index("stakeholder_group")
    assert groups["withheld_as"].to_dict() == {"gov": "primary", "aca": "complementary", "com": ""}
    pooled = (table[table["stakeholder_group"].isin(["gov", "aca"]) & (table["category"] != "dont_know")]
              .groupby("category")["count"].sum().reindex(list("12345")).to_numpy())
    assert not near_homogeneous(three_way(pooled)) and not near_homogeneous(pooled)
    # Without a published goal total nothing can be subtracted: government is withheld alone.
    alone = withheld_groups(table, cells=CELLS, min_cell_size=M).set_index("stakeholder_group")
    assert alone["withheld_as"].to_dict() == {"gov": "primary", "aca": "", "com": ""}


def test_everyone_alike_on_five_points_is_withheld_and_the_same_decision_holds_in_every_table():
    table = answers({"gov": [0, 0, 0, 8, 0], "aca": [1, 2, 3, 2, 1], "com": [4, 3, 3, 3, 4]}, dont_know={"gov": 2})
    groups = withheld_groups(table, cells=CELLS, within=["goal_id"], min_cell_size=M)
    published_answers = withhold_answers(table, groups)
    published_scores = withhold_answers(scores_of(table), groups)
    consensus = scores_of(table)[CELLS + ["n"]].assign(consensus=[1.0, 0.6, 0.55])
    published_consensus = withhold_answers(pd.concat([consensus, pd.DataFrame([{"goal_id": "G01", "stakeholder_group": "(all)", "n": 31, "consensus": 0.5}])]), groups)
    in_answers = set(published_answers.loc[published_answers["answers_withheld"], "stakeholder_group"])
    in_scores = set(published_scores.loc[published_scores["answers_withheld"], "stakeholder_group"])
    in_consensus = set(published_consensus.loc[published_consensus["answers_withheld"], "stakeholder_group"])
    assert in_answers == in_scores == in_consensus == {"gov", "aca"}
    gov = published_answers[published_answers["stakeholder_group"] == "gov"].set_index("category")
    assert gov.loc[list("12345"), "count"].isna().all() and gov.loc[list("12345"), "share"].isna().all()
    assert gov.loc["dont_know", "count"] == 2, "don't know is not an answer on the scale and stays published"
    assert published_answers["n"].tolist() == table["n"].tolist(), "every group's n stays published"
    assert published_consensus["consensus"].isna().tolist() == [True, True, False, False]
    assert published_answers.attrs["answers_withheld"][:6] == ["primary"] * 6


def test_a_small_group_is_left_to_suppression_and_a_mixed_group_is_published():
    # Three people alike: their n is below min_cell_size, so suppression hides the whole row.
    table = answers({"few": [0, 0, 3, 0, 0], "mixed": [2, 2, 2, 2, 2], "more": [3, 1, 2, 2, 3]})
    groups = withheld_groups(table, cells=CELLS, within=["goal_id"], min_cell_size=M).set_index("stakeholder_group")
    assert groups["withheld_as"].to_dict() == {"few": "", "mixed": "", "more": ""}


def test_rank_positions_are_judged_on_their_own_categories():
    ranks = pd.DataFrame({"focus_area_id": "FA1", "stakeholder_group": ["gov"] * 3 + ["aca"] * 3,
                          "position": [1, 2, 3] * 2, "count": [9, 1, 0, 3, 3, 3]})
    groups = withheld_groups(ranks, cells=["stakeholder_group", "focus_area_id"], category="position", coarsening=None, min_cell_size=M)
    assert groups["withheld_as"].tolist() == ["primary", ""]


def test_a_table_without_the_group_columns_or_a_category_without_a_side_is_refused():
    table = answers({"gov": [1, 1, 1, 1, 1]})
    with pytest.raises(KeyError, match="stakeholder_group"):
        withheld_groups(table.drop(columns="stakeholder_group"), cells=CELLS)
    with pytest.raises(ValueError, match=r"\['6'\] have no side"):
        withheld_groups(pd.concat([table, table.head(1).assign(category="6")]), cells=CELLS)
    groups = withheld_groups(table, cells=CELLS)
    with pytest.raises(KeyError, match="identified by"):
        withhold_answers(pd.DataFrame({"goal_id": ["G01"], "mean": [3.0]}), groups)


def test_a_mean_quoted_next_to_a_group_name_is_withheld_with_the_group():
    table = answers({"gov": [0, 0, 1, 3, 6], "aca": [2, 2, 2, 2, 2], "com": [3, 3, 3, 3, 3]}).rename(columns={"goal_id": "focus_area_id"})
    groups = withheld_groups(table, cells=["focus_area_id", "stakeholder_group"], within=["focus_area_id"], min_cell_size=M)
    differences = pd.DataFrame({"focus_area_id": ["FA1"], "group_top": ["Government"], "group_top_mean": [4.5],
                                "group_bottom": ["Community"], "group_bottom_mean": [3.0]})
    labels = pd.DataFrame({"stakeholder_group": ["gov", "aca", "com"], "group_label": ["Government", "Academia", "Community"]})
    table["focus_area_id"] = "FA1"
    groups = withheld_groups(table, cells=["focus_area_id", "stakeholder_group"], within=["focus_area_id"], min_cell_size=M)
    out = withhold_named_groups(differences, groups, labels=labels)
    assert math.isnan(out.loc[0, "group_top_mean"]) and out.loc[0, "group_bottom_mean"] == 3.0
    assert out.loc[0, "group_top"] == "Government", "the name stays: it says nothing of the answers"
    assert out["answers_withheld"].tolist() == [True], "the row says why its mean is empty"


def test_the_report_sentence_counts_the_withheld_groups_and_says_why():
    table = answers({"gov": [0, 1, 1, 3, 4], "aca": [2, 2, 2, 2, 2], "com": [3, 3, 3, 3, 3]})
    groups = withheld_groups(table, cells=CELLS, within=["goal_id"], min_cell_size=M)
    assert withheld_summary(groups) == {"groups": 3, "withheld": 2, "primary": 1, "complementary": 1}
    text = withheld_text(groups, by="stakeholder_group", min_cell_size=M)
    assert text.startswith("By stakeholder group, the answers of 2 of 3 cells are withheld")
    assert "fewer than 5" in text and text.endswith("1 more is withheld so that these cannot be worked out from the totals.")
    assert withheld_text(withheld_groups(answers({"aca": [2, 2, 2, 2, 2]}), cells=CELLS), by="area") == ""


# ---------------------------------------------------------------------------
# Property: on any small frame, nothing published gives a group's answers away
# ---------------------------------------------------------------------------

group_counts = st.lists(st.integers(min_value=0, max_value=7), min_size=5, max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(group_counts, min_size=1, max_size=5), st.integers(min_value=3, max_value=6))
def test_no_published_group_answered_alike_and_the_withheld_pool_did_not_either(groups_counts, min_cell_size):
    table = answers({f"g{i}": c for i, c in enumerate(groups_counts)})
    groups = withheld_groups(table, cells=CELLS, within=["goal_id"], min_cell_size=min_cell_size)
    scores = withhold_answers(scores_of(table), groups)
    totals = {f"g{i}": sum(c) for i, c in enumerate(groups_counts)}
    counts = {f"g{i}": c for i, c in enumerate(groups_counts)}
    for _, row in scores.iterrows():
        n = row["n"]
        assert n == totals[row["stakeholder_group"]], "n is always published"
        if row["answers_withheld"]:
            assert all(pd.isna(row[c]) for c in ANSWER_STATISTICS if c in row.index)
        elif n >= min_cell_size:
            # what a reader rebuilds from the shares and n
            split = [round(row["share_negative"] * n), round(row["share_neutral"] * n), round(row["share_positive"] * n)]
            assert not near_homogeneous(split, min_cell_size), (row["stakeholder_group"], split)
            assert not near_homogeneous(counts[row["stakeholder_group"]], min_cell_size)
    # The goal's total is published: what the reader gets by subtraction is the pool of the
    # withheld groups and the small ones suppression hides. It must not have answered
    # alike, unless every published group of the goal is withheld (nothing is left to subtract).
    withheld = set(groups.loc[groups["answers_withheld"], "stakeholder_group"])
    if withheld:
        hidden = [g for g in counts if g in withheld or 0 < totals[g] < min_cell_size]
        pool = np.sum([counts[g] for g in hidden], axis=0)
        shown = [g for g in counts if g not in hidden and totals[g] >= min_cell_size]
        assert not shown or not (near_homogeneous(pool, min_cell_size) or near_homogeneous(three_way(pool), min_cell_size))


# ---------------------------------------------------------------------------
# The attack on a whole published run of the sample
# ---------------------------------------------------------------------------

SCORE_TABLES = {
    # report / table: (group column, item column, the shares of the three sides: negative, neutral, positive)
    ("01_questionnaire", "scores_by_group"): ("stakeholder_group", "goal_id", ("share_negative", "share_neutral", "share_positive")),
    ("01_questionnaire", "scores_by_area"): ("area", "goal_id", ("share_negative", "share_neutral", "share_positive")),
    ("03_city_perception_workshop", "scores_by_group"): ("stakeholder_group", "goal_id", ("share_negative", "share_neutral", "share_positive")),
    ("03_city_perception_workshop", "scores_by_table"): ("workshop_table", "goal_id", ("share_negative", "share_neutral", "share_positive")),
    ("07_pra_seminar", "support_by_group"): ("stakeholder_group", "focus_area_id", ("share_oppose", "share_neutral", "share_support")),
}
TOTALS = {"01_questionnaire": "goal_scores", "03_city_perception_workshop": "goal_scores", "07_pra_seminar": "support"}


@pytest.fixture(scope="module")
def run(sample_reports_en) -> Path:
    return sample_reports_en / "jakarta-2017-synthetic"


def _table(run: Path, report: str, name: str) -> pd.DataFrame:
    return pd.read_csv(run / report / "tables" / f"{name}.csv")


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype(str).eq("True") if column in frame else pd.Series(False, index=frame.index)


def _sides(frame: pd.DataFrame, shares) -> np.ndarray:
    n = pd.to_numeric(frame["n"], errors="coerce").to_numpy()
    return np.column_stack([np.round(pd.to_numeric(frame[s], errors="coerce").to_numpy() * n) for s in shares])


def test_no_published_group_of_a_score_table_answered_alike(run):
    problems = []
    for (report, name), (group, item, shares) in SCORE_TABLES.items():
        t = _table(run, report, name)
        n = pd.to_numeric(t["n"], errors="coerce")
        published = n.ge(M) & ~_flag(t, "suppressed") & ~_flag(t, "answers_withheld")
        split = _sides(t, shares)
        assert not np.isnan(split[published.to_numpy()]).any(), f"{report}/{name}: a published group without its shares"
        for i in np.flatnonzero(published.to_numpy()):
            if near_homogeneous(split[i]):
                problems.append(f"{report}/{name} {t.at[i, item]} {t.at[i, group]}: {split[i].tolist()} of n = {int(n[i])}")
    assert not problems, "published groups whose split gives their answers away:\n" + "\n".join(problems)


def test_no_statistic_of_a_withheld_group_is_published(run):
    seen = 0
    for (report, name), _ in SCORE_TABLES.items():
        t = _table(run, report, name)
        withheld = _flag(t, "answers_withheld")
        seen += int(withheld.sum())
        for column in [c for c in ANSWER_STATISTICS if c in t]:
            assert t.loc[withheld, column].isna().all(), f"{report}/{name}: {column} of a withheld group is published"
        assert pd.to_numeric(t.loc[withheld, "n"], errors="coerce").ge(M).all(), f"{report}/{name}: a withheld group's n stays published"
    # On the sample: 50 cells by workshop table and 1 by stakeholder group of the perception
    # workshop and 6 of the seminar's support by group answered alike (README).
    assert seen >= 57
    ranking = _table(run, "07_pra_seminar", "seminar_ranking_by_group")
    support = _table(run, "07_pra_seminar", "support_by_group")
    keys = ["stakeholder_group", "focus_area_id"]
    hidden = set(map(tuple, support.loc[_flag(support, "answers_withheld"), keys].to_numpy()))
    in_ranking = ranking[[tuple(k) in hidden for k in ranking[keys].to_numpy()]]
    assert len(in_ranking) == len(hidden) and in_ranking["mean_support"].isna().all()
    labels = dict(zip(support["group_label"], support["stakeholder_group"]))
    differences = _table(run, "07_pra_seminar", "group_differences_support")
    for side in ("group_top", "group_bottom"):
        for _, row in differences.iterrows():
            if (labels.get(row[side]), row["focus_area_id"]) in hidden:
                assert pd.isna(row[f"{side}_mean"]), f"the support of a withheld group is quoted: {row['focus_area_id']} {row[side]}"


def test_no_withheld_seminar_rank_is_the_groups_total_minus_its_published_ones(run, sample_dir):
    """With complete ballots (every sample participant ranked all k focus areas) a group's
    mean ranks add up to k(k+1)/2 and a focus area's mean rank is the rankers-weighted mean of
    its groups' ones: no withheld mean rank may be the known total minus the published ones,
    and a group's published ranks count only its published focus areas (1 .. m)."""
    from pra_lib import seminar as sem
    from pra_lib.assessment.loading import load_assessment

    votes = sem.votes_frame(load_assessment(sample_dir))
    ballots = votes[votes["rank"].notna()].groupby("respondent_id")["rank"]
    k = votes.loc[votes["rank"].notna(), "focus_area_id"].nunique()
    assert (ballots.count() == k).all() and (ballots.max() == k).all(), "the sample's ballots are complete"
    true = sem.seminar_ranking(votes, by="stakeholder_group").set_index(["stakeholder_group", "focus_area_id"])["mean_rank"]
    table = _table(run, "07_pra_seminar", "seminar_ranking_by_group")
    overall = _table(run, "07_pra_seminar", "seminar_ranking").set_index("focus_area_id")
    assert len(table) == len(true)
    for group, rows in table.groupby("stakeholder_group"):
        hidden = rows[rows["mean_rank"].isna()]
        left = k * (k + 1) / 2 - rows["mean_rank"].sum()
        for fa in hidden["focus_area_id"]:
            assert not np.isclose(left, true[(group, fa)]), f"{group} {fa}: its mean rank is the total minus the published ones"
        shown = rows[rows["mean_rank"].notna()]
        assert shown["rank"].astype(int).tolist() == shown["mean_rank"].round(6).rank(method="min").astype(int).tolist(), \
            f"{group}: the published ranks count only published focus areas"
        assert shown["rank"].isna().sum() == 0 and hidden["rank"].isna().all()
    for fa, rows in table.groupby("focus_area_id"):
        hidden = rows[rows["mean_rank"].isna()]
        if len(hidden):
            shown = rows[rows["mean_rank"].notna()]
            left = (overall.loc[fa, "n_ranked"] * overall.loc[fa, "mean_rank"] - (shown["n_ranked"] * shown["mean_rank"]).sum()) / hidden["n_ranked"].sum()
            assert len(hidden) > 1 or not np.isclose(left, true[(hidden["stakeholder_group"].iloc[0], fa)], atol=0.01), \
                f"{fa}: the withheld group's mean rank is the area's minus the others"


def test_a_group_withheld_in_one_table_of_an_activity_is_withheld_in_every_other(run):
    keys = ["goal_id", "stakeholder_group"]

    def withheld(frame):
        flagged = frame[_flag(frame, "answers_withheld")]
        return set(map(tuple, flagged[keys].drop_duplicates().to_numpy()))

    answers_table = _table(run, "01_questionnaire", "answers_per_goal_by_group")
    scores_table = _table(run, "01_questionnaire", "scores_by_group")
    consensus_table = _table(run, "01_questionnaire", "consensus_by_group")
    assert withheld(answers_table) == withheld(scores_table) == withheld(consensus_table)
    # ... and the decision is the rule's: no published group's five-point answers are near-homogeneous either.
    shown = answers_table[~_flag(answers_table, "answers_withheld") & ~_flag(answers_table, "suppressed") & (answers_table["category"] != "dont_know")]
    for key, part in shown.groupby(keys):
        assert not near_homogeneous(part["count"].to_numpy(dtype=float)), key


def test_subtracting_the_published_groups_from_the_total_gives_no_group_away(run):
    problems = []
    for (report, name), (group, item, shares) in SCORE_TABLES.items():
        t = _table(run, report, name)
        total = _table(run, report, TOTALS[report]).set_index(item)
        n = pd.to_numeric(t["n"], errors="coerce")
        hidden = _flag(t, "answers_withheld") | _flag(t, "suppressed")
        split = _sides(t, shares)
        for key, rows in t.groupby(item).groups.items():
            rows = np.asarray(rows)
            if not hidden[rows].any():
                continue
            whole = _sides(total.loc[[key]].reset_index(), shares)[0]
            pool = whole - np.nansum(split[rows[~hidden[rows].to_numpy()]], axis=0)
            published = rows[~hidden[rows].to_numpy() & n[rows].ge(M).to_numpy()]
            if len(published) and near_homogeneous(pool):
                problems.append(f"{report}/{name} {key}: the withheld groups together answered {pool.tolist()}")
    assert not problems, "\n".join(problems)


def test_the_published_flags_are_the_rule_applied_to_the_sample(run, sample_dir):
    """Every score table flags exactly the groups the rule withholds, recomputed from the assessment."""
    import warnings

    from pra_lib import load_assessment, perception, seminar
    from pra_lib.publishing.disclosure import merge_small_categories, plan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assessment = load_assessment(sample_dir, errors="collect")
        the_plan = plan(assessment, min_cell_size=M)
        decided = {}
        for report, activity in (("01_questionnaire", "questionnaire"), ("03_city_perception_workshop", "perception_workshop")):
            ratings = perception.ratings_frame(merge_small_categories(assessment, the_plan, activity_id=activity), activity_id=activity, aspect="performance")
            for (r, name), (group, item, _) in SCORE_TABLES.items():
                if r == report:
                    decided[(r, name)] = withheld_groups(perception.likert_counts(ratings, by=group), cells=[item, group], within=[item], min_cell_size=M)
        votes = seminar.votes_frame(merge_small_categories(assessment, the_plan, activity_id="pra_seminar"), activity_id="pra_seminar")
        decided[("07_pra_seminar", "support_by_group")] = withheld_groups(seminar.support_counts(votes, by="stakeholder_group"), cells=["stakeholder_group", "focus_area_id"],
                                                                          within=["focus_area_id"], min_cell_size=M)
    counts = {}
    for (report, name), (group, item, _) in SCORE_TABLES.items():
        t = _table(run, report, name)
        published = set(map(tuple, t.loc[_flag(t, "answers_withheld"), [item, group]].astype(str).to_numpy()))
        g = decided[(report, name)]
        expected = set(map(tuple, g.loc[g["answers_withheld"], [item, group]].astype(str).to_numpy()))
        assert published == expected, f"{report}/{name}: flagged {sorted(published ^ expected)} against the rule"
        counts[(report, name)] = len(published)
    # The sample's near-homogeneous cells the README counts (50 by workshop table, 1 by group,
    # 6 of the seminar's support by group) are withheld, with their complementary companions.
    assert counts[("03_city_perception_workshop", "scores_by_table")] >= 50
    assert counts[("03_city_perception_workshop", "scores_by_group")] >= 1
    assert counts[("07_pra_seminar", "support_by_group")] >= 6


def test_the_findings_name_no_highest_or_lowest_group_of_a_goal_with_a_group_withheld():
    from pra_lib.perception import findings_workshop

    goal_scores = pd.DataFrame({"goal_id": ["G01"], "goal_label": ["Meets basic needs"], "n": [40], "mean": [3.1], "ci_low": [2.8], "ci_high": [3.4]})
    differences = pd.DataFrame({"goal_id": ["G01"], "between": ["stakeholder_group"], "h": [12.0], "pvalue_adj": [0.01], "p_adjust": ["holm"],
                                "epsilon_sq": [0.3], "significant": [True]})
    # Government answered alike (9 of 10 positive), academia is its companion; community and
    # the private sector stay published, but the highest or lowest of the goal may be withheld.
    table = answers({"gov": [0, 0, 1, 3, 6], "aca": [2, 2, 2, 2, 2], "com": [3, 3, 3, 3, 3], "pri": [4, 4, 4, 4, 4]})
    groups = withheld_groups(table, cells=CELLS, within=["goal_id"], min_cell_size=M)
    assert groups["withheld_as"].tolist() == ["primary", "complementary", "", ""]
    labels = ["Government", "Academia", "Community", "Private sector"]
    group_scores = withhold_answers(scores_of(table), groups).assign(group_label=labels)
    text = findings_workshop(goal_scores, group_scores=group_scores, differences=differences, min_cell_size=M)
    assert "G01" in text and "highest among" not in text
    for value in scores_of(table)["mean"]:
        assert f"{value:.2f}" not in text
    # with every group published the range is named, as before
    shown = scores_of(table).assign(group_label=labels)
    assert "highest among Government" in findings_workshop(goal_scores, group_scores=shown, differences=differences, min_cell_size=M)


def test_a_table_of_support_and_ranks_withholds_each_by_its_own_decision():
    votes = answers({"gov": [0, 0, 0, 1, 9], "aca": [2, 2, 2, 2, 2], "com": [3, 3, 3, 3, 3]}).rename(columns={"goal_id": "focus_area_id"})
    votes["focus_area_id"] = "FA1"
    support = withheld_groups(votes, cells=["stakeholder_group", "focus_area_id"], min_cell_size=M)
    ranks = pd.DataFrame({"stakeholder_group": ["gov"] * 3 + ["aca"] * 3 + ["com"] * 3, "focus_area_id": "FA1", "position": [1, 2, 3] * 3,
                          "count": [3, 4, 3, 2, 2, 6, 9, 5, 1]})
    rank_decision = withheld_groups(ranks, cells=["stakeholder_group", "focus_area_id"], category="position", coarsening=None, min_cell_size=M)
    ranking = pd.DataFrame({"stakeholder_group": ["gov", "aca", "com"], "focus_area_id": "FA1", "n": [10, 10, 15],
                            "mean_rank": [2.0, 2.4, 1.47], "share_first": [0.3, 0.2, 0.6], "mean_support": [4.9, 3.0, 3.0]})
    out = withhold_answers(withhold_answers(ranking, rank_decision, columns=["mean_rank", "share_first"]), support, columns=["mean_support"])
    out = out.set_index("stakeholder_group")
    assert out["answers_withheld"].to_dict() == {"gov": True, "aca": True, "com": False}
    assert math.isnan(out.loc["gov", "mean_support"]) and out.loc["gov", "mean_rank"] == 2.0, "gov answered its support alike, not its ranks"
    assert math.isnan(out.loc["aca", "mean_rank"]) and out.loc["aca", "mean_support"] == 3.0, "aca ranked it alike: 6 of its 10 put it third, 4 elsewhere"
    assert out.loc["com", "mean_rank"] == pytest.approx(1.47)


def test_the_seminar_findings_say_suppressed_for_a_withheld_group_mean():
    from pra_lib.seminar import findings_seminar

    support = pd.DataFrame({"focus_area_id": ["FA1", "FA2"], "focus_area": ["Water", "Mobility"], "n": [40, 40], "mean": [4.2, 3.9],
                            "mean_ci_low": [4.0, 3.7], "mean_ci_high": [4.4, 4.1], "share_support": [0.8, 0.7], "share_oppose": [0.05, 0.1]})
    differences = pd.DataFrame({"focus_area_id": ["FA1"], "focus_area": ["Water"], "value": ["rank"], "pvalue_adj": [0.01], "p_adjust": ["holm"],
                                "significant": [True], "group_top": ["Government"], "group_top_mean": [np.nan], "group_bottom": ["Academia"],
                                "group_bottom_mean": [3.2], "epsilon_sq": [0.2]})
    text = findings_seminar(support, differences=differences, min_cell_size=M)
    assert "Government ranks it highest (mean rank suppressed" in text and "n/a" not in text


def test_the_family_published_elsewhere_may_be_a_column_other_than_the_cells():
    # Two goals of one dimension whose total is published: the second goal's group is the companion.
    table = pd.concat([answers({"gov": [0, 0, 0, 1, 9]}, goal="G01"), answers({"gov": [2, 2, 2, 2, 2]}, goal="G02")]).assign(dimension_id="D1")
    groups = withheld_groups(table, cells=CELLS, within=["dimension_id"], min_cell_size=M)
    assert groups["withheld_as"].tolist() == ["primary", "complementary"]
    assert list(groups.columns) == [*CELLS, "n", "answers_withheld", "withheld_as"], "the decision is keyed by the cells only"


# --- Channel means (01's mode effect) ---------------------------------------------------------

def _channel_answers(offline: list, online: list, goal: str = "G01") -> pd.DataFrame:
    """Answers per category (1-5) of one goal by channel."""
    return pd.DataFrame({"goal_id": goal, "channel": ["offline"] * 5 + ["online"] * 5, "category": list("12345") * 2, "count": [*offline, *online]})


def test_a_channel_that_answered_alike_has_its_mean_withheld_with_the_other_channel():
    """The mode-effect table publishes each channel's mean next to the goal's n per channel;
    the goal's own scores are published too, so the other channel's mean would give a
    withheld one back (goal mean x n minus it): both are withheld, and the difference with
    them. A goal whose channels spread their answers keeps its means."""
    from pra_lib.publishing.score_disclosure import withhold_channel_means

    answers = pd.concat([_channel_answers([0, 6, 0, 0, 0], [20, 30, 40, 30, 20]), _channel_answers([2, 3, 1, 3, 2], [20, 30, 40, 30, 20], goal="G02")])
    decided = withheld_groups(answers, cells=["goal_id", "channel"], within=["goal_id"], min_cell_size=5)
    assert decided.set_index(["goal_id", "channel"])["withheld_as"].to_dict() == {
        ("G01", "offline"): "primary", ("G01", "online"): "complementary", ("G02", "offline"): "", ("G02", "online"): ""}
    mode = pd.DataFrame({"goal_id": ["G01", "G02"], "n_online": [140, 140], "n_offline": [6, 11], "mean_online": [3.0, 3.0],
                         "mean_offline": [2.0, 2.9], "mean_difference": [1.0, 0.1], "pvalue": [0.01, 0.8]})
    out = withhold_channel_means(mode, decided).set_index("goal_id")
    assert out.loc["G01", ["mean_online", "mean_offline", "mean_difference"]].isna().all() and out.loc["G01", "answers_withheld"]
    assert out.loc["G01", "n_offline"] == 6, "its n stays published"
    assert out.loc["G02", ["mean_online", "mean_offline", "mean_difference"]].tolist() == [3.0, 2.9, 0.1] and not out.loc["G02", "answers_withheld"]
    assert mode["mean_offline"].tolist() == [2.0, 2.9], "the input is not modified"


def test_no_channel_of_the_sample_answered_alike_so_its_mode_effect_means_are_published(sample_dir):
    """On the sample each channel's answers to a goal are spread over the scale: the fewest
    answers outside a channel's most frequent category (of five, or of three sides) is far
    above min_cell_size, so no channel mean discloses what its respondents said."""
    import pra_lib as pra
    from pra_lib import perception
    from pra_lib.publishing.score_disclosure import THREE_WAY

    survey = perception.ratings_frame(pra.load_assessment(sample_dir, errors="collect"), activity_id="questionnaire", aspect="performance")
    answers = perception.likert_counts(survey, by="channel")
    decided = withheld_groups(answers, cells=["goal_id", "channel"], within=["goal_id"], min_cell_size=5)
    assert len(decided) == 24 and not decided["answers_withheld"].any()
    on_scale = answers[answers["category"].astype(str) != "dont_know"].assign(side=lambda a: a["category"].astype(str).map(THREE_WAY))
    for column in ("category", "side"):
        split = on_scale.groupby(["goal_id", "channel", column], observed=True)["count"].sum().groupby(["goal_id", "channel"])
        assert (split.sum() - split.max()).min() >= 5 * 10


# --- Test statistics of a withheld group (issue 11) ------------------------------------------

def _ratings(counts) -> np.ndarray:
    return np.repeat(np.arange(1, 6), counts)


def test_a_goal_test_involving_a_withheld_group_is_withheld_as_its_h_narrows_the_groups_answers():
    """Kruskal-Wallis H with the published groups' answers narrows the withheld pool's split
    between its groups to a few (here 8 of the 120 splits the goal's answers allow, the true
    one among them): the test of such a goal is withheld, that of the other goal is not, and
    the adjusted p-values stay those of the whole family."""
    from scipy import stats as st_

    from pra_lib.publishing.score_disclosure import withhold_tests

    published = {"com": [3, 3, 3, 3, 3], "pri": [1, 4, 2, 5, 3]}
    hidden = {"gov": [0, 0, 1, 8, 1], "aca": [2, 1, 3, 2, 2]}
    table = answers({**hidden, **published})
    decided = withheld_groups(table, cells=CELLS, within=["goal_id"], min_cell_size=M)
    assert decided["withheld_as"].tolist() == ["primary", "complementary", "", ""]

    def h(gov, aca):
        return round(st_.kruskal(_ratings(gov), _ratings(aca), *(_ratings(c) for c in published.values())).statistic, 5)

    published_h = h(hidden["gov"], hidden["aca"])
    pool = np.add(hidden["gov"], hidden["aca"])
    splits = [g for g in np.ndindex(*(pool + 1)) if sum(g) == sum(hidden["gov"])]
    fits = [g for g in splits if h(list(g), list(pool - g)) == published_h]
    assert tuple(hidden["gov"]) in fits and len(fits) <= len(splits) // 10, "the published H narrows the withheld answers down"

    decided = pd.concat([decided, withheld_groups(answers({"gov": [2, 2, 2, 2, 2], "com": [3, 3, 3, 3, 3]}, goal="G02"), cells=CELLS,
                                                  within=["goal_id"], min_cell_size=M)], ignore_index=True)
    kw = pd.DataFrame({"goal_id": ["G01", "G02"], "h": [published_h, 0.4], "dof": [3, 1], "pvalue": [0.32, 0.53], "pvalue_adj": [0.64, 0.64],
                       "significant": [False, False], "epsilon_sq": [0.08, 0.01], "eta_sq_h": [0.01, 0.0], "n": [40, 25], "k": [4, 2]})
    out = withhold_tests(kw, decided).set_index("goal_id")
    assert out.loc["G01", ["h", "pvalue", "pvalue_adj", "significant", "epsilon_sq", "eta_sq_h"]].isna().all()
    assert out["test_withheld"].to_dict() == {"G01": True, "G02": False}
    assert out.loc["G02", ["h", "pvalue", "pvalue_adj"]].tolist() == [0.4, 0.53, 0.64], "the other goal's adjusted p is that of the family"
    assert out.loc["G01", ["n", "k", "dof"]].tolist() == [40, 4, 3], "the counts stay published"
    assert kw["h"].tolist() == [published_h, 0.4], "the input is not modified"


def test_a_pair_test_is_withheld_when_either_group_of_the_pair_is_withheld():
    """Dunn's z of a pair with a published group gives the withheld group's mean rank back."""
    from pra_lib.publishing.score_disclosure import withhold_tests

    decided = withheld_groups(answers({"gov": [0, 0, 1, 8, 1], "aca": [2, 1, 3, 2, 2], "com": [3, 3, 3, 3, 3], "pri": [1, 4, 2, 5, 3]}),
                              cells=CELLS, within=["goal_id"], min_cell_size=M)
    pairs = pd.DataFrame({"goal_id": "G01", "group_a": ["gov", "aca", "com"], "group_b": ["com", "pri", "pri"],
                          "label_a": ["Government", "Academia", "Community"], "label_b": ["Community", "Private", "Private"],
                          "z": [2.1, -0.3, 0.2], "pvalue": [0.03, 0.7, 0.8], "pvalue_adj": [0.2, 1.0, 1.0], "significant": [False, False, False]})
    out = withhold_tests(pairs, decided, group="stakeholder_group", named=["group_a", "group_b"])
    assert out["test_withheld"].tolist() == [True, True, False]
    assert out.loc[:1, ["z", "pvalue", "pvalue_adj", "significant"]].isna().all().all()
    assert out.loc[2, ["z", "pvalue"]].tolist() == [0.2, 0.8]
    with pytest.raises(KeyError, match="group 'channel'"):
        withhold_tests(pairs, decided, group="channel", named=["group_a"])


def test_the_mode_effect_test_is_withheld_with_a_withheld_channel_and_left_out_of_the_findings():
    from pra_lib.perception import findings_questionnaire
    from pra_lib.publishing.score_disclosure import withhold_channel_means, withhold_tests

    answers_ = pd.concat([_channel_answers([0, 6, 0, 0, 0], [20, 30, 40, 30, 20]), _channel_answers([2, 3, 1, 3, 2], [20, 30, 40, 30, 20], goal="G02")])
    decided = withheld_groups(answers_, cells=["goal_id", "channel"], within=["goal_id"], min_cell_size=M)
    mode = pd.DataFrame({"goal_id": ["G01", "G02"], "goal_label": ["Basic needs", "Livelihoods"], "n_online": [140, 140], "n_offline": [6, 11],
                         "n": [6, 11], "mean_online": [3.0, 3.0], "mean_offline": [2.0, 2.9], "mean_difference": [1.0, 0.1], "u": [600.0, 700.0],
                         "rank_biserial": [0.43, 0.09], "pvalue": [0.001, 0.8], "pvalue_adj": [0.002, 0.8], "p_adjust": "holm", "significant": [True, False]})
    out = withhold_tests(withhold_channel_means(mode, decided), decided).set_index("goal_id")
    assert out.loc["G01", ["u", "rank_biserial", "pvalue", "pvalue_adj", "significant"]].isna().all() and out.loc["G01", "test_withheld"]
    assert out.loc["G02", ["u", "rank_biserial"]].tolist() == [700.0, 0.09] and not out.loc["G02", "test_withheld"]
    goal_scores = pd.DataFrame({"goal_id": ["G01", "G02"], "goal_label": ["Basic needs", "Livelihoods"], "n": [146, 151], "mean": [3.0, 3.0],
                                "ci_low": [2.8, 2.8], "ci_high": [3.2, 3.2]})
    text = findings_questionnaire(goal_scores, mode=out.reset_index(), min_cell_size=M)
    assert "0.43" not in text and "Basic needs" not in text.split("\n")[-1]


TEST_TABLES = {  # test table -> (score table whose decision it follows, the test's unit column)
    ("01_questionnaire", "group_differences"): ("scores_by_group", "goal_id"),
    ("03_city_perception_workshop", "group_differences"): ("scores_by_group", "goal_id"),
    ("07_pra_seminar", "group_differences_support"): ("support_by_group", "focus_area_id"),
}


def test_no_published_test_involves_a_withheld_group(run):
    """Issue 11 on the sample: a goal's or focus area's test with a withheld group keeps its n
    only (03's G08, where academia answered alike and the private sector protects it, and the
    seminar's support of FA2, FA3 and FA4); every other test stays published."""
    from pra_lib.publishing.score_disclosure import TEST_STATISTICS

    withheld_tests = set()
    for (report, name), (scores, unit) in TEST_TABLES.items():
        tests = _table(run, report, name)
        groups = _table(run, report, scores)
        involved = set(groups.loc[_flag(groups, "answers_withheld"), unit])
        flagged = set(tests.loc[_flag(tests, "test_withheld"), unit])
        assert flagged == involved, f"{report}/{name}: tests withheld {sorted(flagged)}, groups withheld in {sorted(involved)}"
        for column in [c for c in TEST_STATISTICS if c in tests]:
            assert tests.loc[tests[unit].isin(involved), column].isna().all(), f"{report}/{name}: {column} of a test with a withheld group is published"
        assert tests.loc[~tests[unit].isin(involved), "pvalue_adj"].notna().all()
        withheld_tests |= {(report, u) for u in flagged}
    assert ("03_city_perception_workshop", "G08") in withheld_tests
    assert {u for r, u in withheld_tests if r == "07_pra_seminar"} == {"FA2", "FA3", "FA4"}


# --- Statistics that pool a withheld group's answers with others' (issue 11) -----------------

def _workshop(tables: dict[str, dict[str, list[int]]], by: str = "workshop_table") -> pd.DataFrame:
    """Long ratings of workshop tables: answers per category (1 to 5) of each table to each goal."""
    rows = []
    for table, goals in tables.items():
        for goal, counts in goals.items():
            for i, rating in enumerate(_ratings(counts)):
                rows.append({"respondent_id": f"{table}-{i}", "goal_id": goal, "rating": float(rating), "dont_know": False, by: table})
    return pd.DataFrame(rows)


def test_a_pair_test_between_two_published_groups_tells_nothing_of_how_the_withheld_groups_split():
    """Dunn's z of two published groups ranks their answers among every group's, so it does
    depend on the withheld groups' answers, but only through the goal's answers per category
    (the pooled ranks of a category are fixed by how many gave each answer), which the report
    publishes. Enumerated: every one of the 120 splits of the withheld pool between
    government and academia that the goal's total allows gives the published z exactly, so
    the pair stays published (withhold_tests keeps it)."""
    from pra_lib import stats
    from pra_lib.publishing.score_disclosure import withhold_tests

    published = {"com": [3, 3, 3, 3, 3], "pri": [1, 4, 2, 5, 3]}
    hidden = {"gov": [0, 0, 1, 8, 1], "aca": [2, 1, 3, 2, 2]}
    decided = withheld_groups(answers({**hidden, **published}), cells=CELLS, within=["goal_id"], min_cell_size=M)
    assert decided.set_index("stakeholder_group")["answers_withheld"].to_dict() == {"gov": True, "aca": True, "com": False, "pri": False}

    def z(groups):
        long = pd.DataFrame([{"g": g, "rating": r} for g, counts in groups.items() for r in _ratings(counts)])
        d = stats.dunn(long, dv="rating", between="g", p_adjust="none")
        return d.loc[(d["group_a"] == "com") & (d["group_b"] == "pri"), "z"].item()

    published_z = z({**hidden, **published})
    pool = np.add(hidden["gov"], hidden["aca"])
    splits = [g for g in np.ndindex(*(pool + 1)) if sum(g) == sum(hidden["gov"])]
    assert len(splits) == 120
    values = {round(z({"gov": list(g), "aca": list(pool - g), **published}), 12) for g in splits}
    assert values == {round(published_z, 12)}, "z between two published groups is the same for every split: it narrows nothing"
    pairs = pd.DataFrame({"goal_id": "G01", "group_a": ["com", "aca"], "group_b": ["pri", "com"], "z": [published_z, 1.0], "pvalue": [0.5, 0.3]})
    out = withhold_tests(pairs, decided, group="stakeholder_group", named=["group_a", "group_b"])
    assert out["test_withheld"].tolist() == [False, True] and out.loc[0, "z"] == published_z


def test_a_tables_alpha_pins_down_its_withheld_goal_and_is_withheld_with_it():
    """Krippendorff's alpha of a workshop table is one number over all goals, but with the
    table's published goals it is a function of the withheld goal's answers alone.
    Enumerated: of the 180 splits of the withheld pool (T2 with its companion T1) that the
    goal's total allows, only the true one gives T2's published alpha, so the alpha of a
    table (or group) with a withheld goal is withheld (with its reading); the alpha of a
    table with none withheld, and of everyone, are functions of published answers and stay."""
    from pra_lib import perception
    from pra_lib.publishing.score_disclosure import withhold_tests

    tables = {"T1": {"G01": [2, 3, 3, 2, 2], "G02": [1, 3, 3, 3, 2], "G03": [3, 3, 2, 2, 2]},
              "T2": {"G01": [0, 0, 1, 11, 0], "G02": [2, 3, 2, 3, 2], "G03": [1, 2, 3, 3, 3]},
              "T3": {"G01": [2, 2, 3, 3, 2], "G02": [3, 2, 2, 3, 2], "G03": [2, 3, 2, 3, 2]}}
    frame = _workshop(tables)
    decided = withheld_groups(perception.likert_counts(frame, by="workshop_table"), cells=["goal_id", "workshop_table"], within=["goal_id"], min_cell_size=M)
    hidden = decided[decided["answers_withheld"]]
    assert hidden["goal_id"].tolist() == ["G01", "G01"] and set(hidden["workshop_table"]) == {"T2", "T1"}
    published = perception.agreement(frame, by="workshop_table").set_index("workshop_table")

    pool = np.add(tables["T2"]["G01"], tables["T1"]["G01"])
    splits = [g for g in np.ndindex(*(pool + 1)) if sum(g) == 12]
    fits, everyone = [], set()
    for g in splits:
        alpha = perception.agreement(_workshop({**tables, "T2": {**tables["T2"], "G01": list(g)}, "T1": {**tables["T1"], "G01": list(pool - g)}}),
                                     by="workshop_table").set_index("workshop_table")["alpha"]
        if alpha["T2"] == published.loc["T2", "alpha"]:
            fits.append(g)
        everyone.add(alpha[perception.ALL])
    assert len(splits) == 180 and fits == [(0, 0, 1, 11, 0)], "the table's alpha gives its withheld answers back"
    assert everyone == {published.loc[perception.ALL, "alpha"]}, "everyone's alpha rests on the goals' published totals"

    out = withhold_tests(published.reset_index(), decided).set_index("workshop_table")
    assert out.loc[["T1", "T2"], ["alpha", "interpretation"]].isna().all().all()
    assert out["test_withheld"].to_dict() == {"T1": True, "T2": True, "T3": False, perception.ALL: False}
    assert out.loc["T3", "alpha"] == published.loc["T3", "alpha"] and out.loc["T2", "n"] == 12


@pytest.mark.filterwarnings("ignore:scores. .* cell.s. have no ratings:RuntimeWarning")  # goals and dimensions no one rated here
def test_a_goal_everyone_answered_alike_keeps_its_n_only_in_every_score_table():
    """A whole goal answered alike (all but fewer than min_cell_size gave one answer) is a
    group disclosure of every respondent: its answers per category were withheld, but its
    mean and shares said the same. One decision per goal (withheld_groups with the goal as
    the cell) withholds its scores, its dimension's (three times the dimension's mean minus
    the other goals' would give it back), everyone's alpha over the goals, and the findings
    do not name it as the weakest goal."""
    from pra_lib import perception
    from pra_lib.publishing.score_disclosure import roll_up, withhold_pooled

    goals = {"G01": [0, 1, 1, 20, 2], "G02": [5, 5, 5, 5, 4], "G03": [4, 5, 6, 5, 4], "G04": [2, 6, 6, 6, 4]}
    frame = _workshop({"T1": goals})
    decided = withheld_groups(perception.likert_counts(frame), cells=["goal_id"], min_cell_size=M)
    assert decided.loc[decided["answers_withheld"], "goal_id"].tolist() == ["G01"]

    scores = perception.scores(frame, n_resamples=200, seed=1)
    out = withhold_answers(scores, decided).set_index("goal_id")
    assert out.loc["G01", ["mean", "median", "ci_low", "ci_high", "share_positive", "share_neutral", "share_negative"]].isna().all()
    assert out.loc["G01", "n"] == 24 and out.loc["G02", "mean"] == scores.set_index("goal_id").loc["G02", "mean"]
    assert out["answers_withheld"].to_dict() == {g: g == "G01" for g in out.index}

    dimensions = withhold_answers(perception.scores(frame, level="dimension", n_resamples=200, seed=1), roll_up(decided, scores, to="dimension_id"))
    withheld_dimension = scores.set_index("goal_id").loc["G01", "dimension_id"]
    assert dimensions.set_index("dimension_id").loc[withheld_dimension, "mean"] != dimensions.set_index("dimension_id").loc[withheld_dimension, "mean"]
    others = dimensions[(dimensions["dimension_id"] != withheld_dimension) & (dimensions["n"] > 0)]
    assert len(others) and others["mean"].notna().all()

    alpha = withhold_pooled(perception.agreement(frame, by="workshop_table"), decided, where={"workshop_table": perception.ALL}).set_index("workshop_table")
    assert pd.isna(alpha.loc[perception.ALL, "alpha"]) and alpha.loc[perception.ALL, "test_withheld"]

    text = perception.findings_workshop(out.reset_index(), min_cell_size=M)
    assert "G01" not in text and "G02" in text
    with pytest.raises(KeyError, match="not among"):
        roll_up(decided.rename(columns={"goal_id": "goal"}), scores, to="dimension_id")


def test_a_focus_area_everyone_ranked_alike_is_withheld_with_a_companion():
    """The seminar's whole ranking: a focus area that (almost) everyone put first keeps its
    n only, and, as the mean ranks of complete ballots add up to k(k+1)/2, a companion is
    withheld with it (seminar.protect_rank_totals over the focus areas alone)."""
    from pra_lib import seminar

    ballots = [[1, 2, 3]] * 12 + [[1, 3, 2]] * 10 + [[2, 1, 3]] * 2
    votes = pd.DataFrame([{"respondent_id": f"p{i}", "focus_area_id": fa, "rank": r, "support": 4}
                          for i, b in enumerate(ballots) for fa, r in zip(["FA1", "FA2", "FA3"], b)])
    overall = seminar.seminar_ranking(votes)
    decided = seminar.protect_rank_totals(withheld_groups(seminar.rank_distribution(votes), cells=["focus_area_id"], category="position",
                                                          coarsening=None, min_cell_size=M), table=overall)
    assert decided.set_index("focus_area_id")["withheld_as"].to_dict() == {"FA1": "primary", "FA2": "complementary", "FA3": ""}
    out = seminar.withhold_ranks(overall, decided, data=votes).set_index("focus_area_id")
    assert out.loc[["FA1", "FA2"], ["rank", "mean_rank", "borda", "share_first"]].isna().all().all()
    assert out.loc["FA3", "rank"] == 1, "the published focus area is ranked among the published ones only"


ALPHA_TABLES = {  # 03's alpha table -> the score table whose decision it follows
    "agreement_by_table": ("scores_by_table", "workshop_table"),
    "agreement_by_group": ("scores_by_group", "stakeholder_group"),
}


def test_no_alpha_of_a_table_or_group_with_a_withheld_goal_is_published(run):
    """On the sample: a workshop table's or stakeholder group's Krippendorff's alpha is
    withheld exactly when one of its goals is (7 of the 8 tables, academia and the private
    sector), with its reading; everyone's alpha rests on the goals' published answers and
    stays; no whole goal, and no seminar focus area, was answered alike, so every goal score
    and everyone's Kendall's W stay published."""
    withheld_alpha = {}
    for name, (scores, by) in ALPHA_TABLES.items():
        alpha = _table(run, "03_city_perception_workshop", name)
        groups = _table(run, "03_city_perception_workshop", scores)
        involved = set(groups.loc[_flag(groups, "answers_withheld"), by])
        flagged = set(alpha.loc[_flag(alpha, "test_withheld"), by])
        assert flagged == involved, f"{name}: alpha withheld for {sorted(flagged)}, goals withheld for {sorted(involved)}"
        assert alpha.loc[alpha[by].isin(involved), ["alpha", "interpretation"]].isna().all().all()
        assert alpha.loc[~alpha[by].isin(involved), "alpha"].notna().all()
        withheld_alpha[name] = flagged
    assert len(withheld_alpha["agreement_by_table"]) == 7 and withheld_alpha["agreement_by_group"] == {"academia", "private"}
    for report in ("01_questionnaire", "03_city_perception_workshop"):
        scores = _table(run, report, "goal_scores")
        assert not _flag(scores, "answers_withheld").any() and scores["mean"].notna().all()
    for name in ("support", "seminar_ranking"):
        assert not _flag(_table(run, "07_pra_seminar", name), "answers_withheld").any()
    consensus = _table(run, "07_pra_seminar", "consensus")
    assert consensus.loc[consensus["scope"] == "all participants", "w"].notna().all()


def test_every_quadrant_is_withheld_with_the_centre_it_was_decided_against(tmp_path):
    """A disclosure review: with a goal everyone answered alike, 01 withheld the goal's
    performance and the centre line (the mean of every goal's performance), but published
    every other goal's quadrant and candidate-weakness flag, each decided against that true
    centre: an inequality on it, and so on the withheld performance."""
    import shutil

    from pra_lib.runner import run_reports

    folder = tmp_path / "alike"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "sample", folder)
    ratings = pd.read_csv(folder / "perception_ratings.csv", dtype=str, keep_default_na=False)
    g01 = (ratings["activity_id"] == "questionnaire") & (ratings["goal_id"] == "G01") & (ratings["aspect"] == "performance")
    ratings.loc[g01, "rating"] = "buruk"  # everyone: poor
    ratings.to_csv(folder / "perception_ratings.csv", index=False)
    summary = run_reports([folder], out=tmp_path / "out", only=["01_questionnaire"], progress=lambda line: None)
    assert summary.ok, [f"{r.notebook}: {r.error}" for r in summary.failed]
    ipa = pd.read_csv(next((tmp_path / "out").glob("*/01_questionnaire/tables/importance_performance.csv"))).set_index("goal_id")
    assert pd.isna(ipa.loc["G01", "performance"]) and ipa.loc["G01", "n"] > 100
    assert ipa["performance_centre"].isna().all()
    assert ipa[["quadrant", "candidate_weakness"]].isna().all().all(), ipa[["quadrant", "candidate_weakness"]]
    assert ipa.drop(index="G01")["performance"].notna().all(), "the other goals' performance stays"


# --- Tests over another breakdown than the withheld one, and alpha of averaged ratings ------------

def _on_channels(total: dict[str, np.ndarray], online: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long ratings of one goal: each group's answers per category, ``online`` of them online, the rest on paper."""
    rows = []
    for group, counts in total.items():
        for category, k in enumerate(counts):
            for j in range(int(k)):
                rows.append({"respondent_id": f"{group}-{category}-{j}", "goal_id": "G01", "rating": float(category + 1), "dont_know": False,
                             "stakeholder_group": group, "channel": "online" if j < online[group][category] else "offline"})
    return pd.DataFrame(rows)


def _parts(counts, size: int) -> np.ndarray:
    """Every way to take ``size`` answers out of the answers per category ``counts``."""
    import itertools

    found = [c for c in itertools.product(*(range(int(k) + 1) for k in counts)) if sum(c) == size]
    return np.array(found, dtype=int).reshape(-1, len(counts))


def _mode_statistics(on: np.ndarray, off: np.ndarray) -> tuple:
    """U of the online answers (ties count half) and the two channel means, from answers per category by channel."""
    below = np.cumsum(off, axis=-1) - off
    scale = np.arange(1, 6)
    return (np.round((on * (below + 0.5 * off)).sum(-1), 9), np.round((on * scale).sum(-1) / on.sum(-1), 9),
            np.round((off * scale).sum(-1) / off.sum(-1), 9))


@pytest.mark.filterwarnings("ignore:mann_whitney. an empty sample:RuntimeWarning")  # the goals no one rated here
def test_the_mode_effect_of_a_goal_with_a_withheld_group_can_give_the_group_back_and_is_withheld():
    """The mode effect compares channels, not groups, but rests on the goal's answers by
    channel, which nothing publishes, while the respondents by group and channel are
    published (01's ``respondents``). Enumerated as a reader would: for every split of the
    withheld pool (government, primary, and academia, its companion) that the goal's total
    allows, every way the groups' answers could fall on the two channels given how many of
    each group answered on each. When government answered online and everyone else on
    paper, the published U and channel means fit 4 of the 120 splits (the true one among
    them); when academia and community answered on both channels, all 120 fit. The rule
    cannot tell the two apart from the published tables alone, so the mode effect of a goal
    with a withheld group is withheld (``withhold_mode_effect``)."""
    from pra_lib import perception
    from pra_lib.publishing.score_disclosure import withhold_mode_effect

    total = {"gov": np.array([0, 0, 1, 8, 1]), "aca": np.array([2, 1, 3, 2, 2]), "com": np.array([3, 3, 3, 3, 3]), "pri": np.array([1, 4, 2, 5, 3])}
    decided = withheld_groups(answers({g: list(c) for g, c in total.items()}), cells=CELLS, within=["goal_id"], min_cell_size=M)
    assert decided["withheld_as"].tolist() == ["primary", "complementary", "", ""]
    none = np.zeros(5, dtype=int)
    layouts = {"aligned": {"gov": total["gov"], "aca": none, "com": none, "pri": none},
               "mixed": {"gov": total["gov"], "aca": np.array([1, 0, 1, 1, 1]), "com": np.array([1, 1, 1, 1, 1]), "pri": none}}
    pool = total["gov"] + total["aca"]
    splits = [np.array(g) for g in np.ndindex(*(pool + 1)) if sum(g) == total["gov"].sum()]
    everyone = sum(total.values())
    fitting = {}
    for name, online in layouts.items():
        frame = _on_channels(total, online)
        published = perception.mode_effect(frame).set_index("goal_id").loc["G01"]
        truth = _mode_statistics(sum(online.values()), everyone - sum(online.values()))
        assert published["u"] == truth[0] and published["mean_online"] == pytest.approx(truth[1], abs=1e-5)
        on_line = {g: int(c.sum()) for g, c in online.items()}
        others = _parts(total["com"], on_line["com"])[:, None, None, :] + _parts(total["pri"], on_line["pri"])[None, :, None, :]
        fits = []
        for gov in splits:
            ways = (_parts(gov, on_line["gov"])[:, None, :] + _parts(pool - gov, on_line["aca"])[None, :, :]).reshape(-1, 5)
            on = (others.reshape(-1, 1, 5) + ways[None, :, :]).reshape(-1, 5)
            u, mean_on, mean_off = _mode_statistics(on, everyone - on)
            if ((u == truth[0]) & (mean_on == truth[1]) & (mean_off == truth[2])).any():
                fits.append(tuple(int(v) for v in gov))
        assert tuple(total["gov"]) in fits
        fitting[name] = len(fits)
    assert len(splits) == 120 and fitting == {"aligned": 4, "mixed": 120}, fitting

    mode = perception.mode_effect(_on_channels(total, layouts["aligned"]))
    out = withhold_mode_effect(mode, decided).set_index("goal_id")
    assert out.loc["G01", ["u", "rank_biserial", "pvalue", "pvalue_adj", "significant", "mean_online", "mean_offline", "mean_difference"]].isna().all()
    assert bool(out.loc["G01", "test_withheld"]) and out.loc["G01", ["n_online", "n_offline"]].tolist() == [10, 40], "the n's stay published"
    assert out.loc["G02", "test_withheld"] == False and out.loc["G02", ["u", "mean_online"]].isna().all(), "a goal nobody rated has nothing to withhold"  # noqa: E712
    assert mode["u"].notna().iloc[0], "the input is not modified"


@pytest.mark.filterwarnings("ignore:group_differences. nobody rated:RuntimeWarning")  # the goals no one rated here
def test_a_test_by_stakeholder_group_tells_nothing_of_how_withheld_workshop_tables_split():
    """While two workshop tables' answers to a goal are withheld (T2 answered alike, T1 is its
    companion), the goal's Kruskal-Wallis test by stakeholder group stays published: it is
    a function of the groups' answers per category (01 publishes them). Enumerated: every
    split of the two tables' pool has a seating that keeps the groups' answers (each table
    seats 6 of government and 6 of community: all 192 splits of its 12) gives the published
    H exactly."""
    from pra_lib import perception

    seats = {"T1": {"gov": [1, 1, 2, 1, 1], "com": [2, 1, 1, 1, 1]}, "T2": {"gov": [0, 0, 0, 6, 0], "com": [0, 0, 0, 5, 1]},
             "T3": {"gov": [1, 2, 1, 1, 1], "com": [1, 1, 2, 1, 1]}}

    def frame(layout):
        rows = []
        for table, groups in layout.items():
            for group, counts in groups.items():
                for i, rating in enumerate(_ratings(counts)):
                    rows.append({"respondent_id": f"{table}-{group}-{i}", "goal_id": "G01", "rating": float(rating), "dont_know": False,
                                 "workshop_table": table, "stakeholder_group": group})
        return pd.DataFrame(rows)

    truth = frame(seats)
    decided = withheld_groups(perception.likert_counts(truth, by="workshop_table"), cells=["goal_id", "workshop_table"], within=["goal_id"], min_cell_size=M)
    assert decided[decided["goal_id"].eq("G01")].set_index("workshop_table")["answers_withheld"].to_dict() == {"T1": True, "T2": True, "T3": False}
    published_h = perception.group_differences(truth, between="stakeholder_group").set_index("goal_id").loc["G01", "h"]
    pools = {g: np.add(seats["T1"][g], seats["T2"][g]) for g in ("gov", "com")}
    table_pool = pools["gov"] + pools["com"]
    splits = [np.array(s) for s in np.ndindex(*(table_pool + 1)) if sum(s) == 12]
    values, realised = set(), 0
    for t2 in splits:
        for gov in _parts(pools["gov"], 6):
            com = t2 - gov
            if (com < 0).any() or (com > pools["com"]).any():
                continue
            layout = {**seats, "T2": {"gov": list(gov), "com": list(com)}, "T1": {"gov": list(pools["gov"] - gov), "com": list(pools["com"] - com)}}
            values.add(perception.group_differences(frame(layout), between="stakeholder_group").set_index("goal_id").loc["G01", "h"])
            realised += 1
            break  # one layout per split is enough: H is the same for all
    assert realised == len(splits) == 192 and values == {published_h}, "H by group is a function of the groups' published answers"


def test_the_alpha_of_averaged_ratings_is_withheld_as_whole_ratings_are():
    """A goal's rating is the mean of its indicators' when a rater rated several: not a whole
    number. The decision to withhold reads the ratings rounded to the scale (as
    ``likert_counts`` publishes them; rounding never spreads answers that were alike), so
    T2, whose averaged ratings of G01 (3.5, 4 and 4.5) all round to 4, is withheld, with a
    companion. Enumerated as for whole ratings (with the smallest threshold a run allows,
    3, to keep the tables small): of the ways to deal the withheld pool of averaged ratings
    between T2 and its companion, T2's alpha fits only the true one of 144, so it is
    withheld with its reading; everyone's alpha pools each goal's ratings whoever gave
    them, is the same for every way, and stays."""
    from pra_lib import perception
    from pra_lib.publishing.score_disclosure import withhold_tests

    k = 3
    halves = {"T1": {"G01": [1.0, 1.5, 2.5, 3.0, 3.5, 4.5], "G02": [1.5, 2.0, 3.0, 3.5, 4.0, 5.0], "G03": [2.0, 2.5, 3.0, 4.0, 4.5, 1.0]},
              "T2": {"G01": [3.5, 4.0, 4.5, 4.0, 4.0, 3.5], "G02": [2.5, 3.0, 1.5, 4.5, 3.5, 2.0], "G03": [1.0, 3.0, 5.0, 2.5, 4.0, 3.5]},
              "T3": {"G01": [2.0, 3.0, 4.0, 5.0, 1.0, 3.5], "G02": [3.0, 2.0, 4.5, 1.0, 5.0, 3.5], "G03": [4.5, 2.0, 1.5, 3.0, 5.0, 2.5]}}

    def frame(layout):
        # each rater's goal rating is the mean of two whole-number indicator ratings
        rows = []
        for table, goals in layout.items():
            for goal, ratings in goals.items():
                for i, r in enumerate(ratings):
                    for j, value in enumerate((math.floor(r), math.ceil(r))):
                        rows.append({"respondent_id": f"{table}-{i}", "goal_id": goal, "indicator_id": f"{goal}.{j}", "rating": float(value),
                                     "dont_know": False, "workshop_table": table})
        return pd.DataFrame(rows)

    truth = frame(halves)
    with pytest.warns(RuntimeWarning, match="rounded"):
        counts = perception.likert_counts(truth, by="workshop_table")
    decided = withheld_groups(counts, cells=["goal_id", "workshop_table"], within=["goal_id"], min_cell_size=k)
    hidden = decided[decided["answers_withheld"]].set_index("workshop_table")
    assert hidden["goal_id"].tolist() == ["G01", "G01"] and hidden.loc["T2", "withheld_as"] == "primary"
    companion = hidden.index[hidden["withheld_as"].eq("complementary")].item()
    published = perception.agreement(truth, by="workshop_table").set_index("workshop_table")
    assert published["alpha"].notna().all()

    values, counts_ = np.unique(halves["T2"]["G01"] + halves[companion]["G01"], return_counts=True)
    splits = _parts(counts_, 6)
    fits, everyone = [], set()
    for take in splits:
        t2, rest = list(np.repeat(values, take)), list(np.repeat(values, counts_ - take))
        alpha = perception.agreement(frame({**halves, "T2": {**halves["T2"], "G01": t2}, companion: {**halves[companion], "G01": rest}}),
                                     by="workshop_table").set_index("workshop_table")["alpha"]
        if alpha["T2"] == published.loc["T2", "alpha"]:
            fits.append(sorted(t2))
        everyone.add(alpha[perception.ALL])
    assert len(splits) == 144 and fits == [sorted(halves["T2"]["G01"])], "T2's alpha gives its averaged ratings back"
    assert everyone == {published.loc[perception.ALL, "alpha"]}, "everyone's alpha is the same whichever table gave which averaged rating"
    out = withhold_tests(published.reset_index(), decided).set_index("workshop_table")
    assert out.loc[["T2", companion], ["alpha", "interpretation"]].isna().all().all()
    assert out["test_withheld"].to_dict() == {"T1": True, "T2": True, "T3": True, perception.ALL: False} | {t: t in ("T2", companion) for t in ("T1", "T3")}
