"""The report language: gettext catalogues in English and Indonesian.

Every figure title, axis label, table header and findings sentence the reports show comes
from the gettext catalogues under ``pra_lib/locale`` (domain ``pra``, managed with Babel:
see :mod:`pra_lib.publishing.i18n_tools`). The analysis modules ask for text by key with
:func:`t`; the English text of a key is its entry in ``en/LC_MESSAGES/pra.po``, the
Indonesian its entry in ``id/LC_MESSAGES/pra.po``. The notebooks choose the language once,
with :func:`set_language`, from their ``lang`` parameter (``pra run --lang id``). Their
narrative is Markdown written in the notebooks, translated before they run
(:func:`pra_lib.publishing.i18n_tools.translate_notebook`).

* The compiled ``.mo`` file of a language is read when it is there and not older than its
  ``.po``; otherwise the ``.po`` is read directly (with Babel), so a fresh checkout works
  before ``python -m pra_lib.publishing.i18n_tools compile`` has run.
* An entry without an Indonesian text shows the English text, with no marker in the
  report; the keys seen missing are recorded (:func:`missing_translations`) and logged at
  debug level.
* An unknown key raises :class:`KeyError`: a typo fails loudly (and a test checks that
  every key the code uses is in the catalogue).
* Goal and dimension names come from :mod:`pra_lib.assessment.crf`, not from this catalogue
  (every one has an Indonesian name there, Jakarta's or the project's); names recorded in
  the assessment (hazards, focus areas, activities, stakeholder groups) come from their
  ``*_id`` columns through :func:`pick`. A name without an Indonesian text is shown in
  English, with no marker, and recorded like a missing message.
* Numbers, percentages, rupiah amounts and dates are written the way the report language
  writes them, with Babel and the CLDR locale data (:func:`format_number`,
  :func:`format_percent`, :func:`format_money_idr`, :func:`format_date`): ``1,000`` and
  ``2.16`` in English, ``1.000`` and ``2,16`` in Indonesian. :func:`t` writes the decimal
  numbers it is given in the same way.
* Tables keep their stable English snake_case column names, because CSV files are for
  machines and downstream functions rely on the names. Only their display changes:
  :func:`install_display` shows translated headers (:func:`header`) in the notebooks.
* Values that are part of the data vocabulary (a risk band ``"high"``, a trend
  ``"worsening"``) stay English in the tables too, because code and users filter on them;
  figures and findings show them through :func:`term`, and the notebook display of an
  Indonesian report through :data:`VALUE_VOCABULARY`.

Examples
--------
>>> from pra_lib import i18n
>>> i18n.t("overview.fig.participation.title")
'Participants by activity and stakeholder group'
>>> with i18n.language("id"):
...     i18n.t("overview.fig.participation.title")
'Peserta menurut kegiatan dan kelompok pemangku kepentingan'
"""

from __future__ import annotations

import logging
import numbers
import re
import string
import struct
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "UNTRANSLATED",
    "VALUE_VOCABULARY",
    "catalogue",
    "dimension_label",
    "displayed",
    "english",
    "cell_label",
    "format_date",
    "format_interval",
    "format_money_idr",
    "format_number",
    "format_p_value",
    "format_percent",
    "get_language",
    "goal_label",
    "header",
    "install_display",
    "language",
    "locale_name",
    "missing_translations",
    "notebook_text",
    "pick",
    "pick_all",
    "plural",
    "set_language",
    "t",
    "term",
    "translated_share",
]

#: The report languages: English and Indonesian (Bahasa Indonesia).
LANGUAGES: tuple[str, ...] = ("en", "id")
#: The marker older versions appended to a name recorded only in English. Never shown now:
#: a missing Indonesian name is recorded (:func:`missing_translations`) instead.
UNTRANSLATED = " [EN]"
#: The Babel (CLDR) locale of each report language.
_LOCALES = {"en": "en", "id": "id_ID"}
#: The catalogues: ``<LOCALE_DIR>/<lang>/LC_MESSAGES/<DOMAIN>.po`` (and ``.mo``).
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
#: The gettext domain of the reports.
DOMAIN = "pra"

_log = logging.getLogger(__name__)
_current = "en"
_missing: set[str] = set()
# A column name worth translating: snake_case (with digits and dots, e.g. compound_0.25).
_COLUMN_NAME = re.compile(r"^[a-z][a-z0-9_.]*$")
# Columns named after a parameter value: compound_rank_0.25, compound_0.25.
_PARAMETRIC = (
    (re.compile(r"^compound_rank_(.+)$"), "col.compound_rank_alpha"),
    (re.compile(r"^compound_(\d.*)$"), "col.compound_alpha"),
    (re.compile(r"^place_(\d+)$"), "col.place_n"),
)


def _check(lang) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}: use 'en' (English) or 'id' (Indonesian)")
    return lang


def _read_mo(path: Path) -> dict:
    """The translated entries of a compiled gettext catalogue (GNU ``.mo`` format)."""
    data = path.read_bytes()
    order = {0x950412DE: "<", 0xDE120495: ">"}.get(struct.unpack("<I", data[:4])[0])
    if order is None:
        raise ValueError(f"{path}: not a gettext .mo file")
    count, ids, strs = struct.unpack(order + "3I", data[8:20])
    out = {}
    for i in range(count):
        id_len, id_at = struct.unpack(order + "2I", data[ids + 8 * i : ids + 8 * i + 8])
        str_len, str_at = struct.unpack(order + "2I", data[strs + 8 * i : strs + 8 * i + 8])
        msgid = data[id_at : id_at + id_len].decode("utf-8")
        if not msgid:
            continue  # the header
        context, _, text = msgid.rpartition("\x04")
        out[(context, text) if context else text] = data[str_at : str_at + str_len].decode("utf-8")
    return out


def _read_po(path: Path) -> dict:
    """The translated, non-fuzzy entries of a ``.po`` file, read with Babel."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        ((m.context, m.id) if m.context else m.id): m.string
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


@lru_cache(maxsize=None)
def _messages(lang: str) -> dict:
    """msgid -> text of ``lang``: keys as str, notebook cells as (context, English)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        return _read_mo(mo)
    if not po.exists():
        raise FileNotFoundError(f"no catalogue for {lang!r}: {po}")
    return _read_po(po)


@lru_cache(maxsize=None)
def _entries() -> dict[str, tuple[str, str]]:
    """Key -> (English, Indonesian or ""), for the keyed messages of the catalogues."""
    indonesian = _messages("id")
    return {key: (en, indonesian.get(key, "")) for key, en in _messages("en").items() if isinstance(key, str)}


def _record_missing(key: str, lang: str) -> None:
    if key not in _missing:
        _missing.add(key)
        _log.debug("no %s translation of %r: the English is shown", lang, key)


def missing_translations() -> list[str]:
    """The keys (and notebook cells, ``"<notebook>#<cell id>"``) shown in English in this
    process because their Indonesian text is missing, sorted.

    Examples
    --------
    >>> isinstance(missing_translations(), list)
    True
    """
    return sorted(_missing)


def notebook_text(source: str, lang: str, *, context: str | None = None, cell_id: str | None = None) -> str | None:
    """The ``lang`` text of a notebook Markdown cell whose English is ``source``, or None.

    Looked up by ``context`` (``"<notebook stem>#<cell id>"``), or, without it, by the cell
    id in any notebook. A missing translation is recorded (:func:`missing_translations`).
    """
    lang = _check(lang)
    if lang == "en":
        return source
    messages = _messages(lang)
    if context is not None:
        found = messages.get((context, source))
    else:
        found = next((text for key, text in messages.items() if isinstance(key, tuple) and key[1] == source
                      and key[0].endswith(f"#{cell_id}")), None)
    if not found:
        _record_missing(context or f"?#{cell_id}", lang)
        return None
    return found


def catalogue():
    """The whole catalogue as a DataFrame (``key``, ``en``, ``id``), in file order.

    Examples
    --------
    >>> cat = catalogue()
    >>> list(cat.columns)
    ['key', 'en', 'id']
    """
    import pandas as pd

    return pd.DataFrame([(k, en, id_) for k, (en, id_) in _entries().items()], columns=["key", "en", "id"])


def translated_share() -> float:
    """Share of catalogue entries that have an Indonesian text (0-1).

    Examples
    --------
    >>> 0 <= translated_share() <= 1
    True
    """
    entries = _entries()
    return sum(1 for _, id_ in entries.values() if id_) / len(entries) if entries else 1.0


def set_language(lang: str) -> str:
    """Choose the report language for everything drawn or written from now on.

    Parameters
    ----------
    lang : {"en", "id"}
        English or Indonesian.

    Returns
    -------
    str
        The language chosen.

    Raises
    ------
    ValueError
        For any other value.

    Examples
    --------
    >>> set_language("en")
    'en'
    """
    global _current
    _current = _check(lang)
    return _current


def get_language() -> str:
    """The current report language, ``"en"`` unless :func:`set_language` chose another."""
    return _current


@contextmanager
def language(lang: str):
    """Use ``lang`` inside a ``with`` block, then restore the previous language.

    Examples
    --------
    >>> with language("id"):
    ...     get_language()
    'id'
    """
    previous = _current
    set_language(lang)
    try:
        yield lang
    finally:
        set_language(previous)


def _text(key: str, lang: str) -> str:
    """The text of ``key`` in ``lang``; English, recorded as missing, without a translation."""
    try:
        en, id_ = _entries()[key]
    except KeyError:
        raise KeyError(f"no entry {key!r} in the i18n catalogue (pra_lib/locale/en/LC_MESSAGES/{DOMAIN}.po)") from None
    if lang == "id":
        if id_:
            return id_
        _record_missing(key, lang)
    return en


def t(key: str, /, **fields) -> str:
    """The catalogue text of ``key`` in the current language, with ``fields`` filled in.

    Texts are :meth:`str.format` templates. A field given as a number is written by the
    report language's locale: a decimal number with its decimal sign (``2.16``, ``2,16``),
    a template's format (``{share:.0%}``, ``{mean:.2f}``, ``{n:,}``) with the locale's
    separators (:func:`format_number`, :func:`format_percent`). A whole number without a
    format is written as its digits (a year, a seed, a small count); pass a count that
    needs a thousands separator through :func:`format_number`. An entry without an
    Indonesian text gives the English text, and is recorded (:func:`missing_translations`).

    Raises
    ------
    KeyError
        For a key that is not in the catalogue.

    Examples
    --------
    >>> t("common.n_equals", n=12)
    'n = 12'
    >>> with language("id"):
    ...     t("common.n_equals", n=2.5), t("common.n_equals", n=format_number(1000))
    ('n = 2,5', 'n = 1.000')
    """
    return _LocaleFormatter().format(_text(key, _current), **fields)


def cell_label(key: str, /, **fields) -> str:
    """A table cell's label in the report language: a unit, a method, a category name.

    Tables modules may name things in the reader's language (as :func:`goal_label` and
    :func:`pick` do) but hold no sentences: those are built in findings modules with
    :func:`t` and :func:`plural`. ``label`` is :func:`t` under the name that says which use
    is meant, so the architecture test can tell the two apart.

    Examples
    --------
    >>> cell_label("overview.citywide")
    '(city-wide)'
    >>> with language("id"):
    ...     cell_label("overview.citywide")
    '(seluruh kota)'
    """
    return t(key, **fields)


def english(key: str, /, **fields) -> str:
    """The English text of ``key``, whatever the current language (for English constants)."""
    return _text(key, "en").format(**fields)


# ---------------------------------------------------------------------------
# Numbers, percentages, money and dates in the report language (Babel, CLDR)
# ---------------------------------------------------------------------------

# A str.format spec for a number that the locale can write: sign, grouping, decimals, kind.
_NUMBER_SPEC = re.compile(r"^(?P<sign>\+?)(?P<group>,?)(?:\.(?P<digits>\d+))?(?P<kind>[f%]?)$")


def locale_name(lang: str | None = None) -> str:
    """The Babel (CLDR) locale of a report language (default: the current one).

    Examples
    --------
    >>> locale_name("en"), locale_name("id")
    ('en', 'id_ID')
    """
    return _LOCALES[_current if lang is None else _check(lang)]


def _missing_number(value) -> bool:
    import math

    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:  # pandas.NA and friends
        import pandas as pd

        return bool(pd.isna(value))


def _pattern(digits: int | None, *, grouping: bool = True, suffix: str = "") -> str:
    body = ("#,##0" if grouping else "0") + ("." + "0" * digits if digits else "")
    return body + suffix


def format_number(value, *, digits: int | None = None, sign: bool = False, grouping: bool = True,
                  na: str | None = None) -> str:
    """A number written the way the report language writes it (Babel, CLDR locale data).

    Parameters
    ----------
    value : int or float
        The number. None, NaN and ``pandas.NA`` give ``na``.
    digits : int, optional
        Decimal places, always shown (``2`` gives ``2.10``). Without it a whole number is
        written without decimals and any other number with the decimals it has.
    sign : bool
        Write ``+`` before a positive number (a difference, a gap score).
    grouping : bool
        Separate thousands (``1,000`` in English, ``1.000`` in Indonesian).
    na : str, optional
        The text of a missing value; by default the catalogue's "not available".

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1000), format_number(2.156, digits=2), format_number(0.1, digits=2, sign=True)
    ('1,000', '2.16', '+0.10')
    >>> with language("id"):
    ...     format_number(1000), format_number(2.156, digits=2), format_number(4.2)
    ('1.000', '2,16', '4,2')
    """
    from babel.numbers import format_decimal

    if _missing_number(value):
        return t("common.not_available") if na is None else na
    if isinstance(value, bool):
        raise TypeError(f"format_number: expected a number, got the boolean {value!r}")
    locale = locale_name()
    if digits is None:
        if float(value).is_integer():
            text = format_decimal(int(value), format=_pattern(None, grouping=grouping), locale=locale)
        else:
            # The decimals the number has (as str() writes them), with the locale's signs.
            text = format_decimal(value, format=_pattern(None, grouping=grouping), locale=locale, decimal_quantization=False)
    else:
        if round(float(value), digits) == 0:
            value = 0.0  # no "-0.00"
        text = format_decimal(value, format=_pattern(digits, grouping=grouping), locale=locale)
    if sign and float(value) > 0:
        text = "+" + text
    return text


def format_percent(share, *, digits: int = 0, sign: bool = False, na: str | None = None) -> str:
    """A share (0-1) as a percentage in the report language.

    Examples
    --------
    >>> format_percent(0.25), format_percent(0.2551, digits=1)
    ('25%', '25.5%')
    >>> with language("id"):
    ...     format_percent(0.2551, digits=1)
    '25,5%'
    """
    from babel.numbers import format_percent as babel_percent

    if _missing_number(share):
        return t("common.not_available") if na is None else na
    if round(100 * float(share), digits) == 0:
        share = 0.0
    text = babel_percent(share, format=_pattern(digits, suffix="%"), locale=locale_name())
    if sign and float(share) > 0:
        text = "+" + text
    return text


def format_money_idr(value, *, digits: int = 1, na: str | None = None) -> str:
    """An amount in rupiah, in words for millions and above ("Rp 4,2 triliun").

    Amounts from a million up are written with the locale's word for the size (juta,
    miliar, triliun; million, billion, trillion) and at most ``digits`` decimals; smaller
    amounts in full. English writes the currency code IDR, Indonesian the symbol Rp.

    Examples
    --------
    >>> format_money_idr(4.2e12), format_money_idr(850e9), format_money_idr(25_000)
    ('IDR 4.2 trillion', 'IDR 850 billion', 'IDR 25,000')
    >>> with language("id"):
    ...     format_money_idr(4.2e12), format_money_idr(25_000)
    ('Rp 4,2 triliun', 'Rp 25.000')
    """
    from babel.numbers import format_compact_decimal, get_currency_symbol

    if _missing_number(value):
        return t("common.not_available") if na is None else na
    locale = locale_name()
    if abs(float(value)) >= 1e6:
        amount = format_compact_decimal(value, format_type="long", fraction_digits=digits, locale=locale)
    else:
        amount = format_number(round(float(value)))
    return f"{get_currency_symbol('IDR', locale=locale)} {amount}"


def format_interval(low, high, *, digits: int = 2, na: str | None = None) -> str:
    """An interval (a confidence interval, a range) as one text: ``2.10–2.40``.

    Examples
    --------
    >>> format_interval(2.1, 2.4)
    '2.10–2.40'
    >>> with language("id"):
    ...     format_interval(2.1, 2.4, digits=1)
    '2,1–2,4'
    """
    if _missing_number(low) or _missing_number(high):
        return t("common.not_available") if na is None else na
    return f"{format_number(low, digits=digits)}–{format_number(high, digits=digits)}"


def format_p_value(p, *, digits: int = 3, na: str | None = None) -> str:
    """A p-value: ``< 0.001`` below the last decimal shown, otherwise the value (``0.012``).

    Examples
    --------
    >>> format_p_value(6.7e-31), format_p_value(0.0123)
    ('< 0.001', '0.012')
    >>> with language("id"):
    ...     format_p_value(0.0123)
    '0,012'
    """
    if _missing_number(p):
        return t("common.not_available") if na is None else na
    smallest = 10.0 ** -digits
    if float(p) < smallest:
        return f"< {format_number(smallest, digits=digits)}"
    return format_number(p, digits=digits)


def format_date(value, *, form: str = "long", na: str | None = None) -> str:
    """A date in the report language: "30 November 2026" in Indonesian.

    Parameters
    ----------
    value : datetime.date, datetime.datetime, pandas.Timestamp or ISO text
        The date. Text is ``YYYY-MM-DD``, or the partial dates the metadata allows:
        ``YYYY-MM`` (written as month and year) and ``YYYY``.
    form : {"long", "medium", "short"}
        The CLDR date form: ``long`` writes the month's name.

    Examples
    --------
    >>> format_date("2026-11-30"), format_date("2017-09"), format_date("2017")
    ('November 30, 2026', 'September 2017', '2017')
    >>> with language("id"):
    ...     format_date("2026-11-30")
    '30 November 2026'
    """
    import datetime as dt

    from babel.dates import format_date as babel_date
    from babel.dates import format_skeleton

    if value is None or (not isinstance(value, (str, dt.date)) and _missing_number(value)):
        return t("common.not_available") if na is None else na
    if isinstance(value, str):
        if not value.strip():
            return t("common.not_available") if na is None else na
        text = value.strip()
        if re.fullmatch(r"\d{4}", text):
            return text
        try:
            if re.fullmatch(r"\d{4}-\d{2}", text):
                return format_skeleton("yMMMM", dt.date.fromisoformat(text + "-01"), locale=locale_name())
            value = dt.date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(f"format_date: {value!r} is not a date; expected YYYY-MM-DD, YYYY-MM or YYYY") from None
    if isinstance(value, dt.datetime):  # also pandas.Timestamp
        value = value.date()
    return babel_date(value, format=form, locale=locale_name())


class _LocaleFormatter(string.Formatter):
    """:meth:`str.format` that writes number fields by the report language's locale."""

    def format_field(self, value, format_spec):
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            spec = _NUMBER_SPEC.match(format_spec)
            if spec is not None:
                digits = int(spec["digits"]) if spec["digits"] is not None else None
                if spec["kind"] == "%":
                    return format_percent(value, digits=digits or 0, sign=bool(spec["sign"]))
                if format_spec == "" and isinstance(value, numbers.Integral):
                    return str(value)  # a year, a seed, an id: digits only
                if digits is None and spec["kind"] == "f":
                    digits = 6  # Python's default for "f"
                return format_number(value, digits=digits, sign=bool(spec["sign"]), grouping=bool(spec["group"]))
        return super().format_field(value, format_spec)


def term(value, kind: str):
    """A value of the data vocabulary (``kind`` ``"band"``, ``"trend"``...) in the current language.

    The tables keep these values in English, because the code and users filter on them;
    figures and findings show them through this function. A value the catalogue does not
    know (for example a risk band a user named) is shown as given.

    Examples
    --------
    >>> term("worsening", "trend")
    'worsening'
    >>> term("my own band", "band")
    'my own band'
    """
    if not isinstance(value, str):
        return value
    key = f"{kind}.{value}"
    if key not in _entries():
        return value
    return t(key)


def plural(many: bool) -> str:
    """``"many"`` or ``"one"``: the suffix of catalogue keys that have a singular and a plural form.

    Examples
    --------
    >>> t(f"risk.find.isolated.{plural(False)}", names="Crime")
    'Crime amplifies no shock in the links recorded.'
    """
    return "many" if many else "one"


def pick(en, id_text=None):
    """A name recorded in both languages (``name_en`` / ``name_id``): the current language's.

    In Indonesian, a missing Indonesian name shows the English one, with no marker for the
    reader, and is recorded as ``"name:<English>"`` (:func:`missing_translations`), as a
    missing message is. Missing English names (None, NaN) are returned as they are.

    Examples
    --------
    >>> pick("Flooding", "Banjir")
    'Flooding'
    >>> with language("id"):
    ...     pick("Flooding", "Banjir"), pick("Heatwave", None)
    ('Banjir', 'Heatwave')
    >>> "name:Heatwave" in missing_translations()
    True
    """
    if _current != "id":
        return en
    if isinstance(id_text, str) and id_text.strip():
        return id_text
    if isinstance(en, str):
        _record_missing(f"name:{en}", _current)
    return en


def pick_all(en_values, id_values=None) -> list:
    """:func:`pick` over two aligned sequences (``id_values`` may be None)."""
    en_values = list(en_values)
    id_values = [None] * len(en_values) if id_values is None else list(id_values)
    return [pick(e, i) for e, i in zip(en_values, id_values)]


def goal_label(goal_id, *, form: str = "short") -> str:
    """A CRF goal's name in the current language (:func:`pra_lib.assessment.crf.goal_label`)."""
    from ..assessment import crf

    return crf.goal_label(goal_id, lang=_current, form=form)


@lru_cache(maxsize=None)
def _dimension_names() -> dict[str, tuple[str, str]]:
    from ..assessment import crf

    d = crf.dimensions()
    return {r.dimension_id: (r.name_en, r.name_id) for r in d.itertuples()}


def dimension_label(dimension_id: str) -> str:
    """A CRF dimension's name in the current language (from :func:`pra_lib.assessment.crf.dimensions`).

    Examples
    --------
    >>> dimension_label("D1")
    'Health & Wellbeing'
    """
    en, id_ = _dimension_names()[dimension_id]
    return pick(en, id_)


def _parameter_text(value: str) -> str:
    """A number from a column name ("0.25") in the current language ("0,25"); other text as it is."""
    try:
        return format_number(float(value))
    except ValueError:
        return value


def header(column, lang: str | None = None) -> str:
    """The display header of a table column in ``lang`` (default: the current language).

    Columns in the catalogue (``col.<name>``) get its text; any other column gets a
    readable form of its name (``share_positive`` -> ``Share positive``), in Indonesian
    recorded as missing (:func:`missing_translations`) as ``col.<name>``.

    Examples
    --------
    >>> header("mean")
    'Mean'
    >>> header("mean", "id")
    'Rata-rata'
    """
    from .report import readable_header

    lang = _current if lang is None else _check(lang)
    name = str(column)
    entries = _entries()
    key, fields = f"col.{name}", {}
    if key not in entries:
        for pattern, family in _PARAMETRIC:
            match = pattern.match(name)
            if match and family in entries:
                key, fields = family, {"value": match.group(1)}
                break
    if key in entries:
        if fields:
            with language(lang):  # a parameter such as alpha 0.25 as the language writes it
                fields = {"value": _parameter_text(fields["value"])}
        return _text(key, lang).format(**fields)
    if lang == "id":
        _record_missing(key, lang)
    return readable_header(name)


#: Columns whose values belong to the data vocabulary, and the vocabulary (:func:`term`) they use.
#: The tables keep the English values; only their display in an Indonesian report changes.
VALUE_VOCABULARY = {
    "band": "band", "compound_band": "band", "trend": "trend", "reading": "reading", "measure": "measure",
    "agreement": "agreement", "change": "change", "channel": "channel", "status": "status", "estimate": "estimate",
    "reason": "reason", "kind": "kind", "hazard_type": "kind", "ranked_by": "basis", "valence": "valence",
    "quadrant": "quadrant", "aspect": "aspect", "interpretation": "reading", "role": "role", "category": "asset_category",
}


#: Columns whose values name a column of the data (an evidence column): shown by that
#: column's header, as the reader sees it at the head of a table.
COLUMN_NAME_VALUES = ("column_a", "column_b")
#: Columns whose values are vocabulary keys in every language (the tables keep the key).
KEYED_VALUES = {"scope": "scope"}


def _display_value(value, kind: str | None):
    import numpy as np

    if isinstance(value, (bool, np.bool_)):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, str):
        if value == "suppressed":
            return t("common.suppressed")
        return term(value, kind) if kind else value
    return value


def _display_name(label):
    return header(label) if isinstance(label, str) and _COLUMN_NAME.match(label) else label


def displayed(frame):
    """A copy of ``frame`` for display: headers (:func:`header`) for its column and index names.

    Only names that look like column names (snake_case) are translated; data values used
    as labels (focus area ids, agency names) are kept. In Indonesian, the values of the
    vocabulary columns (:data:`VALUE_VOCABULARY`), true/false and "suppressed" are shown
    in Indonesian too.
    """
    from pandas.api.types import is_bool_dtype, is_object_dtype, is_string_dtype

    out = frame.rename(columns=_display_name)
    out.columns = out.columns.set_names([_display_name(n) for n in out.columns.names])
    out.index = out.index.set_names([_display_name(n) for n in out.index.names])
    for j, column in enumerate(frame.columns):
        if column in COLUMN_NAME_VALUES:
            out.isetitem(j, frame.iloc[:, j].map(_display_name).astype(object))
        elif column in KEYED_VALUES:
            out.isetitem(j, frame.iloc[:, j].map(lambda v, kind=KEYED_VALUES[column]: term(v, kind)).astype(object))
    if _current == "id":
        # Vocabulary values, yes/no and 'suppressed' in the report language (by position, so
        # that repeated column names are no problem).
        for j, column in enumerate(frame.columns):
            values = frame.iloc[:, j]
            if column in COLUMN_NAME_VALUES or column in KEYED_VALUES:
                continue
            if is_bool_dtype(values) or is_object_dtype(values) or is_string_dtype(values):
                kind = VALUE_VOCABULARY.get(column) if isinstance(column, str) else None
                out.isetitem(j, values.map(lambda v, kind=kind: _display_value(v, kind)).astype(object))
    return out


def _frame_html(frame, *, css: bool = True):
    """A DataFrame as the HTML report shows it (:func:`pra_lib.publishing.tables_html.table_html`)."""
    from .tables_html import table_html

    return table_html(frame, css=css)


def install_display(lang: str | None = None) -> bool:
    """Show DataFrames in the notebook formatted for readers, with translated headers.

    Registers an IPython HTML formatter for :class:`pandas.DataFrame` that renders tables
    with :func:`pra_lib.publishing.tables_html.table_html` (labels instead of ids, numbers
    by meaning and locale, no index, wide tables scrolling inside the page), so the frames
    themselves, and the CSV and XLSX files, keep their stable column names and full
    precision. The style of the tables is written once, with the first table shown.
    With ``lang`` it also calls :func:`set_language`.

    Returns
    -------
    bool
        ``True`` when a formatter was registered, ``False`` outside IPython.

    Examples
    --------
    >>> install_display("en")   # in a plain Python session there is nothing to register
    False
    """
    import pandas as pd

    if lang is not None:
        set_language(lang)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebook dependencies
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shown = []  # the style goes with the first table of the notebook only

    def frame_html(frame):
        text = _frame_html(frame, css=not shown)
        shown.append(True)
        return text

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, frame_html)
    return True
