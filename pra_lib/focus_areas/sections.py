"""Which sections of the overall report the assessment holds data for.

The overall report (notebook 08) draws on every activity. An assessment may hold only some
of them (a questionnaire-only folder is valid), so each section first asks whether its data
were collected and, if not, says so in one sentence instead of showing empty figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SECTIONS = ("profile", "risk", "actions", "focus_areas", "seminar")


def _rows(data, table: str, activity_id: str | None = None) -> pd.DataFrame:
    frame = data.table(table)
    if activity_id is not None and "activity_id" in frame.columns:
        frame = frame[frame["activity_id"] == activity_id]
    return frame


def collected_sections(
    data,
    *,
    questionnaire_activity_id: str = "questionnaire",
    shocks_activity_id: str = "assets_shocks_workshop",
    stresses_activity_id: str = "stresses_session",
    seminar_activity_id: str = "pra_seminar",
) -> dict[str, bool]:
    """Whether each section of the overall report has data to show.

    Parameters
    ----------
    data : Assessment
        A loaded assessment.
    questionnaire_activity_id, shocks_activity_id, stresses_activity_id, seminar_activity_id : str
        The activities the overall report reads, as in its parameters.

    Returns
    -------
    dict of str to bool
        One entry per section, in report order:

        - ``profile``: the questionnaire has performance ratings;
        - ``risk``: the shocks or the stresses activity has hazard ratings;
        - ``actions``: the assessment has an actions inventory;
        - ``focus_areas``: the assessment has candidate focus areas;
        - ``seminar``: the seminar activity has votes on focus areas.

    Examples
    --------
    >>> collected_sections(load_assessment("data/sample"))   # doctest: +SKIP
    {'profile': True, 'risk': True, 'actions': True, 'focus_areas': True, 'seminar': True}
    """
    # Whether any row matches, from one mask: the ratings (millions of rows) are not copied.
    ratings = data.table("perception_ratings")
    rated = np.ones(len(ratings), dtype=bool)
    if questionnaire_activity_id is not None and "activity_id" in ratings.columns:
        rated &= (ratings["activity_id"] == questionnaire_activity_id).to_numpy(dtype=bool)
    if "aspect" in ratings.columns:
        rated &= (ratings["aspect"] == "performance").to_numpy(dtype=bool)
    hazards = pd.concat(
        [_rows(data, "hazard_ratings", shocks_activity_id), _rows(data, "hazard_ratings", stresses_activity_id)]
    )
    focus_areas = not data.table("focus_areas").empty
    return {
        "profile": bool(rated.any()),
        "risk": not hazards.empty,
        "actions": not data.table("actions").empty,
        "focus_areas": focus_areas,
        "seminar": focus_areas and not _rows(data, "seminar_votes", seminar_activity_id).empty,
    }
