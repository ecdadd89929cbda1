"""Reading one answer: answer-scale families, leading numbers, bilingual pairs and ages.

Every reader here either names one value or says why it cannot: an answer that is not
clearly one category is never guessed.

* **Scale families** (:data:`SCALE_FAMILIES`): quality, satisfaction, agreement,
  importance and frequency labels in English and Indonesian, each level with its code 1-5
  from the worst (or least) to the best (or most). Frequency has no direction of its own
  (is "always" good?), so the mapping must say (``reverse``).
* **Leading numbers**: ``5 (Very effective)``, ``4 - Good``, ``3. Fair``. The number is what
  the respondent chose; a label that says otherwise is a conflict, not a choice.
* **Bilingual pairs**: ``Pemerintah / Government`` or ``Baik (Good)`` match when every part
  that means something means the same; ``Male/Female`` (no spaces), ``12/05/1990`` and
  numbers are not pairs.
* **Ages**: whole numbers of years within the age bands; dates (an age Excel turned into a
  date), years of birth and numbers out of range are errors that say which.
"""

from __future__ import annotations

import re

from ..schema import AGE_BANDS
from ._common import _norm


# Levels low -> high (code 1..5); synonyms of one level separated by '|'.
SCALE_FAMILIES: dict[str, tuple[str, ...]] = {
    "quality": ("very poor|very bad|extremely poor|sangat buruk|sangat jelek|sangat kurang",
                "poor|bad|buruk|jelek|kurang baik",
                "fair|average|satisfactory|acceptable|neither good nor bad|cukup|cukup baik|sedang|biasa saja",
                "good|baik|bagus",
                "very good|excellent|sangat baik|sangat bagus"),
    "satisfaction": ("very dissatisfied|very unsatisfied|extremely dissatisfied|completely dissatisfied|sangat tidak puas",
                     "dissatisfied|somewhat dissatisfied|fairly dissatisfied|unsatisfied|tidak puas|kurang puas",
                     "neither satisfied nor dissatisfied|neither satisfied or dissatisfied|cukup puas",
                     "satisfied|somewhat satisfied|fairly satisfied|puas",
                     "very satisfied|extremely satisfied|completely satisfied|sangat puas"),
    "agreement": ("strongly disagree|sangat tidak setuju",
                  "disagree|somewhat disagree|tidak setuju|kurang setuju",
                  "neither agree nor disagree|neither agree or disagree|neutral|undecided|netral|ragu-ragu|ragu ragu",
                  "agree|somewhat agree|setuju",
                  "strongly agree|sangat setuju"),
    "importance": ("not important|not at all important|unimportant|tidak penting|sama sekali tidak penting",
                   "slightly important|of little importance|low importance|kurang penting|agak penting",
                   "moderately important|somewhat important|fairly important|cukup penting",
                   "important|penting",
                   "very important|sangat penting"),
    "frequency": ("never|tidak pernah",
                  "rarely|seldom|jarang",
                  "sometimes|occasionally|kadang-kadang|kadang kadang|kadang",
                  "often|frequently|usually|sering",
                  "always|selalu"),
}
# A refusal is no answer: neither a rating nor "don't know".
REFUSALS = frozenset(_norm(t) for t in ("prefer not to answer", "prefer not to say", "refused", "refuse", "refused to answer", "no answer",
                                          "decline to answer", "tidak ingin menjawab", "tidak mau menjawab", "menolak menjawab"))
# Families whose direction is known: the last level is the better one.
DIRECTED = ("quality", "satisfaction", "agreement", "importance")


def _family_index() -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for family, levels in SCALE_FAMILIES.items():
        for code, level in enumerate(levels, start=1):
            for label in level.split("|"):
                out[_norm(label)] = (family, code)
    return out


FAMILY_OF = _family_index()


def family_code(text: str) -> tuple[str, int] | None:
    """(family, code 1-5) of a scale label, or None.

    Examples
    --------
    >>> family_code("Somewhat satisfied")
    ('satisfaction', 4)
    >>> family_code("Sangat puas")
    ('satisfaction', 5)
    """
    return FAMILY_OF.get(_norm(text))


_LEADING = re.compile(r"^\s*(\d{1,2})\s*(?:\((.+)\)|[-.:)=]\s*(.+)|\s+(\D.*))?\s*$")


def leading_number(text: str) -> tuple[int, str] | None:
    """(number, label) of an answer that starts with its scale number, e.g. ``5 (Very effective)``.

    A bare number gives an empty label. Dates and longer numbers are not scale numbers.

    Examples
    --------
    >>> leading_number("5 (Very effective)")
    (5, 'Very effective')
    >>> leading_number("4 - Good")
    (4, 'Good')
    >>> leading_number("12/05/1990") is None, leading_number("4.5") is None
    (True, True)
    """
    text = str(text).strip()
    if re.fullmatch(r"\d{1,2}(\.0+)?", text):
        return int(float(text)), ""
    m = _LEADING.match(text)
    if not m:
        return None
    label = next((g for g in m.groups()[1:] if g), "").strip()
    if not re.search(r"[^\W\d_]", label):
        return None  # '4.5', '1-2': not a scale point with its label
    return int(m.group(1)), label


def pair_parts(text: str) -> list[str]:
    """The parts of a bilingual label (``A / B`` with spaces, or ``A (B)``); [] when it is not one.

    Parts are words: a part without letters (``12/05/1990``, ``1990``) makes it no pair,
    and a slash without spaces (``Male/Female``) is not a separator.

    Examples
    --------
    >>> pair_parts("Pemerintah / Government")
    ['Pemerintah', 'Government']
    >>> pair_parts("Male/Female")
    []
    """
    text = str(text).strip()
    parts: list[str] = []
    if re.search(r"\s/\s", text):
        parts = [p.strip() for p in re.split(r"\s/\s", text)]
    else:
        m = re.match(r"^(.*?)\s*\((.*)\)\s*$", text)
        if m:
            parts = [p.strip() for p in m.groups()]
    if len(parts) < 2 or any(not re.search(r"[^\W\d_]", p) for p in parts):
        return []
    return parts


def one_value(parts: list[str], resolve) -> tuple[object, str | None]:
    """The one value the parts of a pair agree on: (value, None), or (None, why not).

    Parts that mean nothing are allowed (one language may be unknown), parts that mean
    different things are a conflict.
    """
    found = {}
    for p in parts:
        v = resolve(p)
        if v is not None:
            found.setdefault(v, p)
    if len(found) == 1:
        return next(iter(found)), None
    if len(found) > 1:
        return None, "the parts of this answer mean different things (" + "; ".join(f"{p!r} = {v}" for v, p in found.items()) + ")"
    return None, None


_DATE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?)?$")


def age_band(text: str) -> tuple[str | None, str | None]:
    """(band, None) for an age or a band; (None, why) for what is not clearly one.

    Examples
    --------
    >>> age_band("34")
    ('25-34', None)
    >>> age_band("1/20/1900 0:00")[1]
    'a date, not an age (a spreadsheet may have turned an age into a date): give the age in years'
    """
    raw = str(text).strip()
    if _DATE.match(raw):
        return None, "a date, not an age (a spreadsheet may have turned an age into a date): give the age in years"
    t = _norm(raw)
    for word in ("tahun", "thn", "years old", "years", "yrs", "y.o."):
        t = t.replace(word, "")
    t = t.replace(" ", "").replace("\u2013", "-")
    t = re.sub(r"^(\d+)(?:keatas|andover|ormore|lebih|\+)$", r"\1+", t)
    t = re.sub(r"^(?:>=?|\u2265)(\d+)$", r"\1+", t)
    if t in AGE_BANDS:
        return t, None
    if not re.fullmatch(r"\d+(\.0+)?", t):
        return None, None
    age = int(float(t))
    if 1900 <= age <= 2100:
        return None, f"a year ({age}: a year of birth?), not an age in years"
    lowest = int(AGE_BANDS[0].split("-")[0])
    if age < lowest or age > 110:
        return None, f"an age of {age} years, outside the age bands ({AGE_BANDS[0]} .. {AGE_BANDS[-1]}) or not a plausible age"
    for band in AGE_BANDS:
        lo, _, hi = band.rstrip("+").partition("-")
        if int(lo) <= age and (not hi or age <= int(hi)):
            return band, None
    return None, None  # pragma: no cover - the bands cover lowest..110
