"""Tables formatted for readers in the HTML reports (pra_lib.publishing.tables_html).

Each rule is checked on a small frame; one test reads the tables of the published English
run of the sample (session fixture) as a reader's browser gets them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from pra_lib.publishing import i18n
from pra_lib.publishing.report import Report
from pra_lib.publishing.tables_html import SCROLL_CLASS, TABLE_CSS, column_format, reader_table, table_html

# A number written in scientific notation: 1.000e+00, 6.715e-31, 2E-05.
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


class _Cells(HTMLParser):
    """The text of every header and data cell of the tables in an HTML document."""

    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self.cells: list[str] = []
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._open, self._text = tag, []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._open == tag:
            text = " ".join("".join(self._text).split())
            (self.headers if tag == "th" else self.cells).append(text)
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)


def cells_of(html_text: str) -> _Cells:
    parser = _Cells()
    parser.feed(html_text)
    return parser


def test_no_index_column_even_after_filtering():
    frame = pd.DataFrame({"goal_label": ["Meets basic needs", "Supports livelihoods & employment", "Ensures public health services"],
                          "n": [578, 580, 575]})
    shown = frame[frame["n"] > 576]  # index 0, 1: still row numbers, not data
    table = reader_table(shown)
    assert list(table.columns) == ["Goal", "n"]
    parsed = cells_of(table_html(shown, css=False))
    assert parsed.headers == ["Goal", "n"]  # no header cell for an index
    assert parsed.cells == ["Meets basic needs", "578", "Supports livelihoods & employment", "580"]


def test_a_named_index_is_shown_as_a_column():
    grid = pd.DataFrame({"FA1": [0.5], "FA2": [0.25]}, index=pd.Index(["G01"], name="goal_id"))
    assert reader_table(grid).iloc[0].tolist() == ["G01", "0.50", "0.25"]


def test_labels_replace_ids_and_an_id_alone_stays():
    frame = pd.DataFrame({"goal_id": ["G09"], "goal_label": ["Provides reliable communication & mobility"],
                          "stakeholder_group": ["government"], "group_label": ["Government"],
                          "hazard_id": ["SH01"], "hazard": ["Flooding"], "focus_area_id": ["FA1"], "n": [12]})
    table = reader_table(frame)
    assert list(table.columns) == ["Goal", "Stakeholder group", "Hazard", "Focus area id", "n"]
    assert table.iloc[0].tolist() == ["Provides reliable communication & mobility", "Government", "Flooding", "FA1", "12"]


def test_values_that_name_a_column_read_as_its_header():
    frame = pd.DataFrame({"between": ["stakeholder_group"], "variable": ["age_band"], "band": ["high"]})
    # The group's name, as its label column is headed ("Stakeholder group"), not its id column.
    assert reader_table(frame).iloc[0].tolist() == [i18n.header("group_label"), "Age band", i18n.term("high", "band")]
    with i18n.language("id"):
        assert reader_table(frame).iloc[0, 0] == i18n.header("group_label") != "stakeholder_group"


def test_p_values_below_a_thousandth_and_otherwise_three_decimals():
    frame = pd.DataFrame({"pvalue": [6.71491e-31, 0.0123, 1.0], "pvalue_adj": [2.35e-29, 0.0491, np.nan]})
    table = reader_table(frame)
    assert table["p-value"].tolist() == ["< 0.001", "0.012", "1.000"]
    assert table["Adjusted p-value"].tolist() == ["< 0.001", "0.049", "\u2014"]


def test_confidence_bounds_become_one_interval_column():
    frame = pd.DataFrame({"mean": [2.66609], "ci_low": [2.58046], "ci_high": [2.75172],
                          "importance_ci_low": [4.3547], "importance_ci_high": [4.47747],
                          "rank_low": [1.0], "rank_high": [6.0], "share_support_ci_low": [0.41], "share_support_ci_high": [0.672]})
    table = reader_table(frame)
    assert list(table.columns) == ["Mean", "CI", "Importance CI", "Rank low–high", "Share supporting CI"]
    assert table.iloc[0].tolist() == ["2.67", "2.58–2.75", "4.35–4.48", "1–6", "41%–67%"]


def test_shares_are_percentages_and_counts_whole_numbers():
    frame = pd.DataFrame({"share_positive": [0.888889, 0.555556, 0.001], "n": [1000.0, 9.0, 12.0],
                          "n_effective": [578.4, 9.0, 11.6], "mean": [3.0, 2.5, 4.126]})
    table = reader_table(frame)
    assert table["Share positive"].tolist() == ["89%", "56%", "< 1%"]
    assert table["n"].tolist() == ["1,000", "9", "12"]
    assert table["Mean"].tolist() == ["3.00", "2.50", "4.13"]
    assert column_format("share_of_interviewees") == "share" and column_format("n_statements") == "count"


def test_rupiah_in_words_by_language():
    frame = pd.DataFrame({"budget_known_idr": [4.2e12, 850e9]})
    assert reader_table(frame).iloc[:, 0].tolist() == ["IDR 4.2 trillion", "IDR 850 billion"]
    assert reader_table(frame, lang="id").iloc[:, 0].tolist() == ["Rp 4,2 triliun", "Rp 850 miliar"]


def test_suppressed_cells_in_both_forms_and_no_flag_column():
    word = i18n.t("common.suppressed")
    # As the disclosure control wrote it before: the text "suppressed" in the cell.
    as_text = pd.DataFrame({"group_label": ["Academia", "Government"], "n": ["suppressed", 143],
                            "mean": ["suppressed", 3.44755], "suppressed": [True, False]})
    # As it writes it now: an empty cell in a row flagged suppressed, with the reason beside.
    as_empty = pd.DataFrame({"group_label": ["Academia", "Government"], "n": pd.array([pd.NA, 143], dtype="Int64"),
                             "mean": [np.nan, 3.44755], "suppressed": [True, False], "suppression": ["primary", ""]})
    for frame in (as_text, as_empty):
        table = reader_table(frame)
        assert list(table.columns) == ["Stakeholder group", "n", "Mean"]  # no flag or reason column
        assert table.iloc[0].tolist() == ["Academia", word, word]
        assert table.iloc[1].tolist() == ["Government", "143", "3.45"]
        assert 'class="data row0 col1 suppressed"' in table_html(frame, css=False)
    with i18n.language("id"):
        assert reader_table(as_empty).iloc[0, 1] == i18n.t("common.suppressed") != word


def test_a_withheld_test_reads_as_suppressed_not_as_missing():
    """Issue 11: a test involving a withheld group keeps its k and loses its H and p; the
    reader must see that they were withheld, not that the test was never run."""
    word = i18n.t("common.suppressed")
    frame = pd.DataFrame({"goal_id": ["G07", "G08"], "h": [3.72, np.nan], "k": [3, 3], "pvalue": [0.294, np.nan],
                          "test_withheld": [False, True]})
    table = reader_table(frame)
    assert table.iloc[1].tolist()[1] == word and word in table.iloc[1].tolist()[3:]
    assert table.iloc[0].tolist()[1] == "3.72" and word not in table.iloc[0].tolist()


def test_withheld_interview_evidence_reads_as_suppressed_not_as_missing():
    """A goal whose interview statements would give back a line the interview report hides
    keeps its raters' n and loses its statement count and salience (06's goal evidence)."""
    word = i18n.t("common.suppressed")
    frame = pd.DataFrame({"goal_id": ["G02", "G03"], "n": [40, 38], "n_weakness_statements": [9.0, np.nan],
                          "interview_salience": [0.099, np.nan], "interview_withheld": [False, True]})
    table = reader_table(frame)
    assert table.iloc[1].tolist()[2:4] == [word, word] and table.iloc[1].tolist()[1] == "38"
    assert word not in table.iloc[0].tolist()


def test_missing_values_are_a_dash_never_nan_or_none():
    frame = pd.DataFrame({"hazard_label": [None, "Flooding"], "score": [np.nan, 25.0], "tied_with": [pd.NA, "Crime"],
                          "significant": [True, False]})
    html_text = table_html(frame)
    table = reader_table(frame)
    assert table.iloc[0].tolist() == ["\u2014", "\u2014", "\u2014", "yes"]
    assert table.iloc[1].tolist() == ["Flooding", "25.00", "Crime", "no"]  # a score keeps 2 decimals
    for word in ("NaN", "None", "<NA>", "nan", "True", "False"):
        assert word not in cells_of(html_text).cells


def test_no_scientific_notation_for_tiny_or_huge_numbers():
    frame = pd.DataFrame({"h": [6.715e-31, 1.0], "u": [3.9e20, 2.5], "epsilon_sq": [1e-9, 0.25], "rank": [1.000e+00, 2.0]})
    parsed = cells_of(table_html(frame))
    assert not [cell for cell in parsed.cells if SCIENTIFIC.search(cell)]
    assert parsed.cells[:4] == ["0.00", "390,000,000,000,000,000,000.00", "0.00", "1"]


def test_long_text_is_never_truncated():
    quote = ("Koordinasi antar dinas masih lemah, setiap dinas bekerja sendiri-sendiri; " * 5)[:300]
    assert len(quote) == 300
    frame = pd.DataFrame({"quote": [quote], "quote_from": ["an interviewee from Academia"]})
    with pd.option_context("display.max_colwidth", 50):
        parsed = cells_of(table_html(frame))
    assert parsed.cells[0] == " ".join(quote.split())
    assert not [cell for cell in parsed.cells if cell.endswith(("...", "\u2026"))]


def test_long_tables_are_shown_whole():
    frame = pd.DataFrame({"n": range(400), "mean": np.linspace(1, 5, 400)})
    with pd.option_context("display.max_rows", 20, "styler.render.max_elements", 100):
        parsed = cells_of(table_html(frame))
    assert len(parsed.cells) == 800


def test_indonesian_numbers_use_decimal_commas():
    frame = pd.DataFrame({"n": [1000], "mean": [2.156], "share_positive": [0.2551], "ci_low": [2.1], "ci_high": [2.4]})
    assert reader_table(frame, lang="id").iloc[0].tolist() == ["1.000", "2,16", "26%", "2,10–2,40"]
    assert reader_table(frame, lang="en").iloc[0].tolist() == ["1,000", "2.16", "26%", "2.10–2.40"]
    assert list(reader_table(frame, lang="id").columns)[:2] == ["n", "Rata-rata"]


def test_html_escapes_data_and_scrolls_with_a_sticky_first_column():
    frame = pd.DataFrame({"title": ["<script>alert(1)</script>"], "n": [3]})
    text = table_html(frame)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert text.startswith(TABLE_CSS) and f'<div class="{SCROLL_CLASS}">' in text
    assert "overflow-x: auto" in TABLE_CSS and "position: sticky" in TABLE_CSS and "left: 0" in TABLE_CSS
    assert "http" not in TABLE_CSS  # inline: no network
    assert not table_html(frame, css=False).startswith("<style")
    assert table_html(frame) == table_html(frame)  # the same table gives the same HTML


def test_the_frame_and_its_csv_keep_full_precision(tmp_path):
    frame = pd.DataFrame({"goal_id": ["G01"], "goal_label": ["Meets basic needs"], "n": [578], "mean": [2.66609],
                          "pvalue": [6.71491e-31]})
    before = frame.copy()
    report = Report(tmp_path / "report", min_cell_size=5)
    published = report.table(frame, "goal_scores", count="n")
    table_html(published)
    pd.testing.assert_frame_equal(frame, before)
    csv = (tmp_path / "report" / "tables" / "goal_scores.csv").read_text(encoding="utf-8")
    assert csv.splitlines()[0].startswith("goal_id,goal_label,n,mean,pvalue")
    assert "2.66609" in csv and "6.71491e-31" in csv


def test_notebook_display_writes_the_style_once(monkeypatch):
    import IPython
    from IPython.core.formatters import HTMLFormatter

    # A stand-in for the notebook's shell: only its HTML formatter is used.
    shell = type("Shell", (), {})()
    shell.display_formatter = type("DisplayFormatter", (), {})()
    shell.display_formatter.formatters = {"text/html": HTMLFormatter()}
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert i18n.install_display("en") is True
    formatter = shell.display_formatter.formatters["text/html"]
    frame = pd.DataFrame({"n": [1], "mean": [2.5]})
    first, second = formatter(frame), formatter(frame)
    assert first.startswith(TABLE_CSS) and not second.startswith("<style")
    assert f'<div class="{SCROLL_CLASS}">' in second and "2.50" in second


@pytest.mark.parametrize("notebook", ["01_questionnaire", "04_assets_shocks_workshop", "09_phase2_working_groups"])
def test_published_reports_show_reader_tables(sample_reports_en, notebook):
    page = sample_reports_en / "jakarta-2017-synthetic" / notebook / f"{notebook}.html"
    parsed = cells_of(page.read_text(encoding="utf-8"))
    assert len(parsed.cells) > 20, f"{page}: no tables found"
    scientific = [cell for cell in parsed.cells if SCIENTIFIC.search(cell)]
    assert not scientific, f"{page}: numbers in scientific notation: {scientific[:5]}"
    assert not [cell for cell in parsed.cells if "NaN" in cell.split()], f"{page}: NaN shown"
    assert "Suppressed" not in parsed.headers, f"{page}: a 'Suppressed' flag column is shown"
    cut = [cell for cell in parsed.cells + parsed.headers if cell.endswith(("...", "\u2026"))]
    assert not cut, f"{page}: text cut with '...': {cut[:5]}"


def test_the_p_value_adjustment_is_named_for_readers():
    # 01's and 03's test tables showed the machine value "holm", in both languages.
    frame = pd.DataFrame({"goal_id": ["G01", "G02"], "pvalue_adj": [0.01, 1.0], "p_adjust": ["holm", "fdr_bh"]})
    assert reader_table(frame, lang="en")["p adjustment"].tolist() == ["Holm", "Benjamini-Hochberg"]
    assert reader_table(frame, lang="id")["Penyesuaian p"].tolist() == ["Holm", "Benjamini-Hochberg"]
    assert reader_table(pd.DataFrame({"p_adjust": ["my own method"]})).iloc[0, 0] == "my own method"


def test_a_missing_value_of_a_text_column_is_aligned_as_text():
    # 02's most-cited weaknesses: a code with no hazard showed its dash at the right edge of
    # the hazard column, beside the counts, as if it were a number.
    frame = pd.DataFrame({"code": ["inter-agency coordination", "traffic congestion"], "hazard": [None, "Traffic congestion"],
                          "n": [24, np.nan]})
    parsed = cells_of(table_html(frame))
    assert parsed.cells == ["inter-agency coordination", "\u2014", "24", "traffic congestion", "Traffic congestion", "\u2014"]
    text = table_html(frame)
    classes = re.findall(r'<td [^>]*class="([^"]*)"', text)
    assert [c.split()[-1] for c in classes] == ["text", "text", "num", "text", "text", "num"]


@pytest.mark.parametrize("lang, scope, column", [("en", "by stakeholder group", "Perception weakness"), ("id", "per kelompok pemangku kepentingan", "Kelemahan persepsi")])
def test_the_report_shows_no_machine_names_as_values(lang, scope, column):
    # 07's Kendall's W table showed its scope as "stakeholder_group" and 06's correlations their
    # evidence as "perception_weakness" in the HTML of both languages.
    from pra_lib.publishing import i18n

    frame = pd.DataFrame({"scope": ["all participants", "stakeholder_group"], "column_a": ["perception_weakness", "linked_risk"], "rho": [0.5, 0.1]})
    with i18n.language(lang):
        page = table_html(frame, css=False)
    assert scope in page and column in page
    assert "stakeholder_group" not in page and "perception_weakness" not in page
