"""Group disclosure in score tables: one decision per group, applied to every table of it.

:func:`pra_lib.publishing.disclosure.protect_distributions` withholds the answers per
category of a published group that answered (almost) alike (Hundepool et al., *Statistical
Disclosure Control*, Wiley 2012, ch. 5: group attribute disclosure). The same group's
statistics in a score table tell the same thing: from ``share_* x n`` a reader gets how
many answered positive, neutral and negative, and a mean of 1.0 or 5.0 says that everyone
gave the same answer. So the decision is taken once per group, here, and applied to every
table that describes the group's answers:

- :func:`withheld_groups` decides, from the answers per category, which groups are
  withheld: a group is near-homogeneous when all its members, or all but fewer than
  ``min_cell_size``, gave the same answer on the five-point scale *or* on the same side of
  it (positive 4-5, neutral 3, negative 1-2: the split the score tables publish as shares).
  With ``within`` (the goal's answers over all groups are published elsewhere) the
  smallest other groups of the goal are withheld too until the withheld ones together did
  not answer alike on either scale, so that subtraction from the goal's total tells
  nothing. The rule is :func:`protect_distributions`'s own, called once per scale.
- :func:`withhold_answers` applies the decision to a table: the answers per category, or
  the mean, median, interval, shares and consensus of a score table become missing, a
  yes/no column ``answers_withheld`` is added, and the group's ``n`` stays published.
- :func:`withhold_named_groups` does the same for a group's mean quoted in a table of
  another kind (the group that supports a focus area most, with its mean), and
  :func:`withhold_channel_means` for a channel's mean in a column of its own (the mode
  effect's online and paper means).
- :func:`pool_hidden` pools the categories the run's plan hides (``--small-categories
  suppress``) into one group, :data:`POOLED_GROUP`, before groups are compared: a
  Kruskal-Wallis H, Dunn's z or Kendall's W over the hidden groups apart, with the
  published groups' answers and the goal's total, fits only a few sizes and splits of
  the hidden groups (on the generated assessment of seed 29, government's 18 people and
  the ratings of a 1- and a 3-person group); the pooled group's answers are the total
  less the published groups', so a test with it tells nothing the totals do not.
- :func:`withhold_tests` withholds the statistic, effect size and p-value of every test
  that involves a withheld group (a goal's Kruskal-Wallis test, a pair of groups, a
  group's Kendall's W, a workshop table's or group's Krippendorff's alpha over the goals):
  with the other groups' published answers they would give the withheld group's answers
  back. A test between two published groups stays: its ranks are pooled over all groups,
  but only through the goal's answers per category, which are published, so it tells
  nothing of how the withheld groups split them.
- :func:`adjust_published` adjusts the p-values of the tests a report publishes, as one
  family, after the withholding: an adjusted p-value computed over every test and then
  published next to withheld ones carries them (Holm's step-down takes the largest of
  the earlier adjusted values, so a published adjusted p can be k times a withheld p).
- :func:`withhold_mode_effect` withholds the mode effect (channels compared per goal) of a
  goal whose answers another breakdown withholds (a stakeholder group, an area): its U and
  channel means rest on the goal's answers by channel, which nothing publishes, and with
  the respondents by group and channel they give a withheld group back.
- :func:`withhold_pooled` withholds a statistic pooled over every goal or focus area
  (the Krippendorff's alpha of all respondents together) when one of them is withheld as
  a whole (everyone answered it alike), and :func:`roll_up` carries a decision from goals
  to what pools them (a dimension's score is the mean of its goals').
- :func:`withheld_summary` counts the withheld groups of a table, and
  :func:`withheld_text` says in the report's language how many were withheld and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .disclosure import COMPLEMENTARY, DEFAULT_MIN_CELL_SIZE, PRIMARY, protect_distributions

#: The three sides of the five-point scale that score tables publish as shares.
THREE_WAY: Mapping[str, str] = {"1": "negative", "2": "negative", "3": "neutral", "4": "positive", "5": "positive"}

#: Statistics of a group's answers on the scale, withheld with them. The group's ``n``
#: and its "don't know" answers (not on the scale, as in :func:`protect_distributions`)
#: stay published.
ANSWER_STATISTICS = (
    "mean", "median", "ci_low", "ci_high", "mean_ci_low", "mean_ci_high",
    "share_positive", "share_neutral", "share_negative",
    "share_support", "share_support_ci_low", "share_support_ci_high", "share_oppose",
    "mean_support", "consensus", "count", "share",
)

_DECISION = ("n", "answers_withheld", "withheld_as")


def withheld_groups(
    data: pd.DataFrame,
    *,
    cells: Sequence[str],
    within: Sequence[str] | None = None,
    category: str = "category",
    count: str = "count",
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    exclude: tuple[str, ...] = ("dont_know",),
    coarsening: Mapping[str, str] | None = THREE_WAY,
) -> pd.DataFrame:
    """Which groups' answers are withheld: one decision per group for every table of it.

    Parameters
    ----------
    data : DataFrame
        Answers per category, one row per group and category, not yet protected
        (:func:`pra_lib.perception.likert_counts` with ``by``,
        :func:`pra_lib.seminar.support_counts` with ``by``).
    cells : list of str
        Columns that identify a group's answers to one question
        (``["goal_id", "stakeholder_group"]``).
    within : list of str, optional
        Columns of the groups whose answers together are published elsewhere
        (``["goal_id"]``: the goal's scores over all groups). The withheld groups of one
        such family are then protected against subtraction from it.
    category, count : str
        The category and count columns.
    min_cell_size : int
        The run's threshold: a group of at least this many people whose answers leave
        fewer than this many outside their most frequent category is withheld.
    exclude : tuple of str
        Categories that are not answers on the scale ("don't know").
    coarsening : mapping, optional
        Categories grouped as a score table's shares group them (:data:`THREE_WAY`:
        1-2 negative, 3 neutral, 4-5 positive); a group is judged on the categories and on
        the coarsened ones. ``None`` judges the categories only (rank positions).

    Returns
    -------
    DataFrame
        One row per group: the ``cells`` columns, ``n`` (its answers on the scale),
        ``answers_withheld`` (yes/no) and ``withheld_as`` (``"primary"`` for a group that
        answered alike, ``"complementary"`` for one withheld to protect another, or
        empty). The input is not modified.

    Examples
    --------
    Government spread its five-point answers (0, 1, 1, 3, 4) but 7 of its 9 answered
    positive: withheld. Academia is withheld with it, so that the goal's published shares
    minus community's do not give government's split away.

    >>> t = pd.DataFrame({"goal_id": "G01", "stakeholder_group": ["gov"] * 5 + ["aca"] * 5 + ["com"] * 5,
    ...                   "category": list("12345") * 3, "count": [0, 1, 1, 3, 4, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]})
    >>> g = withheld_groups(t, cells=["goal_id", "stakeholder_group"], within=["goal_id"])
    >>> g[["stakeholder_group", "n", "answers_withheld", "withheld_as"]].values.tolist()
    [['gov', 9, True, 'primary'], ['aca', 10, True, 'complementary'], ['com', 15, False, '']]
    """
    cells = list(cells)
    missing = [c for c in [*cells, *(within or []), category, count] if c not in data]
    if missing:
        raise KeyError(f"withheld_groups: columns {missing} not in table (columns: {', '.join(map(str, data.columns))})")
    frame = data.reset_index(drop=True)
    on_scale = ~frame[category].astype(str).isin(exclude)
    keys = [*cells, *(c for c in within or [] if c not in cells)]
    answers = frame.loc[on_scale, [*keys, category, count]].copy()
    answers[category] = answers[category].astype(str)
    answers[count] = pd.to_numeric(answers[count], errors="coerce").fillna(0)
    groups = answers.drop_duplicates(cells)[cells].reset_index(drop=True)
    groups["n"] = answers.groupby(cells, sort=False, dropna=False)[count].sum().to_numpy().astype(int)
    why = np.full(len(groups), "", dtype=object)
    scales = [answers]
    if coarsening is not None:
        unknown = sorted(set(answers[category]) - set(coarsening))
        if unknown:
            raise ValueError(f"withheld_groups: categories {unknown} have no side in the coarsening (sides: {dict(coarsening)})")
        sides = answers.assign(**{category: answers[category].map(coarsening)})
        scales.append(sides.groupby([*keys, category], sort=False, dropna=False, as_index=False)[count].sum())
    for scale in scales:
        # protect_distributions' own rule (with its complementary step), on each scale.
        judged = protect_distributions(scale, cells=cells, within=None if within is None else list(within), category=category,
                                       count=count, shares=(), min_cell_size=min_cell_size, exclude=())
        action = pd.Series(judged.attrs["answers_withheld"], index=judged.index).groupby(
            [judged[c] for c in cells], sort=False, dropna=False).first()
        found = action.reindex(pd.MultiIndex.from_frame(groups[cells]) if len(cells) > 1 else groups[cells[0]]).fillna("").to_numpy()
        # A group that answered alike on either scale is primary; withheld to protect another
        # otherwise. Pooling more groups into one that did not answer alike never makes it
        # alike, so the union of the two decisions protects on both scales.
        why = np.where((why == PRIMARY) | (found == PRIMARY), PRIMARY, np.where((why != "") | (found != ""), COMPLEMENTARY, ""))
    groups["answers_withheld"] = why != ""
    groups["withheld_as"] = why
    return groups


def withhold_answers(
    data: pd.DataFrame,
    groups: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    category: str = "category",
    exclude: tuple[str, ...] = ("dont_know",),
) -> pd.DataFrame:
    """Withhold the statistics of the answers of the groups :func:`withheld_groups` withholds.

    Parameters
    ----------
    data : DataFrame
        A table with one or more rows per group: a score table
        (:func:`pra_lib.perception.scores` by a group, :func:`pra_lib.seminar.support` by
        a group), the answers per category, a consensus table.
    groups : DataFrame
        Output of :func:`withheld_groups`; its cell columns must be in ``data``. Rows of
        ``data`` that are no group of it (an "all respondents" row) are left as they are.
    columns : list of str, optional
        Statistics to withhold; default: those of :data:`ANSWER_STATISTICS` in ``data``.
        A table that describes two kinds of answers of a group (its support and its ranks)
        is passed once per decision, each with its columns; ``answers_withheld`` then says
        whether either withheld the row.
    category, exclude : str, tuple of str
        Rows whose ``category`` is one of ``exclude`` ("don't know" answers, not on the
        scale) keep their values.

    Returns
    -------
    DataFrame
        A copy with the statistics of withheld groups missing (numeric columns stay
        numeric), ``n`` published, and a yes/no column ``answers_withheld``;
        ``attrs["answers_withheld"]`` says, per row, ``primary``, ``complementary`` or empty.

    Examples
    --------
    >>> groups = pd.DataFrame({"goal_id": ["G01", "G01"], "stakeholder_group": ["gov", "com"], "n": [9, 15],
    ...                        "answers_withheld": [True, False], "withheld_as": ["primary", ""]})
    >>> s = pd.DataFrame({"goal_id": "G01", "stakeholder_group": ["gov", "com"], "n": [9, 15], "mean": [4.1, 3.0]})
    >>> out = withhold_answers(s, groups)
    >>> out["mean"].tolist(), out["n"].tolist(), out["answers_withheld"].tolist()
    ([nan, 3.0], [9, 15], [True, False])
    """
    keys = [c for c in groups.columns if c not in _DECISION]
    missing = [c for c in keys if c not in data]
    if missing:
        raise KeyError(f"withhold_answers: the groups are identified by {keys}, but {missing} is not in the table (columns: {', '.join(map(str, data.columns))})")
    out = data.reset_index(drop=True).copy()
    decided = dict(zip(_row_keys(groups, keys), groups["withheld_as"].astype(str)))
    why = np.array([decided.get(k, "") for k in _row_keys(out, keys)], dtype=object)
    hide = why != ""
    # A table of two kinds of answers (support and ranks) is passed once per decision: a row
    # already withheld stays so, and says why (answering alike before protecting another).
    before = out["answers_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "answers_withheld" in out else np.zeros(len(out), dtype=bool)
    earlier = list(out.attrs.get("answers_withheld", []))
    earlier = np.asarray(earlier if len(earlier) == len(out) else np.where(before, PRIMARY, ""), dtype=object)
    out["answers_withheld"] = before | hide
    out.attrs["answers_withheld"] = np.where((why == PRIMARY) | (earlier == PRIMARY), PRIMARY, np.where(before | hide, COMPLEMENTARY, "")).tolist()
    if category in out:
        hide &= ~out[category].astype(str).isin(exclude).to_numpy()
    names = [c for c in (ANSWER_STATISTICS if columns is None else columns) if c in out and c not in keys]
    if hide.any():
        for col in names:
            out[col] = _missing_where(out[col], hide)
    return out


def withhold_named_groups(
    data: pd.DataFrame,
    groups: pd.DataFrame,
    *,
    group: str = "stakeholder_group",
    labels: pd.DataFrame | Mapping | None = None,
    label: str = "group_label",
    named: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Withhold a withheld group's statistic where a table names the group in a column.

    A test table may say which group rates a focus area highest and lowest, with their
    means (``group_top``, ``group_top_mean``): the mean of a group withheld by
    :func:`withheld_groups` is withheld there too. The name stays.

    Parameters
    ----------
    data : DataFrame
        The table, with the other cell columns of ``groups`` (``focus_area_id``).
    groups : DataFrame
        Output of :func:`withheld_groups`, with a ``group`` column among its cells.
    group : str
        The column of ``groups`` that names the group.
    labels : DataFrame or mapping, optional
        How ``data`` names the groups: a mapping from group id to the name shown, or a
        table with the ``group`` and ``label`` columns (a score table). Without it the
        ids are the names.
    label : str
        The label column of a ``labels`` table.
    named : mapping, optional
        Statistic column -> the column naming its group; default
        ``{"group_top_mean": "group_top", "group_bottom_mean": "group_bottom"}``.

    Returns
    -------
    DataFrame
        A copy with the statistics of withheld groups missing, and a yes/no column
        ``answers_withheld`` on the rows that name one. The input is not modified.

    Examples
    --------
    >>> groups = pd.DataFrame({"stakeholder_group": ["gov", "aca"], "focus_area_id": "FA1", "n": [9, 15],
    ...                        "answers_withheld": [True, False], "withheld_as": ["primary", ""]})
    >>> d = pd.DataFrame({"focus_area_id": ["FA1"], "group_top": ["gov"], "group_top_mean": [4.6],
    ...                   "group_bottom": ["aca"], "group_bottom_mean": [3.1]})
    >>> withhold_named_groups(d, groups)[["group_top_mean", "group_bottom_mean"]].values.tolist()
    [[nan, 3.1]]
    """
    named = dict(named or {"group_top_mean": "group_top", "group_bottom_mean": "group_bottom"})
    keys = [c for c in groups.columns if c not in _DECISION]
    if group not in keys:
        raise KeyError(f"withhold_named_groups: {group!r} is not among the columns that identify the groups ({keys})")
    others = [k for k in keys if k != group]
    missing = [c for c in [*others, *named, *named.values()] if c not in data]
    if missing:
        raise KeyError(f"withhold_named_groups: columns {missing} not in table (columns: {', '.join(map(str, data.columns))})")
    if isinstance(labels, pd.DataFrame):
        labels = dict(zip(labels[group].astype(str), labels[label]))
    shown = {str(k): str(v) for k, v in (labels or {}).items()}
    withheld = {(shown.get(k[0], k[0]), *k[1:]) for k in _row_keys(groups[groups["answers_withheld"].astype(bool)], [group, *others])}
    out = data.reset_index(drop=True).copy()
    rest = _row_keys(out, others) if others else [()] * len(out)
    any_hidden = np.zeros(len(out), dtype=bool)
    for stat, name in named.items():
        hide = np.array([(None if v is None or v != v else str(v), *r) in withheld for v, r in zip(out[name].astype(object), rest)], dtype=bool)
        any_hidden |= hide
        if hide.any():
            out[stat] = _missing_where(out[stat], hide)
    out["answers_withheld"] = any_hidden
    return out


def withhold_channel_means(
    data: pd.DataFrame,
    groups: pd.DataFrame,
    *,
    channel: str = "channel",
    means: Mapping[str, str] | None = None,
    derived: Sequence[str] = ("mean_difference",),
) -> pd.DataFrame:
    """Withhold a channel's mean where a table gives each channel its own column (mode effect).

    The mode-effect table publishes, per goal, the mean of the online and of the paper
    answers (``mean_online``, ``mean_offline``). A channel whose answers to a goal are
    near-homogeneous tells its mean what everyone in it said, as a group's does, so
    :func:`withheld_groups` decides per goal and channel (with ``within=["goal_id"]``: a
    channel withheld with it where the goal's published scores minus the other channel's
    would give it back), and its mean is withheld here, with the columns computed from it
    (``mean_difference``: the other mean minus it would give it back). The n's stay.

    Parameters
    ----------
    data : DataFrame
        The table (:func:`pra_lib.perception.mode_effect`), with the other cell columns of
        ``groups`` (``goal_id``).
    groups : DataFrame
        Output of :func:`withheld_groups` over the answers per goal and ``channel``.
    channel : str
        The column of ``groups`` that names the channel.
    means : mapping, optional
        Mean column -> its channel; default ``{"mean_online": "online", "mean_offline":
        "offline"}``.
    derived : list of str
        Columns withheld with either mean.

    Returns
    -------
    DataFrame
        A copy with the means of withheld channels (and ``derived``) missing and a yes/no
        column ``answers_withheld``. The input is not modified.

    Examples
    --------
    >>> groups = pd.DataFrame({"goal_id": ["G01", "G01"], "channel": ["online", "offline"], "n": [300, 6],
    ...                        "answers_withheld": [True, True], "withheld_as": ["complementary", "primary"]})
    >>> d = pd.DataFrame({"goal_id": ["G01"], "mean_online": [3.2], "mean_offline": [2.0], "mean_difference": [1.2]})
    >>> withhold_channel_means(d, groups)[["mean_online", "mean_offline", "mean_difference", "answers_withheld"]].values.tolist()
    [[nan, nan, nan, True]]
    """
    means = dict(means or {"mean_online": "online", "mean_offline": "offline"})
    present = {stat: value for stat, value in means.items() if stat in data}
    # each mean column names its channel in a column of its own, as withhold_named_groups reads it
    named = {stat: f"_channel_of_{stat}" for stat in present}
    marked = data.assign(**{column: present[stat] for stat, column in named.items()})
    out = withhold_named_groups(marked, groups, group=channel, named=named).drop(columns=list(named.values()))
    hide = out["answers_withheld"].to_numpy(dtype=bool)
    for col in derived:
        if col in out and hide.any():
            out[col] = _missing_where(out[col], hide)
    return out


#: Statistics of a test that involves a group's answers: with one of the groups withheld,
#: a test's statistic, effect size and p-value, with the other groups' published answers,
#: narrow down or give back the withheld group's answers (a Kruskal-Wallis H with the
#: published groups' answers fits only one split of the withheld ones).
TEST_STATISTICS = (
    "h", "epsilon_sq", "eta_sq_h", "z", "u", "rank_biserial", "w", "chi2", "agreement",
    # Krippendorff's alpha of a table or group over the goals, and its reading: with its
    # published goals' answers it pins down the withheld goal's (one split of 180 left in
    # tests/test_score_disclosure.py)
    "alpha", "interpretation",
    "pvalue", "pvalue_adj", "significant",
    # the group that ranks a focus area highest or lowest: with one group withheld, it
    # may be the withheld one or the published one named (it might have been either)
    "group_top", "group_top_mean", "group_bottom", "group_bottom_mean",
)


def withhold_tests(
    data: pd.DataFrame,
    groups: pd.DataFrame,
    *,
    group: str | None = None,
    named: Sequence[str] = (),
    labels: pd.DataFrame | Mapping | None = None,
    label: str = "group_label",
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Withhold the test statistics of every test that involves a withheld group.

    A test table has one row per test: per goal or focus area (the groups compared), per
    pair of groups, per group (Kendall's W of its ballots). A row is withheld when a group
    it involves is withheld by :func:`withheld_groups`: by default, any group of the
    row's goal or focus area (the key columns ``data`` shares with ``groups``; a row of a
    per-group table, any of the group's goals or focus areas); with ``named``, the groups
    the row names in those columns (a pair's ``group_a`` and ``group_b``). Apply it before
    the p-values are adjusted (:func:`adjust_published`): adjusted over every test, a
    published adjusted p-value may be a withheld test's p times the number of tests left
    (Holm 1979's step-down carries the largest earlier value). The categories the run's
    plan hides are pooled (:func:`pool_hidden`) before the tests are computed, so no test
    compares one of them on its own.

    Parameters
    ----------
    data : DataFrame
        A test table (:func:`pra_lib.perception.group_differences`, ``posthoc``,
        ``mode_effect``; :func:`pra_lib.seminar.group_differences`, ``consensus``).
    groups : DataFrame
        Output of :func:`withheld_groups`.
    group : str, optional
        With ``named``: the column of ``groups`` that names the group.
    named : list of str
        Columns of ``data`` that name the groups a row compares.
    labels : DataFrame or mapping, optional
        How the ``named`` columns name the groups (id -> name, or a table with ``group``
        and ``label`` columns); without it the ids are the names.
    label : str
        The label column of a ``labels`` table.
    columns : list of str, optional
        Columns to withhold; default those of :data:`TEST_STATISTICS` in ``data``.

    Returns
    -------
    DataFrame
        A copy with the statistics of the withheld rows missing (numeric columns stay
        numeric, ``significant`` becomes a yes/no column with missing values) and a yes/no
        column ``test_withheld``. The input is not modified.

    Examples
    --------
    >>> groups = pd.DataFrame({"goal_id": ["G01", "G01", "G02", "G02"], "stakeholder_group": ["gov", "aca"] * 2,
    ...                        "n": [9, 15, 9, 15], "answers_withheld": [True, True, False, False],
    ...                        "withheld_as": ["primary", "complementary", "", ""]})
    >>> kw = pd.DataFrame({"goal_id": ["G01", "G02"], "h": [3.04, 0.5], "pvalue": [0.08, 0.48], "significant": [False, False]})
    >>> out = withhold_tests(kw, groups)
    >>> out["h"].tolist(), out["test_withheld"].tolist()
    ([nan, 0.5], [True, False])
    """
    keys = [c for c in groups.columns if c not in _DECISION]
    hidden = groups[groups["answers_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
    out = data.reset_index(drop=True).copy()
    if named:
        if group not in keys:
            raise KeyError(f"withhold_tests: group {group!r} is not among the columns that identify the groups ({keys})")
        others = [k for k in keys if k != group]
        missing = [c for c in [*others, *named] if c not in out]
        if missing:
            raise KeyError(f"withhold_tests: columns {missing} not in table (columns: {', '.join(map(str, out.columns))})")
        if isinstance(labels, pd.DataFrame):
            labels = dict(zip(labels[group].astype(str), labels[label]))
        shown = {str(k): str(v) for k, v in (labels or {}).items()}
        withheld = {(shown.get(k[0], k[0]), *k[1:]) for k in _row_keys(hidden, [group, *others])}
        rest = _row_keys(out, others) if others else [()] * len(out)
        hide = np.zeros(len(out), dtype=bool)
        for col in named:
            names = out[col].astype(object).where(out[col].notna(), None).map(lambda v: None if v is None else str(v))
            hide |= np.array([(v, *r) in withheld for v, r in zip(names, rest)], dtype=bool)
    else:
        shared = [k for k in keys if k in out]
        if not shared:
            raise KeyError(f"withhold_tests: the table shares none of the columns that identify the groups ({keys}; columns: {', '.join(map(str, out.columns))})")
        withheld = set(_row_keys(hidden, shared))
        hide = np.array([k in withheld for k in _row_keys(out, shared)], dtype=bool)
    # a table passed once per decision (channels, then groups) stays withheld where it was
    before = out["test_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "test_withheld" in out else np.zeros(len(out), dtype=bool)
    out["test_withheld"] = before | hide
    if hide.any():
        for col in [c for c in (TEST_STATISTICS if columns is None else columns) if c in out]:
            out[col] = _missing_where(out[col], hide)
    return out



#: The group that pools, in a test comparing groups, the categories the run's plan hides.
POOLED_GROUP = "(hidden groups)"


def pool_hidden(
    data: pd.DataFrame,
    hidden,
    *,
    column: str = "stakeholder_group",
    label: str | None = "group_label",
) -> pd.DataFrame:
    """Pool the categories the run's plan hides into one group, before groups are compared.

    With ``--small-categories suppress`` the plan hides the small categories of a breakdown
    and companions to them (:meth:`pra_lib.publishing.disclosure.DisclosurePlan.hidden`),
    and every table hides their rows. A test that compares the groups with the hidden ones
    apart (Kruskal-Wallis H, Kruskal & Wallis 1952; Dunn's z; a group's Kendall's W) does
    not hide them: with the published groups' answers, the goal's total answers and the
    groups' sizes, enumerating the hidden groups' sizes and splits that reproduce H to its
    six decimals pins them (on the generated assessment of seed 29 the review found
    government's 18 people and eight goals' ratings of the 1- and the 3-person groups;
    ``tests/test_test_disclosure.py`` repeats it on a small table). Pooled into one
    group, as notebook 01's weighting pools them
    (:func:`pra_lib.perception.weighting.weighting_cells`), their answers are the total
    less the published groups', which a reader has: a test with the pooled group tells
    nothing the published totals do not, and keeps the published groups' comparison.

    Parameters
    ----------
    data : DataFrame
        The answers, one row per answer (:func:`pra_lib.perception.ratings_frame`,
        :func:`pra_lib.seminar.votes_frame`).
    hidden : iterable of str
        The hidden categories of ``column`` (``report.plan.hidden("stakeholder_group",
        activity_id)``; a mapping's keys). Empty: ``data`` is returned as it is.
    column : str
        The breakdown compared.
    label : str, optional
        The column of the categories' names shown in the report (``group_label``); the
        pooled group is named :data:`POOLED_GROUP` there in the report's language
        (``disclosure.pooled_groups``). Left alone when ``data`` has no such column.

    Returns
    -------
    DataFrame
        ``data``, or a copy with the hidden categories of ``column`` replaced by
        :data:`POOLED_GROUP` (and their label by its name).

    Examples
    --------
    >>> d = pd.DataFrame({"stakeholder_group": ["gov", "com", "pri", "aca"], "rating": [1, 2, 3, 4]})
    >>> pool_hidden(d, {"com": "primary", "pri": "complementary"}, label=None)["stakeholder_group"].tolist()
    ['gov', '(hidden groups)', '(hidden groups)', 'aca']
    """
    if column not in data:
        raise KeyError(f"pool_hidden: column {column!r} not in table (columns: {', '.join(map(str, data.columns))})")
    hidden = {str(c) for c in (hidden or ())}
    if not hidden:
        return data
    values = data[column]
    inside = values.astype(object).map(lambda v: v is not None and v == v and str(v) in hidden).to_numpy(dtype=bool)
    if not inside.any():
        return data
    return mark_pooled(data, inside, column=column, label=label)


def mark_pooled(data: pd.DataFrame, rows, *, column: str, label: str | None = None) -> pd.DataFrame:
    """Name ``rows`` of ``data`` the pooled group: ``column`` becomes :data:`POOLED_GROUP` and
    ``label`` (when present) *Hidden groups (pooled)* in the report's language; categorical
    columns keep their other categories. Used by :func:`pool_hidden` and by
    :func:`pra_lib.perception.pool_hidden_cells`, which choose the rows differently.

    Examples
    --------
    >>> mark_pooled(pd.DataFrame({"g": ["a", "b"]}), [False, True], column="g")["g"].tolist()
    ['a', '(hidden groups)']
    """
    from .i18n import cell_label

    inside = np.asarray(rows, dtype=bool)
    out = data.copy()
    for col, new in ((column, POOLED_GROUP), (label, cell_label("disclosure.pooled_groups"))):
        if col is None or col not in out:
            continue
        series = out[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            if new not in series.cat.categories:
                series = series.cat.add_categories([new])
            series = series.where(~inside, new).cat.remove_unused_categories()
        else:
            series = series.astype(object).where(~inside, new)
        out[col] = series
    return out


def adjust_published(tables: Mapping[str, pd.DataFrame], *, method: str = "holm", alpha: float = 0.05) -> dict[str, pd.DataFrame]:
    """Adjust the p-values of the tests a report publishes, as one family, after withholding.

    A p-value adjusted over every test and published next to withheld tests can give a
    withheld one back: Holm's step-down (Holm 1979, "A simple sequentially rejective
    multiple test procedure", Scand. J. Statist. 6) sets the j-th smallest p's adjusted
    value to the largest of ``(m - i + 1) p_(i)`` over ``i <= j``, so a published adjusted
    p can be a withheld test's p times a known count (the seminar's academia W, 0.034116 =
    12 x 0.002843, carried the withheld H of a focus area's support on the sample). So the
    tables are withheld first (:func:`withhold_tests`, which leaves a withheld test's
    p-value missing) and adjusted here over the published tests only.

    This is a valid family: which tests are withheld depends on the groups' sizes, the
    plan's hidden categories and whether a group answered alike, never on a p-value, so
    the family is fixed before any p-value is seen and Holm's bound on the chance of any
    false "significant" among the published tests holds as for any family chosen in
    advance.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The report's test tables, each already withheld (a ``test_withheld`` column, a
        missing ``pvalue`` where withheld).
    method : {"holm", "bonferroni", "fdr_bh", "none"}
        As :func:`pra_lib.stats.adjust_family`.
    alpha : float
        Level of ``significant``.

    Returns
    -------
    dict of str to DataFrame
        :func:`pra_lib.stats.adjust_family` of the tables over the published tests
        (``family_size`` counts them), with ``significant`` missing where a test is
        withheld.

    Examples
    --------
    >>> a = pd.DataFrame({"pvalue": [0.01, np.nan, 0.04], "significant": False, "test_withheld": [False, True, False]})
    >>> out = adjust_published({"a": a})["a"]
    >>> out["pvalue_adj"].round(3).tolist(), int(out["family_size"].iloc[0]), out["significant"].tolist()
    ([0.02, nan, 0.04], 2, [True, <NA>, True])
    """
    from ..stats import adjust_family

    for name, table in tables.items():
        if "pvalue" not in table:
            raise KeyError(f"adjust_published: table {name!r} has no 'pvalue' column")
        if "test_withheld" in table:
            withheld = table["test_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool)
            left = pd.to_numeric(table["pvalue"], errors="coerce").notna().to_numpy() & withheld
            if left.any():
                raise ValueError(f"adjust_published: table {name!r} keeps the p-value of {int(left.sum())} withheld test(s); withhold them first (withhold_tests)")
    out = adjust_family(tables, method=method, alpha=alpha)
    for name, table in out.items():
        if "test_withheld" in table and "significant" in table:
            hide = table["test_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool)
            table["significant"] = _missing_where(table["significant"].astype(bool), hide)
    return out

#: The mode effect's statistics: its test and each channel's mean, all functions of the
#: goal's answers by channel, which no table publishes.
MODE_EFFECT_STATISTICS = (*TEST_STATISTICS, "mean_online", "mean_offline", "mean_difference")


def withhold_mode_effect(data: pd.DataFrame, *decisions: pd.DataFrame) -> pd.DataFrame:
    """Withhold the mode effect of a goal whose answers are withheld by another breakdown.

    The mode effect compares channels (online and paper) per goal. While a stakeholder
    group's answers to the goal are withheld, its U and channel means are no function of
    what is published: they rest on the goal's answers by channel, and the respondents by
    group and channel are published. Where a withheld group answered on one channel (or
    shares it with few others), the channel's mean is the group's: enumerating every split
    of the withheld answers between the withheld groups that the goal's total allows, the
    published U and means fit only a few, the true one among them
    (``tests/test_score_disclosure.py``). So the mode effect of such a goal keeps its n's
    but not its statistic, effect size, p-values or channel means; an area withheld is
    treated alike (its respondents' channel is not published, but an area reached on paper
    only would be given back the same way). A test by stakeholder group while an area or a
    workshop table is withheld stays: it is a function of the groups' published answers per
    category.

    Parameters
    ----------
    data : DataFrame
        The mode-effect table (:func:`pra_lib.perception.mode_effect`), after
        :func:`withhold_channel_means` and :func:`withhold_tests` with the channels' own
        decision.
    *decisions : DataFrame
        Outputs of :func:`withheld_groups` over other breakdowns of the goals (by
        stakeholder group, by area).

    Returns
    -------
    DataFrame
        A copy with :data:`MODE_EFFECT_STATISTICS` missing on the goals any decision
        withholds a cell of, and ``test_withheld`` true there (and where it already was).
        The input is not modified.

    Examples
    --------
    >>> groups = pd.DataFrame({"goal_id": ["G01", "G01", "G02", "G02"], "stakeholder_group": ["gov", "aca"] * 2, "n": [9, 15, 9, 15],
    ...                        "answers_withheld": [True, True, False, False], "withheld_as": ["primary", "complementary", "", ""]})
    >>> mode = pd.DataFrame({"goal_id": ["G01", "G02"], "n": [6, 11], "mean_online": [3.2, 3.0], "mean_offline": [2.0, 2.9], "u": [600.0, 700.0]})
    >>> out = withhold_mode_effect(mode, groups)
    >>> out["mean_online"].tolist(), out["u"].tolist(), out["test_withheld"].tolist()
    ([nan, 3.0], [nan, 700.0], [True, False])
    """
    out = data.reset_index(drop=True).copy()
    if "test_withheld" not in out:
        out["test_withheld"] = False
    for decided in decisions:
        out = withhold_tests(out, decided, columns=MODE_EFFECT_STATISTICS)
    return out


def withhold_pooled(
    data: pd.DataFrame,
    groups: pd.DataFrame,
    *,
    where: Mapping[str, object],
    columns: Sequence[str] | None = None,
    flag: str | None = "test_withheld",
) -> pd.DataFrame:
    """Withhold a statistic pooled over every goal (or focus area) when one of them is withheld.

    Krippendorff's alpha of all respondents together is computed from every goal's answers
    per category: while those are published it tells nothing new, but with one goal's
    answers withheld (everyone answered it alike, :func:`withheld_groups` with
    ``cells=["goal_id"]``) it narrows them down, as a group's alpha narrows a withheld
    goal of the group.

    Parameters
    ----------
    data : DataFrame
        A table with a pooled row (:func:`pra_lib.perception.agreement`, whose row
        ``"(all)"`` pools everyone).
    groups : DataFrame
        Output of :func:`withheld_groups` for the units pooled (goals, focus areas).
    where : mapping
        Column -> value of the pooled rows (``{"workshop_table": "(all)"}``).
    columns : list of str, optional
        Columns to withhold; default those of :data:`TEST_STATISTICS` in ``data``.
    flag : str or None
        The yes/no column that marks the withheld rows (kept true where it already was);
        ``None`` adds none (a centre line over all goals, in a table of goals).

    Returns
    -------
    DataFrame
        A copy with the statistics of the pooled rows missing when any unit of ``groups``
        is withheld, and the ``flag`` column. An empty ``where`` pools every row. The
        input is not modified.

    Examples
    --------
    >>> goals = pd.DataFrame({"goal_id": ["G01", "G02"], "n": [30, 30], "answers_withheld": [True, False],
    ...                       "withheld_as": ["primary", ""]})
    >>> a = pd.DataFrame({"workshop_table": ["T1", "(all)"], "alpha": [0.4, 0.3], "n": [8, 30]})
    >>> withhold_pooled(a, goals, where={"workshop_table": "(all)"})["alpha"].tolist()
    [0.4, nan]
    """
    missing = [c for c in where if c not in data]
    if missing:
        raise KeyError(f"withhold_pooled: columns {missing} not in table (columns: {', '.join(map(str, data.columns))})")
    out = data.reset_index(drop=True).copy()
    pooled = np.ones(len(out), dtype=bool)
    for column, value in where.items():
        pooled &= (out[column].astype(object) == value).to_numpy(dtype=bool)
    hide = pooled & bool(groups["answers_withheld"].astype("boolean").fillna(False).any()) if len(groups) else np.zeros(len(out), dtype=bool)
    if flag is not None:
        before = out[flag].astype("boolean").fillna(False).to_numpy(dtype=bool) if flag in out else np.zeros(len(out), dtype=bool)
        out[flag] = before | hide
    if hide.any():
        for col in [c for c in (TEST_STATISTICS if columns is None else columns) if c in out]:
            out[col] = _missing_where(out[col], hide)
    return out


def roll_up(groups: pd.DataFrame, parents: pd.DataFrame | Mapping, *, unit: str = "goal_id", to: str = "dimension_id") -> pd.DataFrame:
    """The decision for what pools several units: withheld when any of its units is.

    A dimension's score is the mean of its respondents' means over its goals, so with the
    other goals' scores published it gives a withheld goal's mean back (with everyone
    rating every goal, three times the dimension's mean minus the other two goals' means).
    The dimension is withheld with the goal (``complementary``: to protect it).

    Parameters
    ----------
    groups : DataFrame
        Output of :func:`withheld_groups` with ``unit`` among its cells.
    parents : DataFrame or mapping
        Unit -> what pools it: a table with the ``unit`` and ``to`` columns (a goal score
        table) or a mapping.
    unit, to : str
        The column of the units and of what pools them.

    Returns
    -------
    DataFrame
        One row per pooled value (and the other cell columns of ``groups``): ``to``, ``n``
        (the largest of its units'), ``answers_withheld`` and ``withheld_as``
        (``"complementary"`` or empty), for :func:`withhold_answers`.

    Examples
    --------
    >>> goals = pd.DataFrame({"goal_id": ["G01", "G02", "G04"], "n": [30, 30, 29], "answers_withheld": [True, False, False],
    ...                       "withheld_as": ["primary", "", ""]})
    >>> roll_up(goals, {"G01": "D1", "G02": "D1", "G04": "D2"})[["dimension_id", "answers_withheld"]].values.tolist()
    [['D1', True], ['D2', False]]
    """
    if isinstance(parents, pd.DataFrame):
        parents = dict(zip(parents[unit].astype(str), parents[to]))
    keys = [c for c in groups.columns if c not in _DECISION]
    if unit not in keys:
        raise KeyError(f"roll_up: {unit!r} is not among the columns that identify the groups ({keys})")
    others = [k for k in keys if k != unit]
    frame = groups.assign(**{to: groups[unit].astype(str).map(dict(parents))})
    unknown = sorted(set(frame.loc[frame[to].isna(), unit].astype(str)))
    if unknown:
        raise ValueError(f"roll_up: no {to} for {unit} {unknown}")
    frame["_hidden"] = frame["answers_withheld"].astype("boolean").fillna(False).astype(bool)
    out = frame.groupby([to, *others], sort=False, dropna=False).agg(n=("n", "max"), answers_withheld=("_hidden", "any")).reset_index()
    out["withheld_as"] = np.where(out["answers_withheld"], COMPLEMENTARY, "")
    return out


def withheld_summary(data: pd.DataFrame) -> dict:
    """How many groups of a table :func:`withhold_answers` withheld, and why.

    Parameters
    ----------
    data : DataFrame
        The decision of :func:`withheld_groups`, or a table returned by
        :func:`withhold_answers` (one row per group).

    Returns
    -------
    dict
        ``groups`` (rows of the table), ``withheld``, ``primary`` (answered alike) and
        ``complementary`` (withheld to protect them).

    Examples
    --------
    >>> t = pd.DataFrame({"answers_withheld": [True, True, False]})
    >>> t.attrs["answers_withheld"] = ["primary", "complementary", ""]
    >>> withheld_summary(t)
    {'groups': 3, 'withheld': 2, 'primary': 1, 'complementary': 1}
    """
    flag = data["answers_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "answers_withheld" in data else np.zeros(len(data), dtype=bool)
    if "withheld_as" in data:  # the decision itself
        why = data["withheld_as"].astype(str).tolist()
    elif len(data.attrs.get("answers_withheld", [])) == len(data):
        why = list(data.attrs["answers_withheld"])
    else:  # read back from a file: why is not known
        why = [""] * len(data)
    why = np.asarray(why, dtype=object)
    return {"groups": len(data), "withheld": int(flag.sum()), "primary": int((flag & (why == PRIMARY)).sum()),
            "complementary": int((flag & (why == COMPLEMENTARY)).sum())}


def withheld_text(data: pd.DataFrame, *, by: str, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> str:
    """One sentence for the report: how many groups' answers a table withholds, and why.

    Parameters
    ----------
    data : DataFrame
        The decision of :func:`withheld_groups` (or a table returned by
        :func:`withhold_answers`, one row per group).
    by : str
        The breakdown (``"stakeholder_group"``, ``"area"``, ``"workshop_table"``).
    min_cell_size : int
        The run's threshold, quoted in the reason.

    Returns
    -------
    str
        The sentence in the report language, or ``""`` when nothing is withheld.

    Examples
    --------
    >>> g = pd.DataFrame({"answers_withheld": [True, False, False], "withheld_as": ["primary", "", ""]})
    >>> withheld_text(g, by="workshop_table")[:62]
    'By workshop table, the answers of 1 of 3 cells are withheld (t'
    """
    from .i18n import plural, t

    counts = withheld_summary(data)
    if not counts["withheld"]:
        return ""
    text = t("disclosure.answers_withheld", by=t(f"perception.by.{by}"), withheld=counts["withheld"], total=counts["groups"],
             primary=counts["primary"], size=min_cell_size)
    if counts["complementary"]:  # cells withheld only to protect the others: said apart, and never as "0"
        text += " " + t(f"disclosure.answers_withheld_companions.{plural(counts['complementary'] > 1)}", complementary=counts["complementary"])
    return text


def _row_keys(frame: pd.DataFrame, keys: list[str]) -> list[tuple]:
    """Each row's group as a tuple of text: ids match whatever type each table keeps them in."""
    return list(zip(*(frame[k].astype(object).where(frame[k].notna(), None).map(lambda v: None if v is None else str(v)) for k in keys)))


def _missing_where(values: pd.Series, hide: np.ndarray) -> pd.Series:
    """``values`` with the hidden rows missing, keeping a numeric column numeric."""
    if pd.api.types.is_bool_dtype(values):
        values = values.astype("boolean")
    elif pd.api.types.is_integer_dtype(values):
        values = values.astype("Int64")
    return values.mask(pd.Series(hide, index=values.index))
