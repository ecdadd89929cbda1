"""The seminar's tests (07, quoted by 08) must not give back hidden groups nor a withheld test's p.

Two leaks a disclosure review found in the seminar report:

- F2: ``group_differences_support`` published the Kruskal-Wallis H (Kruskal & Wallis 1952,
  "Use of ranks in one-criterion variance analysis", JASA 47) of a focus area's support with
  the groups the plan hides (``--small-categories suppress``) apart. With the published
  groups' support and the focus area's total, enumerating the hidden groups' splits that
  reproduce H to its six decimals pinned community = 1 person and its support on the
  generated assessment of seed 29. :func:`pra_lib.seminar.seminar_tests` now pools them
  (:func:`pra_lib.publishing.score_disclosure.pool_hidden`) before any test.
- F3: the Holm adjustment ran over all 15 tests before some were withheld, so a published
  adjusted p was k times a withheld p (academia's W, 0.034116 = 12 x 0.002843, the p of the
  withheld support test of FA4 on the sample). Holm's step-down (Holm 1979, "A simple
  sequentially rejective multiple test procedure", Scand. J. Statist. 6) sets the j-th
  smallest p's adjusted value to the largest ``(m - i + 1) p_(i)`` over ``i <= j``; the
  family is now withheld first and adjusted over the published tests
  (:func:`pra_lib.publishing.score_disclosure.adjust_published`).
- The same leak with no plan at all: 07's own tables by group hide cells the plan does not
  (a small cell of a focus area's support, its companions, a linked table's companions,
  withheld answers). Pooling only the plan's groups left such a group apart in H, and the
  splits of the focus area's answers less the published groups' that reproduce H pinned it;
  :func:`~pra_lib.seminar.seminar_tests` now pools, focus area by focus area, the groups its
  published tables hide there (:func:`pra_lib.perception.pool_hidden_cells`). A group's
  Kendall's W (Kendall & Babington Smith 1939, "The problem of m rankings", Ann. Math.
  Statist. 10) with its n and its published mean ranks gives two hidden rank sums back
  (they add up to a known total, and W fixes the sum of their squared deviations): such a
  group's W is withheld, and the pooled group's with it.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from pra_lib import seminar, stats
from pra_lib.assessment.loading import load_assessment
from pra_lib.publishing.score_disclosure import POOLED_GROUP, pool_hidden, withheld_groups, withhold_answers

from .conftest import SAMPLE

# One seminar: two focus areas supported 1-5 and ranked 1-2 by five groups, two published
# (8 and 7 people), two small ones the plan hides (1 and 3 people) and the companion it
# hides with them (6 people). Support of FA1 by group; FA2's support is 3 for everyone.
PUBLISHED = {"academia": [1, 2, 2, 3, 3, 4, 5, 5], "government": [2, 3, 3, 3, 4, 4, 4]}
HIDDEN = {"community": [5], "private": [1, 1, 2], "ngo": [3, 3, 3, 4, 5, 5]}


def _votes(groups: dict[str, list[int]]) -> pd.DataFrame:
    """A votes_frame-like table: each person supports FA1 as given, FA2 with 3, and ranks FA1 first when support >= 4."""
    rows = []
    for g, supports in groups.items():
        for i, s in enumerate(supports):
            first = "FA1" if s >= 4 else "FA2"
            for fa in ("FA1", "FA2"):
                rows.append({"respondent_id": f"{g}{i}", "stakeholder_group": g, "group_label": g.title(), "focus_area_id": fa,
                             "focus_area": f"Area {fa}", "support": float(s if fa == "FA1" else 3), "rank": 1.0 if fa == first else 2.0})
    return pd.DataFrame(rows)


def _splits(n, caps):
    if len(caps) == 1:
        if n <= caps[0]:
            yield (n,)
        return
    for x in range(min(n, caps[0]) + 1):
        for rest in _splits(n - x, caps[1:]):
            yield (x, *rest)


def _hidden_configurations():
    """Every way to deal the hidden groups' FA1 support (the total less the published groups') into a
    1-4 person group, another 1-4 person group and a companion of at least 5, as kw07.py enumerates."""
    pool = sorted(r for values in HIDDEN.values() for r in values)
    counts = [pool.count(c) for c in range(1, 6)]
    for small, other in itertools.product(range(1, 5), range(1, 5)):
        if len(pool) - small - other < 5:
            continue
        for first in _splits(small, counts):
            left = [a - b for a, b in zip(counts, first)]
            for second in _splits(other, left):
                third = [a - b for a, b in zip(left, second)]
                yield tuple(tuple(np.repeat(np.arange(1, 6), g).tolist()) for g in (first, second, third))


def _published_h(tests) -> float:
    return float(tests["group_differences_support"].set_index("focus_area_id").at["FA1", "h"])


def _fitting(published: float, *, pooled: bool) -> list:
    """The hidden configurations whose support H of FA1, computed as the report computes it, is the published H."""
    fitting = []
    for config in _hidden_configurations():
        candidate = _votes({**PUBLISHED, **dict(zip(HIDDEN, config))})
        if pooled:
            candidate = pool_hidden(candidate, HIDDEN)
        candidate = candidate[candidate["focus_area_id"] == "FA1"]
        h = stats.kruskal_wallis(candidate, dv="support", between="stakeholder_group").h
        if abs(h - published) <= 5e-6 * max(1.0, abs(published)):  # H is published to 6 decimals
            fitting.append(config)
    return fitting


@pytest.mark.filterwarnings("ignore")
def test_support_h_no_longer_pins_the_hidden_groups():
    votes = _votes({**PUBLISHED, **HIDDEN})
    truth = tuple(tuple(v) for v in HIDDEN.values())
    every = list(_hidden_configurations())
    # Control, the old family (hidden groups apart): the published H fits a handful of splits, the truth among them.
    apart = _fitting(_published_h(seminar.seminar_tests(votes, min_group_size=5)), pooled=False)
    assert truth in apart and len(apart) <= 4, (len(apart), len(every))
    # The seminar's family as 07 and 08 build it: every split fits, so H tells nothing of them.
    tests = seminar.seminar_tests(votes, min_group_size=5, hidden={g: "primary" for g in HIDDEN})
    assert len(_fitting(_published_h(tests), pooled=True)) == len(every) > 1
    # No test compares, names or gives the W of a hidden group on its own.
    support = tests["group_differences_support"].set_index("focus_area_id").loc["FA1"]
    assert int(support["k"]) == 3 and support["pooled_group"] == "Hidden groups (pooled)"
    named = set(tests["group_differences_support"][["group_top", "group_bottom"]].to_numpy().ravel())
    assert not named & {g.title() for g in HIDDEN}, named
    groups = set(tests["consensus"]["stakeholder_group"].dropna())
    assert groups == {*PUBLISHED, POOLED_GROUP}, groups


@pytest.fixture(scope="module")
def votes():
    return seminar.votes_frame(load_assessment(SAMPLE), activity_id="pra_seminar")


def _p_values(tables) -> np.ndarray:
    return np.concatenate([pd.to_numeric(t["pvalue"], errors="coerce").to_numpy(dtype=float) for t in tables.values()])


def _carried(published_adj: np.ndarray, withheld_p: np.ndarray, m: int) -> list:
    """(adjusted p, withheld p, k) where a published adjusted p is k x a withheld p to the published six decimals."""
    return [(a, p, k) for a in np.round(published_adj[~np.isnan(published_adj)], 6) for p in withheld_p for k in range(1, m + 1)
            if abs(a - round(k * p, 6)) < 1e-6]


@pytest.mark.filterwarnings("ignore")
def test_no_published_adjusted_p_carries_a_withheld_p(votes):
    withheld = seminar.seminar_withholding(votes, min_cell_size=5)
    every = seminar.seminar_tests(votes, min_group_size=5)  # no test withheld: the raw p-values of all 15
    tests = seminar.seminar_tests(votes, min_group_size=5, withheld=withheld)
    assert tuple(tests) == seminar.SEMINAR_TESTS
    raw, left = _p_values(every), _p_values(tests)
    shown = ~np.isnan(left)
    withheld_p = raw[~np.isnan(raw) & ~shown]
    assert len(withheld_p) >= 1  # the sample withholds some: FA2-FA4 support, which (almost) a group answered alike
    # Control, the old order (Holm over all 15, then withhold): academia's W carried 12 x FA4's support p.
    old = np.concatenate([pd.to_numeric(t["pvalue_adj"], errors="coerce").to_numpy(dtype=float) for t in every.values()])
    assert _carried(old[shown], withheld_p, len(raw)), "the review's leak: 0.034116 = 12 x 0.002843"
    # The new order: the published raw p-values are unchanged, and their Holm family is them alone.
    np.testing.assert_allclose(left[shown], raw[shown])
    adjusted = np.concatenate([pd.to_numeric(t["pvalue_adj"], errors="coerce").to_numpy(dtype=float) for t in tests.values()])
    assert np.isnan(adjusted[~shown]).all()
    m = int(shown.sum())
    assert {int(s) for t in tests.values() for s in t["family_size"]} == {m}
    assert _carried(adjusted[shown], withheld_p, len(raw)) == []


# A seminar the plan hides nothing of (a report without an assessment has no plan), whose
# support by group hides community's FA1 all the same: 3 of its 6 members answered it, a small
# cell, hidden with the companions the linked margins need. Ranks are strict orders of 3 areas.
GROUP_SIZES = {"academia": 8, "government": 7, "community": 6, "ngo": 6}
AREAS = ("FA1", "FA2", "FA3")


def _small_cell_votes() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    support = {g: [int(x) for x in rng.integers(1, 6, n)] for g, n in GROUP_SIZES.items()}
    support["community"] = [1, 2, 5, None, None, None]
    orders = list(itertools.permutations([1, 2, 3]))
    ranks = {g: [orders[int(x)] for x in rng.integers(0, len(orders), n)] for g, n in GROUP_SIZES.items()}
    rows = []
    for g, answers in support.items():
        for i, s in enumerate(answers):
            for j, fa in enumerate(AREAS):
                value = (np.nan if s is None else float(s)) if fa == "FA1" else float(2 + (i + j) % 3)
                rows.append({"respondent_id": f"{g}{i}", "stakeholder_group": g, "group_label": g.title(), "focus_area_id": fa,
                             "focus_area": f"Area {fa}", "support": value, "rank": float(ranks[g][i][j])})
    return pd.DataFrame(rows)


def _protected(report, votes, *, hidden_ranks=(), plan=()) -> dict[str, pd.DataFrame]:
    """The two tables by group as a report publishes them (seminar.GROUP_TABLES); ``hidden_ranks``, (group, area)
    cells of the ranking hidden as a linked table's companions would hide them; ``plan``, groups whose rows a plan
    hides (as ``Report.table`` hides them with the run's plan, which has chosen their companions already)."""
    support = seminar.support(votes, by="stakeholder_group", n_resamples=50, seed=1)
    ranking = seminar.seminar_ranking(votes, by="stakeholder_group")
    linked = [(g, fa) in set(hidden_ranks) for g, fa in zip(ranking["stakeholder_group"], ranking["focus_area_id"])]
    out = {"support_by_group": report.protect(support, "support_by_group", **seminar.GROUP_TABLES["support_by_group"]),
           "seminar_ranking_by_group": report.protect(ranking, "seminar_ranking_by_group", hidden_with=linked,
                                                      **seminar.GROUP_TABLES["seminar_ranking_by_group"])}
    for table in out.values():
        rows = table["stakeholder_group"].isin(list(plan))
        table.loc[rows, ["mean", "mean_rank"] if "mean_rank" in table else ["mean"]] = np.nan
        table.loc[rows, "suppressed"] = True
    return out


def _fa1_support(votes) -> dict[str, list[int]]:
    fa1 = votes[(votes["focus_area_id"] == "FA1") & votes["support"].notna()]
    return {g: sorted(int(x) for x in fa1.loc[fa1["stakeholder_group"] == g, "support"]) for g in GROUP_SIZES}


@pytest.mark.filterwarnings("ignore")
def test_a_cell_the_support_table_hides_is_pooled_though_the_plan_hides_nothing(tmp_path):
    from pra_lib.publishing.report import Report

    votes = _small_cell_votes()
    report = Report(tmp_path, min_cell_size=5)
    assert report.plan is None  # nothing is hidden by plan
    published = _protected(report, votes)
    table = published["support_by_group"].set_index(["focus_area_id", "stakeholder_group"])
    hidden = sorted(g for g in GROUP_SIZES if bool(table.at[("FA1", g), "suppressed"]))
    assert "community" in hidden and table.at[("FA1", "community"), "suppression"] == "primary", table["suppression"]
    shown = [g for g in GROUP_SIZES if g not in hidden]
    answers = _fa1_support(votes)
    pool = sorted(x for g in hidden for x in answers[g])  # FA1's answers less the published groups': a reader has them
    counts = [pool.count(c) for c in range(1, 6)]
    truth = tuple(tuple(answers[g]) for g in hidden)
    assert len(hidden) == 2, hidden  # the small cell and one companion in FA1

    def h_of(split, *, pooled: bool) -> float:
        frame = pd.DataFrame([{"stakeholder_group": g, "support": float(x)} for g in shown for x in answers[g]]
                             + [{"stakeholder_group": POOLED_GROUP if pooled else g, "support": float(x)} for g, part in zip(hidden, split) for x in part])
        return stats.kruskal_wallis(frame, dv="support", between="stakeholder_group").h

    # every split of the pool between the two hidden cells, the small one below 5 (the reader knows it is primary)
    splits = []
    for size in range(1, 5):
        for first in _splits(size, counts):
            second = [a - b for a, b in zip(counts, first)]
            splits.append(tuple(tuple(np.repeat(np.arange(1, 6), part).tolist()) for part in (first, second)))
    assert truth in splits and len(splits) > 10

    def fitting(tests, *, pooled: bool) -> list:
        published_h = float(tests["group_differences_support"].set_index("focus_area_id").at["FA1", "h"])
        return [s for s in splits if abs(h_of(s, pooled=pooled) - published_h) <= 5e-6 * max(1.0, abs(published_h))]

    # Control, the family of the plan only: community stays apart, and H pins its answers among a handful of splits.
    before = fitting(seminar.seminar_tests(votes, min_group_size=5), pooled=False)
    assert truth in before and len(before) <= 3, (before, len(splits))
    # With the tables it publishes, FA1's test pools the groups its support hides there: every split gives the published H.
    tests = seminar.seminar_tests(votes, min_group_size=5, published=published)
    assert fitting(tests, pooled=True) == splits
    fa1 = tests["group_differences_support"].set_index("focus_area_id").loc["FA1"]
    assert int(fa1["k"]) == len(shown) + 1 and fa1["pooled_group"] == "Hidden groups (pooled)"
    assert not {fa1["group_top"], fa1["group_bottom"]} & {g.title() for g in hidden}
    # the rank test pools only what the ranking by group hides (nothing here): the groups stay apart there
    assert set(tests["group_differences_rank"]["k"]) == {len(GROUP_SIZES)}


def _w(rank_sums: np.ndarray, m: int) -> float:
    """Kendall's W of m complete strict ballots from its rank sums (Kendall & Babington Smith 1939): 12 S / (m^2 (k^3 - k))."""
    k = len(rank_sums)
    return float(12 * ((rank_sums - m * (k + 1) / 2) ** 2).sum() / (m ** 2 * (k ** 3 - k)))


@pytest.mark.filterwarnings("ignore")
def test_a_groups_w_is_withheld_where_the_ranking_by_group_hides_its_cells(tmp_path):
    from pra_lib.publishing.report import Report

    votes = _small_cell_votes()
    report = Report(tmp_path, min_cell_size=5)
    published = _protected(report, votes, hidden_ranks=[("ngo", "FA1"), ("ngo", "FA2")])
    ranks = published["seminar_ranking_by_group"].set_index(["stakeholder_group", "focus_area_id"])
    assert ranks.loc[("ngo", "FA1"), "suppressed"] and ranks.loc[("ngo", "FA2"), "suppressed"]
    # Control: ngo's W as published with the plan only, its n and its one published mean rank give the two hidden ones back.
    before = seminar.seminar_tests(votes, min_group_size=5)["consensus"].set_index("stakeholder_group")
    m, w = int(before.at["ngo", "n"]), float(before.at["ngo", "w"])
    r3 = round(m * float(ranks.at[("ngo", "FA3"), "mean_rank"]))  # a rank sum is a whole number
    rest = m * 6 - r3  # complete ballots of 3 areas: rank sums add up to 6 m
    truth = tuple(int(votes[(votes["stakeholder_group"] == "ngo") & (votes["focus_area_id"] == fa)]["rank"].sum()) for fa in ("FA1", "FA2"))
    candidates = [(r1, rest - r1) for r1 in range(m, 3 * m + 1) if m <= rest - r1 <= 3 * m]
    fits = [c for c in candidates if abs(_w(np.array([*c, r3]), m) - w) <= 5e-6]
    assert truth in fits and len(fits) <= 2 < len(candidates), (fits, candidates)
    # With the tables it publishes: ngo's W is withheld, and so is community's, whose FA1 and FA2 the ranking hides as
    # their companions; the government's, academia's and everyone's W stay (everyone's rank sums are published).
    closed = set(ranks.index[ranks["suppressed"].astype(bool)].get_level_values("stakeholder_group"))
    assert closed == {"ngo", "community"}, closed
    tests = seminar.seminar_tests(votes, min_group_size=5, published=published)
    after = tests["consensus"].set_index("stakeholder_group", drop=False)
    assert all(bool(after.at[g, "test_withheld"]) and np.isnan(after.at[g, "w"]) and np.isnan(after.at[g, "pvalue_adj"]) for g in closed)
    kept = after[~after["stakeholder_group"].isin(closed)]
    assert len(kept) == 3 and not kept["test_withheld"].astype(bool).any() and kept["w"].notna().all()
    np.testing.assert_allclose(kept["w"].to_numpy(), before["w"].to_numpy()[~after["stakeholder_group"].isin(closed).to_numpy()])
    # the rank tests of FA1 and FA2 pool the two groups, FA3's compares every group
    assert tests["group_differences_rank"].set_index("focus_area_id")["k"].to_dict() == {"FA1": 3, "FA2": 3, "FA3": 4}


@pytest.mark.filterwarnings("ignore")
def test_the_pooled_groups_w_goes_with_a_hidden_cell_of_a_group_the_plan_does_not_hide(tmp_path):
    from pra_lib.publishing.report import Report

    votes = _small_cell_votes()
    report = Report(tmp_path, min_cell_size=5)
    only_plan = seminar.seminar_tests(votes, min_group_size=5, hidden=["academia"], published=_protected(report, votes, plan=["academia"]))
    w = only_plan["consensus"].set_index("stakeholder_group", drop=False)
    # community's FA1 is hidden in the support only: the pooled group's rank sums are everyone's less the published
    # groups', so its W, like every other, tells nothing more
    assert not w["test_withheld"].astype(bool).any() and POOLED_GROUP in set(w["stakeholder_group"])
    more = seminar.seminar_tests(votes, min_group_size=5, hidden=["academia"],
                                 published=_protected(report, votes, plan=["academia"], hidden_ranks=[("ngo", "FA1"), ("ngo", "FA2")]))
    w = more["consensus"].set_index("stakeholder_group", drop=False)
    # with ngo's cells hidden (and community's as their companions), the pooled rank sums less the published ones
    # leave theirs open: the pooled group's W goes with theirs; the government's and everyone's stay
    assert set(w.loc[w["test_withheld"].astype(bool), "stakeholder_group"]) == {"ngo", "community", POOLED_GROUP}


@pytest.mark.filterwarnings("ignore")
def test_everyones_w_goes_with_a_focus_area_withheld_as_a_whole():
    # 20 participants in two groups, every one ranking FA1 first (so its ranks are withheld over everyone, with a
    # companion: the mean ranks add up to a known total); FA2 and FA3 share the other places.
    rng = np.random.default_rng(7)
    rows = []
    for i in range(20):
        second = "FA2" if rng.random() < 0.6 else "FA3"
        order = {"FA1": 1.0, second: 2.0, ({"FA2", "FA3"} - {second}).pop(): 3.0}
        for fa in AREAS:
            rows.append({"respondent_id": f"p{i}", "stakeholder_group": "government" if i < 10 else "academia", "group_label": "G",
                         "focus_area_id": fa, "focus_area": f"Area {fa}", "support": float(1 + (i + len(fa)) % 5), "rank": order[fa]})
    votes = pd.DataFrame(rows)
    withheld = seminar.seminar_withholding(votes, min_cell_size=5)
    areas = withheld.rank_areas
    closed = sorted(areas.loc[areas["answers_withheld"].astype(bool), "focus_area_id"])
    assert len(closed) == 2 and "FA1" in closed, areas
    (shown,) = set(AREAS) - set(closed)
    # Control: everyone's W, with the published rank sum of the third area and m, fits the withheld pair and its swap only.
    plain = seminar.seminar_tests(votes, min_group_size=5)["consensus"].set_index("scope").loc["all participants"]
    m, w = int(plain["n"]), float(plain["w"])
    sums = votes.groupby("focus_area_id")["rank"].sum()
    rest = 6 * m - int(sums[shown])
    fits = [(r, rest - r) for r in range(m, 3 * m + 1) if m <= rest - r <= 3 * m and abs(_w(np.array([r, rest - r, sums[shown]]), m) - w) <= 5e-6]
    assert tuple(int(sums[fa]) for fa in closed) in fits and len(fits) <= 2
    # The family 07 and 08 publish withholds it (withhold_consensus with the areas' decision).
    tests = seminar.seminar_tests(votes, min_group_size=5, withheld=withheld)
    overall = tests["consensus"].set_index("scope").loc["all participants"]
    assert bool(overall["test_withheld"]) and np.isnan(overall["w"]) and np.isnan(overall["pvalue_adj"])


def _ballots(groups: dict[str, list[tuple[int, int, int]]]) -> pd.DataFrame:
    """A votes_frame-like table of three focus areas: each ballot gives FA1, FA2, FA3 their ranks; support 3 throughout."""
    rows = []
    for g, ballots in groups.items():
        for i, ranks in enumerate(ballots):
            for fa, r in zip(("FA1", "FA2", "FA3"), ranks):
                rows.append({"respondent_id": f"{g}{i}", "stakeholder_group": g, "group_label": g.title(), "focus_area_id": fa,
                             "focus_area": f"Area {fa}", "support": 3.0, "rank": float(r)})
    return pd.DataFrame(rows)


# Two published groups that spread their ranks, and two small ones the plan hides (3 and 4 people) of whom 6 of 7
# put FA3 last: a review found the rank test's H, with the published groups' answers, gave such a pool's count at
# every position back (seed 37, FA5: 6 of 7 last), which no table publishes by group.
SPREAD = {"academia": [(1, 2, 3), (2, 1, 3), (3, 2, 1), (1, 3, 2), (2, 3, 1), (3, 1, 2), (1, 2, 3), (2, 1, 3)],
          "government": [(3, 1, 2), (1, 3, 2), (2, 3, 1), (1, 2, 3), (3, 2, 1), (2, 1, 3), (1, 3, 2)]}
ALIKE = {"community": [(1, 2, 3), (2, 1, 3), (1, 2, 3)], "private": [(2, 1, 3), (1, 2, 3), (3, 1, 2), (2, 1, 3)]}


def _pool_positions_fitting(votes: pd.DataFrame, published_h: float, area: str) -> list[tuple[int, int, int]]:
    """The pool's counts at positions 1-3 of ``area`` that keep its n and rank sum (everyone's less the published
    groups', which a reader holds) and reproduce the published H with the published groups' ballots."""
    here = votes[votes["focus_area_id"] == area]
    shown = here[here["stakeholder_group"].isin(list(SPREAD))]
    pool = here[~here["stakeholder_group"].isin(list(SPREAD))]
    fitting = []
    for c1 in range(len(pool) + 1):
        for c2 in range(len(pool) - c1 + 1):
            c3 = len(pool) - c1 - c2
            if c1 + 2 * c2 + 3 * c3 != int(pool["rank"].sum()):
                continue
            ranks = [1.0] * c1 + [2.0] * c2 + [3.0] * c3
            candidate = pd.concat([shown[["stakeholder_group", "rank"]],
                                   pd.DataFrame({"stakeholder_group": POOLED_GROUP, "rank": ranks})], ignore_index=True)
            if abs(stats.kruskal_wallis(candidate, dv="rank", between="stakeholder_group").h - published_h) <= 5e-6 * max(1.0, published_h):
                fitting.append((c1, c2, c3))
    return fitting


@pytest.mark.filterwarnings("ignore")
def test_a_rank_test_whose_pool_ranked_alike_or_is_small_is_withheld():
    votes = _ballots({**SPREAD, **ALIKE})
    plan = {g: "primary" for g in ALIKE}
    # Control: computed as the pooled test is, FA3's H leaves exactly the pool's true counts at each position (0, 1, 6).
    pooled = pool_hidden(votes, plan)
    fa3 = pooled[pooled["focus_area_id"] == "FA3"]
    h = stats.kruskal_wallis(fa3, dv="rank", between="stakeholder_group").h
    assert _pool_positions_fitting(votes, h, "FA3") == [(0, 1, 6)]
    # The seminar's family withholds that test: 6 of the pool's 7 answered alike (all but fewer than 5).
    tests = seminar.seminar_tests(votes, min_group_size=5, hidden=plan)
    rank = tests["group_differences_rank"].set_index("focus_area_id")
    assert bool(rank.at["FA3", "test_withheld"]) and np.isnan(float(rank.at["FA3", "h"]))
    # A pool that spread its ranks over at least 5 people outside its commonest position keeps its test (no blanket rule).
    spread_pool = {"community": SPREAD["academia"][:4], "private": SPREAD["government"][:3] + [(2, 1, 3)] * 4}
    kept = seminar.seminar_tests(_ballots({**SPREAD, **spread_pool}), min_group_size=5, hidden={g: "primary" for g in spread_pool})
    assert not kept["group_differences_rank"]["test_withheld"].astype(bool).any()
    # A pool of fewer than 5 people never has its answers given by a test, however it ranked.
    small = seminar.seminar_tests(_ballots({**SPREAD, "community": SPREAD["academia"][:3]}), min_group_size=5, hidden={"community": "primary"})
    assert small["group_differences_rank"]["test_withheld"].astype(bool).all()


# Everyone's support and ranks less the published groups' rows are the answers of the groups the plan hides, pooled:
# on the generated assessment of seed 37 (suppress) the 7 people of academia (3) and private (4) all supported FA3
# (5, 5, 5, 4, 4, 4, 4), which support.csv less community's row of support_by_group.csv gave back, though their
# group tests were withheld. The pool is judged as a group (seminar.pooled_group_decisions), and published groups of
# a focus area are withheld with it where it answered alike or is small.
POOL_SUPPORT = {"academia": [5, 4, 4], "private": [5, 5, 4, 4]}  # FA1: all on the positive side
POOL_PLAN = {"academia": "primary", "private": "primary"}
PUBLISHED_GROUPS = ("community", "government")


def _pool_votes() -> pd.DataFrame:
    """FA1 supported as POOL_SUPPORT by the plan's groups and spread by two published groups of 12 and 10; FA2 and FA3 spread
    by everyone; strict ballots of FA1-FA3, the published groups' going round the six orders, the plan's groups ranking FA1 first."""
    groups = {**{g: list(v) for g, v in POOL_SUPPORT.items()}, "community": [1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5],
              "government": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]}
    orders = list(itertools.permutations([1, 2, 3]))
    rows = []
    for g, answers in groups.items():
        for i, s in enumerate(answers):
            order = (1, 2 + i % 2, 3 - i % 2) if g in POOL_PLAN else orders[i % len(orders)]
            for j, fa in enumerate(("FA1", "FA2", "FA3")):
                value = float(s) if fa == "FA1" else float(1 + (i + j + len(g)) % 5)
                rows.append({"respondent_id": f"{g}{i}", "stakeholder_group": g, "group_label": g.title(), "focus_area_id": fa,
                             "focus_area": f"Area {fa}", "support": value, "rank": float(order[j])})
    return pd.DataFrame(rows)


def _remainders(everyone: pd.DataFrame, by_group: pd.DataFrame, *, min_cell_size: int = 5) -> dict[str, dict]:
    """What a reader works out per focus area: everyone's support less the groups whose support by group is published
    (n, mean and shares shown). Where that leaves fewer than min_cell_size people, or all but fewer than that on one side
    of the scale (or one mean), the unpublished groups' answers are given back."""
    from pra_lib.publishing.disclosure import published_numbers as num

    out = {}
    for _, row in everyone.iterrows():
        fa = row["focus_area_id"]
        rows = by_group[by_group["focus_area_id"].astype(str) == str(fa)]
        shown = rows[num(rows["mean"]).notna().to_numpy() & ~rows.get("suppressed", pd.Series(False, index=rows.index)).astype(str).str.lower().isin(["true", "1"]).to_numpy()]
        n = float(row["n"]) - num(shown["n"]).sum()
        sides = [float(row[c]) * float(row["n"]) - (num(shown[c]) * num(shown["n"])).sum() for c in ("share_support", "share_neutral", "share_oppose")]
        total = float(row["mean"]) * float(row["n"]) - (num(shown["mean"]) * num(shown["n"])).sum()
        sides = [round(x) for x in sides]
        out[str(fa)] = {"n": round(n), "sides": sides, "sum": round(total),
                        "told": 0 < round(n) and (round(n) < min_cell_size or round(n) - max(sides) < min_cell_size)}
    return out


def _published_by_group(votes, tables, plan) -> pd.DataFrame:
    """The support by group as a report publishes it: the plan's groups hidden whole, withheld answers missing."""
    table = tables["support_by_group"].copy()
    table["suppressed"] = table["stakeholder_group"].isin(list(plan)) | table["n"].lt(5)
    return table


@pytest.mark.filterwarnings("ignore")
def test_the_pool_of_hidden_groups_is_not_given_back_by_subtraction():
    votes = _pool_votes()
    withheld = seminar.seminar_withholding(votes, min_cell_size=5)
    everyone = seminar.support(votes, n_resamples=50, seed=1)
    assert not withheld.support_areas["answers_withheld"].any()  # everyone's support is published in every focus area
    # Control, each group judged alone (as the tables by group were): everyone's FA1 less the published groups' is the
    # pool's 7 answers, all on the supporting side, and their sum (31: three 5s and four 4s)
    alone = withheld_groups(seminar.support_counts(votes, by="stakeholder_group"), cells=["stakeholder_group", "focus_area_id"],
                            within=["focus_area_id"], min_cell_size=5)
    plain = {"support_by_group": withhold_answers(seminar.support(votes, by="stakeholder_group", n_resamples=50, seed=1), alone)}
    before = _remainders(everyone, _published_by_group(votes, plain, POOL_PLAN))
    assert before["FA1"] == {"n": 7, "sides": [7, 0, 0], "sum": 31, "told": True}
    tables = seminar.group_tables(votes, withheld=withheld, n_resamples=50, seed=1, hidden=POOL_PLAN)
    after = _remainders(everyone, _published_by_group(votes, tables, POOL_PLAN))
    assert not any(r["told"] for r in after.values()), after
    # the smallest published group of FA1 is withheld with the pool (its n stays), and the ranking by group withholds its
    # FA1 mean support alike (a pool of 5 to 7 people always has all but fewer than 5 on one side of the scale: so FA2's
    # and FA3's too)
    support = tables["support_by_group"].set_index(["focus_area_id", "stakeholder_group"])
    assert bool(support.at[("FA1", "government"), "answers_withheld"]) and np.isnan(support.at[("FA1", "government"), "mean"])
    assert int(support.at[("FA1", "government"), "n"]) == 10
    assert not support.loc[("FA1", "community"), "answers_withheld"]
    ranks = tables["seminar_ranking_by_group"].set_index(["focus_area_id", "stakeholder_group"])
    assert np.isnan(ranks.at[("FA1", "government"), "mean_support"])
    decision = seminar.pooled_group_decisions(votes, withheld=withheld, hidden=POOL_PLAN, min_cell_size=5)["support"]
    assert decision.loc[decision["stakeholder_group"].isin(PUBLISHED_GROUPS) & decision["answers_withheld"], "withheld_as"].eq("complementary").all()


@pytest.mark.filterwarnings("ignore")
def test_the_pool_that_ranked_alike_withholds_published_ranks_with_companions():
    votes = _pool_votes()  # the plan's 7 people all ranked FA1 first
    withheld = seminar.seminar_withholding(votes, min_cell_size=5)
    ranks = seminar.group_tables(votes, withheld=withheld, n_resamples=50, seed=1, hidden=POOL_PLAN)["seminar_ranking_by_group"]
    ranking = seminar.seminar_ranking(votes).set_index("focus_area_id")
    shown = ranks[~ranks["stakeholder_group"].isin(list(POOL_PLAN)) & ranks["mean_rank"].notna()]
    # everyone's FA1 rank sum less the published groups': with all of them shown it is 7 x 1, the pool's first places
    fa1 = shown[shown["focus_area_id"] == "FA1"]
    assert len(fa1) < len(PUBLISHED_GROUPS), fa1
    # a published group's mean ranks add up to a known total: one withheld cell never stands alone in its group
    for g in PUBLISHED_GROUPS:
        mine = ranks[ranks["stakeholder_group"] == g]
        assert mine["mean_rank"].isna().sum() != 1, mine
    # Control, each group judged alone (as the ranking by group was): every published group spread its ranks, nothing is
    # withheld, and everyone's FA1 rank sum less theirs is the pool's 7 first places
    plain = seminar.withhold_ranks(seminar.seminar_ranking(votes, by="stakeholder_group"), withheld.rank_groups, data=votes)
    assert plain.loc[plain["stakeholder_group"].isin(PUBLISHED_GROUPS), "mean_rank"].notna().all()
    assert float(ranking.at["FA1", "mean_rank"]) * len(votes["respondent_id"].unique()) - sum(
        float(r.mean_rank) * int(r.n_ranked) for r in plain[plain["stakeholder_group"].isin(PUBLISHED_GROUPS) & (plain["focus_area_id"] == "FA1")].itertuples()
    ) == pytest.approx(7.0)


@pytest.mark.filterwarnings("ignore")
def test_the_tests_and_the_overall_reports_tables_take_the_same_pooled_decision(tmp_path):
    from types import SimpleNamespace

    from pra_lib.publishing.report import Report

    votes = _pool_votes()
    withheld = seminar.seminar_withholding(votes, min_cell_size=5)
    base = Report(tmp_path, min_cell_size=5)
    # a report whose plan hides the two small groups (protect hides nothing more here: every published cell has >= 5)
    report = SimpleNamespace(plan=SimpleNamespace(hidden=lambda by, activity_id=None: dict(POOL_PLAN)), protect=base.protect)
    protected = seminar.protect_group_tables(report, votes, withheld=withheld, activity_id="pra_seminar", n_resamples=50, seed=1)
    own = seminar.group_tables(votes, withheld=withheld, n_resamples=50, seed=1, hidden=POOL_PLAN)
    for name in seminar.GROUP_TABLES:
        statistic = "mean" if name == "support_by_group" else "mean_rank"
        shown = ~protected[name]["suppressed"].astype(bool).to_numpy()  # the small groups' rows are suppressed by protect
        assert protected[name]["stakeholder_group"].tolist() == own[name]["stakeholder_group"].tolist()
        assert protected[name][statistic].isna().to_numpy()[shown].tolist() == own[name]["answers_withheld"].to_numpy(dtype=bool)[shown].tolist(), name
        assert own[name]["answers_withheld"].to_numpy(dtype=bool)[shown].any(), name
    tests = seminar.seminar_tests(votes, min_group_size=5, hidden=list(POOL_PLAN), withheld=withheld, published=protected)
    support_tests = tests["group_differences_support"].set_index("focus_area_id")
    assert bool(support_tests.at["FA1", "test_withheld"]) and np.isnan(support_tests.at["FA1", "h"])


@pytest.mark.filterwarnings("ignore")
def test_seed_37s_seminar_report_no_longer_gives_the_hidden_groups_support_back(tmp_path_factory):
    """The review's attack on the published CSVs of 07 (generated assessment of seed 37, suppress, min_cell_size 5):
    support.csv less the published rows of support_by_group.csv gave back the 7 answers of academia and private to
    every focus area (FA3: all 7 supporting, summing to 31). Every remainder is now everyone's or spread."""
    from .test_disclosure_attack_runs import ASSESSMENT_ID, generated_reports

    tables = generated_reports(tmp_path_factory, seed=37, policy="suppress", notebooks=["07"], figure_formats="png") / ASSESSMENT_ID / "07_pra_seminar" / "tables"
    everyone, by_group = pd.read_csv(tables / "support.csv"), pd.read_csv(tables / "support_by_group.csv")
    hidden = set(by_group.loc[by_group["n"].isna(), "stakeholder_group"])
    assert hidden == {"academia", "private"} and len(everyone) == 5  # the plan hides the two small groups, whole
    remainders = _remainders(everyone, by_group)
    assert not any(r["told"] for r in remainders.values()), remainders
    # what is withheld to protect them: community's support, its n published, in each focus area its ranks would tell
    community = by_group[by_group["stakeholder_group"] == "community"]
    assert community["mean"].isna().all() and community["n"].notna().all() and community["answers_withheld"].astype(str).eq("True").all()
    ranking = pd.read_csv(tables / "seminar_ranking_by_group.csv")
    shown = ranking[ranking["mean_rank"].notna()]
    assert set(shown["stakeholder_group"]) <= {"community"} and len(shown) != len(everyone) - 1  # never one withheld alone


def _pool_first_places_bounds(votes, ranks, *, area: str, pool: set) -> tuple[float, float]:
    """The attacker's bounds on the pool's first places in ``area``, by linear programming over the
    first-place counts: everyone's per focus area (``seminar_ranking``), the groups' published
    ``share_first`` x ``n_ranked``, one first place per person (complete ballots)."""
    from scipy.optimize import linprog

    everyone = seminar.seminar_ranking(votes).set_index("focus_area_id")
    areas = sorted(everyone.index)
    firsts = {fa: round(float(everyone.at[fa, "share_first"]) * int(everyone.at[fa, "n_ranked"])) for fa in areas}
    sizes = votes.drop_duplicates("respondent_id").groupby("stakeholder_group").size().to_dict()
    known = {}
    for r in ranks.itertuples():
        if r.stakeholder_group not in pool and not pd.isna(r.share_first):
            known[(r.stakeholder_group, r.focus_area_id)] = round(float(r.share_first) * int(r.n_ranked))
    units = ["POOL", *sorted(g for g in sizes if g not in pool)]
    n = {"POOL": sum(sizes[g] for g in pool), **{g: sizes[g] for g in units[1:]}}
    index = {(u, fa): i for i, (u, fa) in enumerate((u, fa) for u in units for fa in areas)}
    rows, rhs = [], []
    for fa in areas:  # a focus area's first places add up to everyone's
        row = np.zeros(len(index)); row[[index[(u, fa)] for u in units]] = 1; rows.append(row); rhs.append(firsts[fa])
    for u in units:  # each person puts one focus area first
        row = np.zeros(len(index)); row[[index[(u, fa)] for fa in areas]] = 1; rows.append(row); rhs.append(n[u])
    for key, value in known.items():
        row = np.zeros(len(index)); row[index[key]] = 1; rows.append(row); rhs.append(value)
    bounds = [(0, n[u]) for u, fa in index]
    target = np.zeros(len(index)); target[index[("POOL", area)]] = 1
    low = linprog(target, A_eq=np.array(rows), b_eq=rhs, bounds=bounds).fun
    high = -linprog(-target, A_eq=np.array(rows), b_eq=rhs, bounds=bounds).fun
    return low, high


@pytest.mark.filterwarnings("ignore")
def test_a_pool_that_put_one_area_first_is_not_pinned_by_the_groups_first_places():
    # A review held a group's first places in the focus areas its rectangle of withheld cells left
    # published: with each person putting one area first, they pinned at least 9 of the 11 hidden
    # people's first places to FA1 (truth 11). A group with a withheld focus area now has all of
    # its ranks withheld.
    votes = _pool_votes()  # the plan's 7 people all put FA1 first
    withheld = seminar.seminar_withholding(votes, min_cell_size=5)
    ranks = seminar.group_tables(votes, withheld=withheld, n_resamples=50, seed=1, hidden=POOL_PLAN)["seminar_ranking_by_group"]
    pool = set(POOL_PLAN)
    low, high = _pool_first_places_bounds(votes, ranks, area="FA1", pool=pool)
    assert high == pytest.approx(7) and low <= 7 - 5 + 1e-9, (low, high)  # min_cell_size of them left free
    # Control: with the withheld group's other first places published (a rectangle of two), the pool is pinned
    leaky = ranks.copy()
    truth = seminar.seminar_ranking(votes, by="stakeholder_group").set_index(["stakeholder_group", "focus_area_id"])["share_first"]
    withheld_group = leaky.loc[leaky["share_first"].isna() & ~leaky["stakeholder_group"].isin(pool), "stakeholder_group"].unique()
    assert len(withheld_group)
    for i, r in leaky.iterrows():
        if r.stakeholder_group in withheld_group and r.focus_area_id != "FA1" and r.focus_area_id != "FA2":
            leaky.at[i, "share_first"] = truth[(r.stakeholder_group, r.focus_area_id)]
    assert _pool_first_places_bounds(votes, leaky, area="FA1", pool=pool)[0] > 7 - 5
