"""Shock scores: how likely and how consequential each shock is, and how sure the ranking is.

Scoring follows the IEC 31010 consequence/likelihood matrix (method brief, section 4): each
rater gives a shock a likelihood and a consequence from 1 to 5; the shock's risk score is
the median likelihood times the median consequence, banded low / medium / high / extreme.
Raters' agreement (Krippendorff's alpha) and the bootstrap rank intervals over the raters
("how sure is flooding's first rank?") are here too, for stresses as well as shocks.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..stats._base import NoDataWarning
from ..stats.ordinal import descending_ranks, quartiles, weighted_medians
from ._common import _group_labels, _group_order, _matrix, _prepare, _warn
from .bands import DEFAULT_BANDS, _check_bands, risk_band

SCORE_METHODS = ("product_of_medians", "median_of_products")


_SHOCK_COLUMNS = [
    "hazard_id", "hazard", "n", "n_likelihood", "n_consequence",
    "likelihood", "likelihood_q1", "likelihood_q3", "likelihood_iqr",
    "consequence", "consequence_q1", "consequence_q3", "consequence_iqr",
    "score_product_of_medians", "score_median_of_products", "score", "band", "rank",
]


def _shock_table(frame, ids, names, *, bands, score_method, ties="average") -> pd.DataFrame:
    raters = sorted(frame["_rater"].unique().tolist()) if len(frame) else []
    like = _matrix(frame, "likelihood", raters, ids)
    cons = _matrix(frame, "consequence", raters, ids)
    ones = np.ones((1, len(raters)))
    med_l = weighted_medians(ones, like)[0] if ids else np.empty(0)
    med_c = weighted_medians(ones, cons)[0] if ids else np.empty(0)
    med_p = weighted_medians(ones, like * cons)[0] if ids else np.empty(0)
    q1_l, q3_l = quartiles(like)
    q1_c, q3_c = quartiles(cons)
    out = pd.DataFrame(
        {
            "hazard_id": ids,
            "hazard": [names.get(h, h) for h in ids],
            "n": (~np.isnan(like) | ~np.isnan(cons)).sum(axis=0).astype(int),
            "n_likelihood": (~np.isnan(like)).sum(axis=0).astype(int),
            "n_consequence": (~np.isnan(cons)).sum(axis=0).astype(int),
            "likelihood": med_l,
            "likelihood_q1": q1_l,
            "likelihood_q3": q3_l,
            "likelihood_iqr": q3_l - q1_l,
            "consequence": med_c,
            "consequence_q1": q1_c,
            "consequence_q3": q3_c,
            "consequence_iqr": q3_c - q1_c,
            "score_product_of_medians": med_l * med_c,
            "score_median_of_products": med_p,
        }
    )
    out["score"] = out[f"score_{score_method}"]
    out["band"] = risk_band(out["score"], bands=bands).to_numpy() if len(out) else pd.Series(dtype=object)
    out["rank"] = descending_ranks(out["score"].to_numpy(), ties)
    return out


def shock_scores(
    data,
    *,
    activity_id: str | None = None,
    hazards: pd.DataFrame | None = None,
    by: str | None = None,
    participants: pd.DataFrame | None = None,
    bands=DEFAULT_BANDS,
    score_method: str = "product_of_medians",
) -> pd.DataFrame:
    """Risk score of each shock from the raters' likelihood and consequence.

    Parameters
    ----------
    data : Assessment or DataFrame
        The assessment, or its ``hazard_ratings`` table.
    activity_id : str, optional
        Keep only the ratings of this workshop (for example ``"assets_shocks_workshop"``).
    hazards : DataFrame, optional
        The hazards table (names, and which hazards are shocks). Taken from ``data`` when it
        is an Assessment; without it, every hazard with a likelihood or consequence is a shock.
    by : str, optional
        Split the scores: ``"stakeholder_group"`` (joined from the participants on
        ``respondent_id``) or a column of the ratings such as ``"workshop_table"``. Ratings
        whose group is unknown form the group ``"not recorded"``.
    participants : DataFrame, optional
        Needed for ``by="stakeholder_group"`` when ``data`` is a DataFrame.
    bands : mapping
        Risk bands, see :func:`risk_band`.
    score_method : {"product_of_medians", "median_of_products"}
        Which of the two scores is ``score``. The default, median likelihood x median
        consequence, is the shock's position on the risk matrix, so the table and the
        figure agree; the median of each rater's own L x C is reported alongside.

    Returns
    -------
    DataFrame
        One row per shock (and group), highest score first: ``hazard_id``, ``hazard``,
        ``n`` (raters who rated it), ``n_likelihood``, ``n_consequence``, the median,
        quartiles (``_q1``, ``_q3``) and ``_iqr`` of ``likelihood`` and ``consequence``,
        ``score_product_of_medians``, ``score_median_of_products``, ``score``, ``band`` and
        ``rank`` (1 = highest risk; tied scores share the average rank). A shock nobody
        rated has ``n = 0`` and a missing score, with a :class:`RuntimeWarning`.

    Examples
    --------
    >>> scores = shock_scores(assessment, activity_id="assets_shocks_workshop")  # doctest: +SKIP
    >>> scores[["hazard", "score", "band"]].head(2)                             # doctest: +SKIP
                      hazard  score     band
    0               Flooding   25.0  extreme
    1   Tidal flooding (rob)   16.0     high
    """
    if score_method not in SCORE_METHODS:
        raise ValueError(f"score_method must be one of {SCORE_METHODS}, got {score_method!r}")
    _check_bands(bands)
    frame, ids, names = _prepare(data, hazard_type="shock", activity_id=activity_id, hazards=hazards, participants=participants, by=by)
    if by is None:
        out = _shock_table(frame, ids, names, bands=bands, score_method=score_method)
        unrated = out.loc[out["n"] == 0, "hazard"].tolist()
        if unrated and len(frame):
            _warn(f"nobody rated {len(unrated)} shock(s) ({', '.join(unrated)}); their scores are missing")
        elif not len(frame):
            _warn("there are no shock ratings to score", NoDataWarning)
        return out.sort_values(["rank", "hazard_id"], na_position="last", kind="stable").reset_index(drop=True)
    groups = _group_order(data, frame["_group"].unique().tolist()) if len(frame) else []
    parts = []
    for g in groups:
        part = _shock_table(frame[frame["_group"] == g], ids, names, bands=bands, score_method=score_method)
        part.insert(0, by, g)
        parts.append(part.sort_values(["rank", "hazard_id"], na_position="last", kind="stable"))
    if not parts:
        _warn("there are no shock ratings to score", NoDataWarning)
        return pd.DataFrame(columns=[by] + _SHOCK_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    labels = _group_labels(data)
    if by == "stakeholder_group" and labels:
        out.insert(1, "group_label", out[by].map(labels).fillna(out[by]))
    return out


# --------------------------------------------------------------------------- agreement


def _reading(alpha: float) -> str:
    # Krippendorff (2004, p. 241): rely on alpha >= .800; draw tentative conclusions from .667.
    if np.isnan(alpha):
        return "undefined"
    if alpha >= 0.8:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "low agreement"


def rater_agreement(
    data,
    *,
    hazard_type: str = "shock",
    activity_id: str | None = None,
    hazards: pd.DataFrame | None = None,
    hidden=None,
) -> pd.DataFrame:
    """How far the raters agree, as Krippendorff's ordinal alpha over the hazards.

    The reliability data are raters x units = participants x hazards: alpha asks whether the
    raters agree on which hazards are more likely, more consequential, or more severe.

    Parameters
    ----------
    data : Assessment or DataFrame
        The assessment, or its ``hazard_ratings`` table.
    hazard_type : {"shock", "stress"}
        Shocks give one row each for likelihood and consequence; stresses for severity and
        trend (trend is ordinal: improving < stable < worsening).
    activity_id, hazards
        As in :func:`shock_scores`.
    hidden : list of str or dict, optional
        The hazards whose ratings the report withholds: a list for every measure, or
        ``{measure: [hazard ids]}`` (:func:`withheld_by_measure` of the published score
        table). They are left out of that measure's alpha and counts, so no published
        statistic rests on their ratings: alpha over every hazard would move with a hidden
        one's, and ``n_ratings``, the sum of the hazards' raters, less the published
        hazards' would give its raters back.

    Returns
    -------
    DataFrame
        ``measure``, ``level`` ("ordinal"), ``alpha``, ``reading`` (reliable from 0.800,
        tentative from 0.667, else low agreement; Krippendorff 2004), ``n`` (raters),
        ``n_hazards`` and ``n_ratings``. Fewer than two raters give ``alpha = NaN`` with a
        warning.

    Examples
    --------
    >>> ratings = pd.DataFrame({"respondent_id": ["a", "a", "b", "b", "c", "c"], "hazard_id": ["H1", "H2"] * 3,
    ...                         "likelihood": [5, 2, 4, 2, 5, 1], "consequence": [4, 3, 5, 2, 4, 1]})
    >>> rater_agreement(ratings)[["measure", "n", "n_hazards", "n_ratings"]].values.tolist()
    [['likelihood', 3, 2, 6], ['consequence', 3, 2, 6]]
    >>> agreement = rater_agreement(ratings, hidden={"consequence": ["H2"]})
    >>> agreement[["measure", "n", "n_hazards", "n_ratings"]].values.tolist()
    [['likelihood', 3, 2, 6], ['consequence', 3, 1, 3]]
    """
    from ..stats import krippendorff_alpha

    if hazard_type not in ("shock", "stress"):
        raise ValueError(f"hazard_type must be 'shock' or 'stress', got {hazard_type!r}")
    frame, ids, _ = _prepare(data, hazard_type=hazard_type, activity_id=activity_id, hazards=hazards)
    measures = ["likelihood", "consequence"] if hazard_type == "shock" else ["severity", "trend"]
    raters = sorted(frame["_rater"].unique().tolist()) if len(frame) else []
    rows = []
    for measure in measures:
        withheld = hidden.get(measure, []) if isinstance(hidden, dict) else (hidden if hidden is not None else [])
        kept = ~np.isin(np.asarray(ids, dtype=object), [str(h) for h in withheld])
        grid = _matrix(frame, measure, raters, ids)[:, kept]
        observed = ~np.isnan(grid)
        n_raters = int(observed.any(axis=1).sum())
        if n_raters < 2 or observed.sum() == 0:
            _warn(f"agreement on {measure}: needs at least two raters, got {n_raters}; alpha is NaN")
            alpha = float("nan")
        else:
            alpha = krippendorff_alpha(grid[observed.any(axis=1)], level="ordinal")
        rows.append(
            {
                "measure": measure,
                "level": "ordinal",
                "alpha": alpha,
                "reading": _reading(alpha),
                "n": n_raters,
                "n_hazards": int(observed.any(axis=0).sum()),
                "n_ratings": int(observed.sum()),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- bootstrap ranks


def _boot(data, *, hazard_type, activity_id, hazards, n_resamples, seed, score_method):
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) or n_resamples < 1:
        raise ValueError(f"n_resamples must be a positive integer, got {n_resamples!r}")
    if hazard_type not in ("shock", "stress"):
        raise ValueError(f"hazard_type must be 'shock' or 'stress', got {hazard_type!r}")
    if score_method not in SCORE_METHODS:
        raise ValueError(f"score_method must be one of {SCORE_METHODS}, got {score_method!r}")
    frame, ids, names = _prepare(data, hazard_type=hazard_type, activity_id=activity_id, hazards=hazards)
    raters = sorted(frame["_rater"].unique().tolist()) if len(frame) else []
    n_raters = len(raters)
    rng = np.random.default_rng(seed)
    if n_raters == 0:
        weights = np.zeros((n_resamples, 0))
    else:
        # Resampling raters with replacement = drawing how often each is picked.
        weights = rng.multinomial(n_raters, np.full(n_raters, 1.0 / n_raters), size=n_resamples)
    ones = np.ones((1, n_raters))
    result = {"ids": ids, "names": names, "n_raters": n_raters}
    if hazard_type == "shock":
        like = _matrix(frame, "likelihood", raters, ids)
        cons = _matrix(frame, "consequence", raters, ids)
        result["n"] = (~np.isnan(like) | ~np.isnan(cons)).sum(axis=0)
        result["likelihood"] = weighted_medians(weights, like)
        result["consequence"] = weighted_medians(weights, cons)
        if score_method == "product_of_medians":
            result["score"] = result["likelihood"] * result["consequence"]
            result["observed"] = weighted_medians(ones, like)[0] * weighted_medians(ones, cons)[0]
        else:
            result["score"] = weighted_medians(weights, like * cons)
            result["observed"] = weighted_medians(ones, like * cons)[0]
    else:
        sev = _matrix(frame, "severity", raters, ids)
        result["n"] = (~np.isnan(sev)).sum(axis=0)
        result["severity"] = weighted_medians(weights, sev)
        result["score"] = result["severity"]
        result["observed"] = weighted_medians(ones, sev)[0]
    return result


def bootstrap_scores(
    data,
    *,
    hazard_type: str = "shock",
    activity_id: str | None = None,
    hazards: pd.DataFrame | None = None,
    n_resamples: int = 2000,
    seed: int = 2017,
    score_method: str = "product_of_medians",
) -> pd.DataFrame:
    """Scores recomputed on bootstrap resamples of the raters.

    Each resample draws as many raters as there are, with replacement (a seeded
    ``numpy.random.Generator``), keeping each rater's ratings of all hazards together.

    Returns
    -------
    DataFrame
        Long: ``resample``, ``hazard_id``, ``hazard``, then ``likelihood``,
        ``consequence`` and ``score`` (shocks) or ``severity`` and ``score`` (stresses).

    Examples
    --------
    >>> boot = bootstrap_scores(assessment, activity_id="assets_shocks_workshop", n_resamples=200)  # doctest: +SKIP
    """
    b = _boot(data, hazard_type=hazard_type, activity_id=activity_id, hazards=hazards, n_resamples=n_resamples, seed=seed, score_method=score_method)
    ids = b["ids"]
    out = pd.DataFrame(
        {
            "resample": np.repeat(np.arange(n_resamples), len(ids)),
            "hazard_id": np.tile(np.asarray(ids, dtype=object), n_resamples),
            "hazard": np.tile(np.asarray([b["names"].get(h, h) for h in ids], dtype=object), n_resamples),
        }
    )
    cols = ["likelihood", "consequence", "score"] if hazard_type == "shock" else ["severity", "score"]
    for col in cols:
        out[col] = b[col].ravel()
    return out


def rank_intervals(
    data,
    *,
    hazard_type: str = "shock",
    activity_id: str | None = None,
    hazards: pd.DataFrame | None = None,
    n_resamples: int = 2000,
    seed: int = 2017,
    ci: float = 0.95,
    ties: str = "average",
    score_method: str = "product_of_medians",
    hidden=None,
) -> pd.DataFrame:
    """How sure the ranking of hazards is: bootstrap rank intervals over the raters.

    The raters are resampled with replacement ``n_resamples`` times; in each resample every
    hazard's score (shocks: median likelihood x median consequence; stresses: median
    severity) is recomputed and the hazards are ranked, 1 = highest.

    Parameters
    ----------
    data : Assessment or DataFrame
        The assessment, or its ``hazard_ratings`` table.
    hazard_type : {"shock", "stress"}
    activity_id, hazards
        As in :func:`shock_scores`.
    n_resamples : int
        Number of bootstrap resamples.
    seed : int
        Seed of the random generator; the same seed gives the same result.
    ci : float
        Coverage of the rank interval (0.95 gives the 2.5th and 97.5th percentiles).
    ties : {"average", "min"}
        Rank of tied scores. ``"average"`` (default) gives two hazards tied for first the
        rank 1.5 each; ``"min"`` gives both rank 1.
    score_method : {"product_of_medians", "median_of_products"}
        As in :func:`shock_scores` (shocks only).
    hidden : list of str, optional
        Hazards the report does not score (:func:`hidden_hazards`: hidden, or their score
        withheld by :func:`withhold_hazard_scores`). They are left out of the ranking, in
        every resample as in the observed ranks, so a published rank, interval, share or
        ``tied_with`` counts and names published hazards only; their own rows keep ``n``
        and leave every outcome empty. The raters are resampled as without them, so the
        published hazards' scores in each resample do not change.

    Returns
    -------
    DataFrame
        Per hazard, best rank first: ``hazard_id``, ``hazard``, ``n`` (raters), ``score``
        (observed), ``rank`` (observed), ``rank_median``, ``rank_low``, ``rank_high`` (the
        interval: inverted-CDF percentiles of the best place a hazard shares in each
        resample for the low end and of the worst place for the high end, so a hazard tied
        with another shows the places the tie spans, [1, 2] for a two-way tie for first,
        not a point), ``share_first`` (share of resamples in which the hazard has the
        highest score; a tie for first is shared, so two hazards tied in every resample get
        0.5 each and the shares sum to 1), ``share_tied`` (share of resamples in which it
        shares its score with another hazard), ``tied_with`` (the hazards with the same
        observed score, empty when none) and ``n_resamples``.

    Examples
    --------
    >>> ranks = rank_intervals(assessment, activity_id="assets_shocks_workshop", seed=2017)  # doctest: +SKIP
    >>> ranks.loc[0, ["hazard", "share_first"]].tolist()                                     # doctest: +SKIP
    ['Flooding', 1.0]
    """
    if not 0 < float(ci) < 1:
        raise ValueError(f"ci must be strictly between 0 and 1, got {ci!r}")
    b = _boot(data, hazard_type=hazard_type, activity_id=activity_id, hazards=hazards, n_resamples=n_resamples, seed=seed, score_method=score_method)
    ids = b["ids"]
    away = np.isin(np.asarray(ids, dtype=object), [str(h) for h in (hidden if hidden is not None else [])])
    scores = np.where(away[None, :], np.nan, b["score"]) if len(ids) else b["score"]
    columns = ["hazard_id", "hazard", "n", "score", "rank", "rank_median", "rank_low", "rank_high", "share_first", "share_tied", "tied_with",
               "n_resamples"]
    if not ids:
        _warn("there are no hazards to rank", NoDataWarning)
        return pd.DataFrame(columns=columns)
    ranks = descending_ranks(scores, ties)
    best = descending_ranks(scores, "min")  # the best place a tie group holds
    worst = best + (descending_ranks(scores, "average") - best) * 2.0  # ... and its worst: min + (size - 1)
    top = np.nanmax(np.where(np.isnan(scores), -np.inf, scores), axis=1, keepdims=True)
    is_top = (scores == top) & ~np.isnan(scores)
    n_top = is_top.sum(axis=1, keepdims=True)
    share_first = np.where(n_top > 0, is_top / np.maximum(n_top, 1), 0.0).mean(axis=0)
    tail = (1.0 - float(ci)) / 2.0
    with warnings.catch_warnings():
        # A hazard never rated has an all-NaN column; it is named in the warning below.
        warnings.filterwarnings("ignore", message="All-NaN slice encountered")
        low = np.nanquantile(best, tail, axis=0, method="inverted_cdf")
        high = np.nanquantile(worst, 1.0 - tail, axis=0, method="inverted_cdf")
        median = np.nanmedian(ranks, axis=0)
    unrated = [b["names"].get(h, h) for h, n in zip(ids, b["n"]) if n == 0]
    if unrated and b["n_raters"]:
        _warn(f"nobody rated {', '.join(unrated)}; not ranked")
    valid = ~np.isnan(scores)
    same = (scores[:, :, None] == scores[:, None, :]) & valid[:, :, None] & valid[:, None, :]
    share_tied = ((same.sum(axis=2) - 1) > 0).mean(axis=0)
    observed = np.where(away, np.nan, np.asarray(b["observed"], dtype=float))
    share_first = np.where(away, np.nan, share_first)
    share_tied = np.where(away, np.nan, share_tied)
    names = [b["names"].get(h, h) for h in ids]
    tied_with = [", ".join(n for j, n in enumerate(names) if j != i and observed[j] == observed[i]) if not np.isnan(observed[i]) else ""
                 for i in range(len(ids))]
    out = pd.DataFrame(
        {
            "hazard_id": ids,
            "hazard": [b["names"].get(h, h) for h in ids],
            "n": np.asarray(b["n"], dtype=int),
            "score": observed,
            "rank": descending_ranks(observed, ties),
            "rank_median": median,
            "rank_low": low,
            "rank_high": high,
            "share_first": share_first,
            "share_tied": share_tied,
            "tied_with": tied_with,
            "n_resamples": int(n_resamples),
        }
    )
    return out.sort_values(["rank", "share_first", "hazard_id"], ascending=[True, False, True], na_position="last", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- group disclosure

#: The measures of a shock rating, and the columns of :func:`shock_scores` each one gives.
_MEASURE_COLUMNS = {m: [m, f"{m}_q1", f"{m}_q3", f"{m}_iqr"] for m in ("likelihood", "consequence")}
#: Columns computed from both measures: withheld with either.
_SCORE_COLUMNS = ["score_product_of_medians", "score_median_of_products", "score", "band", "rank"]


def _category(value: float) -> str:
    """A rater's rating as a category: "4", or "3.5" for the median of two ratings."""
    return f"{value:g}"


def rating_counts(
    data,
    *,
    activity_id: str | None = None,
    hazards: pd.DataFrame | None = None,
    by: str | None = None,
    participants: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How many raters gave each shock each likelihood and consequence (answers per category).

    The answers behind :func:`shock_scores`: one rater counts once per shock (a rater who
    rated it twice with the median of the two, which may be a half point such as 3.5).

    Parameters
    ----------
    data : Assessment or DataFrame
        The assessment, or its ``hazard_ratings`` table.
    activity_id, hazards, by, participants
        As in :func:`shock_scores`.

    Returns
    -------
    DataFrame
        One row per (group,) shock, measure and category: ``by`` (when given),
        ``hazard_id``, ``measure`` (``likelihood`` or ``consequence``), ``category``
        (``"1"`` .. ``"5"``, every one listed, and any half point given) and ``count``
        (raters).

    Examples
    --------
    >>> counts = rating_counts(assessment, activity_id="assets_shocks_workshop", by="stakeholder_group")  # doctest: +SKIP
    >>> counts.query("hazard_id == 'SH01' and measure == 'consequence'").tail(1)                       # doctest: +SKIP
         stakeholder_group hazard_id      measure category  count
    ...            private      SH01  consequence        5      8
    """
    frame, ids, _ = _prepare(data, hazard_type="shock", activity_id=activity_id, hazards=hazards, participants=participants, by=by)
    parts = [(None, frame)] if by is None else [(g, frame[frame["_group"] == g]) for g in (_group_order(data, frame["_group"].unique().tolist()) if len(frame) else [])]
    rows = []
    for g, part in parts:
        raters = sorted(part["_rater"].unique().tolist()) if len(part) else []
        for measure in _MEASURE_COLUMNS:
            grid = _matrix(part, measure, raters, ids)
            for j, hazard_id in enumerate(ids):
                values = grid[:, j][~np.isnan(grid[:, j])]
                seen = {_category(v) for v in values}
                # The five points always, so that a table of counts is a full grid.
                categories = sorted(seen | {"1", "2", "3", "4", "5"}, key=float)
                for c in categories:
                    row = {} if by is None else {by: g}
                    row.update(hazard_id=hazard_id, measure=measure, category=c, count=int(sum(_category(v) == c for v in values)))
                    rows.append(row)
    columns = ([] if by is None else [by]) + ["hazard_id", "measure", "category", "count"]
    return pd.DataFrame(rows, columns=columns)


def withheld_shock_groups(
    data,
    *,
    activity_id: str | None = None,
    by: str = "stakeholder_group",
    min_cell_size: int = 5,
    hazards: pd.DataFrame | None = None,
    participants: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Which groups' ratings of a shock are withheld: the group disclosure rule of 01, 03 and 07.

    A group whose members all, or all but fewer than ``min_cell_size``, gave a shock the
    same likelihood (or consequence), or rated it on the same side of the scale (1-2, 3,
    4-5), tells each member's rating through its median and quartiles: a median, first and
    third quartile of 5 for 8 raters say that at least 7 of them rated 5. The decision is
    :func:`pra_lib.publishing.score_disclosure.withheld_groups` on the true answers
    (:func:`rating_counts`), taken per measure, with the smallest other groups of the
    shock withheld too where the shock's scores over all raters would give the withheld
    ones away. Deciding on the true answers covers what the quartiles could pin down: they
    never say more than the answers themselves.

    Parameters
    ----------
    data : Assessment or DataFrame
        The assessment, or its ``hazard_ratings`` table.
    activity_id, hazards, participants
        As in :func:`shock_scores`.
    by : str
        The breakdown of the scores (``"stakeholder_group"``, ``"workshop_table"``).
    min_cell_size : int
        The run's threshold.

    Returns
    -------
    DataFrame
        One row per shock, group and measure: ``hazard_id``, ``by``, ``measure``, ``n``
        (raters), ``answers_withheld`` and ``withheld_as`` (``"primary"``: answered
        alike; ``"complementary"``: withheld to protect another; or empty), for
        :func:`withhold_shock_scores`.

    Examples
    --------
    >>> withheld = withheld_shock_groups(assessment, activity_id="assets_shocks_workshop", min_cell_size=5)  # doctest: +SKIP
    >>> withheld.query("hazard_id == 'SH01' and stakeholder_group == 'private'")["withheld_as"].tolist()  # doctest: +SKIP
    ['primary', 'primary']
    """
    from ..publishing.score_disclosure import withheld_groups

    counts = rating_counts(data, activity_id=activity_id, hazards=hazards, by=by, participants=participants)
    # 1-2 low, 3 middle, 4-5 high, as the shares of the score tables split a scale; a rater's
    # half point between two sides (2.5, 3.5) goes with the outer side.
    sides = {c: ("negative" if float(c) < 3 else "neutral" if float(c) == 3 else "positive") for c in counts["category"].unique()}
    parts = []
    for measure in _MEASURE_COLUMNS:
        answers = counts[counts["measure"] == measure].drop(columns="measure")
        decided = withheld_groups(answers, cells=["hazard_id", by], within=["hazard_id"], min_cell_size=min_cell_size, exclude=(), coarsening=sides)
        decided.insert(2, "measure", measure)
        parts.append(decided)
    return pd.concat(parts, ignore_index=True)


def withhold_shock_scores(scores: pd.DataFrame, withheld: pd.DataFrame, *, ties: str = "average") -> pd.DataFrame:
    """Withhold the scores of the groups :func:`withheld_shock_groups` withholds.

    A withheld measure's median, quartiles and IQR are emptied, and with either measure the
    scores, band and rank (each is computed from both). The group's ``n``'s stay published.
    A group's published shocks are ranked among themselves (1 .. m), and its withheld
    shocks follow them by hazard id: the row order and the gaps in the ranks would
    otherwise say where a withheld score stands.

    Parameters
    ----------
    scores : DataFrame
        :func:`shock_scores` with ``by``.
    withheld : DataFrame
        Output of :func:`withheld_shock_groups` for the same breakdown.
    ties : {"average", "min"}
        Rank of tied scores, as in :func:`shock_scores`.

    Returns
    -------
    DataFrame
        A copy with the withheld statistics missing (numeric columns stay numeric), a yes/no
        column ``answers_withheld`` (either measure withheld) and
        ``attrs["answers_withheld"]`` (``primary``, ``complementary`` or empty per row, for
        :func:`pra_lib.publishing.score_disclosure.withheld_text`). The input is not
        modified.

    Examples
    --------
    >>> s = pd.DataFrame({"stakeholder_group": "private", "hazard_id": ["SH01", "SH02"], "hazard": ["Flood", "Fire"],
    ...                   "n": 8, "likelihood": [5.0, 3.0], "consequence": [5.0, 3.0], "score": [25.0, 9.0], "rank": [1.0, 2.0]})
    >>> w = pd.DataFrame({"hazard_id": ["SH01", "SH02"] * 2, "stakeholder_group": "private",
    ...                   "measure": ["likelihood"] * 2 + ["consequence"] * 2, "n": 8,
    ...                   "answers_withheld": [False, False, True, False], "withheld_as": ["", "", "primary", ""]})
    >>> out = withhold_shock_scores(s, w)
    >>> out[["hazard_id", "likelihood", "consequence", "score", "rank", "answers_withheld"]].values.tolist()
    [['SH02', 3.0, 3.0, 9.0, 1.0, False], ['SH01', 5.0, nan, nan, nan, True]]
    """
    from ..publishing.score_disclosure import withhold_answers

    keys = [c for c in withheld.columns if c not in ("measure", "n", "answers_withheld", "withheld_as")]
    missing = [c for c in keys if c not in scores]
    if missing:
        raise KeyError(f"withhold_shock_scores: the groups are identified by {keys}, but {missing} is not in the scores (columns: {', '.join(map(str, scores.columns))})")
    out = scores.reset_index(drop=True).copy()
    for measure, columns in _MEASURE_COLUMNS.items():
        decision = withheld[withheld["measure"] == measure].drop(columns="measure")
        out = withhold_answers(out, decision, columns=[c for c in columns + _SCORE_COLUMNS if c in out])
    why = np.asarray(out.attrs.get("answers_withheld", [""] * len(out)), dtype=object)
    group = [k for k in keys if k != "hazard_id"]
    hidden = out["answers_withheld"].to_numpy(dtype=bool)
    if "rank" in out and "score" in out:
        # Published shocks ranked among themselves: no gap counts a withheld one above them.
        rank = np.full(len(out), np.nan)
        codes = out.groupby(group, sort=False, dropna=False).ngroup().to_numpy() if group else np.zeros(len(out), dtype=int)
        for code in np.unique(codes):
            index = np.flatnonzero(codes == code)
            shown = index[~hidden[index]]
            if len(shown):
                rank[shown] = descending_ranks(pd.to_numeric(out.loc[shown, "score"], errors="coerce").to_numpy(dtype=float), ties)
        out["rank"] = rank
    # Each group's published rows by rank, then its withheld ones by hazard id.
    position = pd.Series(np.arange(len(out)), index=out.index)
    first = position.groupby([out[c] for c in group], sort=False, dropna=False).transform("min") if group else position * 0
    order = pd.DataFrame({"first": first.to_numpy(), "hidden": hidden,
                          "rank": out["rank"].to_numpy(dtype=float) if "rank" in out else np.zeros(len(out)),
                          "hazard_id": np.where(hidden, out["hazard_id"].astype(str).to_numpy(), ""), "position": position.to_numpy()})
    order = order.sort_values(["first", "hidden", "rank", "hazard_id", "position"], na_position="last", kind="stable")
    out = out.iloc[order["position"].to_numpy()].reset_index(drop=True)
    out.attrs["answers_withheld"] = why[order["position"].to_numpy()].tolist()
    return out


# --------------------------------------------------------------------------- measures of few raters

#: Each measure of a hazard rating: its count of raters, and the columns computed from it alone.
_HAZARD_MEASURES = {
    "likelihood": ("n_likelihood", _MEASURE_COLUMNS["likelihood"]),
    "consequence": ("n_consequence", _MEASURE_COLUMNS["consequence"]),
    "severity": ("n_severity", ["severity", "severity_q1", "severity_q3", "severity_iqr"]),
    "trend": ("n_trend", ["trend", "trend_share", "share_worsening", "worsening"]),
}
#: Columns computed from a measure together with others (a shock's score from both of its
#: measures, a stress's rank from its severity): withheld with any of them.
_DERIVED_COLUMNS = {"likelihood": _SCORE_COLUMNS, "consequence": _SCORE_COLUMNS, "severity": ["rank"], "trend": []}


def _hazard_keys(frame: pd.DataFrame, keys: list[str]) -> list[tuple]:
    return list(zip(*(frame[k].astype(object).where(frame[k].notna(), None).map(lambda v: None if v is None else str(v)) for k in keys)))


def withhold_hazard_scores(
    data: pd.DataFrame,
    *,
    min_cell_size: int,
    hidden: pd.DataFrame | None = None,
    by: str | None = None,
    ties: str = "average",
    reorder: bool = True,
) -> pd.DataFrame:
    """Withhold what a hazard's few raters of one measure, or a hidden row, would give back.

    A shock's or stress's row may have many raters (``n``) and still few for one measure:
    60 people rated a shock but 2 gave its consequence, whose median and quartiles (2.5,
    2.25, 2.75) then give both ratings back (2 and 3). Where fewer than ``min_cell_size``
    raters gave a measure, its median, quartiles, IQR and shares are withheld, with what is
    computed from it: a shock's scores, band and rank; a stress's rank (from its severity)
    or its trend, trend share, share worsening and ``worsening``. The counts stay
    published. The rows the report hides (``hidden``) lose the same columns here, so no
    outcome of theirs reaches a table built from this one.

    The published scores are then ranked among themselves (1 .. m, within each group with
    ``by``): a rank counting a hidden or withheld hazard above it would say where that one
    stands. Each table (or group) lists its scored rows by rank, then the others by hazard
    id, whatever their scores.

    Parameters
    ----------
    data : DataFrame
        :func:`shock_scores` or :func:`pra_lib.risk.stress_scores` (also by a group, and
        after :func:`withhold_shock_scores`).
    min_cell_size : int
        The run's threshold.
    hidden : DataFrame, optional
        The same table as the report would publish it (``Report.protect``): its rows with
        ``suppressed`` true are hidden.
    by : str, optional
        The group column of a table by group.
    ties : {"average", "min"}
        Rank of tied scores.
    reorder : bool
        List the scored rows first, by rank, and the others after them by hazard id.
        ``False`` keeps the rows in their order (for a table whose hidden rows
        ``Report.table(hidden_last=...)`` moves, as :func:`publish_hazard_scores` does).

    Returns
    -------
    DataFrame
        A copy with the withheld values missing (numeric columns stay numeric) and
        ``attrs["measures_withheld"]``: per row, the measures withheld for having fewer
        than ``min_cell_size`` raters (``"consequence"``, or empty), for
        :func:`pra_lib.risk.findings.measures_withheld_text`. Other per-row ``attrs`` follow
        the rows. The input is not modified.

    Examples
    --------
    >>> s = pd.DataFrame({"hazard_id": ["SH01", "SH02", "SH03"], "hazard": ["Flood", "Fire", "Storm"], "n": [60, 60, 60],
    ...                   "n_likelihood": [60, 60, 60], "n_consequence": [60, 2, 60], "likelihood": [5.0, 4.0, 3.0],
    ...                   "consequence": [5.0, 2.5, 3.0], "score": [25.0, 10.0, 9.0], "band": ["extreme", "medium", "medium"],
    ...                   "rank": [1.0, 2.0, 3.0]})
    >>> protected = s.assign(suppressed=[True, False, False])
    >>> out = withhold_hazard_scores(s, min_cell_size=5, hidden=protected)
    >>> out[["hazard_id", "consequence", "score", "rank"]].values.tolist()
    [['SH03', 3.0, 9.0, 1.0], ['SH01', nan, nan, nan], ['SH02', nan, nan, nan]]
    >>> out.attrs["measures_withheld"]
    ['', '', 'consequence']
    """
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, (int, np.integer)) or min_cell_size < 1:
        raise ValueError(f"min_cell_size must be a whole number of at least 1, not {min_cell_size!r}")
    out = data.reset_index(drop=True).copy()
    keys = ["hazard_id"] + ([by] if by else [])
    missing = [k for k in keys if k not in out]
    if missing:
        raise KeyError(f"withhold_hazard_scores: {missing} not in the table (columns: {', '.join(map(str, out.columns))})")
    hid = np.zeros(len(out), dtype=bool)
    if hidden is not None and len(hidden):
        if "suppressed" not in hidden:
            raise KeyError("withhold_hazard_scores: hidden must be the protected table, with its 'suppressed' column")
        flags = dict(zip(_hazard_keys(hidden, keys), hidden["suppressed"].astype("boolean").fillna(False).astype(bool)))
        hid = np.array([flags.get(k, False) for k in _hazard_keys(out, keys)], dtype=bool)
    few = [[] for _ in range(len(out))]
    blank = {}
    for measure, (count, columns) in _HAZARD_MEASURES.items():
        if count not in out:
            continue
        n = pd.to_numeric(out[count], errors="coerce").fillna(0).to_numpy(dtype=float)
        small = (n > 0) & (n < min_cell_size) & ~hid
        for i in np.flatnonzero(small):
            few[i].append(measure)
        for col in columns + _DERIVED_COLUMNS[measure]:
            if col in out:
                blank[col] = blank.get(col, np.zeros(len(out), dtype=bool)) | small | hid
    for col, mask in blank.items():
        if mask.any():
            values = out[col]
            if pd.api.types.is_bool_dtype(values):
                values = values.astype("boolean")
            elif pd.api.types.is_integer_dtype(values):
                values = values.astype("Int64")
            out[col] = values.mask(pd.Series(mask, index=values.index))
    score = "score" if "score" in out else "severity" if "severity" in out else None
    if score is not None and "rank" in out:
        values = pd.to_numeric(out[score], errors="coerce").to_numpy(dtype=float)
        rank = np.full(len(out), np.nan)
        codes = out.groupby(by, sort=False, dropna=False).ngroup().to_numpy() if by else np.zeros(len(out), dtype=int)
        for code in np.unique(codes):
            index = np.flatnonzero((codes == code) & ~np.isnan(values) & ~hid)
            if len(index):
                rank[index] = descending_ranks(values[index], ties)
        out["rank"] = rank
    if not reorder:
        out.attrs["measures_withheld"] = [", ".join(w) for w in few]
        return out
    # Scored rows by rank (ties as they came, by the table's own order), then the rest by hazard id.
    position = np.arange(len(out))
    group_first = (pd.Series(position).groupby(out[by].to_numpy(), sort=False, dropna=False).transform("min").to_numpy() if by else np.zeros(len(out), dtype=int))
    ranked = out["rank"].to_numpy(dtype=float) if "rank" in out else np.zeros(len(out))
    unscored = np.isnan(ranked)
    order = pd.DataFrame({"first": group_first, "unscored": unscored, "rank": np.where(unscored, 0.0, ranked),
                          "hazard_id": np.where(unscored, out["hazard_id"].astype(str).to_numpy(), ""), "position": position})
    order = order.sort_values(["first", "unscored", "rank", "hazard_id", "position"], kind="stable")["position"].to_numpy()
    result = out.iloc[order].reset_index(drop=True)
    attrs = {k: ([v[i] for i in order] if isinstance(v, list) and len(v) == len(out) else v) for k, v in out.attrs.items()}
    attrs["measures_withheld"] = [", ".join(few[i]) for i in order]
    result.attrs = attrs
    return result


def hidden_hazards(data: pd.DataFrame, *, count: str | None = None) -> list[str]:
    """The hazards a published score table does not score (hidden, or their score withheld), or hides.

    Parameters
    ----------
    data : DataFrame
        A table from :func:`withhold_hazard_scores` (overall, not by group), or as the
        report published it.
    count : str, optional
        With a count column (``"n"``), only the rows whose count is hidden: the hazards
        whose raters a reader does not hold, for ``hidden`` of :func:`rater_agreement`.
        Without it, every row with no rank, for ``hidden`` of :func:`rank_intervals`.

    Returns
    -------
    list of str
        Their ids, sorted.

    Examples
    --------
    >>> t = pd.DataFrame({"hazard_id": ["SH01", "SH02", "SH03"], "n": [None, 60, 60], "rank": [None, None, 1.0]})
    >>> hidden_hazards(t), hidden_hazards(t, count="n")
    (['SH01', 'SH02'], ['SH01'])
    """
    column = count if count is not None else "rank"
    values = pd.to_numeric(data[column], errors="coerce") if column in data else pd.Series(np.nan, index=data.index)
    return sorted(data.loc[values.isna().to_numpy(), "hazard_id"].astype(str).unique().tolist())


def withheld_by_measure(data: pd.DataFrame) -> dict[str, list[str]]:
    """Per measure, the hazards whose statistic of it a published score table does not give.

    A hidden row, and a measure fewer than ``min_cell_size`` people gave
    (:func:`withhold_hazard_scores`), publish no median: for ``hidden`` of
    :func:`rater_agreement`, so that its alpha and counts leave their ratings out.

    Parameters
    ----------
    data : DataFrame
        A published :func:`shock_scores` or :func:`pra_lib.risk.stress_scores` table
        (overall, not by group).

    Returns
    -------
    dict
        ``{measure: sorted hazard ids}`` for each measure column of the table.

    Examples
    --------
    >>> t = pd.DataFrame({"hazard_id": ["SH01", "SH02"], "likelihood": [4.0, None], "consequence": [None, None]})
    >>> withheld_by_measure(t)
    {'likelihood': ['SH02'], 'consequence': ['SH01', 'SH02']}
    """
    out = {}
    for measure in ("likelihood", "consequence", "severity", "trend"):
        if measure in data:
            out[measure] = sorted(data.loc[data[measure].isna().to_numpy(), "hazard_id"].astype(str).unique().tolist())
    return out


def publish_hazard_scores(report, data: pd.DataFrame, name: str, *, by: str | None = None, ties: str = "average", **options) -> pd.DataFrame:
    """Publish a shock or stress score table with what its few raters and hidden rows would tell withheld.

    The report's dry run (``report.protect``) says which rows it hides;
    :func:`withhold_hazard_scores` withholds the measures fewer than the report's
    ``min_cell_size`` gave and every outcome of the hidden rows, and ranks the rest among
    themselves; ``report.table`` then publishes it. The reports that publish one table (04,
    05 and 08) call this, so they publish it alike.

    Parameters
    ----------
    report : Report
        The report publishing the table.
    data : DataFrame
        :func:`shock_scores` or :func:`pra_lib.risk.stress_scores` (by a group with ``by``).
    name : str
        The table's name.
    by, ties
        As in :func:`withhold_hazard_scores`.
    **options
        The options of ``report.table`` (``dims``, ``measure``, ``other_counts``...).

    Returns
    -------
    DataFrame
        The published table, with ``attrs["measures_withheld"]`` as
        :func:`withhold_hazard_scores` gives it.

    Examples
    --------
    >>> published = publish_hazard_scores(report, scores, "shock_scores", dims=["hazard_id"], measure="hazard_raters")  # doctest: +SKIP
    """
    return _hazard_scores_as_published(report, data, name, by=by, ties=ties, write=True, options=options)


def protect_hazard_scores(report, data: pd.DataFrame, name: str, *, by: str | None = None, ties: str = "average", **options) -> pd.DataFrame:
    """A shock or stress score table as :func:`publish_hazard_scores` publishes it, without writing it.

    For a report that builds on the scores another report of the run publishes: the focus
    areas' report (06) rates each hazard from the scores 04, 05 and 08 publish, so a hazard
    they hide, or a measure of few raters, gives no evidence there either. The table is
    protected by the same dry run (``report.protect``) with the same options; nothing is
    written or declared.

    Parameters
    ----------
    report : Report
        The report that builds on the table (its run's disclosure plan decides).
    data, name, by, ties, **options
        As in :func:`publish_hazard_scores` (the publishing report's name and options).

    Returns
    -------
    DataFrame
        The table as published: hidden counts and the withheld statistics missing, with
        ``suppressed``, ``suppression`` and ``attrs["measures_withheld"]``.

    Examples
    --------
    >>> shocks = protect_hazard_scores(report, shock_scores(data), "shock_scores", dims=["hazard_id"], measure="hazard_raters")  # doctest: +SKIP
    """
    return _hazard_scores_as_published(report, data, name, by=by, ties=ties, write=False, options=options)


def _hazard_scores_as_published(report, data: pd.DataFrame, name: str, *, by: str | None, ties: str, write: bool, options: dict) -> pd.DataFrame:
    # The measures of few raters first: their rows' places then tell nothing of their scores,
    # and the dry run and the table see one order, so they hide the same rows.
    ordered = withhold_hazard_scores(data, min_cell_size=report.min_cell_size, by=by, ties=ties)
    keys = ["hazard_id"] + ([by] if by else [])
    # The dry run sees the rows by hazard id, not by rank: a tie between two companions that
    # could protect a hidden row is then broken by id, so which one is hidden says nothing of
    # its score (by rank, the top-scored shock was always the one hidden).
    by_id = ordered.sort_values(keys[::-1], kind="stable").reset_index(drop=True)
    protected = report.protect(by_id, name, **options)
    withheld = withhold_hazard_scores(ordered, min_cell_size=report.min_cell_size, hidden=protected, by=by, ties=ties, reorder=False)
    flags = dict(zip(_hazard_keys(protected, keys), protected["suppressed"].astype("boolean").fillna(False).astype(bool)))
    hidden_with = [flags.get(k, False) for k in _hazard_keys(withheld, keys)]
    publish = report.table if write else report.protect
    published = publish(withheld, name, hidden_with=hidden_with, hidden_last=[by] if by else [], hidden_keys=["hazard_id"], **options)
    why = dict(zip(_hazard_keys(withheld, keys), withheld.attrs["measures_withheld"]))
    published.attrs["measures_withheld"] = [why.get(k, "") for k in _hazard_keys(published, keys)]
    return published


def publish_hazard_ranks(report, data: pd.DataFrame, name: str, *, scores: pd.DataFrame, **options) -> pd.DataFrame:
    """Publish :func:`rank_intervals` with the rows the published ``scores`` hide hidden, listed last.

    The ranks table counts the same raters as the scores table: it hides the same hazards
    (``hidden_with``), whatever its own row order would make its complementary choice, and
    lists them after the ranked ones by hazard id.

    Parameters
    ----------
    report : Report
        The report publishing the table.
    data : DataFrame
        :func:`rank_intervals`, with ``hidden=hidden_hazards(scores)``.
    name : str
        The table's name.
    scores : DataFrame
        The published score table (:func:`publish_hazard_scores`).
    **options
        The options of ``report.table``.

    Returns
    -------
    DataFrame
        The published table.

    Examples
    --------
    >>> ranks = publish_hazard_ranks(report, rank_intervals(assessment, hidden=hidden_hazards(scores)), "shock_ranks", scores=scores)  # doctest: +SKIP
    """
    gone = set(hidden_hazards(scores, count="n"))
    hidden_with = data["hazard_id"].astype(str).isin(gone).to_numpy()
    return report.table(data, name, hidden_with=hidden_with, hidden_last=[], hidden_keys=["hazard_id"], **options)
