"""Tests for :mod:`pra_lib.risk`: shocks, assets and stresses.

Hand-computed fixtures say in a comment how each expected value was obtained. The risk
matrix, its 1-25 score and the default bands (low 1-4, medium 5-10, high 12-16, extreme
20-25) follow the method brief, ``/work/shared/domain/PRA_METHOD.md`` section 4 (IEC 31010
style consequence/likelihood matrix). Quartiles are numpy's default (linear interpolation,
Hyndman & Fan type 7). The planted structure of the sample is ``pra_lib.assessment.sample.PLANTED_EFFECTS``.
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pra_lib import risk
from pra_lib.assessment import sample
from pra_lib import stats  # noqa: E402
from pra_lib.assessment.loading import load_assessment  # noqa: E402
from pra_lib.publishing.disclosure import SUPPRESSED, suppress  # noqa: E402
from pra_lib.stats.ordinal import weighted_medians  # noqa: E402

from .conftest import SAMPLE  # noqa: E402

nan = np.nan


# --------------------------------------------------------------------------- fixtures


def _hazards():
    return pd.DataFrame(
        {
            "hazard_id": ["H1", "H2", "H3", "T1", "T2"],
            "hazard_type": ["shock", "shock", "shock", "stress", "stress"],
            "name_en": ["Flood", "Fire", "Quake", "Subsidence", "Congestion"],
        }
    )


def _ratings(rows):
    """rows: (respondent_id, hazard_id, likelihood, consequence, severity, trend)."""
    frame = pd.DataFrame(rows, columns=["respondent_id", "hazard_id", "likelihood", "consequence", "severity", "trend"])
    frame.insert(0, "activity_id", "ws")
    frame.insert(2, "workshop_table", "T1")
    for col in ("likelihood", "consequence", "severity"):
        frame[col] = frame[col].astype("Float64").round().astype("Int8")
    return frame


@pytest.fixture
def shock_fixture():
    # H1: L = 5, 4, 5, 3 and C = 5, 5, 4, 4; H2: L = 2, 2, 3, missing and C = 3, 2, 3, 3.
    # H3 is a shock nobody rated. T1 is a stress row the shock functions must ignore.
    rows = [
        ("r1", "H1", 5, 5, None, None), ("r2", "H1", 4, 5, None, None),
        ("r3", "H1", 5, 4, None, None), ("r4", "H1", 3, 4, None, None),
        ("r1", "H2", 2, 3, None, None), ("r2", "H2", 2, 2, None, None),
        ("r3", "H2", 3, 3, None, None), ("r4", "H2", None, 3, None, None),
        ("r1", "T1", None, None, 5, "worsening"),
    ]
    return _ratings(rows)


@pytest.fixture(scope="module")
def jakarta():
    return load_assessment(SAMPLE)


@pytest.fixture(scope="module")
def jakarta_results(jakarta):
    scores = risk.shock_scores(jakarta, activity_id="assets_shocks_workshop")
    stresses = risk.stress_scores(jakarta, activity_id="stresses_session")
    impacts = risk.impact_matrix(jakarta, activity_id="assets_shocks_workshop")
    graph = risk.stress_network(scores, stresses, jakarta, activity_id="stresses_session")
    return {
        "scores": scores,
        "stresses": stresses,
        "impacts": impacts,
        "exposure": risk.asset_exposure(impacts, scores),
        "ranks": risk.rank_intervals(jakarta, activity_id="assets_shocks_workshop", n_resamples=500, seed=2017),
        "compound": risk.compound_risk(scores, stresses, jakarta, activity_id="stresses_session"),
        "graph": graph,
        "centrality": risk.stress_centrality(graph),
    }


# --------------------------------------------------------------------------- bands


@pytest.mark.parametrize(
    "score, band",
    [
        (1, "low"), (4, "low"), (4.5, "medium"), (5, "medium"), (10, "medium"),
        (11, "high"),  # an impossible product sits in the gap: by upper bound it is high
        (12, "high"), (13.5, "high"), (16, "high"), (17, "extreme"), (20, "extreme"), (25, "extreme"),
        (40.8, "extreme"),  # compound risk above 25 stays in the open top band
        (0, "low"),
    ],
)
def test_risk_band_default_bands(score, band):
    assert risk.risk_band(score) == band


def test_risk_band_arrays_series_missing_and_custom_bands():
    assert risk.risk_band([1, 12, nan]).tolist() == ["low", "high", None]
    s = pd.Series([6.0, SUPPRESSED, 20.0], index=["a", "b", "c"])
    out = risk.risk_band(s)
    assert out.index.tolist() == ["a", "b", "c"] and out.tolist() == ["medium", None, "extreme"]
    three = {"acceptable": 6, "tolerable": 14, "intolerable": 25}
    assert risk.risk_band([6, 7, 15], bands=three).tolist() == ["acceptable", "tolerable", "intolerable"]
    assert risk.risk_band(9, bands=[("a", 9), ("b", 25)]) == "a"
    with pytest.raises(ValueError, match="increase"):
        risk.risk_band(5, bands={"low": 10, "high": 4})
    with pytest.raises(ValueError, match="negative"):
        risk.risk_band(-1)
    with pytest.raises(ValueError):
        risk.risk_band(5, bands={})


# --------------------------------------------------------------------------- shock scores


def test_shock_scores_hand_computed(shock_fixture):
    with pytest.warns(RuntimeWarning, match="Quake"):
        out = risk.shock_scores(shock_fixture, hazards=_hazards()).set_index("hazard_id")
    assert out.index.tolist() == ["H1", "H2", "H3"]  # highest score first; the unrated shock last
    h1, h2, h3 = out.loc["H1"], out.loc["H2"], out.loc["H3"]
    # H1: sorted L 3,4,5,5 -> median (4+5)/2 = 4.5; sorted C 4,4,5,5 -> 4.5.
    assert (h1["likelihood"], h1["consequence"]) == (4.5, 4.5)
    # Quartiles, linear interpolation: L q1 at position 0.75 -> 3 + 0.75 = 3.75, q3 at 2.25 -> 5.
    assert (h1["likelihood_q1"], h1["likelihood_q3"], h1["likelihood_iqr"]) == (3.75, 5.0, 1.25)
    # C 4,4,5,5: q1 at 0.75 -> 4, q3 at 2.25 -> 5.
    assert (h1["consequence_q1"], h1["consequence_q3"], h1["consequence_iqr"]) == (4.0, 5.0, 1.0)
    # product of medians 4.5 x 4.5 = 20.25; individual products 25, 20, 20, 12 -> median 20.
    assert h1["score_product_of_medians"] == pytest.approx(20.25)
    assert h1["score_median_of_products"] == 20.0
    assert h1["score"] == pytest.approx(20.25) and h1["band"] == "extreme" and h1["rank"] == 1
    assert (h1["n"], h1["n_likelihood"], h1["n_consequence"]) == (4, 4, 4)
    # H2: L 2,2,3 (r4 missing) -> 2; C 2,3,3,3 -> 3; score 6 (medium); products 6, 4, 9 -> 6.
    assert (h2["likelihood"], h2["consequence"], h2["score"], h2["band"]) == (2.0, 3.0, 6.0, "medium")
    assert h2["score_median_of_products"] == 6.0
    assert (h2["n"], h2["n_likelihood"], h2["n_consequence"]) == (4, 3, 4)
    # H3: nobody rated it: n = 0, missing score and band, unranked.
    assert h3["n"] == 0 and np.isnan(h3["score"]) and pd.isna(h3["band"]) and np.isnan(h3["rank"])


def test_shock_scores_median_of_products_option(shock_fixture):
    with pytest.warns(RuntimeWarning):
        out = risk.shock_scores(shock_fixture, hazards=_hazards(), score_method="median_of_products")
    assert out.set_index("hazard_id").loc["H1", "score"] == 20.0
    with pytest.raises(ValueError, match="score_method"):
        risk.shock_scores(shock_fixture, hazards=_hazards(), score_method="mean")


def test_duplicate_ratings_and_table_raters():
    # r1 rated H1 twice (L 5 and 3): counted once with their median 4; a table rating with no
    # respondent_id is one rater ("table T9"). Raters: r1 (L 4), r2 (L 2), table T9 (L 5).
    rows = _ratings([("r1", "H1", 5, 5, None, None), ("r1", "H1", 3, 5, None, None), ("r2", "H1", 2, 5, None, None)])
    extra = rows.iloc[[0]].copy()
    extra["respondent_id"] = None
    extra["workshop_table"] = "T9"
    rows = pd.concat([rows, extra], ignore_index=True)
    out = risk.shock_scores(rows).set_index("hazard_id")
    assert out.loc["H1", "n"] == 3
    assert out.loc["H1", "likelihood"] == 4.0  # median of 4, 2, 5


def test_scores_by_stakeholder_group(shock_fixture):
    participants = pd.DataFrame({"respondent_id": ["r1", "r2", "r3"], "stakeholder_group": ["government", "community", "community"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = risk.shock_scores(shock_fixture, hazards=_hazards(), by="stakeholder_group", participants=participants)
    h1 = out[out["hazard_id"] == "H1"].set_index("stakeholder_group")
    # r4 has no participant row: the group is "not recorded", listed last.
    assert list(dict.fromkeys(out["stakeholder_group"])) == ["community", "government", "not recorded"]
    assert h1["n"].to_dict() == {"community": 2, "government": 1, "not recorded": 1}
    # community = r2 (L4, C5) and r3 (L5, C4): medians 4.5 and 4.5.
    assert h1.loc["community", "likelihood"] == 4.5 and h1.loc["community", "score"] == pytest.approx(20.25)
    # Every group cell carries n, so suppression hides the small ones (and empty cells stay).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a 4-row toy cannot protect every margin
        published = suppress(out, count="n", min_cell_size=2, dims=["hazard_id", "stakeholder_group"])
    hidden = published.loc[out["n"] == 1]  # an empty cell, flagged primary
    assert hidden["score"].isna().all() and hidden["suppressed"].all() and (hidden["suppression"] == "primary").all()
    assert not published.loc[out["n"] == 0, "suppressed"].any()
    with pytest.raises(ValueError, match="cannot split"):
        risk.shock_scores(shock_fixture, hazards=_hazards(), by="nonexistent")
    with pytest.raises(ValueError, match="participants"):
        risk.shock_scores(shock_fixture, hazards=_hazards(), by="stakeholder_group")


# --------------------------------------------------------------------------- stress scores


def test_stress_scores_hand_computed():
    rows = _ratings(
        [
            ("r1", "T1", None, None, 5, "worsening"), ("r2", "T1", None, None, 4, "worsening"),
            ("r3", "T1", None, None, 5, "stable"), ("r4", "T1", None, None, 5, "worsening"),
            ("r1", "T2", None, None, 2, "stable"), ("r2", "T2", None, None, 3, "improving"),
        ]
    )
    out = risk.stress_scores(rows, hazards=_hazards()).set_index("hazard_id")
    t1, t2 = out.loc["T1"], out.loc["T2"]
    # T1: severities 4,5,5,5 -> median 5, q1 at 0.75 -> 4.75, q3 5; trend 3 of 4 worsening.
    assert (t1["severity"], t1["severity_q1"], t1["severity_q3"]) == (5.0, 4.75, 5.0)
    assert (t1["trend"], t1["trend_share"], t1["share_worsening"], t1["worsening"]) == ("worsening", 0.75, 0.75, True)
    assert t1["n"] == 4 and t1["rank"] == 1
    # T2: severities 2, 3 -> 2.5; trends tie 1-1 -> "mixed", not worsening.
    assert t2["severity"] == 2.5 and t2["trend"] == "mixed" and not t2["worsening"] and t2["trend_share"] == 0.5


# --------------------------------------------------------------------------- agreement


def test_rater_agreement_is_ordinal_krippendorff_over_hazards():
    # Three raters, three shocks; likelihoods differ between shocks, raters agree perfectly on
    # them -> alpha 1. Consequence: the matrix below, checked against stats.krippendorff_alpha.
    cons = np.array([[5, 3, 1], [4, 3, 1], [5, 2, 2]], dtype=float)
    rows = []
    for r, rater in enumerate(["r1", "r2", "r3"]):
        for h, hazard in enumerate(["H1", "H2", "H3"]):
            rows.append((rater, hazard, [5, 3, 1][h], int(cons[r, h]), None, None))
    out = risk.rater_agreement(_ratings(rows), hazards=_hazards()).set_index("measure")
    assert out.loc["likelihood", "alpha"] == pytest.approx(1.0)
    assert out.loc["likelihood", "reading"] == "reliable"
    assert out.loc["consequence", "alpha"] == pytest.approx(stats.krippendorff_alpha(cons, level="ordinal"))
    assert out.loc["consequence", "level"] == "ordinal"
    assert (out.loc["consequence", "n"], out.loc["consequence", "n_hazards"], out.loc["consequence", "n_ratings"]) == (3, 3, 9)


def test_rater_agreement_one_rater_is_nan_with_warning():
    rows = _ratings([("r1", "H1", 5, 5, None, None), ("r1", "H2", 3, 2, None, None)])
    with pytest.warns(RuntimeWarning, match="two raters"):
        out = risk.rater_agreement(rows, hazards=_hazards())
    assert out["alpha"].isna().all() and (out["reading"] == "undefined").all()


# --------------------------------------------------------------------------- bootstrap ranks


def test_weighted_medians_match_numpy():
    # The count-based median equals numpy's median of the resampled raters, NaNs skipped.
    rng = np.random.default_rng(1)
    values = rng.integers(1, 6, size=(25, 4)).astype(float)
    values[rng.random(values.shape) < 0.2] = nan
    weights = rng.multinomial(25, np.full(25, 1 / 25), size=50)
    got = weighted_medians(weights, values)
    for b in range(50):
        drawn = np.repeat(values, weights[b], axis=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            np.testing.assert_array_equal(got[b], np.nanmedian(drawn, axis=0))


def _dominant(n=30):
    rows = []
    for i in range(n):
        rows.append((f"r{i}", "H1", 5, 5 if i % 5 else 4, None, None))  # always near 5 x 5
        rows.append((f"r{i}", "H2", 3 + (i % 3 == 0), 3, None, None))  # around 3 x 3
        rows.append((f"r{i}", "H3", 2, 2 + (i % 2), None, None))
    return _ratings(rows)


def test_rank_intervals_clear_case():
    out = risk.rank_intervals(_dominant(), hazards=_hazards(), n_resamples=1000, seed=3).set_index("hazard_id")
    assert out.loc["H1", "share_first"] == 1.0
    assert (out.loc["H1", "rank_low"], out.loc["H1", "rank_high"], out.loc["H1", "rank_median"]) == (1, 1, 1)
    assert out.loc["H3", "rank"] == 3 and out.loc["H3", "share_first"] == 0
    assert out["share_first"].sum() == pytest.approx(1.0)
    assert (out["n_resamples"] == 1000).all() and out.loc["H1", "n"] == 30


def test_rank_intervals_exactly_tied_hazards_share_first_place():
    # H1 and H2 get the same ratings from every rater: they tie in every resample, so each is
    # "first" half the time; average ranks give 1.5 each, min ranks 1 each.
    rows = []
    for i in range(20):
        like = 3 + (i % 2)
        rows += [(f"r{i}", "H1", like, 4, None, None), (f"r{i}", "H2", like, 4, None, None), (f"r{i}", "H3", 1, 1, None, None)]
    data = _ratings(rows)
    avg = risk.rank_intervals(data, hazards=_hazards(), n_resamples=300, seed=1).set_index("hazard_id")
    assert avg.loc["H1", "share_first"] == 0.5 and avg.loc["H2", "share_first"] == 0.5
    assert avg.loc["H1", "rank_median"] == 1.5 and avg.loc["H2", "rank"] == 1.5
    # the interval shows the places the tie spans, 1-2, not a point that hides the tie
    assert (avg.loc["H1", "rank_low"], avg.loc["H1", "rank_high"]) == (1, 2)
    assert avg.loc["H1", "share_tied"] == 1.0 and avg.loc["H1", "tied_with"] == "Fire"
    assert avg.loc["H3", "share_tied"] == 0.0 and avg.loc["H3", "tied_with"] == ""
    low = risk.rank_intervals(data, hazards=_hazards(), n_resamples=300, seed=1, ties="min").set_index("hazard_id")
    assert low.loc["H1", "rank"] == 1 and low.loc["H2", "rank"] == 1
    assert (low.loc["H1", "rank_low"], low.loc["H1", "rank_high"]) == (1, 2)
    with pytest.raises(ValueError, match="ties"):
        risk.rank_intervals(data, hazards=_hazards(), ties="dense")


def test_rank_intervals_exchangeable_hazards_overlap():
    # H1 and H2 have the same multiset of likelihoods (ten 3s, ten 4s) in a different order
    # over the raters, so neither dominates: each is first in roughly half the resamples.
    like_a = np.array([3, 4] * 10)
    like_b = np.random.default_rng(7).permutation(like_a)
    rows = []
    for i in range(20):
        rows += [(f"r{i}", "H1", like_a[i], 4, None, None), (f"r{i}", "H2", like_b[i], 4, None, None), (f"r{i}", "H3", 1, 1, None, None)]
    out = risk.rank_intervals(_ratings(rows), hazards=_hazards(), n_resamples=2000, seed=11).set_index("hazard_id")
    assert 0.25 < out.loc["H1", "share_first"] < 0.75
    assert 0.25 < out.loc["H2", "share_first"] < 0.75
    assert out.loc["H1", "share_first"] + out.loc["H2", "share_first"] == pytest.approx(1.0)
    assert out.loc["H1", "rank_low"] <= out.loc["H2", "rank_high"] and out.loc["H2", "rank_low"] <= out.loc["H1", "rank_high"]
    assert out.loc["H1", "rank_high"] > out.loc["H1", "rank_low"]  # a real interval, not a point


def test_bootstrap_is_deterministic_with_a_seed():
    like_a = np.array([3, 4] * 10)
    like_b = np.random.default_rng(7).permutation(like_a)
    rows = [(f"r{i}", "H1", like_a[i], 4, None, None) for i in range(20)]
    rows += [(f"r{i}", "H2", like_b[i], 4, None, None) for i in range(20)]
    data = _ratings(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # H3 is never rated
        a = risk.rank_intervals(data, hazards=_hazards(), n_resamples=400, seed=5)
        b = risk.rank_intervals(data, hazards=_hazards(), n_resamples=400, seed=5)
        c = risk.rank_intervals(data, hazards=_hazards(), n_resamples=400, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["share_first"], c["share_first"])
    boot = risk.bootstrap_scores(data, hazards=_hazards(), n_resamples=400, seed=5)
    assert len(boot) == 400 * 3 and boot["resample"].nunique() == 400
    pd.testing.assert_frame_equal(boot, risk.bootstrap_scores(data, hazards=_hazards(), n_resamples=400, seed=5))
    assert (boot["score"].dropna() == boot["likelihood"].dropna() * boot["consequence"].dropna()).all()


def test_rank_intervals_bad_arguments():
    with pytest.raises(ValueError, match="n_resamples"):
        risk.rank_intervals(_dominant(), n_resamples=0)
    with pytest.raises(ValueError, match="ci"):
        risk.rank_intervals(_dominant(), ci=1.5)
    with pytest.raises(ValueError, match="hazard_type"):
        risk.rank_intervals(_dominant(), hazard_type="risk")


# --------------------------------------------------------------------------- assets


def _asset_tables():
    assets = pd.DataFrame(
        {
            "asset_id": ["A1", "A2", "A3", "A4", "A5"],
            "name": ["Pump", "Substation", "Archive", "Kiosk", "Depot"],
            "category": ["water", "energy", "governance", "economy", "emergency"],
            "area": ["north", None, "centre", "centre", "east"],
            "criticality": pd.array([5, 4, 4, 2, 4], dtype="Int64"),
        }
    )
    rows = [("A1", "H1", 4), ("A1", "H2", 2), ("A2", "H1", 0), ("A2", "H2", 5), ("A4", "H1", 0), ("A4", "H2", 0), ("A5", "H1", 0), ("A5", "H2", 0)]
    impacts = pd.DataFrame(rows, columns=["asset_id", "shock_id", "impact"])
    impacts.insert(0, "activity_id", "ws")
    impacts["impact"] = impacts["impact"].astype("Int64")
    scores = pd.DataFrame({"hazard_id": ["H1", "H2"], "hazard": ["Flood", "Fire"], "score": [25.0, 10.0], "band": ["extreme", "medium"]})
    return assets, impacts, scores


def test_impact_matrix_and_exposure_hand_computed():
    assets, impacts, scores = _asset_tables()
    hazards = _hazards()[lambda h: h["hazard_id"].isin(["H1", "H2", "T1"])]
    matrix = risk.impact_matrix(impacts, assets=assets, hazards=hazards)
    assert len(matrix) == 5 * 2  # every asset with every shock, rated or not
    assert matrix.loc[(matrix["asset_id"] == "A3"), "impact"].isna().all()
    assert matrix.loc[matrix["asset_id"] == "A2", "area_name"].iloc[0] == "(city-wide)"
    out = risk.asset_exposure(matrix, scores).set_index("asset_id")
    # A1: 5 x (4 x 25/25 + 2 x 10/25) = 5 x 4.8 = 24; A2: 4 x (0 + 5 x 10/25) = 8.
    assert out.loc["A1", "exposure"] == pytest.approx(24.0) and out.loc["A1", "top_shock"] == "Flood"
    assert out.loc["A2", "exposure"] == pytest.approx(8.0) and out.loc["A2", "top_shock"] == "Fire"
    assert out.loc["A1", "rank"] == 1 and out.loc["A2", "rank"] == 2
    assert (out.loc["A1", "n_shocks_hitting"], out.loc["A2", "n_shocks_hitting"]) == (1, 1)  # impact >= 3
    # A4, A5: every impact 0 -> exposure 0, "no impact"; A3: no rows -> missing, "not assessed".
    assert out.loc["A4", "exposure"] == 0 and out.loc["A4", "status"] == "no impact"
    assert np.isnan(out.loc["A3", "exposure"]) and out.loc["A3", "status"] == "not assessed"
    assert out.index[-1] == "A3"  # unassessed last
    assert out.loc["A2", "critical"] and not out.loc["A4", "critical"]


def test_shock_reach_and_assets_without_risk_path():
    assets, impacts, scores = _asset_tables()
    matrix = risk.impact_matrix(impacts, assets=assets, hazards=_hazards())
    reach = risk.shock_reach(matrix, scores).set_index("shock_id")
    # critical = criticality >= 4: A1, A2, A3, A5. H1 hits A1 (impact 4); H2 hits A2 (impact 5).
    assert reach.loc["H1", "n_critical_hit"] == 1 and reach.loc["H1", "critical_assets"] == "Pump"
    assert reach.loc["H2", "categories"] == "energy" and reach.loc["H2", "n_critical"] == 4
    assert reach.loc["H3", "n_assets_hit"] == 0  # a shock in the hazards table with no impact rows
    # With hit = 2, H2 also hits A1 (impact 2).
    assert risk.shock_reach(matrix, scores, hit=2).set_index("shock_id").loc["H2", "n_critical_hit"] == 2
    blank = risk.assets_without_risk_path(matrix).set_index("asset_id")
    # A3 has no rows, A5 only zeros; A4 (criticality 2) is not critical, so not listed.
    assert sorted(blank.index) == ["A3", "A5"]
    assert blank.loc["A3", "reason"] == "no impact rated" and blank.loc["A5", "reason"] == "every impact rated 0"
    # With critical = 2 the kiosk A4 (criticality 2, all zeros) is listed too.
    assert sorted(risk.assets_without_risk_path(matrix, critical=2)["asset_id"]) == ["A3", "A4", "A5"]


def test_exposure_by_category_and_area():
    assets, impacts, scores = _asset_tables()
    exposure = risk.asset_exposure(risk.impact_matrix(impacts, assets=assets, hazards=_hazards()), scores)
    by_cat = risk.exposure_by(exposure).set_index("category")
    assert by_cat.index[0] == "water" and by_cat.loc["water", "total_exposure"] == pytest.approx(24.0)
    assert by_cat.loc["water", "share_of_exposure"] == pytest.approx(24 / 32)
    by_area = risk.exposure_by(exposure, by="area").set_index("area_name")
    assert by_area.loc["(city-wide)", "most_exposed_asset"] == "Substation"
    with pytest.raises(ValueError):
        risk.exposure_by(exposure, by="owner")


# --------------------------------------------------------------------------- compound risk and network


def _compound_tables():
    shocks = pd.DataFrame({"hazard_id": ["S1", "S2", "S3"], "hazard": ["Flood", "Fire", "Storm"], "n": [10, 10, 10], "score": [25.0, 10.0, 8.0]})
    stresses = pd.DataFrame(
        {"hazard_id": ["T1", "T2", "T3"], "hazard": ["Subsidence", "Congestion", "Crime"], "n": [8, 8, 0],
         "severity": [5.0, 3.0, nan], "trend": ["worsening", "stable", None], "worsening": [True, False, False]}
    )
    links = pd.DataFrame({"activity_id": "ss", "stress_id": ["T1", "T2", "T2", "T3"], "shock_id": ["S1", "S1", "S2", "S2"], "strength": pd.array([3, 2, 1, 3], dtype="Int64")})
    return shocks, stresses, links


def test_compound_risk_hand_computed():
    shocks, stresses, links = _compound_tables()
    with pytest.warns(RuntimeWarning, match="Crime"):
        out = risk.compound_risk(shocks, stresses, links, alpha=0.25).set_index("hazard_id")
    # S1: A = 3/3 x 5/5 + 2/3 x 3/5 = 1.4; compound = 25 x (1 + 0.25 x 1.4) = 33.75.
    assert out.loc["S1", "amplification"] == pytest.approx(1.4)
    assert out.loc["S1", "compound"] == pytest.approx(33.75) and out.loc["S1", "compound_band"] == "extreme"
    assert out.loc["S1", "amplifiers"] == "Subsidence, Congestion" and out.loc["S1", "n_amplifiers"] == 2
    # S2: T2 weak: 1/3 x 3/5 = 0.2 -> 10 x 1.05 = 10.5 (T3 has no severity: adds nothing).
    assert out.loc["S2", "compound"] == pytest.approx(10.5) and out.loc["S2", "compound_band"] == "high"
    assert out.loc["S2", "n_amplifiers"] == 1
    # S3: no amplifier -> compound = own score.
    assert out.loc["S3", "compound"] == 8.0 and out.loc["S3", "uplift"] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        zero = risk.compound_risk(shocks, stresses, links, alpha=0).set_index("hazard_id")
        sens = risk.compound_sensitivity(shocks, stresses, links, alphas=(0, 1))
    assert (zero["compound"] == zero["score"]).all()
    # alpha 1: S1 = 25 x 2.4 = 60.
    assert sens.set_index("hazard_id").loc["S1", "compound_1"] == pytest.approx(60.0)
    with pytest.raises(ValueError, match="alpha"):
        risk.compound_risk(shocks, stresses, links, alpha=-1)


def test_stress_network_and_centrality_hand_computed():
    shocks, stresses, links = _compound_tables()
    graph = risk.stress_network(shocks, stresses, links)
    assert graph.has_edge("T1", "S1") and graph.edges["T1", "S1"]["strength"] == 3
    assert graph.nodes["T1"]["kind"] == "stress" and graph.nodes["S3"]["kind"] == "shock"
    assert graph.out_degree("T2") == 2 and graph.in_degree("S3") == 0
    out = risk.stress_centrality(graph, alpha=0.25).set_index("hazard_id")
    # T1: 3/3 x 25/25 = 1. T2: 2/3 x 25/25 + 1/3 x 10/25 = 0.8. T3: 3/3 x 10/25 = 0.4.
    assert out.loc["T1", "risk_reach"] == pytest.approx(1.0)
    assert out.loc["T2", "risk_reach"] == pytest.approx(0.8)
    assert out.loc["T3", "risk_reach"] == pytest.approx(0.4)
    assert out.index.tolist() == ["T1", "T2", "T3"] and out.loc["T1", "rank"] == 1
    # compound points added: T1 0.25 x 1 x 25 = 6.25; T2 0.25 x (0.4 x 25 + 0.2 x 10) = 3.
    assert out.loc["T1", "compound_added"] == pytest.approx(6.25)
    assert out.loc["T2", "compound_added"] == pytest.approx(3.0)
    assert out.loc["T2", "amplifies"] == "Flood (moderate), Fire (weak)"
    assert (out.loc["T2", "n_shocks"], out.loc["T2", "out_strength"]) == (2, 3.0)


# --------------------------------------------------------------------------- the sample's planted structure


def test_sample_flooding_is_the_highest_risk_shock(jakarta_results):
    scores, ranks = jakarta_results["scores"], jakarta_results["ranks"]
    assert scores.iloc[0]["hazard_id"] == "SH01" and scores.iloc[0]["band"] == "extreme"
    assert scores.iloc[1]["hazard_id"] == "SH02"  # planted: ahead of tidal flooding
    top = ranks.set_index("hazard_id").loc["SH01"]
    assert top["rank"] == 1 and top["share_first"] >= 0.95 and top["rank_high"] == 1
    assert (scores["n"] == 60).all()


def test_sample_land_subsidence_amplifies_flooding_and_is_a_hub(jakarta_results):
    graph, centrality, stresses = jakarta_results["graph"], jakarta_results["centrality"], jakarta_results["stresses"]
    assert graph.has_edge("ST01", "SH01") and graph.edges["ST01", "SH01"]["strength"] == 3
    assert centrality.iloc[0]["hazard_id"] == "ST01"
    assert "ST01" in centrality.nlargest(3, "compound_added")["hazard_id"].tolist()
    st01 = stresses.set_index("hazard_id").loc["ST01"]
    assert st01["rank"] <= 2 and st01["worsening"]  # most severe (with congestion), worsening
    compound = jakarta_results["compound"]
    assert compound.iloc[0]["hazard_id"] == "SH01" and "Land subsidence" in compound.iloc[0]["amplifiers"]


def test_sample_three_critical_assets_sit_on_no_risk_path(jakarta_results):
    planted = set(sample.ASSETS.loc[sample.ASSETS["exposure"] == "", "asset_id"])
    blank = risk.assets_without_risk_path(jakarta_results["impacts"])
    assert len(planted) == 3 and set(blank["asset_id"]) == planted
    exposure = jakarta_results["exposure"].set_index("asset_id")
    assert (exposure.loc[sorted(planted), "exposure"] == 0).all()
    reach = risk.shock_reach(jakarta_results["impacts"], jakarta_results["scores"])
    assert not reach["critical_assets"].str.contains("Civil registry archive").any()


def test_sample_findings_quote_the_results(jakarta, jakarta_results):
    r = jakarta_results
    text = risk.findings_shocks(r["scores"], r["ranks"], exposure=r["exposure"], reach=risk.shock_reach(r["impacts"], r["scores"]),
                                no_path=risk.assets_without_risk_path(r["impacts"]))
    assert text.startswith("**Flooding** is the highest-risk shock") and "first in 100%" in text
    assert "3 critical asset(s) sit on no risk path" in text and "Civil registry archive" in text
    text = risk.findings_stresses(r["stresses"], r["compound"], r["centrality"])
    assert "**Land subsidence** is the hub" in text and "alpha = 0.25" in text
    # Findings never quote a suppressed row.
    hidden = suppress(r["scores"], count="n", min_cell_size=100)
    assert "No shock was rated" in risk.findings_shocks(hidden, suppress(r["ranks"], count="n", min_cell_size=100))


def test_table_labels_and_findings_follow_the_report_language(jakarta, jakarta_results):
    # Labels in table cells ("(city-wide)", link strengths) and the findings both speak the
    # report language; the vocabulary columns (band, trend) stay English for filtering.
    from pra_lib.publishing import i18n

    r = jakarta_results
    citywide = r["exposure"][r["exposure"]["area"].isna()]
    assert len(citywide) and (citywide["area_name"] == "(city-wide)").all()
    with i18n.language("id"):
        matrix = risk.impact_matrix(jakarta, activity_id="assets_shocks_workshop")
        assert (matrix.loc[matrix["area"].isna(), "area_name"] == "(seluruh kota)").all()
        centrality = risk.stress_centrality(r["graph"])
        linked = centrality[centrality["n_shocks"] > 0]
        assert len(linked) and linked["amplifies"].str.contains(r"\((?:lemah|sedang|kuat)\)").all()
        assert not linked["amplifies"].str.contains(r"\((?:weak|moderate|strong)\)").any()
        text = risk.findings_stresses(r["stresses"], r["compound"], centrality)
        assert "(kuat)" in text and "(strong)" not in text
        text = risk.findings_shocks(r["scores"], r["ranks"], exposure=citywide)
        assert "(seluruh kota)" in text and "(city-wide)" not in text


# --------------------------------------------------------------------------- degenerate input


def test_empty_ratings_give_defined_results():
    empty = _ratings([])
    with pytest.warns(RuntimeWarning, match="no shock ratings"):
        scores = risk.shock_scores(empty, hazards=_hazards())
    assert scores["hazard_id"].tolist() == ["H1", "H2", "H3"] and (scores["n"] == 0).all() and scores["score"].isna().all()
    with pytest.warns(RuntimeWarning):
        stresses = risk.stress_scores(empty, hazards=_hazards())
    assert (stresses["n"] == 0).all()
    with pytest.warns(RuntimeWarning):
        ranks = risk.rank_intervals(empty, n_resamples=50)  # no hazards table: nothing to rank
    assert ranks.empty and "share_first" in ranks
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ranks = risk.rank_intervals(empty, hazards=_hazards(), n_resamples=50)
    assert ranks["rank"].isna().all() and (ranks["share_first"] == 0).all()
    with pytest.warns(RuntimeWarning, match="two raters"):
        risk.rater_agreement(empty, hazards=_hazards())
    assert "No shock was rated" in risk.findings_shocks(scores, ranks)
    assert "No stress was rated" in risk.findings_stresses(stresses, pd.DataFrame(), pd.DataFrame())


def test_activity_with_no_ratings_warns(shock_fixture):
    with pytest.warns(RuntimeWarning) as record:
        out = risk.shock_scores(shock_fixture, hazards=_hazards(), activity_id="other")
    messages = [str(w.message) for w in record]
    assert any("no shock ratings recorded for activity 'other'" in m for m in messages)
    assert (out["n"] == 0).all()


def test_one_rater_only():
    rows = _ratings([("r1", "H1", 4, 5, None, None), ("r1", "H2", 2, 2, None, None)])
    with pytest.warns(RuntimeWarning, match="Quake"):
        scores = risk.shock_scores(rows, hazards=_hazards()).set_index("hazard_id")
    assert scores.loc["H1", "score"] == 20 and scores.loc["H1", "likelihood_iqr"] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ranks = risk.rank_intervals(rows, hazards=_hazards(), n_resamples=100).set_index("hazard_id")
    assert ranks.loc["H1", "share_first"] == 1.0 and ranks.loc["H1", "rank_low"] == ranks.loc["H1", "rank_high"] == 1


def test_empty_asset_and_link_tables():
    assets, impacts, scores = _asset_tables()
    with pytest.warns(RuntimeWarning, match="no asset impact ratings"):
        matrix = risk.impact_matrix(impacts.iloc[:0], assets=assets, hazards=_hazards())
    assert matrix["impact"].isna().all()
    assert (risk.asset_exposure(matrix, scores)["status"] == "not assessed").all()
    assert len(risk.assets_without_risk_path(matrix)) == 4  # every critical asset: no impact rated
    with pytest.warns(RuntimeWarning, match="no assets"):
        assert risk.impact_matrix(impacts.iloc[:0], assets=assets.iloc[:0]).empty
    for func in (risk.asset_exposure, risk.shock_reach):
        assert func(pd.DataFrame(), scores).empty
    assert risk.exposure_by(pd.DataFrame()).empty
    shocks, stresses, links = _compound_tables()
    out = risk.compound_risk(shocks, stresses, links.iloc[:0])
    assert (out["compound"] == out["score"]).all() and (out["n_amplifiers"] == 0).all()
    graph = risk.stress_network(shocks, stresses, links.iloc[:0])
    assert graph.number_of_edges() == 0 and (risk.stress_centrality(graph)["risk_reach"] == 0).all()
    with pytest.warns(RuntimeWarning):
        assert risk.compound_risk(shocks.iloc[:0], stresses, links).empty
    assert risk.stress_centrality(risk.stress_network(None, None, links.iloc[:0])).empty


# --------------------------------------------------------------------------- figures


def test_figures_draw_results_suppressed_cells_and_empty_input(jakarta, jakarta_results):
    r = jakarta_results
    boot = risk.bootstrap_scores(jakarta, activity_id="assets_shocks_workshop", n_resamples=50)
    groups = risk.shock_scores(jakarta, activity_id="assets_shocks_workshop", by="stakeholder_group")
    published = suppress(groups, count="n", min_cell_size=10)  # private sector (n = 8) is hidden
    assert (published["suppressed"] & published["score"].isna()).any()
    figures = [
        risk.risk_matrix_figure(r["scores"], boot=boot),
        risk.rank_interval_figure(r["ranks"]),
        risk.group_scores_figure(published),
        risk.impact_heatmap(r["impacts"], exposure=r["exposure"], shock_scores=r["scores"]),
        risk.stress_severity_figure(r["stresses"]),
        risk.compound_figure(r["compound"]),
        risk.stress_network_figure(r["graph"]),
        risk.risk_matrix_figure(suppress(r["scores"], count="n", min_cell_size=100)),
        risk.risk_matrix_figure(pd.DataFrame()),
        risk.rank_interval_figure(pd.DataFrame(), what="stress"),
        risk.impact_heatmap(pd.DataFrame()),
        risk.stress_network_figure(risk.stress_network(None, None, pd.DataFrame(columns=["stress_id", "shock_id", "strength"]))),
    ]
    matrix_text = " ".join(t.get_text() for ax in figures[0].axes for t in ax.texts)
    assert "Flooding" in matrix_text and "n = 60" in matrix_text
    heat_labels = [t.get_text() for t in figures[3].axes[0].get_yticklabels()]
    assert sum("(no risk path)" in label for label in heat_labels) == 3
    suppressed_text = " ".join(t.get_text() for t in figures[2].axes[0].texts)
    assert "suppressed" in suppressed_text
    for fig in figures:
        assert fig.axes
        plt.close(fig)


def test_a_suppressed_amplifier_is_named_not_lost(sample_dir):
    """Issue 13: when ST01's severity is suppressed, SH01's compound risk falls from 40.8 to 32.5; the loss is named."""
    from pra_lib.assessment.loading import load_assessment

    a = load_assessment(sample_dir)
    shocks = risk.shock_scores(a, activity_id="assets_shocks_workshop")
    stresses = risk.stress_scores(a, activity_id="stresses_session")
    full = risk.compound_risk(shocks, stresses, a, activity_id="stresses_session").set_index("hazard_id")
    published = stresses.astype({"severity": object})
    published.loc[published["hazard_id"] == "ST01", "severity"] = "suppressed"  # as a published table reads when n < min_cell_size
    with pytest.warns(RuntimeWarning, match="Land subsidence"):
        cut = risk.compound_risk(shocks, published, a, activity_id="stresses_session").set_index("hazard_id")
    # SH01 = 25 x (1 + 0.25 A); ST01 (strong link, severity 5) adds 1 to A: 0.25 x 25 = 6.25 points lost
    assert full.loc["SH01", "compound"] - cut.loc["SH01", "compound"] == pytest.approx(6.25)
    assert cut.loc["SH01", "missing_amplifiers"] == "Land subsidence" and full.loc["SH01", "missing_amplifiers"] == ""
    text = risk.findings_stresses(published, cut.reset_index(), pd.DataFrame())
    assert "Evidence left out" in text and "Flooding: Land subsidence" in text


def test_findings_say_when_the_top_shock_is_a_tie():
    rows = []
    for i in range(20):
        like = 3 + (i % 2)
        rows += [(f"r{i}", "H1", like, 4, None, None), (f"r{i}", "H2", like, 4, None, None), (f"r{i}", "H3", 1, 1, None, None)]
    data = _ratings(rows)
    scores = risk.shock_scores(data, hazards=_hazards())
    ranks = risk.rank_intervals(data, hazards=_hazards(), n_resamples=200, seed=1)
    text = risk.findings_shocks(scores, ranks)
    top = scores.sort_values("score", ascending=False, kind="stable").iloc[0]["hazard"]
    other = {"Flood": "Fire", "Fire": "Flood"}[top]
    assert f"It shares its score with {other}: a tie" in text and "ranks 1-2" in text
    # no tie, no such sentence
    clear = [(f"r{i}", h, v, v, None, None) for i in range(20) for h, v in (("H1", 5), ("H2", 3), ("H3", 1))]
    d2 = _ratings(clear)
    assert "a tie" not in risk.findings_shocks(risk.shock_scores(d2, hazards=_hazards()), risk.rank_intervals(d2, hazards=_hazards(), n_resamples=100))
