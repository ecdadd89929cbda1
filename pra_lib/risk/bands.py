"""Risk bands: which band (low, medium, high, extreme) a risk score falls in.

The band colours are a figure concern and live in :mod:`pra_lib.risk.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN

# Upper bound (inclusive) of each band, in order. A score belongs to the first band whose
# bound it does not exceed, so the impossible products (11, 13, 17-19) and half-point
# medians (4.5 x 3 = 13.5) all map; the last band is open above, because compound risk
# can exceed 25.
DEFAULT_BANDS: dict[str, float] = {"low": 4, "medium": 10, "high": 16, "extreme": 25}
MAX_SCORE = 25  # the largest score on a 5 x 5 matrix; normalises scores to 0..1


def _check_bands(bands) -> tuple[list[str], np.ndarray]:
    items = list(bands.items()) if isinstance(bands, Mapping) else [tuple(b) for b in bands]
    if not items:
        raise ValueError("bands must name at least one band")
    names = [str(n) for n, _ in items]
    uppers = np.asarray([float(u) for _, u in items])
    if len(set(names)) != len(names):
        raise ValueError(f"band names must be distinct, got {names}")
    if np.isnan(uppers).any() or (np.diff(uppers) <= 0).any():
        raise ValueError(f"band upper bounds must increase strictly, got {dict(zip(names, uppers.tolist()))}")
    return names, uppers


def risk_band(score, *, bands=DEFAULT_BANDS):
    """The risk band of a score (or of each score in an array or Series).

    Parameters
    ----------
    score : float, array_like or Series
        Risk scores, normally likelihood x consequence (1..25). Missing scores give ``None``.
    bands : mapping or sequence of (name, upper bound)
        Ordered bands, each with its inclusive upper bound. A score belongs to the first
        band whose bound it does not exceed; the last band is open above. The default is
        low 1-4, medium 5-10, high 12-16, extreme 20-25; by upper bound, the gaps map up
        (11 is high, 17-19 extreme) and half-point medians map too (13.5 is high).

    Returns
    -------
    str or None, or an array / Series of them (same index).

    Raises
    ------
    ValueError
        For a negative score, or bands whose bounds do not increase.

    Examples
    --------
    >>> risk_band(25), risk_band(11), risk_band(4.5)
    ('extreme', 'high', 'medium')
    >>> risk_band([1, 12, np.nan]).tolist()
    ['low', 'high', None]
    """
    names, uppers = _check_bands(bands)
    scalar = np.ndim(score) == 0 and not isinstance(score, pd.Series)
    values = _num(score if isinstance(score, pd.Series) else np.atleast_1d(score)).to_numpy()
    if (values[~np.isnan(values)] < 0).any():
        raise ValueError(f"risk scores cannot be negative, got {values[values < 0][:3].tolist()}")
    idx = np.minimum(np.searchsorted(uppers, np.where(np.isnan(values), 0, values), side="left"), len(names) - 1)
    out = np.array([names[i] for i in idx], dtype=object)
    out[np.isnan(values)] = None
    if scalar:
        return out[0]
    if isinstance(score, pd.Series):
        return pd.Series(out, index=score.index, name="band", dtype=object)
    return out
