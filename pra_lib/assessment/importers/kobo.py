"""Reading a KoboToolbox (or ODK) XLSX export with its XLSForm into a :class:`_Source`.

The first sheet holds the submissions; further sheets hold repeat groups, linked by
``_parent_index``. Columns are matched to the form's questions by group path or name;
split ``select_multiple`` columns, the tool's own columns and repeat groups are recorded so
that nothing is dropped silently.
"""

from __future__ import annotations

from pathlib import Path

import re

from ._common import KOBO_SYSTEM_PREFIXES, _Question, _Source
from .xlsform import _read_workbook_rows, _read_xlsform, _rows_to_frame


# Kobo's own columns, without their leading underscore; R's read.csv renames ``_uuid`` to
# ``X_uuid`` and some scripts drop the underscore (REACH: ``uuid``, ``index``).
KOBO_SYSTEM_NAMES = {"id", "uuid", "index", "parent_index", "parent_table_name", "submission_time", "validation_status", "notes",
                     "status", "submitted_by", "tags", "version", "xform_id_string", "attachments", "geolocation", "duration",
                     "media_count", "total_media", "media_all_received", "submission__id", "submission__uuid"}
_BOM_PREFIXES = ("\ufeff", "X.U.FEFF.", "\u00ef\u00bb\u00bf", "ï..")


def _strip_bom(header: str) -> str:
    """A header without the byte-order mark a CSV export puts before it, raw or as R renamed it."""
    for prefix in _BOM_PREFIXES:
        if header.startswith(prefix):
            return header[len(prefix):]
    return header


def _system_name(header: str) -> str | None:
    """Kobo's name (``_uuid``) of one of its own columns, however renamed; None for an answer column."""
    h = _strip_bom(header)
    if h.startswith("X_") and h[2:].casefold() in KOBO_SYSTEM_NAMES | {"_version__"}:
        h = h[1:]  # R: X_uuid, X__version__
    if h.startswith(KOBO_SYSTEM_PREFIXES) or h == "__version__":
        return h
    if h.casefold() in KOBO_SYSTEM_NAMES:
        return "_" + h.casefold()
    if re.fullmatch(r"(meta|formhub)\.\w+", h):  # R: meta/instanceID -> meta.instanceID
        return h.replace(".", "/", 1)
    return None


def _split_parent(header: str, by_ref: dict, by_name: dict):
    """The select_multiple question a ``question/choice`` or ``question.choice`` column belongs to."""
    for sep in ("/", "."):
        parent, found, _ = header.rpartition(sep)
        if not found or not parent:
            continue
        for key in (parent, parent.replace(".", "/"), parent.rpartition(sep)[2]):
            q = by_ref.get(key) or by_name.get(key)
            if q is not None and q.type == "select_multiple" and q.repeat is None:
                return q
    return None


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
    system_names: dict[str, str] = {}
    for header in main.columns:
        bare = _strip_bom(header)
        q = by_ref.get(header) or by_name.get(header) or by_ref.get(bare) or by_name.get(bare)
        if q is not None and q.repeat is None:
            found[header] = _Question(ref=header, name=q.name, type=q.type, labels=q.labels, choices=q.choices, repeat=None, path=q.ref)
            continue
        sysname = _system_name(header)
        if sysname is not None:
            system.append(header)
            system_names.setdefault(sysname, header)
            continue
        pq = _split_parent(header, by_ref, by_name)
        if pq is not None:
            parts[header] = pq.ref
            continue
        unknown.append(header)
    for header in unknown:
        found[header] = _Question(ref=header, name=header, type="not in the form")
    headers_of = {q.ref: h for h, q in found.items()} | {q.name: h for h, q in found.items()}
    for header, parent_ref in list(parts.items()):
        if parent_ref in headers_of:
            parts[header] = headers_of[parent_ref]
            continue
        pq = by_ref[parent_ref]  # the split columns came without the joined one
        found[parent_ref] = _Question(ref=parent_ref, name=pq.name, type="select_multiple", labels=pq.labels, choices=pq.choices)
        headers_of[parent_ref] = headers_of[pq.name] = parent_ref
        parts[header] = parent_ref
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
    index_header = system_names.get("_index")
    index_values = set(main[index_header]) if index_header else set()
    for name in names[1:]:
        rows = sheets[name]
        frame, problem = _rows_to_frame(rows, f"{export.name} [sheet {name}]") if rows else (None, None)
        group = next((g for g in repeat_names if g[:31] == name), None)
        if frame is None or problem:
            notes.append(f"sheet {name!r} of {export.name} is empty and was not read")
            continue
        if group is None and parent_col is None:
            notes.append(f"sheet {name!r} of {export.name} is neither the submissions nor a repeat group of the form; it was not read")
            continue
        cols = [c for c in frame.columns if _system_name(str(c)) is None]
        parent_col = next((c for c in frame.columns if _system_name(str(c)) == "_parent_index"), None)
        linked = frame[parent_col] if parent_col is not None else None
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
    uuid_header = system_names.get("_uuid")
    if uuid_header is not None:
        dup = main[uuid_header][main[uuid_header] != ""].duplicated(keep=False)
        if dup.any():
            notes.append(f"{int(dup.sum())} submissions share a {uuid_header} with another (the same submission sent twice?); each is imported as a respondent")
    if parts:
        n_q = len(set(parts.values()))
        notes.append(f"{len(parts)} split column(s) of {n_q} select_multiple question(s) (question/choice or question.choice, one per choice) "
                     "set aside with their question")
    renamed = [h for h in system if h != system_names.get(_system_name(h), h) or _system_name(h) != h]
    if renamed:
        notes.append("Kobo's own columns recognised under renamed headers: " + ", ".join(f"{h} = {_system_name(h)}" for h in renamed[:8])
                     + (" ..." if len(renamed) > 8 else ""))
    default_id = next((system_names[n] for n in ("_id", "_uuid", "_index") if n in system_names), None)
    return _Source("kobo", file, main, found, system, parts, form_only, repeats, repeat_questions, notes, default_id, "KB"), problems
