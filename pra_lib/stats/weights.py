"""Population weights for questionnaire respondents: post-stratification and raking.

A PRA questionnaire is not a random sample of the city: some areas, genders or age bands
answer more than their share of the population. Weighting each respondent so that the
weighted sample reproduces known population figures corrects the means for that
imbalance, at the price of some precision (Kish's design effect).

The weights feed the *same* perception analyses as the unweighted estimates: add them to
the ratings frame with :func:`add_weights` and pass ``weights="weight"`` to
:func:`pra_lib.perception.scores` (or :func:`pra_lib.perception.importance_performance`).
This module is statistics core and knows no chapter: the questionnaire's weighted and
unweighted goal means side by side, their figure and findings are
:func:`pra_lib.perception.weighted_comparison`, :func:`pra_lib.perception.comparison_plot`
and :func:`pra_lib.perception.findings_weighted`.

Methods
-------
* **Post-stratification** (:func:`post_stratify`): the weight of a respondent in cell *h*
  is ``N_h / n_h``, the population of the cell over its respondents (times the base
  weight when one is given, with ``n_h`` then the sum of base weights).
* **Raking** (:func:`rake`), also called iterative proportional fitting (IPF; Deming &
  Stephan 1940): the weights are multiplied, margin after margin, by the ratio of the
  target share of each category to its current weighted share, and the cycle is repeated
  until every margin is reproduced to ``tol``. For a two-way table this converges to the
  unique table with the target margins and the cross-product (odds) ratios of the sample
  (Bishop, Fienberg & Holland 1975, ch. 3).
* **Design effect** (:func:`design_effect`): Kish's approximation for unequal weights,
  ``deff = n * sum(w**2) / sum(w)**2``, and the effective sample size ``n / deff``
  (Kish 1965, section 11.7).

Weights have mean 1 by default (``scale="mean"``), so the weighted count of a group is
comparable with its number of respondents; with ``scale="population"`` they sum to the
population total (the total of the population table, or of the first raking margin).
Confidence intervals of weighted means come from the multinomial bootstrap of
:func:`pra_lib.stats.bootstrap_ci`, with each weight travelling with its respondent; the
weights are not re-estimated in every resample, so the intervals treat them as fixed.

Population margins in the metadata
----------------------------------
:func:`margins_from_metadata` takes the area margin from the ``population`` of each area
in ``assessment.yaml``, and further margins from an optional top-level key
``population_margins``::

    population_margins:
      gender: {female: 0.5, male: 0.5}
      age_band: {15-24: 0.22, 25-34: 0.24, 35-44: 0.21, 45-54: 0.16, 55-64: 0.11, 65+: 0.06}

Each margin maps a column of ``participants`` (``area``, ``gender``, ``age_band``,
``stakeholder_group`` or ``channel``) to the population count or share of each of its
categories. A margin is normalised to shares, so counts and shares may be mixed across
margins. An ``area`` margin under ``population_margins`` replaces the area populations.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..assessment.schema import AGE_BANDS, CHANNELS, GENDERS

__all__ = [
    "DesignEffect",
    "add_weights",
    "design_effect",
    "margin_table",
    "margins_from_metadata",
    "post_stratify",
    "rake",
    "respondents",
    "strata_summary",
    "survey_weights",
    "weight_summary",
]

WEIGHT = "weight"
# A survey's own weights and strata, carried into participants by the importers.
DESIGN_WEIGHT = "design_weight"
STRATUM = "stratum"
MARGIN_COLUMNS = ("area", "gender", "age_band", "stakeholder_group", "channel")
_SCALES = ("mean", "population")
_POLICIES = ("error", "drop")


class DesignEffect(NamedTuple):
    """Kish's design effect of a set of weights."""

    n: int
    deff: float
    n_effective: float


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def _check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, not {value!r}")


# ---------------------------------------------------------------------------
# Respondents
# ---------------------------------------------------------------------------


def respondents(assessment, data: pd.DataFrame | None = None, *, activity_id: str | None = None) -> pd.DataFrame:
    """One row per respondent with the attributes weighting uses.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    data : pandas.DataFrame, optional
        A frame with ``respondent_id`` (such as :func:`pra_lib.perception.ratings_frame`);
        only its respondents are kept, in their order of appearance.
    activity_id : str, optional
        Keep the participants of this activity only.

    Returns
    -------
    pandas.DataFrame
        ``respondent_id``, ``activity_id``, ``stakeholder_group``, ``channel``, ``area``
        (None for city-wide roles), ``gender`` and ``age_band``; plus ``design_weight`` and
        ``stratum`` when the participants carry a survey's own ``weight`` and ``stratum``
        (see :func:`survey_weights`). No personal column.

    Examples
    --------
    >>> people = respondents(a, ratings_frame(a, activity_id="questionnaire"))  # doctest: +SKIP
    """
    cols = ["respondent_id", "activity_id", "stakeholder_group", "channel", "area", "gender", "age_band"]
    participants = assessment.participants
    design = {source: name for source, name in ((WEIGHT, DESIGN_WEIGHT), (STRATUM, STRATUM))
              if source in participants.columns and participants[source].notna().any()}
    people = participants.reindex(columns=cols + list(design)).rename(columns=design)
    if activity_id is not None:
        people = people[people["activity_id"] == activity_id]
    if data is not None:
        if "respondent_id" not in data.columns:
            raise ValueError("respondents: data has no 'respondent_id' column")
        order = pd.unique(data["respondent_id"].dropna())
        people = people.set_index("respondent_id").reindex(order).rename_axis("respondent_id").reset_index()
        unknown = people["activity_id"].isna().sum()
        if unknown:
            _warn(f"respondents: {int(unknown)} respondent id(s) in data are not in participants; their attributes are missing")
    return people.reset_index(drop=True)


def _one_per_respondent(data: pd.DataFrame, columns: list[str], func: str) -> pd.DataFrame:
    """Respondent-level frame; a long frame whose attributes repeat per respondent is collapsed."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{func}: respondents must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in ["respondent_id", *columns] if c not in data.columns]
    if missing:
        raise ValueError(f"{func}: column(s) {missing} not in respondents (columns: {', '.join(map(str, data.columns))})")
    frame = data[["respondent_id", *columns]]
    if frame["respondent_id"].isna().any():
        raise ValueError(f"{func}: {int(frame['respondent_id'].isna().sum())} row(s) have no respondent_id")
    frame = frame.drop_duplicates()
    clash = frame["respondent_id"].duplicated(keep=False)
    if clash.any():
        ids = list(pd.unique(frame.loc[clash, "respondent_id"]))[:5]
        raise ValueError(f"{func}: respondent(s) {ids} have more than one value of {columns}; give one row per respondent")
    return frame.reset_index(drop=True)


def _base(frame: pd.DataFrame, base_weights, func: str) -> np.ndarray:
    if base_weights is None:
        return np.ones(len(frame))
    base = pd.Series(base_weights)
    base = base.reindex(frame["respondent_id"]).to_numpy(dtype=float)
    if np.isnan(base).any():
        raise ValueError(f"{func}: {int(np.isnan(base).sum())} respondent(s) have no base weight")
    if (base < 0).any() or not np.isfinite(base).all():
        raise ValueError(f"{func}: base weights must be finite and non-negative")
    return base


def _target_shares(spec, name: str, func: str) -> pd.Series:
    """A margin or population table as shares summing to 1, indexed by category."""
    if isinstance(spec, pd.Series):
        values = spec
    elif isinstance(spec, Mapping):
        values = pd.Series(dict(spec), dtype=object)
    else:
        raise ValueError(f"{func}: margin {name!r} must map each category to a population count or share, got {type(spec).__name__}")
    if values.empty:
        raise ValueError(f"{func}: margin {name!r} has no categories")
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | ~np.isfinite(numbers.astype(float)) | (numbers < 0)
    if bad.any():
        raise ValueError(f"{func}: margin {name!r}: {dict(values[bad])} must be non-negative numbers")
    total = float(numbers.sum())
    if total <= 0:
        raise ValueError(f"{func}: margin {name!r} sums to 0")
    shares = numbers.astype(float) / total
    shares.index = shares.index.map(str)
    if shares.index.duplicated().any():
        raise ValueError(f"{func}: margin {name!r} lists a category twice")
    return shares


def _trim(w: np.ndarray, cap: float) -> np.ndarray:
    """Clip weights to [mean / cap, mean * cap]; clipping moves the mean, so repeat until it holds."""
    for _ in range(100):
        mean = w.mean()
        clipped = np.clip(w, mean / cap, mean * cap)
        if np.allclose(clipped, w, rtol=1e-12, atol=0):
            return clipped
        w = clipped
    return w


def _finish(weights: np.ndarray, frame: pd.DataFrame, scale: str, total: float | None) -> pd.Series:
    kept = ~np.isnan(weights)
    if scale == "mean":
        weights = weights * kept.sum() / np.nansum(weights)
    else:
        weights = weights * float(total) / np.nansum(weights)
    return pd.Series(weights, index=pd.Index(frame["respondent_id"].to_numpy(), name="respondent_id"), name=WEIGHT)


# ---------------------------------------------------------------------------
# Post-stratification
# ---------------------------------------------------------------------------


def _population_cells(population, by: list[str]) -> pd.DataFrame:
    """Population as a frame with the ``by`` columns and ``population``."""
    if isinstance(population, pd.DataFrame):
        missing = [c for c in [*by, "population"] if c not in population.columns]
        if missing:
            raise ValueError(f"post_stratify: population table lacks column(s) {missing}")
        cells = population[[*by, "population"]].copy()
    elif isinstance(population, (Mapping, pd.Series)):
        series = pd.Series(population) if not isinstance(population, pd.Series) else population
        if len(by) == 1:
            cells = pd.DataFrame({by[0]: list(series.index), "population": series.to_numpy()})
        else:
            keys = list(series.index)
            if not all(isinstance(k, tuple) and len(k) == len(by) for k in keys):
                raise ValueError(f"post_stratify: with by={by}, population keys must be tuples of {len(by)} categories (or pass a DataFrame)")
            cells = pd.DataFrame(keys, columns=by)
            cells["population"] = series.to_numpy()
    else:
        raise ValueError(f"post_stratify: population must be a mapping, Series or DataFrame, got {type(population).__name__}")
    for col in by:
        cells[col] = cells[col].map(str)
    numbers = pd.to_numeric(cells["population"], errors="coerce")
    if numbers.isna().any() or (numbers < 0).any():
        raise ValueError("post_stratify: every population cell needs a non-negative number")
    cells["population"] = numbers.astype(float)
    if cells.duplicated(by).any():
        raise ValueError("post_stratify: the population table lists a cell twice")
    if cells["population"].sum() <= 0:
        raise ValueError("post_stratify: the population sums to 0")
    return cells


def post_stratify(
    respondents: pd.DataFrame,
    *,
    population,
    by: str | Sequence[str],
    base_weights: pd.Series | None = None,
    scale: str = "mean",
) -> pd.Series:
    """Post-stratification weights: each cell of ``by`` weighs its population share.

    Parameters
    ----------
    respondents : pandas.DataFrame
        One row per respondent with ``respondent_id`` and the ``by`` columns (a long frame
        whose attributes repeat per respondent, such as a ratings frame, is accepted).
    population : mapping, pandas.Series or pandas.DataFrame
        Population count (or share) of every cell: ``{category: count}`` for one ``by``
        column, ``{(cat1, cat2): count}`` or a DataFrame with the ``by`` columns and a
        ``population`` column for several.
    by : str or list of str
        The columns that define the cells.
    base_weights : pandas.Series, optional
        Design weights indexed by ``respondent_id`` (default 1).
    scale : {"mean", "population"}
        Weights with mean 1, or summing to the population total.

    Returns
    -------
    pandas.Series
        Weights named ``weight``, indexed by ``respondent_id``.

    Raises
    ------
    ValueError
        When a respondent's cell is missing from the population (including a respondent
        with no value in a ``by`` column), or a populated cell has no respondent (collapse
        it with a neighbour first).

    Examples
    --------
    >>> people = pd.DataFrame({"respondent_id": list("abcd"), "area": ["n", "n", "n", "s"]})
    >>> post_stratify(people, population={"n": 500, "s": 500}, by="area").tolist()
    [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0]
    """
    _check_choice("scale", scale, _SCALES)
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise ValueError("post_stratify: give at least one 'by' column")
    frame = _one_per_respondent(respondents, by, "post_stratify")
    cells = _population_cells(population, by)
    base = _base(frame, base_weights, "post_stratify")
    missing = frame[by].isna().any(axis=1)
    if missing.any():
        raise ValueError(f"post_stratify: {int(missing.sum())} respondent(s) have no value in {by}; give them a category or leave them out first")
    keys = frame[by].astype(str)
    merged = keys.merge(cells, on=by, how="left")
    absent = merged["population"].isna()
    if absent.any():
        found = keys[absent.to_numpy()].drop_duplicates().astype(str).agg("/".join, axis=1).tolist()
        raise ValueError(f"post_stratify: cell(s) {found} hold respondents but are not in the population table")
    sample = keys.assign(_w=base).groupby(by, sort=False)["_w"].sum().rename("sample").reset_index()
    cells = cells.merge(sample, on=by, how="left")
    empty = (cells["population"] > 0) & ~(cells["sample"].fillna(0) > 0)
    if empty.any():
        found = cells.loc[empty, by].astype(str).agg("/".join, axis=1).tolist()
        raise ValueError(f"post_stratify: population cell(s) {found} have no respondent; collapse them with a neighbouring cell")
    share = cells["population"] / cells["population"].sum()
    cells["_factor"] = share / (cells["sample"] / base.sum())
    factor = keys.merge(cells[[*by, "_factor"]], on=by, how="left")["_factor"].to_numpy(dtype=float)
    out = _finish(base * factor, frame, scale, cells["population"].sum())
    out.attrs["weighting"] = "post-stratification"
    return out


# ---------------------------------------------------------------------------
# Raking
# ---------------------------------------------------------------------------


def rake(
    respondents: pd.DataFrame,
    *,
    margins: Mapping[str, Any],
    max_iter: int = 100,
    tol: float = 1e-8,
    base_weights: pd.Series | None = None,
    scale: str = "mean",
    unmatched: str = "error",
    empty: str = "error",
    trim: float | None = 5.0,
) -> pd.Series:
    """Raking (iterative proportional fitting) weights that reproduce known margins.

    Weights are trimmed to ``[mean / trim, mean * trim]`` after each raking cycle and
    raked again (trim-and-rake; Izrael, Hoaglin & Battaglia 2000), so that margins the
    sample cannot meet give capped weights and a warning, not weights from 1e-121 to 3.

    Parameters
    ----------
    respondents : pandas.DataFrame
        One row per respondent with ``respondent_id`` and a column per margin (a long
        frame whose attributes repeat per respondent is accepted).
    margins : mapping
        ``{column: {category: population count or share}}``, e.g.
        ``{"area": {"jakarta_utara": 1780000, ...}, "gender": {"female": 0.5, "male": 0.5}}``.
        Each margin is normalised to shares. An empty mapping gives every respondent
        weight 1 (with a warning).
    max_iter : int
        Most raking cycles (one cycle adjusts every margin once).
    tol : float
        Convergence: the largest absolute difference between a weighted share and its
        target share, over every category of every margin, after a cycle.
    base_weights : pandas.Series, optional
        Starting (design) weights indexed by ``respondent_id`` (default 1).
    scale : {"mean", "population"}
        Weights with mean 1, or summing to the total of the first margin (e.g. the
        city's residents when the first margin gives area populations).
    unmatched : {"error", "drop"}
        A respondent whose category is not in a margin (or who has no value): raise, or
        leave them out (weight NaN, so weighted analyses skip them).
    empty : {"error", "drop"}
        A margin category with a positive target but no respondent: raise, or drop the
        category and rake the others to their shares among themselves.
    trim : float or None, default 5.0
        Cap on a weight relative to the mean weight (and floor at mean / ``trim``);
        ``None`` rakes without trimming. A cap of 5 is a common convention (Battaglia et
        al. 2009), not a law: the cap and how many weights reached it are reported.

    Returns
    -------
    pandas.Series
        Weights named ``weight`` indexed by ``respondent_id``. ``attrs["raking"]`` holds
        the convergence report: ``converged``, ``iterations``, ``max_error``, ``tol``,
        ``unmatched`` (respondents left out), ``dropped`` (``{column: [categories]}``
        left out as empty), ``trim`` (the cap) and ``trimmed`` (weights at the cap or
        floor). A run that does not converge warns; so does one whose weights were trimmed.

    Raises
    ------
    ValueError
        For a category present in the sample but absent from the margins, or an empty
        margin category (unless dropped), a category with a target of 0 that has
        respondents, bad margin values, or a respondent with two values of a column.

    Examples
    --------
    >>> people = pd.DataFrame({"respondent_id": list("abcdef"),
    ...                        "area": list("nnnsss"), "gender": list("ffmfmm")})
    >>> w = rake(people, margins={"area": {"n": 0.5, "s": 0.5}, "gender": {"f": 0.6, "m": 0.4}})
    >>> float(round(w[["a", "b", "d"]].sum() / w.sum(), 6))   # women
    0.6
    >>> w.attrs["raking"]["converged"]
    True
    """
    _check_choice("scale", scale, _SCALES)
    _check_choice("unmatched", unmatched, _POLICIES)
    _check_choice("empty", empty, _POLICIES)
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a whole number of at least 1, not {max_iter!r}")
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise ValueError(f"tol must be a positive number, not {tol!r}")
    if trim is not None and not (isinstance(trim, (int, float)) and not isinstance(trim, bool) and trim > 1):
        raise ValueError(f"trim must be a number above 1 (a cap relative to the mean weight) or None, not {trim!r}")
    if not isinstance(margins, Mapping):
        raise ValueError(f"rake: margins must map column names to {{category: target}}, got {type(margins).__name__}")
    columns = [str(c) for c in margins]
    frame = _one_per_respondent(respondents, columns, "rake")
    base = _base(frame, base_weights, "rake")
    report: dict[str, Any] = {"converged": True, "iterations": 0, "max_error": 0.0, "tol": tol, "unmatched": 0, "dropped": {},
                              "trim": None if trim is None else float(trim), "trimmed": 0}
    if not columns:
        if base_weights is None:  # with base weights, keeping them is what was asked for
            _warn("rake: no population margins were given; every respondent weighs 1")
        out = _finish(base.copy(), frame, "mean", None)
        out.attrs.update(raking=report, weighting="raking")
        return out

    targets = {col: _target_shares(margins[col], col, "rake") for col in columns}
    keep = np.ones(len(frame), dtype=bool)
    outside_counts: dict[str, pd.Series] = {}
    for col in columns:
        values = frame[col].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        outside = ~values.isin(targets[col].index)
        if outside.any():
            outside_counts[col] = values[outside].fillna("(no value)").value_counts()
            keep &= ~outside.to_numpy()
    if outside_counts:
        if unmatched == "error":
            found = "; ".join(f"{col}: " + ", ".join(f"{k!r} ({v} respondent{'s' if v != 1 else ''})" for k, v in counts.items()) for col, counts in outside_counts.items())
            raise ValueError("rake: categories in the sample are not in the margins; add them to the margins, "
                             "recode them, or pass unmatched='drop' to leave those respondents out: " + found)
        report["unmatched"] = int((~keep).sum())
        # No counts in the warning: a rendered report shows warnings, and a small count is a small cell.
        found = "; ".join(f"{col}: " + ", ".join(map(repr, counts.index)) for col, counts in outside_counts.items())
        _warn(f"rake: respondents in categories the margins lack get no weight ({found}); attrs['raking']['unmatched'] says how many")
    if not keep.any():
        raise ValueError("rake: no respondent is left to weight")

    codes = {}
    for col in columns:
        values = frame.loc[keep, col].astype(str)
        shares = targets[col]
        present = set(values)
        zero_with_people = [c for c in shares.index if shares[c] == 0 and c in present]
        if zero_with_people:
            raise ValueError(f"rake: margin {col!r} gives a target of 0 to {zero_with_people}, which have respondents")
        empty_cats = [c for c in shares.index if shares[c] > 0 and c not in present]
        if empty_cats:
            if empty == "error":
                raise ValueError(f"rake: margin {col!r} has no respondent in {empty_cats}; collapse these categories with "
                                 "a neighbour, or pass empty='drop' to rake the other categories to their shares among themselves")
            report["dropped"][col] = empty_cats
            _warn(f"rake: margin {col!r}: no respondent in {empty_cats}; the other categories are raked to their shares among themselves")
        shares = shares[shares.index.isin(present)]
        shares = shares / shares.sum()
        targets[col] = shares
        codes[col] = pd.Categorical(values, categories=list(shares.index)).codes

    w = base[keep].astype(float)
    if w.sum() <= 0:
        raise ValueError("rake: the base weights of the respondents sum to 0")
    target_arrays = {col: targets[col].to_numpy() for col in columns}
    error = np.inf
    for iteration in range(1, max_iter + 1):
        for col in columns:
            current = np.bincount(codes[col], weights=w, minlength=len(target_arrays[col]))
            factor = np.divide(target_arrays[col] * w.sum(), current, out=np.zeros_like(current), where=current > 0)
            w = w * factor[codes[col]]
        if trim is not None:
            w = _trim(w, trim)
        total = w.sum()
        error = max(float(np.max(np.abs(np.bincount(codes[col], weights=w, minlength=len(target_arrays[col])) / total - target_arrays[col]))) for col in columns)
        if error < tol:
            break
    trimmed = 0
    if trim is not None:
        mean = w.mean()
        # relative tolerance: a weight clipped in the last cycle sits at the bound up to rounding
        trimmed = int(np.sum((w >= mean * trim * (1 - 1e-6)) | (w <= mean / trim * (1 + 1e-6))))
    report.update(converged=bool(error < tol), iterations=iteration, max_error=error, trimmed=trimmed)
    if not report["converged"]:
        _warn(f"rake: no convergence after {max_iter} cycles (largest margin error {error:.3g}, tolerance {tol:g}); "
              "the margins may be inconsistent with the sample (e.g. cross-classified cells with no respondent)")
    if trimmed:
        # No count in the warning: a rendered report shows warnings, and a small count is a small cell.
        _warn(f"rake: some weights reached the cap of {trim:g} times the mean weight (or its inverse) and were trimmed; "
              "attrs['raking']['trimmed'] says how many, and the margins are met only as far as the cap allows")
    full = np.full(len(frame), np.nan)
    full[keep] = w
    first_total = _first_total(margins[columns[0]])
    out = _finish(full, frame, scale, first_total)
    out.attrs.update(raking=report, weighting="raking")
    return out


def _first_total(spec) -> float:
    values = spec.to_numpy() if isinstance(spec, pd.Series) else list(dict(spec).values())
    return float(np.nansum(pd.to_numeric(pd.Series(values), errors="coerce")))


# ---------------------------------------------------------------------------
# Margins, design effect, merging
# ---------------------------------------------------------------------------


def margins_from_metadata(metadata) -> dict[str, dict[str, float]]:
    """Population margins known from the assessment metadata.

    Parameters
    ----------
    metadata : Metadata
        ``assessment.metadata``.

    Returns
    -------
    dict
        ``{"area": {area_id: population}}`` from ``areas[].population``, plus each margin
        under the optional top-level key ``population_margins`` (see the module docstring
        for the format). Empty when the metadata gives no population figures.

    Raises
    ------
    ValueError
        For a malformed ``population_margins``: an unknown column, an unknown category
        (a gender, age band, stakeholder group or area the data model does not know), or
        a value that is not a non-negative number.

    Examples
    --------
    >>> margins_from_metadata(load_assessment("data/sample").metadata)["area"]["jakarta_timur"]  # doctest: +SKIP
    2890000.0
    """
    margins: dict[str, dict[str, float]] = {}
    areas = metadata.areas
    pop = pd.to_numeric(areas["population"], errors="coerce") if "population" in areas else pd.Series(dtype=float)
    if pop.notna().any():
        if pop.isna().any():
            lacking = areas.loc[pop.isna().to_numpy(), "area"].tolist()
            _warn(f"margins_from_metadata: areas {lacking} have no population, so there is no area margin; give every area a population")
        else:
            margins["area"] = {str(a): float(p) for a, p in zip(areas["area"], pop)}
    extra = (getattr(metadata, "raw", None) or {}).get("population_margins")
    if extra is None:
        return margins
    if not isinstance(extra, Mapping):
        raise ValueError(f"population_margins must map a participants column ({', '.join(MARGIN_COLUMNS)}) to {{category: count or share}}")
    known = {
        "area": set(map(str, areas["area"])),
        "gender": set(GENDERS),
        "age_band": set(AGE_BANDS),
        "stakeholder_group": set(map(str, metadata.stakeholder_groups["stakeholder_group"])),
        "channel": set(CHANNELS),
    }
    for col, spec in extra.items():
        if col not in known:
            raise ValueError(f"population_margins: {col!r} is not a column weighting can use; use one of {', '.join(MARGIN_COLUMNS)}")
        if not isinstance(spec, Mapping) or not spec:
            raise ValueError(f"population_margins.{col} must map each category to a count or share")
        unknown = [str(k) for k in spec if str(k) not in known[col]]
        if unknown:
            raise ValueError(f"population_margins.{col}: unknown categories {unknown}; expected some of {sorted(known[col])}")
        _target_shares(spec, f"population_margins.{col}", "margins_from_metadata")  # checks the values
        margins[col] = {str(k): float(v) for k, v in spec.items()}
    return margins


def survey_weights(
    respondents: pd.DataFrame,
    *,
    margins: Mapping[str, Any],
    trim: float | None = 5.0,
    unmatched: str = "drop",
    empty: str = "drop",
) -> pd.Series:
    """The weights of the weighted estimates: a survey's own design weights, calibrated to margins.

    A survey imported with its own weights (participants' ``weight``, the ``design_weight`` of
    :func:`respondents`) keeps them: raking starts from them (calibration of design weights;
    Deville & Särndal 1992), or, when the metadata give no population margins, they are used
    as they are, scaled to mean 1. Without design weights this is :func:`rake` from equal
    starting weights.

    Parameters
    ----------
    respondents : pandas.DataFrame
        :func:`respondents`: one row per respondent, with ``design_weight`` when the survey
        has weights.
    margins : mapping
        Population margins, as for :func:`rake` (e.g. :func:`margins_from_metadata`).
    trim, unmatched, empty
        Passed to :func:`rake`.

    Returns
    -------
    pandas.Series
        Weights named ``weight`` indexed by ``respondent_id``, with ``attrs["weighting"]``
        (``"raking"``, ``"design weights raked"`` or ``"design weights"``), ``attrs["raking"]``
        (see :func:`rake`), ``attrs["design"]`` (whether the survey's own weights were used)
        and ``attrs["strata"]`` (how many sampling strata the respondents come from; 0 when
        the survey has none).

    Raises
    ------
    ValueError
        When some respondents have a design weight and others do not: a weighted survey
        weights everyone, so a gap is a data problem to fix, not a weight to guess.

    Examples
    --------
    >>> people = pd.DataFrame({"respondent_id": list("abcd"), "area": list("nnss"),
    ...                        "design_weight": [1.0, 3.0, 1.0, 1.0]})
    >>> w = survey_weights(people, margins={})
    >>> w.round(2).tolist(), w.attrs["weighting"]
    ([0.67, 2.0, 0.67, 0.67], 'design weights')
    """
    frame = respondents.drop_duplicates("respondent_id")
    design = None
    if DESIGN_WEIGHT in frame.columns and frame[DESIGN_WEIGHT].notna().any():
        design = pd.to_numeric(frame[DESIGN_WEIGHT], errors="coerce")
        if design.isna().any():
            raise ValueError(f"survey_weights: {int(design.isna().sum())} of {len(design)} respondents have no design weight "
                             "(participants column 'weight'); give every respondent of a weighted survey a weight")
        design = pd.Series(design.to_numpy(dtype=float), index=frame["respondent_id"])
    strata = int(frame[STRATUM].dropna().nunique()) if STRATUM in frame.columns else 0
    # Without margins, rake keeps the starting weights (scaled to mean 1).
    weights = rake(respondents, margins=margins, base_weights=design, trim=trim, unmatched=unmatched, empty=empty)
    method = "raking" if design is None else "design weights raked" if margins else "design weights"
    weights.attrs.update(weighting=method, design=design is not None, strata=strata)
    return weights


def strata_summary(respondents: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Respondents and weights per sampling stratum of a survey imported with strata.

    Parameters
    ----------
    respondents : pandas.DataFrame
        :func:`respondents`, with ``stratum``.
    weights : pandas.Series
        Weights indexed by ``respondent_id`` (e.g. :func:`survey_weights`).

    Returns
    -------
    pandas.DataFrame
        ``stratum``, ``n`` (respondents), ``weight_share`` (the stratum's share of the total
        weight) and ``deff`` (Kish's design effect of the weights within the stratum).
        Empty when the respondents have no stratum.

    Examples
    --------
    >>> people = pd.DataFrame({"respondent_id": list("abcd"), "stratum": list("uurr")})
    >>> strata_summary(people, pd.Series([1.0, 1.0, 2.0, 4.0], index=list("abcd")))["weight_share"].tolist()
    [0.75, 0.25]
    """
    columns = ["stratum", "n", "weight_share", "deff"]
    if STRATUM not in respondents.columns or respondents[STRATUM].isna().all():
        return pd.DataFrame(columns=columns)
    frame = respondents.drop_duplicates("respondent_id")[["respondent_id", STRATUM]].dropna()
    frame = frame.assign(_w=pd.Series(weights).reindex(frame["respondent_id"]).to_numpy(dtype=float)).dropna(subset=["_w"])
    total = frame["_w"].sum()
    rows = []
    for stratum, part in frame.groupby(STRATUM, sort=True):
        w = part["_w"].to_numpy()
        rows.append({"stratum": stratum, "n": len(part), "weight_share": float(w.sum() / total) if total else np.nan,
                     "deff": float(len(w) * np.sum(w**2) / np.sum(w) ** 2) if w.sum() > 0 else np.nan})
    return pd.DataFrame(rows, columns=columns).sort_values("weight_share", ascending=False, kind="stable").reset_index(drop=True)


def design_effect(weights) -> DesignEffect:
    """Kish's design effect of unequal weights and the effective sample size.

    ``deff = n * sum(w**2) / sum(w)**2`` and ``n_effective = n / deff`` (Kish 1965); missing
    weights are left out.

    Parameters
    ----------
    weights : array-like or pandas.Series
        One weight per respondent.

    Returns
    -------
    DesignEffect
        ``(n, deff, n_effective)``.

    Examples
    --------
    >>> design_effect([1, 1, 2, 4])   # 4 * 22 / 8**2
    DesignEffect(n=4, deff=1.375, n_effective=2.909090909090909)
    """
    w = pd.to_numeric(pd.Series(np.asarray(weights, dtype=float).ravel()), errors="coerce").dropna().to_numpy()
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("design_effect: weights must be finite and non-negative")
    n = int(w.size)
    if n == 0 or w.sum() <= 0:
        _warn("design_effect: no positive weights; the design effect is NaN")
        return DesignEffect(n, float("nan"), float("nan"))
    deff = float(n * np.sum(w**2) / np.sum(w) ** 2)
    return DesignEffect(n, deff, float(n / deff))


def weight_summary(weights: pd.Series) -> pd.DataFrame:
    """One-row table of the weights, safe to publish: n, design effect, effective sample size.

    The smallest and largest weights are not shown, and the design effect is rounded to two
    decimals and the effective sample size to a whole number: a weight is a population share
    over a sample share, so exact weights would give away the number of respondents of a
    small, suppressed area.

    Examples
    --------
    >>> weight_summary(pd.Series([1.0, 1.0, 2.0, 4.0]))[["n", "deff", "n_effective"]].values.tolist()
    [[4.0, 1.38, 3.0]]
    """
    w = pd.to_numeric(pd.Series(weights), errors="coerce")
    d = design_effect(w.dropna())
    report = getattr(weights, "attrs", {}).get("raking", {})
    return pd.DataFrame(
        {
            "method": [getattr(weights, "attrs", {}).get("weighting", "weights")],
            "n": [d.n],
            "deff": [round(d.deff, 2)],
            "n_effective": [float(round(d.n_effective))],
            "converged": [bool(report.get("converged", True))],
            "iterations": [int(report.get("iterations", 0))],
            # the cap is part of the method; only whether it bit is shown, not how often
            "trim_cap": [np.nan if report.get("trim") is None else float(report["trim"])],
            "trimmed": [bool(report.get("trimmed", 0))],
        }
    )


def add_weights(ratings: pd.DataFrame, weights: pd.Series, *, column: str = WEIGHT) -> pd.DataFrame:
    """The ratings frame with each respondent's weight in a new column.

    Parameters
    ----------
    ratings : pandas.DataFrame
        A frame with ``respondent_id`` (e.g. :func:`pra_lib.perception.ratings_frame`).
    weights : pandas.Series
        Weights indexed by ``respondent_id`` (from :func:`rake` or :func:`post_stratify`).
    column : str
        Name of the new column.

    Returns
    -------
    pandas.DataFrame
        A copy with the weight column; respondents without a weight get NaN (weighted
        analyses leave them out, with a warning). ``attrs`` are kept.

    Examples
    --------
    >>> s = perception.scores(add_weights(q, w), weights="weight")  # doctest: +SKIP
    """
    if "respondent_id" not in ratings.columns:
        raise ValueError("add_weights: ratings has no 'respondent_id' column")
    if not isinstance(weights, pd.Series):
        raise ValueError(f"add_weights: weights must be a pandas Series indexed by respondent_id, got {type(weights).__name__}")
    if weights.index.duplicated().any():
        raise ValueError("add_weights: weights has a respondent_id twice")
    if column in ratings.columns:
        raise ValueError(f"add_weights: ratings already has a column {column!r}")
    # A shallow copy: the new column is the only change, and the input stays as it was
    # (copy-on-write), so millions of ratings are not copied for one more column.
    out = ratings.copy(deep=False)
    ids = out["respondent_id"]
    if isinstance(ids.dtype, pd.CategoricalDtype):
        # Each id's weight looked up once per category, then spread over the ratings by
        # their codes (as map gives it, without a categorical of the weights in between).
        per_id = np.append(weights.reindex(ids.cat.categories).to_numpy(dtype=float, na_value=np.nan), np.nan)
        out[column] = per_id[ids.cat.codes.to_numpy()]
    else:
        out[column] = ids.map(weights).astype(float)
    out.attrs = dict(ratings.attrs)
    return out


def margin_table(respondents: pd.DataFrame, weights: pd.Series, *, margins: Mapping[str, Any]) -> pd.DataFrame:
    """Sample, weighted and population shares of every margin category.

    Parameters
    ----------
    respondents : pandas.DataFrame
        The frame the weights were computed from.
    weights : pandas.Series
        Weights indexed by ``respondent_id``.
    margins : mapping
        The margins the weights were raked to.

    Returns
    -------
    pandas.DataFrame
        ``method`` (``"raking"`` or ``"post-stratification"``), ``variable``,
        ``category``, ``n`` (respondents), ``sample_share`` (of all respondents),
        ``population_share`` (the target; NaN for a category the margin lacks),
        ``weighted_share`` (of the weighted respondents). Publish it with
        ``dims=["method", "variable"]``: every margin's total (the number of
        respondents) is public, so complementary suppression must protect each margin.

    Examples
    --------
    >>> report.table(margin_table(people, w, margins=m), "weighting_margins", dims=["method", "variable"])  # doctest: +SKIP
    """
    columns = [str(c) for c in margins]
    frame = _one_per_respondent(respondents, columns, "margin_table")
    w = frame["respondent_id"].map(weights).astype(float)
    parts = []
    for col in columns:
        target = _target_shares(margins[col], col, "margin_table")
        values = frame[col].map(lambda v: "(no value)" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        order = list(target.index) + sorted(set(values) - set(target.index))
        n = values.value_counts().reindex(order, fill_value=0)
        wsum = w.groupby(values).sum(min_count=1).reindex(order)
        parts.append(
            pd.DataFrame(
                {
                    "method": getattr(weights, "attrs", {}).get("weighting", "weights"),
                    "variable": col,
                    "category": order,
                    "n": n.to_numpy().astype(int),
                    "sample_share": (n / n.sum()).to_numpy(),
                    "population_share": target.reindex(order).to_numpy(),
                    "weighted_share": (wsum / w.sum()).fillna(0.0).to_numpy(),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["method", "variable", "category", "n", "sample_share", "population_share", "weighted_share"])
    return out.round(6)
