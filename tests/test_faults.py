"""Fault injection: a scheduled `pra run` killed, doubled, timed out or short of disk never
leaves an output folder that its manifest misdescribes, and never loses the last good report.

The random kill points are seeded. ``make test`` runs a few (``PRA_FAULT_KILL_POINTS``,
default 6); the acceptance run of issue 16 is

    PRA_FAULT_KILL_POINTS=30 .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_faults.py -k kill_points

Only the fast overview notebook (00) and a small custom one run, on the 40-respondent sample.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from pra_lib import runner
from pra_lib.runner import RunBusy, describe_folder, run_reports

from .conftest import REPO

PRA = [sys.executable, "-m", "pra_lib.cli"]
AID = "jakarta-2017-synthetic"
KILL_POINTS = int(os.environ.get("PRA_FAULT_KILL_POINTS", "6"))
SEED = int(os.environ.get("PRA_FAULT_SEED", "16"))
QUIET = dict(progress=lambda line: None)


# --- helpers -------------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _published(folder: Path, notebook: str) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): _sha(p)
        for p in folder.rglob("*")
        if p.is_file() and p.name != f"{notebook}.ipynb" and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def assert_described(folder: Path) -> dict:
    """The invariants: the manifest lists every report folder and failed attempt that is there,
    and nothing that is not; each report is ok and its files are the ones recorded."""
    manifest = json.loads((folder / "manifest.json").read_text())
    on_disk = {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")}
    reports = {Path(nb["output_dir"]).name: nb for nb in manifest["notebooks"]}
    attempts = {Path(nb["output_dir"]).name: nb for nb in manifest["failed_attempts"]}
    assert set(reports) | set(attempts) == on_disk, f"manifest lists {sorted(set(reports) | set(attempts))}, folder holds {sorted(on_disk)}"
    for name, nb in reports.items():
        if ".failed-" in name:
            assert nb["status"] == "failed"
            continue
        assert nb["status"] == "ok", f"{name} is in place but recorded {nb['status']}: {nb.get('error')}"
        assert nb["run"] in manifest["runs"], f"{name} names a run the manifest does not describe"
        assert _published(folder / name, name) == nb["files"], f"{name} holds other files than its record"
        assert (folder / name / f"{name}.html").is_file()
    for name, nb in attempts.items():
        assert nb["status"] == "failed" and nb["error"]
    return manifest


def _tagged_processes(tag: str, *, keep: str | None) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if tag.encode() in Path(f"/proc/{entry}/environ").read_bytes():
                    if keep and keep.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                        continue
                    found.append(int(entry))
            except OSError:
                continue
    return found


def assert_no_orphans(tag: str, *, keep: str | None = None) -> None:
    """Every process of a killed run ends: workers at once, kernels within their 1-second poll.
    The bound is generous; a healthy run never comes near it. ``keep``: a command-line part of
    processes that legitimately live on (the multiprocessing resource tracker of this test
    process, when the run ran inside it)."""
    deadline = time.monotonic() + 60
    while (left := _tagged_processes(tag, keep=keep)) and time.monotonic() < deadline:
        time.sleep(0.5)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes outlived the run: {left}"


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every descendant of ``pid``."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                table[int(entry)] = (int(stat[1]), cmd)
            except (OSError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, cmd) in table.items():
            if ppid == parent:
                found.append((child, cmd))
                frontier.append(child)
    return found


# `pra` with its notebooks folder swapped for the fast pair
PRA_FAST = [sys.executable, "-c", "import pathlib, sys; from pra_lib import cli, runner; runner.NOTEBOOKS_DIR = pathlib.Path(sys.argv[1]); sys.exit(cli.main(sys.argv[2:]))"]


def _start(books: Path, args: list[str], tag: str) -> subprocess.Popen:
    env = {**os.environ, "PRA_FAULT_TAG": tag}
    return subprocess.Popen([*PRA_FAST, str(books), "run", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def fast_notebooks(tmp_path_factory) -> Path:
    """The overview notebook and a one-cell notebook that writes a table: the fastest pair."""
    folder = tmp_path_factory.mktemp("notebooks")
    shutil.copy(REPO / "notebooks" / "00_data_overview.ipynb", folder)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('assessment_path: str = ""\noutput_dir: str = ""\nmin_cell_size: int = 5\nnap: float = 0.0\nlang: str = "en"')
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import time, pathlib\ntime.sleep(nap)\n"
        "tables = pathlib.Path(output_dir) / 'tables'\ntables.mkdir(parents=True, exist_ok=True)\n"
        "(tables / 'count.csv').write_text('n\\n1\\n')"
    )
    nb.cells = [nbformat.v4.new_markdown_cell("# Quick"), params, body]
    nbformat.write(nb, folder / "01_quick.ipynb")
    return folder


@pytest.fixture(scope="module")
def good_run(small_sample, fast_notebooks, tmp_path_factory) -> Path:
    """One complete run: the last good reports every fault below must leave intact."""
    out = tmp_path_factory.mktemp("faults") / "out"
    summary = run_reports([small_sample], out=out, notebooks_dir=fast_notebooks, jobs=2, **QUIET)
    assert summary.ok, [r.error for r in summary.failed]
    return out


def _good_copies(out: Path) -> dict[str, dict[str, str]]:
    folder = out / AID
    return {name: _published(folder / name, name) for name in ("00_data_overview", "01_quick")}


# --- kills at random points ----------------------------------------------------------------


def test_kill_points(small_sample, fast_notebooks, good_run):
    """SIGKILL of the parent, of a worker or of a kernel at seeded random moments; after each,
    the folder is as its manifest says, the last good reports are whole, no process is left,
    and the next run cleans up and succeeds."""
    rng = random.Random(SEED)
    folder = good_run / AID
    outcomes = []
    for point in range(KILL_POINTS):
        target = rng.choice(["parent", "worker", "kernel"])
        delay = rng.uniform(0.2, 6.0)
        tag = uuid.uuid4().hex
        proc = _start(fast_notebooks, [str(small_sample), "--out", str(good_run), "--jobs", "2", "-p", f"nap={rng.uniform(0, 2):.2f}"], tag)
        time.sleep(delay)
        victims = {
            "parent": [(proc.pid, "pra")],
            "worker": [(pid, cmd) for pid, cmd in _children(proc.pid) if "spawn_main" in cmd],
            "kernel": [(pid, cmd) for pid, cmd in _children(proc.pid) if "ipykernel" in cmd],
        }[target]
        if not victims:  # none of that kind at this moment: the parent instead
            target, victims = "parent", [(proc.pid, "pra")]
        killed = None
        if proc.poll() is None:
            killed = rng.choice(victims)[0]
            try:
                os.kill(killed, signal.SIGKILL)
            except ProcessLookupError:
                killed = None
        proc.communicate(timeout=600)
        assert_no_orphans(tag)
        assert not list(folder.glob(".staging-*")) or proc.returncode == -signal.SIGKILL, "a run that ended by itself left staging folders"
        manifest = assert_described(folder)
        for name, files in _good_copies(good_run).items():
            assert files, f"the report {name} was lost"
        outcomes.append((point, target, round(delay, 2), killed is not None, proc.returncode, manifest["status"]))
    print("\nkill points (point, target, delay s, killed, exit, manifest status):")
    for line in outcomes:
        print("  ", line)
    again = run_reports([small_sample], out=good_run, notebooks_dir=fast_notebooks, **QUIET)
    assert again.ok
    assert not list(folder.glob(".staging-*")), "staging folders of dead runs are cleaned at the next start"
    manifest = assert_described(folder)
    assert manifest["status"] == "complete" and not manifest["reports_from_other_runs"]


def test_a_killed_worker_fails_only_its_notebook(small_sample, fast_notebooks, tmp_path):
    """A notebook whose worker process is killed is a failed attempt; the other notebook and
    the last good report of the killed one stay."""
    books = tmp_path / "books"
    shutil.copytree(fast_notebooks, books)
    out = tmp_path / "out"
    assert run_reports([small_sample], out=out, notebooks_dir=books, only=["01"], **QUIET).ok
    before = _published(out / AID / "01_quick", "01_quick")
    nb = nbformat.read(books / "01_quick.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"))
    nbformat.write(nb, books / "01_quick.ipynb")
    tag = uuid.uuid4().hex
    os.environ["PRA_FAULT_TAG"] = tag
    try:
        summary = run_reports([small_sample], out=out, notebooks_dir=books, jobs=2, **QUIET)
    finally:
        del os.environ["PRA_FAULT_TAG"]
    status = {r.notebook: r for r in summary.results}
    assert status["00_data_overview"].status == "ok"
    assert status["01_quick"].status == "failed" and "worker process" in status["01_quick"].error and "signal 9" in status["01_quick"].error
    manifest = assert_described(out / AID)
    assert manifest["status"] == "failed"
    assert _published(out / AID / "01_quick", "01_quick") == before, "the last good report stays"
    (attempt,) = (out / AID).glob("01_quick.failed-*")
    assert "worker process" in (attempt / "FAILED.txt").read_text()
    assert_no_orphans(tag, keep="resource_tracker")


# --- a timed-out notebook ------------------------------------------------------------------


def test_a_timeout_keeps_the_last_good_report(small_sample, fast_notebooks, tmp_path):
    out = tmp_path / "out"
    assert run_reports([small_sample], out=out, notebooks_dir=fast_notebooks, only=["01"], **QUIET).ok
    before = _published(out / AID / "01_quick", "01_quick")
    summary = run_reports([small_sample], out=out, notebooks_dir=fast_notebooks, only=["01"], timeout=2, parameters={"nap": 600}, **QUIET)
    (result,) = summary.results
    assert result.status == "failed" and "Timeout" in result.error
    manifest = assert_described(out / AID)
    assert _published(out / AID / "01_quick", "01_quick") == before
    (entry,) = manifest["notebooks"]
    assert entry["status"] == "ok" and entry["run"] != manifest["run_id"], "the report in place is the earlier run's, and says so"
    assert manifest["reports_from_other_runs"] == ["01_quick"]
    (attempt,) = manifest["failed_attempts"]
    assert "Timeout" in (Path(attempt["output_dir"]) / "FAILED.txt").read_text() and attempt["run"] == manifest["run_id"]


def test_an_only_run_keeps_the_other_reports_in_the_manifest(small_sample, fast_notebooks, good_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(good_run, out)
    first = json.loads((out / AID / "manifest.json").read_text())
    summary = run_reports([small_sample], out=out, notebooks_dir=fast_notebooks, only=["01"], **QUIET)
    assert summary.ok
    manifest = assert_described(out / AID)
    by_name = {nb["notebook"]: nb for nb in manifest["notebooks"]}
    assert set(by_name) == {"00_data_overview", "01_quick"}
    assert by_name["01_quick"]["run"] == manifest["run_id"] != first["run_id"]
    assert by_name["00_data_overview"]["run"] == first["run_id"] and manifest["runs"][first["run_id"]]["status"] == "complete"
    assert manifest["reports_from_other_runs"] == ["00_data_overview"]


# --- two runs at once ----------------------------------------------------------------------


def test_a_second_run_on_the_same_folder_refuses(small_sample, fast_notebooks, tmp_path):
    out = tmp_path / "out"
    tag = uuid.uuid4().hex
    first = _start(fast_notebooks, [str(small_sample), "--out", str(out), "--only", "01", "-p", "nap=30"], tag)
    lock = out / runner.LOCK_FILE
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.2)
    second = subprocess.run([*PRA_FAST, str(fast_notebooks), "run", str(small_sample), "--out", str(out), "--only", "00"], capture_output=True, text=True)
    assert second.returncode == 3, second.stderr
    assert "another pra run is writing to" in second.stderr and f"pid {first.pid}" in second.stderr and "--wait" in second.stderr
    assert "Traceback" not in second.stderr
    first.send_signal(signal.SIGTERM)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 130 and "stopped on request" in err
    manifest = json.loads((out / AID / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert_described(out / AID)
    assert_no_orphans(tag)


def test_a_second_run_can_wait_for_the_first(small_sample, fast_notebooks, tmp_path):
    """With ``wait``, the second run starts once the first is done, and both finish."""
    out = tmp_path / "out"
    out.mkdir()
    from pra_lib._files import exclusive_lock

    with exclusive_lock(out / runner.LOCK_FILE, note="pid 1 (a test holding the folder)"):
        with pytest.raises(RunBusy, match="pid 1"):
            run_reports([small_sample], out=out, notebooks_dir=fast_notebooks, only=["01"], **QUIET)
    summary = run_reports([small_sample], out=out, notebooks_dir=fast_notebooks, only=["01"], wait=60, **QUIET)
    assert summary.ok


def test_a_lock_left_by_a_dead_run_is_taken_over(small_sample, fast_notebooks, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / runner.LOCK_FILE).write_text("pid 999999 on elsewhere, started 2017-01-01T00:00:00+00:00: pra run")
    lines = []
    summary = run_reports([small_sample], out=out, notebooks_dir=fast_notebooks, only=["01"], progress=lines.append)
    assert summary.ok
    assert any("took over the lock" in line and "pid 999999" in line for line in lines)


# --- unusable output folders ---------------------------------------------------------------


def test_an_output_that_is_a_file_gives_one_message(small_sample, tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("not a folder")
    result = subprocess.run([*PRA, "run", str(small_sample), "--out", str(out), "--only", "00"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "is a file" in result.stderr and "Traceback" not in result.stderr + result.stdout


def _mount_tmpfs(where: Path, options: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True)
    return done.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_a_read_only_output_gives_one_message(small_sample, tmp_path):
    where = tmp_path / "ro"
    if not _mount_tmpfs(where, "size=1m,ro"):
        pytest.skip("cannot mount a read-only tmpfs here (needs root); the read-only check is os.access in _files.usable_folder")
    try:
        result = subprocess.run([*PRA, "run", str(small_sample), "--out", str(where / "out"), "--only", "00"], capture_output=True, text=True)
    finally:
        _umount(where)
    assert result.returncode == 2, result.stderr
    assert "cannot create the output folder" in result.stderr and "Read-only" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_full_disk_fails_notebooks_with_one_message_and_the_run_goes_on(small_sample, fast_notebooks, tmp_path):
    """On a 3 MB file system the overview's report does not fit; the small notebook's does.
    Each failure is a message, not an abort, and the manifest still tells the truth."""
    where = tmp_path / "small-disk"
    if not _mount_tmpfs(where, "size=3m"):
        pytest.skip("cannot mount a 3 MB tmpfs here (needs root)")
    try:
        filler = where / "filler"
        filler.write_bytes(b"\0" * (2_600_000))
        result = subprocess.run([*PRA_FAST, str(fast_notebooks), "run", str(small_sample), "--out", str(where / "out")], capture_output=True, text=True)
        combined = result.stdout + result.stderr
        assert "Traceback" not in combined, combined[-3000:]
        assert result.returncode == 1, combined[-3000:]
        assert "No space left on device" in combined
        assert "of 10 notebook(s) succeeded" in result.stdout or "notebook(s) succeeded" in result.stdout
        folder = where / "out" / AID
        if (folder / "manifest.json").exists():
            filler.unlink()  # room to read and compare; the folder itself is unchanged
            manifest = assert_described(folder)
            assert manifest["status"] in ("failed", "incomplete")
    finally:
        _umount(where)


# --- kernels under load --------------------------------------------------------------------


def test_notebooks_start_and_finish_on_a_busy_machine(small_sample, fast_notebooks, tmp_path):
    """Kernels start under CPU load (two busy loops per core for the whole test); the run
    succeeds. Nothing here measures time."""
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2 * (os.cpu_count() or 1))]
    try:
        summary = run_reports([small_sample], out=tmp_path / "out", notebooks_dir=fast_notebooks, jobs=2, **QUIET)
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()
    assert summary.ok, [r.error for r in summary.failed]
    assert_described(tmp_path / "out" / AID)


def test_a_kernel_that_did_not_start_is_tried_once_more(small_sample, fast_notebooks, tmp_path, monkeypatch):
    import papermill

    real = papermill.execute_notebook
    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs["start_timeout"])
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    summary = run_reports([small_sample], out=tmp_path / "out", notebooks_dir=fast_notebooks, only=["01"], **QUIET)
    assert summary.ok and calls == [runner.START_TIMEOUT, runner.START_TIMEOUT] and runner.START_TIMEOUT >= 120


def test_a_kernel_that_never_starts_fails_after_the_retry(small_sample, fast_notebooks, tmp_path, monkeypatch):
    import papermill

    calls = []

    def never(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("Kernel didn't respond in 180 seconds")

    monkeypatch.setattr(papermill, "execute_notebook", never)
    summary = run_reports([small_sample], out=tmp_path / "out", notebooks_dir=fast_notebooks, only=["01"], **QUIET)
    (result,) = summary.results
    assert result.status == "failed" and "respond" in result.error and len(calls) == 2
    assert describe_folder(tmp_path / "out" / AID)["status"] == "failed"


# --- malformed assessments never give a traceback ------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TABLE_FILES = ["participants.csv", "hazards.csv", "perception_ratings.csv", "assets.csv", "assessment.yaml"]
MUTATIONS = st.one_of(
    st.tuples(st.just("cell"), st.text(max_size=30)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("bytes"), st.binary(max_size=200)),
    st.tuples(st.just("insert"), st.text(alphabet=st.sampled_from(list(",;\"'\n\r\t:&*!-[]{}# =+@xX1\u00e9")), max_size=40)),
    st.tuples(st.just("header"), st.text(max_size=15)),
)


def _mutate(path: Path, mutation, position: float) -> None:
    kind, arg = mutation
    data = path.read_bytes()
    at = int(len(data) * position)
    if kind == "truncate":
        path.write_bytes(data[: int(len(data) * arg)])
    elif kind == "bytes":
        path.write_bytes(data[:at] + arg + data[at:])
    elif kind == "insert":
        path.write_bytes(data[:at] + arg.encode("utf-8") + data[at:])
    elif kind == "header":
        lines = data.split(b"\n", 1)
        path.write_bytes(arg.encode("utf-8") + b"," + lines[0] + b"\n" + (lines[1] if len(lines) > 1 else b""))
    else:
        text = data.decode("utf-8", "surrogateescape")
        lines = text.split("\n")
        row = min(len(lines) - 1, 1 + int(position * (len(lines) - 2)))
        fields = lines[row].split(",")
        fields[int(position * (len(fields) - 1))] = arg.replace("\n", " ")
        lines[row] = ",".join(fields)
        path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))


@settings(max_examples=int(os.environ.get("PRA_FAULT_EXAMPLES", "30")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=st.lists(st.sampled_from(TABLE_FILES), min_size=1, max_size=3), mutations=st.lists(MUTATIONS, min_size=3, max_size=3), positions=st.lists(st.floats(0, 1), min_size=3, max_size=3))
def test_validate_never_gives_a_traceback_on_a_malformed_assessment(small_sample, tmp_path_factory, capsys, files, mutations, positions):
    from pra_lib.cli import main

    folder = tmp_path_factory.mktemp("malformed") / "a"
    shutil.copytree(small_sample, folder)
    for name, mutation, position in zip(files, mutations, positions):
        _mutate(folder / name, mutation, position)
    code = main(["validate", str(folder)])  # an exception here fails the test
    out = capsys.readouterr().out
    assert code in (0, 2)
    assert ("valid" in out) if code == 0 else ("INVALID" in out)
    if code == 0:  # what validates loads for a run, and records only files inside the folder
        from pra_lib.assessment.loading import load_assessment

        loaded = load_assessment(folder)
        assert all(p.is_file() and p.resolve().is_relative_to(folder.resolve()) for p in loaded.input_files())
    shutil.rmtree(folder.parent)
