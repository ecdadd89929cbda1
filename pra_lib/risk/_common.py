"""Shared private helpers of the risk chapter: reading the ratings, raters and hazards.

Where the tables come from (an Assessment or a DataFrame), who counts as a rater, which
hazards a workshop rated, and the raters x hazards array of one rating. Tables only: no
figures, no prose.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import pick
from ..stats._base import NoDataWarning

TRENDS = ("improving", "stable", "worsening")  # ordinal order, for agreement
_TREND_CODE = {t: i for i, t in enumerate(TRENDS, start=1)}
_NOT_RECORDED = "not recorded"


def _warn(message: str, category: type[Warning] = RuntimeWarning) -> None:
    warnings.warn(message, category, stacklevel=3)


def _is_assessment(data) -> bool:
    return hasattr(data, "tables") and hasattr(data, "metadata")


def _primary(data, name: str) -> pd.DataFrame:
    """The table a function works on: from an Assessment, or the DataFrame itself."""
    if _is_assessment(data):
        return data.table(name)
    if isinstance(data, pd.DataFrame):
        return data
    raise TypeError(f"expected an Assessment or the {name} DataFrame, got {type(data).__name__}")


def _aux(data, name: str, given):
    """An auxiliary table: the one given, else the Assessment's, else None."""
    if given is not None:
        return given
    if _is_assessment(data):
        return data.table(name)
    return None


def _names(hazards: pd.DataFrame | None) -> dict[str, str]:
    if hazards is None or hazards.empty or "name_en" not in hazards:
        return {}
    local = hazards["name_id"] if "name_id" in hazards else [None] * len(hazards)
    return {h: (pick(n, i) if isinstance(n, str) and n else h) for h, n, i in zip(hazards["hazard_id"], hazards["name_en"], local)}


def _hazard_ids(hazards: pd.DataFrame | None, hazard_type: str, ratings: pd.DataFrame, columns: list[str]) -> list[str]:
    """The hazards of one type, in the hazards table's order (or as rated, when none is given)."""
    if hazards is not None and not hazards.empty and "hazard_type" in hazards:
        return [h for h, t in zip(hazards["hazard_id"], hazards["hazard_type"]) if t == hazard_type and isinstance(h, str)]
    if ratings.empty:
        return []
    present = [c for c in columns if c in ratings]
    rated = ratings[ratings[present].notna().any(axis=1)] if present else ratings.iloc[:0]
    return sorted(rated["hazard_id"].dropna().unique().tolist())


def _rater(ratings: pd.DataFrame) -> pd.Series:
    """Who rated: the participant, or the workshop table when the table rated together."""
    index = ratings.index
    person = ratings["respondent_id"] if "respondent_id" in ratings else pd.Series(None, index=index, dtype=object)
    table = ratings["workshop_table"] if "workshop_table" in ratings else pd.Series(None, index=index, dtype=object)
    table_key = "table " + table.astype(object).where(table.notna(), "?").astype(str)
    return person.astype(object).where(person.notna(), table_key)


def _filter_activity(frame: pd.DataFrame, activity_id: str | None, what: str) -> pd.DataFrame:
    if activity_id is None or frame.empty or "activity_id" not in frame:
        return frame
    out = frame[frame["activity_id"] == activity_id]
    if out.empty:
        known = ", ".join(sorted(frame["activity_id"].dropna().unique())) or "none"
        _warn(f"no {what} recorded for activity {activity_id!r} (activities with {what}: {known})", NoDataWarning)
    return out


def _matrix(frame: pd.DataFrame, column: str, raters: list, hazard_ids: list[str]) -> np.ndarray:
    """Raters x hazards array of one rating (NaN = not rated); duplicates -> the rater's median."""
    if frame.empty or column not in frame or not raters or not hazard_ids:
        return np.full((len(raters), len(hazard_ids)), np.nan)
    if column == "trend":
        values = frame[column].map(_TREND_CODE)
    else:
        values = _num(frame[column].astype(object).where(frame[column].notna()))
    grid = frame.assign(_v=values.to_numpy()).groupby(["_rater", "hazard_id"])["_v"].median().unstack()
    return grid.reindex(index=raters, columns=hazard_ids).to_numpy(dtype=float)


# --------------------------------------------------------------------------- preparing ratings


def _prepare(data, *, hazard_type: str, activity_id, hazards, participants=None, by=None):
    """Ratings of one hazard type, with a ``_rater`` column, and the hazards to report."""
    ratings = _primary(data, "hazard_ratings")
    hazards = _aux(data, "hazards", hazards)
    columns = ["likelihood", "consequence"] if hazard_type == "shock" else ["severity", "trend"]
    what = "shock ratings" if hazard_type == "shock" else "stress ratings"
    if "hazard_id" not in ratings:
        raise ValueError(f"hazard ratings need a 'hazard_id' column (columns: {', '.join(map(str, ratings.columns))})")
    frame = _filter_activity(ratings, activity_id, what)
    ids = _hazard_ids(hazards, hazard_type, frame, columns)
    frame = frame[frame["hazard_id"].isin(ids)].copy()
    present = [c for c in columns if c in frame]
    frame = frame[frame[present].notna().any(axis=1)] if present else frame.iloc[:0]
    frame["_rater"] = _rater(frame) if len(frame) else pd.Series(dtype=object)
    if by is not None:
        frame["_group"] = _groups(data, frame, by, participants)
    return frame, ids, _names(hazards)


def _groups(data, frame: pd.DataFrame, by: str, participants) -> pd.Series:
    if by in frame and by != "stakeholder_group":
        return frame[by].astype(object).where(frame[by].notna(), _NOT_RECORDED)
    if by == "stakeholder_group":
        people = _aux(data, "participants", participants)
        if people is None:
            raise ValueError("splitting by stakeholder_group needs the participants table (pass participants=)")
        group_of = dict(zip(people["respondent_id"], people["stakeholder_group"]))
        person = frame["respondent_id"] if "respondent_id" in frame else pd.Series(None, index=frame.index)
        return person.map(group_of).astype(object).where(lambda s: s.notna(), _NOT_RECORDED)
    raise ValueError(f"cannot split by {by!r}: it is neither 'stakeholder_group' nor a column of the ratings")


def _group_order(data, groups: list) -> list:
    order = []
    if _is_assessment(data):
        order = [g for g in data.metadata.stakeholder_groups["stakeholder_group"] if g in groups]
    rest = sorted(g for g in groups if g not in order and g != _NOT_RECORDED)
    return order + rest + ([_NOT_RECORDED] if _NOT_RECORDED in groups else [])


def _group_labels(data) -> dict[str, str]:
    if not _is_assessment(data):
        return {}
    from ..overview import group_labels

    return group_labels(data.metadata)


def _score_lookup(shock_scores: pd.DataFrame | None) -> dict[str, float]:
    if shock_scores is None or shock_scores.empty:
        return {}
    return dict(zip(shock_scores["hazard_id"], _num(shock_scores["score"])))
