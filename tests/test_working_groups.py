"""Tests of ``pra_lib.working_groups``: fit, the coordinator assignment, and its options.

Hand-computed fixtures say in a comment how each expected value was obtained. The
assignment is checked against every constraint and, on small random cases, against a
brute-force enumeration of all assignments. The last tests check the planted structure of
the bundled sample (data/sample/README.md, "working groups": BPBD fits FA2, PAM Jaya/DSDA
fit FA3, Dishub fits FA4 and Dinas Sosial fits FA5 better than Bappeda does, so best-fit
coordination beats "Bappeda everywhere").
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

from pra_lib import working_groups as wg
from pra_lib.assessment.loading import load_assessment

GROUPS = ("academia", "private", "community")


def _tables(**frames):
    return {name: pd.DataFrame(rows) for name, rows in frames.items()}


@pytest.fixture
def small():
    # F1 covers G01, G02, SH01 (3 links); F2 covers G03, ST01 (2 links); F3 has no link.
    return _tables(
        agencies={
            "agency_id": ["g1", "g2", "g3", "ac", "pr", "co"],
            "name": ["Gov One (G1)", "Gov Two", "Gov Three", "Uni", "Chamber", "Network"],
            "stakeholder_group": ["government", "government", "government", "academia", "private", "community"],
        },
        agency_mandates={
            # g3 holds G01 both as support and as lead: the lead (larger) weight counts once.
            "agency_id": ["g1", "g1", "g1", "g1", "g2", "g2", "g3", "g3", "ac"],
            "goal_id": ["G01", "G02", None, "G03", "G03", None, "G01", "G01", "G02"],
            "hazard_id": [None, None, "SH01", None, None, "ST01", None, None, None],
            "role": ["lead", "support", "lead", "lead", "lead", "lead", "support", "lead", "support"],
        },
        focus_areas={
            "focus_area_id": ["F1", "F2", "F3"],
            "name_en": ["Area one", "Area two", "Area three"],
            "selected": [True, True, False],
        },
        focus_area_links={
            "focus_area_id": ["F1", "F1", "F1", "F2", "F2"],
            "goal_id": ["G01", "G02", None, "G03", None],
            "hazard_id": [None, None, "SH01", None, "ST01"],
        },
        actions={
            "action_id": ["X1", "X2", "X3"],
            "title": ["x1", "x2", "x3"],
            "owner_agency_id": ["g1", "g2", "co"],
            "status": ["ongoing", "ongoing", "planned"],
            "budget_idr": [1.0, 2.0, None],
        },
        action_links={
            "action_id": ["X1", "X1", "X2", "X3", "X3"],
            "goal_id": ["G01", None, "G03", "G02", "G03"],
            "hazard_id": [None, "SH01", None, None, None],
        },
    )


@pytest.fixture
def small_fit(small):
    with pytest.warns(RuntimeWarning, match="F3"):
        return wg.fit(small)


# ---------------------------------------------------------------------------
# fit
# ---------------------------------------------------------------------------


def test_fit_hand_computed(small_fit):
    f = small_fit.set_index(["agency_id", "focus_area_id"])
    # g1, F1: lead G01 (1) + support G02 (0.5) + lead SH01 (1) over 3 links -> 5/6;
    # its action X1 addresses G01 and SH01 -> 2/3; fit = 2/3 * 5/6 + 1/3 * 2/3 = 7/9.
    assert f.loc[("g1", "F1"), ["mandate_fit", "action_fit", "fit"]].tolist() == pytest.approx([5 / 6, 2 / 3, 7 / 9])
    assert f.loc[("g1", "F1"), ["n_links", "n_lead", "n_support", "n_actions", "links_acted_on"]].tolist() == [3, 2, 1, 1, 2]
    # g1, F2: lead G03 over 2 links -> 1/2, no action there -> fit 1/3.
    assert f.loc[("g1", "F2"), "fit"] == pytest.approx(1 / 3)
    # g2, F2: lead G03 and ST01 -> 1; X2 addresses G03 -> 1/2; fit = 2/3 + 1/6 = 5/6.
    assert f.loc[("g2", "F2"), ["mandate_fit", "action_fit", "fit"]].tolist() == pytest.approx([1.0, 0.5, 5 / 6])
    # g3, F1: G01 as lead and support counts once, as lead -> 1/3; fit = 2/9.
    assert f.loc[("g3", "F1"), ["mandate_fit", "n_lead", "n_support", "fit"]].tolist() == pytest.approx([1 / 3, 1, 0, 2 / 9])
    # ac, F1: support G02 -> 0.5/3; fit = 2/3 * 1/6 = 1/9.
    assert f.loc[("ac", "F1"), "fit"] == pytest.approx(1 / 9)
    # co has no mandate (an agency with no mandate): its fit comes from its action X3 only.
    assert f.loc[("co", "F1"), ["mandate_fit", "action_fit", "fit"]].tolist() == pytest.approx([0.0, 1 / 3, 1 / 9])
    assert f.loc[("co", "F2"), "fit"] == pytest.approx(1 / 6)
    # pr has neither mandate nor action; F3 has no link: fit 0 for everyone.
    assert (f.loc["pr", "fit"] == 0).all()
    assert (small_fit.loc[small_fit["focus_area_id"] == "F3", ["n_links", "fit"]] == 0).all().all()
    # Full grid, 0..1.
    assert len(small_fit) == 6 * 3 and small_fit["fit"].between(0, 1).all()


def test_fit_weights(small):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # Equal role weights and mandate only: g1 in F1 holds all 3 links -> mandate 1.
        f = wg.fit(small, weights={"support": 1.0}, action_weight=0).set_index(["agency_id", "focus_area_id"])
        assert f.loc[("g1", "F1"), "fit"] == pytest.approx(1.0)
        # Actions only: fit = action_fit.
        f = wg.fit(small, action_weight=1).set_index(["agency_id", "focus_area_id"])
        assert f.loc[("g1", "F1"), "fit"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="unknown role"):
        wg.fit(small, weights={"chair": 1.0})
    with pytest.raises(ValueError, match="action_weight"):
        wg.fit(small, action_weight=1.5)


def test_fit_without_actions_table(small):
    data = {k: v for k, v in small.items() if k not in ("actions", "action_links")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        f = wg.fit(data)
    assert (f["action_fit"] == 0).all()
    # g1, F1: 2/3 * 5/6 = 5/9.
    assert f.set_index(["agency_id", "focus_area_id"]).loc[("g1", "F1"), "fit"] == pytest.approx(5 / 9)


# ---------------------------------------------------------------------------
# propose_working_groups
# ---------------------------------------------------------------------------


def test_proposal_hand_computed(small, small_fit):
    groups = wg.propose_working_groups(small_fit, small["agencies"], members_per_group=1)
    # Government candidates with fit >= 0.3: F1 {g1 7/9}; F2 {g1 1/3, g2 5/6}.
    # Best: F1 g1, F2 g2, total 7/9 + 5/6 = 29/18. F3 is not selected.
    assert dict(zip(groups.coordinators["focus_area_id"], groups.coordinators["agency_id"])) == {"F1": "g1", "F2": "g2"}
    assert groups.total_fit == pytest.approx(29 / 18)
    m = groups.members
    f1 = m[m["focus_area_id"] == "F1"].set_index("agency_id")
    # Coordinator g1; top-fit member g3 (2/9); then the best of each required group:
    # academia ac (1/9), private pr (0, by representation only), community co (1/9).
    assert list(f1.index) == ["g1", "g3", "ac", "pr", "co"]
    assert f1.loc["g1", "role"] == "coordinator" and f1.loc["g3", "reason"] == "top fit"
    assert "no mandate or action" in f1.loc["pr", "reason"]
    f2 = m[m["focus_area_id"] == "F2"]
    assert f2["agency_id"].tolist() == ["g2", "g1", "ac", "pr", "co"]
    roster = groups.roster()
    assert roster["stakeholder_groups"].tolist() == ["government, academia, private, community"] * 2
    assert roster.loc[0, "coordinator"] == "G1"


def test_infeasible_no_candidate_names_focus_area(small_fit, small):
    with pytest.raises(ValueError, match=r"F1 'Area one' has no candidate coordinator with fit >= 0.8"):
        wg.propose_working_groups(small_fit, small["agencies"], min_coordinator_fit=0.8)
    # A focus area with no links cannot be staffed either.
    with pytest.raises(ValueError, match="F3 'Area three'"):
        wg.propose_working_groups(small_fit, small["agencies"], focus_areas=["F3"])


def test_infeasible_competition_and_k(small_fit, small):
    # Without g2, F1 and F2 both depend on g1 (7/9 and 1/3): with one group per coordinator,
    # F2 (the smaller fit) cannot be staffed; with two, g1 coordinates both (total 10/9).
    no_g2 = small_fit[small_fit["agency_id"] != "g2"]
    with pytest.raises(ValueError, match=r"F2 'Area two' cannot get a coordinator.*G1.*at most 1 group"):
        wg.propose_working_groups(no_g2, small["agencies"])
    two = wg.propose_working_groups(no_g2, small["agencies"], max_groups_per_coordinator=2)
    assert two.coordinators["agency_id"].tolist() == ["g1", "g1"]
    assert two.total_fit == pytest.approx(10 / 9)


def test_required_group_missing_is_a_clear_error(small_fit, small):
    agencies = small["agencies"][small["agencies"]["stakeholder_group"] != "private"]
    with pytest.raises(ValueError, match="no organisation of stakeholder group\\(s\\) private"):
        wg.propose_working_groups(small_fit, agencies)
    # Leaving the private sector out of the requirement works.
    groups = wg.propose_working_groups(small_fit, agencies, require_groups=("academia", "community"))
    assert "pr" not in set(groups.members["agency_id"])


def _check_constraints(groups, k, min_fit, require=GROUPS):
    c = groups.coordinators
    assert (c["fit"] >= min_fit - 1e-12).all()
    assert c["agency_id"].value_counts().max() <= k
    for fa, members in groups.members.groupby("focus_area_id"):
        assert (members["role"] == "coordinator").sum() == 1
        assert set(require) <= set(members["stakeholder_group"]), fa


def _brute_force(mat: pd.DataFrame, k: int, min_fit: float):
    best = None
    for combo in itertools.product(range(mat.shape[1]), repeat=mat.shape[0]):
        if max(combo.count(j) for j in set(combo)) > k:
            continue
        vals = [mat.iat[i, j] for i, j in enumerate(combo)]
        if min(vals) < min_fit:
            continue
        total = sum(vals)
        best = total if best is None or total > best else best
    return best


def _random_case(seed):
    """4 focus areas x 4 government agencies (+ one organisation per other group).

    Fits are uniform on 0..1, with a share of them set to 0 (density 0.45, 0.7 or 1 by
    seed), and k = 1 or 2 groups per coordinator, so that the seeds cover infeasible,
    one-group-each and shared-coordinator cases.
    """
    rng = np.random.default_rng(seed)
    density = (0.45, 0.7, 1.0)[seed % 3]
    k = 1 + (seed // 3) % 2
    fas = [f"F{i}" for i in range(4)]
    ids = [f"a{j}" for j in range(4)] + ["ac", "pr", "co"]
    groups_of = ["government"] * 4 + ["academia", "private", "community"]
    values = (rng.uniform(0, 1, size=(4, len(ids))) * (rng.random((4, len(ids))) < density)).round(3)
    fit = pd.DataFrame(
        [(a, g, f, values[i, j]) for i, f in enumerate(fas) for j, (a, g) in enumerate(zip(ids, groups_of))],
        columns=["agency_id", "stakeholder_group", "focus_area_id", "fit"],
    )
    agencies = pd.DataFrame({"agency_id": ids, "name": ids, "stakeholder_group": groups_of})
    mat = fit[fit["stakeholder_group"] == "government"].pivot(index="focus_area_id", columns="agency_id", values="fit")
    return fit, agencies, mat, k


SEEDS = range(18)
MIN_FIT = 0.3


@pytest.mark.parametrize("seed", SEEDS)
def test_assignment_is_optimal_against_brute_force(seed):
    fit, agencies, mat, k = _random_case(seed)
    expected = _brute_force(mat, k, MIN_FIT)
    if expected is None:
        with pytest.raises(ValueError, match="cannot staff every working group: focus area F"):
            wg.propose_working_groups(fit, agencies, max_groups_per_coordinator=k, min_coordinator_fit=MIN_FIT)
        return
    groups = wg.propose_working_groups(fit, agencies, max_groups_per_coordinator=k, min_coordinator_fit=MIN_FIT)
    assert groups.total_fit == pytest.approx(expected)
    _check_constraints(groups, k, MIN_FIT)


def test_brute_force_cases_cover_every_kind():
    # Guard for the parametrised test above: its seeds must include a focus area with no
    # candidate, focus areas competing for too few candidates (feasible only with more groups
    # per coordinator), one group per coordinator, and one agency coordinating two groups.
    kinds = set()
    for seed in SEEDS:
        fit, agencies, mat, k = _random_case(seed)
        if _brute_force(mat, k, MIN_FIT) is None:
            kinds.add("no candidate" if ((mat >= MIN_FIT).sum(axis=1) == 0).any() else "competition")
        else:
            groups = wg.propose_working_groups(fit, agencies, max_groups_per_coordinator=k, min_coordinator_fit=MIN_FIT)
            kinds.add("shared" if groups.coordinators["agency_id"].duplicated().any() else "one each")
    assert kinds == {"no candidate", "competition", "shared", "one each"}


# ---------------------------------------------------------------------------
# Bappeda everywhere, compare, steering committee
# ---------------------------------------------------------------------------


def test_one_coordinator_everywhere_and_compare(small_fit, small):
    best = wg.propose_working_groups(small_fit, small["agencies"], members_per_group=1)
    base = wg.bappeda_everywhere(small_fit, small["agencies"], coordinator="g3", members_per_group=1)
    # g3 fits F1 2/9 and F2 0, both below 0.3.
    assert base.coordinators["agency_id"].tolist() == ["g3", "g3"]
    assert base.total_fit == pytest.approx(2 / 9)
    assert not base.coordinators["meets_min_fit"].any()
    c = wg.compare(best, base)
    totals = c.totals.set_index("option")
    assert totals.loc["best fit", "total_fit"] == pytest.approx(29 / 18)
    assert totals.loc["Gov Three everywhere", ["groups_below_min", "n_coordinators", "most_groups_per_coordinator"]].tolist() == [2, 1, 2]
    g = c.groups.set_index(["focus_area_id", "option"])
    assert g.loc[("F2", "best fit"), "agency_id"] == "g2" and g.loc[("F2", "Gov Three everywhere"), "fit"] == 0
    w = c.workload.set_index(["agency_id", "option"])
    # g3 coordinates both groups under its option; under best fit it joins F1 only.
    assert w.loc[("g3", "Gov Three everywhere"), ["groups_coordinated", "groups_joined"]].tolist() == [2, 0]
    assert w.loc[("g3", "best fit"), ["groups_coordinated", "groups_joined"]].tolist() == [0, 1]
    # pr sits in both groups under both options (the private sector's only organisation).
    assert w.loc[("pr", "best fit"), "groups_total"] == 2
    with pytest.raises(ValueError, match="not in the agencies table"):
        wg.bappeda_everywhere(small_fit, small["agencies"], coordinator="bappeda")


def test_steering_committee_rule(small_fit, small):
    # Breadth over F1, F2 (fit > 0): g1 2 (mean 5/9), co 2 (mean 5/36), g2 1 (5/12),
    # g3 1 (1/9), ac 1 (1/18), pr 0. Seats: the broadest of each group (g1, ac, pr, co),
    # then by breadth: g2.
    sc = wg.steering_committee(small_fit, small["agencies"], size=5)
    assert sc["agency_id"].tolist() == ["g1", "co", "g2", "ac", "pr"]
    assert sc["breadth"].tolist() == [2, 2, 1, 1, 0]
    assert set(sc["stakeholder_group"]) == {"government", "academia", "private", "community"}
    assert sc.set_index("agency_id").loc["g2", "reason"] == "breadth"
    with pytest.raises(ValueError, match="at least 4"):
        wg.steering_committee(small_fit, small["agencies"], size=3)


def test_figures_and_findings(small_fit, small):
    import matplotlib.pyplot as plt

    best = wg.propose_working_groups(small_fit, small["agencies"])
    base = wg.bappeda_everywhere(small_fit, small["agencies"], coordinator="g3")
    for fig in (wg.fit_heatmap(small_fit, best), wg.comparison_chart(wg.compare(best, base))):
        assert fig.axes
        plt.close(fig)
    text = wg.findings_working_groups(best, base, steering=wg.steering_committee(small_fit, small["agencies"]))
    assert "from **0.22**" in text and "to **1.61**" in text
    assert "**G1** coordinates *Area one*" in text


def test_selected_missing_means_every_focus_area(small):
    data = dict(small)
    data["focus_areas"] = small["focus_areas"].assign(selected=None)
    data["focus_area_links"] = pd.concat([small["focus_area_links"], pd.DataFrame({"focus_area_id": ["F3"], "goal_id": ["G03"], "hazard_id": [None]})])
    f = wg.fit(data)
    groups = wg.propose_working_groups(f, small["agencies"], max_groups_per_coordinator=2)
    assert groups.coordinators["focus_area_id"].tolist() == ["F1", "F2", "F3"]


# ---------------------------------------------------------------------------
# The planted structure of data/sample
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_assessment("data/sample")


@pytest.fixture(scope="module")
def sample_fit(sample):
    return wg.fit(sample)


def test_sample_best_fit_beats_bappeda_everywhere(sample, sample_fit):
    best = wg.propose_working_groups(sample_fit, sample.agencies)
    base = wg.bappeda_everywhere(sample_fit, sample.agencies)
    assert best.total_fit > base.total_fit
    coord = dict(zip(best.coordinators["focus_area_id"], best.coordinators["agency_id"]))
    assert list(coord) == ["FA1", "FA2", "FA3", "FA4", "FA5"]  # the five selected focus areas
    assert coord["FA2"] == "bpbd"
    assert coord["FA3"] in {"pamjaya", "dsda"}
    assert coord["FA4"] in {"dishub", "mrtj", "transjakarta"}
    assert coord["FA5"] == "dinsos"
    # Each planted coordinator fits its focus area better than Bappeda does.
    fit = sample_fit.set_index(["agency_id", "focus_area_id"])["fit"]
    for fa in ("FA2", "FA3", "FA4", "FA5"):
        assert fit[(coord[fa], fa)] > fit[("bappeda", fa)]
    assert (base.coordinators["agency_id"] == "bappeda").all() and len(base.coordinators) == 5
    _check_constraints(best, 1, 0.3)


def test_sample_community_org_does_not_coordinate(sample, sample_fit):
    # Even when any organisation may coordinate, the urban poor network (jrmk) does not:
    # Dinas Sosial fits social cohesion better.
    best = wg.propose_working_groups(sample_fit, sample.agencies, coordinator_groups=None)
    assert "jrmk" not in set(best.coordinators["agency_id"])
    assert best.coordinators.set_index("focus_area_id").loc["FA5", "agency_id"] == "dinsos"
    _check_constraints(best, 1, 0.3)


def test_sample_constraints_hold_for_other_settings(sample, sample_fit):
    for k, min_fit in ((2, 0.3), (1, 0.5)):
        best = wg.propose_working_groups(sample_fit, sample.agencies, max_groups_per_coordinator=k, min_coordinator_fit=min_fit)
        _check_constraints(best, k, min_fit)
    # No agency fits every focus area at 0.9: a clear error naming a focus area.
    with pytest.raises(ValueError, match=r"FA\d '"):
        wg.propose_working_groups(sample_fit, sample.agencies, min_coordinator_fit=0.9)


def test_sample_steering_committee_covers_all_groups(sample, sample_fit):
    sc = wg.steering_committee(sample_fit, sample.agencies, size=7)
    assert len(sc) == 7
    assert set(sc["stakeholder_group"]) == {"government", "academia", "private", "community"}
    # Bappeda's mandate touches every focus area, so it is the broadest organisation.
    assert sc.iloc[0]["agency_id"] == "bappeda"
