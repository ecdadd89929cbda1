"""The tidy seminar votes every seminar analysis takes (:func:`votes_frame`)."""

from __future__ import annotations

import pandas as pd

from ..publishing.i18n import pick_all
from ..stats._base import NoDataWarning
from ._common import _warn

_VOTE_COLUMNS = [
    "respondent_id", "activity_id", "stakeholder_group", "group_label", "focus_area_id", "focus_area",
    "focus_area_name_id", "selected", "support", "rank",
]


def votes_frame(assessment, *, activity_id: str = "pra_seminar") -> pd.DataFrame:
    """The tidy seminar votes every analysis in this module takes.

    Joins ``seminar_votes`` with the participants' stakeholder group and with the focus-area
    names. No personal column (name, phone, e-mail, NIK, organisation) is carried; the
    ``respondent_id`` stays so that rankings can be matched per participant (reports
    pseudonymise it).

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment (:func:`pra_lib.load_assessment`).
    activity_id : str, default "pra_seminar"
        The seminar whose votes to keep.

    Returns
    -------
    pandas.DataFrame
        One row per vote with ``respondent_id``, ``activity_id``, ``stakeholder_group``,
        ``group_label``, ``focus_area_id``, ``focus_area`` (name in the report language),
        ``focus_area_name_id`` (Indonesian name), ``selected`` (whether the PRA finally
        selected it), ``support`` (float 1-5, NaN when not answered) and ``rank`` (float,
        1 = top, NaN when not ranked). ``attrs["category_order"]`` holds the metadata order
        of stakeholder groups and focus areas, which the result tables follow. An assessment
        without seminar votes gives an empty frame with these columns (and a warning).

    Examples
    --------
    >>> a = load_assessment("data/sample")                        # doctest: +SKIP
    >>> votes = votes_frame(a)                                    # doctest: +SKIP
    >>> votes.groupby("focus_area_id")["support"].mean().idxmax() # doctest: +SKIP
    'FA3'
    """
    from ..overview import group_labels

    meta = assessment.metadata
    known = list(meta.activities["activity_id"]) if meta.activities is not None else []
    if known and activity_id not in known:
        raise ValueError(f"votes_frame: unknown activity {activity_id!r}; the assessment has {', '.join(known)}")
    groups = meta.stakeholder_groups
    has = getattr(assessment, "has", lambda name: name in assessment.tables)
    fas = assessment.focus_areas if has("focus_areas") else pd.DataFrame(columns=["focus_area_id", "name_en", "name_id", "selected"])
    fas = fas.reindex(columns=["focus_area_id", "name_en", "name_id", "selected"])
    if has("seminar_votes"):
        votes = assessment.seminar_votes
        votes = votes[votes["activity_id"] == activity_id].reindex(columns=["respondent_id", "activity_id", "focus_area_id", "support", "rank"])
    else:
        votes = pd.DataFrame(columns=["respondent_id", "activity_id", "focus_area_id", "support", "rank"])
    if votes.empty:
        _warn(f"votes_frame: no seminar votes for activity {activity_id!r}", NoDataWarning)
    people = assessment.participants.reindex(columns=["respondent_id", "stakeholder_group"]).drop_duplicates("respondent_id")
    out = votes.merge(people, on="respondent_id", how="left", validate="many_to_one")
    out = out.merge(fas, on="focus_area_id", how="left", validate="many_to_one")
    group_names = group_labels(meta)
    out["group_label"] = out["stakeholder_group"].map(group_names)
    out["group_label"] = out["group_label"].where(out["group_label"].notna(), out["stakeholder_group"])
    out["name_en"] = pick_all(out["name_en"], out["name_id"])
    out = out.rename(columns={"name_en": "focus_area", "name_id": "focus_area_name_id"})
    out["focus_area"] = out["focus_area"].where(out["focus_area"].notna(), out["focus_area_id"])
    out["support"] = pd.to_numeric(out["support"], errors="coerce").astype(float)
    out["rank"] = pd.to_numeric(out["rank"], errors="coerce").astype(float)
    fa_order = list(fas["focus_area_id"].dropna())
    out["_fa"] = out["focus_area_id"].map({f: i for i, f in enumerate(fa_order)})
    out = out.sort_values(["respondent_id", "_fa", "focus_area_id"], kind="stable")[_VOTE_COLUMNS].reset_index(drop=True)
    out.attrs["category_order"] = {
        "stakeholder_group": list(groups["stakeholder_group"]),
        "group_label": [group_names[g] for g in groups["stakeholder_group"]],
        "focus_area_id": fa_order,
    }
    return out
