"""The tidy ratings frame every perception analysis takes, and the respondent counts.

:func:`ratings_frame` joins ``perception_ratings`` with the participants' stakeholder
group, channel, area and workshop table and with the CRF labels (no personal column);
:func:`respondents` counts distinct respondents per group.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..overview import group_labels
from ..publishing.i18n import english, pick_all
from ..stats.ratings import _count_entries, _factor, _mixed_key, _split_key, _take
from ._common import CITY_WIDE, _as_list, _category_order, _goal_table, _insert_labels, _labels_for, _require, _round, _sort


def ratings_frame(assessment, *, activity_id: str | None = None, aspect: str | None = "performance", channels: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The tidy ratings every perception analysis takes.

    Joins ``perception_ratings`` with the participants' stakeholder group, channel, area
    and workshop table and with the CRF goal and dimension labels.  No personal column
    (name, phone, e-mail, NIK) is carried.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment (:func:`pra_lib.load_assessment`).
    activity_id : str, optional
        Keep the ratings of this activity only (e.g. ``"questionnaire"``).
    aspect : {"performance", "importance"} or None
        Keep the ratings of this aspect; ``None`` keeps both (for
        :func:`importance_performance`).
    channels : str or list of str, optional
        Keep respondents who took part through these channels (``"online"``,
        ``"offline"``, ``"interview"``, ``"workshop"``).

    Returns
    -------
    pandas.DataFrame
        One row per rating with ``respondent_id``, ``activity_id``,
        ``stakeholder_group``, ``group_label``, ``channel``, ``area``, ``area_name``,
        ``workshop_table``, ``aspect``, ``dimension_id``, ``dimension_label``,
        ``goal_id``, ``goal_number``, ``goal_label``, ``indicator_id``, ``rating``
        (float 1-5, NaN when missing or "don't know") and ``dont_know`` (bool).
        Respondents without an area (city-wide roles) have area ``"(city-wide)"``.
        ``attrs["category_order"]`` holds the metadata order of groups, areas and
        channels, which the result tables follow.

    Examples
    --------
    >>> a = load_assessment("data/sample")                               # doctest: +SKIP
    >>> q = ratings_frame(a, activity_id="questionnaire", channels=["online", "offline"])  # doctest: +SKIP
    >>> q.groupby("goal_id")["rating"].mean().idxmin()                   # doctest: +SKIP
    'G09'
    """
    meta = assessment.metadata
    ratings = assessment.perception_ratings
    if activity_id is not None:
        known = list(meta.activities["activity_id"])
        if activity_id not in known:
            raise ValueError(f"ratings_frame: unknown activity {activity_id!r}; the assessment has {', '.join(known)}")
        ratings = ratings[ratings["activity_id"] == activity_id]
    if aspect is not None:
        if aspect not in ("performance", "importance"):
            raise ValueError(f"ratings_frame: aspect must be 'performance', 'importance' or None, not {aspect!r}")
        ratings = ratings[ratings["aspect"] == aspect]
    # Joined through the distinct respondent ids and goals: the ids and codes stay
    # categorical, so a million respondents' ratings are never turned into text per row.
    people = assessment.participants
    if people["respondent_id"].duplicated().any():
        raise pd.errors.MergeError("Merge keys are not unique in right dataset; not a many-to-one merge")
    out = ratings.drop(columns=["source_row"], errors="ignore").reset_index(drop=True)
    person = _positions(out["respondent_id"], people["respondent_id"])
    for col in ("stakeholder_group", "channel", "area", "workshop_table"):
        out[col] = _rows_at(people[col], person) if col in people else pd.Series(None, index=out.index, dtype=object)
    if channels is not None:
        wanted = _as_list(channels)
        out = out[out["channel"].isin(wanted)].reset_index(drop=True)
    groups = meta.stakeholder_groups
    areas = meta.areas
    group_names = group_labels(meta)
    city_wide = english("overview.citywide")  # tables keep English; figures and findings translate
    out["group_label"] = _relabel(out["stakeholder_group"], group_names)
    out["area"] = _relabel(out["area"], {}, missing=CITY_WIDE)
    out["area_name"] = _relabel(out["area"], dict(zip(areas["area"], areas["name"])) | {CITY_WIDE: city_wide})
    goals = _goal_table()
    goal = _positions(out["goal_id"], goals["goal_id"])
    for col in ("goal_number", "goal_label", "dimension_id", "dimension_label"):
        out[col] = _rows_at(goals[col] if col == "goal_number" else goals[col].astype("category"), goal)
    out["rating"] = pd.to_numeric(out["rating"], errors="coerce").astype(float)
    out["dont_know"] = out["dont_know"].fillna(False).astype(bool) if "dont_know" in out else out["rating"].isna() & False
    if "indicator_id" not in out:
        out["indicator_id"] = None
    columns = [
        "respondent_id", "activity_id", "stakeholder_group", "group_label", "channel", "area", "area_name",
        "workshop_table", "aspect", "dimension_id", "dimension_label", "goal_id", "goal_number", "goal_label",
        "indicator_id", "rating", "dont_know",
    ]
    out = out[columns].sort_values(["respondent_id", "aspect", "goal_number"], kind="stable").reset_index(drop=True)
    out.attrs["category_order"] = {
        "stakeholder_group": list(groups["stakeholder_group"]),
        "group_label": [group_names[g] for g in groups["stakeholder_group"]],
        "area": [*areas["area"], CITY_WIDE],
        "area_name": [*areas["name"], city_wide],
        "channel": ["online", "offline", "interview", "workshop"],
        "aspect": ["performance", "importance"],
    }
    out.attrs["scales"] = {name: list(pick_all(scale.labels_en, scale.labels_id)) for name, scale in meta.scales.items()}
    return out


def _positions(keys: pd.Series, index: pd.Series) -> np.ndarray:
    """Row of ``index`` holding each key (-1 when absent), looked up once per distinct key."""
    if isinstance(keys.dtype, pd.CategoricalDtype):
        codes, distinct = keys.cat.codes.to_numpy(), keys.cat.categories
    else:
        codes, distinct = pd.factorize(keys.to_numpy(dtype=object))
    found = pd.Index(index.to_numpy(dtype=object)).get_indexer(pd.Index(distinct, dtype=object))
    return np.append(found, -1)[codes]


def _rows_at(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """``column``'s values at ``rows`` (missing at -1), keeping its dtype (categorical stays so)."""
    return column.reset_index(drop=True).reindex(rows).reset_index(drop=True)


def _relabel(column: pd.Series, names: dict, *, missing=None) -> pd.Series:
    """Each value's name from ``names`` (the value itself when it has none), ``missing`` for an
    empty cell, as a categorical in text order; computed once per distinct value."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, distinct = column.cat.codes.to_numpy(), list(column.cat.categories)
    else:
        codes, distinct = pd.factorize(column.to_numpy(dtype=object))
        distinct = list(distinct)
    labels = [names.get(v, v) for v in distinct] + [missing]
    categories = sorted({x for x in labels if x is not None and not (isinstance(x, float) and np.isnan(x))}, key=str)
    position = {c: i for i, c in enumerate(categories)}
    lookup = np.array([position.get(x, -1) if x is not None and not (isinstance(x, float) and np.isnan(x)) else -1 for x in labels], dtype=np.int32)
    return pd.Series(pd.Categorical.from_codes(lookup[codes], categories=pd.Index(categories, dtype=object)), index=column.index)


def respondents(data: pd.DataFrame, *, by: str | Sequence[str] | None = ("stakeholder_group", "channel")) -> pd.DataFrame:
    """Number of distinct respondents per group (and channel, area...).

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame`.
    by : str or list of str, optional
        Grouping columns.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (with labels), ``n`` (respondents) and ``n_rated``
        (respondents with at least one rating, not only "don't know").

    Examples
    --------
    >>> respondents(q, by="stakeholder_group")  # doctest: +SKIP
    """
    by = _as_list(by)
    _require(data, ["respondent_id", "rating", *by], "respondents")
    if by and not data[by].isna().to_numpy().any():
        out = _respondent_counts(data, by)
    else:
        frame = data.assign(_rated=pd.to_numeric(data["rating"], errors="coerce").notna())
        if by:
            g = frame.groupby(by, sort=False, dropna=False)
            out = pd.DataFrame({"n": g["respondent_id"].nunique(), "n_rated": frame[frame["_rated"]].groupby(by, sort=False, dropna=False)["respondent_id"].nunique()})
            out = out.fillna(0).astype(int).reset_index()
        else:
            out = pd.DataFrame({"n": [frame["respondent_id"].nunique()], "n_rated": [frame.loc[frame["_rated"], "respondent_id"].nunique()]})
    out = _sort(out, by, _category_order(data))
    return _round(_insert_labels(out, _labels_for(data, by)))


def _respondent_counts(data: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Distinct respondents per group from integer codes (no missing group labels).

    Groups come in order of first appearance with the dtypes ``groupby`` gives them, so
    the table equals the former ``groupby(...).nunique()`` one.
    """
    rated = pd.to_numeric(data["rating"], errors="coerce").notna().to_numpy()
    rc, ru = _factor(data["respondent_id"])
    factors = [_factor(data[c]) for c in by]
    sizes = [len(u) for _, u in factors]
    key = _mixed_key([c for c, _ in factors], sizes)
    if key is None:
        raise ValueError("respondents: too many combinations of grouping values")
    group, first_keys = pd.factorize(key, sort=False)  # numbered in order of first appearance
    n_groups, n_resp = len(first_keys), max(len(ru), 1)

    def distinct(mask: np.ndarray) -> np.ndarray:
        mask = mask & (rc >= 0)
        ids, _ = _count_entries(group[mask].astype(np.int64) * n_resp + rc[mask], n_groups * n_resp)
        return np.bincount(ids // n_resp, minlength=n_groups).astype(int)

    columns = {}
    for col, codes in zip(by, _split_key(np.asarray(first_keys), sizes)):
        dtype = data[col].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            columns[col] = pd.Categorical.from_codes(codes, dtype=dtype)
        else:
            columns[col] = pd.Index(_take(_factor(data[col])[1], codes))  # dtype inferred, as groupby does
    out = pd.DataFrame(columns)
    out["n"] = distinct(np.ones(len(data), dtype=bool))
    out["n_rated"] = distinct(rated)
    return out


def has_groups(data: pd.DataFrame, *, by: str = "stakeholder_group", value: str = "rating") -> bool:
    """Whether answers (not "don't know") come from at least two groups of ``by``.

    ``value`` is the answer column: ``rating`` for ratings frames, ``rank`` or ``support``
    for seminar votes (:func:`pra_lib.seminar.votes_frame`).

    A report asks this before comparing groups: a survey of one stakeholder group, one
    workshop table or one channel has nothing to compare, and the report says so in one
    sentence instead of showing a table of undefined tests.

    Examples
    --------
    >>> q = pd.DataFrame({"rating": [4, 2, None], "stakeholder_group": ["government", "government", "academia"]})
    >>> has_groups(q)   # academia answered "don't know" only
    False
    """
    _require(data, [value, by], "has_groups")
    answered = data[pd.to_numeric(data[value], errors="coerce").notna()]
    return answered[by].dropna().nunique() >= 2


def has_ratings(data: pd.DataFrame, *, aspect: str | None = None, channels: str | Sequence[str] | None = None) -> bool:
    """Whether the ratings hold an answer (not "don't know") of ``aspect`` in every channel named.

    A report asks this before a section that needs those answers, and says in one
    sentence that the data do not hold them instead of failing: a survey without
    importance questions has no importance-performance analysis, one answered on a
    single channel no mode comparison.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame`.
    aspect : {"performance", "importance"}, optional
        The aspect needed; ``None`` accepts either.
    channels : str or list of str, optional
        Channels that must each hold an answer (e.g. ``["online", "offline"]``).

    Returns
    -------
    bool

    Examples
    --------
    >>> has_ratings(q, aspect="importance")                 # doctest: +SKIP
    True
    >>> has_ratings(q, channels=["online", "offline"])      # doctest: +SKIP
    True
    """
    _require(data, ["rating", *(["aspect"] if aspect is not None else []), *(["channel"] if channels is not None else [])], "has_ratings")
    answered = data[pd.to_numeric(data["rating"], errors="coerce").notna()]
    if aspect is not None:
        answered = answered[answered["aspect"] == aspect]
    if channels is None:
        return not answered.empty
    return set(_as_list(channels)) <= set(answered["channel"].dropna())
