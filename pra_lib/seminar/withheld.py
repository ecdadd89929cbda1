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

__all__ = ["SeminarWithholding", "seminar_withholding"]


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
