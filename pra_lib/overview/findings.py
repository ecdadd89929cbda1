"""Words of the data overview: its opening paragraph, and the tables whose cells carry words.

:func:`headline` is the paragraph that opens the overview report. :func:`areas`,
:func:`completeness` and :func:`activities` are the tables of
:mod:`pra_lib.overview.participation` with their worded cells (the city-wide row's name,
"not provided", "not published") in the report language.
"""

from __future__ import annotations

import pandas as pd

from ..assessment.loading import Assessment
from ..publishing.i18n import format_number, format_percent, pick, t
from ..publishing.privacy import escape_markdown  # the title is data: it stays text in the Markdown
from .participation import activity_list, area_shares, table_completeness


def areas(data: Assessment, *, activity_id: str | None = None) -> pd.DataFrame:
    """Participants per area against each area's share of the population.

    ``share_of_respondents`` over ``share_of_population`` shows which areas a survey
    over- or under-represents. People with no area (city-wide roles) are counted as
    ``(city-wide)``.
    """
    return area_shares(data, activity_id=activity_id, citywide_name=t("overview.citywide"))


def completeness(data: Assessment) -> pd.DataFrame:
    """Per table: its source file, rows, and the share of filled cells in its non-personal columns."""
    return table_completeness(data, not_provided=t("overview.not_provided"))


def activities(data: Assessment) -> pd.DataFrame:
    """The assessment's activities with their dates and number of participants."""
    return activity_list(data, not_published=t("overview.not_published"))


def headline(data: Assessment) -> str:
    """A short paragraph, computed from the data, that opens the overview report."""
    meta = data.metadata
    people = data.participants
    q = people[people["activity_id"].isin(meta.activity_ids("questionnaire"))]
    survey = q[q["channel"].isin(["online", "offline"])]
    online = float((survey["channel"] == "online").mean()) if len(survey) else float("nan")
    interviews = int((q["channel"] == "interview").sum())
    lines = [
        t("overview.headline.people", title=escape_markdown(pick(meta.title, meta.title_id)), n_people=format_number(len(people)), n_activities=len(meta.activities), n_groups=len(meta.stakeholder_groups)),
        t("overview.headline.survey", n_survey=format_number(len(survey)), online=format_percent(online), n_interviews=interviews)
        if len(survey) else t("overview.headline.no_survey"),
    ]
    if meta.synthetic:
        lines.append(t("overview.headline.synthetic"))
    if data.problems:
        lines.append(t("overview.headline.problems", n=len(data.problems)))
    else:
        lines.append(t("overview.headline.valid"))
    return "\n\n".join(lines)
