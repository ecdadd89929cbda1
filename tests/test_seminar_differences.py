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
