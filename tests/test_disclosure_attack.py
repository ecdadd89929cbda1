"""Attack a whole published run as a reader holding every table of it would.

Statistics offices audit cell suppression over *linked* tables together (Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, sections 4.2-4.4; tau-ARGUS and sdcTable's
``protectLinkedTables``): for each hidden count, find the lowest and highest value it can
take given everything published, by linear programming, and require that interval to be
at least a *protection interval* wide. Here the interval must be at least
``min_cell_size`` wide (README, "Disclosure control").

What the attacker reads: every ``tables/*.csv`` of every report of the assessment, and
``tables/_tables.json``, where each report declares, for each table, the count it rests on,
the dimensions it is broken down by, the activity whose people it counts and what the count
counts (``measure``). Tables of one activity declaring the same measure are linked: a cell
of a table broken down by fewer dimensions is the sum of the matching cells of a table
broken down by more (an equality when the published cells show the breakdown is complete,
else "at least"), and the same cell in two tables has one value.

What it does:

- *consistency*: a cell hidden in one table and published in another is a failure;
- *typed files*: a hidden count is an empty cell, and so is every statistic or outcome of
  its row (``interpretation``, ``significant``, shares...);
- *shares*: a published ``share`` next to a hidden count would give the count away (share x
  total); the totals the shares of visible rows give away are added to the attack;
- *linear programming*: for every hidden count, min and max over all linked tables at once
  (``scipy.optimize.linprog``, HiGHS), with hidden counts at least 0.

- *HTML*: no count below ``min_cell_size`` is written in a report's text as "n = 3", and a
  report whose tables hide rows says *suppressed*.

What it does not do (README): it does not use means, medians, confidence intervals or
test statistics to narrow counts, does not link tables whose measure is not declared, and
bounds counts from the CSVs; of the HTML it reads the text only (its tables show the same
published frames as the CSVs).
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ASSESSMENT_ID = "jakarta-2017-synthetic"
# Columns that state a parameter or a population figure, never something about the people
# of a hidden cell; everything else numeric in a hidden row must be empty.
NOT_ABOUT_PEOPLE = {
    "population_share", "share_of_population", "weighted_share", "population", "alpha", "family_size",
    "n_resamples", "trim_cap", "rank", "dimension_id", "k", "category", "category_label",
}
SHARE_COLUMNS = ("share", "share_of_respondents", "share_of_interviewees")
# Dimensions that split people: each person is in one category, so the cells add up to the total.
PARTITIONS = {"stakeholder_group", "area", "channel", "workshop_table", "gender", "age_band", "category"}


def load_run(folder: Path) -> list[dict]:
    """Every declared table of every report under ``folder`` with its CSV read as text."""
    tables = []
    for declaration in sorted(folder.glob("*/tables/_tables.json")):
        doc = json.loads(declaration.read_text())
        for name, spec in doc["tables"].items():
            frame = pd.read_csv(declaration.parent / f"{name}.csv", dtype=str, keep_default_na=False)
            tables.append({"report": declaration.parent.parent.name, "name": name, "frame": frame, "min_cell_size": doc["min_cell_size"], **spec})
    return tables


def _number(text: str) -> float | None:
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _hidden(frame: pd.DataFrame) -> pd.Series:
    return frame["suppressed"].eq("True") if "suppressed" in frame else pd.Series(False, index=frame.index)


def typed_file_problems(table: dict) -> list[str]:
    """Hidden rows whose count or statistics are still written."""
    frame, count = table["frame"], table["count"]
    if count is None or "suppressed" not in frame:
        return []
    problems = []
    hidden = _hidden(frame)
    label = f"{table['report']}/{table['name']}"
    if hidden.any() and "suppression" not in frame:
        problems.append(f"{label}: no suppression column")
    for column in frame.columns:
        if column in ("suppressed", "suppression") or column in table["dims"] or column in NOT_ABOUT_PEOPLE:
            continue
        values = frame.loc[hidden, column]
        numeric = values.map(lambda v: _number(v) is not None)
        outcome = column in ("interpretation", "significant", "quadrant", "band", "compound_band", "reading", "quote", "quote_from", "candidate_weakness")
        leaked = values[numeric.astype(bool) | ((values != "").astype(bool) & outcome)]
        if column == count or outcome or numeric.any():
            for row, value in leaked.items():
                problems.append(f"{label} row {row + 2}, column {column}: {value!r} published for a suppressed row")
    for column in frame.columns:
        if column == "suppressed" or column in table["dims"]:
            continue
        if frame[column].eq("suppressed").any():
            problems.append(f"{label}, column {column}: the word 'suppressed' inside a column (must be an empty cell)")
    return problems


def _cells(table: dict):
    """(key, value or None) per cell; rows repeating one cell (by category) collapse to one."""
    frame, dims = table["frame"], [d for d in table["dims"] if d != "activity_id"]
    hidden = _hidden(frame)
    seen = {}
    for i in range(len(frame)):
        activity = frame.at[i, "activity_id"] if "activity_id" in frame else table.get("activity_id")
        key = (table["measure"], activity, tuple(sorted((d, frame.at[i, d]) for d in dims)))
        value = None if hidden.iloc[i] else _number(frame.at[i, table["count"]])
        seen.setdefault(key, value)
    return seen


def share_totals(table: dict) -> tuple[list[str], float | None]:
    """Shares of hidden rows that are still published, and the total the visible shares give."""
    frame, count = table["frame"], table["count"]
    problems, totals = [], []
    hidden = _hidden(frame)
    for column in SHARE_COLUMNS:
        if column not in frame or count not in frame:
            continue
        for i in range(len(frame)):
            share, n = _number(frame.at[i, column]), _number(frame.at[i, count])
            if hidden.iloc[i] and share is not None:
                problems.append(f"{table['report']}/{table['name']} row {i + 2}: {column} = {share} published for a suppressed row")
            elif share and n is not None:
                totals.append(n / share)
    # A share of the table's total gives the same total on every row; a share of something
    # else (answers in a category of a goal's n) does not, and says nothing about the total.
    total = float(np.median(totals)) if totals and max(totals) - min(totals) < 1 else None
    return problems, total


def attack(tables: list[dict]) -> tuple[list[str], pd.DataFrame]:
    """Everything wrong with a run's published tables, and the attacker's interval per hidden count."""
    from scipy.optimize import linprog

    problems: list[str] = []
    for table in tables:
        problems += typed_file_problems(table)
    linked: dict = {}
    totals: dict = {}
    for table in tables:
        if table["count"] is None or table["count"] not in table["frame"]:
            continue
        share_problems, total = share_totals(table)
        problems += share_problems
        if table.get("measure") is None:
            continue
        dims = tuple(sorted(d for d in table["dims"] if d != "activity_id"))
        for key, value in _cells(table).items():
            where = f"{table['report']}/{table['name']}"
            known = linked.setdefault(key[:2], {}).setdefault(key[2], (value, where))
            if (known[0] is None) != (value is None):
                problems.append(f"cell {key}: hidden in {known[1] if known[0] is None else where} but published in {where if known[0] is None else known[1]}")
            elif known[0] is not None and value is not None and known[0] != value:
                problems.append(f"cell {key}: {known[0]} in {known[1]} but {value} in {where}")
        if total is not None and "activity_id" not in table["frame"]:
            totals[(table["measure"], table.get("activity_id"), dims)] = total

    ranges = []
    for (measure, activity), cells in linked.items():
        hidden = [k for k, (v, _) in cells.items() if v is None]
        if not hidden:
            continue
        col = {k: j for j, k in enumerate(hidden)}
        eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
        by_dims: dict = {}
        for key in cells:
            by_dims.setdefault(tuple(d for d, _ in key), []).append(key)
        for parent_dims, parents in by_dims.items():
            for child_dims, children in by_dims.items():
                if not set(parent_dims) < set(child_dims):
                    continue
                groups = {p: [c for c in children if set(p) <= set(c)] for p in parents}
                verified = [p for p, cs in groups.items() if cells[p][0] is not None and cs and all(cells[c][0] is not None for c in cs)]
                complete = all(abs(sum(cells[c][0] for c in groups[p]) - cells[p][0]) < 0.5 for p in verified)
                for p, cs in groups.items():
                    if not cs:
                        continue
                    row, rhs = np.zeros(len(hidden)), 0.0
                    for k in (*cs,):
                        if cells[k][0] is None:
                            row[col[k]] += 1
                        else:
                            rhs -= cells[k][0]
                    if cells[p][0] is None:
                        row[col[p]] -= 1
                    else:
                        rhs += cells[p][0]
                    if not row.any():
                        continue
                    if complete and verified:
                        eq_rows.append(row), eq_rhs.append(rhs)
                    else:
                        ub_rows.append(row), ub_rhs.append(rhs)
        # Each table's grand total, when its shares give it away: the sum of its cells when
        # they split people (by group, area...), else an upper bound on each cell.
        for dims, keys in by_dims.items():
            total = totals.get((measure, activity, dims))
            if total is None:
                continue
            if set(dims) <= PARTITIONS:
                row = np.zeros(len(hidden))
                rhs = round(total)
                for k in keys:
                    if cells[k][0] is None:
                        row[col[k]] += 1
                    else:
                        rhs -= cells[k][0]
                if row.any():
                    eq_rows.append(row), eq_rhs.append(rhs)
            else:
                for k in keys:
                    if cells[k][0] is None:
                        row = np.zeros(len(hidden))
                        row[col[k]] = 1
                        ub_rows.append(row), ub_rhs.append(round(total))
        for k in hidden:
            c = np.zeros(len(hidden))
            c[col[k]] = 1
            bounds = [(0, None)] * len(hidden)
            kwargs = dict(A_eq=np.array(eq_rows) if eq_rows else None, b_eq=eq_rhs or None, A_ub=np.array(ub_rows) if ub_rows else None, b_ub=ub_rhs or None, bounds=bounds, method="highs")
            low, high = linprog(c, **kwargs), linprog(-c, **kwargs)
            lo = low.fun if low.status == 0 else math.nan
            hi = -high.fun if high.status == 0 else math.inf
            ranges.append({"measure": measure, "activity_id": activity, "cell": dict(k), "lowest": lo, "highest": hi, "feasible": low.status != 2})
    return problems, pd.DataFrame(ranges, columns=["measure", "activity_id", "cell", "lowest", "highest", "feasible"])


def narrow(ranges: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Hidden counts pinned down, or to an interval narrower than the protection interval."""
    if ranges.empty:
        return ranges
    return ranges[~ranges["feasible"] | (ranges["highest"] - ranges["lowest"] < min_cell_size)]


_SMALL_N = re.compile(r"\b[nN]\s*=\s*(\d+)\b(?![.,]\d)")


def html_problems(folder: Path, min_cell_size: int) -> list[str]:
    """Counts below the threshold written in a report's HTML text ("n = 3"), and reports whose
    tables hide rows without the HTML saying *suppressed* anywhere."""
    problems = []
    for page in sorted(folder.glob("*/*.html")):
        markup = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page.read_text(encoding="utf-8"), flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
        for match in _SMALL_N.finditer(text):
            if 0 < int(match.group(1)) < min_cell_size:
                problems.append(f"{page.name}: {text[max(0, match.start() - 40):match.end() + 10]!r}")
        hidden = any(pd.read_csv(csv, dtype=str, keep_default_na=False).get("suppressed", pd.Series(dtype=str)).eq("True").any() for csv in (page.parent / "tables").glob("*.csv"))
        if hidden and "suppressed" not in text.lower():
            problems.append(f"{page.name}: tables hide rows but the report never says suppressed")
    return problems


@pytest.fixture(scope="module")
def sample_run(sample_reports_en) -> list[dict]:
    return load_run(Path(sample_reports_en) / ASSESSMENT_ID)


def test_every_table_with_a_count_is_declared(sample_run, sample_reports_en):
    folder = Path(sample_reports_en) / ASSESSMENT_ID
    declared = {(t["report"], t["name"]) for t in sample_run}
    written = {(p.parent.parent.name, p.stem) for p in folder.glob("*/tables/*.csv")}
    assert written == declared, written ^ declared
    assert sum(t.get("measure") is not None for t in sample_run) >= 20, "the linked tables declare what they count"


def test_no_hidden_count_of_the_sample_run_can_be_worked_out(sample_run):
    problems, ranges = attack(sample_run)
    assert problems == [], "\n".join(problems[:40])
    min_cell_size = sample_run[0]["min_cell_size"]
    exposed = narrow(ranges, min_cell_size)
    assert exposed.empty, exposed.to_string()


def test_the_html_reports_write_no_small_count_and_say_what_is_suppressed(sample_reports_en, sample_run):
    assert html_problems(Path(sample_reports_en) / ASSESSMENT_ID, sample_run[0]["min_cell_size"]) == []


def test_the_html_check_finds_a_small_count_in_the_text(tmp_path):
    page = tmp_path / "01_questionnaire" / "01_questionnaire.html"
    (page.parent / "tables").mkdir(parents=True)
    page.write_text("<p>Kepulauan Seribu (n&nbsp;=&nbsp;3) rated G01 poor; mean 2.0 (n = 12.5)</p>", encoding="utf-8")
    problems = html_problems(tmp_path, 5)
    assert len(problems) == 1 and "Kepulauan Seribu" in problems[0]


def test_the_attack_finds_a_leak_planted_in_a_copy_of_the_run(sample_run):
    """The attacker is real: publish one hidden count of a linked table, or hide a cell in one
    table only, and it says so."""
    import copy

    target = next(t for t in sample_run if t.get("measure") and _hidden(t["frame"]).sum() == 0 and len(t["frame"]) > 3 and t["dims"])
    tables = copy.deepcopy(sample_run)
    planted = next(t for t in tables if t["report"] == target["report"] and t["name"] == target["name"])
    frame = planted["frame"]
    # Hide one cell alone, as a table protected on its own would: the linked tables pin it.
    frame.loc[0, planted["count"]] = ""
    frame.loc[0, "suppressed"] = "True"
    if "suppression" in frame:
        frame.loc[0, "suppression"] = "primary"
    problems, ranges = attack(tables)
    assert problems or not narrow(ranges, planted["min_cell_size"]).empty


def test_typed_file_check_catches_the_word_and_a_leaked_outcome():
    frame = pd.DataFrame({"goal_id": ["G1", "G2"], "n": ["12", "suppressed"], "interpretation": ["low", "low"], "suppressed": ["False", "True"]})
    problems = typed_file_problems({"report": "r", "name": "t", "frame": frame, "count": "n", "dims": ["goal_id"]})
    assert any("the word 'suppressed'" in p for p in problems)
    assert any("interpretation" in p for p in problems)


# --- Generated assessments: small groups in random places -----------------------------------

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

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
    people.loc[mine, "area"] = rng.choice(areas, size=int(mine.sum()), p=np.asarray(areas_p[: len(areas)]) / sum(areas_p[: len(areas)]))
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
    from pra_lib.publishing.report import Report

    root = out / "generated"
    over = Report(root / "00_data_overview", min_cell_size=min_cell_size, small_categories=small_categories, assessment=assessment)
    data = over.assessment
    over.table(overview.activities(data), "activities", dims=["activity_id"], measure="people")
    over.table(overview.participation(data), "participation", dims=["activity_id", "stakeholder_group"], measure="people")
    over.table(overview.areas(data, activity_id="questionnaire"), "areas", dims=["area"], activity_id="questionnaire", measure="people", columns=["share_of_respondents"])
    q = Report(root / "01_questionnaire", min_cell_size=min_cell_size, small_categories=small_categories, assessment=assessment, activity_id="questionnaire")
    survey = perception.ratings_frame(q.assessment, activity_id="questionnaire", aspect="performance")
    boot = dict(n_resamples=20, seed=1)
    q.table(perception.scores(survey, **boot), "goal_scores", dims=["goal_id"], measure="goal_raters")
    q.table(perception.scores(survey, by="stakeholder_group", **boot), "scores_by_group", dims=["goal_id", "stakeholder_group"], measure="goal_raters")
    q.table(perception.scores(survey, by="area", **boot), "scores_by_area", dims=["goal_id", "area"], measure="goal_raters")
    q.table(perception.likert_counts(survey, by="stakeholder_group"), "answers_per_goal_by_group", dims=["goal_id", "stakeholder_group"], measure="goal_raters")
    w = Report(root / "03_city_perception_workshop", min_cell_size=min_cell_size, small_categories=small_categories, assessment=assessment, activity_id="perception_workshop")
    workshop = perception.ratings_frame(w.assessment, activity_id="perception_workshop", aspect="performance")
    w.table(perception.respondents(workshop, by="workshop_table"), "participants_by_table", dims=["workshop_table"], measure="participants")
    w.table(perception.scores(workshop, **boot), "goal_scores", dims=["goal_id"], measure="goal_raters")
    w.table(perception.scores(workshop, by="workshop_table", **boot), "scores_by_table", dims=["goal_id", "workshop_table"], measure="goal_raters")
    return root


weights = st.lists(st.sampled_from([0.01, 0.03, 0.1, 0.3, 1.0]), min_size=8, max_size=8)


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
    exposed = narrow(ranges, 5)
    assert exposed.empty, exposed.to_string()


def test_a_rerun_of_a_notebook_gives_byte_identical_files(sample_reports_en, tmp_path):
    """Issue 11, item 5: the data overview run again gives the same tables, workbook and figures."""
    from pra_lib.runner import run_reports

    summary = run_reports([Path(__file__).resolve().parents[1] / "data" / "sample"], out=tmp_path, only=["00"], jobs=1, parameters={"lang": "en"}, progress=lambda line: None)
    assert summary.ok
    first = Path(sample_reports_en) / ASSESSMENT_ID / "00_data_overview"
    again = tmp_path / ASSESSMENT_ID / "00_data_overview"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and p.suffix in (".csv", ".json", ".xlsx", ".png", ".svg"))
    assert any(p.suffix == ".xlsx" for p in files) and any(p.name == "_tables.json" for p in files)
    different = [str(p) for p in files if (again / p).read_bytes() != (first / p).read_bytes()]
    assert different == []
