"""Attack the data overview (00) together with every other report that counts the same people.

The overview counts each activity's participants by stakeholder group (``participation``),
by channel (``channels``), in all (``activities``) and, for the questionnaire, by area
(``areas``). The questionnaire's participants are its survey respondents (01 counts them by
group and channel: ``respondents``; by area in its weighting margins) and its interviewees
(02 counts them by group: ``interviewees``, with their total). A reader holding 00, 01 and
02 therefore holds three equations per group and channel:

    00 participation(questionnaire, group) = 01 respondents(group, online)
                                           + 01 respondents(group, offline)
                                           + 02 interviewees(group)
    00 channels(questionnaire, online / offline) = sum over groups of 01 respondents
    00 channels(questionnaire, interview) = 02 interviewees (all) = sum over groups
    00 activities(questionnaire) = its groups = its channels = its areas
    00 areas(area) = 01 weighting margins(area) + interviewees living there (never published)

The other workshops' reports count their participants by group and table (03: measure
``people`` of the same activity); those links are the attack of ``test_disclosure_attack``,
run here on the same tables.

What it does: for every hidden count of these tables, and for every count the equations
make derivable although no table publishes it (the interviewees of an area), the lowest and
highest value it can take given everything published, by linear programming
(``scipy.optimize.linprog``, HiGHS), as ``test_disclosure_attack`` does within one measure.
A hidden count must keep an interval of at least ``min_cell_size`` (README, "Disclosure
control"); it is taken to be at least 1 (its row is published because someone is in it). A
derived count may be 0; it fails when the attacker knows it holds someone (lowest >= 1), it
is below ``min_cell_size`` and its interval is narrower than ``min_cell_size``.

Counts of other people of a group (a goal's raters in 01 or 03, a focus area's voters in
07) are at most the group's participants in 00: ``group_size_problems`` cuts the attack of
the whole run's interval of each such hidden count at that size. The overview's opening
paragraph and its completeness table are checked against the channels and areas they could
give back.

What it does not do: link those other counts to each other across measures (a goal's raters
to the respondents of 01, lower bounds from 00's counts), or read 04, 05 and 07, whose
counts by workshop table or group are of raters and voters only (their generated runs are
``test_disclosure_attack_runs``'s).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .test_disclosure_attack import ASSESSMENT_ID, POOLED, _hidden, _number, attack, load_run, narrow
from .test_disclosure_attack_runs import MIN_CELL_SIZE, generated_reports

QUESTIONNAIRE = "questionnaire"
SURVEY_CHANNELS = ("online", "offline")
INTERVIEW = "interview"
CITYWIDE = "(city-wide)"


class Cells:
    """The counts a reader holds: published values, hidden counts and derived unknowns."""

    def __init__(self):
        self.value: dict = {}  # key -> published number, or None (unknown)
        self.where: dict = {}  # key -> "report/table row"
        self.counted: set = set()  # hidden counts a table rests on: at least 1
        self.equations: list = []  # (terms, constant): sum(sign * cell) = constant
        self.problems: list[str] = []
        self.shared: set = set()  # keys published by two tables

    def add(self, key, value, where: str, *, counted: bool = True) -> None:
        if key in self.value:
            self.shared.add(key)
            known = self.value[key]
            if (known is None) != (value is None):
                self.problems.append(f"{key}: hidden in {self.where[key] if known is None else where} but published in {where if known is None else self.where[key]}")
            elif known is not None and abs(known - value) > 0.5:
                self.problems.append(f"{key}: {known} in {self.where[key]} but {value} in {where}")
            return
        self.value[key], self.where[key] = value, where
        if value is None and counted:
            self.counted.add(key)

    def unknown(self, key, where: str) -> None:
        """A count no table publishes that the equations may give back (at least 0)."""
        if key not in self.value:
            self.value[key], self.where[key] = None, where

    def equal(self, left, right: list) -> None:
        """``left`` (a key) is the sum of ``right`` (keys); keys absent from every table are left out."""
        if left in self.value and all(k in self.value for k in right):
            self.equations.append(([(1, left)] + [(-1, k) for k in right], 0.0))

    def ranges(self) -> pd.DataFrame:
        """Lowest and highest value of every unknown count over all the equations at once."""
        from scipy.optimize import linprog

        unknown = [k for k, v in self.value.items() if v is None]
        rows = []
        if not unknown:
            return pd.DataFrame(columns=["cell", "where", "counted", "lowest", "highest", "feasible"])
        col = {k: j for j, k in enumerate(unknown)}
        a_eq, b_eq = [], []
        for terms, constant in self.equations:
            row, rhs = np.zeros(len(unknown)), constant
            for sign, key in terms:
                if self.value[key] is None:
                    row[col[key]] += sign
                else:
                    rhs -= sign * self.value[key]
            if row.any():
                a_eq.append(row), b_eq.append(rhs)
            elif abs(rhs) > 0.5:
                self.problems.append(f"the published counts disagree: {terms} = {constant} is off by {rhs:g}")
        bounds = [(1 if k in self.counted else 0, None) for k in unknown]
        kwargs = dict(A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None, bounds=bounds, method="highs")
        for k in unknown:
            c = np.zeros(len(unknown))
            c[col[k]] = 1
            low, high = linprog(c, **kwargs), linprog(-c, **kwargs)
            rows.append({"cell": k, "where": self.where[k], "counted": k in self.counted, "lowest": low.fun if low.status == 0 else math.nan,
                         "highest": -high.fun if high.status == 0 else math.inf, "feasible": low.status != 2})
        return pd.DataFrame(rows)


def _table(tables: list[dict], report: str, name: str) -> dict | None:
    return next((t for t in tables if t["report"].startswith(report) and t["name"] == name), None)


def _rows(table: dict | None):
    """(row number, row, published count or None) of a declared table."""
    if table is None:
        return
    frame = table["frame"]
    hidden = _hidden(frame)
    for i in range(len(frame)):
        yield i, frame.iloc[i], None if hidden.iloc[i] else _number(frame.iloc[i][table["count"]])


def questionnaire_cells(tables: list[dict], *, activity_id: str = QUESTIONNAIRE) -> Cells:
    """The questionnaire's counts published by 00, 01 and 02, with the equations that tie them."""
    cells = Cells()
    where = lambda t, i: f"{t['report']}/{t['name']} row {i + 2}"  # noqa: E731
    participation, channels, activities = (_table(tables, "00", n) for n in ("participation", "channels", "activities"))
    areas = _table(tables, "00", "areas")
    for t in (participation, channels, activities):
        for i, row, value in _rows(t):
            if row["activity_id"] != activity_id:
                continue
            key = ("people",) + ((row["stakeholder_group"],) if t is participation else (("channel", row["channel"]),) if t is channels else ())
            cells.add(key, value, where(t, i))
    if areas is not None and areas.get("activity_id") == activity_id:
        # Everyone of the questionnaire by area (measure people), or its survey respondents only.
        whose = "people" if areas["measure"] == "people" else "survey"
        for i, row, value in _rows(areas):
            cells.add((whose, ("area", row["area"])), value, where(areas, i))
    respondents = _table(tables, "01", "respondents")
    for i, row, value in _rows(respondents):
        cells.add(("people", row["stakeholder_group"], ("channel", row["channel"])), value, where(respondents, i))
    interviewees = _table(tables, "02", "interviewees")
    for i, row, value in _rows(interviewees):
        group = row["stakeholder_group"]
        cells.add(("people", ("channel", INTERVIEW)) if group == POOLED else ("people", group, ("channel", INTERVIEW)), value, where(interviewees, i))
    margins = _table(tables, "01", "weighting_margins")
    if margins is not None:
        frame = margins["frame"]
        first = frame["method"].iloc[0] if len(frame) else None
        for i, row, value in _rows(margins):
            if row["method"] == first and row["variable"] == "area":
                area = CITYWIDE if row["category"] == "(no value)" else row["category"]
                cells.add(("survey", ("area", area)), value, where(margins, i))

    # The equations a reader takes from the method: everyone of the questionnaire answered it
    # online, offline or in an interview, and every survey respondent is in 01's tables.
    groups = sorted({k[1] for k in cells.value if len(k) == 2 and isinstance(k[1], str)})
    channels_seen = sorted({k[-1][1] for k in cells.value if k and isinstance(k[-1], tuple) and k[-1][0] == "channel"})
    for g in groups:
        parts = [("people", g, ("channel", c)) for c in (*SURVEY_CHANNELS, INTERVIEW)]
        for p in parts:
            cells.unknown(p, f"{g} by channel (derived)")  # a group with no one in a channel has no row
        cells.equal(("people", g), parts)
    for c in channels_seen:
        for g in groups:
            cells.unknown(("people", g, ("channel", c)), f"{g} by channel (derived)")
        cells.equal(("people", ("channel", c)), [("people", g, ("channel", c)) for g in groups])
    total = ("people",)
    cells.equal(total, [("people", g) for g in groups])
    cells.equal(total, [("people", ("channel", c)) for c in channels_seen])
    area_ids = sorted(k[1][1] for k in cells.value if len(k) == 2 and k[0] == "people" and isinstance(k[1], tuple) and k[1][0] == "area")
    if area_ids:
        cells.equal(total, [("people", ("area", a)) for a in area_ids])
    survey_ids = sorted(k[1][1] for k in cells.value if len(k) == 2 and k[0] == "survey")
    if survey_ids and not area_ids:
        cells.add(("survey",), None, "survey respondents (derived)", counted=False)
        cells.equal(("survey",), [("survey", ("area", a)) for a in survey_ids])
        cells.equal(("survey",), [("people", ("channel", c)) for c in SURVEY_CHANNELS if ("people", ("channel", c)) in cells.value])
    surveyed = [a for a in area_ids if ("survey", ("area", a)) in cells.value]
    if surveyed:
        # 00's areas count everyone of the questionnaire; the weighting margins its survey
        # respondents: the difference is the interviewees of the area, published nowhere.
        for a in area_ids:
            cells.unknown(("survey", ("area", a)), f"survey respondents of {a} (derived)")
            cells.unknown(("interviewees", ("area", a)), f"interviewees of {a} (derived)")
            cells.equal(("people", ("area", a)), [("survey", ("area", a)), ("interviewees", ("area", a))])
        cells.equal(("people", ("channel", INTERVIEW)), [("interviewees", ("area", a)) for a in area_ids])
    return cells


def exposed(ranges: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Hidden counts narrower than the protection interval, and derived counts of a few people pinned down."""
    if ranges.empty:
        return ranges
    width = ranges["highest"] - ranges["lowest"]
    hidden = ranges["counted"] & (width < min_cell_size)
    derived = ~ranges["counted"] & (ranges["lowest"] >= 0.5) & (ranges["lowest"] < min_cell_size) & (width < min_cell_size)
    return ranges[~ranges["feasible"] | hidden | derived]


def cross_report_attack(folder: Path) -> tuple[list[str], pd.DataFrame, pd.DataFrame, Cells]:
    """(problems, every unknown's interval, the exposed ones, the cells read) of the run under ``folder``."""
    tables = load_run(folder)
    min_cell_size = min(t["min_cell_size"] for t in tables)
    cells = questionnaire_cells(tables)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ranges = cells.ranges()
    return cells.problems, ranges, exposed(ranges, min_cell_size), cells


# --- The bundled sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_folder(sample_reports_en) -> Path:
    return Path(sample_reports_en) / ASSESSMENT_ID


def test_the_sample_run_gives_back_no_count_of_the_questionnaire_across_reports(sample_folder):
    problems, ranges, found, cells = cross_report_attack(sample_folder)
    assert problems == [], "\n".join(problems)
    assert found.empty, found.to_string()
    assert ranges["feasible"].all()
    # The attack read the three reports: 00's groups, channels and total tied to 01's and
    # 02's groups, and 00's areas to the same survey respondents in 01's weighting margins.
    reports = {w.split("/")[0] for w in cells.where.values() if "/" in w}
    assert reports == {"00_data_overview", "01_questionnaire", "02_interviews"}, reports
    assert len(cells.equations) >= 10
    assert sum(k[0] == "survey" for k in cells.shared) >= 5, cells.shared


def test_the_sample_overview_links_its_counts_to_the_interviews(sample_folder):
    """00 declares its counts as the questionnaire's people, and the interview report's
    groups as that activity's interviewees: the reader's equations above hold as published."""
    tables = load_run(sample_folder)
    spec = {t["name"]: t for t in tables if t["report"].startswith("00")}
    assert spec["participation"]["measure"] == spec["channels"]["measure"] == spec["activities"]["measure"] == "people"
    participation = spec["participation"]["frame"]
    respondents = _table(tables, "01", "respondents")["frame"]
    interviewees = _table(tables, "02", "interviewees")["frame"]
    shown = ~_hidden(participation) & participation["activity_id"].eq(QUESTIONNAIRE)
    for _, row in participation[shown].iterrows():
        g = row["stakeholder_group"]
        survey = respondents.loc[respondents["stakeholder_group"].eq(g) & ~_hidden(respondents), "n"].astype(float).sum()
        talked = interviewees.loc[interviewees["stakeholder_group"].eq(g) & ~_hidden(interviewees), "n"].astype(float).sum()
        assert float(row["n"]) == survey + talked, (g, row["n"], survey, talked)


def _copy_run(folder: Path, into: Path) -> Path:
    """A copy of a run's declared tables (what the attacker reads), to plant a change in."""
    for declaration in folder.glob("*/tables/_tables.json"):
        target = into / declaration.parent.relative_to(folder)
        target.mkdir(parents=True, exist_ok=True)
        for f in declaration.parent.iterdir():
            (target / f.name).write_bytes(f.read_bytes())
    return into


def _as_before(folder: Path, people: pd.DataFrame) -> None:
    """Publish 00's tables as the overview did before it was linked to 01 and 02: its areas
    count everyone of the questionnaire (interviewees too), and a group whose interviewees
    the interview report hides keeps its participants published."""
    tables = folder / "00_data_overview" / "tables"
    q = people[people["activity_id"].eq(QUESTIONNAIRE)]
    participation = pd.read_csv(tables / "participation.csv", dtype=str, keep_default_na=False)
    with_interviewees = participation["activity_id"].eq(QUESTIONNAIRE) & participation["suppression"].eq("complementary")
    for i in participation.index[with_interviewees]:
        participation.loc[i, ["n", "suppressed", "suppression"]] = [str(int(q["stakeholder_group"].eq(participation.at[i, "stakeholder_group"]).sum())), "False", ""]
    participation.to_csv(tables / "participation.csv", index=False)
    areas = pd.read_csv(tables / "areas.csv", dtype=str, keep_default_na=False)
    everyone = q["area"].replace("", CITYWIDE).value_counts()
    shown = areas["suppressed"].eq("False")
    areas.loc[shown, "n"] = [str(int(everyone.get(a, 0))) for a in areas.loc[shown, "area"]]
    missing = [a for a in everyone.index if a not in set(areas["area"])]  # people with no area: none answered the survey
    extra = pd.DataFrame({"area": missing, "name": missing, "n": [str(int(everyone[a])) for a in missing], "suppressed": "False", "suppression": ""})
    areas = pd.concat([areas, extra], ignore_index=True).fillna("")
    areas.to_csv(tables / "areas.csv", index=False)
    declaration = json.loads((tables / "_tables.json").read_text())
    declaration["tables"]["areas"]["measure"] = "people"
    (tables / "_tables.json").write_text(json.dumps(declaration))


def test_the_attack_finds_the_interviewees_of_an_area_in_the_overview_as_it_was(sample_folder, tmp_path):
    """00 published everyone of the questionnaire by area, and 01 its survey respondents by
    area: on the sample the difference gave back 3, 3 and 1 interviewees of three areas."""
    from pra_lib.assessment.loading import load_assessment

    copy = _copy_run(sample_folder, tmp_path / "run")
    people = load_assessment(Path(__file__).parent.parent / "data" / "sample", errors="collect").participants.copy()
    people["area"] = people["area"].astype(object).fillna("")
    # The merged areas of the run ("other_3") are counted as the run merged them.
    plan = json.loads((copy / "00_data_overview" / "tables" / "_tables.json").read_text())["plan"]
    merged = {p["category"]: p["into"] for p in plan if p["action"] == "merged" and p["dimension"] == "area" and p["activity_id"] == QUESTIONNAIRE}
    people["area"] = people["area"].replace(merged)
    _as_before(copy, people)
    problems, ranges, found, _ = cross_report_attack(copy)
    assert problems == []
    pinned = {k[1][1]: r for k, r in zip(found["cell"], found["lowest"]) if k[0] == "interviewees"}
    assert pinned and all(0 < v < MIN_CELL_SIZE for v in pinned.values()), found.to_string()


# --- A generated assessment with small groups in random places -----------------------------
# Seed 6 of the generator of ``test_disclosure_attack_runs``: the questionnaire's private
# sector has 6 people (2 of them interviewed, hidden in 02 with two companion groups), and
# 00 published its 6 while 01 and 02 hid its parts: each part was left within [1, 4].

SEED = 6
NOTEBOOKS = ["00", "01", "02", "03"]


@pytest.fixture(scope="module")
def generated_run(tmp_path_factory) -> tuple[Path, Path]:
    """(report folder, assessment folder) of 00 to 03 run with ``--small-categories suppress``
    on the generated assessment of seed 6; run once per session, also under xdist
    (``test_disclosure_attack_runs.generated_reports``)."""
    reports = generated_reports(tmp_path_factory, seed=SEED, policy="suppress", notebooks=NOTEBOOKS, figure_formats="png")
    return reports / ASSESSMENT_ID, reports.parent / "assessment"


def test_a_generated_run_gives_back_no_count_of_the_questionnaire_across_reports(generated_run):
    folder, _ = generated_run
    problems, ranges, found, _ = cross_report_attack(folder)
    assert problems == [], "\n".join(problems)
    assert found.empty, found.to_string()
    # The run hides groups of the interviewees and of the survey: the attack has work to do.
    hidden = ranges[ranges["counted"]]
    assert {k[-1] for k in hidden["cell"] if isinstance(k[-1], tuple)} >= {("channel", "interview"), ("channel", "online")}, hidden.to_string()
    # The workshops' reports (03) against 00, and 00 against 01 within the measure they
    # share (people of an activity): the attack of the whole run finds nothing there either.
    tables = load_run(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        problems, ranges = attack(tables)
    assert [p for p in problems if "00_data_overview" in p] == []
    people = narrow(ranges, MIN_CELL_SIZE, tables)
    assert people[people["measure"].isin(["people", "survey_respondents"])].empty, people.to_string()
    assert (ranges["measure"] == "people").sum() >= 10, "00's and 03's hidden counts of people were attacked"


def test_the_overview_hides_the_participants_of_a_group_whose_interviewees_are_hidden(generated_run):
    folder, _ = generated_run
    tables = load_run(folder)
    participation = _table(tables, "00", "participation")["frame"]
    interviewees = _table(tables, "02", "interviewees")["frame"]
    hidden_groups = set(interviewees.loc[_hidden(interviewees), "stakeholder_group"])
    assert hidden_groups, "the generated run hides groups of interviewees"
    q = participation[participation["activity_id"].eq(QUESTIONNAIRE)]
    assert set(q.loc[_hidden(q), "stakeholder_group"]) == hidden_groups
    assert set(q.loc[_hidden(q), "suppression"]) == {"complementary"}
    html = (folder / "00_data_overview" / "00_data_overview.html").read_text(encoding="utf-8")
    assert "the participants of these groups are hidden" in html


def test_the_attack_finds_the_overview_as_it_was_on_the_generated_run(generated_run, tmp_path):
    """The same run with 00 published as before: the private sector's survey respondents
    and interviewees are each pinned to [1, 4]."""
    folder, assessment = generated_run
    copy = _copy_run(folder, tmp_path / "run")
    people = pd.read_csv(assessment / "participants.csv", dtype=str, keep_default_na=False)
    _as_before(copy, people)
    _, _, found, _ = cross_report_attack(copy)
    private = [k for k in found["cell"] if len(k) == 3 and k[1] == "private"]
    assert len(private) == 3, found.to_string()
    assert set(found["highest"] - found["lowest"]) and (found["highest"] - found["lowest"] < MIN_CELL_SIZE).all()


# --- The overview's own calls, on a plan that hides a channel and groups of interviewees ----


def _plan(rows: list[list]):
    from pra_lib.publishing.disclosure import DisclosurePlan

    columns = ["activity_id", "dimension", "category", "n", "action", "into"]
    return DisclosurePlan(min_cell_size=5, small_categories="suppress", categories=pd.DataFrame(rows, columns=columns))


@pytest.fixture(scope="module")
def sample_assessment():
    from pra_lib.assessment.loading import load_assessment

    return load_assessment(Path(__file__).parent.parent / "data" / "sample", errors="collect")


def test_the_participants_of_a_group_with_hidden_interviewees_are_hidden(sample_assessment):
    from pra_lib import overview

    plan = _plan([["questionnaire/interviewees", "stakeholder_group", "academia", 5, "primary", None],
                  ["questionnaire/interviewees", "stakeholder_group", "private", 6, "complementary", None],
                  ["pra_seminar", "stakeholder_group", "private", 4, "primary", None]])
    table = overview.participation(sample_assessment)
    rows = overview.hidden_with_interviewees(table, plan=plan)
    hidden = set(zip(table.loc[rows, "activity_id"], table.loc[rows, "stakeholder_group"]))
    # the seminar's small group is the plan's own business (rows_to_hide), not the interviewees'
    assert hidden == {("questionnaire", "academia"), ("questionnaire", "private")}
    assert not overview.hidden_with_interviewees(table, plan=None).any()
    # A group the interview report's own suppression hides (government, to protect the
    # plan's two) is hidden too, in the questionnaire's row only.
    published = pd.DataFrame({"stakeholder_group": ["government", "academia", "(all)"], "n": [None, None, 25], "suppressed": [True, True, False]})
    rows = overview.hidden_with_interviewees(table, plan=plan, interview_table=published)
    assert set(zip(table.loc[rows, "activity_id"], table.loc[rows, "stakeholder_group"])) == {("questionnaire", g) for g in ("academia", "private", "government")}
    note = overview.interviewee_note(sample_assessment, plan=plan, min_cell_size=5)
    assert "Academia, Private sector" in note and "fewer than 5" in note
    assert overview.interviewee_note(sample_assessment, plan=None, min_cell_size=5) == ""


def test_the_headline_gives_no_channel_the_plan_hides(sample_assessment):
    """The opening paragraph counted the questionnaire's respondents and interviewees: with
    the activity's total in the activities table, a hidden channel came back as the rest."""
    from pra_lib import overview

    survey = sample_assessment.participants
    survey = survey[survey["activity_id"].eq(QUESTIONNAIRE)]
    n_interviews = int(survey["channel"].eq(INTERVIEW).sum())
    shown = overview.headline(sample_assessment)
    assert f"{n_interviews} key stakeholders" in shown
    plan = _plan([["questionnaire", "channel", "interview", n_interviews, "primary", None],
                  ["questionnaire", "channel", "offline", 237, "complementary", None]])
    withheld = overview.headline(sample_assessment, plan=plan)
    assert f"{n_interviews} key stakeholders" not in withheld and "237" not in withheld and "online" in withheld
    areas = overview.areas(sample_assessment, activity_id=QUESTIONNAIRE, channels=overview.SURVEY_CHANNELS)
    assert areas["n"].sum() == survey["channel"].isin(SURVEY_CHANNELS).sum() < len(survey)


def test_the_completeness_table_does_not_count_the_empty_cells(sample_assessment):
    """00's completeness share of filled cells, times a table's cells, was the number of empty
    cells: with the other columns' gaps, the participants with no area across activities."""
    from pra_lib import overview

    table = overview.completeness(sample_assessment).set_index("table")
    shares = table["filled_share"].dropna()
    assert len(shares) >= 10 and ((shares * 100).round(9) % 1 == 0).all(), shares.to_string()
    assert (table["rows"] >= 0).all()


def group_size_problems(tables: list[dict], ranges: pd.DataFrame, min_cell_size: int) -> list[str]:
    """Hidden counts of a group's people that 00's published size of the group narrows.

    Whatever a count of an activity's people by stakeholder group counts (raters of a goal,
    voters for a focus area, raters of a hazard), it is at most the group's participants in
    00's ``participation``; a count of the questionnaire's survey respondents by area is at
    most 00's ``areas``. The attack of the whole run (``ranges``, from
    ``test_disclosure_attack.attack``) does not link different measures: here its interval
    for each hidden count a table rests on is cut at that size, and must still be at least
    ``min_cell_size`` wide.
    """
    sizes: dict = {}
    participation, areas = _table(tables, "00", "participation"), _table(tables, "00", "areas")
    for _, row, value in _rows(participation):
        if value is not None:
            sizes[(row["activity_id"], "stakeholder_group", row["stakeholder_group"])] = value
    if areas is not None and areas["measure"] != "people":  # survey respondents: the raters' people
        for _, row, value in _rows(areas):
            if value is not None:
                sizes[(areas["activity_id"], "area", row["area"])] = value
    main = {t["measure"] for t in tables if t.get("measure")} - {"people", "survey_respondents"}
    problems = []
    for _, r in ranges[ranges["measure"].isin(main)].iterrows():
        for dim in ("stakeholder_group", "area"):
            size = sizes.get((r["activity_id"], dim, r["cell"].get(dim)))
            if size is not None and min(r["highest"], size) - r["lowest"] < min_cell_size:
                problems.append(f"{r['measure']} {r['activity_id']} {r['cell']}: within [{r['lowest']:g}, {min(r['highest'], size):g}] given 00's {dim} of {size:g}")
    return problems


def test_no_hidden_count_of_a_group_is_narrowed_by_its_size_in_the_overview(generated_run, sample_folder):
    for folder in (generated_run[0], sample_folder):
        tables = load_run(folder)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            _, ranges = attack(tables)
        assert group_size_problems(tables, ranges, MIN_CELL_SIZE) == []


def test_the_group_size_check_cuts_a_hidden_count_at_the_groups_participants():
    frame = pd.DataFrame({"activity_id": ["pra_seminar"] * 2, "stakeholder_group": ["academia", "private"], "n": ["5", ""],
                          "suppressed": ["False", "True"], "suppression": ["", "primary"]})
    tables = [{"report": "00_data_overview", "name": "participation", "frame": frame, "count": "n", "measure": "people", "dims": ["activity_id", "stakeholder_group"], "min_cell_size": 5},
              {"report": "07_pra_seminar", "name": "votes", "frame": frame.iloc[:0], "count": "n", "measure": "focus_area_voters", "dims": ["focus_area_id", "stakeholder_group"], "min_cell_size": 5}]
    ranges = pd.DataFrame({"measure": ["focus_area_voters"] * 2, "activity_id": ["pra_seminar"] * 2, "lowest": [1.0, 1.0], "highest": [20.0, 20.0],
                           "cell": [{"focus_area_id": "FA1", "stakeholder_group": "academia"}, {"focus_area_id": "FA1", "stakeholder_group": "private"}]})
    found = group_size_problems(tables, ranges, 5)
    assert len(found) == 1 and "academia" in found[0] and "[1, 5]" in found[0]
    assert group_size_problems(tables, ranges.assign(lowest=0.0), 5) == []  # [0, 5] keeps the interval
