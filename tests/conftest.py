"""Shared fixtures: the bundled sample, a small generated assessment, and cell editing helpers."""

from __future__ import annotations

import csv
import shutil
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


def _run_sample(tmp_path_factory, lang: str) -> Path:
    from pra_lib.runner import run_reports

    out = tmp_path_factory.mktemp(f"sample-{lang}")
    summary = run_reports([SAMPLE], out=out, jobs=2, parameters={"lang": lang, "figure_formats": "png,svg"}, progress=lambda line: None)  # SVG too: figure text is read by the tests
    assert summary.ok, [f"{r.notebook}: {r.error}" for r in summary.failed]
    return out


@pytest.fixture(scope="session")
def sample_reports_en(tmp_path_factory) -> Path:
    """Output root of one full English run of every notebook on the bundled sample.

    Shared by every test that reads a whole published run (browser, disclosure attack,
    reruns), so the suite runs the report set once per language. Read only.
    """
    return _run_sample(tmp_path_factory, "en")


@pytest.fixture(scope="session")
def sample_reports_id(tmp_path_factory) -> Path:
    """Output root of one full Indonesian run of every notebook on the bundled sample. Read only."""
    return _run_sample(tmp_path_factory, "id")
