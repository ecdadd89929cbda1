"""The run's disclosure plan: which small categories are merged or hidden, decided once.

The tables of one assessment are published by several notebooks, each in its own kernel,
and a reader holds all of them at once. :func:`plan` decides, from the assessment alone
and the run's two options (``min_cell_size``, ``small_categories``), which categories of
each breakdown of each activity rest on too few people; :func:`merge_small_categories`
merges them into "other" before any analysis, or :meth:`DisclosurePlan.rows_to_hide` says
which rows of a table to hide. Cell suppression itself is
:func:`pra_lib.publishing.disclosure.suppress`, which re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

DEFAULT_MIN_CELL_SIZE = 5
PRIMARY = "primary"
COMPLEMENTARY = "complementary"
MERGE = "merge"
SUPPRESS = "suppress"
SMALL_CATEGORY_POLICIES = (MERGE, SUPPRESS)
DEFAULT_SMALL_CATEGORIES = MERGE
#: Columns of the participants table that tables are broken down by.
BREAKDOWN_DIMENSIONS = ("stakeholder_group", "area", "channel", "workshop_table", "gender", "age_band")
#: Columns that hold a breakdown's categories under another name (a pair of stakeholder groups).
DIMENSION_ALIASES = {"group_a": "stakeholder_group", "group_b": "stakeholder_group"}
#: Category of the area breakdown that holds people with no area (city-wide roles); the
#: same id as the overview's city-wide row.
CITYWIDE = "(city-wide)"
#: Channel of the key-stakeholder interviews: its cells of an activity count interviewees.
INTERVIEW_CHANNEL = "interview"
_INTERVIEWEES = "/interviewees"
#: Id of the category that small categories are merged into.
OTHER = "other"


@dataclass(frozen=True)
class DisclosurePlan:
    """Which categories of which breakdowns a run hides or merges, decided once from the data.

    Built by :func:`plan`. ``categories`` has one row per small category and per category
    hidden or merged to protect one: ``activity_id``, ``dimension``, ``category``, ``n``
    (people of the activity in it), ``action`` (``primary``, ``complementary`` or
    ``merged``) and ``into`` (the merged category, for ``merged``).
    """

    min_cell_size: int
    small_categories: str
    categories: pd.DataFrame = field(repr=False)

    def hidden(self, dimension: str, activity_id: str | None = None) -> dict:
        """``{category: "primary" | "complementary"}`` hidden in ``dimension`` of one activity.

        Without ``activity_id`` (a table that does not say whose people it counts), the
        categories hidden in any activity are returned: more is hidden, never less.
        """
        rows = self.categories[(self.categories["dimension"] == dimension) & self.categories["action"].isin([PRIMARY, COMPLEMENTARY])]
        if activity_id is not None:
            rows = rows[rows["activity_id"] == activity_id]
        out: dict = {}
        for category, action in zip(rows["category"], rows["action"]):
            if out.get(category) != PRIMARY:
                out[category] = action
        return out

    def rows_to_hide(self, data: pd.DataFrame, *, dims, activity_id: str | None = None) -> np.ndarray:
        """For each row of a table over ``dims``: ``"primary"``, ``"complementary"`` or ``""``.

        A row is hidden when one of its breakdown values is a hidden category of the
        activity it counts (the row's ``activity_id`` when the table has one, else
        ``activity_id``).
        """
        out = np.full(len(data), "", dtype=object)
        if self.categories.empty:
            return out
        cache: dict = {}
        for i, act, name, value in _breakdown_cells(data, dims, activity_id):
            if name not in BREAKDOWN_DIMENSIONS:
                continue
            if (act, name) not in cache:
                cache[act, name] = self.hidden(name, act)
            action = cache[act, name].get(value)
            if action == PRIMARY or (action == COMPLEMENTARY and out[i] != PRIMARY):
                out[i] = action
        # An activity's cells of the interview channel count its interviewees: a group hidden
        # among the interviewees is hidden there too.
        if {"channel", "stakeholder_group"} <= set(dims or []) and {"channel", "stakeholder_group"} <= set(data.columns):
            activities = data["activity_id"].tolist() if "activity_id" in data else [activity_id] * len(data)
            for i, (act, channel, group) in enumerate(zip(activities, data["channel"].tolist(), data["stakeholder_group"].tolist())):
                if act is None or channel != INTERVIEW_CHANNEL or str(act).endswith(_INTERVIEWEES):
                    continue
                action = self.hidden("stakeholder_group", interviewees(act)).get(group)
                if action == PRIMARY or (action == COMPLEMENTARY and out[i] != PRIMARY):
                    out[i] = action
        return out

    def rows_merged_away(self, data: pd.DataFrame, *, dims, activity_id: str | None = None) -> np.ndarray:
        """Rows of a table over ``dims`` that a merge left empty: a category merged into
        "other" in the row's activity, or another activity's merged category.

        A table listing every area of the metadata would otherwise show the merged areas
        with no one in them, next to the "other" that holds their people.
        """
        out = np.zeros(len(data), dtype=bool)
        merged = self.merged()
        if merged.empty:
            return out
        for i, act, name, value in _breakdown_cells(data, dims, activity_id):
            mine = merged[(merged["dimension"] == name)]
            if mine.empty or act is None:
                continue
            act = str(act).removesuffix(_INTERVIEWEES)  # interviewees have their activity's merged groups
            here = mine[mine["activity_id"] == act]
            out[i] |= value in set(here["category"]) or (value in set(mine["into"]) and value not in set(here["into"]))
        return out

    def merged(self) -> pd.DataFrame:
        """The merged categories: ``activity_id``, ``dimension``, ``category``, ``n``, ``into``."""
        rows = self.categories[self.categories["action"] == "merged"]
        return rows[["activity_id", "dimension", "category", "n", "into"]].reset_index(drop=True)


def _breakdown_cells(data: pd.DataFrame, dims, activity_id: str | None):
    """Each (row, activity, dimension, category) a table's ``dims`` break it down by."""
    activities = data["activity_id"].tolist() if "activity_id" in data else [activity_id] * len(data)
    for dim in dims or []:
        if dim not in data:
            continue
        # A long table of margins names its breakdown in a ``variable`` column; a table of
        # pairs names the two categories it compares in ``group_a`` and ``group_b``.
        names = data["variable"].tolist() if dim == "category" and "variable" in data else [DIMENSION_ALIASES.get(dim, dim)] * len(data)
        for i, (act, name, value) in enumerate(zip(activities, names, data[dim].tolist())):
            yield i, act, name, value


_PLAN_COLUMNS = ["activity_id", "dimension", "category", "n", "action", "into"]


def plan(data, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE, small_categories: str = DEFAULT_SMALL_CATEGORIES) -> DisclosurePlan:
    """Decide, once for the whole run, which small categories are merged or hidden.

    For each activity and each breakdown dimension (:data:`BREAKDOWN_DIMENSIONS`) the
    people of the activity are counted per category. A category with ``0 < n <
    min_cell_size`` is small.

    - ``"merge"``: the small categories are merged into one "other" category; while that
      still holds fewer than ``min_cell_size`` people, the next-smallest category joins it.
    - ``"suppress"``: the small categories are hidden (``primary``) in every table broken
      down by that dimension, and the next-smallest categories (``complementary``) until
      the hidden ones are at least two and add up to ``min_cell_size`` more people than
      there are hidden categories, so that the activity's published total leaves each
      hidden count an interval of at least ``min_cell_size`` values.

    Two parts of the people are planned too, so that they are protected across tables as
    areas and stakeholder groups are:

    - **City-wide respondents** (no area) are the area category :data:`CITYWIDE`, since an
      activity's total minus its areas counts them. They cannot be merged into an area, so
      when they are fewer than ``min_cell_size`` they are hidden (``primary``) under either
      policy, with the smallest categories left after any merge (``complementary``).
    - **Interviewees** (an activity's participants with a coded interview statement) by
      stakeholder group, under the id :func:`interviewees` of their activity. Their small
      groups are hidden, never merged (the same people are in the activity's report), in
      the interview report's tables and in the activity's cells of the interview channel
      (:meth:`DisclosurePlan.rows_to_hide`).

    Ties are broken by the category's name, so the same data always give the same plan.

    Parameters
    ----------
    data : Assessment
        The loaded assessment (its ``participants`` table).
    min_cell_size : int
        Smallest number of people a published category may hold.
    small_categories : {"merge", "suppress"}
        What to do with small categories.

    Returns
    -------
    DisclosurePlan

    Examples
    --------
    >>> from pra_lib.assessment import load_assessment              # doctest: +SKIP
    >>> p = plan(load_assessment("data/sample"), small_categories="suppress")  # doctest: +SKIP
    >>> p.hidden("area", "questionnaire")                           # doctest: +SKIP
    {'kepulauan_seribu': 'primary', 'jakarta_pusat': 'complementary'}
    """
    if small_categories not in SMALL_CATEGORY_POLICIES:
        raise ValueError(f"small_categories must be one of {', '.join(SMALL_CATEGORY_POLICIES)}, not {small_categories!r}")
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, (int, np.integer)) or min_cell_size < 1:
        raise ValueError(f"min_cell_size must be a whole number of at least 1, not {min_cell_size!r}")
    people = data.participants
    rows = []
    for activity_id in sorted(people["activity_id"].dropna().unique()):
        mine = people[people["activity_id"] == activity_id]
        for dim in BREAKDOWN_DIMENSIONS:
            if dim not in mine:
                continue
            sizes = mine[dim].dropna().astype(str).value_counts()
            # People with no area (city-wide roles) are a category of the area breakdown too:
            # the activity's total minus its areas would count them.
            citywide = int(mine[dim].isna().sum()) if dim == "area" and len(sizes) else 0
            rows += _plan_dimension(activity_id, dim, sizes, citywide, min_cell_size, small_categories)
    categories = pd.DataFrame(rows, columns=_PLAN_COLUMNS)
    merged = categories["action"] == "merged"
    if merged.any():
        categories.loc[merged, "into"] = _merged_ids(categories[merged])
        categories = _name_pending_other(categories)
    extra = _interviewee_rows(data, categories, min_cell_size)
    if len(extra):
        categories = pd.concat([categories, extra], ignore_index=True) if len(categories) else extra
    return DisclosurePlan(min_cell_size=int(min_cell_size), small_categories=small_categories, categories=categories)


# The "other" category of a dimension before its id is known (other, other_2...).
_PENDING_OTHER = "\x00other"


def _plan_dimension(population: str, dim: str, sizes: pd.Series, citywide: int, min_cell_size: int, policy: str) -> list[list]:
    """The plan rows of one breakdown of one activity (or of its interviewees)."""
    order = sorted(sizes.index, key=lambda c: (int(sizes[c]), c))  # smallest first, ties by name
    rows: list[list] = []
    if policy == SUPPRESS:
        if citywide:
            sizes = pd.concat([sizes, pd.Series({CITYWIDE: citywide})])
            order = sorted(sizes.index, key=lambda c: (int(sizes[c]), c))
        return [[population, dim, c, int(sizes[c]), action, None] for c, action in _hide_small(order, sizes, min_cell_size)]
    small = [c for c in order if sizes[c] < min_cell_size]
    after = {c: int(sizes[c]) for c in order}
    if small:
        chosen = list(small)
        rest = [c for c in order if c not in chosen]
        while sum(sizes[c] for c in chosen) < min_cell_size and rest:
            chosen.append(rest.pop(0))
        if len(chosen) == 1 and rest:  # one category renamed "other" would still be itself
            chosen.append(rest.pop(0))
        rows += [[population, dim, c, int(sizes[c]), "merged", None] for c in chosen]
        after = {c: int(sizes[c]) for c in rest} | {_PENDING_OTHER: int(sum(sizes[c] for c in chosen))}
    if 0 < citywide < min_cell_size:
        # People with no area cannot join an area: they are hidden, with the smallest
        # categories left after the merge, as under "suppress".
        left = pd.Series(after | {CITYWIDE: citywide})
        order = sorted(left.index, key=lambda c: (int(left[c]), c))
        rows += [[population, dim, c, int(left[c]), action, None] for c, action in _hide_small(order, left, min_cell_size)]
    return rows


def _hide_small(order: list, sizes: pd.Series, min_cell_size: int) -> list[tuple]:
    """The small categories (primary) and the next-smallest (complementary) until the hidden
    ones are at least two and add up to ``min_cell_size`` more people than there are of them,
    so that a published total leaves each an interval of at least ``min_cell_size`` values."""
    small = [c for c in order if sizes[c] < min_cell_size]
    if not small:
        return []
    chosen = list(small)
    rest = [c for c in order if c not in chosen]
    while rest and (len(chosen) < 2 or sum(sizes[c] for c in chosen) - len(chosen) < min_cell_size):
        chosen.append(rest.pop(0))
    return [(c, PRIMARY if c in small else COMPLEMENTARY) for c in chosen]


def _name_pending_other(categories: pd.DataFrame) -> pd.DataFrame:
    """A category hidden next to a merged "other" gets the id that "other" got."""
    pending = categories["category"] == _PENDING_OTHER
    if not pending.any():
        return categories
    out = categories.copy()
    into = out[out["action"] == "merged"].groupby(["activity_id", "dimension"])["into"].first()
    out.loc[pending, "category"] = [into[(a, d)] for a, d in zip(out.loc[pending, "activity_id"], out.loc[pending, "dimension"])]
    return out


def _has_interviews(data) -> bool:
    statements = getattr(data, "interview_statements", None)
    return isinstance(statements, pd.DataFrame) and "respondent_id" in statements and len(statements) > 0


def _interviewee_rows(data, categories: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Plan rows of the interviewees of each activity, by stakeholder group.

    The interviewees are the activity's participants with a coded interview statement. They
    are a part of the activity's people, so their small groups are hidden (never merged:
    merging would put the same people in two different groups in the activity's report and
    in the interview report), in the interview report and in the activity's cells of the
    interview channel. Groups the activity itself merged are counted as merged.
    """
    if not _has_interviews(data) or "stakeholder_group" not in data.participants:
        return pd.DataFrame(columns=_PLAN_COLUMNS)
    said = set(data.interview_statements["respondent_id"].dropna())
    people = data.participants[data.participants["respondent_id"].isin(said)]
    rows = []
    for activity_id in sorted(people["activity_id"].dropna().unique()):
        groups = people.loc[people["activity_id"] == activity_id, "stakeholder_group"].dropna().astype(str)
        merged = categories[(categories["activity_id"] == activity_id) & (categories["dimension"] == "stakeholder_group") & (categories["action"] == "merged")]
        groups = groups.replace(dict(zip(merged["category"], merged["into"])))
        sizes = groups.value_counts()
        order = sorted(sizes.index, key=lambda c: (int(sizes[c]), c))
        rows += [[interviewees(activity_id), "stakeholder_group", c, int(sizes[c]), action, None] for c, action in _hide_small(order, sizes, min_cell_size)]
    return pd.DataFrame(rows, columns=_PLAN_COLUMNS)


def interviewees(activity_id: str) -> str:
    """The id under which the run's plan and the interview report's tables name the
    interviewees of an activity (a part of its people, planned on their own).

    Examples
    --------
    >>> interviewees("questionnaire")
    'questionnaire/interviewees'
    """
    return f"{activity_id}{_INTERVIEWEES}"


def _merged_ids(categories: pd.DataFrame) -> list[str]:
    """``other`` for each dimension's merged set; ``other_2``... when activities merge different sets."""
    sets: dict = {}
    for (activity_id, dim), group in categories.groupby(["activity_id", "dimension"], sort=True):
        members = tuple(sorted(group["category"]))
        known = sets.setdefault(dim, [])
        if members not in known:
            known.append(members)
    ids = []
    for activity_id, dim in zip(categories["activity_id"], categories["dimension"]):
        members = tuple(sorted(categories.loc[(categories["activity_id"] == activity_id) & (categories["dimension"] == dim), "category"]))
        k = sets[dim].index(members)
        ids.append(OTHER if k == 0 else f"{OTHER}_{k + 1}")
    return ids


def merge_small_categories(data, the_plan: DisclosurePlan, *, activity_id: str | None = None):
    """The assessment with each activity's small categories merged, as ``the_plan`` says.

    The participants (and the workshop tables of hazard ratings and asset impacts) of an
    activity get the merged category in place of the small ones; the metadata gain a
    stakeholder group or area for each merged category, labelled with the names of the
    categories in it, so every table and figure of the run shows the merged category and
    names what it holds. The input is not modified.

    The members stay in the metadata (an asset or an agency may still name them). With
    ``activity_id`` (a report on one activity) a merged area takes over its members'
    population (theirs becomes 0), so that population shares and weighting margins of
    that activity add up;
    without it (a report over several activities, which merge different sets) a merged
    area has no population of its own. Either way no one is counted twice.

    Examples
    --------
    >>> merged = merge_small_categories(assessment, plan(assessment))   # doctest: +SKIP
    >>> sorted(merged.participants.query("activity_id == 'questionnaire'")["area"].dropna().unique())  # doctest: +SKIP
    ['jakarta_barat', 'jakarta_selatan', 'jakarta_timur', 'jakarta_utara', 'other']
    """
    merged = the_plan.merged()
    if the_plan.small_categories != MERGE or merged.empty:
        return data
    tables = dict(data.tables)
    for name in ("participants", "hazard_ratings", "asset_impacts"):
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        frame = frame.copy()
        for (activity, dim), group in merged.groupby(["activity_id", "dimension"], sort=True):
            if dim not in frame or "activity_id" not in frame:
                continue
            rows = (frame["activity_id"] == activity) & frame[dim].astype(object).isin(list(group["category"]))
            if rows.any():
                frame[dim] = frame[dim].astype(object)
                frame.loc[rows, dim] = group["into"].iloc[0]
        tables[name] = frame
    return replace(data, tables=tables, metadata=_merged_metadata(data.metadata, merged, activity_id))


def _merged_metadata(meta, merged: pd.DataFrame, activity_id: str | None = None):
    from .i18n import get_language, language, t

    def members_label(dim, members, names, lang):
        with language(lang):
            listed = ", ".join(str(names.get(c, c)) for c in members)
            return t("disclosure.other_category", categories=listed)

    groups, areas = meta.stakeholder_groups, meta.areas
    en_groups = dict(zip(groups["stakeholder_group"], groups["label"]))
    id_groups = {g: (i if isinstance(i, str) and i else en_groups.get(g)) for g, i in zip(groups["stakeholder_group"], groups["label_id"])}
    area_names = dict(zip(areas["area"], areas["name"]))
    if activity_id is not None:
        merged = merged[merged["activity_id"] == activity_id]
    for (dim, into), group in merged.groupby(["dimension", "into"], sort=True):
        members = sorted(group["category"].unique())
        if dim == "stakeholder_group" and into not in set(groups["stakeholder_group"]):
            row = {"stakeholder_group": into, "label": members_label(dim, members, en_groups, "en"), "label_id": members_label(dim, members, id_groups, "id")}
            groups = pd.concat([groups, pd.DataFrame([row])], ignore_index=True)
        elif dim == "area" and into not in set(areas["area"]):
            population = areas.loc[areas["area"].isin(members), "population"]
            known = activity_id is not None and len(population) == len(members) and population.notna().all()
            # Areas have one name: the merged one is written in the report's language.
            row = pd.DataFrame({"area": [into], "name": [members_label(dim, members, area_names, get_language())], "population": pd.array([population.sum() if known else pd.NA], dtype="Float64")})
            if known:
                areas = areas.assign(population=areas["population"].mask(areas["area"].isin(members), 0.0))
            areas = pd.concat([areas, row], ignore_index=True)
    return replace(meta, stakeholder_groups=groups, areas=areas)
