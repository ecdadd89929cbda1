"""Group disclosure of the Assets & Shocks Workshop's scores by stakeholder group (report 04).

A group that rated a shock (almost) alike tells each member's rating through its median and
quartiles: private sector, social conflict consequence, n = 8 and median = q1 = q3 = 5 say
that at least 7 of the 8 rated it 5. The rule is the one of reports 01, 03 and 07
(``pra_lib.publishing.score_disclosure.withheld_groups``): all the group's raters, or all but
fewer than ``min_cell_size``, in one category of the five-point scale or on one side of it
(1-2, 3, 4-5; Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 5).

The tests on the sample read the session run (``sample_reports_en``): the cells are judged
again from the assessment's own ratings, and the published medians and quartiles are
attacked by enumerating every answer set of each published cell that gives them.
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from pra_lib import risk
from pra_lib.assessment.loading import load_assessment
from pra_lib.stats.ordinal import quartiles, weighted_medians

from .conftest import SAMPLE

ACTIVITY = "assets_shocks_workshop"
MIN_CELL_SIZE = 5  # the run's default (--min-cell-size)
MEASURES = ("likelihood", "consequence")
SIDE = {1: "low", 2: "low", 3: "middle", 4: "high", 5: "high"}


# --------------------------------------------------------------------------- a constructed workshop


def _workshop():
    """Two shocks rated by a group of 8 and a group of 12.

    ``govt`` rated SH01's consequence 5 seven times and 4 once: all on the high side, and
    all but one the same point, so it is withheld (likelihood 1..5 spread, published).
    ``kampung`` spread every rating over the scale (at least 5 raters outside any category and
    any side).
    """
    hazards = pd.DataFrame({"hazard_id": ["SH01", "SH02"], "hazard_type": "shock", "name_en": ["Flood", "Fire"]})
    gov = [f"G{i}" for i in range(8)]
    com = [f"C{i}" for i in range(12)]
    participants = pd.DataFrame({"respondent_id": gov + com, "stakeholder_group": ["govt"] * 8 + ["kampung"] * 12})
    spread8 = [1, 2, 3, 4, 5, 1, 3, 5]
    spread12 = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 2, 4]
    rows = []
    for i, r in enumerate(gov):
        rows.append({"respondent_id": r, "hazard_id": "SH01", "likelihood": spread8[i], "consequence": 5 if i < 7 else 4})
        rows.append({"respondent_id": r, "hazard_id": "SH02", "likelihood": spread8[i], "consequence": spread8[::-1][i]})
    for i, r in enumerate(com):
        rows.append({"respondent_id": r, "hazard_id": "SH01", "likelihood": spread12[i], "consequence": spread12[::-1][i]})
        rows.append({"respondent_id": r, "hazard_id": "SH02", "likelihood": spread12[::-1][i], "consequence": spread12[i]})
    ratings = pd.DataFrame(rows).assign(activity_id=ACTIVITY)
    return ratings, hazards, participants


def test_a_group_that_rated_a_shock_alike_is_withheld_on_a_constructed_workshop():
    ratings, hazards, participants = _workshop()
    before = ratings.copy()
    withheld = risk.withheld_shock_groups(ratings, activity_id=ACTIVITY, hazards=hazards, participants=participants, min_cell_size=5)
    pd.testing.assert_frame_equal(ratings, before)  # the input is not modified
    decided = {(h, g, m): w for h, g, m, w in withheld[["hazard_id", "stakeholder_group", "measure", "withheld_as"]].itertuples(index=False)}
    # govt's SH01 consequence: 7 of 8 rated 5 (one outside, fewer than 5)
    assert decided[("SH01", "govt", "consequence")] == "primary"
    # spread: 8 raters, the largest category holds 2, the largest side 3 of 8 (5 outside)
    assert decided[("SH01", "govt", "likelihood")] == ""
    assert decided[("SH02", "govt", "consequence")] == ""
    # kampung is withheld with govt for SH01's consequence: the shock's scores over everyone are
    # published, and the two groups' answers pooled did not answer alike (protect against subtraction)
    assert decided[("SH01", "kampung", "consequence")] == "complementary"
    assert decided[("SH02", "kampung", "likelihood")] == ""

    scores = risk.shock_scores(ratings, activity_id=ACTIVITY, hazards=hazards, participants=participants, by="stakeholder_group")
    out = risk.withhold_shock_scores(scores, withheld)
    gov = out[out["stakeholder_group"] == "govt"].reset_index(drop=True)
    # the published shock first, ranked among the published ones (1), the withheld one after it
    assert gov["hazard_id"].tolist() == ["SH02", "SH01"]
    assert gov.loc[0, "rank"] == 1.0 and not gov.loc[0, "answers_withheld"]
    flood = gov.loc[1]
    assert bool(flood["answers_withheld"])
    for column in ("consequence", "consequence_q1", "consequence_q3", "consequence_iqr", "score", "score_median_of_products", "band", "rank"):
        assert pd.isna(flood[column]), column
    # the likelihood was spread: it stays published, and so do the n's
    assert flood["likelihood"] == 3.0 and flood["n"] == 8 and flood["n_consequence"] == 8
    assert out.attrs["answers_withheld"][out.index[(out["stakeholder_group"] == "govt") & (out["hazard_id"] == "SH01")][0]] == "primary"
    assert pd.api.types.is_float_dtype(out["consequence"])  # numeric columns stay numeric


def test_rating_counts_count_each_rater_once_with_the_median_of_a_repeated_rating():
    hazards = pd.DataFrame({"hazard_id": ["SH01"], "hazard_type": "shock", "name_en": ["Flood"]})
    ratings = pd.DataFrame({"activity_id": ACTIVITY, "respondent_id": ["a", "a", "b", "c"], "hazard_id": "SH01",
                            "likelihood": [3, 4, 5, 5], "consequence": [2, 2, 1, 5]})
    counts = risk.rating_counts(ratings, activity_id=ACTIVITY, hazards=hazards)
    likelihood = dict(zip(*counts[counts["measure"] == "likelihood"][["category", "count"]].T.to_numpy()))
    # a rated 3 and 4: once, as 3.5 (the median, as shock_scores counts it); b and c rated 5
    assert likelihood == {"1": 0, "2": 0, "3": 0, "3.5": 1, "4": 0, "5": 2}
    consequence = counts[counts["measure"] == "consequence"].set_index("category")["count"]
    assert consequence.sum() == 3 and consequence["2"] == 1  # a's two ratings of 2 count once


def test_findings_name_no_group_with_a_withheld_shock():
    ratings, hazards, participants = _workshop()
    scores = risk.shock_scores(ratings, activity_id=ACTIVITY, hazards=hazards, participants=participants)
    ranks = risk.rank_intervals(ratings, activity_id=ACTIVITY, hazards=hazards, n_resamples=50, seed=1)
    by_group = risk.shock_scores(ratings, activity_id=ACTIVITY, hazards=hazards, participants=participants, by="stakeholder_group")
    withheld = risk.withheld_shock_groups(ratings, activity_id=ACTIVITY, hazards=hazards, participants=participants, min_cell_size=5)
    text = risk.findings_shocks(scores, ranks, groups=risk.withhold_shock_scores(by_group, withheld))
    assert "govt" not in text and "kampung" not in text
    assert "Every stakeholder group" not in text
    # without the decision the same call describes the groups, so the checks above can fail
    plain = risk.findings_shocks(scores, ranks, groups=by_group)
    assert "govt" in plain or "Every stakeholder group" in plain


# --------------------------------------------------------------------------- the sample run


@lru_cache(maxsize=1)
def _true_answers() -> pd.DataFrame:
    """Each rater's rating of each shock, with the rater's stakeholder group, from the assessment itself."""
    assessment = load_assessment(SAMPLE, errors="collect")
    ratings = assessment.table("hazard_ratings")
    ratings = ratings[ratings["activity_id"] == ACTIVITY]
    shocks = assessment.table("hazards")
    ratings = ratings[ratings["hazard_id"].isin(shocks.loc[shocks["hazard_type"] == "shock", "hazard_id"])]
    people = assessment.table("participants")
    group = dict(zip(people["respondent_id"], people["stakeholder_group"]))
    return ratings.assign(stakeholder_group=ratings["respondent_id"].map(group))


def _answered_alike() -> set[tuple[str, str, str]]:
    """(shock, group, measure) cells where all but fewer than MIN_CELL_SIZE raters gave one point or one side."""
    alike = set()
    for (hazard, group), part in _true_answers().groupby(["hazard_id", "stakeholder_group"]):
        for measure in MEASURES:
            values = pd.to_numeric(part[measure], errors="coerce").dropna().astype(int)
            n = len(values)
            if n and (n - values.value_counts().max() < MIN_CELL_SIZE or n - values.map(SIDE).value_counts().max() < MIN_CELL_SIZE):
                alike.add((hazard, group, measure))
    return alike


def _published(root) -> pd.DataFrame:
    path = root / "jakarta-2017-synthetic" / "04_assets_shocks_workshop" / "tables" / "shock_scores_by_group.csv"
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def test_sample_run_withholds_every_group_that_rated_a_shock_alike(sample_reports_en):
    table = _published(sample_reports_en)
    alike = _answered_alike()
    # the reviewer's cases are among them: private sector, social conflict consequence (8 of 8
    # rated 5), government, flooding consequence (19 of 20)
    assert ("SH05", "private", "consequence") in alike and ("SH01", "government", "consequence") in alike
    assert "answers_withheld" in table, "shock_scores_by_group has no answers_withheld column"
    shown = []
    for row in table.itertuples(index=False):
        for measure in MEASURES:
            if (row.hazard_id, row.stakeholder_group, measure) not in alike:
                continue
            values = {c: getattr(row, c) for c in (measure, f"{measure}_q1", f"{measure}_q3", f"{measure}_iqr", "score", "score_median_of_products", "band", "rank")}
            if any(pd.notna(v) for v in values.values()) or not bool(row.answers_withheld):
                shown.append((row.stakeholder_group, row.hazard_id, measure, values))
    assert not shown, f"{len(shown)} cells that answered alike are published: {shown[:3]}"
    # a withheld group keeps its n
    assert table["n"].notna().all() and table["n_likelihood"].notna().all()
    # the table declares what it counts as before
    declared = json.loads((sample_reports_en / "jakarta-2017-synthetic" / "04_assets_shocks_workshop" / "tables" / "_tables.json").read_text(encoding="utf-8"))
    assert "shock_scores_by_group" in json.dumps(declared)


def test_sample_run_ranks_a_groups_published_shocks_among_themselves(sample_reports_en):
    table = _published(sample_reports_en)
    for group, part in table.groupby("stakeholder_group", sort=False):
        withheld = part["answers_withheld"].astype(bool).to_numpy()
        # published rows first, withheld ones after them: the order says nothing of a withheld score
        assert not (np.diff(withheld.astype(int)) < 0).any(), group
        ranks = part.loc[~withheld, "rank"].to_numpy(dtype=float)
        assert part.loc[withheld, "rank"].isna().all(), group
        if len(ranks):
            # ranks 1..m among the published shocks: no gap counts a withheld shock above them
            assert ranks.min() == 1.0 and ranks.max() <= len(ranks), (group, ranks)


def _compositions(n: int):
    """Every count of raters per point 1..5 adding up to n."""
    for cuts in itertools.combinations(range(n + 4), 4):
        edges = (-1, *cuts, n + 4)
        yield [edges[i + 1] - edges[i] - 1 for i in range(5)]


@lru_cache(maxsize=None)
def _consistent(n: int):
    """All answer sets of n raters as (counts per point, median, q1, q3), computed as the report computes them."""
    counts = np.array(list(_compositions(n)), dtype=int)
    values = np.stack([np.repeat(np.arange(1, 6), c) for c in counts], axis=1).astype(float)  # raters x answer sets
    median = weighted_medians(np.ones((1, n)), values)[0]
    q1, q3 = quartiles(values)
    return counts, median, q1, q3


def test_sample_run_published_quartiles_pin_down_no_group(sample_reports_en):
    """Attack: every answer set a published median, q1 and q3 allow; none may force all but fewer than 5 raters."""
    table = _published(sample_reports_en)
    pinned = []
    checked = 0
    for row in table.itertuples(index=False):
        for measure in MEASURES:
            median, q1, q3 = (getattr(row, c) for c in (measure, f"{measure}_q1", f"{measure}_q3"))
            if pd.isna(median):
                continue
            n = int(getattr(row, f"n_{measure}"))
            counts, med, lo, hi = _consistent(n)
            fits = np.isclose(med, median) & np.isclose(lo, q1) & np.isclose(hi, q3)
            assert fits.any(), (row.stakeholder_group, row.hazard_id, measure)  # the true answers fit
            checked += 1
            fitting = counts[fits]
            forced = fitting.min(axis=0)  # raters every consistent answer set puts on each point
            sides = np.stack([fitting[:, :2].sum(axis=1), fitting[:, 2], fitting[:, 3:].sum(axis=1)], axis=1).min(axis=0)
            if n - max(forced.max(), sides.max()) < MIN_CELL_SIZE:
                pinned.append((row.stakeholder_group, row.hazard_id, measure, n, int(forced.max()), int(sides.max())))
    assert checked > 0  # some cells are published, so the attack ran
    assert not pinned, f"{len(pinned)} published cells force all but fewer than {MIN_CELL_SIZE} raters' answers: {pinned[:5]}"


def test_sample_run_findings_name_no_withheld_group(sample_reports_en):
    import nbformat

    table = _published(sample_reports_en)
    label = dict(zip(table["stakeholder_group"], table["group_label"]))
    partly = {label[group] for _, group, _ in _answered_alike()}
    assert partly  # on the sample some groups rated a shock alike
    executed = nbformat.read(sample_reports_en / "jakarta-2017-synthetic" / "04_assets_shocks_workshop" / "04_assets_shocks_workshop.ipynb", as_version=4)
    findings = [cell for cell in executed.cells if cell.cell_type == "code" and "findings" in cell.metadata.get("tags", [])]
    text = " ".join(str(out.get("data", {}).get("text/markdown", "")) for cell in findings for out in cell.get("outputs", []))
    assert text.strip(), "the findings cell shows no text"
    assert "Every stakeholder group" not in text
    named = [label for label in partly if label in text]
    assert not named, f"the findings name withheld groups: {named}"
