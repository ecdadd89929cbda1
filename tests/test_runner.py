"""The runner: checked parameters, outputs that stay inside their folder, reproducible runs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest

from pra_lib.assessment.problems import AssessmentError
from pra_lib.runner import ParameterError, check_parameters, declared_parameters, discover_notebooks, run_reports

from .conftest import REPO

OVERVIEW = REPO / "notebooks" / "00_data_overview.ipynb"


def test_declared_parameters_are_read_from_the_tagged_cell():
    assert {"assessment_path": "str", "output_dir": "str", "min_cell_size": "int", "lang": "str"}.items() <= declared_parameters(OVERVIEW).items()


def test_unknown_parameter_is_rejected_with_the_known_ones():
    with pytest.raises(ParameterError, match="unknown parameter 'min_cel_size'.*min_cell_size"):
        check_parameters({"min_cel_size": 3}, [OVERVIEW])


def test_wrong_type_is_rejected():
    with pytest.raises(ParameterError, match="must be of type int"):
        check_parameters({"min_cell_size": "five"}, [OVERVIEW])


def test_values_are_converted_to_the_declared_type():
    assert check_parameters({"min_cell_size": "10"}, [OVERVIEW]) == {OVERVIEW: {"min_cell_size": 10}}


@pytest.mark.parametrize("name", ["assessment_path", "output_dir"])
def test_runner_owned_parameters_cannot_be_overridden(name):
    with pytest.raises(ParameterError, match="set by the runner"):
        check_parameters({name: "/etc"}, [OVERVIEW])


@pytest.mark.parametrize("bad_id", ["..", "../outside", "/abs/path", ".hidden", "a/b"])
def test_assessment_ids_cannot_escape_the_output_folder(assessment_copy, tmp_path, bad_id):
    meta = assessment_copy / "assessment.yaml"
    meta.write_text(meta.read_text().replace("assessment_id: jakarta-2017-synthetic", f"assessment_id: '{bad_id}'"))
    out = tmp_path / "out"
    with pytest.raises(AssessmentError, match="assessment_id"):
        run_reports([assessment_copy], out=out, only=["00"], progress=lambda line: None)
    assert not out.exists()


@pytest.mark.parametrize("only", [["../../etc/passwd"], ["/tmp/x"], ["00/../.."]])
def test_notebook_selection_cannot_name_a_path(only):
    with pytest.raises(ValueError, match="unknown notebook"):
        discover_notebooks(None, only)


def _tables_and_figures(folder):
    files = sorted(p for p in folder.rglob("*") if p.suffix in {".csv", ".png"})
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_same_inputs_give_byte_identical_tables_and_figures(small_sample, tmp_path):
    first = run_reports([small_sample], out=tmp_path / "a", only=["00"], progress=lambda line: None)
    second = run_reports([small_sample], out=tmp_path / "b", only=["00"], progress=lambda line: None)
    assert first.ok and second.ok
    a = _tables_and_figures(tmp_path / "a" / "jakarta-2017-synthetic")
    b = _tables_and_figures(tmp_path / "b" / "jakarta-2017-synthetic")
    assert a and a == b


def test_manifest_records_inputs_versions_parameters_and_status(small_sample, tmp_path, monkeypatch):
    monkeypatch.setenv("PRA_PSEUDONYM_KEY", "secret-key-zz9")
    run_reports([small_sample], out=tmp_path, only=["00"], parameters={"min_cell_size": 3}, progress=lambda line: None)
    manifest = json.loads((tmp_path / "jakarta-2017-synthetic" / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["parameters"] == {"min_cell_size": 3}
    digest = hashlib.sha256((small_sample / "participants.csv").read_bytes()).hexdigest()
    assert manifest["inputs"]["participants.csv"] == digest
    assert {"pra_lib", "pandas", "papermill"} <= set(manifest["versions"])
    assert manifest["notebooks"][0]["status"] == "ok" and manifest["finished"]
    assert manifest["pseudonym_key_source"] == "environment variable PRA_PSEUDONYM_KEY"
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"secret-key-zz9" not in path.read_bytes(), f"the key leaked into {path.name}"


def test_a_rerun_replaces_the_previous_report_only_when_it_finishes(small_sample, tmp_path):
    run_reports([small_sample], out=tmp_path, only=["00"], progress=lambda line: None)
    html = tmp_path / "jakarta-2017-synthetic" / "00_data_overview" / "00_data_overview.html"
    first = html.read_bytes()
    run_reports([small_sample], out=tmp_path, only=["00"], progress=lambda line: None)
    leftovers = [p.name for p in (tmp_path / "jakarta-2017-synthetic").iterdir() if p.name.startswith((".staging-", ".00_")) or ".failed-" in p.name]
    assert html.read_bytes() and not leftovers
    assert len(first) > 10_000


def test_several_assessments_in_one_run(small_sample, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(small_sample, other)
    meta = other / "assessment.yaml"
    meta.write_text(meta.read_text().replace("assessment_id: jakarta-2017-synthetic", "assessment_id: second-city"))
    summary = run_reports([small_sample, other], out=tmp_path / "out", only=["00"], jobs=2, progress=lambda line: None)
    assert summary.ok and len(summary.results) == 2
    assert (tmp_path / "out" / "second-city" / "00_data_overview" / "00_data_overview.html").exists()
    assert (tmp_path / "out" / "jakarta-2017-synthetic" / "manifest.json").exists()


def _comparable_manifest(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    for key in ("started", "finished", "pseudonym_key_source", "run_id", "runs"):
        manifest.pop(key)
    for nb in manifest["notebooks"]:
        nb.pop("seconds")
        nb.pop("timings", None)  # seconds per phase, as "seconds"
        nb.pop("output_dir")
        nb.pop("run")
        nb.pop("executed_notebook_file_sha256")  # its bytes hold the run's timings; executed_notebook_sha256 compares its content
    return manifest


def test_dask_local_cluster_gives_the_same_outputs_and_manifest(small_sample, tmp_path, monkeypatch):
    """The same runner on a Dask LocalCluster: identical tables and manifest, timing aside."""
    from distributed import Client, LocalCluster

    monkeypatch.setenv("PRA_PSEUDONYM_KEY", "shared-key")
    local = run_reports([small_sample], out=tmp_path / "local", only=["00"], progress=lambda line: None)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        remote = run_reports([small_sample], out=tmp_path / "dask", only=["00"], scheduler=client, progress=lambda line: None)
    assert local.ok and remote.ok
    a = tmp_path / "local" / "jakarta-2017-synthetic"
    b = tmp_path / "dask" / "jakarta-2017-synthetic"
    assert _tables_and_figures(a) == _tables_and_figures(b)
    assert _comparable_manifest(a) == _comparable_manifest(b)


def test_outputs_do_not_record_where_the_assessment_is_kept(small_sample, tmp_path):
    """The absolute input path often names the user: executed notebooks and the manifest
    record it relative to the kernel's and the working folder (issue 16)."""
    out = tmp_path / "out"
    assert run_reports([small_sample], out=out, only=["00"], progress=lambda line: None).ok
    folder = out / "jakarta-2017-synthetic"
    absolute = str(small_sample.resolve())
    import re

    as_absolute = re.compile(r"(?<![.\w])" + re.escape(absolute))  # not the tail of a ../../ path
    for path in [*folder.rglob("*.ipynb"), *folder.rglob("*.html"), folder / "manifest.json"]:
        assert not as_absolute.search(path.read_text(encoding="utf-8")), f"{path.name} records {absolute}"
    manifest = json.loads((folder / "manifest.json").read_text())
    import os

    assert manifest["assessment_path"] == os.path.relpath(small_sample)
    nb = json.loads((folder / "00_data_overview" / "00_data_overview.ipynb").read_text())
    assert nb["metadata"]["papermill"]["input_path"] == "00_data_overview.ipynb"


def test_kernels_talk_over_private_ipc_sockets_and_are_not_interrupted_at_shutdown():
    """The cause of the two kernel messages each notebook printed (issue 14 item 5): TCP
    without encryption, and the SIGINT jupyter_client sends before a shutdown request."""
    import asyncio
    import signal
    import stat
    from pathlib import Path

    from jupyter_client.manager import AsyncKernelManager

    from pra_lib.runner import kernel_manager_class

    async def signals_at_shutdown(manager_class):
        km = manager_class(kernel_name="python3")
        await km.start_kernel()
        sent, send = [], km._async_signal_kernel

        async def record(signum):
            sent.append(signum)
            await send(signum)

        km._async_signal_kernel = record
        transport, folder = km.transport, Path(km.ip).parent
        mode = stat.S_IMODE(folder.stat().st_mode) if transport == "ipc" else None
        await km.shutdown_kernel()
        return sent, transport, folder, mode, await km.is_alive()

    sent, transport, folder, mode, alive = asyncio.run(signals_at_shutdown(AsyncKernelManager))
    assert signal.SIGINT in sent and transport == "tcp", "jupyter_client's own manager interrupts at shutdown, over TCP"
    sent, transport, folder, mode, alive = asyncio.run(signals_at_shutdown(kernel_manager_class()))
    assert signal.SIGINT not in sent and not alive
    assert transport == "ipc" and mode == 0o700, "sockets in a folder only this user can open"
    assert not folder.exists(), "the socket folder is removed with the kernel"


def test_a_successful_run_prints_no_kernel_warning_or_error(small_sample, tmp_path, capfd):
    summary = run_reports([small_sample], out=tmp_path, only=["00"], progress=lambda line: None)
    assert summary.ok
    printed = capfd.readouterr()
    assert "IPKernelApp" not in printed.err + printed.out, printed.err


def test_manifest_records_every_parameter_and_the_digest_of_every_published_file(sample_reports_en):
    """Issue 11 item 9, on a whole run: each notebook's record holds every parameter it
    declares (its default, or the value the run passed) and the SHA-256 of every file in
    its report folder, which are recomputed here."""
    from pra_lib.runner import RUNNER_PARAMETERS, executed_notebook_digest, parameter_defaults

    folder = sample_reports_en / "jakarta-2017-synthetic"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {"min_cell_size": 5, "lang": "en"}.items() <= manifest["parameters"].items()
    records = {nb["notebook"]: nb for nb in manifest["notebooks"]}
    books = discover_notebooks()
    assert sorted(records) == [b.stem for b in books]
    for book in books:
        record = records[book.stem]
        declared = set(declared_parameters(book)) - set(RUNNER_PARAMETERS)
        assert set(record["parameters"]) == declared, book.stem
        expected = {**parameter_defaults(book), **{k: v for k, v in manifest["parameters"].items() if k in declared}}
        assert all(record["parameters"][k] == expected[k] for k in declared), book.stem
        report = folder / book.stem
        on_disk = {p.relative_to(report).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                   for p in report.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(report).parts)}
        executed = f"{book.stem}.ipynb"
        assert {f"{book.stem}.html", executed} <= set(on_disk) and any(name.startswith("tables/") for name in on_disk)
        assert record["executed_notebook_file_sha256"] == on_disk.pop(executed), book.stem
        assert record["executed_notebook_sha256"] == executed_notebook_digest(report / executed), book.stem
        assert record["files"] == on_disk, f"{book.stem}: the manifest and the folder disagree"


def test_published_files_still_lists_the_rest_when_the_executed_notebook_is_cut_short(tmp_path):
    from pra_lib.runner import published_files

    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "goal_scores.csv").write_text("goal_id,mean\nG01,2.5\n")
    (tmp_path / "01_questionnaire.ipynb").write_text('{"cells": [')  # a full disk stopped the write
    files, executed = published_files(tmp_path, "01_questionnaire")
    assert files == {"tables/goal_scores.csv": hashlib.sha256(b"goal_id,mean\nG01,2.5\n").hexdigest()} and executed is None


def test_a_report_whose_data_were_not_collected_is_not_a_failure(assessment_copy, tmp_path):
    """02 on a folder without interview statements: one sentence in the report's folder, no failed attempt."""
    (assessment_copy / "interview_statements.csv").unlink()
    summary = run_reports([assessment_copy], out=tmp_path, only=["02"], progress=lambda line: None)
    [result] = summary.results
    assert result.status == "not collected" and summary.ok and summary.failed == []
    assert result.error.startswith("This assessment holds no interview_statements, so there is no interview report")
    folder = tmp_path / result.assessment_id
    assert (folder / "02_interviews" / "NOT_COLLECTED.txt").read_text(encoding="utf-8") == result.error + "\n"
    assert not (folder / "02_interviews" / "02_interviews.html").exists() and not list(folder.glob("02_interviews.failed-*"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert [(nb["notebook"], nb["status"]) for nb in manifest["notebooks"]] == [("02_interviews", "not collected")]


def test_the_longest_notebooks_run_first_and_results_keep_notebook_order(small_sample, tmp_path):
    import json

    from pra_lib.runner import _longest_first

    out = tmp_path / "out"
    books = discover_notebooks(None, ["00", "05", "07"])
    tasks = [(book, small_sample, "jakarta-2017-synthetic") for book in books]
    # no earlier run: the fixed estimates (00 before 05 before 07 on the sample)
    assert [b.stem[:2] for b, _, _ in _longest_first(tasks, out)] == ["00", "05", "07"]
    (out / "jakarta-2017-synthetic").mkdir(parents=True)
    recorded = [{"notebook": "00_data_overview", "status": "ok", "seconds": 3.0}, {"notebook": "07_pra_seminar", "status": "ok", "seconds": 12.5},
                {"notebook": "05_stresses_session", "status": "failed", "seconds": 99.0}]
    (out / "jakarta-2017-synthetic" / "manifest.json").write_text(json.dumps({"notebooks": recorded}))
    assert [b.stem[:2] for b, _, _ in _longest_first(tasks, out)] == ["07", "05", "00"], "a failed attempt's time is no estimate"

    lines = []
    summary = run_reports([small_sample], out=out, only=["00", "07"], progress=lines.append)
    assert [line.split()[1] for line in lines if line.strip().startswith("running")] == ["jakarta-2017-synthetic/07_pra_seminar", "jakarta-2017-synthetic/00_data_overview"]
    assert [r.notebook for r in summary.results] == ["00_data_overview", "07_pra_seminar"]
    manifest = json.loads((out / "jakarta-2017-synthetic" / "manifest.json").read_text())
    for record in manifest["notebooks"]:
        phases = record["timings"]
        assert {"kernel_start", "cells", "shutdown", "execution", "html"} <= set(phases), record["notebook"]
        assert 0 < phases["kernel_start"] < phases["execution"] <= record["seconds"]
        assert phases["kernel_start"] + phases["cells"] + phases["shutdown"] == pytest.approx(phases["execution"], abs=0.01)
        assert record["files"][f"{record['notebook']}.xlsx"], "the workbook written when the kernel ended is published"


def test_a_notebook_whose_workbook_is_missing_is_not_published_as_complete(tmp_path):
    from pra_lib._files import OutputError
    from pra_lib.runner import _check_workbook

    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "_tables.json").write_text('{"tables": {"scores": {}}}')
    with pytest.raises(OutputError, match=r"00_data_overview.xlsx was not written.*1 tables"):
        _check_workbook(tmp_path, "00_data_overview")
    (tmp_path / "00_data_overview.xlsx").write_bytes(b"PK")
    _check_workbook(tmp_path, "00_data_overview")
    (tmp_path / "tables" / "_tables.json").write_text('{"tables": {}}')
    (tmp_path / "00_data_overview.xlsx").unlink()
    _check_workbook(tmp_path, "00_data_overview")  # a report without tables has no workbook


def test_the_runs_cache_holds_a_snapshot_its_kernels_find_from_their_own_folder(small_sample, tmp_path, monkeypatch):
    import os

    from pra_lib.assessment.loading import load_assessment
    from pra_lib.assessment.snapshot import cached_assessment
    from pra_lib.runner import NOTEBOOKS_DIR, _run_cache

    loaded = {"a": load_assessment(small_sample)}  # what the runner validated
    cache = _run_cache(loaded, {"a": None}, progress=lambda line: None)
    try:
        assert oct(cache.stat().st_mode & 0o777) == "0o700", "only the user running pra run reads it"
        monkeypatch.chdir(NOTEBOOKS_DIR)  # where the kernels run, with the path the runner passes them
        got = cached_assessment(os.path.relpath(small_sample, NOTEBOOKS_DIR), errors="collect", cache=cache)
        assert got is not None and got.assessment_id == loaded["a"].assessment_id
    finally:
        shutil.rmtree(cache)


def test_a_file_changed_while_the_runner_read_it_matches_no_snapshot(assessment_copy, tmp_path):
    from pra_lib.assessment.loading import load_assessment
    from pra_lib.assessment.snapshot import assessment_key, cached_assessment
    from pra_lib.runner import _run_cache

    before = assessment_key(assessment_copy, errors="collect")  # taken before reading, as run_reports does
    with open(assessment_copy / "assessment.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n# edited while the runner was reading\n")
    cache = _run_cache({"a": load_assessment(assessment_copy)}, {"a": before}, progress=lambda line: None)
    try:
        assert cached_assessment(assessment_copy, errors="collect", cache=cache) is None, "the kernel loads the folder as it is"
    finally:
        shutil.rmtree(cache)


def test_the_runs_cache_carries_the_index_its_key_was_taken_from(assessment_copy, tmp_path, monkeypatch):
    from pra_lib.assessment import snapshot
    from pra_lib.assessment.loading import load_assessment
    from pra_lib.runner import _run_cache

    old = 1_600_000_000_000_000_000  # files written long before the run, as an assessment's are
    for entry in assessment_copy.iterdir():
        os.utime(entry, ns=(old, old))
    index = snapshot.folder_index(assessment_copy)  # taken before reading, as run_reports does
    key = snapshot.index_key(index, errors="collect")
    cache = _run_cache({"a": load_assessment(assessment_copy)}, {"a": key}, indexes={"a": index}, progress=lambda line: None)
    try:
        hashed, real = [], snapshot._file_sha256
        monkeypatch.setattr(snapshot, "_file_sha256", lambda path: hashed.append(path.name) or real(path))
        assert snapshot.cached_assessment(assessment_copy, errors="collect", cache=cache) is not None
        assert hashed == [], "the kernel stats the files instead of reading them"
        os.utime(assessment_copy / "assessment.yaml", ns=(old + 1, old + 1))
        assert snapshot.cached_assessment(assessment_copy, errors="collect", cache=cache) is not None, "same content: the same key"
        assert hashed == ["assessment.yaml"], "a file whose stat changed is read again"
    finally:
        shutil.rmtree(cache)


def test_the_cache_of_a_killed_run_is_removed_by_the_next_run(tmp_path):
    import subprocess

    from pra_lib.runner import CACHE_PREFIX, _remove_dead_caches

    dead = subprocess.Popen(["true"])
    dead.wait()  # a process id that no longer runs
    for name in (f"{CACHE_PREFIX}{dead.pid}-abc", f"{CACHE_PREFIX}{os.getpid()}-def", f"{CACHE_PREFIX}other"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "assessment-x.pickle").write_bytes(b"x")
    _remove_dead_caches(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{CACHE_PREFIX}{os.getpid()}-def", f"{CACHE_PREFIX}other"], "a live run's cache stays"
