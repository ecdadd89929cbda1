"""Tests for :mod:`pra_lib.assessment.crf`, the City Resilience Framework reference data.

Source of the expected values: the project's method brief,
``/work/shared/domain/PRA_METHOD.md`` section 3 ("The City Resilience Framework
(CRF)"): 4 dimensions x 3 goals, 52 indicators with per-goal counts
5, 5, 4, 4, 4, 5, 4, 5, 4, 5, 3, 4, the seven qualities, the Indonesian goal names
used in Jakarta's PRA, and the notes on which names are *(unconfirmed)*.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pra_lib.assessment import crf

# Brief §3 table, column "Indonesian (Jakarta)".  Goals 3, 6, 9, 12 are "(to translate)";
# goal 5's recorded wording says "ekonomi" where the goal is about security (issue 14), so the
# project corrects it (PROJECT_GOAL_NAMES_ID).
JAKARTA_GOAL_NAMES_ID = {
    "G01": "Pemenuhan kebutuhan dasar",
    "G02": "Penghidupan dan pekerjaan yang layak",
    "G04": "Mendorong partisipasi masyarakat yang terpadu",
    "G07": "Menyediakan dan meningkatkan aset alam dan buatan",
    "G08": "Menjamin kelangsungan layanan yang penting",
    "G10": "Meningkatkan kepemimpinan dan pengelolaan efektif",
    "G11": "Memberdayakan berbagai pemangku kepentingan",
}
PROJECT_GOAL_NAMES_ID = {
    "G03": "Menjamin layanan kesehatan masyarakat",
    "G05": "Menjamin stabilitas sosial, keamanan, dan keadilan",
    "G06": "Mendorong kemakmuran ekonomi",
    "G09": "Menyediakan komunikasi dan mobilitas yang andal",
    "G12": "Mendorong perencanaan jangka panjang yang terpadu",
}
INDICATOR_COUNTS = [5, 5, 4, 4, 4, 5, 4, 5, 4, 5, 3, 4]


# --------------------------------------------------------------------------- structure


def test_constants():
    assert crf.GOAL_IDS == tuple(f"G{n:02d}" for n in range(1, 13))
    assert len(crf.GOAL_IDS) == 12
    assert crf.DIMENSION_IDS == ("D1", "D2", "D3", "D4")


def test_dimensions():
    d = crf.dimensions()
    assert list(d.columns) == [
        "dimension_id", "name_en", "name_en_alt", "name_id", "name_id_source",
    ]
    assert tuple(d["dimension_id"]) == crf.DIMENSION_IDS
    assert d["name_en"].tolist() == [
        "Health & Wellbeing",
        "Economy & Society",
        "Infrastructure & Environment",
        "Leadership & Strategy",
    ]
    alt = dict(zip(d["dimension_id"], d["name_en_alt"]))
    assert alt == {"D1": "", "D2": "", "D3": "Infrastructure & Ecosystems", "D4": ""}
    assert (d["name_id_source"] == "project").all()
    assert (d["name_id"].str.len() > 0).all()


def test_goals_structure():
    g = crf.goals()
    assert list(g.columns) == [
        "goal_id", "goal_number", "dimension_id", "dimension_name_en",
        "short_name_en", "long_name_en", "name_id", "name_id_source",
        "short_name_confirmed", "long_name_confirmed",
    ]
    assert tuple(g["goal_id"]) == crf.GOAL_IDS
    assert g["goal_id"].is_unique
    assert g["goal_number"].tolist() == list(range(1, 13))
    assert (g["goal_id"] == g["goal_number"].map(lambda n: f"G{n:02d}")).all()
    assert g.groupby("dimension_id").size().to_dict() == {d: 3 for d in crf.DIMENSION_IDS}
    # goals 1-3 -> D1, 4-6 -> D2, ...
    assert g["dimension_id"].tolist() == [f"D{(n - 1) // 3 + 1}" for n in range(1, 13)]
    assert set(g["dimension_id"]) <= set(crf.dimensions()["dimension_id"])
    assert g.loc[g["goal_id"] == "G07", "dimension_name_en"].item() == (
        "Infrastructure & Environment"
    )
    assert (g["short_name_en"].str.len() > 0).all()
    assert (g["long_name_en"].str.len() > 0).all()


def test_goal_names_en_from_brief():
    g = crf.goals().set_index("goal_id")
    assert g.loc["G01", "short_name_en"] == "Meets basic needs"
    assert g.loc["G01", "long_name_en"] == "Minimal human vulnerability"
    assert g.loc["G05", "short_name_en"] == "Ensures social stability, security & justice"
    assert g.loc["G12", "long_name_en"] == "Integrated development planning"


def test_confirmation_flags_follow_brief():
    g = crf.goals().set_index("goal_number")
    assert g["short_name_confirmed"].dtype == bool
    assert g["long_name_confirmed"].dtype == bool
    # "The short names of goals 1 to 9, 11 and 12 are (unconfirmed)."
    assert g.index[g["short_name_confirmed"]].tolist() == [10]
    # "So are the long names of goals 10 to 12."
    assert g.index[~g["long_name_confirmed"]].tolist() == [10, 11, 12]


def test_indicators_structure():
    ind = crf.indicators()
    assert list(ind.columns) == [
        "indicator_id", "goal_id", "goal_short_name_en", "indicator_number",
        "label_en", "label_id", "label_id_source", "confirmed",
    ]
    assert len(ind) == 52
    assert ind["indicator_id"].is_unique
    assert ind.groupby("goal_id").size().reindex(list(crf.GOAL_IDS)).tolist() == (
        INDICATOR_COUNTS
    )
    assert sum(INDICATOR_COUNTS) == 52
    assert set(ind["goal_id"]) <= set(crf.goals()["goal_id"])
    assert (ind["label_en"].str.len() > 0).all()


def test_indicator_ids_consistent_with_goal():
    ind = crf.indicators()
    goal_number = ind["goal_id"].str[1:].astype(int)
    expected = goal_number.astype(str) + "." + ind["indicator_number"].astype(str)
    assert (ind["indicator_id"] == expected).all()
    # positions within each goal run 1..n
    for _, grp in ind.groupby("goal_id"):
        assert grp["indicator_number"].tolist() == list(range(1, len(grp) + 1))


def test_indicator_ids_stay_text():
    ind = crf.indicators()
    assert all(isinstance(v, str) for v in ind["indicator_id"])
    assert "10.1" in set(ind["indicator_id"])
    assert "12.4" in set(ind["indicator_id"])
    assert ind["indicator_id"].iloc[-1] == "12.4"
    assert ind.loc[ind["indicator_id"] == "10.1", "goal_id"].item() == "G10"


def test_indicator_goal_short_name():
    ind = crf.indicators()
    short = crf.goals().set_index("goal_id")["short_name_en"]
    assert (ind["goal_short_name_en"] == ind["goal_id"].map(short)).all()


def test_indicator_confirmation_and_labels():
    ind = crf.indicators().set_index("indicator_id")
    assert ind["confirmed"].dtype == bool
    assert ind.index[~ind["confirmed"]].tolist() == ["2.5"]
    assert ind.loc["1.1", "label_en"] == "Safe and affordable housing"
    assert ind.loc["7.2", "label_en"] == "Appropriate codes, standards and enforcement"
    assert ind.loc["11.3", "label_en"] == (
        "Effective mechanisms for communities to engage with government"
    )


def test_qualities():
    q = crf.qualities()
    assert list(q.columns) == ["quality_id", "name_en", "name_id", "name_id_source"]
    assert len(q) == 7
    assert q["quality_id"].is_unique
    assert q["quality_id"].tolist() == [f"Q{n}" for n in range(1, 8)]
    assert q["name_en"].str.lower().tolist() == [
        "reflective", "resourceful", "robust", "redundant",
        "flexible", "inclusive", "integrated",
    ]
    assert (q["name_id_source"] == "project").all()
    assert (q["name_id"].str.len() > 0).all()


# --------------------------------------------------------------------------- translations


def test_jakarta_goal_names_exact():
    g = crf.goals().set_index("goal_id")
    for gid, name in JAKARTA_GOAL_NAMES_ID.items():
        assert g.loc[gid, "name_id"] == name
        assert g.loc[gid, "name_id_source"] == "jakarta_pra"


def test_goals_without_a_jakarta_name_carry_the_projects_marked_as_such():
    g = crf.goals().set_index("goal_id")
    for gid, name in PROJECT_GOAL_NAMES_ID.items():
        assert g.loc[gid, "name_id"] == name
        assert g.loc[gid, "name_id_source"] == "project"
    assert set(JAKARTA_GOAL_NAMES_ID) | set(PROJECT_GOAL_NAMES_ID) == set(crf.GOAL_IDS)
    # G05 is about security ("keamanan"), not the economy.
    assert "keamanan" in g.loc["G05", "name_id"] and "ekonomi" not in g.loc["G05", "name_id"]


def test_indicators_carry_the_projects_translation():
    ind = crf.indicators().set_index("indicator_id")
    assert (ind["label_id_source"] == "project").all()
    assert ind["label_id"].str.strip().str.len().gt(0).all()
    assert ind["label_id"].is_unique, "no two indicators read the same in Indonesian"
    assert ind.loc["5.2", "label_id"] == "Pencegahan korupsi yang proaktif"


def test_translation_sources_and_empty_strings_not_nan():
    frames = {
        "dimensions": (crf.dimensions(), "name_id", "name_id_source"),
        "goals": (crf.goals(), "name_id", "name_id_source"),
        "indicators": (crf.indicators(), "label_id", "label_id_source"),
        "qualities": (crf.qualities(), "name_id", "name_id_source"),
    }
    for name, (df, label_col, source_col) in frames.items():
        assert not df.isna().any().any(), name
        assert set(df[source_col]) <= set(crf.TRANSLATION_SOURCES) == {"jakarta_pra", "project"}, name
        assert (df[label_col].str.strip() != "").all(), f"{name}: every CRF name has an Indonesian translation"
        assert (df[label_col] != df[label_col.replace("_id", "_en") if name != "goals" else "short_name_en"]).all(), name


def test_a_reference_file_without_an_indonesian_name_is_refused():
    frame = pd.DataFrame({"quality_id": ["Q1", "Q2"], "name_en": ["Reflective", "Resourceful"],
                          "name_id": ["Reflektif", " "], "name_id_source": ["project", "project"]})
    with pytest.raises(ValueError, match=r"crf_qualities.csv, row 3, column 'name_id': the Indonesian label is empty"):
        crf._check_translations(frame, "crf_qualities.csv")
    frame.loc[1, ["name_id", "name_id_source"]] = ["Banyak akal", "untranslated"]
    with pytest.raises(ValueError, match=r"row 3, column 'name_id_source': 'untranslated' is not a translation source"):
        crf._check_translations(frame, "crf_qualities.csv")


# --------------------------------------------------------------------------- goal_label


def test_goal_label_english():
    assert crf.goal_label("G01") == "Meets basic needs"
    assert crf.goal_label(1, form="long") == "Minimal human vulnerability"
    assert crf.goal_label("g10", lang="en", form="short") == (
        "Promotes leadership & effective management"
    )


def test_goal_label_indonesian():
    for gid, name in JAKARTA_GOAL_NAMES_ID.items():
        assert crf.goal_label(gid, lang="id") == name
        assert crf.goal_label(gid, lang="id", form="long") == name


def test_goal_label_indonesian_never_falls_back_to_english():
    assert crf.goal_label("G03", lang="id") == "Menjamin layanan kesehatan masyarakat"
    assert crf.goal_label(12, lang="id") == "Mendorong perencanaan jangka panjang yang terpadu"
    for gid in crf.GOAL_IDS:
        label = crf.goal_label(gid, lang="id")
        assert "[EN]" not in label and label != crf.goal_label(gid, lang="en")


@pytest.mark.parametrize(
    "kwargs", [{"lang": "fr"}, {"lang": "EN"}, {"form": "medium"}, {"lang": "id", "form": "x"}]
)
def test_goal_label_rejects_bad_options(kwargs):
    with pytest.raises(ValueError):
        crf.goal_label("G01", **kwargs)


def test_goal_label_rejects_bad_goal():
    with pytest.raises(ValueError, match="G13"):
        crf.goal_label("G13")


# --------------------------------------------------------------------------- normalise_goal_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("G01", "G01"),
        ("G1", "G01"),
        ("g1", "G01"),
        (" G01 ", "G01"),
        (1, "G01"),
        ("1", "G01"),
        (1.0, "G01"),
        ("01", "G01"),
        (12, "G12"),
        ("G12", "G12"),
        ("g12", "G12"),
        (np.int64(7), "G07"),
        (np.float64(9.0), "G09"),
    ],
)
def test_normalise_goal_id_accepts(value, expected):
    assert crf.normalise_goal_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [0, 13, "G13", "G0", "abc", "", None, math.nan, np.nan, 1.5, True, "G 1", "1.0",
     "GG1", -1, float("inf"), pd.NA],
)
def test_normalise_goal_id_rejects(value):
    with pytest.raises(ValueError) as excinfo:
        crf.normalise_goal_id(value)
    message = str(excinfo.value)
    assert repr(value) in message
    assert "G01" in message and "1..12" in message


def test_normalise_goal_id_round_trips_all_ids():
    for gid in crf.GOAL_IDS:
        assert crf.normalise_goal_id(gid) == gid


# --------------------------------------------------------------------------- normalise_indicator_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.1", "1.1"), (" 1.1 ", "1.1"), ("10.1", "10.1"), ("12.4", "12.4"), ("2.5", "2.5")],
)
def test_normalise_indicator_id_accepts(value, expected):
    assert crf.normalise_indicator_id(value) == expected


@pytest.mark.parametrize(
    "value", ["1.6", "13.1", "0.1", "11.4", "1.10", "1", "", "abc", "G01.1", None, 1]
)
def test_normalise_indicator_id_rejects(value):
    with pytest.raises(ValueError, match=r"indicator id"):
        crf.normalise_indicator_id(value)


@pytest.mark.parametrize("value", [1.1, 1.10, 10.1, np.float64(1.1)])
def test_normalise_indicator_id_rejects_floats_clearly(value):
    with pytest.raises(ValueError, match="ambiguous"):
        crf.normalise_indicator_id(value)


def test_normalise_indicator_id_round_trips_all_ids():
    for iid in crf.indicators()["indicator_id"]:
        assert crf.normalise_indicator_id(iid) == iid


# --------------------------------------------------------------------------- copies


@pytest.mark.parametrize("func", [crf.dimensions, crf.goals, crf.indicators, crf.qualities])
def test_returned_frames_are_copies(func):
    first = func()
    reference = func()
    first.iloc[0, 0] = "MUTATED"
    first["extra"] = 1
    first.iloc[-1, 0] = "MUTATED"
    del first[first.columns[1]]
    second = func()
    pd.testing.assert_frame_equal(second, reference)
    assert first is not second


def test_mutation_does_not_affect_goal_label():
    g = crf.goals()
    g.loc[:, "short_name_en"] = "MUTATED"
    assert crf.goal_label("G01") == "Meets basic needs"
