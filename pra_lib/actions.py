"""The actions inventory (*Ikhtiar Jakarta*): which existing actions address which goals and hazards.

The PRA's actions inventory lists the plans, programmes and projects the city already has
and links each one to the City Resilience Framework (CRF) goals and the shocks and stresses
it addresses (tables ``actions`` and ``action_links``). This module counts that coverage,
breaks it down by owner agency, and sets it against a *need* the caller supplies (for
example how weak stakeholders rate a goal, or how risky a shock is) to find the gaps: goals
or hazards the evidence marks as weak or risky that few actions address.

Methods (see ``docs/methods.md``, section "Actions inventory and Phase II working groups")
-----------------------------------------------------------------------------------------
* An action linked to a goal (or hazard) twice counts once for it. An action linked to
  several goals counts, with its whole budget, under each of them: coverage per goal is
  not additive across goals, and the inventory total is reported separately.
* Budgets are the *known* budgets: ``budget_known_idr`` sums the actions whose budget is
  recorded, and ``share_budget_known`` says how many of the actions that is. A goal whose
  actions all lack a budget has ``budget_known_idr`` NaN (unknown), not 0.
* Gap score: ``gap = need_norm - coverage_norm`` with
  ``need_norm = (need - min) / (max - min)`` over the goals (or hazards) that have a need,
  and ``coverage_norm = n_actions / max(n_actions)`` (counts have a natural zero: no
  action is no coverage). The score runs from -1 (well covered, little need) to +1
  (greatest need, no action). The ``k`` highest positive scores are flagged as gaps.

Tables describe organisations and actions, not people, so they carry no respondent count;
publish them with ``report.table(..., count=None)``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from .assessment import crf
from .publishing.i18n import goal_label, pick, t, term
from .publishing.i18n import t as tr  # in the figure functions, t is the table
from .assessment.schema import ACTION_STATUSES, table as _schema_table

__all__ = [
    "agency_labels",
    "agency_heatmap",
    "coverage",
    "coverage_bars",
    "coverage_by_agency",
    "findings_actions",
    "gaps",
    "need_coverage_scatter",
    "need_from_scores",
]

BY = ("goal", "hazard")
_KEY = {"goal": "goal_id", "hazard": "hazard_id"}
_LABEL = {"goal": "goal", "hazard": "hazard"}
_STATUS_COLOURS = {"completed": "#1b7837", "ongoing": "#5aae61", "planned": "#a6dba0", "not recorded": "#bbbbbb"}
_COUNT_COLUMNS = ["n_actions", "n_ongoing", "n_planned", "n_completed", "n_budget_known", "share_budget_known", "budget_known_idr"]
BILLION = 1e9


# ---------------------------------------------------------------------------
# Small helpers (shared with working_groups)
# ---------------------------------------------------------------------------


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def _table(data, name: str) -> pd.DataFrame:
    """One table of an Assessment (or of a plain ``{name: DataFrame}`` mapping).

    A table that is absent comes back empty with its documented columns, and optional
    columns that are absent are added empty, so analyses never fail on a missing column.
    """
    tables = getattr(data, "tables", data)
    if not isinstance(tables, Mapping):
        raise TypeError(f"expected an Assessment or a mapping of table names to DataFrames, got {type(data).__name__}")
    frame = tables.get(name)
    columns = _schema_table(name).column_names
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        frame = frame.assign(**{c: pd.Series(None, index=frame.index, dtype=object) for c in missing})
    return frame


def _ids(series: pd.Series) -> pd.Series:
    """Id columns as plain Python strings, missing as None (whatever the input dtype)."""
    return series.astype(object).where(series.notna(), None).map(lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else str(v).strip())


def _check_by(by: str) -> str:
    if by not in BY:
        raise ValueError(f"by must be one of {BY}, not {by!r}")
    return by


_ACRONYM = re.compile(r"\(([^()]{2,16})\)\s*$")


def agency_labels(agencies: pd.DataFrame) -> dict[str, str]:
    """Short display names of the organisations: the acronym in the name, else the name.

    ``"Badan Penanggulangan Bencana Daerah (BPBD)"`` becomes ``"BPBD"``; ``"Dinas Sosial"``
    stays as it is. An organisation with no name is shown by its id.

    Examples
    --------
    >>> agency_labels(pd.DataFrame({"agency_id": ["bpbd", "dinsos"],
    ...     "name": ["Badan Penanggulangan Bencana Daerah (BPBD)", "Dinas Sosial"]}))
    {'bpbd': 'BPBD', 'dinsos': 'Dinas Sosial'}
    """
    out: dict[str, str] = {}
    if agencies is None or agencies.empty:
        return out
    names = agencies["name"] if "name" in agencies else pd.Series(None, index=agencies.index)
    for agency_id, name in zip(_ids(agencies["agency_id"]), names):
        if agency_id is None:
            continue
        if not isinstance(name, str) or not name.strip():
            out[agency_id] = agency_id
            continue
        match = _ACRONYM.search(name)
        out[agency_id] = match.group(1).strip() if match else name.strip()
    return out


def _keys(data, by: str, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Every goal (all 12) or every hazard of the assessment, in order, with its label."""
    if by == "goal":
        ids = list(crf.GOAL_IDS) + sorted(set(extra) - set(crf.GOAL_IDS))
        labels = [goal_label(g) if g in crf.GOAL_IDS else g for g in ids]
        return pd.DataFrame({"goal_id": ids, "goal": labels})
    hazards = _table(data, "hazards")
    hid = _ids(hazards["hazard_id"])
    keep = hid.notna()
    frame = pd.DataFrame(
        {
            "hazard_id": hid[keep].to_list(),
            "hazard": [pick(n, i) if isinstance(n, str) and n else h for h, n, i in zip(hid[keep], hazards.loc[keep, "name_en"], hazards.loc[keep, "name_id"])],
            "hazard_type": _ids(hazards.loc[keep, "hazard_type"]).to_list(),
        }
    ).drop_duplicates("hazard_id")
    unknown = sorted(set(extra) - set(frame["hazard_id"]))
    if unknown:
        frame = pd.concat([frame, pd.DataFrame({"hazard_id": unknown, "hazard": unknown, "hazard_type": [None] * len(unknown)})], ignore_index=True)
    return frame.reset_index(drop=True)


def _linked_actions(data, by: str) -> pd.DataFrame:
    """One row per (action, goal or hazard) link, with the action's owner, status and budget."""
    key = _KEY[by]
    acts = _table(data, "actions")
    links = _table(data, "action_links")
    acts = pd.DataFrame(
        {
            "action_id": _ids(acts["action_id"]),
            "owner_agency_id": _ids(acts["owner_agency_id"]),
            "status": _ids(acts["status"]),
            "budget_idr": _num(acts["budget_idr"]),
        }
    ).dropna(subset=["action_id"]).drop_duplicates("action_id")
    pairs = pd.DataFrame({"action_id": _ids(links["action_id"]), key: _ids(links[key])}).dropna().drop_duplicates()
    orphans = sorted(set(pairs["action_id"]) - set(acts["action_id"]))
    if orphans:
        _warn(f"{len(orphans)} action link(s) name actions missing from the actions table ({', '.join(orphans[:5])}); they are left out")
    return pairs.merge(acts, on="action_id", how="inner")


def _aggregate(linked: pd.DataFrame, by_cols: list[str]) -> pd.DataFrame:
    """Counts, statuses and known budgets per group of (deduplicated) action links."""
    frame = linked.assign(
        _known=linked["budget_idr"].notna(),
        **{f"_{s}": linked["status"] == s for s in ACTION_STATUSES},
    )
    grouped = frame.groupby(by_cols, sort=False)
    out = pd.DataFrame(
        {
            "n_actions": grouped["action_id"].nunique(),
            "n_ongoing": grouped["_ongoing"].sum(),
            "n_planned": grouped["_planned"].sum(),
            "n_completed": grouped["_completed"].sum(),
            "n_budget_known": grouped["_known"].sum(),
            "budget_known_idr": grouped["budget_idr"].sum(min_count=1),
            "n_owner_agencies": grouped["owner_agency_id"].nunique(),
        }
    )
    return out


def _finish_counts(out: pd.DataFrame) -> pd.DataFrame:
    for col in ("n_actions", "n_ongoing", "n_planned", "n_completed", "n_budget_known", "n_owner_agencies"):
        if col in out:
            out[col] = out[col].fillna(0).astype("int64")
    n = out["n_actions"].astype(float)
    out["share_budget_known"] = (out["n_budget_known"] / n).where(n > 0)
    # No action: no money (0). Actions but no budget recorded: unknown (NaN).
    out["budget_known_idr"] = out["budget_known_idr"].astype(float).where(n > 0, 0.0)
    return out


# ---------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------


def coverage(data, *, by: str = "goal") -> pd.DataFrame:
    """How many existing actions address each CRF goal, or each shock and stress.

    Parameters
    ----------
    data : Assessment or mapping of DataFrames
        Needs ``actions`` and ``action_links`` (and ``hazards`` for ``by="hazard"``).
    by : {"goal", "hazard"}
        Per CRF goal (all 12, zeros included) or per hazard (every shock and stress of the
        ``hazards`` table, zeros included).

    Returns
    -------
    pandas.DataFrame
        One row per goal (``goal_id``, ``goal``) or hazard (``hazard_id``, ``hazard``,
        ``hazard_type``), in CRF / hazards-table order, with ``n_actions`` (distinct actions
        linked), ``n_ongoing``, ``n_planned``, ``n_completed``, ``n_budget_known``,
        ``share_budget_known`` (NaN when there is no action), ``budget_known_idr`` (sum of
        the known budgets in rupiah; 0 when there is no action, NaN when no linked action
        has a budget), ``n_owner_agencies`` and ``share_of_inventory`` (``n_actions`` over
        the number of actions in the inventory). An action linked to several goals counts
        under each, with its whole budget, so columns do not add up to the inventory.

    Examples
    --------
    >>> cov = coverage(load_assessment("data/sample"), by="goal")   # doctest: +SKIP
    >>> cov.set_index("goal_id").loc["G07", "n_actions"]             # doctest: +SKIP
    33
    """
    by = _check_by(by)
    key = _KEY[by]
    linked = _linked_actions(data, by)
    n_inventory = int(_ids(_table(data, "actions")["action_id"]).dropna().nunique())
    if n_inventory == 0:
        _warn("the assessment has no actions inventory; every goal and hazard has 0 actions")
    keys = _keys(data, by, extra=linked[key].unique().tolist())
    if len(linked):
        out = keys.merge(_aggregate(linked, [key]), left_on=key, right_index=True, how="left")
    else:
        out = keys.assign(**{c: np.nan for c in ["n_actions", "n_ongoing", "n_planned", "n_completed", "n_budget_known", "budget_known_idr", "n_owner_agencies"]})
    out = _finish_counts(out)
    out["share_of_inventory"] = out["n_actions"] / n_inventory if n_inventory else np.nan
    label_cols = [key, _LABEL[by]] + (["hazard_type"] if by == "hazard" else [])
    out.attrs["n_inventory"] = n_inventory
    return out[label_cols + _COUNT_COLUMNS + ["n_owner_agencies", "share_of_inventory"]].reset_index(drop=True)


def coverage_by_agency(data, *, by: str = "goal") -> pd.DataFrame:
    """Coverage of each goal (or hazard) broken down by the agency that owns the actions.

    Parameters
    ----------
    data : Assessment or mapping of DataFrames
        Needs ``actions``, ``action_links`` and ``agencies`` (and ``hazards`` for
        ``by="hazard"``).
    by : {"goal", "hazard"}
        As in :func:`coverage`.

    Returns
    -------
    pandas.DataFrame
        Tidy long table, the full grid of organisations x goals (or hazards) with zeros:
        ``agency_id``, ``agency`` (short name), ``stakeholder_group``, the goal or hazard
        columns of :func:`coverage`, then ``n_actions``, ``n_ongoing``, ``n_planned``,
        ``n_completed``, ``n_budget_known``, ``share_budget_known`` and
        ``budget_known_idr``. Organisations come in the ``agencies`` table's order; owners
        missing from it are added at the end. Pivot it for a heatmap with
        ``t.pivot(index="agency_id", columns="goal_id", values="n_actions")``.

    Examples
    --------
    >>> t = coverage_by_agency(load_assessment("data/sample"))        # doctest: +SKIP
    >>> t.pivot(index="agency", columns="goal_id", values="n_actions")  # doctest: +SKIP
    """
    by = _check_by(by)
    key = _KEY[by]
    linked = _linked_actions(data, by)
    agencies = _table(data, "agencies")
    ids = _ids(agencies["agency_id"])
    agency_frame = pd.DataFrame({"agency_id": ids, "stakeholder_group": _ids(agencies["stakeholder_group"])}).dropna(subset=["agency_id"]).drop_duplicates("agency_id")
    unknown = [a for a in pd.unique(linked["owner_agency_id"].dropna()) if a not in set(agency_frame["agency_id"])]
    if unknown:
        _warn(f"action owner(s) {', '.join(sorted(unknown))} are not in the agencies table; they are shown by id")
        agency_frame = pd.concat([agency_frame, pd.DataFrame({"agency_id": unknown, "stakeholder_group": [None] * len(unknown)})], ignore_index=True)
    labels = agency_labels(agencies)
    agency_frame["agency"] = [labels.get(a, a) for a in agency_frame["agency_id"]]
    keys = _keys(data, by, extra=linked[key].unique().tolist())
    grid = agency_frame[["agency_id", "agency", "stakeholder_group"]].merge(keys, how="cross")
    if len(linked):
        agg = _aggregate(linked.dropna(subset=["owner_agency_id"]), ["owner_agency_id", key]).drop(columns="n_owner_agencies")
        agg.index = agg.index.set_names(["agency_id", key])
        out = grid.merge(agg, left_on=["agency_id", key], right_index=True, how="left")
    else:
        out = grid.assign(**{c: np.nan for c in ["n_actions", "n_ongoing", "n_planned", "n_completed", "n_budget_known", "budget_known_idr"]})
    out = _finish_counts(out)
    label_cols = [key, _LABEL[by]] + (["hazard_type"] if by == "hazard" else [])
    return out[["agency_id", "agency", "stakeholder_group"] + label_cols + _COUNT_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Gaps
# ---------------------------------------------------------------------------


def need_from_scores(scores: pd.DataFrame, *, key: str = "goal_id", value: str = "mean", invert_from: float | None = 5.0) -> pd.DataFrame:
    """Turn a table of scores into the ``need`` table :func:`gaps` takes.

    Parameters
    ----------
    scores : pandas.DataFrame
        Any table with a ``key`` column and a numeric ``value`` column, for example the
        goal scores of :func:`pra_lib.perception.scores` (``goal_id``, ``mean``) or the
        compound risk of :func:`pra_lib.risk.compound_risk` (``hazard_id``, ``compound``).
        Suppressed values become NaN.
    key : str
        ``"goal_id"`` or ``"hazard_id"``.
    value : str
        The score column.
    invert_from : float or None
        For a performance score, where higher is *better*, need is
        ``invert_from - value`` (``5 - mean`` on the 1-5 scale: perception weakness).
        Pass ``None`` when the score already grows with need (a risk score).

    Returns
    -------
    pandas.DataFrame
        ``key`` and ``need``, one row per key.

    Examples
    --------
    >>> need_from_scores(pd.DataFrame({"goal_id": ["G01", "G02"], "mean": [2.5, 4.0]}))
      goal_id  need
    0     G01   2.5
    1     G02   1.0
    """
    for col in (key, value):
        if col not in scores:
            raise ValueError(f"need_from_scores: column {col!r} not in scores (columns: {', '.join(map(str, scores.columns))})")
    values = _num(scores[value])
    need = values if invert_from is None else float(invert_from) - values
    out = pd.DataFrame({key: _ids(scores[key]).to_numpy(), "need": need.to_numpy()})
    if out[key].duplicated().any():
        raise ValueError(f"need_from_scores: {key} values repeat; pass one row per {key} (filter out group rows first)")
    return out


def _minmax(values: pd.Series, *, constant: float) -> pd.Series:
    lo, hi = values.min(), values.max()
    if pd.isna(lo):
        return values
    if hi == lo:
        return values.where(values.isna(), constant)
    return (values - lo) / (hi - lo)


def gaps(coverage: pd.DataFrame, *, need: pd.DataFrame, need_column: str = "need", coverage_column: str = "n_actions", k: int | None = 3) -> pd.DataFrame:
    """Goals or hazards with high need but few actions: the gaps of the actions inventory.

    Parameters
    ----------
    coverage : pandas.DataFrame
        Output of :func:`coverage` (by goal or by hazard).
    need : pandas.DataFrame
        Keyed by ``goal_id`` (or ``hazard_id``, matching ``coverage``), with a need score in
        ``need_column`` where higher means more need: perception weakness (``5 - mean``
        performance, see :func:`need_from_scores`), a hazard's (compound) risk, or a count
        of weaknesses named in interviews. The caller computes it. Goals missing from
        ``need`` (or with NaN need) get no gap score.
    need_column : str
        The need column of ``need``.
    coverage_column : str
        The coverage measure of ``coverage``: ``"n_actions"`` (default) or, for example,
        ``"budget_known_idr"`` or ``"n_owner_agencies"``.
    k : int or None
        Flag the ``k`` highest positive gap scores as gaps (ties at the k-th score are all
        flagged); ``None`` flags every positive score.

    Returns
    -------
    pandas.DataFrame
        The key and label columns, ``coverage`` (the coverage measure), ``need``,
        ``need_norm`` (min-max over the keys with a need), ``coverage_norm`` (coverage over
        the best coverage), ``gap_score = need_norm - coverage_norm`` (from -1 to +1),
        ``gap_rank`` (1 = largest gap) and ``is_gap``, sorted by gap score (largest first;
        keys without need last).

        When every key has the same need, ``need_norm`` is 1 for all (a warning says the
        scores then rank by coverage alone); when no key has any coverage,
        ``coverage_norm`` is 0 for all (the scores rank by need alone).

    Examples
    --------
    >>> cov = pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "goal": ["a", "b", "c"],
    ...                     "n_actions": [10, 0, 5]})
    >>> need = pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "need": [1.0, 2.0, 3.0]})
    >>> gaps(cov, need=need, k=1)[["goal_id", "gap_score", "is_gap"]]
      goal_id  gap_score  is_gap
    0     G02        0.5    True
    1     G03        0.5    True
    2     G01       -1.0   False
    """
    key = "goal_id" if "goal_id" in coverage else "hazard_id" if "hazard_id" in coverage else None
    if key is None:
        raise ValueError("gaps: coverage must have a goal_id or hazard_id column (the output of actions.coverage)")
    if coverage_column not in coverage:
        raise ValueError(f"gaps: coverage column {coverage_column!r} not in coverage (columns: {', '.join(map(str, coverage.columns))})")
    if not isinstance(need, pd.DataFrame):
        raise ValueError(f"gaps: need must be a DataFrame keyed by {key}, got {type(need).__name__}")
    if key not in need and need.index.name == key:
        need = need.reset_index()
    for col in (key, need_column):
        if col not in need:
            raise ValueError(f"gaps: need must have columns {key!r} and {need_column!r} (columns: {', '.join(map(str, need.columns))})")
    if k is not None and (int(k) != k or k < 1):
        raise ValueError(f"gaps: k must be a positive integer or None, not {k!r}")
    need_values = pd.DataFrame({key: _ids(need[key]), "need": _num(need[need_column])}).dropna(subset=[key])
    if need_values[key].duplicated().any():
        raise ValueError(f"gaps: need has more than one row for {', '.join(sorted(need_values.loc[need_values[key].duplicated(), key].unique()))}")
    label = "goal" if key == "goal_id" else "hazard"
    cols = [c for c in (key, label, "hazard_type") if c in coverage]
    out = coverage[cols].copy()
    out["coverage"] = _num(coverage[coverage_column]).fillna(0.0).to_numpy()
    out = out.merge(need_values, on=key, how="left")
    has_need = out["need"].notna()
    if not has_need.any():
        _warn("gaps: no goal or hazard has a need score; no gap can be scored")
    elif (~has_need).any():
        _warn(f"gaps: no need score for {', '.join(out.loc[~has_need, key])}; they get no gap score")
    scored = out.loc[has_need, "need"]
    if has_need.sum() > 1 and scored.nunique() == 1:
        _warn("gaps: every goal or hazard has the same need; the gap score ranks by coverage alone")
    out["need_norm"] = _minmax(out["need"].where(has_need), constant=1.0)
    top = out["coverage"].max()
    out["coverage_norm"] = out["coverage"] / top if top > 0 else 0.0
    out["gap_score"] = (out["need_norm"] - out["coverage_norm"]).where(has_need)
    out["gap_rank"] = out["gap_score"].rank(ascending=False, method="min").astype("Int64")
    positive = out["gap_score"] > 0
    if k is None:
        out["is_gap"] = positive.fillna(False).astype(bool)
    else:
        out["is_gap"] = (positive & (out["gap_rank"] <= k)).fillna(False).astype(bool)
    order = out["gap_score"].fillna(-np.inf)
    out = out.iloc[np.lexsort((np.arange(len(out)), -order.to_numpy()))].reset_index(drop=True)
    return out[cols + ["coverage", "need", "need_norm", "coverage_norm", "gap_score", "gap_rank", "is_gap"]]


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------


def _name(row: pd.Series) -> str:
    if "goal_id" in row:
        return f"{row['goal_id']} *{row['goal']}*"
    return f"{row['hazard_id']} *{row['hazard']}*"


def _idr(value: float) -> str:
    if pd.isna(value):
        return t("actions.idr.unknown")
    if value >= 1e12:
        return t("actions.idr.trillion", value=f"{value / 1e12:,.1f}")
    return t("actions.idr.billion", value=f"{value / BILLION:,.0f}")


def findings_actions(goal_coverage: pd.DataFrame, hazard_coverage: pd.DataFrame | None = None, *, goal_gaps: pd.DataFrame | None = None, hazard_gaps: pd.DataFrame | None = None, data=None) -> str:
    """Markdown findings of the actions inventory, computed from the coverage tables.

    Parameters
    ----------
    goal_coverage : pandas.DataFrame
        :func:`coverage` by goal.
    hazard_coverage : pandas.DataFrame, optional
        :func:`coverage` by hazard.
    goal_gaps, hazard_gaps : pandas.DataFrame, optional
        :func:`gaps` results; their flagged gaps are named.
    data : Assessment, optional
        When given, the inventory size and known total budget are stated exactly
        (an action counts once, however many goals it addresses).

    Returns
    -------
    str

    Examples
    --------
    >>> Markdown(findings_actions(coverage(a), coverage(a, by="hazard")))  # doctest: +SKIP
    """
    lines = []
    if data is not None:
        acts = _table(data, "actions")
        budgets = _num(acts["budget_idr"])
        n = int(_ids(acts["action_id"]).dropna().nunique())
        if n == 0:
            return t("actions.find.no_inventory")
        lines.append(t("actions.find.inventory", n=n, n_budget=int(budgets.notna().sum()), share_budget=f"{budgets.notna().mean():.0%}",
                       total=_idr(budgets.sum(min_count=1))))
    g = goal_coverage.copy()
    if int(g["n_actions"].sum()) == 0:
        lines.append(t("actions.find.no_goal_links"))
        return "\n\n".join(lines)
    g = g.sort_values(["n_actions", "goal_id"], ascending=[False, True], kind="stable")
    best = g.head(3)
    lines.append(t("actions.find.best_goals", items="; ".join(t("actions.find.item_actions", name=_name(r), n=r["n_actions"]) for _, r in best.iterrows())))
    least = g.sort_values(["n_actions", "goal_id"], kind="stable").head(3)
    lines.append(t("actions.find.least_goals", items="; ".join(f"{_name(r)} ({r['n_actions']})" for _, r in least.iterrows())))
    if hazard_coverage is not None and len(hazard_coverage):
        h = hazard_coverage.sort_values(["n_actions", "hazard_id"], ascending=[False, True], kind="stable")
        top = h.iloc[0]
        none = h.loc[h["n_actions"] == 0]
        text = t("actions.find.best_hazard", name=_name(top), n=top["n_actions"])
        if len(none):
            text += " " + t("actions.find.no_action_hazards", n=len(none), total=len(h), names=", ".join(none["hazard"]))
        lines.append(text)
    for table, what in ((goal_gaps, "goals"), (hazard_gaps, "hazards")):
        if table is None:
            continue
        flagged = table.loc[table["is_gap"]]
        if flagged.empty:
            lines.append(t(f"actions.find.no_gaps.{what}"))
        else:
            items = "; ".join(t("actions.find.gap_item", name=_name(r), n=int(r["coverage"]), gap=f"{r['gap_score']:+.2f}") for _, r in flagged.iterrows())
            lines.append(t(f"actions.find.gaps.{what}", items=items))
    lines.append(t("actions.find.caveat"))
    return "\n\n".join(lines)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def _row_labels(table: pd.DataFrame, width: int = 38) -> list[str]:
    from .publishing.plots import _wrap

    if "goal_id" in table:
        return [_wrap(f"{g} {n}", width) for g, n in zip(table["goal_id"], table["goal"])]
    return [_wrap(f"{h} {n}", width) for h, n in zip(table["hazard_id"], table["hazard"])]


def _n_inventory(table: pd.DataFrame) -> int | None:
    if "n_inventory" in table.attrs:
        return int(table.attrs["n_inventory"])
    share = _num(table.get("share_of_inventory", pd.Series(dtype=float)))
    n = _num(table["n_actions"])
    ok = share > 0
    return int(round(float((n[ok] / share[ok]).iloc[0]))) if ok.any() else None


def coverage_bars(coverage: pd.DataFrame, *, title: str | None = None):
    """Actions per goal (or hazard) by status, beside the known budget.

    Parameters
    ----------
    coverage : pandas.DataFrame
        Output of :func:`coverage`.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(coverage_bars(coverage(a)), "actions_by_goal")  # doctest: +SKIP
    """
    from .publishing.plots import _setup

    plt, _ = _setup()
    t = coverage.reset_index(drop=True)
    by_goal = "goal_id" in t
    labels = _row_labels(t)
    counts = pd.DataFrame({s: _num(t[f"n_{s}"]).fillna(0).to_numpy() for s in ("completed", "ongoing", "planned")})
    counts["not recorded"] = (_num(t["n_actions"]).fillna(0) - counts.sum(axis=1)).clip(lower=0).to_numpy()
    budget = _num(t["budget_known_idr"]) / BILLION
    share = _num(t["share_budget_known"])
    height = 0.42 * len(t) + 2.0
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, height), sharey=True, gridspec_kw={"width_ratios": [1.3, 1], "wspace": 0.05})
    y = np.arange(len(t))
    left = np.zeros(len(t))
    for status in counts.columns:
        if status == "not recorded" and not counts[status].any():
            continue
        ax.barh(y, counts[status], left=left, color=_STATUS_COLOURS[status], label=term(status, "status"), height=0.7)
        left += counts[status].to_numpy()
    for i, total in enumerate(left):
        ax.text(total + 0.3, i, f"{int(total)}", va="center", fontsize=8.5)
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlim(0, max(left.max(), 1) * 1.12)
    ax.set_xlabel(tr("actions.fig.coverage.xlabel"))
    ax.legend(title=tr("actions.fig.coverage.legend"), fontsize=8, title_fontsize=8.5, loc="lower right")
    bx.barh(y, budget.fillna(0), color="#4393c3", height=0.7)
    top = float(budget.max()) if budget.notna().any() and budget.max() > 0 else 1.0
    for i, (b, s, n) in enumerate(zip(budget, share, _num(t["n_actions"]))):
        if n == 0:
            text = tr("actions.fig.coverage.no_action")
        elif pd.isna(b):
            text = tr("actions.fig.coverage.budget_unknown")
        else:
            text = tr("actions.fig.coverage.budget", budget=f"{b:,.0f}", share=f"{s:.0%}")
        bx.text((0 if pd.isna(b) else b) + top * 0.01, i, text, va="center", fontsize=8)
    bx.set_xlim(0, top * 1.55)
    bx.set_xlabel(tr("actions.fig.coverage.budget_xlabel"))
    n_inv = _n_inventory(t)
    sub = tr("actions.fig.coverage.n_inventory", n=n_inv) if n_inv is not None else tr("actions.fig.coverage.inventory")
    what = "goals" if by_goal else "hazards"
    fig.suptitle(title or tr(f"actions.fig.coverage.title.{what}"), fontsize=13, fontweight="bold")
    fig.text(0.5, 1 - 0.62 / height, tr(f"actions.fig.coverage.subtitle.{what}", sub=sub),
             ha="center", fontsize=9, color="#333333")
    fig.subplots_adjust(top=1 - 0.9 / height, bottom=0.75 / height, left=0.26, right=0.98)
    return fig


def agency_heatmap(by_agency: pd.DataFrame, *, value: str = "n_actions", title: str | None = None):
    """Heatmap of actions per owner agency and goal (or hazard).

    Agencies that own no action are left out (the subtitle says how many).

    Parameters
    ----------
    by_agency : pandas.DataFrame
        Output of :func:`coverage_by_agency`.
    value : str
        ``"n_actions"`` (default) or another count column.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(agency_heatmap(coverage_by_agency(a)), "actions_by_agency")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap

    plt, sns = _setup()
    key = "goal_id" if "goal_id" in by_agency else "hazard_id"
    label = "goal" if key == "goal_id" else "hazard"
    t = by_agency.assign(_v=_num(by_agency[value]))
    grid = t.pivot_table(index="agency_id", columns=key, values="_v", aggfunc="sum", sort=False)
    grid = grid.reindex(index=pd.unique(t["agency_id"]), columns=pd.unique(t[key]))
    active = grid.fillna(0).sum(axis=1) > 0
    idle = int((~active).sum())
    grid = grid.loc[active]
    names = dict(zip(t["agency_id"], t["agency"]))
    col_names = dict(zip(t[key], t[label]))
    if grid.empty:
        fig, ax = plt.subplots(figsize=(8, 2.5))
        ax.set_axis_off()
        ax.text(0.5, 0.5, tr("actions.fig.agency.empty"), ha="center", va="center")
        return fig
    fig, ax = plt.subplots(figsize=(0.62 * grid.shape[1] + 4.5, 0.42 * grid.shape[0] + 3.6))
    shown = grid.where(grid > 0)
    sns.heatmap(shown, annot=True, fmt=".0f", cmap="Greens", linewidths=0.5, linecolor="#eeeeee", cbar_kws={"label": tr("actions.fig.agency.cbar"), "shrink": 0.7}, ax=ax, vmin=0)
    ax.set_yticks(np.arange(grid.shape[0]) + 0.5, [names.get(a, a) for a in grid.index], rotation=0, fontsize=9)
    ax.set_xticks(np.arange(grid.shape[1]) + 0.5, [_wrap(f"{c} {col_names.get(c, c)}", 20) for c in grid.columns], rotation=90, fontsize=8)
    what = "goals" if key == "goal_id" else "hazards"
    n_actions = int(t.loc[t["agency_id"].isin(grid.index), "_v"].sum()) if value == "n_actions" else None
    ax.grid(False)
    ax.set(xlabel="", ylabel=tr("actions.fig.agency.ylabel"))
    sub = tr("actions.fig.agency.owners", n=grid.shape[0]) + (tr("actions.fig.agency.idle", n=idle) if idle else "") + tr("actions.fig.agency.blank")
    if n_actions is not None:
        sub += tr(f"actions.fig.agency.links.{what}", n=n_actions)
    ax.set_title(sub, fontsize=9)
    fig.suptitle(title or tr(f"actions.fig.agency.title.{what}"), fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def need_coverage_scatter(gap_table: pd.DataFrame, *, need_label: str | None = None, title: str | None = None):
    """Need against coverage, with the flagged gaps highlighted and named.

    Parameters
    ----------
    gap_table : pandas.DataFrame
        Output of :func:`gaps`.
    need_label : str, optional
        What the need is, for the y axis (for example ``"Weakness: 5 - mean performance"``);
        by default "Need (higher = more need)" in the report language.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(need_coverage_scatter(gaps(cov, need=need)), "gaps")  # doctest: +SKIP
    """
    from .publishing.plots import _setup, _wrap

    plt, _ = _setup()
    key = "goal_id" if "goal_id" in gap_table else "hazard_id"
    label = "goal" if key == "goal_id" else "hazard"
    t = gap_table.dropna(subset=["need"]).reset_index(drop=True)
    fig, (ax, side) = plt.subplots(1, 2, figsize=(12, 6.5), gridspec_kw={"width_ratios": [2.2, 1], "wspace": 0.03})
    side.set_axis_off()
    if t.empty:
        ax.set_axis_off()
        ax.text(0.5, 0.5, tr("actions.fig.gaps.empty"), ha="center", va="center")
        return fig
    gap = t["is_gap"].astype(bool)
    what = "goals" if key == "goal_id" else "hazards"
    ax.scatter(t.loc[~gap, "coverage"], t.loc[~gap, "need"], s=55, color="#666666", label=tr(f"actions.fig.gaps.point.{what}"), zorder=3)
    ax.scatter(t.loc[gap, "coverage"], t.loc[gap, "need"], s=80, color="#b2182b", label=tr("actions.fig.gaps.gap"), zorder=4)
    for _, r in t.iterrows():
        ax.annotate(r[key], (r["coverage"], r["need"]), xytext=(5, 4), textcoords="offset points", fontsize=9,
                    fontweight="bold" if r["is_gap"] else "normal", color="#b2182b" if r["is_gap"] else "#222222")
    # Equal-gap line through the normalised scales: points above it have more need than coverage.
    lo, hi = t["need"].min(), t["need"].max()
    top = t["coverage"].max()
    if hi > lo and top > 0:
        xs = np.linspace(0, top, 50)
        ax.plot(xs, lo + (hi - lo) * xs / top, ls="--", color="#999999", lw=1, label=tr("actions.fig.gaps.line"))
    ax.set_xlabel(tr("actions.fig.gaps.xlabel"))
    ax.set_ylabel(need_label or tr("actions.fig.gaps.ylabel"))
    ax.legend(fontsize=8.5, loc="lower right")
    ax.set_title(tr(f"actions.fig.gaps.subtitle.{what}", n=len(t)), fontsize=9)
    yy = 0.98
    side.text(0.02, yy, tr("actions.fig.gaps.side"), fontsize=10, fontweight="bold", va="top", transform=side.transAxes)
    yy -= 0.06
    for _, r in t.head(12).iterrows():
        colour = "#b2182b" if r["is_gap"] else "#222222"
        text = _wrap(f"{r[key]} {r[label]}", 34)
        side.text(0.02, yy, f"{r['gap_score']:+.2f}", fontsize=9, va="top", color=colour, transform=side.transAxes, fontweight="bold" if r["is_gap"] else "normal")
        side.text(0.2, yy, text, fontsize=8.5, va="top", color=colour, transform=side.transAxes)
        yy -= 0.035 * (text.count("\n") + 1) + 0.025
    fig.suptitle(title or tr(f"actions.fig.gaps.title.{what}"), fontsize=13, fontweight="bold")
    fig.subplots_adjust(top=0.88, left=0.07, right=0.99, bottom=0.09)
    return fig
