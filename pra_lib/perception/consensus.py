"""Consensus among questionnaire respondents: Tastle & Wierman's measure per goal and group.

Respondents to a questionnaire are not coders rating the same units, so Krippendorff's
alpha and its content-analysis thresholds do not fit them (alpha stays for workshop
tables and hazard raters, :func:`pra_lib.perception.agreement`). :func:`consensus` asks a
question that fits: how far do the people of a group give the same answer to a goal?
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..publishing.i18n import cell_label
from ..stats import likert_consensus
from ._common import ALL, _as_list, _round
from .scoring import likert_counts


def consensus(data: pd.DataFrame, *, by: str | None = "stakeholder_group", overall: bool = True) -> pd.DataFrame:
    """Tastle & Wierman's (2007) consensus of the answers to each goal, per group.

    ``Cns = 1 + sum_i p_i log2(1 - |X_i - mu| / 4)`` over the five answer categories
    (:func:`pra_lib.stats.likert_consensus`): 1 when everybody gives the same rating,
    0 when the answers split equally between 1 and 5, 0.43 for answers spread evenly.
    "Don't know" is left out. The measure describes the answers; it has no
    reliability thresholds.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect.
    by : str or None, default "stakeholder_group"
        Compute the consensus within each value of this column; ``None`` for all
        respondents only.
    overall : bool, default True
        With ``by``, add the rows of all respondents together (``by`` value ``"(all)"``).

    Returns
    -------
    pandas.DataFrame
        ``goal_id``, ``goal_label``, ``dimension_id``, ``dimension_label``, the ``by``
        column (with its label column where :func:`likert_counts` gives one), ``n``
        (respondents with a rating) and ``consensus`` (NaN where ``n`` is 0).

    Examples
    --------
    >>> consensus(survey, by="stakeholder_group").head()  # doctest: +SKIP
    """
    by_cols = _as_list(by)
    parts = [_one(data, by_cols)]
    if by_cols and overall:
        part = _one(data, [])
        part.insert(4, by_cols[0], ALL)
        if "group_label" in parts[0].columns:
            part.insert(5, "group_label", cell_label("perception.all_respondents"))
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    return _round(out)


def _one(data: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    counts = likert_counts(data, by=by or None)
    counts = counts[counts["category"] != "dont_know"]
    front = [c for c in counts.columns if c not in ("category", "category_label", "count", "share", "n")]
    wide = counts.pivot_table(index=front, columns="category", values="count", aggfunc="sum", observed=True, sort=False)
    wide = wide.reindex(columns=["1", "2", "3", "4", "5"], fill_value=0)
    table = wide.to_numpy(dtype=float)
    n = table.sum(axis=1)
    cns = np.full(n.size, np.nan)
    rated = n > 0
    if rated.any():
        cns[rated] = likert_consensus(table[rated])
    out = wide.index.to_frame(index=False)
    out["n"] = n.astype(int)
    out["consensus"] = cns
    # keep the order of likert_counts (goals, then groups)
    order = counts[front].drop_duplicates().reset_index(drop=True)
    return order.merge(out, on=front, how="left")
