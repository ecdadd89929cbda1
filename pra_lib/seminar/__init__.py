"""The PRA Seminar (notebook 07): support for the focus areas, their ranking, and how far people agree.

At the PRA Seminar (*Seminar Penilaian Awal Ketahanan*, Jakarta 11 October 2017) the
participants said how far they agree that each candidate focus area should be a focus area
(agreement, 1 strongly disagree .. 5 strongly agree) and, optionally, ranked the focus areas
(1 = top). This chapter summarises those votes and compares the seminar's ranking with the
ranking of the focus-areas working session (which :mod:`pra_lib.synthesis` computes).

Every analysis takes the tidy frame returned by :func:`votes_frame` (one row per participant
and focus area) and returns a tidy :class:`pandas.DataFrame` with stable column names. Tables
that count people carry an ``n`` column, so that :meth:`pra_lib.publishing.report.Report.table` can
suppress cells resting on fewer than ``min_cell_size`` participants; the figures draw
suppressed cells as *suppressed*. Methods: ``docs/methods.md``, section "The PRA Seminar",
and the docstrings of the modules below.

Where things are
----------------
votes
    :func:`votes_frame`, the votes joined with groups and focus-area names.
support_scores
    :func:`support` (mean agreement, shares supporting / opposing, t and Clopper-Pearson intervals)
    and :func:`support_counts` (answers per point of the scale).
ranking
    :func:`seminar_ranking` (mean rank or Borda count), :func:`rank_distribution`, and
    :func:`withhold_ranks` (the ranks of a group that ranked a focus area alike) and
    :func:`protect_rank_totals` (more of its ranks, so that its totals do not give them back).
kendall
    :func:`consensus_level`, the Kendall's W table behind :func:`consensus`, and
    :func:`withhold_consensus` (the W that would narrow withheld ranks).
differences
    :func:`group_differences` (Kruskal-Wallis per focus area).
changes
    :func:`seminar_changes` against the working-session ranking.
withheld
    :func:`seminar_withholding`, the one decision of what the seminar's answers withhold,
    taken alike by the seminar's report and the overall report, :func:`pooled_group_decisions`
    (the groups' decisions, with the groups the run's plan hides judged as one), and :func:`group_tables`
    (the support and ranking by group, published with :data:`GROUP_TABLES`'s options),
    which both reports protect alike for :func:`seminar_tests`.
findings
    :func:`findings_seminar`, :func:`consensus` (its overall row labelled in the
    report language), and :func:`seminar_tests` (the seminar report's tests adjusted as
    one family, which the overall report quotes too).
figures
    :func:`support_figure`, :func:`support_heatmap`, :func:`rank_distribution_figure`,
    :func:`slope_figure` (matplotlib loads when a figure is drawn).
"""

from .changes import CHANGES, seminar_changes
from .differences import group_differences
from .figures import rank_distribution_figure, slope_figure, support_figure, support_heatmap
from .findings import SEMINAR_TESTS, consensus, findings_seminar, seminar_tests
from .kendall import SCHMIDT_BANDS, consensus_level, withhold_consensus
from .ranking import RANK_METHODS, protect_rank_totals, rank_distribution, seminar_ranking, withhold_ranks
from .support_scores import OPPOSE_THRESHOLD, SUPPORT_THRESHOLD, support, support_counts
from .votes import votes_frame
from .withheld import GROUP_TABLES, SeminarWithholding, group_tables, pooled_group_decisions, protect_group_tables, seminar_withholding

__all__ = [
    "GROUP_TABLES",
    "SCHMIDT_BANDS",
    "SEMINAR_TESTS",
    "SeminarWithholding",
    "consensus",
    "consensus_level",
    "findings_seminar",
    "group_differences",
    "group_tables",
    "pooled_group_decisions",
    "protect_group_tables",
    "protect_rank_totals",
    "rank_distribution",
    "rank_distribution_figure",
    "seminar_changes",
    "seminar_withholding",
    "seminar_ranking",
    "seminar_tests",
    "slope_figure",
    "support",
    "support_counts",
    "support_figure",
    "support_heatmap",
    "votes_frame",
    "withhold_ranks",
    "withhold_consensus",
]
