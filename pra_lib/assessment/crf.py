"""The City Resilience Framework (CRF) as reference data.

The CRF (Arup with the Rockefeller Foundation, used by 100 Resilient Cities) has
4 dimensions, each with 3 goals (100RC calls the goals "drivers"), 52 indicators
and 7 qualities of resilient systems.  The tables live as CSV files in
``pra_lib/reference/`` and are exposed here as tidy :class:`pandas.DataFrame`
objects.

Source: the project's method brief, ``PRA_METHOD.md`` section 3.  Facts the
brief marks *(unconfirmed)* are flagged in the data rather than hidden:

* ``crf_goals.csv`` column ``short_name_confirmed`` is ``False`` for goals 1 to 9,
  11 and 12; ``long_name_confirmed`` is ``False`` for goals 10 to 12.
* ``crf_indicators.csv`` column ``confirmed`` is ``False`` for indicator 2.5.

Translations
------------
Every name has an Indonesian label, and a ``name_id_source`` /
``label_id_source`` column says whose wording it is (for translators and
reviewers; the reports show the name only):

``jakarta_pra``
    The Indonesian wording used in Jakarta's PRA (2017), as given in the brief
    (goals 1, 2, 4, 7, 8, 10 and 11).
``project``
    A plain, conventional translation written by this project where Jakarta's
    PRA gave none: goals 3, 6, 9 and 12, the four dimensions, the 52
    indicators and the seven qualities.  Goal 5 is also the project's: the
    brief records Jakarta's wording as "Menjamin stabilitas sosial, ekonomi,
    dan keadilan", where the goal names *security* ("Ensures social
    stability, security & justice"), so the project writes *keamanan*.

Reading a reference file fails, naming the file, row and column, on an empty
Indonesian label or an unknown source, so a name can never reach a report
untranslated.

All public functions return fresh copies, so callers may modify the result
freely without affecting later calls.
"""

from __future__ import annotations

import math
import numbers
import re
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = [
    "DIMENSION_IDS",
    "GOAL_IDS",
    "QUALITY_IDS",
    "TRANSLATION_SOURCES",
    "dimensions",
    "goal_label",
    "goals",
    "indicators",
    "normalise_goal_id",
    "normalise_indicator_id",
    "qualities",
]

#: Dimension ids in CRF order: Health & Wellbeing, Economy & Society,
#: Infrastructure & Environment, Leadership & Strategy.
DIMENSION_IDS: tuple[str, ...] = ("D1", "D2", "D3", "D4")

#: Goal ids ``"G01"`` to ``"G12"`` in CRF order.
GOAL_IDS: tuple[str, ...] = tuple(f"G{n:02d}" for n in range(1, 13))

#: Quality ids in the brief's order: reflective, resourceful, robust,
#: redundant, flexible, inclusive, integrated.
QUALITY_IDS: tuple[str, ...] = tuple(f"Q{n}" for n in range(1, 8))

#: Allowed values of the ``*_id_source`` columns.
TRANSLATION_SOURCES: tuple[str, ...] = ("jakarta_pra", "project")

# ---------------------------------------------------------------------------
# Reading the CSV files
# ---------------------------------------------------------------------------

_STR = "str"
_INT = "int64"
_BOOL = "bool"

# Explicit column types for every reference file.  Everything is first read as
# text (so ids such as "10.1" are never coerced to numbers and empty labels stay
# empty strings), then converted to the declared type.
_SCHEMAS: dict[str, dict[str, str]] = {
    "crf_dimensions.csv": {
        "dimension_id": _STR,
        "name_en": _STR,
        "name_en_alt": _STR,
        "name_id": _STR,
        "name_id_source": _STR,
    },
    "crf_goals.csv": {
        "goal_id": _STR,
        "goal_number": _INT,
        "dimension_id": _STR,
        "short_name_en": _STR,
        "long_name_en": _STR,
        "name_id": _STR,
        "name_id_source": _STR,
        "short_name_confirmed": _BOOL,
        "long_name_confirmed": _BOOL,
    },
    "crf_indicators.csv": {
        "indicator_id": _STR,
        "goal_id": _STR,
        "indicator_number": _INT,
        "label_en": _STR,
        "label_id": _STR,
        "label_id_source": _STR,
        "confirmed": _BOOL,
    },
    "crf_qualities.csv": {
        "quality_id": _STR,
        "name_en": _STR,
        "name_id": _STR,
        "name_id_source": _STR,
    },
}

_BOOL_TEXT = {"true": True, "false": False}


def _to_bool(series: pd.Series, filename: str) -> pd.Series:
    lowered = series.str.strip().str.lower()
    bad = ~lowered.isin(list(_BOOL_TEXT))
    if bad.any():
        raise ValueError(
            f"{filename}: column {series.name!r} must hold 'true' or 'false', "
            f"found {sorted(set(series[bad]))!r}"
        )
    return lowered.map(_BOOL_TEXT).astype(bool)


@lru_cache(maxsize=None)
def _read(filename: str) -> pd.DataFrame:
    """Read one reference CSV with explicit dtypes (cached; never hand out)."""
    schema = _SCHEMAS[filename]
    resource = resources.files("pra_lib") / "reference" / filename
    with resource.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(
            fh,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
        )
    if list(frame.columns) != list(schema):
        raise ValueError(
            f"{filename}: expected columns {list(schema)}, found {list(frame.columns)}"
        )
    for column, kind in schema.items():
        if kind == _BOOL:
            frame[column] = _to_bool(frame[column], filename)
        elif kind == _INT:
            frame[column] = frame[column].astype(_INT)
        else:
            frame[column] = frame[column].astype(_STR)
    _check_translations(frame, filename)
    return frame


def _check_translations(frame: pd.DataFrame, filename: str) -> None:
    """Every Indonesian label is there and says whose wording it is."""
    for source in (c for c in frame.columns if c.endswith("_id_source")):
        label = source[: -len("_source")]
        for row, (text, origin) in enumerate(zip(frame[label], frame[source]), start=2):
            if origin not in TRANSLATION_SOURCES:
                raise ValueError(
                    f"{filename}, row {row}, column {source!r}: {origin!r} is not a "
                    f"translation source; expected one of {list(TRANSLATION_SOURCES)}"
                )
            if not text.strip():
                raise ValueError(
                    f"{filename}, row {row}, column {label!r}: the Indonesian label is "
                    f"empty; every CRF name needs one (Jakarta's or the project's)"
                )


@lru_cache(maxsize=None)
def _goals_table() -> pd.DataFrame:
    dims = _read("crf_dimensions.csv")[["dimension_id", "name_en"]].rename(
        columns={"name_en": "dimension_name_en"}
    )
    table = _read("crf_goals.csv").merge(
        dims, on="dimension_id", how="left", validate="many_to_one"
    )
    cols = list(table.columns)
    cols.remove("dimension_name_en")
    cols.insert(cols.index("dimension_id") + 1, "dimension_name_en")
    return table[cols]


@lru_cache(maxsize=None)
def _indicators_table() -> pd.DataFrame:
    short = _read("crf_goals.csv")[["goal_id", "short_name_en"]].rename(
        columns={"short_name_en": "goal_short_name_en"}
    )
    table = _read("crf_indicators.csv").merge(
        short, on="goal_id", how="left", validate="many_to_one"
    )
    cols = list(table.columns)
    cols.remove("goal_short_name_en")
    cols.insert(cols.index("goal_id") + 1, "goal_short_name_en")
    return table[cols]


@lru_cache(maxsize=None)
def _indicator_id_set() -> frozenset[str]:
    return frozenset(_read("crf_indicators.csv")["indicator_id"])


# ---------------------------------------------------------------------------
# Public tables
# ---------------------------------------------------------------------------


def dimensions() -> pd.DataFrame:
    """Return the 4 CRF dimensions.

    Returns
    -------
    pandas.DataFrame
        One row per dimension, in CRF order, with columns ``dimension_id``
        (``"D1"`` to ``"D4"``), ``name_en``, ``name_en_alt`` (an accepted
        alternative English name, e.g. "Infrastructure & Ecosystems" used by
        Arup's guide for D3; empty string otherwise), ``name_id`` (Indonesian)
        and ``name_id_source``.  A fresh copy on every call.

    Examples
    --------
    >>> from pra_lib import crf
    >>> crf.dimensions()["name_en"].tolist()
    ['Health & Wellbeing', 'Economy & Society', 'Infrastructure & Environment', 'Leadership & Strategy']
    """
    return _read("crf_dimensions.csv").copy()


def goals() -> pd.DataFrame:
    """Return the 12 CRF goals (100RC "drivers").

    Returns
    -------
    pandas.DataFrame
        One row per goal, in CRF order, with columns ``goal_id`` (``"G01"`` to
        ``"G12"``), ``goal_number`` (1 to 12), ``dimension_id``,
        ``dimension_name_en``, ``short_name_en`` (100RC driver name),
        ``long_name_en`` (City Resilience Index name), ``name_id`` (Indonesian:
        Jakarta's PRA wording or the project's), ``name_id_source``
        (``"jakarta_pra"`` or ``"project"``),
        ``short_name_confirmed`` and ``long_name_confirmed`` (booleans; ``False``
        where the method brief marks the name as unconfirmed).  A fresh copy on
        every call.

    Examples
    --------
    >>> from pra_lib import crf
    >>> g = crf.goals()
    >>> len(g), g.loc[0, "goal_id"], g.loc[0, "dimension_name_en"]
    (12, 'G01', 'Health & Wellbeing')
    >>> g.groupby("dimension_id").size().tolist()
    [3, 3, 3, 3]
    """
    return _goals_table().copy()


def indicators() -> pd.DataFrame:
    """Return the 52 CRF indicators.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, in CRF order, with columns ``indicator_id``
        (text ``"1.1"`` to ``"12.4"``), ``goal_id``, ``goal_short_name_en``,
        ``indicator_number`` (position within the goal), ``label_en``,
        ``label_id`` (Indonesian, the project's translation),
        ``label_id_source`` and ``confirmed`` (``False`` for 2.5, which the
        method brief marks unconfirmed).  A fresh copy on every call.

    Examples
    --------
    >>> from pra_lib import crf
    >>> ind = crf.indicators()
    >>> len(ind)
    52
    >>> ind.loc[ind["indicator_id"] == "10.1", "label_en"].item()
    'Appropriate government decision-making'
    """
    return _indicators_table().copy()


def qualities() -> pd.DataFrame:
    """Return the 7 qualities of resilient systems.

    Returns
    -------
    pandas.DataFrame
        One row per quality with columns ``quality_id`` (``"Q1"`` to ``"Q7"``:
        reflective, resourceful, robust, redundant, flexible, inclusive,
        integrated), ``name_en``, ``name_id`` and ``name_id_source``.  A fresh
        copy on every call.

    Examples
    --------
    >>> from pra_lib import crf
    >>> crf.qualities()["name_en"].tolist()[:3]
    ['Reflective', 'Resourceful', 'Robust']
    """
    return _read("crf_qualities.csv").copy()


# ---------------------------------------------------------------------------
# Identifier normalisation
# ---------------------------------------------------------------------------

_GOAL_TEXT = re.compile(r"^[Gg]?(\d{1,2})$")
_GOAL_FORMS = (
    "a goal id 'G01'..'G12' (also 'G1', 'g1'), a goal number 1..12 "
    "(int, whole float such as 1.0, or text such as '1' or '01')"
)


def normalise_goal_id(value: object) -> str:
    """Return the canonical goal id (``"G01"`` to ``"G12"``) for *value*.

    Parameters
    ----------
    value : str, int or float
        Accepted forms: ``"G01"``, ``"G1"``, ``"g1"`` (surrounding whitespace
        is ignored), the goal number as an integer (``1``), as a whole float
        (``1.0``) or as text (``"1"``, ``"01"``).

    Returns
    -------
    str
        The canonical id, e.g. ``"G01"``.

    Raises
    ------
    ValueError
        For anything else, including out-of-range numbers (0, 13, ``"G13"``),
        non-whole floats, booleans, ``None`` and NaN.  The message names the
        value and the expected forms.

    Examples
    --------
    >>> from pra_lib.assessment.crf import normalise_goal_id
    >>> normalise_goal_id("g1"), normalise_goal_id(12), normalise_goal_id(3.0)
    ('G01', 'G12', 'G03')
    """
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        as_float = float(value)
        if math.isfinite(as_float) and as_float.is_integer():
            number = int(as_float)
    elif isinstance(value, str):
        match = _GOAL_TEXT.match(value.strip())
        if match:
            number = int(match.group(1))
    if number is None or not 1 <= number <= 12:
        raise ValueError(f"Invalid CRF goal id {value!r}: expected {_GOAL_FORMS}.")
    return f"G{number:02d}"


def normalise_indicator_id(value: object) -> str:
    """Return the canonical CRF indicator id (``"1.1"`` to ``"12.4"``).

    Parameters
    ----------
    value : str
        An indicator id as text, e.g. ``"1.1"`` or ``" 10.1 "`` (surrounding
        whitespace is ignored).  Numbers are rejected: a float cannot tell
        ``1.1`` from ``1.10``, so ids must be kept as text.

    Returns
    -------
    str
        The canonical id, e.g. ``"10.1"``.

    Raises
    ------
    ValueError
        If *value* is not a string, or is not one of the 52 CRF indicator ids
        (e.g. ``"1.6"`` or ``"13.1"``).

    Examples
    --------
    >>> from pra_lib.assessment.crf import normalise_indicator_id
    >>> normalise_indicator_id(" 10.1 ")
    '10.1'
    """
    if not isinstance(value, str):
        if isinstance(value, numbers.Real) and not isinstance(
            value, (bool, numbers.Integral)
        ):
            raise ValueError(
                f"Invalid CRF indicator id {value!r}: floats are ambiguous "
                "(1.1 and 1.10 are the same float); pass the id as text, "
                "e.g. '1.1' or '10.1'."
            )
        raise ValueError(
            f"Invalid CRF indicator id {value!r}: expected text of the form "
            "'<goal>.<n>' such as '1.1' .. '12.4'."
        )
    text = value.strip()
    if text not in _indicator_id_set():
        raise ValueError(
            f"Unknown CRF indicator id {value!r}: expected one of the 52 ids "
            "'<goal>.<n>' from '1.1' to '12.4' (see crf.indicators())."
        )
    return text


# ---------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------


def goal_label(goal_id: object, *, lang: str = "en", form: str = "short") -> str:
    """Return the display label of a CRF goal.

    Parameters
    ----------
    goal_id : str, int or float
        Any form accepted by :func:`normalise_goal_id`.
    lang : {"en", "id"}
        English or Indonesian.
    form : {"short", "long"}
        For English, ``"short"`` gives the 100RC driver name and ``"long"``
        the City Resilience Index name.  Indonesian has a single name (the
        Jakarta PRA wording, or the project's where Jakarta gave none), so
        *form* is validated but otherwise ignored for ``lang="id"``.

    Returns
    -------
    str
        The label.

    Raises
    ------
    ValueError
        For an invalid goal id, *lang* or *form*.

    Examples
    --------
    >>> from pra_lib.assessment.crf import goal_label
    >>> goal_label("G01")
    'Meets basic needs'
    >>> goal_label(1, form="long")
    'Minimal human vulnerability'
    >>> goal_label("G01", lang="id")
    'Pemenuhan kebutuhan dasar'
    >>> goal_label("G03", lang="id")
    'Menjamin layanan kesehatan masyarakat'
    """
    if lang not in ("en", "id"):
        raise ValueError(f"Invalid lang {lang!r}: expected 'en' or 'id'.")
    if form not in ("short", "long"):
        raise ValueError(f"Invalid form {form!r}: expected 'short' or 'long'.")
    gid = normalise_goal_id(goal_id)
    row = _read("crf_goals.csv").set_index("goal_id").loc[gid]
    if lang == "id":
        return str(row["name_id"])
    return str(row["short_name_en"] if form == "short" else row["long_name_en"])
