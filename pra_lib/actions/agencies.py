"""Short display names of the organisations (agencies) that own actions or sit in working groups."""

from __future__ import annotations

import re

import pandas as pd

from ._common import _ids

_ACRONYM = re.compile(r"\(([^()]{2,16})\)\s*$")


def agency_labels(agencies: pd.DataFrame) -> dict[str, str]:
    """Short display names of the organisations: the acronym in the name, else the name.

    ``"Badan Penanggulangan Bencana Daerah (BPBD)"`` becomes ``"BPBD"``; ``"Dinas Sosial"``
    stays as it is. An organisation with no name is shown by its id.

    Examples
    --------
    >>> agency_labels(pd.DataFrame({"agency_id": ["bpbd", "dinsos"],
    ...     "name": ["Badan Penanggulangan Bencana Daerah (BPBD)", "Dinas Sosial"]}))
    {'bpbd': 'BPBD', 'dinsos': 'Dinas Sosial'}
    """
    out: dict[str, str] = {}
    if agencies is None or agencies.empty:
        return out
    names = agencies["name"] if "name" in agencies else pd.Series(None, index=agencies.index)
    for agency_id, name in zip(_ids(agencies["agency_id"]), names):
        if agency_id is None:
            continue
        if not isinstance(name, str) or not name.strip():
            out[agency_id] = agency_id
            continue
        match = _ACRONYM.search(name)
        out[agency_id] = match.group(1).strip() if match else name.strip()
    return out
