"""Disclosure control: small cells are suppressed before anything is published.

Statistics offices do not publish a cell that rests on fewer than 3, 5 or 10 people, and
they add *complementary* suppression so that a hidden cell cannot be recovered from row or
column totals (method brief, section 6). Every table a report writes passes through
:func:`suppress`.

The rules:

- **Primary suppression.** A cell with ``0 < n < min_cell_size`` is hidden. Empty cells
  (``n == 0``) are not hidden: they disclose nobody.
- **Complementary suppression.** The totals of a table are assumed public: the grand total,
  and, for a table laid out over ``dims``, every margin that sums over one dimension with
  the others held fixed. Wherever a margin group holds exactly one hidden cell, the
  smallest other non-empty cell in the group is hidden too. The result is then audited
  with linear programming (:func:`audit`), as an attacker who knows every published cell
  and every margin would do; any hidden cell whose value is pinned to a single number gets
  a further companion, until none is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_MIN_CELL_SIZE = 5
SMALLEST_SAFE_CELL = 3  # a published count of 1 or 2 can identify a person
SUPPRESSED = "suppressed"


def suppress(
    data: pd.DataFrame,
    *,
    count: str = "n",
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    columns: list[str] | None = None,
    dims: list[str] | None = None,
) -> pd.DataFrame:
    """Hide small cells, and the cells needed to protect them, in a table of counts.

    Parameters
    ----------
    data : DataFrame
        A tidy table with one row per cell and a count column.
    count : str
        Name of the column holding the number of people behind each row.
    min_cell_size : int
        Smallest count that may be published.
    columns : list of str, optional
        Statistics to hide together with the count. Defaults to every numeric column.
    dims : list of str, optional
        The columns that lay the table out as a grid (for example ``["activity_id",
        "stakeholder_group"]``). Margins over each of them are treated as public. Without
        ``dims`` the table is one list whose grand total is public.

    Returns
    -------
    DataFrame
        A copy in which hidden values read ``"suppressed"``, with a boolean ``suppressed``
        column. The input is not modified.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["a", "b", "c"], "n": [12, 2, 9], "mean": [3.1, 4.5, 2.0]})
    >>> suppress(t)["n"].tolist()      # 2 is hidden; so is 9, or 2 = total - 12 - 9
    [12, 'suppressed', 'suppressed']
    """
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, (int, np.integer)) or min_cell_size < 1:
        raise ValueError(f"min_cell_size must be a whole number of at least 1, not {min_cell_size!r}")
    if count not in data:
        raise KeyError(f"count column {count!r} not in table (columns: {', '.join(map(str, data.columns))})")
    dims = list(dims or [])
    missing = [d for d in dims if d not in data]
    if missing:
        raise KeyError(f"dims {missing} not in table")
    out = data.reset_index(drop=True).copy()
    counts = pd.to_numeric(out[count], errors="coerce").fillna(0).to_numpy(dtype=float)
    hidden = (counts > 0) & (counts < min_cell_size)
    hidden = _complement(out, counts, hidden, dims, min_cell_size)
    if columns is None:
        columns = [c for c in out.columns if c != count and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])]
    out["suppressed"] = hidden
    if hidden.any():
        for col in [count, *columns]:
            out[col] = out[col].astype(object)
            out.loc[hidden, col] = SUPPRESSED
    return out


def published_numbers(values) -> pd.Series:
    """Numbers of a published column as float64: ``"suppressed"``, other text and missing
    values become NaN, so that a suppressed cell is never read as a number.

    Examples
    --------
    >>> published_numbers(pd.Series([3, "suppressed", None])).tolist()
    [3.0, nan, nan]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    series = series.where(series.astype(object) != SUPPRESSED)
    return pd.to_numeric(series, errors="coerce").astype("float64")


def margin_groups(data: pd.DataFrame, dims: list[str]) -> list[np.ndarray]:
    """Row positions of every public margin: the grand total, and each sum over one dim."""
    groups = [np.arange(len(data))]
    for dim in dims:
        others = [d for d in dims if d != dim]
        if not others:
            continue
        for _, idx in data.groupby(others, sort=False, dropna=False).indices.items():
            groups.append(np.asarray(idx))
    return groups


def _complement(data, counts, hidden, dims, min_cell_size):
    hidden = hidden.copy()
    if not hidden.any():
        return hidden
    # A margin that is itself small is suppressed wherever it is published, so it is no
    # constraint an attacker can use.
    groups = [g for g in margin_groups(data, dims) if counts[g].sum() >= min_cell_size]
    for _ in range(len(data) + 1):
        changed = False
        for idx in groups:
            if hidden[idx].sum() == 1:
                changed |= _hide_smallest(counts, hidden, [idx])
        if not changed:
            exposed = audit_cells(counts, hidden, groups)
            if exposed:
                changed = _protect(counts, hidden, groups, exposed[0])
        if not changed:
            break
    exposed = audit_cells(counts, hidden, groups)
    if exposed:
        import warnings

        warnings.warn(f"{len(exposed)} suppressed cell(s) remain recoverable from the table's margins; publish fewer margins", RuntimeWarning, stacklevel=3)
    return hidden


def _protect(counts, hidden, groups, cell) -> bool:
    """Hide the smallest companion that stops ``cell`` being pinned; else the smallest near it."""
    mine = [g for g in groups if cell in g]
    candidates = sorted({int(i) for idx in mine for i in idx if not hidden[i] and counts[i] > 0}, key=lambda i: (counts[i], i))
    for i in candidates:
        trial = hidden.copy()
        trial[i] = True
        if cell not in audit_cells(counts, trial, groups):
            hidden[i] = True
            return True
    if candidates:
        hidden[candidates[0]] = True
        return True
    return False


def _hide_smallest(counts, hidden, groups) -> bool:
    """Hide the smallest visible non-empty cell found in any of ``groups``."""
    candidates = {int(i) for idx in groups for i in idx if not hidden[i] and counts[i] > 0}
    if not candidates:
        return False
    hidden[min(candidates, key=lambda i: (counts[i], i))] = True
    return True


def feasible_ranges(counts: np.ndarray, hidden: np.ndarray, groups: list[np.ndarray]) -> pd.DataFrame:
    """What an attacker can learn about each hidden count from the published cells and margins.

    The attacker knows every published count and every margin total, and that a hidden
    count is at least 1 (empty cells are never hidden). For each hidden cell two linear
    programmes find its lowest and highest feasible value.
    """
    from scipy.optimize import linprog

    unknown = np.flatnonzero(hidden)
    pos = {cell: k for k, cell in enumerate(unknown)}
    a_eq, b_eq = [], []
    for idx in groups:
        members = [pos[i] for i in idx if hidden[i]]
        if not members:
            continue
        row = np.zeros(len(unknown))
        row[members] = 1
        a_eq.append(row)
        b_eq.append(counts[idx][hidden[idx]].sum())
    rows = []
    bounds = [(1, None)] * len(unknown)
    for k, cell in enumerate(unknown):
        c = np.zeros(len(unknown))
        c[k] = 1
        low = linprog(c, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
        lo = low.fun if low.status == 0 else np.nan
        hi = -high.fun if high.status == 0 else np.inf
        rows.append({"row": int(cell), "lowest": lo, "highest": hi, "recovered": bool(np.isfinite(hi) and abs(hi - lo) < 0.5)})
    return pd.DataFrame(rows, columns=["row", "lowest", "highest", "recovered"])


def audit_cells(counts: np.ndarray, hidden: np.ndarray, groups: list[np.ndarray]) -> list[int]:
    """Hidden cells an attacker can pin to a single value."""
    if not hidden.any():
        return []
    ranges = feasible_ranges(counts, hidden, groups)
    return ranges.loc[ranges["recovered"], "row"].tolist()


def audit(published: pd.DataFrame, *, true_counts, count: str = "n", dims: list[str] | None = None, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """Attack a published table: try to recover each suppressed count from its margins.

    Parameters
    ----------
    published : DataFrame
        The table as published (suppressed cells read ``"suppressed"``).
    true_counts : array-like
        The real counts in the same row order; they give the public margin totals, as the
        attacker would read them from other tables.
    dims : list of str, optional
        As in :func:`suppress`.
    min_cell_size : int
        Margins below this are themselves suppressed where published, so unknown to the attacker.

    Returns
    -------
    DataFrame
        One row per suppressed cell with the attacker's ``lowest`` and ``highest`` feasible
        value and ``recovered`` (whether they coincide).

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["a", "b", "c"], "n": [12, 2, 9]})
    >>> audit(suppress(t), true_counts=t["n"])["recovered"].any()
    False
    """
    published = published.reset_index(drop=True)
    hidden = (published[count].astype(str) == SUPPRESSED).to_numpy()
    counts = np.asarray(true_counts, dtype=float)
    groups = [g for g in margin_groups(published, list(dims or [])) if counts[g].sum() >= min_cell_size]
    return feasible_ranges(counts, hidden, groups)
