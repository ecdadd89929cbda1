"""Figures for the reports, drawn with seaborn.

Plotting libraries are imported inside the functions so that ``import pra_lib`` stays
light for scripts that never draw.
"""

from __future__ import annotations

import pandas as pd

from .disclosure import published_numbers
from .i18n import t, term


def _setup():
    import matplotlib

    if matplotlib.get_backend().lower() not in ("module://matplotlib_inline.backend_inline", "inline"):
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    return plt, sns


def matplotlib_percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1, decimals=0)


def _numeric(series: pd.Series) -> pd.Series:
    """Suppressed cells become missing, so they are drawn as gaps, never as zeros."""
    return published_numbers(series)


def empty_figure(message: str, title: str):
    """A small figure that says why there is nothing to draw, instead of failing."""
    plt, _ = _setup()
    fig, ax = plt.subplots(figsize=(7, 2.2))
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555555", wrap=True)
    ax.set_axis_off()
    ax.set_title(title)
    return fig


def participation_heatmap(table: pd.DataFrame, *, title: str | None = None):
    """Heatmap of participant counts; suppressed cells are marked, not drawn as 0.

    ``table`` is the output of :func:`pra_lib.overview.participation` (optionally suppressed).
    """
    plt, sns = _setup()
    counts = table.assign(n=_numeric(table["n"]), _listed=1.0)
    rows, columns = pd.unique(counts["activity"]), pd.unique(counts["group_label"])
    grid = counts.pivot(index="activity", columns="group_label", values="n").reindex(index=rows, columns=columns)
    # A group with no row for an activity (merged into "other" there, or absent) has nothing
    # to suppress: its cell stays empty, and only a listed cell without its number is marked.
    listed = counts.pivot(index="activity", columns="group_label", values="_listed").reindex(index=rows, columns=columns).notna()
    # Room for each group's name under its column, so that long names do not run together.
    fig, ax = plt.subplots(figsize=(max(9.0, 4.5 + 1.45 * len(columns)), 0.55 * len(grid) + 2.4))
    sns.heatmap(grid, annot=True, fmt=".0f", cmap="Blues", cbar_kws={"label": t("overview.fig.participation.cbar")}, linewidths=0.5, ax=ax)
    ax.grid(False)  # the style's grid lines would cross the empty cells
    mark_suppressed(ax, grid.where(listed, 0))
    for i, row in enumerate(grid.index):
        for j, column in enumerate(grid.columns):
            if not listed.loc[row, column]:
                ax.text(j + 0.5, i + 0.5, "\u2014", ha="center", va="center", fontsize=9, color="#999999")
    ax.set_yticklabels([_wrap(t.get_text(), 34) for t in ax.get_yticklabels()], rotation=0)
    ax.set_xticklabels([_wrap(t.get_text(), 14) for t in ax.get_xticklabels()], rotation=0, fontsize=9)
    ax.set(title=title or t("overview.fig.participation.title"), xlabel=t("common.stakeholder_group"), ylabel="")
    fig.tight_layout()
    return fig


def fit_texts_inside(ax, texts, *, pad_px: float = 6.0) -> None:
    """Widen the x axis of ``ax`` until every text drawn in its data coordinates ends inside it.

    Value labels written after the end of a bar run past the axes (and past the figure's
    edge) when the bar is long or the language's words are; this moves the axis end, never
    the texts. Call it after ``fig.tight_layout()``.

    Examples
    --------
    >>> fit_texts_inside(ax, [ax.text(0.9, 0, " 0.47 (alone 0.20)")])   # doctest: +SKIP
    """
    texts = [text for text in texts if text is not None and text.get_text()]
    if not texts:
        return
    fig = ax.figure
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else fig._get_renderer()
    for _ in range(3):  # exact in one step; again only if the layout moved the axes
        box = ax.get_window_extent(renderer)
        low, high = ax.get_xlim()
        needed = high
        for text in texts:
            start = ax.transData.transform(text.get_position())[0]
            width = text.get_window_extent(renderer).x1 - start  # the text's length after its anchor
            room = box.width - width - pad_px
            if room <= 0:
                continue  # longer than the whole panel: nothing an axis end can do
            # The axis end at which the text's anchor sits ``room`` pixels from the left edge.
            needed = max(needed, low + (text.get_position()[0] - low) * box.width / room)
        if needed <= high * (1 + 1e-9):
            return
        ax.set_xlim(low, needed)


def tick_labels_overlap(ax, axis: str = "x", *, gap_px: float = 6.0) -> bool:
    """Whether any two neighbouring tick labels of ``axis`` are closer than ``gap_px`` pixels (touch or overlap).

    Examples
    --------
    >>> tick_labels_overlap(ax, "x")   # doctest: +SKIP
    False
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else fig._get_renderer()
    labels = [label for label in (ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()) if label.get_text()]
    boxes = sorted((label.get_window_extent(renderer) for label in labels), key=lambda b: b.x0 if axis == "x" else b.y0)
    if axis == "x":
        return any(b.x0 < a.x1 + gap_px for a, b in zip(boxes, boxes[1:]))
    return any(b.y0 < a.y1 + gap_px for a, b in zip(boxes, boxes[1:]))


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def mark_suppressed(ax, grid: pd.DataFrame) -> None:
    """Draw suppressed (missing) heatmap cells as hatched boxes labelled 'suppressed' (in the report language)."""
    from matplotlib.patches import Rectangle

    label = t("common.suppressed")
    for i, row in enumerate(grid.index):
        for j, col in enumerate(grid.columns):
            if pd.isna(grid.loc[row, col]):
                ax.add_patch(Rectangle((j, i), 1, 1, fill=True, facecolor="#eeeeee", hatch="///", edgecolor="#bbbbbb", lw=0))
                ax.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=7, color="#555555")


def channel_bars(table: pd.DataFrame, activity_labels: dict[str, str] | None = None, *, title: str | None = None):
    """Stacked shares of channel per activity, from :func:`pra_lib.overview.channels`."""
    plt, sns = _setup()
    data = table.assign(n=_numeric(table["n"]))
    wide = data.pivot(index="activity_id", columns="channel", values="n").fillna(0)
    wide = wide.reindex(pd.unique(data["activity_id"]))
    wide.columns = [term(c, "channel") for c in wide.columns]
    shares = wide.div(wide.sum(axis=1), axis=0)
    if activity_labels:
        shares.index = [activity_labels.get(a, a) for a in shares.index]
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * len(shares) + 1.8))
    shares.index = [_wrap(str(i), 34) for i in shares.index]
    shares.plot.barh(stacked=True, ax=ax, colormap="Set2", width=0.7)
    for i, total in enumerate(wide.sum(axis=1)):
        ax.text(1.01, i, t("common.n_equals", n=int(total)), va="center", fontsize=9)
    ax.xaxis.set_major_formatter(matplotlib_percent())
    ax.set(title=title or t("overview.fig.channels.title"), xlabel=t("overview.fig.channels.xlabel"), ylabel="", xlim=(0, 1.15))
    ax.invert_yaxis()
    # Beside the bars, not over them: inside the axes the legend hid the "n = ..." labels.
    ax.legend(title=t("overview.fig.channels.legend"), loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=8, title_fontsize=9, frameon=False)
    fig.tight_layout()
    return fig


def area_representation(table: pd.DataFrame, *, title: str | None = None):
    """Side-by-side bars of each area's share of respondents and of residents, from :func:`pra_lib.overview.areas`."""
    plt, sns = _setup()
    data = table.assign(n=_numeric(table["n"]), share_of_respondents=_numeric(table["share_of_respondents"]))
    long = data.melt(id_vars=["name", "n"], value_vars=["share_of_respondents", "share_of_population"], var_name="measure", value_name="share")
    long["measure"] = long["measure"].map({"share_of_respondents": t("overview.fig.areas.respondents"), "share_of_population": t("overview.fig.areas.population")})
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    sns.barplot(data=long, x="share", y="name", hue="measure", ax=ax, palette="Set2")
    for i, (name, n) in enumerate(zip(data["name"], data["n"])):
        ax.text(ax.get_xlim()[1], i, " " + (t("common.suppressed") if pd.isna(n) else t("common.n_equals", n=int(n))), va="center", fontsize=9)
    ax.xaxis.set_major_formatter(matplotlib_percent())
    ax.set(title=title or t("overview.fig.areas.title"), xlabel=t("overview.fig.areas.xlabel"), ylabel=t("common.area"))
    # Under the axes: inside, the legend sat over the bars of the last areas.
    ax.legend(title="", fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    fig.tight_layout()
    return fig


# A number as matplotlib, seaborn and the chapters' format strings write it: an optional sign
# (matplotlib's minus is U+2212), digits with or without thousands commas, optional decimals.
_FIGURE_NUMBER = r"(?<![\w.,])([-\u2212+]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w]|[.,]\d)"


def _localised(text: str, *, whole: bool) -> str:
    """``text`` with English-formatted numbers written in the report language.

    A text that is only a number (a tick label, a heatmap cell, a value label) is always
    converted. Inside longer text only numbers that cannot be an id are: those with two or
    more decimals or with thousands commas, so "1.1" of an indicator id is left alone. A
    number with exactly three digits after a point ("1.000") is left as it is: text made by
    :func:`pra_lib.publishing.i18n.t` is already in the report language.
    """
    import re

    from .i18n import format_number

    def convert(found: re.Match) -> str:
        sign, digits, decimals = found.groups()
        if not whole and not ("," in digits or (decimals and len(decimals) >= 2)):
            return found.group(0)
        if decimals and len(decimals) == 3 and "," not in digits:
            return found.group(0)  # "1.000": already written with Indonesian grouping (by t()), not three decimals
        value = float(digits.replace(",", "") + ("." + decimals if decimals else ""))
        return sign + format_number(value, digits=len(decimals) if decimals else 0, grouping="," in digits or value >= 10000)

    stripped = text.strip()
    if whole and not re.fullmatch(_FIGURE_NUMBER + r"%?", stripped):
        whole = False
    return re.sub(_FIGURE_NUMBER, convert, text)


def localise_figure(fig) -> int:
    """Write the numbers of a drawn figure in the report language: ``2,16`` and ``1.000`` in Indonesian.

    Value labels, heatmap cells and tick labels are written by format strings and
    matplotlib's formatters in English; this rewrites them once the figure is drawn. In
    English nothing changes. Returns how many texts changed.

    Examples
    --------
    >>> import matplotlib.pyplot as plt                  # doctest: +SKIP
    >>> fig, ax = plt.subplots(); ax.text(0, 0, "2.16")  # doctest: +SKIP
    >>> with language("id"): localise_figure(fig)        # doctest: +SKIP
    1
    """
    from .i18n import get_language

    if get_language() == "en":
        return 0
    return rewrite_figure_texts(fig, lambda text: _localised(text, whole=True))


def rewrite_figure_texts(fig, change) -> int:
    """Apply ``change`` (text -> text) to every text of a figure, tick labels included.

    Tick labels of categorical and numeric axes get their text only when the figure is
    drawn, so it is drawn first; an axis whose labels change gets fixed ticks and labels.
    Returns the number of texts changed (0 leaves the figure untouched).
    """
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels (and legends, offsets) get their text here
    changed = 0
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis, getattr(ax, "zaxis", None)):
            if axis is None:
                continue
            for minor in (False, True):
                labels = [t.get_text() for t in axis.get_ticklabels(minor=minor)]
                changed_labels = [change(t) for t in labels]
                if changed_labels != labels:
                    axis.set_ticks(axis.get_ticklocs(minor=minor), labels=changed_labels, minor=minor)
                    changed += sum(a != b for a, b in zip(labels, changed_labels))
    for text in fig.findobj(Text):
        value = text.get_text()
        new = change(value)
        if new != value:
            text.set_text(new)
            changed += 1
    return changed
