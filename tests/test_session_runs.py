"""The test suite's own machinery: work that several test processes share runs once.

``make test`` spreads the tests over processes (pytest-xdist); the full notebook runs that
several test modules read (``sample_reports_en``, the generated runs of the disclosure
attacks) go through ``conftest.once_per_session``, which lets one process do the work and
the others wait for it and read it. These tests check that helper itself, in real processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, once_per_session

# A stand-in for an xdist worker: its tmp_path_factory gives a worker's folder inside the
# session's, and PYTEST_XDIST_WORKER says it is a worker. `make` notes each call in calls.txt
# and, so that the others ask while it works, waits until every worker has started asking.
WORKER = """
import os, sys, time
from pathlib import Path
from tests.conftest import once_per_session

session, workers = Path(sys.argv[1]), int(sys.argv[2])

class Factory:
    def getbasetemp(self):
        return session / os.environ["PYTEST_XDIST_WORKER"]

def make(folder):
    with open(session / "calls.txt", "a") as calls:
        calls.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
    give_up = time.monotonic() + 60
    while len(list(session.glob("asking-*"))) < workers and time.monotonic() < give_up:
        time.sleep(0.05)
    time.sleep(0.5)
    (folder / "report.txt").write_text("written once")

(session / ("asking-" + os.environ["PYTEST_XDIST_WORKER"])).touch()
print(once_per_session(Factory(), "shared-run", make))
"""


def test_workers_that_ask_for_the_same_run_share_one(tmp_path):
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), "3"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTEST_XDIST_WORKER": f"gw{i}"})
        for i in range(3)
    ]
    folders = []
    for worker in workers:
        out, err = worker.communicate(timeout=900)  # a guard against a hang only: a loaded machine is slow to start three interpreters
        assert worker.returncode == 0, err[-2000:]
        folders.append(out.strip())
    assert (tmp_path / "calls.txt").read_text().count("\n") == 1, "one worker ran the work, the others read it"
    assert set(folders) == {str(tmp_path / "shared-run")}, "every worker gets the session's folder, not its own"
    assert (tmp_path / "shared-run" / "report.txt").read_text() == "written once"


class _Factory:
    def __init__(self, base: Path):
        self.base = base

    def getbasetemp(self) -> Path:
        return self.base


def test_a_run_is_made_once_per_session_without_xdist(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    calls = []
    first = once_per_session(_Factory(tmp_path), "run", calls.append)
    again = once_per_session(_Factory(tmp_path), "run", calls.append)
    assert first == again == tmp_path / "run", "a plain pytest run keeps it in its own temporary folder"
    assert calls == [first]


def test_a_failed_run_fails_every_later_request_with_its_message(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)

    def broken(folder: Path) -> None:
        raise AssertionError(["01_questionnaire: the kernel died"])

    with pytest.raises(AssertionError):
        once_per_session(_Factory(tmp_path), "run", broken)
    calls = []
    with pytest.raises(pytest.fail.Exception, match="run failed earlier in this session:\nAssertionError: .*01_questionnaire: the kernel died"):
        once_per_session(_Factory(tmp_path), "run", calls.append)
    assert calls == [], "a failed run is not run again by the next test that needs it"


def test_a_run_left_half_made_by_a_killed_worker_is_made_again(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "partial.csv").write_text("n\n1\n")  # no .done mark: its worker died mid-run
    folder = once_per_session(_Factory(tmp_path), "run", lambda f: (f / "report.txt").write_text("whole"))
    assert sorted(p.name for p in folder.iterdir()) == ["report.txt"], "the partial output is not read as a finished run"
