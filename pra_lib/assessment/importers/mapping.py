"""The mapping file: which question is which goal rating and which respondent attribute.

:func:`_load_mapping` reads the YAML (or takes a dict); :func:`_plan` checks it against the
export and the metadata and turns it into a :class:`_Plan`, listing every problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..schema import AGE_BANDS, ASPECTS, CHANNELS, GENDERS
from ._common import (
    DONT_KNOW_TEXT,
    FREE_TEXT_TARGETS,
    GFORMS_EMAIL,
    KOBO_PERSONAL_META,
    PARTICIPANT_TARGETS,
    PERSONAL_TARGETS,
    _norm,
    _short,
    _Source,
)


_MAPPING_KEYS = ("activity_id", "respondent_id", "participants", "ratings", "rating_values", "ignore", "weight", "strata")


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
    reverse: bool | None = None  # the answer scale runs best to worst; None: not said


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
    ignore_prefixes: dict[str, list[str]] = field(default_factory=dict)  # prefix -> headers it ignores
    id_how: str = ""


def _load_mapping(mapping) -> tuple[dict | None, str, list]:
    from ..problems import Problem

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
    from ..problems import Problem

    if spec is None:
        return {}
    if not isinstance(spec, dict):
        problems.append(Problem(file=fname, column=where, kind="type", value=_short(spec, 60), expected="a mapping of answers to values, e.g. {pemerintah: government}"))
        return {}
    return {_norm(k): v for k, v in spec.items()}


def _plan(raw: dict, fname: str, source: _Source, metadata) -> tuple[_Plan, list]:
    from .. import crf
    from ..problems import Problem

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
            plan.id_how = f"column {plan.id_header} (respondent_id.question in {fname})"
    else:
        plan.id_header = source.default_id
        if plan.id_header is not None:
            plan.id_how = f"column {plan.id_header} (the {'Kobo submission id' if source.tool == 'kobo' else 'export id'} column)"
        else:
            why = ("the export has no Kobo id column (_id, _uuid, _index, or a renamed form such as X_uuid or uuid)" if source.tool == "kobo"
                   else "a Google Forms export has no respondent id")
            plan.id_how = f"row numbers in export order, because {why}; give respondent_id.question to use a column of the export"

    # Respondent attributes
    people = raw.get("participants") or {}
    if not isinstance(people, dict):
        bad("participants", "a mapping of participants columns to questions", value=_short(people, 60))
        people = {}
    people = dict(people)
    # The survey's own design: weights and strata go to the weight and stratum columns.
    for key, target in (("weight", "weight"), ("strata", "stratum")):
        if raw.get(key) is not None:
            if target in people:
                bad(key, f"{target} given once (here or under participants.{target})", value=str(raw[key]), kind="duplicate")
            else:
                people[target] = raw[key]
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
        extra = set(spec) - {"goal", "indicator", "aspect", "values", "reverse"}
        if extra:
            bad(where, "only the keys goal, indicator, aspect, values, reverse", value=", ".join(sorted(map(str, extra))), kind="unknown_code")
        reverse = spec.get("reverse")
        if reverse is not None and not isinstance(reverse, bool):
            bad(f"{where}.reverse", "true (the answers run from best to worst) or false", value=_short(reverse, 60))
            reverse = None
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
        plan.ratings.append(_Rating(str(key), header, goal, indicator, aspect, values, reverse))
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
        if isinstance(key, dict):
            prefix = key.get("prefix") if set(key) == {"prefix"} else None
            if not isinstance(prefix, str) or not prefix:
                bad("ignore", "a question name, or {prefix: 'grp_hh/'} for every question whose header starts with it", value=_short(key, 60))
                continue
            # A group prefix also finds bare-name headers by the question's group path in the form.
            hits = [h for h in source.frame.columns if h not in source.system
                    and (h.startswith(prefix) or ((source.questions.get(h) and source.questions[h].path) or "").startswith(prefix))]
            mapped = [h for h in hits if h in used]
            if not hits:
                bad("ignore", "a prefix that starts at least one column header of the export", value=prefix, kind="reference")
            plan.ignore.update(h for h in hits if h not in used)
            plan.ignore_prefixes[prefix] = [h for h in hits if h not in used]
            plan.ignored_repeats.update(r for r in repeat_names if r.startswith(prefix) or prefix.rstrip("/") == r)
            continue
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
    from ..scales import DONT_KNOW_LABELS

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


def _weight_value(text) -> float | None:
    """A design weight: a finite number above zero, or None."""
    import math

    try:
        w = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return w if math.isfinite(w) and w > 0 else None


def _check_target_value(target: str, value: str | None, metadata) -> tuple[bool, str]:
    if target in FREE_TEXT_TARGETS:
        return True, ""
    if target == "weight":
        return (value is None or _weight_value(value) is not None), "a number above zero (a design weight)"
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
