"""Figures of the key-stakeholder interviews.

:func:`code_bars` draws :func:`pra_lib.interviews.interview_codes`;
:func:`cooccurrence_heatmap` draws :func:`pra_lib.interviews.code_cooccurrence`
(published or not: suppressed cells are marked). matplotlib is imported inside the
functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..perception._common import ALL, _num
from ..publishing.disclosure import is_suppressed
from ..publishing.i18n import term
from ..publishing.i18n import t as tr  # t is a common name for a table in this chapter


# A suppressed code's row: the hatch of a withheld cell in the focus-area heatmap, lighter.
_SUPPRESSED_ROW = {"facecolor": "#f5f7f8", "hatch": "xx", "edgecolor": "#cfd8dc"}


def _interviewees(summary: pd.DataFrame | None, n_interviewees: int | None) -> str:
    if n_interviewees is None and summary is not None and len(summary):
        total = summary.loc[summary["stakeholder_group"] == ALL, "n"]
        n_interviewees = total.iloc[0] if len(total) else None
    if n_interviewees is None:
        return ""
    if is_suppressed(n_interviewees):
        return tr("perception.fig.codes.n_below")
    return tr("perception.fig.codes.n", n=int(n_interviewees))


def code_bars(codes: pd.DataFrame, *, title: str | None = None, summary: pd.DataFrame | None = None, n_interviewees: int | None = None):
    """Horizontal bars: interviewees raising each code, weaknesses and strengths.

    A suppressed code has no bar (a length would read as a count): its row is hatched
    across the whole panel and reads "suppressed", and the legend names the mark.

    Parameters
    ----------
    codes : pandas.DataFrame
        Output of :func:`interview_codes` with ``level="code"`` and no ``by``
        (published or not).
    title : str, optional
        Figure title.
    summary : pandas.DataFrame, optional
        :func:`interview_summary`, for the number of interviewees in the title.
    n_interviewees : int, optional
        Total interviewees, when ``summary`` is not given.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(code_bars(interview_codes(a)), "codes")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch

    from ..publishing.plots import _setup, _wrap

    plt, _ = _setup()
    t = codes.copy()
    t["_n"] = _num(t["n"])
    t["_s"] = _num(t["n_statements"])
    t["_supp"] = is_suppressed(t["n"])
    # Published bars largest first; hidden bars after them in code order, never by the count they hide.
    t["_v"] = t["valence"].astype(object).map({"weakness": 0, "strength": 1}).astype(float).fillna(2)
    t["_key"] = np.where(t["_supp"], t["code"].astype(str), "")
    t = t.sort_values(["_v", "_supp", "_n", "_key"], ascending=[True, True, False, True], kind="stable").reset_index(drop=True)
    colours = {"weakness": "#d6604d", "strength": "#4393c3"}
    fig, ax = plt.subplots(figsize=(9.5, 0.42 * len(t) + 2.0))
    y = np.arange(len(t))
    shown = ~t["_supp"].to_numpy()
    # A suppressed count has no bar: any length would read as a number. Its row is hatched
    # across the whole panel, edge to edge (the row shaded, not a length), and says "suppressed"; the legend names the mark.
    ax.barh(y[shown], t.loc[shown, "_n"], color=[colours.get(v, "#999999") for v in t.loc[shown, "valence"]], height=0.7)
    xmax = float(t["_n"].max()) if t["_n"].notna().any() else 5.0
    for i, r in t.iterrows():
        if r["_supp"]:
            ax.axhspan(i - 0.5, i + 0.5, zorder=0, lw=0, **_SUPPRESSED_ROW)
            ax.text(0.01, i, tr("common.suppressed"), transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="#263238",
                    bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
        else:
            ax.text(r["_n"] + xmax * 0.01, i, tr("perception.fig.codes.count", n=int(r["_n"]), statements=int(r["_s"])), va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels([_wrap(str(c), 36) for c in t["code"]], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, xmax * 1.3)
    ax.set_xlabel(tr("perception.fig.codes.xlabel"))
    handles = [Patch(color=c, label=term(v, "valence")) for v, c in colours.items()]
    if t["_supp"].any():
        handles.append(Patch(label=tr("synthesis.fig.heat.legend_withheld"), lw=0.6, **_SUPPRESSED_ROW))
    ax.legend(handles=handles, loc="lower right", fontsize=9)
    n_text = _interviewees(summary, n_interviewees)
    ax.set_title(title or tr("perception.fig.codes.title", n=n_text), fontsize=12, fontweight="bold")
    fig.tight_layout()
    return fig


def cooccurrence_heatmap(pairs: pd.DataFrame, *, title: str | None = None, summary: pd.DataFrame | None = None, n_interviewees: int | None = None):
    """Matrix of codes raised by the same interviewee; suppressed cells are marked.

    The diagonal holds the number of interviewees who raised each code.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Output of :func:`code_cooccurrence` (published or not).
    title : str, optional
        Figure title.
    summary : pandas.DataFrame, optional
        :func:`interview_summary`, for the number of interviewees in the title.
    n_interviewees : int, optional
        Total interviewees, when ``summary`` is not given.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> report.figure(cooccurrence_heatmap(code_cooccurrence(a)), "cooccurrence")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap, mark_suppressed

    plt, sns = _setup()
    t = pairs.copy()
    codes = list(dict.fromkeys([*t["code_a"], *t["code_b"]]))
    grid = pd.DataFrame(np.nan, index=codes, columns=codes)
    supp = pd.DataFrame(False, index=codes, columns=codes)
    for _, r in t.iterrows():
        val = _num(pd.Series([r["n"]])).iloc[0]
        grid.loc[r["code_a"], r["code_b"]] = grid.loc[r["code_b"], r["code_a"]] = val
        s = is_suppressed(r["n"])
        supp.loc[r["code_a"], r["code_b"]] = supp.loc[r["code_b"], r["code_a"]] = s
        for code, n_col in ((r["code_a"], "n_a"), (r["code_b"], "n_b")):
            v = _num(pd.Series([r[n_col]])).iloc[0]
            if pd.notna(v):
                grid.loc[code, code] = v
    fig, ax = plt.subplots(figsize=(0.62 * len(codes) + 4.5, 0.55 * len(codes) + 2.6))
    mask = np.triu(np.ones_like(grid, dtype=bool), 1)
    sns.heatmap(grid, mask=mask, annot=True, fmt=".0f", cmap="Purples", linewidths=0.5, linecolor="white", cbar_kws={"label": tr("perception.fig.pairs.cbar"), "shrink": 0.7}, ax=ax, annot_kws={"fontsize": 8})
    ax.grid(False)
    lower_supp = supp.where(~mask, False)
    marked = grid.where(~lower_supp, np.nan).where(lower_supp, 0.0)
    mark_suppressed(ax, marked)
    ax.set_xticklabels([_wrap(c, 16) for c in codes], rotation=90, fontsize=8)
    ax.set_yticklabels([_wrap(c, 30) for c in codes], rotation=0, fontsize=8)
    n_text = _interviewees(summary, n_interviewees)
    ax.set_title(title or tr("perception.fig.pairs.title", n=n_text), fontsize=11, fontweight="bold")
    fig.tight_layout()
    return fig
