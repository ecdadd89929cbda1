"""Differences between groups of respondents, per goal or dimension.

:func:`group_differences` (Kruskal-Wallis H with effect sizes, p adjusted across goals),
:func:`posthoc` (Dunn's pairwise z-tests) and :func:`mode_effect` (online against offline
answers, Mann-Whitney U with the rank-biserial correlation); :func:`report_tests` runs
the three and adjusts every p-value the report shows together (Holm by default).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import stats
from .scoring import likert_counts
from ..publishing.i18n import cell_label
from ..publishing.score_disclosure import POOLED_GROUP, mark_pooled
from ..stats._base import NoDataWarning
from ..stats.inference import FAMILY_METHOD
from ..stats.ratings import _ByUnit
from ._common import _P_ADJUST_NAME, _UNIT, _check_level, _check_p_adjust, _labels_for, _respondent_level, _round, _unit_table, _warn


def _without_degenerate_warning(test: Callable, *args, unit: str = "", **kwargs):
    """Run a test; its warning that every answer was identical becomes a :class:`NoDataWarning`.

    The reports leave no-data warnings out: a warning in a published report that all the
    answers to a goal were identical would tell every respondent's answer to it, which the
    score tables withhold (a goal everyone answered alike keeps its n only).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = test(*args, **kwargs)
    for w in caught:
        degenerate = issubclass(w.category, RuntimeWarning) and "identical" in str(w.message)
        category = NoDataWarning if degenerate else w.category
        warnings.warn(category(f"{unit}: {w.message}" if unit and degenerate else str(w.message)), stacklevel=3)
    return result


def _method_text(test: str, adjust: str, scope: str, m: int | str = "") -> str:
    """A test table's ``method`` cell in the report language: the test, its formulas, how p is adjusted.

    ``test`` names the table (``group_differences``, ``group_pairs``, ``mode_effect``);
    ``scope`` the family its p-values were adjusted across: ``goal`` or ``dimension`` (the
    ``m`` units tested), ``pairs`` (the ``m`` pairs of the table), ``pairs_goal`` or
    ``pairs_dimension`` (within each unit's pairs), ``report`` (the ``m`` tests of the report).
    """
    p = cell_label(f"perception.method.p.{scope}", m=m, adjustment=cell_label(f"perception.adjust.{adjust}"))
    return cell_label(f"perception.method.{test}", p=p)


def _describe(out: pd.DataFrame, test: str, adjust: str, scope: str, m: int | str = "") -> pd.DataFrame:
    """Write ``out``'s ``method`` cells, and the texts :func:`pra_lib.stats.adjust_family` gives them in a report's family.

    The statistics core writes no words: the texts for each adjustment method, with
    ``{family_size}`` for the number of tests adjusted together, travel with the table in
    ``attrs`` (:data:`pra_lib.stats.inference.FAMILY_METHOD`), in the report language of the
    moment the table is made, through the withholding steps to the adjustment.
    """
    out["method"] = _method_text(test, adjust, scope, m)
    out.attrs[FAMILY_METHOD] = {name: _method_text(test, name, "report", "{family_size}") for name in _P_ADJUST_NAME}
    return out


def group_differences(data: pd.DataFrame, *, between: str = "stakeholder_group", p_adjust: str = "holm", level: str = "goal", alpha: float = 0.05) -> pd.DataFrame:
    """Kruskal-Wallis test per goal: do the groups rate the goal differently?

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect.
    between : str
        The grouping column (``"stakeholder_group"``, ``"channel"``, ``"area"``,
        ``"workshop_table"``).
    p_adjust : {"holm", "bh", "fdr_bh", "bonferroni", "none"}
        Adjustment of the p-values across the goals (or dimensions) tested:
        Holm's step-down (family-wise error) or Benjamini-Hochberg (false
        discovery rate, ``"bh"``).
    level : {"goal", "dimension"}
        Test per goal, or per dimension on each respondent's mean (see :func:`scores`).
    alpha : float
        Level of the ``significant`` column (on the adjusted p-value).

    Returns
    -------
    pandas.DataFrame
        Per goal: ``between`` (the column tested), ``h`` (tie-corrected),
        ``dof``, ``pvalue``, ``pvalue_adj``, ``p_adjust``, ``significant``,
        ``epsilon_sq`` (``H / (n - 1)``), ``eta_sq_h`` (``(H - k + 1) / (n - k)``),
        ``n`` (respondents with a rating), ``k`` (groups), ``pooled_group`` (the name of
        the group that pools the categories the run hides, where it is among the groups
        compared; only when ``data`` has it, see
        :func:`pra_lib.publishing.score_disclosure.pool_hidden`) and ``method``.  A goal
        with fewer than two groups, or with identical ratings, gets NaN (with a
        warning) and does not count towards the adjustment.

    Examples
    --------
    >>> group_differences(q).query("significant")["goal_id"].tolist()  # doctest: +SKIP
    ['G01', 'G10']
    """
    method = _check_p_adjust(p_adjust)
    _check_level(level)
    unit = _UNIT[level]
    resp = _respondent_level(data, level, [between], "group_differences")
    units = _ByUnit(resp, between)
    group_codes = resp.codes(between)
    # the categories the run hides, pooled into one group (score_disclosure.pool_hidden): named in the table
    pooled_label = cell_label("disclosure.pooled_groups") if POOLED_GROUP in set(map(str, units.categories)) else ""
    one_group = np.unique(group_codes[~np.isnan(resp.rating) & (group_codes >= 0)]).size < 2
    if one_group:  # nothing to compare: one warning, not one per goal
        _warn(f"group_differences: the answers come from fewer than two {between} groups; there is nothing to compare", NoDataWarning)
    rows = []
    for uid in _unit_table(level)[unit]:
        sub = units.frame(uid)
        if one_group:
            rows.append({unit: uid, "h": np.nan, "dof": 0, "pvalue": np.nan, "epsilon_sq": np.nan, "eta_sq_h": np.nan,
                         "n": len(sub), "k": int(sub[between].nunique()) if len(sub) else 0})
            continue
        if sub.empty:
            _warn(f"group_differences: nobody rated {uid}; its test is NaN")
            rows.append({unit: uid, "h": np.nan, "dof": 0, "pvalue": np.nan, "epsilon_sq": np.nan, "eta_sq_h": np.nan, "n": 0, "k": 0})
            continue
        res = _without_degenerate_warning(stats.kruskal_wallis, sub, dv="rating", between=between, unit=str(uid))
        rows.append({unit: uid, "h": res.h, "dof": res.dof, "pvalue": res.pvalue, "epsilon_sq": res.epsilon_sq, "eta_sq_h": res.eta_sq_h, "n": res.n, "k": res.k,
                     "pooled_group": pooled_label if pooled_label and (sub[between].astype(str) == POOLED_GROUP).any() else ""})
    out = _unit_table(level).merge(pd.DataFrame(rows), on=unit, how="left")
    out.insert(len(_unit_table(level).columns), "between", between)
    out["pvalue_adj"] = stats.p_adjust(out["pvalue"].to_numpy(dtype=float), method=method)
    out["p_adjust"] = method
    out["significant"] = out["pvalue_adj"] < alpha
    m = int(out["pvalue"].notna().sum())
    out["method"] = ""
    columns = [*_unit_table(level).columns, "between", "h", "dof", "pvalue", "pvalue_adj", "p_adjust", "significant", "epsilon_sq", "eta_sq_h", "n", "k",
               *(["pooled_group"] if pooled_label else []), "method"]
    out["pooled_group"] = out["pooled_group"].fillna("") if "pooled_group" in out else ""
    out[["dof", "n", "k"]] = out[["dof", "n", "k"]].astype(int)
    return _describe(_round(out[columns]), "group_differences", method, level, m)


def posthoc(data: pd.DataFrame, *, between: str = "stakeholder_group", p_adjust: str = "holm", family: str = "table", level: str = "goal", significant_only: bool = False, alpha: float = 0.05, units: Sequence[str] | None = None) -> pd.DataFrame:
    """Dunn's pairwise tests per goal, after :func:`group_differences`.

    By default the p-values are adjusted (Holm) across every pair of every goal in the
    table, so that the chance of at least one false "significant" pair in the table stays
    at ``alpha``. Adjusting only within each goal lets that chance grow with the number
    of goals (37% for 12 goals x 4 groups with no true difference).

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect.
    between : str
        The grouping column.
    p_adjust : {"holm", "bh", "fdr_bh", "bonferroni", "none"}, default "holm"
        Adjustment of the p-values; ``"none"`` gives the raw p-values (on request
        only: ``significant`` then ignores multiplicity).
    family : {"table", "unit"}, default "table"
        Adjust across every test in the table (every pair of every goal tested), or,
        on request, within the pairs of each goal only.
    level : {"goal", "dimension"}
        As in :func:`group_differences`.
    significant_only : bool
        Test only the goals whose Kruskal-Wallis test is significant after
        adjustment across goals (same ``p_adjust`` and ``alpha``); the family is then
        the pairs of those goals.
    alpha : float
        Level of ``significant``.
    units : sequence of str, optional
        Test only these goals (or dimensions), e.g. those a report-wide gate passed
        (:func:`report_tests`); ignored with ``significant_only``.

    Returns
    -------
    pandas.DataFrame
        Per goal and pair: ``group_a``, ``group_b`` (with ``label_a`` / ``label_b``
        for stakeholder groups), ``mean_a``, ``mean_b``, ``z`` (positive: group a
        has the higher mean rank), ``pvalue``, ``pvalue_adj``, ``p_adjust``,
        ``significant``, ``n_a``, ``n_b``, ``n`` (the smaller of the two, for
        suppression) and ``method``.

    Examples
    --------
    >>> posthoc(q, significant_only=True)  # doctest: +SKIP
    """
    method = _check_p_adjust(p_adjust)
    if family not in ("table", "unit"):
        raise ValueError(f"posthoc: family must be 'table' or 'unit', not {family!r}")
    _check_level(level)
    unit = _UNIT[level]
    resp = _respondent_level(data, level, [between], "posthoc")
    by_unit = _ByUnit(resp, between)
    units = list(_unit_table(level)[unit]) if units is None else [u for u in _unit_table(level)[unit] if u in set(units)]
    if significant_only:
        kw = group_differences(data, between=between, p_adjust=p_adjust, level=level, alpha=alpha)
        units = list(kw.loc[kw["significant"], unit])
    parts = []
    for uid in units:
        sub = by_unit.frame(uid)
        if sub[between].nunique() < 2:
            continue
        d = stats.dunn(sub, dv="rating", between=between, p_adjust=method if family == "unit" else "none")
        size = sub.groupby(between, observed=True)["rating"].agg(["size", "mean"])
        size.index = pd.Index(size.index.to_numpy())
        d.insert(0, unit, uid)
        d["n_a"] = d["group_a"].map(size["size"]).astype(int)
        d["n_b"] = d["group_b"].map(size["size"]).astype(int)
        d["mean_a"] = d["group_a"].map(size["mean"])
        d["mean_b"] = d["group_b"].map(size["mean"])
        parts.append(d)
    cols = [unit, "group_a", "group_b", "z", "pvalue", "pvalue_adj", "p_adjust", "n_a", "n_b", "mean_a", "mean_b"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    out = _unit_table(level).merge(out, on=unit, how="inner")
    out["n"] = out[["n_a", "n_b"]].min(axis=1).astype(int) if len(out) else pd.Series(dtype=int)
    if family == "table":
        out["pvalue_adj"] = stats.p_adjust(out["pvalue"].to_numpy(dtype=float), method=method) if len(out) else out["pvalue"]
        out["p_adjust"] = method
        m = int(out["pvalue"].notna().sum())
        scope = "pairs"
    else:
        m, scope = "", f"pairs_{level}"
    out["significant"] = out["pvalue_adj"].astype(float) < alpha
    out["method"] = ""
    labels = _labels_for(data, [between])
    columns = [*_unit_table(level).columns, "group_a", "group_b", "mean_a", "mean_b", "z", "pvalue", "pvalue_adj", "p_adjust", "significant", "n_a", "n_b", "n", "method"]
    out = out[columns]
    if between in labels:
        mapping = labels[between][1]
        out.insert(out.columns.get_loc("group_b") + 1, "label_b", out["group_b"].map(mapping))
        out.insert(out.columns.get_loc("group_a") + 1, "label_a", out["group_a"].map(mapping))
    return _describe(_round(out.reset_index(drop=True)), "group_pairs", method, scope, m)


def mode_effect(data: pd.DataFrame, *, p_adjust: str = "holm", level: str = "goal", alpha: float = 0.05) -> pd.DataFrame:
    """Online against offline (paper) answers, per goal: is there a mode effect?

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect, holding the ``channel`` column.
    p_adjust : {"holm", "bh", "fdr_bh", "bonferroni", "none"}
        Adjustment of the p-values across goals.
    level : {"goal", "dimension"}
        As in :func:`group_differences`.
    alpha : float
        Level of ``significant``.

    Returns
    -------
    pandas.DataFrame
        Per goal: ``n_online``, ``n_offline``, ``n`` (the smaller of the two, for
        suppression), ``mean_online``, ``mean_offline``, ``mean_difference``
        (online minus offline), ``u`` (Mann-Whitney U of the online sample),
        ``rank_biserial`` (positive: online answers tend to be higher), ``pvalue``,
        ``pvalue_adj``, ``p_adjust``, ``significant`` and ``method``.

    Notes
    -----
    The comparison is not adjusted for the make-up of the two channels (e.g. more
    community respondents on paper); read a mode effect together with the group
    differences.

    Examples
    --------
    >>> mode_effect(q).query("significant")["goal_id"].tolist()  # doctest: +SKIP
    ['G09']
    """
    method = _check_p_adjust(p_adjust)
    _check_level(level)
    unit = _UNIT[level]
    resp = _respondent_level(data, level, ["channel"], "mode_effect")
    units = _ByUnit(resp, "channel")
    online, offline = units.categories.get_indexer(["online", "offline"])
    rows = []
    for uid in _unit_table(level)[unit]:
        rating, channel = units.part(uid)
        x = rating[channel == online] if online >= 0 else rating[:0]
        y = rating[channel == offline] if offline >= 0 else rating[:0]
        res = _without_degenerate_warning(stats.mann_whitney, x, y, unit=str(uid))
        rows.append(
            {
                unit: uid, "n_online": res.n_x, "n_offline": res.n_y,
                "mean_online": x.mean() if x.size else np.nan, "mean_offline": y.mean() if y.size else np.nan,
                "u": res.u, "rank_biserial": res.rank_biserial, "pvalue": res.pvalue,
            }
        )
    out = _unit_table(level).merge(pd.DataFrame(rows), on=unit, how="left")
    out["n"] = out[["n_online", "n_offline"]].min(axis=1).astype(int)
    out["mean_difference"] = out["mean_online"] - out["mean_offline"]
    out["pvalue_adj"] = stats.p_adjust(out["pvalue"].to_numpy(dtype=float), method=method)
    out["p_adjust"] = method
    out["significant"] = out["pvalue_adj"] < alpha
    m = int(out["pvalue"].notna().sum())
    out["method"] = ""
    columns = [*_unit_table(level).columns, "n_online", "n_offline", "n", "mean_online", "mean_offline", "mean_difference", "u", "rank_biserial", "pvalue", "pvalue_adj", "p_adjust", "significant", "method"]
    return _describe(_round(out[columns]), "mode_effect", method, level, m)


def report_tests(
    data: pd.DataFrame,
    *,
    between: str = "stakeholder_group",
    p_adjust: str = "holm",
    level: str = "goal",
    alpha: float = 0.05,
    hidden: Mapping[str, Sequence[str]] | None = None,
    withheld: Mapping[str, pd.DataFrame] | None = None,
    published: Sequence[pd.DataFrame] = (),
    min_cell_size: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Every test the questionnaire report publishes, withheld where needed, then adjusted as one family.

    The report's family is the report: the Kruskal-Wallis test per goal (Kruskal & Wallis
    1952), the pairwise Dunn tests and the online/offline comparison per goal share one
    adjustment, so the chance of any false "significant" in the report stays at
    ``alpha``. Pairs are tested for the goals whose Kruskal-Wallis test passes the
    adjustment across the published goal-level tests (group and mode); the pairs' p-values
    then join the family, which adjusts every published p-value once more.

    Disclosure comes first: the categories of ``between`` the run's plan hides, and in
    each goal the groups whose cell of it a ``published`` table hides, are pooled into one
    group (:func:`pool_hidden_cells`), a test that
    involves a group withheld for answering alike is withheld
    (:func:`~pra_lib.publishing.score_disclosure.withhold_tests`), and only then are the
    p-values adjusted, over the published tests
    (:func:`~pra_lib.publishing.score_disclosure.adjust_published`): adjusted over every
    test, Holm's step-down (Holm 1979) would carry a withheld test's p into a published
    adjusted p. Withholding depends on group sizes and answer patterns, never on a p-value,
    so the published tests are a family fixed in advance and Holm's bound holds for it.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`ratings_frame` for one aspect; the mode comparison is made when
        it holds a ``channel`` column.
    between : str
        The grouping column.
    p_adjust : {"holm", "bh", "fdr_bh", "bonferroni", "none"}, default "holm"
        Adjustment across the report; ``"none"`` gives raw p-values (on request only).
    level : {"goal", "dimension"}
        As in :func:`group_differences`.
    alpha : float
        Level of ``significant``.
    hidden : mapping, optional
        The categories the run's plan hides, by breakdown
        (``{"stakeholder_group": report.plan.hidden("stakeholder_group", activity_id),
        "channel": report.plan.hidden("channel", activity_id)}``): those of ``between``
        are pooled; with a channel hidden, the mode effect (which compares the channels)
        is withheld with its raters by channel (``n_online``, ``n_offline`` and ``n``
        missing, ``test_withheld`` true).
    withheld : mapping, optional
        The decisions of :func:`~pra_lib.publishing.score_disclosure.withheld_groups`, by
        breakdown (``{"stakeholder_group": ..., "area": ...}``): the one of ``between``
        withholds the goal tests and the pairs that involve a withheld group (and a pair's
        mean of it), except a group of ``hidden``, which is compared pooled (its answers
        are then the goal's less the published groups'); each withholds the mode effect of
        the goals it withholds a cell of
        (:func:`~pra_lib.publishing.score_disclosure.withhold_mode_effect`).
    published : sequence of DataFrame
        The group tables as published (scores and answers by group): in each goal, every
        group whose cell of it they hide or whose answers they withhold is pooled with the
        plan's hidden groups (:func:`pool_hidden_cells`); a pair is withheld,
        with its means, where they hide one of its groups' cells, and a pair of the pooled
        group where they hide or withhold the goal's cell of any group ``hidden`` does not
        name (:func:`pairs_of_hidden_groups`).
    min_cell_size : int, optional
        The run's threshold: the channels' own decision (a channel that answered a goal
        alike has its mean withheld, and the goal's test). Without it no channel is judged.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"group_differences"`` (:func:`group_differences`), ``"group_pairs"``
        (:func:`posthoc`) and, with a ``channel`` column, ``"mode_effect"``
        (:func:`mode_effect`), each with ``pvalue`` (raw), ``pvalue_adj`` (adjusted
        across the published tests of the report), ``p_adjust``, ``family_size``,
        ``significant`` and, with any disclosure option, ``test_withheld``.

    Examples
    --------
    >>> tests = report_tests(q, hidden={"stakeholder_group": ["private"]})  # doctest: +SKIP
    >>> tests["mode_effect"].query("significant")["goal_id"].tolist()  # doctest: +SKIP
    ['G09']
    """
    from ..publishing import score_disclosure as sd

    method = _check_p_adjust(p_adjust)
    _check_level(level)
    unit = _UNIT[level]
    hidden = {k: list(v or ()) for k, v in (hidden or {}).items()}
    withheld = dict(withheld or {})
    unknown = sorted(set(withheld) - {between, "area", "channel", "workshop_table"} - set(data.columns))
    if unknown:
        raise ValueError(f"report_tests: withheld decisions for {unknown}, which are no breakdown of the data")
    guarded = bool(hidden or withheld or published or min_cell_size is not None)
    # per goal, every group a published group table hides there, with the plan's hidden groups: apart, H pins them
    pooled = pool_hidden_cells(data, published=published, hidden=hidden.get(between, ()), between=between, unit=unit)
    groups = withheld.get(between)
    if groups is not None and hidden.get(between) and between in groups:
        # the tests compare the hidden groups pooled, whose answers are the goal's less the published groups': a hidden
        # group that answered alike withholds nothing more (a published group withheld to protect it still withholds its goal)
        groups = groups[~groups[between].astype(object).map(str).isin(set(map(str, hidden[between]))).to_numpy(dtype=bool)]

    def goal_tests() -> dict[str, pd.DataFrame]:
        out = {"group_differences": group_differences(pooled, between=between, p_adjust=method, level=level, alpha=alpha)}
        if groups is not None:
            out["group_differences"] = sd.withhold_tests(out["group_differences"], groups)
        if "channel" in data.columns:
            mode = mode_effect(data, p_adjust=method, level=level, alpha=alpha)
            if guarded:
                mode["test_withheld"] = False
            if min_cell_size is not None and level == "goal":
                channels = sd.withheld_groups(likert_counts(data, by="channel"), cells=[unit, "channel"], within=[unit], min_cell_size=min_cell_size)
                mode = sd.withhold_tests(sd.withhold_channel_means(mode, channels), channels)
            mode = sd.withhold_mode_effect(mode, *withheld.values())
            if hidden.get("channel"):  # the mode effect compares the channels: one of them is hidden, its raters with it
                mode = _withhold_rows(mode, np.ones(len(mode), dtype=bool), columns=(*sd.MODE_EFFECT_STATISTICS, *CHANNEL_COUNTS))
            out["mode_effect"] = mode
        return out

    primary = goal_tests()
    adjust = sd.adjust_published if guarded else stats.adjust_family
    gate = adjust(primary, method=method, alpha=alpha)["group_differences"]
    passed = gate.loc[gate["significant"].astype("boolean").fillna(False).to_numpy(dtype=bool), unit]
    pairs = posthoc(pooled, between=between, p_adjust=method, level=level, alpha=alpha, units=list(passed))
    if guarded:
        pairs["test_withheld"] = False
    if groups is not None:
        pairs = sd.withhold_tests(sd.withhold_named_groups(pairs, groups, group=between, named={"mean_a": "group_a", "mean_b": "group_b"}),
                                  groups, group=between, named=["group_a", "group_b"])
    if published and len(pairs):
        # a pair shows each group's raters (n_a, n_b): where a group table hides that cell, the pair is hidden, so it is no published
        # test; a pair of the pooled group too, unless every group the plan does not hide has the goal's cell published
        shown = pairs_of_hidden_groups(pairs, published=list(published), between=between, unit=unit, hidden=hidden.get(between))
        pairs = _withhold_rows(pairs, shown, columns=(*sd.TEST_STATISTICS, "mean_a", "mean_b"))
    tables = {"group_differences": primary["group_differences"], "group_pairs": pairs}
    if "mode_effect" in primary:
        tables["mode_effect"] = primary["mode_effect"]
    return adjust(tables, method=method, alpha=alpha)


#: The mode effect's counts of raters by channel: with a channel the plan hides, its raters of each goal.
CHANNEL_COUNTS = ("n_online", "n_offline", "n")


def _withhold_rows(data: pd.DataFrame, rows: np.ndarray, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``data`` with the test statistics of ``rows`` missing and ``test_withheld`` true there."""
    from ..publishing.score_disclosure import TEST_STATISTICS, _missing_where

    out = data.copy()
    before = out["test_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "test_withheld" in out else np.zeros(len(out), dtype=bool)
    out["test_withheld"] = before | rows
    if rows.any():
        for col in [c for c in (TEST_STATISTICS if columns is None else columns) if c in out]:
            out[col] = _missing_where(out[col], rows)
    return out


def pairs_of_hidden_groups(
    pairs: pd.DataFrame,
    *,
    published,
    between: str = "stakeholder_group",
    unit: str = "goal_id",
    named=("group_a", "group_b"),
    hidden: Sequence[str] | None = None,
) -> np.ndarray:
    """Which pairs of groups to hide because a published group table hides one of their groups' cells.

    A pair shows each of its groups' raters of the goal (``n_a``, ``n_b``) and mean
    (``mean_a``, ``mean_b``): wherever a table of the groups' scores or answers hides a
    group's cell of a goal, that count would give it back, so the pair is hidden with it.

    A pair naming the pooled group (:data:`~pra_lib.publishing.score_disclosure.POOLED_GROUP`,
    the categories the run's plan hides) has no row in any group table. Its raters and mean
    are the goal's less the published groups' only while every group the plan does not
    hide has that goal's cell published and its answers not withheld; with one of those
    cells hidden, the pooled count and mean subtracted from the goal's would give it back
    (with government's cell of a goal suppressed as primary, government's raters are the
    goal's less the other groups' less the pooled group's). Such a pair is hidden.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Dunn's pairs (``report_tests(...)["group_pairs"]``), with ``unit`` and the
        ``named`` group columns.
    published : DataFrame or sequence of DataFrame
        The group tables as published (:meth:`pra_lib.publishing.report.Report.table`),
        each with ``unit``, ``between`` and ``suppressed`` columns (and
        ``answers_withheld`` where answers are withheld,
        :func:`~pra_lib.publishing.score_disclosure.withhold_answers`).
    between : str
        The group column of the published tables.
    unit : str
        The goal (or dimension) column.
    named : tuple of str
        The columns of ``pairs`` naming its two groups.
    hidden : sequence of str, optional
        The categories of ``between`` the run's plan hides (pooled in ``pairs``), whose
        rows the tables hide by plan. Without it every group's row counts, so that a pair
        naming the pooled group is hidden wherever a table hides any row of the goal.

    Returns
    -------
    numpy.ndarray of bool
        One per pair: pass it as ``hidden_with``.

    Examples
    --------
    >>> scores = pd.DataFrame({"goal_id": ["G01", "G01"], "stakeholder_group": ["academia", "government"], "n": [None, 9], "suppressed": [True, False]})
    >>> pairs = pd.DataFrame({"goal_id": ["G01", "G02"], "group_a": ["academia", "academia"], "group_b": ["government", "government"]})
    >>> pairs_of_hidden_groups(pairs, published=[scores]).tolist()
    [True, False]

    Community is hidden by the plan and pooled; government's G01 cell is suppressed, so
    the pooled group's G01 pair would give it back, while its G02 pair stays:

    >>> scores = pd.DataFrame({"goal_id": ["G01"] * 3 + ["G02"] * 3, "stakeholder_group": ["academia", "government", "community"] * 2,
    ...                        "n": [12, None, None, 12, 9, None], "suppressed": [False, True, True, False, False, True]})
    >>> pairs = pd.DataFrame({"goal_id": ["G01", "G02"], "group_a": ["(hidden groups)"] * 2, "group_b": ["academia"] * 2})
    >>> pairs_of_hidden_groups(pairs, published=[scores], hidden=["community"]).tolist()
    [True, False]
    """
    from ..publishing.disclosure_linked import rows_of_hidden_lines

    tables = [published] if isinstance(published, pd.DataFrame) else list(published)
    on = [{unit: unit, group: between} for group in named]
    out = np.zeros(len(pairs), dtype=bool)
    for table in tables:
        out |= rows_of_hidden_lines(pairs, published=table, parts=table, dims=[unit, between], on=on)
    names = [c for c in named if c in pairs]
    if len(pairs) and names:
        pooled = np.zeros(len(pairs), dtype=bool)
        for col in names:
            pooled |= pairs[col].astype(object).map(lambda v: str(v) == POOLED_GROUP).to_numpy(dtype=bool)
        if pooled.any():
            closed = _units_not_all_published(tables, between=between, unit=unit, hidden=hidden)
            out |= pooled & pairs[unit].astype(object).map(str).isin(closed).to_numpy(dtype=bool)
    return out


def _units_not_all_published(tables: Sequence[pd.DataFrame], *, between: str, unit: str, hidden: Sequence[str] | None) -> set[str]:
    """The units (goals) where a table hides the cell, or withholds the answers, of a group the plan does not hide."""
    skip = {str(c) for c in (hidden or ())}
    return {u for u, group in _hidden_cells(tables, between=between, unit=unit) if group not in skip}


def _hidden_cells(tables: Sequence[pd.DataFrame], *, between: str, unit: str) -> set[tuple[str, str]]:
    """The (unit, group) cells that a published group table hides (``suppressed``) or whose answers it withholds."""
    cells: set[tuple[str, str]] = set()
    for table in tables:
        missing = [c for c in (unit, between, "suppressed") if c not in table]
        if missing:
            raise KeyError(f"published table: columns {missing} not in table (columns: {', '.join(map(str, table.columns))})")
        flag = np.zeros(len(table), dtype=bool)
        for col in [c for c in ("suppressed", "answers_withheld") if c in table]:
            flag |= table[col].astype(object).map(lambda v: str(v).strip().lower() in ("true", "1")).to_numpy(dtype=bool)
        rows = table.loc[flag]
        cells |= set(zip(rows[unit].astype(object).map(str), rows[between].astype(object).map(str)))
    return cells


def pool_hidden_cells(
    data: pd.DataFrame,
    *,
    published=(),
    hidden: Sequence[str] = (),
    between: str = "stakeholder_group",
    unit: str = "goal_id",
    label: str | None = "group_label",
) -> pd.DataFrame:
    """Pool, goal by goal, every group the report hides there, before the groups are compared.

    :func:`~pra_lib.publishing.score_disclosure.pool_hidden` pools the categories the run's
    plan hides. A report's group tables hide more: a group's cell of a goal suppressed as
    a small cell (primary) or to protect one (complementary), or its answers withheld for
    answering alike. A goal's Kruskal-Wallis H with such a group apart is a function of its
    answers: with the published groups' answers and the goal's total, enumerating the
    sizes and splits of the rest that reproduce H to six digits pinned academia's raters
    and ratings on 7 of 8 goals of 01 on the generated assessment of seed 29 (G05: 16
    raters, 2, 6, 7, 1 and 0 per scale point), and the sizes 9, 4 and 3 of three groups'
    G01 on seed 6. So each goal pools every group whose cell of it a published table
    hides or withholds, with the plan's hidden groups: the pooled group's answers are the
    goal's less the published groups', which a reader of the tables has, and H tells
    nothing more about how they split.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per answer (:func:`ratings_frame`), with ``unit`` and ``between``.
    published : DataFrame or sequence of DataFrame
        The group tables as published (:meth:`pra_lib.publishing.report.Report.table`,
        after :func:`~pra_lib.publishing.score_disclosure.withhold_answers`), each with
        ``unit``, ``between`` and ``suppressed`` (and ``answers_withheld``) columns.
    hidden : sequence of str
        The categories of ``between`` the run's plan hides: pooled in every goal.
    between : str
        The group column.
    unit : str
        The goal (or dimension) column of ``data`` and of the tables.
    label : str, optional
        The column of the groups' names; the pooled group is named
        ``disclosure.pooled_groups`` there (left alone when ``data`` has no such column).

    Returns
    -------
    pandas.DataFrame
        ``data``, or a copy where the answers of each hidden cell are the group
        :data:`~pra_lib.publishing.score_disclosure.POOLED_GROUP`.

    Examples
    --------
    The plan hides nothing, but the scores by group hide academia's G01 as a small cell and
    community's as its companion: in G01 they are pooled, in G02 they stay apart.

    >>> d = pd.DataFrame({"goal_id": ["G01"] * 3 + ["G02"] * 3, "stakeholder_group": ["gov", "aca", "com"] * 2, "rating": [4, 2, 5, 3, 3, 1]})
    >>> s = pd.DataFrame({"goal_id": ["G01"] * 3 + ["G02"] * 3, "stakeholder_group": ["gov", "aca", "com"] * 2,
    ...                   "suppressed": [False, True, True, False, False, False]})
    >>> pool_hidden_cells(d, published=[s], label=None)["stakeholder_group"].tolist()
    ['gov', '(hidden groups)', '(hidden groups)', 'gov', 'aca', 'com']
    """
    missing = [c for c in (unit, between) if c not in data]
    if missing:
        raise KeyError(f"pool_hidden_cells: columns {missing} not in table (columns: {', '.join(map(str, data.columns))})")
    tables = [published] if isinstance(published, pd.DataFrame) else list(published)
    cells = _hidden_cells(tables, between=between, unit=unit)
    plan = {str(c) for c in (hidden or ())}
    if not cells and not plan:
        return data
    groups = data[between].astype(object)
    known = groups.map(lambda v: v is not None and v == v).to_numpy(dtype=bool)
    names = groups.map(str).to_numpy()
    units = data[unit].astype(object).map(str).to_numpy()
    inside = known & np.array([g in plan or (u, g) in cells for u, g in zip(units, names)], dtype=bool)
    if not inside.any():
        return data
    return mark_pooled(data, inside, column=between, label=label)
