"""What the seminar's votes withhold: one decision, taken alike by every report that shows them.

The seminar's report (07) and the overall report (08) both publish the seminar's support,
ranking and Kendall's W. A focus area or group whose answers are withheld in one must be
withheld in the other, or the second report gives back what the first protects.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE
from ..publishing.score_disclosure import withheld_groups
from .ranking import protect_rank_totals, rank_distribution, seminar_ranking
from .support_scores import support_counts

__all__ = ["GROUP_TABLES", "SeminarWithholding", "group_tables", "seminar_withholding"]


@dataclass(frozen=True)
class SeminarWithholding:
    """The seminar's withheld answers, each a :func:`~pra_lib.publishing.score_disclosure.withheld_groups` table.

    Attributes
    ----------
    support_areas : pandas.DataFrame
        Focus areas whose support (almost) everyone answered alike.
    rank_areas : pandas.DataFrame
        Focus areas that (almost) everyone ranked alike, with their companions
        (:func:`~pra_lib.seminar.protect_rank_totals`).
    rank_groups : pandas.DataFrame
        Stakeholder groups that ranked a focus area alike, by focus area, with their companions.
    """

    support_areas: pd.DataFrame
    rank_areas: pd.DataFrame
    rank_groups: pd.DataFrame


def seminar_withholding(data: pd.DataFrame, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> SeminarWithholding:
    """Decide once which of the seminar's answers no report may publish.

    The rule is the group rule of :func:`~pra_lib.publishing.score_disclosure.withheld_groups`:
    support on the five-point scale and its three-way split, ranks by position; ranks get
    companions against their known totals (:func:`~pra_lib.seminar.protect_rank_totals`).

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`~pra_lib.seminar.votes_frame`.
    min_cell_size : int
        The run's ``--min-cell-size``.

    Returns
    -------
    SeminarWithholding

    Examples
    --------
    >>> withheld = seminar_withholding(votes, min_cell_size=5)  # doctest: +SKIP
    >>> withheld.rank_groups.query("answers_withheld")  # doctest: +SKIP
    """
    support_areas = withheld_groups(support_counts(data), cells=["focus_area_id"], min_cell_size=min_cell_size)
    rank_areas = protect_rank_totals(
        withheld_groups(rank_distribution(data), cells=["focus_area_id"], category="position", coarsening=None, min_cell_size=min_cell_size),
        table=seminar_ranking(data),
    )
    rank_groups = protect_rank_totals(
        withheld_groups(rank_distribution(data, by="stakeholder_group"), cells=["stakeholder_group", "focus_area_id"], within=["focus_area_id"],
                        category="position", coarsening=None, min_cell_size=min_cell_size),
        table=seminar_ranking(data, by="stakeholder_group"),
    )
    return SeminarWithholding(support_areas=support_areas, rank_areas=rank_areas, rank_groups=rank_groups)


#: How the seminar's report publishes its two tables by stakeholder group
#: (:meth:`~pra_lib.publishing.report.Report.table` options): the overall report protects
#: the same tables with the same options, without publishing them
#: (:meth:`~pra_lib.publishing.report.Report.protect`), to compare the groups as the
#: seminar's report does (:func:`~pra_lib.seminar.seminar_tests`).
GROUP_TABLES: dict[str, dict] = {
    "support_by_group": {"dims": ["focus_area_id", "stakeholder_group"], "measure": "focus_area_voters"},
    "seminar_ranking_by_group": {"dims": ["focus_area_id", "stakeholder_group"], "measure": "focus_area_voters",
                                 "other_counts": {"n_ranked": "focus_area_rankers", "n_support": "focus_area_supporters"}},
}


def group_tables(data: pd.DataFrame, *, withheld: SeminarWithholding, min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
                 n_resamples: int = 2000, seed=0) -> dict[str, pd.DataFrame]:
    """The seminar's support and ranking by stakeholder group, withheld, before a report protects them.

    The seminar's report (07) publishes both; its group tests pool, per focus area, the
    groups whose cell these tables hide (:func:`~pra_lib.seminar.seminar_tests`), so the
    overall report (08), which quotes the seminar's Kendall's W from the same tests, needs
    the same tables: each report passes them through its ``Report`` with
    :data:`GROUP_TABLES`'s options (07 with ``table``, 08 with ``protect``).

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`~pra_lib.seminar.votes_frame`.
    withheld : SeminarWithholding
        :func:`seminar_withholding` of ``data`` (its ``rank_groups``).
    min_cell_size : int
        The run's ``--min-cell-size``: a group that answered a focus area's support alike
        keeps its n only (:func:`~pra_lib.publishing.score_disclosure.withheld_groups`).
    n_resamples, seed
        As :func:`~pra_lib.seminar.support`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``support_by_group`` (:func:`~pra_lib.seminar.support` by group, its withheld rows
        flagged ``answers_withheld``) and ``seminar_ranking_by_group``
        (:func:`~pra_lib.seminar.withhold_ranks`, with the withheld groups' mean support).

    Examples
    --------
    >>> votes = pd.DataFrame({"respondent_id": [f"p{i}" for i in range(40) for _ in range(2)],
    ...                       "stakeholder_group": ["gov"] * 40 + ["aca"] * 40, "focus_area_id": ["FA1", "FA2"] * 40,
    ...                       "support": [5.0, 4.0, 4.0, 1.0, 2.0, 2.0, 1.0, 5.0] * 10, "rank": [1.0, 2.0, 2.0, 1.0] * 20})
    >>> tables = group_tables(votes, withheld=seminar_withholding(votes, min_cell_size=5), min_cell_size=5, n_resamples=50)
    >>> sorted(tables), tables["seminar_ranking_by_group"]["mean_rank"].tolist()
    (['seminar_ranking_by_group', 'support_by_group'], [1.5, 1.5, 1.5, 1.5])
    """
    from ..publishing.score_disclosure import withhold_answers
    from .ranking import withhold_ranks
    from .support_scores import support

    by = "stakeholder_group"
    support_withheld = withheld_groups(support_counts(data, by=by), cells=[by, "focus_area_id"], within=["focus_area_id"], min_cell_size=min_cell_size)
    ranks = withhold_ranks(seminar_ranking(data, by=by), withheld.rank_groups, data=data)
    return {
        "support_by_group": withhold_answers(support(data, by=by, n_resamples=n_resamples, seed=seed), support_withheld),
        "seminar_ranking_by_group": withhold_answers(ranks, support_withheld, columns=["mean_support"]),
    }


def protect_group_tables(report, data: pd.DataFrame, *, withheld: SeminarWithholding, activity_id: str | None = None,
                         min_cell_size: int = DEFAULT_MIN_CELL_SIZE, n_resamples: int = 2000, seed=0) -> dict[str, pd.DataFrame]:
    """The seminar's tables by group as its report publishes them, protected by another report without publishing.

    The overall report (08) quotes the seminar's Kendall's W from the seminar's test family,
    which pools the groups these tables hide (:func:`~pra_lib.seminar.seminar_tests` with
    ``published=``); :meth:`~pra_lib.publishing.report.Report.protect` with
    :data:`GROUP_TABLES`'s options hides what the seminar's report hides, and writes nothing.

    Parameters
    ----------
    report : Report
        The report that quotes the tests.
    data : pandas.DataFrame
        Output of :func:`~pra_lib.seminar.votes_frame`.
    withheld : SeminarWithholding
        :func:`seminar_withholding` of ``data``.
    activity_id : str, optional
        The seminar's activity.
    min_cell_size, n_resamples, seed
        As for :func:`group_tables`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``support_by_group`` and ``seminar_ranking_by_group``, protected.

    Examples
    --------
    >>> by_group = protect_group_tables(report, votes, withheld=withheld, activity_id="pra_seminar")  # doctest: +SKIP
    """
    tables = group_tables(data, withheld=withheld, min_cell_size=min_cell_size, n_resamples=n_resamples, seed=seed)
    return {name: report.protect(table, name, activity_id=activity_id, **GROUP_TABLES[name]) for name, table in tables.items()}
