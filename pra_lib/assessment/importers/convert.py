"""Answers to values and the two tables built from them.

An answer converts by meaning (the choice's name or any of its labels, the rating scales'
labels, the metadata's ids, names and labels), never by guess; what fits nothing is a
problem with its row and column. :func:`_build` makes ``participants`` and
``perception_ratings``; :func:`_not_imported` lists every column left out and why.
"""

from __future__ import annotations

from ..schema import CHANNELS, GENDERS
from ._common import (
    DONT_KNOW_TEXT,
    FREE_TEXT_ONLY,
    FREE_TEXT_TARGETS,
    HIDDEN,
    KOBO_META_TYPES,
    KOBO_PERSONAL_META,
    PARTICIPANT_TARGETS,
    PERSONAL_TARGETS,
    _display_label,
    _norm,
    _Question,
    _Source,
)
from .answers import DIRECTED, REFUSALS, age_band, family_code, leading_number, one_value, pair_parts
from .mapping import _allowed_targets, _Attribute, _Plan, _Rating, _rating_target, _weight_value


_CHANNEL_WORDS = {"daring": "online", "web": "online", "internet": "online", "luring": "offline", "kertas": "offline", "paper": "offline",
                  "tatap muka": "offline", "face to face": "offline", "wawancara": "interview", "lokakarya": "workshop"}
_GENDER_WORDS = {"perempuan": "female", "wanita": "female", "woman": "female", "laki-laki": "male", "laki laki": "male", "pria": "male",
                 "man": "male", "lainnya": "other", "lain-lain": "other"}


# ---------------------------------------------------------------------------
# Answers to values
# ---------------------------------------------------------------------------


def _candidates(raw: str, question: _Question | None) -> tuple[list[str], list[str]]:
    """(labels, names): the texts an answer stands for, whole. Labels are what the respondent saw."""
    labels: list[str] = []
    names: list[str] = [raw]
    ch = question.choice_for(raw) if question is not None else None
    if ch is not None:
        names.append(ch.name)
        labels += list(ch.labels.values())
    labels.append(raw)
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


def _resolve_attribute(target: str, raw: str, question: _Question | None, attr: _Attribute, lookup: dict[str, str]) -> tuple[str | None, bool, str | None]:
    """(value, ok, why) for one answer; value None means empty, why says what is wrong when not ok."""
    labels, names = _candidates(raw, question)
    for text in names + labels:
        if _norm(text) in attr.values:
            value = attr.values[_norm(text)]
            return (None if value is None else str(value)), True, None
    if target in FREE_TEXT_TARGETS:
        ch = question.choice_for(raw) if question is not None else None
        return (_display_label(ch.labels) or raw if ch is not None else raw), True, None
    why = None
    for text in labels + names:
        hit = lookup.get(_norm(text))
        if hit is not None:
            return hit, True, None
        if target == "age_band":
            band, reason = age_band(text)
            if band is not None:
                return band, True, None
            why = why or reason
    if why is not None:
        return None, False, why
    for text in labels:
        parts = pair_parts(text)
        if parts:
            value, reason = one_value(parts, lambda p: lookup.get(_norm(p)) or (attr.values.get(_norm(p)) if _norm(p) in attr.values else None)
                                      or (age_band(p)[0] if target == "age_band" else None))
            if value is not None:
                return value, True, None
            if reason:
                return None, False, reason
    return None, False, None


def _rating_code(text: str, labels_to_code: dict[str, int], dont_know: set[str]) -> tuple[str | None, str | None]:
    """(code or "don't know", the family it came from) for one whole label; (None, None) if unknown."""
    folded = _norm(text)
    if folded in dont_know:
        return DONT_KNOW_TEXT, None
    if folded in REFUSALS:
        return "", None
    if folded in labels_to_code:
        return str(labels_to_code[folded]), "metadata"
    hit = family_code(text)
    if hit is not None:
        return str(hit[1]), hit[0]
    return None, None


def _resolve_rating(raw: str, question: _Question | None, rating: _Rating, plan: _Plan, labels_to_code: dict[str, int], dont_know: set[str]):
    """(code, family, why): '1'..'5', "don't know" or '' (no answer), the scale family it was read by,
    and why not when the code is None."""
    labels, names = _candidates(raw, question)
    texts = names + labels
    for table in (rating.values, plan.rating_values):
        for text in texts:
            if _norm(text) in table:
                return _rating_target(table[_norm(text)]), "mapping", None
    flip = (lambda c: c if c in ("", DONT_KNOW_TEXT) else str(6 - int(c))) if rating.reverse else (lambda c: c)
    # What the respondent saw (the label) decides before the choice's name.
    for text in labels + names:
        code, family = _rating_code(text, labels_to_code, dont_know)
        if code is not None:
            return flip(code), family, None
    for text in labels + names:
        lead = leading_number(text)
        if lead is None:
            continue
        number, label = lead
        if not 1 <= number <= 5:
            return None, None, f"the number {number} is outside the 1-5 scale: map this answer under values"
        if label:
            code, family = _rating_code(label, labels_to_code, dont_know)
            if code == DONT_KNOW_TEXT:
                return None, None, f"the number {number} is given to a \"don't know\" label: map this answer under values"
            if code is not None and code != str(number) and flip(code) != str(number):
                return None, None, f"the number {number} and the label {label!r} (= {code}) disagree: map this answer under values"
        return flip(str(number)), "number", None
    for text in labels:
        parts = pair_parts(text)
        if parts:
            found, reason = one_value(parts, lambda p: _rating_code(p, labels_to_code, dont_know)[0])
            if found is not None:
                family = next((f for p in parts for c, f in [_rating_code(p, labels_to_code, dont_know)] if c is not None), None)
                return flip(found), family, None
            if reason:
                return None, None, reason
    return None, None, None


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

    from ..personal_data import PersonalDataError, check_no_personal_data
    from ..problems import Problem
    from ..scales import PERCEPTION_SCALES, dont_know_labels, label_map

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

    if plan.id_how:
        notes.append(f"respondent ids: {plan.id_how}" + (f", prefixed {plan.id_prefix!r}" if plan.id_prefix else ""))
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
        if target == "weight":
            weights = column.map(lambda v: _weight_value(v) if v != "" else None)
            people[target] = weights
            bad_w = (column != "") & weights.isna()
            for value, rows in _rows_by_answer(column[bad_w]):
                problems.append(_answer_problem(source.file, attr.header, value, rows, "a design weight: a number above zero"))
            n_missing = int((column == "").sum())
            if n_missing:
                notes.append(f"weight: {n_missing} respondent(s) have no weight in {attr.header}; weighted estimates leave them out")
            continue
        lookup = _attribute_lookup(target, metadata)
        resolved = {v: _resolve_attribute(target, v, question, attr, lookup) for v in pd.unique(column) if v != ""}
        people[target] = column.map(lambda v: resolved[v][0] if v != "" else None)
        failed = column.map(lambda v: v != "" and not resolved[v][1])
        for value, rows in _rows_by_answer(column[failed]):
            several = ", " in value and all(resolved.get(p.strip(), (None, False))[1] or _resolve_attribute(target, p.strip(), question, attr, lookup)[1] for p in value.split(", "))
            why = resolved[value][2]
            expected = (f"one answer ({target} takes one value; this looks like several answers of a checkbox question)" if several
                        else (f"not {why}; " if why else "") + _expected_attribute(target, metadata, attr.header, fname))
            problems.append(_answer_problem(source.file, attr.header, value, rows, expected))
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
        codes = column.map(lambda v: "" if v == "" else resolved[v][0])
        families = {f for _, f, _ in resolved.values() if f}
        where = f"ratings[{rating.key!r}]"
        for value, rows in _rows_by_answer(column[codes.isna()]):
            why = resolved[value][2]
            problems.append(_answer_problem(source.file, rating.header, value, rows,
                                            (f"one clear value ({why}); " if why else "")
                                            + f"a code 1-5, a scale label (e.g. 'good', 'very satisfied', 'baik') or \"don't know\"; or add this answer under {where}.values or rating_values in {fname}"))
        if "frequency" in families and rating.reverse is None:
            problems.append(Problem(file=fname, column=where, kind="missing_column", value=rating.key,
                                    expected="a direction for this frequency scale (never .. always): whether more often is better depends on the question, "
                                             "so add 'reverse: false' (always = 5) or 'reverse: true' (never = 5), or map each answer under values"))
        problems += _check_mapped_scale(rating, plan, question, fname)
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
    people = people.drop(columns=[t for t in ("weight", "stratum") if t not in plan.attributes]).reset_index(drop=True)
    personal = {p.column for p in problems if p.column in frame.columns and _may_be_personal(frame[p.column], source.questions.get(p.column))}
    personal |= {plan.attributes[t].header for t in PERSONAL_TARGETS if t in plan.attributes}
    # Answers that may identify a person are never echoed in a message.
    problems = [Problem(file=p.file, row=p.row, column=p.column, kind=p.kind, value=None if p.value is None else HIDDEN, expected=p.expected)
                if p.column in personal else p for p in problems]
    return people, ratings, problems, notes


def _rows_by_answer(failed):
    """(answer, rows) for each distinct answer of a Series of failed cells, in order of first row."""
    groups: dict[str, list[int]] = {}
    for row, value in failed.items():
        groups.setdefault(value, []).append(int(row))
    return list(groups.items())


def _answer_problem(file: str, column: str, value: str, rows: list[int], expected: str):
    """One problem for one distinct answer: its first row, how many rows hold it, and the first few."""
    from ..problems import Problem

    if len(rows) > 1:
        shown = ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")
        expected = f"{expected} [{len(rows)} rows: {shown}]"
    return Problem(file=file, row=rows[0], column=column, kind="unknown_code", value=value, expected=expected)


def _check_mapped_scale(rating: _Rating, plan: _Plan, question: _Question | None, fname: str) -> list:
    """A mapping's values for a known scale must keep its order, and a longer scale must be mapped in full."""
    from ..problems import Problem

    problems = []
    where = f"ratings[{rating.key!r}]"
    table = {**plan.rating_values, **rating.values}
    pairs = {}
    for label, value in table.items():
        hit = family_code(label)
        code = _rating_target(value)
        if hit is not None and code not in (None, "", DONT_KNOW_TEXT):
            pairs.setdefault(hit[0], []).append((hit[1], int(code), label))
    for family, items in pairs.items():
        items.sort()
        steps = [b[1] - a[1] for a, b in zip(items, items[1:]) if b[0] != a[0]]
        if steps and not (all(d > 0 for d in steps) or all(d < 0 for d in steps)):
            shown = ", ".join(f"{label}: {code}" for _, code, label in items)
            problems.append(Problem(file=fname, column=where, kind="type", value=shown,
                                    expected=f"values that keep the order of the {family} scale (all rising or all falling); these run both ways"))
        if family in DIRECTED and steps and all(d < 0 for d in steps) and not rating.reverse:
            shown = ", ".join(f"{label}: {code}" for _, code, label in items)
            problems.append(Problem(file=fname, column=where, kind="type", value=shown,
                                    expected=f"5 for the best answer of the {family} scale; these values turn it round (write 'reverse: true' if that is meant)"))
    if question is not None and question.choices:
        dk = {_norm(d) for d in ("don't know", "dont know", "tidak tahu", "prefer not to answer", "pnta", "dk", "refuse", "no answer")}
        answers = [ch for ch in question.choices if _norm(ch.name) not in dk and not any(_norm(t) in dk for t in ch.labels.values())]
        unmapped = [ch.name for ch in answers if _norm(ch.name) not in table and not any(_norm(t) in table for t in ch.labels.values())]
        if len(answers) > 5 and unmapped:
            problems.append(Problem(file=fname, column=where, kind="type", value=f"{len(answers)} answers",
                                    expected=f"a 1-5 scale: this question has {len(answers)} answers; map each of them under values ({', '.join(unmapped[:6])} are not)"))
    return problems


def _may_be_personal(column, question: _Question | None) -> bool:
    """Whether a column's answers may identify a person (free text, or they look like it)."""
    import pandas as pd

    from ..personal_data import PersonalDataError, check_no_personal_data

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
    by_prefix = {h for hs in plan.ignore_prefixes.values() for h in hs}
    for prefix, headers in plan.ignore_prefixes.items():
        ignored.append(f"{len(headers)} column(s) starting {prefix!r} (ignore: prefix)")
    for header in source.frame.columns:
        if header in used or header in source.system or header in source.parts or header in by_prefix:
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
