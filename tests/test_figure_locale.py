"""The numbers of the focus-area figures (reports 06 and 08) are written in the report's language.

A reader of the Indonesian report reads "2,30" in a figure; a cell that read "25.0" beside it
was a number in English. Each figure is drawn from the bundled sample and localised as
:meth:`pra_lib.publishing.report.Report.figure` does before saving it
(:func:`pra_lib.publishing.plots.localise_figure`); the texts are then read back as a reader
sees them. The decimal sign of each language is CLDR's (Babel): "." in English, "," in
Indonesian.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from pra_lib import focus_areas, i18n  # noqa: E402
from pra_lib.assessment.loading import load_assessment  # noqa: E402
from pra_lib.publishing.plots import localise_figure  # noqa: E402

from .conftest import SAMPLE  # noqa: E402

# A number written with the other language's decimal sign and one or two decimals (three
# digits after the sign are a thousands group, "1.000" in Indonesian).
FOREIGN_DECIMAL = {"id": re.compile(r"(?<![\w.,])\d+\.\d{1,2}(?![\d])"), "en": re.compile(r"(?<![\w.,])\d+,\d{1,2}(?![\d])")}
DECIMAL_SIGN = {"en": ".", "id": ","}


@pytest.fixture(scope="module")
def sample():
    return load_assessment(SAMPLE)


@pytest.fixture(scope="module")
def matrix(sample):
    return focus_areas.evidence_matrix(sample)


@pytest.fixture(scope="module")
def ranking(matrix):
    return focus_areas.rank_focus_areas(matrix)


@pytest.fixture(scope="module")
def uncertainty(matrix, sample):
    # fewer runs than the reports: the figures' texts, not the statistics, are checked here
    return focus_areas.uncertainty_analysis(matrix, variants=focus_areas.evidence_variants(sample), n_runs=200, seed=2017)


@pytest.fixture(autouse=True)
def _reset():
    yield
    plt.close("all")
    i18n.set_language("en")


def _texts(fig) -> list[str]:
    """Every text of a drawn figure, tick labels included, as the saved file shows it."""
    fig.canvas.draw()
    texts = [t.get_text() for ax in fig.get_axes() for axis in (ax.xaxis, ax.yaxis) for t in axis.get_ticklabels()]
    return texts + [t.get_text() for t in fig.findobj(Text)]


def _column_cells(fig, label: str) -> list[str]:
    """The texts written in the heatmap column whose tick label starts with ``label``."""
    ax = fig.axes[0]
    ticks = [(x, t.get_text()) for x, t in zip(ax.get_xticks(), ax.get_xticklabels())]
    x = next(x for x, text in ticks if text.startswith(label))
    return [t.get_text() for t in ax.texts if abs(t.get_position()[0] - x) < 1e-9]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_linked_risk_column_of_the_evidence_heatmap_uses_the_reports_decimal_sign(matrix, ranking, lang):
    i18n.set_language(lang)
    fig = focus_areas.evidence_heatmap(matrix, ranking=ranking)
    localise_figure(fig)
    cells = _column_cells(fig, i18n.t("synthesis.evidence.linked_risk.label"))
    numbers = [cell.split("\n")[0] for cell in cells if re.match(r"\d", cell)]
    # one cell per focus area covering a hazard: its risk points (K x D) with one decimal
    risk = pd.to_numeric(matrix["linked_risk"], errors="coerce").dropna()
    expected = sorted(f"{v:.1f}".replace(".", DECIMAL_SIGN[lang]) for v in risk)
    assert len(numbers) >= 5, cells
    assert sorted(numbers) == expected, cells
    if lang == "id":
        assert "25,0" in numbers and "25.0" not in numbers


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_number_of_the_focus_area_figures_follows_the_report_language(matrix, ranking, uncertainty, lang):
    i18n.set_language(lang)
    figures = {
        "evidence_heatmap": focus_areas.evidence_heatmap(matrix, ranking=ranking),
        "rank_distribution": focus_areas.rank_distribution_figure(uncertainty),
        "sensitivity": focus_areas.sensitivity_figure(uncertainty),
    }
    for name, fig in figures.items():
        localise_figure(fig)
        texts = _texts(fig)
        foreign = [text for text in texts if FOREIGN_DECIMAL[lang].search(text)]
        assert not foreign, f"{name} ({lang}) writes numbers in the other language: {foreign}"
        # numbers the check above reads: decimals, or (ranks) the shares of the runs in percent
        shown = r"\d+%" if name == "rank_distribution" else rf"\d{re.escape(DECIMAL_SIGN[lang])}\d"
        assert any(re.search(shown, text) for text in texts), f"{name} ({lang}): the check above would pass on nothing"


def test_the_heatmap_scores_in_the_row_labels_use_the_reports_decimal_sign(matrix, ranking):
    # the nominal score beside each focus area's name (one decimal), as 06 and 08 draw it
    i18n.set_language("id")
    fig = focus_areas.evidence_heatmap(matrix, ranking=ranking)
    localise_figure(fig)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    scores = pd.to_numeric(ranking["score"], errors="coerce").dropna()
    assert len(scores) >= 5
    for value in scores:
        assert any(f"{value:.1f}".replace(".", ",") in label for label in labels), (value, labels)
    assert not any(FOREIGN_DECIMAL["id"].search(label) for label in labels), labels


@pytest.mark.parametrize("lang, comma, point", [("id", "0,25", "0.25"), ("en", "0.25", "0,25")])
def test_the_basis_of_each_hazard_risk_follows_the_report_language(sample, lang, comma, point):
    # The basis cell quotes alpha and the amplification: "compound risk = 25 x (1 + 0.25 x 2.53)"
    # read "0.25" in an Indonesian report, whose other numbers write 0,25 (CLDR id: decimal comma).
    i18n.set_language(lang)
    basis = focus_areas.hazard_risk(sample).set_index("hazard_id").loc["SH01", "basis"]
    assert f"(1 + {comma} x " in basis and point not in basis, basis
