"""Two working-group options side by side: coordinator fit per group and in total, and workload."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataclasses import dataclass

from .assignment import WorkingGroups


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
