"""The tidy ratings frame every perception analysis takes, and the respondent counts.

:func:`ratings_frame` joins ``perception_ratings`` with the participants' stakeholder
group, channel, area and workshop table and with the CRF labels (no personal column);
:func:`respondents` counts distinct respondents per group; :func:`activity_scores` scores an
activity's goals from the assessment.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..overview import group_labels
from ..publishing.i18n import english, pick_all
from ..stats.ratings import _DENSE, _count_entries, _factor, _first_appearance, _mixed_key, _split_key, _take
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
        Ids, groups, areas, goals and their labels are categorical (a group given as
        text, such as a merged small category, becomes a category of the values rated),
        so a million respondents' ratings hold small integer codes, not text per row.
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
    if aspect is not None and aspect not in ("performance", "importance"):
        raise ValueError(f"ratings_frame: aspect must be 'performance', 'importance' or None, not {aspect!r}")
    people = assessment.participants
    if people["respondent_id"].duplicated().any():
        raise pd.errors.MergeError("Merge keys are not unique in right dataset; not a many-to-one merge")
    groups = meta.stakeholder_groups
    areas = meta.areas
    group_names = group_labels(meta)
    city_wide = english("overview.citywide")  # tables keep English; figures and findings translate
    area_names = dict(zip(areas["area"], areas["name"])) | {CITY_WIDE: city_wide}
    out = _frame_from_codes(ratings, people, activity_id=activity_id, aspect=aspect, channels=channels, group_names=group_names, area_names=area_names)
    if out is None:  # ids or groups that are not categorical: joined row by row
        out = _frame_from_rows(ratings, people, activity_id=activity_id, aspect=aspect, channels=channels, group_names=group_names, area_names=area_names)
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


_COLUMNS = [
    "respondent_id", "activity_id", "stakeholder_group", "group_label", "channel", "area", "area_name",
    "workshop_table", "aspect", "dimension_id", "dimension_label", "goal_id", "goal_number", "goal_label",
    "indicator_id", "rating", "dont_know",
]
_PERSON = ("stakeholder_group", "channel", "area", "workshop_table")


def _frame_from_codes(ratings, people, *, activity_id, aspect, channels, group_names, area_names) -> pd.DataFrame | None:
    """:func:`ratings_frame` on category codes: ``None`` unless the ids and codes are
    categorical (as :func:`pra_lib.load_assessment` gives them).

    Every joined column is first worked out once per distinct respondent (or goal), then
    spread over the rows with one ``take`` of small integer codes; the filters and the
    sort become one index of the rows kept, in order. A million respondents' ratings thus
    cost one pass per output column and no text per row.
    """
    needed = [ratings[c] for c in ("respondent_id", "activity_id", "goal_id", "aspect")] + [people["respondent_id"]]
    if not all(isinstance(c.dtype, pd.CategoricalDtype) for c in needed):
        return None
    n = len(ratings)
    keep = np.ones(n, dtype=bool)
    for col, value in (("activity_id", activity_id), ("aspect", aspect)):
        if value is not None:
            keep &= _codes_equal(ratings[col], value)
    rid = ratings["respondent_id"]
    # Per respondent category: their participant row, their groups' codes, and whether
    # their channel is wanted. A group column that is not categorical (merged small
    # categories are written as text) is coded here, over the participants only.
    person = np.append(_category_rows(rid.cat.categories, people["respondent_id"]), -1)
    per_person, person_dtype, coded_here = {}, {}, set()
    for col in _PERSON:
        if col not in people:
            per_person[col] = None
            continue
        column = people[col]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes, person_dtype[col] = column.cat.codes.to_numpy(), column.dtype
        else:
            codes, uniques = pd.factorize(column.to_numpy(dtype=object))
            person_dtype[col] = pd.CategoricalDtype(pd.Index(uniques, dtype=object))
            coded_here.add(col)
        per_person[col] = np.append(codes, -1)[person]
    rc = rid.cat.codes.to_numpy()
    if channels is not None:
        if per_person["channel"] is None:
            ok = np.zeros(len(person), dtype=bool)
        else:
            ok = np.append(person_dtype["channel"].categories.isin(_as_list(channels)), False)[per_person["channel"]]
        keep &= ok[rc]  # code -1 (no id) picks the last entry, the appended -1's
    goals = _goal_table()
    # The goal-table row of each goal category, in the narrowest integer type: it is
    # spread over every rating, and an intp array there would be 8 bytes a rating.
    goal_of = _narrow(np.append(pd.Index(goals["goal_id"].to_numpy(dtype=object)).get_indexer(ratings["goal_id"].cat.categories), -1))
    rows = None if keep.all() else np.flatnonzero(keep)
    del keep
    rc = rc if rows is None else rc[rows]
    gc = ratings["goal_id"].cat.codes.to_numpy() if rows is None else ratings["goal_id"].cat.codes.to_numpy()[rows]
    ac = ratings["aspect"].cat.codes.to_numpy() if rows is None else ratings["aspect"].cat.codes.to_numpy()[rows]
    # Respondent (category order), aspect, goal number; a missing value sorts last.
    numbers = goals["goal_number"].to_numpy()
    rank = _narrow(np.append(np.unique(numbers, return_inverse=True)[1].ravel(), len(numbers))[goal_of])
    order = _row_order(rc, len(rid.cat.categories), ac, len(ratings["aspect"].cat.categories), gc, rank, len(numbers) + 1)
    if order is not None:
        rows = order if rows is None else rows[order]
        rc, gc, ac = rc[order], gc[order], ac[order]
        del order

    def at_rows(column: pd.Series) -> pd.Series:
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy()
            return _categorical(codes if rows is None else codes[rows], dtype=column.dtype)
        return column.to_numpy() if rows is None else column.to_numpy()[rows]

    def spread(per: np.ndarray, codes: np.ndarray, dtype) -> pd.Categorical:
        return _categorical(per[codes], dtype=dtype)

    out = {"respondent_id": _categorical(rc, dtype=rid.dtype), "activity_id": at_rows(ratings["activity_id"])}
    if coded_here:
        present = np.zeros(len(person), dtype=bool)
        present[rc] = True  # respondents with a rating kept
    for col in _PERSON:
        if per_person[col] is None:
            out[col] = pd.Series(None, index=pd.RangeIndex(len(rc)), dtype=object)
            continue
        codes, dtype = per_person[col], person_dtype[col]
        if col in coded_here:  # the values of the rated respondents only, sorted
            seen = np.unique(codes[present])
            values = dtype.categories.take(seen[seen >= 0])
            dtype = pd.CategoricalDtype(pd.Index(sorted(values, key=str), dtype=object))
            codes = np.append(dtype.categories.get_indexer(person_dtype[col].categories), -1)[codes]
        per = pd.Series(_categorical(codes, dtype=dtype))
        if col == "stakeholder_group":
            out[col] = spread(codes, rc, dtype)
            label = _relabel(per, group_names).array
            out["group_label"] = spread(label.codes, rc, label.dtype)
        elif col == "area":
            area = _relabel(per, {}, missing=CITY_WIDE)
            name = _relabel(area, area_names).array
            out["area"] = spread(area.array.codes, rc, area.dtype)
            out["area_name"] = spread(name.codes, rc, name.dtype)
        else:
            out[col] = spread(codes, rc, dtype)
    out["aspect"] = _categorical(ac, dtype=ratings["aspect"].dtype)
    goal_row = goal_of[gc]
    missing_goal = bool((goal_row < 0).any())
    for col in ("dimension_id", "dimension_label"):
        values = goals[col].astype("category").array
        out[col] = spread(np.append(values.codes, -1), goal_row, values.dtype)
    out["goal_id"] = _categorical(gc, dtype=ratings["goal_id"].dtype)
    # A goal outside the CRF table leaves goal_number empty, which makes it float (as a join would).
    out["goal_number"] = np.append(numbers.astype(float), np.nan)[goal_row] if missing_goal else numbers[goal_row]
    values = goals["goal_label"].astype("category").array
    out["goal_label"] = spread(np.append(values.codes, -1), goal_row, values.dtype)
    del goal_row
    out["indicator_id"] = at_rows(ratings["indicator_id"]) if "indicator_id" in ratings else None
    rating = ratings["rating"]
    if isinstance(rating.array, (pd.arrays.IntegerArray, pd.arrays.FloatingArray)):
        # nullable Likert codes: the values and the NA mask taken at the rows, NA -> NaN
        data, mask = rating.array._data, rating.array._mask
        values = (data if rows is None else data[rows]).astype(float)
        values[mask if rows is None else mask[rows]] = np.nan
        out["rating"] = values
    else:
        taken = rating if rows is None else rating.iloc[rows]
        out["rating"] = pd.to_numeric(taken, errors="coerce").astype(float).to_numpy()
    if "dont_know" in ratings:
        dk = ratings["dont_know"]
        out["dont_know"] = at_rows(dk) if dk.dtype == bool else (dk if rows is None else dk.iloc[rows]).fillna(False).astype(bool).to_numpy()
    else:
        out["dont_know"] = np.zeros(len(rc), dtype=bool)
    # copy=False: the arrays were made here, and each would otherwise be copied once more
    return pd.DataFrame({c: out[c] for c in _COLUMNS}, copy=False)


_BLOCK = 1 << 20  # rows per block of a row-wise temporary (8 MiB of int64)


def _row_order(rc: np.ndarray, n_rid: int, ac: np.ndarray, n_aspect: int, gc: np.ndarray, rank: np.ndarray, n_rank: int) -> np.ndarray | None:
    """Stable order of the rows by respondent code, aspect code and goal rank (a missing
    code after every category); ``None`` when the rows are already in that order.

    The order is checked block by block: a block's int64 key is small enough for malloc
    to recycle, where one key over all the rows (24 million at a million respondents)
    would be mapped afresh and faulted in page by page, with two more temporaries of its
    size. Loaded assessments are usually in order already, so the whole key is built
    only when a sort is needed.
    """

    def key(lo: int, hi: int) -> np.ndarray:
        k = _last_missing(rc[lo:hi], n_rid)
        k *= n_aspect + 1
        k += _last_missing(ac[lo:hi], n_aspect)
        k *= n_rank
        k += rank[gc[lo:hi]]
        return k

    n, last = rc.size, None
    for lo in range(0, n, _BLOCK):
        k = key(lo, min(lo + _BLOCK, n))
        if (last is not None and k[0] < last) or not (k[1:] >= k[:-1]).all():
            return np.argsort(key(0, n), kind="stable")  # timsort: each aspect's block is one sorted run
        last = k[-1]
    return None


def _narrow(values: np.ndarray) -> np.ndarray:
    """Small integers (-1 and up) in the narrowest signed type that holds them."""
    top = int(values.max()) if values.size else 0
    for dtype in (np.int8, np.int16, np.int32):
        if top <= np.iinfo(dtype).max:
            return values.astype(dtype)
    return values


def _categorical(codes: np.ndarray, *, dtype: pd.CategoricalDtype) -> pd.Categorical:
    """Codes made here from a category table, hence valid: not checked again row by row."""
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def _category_rows(categories: pd.Index, ids: pd.Series) -> np.ndarray:
    """Row of the categorical ``ids`` (unique) holding each of ``categories``, -1 if none."""
    row_of = np.full(len(ids.cat.categories) + 1, -1, dtype=np.int64)
    codes = ids.cat.codes.to_numpy()
    row_of[np.where(codes >= 0, codes, len(row_of) - 1)] = np.arange(len(ids))
    row_of[-1] = -1
    return row_of[ids.cat.categories.get_indexer(categories)]


def _codes_equal(column: pd.Series, value) -> np.ndarray:
    """``column == value`` for a categorical column, on its codes."""
    where = column.cat.categories.get_indexer([value])[0] if value in column.cat.categories else -2
    return column.cat.codes.to_numpy() == where


def _frame_from_rows(ratings, people, *, activity_id, aspect, channels, group_names, area_names) -> pd.DataFrame:
    """:func:`ratings_frame` for ids or groups that are not categorical, joined row by row."""
    if activity_id is not None:
        ratings = ratings[ratings["activity_id"] == activity_id]
    if aspect is not None:
        ratings = ratings[ratings["aspect"] == aspect]
    out = ratings.drop(columns=["source_row"], errors="ignore").reset_index(drop=True)
    goals = _goal_table()
    goal = _positions(out["goal_id"], goals["goal_id"])
    # Rows in respondent, aspect and goal order, found on the codes before any column is
    # joined, so the permutation moves the fewest columns (and none when already in order).
    by_codes, order = _respondent_order(out, goal, goals["goal_number"])
    if order is not None:
        out = out.take(order).reset_index(drop=True)
        goal = goal[order]
    person = _positions(out["respondent_id"], people["respondent_id"])
    for col in ("stakeholder_group", "channel", "area", "workshop_table"):
        out[col] = _rows_at(people[col], person) if col in people else pd.Series(None, index=out.index, dtype=object)
    if channels is not None:
        wanted = _as_list(channels)
        keep = out["channel"].isin(wanted).to_numpy()
        if not keep.all():
            out = out[keep].reset_index(drop=True)
            goal = goal[keep]
    out["group_label"] = _relabel(out["stakeholder_group"], group_names)
    out["area"] = _relabel(out["area"], {}, missing=CITY_WIDE)
    out["area_name"] = _relabel(out["area"], area_names)
    for col in ("goal_number", "goal_label", "dimension_id", "dimension_label"):
        out[col] = _rows_at(goals[col] if col == "goal_number" else goals[col].astype("category"), goal)
    rating = out["rating"]
    if pd.api.types.is_numeric_dtype(rating.dtype) and not pd.api.types.is_bool_dtype(rating.dtype):
        out["rating"] = rating.to_numpy(dtype=float, na_value=np.nan)  # Int8 codes: one pass, NA -> NaN
    else:
        out["rating"] = pd.to_numeric(rating, errors="coerce").astype(float)
    out["dont_know"] = out["dont_know"].fillna(False).astype(bool) if "dont_know" in out else out["rating"].isna() & False
    if "indicator_id" not in out:
        out["indicator_id"] = None
    out = out[_COLUMNS]
    if not by_codes:  # ids that are not categorical: sorted as before
        out = out.sort_values(["respondent_id", "aspect", "goal_number"], kind="stable").reset_index(drop=True)
    return out
    out.attrs["scales"] = {name: list(pick_all(scale.labels_en, scale.labels_id)) for name, scale in meta.scales.items()}
    return out


def _positions(keys: pd.Series, index: pd.Series) -> np.ndarray:
    """Row of ``index`` holding each key (-1 when absent), looked up once per distinct key."""
    if isinstance(keys.dtype, pd.CategoricalDtype):
        codes, distinct = keys.cat.codes.to_numpy(), keys.cat.categories
    else:
        codes, distinct = pd.factorize(keys.to_numpy(dtype=object))
    found = pd.Index(index.to_numpy(dtype=object)).get_indexer(pd.Index(distinct, dtype=object))
    found = np.append(found, -1)
    # int32 rows where they fit: the array has one entry per rating
    return found.astype(np.int32)[codes] if len(index) < 2**31 - 1 else found[codes]


def _respondent_order(ratings: pd.DataFrame, goal: np.ndarray, goal_number: pd.Series) -> tuple[bool, np.ndarray | None]:
    """Stable order of the ratings by respondent, aspect and goal number (missing last), as
    ``sort_values(["respondent_id", "aspect", "goal_number"], kind="stable")`` gives it.

    Computed on one int64 key from the category codes, never on the text ids. Returns
    ``(True, None)`` when the rows are already in order, ``(True, order)`` otherwise, and
    ``(False, None)`` when the id or aspect column is not categorical (the caller sorts).
    """
    rid, aspect = ratings["respondent_id"], ratings["aspect"]
    if not (isinstance(rid.dtype, pd.CategoricalDtype) and isinstance(aspect.dtype, pd.CategoricalDtype)):
        return False, None
    n_rid, n_aspect = len(rid.cat.categories), len(aspect.cat.categories)
    # goal_number's sort rank per goal-table row; a goal not in the table sorts last
    numbers = goal_number.to_numpy()
    rank = np.empty(len(numbers) + 1, dtype=np.int64)
    rank[:-1] = np.unique(numbers, return_inverse=True)[1].ravel()  # equal numbers, equal rank
    rank[-1] = len(numbers)
    key = _last_missing(rid.cat.codes.to_numpy(), n_rid)
    key *= n_aspect + 1
    key += _last_missing(aspect.cat.codes.to_numpy(), n_aspect)
    key *= len(numbers) + 1
    key += rank[goal]
    if key.size < 2 or (key[1:] >= key[:-1]).all():
        return True, None
    return True, np.argsort(key, kind="stable")  # timsort: each aspect's block is one sorted run


def _last_missing(codes: np.ndarray, n: int) -> np.ndarray:
    """Codes as int64 with a missing value (-1) after every category, as a sort puts it."""
    out = codes.astype(np.int64)
    out[out < 0] = n
    return out


def _rows_at(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """``column``'s values at ``rows`` (missing at -1), keeping its dtype (categorical stays so)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.append(column.cat.codes.to_numpy(), np.array([-1], dtype=column.cat.codes.dtype))
        return pd.Series(pd.Categorical.from_codes(codes[rows], dtype=column.dtype))
    if (rows < 0).any():  # missing rows: the dtype reindex would give (int becomes float)
        return column.reset_index(drop=True).reindex(rows).reset_index(drop=True)
    return pd.Series(column.to_numpy()[rows], name=column.name)


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


def activity_scores(
    assessment,
    *,
    activity_id: str | None = None,
    aspect: str = "performance",
    channels: str | Sequence[str] | None = None,
    n_resamples: int = 2000,
    seed=0,
) -> pd.DataFrame:
    """The score of each goal in one activity, straight from the assessment.

    :func:`~pra_lib.perception.scores` of :func:`ratings_frame`, with bootstrap intervals:
    what the questionnaire report and the overall report both show. Taking the assessment
    rather than a ratings frame lets a run compute it once for both
    (``pra_lib.shared(activity_scores, assessment, ...)``).

    Examples
    --------
    >>> goal_scores = activity_scores(assessment, activity_id="questionnaire", n_resamples=2000, seed=2017)  # doctest: +SKIP
    """
    from .scoring import scores  # scoring builds on this module

    frame = ratings_frame(assessment, activity_id=activity_id, aspect=aspect, channels=channels)
    return scores(frame, n_resamples=n_resamples, seed=seed)


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
    size = int(np.prod([s + 1.0 for s in sizes]))
    if size <= _DENSE:
        # numbered in order of first appearance through a lookup table, as pd.factorize
        # numbers them, without hashing every rating
        first_keys = _first_appearance(key)
        lookup = np.full(size, -1, dtype=np.int64)
        lookup[first_keys] = np.arange(len(first_keys))
        group = lookup[key]
    else:
        group, first_keys = pd.factorize(key, sort=False)  # numbered in order of first appearance
    del key
    n_groups, n_resp = len(first_keys), max(len(ru), 1)

    def distinct(mask: np.ndarray) -> np.ndarray:
        mask = mask & (rc >= 0)
        whole = bool(mask.all())
        # the key is built in place in one array of its own (group stays as it is)
        entry = group.astype(np.int64) if whole else group[mask].astype(np.int64, copy=False)
        entry *= n_resp
        entry += rc if whole else rc[mask]
        ids, _ = _count_entries(entry, n_groups * n_resp)
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
    return len(_values_where(data[by], _answered(data[value]))) >= 2


def _answered(column: pd.Series) -> np.ndarray:
    """Rows holding an answer (a number, not "don't know"), as a plain bool array."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return ~np.isnan(column.to_numpy(dtype=float, na_value=np.nan))
    return pd.to_numeric(column, errors="coerce").notna().to_numpy()


def _values_where(column: pd.Series, mask: np.ndarray) -> set:
    """The distinct non-missing values of ``column`` in the rows of ``mask`` (from the codes
    when the column is categorical)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()[mask]
        seen = np.flatnonzero(np.bincount(codes[codes >= 0].astype(np.intp), minlength=len(column.cat.categories)))
        return set(column.cat.categories[seen])
    return set(column[mask].dropna())


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
    # One mask over the rows; no copy of the frame (it may hold millions of ratings).
    answered = _answered(data["rating"])
    if aspect is not None:
        answered &= (data["aspect"] == aspect).to_numpy(dtype=bool)
    if channels is None:
        return bool(answered.any())
    return set(_as_list(channels)) <= _values_where(data["channel"], answered)
