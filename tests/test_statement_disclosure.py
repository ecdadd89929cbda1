"""A stakeholder group's statements per valence must not narrow its hidden goal cells.

The interview report publishes, per stakeholder group and for everyone, the interviewees and
their coded statements as weaknesses and as strengths (``interviewees``), and the
interviewees naming each goal per group with their statements
(``statements_by_goal_and_group``). Interviewees naming a goal made a statement on it each,
so a hidden cell's interviewees are at most its statements, and each hidden cell made at
least one: a group's statements of a valence less those of its published cells bound its
hidden cells together (issue 11; README, "Bounds from a category's size and from the
statements"). On the sample before this was protected, academia's 5 strength statements over
its three hidden strength cells left each at most 3, where its group of 5 interviewees must
keep 1 to 5 (the attack's protection interval, Hundepool et al., *Statistical Disclosure
Control*, Wiley 2012, section 4.2.2) and a primary cell every value 1 to 4 (README, the
protection interval for labelled cells).

``interviews.statements.withhold_group_statements`` withholds such a group's statement counts
(flagged ``statements_withheld``), never one group alone while everyone's row is published.
These tests read the tables as the attack of ``test_disclosure_attack`` reads a run.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pra_lib.interviews.statements import STATEMENT_COLUMNS, STATEMENTS_WITHHELD, withhold_group_statements

from .test_disclosure_attack import ASSESSMENT_ID, _as_published, _hidden, _number, attack, load_run, narrow

K = 5
P, C = "primary", "complementary"


def _summary(rows: dict) -> pd.DataFrame:
    """``{group: (n, n_weakness, n_strength)}`` as the protected interviewees table, with everyone's row."""
    frame = pd.DataFrame([{"stakeholder_group": g, "n": n, "n_weakness": w, "n_strength": s} for g, (n, w, s) in rows.items()])
    total = {"stakeholder_group": "(all)", "n": frame["n"].sum(), "n_weakness": frame["n_weakness"].sum(), "n_strength": frame["n_strength"].sum()}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame.insert(2, "n_statements", frame["n_weakness"] + frame["n_strength"])
    return frame.assign(suppressed=False, suppression="")


def _cells(cells: list[tuple]) -> pd.DataFrame:
    """``[(goal, valence, group, n, statements, suppression)]`` as statements_by_goal_and_group
    is published (a hidden cell empty), with each cell's true statements beside it."""
    rows = [{"goal_id": g, "valence": v, "stakeholder_group": grp, "n_statements": "" if why else st, "n": "" if why else n,
             "suppressed": bool(why), "suppression": why, "true_statements": st, "true_n": n} for g, v, grp, n, st, why in cells]
    return pd.DataFrame(rows)


def _lines(cells: pd.DataFrame, hidden: set) -> pd.DataFrame:
    """statements_by_goal as published: each line the sum of its groups, the ``hidden`` lines empty."""
    sums = cells.groupby(["goal_id", "valence"], sort=False)[["true_n", "true_statements"]].sum().reset_index()
    gone = [(g, v) in hidden for g, v in zip(sums["goal_id"], sums["valence"])]
    return pd.DataFrame({"goal_id": sums["goal_id"], "valence": sums["valence"], "n": [("" if h else n) for n, h in zip(sums["true_n"], gone)],
                         "n_statements": [("" if h else s) for s, h in zip(sums["true_statements"], gone)], "suppressed": gone,
                         "suppression": [C if h else "" for h in gone], "true_statements": sums["true_statements"]})


def _run(summary: pd.DataFrame, cells: pd.DataFrame, lines: pd.DataFrame) -> list[dict]:
    """The three tables as the attack reads them from a run's CSVs and declarations."""
    spec = dict(count="n", measure="interviewees_by_goal", other_counts={"n_statements": None})
    statements = {c: None for c in STATEMENT_COLUMNS}
    shown = summary.copy()
    for column in STATEMENT_COLUMNS:  # an empty cell, as the CSV writes a withheld count
        shown[column] = shown[column].astype("object").where(shown[column].notna(), "")
    return [_as_published(lines.drop(columns="true_statements"), "statements_by_goal", dims=["goal_id", "valence"], **spec),
            _as_published(cells.drop(columns=["true_statements", "true_n"]), "statements_by_goal_and_group", dims=["goal_id", "valence", "stakeholder_group"], **spec),
            _as_published(shown, "interviewees", dims=["stakeholder_group"], count="n", measure="interviewees", other_counts=statements)]


def _exposed(tables: list[dict]) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        problems, ranges = attack(tables, statements=True)
    assert problems == [], problems
    return narrow(ranges, K, tables)


def _academia_case():
    """The sample's strengths as published before: four groups (7, 5, 6, 7 interviewees) with
    every strength cell hidden, G04 as a strength published (12) in the table by goal, G06 and
    G09 hidden there; each group's weaknesses one published line (G10). Academia made 5
    strength statements over its three hidden cells."""
    strengths = {"government": (3, 3, 2), "academia": (2, 2, 1), "private": (5, 2, 2), "community": (2, 4, 0)}
    sizes = {"government": 7, "academia": 5, "private": 6, "community": 7}
    cells = []
    for group, counts in strengths.items():
        cells.append(("G10", "weakness", group, sizes[group], sizes[group] + 2, ""))
        for goal, n in zip(("G04", "G06", "G09"), counts):
            if n:
                cells.append((goal, "strength", group, n, n, C if n >= K else P))
    cells = _cells(cells)
    summary = _summary({g: (sizes[g], sizes[g] + 2, sum(strengths[g])) for g in sizes})
    return summary, cells, _lines(cells, {("G06", "strength"), ("G09", "strength")})


def test_a_groups_strength_statements_narrow_its_hidden_cells_when_published():
    """Before: academia's 5 statements leave each of its three hidden cells 1 to 3, and
    community's 6 over two leave each 1 to 5 (its group of 7 must keep 5 values above 1)."""
    summary, cells, lines = _academia_case()
    exposed = _exposed(_run(summary, cells, lines))
    found = {(c["stakeholder_group"], c["goal_id"]): (lo, hi) for c, lo, hi in zip(exposed["cell"], exposed["lowest"], exposed["highest"])}
    assert found[("academia", "G06")] == (1, 3) and found[("academia", "G09")] == (1, 3), exposed.to_string()
    assert {g for g, _ in found} >= {"academia", "community"}, found


def test_withholding_the_groups_statements_keeps_every_hidden_cell_wide():
    summary, cells, lines = _academia_case()
    out = withhold_group_statements(summary, cells=cells, lines=lines, min_cell_size=K)
    withheld = set(out.loc[out[STATEMENTS_WITHHELD], "stakeholder_group"])
    # academia and community narrow their own cells; private's 4 statements of its G06 and G09
    # beside its complementary G04 (at least 5) would leave a primary cell at most 3 for a
    # reader of the labels. Government's 8 over three leave each 1 to 6: it stays.
    assert withheld == {"academia", "community", "private"}, out.to_string()
    assert out.loc[out[STATEMENTS_WITHHELD], list(STATEMENT_COLUMNS)].isna().all().all()
    assert out.loc[~out[STATEMENTS_WITHHELD], list(STATEMENT_COLUMNS)].notna().all().all()
    everyone = out.set_index("stakeholder_group").loc["(all)"]
    assert everyone["n_weakness"] == summary["n_weakness"].iloc[-1] and not everyone[STATEMENTS_WITHHELD], "everyone's statements stay"
    assert _exposed(_run(out, cells, lines)).empty
    # The input is not modified.
    assert summary[list(STATEMENT_COLUMNS)].notna().all().all()


def test_one_group_is_never_withheld_alone_and_its_companion_has_hidden_cells():
    """Academia alone narrows its cells; everyone's row less the other groups would give its
    statements back. The companion is a group with hidden cells (a group whose cells are all
    published has its totals in them), the one with the fewest statements that protects it."""
    cells = _cells([("G10", "weakness", "government", 9, 9, ""), ("G10", "weakness", "academia", 5, 5, ""), ("G10", "weakness", "private", 6, 6, ""),
                    ("G10", "weakness", "community", 7, 7, ""),
                    ("G04", "strength", "academia", 2, 2, P), ("G06", "strength", "academia", 1, 1, P),
                    ("G04", "strength", "private", 3, 6, P), ("G06", "strength", "private", 2, 4, P),
                    ("G04", "strength", "community", 3, 8, P), ("G06", "strength", "community", 3, 9, P)])
    summary = _summary({"government": (9, 9, 0), "academia": (5, 5, 3), "private": (6, 6, 10), "community": (7, 7, 17)})
    lines = _lines(cells, {("G04", "strength"), ("G06", "strength")})
    assert not _exposed(_run(summary, cells, lines)).empty, "academia's 3 statements over two cells narrow them"
    out = withhold_group_statements(summary, cells=cells, lines=lines, min_cell_size=K)
    withheld = out.loc[out[STATEMENTS_WITHHELD], "stakeholder_group"].tolist()
    assert withheld == ["academia", "private"], out.to_string()  # private: 16 statements, fewer than community's 24; government has no hidden cell
    assert _exposed(_run(out, cells, lines)).empty


def test_everyones_strengths_all_in_one_hidden_line_are_withheld_with_a_group():
    """The generated run of seed 29: everyone's 2 strength statements are in G06 as a strength,
    hidden with its two groups, which they pin to 1 each. Everyone's n_strength and
    n_statements are withheld, and so are those of a group with a hidden strength cell, or the
    groups' sum would give them back; everyone's n_weakness stays (06 and 08 divide by it)."""
    cells = _cells([("G10", "weakness", "government", 8, 9, ""), ("G10", "weakness", "academia", 6, 7, ""), ("G10", "weakness", "private", 6, 6, ""),
                    ("G06", "strength", "government", 1, 1, P), ("G06", "strength", "academia", 1, 1, P)])
    summary = _summary({"government": (9, 9, 1), "academia": (7, 7, 1), "private": (6, 6, 0)})
    lines = _lines(cells, {("G06", "strength")})
    before = _exposed(_run(summary, cells, lines))
    assert {c["stakeholder_group"] for c in before["cell"] if "stakeholder_group" in c} == {"government", "academia"}, before.to_string()
    out = withhold_group_statements(summary, cells=cells, lines=lines, min_cell_size=K).set_index("stakeholder_group")
    assert pd.isna(out.at["(all)", "n_strength"]) and pd.isna(out.at["(all)", "n_statements"]) and out.at["(all)", "n_weakness"] == 22
    assert out.loc[["government", "academia"], STATEMENTS_WITHHELD].all() and not out.at["private", STATEMENTS_WITHHELD]
    assert _exposed(_run(out.reset_index(), cells, lines)).empty


def _hide_rows(summary: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """The interviewees table with ``groups`` hidden by its own suppression (their counts empty)."""
    out = summary.copy().astype({c: "object" for c in ("n", *STATEMENT_COLUMNS)})
    rows = out["stakeholder_group"].isin(groups)
    out.loc[rows, ["n", *STATEMENT_COLUMNS]] = ""
    out.loc[rows, "suppressed"], out.loc[rows, "suppression"] = True, P
    return out


def test_a_group_with_no_companion_is_protected_by_everyones_strengths():
    """Review of the withholding (gap 1): academia alone narrows its cells (3 strength
    statements over two hidden cells, each at most 2 where its group of 9 keeps 1 to 6), and
    the only other group has no hidden cell. Withheld alone, everyone's row less the other
    group gave academia's 3 strength statements back; now everyone's n_strength and
    n_statements are withheld with it."""
    cells = _cells([("G10", "weakness", "academia", 9, 9, ""), ("G10", "weakness", "government", 7, 7, ""), ("G09", "strength", "government", 6, 6, ""),
                    ("G04", "strength", "academia", 2, 2, P), ("G06", "strength", "academia", 1, 1, P)])
    summary = _summary({"academia": (9, 9, 3), "government": (7, 7, 6)})
    lines = _lines(cells, {("G04", "strength"), ("G06", "strength")})
    alone = summary.astype({c: "object" for c in STATEMENT_COLUMNS})
    alone.loc[alone["stakeholder_group"].eq("academia"), list(STATEMENT_COLUMNS)] = ""  # as withheld before, everyone's row kept
    before = _exposed(_run(alone, cells, lines))
    assert {(c.get("stakeholder_group"), c["goal_id"]) for c in before["cell"]} >= {("academia", "G04"), ("academia", "G06")}, before.to_string()
    out = withhold_group_statements(summary, cells=cells, min_cell_size=K).set_index("stakeholder_group")  # the groups' sums alone, without the lines
    assert out.at["academia", STATEMENTS_WITHHELD] and not out.at["government", STATEMENTS_WITHHELD], out.to_string()
    assert pd.isna(out.at["(all)", "n_strength"]) and pd.isna(out.at["(all)", "n_statements"]), "academia's strengths would come back from everyone's"
    assert out.at["(all)", "n_weakness"] == 16, "everyone's weaknesses stay: 06 and 08 divide by them"
    assert _exposed(_run(out.reset_index(), cells, lines)).empty


def test_the_groups_the_table_hides_are_checked_with_no_group_withheld():
    """Review of the withholding (gap 2): two groups the interviewees table hides made the 2
    strength statements, one in each of their hidden cells. Nothing was checked since no
    published group was withheld, and everyone's row less the published groups pinned both
    cells to 1; now everyone's strength statements are withheld."""
    cells = _cells([("G10", "weakness", "government", 7, 7, ""), ("G10", "weakness", "academia", 6, 6, ""),
                    ("G01", "weakness", "private", 3, 4, P), ("G01", "weakness", "community", 6, 7, C),
                    ("G04", "strength", "private", 1, 1, P), ("G06", "strength", "community", 1, 1, P)])
    summary = _hide_rows(_summary({"government": (7, 7, 0), "academia": (6, 6, 0), "private": (3, 4, 1), "community": (6, 7, 1)}), ["private", "community"])
    lines = _lines(cells, {("G04", "strength"), ("G06", "strength")})
    before = summary.copy()
    pinned = _exposed(_run(before, cells, lines))
    assert {(c["stakeholder_group"], lo, hi) for c, lo, hi in zip(pinned["cell"], pinned["lowest"], pinned["highest"]) if "stakeholder_group" in c} \
        >= {("private", 1, 1), ("community", 1, 1)}, pinned.to_string()
    out = withhold_group_statements(summary, cells=cells, min_cell_size=K).set_index("stakeholder_group")
    assert pd.isna(out.at["(all)", "n_strength"]) and pd.isna(out.at["(all)", "n_statements"]) and out.at["(all)", "n_weakness"] == 24, out.to_string()
    assert _exposed(_run(out.reset_index(), cells, lines)).empty


def test_bad_input_is_refused_with_the_missing_column_named():
    summary, cells, _ = _academia_case()
    with pytest.raises(ValueError, match="true_statements"):
        withhold_group_statements(summary, cells=cells.drop(columns="true_statements"))
    with pytest.raises(ValueError, match="n_strength"):
        withhold_group_statements(summary.drop(columns="n_strength"), cells=cells)


def test_the_interviewees_before_the_goal_lines_are_refused_and_a_dry_run_still_works(tmp_path):
    """Review of the withholding (gap 4): without publish_goal_lines first, publish_interviewees
    suppressed the goal cells on their own, not as 02 publishes them, and withheld by those;
    now it says to call it first. The overview's dry run (00) needs no goal lines."""
    from pra_lib.assessment import load_assessment
    from pra_lib.interviews.statements import publish_interviewees
    from pra_lib.publishing import report as report_module

    from .conftest import SAMPLE

    report = report_module.Report(tmp_path / "02_interviews", assessment=load_assessment(SAMPLE), min_cell_size=K, activity_id="questionnaire")
    try:
        dry = publish_interviewees(report, report.assessment, activity_id="questionnaire", dry_run=True)
        assert "academia" in set(dry["stakeholder_group"]) and STATEMENTS_WITHHELD not in dry, dry.to_string()
        with pytest.raises(ValueError, match=r"call publish_goal_lines\(report, assessment, activity_id='questionnaire'\) first"):
            publish_interviewees(report, report.assessment, activity_id="questionnaire")
        assert "interviewees" not in report.tables
    finally:
        report_module._PENDING_WORKBOOKS.pop(report.workbook_path, None)


# --- The sample run ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_run(sample_reports_en) -> list[dict]:
    return load_run(Path(sample_reports_en) / ASSESSMENT_ID)


def _interviewees(tables: list[dict]) -> tuple[int, pd.DataFrame]:
    where = next(i for i, t in enumerate(tables) if t["report"] == "02_interviews" and t["name"] == "interviewees")
    return where, tables[where]["frame"]


def test_the_sample_withholds_the_statements_of_the_groups_they_would_expose(sample_run, sample_reports_en):
    _, frame = _interviewees(sample_run)
    frame = frame.set_index("stakeholder_group")
    withheld = frame.index[frame[STATEMENTS_WITHHELD].eq("True")].tolist()
    assert "academia" in withheld and len(withheld) >= 2, frame.to_string()
    assert (frame.loc[withheld, list(STATEMENT_COLUMNS)] == "").all().all() and frame.loc[withheld, "n"].ne("").all()
    assert frame.at["(all)", "n_weakness"] == "91", "everyone's weakness statements stay: 06 and 08 divide by them"
    # The HTML's interviewees table has the flag's column and shows academia's withheld counts
    # as suppressed, its flag "yes" (the intro text also names the flag, so the words alone prove nothing).
    page = (Path(sample_reports_en) / ASSESSMENT_ID / "02_interviews" / "02_interviews.html").read_text(encoding="utf-8")
    table = re.search(r'<th class="col_heading[^"]*"[^>]*>Statements withheld</th>.*?</table>', page, flags=re.S)
    assert table, "the interviewees table has no 'Statements withheld' column"
    suppressed = r'<td class="data row\d+ col\d+ suppressed"[^>]*>suppressed</td>\s*'
    assert re.search(r'<td class="data row\d+ col\d+ text"[^>]*>Academia</td>\s*<td class="data row\d+ col\d+ num"[^>]*>\d+</td>\s*'
                     + suppressed * 3 + r'<td class="data row\d+ col\d+ text"[^>]*>yes</td>', table.group(0)), table.group(0)


def test_the_attack_finds_academias_strength_cells_when_its_statements_are_published_again(sample_run):
    """The sample run with academia's statement counts put back (and its companion's): its 5
    strength statements over its three hidden strength cells leave each 1 to 3."""
    from pra_lib.assessment import load_assessment
    from pra_lib.interviews.statements import interview_summary

    from .conftest import SAMPLE

    truth = interview_summary(load_assessment(SAMPLE), activity_id="questionnaire").set_index("stakeholder_group")
    tables = [dict(t) for t in sample_run]
    where, frame = _interviewees(tables)
    frame = frame.copy()
    for i in np.flatnonzero(frame[STATEMENTS_WITHHELD].eq("True").to_numpy()):
        group = frame.at[i, "stakeholder_group"]
        for column in STATEMENT_COLUMNS:
            frame.at[i, column] = str(int(truth.at[group, column]))
    tables[where] = {**tables[where], "frame": frame}
    exposed = narrow(attack(tables, statements=True)[1], K, tables)
    academia = {c["goal_id"]: (lo, hi) for c, lo, hi in zip(exposed["cell"], exposed["lowest"], exposed["highest"])
                if c.get("stakeholder_group") == "academia" and c.get("valence") == "strength"}
    assert academia == {"G04": (1, 3), "G06": (1, 3), "G09": (1, 3)}, exposed.to_string()


def test_every_withheld_statement_count_is_read_as_hidden_by_the_attack(sample_run):
    """The declarations say what the attack reads: the interviewees table declares its
    statement counts, and a withheld one is an empty cell of a published row."""
    where, frame = _interviewees(sample_run)
    table = sample_run[where]
    assert set(STATEMENT_COLUMNS) <= set(table["other_counts"]) and STATEMENTS_WITHHELD in table["columns"]
    rows = frame[STATEMENTS_WITHHELD].eq("True")
    assert rows.any() and not _hidden(frame[rows]).any()
    assert all(_number(v) is None for v in frame.loc[rows, "n_strength"])


# --- Generated runs -----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [29, 28])
def test_the_statements_of_a_generated_run_narrow_no_hidden_cell(seed, tmp_path_factory):
    """The generated runs of ``test_disclosure_attack_runs`` (the same session folders, run
    once), attacked with the statements: on seed 29 everyone's 2 strength statements are all
    in G06 as a strength, hidden with its two groups; published, they pinned each to 1."""
    from .test_disclosure_attack_runs import _generated_run

    tables = load_run(_generated_run("suppress", seed, tmp_path_factory))
    assert _exposed(tables).empty
    if seed == 29:
        where, frame = _interviewees(tables)
        everyone = frame.set_index("stakeholder_group").loc["(all)"]
        assert everyone["n_strength"] == everyone["n_statements"] == "" and everyone["n_weakness"] != "", everyone.to_string()
        planted = frame.copy()
        planted.loc[planted["stakeholder_group"].eq("(all)"), "n_strength"] = "2"  # the run's true count, published again
        tables[where] = {**tables[where], "frame": planted}
        pinned = _exposed(tables)
        assert any(c.get("goal_id") == "G06" and c.get("valence") == "strength" for c in pinned["cell"]), pinned.to_string()
