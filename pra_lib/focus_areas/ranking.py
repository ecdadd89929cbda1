"""The nominal ranking of the focus areas (Handbook steps 5-7 and the league table).

:func:`rank_focus_areas` normalises, weights, aggregates and ranks the evidence matrix.
The mathematics is the statistics core's (:mod:`pra_lib.stats.composite`);
:func:`normalise` and :func:`aggregate` here apply it to the evidence columns, and
:func:`check_weights` is the core's. A tables module: no figures and no prose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..stats import composite
from ..stats.composite import AGGREGATIONS, NORMALISATIONS, check_weights, competition_rank, scale_for
from ._common import _check_choice, _evidence_columns, _id_frame, _values

__all__ = ["aggregate", "check_weights", "normalise", "rank_focus_areas"]


def normalise(
    matrix: pd.DataFrame,
    *,
    method: str = "minmax",
    columns: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
    goalposts: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Bring the evidence columns onto a common scale (Handbook step 5).

    :func:`pra_lib.stats.composite.normalise` (min-max, z-scores or ranks; see there for
    the formulas), with the evidence columns of :func:`evidence_matrix` as the default
    columns even when the matrix no longer records them (read back from a CSV file).

    Examples
    --------
    >>> m = pd.DataFrame({"focus_area_id": ["A", "B", "C"], "x": [2.0, 4.0, 10.0]})
    >>> normalise(m, columns=["x"])["x"].tolist()
    [0.0, 25.0, 100.0]
    """
    _check_choice("method", method, NORMALISATIONS)
    return composite.normalise(matrix, method=method, columns=_evidence_columns(matrix, columns), scale=scale, goalposts=goalposts)


def aggregate(
    normalised: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    method: str = "arithmetic",
    columns: Sequence[str] | None = None,
) -> pd.Series:
    """Combine the normalised evidence into one score per row (Handbook step 7).

    :func:`pra_lib.stats.composite.aggregate` (weighted arithmetic or geometric mean that
    skips missing values; see there for the formulas), with the evidence columns of
    :func:`evidence_matrix` as the default columns.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [0.6971], "b": [0.3447], "c": [0.5506]})
    >>> round(float(aggregate(t, columns=["a", "b", "c"], method="geometric").iloc[0]), 3)
    0.51
    """
    _check_choice("method", method, AGGREGATIONS)
    return composite.aggregate(normalised, weights=weights, method=method, columns=_evidence_columns(normalised, columns))


def rank_focus_areas(
    matrix: pd.DataFrame,
    *,
    normalisation: str = "minmax",
    aggregation: str = "arithmetic",
    weights: Mapping[str, float] | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Normalise, weight, aggregate and rank: the nominal ranking of the focus areas.

    For geometric aggregation the normalised values are made strictly positive as COINr
    does: min-max onto [1, 100] instead of [0, 100], z-scores with mean 10 and sd 2
    (negative only below -5 sd, which cannot happen with fewer than 27 rows); ranks
    already run from 1.

    Ties: tied scores share the best rank (competition ranking, "1, 2, 2, 4"), as a league
    table does. A focus area without any evidence gets no score and no rank.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`evidence_matrix` (or :func:`goal_evidence`).
    normalisation : {"minmax", "zscore", "rank"}
    aggregation : {"arithmetic", "geometric"}
    weights : dict, optional
        Per evidence column (validated by :func:`check_weights`); equal by default.
    columns : list of str, optional
        The evidence columns (default: ``matrix.attrs["evidence"]``).

    Returns
    -------
    pandas.DataFrame
        Best first: ``rank``, the identifying columns (``focus_area_id``, ``focus_area``,
        ``selected``), ``score``, ``n_evidence`` (evidence columns with a value and a
        positive weight), the normalised evidence columns (``norm_<column>``),
        ``normalisation`` and ``aggregation``. ``attrs["weights"]`` holds the weights.

    Examples
    --------
    >>> r = rank_focus_areas(evidence_matrix(load_assessment("data/sample")))  # doctest: +SKIP
    >>> r[["rank", "focus_area_id", "score"]].head(3)                          # doctest: +SKIP
    """
    _check_choice("normalisation", normalisation, NORMALISATIONS)
    _check_choice("aggregation", aggregation, AGGREGATIONS)
    cols = _evidence_columns(matrix, columns)
    w = check_weights(weights, cols)
    norm = composite.normalise(matrix, method=normalisation, columns=cols, scale=scale_for(normalisation, aggregation))
    score = composite.aggregate(norm, weights=w.to_dict(), method=aggregation, columns=cols)
    out = _id_frame(matrix)
    out.insert(0, "rank", pd.array(competition_rank(score.to_numpy()), dtype="Float64").astype("Int64"))
    out["score"] = score.to_numpy()
    V = _values(norm, cols)
    out["n_evidence"] = (~np.isnan(V) & (w.to_numpy() > 0)).sum(axis=1)
    for k, c in enumerate(cols):
        out[f"norm_{c}"] = V[:, k]
    out["normalisation"] = normalisation
    out["aggregation"] = aggregation
    order = np.lexsort((np.arange(len(out)), out["rank"].astype("Float64").fillna(np.inf).to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    out.attrs = {"weights": w.to_dict(), "evidence": cols, "normalisation": normalisation, "aggregation": aggregation}
    return out

