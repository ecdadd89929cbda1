"""Everyone's weakness statements are withheld where they would narrow a hidden goal cell, and the
interview report (02) and the focus-area reports (06, 08) still run to the end.

The interviews table of 02 publishes everyone's statements per valence; the focus-area reports
divide a focus area's or goal's weakness statements by everyone's (``interview_salience``).
Where everyone's weakness statements, less the published goal lines or less the published
groups, leave a hidden cell of ``statements_by_goal_and_group`` fewer values than its
protection interval (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, section
4.2.2; README, *The statements per stakeholder group and valence*), 02 used to stop with an
error. It now withholds everyone's ``n_weakness`` with ``n_statements`` (they add up), and 06
and 08 reach the same decision (``interviews.statements.weakness_total_withheld``) and withhold
every share of that total, since a share beside its count gives it back (total = count /
share). Their normalised salience, scores and ranks stay: min-max, z-scores and ranks of
``count / total`` are those of the counts (OECD/JRC *Handbook on Constructing Composite
Indicators*, 2008, section 5: the normalisations are invariant to a change of unit).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from pra_lib.interviews.statements import STATEMENT_COLUMNS, STATEMENTS_WITHHELD, withhold_group_statements

from .conftest import run_once
from .test_disclosure_attack import ASSESSMENT_ID, attack, load_run, narrow
from .test_statement_disclosure import C, K, P, _cells, _hide_rows, _lines, _run, _summary

REPORTS = ("02_interviews", "06_focus_areas_session", "08_pra_overall")


def _exposed(tables: list[dict]) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        problems, ranges = attack(tables, statements=True)
    assert problems == [], problems
    return narrow(ranges, K, tables)


def _two_hidden_groups():
    """``test_statement_disclosure``'s case of two hidden groups with the valences turned: the
    groups the interviewees table hides (private, 3 interviewees, and community, 6) made the 2
    weakness statements, one in each of their hidden cells (G04, G06); everyone else's
    statements are strengths, in the published G10 and in G01, hidden for private's 3."""
    cells = _cells([("G10", "strength", "government", 7, 7, ""), ("G10", "strength", "academia", 6, 6, ""),
                    ("G01", "strength", "private", 3, 4, P), ("G01", "strength", "community", 6, 7, C),
                    ("G04", "weakness", "private", 1, 1, P), ("G06", "weakness", "community", 1, 1, P)])
    summary = _hide_rows(_summary({"government": (7, 0, 7), "academia": (6, 0, 6), "private": (3, 1, 4), "community": (6, 1, 7)}), ["private", "community"])
    return summary, cells, _lines(cells, {("G04", "weakness"), ("G06", "weakness")})


@pytest.mark.parametrize("with_lines", [False, True], ids=["less-the-published-groups", "less-the-published-lines"])
def test_everyones_weaknesses_that_would_pin_hidden_cells_are_withheld(with_lines):
    """Before: everyone's 2 weakness statements less the published groups' none (or less the
    published lines', none) pinned private's and community's hidden cells to 1 each, and the
    withholding raised an error, so 02 stopped. Now everyone's n_weakness and n_statements
    are withheld, flagged, and no hidden cell is narrowed."""
    summary, cells, lines = _two_hidden_groups()
    before = _exposed(_run(summary, cells, lines))
    pinned = {(c.get("stakeholder_group"), c.get("goal_id")): (lo, hi) for c, lo, hi in zip(before["cell"], before["lowest"], before["highest"])}
    assert pinned[("private", "G04")] == (1, 1) and pinned[("community", "G06")] == (1, 1), before.to_string()
    out = withhold_group_statements(summary, cells=cells, lines=lines if with_lines else None, min_cell_size=K).set_index("stakeholder_group")
    everyone = out.loc["(all)"]
    assert pd.isna(everyone["n_weakness"]) and pd.isna(everyone["n_statements"]) and everyone[STATEMENTS_WITHHELD], out.to_string()
    assert everyone["n"] == 22, "everyone's interviewees stay"
    assert _exposed(_run(out.reset_index(), cells, lines)).empty


def test_everyones_weaknesses_come_back_from_no_group_sum():
    """With everyone's weaknesses withheld and every group published, the groups' sum would
    give them back: a group with hidden weakness cells is withheld with them."""
    cells = _cells([("G10", "weakness", "government", 7, 7, ""), ("G10", "weakness", "academia", 6, 6, ""),
                    ("G01", "weakness", "government", 1, 1, P), ("G01", "weakness", "academia", 1, 1, P)])
    summary = _summary({"government": (7, 8, 0), "academia": (6, 7, 0)})
    lines = _lines(cells, {("G01", "weakness")})
    assert not _exposed(_run(summary, cells, lines)).empty, "everyone's 15 less G10's 13 pins G01's two cells"
    out = withhold_group_statements(summary, cells=cells, lines=lines, min_cell_size=K).set_index("stakeholder_group")
    assert pd.isna(out.at["(all)", "n_weakness"]), out.to_string()
    groups = out.drop(index="(all)")
    assert groups[STATEMENTS_WITHHELD].any() and groups.loc[groups[STATEMENTS_WITHHELD], list(STATEMENT_COLUMNS)].isna().all().all(), out.to_string()
    assert _exposed(_run(out.reset_index(), cells, lines)).empty


# --- A run where everyone's weakness statements are withheld ------------------------------------

def weaknesses_in_one_hidden_line(folder: Path) -> Path:
    """The generated assessment of seed 29 (``test_disclosure_attack_runs``) with the valence of
    every statement turned: its 2 strength statements, both in G06 and hidden with their two
    groups, become everyone's only weaknesses on a goal, and the 33 statements on flooding
    (SH04) weaknesses on no goal, so that the focus areas covering flooding count them.
    Everyone's weakness statements less the published goal lines (none) then bound G06's two
    hidden cells by 2 together, where 02 used to stop."""
    from .test_disclosure_attack_runs import small_groups_assessment

    small_groups_assessment(folder, seed=29)
    path = folder / "interview_statements.csv"
    st = pd.read_csv(path, dtype=str, keep_default_na=False)
    st["valence"] = st["valence"].map({"weakness": "strength", "strength": "weakness"})
    flood = st["hazard_id"].eq("SH04")
    st.loc[flood, "valence"], st.loc[flood, "goal_id"] = "weakness", ""
    st.to_csv(path, index=False)
    return folder


@pytest.fixture(scope="module")
def withheld_run(tmp_path_factory) -> Path:
    root = run_once(tmp_path_factory, "weaknesses-in-one-hidden-line", weaknesses_in_one_hidden_line, only=["02", "06", "08"],
                    min_cell_size=K, parameters={"small_categories": "suppress", "figure_formats": "png,svg"})
    return root / ASSESSMENT_ID


def _csv(root: Path, report: str, name: str) -> pd.DataFrame:
    return pd.read_csv(root / report / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)


def test_the_reports_run_to_the_end_and_withhold_everyones_weaknesses(withheld_run):
    for report in REPORTS:
        assert (withheld_run / report / f"{report}.html").exists(), report
    everyone = _csv(withheld_run, "02_interviews", "interviewees").set_index("stakeholder_group").loc["(all)"]
    assert everyone["n_weakness"] == everyone["n_statements"] == "" and everyone[STATEMENTS_WITHHELD] == "True", everyone.to_string()
    assert everyone["n"] != "", "everyone's interviewees stay"
    page = (withheld_run / "02_interviews" / "02_interviews.html").read_text(encoding="utf-8")
    assert "their statements of weaknesses are withheld" in page or "how many, as weaknesses and as strengths, is withheld" in page


def test_no_published_number_gives_everyones_weaknesses_back(withheld_run):
    """Not 02's row for everyone, nor the groups' sum (a group with hidden weakness cells is
    withheld or hidden), nor a share of 06 or 08 beside its count; and 02's hidden cells stay
    protected, while putting the total back pins them."""
    from pra_lib.assessment import load_assessment
    from pra_lib.interviews.statements import interview_summary

    truth = interview_summary(load_assessment(withheld_run.parent.parent / "assessment", errors="collect"), activity_id="questionnaire").set_index("stakeholder_group")
    total = int(truth.at["(all)", "n_weakness"])
    assert total == 35, truth.to_string()
    groups = _csv(withheld_run, "02_interviews", "interviewees").set_index("stakeholder_group").drop(index="(all)")
    assert (groups["n_weakness"] == "").any(), "every group's weaknesses published would add up to everyone's"
    for report in REPORTS[1:]:
        for path in sorted((withheld_run / report / "tables").glob("*.csv")):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            if "interview_salience" in frame:
                assert frame["interview_salience"].eq("").all(), f"{report}/{path.name} publishes a share of the withheld total"
        # the heatmap writes each focus area's count where the share is withheld, and no share
        svg = (withheld_run / report / "figures" / "evidence_heatmap.svg").read_text(encoding="utf-8")
        texts = re.findall(r"<!-- (.*?) -->", svg, flags=re.S)
        assert not [t for t in texts if "%" in t], f"{report}'s heatmap writes a share"
        printed = sorted(int(n) for n in re.findall(r"<!-- \((\d+) statements\) -->", svg))
        assert printed == sorted(int(v) for v in _csv(withheld_run, report, "evidence_matrix")["n_weakness_statements"] if v != ""), printed
        page = (withheld_run / report / f"{report}.html").read_text(encoding="utf-8")
        assert "(interview salience) is withheld" in page, report
    counts = _csv(withheld_run, "06_focus_areas_session", "evidence_matrix")["n_weakness_statements"]
    assert any(v not in ("", "0") for v in counts), "the focus areas' counts stay published"

    tables = load_run(withheld_run)
    assert _exposed(tables).empty
    where = next(i for i, t in enumerate(tables) if t["report"] == "02_interviews" and t["name"] == "interviewees")
    planted = tables[where]["frame"].copy()
    planted.loc[planted["stakeholder_group"].eq("(all)"), "n_weakness"] = str(total)  # published again
    tables[where] = {**tables[where], "frame": planted}
    again = _exposed(tables)
    # the 2 statements of G06 as a weakness, all of code "growing economy": 35 less the 33 on flooding (published by hazard)
    assert any(c.get("valence") == "weakness" for c in again["cell"]), again.to_string()


def test_the_focus_area_reports_reach_the_interview_reports_decision(withheld_run):
    """One decision, from the same inputs: the assessment as loaded and the run's options."""
    from pra_lib.assessment import load_assessment
    from pra_lib.interviews.statements import weakness_total_withheld

    assessment = load_assessment(withheld_run.parent.parent / "assessment", errors="collect")
    assert weakness_total_withheld(assessment, min_cell_size=K, small_categories="suppress") is True


def test_an_assessment_without_the_interview_activity_withholds_nothing(tmp_path):
    from pra_lib.assessment import load_assessment
    from pra_lib.interviews.statements import weakness_total_withheld

    from .conftest import SAMPLE

    assert weakness_total_withheld(load_assessment(SAMPLE), min_cell_size=K, activity_id="no_such_activity") is False
