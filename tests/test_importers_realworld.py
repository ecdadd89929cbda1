"""Real KoboToolbox exports written by others import correctly (issue 12).

The files live in ``../shared/realworld/`` beside the repository (see its README); they are
never copied here. Where the folder is absent (a user's machine) every test skips with a
message. Expected values are read from the source workbooks in the test (pandas), and
what each answer means is written here by hand from the form's labels, so the importer is
checked against the source, not against itself.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from pra_lib.assessment import importers
from pra_lib.assessment.importers.xlsform import _read_xlsform
from pra_lib.assessment.loading import load_assessment, validate_assessment
from pra_lib.runner import run_reports

from .conftest import REPO, SAMPLE

REALWORLD = REPO.parent / "shared" / "realworld"
TALAFAR = REALWORLD / "kobo-talafar-water-2021"
REACH = REALWORLD / "kobo-reach-msna-2024-synthetic-export"
LEBANON = REALWORLD / "kobo-lbn-msna-2022-form"

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason=f"real exports not found at {REALWORLD} (CI has them beside the clone; see issue 12)")

DK = "don't know"
# Tal Afar form.xlsx, list `satisfaction`, English labels "Very satisfied" .. "Very dissatisfied".
SATISFACTION = {"very_satisfied": "5", "somewhat_satisfied": "4", "neither_satisfied": "3", "somewhat_dissatisfied": "2", "very_dissatisfied": "1"}
# REACH kobo_tool_v11.xlsx: what the researcher's mapping.yaml says each frequency answer is;
# `dnk` is labelled "Don't know" in the form, `pnta` ("Prefer not to answer") is mapped to don't know.
WATER_QUANTITY = {"never": "5", "rarely": "4", "sometimes": "3", "often": "2", "always": "1", "pnta": DK, "dnk": DK}
VIOLENCE = {"never": "5", "once_or_twice": "4", "several_times": "2", "always": "1", "pnta": DK, "dnk": DK}
GENDER = {"male": "male", "female": "female", "other": "other", "pnta": None}


def _band(age: str) -> str:
    a = int(float(age))
    return next(b for b in ("15-24", "25-34", "35-44", "45-54", "55-64", "65+") if int(b[:2]) <= a and (b == "65+" or a <= int(b[3:])))


def _folder(tmp: Path, meta: Path) -> Path:
    """An assessment folder with the researcher's metadata and the sample's hazards.

    The hazards table is required by ``pra validate`` today; a questionnaire-only folder is
    issue 12 item 3 (see test_a_questionnaire_only_folder_validates).
    """
    tmp.mkdir(parents=True)
    shutil.copyfile(meta, tmp / "assessment.yaml")
    shutil.copyfile(SAMPLE / "hazards.csv", tmp / "hazards.csv")
    return tmp


def _import(export: Path, form: Path, mapping, into: Path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # unmapped questions: listed in the result
        return importers.import_kobo(export, form=form, mapping=mapping, into=into, **kw)


def _source(path: Path, sheet=0) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet, dtype=str).fillna("")


@pytest.fixture(scope="module")
def talafar(tmp_path_factory):
    into = _folder(tmp_path_factory.mktemp("talafar") / "pra", TALAFAR / "assessment.yaml")
    return _import(TALAFAR / "raw_data.xlsx", TALAFAR / "form.xlsx", TALAFAR / "mapping.yaml", into)


@pytest.fixture(scope="module")
def reach(tmp_path_factory):
    mapping = yaml.safe_load((REACH / "mapping.yaml").read_text(encoding="utf-8"))
    mapping["weight"] = "weight"  # the MSNA export carries its own design weights and strata
    mapping["strata"] = "stratum"
    into = _folder(tmp_path_factory.mktemp("reach") / "pra", REACH / "assessment.yaml")
    return _import(REACH / "dummy_raw_data.xlsx", REACH / "kobo_tool_v11.xlsx", mapping, into)


# --------------------------------------------------------------------------- Tal Afar (R-resaved Kobo export)


def test_talafar_imports_and_validates(talafar):
    assert talafar.validation == [] and validate_assessment(talafar.into) == []
    source = _source(TALAFAR / "raw_data.xlsx")
    assert len(talafar.participants) == len(source) == 632
    # R-renamed system columns are Kobo's own, not unmapped questions.
    assert {"X_uuid", "X_index", "X_id", "X.U.FEFF.start"} <= set(talafar.skipped)
    assert not [u for u in talafar.unmapped if u.startswith(("X_", "X.U.FEFF"))]
    # 195 split columns `question.choice` are set aside with their question, in one line.
    split = [c for c in source.columns if "." in c and c.split(".")[0] in {m.split(" ")[0] for m in talafar.select_multiple}]
    assert len(split) >= 150 and not [u for u in talafar.unmapped if u.split(" ")[0] in split]
    assert len([n for n in talafar.notes if "split column(s)" in n]) == 1


def test_talafar_values_match_the_source(talafar):
    source = _source(TALAFAR / "raw_data.xlsx").set_index("X_uuid")
    people = talafar.participants.set_index("respondent_id")
    ratings = talafar.ratings
    for uuid in list(source.index[:5]) + list(source.index[-3:]) + list(source.index[source["satisfaction_trucking"] != ""][:5]):
        row, rid = source.loc[uuid], "KB" + uuid
        assert people.loc[rid, "gender"] == row["gender_hoh"]
        assert people.loc[rid, "age_band"] == _band(row["age_respondent_r"])
        for question, goal in (("satisfaction_piped", "G01"), ("satisfaction_trucking", "G08")):
            got = ratings.loc[(ratings["respondent_id"] == rid) & (ratings["goal_id"] == goal), "rating"].tolist()
            assert got == ([SATISFACTION[row[question]]] if row[question] else []), (uuid, question)
    expected = source["satisfaction_piped"][source["satisfaction_piped"] != ""].map(SATISFACTION).value_counts().sort_index()
    got = ratings.loc[ratings["goal_id"] == "G01", "rating"].value_counts().sort_index()
    assert got.to_dict() == expected.to_dict()


def test_talafar_satisfaction_scale_needs_no_mapping(tmp_path, talafar):
    """The researcher's rating_values were needed before; the satisfaction family is now known."""
    mapping = yaml.safe_load((TALAFAR / "mapping.yaml").read_text(encoding="utf-8"))
    del mapping["rating_values"]
    result = _import(TALAFAR / "raw_data.xlsx", TALAFAR / "form.xlsx", mapping, _folder(tmp_path / "pra", TALAFAR / "assessment.yaml"), dry_run=True)
    pd.testing.assert_frame_equal(result.ratings, talafar.ratings)


def test_talafar_cleaned_export_imports(tmp_path):
    into = _folder(tmp_path / "pra", TALAFAR / "assessment.yaml")
    result = _import(TALAFAR / "clean_data.xlsx", TALAFAR / "form.xlsx", TALAFAR / "mapping.yaml", into)
    assert result.validation == []
    source = _source(TALAFAR / "clean_data.xlsx")
    assert list(result.participants["respondent_id"]) == ["KB" + u for u in source["X_uuid"]]
    answered = source[source["satisfaction_piped"] != ""]
    got = result.ratings[result.ratings["goal_id"] == "G01"].set_index("respondent_id")["rating"]
    assert got.to_dict() == {"KB" + u: SATISFACTION[v] for u, v in zip(answered["X_uuid"], answered["satisfaction_piped"])}


# --------------------------------------------------------------------------- REACH MSNA 2024 (openxlsx, sheets declared A1)


def test_reach_sheet_is_read_in_full(reach):
    ws = load_workbook(REACH / "dummy_raw_data.xlsx", read_only=True)["main"]
    assert len(next(ws.iter_rows(values_only=True))) == 1  # the declared size is A1
    source = _source(REACH / "dummy_raw_data.xlsx", "main")
    assert source.shape == (208, 367)
    assert len(reach.participants) == 208
    # every column of the sheet is accounted for: used, listed, or set aside
    assert not [u for u in reach.unmapped if "is in the form but the export has no column" in u]


def test_reach_imports_and_validates(reach):
    assert reach.validation == [] and validate_assessment(reach.into) == []
    assert {"uuid", "index"} <= set(reach.skipped)
    assert any(n.startswith("respondent ids: column uuid") for n in reach.notes)
    # four repeat groups (roster, edu_ind, health_ind, nut_ind), each reported, none imported
    assert sorted(r.split(" ")[0] for r in reach.repeats) == ["edu_ind", "health_ind", "nut_ind", "roster"]


def test_reach_values_match_the_source(reach):
    source = _source(REACH / "dummy_raw_data.xlsx", "main")
    people = reach.participants.set_index("respondent_id")
    ratings = reach.ratings
    for i in [0, 1, 2, 50, 100, 207]:
        row = source.iloc[i]
        rid = "KB" + row["uuid"]
        p = people.loc[rid]
        assert p["channel"] == "interview" and p["stakeholder_group"] == "community"
        assert p["area"] == row["admin1"]
        assert (None if pd.isna(p["gender"]) else p["gender"]) == GENDER[row["resp_gender"]]
        assert p["weight"] == pytest.approx(float(row["weight"]), rel=1e-12)
        assert p["stratum"] == row["stratum"]
        for question, goal, table in (("wash_drinking_water_quantity", "G01", WATER_QUANTITY), ("prot_concern_hh_freq_violence", "G05", VIOLENCE)):
            got = ratings.loc[(ratings["respondent_id"] == rid) & (ratings["goal_id"] == goal), "rating"].tolist()
            assert got == ([table[row[question]]] if row[question] else []), (i, question)


def test_reach_weights_reach_the_loaded_assessment(reach):
    a = load_assessment(reach.into)
    source = _source(REACH / "dummy_raw_data.xlsx", "main")
    assert a.participants["weight"].sum() == pytest.approx(pd.to_numeric(source["weight"]).sum(), rel=1e-9)
    assert set(a.participants["stratum"]) == set(source["stratum"])


def test_reach_frequency_without_values_asks_for_its_direction_once(tmp_path):
    """Frequency is recognised, but whether 'never' is good depends on the question: one problem for the question."""
    mapping = yaml.safe_load((REACH / "mapping.yaml").read_text(encoding="utf-8"))
    del mapping["ratings"]["wash_drinking_water_quantity"]["values"]
    with pytest.raises(importers.ImportDataError) as info:
        _import(REACH / "dummy_raw_data.xlsx", REACH / "kobo_tool_v11.xlsx", mapping, _folder(tmp_path / "pra", REACH / "assessment.yaml"), dry_run=True)
    [problem] = info.value.problems
    assert "direction for this frequency scale" in problem.expected and problem.value == "wash_drinking_water_quantity"
    mapping["ratings"]["wash_drinking_water_quantity"]["reverse"] = True  # never = 5: never short of water
    result = _import(REACH / "dummy_raw_data.xlsx", REACH / "kobo_tool_v11.xlsx", mapping, _folder(tmp_path / "pra2", REACH / "assessment.yaml"), dry_run=True)
    source = _source(REACH / "dummy_raw_data.xlsx", "main")
    water = result.ratings[result.ratings["goal_id"] == "G01"].set_index("respondent_id")["rating"]
    # The form's labels read by hand: "Never (0 times)" .. "Always (more than 20 times)", dnk "Don't know";
    # pnta "Prefer not to answer" is a refusal: no rating at all.
    by_hand = {"never": "5", "rarely": "4", "sometimes": "3", "often": "2", "always": "1", "dnk": DK}
    answered = source[source["wash_drinking_water_quantity"].isin(list(by_hand))]
    assert water.to_dict() == {"KB" + u: by_hand[v] for u, v in zip(answered["uuid"], answered["wash_drinking_water_quantity"])}


def test_reach_unknown_four_point_scale_is_named_once_per_answer(tmp_path):
    """"Just once or twice" / "Several times" belong to no known scale: each distinct answer is named once, with its count."""
    mapping = yaml.safe_load((REACH / "mapping.yaml").read_text(encoding="utf-8"))
    mapping["ratings"]["prot_concern_hh_freq_violence"] = {"goal": "G05", "aspect": "performance", "reverse": True}
    with pytest.raises(importers.ImportDataError) as info:
        _import(REACH / "dummy_raw_data.xlsx", REACH / "kobo_tool_v11.xlsx", mapping, _folder(tmp_path / "pra", REACH / "assessment.yaml"), dry_run=True)
    source = _source(REACH / "dummy_raw_data.xlsx", "main")["prot_concern_hh_freq_violence"]
    got = {p.value: p for p in info.value.problems}
    assert set(got) == {"once_or_twice", "several_times"}
    for value, problem in got.items():
        rows = [i + 2 for i in source.index[source == value]]  # spreadsheet rows: header is row 1
        assert problem.row == rows[0] and f"[{len(rows)} rows: {', '.join(map(str, rows[:5]))}, ...]" in problem.expected


# --------------------------------------------------------------------------- Lebanon MSNA 2022 (form only)


def test_lebanon_form_reads_lists_by_their_full_name():
    questions, problems = _read_xlsform(LEBANON / "kobo_tool.xlsx")
    assert problems == []
    ws = load_workbook(LEBANON / "kobo_tool.xlsx", read_only=True)
    survey = [r for r in ws["survey"].iter_rows(values_only=True)]
    choices = [r for r in ws["choices"].iter_rows(values_only=True)]
    header = [str(h).strip().casefold() if h else "" for h in choices[0]]
    ln, nm = header.index("list_name"), header.index("name")
    pop_group_names = [str(r[nm]) for r in choices[1:] if r[ln] == "pop_group" and r[nm] is not None]
    assert pop_group_names  # the list exists on the choices sheet
    name_col = [str(h).strip().casefold() if h else "" for h in survey[0]].index("name")
    asked = [r[name_col] for r in survey[1:] if r[0] and str(r[0]).split()[:2] == ["select_one", "pop_group"]]
    assert asked
    q = next(q for q in questions if q.name == asked[0])
    assert [c.name for c in q.choices] == pop_group_names


# --------------------------------------------------------------------------- the notebooks on the imported data


@pytest.fixture(scope="module")
def imported_reports(tmp_path_factory, talafar, reach):
    """Every notebook on both imported exports, in one run; those their data cannot support stop."""
    out = tmp_path_factory.mktemp("realworld-reports")
    summary = run_reports([talafar.into, reach.into], out=out, jobs=2, parameters={"n_resamples": 200, "n_runs": 100}, progress=lambda line: None)
    return summary, out


def test_every_notebook_the_imported_data_support_runs(imported_reports):
    """Questionnaire-only exports: the overview, questionnaire and overall reports run (Tal Afar is
    performance-only and offline, REACH is answered in interviews); the others stop in one sentence."""
    summary, out = imported_reports
    assert summary.ok, "\n".join(f"{r.assessment_id}/{r.notebook}: {r.error}" for r in summary.failed)
    assert all(r.error.startswith("This assessment holds no ") for r in summary.results if r.status == "not collected")
    for aid in ("tal-afar-water-2021", "reach-msna-2024-dummy"):
        ran = {r.notebook for r in summary.results if r.assessment_id == aid and r.status == "ok"}
        assert {"00_data_overview", "01_questionnaire", "08_pra_overall"} <= ran, (aid, sorted(ran))
        for book in ("00_data_overview", "01_questionnaire", "08_pra_overall"):
            assert (out / aid / book / f"{book}.html").is_file(), (aid, book)


def test_reach_weighted_estimates_start_from_the_surveys_design_weights(imported_reports, reach):
    """01 on REACH: raking starts from the MSNA's own weights, and the report says so and names its strata."""
    import nbformat

    from pra_lib.publishing.i18n import t

    _, out = imported_reports
    nb = nbformat.read(out / "reach-msna-2024-dummy" / "01_questionnaire" / "01_questionnaire.ipynb", as_version=4)
    shown = "\n".join(o["data"]["text/markdown"] for c in nb.cells for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))
    assert t("weights.find.design") in shown
    strata = _source(REACH / "dummy_raw_data.xlsx", "main")["stratum"].nunique()
    assert t("weights.find.strata", n=strata) in shown
    design = pd.read_csv(out / "reach-msna-2024-dummy" / "01_questionnaire" / "tables" / "design_effect.csv")
    assert design["method"].tolist() == ["design weights raked"]


def test_a_questionnaire_only_folder_validates(tmp_path, talafar):
    into = tmp_path / "pra"
    into.mkdir()
    shutil.copyfile(TALAFAR / "assessment.yaml", into / "assessment.yaml")
    for name in ("participants.csv", "perception_ratings.csv"):
        shutil.copyfile(talafar.into / name, into / name)
    assert validate_assessment(into) == []


def test_reach_imported_weights_give_the_weighted_mean_of_the_source(reach):
    """The survey's own weights, carried in, weight the goal means: sum(w * r) / sum(w) over answered rows."""
    import numpy as np

    from pra_lib import perception
    from pra_lib.stats import weights

    a = load_assessment(reach.into)
    survey = perception.ratings_frame(a, activity_id="questionnaire", channels=["interview"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = perception.scores(weights.add_weights(survey, a.participants.set_index("respondent_id")["weight"]), weights="weight")
    source = _source(REACH / "dummy_raw_data.xlsx", "main")
    codes = source["wash_drinking_water_quantity"].map(WATER_QUANTITY)
    rated = codes.isin(["1", "2", "3", "4", "5"])
    by_hand = np.average(codes[rated].astype(int), weights=source.loc[rated, "weight"].astype(float))
    assert abs(codes[rated].astype(int).mean() - by_hand) > 1e-3  # the weights matter here
    assert scores.set_index("goal_id").loc["G01", "mean"] == pytest.approx(by_hand, abs=5e-6)  # scores are rounded to 5 decimals


def test_talafar_group_is_ignored_by_prefix(tmp_path, talafar):
    """Tal Afar's headers are bare names; `water_supply_system/` names the form's group."""
    mapping = yaml.safe_load((TALAFAR / "mapping.yaml").read_text(encoding="utf-8"))
    mapping["ignore"] = [{"prefix": "water_supply_system/"}]
    result = _import(TALAFAR / "raw_data.xlsx", TALAFAR / "form.xlsx", mapping, _folder(tmp_path / "pra", TALAFAR / "assessment.yaml"), dry_run=True)
    ws = load_workbook(TALAFAR / "form.xlsx", read_only=True)["survey"]
    rows = list(ws.iter_rows(values_only=True))
    name_col = [str(h).strip().casefold() if h else "" for h in rows[0]].index("name")
    in_group, depth, inside = set(), 0, False
    for r in rows[1:]:  # the group's questions, read off the survey sheet by hand
        t = str(r[0] or "").replace("_", " ").split()
        if t[:2] == ["begin", "group"] and r[name_col] == "water_supply_system":
            inside, depth = True, 0
        elif inside and t[:2] == ["begin", "group"]:
            depth += 1
        elif inside and t[:2] == ["end", "group"]:
            if depth == 0:
                inside = False
            depth -= 1
        elif inside and r[name_col]:
            in_group.add(str(r[name_col]))
    unmapped_before = {u.split(" ")[0] for u in talafar.unmapped}
    unmapped_after = {u.split(" ")[0] for u in result.unmapped}
    assert unmapped_before & in_group and not unmapped_after & in_group
    assert unmapped_after == unmapped_before - in_group
    [line] = result.ignored
    assert line.endswith("column(s) starting 'water_supply_system/' (ignore: prefix)")
