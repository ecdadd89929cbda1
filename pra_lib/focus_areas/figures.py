"""Figures of the focus-areas chapter: the evidence heatmap, the rank distribution and the sensitivity bars.

Each figure draws a table or result already computed (:func:`evidence_matrix`,
:func:`rank_focus_areas`, :func:`uncertainty_analysis`); matplotlib and seaborn load only
when a figure is drawn.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import format_number, format_percent
from ..publishing.i18n import t as tr  # t names tables in this chapter
from ..stats.composite import normalise
from ._common import (
    ANSWERS_WITHHELD,
    DEFAULT_CI,
    DEFAULT_TOP_K,
    FACTORS,
    INTERVIEW_COUNT_COLUMNS,
    INTERVIEW_WITHHELD,
    PERCEPTION_COLUMNS,
    SALIENCE,
    _evidence_columns,
    _key,
    _labels,
    _values,
)
from .findings_text import _evidence, _factor_label, _option_text, _pct
from .uncertainty import UncertaintyResult

__all__ = ["evidence_heatmap", "rank_distribution_figure", "sensitivity_figure"]

_SELECTED_COLOUR = "#1565c0"
_OTHER_COLOUR = "#9e9e9e"
# Two kinds of empty cell, told apart by fill and hatch (and named in the legend): a value
# withheld to protect respondents, and one that does not exist (a focus area covering no hazard).
_WITHHELD_CELL = {"facecolor": "#b0bec5", "hatch": "xx", "edgecolor": "#546e7a"}
_MISSING_CELL = {"facecolor": "#f5f5f5", "hatch": "///", "edgecolor": "#c7c7c7"}


def _empty_figure(message: str, title: str):
    from ..publishing.plots import empty_figure

    return empty_figure(message, title)


def _number(value: float, digits: int) -> str:
    """A number of a figure in the report language (``2,30`` in Indonesian), written here.

    A figure's text is localised once drawn (:func:`pra_lib.publishing.plots.localise_figure`),
    but inside a cell of several lines a number with one decimal ("25.0") may be an id and is
    left as it is there: so the figure writes its numbers in the report language itself.
    """
    return format_number(value, digits=digits, grouping=False)


def _raw_text(column: str, value: float, row: pd.Series) -> str:
    if np.isnan(value):
        return tr("common.not_available")
    if column == "perception_weakness":
        mp = row.get("mean_performance", np.nan)
        return f"{_number(value, 2)}\n" + tr("synthesis.fig.heat.mean", mean=_number(mp, 2)) if pd.notna(mp) else _number(value, 2)
    if column == "linked_risk":
        top = row.get("top_hazard")
        return f"{_number(value, 1)}\n{_short(top, 24)}" if isinstance(top, str) else (f"{_number(value, 0)}\n" + tr("synthesis.fig.heat.no_hazard") if value == 0 else _number(value, 1))
    if column == "action_gap":
        n = row.get("n_actions", np.nan)
        return f"{_number(value, 2)}\n" + tr("synthesis.fig.heat.actions", n=int(n)) if pd.notna(n) else _number(value, 2)
    if column == "interview_salience":
        n = row.get("n_weakness_statements", np.nan)
        return f"{format_percent(value)}\n" + tr("synthesis.fig.heat.statements", n=int(n)) if pd.notna(n) else format_percent(value)
    # another column: about three significant digits
    return _number(value, 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0)


def _short(text, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def evidence_heatmap(matrix: pd.DataFrame, *, ranking: pd.DataFrame | None = None, columns: Sequence[str] | None = None,
                     title: str | None = None):
    """Heatmap of focus areas x evidence: colour = min-max normalised (0-100), text = the raw value.

    Rows follow ``ranking`` (the nominal ranking, with its score in the label) when given.
    Agreed focus areas (``selected``) are marked. Pass the matrix and ranking as
    published: an interview count withheld there (``interview_withheld``), or the
    perception evidence of a focus area whose goals were answered alike
    (``answers_withheld``), is a blank cell that reads "suppressed", cross-hatched on
    blue-grey; a value that does not exist (a focus area covering no hazard, a goal no one
    rated) is a light cell with diagonal hatching that reads "n/a". A legend names both
    marks. The colours are normalised over the published values, so they give nothing
    withheld back. Where every share of weakness statements is withheld with their total
    (the interview report withholds it), the interview column shows each row's count, and
    is coloured by it (the same colours: min-max of count / total is that of the count).

    Examples
    --------
    >>> report.figure(evidence_heatmap(matrix, ranking=ranking), "evidence_heatmap")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap

    title = title or tr("synthesis.fig.heat.title")
    if matrix is None or matrix.empty:
        return _empty_figure(tr("synthesis.fig.heat.empty"), title)
    plt, sns = _setup()
    cols = _evidence_columns(matrix, columns)
    m = matrix.reset_index(drop=True)
    key = _key(m) or "focus_area_id"
    if ranking is not None and key in ranking:
        order = [k for k in ranking[key] if k in set(m[key])] + [k for k in m[key] if k not in set(ranking[key])]
        m = m.set_index(key).loc[order].reset_index()
        rank_of = dict(zip(ranking[key], ranking["rank"]))
        score_of = dict(zip(ranking[key], _num(ranking["score"])))
    else:
        rank_of, score_of = {}, {}
    counts = _num(m["n_weakness_statements"]) if "n_weakness_statements" in m else pd.Series(np.nan, index=m.index)
    # The shares withheld in every row while counts are published (the interview report withholds
    # everyone's weakness statements, withhold_interview_evidence): min-max of count / total is
    # min-max of the count, so the column is coloured and labelled by the counts.
    shares_withheld = SALIENCE in cols and bool(_num(m[SALIENCE]).isna().all()) and bool((counts > 0).any())
    with warnings.catch_warnings():
        # colours only: a constant column is already reported by rank_focus_areas on the same matrix
        warnings.filterwarnings("ignore", message="normalise: .* is the same for every row")
        norm = normalise(m.assign(**{SALIENCE: counts.astype(float)}) if shares_withheld else m, method="minmax", columns=cols)
    grid = pd.DataFrame(_values(norm, cols), columns=[_evidence(c, "label") for c in cols])
    labels = []
    for i, lab in enumerate(_labels(m)):
        r = rank_of.get(m[key].iloc[i])
        prefix = f"{int(r)}. " if r is not None and pd.notna(r) else ""
        mark = " ★" if "selected" in m and bool(m["selected"].iloc[i]) else ""
        sc = score_of.get(m[key].iloc[i])
        score = "\n" + tr("synthesis.fig.heat.score", score=_number(sc, 1)) if sc is not None and pd.notna(sc) else ""
        labels.append(_wrap(prefix + lab + mark, 36) + score)
    grid.index = labels
    interview = m[INTERVIEW_WITHHELD].astype(str).eq("True").to_numpy() if INTERVIEW_WITHHELD in m else np.zeros(len(m), dtype=bool)
    alike = m[ANSWERS_WITHHELD].astype(str).eq("True").to_numpy() if ANSWERS_WITHHELD in m else np.zeros(len(m), dtype=bool)
    withheld = np.array([[bool(interview[i] and c in INTERVIEW_COUNT_COLUMNS or alike[i] and c in PERCEPTION_COLUMNS and np.isnan(grid.iloc[i, j]))
                          for j, c in enumerate(cols)] for i in range(len(m))], dtype=bool).reshape(len(m), len(cols))
    annot = np.array([[tr("common.suppressed") if withheld[i, j]
                       else tr("synthesis.fig.heat.statements", n=int(counts.iloc[i])) if shares_withheld and c == SALIENCE and pd.notna(counts.iloc[i])
                       else _raw_text(c, float(_num([m[c].iloc[i]]).iloc[0]), m.iloc[i])
                       for j, c in enumerate(cols)] for i in range(len(m))])
    fig, ax = plt.subplots(figsize=(2.3 * len(cols) + 4.2, 0.78 * len(m) + 2.4))
    sns.heatmap(grid, annot=annot, fmt="", cmap="YlOrRd", vmin=0, vmax=100, linewidths=0.8, linecolor="white",
                cbar_kws={"label": tr("synthesis.fig.heat.cbar")}, annot_kws={"fontsize": 8.5}, ax=ax)
    from matplotlib.patches import Patch, Rectangle

    kinds = set()
    for i in range(len(m)):
        for j in range(len(cols)):
            if np.isnan(grid.iloc[i, j]):
                kind = "withheld" if withheld[i, j] else "missing"
                kinds.add(kind)
                ax.add_patch(Rectangle((j, i), 1, 1, lw=0, **(_WITHHELD_CELL if kind == "withheld" else _MISSING_CELL)))
                # seaborn writes no text on an empty cell: say what it is, on a plate over the hatching
                ax.text(j + 0.5, i + 0.5, annot[i, j], ha="center", va="center", fontsize=8.5, color="#263238",
                        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
    handles = [Patch(label=tr(f"synthesis.fig.heat.legend_{k}"), lw=0.6, **(_WITHHELD_CELL if k == "withheld" else _MISSING_CELL))
               for k in ("withheld", "missing") if k in kinds]
    units = [(_evidence(c, "label"), f"[{_evidence(c, 'short')}]") for c in cols]
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0, fontsize=9)
    ax.set(xlabel="", ylabel="")
    ax.set_title(title, fontsize=13, fontweight="bold", loc="left")
    note = tr("synthesis.fig.heat.note")
    if "selected" in m:
        note += "  " + tr("synthesis.fig.heat.note_selected")
    if rank_of:
        note += "  " + tr("synthesis.fig.heat.note_order")
    if shares_withheld:
        note += "  " + tr("synthesis.fig.heat.note_shares_withheld")
    # about 5 pt a character: the note is wrapped within the figure's width, narrow or wide
    note = fig.text(0.01, 0.005, _wrap(note, min(150, int(fig.get_figwidth() * 72 / 5.2))), fontsize=8.5, color="#455a64", va="bottom")
    if handles:
        # the two kinds of blank cell, named on a line of their own between the title and the grid
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(handles), fontsize=8.5, frameon=False,
                  handlelength=2.2, handleheight=1.4, borderaxespad=0.3)
        ax.set_title(title, fontsize=13, fontweight="bold", loc="left", pad=30)
    _fit_column_names(fig, ax, units, note)
    return fig


def _fit_column_names(fig, ax, units, note) -> None:
    """Column names under the grid in as few lines as keep neighbours apart, and the note below them.

    A column's name and unit, longer in Indonesian ("[kebutuhan - cakupan (-1 hingga 1)]"),
    ran into the next column's, and the note, given a fixed strip at the bottom, ran into
    the names when it took three lines: the names are wrapped narrower until neighbours
    stand apart, and the grid is laid out above the note's measured height.
    """
    from ..publishing.plots import _wrap, tick_labels_overlap

    for width in (40, 30, 24, 18, 14):
        ax.set_xticklabels(["\n".join(_wrap(part, width) for part in unit) for unit in units], rotation=0, fontsize=8.5)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        bottom = (note.get_window_extent(renderer).y1 - fig.bbox.y0 + 6) / fig.bbox.height
        fig.tight_layout(rect=(0, bottom, 1, 1))
        if not tick_labels_overlap(ax, "x"):
            break


def rank_distribution_figure(result: UncertaintyResult, *, summary: pd.DataFrame | None = None, title: str | None = None):
    """Each focus area's rank across the Monte Carlo runs.

    Bubbles show how often the focus area takes each rank; the bar is the rank interval
    (90% by default), the dark dot the median rank and the open diamond the nominal rank.
    The right margin gives the share of runs in the top k and in first place. Agreed focus
    areas are blue, other candidates grey. With ``summary`` (the summary as published,
    :func:`withhold_nominal_scores`) the diamond is its nominal rank, left out where that
    is withheld.

    Examples
    --------
    >>> report.figure(rank_distribution_figure(uncertainty, summary=published), "rank_distribution")  # doctest: +SKIP
    """
    from matplotlib.lines import Line2D

    from ..publishing.plots import _setup, _wrap

    s = result.summary if summary is None else summary.reset_index(drop=True)
    title = title or tr("synthesis.fig.rdist.title")
    if s is None or s.empty:
        return _empty_figure(tr("synthesis.fig.rdist.empty"), title)
    plt, _ = _setup()
    key = _key(s) or s.columns[0]
    F = len(s)
    k = int(result.settings.get("top_k", DEFAULT_TOP_K))
    ci = float(result.settings.get("ci", DEFAULT_CI))
    n_runs = int(result.settings.get("n_runs", 0))
    fig, ax = plt.subplots(figsize=(11, 0.66 * F + 2.6))
    ranks = result.ranks
    for i, row in s.iterrows():
        colour = _SELECTED_COLOUR if bool(row.get("selected", False)) else _OTHER_COLOUR
        r = ranks.loc[ranks[key] == row[key], "rank"].dropna()
        if r.empty:
            ax.text(1, i, tr("synthesis.fig.rdist.not_ranked"), va="center", fontsize=8.5, color="#777777")
            continue
        freq = r.value_counts(normalize=True)
        ax.scatter(freq.index, [i] * len(freq), s=1100 * freq.to_numpy(), color=colour, alpha=0.28, lw=0, zorder=1)
        ax.plot([row["rank_low"], row["rank_high"]], [i, i], color=colour, lw=4, alpha=0.85, solid_capstyle="round", zorder=2)
        ax.plot(row["rank_median"], i, "o", color="#212121", ms=7, zorder=3)
        if pd.notna(row["nominal_rank"]):  # a withheld nominal rank is not drawn
            ax.plot(row["nominal_rank"], i, "D", mfc="white", mec="#212121", ms=7, mew=1.4, zorder=4)
        ax.text(F + 0.75, i, tr("synthesis.fig.rdist.shares", k=k, top=f"{_pct(row['share_top_k']):>4}", first=f"{_pct(row['share_first']):>4}"), va="center", fontsize=9,
                family="monospace")
    ax.set_yticks(range(F), [_wrap(t, 40) for t in _labels(s)], fontsize=9)
    ax.set_xlim(0.4, F + 0.6)
    ax.set_ylim(F - 0.4, -0.6)
    ax.set_xticks(range(1, F + 1))
    if k < F:
        ax.axvline(k + 0.5, color="#b71c1c", ls="--", lw=1)
        ax.text(k + 0.55, F - 0.5, tr("synthesis.fig.rdist.cut", k=k), color="#b71c1c", fontsize=8.5, va="bottom")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(tr("synthesis.fig.rdist.xlabel", ci=format_percent(ci)))
    ax.set_title(title, fontsize=13, fontweight="bold", loc="left", pad=22)
    st = result.settings
    varied = ", ".join(tr(f"synthesis.fig.rdist.varied.{part}") for part, on in (
        ("normalisation", len(st.get("normalisations", ())) > 1), ("aggregation", len(st.get("aggregations", ())) > 1),
        ("weights", True), ("left_out", len(st.get("left_out_options", ())) > 1)) if on)
    ax.text(0, 1.02, tr("synthesis.fig.rdist.runs", n=format_number(n_runs), varied=varied), transform=ax.transAxes, fontsize=9, color="#455a64")
    handles = [Line2D([], [], marker="o", ls="", color="#212121", label=tr("synthesis.fig.rdist.median")),
               Line2D([], [], marker="D", ls="", mfc="white", mec="#212121", label=tr("synthesis.fig.rdist.nominal")),
               Line2D([], [], color=_SELECTED_COLOUR, lw=4, label=tr("synthesis.fig.rdist.agreed")),
               Line2D([], [], color=_OTHER_COLOUR, lw=4, label=tr("synthesis.fig.rdist.other"))]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8.5, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def _option_label(factor: str, option: str) -> str:
    if factor == "left_out":
        return option[0].upper() + option[1:]
    if factor == "weights":
        return tr("synthesis.fig.sens.weights_option", option=option)
    if factor in ("normalisation", "aggregation"):
        return tr(f"synthesis.fig.sens.option.{factor}", option=option)
    return f"{_factor_label(factor)}: {_option_number(option)}"


def _option_number(option: str) -> str:
    """A numeric option of the sensitivity table ("0.5", English data) in the report language; other options as given."""
    found = re.fullmatch(r"[-+]?\d+(?:\.(\d+))?", str(option).strip())
    if found is None:
        return option
    return _number(float(option), len(found.group(1) or ""))


def sensitivity_figure(result: UncertaintyResult, *, title: str | None = None):
    """Bars: each choice's Sobol total index, first-order part marked (left), and the one-at-a-time shift per option (right).

    The left panel is the measure the reports quote: the share of the variance of the focus
    areas' ranks due to each choice, interactions included (the darker inner bar is the
    part it causes alone). The right panel illustrates single options: each is set alone,
    the other choices kept at their nominal settings, and the shift is measured from the
    nominal ranking. Without Sobol indices the left panel shows the one-at-a-time shift.

    Examples
    --------
    >>> report.figure(sensitivity_figure(uncertainty), "sensitivity")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap, fit_texts_inside

    sens, opts = result.sensitivity, result.options
    title = title or tr("synthesis.fig.sens.title")
    if sens is None or sens.empty:
        return _empty_figure(tr("synthesis.fig.sens.empty"), title)
    plt, sns = _setup()
    opts = opts[~opts["nominal"]].copy()
    opts["label"] = [_option_label(f, _option_text(f, o, result.settings.get("n_runs"))) for f, o in zip(opts["factor"], opts["option"])]
    opts = opts.sort_values("mean_abs_rank_shift", ascending=False, kind="stable")
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, max(3.8, 0.42 * len(opts) + 2.0)), gridspec_kw={"width_ratios": [1, 1.15]})
    cmap = dict(zip(FACTORS, sns.color_palette("Set2", len(FACTORS))))
    labels = [_wrap(_factor_label(f), 26) for f in sens["factor"]]
    notes1, notes2 = [], []  # the value labels after the bars, kept inside their panel below
    if "sobol_total" in sens and sens["sobol_total"].notna().any():
        total = sens["sobol_total"].fillna(0.0).clip(lower=0.0)
        first = sens["sobol_first"].fillna(0.0).clip(lower=0.0)
        a1.barh(labels, total, color=[cmap[f] for f in sens["factor"]])
        a1.barh(labels, np.minimum(first, total), height=0.35, color="0.25")
        for i, (v, f1) in enumerate(zip(total, first)):
            notes1.append(a1.text(v, i, " " + tr("synthesis.fig.sens.sobol_value", total=_number(v, 2), first=_number(f1, 2)), va="center", fontsize=8.5))
        a1.set_xlim(0, max(0.2, float(total.max()) * 1.7))
        a1.set(xlabel=tr("synthesis.fig.sens.sobol_xlabel"), ylabel="")
        a1.set_title(_wrap(tr("synthesis.fig.sens.sobol_title"), 60), loc="left", fontsize=11)
    else:
        a1.barh(labels, sens["mean_abs_rank_shift"], color=[cmap[f] for f in sens["factor"]])
        for i, (v, lead) in enumerate(zip(sens["mean_abs_rank_shift"], sens["share_leader_changed"])):
            notes1.append(a1.text(v, i, " " + tr("synthesis.fig.sens.leader", shift=_number(v, 2), share=_pct(lead)), va="center", fontsize=8.5))
        a1.set_xlim(0, max(0.5, float(sens["mean_abs_rank_shift"].max()) * 1.9))
        a1.set(xlabel=tr("synthesis.fig.sens.xlabel1"), ylabel="")
        a1.set_title(_wrap(tr("synthesis.fig.sens.title1"), 60), loc="left", fontsize=11)
    a1.invert_yaxis()
    a2.barh([_wrap(x, 40) for x in opts["label"]], opts["mean_abs_rank_shift"], color=[cmap[f] for f in opts["factor"]])
    for i, (v, mx) in enumerate(zip(opts["mean_abs_rank_shift"], opts["max_abs_rank_shift"])):
        notes2.append(a2.text(v, i, " " + tr("synthesis.fig.sens.largest", shift=_number(v, 2), largest=_number(mx, 0)), va="center", fontsize=8.5))
    a2.invert_yaxis()
    a2.set_xlim(0, max(0.5, float(opts["mean_abs_rank_shift"].max()) * 1.55))
    a2.set(xlabel=tr("synthesis.fig.sens.xlabel2"), ylabel="")
    a2.set_title(_wrap(tr("synthesis.fig.sens.title2"), 66), loc="left", fontsize=11)
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    fig.tight_layout()
    for ax, notes in ((a1, notes1), (a2, notes2)):
        fit_texts_inside(ax, notes)
    fig.tight_layout()
    return fig
