"""The Phase II working groups: one per selected focus area, coordinated by the best-fitting agency.

:func:`best_fit_groups` chooses the coordinators together, as an assignment problem;
:func:`single_coordinator_groups` gives every group one coordinator (the January 2018
"Bappeda everywhere" proposal). The options they return name the reason each organisation
sits in a group by a code (``reason``: ``coordinator``, ``top_fit``, ``represents``) and
carry an English option name; :func:`pra_lib.working_groups.propose_working_groups` and
:func:`pra_lib.working_groups.bappeda_everywhere` put both in the report language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..publishing.i18n import english
from .fit_scores import _agencies, _check_fit, _chosen_focus_areas, _fit_matrix

DEFAULT_MIN_COORDINATOR_FIT = 0.3
DEFAULT_MEMBERS_PER_GROUP = 4
NON_GOVERNMENT = ("academia", "private", "community")
GROUP_LABELS = {g: english(f"wg.group.{g}") for g in ("government", "academia", "private", "community")}
BEST_FIT = english("wg.option.best_fit")
BAPPEDA_EVERYWHERE = "Bappeda everywhere"


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


def _group_sort(groups) -> list[str]:
    """Stakeholder groups in the method's order (government, academia, private, community), others after."""
    order = {g: i for i, g in enumerate(GROUP_LABELS)}
    return sorted(groups, key=lambda g: (order.get(g, len(order)), str(g)))


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
        chosen = [(coord, "coordinator", "coordinator")]
        top = [a for a in ranked if fits[a] > 0][:members_per_group]
        chosen += [(a, "member", "top_fit") for a in top]
        for group in require_groups:
            if any(group_of[a] == group for a, _, _ in chosen):
                continue
            best = next(a for a in ranked if group_of[a] == group)
            chosen.append((best, "member", "represents"))
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


def best_fit_groups(
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

    The computation behind :func:`pra_lib.working_groups.propose_working_groups`, which
    documents the assignment rule and the parameters and words the option and the reasons
    in the report language. Here the option is named in English (:data:`BEST_FIT`) and
    ``members.reason`` holds a code: ``coordinator``, ``top_fit`` or ``represents`` (a
    required stakeholder group's seat).

    Examples
    --------
    >>> f = fit(assessment)                                      # doctest: +SKIP
    >>> groups = best_fit_groups(f, assessment.agencies)         # doctest: +SKIP
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
        option=BEST_FIT,
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


def single_coordinator_groups(
    fit,
    agencies,
    *,
    coordinator: str = "bappeda",
    members_per_group: int = DEFAULT_MEMBERS_PER_GROUP,
    require_groups: Sequence[str] = NON_GOVERNMENT,
    min_coordinator_fit: float = DEFAULT_MIN_COORDINATOR_FIT,
    focus_areas: Sequence[str] | None = None,
) -> WorkingGroups:
    """The January 2018 proposal, computed: one organisation coordinates every working group.

    The computation behind :func:`pra_lib.working_groups.bappeda_everywhere`, which
    documents the rule and the parameters and words the option in the report language.
    Here the option is named in English and ``members.reason`` holds a code.
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
        option=english("wg.option.everywhere", agency=label),
        coordinators=coordinators,
        members=members,
        total_fit=float(coordinators["fit"].sum()),
        min_coordinator_fit=min_fit,
        max_groups_per_coordinator=None,
        parameters={"members_per_group": members_per_group, "require_groups": require_groups, "coordinator": coordinator},
    )
