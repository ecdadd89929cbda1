"""Figures of the actions inventory: coverage by status and budget, owners, and need against coverage.

Each figure draws a table of :mod:`pra_lib.actions.inventory` or :mod:`pra_lib.actions.gap_scores`
(published or not); matplotlib loads only when a figure is drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import t as tr  # in the figure functions, t is the table
from ..publishing.i18n import term
from ._common import BILLION

_STATUS_COLOURS = {"completed": "#1b7837", "ongoing": "#5aae61", "planned": "#a6dba0", "not recorded": "#bbbbbb"}


def _row_labels(table: pd.DataFrame, width: int = 38) -> list[str]:
    from ..publishing.plots import _wrap

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
    from ..publishing.plots import _setup

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
    totals = [ax.text(total + 0.3, i, f"{int(total)}", va="center", fontsize=8.5) for i, total in enumerate(left)]
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlim(0, max(left.max(), 1) * 1.12)
    ax.set_xlabel(tr("actions.fig.coverage.xlabel"))
    ax.legend(title=tr("actions.fig.coverage.legend"), fontsize=8, title_fontsize=8.5, loc="lower right")
    bx.barh(y, budget.fillna(0), color="#4393c3", height=0.7)
    top = float(budget.max()) if budget.notna().any() and budget.max() > 0 else 1.0
    notes = []
    for i, (b, s, n) in enumerate(zip(budget, share, _num(t["n_actions"]))):
        if n == 0:
            text = tr("actions.fig.coverage.no_action")
        elif pd.isna(b):
            text = tr("actions.fig.coverage.budget_unknown")
        else:
            text = tr("actions.fig.coverage.budget", budget=f"{b:,.0f}", share=f"{s:.0%}")
        notes.append(bx.text((0 if pd.isna(b) else b) + top * 0.01, i, text, va="center", fontsize=8))
    bx.set_xlim(0, top * 1.55)
    bx.set_xlabel(tr("actions.fig.coverage.budget_xlabel"))
    n_inv = _n_inventory(t)
    sub = tr("actions.fig.coverage.n_inventory", n=n_inv) if n_inv is not None else tr("actions.fig.coverage.inventory")
    what = "goals" if by_goal else "hazards"
    fig.suptitle(title or tr(f"actions.fig.coverage.title.{what}"), fontsize=13, fontweight="bold")
    fig.text(0.5, 1 - 0.62 / height, tr(f"actions.fig.coverage.subtitle.{what}", sub=sub),
             ha="center", fontsize=9, color="#333333")
    fig.subplots_adjust(top=1 - 0.9 / height, bottom=0.75 / height, left=0.26, right=0.98)
    _fit_inside(fig, ax, [(ax, totals), (bx, notes)])
    return fig


def _fit_inside(fig, ax, panels) -> None:
    """Room on the left for the longest row name, and every value label ending inside its panel.

    A fixed margin cut long goal names (longer in Indonesian) at the figure's edge, and a
    budget label after the longest bar ran past the right edge: the margin is measured on
    the drawn names, and each panel's axis is lengthened until its labels end inside it
    (:func:`pra_lib.publishing.plots.fit_texts_inside`).
    """
    from ..publishing.plots import fit_texts_inside

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width = fig.bbox.width
    names = [label.get_window_extent(renderer).width for label in ax.get_yticklabels() if label.get_text()]
    pad = ax.yaxis.get_tick_padding() * fig.dpi / 72 + 10  # tick pad, and a margin from the figure's edge
    if names:
        fig.subplots_adjust(left=min(0.5, (max(names) + pad) / width))
    for panel, texts in panels:
        fit_texts_inside(panel, texts)


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
    from ..publishing.plots import _setup, _wrap, tick_labels_overlap

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
    fig, ax = plt.subplots(figsize=(0.72 * grid.shape[1] + 4.5, 0.42 * grid.shape[0] + 3.6))
    shown = grid.where(grid > 0)
    sns.heatmap(shown, annot=True, fmt=".0f", cmap="Greens", linewidths=0.5, linecolor="#eeeeee", cbar_kws={"label": tr("actions.fig.agency.cbar"), "shrink": 0.7}, ax=ax, vmin=0)
    ax.set_yticks(np.arange(grid.shape[0]) + 0.5, [names.get(a, a) for a in grid.index], rotation=0, fontsize=9)
    ax.set_xticks(np.arange(grid.shape[1]) + 0.5, [f"{c} {col_names.get(c, c)}" for c in grid.columns], rotation=90, fontsize=8)
    what = "goals" if key == "goal_id" else "hazards"
    n_actions = int(t.loc[t["agency_id"].isin(grid.index), "_v"].sum()) if value == "n_actions" else None
    ax.grid(False)
    ax.set(xlabel="", ylabel=tr("actions.fig.agency.ylabel"))
    sub = tr("actions.fig.agency.owners", n=grid.shape[0]) + (tr("actions.fig.agency.idle", n=idle) if idle else "") + tr("actions.fig.agency.blank")
    if n_actions is not None:
        sub += tr(f"actions.fig.agency.links.{what}", n=n_actions)
    ax.set_title(sub, fontsize=9)
    fig.suptitle(title or tr(f"actions.fig.agency.title.{what}"), fontsize=13, fontweight="bold")
    # Upright column names in as few lines as keep neighbours apart: wrapped in many lines
    # a name grows wide and runs into the next one (G08 and G09 in the sample).
    names_x = [f"{c} {col_names.get(c, c)}" for c in grid.columns]
    for width in (28, 36, 48, 200):
        ax.set_xticklabels([_wrap(n, width) for n in names_x], rotation=90, fontsize=8, linespacing=1.05)
        fig.tight_layout()
        if not tick_labels_overlap(ax, "x"):
            break
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
    from ..publishing.plots import _setup, _wrap

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
