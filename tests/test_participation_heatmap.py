"""The participation heatmap of the data overview (00), as a reader sees it.

The reader review of the sample run found two faults: the group names under the columns ran
into each other once the run merged small groups into a long "Other (...)" column, and a
group that had no row for an activity (merged into "other" there, or absent) was drawn as
*suppressed*, which told readers a count had been hidden where there was none to hide.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pra_lib import i18n, plots  # noqa: E402

GROUPS = ["Government", "Academia", "Private sector", "Community and social organisations"]
OTHER = "Other (Community and social organisations, Private sector)"


def _participation() -> pd.DataFrame:
    rows = []
    for activity in ["Questionnaires (online and offline) and key-stakeholder interviews", "City Perception Workshop"]:
        rows += [(activity, group, 20.0 + k, False) for k, group in enumerate(GROUPS)]
    # The focus-area session merged its two small groups into "other".
    rows += [("Working session on the PRA and its focus areas", group, 12.0, False) for group in GROUPS[:2]]
    rows += [("Working session on the PRA and its focus areas", OTHER, 6.0, False)]
    table = pd.DataFrame(rows, columns=["activity", "group_label", "n", "suppressed"])
    table.loc[1, ["n", "suppressed"]] = [float("nan"), True]  # one count hidden by the disclosure control
    return table


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")
    i18n.set_language("en")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_only_a_hidden_count_reads_suppressed(lang):
    i18n.set_language(lang)
    fig = plots.participation_heatmap(_participation())
    word = i18n.t("common.suppressed")
    texts = [text.get_text() for text in fig.axes[0].texts]
    assert texts.count(word) == 1, "the one suppressed count, and no cell of a group the activity does not list"
    # the groups the session merged, and "other" in the activities that have none, are empty cells
    assert texts.count("\u2014") == 2 + 2


@pytest.mark.parametrize("lang", ["en", "id"])
def test_group_names_under_the_columns_do_not_run_together(lang):
    i18n.set_language(lang)
    fig = plots.participation_heatmap(_participation())
    fig.canvas.draw()
    assert not plots.tick_labels_overlap(fig.axes[0], "x")
