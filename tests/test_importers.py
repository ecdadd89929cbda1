"""Importing KoboToolbox and Google Forms exports into an assessment folder.

The fixtures under tests/fixtures/kobo and tests/fixtures/gforms are written by the
``build_fixtures.py`` scripts beside them, in each tool's real export layout. The expected
ratings below are computed independently of the importer, from the raw export cells and a
hand-written table of what each choice means.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from pra_lib.assessment import importers
from pra_lib.assessment.loading import load_assessment, validate_assessment
from pra_lib.runner import run_reports

from .conftest import REPO, SAMPLE

KOBO = REPO / "tests" / "fixtures" / "kobo"
GFORMS = REPO / "tests" / "fixtures" / "gforms"
DK = "don't know"
# What the fixture's choices mean (read off form.xlsx by hand).
KINERJA = {"sangat_buruk": "1", "buruk": "2", "cukup": "3", "baik": "4", "sangat_baik": "5", "tidak_tahu": DK}
PENTING = {"1": "1", "2": "2", "3": "3", "4": "4", "5": "5", "99": DK}
WILAYAH = {"jakpus": "jakarta_pusat", "jakut": "jakarta_utara", "jakbar": "jakarta_barat", "jaksel": "jakarta_selatan",
           "jaktim": "jakarta_timur", "kepseribu": "kepulauan_seribu", "luar": None}
KELOMPOK = {"pemerintah": "government", "akademisi": "academia", "swasta": "private", "komunitas": "community"}
GRID = {"Sangat buruk": "1", "Buruk": "2", "Cukup": "3", "Baik": "4", "Sangat baik": "5", "Tidak tahu": DK}
IMPORTANCE = {"Not important": "1", "Slightly important": "2", "Moderately important": "3", "Important": "4", "Very important": "5", "Don\u2019t know": DK}


def _new_folder(tmp_path: Path, name: str = "pra", assessment_id: str | None = None) -> Path:
    """An assessment folder with a copy of the sample's metadata and hazards."""
    folder = tmp_path / name
    folder.mkdir()
    meta = yaml.safe_load((SAMPLE / "assessment.yaml").read_text(encoding="utf-8"))
    if assessment_id:
        meta["assessment_id"] = assessment_id
    (folder / "assessment.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
    shutil.copyfile(SAMPLE / "hazards.csv", folder / "hazards.csv")
    return folder


def _kobo(into, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return importers.import_kobo(kw.pop("export", KOBO / "export.xlsx"), form=kw.pop("form", KOBO / "form.xlsx"), mapping=kw.pop("mapping", KOBO / "mapping.yaml"), into=into, **kw)


def _gforms(into, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return importers.import_gforms(kw.pop("responses", GFORMS / "responses.csv"), mapping=kw.pop("mapping", GFORMS / "mapping.yaml"), into=into, **kw)


def _kobo_rows() -> list[dict]:
    ws = load_workbook(KOBO / "export.xlsx", read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], ["" if v is None else str(v) for v in r])) for r in rows[1:]]


def _mapping(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _digest(*paths: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


# --------------------------------------------------------------------------- KoboToolbox


def test_kobo_fixture_imports_into_a_valid_assessment(tmp_path):
    folder = _new_folder(tmp_path)
    with pytest.warns(UserWarning, match="grp_lain/saran"):
        result = importers.import_kobo(KOBO / "export.xlsx", form=KOBO / "form.xlsx", mapping=KOBO / "mapping.yaml", into=folder)
    assert validate_assessment(folder) == [] and result.validation == []
    assert [p.name for p in result.written] == ["participants.csv", "perception_ratings.csv"]
    a = load_assessment(folder)
    assert len(a.participants) == 30 and set(a.participants["activity_id"]) == {"questionnaire"}
    ratings = a.perception_ratings
    assert set(ratings["goal_id"]) == {f"G{i:02d}" for i in range(1, 13)}
    assert set(ratings["aspect"]) == {"performance", "importance"}
    assert ratings["dont_know"].sum() > 0 and ratings.loc[ratings["dont_know"], "rating"].isna().all()
    assert set(ratings["indicator_id"].dropna()) == {"9.1"}
    assert set(ratings.loc[ratings["indicator_id"] == "9.1", "goal_id"]) == {"G09"}


def test_kobo_answers_convert_as_the_form_says(tmp_path):
    """Every rating and attribute equals the hand-written meaning of the raw export cell."""
    result = _kobo(_new_folder(tmp_path), dry_run=True)
    rows = _kobo_rows()
    expected = set()
    for r in rows:
        rid = "KB" + r["_id"]
        for g in range(1, 13):
            for col, table, aspect in ((f"grp_kinerja/g{g:02d}", KINERJA, "performance"), (f"grp_kepentingan/p{g:02d}", PENTING, "importance")):
                if r[col]:
                    expected.add((rid, f"G{g:02d}", "", aspect, table[r[col]]))
        if r["grp_indikator/ind_9_1"]:
            expected.add((rid, "G09", "9.1", "performance", KINERJA[r["grp_indikator/ind_9_1"]]))
    got = set(result.ratings[["respondent_id", "goal_id", "indicator_id", "aspect", "rating"]].itertuples(index=False, name=None))
    assert got == expected
    people = result.participants.set_index("respondent_id")
    for r in rows:
        p = {k: (None if pd.isna(v) else v) for k, v in people.loc["KB" + r["_id"]].items()}
        assert p["stakeholder_group"] == KELOMPOK[r["grp_profil/kelompok"]]
        assert p["area"] == WILAYAH[r["grp_profil/wilayah"]]
        assert p["channel"] == {"daring": "online", "luring": "offline"}[r["grp_profil/cara_isi"]]
        assert p["gender"] == {"p": "female", "l": "male", "x": None}[r["grp_profil/jenis_kelamin"]]
        age = int(r["grp_profil/umur"])  # e.g. 25 -> 25-34, 67 -> 65+
        band = next(b for b in ("15-24", "25-34", "35-44", "45-54", "55-64", "65+") if int(b[:2]) <= age and (b == "65+" or age <= int(b[3:])))
        assert p["age_band"] == band
        # Personal data lands in the personal columns, verbatim, and nowhere else.
        for target, col in (("name", "grp_kontak/nama"), ("phone", "grp_kontak/telepon"), ("email", "grp_kontak/email"), ("nik", "grp_kontak/nik")):
            assert (p[target] or "") == r[col], target
    secrets = {r[c] for r in rows for c in ("grp_kontak/nama", "grp_kontak/telepon", "grp_kontak/email", "grp_kontak/nik") if r[c]}
    other = result.participants.drop(columns=["name", "phone", "email", "nik"]).astype(str).to_numpy().ravel().tolist() + result.ratings.astype(str).to_numpy().ravel().tolist()
    assert not secrets & set(other)


def test_kobo_reports_everything_it_does_not_import(tmp_path):
    result = _kobo(_new_folder(tmp_path), dry_run=True)
    assert [u.split(" ")[0] for u in result.unmapped] == ["grp_lain/saran"]
    assert len(result.select_multiple) == 1 and result.select_multiple[0].startswith("bencana (select_multiple)")
    assert len(result.repeats) == 1 and result.repeats[0].startswith("rpt_program (sheet 'rpt_program')") and "_parent_index" in result.repeats[0]
    assert [i.split(" ")[0] for i in result.ignored] == ["grp_lain/sumber_info"]
    assert {"_id", "_uuid", "_submission_time", "_index", "start", "end", "deviceid", "lansia (calculated)"} <= set(result.skipped)
    # The select_multiple's 1/0 columns are part of it, not separate unmapped questions.
    assert not any(s.startswith(("bencana/", "rpt_program/")) for s in result.unmapped + result.skipped)
    summary = result.summary()
    for text in ("Unmapped question(s)", "grp_lain/saran", "select_multiple", "rpt_program", "dry run: nothing was written"):
        assert text in summary
    assert result.written == []


def test_kobo_labels_export_converts_like_names_export(tmp_path):
    """Kobo's 'Labels' export writes choice labels (here Indonesian and English) instead of names."""
    wb = load_workbook(KOBO / "export.xlsx")
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    labels_kinerja = {"sangat_buruk": "Sangat buruk", "buruk": "Buruk", "cukup": "Cukup", "baik": "Baik", "sangat_baik": "Sangat baik", "tidak_tahu": "Tidak tahu"}
    labels_penting = {"1": "Not important", "2": "Slightly important", "3": "Moderately important", "4": "Important", "5": "Very important", "99": "Don't know"}
    for row in ws.iter_rows(min_row=2):
        for cell, h in zip(row, header):
            if h.startswith("grp_kinerja/") and cell.value:
                cell.value = labels_kinerja[cell.value]
            elif h.startswith("grp_kepentingan/") and cell.value:
                cell.value = labels_penting[str(cell.value)]
            elif h == "grp_profil/wilayah":
                cell.value = {"jakpus": "Central Jakarta", "luar": "Luar Jakarta"}.get(cell.value, cell.value)
    wb.save(tmp_path / "labels.xlsx")
    folder = _new_folder(tmp_path)
    by_label = _kobo(folder, export=tmp_path / "labels.xlsx", dry_run=True)
    by_name = _kobo(folder, dry_run=True)
    pd.testing.assert_frame_equal(by_label.ratings, by_name.ratings)
    pd.testing.assert_frame_equal(by_label.participants, by_name.participants)


def test_kobo_unconvertible_answers_are_listed_with_row_and_column(tmp_path):
    wb = load_workbook(KOBO / "export.xlsx")
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("grp_kinerja/g03") + 1, value="lumayan")
    ws.cell(row=4, column=header.index("grp_profil/wilayah") + 1, value="bekasi")
    ws.cell(row=5, column=header.index("grp_profil/kelompok") + 1).value = None  # cleared
    wb.save(tmp_path / "bad.xlsx")
    folder = _new_folder(tmp_path)
    with pytest.raises(importers.ImportDataError) as info:
        _kobo(folder, export=tmp_path / "bad.xlsx")
    text = str(info.value)
    assert "row 3, column 'grp_kinerja/g03': value 'lumayan'" in text and "ratings['grp_kinerja/g03'].values" in text
    assert "row 4, column 'grp_profil/wilayah': value 'bekasi'" in text and "participants.area.values" in text
    assert "row 5, column 'grp_profil/kelompok'" in text and "may not be empty" in text
    assert not (folder / "participants.csv").exists(), "nothing is written when an answer does not convert"


def test_personal_values_are_never_echoed(tmp_path):
    mapping = _mapping(KOBO / "mapping.yaml")
    mapping["participants"]["gender"] = "grp_kontak/nama"  # a mistake: names are not genders
    mapping["participants"].pop("name")
    with pytest.raises(importers.ImportDataError) as info:
        _kobo(_new_folder(tmp_path), mapping=mapping)
    text = str(info.value)
    assert "grp_kontak/nama" in text
    names = {r["grp_kontak/nama"] for r in _kobo_rows() if r["grp_kontak/nama"]}
    assert "value '" in text and not any(n in text for n in names)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda m: m["ratings"].__setitem__("grp_kinerja/g01", {"goal": "G13", "aspect": "performance"}), "a CRF goal id"),
        (lambda m: m["ratings"].__setitem__("grp_kinerja/g01", {"goal": "G01", "aspect": "quality"}), "performance or importance"),
        (lambda m: m["ratings"].__setitem__("grp_kinerja/g99", {"goal": "G01", "aspect": "performance"}), "no question 'grp_kinerja/g99'"),
        (lambda m: m["ratings"].__setitem__("ind_9_1", {"indicator": 9.1, "aspect": "performance"}), "quoted text"),
        (lambda m: m["ratings"].__setitem__("ind_9_1", {"indicator": "9.1", "goal": "G01", "aspect": "performance"}), "the goal of indicator 9.1"),
        (lambda m: m["ratings"].__setitem__("grp_kepentingan/p01", {"goal": "G02", "aspect": "importance"}), "one question per goal"),
        (lambda m: m["participants"].__setitem__("area", "bencana"), "one answer per respondent"),
        (lambda m: m["participants"].__setitem__("organisation", "grp_kontak/email"), "personal column email"),
        (lambda m: m["participants"].__setitem__("channel", {"value": "pigeon"}), "one of online, offline"),
        (lambda m: m["participants"]["stakeholder_group"]["values"].__setitem__("komunitas", "citizens"), "one of government"),
        (lambda m: m["participants"].pop("channel"), "a question for channel"),
        (lambda m: m["ratings"].__setitem__("rpt_program/program_nilai", {"goal": "G11", "aspect": "performance"}), "inside the repeat group"),
        (lambda m: m.__setitem__("activity_id", "census"), "an activity listed in the metadata"),
        (lambda m: m.__setitem__("extra", 1), "one of the keys"),
        (lambda m: m["ignore"].append("grp_kinerja/g01"), "is mapped to rating G01"),
    ],
)
def test_mapping_mistakes_are_reported(tmp_path, change, message):
    mapping = copy.deepcopy(_mapping(KOBO / "mapping.yaml"))
    change(mapping)
    with pytest.raises(importers.ImportDataError, match="mapping") as info:
        _kobo(_new_folder(tmp_path), mapping=mapping)
    assert message in str(info.value)


def test_import_never_writes_inputs_and_refuses_to_overwrite(tmp_path):
    folder = _new_folder(tmp_path)
    inputs = [KOBO / "export.xlsx", KOBO / "form.xlsx", KOBO / "mapping.yaml"]
    before = _digest(*inputs)
    _kobo(folder)
    assert _digest(*inputs) == before
    first = (folder / "participants.csv").read_bytes()
    with pytest.raises(importers.ImportDataError, match="use --force to replace it"):
        _kobo(folder)
    _kobo(folder, force=True)
    assert (folder / "participants.csv").read_bytes() == first, "the import is deterministic"
    assert not list(folder.glob(".*.tmp")), "no temporary file is left behind"
    # A table given as a workbook sheet would be given twice.
    other = _new_folder(tmp_path, "other")
    wb = load_workbook(KOBO / "export.xlsx")
    wb.worksheets[0].title = "participants"
    wb.save(other / "input.xlsx")
    with pytest.raises(importers.ImportDataError, match=r"input.xlsx \[sheet participants\]"):
        _kobo(other, force=True)


def test_metadata_is_required_or_copied(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(importers.ImportDataError, match="copy your metadata file there first"):
        _gforms(empty)
    fresh = tmp_path / "fresh"
    result = _gforms(fresh, metadata=SAMPLE / "assessment.yaml")
    assert (fresh / "assessment.yaml").read_bytes() == (SAMPLE / "assessment.yaml").read_bytes()
    assert [p.name for p in result.written] == ["assessment.yaml", "participants.csv", "perception_ratings.csv"]
    # Participants and ratings are all a questionnaire-only assessment needs (issue 12): it validates.
    assert result.validation == [] and "not yet a valid assessment" not in result.summary()


# --------------------------------------------------------------------------- Google Forms


def test_gforms_fixture_imports_and_converts(tmp_path):
    folder = _new_folder(tmp_path)
    result = _gforms(folder)
    assert validate_assessment(folder) == []
    raw = pd.read_csv(GFORMS / "responses.csv", dtype=str, keep_default_na=False)
    assert len(result.participants) == len(raw) == 24
    expected = set()
    for i, r in raw.iterrows():
        rid = f"GF{i + 1:04d}"
        for g, col in enumerate([c for c in raw.columns if c.startswith("Menurut Anda")], start=1):
            if r[col]:
                expected.add((rid, f"G{g:02d}", "performance", GRID[r[col]]))
        for g, col in enumerate([c for c in raw.columns if c.startswith("How important")], start=1):
            if r[col]:
                expected.add((rid, f"G{g:02d}", "importance", IMPORTANCE[r[col]]))
    got = set(result.ratings[["respondent_id", "goal_id", "aspect", "rating"]].itertuples(index=False, name=None))
    assert got == expected and any(x[3] == DK for x in got)
    people = result.participants
    assert set(people["stakeholder_group"]) == {"government", "academia", "private", "community"}  # bilingual options
    assert set(people["channel"]) == {"online"}
    assert people["area"].isna().sum() == (raw["Wilayah tempat Anda tinggal atau bekerja"] == "Di luar Jakarta").sum() == 1
    assert dict(zip(raw["Kelompok umur"], people["age_band"]))["65 tahun ke atas"] == "65+"
    assert list(people["email"]) == list(raw["Email Address"])
    assert [u.rsplit(", ", 1)[0] for u in result.unmapped] == ["Saran Anda untuk membuat Jakarta lebih tangguh"]
    assert len(result.select_multiple) == 1 and "checkbox" in result.select_multiple[0]
    assert result.skipped == ["Timestamp"]


def test_gforms_checkbox_mapped_to_one_value_is_explained(tmp_path):
    mapping = _mapping(GFORMS / "mapping.yaml")
    mapping["participants"]["stakeholder_group"] = {"question": "Guncangan apa saja", "values": {"Banjir": "community", "Banjir rob": "community",
                                                                                             "Gempa bumi": "community", "Kebakaran": "community", "Konflik sosial": "community"}}
    with pytest.raises(importers.ImportDataError, match="looks like several answers of a checkbox question"):
        _gforms(_new_folder(tmp_path), mapping=mapping)


def test_gforms_headers_by_prefix_must_be_unique(tmp_path):
    mapping = _mapping(GFORMS / "mapping.yaml")
    mapping["ratings"]["How important is it"] = mapping["ratings"].pop("How important is it for Jakarta's resilience that the city meets basic needs")
    with pytest.raises(importers.ImportDataError, match="12 column headers start with this text"):
        _gforms(_new_folder(tmp_path), mapping=mapping)


# --------------------------------------------------------------------------- command line


def _parser():
    parser = argparse.ArgumentParser(prog="pra")
    sub = parser.add_subparsers(dest="command", required=True)
    importers.register_cli(sub)
    return parser


def test_cli_import_kobo_and_gforms(tmp_path, capsys):
    folder = _new_folder(tmp_path)
    args = _parser().parse_args(["import", "kobo", str(KOBO / "export.xlsx"), "--form", str(KOBO / "form.xlsx"), "--mapping", str(KOBO / "mapping.yaml"), "--into", str(folder)])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "Imported 30 respondent(s)" in out and "grp_lain/saran" in out and f"{folder}: valid" in out
    args = _parser().parse_args(["import", "kobo", str(KOBO / "export.xlsx"), "--form", str(KOBO / "form.xlsx"), "--mapping", str(KOBO / "mapping.yaml"), "--into", str(folder)])
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert "--force" in err and "Traceback" not in err
    other = _new_folder(tmp_path, "g")
    args = _parser().parse_args(["import", "gforms", str(GFORMS / "responses.csv"), "--mapping", str(GFORMS / "mapping.yaml"), "--into", str(other), "--dry-run"])
    assert args.func(args) == 0
    assert "dry run: nothing was written" in capsys.readouterr().out and not (other / "participants.csv").exists()


@pytest.mark.parametrize("broken", ["missing", "random_bytes", "bad_yaml", "csv_as_form"])
def test_cli_bad_input_exits_2_without_traceback(tmp_path, capsys, broken):
    folder = _new_folder(tmp_path)
    export, form, mapping = KOBO / "export.xlsx", KOBO / "form.xlsx", KOBO / "mapping.yaml"
    if broken == "missing":
        export = tmp_path / "nope.xlsx"
    elif broken == "random_bytes":
        export = tmp_path / "noise.xlsx"
        export.write_bytes(bytes(range(256)) * 8)
    elif broken == "bad_yaml":
        mapping = tmp_path / "m.yaml"
        mapping.write_text("ratings: [unclosed\n", encoding="utf-8")
    else:
        form = GFORMS / "responses.csv"
    args = _parser().parse_args(["import", "kobo", str(export), "--form", str(form), "--mapping", str(mapping), "--into", str(folder)])
    assert args.func(args) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err and "pra import kobo" in captured.err
    assert not (folder / "participants.csv").exists()


# --------------------------------------------------------------------------- fixtures and the perception notebook


def _load_script(path: Path):
    spec = importlib.util.spec_from_file_location(f"fixture_builder_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fixtures_are_what_their_build_scripts_write(tmp_path):
    (tmp_path / "kobo").mkdir()
    (tmp_path / "gforms").mkdir()
    _load_script(KOBO / "build_fixtures.py").build(tmp_path / "kobo")
    _load_script(GFORMS / "build_fixtures.py").build(tmp_path / "gforms")
    for name in ("form.xlsx", "export.xlsx"):
        fresh, committed = load_workbook(tmp_path / "kobo" / name), load_workbook(KOBO / name)
        assert fresh.sheetnames == committed.sheetnames
        for a, b in zip(fresh.worksheets, committed.worksheets):
            assert list(a.values) == list(b.values), f"{name} [{a.title}] differs from its build script; rebuild it"
    assert (tmp_path / "gforms" / "responses.csv").read_bytes() == (GFORMS / "responses.csv").read_bytes()


def test_imported_fixtures_run_through_the_perception_notebook(tmp_path):
    kobo = _new_folder(tmp_path, "kobo", assessment_id="kobo-fixture")
    gforms = _new_folder(tmp_path, "gforms", assessment_id="gforms-fixture")
    _kobo(kobo)
    _gforms(gforms)
    summary = run_reports([kobo, gforms], out=tmp_path / "out", only=["01"], jobs=2, parameters={"n_resamples": 200}, progress=lambda line: None)
    assert summary.ok, "\n".join(f"{r.assessment_id}/{r.notebook}: {r.error}" for r in summary.failed)
    for aid, n in (("kobo-fixture", 30), ("gforms-fixture", 24)):
        respondents = pd.read_csv(tmp_path / "out" / aid / "01_questionnaire" / "tables" / "respondents.csv", dtype=str)
        assert pd.to_numeric(respondents["n"], errors="coerce").sum() <= n
        html = (tmp_path / "out" / aid / "01_questionnaire" / "01_questionnaire.html").read_text(encoding="utf-8")
        assert "Weighted estimates" in html and "design effect" in html
        weighted = pd.read_csv(tmp_path / "out" / aid / "01_questionnaire" / "tables" / "weighted_goal_scores.csv", dtype=str)
        assert set(weighted["estimate"]) == {"unweighted", "weighted"}
    # The Kobo respondent from outside Jakarta has no area. The weighting margins hide that small
    # row (1 person) with the areas that protect it, and hidden rows weigh as one cell
    # (perception.weighting.weighting_cells), so all 30 are weighted and no count of 1 is printed.
    kobo_html = (tmp_path / "out" / "kobo-fixture" / "01_questionnaire" / "01_questionnaire.html").read_text(encoding="utf-8")
    assert "30 respondents were weighted" in kobo_html and "Left out" not in kobo_html
    margins = pd.read_csv(tmp_path / "out" / "kobo-fixture" / "01_questionnaire" / "tables" / "weighting_margins.csv", dtype=str).set_index("category")
    assert margins.loc["(no value)", "suppressed"] == "True" and pd.isna(margins.loc["(no value)", "n"])


# --------------------------------------------------------------------------- real-export rules (issue 12)
# Small exports built here, each showing one rule. Expected values are read off the
# answers by hand (what the respondent saw), never computed by the importer's own tables.

import csv  # noqa: E402
import re  # noqa: E402
import zipfile  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from pra_lib.assessment.importers import answers  # noqa: E402
from pra_lib.assessment.importers.xlsform import _parse_type  # noqa: E402


def _write_book(path: Path, sheets: dict[str, list[list]], *, dimension_a1: bool = False) -> Path:
    """An XLSX workbook; with dimension_a1 every sheet declares the size A1, as R's openxlsx writes."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    if dimension_a1:
        tmp = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet"):
                    data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', data)
                dst.writestr(item, data)
        tmp.replace(path)
    return path


FORM_ROWS = {
    "survey": [["type", "name", "label::English (en)"],
               ["start", "start", None],
               ["select_one pop_group", "grp", "Which group?"],
               ["select_one yes_no or_other", "consent", "Consent?"],
               ["select_one satisfaction", "q_water", "How satisfied are you with water?"],
               ["select_multiple sources", "sources", "Which sources?"],
               ["begin_group", "hh", "Household"],
               ["integer", "hh_size", "How many?"],
               ["end_group", None, None]],
    "choices": [["list_name", "name", "label::English (en)"],
                ["pop_group", "comm", "Community"], ["pop_group", "gov", "Government"],
                ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"],
                ["satisfaction", "very_satisfied", "Very satisfied"], ["satisfaction", "somewhat_satisfied", "Somewhat satisfied"],
                ["satisfaction", "neither", "Neither satisfied nor dissatisfied"], ["satisfaction", "somewhat_dissatisfied", "Somewhat dissatisfied"],
                ["satisfaction", "very_dissatisfied", "Very dissatisfied"],
                ["sources", "piped", "Piped"], ["sources", "well", "Well"]],
}
# R-renamed Kobo export: BOM header, X_ system columns, question.choice split columns.
EXPORT_HEADER = ["X.U.FEFF.start", "grp", "consent", "q_water", "sources", "sources.piped", "sources.well", "hh_size", "X_id", "X_uuid", "X_index"]
EXPORT_ROWS = [
    ["2021-07-01", "comm", "yes", "very_satisfied", "piped", "1", "0", "4", "11", "u-1", "1"],
    ["2021-07-01", "gov", "yes", "somewhat_dissatisfied", "piped well", "1", "1", "2", "12", "u-2", "2"],
    ["2021-07-02", "comm", "no", "neither", "well", "0", "1", "5", "13", "u-3", "3"],
    ["2021-07-02", "comm", "yes", "very_dissatisfied", "", "0", "0", "3", "14", "u-4", "4"],
]
# What each answer means, read off the form's labels by hand.
WATER = {"very_satisfied": "5", "somewhat_satisfied": "4", "neither": "3", "somewhat_dissatisfied": "2", "very_dissatisfied": "1"}


def _real_like(tmp_path, *, header=EXPORT_HEADER, rows=EXPORT_ROWS, dimension_a1=True, mapping=None, **kw):
    form = _write_book(tmp_path / "form.xlsx", FORM_ROWS)
    export = _write_book(tmp_path / "export.xlsx", {"data": [header, *rows]}, dimension_a1=dimension_a1)
    folder = _new_folder(tmp_path)
    mapping = mapping or {"participants": {"stakeholder_group": {"question": "grp", "values": {"comm": "community", "gov": "government"}},
                                           "channel": {"value": "offline"}},
                          "ratings": {"q_water": {"goal": "G01", "aspect": "performance"}}}
    return _kobo(folder, export=export, form=form, mapping=mapping, dry_run=True, **kw), export


def test_sheet_declared_as_a1_is_read_in_full(tmp_path):
    """R's openxlsx declares <dimension ref="A1"/>; openpyxl's read-only mode then sees one column."""
    result, export = _real_like(tmp_path)
    ws = load_workbook(export, read_only=True).worksheets[0]
    assert len(next(ws.iter_rows(values_only=True))) == 1  # the trap is real in this fixture
    assert len(result.participants) == 4
    got = dict(zip(result.ratings["respondent_id"], result.ratings["rating"]))
    assert got == {f"KB{r[8]}": WATER[r[3]] for r in EXPORT_ROWS}


@pytest.mark.parametrize("text, expected", [
    ("select_one pop_group", ("select_one", "pop_group")),
    ("select_one age_group", ("select_one", "age_group")),
    ("select_one stakeholder_group", ("select_one", "stakeholder_group")),
    ("select_multiple reasons or_other", ("select_multiple", "reasons")),
    ("select_one_from_file villages.csv", ("select_one", None)),
    ("select_multiple_from_file villages.csv", ("select_multiple", None)),
    ("begin_group", ("begin group", None)),
    ("begin group", ("begin group", None)),
    ("end_repeat", ("end repeat", None)),
    ("rank priorities", ("rank", "priorities")),
    ("integer", ("integer", None)),
])
def test_xlsform_type_is_parsed_by_its_grammar(text, expected):
    # XLSForm spec (xlsform.org, "Question types"): `select_one [list]`, `or_other` suffix, `_from_file`.
    assert _parse_type(text) == expected


def test_r_renamed_system_and_split_columns_are_recognised(tmp_path):
    result, _ = _real_like(tmp_path)
    # X_id is Kobo's _id, so ids come from it; X.U.FEFF.start is the form's `start`.
    assert list(result.participants["respondent_id"]) == ["KB11", "KB12", "KB13", "KB14"]
    assert {"X_id", "X_uuid", "X_index", "X.U.FEFF.start"} <= set(result.skipped)
    assert not any("sources." in u or "X_" in u for u in result.unmapped)
    assert [m.split(" ")[0] for m in result.select_multiple] == ["sources"]
    split_notes = [n for n in result.notes if "split column" in n]
    assert split_notes == ["2 split column(s) of 1 select_multiple question(s) (question/choice or question.choice, one per choice) set aside with their question"]
    assert any(n.startswith("respondent ids: column X_id") for n in result.notes)
    # pop_group is its own list (not "pop"): the group answers converted by it.
    assert list(result.participants["stakeholder_group"]) == ["community", "government", "community", "community"]


def test_bare_uuid_and_index_are_kobo_ids(tmp_path):
    header = [h.replace("X_uuid", "uuid").replace("X_index", "index") for h in EXPORT_HEADER if h != "X_id"]
    rows = [r[:8] + r[9:] for r in EXPORT_ROWS]
    result, _ = _real_like(tmp_path, header=header, rows=rows)
    assert list(result.participants["respondent_id"]) == ["KBu-1", "KBu-2", "KBu-3", "KBu-4"]
    assert any("uuid = _uuid" in n for n in result.notes)


def test_row_numbering_says_why(tmp_path):
    header = [h for h in EXPORT_HEADER if h not in ("X_id", "X_uuid", "X_index")]
    rows = [r[:8] for r in EXPORT_ROWS]
    result, _ = _real_like(tmp_path, header=header, rows=rows)
    assert list(result.participants["respondent_id"]) == ["KB0001", "KB0002", "KB0003", "KB0004"]
    assert any(n.startswith("respondent ids: row numbers in export order, because the export has no Kobo id column") for n in result.notes)


def _gf(tmp_path, columns: dict[str, list[str]], mapping: dict, **kw):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "responses.csv"
    n = len(next(iter(columns.values())))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Timestamp", *columns])
        for i in range(n):
            w.writerow([f"2024/05/0{1 + i % 9} 10:00:00", *(c[i] for c in columns.values())])
    base = {"participants": {"stakeholder_group": {"value": "community"}, "channel": {"value": "online"}}}
    base["participants"].update(mapping.pop("participants", {}))
    base.update(mapping)
    return _gforms(_new_folder(tmp_path), responses=path, mapping=base, dry_run=True, **kw)


@pytest.mark.parametrize("answer, code", [
    # Family labels as the respondent saw them (English and Indonesian), code 1 = worst.
    ("Somewhat satisfied", "4"), ("Very dissatisfied", "1"), ("Neither satisfied nor dissatisfied", "3"), ("Sangat puas", "5"),
    ("Satisfactory", "3"), ("Excellent", "5"), ("Poor", "2"), ("Sangat buruk", "1"),
    ("Strongly agree", "5"), ("Tidak setuju", "2"), ("Very important", "5"), ("Kurang penting", "2"),
    # A leading number is the scale point chosen; its label may be unknown ("effective").
    ("5 (Very effective)", "5"), ("2 (Slightly effective)", "2"), ("4 - Good", "4"), ("3. Fair", "3"),
    # Bilingual pairs agreeing on one meaning.
    ("Baik / Good", "4"), ("Puas (Satisfied)", "4"),
])
def test_common_answer_scales_are_recognised(tmp_path, answer, code):
    result = _gf(tmp_path, {"Q": [answer]}, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}})
    assert list(result.ratings["rating"]) == [code]


def test_frequency_scale_needs_its_direction(tmp_path):
    cols = {"Q": ["Never", "Sometimes", "Always", "Sering"]}
    with pytest.raises(importers.ImportDataError, match="direction for this frequency scale"):
        _gf(tmp_path, dict(cols), {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}})
    better_rarely = _gf(tmp_path / "r", dict(cols), {"ratings": {"Q": {"goal": "G01", "aspect": "performance", "reverse": True}}})
    assert list(better_rarely.ratings["rating"]) == ["5", "3", "1", "2"]
    better_often = _gf(tmp_path / "f", dict(cols), {"ratings": {"Q": {"goal": "G01", "aspect": "performance", "reverse": False}}})
    assert list(better_often.ratings["rating"]) == ["1", "3", "5", "4"]


def test_a_number_and_label_that_disagree_is_an_error(tmp_path):
    with pytest.raises(importers.ImportDataError, match=r"the number 1 and the label 'Very good' \(= 5\) disagree"):
        _gf(tmp_path, {"Q": ["1 (Very good)"]}, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}})
    with pytest.raises(importers.ImportDataError, match="the number 7 is outside the 1-5 scale"):
        _gf(tmp_path / "b", {"Q": ["7 (Extremely effective)"]}, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}})


def test_mapped_scale_must_keep_its_order(tmp_path):
    values = {"Very satisfied": 5, "Somewhat satisfied": 2, "Somewhat dissatisfied": 4, "Very dissatisfied": 1}
    with pytest.raises(importers.ImportDataError, match="keep the order of the satisfaction scale"):
        _gf(tmp_path, {"Q": ["Very satisfied"]}, {"ratings": {"Q": {"goal": "G01", "aspect": "performance", "values": values}}})
    turned = {"Very satisfied": 1, "Very dissatisfied": 5}
    with pytest.raises(importers.ImportDataError, match="turn it round"):
        _gf(tmp_path / "t", {"Q": ["Very satisfied"]}, {"ratings": {"Q": {"goal": "G01", "aspect": "performance", "values": turned}}})


def test_a_seven_point_scale_must_be_mapped_in_full(tmp_path):
    form = copy.deepcopy(FORM_ROWS)
    form["choices"] += [["seven", str(i), f"Point {i}"] for i in range(1, 8)]
    form["survey"].append(["select_one seven", "q7", "Seven points"])
    _write_book(tmp_path / "form.xlsx", form)
    export = _write_book(tmp_path / "export.xlsx", {"data": [["q7", "_id"], ["3", "1"], ["6", "2"]]})
    with pytest.raises(importers.ImportDataError, match="this question has 7 answers"):
        _kobo(_new_folder(tmp_path), export=export, form=tmp_path / "form.xlsx", dry_run=True,
              mapping={"participants": {"stakeholder_group": {"value": "community"}, "channel": {"value": "offline"}},
                       "ratings": {"q7": {"goal": "G01", "aspect": "performance"}}})


def test_problems_come_once_per_distinct_answer_with_a_count(tmp_path):
    answers_col = ["Meh", "Good", "Meh", "Meh", "Meh", "Meh", "Meh", "Whatever"]
    with pytest.raises(importers.ImportDataError) as info:
        _gf(tmp_path, {"Q": answers_col}, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}})
    problems = info.value.problems
    assert [(p.value, p.row) for p in problems] == [("Meh", 2), ("Whatever", 9)]
    assert problems[0].expected.endswith("[6 rows: 2, 4, 5, 6, 7, ...]")


def test_a_grid_is_ignored_by_its_prefix(tmp_path):
    cols = {"Q": ["Good", "Poor"], "Grid [a]": ["x", "y"], "Grid [b]": ["x", "z"], "Other": ["t", "u"]}
    result = _gf(tmp_path, cols, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}, "ignore": [{"prefix": "Grid ["}]})
    assert result.ignored == ["2 column(s) starting 'Grid [' (ignore: prefix)"]
    assert [u.split(",")[0] for u in result.unmapped] == ["Other"]
    with pytest.raises(importers.ImportDataError, match="a prefix that starts at least one column header"):
        _gf(tmp_path / "b", cols, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}, "ignore": [{"prefix": "grp_hh/"}]})


def test_survey_weights_and_strata_are_carried_in(tmp_path):
    cols = {"Q": ["Good", "Poor", "Fair"], "w": ["1.5", "0,5", "2"], "s": ["urban", "rural", "urban"]}
    result = _gf(tmp_path, cols, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}, "weight": "w", "strata": "s"})
    assert list(result.participants["weight"]) == [1.5, 0.5, 2.0]
    assert list(result.participants["stratum"]) == ["urban", "rural", "urban"]
    bad = dict(cols, w=["1.5", "-1", "heavy"])
    with pytest.raises(importers.ImportDataError) as info:
        _gf(tmp_path / "b", bad, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}, "weight": "w"})
    assert [(p.value, p.expected) for p in info.value.problems] == [("-1", "a design weight: a number above zero"), ("heavy", "a design weight: a number above zero")]


def test_imported_weights_reach_the_assessment(tmp_path):
    cols = {"Q": ["Good", "Poor"], "w": ["1.5", "0.5"], "s": ["urban", "rural"]}
    path = tmp_path / "responses.csv"
    pd.DataFrame({"Timestamp": ["2024/05/01 10:00:00"] * 2, **cols}).to_csv(path, index=False)
    folder = _new_folder(tmp_path)
    mapping = {"participants": {"stakeholder_group": {"value": "community"}, "channel": {"value": "online"}},
               "ratings": {"Q": {"goal": "G01", "aspect": "performance"}}, "weight": "w", "strata": "s"}
    result = _gforms(folder, responses=path, mapping=mapping)
    assert result.validation == []
    a = load_assessment(folder)
    assert list(a.participants["weight"]) == [1.5, 0.5] and list(a.participants["stratum"]) == ["urban", "rural"]


@pytest.mark.parametrize("column, answer, message", [
    # Excel turned an age into a date; a year of birth; out of range; numbers are not pairs.
    ("age_band", "1/20/1900 0:00", "a date, not an age"),
    ("age_band", "1900-01-20T00:00:00", "a date, not an age"),
    ("age_band", "12/05/1990", "a date, not an age"),
    ("age_band", "1990", "a year (1990: a year of birth?)"),
    ("age_band", "150", "an age of 150 years"),
    ("age_band", "9", "an age of 9 years"),
    ("gender", "Male/Female", "one of female, male, other"),
    ("gender", "Male / Female", "the parts of this answer mean different things"),
    ("stakeholder_group", "Pemerintah / Swasta", "the parts of this answer mean different things"),
])
def test_answers_that_are_not_one_category_are_errors(tmp_path, column, answer, message):
    mapping = {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}, "participants": {column: "A"}}
    with pytest.raises(importers.ImportDataError) as info:
        _gf(tmp_path, {"Q": ["Good"], "A": [answer]}, mapping)
    [problem] = info.value.problems
    assert problem.value == answer and message in problem.expected


@pytest.mark.parametrize("column, answer, value", [
    ("stakeholder_group", "Pemerintah / Government", "government"),
    ("stakeholder_group", "Akademisi (Academia)", "academia"),
    ("gender", "Perempuan / Female", "female"),
    ("age_band", "34", "25-34"),
    ("age_band", "65 tahun ke atas", "65+"),
])
def test_bilingual_pairs_and_plain_ages_still_convert(tmp_path, column, answer, value):
    mapping = {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}, "participants": {column: "A"}}
    result = _gf(tmp_path, {"Q": ["Good"], "A": [answer]}, mapping)
    assert list(result.participants[column]) == [value]


_GENDER_WORDS = ["male", "female", "perempuan", "laki-laki", "other", "pria", "wanita"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=st.sampled_from(_GENDER_WORDS), b=st.sampled_from(_GENDER_WORDS), sep=st.sampled_from(["/", " / ", "-", " ", ", "]),
       paren=st.booleans())
def test_resolver_never_picks_one_of_two_different_categories(a, b, sep, paren):
    """Two gender words that mean different things never resolve to either (the resolver does not guess)."""
    from pra_lib.assessment.importers.convert import _attribute_lookup, _resolve_attribute
    from pra_lib.assessment.importers.mapping import _Attribute

    lookup = _attribute_lookup("gender", None)
    text = f"{a} ({b})" if paren else f"{a}{sep}{b}"
    value, ok, _ = _resolve_attribute("gender", text, None, _Attribute("gender"), lookup)
    if lookup[a] != lookup[b]:
        assert not ok and value is None
    else:
        assert not ok or value == lookup[a]


@settings(max_examples=150, deadline=None)
@given(d=st.integers(1, 31), m=st.integers(1, 12), y=st.integers(1900, 2030), form=st.sampled_from(["{m}/{d}/{y}", "{d}/{m}/{y}", "{y}-{m:02d}-{d:02d}", "{m}/{d}/{y} 0:00", "{y}"]))
def test_dates_and_years_are_never_an_age(d, m, y, form):
    assert answers.age_band(form.format(d=d, m=m, y=y))[0] is None


def test_a_refusal_is_no_rating_and_dont_know_stays_dont_know(tmp_path):
    result = _gf(tmp_path, {"Q": ["Prefer not to answer", "Tidak tahu", "Good"]}, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}})
    assert list(result.ratings["rating"]) == [DK, "4"]
    assert list(result.ratings["respondent_id"]) == ["GF0002", "GF0003"]


@pytest.mark.parametrize("answer", ["4.5", "1-2", "12/05/1990", "2024-05-01", "Good / Poor", "Sangat baik / Buruk", "Agree (Disagree)", "0", "6", "99"])
def test_ratings_that_are_not_one_scale_point_are_errors(tmp_path, answer):
    with pytest.raises(importers.ImportDataError) as info:
        _gf(tmp_path, {"Q": [answer]}, {"ratings": {"Q": {"goal": "G01", "aspect": "performance"}}})
    assert [p.value for p in info.value.problems] == [answer]


_SCALE_LABELS = [label for levels in answers.SCALE_FAMILIES.values() for level in levels for label in level.split("|")]


@settings(max_examples=200, deadline=None)
@given(a=st.sampled_from(_SCALE_LABELS), b=st.sampled_from(_SCALE_LABELS), paren=st.booleans())
def test_rating_pairs_that_disagree_never_resolve(a, b, paren):
    """A bilingual pair resolves only when both halves are the same scale point (else it is an error)."""
    from pra_lib.assessment.importers.convert import _resolve_rating
    from pra_lib.assessment.importers.mapping import _Plan, _Rating

    text = f"{a} ({b})" if paren else f"{a} / {b}"
    code, _, _ = _resolve_rating(text, None, _Rating("q", "Q", "G01", None, "performance", reverse=False), _Plan(), {}, set())
    ca, cb = answers.family_code(a)[1], answers.family_code(b)[1]
    if ca == cb:
        assert code == str(ca)
    else:
        assert code is None


def test_a_group_is_ignored_by_its_prefix_when_headers_are_bare_names(tmp_path):
    """Headers without group paths (an R-resaved export): the prefix matches the form's group path."""
    mapping = {"participants": {"stakeholder_group": {"value": "community"}, "channel": {"value": "offline"}},
               "ratings": {"q_water": {"goal": "G01", "aspect": "performance"}}, "ignore": [{"prefix": "hh/"}]}
    result, _ = _real_like(tmp_path, mapping=mapping)
    assert result.ignored == ["1 column(s) starting 'hh/' (ignore: prefix)"]
    assert not [u for u in result.unmapped if u.startswith("hh_size")]


def test_a_bom_prefixed_header_is_the_forms_question(tmp_path):
    header = ["\ufeffstart", *EXPORT_HEADER[1:]]
    result, _ = _real_like(tmp_path, header=header)
    assert "\ufeffstart" in result.skipped and not [u for u in result.unmapped if "start" in u]


@pytest.mark.parametrize("answer, code", [("Very good", "1"), ("Sangat puas", "1"), ("4 - Good", "2"), ("Poor / Buruk", "4"), ("Tidak tahu", DK)])
def test_reverse_turns_every_read_scale_round_but_not_dont_know(tmp_path, answer, code):
    result = _gf(tmp_path, {"Q": [answer]}, {"ratings": {"Q": {"goal": "G01", "aspect": "performance", "reverse": True}}})
    assert list(result.ratings["rating"]) == [code]
