"""The assessment metadata file: ``assessment.yaml`` (or ``.yml``, or ``assessment.toml``)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .problems import Problem
from .scales import DEFAULT_SCALES, DONT_KNOW_LABELS, Scale
from .schema import ACTIVITY_TYPES, SAFE_ID_PATTERN

METADATA_FILES = ("assessment.yaml", "assessment.yml", "assessment.toml")
MAX_METADATA_BYTES = 1_000_000  # a PRA's metadata is a few kilobytes
MAX_YAML_ALIASES = 100  # anchors reused more often than this are an expansion bomb, not metadata
MAX_YAML_VALUES = 100_000  # values once every alias is expanded
_SAFE_ID = re.compile(SAFE_ID_PATTERN)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass
class Metadata:
    """What an assessment is: its city, id, activities, stakeholder groups, areas and scales."""

    assessment_id: str
    city: str
    title: str
    synthetic: bool
    activities: pd.DataFrame
    stakeholder_groups: pd.DataFrame
    areas: pd.DataFrame
    scales: dict[str, Scale]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    #: The title in Indonesian (``title_id``), shown by Indonesian reports; None when not given.
    title_id: str | None = None

    def activity_ids(self, activity_type: str | None = None) -> list[str]:
        acts = self.activities
        if activity_type is not None:
            acts = acts[acts["activity_type"] == activity_type]
        return acts["activity_id"].tolist()


def find_metadata_file(folder: Path) -> Path | None:
    for name in METADATA_FILES:
        if (folder / name).is_file():
            return folder / name
    return None


def _bounded_yaml(text: str):
    """``yaml.safe_load`` that refuses duplicate keys, more than ``MAX_YAML_ALIASES`` aliases,
    and documents that expand to more than ``MAX_YAML_VALUES`` values (a few hundred bytes of
    nested aliases expand to gigabytes)."""
    import yaml

    class Loader(yaml.SafeLoader):
        aliases = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                Loader.aliases += 1
                if Loader.aliases > MAX_YAML_ALIASES:
                    raise ValueError(f"more than {MAX_YAML_ALIASES} aliases (*name); write the values out")
            return super().compose_node(parent, index)

        def construct_document(self, node):
            sizes: dict[int, int] = {}

            def size(n) -> int:  # values once expanded; shared nodes are counted once per use
                if id(n) not in sizes:
                    sizes[id(n)] = 0  # a recursive alias counts as nothing more
                    children = [c for pair in n.value for c in pair] if isinstance(n, yaml.MappingNode) else n.value if isinstance(n, yaml.SequenceNode) else []
                    sizes[id(n)] = 1 + sum(size(c) for c in children)
                return sizes[id(n)]

            if size(node) > MAX_YAML_VALUES:
                raise ValueError(f"it expands to more than {MAX_YAML_VALUES:,} values through its aliases (*name); write the values out")
            return super().construct_document(node)

        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, (str, int, float, bool)) and key in seen:
                    raise ValueError(f"the key '{key}' appears twice in one mapping (line {key_node.start_mark.line + 1}); keep one")
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return yaml.load(text, Loader=Loader)


def read_metadata(folder: Path) -> tuple[Metadata | None, list[Problem]]:
    """Read and check the metadata file in ``folder``; never raises for bad content."""
    path = find_metadata_file(folder)
    if path is None:
        return None, [
            Problem(
                file=str(folder),
                kind="missing_file",
                expected=f"a metadata file named one of {', '.join(METADATA_FILES)}",
            )
        ]
    present = [name for name in METADATA_FILES if (folder / name).is_file()]
    if len(present) > 1:
        return None, [Problem(file=", ".join(present), kind="duplicate", expected=f"one metadata file; remove all but one of {', '.join(present)}")]
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            return None, [Problem(file=path.name, kind="unreadable", value=f"{path.stat().st_size:,} bytes", expected=f"a metadata file of at most {MAX_METADATA_BYTES:,} bytes")]
        text = path.read_text(encoding="utf-8-sig")
        raw = tomllib.loads(text) if path.suffix == ".toml" else _bounded_yaml(text)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, [Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"a readable UTF-8 {path.suffix[1:].upper()} file ({str(exc)[:300]})")]
    except Exception as exc:  # yaml.YAMLError and friends
        return None, [Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"valid YAML ({str(exc)[:300]})")]
    if not isinstance(raw, dict):
        return None, [Problem(file=path.name, kind="type", value=type(raw).__name__, expected="a mapping of keys such as city, assessment_id, activities")]
    return _parse(raw, path.name)


def _valid_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real month and day."""
    from datetime import date

    if not _DATE.match(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def _parse(raw: dict[str, Any], fname: str) -> tuple[Metadata | None, list[Problem]]:
    problems: list[Problem] = []

    def need(key: str, kind: type, expected: str):
        value = raw.get(key)
        if value is None:
            problems.append(Problem(file=fname, column=key, kind="missing_column", expected=expected))
            return None
        if not isinstance(value, kind):
            problems.append(Problem(file=fname, column=key, kind="type", value=value, expected=expected))
            return None
        return value

    assessment_id = need("assessment_id", str, "an assessment id such as 'jakarta-2017'")
    if assessment_id is not None and not _SAFE_ID.match(assessment_id):
        problems.append(Problem(file=fname, column="assessment_id", kind="type", value=assessment_id, expected="letters, digits, '-', '_' or '.', at most 64, not starting with '.' (it becomes a folder name)"))
    city = need("city", str, "the city's name")
    title_id = raw.get("title_id")
    if title_id is not None and not isinstance(title_id, str):
        problems.append(Problem(file=fname, column="title_id", kind="type", value=title_id, expected="the title in Indonesian, as text"))
        title_id = None
    activities = _records(raw, "activities", fname, problems, ("id", "type", "title"), optional=("date", "title_id"))
    groups = _records(raw, "stakeholder_groups", fname, problems, ("id", "label"), optional=("label_id",))
    areas = _records(raw, "areas", fname, problems, ("id", "name"), optional=("population",))

    for i, act in enumerate(activities, start=1):
        where = f"activities[{i}]"
        if act.get("type") not in ACTIVITY_TYPES:
            problems.append(Problem(file=fname, column=f"{where}.type", kind="unknown_code", value=act.get("type"), expected="one of " + ", ".join(ACTIVITY_TYPES)))
        date = act.get("date")
        if date is not None and not _valid_date(str(date)):
            problems.append(Problem(file=fname, column=f"{where}.date", kind="type", value=date, expected="a date as YYYY, YYYY-MM or YYYY-MM-DD, or no date"))
    for label, records in (("activities", activities), ("stakeholder_groups", groups), ("areas", areas)):
        seen: set[str] = set()
        for i, rec in enumerate(records, start=1):
            rid = rec.get("id")
            if not isinstance(rid, str) or not _SAFE_ID.match(rid):
                problems.append(Problem(file=fname, column=f"{label}[{i}].id", kind="type", value=rid, expected="an id of letters, digits, '-', '_' or '.'"))
            elif rid in seen:
                problems.append(Problem(file=fname, column=f"{label}[{i}].id", kind="duplicate", value=rid, expected="ids that are unique within " + label))
            seen.add(str(rid))
    for i, rec in enumerate(areas, start=1):
        pop = rec.get("population")
        if pop is not None and (not isinstance(pop, (int, float)) or isinstance(pop, bool) or pop < 0):
            problems.append(Problem(file=fname, column=f"areas[{i}].population", kind="type", value=pop, expected="a non-negative number of residents, written without thousands separators (920000, not '920,000')"))
            rec["population"] = None

    scales = dict(DEFAULT_SCALES)
    declared_scales = raw.get("scales") or {}
    if not isinstance(declared_scales, dict):
        problems.append(Problem(file=fname, column="scales", kind="type", value=type(declared_scales).__name__, expected="a mapping of scale names to labels"))
        declared_scales = {}
    for name, spec in declared_scales.items():
        try:
            scales[name] = Scale(
                name,
                tuple(str(s) for s in spec["labels_en"]),
                tuple(str(s) for s in spec.get("labels_id", spec["labels_en"])),
                tuple(str(s) for s in spec.get("dont_know", DONT_KNOW_LABELS)),
            )
        except (TypeError, KeyError, AttributeError):
            problems.append(Problem(file=fname, column=f"scales.{name}", kind="type", value=spec, expected="a mapping with labels_en (and optionally labels_id, dont_know) lists"))

    if problems and (assessment_id is None or city is None):
        return None, problems
    meta = Metadata(
        assessment_id=str(assessment_id),
        city=str(city),
        title=str(raw.get("title") or f"Preliminary Resilience Assessment, {city}"),
        synthetic=bool(raw.get("synthetic", False)),
        activities=pd.DataFrame(
            {
                "activity_id": [a.get("id") for a in activities],
                "activity_type": [a.get("type") for a in activities],
                "date": [None if a.get("date") is None else str(a.get("date")) for a in activities],
                "title": [a.get("title") for a in activities],
                "title_id": [a.get("title_id") for a in activities],
            }
        ),
        stakeholder_groups=pd.DataFrame(
            {
                "stakeholder_group": [g.get("id") for g in groups],
                "label": [g.get("label") for g in groups],
                "label_id": [g.get("label_id") for g in groups],
            }
        ),
        areas=pd.DataFrame(
            {
                "area": [a.get("id") for a in areas],
                "name": [a.get("name") for a in areas],
                "population": pd.array([a.get("population") for a in areas], dtype="Float64"),
            }
        ),
        scales=scales,
        raw=raw,
        title_id=title_id.strip() if isinstance(title_id, str) and title_id.strip() else None,
    )
    return meta, problems


def _records(raw, key, fname, problems, required, optional=()):
    value = raw.get(key)
    if value is None:
        problems.append(Problem(file=fname, column=key, kind="missing_column", expected=f"a list of {key}, each with " + ", ".join(required)))
        return []
    if not isinstance(value, list) or not value:
        problems.append(Problem(file=fname, column=key, kind="type", value=value, expected=f"a non-empty list of {key}"))
        return []
    out = []
    for i, rec in enumerate(value, start=1):
        if not isinstance(rec, dict):
            problems.append(Problem(file=fname, column=f"{key}[{i}]", kind="type", value=rec, expected="a mapping with " + ", ".join(required)))
            continue
        for req in required:
            if rec.get(req) in (None, ""):
                problems.append(Problem(file=fname, column=f"{key}[{i}].{req}", kind="missing_column", expected=f"a value for {req}"))
        unknown = set(rec) - set(required) - set(optional)
        if unknown:
            problems.append(Problem(file=fname, column=f"{key}[{i}]", kind="unknown_code", value=", ".join(sorted(map(str, unknown))), expected="only the keys " + ", ".join(required + tuple(optional))))
        out.append(rec)
    return out
