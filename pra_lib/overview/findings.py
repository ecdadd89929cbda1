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
from .participation import activity_list, activity_titles, area_shares, group_labels, interviewee_groups_hidden, table_completeness


def areas(data: Assessment, *, activity_id: str | None = None, channels=None) -> pd.DataFrame:
    """Participants per area against each area's share of the population.

    ``share_of_respondents`` over ``share_of_population`` shows which areas a survey
    over- or under-represents. People with no area (city-wide roles) are counted as
    ``(city-wide)``. ``channels`` keeps the participants of those channels only: the
    overview passes ``SURVEY_CHANNELS``, so that the table counts the survey respondents
    the questionnaire report counts by area, and the interviewees of an area (whom no
    report publishes by area) cannot be worked out as the difference.

    Examples
    --------
    >>> areas(data, activity_id="questionnaire", channels=SURVEY_CHANNELS)  # doctest: +SKIP
    """
    return area_shares(data, activity_id=activity_id, channels=channels, citywide_name=t("overview.citywide"))


def interviewee_note(data: Assessment, *, plan, min_cell_size: int, interview_table: pd.DataFrame | None = None, activity_id: str = "questionnaire") -> str:
    """The sentence naming the participation cells hidden with the interviewees' hidden groups.

    Empty when the run hides no group of interviewees
    (:func:`~pra_lib.overview.participation.hidden_with_interviewees`, which takes the
    same ``plan``, ``interview_table`` and ``activity_id``).

    Examples
    --------
    >>> interviewee_note(assessment, plan=report.plan, min_cell_size=5)  # doctest: +SKIP
    """
    hidden = interviewee_groups_hidden(plan, interview_table=interview_table, activity_id=activity_id)
    if hidden.empty:
        return ""
    titles, labels = activity_titles(data.metadata), group_labels(data.metadata)
    items = []
    for activity_id, rows in hidden.groupby("activity_id", sort=True):
        groups = ", ".join(str(labels.get(g, g)) for g in rows["stakeholder_group"])
        items.append(t("overview.hidden_with_interviewees.item", activity=escape_markdown(str(titles.get(activity_id, activity_id))), groups=escape_markdown(groups)))
    return t("overview.hidden_with_interviewees", size=min_cell_size, cells="; ".join(items))


def completeness(data: Assessment) -> pd.DataFrame:
    """Per table: its source file, rows, and the share of filled cells in its non-personal columns."""
    return table_completeness(data, not_provided=t("overview.not_provided"))


def activities(data: Assessment) -> pd.DataFrame:
    """The assessment's activities with their dates and number of participants."""
    return activity_list(data, not_published=t("overview.not_published"))


def headline(data: Assessment, *, plan=None) -> str:
    """A short paragraph, computed from the data, that opens the overview report.

    With the run's disclosure ``plan``, the questionnaire's respondents per channel are
    not given when the plan hides or merges one of its channels: with the activity's
    published total, the other channels' numbers would give that channel back.

    Examples
    --------
    >>> headline(assessment, plan=report.plan)  # doctest: +SKIP
    """
    meta = data.metadata
    people = data.participants
    questionnaires = meta.activity_ids("questionnaire")
    q = people[people["activity_id"].isin(questionnaires)]
    survey = q[q["channel"].isin(["online", "offline"])]
    online = float((survey["channel"] == "online").mean()) if len(survey) else float("nan")
    interviews = int((q["channel"] == "interview").sum())
    if not len(survey):
        reached = t("overview.headline.no_survey")
    elif _channel_planned(plan, questionnaires):
        reached = t("overview.headline.survey_withheld", size=plan.min_cell_size)
    else:
        reached = t("overview.headline.survey", n_survey=format_number(len(survey)), online=format_percent(online), n_interviews=interviews)
    lines = [
        t("overview.headline.people", title=escape_markdown(pick(meta.title, meta.title_id)), n_people=format_number(len(people)), n_activities=len(meta.activities), n_groups=len(meta.stakeholder_groups)),
        reached,
    ]
    if meta.synthetic:
        lines.append(t("overview.headline.synthetic"))
    if data.problems:
        lines.append(t("overview.headline.problems", n=len(data.problems)))
    else:
        lines.append(t("overview.headline.valid"))
    return "\n\n".join(lines)


def _channel_planned(plan, activity_ids) -> bool:
    """Whether the run's plan hides or merges a channel of one of these activities."""
    if plan is None or plan.categories.empty:
        return False
    cats = plan.categories
    return bool((cats["activity_id"].isin(list(activity_ids)) & (cats["dimension"] == "channel")).any())
