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
from ._common import ANSWERS_WITHHELD, INTERVIEW_WITHHELD, SCORE_WITHHELD, _check_choice, _evidence_columns, _id_frame, _key, _mark_withheld, _values

__all__ = ["aggregate", "check_weights", "normalise", "rank_focus_areas", "withhold_interview_ranking"]


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



def withhold_interview_ranking(ranking: pd.DataFrame, *, evidence: pd.DataFrame, column: str = "interview_salience") -> pd.DataFrame:
    """A ranking as it may be published when some rows' interview evidence is withheld.

    The ranking is computed from the full evidence. Where the other rows' scores stay
    published, a row whose count is withheld has no published rank: its place between
    published scores would bound its score, and so its count (on the sample G12 at rank 6
    between G08's 48.17 and G01's 45.82 left its 6 statements two possible values). The
    published rows are then ranked among themselves (1 .. m, ties sharing the best rank)
    and the withheld rows follow them by id, so that neither a gap nor the row order
    places them. Where every score is withheld (below), the ranks stay: each compares
    composites of several measures whose interview scale is itself unknown. On the
    sample's focus areas (FA1, FA2, FA3, FA5, FA7 withheld) every (G03, G05, G12) with
    02's hidden total of 14 was tried: the ranks leave G03 eight values (0 .. 7), G05 and
    G12 all fifteen, wider than ``min_cell_size``. The numbers are not published either
    where they would give a withheld count back:

    * the normalised interview evidence (``norm_<column>``) and the score of each row
      whose count is withheld (the score less the row's other published normalised
      values is its normalised count, and so the count);
    * the normalised interview evidence and the score of **every** row when the
      normalisation would give a withheld value back through the published ones: with
      min-max, when the lowest or the highest value is held by withheld rows only (on
      the sample FA1's 34 statements are the maximum, and FA4's 11 at 32.35 gives back
      34); with z-scores (their mean and standard deviation give the withheld values' sum
      and sum of squares) and ranks (ties and gaps place a withheld value among the
      published ones), whenever any row is withheld.

    A goal (almost) everyone answered alike (``answers_withheld`` in ``evidence``, from
    :func:`pra_lib.focus_areas.published_goal_scores`) has no rank and no score either:
    its evidence counts as not rated, so its score rests on what is left of it, which
    would rank it among goals on other grounds. It follows the published rows, unranked,
    and the published rows are ranked 1 .. m among themselves.

    Parameters
    ----------
    ranking : DataFrame
        :func:`rank_focus_areas` of the full evidence.
    evidence : DataFrame
        The evidence as published (:func:`withhold_interview_evidence`), with
        ``interview_withheld``.
    column : str
        The evidence column computed from interview counts.

    Returns
    -------
    pandas.DataFrame
        A copy, published rows first by rank, then withheld rows by id; rows whose score
        is emptied flagged ``score_withheld``, and ``interview_withheld`` (whose own count
        is withheld, and rank with it).

    Examples
    --------
    >>> r = pd.DataFrame({"rank": [1, 2, 3], "goal_id": ["A", "B", "C"], "score": [90.0, 50.0, 10.0],
    ...                   "norm_interview_salience": [100.0, 40.0, 0.0], "normalisation": "minmax"})
    >>> e = pd.DataFrame({"goal_id": ["A", "B", "C"], "interview_withheld": [False, True, False]})
    >>> out = withhold_interview_ranking(r, evidence=e)
    >>> out[["goal_id", "rank", "score"]].values.tolist()
    [['A', 1, 90.0], ['C', 2, 10.0], ['B', <NA>, nan]]
    """
    key = _key(ranking)
    if key is None or key not in evidence:
        raise KeyError(f"ranking and evidence must share focus_area_id or goal_id (ranking: {', '.join(map(str, ranking.columns))})")
    if INTERVIEW_WITHHELD not in evidence:
        raise KeyError("evidence: no interview_withheld column; publish it through withhold_interview_evidence first")
    def flagged(name: str) -> np.ndarray:
        flags = evidence[name].astype(object).map(lambda v: v is True or str(v) == "True")
        return ranking[key].astype(str).isin(set(evidence.loc[flags.to_numpy(dtype=bool), key].astype(str))).to_numpy(dtype=bool)

    mine = flagged(INTERVIEW_WITHHELD)
    alike = flagged(ANSWERS_WITHHELD) if ANSWERS_WITHHELD in evidence else None
    out = ranking.copy()
    out[INTERVIEW_WITHHELD] = mine
    if alike is not None:
        out[ANSWERS_WITHHELD] = alike
    norm = f"norm_{column}"
    if not mine.any() or norm not in out:
        if alike is None or not alike.any():
            return out
        # no rank or score for a goal answered alike; the others ranked among themselves
        withheld_out = _rank_published_rows(_mark_withheld(out, alike, ["score"], flag=SCORE_WITHHELD), ranking, alike, key)
        withheld_out.attrs = dict(ranking.attrs)
        return withheld_out
    values = pd.to_numeric(out[norm], errors="coerce").to_numpy(dtype=float)
    method = str(out["normalisation"].iloc[0]) if "normalisation" in out and len(out) else ranking.attrs.get("normalisation", "")
    shown = values[~mine & ~np.isnan(values)]
    known = values[~np.isnan(values)]
    ends_shown = (len(shown) > 0 and np.isclose(shown, known.min()).any() and np.isclose(shown, known.max()).any())
    rows = mine if method == "minmax" and ends_shown else np.ones(len(out), dtype=bool)
    withheld_out = _mark_withheld(out, rows, [norm, "score"], flag=SCORE_WITHHELD)
    unranked = mine if (~rows).any() else np.zeros(len(out), dtype=bool)  # a withheld score between published ones: its rank would bound it
    if alike is not None and alike.any():
        withheld_out = _mark_withheld(withheld_out, alike, ["score"], flag=SCORE_WITHHELD)
        unranked = unranked | alike
    if unranked.any():
        withheld_out = _rank_published_rows(withheld_out, ranking, unranked, key)
    withheld_out.attrs = dict(ranking.attrs)
    return withheld_out


def _rank_published_rows(out: pd.DataFrame, ranking: pd.DataFrame, mine: np.ndarray, key: str) -> pd.DataFrame:
    """``out`` with the withheld rows' ranks empty and the others ranked among themselves.

    A withheld row's rank between two published scores narrows its count (on the sample
    G12 at 6 between G08 and G01 left its 6 statements two possible values), and a gap in
    the published ranks says where it stands: the published rows are ranked 1 .. m by the
    full scores, as the seminar and the shock scores do, and the withheld rows follow them
    by id.
    """
    score = pd.to_numeric(ranking["score"], errors="coerce").to_numpy(dtype=float)
    rank = np.full(len(out), np.nan)
    shown = ~mine & ~np.isnan(score)
    if shown.any():
        rank[shown] = competition_rank(score[shown])
    out = out.copy()
    out["rank"] = pd.array(rank, dtype="Float64").astype("Int64")
    ids = np.where(mine, out[key].astype(str).to_numpy(), "")
    order = np.lexsort((np.arange(len(out)), ids, np.where(np.isnan(rank), np.inf, rank), mine))
    return out.iloc[order].reset_index(drop=True)
