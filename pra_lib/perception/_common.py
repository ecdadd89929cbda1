"""Private helpers shared by the perception and interview tables.

The chapter's constants (levels, answer thresholds, reliability thresholds, quadrants),
argument checks, the CRF goal table, the metadata order of result rows, the label columns
that travel with a grouping column, :func:`_respondent_level` (one rating per respondent
and goal or dimension, as :class:`pra_lib.stats.ratings._Ratings`) and :func:`_round`.
Pure computation: no figures and no catalogue texts.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..assessment import crf
from ..publishing.disclosure import SUPPRESSED
from ..publishing.i18n import dimension_label, goal_label
from ..stats.ratings import _average, _factor, _first_appearance, _nunique, _pairs_unique, _Ratings, _take


LEVELS = ("goal", "dimension")
_UNIT = {"goal": "goal_id", "dimension": "dimension_id"}
_UNIT_LABEL = {"goal": "goal_label", "dimension": "dimension_label"}
# Label columns that travel with a grouping column into the result tables.
_LABEL_OF = {"stakeholder_group": "group_label", "area": "area_name"}
_P_ADJUST = {"holm": "holm", "bh": "fdr_bh", "fdr_bh": "fdr_bh", "bonferroni": "bonferroni", "none": "none"}
_P_ADJUST_NAME = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonferroni": "Bonferroni", "none": "no adjustment"}
POSITIVE_MIN = 4  # ratings 4-5 are positive
NEGATIVE_MAX = 2  # ratings 1-2 are negative
CITY_WIDE = "(city-wide)"
ALL = "(all)"
DONT_KNOW = "dont_know"
# Krippendorff (2004, p. 241): rely on alpha >= 0.800, tentative conclusions from 0.667.
ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667
QUADRANTS = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}
UNCERTAIN = "uncertain"  # an interval straddles a quadrant line: no quadrant is claimed


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _warn(message: str, category: type[Warning] = RuntimeWarning) -> None:
    warnings.warn(message, category, stacklevel=3)


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    return level


def _check_p_adjust(p_adjust: str) -> str:
    if p_adjust not in _P_ADJUST:
        raise ValueError(f"p_adjust must be one of {sorted(_P_ADJUST)}, not {p_adjust!r}")
    return _P_ADJUST[p_adjust]


def _require(data: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{func}: data must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{func}: column(s) {missing} not in data (columns: {', '.join(map(str, data.columns))})")


def _num(series: pd.Series) -> pd.Series:
    """Numbers of a possibly published column: 'suppressed' becomes NaN."""
    return pd.to_numeric(series.where(series.astype(object) != SUPPRESSED), errors="coerce")


def _goal_table() -> pd.DataFrame:
    g = crf.goals()
    return pd.DataFrame(
        {
            "goal_id": g["goal_id"],
            "goal_number": g["goal_number"].astype(int),
            "goal_label": [goal_label(x) for x in g["goal_id"]],
            "dimension_id": g["dimension_id"],
            "dimension_label": [dimension_label(x) for x in g["dimension_id"]],
        }
    )


def _unit_table(level: str) -> pd.DataFrame:
    goals = _goal_table()
    if level == "goal":
        return goals[["goal_id", "goal_label", "dimension_id", "dimension_label"]]
    return goals[["dimension_id", "dimension_label"]].drop_duplicates().reset_index(drop=True)


def _order_key(column: str, order: dict[str, list]) -> Any:
    if column == "goal_id":
        known = list(crf.GOAL_IDS)
    elif column == "dimension_id":
        known = list(crf.DIMENSION_IDS)
    else:
        known = list(order.get(column, []))
    rank = {v: i for i, v in enumerate(known)}

    def key(s: pd.Series) -> pd.Series:
        # Known values in their metadata order, then the rest alphabetically.
        pos = s.map(rank)
        unknown = sorted(set(s[pos.isna()].astype(str)))
        extra = {v: len(known) + i for i, v in enumerate(unknown)}
        return pos.fillna(s.astype(str).map(extra)).astype(float)

    return key


def _sort(frame: pd.DataFrame, columns: list[str], order: dict[str, list]) -> pd.DataFrame:
    if frame.empty or not columns:
        return frame.reset_index(drop=True)
    keys = {c: _order_key(c, order) for c in columns}
    return frame.sort_values(columns, key=lambda s: keys[s.name](s), kind="stable").reset_index(drop=True)


def _category_order(data: pd.DataFrame) -> dict[str, list]:
    return dict(data.attrs.get("category_order", {}))


def _labels_for(data: pd.DataFrame, by: list[str]) -> dict[str, tuple[str, dict]]:
    """Label column and value -> label map of each grouping column that has one."""
    out = {}
    for col in by:
        label = _LABEL_OF.get(col)
        if label and label in data.columns:
            if isinstance(data[col].dtype, pd.CategoricalDtype) and isinstance(data[label].dtype, pd.CategoricalDtype):
                # The first label seen with each value, from the category codes (no copy of the rows).
                vc, vu = _factor(data[col])
                lc, lu = _factor(data[label])
                both = (vc >= 0) & (lc >= 0)
                every = bool(both.all())
                # the pair key built in place in one array (a million respondents' ratings)
                pair = vc.astype(np.int64) if every else vc[both].astype(np.int64)
                pair *= len(lu)
                pair += lc if every else lc[both]
                pairs = _first_appearance(pair)
                del pair
                first_v, first_at = np.unique(pairs // len(lu), return_index=True)
                out[col] = (label, dict(zip(_take(vu, first_v), _take(lu, pairs[first_at] % len(lu)))))
                continue
            pairs = data[[col, label]].dropna().drop_duplicates(col)
            out[col] = (label, dict(zip(pairs[col], pairs[label])))
    return out


def _insert_labels(frame: pd.DataFrame, labels: dict[str, tuple[str, dict]]) -> pd.DataFrame:
    for col, (label, mapping) in labels.items():
        if col in frame.columns:
            frame.insert(frame.columns.get_loc(col) + 1, label, frame[col].map(mapping).fillna(frame[col]))
    return frame


def _drop_missing_groups(data: pd.DataFrame, by: list[str], func: str) -> pd.DataFrame:
    if not by:
        return data
    missing = data[by].isna().any(axis=1)
    if missing.any():
        _warn(f"{func}: {int(missing.sum())} row(s) have no value in {by} and are left out")
        data = data[~missing]
    return data


# ---------------------------------------------------------------------------
# Respondent-level ratings
# ---------------------------------------------------------------------------


def _respondent_level(data: pd.DataFrame, level: str, by: list[str], func: str, weights: str | None = None) -> _Ratings:
    """One row per respondent and goal (or dimension): ``rating`` and ``dont_know``.

    Several indicator ratings of a goal are averaged into the goal rating; at dimension
    level the goal ratings are then averaged within the dimension, so each goal weighs
    the same. A respondent is "don't know" for a unit when they gave no rating there but
    at least one "don't know" answer.

    When every respondent rated every goal at most once (the usual questionnaire), the
    rows are already respondent-level and nothing is grouped or copied; ids and groups
    stay integer codes (free for categorical columns), which keeps a 12-million-row
    frame fast and small.
    """
    _check_level(level)
    extra = [weights] if weights else []
    _require(data, ["respondent_id", "goal_id", "rating", *by, *extra], func)
    if "aspect" in data.columns and "aspect" not in by and _nunique(data["aspect"]) > 1:
        raise ValueError(
            f"{func}: data holds ratings of several aspects ({sorted(data['aspect'].dropna().unique())}); "
            "pass the ratings of one aspect (ratings_frame(..., aspect='performance')) or group by 'aspect'"
        )
    frame = _drop_missing_groups(data, by, func)
    column = frame["rating"]
    whole = pd.api.types.is_integer_dtype(column.dtype)  # Int8 Likert codes: whole numbers
    if whole or pd.api.types.is_float_dtype(column.dtype):
        rating = column.to_numpy(dtype=float, na_value=np.nan)  # one pass, NA -> NaN
    else:
        rating = pd.to_numeric(column, errors="coerce").astype(float).to_numpy()
    lo, hi = (np.fmin.reduce(rating), np.fmax.reduce(rating)) if rating.size else (np.nan, np.nan)  # NaN-skipping
    if not (np.isnan(lo) or (1 <= lo and hi <= 5)):  # else the range alone proves every rating valid
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(rating) & ~((rating >= 1) & (rating <= 5))
        if bad.any():
            raise ValueError(f"{func}: ratings must lie on the 1-5 scale; found {sorted(pd.unique(rating[bad]))[:5]}")
    dont_know = frame["dont_know"].fillna(False).astype(bool).to_numpy() if "dont_know" in frame.columns else np.zeros(len(frame), dtype=bool)
    weight = np.asarray(frame[weights].to_numpy(), dtype=float) if weights else None
    key_cols = list(dict.fromkeys(["respondent_id", "goal_id", *[c for c in by if c not in ("goal_id", "dimension_id")]]))
    keys = {c: _factor(frame[c]) for c in key_cols}
    (rc, ru), (gc, gu) = keys["respondent_id"], keys["goal_id"]
    unique_pairs = _pairs_unique(rc, len(ru), gc, len(gu))
    if not unique_pairs:
        keys, rating, dont_know, weight = _average(keys, key_cols, rating, dont_know, weight, whole)
        whole, unique_pairs = False, len(key_cols) == 2
    if level == "dimension":
        goals = _goal_table()
        dim_of = dict(zip(goals["goal_id"], goals["dimension_id"]))
        gc, gu = keys.pop("goal_id")
        dim_codes, dim_uniques = pd.factorize(pd.Series([dim_of.get(g) for g in gu.to_numpy()], dtype=object), use_na_sentinel=True)
        # code -1 (no goal) picks the appended -1; int8 codes (CRF has 4 dimensions) keep
        # the per-rating array at a byte a rating
        dim_codes = np.append(dim_codes, -1)
        dc = dim_codes.astype(np.int8 if len(dim_uniques) < 127 else np.int64)[gc]
        key_cols = [c if c != "goal_id" else "dimension_id" for c in key_cols]
        keys = {c: keys[c] if c != "dimension_id" else (dc, pd.Index(dim_uniques)) for c in key_cols}
        keys, rating, dont_know, weight = _average(keys, key_cols, rating, dont_know, weight, whole)
        whole, unique_pairs = False, len(key_cols) == 2
    dont_know = dont_know & np.isnan(rating)
    return _Ratings(keys, _UNIT[level], rating, dont_know, weight, whole=whole, unique_pairs=unique_pairs)


def _grid(resp: _Ratings, level: str, by: list[str], mask: np.ndarray | None = None) -> pd.DataFrame:
    """Every goal (or dimension) crossed with every grouping combination in the data
    (in the rows of ``mask``)."""
    units = _unit_table(level)
    if not by:
        return units
    combos = resp.combos(by, mask)
    return units.merge(combos, how="cross")


def _round(frame: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """Round float columns to ``digits`` significant digits.

    Published statistics carry no more precision than this, and a long float repr such as
    2.6666666666666665 would otherwise look like a 16-digit NIK to the privacy check once
    suppression turns the column into text.
    """
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_float_dtype(frame[col]):
            # via text, so the stored double is the one nearest the short decimal
            frame[col] = [float(f"{v:.{digits}g}") if np.isfinite(v) else v for v in frame[col].to_numpy(dtype=float)]
    return frame


def _usable(table: pd.DataFrame, min_cell_size: int, value: str = "mean") -> pd.DataFrame:
    """Rows that may be quoted in a finding: not suppressed, n >= min_cell_size, value known."""
    t = table.copy()
    t["_n"] = _num(t["n"])
    t["_v"] = _num(t[value])
    return t[(t["_n"] >= min_cell_size) & t["_v"].notna()]
