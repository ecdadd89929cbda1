"""Row order that tells nothing about hidden values.

A table sorted by a count, largest first, keeps each suppressed row in its sorted place: the
counts of the published rows above and below it then bound the hidden count, and the order of
two hidden rows ranks them. After suppression, :func:`hidden_last` keeps the published rows of
each block in their order and lists the block's hidden rows after them, in the order of their
keys (goal, code, hazard), never by a value they hide. :func:`top_published` picks a top-k
list among published rows only and ranks them without gaps, so that no rank counts a hidden
row above it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _hidden(data: pd.DataFrame) -> np.ndarray:
    if "suppressed" not in data:
        return np.zeros(len(data), dtype=bool)
    return data["suppressed"].fillna(False).astype(bool).to_numpy()


def hidden_last(data: pd.DataFrame, *, blocks=(), keys=None) -> pd.DataFrame:
    """Published rows first in their order, then each block's hidden rows in key order.

    Parameters
    ----------
    data : DataFrame
        A protected table (with the boolean ``suppressed`` column that
        :func:`~pra_lib.publishing.disclosure.suppress` adds), in the order it is published.
    blocks : list of str
        Columns whose values form the blocks a reader reads apart (``["valence"]``,
        ``["valence", "stakeholder_group"]``); the blocks keep the order of their first row.
        Empty: the whole table is one block.
    keys : list of str, optional
        Columns that order the hidden rows (``["goal_id"]``, ``["code"]``): values the
        table publishes for every row, never a hidden count. Default: every text column
        that is not a block column, a label or a suppression flag.

    Returns
    -------
    DataFrame
        The same rows, reordered, with a fresh index. A table without ``suppressed`` or
        without hidden rows is returned in its order.

    Examples
    --------
    >>> t = pd.DataFrame({"valence": ["weakness"] * 3, "goal_id": ["G09", "G06", "G04"], "n": [9.0, None, None],
    ...                   "suppressed": [False, True, True]})
    >>> hidden_last(t, blocks=["valence"], keys=["goal_id"])["goal_id"].tolist()
    ['G09', 'G04', 'G06']
    """
    blocks = list(blocks or [])
    missing = [c for c in blocks + list(keys or []) if c not in data]
    if missing:
        raise ValueError(f"hidden_last: the table has no column {', '.join(map(repr, missing))}; it has {', '.join(map(str, data.columns))}")
    hidden = _hidden(data)
    if not hidden.any():
        return data.reset_index(drop=True)
    if keys is None:
        keys = [c for c in data.columns if c not in blocks and c not in ("suppressed", "suppression") and not str(c).endswith("_label")
                and not pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])]
    keys = list(keys)
    frame = data.reset_index(drop=True)
    position = np.arange(len(frame))
    if blocks:
        block_id = frame[blocks].astype(str).agg("\x1f".join, axis=1)
        first = {b: i for i, b in reversed(list(enumerate(block_id)))}
        block_rank = block_id.map(first).to_numpy()
    else:
        block_rank = np.zeros(len(frame), dtype=int)
    # Published rows keep their place; hidden rows follow their block's, in key order.
    key_rank = np.zeros(len(frame), dtype=int)
    if keys and hidden.any():
        ordered = frame.loc[hidden, keys].astype(str).sort_values(keys, kind="stable").index
        key_rank[ordered] = np.arange(len(ordered))
    sort = pd.DataFrame({"block": block_rank, "hidden": hidden, "key": np.where(hidden, key_rank, 0), "position": np.where(hidden, 0, position)})
    order = sort.sort_values(["block", "hidden", "key", "position"], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def top_published(data: pd.DataFrame, *, published: pd.DataFrame, k: int, rank: str = "rank") -> pd.DataFrame:
    """The first ``k`` rows that are published, ranked 1..m without gaps.

    A top-k list that keeps a hidden row in it tells that the row counts at least the next
    published one; a rank after a hidden row counts it. This keeps only rows that ``published``
    (the same table after suppression, row for row) publishes, the first ``k`` of them in
    their order, and numbers them again.

    Parameters
    ----------
    data : DataFrame
        The full ranked list (every candidate, best first).
    published : DataFrame
        ``data`` as suppression would publish it (:meth:`~pra_lib.publishing.report.Report.protect`),
        with the same rows in the same order and a boolean ``suppressed`` column.
    k : int
        How many rows to keep at most.
    rank : str
        The rank column renumbered (added when absent).

    Returns
    -------
    DataFrame
        At most ``k`` rows of ``data``, all published, ranked 1..m.

    Examples
    --------
    >>> full = pd.DataFrame({"code": ["a", "b", "c"], "n": [9, 7, 2]})
    >>> top_published(full, published=full.assign(suppressed=[False, True, False]), k=2)[["rank", "code"]].values.tolist()
    [[1, 'a'], [2, 'c']]
    """
    if len(published) != len(data):
        raise ValueError(f"top_published: published has {len(published)} rows for {len(data)} rows of the list")
    if int(k) < 1:
        raise ValueError(f"top_published: k must be at least 1, not {k!r}")
    out = data.reset_index(drop=True)[~_hidden(published)].head(int(k)).reset_index(drop=True)
    if rank in out:
        out = out.drop(columns=rank)
    out.insert(0, rank, np.arange(1, len(out) + 1))
    return out
