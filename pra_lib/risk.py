"""Assets, shocks and stresses: the PRA chapter *Kerentanan Aset dan Risikonya*.

Which shocks matter most, which city assets are exposed to them, and which chronic stresses
make them worse. The analyses are pure functions on an :class:`~pra_lib.assessment.loading.Assessment`
(or on its tables); the figure functions at the end of the module draw their results.

Scoring follows the IEC 31010 consequence/likelihood matrix (method brief, section 4): each
rater gives a shock a likelihood and a consequence from 1 to 5; the shock's risk score is
the median likelihood times the median consequence, banded low / medium / high / extreme.
Formulas, defaults and the reasons for them are in ``docs/methods.md`` (section "Assets,
shocks and stresses").

Raters are participants (``respondent_id``); a rating made by a whole workshop table (no
``respondent_id``) counts as one rater named after its table. A rater who rated the same
hazard twice is counted once, with the median of their ratings.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from .publishing.i18n import pick, plural, term
from .publishing.i18n import t as tr  # t names tables in this module

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_BANDS",
    "DEFAULT_CRITICAL",
    "DEFAULT_HIT",
    "MAX_SCORE",
    "SCORE_METHODS",
    "asset_exposure",
    "assets_without_risk_path",
    "bootstrap_scores",
    "compound_figure",
    "compound_risk",
    "compound_sensitivity",
    "exposure_by",
    "findings_shocks",
    "findings_stresses",
    "group_scores_figure",
    "impact_heatmap",
    "impact_matrix",
    "rank_interval_figure",
    "rank_intervals",
    "rater_agreement",
    "risk_band",
    "risk_matrix_figure",
    "shock_reach",
    "shock_scores",
    "stress_centrality",
    "stress_network",
    "stress_network_figure",
    "stress_scores",
    "stress_severity_figure",
]

# Upper bound (inclusive) of each band, in order. A score belongs to the first band whose
# bound it does not exceed, so the impossible products (11, 13, 17-19) and half-point
# medians (4.5 x 3 = 13.5) all map; the last band is open above, because compound risk
# can exceed 25.
DEFAULT_BANDS: dict[str, float] = {"low": 4, "medium": 10, "high": 16, "extreme": 25}
MAX_SCORE = 25  # the largest score on a 5 x 5 matrix; normalises scores to 0..1
DEFAULT_ALPHA = 0.25  # compound risk: see compound_risk and docs/methods.md
DEFAULT_CRITICAL = 4  # an asset with criticality >= 4 is critical
DEFAULT_HIT = 3  # a shock with impact >= 3 on an asset "hits" it
SCORE_METHODS = ("product_of_medians", "median_of_products")
TRENDS = ("improving", "stable", "worsening")  # ordinal order, for agreement
_TREND_CODE = {t: i for i, t in enumerate(TRENDS, start=1)}
BAND_COLOURS = {"low": "#9ccc65", "medium": "#ffe082", "high": "#ffb74d", "extreme": "#e57373"}
TREND_COLOURS = {"worsening": "#c62828", "stable": "#78909c", "improving": "#2e7d32", "mixed": "#b39ddb"}
LIKELIHOOD_LABELS = ("rare", "unlikely", "possible", "likely", "almost certain")
CONSEQUENCE_LABELS = ("insignificant", "minor", "moderate", "major", "catastrophic")
_NOT_RECORDED = "not recorded"


# --------------------------------------------------------------------------- helpers


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def _is_assessment(data) -> bool:
    return hasattr(data, "tables") and hasattr(data, "metadata")


def _primary(data, name: str) -> pd.DataFrame:
    """The table a function works on: from an Assessment, or the DataFrame itself."""
    if _is_assessment(data):
        return data.table(name)
    if isinstance(data, pd.DataFrame):
        return data
    raise TypeError(f"expected an Assessment or the {name} DataFrame, got {type(data).__name__}")


def _aux(data, name: str, given):
    """An auxiliary table: the one given, else the Assessment's, else None."""
    if given is not None:
        return given
    if _is_assessment(data):
        return data.table(name)
    return None


def _names(hazards: pd.DataFrame | None) -> dict[str, str]:
    if hazards is None or hazards.empty or "name_en" not in hazards:
        return {}
    local = hazards["name_id"] if "name_id" in hazards else [None] * len(hazards)
    return {h: (pick(n, i) if isinstance(n, str) and n else h) for h, n, i in zip(hazards["hazard_id"], hazards["name_en"], local)}


def _hazard_ids(hazards: pd.DataFrame | None, hazard_type: str, ratings: pd.DataFrame, columns: list[str]) -> list[str]:
    """The hazards of one type, in the hazards table's order (or as rated, when none is given)."""
    if hazards is not None and not hazards.empty and "hazard_type" in hazards:
        return [h for h, t in zip(hazards["hazard_id"], hazards["hazard_type"]) if t == hazard_type and isinstance(h, str)]
    if ratings.empty:
        return []
    present = [c for c in columns if c in ratings]
    rated = ratings[ratings[present].notna().any(axis=1)] if present else ratings.iloc[:0]
    return sorted(rated["hazard_id"].dropna().unique().tolist())


def _rater(ratings: pd.DataFrame) -> pd.Series:
    """Who rated: the participant, or the workshop table when the table rated together."""
    index = ratings.index
    person = ratings["respondent_id"] if "respondent_id" in ratings else pd.Series(None, index=index, dtype=object)
    table = ratings["workshop_table"] if "workshop_table" in ratings else pd.Series(None, index=index, dtype=object)
    table_key = "table " + table.astype(object).where(table.notna(), "?").astype(str)
    return person.astype(object).where(person.notna(), table_key)


def _filter_activity(frame: pd.DataFrame, activity_id: str | None, what: str) -> pd.DataFrame:
    if activity_id is None or frame.empty or "activity_id" not in frame:
        return frame
    out = frame[frame["activity_id"] == activity_id]
    if out.empty:
        known = ", ".join(sorted(frame["activity_id"].dropna().unique())) or "none"
        _warn(f"no {what} recorded for activity {activity_id!r} (activities with {what}: {known})")
    return out


def _matrix(frame: pd.DataFrame, column: str, raters: list, hazard_ids: list[str]) -> np.ndarray:
    """Raters x hazards array of one rating (NaN = not rated); duplicates -> the rater's median."""
    if frame.empty or column not in frame or not raters or not hazard_ids:
        return np.full((len(raters), len(hazard_ids)), np.nan)
    if column == "trend":
        values = frame[column].map(_TREND_CODE)
    else:
        values = _num(frame[column].astype(object).where(frame[column].notna()))
    grid = frame.assign(_v=values.to_numpy()).groupby(["_rater", "hazard_id"])["_v"].median().unstack()
    return grid.reindex(index=raters, columns=hazard_ids).to_numpy(dtype=float)


def _weighted_medians(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Median of each column of ``values`` (raters x hazards, NaN missing) under rater weights.

    ``weights`` (resamples x raters) holds how often each rater is drawn. The ratings take a
    few distinct values, so the medians come from weighted category counts, which costs
    resamples x hazards x categories and never builds a resamples x raters x hazards array.
    The median of an even count averages the two middle values, as ``numpy.median`` does.
    """
    n_boot = weights.shape[0]
    n_haz = values.shape[1]
    out = np.full((n_boot, n_haz), np.nan)
    ok = ~np.isnan(values)
    if not ok.any():
        return out
    domain = np.unique(values[ok])
    k = domain.size
    codes = np.searchsorted(domain, np.where(ok, values, domain[0]))
    onehot = np.zeros((values.shape[0], n_haz, k))
    r_idx, h_idx = np.nonzero(ok)
    onehot[r_idx, h_idx, codes[r_idx, h_idx]] = 1.0
    onehot = onehot.reshape(values.shape[0], n_haz * k)
    chunk = max(1, 4_000_000 // max(n_haz * k, 1))
    for start in range(0, n_boot, chunk):
        w = weights[start:start + chunk].astype(float)
        counts = (w @ onehot).reshape(w.shape[0], n_haz, k)
        cum = np.cumsum(counts, axis=2)
        n = cum[:, :, -1]
        lo = np.floor((n - 1) / 2)
        hi = np.floor(n / 2)
        k_lo = np.minimum((cum <= lo[..., None]).sum(axis=2), k - 1)
        k_hi = np.minimum((cum <= hi[..., None]).sum(axis=2), k - 1)
        med = (domain[k_lo] + domain[k_hi]) / 2.0
        out[start:start + chunk] = np.where(n > 0, med, np.nan)
    return out


def _quartiles(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and third quartiles per column (numpy's default linear interpolation)."""
    if values.size == 0:
        empty = np.full(values.shape[1], np.nan)
        return empty, empty.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: unrated hazards
        q1, q3 = np.nanquantile(values, [0.25, 0.75], axis=0)
    return q1, q3


def _rank_desc(scores: np.ndarray, ties: str) -> np.ndarray:
    """Rank 1 = highest score, along the last axis; NaN scores get NaN ranks."""
    from scipy.stats import rankdata

    if ties not in ("average", "min"):
        raise ValueError(f"ties must be 'average' or 'min', got {ties!r}")
    scores = np.asarray(scores, dtype=float)
    if scores.size == 0:
        return scores.copy()
    if np.isnan(scores).all():
        return np.full(scores.shape, np.nan)
    return rankdata(-scores, method=ties, axis=-1, nan_policy="omit").astype(float)


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


def _band_colours(bands) -> dict[str, str]:
    names, _ = _check_bands(bands)
    if all(n in BAND_COLOURS for n in names):
        return {n: BAND_COLOURS[n] for n in names}
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["RdYlGn_r"]
    return {n: to_hex(cmap(0.15 + 0.7 * i / max(len(names) - 1, 1))) for i, n in enumerate(names)}


# --------------------------------------------------------------------------- bands


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


# --------------------------------------------------------------------------- preparing ratings


def _prepare(data, *, hazard_type: str, activity_id, hazards, participants=None, by=None):
    """Ratings of one hazard type, with a ``_rater`` column, and the hazards to report."""
    ratings = _primary(data, "hazard_ratings")
    hazards = _aux(data, "hazards", hazards)
    columns = ["likelihood", "consequence"] if hazard_type == "shock" else ["severity", "trend"]
    what = "shock ratings" if hazard_type == "shock" else "stress ratings"
    if "hazard_id" not in ratings:
        raise ValueError(f"hazard ratings need a 'hazard_id' column (columns: {', '.join(map(str, ratings.columns))})")
    frame = _filter_activity(ratings, activity_id, what)
    ids = _hazard_ids(hazards, hazard_type, frame, columns)
    frame = frame[frame["hazard_id"].isin(ids)].copy()
    present = [c for c in columns if c in frame]
    frame = frame[frame[present].notna().any(axis=1)] if present else frame.iloc[:0]
    frame["_rater"] = _rater(frame) if len(frame) else pd.Series(dtype=object)
    if by is not None:
        frame["_group"] = _groups(data, frame, by, participants)
    return frame, ids, _names(hazards)


def _groups(data, frame: pd.DataFrame, by: str, participants) -> pd.Series:
    if by in frame and by != "stakeholder_group":
        return frame[by].astype(object).where(frame[by].notna(), _NOT_RECORDED)
    if by == "stakeholder_group":
        people = _aux(data, "participants", participants)
        if people is None:
            raise ValueError("splitting by stakeholder_group needs the participants table (pass participants=)")
        group_of = dict(zip(people["respondent_id"], people["stakeholder_group"]))
        person = frame["respondent_id"] if "respondent_id" in frame else pd.Series(None, index=frame.index)
        return person.map(group_of).astype(object).where(lambda s: s.notna(), _NOT_RECORDED)
    raise ValueError(f"cannot split by {by!r}: it is neither 'stakeholder_group' nor a column of the ratings")


def _group_order(data, groups: list) -> list:
    order = []
    if _is_assessment(data):
        order = [g for g in data.metadata.stakeholder_groups["stakeholder_group"] if g in groups]
    rest = sorted(g for g in groups if g not in order and g != _NOT_RECORDED)
    return order + rest + ([_NOT_RECORDED] if _NOT_RECORDED in groups else [])


def _group_labels(data) -> dict[str, str]:
    if not _is_assessment(data):
        return {}
    from .overview import group_labels

    return group_labels(data.metadata)


# --------------------------------------------------------------------------- shock scores


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
    med_l = _weighted_medians(ones, like)[0] if ids else np.empty(0)
    med_c = _weighted_medians(ones, cons)[0] if ids else np.empty(0)
    med_p = _weighted_medians(ones, like * cons)[0] if ids else np.empty(0)
    q1_l, q3_l = _quartiles(like)
    q1_c, q3_c = _quartiles(cons)
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
    out["rank"] = _rank_desc(out["score"].to_numpy(), ties)
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
            _warn("there are no shock ratings to score")
        return out.sort_values(["rank", "hazard_id"], na_position="last", kind="stable").reset_index(drop=True)
    groups = _group_order(data, frame["_group"].unique().tolist()) if len(frame) else []
    parts = []
    for g in groups:
        part = _shock_table(frame[frame["_group"] == g], ids, names, bands=bands, score_method=score_method)
        part.insert(0, by, g)
        parts.append(part.sort_values(["rank", "hazard_id"], na_position="last", kind="stable"))
    if not parts:
        _warn("there are no shock ratings to score")
        return pd.DataFrame(columns=[by] + _SHOCK_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    labels = _group_labels(data)
    if by == "stakeholder_group" and labels:
        out.insert(1, "group_label", out[by].map(labels).fillna(out[by]))
    return out


# --------------------------------------------------------------------------- stress scores


_STRESS_COLUMNS = [
    "hazard_id", "hazard", "n", "n_severity", "severity", "severity_q1", "severity_q3", "severity_iqr",
    "n_trend", "trend", "trend_share", "share_worsening", "worsening", "rank",
]


def _stress_table(frame, ids, names, ties="average") -> pd.DataFrame:
    raters = sorted(frame["_rater"].unique().tolist()) if len(frame) else []
    sev = _matrix(frame, "severity", raters, ids)
    ones = np.ones((1, len(raters)))
    med = _weighted_medians(ones, sev)[0] if ids else np.empty(0)
    q1, q3 = _quartiles(sev)
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
    out["rank"] = _rank_desc(out["severity"].to_numpy(), ties)
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
            _warn("there are no stress ratings to score")
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
        _warn("there are no stress ratings to score")
        return pd.DataFrame(columns=[by] + _STRESS_COLUMNS)
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

    Returns
    -------
    DataFrame
        ``measure``, ``level`` ("ordinal"), ``alpha``, ``reading`` (reliable from 0.800,
        tentative from 0.667, else low agreement; Krippendorff 2004), ``n`` (raters),
        ``n_hazards`` and ``n_ratings``. Fewer than two raters give ``alpha = NaN`` with a
        warning.

    Examples
    --------
    >>> rater_agreement(assessment, activity_id="assets_shocks_workshop")  # doctest: +SKIP
    """
    from .stats.core import krippendorff_alpha

    if hazard_type not in ("shock", "stress"):
        raise ValueError(f"hazard_type must be 'shock' or 'stress', got {hazard_type!r}")
    frame, ids, _ = _prepare(data, hazard_type=hazard_type, activity_id=activity_id, hazards=hazards)
    measures = ["likelihood", "consequence"] if hazard_type == "shock" else ["severity", "trend"]
    raters = sorted(frame["_rater"].unique().tolist()) if len(frame) else []
    rows = []
    for measure in measures:
        grid = _matrix(frame, measure, raters, ids)
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
        result["likelihood"] = _weighted_medians(weights, like)
        result["consequence"] = _weighted_medians(weights, cons)
        if score_method == "product_of_medians":
            result["score"] = result["likelihood"] * result["consequence"]
            result["observed"] = _weighted_medians(ones, like)[0] * _weighted_medians(ones, cons)[0]
        else:
            result["score"] = _weighted_medians(weights, like * cons)
            result["observed"] = _weighted_medians(ones, like * cons)[0]
    else:
        sev = _matrix(frame, "severity", raters, ids)
        result["n"] = (~np.isnan(sev)).sum(axis=0)
        result["severity"] = _weighted_medians(weights, sev)
        result["score"] = result["severity"]
        result["observed"] = _weighted_medians(ones, sev)[0]
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

    Returns
    -------
    DataFrame
        Per hazard, best rank first: ``hazard_id``, ``hazard``, ``n`` (raters), ``score``
        (observed), ``rank`` (observed), ``rank_median``, ``rank_low``, ``rank_high`` (the
        interval, as observed ranks: inverted-CDF percentiles), ``share_first`` (share of
        resamples in which the hazard has the highest score; a tie for first is shared, so
        two hazards tied in every resample get 0.5 each and the shares sum to 1) and
        ``n_resamples``.

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
    scores = b["score"]
    columns = ["hazard_id", "hazard", "n", "score", "rank", "rank_median", "rank_low", "rank_high", "share_first", "n_resamples"]
    if not ids:
        _warn("there are no hazards to rank")
        return pd.DataFrame(columns=columns)
    ranks = _rank_desc(scores, ties)
    top = np.nanmax(np.where(np.isnan(scores), -np.inf, scores), axis=1, keepdims=True)
    is_top = (scores == top) & ~np.isnan(scores)
    n_top = is_top.sum(axis=1, keepdims=True)
    share_first = np.where(n_top > 0, is_top / np.maximum(n_top, 1), 0.0).mean(axis=0)
    tail = (1.0 - float(ci)) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a hazard never rated: all-NaN column
        low = np.nanquantile(ranks, tail, axis=0, method="inverted_cdf")
        high = np.nanquantile(ranks, 1.0 - tail, axis=0, method="inverted_cdf")
        median = np.nanmedian(ranks, axis=0)
    unrated = [b["names"].get(h, h) for h, n in zip(ids, b["n"]) if n == 0]
    if unrated and b["n_raters"]:
        _warn(f"nobody rated {', '.join(unrated)}; not ranked")
    out = pd.DataFrame(
        {
            "hazard_id": ids,
            "hazard": [b["names"].get(h, h) for h in ids],
            "n": np.asarray(b["n"], dtype=int),
            "score": b["observed"],
            "rank": _rank_desc(b["observed"], ties),
            "rank_median": median,
            "rank_low": low,
            "rank_high": high,
            "share_first": share_first,
            "n_resamples": int(n_resamples),
        }
    )
    return out.sort_values(["rank", "share_first", "hazard_id"], ascending=[True, False, True], na_position="last", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- assets


def impact_matrix(
    data,
    *,
    activity_id: str | None = None,
    assets: pd.DataFrame | None = None,
    hazards: pd.DataFrame | None = None,
    areas: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The asset x shock impact matrix, long: every asset with every shock.

    Parameters
    ----------
    data : Assessment or DataFrame
        The assessment, or its ``asset_impacts`` table.
    activity_id : str, optional
        Keep only the impacts rated at this workshop.
    assets, hazards, areas : DataFrame, optional
        The assets and hazards tables and the metadata's areas (for area names); taken
        from ``data`` when it is an Assessment.

    Returns
    -------
    DataFrame
        ``asset_id``, ``asset``, ``category``, ``area``, ``area_name``, ``criticality``,
        ``shock_id``, ``shock``, ``impact`` (0 none .. 5 loss of function; the median when
        several tables rated the pair; missing when nobody did) and ``n_ratings``.

    Examples
    --------
    >>> impacts = impact_matrix(assessment, activity_id="assets_shocks_workshop")  # doctest: +SKIP
    """
    rows = _primary(data, "asset_impacts")
    assets = _aux(data, "assets", assets)
    hazards = _aux(data, "hazards", hazards)
    if areas is None and _is_assessment(data):
        areas = data.metadata.areas
    rows = _filter_activity(rows, activity_id, "asset impacts")
    columns = ["asset_id", "asset", "category", "area", "area_name", "criticality", "shock_id", "shock", "impact", "n_ratings"]
    if assets is None or assets.empty:
        if assets is None and len(rows):
            raise ValueError("impact_matrix needs the assets table (pass assets=)")
        _warn("there are no assets to assess")
        return pd.DataFrame(columns=columns)
    shocks = _hazard_ids(hazards, "shock", rows.rename(columns={"shock_id": "hazard_id"}), ["impact"])
    extra = sorted(set(rows["shock_id"].dropna()) - set(shocks)) if len(rows) else []
    if extra:
        shocks = shocks + extra
    names = _names(hazards)
    area_names = dict(zip(areas["area"], areas["name"])) if areas is not None and len(areas) else {}
    grid = pd.MultiIndex.from_product([assets["asset_id"].tolist(), shocks], names=["asset_id", "shock_id"])
    if len(rows):
        agg = rows.assign(_i=_num(rows["impact"].astype(object).where(rows["impact"].notna()))).groupby(["asset_id", "shock_id"])["_i"].agg(["median", "count"])
    else:
        agg = pd.DataFrame(columns=["median", "count"], index=pd.MultiIndex.from_arrays([[], []], names=["asset_id", "shock_id"]))
    agg = agg.reindex(grid)
    out = grid.to_frame(index=False)
    info = assets.set_index("asset_id")
    out["asset"] = out["asset_id"].map(info["name"]) if "name" in info else out["asset_id"]
    out["category"] = out["asset_id"].map(info["category"]) if "category" in info else None
    area = out["asset_id"].map(info["area"]) if "area" in info else pd.Series(None, index=out.index)
    out["area"] = area.astype(object).where(area.notna(), None)
    citywide = tr("overview.citywide")
    out["area_name"] = out["area"].map(lambda a: area_names.get(a, a) if isinstance(a, str) else citywide)
    out["criticality"] = _num(out["asset_id"].map(info["criticality"])) if "criticality" in info else np.nan
    out["shock"] = out["shock_id"].map(lambda h: names.get(h, h))
    out["impact"] = agg["median"].to_numpy(dtype=float)
    out["n_ratings"] = agg["count"].fillna(0).to_numpy(dtype=int)
    if not len(rows):
        _warn("there are no asset impact ratings; every impact is missing")
    return out[columns]


def _score_lookup(shock_scores: pd.DataFrame | None) -> dict[str, float]:
    if shock_scores is None or shock_scores.empty:
        return {}
    return dict(zip(shock_scores["hazard_id"], _num(shock_scores["score"])))


def asset_exposure(
    impacts: pd.DataFrame,
    shock_scores: pd.DataFrame,
    *,
    critical: int = DEFAULT_CRITICAL,
    hit: int = DEFAULT_HIT,
) -> pd.DataFrame:
    """How exposed each asset is, weighted by its criticality and by each shock's risk.

    ``exposure = criticality x sum over shocks of impact x score / 25``: an asset's impact
    from each shock (0-5) is weighted by the shock's risk score on the 0-1 scale (score
    divided by the matrix maximum 25, so the weight does not depend on which other shocks
    were rated), summed, and multiplied by the asset's criticality (1-5).

    Parameters
    ----------
    impacts : DataFrame
        From :func:`impact_matrix`.
    shock_scores : DataFrame
        From :func:`shock_scores` (``hazard_id`` and ``score``). A shock with impacts but
        no score adds nothing, with a warning.
    critical : int
        Criticality from which an asset counts as critical.
    hit : int
        Impact from which a shock counts as hitting an asset.

    Returns
    -------
    DataFrame
        One row per asset, most exposed first: ``asset_id``, ``asset``, ``category``,
        ``area``, ``area_name``, ``criticality``, ``critical``, ``n_shocks_rated``,
        ``n_shocks_hitting``, ``max_impact``, ``top_shock`` (the shock adding most
        exposure), ``exposure``, ``rank`` and ``status``: ``"exposed"``, ``"no impact"``
        (every impact 0: exposure 0) or ``"not assessed"`` (no impact ratings: exposure
        missing).

    Examples
    --------
    >>> exposure = asset_exposure(impacts, scores)  # doctest: +SKIP
    """
    columns = ["asset_id", "asset", "category", "area", "area_name", "criticality", "critical", "n_shocks_rated",
               "n_shocks_hitting", "max_impact", "top_shock", "exposure", "rank", "status"]
    if impacts is None or impacts.empty:
        return pd.DataFrame(columns=columns)
    lookup = _score_lookup(shock_scores)
    frame = impacts.copy()
    frame["impact"] = _num(frame["impact"])
    frame["_score"] = frame["shock_id"].map(lookup).astype(float)
    unscored = sorted(frame.loc[(frame["impact"] > 0) & frame["_score"].isna(), "shock"].unique())
    if unscored:
        _warn(f"shock(s) {', '.join(unscored)} hit assets but have no risk score; they add no exposure")
    frame["_term"] = frame["impact"] * frame["_score"].fillna(0.0) / MAX_SCORE
    keys = ["asset_id", "asset", "category", "area", "area_name", "criticality"]
    first = frame.drop_duplicates("asset_id").set_index("asset_id")
    grouped = frame.groupby("asset_id", sort=False)
    out = first.reset_index()[keys].copy()
    out["criticality"] = _num(out["criticality"])
    out["critical"] = out["criticality"] >= critical
    g = out["asset_id"]
    out["n_shocks_rated"] = g.map(grouped["impact"].count()).astype(int)
    out["n_shocks_hitting"] = g.map(grouped["impact"].apply(lambda s: int((s >= hit).sum()))).astype(int)
    out["max_impact"] = g.map(grouped["impact"].max())
    best = frame[frame["_term"] > 0].sort_values("_term", ascending=False, kind="stable").drop_duplicates("asset_id")
    out["top_shock"] = g.map(dict(zip(best["asset_id"], best["shock"])))
    total = g.map(grouped["_term"].sum()) * out["criticality"]
    out["status"] = np.where(out["n_shocks_rated"] == 0, "not assessed", np.where(out["max_impact"] > 0, "exposed", "no impact"))
    out["exposure"] = np.where(out["status"] == "not assessed", np.nan, total)
    out["rank"] = _rank_desc(out["exposure"].to_numpy(dtype=float), "min")
    return out.sort_values(["rank", "asset_id"], na_position="last", kind="stable").reset_index(drop=True)[columns]


def shock_reach(
    impacts: pd.DataFrame,
    shock_scores: pd.DataFrame | None = None,
    *,
    critical: int = DEFAULT_CRITICAL,
    hit: int = DEFAULT_HIT,
) -> pd.DataFrame:
    """Which critical assets each shock hits.

    Parameters
    ----------
    impacts : DataFrame
        From :func:`impact_matrix`.
    shock_scores : DataFrame, optional
        From :func:`shock_scores`, to show each shock's score and band.
    critical, hit : int
        An asset is critical from criticality ``critical``; a shock hits it from impact ``hit``.

    Returns
    -------
    DataFrame
        One row per shock, widest reach first: ``shock_id``, ``shock``, ``score``,
        ``band``, ``n_assets_hit``, ``n_critical_hit``, ``n_critical`` (critical assets in
        the matrix), ``share_critical_hit``, ``categories`` (of the critical assets hit)
        and ``critical_assets`` (their names, hardest hit first).

    Examples
    --------
    >>> shock_reach(impacts, scores).iloc[0]["shock"]  # doctest: +SKIP
    'Flooding'
    """
    columns = ["shock_id", "shock", "score", "band", "n_assets_hit", "n_critical_hit", "n_critical", "share_critical_hit", "categories", "critical_assets"]
    if impacts is None or impacts.empty:
        return pd.DataFrame(columns=columns)
    frame = impacts.assign(impact=_num(impacts["impact"]), criticality=_num(impacts["criticality"]))
    n_critical = int(frame.loc[frame["criticality"] >= critical, "asset_id"].nunique())
    scores = _score_lookup(shock_scores)
    bands = dict(zip(shock_scores["hazard_id"], shock_scores["band"])) if shock_scores is not None and len(shock_scores) else {}
    rows = []
    for (shock_id, shock), part in frame.groupby(["shock_id", "shock"], sort=False):
        hits = part[part["impact"] >= hit]
        crit = hits[hits["criticality"] >= critical].sort_values(["impact", "criticality", "asset"], ascending=[False, False, True])
        rows.append(
            {
                "shock_id": shock_id,
                "shock": shock,
                "score": scores.get(shock_id, np.nan),
                "band": bands.get(shock_id),
                "n_assets_hit": int(hits["asset_id"].nunique()),
                "n_critical_hit": int(crit["asset_id"].nunique()),
                "n_critical": n_critical,
                "share_critical_hit": crit["asset_id"].nunique() / n_critical if n_critical else np.nan,
                "categories": ", ".join(sorted(crit["category"].dropna().unique())),
                "critical_assets": "; ".join(crit["asset"].astype(str)),
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["n_critical_hit", "score", "shock_id"], ascending=[False, False, True], na_position="last", kind="stable").reset_index(drop=True)


def assets_without_risk_path(impacts: pd.DataFrame, *, critical: int = DEFAULT_CRITICAL) -> pd.DataFrame:
    """Critical assets that no shock reaches: every impact 0, or no impact rated at all.

    A blank row in the matrix is information: either the asset is truly safe from every
    shock considered, or the workshop left it out. The list says which.

    Returns
    -------
    DataFrame
        ``asset_id``, ``asset``, ``category``, ``area_name``, ``criticality`` and
        ``reason`` (``"every impact rated 0"`` or ``"no impact rated"``).

    Examples
    --------
    >>> assets_without_risk_path(impacts)["asset"].tolist()  # doctest: +SKIP
    ['Civil registry archive', 'Regional disaster logistics warehouse', 'Kepulauan Seribu ferry piers']
    """
    columns = ["asset_id", "asset", "category", "area_name", "criticality", "reason"]
    if impacts is None or impacts.empty:
        return pd.DataFrame(columns=columns)
    frame = impacts.assign(impact=_num(impacts["impact"]), criticality=_num(impacts["criticality"]))
    grouped = frame.groupby("asset_id", sort=False)
    rated = grouped["impact"].count()
    top = grouped["impact"].max()
    first = frame.drop_duplicates("asset_id").set_index("asset_id")
    blank = rated.index[(rated == 0) | (top.fillna(0) <= 0)]
    out = first.loc[blank].reset_index()
    out = out[out["criticality"] >= critical].copy()
    out["reason"] = np.where(out["asset_id"].map(rated) == 0, "no impact rated", "every impact rated 0")
    return out.sort_values(["criticality", "asset_id"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]


def exposure_by(exposure: pd.DataFrame, *, by: str = "category") -> pd.DataFrame:
    """Exposure summed per asset category or area, with the most exposed asset of each.

    Parameters
    ----------
    exposure : DataFrame
        From :func:`asset_exposure`.
    by : {"category", "area"}
        Group assets by category, or by area (city-wide assets form "(city-wide)").

    Returns
    -------
    DataFrame
        ``category`` or ``area_name``, ``n_assets``, ``n_critical``, ``total_exposure``,
        ``share_of_exposure``, ``most_exposed_asset``, ``its_exposure`` and ``its_top_shock``;
        most exposed group first.

    Examples
    --------
    >>> exposure_by(exposure, by="area")  # doctest: +SKIP
    """
    if by not in ("category", "area"):
        raise ValueError(f"by must be 'category' or 'area', got {by!r}")
    key = "category" if by == "category" else "area_name"
    columns = [key, "n_assets", "n_critical", "total_exposure", "share_of_exposure", "most_exposed_asset", "its_exposure", "its_top_shock"]
    if exposure is None or exposure.empty:
        return pd.DataFrame(columns=columns)
    frame = exposure.assign(exposure=_num(exposure["exposure"]))
    frame[key] = frame[key].astype(object).where(frame[key].notna(), "(not recorded)")
    total = float(np.nansum(frame["exposure"]))
    rows = []
    for group, part in frame.groupby(key, sort=False):
        best = part.sort_values("exposure", ascending=False, na_position="last").iloc[0]
        group_total = float(np.nansum(part["exposure"]))
        rows.append(
            {
                key: group,
                "n_assets": len(part),
                "n_critical": int(part["critical"].sum()),
                "total_exposure": group_total,
                "share_of_exposure": group_total / total if total > 0 else np.nan,
                "most_exposed_asset": best["asset"],
                "its_exposure": best["exposure"],
                "its_top_shock": best["top_shock"],
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["total_exposure", key], ascending=[False, True], kind="stable").reset_index(drop=True)


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
        ``compound_band``, ``compound_rank`` and ``uplift`` (compound - score).

    Examples
    --------
    >>> compound_risk(scores, stresses, assessment, alpha=0.25).iloc[0]["hazard"]  # doctest: +SKIP
    'Flooding'
    """
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
    columns = ["hazard_id", "hazard", "n", "score", "band", "rank", "n_amplifiers", "amplifiers", "amplification", "alpha",
               "compound", "compound_band", "compound_rank", "uplift"]
    if shock_scores is None or shock_scores.empty:
        _warn("there are no shock scores to compound")
        return pd.DataFrame(columns=columns)
    edges = _edges(shock_scores, stress_scores, amplifications, activity_id)
    missing = sorted(edges.loc[edges["severity"].isna(), "stress"].unique())
    if missing:
        _warn(f"stress(es) {', '.join(missing)} amplify shocks but have no severity; they add nothing")
    out = shock_scores.reindex(columns=["hazard_id", "hazard", "n"]).copy()
    out["score"] = _num(shock_scores["score"]).to_numpy()
    out["band"] = risk_band(out["score"], bands=bands).to_numpy()
    out["rank"] = _rank_desc(out["score"].to_numpy(), "average")
    used = edges.dropna(subset=["amplification"]).sort_values(["amplification", "stress_id"], ascending=[False, True])
    per_shock = used.groupby("shock_id")
    out["n_amplifiers"] = out["hazard_id"].map(per_shock.size()).fillna(0).astype(int)
    names = per_shock["stress"].agg(lambda s: ", ".join(s)).to_dict()
    out["amplifiers"] = [names.get(h, "") for h in out["hazard_id"]]
    out["amplification"] = out["hazard_id"].map(per_shock["amplification"].sum()).fillna(0.0)
    out["alpha"] = alpha
    out["compound"] = out["score"] * (1.0 + alpha * out["amplification"])
    out["compound_band"] = risk_band(out["compound"], bands=bands).to_numpy()
    out["compound_rank"] = _rank_desc(out["compound"].to_numpy(), "average")
    out["uplift"] = out["compound"] - out["score"]
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
            warnings.simplefilter("ignore", RuntimeWarning)  # reported once by compound_risk
            res = compound_risk(shock_scores, stress_scores, amplifications, alpha=a, activity_id=activity_id)
        res = res.set_index("hazard_id")
        if base is None:
            base = res[["hazard", "n", "score", "rank"]].copy()
        base[f"compound_rank_{a:g}"] = res["compound_rank"]
        base[f"compound_{a:g}"] = res["compound"]
    return base.sort_values(["rank"], na_position="last", kind="stable").drop(columns="rank").reset_index()


# --------------------------------------------------------------------------- stress network


def stress_network(
    shock_scores: pd.DataFrame,
    stress_scores: pd.DataFrame,
    amplifications,
    *,
    activity_id: str | None = None,
):
    """The directed stress -> shock graph, weighted by amplification strength.

    Returns
    -------
    networkx.DiGraph
        Nodes are hazard ids with attributes ``kind`` ("stress" or "shock"), ``label``,
        ``n``, and ``severity``, ``trend``, ``worsening`` (stresses) or ``score``, ``band``
        (shocks). Every scored stress and shock is a node, linked or not. Each edge
        stress -> shock has ``strength`` (1-3), ``severity`` and ``score`` of its ends,
        ``risk_weight = strength / 3 x score / 25`` and ``amplification = strength / 3 x
        severity / 5``.

    Examples
    --------
    >>> graph = stress_network(scores, stresses, assessment)  # doctest: +SKIP
    >>> graph.out_degree("ST01")                               # doctest: +SKIP
    3
    """
    import networkx as nx

    graph = nx.DiGraph()
    stress_scores = stress_scores if stress_scores is not None else pd.DataFrame(columns=_STRESS_COLUMNS)
    shock_scores = shock_scores if shock_scores is not None else pd.DataFrame(columns=_SHOCK_COLUMNS)
    for row in stress_scores.to_dict("records"):
        worse = row.get("worsening")
        graph.add_node(row["hazard_id"], kind="stress", label=row.get("hazard", row["hazard_id"]), n=row.get("n"),
                       severity=float(_num([row.get("severity")])[0]), trend=row.get("trend"),
                       worsening=bool(worse) if worse in (True, False) else False)
    for row in shock_scores.to_dict("records"):
        score = float(_num([row.get("score")])[0])
        graph.add_node(row["hazard_id"], kind="shock", label=row.get("hazard", row["hazard_id"]), n=row.get("n"), score=score,
                       band=row.get("band", risk_band(score)))
    edges = _edges(shock_scores, stress_scores, amplifications, activity_id)
    for e in edges.itertuples(index=False):
        for node, kind in ((e.stress_id, "stress"), (e.shock_id, "shock")):
            if node not in graph:
                graph.add_node(node, kind=kind, label=node, n=0, severity=np.nan, score=np.nan, trend=None, worsening=False, band=None)
        graph.add_edge(
            e.stress_id,
            e.shock_id,
            strength=float(e.strength),
            severity=float(e.severity),
            score=float(e.score),
            risk_weight=float(e.strength / 3.0 * (0.0 if np.isnan(e.score) else e.score) / MAX_SCORE),
            amplification=float(0.0 if np.isnan(e.amplification) else e.amplification),
        )
    return graph


def stress_centrality(graph, *, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """Which stresses are the hubs: how much shock risk each one reaches.

    The centrality is the stress's weighted out-degree on the graph whose edge weights are
    ``risk_weight = strength / 3 x score / 25``: ``risk_reach = sum over the shocks it
    amplifies of (strength / 3) x (score / 25)``. One strong link to a shock of score 25
    counts 1. It measures where a stress sits in the network, whatever its own severity;
    ``compound_added`` adds the severity: the points of compound risk (see
    :func:`compound_risk`) the stress adds across all shocks.

    Parameters
    ----------
    graph : networkx.DiGraph
        From :func:`stress_network`.
    alpha : float
        As in :func:`compound_risk`, for ``compound_added``.

    Returns
    -------
    DataFrame
        One row per stress, most central first: ``hazard_id``, ``hazard``, ``n``,
        ``severity``, ``trend``, ``worsening``, ``n_shocks`` (out-degree),
        ``out_strength`` (sum of strengths), ``risk_reach``, ``compound_added``,
        ``amplifies`` (the shocks, strongest link first) and ``rank`` (by ``risk_reach``,
        average ranks for ties).

    Examples
    --------
    >>> stress_centrality(graph).iloc[0]["hazard"]  # doctest: +SKIP
    'Land subsidence'
    """
    columns = ["hazard_id", "hazard", "n", "severity", "trend", "worsening", "n_shocks", "out_strength", "risk_reach",
               "compound_added", "amplifies", "rank"]
    stresses = [v for v, d in graph.nodes(data=True) if d.get("kind") == "stress"]
    if not stresses:
        return pd.DataFrame(columns=columns)
    reach = dict(graph.out_degree(stresses, weight="risk_weight"))
    strength = dict(graph.out_degree(stresses, weight="strength"))
    rows = []
    for v in stresses:
        d = graph.nodes[v]
        out_edges = sorted(graph.out_edges(v, data=True), key=lambda e: (-e[2]["strength"], -np.nan_to_num(e[2]["score"]), e[1]))
        added = sum(alpha * e[2]["amplification"] * np.nan_to_num(e[2]["score"]) for e in out_edges)
        rows.append(
            {
                "hazard_id": v,
                "hazard": d.get("label", v),
                "n": d.get("n", 0),
                "severity": d.get("severity", np.nan),
                "trend": d.get("trend"),
                "worsening": bool(d.get("worsening", False)),
                "n_shocks": graph.out_degree(v),
                "out_strength": float(strength[v]),
                "risk_reach": float(reach[v]),
                "compound_added": float(added),
                "amplifies": ", ".join(f"{graph.nodes[e[1]].get('label', e[1])} ({_strength(e[2]['strength'])})" for e in out_edges),
            }
        )
    out = pd.DataFrame(rows, columns=columns[:-1])
    out["rank"] = _rank_desc(out["risk_reach"].to_numpy(dtype=float), "average")
    return out.sort_values(["rank", "compound_added", "hazard_id"], ascending=[True, False, True], kind="stable").reset_index(drop=True)


_STRENGTH = {1: "weak", 2: "moderate", 3: "strong"}


def _strength(value) -> str:
    """A link strength (1-3) as a word in the report language."""
    return term(_STRENGTH[int(value)], "strength") if int(value) in _STRENGTH else str(value)


# --------------------------------------------------------------------------- findings


def _fmt(x, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return tr("common.not_available")
    x = float(x)
    return f"{x:.0f}" if x == round(x) else f"{x:.{digits}f}"


def _pct(x) -> str:
    return tr("common.not_available") if x is None or np.isnan(x) else f"{100 * x:.0f}%"


def _rank_text(low, high) -> str:
    low, high = _fmt(low), _fmt(high)
    return tr("risk.rank_one", rank=low) if low == high else tr("risk.rank_range", low=low, high=high)


def _categories_text(categories) -> str:
    """'health, water' (the shock_reach column) with each asset category in the report language."""
    if not isinstance(categories, str):
        return categories
    return ", ".join(term(c, "asset_category") for c in categories.split(", "))


def _agreement_text(agreement: pd.DataFrame) -> str | None:
    """'likelihood alpha = 0.71 (tentative); ...' or None when no alpha is defined."""
    parts = [tr("risk.find.alpha_part", measure=term(m, "measure"), alpha=_fmt(a, 2), reading=term(reading, "reading"))
             for m, a, reading in zip(agreement["measure"], _num(agreement["alpha"]), agreement["reading"]) if not np.isnan(a)]
    return tr("risk.find.agreement", parts="; ".join(parts)) if parts else None


def _published(frame: pd.DataFrame | None, value: str) -> pd.DataFrame:
    """Rows whose ``value`` survived suppression."""
    if frame is None or frame.empty or value not in frame:
        return pd.DataFrame(columns=[] if frame is None else frame.columns)
    return frame[_num(frame[value]).notna().to_numpy()]


def findings_shocks(
    scores: pd.DataFrame,
    ranks: pd.DataFrame,
    *,
    agreement: pd.DataFrame | None = None,
    exposure: pd.DataFrame | None = None,
    reach: pd.DataFrame | None = None,
    no_path: pd.DataFrame | None = None,
    groups: pd.DataFrame | None = None,
) -> str:
    """Findings of the assets and shocks workshop, as markdown computed from the results.

    Pass the published (suppressed) tables: a suppressed row is never quoted.

    Examples
    --------
    >>> Markdown(findings_shocks(scores, ranks, exposure=exposure, reach=reach, no_path=no_path))  # doctest: +SKIP
    """
    scored = _published(scores, "score")
    if scored.empty:
        return tr("risk.find.no_shocks")
    scored = scored.assign(score_value=_num(scored["score"])).sort_values("score_value", ascending=False, kind="stable")
    r = _published(ranks, "rank_low").set_index("hazard_id") if ranks is not None and len(ranks) else pd.DataFrame()
    lines = []
    top = scored.iloc[0]
    text = tr("risk.find.top_shock", hazard=top["hazard"], likelihood=_fmt(_num([top["likelihood"]])[0]),
              consequence=_fmt(_num([top["consequence"]])[0]), score=_fmt(top["score_value"]), band=term(top["band"], "band"),
              n=int(_num([top["n"]])[0]))
    if top["hazard_id"] in r.index:
        t = r.loc[top["hazard_id"]]
        text += " " + tr("risk.find.top_shock_first", share=_pct(_num([t["share_first"]])[0]), n_resamples=f"{int(_num([t['n_resamples']])[0]):,}",
                         interval=_rank_text(_num([t["rank_low"]])[0], _num([t["rank_high"]])[0]))
    lines.append(text)
    if len(scored) > 1:
        rest = [f"{row.hazard} ({_fmt(row.score_value)}, {term(row.band, 'band')})" for row in scored.iloc[1:4].itertuples()]
        lines.append(tr("risk.find.next", items=", ".join(rest)))
    bands = scored["band"].value_counts()
    high = int(bands.get("high", 0) + bands.get("extreme", 0))
    lines.append(tr("risk.find.high_bands", n=high, total=len(scored)))
    if len(r) > 1:
        ordered = r.sort_values("rank")
        close = []
        for (a, ra), (b, rb) in zip(ordered.iloc[:-1].iterrows(), ordered.iloc[1:].iterrows()):
            if _num([ra["rank_high"]])[0] >= _num([rb["rank_low"]])[0]:
                close.append(tr("risk.find.pair", a=ra["hazard"], b=rb["hazard"]))
        if close:
            lines.append(tr("risk.find.overlap", pairs="; ".join(close)))
        else:
            lines.append(tr("risk.find.no_overlap"))
    if agreement is not None and len(agreement):
        text = _agreement_text(agreement)
        if text:
            lines.append(text)
    if groups is not None and len(groups):
        g = _published(groups, "score")
        if len(g):
            key = "group_label" if "group_label" in g else g.columns[0]
            tops = g.assign(score_value=_num(g["score"])).sort_values("score_value", ascending=False).groupby(key, sort=False).head(1)
            same = tops["hazard"].nunique() == 1
            if same:
                lines.append(tr("risk.find.groups_same", hazard=tops["hazard"].iloc[0]))
            else:
                lines.append(tr("risk.find.groups_differ", items="; ".join(f"{k}: {h}" for k, h in zip(tops[key], tops["hazard"]))))
    if exposure is not None and len(exposure):
        e = exposure.assign(exposure_value=_num(exposure["exposure"])).dropna(subset=["exposure_value"])
        if len(e) and e["exposure_value"].max() > 0:
            best = e.sort_values("exposure_value", ascending=False).iloc[0]
            lines.append(tr("risk.find.most_exposed", asset=best["asset"], category=term(best["category"], "asset_category"), area=best["area_name"],
                            criticality=_fmt(best["criticality"]), shock=best["top_shock"]))
    if reach is not None and len(reach):
        widest = reach.iloc[0]
        if int(widest["n_critical_hit"]) > 0:
            lines.append(tr("risk.find.reach", shock=widest["shock"], n=int(widest["n_critical_hit"]), total=int(widest["n_critical"]),
                            categories=_categories_text(widest["categories"])))
    if no_path is not None:
        if len(no_path):
            names = ", ".join(f"{a} ({term(reason, 'reason')})" for a, reason in zip(no_path["asset"], no_path["reason"]))
            lines.append(tr("risk.find.no_path", n=len(no_path), names=names))
        else:
            lines.append(tr("risk.find.all_exposed"))
    return "\n\n".join(lines)


def findings_stresses(
    stresses: pd.DataFrame,
    compound: pd.DataFrame,
    centrality: pd.DataFrame,
    *,
    sensitivity: pd.DataFrame | None = None,
    agreement: pd.DataFrame | None = None,
) -> str:
    """Findings of the stresses session, as markdown computed from the results.

    Pass the published (suppressed) tables: a suppressed row is never quoted.

    Examples
    --------
    >>> Markdown(findings_stresses(stresses, compound, centrality))  # doctest: +SKIP
    """
    sev = _published(stresses, "severity")
    if sev.empty:
        return tr("risk.find.no_stresses")
    sev = sev.assign(severity_value=_num(sev["severity"])).sort_values(["severity_value"], ascending=False, kind="stable")
    lines = []
    top_s = sev[sev["severity_value"] == sev["severity_value"].iloc[0]]
    desc = [tr("risk.find.stress_worsening", hazard=row.hazard, share=_pct(_num([row.share_worsening])[0])) for row in top_s.itertuples()]
    lines.append(tr(f"risk.find.most_severe.{plural(len(desc) > 1)}", items=tr("risk.find.and").join(desc),
                    severity=_fmt(sev["severity_value"].iloc[0])))
    worsening = sev[sev["worsening"].astype(str) == "True"]["hazard"].tolist()
    if worsening:
        lines.append(tr("risk.find.worsening", n=len(worsening), total=len(sev), names=", ".join(worsening)))
    if agreement is not None and len(agreement):
        text = _agreement_text(agreement)
        if text:
            lines.append(text)
    if centrality is not None and len(centrality):
        hub = centrality.iloc[0]
        if float(_num([hub["risk_reach"]])[0]) > 0:
            lines.append(tr("risk.find.hub", hazard=hub["hazard"], amplifies=hub["amplifies"], reach=_fmt(_num([hub["risk_reach"]])[0], 2),
                            added=_fmt(_num([hub["compound_added"]])[0])))
            if len(centrality) > 1:
                lines.append(tr("risk.find.hub_next", items=", ".join(f"{h} ({_fmt(x, 2)})" for h, x in zip(centrality["hazard"].iloc[1:3], _num(centrality["risk_reach"].iloc[1:3])))))
        isolated = centrality[_num(centrality["n_shocks"]) == 0]["hazard"].tolist()
        if isolated:
            lines.append(tr(f"risk.find.isolated.{plural(len(isolated) > 1)}", names=", ".join(isolated)))
    c = _published(compound, "compound")
    if len(c):
        c = c.assign(compound_value=_num(c["compound"]), rank_value=_num(c["rank"]), compound_rank_value=_num(c["compound_rank"]))
        top = c.sort_values("compound_value", ascending=False).iloc[0]
        alpha = float(_num([top["alpha"]])[0])
        lines.append(tr("risk.find.compound_top", alpha=_fmt(alpha, 2), hazard=top["hazard"], compound=_fmt(top["compound_value"]),
                        score=_fmt(_num([top["score"]])[0]), amplifiers=top["amplifiers"] or tr("risk.find.no_stress")))
        moved = c[(c["rank_value"] - c["compound_rank_value"]).abs() >= 0.5]
        if len(moved):
            lines.append(tr("risk.find.reorder", items="; ".join(tr("risk.find.reorder_item", hazard=row.hazard, before=_fmt(row.rank_value),
                                                                      after=_fmt(row.compound_rank_value)) for row in moved.itertuples())))
        else:
            lines.append(tr("risk.find.no_reorder"))
    if sensitivity is not None and len(sensitivity):
        rank_cols = [col for col in sensitivity.columns if col.startswith("compound_rank_")]
        firsts = {col[len("compound_rank_"):]: sensitivity.loc[_num(sensitivity[col]) == _num(sensitivity[col]).min(), "hazard"].tolist() for col in rank_cols}
        leaders = {", ".join(v) for v in firsts.values()}
        if len(leaders) == 1:
            lines.append(tr("risk.find.alpha_stable", hazard=leaders.pop(), alphas=", ".join(firsts)))
        else:
            lines.append(tr("risk.find.alpha_depends", items="; ".join(tr("risk.find.alpha_item", alpha=a, names=", ".join(v)) for a, v in firsts.items())))
    return "\n\n".join(lines)


# --------------------------------------------------------------------------- figures


def _label_n(name, n, width: int = 34) -> str:
    """A hazard or asset name wrapped to ``width``, with its n (or 'suppressed')."""
    from .publishing.plots import _wrap

    count = tr("common.suppressed") if n is None or (isinstance(n, float) and np.isnan(n)) else f"{int(n)}"
    text = f"{name} ({tr('common.n_equals', n=count)})"
    return text if len(text) <= width else f"{_wrap(str(name), width)}\n({tr('common.n_equals', n=count)})"


def _empty_figure(message: str, title: str):
    from .publishing.plots import empty_figure

    return empty_figure(message, title)


def _dodge(positions: list[tuple[float, float]], step: float = 0.22) -> list[tuple[float, float]]:
    """Spread markers that share a matrix cell so none hides another."""
    seen: dict[tuple[float, float], list[int]] = {}
    for i, p in enumerate(positions):
        seen.setdefault(p, []).append(i)
    out = list(positions)
    for p, members in seen.items():
        k = len(members)
        for j, i in enumerate(members):
            offset = (j - (k - 1) / 2) * step
            out[i] = (p[0] + offset, p[1] - 0.5 * abs(offset))
    return out


def risk_matrix_figure(
    scores: pd.DataFrame,
    *,
    boot: pd.DataFrame | None = None,
    bands=DEFAULT_BANDS,
    title: str | None = None,
):
    """Each shock at its median likelihood and consequence on a banded 5 x 5 matrix.

    Whiskers show the interquartile range of the individual ratings; with ``boot`` (from
    :func:`bootstrap_scores`) a faint cloud shows where the medians fall across bootstrap
    resamples. Markers are numbered by rank and named, with their n, beside the matrix.
    Suppressed rows are left out and listed.

    Examples
    --------
    >>> report.figure(risk_matrix_figure(published_scores, boot=boot), "risk_matrix")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch, Rectangle

    from .publishing.plots import _setup, _wrap

    title = title or tr("risk.fig.matrix.title")
    if scores is None or scores.empty:
        return _empty_figure(tr("risk.fig.matrix.empty"), title)
    plt, _ = _setup()
    colours = _band_colours(bands)
    data = scores.assign(**{c: _num(scores[c]) for c in ["likelihood", "consequence", "likelihood_q1", "likelihood_q3",
                                                         "consequence_q1", "consequence_q3", "score", "n"]})
    shown = data.dropna(subset=["likelihood", "consequence"]).sort_values(["score", "hazard_id"], ascending=[False, True], kind="stable")
    hidden = data[data["likelihood"].isna() | data["consequence"].isna()]
    fig, (ax, side) = plt.subplots(1, 2, figsize=(12, 6.6), gridspec_kw={"width_ratios": [1.25, 1]})
    for lk in range(1, 6):
        for cq in range(1, 6):
            band = risk_band(lk * cq, bands=bands)
            ax.add_patch(Rectangle((lk - 0.5, cq - 0.5), 1, 1, facecolor=colours[band], alpha=0.55, edgecolor="white", lw=2))
            ax.text(lk + 0.44, cq - 0.44, f"{lk * cq}", ha="right", va="bottom", fontsize=7, color="#555555")
    positions = _dodge([(float(x), float(y)) for x, y in zip(shown["likelihood"], shown["consequence"])])
    if boot is not None and len(boot):
        jitter = np.random.default_rng(0)  # fixed: the figure is the same on every run
        offsets = {h: (px - x, py - y) for h, (px, py), x, y in zip(shown["hazard_id"], positions, shown["likelihood"], shown["consequence"])}
        cloud = boot[boot["hazard_id"].isin(offsets)]
        dx = cloud["hazard_id"].map(lambda h: offsets[h][0]).to_numpy()
        dy = cloud["hazard_id"].map(lambda h: offsets[h][1]).to_numpy()
        # Jitter within a disc smaller than the marker: medians that never move stay hidden.
        radius = 0.07 * np.sqrt(jitter.uniform(0, 1, len(cloud)))
        angle = jitter.uniform(0, 2 * np.pi, len(cloud))
        ax.scatter(cloud["likelihood"] + dx + radius * np.cos(angle), cloud["consequence"] + dy + radius * np.sin(angle),
                   s=3, color="#37474f", alpha=0.05, lw=0, zorder=2)
    lines = []
    for i, (row, (px, py)) in enumerate(zip(shown.itertuples(), positions), start=1):
        xerr = [[max(row.likelihood - row.likelihood_q1, 0)], [max(row.likelihood_q3 - row.likelihood, 0)]]
        yerr = [[max(row.consequence - row.consequence_q1, 0)], [max(row.consequence_q3 - row.consequence, 0)]]
        # Whiskers only where the quartiles differ from the median: no stray caps.
        if np.nansum(xerr) > 0:
            ax.errorbar(px, py, xerr=xerr, fmt="none", ecolor="#263238", elinewidth=1.6, capsize=4, zorder=3)
        if np.nansum(yerr) > 0:
            ax.errorbar(px, py, yerr=yerr, fmt="none", ecolor="#263238", elinewidth=1.6, capsize=4, zorder=3)
        ax.plot(px, py, "o", ms=17, color="#263238", mec="white", mew=1.2, zorder=3)
        ax.text(px, py, str(i), ha="center", va="center", color="white", fontsize=9, fontweight="bold", zorder=4)
        lines.append(f"{i:>2}  {_wrap(str(row.hazard), 30)}\n     {_fmt(row.likelihood)} x {_fmt(row.consequence)} = "
                     f"{_fmt(row.score)} ({term(row.band, 'band')}), {tr('common.n_equals', n=int(row.n))}")
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6), [f"{i}\n{term(label, 'likelihood')}" for i, label in enumerate(LIKELIHOOD_LABELS, start=1)], fontsize=8)
    ax.set_yticks(range(1, 6), [f"{term(label, 'consequence')} {i}" for i, label in enumerate(CONSEQUENCE_LABELS, start=1)], fontsize=8)
    ax.grid(False)
    ax.set_aspect("equal")
    ax.set(xlabel=tr("risk.fig.matrix.xlabel"), ylabel=tr("risk.fig.matrix.ylabel"), title=title)
    side.set_axis_off()
    if hidden.shape[0]:
        lines.append(tr("risk.fig.matrix.hidden", names=", ".join(hidden["hazard"].astype(str))))
    side.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=8.5, transform=side.transAxes)
    handles = [Patch(facecolor=c, alpha=0.55, label=tr("risk.fig.matrix.band_up_to", band=term(n, "band"), value=_fmt(u)) if i < len(colours) - 1
                     else tr("risk.fig.matrix.band_above", band=term(n, "band"), value=_fmt(prev)))
               for i, ((n, c), u, prev) in enumerate(zip(colours.items(), _check_bands(bands)[1], [0, *_check_bands(bands)[1][:-1]]))]
    side.legend(handles=handles, title=tr("risk.fig.matrix.legend"), loc="lower left", fontsize=8, title_fontsize=8, frameon=False)
    note = tr("risk.fig.matrix.whiskers")
    if boot is not None and len(boot):
        note += "\n" + tr("risk.fig.matrix.dots", n=f"{boot['resample'].nunique():,}")
    side.text(0.0, 0.22, note, fontsize=8, color="#455a64", transform=side.transAxes, va="bottom")
    fig.tight_layout()
    return fig


def rank_interval_figure(ranks: pd.DataFrame, *, title: str | None = None, what: str = "shock"):
    """Each hazard's bootstrap rank interval, with its median rank and how often it is first.

    ``ranks`` is the output of :func:`rank_intervals` (optionally suppressed).

    Examples
    --------
    >>> report.figure(rank_interval_figure(published_ranks), "shock_ranks")  # doctest: +SKIP
    """
    from .publishing.plots import _setup

    kind = "stresses" if what == "stress" else "shocks"
    title = title or tr(f"risk.fig.ranks.title.{kind}")
    if ranks is None or ranks.empty:
        return _empty_figure(tr(f"risk.fig.ranks.empty.{kind}"), title)
    plt, _ = _setup()
    data = ranks.assign(**{c: _num(ranks[c]) for c in ["rank", "rank_median", "rank_low", "rank_high", "share_first", "n", "score"]})
    data = data.reset_index(drop=True)
    k = len(data)
    fig, ax = plt.subplots(figsize=(9.5, 0.5 * k + 1.9))
    y = np.arange(k)
    for i, row in data.iterrows():
        if np.isnan(row["rank_low"]):
            ax.text(1, i, tr("risk.fig.not_shown"), va="center", fontsize=8, color="#777777")
            continue
        ax.plot([row["rank_low"], row["rank_high"]], [i, i], color="#90a4ae", lw=7, solid_capstyle="round", zorder=1)
        ax.plot(row["rank_median"], i, "o", color="#263238", ms=7, zorder=2)
    ax.set_yticks(y, [_label_n(h, n, 38) for h, n in zip(data["hazard"], data["n"])], fontsize=9)
    ax.set_xlim(0.5, k + 0.5)
    ax.set_xticks(range(1, k + 1))
    ax.invert_yaxis()
    for i, row in data.iterrows():
        if not np.isnan(row["share_first"]):
            ax.text(k + 0.7, i, tr("risk.fig.ranks.first_in", share=_pct(row["share_first"])), va="center", fontsize=8.5)
    n_res = int(_num(ranks["n_resamples"]).max()) if "n_resamples" in ranks and _num(ranks["n_resamples"]).notna().any() else 0
    ax.set(xlabel=tr(f"risk.fig.ranks.xlabel.{kind}", n=f"{n_res:,}"), ylabel="", title=title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def group_scores_figure(groups: pd.DataFrame, *, title: str | None = None):
    """Heatmap of shock scores per stakeholder group; suppressed cells are marked.

    ``groups`` is :func:`shock_scores` with ``by="stakeholder_group"`` (optionally suppressed).

    Examples
    --------
    >>> report.figure(group_scores_figure(published_groups), "scores_by_group")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap, mark_suppressed

    title = title or tr("risk.fig.groups.title")
    if groups is None or groups.empty:
        return _empty_figure(tr("risk.fig.groups.empty"), title)
    plt, sns = _setup()
    key = "group_label" if "group_label" in groups else groups.columns[0]
    data = groups.assign(score=_num(groups["score"]), n=_num(groups["n"]))
    order_h = list(dict.fromkeys(data.sort_values("score", ascending=False)["hazard"]))
    order_g = list(dict.fromkeys(data[key]))
    grid = data.pivot_table(index="hazard", columns=key, values="score", aggfunc="first", dropna=False).reindex(index=order_h, columns=order_g)
    n_max = data.groupby(key, sort=False)["n"].max()
    fig, ax = plt.subplots(figsize=(1.9 * len(order_g) + 4, 0.5 * len(order_h) + 2.2))
    sns.heatmap(grid, annot=True, fmt=".3g", cmap="OrRd", vmin=0, vmax=MAX_SCORE, linewidths=0.5, ax=ax,
                cbar_kws={"label": tr("risk.fig.groups.cbar")})
    mark_suppressed(ax, grid)
    ax.set_xticklabels([_wrap(str(g), 18) + "\n" + tr("common.n_equals", n=tr("common.suppressed") if np.isnan(n_max[g]) else int(n_max[g])) for g in order_g], rotation=0, fontsize=8.5)
    ax.set_yticklabels([_wrap(label.get_text(), 30) for label in ax.get_yticklabels()], rotation=0)
    ax.set(title=title, xlabel=tr("common.stakeholder_group"), ylabel="")
    fig.tight_layout()
    return fig


def impact_heatmap(impacts: pd.DataFrame, *, exposure: pd.DataFrame | None = None, shock_scores: pd.DataFrame | None = None,
                   critical: int = DEFAULT_CRITICAL, title: str | None = None):
    """Heatmap of the asset x shock impact matrix.

    Assets are rows (most exposed first when ``exposure`` is given), labelled with their
    criticality; shocks are columns, highest risk first when ``shock_scores`` is given.
    Impacts never rated are hatched; critical assets on no risk path are flagged.

    Examples
    --------
    >>> report.figure(impact_heatmap(impacts, exposure=exposure, shock_scores=scores), "impacts")  # doctest: +SKIP
    """
    from matplotlib.patches import Rectangle

    from .publishing.plots import _setup, _wrap

    title = title or tr("risk.fig.impacts.title")
    if impacts is None or impacts.empty:
        return _empty_figure(tr("risk.fig.impacts.empty"), title)
    plt, sns = _setup()
    data = impacts.assign(impact=_num(impacts["impact"]), criticality=_num(impacts["criticality"]))
    assets = list(dict.fromkeys(data["asset_id"]))
    if exposure is not None and len(exposure):
        ranked = list(exposure["asset_id"])
        assets = [a for a in ranked if a in assets] + [a for a in assets if a not in ranked]
    shocks = list(dict.fromkeys(data["shock_id"]))
    scores = _score_lookup(shock_scores)
    if scores:
        shocks = sorted(shocks, key=lambda s: (-np.nan_to_num(scores.get(s, np.nan), nan=-1), s))
    grid = data.pivot_table(index="asset_id", columns="shock_id", values="impact", aggfunc="first", dropna=False).reindex(index=assets, columns=shocks)
    info = data.drop_duplicates("asset_id").set_index("asset_id")
    blank = grid.fillna(0).max(axis=1) <= 0
    no_path = "  " + tr("risk.fig.impacts.no_path")
    ylabels = [f"{info.loc[a, 'asset']} [{_fmt(info.loc[a, 'criticality'])}]" + (no_path if blank[a] and info.loc[a, "criticality"] >= critical else "") for a in assets]
    shock_names = data.drop_duplicates("shock_id").set_index("shock_id")["shock"]
    xlabels = [_wrap(str(shock_names[s]), 14) + ("\n" + tr("risk.fig.impacts.score", score=_fmt(scores[s])) if s in scores and not np.isnan(scores[s]) else "") for s in shocks]
    fig, ax = plt.subplots(figsize=(1.05 * len(shocks) + 5.5, 0.3 * len(assets) + 2.6))
    sns.heatmap(grid, annot=True, fmt=".0f", cmap="Reds", vmin=0, vmax=5, linewidths=0.5, linecolor="white", ax=ax,
                cbar_kws={"label": tr("risk.fig.impacts.cbar"), "shrink": 0.5}, annot_kws={"fontsize": 8})
    for i, a in enumerate(assets):
        for j, s in enumerate(shocks):
            if np.isnan(grid.loc[a, s]):
                ax.add_patch(Rectangle((j, i), 1, 1, facecolor="#eeeeee", hatch="///", edgecolor="#bbbbbb", lw=0))
    ax.set_yticks(np.arange(len(assets)) + 0.5, ylabels, rotation=0, fontsize=8)
    for tick, a in zip(ax.get_yticklabels(), assets):
        if blank[a] and info.loc[a, "criticality"] >= critical:
            tick.set_color("#b71c1c")
            tick.set_fontweight("bold")
    ax.set_xticks(np.arange(len(shocks)) + 0.5, xlabels, rotation=0, fontsize=8)
    ax.xaxis.tick_top()
    for text in ax.texts:
        if text.get_text() == "0":
            text.set_color("#b0b0b0")  # 0 is a rating (no impact), shown quietly
    n_missing = int(grid.isna().to_numpy().sum())
    order = tr("risk.fig.impacts.order.exposure") if exposure is not None and len(exposure) else tr("risk.fig.impacts.order.table")
    sub = tr("risk.fig.impacts.subtitle", n=len(assets), order=order) + (tr("risk.fig.impacts.hatched", n=n_missing) if n_missing else "")
    ax.set(xlabel="", ylabel="")
    ax.set_title(f"{title}\n{sub}", fontsize=11)
    fig.tight_layout()
    return fig


def stress_severity_figure(stresses: pd.DataFrame, *, title: str | None = None):
    """Median severity of each stress with its interquartile range, coloured by trend.

    Examples
    --------
    >>> report.figure(stress_severity_figure(published_stresses), "stress_severity")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch

    from .publishing.plots import _setup

    title = title or tr("risk.fig.severity.title")
    if stresses is None or stresses.empty:
        return _empty_figure(tr("risk.fig.severity.empty"), title)
    plt, _ = _setup()
    data = stresses.assign(**{c: _num(stresses[c]) for c in ["severity", "severity_q1", "severity_q3", "share_worsening", "n"]}).reset_index(drop=True)
    k = len(data)
    fig, ax = plt.subplots(figsize=(9.5, 0.45 * k + 1.9))
    for i, row in data.iterrows():
        if np.isnan(row["severity"]):
            ax.text(0.1, i, tr("risk.fig.not_shown"), va="center", fontsize=8, color="#777777")
            continue
        colour = TREND_COLOURS.get(row["trend"], "#bdbdbd")
        ax.barh(i, row["severity"], color=colour, alpha=0.85, height=0.65)
        ax.plot([row["severity_q1"], row["severity_q3"]], [i, i], color="#212121", lw=1.4)
        ax.text(5.1, i, tr("risk.fig.severity.worsening", share=_pct(row["share_worsening"])), va="center", fontsize=8.5)
    ax.set_yticks(range(k), [_label_n(h, n, 38) for h, n in zip(data["hazard"], data["n"])], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 6.2)
    ax.set_xticks(range(0, 6), ["", *(f"{i} {tr(f'risk.severity.{i}')}" for i in range(1, 6))], fontsize=8)
    ax.legend(handles=[Patch(color=c, label=term(trend, "trend")) for trend, c in TREND_COLOURS.items()], title=tr("risk.fig.severity.legend"), fontsize=8, title_fontsize=8,
              loc="upper center", bbox_to_anchor=(0.5, -0.09 - 0.4 / max(k, 1)), ncol=4, frameon=False)
    ax.set(xlabel=tr("risk.fig.severity.xlabel"), ylabel="", title=title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def compound_figure(compound: pd.DataFrame, *, bands=DEFAULT_BANDS, title: str | None = None):
    """Each shock's own risk and its compound risk once stresses amplify it.

    Examples
    --------
    >>> report.figure(compound_figure(published_compound), "compound_risk")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap

    if compound is None or compound.empty:
        return _empty_figure(tr("risk.fig.compound.empty"), title or tr("risk.fig.compound.short_title"))
    plt, _ = _setup()
    alpha = float(_num(compound["alpha"]).dropna().iloc[0]) if _num(compound["alpha"]).notna().any() else np.nan
    title = title or tr("risk.fig.compound.title", alpha=_fmt(alpha, 2))
    data = compound.assign(score=_num(compound["score"]), compound=_num(compound["compound"]), n=_num(compound["n"])).reset_index(drop=True)
    colours = _band_colours(bands)
    names, uppers = _check_bands(bands)
    k = len(data)
    top = max(np.nanmax(data["compound"].to_numpy()) if data["compound"].notna().any() else MAX_SCORE, MAX_SCORE) * 1.08
    fig, ax = plt.subplots(figsize=(10.5, 0.5 * k + 2.0))
    lo = 0.0
    for name, up in zip(names, uppers):
        hi = top if name == names[-1] else up
        ax.axvspan(lo, hi, color=colours[name], alpha=0.25, lw=0)
        ax.text((lo + min(hi, top)) / 2, -0.75, term(name, "band"), ha="center", va="bottom", fontsize=8, color="#555555")
        lo = up
    for i, row in data.iterrows():
        if np.isnan(row["score"]):
            ax.text(1, i, tr("risk.fig.not_shown"), va="center", fontsize=8, color="#777777")
            continue
        ax.annotate("", xy=(row["compound"], i), xytext=(row["score"], i),
                    arrowprops=dict(arrowstyle="-|>", color="#455a64", lw=1.6, shrinkA=4, shrinkB=4))
        ax.plot(row["score"], i, "o", color="white", mec="#263238", ms=8, zorder=3)
        ax.plot(row["compound"], i, "o", color="#263238", ms=8, zorder=3)
        amp = str(row["amplifiers"]) if isinstance(row["amplifiers"], str) and row["amplifiers"] else tr("risk.fig.compound.no_amplifier")
        ax.text(row["compound"] + top * 0.015, i, _wrap(amp, 60), va="center", fontsize=7.5, color="#37474f")
    ax.set_yticks(range(k), [_label_n(h, n, 34) for h, n in zip(data["hazard"], data["n"])], fontsize=9)
    ax.set_ylim(k - 0.4, -1.0)
    ax.set_xlim(0, top * 1.45)
    ax.set(xlabel=tr("risk.fig.compound.xlabel"), ylabel="", title=title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def stress_network_figure(graph, *, bands=DEFAULT_BANDS, title: str | None = None):
    """The stress -> shock network in two columns, hubs on top and drawn largest.

    Stresses (left) are ordered and sized by their risk reach (:func:`stress_centrality`)
    and coloured by trend; shocks (right) are ordered and sized by risk score and coloured
    by band; edge width is the strength of the link.

    Examples
    --------
    >>> report.figure(stress_network_figure(graph), "stress_network")  # doctest: +SKIP
    """
    import networkx as nx
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .publishing.plots import _setup, _wrap

    stresses = [v for v, d in graph.nodes(data=True) if d.get("kind") == "stress"]
    shocks = [v for v, d in graph.nodes(data=True) if d.get("kind") == "shock"]
    title = title or tr("risk.fig.network.title")
    if not stresses or not shocks:
        return _empty_figure(tr("risk.fig.network.empty"), title)
    plt, _ = _setup()
    reach = dict(graph.out_degree(stresses, weight="risk_weight"))
    stresses = sorted(stresses, key=lambda v: (-reach[v], -np.nan_to_num(graph.nodes[v].get("severity", np.nan)), v))
    shocks = sorted(shocks, key=lambda v: (-np.nan_to_num(graph.nodes[v].get("score", np.nan), nan=-1), v))
    rows = max(len(stresses), len(shocks))
    pos = {}
    for column, nodes in ((0.0, stresses), (1.0, shocks)):
        ys = np.linspace(0, rows - 1, len(nodes)) if len(nodes) > 1 else np.array([(rows - 1) / 2])
        pos.update({v: (column, -y) for v, y in zip(nodes, ys)})
    max_reach = max(max(reach.values()), 1e-9)
    size = {v: 180 + 1600 * reach[v] / max_reach for v in stresses}
    size.update({v: 180 + 1600 * np.nan_to_num(graph.nodes[v].get("score", np.nan)) / MAX_SCORE for v in shocks})
    band_colour = _band_colours(bands)
    colour = {v: TREND_COLOURS.get(graph.nodes[v].get("trend"), "#bdbdbd") for v in stresses}
    colour.update({v: band_colour.get(graph.nodes[v].get("band"), "#bdbdbd") for v in shocks})
    fig, ax = plt.subplots(figsize=(12, 0.52 * rows + 2.4))
    nodes = stresses + shocks
    edges = list(graph.edges(data=True))
    nx.draw_networkx_edges(
        graph, pos, ax=ax, edgelist=[(u, v) for u, v, _ in edges], width=[1.1 * d["strength"] ** 1.3 for _, _, d in edges],
        edge_color=[d["strength"] for _, _, d in edges], edge_cmap=plt.get_cmap("Greys"), edge_vmin=-1.5, edge_vmax=3.2,
        arrows=True, arrowstyle="-|>", arrowsize=11, node_size=[size[v] for v in nodes], nodelist=nodes, alpha=0.85,
    )
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_size=[size[v] for v in nodes], node_color=[colour[v] for v in nodes],
                           edgecolors="#263238", linewidths=0.8, ax=ax)
    ax.set_xlim(-0.95, 1.95)
    # Labels start beyond each node's radius: size is an area in points^2.
    points_per_unit = fig.get_figwidth() * 72 * ax.get_position().width / 2.9
    gap = {v: 0.03 + np.sqrt(size[v]) / 2 / points_per_unit for v in nodes}
    for v in stresses:
        d = graph.nodes[v]
        text = f"{_wrap(str(d.get('label', v)), 34)}\n" + tr("risk.fig.network.stress", severity=_fmt(d.get("severity", np.nan)), reach=f"{reach[v]:.2f}")
        ax.text(-gap[v], pos[v][1], text, ha="right", va="center", fontsize=8.5)
    for v in shocks:
        d = graph.nodes[v]
        n = d.get("n", 0)
        band = term(d.get("band"), "band") if d.get("band") else tr("risk.fig.network.not_rated")
        text = f"{_wrap(str(d.get('label', v)), 34)}\n" + tr("risk.fig.network.shock", score=_fmt(d.get("score", np.nan)), band=band, n=n)
        ax.text(1.0 + gap[v], pos[v][1], text, ha="left", va="center", fontsize=8.5)
    ax.text(0.0, 1.2, tr("risk.fig.network.stresses"), ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.text(1.0, 1.2, tr("risk.fig.network.shocks"), ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.set_xlim(-0.95, 1.95)
    ax.set_ylim(-rows + 0.2, 2.4)
    ax.set_axis_off()
    handles = [Patch(color=TREND_COLOURS[trend], label=tr("risk.fig.network.legend_stress", trend=term(trend, "trend"))) for trend in ("worsening", "stable", "improving")]
    handles += [Patch(color=c, label=tr("risk.fig.network.legend_shock", band=term(b, "band"))) for b, c in band_colour.items()]
    handles += [Line2D([], [], color="#424242", lw=1.1 * s ** 1.3, label=tr("risk.fig.network.legend_link", strength=_strength(s))) for s in (1, 2, 3)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=5, fontsize=8, frameon=False)
    ax.set_title(title)
    fig.tight_layout()
    return fig
