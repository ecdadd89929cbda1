"""seminar.group_differences when no group is large enough to be named (issue 13, item 6)."""

from __future__ import annotations

import warnings

import pytest

from pra_lib import seminar
from pra_lib.assessment.loading import load_assessment

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def votes():
    return seminar.votes_frame(load_assessment(SAMPLE), activity_id="pra_seminar")


def test_no_group_reaching_min_group_size_gives_one_sentence_not_a_crash(votes):
    biggest = int(votes.groupby(["focus_area_id", "stakeholder_group"]).size().max())
    with pytest.warns(RuntimeWarning, match=f"fewer than two groups have at least {biggest + 1} answers") as record:
        out = seminar.group_differences(votes, value="rank", min_group_size=biggest + 1)
    assert len([w for w in record if "fewer than two groups" in str(w.message)]) == 1  # one sentence, not one per focus area
    assert out["group_top"].isna().all() and out["group_bottom"].isna().all() and out["group_top_mean"].isna().all()
    # the test itself does not depend on naming groups: H and p are still computed
    assert out["h"].notna().all() and out["pvalue"].between(0, 1).all()


def test_groups_large_enough_are_named_without_a_warning(votes):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = seminar.group_differences(votes, value="support", min_group_size=5)
    assert out["group_top"].notna().all()
    # the group named on top supports the focus area at least as much as the one at the bottom
    assert (out["group_top_mean"] >= out["group_bottom_mean"]).all()


def test_no_group_is_named_top_or_bottom_of_a_focus_area_with_a_withheld_group():
    """Issue 11: a withheld group named top or bottom gives its place away, and a published
    group named top or bottom while another is withheld might not be (the withheld one might
    have been either). Government supports FA1 alike (all 12 strongly agree): on FA1 the test
    and the names are withheld and the findings leave FA1 out; FA2 is published as before."""
    import pandas as pd

    from pra_lib.publishing.score_disclosure import withheld_groups, withhold_named_groups, withhold_tests

    rows = []
    for fa, gov, com, aca in (("FA1", [5] * 12, [1, 1, 3, 3, 5, 5] * 2, [1, 2, 3, 4, 5, 3] * 2), ("FA2", [1, 2, 3, 4, 5, 3] * 2, [1, 1, 3, 3, 5, 5] * 2, [2, 2, 3, 3, 4, 4] * 2)):
        for group, values in (("gov", gov), ("com", com), ("aca", aca)):
            rows += [{"respondent_id": f"{group}{i}", "stakeholder_group": group, "focus_area_id": fa, "focus_area": fa, "support": float(v),
                      "rank": float("nan"), "group_label": group.title()} for i, v in enumerate(values)]
    votes = pd.DataFrame(rows)
    decided = withheld_groups(seminar.support_counts(votes, by="stakeholder_group"), cells=["stakeholder_group", "focus_area_id"],
                              within=["focus_area_id"], min_cell_size=5)
    assert decided.loc[decided["focus_area_id"] == "FA1", "answers_withheld"].any()
    assert not decided.loc[decided["focus_area_id"] == "FA2", "answers_withheld"].any()
    raw = seminar.group_differences(votes, value="support", min_group_size=5)
    assert raw.set_index("focus_area_id").loc["FA1", "group_top"] == "Gov", "as published before: the withheld group named top"
    labels = votes[["stakeholder_group", "group_label"]].drop_duplicates()
    out = withhold_tests(withhold_named_groups(raw, decided, labels=labels), decided).set_index("focus_area_id")
    assert out.loc["FA1", ["group_top", "group_bottom", "group_top_mean", "group_bottom_mean", "h", "pvalue", "pvalue_adj", "significant", "epsilon_sq"]].isna().all()
    assert out.loc["FA1", "test_withheld"] and not out.loc["FA2", "test_withheld"]
    assert out.loc["FA2", ["group_top", "group_bottom"]].tolist() == raw.set_index("focus_area_id").loc["FA2", ["group_top", "group_bottom"]].tolist()
    assert out.loc["FA2", "pvalue_adj"] == raw.set_index("focus_area_id").loc["FA2", "pvalue_adj"], "adjusted over both focus areas, as before"
    support = seminar.support(votes, n_resamples=200, seed=1)
    forced = out.reset_index().assign(significant=True)  # even a table that says "significant" does not describe FA1
    text = seminar.findings_seminar(support, differences=forced, min_cell_size=5)
    assert "FA1:" not in text and "FA2: Aca supports it most" in text and "5.00" not in text
    before = seminar.findings_seminar(support, differences=raw.assign(significant=True), min_cell_size=5)
    assert "FA1: Gov supports it most (mean support 5.00" in before, "the sentence the fix removes"
