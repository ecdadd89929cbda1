"""Answers to values and the two tables built from them.

An answer converts by meaning (the choice's name or any of its labels, the rating scales'
labels, the metadata's ids, names and labels), never by guess; what fits nothing is a
problem with its row and column. :func:`_build` makes ``participants`` and
``perception_ratings``; :func:`_not_imported` lists every column left out and why.
"""

from __future__ import annotations

import re

from ..schema import AGE_BANDS, CHANNELS, GENDERS
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
    _parts,
    _Question,
    _Source,
)
from .mapping import _allowed_targets, _Attribute, _Plan, _Rating, _rating_target


_CHANNEL_WORDS = {"daring": "online", "web": "online", "internet": "online", "luring": "offline", "kertas": "offline", "paper": "offline",
                  "tatap muka": "offline", "face to face": "offline", "wawancara": "interview", "lokakarya": "workshop"}
_GENDER_WORDS = {"perempuan": "female", "wanita": "female", "woman": "female", "laki-laki": "male", "laki laki": "male", "pria": "male",
                 "man": "male", "lainnya": "other", "lain-lain": "other"}


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
