"""Reading workbooks and XLSForms: the ``survey`` and ``choices`` sheets as questions.

Workbooks are opened read only and never saved. Groups and repeat groups give a question
its path (``grp_perception/q_g01``) and its repeat group; choice lists keep their labels
in every language of the form.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ._common import _Choice, _Question, _cell_text, _short


def _read_workbook_rows(path: Path) -> tuple[dict[str, list[list]], list]:
    """Every sheet of a workbook as rows of raw cell values (read only; never saved)."""
    from openpyxl import load_workbook

    from ..problems import Problem

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        return {}, [Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"an XLSX workbook ({_short(exc, 120)})")]
    try:
        sheets = {}
        for ws in book.worksheets:
            # Some writers (R's openxlsx) declare a size of A1 whatever the sheet holds;
            # read_only mode trusts that, so forget it and read every cell.
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            sheets[ws.title] = _trim([list(row) for row in ws.iter_rows(values_only=True)])
    finally:
        book.close()
    return sheets, []


def _trim(rows: list[list]) -> list[list]:
    """Drop trailing empty rows and the empty columns right of the last used one; pad rows to one width."""
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    width = 0
    for row in rows:
        used = [i for i, v in enumerate(row) if v is not None and str(v).strip() != ""]
        if used:
            width = max(width, used[-1] + 1)
    return [row[:width] + [None] * (width - len(row[:width])) for row in rows]


_SELECT_TYPES = {"select_one": "select_one", "select_multiple": "select_multiple", "rank": "rank",
                 "select_one_from_file": "select_one", "select_multiple_from_file": "select_multiple"}
_GROUP_WORDS = {"begin_group": "begin group", "end_group": "end group", "begin_repeat": "begin repeat", "end_repeat": "end repeat"}


def _parse_type(text: str) -> tuple[str, str | None]:
    """XLSForm type -> (base type, choice list name), by the type's grammar.

    ``select_one LIST``, ``select_multiple LIST [or_other]``, ``rank LIST``,
    ``select_one_from_file f.csv`` (no list on the choices sheet), ``begin group`` /
    ``begin_group``, ``end repeat`` ...; anything else is its first word. The list name is
    the second word as written: ``select_one pop_group`` is the list ``pop_group``.

    Examples
    --------
    >>> _parse_type("select_one pop_group")
    ('select_one', 'pop_group')
    >>> _parse_type("select_multiple reasons or_other")
    ('select_multiple', 'reasons')
    >>> _parse_type("begin_repeat")
    ('begin repeat', None)
    """
    words = str(text).split()
    if not words:
        return "", None
    first = words[0].casefold()
    if first in _SELECT_TYPES:
        listname = words[1] if len(words) > 1 and not first.endswith("_from_file") else None
        return _SELECT_TYPES[first], listname
    if first in _GROUP_WORDS:
        return _GROUP_WORDS[first], None
    if first in ("begin", "end") and len(words) > 1 and words[1].casefold() in ("group", "repeat"):
        return f"{first} {words[1].casefold()}", None
    return first, None


def _label_columns(header: list[str]) -> dict[int, str]:
    out = {}
    for i, h in enumerate(header):
        h = str(h or "").strip()
        if h.casefold() == "label":
            out[i] = "default"
        elif h.casefold().startswith("label::"):
            out[i] = h.split("::", 1)[1].strip()
    return out


def _read_xlsform(path: Path):
    """Questions (in form order) and choice lists of an XLSForm."""
    from ..problems import Problem

    sheets, problems = _read_workbook_rows(path)
    if problems:
        return None, problems
    by_lower = {name.casefold(): rows for name, rows in sheets.items()}
    survey = by_lower.get("survey")
    if not survey:
        return None, [Problem(file=path.name, kind="missing_file", expected="an XLSForm with a 'survey' sheet (and a 'choices' sheet)")]
    choices: dict[str, list[_Choice]] = {}
    rows = by_lower.get("choices") or []
    if rows:
        header = [str(h or "").strip().casefold() for h in rows[0]]
        labels = _label_columns([str(h or "") for h in rows[0]])
        try:
            ln, nm = header.index("list_name"), header.index("name")
        except ValueError:
            return None, [Problem(file=f"{path.name} [sheet choices]", row=1, kind="missing_column", expected="columns list_name and name")]
        for row in rows[1:]:
            row = list(row) + [None] * (len(header) - len(row))
            if row[ln] is None or row[nm] is None:
                continue
            choices.setdefault(str(row[ln]).strip(), []).append(_Choice(_cell_text(row[nm]), {lang: _cell_text(row[i]) for i, lang in labels.items() if row[i] is not None}))
    header = [str(h or "").strip().casefold() for h in survey[0]]
    labels = _label_columns([str(h or "") for h in survey[0]])
    if "type" not in header or "name" not in header:
        return None, [Problem(file=f"{path.name} [sheet survey]", row=1, kind="missing_column", expected="columns type and name")]
    ti, ni = header.index("type"), header.index("name")
    stack: list[tuple[str, bool]] = []
    questions: list[_Question] = []
    for r, row in enumerate(survey[1:], start=2):
        row = list(row) + [None] * (len(header) - len(row))
        if row[ti] is None or not str(row[ti]).strip():
            continue
        base, listname = _parse_type(str(row[ti]))
        name = _cell_text(row[ni])
        if base in ("begin group", "begin repeat"):
            stack.append((name, base == "begin repeat"))
            continue
        if base in ("end group", "end repeat"):
            if stack:
                stack.pop()
            continue
        if base == "note" or not name:
            continue
        ref = "/".join([g for g, _ in stack if g] + [name])
        repeat = next((g for g, is_rep in reversed(stack) if is_rep), None)
        q = _Question(ref=ref, name=name, type=base, labels={lang: _cell_text(row[i]) for i, lang in labels.items() if row[i] is not None}, repeat=repeat)
        if listname is not None:
            q.choices = choices.get(listname)
            if q.choices is None:
                problems.append(Problem(file=f"{path.name} [sheet survey]", row=r, column="type", kind="reference", value=str(row[ti]), expected=f"a choice list named {listname!r} on the choices sheet"))
        questions.append(q)
    return questions, problems


def _rows_to_frame(rows: list[list], source: str):
    import pandas as pd

    from ..readers import frame_from_grid

    grid = pd.DataFrame([[_cell_text(v) for v in row] for row in rows]) if rows else pd.DataFrame()
    frame, problem = frame_from_grid(grid, source)
    return (frame.astype(object) if frame is not None else None), problem
