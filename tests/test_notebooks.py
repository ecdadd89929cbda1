"""End to end: `pra run` on the bundled sample, and every notebook under plain papermill.

Like pyhf's notebook tests, these execute the real notebooks and then assert on what they
recorded (the published CSV tables), not on screenshots.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from pra_lib.assessment.loading import load_assessment
from pra_lib.publishing.privacy import PERSONAL_COLUMNS
from pra_lib.runner import discover_notebooks, run_reports

from .conftest import REPO, SAMPLE

NOTEBOOKS = discover_notebooks()


CANARY = "CANARY"


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="session")
def canary_sample(tmp_path_factory):
    """A copy of the sample with a unique canary planted in every personal cell."""
    folder = tmp_path_factory.mktemp("canary") / "sample"
    shutil.copytree(SAMPLE, folder)
    people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    personal = [c for c in people.columns if c in PERSONAL_COLUMNS]
    assert set(personal) == {"name", "phone", "email", "nik"}
    for col in personal:
        people[col] = [f"{CANARY}{col.upper()}{i:05d}" for i in range(len(people))]
    people.to_csv(folder / "participants.csv", index=False, lineterminator="\n")
    return folder


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory, canary_sample):
    """Every notebook run once on the canary copy of the sample, two at a time."""
    out = tmp_path_factory.mktemp("reports")
    before = _digests(canary_sample)
    summary = run_reports([canary_sample], out=out, jobs=2, progress=lambda line: None)
    failures = "\n".join(f"{r.notebook}: {r.error}" for r in summary.failed)
    assert summary.ok, failures
    assert _digests(canary_sample) == before, "a run must never change its input files"
    return out / "jakarta-2017-synthetic"


def test_every_notebook_produced_html_notebook_and_tables(run_dir):
    for book in NOTEBOOKS:
        folder = run_dir / book.stem
        assert (folder / f"{book.stem}.html").stat().st_size > 10_000, book.stem
        assert (folder / f"{book.stem}.ipynb").exists()
        assert list((folder / "tables").glob("*.csv")), f"{book.stem} wrote no tables"
        assert not (folder / "FAILED.txt").exists()
    assert not list(run_dir.glob(".*staging*")), "staging folders are cleaned up"


def test_manifest_records_every_notebook(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert [n["notebook"] for n in manifest["notebooks"]] == [b.stem for b in NOTEBOOKS]
    assert all(n["status"] == "ok" for n in manifest["notebooks"])
    assert manifest["parameters"]["min_cell_size"] == 5


def test_overview_report_shows_participation(run_dir):
    folder = run_dir / "00_data_overview"
    html = (folder / "00_data_overview.html").read_text(encoding="utf-8")
    assert "Participation by activity and stakeholder group" in html
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', html)) >= 3, "the figures are embedded"
    assert "import pra_lib" not in html, "code cells are hidden"
    table = pd.read_csv(folder / "tables" / "participation.csv", dtype=str)
    people = load_assessment(SAMPLE).participants
    seminar_gov = table[(table.activity_id == "pra_seminar") & (table.stakeholder_group == "government")]
    expected = ((people.activity_id == "pra_seminar") & (people.stakeholder_group == "government")).sum()
    assert seminar_gov["n"].item() == str(expected)
    # Cells under five people are merged or suppressed (an empty cell), never published as their count.
    published = pd.to_numeric(table["n"], errors="raise").dropna()
    assert ((published == 0) | (published >= 5)).all()
    assert table.loc[table["suppressed"] == "True", "n"].isna().all()
    assert (folder / "figures" / "participation.png").stat().st_size > 5_000


def test_overview_area_table_suppresses_the_small_island_area(run_dir):
    areas = pd.read_csv(run_dir / "00_data_overview" / "tables" / "areas.csv", dtype=str).set_index("area")
    # Merged into "other" (the default for small categories), which names it.
    assert "kepulauan_seribu" not in areas.index
    other = areas[areas["name"].str.contains("Kepulauan Seribu", regex=False)]
    assert len(other) == 1 and int(other["n"].item()) >= 5
    assert int(areas.loc["jakarta_timur", "n"]) >= 5


def test_no_canary_reaches_any_output(run_dir):
    """Canary test: no planted personal value appears in any output file, of any kind."""
    files = [p for p in run_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".png" for p in files) and any(p.suffix == ".html" for p in files)
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), f"{path.relative_to(run_dir)} contains personal data"


def test_respondent_ids_in_outputs_are_pseudonyms(run_dir):
    people = load_assessment(SAMPLE).participants
    ids = re.compile("|".join(sorted(people["respondent_id"], key=len, reverse=True)))
    for path in run_dir.rglob("*.csv"):
        text = path.read_text(encoding="utf-8")
        assert not ids.search(text), f"{path.relative_to(run_dir)} holds a raw respondent id"


@pytest.fixture
def notebooks_with_a_failure(tmp_path):
    """The overview notebook plus one that raises, one that exceeds its timeout, one whose kernel dies."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "00_data_overview.ipynb").write_bytes((REPO / "notebooks" / "00_data_overview.ipynb").read_bytes())
    for name, source in (("01_broken", "raise RuntimeError('planted failure')"), ("02_slow", "import time\ntime.sleep(120)"), ("03_dies", "import os\nos._exit(1)")):
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell('assessment_path: str = ""\noutput_dir: str = ""\nmin_cell_size: int = 5')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell(source)]
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def test_a_failing_notebook_does_not_stop_the_others(small_sample, tmp_path, notebooks_with_a_failure):
    out = tmp_path / "out"
    lines = []
    summary = run_reports([small_sample], out=out, notebooks_dir=notebooks_with_a_failure, timeout=20, progress=lines.append)
    status = {r.notebook: r for r in summary.results}
    assert status["00_data_overview"].status == "ok"
    assert status["01_broken"].status == "failed" and "planted failure" in status["01_broken"].error
    assert status["02_slow"].status == "failed" and "Timeout" in status["02_slow"].error
    assert status["03_dies"].status == "failed" and "kernel" in status["03_dies"].error.lower()
    assert not summary.ok
    folder = out / "jakarta-2017-synthetic"
    (attempt,) = folder.glob("01_broken.failed-*")  # kept beside the report, which it never replaces
    assert (attempt / "01_broken.ipynb").exists(), "the executed notebook is kept for debugging"
    assert "planted failure" in (attempt / "FAILED.txt").read_text()
    assert not (attempt / "01_broken.html").exists() and not (folder / "01_broken").exists()
    assert any("01_broken failed in cell" in line for line in lines)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {n["notebook"]: n["status"] for n in manifest["notebooks"]} == {"00_data_overview": "ok", "01_broken": "failed", "02_slow": "failed", "03_dies": "failed"}
    assert manifest["status"] == "failed"


def test_cli_exit_status_is_non_zero_when_a_notebook_fails(small_sample, tmp_path, notebooks_with_a_failure, monkeypatch):
    from pra_lib import cli, runner

    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", notebooks_with_a_failure)
    code = cli.main(["run", str(small_sample), "--out", str(tmp_path / "o"), "--only", "01", "--timeout", "20"])
    assert code == 1


@pytest.mark.parametrize("book", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_under_plain_papermill_with_its_defaults(book, tmp_path):
    """A researcher's `papermill` call from the notebooks folder, no runner involved."""
    out_nb = tmp_path / f"{book.stem}.ipynb"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), book.name, str(out_nb), "-p", "output_dir", str(tmp_path / "out"), "--no-progress-bar"],
        cwd=book.parent,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert list((tmp_path / "out" / "tables").glob("*.csv"))


def test_report_page_title_is_the_computed_heading(run_dir):
    html = (run_dir / "00_data_overview" / "00_data_overview.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title and title != "00_data_overview"


def test_narrative_headings_are_markdown_headings_in_the_report(run_dir):
    """The narrative is written as Markdown cells, so JupyterLab's table of contents and the report show real headings."""
    html = (run_dir / "04_assets_shocks_workshop" / "04_assets_shocks_workshop.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>Assets and shocks", html)
    assert re.search(r"<h2[^>]*>Risk score of each shock", html)
    book = nbformat.read(REPO / "notebooks" / "04_assets_shocks_workshop.ipynb", as_version=4)
    headings = [c.source.splitlines()[0] for c in book.cells if c.cell_type == "markdown"]
    assert headings[0] == "# Assets and shocks" and "## Findings" in headings
