"""The data overview (notebook 00): who took part, through which channel, from where, and how complete the data is.

Where things are
----------------
participation
    Tables: :func:`participation` (activity x stakeholder group), :func:`channels`,
    :func:`activity_titles` and :func:`group_labels` (report-language names, used by the
    other chapters too), :func:`validation_summary`, and the tables behind
    :func:`areas`, :func:`completeness` and :func:`activities`;
    :func:`hidden_with_interviewees`, the participation cells hidden because, with the
    questionnaire report's respondents, they would give back interviewees the interview
    report hides (:func:`interviewee_groups_hidden`).
findings
    :func:`headline`, the paragraph that opens the overview report,
    :func:`interviewee_note`, the sentence naming the cells hidden with the interviewees,
    and :func:`areas`,
    :func:`completeness` and :func:`activities`, whose cells carry words in the report
    language.

The overview's figures are the shared ones of :mod:`pra_lib.publishing.plots`
(``participation_heatmap``, ``channel_bars``, ``area_representation``).
"""

from .findings import activities, areas, completeness, headline, interviewee_note
from .participation import (
    SURVEY_CHANNELS,
    activity_titles,
    channels,
    group_labels,
    hidden_with_interviewees,
    interviewee_groups_hidden,
    participation,
    validation_summary,
)

__all__ = [
    "SURVEY_CHANNELS",
    "activities",
    "activity_titles",
    "areas",
    "channels",
    "completeness",
    "group_labels",
    "headline",
    "hidden_with_interviewees",
    "interviewee_groups_hidden",
    "interviewee_note",
    "participation",
    "validation_summary",
]
