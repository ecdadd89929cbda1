"""Phase II working groups (*Kelompok Kerja*, Pokja): who fits which focus area.

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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .actions import _ids, _table, _warn, agency_labels
from .publishing.i18n import english, pick, plural, t, term

__all__ = [
    "Comparison",
    "WorkingGroups",
    "bappeda_everywhere",
    "compare",
    "comparison_chart",
    "findings_working_groups",
    "fit",
    "fit_heatmap",
    "fit_matrix",
    "propose_working_groups",
    "steering_committee",
]

DEFAULT_ROLE_WEIGHTS = {"lead": 1.0, "support": 0.5}
DEFAULT_ACTION_WEIGHT = 1 / 3
DEFAULT_MIN_COORDINATOR_FIT = 0.3
DEFAULT_MEMBERS_PER_GROUP = 4
NON_GOVERNMENT = ("academia", "private", "community")
GROUP_LABELS = {g: english(f"wg.group.{g}") for g in ("government", "academia", "private", "community")}
BEST_FIT = english("wg.option.best_fit")
BAPPEDA_EVERYWHERE = "Bappeda everywhere"


# ---------------------------------------------------------------------------
# Fit
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Working groups
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingGroups:
    """One option for the Phase II working groups.

    Attributes
    ----------
    option : str
        Name of the option (``"best fit"``, ``"Bappeda everywhere"``).
    coordinators : pandas.DataFrame
        One row per working group: ``focus_area_id``, ``focus_area``, ``agency_id``,
        ``agency``, ``stakeholder_group``, ``fit``, ``mandate_fit``, ``action_fit`` and
        ``meets_min_fit``.
    members : pandas.DataFrame
        The full roster, coordinator included: ``focus_area_id``, ``focus_area``,
        ``agency_id``, ``agency``, ``stakeholder_group``, ``role`` (coordinator / member),
        ``reason`` and ``fit``.
    total_fit : float
        Sum of the coordinators' fit.
    min_coordinator_fit, max_groups_per_coordinator : float, int
        The constraints the option was built with (the Bappeda option only reports them).
    """

    option: str
    coordinators: pd.DataFrame
    members: pd.DataFrame
    total_fit: float
    min_coordinator_fit: float
    max_groups_per_coordinator: int | None
    parameters: dict = field(default_factory=dict)

    def roster(self) -> pd.DataFrame:
        """One row per group: the focus area, its coordinator and fit, and its members.

        Examples
        --------
        >>> report.table(groups.roster(), "working_groups", count=None)  # doctest: +SKIP
        """
        rows = []
        for _, c in self.coordinators.iterrows():
            mem = self.members[(self.members["focus_area_id"] == c["focus_area_id"]) & (self.members["role"] == "member")]
            rows.append(
                {
                    "focus_area_id": c["focus_area_id"],
                    "focus_area": c["focus_area"],
                    "coordinator": c["agency"],
                    "coordinator_fit": c["fit"],
                    "meets_min_fit": c["meets_min_fit"],
                    "members": ", ".join(mem["agency"]),
                    "n_members": len(mem),
                    "stakeholder_groups": ", ".join(_group_sort(pd.concat([pd.Series([c["stakeholder_group"]]), mem["stakeholder_group"]]).dropna().unique())),
                }
            )
        return pd.DataFrame(rows, columns=["focus_area_id", "focus_area", "coordinator", "coordinator_fit", "meets_min_fit", "members", "n_members", "stakeholder_groups"])


def _group_text(group) -> str:
    """A stakeholder group as running text ("the private sector"), in the report language."""
    return t(f"wg.group.{group}") if group in GROUP_LABELS else str(group)


def _group_sort(groups) -> list[str]:
    """Stakeholder groups in the method's order (government, academia, private, community), others after."""
    order = {g: i for i, g in enumerate(GROUP_LABELS)}
    return sorted(groups, key=lambda g: (order.get(g, len(order)), str(g)))


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


def _coordinator_rows(assign: dict[str, str], fit_table: pd.DataFrame, fas: pd.DataFrame, orgs: pd.DataFrame, min_fit: float) -> pd.DataFrame:
    info = orgs.set_index("agency_id")
    lookup = fit_table.set_index(["focus_area_id", "agency_id"])
    rows = []
    for _, f in fas.iterrows():
        a = assign[f["focus_area_id"]]
        key = (f["focus_area_id"], a)
        get = (lambda c: float(lookup.loc[key, c]) if key in lookup.index and c in lookup else (0.0 if c == "fit" else np.nan))
        value = get("fit")
        rows.append(
            {
                "focus_area_id": f["focus_area_id"],
                "focus_area": f["focus_area"],
                "agency_id": a,
                "agency": info.loc[a, "agency"],
                "stakeholder_group": info.loc[a, "stakeholder_group"],
                "fit": value,
                "mandate_fit": get("mandate_fit"),
                "action_fit": get("action_fit"),
                "meets_min_fit": bool(value >= min_fit),
            }
        )
    return pd.DataFrame(rows)


def _members(coordinators: pd.DataFrame, fit_table: pd.DataFrame, fas: pd.DataFrame, orgs: pd.DataFrame, *, members_per_group: int, require_groups: Sequence[str]) -> pd.DataFrame:
    """Coordinator, the top-fit organisations, and the best-fit one of each required group."""
    mat = _fit_matrix(fit_table, fas, orgs).fillna(0.0)
    order = {a: i for i, a in enumerate(orgs["agency_id"])}
    group_of = dict(zip(orgs["agency_id"], orgs["stakeholder_group"]))
    label_of = dict(zip(orgs["agency_id"], orgs["agency"]))
    rows = []
    for _, f in fas.iterrows():
        fid = f["focus_area_id"]
        coord = coordinators.set_index("focus_area_id").loc[fid, "agency_id"]
        fits = mat.loc[fid]
        ranked = sorted((a for a in orgs["agency_id"] if a != coord), key=lambda a: (-fits[a], order[a]))
        chosen = [(coord, "coordinator", t("wg.reason.coordinator"))]
        top = [a for a in ranked if fits[a] > 0][:members_per_group]
        chosen += [(a, "member", t("wg.reason.top_fit")) for a in top]
        for group in require_groups:
            if any(group_of[a] == group for a, _, _ in chosen):
                continue
            best = next(a for a in ranked if group_of[a] == group)
            reason = t("wg.reason.represents", group=_group_text(group)) + ("" if fits[best] > 0 else t("wg.reason.no_fit"))
            chosen.append((best, "member", reason))
        for a, role, reason in chosen:
            rows.append({"focus_area_id": fid, "focus_area": f["focus_area"], "agency_id": a, "agency": label_of[a], "stakeholder_group": group_of[a],
                         "role": role, "reason": reason, "fit": float(fits[a])})
    return pd.DataFrame(rows, columns=["focus_area_id", "focus_area", "agency_id", "agency", "stakeholder_group", "role", "reason", "fit"])


def _check_groups(orgs: pd.DataFrame, require_groups: Sequence[str]) -> tuple[str, ...]:
    require_groups = tuple(require_groups or ())
    present = set(orgs["stakeholder_group"].dropna())
    missing = [g for g in require_groups if g not in present]
    if missing:
        raise ValueError(
            f"every working group must include {', '.join(require_groups)}, but the agencies table has no organisation of "
            f"stakeholder group(s) {', '.join(missing)}; add one, or leave the group out of require_groups"
        )
    return require_groups


def _check_members_per_group(members_per_group: int) -> int:
    if int(members_per_group) != members_per_group or members_per_group < 0:
        raise ValueError(f"members_per_group must be an integer >= 0, not {members_per_group!r}")
    return int(members_per_group)


def propose_working_groups(
    fit,
    agencies,
    *,
    max_groups_per_coordinator: int = 1,
    min_coordinator_fit: float = DEFAULT_MIN_COORDINATOR_FIT,
    members_per_group: int = DEFAULT_MEMBERS_PER_GROUP,
    require_groups: Sequence[str] = NON_GOVERNMENT,
    coordinator_groups: Sequence[str] | None = ("government",),
    focus_areas: Sequence[str] | None = None,
) -> WorkingGroups:
    """One working group (Pokja) per selected focus area, coordinated by the best-fitting agency.

    The coordinators are chosen together, as an assignment problem: the total coordinator
    fit is maximised (:func:`scipy.optimize.linear_sum_assignment`) subject to

    * every group's coordinator has ``fit >= min_coordinator_fit``;
    * no organisation coordinates more than ``max_groups_per_coordinator`` groups (each
      candidate's column is repeated that many times in the cost matrix).

    Members: the ``members_per_group`` organisations with the highest (positive) fit
    besides the coordinator, plus, for each stakeholder group in ``require_groups`` not yet
    present, its best-fitting organisation (even with fit 0, so that every group hears
    academia, the private sector and the community).

    Parameters
    ----------
    fit : pandas.DataFrame
        Output of :func:`fit`.
    agencies : pandas.DataFrame or Assessment
        The ``agencies`` table (stakeholder groups and names).
    max_groups_per_coordinator : int
        How many groups one organisation may coordinate.
    min_coordinator_fit : float
        Lowest fit a coordinator may have (0.3 by default: for example an agency that
        leads about half of the focus area's goals and hazards, or leads a third and acts
        on a third).
    members_per_group : int
        Top-fit members besides the coordinator and the stakeholder-group seats.
    require_groups : sequence of str
        Stakeholder groups every group must include.
    coordinator_groups : sequence of str or None
        Stakeholder groups that may coordinate; ``("government",)`` by default (a Pokja is
        an instrument of the provincial government, and the January 2018 note weighs the
        fit of the OPDs). ``None`` lets any organisation coordinate.
    focus_areas : sequence of str, optional
        Focus areas to staff; by default those marked ``selected`` (all, when none is).

    Returns
    -------
    WorkingGroups

    Raises
    ------
    ValueError
        When the groups cannot be staffed under the constraints; the message names the
        focus area(s) and the candidates they compete for.

    Examples
    --------
    >>> f = fit(assessment)                                             # doctest: +SKIP
    >>> groups = propose_working_groups(f, assessment.agencies)         # doctest: +SKIP
    >>> groups.coordinators[["focus_area_id", "agency", "fit"]]         # doctest: +SKIP
    """
    from scipy.optimize import linear_sum_assignment

    fit_table = _check_fit(fit)
    orgs = _agencies(agencies)
    if int(max_groups_per_coordinator) != max_groups_per_coordinator or max_groups_per_coordinator < 1:
        raise ValueError(f"max_groups_per_coordinator must be an integer >= 1, not {max_groups_per_coordinator!r}")
    k = int(max_groups_per_coordinator)
    min_fit = float(min_coordinator_fit)
    members_per_group = _check_members_per_group(members_per_group)
    require_groups = _check_groups(orgs, require_groups)
    fas = _chosen_focus_areas(fit_table, focus_areas)
    candidates = orgs if coordinator_groups is None else orgs[orgs["stakeholder_group"].isin(list(coordinator_groups))]
    if candidates.empty:
        raise ValueError(f"no organisation of stakeholder group(s) {', '.join(coordinator_groups)} may coordinate")
    mat = _fit_matrix(fit_table, fas, candidates)
    values = mat.to_numpy()
    allowed = np.isfinite(values) & (values >= min_fit)
    names = dict(zip(fas["focus_area_id"], fas["focus_area"]))

    def name(f):
        return f"{f} '{names[f]}'"

    nobody = [f for f, row in zip(mat.index, allowed) if not row.any()]
    if nobody:
        raise ValueError(
            "cannot staff every working group: focus area "
            + "; ".join(f"{name(f)} has no candidate coordinator with fit >= {min_fit:g} (best: {_best_text(mat.loc[f], candidates)})" for f in nobody)
            + ". Lower min_coordinator_fit or widen coordinator_groups."
        )
    n_f, n_a = values.shape
    if n_f > n_a * k:
        raise ValueError(f"cannot staff every working group: {n_f} focus areas but only {n_a} candidate coordinators x {k} group(s) each; raise max_groups_per_coordinator")
    big = 10.0 * (n_f + 1)  # larger than any total fit, so a forbidden pair is used only when unavoidable
    cost = np.where(allowed, -np.nan_to_num(values), big)
    rows, cols = linear_sum_assignment(np.tile(cost, (1, k)))
    agency_ids = list(mat.columns)
    assign = {mat.index[r]: agency_ids[c % n_a] for r, c in zip(rows, cols)}
    stuck = [mat.index[r] for r, c in zip(rows, cols) if not allowed[r, c % n_a]]
    if stuck:
        rivals = sorted({agency_ids[j] for f in stuck for j in np.flatnonzero(allowed[list(mat.index).index(f)])})
        label = dict(zip(candidates["agency_id"], candidates["agency"]))
        raise ValueError(
            "cannot staff every working group: focus area "
            + ", ".join(name(f) for f in stuck)
            + f" cannot get a coordinator with fit >= {min_fit:g}: its candidates ({', '.join(label[a] for a in rivals)}) are needed by other groups "
            + f"and may coordinate at most {k} group(s) each. Raise max_groups_per_coordinator or lower min_coordinator_fit."
        )
    coordinators = _coordinator_rows(assign, fit_table, fas, orgs, min_fit)
    members = _members(coordinators, fit_table, fas, orgs, members_per_group=members_per_group, require_groups=require_groups)
    return WorkingGroups(
        option=t("wg.option.best_fit"),
        coordinators=coordinators,
        members=members,
        total_fit=float(coordinators["fit"].sum()),
        min_coordinator_fit=min_fit,
        max_groups_per_coordinator=k,
        parameters={"members_per_group": members_per_group, "require_groups": require_groups, "coordinator_groups": coordinator_groups},
    )


def _best_text(row: pd.Series, orgs: pd.DataFrame) -> str:
    if row.dropna().empty:
        return "none"
    a = row.fillna(-1).idxmax()
    return f"{dict(zip(orgs['agency_id'], orgs['agency'])).get(a, a)}, {row[a]:.2f}"


def bappeda_everywhere(
    fit,
    agencies,
    *,
    coordinator: str = "bappeda",
    members_per_group: int = DEFAULT_MEMBERS_PER_GROUP,
    require_groups: Sequence[str] = NON_GOVERNMENT,
    min_coordinator_fit: float = DEFAULT_MIN_COORDINATOR_FIT,
    focus_areas: Sequence[str] | None = None,
) -> WorkingGroups:
    """The January 2018 proposal: one organisation (Bappeda) coordinates every working group.

    Members are chosen as in :func:`propose_working_groups`. ``min_coordinator_fit`` is not
    enforced; it only marks the groups where the coordinator falls short
    (``meets_min_fit``).

    Parameters
    ----------
    fit : pandas.DataFrame
        Output of :func:`fit`.
    agencies : pandas.DataFrame or Assessment
        The ``agencies`` table.
    coordinator : str
        ``agency_id`` of the coordinator of every group.
    members_per_group, require_groups, focus_areas
        As in :func:`propose_working_groups`.
    min_coordinator_fit : float
        Threshold used to mark weak coordination.

    Returns
    -------
    WorkingGroups

    Examples
    --------
    >>> baseline = bappeda_everywhere(f, assessment.agencies)   # doctest: +SKIP
    >>> baseline.total_fit                                      # doctest: +SKIP
    """
    fit_table = _check_fit(fit)
    orgs = _agencies(agencies)
    if coordinator not in set(orgs["agency_id"]):
        raise ValueError(f"coordinator {coordinator!r} is not in the agencies table")
    members_per_group = _check_members_per_group(members_per_group)
    require_groups = _check_groups(orgs, require_groups)
    fas = _chosen_focus_areas(fit_table, focus_areas)
    min_fit = float(min_coordinator_fit)
    assign = {f: coordinator for f in fas["focus_area_id"]}
    coordinators = _coordinator_rows(assign, fit_table, fas, orgs, min_fit)
    members = _members(coordinators, fit_table, fas, orgs, members_per_group=members_per_group, require_groups=require_groups)
    label = dict(zip(orgs["agency_id"], orgs["agency"]))[coordinator]
    return WorkingGroups(
        option=t("wg.option.everywhere", agency=label),
        coordinators=coordinators,
        members=members,
        total_fit=float(coordinators["fit"].sum()),
        min_coordinator_fit=min_fit,
        max_groups_per_coordinator=None,
        parameters={"members_per_group": members_per_group, "require_groups": require_groups, "coordinator": coordinator},
    )


# ---------------------------------------------------------------------------
# Comparison and steering committee
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Two working-group options side by side (tidy long tables, one row per option).

    Attributes
    ----------
    options : tuple of str
        The two option names, in the order given.
    totals : pandas.DataFrame
        ``option``, ``n_groups``, ``total_fit``, ``mean_fit``, ``lowest_fit``,
        ``groups_below_min``, ``n_coordinators`` (distinct) and
        ``most_groups_per_coordinator``.
    groups : pandas.DataFrame
        ``focus_area_id``, ``focus_area``, ``option``, ``agency_id``, ``agency``, ``fit``,
        ``meets_min_fit``: each group's coordinator under each option.
    workload : pandas.DataFrame
        ``agency_id``, ``agency``, ``stakeholder_group``, ``option``,
        ``groups_coordinated``, ``groups_joined`` (as a member) and ``groups_total``, for
        every organisation with a role under either option.
    """

    options: tuple[str, str]
    totals: pd.DataFrame
    groups: pd.DataFrame
    workload: pd.DataFrame


def compare(option_a: WorkingGroups, option_b: WorkingGroups) -> Comparison:
    """Compare two working-group options: total and per-group coordinator fit, and workload.

    Parameters
    ----------
    option_a, option_b : WorkingGroups
        For example :func:`propose_working_groups` and :func:`bappeda_everywhere`.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> c = compare(best, baseline)   # doctest: +SKIP
    >>> c.totals                      # doctest: +SKIP
    """
    a_name, b_name = option_a.option, option_b.option
    if a_name == b_name:
        a_name, b_name = f"{a_name} (A)", f"{b_name} (B)"
    totals, groups, work = [], [], []
    for name, opt in ((a_name, option_a), (b_name, option_b)):
        c = opt.coordinators
        per = c["agency_id"].value_counts()
        totals.append(
            {
                "option": name,
                "n_groups": len(c),
                "total_fit": float(c["fit"].sum()),
                "mean_fit": float(c["fit"].mean()) if len(c) else np.nan,
                "lowest_fit": float(c["fit"].min()) if len(c) else np.nan,
                "groups_below_min": int((~c["meets_min_fit"].astype(bool)).sum()),
                "n_coordinators": int(c["agency_id"].nunique()),
                "most_groups_per_coordinator": int(per.max()) if len(per) else 0,
            }
        )
        groups.append(c[["focus_area_id", "focus_area", "agency_id", "agency", "fit", "meets_min_fit"]].assign(option=name))
        m = opt.members
        w = m.groupby(["agency_id", "agency", "stakeholder_group"], dropna=False).agg(
            groups_coordinated=("role", lambda s: int((s == "coordinator").sum())),
            groups_joined=("role", lambda s: int((s == "member").sum())),
        ).reset_index()
        work.append(w.assign(option=name))
    workload = pd.concat(work, ignore_index=True)
    everyone = workload[["agency_id", "agency", "stakeholder_group"]].drop_duplicates("agency_id")
    grid = everyone.merge(pd.DataFrame({"option": [a_name, b_name]}), how="cross")
    workload = grid.merge(workload.drop(columns=["agency", "stakeholder_group"]), on=["agency_id", "option"], how="left")
    for col in ("groups_coordinated", "groups_joined"):
        workload[col] = workload[col].fillna(0).astype("int64")
    workload["groups_total"] = workload["groups_coordinated"] + workload["groups_joined"]
    workload = workload.sort_values(["option", "groups_coordinated", "groups_total", "agency_id"], ascending=[True, False, False, True], key=lambda s: s.map({a_name: 0, b_name: 1}) if s.name == "option" else s, kind="stable")
    group_table = pd.concat(groups, ignore_index=True)[["focus_area_id", "focus_area", "option", "agency_id", "agency", "fit", "meets_min_fit"]]
    order = {f: i for i, f in enumerate(pd.unique(group_table["focus_area_id"]))}
    group_table = group_table.sort_values(["focus_area_id", "option"], key=lambda s: s.map(order) if s.name == "focus_area_id" else s.map({a_name: 0, b_name: 1}), kind="stable")
    return Comparison(
        options=(a_name, b_name),
        totals=pd.DataFrame(totals),
        groups=group_table.reset_index(drop=True),
        workload=workload[["agency_id", "agency", "stakeholder_group", "option", "groups_coordinated", "groups_joined", "groups_total"]].reset_index(drop=True),
    )


def steering_committee(fit, agencies, *, size: int = 7, min_fit: float = 0.0, focus_areas: Sequence[str] | None = None, stakeholder_groups: Sequence[str] | None = None) -> pd.DataFrame:
    """A Steering Committee that spans the focus areas and every stakeholder group.

    Rule: each organisation's *breadth* is the number of (selected) focus areas in which
    its fit exceeds ``min_fit``; ties are broken by its mean fit over those focus areas,
    then by the agencies table's order. The committee first seats the broadest
    organisation of each stakeholder group (so every group has at least one seat), then
    fills the remaining seats by breadth. A steering committee steers across all focus
    areas, so breadth, not depth in one area, decides.

    Parameters
    ----------
    fit : pandas.DataFrame
        Output of :func:`fit`.
    agencies : pandas.DataFrame or Assessment
        The ``agencies`` table.
    size : int
        Number of seats; at least the number of stakeholder groups.
    min_fit : float
        A focus area counts towards breadth when the fit is above this.
    focus_areas : sequence of str, optional
        As in :func:`propose_working_groups`.
    stakeholder_groups : sequence of str, optional
        Groups that must hold a seat; by default every group in ``agencies``.

    Returns
    -------
    pandas.DataFrame
        One row per seat, in seating order: ``seat`` (1..size), ``agency_id``, ``agency``,
        ``stakeholder_group``, ``breadth``, ``n_focus_areas``, ``mean_fit``,
        ``strongest_focus_area`` and ``reason``.

    Examples
    --------
    >>> steering_committee(fit(assessment), assessment.agencies, size=7)  # doctest: +SKIP
    """
    fit_table = _check_fit(fit)
    orgs = _agencies(agencies)
    fas = _chosen_focus_areas(fit_table, focus_areas)
    groups = list(stakeholder_groups) if stakeholder_groups is not None else list(pd.unique(orgs["stakeholder_group"].dropna()))
    missing = [g for g in groups if g not in set(orgs["stakeholder_group"])]
    if missing:
        raise ValueError(f"no organisation of stakeholder group(s) {', '.join(missing)} in the agencies table")
    if int(size) != size or size < len(groups):
        raise ValueError(f"size must be an integer of at least {len(groups)} (one seat per stakeholder group), not {size!r}")
    size = min(int(size), len(orgs))
    mat = _fit_matrix(fit_table, fas, orgs).fillna(0.0)
    names = dict(zip(fas["focus_area_id"], fas["focus_area"]))
    table = orgs.copy()
    table["breadth"] = [(mat[a] > min_fit).sum() for a in orgs["agency_id"]]
    table["n_focus_areas"] = len(fas)
    table["mean_fit"] = [float(mat[a].mean()) for a in orgs["agency_id"]]
    table["strongest_focus_area"] = [names[mat[a].idxmax()] if mat[a].max() > 0 else None for a in orgs["agency_id"]]
    table["_order"] = np.arange(len(table))
    table = table.sort_values(["breadth", "mean_fit", "_order"], ascending=[False, False, True], kind="stable")
    seats, reasons = [], {}
    for g in groups:
        best = table[table["stakeholder_group"] == g].iloc[0]["agency_id"]
        seats.append(best)
        reasons[best] = t("wg.reason.broadest", group=_group_text(g))
    for a in table["agency_id"]:
        if len(seats) >= size:
            break
        if a not in seats:
            seats.append(a)
            reasons[a] = t("wg.reason.breadth")
    out = table.set_index("agency_id").loc[seats].reset_index()
    out["reason"] = [reasons[a] for a in out["agency_id"]]
    # Present in breadth order, keeping every group's seat.
    out = out.sort_values(["breadth", "mean_fit", "_order"], ascending=[False, False, True], kind="stable").reset_index(drop=True)
    out.insert(0, "seat", np.arange(1, len(out) + 1))
    return out[["seat", "agency_id", "agency", "stakeholder_group", "breadth", "n_focus_areas", "mean_fit", "strongest_focus_area", "reason"]]


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------


def findings_working_groups(best: WorkingGroups, baseline: WorkingGroups, *, steering: pd.DataFrame | None = None) -> str:
    """Markdown findings, computed from the two working-group options (and the committee).

    Parameters
    ----------
    best : WorkingGroups
        The best-fit proposal (:func:`propose_working_groups`).
    baseline : WorkingGroups
        The January 2018 proposal (:func:`bappeda_everywhere`).
    steering : pandas.DataFrame, optional
        :func:`steering_committee`.

    Returns
    -------
    str

    Examples
    --------
    >>> Markdown(findings_working_groups(best, baseline, steering=sc))  # doctest: +SKIP
    """
    n = len(best.coordinators)
    lines = []
    diff = best.total_fit - baseline.total_fit
    if diff > 1e-12 or diff < -1e-12:
        verb = "raises" if diff > 0 else "lowers"
        lines.append(t(f"wg.find.total.{verb}", before=f"{baseline.total_fit:.2f}", option=baseline.option,
                       after=f"{best.total_fit:.2f}", n=n))
    else:
        lines.append(t("wg.find.total.leaves", after=f"{best.total_fit:.2f}", n=n))
    base = baseline.coordinators.set_index("focus_area_id")
    per = []
    for _, c in best.coordinators.iterrows():
        b = base.loc[c["focus_area_id"]] if c["focus_area_id"] in base.index else None
        tail = f"; {b['agency']} {b['fit']:.2f}" if b is not None and b["agency_id"] != c["agency_id"] else ""
        per.append("- " + t("wg.find.coordinates", agency=c["agency"], focus_area=c["focus_area"], fit=f"{c['fit']:.2f}", tail=tail))
    lines.append(t("wg.find.under_best") + "\n\n" + "\n".join(per))
    coord = baseline.parameters.get("coordinator")
    if coord is not None:
        weak = baseline.coordinators[~baseline.coordinators["meets_min_fit"].astype(bool)]
        label = baseline.coordinators["agency"].iloc[0] if len(baseline.coordinators) else coord
        text = t("wg.find.baseline", agency=label, n=n)
        if len(weak):
            text += t("wg.find.baseline_weak", minimum=f"{baseline.min_coordinator_fit:.2f}", n=len(weak), names=", ".join(f"*{f}*" for f in weak["focus_area"]))
        kept = best.coordinators[best.coordinators["agency_id"] == coord]
        if len(kept):
            text += t("wg.find.kept", agency=label, names=", ".join(f"*{f}*" for f in kept["focus_area"]))
        lines.append(text + ".")
    per_coord = best.coordinators["agency_id"].value_counts()
    most = int(per_coord.max())
    lines.append(t("wg.find.spread", n=best.coordinators["agency_id"].nunique())
                 + (t("wg.find.spread_one") if most == 1 else t("wg.find.spread_most", n=most)))
    zero = best.members[(best.members["role"] == "member") & (best.members["fit"] <= 0)]
    if len(zero):
        who = zero.groupby(["agency", "stakeholder_group"], sort=False)["focus_area_id"].nunique().reset_index()
        required = [_group_text(g) for g in best.parameters.get("require_groups", ())]
        listed = t("wg.find.list", first=", ".join(required[:-1]), last=required[-1]) if len(required) > 1 else "".join(required)
        opening = t("wg.find.every_group", groups=listed) if required else t("wg.find.some")
        lines.append(t("wg.find.representation", opening=opening, items="; ".join(
            t(f"wg.find.representation_item.{plural(r['focus_area_id'] != 1)}", agency=r["agency"], group=term(r["stakeholder_group"], "stakeholder_group"), n=r["focus_area_id"])
            for _, r in who.iterrows())))
    if steering is not None and len(steering):
        groups = steering["stakeholder_group"].nunique()
        lines.append(t("wg.find.steering", n=len(steering), groups=groups, names=", ".join(steering["agency"])))
    lines.append(t("wg.find.caveat"))
    return "\n\n".join(lines)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def fit_heatmap(fit, groups: WorkingGroups | None = None, *, focus_areas: Sequence[str] | None = None, title: str | None = None):
    """Heatmap of organisation x focus-area fit, with the coordinators boxed.

    Parameters
    ----------
    fit : pandas.DataFrame
        Output of :func:`fit`.
    groups : WorkingGroups, optional
        An option whose coordinators are boxed and whose members are dotted.
    focus_areas : sequence of str, optional
        Columns to show; by default the groups' focus areas, else the selected ones.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(fit_heatmap(f, best), "fit")   # doctest: +SKIP
    """
    from matplotlib.patches import Rectangle

    from .publishing.plots import _setup, _wrap

    plt, sns = _setup()
    fit_table = _check_fit(fit)
    if groups is not None and focus_areas is None:
        focus_areas = list(groups.coordinators["focus_area_id"])
    fas = _chosen_focus_areas(fit_table, focus_areas)
    orgs = fit_table.drop_duplicates("agency_id")[["agency_id", "agency", "stakeholder_group"]]
    group_order = {g: i for i, g in enumerate(pd.unique(orgs["stakeholder_group"]))}
    mat = _fit_matrix(fit_table, fas, orgs).T
    orgs = orgs.assign(_g=orgs["stakeholder_group"].map(group_order), _best=orgs["agency_id"].map(mat.max(axis=1)), _i=np.arange(len(orgs)))
    orgs = orgs.sort_values(["_g", "_best", "_i"], ascending=[True, False, True])
    mat = mat.loc[orgs["agency_id"]]
    fig, ax = plt.subplots(figsize=(2.0 * len(fas) + 5.0, 0.36 * len(mat) + 3.2))
    # Zeros are left blank so that the organisations that do fit stand out.
    annot = mat.map(lambda v: f"{v:.2f}" if pd.notna(v) and v > 0 else "")
    sns.heatmap(mat, annot=annot, fmt="", cmap="YlGnBu", vmin=0, vmax=1, linewidths=0.5, linecolor="#ffffff", annot_kws={"fontsize": 8},
                cbar_kws={"label": t("wg.fig.fit.cbar"), "shrink": 0.6}, ax=ax)
    ax.grid(False)
    ax.set_yticks(np.arange(len(mat)) + 0.5, [_wrap(f"{a}  [{term(g, 'stakeholder_group')}]", 44) for a, g in zip(orgs["agency"], orgs["stakeholder_group"])], rotation=0, fontsize=8.5)
    ax.set_xticks(np.arange(len(fas)) + 0.5, [_wrap(f"{f} {n}", 20) for f, n in zip(fas["focus_area_id"], fas["focus_area"])], rotation=0, fontsize=8.5)
    ax.xaxis.tick_top()
    # Lines between stakeholder groups.
    bounds = np.flatnonzero(np.diff(orgs["_g"].to_numpy())) + 1
    for b in bounds:
        ax.axhline(b, color="#333333", lw=1.2)
    sub = t("wg.fig.fit.subtitle", n=len(mat), k=len(fas))
    if groups is not None:
        rows = {a: i for i, a in enumerate(mat.index)}
        cols = {f: j for j, f in enumerate(mat.columns)}
        for _, m in groups.members.iterrows():
            i, j = rows.get(m["agency_id"]), cols.get(m["focus_area_id"])
            if i is None or j is None:
                continue
            if m["role"] == "coordinator":
                ax.add_patch(Rectangle((j + 0.04, i + 0.06), 0.92, 0.88, fill=False, edgecolor="#d7301f", lw=2.4))
            else:
                ax.plot(j + 0.9, i + 0.25, marker="o", ms=4, color="#d7301f")
        sub += t("wg.fig.fit.marks", option=groups.option)
    ax.set(xlabel="", ylabel="")
    ax.set_title(sub, fontsize=9, pad=38)
    fig.suptitle(title or t("wg.fig.fit.title"), fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def comparison_chart(comparison: Comparison, *, min_coordinator_fit: float | None = DEFAULT_MIN_COORDINATOR_FIT, title: str | None = None):
    """Coordinator fit per focus area under two options, with the coordinators named.

    Parameters
    ----------
    comparison : Comparison
        Output of :func:`compare`.
    min_coordinator_fit : float or None
        Drawn as a dashed line; ``None`` draws none.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(comparison_chart(compare(best, baseline)), "comparison")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap

    plt, _ = _setup()
    g = comparison.groups
    fas = list(pd.unique(g["focus_area_id"]))
    names = dict(zip(g["focus_area_id"], g["focus_area"]))
    colours = ["#2166ac", "#f4a582"]
    fig, ax = plt.subplots(figsize=(10.5, 0.95 * len(fas) + 2.4))
    height = 0.38
    totals = comparison.totals.set_index("option")
    for k, option in enumerate(comparison.options):
        part = g[g["option"] == option].set_index("focus_area_id").reindex(fas)
        y = np.arange(len(fas)) + (k - 0.5) * height
        total = totals.loc[option, "total_fit"]
        ax.barh(y, part["fit"].fillna(0), height=height * 0.95, color=colours[k], label=t("wg.fig.comp.option", option=option, total=f"{total:.2f}"))
        for yy, v, who in zip(y, part["fit"].fillna(0), part["agency"]):
            ax.text(v + 0.01, yy, f"{who} ({v:.2f})", va="center", fontsize=8.5)
    ax.set_yticks(np.arange(len(fas)), [_wrap(f"{f} {names[f]}", 30) for f in fas], fontsize=9)
    ax.invert_yaxis()
    if min_coordinator_fit is not None:
        ax.axvline(min_coordinator_fit, color="#b2182b", ls="--", lw=1, label=t("wg.fig.comp.minimum", fit=f"{min_coordinator_fit:.2f}"))
    ax.set_xlim(0, 1.25)
    ax.set_xlabel(t("wg.fig.comp.xlabel"))
    ax.grid(axis="y", visible=False)
    ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
    ax.set_title(t("wg.fig.comp.subtitle", n=len(fas)), fontsize=9.5)
    fig.suptitle(title or t("wg.fig.comp.title"), fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig
