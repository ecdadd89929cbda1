"""Disclosure control: small cells are suppressed before anything is published.

Statistics offices do not publish a cell that rests on fewer than 3, 5 or 10 people (method
brief, section 6). Every table a report writes passes through :func:`suppress`.
"""

from __future__ import annotations

import pandas as pd

DEFAULT_MIN_CELL_SIZE = 5
SUPPRESSED = "suppressed"


def suppress(data: pd.DataFrame, *, count: str = "n", min_cell_size: int = DEFAULT_MIN_CELL_SIZE, columns: list[str] | None = None) -> pd.DataFrame:
    """Hide every row whose count is below ``min_cell_size``.

    The count and the statistics that rest on it (``columns``; by default every numeric
    column) are replaced by the word ``"suppressed"``, and a boolean ``suppressed`` column
    says which rows were hidden. Rows with count 0 are not hidden: an empty cell discloses
    nobody.

    Parameters
    ----------
    data : DataFrame
        A tidy table with one row per cell and a count column.
    count : str
        Name of the column holding the number of respondents behind each row.
    min_cell_size : int
        Smallest count that may be published.
    columns : list of str, optional
        Columns to hide besides ``count``. Defaults to every numeric column.

    Returns
    -------
    DataFrame
        A copy; the input is not modified.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["a", "b"], "n": [12, 2], "mean": [3.1, 4.5]})
    >>> suppress(t)["mean"].tolist()
    [3.1, 'suppressed']
    """
    if min_cell_size < 1:
        raise ValueError(f"min_cell_size must be at least 1, not {min_cell_size}")
    if count not in data:
        raise KeyError(f"count column {count!r} not in table (columns: {', '.join(map(str, data.columns))})")
    out = data.copy()
    counts = pd.to_numeric(out[count], errors="coerce")
    small = counts.notna() & (counts > 0) & (counts < min_cell_size)
    if columns is None:
        columns = [c for c in out.columns if c != count and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])]
    out["suppressed"] = small.to_numpy()
    if small.any():
        for col in [count, *columns]:
            out[col] = out[col].astype(object)
            out.loc[small, col] = SUPPRESSED
    return out
