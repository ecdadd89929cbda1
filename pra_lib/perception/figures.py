"""Figures of the questionnaire and the City Perception Workshop.

Each figure draws a table it is given (published or not: suppressed cells are drawn as
*suppressed*): :func:`resilience_wheel` and :func:`score_heatmap` from
:func:`pra_lib.perception.scores`, :func:`likert_bars` from
:func:`pra_lib.perception.likert_counts`, :func:`importance_performance_plot` from
:func:`pra_lib.perception.importance_performance`, :func:`agreement_plot` from
:func:`pra_lib.perception.agreement` and :func:`comparison_plot` from
:func:`pra_lib.perception.weighted_comparison`. matplotlib is imported inside the
functions, so the tables never load it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..assessment import crf
from ..publishing.disclosure import is_suppressed
from ..publishing.i18n import dimension_label, term
from ..publishing.i18n import t as tr  # t is a common name for a table in this chapter
from ._common import _LABEL_OF, ALPHA_RELIABLE, ALPHA_TENTATIVE, DONT_KNOW, _goal_table, _num, _sort
from .findings import _by_text, _shown
from .scoring import _dont_know_shares


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _n_text(n: pd.Series, what: str = "respondents", per: str = "per_cell") -> str:
    """'n = 580 respondents' or 'n = 560–590 respondents per cell' (``per``: per_cell, per_goal, per_goal_group or None)."""
    vals = _num(n).dropna()
    vals = vals[vals > 0]
    what = tr(f"perception.what.{what}")
    if vals.empty:
        return tr("perception.n.below_limit") if is_suppressed(n).any() else tr("perception.n.zero", what=what)
    lo, hi = int(vals.min()), int(vals.max())
    if lo == hi:
        return tr("perception.n.one", n=lo, what=what)
    return tr("perception.n.range", lo=lo, hi=hi, what=what) + (tr(f"perception.n.{per}") if per else "")


def _ci_short(ci_method: str | None) -> str:
    """'95% CI, t interval' or '95% CI, percentile bootstrap' from a ``ci_method`` label, in the report language."""
    import re

    if not isinstance(ci_method, str):
        return tr("perception.fig.wheel.ci_bootstrap", ci=tr("perception.fig.wheel.ci"))
    t_label = re.match(r"^(\d+%) t interval\b", ci_method)
    if t_label:
        return tr("perception.ci_short_t", ci=t_label.group(1))
    english = re.match(r"^(\d+%) (\w+) bootstrap \((\d+) resamples\)$", ci_method)
    if english:  # a table computed in English, drawn in the current language
        ci, method = english.group(1), english.group(2)
        return tr("perception.ci_short", ci=ci, method=tr(f"perception.ci_method.{method}") if method in ("percentile", "bca") else method)
    local = re.match(r"^bootstrap (\S+) (\d+%) \(", ci_method)
    if local:
        return tr("perception.ci_short", ci=local.group(2), method=local.group(1))
    return ci_method.split(" (")[0].replace(" bootstrap", "").replace("%", "% CI,") + " bootstrap"


def _ci_long(ci_method: str) -> str:
    """A ``ci_method`` label ('95% percentile bootstrap (2000 resamples)', kept in English by
    the tables) in the report language."""
    import re

    t_label = re.match(r"^(\d+%) t interval\b", ci_method)
    if t_label:
        return tr("perception.ci_method.t_label", ci=t_label.group(1))
    english_label = re.match(r"^(\d+%) (\w+) bootstrap \((\d+) resamples\)$", ci_method)
    if not english_label:
        return ci_method
    ci, method, n = english_label.groups()
    name = tr(f"perception.ci_method.{method}") if method in ("percentile", "bca") else method
    return tr("perception.ci_method", ci=ci, method=name, n=n)


def _score_cmap():
    import matplotlib.colors as mcolors
    from matplotlib import colormaps

    # Means rarely leave 1.5-4.5; saturating there keeps the colours readable while
    # the colour bar (extended at both ends) still shows the whole 1-5 scale.
    return colormaps["RdBu"], mcolors.TwoSlopeNorm(vmin=1.5, vcenter=3, vmax=4.5)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def resilience_wheel(goal_scores: pd.DataFrame, *, title: str | None = None, subtitle: str | None = None):
    """The resilience wheel: the 12 goals in their 4 dimension sectors.

    Each wedge reaches the goal's mean rating (rings 1 to 5; the dashed ring is the
    neutral 3) and is coloured on a diverging palette centred at 3.  The black whisker
    is the confidence interval.  Suppressed goals are drawn hatched and labelled.

    Parameters
    ----------
    goal_scores : pandas.DataFrame
        Output of :func:`scores` at goal level without ``by`` (published or not).
    title, subtitle : str, optional
        Figure title; the subtitle defaults to the n per goal and the interval method.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(resilience_wheel(scores(q)), "resilience_wheel")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch

    from ..publishing.plots import _setup, _wrap

    plt, _ = _setup()
    cmap, norm = _score_cmap()
    table = _sort(goal_scores.drop_duplicates("goal_id"), ["goal_id"], {}).set_index("goal_id").reindex(list(crf.GOAL_IDS))
    goals = _goal_table().set_index("goal_id")
    mean, lo, hi = _num(table["mean"]), _num(table["ci_low"]), _num(table["ci_high"])
    n = _num(table["n"])
    suppressed = is_suppressed(table["mean"], table) if "mean" in table else pd.Series(False, index=table.index)
    step = 2 * np.pi / 12
    theta = np.arange(12) * step + step / 2
    base = 1.0
    fig = plt.figure(figsize=(10.5, 10.5))
    ax = fig.add_axes([0.09, 0.12, 0.82, 0.72], projection="polar")
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 6.05)
    ax.set_axis_off()
    # rings and neutral line
    ring_t = np.linspace(0, 2 * np.pi, 361)
    for r in (1, 2, 3, 4, 5):
        ax.plot(ring_t, np.full_like(ring_t, r), color="#555555" if r == 3 else "#cccccc", lw=1.3 if r == 3 else 0.7, ls="--" if r == 3 else "-", zorder=1)
        ax.text(np.deg2rad(0), r, f"{r}", ha="center", va="center", fontsize=8, color="#444444", zorder=6, bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
    for i, gid in enumerate(crf.GOAL_IDS):
        t = theta[i]
        if suppressed.iloc[i] or pd.isna(mean.iloc[i]):
            # up to the neutral ring only, so a hidden goal never looks like a high score
            ax.bar(t, 3.0 - base, width=step * 0.9, bottom=base, color="#eeeeee", edgecolor="#bbbbbb", hatch="///", lw=0.5, zorder=2)
            ax.text(t, 2.1, tr("common.suppressed") if suppressed.iloc[i] else tr("perception.no_ratings"), rotation=0, ha="center", va="center", fontsize=7.5, color="#444444", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
            continue
        m = float(mean.iloc[i])
        ax.bar(t, m - base, width=step * 0.9, bottom=base, color=cmap(norm(m)), edgecolor="white", lw=1.0, zorder=2)
        outer = m
        if pd.notna(lo.iloc[i]) and pd.notna(hi.iloc[i]):
            ax.plot([t, t], [lo.iloc[i], hi.iloc[i]], color="black", lw=2.2, zorder=4, solid_capstyle="butt")
            for r in (lo.iloc[i], hi.iloc[i]):
                ax.plot([t - step * 0.05, t + step * 0.05], [r, r], color="black", lw=1.4, zorder=4)
            outer = max(m, float(hi.iloc[i]))
        ax.text(t, outer + 0.32, f"{m:.2f}", ha="center", va="center", fontsize=9, fontweight="bold", zorder=5, color="black",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    # dimension band
    dims = crf.dimensions()
    dim_colors = dict(zip(dims["dimension_id"], ["#8dd3c7", "#fdb462", "#bebada", "#80b1d3"]))
    for i, gid in enumerate(crf.GOAL_IDS):
        did = goals.loc[gid, "dimension_id"]
        ax.bar(theta[i], 0.32, width=step, bottom=5.25, color=dim_colors[did], edgecolor="white", lw=1.5, zorder=2)
    for j, did in enumerate(crf.DIMENSION_IDS):
        ax.plot([j * 3 * step] * 2, [0.4, 5.6], color="#888888", lw=1.0, zorder=3)
    # goal labels outside the band
    for i, gid in enumerate(crf.GOAL_IDS):
        t = theta[i]
        deg = np.rad2deg(t)
        ha = "left" if 5 < deg < 175 else ("right" if 185 < deg < 355 else "center")
        va = "bottom" if deg < 60 or deg > 300 else ("top" if 120 < deg < 240 else "center")
        n_i = n.iloc[i]
        n_lab = "" if pd.isna(n_i) else f" (n={int(n_i)})"
        label = f"{gid}{n_lab}\n{_wrap(goals.loc[gid, 'goal_label'], 22)}"
        ax.text(t, 5.72, label, ha=ha, va=va, fontsize=8.5, zorder=6, clip_on=False, linespacing=1.1)
    handles = [Patch(color=dim_colors[d], label=dimension_label(d)) for d in dims["dimension_id"]]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.01), ncol=2, fontsize=9, title=tr("perception.fig.wheel.dimension"), frameon=False)
    cax = fig.add_axes([0.62, 0.05, 0.32, 0.018])
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    cb = fig.colorbar(sm, cax=cax, orientation="horizontal", extend="both")
    cb.set_ticks([1.5, 2, 2.5, 3, 3.5, 4, 4.5])
    cb.set_label(tr("perception.fig.wheel.cbar"), fontsize=9)
    ci_method = str(goal_scores["ci_method"].iloc[0]) if "ci_method" in goal_scores and len(goal_scores) else None
    sub = subtitle or tr("perception.fig.wheel.subtitle", n=_n_text(table["n"], "raters_per_goal", per=None), ci=_ci_short(ci_method))
    fig.suptitle(title or tr("perception.fig.wheel.title"), fontsize=14, fontweight="bold", y=0.985)
    fig.text(0.5, 0.948, _wrap(sub, 150), ha="center", va="top", fontsize=9.5, color="#333333")
    return fig


def likert_bars(counts: pd.DataFrame, *, by: str | None = None, title: str | None = None, label_min: float = 0.06):
    """Diverging stacked bars of the answers per goal, centred on the neutral category.

    Negative answers (1-2) extend left of zero, positive (4-5) right; the neutral 3 is
    split across zero, so the bars stay centred also when a category has no answers.
    "Don't know" is a separate grey bar in its own panel at the right.  Percentages
    are printed on segments of at least ``label_min``.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`likert_counts` (published or not).
    by : str, optional
        The grouping column of ``counts``: one panel per group.
    title : str, optional
        Figure title.
    label_min : float
        Smallest share that gets a percentage label.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(likert_bars(likert_counts(q)), "likert")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch

    from ..publishing.plots import _setup, _wrap

    plt, _ = _setup()
    data = counts.copy()
    data["_share"] = _num(data["share"])
    data["_n"] = _num(data["n"])
    data["_supp"] = is_suppressed(data["n"])
    panels = [None]
    if by:
        label_col = _LABEL_OF.get(by) if _LABEL_OF.get(by) in data.columns else by
        panels = list(pd.unique(data[by]))
    goal_ids = [g for g in crf.GOAL_IDS if g in set(data["goal_id"])]
    names = dict(zip(data["goal_id"], data["goal_label"]))
    ylabels = [f"{g} {_wrap(names[g], 34)}" for g in goal_ids]
    cats = ["1", "2", "3", "4", "5"]
    colors = {"1": "#b2182b", "2": "#ef8a62", "3": "#d9d9d9", "4": "#67a9cf", "5": "#2166ac"}
    cat_labels = dict(zip(data["category"], data["category_label"]))
    width_ratios = [1] * len(panels) + [0.22]
    fig, axes = plt.subplots(1, len(panels) + 1, figsize=(4.1 * len(panels) + 5.0, 0.5 * len(goal_ids) + 2.6), sharey=True, gridspec_kw={"width_ratios": width_ratios, "wspace": 0.08})
    axes = np.atleast_1d(axes)
    y = np.arange(len(goal_ids))
    n_all = []
    for p_i, panel in enumerate(panels):
        ax = axes[p_i]
        sub = data if panel is None else data[data[by] == panel]
        wide = sub.pivot_table(index="goal_id", columns="category", values="_share", aggfunc="first").reindex(index=goal_ids, columns=[*cats, DONT_KNOW])
        supp = sub.groupby("goal_id")["_supp"].any().reindex(goal_ids).fillna(False)
        nn = sub.groupby("goal_id")["_n"].first().reindex(goal_ids)
        n_all.append(nn)
        sh = wide[cats].fillna(0.0)
        left = -(sh["1"] + sh["2"] + sh["3"] / 2)
        for c in cats:
            vals = sh[c]
            ax.barh(y, vals, left=left, color=colors[c], edgecolor="white", lw=0.5, height=0.72)
            for yi, (l, v) in enumerate(zip(left, vals)):
                if v >= label_min and not supp.iloc[yi]:
                    ax.text(l + v / 2, yi, f"{v:.0%}", ha="center", va="center", fontsize=7.5, color="white" if c in ("1", "5") else "black")
            left = left + vals
        for yi, g in enumerate(goal_ids):
            if supp.iloc[yi]:
                ax.barh(yi, 1.6, left=-0.8, color="#eeeeee", edgecolor="#bbbbbb", hatch="///", lw=0, height=0.72)
                ax.text(0, yi, tr("common.suppressed"), ha="center", va="center", fontsize=8, color="#555555")
            elif pd.isna(nn.iloc[yi]) or nn.iloc[yi] == 0:
                ax.text(0, yi, tr("perception.no_ratings"), ha="center", va="center", fontsize=8, color="#555555")
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlim(-1, 1)
        ax.set_xticks([-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75])
        ax.set_xticklabels(["75%", "50%", "25%", "0", "25%", "50%", "75%"], fontsize=8)
        ax.set_xlabel(tr("perception.fig.likert.xlabel"), fontsize=8.5)
        if panel is not None:
            lab = _shown(sub[label_col].iloc[0]) if len(sub) else panel
            ax.set_title(f"{_wrap(str(lab), 28)}\n({_n_text(sub['n'], 'resp', per='per_goal')})", fontsize=10)
        ax.grid(axis="y", visible=False)
    # don't know panel
    ax = axes[-1]
    dk_share = _dont_know_shares(counts, by=by, goal_ids=goal_ids)
    ax.barh(y, dk_share.fillna(0), color="#969696", height=0.72)
    for yi, v in enumerate(dk_share):
        ax.text((0 if pd.isna(v) else v) + 0.004, yi, "–" if pd.isna(v) else f"{v:.0%}", va="center", fontsize=7.5)
    top = float(np.nanmax([dk_share.max(), 0.05])) if dk_share.notna().any() else 0.05
    ax.set_xlim(0, top * 1.6)
    ax.set_title(tr("perception.fig.likert.dk_title_groups") if by else tr("perception.fig.likert.dk_title"), fontsize=9.5)
    ax.set_xlabel("")
    ax.tick_params(axis="x", labelsize=7)
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    ax.xaxis.set_major_locator(MaxNLocator(2))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(ylabels, fontsize=8.5)
    axes[0].invert_yaxis()
    handles = [Patch(color=colors[c], label=f"{c} {cat_labels.get(c, '')}") for c in cats] + [Patch(color="#969696", label=tr("perception.dont_know"))]
    fig.legend(handles=handles, loc="lower center", ncol=6, fontsize=8.5, frameon=False, bbox_to_anchor=(0.5, 0.0))
    n_text = _n_text(pd.concat(n_all), "respondents", per="per_goal_group" if by else "per_goal")
    fig.suptitle(title or tr("perception.fig.likert.title"), fontsize=13, fontweight="bold", y=1 - 0.12 / fig.get_size_inches()[1])
    fig.text(0.5, 1 - 0.5 / fig.get_size_inches()[1], tr("perception.fig.likert.subtitle", n=n_text, min=f"{label_min:.0%}"), ha="center", fontsize=8.5, color="#333333")
    height = fig.get_size_inches()[1]
    fig.subplots_adjust(bottom=1.05 / height, top=1 - 1.0 / height)
    return fig


def importance_performance_plot(ipa: pd.DataFrame, *, title: str | None = None):
    """Importance-performance scatter with quadrant lines and goal labels.

    Parameters
    ----------
    ipa : pandas.DataFrame
        Output of :func:`importance_performance` (published or not).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(importance_performance_plot(ipa), "ipa")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap

    plt, _ = _setup()
    t = ipa.copy()
    for c in ("performance", "importance", "performance_ci_low", "performance_ci_high", "importance_ci_low", "importance_ci_high", "n", "performance_centre", "importance_centre"):
        t[c] = _num(t[c])
    # a hidden row's outcome is published empty (NA): it is no candidate weakness to flag
    t["candidate_weakness"] = t["candidate_weakness"].astype("boolean").fillna(False).astype(bool)
    shown = t.dropna(subset=["performance", "importance"])
    fig, (ax, key) = plt.subplots(1, 2, figsize=(13, 7.5), gridspec_kw={"width_ratios": [2.4, 1], "wspace": 0.02})
    # A centre withheld with a goal everyone answered alike (it is the mean of every goal's
    # performance) is not drawn: the scale's midpoint in its place would be read as the mean.
    centre_withheld = t["performance_centre"].isna().all() and len(shown) > 0
    pc = float(t["performance_centre"].dropna().iloc[0]) if t["performance_centre"].notna().any() else 3.0
    ic = float(t["importance_centre"].dropna().iloc[0]) if t["importance_centre"].notna().any() else 3.0
    weak = shown["candidate_weakness"].astype(bool)
    for is_weak, colour, label in ((False, "#4d4d4d", tr("perception.fig.ipa.goal")), (True, "#b2182b", tr("perception.fig.ipa.candidate"))):
        pts = shown[weak == is_weak]
        if pts.empty:
            continue
        ax.errorbar(
            pts["performance"], pts["importance"],
            xerr=[pts["performance"] - pts["performance_ci_low"], pts["performance_ci_high"] - pts["performance"]],
            yerr=[pts["importance"] - pts["importance_ci_low"], pts["importance_ci_high"] - pts["importance"]],
            fmt="o", color=colour, ecolor=colour, elinewidth=0.8, capsize=2, ms=7, label=label, alpha=0.9,
        )
    for _, r in shown.iterrows():
        ax.annotate(r["goal_id"], (r["performance"], r["importance"]), xytext=(6, 5), textcoords="offset points", fontsize=9.5, fontweight="bold",
                    color="#b2182b" if r["candidate_weakness"] else "#222222")
    x_lo = min(shown["performance_ci_low"].min(), shown["performance_ci_low"].min() if centre_withheld else pc) - 0.15 if len(shown) else 1
    x_hi = max(shown["performance_ci_high"].max(), shown["performance_ci_high"].max() if centre_withheld else pc) + 0.15 if len(shown) else 5
    y_lo = min(shown["importance_ci_low"].min(), ic) - 0.15 if len(shown) else 1
    y_hi = max(shown["importance_ci_high"].max(), ic) + 0.15 if len(shown) else 5
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    if not centre_withheld:
        ax.axvline(pc, color="#666666", ls="--", lw=1)
    ax.axhline(ic, color="#666666", ls="--", lw=1)
    corner = dict(fontsize=10, color="#777777", fontstyle="italic")
    ax.text(x_lo + 0.02, y_hi - 0.02, tr("perception.fig.ipa.concentrate"), ha="left", va="top", **corner)
    ax.text(x_hi - 0.02, y_hi - 0.02, tr("perception.fig.ipa.keep"), ha="right", va="top", **corner)
    ax.text(x_lo + 0.02, y_lo + 0.02, tr("perception.fig.ipa.low"), ha="left", va="bottom", **corner)
    ax.text(x_hi - 0.02, y_lo + 0.02, tr("perception.fig.ipa.overkill"), ha="right", va="bottom", **corner)
    centre_kind = tr("perception.fig.ipa.centre.midpoint") if pc == 3.0 and ic == 3.0 and not centre_withheld else tr("perception.fig.ipa.centre.means")
    ax.set_xlabel(tr("perception.fig.ipa.xlabel"))
    ax.set_ylabel(tr("perception.fig.ipa.ylabel"))
    ax.legend(loc="lower right", bbox_to_anchor=(1, 0.06), fontsize=8.5, frameon=True)
    ax.set_title(tr("perception.fig.ipa.subtitle", n=_n_text(t["n"], "respondents", per="per_goal"), centre=centre_kind), fontsize=9.5)
    key.set_axis_off()
    lines = []
    for _, r in t.iterrows():
        flag = "  ◀" if bool(r["candidate_weakness"]) else ""
        state = "" if pd.notna(r["performance"]) and pd.notna(r["importance"]) else tr("perception.fig.ipa.suppressed")
        lines.append((r["goal_id"], _wrap(str(r["goal_label"]), 34) + state + flag, bool(r["candidate_weakness"])))
    yy = 0.98
    for gid, text, is_weak in lines:
        key.text(0.02, yy, gid, fontsize=9, fontweight="bold", va="top", color="#b2182b" if is_weak else "#222222", transform=key.transAxes)
        key.text(0.16, yy, text, fontsize=8.5, va="top", color="#b2182b" if is_weak else "#222222", transform=key.transAxes)
        yy -= 0.04 + 0.03 * text.count("\n")
    key.text(0.02, yy - 0.02, tr("perception.fig.ipa.key"), fontsize=8, color="#b2182b", transform=key.transAxes, va="top")
    fig.suptitle(title or tr("perception.fig.ipa.title"), fontsize=13, fontweight="bold")
    return fig


def score_heatmap(group_scores: pd.DataFrame, *, by: str = "stakeholder_group", title: str | None = None):
    """Goal x group heatmap of mean ratings; suppressed cells are marked.

    Parameters
    ----------
    group_scores : pandas.DataFrame
        Output of :func:`scores` with ``by=by`` (published or not).
    by : str
        The grouping column (``"stakeholder_group"``, ``"area"``, ``"channel"``,
        ``"workshop_table"``).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(score_heatmap(scores(q, by="stakeholder_group")), "heatmap")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap, mark_suppressed

    plt, sns = _setup()
    cmap, norm = _score_cmap()
    t = group_scores.copy()
    label_col = _LABEL_OF.get(by) if _LABEL_OF.get(by) in t.columns else by
    t["_mean"] = _num(t["mean"])
    t["_n"] = _num(t["n"])
    t["_supp"] = is_suppressed(t["n"])
    # A group whose answers are withheld (it answered alike) is marked like a suppressed cell.
    t["_hide"] = t["_supp"] | (t["answers_withheld"].astype("boolean").fillna(False).astype(bool) if "answers_withheld" in t else False)
    unit = "goal_id" if "goal_id" in t.columns else "dimension_id"
    unit_label = "goal_label" if unit == "goal_id" else "dimension_label"
    rows = [u for u in (crf.GOAL_IDS if unit == "goal_id" else crf.DIMENSION_IDS) if u in set(t[unit])]
    cols = list(pd.unique(t[by]))
    grid = t.pivot_table(index=unit, columns=by, values="_mean", aggfunc="first", dropna=False).reindex(index=rows, columns=cols)
    supp = t.pivot_table(index=unit, columns=by, values="_hide", aggfunc="any", dropna=False).reindex(index=rows, columns=cols).fillna(False).astype(bool)
    col_labels = []
    for c in cols:
        sub = t[t[by] == c]
        lab = str(_shown(sub[label_col].iloc[0]))
        n_sub = sub["_n"].dropna()
        if sub["_supp"].all():
            n_lab = tr("perception.fig.heat.n_below")
        elif n_sub.empty:
            n_lab = tr("common.n_equals", n=0)
        else:
            n_lab = tr("common.n_equals", n=int(n_sub.max()) if n_sub.min() == n_sub.max() else f"{int(n_sub.min())}–{int(n_sub.max())}")
        col_labels.append(f"{_wrap(lab, 16)}\n({n_lab})")
    names = dict(zip(t[unit], t[unit_label]))
    fig, ax = plt.subplots(figsize=(2.0 + 1.45 * len(cols) + 3.2, 0.55 * len(rows) + 2.6))
    sns.heatmap(grid.astype(float), annot=True, fmt=".2f", cmap=cmap, norm=norm, vmin=1, vmax=5, linewidths=0.6, linecolor="white",
                cbar_kws={"label": tr("perception.fig.heat.cbar"), "shrink": 0.8, "extend": "both"}, ax=ax, annot_kws={"fontsize": 9})
    # Only suppressed cells are 'suppressed'; an empty cell is 'no ratings'.
    marked = grid.where(supp, 0.0).where(~supp, np.nan)
    mark_suppressed(ax, marked)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            if pd.isna(grid.loc[r, c]) and not supp.loc[r, c]:
                ax.text(j + 0.5, i + 0.5, tr("perception.no_ratings"), ha="center", va="center", fontsize=7, color="#555555")
    ax.set_yticks(np.arange(len(rows)) + 0.5)
    ax.set_yticklabels([f"{r} {_wrap(str(names[r]), 36)}" for r in rows], rotation=0, fontsize=8.5)
    ax.set_xticks(np.arange(len(cols)) + 0.5)
    ax.set_xticklabels(col_labels, rotation=0, fontsize=8.5)
    ax.set_xlabel(_by_text(by).capitalize())
    ax.set_ylabel("")
    ax.set_title(title or tr("perception.fig.heat.title", by=_by_text(by)), fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def agreement_plot(table: pd.DataFrame, *, by: str | None = None, title: str | None = None):
    """Krippendorff's alpha per group (or workshop table), with the reliability thresholds.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`agreement` (published or not).
    by : str, optional
        Its grouping column; found automatically when omitted.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(agreement_plot(agreement(w, by="workshop_table")), "agreement")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap

    plt, _ = _setup()
    by = by or table.columns[0]
    label_col = _LABEL_OF.get(by) if _LABEL_OF.get(by) in table.columns else by
    t = table.reset_index(drop=True)
    alpha = _num(t["alpha"])
    n = t["n"]
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * len(t) + 2.2))
    y = np.arange(len(t))
    lo = min(-0.1, float(np.nanmin(alpha)) - 0.05) if alpha.notna().any() else -0.1
    # an alpha withheld because it would give a withheld goal of its table back reads as suppressed
    withheld = t["test_withheld"].astype(str).str.lower().eq("true").to_numpy() if "test_withheld" in t else np.zeros(len(t), dtype=bool)
    for i, (a, nn) in enumerate(zip(alpha, n)):
        if pd.isna(a):
            txt = tr("common.suppressed") if is_suppressed(nn) or withheld[i] else tr("perception.not_available")
            ax.text(0.02, i, txt, va="center", fontsize=8.5, color="#555555")
            continue
        colour = "#1a9850" if a >= ALPHA_RELIABLE else ("#fdae61" if a >= ALPHA_TENTATIVE else "#d73027")
        ax.hlines(i, 0, a, color=colour, lw=2)
        ax.plot(a, i, "o", color=colour, ms=8)
        ax.text(max(a, 0) + 0.02, i, tr("perception.fig.agree.value", alpha=f"{a:.2f}", n=nn), va="center", fontsize=8.5)
    ax.axvline(ALPHA_TENTATIVE, color="#fdae61", ls="--", lw=1, label=tr("perception.fig.agree.tentative"))
    ax.axvline(ALPHA_RELIABLE, color="#1a9850", ls="--", lw=1, label=tr("perception.fig.agree.reliable"))
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([_wrap(str(_shown(v)), 28) for v in t[label_col]])
    ax.invert_yaxis()
    ax.set_xlim(lo, 1.0)
    ax.set_xlabel(tr("perception.fig.agree.xlabel"))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title or tr("perception.fig.agree.title", by=_by_text(by)), fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def comparison_plot(table: pd.DataFrame, *, title: str | None = None):
    """Dot-and-whisker chart of unweighted and weighted goal means with their intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`weighted_comparison` (published or not); suppressed goals are
        labelled *suppressed*.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(comparison_plot(table), "weighted_goal_scores")  # doctest: +SKIP
    """
    from ..publishing.plots import _numeric, _setup, _wrap

    plt, sns = _setup()
    unit = "goal_id" if "goal_id" in table.columns else "dimension_id"
    label_col = "goal_label" if unit == "goal_id" else "dimension_label"
    units = list(pd.unique(table[unit]))
    colours = dict(zip(["unweighted", "weighted"], ["#7f7f7f", "#1f5fa8"]))
    offsets = {"unweighted": -0.17, "weighted": 0.17}
    fig, ax = plt.subplots(figsize=(9, 0.52 * len(units) + 2.0))
    for estimate, part in table.groupby("estimate", sort=False):
        part = part.set_index(unit).reindex(units)
        y = np.arange(len(units)) + offsets.get(estimate, 0)
        mean, lo, hi = _numeric(part["mean"].astype(object)), _numeric(part["ci_low"].astype(object)), _numeric(part["ci_high"].astype(object))
        ax.errorbar(mean, y, xerr=[(mean - lo).clip(lower=0), (hi - mean).clip(lower=0)], fmt="o", color=colours.get(estimate), capsize=3, label=term(estimate, "estimate"), lw=1.6, ms=6)
    first = table.drop_duplicates(unit).set_index(unit).reindex(units)
    labels = []
    for uid, row in first.iterrows():
        n = row["n"]
        n_text = tr("common.suppressed") if is_suppressed(n) else tr("common.n_equals", n=int(float(n)))
        labels.append(f"{uid} {_wrap(str(row[label_col]), 34)}\n({n_text})")
    suppressed = is_suppressed(first["mean"], first)
    for i, is_supp in enumerate(suppressed):
        if is_supp:
            ax.text(3, i, tr("common.suppressed"), ha="center", va="center", fontsize=8, color="#555555", bbox=dict(facecolor="#eeeeee", edgecolor="#bbbbbb", hatch="///"))
    ax.axvline(3, color="grey", ls="--", lw=1)
    ax.grid(axis="y", visible=False)
    for i in range(len(units) - 1):
        ax.axhline(i + 0.5, color="#dddddd", lw=0.8)
    ax.set_yticks(np.arange(len(units)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(1, 5)
    ax.set_xticks([1, 2, 3, 4, 5], [f"{i}\n{tr(f'performance.{i}')}" for i in range(1, 6)])
    ci_method = _ci_long(str(table["ci_method"].dropna().iloc[0])) if "ci_method" in table and table["ci_method"].notna().any() else tr("weights.fig.ci")
    ax.set(xlabel=tr("weights.fig.xlabel", ci_method=ci_method), ylabel="", title=title or tr("weights.fig.title"))
    ax.legend(title=tr("weights.fig.legend"), loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig
