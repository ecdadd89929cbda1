"""Tests of ``pra_lib.actions``: coverage of the actions inventory and its gaps.

Hand-computed fixtures say in a comment how each expected value was obtained. The last
tests check that the planted structure of the bundled sample (data/sample/README.md,
"actions": flooding and G07/G08 have many actions; G04, G11 and SH05 are the gaps) is
recovered.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from pra_lib import actions
from pra_lib.assessment import crf
from pra_lib.assessment.loading import load_assessment

NA = np.nan


def _tables(**frames):
    return {name: pd.DataFrame(rows) for name, rows in frames.items()}


@pytest.fixture
def inventory():
    # Five actions; A4 has no link (counts nowhere), A1 is linked to G01 twice (counts once).
    return _tables(
        agencies={
            "agency_id": ["ag1", "ag2", "ag3"],
            "name": ["Agency One (AG1)", "Agency Two", "Agency Three"],
            "stakeholder_group": ["government", "government", "community"],
        },
        actions={
            "action_id": ["A1", "A2", "A3", "A4", "A5"],
            "title": ["t1", "t2", "t3", "t4", "t5"],
            "owner_agency_id": ["ag1", "ag1", "ag2", "ag2", "ag1"],
            "status": ["ongoing", "planned", "completed", "ongoing", "planned"],
            "budget_idr": [100.0, NA, 50.0, 30.0, NA],
        },
        action_links={
            "action_id": ["A1", "A1", "A1", "A2", "A2", "A3", "A3", "A3", "A5"],
            "goal_id": ["G01", None, "G01", "G01", "G02", "G02", None, None, "G03"],
            "hazard_id": [None, "SH01", None, None, None, None, "SH01", "SH02", None],
        },
        hazards={
            "hazard_id": ["SH01", "SH02", "ST01"],
            "hazard_type": ["shock", "shock", "stress"],
            "name_en": ["Flooding", "Earthquake", "Land subsidence"],
            "category": ["x", "y", "z"],
        },
    )


# ---------------------------------------------------------------------------
# coverage
# ---------------------------------------------------------------------------


def test_coverage_by_goal_hand_computed(inventory):
    cov = actions.coverage(inventory, by="goal").set_index("goal_id")
    # All 12 goals, in CRF order, zeros included.
    assert list(cov.index) == list(crf.GOAL_IDS)
    # G01: A1 (ongoing, 100) and A2 (planned, no budget) -> 2 actions, 1 with a budget (1/2),
    # known budget 100, one owner (ag1); 2 of the 5 actions in the inventory.
    g = cov.loc["G01"]
    assert (g["n_actions"], g["n_ongoing"], g["n_planned"], g["n_completed"]) == (2, 1, 1, 0)
    assert (g["n_budget_known"], g["share_budget_known"], g["budget_known_idr"], g["n_owner_agencies"]) == (1, 0.5, 100.0, 1)
    assert g["share_of_inventory"] == pytest.approx(2 / 5)
    # G02: A2 (ag1, planned, no budget) and A3 (ag2, completed, 50) -> 2 actions, 2 owners.
    g = cov.loc["G02"]
    assert (g["n_actions"], g["n_planned"], g["n_completed"], g["n_owner_agencies"]) == (2, 1, 1, 2)
    assert g["budget_known_idr"] == 50.0
    # G03: A5 only, whose budget is missing -> the known budget is unknown (NaN), not 0.
    g = cov.loc["G03"]
    assert g["n_actions"] == 1 and g["share_budget_known"] == 0.0 and math.isnan(g["budget_known_idr"])
    # A goal with no action: 0 actions, 0 budget, share of known budgets undefined.
    g = cov.loc["G12"]
    assert g["n_actions"] == 0 and g["budget_known_idr"] == 0.0 and math.isnan(g["share_budget_known"])
    assert cov["goal"].loc["G01"] == crf.goal_label("G01")


def test_coverage_by_hazard_hand_computed(inventory):
    cov = actions.coverage(inventory, by="hazard").set_index("hazard_id")
    assert list(cov.index) == ["SH01", "SH02", "ST01"]
    # SH01: A1 (ag1, 100) and A3 (ag2, 50) -> 2 actions, budget 150, 2 owners.
    assert cov.loc["SH01", ["n_actions", "budget_known_idr", "n_owner_agencies"]].tolist() == [2, 150.0, 2]
    # SH02: A3 only; ST01: nothing.
    assert cov.loc["SH02", ["n_actions", "n_completed", "budget_known_idr"]].tolist() == [1, 1, 50.0]
    assert cov.loc["ST01", "n_actions"] == 0
    assert cov.loc["SH01", "hazard"] == "Flooding" and cov.loc["ST01", "hazard_type"] == "stress"


def test_coverage_columns_are_stable(inventory):
    goal = actions.coverage(inventory, by="goal")
    hazard = actions.coverage(inventory, by="hazard")
    counts = ["n_actions", "n_ongoing", "n_planned", "n_completed", "n_budget_known", "share_budget_known", "budget_known_idr", "n_owner_agencies", "share_of_inventory"]
    assert list(goal.columns) == ["goal_id", "goal", *counts]
    assert list(hazard.columns) == ["hazard_id", "hazard", "hazard_type", *counts]
    with pytest.raises(ValueError, match="by must be one of"):
        actions.coverage(inventory, by="agency")


def test_coverage_by_agency_hand_computed(inventory):
    t = actions.coverage_by_agency(inventory, by="goal")
    # Full grid: 3 agencies x 12 goals.
    assert len(t) == 36
    cell = t.set_index(["agency_id", "goal_id"])
    # ag1 x G01: A1 (100) and A2 (no budget) -> 2 actions, known budget 100.
    assert cell.loc[("ag1", "G01"), ["n_actions", "n_budget_known", "budget_known_idr"]].tolist() == [2, 1, 100.0]
    # ag1 x G02: A2 only, budget missing -> NaN known budget, share 0.
    assert cell.loc[("ag1", "G02"), "n_actions"] == 1 and math.isnan(cell.loc[("ag1", "G02"), "budget_known_idr"])
    # ag2 x G02: A3 (50).
    assert cell.loc[("ag2", "G02"), ["n_actions", "n_completed", "budget_known_idr"]].tolist() == [1, 1, 50.0]
    # ag3 owns nothing: zeros everywhere.
    assert cell.loc["ag3", "n_actions"].sum() == 0
    # Summed over agencies, the per-agency counts give back the per-goal coverage.
    per_goal = t.groupby("goal_id", sort=False)["n_actions"].sum()
    assert per_goal.tolist() == actions.coverage(inventory)["n_actions"].tolist()
    # Labels: the acronym of the name when there is one.
    assert cell.loc[("ag1", "G01"), "agency"] == "AG1"
    # Easy to pivot for a heatmap.
    grid = t.pivot(index="agency_id", columns="goal_id", values="n_actions")
    assert grid.shape == (3, 12) and grid.loc["ag1", "G01"] == 2


def test_coverage_without_actions_table_is_defined():
    data = _tables(agencies={"agency_id": ["a"], "name": ["A"], "stakeholder_group": ["government"]})
    with pytest.warns(RuntimeWarning, match="no actions inventory"):
        cov = actions.coverage(data)
    assert len(cov) == 12 and (cov["n_actions"] == 0).all() and cov["share_budget_known"].isna().all()
    t = actions.coverage_by_agency(data)
    assert len(t) == 12 and (t["n_actions"] == 0).all()
    # Gaps still work: no coverage anywhere, so the gap score is the need alone.
    need = pd.DataFrame({"goal_id": list(crf.GOAL_IDS), "need": np.arange(12.0)})
    g = actions.gaps(cov, need=need, k=2)
    assert (g["coverage_norm"] == 0).all()
    assert g.loc[g["is_gap"], "goal_id"].tolist() == ["G12", "G11"]


# ---------------------------------------------------------------------------
# gaps
# ---------------------------------------------------------------------------


def _cov4(n):
    return pd.DataFrame({"goal_id": ["G01", "G02", "G03", "G04"], "goal": list("abcd"), "n_actions": n})


def test_gap_score_hand_computed():
    # need 4, 2, 3, 1 -> min-max need_norm 1, 1/3, 2/3, 0;
    # actions 10, 0, 5, 5 -> coverage_norm = n / 10 = 1, 0, 0.5, 0.5;
    # gap = need_norm - coverage_norm = 0, 1/3, 1/6, -1/2.
    need = pd.DataFrame({"goal_id": ["G01", "G02", "G03", "G04"], "need": [4.0, 2.0, 3.0, 1.0]})
    g = actions.gaps(_cov4([10, 0, 5, 5]), need=need, k=1)
    assert g["goal_id"].tolist() == ["G02", "G03", "G01", "G04"]
    assert g["gap_score"].tolist() == pytest.approx([1 / 3, 1 / 6, 0.0, -0.5])
    assert g["gap_rank"].tolist() == [1, 2, 3, 4]
    assert g["is_gap"].tolist() == [True, False, False, False]
    # k=None flags every positive score; a gap score of exactly 0 is not a gap.
    g = actions.gaps(_cov4([10, 0, 5, 5]), need=need, k=None)
    assert g.loc[g["is_gap"], "goal_id"].tolist() == ["G02", "G03"]


def test_gap_ties_missing_need_and_uniform_need():
    # need 1, 2, 3 (G04 missing) -> need_norm 0, .5, 1; coverage_norm 1, 0, .5, .5;
    # gap -1, .5, .5, NaN: G02 and G03 tie for rank 1, so k=1 flags both.
    need = pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "need": [1.0, 2.0, 3.0]})
    with pytest.warns(RuntimeWarning, match="no need score for G04"):
        g = actions.gaps(_cov4([10, 0, 5, 5]), need=need, k=1)
    assert g["goal_id"].tolist() == ["G02", "G03", "G01", "G04"]
    assert g.loc[g["is_gap"], "goal_id"].tolist() == ["G02", "G03"]
    assert math.isnan(g["gap_score"].iloc[-1]) and not g["is_gap"].iloc[-1]
    # Uniform need: need_norm = 1 everywhere, so the gap is 1 - coverage_norm.
    flat = pd.DataFrame({"goal_id": ["G01", "G02", "G03", "G04"], "need": 2.0})
    with pytest.warns(RuntimeWarning, match="same need"):
        g = actions.gaps(_cov4([10, 0, 5, 5]), need=flat, k=1)
    assert g.set_index("goal_id")["gap_score"].to_dict() == pytest.approx({"G01": 0.0, "G02": 1.0, "G03": 0.5, "G04": 0.5})
    assert g.loc[g["is_gap"], "goal_id"].tolist() == ["G02"]


def test_gap_input_errors():
    cov = _cov4([1, 2, 3, 4])
    with pytest.raises(ValueError, match="need must have columns"):
        actions.gaps(cov, need=pd.DataFrame({"goal": ["G01"], "need": [1.0]}))
    with pytest.raises(ValueError, match="more than one row"):
        actions.gaps(cov, need=pd.DataFrame({"goal_id": ["G01", "G01"], "need": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="k must be"):
        actions.gaps(cov, need=pd.DataFrame({"goal_id": ["G01"], "need": [1.0]}), k=0)
    # A need indexed by goal_id is accepted too; a different need column can be named.
    need = pd.DataFrame({"weakness": [1.0, 2.0, 3.0, 4.0]}, index=pd.Index(["G01", "G02", "G03", "G04"], name="goal_id"))
    g = actions.gaps(cov, need=need, need_column="weakness", k=1)
    assert g["goal_id"].iloc[0] == "G04"


def test_need_from_scores():
    scores = pd.DataFrame({"goal_id": ["G01", "G02"], "mean": [2.5, "suppressed"]})
    # Performance: need = 5 - mean; a suppressed mean is missing.
    need = actions.need_from_scores(scores)
    assert need["need"].iloc[0] == 2.5 and math.isnan(need["need"].iloc[1])
    risk = pd.DataFrame({"hazard_id": ["SH01"], "compound": [20.0]})
    assert actions.need_from_scores(risk, key="hazard_id", value="compound", invert_from=None)["need"].tolist() == [20.0]


def test_agency_labels():
    agencies = pd.DataFrame({"agency_id": ["a", "b", "c"], "name": ["Badan X (BX)", "Dinas Y", None]})
    assert actions.agency_labels(agencies) == {"a": "BX", "b": "Dinas Y", "c": "c"}


# ---------------------------------------------------------------------------
# Figures and findings
# ---------------------------------------------------------------------------


def test_figures_and_findings_draw(inventory):
    import matplotlib.pyplot as plt

    cov = actions.coverage(inventory)
    need = pd.DataFrame({"goal_id": list(crf.GOAL_IDS), "need": np.linspace(1, 3, 12)})
    gaps = actions.gaps(cov, need=need)
    for fig in (actions.coverage_bars(cov), actions.coverage_bars(actions.coverage(inventory, by="hazard")),
                actions.agency_heatmap(actions.coverage_by_agency(inventory)), actions.need_coverage_scatter(gaps)):
        assert fig.axes
        plt.close(fig)
    text = actions.findings_actions(cov, actions.coverage(inventory, by="hazard"), goal_gaps=gaps, data=inventory)
    assert "**5 actions**" in text and "Flooding" in text and "Gaps among the goals" in text


# ---------------------------------------------------------------------------
# The planted structure of data/sample
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_assessment("data/sample")


def test_sample_flooding_is_best_covered_hazard(sample):
    cov = actions.coverage(sample, by="hazard")
    assert cov.loc[cov["n_actions"].idxmax(), "hazard_id"] == "SH01"
    goals = actions.coverage(sample).set_index("goal_id")["n_actions"]
    # G07 and G08 are among the three best-covered goals.
    assert {"G07", "G08"} <= set(goals.nlargest(3).index)


def test_sample_goal_gaps_include_g04_and_g11(sample):
    # Need = perception weakness, 5 - mean performance rating per goal, computed with plain
    # pandas from the sample's ratings ("don't know" is already missing).
    perf = sample.perception_ratings[sample.perception_ratings["aspect"] == "performance"]
    need = (5 - perf.groupby("goal_id")["rating"].mean().astype(float)).rename("need").reset_index()
    g = actions.gaps(actions.coverage(sample), need=need, k=3)
    assert {"G04", "G11"} <= set(g.loc[g["is_gap"], "goal_id"])
    # With uniform need the least-covered goals are the gaps; G04 and G11 are among them.
    uniform = pd.DataFrame({"goal_id": list(crf.GOAL_IDS), "need": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = actions.gaps(actions.coverage(sample), need=uniform, k=3)
    assert {"G04", "G11"} <= set(g.loc[g["is_gap"], "goal_id"])
    # The best-covered goals are never gaps.
    assert not g.set_index("goal_id").loc[["G07", "G08"], "is_gap"].any()


def test_sample_hazard_gaps_include_social_conflict(sample):
    # Need = weaknesses named in the key-stakeholder interviews, per hazard (a plain count).
    # Hazards nobody named have need 0.
    s = sample.interview_statements
    counts = s[s["valence"] == "weakness"].groupby("hazard_id").size()
    cov = actions.coverage(sample, by="hazard")
    need = pd.DataFrame({"hazard_id": cov["hazard_id"], "need": cov["hazard_id"].map(counts).fillna(0).astype(float)})
    g = actions.gaps(cov, need=need, k=3)
    assert "SH05" in set(g.loc[g["is_gap"], "hazard_id"])
    assert not g.set_index("hazard_id").loc["SH01", "is_gap"]


def test_gaps_on_an_assessment_without_hazards_is_empty_not_an_error():
    """No hazards: the coverage frame's hazard_id is an empty float column; the gap table is empty with its columns."""
    import warnings

    coverage = pd.DataFrame({"hazard_id": pd.Series(dtype=float), "hazard": pd.Series(dtype=object), "n_actions": pd.Series(dtype=float)})
    need = pd.DataFrame({"hazard_id": pd.Series(dtype=object), "need": pd.Series(dtype=float)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = actions.gaps(coverage, need=need)
    assert out.empty and {"hazard_id", "gap_score", "gap_rank", "is_gap"} <= set(out.columns)


def test_a_goal_without_need_has_no_gap_rank_and_the_table_still_goes_to_the_workbook(tmp_path):
    """Five respondents leave a goal without a mean: its rank is missing (<NA>), an empty cell in the workbook."""
    import openpyxl

    from pra_lib.publishing.report import write_workbook

    coverage = pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "goal": ["a", "b", "c"], "n_actions": [1, 2, 0]})
    need = actions.need_from_scores(pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "mean": [2.0, np.nan, 3.0]}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = actions.gaps(coverage, need=need)
    assert out.loc[out["goal_id"] == "G02", "gap_rank"].isna().all() and out["gap_rank"].notna().sum() == 2
    write_workbook({"gaps": out}, tmp_path / "t.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "t.xlsx")["gaps"].values)
    g02 = next(r for r in rows[1:] if r[0] == "G02")
    assert g02[list(out.columns).index("gap_rank")] is None
