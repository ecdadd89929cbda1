"""Figures of the PRA Seminar: support, support by group, rank distribution, session-to-seminar slope.

Each figure draws a seminar table (published or not: suppressed cells are marked);
matplotlib loads only when a figure is drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..publishing.disclosure import is_suppressed
from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import t, term
from ._common import _LABEL_OF


def _empty_figure(message: str, title: str):
    from ..publishing.plots import empty_figure

    return empty_figure(message, title)


def _label_n(name, n, width: int = 34) -> str:
    from ..publishing.plots import _wrap

    count = t("common.suppressed") if n is None or np.isnan(n) else f"{int(n)}"
    return f"{_wrap(str(name), width)}\n({t('common.n_equals', n=count)})"


def support_figure(table: pd.DataFrame, *, title: str | None = None):
    """Mean support and share supporting per focus area, with their confidence intervals.

    ``table`` is :func:`support` without ``by`` (published or not). Focus areas are sorted by
    mean support; suppressed rows are labelled *suppressed*.

    Examples
    --------
    >>> report.figure(support_figure(published_support), "support")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, matplotlib_percent

    title = title or t("seminar.fig.support.title")
    if table is None or table.empty:
        return _empty_figure(t("seminar.fig.support.empty"), title)
    plt, sns = _setup()
    cols = ["n", "mean", "mean_ci_low", "mean_ci_high", "share_support", "share_support_ci_low", "share_support_ci_high", "share_oppose"]
    d = table.assign(**{c: _num(table[c]).to_numpy() for c in cols})
    d = d.sort_values("mean", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    y = np.arange(len(d))
    fig, (ax1, ax2) = plt.subplots(1, 2, sharey=True, figsize=(11, 0.62 * len(d) + 2.0), gridspec_kw={"width_ratios": [1.1, 1]})
    blue, red = "#1f6f9f", "#c0392b"
    for i, r in d.iterrows():
        if np.isnan(r["mean"]):
            ax1.text(3, i, t("common.suppressed") if is_suppressed(table.loc[table["focus_area_id"] == r["focus_area_id"], "n"].iloc[0]) else t("seminar.fig.no_answers"),
                     ha="center", va="center", fontsize=8, color="#777777")
            continue
        ax1.plot([r["mean_ci_low"], r["mean_ci_high"]], [i, i], color=blue, lw=2.5, alpha=0.6)
        ax1.plot(r["mean"], i, "o", color=blue, ms=8)
        ax1.text(r["mean_ci_high"] + 0.05, i, f"{r['mean']:.2f}", va="center", fontsize=8.5)
        ax2.plot([r["share_support_ci_low"], r["share_support_ci_high"]], [i, i], color=blue, lw=2.5, alpha=0.6)
        ax2.plot(r["share_support"], i, "o", color=blue, ms=8, label=t("seminar.fig.support.supporting") if i == 0 else None)
        ax2.plot(r["share_oppose"], i, "D", color=red, ms=6, mfc="white", label=t("seminar.fig.support.opposing") if i == 0 else None)
    ax1.axvline(3, color="#999999", ls="--", lw=1)
    ax1.set_xlim(1, 5.4)
    ax1.set_xticks([1, 2, 3, 4, 5], ["1\n" + t("seminar.fig.support.tick1"), "2", "3\n" + t("seminar.fig.support.tick3"), "4", "5\n" + t("seminar.fig.support.tick5")], fontsize=8.5)
    ax1.set_yticks(y, [_label_n(f, n) for f, n in zip(d["focus_area"], d["n"])], fontsize=9)
    ax1.invert_yaxis()
    ax1.set(xlabel=t("seminar.fig.support.xlabel1"), ylabel="", title=t("seminar.fig.support.title1"))
    ax2.set_xlim(0, 1)
    ax2.xaxis.set_major_formatter(matplotlib_percent())
    ax2.set(xlabel=t("seminar.fig.support.xlabel2"), title=t("seminar.fig.support.title2"))
    if ax2.get_legend_handles_labels()[0]:
        ax2.legend(loc="lower right", fontsize=8, frameon=True)
    for ax in (ax1, ax2):
        ax.grid(axis="y", visible=False)
    fig.suptitle(title, fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def support_heatmap(table: pd.DataFrame, *, by: str = "stakeholder_group", value: str = "mean", title: str | None = None):
    """Focus area x group heatmap of support; suppressed cells are marked.

    ``table`` is :func:`support` with ``by=by`` (published or not); ``value`` is ``"mean"``
    (1-5) or ``"share_support"``.

    Examples
    --------
    >>> report.figure(support_heatmap(published_by_group), "support_by_group")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap, mark_suppressed

    if value not in ("mean", "share_support"):
        raise ValueError(f"support_heatmap: value must be 'mean' or 'share_support', not {value!r}")
    by_text = t("seminar.by.stakeholder_group") if by == "stakeholder_group" else by.replace("_", " ")
    title = title or t(f"seminar.fig.heatmap.title.{value}", by=by_text)
    if table is None or table.empty:
        return _empty_figure(t("seminar.fig.heatmap.empty"), title)
    plt, sns = _setup()
    tab = table.copy()
    label = _LABEL_OF.get(by) if _LABEL_OF.get(by) in tab else by
    tab["_v"] = _num(tab[value]).to_numpy()
    tab["_n"] = _num(tab["n"]).to_numpy()
    tab["_supp"] = is_suppressed(tab["n"]).to_numpy()
    # A group whose answers are withheld (it answered alike) is marked like a suppressed cell.
    tab["_hide"] = tab["_supp"] | (tab["answers_withheld"].astype("boolean").fillna(False).astype(bool) if "answers_withheld" in tab else False)
    rows = list(dict.fromkeys(tab["focus_area_id"]))
    cols = list(dict.fromkeys(tab[by]))
    grid = tab.pivot_table(index="focus_area_id", columns=by, values="_v", aggfunc="first", dropna=False).reindex(index=rows, columns=cols)
    supp = tab.pivot_table(index="focus_area_id", columns=by, values="_hide", aggfunc="any", dropna=False).reindex(index=rows, columns=cols)
    supp = supp.fillna(False).astype(bool)
    names = dict(zip(tab["focus_area_id"], tab["focus_area"])) if "focus_area" in tab else {}
    col_labels = []
    for c in cols:
        sub = tab[tab[by] == c]
        ns = sub["_n"].dropna()
        n_lab = t("seminar.fig.n_suppressed") if ns.empty and sub["_supp"].any() else t("common.n_equals", n=int(ns.max()) if len(ns) else 0)
        col_labels.append(f"{_wrap(str(sub[label].iloc[0]), 16)}\n({n_lab})")
    kw = dict(cmap="RdBu", center=3, vmin=1, vmax=5, fmt=".2f") if value == "mean" else dict(cmap="Blues", vmin=0, vmax=1, fmt=".0%")
    fig, ax = plt.subplots(figsize=(1.5 * len(cols) + 5.2, 0.6 * len(rows) + 2.4))
    sns.heatmap(grid.astype(float), annot=True, linewidths=0.6, linecolor="white", ax=ax, annot_kws={"fontsize": 9},
                cbar_kws={"label": t(f"seminar.fig.heatmap.cbar.{value}"), "shrink": 0.8}, **kw)
    mark_suppressed(ax, grid.where(supp, 0.0).where(~supp, np.nan))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            if pd.isna(grid.loc[r, c]) and not supp.loc[r, c]:
                ax.text(j + 0.5, i + 0.5, t("seminar.fig.no_answers"), ha="center", va="center", fontsize=7, color="#555555")
    ax.set_yticks(np.arange(len(rows)) + 0.5, [f"{_wrap(str(names.get(r, r)), 34)}" for r in rows], rotation=0, fontsize=9)
    ax.set_xticks(np.arange(len(cols)) + 0.5, col_labels, rotation=0, fontsize=8.5)
    ax.set(xlabel=by_text.capitalize(), ylabel="")
    ax.set_title(title, fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def _ordinal(i: int) -> str:
    suffix = "th" if 10 <= i % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(i % 10, "th")
    return t(f"seminar.ordinal.{suffix}", i=i)


def rank_distribution_figure(table: pd.DataFrame, *, ranking: pd.DataFrame | None = None, title: str | None = None):
    """Heatmap of the share of participants who put each focus area 1st .. kth.

    ``table`` is :func:`rank_distribution` without ``by`` (published or not). Rows follow
    ``ranking`` (:func:`seminar_ranking`) when given, else the share ranking it first.
    Suppressed areas are marked.

    Examples
    --------
    >>> report.figure(rank_distribution_figure(dist, ranking=ranking), "rank_distribution")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, mark_suppressed

    title = title or t("seminar.fig.dist.title")
    if table is None or table.empty:
        return _empty_figure(t("seminar.fig.dist.empty"), title)
    plt, sns = _setup()
    d = table.assign(_share=_num(table["share"]).to_numpy(), _n=_num(table["n"]).to_numpy())
    if ranking is not None and len(ranking):
        rows = [f for f in ranking["focus_area_id"] if f in set(d["focus_area_id"])]
        rows += [f for f in dict.fromkeys(d["focus_area_id"]) if f not in rows]
    else:
        first = d[d["position"] == 1].sort_values("_share", ascending=False, na_position="last", kind="stable")
        rows = list(dict.fromkeys(first["focus_area_id"]))
    positions = sorted(d["position"].unique())
    grid = d.pivot_table(index="focus_area_id", columns="position", values="_share", aggfunc="first", dropna=False).reindex(index=rows, columns=positions)
    names = dict(zip(d["focus_area_id"], d["focus_area"])) if "focus_area" in d else {}
    n_of = d.groupby("focus_area_id")["_n"].max()
    fig, ax = plt.subplots(figsize=(1.0 * len(positions) + 5.5, 0.6 * len(rows) + 2.2))
    sns.heatmap(grid.astype(float), annot=True, fmt=".0%", cmap="Greens", vmin=0, vmax=max(0.5, float(np.nanmax(grid.to_numpy())) if grid.notna().any().any() else 1),
                linewidths=0.6, linecolor="white", ax=ax, annot_kws={"fontsize": 9}, cbar_kws={"label": t("seminar.fig.dist.cbar"), "shrink": 0.8})
    mark_suppressed(ax, grid)
    ax.set_yticks(np.arange(len(rows)) + 0.5, [_label_n(names.get(r, r), n_of.get(r, np.nan), 40) for r in rows], rotation=0, fontsize=9)
    ax.set_xticks(np.arange(len(positions)) + 0.5, [_ordinal(int(p)) for p in positions], rotation=0)
    order = t("seminar.fig.dist.order.seminar") if ranking is not None and len(ranking) else t("seminar.fig.dist.order.first")
    ax.set(xlabel=t("seminar.fig.dist.xlabel", order=order), ylabel="")
    ax.set_title(title, fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def slope_figure(changes: pd.DataFrame, *, title: str | None = None, left: str | None = None, right: str | None = None):
    """Slope chart from the working-session rank to the seminar rank of each focus area.

    ``changes`` is :func:`seminar_changes`. The focus areas both ranked are drawn on their
    shared ranks; the others are listed under the chart. ``left`` and ``right`` name the
    two rankings (default "Working session" and "PRA Seminar", in the report language).

    Examples
    --------
    >>> report.figure(slope_figure(seminar_changes(ranking, session)), "session_to_seminar")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap

    title = title or t("seminar.fig.slope.title")
    left = left or t("seminar.fig.slope.left")
    right = right or t("seminar.fig.slope.right")
    if changes is None or changes.empty:
        return _empty_figure(t("seminar.fig.slope.empty"), title)
    plt, _ = _setup()
    key = changes.columns[0]
    name_col = "focus_area" if "focus_area" in changes else key
    both = changes[changes["session_rank_shared"].notna() & changes["seminar_rank_shared"].notna()]
    others = changes.drop(both.index)
    k = max(len(both), 1)
    colours = {"moved up": "#1a9850", "moved down": "#d73027", "unchanged": "#7f7f7f"}
    fig, ax = plt.subplots(figsize=(9, 0.55 * k + 2.4 + 0.25 * len(others)))
    for _, r in both.iterrows():
        c = colours.get(r["change"], "#7f7f7f")
        ax.plot([0, 1], [r["session_rank_shared"], r["seminar_rank_shared"]], "-o", color=c, lw=2.2, ms=7)
        ax.text(-0.04, r["session_rank_shared"], f"{_wrap(str(r[name_col]), 30)}  {int(r['session_rank_shared'])}", ha="right", va="center", fontsize=9)
        shift = int(r["shift"])
        ax.text(1.04, r["seminar_rank_shared"], f"{int(r['seminar_rank_shared'])}  {_wrap(str(r[name_col]), 30)}" + (f" ({shift:+d})" if shift else ""),
                ha="left", va="center", fontsize=9, color=c if shift else "#333333")
    ax.set_xlim(-0.9, 1.9)
    ax.set_ylim(k + 0.6, 0.4)
    ax.set_xticks([0, 1], [t("seminar.fig.slope.tick", name=left), t("seminar.fig.slope.tick", name=right)], fontsize=10)
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    notes = [f"{term(change, 'change').capitalize()}: {', '.join(str(x) for x in others.loc[others['change'] == change, name_col])}."
             for change in dict.fromkeys(others["change"])]
    sub = t("seminar.fig.slope.subtitle")
    if notes:
        sub += " " + " ".join(notes)
    ax.set_title(title, fontsize=12, fontweight="bold")
    ax.set_xlabel(_wrap(sub, 110), fontsize=8.5, color="#444444")
    fig.tight_layout()
    return fig
