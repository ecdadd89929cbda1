"""The `pra` console script: exit codes and messages a scheduled run can rely on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pra_lib.assessment.loading import load_assessment
from pra_lib.cli import main

from .conftest import set_cell

PRA = [sys.executable, "-m", "pra_lib.cli"]


def test_validate_clean_exits_0(small_sample, capsys):
    assert main(["validate", str(small_sample)]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_broken_lists_each_problem_and_exits_2(assessment_copy):
    set_cell(assessment_copy / "participants.csv", 3, "channel", "pigeon")
    set_cell(assessment_copy / "assets.csv", 4, "criticality", "very")
    set_cell(assessment_copy / "hazard_ratings.csv", 5, "hazard_id", "SH42")
    result = subprocess.run([*PRA, "validate", str(assessment_copy)], capture_output=True, text=True)
    assert result.returncode == 2
    out = result.stdout
    assert "INVALID, 3 problem(s)" in out
    assert "participants.csv, row 3, column 'channel': value 'pigeon'" in out
    assert "assets.csv, row 4, column 'criticality': value 'very'" in out
    assert "hazard_ratings.csv, row 5, column 'hazard_id': value 'SH42'" in out
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_random_bytes_has_no_traceback(assessment_copy):
    (assessment_copy / "participants.csv").write_bytes(bytes(range(256)) * 4)
    result = subprocess.run([*PRA, "validate", str(assessment_copy)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "participants.csv" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_missing_folder_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 2
    assert "an assessment folder" in capsys.readouterr().out


def test_sample_command_writes_a_valid_assessment(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["sample", str(out), "--seed", "3", "--respondents", "25"]) == 0
    a = load_assessment(out)
    assert (a.participants["respondent_id"].str.startswith("Q")).sum() == 25


def test_run_refuses_an_invalid_assessment(assessment_copy, tmp_path, capsys):
    set_cell(assessment_copy / "participants.csv", 3, "channel", "pigeon")
    assert main(["run", str(assessment_copy), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "pigeon" in err and "Nothing was run" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_run_rejects_unknown_notebook_name(small_sample, tmp_path, capsys):
    assert main(["run", str(small_sample), "--out", str(tmp_path), "--only", "99_nothing"]) == 2
    assert "unknown notebook" in capsys.readouterr().err


def test_installed_console_script_exists():
    script = Path(sys.executable).parent / "pra"
    assert script.exists(), "the package installs a `pra` console script"


# --- user mistakes get a message, not a traceback (issue 16) --------------------------------


def test_validate_shows_the_readers_notes(assessment_copy):
    path = assessment_copy / "hazards.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace(",", ";").encode("cp1252") + "SH99;shock;Caf\xe9;Kafe;natural\n".encode("cp1252"))
    result = subprocess.run([*PRA, "validate", str(assessment_copy)], capture_output=True, text=True)
    assert "note: hazards.csv is not UTF-8; it was read as Windows-1252" in result.stdout
    assert "note: hazards.csv uses a semicolon as delimiter" in result.stdout


def test_run_with_an_empty_only_is_refused(small_sample, tmp_path, capsys):
    assert main(["run", str(small_sample), "--out", str(tmp_path), "--only", ""]) == 2
    assert "--only names no notebook" in capsys.readouterr().err


def test_run_refuses_a_min_cell_size_of_zero(small_sample, tmp_path, capsys):
    assert main(["run", str(small_sample), "--out", str(tmp_path), "--only", "00", "-p", "min_cell_size=0"]) == 2
    assert "min_cell_size must be at least 1" in capsys.readouterr().err


def test_a_min_cell_size_below_3_needs_an_explicit_flag(small_sample, tmp_path, capsys):
    assert main(["run", str(small_sample), "--out", str(tmp_path), "--only", "00", "--min-cell-size", "1"]) == 2
    assert "--allow-small-cells" in capsys.readouterr().err
    assert not (tmp_path / "jakarta-2017-synthetic").exists()


def test_two_folders_with_one_assessment_id_are_refused(small_sample, tmp_path, capsys):
    import shutil

    twin = tmp_path / "twin"
    shutil.copytree(small_sample, twin)
    assert main(["run", str(small_sample), str(twin), "--out", str(tmp_path / "out"), "--only", "00"]) == 2
    err = capsys.readouterr().err
    assert "the same assessment_id 'jakarta-2017-synthetic'" in err and str(twin) in err


def test_a_population_with_separators_is_a_message_in_run(assessment_copy, tmp_path):
    import re

    meta = assessment_copy / "assessment.yaml"
    text = meta.read_text()
    meta.write_text(text.replace(re.search(r"population: \d+", text).group(0), "population: '920,000'", 1))
    result = subprocess.run([*PRA, "run", str(assessment_copy), "--out", str(tmp_path / "o"), "--only", "00"], capture_output=True, text=True)
    assert result.returncode == 2 and "920,000" in result.stderr and "Traceback" not in result.stderr
