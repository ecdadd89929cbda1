"""City assets and the shocks that hit them: the impact matrix, exposure and reach.

Which assets each shock hits, how exposed each asset is (criticality x impact x shock
risk), and which critical assets no shock reaches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import cell_label
from ..stats.ordinal import descending_ranks
from ._common import _aux, _filter_activity, _hazard_ids, _is_assessment, _names, _primary, _score_lookup, _warn
from .bands import MAX_SCORE

DEFAULT_CRITICAL = 4  # an asset with criticality >= 4 is critical
DEFAULT_HIT = 3  # a shock with impact >= 3 on an asset "hits" it


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
        ``asset_id``, ``asset``, ``category``, ``area``, ``area_name`` (``"(city-wide)"``,
        in English, for an asset with no area), ``criticality``, ``shock_id``, ``shock``,
        ``impact`` (0 none .. 5 loss of function; the median when several tables rated the
        pair; missing when nobody did) and ``n_ratings``.

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
    citywide = cell_label("overview.citywide")  # tables keep English; findings translate
    out["area_name"] = out["area"].map(lambda a: area_names.get(a, a) if isinstance(a, str) else citywide)
    out["criticality"] = _num(out["asset_id"].map(info["criticality"])) if "criticality" in info else np.nan
    out["shock"] = out["shock_id"].map(lambda h: names.get(h, h))
    out["impact"] = agg["median"].to_numpy(dtype=float)
    out["n_ratings"] = agg["count"].fillna(0).to_numpy(dtype=int)
    if not len(rows):
        _warn("there are no asset impact ratings; every impact is missing")
    return out[columns]


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
    out["rank"] = descending_ranks(out["exposure"].to_numpy(dtype=float), "min")
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
