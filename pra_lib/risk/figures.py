"""Figures of the risk chapter: matplotlib drawings of the tables the other modules compute.

matplotlib, seaborn and networkx are imported inside each function, so importing the chapter
stays free of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import term
from ..publishing.i18n import t as tr
from ._common import _score_lookup
from .assets import DEFAULT_CRITICAL
from .bands import DEFAULT_BANDS, MAX_SCORE, _check_bands, risk_band
from .findings import _fmt, _pct, _strength
from .network import _risk_reach

BAND_COLOURS = {"low": "#9ccc65", "medium": "#ffe082", "high": "#ffb74d", "extreme": "#e57373"}
TREND_COLOURS = {"worsening": "#c62828", "stable": "#78909c", "improving": "#2e7d32", "mixed": "#b39ddb"}
LIKELIHOOD_LABELS = ("rare", "unlikely", "possible", "likely", "almost certain")
CONSEQUENCE_LABELS = ("insignificant", "minor", "moderate", "major", "catastrophic")


def _band_colours(bands) -> dict[str, str]:
    names, _ = _check_bands(bands)
    if all(n in BAND_COLOURS for n in names):
        return {n: BAND_COLOURS[n] for n in names}
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["RdYlGn_r"]
    return {n: to_hex(cmap(0.15 + 0.7 * i / max(len(names) - 1, 1))) for i, n in enumerate(names)}


def _label_n(name, n, width: int = 34) -> str:
    """A hazard or asset name wrapped to ``width``, with its n (or 'suppressed')."""
    from ..publishing.plots import _wrap

    count = tr("common.suppressed") if n is None or (isinstance(n, float) and np.isnan(n)) else f"{int(n)}"
    text = f"{name} ({tr('common.n_equals', n=count)})"
    return text if len(text) <= width else f"{_wrap(str(name), width)}\n({tr('common.n_equals', n=count)})"


def _empty_figure(message: str, title: str):
    from ..publishing.plots import empty_figure

    return empty_figure(message, title)


# Marker radius on the matrix, in cells (a 17 pt marker on a cell of about 1.1 inch), with
# a margin for the white edge and the whisker's width.
_MARKER_RADIUS = 0.13


def _ring(k: int) -> tuple[float, list[float]]:
    """Radius and angles (degrees) of ``k`` markers sharing a cell, none touching another."""
    radius = 0.24 if k <= 3 else 0.28 if k == 4 else 0.34
    return radius, [360.0 * j / k for j in range(k)]


def _crossings(positions, spans, radius: float = _MARKER_RADIUS) -> int:
    """How many whiskers run through another marker, and how many markers touch each other."""
    hits = 0
    for i, (px, py) in enumerate(positions):
        (x_lo, x_hi), (y_lo, y_hi) = spans[i]
        for j, (qx, qy) in enumerate(positions):
            if i == j:
                continue
            if x_hi > x_lo and abs(qy - py) < radius and x_lo - radius < qx < x_hi + radius:
                hits += 1
            if y_hi > y_lo and abs(qx - px) < radius and y_lo - radius < qy < y_hi + radius:
                hits += 1
            if j > i and np.hypot(qx - px, qy - py) < 2 * radius - 0.04:
                hits += 1
    return hits


def _dodge(positions: list[tuple[float, float]], spans: list[tuple[tuple[float, float], tuple[float, float]]] | None = None,
           ) -> list[tuple[float, float]]:
    """Spread markers that share a matrix cell so that none hides another.

    Markers of one cell go on a small ring around its centre. ``spans`` are each marker's
    whiskers as offsets from it (``((left, right), (down, up))``); the ring of each cell is
    turned so that no whisker runs through another marker where that can be avoided.
    """
    seen: dict[tuple[float, float], list[int]] = {}
    for i, p in enumerate(positions):
        seen.setdefault(p, []).append(i)
    out = list(positions)
    offsets = [((0.0, 0.0), (0.0, 0.0))] * len(positions) if spans is None else spans

    def whiskers(points):
        return [((x - a, x + b), (y - c, y + d)) for (x, y), ((a, b), (c, d)) in zip(points, offsets)]

    for p, members in seen.items():
        if len(members) < 2:
            continue
        radius, angles = _ring(len(members))
        best = None
        # The first turn that crosses least (45 degrees first: a diagonal keeps the cell's
        # centre lines, where whiskers from neighbouring cells run, free).
        for turn in (45.0, 135.0, 0.0, 90.0, 22.5, 67.5, 112.5, 157.5):
            trial = list(out)
            for j, i in enumerate(members):
                a = np.deg2rad(angles[j] + turn)
                trial[i] = (p[0] + radius * np.cos(a), p[1] + radius * np.sin(a))
            score = _crossings(trial, whiskers(trial))
            if best is None or score < best[0]:
                best = (score, trial)
        out = best[1]
    return out


def risk_matrix_figure(
    scores: pd.DataFrame,
    *,
    boot: pd.DataFrame | None = None,
    bands=DEFAULT_BANDS,
    title: str | None = None,
):
    """Each shock at its median likelihood and consequence on a banded 5 x 5 matrix.

    Whiskers show the interquartile range of the individual ratings; with ``boot`` (from
    :func:`bootstrap_scores`) a faint cloud shows where the medians fall across bootstrap
    resamples. Markers are numbered by rank and named, with their n, beside the matrix.
    Suppressed rows are left out and listed.

    Examples
    --------
    >>> report.figure(risk_matrix_figure(published_scores, boot=boot), "risk_matrix")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch, Rectangle

    from ..publishing.plots import _setup, _wrap

    title = title or tr("risk.fig.matrix.title")
    if scores is None or scores.empty:
        return _empty_figure(tr("risk.fig.matrix.empty"), title)
    plt, _ = _setup()
    colours = _band_colours(bands)
    data = scores.assign(**{c: _num(scores[c]) for c in ["likelihood", "consequence", "likelihood_q1", "likelihood_q3",
                                                         "consequence_q1", "consequence_q3", "score", "n"]})
    shown = data.dropna(subset=["likelihood", "consequence"]).sort_values(["score", "hazard_id"], ascending=[False, True], kind="stable")
    hidden = data[data["likelihood"].isna() | data["consequence"].isna()]
    fig, (ax, side) = plt.subplots(1, 2, figsize=(12, 6.6), gridspec_kw={"width_ratios": [1.25, 1]})
    for lk in range(1, 6):
        for cq in range(1, 6):
            band = risk_band(lk * cq, bands=bands)
            ax.add_patch(Rectangle((lk - 0.5, cq - 0.5), 1, 1, facecolor=colours[band], alpha=0.55, edgecolor="white", lw=2))
            ax.text(lk + 0.44, cq - 0.44, f"{lk * cq}", ha="right", va="bottom", fontsize=7, color="#555555")
    spans = [((max(r.likelihood - r.likelihood_q1, 0), max(r.likelihood_q3 - r.likelihood, 0)),
              (max(r.consequence - r.consequence_q1, 0), max(r.consequence_q3 - r.consequence, 0)))
             for r in shown.itertuples()]
    spans = [tuple(tuple(0.0 if np.isnan(v) else float(v) for v in pair) for pair in span) for span in spans]
    positions = _dodge([(float(x), float(y)) for x, y in zip(shown["likelihood"], shown["consequence"])], spans)
    if boot is not None and len(boot):
        jitter = np.random.default_rng(0)  # fixed: the figure is the same on every run
        offsets = {h: (px - x, py - y) for h, (px, py), x, y in zip(shown["hazard_id"], positions, shown["likelihood"], shown["consequence"])}
        cloud = boot[boot["hazard_id"].isin(offsets)]
        dx = cloud["hazard_id"].map(lambda h: offsets[h][0]).to_numpy()
        dy = cloud["hazard_id"].map(lambda h: offsets[h][1]).to_numpy()
        # Jitter within a disc smaller than the marker: medians that never move stay hidden.
        radius = 0.07 * np.sqrt(jitter.uniform(0, 1, len(cloud)))
        angle = jitter.uniform(0, 2 * np.pi, len(cloud))
        ax.scatter(cloud["likelihood"] + dx + radius * np.cos(angle), cloud["consequence"] + dy + radius * np.sin(angle),
                   s=3, color="#37474f", alpha=0.05, lw=0, zorder=2)
    lines = []
    for i, (row, (px, py)) in enumerate(zip(shown.itertuples(), positions), start=1):
        xerr = [[max(row.likelihood - row.likelihood_q1, 0)], [max(row.likelihood_q3 - row.likelihood, 0)]]
        yerr = [[max(row.consequence - row.consequence_q1, 0)], [max(row.consequence_q3 - row.consequence, 0)]]
        # Whiskers only where the quartiles differ from the median: no stray caps. They are
        # drawn under every marker, so where one must pass a marker it goes behind it.
        if np.nansum(xerr) > 0:
            ax.errorbar(px, py, xerr=xerr, fmt="none", ecolor="#263238", elinewidth=1.4, capsize=4, alpha=0.8, zorder=3)
        if np.nansum(yerr) > 0:
            ax.errorbar(px, py, yerr=yerr, fmt="none", ecolor="#263238", elinewidth=1.4, capsize=4, alpha=0.8, zorder=3)
        ax.plot(px, py, "o", ms=17, color="#263238", mec="white", mew=1.5, zorder=5)
        ax.text(px, py, str(i), ha="center", va="center", color="white", fontsize=9, fontweight="bold", zorder=6)
        lines.append(f"{i:>2}  {_wrap(str(row.hazard), 30)}\n     {_fmt(row.likelihood)} x {_fmt(row.consequence)} = "
                     f"{_fmt(row.score)} ({term(row.band, 'band')}), {tr('common.n_equals', n=int(row.n))}")
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6), [f"{i}\n{term(label, 'likelihood')}" for i, label in enumerate(LIKELIHOOD_LABELS, start=1)], fontsize=8)
    ax.set_yticks(range(1, 6), [f"{term(label, 'consequence')} {i}" for i, label in enumerate(CONSEQUENCE_LABELS, start=1)], fontsize=8)
    ax.grid(False)
    ax.set_aspect("equal")
    ax.set(xlabel=tr("risk.fig.matrix.xlabel"), ylabel=tr("risk.fig.matrix.ylabel"), title=title)
    side.set_axis_off()
    if hidden.shape[0]:
        lines.append(tr("risk.fig.matrix.hidden", names=", ".join(hidden["hazard"].astype(str))))
    side.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=8.5, transform=side.transAxes)
    handles = [Patch(facecolor=c, alpha=0.55, label=tr("risk.fig.matrix.band_up_to", band=term(n, "band"), value=_fmt(u)) if i < len(colours) - 1
                     else tr("risk.fig.matrix.band_above", band=term(n, "band"), value=_fmt(prev)))
               for i, ((n, c), u, prev) in enumerate(zip(colours.items(), _check_bands(bands)[1], [0, *_check_bands(bands)[1][:-1]]))]
    side.legend(handles=handles, title=tr("risk.fig.matrix.legend"), loc="lower left", fontsize=8, title_fontsize=8, frameon=False)
    note = tr("risk.fig.matrix.whiskers")
    if boot is not None and len(boot):
        note += "\n" + tr("risk.fig.matrix.dots", n=f"{boot['resample'].nunique():,}")
    side.text(0.0, 0.22, note, fontsize=8, color="#455a64", transform=side.transAxes, va="bottom")
    fig.tight_layout()
    return fig


def rank_interval_figure(ranks: pd.DataFrame, *, title: str | None = None, what: str = "shock"):
    """Each hazard's bootstrap rank interval, with its median rank and how often it is first.

    ``ranks`` is the output of :func:`rank_intervals` (optionally suppressed).

    Examples
    --------
    >>> report.figure(rank_interval_figure(published_ranks), "shock_ranks")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup

    kind = "stresses" if what == "stress" else "shocks"
    title = title or tr(f"risk.fig.ranks.title.{kind}")
    if ranks is None or ranks.empty:
        return _empty_figure(tr(f"risk.fig.ranks.empty.{kind}"), title)
    plt, _ = _setup()
    data = ranks.assign(**{c: _num(ranks[c]) for c in ["rank", "rank_median", "rank_low", "rank_high", "share_first", "n", "score"]})
    data = data.reset_index(drop=True)
    k = len(data)
    fig, ax = plt.subplots(figsize=(9.5, 0.5 * k + 1.9))
    y = np.arange(k)
    for i, row in data.iterrows():
        if np.isnan(row["rank_low"]):
            ax.text(1, i, tr("risk.fig.not_shown"), va="center", fontsize=8, color="#777777")
            continue
        ax.plot([row["rank_low"], row["rank_high"]], [i, i], color="#90a4ae", lw=7, solid_capstyle="round", zorder=1)
        ax.plot(row["rank_median"], i, "o", color="#263238", ms=7, zorder=2)
    ax.set_yticks(y, [_label_n(h, n, 38) for h, n in zip(data["hazard"], data["n"])], fontsize=9)
    ax.set_xlim(0.5, k + 0.5)
    ax.set_xticks(range(1, k + 1))
    ax.invert_yaxis()
    for i, row in data.iterrows():
        if not np.isnan(row["share_first"]):
            ax.text(k + 0.7, i, tr("risk.fig.ranks.first_in", share=_pct(row["share_first"])), va="center", fontsize=8.5)
    n_res = int(_num(ranks["n_resamples"]).max()) if "n_resamples" in ranks and _num(ranks["n_resamples"]).notna().any() else 0
    ax.set(xlabel=tr(f"risk.fig.ranks.xlabel.{kind}", n=f"{n_res:,}"), ylabel="", title=title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def group_scores_figure(groups: pd.DataFrame, *, title: str | None = None):
    """Heatmap of shock scores per stakeholder group; suppressed cells are marked.

    ``groups`` is :func:`shock_scores` with ``by="stakeholder_group"`` (optionally suppressed).

    Examples
    --------
    >>> report.figure(group_scores_figure(published_groups), "scores_by_group")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap, mark_suppressed

    title = title or tr("risk.fig.groups.title")
    if groups is None or groups.empty:
        return _empty_figure(tr("risk.fig.groups.empty"), title)
    plt, sns = _setup()
    key = "group_label" if "group_label" in groups else groups.columns[0]
    data = groups.assign(score=_num(groups["score"]), n=_num(groups["n"]))
    order_h = list(dict.fromkeys(data.sort_values("score", ascending=False)["hazard"]))
    order_g = list(dict.fromkeys(data[key]))
    grid = data.pivot_table(index="hazard", columns=key, values="score", aggfunc="first", dropna=False).reindex(index=order_h, columns=order_g)
    n_max = data.groupby(key, sort=False)["n"].max()
    # a group whose rated shocks are all hidden publishes only its zeros: its n is not 0
    n_max[(n_max == 0) & data["n"].isna().groupby(data[key], sort=False).any()] = np.nan
    fig, ax = plt.subplots(figsize=(1.9 * len(order_g) + 4, 0.5 * len(order_h) + 2.2))
    sns.heatmap(grid, annot=True, fmt=".3g", cmap="OrRd", vmin=0, vmax=MAX_SCORE, linewidths=0.5, ax=ax,
                cbar_kws={"label": tr("risk.fig.groups.cbar")})
    mark_suppressed(ax, grid)
    ax.set_xticklabels([_wrap(str(g), 18) + "\n" + tr("common.n_equals", n=tr("common.suppressed") if np.isnan(n_max[g]) else int(n_max[g])) for g in order_g], rotation=0, fontsize=8.5)
    ax.set_yticklabels([_wrap(label.get_text(), 30) for label in ax.get_yticklabels()], rotation=0)
    ax.set(title=title, xlabel=tr("common.stakeholder_group"), ylabel="")
    fig.tight_layout()
    return fig


def impact_heatmap(impacts: pd.DataFrame, *, exposure: pd.DataFrame | None = None, shock_scores: pd.DataFrame | None = None,
                   critical: int = DEFAULT_CRITICAL, title: str | None = None):
    """Heatmap of the asset x shock impact matrix.

    Assets are rows (most exposed first when ``exposure`` is given), labelled with their
    criticality; shocks are columns, highest risk first when ``shock_scores`` is given.
    Impacts never rated are hatched; critical assets on no risk path are flagged.

    Examples
    --------
    >>> report.figure(impact_heatmap(impacts, exposure=exposure, shock_scores=scores), "impacts")  # doctest: +SKIP
    """
    from matplotlib.patches import Rectangle

    from ..publishing.plots import _setup, _wrap

    title = title or tr("risk.fig.impacts.title")
    if impacts is None or impacts.empty:
        return _empty_figure(tr("risk.fig.impacts.empty"), title)
    plt, sns = _setup()
    data = impacts.assign(impact=_num(impacts["impact"]), criticality=_num(impacts["criticality"]))
    assets = list(dict.fromkeys(data["asset_id"]))
    if exposure is not None and len(exposure):
        ranked = list(exposure["asset_id"])
        assets = [a for a in ranked if a in assets] + [a for a in assets if a not in ranked]
    shocks = list(dict.fromkeys(data["shock_id"]))
    scores = _score_lookup(shock_scores)
    if scores:
        shocks = sorted(shocks, key=lambda s: (-np.nan_to_num(scores.get(s, np.nan), nan=-1), s))
    grid = data.pivot_table(index="asset_id", columns="shock_id", values="impact", aggfunc="first", dropna=False).reindex(index=assets, columns=shocks)
    info = data.drop_duplicates("asset_id").set_index("asset_id")
    blank = grid.fillna(0).max(axis=1) <= 0
    no_path = "  " + tr("risk.fig.impacts.no_path")
    ylabels = [f"{info.loc[a, 'asset']} [{_fmt(info.loc[a, 'criticality'])}]" + (no_path if blank[a] and info.loc[a, "criticality"] >= critical else "") for a in assets]
    shock_names = data.drop_duplicates("shock_id").set_index("shock_id")["shock"]
    xlabels = [_wrap(str(shock_names[s]), 14) + ("\n" + tr("risk.fig.impacts.score", score=_fmt(scores[s])) if s in scores and not np.isnan(scores[s]) else "") for s in shocks]
    fig, ax = plt.subplots(figsize=(1.05 * len(shocks) + 5.5, 0.3 * len(assets) + 2.6))
    sns.heatmap(grid, annot=True, fmt=".0f", cmap="Reds", vmin=0, vmax=5, linewidths=0.5, linecolor="white", ax=ax,
                cbar_kws={"label": tr("risk.fig.impacts.cbar"), "shrink": 0.5}, annot_kws={"fontsize": 8})
    for i, a in enumerate(assets):
        for j, s in enumerate(shocks):
            if np.isnan(grid.loc[a, s]):
                ax.add_patch(Rectangle((j, i), 1, 1, facecolor="#eeeeee", hatch="///", edgecolor="#bbbbbb", lw=0))
    ax.set_yticks(np.arange(len(assets)) + 0.5, ylabels, rotation=0, fontsize=8)
    for tick, a in zip(ax.get_yticklabels(), assets):
        if blank[a] and info.loc[a, "criticality"] >= critical:
            tick.set_color("#b71c1c")
            tick.set_fontweight("bold")
    ax.set_xticks(np.arange(len(shocks)) + 0.5, xlabels, rotation=0, fontsize=8)
    ax.xaxis.tick_top()
    for text in ax.texts:
        if text.get_text() == "0":
            text.set_color("#b0b0b0")  # 0 is a rating (no impact), shown quietly
    n_missing = int(grid.isna().to_numpy().sum())
    order = tr("risk.fig.impacts.order.exposure") if exposure is not None and len(exposure) else tr("risk.fig.impacts.order.table")
    sub = tr("risk.fig.impacts.subtitle", n=len(assets), order=order) + (tr("risk.fig.impacts.hatched", n=n_missing) if n_missing else "")
    ax.set(xlabel="", ylabel="")
    ax.set_title(f"{title}\n{sub}", fontsize=11)
    fig.tight_layout()
    return fig


def stress_severity_figure(stresses: pd.DataFrame, *, title: str | None = None):
    """Median severity of each stress with its interquartile range, coloured by trend.

    Examples
    --------
    >>> report.figure(stress_severity_figure(published_stresses), "stress_severity")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch

    from ..publishing.plots import _setup

    title = title or tr("risk.fig.severity.title")
    if stresses is None or stresses.empty:
        return _empty_figure(tr("risk.fig.severity.empty"), title)
    plt, _ = _setup()
    data = stresses.assign(**{c: _num(stresses[c]) for c in ["severity", "severity_q1", "severity_q3", "share_worsening", "n"]}).reset_index(drop=True)
    k = len(data)
    fig, ax = plt.subplots(figsize=(9.5, 0.45 * k + 1.9))
    for i, row in data.iterrows():
        if np.isnan(row["severity"]):
            ax.text(0.1, i, tr("risk.fig.not_shown"), va="center", fontsize=8, color="#777777")
            continue
        colour = TREND_COLOURS.get(row["trend"], "#bdbdbd")
        ax.barh(i, row["severity"], color=colour, alpha=0.85, height=0.65)
        ax.plot([row["severity_q1"], row["severity_q3"]], [i, i], color="#212121", lw=1.4)
        ax.text(5.1, i, tr("risk.fig.severity.worsening", share=_pct(row["share_worsening"])), va="center", fontsize=8.5)
    ax.set_yticks(range(k), [_label_n(h, n, 38) for h, n in zip(data["hazard"], data["n"])], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 6.2)
    ax.set_xticks(range(0, 6), ["", *(f"{i} {tr(f'risk.severity.{i}')}" for i in range(1, 6))], fontsize=8)
    ax.legend(handles=[Patch(color=c, label=term(trend, "trend")) for trend, c in TREND_COLOURS.items()], title=tr("risk.fig.severity.legend"), fontsize=8, title_fontsize=8,
              loc="upper center", bbox_to_anchor=(0.5, -0.09 - 0.4 / max(k, 1)), ncol=4, frameon=False)
    ax.set(xlabel=tr("risk.fig.severity.xlabel"), ylabel="", title=title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def compound_figure(compound: pd.DataFrame, *, bands=DEFAULT_BANDS, title: str | None = None):
    """Each shock's own risk and its compound risk once stresses amplify it.

    Examples
    --------
    >>> report.figure(compound_figure(published_compound), "compound_risk")  # doctest: +SKIP
    """
    from ..publishing.plots import _setup, _wrap

    if compound is None or compound.empty:
        return _empty_figure(tr("risk.fig.compound.empty"), title or tr("risk.fig.compound.short_title"))
    plt, _ = _setup()
    alpha = float(_num(compound["alpha"]).dropna().iloc[0]) if _num(compound["alpha"]).notna().any() else np.nan
    title = title or tr("risk.fig.compound.title", alpha=_fmt(alpha, 2))
    data = compound.assign(score=_num(compound["score"]), compound=_num(compound["compound"]), n=_num(compound["n"])).reset_index(drop=True)
    colours = _band_colours(bands)
    names, uppers = _check_bands(bands)
    k = len(data)
    top = max(np.nanmax(data["compound"].to_numpy()) if data["compound"].notna().any() else MAX_SCORE, MAX_SCORE) * 1.08
    fig, ax = plt.subplots(figsize=(10.5, 0.5 * k + 2.0))
    lo = 0.0
    for name, up in zip(names, uppers):
        hi = top if name == names[-1] else up
        ax.axvspan(lo, hi, color=colours[name], alpha=0.25, lw=0)
        ax.text((lo + min(hi, top)) / 2, -0.75, term(name, "band"), ha="center", va="bottom", fontsize=8, color="#555555")
        lo = up
    for i, row in data.iterrows():
        if np.isnan(row["score"]):
            ax.text(1, i, tr("risk.fig.not_shown"), va="center", fontsize=8, color="#777777")
            continue
        ax.annotate("", xy=(row["compound"], i), xytext=(row["score"], i),
                    arrowprops=dict(arrowstyle="-|>", color="#455a64", lw=1.6, shrinkA=4, shrinkB=4))
        ax.plot(row["score"], i, "o", color="white", mec="#263238", ms=8, zorder=3)
        ax.plot(row["compound"], i, "o", color="#263238", ms=8, zorder=3)
        amp = str(row["amplifiers"]) if isinstance(row["amplifiers"], str) and row["amplifiers"] else tr("risk.fig.compound.no_amplifier")
        ax.text(row["compound"] + top * 0.015, i, _wrap(amp, 60), va="center", fontsize=7.5, color="#37474f")
    ax.set_yticks(range(k), [_label_n(h, n, 34) for h, n in zip(data["hazard"], data["n"])], fontsize=9)
    ax.set_ylim(k - 0.4, -1.0)
    ax.set_xlim(0, top * 1.45)
    ax.set(xlabel=tr("risk.fig.compound.xlabel"), ylabel="", title=title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def stress_network_figure(graph, *, bands=DEFAULT_BANDS, title: str | None = None):
    """The stress -> shock network in two columns, hubs on top and drawn largest.

    Stresses (left) are ordered and sized by their risk reach (:func:`stress_centrality`)
    and coloured by trend; shocks (right) are ordered and sized by risk score and coloured
    by band; edge width is the strength of the link.

    Examples
    --------
    >>> report.figure(stress_network_figure(graph), "stress_network")  # doctest: +SKIP
    """
    import networkx as nx
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from ..publishing.plots import _setup, _wrap

    stresses = [v for v, d in graph.nodes(data=True) if d.get("kind") == "stress"]
    shocks = [v for v, d in graph.nodes(data=True) if d.get("kind") == "shock"]
    title = title or tr("risk.fig.network.title")
    if not stresses or not shocks:
        return _empty_figure(tr("risk.fig.network.empty"), title)
    plt, _ = _setup()
    reach = _risk_reach(graph, stresses)
    stresses = sorted(stresses, key=lambda v: (-reach[v], -np.nan_to_num(graph.nodes[v].get("severity", np.nan)), v))
    shocks = sorted(shocks, key=lambda v: (-np.nan_to_num(graph.nodes[v].get("score", np.nan), nan=-1), v))
    rows = max(len(stresses), len(shocks))
    pos = {}
    for column, nodes in ((0.0, stresses), (1.0, shocks)):
        ys = np.linspace(0, rows - 1, len(nodes)) if len(nodes) > 1 else np.array([(rows - 1) / 2])
        pos.update({v: (column, -y) for v, y in zip(nodes, ys)})
    max_reach = max(max(reach.values()), 1e-9)
    size = {v: 180 + 1600 * reach[v] / max_reach for v in stresses}
    size.update({v: 180 + 1600 * np.nan_to_num(graph.nodes[v].get("score", np.nan)) / MAX_SCORE for v in shocks})
    band_colour = _band_colours(bands)
    colour = {v: TREND_COLOURS.get(graph.nodes[v].get("trend"), "#bdbdbd") for v in stresses}
    colour.update({v: band_colour.get(graph.nodes[v].get("band"), "#bdbdbd") for v in shocks})
    fig, ax = plt.subplots(figsize=(12, 0.52 * rows + 2.4))
    nodes = stresses + shocks
    edges = list(graph.edges(data=True))
    nx.draw_networkx_edges(
        graph, pos, ax=ax, edgelist=[(u, v) for u, v, _ in edges], width=[1.1 * d["strength"] ** 1.3 for _, _, d in edges],
        edge_color=[d["strength"] for _, _, d in edges], edge_cmap=plt.get_cmap("Greys"), edge_vmin=-1.5, edge_vmax=3.2,
        arrows=True, arrowstyle="-|>", arrowsize=11, node_size=[size[v] for v in nodes], nodelist=nodes, alpha=0.85,
    )
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_size=[size[v] for v in nodes], node_color=[colour[v] for v in nodes],
                           edgecolors="#263238", linewidths=0.8, ax=ax)
    ax.set_xlim(-0.95, 1.95)
    # Labels start beyond each node's radius: size is an area in points^2.
    points_per_unit = fig.get_figwidth() * 72 * ax.get_position().width / 2.9
    gap = {v: 0.03 + np.sqrt(size[v]) / 2 / points_per_unit for v in nodes}
    for v in stresses:
        d = graph.nodes[v]
        text = f"{_wrap(str(d.get('label', v)), 34)}\n" + tr("risk.fig.network.stress", severity=_fmt(d.get("severity", np.nan)), reach=f"{reach[v]:.2f}")
        ax.text(-gap[v], pos[v][1], text, ha="right", va="center", fontsize=8.5)
    for v in shocks:
        d = graph.nodes[v]
        n = d.get("n", 0)
        band = term(d.get("band"), "band") if d.get("band") else tr("risk.fig.network.not_rated")
        text = f"{_wrap(str(d.get('label', v)), 34)}\n" + tr("risk.fig.network.shock", score=_fmt(d.get("score", np.nan)), band=band, n=n)
        ax.text(1.0 + gap[v], pos[v][1], text, ha="left", va="center", fontsize=8.5)
    ax.text(0.0, 1.2, tr("risk.fig.network.stresses"), ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.text(1.0, 1.2, tr("risk.fig.network.shocks"), ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.set_xlim(-0.95, 1.95)
    ax.set_ylim(-rows + 0.2, 2.4)
    ax.set_axis_off()
    handles = [Patch(color=TREND_COLOURS[trend], label=tr("risk.fig.network.legend_stress", trend=term(trend, "trend"))) for trend in ("worsening", "stable", "improving")]
    handles += [Patch(color=c, label=tr("risk.fig.network.legend_shock", band=term(b, "band"))) for b, c in band_colour.items()]
    handles += [Line2D([], [], color="#424242", lw=1.1 * s ** 1.3, label=tr("risk.fig.network.legend_link", strength=_strength(s))) for s in (1, 2, 3)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=5, fontsize=8, frameon=False)
    ax.set_title(title)
    fig.tight_layout()
    return fig
