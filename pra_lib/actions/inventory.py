"""Coverage of the actions inventory (*Ikhtiar Jakarta*): which existing actions address which goals and hazards.

The PRA's actions inventory lists the plans, programmes and projects the city already has
and links each one to the City Resilience Framework (CRF) goals and the shocks and stresses
it addresses (tables ``actions`` and ``action_links``). This module counts that coverage,
breaks it down by owner agency, and sets it against a *need* the caller supplies (for
example how weak stakeholders rate a goal, or how risky a shock is) to find the gaps: goals
or hazards the evidence marks as weak or risky that few actions address.

Methods (see ``docs/methods.md``, section "Actions inventory and Phase II working groups")
-----------------------------------------------------------------------------------------
* An action linked to a goal (or hazard) twice counts once for it. An action linked to
  several goals counts, with its whole budget, under each of them: coverage per goal is
  not additive across goals, and the inventory total is reported separately.
* Budgets are the *known* budgets: ``budget_known_idr`` sums the actions whose budget is
  recorded, and ``share_budget_known`` says how many of the actions that is. A goal whose
  actions all lack a budget has ``budget_known_idr`` NaN (unknown), not 0.
* Gap score: ``gap = need_norm - coverage_norm`` with
  ``need_norm = (need - min) / (max - min)`` over the goals (or hazards) that have a need,
  and ``coverage_norm = n_actions / max(n_actions)`` (counts have a natural zero: no
  action is no coverage). The score runs from -1 (well covered, little need) to +1
  (greatest need, no action). The ``k`` highest positive scores are flagged as gaps.

Tables describe organisations and actions, not people, so they carry no respondent count;
publish them with ``report.table(..., count=None)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..assessment import crf
from ..assessment.schema import ACTION_STATUSES
from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import goal_label, pick
from ..stats._base import NoDataWarning
from ._common import _ids, _table, _warn
from .agencies import agency_labels

BY = ("goal", "hazard")
_KEY = {"goal": "goal_id", "hazard": "hazard_id"}
_LABEL = {"goal": "goal", "hazard": "hazard"}
_COUNT_COLUMNS = ["n_actions", "n_ongoing", "n_planned", "n_completed", "n_budget_known", "share_budget_known", "budget_known_idr"]


def _check_by(by: str) -> str:
    if by not in BY:
        raise ValueError(f"by must be one of {BY}, not {by!r}")
    return by



def _keys(data, by: str, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Every goal (all 12) or every hazard of the assessment, in order, with its label."""
    if by == "goal":
        ids = list(crf.GOAL_IDS) + sorted(set(extra) - set(crf.GOAL_IDS))
        labels = [goal_label(g) if g in crf.GOAL_IDS else g for g in ids]
        return pd.DataFrame({"goal_id": ids, "goal": labels})
    hazards = _table(data, "hazards")
    hid = _ids(hazards["hazard_id"])
    keep = hid.notna()
    frame = pd.DataFrame(
        {
            "hazard_id": hid[keep].to_list(),
            "hazard": [pick(n, i) if isinstance(n, str) and n else h for h, n, i in zip(hid[keep], hazards.loc[keep, "name_en"], hazards.loc[keep, "name_id"])],
            "hazard_type": _ids(hazards.loc[keep, "hazard_type"]).to_list(),
        }
    ).drop_duplicates("hazard_id")
    unknown = sorted(set(extra) - set(frame["hazard_id"]))
    if unknown:
        frame = pd.concat([frame, pd.DataFrame({"hazard_id": unknown, "hazard": unknown, "hazard_type": [None] * len(unknown)})], ignore_index=True)
    return frame.reset_index(drop=True)


def _linked_actions(data, by: str) -> pd.DataFrame:
    """One row per (action, goal or hazard) link, with the action's owner, status and budget."""
    key = _KEY[by]
    acts = _table(data, "actions")
    links = _table(data, "action_links")
    acts = pd.DataFrame(
        {
            "action_id": _ids(acts["action_id"]),
            "owner_agency_id": _ids(acts["owner_agency_id"]),
            "status": _ids(acts["status"]),
            "budget_idr": _num(acts["budget_idr"]),
        }
    ).dropna(subset=["action_id"]).drop_duplicates("action_id")
    pairs = pd.DataFrame({"action_id": _ids(links["action_id"]), key: _ids(links[key])}).dropna().drop_duplicates()
    orphans = sorted(set(pairs["action_id"]) - set(acts["action_id"]))
    if orphans:
        _warn(f"{len(orphans)} action link(s) name actions missing from the actions table ({', '.join(orphans[:5])}); they are left out")
    return pairs.merge(acts, on="action_id", how="inner")


def _aggregate(linked: pd.DataFrame, by_cols: list[str]) -> pd.DataFrame:
    """Counts, statuses and known budgets per group of (deduplicated) action links."""
    frame = linked.assign(
        _known=linked["budget_idr"].notna(),
        **{f"_{s}": linked["status"] == s for s in ACTION_STATUSES},
    )
    grouped = frame.groupby(by_cols, sort=False)
    out = pd.DataFrame(
        {
            "n_actions": grouped["action_id"].nunique(),
            "n_ongoing": grouped["_ongoing"].sum(),
            "n_planned": grouped["_planned"].sum(),
            "n_completed": grouped["_completed"].sum(),
            "n_budget_known": grouped["_known"].sum(),
            "budget_known_idr": grouped["budget_idr"].sum(min_count=1),
            "n_owner_agencies": grouped["owner_agency_id"].nunique(),
        }
    )
    return out


def _finish_counts(out: pd.DataFrame) -> pd.DataFrame:
    for col in ("n_actions", "n_ongoing", "n_planned", "n_completed", "n_budget_known", "n_owner_agencies"):
        if col in out:
            out[col] = out[col].fillna(0).astype("int64")
    n = out["n_actions"].astype(float)
    out["share_budget_known"] = (out["n_budget_known"] / n).where(n > 0)
    # No action: no money (0). Actions but no budget recorded: unknown (NaN).
    out["budget_known_idr"] = out["budget_known_idr"].astype(float).where(n > 0, 0.0)
    return out


# ---------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------


def coverage(data, *, by: str = "goal") -> pd.DataFrame:
    """How many existing actions address each CRF goal, or each shock and stress.

    Parameters
    ----------
    data : Assessment or mapping of DataFrames
        Needs ``actions`` and ``action_links`` (and ``hazards`` for ``by="hazard"``).
    by : {"goal", "hazard"}
        Per CRF goal (all 12, zeros included) or per hazard (every shock and stress of the
        ``hazards`` table, zeros included).

    Returns
    -------
    pandas.DataFrame
        One row per goal (``goal_id``, ``goal``) or hazard (``hazard_id``, ``hazard``,
        ``hazard_type``), in CRF / hazards-table order, with ``n_actions`` (distinct actions
        linked), ``n_ongoing``, ``n_planned``, ``n_completed``, ``n_budget_known``,
        ``share_budget_known`` (NaN when there is no action), ``budget_known_idr`` (sum of
        the known budgets in rupiah; 0 when there is no action, NaN when no linked action
        has a budget), ``n_owner_agencies`` and ``share_of_inventory`` (``n_actions`` over
        the number of actions in the inventory). An action linked to several goals counts
        under each, with its whole budget, so columns do not add up to the inventory.

    Examples
    --------
    >>> cov = coverage(load_assessment("data/sample"), by="goal")   # doctest: +SKIP
    >>> cov.set_index("goal_id").loc["G07", "n_actions"]             # doctest: +SKIP
    33
    """
    by = _check_by(by)
    key = _KEY[by]
    linked = _linked_actions(data, by)
    n_inventory = int(_ids(_table(data, "actions")["action_id"]).dropna().nunique())
    if n_inventory == 0:
        _warn("the assessment has no actions inventory; every goal and hazard has 0 actions", NoDataWarning)
    keys = _keys(data, by, extra=linked[key].unique().tolist())
    if len(linked):
        out = keys.merge(_aggregate(linked, [key]), left_on=key, right_index=True, how="left")
    else:
        out = keys.assign(**{c: np.nan for c in ["n_actions", "n_ongoing", "n_planned", "n_completed", "n_budget_known", "budget_known_idr", "n_owner_agencies"]})
    out = _finish_counts(out)
    out["share_of_inventory"] = out["n_actions"] / n_inventory if n_inventory else np.nan
    label_cols = [key, _LABEL[by]] + (["hazard_type"] if by == "hazard" else [])
    out.attrs["n_inventory"] = n_inventory
    return out[label_cols + _COUNT_COLUMNS + ["n_owner_agencies", "share_of_inventory"]].reset_index(drop=True)


def coverage_by_agency(data, *, by: str = "goal") -> pd.DataFrame:
    """Coverage of each goal (or hazard) broken down by the agency that owns the actions.

    Parameters
    ----------
    data : Assessment or mapping of DataFrames
        Needs ``actions``, ``action_links`` and ``agencies`` (and ``hazards`` for
        ``by="hazard"``).
    by : {"goal", "hazard"}
        As in :func:`coverage`.

    Returns
    -------
    pandas.DataFrame
        Tidy long table, the full grid of organisations x goals (or hazards) with zeros:
        ``agency_id``, ``agency`` (short name), ``stakeholder_group``, the goal or hazard
        columns of :func:`coverage`, then ``n_actions``, ``n_ongoing``, ``n_planned``,
        ``n_completed``, ``n_budget_known``, ``share_budget_known`` and
        ``budget_known_idr``. Organisations come in the ``agencies`` table's order; owners
        missing from it are added at the end. Pivot it for a heatmap with
        ``t.pivot(index="agency_id", columns="goal_id", values="n_actions")``.

    Examples
    --------
    >>> t = coverage_by_agency(load_assessment("data/sample"))        # doctest: +SKIP
    >>> t.pivot(index="agency", columns="goal_id", values="n_actions")  # doctest: +SKIP
    """
    by = _check_by(by)
    key = _KEY[by]
    linked = _linked_actions(data, by)
    agencies = _table(data, "agencies")
    ids = _ids(agencies["agency_id"])
    agency_frame = pd.DataFrame({"agency_id": ids, "stakeholder_group": _ids(agencies["stakeholder_group"])}).dropna(subset=["agency_id"]).drop_duplicates("agency_id")
    unknown = [a for a in pd.unique(linked["owner_agency_id"].dropna()) if a not in set(agency_frame["agency_id"])]
    if unknown:
        _warn(f"action owner(s) {', '.join(sorted(unknown))} are not in the agencies table; they are shown by id")
        agency_frame = pd.concat([agency_frame, pd.DataFrame({"agency_id": unknown, "stakeholder_group": [None] * len(unknown)})], ignore_index=True)
    labels = agency_labels(agencies)
    agency_frame["agency"] = [labels.get(a, a) for a in agency_frame["agency_id"]]
    keys = _keys(data, by, extra=linked[key].unique().tolist())
    grid = agency_frame[["agency_id", "agency", "stakeholder_group"]].merge(keys, how="cross")
    if len(linked):
        agg = _aggregate(linked.dropna(subset=["owner_agency_id"]), ["owner_agency_id", key]).drop(columns="n_owner_agencies")
        agg.index = agg.index.set_names(["agency_id", key])
        out = grid.merge(agg, left_on=["agency_id", key], right_index=True, how="left")
    else:
        out = grid.assign(**{c: np.nan for c in ["n_actions", "n_ongoing", "n_planned", "n_completed", "n_budget_known", "budget_known_idr"]})
    out = _finish_counts(out)
    label_cols = [key, _LABEL[by]] + (["hazard_type"] if by == "hazard" else [])
    return out[["agency_id", "agency", "stakeholder_group"] + label_cols + _COUNT_COLUMNS].reset_index(drop=True)
