"""Shared parts of the importers: constants, the error and the result, text helpers and
the export as read.

:class:`ImportDataError` and :class:`ImportResult` are public (re-exported by
:mod:`pra_lib.assessment.importers`). :class:`_Source` holds an export as text with what
is known about each column (:class:`_Question`, its :class:`_Choice` list); the
KoboToolbox and Google Forms readers build it, the mapping and the conversion read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


OUTPUT_TABLES = ("participants", "perception_ratings")
PARTICIPANT_TARGETS = ("stakeholder_group", "channel", "area", "organisation", "workshop_table", "gender", "age_band", "name", "phone", "email", "nik", "weight", "stratum")
FREE_TEXT_ONLY = ("organisation", "workshop_table", "stratum")
NUMBER_TARGETS = ("weight",)
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


class ImportDataError(ValueError):
    """The export, the form, the mapping or the metadata cannot be imported; lists every problem."""

    def __init__(self, problems, *, header: str = "nothing was imported"):
        from ..problems import format_problems

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
        from ..problems import format_problems

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


def _short(text: str, width: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


# ---------------------------------------------------------------------------
# Questions, choices and the export as read
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
    path: str | None = None  # its group path in the form (grp_hh/size), when the header is a bare name

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
