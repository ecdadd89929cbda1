"""The Excel input workbook: one sheet per table, dropdowns, README; it loads back."""

from __future__ import annotations

import argparse
import shutil

import pytest
import yaml
from openpyxl import load_workbook

from pra_lib.assessment import template
from pra_lib.assessment.loading import load_assessment
from pra_lib.assessment.problems import AssessmentError
from pra_lib.assessment.schema import CHANNELS, TABLES

from .conftest import SAMPLE


def _validations(ws) -> dict[str, object]:
    """Column letter -> its data validation."""
    return {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in ws.data_validations.dataValidation}


def _list_values(book, formula: str) -> list:
    sheet, cells = formula.split("!")
    col = cells.split(":")[0].split("$")[1]
    first, last = int(cells.split(":")[0].split("$")[2]), int(cells.split(":")[1].split("$")[2])
    return [book[sheet][f"{col}{r}"].value for r in range(first, last + 1)]


def test_one_sheet_per_table_with_headers_dropdowns_and_readme(tmp_path):
    path = template.write_template(tmp_path / "input.xlsx")
    book = load_workbook(path)
    assert book.sheetnames[0] == "README" and book["lists"].sheet_state == "hidden"
    assert [n for n in book.sheetnames if n not in ("README", "lists")] == [t.name for t in TABLES]
    for spec in TABLES:
        ws = book[spec.name]
        assert [c.value for c in ws[1]] == spec.column_names, spec.name
        assert ws.freeze_panes == "A2"
        assert ws[1][0].comment is not None and spec.columns[0].description in ws[1][0].comment.text
        assert ws.column_dimensions["A"].width >= 12
    people = book["participants"]
    dv = _validations(people)
    assert _list_values(book, dv["D"].formula1) == list(CHANNELS) and dv["D"].errorStyle == "stop"
    # Without a metadata file, the sample's stakeholder groups and areas fill the dropdowns.
    assert _list_values(book, dv["C"].formula1) == ["government", "academia", "private", "community"]
    assert "kepulauan_seribu" in _list_values(book, dv["E"].formula1)
    assert people.column_dimensions["M"].number_format == "@", "NIK is kept as text"
    ratings = _validations(book["perception_ratings"])
    assert _list_values(book, ratings["C"].formula1) == [f"G{i:02d}" for i in range(1, 13)]
    likert = _list_values(book, ratings["F"].formula1)
    assert likert[:5] == [1, 2, 3, 4, 5] and {"baik", "very good", "penting", "tidak tahu", "don't know"} <= set(likert)
    assert ratings["A"].formula1 == "participants!$A$2:$A$2001", "respondent ids come from the participants sheet"
    impacts = _validations(book["asset_impacts"])
    assert impacts["D"].type == "whole" and (impacts["D"].formula1, impacts["D"].formula2) == ("0", "5")
    readme = [str(c.value) for row in book["README"].iter_rows() for c in row if c.value is not None]
    for spec in TABLES:
        assert spec.name in readme
        assert all(col.name in readme for col in spec.columns)
    text = " ".join(readme)
    assert "never reach a report" in text and "assessment.yaml" in text and "PERSONAL: never reaches a report" in readme


def test_metadata_fills_the_dropdowns(tmp_path):
    meta = yaml.safe_load((SAMPLE / "assessment.yaml").read_text(encoding="utf-8"))
    meta["areas"] = [{"id": "semarang_utara", "name": "Semarang Utara"}, {"id": "semarang_barat", "name": "Semarang Barat"}]
    meta["city"] = "Semarang"
    (tmp_path / "assessment.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    book = load_workbook(template.write_template(tmp_path / "input.xlsx", metadata=tmp_path / "assessment.yaml"))
    assert _list_values(book, _validations(book["participants"])["E"].formula1) == ["semarang_utara", "semarang_barat"]
    assert any("Semarang" in str(c.value) for row in book["README"].iter_rows() for c in row)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "assessment.yaml").write_text("city: X\n", encoding="utf-8")
    with pytest.raises(AssessmentError, match="assessment_id"):
        template.write_template(tmp_path / "other.xlsx", metadata=broken)


def _fill(book, rows: dict[str, list[list]]) -> None:
    for sheet, records in rows.items():
        for record in records:
            book[sheet].append(record)


# What a user types: codes, Indonesian and English labels, mixed case, numbers as numbers.
REQUIRED_ROWS = {
    "participants": [
        ["Q0001", "questionnaire", "community", "online", "jakarta_utara", None, None, "female", "25-34", "Siti Rahma", "+62 812 0000 0000", "siti@example.org", "3171000000000000"],
        ["Q0002", "questionnaire", "government", "offline", "jakarta_timur", "Dinas Sosial", None, "male", "45-54", None, None, None, None],
        ["Q0003", "questionnaire", "academia", "online", None, None, None, None, None, None, None, None, None],
    ],
    "perception_ratings": [
        ["Q0001", "questionnaire", "G01", None, "performance", "baik"],
        ["Q0001", "questionnaire", "G09", "9.1", "performance", "Sangat Buruk"],
        ["Q0002", "questionnaire", "G01", None, "performance", 2],
        ["Q0002", "questionnaire", "G01", None, "importance", "sangat penting"],
        ["Q0003", "questionnaire", "G10", None, "performance", "tidak tahu"],
    ],
    "hazards": [["SH01", "shock", "Flooding", "Banjir", "hydro-meteorological"], ["ST01", "stress", "Land subsidence", "Penurunan muka tanah", "geological"]],
}
# Optional sheets that hold a Likert column; see test_only_required_sheets_filled_loads.
LIKERT_ROWS = {
    "hazard_ratings": [["assets_shocks_workshop", None, "T1", "SH01", "sering", "besar", None, None], ["stresses_session", None, "T2", "ST01", None, None, "serius", "worsening"]],
    "seminar_votes": [["Q0001", "pra_seminar", "FA1", "setuju", 1]],
    "focus_areas": [["FA1", "Connectivity and mobility", "Konektivitas dan mobilitas", "ya"]],
}


def test_filled_template_loads_beside_the_metadata(tmp_path):
    folder = tmp_path / "pra"
    folder.mkdir()
    shutil.copyfile(SAMPLE / "assessment.yaml", folder / "assessment.yaml")
    path = template.write_template(folder / "input.xlsx", metadata=folder / "assessment.yaml")
    book = load_workbook(path)
    _fill(book, {**REQUIRED_ROWS, **LIKERT_ROWS})
    book.save(path)
    a = load_assessment(folder)  # raises on any problem
    assert a.problems == [] and a.sources["participants"] == "input.xlsx [sheet participants]"
    r = a.perception_ratings.set_index(["respondent_id", "goal_id", "aspect"])
    assert r.loc[("Q0001", "G01", "performance"), "rating"] == 4
    assert r.loc[("Q0001", "G09", "performance"), "rating"] == 1
    assert r.loc[("Q0002", "G01", "importance"), "rating"] == 5
    assert bool(r.loc[("Q0003", "G10", "performance"), "dont_know"])
    assert a.participants.loc[0, "nik"] == "3171000000000000"
    assert a.hazard_ratings["severity"].tolist()[1] == 4 and a.seminar_votes["support"].tolist() == [4]
    assert not a.has("assets"), "an untouched sheet is an empty table"


def test_a_mistyped_value_is_reported_with_sheet_row_and_column(tmp_path):
    folder = tmp_path / "pra"
    folder.mkdir()
    shutil.copyfile(SAMPLE / "assessment.yaml", folder / "assessment.yaml")
    path = template.write_template(folder / "input.xlsx")
    book = load_workbook(path)
    rows = {**REQUIRED_ROWS, **LIKERT_ROWS}
    rows["participants"] = [list(r) for r in REQUIRED_ROWS["participants"]]
    rows["participants"][1][3] = "ofline"  # spreadsheet row 3
    rows["perception_ratings"] = [list(r) for r in REQUIRED_ROWS["perception_ratings"]] + [["Q0003", "questionnaire", "G02", None, "performance", "bagus"]]
    _fill(book, rows)
    book.save(path)
    problems = load_assessment(folder, errors="collect").problems
    shown = [str(p) for p in problems]
    assert "input.xlsx [sheet participants], row 3, column 'channel': value 'ofline' [unknown_code] - expected one of online, offline, interview, workshop" in shown
    assert any(s.startswith("input.xlsx [sheet perception_ratings], row 7, column 'rating': value 'bagus'") for s in shown)
    assert len(problems) == 2


def test_only_required_sheets_filled_loads(tmp_path):
    folder = tmp_path / "pra"
    folder.mkdir()
    shutil.copyfile(SAMPLE / "assessment.yaml", folder / "assessment.yaml")
    path = template.write_template(folder / "input.xlsx")
    book = load_workbook(path)
    _fill(book, REQUIRED_ROWS)
    book.save(path)
    assert load_assessment(folder).problems == []


def test_refuses_to_overwrite_and_needs_xlsx(tmp_path):
    path = template.write_template(tmp_path / "input.xlsx")
    with pytest.raises(FileExistsError, match="--force"):
        template.write_template(path)
    template.write_template(path, overwrite=True)
    with pytest.raises(ValueError, match=".xlsx"):
        template.write_template(tmp_path / "input.csv")


def test_cli_template(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="pra")
    sub = parser.add_subparsers(dest="command", required=True)
    template.register_cli(sub)
    out = tmp_path / "input.xlsx"
    args = parser.parse_args(["template", str(out), "--metadata", str(SAMPLE)])
    assert args.func(args) == 0 and out.exists() and "README" in capsys.readouterr().out
    assert args.func(args) == 2 and "--force" in capsys.readouterr().err
    args = parser.parse_args(["template", str(out), "--force", "--metadata", str(tmp_path / "missing.yaml")])
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert "missing.yaml" in err and "Traceback" not in err
