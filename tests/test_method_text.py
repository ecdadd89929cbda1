"""The method cells of the tests' tables read in the report's language, and name the family the p-values were adjusted in.

The questionnaire (01) and the workshop (03) publish a ``method`` column beside each
Kruskal-Wallis, Dunn and Mann-Whitney test. An Indonesian report showed it in English
("p adjusted across the 36 tests of the report (Holm)"): the text was written in
English in the perception chapter and rewritten in English by the statistics core when
the report's tests were adjusted together. Now the chapter writes it through the
catalogue, and hands the core the family's text with the table.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import pra_lib as pra
from pra_lib import i18n, perception, stats
from pra_lib.publishing.score_disclosure import adjust_published, withheld_groups, withhold_tests
from pra_lib.stats.inference import FAMILY_METHOD

from .conftest import SAMPLE

KRUSKAL_EN = "Kruskal-Wallis H (tie-corrected; chi-squared, k - 1 df); effect sizes epsilon² = H/(n-1) and eta²_H = (H-k+1)/(n-k); "
DUNN_EN = "Dunn's z (tie-corrected); "
MODE_EN = ("Mann-Whitney U of the online sample (normal approximation, tie and continuity corrected); "
           "rank-biserial r = 2U/(n_online n_offline) - 1; ")
# the formulas a reader checks the numbers with are written alike in every language
FORMULAS = {"group_differences": ("epsilon² = H/(n-1)", "eta²_H = (H-k+1)/(n-k)"), "group_pairs": ("Dunn",),
            "mode_effect": ("Mann-Whitney", "r = 2U/(n_online n_offline) - 1")}
ENGLISH = ("p adjusted", "tie-corrected", "effect sizes", "across", "of the report", "online sample", "normal approximation")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def survey():
    return perception.ratings_frame(pra.load_assessment(SAMPLE), activity_id="questionnaire", channels=["online", "offline"])


def _methods(tables) -> dict[str, str]:
    out = {}
    for name, table in tables.items():
        texts = set(table["method"])
        assert len(texts) == 1, (name, texts)  # one method per table
        out[name] = texts.pop()
    return out


def _report_tests(survey):
    """01's call: the groups the run hides pooled, withheld groups' tests withheld, then one family."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return perception.report_tests(survey, hidden={"stakeholder_group": [], "channel": []}, min_cell_size=5)


def _workshop_chain(survey):
    """03's call: the Kruskal-Wallis table, withheld where a group answered alike, adjusted by the publishing layer."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        groups = withheld_groups(perception.likert_counts(survey, by="stakeholder_group"), cells=["goal_id", "stakeholder_group"],
                                 within=["goal_id"], min_cell_size=5)
        return adjust_published({"group_differences": withhold_tests(perception.group_differences(survey), groups)}, method="holm")


def test_the_english_method_texts_are_those_the_reports_always_showed(survey):
    for tables in (_report_tests(survey), perception.report_tests(survey)):
        m = int(tables["group_differences"]["family_size"].iloc[0])
        assert m == 36  # 12 goals x (Kruskal-Wallis + mode effect) + the pairs of the goals passing the gate
        clause = f"p adjusted across the {m} tests of the report (Holm)"
        assert _methods(tables) == {"group_differences": KRUSKAL_EN + clause, "group_pairs": DUNN_EN + clause, "mode_effect": MODE_EN + clause}
    assert _methods(_workshop_chain(survey)) == {"group_differences": KRUSKAL_EN + "p adjusted across the 12 tests of the report (Holm)"}
    # a table on its own names its own family
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert set(perception.group_differences(survey)["method"]) == {KRUSKAL_EN + "p adjusted across 12 goals (Holm)"}
        assert set(perception.group_differences(survey, level="dimension", p_adjust="bh")["method"]) == {
            KRUSKAL_EN + "p adjusted across 4 dimensions (Benjamini-Hochberg)"}
        assert set(perception.posthoc(survey, family="unit")["method"]) == {DUNN_EN + "p adjusted across the pairs of each goal (Holm)"}
        pairs = perception.posthoc(survey)
        assert set(pairs["method"]) == {DUNN_EN + f"p adjusted across all {len(pairs)} pairs in the table (Holm)"}
        assert set(perception.mode_effect(survey, p_adjust="none")["method"]) == {MODE_EN + "p adjusted across 12 goals (no adjustment)"}


@pytest.mark.parametrize("chain", [_report_tests, _workshop_chain, perception.report_tests], ids=["questionnaire", "workshop", "unguarded"])
def test_the_indonesian_method_texts_are_indonesian_and_name_the_reports_family(survey, chain):
    with i18n.language("id"):
        tables = chain(survey)
    methods = _methods(tables)
    assert set(methods) == set(tables)
    for name, text in methods.items():
        m = int(tables[name]["family_size"].iloc[0])
        assert text.endswith(f"; p disesuaikan atas {m} uji dalam laporan ini (Holm)"), text
        for english in ENGLISH:
            assert english not in text, (name, english, text)
        for formula in FORMULAS[name]:
            assert formula in text, (name, formula)
    assert methods["group_differences"].startswith("H Kruskal-Wallis (dikoreksi untuk nilai sama;")
    # the English and the Indonesian tables differ in their method cells and names only
    english = chain(survey)
    for name, table in tables.items():
        names = [c for c in table.columns if "label" in c or c in ("method", "pooled_group")]
        assert "method" in names and len(names) < len(table.columns) - 5
        pd.testing.assert_frame_equal(table.drop(columns=names), english[name].drop(columns=names))
        assert (table["method"] != english[name]["method"]).all()


def test_an_indonesian_table_on_its_own_names_its_own_family(survey):
    with i18n.language("id"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert set(perception.group_differences(survey)["method"]) == {
            "H Kruskal-Wallis (dikoreksi untuk nilai sama; khi-kuadrat, k - 1 derajat bebas); ukuran efek epsilon² = H/(n-1) dan "
            "eta²_H = (H-k+1)/(n-k); p disesuaikan atas 12 tujuan (Holm)"}
        assert set(perception.posthoc(survey, family="unit")["method"]) == {
            "z Dunn (dikoreksi untuk nilai sama); p disesuaikan atas pasangan dalam setiap tujuan (Holm)"}
        assert set(perception.mode_effect(survey, p_adjust="none")["method"]) == {
            "U Mann-Whitney untuk sampel daring (pendekatan normal, dikoreksi untuk nilai sama dan kontinuitas); "
            "rank-biserial r = 2U/(n_online n_offline) - 1; p disesuaikan atas 12 tujuan (tanpa penyesuaian)"}


def test_the_statistics_core_fills_in_the_family_and_writes_no_words():
    """adjust_family takes the text of a table's method from the table (attrs), whatever its language, for the method used."""
    a = pd.DataFrame({"pvalue": [0.01, 0.2], "method": ["uji A; p disesuaikan atas 2 tujuan (Holm)"] * 2})
    a.attrs[FAMILY_METHOD] = {"holm": "uji A; {family_size} uji (Holm)", "bonferroni": "uji A; {family_size} uji (Bonferroni)"}
    b = pd.DataFrame({"pvalue": [0.03, float("nan")]})
    out = stats.adjust_family({"a": a, "b": b})
    assert out["a"]["method"].tolist() == ["uji A; 3 uji (Holm)"] * 2
    assert stats.adjust_family({"a": a}, method="bonferroni")["a"]["method"].tolist() == ["uji A; 2 uji (Bonferroni)"] * 2
    assert out["a"].attrs[FAMILY_METHOD] == a.attrs[FAMILY_METHOD]  # adjusted again, it names the new family
    assert stats.adjust_family({"a": out["a"]})["a"]["method"].tolist() == ["uji A; 2 uji (Holm)"] * 2
    # a method without a text of its own keeps the table's cell (no English clause to rewrite in it)
    assert stats.adjust_family({"a": a}, method="fdr_bh")["a"]["method"].tolist() == a["method"].tolist()
    assert a["method"].tolist() == ["uji A; p disesuaikan atas 2 tujuan (Holm)"] * 2  # input untouched
