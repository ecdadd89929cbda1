"""Key-stakeholder interviews: coded statements, their counts, quotes and co-occurrence.

This chapter analyses the interviews of a Preliminary Resilience Assessment (PRA)
(notebook 02). Each statement an interviewee made is coded (a thematic code, a CRF goal
and/or a shock or stress, and a valence: weakness or strength); the tables count
interviewees and statements. Tables that count people carry an ``n`` column (distinct
interviewees), so that :meth:`pra_lib.publishing.report.Report.table` can suppress small
cells. Quotes are only ever attributed to a stakeholder group, never to a respondent id
or a person, and only when the group is at least ``min_group_size`` interviewees.

Where things are
----------------
* ``statements.py`` (tables): :func:`interview_summary`, :func:`interview_codes`,
  :func:`top_weaknesses`, :func:`code_cooccurrence`;
* ``figures.py``: :func:`code_bars`, :func:`cooccurrence_heatmap`;
* ``findings.py``: :func:`findings_interviews`.

The tables share the perception chapter's private helpers
(:mod:`pra_lib.perception._common`: ordering, labels, rounding).
"""

from .figures import code_bars, cooccurrence_heatmap
from .findings import findings_interviews
from .statements import code_cooccurrence, interview_codes, interview_summary, top_weaknesses

__all__ = [
    "code_bars",
    "code_cooccurrence",
    "cooccurrence_heatmap",
    "findings_interviews",
    "interview_codes",
    "interview_summary",
    "top_weaknesses",
]
