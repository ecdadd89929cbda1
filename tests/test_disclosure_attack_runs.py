"""The attack of ``test_disclosure_attack`` on real runs of generated assessments with small groups.

A generated assessment (``generate_sample``) has its people, ratings and interview
statements rewritten so that small categories fall where a seeded random generator puts
them: stakeholder groups and areas of every activity (also people with no area), workshop
tables, the interviewees' groups, the codes they raised and the goal lines those codes make,
and a group that rated a goal alike. The report notebooks that publish counts of people are
run on it by ``pra run`` itself (``pra_lib.runner.run_reports``), once per small-categories
policy, and every file they wrote is attacked as the sample run is: the linear programme
over all declared counts, the interview codes against their goal lines (in 02's code-level
tables and in the focus areas' evidence trail), the HTML text and tables, and the counts
written in the SVG figures.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .conftest import run_once
from .test_disclosure_attack import (
    _hidden,
    _number,
    attack,
    code_level_problems,
    figure_count_problems,
    html_problems,
    html_table_problems,
    html_tables,
    load_run,
    narrow,
    trail_code_counts,
)

ASSESSMENT_ID = "jakarta-2017-synthetic"
# The notebooks that publish counts of people broken down by group, area, table or code:
# overview, questionnaire, interviews, perception workshop, focus areas (evidence trail),
# seminar. 04 and 05 count hazard raters by table, 08 repeats 06's trail and 01's tables,
# 09 counts actions; they are left out to keep the run short.
NOTEBOOKS = ["00", "01", "02", "03", "06", "07"]
MIN_CELL_SIZE = 5
# Weights a category is drawn with: a weight of 0.01 or 0.03 next to 1.0 makes a small one.
WEIGHTS = np.array([0.01, 0.03, 0.1, 0.3, 1.0])


def _weights(rng: np.random.Generator, k: int) -> np.ndarray:
    """Random weights for ``k`` categories, at least one of them large."""
    w = rng.choice(WEIGHTS, size=k)
    w[rng.integers(k)] = 1.0
    return w / w.sum()


def small_groups_assessment(folder: Path, *, seed: int) -> Path:
    """A generated assessment whose categories are small where ``seed`` puts them.

    Starts from ``generate_sample(seed=seed, respondents=40)`` and rewrites, with one random
    generator seeded by ``seed``: each activity's people among stakeholder groups, areas (and
    no area) and workshop tables; the interview statements among the interviewees and among
    the (goal, hazard, valence, code) combinations the sample has, so that some codes and goal
    lines are raised by one or two interviewees; and one stakeholder group's questionnaire
    answers to one goal, all set to the same rating.
    """
    from pra_lib.assessment.sample import generate_sample

    folder = generate_sample(folder, seed=seed, respondents=40)
    rng = np.random.default_rng(seed)
    people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    groups = sorted(people["stakeholder_group"].unique())
    areas = sorted(a for a in people["area"].unique() if a)
    for activity in sorted(people["activity_id"].unique()):
        mine = people["activity_id"].eq(activity).to_numpy()
        people.loc[mine, "stakeholder_group"] = rng.choice(groups, size=int(mine.sum()), p=_weights(rng, len(groups)))
        people.loc[mine, "area"] = rng.choice(areas + [""], size=int(mine.sum()), p=_weights(rng, len(areas) + 1))
        seated = mine & people["workshop_table"].ne("").to_numpy()
        tables = sorted(people.loc[seated, "workshop_table"].unique())
        if tables:
            people.loc[seated, "workshop_table"] = rng.choice(tables, size=int(seated.sum()), p=_weights(rng, len(tables)))
    people.to_csv(folder / "participants.csv", index=False)

    statements = pd.read_csv(folder / "interview_statements.csv", dtype=str, keep_default_na=False)
    said = statements.drop_duplicates("code")[["goal_id", "hazard_id", "valence", "code", "quote"]].reset_index(drop=True)
    which = rng.choice(len(said), size=len(statements), p=_weights(rng, len(said)))
    rewritten = said.iloc[which].reset_index(drop=True)
    # Each interviewee keeps the number of statements they made; what they said is redrawn.
    rewritten.insert(0, "respondent_id", statements["respondent_id"].to_numpy())
    rewritten.insert(0, "statement_id", statements["statement_id"].to_numpy())
    rewritten[statements.columns].to_csv(folder / "interview_statements.csv", index=False)

    # One group that answered a goal alike (group disclosure: its answers are withheld).
    ratings = pd.read_csv(folder / "perception_ratings.csv", dtype=str, keep_default_na=False)
    surveyed = people[people["activity_id"].eq("questionnaire") & people["channel"].ne("interview")]
    group = rng.choice(sorted(surveyed["stakeholder_group"].unique()))
    goal = rng.choice(sorted(ratings["goal_id"].unique()))
    alike = ratings["respondent_id"].isin(surveyed.loc[surveyed["stakeholder_group"].eq(group), "respondent_id"]) & ratings["goal_id"].eq(goal)
    ratings.loc[alike & ratings["aspect"].eq("performance"), "rating"] = "2"
    ratings.to_csv(folder / "perception_ratings.csv", index=False)
    return folder


# The runs: (small-categories policy, seed) -> notebooks. Merging changes the categories of
# 00, 01, 03 and 07; the interviewees' small groups are hidden, never merged, under either
# policy, so 02 and 06 are run with suppress. Seed 29 hides every goal line of 02 (four of
# its interviewee groups are small), seed 28 some of them, among them one of two codes
# (G11 as a weakness), with the evidence trail still publishing codes of other lines.
RUNS = {
    ("suppress", 29): NOTEBOOKS,
    ("merge", 29): ["00", "01", "03", "07"],
    ("suppress", 28): ["02", "06"],
}


def generated_reports(tmp_path_factory, *, seed: int, policy: str, notebooks: list[str], figure_formats: str = "png,svg") -> Path:
    """Output root of ``notebooks`` run by ``run_reports`` on ``small_groups_assessment(seed)``
    with ``--small-categories policy``; the assessment is beside it (``../assessment``).

    Run once for the whole test session, also when pytest-xdist spreads the tests over
    workers (``conftest.run_once``): every test module that asks for the same seed and
    options reads the one run.
    """
    name = f"small-groups-{seed}-{policy}-{'-'.join(notebooks)}-{figure_formats.replace(',', '-')}"
    return run_once(tmp_path_factory, name, lambda folder: small_groups_assessment(folder, seed=seed), only=list(notebooks),
                    min_cell_size=MIN_CELL_SIZE, parameters={"small_categories": policy, "figure_formats": figure_formats})


def _generated_run(policy: str, seed: int, tmp_path_factory) -> Path:
    """The report folder of the notebooks of ``RUNS[policy, seed]`` run on the generated
    assessment of ``seed`` (:func:`generated_reports`)."""
    return generated_reports(tmp_path_factory, seed=seed, policy=policy, notebooks=RUNS[policy, seed]) / ASSESSMENT_ID


@pytest.fixture(scope="module")
def generated_run(request, tmp_path_factory) -> tuple[str, int, Path]:
    """(policy, seed, report folder) of the run a test is parametrized with (indirect)."""
    policy, seed = request.param
    return policy, seed, _generated_run(policy, seed, tmp_path_factory)


def _ids(run: tuple) -> str:
    return f"{run[0]}-seed{run[1]}"


ATTACKED = sorted(RUNS)


@pytest.fixture(scope="module")
def suppressed_run(tmp_path_factory) -> Path:
    """The report folder of the whole generated run of seed 29 with ``--small-categories suppress``."""
    return _generated_run("suppress", 29, tmp_path_factory)


@pytest.fixture(scope="module")
def interview_run(tmp_path_factory) -> Path:
    """The report folder of 02 and 06 run on the generated assessment of seed 28."""
    return _generated_run("suppress", 28, tmp_path_factory)


@pytest.mark.parametrize("generated_run", ATTACKED, ids=_ids, indirect=True)
def test_a_generated_run_with_small_groups_resists_the_attack(generated_run):
    """Issue 11, item 3: the attack of the sample run, on every table the real notebooks wrote
    for a generated assessment with small groups, areas, tables and codes in random places:
    declarations, consistency across tables, shares, and the linear programme over all the
    declared counts of each activity, then the interview codes against their goal lines."""
    from .test_disclosure_attack import undeclared_counts

    policy, seed, folder = generated_run
    tables = load_run(folder)
    assert {t["report"][:2] for t in tables} == set(RUNS[policy, seed]), "every report of the run is read"
    assert {(p.parent.parent.name, p.stem) for p in folder.glob("*/tables/*.csv")} == {(t["report"], t["name"]) for t in tables}
    assert [p for t in tables for p in undeclared_counts(t)] == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        problems, ranges = attack(tables)
    assert problems == [], "\n".join(problems[:40])
    exposed = narrow(ranges, MIN_CELL_SIZE, tables)
    assert exposed.empty, exposed.to_string()
    # The assessment puts small categories where suppression or merging has work to do.
    hidden = sum(int(_hidden(t["frame"]).sum()) for t in tables if t.get("measure"))
    assert len(ranges) >= 20 and hidden >= 20, (len(ranges), hidden)
    if policy == "merge":
        assert any(t["frame"].apply(lambda c: c.str.startswith("other")).any().any() for t in tables), "small categories were merged"
    assert code_level_problems(tables, ranges, MIN_CELL_SIZE) == []


@pytest.mark.parametrize("generated_run", sorted(RUNS), ids=_ids, indirect=True)
def test_the_html_and_figures_of_a_generated_run_publish_no_hidden_count(generated_run):
    """The reports' HTML text and tables, parsed as a scraper would, and the counts written in
    the SVG figures, of every generated run."""
    _, _, folder = generated_run
    assert html_problems(folder, MIN_CELL_SIZE) == []
    assert html_table_problems(folder) == []
    assert sum("n" in t["header"] for page in folder.glob("*/*.html") for t in html_tables(page)) >= 2, "the reports' tables were read"
    assert list(folder.glob("*/figures/*.svg")), "the run writes SVG figures"
    assert figure_count_problems(folder, MIN_CELL_SIZE) == []


def test_the_evidence_trail_of_a_generated_run_is_read_against_the_interview_report(interview_run):
    """Issue 11: the focus areas' evidence trail counts interviewees per code again. On the
    generated run, 02 hides goal lines, among them one of several codes, and the trail still
    publishes codes of other lines: the attack reads both and finds no hidden line narrowed."""
    tables = load_run(interview_run)
    _, ranges = attack(tables)
    assert code_level_problems(tables, ranges, MIN_CELL_SIZE) == []
    by_name = {(t["report"], t["name"]): t["frame"] for t in tables}
    goals, codes = by_name[("02_interviews", "statements_by_goal")], by_name[("02_interviews", "codes")]
    hidden = goals.loc[_hidden(goals), ["goal_id", "valence"]]
    assert 0 < len(hidden) < len(goals), "some goal lines are hidden and some published"
    counts = trail_code_counts(tables, codes)
    assert any(c["complete"] for c in counts), "the trail publishes whole counts of codes on their focus areas' goals"
    trail = by_name[("06_focus_areas_session", "evidence_trail")]
    hidden_lines = set(map(tuple, hidden.values.tolist()))
    line_of = codes.groupby("code").apply(lambda f: set(zip(f["goal_id"], f["valence"])), include_groups=False).to_dict()
    shown = trail[trail["kind"].eq("interview code") & ~_hidden(trail)]
    assert not any(line_of.get(code, set()) & hidden_lines for code in shown["item"]), "no code of a hidden line is published in the trail"


def weighting_problems(tables: list[dict]) -> list[str]:
    """Hidden areas of the weighting margins whose number of respondents their weighted share gives back.

    Raking with trimming clips each weight to [mean / cap, mean * cap], and the weights have a
    mean of 1 over the ``n`` respondents of ``design_effect``, which publishes ``n`` and the
    cap (``trim_cap``). An area whose weighted share stays below its population share was
    held back by the cap: each of its respondents weighs ``cap``, so its weighted share is
    ``k * cap / n`` and gives its ``k`` respondents back (above its population share: each
    weighs ``1 / cap``, ``k = share * n * cap``). A hidden row for which this ``k`` is a whole
    number of people fails.
    """
    frames = {t["name"]: t["frame"] for t in tables if t["report"] == "01_questionnaire"}
    if "weighting_margins" not in frames or "design_effect" not in frames:
        return []
    design = frames["design_effect"].set_index("method")
    problems = []
    margins = frames["weighting_margins"]
    for i, row in margins[_hidden(margins)].iterrows():
        share, target = _number(row["weighted_share"]), _number(row["population_share"])
        n = _number(design.at[row["method"], "n"]) if row["method"] in design.index else None
        cap = _number(design.at[row["method"], "trim_cap"]) if row["method"] in design.index else None
        if None in (share, target, n, cap) or abs(share - target) < 1e-6:
            continue
        k = share * n / cap if share < target else share * n * cap
        if k > 0.5 and abs(k - round(k)) < 1e-3:
            problems.append(f"01_questionnaire/weighting_margins row {i + 2}: {row['variable']} {row['category']} is hidden, "
                            f"but its weighted share {share:g} with n = {n:g} and trim_cap = {cap:g} gives back {round(k)} respondent(s)")
    return problems


def test_the_weighting_margins_of_a_generated_run_give_back_no_hidden_area(suppressed_run):
    tables = load_run(suppressed_run)
    margins = next(t["frame"] for t in tables if t["name"] == "weighting_margins")
    assert _hidden(margins).any(), "the run hides areas in the weighting margins"
    assert weighting_problems(tables) == []


def test_the_counts_a_generated_run_declares_agree_with_each_other(suppressed_run):
    """As published, without taking the design effect's n apart: every hidden count has a
    value that fits all the declared counts (the linear programme is feasible)."""
    tables = load_run(suppressed_run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _, ranges = attack(tables)
    assert len(ranges) and ranges["feasible"].all(), ranges.loc[~ranges["feasible"], ["measure", "activity_id"]].drop_duplicates().to_string()


def test_the_weighting_check_reads_a_capped_area_back():
    """A planted pair of tables: 1 respondent in a capped area of 26 weighted, cap 5."""
    design = pd.DataFrame({"method": ["raking"], "n": ["26"], "trim_cap": ["5.0"], "suppressed": ["False"]})
    margins = pd.DataFrame({"method": ["raking"] * 2, "variable": ["area"] * 2, "category": ["north", "south"], "n": ["", "25"],
                            "population_share": ["0.24", "0.76"], "weighted_share": ["0.192308", "0.807692"], "suppressed": ["True", "False"]})
    tables = [{"report": "01_questionnaire", "name": name, "frame": frame} for name, frame in (("design_effect", design), ("weighting_margins", margins))]
    found = weighting_problems(tables)
    assert len(found) == 1 and "north" in found[0] and "gives back 1 respondent" in found[0]
    margins.loc[0, "weighted_share"] = "0.24"  # met its target: the cap did not bind
    assert weighting_problems(tables) == []


# --- The same attack, table by table: many random placements, cheaply -----------------------
# The overview, questionnaire and interview tables published with the library calls the
# notebooks make, for many placements of small areas, groups and tables drawn by hypothesis;
# the runs above read what the notebooks themselves write, for a few seeds.

_GENERATED: dict = {}


def _generated(seed: int, tmp_root: Path):
    """A small generated assessment (loaded once per seed)."""
    from pra_lib.assessment.loading import load_assessment
    from pra_lib.assessment.sample import generate_sample

    if seed not in _GENERATED:
        folder = generate_sample(tmp_root / f"sample-{seed}", seed=seed, respondents=40)
        _GENERATED[seed] = load_assessment(folder, errors="collect")
    return _GENERATED[seed]


def _reshuffled(assessment, areas_p, groups_p, seed):
    """The questionnaire's people moved among areas and groups with the given weights, so
    that small categories fall wherever the weights put them."""
    from dataclasses import replace

    rng = np.random.default_rng(seed)
    people = assessment.participants.copy()
    mine = people["activity_id"] == "questionnaire"
    areas = list(assessment.metadata.areas["area"])
    groups = list(assessment.metadata.stakeholder_groups["stakeholder_group"])
    # One more choice than there are areas: no area (a city-wide role), also small at times.
    choices = np.asarray(areas + [None], dtype=object)
    people.loc[mine, "area"] = rng.choice(choices, size=int(mine.sum()), p=np.asarray(areas_p[: len(choices)]) / sum(areas_p[: len(choices)]))
    people.loc[mine, "stakeholder_group"] = rng.choice(groups, size=int(mine.sum()), p=np.asarray(groups_p[: len(groups)]) / sum(groups_p[: len(groups)]))
    # The perception workshop's tables too, by the area weights.
    workshop = people["activity_id"] == "perception_workshop"
    tables = sorted(people.loc[workshop, "workshop_table"].dropna().unique())
    if tables:
        w = np.asarray((areas_p * 2)[: len(tables)])
        people["workshop_table"] = people["workshop_table"].astype(object)
        people.loc[workshop, "workshop_table"] = rng.choice(tables, size=int(workshop.sum()), p=w / w.sum())
    return replace(assessment, tables={**assessment.tables, "participants": people})


def publish_questionnaire_tables(assessment, out: Path, *, small_categories: str, min_cell_size: int = 5) -> Path:
    """The overview and questionnaire tables a run publishes, written as the notebooks write them."""
    from pra_lib import overview, perception
    from pra_lib.interviews.statements import publish_interviewees
    from pra_lib.publishing.disclosure import interviewees, protect_distributions
    from pra_lib.publishing.report import Report

    root = out / "generated"
    over = Report(root / "00_data_overview", min_cell_size=min_cell_size, small_categories=small_categories, assessment=assessment)
    data = over.assessment
    over.table(overview.activities(data), "activities", dims=["activity_id"], measure="people")
    interview_table = publish_interviewees(over, data, activity_id="questionnaire", dry_run=True)
    counts = overview.participation(data)
    over.table(counts, "participation", dims=["activity_id", "stakeholder_group"], measure="people", margins=["stakeholder_group"],
               hidden_with=overview.hidden_with_interviewees(counts, plan=over.plan, interview_table=interview_table))
    over.table(overview.areas(data, activity_id="questionnaire", channels=overview.SURVEY_CHANNELS), "areas", dims=["area"], activity_id="questionnaire",
               measure="survey_respondents", columns=["share_of_respondents"])
    q = Report(root / "01_questionnaire", min_cell_size=min_cell_size, small_categories=small_categories, assessment=assessment, activity_id="questionnaire")
    survey = perception.ratings_frame(q.assessment, activity_id="questionnaire", aspect="performance")
    boot = dict(n_resamples=20, seed=1)
    dont_know = {"n_dont_know": "goal_dont_know"}
    answers = {"goal_id": "goal_id", "category": "category"}
    q.table(perception.scores(survey, **boot), "goal_scores", dims=["goal_id"], measure="goal_raters", other_counts=dont_know)
    q.table(perception.scores(survey, by="stakeholder_group", **boot), "scores_by_group", dims=["goal_id", "stakeholder_group"], measure="goal_raters", other_counts=dont_know)
    q.table(perception.scores(survey, by="area", **boot), "scores_by_area", dims=["goal_id", "area"], measure="goal_raters", other_counts=dont_know)
    q.table(protect_distributions(perception.likert_counts(survey), cells=["goal_id"], min_cell_size=min_cell_size), "answers_per_goal", dims=["goal_id"],
            measure="goal_raters", other_counts={"count": {"measure": "goal_answers", "dims": answers}})
    q.table(protect_distributions(perception.likert_counts(survey, by="stakeholder_group"), cells=["goal_id", "stakeholder_group"], within=["goal_id"], min_cell_size=min_cell_size),
            "answers_per_goal_by_group", dims=["goal_id", "stakeholder_group"], measure="goal_raters",
            other_counts={"count": {"measure": "goal_answers", "dims": {**answers, "stakeholder_group": "stakeholder_group"}}})
    # The interviewees (the questionnaire's interview channel) by group, planned on their own.
    i = Report(root / "02_interviews", min_cell_size=min_cell_size, small_categories=small_categories, assessment=assessment, activity_id="questionnaire")
    talked, none = interviewees("questionnaire"), {"n_statements": None}
    by_goal = perception.interview_codes(i.assessment, level="goal", activity_id="questionnaire")
    by_goal_and_group = perception.interview_codes(i.assessment, level="goal", by="stakeholder_group", activity_id="questionnaire")
    goal_dims = {"statements_by_goal": ["goal_id", "valence"], "statements_by_goal_and_group": ["goal_id", "valence", "stakeholder_group"]}
    i.link_tables({"statements_by_goal": by_goal, "statements_by_goal_and_group": by_goal_and_group}, dims=goal_dims, measure="interviewees_by_goal", activity_id=talked)
    i.table(by_goal, "statements_by_goal", activity_id=talked, dims=goal_dims["statements_by_goal"], measure="interviewees_by_goal", other_counts=none)
    publish_interviewees(i, i.assessment, activity_id="questionnaire")  # after the goal lines are published (their suppression chosen), as 02 publishes it
    i.table(by_goal_and_group, "statements_by_goal_and_group", activity_id=talked, dims=goal_dims["statements_by_goal_and_group"], measure="interviewees_by_goal", other_counts=none)
    w = Report(root / "03_city_perception_workshop", min_cell_size=min_cell_size, small_categories=small_categories, assessment=assessment, activity_id="perception_workshop")
    workshop = perception.ratings_frame(w.assessment, activity_id="perception_workshop", aspect="performance")
    w.table(perception.respondents(workshop, by="workshop_table"), "participants_by_table", dims=["workshop_table"], measure="people", other_counts={"n_rated": "raters"})
    w.table(perception.scores(workshop, **boot), "goal_scores", dims=["goal_id"], measure="goal_raters", other_counts=dont_know)
    w.table(perception.scores(workshop, by="workshop_table", **boot), "scores_by_table", dims=["goal_id", "workshop_table"], measure="goal_raters", other_counts=dont_know)
    return root


weights = st.lists(st.sampled_from([0.01, 0.03, 0.1, 0.3, 1.0]), min_size=8, max_size=8)  # areas (and no area), groups, tables


@settings(max_examples=4, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.sampled_from([3, 11]), areas_p=weights, groups_p=weights, policy=st.sampled_from(["suppress", "merge"]))
def test_generated_assessments_with_small_groups_resist_the_attack(tmp_path_factory, seed, areas_p, groups_p, policy):
    import warnings

    assessment = _reshuffled(_generated(seed, tmp_path_factory.getbasetemp()), areas_p, groups_p, seed)
    out = tmp_path_factory.mktemp("generated")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few answers per cell: degenerate intervals warn
        root = publish_questionnaire_tables(assessment, out, small_categories=policy)
    tables = load_run(root)
    problems, ranges = attack(tables)
    assert problems == [], "\n".join(problems[:20])
    exposed = narrow(ranges, 5, tables)
    # No exception: a goal line of the interviewees by group whose every cell is hidden has
    # its total hidden in the table by goal too (the run links the two tables).
    assert exposed.empty, exposed.to_string()
