"""Phase II working groups (*Kelompok Kerja*, Pokja, notebook 09): who fits which focus area.

Phase II of a 100RC strategy studies each focus area in a working group, steered by a
Steering Committee (method brief, section 1). Jakarta's preparatory meeting of January 2018
proposed that Bappeda coordinate *every* group, and noted that this must be weighed against
how well each agency (OPD) fits the role it would hold. This chapter measures that fit from
the evidence the PRA already holds (each organisation's mandate and the actions it owns),
proposes one working group per selected focus area, compares the proposal with "Bappeda
everywhere", and proposes a Steering Committee. The fit formulas are in
:mod:`pra_lib.working_groups.fit_scores` and ``docs/methods.md`` ("Actions inventory and
Phase II working groups").

Tables describe organisations, not people; publish them with ``count=None``.

Where things are
----------------
fit_scores
    :func:`fit` (mandate fit, action fit, fit) and :func:`fit_matrix`.
assignment
    :class:`WorkingGroups`; the best-fit assignment of coordinators and the
    single-coordinator option, with the reason for each member as a code.
comparison
    :class:`Comparison` and :func:`compare`.
committee
    The Steering Committee's seats, with the reason for each seat as a code.
findings
    :func:`propose_working_groups`, :func:`bappeda_everywhere` and
    :func:`steering_committee` (the options and seats with their names and reasons in the
    report language), and :func:`findings_working_groups`.
figures
    :func:`fit_heatmap` and :func:`comparison_chart` (matplotlib loads when a figure is
    drawn).
"""

from .assignment import (
    BAPPEDA_EVERYWHERE,
    BEST_FIT,
    DEFAULT_MEMBERS_PER_GROUP,
    DEFAULT_MIN_COORDINATOR_FIT,
    GROUP_LABELS,
    NON_GOVERNMENT,
    WorkingGroups,
)
from .comparison import Comparison, compare
from .figures import comparison_chart, fit_heatmap
from .findings import bappeda_everywhere, findings_working_groups, propose_working_groups, steering_committee
from .fit_scores import DEFAULT_ACTION_WEIGHT, DEFAULT_ROLE_WEIGHTS, fit, fit_matrix

__all__ = [
    "Comparison",
    "WorkingGroups",
    "bappeda_everywhere",
    "compare",
    "comparison_chart",
    "findings_working_groups",
    "fit",
    "fit_heatmap",
    "fit_matrix",
    "propose_working_groups",
    "steering_committee",
]
