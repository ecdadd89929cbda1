"""Stress scores and compound risk: how severe each chronic stress is, and how it raises shock risk.

A stress has a median severity (1-5) and a most common trend; a shock's compound risk is its
own score raised by the stresses that amplify it (``compound = score x (1 + alpha x A)``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..stats._base import NoDataWarning
from ..stats.ordinal import descending_ranks, quartiles, weighted_medians
from ._common import TRENDS, _filter_activity, _group_labels, _group_order, _matrix, _prepare, _primary, _score_lookup, _warn
from .bands import DEFAULT_BANDS, risk_band

DEFAULT_ALPHA = 0.25  # compound risk: see compound_risk and docs/methods.md


_STRESS_COLUMNS = [
    "hazard_id", "hazard", "n", "n_severity", "severity", "severity_q1", "severity_q3", "severity_iqr",
    "n_trend", "trend", "trend_share", "share_worsening", "worsening", "rank",
]


def _stress_table(frame, ids, names, ties="average") -> pd.DataFrame:
    raters = sorted(frame["_rater"].unique().tolist()) if len(frame) else []
    sev = _matrix(frame, "severity", raters, ids)
    ones = np.ones((1, len(raters)))
    med = weighted_medians(ones, sev)[0] if ids else np.empty(0)
    q1, q3 = quartiles(sev)
    has_trend = frame["trend"].notna() if "trend" in frame else pd.Series(False, index=frame.index)
    trends = frame[has_trend].drop_duplicates(["_rater", "hazard_id"], keep="first")
    counts = trends.groupby(["hazard_id", "trend"]).size().unstack(fill_value=0) if len(trends) else pd.DataFrame()
    counts = counts.reindex(index=ids, columns=list(TRENDS), fill_value=0)
    n_trend = counts.sum(axis=1).to_numpy()
    top = counts.max(axis=1).to_numpy()
    n_top = (counts.to_numpy() == top[:, None]).sum(axis=1) if len(ids) else np.empty(0)
    modal = counts.idxmax(axis=1).to_numpy() if len(ids) else np.empty(0, dtype=object)
    # A tie for the most common trend is reported as "mixed", never broken silently.
    trend = np.where(n_trend == 0, None, np.where(n_top > 1, "mixed", modal))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_trend > 0, top / np.maximum(n_trend, 1), np.nan)
        worse = np.where(n_trend > 0, counts["worsening"].to_numpy() / np.maximum(n_trend, 1), np.nan)
    tr = _matrix(frame, "trend", raters, ids)
    out = pd.DataFrame(
        {
            "hazard_id": ids,
            "hazard": [names.get(h, h) for h in ids],
            "n": (~np.isnan(sev) | ~np.isnan(tr)).sum(axis=0).astype(int),
            "n_severity": (~np.isnan(sev)).sum(axis=0).astype(int),
            "severity": med,
            "severity_q1": q1,
            "severity_q3": q3,
            "severity_iqr": q3 - q1,
            "n_trend": n_trend.astype(int),
            "trend": trend,
            "trend_share": share,
            "share_worsening": worse,
            "worsening": trend == "worsening",
        }
    )
    out["rank"] = descending_ranks(out["severity"].to_numpy(), ties)
    return out


def stress_scores(
    data,
    *,
    activity_id: str | None = None,
    hazards: pd.DataFrame | None = None,
    by: str | None = None,
    participants: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Severity and trend of each stress.

    Parameters
    ----------
    data : Assessment or DataFrame
        The assessment, or its ``hazard_ratings`` table.
    activity_id : str, optional
        Keep only the ratings of this session (for example ``"stresses_session"``).
    hazards, by, participants
        As in :func:`shock_scores`.

    Returns
    -------
    DataFrame
        One row per stress, most severe first: ``hazard_id``, ``hazard``, ``n`` (raters
        who gave a severity or a trend), ``n_severity``, ``severity`` (median),
        ``severity_q1``, ``severity_q3``, ``severity_iqr``, ``n_trend``, ``trend`` (the
        most common trend; ``"mixed"`` when two trends tie), ``trend_share`` (its share),
        ``share_worsening``, ``worsening`` (the most common trend is *worsening*) and
        ``rank`` (1 = most severe, average ranks for ties).

    Examples
    --------
    >>> stress_scores(assessment, activity_id="stresses_session").iloc[0]["hazard"]  # doctest: +SKIP
    'Land subsidence'
    """
    frame, ids, names = _prepare(data, hazard_type="stress", activity_id=activity_id, hazards=hazards, participants=participants, by=by)
    order = ["rank", "share_worsening", "hazard_id"]
    if by is None:
        out = _stress_table(frame, ids, names)
        if not len(frame):
            _warn("there are no stress ratings to score", NoDataWarning)
        else:
            unrated = out.loc[out["n"] == 0, "hazard"].tolist()
            if unrated:
                _warn(f"nobody rated {len(unrated)} stress(es) ({', '.join(unrated)}); their severity is missing")
        return out.sort_values(order, ascending=[True, False, True], na_position="last", kind="stable").reset_index(drop=True)
    groups = _group_order(data, frame["_group"].unique().tolist()) if len(frame) else []
    parts = []
    for g in groups:
        part = _stress_table(frame[frame["_group"] == g], ids, names)
        part.insert(0, by, g)
        parts.append(part.sort_values(order, ascending=[True, False, True], na_position="last", kind="stable"))
    if not parts:
        _warn("there are no stress ratings to score", NoDataWarning)
        return pd.DataFrame(columns=[by] + _STRESS_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    labels = _group_labels(data)
    if by == "stakeholder_group" and labels:
        out.insert(1, "group_label", out[by].map(labels).fillna(out[by]))
    return out


# --------------------------------------------------------------------------- compound risk


def _links(amplifications, activity_id) -> pd.DataFrame:
    """Stress -> shock links; several rows for one link -> the median strength."""
    links = _primary(amplifications, "amplifications")
    links = _filter_activity(links, activity_id, "amplifications")
    if links.empty:
        return pd.DataFrame(columns=["stress_id", "shock_id", "strength"])
    links = links.assign(strength=_num(links["strength"].astype(object).where(links["strength"].notna())))
    links = links.dropna(subset=["stress_id", "shock_id", "strength"])
    return links.groupby(["stress_id", "shock_id"], sort=False, as_index=False)["strength"].median()


def _edges(shock_scores, stress_scores, amplifications, activity_id) -> pd.DataFrame:
    links = _links(amplifications, activity_id)
    severity = dict(zip(stress_scores["hazard_id"], _num(stress_scores["severity"]))) if stress_scores is not None and len(stress_scores) else {}
    stress_names = dict(zip(stress_scores["hazard_id"], stress_scores["hazard"])) if stress_scores is not None and len(stress_scores) else {}
    links["stress"] = links["stress_id"].map(lambda s: stress_names.get(s, s))
    links["severity"] = links["stress_id"].map(severity).astype(float)
    links["score"] = links["shock_id"].map(_score_lookup(shock_scores)).astype(float)
    # One link's push: strength and severity on 0..1 (strong = 3/3, severe = 5/5).
    links["amplification"] = links["strength"] / 3.0 * links["severity"] / 5.0
    return links


def compound_risk(
    shock_scores: pd.DataFrame,
    stress_scores: pd.DataFrame,
    amplifications,
    *,
    alpha: float = DEFAULT_ALPHA,
    activity_id: str | None = None,
    bands=DEFAULT_BANDS,
) -> pd.DataFrame:
    """Each shock's risk raised by the stresses that amplify it.

    ``compound = score x (1 + alpha x A)`` with ``A = sum over amplifying stresses of
    (strength / 3) x (severity / 5)``: each link adds ``alpha`` times its share of a
    strong link from a severe stress. With the default ``alpha = 0.25`` one strong link
    from a severe stress counts like raising a likelihood or consequence of 4 by one step
    (x 5/4). Compound scores may exceed 25; they rank shocks, they are not matrix positions.

    Parameters
    ----------
    shock_scores : DataFrame
        From :func:`shock_scores`.
    stress_scores : DataFrame
        From :func:`stress_scores` (its ``severity``). A linked stress nobody rated adds
        nothing, with a warning.
    amplifications : Assessment or DataFrame
        The stress -> shock links with their ``strength`` (1 weak .. 3 strong).
    alpha : float
        Weight of the amplification; ``0`` gives back the shocks' own scores.
    activity_id : str, optional
        Keep only the links recorded at this session.
    bands : mapping
        Risk bands, see :func:`risk_band` (the last band is open above).

    Returns
    -------
    DataFrame
        One row per shock, highest compound risk first: ``hazard_id``, ``hazard``, ``n``
        (shock raters), ``score``, ``band``, ``rank``, ``n_amplifiers``, ``amplifiers``
        (strongest push first), ``amplification`` (A), ``alpha``, ``compound``,
        ``compound_band``, ``compound_rank``, ``uplift`` (compound - score) and
        ``missing_amplifiers`` (linked stresses left out because their severity is
        missing or suppressed; empty when none), so the loss is named where the number is
        used.

    Examples
    --------
    >>> compound_risk(scores, stresses, assessment, alpha=0.25).iloc[0]["hazard"]  # doctest: +SKIP
    'Flooding'
    """
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
    columns = ["hazard_id", "hazard", "n", "score", "band", "rank", "n_amplifiers", "amplifiers", "amplification", "alpha",
               "compound", "compound_band", "compound_rank", "uplift", "missing_amplifiers"]
    if shock_scores is None or shock_scores.empty:
        _warn("there are no shock scores to compound", NoDataWarning)
        return pd.DataFrame(columns=columns)
    edges = _edges(shock_scores, stress_scores, amplifications, activity_id)
    missing = sorted(edges.loc[edges["severity"].isna(), "stress"].unique())
    if missing:
        # NoDataWarning: the ratings are absent or withheld, and missing_amplifiers names them in the table
        _warn(f"stress(es) {', '.join(missing)} amplify shocks but have no severity; they add nothing", NoDataWarning)
    out = shock_scores.reindex(columns=["hazard_id", "hazard", "n"]).copy()
    out["score"] = _num(shock_scores["score"]).to_numpy()
    out["band"] = risk_band(out["score"], bands=bands).to_numpy()
    out["rank"] = descending_ranks(out["score"].to_numpy(), "average")
    used = edges.dropna(subset=["amplification"]).sort_values(["amplification", "stress_id"], ascending=[False, True])
    per_shock = used.groupby("shock_id")
    out["n_amplifiers"] = out["hazard_id"].map(per_shock.size()).fillna(0).astype(int)
    names = per_shock["stress"].agg(lambda s: ", ".join(s)).to_dict()
    out["amplifiers"] = [names.get(h, "") for h in out["hazard_id"]]
    out["amplification"] = out["hazard_id"].map(per_shock["amplification"].sum()).fillna(0.0)
    out["alpha"] = alpha
    out["compound"] = out["score"] * (1.0 + alpha * out["amplification"])
    out["compound_band"] = risk_band(out["compound"], bands=bands).to_numpy()
    out["compound_rank"] = descending_ranks(out["compound"].to_numpy(), "average")
    out["uplift"] = out["compound"] - out["score"]
    lost = edges[edges["severity"].isna()].sort_values("stress_id").groupby("shock_id")["stress"].agg(lambda s: ", ".join(s)).to_dict()
    out["missing_amplifiers"] = [lost.get(h, "") for h in out["hazard_id"]]
    return out.sort_values(["compound_rank", "hazard_id"], na_position="last", kind="stable").reset_index(drop=True)[columns]


def compound_sensitivity(
    shock_scores: pd.DataFrame,
    stress_scores: pd.DataFrame,
    amplifications,
    *,
    alphas=(0.0, 0.25, 0.5, 1.0),
    alpha: float | None = None,
    activity_id: str | None = None,
) -> pd.DataFrame:
    """Compound risk and its ranking for several values of ``alpha``.

    Shows the reader how much the ranking rests on the choice of ``alpha``: ``0`` is the
    shocks' own risk, ``1`` lets one strong link from a severe stress double a shock's risk.
    ``alpha``, the value a report uses, is added to ``alphas`` when it is not among them.

    Returns
    -------
    DataFrame
        Wide, one row per shock (in own-risk order): ``hazard_id``, ``hazard``, ``n``,
        ``score``, then ``compound_rank_<alpha>`` and ``compound_<alpha>`` for each alpha.

    Examples
    --------
    >>> compound_sensitivity(scores, stresses, assessment)  # doctest: +SKIP
    """
    if shock_scores is None or shock_scores.empty:
        return pd.DataFrame(columns=["hazard_id", "hazard", "n", "score"])
    alphas = sorted({float(a) for a in alphas} | ({float(alpha)} if alpha is not None else set()))
    base = None
    for a in alphas:
        with warnings.catch_warnings():
            # The same missing severity for every alpha: compound_risk warns once, for the first.
            if base is not None:
                warnings.filterwarnings("ignore", message=".*amplify shocks but have no severity.*")
            res = compound_risk(shock_scores, stress_scores, amplifications, alpha=a, activity_id=activity_id)
        res = res.set_index("hazard_id")
        if base is None:
            base = res[["hazard", "n", "score", "rank"]].copy()
        base[f"compound_rank_{a:g}"] = res["compound_rank"]
        base[f"compound_{a:g}"] = res["compound"]
    return base.sort_values(["rank"], na_position="last", kind="stable").drop(columns="rank").reset_index()
