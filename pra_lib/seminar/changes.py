"""What the PRA Seminar changed against the working-session ranking of the focus areas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN

CHANGES = ("moved up", "moved down", "unchanged", "not in session ranking", "not ranked at seminar")


def _name_column(frame: pd.DataFrame) -> str | None:
    return next((c for c in ("focus_area", "name_en", "name") if c in frame.columns), None)


def seminar_changes(seminar_ranking: pd.DataFrame, session_ranking: pd.DataFrame, *, key: str = "focus_area_id", rank: str = "rank") -> pd.DataFrame:
    """What the seminar changed against the working-session ranking of the focus areas.

    The two rankings may cover different focus areas (the session ranks every candidate,
    the seminar only those put to it). Shifts are therefore measured on the focus areas
    both ranked, re-ranked among themselves, so that dropping a candidate does not count as
    everybody moving up.

    Parameters
    ----------
    seminar_ranking : pandas.DataFrame
        One row per focus area with ``key`` and ``rank`` (1 = top), e.g.
        :func:`seminar_ranking` without ``by``.
    session_ranking : pandas.DataFrame
        The same for the working session (for example the nominal ranking of
        :mod:`pra_lib.synthesis`).
    key : str, default "focus_area_id"
        The column identifying a focus area in both.
    rank : str, default "rank"
        The rank column in both.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``focus_area`` (when either input has a name), ``session_rank``,
        ``seminar_rank`` (as given), ``session_rank_shared`` and ``seminar_rank_shared``
        (re-ranked among the focus areas both rank; ties share the smaller rank), ``shift``
        (``session_rank_shared - seminar_rank_shared``: positive means the seminar put it
        higher) and ``change``: "moved up", "moved down", "unchanged", "not in session
        ranking" or "not ranked at seminar". Sorted by seminar rank, then session rank.
        It counts no people (publish with ``count=None``).

    Examples
    --------
    >>> seminar = pd.DataFrame({"focus_area_id": ["FA1", "FA2"], "rank": [1, 2]})
    >>> session = pd.DataFrame({"focus_area_id": ["FA2", "FA1", "FA6"], "rank": [1, 2, 3]})
    >>> seminar_changes(seminar, session)[["focus_area_id", "shift", "change"]].values.tolist()
    [['FA1', 1.0, 'moved up'], ['FA2', -1.0, 'moved down'], ['FA6', nan, 'not ranked at seminar']]
    """
    frames = {}
    for name, frame in (("seminar", seminar_ranking), ("session", session_ranking)):
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"seminar_changes: {name}_ranking must be a DataFrame")
        missing = [c for c in (key, rank) if c not in frame.columns]
        if missing:
            raise ValueError(f"seminar_changes: {name}_ranking lacks column(s) {', '.join(missing)}")
        sub = frame[frame[key].notna()]
        if sub[key].duplicated().any():
            raise ValueError(f"seminar_changes: {name}_ranking has several rows per {key}; pass one ranking (without by)")
        frames[name] = sub
    names = {}
    for name in ("session", "seminar"):
        col = _name_column(frames[name])
        if col:
            names.update({k: v for k, v in zip(frames[name][key], frames[name][col]) if pd.notna(v)})
    left = frames["session"][[key]].assign(session_rank=_num(frames["session"][rank]).to_numpy())
    right = frames["seminar"][[key]].assign(seminar_rank=_num(frames["seminar"][rank]).to_numpy())
    out = left.merge(right, on=key, how="outer", sort=False)
    shared = out["session_rank"].notna() & out["seminar_rank"].notna()
    out["session_rank_shared"] = out["session_rank"].where(shared).rank(method="min")
    out["seminar_rank_shared"] = out["seminar_rank"].where(shared).rank(method="min")
    out["shift"] = out["session_rank_shared"] - out["seminar_rank_shared"]
    out["change"] = np.select(
        [~shared & out["session_rank"].isna(), ~shared, out["shift"] > 0, out["shift"] < 0],
        ["not in session ranking", "not ranked at seminar", "moved up", "moved down"],
        default="unchanged",
    )
    out = out.sort_values(["seminar_rank", "session_rank", key], na_position="last", kind="stable").reset_index(drop=True)
    columns = [key, "session_rank", "seminar_rank", "session_rank_shared", "seminar_rank_shared", "shift", "change"]
    out = out[columns]
    if names:
        out.insert(1, "focus_area", out[key].map(names).where(out[key].map(names).notna(), out[key]))
    return out
