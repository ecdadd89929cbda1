"""The attacker who reads the labels: what ``primary`` and ``complementary`` give away.

Every published table says why a hidden cell is hidden (:func:`pra_lib.publishing.disclosure.suppress`):
``primary`` when its count is 1 to ``min_cell_size - 1`` (or its category is small in the
run's plan), ``complementary`` when it is hidden to protect another, which leaves it at
least ``min_cell_size``. A reader may use that: in a line of total 20 with 6 and 6
published and two primary cells hidden, the two add up to 8 with each at most 4, so both
are 4, although each keeps the protection interval of a reader who ignores the labels
(1 to 7).

The *protection interval for labelled cells*: given everything published and every hidden
count within its label's bounds, a primary cell keeps every value 1..k-1 (the reader learns
nothing beyond its label; across linked tables, a part of a hidden primary total keeps the
range the labels alone leave it) and no hidden cell is pinned to one value. Complementary
suppression adds companions until that holds (:func:`protect_labels`), on top of the rules
that protect a reader who ignores the labels; the linked tables' linear programme
(:mod:`pra_lib.publishing.disclosure_linked`) reads the labels the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .disclosure import feasible_ranges


def label_bounds(counts, hidden, primary, *, min_cell_size: int) -> list[tuple]:
    """The bounds a reader of the ``suppression`` labels puts on each hidden count.

    :func:`suppress` labels a hidden cell ``primary`` when its count is 1 to
    ``min_cell_size - 1`` (or its category is small in the run's plan) and
    ``complementary`` otherwise, so a reader takes a primary cell to lie in 1..k-1 and a
    complementary one to be at least k. A label its count contradicts (a row of no one but
    some "don't know" answers hidden as complementary, a primary cell of a small category
    counting something other than its people) is read as at least 1 only.

    Examples
    --------
    >>> label_bounds(np.array([3, 9, 20]), np.array([True, True, False]), np.array([True, False, False]), min_cell_size=5)
    [(1, 4), (5, None)]
    """
    counts, hidden, primary = (np.asarray(a) for a in (counts, hidden, primary))
    k = min_cell_size
    return [(1, k - 1) if primary[i] and counts[i] <= k - 1 else (k, None) if not primary[i] and counts[i] >= k else (1, None) for i in np.flatnonzero(hidden)]


def label_exposed(counts, hidden, primary, groups, *, min_cell_size: int, cells=None, full_range: bool = True) -> list[int]:
    """Hidden cells (of ``cells``, when given) a reader who uses the labels narrows.

    With each hidden count in its label's bounds (:func:`label_bounds`), a primary cell must
    keep every value 1..k-1 (the linear programme's lowest is 1 and highest k-1: the reader
    learns nothing beyond its label), and no hidden cell may be pinned to one value. With
    ``full_range=False`` only the pinned cells are returned.

    Examples
    --------
    >>> counts, hidden = np.array([6, 4, 4, 6]), np.array([False, True, True, False])
    >>> label_exposed(counts, hidden, hidden, [np.arange(4)], min_cell_size=5)  # 4 + 4 = 8, each at most 4
    [1, 2]
    """
    if not np.asarray(hidden).any():
        return []
    k = min_cell_size
    bounds = label_bounds(counts, hidden, primary, min_cell_size=k)
    ranges = feasible_ranges(counts, hidden, groups, cells, bounds=bounds)
    full = {int(i): b == (1, k - 1) for i, b in zip(np.flatnonzero(hidden), bounds)}
    short = [full_range and full[r] and k > 2 and (lo > 1.5 or hi < k - 1.5) for r, lo, hi in zip(ranges["row"], ranges["lowest"], ranges["highest"])]
    bad = ranges["recovered"] | ranges["lowest"].isna() | pd.Series(short, index=ranges.index, dtype=bool)
    if k <= 2:  # a primary cell's label alone says it is 1
        bad &= ~ranges["row"].map(full)
    return ranges.loc[bad, "row"].tolist()


def protect_labels(counts, hidden, primary, groups, *, min_cell_size: int) -> bool:
    """Hide a companion for the first cell that its label leaves exposed (:func:`label_exposed`).

    The companion is the smallest cell of the exposed cell's margins that alone gives it its
    label's range back, else the smallest of them that widens its range (hiding more never
    narrows a range; the next round goes on); never one that its own margins would pin.
    ``hidden`` is changed in place; returns whether a cell was hidden.

    Examples
    --------
    >>> counts, hidden = np.array([6, 4, 4, 6]), np.array([False, True, True, False])
    >>> protect_labels(counts, hidden, hidden.copy(), [np.arange(4)], min_cell_size=5), hidden.tolist()
    (True, [True, True, True, False])
    """
    from .disclosure import audit_cells

    k = min_cell_size
    for cell in label_exposed(counts, hidden, primary, groups, min_cell_size=k):
        candidates = sorted({int(i) for g in groups if cell in g for i in g if not hidden[i] and counts[i] > 0}, key=lambda i: (counts[i], i))
        before = _range(counts, hidden, primary, groups, cell, k)
        wider = None
        for i in candidates:
            trial = hidden.copy()
            trial[i] = True
            if audit_cells(counts, trial, groups, cells=[i]) or i in label_exposed(counts, trial, primary, groups, min_cell_size=k, cells=[i]):
                continue  # a companion its own margins pin protects nothing
            if cell not in label_exposed(counts, trial, primary, groups, min_cell_size=k, cells=[cell]):
                hidden[i] = True
                return True
            if wider is None and _range(counts, trial, primary, groups, cell, k) != before:
                wider = i
        if wider is not None:
            hidden[wider] = True
            return True
    return False


def _range(counts, hidden, primary, groups, cell, k) -> tuple:
    r = feasible_ranges(counts, hidden, groups, [cell], bounds=label_bounds(counts, hidden, primary, min_cell_size=k))
    return (round(float(r["lowest"].iloc[0]), 6), round(float(r["highest"].iloc[0]), 6))
