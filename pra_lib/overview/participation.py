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
from ..publishing.i18n import pick_all

CITYWIDE = "(city-wide)"


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


def area_shares(data: Assessment, *, activity_id: str | None = None, citywide_name=None) -> pd.DataFrame:
    """Participants per area against each area's share of the population.

    The table behind :func:`pra_lib.overview.areas`, which passes ``citywide_name`` (the
    name of the ``(city-wide)`` row in the report language); without it that row's name is
    missing.
    """
    meta = data.metadata
    people = data.participants
    if activity_id is not None:
        people = people[people["activity_id"] == activity_id]
    counts = people["area"].astype(object).fillna(CITYWIDE).value_counts()  # area may be categorical
    ids = list(meta.areas["area"]) + ([CITYWIDE] if CITYWIDE in counts else [])
    out = pd.DataFrame({"area": ids})
    out["name"] = out["area"].map(dict(zip(meta.areas["area"], meta.areas["name"]))).fillna(out["area"].replace({CITYWIDE: citywide_name}))
    out["n"] = out["area"].map(counts).fillna(0).astype(int)
    out["share_of_respondents"] = out["n"] / max(int(out["n"].sum()), 1)
    pop = out["area"].map(dict(zip(meta.areas["area"], meta.areas["population"].astype(float))))
    out["share_of_population"] = pop / pop.sum() if pop.notna().any() else float("nan")
    return out


def table_completeness(data: Assessment, *, not_provided=None) -> pd.DataFrame:
    """Per table: its source file, rows, and the share of filled cells in its non-personal columns.

    The table behind :func:`pra_lib.overview.completeness`, which passes ``not_provided``
    (the source shown for a table the assessment does not have, in the report language).
    """
    rows = []
    for spec in TABLES:
        frame = data.tables[spec.name]
        cols = [c.name for c in spec.columns if not c.personal and c.name in frame]
        filled = float(frame[cols].notna().to_numpy().mean()) if len(frame) and cols else float("nan")
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
