"""What the seminar's votes withhold: one decision, taken alike by every report that shows them.

The seminar's report (07) and the overall report (08) both publish the seminar's support,
ranking and Kendall's W. A focus area or group whose answers are withheld in one must be
withheld in the other, or the second report gives back what the first protects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE
from ..publishing.score_disclosure import withheld_groups
from .ranking import protect_rank_totals, rank_distribution, seminar_ranking
from .support_scores import support_counts

__all__ = ["GROUP_TABLES", "SeminarWithholding", "group_tables", "pooled_group_decisions", "protect_group_tables", "seminar_withholding"]


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


def pooled_group_decisions(data: pd.DataFrame, *, withheld: SeminarWithholding, hidden=None,
                           min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> dict[str, pd.DataFrame]:
    """The groups' support and rank decisions, with the groups the run's plan hides as one pooled group.

    The seminar's report publishes each focus area's support and rank statistics over
    everyone (``support``, ``seminar_ranking``, ``rank_distribution``) and by group. The
    groups the plan hides (``--small-categories suppress``) have no row of their own, but
    everyone's row less the published groups' rows is their pool's: on the generated
    assessment of seed 37 everyone's support of FA3 less community's (the one published
    group) gave back the answers of the 7 people of academia (3) and private (4): all
    supported it, three with 5 and four with 4. So, focus area by focus area, the pool (with any group too small there to be
    published) is judged as a group by the rule of
    :func:`~pra_lib.publishing.score_disclosure.withheld_groups`: where it answered alike,
    or has fewer than ``min_cell_size`` people, the smallest published groups of the focus
    area are withheld with it (``complementary``) until the cells withheld there together
    did not answer alike on either scale; ranks then get companions against their known
    totals (:func:`~pra_lib.seminar.protect_rank_totals`, the pool as one group). The
    pool's decision is carried to each of its groups (whose rows the plan hides anyway), and
    joined to each group's own decision (``support_by_group`` as in the report,
    ``withheld.rank_groups``). The seminar's report (07, :func:`group_tables`), the overall
    report (08, :func:`protect_group_tables`) and the tests of both
    (:func:`~pra_lib.seminar.seminar_tests`) take this one decision.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`~pra_lib.seminar.votes_frame`.
    withheld : SeminarWithholding
        :func:`seminar_withholding` of ``data``.
    hidden : mapping or sequence of str, optional
        The stakeholder groups the run's plan hides
        (``report.plan.hidden("stakeholder_group", activity_id)``). Empty: only groups too
        small in a focus area to be published are pooled there.
    min_cell_size : int
        The run's ``--min-cell-size``.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``support`` and ``rank``, each a :func:`~pra_lib.publishing.score_disclosure.withheld_groups`
        table by ``stakeholder_group`` and ``focus_area_id``.

    Examples
    --------
    Academia and private (hidden) all supported FA1; community spread its answers: the
    subtraction would tell, so community's FA1 is withheld to protect them.

    >>> votes = pd.DataFrame({"respondent_id": [f"p{i}" for i in range(16)],
    ...                       "stakeholder_group": ["aca"] * 3 + ["pri"] * 3 + ["com"] * 10, "focus_area_id": "FA1",
    ...                       "support": [5.0, 4.0, 4.0, 5.0, 5.0, 4.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0], "rank": 1.0})
    >>> d = pooled_group_decisions(votes, withheld=seminar_withholding(votes), hidden=["aca", "pri"])
    >>> d["support"][["stakeholder_group", "answers_withheld", "withheld_as"]].values.tolist()
    [['aca', True, 'primary'], ['com', True, 'complementary'], ['pri', True, 'primary']]
    """
    from ..publishing.score_disclosure import POOLED_GROUP, THREE_WAY, pool_hidden

    by = "stakeholder_group"
    plan = sorted({str(c) for c in (hidden or ())})
    own_support = withheld_groups(support_counts(data, by=by), cells=[by, "focus_area_id"], within=["focus_area_id"], min_cell_size=min_cell_size)
    own_rank = withheld.rank_groups
    if data.empty or by not in data:
        return {"support": own_support, "rank": own_rank}
    pooled = pool_hidden(data, plan, column=by, label=None)
    support_pool = _protect_pool(
        withheld_groups(support_counts(pooled, by=by), cells=[by, "focus_area_id"], within=["focus_area_id"], min_cell_size=min_cell_size),
        support_counts(pooled, by=by), by=by, category="category", coarsening=THREE_WAY, min_cell_size=min_cell_size)
    rank_pool = protect_rank_totals(_protect_pool(
        withheld_groups(rank_distribution(pooled, by=by), cells=[by, "focus_area_id"], within=["focus_area_id"], category="position",
                        coarsening=None, min_cell_size=min_cell_size),
        rank_distribution(pooled, by=by), by=by, category="position", coarsening=None, min_cell_size=min_cell_size),
        table=seminar_ranking(pooled, by=by))
    members = data[by].astype(object).map(str)
    members = members[members.isin(plan)].drop_duplicates().tolist()
    return {"support": _join(own_support, _unpool(support_pool, members, by=by, pooled=POOLED_GROUP), by=by),
            "rank": protect_rank_totals(_join(own_rank, _unpool(rank_pool, members, by=by, pooled=POOLED_GROUP), by=by),
                                        table=seminar_ranking(data, by=by))}


def _protect_pool(decision: pd.DataFrame, counts: pd.DataFrame, *, by: str, category: str, coarsening, min_cell_size: int) -> pd.DataFrame:
    """Withhold published groups of a focus area until its unpublished cells cannot be worked out from its total.

    The unpublished cells of a focus area are the pooled hidden groups, the groups with
    fewer than ``min_cell_size`` people there and the cells ``decision`` withholds; a
    reader has their answers together (everyone's less the published groups'). Where they
    are fewer than ``min_cell_size`` people, or answered alike (all but fewer than that in
    one answer, on the scale or, with ``coarsening``, on its sides), the smallest published
    groups of the focus area are withheld too (``complementary``), as
    :func:`~pra_lib.publishing.disclosure.protect_distributions` does for a group that
    answered alike; the pool itself is then withheld (``primary``).
    """
    from ..publishing.disclosure import COMPLEMENTARY, PRIMARY
    from ..publishing.score_disclosure import POOLED_GROUP

    out = decision.reset_index(drop=True).copy()
    answers = counts[~counts[category].astype(str).isin(("dont_know",))].copy()
    answers[category] = answers[category].astype(str)
    answers["count"] = pd.to_numeric(answers["count"], errors="coerce").fillna(0)
    for key in (by, "focus_area_id"):
        answers[key] = answers[key].astype(object).map(str)
    scales = [category] if coarsening is None else [category, "_side"]
    if coarsening is not None:
        answers["_side"] = answers[category].map(coarsening)
    grids = {scale: answers.pivot_table(index=[by, "focus_area_id"], columns=scale, values="count", aggfunc="sum", fill_value=0)
             for scale in scales}
    why = out["withheld_as"].fillna("").astype(str).to_numpy(dtype=object)
    n = pd.to_numeric(out["n"], errors="coerce").fillna(0).to_numpy()
    group = out[by].astype(object).map(str).to_numpy()
    area = out["focus_area_id"].astype(object).map(str).to_numpy()
    keys = list(zip(group, area))

    def alike(rows) -> bool:
        for grid in grids.values():
            pooled = grid.reindex([keys[i] for i in rows]).fillna(0).to_numpy().sum(axis=0)
            if pooled.sum() - pooled.max(initial=0) < min_cell_size:
                return True
        return False

    for fa in pd.unique(area):
        here = np.flatnonzero(area == fa)
        unpublished = [i for i in here if n[i] > 0 and (why[i] != "" or n[i] < min_cell_size or group[i] == POOLED_GROUP)]
        if not unpublished or not alike(unpublished):
            continue
        spare = sorted((i for i in here if i not in unpublished and n[i] >= min_cell_size), key=lambda i: (n[i], i))
        for i in unpublished:
            if group[i] == POOLED_GROUP or n[i] < min_cell_size:
                why[i] = why[i] or PRIMARY
        while alike(unpublished) and spare:
            i = spare.pop(0)
            why[i] = COMPLEMENTARY
            unpublished.append(i)
    out["answers_withheld"] = why != ""
    out["withheld_as"] = why
    return out


def _unpool(decision: pd.DataFrame, members: list, *, by: str, pooled: str) -> pd.DataFrame:
    """The pooled group's rows of ``decision`` carried to each group it pools (their rows are hidden by the plan anyway)."""
    rows = decision[by].astype(object).map(str).eq(pooled).to_numpy(dtype=bool)
    own = decision.loc[~rows]
    if not members or not rows.any():
        return own.reset_index(drop=True)
    pool = decision.loc[rows].drop(columns=[by])
    spread = pd.concat([pool.assign(**{by: m}) for m in members], ignore_index=True)[decision.columns]
    return pd.concat([own, spread], ignore_index=True)


def _join(own: pd.DataFrame, pooled: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Each cell withheld where either decision withholds it: primary where either says so."""
    from ..publishing.disclosure import COMPLEMENTARY, PRIMARY

    keys = [by, "focus_area_id"]
    out = own.reset_index(drop=True).copy()
    other = dict(zip(list(zip(*(pooled[k].astype(object).map(str) for k in keys))), pooled["withheld_as"].fillna("").astype(str)))
    mine = out["withheld_as"].fillna("").astype(str).to_numpy(dtype=object)
    theirs = np.array([other.get(k, "") for k in zip(*(out[k].astype(object).map(str) for k in keys))], dtype=object)
    why = np.where((mine == PRIMARY) | (theirs == PRIMARY), PRIMARY, np.where((mine != "") | (theirs != ""), COMPLEMENTARY, ""))
    out["answers_withheld"] = why != ""
    out["withheld_as"] = why
    return out


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
                 n_resamples: int = 2000, seed=0, hidden=None) -> dict[str, pd.DataFrame]:
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
    hidden : mapping or sequence of str, optional
        The stakeholder groups the run's plan hides
        (``report.plan.hidden("stakeholder_group", activity_id)``): everyone's answers
        less the published groups' are theirs, so they are judged as one pooled group
        (:func:`pooled_group_decisions`, which :func:`~pra_lib.seminar.seminar_tests`
        takes too).

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
    decisions = pooled_group_decisions(data, withheld=withheld, hidden=hidden, min_cell_size=min_cell_size)
    support_withheld = decisions["support"]
    ranks = withhold_ranks(seminar_ranking(data, by=by), decisions["rank"], data=data)
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
        The seminar's activity; the groups the report's plan hides there are pooled as
        the seminar's report pools them (:func:`group_tables` with ``hidden``).
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
    plan = getattr(report, "plan", None)  # a report without an assessment has no plan: it hides no group
    hidden = plan.hidden("stakeholder_group", activity_id) if plan is not None else None
    tables = group_tables(data, withheld=withheld, min_cell_size=min_cell_size, n_resamples=n_resamples, seed=seed, hidden=hidden)
    return {name: report.protect(table, name, activity_id=activity_id, **GROUP_TABLES[name]) for name, table in tables.items()}
