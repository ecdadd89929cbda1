"""Disclosure control: primary and complementary suppression, attacked with linear programming.

The attacker model follows the statistical-disclosure-control literature (Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, ch. 4: cell suppression is audited by solving
for the lowest and highest value each suppressed cell can take given the published cells
and margins).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from pra_lib.publishing.disclosure import SUPPRESSED, audit, suppress


def test_primary_suppression_hides_small_counts_and_their_statistics():
    table = pd.DataFrame({"area": ["a", "b", "c", "d"], "n": [40, 3, 25, 12], "mean": [3.2, 4.7, 2.9, 3.3]})
    out = suppress(table)
    assert out.loc[1, "n"] == SUPPRESSED and out.loc[1, "mean"] == SUPPRESSED
    assert out.loc[0, "n"] == 40 and out.loc[0, "mean"] == 3.2
    assert out["suppressed"].tolist().count(True) == 2  # 3 and its complement (12, the smallest other)
    assert out.loc[3, "n"] == SUPPRESSED
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
        assert published.loc[small, "n"].eq(SUPPRESSED).all()
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
    hidden = np.flatnonzero(published["n"].eq(SUPPRESSED).to_numpy())
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
