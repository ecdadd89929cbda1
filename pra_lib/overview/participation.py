"""Tables of the data overview: who took part, through which channel, from where, and how complete the data is.

Pure computation on a loaded :class:`~pra_lib.assessment.loading.Assessment`. The cells a
report fills with words in its language (the name of the city-wide row, "not provided",
"not published") are left to :mod:`pra_lib.overview.findings`, which passes them in.
"""

from __future__ import annotations

import pandas as pd

from ..assessment.loading import Assessment
from ..assessment.problems import PROBLEM_KINDS, Problem
from ..assessment.schema import TABLES
from ..publishing.disclosure import COMPLEMENTARY, interviewees
from ..publishing.i18n import pick_all

CITYWIDE = "(city-wide)"
#: The row of the interview report's interviewees by group that counts them all.
ALL_INTERVIEWEES = "(all)"
#: The questionnaire's channels of its survey respondents (the people the questionnaire
#: report analyses); its interview channel holds the key-stakeholder interviewees.
SURVEY_CHANNELS = ("online", "offline")


def participation(data: Assessment) -> pd.DataFrame:
    """Number of participants per activity and stakeholder group.

    Returns a tidy table with ``activity_id``, ``activity``, ``stakeholder_group``,
    ``group_label`` and ``n``, including zero cells, in the metadata's order.

    Examples
    --------
    >>> participation(load_assessment("data/sample")).head()  # doctest: +SKIP
    """
    meta = data.metadata
    people = data.participants
    counts = people.groupby(["activity_id", "stakeholder_group"]).size()
    grid = pd.MultiIndex.from_product([meta.activities["activity_id"], meta.stakeholder_groups["stakeholder_group"]], names=["activity_id", "stakeholder_group"])
    out = counts.reindex(grid, fill_value=0).rename("n").reset_index()
    out["activity"] = out["activity_id"].map(activity_titles(meta))
    out["group_label"] = out["stakeholder_group"].map(group_labels(meta))
    return out[["activity_id", "activity", "stakeholder_group", "group_label", "n"]]


def activity_titles(meta) -> dict[str, str]:
    """Activity id -> its title in the report language (``title`` / ``title_id``)."""
    acts = meta.activities
    ids = acts["title_id"] if "title_id" in acts else None
    return dict(zip(acts["activity_id"], pick_all(acts["title"], ids)))


def group_labels(meta) -> dict[str, str]:
    """Stakeholder group id -> its label in the report language (``label`` / ``label_id``)."""
    sg = meta.stakeholder_groups
    ids = sg["label_id"] if "label_id" in sg else None
    return dict(zip(sg["stakeholder_group"], pick_all(sg["label"], ids)))


def channels(data: Assessment) -> pd.DataFrame:
    """Participants per activity and channel (online, offline, interview, workshop), with shares."""
    people = data.participants
    out = people.groupby(["activity_id", "channel"]).size().rename("n").reset_index()
    out["share"] = out["n"] / out.groupby("activity_id")["n"].transform("sum")
    order = {a: i for i, a in enumerate(data.metadata.activities["activity_id"])}
    return out.sort_values(["activity_id", "channel"], key=lambda s: s.map(order) if s.name == "activity_id" else s).reset_index(drop=True)


def area_shares(data: Assessment, *, activity_id: str | None = None, channels=None, citywide_name=None) -> pd.DataFrame:
    """Participants per area against each area's share of the population.

    The table behind :func:`pra_lib.overview.areas`, which passes ``citywide_name`` (the
    name of the ``(city-wide)`` row in the report language); without it that row's name is
    missing. ``channels`` keeps the participants of those channels only
    (:data:`SURVEY_CHANNELS`: the questionnaire's survey respondents).
    """
    meta = data.metadata
    people = data.participants
    if activity_id is not None:
        people = people[people["activity_id"] == activity_id]
    if channels is not None:
        people = people[people["channel"].isin(list(channels))]
    counts = people["area"].astype(object).fillna(CITYWIDE).value_counts()  # area may be categorical
    ids = list(meta.areas["area"]) + ([CITYWIDE] if CITYWIDE in counts else [])
    out = pd.DataFrame({"area": ids})
    out["name"] = out["area"].map(dict(zip(meta.areas["area"], meta.areas["name"]))).fillna(out["area"].replace({CITYWIDE: citywide_name}))
    out["n"] = out["area"].map(counts).fillna(0).astype(int)
    out["share_of_respondents"] = out["n"] / max(int(out["n"].sum()), 1)
    pop = out["area"].map(dict(zip(meta.areas["area"], meta.areas["population"].astype(float))))
    out["share_of_population"] = pop / pop.sum() if pop.notna().any() else float("nan")
    return out


def interviewee_groups_hidden(plan, *, interview_table: pd.DataFrame | None = None, activity_id: str = "questionnaire") -> pd.DataFrame:
    """The stakeholder groups whose interviewees the run hides, per activity.

    The interviewees of an activity are planned on their own
    (:func:`pra_lib.publishing.disclosure.plan`): their small groups, with the groups hidden
    to protect them, are hidden in the interview report. ``interview_table``, the interview
    report's interviewees by group as it publishes them (``stakeholder_group``,
    ``suppressed``; :meth:`~pra_lib.publishing.report.Report.protect` of the same call),
    adds the groups its own suppression hides in ``activity_id``. Returns ``activity_id``,
    ``stakeholder_group`` and ``action`` (``primary`` or ``complementary`` among the
    interviewees); empty when no group is hidden.

    Examples
    --------
    >>> interviewee_groups_hidden(report.plan)  # doctest: +SKIP
    """
    columns = ["activity_id", "stakeholder_group", "action"]
    rows = []
    if plan is not None and not plan.categories.empty:
        suffix = interviewees("")  # the plan names an activity's interviewees "<activity><suffix>"
        planned = {a.removesuffix(suffix) for a in plan.categories["activity_id"] if isinstance(a, str) and a.endswith(suffix)}
        for activity in sorted(planned):
            rows += [[activity, group, action] for group, action in sorted(plan.hidden("stakeholder_group", interviewees(activity)).items())]
    if interview_table is not None and len(interview_table):
        known = {(a, g) for a, g, _ in rows}
        hidden = interview_table.loc[interview_table["suppressed"].astype(bool), "stakeholder_group"]
        rows += [[activity_id, g, COMPLEMENTARY] for g in hidden if (activity_id, g) not in known and g != ALL_INTERVIEWEES]
    return pd.DataFrame(rows, columns=columns)


def hidden_with_interviewees(table: pd.DataFrame, *, plan, interview_table: pd.DataFrame | None = None, activity_id: str = "questionnaire") -> pd.Series:
    """Rows of :func:`participation` that would give back a group's hidden interviewees.

    An activity's participants of a stakeholder group are its survey respondents of that
    group, which the questionnaire report publishes by group and channel, plus its
    interviewees of that group, which the interview report hides when the run's plan hides
    the group among the interviewees, or when its own suppression hides the group to
    protect one. The overview's count of such a group, less the published respondents,
    would be the hidden interviewees, so it is hidden too (complementary suppression
    across reports): its interval is then that of the hidden interviewees.

    Parameters
    ----------
    table : DataFrame
        The participation table (``activity_id``, ``stakeholder_group``).
    plan : DisclosurePlan or None
        The run's disclosure plan (``report.plan``).
    interview_table : DataFrame, optional
        The interview report's interviewees by group as it publishes them
        (``stakeholder_group``, ``suppressed``), taken by the same call
        (:meth:`~pra_lib.publishing.report.Report.protect`, a dry run): the groups it hides
        beyond the plan's are hidden too, in ``activity_id``'s row.
    activity_id : str
        The activity whose interviewees ``interview_table`` counts.

    Returns
    -------
    Series of bool
        One value per row of ``table``, named ``hidden_with_interviewees``.

    Examples
    --------
    >>> rows = hidden_with_interviewees(participation(data), plan=report.plan)           # doctest: +SKIP
    >>> report.table(participation(data), "participation", hidden_with=rows, ...)      # doctest: +SKIP
    """
    hidden = interviewee_groups_hidden(plan, interview_table=interview_table, activity_id=activity_id)
    wanted = set(zip(hidden["activity_id"], hidden["stakeholder_group"]))
    keys = zip(table["activity_id"], table["stakeholder_group"])
    return pd.Series([key in wanted for key in keys], index=table.index, dtype=bool, name="hidden_with_interviewees")


def table_completeness(data: Assessment, *, not_provided=None) -> pd.DataFrame:
    """Per table: its source file, rows, and the share of filled cells in its non-personal columns.

    The table behind :func:`pra_lib.overview.completeness`, which passes ``not_provided``
    (the source shown for a table the assessment does not have, in the report language).
    ``filled_share`` is rounded to whole percentage points: to full precision, times the
    table's cells it is the number of filled cells, and with the other columns' gaps known,
    the number of participants with no area across all activities, whose count per
    activity the run hides when it is small.
    """
    rows = []
    for spec in TABLES:
        frame = data.tables[spec.name]
        cols = [c.name for c in spec.columns if not c.personal and c.name in frame]
        filled = round(float(frame[cols].notna().to_numpy().mean()), 2) if len(frame) and cols else float("nan")
        rows.append(
            {
                "table": spec.name,
                "source": data.sources.get(spec.name, not_provided),
                "required": spec.required,
                "rows": len(frame),
                "filled_share": filled,
            }
        )
    return pd.DataFrame(rows)


def validation_summary(problems: list[Problem]) -> pd.DataFrame:
    """Number of problems per kind (all kinds listed, zero when none)."""
    counts = pd.Series([p.kind for p in problems], dtype=object).value_counts()
    return pd.DataFrame({"kind": PROBLEM_KINDS, "problems": [int(counts.get(k, 0)) for k in PROBLEM_KINDS]})


def activity_list(data: Assessment, *, not_published=None) -> pd.DataFrame:
    """The assessment's activities with their dates and number of participants.

    The table behind :func:`pra_lib.overview.activities`, which passes ``not_published``
    (the date shown for an activity without one, in the report language).
    """
    acts = data.metadata.activities.copy()
    acts["n"] = acts["activity_id"].map(data.participants["activity_id"].value_counts()).fillna(0).astype(int)
    acts["date"] = acts["date"].fillna(not_published)
    acts["title"] = acts["activity_id"].map(activity_titles(data.metadata))
    return acts[["activity_id", "activity_type", "title", "date", "n"]]
