"""Personal data: pseudonymous respondent ids, and a last check before anything is written.

Indonesian law (Law 27/2022 on Personal Data Protection; Law 16/1997 on Statistics,
Article 21) requires respondent confidentiality. Columns the data model marks personal never
reach an output; respondent ids that do are replaced by a keyed hash.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..assessment.personal_data import PERSONAL_COLUMNS, PersonalDataError, check_no_personal_data

KEY_ENV = "PRA_PSEUDONYM_KEY"
KEY_FILE_ENV = "PRA_PSEUDONYM_KEY_FILE"

ID_COLUMNS = frozenset({"respondent_id"})


@lru_cache(maxsize=1)
def _run_key() -> bytes:
    return secrets.token_bytes(32)


def pseudonym_key() -> tuple[bytes, str]:
    """The pseudonymisation key and where it came from.

    Read from the environment variable ``PRA_PSEUDONYM_KEY``, or from the file named by
    ``PRA_PSEUDONYM_KEY_FILE``; without either, a random key for this process, so ids are
    stable within a run but cannot be linked across runs.
    """
    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV].encode("utf-8"), f"environment variable {KEY_ENV}"
    if os.environ.get(KEY_FILE_ENV):
        path = Path(os.environ[KEY_FILE_ENV])
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            raise PersonalDataError(f"cannot read the pseudonym key file {path} named by {KEY_FILE_ENV}: {exc}") from None
        if not key:
            raise PersonalDataError(f"the pseudonym key file {path} is empty")
        return key, f"file named by {KEY_FILE_ENV}"
    return _run_key(), "random key for this run"


def pseudonymise(ids: pd.Series, *, key: bytes | None = None, prefix: str = "R-") -> pd.Series:
    """Replace ids by a keyed hash (HMAC-SHA256, first 12 hex digits).

    Examples
    --------
    >>> s = pseudonymise(pd.Series(["Q0001", "Q0002"]), key=b"secret")
    >>> s.str.len().tolist()
    [14, 14]
    """
    key = key if key is not None else pseudonym_key()[0]
    mapping = {v: prefix + hmac.new(key, str(v).encode("utf-8"), hashlib.sha256).hexdigest()[:12] for v in pd.unique(ids.dropna())}
    return ids.map(mapping)


def publishable(data: pd.DataFrame, *, name: str) -> pd.DataFrame:
    """Pseudonymise id columns and refuse personal data; returns a copy."""
    out = data.copy()
    for col in ID_COLUMNS & set(map(str, out.columns)):
        out[col] = pseudonymise(out[col])
    check_no_personal_data(out, name=name)
    return out
