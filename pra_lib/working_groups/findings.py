"""Words of the Phase II working groups: the options and seats in the report language, and the findings.

:func:`propose_working_groups`, :func:`bappeda_everywhere` and :func:`steering_committee`
are the options of :mod:`pra_lib.working_groups.assignment` and the seats of
:mod:`pra_lib.working_groups.committee` with their option name and the reason for each
seat worded in the report language. :func:`findings_working_groups` writes the findings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from ..publishing.i18n import format_number, plural, t, term
from .assignment import (
    DEFAULT_MEMBERS_PER_GROUP,
    DEFAULT_MIN_COORDINATOR_FIT,
    GROUP_LABELS,
    NON_GOVERNMENT,
    WorkingGroups,
    best_fit_groups,
    single_coordinator_groups,
)
from .committee import committee_seats


def _group_text(group) -> str:
    """A stakeholder group as running text ("the private sector"), in the report language."""
    return t(f"wg.group.{group}") if group in GROUP_LABELS else str(group)


def _reason_text(reason: str, group, fit: float) -> str:
    """The reason a member or a seat is there, from its code, in the report language."""
    if reason == "coordinator":
        return t("wg.reason.coordinator")
    if reason == "top_fit":
        return t("wg.reason.top_fit")
    if reason == "represents":
        return t("wg.reason.represents", group=_group_text(group)) + ("" if fit > 0 else t("wg.reason.no_fit"))
    if reason == "broadest":
        return t("wg.reason.broadest", group=_group_text(group))
    if reason == "breadth":
        return t("wg.reason.breadth")
    return reason


def _worded(groups: WorkingGroups, option: str) -> WorkingGroups:
    """``groups`` named ``option``, with the reason of each member in the report language."""
    members = groups.members.copy()
    members["reason"] = [_reason_text(r, g, f) for r, g, f in zip(members["reason"], members["stakeholder_group"], members["fit"])]
    return dataclasses.replace(groups, option=option, members=members)


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
    groups = best_fit_groups(
        fit,
        agencies,
        max_groups_per_coordinator=max_groups_per_coordinator,
        min_coordinator_fit=min_coordinator_fit,
        members_per_group=members_per_group,
        require_groups=require_groups,
        coordinator_groups=coordinator_groups,
        focus_areas=focus_areas,
    )
    return _worded(groups, t("wg.option.best_fit"))


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
    groups = single_coordinator_groups(
        fit,
        agencies,
        coordinator=coordinator,
        members_per_group=members_per_group,
        require_groups=require_groups,
        min_coordinator_fit=min_coordinator_fit,
        focus_areas=focus_areas,
    )
    return _worded(groups, t("wg.option.everywhere", agency=groups.coordinators["agency"].iloc[0]))


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
    out = committee_seats(fit, agencies, size=size, min_fit=min_fit, focus_areas=focus_areas, stakeholder_groups=stakeholder_groups)
    out["reason"] = [_reason_text(r, g, 0.0) for r, g in zip(out["reason"], out["stakeholder_group"])]
    return out


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
        lines.append(t(f"wg.find.total.{verb}", before=format_number(baseline.total_fit, digits=2), option=baseline.option,
                       after=format_number(best.total_fit, digits=2), n=n))
    else:
        lines.append(t("wg.find.total.leaves", after=format_number(best.total_fit, digits=2), n=n))
    base = baseline.coordinators.set_index("focus_area_id")
    per = []
    for _, c in best.coordinators.iterrows():
        b = base.loc[c["focus_area_id"]] if c["focus_area_id"] in base.index else None
        tail = f"; {b['agency']} {format_number(b['fit'], digits=2)}" if b is not None and b["agency_id"] != c["agency_id"] else ""
        per.append("- " + t("wg.find.coordinates", agency=c["agency"], focus_area=c["focus_area"], fit=format_number(c['fit'], digits=2), tail=tail))
    lines.append(t("wg.find.under_best") + "\n\n" + "\n".join(per))
    coord = baseline.parameters.get("coordinator")
    if coord is not None:
        weak = baseline.coordinators[~baseline.coordinators["meets_min_fit"].astype(bool)]
        label = baseline.coordinators["agency"].iloc[0] if len(baseline.coordinators) else coord
        text = t("wg.find.baseline", agency=label, n=n)
        if len(weak):
            text += t("wg.find.baseline_weak", minimum=format_number(baseline.min_coordinator_fit, digits=2), n=len(weak), names=", ".join(f"*{f}*" for f in weak["focus_area"]))
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
