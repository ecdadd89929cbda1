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
* Goal and dimension names come from :mod:`pra_lib.assessment.crf`, not from this catalogue; names
  recorded in the assessment (hazards, focus areas, activities, stakeholder groups) come
  from their ``*_id`` columns through :func:`pick`. Both mark a missing Indonesian name
  with ``" [EN]"``.
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
import re
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
    "get_language",
    "goal_label",
    "header",
    "install_display",
    "language",
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
#: Appended to a name recorded only in English (:func:`pick`) in an Indonesian report.
UNTRANSLATED = " [EN]"
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

    Texts are :meth:`str.format` templates, so numbers keep the format the template gives
    them (``{share:.0%}``) in both languages. An entry without an Indonesian text gives the
    English text, and is recorded (:func:`missing_translations`).

    Raises
    ------
    KeyError
        For a key that is not in the catalogue.

    Examples
    --------
    >>> t("common.n_equals", n=12)
    'n = 12'
    """
    return _text(key, _current).format(**fields)


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

    In Indonesian, a missing Indonesian name falls back visibly to the English one with
    ``" [EN]"``. Missing English names (None, NaN) are returned as they are.

    Examples
    --------
    >>> pick("Flooding", "Banjir")
    'Flooding'
    >>> with language("id"):
    ...     pick("Flooding", "Banjir"), pick("Heatwave", None)
    ('Banjir', 'Heatwave [EN]')
    """
    if _current != "id":
        return en
    if isinstance(id_text, str) and id_text.strip():
        return id_text
    if isinstance(en, str):
        return en + UNTRANSLATED
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
    return {r.dimension_id: (r.name_en, r.name_id if r.name_id_source != "untranslated" else "") for r in d.itertuples()}


def dimension_label(dimension_id: str) -> str:
    """A CRF dimension's name in the current language (from :func:`pra_lib.assessment.crf.dimensions`).

    Examples
    --------
    >>> dimension_label("D1")
    'Health & Wellbeing'
    """
    en, id_ = _dimension_names()[dimension_id]
    return pick(en, id_)


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
    if _current == "id":
        # Vocabulary values, yes/no and 'suppressed' in the report language (by position, so
        # that repeated column names are no problem).
        for j, column in enumerate(frame.columns):
            values = frame.iloc[:, j]
            if is_bool_dtype(values) or is_object_dtype(values) or is_string_dtype(values):
                kind = VALUE_VOCABULARY.get(column) if isinstance(column, str) else None
                out.isetitem(j, values.map(lambda v, kind=kind: _display_value(v, kind)).astype(object))
    return out


def _frame_html(frame):
    return displayed(frame)._repr_html_()


def install_display(lang: str | None = None) -> bool:
    """Show DataFrames in the notebook with translated column headers.

    Registers an IPython HTML formatter for :class:`pandas.DataFrame` that renders
    :func:`displayed` copies, so the frames themselves keep their stable column names.
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
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _frame_html)
    return True
