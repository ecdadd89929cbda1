"""The focus-area reports (06, 08) give back no goal line the interview report (02) hides.

The interview report hides some goal lines as a weakness in ``statements_by_goal`` (on the
sample G03 and G05, 4 interviewees each, G12, 6, and G11, 20). The focus areas count a
goal's weakness statements, and a line's interviewees are at most its statements: for
G03, G05 and G12 they are equal (one statement each), so the count is the line; G11's 20
interviewees made 24 statements, and its count bounds the line from above. The focus
areas' evidence must publish no hidden line's statements: not per goal
(``goal_evidence``), not as a share of the 91 weakness statements (02 publishes the total),
not normalised (``goal_ranking``, ``ranking``), not in a focus area's sum that a reader can
take the published goals from (FA1 - G10 - G05 = 34 - 24 - 4 = 6 is G12; FA2 - G03 =
28 - 4 = 24 is G11), and not in the heatmap's labels or the findings.

These tests read the run every other whole-run test reads (``sample_reports_en``) and
recompute the hidden lines' true counts from the assessment.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pra_lib import focus_areas as fa
from pra_lib import load_assessment, perception

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
ASSESSMENT_ID = "jakarta-2017-synthetic"
REPORTS = ("06_focus_areas_session", "08_pra_overall")
# Columns that hold a goal's or focus area's interview count, or a number computed from it.
DERIVED = ("n_weakness_statements", "interview_salience", "norm_interview_salience", "score", "nominal_score")


def _csv(root: Path, report: str, name: str) -> pd.DataFrame:
    return pd.read_csv(root / ASSESSMENT_ID / report / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)


def _number(text) -> float | None:
    try:
        return float(text) if text != "" else None
    except (TypeError, ValueError):
        return None


@pytest.fixture(scope="module")
def sample():
    return load_assessment(SAMPLE, errors="collect")


@pytest.fixture(scope="module")
def hidden_interviewees(sample_reports_en, sample) -> dict[str, int]:
    """The weakness lines 02 hides, each with its true interviewees recomputed from the assessment."""
    published = _csv(sample_reports_en, "02_interviews", "statements_by_goal")
    hidden = published[published["suppressed"].eq("True") & published["valence"].eq("weakness")]
    true = perception.interview_codes(sample, level="goal", activity_id="questionnaire")
    true = true[true["valence"].eq("weakness")].set_index("goal_id")
    lines = {g: int(true.loc[g, "n"]) for g in sorted(hidden["goal_id"])}
    # G03, G05, G12 hidden for their few people; G11 (20) to keep them wide under the
    # weaknesses' statements (linked suppression with the category-size bounds, README)
    assert lines == {"G03": 4, "G05": 4, "G11": 20, "G12": 6}, lines
    return lines


@pytest.fixture(scope="module")
def hidden_lines(hidden_interviewees, sample) -> dict[str, int]:
    """The weakness statements each hidden line holds: what 06 and 08 count for it.

    A line's interviewees are at most its statements (each made one or more), so a
    statement count given back bounds the line, and is the line where they are equal.
    """
    true = perception.interview_codes(sample, level="goal", activity_id="questionnaire")
    true = true[true["valence"].eq("weakness")].set_index("goal_id")
    lines = {g: int(true.loc[g, "n_statements"]) for g in hidden_interviewees}
    assert all(lines[g] >= n for g, n in hidden_interviewees.items()), (lines, hidden_interviewees)
    # one statement per interviewee on G03, G05 and G12 (the count is the line); more on G11
    assert {g for g, n in hidden_interviewees.items() if lines[g] == n} == {"G03", "G05", "G12"}, (lines, hidden_interviewees)
    assert lines["G11"] == 24, lines
    return lines


@pytest.fixture(scope="module")
def focus_area_lines(sample) -> dict[str, set[str]]:
    """Per focus area, the goals whose weakness statements its count holds (through its goals or hazards)."""
    st = sample.interview_statements
    st = st[st["valence"].eq("weakness")]
    links = sample.focus_area_links
    out = {}
    for fa_id, mine in links.groupby("focus_area_id"):
        goals, hazards = set(mine["goal_id"].dropna()), set(mine["hazard_id"].dropna())
        held = st[st["goal_id"].isin(goals) | st["hazard_id"].isin(hazards)]
        out[fa_id] = set(held["goal_id"].dropna())
    return out


def published_counts(root: Path, report: str) -> tuple[dict[str, float], dict[str, float]]:
    """What a reader holds: weakness statements per goal and per focus area, from every
    number of the report that states them (a count, a share of the published total, a
    min-max normalised value with the published counts at its ends)."""
    total = _number(_csv(root, "02_interviews", "interviewees").set_index("stakeholder_group").loc["(all)", "n_weakness"])
    assert total == 91, "02 publishes the total of weakness statements"
    goals: dict[str, float] = {}
    areas: dict[str, float] = {}
    folder = root / ASSESSMENT_ID / report / "tables"
    for path in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        key = "goal_id" if "goal_id" in frame else "focus_area_id" if "focus_area_id" in frame else None
        if key is None:
            continue
        into = goals if key == "goal_id" else areas
        for _, row in frame.iterrows():
            n = _number(row.get("n_weakness_statements", ""))
            share = _number(row.get("interview_salience", ""))
            for value in (n, None if share is None else share * total):
                if value is not None:
                    into.setdefault(row[key], round(value, 6))
    # min-max normalised salience: with the lowest value 0, norm = count / max x 100, so one
    # published (count, norm) pair gives the maximum, and the row at 100 holds it
    for path in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "norm_interview_salience" not in frame:
            continue
        key = "goal_id" if "goal_id" in frame else "focus_area_id"
        into = goals if key == "goal_id" else areas
        norms = {r[key]: _number(r["norm_interview_salience"]) for _, r in frame.iterrows()}
        scales = {into[k] * 100 / v for k, v in norms.items() if v and k in into and into[k] > 0}
        for top in scales:
            for k, v in norms.items():
                if v is not None:
                    into.setdefault(k, round(v * top / 100, 6))
    return goals, areas


def given_back(goals: dict[str, float], areas: dict[str, float], focus_area_lines: dict[str, set[str]], hidden: dict[str, int]) -> list[str]:
    """Hidden lines a reader gives back from published counts: directly, or by the
    differences of a focus area's count and its published goals (the rest is its other
    goals' statements; with one such goal left, that goal's, which then serves the next
    focus area: FA5 = 4 is G05, then FA1 - G10 - G05 = 34 - 24 - 4 = 6 is G12)."""
    found = [f"{g} = {goals[g]:g} is published" for g in hidden if g in goals]
    known = dict(goals)
    changed = True
    while changed:
        changed = False
        for fa_id, count in areas.items():
            held = focus_area_lines.get(fa_id, set())
            for g in sorted(held & set(hidden)):
                others = held - {g}
                if not others <= set(known):
                    continue
                rest = count - sum(known[x] for x in others)
                if np.isclose(rest, hidden[g]):
                    found.append(f"{fa_id} = {count:g} less its other goals leaves {rest:g}, which is {g}")
                if g not in known:
                    known[g] = rest
                    changed = True
    return sorted(set(found))


@pytest.mark.parametrize("report", REPORTS)
def test_no_published_number_gives_back_a_hidden_interview_line(sample_reports_en, hidden_lines, focus_area_lines, report):
    """Issue 11: 06 published G03 = 4, G05 = 4, G12 = 6 as weakness statements per goal, as
    shares of 91 and normalised (16.67 x 24 / 100 = 4), and FA5 = 4, FA7 = 4, FA1 = 34,
    FA3 = 24 per focus area; 08 the focus areas' counts. With G11 hidden too (24 statements
    of 20 interviewees; FA2 = 28 holds it with G03), none may state or give back the
    statements of a hidden line."""
    goals, areas = published_counts(sample_reports_en, report)
    # a reader holds every report of the run: the goals' counts of one serve the other's differences
    for other in REPORTS:
        goals = published_counts(sample_reports_en, other)[0] | goals
    assert "G11" in hidden_lines
    assert given_back(goals, areas, focus_area_lines, hidden_lines) == []
    # the attack has something to read: the published lines and focus areas that hold no hidden line
    assert set(goals) >= {"G01", "G08", "G09", "G10"}, goals
    assert {"FA4", "FA6"} <= set(areas), areas


def test_the_attack_gives_back_the_lines_from_the_counts_the_review_found(hidden_lines, focus_area_lines):
    """The attack above finds each line from the numbers the disclosure review read in 06
    (which then published G11's 24 statements per goal), and G11's from the focus areas
    alone once its goal row is withheld: FA2 - G03 = 28 - 4 = 24."""
    goals = {"G01": 9, "G08": 9, "G10": 24, "G11": 24, "G09": 11}
    areas = {"FA1": 34, "FA3": 24, "FA5": 4, "FA7": 4, "FA2": 28, "FA4": 11}
    found = given_back(goals, areas, focus_area_lines, hidden_lines)
    assert "G11 = 24 is published" in found, found
    assert any(f.startswith("FA5 = 4") and f.endswith("G05") for f in found), found
    assert any(f.startswith("FA7 = 4") and f.endswith("G03") for f in found), found
    assert any(f.startswith("FA1 = 34") and f.endswith("G12") for f in found), found
    assert any(f.startswith("FA3 = 24") and f.endswith("G12") for f in found), found
    assert any(f.startswith("FA2 = 28") and f.endswith("G03") for f in found), found
    assert given_back({**goals, "G03": 4}, {}, focus_area_lines, hidden_lines) == ["G03 = 4 is published", "G11 = 24 is published"]
    # G11 withheld per goal: FA7 gives G03, and FA2 less G03 leaves G11's 24
    without = {g: n for g, n in goals.items() if g != "G11"}
    found = given_back(without, areas, focus_area_lines, hidden_lines)
    assert "G11 = 24 is published" not in found
    assert any(f.startswith("FA2 = 28") and f.endswith("G11") for f in found), found
    assert given_back(without, {"FA2": 28}, focus_area_lines, hidden_lines) == [], "FA2 alone holds two hidden lines"


@pytest.mark.parametrize("report", REPORTS)
def test_every_number_of_a_hidden_line_is_empty_and_flagged(sample_reports_en, hidden_lines, focus_area_lines, report):
    """A row of a hidden goal, or of a focus area holding one, has no interview count, share,
    normalised value or score, and says why in one convention: interview_withheld on its
    evidence (the matrix and the goal view alike), score_withheld on a ranking's emptied
    score. suppressed / suppression keep their meaning in every table of a run (a hidden
    count of people): the matrix and rankings count no people and flag nothing suppressed,
    the goal view publishes its raters, so its rows are not suppressed."""
    folder = sample_reports_en / ASSESSMENT_ID / report / "tables"
    touched = {f for f, held in focus_area_lines.items() if held & set(hidden_lines)}
    assert touched == {"FA1", "FA2", "FA3", "FA5", "FA7"}, touched
    checked = 0
    for path in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        key = "goal_id" if "goal_id" in frame else "focus_area_id" if "focus_area_id" in frame else None
        columns = [c for c in DERIVED if c in frame]
        if key is None or not columns or "evidence_trail" in path.stem:
            continue
        rows = frame[frame[key].isin(set(hidden_lines) if key == "goal_id" else touched)]
        for column in columns:
            leaked = rows.loc[rows[column].ne(""), [key, column]]
            assert leaked.empty, f"{report}/{path.name}: {leaked.to_dict('records')}"
        if "interview_withheld" in frame:
            assert rows["interview_withheld"].eq("True").all() and frame.loc[~frame.index.isin(rows.index), "interview_withheld"].eq("False").all(), path.name
        if "suppressed" in frame:
            assert not rows["suppressed"].eq("True").any(), f"{path.name}: a withheld value is not a hidden count of people"
        if "score" in frame:
            assert rows["score_withheld"].eq("True").all(), path.name
        checked += len(rows)
    # rank_uncertainty is not published at all while interview evidence is withheld (test_no_monte_carlo_output_while_interview_evidence_is_withheld)
    lines = len(hidden_lines)  # G03, G05, G11, G12 in goal_evidence and goal_ranking
    assert checked >= (lines + lines + 5 + 5 if report.startswith("06") else 5 + 5), "goal_evidence, goal_ranking, evidence_matrix, ranking"


def _goal_ranking_maximum(root: Path) -> int:
    """The most weakness statements of any goal, as goal_ranking's min-max normalisation
    publishes it: the goal at 100 has the maximum, and goal_evidence publishes its count."""
    ranking = _csv(root, "06_focus_areas_session", "goal_ranking")
    top = ranking.loc[ranking["norm_interview_salience"].map(_number).eq(100.0), "goal_id"]
    evidence = _csv(root, "06_focus_areas_session", "goal_evidence").set_index("goal_id")
    counts = [int(float(v)) for v in evidence.loc[top, "n_weakness_statements"] if v != ""]
    assert counts, "a goal at 100 has a published count"
    return max(counts)


def test_the_goal_rankings_maximum_narrows_no_hidden_line(sample_reports_en, hidden_interviewees, hidden_lines):
    """goal_ranking publishes G10's 24 statements at 100, so no goal has more: each hidden
    line's statements, and so its interviewees, are at most 24, a bound the run-wide attack
    (tests/test_disclosure_attack.py) does not read. Its intervals for the hidden lines'
    interviewees (on the sample G03 [3, 18], G05 [3, 20], G11 [9, 24], G12 [4, 21]; G11's top
    is its groups' cells: community's 6 + 7 + 5 + 6) all end at or below the maximum, which
    therefore narrows none of them."""
    from .test_disclosure_attack import attack, load_run

    high = _goal_ranking_maximum(sample_reports_en)
    assert high == 24 and all(n <= high for n in hidden_lines.values()), (high, hidden_lines)
    _, ranges = attack(load_run(sample_reports_en / ASSESSMENT_ID), statements=True)
    lines = ranges[ranges["measure"].eq("interviewees_by_goal")]
    lines = {c["goal_id"]: (low, top) for c, low, top in zip(lines["cell"], lines["lowest"], lines["highest"]) if set(c) == {"goal_id", "valence"} and c["valence"] == "weakness"}
    assert set(hidden_interviewees) <= set(lines), lines
    for goal, n in hidden_interviewees.items():
        low, top = lines[goal]
        assert low <= n <= top, (goal, n, low, top)
        assert top <= high, f"{goal}: the attack leaves it [{low:g}, {top:g}], goal_ranking's maximum cuts it at {high}"


@pytest.mark.parametrize("report", REPORTS)
def test_the_heatmap_prints_only_published_counts(sample_reports_en, report):
    """The heatmap printed "(4 statements)" for FA5 and FA7; a withheld cell is blank."""
    frame = _csv(sample_reports_en, report, "evidence_matrix")
    published = sorted(int(float(v)) for v in frame["n_weakness_statements"] if v != "")
    svg = (sample_reports_en / ASSESSMENT_ID / report / "figures" / "evidence_heatmap.svg").read_text(encoding="utf-8")
    printed = sorted(int(n) for n in re.findall(r"<!-- \((\d+) statements\) -->", svg))
    assert printed == published and published == [0, 11], (printed, published)


@pytest.mark.parametrize("report", REPORTS)
def test_the_interview_counts_are_declared_as_counts(sample_reports_en, report):
    """A count of weakness statements is its goal line's interviewees where each made one
    statement, and bounds them otherwise: it is declared with a measure of its own (not
    null), so the attack reads it."""
    tables = json.loads((sample_reports_en / ASSESSMENT_ID / report / "tables" / "_tables.json").read_text())["tables"]
    matrix = tables["evidence_matrix"]["other_counts"]["n_weakness_statements"]
    assert matrix == {"measure": "weakness_statements_by_focus_area", "dims": {"focus_area_id": "focus_area_id"}}
    if report.startswith("06"):
        assert tables["goal_evidence"]["other_counts"]["n_weakness_statements"] == "weakness_statements_by_goal"


@pytest.mark.parametrize("report", REPORTS)
def test_the_findings_quote_no_withheld_score(sample_reports_en, sample, report):
    """A focus area's score less its other published evidence gives its interview evidence:
    the findings and tables in the HTML quote no score the ranking withholds."""
    ranking = fa.rank_focus_areas(fa.evidence_matrix(sample))
    published = _csv(sample_reports_en, report, "ranking" if report.startswith("06") else "focus_area_ranking")
    assert published["score"].eq("").all(), "FA1's 34 statements are the maximum: every score would give it back"
    withheld = set(published.loc[published["interview_withheld"].eq("True"), "focus_area_id"])
    assert withheld == {"FA1", "FA2", "FA3", "FA5", "FA7"}
    page = (sample_reports_en / ASSESSMENT_ID / report / f"{report}.html").read_text(encoding="utf-8")
    for fa_id, score in zip(ranking["focus_area_id"], ranking["score"]):
        if fa_id in withheld:
            assert f"({score:.1f})" not in page and f"{score:.2f}" not in page, (fa_id, score)


def test_rows_of_hidden_interview_evidence_on_the_sample(sample):
    """The focus areas and goals whose weakness statements hold a line 02 hides (G11's only
    focus area, FA2, also holds G03)."""
    matrix = fa.evidence_matrix(sample)
    rows = fa.rows_of_hidden_interview_evidence(matrix, sample, min_cell_size=5)
    assert matrix.loc[rows, "focus_area_id"].tolist() == ["FA1", "FA2", "FA3", "FA5", "FA7"]
    goals = fa.goal_evidence(sample)
    assert goals.loc[fa.rows_of_hidden_interview_evidence(goals, sample, min_cell_size=5), "goal_id"].tolist() == ["G03", "G05", "G11", "G12"]
    shown = fa.withhold_interview_evidence(matrix, rows=rows)
    assert shown.loc[rows, ["n_weakness_statements", "interview_salience"]].isna().all().all()
    assert shown.loc[~rows, "n_weakness_statements"].tolist() == matrix.loc[~rows, "n_weakness_statements"].tolist()
    assert matrix["n_weakness_statements"].notna().all(), "the input is not modified"


@pytest.mark.parametrize("normalisation", ["zscore", "rank"])
def test_a_normalisation_that_pools_every_row_withholds_every_score(normalisation):
    """z-scores (mean and sd give the withheld values' sum and sum of squares) and ranks
    (ties and gaps place a withheld value) withhold the normalised interview evidence and the
    score of every row; the ranks stay."""
    m = pd.DataFrame({"goal_id": ["A", "B", "C", "D"], "perception_weakness": [1.0, 2.0, 3.0, 2.5], "action_gap": [0.1, 0.5, 0.2, 0.3],
                      "interview_salience": [0.4, 0.1, 0.3, 0.2]})
    ranked = fa.rank_focus_areas(m, normalisation=normalisation, columns=["perception_weakness", "action_gap", "interview_salience"])
    evidence = pd.DataFrame({"goal_id": ["A", "B", "C", "D"], "interview_withheld": [False, True, False, False]})
    out = fa.withhold_interview_ranking(ranked, evidence=evidence)
    assert out["score"].isna().all() and out["norm_interview_salience"].isna().all() and out["score_withheld"].all()
    assert "suppressed" not in out, "no count of people is hidden: the reason flag says why"
    assert out["rank"].tolist() == ranked["rank"].tolist() and out["norm_action_gap"].notna().all()


def test_min_max_withholds_every_score_when_a_withheld_row_holds_an_end():
    """With min-max, the published rows' normalised values give the maximum away when only
    a withheld row holds it (FA2's 28 at 82.35 gave FA1's 34): every row is withheld then;
    otherwise only the withheld rows."""
    m = pd.DataFrame({"focus_area_id": ["A", "B", "C"], "perception_weakness": [1.0, 2.0, 3.0], "interview_salience": [0.5, 0.2, 0.0]})
    ranked = fa.rank_focus_areas(m, columns=["perception_weakness", "interview_salience"])
    top = fa.withhold_interview_ranking(ranked, evidence=pd.DataFrame({"focus_area_id": ["A", "B", "C"], "interview_withheld": [True, False, False]}))
    assert top["score"].isna().all() and top["norm_interview_salience"].isna().all()
    middle = fa.withhold_interview_ranking(ranked, evidence=pd.DataFrame({"focus_area_id": ["A", "B", "C"], "interview_withheld": [False, True, False]})).set_index("focus_area_id")
    assert middle.loc[["A", "B", "C"], "score"].isna().tolist() == [False, True, False]
    assert middle["score_withheld"].to_dict() == {"A": False, "B": True, "C": False}
    assert middle.loc[["A", "C"], "norm_interview_salience"].tolist() == [100.0, 0.0]
    # B's rank between the published A and C would bound its score: A and C (tied at 50)
    # are ranked among themselves, B follows unranked
    assert middle["rank"].tolist()[:2] == [1, 1] and pd.isna(middle.loc["B", "rank"]) and middle.index[-1] == "B"
    assert top["rank"].tolist() == ranked["rank"].tolist(), "every score withheld: the ranks stay"


def _rank_column(frame: pd.DataFrame) -> list[float | None]:
    return [_number(v) for v in frame["rank"]]


@pytest.mark.parametrize("report,name", [("06_focus_areas_session", "goal_ranking"), ("06_focus_areas_session", "ranking"), ("08_pra_overall", "focus_area_ranking")])
def test_a_withheld_row_has_no_rank_between_published_scores(sample_reports_en, hidden_lines, report, name):
    """Issue 11: goal_ranking published G12 at rank 6 between G08 (48.17) and G01 (45.82),
    which left its 6 statements two possible values. Where the other rows' scores are
    published, a withheld row has no rank, the published rows are ranked 1 .. m among
    themselves and the withheld rows follow them by id."""
    frame = _csv(sample_reports_en, report, name)
    key = "goal_id" if "goal_id" in frame else "focus_area_id"
    withheld = frame["interview_withheld"].eq("True").to_numpy()
    ranks = _rank_column(frame)
    scores = [_number(v) for v in frame["score"]]
    if all(s is None for s in scores):
        # every score withheld (on the sample FA1's 34 statements are the maximum): the
        # ranks stay, see test_the_focus_area_ranks_leave_each_hidden_line_wide
        assert all(r is not None for r in ranks) and sorted(ranks) == list(range(1, len(ranks) + 1)), ranks
        return
    assert set(frame.loc[withheld, key]) == set(hidden_lines), "G03, G05, G11 and G12"
    assert all(r is None for r, w in zip(ranks, withheld) if w), frame.loc[withheld, [key, "rank"]].to_dict("records")
    shown = [(r, s) for r, s, w in zip(ranks, scores, withheld) if not w]
    m = len(shown)
    assert sorted(r for r, _ in shown) == list(range(1, m + 1)), "no tie on the sample: the published ranks run 1 .. m without a gap"
    by_score = sorted(shown, key=lambda x: -x[1])
    assert [r for r, _ in by_score] == list(range(1, m + 1)), "the published rows are ranked by their published scores"
    # the row order places nothing: published rows by rank, then the withheld ones by id
    assert list(withheld) == [False] * m + [True] * (len(frame) - m)
    assert frame.loc[withheld, key].tolist() == sorted(frame.loc[withheld, key])
    assert [r for r in ranks[:m]] == list(range(1, m + 1))


def _consistent_lines(view, hidden: dict[str, int], total: int, *, low: int = 0, high: int | None = None) -> dict[str, set[int]]:
    """Per hidden line, the counts a reader cannot rule out: every split of ``total`` over the
    hidden lines, each within [low, high], whose ranking shows what the true one shows."""
    import itertools

    high = total if high is None else high
    truth = view(hidden)
    out = {g: set() for g in hidden}
    for values in itertools.product(range(low, high + 1), repeat=len(hidden) - 1):
        last = total - sum(values)  # the split's last line takes what the others leave
        if not low <= last <= high:
            continue
        candidate = dict(zip(hidden, (*values, last)))
        if view(candidate) == truth:
            for g, v in candidate.items():
                out[g].add(v)
    return out


def test_the_focus_area_ranks_leave_each_hidden_line_wide(sample_reports_en, sample, hidden_lines):
    """The focus-area ranks stay published with every score withheld; the goal ranks of the
    withheld lines do not. Tried on every split of the hidden lines' statements (G03 + G05 +
    G11 + G12 = 91 - 53 = 38: 02 publishes the 91 statements and every other line's), each
    line at least 1 statement (02 lists it) and at most the goal ranking's published maximum
    (G10's 24 at 100, min-max), with the other evidence as published: the focus-area ranks
    leave each line's statements at least min_cell_size = 5 values, the full goal ranks would
    have left G12 two (5 or 6). (A line's interviewees are at most its statements; for G03,
    G05 and G12 they are its statements.)"""
    import warnings

    published = _csv(sample_reports_en, "02_interviews", "statements_by_goal")
    weak = published[published["valence"].eq("weakness")]
    shown = weak.loc[weak["suppressed"].eq("False"), "n_statements"].astype(int).sum()
    total = 91 - shown
    assert total == sum(hidden_lines.values()), (total, hidden_lines)
    high = _goal_ranking_maximum(sample_reports_en)
    assert high == 24 and max(hidden_lines.values()) <= high, (high, hidden_lines)
    statements = sample.interview_statements
    statements = statements[statements["valence"].eq("weakness")]
    matrix = fa.evidence_matrix(sample)
    # per focus area, each hidden line's statements it holds (all of the line or a fixed part)
    held = {}
    for fa_id, mine in sample.focus_area_links.groupby("focus_area_id"):
        rows = statements[statements["goal_id"].isin(set(mine["goal_id"].dropna())) | statements["hazard_id"].isin(set(mine["hazard_id"].dropna()))]
        held[fa_id] = {g: int(rows["goal_id"].eq(g).sum()) for g in hidden_lines}

    def focus_area_ranks(candidate):
        m = matrix.copy()
        m["n_weakness_statements"] = [n + sum((candidate[g] if held[f][g] == hidden_lines[g] else min(held[f][g], candidate[g])) - held[f][g] for g in hidden_lines)
                                      for f, n in zip(m["focus_area_id"], m["n_weakness_statements"])]
        m["interview_salience"] = m["n_weakness_statements"] / 91
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fa.rank_focus_areas(m)
        return tuple(zip(r["focus_area_id"], r["rank"]))

    goals = fa.goal_evidence(sample).set_index("goal_id")

    def goal_ranks(candidate):
        m = goals.copy()
        for g, v in candidate.items():
            m.loc[g, "n_weakness_statements"] = v
        m["interview_salience"] = m["n_weakness_statements"] / 91
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fa.rank_focus_areas(m.reset_index())
        return tuple(zip(r["goal_id"], r["rank"]))

    areas = _consistent_lines(focus_area_ranks, hidden_lines, total, low=1, high=high)
    assert all(hidden_lines[g] in v for g, v in areas.items()), "the truth is among the candidates"
    assert min(len(v) for v in areas.values()) >= 5, {g: sorted(v) for g, v in areas.items()}
    full_goals = _consistent_lines(goal_ranks, hidden_lines, total, low=1, high=high)
    assert all(hidden_lines[g] in v for g, v in full_goals.items()), "the truth is among the candidates"
    assert sorted(full_goals["G12"]) == [5, 6], "the goal ranks of the withheld lines narrowed G12 to two values"


# The Monte Carlo of "How sure is the ranking?" scores the true interview counts with a
# published seed and number of runs: rerunning it for every split of 02's hidden total
# (then G03 + G05 + G12 = 14) matched the published rank_uncertainty and place_shares for the
# true split (4, 4, 6) alone. G11's 24 statements are withheld with them now. None of it is published while any count is withheld.
MONTE_CARLO = {
    "06_focus_areas_session": ("rank_uncertainty", "settled_places", "place_shares", "sensitivity", "sobol_indices", "sensitivity_by_option", "top_sets"),
    "08_pra_overall": ("focus_area_rank_uncertainty", "focus_area_settled_places", "focus_area_place_shares", "focus_area_sobol_indices", "focus_area_sensitivity"),
}
MONTE_CARLO_FIGURES = ("rank_distribution", "sensitivity")


@pytest.mark.parametrize("report", REPORTS)
def test_no_monte_carlo_output_while_interview_evidence_is_withheld(sample_reports_en, report):
    """No table, figure or finding of the Monte Carlo is published while the evidence
    matrix withholds an interview count, and the report says why in one sentence."""
    import gettext

    import pra_lib
    from pra_lib.publishing.i18n import english

    catalogue = gettext.translation("pra", Path(pra_lib.__file__).parent / "locale", languages=["en"])  # the sentences' raw templates

    folder = sample_reports_en / ASSESSMENT_ID / report
    evidence = _csv(sample_reports_en, report, "evidence_matrix")
    assert evidence["interview_withheld"].eq("True").sum() == 5, "FA1, FA2, FA3, FA5 and FA7 withhold their statements"
    assert not fa.uncertainty_publishable(evidence)
    written = {p.stem for p in (folder / "tables").glob("*.csv")}
    assert "evidence_matrix" in written and not written & set(MONTE_CARLO[report]), sorted(written & set(MONTE_CARLO[report]))
    declared = set(json.loads((folder / "tables" / "_tables.json").read_text(encoding="utf-8"))["tables"])
    assert not declared & set(MONTE_CARLO[report]), sorted(declared & set(MONTE_CARLO[report]))
    figures = {p.stem for p in (folder / "figures").glob("*")}
    assert "evidence_heatmap" in figures and not figures & set(MONTE_CARLO_FIGURES), sorted(figures)
    page = (folder / f"{report}.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S))))
    assert english("synthesis.uncertainty_withheld") in text
    # the findings (and 08's executive summary) quote nothing of the runs: no sentence that
    # does, whatever its numbers, is in the page
    for key in ("synthesis.find.uncertainty_first", "synthesis.find.uncertainty_open", "synthesis.find.sobol", "synthesis.find.sensitivity",
                "synthesis.exec.fill", "synthesis.exec.fa_uncertainty"):
        template = re.sub(r"\s+", " ", catalogue.gettext(key).replace("*", "")).strip()
        assert template != key, f"{key} has no English text"
        pattern = r".{0,300}?".join(re.escape(part) for part in re.split(r"\{[^}]*\}", template))
        assert not re.search(pattern, text), (key, re.search(pattern, text).group(0)[:200])


def test_uncertainty_publishable_only_when_no_interview_count_is_withheld(sample):
    """The decision behind the test above, on the sample and on a table read back from CSV."""
    matrix = fa.evidence_matrix(sample)
    rows = fa.rows_of_hidden_interview_evidence(matrix, sample, min_cell_size=5)
    assert not fa.uncertainty_publishable(fa.withhold_interview_evidence(matrix, rows=rows))
    assert fa.uncertainty_publishable(fa.withhold_interview_evidence(matrix, rows=np.zeros(len(matrix), dtype=bool)))
    # a flag read back as text decides alike
    text = pd.DataFrame({"focus_area_id": ["FA1", "FA2"], "interview_withheld": ["False", "True"]})
    assert not fa.uncertainty_publishable(text) and fa.uncertainty_publishable(text.assign(interview_withheld="False"))
    with pytest.raises(KeyError, match="interview_withheld"):
        fa.uncertainty_publishable(matrix)


# ---------------------------------------------------------------------------
# A whole goal answered alike (06, 08 take the questionnaire report's decision)
# ---------------------------------------------------------------------------

ALIKE = "G01"
# Everything computed from a goal's answers: withheld with a goal (almost) everyone answered alike.
ANSWER_STATISTICS = ("mean", "median", "ci_low", "ci_high", "share_positive", "share_neutral", "share_negative", "mean_performance",
                     "perception_weakness", "action_gap", "need", "need_norm", "gap_score", "gap_rank", "is_gap", "score", "rank",
                     "norm_perception_weakness", "norm_action_gap", "value")


def _copy_of_sample(folder: Path) -> Path:
    import shutil

    shutil.copytree(SAMPLE, folder)
    return folder


def _run(folder: Path, out: Path, only: list[str]) -> Path:
    from pra_lib.runner import run_reports

    # fewer Monte Carlo runs and resamples: these tests read what is withheld, not how sure it is
    summary = run_reports([folder], out=out, only=only, parameters={"n_runs": 200, "n_resamples": 200}, progress=lambda line: None)
    assert summary.ok, [f"{r.notebook}: {r.error}" for r in summary.failed]
    return out


def _page_text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S))))


@pytest.fixture(scope="module")
def alike(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the sample where every questionnaire respondent rated G01 "poor" (as
    tests/test_score_disclosure.py builds it), with 06 and 08 run on it."""
    root = tmp_path_factory.mktemp("alike")
    folder = _copy_of_sample(root / "alike")
    ratings = pd.read_csv(folder / "perception_ratings.csv", dtype=str, keep_default_na=False)
    rows = ratings["activity_id"].eq("questionnaire") & ratings["goal_id"].eq(ALIKE) & ratings["aspect"].eq("performance")
    ratings.loc[rows, "rating"] = "buruk"
    ratings.to_csv(folder / "perception_ratings.csv", index=False)
    return folder, _run(folder, root / "out", list(REPORTS))


def test_the_focus_areas_take_the_questionnaire_reports_decision(alike):
    """One decision: 01 withholds a goal by withheld_groups over its answers per category
    with the goal as the cell; published_goal_scores makes that very call, so 06 and 08
    withhold the goals 01 withholds, and the run's goal scores say so."""
    from pra_lib.publishing.score_disclosure import withheld_groups

    folder, out = alike
    data = load_assessment(folder, errors="collect")
    survey = perception.ratings_frame(data, activity_id="questionnaire", aspect="performance")  # as notebook 01
    decided = withheld_groups(perception.likert_counts(survey), cells=["goal_id"], min_cell_size=5)
    assert decided.loc[decided["answers_withheld"], "goal_id"].tolist() == [ALIKE]
    scores = fa.published_goal_scores(data, min_cell_size=5)
    assert scores.loc[scores["answers_withheld"], "goal_id"].tolist() == [ALIKE]
    published = _csv(out, "08_pra_overall", "goal_scores").set_index("goal_id")
    assert published["answers_withheld"].eq("True").to_dict() == {g: g == ALIKE for g in published.index}
    assert published.loc[ALIKE, "n"] == "600", "the goal keeps its n"
    # the sample itself has no goal answered alike: nothing is withheld there
    assert not fa.published_goal_scores(load_assessment(SAMPLE, errors="collect"), min_cell_size=5)["answers_withheld"].any()


@pytest.mark.parametrize("report", REPORTS)
def test_no_table_publishes_a_statistic_of_a_goal_answered_alike(alike, report):
    """Every CSV of 06 and 08: a row of G01 (a goal row, or the trail's goal entry) has no
    mean, share, weakness, gap, need, score or rank, and is flagged answers_withheld; no
    other goal row is flagged. Its n stays."""
    _, out = alike
    checked = set()
    for path in sorted((out / ASSESSMENT_ID / report / "tables").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "goal_id" in frame:
            mine = frame["goal_id"].eq(ALIKE)
        elif {"kind", "item_id"} <= set(frame.columns):
            mine = frame["kind"].eq("goal") & frame["item_id"].eq(ALIKE)
        else:
            continue
        if not mine.any():
            continue
        columns = [c for c in ANSWER_STATISTICS if c in frame]
        leaked = frame.loc[mine, columns]
        assert leaked.eq("").all().all(), f"{report}/{path.name}: {leaked.to_dict('records')}"
        if columns:
            assert "answers_withheld" in frame, f"{report}/{path.name}: withheld values without the flag"
            assert frame.loc[mine, "answers_withheld"].eq("True").all() and not frame.loc[~mine, "answers_withheld"].eq("True").any(), path.name
            checked.add(path.stem)
    expected = {"goal_evidence", "goal_ranking", "evidence_trail"} if report.startswith("06") else {"goal_scores", "action_gaps_by_goal", "evidence_trail"}
    assert checked == expected, checked
    trail = _csv(out, report, "evidence_trail")
    assert trail.loc[trail["item_id"].eq(ALIKE), "n"].eq("600.0").all(), "the trail keeps the goal's raters"


@pytest.mark.parametrize("report", REPORTS)
def test_a_focus_area_holding_the_goal_rests_on_its_other_goals_only(alike, report):
    """FA3 covers G01 and G08: its mean performance is G08's alone, G01 is named as left
    out, and the published value is not the one with G01 (everyone rated it 2)."""
    _, out = alike
    matrix = _csv(out, report, "evidence_matrix").set_index("focus_area_id")
    goals = _csv(out, "06_focus_areas_session", "goal_evidence").set_index("goal_id")
    g08 = float(goals.loc["G08", "mean_performance"])
    assert matrix.loc["FA3", "goals"].split() == ["G01", "G08"] and "G01" in matrix.loc["FA3", "dropped"].split()
    assert float(matrix.loc["FA3", "mean_performance"]) == pytest.approx(g08, abs=1e-4)
    assert float(matrix.loc["FA3", "mean_performance"]) != pytest.approx((2.0 + g08) / 2, abs=1e-3)
    # its perception evidence is not empty (G08 is published), so the row is not flagged
    assert matrix.loc["FA3", "answers_withheld"] == "False"


def test_a_goal_answered_alike_has_no_rank(alike):
    """goal_ranking: G01 has no rank or score; the published goals are ranked 1 .. m among
    themselves and the unranked rows follow them."""
    _, out = alike
    ranking = _csv(out, "06_focus_areas_session", "goal_ranking")
    row = ranking[ranking["goal_id"].eq(ALIKE)].iloc[0]
    assert (row["rank"], row["score"], row["answers_withheld"]) == ("", "", "True")
    ranks = [_number(v) for v in ranking["rank"]]
    shown = [r for r in ranks if r is not None]
    # ranked 1 .. m without a gap where G01 stood (the rows withheld for interview lines are unranked too where scores are published)
    assert sorted(shown) == list(range(1, len(shown) + 1)) and len(shown) >= 1, shown
    assert ranks[: len(shown)] == sorted(shown), "the ranked rows come first"
    unranked = ranking.loc[ranking["rank"].eq(""), "goal_id"]
    assert ALIKE in set(unranked) and unranked.tolist()[-1:] != [] and ranking["rank"].eq("").sum() == len(ranking) - len(shown)


@pytest.mark.parametrize("report", REPORTS)
def test_the_html_shows_the_goal_as_suppressed_and_the_findings_quote_it_not(alike, report):
    """In the page: each table row of G01 reads "suppressed" and prints no mean (2.00) or
    share (100%); the trail summary says "Meets basic needs (suppressed)"; no text gives
    the goal a value in brackets."""
    _, out = alike
    page = (out / ASSESSMENT_ID / report / f"{report}.html").read_text(encoding="utf-8")
    rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh]\b.*?</t[dh]>", r, flags=re.S)]
            for r in re.findall(r"<tr\b.*?</tr>", page, flags=re.S)]
    mine = [cells for cells in rows if "Meets basic needs" in cells]  # the goal's own rows (the HTML names goals by label)
    assert mine or report.startswith("08"), "06 shows the goal ranking"
    for cells in mine:
        assert "suppressed" in cells, cells
        assert not {"2", "2.0", "2.00", "100%", "1.00", "3.00"} & set(cells), cells
    text = _page_text(out / ASSESSMENT_ID / report / f"{report}.html")
    assert "G01 Meets basic needs (suppressed)" in text
    # a rating or share quoted for it ("(2.00)", "(100%)"); its count of actions stays ("(18 actions)")
    quoted = re.search(r"Meets basic needs \((?:mean )?\d[\d.]*%?\)", text)
    assert quoted is None, quoted.group(0)


def test_the_heatmap_tells_withheld_from_missing_in_both_languages():
    """A withheld cell and a cell with no value (a focus area covering no hazard) had the
    same grey hatching; now each has its own fill and hatch, its own word on the cell, and
    a legend entry, in English and Indonesian."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pra_lib.publishing.i18n import language, t

    matrix = pd.DataFrame({"focus_area_id": ["FA1", "FA2", "FA3"], "focus_area": ["A", "B", "C"], "selected": [True, False, True],
                           "mean_performance": [2.5, np.nan, 3.0], "perception_weakness": [2.5, np.nan, 2.0], "linked_risk": [np.nan, 20.0, 12.0],
                           "top_hazard": [None, "Flooding", "Fire"], "n_actions": [3, 4, 5], "action_gap": [0.2, 0.1, -0.1],
                           "n_weakness_statements": [pd.NA, 4, 7], "interview_salience": [np.nan, 0.2, 0.3],
                           "interview_withheld": [True, False, False], "answers_withheld": [False, True, False]})
    english_legend = None
    for lang in ("en", "id"):
        with language(lang):
            fig = fa.evidence_heatmap(matrix)
            ax = fig.axes[0]
            hatched = [p for p in ax.patches if p.get_hatch()]
            marks = {(p.get_hatch(), matplotlib.colors.to_hex(p.get_facecolor())) for p in hatched}
            assert len(hatched) == 3 and len(marks) == 2, marks  # FA1's interviews and FA2's perception withheld, FA1's risk missing
            by_mark = {m: [p.get_xy() for p in hatched if (p.get_hatch(), matplotlib.colors.to_hex(p.get_facecolor())) == m] for m in marks}
            missing = next(m for m, cells in by_mark.items() if cells == [(1, 0)])
            assert sorted(next(cells for m, cells in by_mark.items() if m != missing)) == [(0, 1), (3, 0)]
            words = [x.get_text() for x in ax.texts]
            assert words.count(t("common.suppressed")) == 2 and words.count(t("common.not_available")) == 1, words
            legend = [x.get_text() for x in ax.get_legend().get_texts()]
            assert legend == [t("synthesis.fig.heat.legend_withheld"), t("synthesis.fig.heat.legend_missing")]
            if lang == "id":
                assert legend[0].startswith("disembunyikan") and legend[1] != english_legend
            english_legend = legend[1]
            plt.close(fig)


# ---------------------------------------------------------------------------
# An assessment without the questionnaire
# ---------------------------------------------------------------------------


def _without_questionnaire(folder: Path) -> Path:
    """The sample with no questionnaire activity: not in the metadata, no participants,
    ratings or interview statements of it."""
    text = (folder / "assessment.yaml").read_text(encoding="utf-8")
    cut = re.sub(r"- id: questionnaire\n(?:  .*\n)+", "", text, count=1)
    assert cut != text
    (folder / "assessment.yaml").write_text(cut, encoding="utf-8")
    for name in ("perception_ratings", "participants"):
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        frame[frame["activity_id"].ne("questionnaire")].to_csv(folder / f"{name}.csv", index=False)
    people = set(pd.read_csv(folder / "participants.csv", dtype=str)["respondent_id"])
    statements = pd.read_csv(folder / "interview_statements.csv", dtype=str, keep_default_na=False)
    statements[statements["respondent_id"].isin(people)].to_csv(folder / "interview_statements.csv", index=False)
    return folder


def test_the_reports_run_without_a_questionnaire(tmp_path):
    """08 stopped in ratings_frame when the metadata had no questionnaire activity. Now
    06, 08 and 09 run; 08's profile and 06's evidence each say in one sentence that the
    questionnaire's ratings are absent; no goal has a score; no warning reaches a page."""
    from pra_lib.publishing.i18n import english

    folder = _without_questionnaire(_copy_of_sample(tmp_path / "noq"))
    out = _run(folder, tmp_path / "out", ["06_focus_areas_session", "08_pra_overall", "09_phase2_working_groups"])
    pages = {r: _page_text(out / ASSESSMENT_ID / r / f"{r}.html") for r in ("06_focus_areas_session", "08_pra_overall", "09_phase2_working_groups")}
    assert english("nb08.absent.profile") in pages["08_pra_overall"]
    assert english("nb06.absent.perception") in pages["06_focus_areas_session"]
    assert not any("Warning" in text or "Traceback" in text for text in pages.values())
    scores = _csv(out, "08_pra_overall", "goal_scores")
    assert len(scores) == 12 and scores["n"].eq("0").all() and scores["mean"].eq("").all()
    matrix = _csv(out, "06_focus_areas_session", "evidence_matrix")
    assert matrix["perception_weakness"].eq("").all() and matrix["linked_risk"].ne("").any(), "the other evidence stays"


def test_a_questionnaire_without_ratings_has_no_goal_scores(tmp_path):
    """The activity is in the metadata but none of its ratings are: no goal has scores or
    is withheld, the overall report's profile section is marked absent, and the evidence
    has no perception column values."""
    folder = _copy_of_sample(tmp_path / "norat")
    ratings = pd.read_csv(folder / "perception_ratings.csv", dtype=str, keep_default_na=False)
    ratings[ratings["activity_id"].ne("questionnaire")].to_csv(folder / "perception_ratings.csv", index=False)
    data = load_assessment(folder, errors="collect")
    scores = fa.published_goal_scores(data, min_cell_size=5)
    assert scores["n"].eq(0).all() and scores["mean"].isna().all() and not scores["answers_withheld"].any()
    assert not fa.collected_sections(data)["profile"]
    matrix = fa.evidence_matrix(data, goal_scores=scores)
    assert matrix["perception_weakness"].isna().all() and matrix["linked_risk"].notna().any()
