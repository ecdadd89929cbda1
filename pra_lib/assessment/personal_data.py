"""Personal data in the data model: which columns are personal, and what looks personal.

The data dictionary marks columns personal (names, phones, e-mails, NIK). The importers
refuse to put them where they do not belong, and publishing redacts any value that looks
like one and refuses any table that holds a personal column
(:mod:`pra_lib.publishing.privacy`).

The detectors here find, in any text:

* **NIK** (the 16-digit national id), also written in groups with spaces, dashes or dots
  (``3171 1173 7476 0199``, ``31.71.11.737476.0199``);
* **phone numbers**: mobiles written ``+62``, ``62``, ``0062`` or ``08`` with spaces, dashes,
  dots, slashes, underscores or parentheses (``+62 (812) 5550 1999``, ``6281255501999``,
  ``0812.5550.2888``), with an extension (``ext 12``) taken with them, and landlines after
  ``+62`` or with the area code in parentheses (``(021) 555 1234``);
* **e-mail addresses**, also obfuscated (``name(at)gmail.com``, ``name [at] domain [dot]
  com``, ``name at domain dot com``);
* **a person named after a title**: ``Pak``, ``Bu``, ``Bapak``, ``Ibu``, ``Sdr.``,
  ``Sdri.``, ``Saudara``, ``Saudari``, ``Mr``, ``Mrs``, ``Ms``, ``Dr``, ``Prof``, ``Haji``,
  ``Hj.`` or ``H.`` followed by capitalised words (``Pak Budi Santoso``);
* **common Indonesian given names** (:func:`given_names`, a gazetteer in
  ``pra_lib/reference/indonesian_given_names.csv``), used for free text written by
  respondents only, where a false alarm withholds a quote rather than blanks a label.

Every text is read as a reader sees it (:func:`normalise`): Unicode compatibility forms are
folded (NFKC: full-width ``０８１２`` and ``＠`` are ``0812`` and ``@``, any script's digits are
digits, every dash is ``-``), invisible characters (zero-width spaces and joiners, soft
hyphens, direction marks) are dropped, a letter standing for a digit among digits is read
as that digit (``08l2 5550 1999``, ``O812``), and a hex prefix before a number is dropped
(``0x812 5550 1999``). Findings are reported at their place in the text as written, so a
redaction takes the invisible characters with it.

What they cannot catch is listed in the README's privacy section.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from .schema import TABLES

__all__ = [
    "PERSONAL_COLUMNS",
    "PersonalDataError",
    "check_no_personal_data",
    "find_personal_data",
    "given_names",
    "names_given",
]

PERSONAL_COLUMNS = frozenset(c.name for t in TABLES for c in t.columns if c.personal)
# A column name that is personal in one table and not in another (``name``: a person's, an
# asset's) cannot tell on its own; only the unambiguous names are refused by name.
_REFUSED_NAMES = PERSONAL_COLUMNS - frozenset(c.name for t in TABLES for c in t.columns if not c.personal)

_SP = r"[ \t\u00a0]"
# Between two digits of a phone number: nothing, one space, dash or dot, or a parenthesis
# with a space around it ("+62 (812) 5550").
_SEP = rf"(?:[ \t\u00a0./_\-]|\\_|\){_SP}?[.\-]?|[.\-]?{_SP}?\()?"  # "\_": an underscore escaped for Markdown
_COUNTRY = rf"(?:(?:\+|(?<![\w.,])00){_SP}?62|\(\+?62\)|(?<![\w.,+])62)"
# An extension belongs to the number: "0812 5550 1999 ext 12", "(021) 555 0199 psw. 4".
_EXTENSION = rf"(?:{_SP}*,?{_SP}*(?i:ext|extension|ekst|psw|pes|x)\.?{_SP}*\d{{1,5}}(?!\d))?"
# Before a mobile's 0: not a word, a digit or a decimal point ("0.0812..." is a number), but
# a label's full stop is ("No.0812...", "Telp.0812...").
_NOT_AFTER = r"(?<![\w,+])(?<!\d\.)"
_PHONE = re.compile(
    "(?:" + "|".join(
        (
            # mobiles: +62 8xx / 62 8xx / 08xx, then 7 to 10 more digits
            rf"{_COUNTRY}{_SEP}(?:\(0\){_SP}?)?\(?8\d(?:{_SEP}\d){{7,10}}(?!\d)",
            rf"{_NOT_AFTER}\(?0\)?8\d(?:{_SEP}\d){{7,10}}(?!\d)",
            # landlines: only with the country code, or the area code in parentheses, since
            # a bare 0-number of this length is as likely a count or a code
            rf"{_COUNTRY}{_SEP}(?:\(0\){_SP}?)?\(?[2-79]\d(?:{_SEP}\d){{5,9}}(?!\d)",
            rf"\(0[2-79]\d{{1,2}}\){_SP}?[\-.]?{_SP}?\d(?:{_SEP}\d){{4,8}}(?!\d)",
        )
    ) + ")" + _EXTENSION
)
_NIK = re.compile(r"(?<![\d.,])\d(?:[ \t\u00a0.\-]?\d){15}(?!\d)")
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")  # 1.234.567.890.123.456 is money
_DATE = re.compile(r"(?<!\d)(?:(?:19|20)\d{2}-[01]\d-[0-3]\d|[0-3]\d[.\-/][01]\d[.\-/](?:19|20)\d{2})(?!\d)")
_YEARS = re.compile(r"(?:(?:19|20)\d{2}[ \t\u00a0,;\-]){3}(?:19|20)\d{2}")  # "2015 2016 2017 2018" lists years

_OPEN, _CLOSE = r"\\?[\(\[\{<]", r"\\?[\)\]\}>]"  # a bracket may carry a Markdown escape: "\[at\]"
_AT_STRONG = rf"(?:\s*[@\uff20]\s*|\s*{_OPEN}\s*(?i:at|et)\s*{_CLOSE}\s*)"
_AT_WORD = r"(?:\s+(?i:at)\s+)"
_DOT_WORD = rf"(?:\s*{_OPEN}\s*(?i:dot|titik)\s*{_CLOSE}\s*|\s+(?i:dot|titik)\s+)"
_LOCAL = r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+\\-]*"  # "\_" is an escaped underscore
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(
    "|".join(
        (
            # name@host.tld, name(at)host.tld, name [at] host [dot] tld, name @ host . tld
            rf"{_LOCAL}{_AT_STRONG}{_LABEL}(?:(?:\s*\.\s*|{_DOT_WORD}){_LABEL})*(?:\s*\.\s*|{_DOT_WORD})[A-Za-z]{{2,}}\b",
            # name at host dot tld, name at host.tld (the dot may not float in a sentence)
            rf"{_LOCAL}{_AT_WORD}{_LABEL}(?:(?:\.|{_DOT_WORD}){_LABEL})*(?:\.|{_DOT_WORD})[A-Za-z]{{2,}}\b",
        )
    )
)

_TITLES = r"(?:Pak|Bu|Bapak|Ibu|Sdr|Sdri|Saudara|Saudari|Mr|Mrs|Ms|Dr|Drs|Prof|Haji|Hj)"
# A title, then one or more capitalised words: "Pak Budi Santoso", "Sdri. Rina", "H. Ahmad";
# also across a line break, where a long label is wrapped in a figure.
# "Ibu Kota" is the capital city, not a woman called Kota.
_NAME_WORD = r"[A-Z][A-Za-z]+(?:['\u2019][A-Za-z]+)*"  # "Budi", "O'Neil"; a closing quote is not part of it
_TITLED_NAME = re.compile(
    rf"(?<![\w.])(?:(?i:{_TITLES})\.?|H\.)\s+(?!Kota\b){_NAME_WORD}(?:(?:\s+|-){_NAME_WORD})*"
)

DETECTORS: dict[str, re.Pattern] = {
    "e-mail address": _EMAIL,
    "NIK (16-digit national id)": _NIK,
    "phone number": _PHONE,
    "person's name after a title": _TITLED_NAME,
}


class PersonalDataError(ValueError):
    """Raised when a table about to be published holds personal data."""


def _is_nik(match: str) -> bool:
    seps = re.sub(r"\d", "", match)
    if seps in (".", ","):  # one decimal point: a number with 15 decimals, not an id
        return False
    if _THOUSANDS.fullmatch(match) or _DATE.search(match) or _YEARS.fullmatch(match):
        return False
    return True


# Record ids such as KoboToolbox's uuid ("1e6042d9-ed52-404549-949190-0153feb6284a"): five
# dash-joined hex groups, at least 32 hex digits, with at least one letter. Their digit runs are
# not a NIK or a phone number. A shorter hex-looking prefix ("ab-0812-5550-1999") is not an id.
_HEX_ID = re.compile(r"(?<![\w-])(?=[0-9A-Fa-f-]*[A-Fa-f])[0-9A-Fa-f]+(?:-[0-9A-Fa-f]+){4}(?![\w-])")
_ID_HEX_DIGITS = 32


def _record_ids(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _HEX_ID.finditer(text) if len(m.group(0)) - m.group(0).count("-") >= _ID_HEX_DIGITS]


# Characters a reader does not see or reads as another: folded before the detectors run.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")
# A letter among digits read as the digit it stands for: "08l2", "555O", "O812" (a mobile's 0).
_DIGIT_LOOKALIKES = {"O": "0", "o": "0", "l": "1", "I": "1"}
_LOOKALIKE = re.compile(r"(?:(?<=\d)|(?<=\d[ .\-]))[OolI]{1,3}(?=\d|[ .\-]\d)|(?<![\w.])[Oo](?=8\d)")
# A hex prefix before a number: "0x812 5550 1999" is 0812 5550 1999, "0x0812..." and "0x62..." drop it whole.
def _as_digits(match: re.Match) -> str:
    return "".join(_DIGIT_LOOKALIKES[c] for c in match.group(0))


_HEX_PREFIX = re.compile(r"(?<![\w.])0[xX](?=8\d|0\d|\+?62)")


def normalise(text: str) -> tuple[str, list[int] | None]:
    """The text as a reader sees it, and where each of its characters stands in the text.

    Unicode compatibility forms are folded (NFKC), digits of any script become ASCII
    digits and every dash ``-``; invisible characters (format characters: zero-width
    spaces and joiners, soft hyphens, direction marks) are dropped; a letter read as a
    digit among digits becomes that digit, and a hex prefix before a number is dropped.

    Returns
    -------
    (str, list of int or None)
        The normalised text and, for each of its characters, the index of the character of
        ``text`` it comes from; ``None`` when every character stands where it stood.

    Examples
    --------
    >>> normalise("\uff10\uff18\uff11\uff12\u200b5550-1999")[0]
    '08125550-1999'
    >>> normalise("08l2 5550 1999")[0], normalise("0x812 5550 1999")[0]
    ('0812 5550 1999', '0812 5550 1999')
    >>> normalise("G01, 2017-05-12, p = 0.012")
    ('G01, 2017-05-12, p = 0.012', None)
    >>> normalise("\uff10\uff18l2")
    ('0812', None)
    """
    if text.isascii() and not _HEX_PREFIX.search(text):  # the common case: one character for one
        return _LOOKALIKE.sub(_as_digits, text), None
    if text.isascii():
        chars, origin = list(text), list(range(len(text)))
    else:
        chars, origin = [], []
        for i, ch in enumerate(text):
            if unicodedata.category(ch) == "Cf":  # zero-width and direction characters: not seen
                continue
            for c in unicodedata.normalize("NFKC", ch).translate(_DASHES):
                if not c.isascii() and c.isdecimal():
                    c = str(unicodedata.decimal(c))
                chars.append(c)
                origin.append(i)
    folded = "".join(chars)
    if _HEX_PREFIX.search(folded):
        keep = [True] * len(chars)
        for m in _HEX_PREFIX.finditer(folded):
            keep[m.start() + 1] = False  # the "x"
            if folded[m.end():m.end() + 1] != "8":
                keep[m.start()] = False  # and the "0" before a 0 or a country code
        # a dropped prefix goes with the number after it: a redaction takes it too
        kept_chars, kept_origin, dropped = [], [], None
        for c, o, k in zip(chars, origin, keep):
            if not k:
                dropped = o if dropped is None else dropped
                continue
            kept_chars.append(c)
            kept_origin.append(o if dropped is None else dropped)
            dropped = None
        chars, origin = kept_chars, kept_origin
        folded = "".join(chars)
    folded = _LOOKALIKE.sub(_as_digits, folded)  # one character for one
    return folded, (None if len(folded) == len(text) and origin == list(range(len(text))) else origin)


def find_personal_data(text: str) -> list[tuple[str, int, int]]:
    """Where a text holds something that looks like personal data.

    Parameters
    ----------
    text : str
        Any text: a table cell, a sentence, a label.

    Returns
    -------
    list of (what, start, end)
        One entry per finding, ``what`` naming the detector ("phone number", ...), sorted
        by position; overlapping findings are all listed.

    Examples
    --------
    >>> [what for what, _, _ in find_personal_data("Call +62 (812) 5550 1999 or write to budi(at)gmail.com")]
    ['phone number', 'e-mail address']
    >>> find_personal_data("Flooding, 2017-09-15, score 3.0833333333333335")
    []
    """
    if not isinstance(text, str) or not text:
        return []
    seen, origin = normalise(text)  # full-width, zero-width and look-alike characters read as a reader reads them
    found = []
    ids = _record_ids(seen)
    for what, pattern in DETECTORS.items():
        for m in pattern.finditer(seen):
            if pattern is _NIK and not _is_nik(m.group(0)):
                continue
            if pattern in (_NIK, _PHONE) and any(a <= m.start() and m.end() <= b for a, b in ids):
                continue
            start, end = (m.start(), m.end()) if origin is None else (origin[m.start()], origin[m.end() - 1] + 1)
            found.append((what, start, end))
    return sorted(found, key=lambda f: (f[1], f[2]))


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Common Indonesian given names, lower case, from ``pra_lib/reference/indonesian_given_names.csv``.

    Examples
    --------
    >>> "budi" in given_names() and "siti" in given_names()
    True
    """
    from importlib import resources

    text = (resources.files("pra_lib") / "reference" / "indonesian_given_names.csv").read_text(encoding="utf-8")
    rows = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not rows or rows[0] != "given_name":
        raise ValueError("indonesian_given_names.csv must start with the header 'given_name'")
    return frozenset(r.lower() for r in rows[1:])


def names_given(text: str) -> list[str]:
    """Capitalised words of a text that are common Indonesian given names.

    Examples
    --------
    >>> names_given("Kata Budi, koordinasi antar dinas masih lemah.")
    ['Budi']
    >>> names_given("Koordinasi antar dinas masih lemah.")
    []
    """
    if not isinstance(text, str):
        return []
    names = given_names()
    return [w for w in re.findall(r"\b[A-Z][a-z'\u2019]+\b", text) if w.lower() in names]


def check_no_personal_data(data: pd.DataFrame, *, name: str) -> None:
    """Raise :class:`PersonalDataError` if a table holds personal columns or values that look personal.

    Numbers in numeric columns are not text and are never read as a NIK or phone number (a
    16-digit budget is money); a number written as text is checked like any text.
    """
    personal = [c for c in data.columns if str(c) in _REFUSED_NAMES]
    if personal:
        raise PersonalDataError(f"table '{name}' has personal column(s) {', '.join(map(str, personal))}; they may not be published")
    text_columns = [
        c for c in data.columns if data[c].dtype == object or pd.api.types.is_string_dtype(data[c]) or isinstance(data[c].dtype, pd.CategoricalDtype)
    ]
    for col in text_columns:
        for value in pd.unique(data[col].dropna().astype(object)):  # each distinct text once: a column repeats its labels
            found = find_personal_data(value) if isinstance(value, str) else []
            if found:
                row = data.index[data[col] == value][0]
                raise PersonalDataError(
                    f"table '{name}', column '{col}', row {row} holds what looks like a {found[0][0]}; personal data may not be published"
                )
