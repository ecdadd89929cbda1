"""Shared fixtures: the bundled sample, a small generated assessment, and cell editing helpers."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pra_lib.assessment.sample import generate_sample

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory) -> Path:
    """A small assessment (40 respondents) that loads in a fraction of a second."""
    return generate_sample(tmp_path_factory.mktemp("small") / "assessment", seed=5, respondents=40)


@pytest.fixture
def assessment_copy(small_sample, tmp_path) -> Path:
    """A private copy of the small assessment that a test may break."""
    dest = tmp_path / "assessment"
    shutil.copytree(small_sample, dest)
    return dest


def read_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set a cell addressed as a spreadsheet shows it: header is row 1."""
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def get_cell(path: Path, row: int, column: str) -> str:
    rows = read_rows(path)
    return rows[row - 1][rows[0].index(column)]


def session_folder(tmp_path_factory) -> Path:
    """The temporary folder of the whole test session, shared by every pytest-xdist worker.

    Under xdist each worker has its own ``getbasetemp()`` (``.../pytest-N/popen-gw0``) inside
    the controller's one; a plain ``pytest`` run has a single one. ``PYTEST_XDIST_WORKER`` is
    what xdist's ``worker_id`` fixture reads, so this works without xdist installed too.
    """
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_session(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name`` that ``make(folder)`` fills once for the whole test session.

    The pattern of pytest-xdist's docs ("Making session-scoped fixtures execute only once"):
    the first worker to ask takes a file lock and runs ``make``; the others wait on the lock
    and read what it wrote. A ``make`` that fails is recorded, and every later request fails
    with its message instead of running it again. Callers must treat the folder as read only.

    Parameters
    ----------
    tmp_path_factory : pytest.TempPathFactory
        The session's factory.
    name : str
        The folder's name; one name is one piece of work, so it must say everything ``make``
        depends on (a seed, a policy, the notebooks).
    make : callable
        Writes the folder's content into the (new, empty) folder it is given.

    Returns
    -------
    pathlib.Path
        The folder, complete.
    """
    from filelock import FileLock

    root = session_folder(tmp_path_factory)
    folder, done, failed = root / name, root / f"{name}.done", root / f"{name}.failed"
    with FileLock(root / f"{name}.lock"):
        if failed.exists():
            pytest.fail(f"{name} failed earlier in this session:\n{failed.read_text()}")
        if not done.exists():
            # A worker killed while making it leaves a partial folder and no mark: start again.
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException as error:
                failed.write_text(f"{type(error).__name__}: {error}")
                raise
            done.write_text("")
    return folder


def run_once(tmp_path_factory, name: str, assessment: Path | Callable[[Path], Path], **options) -> Path:
    """Output root of ``run_reports`` on ``assessment``, run once per test session (also under
    xdist) in the shared folder ``name``: ``<name>/reports``.

    ``assessment`` is a folder, or a function that writes one into the folder it is given and
    returns it (kept as ``<name>/assessment``). ``options`` go to ``run_reports`` as they are
    (``only``, ``min_cell_size``, ``parameters``); it runs with 2 jobs and no progress lines.
    """
    from pra_lib.runner import run_reports

    def make(folder: Path) -> None:
        source = assessment(folder / "assessment") if callable(assessment) else assessment
        summary = run_reports([source], out=folder / "reports", jobs=2, progress=lambda line: None, **options)
        assert summary.ok, [f"{r.notebook}: {r.error}" for r in summary.failed]

    return once_per_session(tmp_path_factory, name, make) / "reports"


def _run_sample(tmp_path_factory, lang: str) -> Path:
    # SVG too: figure text is read by the tests
    return run_once(tmp_path_factory, f"sample-{lang}", SAMPLE, parameters={"lang": lang, "figure_formats": "png,svg"})


@pytest.fixture(scope="session")
def sample_reports_en(tmp_path_factory) -> Path:
    """Output root of one full English run of every notebook on the bundled sample.

    Shared by every test that reads a whole published run (browser, disclosure attack,
    reruns), so the suite runs the report set once per language, also when pytest-xdist
    spreads the tests over workers (:func:`run_once`). Read only.
    """
    return _run_sample(tmp_path_factory, "en")


@pytest.fixture(scope="session")
def sample_reports_id(tmp_path_factory) -> Path:
    """Output root of one full Indonesian run of every notebook on the bundled sample, once per
    session like :func:`sample_reports_en`. Read only."""
    return _run_sample(tmp_path_factory, "id")
