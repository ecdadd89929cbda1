"""Helpers the actions inventory shares with the Phase II working groups.

Reading a table of an assessment (or of a plain mapping of DataFrames) with its documented
columns, cleaning id columns, and warning the caller.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import pandas as pd

from ..assessment.schema import table as _schema_table

#: Rupiah in a billion (*miliar*), the unit budgets are shown in.
BILLION = 1e9


def _warn(message: str, category: type[Warning] = RuntimeWarning) -> None:
    warnings.warn(message, category, stacklevel=3)


def _table(data, name: str) -> pd.DataFrame:
    """One table of an Assessment (or of a plain ``{name: DataFrame}`` mapping).

    A table that is absent comes back empty with its documented columns, and optional
    columns that are absent are added empty, so analyses never fail on a missing column.
    """
    tables = getattr(data, "tables", data)
    if not isinstance(tables, Mapping):
        raise TypeError(f"expected an Assessment or a mapping of table names to DataFrames, got {type(data).__name__}")
    frame = tables.get(name)
    columns = _schema_table(name).column_names
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        frame = frame.assign(**{c: pd.Series(None, index=frame.index, dtype=object) for c in missing})
    return frame


def _ids(series: pd.Series) -> pd.Series:
    """Id columns as plain Python strings, missing as None (whatever the input dtype)."""
    return series.astype(object).where(series.notna(), None).map(lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else str(v).strip())

