"""The attacker who reads the labels: ``primary`` and ``complementary`` give bounds away.

Every published table says why a hidden cell is hidden: ``primary`` (its count is 1 to
``min_cell_size - 1``) or ``complementary`` (hidden to protect another, so at least
``min_cell_size``), and the XLSX note says "fewer than 5 people". sdcTable and tau-ARGUS
audit a primary-suppressed cell within 1..k-1 for the same reason (Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, section 4.2). A reader holding the labels
narrows what a reader who ignores them cannot: in the interview report's goal-by-group
table a line of total 20 with 6 and 6 published and two primary cells hidden gives both
back (8 with each at most 4: both are 4).

The protection interval for labelled cells (README, "Privacy and disclosure"): given
everything published and every hidden count within its label's bounds, a primary cell keeps
every value 1..k-1 (the reader learns nothing beyond its label) and no hidden count is
pinned to one value. Here it is checked on constructed tables (each solved by a linear
programme written in the test, not the library's), and on the whole sample run: the linear
programme of ``test_disclosure_attack.attack`` (all CSVs of all reports, all linked tables
at once), with each hidden count a table rests on bounded by its label.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pra_lib.publishing.disclosure import PRIMARY, audit, suppress

from .test_disclosure_attack import ASSESSMENT_ID, _hidden, _key, attack, counted_columns, load_run

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
K = 5
GROUPS = ["government", "academia", "private", "community"]


def _label_ranges(table: pd.DataFrame, published: pd.DataFrame, lines: list[list[str]], extra=(), *, labelled: bool = True) -> dict:
    """Each hidden row's (lowest, highest) for a reader who holds the sums of ``table``'s
    rows over each of ``lines`` (lists of columns that fix a line) and the ``extra`` sums
    (row positions), and bounds each hidden count by its label: primary 1..K-1,
    complementary at least K (``labelled=False``: each at least 1, the labels ignored)."""
    from scipy.optimize import linprog

    hidden = published["suppressed"].to_numpy(dtype=bool)
    unknown = np.flatnonzero(hidden)
    counts = table["n"].to_numpy(dtype=float)
    sums = [np.asarray(idx) for by in lines for idx in table.groupby(by).indices.values()] + [np.asarray(e) for e in extra]
    a_eq = [np.isin(unknown, s).astype(float) for s in sums if hidden[s].any()]
    b_eq = [counts[s][hidden[s]].sum() for s in sums if hidden[s].any()]
    bounds = [((1, K - 1) if published.at[i, "suppression"] == PRIMARY else (K, None)) if labelled else (1, None) for i in unknown]
    out = {}
    for j, i in enumerate(unknown):
        c = np.zeros(len(unknown))
        c[j] = 1
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0, f"row {i}: the labels contradict the published sums"
        out[int(i)] = (round(low.fun, 6), round(-high.fun, 6) if high.status == 0 else math.inf)
    return out


def _labelled_problems(published: pd.DataFrame, ranges: dict) -> list[str]:
    problems = []
    for i, (lo, hi) in ranges.items():
        label = published.at[i, "suppression"]
        if hi - lo < 0.5:
            problems.append(f"row {i} ({label}) pinned to {lo:g}")
        elif label == PRIMARY and (lo > 1 or hi < K - 1):
            problems.append(f"row {i} (primary) narrowed to {lo:g}..{hi:g}")
    return problems


def _g11_table() -> pd.DataFrame:
    """Interviewees naming a goal as a weakness, by stakeholder group: the sample's G11 line
    (total 20: government 6, academia 4, private 4, community 6), between two other lines."""
    n = {"G10": [10, 3, 2, 12], "G11": [6, 4, 4, 6], "G12": [9, 8, 7, 15]}
    return pd.DataFrame([(g, grp, v) for g, vs in n.items() for grp, v in zip(GROUPS, vs)], columns=["goal_id", "stakeholder_group", "n"])


def test_two_primary_cells_alone_under_a_published_total_get_a_companion():
    """The G11 case: the line's total (published in the table by goal) is the only public
    sum. Academia and private, 4 and 4, are hidden as primary; each alone keeps 1..7 for a
    reader who ignores the labels (8 - 1), but with the labels 8 = 4 + 4 gives both back.
    A companion (the smallest published cell of the line) must be hidden with them."""
    table = _g11_table()
    published = suppress(table, dims=["goal_id", "stakeholder_group"], margins=["stakeholder_group"])
    g11 = published[published["goal_id"] == "G11"].set_index("stakeholder_group")["suppression"]
    assert g11["academia"] == g11["private"] == PRIMARY
    assert (g11[["government", "community"]] != "").any(), "a companion is hidden in the G11 line"
    ranges = _label_ranges(table, published, [["goal_id"]])
    assert _labelled_problems(published, ranges) == []
    for i in np.flatnonzero(published["suppression"].eq(PRIMARY)):
        assert ranges[int(i)] == (1, K - 1), (published.loc[i].tolist(), ranges[int(i)])
    # The rule for a reader who ignores the labels still holds: 5 values or more.
    plain = _label_ranges(table, published, [["goal_id"]], labelled=False)
    assert all(hi - lo >= K for lo, hi in plain.values()), plain


def test_the_reader_with_labels_recovers_the_g11_line_when_only_the_primary_cells_are_hidden():
    """The attack is real: the pattern the engine chose before (the two primary cells only)
    gives both back to a reader of the labels, while a reader who ignores them sees 1..7."""
    table = _g11_table()
    g11 = table["goal_id"].eq("G11").to_numpy()
    naive = table.assign(n=table["n"].astype("Int64").mask(g11 & (table["n"] < K)), suppressed=g11 & (table["n"] < K))
    naive["suppression"] = np.where(naive["suppressed"], PRIMARY, "")
    assert sorted(_label_ranges(table, naive, [["goal_id"]]).values()) == [(4, 4), (4, 4)]
    assert sorted(_label_ranges(table, naive, [["goal_id"]], labelled=False).values()) == [(1, 7), (1, 7)]
    # disclosure.audit reads the labels the same way when asked to (the line as one list)
    line = table[g11].reset_index(drop=True)
    shown = naive[g11].reset_index(drop=True)
    assert audit(shown, true_counts=line["n"], min_cell_size=K)[["lowest", "highest"]].values.tolist() == [[1, 7], [1, 7]]
    assert audit(shown, true_counts=line["n"], min_cell_size=K, labels=True)[["lowest", "highest"]].values.tolist() == [[4, 4], [4, 4]]


def test_a_complementary_label_is_a_lower_bound_the_engine_respects():
    """A primary 3 with a complementary 5 in a list of total 20 (12 published): the labels
    say 3 is 1..4 and 5 at least 5, so 3 + 5 = 8 leaves the primary cell 1..3 only. Another
    companion is needed; the cautious rule (a protection interval of 5 for a reader
    ignoring the labels) already asks for one, and the labels must not be narrower."""
    table = pd.DataFrame({"area": list("abcde"), "n": [3, 5, 12, 30, 40]})
    published = suppress(table)
    ranges = _label_ranges(table, published, [], extra=[np.arange(len(table))])
    assert _labelled_problems(published, ranges) == []
    assert ranges[0] == (1, K - 1)


def _linked_pair(by_group: pd.DataFrame):
    """The table by goal and the table by goal and group, suppressed together as the
    interview report does (the line totals are the only public sums of the finer table)."""
    from pra_lib.publishing.disclosure_linked import LinkedTable, link_tables, linked_rows

    by_goal = by_group.groupby("goal_id", as_index=False)["n"].sum()
    dims = {"by_goal": ["goal_id"], "by_group": ["goal_id", "stakeholder_group"]}
    found = link_tables({"by_goal": LinkedTable(by_goal, dims["by_goal"], margins=[]), "by_group": LinkedTable(by_group, dims["by_group"], margins=["stakeholder_group"])}, min_cell_size=K)

    def published(name, table, margins):
        return suppress(table, dims=dims[name], margins=margins, linked=linked_rows(table, dims[name], found.loc[found["table"] == name, "cell"]), min_cell_size=K)

    coarse, fine = published("by_goal", by_goal, []), published("by_group", by_group, ["stakeholder_group"])
    # the sums a reader holds: each total the table by goal publishes
    totals = [np.flatnonzero(by_group["goal_id"].eq(g)) for g, hidden in zip(coarse["goal_id"], coarse["suppressed"]) if not hidden]
    return coarse, fine, totals


def test_generated_linked_tables_keep_the_label_range_of_every_primary_cell():
    """Goal-by-group tables of interview counts with random small cells, published with the
    table by goal: every primary cell keeps 1..K-1 for a reader of the labels holding both,
    and none is pinned. A line whose cells cannot all keep it under a published total (6,
    1, 1: with 6 at least 5, the two 1s are at most 2) has its total hidden."""
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(12):
        counts = rng.choice([0, 1, 2, 3, 4, 6, 7, 9, 14], size=(4, 4))
        table = pd.DataFrame([(f"G{g:02d}", grp, int(counts[g, j])) for g in range(4) for j, grp in enumerate(GROUPS)], columns=["goal_id", "stakeholder_group", "n"])
        _, fine, totals = _linked_pair(table)
        if not fine["suppressed"].any():
            continue
        ranges = _label_ranges(table, fine, [], extra=totals)
        assert _labelled_problems(fine, ranges) == [], (counts, fine["suppression"].tolist())
        checked += 1
    assert checked >= 8


def test_linked_tables_keep_the_label_range_across_the_table_by_goal():
    """The table by goal publishes each line's total; the table by goal and group is chosen
    with it (``link_tables``). A reader holding both and the labels learns nothing beyond
    the labels about any primary cell of either."""
    by_group = _g11_table()
    coarse, fine, totals = _linked_pair(by_group)
    ranges = _label_ranges(by_group, fine, [], extra=totals)
    assert _labelled_problems(fine, ranges) == []
    assert fine["suppression"].eq(PRIMARY).sum() == 4 and not coarse.loc[coarse["goal_id"].eq("G11"), "suppressed"].item(), "G11's total stays published"
    g11 = fine[fine["goal_id"].eq("G11")]
    assert g11["suppressed"].sum() >= 3


def labelled_attack(tables: list[dict]) -> tuple[list[str], pd.DataFrame]:
    """The attack of ``test_disclosure_attack`` with each hidden count a table rests on
    bounded by its label (primary 1..k-1, complementary at least k).

    ``attack`` sets up one linear programme per activity over every declared count of every
    table; its calls to ``linprog`` are recorded (the constraints, and which hidden count
    each pair of calls solves for, in the order of the intervals it returns) and solved
    again here with the labels' bounds. Returns the labels that contradict each other and
    one interval per hidden count (``label``: primary, complementary or empty for a part of
    a hidden cell, such as its "don't know" answers).
    """
    import scipy.optimize

    calls = []
    real = scipy.optimize.linprog

    def recording(c, **kwargs):
        calls.append((np.asarray(c), kwargs))
        return real(c, **kwargs)

    scipy.optimize.linprog = recording
    try:
        _, ranges = attack(tables)
    finally:
        scipy.optimize.linprog = real
    assert len(calls) == 2 * len(ranges), "one pair of programmes (lowest, highest) per hidden count"
    labels, problems = {}, []
    for table in tables:
        if table["count"] is None or table["count"] not in table["frame"] or "suppression" not in table["frame"]:
            continue
        frame = table["frame"]
        for column, measure, dims in counted_columns(table):
            if column != table["count"]:
                continue
            for i in np.flatnonzero(_hidden(frame).to_numpy()):
                activity = frame.at[i, "activity_id"] if "activity_id" in frame else table.get("activity_id")
                labels.setdefault((measure, activity, _key(frame, i, dims)), set()).add(frame.at[i, "suppression"])
    k = min(t["min_cell_size"] for t in tables)
    rows = []
    for r, (c, kwargs) in zip(ranges.itertuples(index=False), calls[::2]):
        key = (r.measure, r.activity_id, tuple(sorted(r.cell.items())))
        said = labels.get(key, set())
        if len(said) > 1:
            problems.append(f"{key}: labelled {sorted(said)} in different tables")
        label = next(iter(said)) if len(said) == 1 else ""
        rows.append({"key": key, "var": int(np.argmax(c)), "label": label, "activity": str(r.activity_id), "kwargs": kwargs})
    out = []
    for activity in dict.fromkeys(r["activity"] for r in rows):  # one programme per activity
        mine = [r for r in rows if r["activity"] == activity]
        kwargs = dict(mine[0]["kwargs"])
        bounds = list(kwargs["bounds"])
        for r in mine:
            if r["label"] == PRIMARY:
                bounds[r["var"]] = (1, k - 1)
            elif r["label"] == "complementary":
                bounds[r["var"]] = (k, None)
        kwargs["bounds"] = bounds
        # What the labels say with no number published: only the sums among hidden cells
        # (a primary total of hidden groups), the rows whose right-hand side is 0.
        alone = dict(bounds=bounds, method="highs")
        for a, b in (("A_eq", "b_eq"), ("A_ub", "b_ub")):
            if kwargs.get(a) is not None:
                keep = np.isclose(np.asarray(kwargs[b], dtype=float), 0)
                if keep.any():
                    alone[a], alone[b] = np.asarray(kwargs[a])[keep], np.zeros(int(keep.sum()))
        for r in mine:
            c = np.zeros(len(bounds))
            c[r["var"]] = 1
            low, high = real(c, **kwargs), real(-c, **kwargs)
            least, most = (real(c, **alone), real(-c, **alone)) if r["label"] == PRIMARY else (low, high)
            out.append({"cell": r["key"], "label": r["label"], "lowest": low.fun if low.status == 0 else math.nan,
                        "highest": -high.fun if high.status == 0 else math.inf, "feasible": low.status != 2,
                        "label_lowest": least.fun if least.status == 0 else math.nan, "label_highest": -most.fun if most.status == 0 else math.inf})
    return problems, pd.DataFrame(out, columns=["cell", "label", "lowest", "highest", "feasible", "label_lowest", "label_highest"])


def labelled_exposed(ranges: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Hidden counts the reader of the labels narrows: a primary cell that does not keep
    every value the labels alone leave it (1..k-1; less only for a part of a hidden primary
    total, such as a goal line of 3 or 4 interviewees over three hidden groups, each then 1
    or 2 whatever is published), a labelled count pinned to one value, a part of a hidden
    cell pinned to a number of people above 0 (as ``narrow`` allows a part at 0), or no
    completion."""
    if ranges.empty:
        return ranges
    pinned = (ranges["highest"] - ranges["lowest"]) < 0.5
    short = ranges["label"].eq(PRIMARY) & ((ranges["lowest"] > ranges["label_lowest"] + 0.5) | (ranges["highest"] < ranges["label_highest"] - 0.5))
    part = ranges["label"].eq("")
    return ranges[~ranges["feasible"] | short | (pinned & ~part) | (pinned & part & (ranges["highest"] > 0.5))]


@pytest.fixture(scope="module")
def sample_run(sample_reports_en) -> list[dict]:
    return load_run(Path(sample_reports_en) / ASSESSMENT_ID)


def test_no_hidden_count_of_the_sample_run_is_narrowed_by_its_label(sample_run):
    problems, ranges = labelled_attack(sample_run)
    assert problems == [], "\n".join(problems[:20])
    k = sample_run[0]["min_cell_size"]
    assert ranges["label"].eq(PRIMARY).sum() >= 20 and ranges["label"].eq("complementary").sum() >= 5, ranges["label"].value_counts()
    exposed = labelled_exposed(ranges, k)
    assert exposed.empty, exposed.to_string()
    primary = ranges[ranges["label"].eq(PRIMARY)]
    # Most primary cells keep the whole of 1..k-1; the others are parts of a primary total.
    assert ((primary["label_lowest"] == 1) & (primary["label_highest"] == k - 1)).mean() > 0.8
    # the G11 weakness line of the interview report: its two primary cells keep 1..4
    g11 = ranges[ranges["cell"].map(lambda key: ("goal_id", "G11") in key[2] and ("valence", "weakness") in key[2]) & ranges["label"].eq(PRIMARY)]
    assert len(g11) >= 2 and (g11["lowest"] == 1).all() and (g11["highest"] == k - 1).all(), g11.to_string()


def test_the_labelled_attack_finds_two_primary_cells_pinned_in_a_copy_of_the_run(sample_run):
    """Plant the G11 case in a copy of the interview report's goal-by-group table: the
    companion of the line published again. The labelled attack must pin the two cells."""
    tables = [dict(t) for t in sample_run]
    where = next(i for i, t in enumerate(tables) if t["name"] == "statements_by_goal_and_group")
    frame = tables[where]["frame"].copy()
    line = frame["goal_id"].eq("G11") & frame["valence"].eq("weakness")
    companions = line & frame["suppression"].eq("complementary")
    assert companions.any() and (line & frame["suppression"].eq(PRIMARY)).sum() == 2, frame[line].to_string()
    from pra_lib.assessment import load_assessment
    from pra_lib.interviews.statements import interview_codes

    said = interview_codes(load_assessment(SAMPLE), level="goal", by="stakeholder_group", activity_id="questionnaire")
    truth = said[said["goal_id"].eq("G11") & said["valence"].eq("weakness")].set_index("stakeholder_group")["n"]
    for i in np.flatnonzero(companions):
        frame.loc[i, ["n", "suppressed", "suppression"]] = [str(int(truth[frame.at[i, "stakeholder_group"]])), "False", ""]
    tables[where] = {**tables[where], "frame": frame}
    # The run also hides the line's total (its groups' sizes narrowed the companion): published again.
    total = next(i for i, t in enumerate(tables) if t["name"] == "statements_by_goal")
    goals = tables[total]["frame"].copy()
    g11 = goals["goal_id"].eq("G11") & goals["valence"].eq("weakness")
    goals.loc[g11, ["n", "suppressed", "suppression"]] = [str(int(truth.sum())), "False", ""]
    tables[total] = {**tables[total], "frame": goals}
    _, ranges = labelled_attack(tables)
    exposed = labelled_exposed(ranges, sample_run[0]["min_cell_size"])
    pinned = exposed[exposed["cell"].map(lambda key: ("goal_id", "G11") in key[2] and ("valence", "weakness") in key[2])]
    assert len(pinned) == 2 and (pinned["lowest"] == 4).all() and (pinned["highest"] == 4).all(), exposed.to_string()
