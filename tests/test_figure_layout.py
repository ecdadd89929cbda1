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
from pra_lib import actions, i18n, overview, plots, risk  # noqa: E402


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
