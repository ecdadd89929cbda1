"""Group-comparison tests must not give back the groups the run hides, nor a withheld test's p.

Two leaks found by a disclosure review of the workshop (03) and seminar (07) reports:

- A Kruskal-Wallis H (Kruskal & Wallis 1952, "Use of ranks in one-criterion variance
  analysis", JASA 47) computed with the hidden groups apart is a function of their answers:
  with the published groups' answers and the goal's total, enumerating the hidden groups'
  sizes and splits that reproduce H to its six published decimals pins them (government's
  18 people and the 1- and 3-person groups' ratings on the generated assessment of seed 29).
  The tests now compare the hidden groups as one pooled group
  (:func:`pra_lib.publishing.score_disclosure.pool_hidden`), whose answers are the total less
  the published groups'.
- Holm's step-down (Holm 1979, "A simple sequentially rejective multiple test procedure",
  Scand. J. Statist. 6) sets an adjusted p to the largest ``(m - i + 1) p_(i)`` so far: adjusted
  over every test and then withheld, a published adjusted p was k times a withheld test's p
  (the seminar's academia W, 0.034116 = 12 x 0.002843 on the sample). The tests are now
  withheld first and adjusted over the published ones
  (:func:`pra_lib.publishing.score_disclosure.adjust_published`).
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from pra_lib import perception, stats
from pra_lib.publishing.score_disclosure import POOLED_GROUP, adjust_published, pool_hidden, withhold_tests
from pra_lib.stats import adjust_family

# One goal rated 1-5 by five groups: two published (8 and 7 people), two small ones the plan
# hides (1 and 3 people) and the companion it hides with them (6 people).
PUBLISHED = {"academia": [1, 2, 2, 3, 3, 4, 5, 5], "government": [2, 3, 3, 3, 4, 4, 4]}
HIDDEN = {"community": [5], "private": [1, 1, 2], "ngo": [3, 4, 4, 5, 5, 5]}


def _frame(groups: dict[str, list[int]]) -> pd.DataFrame:
    rows = [(f"{g}{i}", g, r) for g, ratings in groups.items() for i, r in enumerate(ratings)]
    return pd.DataFrame({"respondent_id": [r[0] for r in rows], "goal_id": "G01", "stakeholder_group": [r[1] for r in rows],
                         "rating": pd.array([r[2] for r in rows], dtype="Int8")})


def _published_h(data: pd.DataFrame, *, pooled: bool) -> float:
    """The goal's H as the report publishes it: with the hidden groups pooled, or (as before) apart."""
    tests = perception.report_tests(data, hidden={"stakeholder_group": list(HIDDEN) if pooled else []})
    return float(tests["group_differences"].set_index("goal_id").at["G01", "h"])


def _hidden_configurations():
    """Every way to deal the hidden groups' answers (the total less the published groups') into a
    1-4 person group, another 1-4 person group and a companion of at least 5 (the plan's labels)."""
    pool = sorted(r for ratings in HIDDEN.values() for r in ratings)
    counts = [pool.count(c) for c in range(1, 6)]

    def splits(n, caps):
        if len(caps) == 1:
            if n <= caps[0]:
                yield (n,)
            return
        for x in range(min(n, caps[0]) + 1):
            for rest in splits(n - x, caps[1:]):
                yield (x, *rest)

    for small, other in itertools.product(range(1, 5), range(1, 5)):
        if len(pool) - small - other < 5:
            continue
        for first in splits(small, counts):
            left = [a - b for a, b in zip(counts, first)]
            for second in splits(other, left):
                third = [a - b for a, b in zip(left, second)]
                yield tuple(tuple(np.repeat(np.arange(1, 6), g).tolist()) for g in (first, second, third))


def _configurations_fitting(*, pooled: bool) -> list:
    """The hidden configurations whose H, computed as the report computes it, is the published H."""
    published = _published_h(_frame({**PUBLISHED, **HIDDEN}), pooled=pooled)
    fitting = []
    for config in _hidden_configurations():
        candidate = _frame({**PUBLISHED, **dict(zip(HIDDEN, config))})
        if pooled:
            candidate = pool_hidden(candidate, HIDDEN)
        # the report's test of one goal (perception.group_differences runs it per goal)
        h = stats.kruskal_wallis(candidate, dv="rating", between="stakeholder_group").h
        if abs(h - published) <= 5e-6 * max(1.0, abs(published)):  # H is published to 6 significant digits
            fitting.append(config)
    return fitting


@pytest.mark.filterwarnings("ignore")
def test_h_with_hidden_groups_apart_pins_them_and_pooled_does_not():
    """The review's attack on a small table: the H the report publishes fits every hidden configuration.

    Control: with the hidden groups apart (before the fix), the published H fits only a
    handful of the configurations, the true one among them.
    """
    truth = tuple(tuple(v) for v in HIDDEN.values())
    every = list(_hidden_configurations())
    apart = _configurations_fitting(pooled=False)
    assert truth in apart and len(apart) <= 4, (len(apart), len(every))  # the leak the review found
    pooled = _configurations_fitting(pooled=True)
    assert len(pooled) == len(every) > 1


@pytest.mark.filterwarnings("ignore")
def test_pooled_group_is_named_and_no_hidden_group_is():
    data = _frame({**PUBLISHED, **HIDDEN})
    tests = perception.report_tests(data, hidden={"stakeholder_group": list(HIDDEN)}, alpha=0.99)
    named = set(tests["group_pairs"][["group_a", "group_b"]].to_numpy().ravel())
    assert named and not named & set(HIDDEN), named
    assert POOLED_GROUP in named
    row = tests["group_differences"].set_index("goal_id").loc["G01"]
    assert int(row["k"]) == 3 and row["pooled_group"] == "Hidden groups (pooled)"
    frame = pool_hidden(data.assign(group_label=data["stakeholder_group"].str.title()), HIDDEN)
    assert set(frame.loc[frame["stakeholder_group"] == POOLED_GROUP, "group_label"]) == {"Hidden groups (pooled)"}


def _family() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five tests of one report; the one with the smallest p involves a withheld group."""
    tests = pd.DataFrame({"goal_id": ["G01", "G02", "G03", "G04", "G05"], "h": [14.0, 9.0, 8.0, 2.0, 1.0],
                          "pvalue": [0.0004, 0.0011, 0.03, 0.4, 0.6], "significant": False})
    groups = pd.DataFrame({"goal_id": ["G01", "G02"], "stakeholder_group": "community", "n": [6, 6],
                           "answers_withheld": [True, False], "withheld_as": ["primary", ""]})
    return tests, groups


def _carries(adjusted: pd.Series, withheld_p: float, m: int) -> bool:
    """Whether a published adjusted p is k x the withheld p (k = 1..m), to the published 6 decimals."""
    values = pd.to_numeric(adjusted, errors="coerce").dropna().round(6)
    return any(abs(v - k * withheld_p) < 1e-6 for v in values for k in range(1, m + 1))


def test_no_published_adjusted_p_carries_a_withheld_p():
    tests, groups = _family()
    withheld_p = 0.0004
    # Control, the old order (adjust every test, then withhold): G02's Holm p is max(5 x 0.0004, 4 x 0.0011) ...
    old = withhold_tests(adjust_family({"t": tests})["t"], groups)
    # ... here 4 x 0.0011; with G02's p 0.00041 it would carry 5 x 0.0004 (Holm 1979, step-down maximum)
    leaky = withhold_tests(adjust_family({"t": tests.assign(pvalue=[0.0004, 0.00041, 0.03, 0.4, 0.6])})["t"], groups)
    assert _carries(leaky["pvalue_adj"], withheld_p, 5)
    assert not old["test_withheld"].iloc[1]
    # The new order: withhold, then adjust over the published tests.
    for case in (tests, tests.assign(pvalue=[0.0004, 0.00041, 0.03, 0.4, 0.6])):
        out = adjust_published({"t": withhold_tests(case, groups)})["t"]
        assert not _carries(out["pvalue_adj"], withheld_p, 5)
        assert int(out["family_size"].iloc[0]) == 4 == int(out["pvalue"].notna().sum())
        assert out["significant"].isna().tolist() == [True, False, False, False, False]
    # Holm over the four published tests: 4 x 0.00041 = 0.00164 is G02's adjusted p
    out = adjust_published({"t": withhold_tests(tests.assign(pvalue=[0.0004, 0.00041, 0.03, 0.4, 0.6]), groups)})["t"]
    assert out["pvalue_adj"].round(6).tolist()[1] == pytest.approx(0.00164)


def test_adjust_published_refuses_a_withheld_test_with_its_p():
    tests, _ = _family()
    with pytest.raises(ValueError, match="withhold them first"):
        adjust_published({"t": tests.assign(test_withheld=[True, False, False, False, False])})


TEST_TABLES = {
    "01_questionnaire": ("group_differences", "group_pairs", "mode_effect"),
    "03_city_perception_workshop": ("group_differences",),
}


def test_sample_families_are_the_published_tests(sample_reports_en):
    """On the sample, each report's Holm family counts exactly the tests it publishes.

    A family larger than the published p-values would hold withheld tests, whose p a
    published adjusted p may carry (Holm 1979).
    """
    root = next(p for p in sample_reports_en.iterdir() if (p / "01_questionnaire").is_dir())
    checked = 0
    for report, names in TEST_TABLES.items():
        tables = [pd.read_csv(root / report / "tables" / f"{name}.csv") for name in names if (root / report / "tables" / f"{name}.csv").exists()]
        sizes = {int(s) for t in tables for s in t["family_size"].dropna()}
        published = sum(int(pd.to_numeric(t["pvalue"], errors="coerce").notna().sum()) for t in tables)
        assert len(sizes) == 1, (report, sizes)
        assert sizes == {published}, (report, sizes, published)
        withheld = [t.loc[t["test_withheld"].astype(str).str.lower() == "true"] for t in tables if "test_withheld" in t]
        for part in withheld:
            assert part["pvalue"].isna().all() and part["pvalue_adj"].isna().all(), report
        checked += 1
    assert checked == len(TEST_TABLES)
    meta = json.loads((root / "01_questionnaire" / "tables" / "_tables.json").read_text())
    assert "group_differences" in meta["tables"]


# The review of the pooled comparison (b876bc8): one goal rated by academia (8, published), government (3, its cell
# suppressed as primary at a threshold of 5) and community and the private sector, which the plan hides (pooled).
REVIEW = {"academia": [1, 2, 2, 3, 3, 4, 5, 5], "government": [5, 5, 4], "community": [1], "private": [1, 2, 2]}
REVIEW_HIDDEN = ["community", "private"]


def _review_scores(*, government_published: bool) -> pd.DataFrame:
    """The scores by group as Report.table publishes them: the plan's groups and a small cell hidden, n missing."""
    n = [8, 3 if government_published else None, None, None]
    return pd.DataFrame({"goal_id": "G01", "stakeholder_group": list(REVIEW), "n": pd.array(n, dtype="Int64"),
                         "suppressed": [False, not government_published, True, True], "answers_withheld": False})


@pytest.mark.filterwarnings("ignore")
def test_pooled_pair_is_hidden_where_a_published_groups_cell_is_hidden():
    """A pair of the pooled group shows its raters and mean: with government's cell hidden, the goal's less the rest is government's."""
    data = _frame(REVIEW)
    scores = _review_scores(government_published=False)
    # the pairs as the review saw them, with government apart (report_tests now pools it in G01, where its cell is hidden)
    tests = perception.report_tests(data, hidden={"stakeholder_group": REVIEW_HIDDEN}, alpha=0.99)
    pairs = tests["group_pairs"]
    assert len(pairs) == 3, pairs  # the goal passed the gate, so its three pairs were tested
    pooled = (pairs[["group_a", "group_b"]] == POOLED_GROUP).any(axis=1).to_numpy()
    assert pooled.sum() == 2
    # The leak: the goal's raters (published by group_differences) less academia's less the pooled group's are government's 3.
    total = int(tests["group_differences"].set_index("goal_id").at["G01", "n"])
    pooled_pair = pairs[pooled & (pairs[["group_a", "group_b"]] == "academia").any(axis=1).to_numpy()].iloc[0]
    n_pooled = pooled_pair["n_a"] if pooled_pair["group_a"] == POOLED_GROUP else pooled_pair["n_b"]
    assert total - 8 - int(n_pooled) == len(REVIEW["government"])
    # Before the fix this was [False, True, True] (pooled-academia, pooled-government, academia-government, in some order):
    # no table has a row for the pooled group. Now every pair is hidden, the pooled ones with their means.
    hidden = perception.pairs_of_hidden_groups(pairs, published=[scores], hidden=REVIEW_HIDDEN)
    assert hidden.tolist() == [True, True, True]
    # as the report publishes them: government pooled in G01, the one pair left names the pooled group and is hidden with its means
    shown = perception.report_tests(data, hidden={"stakeholder_group": REVIEW_HIDDEN}, published=[scores], alpha=0.99)["group_pairs"]
    assert shown[["group_a", "group_b"]].to_numpy().ravel().tolist() in (["academia", POOLED_GROUP], [POOLED_GROUP, "academia"])
    assert shown["test_withheld"].astype(bool).all() and shown["z"].isna().all() and shown["pvalue"].isna().all()
    assert shown[["mean_a", "mean_b"]].isna().all().all()
    # without the plan's hidden groups a pooled pair is hidden wherever any row of the goal is: the safe default
    assert perception.pairs_of_hidden_groups(pairs, published=[_review_scores(government_published=True)])[pooled].all()


@pytest.mark.filterwarnings("ignore")
def test_pooled_pair_stays_where_every_published_group_is_published_and_not_withheld():
    data = _frame(REVIEW)
    scores = _review_scores(government_published=True)
    tests = perception.report_tests(data, hidden={"stakeholder_group": REVIEW_HIDDEN}, published=[scores], alpha=0.99)
    pairs = tests["group_pairs"]
    pooled = (pairs[["group_a", "group_b"]] == POOLED_GROUP).any(axis=1).to_numpy()
    assert pooled.sum() == 2
    assert not perception.pairs_of_hidden_groups(pairs, published=[scores], hidden=REVIEW_HIDDEN).any()
    assert not pairs["test_withheld"].astype(bool).any() and pairs["z"].notna().all()
    # nothing new: the pooled raters are the goal's less the published groups' (8 + 3)
    total = int(tests["group_differences"].set_index("goal_id").at["G01", "n"])
    row = pairs[pooled].iloc[0]
    assert int(row["n_a"] if row["group_a"] == POOLED_GROUP else row["n_b"]) == total - 8 - 3 == 4
    # government's answers withheld (answered alike) in a published table: its mean would come back the same way
    withheld = scores.assign(answers_withheld=[False, True, False, False])
    assert perception.pairs_of_hidden_groups(pairs, published=[withheld], hidden=REVIEW_HIDDEN)[pooled].all()
    assert not perception.pairs_of_hidden_groups(pairs, published=[withheld], hidden=REVIEW_HIDDEN)[~pooled].any()


@pytest.mark.filterwarnings("ignore")
def test_mode_effect_withholds_its_raters_by_channel_when_the_plan_hides_a_channel():
    data = _frame(REVIEW)
    data["channel"] = np.where(data["stakeholder_group"].isin(["government", "private"]), "offline", "online")
    open_ = perception.report_tests(data)["mode_effect"].set_index("goal_id").loc["G01"]
    assert (int(open_["n_online"]), int(open_["n_offline"]), int(open_["n"])) == (9, 6, 6)  # control: published without a plan
    mode = perception.report_tests(data, hidden={"channel": ["offline"]})["mode_effect"].set_index("goal_id").loc["G01"]
    assert bool(mode["test_withheld"])
    # the offline raters of the goal are the hidden channel's cell: neither count, nor the smaller of the two, is published
    assert pd.isna(mode["n_online"]) and pd.isna(mode["n_offline"]) and pd.isna(mode["n"])
    assert pd.isna(mode["u"]) and pd.isna(mode["pvalue"]) and pd.isna(mode["mean_offline"])


def _decisions(alike: str) -> pd.DataFrame:
    """withheld_groups' decisions for G01 with one group withheld for answering alike."""
    return pd.DataFrame({"goal_id": "G01", "stakeholder_group": list(REVIEW), "n": [len(v) for v in REVIEW.values()],
                         "answers_withheld": [g == alike for g in REVIEW], "withheld_as": ["primary" if g == alike else "" for g in REVIEW]})


@pytest.mark.filterwarnings("ignore")
def test_a_hidden_group_answering_alike_does_not_withhold_the_pooled_test():
    """The goal test compares the hidden groups pooled: a hidden group's decision withholds nothing more; a published group's still does."""
    data = _frame(REVIEW)
    hidden = {"stakeholder_group": REVIEW_HIDDEN}
    kept = perception.report_tests(data, hidden=hidden, withheld={"stakeholder_group": _decisions("private")})["group_differences"].iloc[0]
    assert not bool(kept["test_withheld"]) and pd.notna(kept["h"])
    gone = perception.report_tests(data, hidden=hidden, withheld={"stakeholder_group": _decisions("academia")})["group_differences"].iloc[0]
    assert bool(gone["test_withheld"]) and pd.isna(gone["h"])
    # without the plan, private is compared apart and its decision withholds the test
    apart = perception.report_tests(data, withheld={"stakeholder_group": _decisions("private")})["group_differences"].iloc[0]
    assert bool(apart["test_withheld"]) and pd.isna(apart["h"])


# G4 review (01 on seed 29, --small-categories suppress): the plan hid no group of a goal, but 01's group tables hid academia's
# cell of it (complementary) and the others', and the test compared academia apart: the published H with the goal's answers and
# the published groups' pinned academia's raters and ratings on 7 of 8 goals (G05: 16 raters, 2, 6, 7, 1, 0 per scale point).
# Here the plan hides nothing; the scores by group hide community's and the private sector's G01 as small cells (primary) and
# the NGOs' as their companion (complementary).
TABLE_HIDDEN = {"community": "primary", "private": "primary", "ngo": "complementary"}


def _table_scores() -> pd.DataFrame:
    """The scores by group of the G4 case as Report.table publishes them: three cells of G01 suppressed, no plan."""
    groups = [*PUBLISHED, *TABLE_HIDDEN]
    n = [len(PUBLISHED[g]) if g in PUBLISHED else None for g in groups]
    return pd.DataFrame({"goal_id": "G01", "stakeholder_group": groups, "n": pd.array(n, dtype="Int64"),
                         "suppressed": [g in TABLE_HIDDEN for g in groups], "suppression": [TABLE_HIDDEN.get(g, "") for g in groups],
                         "answers_withheld": False})


@pytest.mark.filterwarnings("ignore")
def test_groups_a_table_hides_are_pooled_though_the_plan_hides_none():
    """Every group whose goal cell a published table hides is pooled for that goal: k is the published groups + 1,
    and every split of the pooled answers (the goal's less the published groups') gives the published H."""
    data = _frame({**PUBLISHED, **HIDDEN})
    scores = _table_scores()
    before = perception.report_tests(data, hidden={"stakeholder_group": []})["group_differences"].set_index("goal_id").loc["G01"]
    assert int(before["k"]) == 5  # control: without the published tables each hidden group is compared apart
    row = perception.report_tests(data, hidden={"stakeholder_group": []}, published=[scores])["group_differences"].set_index("goal_id").loc["G01"]
    assert int(row["k"]) == len(PUBLISHED) + 1 and row["pooled_group"] == "Hidden groups (pooled)"
    assert int(row["n"]) == sum(map(len, {**PUBLISHED, **HIDDEN}.values()))
    published_h = float(row["h"])
    # the review's enumeration: every way to deal the hidden answers into a 1-4, a 1-4 and a 5+ person group
    hs = set()
    configurations = list(_hidden_configurations())
    for config in configurations:
        candidate = perception.pool_hidden_cells(_frame({**PUBLISHED, **dict(zip(HIDDEN, config))}), published=[scores])
        assert set(candidate["stakeholder_group"]) == {*PUBLISHED, POOLED_GROUP}
        hs.add(round(stats.kruskal_wallis(candidate, dv="rating", between="stakeholder_group").h, 6))
    assert len(configurations) > 1 and hs == {round(published_h, 6)}
    # apart (before the fix) the same H pinned them: few configurations fit, the true one among them
    assert 1 <= len(_configurations_fitting(pooled=False)) <= 4


@pytest.mark.filterwarnings("ignore")
def test_pooling_by_the_tables_is_per_goal():
    """A group hidden in one goal's cell is pooled there only; its other goals compare it apart, as the tables publish them."""
    one = _frame({**PUBLISHED, **HIDDEN})
    data = pd.concat([one, one.assign(goal_id="G02")], ignore_index=True)
    scores = pd.concat([_table_scores(), _table_scores().assign(goal_id="G02", suppressed=False, suppression="")], ignore_index=True)
    diff = perception.report_tests(data, published=[scores])["group_differences"].set_index("goal_id")
    assert int(diff.at["G01", "k"]) == 3 and int(diff.at["G02", "k"]) == 5
    assert diff.at["G01", "pooled_group"] == "Hidden groups (pooled)" and diff.at["G02", "pooled_group"] == ""
    # answers withheld (answered alike) in a published table pool the group too
    withheld = scores.assign(answers_withheld=(scores["goal_id"] == "G02") & (scores["stakeholder_group"] == "ngo"))
    pooled = perception.pool_hidden_cells(data, published=[withheld])
    assert set(pooled.loc[pooled["goal_id"] == "G02", "stakeholder_group"]) == {*PUBLISHED, "community", "private", POOLED_GROUP}
    with pytest.raises(KeyError, match="suppressed"):
        perception.pool_hidden_cells(data, published=[scores.drop(columns="suppressed")])
