"""`pra reproduce`: a manifest turned back into a run, compared file by file with the original."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

import pandas as pd
import pytest

from pra_lib.cli import main
from pra_lib.publishing.report import write_workbook
from pra_lib.reproduce import DIFFERENT, EXPECTED, IDENTICAL, ManifestError, Reproduction, _compare_runs, reproduce
from pra_lib.runner import executed_notebook_digest, run_reports

from .conftest import get_cell, set_cell

KEY = "reproduce-test-key-q7"
AID = "jakarta-2017-synthetic"
QUICK = {"n_resamples": 100}


@pytest.fixture(scope="module")
def original(small_sample, tmp_path_factory):
    """Two fast notebooks run once on the small sample, with a pseudonymisation key."""
    out = tmp_path_factory.mktemp("original")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PRA_PSEUDONYM_KEY", KEY)
        summary = run_reports([small_sample], out=out, only=["00", "03"], parameters=QUICK, progress=lambda line: None)
    assert summary.ok, [r.error for r in summary.failed]
    return out / AID


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("PRA_PSEUDONYM_KEY", KEY)


def _manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def test_manifest_records_what_a_rerun_needs(original):
    manifest = _manifest(original)
    assert manifest["manifest_version"] == 2 and manifest["status"] == "complete"
    assert manifest["command"] and manifest["working_directory"]
    assert manifest["python"]["version"].count(".") == 2 and manifest["platform"]["machine"]
    assert {"file", "sha256", "in_force", "differences"} <= set(manifest["lock"])
    assert manifest["packages"]["pandas"] == manifest["versions"]["pandas"] and manifest["versions"]["freetype"]
    assert len(manifest["library_sha256"]) == 64 and len(manifest["pseudonym_key_fingerprint"]) == 16
    by_name = {nb["notebook"]: nb for nb in manifest["notebooks"]}
    assert list(by_name) == ["00_data_overview", "03_city_perception_workshop"]
    workshop = by_name["03_city_perception_workshop"]
    # every parameter it ran with: the passed ones and the notebook's defaults, not the runner's folders
    assert workshop["parameters"]["n_resamples"] == 100 and workshop["parameters"]["seed"] == 2017
    assert workshop["parameters"]["min_cell_size"] == 5 and "output_dir" not in workshop["parameters"]
    assert "n_resamples" not in by_name["00_data_overview"]["parameters"]
    for nb in manifest["notebooks"]:
        folder = original / nb["notebook"]
        on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {f"{nb['notebook']}.ipynb"}
        assert set(nb["files"]) == on_disk
        for path, digest in nb["files"].items():
            assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == digest, path
        assert nb["executed_notebook_sha256"] == executed_notebook_digest(folder / f"{nb['notebook']}.ipynb")
        assert len(nb["source_sha256"]) == 64
    assert KEY not in (original / "manifest.json").read_text()


def test_a_run_reproduces_as_identical(original, tmp_path, key):
    result = reproduce(original / "manifest.json", out=tmp_path / "again", progress=lambda line: None)
    assert not result.inputs and not result.parameters and not result.notebooks
    assert result.tables_identical and len(result.of_kind("table")) >= 10
    assert {f.kind for f in result.files} == {"table", "figure", "report", "notebook"}
    assert all(f.verdict == IDENTICAL for f in result.files), [f for f in result.files if f.verdict != IDENTICAL]
    assert result.reproduced and result.exit_code == 0


def test_a_changed_input_value_is_named_and_fails(original, tmp_path, key, capsys):
    assessment = tmp_path / "assessment"
    shutil.copytree(_manifest(original)["assessment_path"], assessment)
    ratings = assessment / "perception_ratings.csv"
    value = get_cell(ratings, 2, "rating")
    set_cell(ratings, 2, "rating", "1" if value != "1" else "2")
    code = main(["reproduce", str(original / "manifest.json"), "--assessment", str(assessment), "--out", str(tmp_path / "again")])
    printed = capsys.readouterr().out
    assert code == 1
    assert "perception_ratings.csv: differs" in printed and "NOT REPRODUCED" in printed
    assert "participants.csv" not in printed.split("Environment:")[0], "only the changed file is named"


def test_a_changed_parameter_in_the_manifest_is_reported(original, tmp_path, key):
    manifest = _manifest(original)
    manifest["parameters"]["min_cell_size"] = 3
    edited = tmp_path / "manifest.json"
    edited.write_text(json.dumps(manifest))
    result = reproduce(edited, out=tmp_path / "again", progress=lambda line: None)
    assert any("parameter min_cell_size was 5 in the original run, 3 now" in line for line in result.parameters)
    assert {line.split(":")[0] for line in result.parameters} == {"00_data_overview", "03_city_perception_workshop"}
    assert result.exit_code == 1


def test_reproduce_refuses_an_unreadable_manifest_or_a_used_folder(original, tmp_path, capsys):
    broken = tmp_path / "manifest.json"
    broken.write_text("{not json")
    assert main(["reproduce", str(broken)]) == 2
    assert "is not JSON" in capsys.readouterr().err
    used = tmp_path / "used"
    used.mkdir()
    (used / "old.txt").write_text("x")
    with pytest.raises(ManifestError, match="not empty"):
        reproduce(original / "manifest.json", out=used, progress=lambda line: None)


def _fake(files, **packages):
    return {
        "packages": {"pandas": "2.2.0", "matplotlib": "3.8.0", **packages},
        "versions": {},
        "python": {"version": "3.11.7"},
        "platform": {"machine": "x86_64"},
        "pseudonym_key_fingerprint": "same",
        "notebooks": [{"notebook": "nb", "status": "ok", "parameters": {"seed": 1}, "files": files, "executed_notebook_sha256": "e", "output_dir": "/nowhere"}],
    }


def test_figures_may_differ_only_for_a_recorded_reason():
    before = {"tables/t.csv": "a", "figures/f.png": "b", "nb.html": "c"}
    after = {"tables/t.csv": "a", "figures/f.png": "B", "nb.html": "C"}
    result = Reproduction(manifest_path=None, out_dir=None)
    _compare_runs(_fake(before), _fake(after, matplotlib="3.9.1"), None, result)
    verdicts = {f.path: f for f in result.files}
    assert verdicts["tables/t.csv"].verdict == IDENTICAL
    assert verdicts["figures/f.png"].verdict == EXPECTED and "matplotlib 3.8.0 → 3.9.1" in verdicts["figures/f.png"].reason
    assert verdicts["nb.html"].verdict == EXPECTED
    assert result.reproduced
    # the same difference with nothing to explain it is a difference
    result = Reproduction(manifest_path=None, out_dir=None)
    _compare_runs(_fake(before), _fake(after), None, result)
    assert {f.path: f.verdict for f in result.files}["figures/f.png"] == DIFFERENT and not result.reproduced


def test_a_table_that_differs_is_never_expected():
    result = Reproduction(manifest_path=None, out_dir=None)
    _compare_runs(_fake({"tables/t.csv": "a"}), _fake({"tables/t.csv": "b"}, pandas="3.0.0"), None, result)
    (table,) = [f for f in result.files if f.kind == "table"]
    assert table.verdict == DIFFERENT and "pandas 2.2.0 → 3.0.0" in table.reason
    assert result.exit_code == 1


def test_executed_notebook_digest_ignores_run_times_and_folders_only(original, tmp_path):
    executed = original / "00_data_overview" / "00_data_overview.ipynb"
    nb = json.loads(executed.read_text())
    nb["metadata"]["papermill"]["start_time"] = "1999-01-01T00:00:00"
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell["id"] = "abcd1234"
            cell["source"] = cell["source"].replace(str(original), "/elsewhere") if isinstance(cell["source"], str) else [s.replace(str(original), "/elsewhere") for s in cell["source"]]
    moved = tmp_path / "moved.ipynb"
    moved.write_text(json.dumps(nb))
    assert executed_notebook_digest(moved) == executed_notebook_digest(executed)
    outputs = [c for c in nb["cells"] if c.get("outputs")]
    outputs[0]["outputs"].append({"output_type": "stream", "name": "stdout", "text": "another number\n"})
    moved.write_text(json.dumps(nb))
    assert executed_notebook_digest(moved) != executed_notebook_digest(executed)


def test_workbook_carries_no_save_time(tmp_path):
    path = tmp_path / "book.xlsx"
    write_workbook({"t": pd.DataFrame({"x": [1, 2], "y": ["=a", "b"]})}, path)
    first = path.read_bytes()
    with zipfile.ZipFile(path) as book:
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = book.read("docProps/core.xml").decode()
    assert core.count("1980-01-01T00:00:00Z") == 2
    write_workbook({"t": pd.DataFrame({"x": [1, 2], "y": ["=a", "b"]})}, path)
    assert path.read_bytes() == first
