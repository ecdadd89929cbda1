"""Attack a whole published run as a reader holding every table of it would.

Statistics offices audit cell suppression over *linked* tables together (Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, sections 4.2-4.4; tau-ARGUS and sdcTable's
``protectLinkedTables``): for each hidden count, find the lowest and highest value it can
take given everything published, by linear programming, and require that interval to be
at least a *protection interval* wide. Here the interval must be at least
``min_cell_size`` wide (README, "Disclosure control").

What the attacker reads: every ``tables/*.csv`` of every report of the assessment, and
``tables/_tables.json``, where each report declares, for each table, the count it rests on,
the dimensions it is broken down by, the activity whose people it counts (or the
interviewees of one), what the count counts (``measure``) and what every other count column
counts (``other_counts``: "don't know" answers, answers per category, the two groups of a
pair...). Every table with a count declares a measure, and every column that looks like a
count of people is declared (a test fails otherwise). Counts of one activity declaring the
same measure are linked: a cell of a table broken down by fewer dimensions is the sum of the
matching cells of a table broken down by more (an equality when the published cells show
the breakdown is complete, else "at least"), and the same cell in two tables has one value.

What it does:

- *consistency*: a cell hidden in one table and published in another is a failure;
- *typed files*: a hidden count is an empty cell, and so is every statistic or outcome of
  its row (``interpretation``, ``significant``, shares...);
- *shares*: a published ``share`` next to a hidden count would give the count away (share x
  total); the totals the shares of visible rows give away are added to the attack;
- *linear programming*: for every hidden count, min and max over all linked tables of its
  activity at once (``scipy.optimize.linprog``, HiGHS), with a cell's answers per category
  adding up to its count. A hidden count a table rests on is at least 1 (a reader knows its
  row is there because someone is in it: suppression publishes an empty row as 0; a
  hidden row of no raters but some "don't know" answers is taken at least 1 too, which
  is stricter than a reader may assume), its parts at least 0. A count a table rests on
  must keep an interval of at least ``min_cell_size``, with no exception; each interval
  says whether only suppression across tables could widen it (``linked_only``: every cell
  of a line hidden under a published total that leaves each less), which the run's linked
  tables do (README); a part of a hidden cell (its "don't know" answers, its answers in a
  category) must not be pinned to a number of people above 0;
- *category sizes and statements*: a cell of a measure ``<people>_by_<what>`` counts some
  of the people a table of measure ``<people>`` counts (the interviewees table, by
  stakeholder group), so it is at most the matching cell there; a cell of a group of s
  people must keep the whole of 1 to s when s - 1 is below the protection interval.
  Interviewees naming a line made a statement on it each (``n <= n_statements``), and the
  lines' statements add up to everyone's statements per valence and a group's lines' to its
  statements per valence (the interviewees table's rows; a value the report withholds is
  empty and read as hidden);
- *interview codes*: a count of the interviewees raising one code (02's ``codes``, top
  strengths and weaknesses, code pairs, a shock or stress made of the same codes, and the
  focus areas' evidence trails of 06 and 08, measure ``evidence_base``) bounds the goal line
  of 02 the code is on, and the counts of all a line's codes add up to at least the line: a
  line 02 hides must not be pinned down or narrowed below the protection interval by them;
- *group disclosure*: no published group's answers are all, or all but fewer than
  ``min_cell_size``, in one category, and for a withheld group the attacker's lowest bound
  on its answers in any category leaves ``min_cell_size`` of its members free;
- *HTML*: every report's tables are parsed (``html.parser``) and matched to the CSV they
  show; a number the CSV hides, or a count no CSV of the report carries, fails. No count
  below ``min_cell_size`` is written in the text ("n = 3"), a report whose tables hide
  rows says *suppressed*, and every "n = ..." in the SVG figures' text is a published count.

What it does not do (README): it does not use means, medians, confidence intervals or
test statistics to narrow counts, nor the shares of the score tables (positive, neutral,
negative) to narrow answers per category; it does not link counts of different measures
other than a cell's answers to its count (raters of a goal to respondents, interviewees to
the interview channel); of the figures it reads the counts written as "n = ...", not the
other value labels.
"""

from __future__ import annotations

import html
import json
import math
import re
from html.parser import HTMLParser
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


def counted_columns(table: dict) -> list[tuple[str, str, dict]]:
    """(column, measure, {dimension: column}) for each declared count of people of a table:
    its ``count`` (over its ``dims``, or over the columns its ``other_counts`` entry names)
    and each of its ``other_counts`` that counts people."""
    dims = {d: d for d in table["dims"] if d != "activity_id"}
    out = []
    others = dict(table.get("other_counts") or {})
    # A table whose rows are not a grid of margins names the columns that key its count there.
    keys = others.pop(table["count"], None) if table["count"] is not None else None
    if table["count"] is not None and table.get("measure") is not None:
        out.append((table["count"], table["measure"], dict(keys["dims"]) if isinstance(keys, dict) else dims))
    for column, what in others.items():
        if isinstance(what, str):
            out.append((column, what, dims))
        elif isinstance(what, dict):
            out.append((column, what["measure"], dict(what["dims"])))
    return out


# The value a table gives a dimension on the rows that pool all its categories (a goal's
# consensus of everyone next to its groups'): such a row is the margin over that dimension.
POOLED = "(all)"


def _key(frame: pd.DataFrame, i: int, dims: dict) -> tuple:
    """The cell of row ``i``: (dimension, value) pairs, without the dimensions it pools."""
    return tuple(sorted((d, frame.at[i, c]) for d, c in dims.items() if frame.at[i, c] != POOLED))


def _cells(table: dict, column: str | None = None, measure: str | None = None, dims: dict | None = None):
    """(key, value or None) per cell of one declared count; rows repeating one cell (a goal's
    answers by category, each carrying the goal's n) collapse to one. Returns the cells and
    the keys whose rows disagree (the declared dims do not identify the cells).

    A count of a coarser cell than the row's (``n_a`` of a pair of groups: the first group's
    raters) is blanked with a hidden row because the row is hidden, not because that cell
    is: such a blank says nothing and is not read as a hidden cell."""
    frame = table["frame"]
    column = column or table["count"]
    measure = measure or table["measure"]
    dims = dims if dims is not None else {d: d for d in table["dims"] if d != "activity_id"}
    own = next((d for c, _, d in counted_columns(table) if c == table["count"]), None)
    coarser = own is not None and not set(own.values()) <= set(dims.values())
    hidden = _hidden(frame)
    seen, clashes = {}, set()
    for i in range(len(frame)):
        if coarser and hidden.iloc[i]:
            continue
        activity = frame.at[i, "activity_id"] if "activity_id" in frame else table.get("activity_id")
        key = (measure, activity, _key(frame, i, dims))
        value = None if hidden.iloc[i] else _number(frame.at[i, column])
        if key in seen and seen[key] != value:
            clashes.add(key)
        seen.setdefault(key, value)
    return seen, clashes


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


def attack(tables: list[dict], *, statements: bool = False) -> tuple[list[str], pd.DataFrame]:
    """Everything wrong with a run's published tables, and the attacker's interval per hidden count.

    With ``statements``, the interview statements bound the interviewees too
    (:func:`statement_cells`): applied to the sample run here and to the interview report of
    generated runs in ``test_statement_disclosure`` (a group's or everyone's statements that
    would narrow a hidden cell are withheld, README).
    """
    from scipy.optimize import linprog

    problems: list[str] = []
    for table in tables:
        problems += typed_file_problems(table)
    linked: dict = {}
    totals: dict = {}
    wholes: dict = {}
    counted: set = set()  # (measure, activity, key) of cells that are a table's own count
    for table in tables:
        if table["count"] is None or table["count"] not in table["frame"]:
            continue
        share_problems, total = share_totals(table)
        problems += share_problems
        if table.get("measure") is None:
            continue
        dims = tuple(sorted(d for d in table["dims"] if d != "activity_id"))
        for column, measure, dim_columns in counted_columns(table):
            if column not in table["frame"]:
                continue
            where = f"{table['report']}/{table['name']}"
            cells, clashes = _cells(table, column, measure, dim_columns)
            if clashes:
                problems.append(f"{where}: the dims declared for {column} ({measure}) do not identify its cells, e.g. {sorted(clashes, key=str)[0]}")
                continue
            for key, value in cells.items():
                if column == table["count"]:
                    counted.add(key)
                known = linked.setdefault(key[:2], {}).setdefault(key[2], (value, where))
                if (known[0] is None) != (value is None):
                    problems.append(f"cell {key}: hidden in {known[1] if known[0] is None else where} but published in {where if known[0] is None else known[1]}")
                elif known[0] is not None and value is not None and known[0] != value:
                    problems.append(f"cell {key}: {known[0]} in {known[1]} but {value} in {where}")
        if total is not None and "activity_id" not in table["frame"]:
            totals[(table["measure"], table.get("activity_id"), dims)] = total
        for activity, whole, parts in distributions(table):
            wholes.setdefault(activity, {}).setdefault(whole, parts)

    for (measure, activity), cells in (statement_cells(tables) if statements else {}).items():
        linked.setdefault((measure, activity), {}).update(cells)

    # One linear programme per activity over every measure at once, so that the parts of a
    # cell (its answers per category) are tied to its count.
    ranges = []
    min_cell_size = min(t["min_cell_size"] for t in tables)
    for activity in sorted({a for _, a in linked}, key=str):
        linked_only: set = set()
        measures = {m: cells for (m, a), cells in linked.items() if a == activity}
        hidden = [(m, k) for m, cells in measures.items() for k, (v, _) in cells.items() if v is None]
        if not hidden:
            continue
        col = {hk: j for j, hk in enumerate(hidden)}
        eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []

        def equation(terms, constant=0.0):
            """sum(sign * cell) = constant, as a row over the hidden cells and its right-hand side."""
            row, rhs = np.zeros(len(hidden)), float(constant)
            for sign, hk in terms:
                value = measures[hk[0]][hk[1]][0]
                if value is None:
                    row[col[hk]] += sign
                else:
                    rhs -= sign * value
            return row, rhs

        for measure, cells in measures.items():
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
                        if cells[p][0] is not None and all(cells[c][0] is None and (measure, activity, c) in counted for c in cs) and cells[p][0] - len(cs) < min_cell_size:
                            # Each of these hidden counts is at least 1, so the published
                            # total leaves each less than the protection interval whatever
                            # else is hidden: only hiding the total protects them.
                            linked_only.update((measure, c) for c in cs)
                        row, rhs = equation([(1, (measure, c)) for c in cs] + [(-1, (measure, p))])
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
                    row, rhs = equation([(1, (measure, k)) for k in keys], round(total))
                    if row.any():
                        eq_rows.append(row), eq_rhs.append(rhs)
                else:
                    for k in keys:
                        if cells[k][0] is None:
                            row = np.zeros(len(hidden))
                            row[col[(measure, k)]] = 1
                            ub_rows.append(row), ub_rhs.append(round(total))
        # A cell counting some of a category's people is at most the category's size: the
        # interviewees of a group naming a goal are at most the group's interviewees.
        size_rows, caps = category_size_bounds(measures, equation)
        for row, rhs in size_rows:
            ub_rows.append(row), ub_rhs.append(rhs)
        # Interviewees naming something made at least one statement on it each.
        for measure in [m for m in measures if m.startswith(STATEMENTS)]:
            counted_measure = measure.removeprefix(STATEMENTS)
            for key in measures[measure]:
                if key in measures.get(counted_measure, {}):
                    row, rhs = equation([(1, (counted_measure, key)), (-1, (measure, key))])
                    if row.any():
                        ub_rows.append(row), ub_rhs.append(rhs)
        # A cell's answers per category add up to its count.
        for whole, parts in wholes.get(activity, {}).items():
            if any(k not in measures.get(m, {}) for m, k in (whole, *parts)):
                continue
            row, rhs = equation([(1, part) for part in parts] + [(-1, whole)])
            if row.any():
                eq_rows.append(row), eq_rhs.append(rhs)
        # A hidden count of people a table rests on is at least 1: its row is published
        # because someone is in it, and suppression publishes an empty cell as 0, never
        # hides it (the sdcTable / tau-ARGUS convention that a primary-suppressed cell lies
        # in 1 to min_cell_size - 1). A part of a hidden cell (its "don't know" answers, its
        # answers in one category) may be 0.
        bounds = [(1 if (m, activity, k) in counted else 0, None) for m, k in hidden]
        for hk in hidden:
            if hk[0].startswith(STATEMENTS):
                continue  # statements are no count of people; they only bound the interviewees
            c = np.zeros(len(hidden))
            c[col[hk]] = 1
            kwargs = dict(A_eq=np.array(eq_rows) if eq_rows else None, b_eq=eq_rhs or None, A_ub=np.array(ub_rows) if ub_rows else None, b_ub=ub_rhs or None, bounds=bounds, method="highs")
            low, high = linprog(c, **kwargs), linprog(-c, **kwargs)
            lo = low.fun if low.status == 0 else math.nan
            hi = -high.fun if high.status == 0 else math.inf
            ranges.append({"measure": hk[0], "activity_id": activity, "cell": dict(hk[1]), "lowest": lo, "highest": hi, "feasible": low.status != 2, "linked_only": hk in linked_only,
                           "category_size": caps.get(hk, math.inf)})
    problems += distribution_problems(linked, wholes, ranges, min_cell_size)
    return problems, pd.DataFrame(ranges, columns=["measure", "activity_id", "cell", "lowest", "highest", "feasible", "linked_only", "category_size"])


STATEMENTS = "statements of "


def statement_cells(tables: list[dict]) -> dict:
    """The interview statements a run publishes, as cells the attacker links like counts.

    Interviewees naming a goal (code, hazard) made at least one statement on it each, so a
    cell's ``n`` is at most its ``n_statements``; a line's statements are a part of all
    interviewees' statements of that valence, which the interviewees table publishes
    (``n_weakness``, ``n_strength`` of its row for everyone), and so are a group's lines' of its
    statements per valence (its row). The sum of the published lines' statements then bounds
    what the hidden lines hold together: 14 statements over G03, G05 and G12 as weaknesses on
    the sample before G11's line was hidden; academia's 5 strength statements over its three
    hidden strength cells, each then at most 3, before the report withheld them. Returns ``{(statements of <measure>,
    activity): {key: (value or None, table)}}``, one measure per measure of interviewees.
    """
    out: dict = {}
    measures = {(t["measure"], t.get("activity_id")) for t in tables if str(t.get("measure") or "").startswith("interviewees_by_") and "n_statements" in t["frame"]}
    for table in tables:
        frame, measure = table["frame"], str(table.get("measure") or "")
        where = f"{table['report']}/{table['name']}"
        hidden = _hidden(frame)
        if (measure, table.get("activity_id")) in measures:
            dims = next((d for c, _, d in counted_columns(table) if c == table["count"]), None)
            if dims is None:
                continue
            cells = out.setdefault((STATEMENTS + measure, table.get("activity_id")), {})
            for i in range(len(frame)):
                cells.setdefault(_key(frame, i, dims), (None if hidden.iloc[i] else _number(frame.at[i, "n_statements"]), where))
        elif measure == "interviewees" and {"n_weakness", "n_strength"} <= set(frame.columns):
            dims = {d: d for d in table["dims"] if d != "activity_id"}
            for m, activity in measures:
                if activity != table.get("activity_id"):
                    continue
                cells = out.setdefault((STATEMENTS + m, activity), {})
                # Each group's statements per valence and everyone's (the "(all)" row); a
                # withheld value is an empty cell (flagged statements_withheld), read as hidden.
                for i in range(len(frame)):
                    for valence in ("weakness", "strength"):
                        key = tuple(sorted((*_key(frame, i, dims), ("valence", valence))))
                        cells.setdefault(key, (None if hidden.iloc[i] else _number(frame.at[i, f"n_{valence}"]), where))
    return out


def category_sizes(measures: dict) -> dict:
    """``{measure of a category's people: [measures counting some of them]}`` of one activity.

    The run declares what each count counts; a measure named ``<people>_by_<what>`` (such
    as ``interviewees_by_goal``) counts some of the people a table of ``<people>`` (the
    ``interviewees`` table, by stakeholder group) counts, so each of its cells is at most
    the matching cell of that table: the one with the same category of every dimension the
    two share (its total when it has none)."""
    return {people: [m for m in measures if m.startswith(f"{people}_by_")] for people in measures if any(m.startswith(f"{people}_by_") for m in measures)}


def category_size_bounds(measures: dict, equation) -> tuple[list[tuple], dict]:
    """``(row, rhs)`` of each ``part - category size <= 0`` that involves a hidden count, and
    each hidden part's smallest published category size (``{(measure, key): size}``).

    The category's size is its published count, or its own hidden count (then the bound
    ties the two unknowns). ``equation`` turns ``[(sign, (measure, key))]`` into a row over
    the hidden cells and its right-hand side, as in :func:`attack`."""
    out, caps = [], {}
    for people, parts in category_sizes(measures).items():
        sizes = measures[people]
        for measure in parts:
            for key, (value, _) in measures[measure].items():
                dims = {d for d, _ in key}
                for size_key, (size, _) in sizes.items():
                    if not {d for d, _ in size_key} <= dims or not set(size_key) <= set(key):
                        continue
                    if value is not None and size is not None:
                        continue
                    if value is None and size is not None:
                        caps[(measure, key)] = min(size, caps.get((measure, key), math.inf))
                    row, rhs = equation([(1, (measure, key)), (-1, (people, size_key))])
                    if row.any():
                        out.append((row, rhs))
    return out, caps


def distributions(table: dict) -> list[tuple]:
    """(activity, whole, parts) for each cell of a table whose answers per category it declares.

    A count declared over the table's dims plus one more (``count`` per ``category``) splits
    the cell's people by answer. The attacker ties the parts to the cell's count where the
    published cells show that they add up: all categories, or all but "don't know".
    """
    frame, main = table["frame"], table.get("measure")
    dims = [d for d in table["dims"] if d != "activity_id"]
    if main is None or table["count"] is None:
        return []
    out = []
    for column, measure, dim_columns in counted_columns(table):
        extra = [d for d in dim_columns if d not in dims]
        if column == table["count"] or len(extra) != 1 or any(dim_columns.get(d) != d for d in dims):
            continue
        answer = frame[dim_columns[extra[0]]]
        hidden = _hidden(frame)
        cells: dict = {}
        for i in range(len(frame)):
            activity = frame.at[i, "activity_id"] if "activity_id" in frame else table.get("activity_id")
            whole = (main, _key(frame, i, {d: d for d in dims}))
            part = (measure, _key(frame, i, dim_columns))
            value = None if hidden.iloc[i] else _number(frame.at[i, column])
            n = None if hidden.iloc[i] else _number(frame.at[i, table["count"]])
            cells.setdefault((activity, whole), []).append((answer.iloc[i], part, value, n))
        for drop in ((), ("dont_know",)):
            complete = [rows for rows in cells.values() if all(v is not None and n is not None for _, _, v, n in rows)]
            if complete and all(abs(sum(v for a, _, v, _ in rows if a not in drop) - rows[0][3]) < 0.5 for rows in complete):
                out += [(activity, whole, [p for a, p, _, _ in rows if a not in drop]) for (activity, whole), rows in cells.items()]
                break
    return out


def distribution_problems(linked: dict, wholes: dict, ranges: list[dict], min_cell_size: int) -> list[str]:
    """Groups whose answers are published, or can be bounded, as (near-)homogeneous.

    A distribution of a published group (n >= min_cell_size) discloses its members'
    answer when all of them, or all but fewer than ``min_cell_size``, answered alike
    (Hundepool et al. 2012, ch. 5: group disclosure). Published: fewer than
    ``min_cell_size`` answers outside the most frequent category is a failure. Withheld:
    the attacker's lowest value of the group's answers in any category must leave at least
    ``min_cell_size`` of its members free to have answered otherwise.
    """
    lowest = {(r["activity_id"], r["measure"], tuple(sorted(r["cell"].items()))): r["lowest"] for r in ranges}
    problems = []
    for activity, cells in wholes.items():
        for whole, parts in cells.items():
            n = linked.get((whole[0], activity), {}).get(whole[1], (None,))[0]
            if n is None or n < min_cell_size or not parts:
                continue
            if any(k not in linked.get((m, activity), {}) for m, k in parts):
                continue
            values = [linked[(m, activity)][k][0] for m, k in parts]
            if all(v is not None for v in values):
                if n - max(values) < min_cell_size:
                    problems.append(f"{activity} {dict(whole[1])}: {int(n - max(values))} of {int(n)} answered outside the most frequent category, published")
                continue
            for (m, k), v in zip(parts, values):
                low = v if v is not None else lowest.get((activity, m, k), 0)
                if low > n - min_cell_size + 0.5:
                    problems.append(f"{activity} {dict(k)}: at least {low:g} of {int(n)} gave this answer, given the published tables")
    return problems


def narrow(ranges: pd.DataFrame, min_cell_size: int, tables: list[dict] | None = None) -> pd.DataFrame:
    """Hidden counts pinned down, or to an interval narrower than the protection interval.

    With ``tables``, the protection interval is required of the counts that tables rest on
    (their declared ``measure``). A part of a hidden cell (its "don't know" answers, its
    answers in one category) must not be pinned down to a number of people, but may be
    narrow or pinned to 0, as the same parts of published cells are published: that a hidden
    group of 51 gave at most one "don't know", or none, discloses no one.

    A count of some of a category's people (``category_size``: the published size of the
    smallest category it is a part of) can never be wider than 1 to that size: a group of
    ``min_cell_size`` interviewees gives any of its cells 1 to ``min_cell_size`` whatever is
    hidden, so such a cell must keep that whole range instead.
    """
    if ranges.empty:
        return ranges
    width = ranges["highest"] - ranges["lowest"]
    size = ranges["category_size"] if "category_size" in ranges else pd.Series(math.inf, index=ranges.index)
    wanted = np.minimum(min_cell_size, size - 1)
    if tables is None:
        return ranges[~ranges["feasible"] | (width < wanted)]
    main = ranges["measure"].isin({t["measure"] for t in tables if t.get("measure")})
    return ranges[~ranges["feasible"] | (main & (width < wanted)) | (~main & (width < 0.5) & (ranges["highest"] > 0.5))]


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


class _Tables(HTMLParser):
    """The tables of an HTML page as a reader's scraper gets them: header texts and rows of cell texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append({"header": [], "rows": []})
        elif self._depth == 1 and tag == "tr":
            self._row = []
        elif self._depth == 1 and tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._depth -= 1
        elif self._depth == 1 and tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif self._depth == 1 and tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if not table["header"] and not table["rows"]:
                table["header"] = self._row
            else:
                table["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(page: Path) -> list[dict]:
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return [t for t in parser.tables if t["header"]]


_NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+(?:\.\d+)?")


def numbers_in(text: str, lang: str = "en") -> list[float]:
    """The numbers a report writes in a cell: 1,000.5, 19%, 2.10–2.40 (ranges give both ends);
    in Indonesian 1.000,5 and 2,10–2,40."""
    if lang == "id":
        text = text.replace(".", "\x00").replace(",", ".").replace("\x00", ",")
    out = []
    for match in _NUMBER.finditer(text):
        value = float(match.group().replace(",", ""))
        out.append(value / 100 if text[match.end():match.end() + 1] == "%" else value)
    return out


def _close(value: float, published: list[float]) -> bool:
    # A reader's table rounds: 2 decimals for means, whole percentages for shares.
    return any(abs(value - p) <= max(0.006, 0.006 * abs(p)) for p in published)


def html_table_problems(folder: Path, lang: str = "en") -> list[str]:
    """Read every report's HTML tables as an attacker would and compare them with the CSVs.

    Each HTML table with an ``n`` column is matched to the declared CSV table of its report
    that has the same rows and the same published counts. Fails when an HTML table shows
    counts that no CSV of its report carries (a count the CSVs do not publish), or when a row
    the CSV hides shows, in the HTML, the count or any number its CSV row does not publish.
    """
    problems = []
    for declaration in sorted(folder.glob("*/tables/_tables.json")):
        report = declaration.parent.parent
        pages = sorted(report.glob("*.html"))
        if not pages:
            continue
        doc = json.loads(declaration.read_text())
        csvs = {}
        for name, spec in doc["tables"].items():
            frame = pd.read_csv(declaration.parent / f"{name}.csv", dtype=str, keep_default_na=False)
            count = spec["count"] or "n"  # a table that counts no people may still have an n column
            if count in frame:
                csvs[name] = (frame, count)
        for k, table in enumerate(html_tables(pages[0])):
            if "n" not in table["header"]:
                continue
            col = table["header"].index("n")
            shown = [row[col] if col < len(row) else "" for row in table["rows"]]
            match = None
            for name, (frame, count) in csvs.items():
                if len(frame) != len(shown):
                    continue
                hidden = _hidden(frame)
                if all(
                    (h and numbers_in(text, lang) == []) or (not h and numbers_in(text, lang) == ([_number(v)] if _number(v) is not None else []))
                    for h, v, text in zip(hidden, frame[count], shown)
                ):
                    match = name
                    break
            where = f"{report.name}.html table {k + 1} ({', '.join(table['header'][:4])}...)"
            if match is None:
                problems.append(f"{where}: its counts ({', '.join(shown[:6])}...) are not those of any published table of the report")
                continue
            frame, count = csvs[match]
            for i, h in enumerate(_hidden(frame)):
                if not h:
                    continue
                # Numbers inside a text the CSV row publishes too (a method "across the 30 tests") are published.
                published = [x for v in frame.iloc[i] for x in ([_number(v)] if _number(v) is not None else numbers_in(v, lang))]
                for text in table["rows"][i]:
                    if text.lstrip().startswith(("<", ">")):
                        continue  # "< 1%" is a bound the reader's table writes for a small published share
                    for value in numbers_in(text, lang):
                        if not _close(value, published):
                            problems.append(f"{where}, row {i + 1} (hidden in {match}.csv): shows {text!r}")
    return problems


# "n = 60", "(n = 96–101)"; not "n = 120 actions", which names what it counts.
_N_LABEL = re.compile(r"\bn\s*=\s*(\d[\d,]*)(?:\s*[–-]\s*(\d[\d,]*))?(?!\d|,\d|\s+(?!(?:people|respondents|raters|participants|interviewees|voters)\b)[^\W\d_])")


def figure_count_problems(folder: Path, min_cell_size: int) -> list[str]:
    """Counts written in the figures' SVG text ("(n = 96–101)") that no CSV of the run publishes,
    or that are below the threshold. matplotlib writes each text of an SVG as a comment next to
    its glyphs, so a reader gets the labels back with a text editor."""
    published: set[float] = set()
    for table in load_run(folder):
        for column, _, _ in counted_columns(table):
            if column in table["frame"]:
                published |= {v for v in table["frame"][column].map(_number) if v is not None}
    problems = []
    for svg in sorted(folder.glob("*/figures/*.svg")):
        for text in re.findall(r"<!-- (.*?) -->", svg.read_text(encoding="utf-8"), flags=re.S):
            for match in _N_LABEL.finditer(html.unescape(text)):
                for group in match.groups():
                    if group is None:
                        continue
                    value = float(group.replace(",", ""))
                    if 0 < value < min_cell_size or value not in published:
                        problems.append(f"{svg.parent.parent.name}/figures/{svg.name}: {text.strip()!r} shows n = {group}, which no table of the run publishes")
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


# Column names that count people: a table that publishes one says what it counts.
PEOPLE_COUNT = re.compile(r"^(n|n_.+|.+_n|count|respondents|raters|interviewees|participants|voters|people|k)$")
PEOPLE_COUNT_OF_A_TABLE_WITHOUT_COUNT = re.compile(r"^(n|count|respondents|raters|interviewees|participants|voters|people)$")


def undeclared_counts(table: dict) -> list[str]:
    """A table with a count but no measure, or a people-count column it does not declare."""
    label = f"{table['report']}/{table['name']}"
    declared = {table["count"], *(table.get("other_counts") or {})}
    problems = []
    if table["count"] is not None and table.get("measure") is None:
        problems.append(f"{label}: counts {table['count']!r} but does not say what it counts (measure)")
    pattern = PEOPLE_COUNT if table["count"] is not None else PEOPLE_COUNT_OF_A_TABLE_WITHOUT_COUNT
    for column in table["frame"].columns:
        if pattern.match(column) and column not in declared:
            problems.append(f"{label}: column {column!r} looks like a count of people and is not declared (count or other_counts)")
    return problems


def test_every_table_that_counts_people_declares_what_it_counts(sample_run):
    """Issue 11: the attacker can only link what is declared, so every count of people is."""
    problems = [p for table in sample_run for p in undeclared_counts(table)]
    assert problems == [], "\n".join(problems)
    counted = [t for t in sample_run if t["count"] is not None]
    assert len(counted) >= 60 and all(t["measure"] for t in counted)
    linked = {m for t in sample_run for _, m, _ in counted_columns(t)}
    assert {"people", "goal_raters", "goal_dont_know", "goal_answers", "hazard_raters", "focus_area_voters"} <= linked, linked


def test_the_declaration_check_finds_an_undeclared_count():
    frame = pd.DataFrame({"goal_id": ["G1"], "n": ["12"], "n_dont_know": ["2"], "suppressed": ["False"]})
    table = {"report": "r", "name": "t", "frame": frame, "count": "n", "measure": None, "dims": ["goal_id"], "other_counts": {}}
    problems = undeclared_counts(table)
    assert any("measure" in p for p in problems) and any("n_dont_know" in p for p in problems)
    assert undeclared_counts({**table, "measure": "goal_raters", "other_counts": {"n_dont_know": "goal_dont_know"}}) == []


def linked_only_lines(exposed: pd.DataFrame) -> dict:
    """The exposed counts that only linked-table suppression could protect, by goal line."""
    lines: dict = {}
    for _, r in exposed[exposed["linked_only"]].iterrows():
        lines.setdefault((r["measure"], r["cell"]["goal_id"], r["cell"]["valence"]), []).append(r["cell"]["stakeholder_group"])
    return {k: tuple(sorted(v)) for k, v in lines.items()}


def test_no_hidden_count_of_the_sample_run_can_be_worked_out(sample_run):
    problems, ranges = attack(sample_run, statements=True)
    assert problems == [], "\n".join(problems[:40])
    min_cell_size = sample_run[0]["min_cell_size"]
    exposed = narrow(ranges, min_cell_size, sample_run)
    # No exception: every hidden count keeps the protection interval, also the interviewees
    # of goal lines whose every group is hidden (G12 as a weakness, 6 over 4 groups; G09 as
    # a strength, 6 over 3), since the goal's total is hidden with them across the tables.
    assert exposed.empty, exposed.to_string()
    # The reader's lower bound of 1 is used: a hidden count of people is never taken as 0.
    counted = ranges[ranges["measure"].isin({t["measure"] for t in sample_run if t.get("measure")})]
    assert (counted["lowest"] >= 1).all() and counted["feasible"].all()


def trail_code_counts(tables: list[dict], codes: pd.DataFrame) -> list[dict]:
    """The published counts of the focus areas' evidence trails (06, 08) over an interview code.

    A trail row of kind "interview code" counts the interviewees who made a *weakness*
    statement with that code tagged to one of the focus area's goals or hazards; its detail
    names the goals and hazards those statements were tagged to, and the trail's goal rows
    name the focus area's goals. Read with the interview report's ``codes`` (each code with
    its goal and valence), a count is about one goal line (``goal``) when every weakness row
    of its code in ``codes`` is on that goal, or when its detail names that goal only and no
    hazard; it is then a lower bound on the line. It is the code's whole count within the
    line (``complete``) when the code is on that goal only and the goal is one of the focus
    area's, since then every statement of the code on the goal is counted.

    Returns one dict per published count: ``code``, ``focus_area_id``, ``value``, ``table``,
    ``where`` (its row), ``goal`` (or None) and ``complete``.
    """
    weak = codes[codes["valence"].eq("weakness")]
    goals_of = weak.groupby("code")["goal_id"].agg(set).to_dict()
    goal_ids, hazard_ids = set(codes["goal_id"]) - {""}, set(codes["hazard_id"]) - {""}
    out = []
    for table in tables:
        frame = table["frame"]
        if table.get("measure") != "evidence_base" or not {"kind", "item", "focus_area_id", "n"} <= set(frame.columns):
            continue
        goal_rows = frame[frame["kind"].eq("goal")]
        fa_goals = goal_rows.groupby("focus_area_id")["item_id"].agg(set).to_dict()
        rows = frame[frame["kind"].eq("interview code") & ~_hidden(frame)]
        for i, row in rows.iterrows():
            value = _number(row["n"])
            if value is None:
                continue
            code, fa = row["item"], row["focus_area_id"]
            tags = set(re.findall(r"[\w.-]+", str(row.get("detail", ""))))
            on = goals_of.get(code, set())
            if len(on) == 1 and "" not in on:
                goal = next(iter(on))
            elif len(tags & goal_ids) == 1 and not tags & hazard_ids:
                goal = next(iter(tags & goal_ids))
            else:
                goal = None
            complete = goal is not None and on == {goal} and goal in fa_goals.get(fa, set())
            out.append({"code": code, "focus_area_id": fa, "value": value, "table": f"{table['report']}/{table['name']}", "where": f"{table['report']}/{table['name']} row {i + 2} ({fa})",
                        "goal": goal, "complete": complete})
    return out


def code_level_problems(tables: list[dict], ranges: pd.DataFrame, min_cell_size: int) -> list[str]:
    """Hidden goal lines of the interview report that counts per interview code narrow or give back.

    A line of ``statements_by_goal`` (a goal as a weakness) counts the interviewees who named
    any of its codes (``codes`` lists each code with its goal and valence, also when its counts
    are hidden). A published count of people raising one code, all of whose rows are on the
    line, is a lower bound on the line, and the line itself when the line has that one code;
    the counts of all the line's codes add up to at least the line (an upper bound). The
    attacker reads every per-code count of the run: 02's ``codes``, ``top_weaknesses`` /
    ``top_strengths``, the ``n_a`` / ``n_b`` of ``code_pairs`` (a code's interviewees over
    both valences: the line's own count when the code has one line) and
    ``statements_by_hazard`` (a shock or stress as a weakness made of exactly the line's
    codes counts the same people), and the focus areas' evidence trails of 06 and 08
    (measure ``evidence_base``: :func:`trail_code_counts`). A line pinned down, or narrowed,
    with the linear programme's bounds, to less than the protection interval, fails.
    """
    by_name = {(t["report"], t["name"]): t for t in tables}
    problems = []
    for (report, name), goals in by_name.items():
        if name != "statements_by_goal" or (report, "codes") not in by_name:
            continue
        codes = by_name[(report, "codes")]["frame"]
        lines_of = codes.groupby("code").apply(lambda f: set(zip(f["goal_id"], f["valence"])), include_groups=False).to_dict()
        lower: dict = {}  # (goal, valence) -> [(count, where, the line itself when it has this one code)]
        upper: dict = {}  # (goal, valence) -> [(count, where)]

        def note(code, valence, value, where):
            """A count of the people who raised ``code`` (as ``valence``, or over both when None)."""
            on = {line for line in lines_of.get(code, set()) if valence is None or line[1] == valence}
            if value is not None and len(on) == 1 and "" not in next(iter(on)):
                lower.setdefault(next(iter(on)), []).append((value, where, True))

        for (goal, valence), rows in codes.groupby(["goal_id", "valence"]):
            shown = rows[~_hidden(rows)]
            for i, row in shown.iterrows():
                value = _number(row["n"])
                if value is not None:
                    lower.setdefault((goal, valence), []).append((value, f"{report}/codes row {i + 2}", len(rows) == 1))
            values = shown["n"].map(_number)
            if len(shown) == len(rows) and values.notna().all():
                upper.setdefault((goal, valence), []).append((float(values.sum()), f"{report}/codes (the sum of its codes)"))
        for table, valence in (("top_weaknesses", "weakness"), ("top_strengths", "strength")):
            if (report, table) in by_name:
                frame = by_name[(report, table)]["frame"]
                for i, row in frame[~_hidden(frame)].iterrows():
                    note(row["code"], valence, _number(row["n"]), f"{report}/{table} row {i + 2}")
        if (report, "code_pairs") in by_name:
            frame = by_name[(report, "code_pairs")]["frame"]
            for i, row in frame[~_hidden(frame)].iterrows():
                for code, column in ((row["code_a"], "n_a"), (row["code_b"], "n_b")):
                    note(code, None, _number(row[column]), f"{report}/code_pairs row {i + 2} ({column})")
        # The evidence trails count the same interviewees again, per focus area.
        trail = trail_code_counts(tables, codes)
        for count in trail:
            if count["goal"] is not None:
                lower.setdefault((count["goal"], "weakness"), []).append((count["value"], count["where"], count["complete"]))
        for where, fa in {(c["table"], c["focus_area_id"]) for c in trail}:
            complete = {c["code"]: c for c in trail if (c["table"], c["focus_area_id"]) == (where, fa) and c["complete"]}
            for line in {(c["goal"], "weakness") for c in complete.values()}:
                line_codes = set(codes.loc[codes["goal_id"].eq(line[0]) & codes["valence"].eq(line[1]), "code"])
                if line_codes <= set(complete):
                    upper.setdefault(line, []).append((sum(complete[c]["value"] for c in line_codes), f"{where} ({fa}, the sum of its codes)"))
        hazard_lines = {}
        if (report, "statements_by_hazard") in by_name:
            frame = by_name[(report, "statements_by_hazard")]["frame"]
            for i, row in frame[~_hidden(frame)].iterrows():
                made_of = frozenset(codes.loc[(codes["hazard_id"] == row["hazard_id"]) & (codes["valence"] == row["valence"]), "code"])
                hazard_lines.setdefault((made_of, row["valence"]), []).append((_number(row["n"]), f"{report}/statements_by_hazard row {i + 2}"))
        frame = goals["frame"]
        for _, line in frame[_hidden(frame)].iterrows():
            goal, valence = line["goal_id"], line["valence"]
            line_codes = codes.loc[(codes["goal_id"] == goal) & (codes["valence"] == valence), "code"].tolist()
            single = len(set(line_codes)) == 1
            bounds = lower.get((goal, valence), [])
            exact = hazard_lines.get((frozenset(line_codes), valence), []) + [(v, w) for v, w, whole in bounds if whole and single]
            if exact:
                problems.append(f"{report}/statements_by_goal: {goal} as a {valence} is hidden but {exact[0][1]} gives it back ({exact[0][0]:g})")
                continue
            tops = upper.get((goal, valence), [])
            if not bounds and not tops:
                continue
            r = ranges[(ranges["measure"] == goals.get("measure")) & ranges["cell"].map(lambda c: c.get("goal_id") == goal and c.get("valence") == valence and len(c) == 2)]
            low, low_where = max([(float(r["lowest"].max()) if len(r) else 1.0, "the linear programme")] + [(v, w) for v, w, _ in bounds])
            high, high_where = min([(float(r["highest"].min()) if len(r) else math.inf, "the linear programme")] + tops)
            if high - low < min_cell_size:
                problems.append(f"{report}/statements_by_goal: {goal} as a {valence} is narrowed to [{low:g}, {high:g}] by {low_where} and {high_where}")
    return problems


def test_the_interview_codes_give_back_no_hidden_goal_line(sample_run):
    """The sample run hides G12 as a weakness and G09 as a strength in statements_by_goal;
    each is one code (land subsidence awareness, new mass transit), whose every count is
    hidden with it."""
    _, ranges = attack(sample_run)
    assert code_level_problems(sample_run, ranges, sample_run[0]["min_cell_size"]) == []
    goals = next(t for t in sample_run if t["name"] == "statements_by_goal")["frame"]
    hidden = set(map(tuple, goals.loc[_hidden(goals), ["goal_id", "valence"]].values.tolist()))
    assert {("G12", "weakness"), ("G09", "strength")} <= hidden


def test_the_code_level_attack_finds_a_code_count_that_gives_back_its_line(sample_run):
    """Planted: the code of G12 as a weakness published in a copy of the codes table."""
    _, ranges = attack(sample_run)
    copy = [dict(t, frame=t["frame"].copy()) for t in sample_run]
    codes = next(t for t in copy if t["name"] == "codes")["frame"]
    row = codes.index[codes["code"] == "land subsidence awareness"][0]
    codes.loc[row, ["n", "suppressed", "suppression"]] = ["6", "False", ""]
    found = code_level_problems(copy, ranges, sample_run[0]["min_cell_size"])
    assert any("G12 as a weakness" in p and "codes row" in p for p in found), found


def _hide(frame: pd.DataFrame, rows) -> None:
    frame.loc[rows, ["n", "suppressed", "suppression"]] = ["", "True", "complementary"]


def test_the_code_level_attack_reads_the_focus_areas_evidence_trail(sample_run):
    """The evidence trail of 06 counts, per focus area, the interviewees who raised a code as
    a weakness on its goals or hazards. Planted in a copy of the run: land subsidence
    awareness (G12 as a weakness's only code) published under FA1, whose goals include G12,
    gives the hidden line back; under FA3 (through land subsidence, ST01, not G12) it is a
    lower bound only. With G11 as a weakness hidden, its two codes under FA2 pin it between
    the larger (16) and their sum."""
    _, ranges = attack(sample_run)
    min_cell_size = sample_run[0]["min_cell_size"]
    copy = [dict(t, frame=t["frame"].copy()) for t in sample_run]
    trail = next(t for t in copy if t["report"] == "06_focus_areas_session" and t["name"] == "evidence_trail")["frame"]
    land = trail["item"].eq("land subsidence awareness")
    trail.loc[land & trail["focus_area_id"].eq("FA3"), ["n", "suppressed", "suppression"]] = ["6", "False", ""]
    assert code_level_problems(copy, ranges, min_cell_size) == [], "a count through a hazard is a lower bound, not the line"
    trail.loc[land & trail["focus_area_id"].eq("FA1"), ["n", "suppressed", "suppression"]] = ["6", "False", ""]
    found = code_level_problems(copy, ranges, min_cell_size)
    assert any("G12 as a weakness" in p and "06_focus_areas_session/evidence_trail row" in p and "(FA1)" in p for p in found), found

    copy = [dict(t, frame=t["frame"].copy()) for t in sample_run]
    frames = {(t["report"], t["name"]): t["frame"] for t in copy}
    goals, codes = frames[("02_interviews", "statements_by_goal")], frames[("02_interviews", "codes")]
    _hide(goals, goals["goal_id"].eq("G11") & goals["valence"].eq("weakness"))
    _hide(codes, codes["goal_id"].eq("G11"))
    assert code_level_problems(copy, ranges, min_cell_size) == [], "16 and 8 leave G11 as a weakness 16 to 24"
    # The run hides the trail's counts of both codes with the line; published, 16 and 3 pin it.
    trail = frames[("06_focus_areas_session", "evidence_trail")]
    fa2 = trail["focus_area_id"].eq("FA2")
    trail.loc[trail["item"].eq("flood early warning") & fa2, ["n", "suppressed", "suppression"]] = ["16", "False", ""]
    trail.loc[trail["item"].eq("community participation") & fa2, ["n", "suppressed", "suppression"]] = ["3", "False", ""]
    found = code_level_problems(copy, ranges, min_cell_size)
    assert any("G11 as a weakness is narrowed to [16, 19]" in p and "evidence_trail" in p for p in found), found


def test_the_statements_per_group_and_valence_leave_no_goal_cell_alone_in_its_line(sample_run):
    """The interviewees table publishes each group's statements as a weakness and as a
    strength; on the sample they are the sums over goals of statements_by_goal_and_group's
    n_statements, and n equals n_statements in most cells. A line (valence, group) with one
    hidden cell would give it back: the interview report takes those sums as public."""
    frames = {t["name"]: t for t in sample_run if t["report"] == "02_interviews"}
    summary = frames["interviewees"]["frame"].set_index("stakeholder_group")
    assert frames["statements_by_goal_and_group"]["margins"] == ["goal_id", "stakeholder_group"]
    assert frames["statements_by_goal"]["margins"] == ["goal_id"]
    lines = [(frames["statements_by_goal_and_group"]["frame"], ["valence", "stakeholder_group"]), (frames["statements_by_goal"]["frame"].assign(stakeholder_group="(all)"), ["valence", "stakeholder_group"])]
    checked, withheld = 0, 0
    for frame, keys in lines:
        for (valence, group), line in frame.groupby(keys):
            total = _number(summary.at[group, f"n_{valence}"]) if group in summary.index else None
            if total is None:
                # withheld where they would narrow the group's hidden cells (test_statement_disclosure)
                withheld += group in summary.index and summary.at[group, "statements_withheld"] == "True"
                continue
            shown = line.loc[~_hidden(line), "n_statements"].map(_number)
            hidden = int(_hidden(line).sum())
            checked += 1
            assert hidden != 1, f"{valence}/{group}: one hidden cell, {total:g} - {shown.sum():g} statements"
    # government's two lines and everyone's; academia's, community's and the private sector's are withheld
    assert checked >= 4 and checked + withheld >= 8, (checked, withheld)


def test_the_html_reports_write_no_small_count_and_say_what_is_suppressed(sample_reports_en, sample_run):
    assert html_problems(Path(sample_reports_en) / ASSESSMENT_ID, sample_run[0]["min_cell_size"]) == []


def test_the_html_tables_and_the_figures_show_no_count_the_csvs_do_not_publish(sample_reports_en, sample_run):
    """Issue 11, item 3: the HTML tables, parsed as a scraper would, and the value labels of
    the SVG figures (the session run writes SVG too) add no count to the CSVs."""
    folder = Path(sample_reports_en) / ASSESSMENT_ID
    assert html_table_problems(folder) == []
    counted = sum("n" in t["header"] for page in folder.glob("*/*.html") for t in html_tables(page))
    assert counted >= 30, f"the reports' tables were read ({counted} with an n column)"
    assert list(folder.glob("*/figures/*.svg")), "the session run writes SVG figures"
    assert figure_count_problems(folder, sample_run[0]["min_cell_size"]) == []


def test_the_indonesian_html_tables_show_no_count_the_csvs_do_not_publish(sample_reports_id):
    """The same reading of the Indonesian reports, whose numbers are written 1.000,5."""
    folder = Path(sample_reports_id) / ASSESSMENT_ID
    assert html_table_problems(folder, lang="id") == []
    assert sum("n" in t["header"] for page in folder.glob("*/*.html") for t in html_tables(page)) >= 30


def _one_table_report(root: Path, shown_n: str, hidden_mean: str = "suppressed") -> Path:
    report = root / "01_questionnaire"
    (report / "tables").mkdir(parents=True)
    (report / "tables" / "_tables.json").write_text(json.dumps({"min_cell_size": 5, "tables": {"scores_by_area": {
        "count": "n", "measure": "goal_raters", "dims": ["area"], "activity_id": "questionnaire", "columns": [], "other_counts": {}}}}))
    (report / "tables" / "scores_by_area.csv").write_text(
        "area,n,mean,suppressed,suppression\nnorth,40,2.5,False,\nsouth,,,True,primary\neast,,,True,complementary\n")
    rows = [("North", "40", "2.50"), ("South", shown_n, hidden_mean), ("East", "suppressed", "suppressed")]
    body = "".join(f"<tr><td>{a}</td><td>{n}</td><td>{m}</td></tr>" for a, n, m in rows)
    (report / "01_questionnaire.html").write_text(f"<table><thead><tr><th>Area</th><th>n</th><th>Mean</th></tr></thead><tbody>{body}</tbody></table>")
    return report


def test_the_html_table_check_finds_a_hidden_number_and_a_count_no_csv_carries(tmp_path):
    _one_table_report(tmp_path / "ok", "suppressed")
    assert html_table_problems(tmp_path / "ok") == []
    _one_table_report(tmp_path / "mean", "suppressed", hidden_mean="4.67")
    problems = html_table_problems(tmp_path / "mean")
    assert len(problems) == 1 and "4.67" in problems[0] and "row 2" in problems[0]
    _one_table_report(tmp_path / "count", "3")
    problems = html_table_problems(tmp_path / "count")
    assert len(problems) == 1 and "not those of any published table" in problems[0]


def test_the_figure_check_reads_counts_from_svg_text(tmp_path):
    report = _one_table_report(tmp_path, "suppressed")
    (report / "figures").mkdir()
    svg = report / "figures" / "heatmap_by_area.svg"
    svg.write_text("<svg><g id='text_1'><!-- North (n = 40) --></g><!-- n = 120 actions in the inventory --></svg>")
    assert figure_count_problems(tmp_path, 5) == []
    svg.write_text("<svg><g id='text_1'><!-- South (n = 3) --></g><g><!-- (n = 38–40) --></g></svg>")
    problems = figure_count_problems(tmp_path, 5)
    assert len(problems) == 2 and "n = 3" in problems[0] and "n = 38" in problems[1]


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


def _answers(groups: dict) -> pd.DataFrame:
    """Answers per category (1-3 and don't know) of goal G01 by stakeholder group."""
    rows = []
    for group, counts in groups.items():
        n = sum(counts)
        rows += [{"goal_id": "G01", "stakeholder_group": group, "category": c, "count": k, "share": k / n, "n": n} for c, k in zip(["1", "2", "3"], counts)]
        rows.append({"goal_id": "G01", "stakeholder_group": group, "category": "dont_know", "count": 1, "share": 1 / (n + 1), "n": n})
    return pd.DataFrame(rows)


def _publish_answers(root: Path, by_group: pd.DataFrame, truth: pd.DataFrame) -> list[dict]:
    """The goal's answers (from ``truth``) and its answers by group as given, as two reports' tables."""
    from pra_lib.publishing.report import Report

    report = Report(root / "01_questionnaire", min_cell_size=5, activity_id="questionnaire")
    total = truth.groupby(["goal_id", "category"], sort=False, as_index=False)[["count"]].sum()
    total["n"] = int(truth.drop_duplicates("stakeholder_group")["n"].sum())
    report.table(total, "answers_per_goal", dims=["goal_id"], measure="goal_raters",
                 other_counts={"count": {"measure": "goal_answers", "dims": {"goal_id": "goal_id", "category": "category"}}})
    report.table(by_group, "answers_per_goal_by_group", dims=["goal_id", "stakeholder_group"], measure="goal_raters",
                 other_counts={"count": {"measure": "goal_answers", "dims": {"goal_id": "goal_id", "stakeholder_group": "stakeholder_group", "category": "category"}}})
    return load_run(root)


def test_a_group_that_answered_alike_is_withheld_with_a_companion(tmp_path):
    """Issue 11: per-category answer counts. Seven of eight private-sector respondents rating
    G01 "poor" tells every one of them what they (probably) said: group disclosure."""
    from pra_lib.publishing.disclosure import protect_distributions

    answers = _answers({"gov": [10, 12, 9], "aca": [6, 4, 5], "pri": [0, 7, 1]})
    problems, _ = attack(_publish_answers(tmp_path / "published", answers, answers))
    assert any("1 of 8 answered outside" in p for p in problems), problems
    # Withheld alone, the total gives it back: 23 "poor" answers minus the published 16.
    alone = answers.copy()
    alone.loc[alone["stakeholder_group"].eq("pri") & alone["category"].ne("dont_know"), ["count", "share"]] = np.nan
    problems, _ = attack(_publish_answers(tmp_path / "alone", alone, answers))
    assert any("at least 7 of 8 gave this answer" in p for p in problems), problems
    protected = protect_distributions(answers, cells=["goal_id", "stakeholder_group"], within=["goal_id"], min_cell_size=5)
    why = pd.Series(protected.attrs["answers_withheld"], index=protected.index).groupby(protected["stakeholder_group"]).first()
    assert why.to_dict() == {"aca": "complementary", "gov": "", "pri": "primary"}, "the smallest other group protects it"
    assert protected.loc[protected["answers_withheld"] & protected["category"].ne("dont_know"), "count"].isna().all()
    assert protected["n"].tolist() == answers["n"].tolist(), "the groups' n stay published"
    problems, _ = attack(_publish_answers(tmp_path / "protected", protected, answers))
    assert problems == [], problems


def test_small_answer_counts_in_a_mixed_group_are_published():
    """One or two answers in a category of a published, mixed group disclose no one."""
    from pra_lib.publishing.disclosure import protect_distributions

    answers = _answers({"gov": [2, 9, 3], "aca": [2, 3, 6]})
    out = protect_distributions(answers, cells=["goal_id", "stakeholder_group"], within=["goal_id"], min_cell_size=5)
    assert not out["answers_withheld"].any() and out["count"].tolist() == answers["count"].tolist()
    everyone_alike = protect_distributions(_answers({"gov": [0, 9, 0]}), cells=["goal_id", "stakeholder_group"], min_cell_size=5)
    assert everyone_alike["answers_withheld"].all() and set(everyone_alike.attrs["answers_withheld"]) == {"primary"}
    assert everyone_alike.loc[everyone_alike["category"] == "dont_know", "count"].tolist() == [1], "don't know is not an answer on the scale"


# Interviewees raising each goal, by group, from a generated assessment: government's and
# private's groups are hidden by the plan, so most rows have several small hidden cells. A
# last resort that hid the rest of a margin line here pinned other cells to 1 (a hidden
# cell is never empty, so a row of ones adds up to its number of cells).
_INTERVIEW_CELLS = """goal_id,valence,stakeholder_group,n,planned
G10,weakness,government,4,complementary
G11,weakness,government,3,complementary
G09,weakness,government,2,complementary
G12,weakness,government,2,complementary
G01,weakness,government,2,complementary
G03,weakness,government,2,complementary
G05,weakness,government,2,complementary
G08,weakness,government,1,complementary
G10,weakness,academia,13,
G11,weakness,academia,11,
G08,weakness,academia,8,
G03,weakness,academia,3,
G12,weakness,academia,3,
G01,weakness,academia,3,
G05,weakness,academia,2,
G09,weakness,academia,2,
G11,weakness,private,6,complementary
G10,weakness,private,6,complementary
G09,weakness,private,4,complementary
G08,weakness,private,3,complementary
G05,weakness,private,2,complementary
G12,weakness,private,2,complementary
G01,weakness,private,1,complementary
G03,weakness,private,1,complementary
G10,weakness,community,1,primary
G11,weakness,community,1,primary
G01,weakness,community,1,primary
G04,strength,government,4,complementary
G09,strength,government,3,complementary
G06,strength,government,2,complementary
G09,strength,academia,5,
G04,strength,academia,3,
G06,strength,academia,2,
G09,strength,private,3,complementary
G04,strength,private,2,complementary
G06,strength,private,1,complementary
G06,strength,community,1,primary
"""


def _as_published(frame: pd.DataFrame, name: str, **spec) -> dict:
    """A table as :func:`load_run` reads it back from its CSV."""
    import io

    text = pd.read_csv(io.StringIO(frame.to_csv(index=False)), dtype=str, keep_default_na=False)
    return {"report": "02_interviews", "name": name, "frame": text, "min_cell_size": 5, "activity_id": "questionnaire/interviewees", "other_counts": {}, **spec}


def test_complementary_suppression_never_leaves_a_hidden_count_recoverable():
    import io
    import warnings

    from pra_lib.publishing.disclosure import suppress

    cells = pd.read_csv(io.StringIO(_INTERVIEW_CELLS), keep_default_na=False)
    dims = ["goal_id", "valence", "stakeholder_group"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "suppressed cell(s) remain recoverable" would fail here
        by_group = suppress(cells.drop(columns="planned"), dims=dims, hide=cells["planned"])
    assert by_group.loc[cells["n"].between(1, 4), "suppressed"].all(), "every small cell is hidden"
    # The published tables, as a reader holds them: no hidden count is pinned down.
    by_goal = suppress(cells.groupby(["goal_id", "valence"], as_index=False, sort=False)["n"].sum(), dims=["goal_id", "valence"])
    tables = [_as_published(by_goal, "statements_by_goal", count="n", measure="interviewees_by_goal", dims=["goal_id", "valence"]),
              _as_published(by_group, "statements_by_goal_and_group", count="n", measure="interviewees_by_goal", dims=dims)]
    problems, ranges = attack(tables)
    assert problems == [] and len(ranges) >= 30 and not (ranges["highest"] - ranges["lowest"] < 0.5).any()


def test_typed_file_check_catches_the_word_and_a_leaked_outcome():
    frame = pd.DataFrame({"goal_id": ["G1", "G2"], "n": ["12", "suppressed"], "interpretation": ["low", "low"], "suppressed": ["False", "True"]})
    problems = typed_file_problems({"report": "r", "name": "t", "frame": frame, "count": "n", "dims": ["goal_id"]})
    assert any("the word 'suppressed'" in p for p in problems)
    assert any("interpretation" in p for p in problems)


# --- Linked interview tables: goal lines only suppression across tables protects -------------

# (The generated assessments, run through the notebooks or published table by table with
# hypothesis, are attacked in test_disclosure_attack_runs.py.)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

GROUPS = ("government", "academia", "private", "community")
# One goal line every cell of which is small (1 or 2 interviewees in 3 or 4 groups) with a
# total of at least 5: its total is published on its own, yet leaves each cell fewer than 5
# values. Other goal lines hold at least 10 interviewees, in any groups, some small.
linked_only_line = st.lists(st.integers(1, 2), min_size=3, max_size=4).filter(lambda v: sum(v) >= 5)
other_line = st.tuples(st.sampled_from(["weakness", "strength"]), st.lists(st.integers(0, 9), min_size=4, max_size=4).filter(lambda v: sum(v) >= 10))


def _interview_goal_tables(line: list, others: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interviewees naming each goal by group (rows with someone in them only), and by goal."""
    rows = [{"goal_id": "G12", "valence": "weakness", "stakeholder_group": g, "n": k} for g, k in zip(GROUPS, line)]
    for number, (valence, counts) in enumerate(others, start=1):
        rows += [{"goal_id": f"G{number:02d}", "valence": valence, "stakeholder_group": g, "n": k} for g, k in zip(GROUPS, counts) if k]
    by_group = pd.DataFrame(rows)
    by_goal = by_group.groupby(["goal_id", "valence"], as_index=False, sort=False)["n"].sum()  # groups split the interviewees
    return by_goal, by_group


def _publish_interview_goal_tables(root: Path, by_goal: pd.DataFrame, by_group: pd.DataFrame, *, linked: bool) -> list[dict]:
    from pra_lib.publishing.report import Report

    report = Report(root / "02_interviews", min_cell_size=5, activity_id="questionnaire/interviewees")
    dims = {"statements_by_goal": ["goal_id", "valence"], "statements_by_goal_and_group": ["goal_id", "valence", "stakeholder_group"]}
    if linked:
        report.link_tables({"statements_by_goal": by_goal, "statements_by_goal_and_group": by_group}, dims=dims, measure="interviewees_by_goal")
    for name, frame in (("statements_by_goal", by_goal), ("statements_by_goal_and_group", by_group)):
        report.table(frame, name, dims=dims[name], measure="interviewees_by_goal")
    return load_run(root)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=linked_only_line, others=st.lists(other_line, min_size=2, max_size=6))
def test_a_goal_line_only_suppression_across_tables_protects_is_protected(tmp_path_factory, line, others):
    """Issue 11, item 1: a goal line whose every group is hidden under a total published in
    the table by goal. Each table protected on its own leaves each of those counts fewer
    than 5 values (the control below); chosen together, the total is hidden too, with what
    the table by goal then needs, and no hidden count of either table is narrower than 5."""
    import warnings

    by_goal, by_group = _interview_goal_tables(line, others)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        alone = _publish_interview_goal_tables(tmp_path_factory.mktemp("alone"), by_goal, by_group, linked=False)
        root = tmp_path_factory.mktemp("linked")
        together = _publish_interview_goal_tables(root, by_goal, by_group, linked=True)
    # Protected table by table, the line is exposed, and only across tables could it be helped.
    _, ranges = attack(alone)
    exposed = narrow(ranges, 5, alone)
    assert ("interviewees_by_goal", "G12", "weakness") in linked_only_lines(exposed), exposed.to_string()
    problems, ranges = attack(together)
    assert problems == [], "\n".join(problems)
    assert narrow(ranges, 5, together).empty, narrow(ranges, 5, together).to_string()
    published = next(t["frame"] for t in together if t["name"] == "statements_by_goal")
    total = published[published["goal_id"].eq("G12")].iloc[0]
    assert (total["n"], total["suppression"]) == ("", "complementary"), "the goal's total is hidden to protect its groups"
    declared = json.loads((root / "02_interviews" / "tables" / "_tables.json").read_text())["linked"]
    assert {"table": "statements_by_goal", "cell": {"goal_id": "G12", "valence": "weakness"}, "protects": "statements_by_goal_and_group"} in [
        {k: d[k] for k in ("table", "cell", "protects")} for d in declared], "the run records why the total is hidden"


def test_a_rerun_of_a_notebook_gives_byte_identical_files(sample_reports_en, tmp_path):
    """Issue 11, item 5: the data overview run again gives the same tables, workbook and figures."""
    from pra_lib.runner import run_reports

    summary = run_reports([Path(__file__).resolve().parents[1] / "data" / "sample"], out=tmp_path, only=["00"], jobs=1, parameters={"lang": "en", "figure_formats": "png,svg"}, progress=lambda line: None)  # as the session run
    assert summary.ok
    first = Path(sample_reports_en) / ASSESSMENT_ID / "00_data_overview"
    again = tmp_path / ASSESSMENT_ID / "00_data_overview"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and p.suffix in (".csv", ".json", ".xlsx", ".png", ".svg"))
    assert any(p.suffix == ".xlsx" for p in files) and any(p.name == "_tables.json" for p in files)
    different = [str(p) for p in files if (again / p).read_bytes() != (first / p).read_bytes()]
    assert different == []


# --- Bounds from a category's size and from the statements ------------------------------------

def _interviewees(n_weakness: int | None = None) -> pd.DataFrame:
    """The interviewees table: a group's interviewees (the size of every cell of its group)."""
    sizes = {"government": 7, "academia": 5, "private": 6, "community": 7}
    rows = [{"stakeholder_group": g, "n": n, "n_weakness": "", "suppressed": False, "suppression": ""} for g, n in sizes.items()]
    rows.append({"stakeholder_group": "(all)", "n": sum(sizes.values()), "n_weakness": "" if n_weakness is None else n_weakness, "suppressed": False, "suppression": ""})
    return pd.DataFrame(rows).assign(n_strength="")


def _goal_rows(lines: dict) -> pd.DataFrame:
    """``{goal: [(n or None, suppression) per group]}`` as the table by goal and group."""
    rows = [{"goal_id": goal, "valence": "weakness", "stakeholder_group": g, "n": "" if n is None else n, "n_statements": "" if n is None else n,
             "suppressed": n is None, "suppression": why} for goal, cells in lines.items() for g, (n, why) in zip(GROUPS, cells)]
    return pd.DataFrame(rows)


def _interview_run(by_goal: pd.DataFrame, by_group: pd.DataFrame, interviewees: pd.DataFrame | None) -> list[dict]:
    spec = dict(count="n", measure="interviewees_by_goal", other_counts={"n_statements": None})
    tables = [_as_published(by_goal, "statements_by_goal", dims=["goal_id", "valence"], **spec),
              _as_published(by_group, "statements_by_goal_and_group", dims=["goal_id", "valence", "stakeholder_group"], **spec)]
    if interviewees is not None:
        tables.append(_as_published(interviewees, "interviewees", dims=["stakeholder_group"], count="n", measure="interviewees",
                                    other_counts={"n_weakness": None, "n_strength": None}))
    return tables


def _range_of(ranges: pd.DataFrame, **cell) -> tuple:
    row = ranges[ranges["cell"].map(lambda c: c == {**cell, "valence": "weakness"})].iloc[0]
    return row["lowest"], row["highest"]


def test_a_groups_interviewees_bound_each_of_its_cells():
    """The sample's G11 line as published before its total was hidden: 20 interviewees, with
    community's 6 published and government (complementary), academia and the private sector
    (primary) hidden. Each cell is at most its group's interviewees (7, 5, 6), which the
    interviewees table publishes, so government is 14 less at most 11: 3 to 7, 5 values where
    the protection interval asks for 6 (1 to 7 is what its group's size alone leaves it)."""
    P, C = "primary", "complementary"
    by_group = _goal_rows({"G10": [(6, ""), (5, ""), (6, ""), (7, "")], "G11": [(None, C), (None, P), (None, P), (6, "")]})
    by_goal = pd.DataFrame({"goal_id": ["G10", "G11"], "valence": "weakness", "n": [24, 20], "n_statements": [24, 20], "suppressed": False, "suppression": ""})
    problems, ranges = attack(_interview_run(by_goal, by_group, _interviewees()))
    assert problems == [], problems
    assert _range_of(ranges, goal_id="G11", stakeholder_group="government") == (3, 7)
    assert _range_of(ranges, goal_id="G11", stakeholder_group="private") == (2, 6)
    exposed = narrow(ranges, 5)
    assert {c["stakeholder_group"] for c in exposed["cell"]} == {"government", "private"}, exposed.to_string()
    assert ranges.loc[ranges["cell"].map(lambda c: c.get("stakeholder_group") == "government"), "category_size"].tolist() == [7]
    # Academia's 1 to 5 is all its group of 5 leaves it: wide enough.
    assert _range_of(ranges, goal_id="G11", stakeholder_group="academia") == (1, 5)
    # Without the interviewees table the reader has no size: government is 1 to 12.
    _, blind = attack(_interview_run(by_goal, by_group, None))
    assert _range_of(blind, goal_id="G11", stakeholder_group="government") == (1, 12) and narrow(blind, 5).empty


def test_the_statements_bound_hidden_goal_lines_whose_groups_are_all_hidden():
    """The sample's weaknesses as published before G11's total was hidden: G03, G05 and G12
    hidden with every group of theirs (3, 3 and 4 cells, each at least 1). Interviewees naming
    a goal made a statement on it each, and all interviewees' weakness statements (47 here)
    less the published lines' (33) leave 14 for the three: G03 and G05 are 3 to 7, G12 4 to 8."""
    P = "primary"
    lines = {"G10": [(6, ""), (5, ""), (6, ""), (7, "")], "G01": [(2, ""), (2, ""), (3, ""), (2, "")],
             "G03": [(None, P), (None, P), (None, P), (0, "")], "G05": [(None, P), (0, ""), (None, P), (None, P)],
             "G12": [(None, P), (None, P), (None, P), (None, P)]}
    by_group = _goal_rows(lines)
    by_goal = pd.DataFrame({"goal_id": list(lines), "valence": "weakness", "n": [24, 9, "", "", ""], "n_statements": [24, 9, "", "", ""],
                            "suppressed": [False, False, True, True, True], "suppression": ["", "", P, P, "complementary"]})
    problems, ranges = attack(_interview_run(by_goal, by_group, _interviewees(n_weakness=47)), statements=True)
    assert problems == [], problems
    assert [_range_of(ranges, goal_id=g) for g in ("G03", "G05", "G12")] == [(3, 7), (3, 7), (4, 8)]
    assert {c["goal_id"] for c in narrow(ranges, 5)["cell"]} >= {"G03", "G05", "G12"}
    # Without everyone's statements the three are bounded by the interviewees only.
    _, blind = attack(_interview_run(by_goal, by_group, _interviewees()), statements=True)
    assert _range_of(blind, goal_id="G12") == (4, 25) and not {c.get("goal_id") for c in narrow(blind, 5)["cell"] if "stakeholder_group" not in c} & {"G03", "G05", "G12"}


def test_the_attack_finds_the_g11_line_narrowed_by_its_groups_sizes_in_a_copy_of_the_run(sample_run):
    """The sample run before category sizes were used: G11 as a weakness published (20 of
    25 interviewees) in statements_by_goal. The groups' interviewees (7, 5, 6, 7) then leave
    government's hidden cell 3 to 7 and the private sector's 2 to 6."""
    from pra_lib.assessment import load_assessment
    from pra_lib.interviews.statements import interview_codes

    from .conftest import SAMPLE

    tables = [dict(t) for t in sample_run]
    where = next(i for i, t in enumerate(tables) if t["name"] == "statements_by_goal")
    frame = tables[where]["frame"].copy()
    line = frame["goal_id"].eq("G11") & frame["valence"].eq("weakness")
    assert frame.loc[line, "suppressed"].eq("True").all(), "the run hides G11 as a weakness"
    truth = interview_codes(load_assessment(SAMPLE), level="goal", activity_id="questionnaire").set_index(["goal_id", "valence"]).loc[("G11", "weakness")]
    frame.loc[line, ["n", "n_statements", "share_of_interviewees", "suppressed", "suppression"]] = [str(int(truth["n"])), str(int(truth["n_statements"])), str(truth["share_of_interviewees"]), "False", ""]
    tables[where] = {**tables[where], "frame": frame}
    _, ranges = attack(tables, statements=True)
    exposed = narrow(ranges, sample_run[0]["min_cell_size"], tables)
    found = {c["stakeholder_group"]: (lo, hi) for c, lo, hi in zip(exposed["cell"], exposed["lowest"], exposed["highest"]) if c.get("goal_id") == "G11"}
    assert found == {"government": (3, 7), "private": (2, 6)}, exposed.to_string()
