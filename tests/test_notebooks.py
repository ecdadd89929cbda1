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
import unicodedata
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from pra_lib.assessment.loading import load_assessment, validate_assessment
from pra_lib.publishing.privacy import PERSONAL_COLUMNS
from pra_lib.runner import discover_notebooks, run_reports

from .conftest import REPO, SAMPLE

NOTEBOOKS = discover_notebooks()


CANARY = "CANARY"

# Evasive personal data, as an attacker or a careless data entry would write it. Each must be
# redacted or withheld wherever it was planted; none may reach an output in any form.
PERSONAL_PAYLOADS = (
    "3171 1173 7476 0199",
    "3171-1173-7476-0288",
    "+62 (812) 5550 1999",
    "6281255501777",
    "0812.5550.2888",
    "budi.santoso(at)gmail.com",
    "siti [at] example [dot] com",
    "rina at kantor dot go dot id",
    "Pak Budi Santoso",
    "Ibu Siti Rahmawati",
    "08l2 5550 1444",  # a letter l for the digit 1
    "\uff10\uff18\uff11\uff12\uff15\uff15\uff15\uff10\uff11\uff13\uff13\uff13",  # full-width digits
    "0812\u200b5550\u200b1222",  # zero-width spaces inside
    "0x81255501666",  # a hex-like prefix
    "ab-0812-5550-1555",  # behind a record-id-like prefix
)
# What identifies the person in each payload, also once the punctuation around it is gone.
PERSONAL_FRAGMENTS = ("Budi Santoso", "Siti Rahmawati", "budi.santoso", "gmail", "siti [at]", "kantor dot")
PERSONAL_DIGITS = ("3171117374760199", "3171117374760288", "6281255501999", "6281255501777", "081255502888",
                   "81255501444", "081255501333", "081255501222", "81255501666", "081255501555")
# Markup that must stay text: no link, image, script or autolink may come from the data.
MARKUP_PAYLOADS = (
    "[x](javascript:alert(1))",
    "![](http://canary.invalid/beacon.png)",
    "<img src=http://canary.invalid/i.png>",
    "<http://canary.invalid/auto>",
    "http://canary.invalid/raw",
    "<script>alert(1)</script>",
)
PAYLOADS = PERSONAL_PAYLOADS + MARKUP_PAYLOADS
# Notebooks stay quick: fewer resamples than a real run, as tests/test_i18n.py does.
QUICK = {"n_resamples": 100, "n_runs": 50}


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _free_text_columns() -> dict[str, list[str]]:
    """Text columns validation accepts any text in: names, labels, titles, quotes (no ids, codes or lists)."""
    from pra_lib.assessment.schema import TABLES

    return {
        t.name: [c.name for c in t.columns if c.kind == "str" and not c.personal and c.references is None and c.allowed is None and not c.unique]
        for t in TABLES
    }


def _with_payload(value: str, salt: int, planted: set) -> str:
    # The same value gets the same payload in every table (workshop tables, codes), so
    # the data stay consistent; different values and columns get different payloads.
    payload = PAYLOADS[(sum(map(ord, value)) + salt) % len(PAYLOADS)]
    planted.add(payload)
    return f"{value} {payload}"


def _plant_metadata(meta: dict, planted: set) -> None:
    for key, value in meta.items():
        if isinstance(value, str) and key != "assessment_id":  # city, title, title_id...
            meta[key] = _with_payload(value, len(key), planted)
    for section, keys in (("activities", ("title", "title_id")), ("stakeholder_groups", ("label", "label_id")), ("areas", ("name",))):
        for i, item in enumerate(meta.get(section, [])):
            for j, key in enumerate(keys):
                if item.get(key):
                    item[key] = _with_payload(str(item[key]), 3 * i + j, planted)


@pytest.fixture(scope="session")
def canary_sample(tmp_path_factory):
    """A copy of the sample with a unique canary in every personal cell, and evasive personal
    data and markup in every free-text column and every text field of the metadata."""
    import yaml

    folder = tmp_path_factory.mktemp("canary") / "sample"
    shutil.copytree(SAMPLE, folder)
    people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    personal = [c for c in people.columns if c in PERSONAL_COLUMNS]
    assert set(personal) == {"name", "phone", "email", "nik"}
    for col in personal:
        people[col] = [f"{CANARY}{col.upper()}{i:05d}" for i in range(len(people))]
    people.to_csv(folder / "participants.csv", index=False, lineterminator="\n")
    planted: set[str] = set()
    for table, columns in _free_text_columns().items():
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for k, col in enumerate(c for c in columns if c in frame.columns):
            frame[col] = [_with_payload(v, k, planted) if v else v for v in frame[col]]
        frame.to_csv(path, index=False, lineterminator="\n")
    meta_path = folder / "assessment.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    _plant_metadata(meta, planted)
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert planted == set(PAYLOADS), f"not planted: {set(PAYLOADS) - planted}"
    assert validate_assessment(folder) == [], "the planted copy is still a valid assessment"
    return folder


_CANARY_RUNS: dict[str, object] = {}


def _run_canary(tmp_path_factory, canary_sample, lang: str) -> Path:
    """Run every notebook on the canary copy. A failure is not asserted here, so that the
    leak tests also read what failed attempts left (test_canary_runs_succeed checks it)."""
    out = tmp_path_factory.mktemp(f"reports-{lang}")
    before = _digests(canary_sample)
    _CANARY_RUNS[lang] = run_reports([canary_sample], out=out, jobs=2, parameters={"lang": lang, "figure_formats": "png,svg", **QUICK}, progress=lambda line: None)
    assert _digests(canary_sample) == before, "a run must never change its input files"
    return out / "jakarta-2017-synthetic"


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory, canary_sample):
    """Every notebook run once on the canary copy of the sample, in English, two at a time."""
    return _run_canary(tmp_path_factory, canary_sample, "en")


@pytest.fixture(scope="session")
def run_dir_id(tmp_path_factory, canary_sample):
    """Every notebook run once on the canary copy of the sample, in Indonesian."""
    return _run_canary(tmp_path_factory, canary_sample, "id")


def test_canary_runs_succeed_in_both_languages(run_dir, run_dir_id):
    """Evasive personal data and markup in every free-text field stop no notebook."""
    for lang in ("en", "id"):
        summary = _CANARY_RUNS[lang]
        assert summary.ok, "\n".join(f"{lang} {r.notebook}: {r.error}" for r in summary.failed)


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


@pytest.mark.parametrize("payload", ["+62 (812) 5550 1999", "[x](javascript:alert(1))"])
@pytest.mark.parametrize(
    "table, column",
    [
        ("participants", "area"),
        ("participants", "stakeholder_group"),
        ("participants", "channel"),
        ("participants", "gender"),
        ("hazards", "hazard_type"),
        ("actions", "owner_agency_id"),
    ],
)
def test_validation_rejects_payloads_in_id_and_code_columns(assessment_copy, table, column, payload):
    """The canary plants in free-text columns only: an id, a reference or a code from a list
    cannot hold personal data or markup, since validation names the cell and stops the run."""
    path = assessment_copy / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, column] = payload
    frame.to_csv(path, index=False, lineterminator="\n")
    problems = validate_assessment(assessment_copy)
    assert [p for p in problems if (p.file, p.row, p.column, p.value) == (f"{table}.csv", 2, column, payload)], problems[:3]


def test_payload_columns_are_the_free_text_columns():
    """What the canary plants in: every free-text column of the data model, no id or code."""
    columns = _free_text_columns()
    assert {"quote", "code"} <= set(columns["interview_statements"])
    assert {"name_en", "name_id", "category"} <= set(columns["hazards"])
    assert set(columns["agencies"]) == {"name", "name_en"} and columns["actions"] == ["title"]
    assert not any(c.endswith("_id") and c not in ("name_id",) for cols in columns.values() for c in cols)


def _published_texts(root: Path):
    """(file, text, text with entities resolved) for every file under an output root, failed attempts included: text
    files as written and with HTML/XML entities resolved, the XML inside XLSX workbooks,
    and the bytes of images (a PNG's text chunks, an SVG's text)."""
    import html as htmllib
    import zipfile

    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                text = "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
        else:
            text = data.decode("utf-8", "replace")
        yield path, text, htmllib.unescape(text)


def _leaks(text: str) -> list[str]:
    found = [p for p in PERSONAL_PAYLOADS + PERSONAL_FRAGMENTS if p in text]
    if CANARY in text:
        found.append(CANARY)
    # The numbers as a reader sees them: full-width digits folded, invisible characters and
    # punctuation dropped, a letter l or O among digits read as 1 or 0.
    seen = re.sub(r"[\u200b-\u200f\u2060\ufeff]", "", unicodedata.normalize("NFKC", text))
    seen = re.sub(r"(?<=\d)[lI](?=\d)|(?<=\d)[lI](?=\s?\d)", "1", re.sub(r"(?<=\d)[oO](?=\d)", "0", seen))
    digits = re.sub(r"[\s().+\-\\]", "", seen)  # the numbers with their punctuation dropped
    found += [d for d in PERSONAL_DIGITS if d in digits]
    return found


def _live_markup(html_text: str) -> list[str]:
    """Links, images and scripts in an HTML page that come from the planted markup."""
    tags = re.findall(r"<(?:a|img|script|iframe|link|source)\b[^>]*>", html_text, flags=re.I)
    bad = [t for t in tags if re.search(r"javascript:|canary\.invalid", t, flags=re.I)]
    bad += re.findall(r"<script>alert\(1\)", html_text)
    return bad


def _assert_nothing_leaked(root: Path) -> None:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    files = list(_published_texts(root))
    suffixes = {p.suffix for p, _, _ in files}
    assert {".png", ".svg", ".html", ".ipynb", ".csv", ".xlsx", ".json"} <= suffixes, suffixes
    problems = []
    for path, text, resolved in files:
        problems += [f"{path.relative_to(root)}: personal data {what!r}" for what in sorted(set(_leaks(text) + _leaks(resolved)))]
        if path.suffix == ".html":
            problems += [f"{path.relative_to(root)}: live markup {tag!r}" for tag in _live_markup(text)]
        if path.suffix == ".ipynb":  # every Markdown output, rendered as a notebook viewer would
            book = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
            for cell in book.cells:
                for output in cell.get("outputs", []):
                    markdown = output.get("data", {}).get("text/markdown")
                    if markdown:
                        problems += [f"{path.relative_to(root)}: live markup {tag!r}" for tag in _live_markup(markdown2html_mistune(markdown))]
    assert not problems, "\n".join(problems[:40])


def test_no_canary_reaches_any_output(run_dir):
    """Canary test (English): no planted personal data, in any form, appears in any output
    file, and no planted markup is live in any report."""
    _assert_nothing_leaked(run_dir)


def test_no_canary_reaches_any_output_in_indonesian(run_dir_id):
    """Canary test (Indonesian): the same on the reports in the other language."""
    _assert_nothing_leaked(run_dir_id)


def test_planted_markup_is_shown_as_text(run_dir):
    """The payloads are published as text, not dropped: the reader sees what the data said."""
    html = (run_dir / "04_assets_shocks_workshop" / "04_assets_shocks_workshop.html").read_text(encoding="utf-8")
    assert "[x](javascript:alert(1))" in html or "\\[x\\]" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=" in html
    hazards = pd.read_csv(run_dir / "04_assets_shocks_workshop" / "tables" / "shock_scores.csv", dtype=str)
    assert hazards["hazard"].str.contains("[redacted]", regex=False).any(), "a redacted label says so"


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
