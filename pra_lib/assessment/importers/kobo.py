"""Reading a KoboToolbox (or ODK) XLSX export with its XLSForm into a :class:`_Source`.

The first sheet holds the submissions; further sheets hold repeat groups, linked by
``_parent_index``. Columns are matched to the form's questions by group path or name;
split ``select_multiple`` columns, the tool's own columns and repeat groups are recorded so
that nothing is dropped silently.
"""

from __future__ import annotations

from pathlib import Path

from ._common import KOBO_SYSTEM_PREFIXES, _Question, _Source
from .xlsform import _read_workbook_rows, _read_xlsform, _rows_to_frame


def _kobo_source(export: Path, form: Path):
    from ..problems import Problem

    questions, problems = _read_xlsform(form)
    sheets, read_problems = _read_workbook_rows(export)
    problems += read_problems
    if questions is None or read_problems:
        return None, problems
    names = list(sheets)
    if not names:
        return None, [Problem(file=export.name, kind="empty", expected="a sheet of submissions")]
    main, problem = _rows_to_frame(sheets[names[0]], f"{export.name} [sheet {names[0]}]")
    if problem:
        return None, [problem]
    file = f"{export.name} [sheet {names[0]}]"
    main.columns = [str(c) for c in main.columns]
    by_ref = {q.ref: q for q in questions}
    name_count: dict[str, int] = {}
    for q in questions:
        name_count[q.name] = name_count.get(q.name, 0) + 1
    by_name = {q.name: q for q in questions if name_count[q.name] == 1}
    found: dict[str, _Question] = {}
    parts: dict[str, str] = {}
    system: list[str] = []
    unknown: list[str] = []
    for header in main.columns:
        q = by_ref.get(header) or by_name.get(header)
        if q is not None and q.repeat is None:
            found[header] = _Question(ref=header, name=q.name, type=q.type, labels=q.labels, choices=q.choices, repeat=None)
            continue
        if header.startswith(KOBO_SYSTEM_PREFIXES) or header == "__version__":
            system.append(header)
            continue
        parent, _, choice = header.rpartition("/")
        pq = by_ref.get(parent) or by_name.get(parent)
        if pq is not None and pq.type == "select_multiple":
            parts[header] = parent
            continue
        unknown.append(header)
    for header in unknown:
        found[header] = _Question(ref=header, name=header, type="not in the form")
    for header, parent in list(parts.items()):
        if parent not in found:  # the split columns came without the joined one
            pq = by_ref.get(parent) or by_name.get(parent)
            found[parent] = _Question(ref=parent, name=pq.name, type="select_multiple", labels=pq.labels, choices=pq.choices)
            parts[header] = parent
    present_names = {q.name for q in found.values()}
    form_only = {}
    repeat_questions = {}
    for q in questions:
        if q.repeat is not None:
            repeat_questions[q.ref] = q.repeat
            repeat_questions[q.name] = q.repeat
        elif q.ref not in found and q.name not in present_names:
            form_only[q.ref] = q
            form_only[q.name] = q
    # Repeat groups arrive as further sheets, linked to a submission by _parent_index.
    repeats = []
    notes = []
    repeat_names = {q.repeat for q in questions if q.repeat}
    index_values = set(main["_index"]) if "_index" in main.columns else set()
    for name in names[1:]:
        rows = sheets[name]
        frame, problem = _rows_to_frame(rows, f"{export.name} [sheet {name}]") if rows else (None, None)
        group = next((g for g in repeat_names if g[:31] == name), None)
        if frame is None or problem:
            notes.append(f"sheet {name!r} of {export.name} is empty and was not read")
            continue
        if group is None and "_parent_index" not in frame.columns:
            notes.append(f"sheet {name!r} of {export.name} is neither the submissions nor a repeat group of the form; it was not read")
            continue
        cols = [c for c in frame.columns if not str(c).startswith(KOBO_SYSTEM_PREFIXES)]
        linked = frame["_parent_index"] if "_parent_index" in frame.columns else None
        n_sub = linked.nunique() if linked is not None else 0
        orphans = int((~linked.isin(index_values)).sum()) if linked is not None and index_values else 0
        text = (f"{group or name} (sheet {name!r}): {len(frame)} row(s) from {n_sub} submission(s), linked by _parent_index; "
                f"questions {', '.join(c.rpartition('/')[2] for c in cols) or '(none)'}")
        if orphans:
            text += f"; {orphans} row(s) link to no submission"
        repeats.append(text)
    empty_repeats = sorted(g for g in repeat_names if not any(r.startswith(g + " ") for r in repeats))
    for g in empty_repeats:
        repeats.append(f"{g}: no sheet in the export (no submission answered it, or the export left repeat groups out)")
    if "_uuid" in main.columns:
        dup = main["_uuid"][main["_uuid"] != ""].duplicated(keep=False)
        if dup.any():
            notes.append(f"{int(dup.sum())} submissions share a _uuid with another (the same submission sent twice?); each is imported as a respondent")
    default_id = next((c for c in ("_id", "_uuid", "_index") if c in main.columns), None)
    return _Source("kobo", file, main, found, system, parts, form_only, repeats, repeat_questions, notes, default_id, "KB"), problems
