"""The data overview (notebook 00): who took part, through which channel, from where, and how complete the data is.

Where things are
----------------
participation
    Tables: :func:`participation` (activity x stakeholder group), :func:`channels`,
    :func:`activity_titles` and :func:`group_labels` (report-language names, used by the
    other chapters too), :func:`validation_summary`, and the tables behind
    :func:`areas`, :func:`completeness` and :func:`activities`.
findings
    :func:`headline`, the paragraph that opens the overview report, and :func:`areas`,
    :func:`completeness` and :func:`activities`, whose cells carry words in the report
    language.

The overview's figures are the shared ones of :mod:`pra_lib.publishing.plots`
(``participation_heatmap``, ``channel_bars``, ``area_representation``).
"""

from .findings import activities, areas, completeness, headline
from .participation import activity_titles, channels, group_labels, participation, validation_summary

__all__ = [
    "activities",
    "activity_titles",
    "areas",
    "channels",
    "completeness",
    "group_labels",
    "headline",
    "participation",
    "validation_summary",
]
