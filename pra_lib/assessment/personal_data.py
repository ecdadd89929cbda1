"""Personal data in the data model: which columns are personal, and what looks personal.

The data dictionary marks columns personal (names, phones, e-mails, NIK). The importers
refuse to put them where they do not belong, and publishing refuses any table that holds
them or a value that looks like one (:mod:`pra_lib.publishing.privacy`).
"""

from __future__ import annotations

import re

import pandas as pd

from .schema import TABLES

__all__ = ["PERSONAL_COLUMNS", "PersonalDataError", "check_no_personal_data"]

PERSONAL_COLUMNS = frozenset(c.name for t in TABLES for c in t.columns if c.personal)
# A column name that is personal in one table and not in another (``name``: a person's, an
# asset's) cannot tell on its own; only the unambiguous names are refused by name.
_REFUSED_NAMES = PERSONAL_COLUMNS - frozenset(c.name for t in TABLES for c in t.columns if not c.personal)

_PATTERNS = {
    "e-mail address": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "NIK (16-digit national id)": re.compile(r"(?<!\d)\d{16}(?!\d)"),
    "phone number": re.compile(r"(?:\+62[\s-]?|\b0)8\d[\d\s-]{6,13}\d\b"),
}


class PersonalDataError(ValueError):
    """Raised when a table about to be published holds personal data."""


def check_no_personal_data(data: pd.DataFrame, *, name: str) -> None:
    """Raise :class:`PersonalDataError` if a table holds personal columns or values that look personal."""
    personal = [c for c in data.columns if str(c) in _REFUSED_NAMES]
    if personal:
        raise PersonalDataError(f"table '{name}' has personal column(s) {', '.join(personal)}; they may not be published")
    text_columns = [c for c in data.columns if data[c].dtype == object or pd.api.types.is_string_dtype(data[c])]
    for col in text_columns:
        values = data[col].dropna()
        values = values[values.map(lambda v: isinstance(v, str))]  # numbers are not personal data
        for label, pattern in _PATTERNS.items():
            hit = values[values.str.contains(pattern)]
            if len(hit):
                raise PersonalDataError(f"table '{name}', column '{col}' holds what looks like a {label}; personal data may not be published")
