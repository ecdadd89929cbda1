"""Layout of the figures a reader complained about: nothing hides, cuts or runs into anything.

Drawn from the bundled sample (the tables the notebooks publish) and measured on the
rendered figure, in pixels, as a reader sees them.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import pra_lib as pra  # noqa: E402
from pra_lib import actions, i18n, overview, perception, plots, risk  # noqa: E402


@pytest.fixture(scope="module")
def sample(sample_dir):
    return pra.load_assessment(sample_dir, errors="collect")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
    i18n.set_language("en")


def _renderer(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


@pytest.mark.parametrize("lang", ["en", "id"])
def test_channel_legend_leaves_every_n_label_visible(sample, lang):
    i18n.set_language(lang)
    fig = plots.channel_bars(overview.channels(sample), overview.activity_titles(sample.metadata))
    ax = fig.axes[0]
    renderer = _renderer(fig)
    legend = ax.get_legend().get_window_extent(renderer)
    labels = [text for text in ax.texts if text.get_text().startswith("n = ")]
    assert len(labels) == len(ax.get_yticklabels()) >= 5
    hidden = [text.get_text() for text in labels if text.get_window_extent(renderer).overlaps(legend)]
    assert not hidden, f"the legend covers {hidden}"


def _markers_and_whiskers(ax):
    markers = [tuple(line.get_xydata()[0]) for line in ax.lines if line.get_marker() == "o" and line.get_markersize() >= 15]
    segments = []
    for collection in ax.collections:
        if isinstance(collection, matplotlib.collections.LineCollection):
            segments += [np.asarray(s) for s in collection.get_segments()]
    return markers, segments


def test_risk_matrix_markers_apart_and_no_whisker_through_another_marker(sample):
    scores = risk.shock_scores(sample, activity_id="assets_shocks_workshop")
    fig = risk.risk_matrix_figure(scores)
    ax = fig.axes[0]
    markers, segments = _markers_and_whiskers(ax)
    assert len(markers) == len(scores)
    # In the sample two shocks share the cell likelihood 4, consequence 3: both stay visible.
    shared = scores.groupby(["likelihood", "consequence"]).size()
    assert shared.max() >= 2
    # The marker's radius in data units, measured on the drawn figure: 17 pt.
    _renderer(fig)
    to_data = ax.transData.inverted()
    radius = abs(to_data.transform((17 / 2 * fig.dpi / 72, 0))[0] - to_data.transform((0, 0))[0])
    for i, (x, y) in enumerate(markers):
        for j, (u, v) in enumerate(markers[i + 1:], start=i + 1):
            assert np.hypot(u - x, v - y) >= 2 * radius, f"markers {i + 1} and {j + 1} overlap"
    assert segments, "no whiskers drawn"
    for segment in segments:
        for k, marker in enumerate(markers):
            distance = _distance_to(segment, marker)
            if distance < 1e-6:
                continue  # the marker's own whisker runs through its centre
            assert distance >= radius, f"a whisker runs through marker {k + 1}"


def _distance_to(segment, point) -> float:
    a, b, p = np.asarray(segment[0], float), np.asarray(segment[-1], float), np.asarray(point, float)
    t = np.clip(np.dot(p - a, b - a) / np.dot(b - a, b - a), 0.0, 1.0)
    return float(np.hypot(*(a + t * (b - a) - p)))


@pytest.mark.parametrize("lang", ["en", "id"])
def test_agency_heatmap_goal_names_do_not_collide(sample, lang):
    i18n.set_language(lang)
    fig = actions.agency_heatmap(actions.coverage_by_agency(sample, by="goal"))
    ax = fig.axes[0]
    renderer = _renderer(fig)
    boxes = sorted((label.get_window_extent(renderer) for label in ax.get_xticklabels() if label.get_text()), key=lambda b: b.x0)
    assert len(boxes) >= 10
    touching = [i for i, (a, b) in enumerate(zip(boxes, boxes[1:])) if b.x0 < a.x1 + 6]  # a visible gap: 6 px at least
    assert not touching, f"goal names {touching} run into their right neighbour"
    assert not plots.tick_labels_overlap(ax, "x")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_value_labels_after_bars_end_inside_their_axes(lang):
    i18n.set_language(lang)
    fig, ax = plt.subplots(figsize=(7, 3))
    values = pd.Series([1.14, 0.86, 0.29])
    ax.barh(["a", "b", "c"], values)
    ax.set_xlim(0, values.max() * 1.05)  # too short for the labels, as a long language makes it
    texts = [ax.text(v, i, f" {v:.2f}  (largest move 2)", va="center") for i, v in enumerate(values)]
    fig.tight_layout()
    renderer = _renderer(fig)
    assert max(t.get_window_extent(renderer).x1 for t in texts) > ax.get_window_extent(renderer).x1  # cut before
    plots.fit_texts_inside(ax, texts)
    renderer = _renderer(fig)
    assert max(t.get_window_extent(renderer).x1 for t in texts) <= ax.get_window_extent(renderer).x1
    assert ax.get_xlim()[0] == 0  # only the end of the axis moves


def _drawn_texts(fig):
    """Every text a reader sees in a drawn figure: tick labels inside the axis limits, value labels, titles, legends, notes."""
    renderer = _renderer(fig)
    texts = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            texts += [tick.label1 for tick in axis.get_major_ticks() if low - 1e-9 <= tick.get_loc() <= high + 1e-9]
        texts += [*ax.texts, ax.title, ax._left_title, ax.xaxis.label, ax.yaxis.label]
        if ax.get_legend() is not None:
            texts += [*ax.get_legend().get_texts(), ax.get_legend().get_title()]
    texts += fig.texts
    return [text for text in texts if text.get_visible() and text.get_text().strip()], renderer


def _outside_the_figure(fig) -> list[str]:
    texts, renderer = _drawn_texts(fig)
    edge = fig.bbox
    out = []
    for text in texts:
        box = text.get_window_extent(renderer)
        if box.x0 < edge.x0 - 0.5 or box.x1 > edge.x1 + 0.5 or box.y0 < edge.y0 - 0.5 or box.y1 > edge.y1 + 0.5:
            out.append(text.get_text())
    return out


def _past_their_panel(fig) -> list[str]:
    renderer = _renderer(fig)
    return [text.get_text() for ax in fig.axes for text in ax.texts if text.get_window_extent(renderer).x1 > ax.get_window_extent(renderer).x1 + 0.5]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_actions_per_goal_names_and_budget_labels_stay_inside_the_figure(sample, lang):
    # 08 and 09: the budget label after the longest bar ("1.763 (anggaran diketahui untuk 63%)")
    # ran past the figure's right edge, and a fixed margin left the goal names no room.
    i18n.set_language(lang)
    fig = actions.coverage_bars(actions.coverage(sample, by="goal"))
    ax, bx = fig.axes
    assert len([label for label in ax.get_yticklabels() if label.get_text()]) == 12
    assert len(bx.texts) == 12
    assert not _outside_the_figure(fig), _outside_the_figure(fig)
    assert not _past_their_panel(fig), _past_their_panel(fig)
    assert not plots.tick_labels_overlap(ax, "y", gap_px=0)
    renderer = _renderer(fig)
    names = max(label.get_window_extent(renderer).width for label in ax.get_yticklabels())
    assert ax.get_window_extent(renderer).x0 >= names  # the margin holds the longest name


@pytest.fixture(scope="module")
def published_evidence(sample):
    """The evidence matrix and ranking as 08 publishes them on the sample (some interview counts withheld)."""
    from pra_lib import synthesis

    matrix = synthesis.evidence_matrix(sample)
    shown = synthesis.withhold_interview_evidence(matrix, rows=synthesis.rows_of_hidden_interview_evidence(matrix, sample, min_cell_size=5))
    return shown, synthesis.withhold_interview_ranking(synthesis.rank_focus_areas(matrix), evidence=shown)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_evidence_heatmap_column_names_stand_apart_above_the_note(published_evidence, lang):
    # 08 (and 06): in Indonesian "[kebutuhan - cakupan (-1 hingga 1)]" ran into the next column's
    # name, and the note at the bottom, three lines long, ran into the names.
    from pra_lib import synthesis

    i18n.set_language(lang)
    shown, ranking = published_evidence
    assert shown["interview_withheld"].astype(bool).any()  # the published heatmap, with its legend of blank cells
    fig = synthesis.evidence_heatmap(shown, ranking=ranking)
    ax = fig.axes[0]
    renderer = _renderer(fig)
    assert not _outside_the_figure(fig), _outside_the_figure(fig)
    assert not plots.tick_labels_overlap(ax, "x")
    note = fig.texts[-1]
    assert note.get_text().startswith(i18n.t("synthesis.fig.heat.note")[:20])
    names = [label.get_window_extent(renderer) for label in ax.get_xticklabels() if label.get_text()]
    assert len(names) == 4
    assert min(box.y0 for box in names) > note.get_window_extent(renderer).y1, "the note runs into the column names"


@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_suppressed_code_has_no_bar_and_is_named_suppressed(sample, lang):
    # 02: a suppressed code was drawn as a bar a quarter of the longest, which read as a count.
    from matplotlib.patches import Rectangle

    i18n.set_language(lang)
    codes = perception.interview_codes(sample, level="code")
    hidden = codes["n"] < 5
    assert 0 < hidden.sum() < len(codes)
    published = codes.assign(n=codes["n"].where(~hidden), n_statements=codes["n_statements"].where(~hidden), suppressed=hidden)
    fig = perception.code_bars(published)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_hatch() and p.get_width() > 0]
    assert sorted(p.get_width() for p in bars) == sorted(codes.loc[~hidden, "n"].astype(float))  # one bar per published count, none else
    # the mark of a suppressed row is a band across the whole panel, no length that could be read as a count
    renderer = _renderer(fig)
    panel = ax.get_window_extent(renderer)
    marks = [p.get_window_extent(renderer) for p in ax.patches if p.get_hatch()]
    assert len(marks) == hidden.sum()
    assert all(abs(m.x0 - panel.x0) < 1 and abs(m.x1 - panel.x1) < 1 for m in marks), [(m.x0, m.x1, panel.x0, panel.x1) for m in marks]
    rows = {label.get_text(): tick for label, tick in zip(ax.get_yticklabels(), ax.get_yticks())}
    marked = {round(text.get_position()[1]) for text in ax.texts if text.get_text() == i18n.t("common.suppressed")}
    assert marked == {rows[code] for code in codes.loc[hidden, "code"]}
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert i18n.t("synthesis.fig.heat.legend_withheld") in legend
    assert not _outside_the_figure(fig), _outside_the_figure(fig)


def test_a_group_whose_rated_shocks_are_all_hidden_is_not_labelled_n_0():
    # A review saw 04's scores-by-group heatmap label the private sector "n = 0" (8 people): its
    # shocks' rows were all hidden and only its zeros (shocks it did not rate) were published.
    import matplotlib.pyplot as plt

    from pra_lib import risk
    from pra_lib.publishing.i18n import t

    groups = pd.DataFrame({"group_label": ["Government"] * 2 + ["Private sector"] * 2, "hazard": ["Flooding", "Fire"] * 2,
                           "score": [16.0, 9.0, np.nan, np.nan], "n": [40.0, 40.0, np.nan, 0.0]})
    fig = risk.group_scores_figure(groups)
    labels = [tick.get_text() for tick in fig.axes[0].get_xticklabels()]
    plt.close(fig)
    assert t("common.n_equals", n=40) in labels[0]
    assert t("common.n_equals", n=0) not in labels[1] and t("common.suppressed") in labels[1], labels
