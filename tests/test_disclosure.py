"""Disclosure control: primary and complementary suppression, attacked with linear programming.

The attacker model follows the statistical-disclosure-control literature (Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, ch. 4: cell suppression is audited by solving
for the lowest and highest value each suppressed cell can take given the published cells
and margins).
"""

from __future__ import annotations

import itertools
import math
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pra_lib.publishing.disclosure import SUPPRESSED, audit, merge_small_categories, plan, published_numbers, suppress


def test_primary_suppression_hides_small_counts_and_their_statistics():
    table = pd.DataFrame({"area": ["a", "b", "c", "d"], "n": [40, 3, 25, 12], "mean": [3.2, 4.7, 2.9, 3.3]})
    out = suppress(table)
    assert pd.isna(out.loc[1, "n"]) and pd.isna(out.loc[1, "mean"])
    assert out.loc[0, "n"] == 40 and out.loc[0, "mean"] == 3.2
    assert out["suppressed"].tolist().count(True) == 2  # 3 and its complement (12, the smallest other)
    assert pd.isna(out.loc[3, "n"])
    assert out["suppression"].tolist() == ["", "primary", "", "complementary"]
    assert table["n"].tolist() == [40, 3, 25, 12], "the input is not modified"


def test_zero_cells_are_published_not_suppressed():
    out = suppress(pd.DataFrame({"g": ["a", "b", "c"], "n": [0, 30, 30]}))
    assert not out["suppressed"].any()


def test_threshold_is_a_parameter():
    table = pd.DataFrame({"g": ["a", "b", "c"], "n": [7, 30, 30]})
    assert not suppress(table)["suppressed"].any()
    assert suppress(table, min_cell_size=10)["suppressed"].sum() == 2


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "5"])
def test_bad_threshold_is_refused(bad):
    with pytest.raises(ValueError, match="min_cell_size"):
        suppress(pd.DataFrame({"n": [1]}), min_cell_size=bad)


def test_unknown_count_column_is_a_clear_error():
    with pytest.raises(KeyError, match="count column"):
        suppress(pd.DataFrame({"x": [1]}))


def _grid(counts):
    rows, cols = np.shape(counts)
    return pd.DataFrame([(f"r{i}", f"c{j}", int(counts[i][j])) for i in range(rows) for j in range(cols)], columns=["row", "col", "n"])


def test_single_suppression_in_a_row_gets_a_complement_in_that_row_and_column():
    table = _grid([[20, 2, 30], [15, 25, 35], [40, 45, 50]])
    out = suppress(table, dims=["row", "col"])
    wide = out.pivot(index="row", columns="col", values="suppressed")
    assert wide.loc["r0"].sum() >= 2 and wide["c1"].sum() >= 2


def test_attacker_cannot_recover_any_suppressed_cell_from_margins():
    rng = np.random.default_rng(2024)
    tried = 0
    for _ in range(60):
        counts = rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 30], size=(4, 4))
        table = _grid(counts)
        if (table.groupby("row")["n"].sum() < 5).any() or (table.groupby("col")["n"].sum() < 5).any():
            continue  # a margin that is itself small is suppressed where published
        published = suppress(table, dims=["row", "col"])
        small = (table["n"] > 0) & (table["n"] < 5)
        assert published.loc[small, "n"].isna().all() and published.loc[small, "suppressed"].all()
        attack = audit(published, true_counts=table["n"], dims=["row", "col"])
        assert not attack["recovered"].any(), attack
        tried += 1
    assert tried >= 20


def test_audit_detects_a_naive_suppression():
    """The attacker is real: it does recover a cell that is suppressed alone."""
    table = _grid([[20, 2, 30], [15, 25, 35]])
    naive = table.assign(n=table["n"].astype(object))
    naive.loc[1, "n"] = SUPPRESSED
    attack = audit(naive, true_counts=table["n"], dims=["row", "col"])
    assert attack["recovered"].all() and attack["lowest"].item() == 2


def test_brute_force_agrees_with_the_linear_programme():
    """On a tiny table, enumerate every integer completion consistent with the margins."""
    counts = np.array([[6, 2, 9], [3, 8, 7]])
    table = _grid(counts)
    published = suppress(table, dims=["row", "col"])
    hidden = np.flatnonzero(published["suppressed"].to_numpy())
    assert len(hidden) >= 2
    solutions = []
    # No cell can exceed its column total, so that bounds the search.
    for values in itertools.product(range(1, int(counts.sum(axis=0).max()) + 1), repeat=len(hidden)):
        trial = counts.ravel().copy()
        trial[hidden] = values
        grid = trial.reshape(counts.shape)
        if (grid.sum(axis=1) == counts.sum(axis=1)).all() and (grid.sum(axis=0) == counts.sum(axis=0)).all():
            solutions.append(values)
    assert len(solutions) > 1, "more than one completion: no suppressed value is pinned"
    for k in range(len(hidden)):
        assert len({s[k] for s in solutions}) > 1
    attack = audit(published, true_counts=table["n"], dims=["row", "col"])
    lows = [min(s[k] for s in solutions) for k in range(len(hidden))]
    highs = [max(s[k] for s in solutions) for k in range(len(hidden))]
    assert attack["lowest"].round().tolist() == lows and attack["highest"].round().tolist() == highs


def _interval(table: pd.DataFrame, hidden, dims: list[str], cell: int, lowest: int) -> float:
    """Width of the attacker's interval for one hidden count, each hidden count at least
    ``lowest``, given the grand total and the margins over each dim (solved here, not by the
    library)."""
    from scipy.optimize import linprog

    hidden = np.asarray(hidden, dtype=bool)
    unknown = np.flatnonzero(hidden)
    lines = [np.arange(len(table))] + [np.asarray(idx) for d in dims for idx in table.groupby([o for o in dims if o != d] or (lambda _: 0)).indices.values()]
    a_eq = [np.isin(unknown, line).astype(float) for line in lines if hidden[line].any()]
    b_eq = [table["n"].to_numpy()[line][hidden[line]].sum() for line in lines if hidden[line].any()]
    c = (unknown == cell).astype(float)
    bounds = [(lowest, None)] * len(unknown)
    return -linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds).fun - linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds).fun


def test_a_hidden_count_is_at_least_one_so_one_companion_of_five_is_not_enough():
    """A reader knows a hidden cell is not empty: empty cells are published as 0 (Hundepool
    et al., *Statistical Disclosure Control*, 2012, section 4.2; sdcTable and tau-ARGUS bound
    a primary-suppressed cell to 1..min_cell_size-1). Hiding 1 with its smallest companion 5
    leaves 1 anywhere in 0..6 if a hidden cell may be empty, but only in 1..5 if not: a
    protection interval of 4, less than 5. A second companion is needed."""
    table = pd.DataFrame({"area": list("abcd"), "n": [1, 5, 40, 30]})
    one_companion = [True, True, False, False]
    assert _interval(table, one_companion, [], 0, lowest=0) == 6
    assert _interval(table, one_companion, [], 0, lowest=1) == 4
    out = suppress(table)
    assert out["suppression"].tolist() == ["primary", "complementary", "", "complementary"], "the next smallest, 30, joins"
    for cell in np.flatnonzero(out["suppressed"]):
        assert _interval(table, out["suppressed"], [], cell, lowest=1) >= 5
    assert audit(out, true_counts=table["n"])["lowest"].tolist() == [1, 1, 1]


def test_in_a_two_way_table_the_rectangle_of_companions_is_widened_for_non_empty_cells():
    """The textbook pattern: a small cell, the smallest companions in its row and column, and
    the cell that closes the rectangle. With cells of at least 1 the rectangle leaves the
    small cell 1..5; suppression widens its row and column with one more cell each."""
    table = _grid([[1, 5, 40, 60], [5, 30, 45, 70], [20, 35, 50, 80], [30, 40, 50, 60]])
    rectangle = table["row"].isin(["r0", "r1"]) & table["col"].isin(["c0", "c1"])
    assert _interval(table, rectangle, ["row", "col"], 0, lowest=0) == 6
    assert _interval(table, rectangle, ["row", "col"], 0, lowest=1) == 4
    out = suppress(table, dims=["row", "col"])
    hidden = out["suppressed"].to_numpy()
    assert hidden[rectangle.to_numpy()].all() and rectangle.sum() < hidden.sum() <= 8, out.pivot(index="row", columns="col", values="suppression")
    for cell in np.flatnonzero(hidden):
        assert _interval(table, hidden, ["row", "col"], cell, lowest=1) >= 5


def test_an_empty_row_of_a_hidden_category_is_published_as_zero():
    """The plan hides a small category in every row, but a row with no one in it discloses no
    one: it is published as 0, so that every hidden count is at least 1. A row with no
    raters but two "don't know" answers holds two people and stays hidden."""
    table = pd.DataFrame({"goal_id": ["G1", "G1", "G2", "G2", "G3", "G3"], "area": ["x", "y"] * 3,
                          "n": [3, 30, 0, 31, 0, 29], "n_dont_know": [0, 1, 0, 2, 2, 0]})
    out = suppress(table, dims=["goal_id", "area"], hide=["primary", "", "primary", "", "primary", ""])
    assert out["suppression"].tolist()[::2] == ["primary", "", "primary"]
    assert out.loc[2, "n"] == 0 and not out.loc[2, "suppressed"]
    assert pd.isna(out.loc[4, "n"]) and pd.isna(out.loc[4, "n_dont_know"])


def test_suppressed_numbers_are_missing_and_columns_keep_their_type():
    # Issue 11, item 4: a reader's spreadsheet or pandas must see numbers, not the word.
    table = pd.DataFrame({"goal_id": ["G1", "G2", "G3"], "n": [40, 3, 25], "mean": [3.2, 4.7, 2.9], "significant": [True, False, True], "interpretation": ["high", "low", "high"]})
    out = suppress(table)
    assert str(out["n"].dtype) == "Int64" and out["mean"].dtype == "float64" and str(out["significant"].dtype) == "boolean"
    hidden = out["suppressed"]
    assert hidden.sum() == 2
    assert out.loc[hidden, ["n", "mean", "significant", "interpretation"]].isna().all().all(), "outcomes of hidden rows are hidden too"
    assert out.loc[~hidden, "interpretation"].tolist() == ["high"]
    csv = out.to_csv(index=False)
    assert csv.splitlines()[2].startswith("G2,,,,,True,primary"), csv
    assert pd.read_csv(__import__("io").StringIO(csv))["n"].dtype.kind in "fi", "the count column reads back as numbers"


def test_older_outputs_that_wrote_the_word_still_read_as_missing():
    assert published_numbers(pd.Series([3, SUPPRESSED, None], dtype=object)).isna().tolist() == [False, True, True]


def test_rows_of_one_cell_are_hidden_together():
    # A goal's answers by category, each row carrying the goal's n.
    table = pd.DataFrame({"goal_id": ["G1"] * 3 + ["G2"] * 3 + ["G3"] * 3, "category": ["a", "b", "c"] * 3, "n": [40] * 3 + [3] * 3 + [25] * 3})
    out = suppress(table, dims=["goal_id"])
    assert out.groupby("goal_id")["suppressed"].nunique().eq(1).all()
    assert out.loc[out["goal_id"] == "G2", "suppression"].eq("primary").all()
    assert out.loc[out["goal_id"] == "G3", "suppression"].eq("complementary").all(), "25 < 40: the smaller companion"


class _People:
    """The part of an assessment :func:`plan` reads."""

    def __init__(self, rows):
        self.participants = pd.DataFrame(rows, columns=["activity_id", "area", "stakeholder_group"])


def _people():
    rows = [("survey", "a", "gov")] * 40 + [("survey", "b", "gov")] * 3 + [("survey", "c", "com")] * 20 + [("survey", "d", "com")] * 9
    rows += [("workshop", "a", "gov")] * 2 + [("workshop", "b", "com")] * 30
    return _People(rows)


def test_plan_hides_small_categories_and_the_next_smallest_in_each_activity():
    p = plan(_people(), min_cell_size=5, small_categories="suppress")
    assert p.hidden("area", "survey") == {"b": "primary", "d": "complementary"}
    assert p.hidden("area", "workshop") == {"a": "primary", "b": "complementary"}
    assert p.hidden("stakeholder_group", "survey") == {}
    # Without an activity, whatever any activity hides: more, never less.
    assert p.hidden("area") == {"a": "primary", "b": "primary", "d": "complementary"}
    assert plan(_people(), min_cell_size=5, small_categories="suppress").categories.equals(p.categories), "same data, same plan"


def test_plan_is_applied_to_every_table_broken_down_by_the_dimension():
    p = plan(_people(), min_cell_size=5, small_categories="suppress")
    by_area = pd.DataFrame({"goal_id": ["G1"] * 4 + ["G2"] * 4, "area": ["a", "b", "c", "d"] * 2, "n": [38, 3, 19, 9, 40, 2, 20, 8]})
    out = suppress(by_area, dims=["goal_id", "area"], hide=p.rows_to_hide(by_area, dims=["goal_id", "area"], activity_id="survey"))
    assert out["suppression"].tolist() == ["", "primary", "", "complementary"] * 2, "the same cells in every goal, and no more"
    margins = pd.DataFrame({"variable": ["area"] * 4, "category": ["a", "b", "c", "d"], "n": [40, 3, 20, 9]})
    hide = p.rows_to_hide(margins, dims=["variable", "category"], activity_id="survey")
    assert hide.tolist() == ["", "primary", "", "complementary"], "a long table of margins names the dimension in 'variable'"


def test_merge_keeps_every_person_and_leaves_no_small_category():
    from dataclasses import dataclass

    @dataclass
    class Meta:
        stakeholder_groups: pd.DataFrame
        areas: pd.DataFrame

    @dataclass
    class Data:
        tables: dict
        metadata: Meta

        @property
        def participants(self):
            return self.tables["participants"]

    people = _people().participants
    meta = Meta(pd.DataFrame({"stakeholder_group": ["gov", "com"], "label": ["Government", "Community"], "label_id": ["Pemerintah", "Komunitas"]}),
                pd.DataFrame({"area": list("abcd"), "name": list("ABCD"), "population": pd.array([10.0, 20.0, 30.0, 40.0], dtype="Float64")}))
    data = Data({"participants": people}, meta)
    p = plan(data, min_cell_size=5, small_categories="merge")
    merged = merge_small_categories(data, p)
    assert merged.metadata.areas.set_index("area").loc["other", "population"] is pd.NA, "several activities: no population counted twice"
    merged = merge_small_categories(data, p, activity_id="survey")
    areas = merged.metadata.areas.set_index("area")["population"]
    assert areas.sum() == 100.0 and areas["b"] == 0 and areas["other"] == 60.0, "one activity: the merged area takes its members' population"
    after = merged.participants
    assert len(after) == len(people) and people["area"].tolist()[40] == "b", "the input is not modified"
    sizes = after.groupby(["activity_id", "area"]).size()
    assert (sizes >= 5).all(), sizes
    assert sizes["survey", "other"] == 12 and sizes["survey", "a"] == 40, "b (3) and then d (9) merged"
    assert sizes["workshop", "other_2"] == 32, "a different set of areas merged: a different category"
    other = merged.metadata.areas.set_index("area").loc["other"]
    assert "B" in other["name"] and "D" in other["name"]


def test_unknown_small_category_policy_is_refused():
    with pytest.raises(ValueError, match="small_categories"):
        plan(_people(), small_categories="drop")


def test_pra_run_passes_the_small_category_policy_to_the_notebooks():
    from pra_lib.cli import _run_parameters, build_parser

    parser = build_parser()
    assert _run_parameters(parser.parse_args(["run", "data/sample", "--small-categories", "suppress"]))["small_categories"] == "suppress"
    assert "small_categories" not in _run_parameters(parser.parse_args(["run", "data/sample"])), "the notebooks' default (merge) applies"
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "data/sample", "--small-categories", "drop"])


def test_every_notebook_takes_the_policy_and_builds_its_report_from_the_assessment():
    import nbformat

    from pra_lib.runner import discover_notebooks

    for book in discover_notebooks():
        nb = nbformat.read(book, as_version=4)
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1 and 'small_categories: str = "merge"' in params[0].source, book.name
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        report = re.search(r"pra\.Report\((.*?)\)\n", code)
        assert report and "small_categories=small_categories" in report.group(1) and "assessment=assessment" in report.group(1), book.name
        assert "assessment = report.assessment" in code, book.name


class _Survey:
    """Participants (with ids and channels) and interview statements, as :func:`plan` reads them."""

    def __init__(self, rows, said=()):
        self.participants = pd.DataFrame(rows, columns=["respondent_id", "activity_id", "stakeholder_group", "channel", "area"])
        self.participants["respondent_id"] = [f"R{i:03d}" for i in range(len(rows))]
        ids = self.participants["respondent_id"]
        self.interview_statements = pd.DataFrame({"respondent_id": [ids[i] for i in said], "code": "x"})


def _survey_rows(areas):
    rows = []
    for area, k in areas.items():
        rows += [(None, "survey", "gov", "online", area)] * k
    return rows


def test_city_wide_respondents_are_a_category_of_the_area_plan():
    """Issue 11: people with no area are what an activity's total minus its areas counts."""
    from pra_lib.publishing.disclosure import CITYWIDE

    data = _Survey(_survey_rows({"a": 40, "b": 20, "c": 9, None: 3}))
    assert plan(data, small_categories="suppress").hidden("area", "survey") == {CITYWIDE: "primary", "c": "complementary"}
    # Merged into nothing: hidden with the smallest category under "merge" as well.
    assert plan(data, small_categories="merge").hidden("area", "survey") == {CITYWIDE: "primary", "c": "complementary"}
    # With a small area merged, the companion is the smallest category after the merge: "other".
    data = _Survey(_survey_rows({"a": 40, "b": 20, "c": 9, "d": 2, None: 3}))
    merged = plan(data, small_categories="merge")
    assert merged.merged()["category"].tolist() == ["d", "c"] and merged.hidden("area", "survey") == {CITYWIDE: "primary", "other": "complementary"}
    table = pd.DataFrame({"area": ["a", "b", "other", CITYWIDE], "n": [40, 20, 11, 3]})
    assert merged.rows_to_hide(table, dims=["area"], activity_id="survey").tolist() == ["", "", "complementary", "primary"]
    # Many people without an area: nothing to hide.
    assert plan(_Survey(_survey_rows({"a": 40, None: 30})), small_categories="merge").categories.empty


def test_interviewees_are_planned_by_group_and_hidden_in_the_interview_cells():
    """Issue 11: the interviewees' groups are protected across tables, in the interview report
    and in the activity's cells of the interview channel, not table by table."""
    from pra_lib.publishing.disclosure import interviewees

    rows = [(None, "survey", g, ch, "a") for g, ch, k in [("gov", "online", 60), ("gov", "interview", 8), ("aca", "online", 30), ("aca", "interview", 3), ("com", "online", 40), ("com", "interview", 6)] for _ in range(k)]
    people = pd.DataFrame(rows, columns=["respondent_id", "activity_id", "stakeholder_group", "channel", "area"])
    said = people.index[people["channel"] == "interview"].tolist()
    for policy in ("merge", "suppress"):
        p = plan(_Survey(rows, said), small_categories=policy)
        assert p.hidden("stakeholder_group", "survey") == {}, "the survey's groups are large"
        assert p.hidden("stakeholder_group", interviewees("survey")) == {"aca": "primary", "com": "complementary"}, policy
        assert p.merged().empty, "interviewee groups are hidden, never merged"
    by_channel = pd.DataFrame({"stakeholder_group": ["gov", "gov", "aca", "aca", "com", "com"], "channel": ["online", "interview"] * 3, "n": [60, 8, 30, 3, 40, 6]})
    hide = p.rows_to_hide(by_channel, dims=["stakeholder_group", "channel"], activity_id="survey")
    assert hide.tolist() == ["", "", "", "primary", "", "complementary"]
    summary = pd.DataFrame({"stakeholder_group": ["gov", "aca", "com"], "n": [8, 3, 6]})
    assert p.rows_to_hide(summary, dims=["stakeholder_group"], activity_id=interviewees("survey")).tolist() == ["", "primary", "complementary"]
    assert p.rows_to_hide(summary, dims=["stakeholder_group"], activity_id="survey").tolist() == ["", "", ""], "the survey's own tables by group are not touched"


def test_the_interview_report_names_the_interviewee_groups_it_hides():
    """A category the plan hides is named in the report, with why; interviewee groups too."""
    from pra_lib.interviews import findings_interviews
    from pra_lib.publishing import i18n

    summary = pd.DataFrame({
        "stakeholder_group": ["government", "academia", "private", "(all)"],
        "group_label": ["Government", "Academia", "Private sector", "All interviewees"],
        "n": pd.array([9, None, None, 25], dtype="Int64"), "n_statements": [41, None, None, 119], "n_weakness": [31, None, None, 91], "n_strength": [10, None, None, 28],
        "suppressed": [False, True, True, False], "suppression": ["", "primary", "complementary", ""],
    })
    top = pd.DataFrame(columns=["rank", "code", "goal_label", "hazard_label", "n_statements", "n", "share_of_interviewees", "quote", "quote_from", "suppressed"])
    text = findings_interviews(top, summary=summary, min_cell_size=5)
    assert "Interviewee groups hidden in every table of this report: Academia (fewer than 5 people); Private sector (hidden to protect another category)." in text
    with i18n.language("id"):
        assert "Kelompok narasumber yang disembunyikan" in findings_interviews(top, summary=summary, min_cell_size=5)
    assert "hidden in every table" not in findings_interviews(top, summary=summary.assign(suppressed=False, suppression=""), min_cell_size=5)


# --- Linked tables: one pattern for tables that count the same people ----------------------

def _goal_tables(lines: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interviewees naming each goal by group ({goal or (goal, valence): [per group]}, rows
    with someone only), and by goal."""
    groups = ["government", "academia", "private", "community"]
    keys = {g: dict(zip(["goal_id", "valence"], g if isinstance(g, tuple) else (g,))) for g in lines}
    rows = [{**keys[g], "stakeholder_group": s, "n": k} for g, counts in lines.items() for s, k in zip(groups, counts) if k]
    by_group = pd.DataFrame(rows)
    return by_group.groupby(list(next(iter(keys.values()))), as_index=False, sort=False)["n"].sum(), by_group


def _linked(lines: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The cells linked suppression hides, and both tables published with them."""
    from pra_lib.publishing.disclosure_linked import link_tables, linked_rows

    by_goal, by_group = _goal_tables(lines)
    coarse = [c for c in by_goal.columns if c != "n"]
    dims = {"by_goal": coarse, "by_group": [*coarse, "stakeholder_group"]}
    cells = link_tables({"by_goal": (by_goal, dims["by_goal"]), "by_group": (by_group, dims["by_group"])})
    published = [suppress(t, dims=dims[name], linked=linked_rows(t, dims[name], cells.loc[cells["table"] == name, "cell"])) for name, t in (("by_goal", by_goal), ("by_group", by_group))]
    return cells, *published


# The sample's interviewees (data/sample): G12 as a weakness, 6 over 4 groups, each hidden; G01,
# 9 over 4 groups; G10, every group published.
_SAMPLE_LINES = {"G12": [1, 1, 2, 2], "G01": [1, 2, 3, 3], "G10": [6, 5, 6, 7]}


def test_a_total_that_pins_down_its_hidden_line_is_hidden_in_the_coarser_table():
    """Each hidden count is at least 1 (Hundepool et al. 2012, section 4.2.2): a published total
    of 6 over 4 hidden groups leaves each 1 to 3, fewer than 5 values, whatever the table by
    group hides; only hiding the total in the table by goal protects them (section 4.4,
    linked tables)."""
    cells, by_goal, by_group = _linked(_SAMPLE_LINES)
    assert cells[["table", "cell", "suppression", "protects", "role"]].values.tolist() == [
        ["by_goal", (("goal_id", "G12"),), "complementary", "by_group", "linked"],
        ["by_goal", (("goal_id", "G01"),), "complementary", "by_goal", "companion"],  # its grand total is taken as public here
    ], "the companion is named with the linked total"
    assert by_goal.set_index("goal_id")["suppression"].to_dict() == {"G12": "complementary", "G01": "complementary", "G10": ""}, "with a companion in its own table"
    assert by_group.loc[by_group["goal_id"] == "G12", "suppression"].eq("primary").all()
    # 9 over 4 groups leaves each 1 to 6: the total may stay published.
    cells, by_goal, _ = _linked({"G01": [1, 2, 3, 3], "G10": [6, 5, 6, 7], "G11": [6, 4, 6, 4]})
    assert cells.empty and by_goal["n"].notna().sum() >= 2


@pytest.mark.filterwarnings("ignore:1 suppressed cell")  # the table by goal's own margins, see below
def test_a_hidden_total_that_the_finer_table_gives_back_gets_a_companion_there():
    """A companion the table by goal gives the hidden total had every group published in the
    table by group, which would give it back: one of its groups is hidden too. (The only
    weakness is G12, so the table by goal's own margins, taken as public within it although
    its cells are not people who add up, would give G12 back as grand total minus strengths:
    suppression warns about that, and the across-table attack does not take them.)"""
    s = "strength"
    lines = {("G12", "weakness"): [1, 2, 0, 2], ("G01", s): [8, 8, 3, 4], ("G02", s): [2, 9, 0, 8], ("G03", s): [2, 7, 4, 8],
             ("G04", s): [2, 4, 2, 6], ("G05", s): [8, 8, 9, 9], ("G06", s): [8, 7, 4, 5]}
    cells, by_goal, by_group = _linked(lines)
    assert set(cells["protects"]) == {"by_goal", "by_group"}, cells
    assert cells.loc[(cells["table"] == "by_goal") & (cells["role"] == "linked"), "cell"].tolist() == [(("goal_id", "G12"), ("valence", "weakness"))]
    companions = cells.loc[cells["role"] == "companion"]
    assert set(companions["table"]) <= {"by_goal", "by_group"} and (companions["table"] == companions["protects"]).all()
    for goal in by_goal.loc[by_goal["suppressed"], "goal_id"]:
        assert by_group.loc[by_group["goal_id"] == goal, "suppressed"].sum() >= 2, f"{goal}: its groups would give it back"
    cells, alone, _ = _linked({key: counts for key, counts in lines.items() if key[0] != "G12"})
    assert cells.empty and not alone["suppressed"].any(), "without the small line nothing is hidden across the tables"


def test_a_cell_hidden_in_one_table_is_hidden_in_every_table_with_the_same_breakdown():
    from pra_lib.publishing.disclosure_linked import link_tables

    by_goal, _ = _goal_tables(_SAMPLE_LINES)
    again = by_goal.assign(n=by_goal["n"].where(by_goal["goal_id"] != "G12", 60))  # the same cell, large in the other table
    cells = link_tables({"a": (by_goal.assign(n=[3, 9, 24]), ["goal_id"]), "b": (again, ["goal_id"])})
    assert (("goal_id", "G12"),) in set(cells.loc[cells["table"] == "b", "cell"])


def test_linked_tables_are_checked():
    from pra_lib.publishing.disclosure_linked import link_tables

    by_goal, by_group = _goal_tables(_SAMPLE_LINES)
    with pytest.raises(KeyError, match="table 'by_group'.*'area'"):
        link_tables({"by_goal": (by_goal, ["goal_id"]), "by_group": (by_group, ["goal_id", "area"])})
    with pytest.raises(TypeError, match="table 'x'"):
        link_tables({"x": by_goal})
    with pytest.raises(ValueError, match="min_cell_size"):
        link_tables({"by_goal": (by_goal, ["goal_id"])}, min_cell_size=0)
    assert by_goal["n"].tolist() == [6, 9, 24], "the input is not modified"


def test_the_report_hides_linked_cells_wherever_they_are_published_and_names_them(tmp_path):
    from pra_lib.publishing.report import Report

    by_goal, by_group = _goal_tables(_SAMPLE_LINES)
    report = Report(tmp_path, min_cell_size=5, activity_id="survey/interviewees")
    dims = {"by_goal": ["goal_id"], "by_group": ["goal_id", "stakeholder_group"]}
    found = report.link_tables({"by_goal": by_goal, "by_group": by_group}, dims=dims, measure="interviewees_by_goal")
    assert found[["cell", "role"]].values.tolist() == [[(("goal_id", "G12"),), "linked"], [(("goal_id", "G01"),), "companion"]]
    published = report.table(by_goal, "by_goal", dims=["goal_id"], measure="interviewees_by_goal")
    assert published.set_index("goal_id").loc["G12", "suppression"] == "complementary"
    other = report.table(by_goal, "by_goal_raters", dims=["goal_id"], measure="goal_raters")
    assert not other["suppressed"].any(), "a table of another measure is not touched"
    assert "these cells of by_goal are hidden as well" in report.plan_sentence() and ": Fosters long-term & integrated planning." in report.plan_sentence()
    assert "these cells of by_goal are hidden too: Meets basic needs." in report.plan_sentence(), "and its companion"
    declared = json.loads((tmp_path / "tables" / "_tables.json").read_text())
    assert declared["linked"][0]["cell"] == {"goal_id": "G12"} and declared["linked"][0]["protects"] == "by_group"


def test_the_plan_sentence_names_city_wide_people_and_interviewee_groups_hidden_under_merge(tmp_path):
    """Under "merge", people with no area and the interviewees' small groups cannot be merged:
    they are hidden, and the report names them with the categories hidden to protect them."""
    from dataclasses import replace

    from pra_lib.assessment.loading import load_assessment
    from pra_lib.publishing.report import Report

    a = load_assessment(Path(__file__).resolve().parents[1] / "data" / "sample", errors="collect")
    text = Report(tmp_path, min_cell_size=8, assessment=a, activity_id="questionnaire").plan_sentence()
    assert "Kepulauan Seribu into" in text, "what was merged"
    assert "(city-wide) (area, " in text and "fewer than 8 people" in text
    assert "Academia (stakeholder group, interviewees of " in text
    assert "hidden to protect another category" in text
    people = a.participants.assign(area=a.participants["area"].fillna("jakarta_barat"))
    assert "(city-wide)" not in Report(tmp_path, min_cell_size=8, assessment=replace(a, tables={**a.tables, "participants": people}), activity_id="questionnaire").plan_sentence()


# --- Which sums of a table a reader holds ------------------------------------------------------

def _sample_interview_tables():
    from pra_lib import perception
    from pra_lib.assessment.loading import load_assessment

    a = load_assessment(Path(__file__).resolve().parents[1] / "data" / "sample", errors="collect")
    by_goal = perception.interview_codes(a, level="goal", activity_id="questionnaire")
    by_group = perception.interview_codes(a, level="goal", by="stakeholder_group", activity_id="questionnaire")
    return a, by_goal, by_group


def test_the_sums_taken_as_public_are_those_published_or_counting_people():
    """A goal's interviewees as a weakness plus as a strength count twice whoever named it both
    ways (the sample's statements: 3 of the 14 interviewees naming G09), and a valence's sum
    over goals counts an interviewee once per goal; neither is published in the run. The
    table by goal and group sums over groups to the table by goal, which is published."""
    from pra_lib.publishing.disclosure_linked import public_margins

    a, _, _ = _sample_interview_tables()
    said = a.interview_statements.merge(a.participants[["respondent_id", "stakeholder_group"]], on="respondent_id")
    g09 = said[said["goal_id"] == "G09"].groupby("respondent_id")["valence"].nunique()
    assert (g09 > 1).sum() == 3 and len(g09) == 14
    assert public_margins(said, dims=["goal_id", "valence"]) == []
    assert public_margins(said, dims=["goal_id", "valence", "stakeholder_group"], published=[["goal_id", "valence"]]) == ["stakeholder_group"]
    assert public_margins(said, dims=["stakeholder_group"]) == ["stakeholder_group"], "each interviewee is in one group"
    assert public_margins(said, dims=["goal_id", "area"]) is None, "the statements cannot tell: every sum stays public"
    # No one names a goal both ways: its sum over valence counts people, and is taken as public.
    once = said[~((said["goal_id"] == "G09") & (said["valence"] == "strength"))]
    assert public_margins(once, dims=["goal_id", "valence"]) == ["valence"]


def test_linked_suppression_of_the_interview_tables_hides_no_cell_for_a_sum_no_one_publishes(tmp_path):
    """The sample run's interview tables: the totals of G12 as a weakness and G09 as a strength
    are hidden in the table by goal to protect their groups, and nothing else: G09 as a
    weakness (11) and G06 as a strength (10) were hidden as companions against the table's
    sums over valence and over goals, which count no people. (The interview report also
    declares the sums over goals public, since its interviewees table publishes them in
    statements: see test_a_sum_over_goals_published_in_statements_protects_a_lone_small_cell.)"""
    from pra_lib.publishing.disclosure_linked import _Grid, LinkedTable, _links, _narrow
    from pra_lib.publishing.report import Report

    a, by_goal, by_group = _sample_interview_tables()
    report = Report(tmp_path, min_cell_size=5, assessment=a, activity_id="questionnaire")
    who = "questionnaire/interviewees"
    dims = {"by_goal": ["goal_id", "valence"], "by_group": ["goal_id", "valence", "stakeholder_group"]}
    found = report.link_tables({"by_goal": by_goal, "by_group": by_group}, dims=dims, measure="interviewees_by_goal", activity_id=who, people=a.interview_statements)
    assert found[["table", "cell", "role"]].values.tolist() == [
        ["by_goal", (("goal_id", "G12"), ("valence", "weakness")), "linked"], ["by_goal", (("goal_id", "G09"), ("valence", "strength")), "linked"]]
    published = report.table(by_goal, "by_goal", dims=dims["by_goal"], activity_id=who, measure="interviewees_by_goal")
    why = {tuple(k): v for k, v in zip(published[["goal_id", "valence"]].values.tolist(), published["suppression"]) if v}
    assert why == {("G03", "weakness"): "primary", ("G05", "weakness"): "primary", ("G12", "weakness"): "complementary", ("G09", "strength"): "complementary"}
    shown = published.set_index(["goal_id", "valence"])["n"]
    assert (shown[("G09", "weakness")], shown[("G06", "strength")]) == (11, 10)
    fine = report.table(by_group, "by_group", dims=dims["by_group"], activity_id=who, measure="interviewees_by_goal")
    assert json.loads((tmp_path / "tables" / "_tables.json").read_text())["tables"]["by_goal"]["margins"] == []
    # A reader holding both tables (and the sums that are public) still cannot narrow any hidden count.
    specs = {"by_goal": LinkedTable(by_goal, dims["by_goal"], margins=[]), "by_group": LinkedTable(by_group, dims["by_group"], margins=["stakeholder_group"])}
    grids = {name: _Grid(spec) for name, spec in specs.items()}
    hidden = {"by_goal": published["suppressed"].to_numpy(), "by_group": fine["suppressed"].to_numpy()}
    assert [g.keys for g in grids.values()] == [_Grid(LinkedTable(t, d)).keys for t, d in ((by_goal, dims["by_goal"]), (by_group, dims["by_group"]))]
    assert _narrow(grids, hidden, _links(grids), 5) == []
    # With every sum taken as public, as before, the two companions come back.
    old = suppress(by_goal, dims=dims["by_goal"], linked=published["suppression"].eq("complementary").to_numpy())
    assert set(map(tuple, old.loc[old["suppression"] == "complementary", ["goal_id", "valence"]].values.tolist())) == {("G12", "weakness"), ("G09", "strength"), ("G09", "weakness"), ("G06", "strength")}


# --- Counts over the codes of a hidden goal line ------------------------------------------------

def test_every_count_over_a_code_of_a_hidden_goal_line_is_hidden_with_it(tmp_path):
    """On the sample, G12 as a weakness and G09 as a strength are each one code (land subsidence
    awareness, 6 interviewees; new mass transit, 6): the code's count is the goal line's. Hiding
    the line hides the code in the codes table, the most-cited strengths, the shock or stress
    made of it (land subsidence, 6) and every code pair of it, also a pair raised by no one,
    which still shows each code's interviewees."""
    from pra_lib import perception
    from pra_lib.publishing.disclosure_linked import rows_of_hidden_lines
    from pra_lib.publishing.report import Report

    a, by_goal, _ = _sample_interview_tables()
    report = Report(tmp_path, min_cell_size=5, assessment=a, activity_id="questionnaire")
    lines = report.table(by_goal, "statements_by_goal", dims=["goal_id", "valence"], measure="interviewees_by_goal", hidden_with=by_goal["goal_id"].eq("G12") & by_goal["valence"].eq("weakness"))
    assert lines.set_index(["goal_id", "valence"]).loc[("G12", "weakness"), "suppression"] == "complementary"
    codes = perception.interview_codes(a, level="code", activity_id="questionnaire")
    assert codes.set_index("code").loc["land subsidence awareness", "n"] == 6 and (codes["goal_id"] == "G12").sum() == 1
    where = dict(published=lines, dims=["goal_id", "valence"], parts=codes)
    shut = rows_of_hidden_lines(codes, **where, on={"code": "code", "valence": "valence"})
    assert set(codes.loc[shut, "code"]) == {"land subsidence awareness", "fire response in dense areas", "social tension"}  # G12, and the primary G03 and G05
    published = report.table(codes, "codes", measure="interviewees_by_code", hidden_with=shut)
    assert published.loc[shut, "n"].isna().all() and published.loc[~shut, "n"].notna().all()
    hazards = perception.interview_codes(a, level="hazard", activity_id="questionnaire")
    on_hazard = rows_of_hidden_lines(hazards, **where, on={"hazard_id": "hazard_id", "valence": "valence"})
    assert set(hazards.loc[on_hazard, "hazard_id"]) == {"ST01", "SH04", "SH05"}
    pairs = perception.code_cooccurrence(a, activity_id="questionnaire")
    on_pair = rows_of_hidden_lines(pairs, **where, on=[{"code_a": "code"}, {"code_b": "code"}])
    zero = pairs["code_a"].eq("land subsidence awareness") & pairs["code_b"].eq("social tension")
    assert on_pair[zero.to_numpy()].all() and pairs.loc[zero, ["n", "n_a", "n_b"]].values.tolist() == [[0, 6, 4]]
    shown = report.table(pairs, "code_pairs", measure="interviewees_by_code_pair", hidden_with=on_pair, other_counts={"n_a": None, "n_b": None})
    assert shown.loc[on_pair, ["n", "n_a", "n_b"]].isna().all().all() and shown.loc[on_pair, "suppressed"].all()
    assert not shown.loc[~on_pair & (pairs["n"] >= 5).to_numpy(), "suppressed"].any()


def test_rows_of_hidden_lines_names_a_missing_column():
    from pra_lib.publishing.disclosure_linked import rows_of_hidden_lines

    lines = pd.DataFrame({"goal_id": ["G12"], "valence": ["weakness"], "n": [None], "suppressed": [True]})
    with pytest.raises(KeyError, match="hazard_id"):
        rows_of_hidden_lines(pd.DataFrame({"code": ["x"]}), published=lines, dims=["goal_id", "valence"], parts=pd.DataFrame({"code": ["x"], "goal_id": ["G12"], "valence": ["weakness"]}), on={"hazard_id": "code"})
    with pytest.raises(KeyError, match="suppressed"):
        rows_of_hidden_lines(lines, published=lines.drop(columns="suppressed"), dims=["goal_id", "valence"])


def test_a_sum_over_goals_published_in_statements_protects_a_lone_small_cell(tmp_path):
    """The interviewees table publishes each group's statements as a weakness (20 here: 9 + 8
    + 3, one statement per interviewee and goal). Two goals share interviewees, so the sum over
    goals counts no people; it is still published, in statements, so a line with one small
    cell (G03, 3) hidden alone would give it back (20 - 9 - 8). Declared as published, the sum
    is public and the line gets a companion."""
    from pra_lib.publishing.report import Report

    who = [f"r{i}" for i in range(12)]
    said = pd.DataFrame({"respondent_id": who[:9] + who[:8] + who[9:], "goal_id": ["G10"] * 9 + ["G11"] * 8 + ["G03"] * 3})
    said = said.assign(valence="weakness", stakeholder_group="government")
    dims = {"by_goal": ["goal_id", "valence"], "by_group": ["goal_id", "valence", "stakeholder_group"]}
    tables = {name: said.groupby(d, sort=False)["respondent_id"].nunique().rename("n").reset_index() for name, d in dims.items()}
    assert tables["by_group"]["n"].tolist() == [9, 8, 3] and len(said) == 20

    def hidden_cells(root, **kw):
        report = Report(root, min_cell_size=5)
        report.link_tables(tables, dims=dims, measure="interviewees_by_goal", people=said, **kw)
        out = report.table(tables["by_group"], "by_group", dims=dims["by_group"], measure="interviewees_by_goal")
        return out.loc[out["suppressed"], "goal_id"].tolist(), report.declarations["by_group"]["margins"]

    alone, margins = hidden_cells(tmp_path / "a")
    assert alone == ["G03"] and "goal_id" not in margins, "the sum over goals counts no people: taken as not public"
    protected, margins = hidden_cells(tmp_path / "b", published=[["valence", "stakeholder_group"], ["valence"]])
    assert "goal_id" in margins and "G03" in protected and len(protected) >= 2


def test_the_interview_reports_hidden_goal_lines_are_worked_out_alike_without_it(sample_reports_en):
    """The focus-area reports run without the interview report's Report, and get its hidden
    goal lines from hidden_goal_lines: on the sample run they are exactly the lines that
    02's statements_by_goal.csv publishes as suppressed (G03 and G05 as weaknesses, primary;
    G12 as a weakness and G09 as a strength, hidden to protect their groups; G06 as a strength,
    their companion: see the two tests above; G11 as a weakness, hidden since its groups'
    interviewees bound its cells: see test_a_category_size_that_narrows_a_cell_gets_it_a_companion)."""
    from pra_lib.assessment.loading import load_assessment
    from pra_lib.interviews.statements import hidden_goal_lines

    from .conftest import SAMPLE

    published = pd.read_csv(sample_reports_en / "jakarta-2017-synthetic" / "02_interviews" / "tables" / "statements_by_goal.csv")
    in_02 = published.loc[published["suppressed"].astype(bool), ["goal_id", "valence", "suppression"]]
    found = hidden_goal_lines(load_assessment(SAMPLE), min_cell_size=5, small_categories="merge")
    assert sorted(map(tuple, found.values.tolist())) == sorted(map(tuple, in_02.values.tolist()))
    assert {(g, v) for g, v, _ in found.values.tolist()} == {("G03", "weakness"), ("G05", "weakness"), ("G06", "strength"), ("G09", "strength"), ("G11", "weakness"), ("G12", "weakness")}


# --- Bounds a reader takes from a category's size and from the lower bound of 1 -------------------

_SIZES = {"government": 7, "academia": 5, "private": 6, "community": 7}


def _reader_ranges(by_goal, by_group, hidden_goal, hidden_group, *, sizes=True, at_least=1, total=True) -> dict:
    """Each hidden count's (lowest, highest) for a reader holding both tables and (``total``)
    the sum of the table by goal (one valence): a goal is the sum of its groups, each hidden count at
    least ``at_least`` (the finer table's) and, with ``sizes``, a group's at most its
    interviewees. Solved here with scipy's linprog, not the library's programme."""
    from scipy.optimize import linprog

    unknown = [("goal", i) for i in np.flatnonzero(hidden_goal)] + [("group", i) for i in np.flatnonzero(hidden_group)]
    col = {u: k for k, u in enumerate(unknown)}
    a_eq, b_eq = [], []

    def equation(terms, rhs):
        row, b = np.zeros(len(unknown)), float(rhs)
        for sign, u in terms:
            value = (by_goal if u[0] == "goal" else by_group)["n"].iloc[u[1]]
            if u in col:
                row[col[u]] += sign
            else:
                b -= sign * value
        if row.any():
            a_eq.append(row), b_eq.append(b)

    if total:
        equation([(1, ("goal", i)) for i in range(len(by_goal))], by_goal["n"].sum())
    for i, goal in enumerate(by_goal["goal_id"]):
        equation([(1, ("group", j)) for j in np.flatnonzero(by_group["goal_id"].eq(goal))] + [(-1, ("goal", i))], 0)
    bounds = [(1, None) if kind == "goal" else (at_least, _SIZES[by_group["stakeholder_group"].iloc[i]] if sizes else None) for kind, i in unknown]
    out = {}
    for u, k in col.items():
        c = np.zeros(len(unknown))
        c[k] = 1
        low, high = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"), linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        key = by_goal["goal_id"].iloc[u[1]] if u[0] == "goal" else tuple(by_group[["goal_id", "stakeholder_group"]].iloc[u[1]])
        out[key] = (round(low.fun), round(-high.fun) if high.status == 0 else math.inf)
    return out


def _narrowed(ranges: dict, by_group: pd.DataFrame | None = None) -> dict:
    """Counts narrower than 5 values apart, or than 1..size for a group of fewer than 6."""
    return {k: r for k, r in ranges.items() if r[1] - r[0] < min(5, (_SIZES[k[1]] - 1) if isinstance(k, tuple) else 5)}


def _link_with_sizes(lines: dict, *, sizes: bool, total: bool = True):
    from pra_lib.publishing.disclosure_linked import AT_MOST, LinkedTable, link_tables, linked_rows

    by_goal, by_group = _goal_tables(lines)
    fine = by_group.assign(**{AT_MOST: by_group["stakeholder_group"].map(_SIZES).astype(float)}) if sizes else by_group
    dims = {"by_goal": ["goal_id"], "by_group": ["goal_id", "stakeholder_group"]}
    cells = link_tables({"by_goal": LinkedTable(by_goal, dims["by_goal"], margins=None if total else []), "by_group": LinkedTable(fine, dims["by_group"], margins=["stakeholder_group"])})
    published = [suppress(t, dims=dims[name], linked=linked_rows(t, dims[name], cells.loc[cells["table"] == name, "cell"]), margins=m)
                 for name, t, m in (("by_goal", by_goal, None if total else []), ("by_group", by_group, ["stakeholder_group"]))]
    return cells, by_goal, by_group, *published


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_category_size_that_narrows_a_cell_gets_it_a_companion():
    """The sample's G11 line as a weakness (20: government 6, academia 4, private 4, community
    6; groups of 7, 5, 6 and 7 interviewees). Without the groups' sizes, academia and the private
    sector get one companion in the line and the total stays published; a reader who bounds
    each cell by its group's interviewees (the interviewees table) then puts the companion
    within 5 values of 3 to 7 or 2 to 7. Given the sizes (``AT_MOST``), suppression hides what
    widens them again. (The goals' sum counts an interviewee once per goal: no one publishes
    it, as on the sample.)"""
    lines = {"G10": [6, 5, 6, 7], "G11": [6, 4, 4, 6]}
    _, by_goal, by_group, old_goal, old_group = _link_with_sizes(lines, sizes=False, total=False)
    before = _reader_ranges(by_goal, by_group, old_goal["suppressed"].to_numpy(), old_group["suppressed"].to_numpy(), total=False)
    assert _narrowed(before), before
    assert not _narrowed(_reader_ranges(by_goal, by_group, old_goal["suppressed"].to_numpy(), old_group["suppressed"].to_numpy(), sizes=False, total=False)), "the size is what narrows it"
    cells, by_goal, by_group, new_goal, new_group = _link_with_sizes(lines, sizes=True, total=False)
    after = _reader_ranges(by_goal, by_group, new_goal["suppressed"].to_numpy(), new_group["suppressed"].to_numpy(), total=False)
    assert not _narrowed(after), after
    assert len(cells) >= 1 and "at_most" not in new_group.columns
    assert new_group["suppressed"].sum() + new_goal["suppressed"].sum() <= old_group["suppressed"].sum() + old_goal["suppressed"].sum() + 2, "as few more as it can"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_hidden_total_whose_groups_are_all_hidden_is_kept_wide_under_its_tables_sum():
    """The sample's weaknesses: G03 (4 over 3 groups), G05 (4 over 3) and G12 (6 over 4) are
    hidden with every group of theirs, under the table by goal's published sum. Each is at
    least its number of hidden groups, so 14 between them leaves G03 3 to 7 and G12 4 to 8;
    a reader who took a hidden group's count as possibly 0 would see them wide. Suppression
    hides a further total (the smallest that widens them) so that each keeps 5 values."""
    lines = {"G10": [6, 5, 6, 7], "G01": [2, 2, 3, 2], "G08": [3, 2, 2, 2], "G03": [1, 1, 2, 0], "G05": [2, 0, 1, 1], "G12": [1, 1, 2, 2]}
    by_goal, by_group = _goal_tables(lines)
    hidden_goal = by_goal["goal_id"].isin(["G03", "G05", "G12"]).to_numpy()
    hidden_group = by_group["n"].lt(5).to_numpy()
    old = _reader_ranges(by_goal, by_group, hidden_goal, hidden_group, sizes=False)
    assert (old["G03"], old["G05"], old["G12"]) == ((3, 7), (3, 7), (4, 8))
    assert _reader_ranges(by_goal, by_group, hidden_goal, hidden_group, sizes=False, at_least=0)["G03"] == (1, 12), "the lower bound of 1 is what narrows them"
    cells, by_goal, by_group, new_goal, new_group = _link_with_sizes(lines, sizes=False)
    assert set(new_goal.loc[new_goal["suppressed"], "goal_id"]) > {"G03", "G05", "G12"}
    after = _reader_ranges(by_goal, by_group, new_goal["suppressed"].to_numpy(), new_group["suppressed"].to_numpy(), sizes=False)
    assert all(hi - lo >= 5 for key, (lo, hi) in after.items() if not isinstance(key, tuple)), after


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_of_two_companions_that_widen_as_many_counts_the_one_that_loses_less_is_hidden():
    """Complementary suppression minimises the information it loses, the total of the counts it
    hides (a cell's cost in tau-ARGUS and sdcTable, here its count: tau-ARGUS manual, section
    4.4.4): a companion is judged with what its table's own suppression then hides with it. Here,
    once G01 as a weakness is hidden, G09 as a strength (7) and G11 as a weakness (9) each
    widen one of the 12 narrow counts, but G09 is the only strength hidden, so the strengths'
    sum would give it back unless G10 as a strength (12) is hidden with it: 19 interviewees
    against 9. The smaller cell used to be chosen; G11 is, and it protects no less."""
    from pra_lib.publishing.disclosure_linked import AT_MOST, LinkedTable, _exposed, _Grid, _links, _narrow, _widen_one

    lines = {("G01", "weakness"): [7, 2, 6, 4], ("G05", "weakness"): [4, 0, 1, 4], ("G07", "weakness"): [1, 5, 4, 2],
             ("G09", "strength"): [4, 0, 3, 0], ("G10", "strength"): [0, 5, 2, 5], ("G11", "weakness"): [7, 0, 2, 0]}
    by_goal, by_group = _goal_tables(lines)
    by_group[AT_MOST] = by_group["stakeholder_group"].map(_SIZES).astype(float)  # groups of 7, 5, 6 and 7
    grids = {"by_goal": _Grid(LinkedTable(by_goal, ["goal_id", "valence"], margins=["goal_id"])),
             "by_group": _Grid(LinkedTable(by_group, ["goal_id", "valence", "stakeholder_group"], margins=["goal_id", "stakeholder_group"]))}
    links = _links(grids)
    cell = {tuple(v for _, v in key): i for i, key in enumerate(grids["by_goal"].keys)}

    def forced_with(*goals):
        out = {name: np.zeros(len(g.keys), dtype=bool) for name, g in grids.items()}
        for goal in goals:
            out["by_goal"][cell[goal]] = True
        return out

    start = forced_with(("G01", "weakness"))  # what the rounds before have hidden
    hidden = {name: g.hidden(start[name], 5) for name, g in grids.items()}
    primary = {name: g.primary(start[name], 5) for name, g in grids.items()}
    narrow = set(_narrow(grids, hidden, links, 5)) | set(_narrow(grids, hidden, links, 5, primary))
    assert len(narrow) == 12 and not hidden["by_goal"][[cell[("G09", "strength")], cell[("G11", "weakness")], cell[("G10", "strength")]]].any()
    cheap, dear = forced_with(("G01", "weakness"), ("G11", "weakness")), forced_with(("G01", "weakness"), ("G09", "strength"))
    assert grids["by_goal"].hidden(dear["by_goal"], 5)[cell[("G10", "strength")]], "G09 takes G10 as a strength with it"
    assert not grids["by_goal"].hidden(cheap["by_goal"], 5)[cell[("G10", "strength")]]
    left_cheap, left_dear = _exposed(grids, cheap, links, 5), _exposed(grids, dear, links, 5)
    assert len(left_cheap) == len(left_dear) == 11, "each widens one count"
    forced = forced_with(("G01", "weakness"))
    protects = {name: np.full(len(g.keys), "", dtype=object) for name, g in grids.items()}
    assert _widen_one(grids, hidden, forced, protects, links, 5, primary)
    chosen = {(name, grids[name].keys[i]) for name in grids for i in np.flatnonzero(forced[name] & ~start[name])}
    assert chosen == {("by_goal", (("goal_id", "G11"), ("valence", "weakness")))}, chosen
