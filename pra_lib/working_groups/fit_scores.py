"""How well each organisation fits each focus area of the Phase II working groups, from its mandate and actions.

Phase II of a 100RC strategy studies each focus area in a working group, steered by a
Steering Committee (method brief, section 1). Jakarta's preparatory meeting of January 2018
proposed that Bappeda coordinate *every* group, and noted that this must be weighed against
how well each agency (OPD) fits the role it would hold. This module measures that fit from
the evidence the PRA already holds (each organisation's mandate and the actions it owns),
proposes one working group per selected focus area, compares the proposal with "Bappeda
everywhere", and proposes a Steering Committee.

Fit (see ``docs/methods.md``, "Actions inventory and Phase II working groups")
----------------------------------------------------------------------------
A focus area ``f`` covers a set ``L_f`` of goals and hazards (``focus_area_links``).
For an organisation ``a``:

* ``mandate_fit = sum over l in L_f of w(a, l) / (|L_f| * max(w))``, where ``w(a, l)`` is
  the weight of its role for goal or hazard ``l`` in ``agency_mandates`` (lead 1, support
  0.5 by default; the larger when both are recorded; 0 when none). 1 means the
  organisation leads everything the focus area covers.
* ``action_fit = |{l in L_f : a owns an action linked to l}| / |L_f|``, the share of the
  focus area's goals and hazards the organisation already acts on (``actions`` and
  ``action_links``).
* ``fit = (1 - action_weight) * mandate_fit + action_weight * action_fit``, default
  ``action_weight = 1/3``: the mandate, the formal basis of a coordinating role, counts
  twice as much as the actions, a partial snapshot of current work.

All three run from 0 to 1. A focus area with no links gives every organisation fit 0.

Tables describe organisations, not people; publish them with ``count=None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..actions._common import _ids, _table, _warn
from ..actions.agencies import agency_labels
from ..publishing.i18n import pick

DEFAULT_ROLE_WEIGHTS = {"lead": 1.0, "support": 0.5}
DEFAULT_ACTION_WEIGHT = 1 / 3


def _items(frame: pd.DataFrame, owner: str, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Explode goal_id / hazard_id into one 'item' per row ('goal:G01', 'hazard:SH01')."""
    parts = []
    for col, prefix in (("goal_id", "goal:"), ("hazard_id", "hazard:")):
        ids = _ids(frame[col])
        keep = ids.notna()
        part = pd.DataFrame({owner: _ids(frame.loc[keep, owner]), "item": prefix + ids[keep]})
        for e in extra:
            part[e] = frame.loc[keep, e].to_numpy()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[owner, "item", *extra])
    return out.dropna(subset=[owner])


def _focus_areas(data) -> pd.DataFrame:
    fa = _table(data, "focus_areas")
    out = pd.DataFrame(
        {
            "focus_area_id": _ids(fa["focus_area_id"]),
            "focus_area": [pick(n, i) if isinstance(n, str) and n else f for f, n, i in zip(_ids(fa["focus_area_id"]), fa["name_en"], fa["name_id"] if "name_id" in fa else [None] * len(fa))],
            "selected": fa["selected"].astype(object).map(lambda v: None if pd.isna(v) else bool(v)),
        }
    )
    return out.dropna(subset=["focus_area_id"]).drop_duplicates("focus_area_id").reset_index(drop=True)


def _agencies(agencies) -> pd.DataFrame:
    """agency_id, agency (short name), stakeholder_group, in the table's order."""
    if hasattr(agencies, "tables") or (isinstance(agencies, Mapping) and "agencies" in agencies):
        agencies = _table(agencies, "agencies")
    if not isinstance(agencies, pd.DataFrame):
        raise TypeError(f"agencies must be the agencies DataFrame (or an Assessment), got {type(agencies).__name__}")
    for col in ("agency_id", "stakeholder_group"):
        if col not in agencies:
            raise ValueError(f"agencies must have a {col!r} column (columns: {', '.join(map(str, agencies.columns))})")
    labels = agency_labels(agencies) if "name" in agencies else {}
    out = pd.DataFrame({"agency_id": _ids(agencies["agency_id"]), "stakeholder_group": _ids(agencies["stakeholder_group"])})
    out = out.dropna(subset=["agency_id"]).drop_duplicates("agency_id").reset_index(drop=True)
    out["agency"] = [labels.get(a, a) for a in out["agency_id"]]
    return out[["agency_id", "agency", "stakeholder_group"]]


def fit(data, *, weights: Mapping[str, float] | None = None, action_weight: float = DEFAULT_ACTION_WEIGHT) -> pd.DataFrame:
    """How well each organisation fits each focus area, from its mandate and its actions.

    Parameters
    ----------
    data : Assessment or mapping of DataFrames
        Needs ``agencies``, ``agency_mandates``, ``focus_areas`` and ``focus_area_links``;
        ``actions`` and ``action_links`` are used when present (without them
        ``action_fit`` is 0).
    weights : mapping, optional
        Weight of a mandate role, ``{"lead": 1.0, "support": 0.5}`` by default: leading a
        goal or hazard counts twice as much as supporting it. Missing roles keep their
        default. Weights are divided by the largest one, so only their ratio matters.
    action_weight : float
        Weight of ``action_fit`` in ``fit`` (0 to 1); the mandate gets the rest.

    Returns
    -------
    pandas.DataFrame
        The full grid of organisations x focus areas: ``agency_id``, ``agency``,
        ``stakeholder_group``, ``focus_area_id``, ``focus_area``, ``selected``,
        ``n_links`` (goals and hazards the focus area covers), ``n_lead`` and
        ``n_support`` (of those, in the organisation's mandate), ``n_actions`` (its actions
        addressing any of them), ``links_acted_on``, ``mandate_fit``, ``action_fit`` and
        ``fit`` (all 0 to 1; formulas in the module docstring).

    Examples
    --------
    >>> f = fit(load_assessment("data/sample"))                              # doctest: +SKIP
    >>> f.pivot(index="agency", columns="focus_area_id", values="fit").round(2)  # doctest: +SKIP
    """
    role_w = dict(DEFAULT_ROLE_WEIGHTS)
    for role, value in (weights or {}).items():
        if role not in DEFAULT_ROLE_WEIGHTS:
            raise ValueError(f"weights: unknown role {role!r}; roles are {', '.join(DEFAULT_ROLE_WEIGHTS)}")
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"weights: the weight of {role!r} must be a finite number >= 0, not {value!r}")
        role_w[role] = float(value)
    top_w = max(role_w.values())
    if top_w <= 0:
        raise ValueError("weights: at least one role must have a positive weight")
    action_weight = float(action_weight)
    if not 0 <= action_weight <= 1:
        raise ValueError(f"action_weight must be between 0 and 1, not {action_weight!r}")

    agencies = _agencies(_table(data, "agencies"))
    fas = _focus_areas(data)
    fa_items = _items(_table(data, "focus_area_links"), "focus_area_id").drop_duplicates()
    fa_items = fa_items[fa_items["focus_area_id"].isin(fas["focus_area_id"])]
    n_links = fa_items.groupby("focus_area_id")["item"].nunique()
    empty = [f for f in fas["focus_area_id"] if n_links.get(f, 0) == 0]
    if empty:
        _warn(f"focus area(s) {', '.join(empty)} have no goal or hazard links; every organisation's fit to them is 0")

    mandates = _table(data, "agency_mandates")
    m = _items(mandates, "agency_id", extra=["role"])
    m["w"] = m["role"].map(role_w).astype(float)
    unknown_role = m["w"].isna()
    if unknown_role.any():
        _warn(f"{int(unknown_role.sum())} mandate row(s) have no lead/support role; they are left out")
    m = m[~unknown_role]
    m = m.sort_values("w", ascending=False, kind="stable").drop_duplicates(["agency_id", "item"])
    unknown = sorted(set(m["agency_id"]) - set(agencies["agency_id"]))
    if unknown:
        _warn(f"mandate(s) of {', '.join(unknown)} are left out: not in the agencies table")
    mf = m.merge(fa_items, on="item")
    mand = mf.groupby(["agency_id", "focus_area_id"]).agg(
        mandate_score=("w", "sum"),
        n_lead=("role", lambda s: int((s == "lead").sum())),
        n_support=("role", lambda s: int((s == "support").sum())),
    )

    acts = _table(data, "actions")
    owners = pd.DataFrame({"action_id": _ids(acts["action_id"]), "agency_id": _ids(acts["owner_agency_id"])}).dropna().drop_duplicates("action_id")
    links = _items(_table(data, "action_links"), "action_id").merge(owners, on="action_id")
    af = links.merge(fa_items, on="item")
    act = af.groupby(["agency_id", "focus_area_id"]).agg(n_actions=("action_id", "nunique"), links_acted_on=("item", "nunique"))

    grid = agencies.merge(fas, how="cross")
    grid = grid.merge(mand, left_on=["agency_id", "focus_area_id"], right_index=True, how="left")
    grid = grid.merge(act, left_on=["agency_id", "focus_area_id"], right_index=True, how="left")
    grid["n_links"] = grid["focus_area_id"].map(n_links).fillna(0).astype("int64")
    for col in ("n_lead", "n_support", "n_actions", "links_acted_on"):
        grid[col] = grid[col].fillna(0).astype("int64")
    denom = grid["n_links"].astype(float)
    grid["mandate_fit"] = (grid["mandate_score"].fillna(0.0) / (denom * top_w)).where(denom > 0, 0.0)
    grid["action_fit"] = (grid["links_acted_on"] / denom).where(denom > 0, 0.0)
    grid["fit"] = (1 - action_weight) * grid["mandate_fit"] + action_weight * grid["action_fit"]
    cols = ["agency_id", "agency", "stakeholder_group", "focus_area_id", "focus_area", "selected", "n_links", "n_lead", "n_support",
            "n_actions", "links_acted_on", "mandate_fit", "action_fit", "fit"]
    # Focus area order first, organisations in the agencies table's order within each.
    fa_order = {f: i for i, f in enumerate(fas["focus_area_id"])}
    ag_order = {a: i for i, a in enumerate(agencies["agency_id"])}
    grid = grid.assign(_f=grid["focus_area_id"].map(fa_order), _a=grid["agency_id"].map(ag_order)).sort_values(["_f", "_a"])
    return grid[cols].reset_index(drop=True)


def fit_matrix(fit, *, value: str = "fit", focus_areas: Sequence[str] | None = None) -> pd.DataFrame:
    """The fit as a wide table for reading: one row per organisation, one column per focus area.

    Parameters
    ----------
    fit : pandas.DataFrame
        Output of :func:`fit`.
    value : str
        ``"fit"``, ``"mandate_fit"`` or ``"action_fit"``.
    focus_areas : sequence of str, optional
        Columns; by default the selected focus areas (all, when none is marked).

    Returns
    -------
    pandas.DataFrame
        ``agency``, ``stakeholder_group``, then one column per focus area id, and
        ``best_focus_area``; organisations with no fit anywhere are left out, the others
        are sorted by stakeholder group (agencies table order) and highest fit.

    Examples
    --------
    >>> fit_matrix(fit(assessment)).head()   # doctest: +SKIP
    """
    fit_table = _check_fit(fit)
    if value not in fit_table:
        raise ValueError(f"fit_matrix: column {value!r} not in fit")
    fas = _chosen_focus_areas(fit_table, focus_areas)
    orgs = fit_table.drop_duplicates("agency_id")[["agency_id", "agency", "stakeholder_group"]].reset_index(drop=True)
    mat = _fit_matrix(fit_table, fas, orgs, column=value).T
    out = orgs.set_index("agency_id").join(mat)
    cols = list(fas["focus_area_id"])
    out["best_focus_area"] = [mat.loc[a].idxmax() if mat.loc[a].max() > 0 else None for a in out.index]
    top = mat.max(axis=1)
    group_order = {g: i for i, g in enumerate(pd.unique(orgs["stakeholder_group"]))}
    out = out.assign(_g=out["stakeholder_group"].map(group_order), _top=top, _i=np.arange(len(out)))
    out = out[out["_top"] > 0].sort_values(["_g", "_top", "_i"], ascending=[True, False, True])
    return out.reset_index()[["agency_id", "agency", "stakeholder_group", *cols, "best_focus_area"]]


def _check_fit(fit_table: pd.DataFrame) -> pd.DataFrame:
    need = ["agency_id", "focus_area_id", "fit"]
    if not isinstance(fit_table, pd.DataFrame) or any(c not in fit_table for c in need):
        raise ValueError(f"fit must be the DataFrame returned by working_groups.fit (with columns {', '.join(need)})")
    if fit_table[["agency_id", "focus_area_id"]].duplicated().any():
        raise ValueError("fit has more than one row for an organisation and focus area")
    return fit_table


def _truthy(value) -> bool:
    """A 'selected' flag: missing (None, NaN, pd.NA) counts as not selected."""
    return False if value is None or pd.isna(value) else bool(value)


def _chosen_focus_areas(fit_table: pd.DataFrame, focus_areas: Sequence[str] | None) -> pd.DataFrame:
    fas = fit_table.drop_duplicates("focus_area_id")
    fas = fas.assign(focus_area=fas["focus_area"] if "focus_area" in fas else fas["focus_area_id"])
    if focus_areas is not None:
        wanted = list(focus_areas)
        unknown = [f for f in wanted if f not in set(fas["focus_area_id"])]
        if unknown:
            raise ValueError(f"focus area(s) {', '.join(map(str, unknown))} are not in fit")
        fas = fas.set_index("focus_area_id").loc[wanted].reset_index()
    elif "selected" in fas and fas["selected"].map(_truthy).any():
        fas = fas[fas["selected"].map(_truthy)]
    if fas.empty:
        raise ValueError("there is no focus area to staff (fit is empty)")
    return fas[["focus_area_id", "focus_area"]].reset_index(drop=True)


def _fit_matrix(fit_table: pd.DataFrame, fas: pd.DataFrame, orgs: pd.DataFrame, column: str = "fit") -> pd.DataFrame:
    mat = fit_table.pivot(index="focus_area_id", columns="agency_id", values=column)
    return mat.reindex(index=fas["focus_area_id"], columns=orgs["agency_id"]).astype(float)
