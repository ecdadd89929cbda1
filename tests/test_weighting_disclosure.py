"""The weighted goal scores of notebook 01 against a reader who re-solves them for every split.

A weight is a population share over a sample share, so the weighted tables of the
questionnaire report are sums of the same respondents as the unweighted ones, each cell
counted with its own weight. Where the run hides some categories of the weighting margin
(an area and its companions, people with no area), only their total is public; a
weighted mean that counts the hidden cells with different weights is a second equation
in their sums, and the effective sample size (Kish 1965, section 11.7:
``(sum w)**2 / sum w**2``) one in their sizes. A disclosure reviewer solved both on a whole
run: with ``--small-categories suppress`` Kepulauan Seribu's 3 respondents and all their
ratings of the 12 goals came back (Kish's ``n_effective`` of 598 fits 3 respondents only,
then each goal's weighted mean and shares fit one split only); with a few people of no
area, the unweighted rows of the comparison left them out while the goal scores counted
them, and the difference was their number, sum and answers per goal.

The attack here is the reviewer's, made exhaustive. From the published tables alone
(``weighting_margins``, ``design_effect``, ``goal_scores``, ``scores_by_area``,
``weighted_goal_scores``) it lists every split of the hidden categories' respondents
(each at least 1) and, per goal, of their raters, rating sums and positive and negative
answers that the published totals allow; it recomputes the design effect, the weights
(one margin, raked as the library does: post-stratification, trimmed with the published
cap), the comparison's ``n``, ``n_effective``, means and shares for each split under each
way the weights could have been formed (each hidden category its own weighting cell, or
all of them one cell; people with no area unweighted, or in that cell), and keeps the
splits that reproduce every published value to its published precision (six significant
digits, ``n_effective`` and ``deff`` as rounded). It fails when those splits leave any
hidden count or sum fewer values than the published totals alone leave it, and when no
split fits at all (the attack would then not describe what the library does).

It runs on the bundled sample under both ``--small-categories`` policies and on a copy
in which the seven city-wide interviewees have an area and three online respondents
(Q0004, Q0006, Q0007) have none, under both policies too.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pra_lib.assessment.loading import load_assessment
from pra_lib.stats import weights

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
TABLES = Path("jakarta-2017-synthetic") / "01_questionnaire" / "tables"
NO_VALUE = "(no value)"  # the weighting margin's row of people with no area
CITYWIDE = "(city-wide)"  # the same people in scores_by_area


# --------------------------------------------------------------------------- runs


def _variant(dest: Path) -> Path:
    """The sample with its city-wide interviewees given an area and three online respondents given none."""
    shutil.copytree(SAMPLE, dest)
    path = dest / "participants.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    area = rows[0].index("area")
    ident = rows[0].index("respondent_id")
    moved = 0
    for row in rows[1:]:
        if row[ident] in ("Q0004", "Q0006", "Q0007"):
            row[area] = ""
        elif row[ident].startswith("I") and row[area] == "" and row[rows[0].index("activity_id")] == "questionnaire":
            row[area] = "jakarta_timur"
            moved += 1
    assert moved == 7, "the sample's seven city-wide interviewees"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return dest


@pytest.fixture(scope="module")
def runs(tmp_path_factory, sample_reports_en):
    """Output roots: the shared sample run (merge) and notebook 01 on the other three cases."""
    from pra_lib.runner import run_reports

    base = tmp_path_factory.mktemp("weighting-disclosure")
    variant = _variant(base / "variant")
    out = {"sample, merge": (sample_reports_en, SAMPLE)}
    for name, path, policy in (("sample, suppress", SAMPLE, "suppress"), ("variant, merge", variant, "merge"), ("variant, suppress", variant, "suppress")):
        root = base / name.replace(", ", "-")
        summary = run_reports([path], out=root, only=["01"], jobs=1, parameters={"small_categories": policy}, progress=lambda line: None)
        assert summary.ok, [f"{r.notebook}: {r.error}" for r in summary.failed]
        out[name] = (root, path)
    return out


# --------------------------------------------------------------------------- the attack


def _hidden(frame: pd.DataFrame) -> pd.Series:
    return frame["suppressed"].astype(str).eq("True")


def _close(value, published: float) -> np.ndarray:
    """Whether ``value`` rounds to ``published`` at six significant digits (as the tables are written)."""
    if published == 0:
        return np.abs(np.asarray(value, dtype=float)) <= 1e-12
    tol = 0.5 * 10 ** (math.floor(math.log10(abs(published))) - 5) + 1e-12
    return np.abs(np.asarray(value, dtype=float) - published) <= tol


def _compositions(total: int, upper: list[int], lower: int = 0) -> np.ndarray:
    """Every way to write ``total`` as ``len(upper)`` whole numbers within [lower, upper]."""
    k = len(upper)
    assert k <= 3, "the attack enumerates at most three hidden cells"
    if k == 1:
        return np.array([[total]], dtype=np.int64) if lower <= total <= upper[0] else np.zeros((0, 1), dtype=np.int64)
    heads = np.array(np.meshgrid(*[np.arange(lower, u + 1) for u in upper[:-1]], indexing="ij")).reshape(k - 1, -1).T
    last = total - heads.sum(axis=1)
    keep = (last >= lower) & (last <= upper[-1])
    return np.column_stack([heads[keep], last[keep]]).astype(np.int64)


class Published:
    """What notebook 01 published about the weights, read as a reader would."""

    def __init__(self, root: Path, assessment: Path):
        folder = root / TABLES
        self.margins = pd.read_csv(folder / "weighting_margins.csv")
        self.design = pd.read_csv(folder / "design_effect.csv")
        self.goals = pd.read_csv(folder / "goal_scores.csv")
        self.areas = pd.read_csv(folder / "scores_by_area.csv")
        self.weighted = pd.read_csv(folder / "weighted_goal_scores.csv")
        assert set(self.margins["variable"]) == {"area"}, "the sample weights by area only"
        shown = self.margins[~_hidden(self.margins)]
        totals = (shown["n"] / shown["sample_share"]).round().astype(int).unique()
        assert len(totals) == 1, totals
        self.respondents = int(totals[0])
        self.hidden = list(self.margins.loc[_hidden(self.margins), "category"])
        self.hidden_total = self.respondents - int(shown["n"].sum())
        # The census figures are public (assessment.yaml); the published shares are rounded.
        areas = load_assessment(assessment).metadata.areas
        self.population = {str(a): float(p) for a, p in zip(areas["area"], areas["population"])}
        plan = json.loads((folder / "_tables.json").read_text(encoding="utf-8"))["plan"]
        for row in plan:
            if row["action"] == "merged" and row["activity_id"] == "questionnaire" and row["dimension"] == "area":
                self.population[row["into"]] = self.population.get(row["into"], 0.0) + self.population[row["category"]]
        listed = self.margins.dropna(subset=["population_share"])
        total = sum(self.population[c] for c in listed["category"])
        for c, share in zip(listed["category"], listed["population_share"]):
            assert abs(self.population[c] / total - share) < 1e-6, (c, share)
        self.shown_sizes = dict(zip(shown["category"], shown["n"].astype(int)))
        row = self.design.iloc[0]
        self.design_row = None if _hidden(self.design).iloc[0] else row
        self.trim = 5.0 if self.design_row is None or pd.isna(row["trim_cap"]) else float(row["trim_cap"])


def _cell_weights(sizes: dict, targets: dict, trim: float) -> dict:
    """The weight of one respondent of each cell: raking on one margin, trimmed as the library trims."""
    total = sum(sizes.values())
    share = sum(targets[c] for c in sizes)
    w = {c: targets[c] / share / (sizes[c] / total) for c in sizes}
    if all(1 / trim < v < trim for v in w.values()):
        return w
    people = pd.DataFrame({"respondent_id": range(total), "cell": [c for c in sizes for _ in range(sizes[c])]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a split that needs trimming says so; it is only a candidate
        raked = weights.rake(people, margins={"cell": {c: targets[c] for c in sizes}}, trim=trim)
    return dict(zip(people["cell"], raked.to_numpy()))


MODELS = ("one cell for the hidden categories", "each category its own cell")


def _weights(pub: Published, split: dict, model: str) -> dict:
    """Each area's weight (NaN: no weight) for one split of the hidden respondents."""
    sizes = dict(pub.shown_sizes)
    targets = {c: pub.population[c] for c in sizes}
    hidden_areas = [c for c in pub.hidden if c != NO_VALUE]
    if model == MODELS[0]:
        pooled = "(pooled)"
        sizes[pooled] = sum(split.values())  # people with no area weigh with the hidden areas
        targets[pooled] = sum(pub.population[c] for c in hidden_areas)
        w = _cell_weights(sizes, targets, pub.trim)
        return {**{c: w[c] for c in pub.shown_sizes}, **{c: w[pooled] for c in pub.hidden}}
    sizes |= {c: split[c] for c in hidden_areas}
    targets |= {c: pub.population[c] for c in hidden_areas}
    w = _cell_weights(sizes, targets, pub.trim)
    return {**w, **({NO_VALUE: np.nan} if NO_VALUE in pub.hidden else {})}


def _design_fits(pub: Published, split: dict, w: dict) -> bool:
    if pub.design_row is None:
        return True
    sizes = {**pub.shown_sizes, **split}
    weighted = {c: n for c, n in sizes.items() if not np.isnan(w[c])}
    n = sum(weighted.values())
    s1 = sum(n_c * w[c] for c, n_c in weighted.items())
    s2 = sum(n_c * w[c] ** 2 for c, n_c in weighted.items())
    deff = n * s2 / s1**2
    row = pub.design_row
    trimmed = any(v >= pub.trim * (1 - 1e-6) or v <= (1 + 1e-6) / pub.trim for v in (w[c] for c in weighted))
    return (n == int(row["n"]) and _rounds_to(deff, float(row["deff"]), 0.005) and _rounds_to(n / deff, float(row["n_effective"]), 0.5)
            and trimmed == (str(row["trimmed"]) == "True"))


def _rounds_to(value, published: float, half: float):
    """Whether ``value`` rounds to ``published``; a value a hair from the midpoint may round either way,
    since the library sums one weight per respondent and the attack one per cell."""
    return np.abs(np.asarray(value, dtype=float) - published) <= half + 1e-9


def _goal_facts(pub: Published, goal: str):
    """The published totals of a goal's hidden rows and the visible rows' sums (None: nothing to attack)."""
    g = pub.goals[pub.goals["goal_id"] == goal].iloc[0]
    if str(g["answers_withheld"]) == "True" or str(g["suppressed"]) == "True":
        return None
    rows = pub.areas[pub.areas["goal_id"] == goal]
    shown = rows[~_hidden(rows)]
    assert not shown["answers_withheld"].astype(str).eq("True").any(), f"{goal}: an area's answers are withheld"
    hidden = [NO_VALUE if a == CITYWIDE else a for a in rows.loc[_hidden(rows), "area"]]
    assert set(hidden) <= set(pub.hidden), f"{goal}: hidden areas {hidden} beyond the margins' {pub.hidden}"

    def count(frame, column):
        return np.rint(frame[column].to_numpy(dtype=float) * frame["n"].to_numpy(dtype=float)).astype(int)

    visible = pd.DataFrame({"area": [NO_VALUE if a == CITYWIDE else a for a in shown["area"]], "n": shown["n"].astype(int),
                            "sum": count(shown, "mean"), "positive": count(shown, "share_positive"), "negative": count(shown, "share_negative")})
    n = int(g["n"])
    totals = {"n": n - int(visible["n"].sum())}
    for stat, column in (("sum", "mean"), ("positive", "share_positive"), ("negative", "share_negative")):
        totals[stat] = int(round(float(g[column]) * n)) - int(visible[stat].sum())
    comparison = pub.weighted[pub.weighted["goal_id"] == goal].set_index("estimate")
    # plain arrays and rows: the attack evaluates them for thousands of splits
    visible = {"area": visible["area"].tolist(), **{c: visible[c].to_numpy() for c in ("n", "sum", "positive", "negative")}}
    comparison = [(estimate, row.to_dict()) for estimate, row in comparison.iterrows()]
    return hidden, visible, totals, comparison


def _fits(visible: dict, hidden: list, w: dict, n_split: np.ndarray, comparison: list) -> np.ndarray:
    """Which splits of a goal's raters reproduce the comparison's n and n_effective."""
    ok = np.ones(len(n_split), dtype=bool)
    wv = np.array([w[c] for c in visible["area"]], dtype=float)
    inside = ~np.isnan(wv)
    wh = np.array([w[c] for c in hidden], dtype=float)
    in_h = ~np.isnan(wh)
    n_in = visible["n"][inside].sum() + n_split[:, in_h].sum(axis=1)
    s1 = (visible["n"][inside] * wv[inside]).sum() + n_split[:, in_h] @ wh[in_h]
    s2 = (visible["n"][inside] * wv[inside] ** 2).sum() + n_split[:, in_h] @ wh[in_h] ** 2
    for estimate, row in comparison:
        if str(row["suppressed"]) == "True":
            continue
        ok &= n_in == int(row["n"])
        if estimate == "weighted" and not pd.isna(row["n_effective"]):
            with np.errstate(divide="ignore", invalid="ignore"):
                ok &= _rounds_to(s1**2 / s2, float(row["n_effective"]), 0.5)
    return ok


def _sums_fit(visible, hidden, w, n_row, totals, comparison, stat, column, upper_of):
    """The values of each hidden row's ``stat`` that reproduce the comparison's ``column``, for one split of raters."""
    k = len(hidden)
    lo = [n_row[i] if stat == "sum" else 0 for i in range(k)]
    hi = [upper_of(n_row[i]) for i in range(k)]
    heads = [np.arange(lo[i], hi[i] + 1) for i in range(k - 1)]
    grid = np.array(np.meshgrid(*heads, indexing="ij")).reshape(k - 1, -1).T if k > 1 else np.zeros((1, 0), dtype=int)
    last = totals[stat] - grid.sum(axis=1)
    keep = (last >= lo[-1]) & (last <= hi[-1])
    values = np.column_stack([grid[keep], last[keep]]).astype(float)
    wv = np.array([w[c] for c in visible["area"]], dtype=float)
    inside = ~np.isnan(wv)
    wh = np.array([w[c] for c in hidden], dtype=float)
    in_h = ~np.isnan(wh)
    ok = np.ones(len(values), dtype=bool)
    for estimate, row in comparison:
        if str(row["suppressed"]) == "True" or pd.isna(row[column]):
            continue
        cw = np.where(inside, wv, 0.0) if estimate == "weighted" else inside.astype(float)
        ch = np.where(in_h, wh, 0.0) if estimate == "weighted" else in_h.astype(float)
        num = (visible[stat] * cw).sum() + values @ ch
        den = (visible["n"] * cw).sum() + float(np.dot(n_row, ch))
        ok &= _close(num / den, float(row[column]))
    return values[ok].astype(int)


def attack(pub: Published) -> tuple[dict, dict]:
    """What the published totals alone leave each hidden value, and what the weighted tables leave it.

    Returns two mappings ``{(goal or "respondents", category, statistic): set of values}``.
    """
    k = len(pub.hidden)
    if k == 0:
        return {}, {}
    public: dict = {}
    found: dict = {}
    seen: dict = {}
    splits = _compositions(pub.hidden_total, [pub.hidden_total] * k, lower=1)
    for row in splits:
        for c, v in zip(pub.hidden, row):
            public.setdefault(("respondents", c, "N"), set()).add(int(v))
    goals = list(pub.goals["goal_id"])
    facts = {g: _goal_facts(pub, g) for g in goals}
    # What the totals alone allow: every split of each goal's raters within its respondents,
    # and the sums each split leaves a hidden row.
    for goal, fact in facts.items():
        if fact is None:
            continue
        hidden, visible, totals, comparison = fact
        upper = [pub.hidden_total - (k - 1)] * len(hidden)
        for n_row in _compositions(totals["n"], upper):
            _add_ranges(public, goal, hidden, n_row, totals)
    for model in MODELS:
        fitted = []
        for row in splits:
            split = dict(zip(pub.hidden, map(int, row)))
            w = _weights(pub, split, model)
            if _design_fits(pub, split, w):
                fitted.append((split, w))
                for c in pub.hidden:
                    found.setdefault(("respondents", c, "N"), set()).add(split[c])
        for goal, fact in facts.items():
            if fact is None:
                continue
            hidden, visible, totals, comparison = fact
            alike_rows: set = set()  # splits of raters that fit where every hidden row weighs the same
            apart: list = []  # those that fit where the hidden rows weigh differently, with their weights
            for split, w in fitted:
                n_split = _compositions(totals["n"], [split[c] for c in hidden])
                if not len(n_split):
                    continue
                wh = np.array([w[c] for c in hidden], dtype=float)
                alike = bool(np.all(np.isnan(wh)) or (not np.isnan(wh).any() and np.allclose(wh, wh[0], rtol=1e-12, atol=0)))
                rows = n_split[_fits(visible, hidden, w, n_split, comparison)]
                if alike:
                    # One weight for every hidden row: the tables depend on the rows' totals
                    # only, so one split of the raters decides for all of them.
                    if len(rows) and _sums_fit_all(visible, hidden, w, rows[0], totals, comparison, seen):
                        alike_rows.update(map(tuple, rows.tolist()))
                    continue
                apart.extend((n_row, w) for n_row in rows)
            for n_row in sorted(alike_rows):
                _add_ranges(found, goal, hidden, np.asarray(n_row), totals)
            counts = {tuple(n_row) for n_row, _ in apart} | alike_rows
            if any({row[i] for row in counts} != public[(goal, c, "n")] for i, c in enumerate(hidden)):
                # The raters are narrowed already (before the sums): the test fails without solving them.
                for i, c in enumerate(hidden):
                    found.setdefault((goal, c, "n"), set()).update(int(row[i]) for row in counts)
                continue
            for n_row, w in apart:
                _add_fitted(found, goal, hidden, n_row, visible, w, totals, comparison)
        if all(found.get(key) == values for key, values in public.items()):
            break  # this way of weighting already leaves every value possible
    return public, found


def _add_ranges(into: dict, goal: str, hidden: list, n_row, totals: dict) -> None:
    """Every value of each hidden row's sum and answers that the totals allow, for one split of raters."""
    m = int(np.sum(n_row))
    for i, c in enumerate(hidden):
        n_i, rest = int(n_row[i]), m - int(n_row[i])
        into.setdefault((goal, c, "n"), set()).add(n_i)
        lo, hi = max(n_i, totals["sum"] - 5 * rest), min(5 * n_i, totals["sum"] - rest)
        into.setdefault((goal, c, "sum"), set()).update(range(lo, hi + 1))
        for stat in ("positive", "negative"):
            lo, hi = max(0, totals[stat] - rest), min(n_i, totals[stat])
            into.setdefault((goal, c, stat), set()).update(range(lo, hi + 1))


SUMS = (("sum", "mean", lambda n: 5 * n), ("positive", "share_positive", lambda n: n), ("negative", "share_negative", lambda n: n))


def _sums_fit_all(visible, hidden, w, n_row, totals, comparison, seen: dict) -> bool:
    """Whether the sums fit; ``seen`` remembers the answer per goal and set of weights."""
    key = (id(comparison), tuple(sorted((str(c), float(v)) for c, v in w.items())))
    if key not in seen:
        seen[key] = all(len(_sums_fit(visible, hidden, w, n_row, totals, comparison, stat, column, upper)) > 0 for stat, column, upper in SUMS)
    return seen[key]


def _add_fitted(found, goal, hidden, n_row, visible, w, totals, comparison) -> None:
    """The values of each hidden row that fit the weighted tables, for one split of raters."""
    values = {stat: _sums_fit(visible, hidden, w, n_row, totals, comparison, stat, column, upper) for stat, column, upper in SUMS}
    if any(len(v) == 0 for v in values.values()):
        return
    for i, c in enumerate(hidden):
        found.setdefault((goal, c, "n"), set()).add(int(n_row[i]))
        for stat, v in values.items():
            found.setdefault((goal, c, stat), set()).update(map(int, v[:, i]))


def narrowed(public: dict, found: dict) -> list[str]:
    """Each hidden value the weighted tables leave fewer values than the totals alone."""
    out = []
    for key, values in sorted(public.items(), key=lambda kv: tuple(map(str, kv[0]))):
        left = found.get(key)
        if left is None:
            out.append(f"{key[0]} {key[1]} {key[2]}: not solved (the counts it rests on are narrowed already)")
        elif left != values:
            shown = sorted(left) if len(left) <= 6 else f"{len(left)} values"
            out.append(f"{key[0]} {key[1]} {key[2]}: {shown} of {min(values)}..{max(values)}")
    return out


# --------------------------------------------------------------------------- tests

CASES = ("sample, merge", "sample, suppress", "variant, merge", "variant, suppress")


@pytest.mark.parametrize("case", CASES)
def test_weighted_tables_pin_no_hidden_split(runs, case):
    pub = Published(*runs[case])
    public, found = attack(pub)
    if case == "sample, merge":
        # Nothing of the questionnaire's areas is hidden there: the merged "other" is published.
        assert pub.hidden == [] and public == {}
        return
    assert pub.hidden, f"{case}: the plan hides areas of the questionnaire"
    assert found, f"{case}: no split of the hidden categories reproduces the published weighted tables"
    problems = narrowed(public, found)
    assert not problems, f"{case}: the weighted tables narrow hidden cells:\n" + "\n".join(problems[:40])


def test_unweighted_comparison_counts_the_goal_scores_respondents(runs):
    # The unweighted rows of the comparison rest on the respondents of goal_scores: where the
    # plan hides the people with no area, they weigh with the hidden areas instead of being
    # left out, so the difference gives nothing back.
    for case in ("variant, merge", "variant, suppress"):
        pub = Published(*runs[case])
        assert NO_VALUE in pub.hidden, f"{case}: the three people with no area are hidden"
        plain = pub.weighted[pub.weighted["estimate"] == "unweighted"].set_index("goal_id")
        goals = pub.goals.set_index("goal_id")
        for column in ("n", "mean", "share_positive", "share_negative"):
            assert plain[column].tolist() == goals.loc[plain.index, column].tolist(), (case, column)
        assert not _hidden(pub.design).any() and int(pub.design["n"].iloc[0]) == pub.respondents, case
