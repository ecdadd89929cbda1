"""Helpers shared by the seminar tables: checking and preparing the votes, metadata order, labels."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN

_LABEL_OF = {"stakeholder_group": "group_label", "focus_area_id": "focus_area"}


def _warn(message: str, category: type[Warning] = RuntimeWarning) -> None:
    warnings.warn(message, category, stacklevel=3)


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _require(data: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{func}: data must be a DataFrame (see votes_frame), not {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{func}: missing column(s) {', '.join(missing)}; pass the output of votes_frame")


def _order(data: pd.DataFrame, column: str) -> list:
    """Values of ``column`` in the metadata order (``attrs``), then any others sorted."""
    present = [v for v in pd.unique(data[column]) if pd.notna(v)] if column in data else []
    known = [v for v in data.attrs.get("category_order", {}).get(column, []) if v in set(present)]
    return known + sorted((v for v in present if v not in set(known)), key=str)


def _labels(data: pd.DataFrame, column: str) -> dict:
    label = _LABEL_OF.get(column)
    if label is None or label not in data or column not in data:
        return {}
    sub = data[[column, label]].dropna().drop_duplicates(column)
    return dict(zip(sub[column], sub[label]))


def _with_labels(out: pd.DataFrame, data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Insert the label column right after each id column that has one."""
    out = out.copy()
    for col in columns:
        label = _LABEL_OF.get(col)
        if label is None or col not in out:
            continue
        names = _labels(data, col)
        values = out[col].map(names) if names else out[col]
        out.insert(out.columns.get_loc(col) + 1, label, values.where(values.notna(), out[col]))
    return out


def _prepare(data: pd.DataFrame, by: list[str], func: str) -> pd.DataFrame:
    _require(data, ["respondent_id", "focus_area_id", *by], func)
    frame = data[data["focus_area_id"].notna()].copy()
    for col in by:
        dropped = frame[col].isna().sum()
        if dropped:
            _warn(f"{func}: {dropped} vote(s) without a {col} are left out")
        frame = frame[frame[col].notna()]
    for col in ("support", "rank"):
        frame[col] = _num(frame[col]).to_numpy() if col in frame else np.nan
    return frame


def _grid(frame: pd.DataFrame, data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Every combination of the key values present, in metadata order."""
    grid = pd.DataFrame({"_k": [0]})
    for col in keys:
        values = pd.Series(_order(frame if len(frame) else data, col), dtype=object)
        grid = grid.merge(pd.DataFrame({col: values, "_k": 0}), on="_k")
    return grid.drop(columns="_k")
