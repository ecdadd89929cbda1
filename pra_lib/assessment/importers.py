"""Import questionnaire answers from KoboToolbox/ODK and Google Forms exports.

``pra import kobo EXPORT.xlsx --form FORM.xlsx --mapping MAP.yaml --into DIR`` and
``pra import gforms RESPONSES.csv --mapping MAP.yaml --into DIR`` turn a survey tool's
export into the two questionnaire tables of an assessment, ``participants.csv`` and
``perception_ratings.csv``. A small mapping file (YAML) says which question is which goal
rating and which respondent attribute; see ``docs/importing.md`` for its format and the
workflow.

The rules:

* **Nothing is dropped silently.** Every column of the export that the mapping does not
  use is listed in the result: unmapped questions, questions the mapping ignores,
  ``select_multiple`` (checkbox) questions and repeat groups (which the data model has no
  place for), and the tool's own metadata columns.
* **Answers convert by meaning.** A choice's name and its labels in any language of the
  form are tried; rating labels of the performance, importance and agreement scales
  (English or Indonesian) become codes 1-5, "don't know" (*tidak tahu*) stays a
  "don't know" answer (missing, never a middle value). An answer that fits nothing is an
  error with its row and column, never a guess: add it to the mapping's ``values``.
* **Personal data stays in the personal columns.** Name, phone, e-mail and NIK questions
  map to the ``name``, ``phone``, ``email`` and ``nik`` columns of ``participants`` and
  nowhere else; their values are never printed in messages.
* **Inputs are never written.** The tables are written atomically (temporary file and
  rename) into the assessment folder, which must hold the metadata file
  (``assessment.yaml``) or be given one; existing tables are replaced only with
  ``force=True`` (``--force``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import AGE_BANDS, ASPECTS, CHANNELS, GENDERS

__all__ = ["ImportDataError", "ImportResult", "import_gforms", "import_kobo", "register_cli"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2

OUTPUT_TABLES = ("participants", "perception_ratings")
PARTICIPANT_TARGETS = ("stakeholder_group", "channel", "area", "organisation", "workshop_table", "gender", "age_band", "name", "phone", "email", "nik")
FREE_TEXT_ONLY = ("organisation", "workshop_table")
PERSONAL_TARGETS = ("name", "phone", "email", "nik")
FREE_TEXT_TARGETS = (*FREE_TEXT_ONLY, *PERSONAL_TARGETS)
DONT_KNOW_TEXT = "don't know"
HIDDEN = "(hidden: personal data)"

# KoboToolbox adds these to every export; they are not answers.
KOBO_SYSTEM_PREFIXES = ("_", "meta/", "formhub/")
# XLSForm metadata types: recorded by the device, not asked. Some identify a person.
KOBO_META_TYPES = {"start", "end", "today", "deviceid", "imei", "username", "email", "phonenumber", "simserial", "subscriberid", "audit", "start-geopoint", "background-audio"}
KOBO_PERSONAL_META = {"username": ("name",), "email": ("email",), "phonenumber": ("phone",), "simserial": (), "subscriberid": (), "deviceid": (), "imei": ()}
# Google Forms' own columns, in English and Indonesian exports.
GFORMS_SYSTEM = {"timestamp", "stempel waktu", "score", "skor"}
GFORMS_EMAIL = {"email address", "alamat email", "alamat e-mail", "email"}

_MAPPING_KEYS = ("activity_id", "respondent_id", "participants", "ratings", "rating_values", "ignore")
_CHANNEL_WORDS = {"daring": "online", "web": "online", "internet": "online", "luring": "offline", "kertas": "offline", "paper": "offline",
                  "tatap muka": "offline", "face to face": "offline", "wawancara": "interview", "lokakarya": "workshop"}
_GENDER_WORDS = {"perempuan": "female", "wanita": "female", "woman": "female", "laki-laki": "male", "laki laki": "male", "pria": "male",
                 "man": "male", "lainnya": "other", "lain-lain": "other"}


class ImportDataError(ValueError):
    """The export, the form, the mapping or the metadata cannot be imported; lists every problem."""

    def __init__(self, problems, *, header: str = "nothing was imported"):
        from .problems import format_problems

        self.problems = list(problems)
        super().__init__(format_problems(self.problems, header=f"{header}: {len(self.problems)} problem(s)"))


@dataclass
class ImportResult:
    """What an import read, wrote and left out.

    ``participants`` and ``ratings`` are the tables as written (text). ``unmapped`` lists
    the questions that hold answers but are not in the mapping; ``ignored`` those the
    mapping lists under ``ignore``; ``select_multiple`` the several-answer (checkbox)
    questions and ``repeats`` the repeat groups, neither of which the data model holds;
    ``skipped`` the tool's own columns (ids, timestamps, device metadata). ``validation``
    holds the problems of the whole assessment folder after the import (empty when it
    validates).
    """

    tool: str
    source: str
    into: Path
    participants: Any
    ratings: Any
    unmapped: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    select_multiple: list[str] = field(default_factory=list)
    repeats: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    validation: list = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        """A report of the import for the terminal."""
        from .problems import format_problems

        ratings = self.ratings
        n_dk = int((ratings["rating"] == DONT_KNOW_TEXT).sum()) if len(ratings) else 0
        n_items = ratings[["goal_id", "indicator_id", "aspect"]].drop_duplicates().shape[0] if len(ratings) else 0
        lines = [f"{'Read' if self.dry_run else 'Imported'} {len(self.participants)} respondent(s) and {len(ratings)} rating(s) "
                 f"({n_items} rating question(s), {n_dk} \"don't know\") from {self.source} ({self.tool})"]
        if self.dry_run:
            lines.append(f"  dry run: nothing was written to {self.into}")
        for path in self.written:
            lines.append(f"  wrote {path}")
        sections = [
            ("Unmapped question(s) with answers, not imported (map them under ratings or participants, or list them under ignore):", self.unmapped),
            ("Several-answer (select_multiple / checkbox) question(s), not imported: a respondent gives several answers and no table holds them:", self.select_multiple),
            ("Repeat group(s), not imported: their answers repeat within one submission and no table holds them:", self.repeats),
            ("Ignored, as the mapping asks:", self.ignored),
        ]
        for title, items in sections:
            if items:
                lines.append(title)
                lines += [f"  - {item}" for item in items]
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped)} column(s) of the tool's own (ids, times, device metadata): {', '.join(self.skipped)}")
        for note in self.notes:
            lines.append(f"Note: {note}")
        if not self.dry_run:
            if self.validation:
                lines.append(format_problems(self.validation, header=f"{self.into} is not yet a valid assessment ({len(self.validation)} problem(s); pra validate lists them):", limit_per_group=5))
            else:
                lines.append(f"{self.into}: valid")
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------


def _norm(value: Any) -> str:
    """Fold a label, name or answer for comparison: case, spaces, underscores, curly quotes."""
    text = str(value).replace("\u2019", "'").replace("\u2018", "'").replace("_", " ").replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(text.split()).casefold()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _parts(text: str) -> list[str]:
    """Bilingual labels such as 'Baik / Good' or 'Baik (Good)' also match by each part."""
    out = [text]
    if "/" in text:
        out += [p.strip() for p in text.split("/") if p.strip()]
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", text)
    if m:
        out += [p.strip() for p in m.groups() if p.strip()]
    m = re.match(r"^\s*[1-5]\s*[-.:)]\s+(.+)$", text)  # '4 - Baik', '4. Good'
    if m:
        out.append(m.group(1).strip())
    return out


def _short(text: str, width: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


# ---------------------------------------------------------------------------
# The survey tools' files
# ---------------------------------------------------------------------------


def _display_label(labels: dict[str, str]) -> str:
    """The English (or default, or first) of a form's labels."""
    for lang, text in labels.items():
        if "english" in lang.casefold() or lang.casefold() in ("en", "default"):
            return text
    return next(iter(labels.values()), "")


@dataclass
class _Choice:
    name: str
    labels: dict[str, str]


@dataclass
class _Question:
    ref: str  # the column header that holds its answers
    name: str
    type: str  # select_one, select_multiple, integer, text, calculate, a metadata type, or "unknown"
    labels: dict[str, str] = field(default_factory=dict)
    choices: list[_Choice] | None = None
    repeat: str | None = None

    @property
    def label(self) -> str:
        return _display_label(self.labels)

    def describe(self) -> str:
        label = f' "{_short(self.label, 60)}"' if self.label and _norm(self.label) != _norm(self.ref) else ""
        kind = f" ({self.type})" if self.type else ""
        return f"{_short(self.ref, 90)}{kind}{label}"

    def choice_for(self, raw: str) -> _Choice | None:
        if not self.choices:
            return None
        for ch in self.choices:
            if ch.name == raw:
                return ch
        folded = _norm(raw)
        for ch in self.choices:
            if _norm(ch.name) == folded or any(_norm(t) == folded for t in ch.labels.values()):
                return ch
        return None


@dataclass
class _Source:
    """An export read as text, with what is known about each column."""

    tool: str
    file: str
    frame: Any  # DataFrame of text; index = spreadsheet row numbers
    questions: dict[str, _Question]  # header -> question, for answer columns
    system: list[str]
    parts: dict[str, str]  # select_multiple split column -> its question's header
    form_only: dict[str, _Question]  # questions of the form (by ref and name) that have no column
    repeats: list[str]
    repeat_questions: dict[str, str]  # question ref/name -> repeat group
    notes: list[str]
    default_id: str | None
    id_prefix: str

    def resolve(self, key: str) -> tuple[str | None, str | None]:
        """The header a mapping key names, or a message saying why there is none."""
        key = str(key)
        headers = list(self.frame.columns)
        if key in headers:
            return key, None
        if self.tool == "kobo":
            by_name = [h for h, q in self.questions.items() if q.name == key]
            if len(by_name) == 1:
                return by_name[0], None
            if len(by_name) > 1:
                return None, f"question name {key!r} is ambiguous; use its group path: {', '.join(by_name)}"
            if key in self.repeat_questions:
                return None, f"{key!r} is inside the repeat group {self.repeat_questions[key]!r}: a respondent can give it several answers, so it cannot be mapped"
            if key in self.form_only:
                return None, f"{key!r} is in the form but the export has no column for it (an export of another form version?)"
            return None, f"no question {key!r} in the form, and no column {key!r} in the export"
        folded = " ".join(key.split()).casefold()
        exact = [h for h in headers if " ".join(h.split()).casefold() == folded]
        if len(exact) == 1:
            return exact[0], None
        prefixed = [h for h in headers if " ".join(h.split()).casefold().startswith(folded)]
        if len(prefixed) == 1:
            return prefixed[0], None
        if len(prefixed) > 1:
            return None, f"{len(prefixed)} column headers start with this text ({'; '.join(_short(h, 50) for h in prefixed[:3])}); give more of the header"
        return None, "no column header is, or starts with, this text"

    def describe(self, header: str) -> str:
        q = self.questions.get(header)
        if q is not None:
            return q.describe()
        return _short(header, 90)


def _read_workbook_rows(path: Path) -> tuple[dict[str, list[list]], list]:
    """Every sheet of a workbook as rows of raw cell values (read only; never saved)."""
    from openpyxl import load_workbook

    from .problems import Problem

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        return {}, [Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"an XLSX workbook ({_short(exc, 120)})")]
    try:
        sheets = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()
    return sheets, []


def _parse_type(text: str) -> tuple[str, str | None]:
    """XLSForm type -> (base type, choice list name)."""
    words = " ".join(str(text).replace("_group", " group").replace("_repeat", " repeat").split()).split(" ")
    first = words[0].casefold()
    if first in ("select_one", "select_multiple", "rank", "select_one_from_file", "select_multiple_from_file"):
        base = "select_multiple" if "multiple" in first else ("rank" if first == "rank" else "select_one")
        listname = words[1] if len(words) > 1 and "from_file" not in first else None
        return base, listname
    if first in ("begin", "end") and len(words) > 1:
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
    from .problems import Problem

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

    from .readers import frame_from_grid

    grid = pd.DataFrame([[_cell_text(v) for v in row] for row in rows]) if rows else pd.DataFrame()
    frame, problem = frame_from_grid(grid, source)
    return (frame.astype(object) if frame is not None else None), problem


def _kobo_source(export: Path, form: Path):
    from .problems import Problem

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


def _gforms_source(responses: Path):
    from .readers import read_csv

    frame, problem, notes, _ = read_csv(responses)
    if problem:
        return None, [problem]
    frame = frame.astype(object)  # the reader hands back categoricals; plain text here
    headers = [str(h) for h in frame.columns]
    seen: dict[str, int] = {}
    unique = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        unique.append(h if seen[h] == 1 else f"{h} [{seen[h]}]")
    if unique != headers:
        notes = notes + ["some column headers repeat (questions with the same title); later ones are named '<header> [2]', '<header> [3]'"]
    frame.columns = unique
    system = [h for h in unique if _norm(h) in GFORMS_SYSTEM]
    questions = {h: _Question(ref=h, name=h, type="") for h in unique if h not in system}
    return _Source("gforms", responses.name, frame, questions, system, {}, {}, [], {}, notes, None, "GF"), []


# ---------------------------------------------------------------------------
# The mapping
# ---------------------------------------------------------------------------


@dataclass
class _Attribute:
    target: str
    header: str | None = None
    constant: str | None = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Rating:
    key: str
    header: str
    goal_id: str
    indicator_id: str | None
    aspect: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Plan:
    activity_id: str | None = None
    id_header: str | None = None
    id_prefix: str = ""
    attributes: dict[str, _Attribute] = field(default_factory=dict)
    ratings: list[_Rating] = field(default_factory=list)
    rating_values: dict[str, Any] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)
    ignored_repeats: set[str] = field(default_factory=set)


def _load_mapping(mapping) -> tuple[dict | None, str, list]:
    from .problems import Problem

    if isinstance(mapping, dict):
        return mapping, "mapping", []
    path = Path(mapping)
    if not path.is_file():
        return None, path.name, [Problem(file=str(path), kind="missing_file", expected="a mapping file (YAML); see docs/importing.md")]
    try:
        import yaml

        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, path.name, [Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"a readable UTF-8 YAML file ({exc})")]
    except Exception as exc:  # yaml.YAMLError
        return None, path.name, [Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"valid YAML ({_short(exc, 200)})")]
    if not isinstance(raw, dict):
        return None, path.name, [Problem(file=path.name, kind="type", value=type(raw).__name__, expected="a mapping with ratings and participants; see docs/importing.md")]
    return raw, path.name, []


def _values_map(spec, where: str, fname: str, problems) -> dict[str, Any]:
    from .problems import Problem

    if spec is None:
        return {}
    if not isinstance(spec, dict):
        problems.append(Problem(file=fname, column=where, kind="type", value=_short(spec, 60), expected="a mapping of answers to values, e.g. {pemerintah: government}"))
        return {}
    return {_norm(k): v for k, v in spec.items()}


def _plan(raw: dict, fname: str, source: _Source, metadata) -> tuple[_Plan, list]:
    from . import crf
    from .problems import Problem

    problems: list = []
    plan = _Plan()

    def bad(column, expected, value=None, kind="type"):
        problems.append(Problem(file=fname, column=column, kind=kind, value=value, expected=expected))

    for key in raw:
        if key not in _MAPPING_KEYS:
            bad(str(key), "one of the keys " + ", ".join(_MAPPING_KEYS), value=str(key), kind="unknown_code")
    activities = metadata.activities
    activity = raw.get("activity_id")
    if activity is None:
        questionnaires = activities.loc[activities["activity_type"] == "questionnaire", "activity_id"].tolist()
        if len(questionnaires) == 1:
            activity = questionnaires[0]
        else:
            bad("activity_id", f"the activity the respondents took part in (one of {', '.join(activities['activity_id'])}); the metadata has {len(questionnaires)} questionnaire activities")
    elif str(activity) not in set(activities["activity_id"]):
        bad("activity_id", f"an activity listed in the metadata file ({', '.join(activities['activity_id'])})", value=activity, kind="reference")
    plan.activity_id = None if activity is None else str(activity)

    used: dict[str, list[str]] = {}  # header -> what it is mapped to

    def use(header, what):
        used.setdefault(header, []).append(what)

    def resolve(key, where):
        header, why = source.resolve(key)
        if header is None:
            bad(where, why or "a question of the export", value=str(key), kind="reference")
        return header

    # Respondent ids
    rid = raw.get("respondent_id") or {}
    if not isinstance(rid, dict):
        bad("respondent_id", "a mapping such as {question: _id, prefix: KB}", value=_short(rid, 60))
        rid = {}
    plan.id_prefix = str(rid.get("prefix", source.id_prefix) or "")
    if rid.get("question") is not None:
        plan.id_header = resolve(rid["question"], "respondent_id.question")
        if plan.id_header:
            use(plan.id_header, "respondent_id")
    else:
        plan.id_header = source.default_id

    # Respondent attributes
    people = raw.get("participants") or {}
    if not isinstance(people, dict):
        bad("participants", "a mapping of participants columns to questions", value=_short(people, 60))
        people = {}
    for target, spec in people.items():
        where = f"participants.{target}"
        if target not in PARTICIPANT_TARGETS:
            bad(where, "a participants column: " + ", ".join(PARTICIPANT_TARGETS), value=str(target), kind="unknown_code")
            continue
        if isinstance(spec, str):
            spec = {"question": spec}
        if not isinstance(spec, dict) or ("question" in spec) == ("value" in spec):
            bad(where, "{question: <question>} (with optional values: {answer: id}) or {value: <the same value for everyone>}", value=_short(spec, 60))
            continue
        extra = set(spec) - {"question", "value", "values"}
        if extra:
            bad(where, "only the keys question, value, values", value=", ".join(sorted(map(str, extra))), kind="unknown_code")
        attr = _Attribute(target, values=_values_map(spec.get("values"), f"{where}.values", fname, problems))
        if "value" in spec:
            attr.constant = None if spec["value"] is None else str(spec["value"])
            ok, expected = _check_target_value(target, attr.constant, metadata)
            if not ok:
                bad(f"{where}.value", expected, value=attr.constant, kind="unknown_code")
        else:
            attr.header = resolve(spec["question"], f"{where}.question")
            if attr.header:
                use(attr.header, target)
                q = source.questions.get(attr.header)
                if q is not None and q.type in ("select_multiple", "rank"):
                    bad(f"{where}.question", f"a question with one answer per respondent ({attr.header} is {q.type})", value=attr.header)
                meta_personal = KOBO_PERSONAL_META.get(q.type) if q is not None and source.tool == "kobo" else None
                if meta_personal is not None and target not in meta_personal:
                    bad(f"{where}.question", f"device metadata '{q.type}' identifies a person; it may only go to {' or '.join(meta_personal) or 'no column'}", value=attr.header)
                if source.tool == "gforms" and _norm(attr.header) in GFORMS_EMAIL and target != "email":
                    bad(f"{where}.question", "the form's e-mail column goes to email only", value=attr.header)
        for answer, value in attr.values.items():
            if target in FREE_TEXT_TARGETS:
                continue
            ok, expected = _check_target_value(target, None if value is None else str(value), metadata)
            if not ok:
                bad(f"{where}.values", expected, value=f"{answer}: {value}", kind="unknown_code")
        plan.attributes[target] = attr
    for required in ("stakeholder_group", "channel"):
        if required not in people:
            bad(f"participants.{required}", f"a question for {required} (or a constant: {{value: ...}}); it may not be empty")
    if "area" not in people:
        pass  # area may be empty (city-wide); the import notes it

    # Ratings
    plan.rating_values = _values_map(raw.get("rating_values"), "rating_values", fname, problems)
    for answer, value in plan.rating_values.items():
        if _rating_target(value) is None:
            bad("rating_values", "a code 1-5, \"don't know\" or null", value=f"{answer}: {value}", kind="unknown_code")
    ratings = raw.get("ratings") or {}
    if not isinstance(ratings, dict) or not ratings:
        bad("ratings", "a mapping of rating questions to {goal: G01, aspect: performance}", value=None if isinstance(ratings, dict) else _short(ratings, 60))
        ratings = {}
    for key, spec in ratings.items():
        where = f"ratings[{str(key)!r}]"
        if not isinstance(spec, dict):
            bad(where, "{goal: G01, aspect: performance} (or indicator: '1.3' instead of goal)", value=_short(spec, 60))
            continue
        extra = set(spec) - {"goal", "indicator", "aspect", "values"}
        if extra:
            bad(where, "only the keys goal, indicator, aspect, values", value=", ".join(sorted(map(str, extra))), kind="unknown_code")
        goal = indicator = None
        if spec.get("indicator") is not None:
            try:
                indicator = crf.normalise_indicator_id(spec["indicator"])
                goal = crf.indicators().set_index("indicator_id").loc[indicator, "goal_id"]
            except ValueError as exc:
                bad(f"{where}.indicator", f"a CRF indicator id as quoted text, e.g. '1.3' ({exc})", value=spec["indicator"], kind="reference")
                continue
        if spec.get("goal") is not None:
            try:
                g = crf.normalise_goal_id(spec["goal"])
            except ValueError:
                bad(f"{where}.goal", "a CRF goal id G01..G12", value=spec["goal"], kind="reference")
                continue
            if goal is not None and g != goal:
                bad(f"{where}.goal", f"{goal}, the goal of indicator {indicator} (or leave goal out)", value=g, kind="reference")
                continue
            goal = g
        if goal is None:
            bad(where, "a goal (G01..G12) or an indicator ('1.3')")
            continue
        aspect = spec.get("aspect")
        if aspect not in ASPECTS:
            bad(f"{where}.aspect", "performance or importance", value=aspect, kind="unknown_code")
            continue
        header = resolve(key, where)
        if header is None:
            continue
        q = source.questions.get(header)
        if q is not None and q.type in ("select_multiple", "rank"):
            bad(where, f"a question with one answer (this is {q.type})", value=header)
            continue
        values = _values_map(spec.get("values"), f"{where}.values", fname, problems)
        for answer, value in values.items():
            if _rating_target(value) is None:
                bad(f"{where}.values", "a code 1-5, \"don't know\" or null", value=f"{answer}: {value}", kind="unknown_code")
        use(header, f"rating {goal}{'/' + indicator if indicator else ''} {aspect}")
        plan.ratings.append(_Rating(str(key), header, goal, indicator, aspect, values))
    seen_items: dict[tuple, str] = {}
    for r in plan.ratings:
        item = (r.goal_id, r.indicator_id, r.aspect)
        if item in seen_items:
            bad(f"ratings[{r.key!r}]", f"one question per goal (or indicator) and aspect; {seen_items[item]!r} is also {r.goal_id} {r.aspect}", value=r.key, kind="duplicate")
        seen_items[item] = r.key

    # Personal columns go to the personal columns, nowhere else.
    for header, targets in used.items():
        personal = [t for t in targets if t in PERSONAL_TARGETS]
        if personal and len(targets) > 1:
            bad(header, f"a question mapped once: it goes to the personal column {personal[0]}, so it may not also be {', '.join(t for t in targets if t != personal[0])}", value=header, kind="duplicate")
        elif len(targets) > 1:
            bad(header, f"a question mapped once (it is mapped to {', '.join(targets)})", value=header, kind="duplicate")

    ignore = raw.get("ignore") or []
    if not isinstance(ignore, list):
        bad("ignore", "a list of questions not to import", value=_short(ignore, 60))
        ignore = []
    repeat_names = {r.split(" ", 1)[0].rstrip(":") for r in source.repeats}
    for key in ignore:
        if str(key) in repeat_names:
            plan.ignored_repeats.add(str(key))
            continue
        header, why = source.resolve(str(key))
        if header is None and str(key) in source.repeat_questions:
            continue  # a question inside an ignored-or-reported repeat group
        if header is None:
            bad("ignore", why or "a question of the export", value=str(key), kind="reference")
        elif header in used:
            bad("ignore", f"a question that is not also mapped ({header} is mapped to {', '.join(used[header])})", value=str(key), kind="duplicate")
        else:
            plan.ignore.add(header)
    return plan, problems


def _rating_target(value) -> str | None:
    """A mapping's rating value as written: '1'..'5', "don't know", or '' (no answer)."""
    from .scales import DONT_KNOW_LABELS

    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer() and 1 <= value <= 5:
        return str(int(value))
    text = _norm(value)
    if text in ("dont know", "dont_know") or text in {_norm(d) for d in DONT_KNOW_LABELS}:
        return DONT_KNOW_TEXT
    if text in {"1", "2", "3", "4", "5"}:
        return text
    return None


def _check_target_value(target: str, value: str | None, metadata) -> tuple[bool, str]:
    if target in FREE_TEXT_TARGETS:
        return True, ""
    if value is None:
        if target in ("stakeholder_group", "channel"):
            return False, f"a {target} for everyone ({target} may not be empty)"
        return True, ""
    allowed = _allowed_targets(target, metadata)
    if value in allowed:
        return True, ""
    return False, f"one of {', '.join(allowed)}"


def _allowed_targets(target: str, metadata) -> list[str]:
    return {
        "stakeholder_group": list(metadata.stakeholder_groups["stakeholder_group"]),
        "area": list(metadata.areas["area"]),
        "channel": list(CHANNELS),
        "gender": list(GENDERS),
        "age_band": list(AGE_BANDS),
    }.get(target, [])


# ---------------------------------------------------------------------------
# Answers to values
# ---------------------------------------------------------------------------


def _candidates(raw: str, question: _Question | None) -> tuple[list[str], list[str]]:
    """(labels, names): the texts an answer stands for. Labels are what the respondent saw."""
    labels: list[str] = []
    names: list[str] = [raw]
    ch = question.choice_for(raw) if question is not None else None
    if ch is not None:
        names.append(ch.name)
        for text in ch.labels.values():
            labels += _parts(text)
    labels += _parts(raw)
    return list(dict.fromkeys(labels)), list(dict.fromkeys(names))


def _attribute_lookup(target: str, metadata) -> dict[str, str]:
    if target == "stakeholder_group":
        g = metadata.stakeholder_groups
        out = {}
        for col in ("label_id", "label", "stakeholder_group"):
            out.update({_norm(v): sid for v, sid in zip(g[col], g["stakeholder_group"]) if v is not None and str(v) != "nan"})
        return out
    if target == "area":
        a = metadata.areas
        return {**{_norm(v): aid for v, aid in zip(a["name"], a["area"]) if v is not None}, **{_norm(aid): aid for aid in a["area"]}}
    if target == "channel":
        return {**_CHANNEL_WORDS, **{c: c for c in CHANNELS}}
    if target == "gender":
        return {**_GENDER_WORDS, **{g: g for g in GENDERS}}
    return {}


def _age_band(text: str) -> str | None:
    t = _norm(text)
    for word in ("tahun", "thn", "years old", "years", "yrs", "y.o."):
        t = t.replace(word, "")
    t = t.replace(" ", "").replace("–", "-")
    t = re.sub(r"^(\d+)(?:keatas|andover|ormore|lebih|\+)$", r"\1+", t)
    t = re.sub(r"^(?:>=?|≥)(\d+)$", r"\1+", t)
    if t in AGE_BANDS:
        return t
    if re.fullmatch(r"\d+(\.0+)?", t):
        age = int(float(t))
        for band in AGE_BANDS:
            lo, _, hi = band.rstrip("+").partition("-")
            if int(lo) <= age and (not hi or age <= int(hi)):
                return band
    return None


def _resolve_attribute(target: str, raw: str, question: _Question | None, attr: _Attribute, lookup: dict[str, str]) -> tuple[str | None, bool]:
    """(value, ok) for one answer; value None means empty."""
    labels, names = _candidates(raw, question)
    for text in names + labels:
        if _norm(text) in attr.values:
            value = attr.values[_norm(text)]
            return (None if value is None else str(value)), True
    if target in FREE_TEXT_TARGETS:
        ch = question.choice_for(raw) if question is not None else None
        return (_display_label(ch.labels) or raw if ch is not None else raw), True
    for text in labels + names:
        hit = lookup.get(_norm(text))
        if hit is not None:
            return hit, True
        if target == "age_band":
            band = _age_band(text)
            if band is not None:
                return band, True
    return None, False


def _resolve_rating(raw: str, question: _Question | None, rating: _Rating, plan: _Plan, labels_to_code: dict[str, int], dont_know: set[str]) -> str | None:
    """'1'..'5', "don't know", '' (no answer), or None when the answer fits nothing."""
    labels, names = _candidates(raw, question)
    texts = names + labels
    for table in (rating.values, plan.rating_values):
        for text in texts:
            if _norm(text) in table:
                return _rating_target(table[_norm(text)])
    # What the respondent saw (the label) decides before the choice's name.
    for text in labels + names:
        folded = _norm(text)
        if folded in dont_know:
            return DONT_KNOW_TEXT
        if folded in labels_to_code:
            return str(labels_to_code[folded])
    for text in names:
        if re.fullmatch(r"[1-5](\.0+)?", text.strip()):
            return str(int(float(text)))
    return None


def _expected_attribute(target: str, metadata, key: str, fname: str) -> str:
    allowed = _allowed_targets(target, metadata)
    if target == "age_band":
        what = f"an age band ({', '.join(allowed)}) or an age in years"
    elif target in ("stakeholder_group", "area"):
        what = f"{'an' if target == 'area' else 'a'} {target.replace('_', ' ')} of the metadata ({', '.join(allowed)}) by id, name or label"
    else:
        what = f"one of {', '.join(allowed)}"
    return f"{what}; or add this answer under participants.{target}.values in {fname}"


# ---------------------------------------------------------------------------
# Building the tables
# ---------------------------------------------------------------------------


def _build(source: _Source, plan: _Plan, metadata, fname: str):
    import pandas as pd

    from .personal_data import PersonalDataError, check_no_personal_data
    from .problems import Problem
    from .scales import PERCEPTION_SCALES, dont_know_labels, label_map

    problems: list = []
    frame = source.frame
    index = frame.index
    notes: list[str] = []

    # Respondent ids
    if plan.id_header is None:
        width = max(4, len(str(len(frame))))
        ids = pd.Series([f"{plan.id_prefix}{i:0{width}d}" for i in range(1, len(frame) + 1)], index=index)
    else:
        raw = frame[plan.id_header]
        for row in raw.index[raw == ""]:
            problems.append(Problem(file=source.file, row=int(row), column=plan.id_header, kind="missing_column", expected="a respondent id in every row"))
        ids = plan.id_prefix + raw
        for row, value in ids[ids.duplicated(keep="first") & (raw != "")].items():
            problems.append(Problem(file=source.file, row=int(row), column=plan.id_header, kind="duplicate", value=value, expected="a respondent id used once (the same submission twice?)"))
        try:
            check_no_personal_data(pd.DataFrame({plan.id_header: raw}), name="respondent ids")
        except PersonalDataError:
            problems.append(Problem(file=fname, column="respondent_id.question", kind="type", value=plan.id_header, expected="a question that is not personal data (the respondent id is kept in every table)"))

    people = pd.DataFrame({"respondent_id": ids, "activity_id": plan.activity_id}, index=index)
    for target in PARTICIPANT_TARGETS:
        attr = plan.attributes.get(target)
        if attr is None:
            people[target] = None
            continue
        if attr.header is None:
            people[target] = attr.constant
            continue
        column = frame[attr.header]
        question = source.questions.get(attr.header)
        lookup = _attribute_lookup(target, metadata)
        resolved: dict[str, tuple[str | None, bool]] = {v: _resolve_attribute(target, v, question, attr, lookup) for v in pd.unique(column) if v != ""}
        people[target] = column.map(lambda v: resolved[v][0] if v != "" else None)
        failed = column.map(lambda v: v != "" and not resolved[v][1])
        for row, value in column[failed].items():
            several = ", " in value and all(resolved.get(p.strip(), (None, False))[1] or _resolve_attribute(target, p.strip(), question, attr, lookup)[1] for p in value.split(", "))
            expected = (f"one answer ({target} takes one value; this looks like several answers of a checkbox question)" if several
                        else _expected_attribute(target, metadata, attr.header, fname))
            problems.append(Problem(file=source.file, row=int(row), column=attr.header, kind="unknown_code", value=value, expected=expected))
        if target in ("stakeholder_group", "channel"):
            empty = people[target].isna() & ~failed
            for row in people.index[empty]:
                problems.append(Problem(file=source.file, row=int(row), column=attr.header, kind="missing_column", expected=f"an answer: {target} may not be empty"))
        if target in FREE_TEXT_ONLY:
            try:
                check_no_personal_data(pd.DataFrame({target: people[target]}), name=target)
            except PersonalDataError:
                problems.append(Problem(file=fname, column=f"participants.{target}", kind="type", value=attr.header, expected="a question without personal data (name, phone, e-mail, NIK go to the personal columns only)"))
    if "area" not in plan.attributes:
        notes.append("area is not mapped: every respondent's area is empty (city-wide), so results by area and weights by area are not possible")

    scales = metadata.scales
    labels_to_code = {_norm(k): v for k, v in label_map(PERCEPTION_SCALES, scales).items()}
    dont_know = {_norm(d) for d in dont_know_labels(PERCEPTION_SCALES, scales)} | {"dont know", "tidak tahu"}
    records = []
    for rating in plan.ratings:
        column = frame[rating.header]
        question = source.questions.get(rating.header)
        resolved = {v: _resolve_rating(v, question, rating, plan, labels_to_code, dont_know) for v in pd.unique(column) if v != ""}
        codes = column.map(lambda v: "" if v == "" else resolved[v])
        for row, value in column[codes.isna()].items():
            problems.append(Problem(file=source.file, row=int(row), column=rating.header, kind="unknown_code", value=value,
                                    expected=f"a code 1-5, a rating label (e.g. 'baik', 'very important') or \"don't know\"; or add this answer under ratings[{rating.key!r}].values or rating_values in {fname}"))
        answered = codes.notna() & (codes != "")
        records.append(pd.DataFrame({
            "_order": index[answered],
            "respondent_id": ids[answered].to_numpy(),
            "activity_id": plan.activity_id,
            "goal_id": rating.goal_id,
            "indicator_id": rating.indicator_id or "",
            "aspect": rating.aspect,
            "rating": codes[answered].to_numpy(),
        }))
    if records:
        ratings = pd.concat(records, ignore_index=True).sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    else:
        ratings = pd.DataFrame(columns=["respondent_id", "activity_id", "goal_id", "indicator_id", "aspect", "rating"])
    people = people.reset_index(drop=True)
    personal = {p.column for p in problems if p.column in frame.columns and _may_be_personal(frame[p.column], source.questions.get(p.column))}
    personal |= {plan.attributes[t].header for t in PERSONAL_TARGETS if t in plan.attributes}
    # Answers that may identify a person are never echoed in a message.
    problems = [Problem(file=p.file, row=p.row, column=p.column, kind=p.kind, value=None if p.value is None else HIDDEN, expected=p.expected)
                if p.column in personal else p for p in problems]
    return people, ratings, problems, notes


def _may_be_personal(column, question: _Question | None) -> bool:
    """Whether a column's answers may identify a person (free text, or they look like it)."""
    import pandas as pd

    from .personal_data import PersonalDataError, check_no_personal_data

    if question is not None and (question.type == "text" or question.type in KOBO_PERSONAL_META):
        return True
    try:
        check_no_personal_data(pd.DataFrame({"answers": column}), name="answers")
    except PersonalDataError:
        return True
    answered = column[column != ""]
    # Answers that are mostly different from each other are typed, not chosen.
    return answered.nunique() > 5 and answered.nunique() > 0.8 * len(answered)


def _not_imported(source: _Source, plan: _Plan) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(unmapped, ignored, select_multiple, repeats, skipped)"""
    used = {plan.id_header} | {a.header for a in plan.attributes.values()} | {r.header for r in plan.ratings}
    unmapped, ignored, multiple, skipped = [], [], [], list(source.system)
    for header in source.frame.columns:
        if header in used or header in source.system or header in source.parts:
            continue
        q = source.questions.get(header)
        n = int((source.frame[header] != "").sum())
        text = f"{source.describe(header)}, {n} answer(s)"
        if header in plan.ignore:
            ignored.append(source.describe(header))
        elif q is not None and q.type in KOBO_META_TYPES:
            skipped.append(header)
        elif q is not None and q.type == "calculate":
            skipped.append(f"{header} (calculated)")
        elif q is not None and q.type in ("select_multiple", "rank"):
            multiple.append(text)
        elif source.tool == "gforms" and _looks_like_checkboxes(source.frame[header]):
            multiple.append(text + "; answers joined with ', ' look like a checkbox question")
        else:
            unmapped.append(text)
    repeats = []
    for text in source.repeats:
        name = text.split(" ", 1)[0].rstrip(":")
        (ignored if name in plan.ignored_repeats else repeats).append(text if name not in plan.ignored_repeats else f"repeat group {name}")
    return unmapped, ignored, multiple, repeats, skipped


def _looks_like_checkboxes(column) -> bool:
    """Google Forms joins checkbox answers with ', '; parts recur across respondents."""
    values = column[column != ""]
    joined = values[values.str.contains(", ", regex=False)]
    if len(joined) < 2:
        return False
    parts = joined.str.split(", ").explode()
    return bool(parts.duplicated().any())


# ---------------------------------------------------------------------------
# Metadata, overwriting, writing
# ---------------------------------------------------------------------------


def _prepare(into: Path, metadata_file, inputs: list[Path], force: bool):
    """Read the metadata (from ``into`` or the given file) and check what may be written."""
    from .metadata import METADATA_FILES, find_metadata_file, read_metadata
    from .problems import Problem

    problems = []
    into = Path(into)
    if into.exists() and not into.is_dir():
        return None, None, [Problem(file=str(into), kind="type", expected="a folder for the assessment (this is a file)")]
    existing = find_metadata_file(into) if into.is_dir() else None
    copy_from = None
    if metadata_file is not None:
        metadata_file = Path(metadata_file)
        if not metadata_file.is_file():
            return None, None, [Problem(file=str(metadata_file), kind="missing_file", expected="a metadata file (assessment.yaml)")]
        suffix = metadata_file.suffix.lower()
        if suffix not in (".yaml", ".yml", ".toml"):
            return None, None, [Problem(file=metadata_file.name, kind="type", expected="a metadata file ending in .yaml, .yml or .toml")]
        target = into / f"assessment{suffix}"
        if existing is not None and existing.name != target.name:
            problems.append(Problem(file=str(existing), kind="duplicate", expected=f"one metadata file: the folder already holds {existing.name}; remove it or leave out --metadata"))
        elif target.is_file() and target.resolve() != metadata_file.resolve() and target.read_bytes() != metadata_file.read_bytes() and not force:
            problems.append(Problem(file=str(target), kind="duplicate", expected="no different metadata file in the folder (use --force to replace it)"))
        if target.resolve() != metadata_file.resolve():
            copy_from = metadata_file
        meta_dir = metadata_file.parent
        if metadata_file.name not in METADATA_FILES:
            staged = Path(tempfile.mkdtemp(prefix="pra-meta-"))
            shutil.copyfile(metadata_file, staged / f"assessment{suffix}")
            meta_dir = staged
        metadata, meta_problems = read_metadata(meta_dir)
        if meta_dir != metadata_file.parent:
            shutil.rmtree(meta_dir, ignore_errors=True)
    elif existing is not None:
        metadata, meta_problems = read_metadata(into)
    else:
        return None, None, [Problem(file=str(into), kind="missing_file",
                                    expected="an assessment folder holding assessment.yaml: copy your metadata file there first "
                                             "(for example from data/sample/assessment.yaml) or pass --metadata FILE")]
    problems += meta_problems
    inputs_resolved = {p.resolve() for p in inputs if p is not None}
    for name in OUTPUT_TABLES:
        out = into / f"{name}.csv"
        if out.resolve() in inputs_resolved:
            problems.append(Problem(file=str(out), kind="duplicate", expected="an input file that is not also the output (the import never writes to its inputs)"))
        elif out.exists() and not force:
            problems.append(Problem(file=str(out), kind="duplicate", expected="no existing table (use --force to replace it)"))
    if into.is_dir():
        problems += _sheets_holding_tables(into)
    return metadata, copy_from, problems


def _sheets_holding_tables(into: Path) -> list:
    from openpyxl import load_workbook

    from .problems import Problem

    problems = []
    for book in sorted(into.glob("*.xlsx")):
        if book.name.startswith("~$"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = load_workbook(book, read_only=True)
            names = list(wb.sheetnames)
            wb.close()
        except Exception:
            continue  # pra validate reports an unreadable workbook
        for name in OUTPUT_TABLES:
            if name in names:
                problems.append(Problem(file=f"{book.name} [sheet {name}]", kind="duplicate", expected=f"table '{name}' given only once: the import writes {name}.csv, so delete or rename this sheet"))
    return problems


def _stage_check(people, ratings, metadata_dir_file: Path | None, into: Path) -> list:
    """Load the new tables with the metadata in a scratch folder; keep their own problems."""
    from .loading import load_assessment
    from .metadata import find_metadata_file
    from .problems import AssessmentError

    staging = Path(tempfile.mkdtemp(prefix="pra-import-"))
    try:
        meta = metadata_dir_file or find_metadata_file(into)
        shutil.copyfile(meta, staging / (meta.name if meta.name.startswith("assessment.") else f"assessment{meta.suffix}"))
        (staging / "participants.csv").write_text(people.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        (staging / "perception_ratings.csv").write_text(ratings.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        try:
            found = load_assessment(staging, errors="collect").problems
        except AssessmentError as exc:
            found = exc.problems
        return [p for p in found if p.file.startswith(("participants.csv", "perception_ratings.csv"))]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _atomic_copy(src: Path, dest: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _run_import(tool: str, source_path: Path, *, form, mapping, into, metadata, force: bool, dry_run: bool) -> ImportResult:
    from .loading import validate_assessment
    from .problems import Problem
    from .._files import atomic_write_text

    into = Path(into)
    source_path = Path(source_path)
    inputs = [source_path, Path(form) if form is not None else None, None if isinstance(mapping, dict) else Path(mapping), Path(metadata) if metadata else None]
    problems = []
    for path, what in ((source_path, "the export"), (Path(form) if form is not None else None, "the XLSForm")):
        if path is not None and not path.is_file():
            problems.append(Problem(file=str(path), kind="missing_file", expected=f"{what} as a file"))
    raw, fname, map_problems = _load_mapping(mapping)
    problems += map_problems
    meta, copy_from, prep_problems = _prepare(into, metadata, inputs, force or dry_run)
    problems += prep_problems
    if problems or meta is None or raw is None:
        raise ImportDataError(problems)
    source, read_problems = _kobo_source(source_path, Path(form)) if tool == "kobo" else _gforms_source(source_path)
    if source is None or read_problems:
        raise ImportDataError(read_problems)
    plan, plan_problems = _plan(raw, fname, source, meta)
    if plan_problems:
        raise ImportDataError(plan_problems, header=f"{fname} does not fit {source.file}")
    people, ratings, build_problems, notes = _build(source, plan, meta, fname)
    if build_problems:
        raise ImportDataError(build_problems, header=f"answers in {source.file} that {fname} cannot convert")
    if len(people) == 0:
        raise ImportDataError([Problem(file=source.file, kind="empty", expected="at least one submission")])
    staged = _stage_check(people, ratings, copy_from or (Path(metadata) if metadata else None), into)
    if staged:
        raise ImportDataError(staged, header="the imported tables would not validate")
    unmapped, ignored, multiple, repeats, skipped = _not_imported(source, plan)
    result = ImportResult(tool=tool, source=source_path.name, into=into, participants=people, ratings=ratings, unmapped=unmapped, ignored=ignored,
                          select_multiple=multiple, repeats=repeats, skipped=skipped, notes=source.notes + notes, dry_run=dry_run)
    if not dry_run:
        into.mkdir(parents=True, exist_ok=True)
        if copy_from is not None:
            dest = into / f"assessment{copy_from.suffix.lower()}"
            _atomic_copy(copy_from, dest)
            result.written.append(dest)
        for name, table in (("participants", people), ("perception_ratings", ratings)):
            dest = into / f"{name}.csv"
            atomic_write_text(dest, table.to_csv(index=False, lineterminator="\n"))
            result.written.append(dest)
        result.validation = validate_assessment(into)
    if unmapped:
        warnings.warn(f"{len(unmapped)} question(s) with answers are not in the mapping and were not imported: "
                      + "; ".join(u.split(" (")[0] for u in unmapped), UserWarning, stacklevel=3)
    return result


def import_kobo(export, *, form, mapping, into, metadata=None, force: bool = False, dry_run: bool = False) -> ImportResult:
    """Import a KoboToolbox (or ODK) XLSX export into an assessment folder.

    Parameters
    ----------
    export : str or Path
        The XLSX data export, with "XML values and headers" (question names, optionally
        with their group path such as ``grp_perception/q_g01``). The first sheet holds the
        submissions; further sheets hold repeat groups (linked by ``_parent_index``).
        Answers may be choice names or labels in any language of the form.
    form : str or Path
        The XLSForm (``survey`` and ``choices`` sheets) the data was collected with.
    mapping : str, Path or dict
        The mapping file (YAML) or its content; see ``docs/importing.md``.
    into : str or Path
        The assessment folder. It must hold the metadata file (``assessment.yaml``) unless
        ``metadata`` is given.
    metadata : str or Path, optional
        A metadata file to copy into ``into`` (as ``assessment.yaml``).
    force : bool
        Replace existing ``participants.csv`` / ``perception_ratings.csv`` (and a different
        metadata file).
    dry_run : bool
        Read, convert and check everything, write nothing.

    Returns
    -------
    ImportResult
        The tables, what was not imported and why, the files written, and the problems of
        the folder as an assessment after the import. Unmapped questions also raise a
        :class:`UserWarning`.

    Raises
    ------
    ImportDataError
        Listing every problem: a missing or unreadable file, a mapping that names
        unknown questions, goals or ids, answers that convert to nothing, or tables that
        exist already. Nothing is written then.

    Examples
    --------
    >>> r = import_kobo("export.xlsx", form="form.xlsx", mapping="mapping.yaml", into="my-pra")  # doctest: +SKIP
    >>> print(r.summary())  # doctest: +SKIP
    """
    return _run_import("kobo", Path(export), form=form, mapping=mapping, into=into, metadata=metadata, force=force, dry_run=dry_run)


def import_gforms(responses, *, mapping, into, metadata=None, force: bool = False, dry_run: bool = False) -> ImportResult:
    """Import a Google Forms responses CSV into an assessment folder.

    Parameters
    ----------
    responses : str or Path
        The CSV download of the responses: a header row of question texts, a
        ``Timestamp`` column, answers as option labels (checkbox answers joined with
        ``", "``, grid questions as ``Question [Row]`` columns).
    mapping : str, Path or dict
        The mapping file (YAML); questions are named by their full header text or a
        unique prefix of it. See ``docs/importing.md``.
    into, metadata, force, dry_run
        As for :func:`import_kobo`.

    Returns
    -------
    ImportResult

    Raises
    ------
    ImportDataError

    Examples
    --------
    >>> r = import_gforms("responses.csv", mapping="mapping.yaml", into="my-pra")  # doctest: +SKIP
    """
    return _run_import("gforms", Path(responses), form=None, mapping=mapping, into=into, metadata=metadata, force=force, dry_run=dry_run)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def _cli_import(args) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the summary lists unmapped questions
            if args.source == "kobo":
                result = import_kobo(args.export, form=args.form, mapping=args.mapping, into=args.into, metadata=args.metadata, force=args.force, dry_run=args.dry_run)
            else:
                result = import_gforms(args.responses, mapping=args.mapping, into=args.into, metadata=args.metadata, force=args.force, dry_run=args.dry_run)
    except ImportDataError as exc:
        print(f"pra import {args.source}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"pra import {args.source}: could not write: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(result.summary())
    return EXIT_OK


def register_cli(subparsers) -> argparse.ArgumentParser:
    """Add ``pra import kobo`` and ``pra import gforms`` to the ``pra`` command.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="pra")
    >>> sub = parser.add_subparsers(dest="command", required=True)
    >>> _ = register_cli(sub)
    >>> parser.parse_args(["import", "gforms", "r.csv", "--mapping", "m.yaml", "--into", "d"]).source
    'gforms'
    """
    p = subparsers.add_parser("import", help="import questionnaire answers from KoboToolbox/ODK or Google Forms",
                              description="Turn a survey tool's export into participants.csv and perception_ratings.csv of an assessment folder. See docs/importing.md.")
    tools = p.add_subparsers(dest="source", required=True, metavar="{kobo,gforms}")

    def common(q):
        q.add_argument("--mapping", required=True, help="mapping file (YAML): which question is which goal rating and respondent attribute")
        q.add_argument("--into", required=True, help="assessment folder holding assessment.yaml (the tables are written there)")
        q.add_argument("--metadata", help="metadata file to copy into the folder as assessment.yaml")
        q.add_argument("--force", action="store_true", help="replace existing participants.csv / perception_ratings.csv")
        q.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        q.set_defaults(func=_cli_import)

    k = tools.add_parser("kobo", help="a KoboToolbox/ODK XLSX export and its XLSForm")
    k.add_argument("export", help="XLSX data export (XML values and headers)")
    k.add_argument("--form", required=True, help="the XLSForm (XLSX with survey and choices sheets)")
    common(k)
    g = tools.add_parser("gforms", help="a Google Forms responses CSV")
    g.add_argument("responses", help="responses CSV downloaded from Google Forms or Sheets")
    common(g)
    return p
