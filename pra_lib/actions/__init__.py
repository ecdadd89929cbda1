"""The actions inventory (*Ikhtiar Jakarta*, notebook 09): which existing actions address which goals and hazards.

The PRA's actions inventory lists the plans, programmes and projects the city already has
and links each one to the City Resilience Framework (CRF) goals and the shocks and stresses
it addresses (tables ``actions`` and ``action_links``). This chapter counts that coverage,
breaks it down by owner agency, and sets it against a *need* the caller supplies (for
example how weak stakeholders rate a goal, or how risky a shock is) to find the gaps.
Methods: ``docs/methods.md``, section "Actions inventory and Phase II working groups", and
the docstrings of :mod:`pra_lib.actions.inventory` and :mod:`pra_lib.actions.gap_scores`.

Tables describe organisations and actions, not people, so they carry no respondent count;
publish them with ``report.table(..., count=None)``.

Where things are
----------------
inventory
    :func:`coverage` per goal or hazard, :func:`coverage_by_agency`.
gap_scores
    :func:`need_from_scores` and :func:`gaps`.
agencies
    :func:`agency_labels`, the organisations' short names (used by the working groups).
_common
    Reading a table of an assessment with its documented columns, cleaning ids, warnings
    (shared with :mod:`pra_lib.working_groups`).
findings
    :func:`findings_actions`.
figures
    :func:`coverage_bars`, :func:`agency_heatmap`, :func:`need_coverage_scatter`
    (matplotlib loads when a figure is drawn).
"""

from ._common import BILLION
from .agencies import agency_labels
from .figures import agency_heatmap, coverage_bars, need_coverage_scatter
from .findings import findings_actions
from .gap_scores import gaps, need_from_scores
from .inventory import BY, coverage, coverage_by_agency

__all__ = [
    "agency_labels",
    "agency_heatmap",
    "coverage",
    "coverage_bars",
    "coverage_by_agency",
    "findings_actions",
    "gaps",
    "need_coverage_scatter",
    "need_from_scores",
]
