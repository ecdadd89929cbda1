"""Figures of the Phase II working groups: the fit heatmap and the comparison of two options.

Each figure draws the fit table or a working-group option / comparison passed in;
matplotlib loads only when a figure is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..publishing.i18n import t, term
from .assignment import DEFAULT_MIN_COORDINATOR_FIT, WorkingGroups
from .comparison import Comparison
from .fit_scores import _check_fit, _chosen_focus_areas, _fit_matrix


def fit_heatmap(fit, groups: WorkingGroups | None = None, *, focus_areas: Sequence[str] | None = None, title: str | None = None):
    """Heatmap of organisation x focus-area fit, with the coordinators boxed.

    Parameters
    ----------
    fit : pandas.DataFrame
        Output of :func:`fit`.
    groups : WorkingGroups, optional
        An option whose coordinators are boxed and whose members are dotted.
    focus_areas : sequence of str, optional
        Columns to show; by default the groups' focus areas, else the selected ones.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(fit_heatmap(f, best), "fit")   # doctest: +SKIP
    """
    from matplotlib.patches import Rectangle

    from ..publishing.plots import _setup, _wrap

    plt, sns = _setup()
    fit_table = _check_fit(fit)
    if groups is not None and focus_areas is None:
        focus_areas = list(groups.coordinators["focus_area_id"])
    fas = _chosen_focus_areas(fit_table, focus_areas)
    orgs = fit_table.drop_duplicates("agency_id")[["agency_id", "agency", "stakeholder_group"]]
    group_order = {g: i for i, g in enumerate(pd.unique(orgs["stakeholder_group"]))}
    mat = _fit_matrix(fit_table, fas, orgs).T
    orgs = orgs.assign(_g=orgs["stakeholder_group"].map(group_order), _best=orgs["agency_id"].map(mat.max(axis=1)), _i=np.arange(len(orgs)))
    orgs = orgs.sort_values(["_g", "_best", "_i"], ascending=[True, False, True])
    mat = mat.loc[orgs["agency_id"]]
    fig, ax = plt.subplots(figsize=(2.0 * len(fas) + 5.0, 0.36 * len(mat) + 3.2))
    # Zeros are left blank so that the organisations that do fit stand out.
    annot = mat.map(lambda v: f"{v:.2f}" if pd.notna(v) and v > 0 else "")
    sns.heatmap(mat, annot=annot, fmt="", cmap="YlGnBu", vmin=0, vmax=1, linewidths=0.5, linecolor="#ffffff", annot_kws={"fontsize": 8},
                cbar_kws={"label": t("wg.fig.fit.cbar"), "shrink": 0.6}, ax=ax)
    ax.grid(False)
    ax.set_yticks(np.arange(len(mat)) + 0.5, [_wrap(f"{a}  [{term(g, 'stakeholder_group')}]", 44) for a, g in zip(orgs["agency"], orgs["stakeholder_group"])], rotation=0, fontsize=8.5)
    ax.set_xticks(np.arange(len(fas)) + 0.5, [_wrap(f"{f} {n}", 20) for f, n in zip(fas["focus_area_id"], fas["focus_area"])], rotation=0, fontsize=8.5)
    ax.xaxis.tick_top()
    # Lines between stakeholder groups.
    bounds = np.flatnonzero(np.diff(orgs["_g"].to_numpy())) + 1
    for b in bounds:
        ax.axhline(b, color="#333333", lw=1.2)
    sub = t("wg.fig.fit.subtitle", n=len(mat), k=len(fas))
    if groups is not None:
        rows = {a: i for i, a in enumerate(mat.index)}
        cols = {f: j for j, f in enumerate(mat.columns)}
        for _, m in groups.members.iterrows():
            i, j = rows.get(m["agency_id"]), cols.get(m["focus_area_id"])
            if i is None or j is None:
                continue
            if m["role"] == "coordinator":
                ax.add_patch(Rectangle((j + 0.04, i + 0.06), 0.92, 0.88, fill=False, edgecolor="#d7301f", lw=2.4))
            else:
                ax.plot(j + 0.9, i + 0.25, marker="o", ms=4, color="#d7301f")
        sub += t("wg.fig.fit.marks", option=groups.option)
    ax.set(xlabel="", ylabel="")
    ax.set_title(sub, fontsize=9, pad=38)
    fig.suptitle(title or t("wg.fig.fit.title"), fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def comparison_chart(comparison: Comparison, *, min_coordinator_fit: float | None = DEFAULT_MIN_COORDINATOR_FIT, title: str | None = None):
    """Coordinator fit per focus area under two options, with the coordinators named.

    Parameters
    ----------
    comparison : Comparison
        Output of :func:`compare`.
    min_coordinator_fit : float or None
        Drawn as a dashed line; ``None`` draws none.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(comparison_chart(compare(best, baseline)), "comparison")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap

    plt, _ = _setup()
    g = comparison.groups
    fas = list(pd.unique(g["focus_area_id"]))
    names = dict(zip(g["focus_area_id"], g["focus_area"]))
    colours = ["#2166ac", "#f4a582"]
    fig, ax = plt.subplots(figsize=(10.5, 0.95 * len(fas) + 2.4))
    height = 0.38
    totals = comparison.totals.set_index("option")
    for k, option in enumerate(comparison.options):
        part = g[g["option"] == option].set_index("focus_area_id").reindex(fas)
        y = np.arange(len(fas)) + (k - 0.5) * height
        total = totals.loc[option, "total_fit"]
        ax.barh(y, part["fit"].fillna(0), height=height * 0.95, color=colours[k], label=t("wg.fig.comp.option", option=option, total=f"{total:.2f}"))
        for yy, v, who in zip(y, part["fit"].fillna(0), part["agency"]):
            ax.text(v + 0.01, yy, f"{who} ({v:.2f})", va="center", fontsize=8.5)
    ax.set_yticks(np.arange(len(fas)), [_wrap(f"{f} {names[f]}", 30) for f in fas], fontsize=9)
    ax.invert_yaxis()
    if min_coordinator_fit is not None:
        ax.axvline(min_coordinator_fit, color="#b2182b", ls="--", lw=1, label=t("wg.fig.comp.minimum", fit=f"{min_coordinator_fit:.2f}"))
    ax.set_xlim(0, 1.25)
    ax.set_xlabel(t("wg.fig.comp.xlabel"))
    ax.grid(axis="y", visible=False)
    ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
    ax.set_title(t("wg.fig.comp.subtitle", n=len(fas)), fontsize=9.5)
    fig.suptitle(title or t("wg.fig.comp.title"), fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig
