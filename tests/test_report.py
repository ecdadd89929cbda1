"""What a notebook publishes: safe CSVs, escaped text, atomic files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pra_lib.publishing.privacy import PersonalDataError
from pra_lib._files import atomic_write_bytes
from pra_lib.publishing.report import Report, atomic_write_text, neutralise_formulas


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_injection_is_neutralised_and_text_kept(text):
    out = neutralise_formulas(pd.DataFrame({"quote": [text]}))["quote"][0]
    assert out == "'" + text


def test_numbers_are_not_touched():
    out = neutralise_formulas(pd.DataFrame({"delta": [-0.5], "label": ["ok"]}))
    assert out["delta"][0] == -0.5 and out["label"][0] == "ok"


def test_table_csv_is_neutralised_and_suppressed(tmp_path):
    report = Report(tmp_path, min_cell_size=5)
    table = pd.DataFrame({"code": ["=cmd|' /C calc'!A0", "plain", "other"], "n": [10, 2, 30]})
    published = report.table(table, "codes")
    text = (tmp_path / "tables" / "codes.csv").read_text()
    assert "'=cmd|" in text and "\n=cmd" not in text
    assert pd.isna(published.loc[1, "n"]) and published.loc[1, "suppression"] == "primary"
    rows = text.splitlines()
    assert rows[0] == "code,n,suppressed,suppression"
    assert rows[2] == "plain,,True,primary" and rows[1].endswith(",,True,complementary"), "an empty cell, never the word"


def test_respondent_ids_are_pseudonymised(tmp_path, monkeypatch):
    monkeypatch.setenv("PRA_PSEUDONYM_KEY", "test-key")
    report = Report(tmp_path)
    report.table(pd.DataFrame({"respondent_id": ["Q0001"], "x": [1]}), "ids", count=None)
    text = (tmp_path / "tables" / "ids.csv").read_text()
    assert "Q0001" not in text and "R-" in text


def test_personal_data_is_refused(tmp_path):
    with pytest.raises(PersonalDataError):
        Report(tmp_path).table(pd.DataFrame({"email": ["a@b.org"]}), "people", count=None)
    assert not (tmp_path / "tables" / "people.csv").exists()


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", ".hidden", "a/b", ""])
def test_output_names_cannot_leave_the_folder(tmp_path, name):
    with pytest.raises(ValueError, match="output name"):
        Report(tmp_path).table(pd.DataFrame({"x": [1]}), name, count=None)


def test_markdown_escapes_html_from_the_data(tmp_path):
    md = Report(tmp_path).markdown("**Top code:** <script>alert(1)</script> & more")
    assert "<script>" not in md.data and "&lt;script&gt;" in md.data and "**Top code:**" in md.data


def test_atomic_write_leaves_no_partial_file(tmp_path):
    class Boom(str):
        pass

    target = tmp_path / "t.csv"
    atomic_write_text(target, "old")
    with pytest.raises(TypeError):
        atomic_write_bytes(target, None)  # fails while writing
    with pytest.raises(AttributeError):
        atomic_write_text(target, None)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_every_table_also_goes_to_one_workbook_with_readable_headers(tmp_path):
    from openpyxl import load_workbook

    report = Report(tmp_path / "01_questionnaire", min_cell_size=5)
    report.table(pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "share_positive": [0.4, 0.5, 0.6], "n": [20, 3, 40]}), "scores")
    report.table(pd.DataFrame({"quote": ["=1+1"], "n": [9]}), "quotes")
    wb = load_workbook(tmp_path / "01_questionnaire" / "01_questionnaire.xlsx")
    assert wb.sheetnames == ["scores", "quotes"]
    ws = wb["scores"]
    assert [c.value for c in ws[1]] == ["Goal ID", "Share positive", "n", "Suppressed", "Suppression"]
    assert ws["C3"].value is None and ws["B3"].value is None, "suppression applies to the workbook too: empty cells"
    assert "fewer than 5 people" in ws["C3"].comment.text, "with a note saying why"
    assert ws["C4"].value == 40 and ws["C4"].comment is None
    assert "hidden to protect" in ws["C2"].comment.text
    quote = wb["quotes"]["A2"]
    assert quote.value == "=1+1" and quote.data_type == "s", "kept as text, never a formula"


def test_figures_are_saved_as_png_and_on_request_svg(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    Report(tmp_path / "default").figure(fig, "line")
    assert (tmp_path / "default" / "figures" / "line.png").read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "default" / "figures" / "line.svg").exists(), "PNG only unless SVG is asked for"
    Report(tmp_path, figure_formats="svg,png").figure(fig, "line")
    svg = (tmp_path / "figures" / "line.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    png = (tmp_path / "figures" / "line.png").read_bytes()
    Report(tmp_path, figure_formats=("png", "svg")).figure(fig, "line")
    assert (tmp_path / "figures" / "line.svg").read_text() == svg, "same figure, same file"
    assert (tmp_path / "figures" / "line.png").read_bytes() == png
    assert not list((tmp_path / "figures").glob(".*")), "no temporary file is left"


@pytest.mark.parametrize("formats", ["", "jpg", "png,pdf", ()])
def test_an_unknown_figure_format_is_refused_with_the_choices(tmp_path, formats):
    with pytest.raises(ValueError, match="png, svg"):
        Report(tmp_path, figure_formats=formats)


def test_a_figure_in_a_kernel_is_drawn_once_and_shown_from_the_png(tmp_path, monkeypatch):
    # The inline backend draws every open figure again at the end of a cell; a figure that
    # Report.figure has saved is shown from the bytes already drawn and then closed.
    import matplotlib

    matplotlib.use("Agg")
    import IPython
    import IPython.display
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    report = Report(tmp_path)
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: type("Shell", (), {"kernel": object()})())
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    saves = []
    save = fig.savefig
    monkeypatch.setattr(fig, "savefig", lambda *a, **k: saves.append(k["format"]) or save(*a, **k))
    report.figure(fig, "bars")
    assert saves == ["png"], "one rendering for the one format asked for"
    assert len(shown) == 1 and shown[0].data == (tmp_path / "figures" / "bars.png").read_bytes()
    assert not plt.fignum_exists(fig.number), "closed, so the inline backend does not draw it again"


def test_a_minimum_cell_size_below_three_is_printed_on_the_report(tmp_path, monkeypatch):
    # Issue 16: a report whose counts may rest on one or two people says so where it is read.
    import IPython.display

    from pra_lib.publishing import i18n

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    Report(tmp_path / "safe", min_cell_size=3)
    assert shown == []
    Report(tmp_path / "small", min_cell_size=2)
    assert len(shown) == 1 and "minimum cell size of 2" in shown[0] and "fewer than three people" in shown[0]
    with i18n.language("id"):
        Report(tmp_path / "kecil", min_cell_size=1)
    assert "ukuran sel minimum 1" in shown[1]


def test_the_same_tables_give_the_same_bytes_workbook_notes_included(tmp_path):
    # Issue 11, item 5: reruns are byte-identical, XLSX (with its notes on suppressed cells) included.
    table = pd.DataFrame({"goal_id": ["G01", "G02", "G03", "G04"], "n": [20, 3, 40, 2], "mean": [3.1, 2.0, 3.3, 4.0]})
    outputs = []
    for run in ("a", "b"):
        report = Report(tmp_path / run / "01_questionnaire", min_cell_size=5)
        report.table(table, "scores", dims=["goal_id"], measure="goal_raters")
        folder = tmp_path / run / "01_questionnaire"
        outputs.append({p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]
    assert {str(p) for p in outputs[0]} == {"01_questionnaire.xlsx", "tables/scores.csv", "tables/_tables.json"}


def test_each_table_is_declared_next_to_the_csv(tmp_path):
    import json

    report = Report(tmp_path, min_cell_size=5, activity_id="questionnaire")
    report.table(pd.DataFrame({"area": ["a", "b"], "n": [20, 30]}), "areas", dims=["area"], measure="people")
    report.table(pd.DataFrame({"hazard": ["flood"]}), "hazards", count=None)
    doc = json.loads((tmp_path / "tables" / "_tables.json").read_text())
    assert doc["min_cell_size"] == 5
    assert doc["tables"]["areas"] == {"count": "n", "measure": "people", "dims": ["area"], "activity_id": "questionnaire", "columns": ["area", "n", "suppressed", "suppression"], "other_counts": {}}
    assert doc["tables"]["hazards"]["count"] is None


def test_a_report_names_the_categories_it_merged_in_its_language(tmp_path):
    # Issue 11, item 2: merged categories are named in the report. Kepulauan Seribu holds 3
    # questionnaire respondents of the sample; Jakarta Pusat, the next smallest, joins it.
    import IPython.display

    from pra_lib.assessment.loading import load_assessment
    from pra_lib.publishing import i18n

    data = load_assessment(Path(__file__).resolve().parents[1] / "data" / "sample")
    shown = []
    IPython.display.display, real = (lambda obj, **how: shown.append(obj.data)), IPython.display.display
    try:
        report = Report(tmp_path / "en", assessment=data, activity_id="questionnaire")
        with i18n.language("id"):
            Report(tmp_path / "id", assessment=data, activity_id="questionnaire")
    finally:
        IPython.display.display = real
    assert "Jakarta Pusat, Kepulauan Seribu into Other (Jakarta Pusat, Kepulauan Seribu)" in shown[0]
    assert "Jakarta Pusat, Kepulauan Seribu menjadi Lainnya (Jakarta Pusat, Kepulauan Seribu)" in shown[1]
    people = report.assessment.participants
    asked = people[people["activity_id"] == "questionnaire"]
    assert not asked["area"].isin(["kepulauan_seribu", "jakarta_pusat"]).any()
    assert (asked["area"] == "other_3").sum() == 51
    assert len(data.participants[data.participants["area"].astype(object) == "kepulauan_seribu"]) == 3, "the input is not modified"


def test_plan_sentence_names_an_activitys_merges_and_points_there_from_a_report_across_activities(sample_dir, tmp_path):
    from pra_lib.assessment.loading import load_assessment
    from pra_lib.publishing.i18n import language, t

    a = load_assessment(sample_dir)
    own = Report(tmp_path / "q", min_cell_size=5, assessment=a, activity_id="questionnaire").plan_sentence()
    assert "Kepulauan Seribu" in own and "Lokakarya" not in own and "Assets and Shocks" not in own
    across = Report(tmp_path / "all", min_cell_size=5, assessment=a).plan_sentence()
    assert across == t("report.merged_elsewhere", size=5)
    with language("id"):
        text = Report(tmp_path / "id", min_cell_size=5, assessment=a, activity_id="assets_shocks_workshop").plan_sentence()
    assert "age band" not in text and "id kelompok" not in text


# --------------------------------------------------------------------------- the workbook, written once

_WORKBOOK_CELLS = [
    # a stale workbook from an earlier session must never survive a new table
    "import atexit, os, pandas as pd\nfrom pra_lib.publishing.report import Report, write_workbook\n"
    "atexit.register(lambda: open(OUT + '.exit-handler-ran', 'w').close())  # the kernel's other exit handlers still run\n"
    "report = Report(OUT, min_cell_size=5)\nopen(report.workbook_path, 'wb').write(b'stale')",
    "scores = report.table(pd.DataFrame({'goal_id': ['G01', 'G02', 'G03'], 'n': [20, 3, 40], 'mean': [3.1, 2.0, 3.3]}), 'scores', dims=['goal_id'])",
    "after_first = os.path.exists(report.workbook_path) and open(report.workbook_path, 'rb').read() != b'stale'",
    "report.table(pd.DataFrame({'hazard': ['=flood', 'fire'], 'k': [1, 2]}), 'hazards', count=None)\n"
    "scores.loc[0, 'mean'] = 99.0  # what the notebook does to a table afterwards is not published",
    "assert after_first == (os.environ.get('PRA_WORKBOOK_AT_EXIT') != '1'), 'after each cell interactively; only at the end under pra run'",
]


def _workbook_notebook(path, out):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"OUT = {str(out)!r}")] + [nbformat.v4.new_code_cell(src) for src in _WORKBOOK_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def _expected_workbook(tmp_path):
    # The same tables written by the function that wrote after every table before.
    from pra_lib.publishing.report import write_workbook

    report = Report(tmp_path / "expected", min_cell_size=5)  # outside a kernel: written at once
    report.table(pd.DataFrame({"goal_id": ["G01", "G02", "G03"], "n": [20, 3, 40], "mean": [3.1, 2.0, 3.3]}), "scores", dims=["goal_id"])
    report.table(pd.DataFrame({"hazard": ["=flood", "fire"], "k": [1, 2]}), "hazards", count=None)
    write_workbook(report.tables, tmp_path / "direct.xlsx", min_cell_size=5)
    assert (tmp_path / "direct.xlsx").read_bytes() == report.workbook_path.read_bytes()
    return report.workbook_path.read_bytes()


@pytest.mark.parametrize("at_exit", [False, True], ids=["plain papermill or JupyterLab", "pra run: at kernel exit"])
def test_a_notebook_writes_its_workbook_once_and_byte_identical(tmp_path, monkeypatch, at_exit):
    import papermill as pm

    from pra_lib.runner import kernel_manager_class

    out = tmp_path / "01_questionnaire"
    _workbook_notebook(tmp_path / "book.ipynb", out)
    if at_exit:
        monkeypatch.setenv("PRA_WORKBOOK_AT_EXIT", "1")
    options = {"kernel_manager_class": kernel_manager_class()} if at_exit else {}  # plain papermill keeps its own manager
    pm.execute_notebook(str(tmp_path / "book.ipynb"), str(tmp_path / "done.ipynb"), kernel_name="python3", progress_bar=False, **options)
    assert (out / "01_questionnaire.xlsx").read_bytes() == _expected_workbook(tmp_path)
    assert (tmp_path / "01_questionnaire.exit-handler-ran").exists()


def test_outside_a_notebook_the_workbook_is_written_with_each_table(tmp_path):
    report = Report(tmp_path / "r", min_cell_size=5)
    report.table(pd.DataFrame({"hazard": ["flood"]}), "hazards", count=None)
    first = report.workbook_path.read_bytes()
    assert report.save_workbook() is None, "nothing changed since the last write"
    report.table(pd.DataFrame({"hazard": ["fire"]}), "more", count=None)
    assert report.workbook_path.read_bytes() != first


def test_an_ipython_shell_without_a_kernel_still_gets_its_workbook_at_once(tmp_path, monkeypatch):
    # A test session or a terminal can hold an IPython shell that runs no cells, so no
    # end-of-cell hook is sure to follow: only a Jupyter kernel defers the workbook.
    import IPython
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setattr(IPython, "get_ipython", lambda: InteractiveShell.instance())
    try:
        report = Report(tmp_path / "r", min_cell_size=5)
        report.table(pd.DataFrame({"hazard": ["flood"]}), "hazards", count=None)
        assert report.workbook_path.exists()
    finally:
        InteractiveShell.clear_instance()  # later tests of the session run with no shell, as outside IPython


def test_the_sentence_at_the_top_names_the_cells_hidden_to_protect_a_linked_table_and_their_companions(tmp_path, monkeypatch):
    """Issue 11: a reader learns at the top of the report which cells were hidden to protect
    others. The plan's sentence is shown once, when the report is made; linking tables later
    updates that same output (a display id) with the linked totals and the cells their own
    table hides with them, in the report's language."""
    import IPython.display

    from pra_lib.assessment.loading import load_assessment
    from pra_lib.publishing import i18n

    shown: list = []

    class Handle:
        def __init__(self, at):
            self.at = at

        def update(self, obj):
            shown[self.at] = obj.data

    def display(obj, display_id=False, **how):
        shown.append(obj.data)
        return Handle(len(shown) - 1) if display_id else None

    monkeypatch.setattr(IPython.display, "display", display)
    data = load_assessment(Path(__file__).resolve().parents[1] / "data" / "sample")
    # The sample's interviewees naming G12 (6, each group hidden), G01 and G10, by goal and group.
    by_group = pd.DataFrame({"goal_id": ["G12"] * 4 + ["G01"] * 4 + ["G10"] * 4, "stakeholder_group": ["government", "academia", "private", "community"] * 3,
                             "n": [1, 1, 2, 2, 1, 2, 3, 3, 6, 5, 6, 7]})
    by_goal = by_group.groupby("goal_id", as_index=False, sort=False)["n"].sum()
    dims = {"by_goal": ["goal_id"], "by_group": ["goal_id", "stakeholder_group"]}
    texts = {}
    for lang in ("en", "id"):
        with i18n.language(lang):
            report = Report(tmp_path / lang, assessment=data, activity_id="questionnaire")
            assert len(shown) == 1 and "Kepulauan Seribu" in shown[0], "the plan is shown once, at the top"
            report.link_tables({"by_goal": by_goal, "by_group": by_group}, dims=dims, measure="interviewees_by_goal", activity_id="questionnaire/interviewees")
            assert len(shown) == 1, "linking updates the sentence at the top instead of adding one further down"
            texts[lang] = shown.pop()
    assert texts["en"].startswith("Categories with fewer than 5 people are merged")
    assert "these cells of by_goal are hidden as well (complementary suppression across tables that count the same people): Fosters long-term &amp; integrated planning." in texts["en"]
    assert "so that the totals of by_goal do not give them away, these cells of by_goal are hidden too: Meets basic needs." in texts["en"]
    assert "sel berikut pada by_goal juga disembunyikan (penyembunyian pelengkap antartabel" in texts["id"]
    assert "agar total by_goal tidak membukanya, sel berikut pada by_goal juga disembunyikan: " in texts["id"]
    assert "Meets basic needs" not in texts["id"], "goal names in the report's language"


@pytest.mark.parametrize("policy", ["suppress", "merge"])
def test_the_declarations_name_the_small_categories_but_never_their_size(tmp_path, policy):
    """A disclosure review found `_tables.json` listing each merged or hidden category with its
    number of people (Kepulauan Seribu: 3), the very count the plan keeps from the reader."""
    import json

    from pra_lib.assessment.loading import load_assessment
    from pra_lib.publishing.disclosure import plan

    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    assessment = load_assessment(sample)
    the_plan = plan(assessment, min_cell_size=5, small_categories=policy)
    assert len(the_plan.categories) and (the_plan.categories["n"] < 5).any(), "the sample has small categories to protect"
    report = Report(tmp_path, min_cell_size=5, small_categories=policy, assessment=assessment, activity_id="questionnaire")
    report.table(pd.DataFrame({"goal_id": ["G01"], "n": [12]}), "goal_scores", dims=["goal_id"], measure="goal_raters")
    declared = json.loads((tmp_path / "tables" / "_tables.json").read_text())
    named = {(row["activity_id"], row["dimension"], row["category"]) for row in declared["plan"]}
    assert named == set(map(tuple, the_plan.categories[["activity_id", "dimension", "category"]].values.tolist()))
    assert all("n" not in row for row in declared["plan"]), declared["plan"][:3]


# --------------------------------------------------------------------------- dry runs


def _margins():
    # 4 respondents have no area: their "(no value)" row is a small cell, and the margin's shares add up to 1
    return pd.DataFrame({"method": ["raking"] * 4, "variable": ["area"] * 4, "category": ["north", "south", "east", "(no value)"],
                         "n": [30, 40, 25, 4], "sample_share": [30 / 99, 40 / 99, 25 / 99, 4 / 99], "weighted_share": [0.3, 0.45, 0.25, 0.0]})


_MARGIN_OPTIONS = dict(dims=["method", "variable", "category"], measure="respondents_by_weighting_margin", columns=["sample_share", "weighted_share"])


def test_a_dry_run_returns_what_the_table_would_publish_and_writes_nothing(tmp_path):
    report = Report(tmp_path, min_cell_size=5, activity_id="questionnaire")
    would_hide = report.protect(_margins(), "weighting_margins", **_MARGIN_OPTIONS)
    assert would_hide["suppression"].tolist() == ["", "", "complementary", "primary"]
    assert would_hide["n"].isna().sum() == 2
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [], "a dry run writes no CSV, declaration or workbook"
    assert report.tables == {} and report.declarations == {}
    published = report.table(_margins(), "weighting_margins", **_MARGIN_OPTIONS)
    pd.testing.assert_frame_equal(would_hide, published)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["_tables.json", "tmp_path.xlsx".replace("tmp_path", tmp_path.name), "weighting_margins.csv"]


def test_a_dry_run_refuses_what_the_table_would_refuse(tmp_path):
    report = Report(tmp_path, min_cell_size=5)
    with pytest.raises(KeyError, match="n_other"):
        report.protect(_margins(), "weighting_margins", other_counts={"n_other": None}, **_MARGIN_OPTIONS)
    with pytest.raises(ValueError, match="output name"):
        report.protect(_margins(), "../margins", **_MARGIN_OPTIONS)
    with pytest.raises(ValueError, match="hidden_with has 1 values for 4 rows"):
        report.protect(_margins(), "weighting_margins", hidden_with=[True], **_MARGIN_OPTIONS)
    with pytest.raises(PersonalDataError):
        report.protect(pd.DataFrame({"email": ["a@b.org"]}), "people", count=None)


@pytest.mark.filterwarnings("ignore:1 suppressed cell:RuntimeWarning")  # a table of one row: its total is that row
def test_a_margin_that_hides_its_unweighted_row_hides_its_shares_and_the_design_effect(tmp_path):
    """The notebook's weighting section through the library: a dry run decides the margin's
    weighted shares, and the design effect's n (the margin's total less its "(no value)" row) is hidden with that row."""
    from pra_lib.perception.weighting import rows_hidden_with_unweighted, withhold_weighted_shares

    report = Report(tmp_path, min_cell_size=5, activity_id="questionnaire")
    margins = _margins()
    shown = report.table(withhold_weighted_shares(margins, published=report.protect(margins, "weighting_margins", **_MARGIN_OPTIONS)), "weighting_margins", **_MARGIN_OPTIONS)
    assert shown["weighted_share"].isna().all(), "0.3 and 0.45 would say the hidden rows' share is 0.25"
    design = pd.DataFrame({"method": ["raking"], "n": [70], "n_effective": [61.0]})
    hidden = rows_hidden_with_unweighted(design, margins=shown)
    assert hidden.tolist() == [True]
    effect = report.table(design, "design_effect", measure="respondents_with_a_weight", other_counts={"n_effective": None}, hidden_with=hidden)
    assert pd.isna(effect.loc[0, "n"]) and effect.loc[0, "suppression"] == "complementary"
    # a margin whose "(no value)" row is published leaves the design effect alone
    big = margins.assign(n=[30, 40, 25, 9])
    assert rows_hidden_with_unweighted(design, margins=report.protect(big, "weighting_margins", **_MARGIN_OPTIONS)).tolist() == [False]
    with pytest.raises(KeyError, match="suppressed"):
        rows_hidden_with_unweighted(design, margins=margins)


def test_a_pair_of_groups_is_hidden_wherever_a_group_table_hides_one_of_its_groups():
    from pra_lib import perception

    # as Report.table publishes them: academia's G01 raters hidden in the scores, private's G02 answers in the answers table
    scores = pd.DataFrame({"goal_id": ["G01", "G01", "G02", "G02"], "stakeholder_group": ["academia", "government"] * 2,
                           "n": [None, None, 9, 20], "suppressed": [True, True, False, False]})
    answers = pd.DataFrame({"goal_id": ["G02", "G02"], "stakeholder_group": ["government", "private"], "n": [None, None], "suppressed": ["True", "True"]})
    pairs = pd.DataFrame({"goal_id": ["G01", "G02", "G02", "G03"], "group_a": ["academia", "academia", "academia", "government"],
                          "group_b": ["private", "community", "private", "private"], "n_a": [3, 9, 9, 20], "n_b": [30, 12, 2, 30]})
    assert perception.pairs_of_hidden_groups(pairs, published=scores).tolist() == [True, False, False, False]
    assert perception.pairs_of_hidden_groups(pairs, published=[scores, answers]).tolist() == [True, False, True, False]
    # the same pairs by dimension, named in other columns
    by_dimension = pairs.rename(columns={"goal_id": "dimension_id", "group_a": "first", "group_b": "second"})
    answers_by_dimension = answers.rename(columns={"goal_id": "dimension_id"})
    assert perception.pairs_of_hidden_groups(by_dimension, published=[answers_by_dimension], unit="dimension_id", named=("first", "second")).tolist() == [False, False, True, False]
    with pytest.raises(KeyError, match="suppressed"):
        perception.pairs_of_hidden_groups(pairs, published=[scores.drop(columns="suppressed")])
