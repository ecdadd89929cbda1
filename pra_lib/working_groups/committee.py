"""A Steering Committee for Phase II that spans the focus areas and every stakeholder group.

:func:`committee_seats` names the reason for each seat by a code (``broadest``: the broadest
organisation of its stakeholder group; ``breadth``); :func:`pra_lib.working_groups.steering_committee`
words it in the report language.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .fit_scores import _agencies, _check_fit, _chosen_focus_areas, _fit_matrix


def committee_seats(fit, agencies, *, size: int = 7, min_fit: float = 0.0, focus_areas: Sequence[str] | None = None, stakeholder_groups: Sequence[str] | None = None) -> pd.DataFrame:
    """The seats of a Steering Committee that spans the focus areas and every stakeholder group.

    The computation behind :func:`pra_lib.working_groups.steering_committee`, which
    documents the seating rule, the parameters and the columns, and words ``reason`` in the
    report language; here ``reason`` holds a code (``broadest`` or ``breadth``).
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
        reasons[best] = "broadest"
    for a in table["agency_id"]:
        if len(seats) >= size:
            break
        if a not in seats:
            seats.append(a)
            reasons[a] = "breadth"
    out = table.set_index("agency_id").loc[seats].reset_index()
    out["reason"] = [reasons[a] for a in out["agency_id"]]
    # Present in breadth order, keeping every group's seat.
    out = out.sort_values(["breadth", "mean_fit", "_order"], ascending=[False, False, True], kind="stable").reset_index(drop=True)
    out.insert(0, "seat", np.arange(1, len(out) + 1))
    return out[["seat", "agency_id", "agency", "stakeholder_group", "breadth", "n_focus_areas", "mean_fit", "strongest_focus_area", "reason"]]
