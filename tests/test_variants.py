"""Every notebook runs on every valid assessment: a matrix of variants of the bundled sample.

Each variant is a copy of ``data/sample`` (never the sample itself) with something taken
away: one optional table (together with the tables that need it, so the folder stays
valid), every channel but one, every stakeholder group but one, every area but one, or
all questionnaire respondents but five. Every notebook must succeed on each, saying in one
sentence what a section cannot show.

Cost: the variants run together in one :func:`run_reports` call, two notebooks at a time,
with 200 resamples. The whole matrix (18 variants x 10 notebooks; 715 s when measured)
is too long for ``make test``, so by default a representative subset of three runs (122 s
on two cores when measured): the questionnaire-only folder (every optional table gone at once, the
harshest case for every notebook that reads one), one stakeholder group, and five
questionnaire respondents. ``PRA_FULL_VARIANTS=1`` adds one channel (online only), one area
and one variant per optional table.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pra_lib.assessment.loading import validate_assessment
from pra_lib.assessment.schema import TABLES
from pra_lib.runner import discover_notebooks, run_reports

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
FULL = os.environ.get("PRA_FULL_VARIANTS") == "1"
OPTIONAL = [t.name for t in TABLES if not t.required]
QUICK = {"n_resamples": 200}


def _needs(name: str) -> set[str]:
    """The table and every table that refers to it, directly or through another."""
    gone = {name}
    while True:
        more = {t.name for t in TABLES for c in t.columns if c.references and c.references.split(".")[0] in gone} - gone
        if not more:
            return gone
        gone |= more


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _keep_people(folder: Path, keep) -> None:
    """Keep the participants ``keep`` selects, and only the rows of other tables about them."""
    people = _read(folder, "participants")
    people = people[keep(people)]
    people.to_csv(folder / "participants.csv", index=False, lineterminator="\n")
    ids = set(people["respondent_id"])
    for spec in TABLES:
        path = folder / f"{spec.name}.csv"
        if spec.name == "participants" or not path.exists() or "respondent_id" not in spec.column_names:
            continue
        frame = _read(folder, spec.name)
        # A row rated by a workshop table has no respondent and stays.
        frame[frame["respondent_id"].isin(ids) | frame["respondent_id"].eq("")].to_csv(path, index=False, lineterminator="\n")


def _variant(root: Path, name: str, change) -> Path:
    folder = root / name
    shutil.copytree(SAMPLE, folder)
    meta_path = folder / "assessment.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    meta["assessment_id"] = f"variant-{name}"
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    change(folder)
    return folder


def _without(*names):
    def change(folder: Path) -> None:
        for name in set().union(*(_needs(n) for n in names)):
            (folder / f"{name}.csv").unlink(missing_ok=True)
    return change


def _five_respondents(folder: Path) -> None:
    rated = _read(folder, "perception_ratings").query("activity_id == 'questionnaire'")["respondent_id"].drop_duplicates()
    first = set(rated.head(5))
    # Interviewees belong to the questionnaire activity but rate nothing: they stay.
    _keep_people(folder, lambda p: (p["activity_id"] != "questionnaire") | (p["channel"] == "interview") | p["respondent_id"].isin(first))


def _variants() -> dict[str, object]:
    people = _read(SAMPLE, "participants")
    group = people["stakeholder_group"].value_counts().index[0]
    area = people.loc[people["area"] != "", "area"].value_counts().index[0]
    out = {
        "questionnaire-only": _without(*OPTIONAL),
        "one-group": lambda f: _keep_people(f, lambda p: p["stakeholder_group"] == group),
        "five-respondents": _five_respondents,
    }
    if FULL:
        out |= {
            "online-only": lambda f: _keep_people(f, lambda p: p["channel"] != "offline"),
            "one-area": lambda f: _keep_people(f, lambda p: p["area"].isin([area, ""])),
            **{f"no-{name.replace('_', '-')}": _without(name) for name in OPTIONAL},
        }
    return out


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("variants")
    return {name: _variant(root, name, change) for name, change in _variants().items()}


@pytest.fixture(scope="module")
def matrix(variants, tmp_path_factory):
    out = tmp_path_factory.mktemp("variant-reports")
    summary = run_reports(list(variants.values()), out=out, jobs=2, parameters=QUICK, progress=lambda line: None)
    return summary, out


def test_each_variant_is_a_valid_assessment_and_lacks_what_it_says(variants):
    """The matrix tests what it claims: each folder validates and lost what its name says."""
    for name, folder in variants.items():
        assert validate_assessment(folder) == [], name
    assert sorted(p.stem for p in variants["questionnaire-only"].glob("*.csv")) == ["participants", "perception_ratings"]
    assert _read(variants["one-group"], "participants")["stakeholder_group"].nunique() == 1
    if FULL:
        assert set(_read(variants["online-only"], "participants")["channel"]) == {"online", "interview", "workshop"}
        assert _read(variants["one-area"], "participants")["area"].replace("", None).nunique() == 1
        for name in OPTIONAL:
            assert not (variants[f"no-{name.replace('_', '-')}"] / f"{name}.csv").exists()
    ratings = _read(variants["five-respondents"], "perception_ratings").query("activity_id == 'questionnaire'")
    assert ratings["respondent_id"].nunique() == 5


def test_needs_follows_references():
    """Removing hazards takes every table that names a hazard with it, and only those."""
    assert _needs("hazards") == {"hazards", "interview_statements", "hazard_ratings", "asset_impacts", "amplifications", "agency_mandates", "action_links", "focus_area_links"}
    assert _needs("seminar_votes") == {"seminar_votes"}


STOP = "This assessment holds no "


def test_every_notebook_runs_on_every_variant(matrix, variants):
    """Each notebook succeeds, or stops with one sentence naming the table it cannot do without."""
    summary, out = matrix
    assert summary.ok, "\n".join(f"{r.assessment_id}/{r.notebook}: {r.error}" for r in summary.failed)
    not_collected = [r for r in summary.results if r.status == "not collected"]
    for r in not_collected:  # the sentence, and a folder that says it instead of a failed attempt
        assert r.error.startswith(STOP), r.error
        assert (out / r.assessment_id / r.notebook / "NOT_COLLECTED.txt").read_text(encoding="utf-8").strip() == r.error
        assert not list((out / r.assessment_id).glob(f"{r.notebook}.failed-*"))
    stopped = {(r.assessment_id.removeprefix("variant-"), r.notebook) for r in not_collected}
    # Fewer people never takes a report away: only a missing table may stop one.
    assert not {name for name, _ in stopped} & {"online-only", "one-group", "one-area", "five-respondents"}, sorted(stopped)
    notebooks = [p.stem for p in discover_notebooks()]
    for name in variants:
        for book in notebooks:
            if (name, book) not in stopped:
                assert (out / f"variant-{name}" / book / f"{book}.html").is_file(), f"{name}/{book}"
    # The questionnaire-only folder gets its overview, questionnaire, workshop ratings and overall
    # reports; the reports built on the tables it lacks each stop in their one sentence.
    ran = {r.notebook for r in summary.results if r.assessment_id == "variant-questionnaire-only" and r.status == "ok"}
    assert ran == {"00_data_overview", "01_questionnaire", "03_city_perception_workshop", "08_pra_overall"}, sorted(ran)


def _outputs(executed: Path) -> tuple[list[str], list[str]]:
    """The Markdown and the stderr text a report's executed notebook shows."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    markdown, stderr = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                stderr.append(output["text"])
            elif "text/markdown" in output.get("data", {}):
                markdown.append(output["data"]["text/markdown"])
    return markdown, stderr


def test_overall_report_says_once_per_section_what_a_questionnaire_only_folder_lacks(matrix):
    """08 on questionnaire data only: the profile, then one sentence for each absent section.

    No warnings about the absent data, no empty figures, and the executive summary and methods
    note speak of the questionnaire only (no "no action" for every goal without an inventory).
    """
    from pra_lib.publishing.i18n import t

    _, out = matrix
    folder = out / "variant-questionnaire-only" / "08_pra_overall"
    markdown, stderr = _outputs(folder / "08_pra_overall.ipynb")
    assert stderr == [], stderr
    text = "\n".join(markdown)
    for section in ("risk", "actions", "focus_areas", "seminar"):
        assert text.count(t(f"nb08.absent.{section}")) == 1, section
    assert t("nb08.absent.profile") not in text
    assert sorted(p.name for p in (folder / "figures").glob("*.png")) == ["resilience_wheel.png"]
    assert "(no action)" not in text and "Shocks and stresses." not in text and "Monte Carlo" not in text


def test_collected_sections_follow_the_tables(variants, sample_dir):
    from pra_lib.focus_areas import collected_sections
    from pra_lib.assessment.loading import load_assessment

    assert collected_sections(load_assessment(sample_dir)) == dict.fromkeys(("profile", "risk", "actions", "focus_areas", "seminar"), True)
    only = collected_sections(load_assessment(variants["questionnaire-only"]))
    assert only == {"profile": True, "risk": False, "actions": False, "focus_areas": False, "seminar": False}
    # an activity id the assessment does not use has no data, whatever else it holds
    assert collected_sections(load_assessment(sample_dir), seminar_activity_id="no_such_seminar")["seminar"] is False


def test_one_stakeholder_group_is_said_once_not_tested(matrix):
    """With one stakeholder group, 01, 03 and 07 say so in one sentence and publish no group tests."""
    from pra_lib.publishing.i18n import t

    _, out = matrix
    for book, tables in (("01_questionnaire", ["group_differences", "group_pairs"]), ("03_city_perception_workshop", ["group_differences"]),
                         ("07_pra_seminar", ["group_differences_rank", "group_differences_support"])):
        folder = out / "variant-one-group" / book
        markdown, stderr = _outputs(folder / f"{book}.ipynb")
        assert "\n".join(markdown).count(t("report.one_group")) == 1, book
        assert not any("kruskal_wallis" in text or "group_differences" in text for text in stderr), (book, stderr)
        for name in tables:
            assert not (folder / "tables" / f"{name}.csv").exists(), (book, name)


def test_has_groups_counts_groups_that_answered():
    from pra_lib.perception import has_groups

    frame = pd.DataFrame({"rating": [4.0, 2.0, None], "rank": [1, 2, 3], "stakeholder_group": ["government", "government", "academia"]})
    assert not has_groups(frame)  # academia answered "don't know" only
    assert has_groups(frame, value="rank")
    assert has_groups(frame.assign(rating=[4.0, 2.0, 5.0]))
