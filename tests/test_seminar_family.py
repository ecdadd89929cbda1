"""The seminar's Kendall's W has one adjusted p-value in every report that quotes it.

The seminar's report (07) adjusts every test it publishes as one Holm family: the
Kruskal-Wallis tests of the groups' ranks and support per focus area, and Kendall's W overall
and per group, after the tests of a group that answered alike are withheld (adjusted over
withheld tests too, a published adjusted p could be k times a withheld p:
``tests/test_seminar_disclosure.py``). The overall report (08) quotes the seminar's W too;
adjusted over its own five W tests it read p = 0.005 where 07 read another value for the same
statistic. 08 now quotes it from 07's family (:func:`pra_lib.seminar.seminar_tests`, called
with the same inputs), and both reports name that family.

Holm's step-down adjustment (Holm 1979, "A simple sequentially rejective multiple test
procedure", Scand. J. Statist. 6:65-70): the i-th smallest of m p-values is multiplied by
m - i + 1, the running maximum taken, and capped at 1.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from pra_lib import i18n, seminar
from pra_lib.assessment.loading import load_assessment

from .conftest import SAMPLE

ASSESSMENT_ID = "jakarta-2017-synthetic"
DECIMAL_SIGN = {"en": ".", "id": ","}
# how the findings name the family (pra_lib/locale/*/LC_MESSAGES/pra.po, seminar.find.p_adjusted_family)
FAMILY_WORDS = {"en": "over the seminar report's {m} tests", "id": "atas {m} uji laporan seminar"}


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm (1979) by hand, NaN left out of the family."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    idx = np.flatnonzero(~np.isnan(p))
    order = idx[np.argsort(p[idx], kind="stable")]
    m, running = len(order), 0.0
    for i, j in enumerate(order):
        running = max(running, min(1.0, (m - i) * p[j]))
        out[j] = running
    return out


@pytest.fixture(scope="module")
def votes():
    return seminar.votes_frame(load_assessment(SAMPLE), activity_id="pra_seminar")


@pytest.fixture(scope="module")
def by_group(votes, tmp_path_factory):
    """The seminar's tables by group as 07 publishes them and 08 protects them on the sample."""
    from pra_lib.publishing.report import Report

    report = Report(tmp_path_factory.mktemp("family"), min_cell_size=5, assessment=load_assessment(SAMPLE), activity_id="pra_seminar")
    withheld = seminar.seminar_withholding(votes, min_cell_size=5)
    return {name: report.protect(table, name, **seminar.GROUP_TABLES[name])
            for name, table in seminar.group_tables(votes, withheld=withheld, min_cell_size=5, n_resamples=50, seed=1).items()}


def _published_family(votes, by_group):
    """The family as 07 and 08 build it on the sample (no seminar group is hidden there by plan; the support by group
    withholds FA2-FA4 of some groups, which its tests pool, and those tests stay withheld)."""
    return seminar.seminar_tests(votes, min_group_size=5, withheld=seminar.seminar_withholding(votes, min_cell_size=5), hidden={}, published=by_group)


def test_the_family_is_every_test_the_seminar_report_publishes(votes, by_group):
    tests = _published_family(votes, by_group)
    assert tuple(tests) == seminar.SEMINAR_TESTS
    raw = [seminar.group_differences(votes, value="rank", min_group_size=5, p_adjust="none"),
           seminar.group_differences(votes, value="support", min_group_size=5, p_adjust="none"),
           seminar.consensus(votes, by="stakeholder_group", p_adjust="none")]
    every = np.concatenate([t["pvalue"].to_numpy(dtype=float) for t in raw])
    withheld = np.concatenate([t["test_withheld"].astype(bool).to_numpy() for t in tests.values()])
    # 5 focus areas x (ranks, support) + W of everyone and of the 4 groups, on the sample ...
    assert int((~np.isnan(every)).sum()) == 15
    # ... of which the support tests of FA2-FA4 are withheld (a group answered them alike)
    assert withheld.sum() == 3 and tests["group_differences_support"]["test_withheld"].tolist() == [False, True, True, True, False]
    published = np.where(withheld, np.nan, every)
    m = int((~np.isnan(published)).sum())
    assert m == 12
    expected = _holm(published)  # Holm over the published tests only
    got = np.concatenate([t["pvalue_adj"].to_numpy(dtype=float) for t in tests.values()])
    assert got == pytest.approx(expected, nan_ok=True)
    assert all((t["family_size"] == m).all() for t in tests.values())
    overall = tests["consensus"].set_index("scope").loc["all participants"]
    alone = seminar.consensus(votes, by="stakeholder_group").set_index("scope").loc["all participants"]
    # By hand: W's p (0.001341) is the 3rd smallest of the 12 published (0.000437, 0.000656, 0.001341, ...),
    # so Holm gives max(12 x 0.000437, 11 x 0.000656, 10 x 0.001341) = 0.01341
    ps = np.sort(published[~np.isnan(published)])
    assert float(overall["pvalue"]) == pytest.approx(ps[2]) == pytest.approx(0.001341)
    assert float(overall["pvalue_adj"]) == pytest.approx(max(12 * ps[0], 11 * ps[1], 10 * ps[2])) == pytest.approx(0.01341)
    # the support tests of FA2-FA4 compare the groups the support by group withholds there pooled (withheld all the same);
    # the rank tests and every W compare the groups apart, as the ranking by group hides no rank on the sample
    support = tests["group_differences_support"].set_index("focus_area_id")
    assert support["k"].to_dict() == {"FA1": 4, "FA2": 3, "FA3": 2, "FA4": 2, "FA5": 4}
    assert set(tests["group_differences_rank"]["k"]) == {4} and not tests["consensus"]["test_withheld"].any()
    # the value a reader saw in 08 when it adjusted over its five W alone
    assert round(float(alone["pvalue_adj"]), 3) == 0.005


def test_the_findings_name_the_family_of_the_adjusted_p(votes, by_group):
    tests = _published_family(votes, by_group)
    sup = seminar.support(votes, n_resamples=200, seed=1)
    text = seminar.findings_seminar(sup, consensus_table=tests["consensus"])
    assert "adjusted p = 0.013 by Holm over the seminar report's 12 tests" in text
    # a consensus table adjusted over its own rows says only "adjusted"
    assert "seminar report" not in seminar.findings_seminar(sup, consensus_table=seminar.consensus(votes))
    with i18n.language("id"):
        text = seminar.findings_seminar(sup, consensus_table=tests["consensus"])
    assert "p = 0,013 setelah penyesuaian Holm atas 12 uji laporan seminar" in text


def _quoted_p(page: str) -> tuple[str, str]:
    """The p-value the findings quote for everyone's Kendall's W, and the sentence quoting it."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    sentences = [s for s in re.split(r"(?<=\.)\s", text) if "Kendall" in s and "chi2(" in s]
    assert len(sentences) == 1, sentences
    found = re.search(r"chi2\(\d+\) = [\d.,]+, (?:adjusted )?p = ([\d.,]+)", sentences[0])
    assert found, sentences[0]
    return found.group(1), sentences[0]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_overall_report_quotes_the_seminar_reports_adjusted_p_for_w(request, lang):
    root = request.getfixturevalue(f"sample_reports_{lang}") / ASSESSMENT_ID
    mine = pd.read_csv(root / "07_pra_seminar" / "tables" / "consensus.csv").set_index("scope").loc["all participants"]
    theirs = pd.read_csv(root / "08_pra_overall" / "tables" / "seminar_consensus.csv").set_index("scope").loc["all participants"]
    # the published tables: the same raw and adjusted p-value, the same family ...
    assert theirs["pvalue"] == mine["pvalue"] and theirs["pvalue_adj"] == mine["pvalue_adj"]
    # ... which counts exactly the tests 07 publishes (a withheld test's p is in no published adjusted p)
    tables = [pd.read_csv(root / "07_pra_seminar" / "tables" / f"{name}.csv") for name in ("group_differences_rank", "group_differences_support", "consensus")]
    published = sum(int(pd.to_numeric(t["pvalue"], errors="coerce").notna().sum()) for t in tables)
    assert {int(s) for t in tables for s in t["family_size"]} == {published}
    assert int(theirs["family_size"]) == int(mine["family_size"]) == published == 12
    # the published sentences: both quote 07's adjusted value, to three decimals, in the report's language
    expected = f"{float(mine['pvalue_adj']):.3f}".replace(".", DECIMAL_SIGN[lang])
    q07, s07 = _quoted_p((root / "07_pra_seminar" / "07_pra_seminar.html").read_text(encoding="utf-8"))
    q08, s08 = _quoted_p((root / "08_pra_overall" / "08_pra_overall.html").read_text(encoding="utf-8"))
    assert q07 == q08 == expected, (s07, s08)
    assert FAMILY_WORDS[lang].format(m=published) in s08, s08
