"""The synthetic sample: deterministic, at any size, and as documented."""

from __future__ import annotations

import hashlib

from pra_lib.assessment.loading import load_assessment
from pra_lib.assessment.sample import PLANTED_EFFECTS, generate_sample


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_identical_files(tmp_path):
    a = generate_sample(tmp_path / "a", seed=11, respondents=50)
    b = generate_sample(tmp_path / "b", seed=11, respondents=50)
    assert _digests(a) == _digests(b)


def test_other_seed_gives_other_ratings(tmp_path):
    a = generate_sample(tmp_path / "a", seed=11, respondents=50)
    b = generate_sample(tmp_path / "b", seed=12, respondents=50)
    assert _digests(a)["perception_ratings.csv"] != _digests(b)["perception_ratings.csv"]


def test_bundled_sample_is_the_documented_regeneration(tmp_path, sample_dir):
    """data/sample is exactly what `pra sample data/sample` writes with the defaults."""
    fresh = generate_sample(tmp_path / "fresh")
    assert _digests(fresh) == _digests(sample_dir)


def test_bundled_sample_sizes(sample_dir):
    a = load_assessment(sample_dir)
    people = a.participants
    survey = people[people["channel"].isin(["online", "offline"])]
    assert len(survey) == 600
    assert set(survey["channel"]) == {"online", "offline"}
    assert (people["channel"] == "interview").sum() == 25
    assert (people["activity_id"] == "perception_workshop").sum() == 80
    assert (people["activity_id"] == "pra_seminar").sum() == 100
    assert len(a.assets) == 40
    assert (a.hazards["hazard_type"] == "shock").sum() == 8
    assert (a.hazards["hazard_type"] == "stress").sum() == 12
    assert len(a.actions) == 120
    assert len(a.agencies) == 25
    assert a.metadata.synthetic


def test_sample_at_another_size_is_valid(tmp_path):
    a = load_assessment(generate_sample(tmp_path / "big", seed=1, respondents=2500))
    assert (a.participants["respondent_id"].str.startswith("Q")).sum() == 2500


def test_readme_lists_every_planted_effect(sample_dir):
    text = (sample_dir / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text
    for _, effect in PLANTED_EFFECTS:
        assert effect in text


def test_five_real_focus_areas(sample_dir):
    fa = load_assessment(sample_dir).focus_areas
    selected = fa[fa["selected"].fillna(False).astype(bool)]
    assert list(selected["name_id"]) == [
        "Tata kelola dan manajemen kota",
        "Budaya siap-siaga menghadapi guncangan",
        "Tata kelola air bersih, air limbah dan sampah",
        "Konektivitas dan mobilitas",
        "Kohesi sosial",
    ]


def test_parquet_sample_is_dictionary_coded_and_loads_as_the_csv_one(tmp_path):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv = load_assessment(generate_sample(tmp_path / "csv", seed=3, respondents=300))
    parquet_folder = generate_sample(tmp_path / "parquet", seed=3, respondents=300, file_format="parquet")
    assert not list(parquet_folder.glob("*.csv"))
    schema = pq.read_schema(parquet_folder / "perception_ratings.parquet")
    assert all(pa.types.is_dictionary(schema.field(c).type) for c in ("respondent_id", "goal_id", "rating"))
    parquet = load_assessment(parquet_folder)
    for name in csv.tables:
        pd.testing.assert_frame_equal(parquet.tables[name], csv.tables[name], obj=name)
