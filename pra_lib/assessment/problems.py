"""Data problems, described the way a user finds them in a spreadsheet."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

PROBLEM_KINDS = (
    "missing_file",
    "unreadable",
    "missing_column",
    "empty",
    "type",
    "range",
    "unknown_code",
    "duplicate",
    "reference",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    ``row`` is the row number as a spreadsheet shows it: the header is row 1, so the first
    record is row 2. It is ``None`` when the problem is with a whole file or column.
    """

    file: str
    kind: str
    expected: str
    row: int | None = None
    column: str | None = None
    value: Any = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        what = "" if self.value is None else f": value {_show(self.value)}"
        return f"{where}{what} [{self.kind}] - expected {self.expected}"


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


class AssessmentError(ValueError):
    """Raised when an assessment folder cannot be loaded; lists every problem found."""

    def __init__(self, path, problems: list[Problem]):
        self.path = path
        self.problems = list(problems)
        super().__init__(format_problems(problems, header=f"{path}: {len(problems)} problem(s) found"))


def format_problems(problems: list[Problem], *, header: str | None = None, limit_per_group: int = 20) -> str:
    """Render problems as text, at most ``limit_per_group`` lines per (file, column, kind)."""
    lines = [header] if header else []
    shown: dict[tuple, int] = {}
    hidden: dict[tuple, int] = {}
    for p in problems:
        key = (p.file, p.column, p.kind)
        if shown.get(key, 0) < limit_per_group:
            shown[key] = shown.get(key, 0) + 1
            lines.append(f"  {p}")
        else:
            hidden[key] = hidden.get(key, 0) + 1
    for (file, column, kind), n in hidden.items():
        col = f", column '{column}'" if column else ""
        lines.append(f"  {file}{col}: {n} more row(s) with the same [{kind}] problem")
    return "\n".join(lines)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a tidy table (one row per problem)."""
    cols = ["file", "row", "column", "kind", "value", "expected"]
    if not problems:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame([asdict(p) for p in problems])[cols]
    frame["row"] = frame["row"].astype("Int64")
    frame["value"] = frame["value"].map(lambda v: None if v is None else _show(v))
    return frame
