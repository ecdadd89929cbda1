"""Findings of the actions inventory: markdown sentences computed from the coverage and gap tables."""

from __future__ import annotations

import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import format_number, format_percent, t
from ..publishing.privacy import markdown_labels  # names from the data stay text in the Markdown
from ._common import BILLION, _ids, _table


def _name(row: pd.Series) -> str:
    if "goal_id" in row:
        return f"{row['goal_id']} *{row['goal']}*"
    return f"{row['hazard_id']} *{row['hazard']}*"


def _idr(value: float) -> str:
    if pd.isna(value):
        return t("actions.idr.unknown")
    if value >= 1e12:
        return t("actions.idr.trillion", value=format_number(value / 1e12, digits=1))
    return t("actions.idr.billion", value=format_number(value / BILLION, digits=0))


def findings_actions(goal_coverage: pd.DataFrame, hazard_coverage: pd.DataFrame | None = None, *, goal_gaps: pd.DataFrame | None = None, hazard_gaps: pd.DataFrame | None = None, data=None) -> str:
    """Markdown findings of the actions inventory, computed from the coverage tables.

    Parameters
    ----------
    goal_coverage : pandas.DataFrame
        :func:`coverage` by goal.
    hazard_coverage : pandas.DataFrame, optional
        :func:`coverage` by hazard.
    goal_gaps, hazard_gaps : pandas.DataFrame, optional
        :func:`gaps` results; their flagged gaps are named.
    data : Assessment, optional
        When given, the inventory size and known total budget are stated exactly
        (an action counts once, however many goals it addresses).

    Returns
    -------
    str

    Examples
    --------
    >>> Markdown(findings_actions(coverage(a), coverage(a, by="hazard")))  # doctest: +SKIP
    """
    goal_coverage, hazard_coverage, goal_gaps, hazard_gaps = markdown_labels(goal_coverage, hazard_coverage, goal_gaps, hazard_gaps)
    lines = []
    if data is not None:
        acts = _table(data, "actions")
        budgets = _num(acts["budget_idr"])
        n = int(_ids(acts["action_id"]).dropna().nunique())
        if n == 0:
            return t("actions.find.no_inventory")
        lines.append(t("actions.find.inventory", n=n, n_budget=int(budgets.notna().sum()), share_budget=format_percent(budgets.notna().mean()),
                       total=_idr(budgets.sum(min_count=1))))
    g = goal_coverage.copy()
    if int(g["n_actions"].sum()) == 0:
        lines.append(t("actions.find.no_goal_links"))
        return "\n\n".join(lines)
    g = g.sort_values(["n_actions", "goal_id"], ascending=[False, True], kind="stable")
    best = g.head(3)
    lines.append(t("actions.find.best_goals", items="; ".join(t("actions.find.item_actions", name=_name(r), n=r["n_actions"]) for _, r in best.iterrows())))
    least = g.sort_values(["n_actions", "goal_id"], kind="stable").head(3)
    lines.append(t("actions.find.least_goals", items="; ".join(f"{_name(r)} ({r['n_actions']})" for _, r in least.iterrows())))
    if hazard_coverage is not None and len(hazard_coverage):
        h = hazard_coverage.sort_values(["n_actions", "hazard_id"], ascending=[False, True], kind="stable")
        top = h.iloc[0]
        none = h.loc[h["n_actions"] == 0]
        text = t("actions.find.best_hazard", name=_name(top), n=top["n_actions"])
        if len(none):
            text += " " + t("actions.find.no_action_hazards", n=len(none), total=len(h), names=", ".join(none["hazard"]))
        lines.append(text)
    for table, what in ((goal_gaps, "goals"), (hazard_gaps, "hazards")):
        if table is None:
            continue
        flagged = table.loc[table["is_gap"]]
        if flagged.empty:
            lines.append(t(f"actions.find.no_gaps.{what}"))
        else:
            items = "; ".join(t("actions.find.gap_item", name=_name(r), n=int(r["coverage"]), gap=format_number(r['gap_score'], digits=2, sign=True)) for _, r in flagged.iterrows())
            lines.append(t(f"actions.find.gaps.{what}", items=items))
    lines.append(t("actions.find.caveat"))
    return "\n\n".join(lines)
