"""Gaps of the actions inventory: goals or hazards with high need but few actions.

Gap score (see ``docs/methods.md``, section "Actions inventory and Phase II working groups"):
``gap = need_norm - coverage_norm`` with ``need_norm = (need - min) / (max - min)`` over the
goals (or hazards) that have a need, and ``coverage_norm = n_actions / max(n_actions)``.
The score runs from -1 (well covered, little need) to +1 (greatest need, no action). The
``k`` highest positive scores are flagged as gaps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..stats._base import NoDataWarning
from ._common import _ids, _warn


def need_from_scores(scores: pd.DataFrame, *, key: str = "goal_id", value: str = "mean", invert_from: float | None = 5.0) -> pd.DataFrame:
    """Turn a table of scores into the ``need`` table :func:`gaps` takes.

    Parameters
    ----------
    scores : pandas.DataFrame
        Any table with a ``key`` column and a numeric ``value`` column, for example the
        goal scores of :func:`pra_lib.perception.scores` (``goal_id``, ``mean``) or the
        compound risk of :func:`pra_lib.risk.compound_risk` (``hazard_id``, ``compound``).
        Suppressed values become NaN.
    key : str
        ``"goal_id"`` or ``"hazard_id"``.
    value : str
        The score column.
    invert_from : float or None
        For a performance score, where higher is *better*, need is
        ``invert_from - value`` (``5 - mean`` on the 1-5 scale: perception weakness).
        Pass ``None`` when the score already grows with need (a risk score).

    Returns
    -------
    pandas.DataFrame
        ``key`` and ``need``, one row per key.

    Examples
    --------
    >>> need_from_scores(pd.DataFrame({"goal_id": ["G01", "G02"], "mean": [2.5, 4.0]}))
      goal_id  need
    0     G01   2.5
    1     G02   1.0
    """
    for col in (key, value):
        if col not in scores:
            raise ValueError(f"need_from_scores: column {col!r} not in scores (columns: {', '.join(map(str, scores.columns))})")
    values = _num(scores[value])
    need = values if invert_from is None else float(invert_from) - values
    out = pd.DataFrame({key: _ids(scores[key]).to_numpy(), "need": need.to_numpy()})
    if out[key].duplicated().any():
        raise ValueError(f"need_from_scores: {key} values repeat; pass one row per {key} (filter out group rows first)")
    return out


def _minmax(values: pd.Series, *, constant: float) -> pd.Series:
    lo, hi = values.min(), values.max()
    if pd.isna(lo):
        return values
    if hi == lo:
        return values.where(values.isna(), constant)
    return (values - lo) / (hi - lo)


def gaps(coverage: pd.DataFrame, *, need: pd.DataFrame, need_column: str = "need", coverage_column: str = "n_actions", k: int | None = 3) -> pd.DataFrame:
    """Goals or hazards with high need but few actions: the gaps of the actions inventory.

    Parameters
    ----------
    coverage : pandas.DataFrame
        Output of :func:`coverage` (by goal or by hazard).
    need : pandas.DataFrame
        Keyed by ``goal_id`` (or ``hazard_id``, matching ``coverage``), with a need score in
        ``need_column`` where higher means more need: perception weakness (``5 - mean``
        performance, see :func:`need_from_scores`), a hazard's (compound) risk, or a count
        of weaknesses named in interviews. The caller computes it. Goals missing from
        ``need`` (or with NaN need) get no gap score.
    need_column : str
        The need column of ``need``.
    coverage_column : str
        The coverage measure of ``coverage``: ``"n_actions"`` (default) or, for example,
        ``"budget_known_idr"`` or ``"n_owner_agencies"``.
    k : int or None
        Flag the ``k`` highest positive gap scores as gaps (ties at the k-th score are all
        flagged); ``None`` flags every positive score.

    Returns
    -------
    pandas.DataFrame
        The key and label columns, ``coverage`` (the coverage measure), ``need``,
        ``need_norm`` (min-max over the keys with a need), ``coverage_norm`` (coverage over
        the best coverage), ``gap_score = need_norm - coverage_norm`` (from -1 to +1),
        ``gap_rank`` (1 = largest gap) and ``is_gap``, sorted by gap score (largest first;
        keys without need last).

        When every key has the same need, ``need_norm`` is 1 for all (a warning says the
        scores then rank by coverage alone); when no key has any coverage,
        ``coverage_norm`` is 0 for all (the scores rank by need alone).

    Examples
    --------
    >>> cov = pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "goal": ["a", "b", "c"],
    ...                     "n_actions": [10, 0, 5]})
    >>> need = pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "need": [1.0, 2.0, 3.0]})
    >>> gaps(cov, need=need, k=1)[["goal_id", "gap_score", "is_gap"]]
      goal_id  gap_score  is_gap
    0     G02        0.5    True
    1     G03        0.5    True
    2     G01       -1.0   False
    """
    key = "goal_id" if "goal_id" in coverage else "hazard_id" if "hazard_id" in coverage else None
    if key is None:
        raise ValueError("gaps: coverage must have a goal_id or hazard_id column (the output of actions.coverage)")
    if coverage_column not in coverage:
        raise ValueError(f"gaps: coverage column {coverage_column!r} not in coverage (columns: {', '.join(map(str, coverage.columns))})")
    if not isinstance(need, pd.DataFrame):
        raise ValueError(f"gaps: need must be a DataFrame keyed by {key}, got {type(need).__name__}")
    if key not in need and need.index.name == key:
        need = need.reset_index()
    for col in (key, need_column):
        if col not in need:
            raise ValueError(f"gaps: need must have columns {key!r} and {need_column!r} (columns: {', '.join(map(str, need.columns))})")
    if k is not None and (int(k) != k or k < 1):
        raise ValueError(f"gaps: k must be a positive integer or None, not {k!r}")
    need_values = pd.DataFrame({key: _ids(need[key]), "need": _num(need[need_column])}).dropna(subset=[key])
    if need_values[key].duplicated().any():
        raise ValueError(f"gaps: need has more than one row for {', '.join(sorted(need_values.loc[need_values[key].duplicated(), key].unique()))}")
    label = "goal" if key == "goal_id" else "hazard"
    cols = [c for c in (key, label, "hazard_type") if c in coverage]
    out = coverage[cols].copy()
    out["coverage"] = _num(coverage[coverage_column]).fillna(0.0).to_numpy()
    # An empty column has no strings to infer: ids are text either way, so the merge never refuses.
    out[key] = out[key].astype(object)
    need_values[key] = need_values[key].astype(object)
    out = out.merge(need_values, on=key, how="left")
    has_need = out["need"].notna()
    if not has_need.any():
        _warn("gaps: no goal or hazard has a need score; no gap can be scored", NoDataWarning)
    elif (~has_need).any():
        # NoDataWarning: the need is absent or withheld; the row shows no gap score
        _warn(f"gaps: no need score for {', '.join(out.loc[~has_need, key])}; they get no gap score", NoDataWarning)
    scored = out.loc[has_need, "need"]
    if has_need.sum() > 1 and scored.nunique() == 1:
        _warn("gaps: every goal or hazard has the same need; the gap score ranks by coverage alone")
    out["need_norm"] = _minmax(out["need"].where(has_need), constant=1.0)
    top = out["coverage"].max()
    out["coverage_norm"] = out["coverage"] / top if top > 0 else 0.0
    out["gap_score"] = (out["need_norm"] - out["coverage_norm"]).where(has_need)
    out["gap_rank"] = out["gap_score"].rank(ascending=False, method="min").astype("Int64")
    positive = out["gap_score"] > 0
    if k is None:
        out["is_gap"] = positive.fillna(False).astype(bool)
    else:
        out["is_gap"] = (positive & (out["gap_rank"] <= k)).fillna(False).astype(bool)
    order = out["gap_score"].fillna(-np.inf)
    out = out.iloc[np.lexsort((np.arange(len(out)), -order.to_numpy()))].reset_index(drop=True)
    return out[cols + ["coverage", "need", "need_norm", "coverage_norm", "gap_score", "gap_rank", "is_gap"]]
